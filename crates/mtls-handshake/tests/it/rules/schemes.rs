//! Which signature scheme each side signs with. In TLS 1.2 an ECDSA `SignatureAndHashAlgorithm`
//! names the hash only (RFC 5246 7.4.1.4.1: sha256 + ecdsa is 0x0403, sha384 + ecdsa 0x0503,
//! sha512 + ecdsa 0x0603; TLS 1.3 ties them to P-256, P-384 and P-521, RFC 8446 4.2.3), so a
//! P-256 or P-384 key signs with whichever of the three hashes the peer offers, preferring its
//! own curve's.

use std::sync::Arc;

use mtls_crypto::signature::{SignatureAlgorithm, SigningKey};
use mtls_handshake::{CertificateDer, CertifiedKey, ClientAuthPolicy, ClientConfig, ServerConfig};
use mtls_wire::handshake::{HandshakePayload, KeyExchangeAlgorithm, ServerKeyExchange};
use mtls_wire::{HandshakeType, SignatureScheme};

use crate::common::*;

const SHA256: SignatureAlgorithm = SignatureAlgorithm::EcdsaSecp256r1Sha256;
const SHA384: SignatureAlgorithm = SignatureAlgorithm::EcdsaSecp384r1Sha384;

/// sha512 + ecdsa (0x0603), looked up by its code point.
fn sha512() -> SignatureAlgorithm {
    SignatureAlgorithm::from_u16(0x0603).expect("0x0603 (sha512 + ecdsa) is supported")
}

/// A fixture leaf with its key: the P-256 ones chain to `ca`, the P-384 ones to `ca-p384`.
fn leaf(name: &str) -> Arc<CertifiedKey> {
    let ca = if name.ends_with("-p384") {
        "ca-p384"
    } else {
        "ca"
    };
    let chain = vec![
        CertificateDer::from(fixture(&format!("{name}.cert.der"))),
        CertificateDer::from(fixture(&format!("{ca}.cert.der"))),
    ];
    let key = SigningKey::from_pkcs8_der(&fixture(&format!("{name}.key.der"))).unwrap();
    Arc::new(CertifiedKey::new(chain, key).unwrap())
}

/// A server with `cert` that requires a client certificate (verdict: accept).
fn requiring_server(cert: &str) -> ServerConfig {
    let mut sc = ServerConfig::new(Arc::new(vec![leaf(cert)]));
    sc.time = Arc::new(mtls_handshake::FixedClock(NOW));
    sc.client_auth = ClientAuthPolicy::Required;
    sc.client_verifier = Some(Arc::new(TestClientVerifier::accepting()));
    sc
}

/// A client presenting `cert`.
fn client_with(cert: &str) -> ClientConfig {
    let mut cc = client_config();
    cc.cert_resolver = Some(Arc::new(leaf(cert)));
    cc
}

fn wire(s: SignatureAlgorithm) -> SignatureScheme {
    SignatureScheme::from(s.to_u16())
}

/// The handshake message of type `typ` that `sent` holds (exactly one).
fn sent(sent: &[Vec<u8>], typ: HandshakeType) -> HandshakePayload {
    let mut found = sent.iter().filter(|m| m[0] == typ.to_u8());
    let m = found
        .next()
        .unwrap_or_else(|| panic!("no {typ:?} was sent"));
    assert!(found.next().is_none(), "two {typ:?} messages");
    parse_message(m, Some(KeyExchangeAlgorithm::Ecdhe))
}

/// The scheme of the ServerKeyExchange signature on the wire.
fn server_key_exchange_scheme(p: &Pair) -> SignatureScheme {
    let HandshakePayload::ServerKeyExchange(ServerKeyExchange::Ecdhe(ske)) =
        sent(&p.s.sent_messages, HandshakeType::ServerKeyExchange)
    else {
        panic!("not an ECDHE ServerKeyExchange")
    };
    ske.signature.scheme
}

/// The scheme of the client's CertificateVerify on the wire.
fn certificate_verify_scheme(p: &Pair) -> SignatureScheme {
    let HandshakePayload::CertificateVerify(cv) =
        sent(&p.c.sent_messages, HandshakeType::CertificateVerify)
    else {
        panic!("not a CertificateVerify")
    };
    cv.scheme
}

/// Our client offers only `offered`; the server with `server_cert` must complete and sign its
/// ServerKeyExchange with it.
fn server_signs_with_the_only_offered(server_cert: &str, offered: SignatureAlgorithm, seed: u8) {
    let mut cc = client_config();
    cc.signature_schemes = vec![offered];
    let mut p = Pair::new(cc, server_config_for(server_cert), seed);
    p.run();
    p.assert_ok();
    p.exchange_data();
    let ch = sent(&p.c.sent_messages, HandshakeType::ClientHello);
    let HandshakePayload::ClientHello(ch) = ch else {
        panic!()
    };
    assert_eq!(
        ch.extensions.signature_algorithms().unwrap(),
        [wire(offered)]
    );
    assert_eq!(server_key_exchange_scheme(&p), wire(offered));
    assert_eq!(p.client.summary().unwrap().server_signature, Some(offered));
    assert_eq!(p.server.summary().unwrap().server_signature, Some(offered));
}

/// A server with `cert` and no client authentication.
fn server_config_for(cert: &str) -> ServerConfig {
    let mut sc = ServerConfig::new(Arc::new(vec![leaf(cert)]));
    sc.time = Arc::new(mtls_handshake::FixedClock(NOW));
    sc
}

