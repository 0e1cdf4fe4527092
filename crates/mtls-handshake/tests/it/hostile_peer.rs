//! A hostile or broken peer, one rule at a time: each test makes one side misbehave (by
//! tampering with an honest peer's messages, or by driving a state machine by hand) and
//! asserts the exact alert, no panic, and a dead handshake afterwards (every later input
//! returns the same alert).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use crate::common::*;
use mtls_crypto::DeterministicRng;
use mtls_crypto::kx::NamedGroup;
use mtls_crypto::rsa_kx::encrypt_premaster;
use mtls_crypto::signature::{SignatureAlgorithm, SigningKey};
use mtls_handshake::certs::leaf_public_key;
use mtls_handshake::suites;
use mtls_handshake::{
    CertificateDer, ClientAuthPolicy, ClientConfig, ClientHandshake, Input, ServerConfig,
    ServerHandshake,
};
use mtls_wire::alert::Alert;
use mtls_wire::extensions::{Extension, ProtocolName};
use mtls_wire::handshake::{
    CertificateMsg, ClientKeyExchange, DigitallySigned, EcdheServerKeyExchange, HandshakePayload,
    KeyExchangeAlgorithm, ServerEcdhParams, ServerKeyExchange,
};
use mtls_wire::{
    AlertDescription, AlertLevel, CipherSuite, CompressionMethod, ContentType, ExtensionType,
    HandshakeType, ProtocolVersion, SignatureScheme,
};

use AlertDescription as A;
use HandshakeType as H;

fn mutual(
    server_cert: &str,
    client_cert: Option<&str>,
    policy: ClientAuthPolicy,
) -> (ClientConfig, ServerConfig) {
    let mut sc = server_config(server_cert);
    sc.client_auth = policy;
    sc.client_verifier = Some(Arc::new(TestClientVerifier::accepting()));
    let mut cc = client_config();
    if let Some(name) = client_cert {
        cc.cert_resolver = Some(Arc::new(certified(name)));
    }
    (cc, sc)
}

/// The spec's handshake: ECDHE-ECDSA, client certificate required and given.
fn spec() -> (ClientConfig, ServerConfig) {
    mutual(
        "server-ecdsa",
        Some("client-ecdsa"),
        ClientAuthPolicy::Required,
    )
}

/// Static RSA key exchange (TLS_RSA_WITH_AES_128_GCM_SHA256) enabled on both sides.
fn static_rsa(client_cert: Option<&str>, policy: ClientAuthPolicy) -> (ClientConfig, ServerConfig) {
    let (mut cc, mut sc) = mutual("server-rsa", client_cert, policy);
    cc.suites = vec![suites::RSA_AES128_GCM];
    sc.suites = vec![suites::RSA_AES128_GCM];
    cc.enable_static_rsa = true;
    sc.enable_static_rsa = true;
    (cc, sc)
}

fn run_tampered(
    cc: ClientConfig,
    sc: ServerConfig,
    seed: u8,
    client_tamper: Option<Tamper>,
    server_tamper: Option<Tamper>,
) -> Pair {
    let mut p = Pair::build(
        Arc::new(cc),
        Arc::new(sc),
        seed,
        Some("localhost"),
        client_tamper,
        server_tamper,
    );
    p.run();
    p
}

fn bogus_certificate_verify() -> Vec<u8> {
    encode_message(HandshakePayload::CertificateVerify(DigitallySigned {
        scheme: SignatureScheme::from(SignatureAlgorithm::EcdsaSecp256r1Sha256.to_u16()),
        signature: vec![0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01],
    }))
}

fn bogus_server_key_exchange() -> Vec<u8> {
    encode_message(HandshakePayload::ServerKeyExchange(
        ServerKeyExchange::Ecdhe(EcdheServerKeyExchange {
            params: ServerEcdhParams {
                named_curve: mtls_wire::NamedGroup::from(NamedGroup::X25519.to_u16()),
                public: vec![9; 32],
            },
            signature: DigitallySigned {
                scheme: SignatureScheme::from(SignatureAlgorithm::RsaPssRsaeSha256.to_u16()),
                signature: vec![1; 256],
            },
        }),
    ))
}

fn flip_last_byte(m: &[u8]) -> Vec<Vec<u8>> {
    let mut m = m.to_vec();
    *m.last_mut().unwrap() ^= 0x01;
    vec![m]
}

