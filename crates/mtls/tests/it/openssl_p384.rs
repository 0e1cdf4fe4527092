//! Interop with real OpenSSL (TLS 1.2, mutual TLS) over ECDSA P-384: a P-384 CA
//! (ecdsa-with-SHA384, RFC 5758 3.2) made with rcgen at test time and written as PEM into a
//! temp directory; P-384 leaves sign with ecdsa_secp384r1_sha384 (0x0503, RFC 8446 4.2.3):
//! ServerKeyExchange (RFC 8422 5.4) and CertificateVerify (RFC 5246 7.4.8).
//!
//! Our ClientHello's supported_groups lists X25519, secp256r1 and secp384r1 (RFC 8422 5.1.1).
//! RFC 8422 5.1 lets that list constrain the certificates' curves too, and OpenSSL enforces it
//! for the server's certificate (`no shared cipher`) and for the client's (`wrong curve`): with
//! secp384r1 offered, `s_server` now uses P-384 leaves both ways with us (before, it refused
//! them). P-256 leaves under the P-384 CA, P-384 leaves against `s_client`, and the secp384r1
//! ECDHE group itself (`-groups P-384`, both directions) are covered too. A SHA-384-preferring
//! `s_server` with a P-256 leaf checks that we accept 0x0503 on P-256, and OpenSSL offering
//! one ECDSA hash only (`-sigalgs ECDSA+SHA384` / `SHA512` with P-256 leaves, `SHA256` /
//! `SHA512` with P-384 leaves) that we sign and verify it both ways (RFC 5246 7.4.1.4.1).
//!
//! Each test fails (never skips) when `openssl` is missing, kills its child process on every
//! path, and is bounded by socket timeouts and an overall deadline.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::Instant;

use crate::peers::*;
use mtls::{CertificateDer, ClientConfig, HandshakeKind, NamedGroup, SignatureAlgorithm};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

fn p384_key() -> KeyPair {
    KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap()
}

/// The PKI's files: the P-384 CA's certificate, server and client certificates (leaf, then CA)
/// and keys (PKCS#8 PEM).
struct P384Files {
    ca: String,
    server_chain: String,
    server_key: String,
    client_chain: String,
    client_key: String,
}

/// Writes a P-384 CA and a server and a client leaf on the curves of `server_alg` and
/// `client_alg`, both signed ecdsa-with-SHA384 by the CA.
fn write_pki(
    dir: &TempDir,
    server_alg: &'static rcgen::SignatureAlgorithm,
    client_alg: &'static rcgen::SignatureAlgorithm,
) -> P384Files {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "mtls interop P-384 CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_key = p384_key();
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let ca_pem = ca_cert.pem();
    let issuer = Issuer::new(ca_params, ca_key);

    let leaf = |cn: &str, usage: ExtendedKeyUsagePurpose, key: KeyPair| {
        let mut params =
            CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
        params.distinguished_name.push(DnType::CommonName, cn);
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![usage];
        let cert = params.signed_by(&key, &issuer).unwrap();
        (format!("{}{ca_pem}", cert.pem()), key.serialize_pem())
    };
    let (server_chain, server_key) = leaf(
        "localhost",
        ExtendedKeyUsagePurpose::ServerAuth,
        KeyPair::generate_for(server_alg).unwrap(),
    );
    let (client_chain, client_key) = leaf(
        "p384 client",
        ExtendedKeyUsagePurpose::ClientAuth,
        KeyPair::generate_for(client_alg).unwrap(),
    );
    P384Files {
        ca: dir.write("ca.pem", &ca_pem),
        server_chain: dir.write("server.pem", &server_chain),
        server_key: dir.write("server.key", &server_key),
        client_chain: dir.write("client.pem", &client_chain),
        client_key: dir.write("client.key", &client_key),
    }
}

