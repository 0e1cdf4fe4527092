//! Every handshake kind of the sequence table, client against server in memory, through the
//! real record layer, with application data both ways afterwards.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;

use crate::common::*;
use mtls_crypto::kx::NamedGroup;
use mtls_crypto::signature::SignatureAlgorithm;
use mtls_handshake::sequence::Kind;
use mtls_handshake::suites::{self, SupportedSuite};
use mtls_handshake::{ClientAuthPolicy, InMemoryClientSessionStore, InMemorySessionCache};
use mtls_wire::AlertDescription;

/// A P-384 certificate chain from the fixtures (leaf, then the P-384 CA).
fn certified_p384(name: &str) -> Arc<mtls_handshake::CertifiedKey> {
    let chain = vec![
        mtls_handshake::CertificateDer::from(fixture(&format!("{name}.cert.der"))),
        mtls_handshake::CertificateDer::from(fixture("ca-p384.cert.der")),
    ];
    let key =
        mtls_crypto::signature::SigningKey::from_pkcs8_der(&fixture(&format!("{name}.key.der")))
            .unwrap();
    Arc::new(mtls_handshake::CertifiedKey::new(chain, key).unwrap())
}

/// RFC 8422 5.4 / RFC 5246 7.4.8 with P-384 keys on both sides: the server signs
/// ServerKeyExchange and the client signs CertificateVerify with ecdsa_secp384r1_sha384
/// (0x0503, RFC 8446 4.2.3), and each peer verifies the other's signature.
#[test]
fn p384_certificates_sign_with_ecdsa_secp384r1_sha384_both_ways() {
    for suite in [
        suites::ECDHE_ECDSA_AES128_GCM,
        suites::ECDHE_ECDSA_AES256_GCM,
    ] {
        let mut sc =
            mtls_handshake::ServerConfig::new(Arc::new(vec![certified_p384("server-p384")]));
        sc.time = Arc::new(mtls_handshake::FixedClock(NOW));
        sc.client_auth = ClientAuthPolicy::Required;
        sc.client_verifier = Some(Arc::new(TestClientVerifier::accepting()));
        let mut cc = client_config();
        cc.cert_resolver = Some(Arc::new(certified_p384("client-p384")));
        cc.suites = vec![suite];
        let mut p = Pair::new(cc, sc, 3);
        p.run();
        p.assert_ok();
        p.exchange_data();
        let s = p.server.summary().unwrap();
        let c = p.client.summary().unwrap();
        assert_eq!(s.kind, Kind::FullEcdheClientCert);
        assert_eq!(s.suite.suite(), suite.suite);
        assert_eq!(
            c.server_signature,
            Some(SignatureAlgorithm::EcdsaSecp384r1Sha384)
        );
        assert_eq!(
            s.client_signature,
            Some(SignatureAlgorithm::EcdsaSecp384r1Sha384)
        );
        assert_eq!(
            s.peer_certificates[0].to_vec(),
            fixture("client-p384.cert.der")
        );
        assert_eq!(
            c.peer_certificates[0].to_vec(),
            fixture("server-p384.cert.der")
        );
    }
}

/// RFC 5246 7.4.1.4.1: in TLS 1.2 an ECDSA code point names the hash, not the curve, so a
/// peer that does not offer ecdsa_secp384r1_sha384 still gets a P-384 signature, under the
/// first ECDSA hash it offers (sha256); a peer that offers no ECDSA scheme at all leaves the
/// server no certificate to use.
#[test]
fn p384_server_without_sha384_offered_signs_another_hash_and_without_ecdsa_fails() {
    let server = || {
        let mut sc =
            mtls_handshake::ServerConfig::new(Arc::new(vec![certified_p384("server-p384")]));
        sc.time = Arc::new(mtls_handshake::FixedClock(NOW));
        sc
    };
    let mut cc = client_config();
    cc.signature_schemes
        .retain(|s| *s != SignatureAlgorithm::EcdsaSecp384r1Sha384);
    let mut p = Pair::new(cc, server(), 4);
    p.run();
    p.assert_ok();
    assert_eq!(
        p.client.summary().unwrap().server_signature,
        Some(SignatureAlgorithm::EcdsaSecp256r1Sha256)
    );

    let mut cc = client_config();
    // The low byte is the SignatureAlgorithm; ecdsa is 3 (RFC 5246 7.4.1.4.1).
    cc.signature_schemes.retain(|s| s.to_u16() & 0xff != 3);
    let mut p = Pair::new(cc, server(), 4);
    p.run();
    p.assert_failed("server", AlertDescription::HandshakeFailure);
}

