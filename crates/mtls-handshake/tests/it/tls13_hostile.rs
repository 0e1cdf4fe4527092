//! A hostile or broken TLS 1.3 peer: one test per rule, named after its RFC 8446 section,
//! each checking the alert of the side that must refuse. And real ClientHellos (OpenSSL,
//! GnuTLS, Python) fed to our TLS 1.3 server.

use std::sync::{Arc, Mutex};

use mtls_crypto::kx::NamedGroup;
use mtls_handshake::sequence::Side;
use mtls_handshake::{
    CertificateError, ClientAuthPolicy, Input, PostHandshakeRequest, ServerHandshake,
};
use mtls_wire::extensions::{Extension, Extensions, KeyShareEntry};
use mtls_wire::handshake::{
    CertificateRequestTls13, DOWNGRADE_TLS11, DOWNGRADE_TLS12, HELLO_RETRY_REQUEST_RANDOM,
    HandshakeMessage, HandshakePayload, NewSessionTicketTls13, SessionId,
};
use mtls_wire::{AlertDescription, CipherSuite, HandshakeType, ProtocolVersion, SignatureScheme};

use crate::tls13_common::*;

fn edit_extensions(exts: &mut Extensions, f: impl FnOnce(&mut Vec<Extension>)) {
    let mut list: Vec<Extension> = exts.iter().cloned().collect();
    f(&mut list);
    *exts = Extensions::new(list);
}

fn run(
    cc: mtls_handshake::ClientConfig,
    sc: mtls_handshake::ServerConfig,
    c2s: Option<Tamper13>,
    s2c: Option<Tamper13>,
) -> Conn13 {
    let mut conn = Conn13::with_tampers(cc, sc, 7, c2s, s2c);
    conn.run();
    conn
}

fn plain() -> (mtls_handshake::ClientConfig, mtls_handshake::ServerConfig) {
    configs13("server-rsa", None, ClientAuthPolicy::None)
}

/// Configurations that make the server answer with a HelloRetryRequest.
fn retrying() -> (mtls_handshake::ClientConfig, mtls_handshake::ServerConfig) {
    let (mut cc, mut sc) = plain();
    cc.groups = vec![NamedGroup::X25519, NamedGroup::Secp256r1];
    sc.groups = vec![NamedGroup::Secp256r1];
    (cc, sc)
}

// ---- ClientHello and version (RFC 8446 4.1.2, 4.1.3, 4.2.1) ----

#[test]
fn rfc8446_4_4_2_4_empty_certificate_when_required_is_certificate_required() {
    let (cc, sc) = configs13("server-ecdsa", None, ClientAuthPolicy::Required);
    let conn = run(cc, sc, None, None);
    conn.assert_failed(Side::Server, AlertDescription::CertificateRequired);
}

/// One change to a ClientHello.
type HelloEdit = Box<dyn Fn(&mut mtls_wire::handshake::ClientHello)>;

#[test]
fn rfc8446_4_1_2_second_client_hello_must_match() {
    // Every field and extension but the ones a HelloRetryRequest changes must stay.
    let edits: Vec<HelloEdit> = vec![
        Box::new(|ch| ch.random[0] ^= 1),
        Box::new(|ch| ch.cipher_suites.reverse()),
        Box::new(|ch| ch.session_id = SessionId::empty()),
        Box::new(|ch| {
            edit_extensions(&mut ch.extensions, |l| {
                l.retain(|e| !matches!(e, Extension::SignatureAlgorithmsCert(_)))
            })
        }),
        // A cookie the server never sent.
        Box::new(|ch| {
            edit_extensions(&mut ch.extensions, |l| {
                l.push(Extension::Cookie(vec![1, 2]))
            })
        }),
        // early_data must be removed (RFC 8446 4.1.2).
        Box::new(|ch| edit_extensions(&mut ch.extensions, |l| l.push(Extension::EarlyData))),
    ];
    for edit in edits {
        let (cc, sc) = retrying();
        let mut hellos = 0;
        let tamper = edit13(HandshakeType::ClientHello, move |p| {
            hellos += 1;
            if let (2, HandshakePayload::ClientHello(ch)) = (hellos, p) {
                edit(ch);
            }
        });
        let conn = run(cc, sc, Some(tamper), None);
        conn.assert_failed(Side::Server, AlertDescription::IllegalParameter);
    }
}