/// A server tamper that edits the ServerKeyExchange and signs it again with the key in
/// `key_fixture` (the server's own key: only the edit is wrong; another key: a forged
/// signature). The randoms are taken from the ClientHello already sent and the ServerHello as
/// it passes.
fn resign_server_key_exchange(
    p: &Pair,
    key_fixture: &str,
    mut edit: impl FnMut(&mut EcdheServerKeyExchange) + 'static,
) -> Tamper {
    let HandshakePayload::ClientHello(ch) = parse_message(&p.c.sent_messages[0], None) else {
        panic!("the client's first message is not a ClientHello")
    };
    let client_random = ch.random;
    let key = SigningKey::from_pkcs8_der(&fixture(key_fixture)).unwrap();
    let mut server_random = None;
    Box::new(move |m: &[u8]| {
        match parse_message(m, Some(KeyExchangeAlgorithm::Ecdhe)) {
            HandshakePayload::ServerHello(sh) => server_random = Some(sh.random),
            HandshakePayload::ServerKeyExchange(ServerKeyExchange::Ecdhe(mut ske)) => {
                edit(&mut ske);
                let scheme = SignatureAlgorithm::from_u16(ske.signature.scheme.to_u16()).unwrap();
                let signed = ske.signed_message(&client_random, &server_random.unwrap());
                ske.signature.signature = key
                    .sign(
                        scheme,
                        &signed,
                        &mut DeterministicRng::from_seed([0x5a; 32]),
                    )
                    .unwrap();
                return vec![encode_message(HandshakePayload::ServerKeyExchange(
                    ServerKeyExchange::Ecdhe(ske),
                ))];
            }
            _ => {}
        }
        vec![m.to_vec()]
    })
}

/// The spec's handshake driven by hand up to the client's second flight:
/// (client, server, server flight, client flight).
fn by_hand_to_client_flight() -> (ClientHandshake, ServerHandshake, Vec<Out>, Vec<Out>) {
    let (cc, sc) = spec();
    let (mut client, mut server, hello) = direct(cc, sc, 40);
    let server_flight = feed(&mut server, &hello).unwrap();
    let client_flight = feed(&mut client, &server_flight).unwrap();
    // Certificate, ClientKeyExchange, CertificateVerify, CCS, Finished.
    assert_eq!(client_flight.len(), 5, "{client_flight:?}");
    assert_eq!(client_flight[3], Out::Ccs);
    (client, server, server_flight, client_flight)
}

// ---- message sequence (RFC 5246 7.3, 7.4) ----

#[test]
fn rfc5246_7_4_3_ecdhe_without_server_key_exchange_is_unexpected_message() {
    let (cc, sc) = spec();
    let mut p = run_tampered(cc, sc, 1, None, Some(drop_type(H::ServerKeyExchange)));
    p.assert_dead("client", A::UnexpectedMessage);
}

#[test]
fn rfc5246_7_4_3_server_key_exchange_in_a_static_rsa_suite_is_unexpected_message() {
    for (client_cert, policy) in [
        (None, ClientAuthPolicy::None),
        (Some("client-rsa"), ClientAuthPolicy::Required),
    ] {
        let (cc, sc) = static_rsa(client_cert, policy);
        let tamper = insert_after(H::Certificate, bogus_server_key_exchange());
        let mut p = run_tampered(cc, sc, 2, None, Some(tamper));
        p.assert_dead("client", A::UnexpectedMessage);
    }
}

#[test]
fn rfc5246_7_4_2_server_without_certificate_is_unexpected_message() {
    for (cc, sc) in [spec(), static_rsa(None, ClientAuthPolicy::None)] {
        let mut p = run_tampered(cc, sc, 3, None, Some(drop_type(H::Certificate)));
        p.assert_dead("client", A::UnexpectedMessage);
    }
}

#[test]
fn rfc5246_7_4_8_client_certificate_without_certificate_verify_is_unexpected_message() {
    let (cc, sc) = spec();
    let mut p = run_tampered(cc, sc, 4, Some(drop_type(H::CertificateVerify)), None);
    p.assert_dead("server", A::UnexpectedMessage);
}

#[test]
fn rfc5246_7_4_8_certificate_verify_after_an_empty_certificate_is_unexpected_message() {
    let (cc, sc) = mutual("server-ecdsa", None, ClientAuthPolicy::Optional);
    let tamper = insert_after(H::ClientKeyExchange, bogus_certificate_verify());
    let mut p = run_tampered(cc, sc, 5, Some(tamper), None);
    p.assert_dead("server", A::UnexpectedMessage);
}

#[test]
fn rfc5246_7_4_6_unsolicited_client_certificate_is_unexpected_message() {
    let (cc, sc) = mutual("server-ecdsa", None, ClientAuthPolicy::None);
    let cert = encode_message(HandshakePayload::Certificate(CertificateMsg {
        certificate_list: vec![CertificateDer::from(fixture("client-ecdsa.cert.der"))],
    }));
    let tamper = on_type(H::ClientKeyExchange, move |m| {
        vec![cert.clone(), m.to_vec()]
    });
    let mut p = run_tampered(cc, sc, 6, Some(tamper), None);
    p.assert_dead("server", A::UnexpectedMessage);
}

#[test]
fn rfc5246_7_1_change_cipher_spec_before_client_key_exchange_is_unexpected_message() {
    let (_client, mut server, _, flight) = by_hand_to_client_flight();
    feed_one(&mut server, &flight[0]).unwrap(); // Certificate
    let err = server.handle(Input::ChangeCipherSpec).unwrap_err();
    assert_eq!(err.alert(), A::UnexpectedMessage, "{err}");
    assert_dead(&mut server, A::UnexpectedMessage);
}