/// `s_server -rev -naccept 1` presenting `files`' server chain and requiring a client
/// certificate from their CA, then `extra`.
fn start_p384_s_server(files: &P384Files, extra: &[&str]) -> (Peer, u16) {
    let mut args: Vec<String> = vec![
        "-naccept".into(),
        "1".into(),
        "-cert".into(),
        files.server_chain.clone(),
        "-key".into(),
        files.server_key.clone(),
        "-CAfile".into(),
        files.ca.clone(),
        "-Verify".into(),
        "1".into(),
        "-verify_return_error".into(),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    start_s_server(&args)
}

/// Our client trusting `files`' CA (webpki) and presenting the client leaf.
fn our_client(files: &P384Files) -> ClientConfig {
    let roots = mtls::pki::RootStore::load(&files.ca).unwrap();
    ClientConfig::with_roots(roots)
        .client_certificate_files(&files.client_chain, &files.client_key)
        .build()
        .unwrap()
}

/// Our client against `s_server -Verify 1 -verify_return_error`, both leaves P-256 under the
/// P-384 CA (P-384 leaves: see the RFC 8422 5.1 test below): our webpki verifier checks the
/// CA's ecdsa-with-SHA384 signature on the server leaf, OpenSSL checks it on our client leaf.
#[test]
fn p384_ca_chains_both_ways_against_s_server() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let dir = TempDir::new("s_server");
    let p256 = &rcgen::PKCS_ECDSA_P256_SHA256;
    let files = write_pki(&dir, p256, p256);
    let (mut peer, port) = start_p384_s_server(&files, &[]);
    let config = our_client(&files);

    // `-rev` answers each line reversed: s_server accepted our certificate.
    let summary = exchange_line(
        &config,
        port,
        &mut peer,
        "s_server",
        b"hello p384\n",
        b"483p olleh\n",
    );
    assert_eq!(summary.kind, HandshakeKind::FullEcdheClientCertTicket);
    let server_leaf: CertificateDer<'static> = leaf_of(&files.server_chain);
    assert_eq!(summary.peer_certificates.first(), Some(&server_leaf));
    assert_eq!(summary.peer_certificates.len(), 2, "leaf and P-384 CA");

    assert!(
        peer.wait_exit(deadline).is_some(),
        "s_server did not exit\n{}",
        peer.describe()
    );
    let out = peer.output();
    assert!(
        out.contains("CONNECTION ESTABLISHED"),
        "{}",
        peer.describe()
    );
    assert!(!out.contains("verify error"), "{}", peer.describe());
}

/// `s_client` with `args` against our server (the P-384 PKI in `files`, client certificates
/// required), sending `line`; returns the one connection our server served, checked to have
/// completed without error and received the line, and the client.
fn serve_s_client(
    files: &P384Files,
    args: &[&str],
    line: &[u8],
    deadline: Instant,
) -> (Served, Peer) {
    let roots = mtls::pki::RootStore::load(&files.ca).unwrap();
    let config = mtls::ServerConfig::builder()
        .certificate_files(&files.server_chain, &files.server_key)
        .client_auth_required(roots)
        .build()
        .unwrap();
    let server = facade_server(config, 1, deadline);
    let peer = run_s_client(server.port, args, line, deadline);
    let mut served = server.finish();
    assert_eq!(served.len(), 1, "{served:?}\n{}", peer.describe());
    let s = served.remove(0);
    assert!(
        s.error.is_none(),
        "our server, s_client {args:?}: {:?}\n{}",
        s.error,
        peer.describe()
    );
    assert_eq!(s.received, line);
    (s, peer)
}