#[test]
fn rfc8446_4_1_4_second_client_hello_must_share_the_requested_group() {
    let (cc, sc) = retrying();
    let mut hellos = 0;
    let tamper = edit13(HandshakeType::ClientHello, move |p| {
        hellos += 1;
        if let (2, HandshakePayload::ClientHello(ch)) = (hellos, p) {
            edit_extensions(&mut ch.extensions, |l| {
                for e in l.iter_mut() {
                    if let Extension::KeyShare(shares) = e {
                        shares[0].group = mtls_wire::NamedGroup::from(0x001d);
                    }
                }
            });
        }
    });
    let conn = run(cc, sc, Some(tamper), None);
    conn.assert_failed(Side::Server, AlertDescription::IllegalParameter);
}

#[test]
fn rfc8446_4_1_3_downgrade_sentinel_refused() {
    for sentinel in [DOWNGRADE_TLS12, DOWNGRADE_TLS11] {
        let (mut cc, mut sc) = plain();
        cc.versions = vec![ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_2];
        // A TLS 1.2 server (an attacker's rewrite of a TLS 1.3 one, say) with the sentinel.
        sc.versions = vec![ProtocolVersion::TLSv1_2];
        let tamper = edit13(HandshakeType::ServerHello, move |p| {
            if let HandshakePayload::ServerHello(sh) = p {
                sh.random[24..].copy_from_slice(&sentinel);
            }
        });
        let conn = run(cc, sc, None, Some(tamper));
        conn.assert_failed(Side::Client, AlertDescription::IllegalParameter);
    }
}

#[test]
fn rfc8446_4_1_3_server_hello_suite_not_offered_is_illegal_parameter() {
    let (mut cc, sc) = plain();
    cc.tls13_suites = vec![mtls_handshake::suites::ALL_TLS13_SUITES[0]];
    let tamper = edit13(HandshakeType::ServerHello, |p| {
        if let HandshakePayload::ServerHello(sh) = p {
            sh.cipher_suite = CipherSuite::TLS13_CHACHA20_POLY1305_SHA256;
        }
    });
    let conn = run(cc, sc, None, Some(tamper));
    conn.assert_failed(Side::Client, AlertDescription::IllegalParameter);
}

#[test]
fn rfc8446_4_1_3_session_id_not_echoed_is_illegal_parameter() {
    let (cc, sc) = plain();
    let tamper = edit13(HandshakeType::ServerHello, |p| {
        if let HandshakePayload::ServerHello(sh) = p {
            sh.session_id = SessionId::new(&[9; 32]).unwrap();
        }
    });
    let conn = run(cc, sc, None, Some(tamper));
    conn.assert_failed(Side::Client, AlertDescription::IllegalParameter);
}

#[test]
fn rfc8446_4_2_1_selected_version_below_tls13_is_illegal_parameter() {
    let (cc, sc) = plain();
    let tamper = edit13(HandshakeType::ServerHello, |p| {
        if let HandshakePayload::ServerHello(sh) = p {
            edit_extensions(&mut sh.extensions, |l| {
                for e in l.iter_mut() {
                    if let Extension::SelectedVersion(v) = e {
                        *v = ProtocolVersion::TLSv1_2;
                    }
                }
            });
        }
    });
    let conn = run(cc, sc, None, Some(tamper));
    conn.assert_failed(Side::Client, AlertDescription::IllegalParameter);
}