#[test]
fn rfc5246_7_1_change_cipher_spec_before_certificate_verify_is_unexpected_message() {
    let (_client, mut server, _, flight) = by_hand_to_client_flight();
    feed(&mut server, &flight[..2]).unwrap(); // Certificate, ClientKeyExchange
    let err = server.handle(Input::ChangeCipherSpec).unwrap_err();
    assert_eq!(err.alert(), A::UnexpectedMessage, "{err}");
    assert_dead(&mut server, A::UnexpectedMessage);
}

#[test]
fn rfc5246_7_1_change_cipher_spec_before_server_hello_done_is_unexpected_message() {
    let (cc, sc) = spec();
    let (mut client, mut server, hello) = direct(cc, sc, 41);
    let server_flight = feed(&mut server, &hello).unwrap();
    // ServerHello, Certificate, ServerKeyExchange, CertificateRequest, ServerHelloDone.
    assert_eq!(server_flight.len(), 5);
    feed(&mut client, &server_flight[..4]).unwrap();
    let err = client.handle(Input::ChangeCipherSpec).unwrap_err();
    assert_eq!(err.alert(), A::UnexpectedMessage, "{err}");
    assert_dead(&mut client, A::UnexpectedMessage);
}

#[test]
fn rfc5246_7_1_change_cipher_spec_twice_is_unexpected_message() {
    let (_client, mut server, _, flight) = by_hand_to_client_flight();
    feed(&mut server, &flight[..4]).unwrap(); // .. CertificateVerify, CCS
    let err = server.handle(Input::ChangeCipherSpec).unwrap_err();
    assert_eq!(err.alert(), A::UnexpectedMessage, "{err}");
    assert_dead(&mut server, A::UnexpectedMessage);
}

#[test]
fn rfc5246_7_4_9_client_finished_before_change_cipher_spec_is_unexpected_message() {
    let (_client, mut server, _, flight) = by_hand_to_client_flight();
    feed(&mut server, &flight[..3]).unwrap(); // Certificate, ClientKeyExchange, CertificateVerify
    let err = feed_one(&mut server, &flight[4]).unwrap_err(); // Finished, CCS skipped
    assert_eq!(err.alert(), A::UnexpectedMessage, "{err}");
    assert_dead(&mut server, A::UnexpectedMessage);
}

#[test]
fn rfc5246_7_4_9_server_finished_before_change_cipher_spec_is_unexpected_message() {
    let (mut client, mut server, _, flight) = by_hand_to_client_flight();
    let answer = feed(&mut server, &flight).unwrap();
    assert_eq!(answer[0], Out::Ccs);
    assert!(matches!(&answer[1], Out::Hs(m) if m[0] == H::Finished.to_u8()));
    let err = feed_one(&mut client, &answer[1]).unwrap_err();
    assert_eq!(err.alert(), A::UnexpectedMessage, "{err}");
    assert_dead(&mut client, A::UnexpectedMessage);
}

#[test]
fn rfc5246_7_3_every_message_sent_twice_is_unexpected_message() {
    let client_msgs = [
        H::ClientHello,
        H::Certificate,
        H::ClientKeyExchange,
        H::CertificateVerify,
        H::Finished,
    ];
    let server_msgs = [
        H::ServerHello,
        H::Certificate,
        H::ServerKeyExchange,
        H::CertificateRequest,
        H::ServerHelloDone,
        H::Finished,
    ];
    let cases = client_msgs
        .iter()
        .map(|t| ("client", *t))
        .chain(server_msgs.iter().map(|t| ("server", *t)));
    for (sender, typ) in cases {
        let (cc, sc) = spec();
        let (ct, st) = if sender == "client" {
            (Some(duplicate_type(typ)), None)
        } else {
            (None, Some(duplicate_type(typ)))
        };
        let mut p = run_tampered(cc, sc, 7, ct, st);
        let victim = if sender == "client" {
            "server"
        } else {
            "client"
        };
        if typ == H::Finished {
            // The first Finished completes the victim; the copy then arrives after completion.
            let (me, peer) = if victim == "server" {
                (&p.s, &p.c)
            } else {
                (&p.c, &p.s)
            };
            let err = me
                .error
                .as_ref()
                .unwrap_or_else(|| panic!("{victim} accepted a second Finished"));
            assert_eq!(err.alert(), A::UnexpectedMessage, "{sender} {typ:?}: {err}");
            assert!(
                peer.alerts_received
                    .iter()
                    .any(|a| a.description == A::UnexpectedMessage)
            );
            if victim == "server" {
                assert_dead(&mut p.server, A::UnexpectedMessage);
            } else {
                assert_dead(&mut p.client, A::UnexpectedMessage);
            }
        } else {
            p.assert_dead(victim, A::UnexpectedMessage);
        }
    }
}

// ---- hellos (RFC 5246 7.4.1, E.1; RFC 7507; RFC 5746; RFC 7627; RFC 7301) ----

#[test]
fn rfc5246_7_4_1_4_unsolicited_server_hello_extension_is_unsupported_extension() {
    for ext in [
        Extension::SessionTicket(Vec::new()),
        Extension::Alpn(vec![ProtocolName(b"h2".to_vec())]),
        Extension::Unknown(0xfe00, vec![1, 2, 3]),
    ] {
        let (cc, sc) = spec();
        let tamper = edit_server_hello(move |sh| sh.extensions.list.push(ext.clone()));
        let mut p = run_tampered(cc, sc, 8, None, Some(tamper));
        p.assert_dead("client", A::UnsupportedExtension);
    }
}

