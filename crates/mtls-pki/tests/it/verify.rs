//! Chain validation through both verifiers: names, trust, validity, purpose, revocation,
//! signature algorithms, and the CA names for CertificateRequest.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::common::*;
use mtls_cert::{
    AlertDescription, CertificateDer, CertificateError, ClientCertVerifier, ServerCertVerifier,
};
use mtls_pki::{Crl, RootStore, WebPkiClientVerifier, WebPkiServerVerifier};
use x509_cert::der::{Decode, Encode};

fn fixture_roots() -> RootStore {
    RootStore::load(vector("pki/ca.pem")).unwrap()
}

fn server_verifier() -> WebPkiServerVerifier {
    WebPkiServerVerifier::new(fixture_roots())
}

fn client_verifier() -> WebPkiClientVerifier {
    WebPkiClientVerifier::new(fixture_roots())
}

/// XORs `mask` into the byte `from_end` bytes before the end of `cert`'s DER (its signature).
fn flip(cert: &mut CertificateDer<'static>, from_end: usize, mask: u8) {
    let mut der = cert.to_vec();
    let n = der.len();
    der[n - from_end] ^= mask;
    *cert = CertificateDer::from(der);
}

fn fixture_chain(leaf: &str) -> Vec<CertificateDer<'static>> {
    let mut chain = fixture_certs(leaf);
    chain.extend(fixture_certs("pki/ca.pem"));
    chain
}

// ---- Server certificates (fixtures) ----

#[test]
fn fixture_server_chains_verify_for_localhost_and_127_0_0_1() {
    let v = server_verifier();
    for leaf in ["pki/server-ecdsa.pem", "pki/server-rsa.pem"] {
        for name in ["localhost", "127.0.0.1"] {
            // With and without the root in the chain.
            v.verify_server_cert(&fixture_chain(leaf), Some(name), NOW)
                .unwrap_or_else(|e| panic!("{leaf} for {name}: {e}"));
            v.verify_server_cert(&fixture_certs(leaf), Some(name), NOW)
                .unwrap();
        }
    }
}

#[test]
fn wrong_name_is_not_valid_for_name_with_bad_certificate() {
    let v = server_verifier();
    let chain = fixture_chain("pki/server-ecdsa.pem");
    for name in ["example.com", "127.0.0.2", "::1", "LOCALHOST.example"] {
        let err = v.verify_server_cert(&chain, Some(name), NOW).unwrap_err();
        assert_eq!(err, CertificateError::NotValidForName(name.to_string()));
        assert_eq!(err.alert(), AlertDescription::BadCertificate);
        assert!(err.to_string().contains(name), "{err}");
    }
    // Not a DNS name nor an IP address at all.
    let err = v
        .verify_server_cert(&chain, Some("not a host!"), NOW)
        .unwrap_err();
    assert_eq!(err, CertificateError::NotValidForName("not a host!".into()));
}

#[test]
fn dns_names_match_case_insensitively() {
    server_verifier()
        .verify_server_cert(
            &fixture_chain("pki/server-ecdsa.pem"),
            Some("LocalHost"),
            NOW,
        )
        .unwrap();
}

#[test]
fn no_server_name_is_refused_with_a_reason() {
    let err = server_verifier()
        .verify_server_cert(&fixture_chain("pki/server-ecdsa.pem"), None, NOW)
        .unwrap_err();
    assert_eq!(err.alert(), AlertDescription::CertificateUnknown);
    assert!(err.to_string().contains("no server name"), "{err}");
}

#[test]
fn unknown_ca_is_unknown_issuer() {
    let other = Ca::root("other CA", ecdsa_key());
    let v = WebPkiServerVerifier::new(other.roots());
    let err = v
        .verify_server_cert(
            &fixture_chain("pki/server-ecdsa.pem"),
            Some("localhost"),
            NOW,
        )
        .unwrap_err();
    assert_eq!(err, CertificateError::UnknownIssuer);
    assert_eq!(err.alert(), AlertDescription::UnknownCa);
    // And the other way round: an rcgen server chain against the fixture roots.
    let leaf = other.leaf(Usage::Server);
    let err = server_verifier()
        .verify_server_cert(&other.chain(&leaf), Some("localhost"), NOW)
        .unwrap_err();
    assert_eq!(err, CertificateError::UnknownIssuer);
    // An empty root store trusts nothing.
    let err = WebPkiServerVerifier::new(RootStore::new())
        .verify_server_cert(&other.chain(&leaf), Some("localhost"), NOW)
        .unwrap_err();
    assert_eq!(err, CertificateError::UnknownIssuer);
}