#[test]
fn ecdhe_ecdsa_with_client_certificate_is_the_specs_handshake() {
    let (cc, sc) = mutual(
        "server-ecdsa",
        Some("client-rsa"),
        ClientAuthPolicy::Required,
    );
    let mut p = Pair::new(cc, sc, 1);
    p.run();
    p.assert_ok();
    p.exchange_data();
    let s = p.server.summary().unwrap();
    let c = p.client.summary().unwrap();
    assert_eq!(s.kind, Kind::FullEcdheClientCert);
    assert_eq!(c.kind, Kind::FullEcdheClientCert);
    assert_eq!(s.suite.suite(), suites::ECDHE_ECDSA_AES128_GCM.suite);
    assert!(s.extended_master_secret && c.extended_master_secret);
    assert_eq!(
        s.peer_certificates[0].to_vec(),
        fixture("client-rsa.cert.der")
    );
    assert_eq!(
        c.peer_certificates[0].to_vec(),
        fixture("server-ecdsa.cert.der")
    );
    assert_eq!(
        s.client_signature,
        Some(SignatureAlgorithm::RsaPssRsaeSha256)
    );
    assert_eq!(
        c.server_signature,
        Some(SignatureAlgorithm::EcdsaSecp256r1Sha256)
    );
    assert_eq!(s.group, Some(NamedGroup::X25519));
    assert_eq!(s.server_name.as_deref(), Some("localhost"));
}

#[test]
fn every_full_kind_for_every_suite() {
    let all: Vec<SupportedSuite> = suites::ALL_SUITES.to_vec();
    let mut seed = 10;
    for suite in &all {
        let server_cert = match suite.auth {
            mtls_handshake::AuthKeyType::Rsa => "server-rsa",
            mtls_handshake::AuthKeyType::Ecdsa => "server-ecdsa",
        };
        let rsa = suite.kx == mtls_wire::handshake::KeyExchangeAlgorithm::Rsa;
        for (client_cert, policy, want) in [
            (
                None,
                ClientAuthPolicy::None,
                if rsa { Kind::FullRsa } else { Kind::FullEcdhe },
            ),
            (
                Some("client-ecdsa"),
                ClientAuthPolicy::Required,
                if rsa {
                    Kind::FullRsaClientCert
                } else {
                    Kind::FullEcdheClientCert
                },
            ),
            (
                Some("client-rsa"),
                ClientAuthPolicy::Optional,
                if rsa {
                    Kind::FullRsaClientCert
                } else {
                    Kind::FullEcdheClientCert
                },
            ),
            (
                None,
                ClientAuthPolicy::Optional,
                if rsa {
                    Kind::FullRsaNoClientCert
                } else {
                    Kind::FullEcdheNoClientCert
                },
            ),
            (
                None,
                ClientAuthPolicy::Request,
                if rsa {
                    Kind::FullRsaNoClientCert
                } else {
                    Kind::FullEcdheNoClientCert
                },
            ),
        ] {
            let (mut cc, mut sc) = mutual(server_cert, client_cert, policy);
            cc.suites = vec![*suite];
            sc.suites = vec![*suite];
            cc.enable_static_rsa = rsa;
            sc.enable_static_rsa = rsa;
            seed += 1;
            let mut p = Pair::new(cc, sc, seed);
            p.run();
            p.assert_ok();
            p.exchange_data();
            let s = p.server.summary().unwrap();
            assert_eq!(s.kind, want, "{:?} {client_cert:?} {policy:?}", suite.suite);
            assert_eq!(p.client.summary().unwrap().kind, want);
            assert_eq!(s.suite, *suite);
            assert_eq!(s.peer_certificates.is_empty(), client_cert.is_none());
        }
    }
}

#[test]
fn both_groups_work() {
    for group in [NamedGroup::X25519, NamedGroup::Secp256r1] {
        let (mut cc, sc) = mutual(
            "server-rsa",
            Some("client-ecdsa"),
            ClientAuthPolicy::Required,
        );
        cc.groups = vec![group];
        let mut p = Pair::new(cc, sc, 3);
        p.run();
        p.assert_ok();
        assert_eq!(p.server.summary().unwrap().group, Some(group));
        assert_eq!(p.client.summary().unwrap().group, Some(group));
    }
}

#[test]
fn rfc5246_7_4_6_required_client_auth_refuses_an_empty_certificate() {
    let (cc, sc) = mutual("server-ecdsa", None, ClientAuthPolicy::Required);
    let mut p = Pair::new(cc, sc, 4);
    p.run();
    p.assert_failed("server", AlertDescription::HandshakeFailure);
    assert!(
        p.s.error
            .as_ref()
            .unwrap()
            .reason()
            .contains("requires one")
    );
}