#[test]
fn rfc8446_4_2_8_server_share_for_another_group_is_illegal_parameter() {
    let (cc, sc) = plain();
    let tamper = edit13(HandshakeType::ServerHello, |p| {
        if let HandshakePayload::ServerHello(sh) = p {
            edit_extensions(&mut sh.extensions, |l| {
                for e in l.iter_mut() {
                    if let Extension::ServerKeyShare(share) = e {
                        share.group = mtls_wire::NamedGroup::from(0x0017);
                    }
                }
            });
        }
    });
    let conn = run(cc, sc, None, Some(tamper));
    conn.assert_failed(Side::Client, AlertDescription::IllegalParameter);
}

#[test]
fn rfc8446_4_2_8_key_share_outside_supported_groups_is_illegal_parameter() {
    let (cc, sc) = plain();
    let tamper = edit13(HandshakeType::ClientHello, |p| {
        if let HandshakePayload::ClientHello(ch) = p {
            edit_extensions(&mut ch.extensions, |l| {
                for e in l.iter_mut() {
                    if let Extension::SupportedGroups(g) = e {
                        g.retain(|g| g.to_u16() != 0x001d);
                    }
                }
            });
        }
    });
    let conn = run(cc, sc, Some(tamper), None);
    conn.assert_failed(Side::Server, AlertDescription::IllegalParameter);
}

#[test]
fn rfc8446_4_2_8_two_shares_for_one_group_is_illegal_parameter() {
    let (cc, sc) = plain();
    let tamper = edit13(HandshakeType::ClientHello, |p| {
        if let HandshakePayload::ClientHello(ch) = p {
            edit_extensions(&mut ch.extensions, |l| {
                for e in l.iter_mut() {
                    if let Extension::KeyShare(s) = e {
                        let again = s[0].clone();
                        s.push(again);
                    }
                }
            });
        }
    });
    let conn = run(cc, sc, Some(tamper), None);
    conn.assert_failed(Side::Server, AlertDescription::IllegalParameter);
}

#[test]
fn rfc8446_4_2_8_invalid_public_key_is_illegal_parameter() {
    for (group, key) in [
        (NamedGroup::X25519, vec![0u8; 32]),
        (NamedGroup::Secp256r1, {
            let mut k = vec![0u8; 65];
            k[0] = 4;
            k
        }),
        (NamedGroup::Secp384r1, vec![4u8; 3]),
    ] {
        let (mut cc, mut sc) = plain();
        cc.groups = vec![group];
        sc.groups = vec![group];
        let tamper = edit13(HandshakeType::ClientHello, move |p| {
            if let HandshakePayload::ClientHello(ch) = p {
                edit_extensions(&mut ch.extensions, |l| {
                    for e in l.iter_mut() {
                        if let Extension::KeyShare(s) = e {
                            s[0].key_exchange = key.clone();
                        }
                    }
                });
            }
        });
        let conn = run(cc, sc, Some(tamper), None);
        conn.assert_failed(Side::Server, AlertDescription::IllegalParameter);
    }
}

#[test]
fn rfc8446_9_2_client_hello_without_key_share_is_missing_extension() {
    for drop in [
        mtls_wire::ExtensionType::KeyShare,
        mtls_wire::ExtensionType::SignatureAlgorithms,
        mtls_wire::ExtensionType::SupportedGroups,
    ] {
        let (cc, sc) = plain();
        let tamper = edit13(HandshakeType::ClientHello, move |p| {
            if let HandshakePayload::ClientHello(ch) = p {
                edit_extensions(&mut ch.extensions, |l| l.retain(|e| e.typ() != drop));
            }
        });
        let conn = run(cc, sc, Some(tamper), None);
        conn.assert_failed(Side::Server, AlertDescription::MissingExtension);
    }
}

