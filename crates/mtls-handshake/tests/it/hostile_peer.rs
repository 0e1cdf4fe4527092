//! A hostile or broken peer, one rule at a time: each test makes one side misbehave (by
//! tampering with an honest peer's messages, or by driving a state machine by hand) and
//! asserts the exact alert, no panic, and a dead handshake afterwards (every later input
//! returns the same alert). Here: the message sequence and the hellos; signatures, Finished and
//! key exchange are hostile_signatures.rs's, renegotiation hostile_renegotiation.rs's, the
//! shared tampering tampering.rs's.
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
use mtls_handshake::suites;
use mtls_handshake::{CertificateDer, ClientAuthPolicy, Input};
use mtls_wire::extensions::{Extension, ProtocolName};
use mtls_wire::handshake::{
    CertificateMsg, HandshakePayload, KeyExchangeAlgorithm, ServerKeyExchange,
};
use mtls_wire::{
    AlertDescription, CipherSuite, CompressionMethod, ExtensionType, HandshakeType,
    ProtocolVersion, SignatureScheme,
};

use crate::tampering::*;
use AlertDescription as A;
use HandshakeType as H;

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
