//! Certified keys, leaf reading and the resolvers, on certificates rcgen makes at test time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::sync::Arc;

use mtls_crypto::signature::SigningKey;
use mtls_wire::{AlertDescription, CipherSuite, ClientCertificateType, SignatureScheme};
use rcgen::{CertificateParams, KeyPair, date_time_ymd};
use rustls_pki_types::CertificateDer;

use crate::{
    AuthKeyType, CertificateRequestInfo, CertifiedKey, ClientHelloInfo, KeyError,
    ResolvesClientCert, ResolvesServerCert, x509,
};

/// A self-signed certificate for `names` with a new key of `alg`, valid 2025-01-01 ..
/// 2030-01-01, and the key's PKCS#8 DER.
fn self_signed(
    alg: &'static rcgen::SignatureAlgorithm,
    names: &[&str],
) -> (CertificateDer<'static>, Vec<u8>) {
    let key = KeyPair::generate_for(alg).unwrap();
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    params.not_before = date_time_ymd(2025, 1, 1);
    params.not_after = date_time_ymd(2030, 1, 1);
    let cert = params.self_signed(&key).unwrap();
    (
        CertificateDer::from(cert.der().to_vec()),
        key.serialize_der(),
    )
}

fn certified(alg: &'static rcgen::SignatureAlgorithm, names: &[&str]) -> Arc<CertifiedKey> {
    let (cert, key) = self_signed(alg, names);
    Arc::new(CertifiedKey::new(vec![cert], SigningKey::from_pkcs8_der(&key).unwrap()).unwrap())
}

#[test]
fn a_leaf_is_read_once_for_key_names_and_not_after() {
    let (cert, _) = self_signed(
        &rcgen::PKCS_ECDSA_P384_SHA384,
        &["Example.COM", "*.example.net"],
    );
    assert_eq!(
        x509::dns_names(&cert).unwrap(),
        ["example.com", "*.example.net"]
    );
    assert_eq!(x509::not_after(&cert).unwrap(), 1_893_456_000); // 2030-01-01T00:00:00Z
    let key = x509::public_key(&cert).unwrap();
    assert_eq!(AuthKeyType::from_schemes(key.schemes()), AuthKeyType::Ecdsa);
}

#[test]
fn names_match_exactly_or_by_a_one_label_wildcard() {
    let ck = certified(
        &rcgen::PKCS_ECDSA_P256_SHA256,
        &["Example.COM", "*.example.net"],
    );
    assert_eq!(ck.dns_names(), ["example.com", "*.example.net"]);
    assert!(ck.matches_name("example.com"));
    assert!(ck.matches_name("EXAMPLE.com."));
    assert!(ck.matches_name("www.example.net"));
    assert!(!ck.matches_name("example.net"));
    assert!(!ck.matches_name("a.b.example.net"));
    assert!(!ck.matches_name(".example.net"));
    assert_eq!(ck.key_type(), AuthKeyType::Ecdsa);
}

#[test]
fn a_chain_and_key_that_do_not_pair_are_refused_with_a_typed_error() {
    let (cert, key) = self_signed(&rcgen::PKCS_ECDSA_P256_SHA256, &["a.example"]);
    let (other_cert, _) = self_signed(&rcgen::PKCS_ECDSA_P256_SHA256, &["b.example"]);
    let key = || SigningKey::from_pkcs8_der(&key).unwrap();
    assert_eq!(
        CertifiedKey::new(Vec::new(), key()).unwrap_err(),
        KeyError::EmptyChain
    );
    let err = CertifiedKey::new(vec![other_cert], key()).unwrap_err();
    assert_eq!(err, KeyError::KeyDoesNotMatch);
    assert_eq!(
        err.to_string(),
        "the private key does not belong to the leaf certificate"
    );
    assert_eq!(err.alert(), AlertDescription::InternalError);
    let err = CertifiedKey::new(vec![CertificateDer::from(vec![0x30, 0x00])], key()).unwrap_err();
    assert!(matches!(err, KeyError::BadCertificate(_)), "{err:?}");
    assert!(
        err.to_string().starts_with("certificate does not parse"),
        "{err}"
    );
    CertifiedKey::new(vec![cert], key()).unwrap();
}