#[test]
fn rfc8446_4_1_2_compression_other_than_null_is_illegal_parameter() {
    let (cc, sc) = plain();
    let tamper = edit13(HandshakeType::ClientHello, |p| {
        if let HandshakePayload::ClientHello(ch) = p {
            ch.compression_methods
                .push(mtls_wire::CompressionMethod::from(1));
        }
    });
    let conn = run(cc, sc, Some(tamper), None);
    conn.assert_failed(Side::Server, AlertDescription::IllegalParameter);
}

// ---- HelloRetryRequest (RFC 8446 4.1.4) ----

#[test]
fn rfc8446_4_1_4_second_hello_retry_request_is_unexpected_message() {
    let (cc, sc) = retrying();
    let tamper: Tamper13 = Box::new(|m: &[u8]| {
        if m[0] == HandshakeType::ServerHello.to_u8() && m[6..38] == HELLO_RETRY_REQUEST_RANDOM {
            vec![m.to_vec(), m.to_vec()]
        } else {
            vec![m.to_vec()]
        }
    });
    let conn = run(cc, sc, None, Some(tamper));
    conn.assert_failed(Side::Client, AlertDescription::UnexpectedMessage);
}

#[test]
fn rfc8446_4_1_4_retry_for_the_group_already_shared_is_illegal_parameter() {
    let (cc, sc) = retrying();
    let tamper = edit13(HandshakeType::ServerHello, |p| {
        if let HandshakePayload::ServerHello(sh) = p
            && sh.is_hello_retry_request()
        {
            edit_extensions(&mut sh.extensions, |l| {
                for e in l.iter_mut() {
                    if let Extension::SelectedGroup(g) = e {
                        *g = mtls_wire::NamedGroup::from(0x001d);
                    }
                }
            });
        }
    });
    let conn = run(cc, sc, None, Some(tamper));
    conn.assert_failed(Side::Client, AlertDescription::IllegalParameter);
}

#[test]
fn rfc8446_4_1_4_server_hello_suite_must_match_the_retry() {
    let (cc, sc) = retrying();
    let mut seen = 0;
    let tamper = edit13(HandshakeType::ServerHello, move |p| {
        seen += 1;
        if let (2, HandshakePayload::ServerHello(sh)) = (seen, p) {
            sh.cipher_suite = CipherSuite::TLS13_AES_256_GCM_SHA384;
        }
    });
    let conn = run(cc, sc, None, Some(tamper));
    conn.assert_failed(Side::Client, AlertDescription::IllegalParameter);
}

// ---- the server's flight (RFC 8446 4.2, 4.3, 4.4) ----

#[test]
fn rfc8446_4_2_extension_not_allowed_in_encrypted_extensions_is_illegal_parameter() {
    let (cc, sc) = plain();
    let tamper = edit13(HandshakeType::EncryptedExtensions, |p| {
        if let HandshakePayload::EncryptedExtensions(ee) = p {
            edit_extensions(&mut ee.extensions, |l| {
                l.push(Extension::ServerKeyShare(KeyShareEntry {
                    group: mtls_wire::NamedGroup::from(0x001d),
                    key_exchange: vec![1; 32],
                }))
            });
        }
    });
    let conn = run(cc, sc, None, Some(tamper));
    conn.assert_failed(Side::Client, AlertDescription::IllegalParameter);
}

#[test]
fn rfc8446_4_2_unsolicited_extension_in_encrypted_extensions_is_unsupported_extension() {
    let (cc, sc) = plain();
    let tamper = edit13(HandshakeType::EncryptedExtensions, |p| {
        if let HandshakePayload::EncryptedExtensions(ee) = p {
            edit_extensions(&mut ee.extensions, |l| {
                l.push(Extension::Alpn(vec![mtls_wire::extensions::ProtocolName(
                    b"h2".to_vec(),
                )]))
            });
        }
    });
    let conn = run(cc, sc, None, Some(tamper));
    conn.assert_failed(Side::Client, AlertDescription::UnsupportedExtension);
}

