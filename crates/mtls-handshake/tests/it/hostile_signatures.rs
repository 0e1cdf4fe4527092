//! A hostile or broken peer's signatures, Finished messages and key exchange, one rule at a
//! time (RFC 5246 7.4.3, 7.4.7.1, 7.4.8, 7.4.9; RFC 8422 5.4, 5.11; RFC 7748 6.1): the exact
//! alert, no panic, and a dead handshake afterwards.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::cell::RefCell;
use std::rc::Rc;

use crate::common::*;
use mtls_crypto::DeterministicRng;
use mtls_crypto::kx::NamedGroup;
use mtls_crypto::rsa_kx::encrypt_premaster;
use mtls_crypto::signature::{SignatureAlgorithm, SigningKey};
use mtls_handshake::certs::leaf_public_key;
use mtls_handshake::{CertificateDer, ClientAuthPolicy, Input};
use mtls_wire::handshake::{ClientKeyExchange, HandshakePayload, KeyExchangeAlgorithm};
use mtls_wire::{AlertDescription, HandshakeType};

use crate::tampering::*;
use AlertDescription as A;
use HandshakeType as H;

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
