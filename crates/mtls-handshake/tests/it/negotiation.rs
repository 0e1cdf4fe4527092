//! What gets negotiated, and by whose rules: suite preference, certificate selection, static
//! RSA opt-in, ECDHE group selection (secp384r1 included), ALPN, the key log, the
//! CertificateRequest contents and the default signature schemes. The extended master secret is
//! extended_master_secret.rs's, resumption refusals resumption_refusals.rs's.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::{Arc, Mutex};

use crate::common::*;
use crate::pairs::*;
use mtls_crypto::kx::NamedGroup;
use mtls_crypto::signature::SignatureAlgorithm;
use mtls_handshake::sequence::Kind;
use mtls_handshake::suites::{self, SupportedSuite};
use mtls_handshake::{CertificateDer, ClientAuthPolicy, ServerConfig};
use mtls_wire::handshake::{
    ClientKeyExchange, HandshakePayload, KeyExchangeAlgorithm, ServerKeyExchange,
};
use mtls_wire::{
    AlertDescription, CipherSuite, ClientCertificateType, ExtensionType, HandshakeType,
    SignatureScheme,
};

fn two_certificates() -> ServerConfig {
    let mut sc = ServerConfig::new(Arc::new(vec![
        certified("server-rsa"),
        certified("server-ecdsa"),
    ]));
    sc.time = Arc::new(mtls_handshake::FixedClock(NOW));
    sc
}

// ---- suites and certificates (RFC 5246 7.4.1.2, 7.4.2; RFC 8422 5.1) ----

#[test]
fn rfc5246_7_4_1_2_server_order_wins_by_default_and_client_order_when_configured() {
    use mtls_handshake::SuitePreference;
    for (preference, want) in [
        (SuitePreference::Server, suites::ECDHE_ECDSA_AES128_GCM),
        (SuitePreference::Client, suites::ECDHE_ECDSA_AES256_GCM),
    ] {
        let (mut cc, mut sc) = mutual("server-ecdsa", None, ClientAuthPolicy::None);
        cc.suites = vec![
            suites::ECDHE_ECDSA_AES256_GCM,
            suites::ECDHE_ECDSA_CHACHA20,
            suites::ECDHE_ECDSA_AES128_GCM,
        ];
        sc.preference = preference;
        let p = completed(cc, sc, 1);
        assert_eq!(p.server.summary().unwrap().suite, want, "{preference:?}");
        assert_eq!(p.client.summary().unwrap().suite, want, "{preference:?}");
    }
}

#[test]
fn rfc5246_7_4_2_server_with_two_certificates_picks_the_one_that_fits_the_client() {
    let rsa_cert = fixture("server-rsa.cert.der");
    let ecdsa_cert = fixture("server-ecdsa.cert.der");

    // Only ECDHE_RSA suites: the RSA certificate.
    let mut cc = client_config();
    cc.suites = vec![suites::ECDHE_RSA_AES128_GCM, suites::ECDHE_RSA_CHACHA20];
    let p = completed(cc, two_certificates(), 2);
    let c = p.client.summary().unwrap();
    assert_eq!(c.suite, suites::ECDHE_RSA_AES128_GCM);
    assert_eq!(c.peer_certificates[0].to_vec(), rsa_cert);

    // Only ECDSA suites: the ECDSA certificate.
    let mut cc = client_config();
    cc.suites = vec![suites::ECDHE_ECDSA_CHACHA20];
    let p = completed(cc, two_certificates(), 3);
    assert_eq!(
        p.client.summary().unwrap().peer_certificates[0].to_vec(),
        ecdsa_cert
    );

    // Only ECDSA signature schemes, although the server prefers an RSA suite: the ECDSA
    // certificate (an RSA key could sign nothing the client accepts).
    let mut cc = client_config();
    cc.signature_schemes = vec![SignatureAlgorithm::EcdsaSecp256r1Sha256];
    let mut sc = two_certificates();
    sc.suites = vec![suites::ECDHE_RSA_AES128_GCM, suites::ECDHE_ECDSA_AES128_GCM];
    let p = completed(cc, sc, 4);
    let c = p.client.summary().unwrap();
    assert_eq!(c.suite, suites::ECDHE_ECDSA_AES128_GCM);
    assert_eq!(c.peer_certificates[0].to_vec(), ecdsa_cert);
    assert_eq!(
        c.server_signature,
        Some(SignatureAlgorithm::EcdsaSecp256r1Sha256)
    );

    // Only RSA signature schemes, although the server prefers ECDSA suites: the RSA one.
    let mut cc = client_config();
    cc.signature_schemes = vec![
        SignatureAlgorithm::RsaPkcs1Sha384,
        SignatureAlgorithm::RsaPssRsaeSha512,
    ];
    let p = completed(cc, two_certificates(), 5);
    let c = p.client.summary().unwrap();
    assert_eq!(c.suite, suites::ECDHE_RSA_AES128_GCM);
    assert_eq!(c.peer_certificates[0].to_vec(), rsa_cert);
    // The server's preference among the schemes both accept.
    assert_eq!(
        c.server_signature,
        Some(SignatureAlgorithm::RsaPssRsaeSha512)
    );
}

