//! Tampering with the spec's handshake, for the hostile-peer tests (hostile_peer.rs,
//! hostile_signatures.rs, hostile_renegotiation.rs): the configurations, a handshake run with a
//! tamper, bogus and re-signed messages, and the spec's handshake driven by hand.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;

use crate::common::*;
use mtls_crypto::DeterministicRng;
use mtls_crypto::kx::NamedGroup;
use mtls_crypto::signature::{SignatureAlgorithm, SigningKey};
use mtls_handshake::suites;
use mtls_handshake::{
    ClientAuthPolicy, ClientConfig, ClientHandshake, ServerConfig, ServerHandshake,
};
use mtls_wire::SignatureScheme;
use mtls_wire::handshake::{
    DigitallySigned, EcdheServerKeyExchange, HandshakePayload, KeyExchangeAlgorithm,
    ServerEcdhParams, ServerKeyExchange,
};

/// The spec's handshake: ECDHE-ECDSA, client certificate required and given.
pub(crate) fn spec() -> (ClientConfig, ServerConfig) {
    mutual(
        "server-ecdsa",
        Some("client-ecdsa"),
        ClientAuthPolicy::Required,
    )
}

/// Static RSA key exchange (TLS_RSA_WITH_AES_128_GCM_SHA256) enabled on both sides.
pub(crate) fn static_rsa(
    client_cert: Option<&str>,
    policy: ClientAuthPolicy,
) -> (ClientConfig, ServerConfig) {
    let (mut cc, mut sc) = mutual("server-rsa", client_cert, policy);
    cc.suites = vec![suites::RSA_AES128_GCM];
    sc.suites = vec![suites::RSA_AES128_GCM];
    cc.enable_static_rsa = true;
    sc.enable_static_rsa = true;
    (cc, sc)
}

pub(crate) fn run_tampered(
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

pub(crate) fn bogus_certificate_verify() -> Vec<u8> {
    encode_message(HandshakePayload::CertificateVerify(DigitallySigned {
        scheme: SignatureScheme::from(SignatureAlgorithm::EcdsaSecp256r1Sha256.to_u16()),
        signature: vec![0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01],
    }))
}

pub(crate) fn bogus_server_key_exchange() -> Vec<u8> {
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

pub(crate) fn flip_last_byte(m: &[u8]) -> Vec<Vec<u8>> {
    let mut m = m.to_vec();
    *m.last_mut().unwrap() ^= 0x01;
    vec![m]
}

/// A server tamper that edits the ServerKeyExchange and signs it again with the key in
/// `key_fixture` (the server's own key: only the edit is wrong; another key: a forged
/// signature). The randoms are taken from the ClientHello already sent and the ServerHello as
/// it passes.
pub(crate) fn resign_server_key_exchange(
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
pub(crate) fn by_hand_to_client_flight() -> (ClientHandshake, ServerHandshake, Vec<Out>, Vec<Out>) {
    let (cc, sc) = spec();
    let (mut client, mut server, hello) = direct(cc, sc, 40);
    let server_flight = feed(&mut server, &hello).unwrap();
    let client_flight = feed(&mut client, &server_flight).unwrap();
    // Certificate, ClientKeyExchange, CertificateVerify, CCS, Finished.
    assert_eq!(client_flight.len(), 5, "{client_flight:?}");
    assert_eq!(client_flight[3], Out::Ccs);
    (client, server, server_flight, client_flight)
}