#[test]
fn outside_the_validity_period_is_expired() {
    let ca = Ca::root("validity CA", ecdsa_key());
    let leaf = ca.leaf(Usage::Server);
    let v = WebPkiServerVerifier::new(ca.roots());
    v.verify_server_cert(&ca.chain(&leaf), Some("localhost"), NOW)
        .unwrap();
    for when in [AFTER, BEFORE] {
        let err = v
            .verify_server_cert(&ca.chain(&leaf), Some("localhost"), when)
            .unwrap_err();
        assert_eq!(err, CertificateError::Expired);
        assert_eq!(err.alert(), AlertDescription::CertificateExpired);
    }
    // The fixtures: valid from 2026-11-28 00:36:27.
    let err = server_verifier()
        .verify_server_cert(
            &fixture_chain("pki/server-ecdsa.pem"),
            Some("localhost"),
            BEFORE,
        )
        .unwrap_err();
    assert_eq!(err, CertificateError::Expired);
    // Only the leaf expired (the CA is valid to 2036).
    let short = ca.leaf_with(Usage::Server, ecdsa_key(), |p| {
        p.not_after = rcgen::date_time_ymd(2026, 1, 1);
    });
    let err = v
        .verify_server_cert(&ca.chain(&short), Some("localhost"), NOW)
        .unwrap_err();
    assert_eq!(err, CertificateError::Expired);
}

#[test]
fn client_certificate_as_server_certificate_is_invalid_purpose() {
    let err = server_verifier()
        .verify_server_cert(
            &fixture_chain("pki/client-ecdsa.pem"),
            Some("localhost"),
            NOW,
        )
        .unwrap_err();
    // The fixture client certificates carry no SAN either; the EKU is checked first.
    assert_eq!(err, CertificateError::InvalidPurpose);
    assert_eq!(err.alert(), AlertDescription::UnsupportedCertificate);

    let ca = Ca::root("purpose CA", ecdsa_key());
    let client = ca.leaf(Usage::Client);
    let err = WebPkiServerVerifier::new(ca.roots())
        .verify_server_cert(&ca.chain(&client), Some("localhost"), NOW)
        .unwrap_err();
    assert_eq!(err, CertificateError::InvalidPurpose);
    // Without an EKU extension a certificate is good for any purpose (RFC 5280 4.2.1.12).
    let any = ca.leaf(Usage::Any);
    WebPkiServerVerifier::new(ca.roots())
        .verify_server_cert(&ca.chain(&any), Some("localhost"), NOW)
        .unwrap();
    WebPkiClientVerifier::new(ca.roots())
        .verify_client_cert(&ca.chain(&any), NOW)
        .unwrap();
}

#[test]
fn ca_certificate_as_leaf_is_refused() {
    let ca = Ca::root("leaf CA", ecdsa_key());
    let err = WebPkiClientVerifier::new(ca.roots())
        .verify_client_cert(std::slice::from_ref(&ca.cert), NOW)
        .unwrap_err();
    // A CA certificate (basicConstraints cA) is no end entity.
    assert_eq!(err, CertificateError::BadCertificate);
}

