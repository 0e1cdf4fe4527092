//! Bleichenbacher / ROBOT (RFC 5246 7.4.7.1): a static-RSA server must not reveal whether a
//! ClientKeyExchange decrypted to a well-formed premaster. For every class of malformed
//! premaster, the server's output is byte-identical: nothing in response to
//! ClientKeyExchange, CertificateVerify or the client's ChangeCipherSpec, then exactly the
//! fatal alert bad_record_mac in response to the client's Finished (its record, sealed under
//! keys the server does not share, does not open).
//!
//! Malformed ciphertexts are built with raw RSA (m^e mod n) on the server's public key, as in
//! `crates/mtls-crypto/tests/it/rsa_kx.rs`.
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
use mtls_crypto::rsa_kx::encrypt_premaster;
use mtls_crypto::signature::{SignatureAlgorithm, SigningKey};
use mtls_handshake::certs::leaf_public_key;
use mtls_handshake::{CertificateDer, ClientAuthPolicy, suites};
use mtls_wire::handshake::{ClientKeyExchange, HandshakePayload, KeyExchangeAlgorithm};
use mtls_wire::{AlertDescription, ContentType};
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::traits::PublicKeyParts as _;

/// The fatal bad_record_mac alert as a plaintext record: the server has not sent its
/// ChangeCipherSpec yet, so its write side is still unprotected.
const BAD_RECORD_MAC_RECORD: [u8; 7] = [0x15, 3, 3, 0, 2, 2, 20];

/// The server certificate's RSA public key, taken from its private key (PKCS#8).
fn server_public_key() -> rsa::PublicKey {
    rsa::PrivateKey::from_pkcs8_der(&fixture("server-rsa.key.der"))
        .unwrap()
        .to_public_key()
}

/// k: the modulus length in bytes.
fn k() -> usize {
    leaf_public_key(&CertificateDer::from(fixture("server-rsa.cert.der")))
        .unwrap()
        .as_rsa()
        .unwrap()
        .modulus_len()
}

/// Raw RSA (m^e mod n) of a hand-built encryption block `em` (k bytes).
fn raw_encrypt(em: &[u8]) -> Vec<u8> {
    let k = k();
    assert_eq!(em.len(), k);
    let pk = server_public_key();
    let m = rsa::BoxedUint::from_be_slice(em, pk.n_bits_precision()).unwrap();
    let c = rsa::hazmat::rsa_encrypt(&pk, &m).unwrap();
    let bytes = c.to_be_bytes();
    let mut out = vec![0u8; k - bytes.len().min(k)];
    out.extend_from_slice(&bytes[bytes.len().saturating_sub(k)..]);
    assert_eq!(out.len(), k);
    out
}

/// EME-PKCS1-v1_5 block (RFC 8017 7.2.1): 00 02 PS 00 M, PS nonzero.
fn block(message: &[u8]) -> Vec<u8> {
    let k = k();
    let ps_len = k - 3 - message.len();
    let mut em = vec![0x00, 0x02];
    em.extend((0..ps_len).map(|i| (i % 250) as u8 + 1));
    em.push(0);
    em.extend_from_slice(message);
    em
}

/// A premaster of the right form (client_version 3,3 then 46 bytes) that the client does not
/// know.
fn pms_bytes() -> Vec<u8> {
    let mut m = vec![3, 3];
    m.extend((0..46).map(|i| 0xa0 ^ i as u8));
    m
}

/// Every malformed-premaster class, and the well-formed ones the client does not share.
fn classes() -> Vec<(&'static str, Vec<u8>)> {
    let k = k();
    let valid = block(&pms_bytes());
    let mut cases: Vec<(&str, Vec<u8>)> = Vec::new();

    let mut em = valid.clone();
    em[1] = 0x01;
    cases.push(("block type 01 instead of 02", raw_encrypt(&em)));
    let mut em = valid.clone();
    em[0] = 0x01;
    cases.push(("first byte not 00", raw_encrypt(&em)));
    let mut em = valid.clone();
    em[5] = 0x00;
    cases.push(("zero byte in the first 8 padding bytes", raw_encrypt(&em)));
    let mut em = valid.clone();
    em[100] = 0x00;
    cases.push(("zero byte later in the padding", raw_encrypt(&em)));
    let mut em = valid.clone();
    em[k - 49] = 0x55;
    for b in &mut em[k - 48..] {
        if *b == 0 {
            *b = 1;
        }
    }
    cases.push(("no separator", raw_encrypt(&em)));
    cases.push((
        "premaster of 47 bytes",
        raw_encrypt(&block(&pms_bytes()[..47])),
    ));
    let mut long = pms_bytes();
    long.push(0x77);
    cases.push(("premaster of 49 bytes", raw_encrypt(&block(&long))));
    cases.push(("premaster of 4 bytes", raw_encrypt(&block(&[3, 3, 1, 2]))));
    let mut wrong_version = pms_bytes();
    wrong_version[1] = 0x01;
    cases.push(("version bytes 03 01", raw_encrypt(&block(&wrong_version))));
    let mut wrong_major = pms_bytes();
    wrong_major[0] = 0x02;
    cases.push(("version bytes 02 03", raw_encrypt(&block(&wrong_major))));
    let server_key =
        leaf_public_key(&CertificateDer::from(fixture("server-rsa.cert.der"))).unwrap();
    let (_, well_formed_wrong_version) = encrypt_premaster(
        &mut DeterministicRng::from_seed([0x33; 32]),
        server_key.as_rsa().unwrap(),
        [3, 1],
    )
    .unwrap();
    cases.push((
        "well-formed PKCS#1, premaster version 3,1",
        well_formed_wrong_version,
    ));
    let good_ct = raw_encrypt(&valid);
    cases.push(("ciphertext one byte short", good_ct[1..].to_vec()));
    let mut longer = good_ct.clone();
    longer.push(0);
    cases.push(("ciphertext one byte long", longer));
    cases.push(("ciphertext >= n", vec![0xff; k]));
    cases.push(("empty ciphertext", Vec::new()));
    let mut flipped = good_ct.clone();
    flipped[k / 2] ^= 0x10;
    cases.push(("random bit flip", flipped));
    // Not malformed at all, just not the client's premaster: the same path again.
    cases.push(("well-formed premaster the client does not know", good_ct));
    cases
}