#[test]
fn rfc8446_4_4_2_4_empty_server_certificate_is_decode_error() {
    let (cc, sc) = plain();
    let tamper = edit13(HandshakeType::Certificate, |p| {
        if let HandshakePayload::CertificateTls13(c) = p {
            c.certificate_list.clear();
        }
    });
    let conn = run(cc, sc, None, Some(tamper));
    conn.assert_failed(Side::Client, AlertDescription::DecodeError);
}

#[test]
fn rfc8446_4_4_2_server_certificate_with_a_context_is_illegal_parameter() {
    let (cc, sc) = plain();
    let tamper = edit13(HandshakeType::Certificate, |p| {
        if let HandshakePayload::CertificateTls13(c) = p {
            c.certificate_request_context = vec![1];
        }
    });
    let conn = run(cc, sc, None, Some(tamper));
    conn.assert_failed(Side::Client, AlertDescription::IllegalParameter);
}

#[test]
fn rfc8446_4_4_3_pkcs1_in_certificate_verify_refused() {
    // The server's CertificateVerify, by a PKCS#1 v1.5 scheme the client offered for
    // TLS 1.2 (both versions offered), and the client's, checked by the server.
    let (mut cc, sc) = plain();
    cc.versions = vec![ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_2];
    let tamper = edit13(HandshakeType::CertificateVerify, |p| {
        if let HandshakePayload::CertificateVerify(cv) = p {
            cv.scheme = SignatureScheme::from(0x0401);
        }
    });
    let conn = run(cc, sc, None, Some(tamper));
    conn.assert_failed(Side::Client, AlertDescription::IllegalParameter);

    let (cc, sc) = configs13(
        "server-ecdsa",
        Some("client-rsa"),
        ClientAuthPolicy::Required,
    );
    let tamper = edit13(HandshakeType::CertificateVerify, |p| {
        if let HandshakePayload::CertificateVerify(cv) = p {
            cv.scheme = SignatureScheme::from(0x0401);
        }
    });
    let conn = run(cc, sc, Some(tamper), None);
    conn.assert_failed(Side::Server, AlertDescription::IllegalParameter);
}

#[test]
fn rfc8446_4_2_3_ecdsa_scheme_of_another_curve_is_illegal_parameter() {
    let (cc, sc) = configs13("server-ecdsa", None, ClientAuthPolicy::None);
    let tamper = edit13(HandshakeType::CertificateVerify, |p| {
        if let HandshakePayload::CertificateVerify(cv) = p {
            cv.scheme = SignatureScheme::from(0x0503);
        }
    });
    let conn = run(cc, sc, None, Some(tamper));
    conn.assert_failed(Side::Client, AlertDescription::IllegalParameter);
}

#[test]
fn rfc8446_4_4_3_bad_signature_is_decrypt_error() {
    let (cc, sc) = plain();
    let tamper = edit13(HandshakeType::CertificateVerify, |p| {
        if let HandshakePayload::CertificateVerify(cv) = p {
            cv.signature[10] ^= 1;
        }
    });
    let conn = run(cc, sc, None, Some(tamper));
    conn.assert_failed(Side::Client, AlertDescription::DecryptError);
}

#[test]
fn rfc8446_4_4_4_finished_of_the_wrong_length_is_decode_error() {
    let (cc, sc) = plain();
    let tamper = edit13(HandshakeType::Finished, |p| {
        if let HandshakePayload::Finished(v) = p {
            v.pop();
        }
    });
    let conn = run(cc, sc, None, Some(tamper));
    conn.assert_failed(Side::Client, AlertDescription::DecodeError);
}

#[test]
fn rfc8446_4_4_4_wrong_finished_is_decrypt_error() {
    let (cc, sc) = plain();
    let tamper = edit13(HandshakeType::Finished, |p| {
        if let HandshakePayload::Finished(v) = p {
            v[0] ^= 1;
        }
    });
    let conn = run(cc, sc, None, Some(tamper));
    conn.assert_failed(Side::Client, AlertDescription::DecryptError);
    let (cc, sc) = plain();
    let tamper = edit13(HandshakeType::Finished, |p| {
        if let HandshakePayload::Finished(v) = p {
            v[0] ^= 1;
        }
    });
    let conn = run(cc, sc, Some(tamper), None);
    conn.assert_failed(Side::Server, AlertDescription::DecryptError);
}