#[test]
fn request_policy_accepts_an_unverifiable_certificate_and_exposes_it() {
    let (cc, mut sc) = mutual(
        "server-ecdsa",
        Some("client-rsa"),
        ClientAuthPolicy::Request,
    );
    sc.client_verifier = Some(Arc::new(TestClientVerifier {
        names: vec![],
        verdict: std::sync::Mutex::new(Err(mtls_handshake::CertificateError::UnknownIssuer)),
    }));
    let mut p = Pair::new(cc, sc, 5);
    p.run();
    p.assert_ok();
    assert_eq!(p.server.summary().unwrap().peer_certificates.len(), 2);
}

#[test]
fn client_certificate_refused_by_the_verifier_gets_its_alert() {
    for (err, alert) in [
        (
            mtls_handshake::CertificateError::UnknownIssuer,
            AlertDescription::UnknownCa,
        ),
        (
            mtls_handshake::CertificateError::Expired,
            AlertDescription::CertificateExpired,
        ),
        (
            mtls_handshake::CertificateError::Revoked,
            AlertDescription::CertificateRevoked,
        ),
        (
            mtls_handshake::CertificateError::AccessDenied,
            AlertDescription::AccessDenied,
        ),
    ] {
        let (cc, mut sc) = mutual(
            "server-ecdsa",
            Some("client-rsa"),
            ClientAuthPolicy::Optional,
        );
        sc.client_verifier = Some(Arc::new(TestClientVerifier {
            names: vec![],
            verdict: std::sync::Mutex::new(Err(err)),
        }));
        let mut p = Pair::new(cc, sc, 6);
        p.run();
        p.assert_failed("server", alert);
    }
}

#[test]
fn resumption_by_session_id_carries_the_client_identity() {
    let (mut cc, mut sc) = mutual(
        "server-ecdsa",
        Some("client-ecdsa"),
        ClientAuthPolicy::Required,
    );
    let store = Arc::new(InMemoryClientSessionStore::new(8, 3600));
    let cache = Arc::new(InMemorySessionCache::new(8, 3600));
    cc.session_store = Some(store.clone());
    sc.session_cache = Some(cache.clone());
    let (cc, sc) = (Arc::new(cc), Arc::new(sc));

    let mut first = Pair::build(cc.clone(), sc.clone(), 7, Some("localhost"), None, None);
    first.run();
    first.assert_ok();
    let full = first.server.summary().unwrap().clone();
    assert!(!full.resumed);
    assert_eq!(full.session_id.len(), 32);
    assert_eq!(cache.len(), 1);
    assert_eq!(store.len(), 1);

    let mut second = Pair::build(cc, sc, 8, Some("localhost"), None, None);
    second.run();
    second.assert_ok();
    second.exchange_data();
    let s = second.server.summary().unwrap();
    let c = second.client.summary().unwrap();
    assert_eq!(s.kind, Kind::Resumed);
    assert_eq!(c.kind, Kind::Resumed);
    assert_eq!(s.session_id, full.session_id);
    assert_eq!(
        s.peer_certificates, full.peer_certificates,
        "client identity carried over"
    );
    assert_eq!(
        c.peer_certificates,
        first.client.summary().unwrap().peer_certificates
    );
    // The abbreviated flow: ServerHello then the server's Finished, nothing else.
    assert_eq!(second.s.sent_messages.len(), 2);
    assert_eq!(second.c.sent_messages.len(), 2);
}

#[test]
fn rfc6066_3_server_picks_the_certificate_for_the_sni_name() {
    let resolver = Arc::new(vec![certified("server-ecdsa"), certified("server-other")]);
    for (name, want) in [
        ("localhost", "server-ecdsa.cert.der"),
        ("other.example", "server-other.cert.der"),
        ("api.other.example", "server-other.cert.der"),
        ("unknown.example", "server-ecdsa.cert.der"),
    ] {
        let mut sc = server_config("server-ecdsa");
        sc.cert_resolver = resolver.clone();
        let cc = client_config();
        let mut p = Pair::build(Arc::new(cc), Arc::new(sc), 9, Some(name), None, None);
        p.run();
        p.assert_ok();
        assert_eq!(
            p.client.summary().unwrap().peer_certificates[0].to_vec(),
            fixture(want),
            "SNI {name}"
        );
    }
    assert!(certified("server-other").matches_name("x.other.example"));
    assert!(!certified("server-other").matches_name("a.b.other.example"));
    assert_eq!(certified("server-ecdsa").dns_names(), ["localhost"]);
}