/// `s_client` (which lists P-384 among its groups) against our server, P-384 on both sides:
/// OpenSSL verifies our ecdsa_secp384r1_sha384 ServerKeyExchange and our chain, we verify its
/// P-384 client chain and its CertificateVerify. By default OpenSSL signs that with our first
/// ECDSA code point, 0x0403 (SHA-256 on its P-384 key: TLS 1.2 ties the hash, not the curve,
/// RFC 5246 7.4.1.4.1), which we accept; with `-client_sigalgs ecdsa_secp384r1_sha384` it
/// signs 0x0503.
#[test]
fn s_client_with_p384_certificates_to_our_p384_server() {
    for (client_sigalgs, expected) in [
        (None, SignatureAlgorithm::EcdsaSecp256r1Sha256),
        (
            Some("ecdsa_secp384r1_sha384"),
            SignatureAlgorithm::EcdsaSecp384r1Sha384,
        ),
    ] {
        let deadline = Instant::now() + TEST_TIMEOUT;
        let dir = TempDir::new("s_client");
        let p384 = &rcgen::PKCS_ECDSA_P384_SHA384;
        let files = write_pki(&dir, p384, p384);
        let mut args = vec![
            "-CAfile",
            &files.ca,
            "-verify_return_error",
            "-verify_hostname",
            "localhost",
            "-cert",
            &files.client_chain,
            "-key",
            &files.client_key,
        ];
        if let Some(sigalgs) = client_sigalgs {
            args.extend(["-client_sigalgs", sigalgs]);
        }
        let (s, peer) = serve_s_client(&files, &args, b"hello\n", deadline);
        let summary = s.summary.as_ref().unwrap();
        assert_eq!(
            summary.server_signature,
            Some(SignatureAlgorithm::EcdsaSecp384r1Sha384),
            "our ServerKeyExchange"
        );
        assert_eq!(
            summary.client_signature,
            Some(expected),
            "s_client's CertificateVerify ({client_sigalgs:?})"
        );
        assert_eq!(
            s.peer_certificates().first(),
            Some(&leaf_of(&files.client_chain))
        );
        let out = peer.stdout();
        assert!(out.contains("mtls-echo: hello"), "{}", peer.describe());
        assert!(
            out.contains("Verify return code: 0 (ok)"),
            "{}",
            peer.describe()
        );
        assert!(
            out.contains("Peer signing digest: SHA384"),
            "{}",
            peer.describe()
        );
    }
}

/// A TLS 1.2 server that prefers SHA-384 signs ServerKeyExchange as 0x0503 with its P-256
/// key once we offer 0x0503 (`s_server -serverpref -sigalgs ECDSA+SHA384:ECDSA+SHA256`):
/// our client accepts it (RFC 8446 4.2.3: a TLS 1.2 peer may use any advertised curve).
#[test]
fn s_server_preferring_sha384_with_a_p256_certificate() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let dir = TempDir::new("serverpref");
    let p256 = &rcgen::PKCS_ECDSA_P256_SHA256;
    let files = write_pki(&dir, p256, p256);
    let (mut peer, port) = start_p384_s_server(
        &files,
        &["-serverpref", "-sigalgs", "ECDSA+SHA384:ECDSA+SHA256"],
    );
    let config = our_client(&files);
    let summary = exchange_line(&config, port, &mut peer, "s_server", b"abc\n", b"cba\n");
    assert_eq!(
        summary.server_signature,
        Some(SignatureAlgorithm::EcdsaSecp384r1Sha384),
        "{}",
        peer.describe()
    );
    assert!(
        peer.wait_exit(deadline).is_some(),
        "s_server did not exit\n{}",
        peer.describe()
    );
}

/// Our client against `s_server` (default groups) with `files`, sending one line; returns the
/// handshake summary after checking the reversed echo and s_server's clean exit.
fn handshake_with_s_server(
    files: &P384Files,
    extra: &[&str],
    deadline: Instant,
) -> mtls::HandshakeSummary {
    let (mut peer, port) = start_p384_s_server(files, extra);
    let config = our_client(files);
    // `-rev`: s_server accepted our certificate and answers the line reversed.
    let what = format!("s_server {extra:?}");
    let summary = exchange_line(&config, port, &mut peer, &what, b"p384\n", b"483p\n");
    assert!(
        peer.wait_exit(deadline).is_some(),
        "s_server did not exit\n{}",
        peer.describe()
    );
    let out = peer.output();
    assert!(!out.contains("verify error"), "{}", peer.describe());
    assert!(!out.contains("wrong curve"), "{}", peer.describe());
    summary
}