#[test]
fn rfc5246_7_4_1_3_server_hello_with_a_suite_never_offered_is_illegal_parameter() {
    for suite in [
        // Implemented, but not offered (the client offers ECDHE_ECDSA only).
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        // Static RSA, not enabled on the client.
        CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256,
        // The SCSV the client did list, which is not a suite.
        CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
        // A TLS 1.3 suite.
        CipherSuite::from(0x1301),
    ] {
        let (mut cc, sc) = spec();
        cc.suites = vec![
            suites::ECDHE_ECDSA_AES128_GCM,
            suites::ECDHE_ECDSA_AES256_GCM,
        ];
        let tamper = edit_server_hello(move |sh| sh.cipher_suite = suite);
        let mut p = run_tampered(cc, sc, 9, None, Some(tamper));
        p.assert_dead("client", A::IllegalParameter);
    }
}

#[test]
fn rfc8422_5_4_server_key_exchange_with_a_group_never_offered_is_illegal_parameter() {
    let (mut cc, sc) = spec();
    cc.groups = vec![NamedGroup::X25519];
    let mut p = Pair::new(cc, sc, 10);
    p.s.tamper = Some(resign_server_key_exchange(
        &p,
        "server-ecdsa.key.der",
        |ske| ske.params.named_curve = mtls_wire::NamedGroup::from(NamedGroup::Secp256r1.to_u16()),
    ));
    p.run();
    p.assert_dead("client", A::IllegalParameter);
}

#[test]
fn rfc5246_7_4_1_4_1_server_key_exchange_with_a_scheme_never_offered_is_illegal_parameter() {
    let (mut cc, sc) = mutual("server-rsa", None, ClientAuthPolicy::None);
    cc.signature_schemes = vec![
        SignatureAlgorithm::EcdsaSecp256r1Sha256,
        SignatureAlgorithm::RsaPssRsaeSha256,
    ];
    let tamper = on_type(H::ServerKeyExchange, |m| {
        let HandshakePayload::ServerKeyExchange(ServerKeyExchange::Ecdhe(mut ske)) =
            parse_message(m, Some(KeyExchangeAlgorithm::Ecdhe))
        else {
            panic!()
        };
        ske.signature.scheme = SignatureScheme::from(SignatureAlgorithm::RsaPkcs1Sha256.to_u16());
        vec![encode_message(HandshakePayload::ServerKeyExchange(
            ServerKeyExchange::Ecdhe(ske),
        ))]
    });
    let mut p = run_tampered(cc, sc, 11, None, Some(tamper));
    p.assert_dead("client", A::IllegalParameter);
}

#[test]
fn rfc5246_7_4_8_certificate_verify_with_a_scheme_never_offered_is_illegal_parameter() {
    for scheme in [
        // Not in the server's CertificateRequest.
        SignatureAlgorithm::RsaPkcs1Sha256.to_u16(),
        // Ed25519: not a scheme this stack knows.
        0x0807,
        // Offered, but not one an RSA key can make.
        SignatureAlgorithm::EcdsaSecp256r1Sha256.to_u16(),
    ] {
        let (cc, mut sc) = mutual(
            "server-ecdsa",
            Some("client-rsa"),
            ClientAuthPolicy::Required,
        );
        sc.signature_schemes = vec![
            SignatureAlgorithm::EcdsaSecp256r1Sha256,
            SignatureAlgorithm::RsaPssRsaeSha256,
        ];
        let tamper = on_type(H::CertificateVerify, move |m| {
            let HandshakePayload::CertificateVerify(mut cv) = parse_message(m, None) else {
                panic!()
            };
            cv.scheme = SignatureScheme::from(scheme);
            vec![encode_message(HandshakePayload::CertificateVerify(cv))]
        });
        let mut p = run_tampered(cc, sc, 12, Some(tamper), None);
        p.assert_dead("server", A::IllegalParameter);
    }
}

#[test]
fn rfc5246_e_1_client_version_3_1_is_protocol_version() {
    let (cc, sc) = spec();
    let tamper = edit_client_hello(|ch| ch.client_version = ProtocolVersion::TLSv1_0);
    let mut p = run_tampered(cc, sc, 13, Some(tamper), None);
    p.assert_dead("server", A::ProtocolVersion);
}

#[test]
fn rfc7507_3_fallback_scsv_with_version_3_2_is_inappropriate_fallback() {
    let (cc, sc) = spec();
    let tamper = edit_client_hello(|ch| {
        ch.client_version = ProtocolVersion::TLSv1_1;
        ch.cipher_suites.push(CipherSuite::TLS_FALLBACK_SCSV);
    });
    let mut p = run_tampered(cc, sc, 14, Some(tamper), None);
    p.assert_dead("server", A::InappropriateFallback);
}