#[test]
fn rfc5746_4_renegotiation_refusals_are_bounded() {
    use mtls_handshake::{Action, Input, MAX_REFUSED_RENEGOTIATIONS};
    let (cc, sc) = mutual(
        "server-ecdsa",
        Some("client-rsa"),
        ClientAuthPolicy::Required,
    );
    let mut p = Pair::new(cc, sc, 12);
    p.run();
    p.assert_ok();
    let client_hello = p.c.sent_messages[0].clone();
    for _ in 0..MAX_REFUSED_RENEGOTIATIONS {
        let actions = p.server.handle(Input::Handshake(&client_hello)).unwrap();
        assert!(matches!(
            actions.as_slice(),
            [Action::SendAlert(a)] if a.description == AlertDescription::NoRenegotiation
        ));
    }
    let err = p
        .server
        .handle(Input::Handshake(&client_hello))
        .unwrap_err();
    assert_eq!(err.alert(), AlertDescription::UnexpectedMessage);
    // Dead afterwards.
    assert!(p.server.handle(Input::Handshake(&client_hello)).is_err());
}

/// Counts verifications and vouches for its verdicts until a fixed time.
struct VouchingVerifier {
    calls: std::sync::atomic::AtomicUsize,
    until: Option<u64>,
}

impl mtls_handshake::ClientCertVerifier for VouchingVerifier {
    fn root_hint_subjects(&self) -> Vec<mtls_handshake::DistinguishedName> {
        Vec::new()
    }
    fn verify_client_cert(
        &self,
        _: &[mtls_handshake::CertificateDer<'_>],
        _: u64,
    ) -> Result<(), mtls_handshake::CertificateError> {
        self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }
    fn verified_until(&self, _: &[mtls_handshake::CertificateDer<'_>]) -> Option<u64> {
        self.until
    }
}

#[test]
fn resumption_skips_reverification_only_while_the_same_verifier_vouches() {
    use std::sync::atomic::Ordering::SeqCst;
    for (until, verifications_on_resume) in [(Some(NOW + 10), 0), (Some(NOW), 1), (None, 1)] {
        let verifier = Arc::new(VouchingVerifier {
            calls: Default::default(),
            until,
        });
        let (mut cc, mut sc) = mutual(
            "server-ecdsa",
            Some("client-ecdsa"),
            ClientAuthPolicy::Required,
        );
        sc.client_verifier = Some(verifier.clone());
        cc.session_store = Some(Arc::new(InMemoryClientSessionStore::new(8, 3600)));
        sc.session_cache = Some(Arc::new(InMemorySessionCache::new(8, 3600)));
        let (cc, sc) = (Arc::new(cc), Arc::new(sc));
        let mut first = Pair::build(cc.clone(), sc.clone(), 20, Some("localhost"), None, None);
        first.run();
        first.assert_ok();
        assert_eq!(verifier.calls.load(SeqCst), 1);
        let mut second = Pair::build(cc, sc, 21, Some("localhost"), None, None);
        second.run();
        second.assert_ok();
        assert!(second.server.summary().unwrap().resumed, "{until:?}");
        assert_eq!(
            verifier.calls.load(SeqCst),
            1 + verifications_on_resume,
            "vouched until {until:?}, now {NOW}"
        );
    }
}

#[test]
fn a_new_verifier_reverifies_a_resumed_client() {
    use std::sync::atomic::Ordering::SeqCst;
    let make = || {
        Arc::new(VouchingVerifier {
            calls: Default::default(),
            until: Some(u64::MAX),
        })
    };
    let (old, new) = (make(), make());
    let cache = Arc::new(InMemorySessionCache::new(8, 3600));
    let (mut cc, mut sc) = mutual(
        "server-ecdsa",
        Some("client-ecdsa"),
        ClientAuthPolicy::Required,
    );
    cc.session_store = Some(Arc::new(InMemoryClientSessionStore::new(8, 3600)));
    sc.client_verifier = Some(old.clone());
    sc.session_cache = Some(cache.clone());
    let cc = Arc::new(cc);
    let mut first = Pair::build(cc.clone(), Arc::new(sc), 22, Some("localhost"), None, None);
    first.run();
    first.assert_ok();
    // Same cache, new configuration with a new verifier (new roots, say).
    let (_, mut sc2) = mutual("server-ecdsa", None, ClientAuthPolicy::Required);
    sc2.client_verifier = Some(new.clone());
    sc2.session_cache = Some(cache);
    let mut second = Pair::build(cc, Arc::new(sc2), 23, Some("localhost"), None, None);
    second.run();
    second.assert_ok();
    assert!(second.server.summary().unwrap().resumed);
    assert_eq!(old.calls.load(SeqCst), 1);
    assert_eq!(
        new.calls.load(SeqCst),
        1,
        "the new verifier checked the stored chain"
    );
}