/// The server's response to each record of the client's second flight: (the record's
/// content type, the bytes the server wrote).
type Responses = Vec<(u8, Vec<u8>)>;

/// One static-RSA handshake in which the client's ClientKeyExchange is replaced by
/// `ciphertext` (when given). With `client_auth`, the CertificateVerify is signed again over
/// the transcript the server sees, so that it verifies and the premaster is the only fault.
/// Returns the server's response to each record of the client's second flight, in order.
fn run(ciphertext: Option<Vec<u8>>, client_auth: bool, seed: u8) -> (Pair, Responses) {
    let mut sc = server_config("server-rsa");
    let mut cc = client_config();
    if client_auth {
        sc.client_auth = ClientAuthPolicy::Required;
        sc.client_verifier = Some(Arc::new(TestClientVerifier::accepting()));
        cc.cert_resolver = Some(Arc::new(certified("client-rsa")));
    }
    cc.suites = vec![suites::RSA_AES128_GCM];
    sc.suites = vec![suites::RSA_AES128_GCM];
    cc.enable_static_rsa = true;
    sc.enable_static_rsa = true;

    let seen: Rc<RefCell<Vec<u8>>> = Rc::default();
    let seen_s = Rc::clone(&seen);
    let server_tamper: Tamper = Box::new(move |m: &[u8]| {
        seen_s.borrow_mut().extend_from_slice(m);
        vec![m.to_vec()]
    });
    let client_key = SigningKey::from_pkcs8_der(&fixture("client-rsa.key.der")).unwrap();
    let replace = ciphertext.is_some();
    let client_tamper: Tamper = Box::new(move |m: &[u8]| {
        let out = match parse_message(m, Some(KeyExchangeAlgorithm::Rsa)) {
            HandshakePayload::ClientKeyExchange(_) if replace => {
                encode_message(HandshakePayload::ClientKeyExchange(ClientKeyExchange::Rsa(
                    ciphertext.clone().unwrap(),
                )))
            }
            HandshakePayload::CertificateVerify(mut cv) if replace => {
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

    let mut p = Pair::build(
        Arc::new(cc),
        Arc::new(sc),
        seed,
        Some("localhost"),
        Some(client_tamper),
        Some(server_tamper),
    );
    assert!(p.client_to_server()); // ClientHello
    assert!(p.server_to_client()); // ServerHello .. ServerHelloDone
    let responses = p
        .client_records_one_by_one()
        .into_iter()
        .map(|(record, response)| (record[0], response))
        .collect();
    (p, responses)
}

/// The content types of the client's second flight.
fn flight_types(client_auth: bool) -> Vec<u8> {
    let hs = ContentType::Handshake.to_u8();
    let ccs = ContentType::ChangeCipherSpec.to_u8();
    if client_auth {
        // Certificate, ClientKeyExchange, CertificateVerify, CCS, Finished.
        vec![hs, hs, hs, ccs, hs]
    } else {
        // ClientKeyExchange, CCS, Finished.
        vec![hs, ccs, hs]
    }
}

#[test]
fn rfc5246_7_4_7_1_honest_static_rsa_handshake_completes() {
    for client_auth in [false, true] {
        let (mut p, responses) = run(None, client_auth, 1);
        let types: Vec<u8> = responses.iter().map(|(t, _)| *t).collect();
        assert_eq!(types, flight_types(client_auth));
        // The server answers the Finished with its CCS and Finished, nothing before.
        let (last, before) = responses.split_last().unwrap();
        assert!(before.iter().all(|(_, r)| r.is_empty()));
        assert_eq!(last.1[0], ContentType::ChangeCipherSpec.to_u8());
        p.s.outgoing = last.1.clone();
        p.run();
        p.assert_ok();
        p.exchange_data();
    }
}

#[test]
fn rfc5246_7_4_7_1_every_malformed_premaster_gives_byte_identical_server_output() {
    for client_auth in [false, true] {
        let mut first: Option<(&str, Responses)> = None;
        for (i, (what, ct)) in classes().into_iter().enumerate() {
            let (mut p, responses) = run(Some(ct), client_auth, 10 + i as u8);
            let types: Vec<u8> = responses.iter().map(|(t, _)| *t).collect();
            assert_eq!(types, flight_types(client_auth), "{what}");
            let (last, before) = responses.split_last().unwrap();
            for (n, (_, response)) in before.iter().enumerate() {
                assert!(
                    response.is_empty(),
                    "{what} (client auth {client_auth}): the server answered record {n}: {response:02x?}"
                );
            }
            assert_eq!(
                last.1, BAD_RECORD_MAC_RECORD,
                "{what} (client auth {client_auth}): the server's answer to the Finished"
            );
            // Deliver the alert; the client learns nothing more than bad_record_mac.
            p.s.outgoing = last.1.clone();
            p.run();
            p.assert_failed("server", AlertDescription::BadRecordMac);
            assert_eq!(p.c.alerts_received.len(), 1);
            assert!(!p.server.is_complete());
            match &first {
                None => first = Some((what, responses)),
                Some((first_what, first_responses)) => assert_eq!(
                    &responses, first_responses,
                    "{what} and {first_what} differ (client auth {client_auth})"
                ),
            }
        }
    }
}