#[test]
fn rfc5246_7_4_1_3_server_hello_with_a_version_other_than_1_2_is_protocol_version() {
    for version in [ProtocolVersion::TLSv1_1, ProtocolVersion::from(0x0304)] {
        let (cc, sc) = spec();
        let tamper = edit_server_hello(move |sh| sh.server_version = version);
        let mut p = run_tampered(cc, sc, 15, None, Some(tamper));
        p.assert_dead("client", A::ProtocolVersion);
    }
}

#[test]
fn rfc5246_7_4_1_2_client_hello_without_null_compression_is_illegal_parameter() {
    let (cc, sc) = spec();
    let tamper = edit_client_hello(|ch| ch.compression_methods = vec![CompressionMethod::from(1)]);
    let mut p = run_tampered(cc, sc, 16, Some(tamper), None);
    p.assert_dead("server", A::IllegalParameter);
}

#[test]
fn rfc5246_7_4_1_3_server_hello_choosing_compression_is_illegal_parameter() {
    let (cc, sc) = spec();
    let tamper = edit_server_hello(|sh| sh.compression_method = CompressionMethod::from(1));
    let mut p = run_tampered(cc, sc, 17, None, Some(tamper));
    p.assert_dead("client", A::IllegalParameter);
}

#[test]
fn rfc5246_7_4_1_4_duplicate_client_hello_extensions_are_illegal_parameter() {
    let (cc, sc) = spec();
    let tamper = edit_client_hello(|ch| ch.extensions.list.push(Extension::ExtendedMasterSecret));
    let mut p = run_tampered(cc, sc, 18, Some(tamper), None);
    p.assert_dead("server", A::IllegalParameter);
}

#[test]
fn rfc5246_7_4_1_4_duplicate_server_hello_extensions_are_illegal_parameter() {
    let (cc, sc) = spec();
    let tamper = edit_server_hello(|sh| {
        sh.extensions
            .list
            .push(Extension::RenegotiationInfo(Vec::new()))
    });
    let mut p = run_tampered(cc, sc, 19, None, Some(tamper));
    p.assert_dead("client", A::IllegalParameter);
}

#[test]
fn rfc7627_5_2_server_requiring_ems_refuses_a_client_hello_without_it_with_handshake_failure() {
    let (cc, sc) = spec();
    let tamper = edit_client_hello(|ch| {
        ch.extensions
            .list
            .retain(|e| e.typ() != ExtensionType::ExtendedMasterSecret)
    });
    let mut p = run_tampered(cc, sc, 20, Some(tamper), None);
    p.assert_dead("server", A::HandshakeFailure);
}

#[test]
fn rfc7627_5_2_client_requiring_ems_refuses_a_server_hello_without_it_with_handshake_failure() {
    let (cc, sc) = spec();
    let tamper = edit_server_hello(|sh| {
        sh.extensions
            .list
            .retain(|e| e.typ() != ExtensionType::ExtendedMasterSecret)
    });
    let mut p = run_tampered(cc, sc, 21, None, Some(tamper));
    p.assert_dead("client", A::HandshakeFailure);
}

#[test]
fn rfc5746_3_6_non_empty_renegotiation_info_in_client_hello_is_handshake_failure() {
    let (cc, sc) = spec();
    let tamper = edit_client_hello(|ch| {
        ch.extensions
            .list
            .push(Extension::RenegotiationInfo(vec![0xaa; 12]))
    });
    let mut p = run_tampered(cc, sc, 22, Some(tamper), None);
    p.assert_dead("server", A::HandshakeFailure);
}

#[test]
fn rfc5746_3_4_non_empty_renegotiation_info_in_server_hello_is_handshake_failure() {
    let (cc, sc) = spec();
    let tamper = edit_server_hello(|sh| {
        for e in &mut sh.extensions.list {
            if let Extension::RenegotiationInfo(v) = e {
                *v = vec![0xbb; 24];
            }
        }
    });
    let mut p = run_tampered(cc, sc, 23, None, Some(tamper));
    p.assert_dead("client", A::HandshakeFailure);
}

#[test]
fn rfc7301_3_2_alpn_without_overlap_is_no_application_protocol() {
    let (mut cc, mut sc) = spec();
    cc.alpn_protocols = vec![b"h2".to_vec()];
    sc.alpn_protocols = vec![b"http/1.1".to_vec()];
    let mut p = Pair::new(cc, sc, 24);
    p.run();
    p.assert_dead("server", A::NoApplicationProtocol);
}

#[test]
fn rfc7301_3_2_server_choosing_an_alpn_protocol_never_offered_is_illegal_parameter() {
    let (mut cc, mut sc) = spec();
    cc.alpn_protocols = vec![b"h2".to_vec()];
    sc.alpn_protocols = vec![b"h2".to_vec()];
    let tamper = edit_server_hello(|sh| {
        for e in &mut sh.extensions.list {
            if let Extension::Alpn(v) = e {
                *v = vec![ProtocolName(b"spdy/3".to_vec())];
            }
        }
    });
    let mut p = run_tampered(cc, sc, 25, None, Some(tamper));
    p.assert_dead("client", A::IllegalParameter);
}

// ---- signatures and Finished (RFC 5246 7.4.3, 7.4.8, 7.4.9; RFC 8422 5.4) ----