#[test]
fn a_peer_key_we_do_not_use_is_unsupported_certificate() {
    let (ed25519, _) = self_signed(&rcgen::PKCS_ED25519, &["a.example"]);
    let err = x509::public_key(&ed25519).unwrap_err();
    assert!(matches!(err, KeyError::UnsupportedKey(_)), "{err:?}");
    assert_eq!(err.alert(), AlertDescription::UnsupportedCertificate);
    assert!(std::error::Error::source(&err).is_some());
    let err = x509::public_key(&CertificateDer::from(b"junk".to_vec())).unwrap_err();
    assert_eq!(err.alert(), AlertDescription::BadCertificate);
    assert!(x509::not_after(&CertificateDer::from(Vec::new())).is_err());
}

#[test]
fn a_server_list_prefers_the_sni_name_among_keys_that_fit() {
    let a = certified(&rcgen::PKCS_ECDSA_P256_SHA256, &["a.example"]);
    let b = certified(&rcgen::PKCS_ECDSA_P256_SHA256, &["b.example"]);
    let list = vec![Arc::clone(&a), Arc::clone(&b)];
    let schemes = [SignatureScheme::from(0x0403)];
    let hello = |name| ClientHelloInfo {
        server_name: name,
        signature_schemes: &schemes,
        signature_schemes_cert: None,
        cipher_suites: &[CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256],
    };
    let pick = |name| list.resolve(&hello(name), AuthKeyType::Ecdsa).unwrap();
    assert!(Arc::ptr_eq(&pick(Some("b.example")), &b));
    assert!(Arc::ptr_eq(&pick(Some("c.example")), &a));
    assert!(Arc::ptr_eq(&pick(None), &a));
    assert!(list.resolve(&hello(None), AuthKeyType::Rsa).is_none());
}

#[test]
fn a_client_key_is_offered_when_its_type_and_a_scheme_are_asked_for() {
    let ck = certified(&rcgen::PKCS_ECDSA_P256_SHA256, &["client.example"]);
    let ask = |types: &[ClientCertificateType], scheme: u16| {
        ck.resolve(&CertificateRequestInfo {
            ca_names: &[],
            signature_schemes: &[SignatureScheme::from(scheme)],
            certificate_types: types,
        })
        .is_some()
    };
    assert!(ask(&[ClientCertificateType::EcdsaSign], 0x0403));
    assert!(!ask(&[ClientCertificateType::RsaSign], 0x0403));
    assert!(!ask(&[ClientCertificateType::EcdsaSign], 0x0804));
}

/// RFC 5280 4.2.1.3: a keyUsage extension, when present, says what the key may do; without
/// one every use is allowed.
#[test]
fn rfc5280_4_2_1_3_a_leaf_is_read_only_for_a_use_its_key_usage_allows() {
    use rcgen::KeyUsagePurpose as Ku;
    use x509::KeyUse;
    let leaf = |usages: &[Ku]| {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let mut params = CertificateParams::new(vec!["example.com".to_string()]).unwrap();
        params.key_usages = usages.to_vec();
        CertificateDer::from(params.self_signed(&key).unwrap().der().to_vec())
    };
    let cases: [(&[Ku], KeyUse, bool); 6] = [
        (&[], KeyUse::Signature, true),
        (&[], KeyUse::Encipherment, true),
        (&[Ku::DigitalSignature], KeyUse::Signature, true),
        (&[Ku::DigitalSignature], KeyUse::Encipherment, false),
        (&[Ku::KeyEncipherment], KeyUse::Signature, false),
        (
            &[Ku::KeyAgreement, Ku::KeyEncipherment],
            KeyUse::Encipherment,
            true,
        ),
    ];
    for (usages, key_use, ok) in cases {
        let got = x509::read_leaf_for(&leaf(usages), key_use);
        if ok {
            assert!(got.is_ok(), "{usages:?} for {key_use:?}");
        } else {
            let err = got.map(|_| ()).unwrap_err();
            assert_eq!(err, KeyError::KeyUsage(key_use));
            assert_eq!(err.alert(), AlertDescription::UnsupportedCertificate);
        }
    }
    // read_leaf is the signature use.
    assert!(x509::read_leaf(&leaf(&[Ku::KeyEncipherment])).is_err());
}