#[test]
fn rfc8446_4_3_2_certificate_request_without_signature_algorithms_is_missing_extension() {
    let (cc, sc) = configs13(
        "server-ecdsa",
        Some("client-ecdsa"),
        ClientAuthPolicy::Required,
    );
    let tamper = edit13(HandshakeType::CertificateRequest, |p| {
        if let HandshakePayload::CertificateRequestTls13(cr) = p {
            edit_extensions(&mut cr.extensions, |l| {
                l.retain(|e| !matches!(e, Extension::SignatureAlgorithms(_)))
            });
        }
    });
    let conn = run(cc, sc, None, Some(tamper));
    conn.assert_failed(Side::Client, AlertDescription::MissingExtension);
}

// ---- the client's chain (RFC 8446 4.4.2) ----

#[test]
fn rfc8446_4_4_2_untrusted_client_chain_gets_the_verifier_alert() {
    for (verdict, alert) in [
        (CertificateError::UnknownIssuer, AlertDescription::UnknownCa),
        (
            CertificateError::Expired,
            AlertDescription::CertificateExpired,
        ),
        (
            CertificateError::BadCertificate,
            AlertDescription::BadCertificate,
        ),
    ] {
        let (cc, mut sc) = configs13(
            "server-ecdsa",
            Some("client-ecdsa"),
            ClientAuthPolicy::Required,
        );
        let verifier = TestClientVerifier::accepting();
        verifier.verdict.lock().unwrap().clone_from(&Err(verdict));
        sc.client_verifier = Some(Arc::new(verifier));
        let conn = run(cc, sc, None, None);
        conn.assert_failed(Side::Server, alert);
    }
}

#[test]
fn rfc8446_4_4_2_authorizer_refusal_is_access_denied() {
    let (cc, mut sc) = configs13(
        "server-ecdsa",
        Some("client-ecdsa"),
        ClientAuthPolicy::Required,
    );
    let seen = Arc::new(Mutex::new(0));
    let counter = Arc::clone(&seen);
    sc.authorizer = Some(Arc::new(
        move |_: &mtls_handshake::ClientAuthorization<'_>| -> Result<(), String> {
            *counter.lock().unwrap() += 1;
            Err("not on the list".into())
        },
    ));
    let conn = run(cc, sc, None, None);
    conn.assert_failed(Side::Server, AlertDescription::AccessDenied);
    assert_eq!(*seen.lock().unwrap(), 1);
}

// ---- after the handshake (RFC 8446 4.6) ----

fn established(
    client_cert: Option<&str>,
    policy: ClientAuthPolicy,
    c2s: Option<Tamper13>,
) -> Conn13 {
    let (cc, sc) = configs13("server-ecdsa", client_cert, policy);
    let mut conn = Conn13::with_tampers(cc, sc, 9, c2s, None);
    conn.run();
    conn.assert_ok();
    conn
}

#[test]
fn rfc8446_4_6_2_unexpected_certificate_request_without_post_handshake_auth() {
    let mut conn = established(None, ClientAuthPolicy::None, None);
    let request = CertificateRequestTls13 {
        certificate_request_context: vec![1, 2, 3],
        extensions: Extensions::new(vec![Extension::SignatureAlgorithms(vec![
            SignatureScheme::from(0x0403),
        ])]),
    };
    conn.inject(
        Side::Server,
        encode13(HandshakePayload::CertificateRequestTls13(request)),
    );
    conn.assert_failed(Side::Client, AlertDescription::UnexpectedMessage);
}