#[test]
fn empty_garbage_and_tampered_chains_are_bad_certificates() {
    let v = server_verifier();
    let err = v
        .verify_server_cert(&[], Some("localhost"), NOW)
        .unwrap_err();
    assert_eq!(err, CertificateError::BadCertificate);
    let err = v
        .verify_server_cert(
            &[CertificateDer::from(b"\x30\x03\x02\x01\x00".to_vec())],
            Some("localhost"),
            NOW,
        )
        .unwrap_err();
    assert_eq!(err, CertificateError::BadCertificate);

    // Flip a bit in the leaf's signature (the last bytes of the DER).
    let mut chain = fixture_chain("pki/server-ecdsa.pem");
    flip(&mut chain[0], 3, 0x01);
    let err = v
        .verify_server_cert(&chain, Some("localhost"), NOW)
        .unwrap_err();
    assert_eq!(err, CertificateError::BadCertificate);
    assert_eq!(err.alert(), AlertDescription::BadCertificate);
}

// ---- Client certificates ----

#[test]
fn fixture_client_chains_verify() {
    let v = client_verifier();
    for leaf in ["pki/client-ecdsa.pem", "pki/client-rsa.pem"] {
        v.verify_client_cert(&fixture_chain(leaf), NOW)
            .unwrap_or_else(|e| panic!("{leaf}: {e}"));
    }
}

#[test]
fn server_certificate_as_client_certificate_is_invalid_purpose() {
    let err = client_verifier()
        .verify_client_cert(&fixture_chain("pki/server-rsa.pem"), NOW)
        .unwrap_err();
    assert_eq!(err, CertificateError::InvalidPurpose);
}

#[test]
fn client_from_another_ca_is_unknown_issuer() {
    let other = Ca::root("another CA", ecdsa_key());
    let leaf = other.leaf(Usage::Client);
    let err = client_verifier()
        .verify_client_cert(&other.chain(&leaf), NOW)
        .unwrap_err();
    assert_eq!(err, CertificateError::UnknownIssuer);
    assert_eq!(err.alert(), AlertDescription::UnknownCa);
}

#[test]
fn expired_client_is_refused() {
    for when in [BEFORE, 2_200_000_000] {
        let err = client_verifier()
            .verify_client_cert(&fixture_chain("pki/client-rsa.pem"), when)
            .unwrap_err();
        assert_eq!(err, CertificateError::Expired);
    }
}

// ---- Intermediates ----

#[test]
fn intermediate_chains_verify_and_need_the_intermediate() {
    let root = Ca::root("root CA", ecdsa_key());
    let inter = root.intermediate("intermediate CA", ecdsa_key());
    let inter2 = inter.intermediate("second intermediate CA", ecdsa_key());
    for ca in [&inter, &inter2] {
        let server = ca.leaf(Usage::Server);
        let client = ca.leaf(Usage::Client);
        WebPkiServerVerifier::new(root.roots())
            .verify_server_cert(&ca.chain(&server), Some("localhost"), NOW)
            .unwrap();
        WebPkiClientVerifier::new(root.roots())
            .verify_client_cert(&ca.chain(&client), NOW)
            .unwrap();
        // Without the intermediates there is no path.
        let err = WebPkiServerVerifier::new(root.roots())
            .verify_server_cert(std::slice::from_ref(&server.cert), Some("localhost"), NOW)
            .unwrap_err();
        assert_eq!(err, CertificateError::UnknownIssuer);
    }
    // Intermediates in any order, with an unrelated certificate thrown in.
    let server = inter2.leaf(Usage::Server);
    let chain = vec![
        server.cert.clone(),
        fixture_certs("pki/ca.pem").remove(0),
        inter.cert.clone(),
        inter2.cert.clone(),
    ];
    WebPkiServerVerifier::new(root.roots())
        .verify_server_cert(&chain, Some("localhost"), NOW)
        .unwrap();
    // Trusting the intermediate directly also works.
    WebPkiServerVerifier::new(inter2.roots())
        .verify_server_cert(std::slice::from_ref(&server.cert), Some("localhost"), NOW)
        .unwrap();
}