#[test]
fn rfc8422_5_4_server_key_exchange_signed_by_the_wrong_key_is_decrypt_error() {
    for (server_cert, wrong_key) in [
        ("server-ecdsa", "client-ecdsa.key.der"),
        ("server-rsa", "client-rsa.key.der"),
    ] {
        let (cc, sc) = mutual(server_cert, None, ClientAuthPolicy::None);
        let mut p = Pair::new(cc, sc, 26);
        p.s.tamper = Some(resign_server_key_exchange(&p, wrong_key, |_| {}));
        p.run();
        p.assert_dead("client", A::DecryptError);
    }
}

#[test]
fn rfc8422_5_4_corrupted_server_key_exchange_signature_is_decrypt_error() {
    for server_cert in ["server-ecdsa", "server-rsa"] {
        let (cc, sc) = mutual(server_cert, None, ClientAuthPolicy::None);
        let tamper = on_type(H::ServerKeyExchange, flip_last_byte);
        let mut p = run_tampered(cc, sc, 27, None, Some(tamper));
        p.assert_dead("client", A::DecryptError);
    }
}

#[test]
fn rfc5246_7_4_8_corrupted_certificate_verify_signature_is_decrypt_error() {
    for client_cert in ["client-ecdsa", "client-rsa"] {
        let (cc, sc) = mutual(
            "server-ecdsa",
            Some(client_cert),
            ClientAuthPolicy::Required,
        );
        // The last byte is inside the signature value (RSA) or the last INTEGER (ECDSA DER).
        let tamper = on_type(H::CertificateVerify, flip_last_byte);
        let mut p = run_tampered(cc, sc, 28, Some(tamper), None);
        p.assert_dead("server", A::DecryptError);
    }
}

#[test]
fn rfc5246_7_4_9_corrupted_client_finished_is_decrypt_error() {
    let (cc, sc) = spec();
    // Changed before record protection: the record decrypts, the verify_data is wrong.
    let tamper = on_type(H::Finished, flip_last_byte);
    let mut p = run_tampered(cc, sc, 29, Some(tamper), None);
    p.assert_dead("server", A::DecryptError);
}

#[test]
fn rfc5246_7_4_9_corrupted_server_finished_is_decrypt_error() {
    let (cc, sc) = spec();
    let tamper = on_type(H::Finished, flip_last_byte);
    let mut p = run_tampered(cc, sc, 30, None, Some(tamper));
    p.assert_dead("client", A::DecryptError);
}

#[test]
fn rfc5246_6_2_3_3_corrupted_finished_ciphertext_is_bad_record_mac() {
    let (cc, sc) = spec();
    let mut p = Pair::new(cc, sc, 31);
    assert!(p.client_to_server()); // ClientHello
    assert!(p.server_to_client()); // ServerHello .. ServerHelloDone
    // The client's flight ends with its encrypted Finished; corrupt the record's tag.
    *p.c.outgoing.last_mut().unwrap() ^= 0x80;
    p.run();
    p.assert_failed("server", A::BadRecordMac);
    // The connection is dead: nothing more is taken from the peer.
    p.c.outgoing = vec![0x17, 3, 3, 0, 1, 0];
    assert!(!p.client_to_server());
}

// ---- key exchange (RFC 5246 7.4.7.1; RFC 8422 5.1.2, 5.4, 5.11; RFC 7748 6.1) ----

#[test]
fn rfc5246_7_4_7_1_rsa_premaster_with_the_wrong_version_fails_at_finished() {
    let (cc, sc) = static_rsa(Some("client-rsa"), ClientAuthPolicy::Required);
    let server_key =
        leaf_public_key(&CertificateDer::from(fixture("server-rsa.cert.der"))).unwrap();
    // The client's transcript keeps its own ClientKeyExchange, so re-sign the CertificateVerify
    // over what the server sees: the wrong premaster is then the only fault.
    let seen: Rc<RefCell<Vec<u8>>> = Rc::default();
    let seen_s = Rc::clone(&seen);
    let server_tamper: Tamper = Box::new(move |m: &[u8]| {
        seen_s.borrow_mut().extend_from_slice(m);
        vec![m.to_vec()]
    });
    let client_key = SigningKey::from_pkcs8_der(&fixture("client-rsa.key.der")).unwrap();
    let client_tamper: Tamper = Box::new(move |m: &[u8]| {
        let out = match parse_message(m, Some(KeyExchangeAlgorithm::Rsa)) {
            HandshakePayload::ClientKeyExchange(_) => {
                let (_, ct) = encrypt_premaster(
                    &mut DeterministicRng::from_seed([7; 32]),
                    server_key.as_rsa().unwrap(),
                    [3, 1],
                )
                .unwrap();
                encode_message(HandshakePayload::ClientKeyExchange(ClientKeyExchange::Rsa(
                    ct,
                )))
            }
            HandshakePayload::CertificateVerify(mut cv) => {
                let scheme = SignatureAlgorithm::from_u16(cv.scheme.to_u16()).unwrap();
                cv.signature = client_key
                    .sign(
                        scheme,
                        &seen.borrow(),
                        &mut DeterministicRng::from_seed([8; 32]),
                    )
                    .unwrap();
                encode_message(HandshakePayload::CertificateVerify(cv))
            }
            _ => m.to_vec(),
        };
        seen.borrow_mut().extend_from_slice(&out);
        vec![out]
    });
    let mut p = run_tampered(cc, sc, 32, Some(client_tamper), Some(server_tamper));
    // The premaster is replaced silently; the client's Finished record, sealed under the
    // client's keys, does not open under the server's.
    p.assert_failed("server", A::BadRecordMac);
    // Were it to open, its verify_data would not match either.
    let finished = p.c.sent_messages.last().unwrap().clone();
    assert_eq!(finished[0], H::Finished.to_u8());
    let err = p.server.handle(Input::Handshake(&finished)).unwrap_err();
    assert_eq!(err.alert(), A::DecryptError, "{err}");
    assert_dead(&mut p.server, A::DecryptError);
}