#[test]
fn rfc8446_4_6_2_certificate_with_another_context_is_illegal_parameter() {
    let tamper = edit13(HandshakeType::Certificate, |p| {
        if let HandshakePayload::CertificateTls13(c) = p
            && !c.certificate_request_context.is_empty()
        {
            c.certificate_request_context[0] ^= 1;
        }
    });
    let mut conn = established(
        Some("client-ecdsa"),
        ClientAuthPolicy::PostHandshake,
        Some(tamper),
    );
    conn.post(Side::Server, PostHandshakeRequest::RequestClientCertificate)
        .unwrap();
    conn.assert_failed(Side::Server, AlertDescription::IllegalParameter);
}

#[test]
fn rfc8446_4_6_2_bad_post_handshake_finished_is_decrypt_error() {
    let tamper = edit13(HandshakeType::Finished, {
        let mut seen = 0;
        move |p| {
            seen += 1;
            if let (2, HandshakePayload::Finished(v)) = (seen, p) {
                v[3] ^= 1;
            }
        }
    });
    let mut conn = established(
        Some("client-ecdsa"),
        ClientAuthPolicy::PostHandshake,
        Some(tamper),
    );
    conn.post(Side::Server, PostHandshakeRequest::RequestClientCertificate)
        .unwrap();
    conn.assert_failed(Side::Server, AlertDescription::DecryptError);
    assert_eq!(conn.s.peer_authenticated, 0);
}

#[test]
fn rfc8446_4_6_2_answer_without_a_request_is_unexpected_message() {
    let mut conn = established(Some("client-ecdsa"), ClientAuthPolicy::PostHandshake, None);
    let certificate = mtls_wire::handshake::CertificateTls13::new(vec![1], Vec::new());
    conn.inject(
        Side::Client,
        encode13(HandshakePayload::CertificateTls13(certificate)),
    );
    conn.assert_failed(Side::Server, AlertDescription::UnexpectedMessage);
}

#[test]
fn rfc8446_4_6_3_key_update_with_a_bad_value_is_illegal_parameter() {
    let mut conn = established(None, ClientAuthPolicy::None, None);
    conn.inject(Side::Server, vec![24, 0, 0, 1, 2]);
    conn.assert_failed(Side::Client, AlertDescription::IllegalParameter);
    let mut conn = established(None, ClientAuthPolicy::None, None);
    conn.inject(Side::Client, vec![24, 0, 0, 2, 0, 0]);
    conn.assert_failed(Side::Server, AlertDescription::DecodeError);
}

#[test]
fn rfc8446_4_6_anything_else_after_the_handshake_is_unexpected_message() {
    let mut conn = established(None, ClientAuthPolicy::None, None);
    let hello = conn.c.sent[0].clone();
    conn.inject(Side::Client, hello);
    conn.assert_failed(Side::Server, AlertDescription::UnexpectedMessage);
    let mut conn = established(None, ClientAuthPolicy::None, None);
    conn.inject(
        Side::Server,
        encode13(HandshakePayload::Finished(vec![0; 32])),
    );
    conn.assert_failed(Side::Client, AlertDescription::UnexpectedMessage);
    // No compatibility ChangeCipherSpec after the handshake either (RFC 8446 5).
    let mut conn = established(None, ClientAuthPolicy::None, None);
    let e = conn.client.handle(Input::ChangeCipherSpec).unwrap_err();
    assert_eq!(e.alert(), AlertDescription::UnexpectedMessage);
}

#[test]
fn rfc8446_4_6_1_new_session_ticket_is_accepted_and_ignored() {
    let mut conn = established(None, ClientAuthPolicy::None, None);
    let ticket = NewSessionTicketTls13 {
        ticket_lifetime: 7200,
        ticket_age_add: 1,
        ticket_nonce: vec![0],
        ticket: vec![1; 40],
        extensions: Extensions::new(vec![Extension::MaxEarlyDataSize(16384)]),
    };
    conn.inject(
        Side::Server,
        encode13(HandshakePayload::NewSessionTicketTls13(ticket)),
    );
    assert!(conn.c.error.is_none());
    conn.post(
        Side::Client,
        PostHandshakeRequest::UpdateKeys { request_peer: true },
    )
    .unwrap();
    assert!(conn.c.error.is_none() && conn.s.error.is_none());
    conn.assert_keys_agree();
}