/// RFC 8422 5.1: a server must respect the client's supported_groups for its certificate's
/// curve too, and OpenSSL applies the same list to the client's certificate. Now that ours
/// lists secp384r1, `s_server` uses a P-384 server certificate with our client (it said
/// `no shared cipher` before) and accepts our P-384 client certificate (it said `wrong curve`
/// before), alone or together.
#[test]
fn rfc8422_5_1_s_server_accepts_p384_leaves_from_a_client_offering_secp384r1() {
    let (p256, p384) = (
        &rcgen::PKCS_ECDSA_P256_SHA256,
        &rcgen::PKCS_ECDSA_P384_SHA384,
    );
    for (server_alg, client_alg) in [(p384, p256), (p256, p384), (p384, p384)] {
        let deadline = Instant::now() + TEST_TIMEOUT;
        let dir = TempDir::new("p384-leaves");
        let files = write_pki(&dir, server_alg, client_alg);
        let summary = handshake_with_s_server(&files, &[], deadline);
        assert_eq!(summary.kind, HandshakeKind::FullEcdheClientCertTicket);
        assert_eq!(
            summary.peer_certificates.first(),
            Some(&leaf_of(&files.server_chain))
        );
        if std::ptr::eq(server_alg, p384) {
            // OpenSSL signs ServerKeyExchange with its P-384 key using our first ECDSA code
            // point, 0x0403: TLS 1.2 ties the hash, not the curve (RFC 5246 7.4.1.4.1), and we
            // verify either hash on either curve.
            assert_eq!(
                summary.server_signature,
                Some(SignatureAlgorithm::EcdsaSecp256r1Sha256)
            );
        }
        if std::ptr::eq(client_alg, p384) {
            // Our P-384 key signs CertificateVerify with its own curve's scheme.
            assert_eq!(
                summary.client_signature,
                Some(SignatureAlgorithm::EcdsaSecp384r1Sha384)
            );
        }
    }
}

/// RFC 8422 5.1.1, 5.4: `s_server -groups P-384` can only run ECDHE on secp384r1; our client
/// offers it, reads ServerKeyExchange's named_curve 24 and 97-byte point, and sends its own
/// 97-byte uncompressed point (RFC 8422 5.7), with P-384 leaves both ways.
#[test]
fn rfc8422_5_4_secp384r1_ecdhe_with_s_server_groups_p384() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let dir = TempDir::new("s_server-groups");
    let p384 = &rcgen::PKCS_ECDSA_P384_SHA384;
    let files = write_pki(&dir, p384, p384);
    let summary = handshake_with_s_server(&files, &["-groups", "P-384"], deadline);
    assert_eq!(summary.group, Some(NamedGroup::Secp384r1));
    // s_server issues a session ticket to a client that asks (RFC 5077), and ours asks.
    assert_eq!(summary.kind, HandshakeKind::FullEcdheClientCertTicket);
}

/// RFC 8422 5.1.1, 5.4: `s_client -groups P-384` offers only secp384r1; our server (default
/// groups) picks it, sends named_curve 24, and accepts s_client's 97-byte point.
#[test]
fn rfc8422_5_4_secp384r1_ecdhe_with_s_client_groups_p384() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let dir = TempDir::new("s_client-groups");
    let p384 = &rcgen::PKCS_ECDSA_P384_SHA384;
    let files = write_pki(&dir, p384, p384);
    let args = [
        "-groups",
        "P-384",
        "-CAfile",
        &files.ca,
        "-verify_return_error",
        "-verify_hostname",
        "localhost",
        "-cert",
        &files.client_chain,
        "-key",
        &files.client_key,
    ];
    let (s, peer) = serve_s_client(&files, &args, b"hello\n", deadline);
    let summary = s.summary.as_ref().unwrap();
    assert_eq!(summary.group, Some(NamedGroup::Secp384r1));
    let out = peer.stdout();
    assert!(out.contains("mtls-echo: hello"), "{}", peer.describe());
    assert!(
        out.contains("Verify return code: 0 (ok)"),
        "{}",
        peer.describe()
    );
    assert!(
        out.contains("Server Temp Key: ECDH, secp384r1, 384 bits"),
        "{}",
        peer.describe()
    );
}