#[test]
fn leaf_used_as_intermediate_is_refused() {
    let root = Ca::root("root CA", ecdsa_key());
    // A non-CA leaf, then a "leaf" signed with that leaf's key.
    let fake_ca_leaf = root.leaf(Usage::Any);
    let fake_issuer = rcgen::Issuer::new(
        {
            let mut p = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
            p.distinguished_name
                .push(rcgen::DnType::CommonName, "test leaf");
            p
        },
        fake_ca_leaf.key,
    );
    let key = ecdsa_key();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params.not_before = rcgen::date_time_ymd(2025, 1, 1);
    params.not_after = rcgen::date_time_ymd(2030, 1, 1);
    let cert = params.signed_by(&key, &fake_issuer).unwrap();
    let chain = vec![CertificateDer::from(cert.der().to_vec()), fake_ca_leaf.cert];
    let err = WebPkiServerVerifier::new(root.roots())
        .verify_server_cert(&chain, Some("localhost"), NOW)
        .unwrap_err();
    // webpki: EndEntityUsedAsCa.
    assert_eq!(err, CertificateError::BadCertificate);
}

// ---- Revocation ----

#[test]
fn revoked_by_a_crl_is_revoked() {
    let ca = Ca::root("CRL CA", ecdsa_key());
    let good = ca.leaf(Usage::Server);
    let bad = ca.leaf(Usage::Server);
    let crl = Crl::from_der(&ca.crl(&[bad.serial])).unwrap();
    let v = WebPkiServerVerifier::new(ca.roots()).with_crls([crl]);
    v.verify_server_cert(&ca.chain(&good), Some("localhost"), NOW)
        .unwrap();
    let err = v
        .verify_server_cert(&ca.chain(&bad), Some("localhost"), NOW)
        .unwrap_err();
    assert_eq!(err, CertificateError::Revoked);
    assert_eq!(err.alert(), AlertDescription::CertificateRevoked);

    // Same for clients, with the CRL loaded from PEM.
    let client = ca.leaf(Usage::Client);
    let pem = pem_crl(&ca.crl(&[client.serial]));
    let crls = mtls_pki::crls_from_pem(pem.as_bytes()).unwrap();
    let err = WebPkiClientVerifier::new(ca.roots())
        .with_crls(crls)
        .verify_client_cert(&ca.chain(&client), NOW)
        .unwrap_err();
    assert_eq!(err, CertificateError::Revoked);
}