/// The server's CertificateRequest offers only `requested` (its whole scheme list); our client
/// with `client_cert` must complete and sign its CertificateVerify with it. The server's own
/// key is P-256 (`server-ecdsa`), so the same one-scheme list serves its ServerKeyExchange.
fn client_signs_with_the_only_requested(
    client_cert: &str,
    requested: SignatureAlgorithm,
    seed: u8,
) {
    let mut sc = requiring_server("server-ecdsa");
    sc.signature_schemes = vec![requested];
    let mut p = Pair::new(client_with(client_cert), sc, seed);
    p.run();
    p.assert_ok();
    p.exchange_data();
    let HandshakePayload::CertificateRequest(cr) =
        sent(&p.s.sent_messages, HandshakeType::CertificateRequest)
    else {
        panic!()
    };
    assert_eq!(cr.supported_signature_algorithms, [wire(requested)]);
    assert_eq!(certificate_verify_scheme(&p), wire(requested));
    let s = p.server.summary().unwrap();
    assert_eq!(s.client_signature, Some(requested));
    assert_eq!(
        s.peer_certificates[0].to_vec(),
        fixture(&format!("{client_cert}.cert.der"))
    );
}

/// RFC 5246 7.4.1.4.1: "ecdsa" with any hash the client lists. A client that offers only
/// sha384 + ecdsa (0x0503) gets a ServerKeyExchange signed by the server's P-256 key with
/// SHA-384, not a handshake_failure.
#[test]
fn rfc5246_7_4_1_4_1_p256_server_completes_when_the_client_offers_only_sha384() {
    server_signs_with_the_only_offered("server-ecdsa", SHA384, 81);
}

/// As above with sha512 + ecdsa (0x0603), which TLS 1.3 calls ecdsa_secp521r1_sha512.
#[test]
fn rfc5246_7_4_1_4_1_p256_server_completes_when_the_client_offers_only_sha512() {
    server_signs_with_the_only_offered("server-ecdsa", sha512(), 82);
}

/// The P-384 server key with a client that offers only SHA-256 (0x0403).
#[test]
fn rfc5246_7_4_1_4_1_p384_server_completes_when_the_client_offers_only_sha256() {
    server_signs_with_the_only_offered("server-p384", SHA256, 83);
}

/// The P-384 server key with a client that offers only SHA-512 (0x0603).
#[test]
fn rfc5246_7_4_1_4_1_p384_server_completes_when_the_client_offers_only_sha512() {
    server_signs_with_the_only_offered("server-p384", sha512(), 84);
}

/// RFC 5246 7.4.8: the CertificateVerify uses a scheme from the CertificateRequest's
/// supported_signature_algorithms. A server that requests only sha384 + ecdsa gets a SHA-384
/// CertificateVerify from a P-256 client key.
#[test]
fn rfc5246_7_4_1_4_1_p256_client_completes_when_the_server_requests_only_sha384() {
    client_signs_with_the_only_requested("client-ecdsa", SHA384, 85);
}

/// As above with sha512 + ecdsa (0x0603).
#[test]
fn rfc5246_7_4_1_4_1_p256_client_completes_when_the_server_requests_only_sha512() {
    client_signs_with_the_only_requested("client-ecdsa", sha512(), 86);
}

/// The P-384 client key under a CertificateRequest that offers only SHA-256 (0x0403).
#[test]
fn rfc5246_7_4_1_4_1_p384_client_completes_when_the_server_requests_only_sha256() {
    client_signs_with_the_only_requested("client-p384", SHA256, 87);
}

/// The P-384 client key under a CertificateRequest that offers only SHA-512 (0x0603).
#[test]
fn rfc5246_7_4_1_4_1_p384_client_completes_when_the_server_requests_only_sha512() {
    client_signs_with_the_only_requested("client-p384", sha512(), 88);
}

/// With the default lists on both sides (all three ECDSA hashes offered), each key signs with
/// its own curve's hash, the pairing RFC 8446 4.2.3 names: P-256 with SHA-256, P-384 with
/// SHA-384, both ways (ServerKeyExchange and CertificateVerify). `SigningKey::schemes` lists
/// that hash first; the choice in `server.rs` (ClientHello) and `client.rs` (CertificateVerify)
/// must take the key's order before the configured one, or a P-384 key signs 0x0403, the first
/// ECDSA scheme of `DEFAULT_SIGNATURE_SCHEMES`.
#[test]
fn rfc8446_4_2_3_ecdsa_keys_sign_with_their_curves_hash_when_it_is_offered() {
    for (server, client, scheme, seed) in [
        ("server-ecdsa", "client-ecdsa", SHA256, 89),
        ("server-p384", "client-p384", SHA384, 90),
        ("server-ecdsa", "client-p384", SHA384, 91),
        ("server-p384", "client-ecdsa", SHA256, 92),
    ] {
        let mut p = Pair::new(client_with(client), requiring_server(server), seed);
        p.run();
        p.assert_ok();
        let (s, c) = (p.server.summary().unwrap(), p.client.summary().unwrap());
        let server_scheme = if server == "server-p384" {
            SHA384
        } else {
            SHA256
        };
        assert_eq!(
            c.server_signature,
            Some(server_scheme),
            "{server}'s ServerKeyExchange"
        );
        assert_eq!(
            s.client_signature,
            Some(scheme),
            "{client}'s CertificateVerify"
        );
    }
}