// ---- real ClientHellos (crates/mtls-testkit/vectors/tls13) ----

fn vector(session: &str, file: &str) -> Vec<u8> {
    let path = format!(
        "{}/../mtls-testkit/vectors/tls13/{session}/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let hex: String = text.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    hex::decode(hex).unwrap()
}

fn first_server_hello(actions: Vec<mtls_handshake::Action>) -> mtls_wire::handshake::ServerHello {
    for a in actions {
        if let mtls_handshake::Action::SendHandshake(m) = a {
            let (msg, _) = HandshakeMessage::parse_tls13(&m).unwrap();
            if let HandshakePayload::ServerHello(sh) = msg.into_payload() {
                return sh;
            }
        }
    }
    panic!("no ServerHello");
}

/// RFC 8446 4.1.3: each stored ClientHello of OpenSSL, GnuTLS and Python gets a TLS 1.3
/// ServerHello (a PSK and early data offer is answered with a full handshake); with a server
/// that only takes P-256, the X25519 shares get a HelloRetryRequest, and OpenSSL's second
/// ClientHello of the recorded retry then gets a ServerHello.
#[test]
fn rfc8446_4_1_3_real_client_hellos_get_tls13_server_hellos() {
    let sessions = [
        "gnutls-to-openssl",
        "openssl-empty-client-cert",
        "openssl-hrr",
        "openssl-mtls-key-update",
        "openssl-post-handshake-auth",
        "openssl-resumption-early-data",
        "openssl-to-gnutls-hrr",
        "python-post-handshake-auth",
    ];
    for session in sessions {
        let hello = vector(session, "01-client-client_hello.hex");
        let (_, mut sc) = configs13("server-ecdsa", None, ClientAuthPolicy::Required);
        sc.versions = vec![ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_2];
        let mut server = ServerHandshake::new(Arc::new(sc));
        let sh = first_server_hello(server.handle(Input::Handshake(&hello)).unwrap());
        assert!(!sh.is_hello_retry_request(), "{session}");
        assert_eq!(
            sh.extensions.selected_version(),
            Some(ProtocolVersion::TLSv1_3),
            "{session}"
        );
        assert_eq!(server.version(), ProtocolVersion::TLSv1_3);
        // RFC 8446 4.2.10: the one offer of early data is declined (no PSK accepted) and
        // reported, for the record layer to skip the 0-RTT records.
        assert_eq!(
            server.early_data_offered(),
            session == "openssl-resumption-early-data",
            "{session}"
        );
    }
    for session in ["openssl-hrr", "openssl-to-gnutls-hrr"] {
        let (_, mut sc) = configs13("server-ecdsa", None, ClientAuthPolicy::Required);
        sc.groups = vec![NamedGroup::Secp256r1];
        let mut server = ServerHandshake::new(Arc::new(sc));
        let first = vector(session, "01-client-client_hello.hex");
        let hrr = first_server_hello(server.handle(Input::Handshake(&first)).unwrap());
        assert!(hrr.is_hello_retry_request(), "{session}");
        assert_eq!(
            hrr.extensions.selected_group(),
            Some(mtls_wire::NamedGroup::from(0x0017))
        );
        // The recorded peer may send its compatibility ChangeCipherSpec here.
        server.handle(Input::ChangeCipherSpec).unwrap();
        let second = vector(session, "03-client-client_hello.hex");
        let sh = first_server_hello(server.handle(Input::Handshake(&second)).unwrap());
        assert!(!sh.is_hello_retry_request(), "{session}");
        assert_eq!(
            sh.extensions.server_key_share().unwrap().group.to_u16(),
            0x0017
        );
    }
}