fn pem_crl(der: &[u8]) -> String {
    // Base64 by hand (no dependency): standard alphabet, padded, 64 columns.
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = String::new();
    for chunk in der.chunks(3) {
        let n = chunk.len();
        let v = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= n {
                b64.push(A[((v >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                b64.push('=');
            }
        }
    }
    let mut out = String::from("-----BEGIN X509 CRL-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap());
        out.push('\n');
    }
    out.push_str("-----END X509 CRL-----\n");
    out
}

#[test]
fn revocation_policy_for_intermediates_and_unknown_status() {
    let root = Ca::root("root CA", ecdsa_key());
    let inter = root.intermediate("intermediate CA", ecdsa_key());
    let leaf = inter.leaf(Usage::Server);
    let chain = inter.chain(&leaf);
    let root_crl = || Crl::from_der(&root.crl(&[])).unwrap();

    // Only the root published a CRL: the leaf's status is unknown, refused by default.
    let err = WebPkiServerVerifier::new(root.roots())
        .with_crls([root_crl()])
        .verify_server_cert(&chain, Some("localhost"), NOW)
        .unwrap_err();
    assert_eq!(err.alert(), AlertDescription::CertificateUnknown);
    assert!(
        err.to_string().contains("revocation status unknown"),
        "{err}"
    );
    WebPkiServerVerifier::new(root.roots())
        .with_crls([root_crl()])
        .allow_unknown_revocation_status()
        .verify_server_cert(&chain, Some("localhost"), NOW)
        .unwrap();

    // Both CRLs present: fine; the intermediate revoked by the root: revoked.
    let inter_crl = || Crl::from_der(&inter.crl(&[])).unwrap();
    WebPkiServerVerifier::new(root.roots())
        .with_crls([root_crl(), inter_crl()])
        .verify_server_cert(&chain, Some("localhost"), NOW)
        .unwrap();
    let revoking = Crl::from_der(&root.crl(&[100])).unwrap(); // the intermediate's serial
    let err = WebPkiServerVerifier::new(root.roots())
        .with_crls([revoking, inter_crl()])
        .verify_server_cert(&chain, Some("localhost"), NOW)
        .unwrap_err();
    assert_eq!(err, CertificateError::Revoked);
    // ... unless only the leaf is checked.
    let revoking = Crl::from_der(&root.crl(&[100])).unwrap();
    WebPkiServerVerifier::new(root.roots())
        .with_crls([revoking, inter_crl()])
        .only_check_end_entity_revocation()
        .verify_server_cert(&chain, Some("localhost"), NOW)
        .unwrap();
}

/// RFC 5280 6.3.3 (a): a CRL is used only while the current time is before its nextUpdate;
/// past it, a current CRL must be obtained. So by default a stale CRL refuses the chain it
/// covers (`certificate_unknown`, we cannot tell whether it was revoked since), on both sides.
#[test]
fn rfc5280_6_3_3_crl_past_its_next_update_refuses_the_chain_by_default() {
    let ca = Ca::root("stale CRL CA", ecdsa_key());
    let server = ca.leaf(Usage::Server);
    let client = ca.leaf(Usage::Client);
    // nextUpdate 2026-06-01, before NOW (2027-01-01).
    let stale = || Crl::from_der(&ca.crl_until(&[], (2026, 6, 1))).unwrap();

    let err = WebPkiServerVerifier::new(ca.roots())
        .with_crls([stale()])
        .verify_server_cert(&ca.chain(&server), Some("localhost"), NOW)
        .unwrap_err();
    assert_eq!(err.alert(), AlertDescription::CertificateUnknown);
    assert!(err.to_string().contains("nextUpdate"), "{err}");
    let err = WebPkiClientVerifier::new(ca.roots())
        .with_crls([stale()])
        .verify_client_cert(&ca.chain(&client), NOW)
        .unwrap_err();
    assert_eq!(err.alert(), AlertDescription::CertificateUnknown);
    assert!(err.to_string().contains("nextUpdate"), "{err}");

    // allow_expired_crls(): the stale CRL is used anyway, on both sides; it still revokes.
    WebPkiServerVerifier::new(ca.roots())
        .with_crls([stale()])
        .allow_expired_crls()
        .verify_server_cert(&ca.chain(&server), Some("localhost"), NOW)
        .unwrap();
    WebPkiClientVerifier::new(ca.roots())
        .with_crls([stale()])
        .allow_expired_crls()
        .verify_client_cert(&ca.chain(&client), NOW)
        .unwrap();
    let revoking = Crl::from_der(&ca.crl_until(&[client.serial], (2026, 6, 1))).unwrap();
    let err = WebPkiClientVerifier::new(ca.roots())
        .with_crls([revoking])
        .allow_expired_crls()
        .verify_client_cert(&ca.chain(&client), NOW)
        .unwrap_err();
    assert_eq!(err, CertificateError::Revoked);

    // The same CRL before its nextUpdate is current: the chain passes by default.
    let before_next_update = 1_780_000_000; // 2026-05-28
    WebPkiServerVerifier::new(ca.roots())
        .with_crls([stale()])
        .verify_server_cert(&ca.chain(&server), Some("localhost"), before_next_update)
        .unwrap();
}

#[test]
fn crl_of_another_issuer_does_not_revoke() {
    let ca = Ca::root("CA one", ecdsa_key());
    let other = Ca::root("CA two", ecdsa_key());
    let leaf = ca.leaf(Usage::Server);
    let crl = Crl::from_der(&other.crl(&[leaf.serial])).unwrap();
    let err = WebPkiServerVerifier::new(ca.roots())
        .with_crls([crl])
        .verify_server_cert(&ca.chain(&leaf), Some("localhost"), NOW)
        .unwrap_err();
    // Not revoked: its issuer has no CRL here, so the status is unknown.
    assert_eq!(err.alert(), AlertDescription::CertificateUnknown);
}

// ---- Signature algorithms ----

#[test]
fn rsa_pkcs1_chains_verify() {
    for alg in [
        &rcgen::PKCS_RSA_SHA256,
        &rcgen::PKCS_RSA_SHA384,
        &rcgen::PKCS_RSA_SHA512,
    ] {
        let ca = Ca::root("RSA CA", rsa_key(alg));
        let server = ca.leaf(Usage::Server);
        WebPkiServerVerifier::new(ca.roots())
            .verify_server_cert(&ca.chain(&server), Some("localhost"), NOW)
            .unwrap_or_else(|e| panic!("{alg:?}: {e}"));
        // An RSA leaf under an ECDSA intermediate under the RSA root.
        let inter = ca.intermediate("ECDSA intermediate", ecdsa_key());
        let rsa_leaf = inter.leaf_with(Usage::Client, rsa_key(alg), |_| {});
        WebPkiClientVerifier::new(ca.roots())
            .verify_client_cert(&inter.chain(&rsa_leaf), NOW)
            .unwrap();
    }
}

#[test]
fn ecdsa_p256_chains_verify() {
    let ca = Ca::root("ECDSA CA", ecdsa_key());
    let leaf = ca.leaf(Usage::Server);
    WebPkiServerVerifier::new(ca.roots())
        .verify_server_cert(&ca.chain(&leaf), Some("127.0.0.1"), NOW)
        .unwrap();
}

#[test]
fn rsa_pss_chains_verify() {
    // Made with OpenSSL (rcgen cannot sign with PSS): see tests/vectors/README.md.
    let roots = RootStore::load(vector("pss/ca.pem")).unwrap();
    let v = WebPkiServerVerifier::new(roots);
    for h in [256, 384, 512] {
        let chain = fixture_certs(&format!("pss/server-pss-sha{h}.pem"));
        v.verify_server_cert(&chain, Some("localhost"), NOW)
            .unwrap_or_else(|e| panic!("PSS SHA-{h}: {e}"));
        let mut tampered = chain.clone();
        flip(&mut tampered[0], 1, 0x80);
        assert_eq!(
            v.verify_server_cert(&tampered, Some("localhost"), NOW),
            Err(CertificateError::BadCertificate)
        );
    }
}

fn p384_key() -> rcgen::KeyPair {
    rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap()
}

/// A P-384 CA signing ecdsa-with-SHA384 (RFC 5758 3.2) over P-384 leaves: server and client
/// chains verify; a wrong name and an untrusted CA still fail.
#[test]
fn ecdsa_p384_chains_verify() {
    let ca = Ca::root("P-384 CA", p384_key());
    let server = ca.leaf_with(Usage::Server, p384_key(), |_| {});
    let client = ca.leaf_with(Usage::Client, p384_key(), |_| {});
    let sv = WebPkiServerVerifier::new(ca.roots());
    for name in ["localhost", "127.0.0.1"] {
        sv.verify_server_cert(&ca.chain(&server), Some(name), NOW)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    WebPkiClientVerifier::new(ca.roots())
        .verify_client_cert(&ca.chain(&client), NOW)
        .unwrap();
    // RFC 6125 6.4: the name must match.
    assert_eq!(
        sv.verify_server_cert(&ca.chain(&server), Some("example.com"), NOW),
        Err(CertificateError::NotValidForName("example.com".into()))
    );
    // Another P-384 CA: not trusted.
    let other = Ca::root("other P-384 CA", p384_key());
    assert_eq!(
        WebPkiServerVerifier::new(other.roots()).verify_server_cert(
            &ca.chain(&server),
            Some("localhost"),
            NOW
        ),
        Err(CertificateError::UnknownIssuer)
    );
    assert_eq!(
        WebPkiClientVerifier::new(other.roots()).verify_client_cert(&ca.chain(&client), NOW),
        Err(CertificateError::UnknownIssuer)
    );
    // A tampered leaf signature fails on the CA's P-384 key.
    let mut tampered = ca.chain(&server);
    flip(&mut tampered[0], 1, 0x01);
    assert!(
        sv.verify_server_cert(&tampered, Some("localhost"), NOW)
            .is_err()
    );
    // Mixed curves: a P-256 leaf under the P-384 CA, a P-384 leaf under a P-256 CA.
    let p256_leaf = ca.leaf(Usage::Server);
    sv.verify_server_cert(&ca.chain(&p256_leaf), Some("localhost"), NOW)
        .unwrap();
    let p256_ca = Ca::root("P-256 CA", ecdsa_key());
    let p384_leaf = p256_ca.leaf_with(Usage::Client, p384_key(), |_| {});
    WebPkiClientVerifier::new(p256_ca.roots())
        .verify_client_cert(&p256_ca.chain(&p384_leaf), NOW)
        .unwrap();
}

#[test]
fn unsupported_signature_algorithms_are_unsupported_certificate() {
    // An Ed25519 CA (RFC 8410): not among mtls-crypto's algorithms.
    let ca = Ca::root(
        "Ed25519 CA",
        rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap(),
    );
    let leaf = ca.leaf(Usage::Server);
    let err = WebPkiServerVerifier::new(ca.roots())
        .verify_server_cert(&ca.chain(&leaf), Some("localhost"), NOW)
        .unwrap_err();
    assert_eq!(err, CertificateError::UnsupportedCertificate);
    assert_eq!(err.alert(), AlertDescription::UnsupportedCertificate);
}

// ---- CA names for CertificateRequest ----

#[test]
fn root_hint_subjects_are_the_roots_der_names() {
    let hints = client_verifier().root_hint_subjects();
    assert_eq!(hints.len(), 1);
    // SEQUENCE { SET { SEQUENCE { commonName, UTF8String "mtls test CA" } } }
    assert_eq!(
        hints[0].0,
        b"\x30\x17\x31\x15\x30\x13\x06\x03\x55\x04\x03\x0c\x0cmtls test CA"
    );

    let a = Ca::root("hint CA one", ecdsa_key());
    let b = Ca::root("hint CA two", rsa_key(&rcgen::PKCS_RSA_SHA256));
    let mut roots = a.roots();
    roots.add(&b.cert).unwrap();
    roots.add(&a.cert).unwrap(); // a duplicate: named once
    let hints = WebPkiClientVerifier::new(roots).root_hint_subjects();
    assert_eq!(hints.len(), 2);
    for (hint, ca) in hints.iter().zip([&a, &b]) {
        let parsed = x509_cert::name::Name::from_der(&hint.0).unwrap();
        let cert = x509_cert::Certificate::from_der(ca.cert.as_ref()).unwrap();
        assert_eq!(&parsed, cert.tbs_certificate().subject());
        assert_eq!(hint.0, cert.tbs_certificate().subject().to_der().unwrap());
    }
    let v = WebPkiClientVerifier::new(a.roots()).with_root_hint_subjects(Vec::new());
    assert!(v.root_hint_subjects().is_empty());
}

#[test]
fn verifiers_are_shareable() {
    fn assert_send_sync<T: Send + Sync + Clone + std::fmt::Debug>() {}
    assert_send_sync::<WebPkiServerVerifier>();
    assert_send_sync::<WebPkiClientVerifier>();
    assert_send_sync::<RootStore>();
    let v = server_verifier().with_crls([]);
    assert!(format!("{v:?}").contains("roots: 1"));
}

#[test]
fn client_verification_is_vouched_for_until_the_earliest_not_after() {
    let chain = fixture_chain("pki/client-ecdsa.pem");
    let not_after = |c: &CertificateDer<'_>| {
        x509_cert::Certificate::from_der(c.as_ref())
            .unwrap()
            .tbs_certificate()
            .validity()
            .not_after
            .to_unix_duration()
            .as_secs()
    };
    let earliest = chain.iter().map(not_after).min().unwrap();
    assert_eq!(client_verifier().verified_until(&chain), Some(earliest));
    // With CRLs (which can change) there is no vouching: re-verify on every resumption.
    let root = Ca::root("root CA", ecdsa_key());
    let crl = Crl::from_der(&root.crl(&[])).unwrap();
    let with_crls = WebPkiClientVerifier::new(fixture_roots()).with_crls([crl]);
    assert_eq!(with_crls.verified_until(&chain), None);
    // A chain that does not parse gets no vouching either.
    assert_eq!(
        client_verifier().verified_until(&[CertificateDer::from(vec![0x30, 0x00])]),
        None
    );
}