/// RFC 5246 7.4.1.4.1: an ECDSA code point names the hash, not the curve. OpenSSL offering a
/// single ECDSA hash that is not its leaf curve's own, with P-256 and P-384 leaves on both
/// sides:
/// - `s_client -sigalgs ECDSA+<hash>` against our server: our ServerKeyExchange is signed with
///   that hash (s_client reports it as the peer signing digest), and s_client's
///   CertificateVerify under it verifies;
/// - `s_server -sigalgs ECDSA+<hash> -client_sigalgs ECDSA+<hash>` with our client: its
///   ServerKeyExchange under that hash verifies, and our CertificateVerify uses it (the only
///   hash its CertificateRequest offers).
#[test]
fn rfc5246_7_4_1_4_1_openssl_offering_one_ecdsa_hash_both_ways() {
    let (p256, p384) = (
        &rcgen::PKCS_ECDSA_P256_SHA256,
        &rcgen::PKCS_ECDSA_P384_SHA384,
    );
    let sha512 = SignatureAlgorithm::from_u16(0x0603).unwrap();
    for (alg, hash, scheme) in [
        (p256, "SHA384", SignatureAlgorithm::EcdsaSecp384r1Sha384),
        (p256, "SHA512", sha512),
        (p384, "SHA256", SignatureAlgorithm::EcdsaSecp256r1Sha256),
        (p384, "SHA512", sha512),
    ] {
        let sigalgs = format!("ECDSA+{hash}");
        let curve = if std::ptr::eq(alg, p256) {
            "P-256"
        } else {
            "P-384"
        };

        // OpenSSL as the client.
        let deadline = Instant::now() + TEST_TIMEOUT;
        let dir = TempDir::new("one-hash-s_client");
        let files = write_pki(&dir, alg, alg);
        let args = [
            "-sigalgs",
            &sigalgs,
            "-CAfile",
            &files.ca,
            "-verify_return_error",
            "-cert",
            &files.client_chain,
            "-key",
            &files.client_key,
        ];
        let (s, peer) = serve_s_client(&files, &args, b"one hash\n", deadline);
        let summary = s.summary.as_ref().unwrap();
        assert_eq!(
            summary.server_signature,
            Some(scheme),
            "our {curve} ServerKeyExchange for s_client {sigalgs}"
        );
        assert_eq!(
            summary.client_signature,
            Some(scheme),
            "s_client's {curve} CertificateVerify ({sigalgs})"
        );
        let out = peer.stdout();
        assert!(
            out.contains(&format!("Peer signing digest: {hash}")),
            "{}",
            peer.describe()
        );

        // OpenSSL as the server.
        let deadline = Instant::now() + TEST_TIMEOUT;
        let dir = TempDir::new("one-hash-s_server");
        let files = write_pki(&dir, alg, alg);
        let summary = handshake_with_s_server(
            &files,
            &["-sigalgs", &sigalgs, "-client_sigalgs", &sigalgs],
            deadline,
        );
        assert_eq!(
            summary.server_signature,
            Some(scheme),
            "s_server's {curve} ServerKeyExchange ({sigalgs})"
        );
        assert_eq!(
            summary.client_signature,
            Some(scheme),
            "our {curve} CertificateVerify for s_server -client_sigalgs {sigalgs}"
        );
    }
}