/// A resolver that picks as the list does and records each ClientHello's
/// signature_algorithms_cert.
struct Recording {
    chains: Vec<Arc<mtls_handshake::CertifiedKey>>,
    seen: Mutex<Vec<Option<Vec<SignatureScheme>>>>,
}

impl mtls_handshake::ResolvesServerCert for Recording {
    fn resolve(
        &self,
        hello: &mtls_handshake::ClientHelloInfo<'_>,
        key_type: mtls_handshake::AuthKeyType,
    ) -> Option<Arc<mtls_handshake::CertifiedKey>> {
        let cert = hello.signature_schemes_cert.map(<[_]>::to_vec);
        self.seen.lock().unwrap().push(cert);
        self.chains.resolve(hello, key_type)
    }
}

/// RFC 8446 4.2.3: a resolver is told the client's signature_algorithms_cert when it sent one
/// (our TLS 1.3 client does; our TLS 1.2-only client does not), to pick between chains from
/// differently signing CAs.
#[test]
fn rfc8446_4_2_3_the_certificate_resolver_is_told_signature_algorithms_cert() {
    for tls13 in [true, false] {
        let recording = Arc::new(Recording {
            chains: vec![certified("server-ecdsa")],
            seen: Mutex::new(Vec::new()),
        });
        let (cc, mut sc) = if tls13 {
            crate::tls13_common::configs13("server-ecdsa", None, ClientAuthPolicy::None)
        } else {
            (client_config(), server_config("server-ecdsa"))
        };
        let offered: Vec<SignatureScheme> = cc
            .signature_schemes
            .iter()
            .map(|s| SignatureScheme::from(s.to_u16()))
            .collect();
        sc.cert_resolver = recording.clone();
        if tls13 {
            let mut conn = crate::tls13_common::Conn13::new(cc, sc, 9);
            conn.run();
            conn.assert_ok();
        } else {
            completed(cc, sc, 9);
        }
        let seen = recording.seen.lock().unwrap();
        assert!(!seen.is_empty(), "tls13 {tls13}");
        let expected = tls13.then_some(offered);
        assert!(
            seen.iter().all(|s| *s == expected),
            "tls13 {tls13}: {seen:?}"
        );
    }
}

fn is_static_rsa(s: &CipherSuite) -> bool {
    SupportedSuite::find(*s).is_some_and(|s| s.kx == KeyExchangeAlgorithm::Rsa)
}

#[test]
fn rfc5246_7_4_7_1_static_rsa_suites_are_offered_only_when_enabled() {
    for enabled in [false, true] {
        let mut cc = client_config();
        cc.suites = suites::ALL_SUITES.to_vec();
        cc.enable_static_rsa = enabled;
        let p = Pair::new(cc, server_config("server-rsa"), 6);
        let ch = client_hello_of(&p);
        let offered: Vec<CipherSuite> = ch
            .cipher_suites
            .iter()
            .copied()
            .filter(is_static_rsa)
            .collect();
        if enabled {
            assert_eq!(
                offered,
                vec![
                    CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256,
                    CipherSuite::TLS_RSA_WITH_AES_256_GCM_SHA384
                ]
            );
        } else {
            assert_eq!(offered, Vec::new());
        }
        // RFC 5746 3.4: the SCSV always, last.
        assert_eq!(
            ch.cipher_suites.last(),
            Some(&CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV)
        );
    }
}