fn replace_client_point(point: Vec<u8>) -> Tamper {
    on_type(H::ClientKeyExchange, move |_| {
        vec![encode_message(HandshakePayload::ClientKeyExchange(
            ClientKeyExchange::Ecdhe(point.clone()),
        ))]
    })
}

fn invalid_points() -> Vec<(&'static str, NamedGroup, Vec<u8>)> {
    let mut off_curve = vec![0x04];
    off_curve.extend_from_slice(&[0u8; 31]);
    off_curve.push(1); // x = 1
    off_curve.extend_from_slice(&[0u8; 31]);
    off_curve.push(1); // y = 1: not on P-256
    // The P-256 generator, compressed (RFC 8422 5.1.2: only uncompressed points are allowed).
    let compressed =
        hex::decode("036b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296").unwrap();
    let mut low_order = vec![0u8; 32];
    low_order[0] = 1; // u = 1, a point of small order
    let mut p384_off_curve = vec![0x04];
    p384_off_curve.extend_from_slice(&[0u8; 47]);
    p384_off_curve.push(1); // x = 1
    p384_off_curve.extend_from_slice(&[0u8; 47]);
    p384_off_curve.push(1); // y = 1: not on P-384
    // The P-384 generator, compressed (RFC 8422 5.1.2).
    let p384_compressed = hex::decode(
        "03aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7",
    )
    .unwrap();
    vec![
        (
            "P-256 point off the curve",
            NamedGroup::Secp256r1,
            off_curve,
        ),
        ("P-256 point at infinity", NamedGroup::Secp256r1, vec![0x00]),
        ("P-256 compressed point", NamedGroup::Secp256r1, compressed),
        (
            "P-256 point of the wrong length",
            NamedGroup::Secp256r1,
            vec![0x04; 33],
        ),
        (
            "P-384 point off the curve",
            NamedGroup::Secp384r1,
            p384_off_curve,
        ),
        ("P-384 point at infinity", NamedGroup::Secp384r1, vec![0x00]),
        (
            "P-384 compressed point",
            NamedGroup::Secp384r1,
            p384_compressed,
        ),
        (
            "P-384 point of P-256's length",
            NamedGroup::Secp384r1,
            vec![0x04; 65],
        ),
        ("X25519 all-zero", NamedGroup::X25519, vec![0; 32]),
        ("X25519 low order (u = 1)", NamedGroup::X25519, low_order),
        ("X25519 of 31 bytes", NamedGroup::X25519, vec![9; 31]),
    ]
}

#[test]
fn rfc8422_5_11_invalid_client_ecdhe_point_is_illegal_parameter() {
    for (what, group, point) in invalid_points() {
        let (mut cc, sc) = spec();
        cc.groups = vec![group];
        let mut p = run_tampered(cc, sc, 33, Some(replace_client_point(point)), None);
        let err =
            p.s.error
                .clone()
                .unwrap_or_else(|| panic!("{what}: accepted"));
        assert_eq!(err.alert(), A::IllegalParameter, "{what}: {err}");
        p.assert_dead("server", A::IllegalParameter);
    }
}

#[test]
fn rfc8422_5_11_invalid_server_ecdhe_point_is_illegal_parameter() {
    for (what, group, point) in invalid_points() {
        let (mut cc, sc) = spec();
        cc.groups = vec![group];
        let mut p = Pair::new(cc, sc, 34);
        // Signed by the server's own key: the point is the only fault.
        p.s.tamper = Some(resign_server_key_exchange(
            &p,
            "server-ecdsa.key.der",
            move |ske| ske.params.public = point.clone(),
        ));
        p.run();
        let err =
            p.c.error
                .clone()
                .unwrap_or_else(|| panic!("{what}: accepted"));
        assert_eq!(err.alert(), A::IllegalParameter, "{what}: {err}");
        p.assert_dead("client", A::IllegalParameter);
    }
}

// ---- renegotiation (RFC 5746 4.2, 4.4; RFC 5246 7.4.1.1) ----

fn warning_no_renegotiation() -> Alert {
    Alert {
        level: AlertLevel::Warning,
        description: A::NoRenegotiation,
    }
}