#[test]
fn rfc5246_7_4_1_2_server_without_the_flag_refuses_static_rsa_with_handshake_failure() {
    let mut cc = client_config();
    cc.suites = vec![suites::RSA_AES128_GCM];
    cc.enable_static_rsa = true;
    let mut sc = server_config("server-rsa");
    sc.suites = suites::ALL_SUITES.to_vec();
    let mut p = Pair::new(cc, sc, 7);
    p.run();
    p.assert_dead("server", AlertDescription::HandshakeFailure);

    // Offered first under client preference, still not taken: ECDHE instead.
    let mut cc = client_config();
    cc.suites = vec![suites::RSA_AES128_GCM, suites::ECDHE_RSA_AES256_GCM];
    cc.enable_static_rsa = true;
    let mut sc = server_config("server-rsa");
    sc.suites = suites::ALL_SUITES.to_vec();
    sc.preference = mtls_handshake::SuitePreference::Client;
    let p = completed(cc, sc, 8);
    assert_eq!(
        p.server.summary().unwrap().suite,
        suites::ECDHE_RSA_AES256_GCM
    );
}

#[test]
fn rfc5246_7_4_1_3_nothing_in_common_is_handshake_failure() {
    // No common suite.
    let mut cc = client_config();
    cc.suites = vec![suites::ECDHE_ECDSA_AES128_GCM];
    let mut sc = server_config("server-rsa");
    sc.suites = vec![suites::ECDHE_RSA_AES128_GCM, suites::ECDHE_ECDSA_AES256_GCM];
    let mut p = Pair::new(cc, sc, 9);
    p.run();
    p.assert_dead("server", AlertDescription::HandshakeFailure);

    // A common suite, but no certificate for it.
    let mut cc = client_config();
    cc.suites = vec![suites::ECDHE_ECDSA_AES128_GCM];
    let mut p = Pair::new(cc, server_config("server-rsa"), 10);
    p.run();
    p.assert_dead("server", AlertDescription::HandshakeFailure);

    // No common group (RFC 8422 5.1).
    let mut cc = client_config();
    cc.groups = vec![NamedGroup::Secp256r1];
    let mut sc = server_config("server-ecdsa");
    sc.groups = vec![NamedGroup::X25519];
    let mut p = Pair::new(cc, sc, 11);
    p.run();
    p.assert_dead("server", AlertDescription::HandshakeFailure);

    // No common signature scheme for the server's key (RFC 5246 7.4.1.4.1).
    let mut cc = client_config();
    cc.signature_schemes = vec![SignatureAlgorithm::RsaPssRsaeSha256];
    let mut p = Pair::new(cc, server_config("server-ecdsa"), 12);
    p.run();
    p.assert_dead("server", AlertDescription::HandshakeFailure);
}

// ---- ECDHE groups (RFC 8422 5.1.1, 5.4) ----

/// The ECDHE point the server sent in ServerKeyExchange and the client in ClientKeyExchange,
/// with the ServerKeyExchange's named_curve.
fn ecdhe_points(p: &Pair) -> (mtls_wire::NamedGroup, Vec<u8>, Vec<u8>) {
    let find = |msgs: &[Vec<u8>], typ: HandshakeType| {
        let m = msgs.iter().find(|m| m[0] == typ.to_u8()).unwrap();
        parse_message(m, Some(KeyExchangeAlgorithm::Ecdhe))
    };
    let HandshakePayload::ServerKeyExchange(ServerKeyExchange::Ecdhe(ske)) =
        find(&p.s.sent_messages, HandshakeType::ServerKeyExchange)
    else {
        panic!("not an ECDHE ServerKeyExchange")
    };
    let HandshakePayload::ClientKeyExchange(ClientKeyExchange::Ecdhe(point)) =
        find(&p.c.sent_messages, HandshakeType::ClientKeyExchange)
    else {
        panic!("not an ECDHE ClientKeyExchange")
    };
    (ske.params.named_curve, ske.params.public, point)
}