#[test]
fn rfc5746_4_4_client_hello_after_completion_gets_a_warning_and_the_connection_goes_on() {
    let (cc, sc) = spec();
    let mut p = Pair::new(cc, sc, 35);
    p.run();
    p.assert_ok();
    let hello = p.c.sent_messages[0].clone();
    p.c.writer
        .write(ContentType::Handshake, &hello, &mut p.c.outgoing)
        .unwrap();
    p.run();
    assert_eq!(p.c.alerts_received, vec![warning_no_renegotiation()]);
    assert_eq!(p.s.error, None);
    assert_eq!(p.c.error, None);
    p.exchange_data();
}

#[test]
fn rfc5746_4_2_hello_request_after_completion_gets_a_warning_and_the_connection_goes_on() {
    let (cc, sc) = spec();
    let mut p = Pair::new(cc, sc, 36);
    p.run();
    p.assert_ok();
    p.s.writer
        .write(ContentType::Handshake, &[0, 0, 0, 0], &mut p.s.outgoing)
        .unwrap();
    p.run();
    assert_eq!(p.s.alerts_received, vec![warning_no_renegotiation()]);
    assert_eq!(p.s.error, None);
    assert_eq!(p.c.error, None);
    p.exchange_data();
}

#[test]
fn rfc5246_7_4_1_1_hello_request_during_the_handshake_is_ignored() {
    let (cc, sc) = spec();
    let (mut client, mut server, hello) = direct(cc, sc, 42);
    let hello_request = Out::Hs(vec![0, 0, 0, 0]);
    let mut server_flight = feed(&mut server, &hello).unwrap();
    // Before, in the middle of and after the server's flight: never answered, never hashed.
    assert_eq!(feed_one(&mut client, &hello_request).unwrap(), Vec::new());
    server_flight.insert(2, hello_request.clone());
    server_flight.push(hello_request.clone());
    let client_flight = feed(&mut client, &server_flight).unwrap();
    let answer = feed(&mut server, &client_flight).unwrap();
    assert!(answer.contains(&Out::Complete));
    let done = feed(&mut client, &answer).unwrap();
    assert!(done.contains(&Out::Complete));
    assert!(client.is_complete() && server.is_complete());
}

// ---- a few more hello rules (RFC 5246 7.4.1.3; RFC 8422 5.1.2, 5.2; RFC 6066 3) ----

#[test]
fn rfc5246_7_4_1_3_resumption_with_a_different_suite_is_illegal_parameter() {
    let (mut cc, mut sc) = spec();
    cc.session_store = Some(Arc::new(mtls_handshake::InMemoryClientSessionStore::new(
        8, 3600,
    )));
    sc.session_cache = Some(Arc::new(mtls_handshake::InMemorySessionCache::new(8, 3600)));
    let (cc, sc) = (Arc::new(cc), Arc::new(sc));
    let mut first = Pair::build(cc.clone(), sc.clone(), 43, Some("localhost"), None, None);
    first.run();
    first.assert_ok();
    assert_eq!(
        first.client.summary().unwrap().suite,
        suites::ECDHE_ECDSA_AES128_GCM
    );
    // The server resumes (echoes the session id) but names another offered suite.
    let tamper = edit_server_hello(|sh| {
        sh.cipher_suite = CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384;
    });
    let mut p = Pair::build(cc, sc, 44, Some("localhost"), None, Some(tamper));
    p.run();
    p.assert_dead("client", A::IllegalParameter);
    assert!(
        p.c.error
            .unwrap()
            .reason()
            .contains("different cipher suite")
    );
}

#[test]
fn rfc8422_5_1_2_client_point_formats_without_uncompressed_is_illegal_parameter() {
    let (cc, sc) = spec();
    let tamper = edit_client_hello(|ch| {
        for e in &mut ch.extensions.list {
            if let Extension::EcPointFormats(v) = e {
                *v = vec![mtls_wire::ECPointFormat::from(1)];
            }
        }
    });
    let mut p = run_tampered(cc, sc, 45, Some(tamper), None);
    p.assert_dead("server", A::IllegalParameter);
    assert!(p.s.error.unwrap().reason().contains("uncompressed"));
}

#[test]
fn rfc8422_5_2_server_point_formats_without_uncompressed_is_illegal_parameter() {
    let (cc, sc) = spec();
    let tamper = edit_server_hello(|sh| {
        for e in &mut sh.extensions.list {
            if let Extension::EcPointFormats(v) = e {
                *v = vec![mtls_wire::ECPointFormat::from(2)];
            }
        }
    });
    let mut p = run_tampered(cc, sc, 46, None, Some(tamper));
    p.assert_dead("client", A::IllegalParameter);
    assert!(p.c.error.unwrap().reason().contains("uncompressed"));
}

#[test]
fn rfc6066_3_non_ascii_server_name_is_illegal_parameter() {
    let (cc, sc) = spec();
    let tamper = edit_client_hello(|ch| {
        for e in &mut ch.extensions.list {
            if let Extension::ServerName(names) = e {
                *names = vec![mtls_wire::extensions::ServerName::HostName(
                    "bücher.example".as_bytes().to_vec(),
                )];
            }
        }
    });
    let mut p = run_tampered(cc, sc, 47, Some(tamper), None);
    p.assert_dead("server", A::IllegalParameter);
    assert!(p.s.error.unwrap().reason().contains("ASCII"));
}