/// RFC 8422 5.1.1: by default the ClientHello's supported_groups lists X25519, secp256r1 and
/// secp384r1 (code point 24), in that order, and the server keeps its first choice.
#[test]
fn rfc8422_5_1_1_default_groups_offer_secp384r1_last() {
    let (cc, sc) = mutual("server-ecdsa", None, ClientAuthPolicy::None);
    let p = completed(cc, sc, 40);
    let offered = client_hello_of(&p)
        .extensions
        .supported_groups()
        .unwrap()
        .to_vec();
    assert_eq!(
        offered,
        [
            mtls_wire::NamedGroup::X25519,
            mtls_wire::NamedGroup::Secp256r1,
            mtls_wire::NamedGroup::Secp384r1,
        ]
    );
    assert_eq!(mtls_wire::NamedGroup::Secp384r1.to_u16(), 24);
    assert_eq!(
        mtls_handshake::DEFAULT_GROUPS,
        [
            NamedGroup::X25519,
            NamedGroup::Secp256r1,
            NamedGroup::Secp384r1
        ]
    );
    assert_eq!(p.server.summary().unwrap().group, Some(NamedGroup::X25519));
}

/// RFC 8422 5.1.1, 5.4, 5.7: a client offering only secp384r1, against a server with the
/// default groups, runs ECDHE on P-384 for an ECDHE-ECDSA and an ECDHE-RSA suite (with a
/// client certificate): ServerKeyExchange carries named_curve 24 and both sides send 97-byte
/// uncompressed points.
#[test]
fn rfc8422_5_4_client_offering_only_secp384r1_negotiates_it_for_ecdsa_and_rsa_suites() {
    for (server_cert, suite) in [
        ("server-ecdsa", suites::ECDHE_ECDSA_AES128_GCM),
        ("server-rsa", suites::ECDHE_RSA_AES128_GCM),
    ] {
        let (mut cc, sc) = mutual(
            server_cert,
            Some("client-ecdsa"),
            ClientAuthPolicy::Required,
        );
        cc.groups = vec![NamedGroup::Secp384r1];
        cc.suites = vec![suite];
        let p = completed(cc, sc, 41);
        for summary in [p.client.summary().unwrap(), p.server.summary().unwrap()] {
            assert_eq!(summary.group, Some(NamedGroup::Secp384r1), "{server_cert}");
            assert_eq!(summary.suite, suite, "{server_cert}");
            assert_eq!(summary.kind, Kind::FullEcdheClientCert, "{server_cert}");
        }
        let (curve, server_point, client_point) = ecdhe_points(&p);
        assert_eq!(curve, mtls_wire::NamedGroup::Secp384r1, "{server_cert}");
        for point in [server_point, client_point] {
            assert_eq!(point.len(), 97, "{server_cert}");
            assert_eq!(point[0], 0x04, "{server_cert}: uncompressed (RFC 8422 5.4)");
        }
    }
}

/// RFC 8422 5.1.1: the server picks by its own preference among the client's groups, so a
/// server preferring secp384r1 uses it with a default client.
#[test]
fn rfc8422_5_1_1_server_preferring_secp384r1_picks_it_from_the_default_offer() {
    let (cc, mut sc) = mutual("server-rsa", None, ClientAuthPolicy::None);
    sc.groups = vec![NamedGroup::Secp384r1, NamedGroup::X25519];
    let p = completed(cc, sc, 42);
    assert_eq!(
        p.server.summary().unwrap().group,
        Some(NamedGroup::Secp384r1)
    );
    assert_eq!(
        p.client.summary().unwrap().group,
        Some(NamedGroup::Secp384r1)
    );
    assert_eq!(ecdhe_points(&p).0, mtls_wire::NamedGroup::Secp384r1);
}

/// RFC 8422 5.1 / RFC 5246 7.4.1.3: with no ECDHE group in common (secp384r1 on one side
/// only, either way round) the server refuses with handshake_failure.
#[test]
fn rfc8422_5_1_secp384r1_on_one_side_only_is_handshake_failure() {
    for (seed, client_groups, server_groups) in [
        (
            43,
            vec![NamedGroup::Secp384r1],
            vec![NamedGroup::X25519, NamedGroup::Secp256r1],
        ),
        (
            44,
            vec![NamedGroup::X25519, NamedGroup::Secp256r1],
            vec![NamedGroup::Secp384r1],
        ),
    ] {
        let mut cc = client_config();
        cc.groups = client_groups;
        let mut sc = server_config("server-ecdsa");
        sc.groups = server_groups;
        let mut p = Pair::new(cc, sc, seed);
        p.run();
        p.assert_dead("server", AlertDescription::HandshakeFailure);
    }
}

// ---- ALPN (RFC 7301) ----

#[test]
fn rfc7301_3_2_alpn_is_chosen_by_server_preference() {
    let (mut cc, mut sc) = mutual("server-ecdsa", None, ClientAuthPolicy::None);
    cc.alpn_protocols = vec![b"http/1.1".to_vec(), b"h2".to_vec()];
    sc.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let p = completed(cc, sc, 13);
    assert_eq!(
        p.server.summary().unwrap().alpn.as_deref(),
        Some(&b"h2"[..])
    );
    assert_eq!(
        p.client.summary().unwrap().alpn.as_deref(),
        Some(&b"h2"[..])
    );

    // A client without ALPN: none, and no extension in the ServerHello.
    let (cc, mut sc) = mutual("server-ecdsa", None, ClientAuthPolicy::None);
    sc.alpn_protocols = vec![b"h2".to_vec()];
    let p = completed(cc, sc, 14);
    assert_eq!(p.server.summary().unwrap().alpn, None);
    assert!(!server_hello_of(&p).extensions.contains(ExtensionType::Alpn));
}

// ---- key log (NSS format) ----

#[test]
fn key_log_lines_have_the_nss_format_and_agree_on_both_sides() {
    let (mut cc, mut sc) = mutual(
        "server-ecdsa",
        Some("client-ecdsa"),
        ClientAuthPolicy::Required,
    );
    let client_log = Arc::new(MemoryKeyLog::default());
    let server_log = Arc::new(MemoryKeyLog::default());
    cc.key_log = Some(client_log.clone());
    sc.key_log = Some(server_log.clone());
    let p = completed(cc, sc, 29);
    let client_lines = client_log.0.lock().unwrap().clone();
    let server_lines = server_log.0.lock().unwrap().clone();
    assert_eq!(client_lines.len(), 1);
    assert_eq!(client_lines, server_lines);
    let fields: Vec<&str> = client_lines[0].split(' ').collect();
    assert_eq!(fields.len(), 3, "{}", client_lines[0]);
    assert_eq!(fields[0], "CLIENT_RANDOM");
    let is_hex = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    assert_eq!(fields[1].len(), 64);
    assert_eq!(fields[2].len(), 96);
    assert!(is_hex(fields[1]) && is_hex(fields[2]));
    assert_eq!(
        fields[1],
        hex::encode(p.client.summary().unwrap().client_random)
    );
}

// ---- CertificateRequest (RFC 5246 7.4.4) ----

#[test]
fn rfc5246_7_4_4_certificate_request_carries_the_verifiers_names_and_both_key_types() {
    let dn = |cn: &str| {
        // SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, UTF8String cn } } }
        let mut atv = vec![0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, cn.len() as u8];
        atv.extend_from_slice(cn.as_bytes());
        let mut seq = vec![0x30, atv.len() as u8];
        seq.extend(atv);
        let mut set = vec![0x31, seq.len() as u8];
        set.extend(seq);
        let mut name = vec![0x30, set.len() as u8];
        name.extend(set);
        mtls_handshake::DistinguishedName(name)
    };
    let names = vec![dn("Test CA"), dn("Other Root"), dn("Third Root")];
    let (cc, mut sc) = mutual(
        "server-ecdsa",
        Some("client-rsa"),
        ClientAuthPolicy::Optional,
    );
    sc.client_verifier = Some(Arc::new(TestClientVerifier {
        names: names.clone(),
        verdict: Mutex::new(Ok(())),
    }));
    sc.signature_schemes = vec![
        SignatureAlgorithm::EcdsaSecp256r1Sha256,
        SignatureAlgorithm::RsaPssRsaeSha256,
        SignatureAlgorithm::RsaPkcs1Sha256,
    ];
    let p = completed(cc, sc, 30);
    let cr =
        p.s.sent_messages
            .iter()
            .find(|m| m[0] == HandshakeType::CertificateRequest.to_u8())
            .unwrap();
    let HandshakePayload::CertificateRequest(cr) = parse_message(cr, None) else {
        panic!()
    };
    assert_eq!(cr.certificate_authorities, names);
    assert_eq!(
        cr.certificate_types,
        vec![
            ClientCertificateType::RsaSign,
            ClientCertificateType::EcdsaSign
        ]
    );
    assert_eq!(
        cr.supported_signature_algorithms,
        vec![
            SignatureScheme::from(0x0403),
            SignatureScheme::from(0x0804),
            SignatureScheme::from(0x0401),
        ]
    );

    // The names are capped (each costs its length and a 2-byte prefix).
    let (cc, mut sc) = mutual(
        "server-ecdsa",
        Some("client-rsa"),
        ClientAuthPolicy::Optional,
    );
    sc.client_verifier = Some(Arc::new(TestClientVerifier {
        names: names.clone(),
        verdict: Mutex::new(Ok(())),
    }));
    sc.max_ca_names_len = names[0].0.len() + 2 + names[1].0.len() + 2;
    let p = completed(cc, sc, 31);
    let cr =
        p.s.sent_messages
            .iter()
            .find(|m| m[0] == HandshakeType::CertificateRequest.to_u8())
            .unwrap();
    let HandshakePayload::CertificateRequest(cr) = parse_message(cr, None) else {
        panic!()
    };
    assert_eq!(cr.certificate_authorities, names[..2].to_vec());
}

#[test]
fn stored_client_session_has_the_certificates_and_name() {
    // Sanity of the store the resumption tests rely on.
    let (cc, sc) = resumable(ClientAuthPolicy::Required);
    let mut p = Pair::build(cc.clone(), sc, 32, Some("localhost"), None, None);
    p.run();
    p.assert_ok();
    let kept = cc
        .session_store
        .as_ref()
        .unwrap()
        .get_tls12(&cc.session_key("localhost"), NOW)
        .unwrap();
    assert_eq!(
        kept.peer_certificates[0],
        CertificateDer::from(fixture("server-ecdsa.cert.der"))
    );
    assert_eq!(kept.server_name.as_deref(), Some("localhost"));
}

/// RFC 5246 7.4.1.4.1 and 7.4.4: by default the ClientHello's signature_algorithms and the
/// server's CertificateRequest both offer ecdsa_secp384r1_sha384 (0x0503), right after
/// ecdsa_secp256r1_sha256, so P-384 certificates work on either side, then sha512 + ecdsa
/// (0x0603, ecdsa_secp521r1_sha512 in TLS 1.3's terms), which TLS 1.2 allows on any curve.
#[test]
fn default_schemes_offer_ecdsa_secp384r1_sha384_both_ways() {
    let (cc, sc) = mutual(
        "server-ecdsa",
        Some("client-ecdsa"),
        ClientAuthPolicy::Required,
    );
    let p = completed(cc, sc, 32);
    let offered = client_hello_of(&p)
        .extensions
        .signature_algorithms()
        .unwrap()
        .to_vec();
    let cr =
        p.s.sent_messages
            .iter()
            .find(|m| m[0] == HandshakeType::CertificateRequest.to_u8())
            .unwrap();
    let HandshakePayload::CertificateRequest(cr) = parse_message(cr, None) else {
        panic!()
    };
    for list in [offered, cr.supported_signature_algorithms] {
        assert_eq!(
            list[..3],
            [
                SignatureScheme::ECDSA_SECP256R1_SHA256,
                SignatureScheme::ECDSA_SECP384R1_SHA384,
                SignatureScheme::ECDSA_SECP521R1_SHA512,
            ]
        );
        assert_eq!(list.len(), mtls_handshake::DEFAULT_SIGNATURE_SCHEMES.len());
    }
}
