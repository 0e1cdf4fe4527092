//! TLS 1.3 (RFC 8446) with real OpenSSL (`openssl s_server -tls1_3` / `s_client -tls1_3`)
//! through the facade, client certificates required: every TLS 1.3 suite, RSA and ECDSA
//! certificates on both sides, the groups X25519, P-256 and P-384, HelloRetryRequest both
//! ways, version negotiation against TLS 1.2-only and TLS 1.3-only peers, and the refusals
//! that must reach the peer as alerts.
//!
//! Post-handshake authentication, KeyUpdate and the key log are in
//! `openssl_tls13_post_handshake.rs`. Each test fails (never skips) when `openssl` is
//! missing, kills its child process on every path, and is bounded by socket timeouts and an
//! overall deadline.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::Instant;

use crate::peers::tls13::*;
use crate::peers::*;
use mtls::suites::{
    TLS13_AES_128_GCM_SHA256, TLS13_AES_256_GCM_SHA384, TLS13_CHACHA20_POLY1305_SHA256,
};
use mtls::{
    AlertDescription, NamedGroup, NegotiatedSuite, ProtocolVersion, ServerConfig, Tls13Suite,
};
use mtls_testkit::{spawn_openssl_client, start_openssl_server};

/// The three TLS 1.3 suites with OpenSSL's names for them (the IANA names).
fn suites() -> [(Tls13Suite, &'static str); 3] {
    [
        (TLS13_AES_128_GCM_SHA256, "TLS_AES_128_GCM_SHA256"),
        (TLS13_AES_256_GCM_SHA384, "TLS_AES_256_GCM_SHA384"),
        (
            TLS13_CHACHA20_POLY1305_SHA256,
            "TLS_CHACHA20_POLY1305_SHA256",
        ),
    ]
}

/// The certificate pairings every suite runs with: (server, client).
const PAIRS: [(&str, &str); 2] = [
    ("server-ecdsa", "client-rsa"),
    ("server-rsa", "client-ecdsa"),
];

/// `s_server -rev` arguments: `version` (`-tls1_3`, `-tls1_2`), `cert` as the server
/// certificate, client certificates required and verified against the test CA, one
/// connection, OpenSSL's message trace (`-msg`), then `extra`.
fn s_server_args(version: &str, cert: &str, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        version,
        "-rev",
        "-msg",
        "-naccept",
        "1",
        "-Verify",
        "1",
        "-verify_return_error",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend([
        "-cert".into(),
        pki(&format!("{cert}.pem")),
        "-key".into(),
        pki(&format!("{cert}.key")),
        "-CAfile".into(),
        pki("ca.pem"),
    ]);
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

/// Our client (built by `config`) against an `s_server -rev` started with `args`: one line
/// and its reversed echo; the handshake summary and s_server's output once it has exited.
fn against_s_server(
    config: &mtls::ClientConfig,
    args: &[String],
) -> (mtls::HandshakeSummary, String) {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let (mut peer, port) = start_openssl_server(args, false);
    let summary = exchange_line(
        config,
        port,
        &mut peer,
        "s_server",
        b"hello tls13\n",
        b"31slt olleh\n",
    );
    assert!(
        peer.wait_exit(deadline).is_some(),
        "s_server did not exit\n{}",
        peer.describe()
    );
    (summary, peer.output())
}

/// `s_client` with `args` (a version flag among them) against our server: `hello` written,
/// s_client left to exit after our close_notify. What our server saw, and s_client.
pub(crate) fn s_client_against(config: ServerConfig, args: &[&str]) -> (Served, Peer) {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let server = facade_server(config, 1, deadline);
    let ca = pki("ca.pem");
    let mut all = vec!["-msg", "-CAfile", &ca, "-verify_return_error"];
    all.extend_from_slice(&["-verify_hostname", "localhost"]);
    all.extend_from_slice(args);
    let mut peer = spawn_openssl_client(server.port, &all);
    send(&mut peer, b"hello\n");
    let exited = peer.wait_exit(deadline);
    peer.close_stdin();
    let mut served = server.finish();
    assert!(
        exited.is_some(),
        "s_client did not exit\n{}",
        peer.describe()
    );
    assert_eq!(served.len(), 1, "{served:?}\n{}", peer.describe());
    (served.remove(0), peer)
}

/// `-cert`/`-key` arguments of the test PKI's `name`.
fn cert_args(name: &str) -> [String; 4] {
    [
        "-cert".into(),
        pki(&format!("{name}.pem")),
        "-key".into(),
        pki(&format!("{name}.key")),
    ]
}

/// The summary of a connection our server completed, asserting it did.
fn completed<'a>(s: &'a Served, peer: &Peer) -> &'a mtls::HandshakeSummary {
    assert!(
        s.error.is_none(),
        "our server: {:?}\n{}",
        s.error,
        peer.describe()
    );
    assert_eq!(s.received, b"hello\n", "{}", peer.describe());
    s.summary.as_ref().unwrap()
}

#[test]
fn rfc8446_b_4_our_client_every_suite_against_s_server() {
    for (suite, name) in suites() {
        for (server_cert, client) in PAIRS {
            let config = client13(client)
                .tls13_cipher_suites(&[suite])
                .build()
                .unwrap();
            let (summary, out) = against_s_server(
                &config,
                &s_server_args("-tls1_3", server_cert, &["-ciphersuites", name]),
            );
            let what = format!("{name}, {server_cert}, {client}\n{out}");
            assert_eq!(summary.version, ProtocolVersion::TLSv1_3, "{what}");
            assert_eq!(summary.suite, NegotiatedSuite::Tls13(suite), "{what}");
            assert_eq!(summary.suite.name(), name, "{what}");
            assert!(summary.kind.has_client_cert(), "{:?} {what}", summary.kind);
            assert_eq!(
                summary.peer_certificates.first(),
                Some(&leaf_of(&pki(&format!("{server_cert}.pem")))),
                "{what}"
            );
            // s_server's own account: TLS 1.3, the suite, our verified certificate.
            assert!(out.contains("Protocol version: TLSv1.3"), "{what}");
            assert!(out.contains(&format!("Ciphersuite: {name}")), "{what}");
            assert!(
                out.contains(&format!("Peer certificate: CN = test-{client}")),
                "{what}"
            );
            assert!(out.contains("Verification: OK"), "{what}");
        }
    }
}

#[test]
fn rfc8446_b_4_s_client_every_suite_against_our_server() {
    for (suite, name) in suites() {
        for (server_cert, client) in PAIRS {
            let config = server13_with(server_cert).build().unwrap();
            let cert = cert_args(client);
            let mut args = vec!["-tls1_3", "-ciphersuites", name];
            args.extend(cert.iter().map(String::as_str));
            let (s, peer) = s_client_against(config, &args);
            let what = format!("{name}, {server_cert}, {client}\n{}", peer.describe());
            let summary = completed(&s, &peer);
            assert_eq!(summary.version, ProtocolVersion::TLSv1_3, "{what}");
            assert_eq!(summary.suite, NegotiatedSuite::Tls13(suite), "{what}");
            assert!(summary.kind.has_client_cert(), "{:?} {what}", summary.kind);
            assert_eq!(
                s.peer_certificates().first(),
                Some(&leaf_of(&pki(&format!("{client}.pem")))),
                "{what}"
            );
            let out = peer.stdout();
            assert!(
                out.contains(&format!("New, TLSv1.3, Cipher is {name}")),
                "{what}"
            );
            assert!(out.contains("mtls-echo: hello"), "{what}");
            assert!(out.contains("Verify return code: 0 (ok)"), "{what}");
        }
    }
}

/// Our client offers a key share for X25519 only (its first group): s_server limited to
/// another group must answer with a HelloRetryRequest, after which our second ClientHello
/// carries a share of that group (RFC 8446 4.1.4, 4.2.8).
#[test]
fn rfc8446_4_1_4_our_client_each_group_against_s_server() {
    let cases = [
        ("X25519", NamedGroup::X25519, false),
        ("P-256", NamedGroup::Secp256r1, true),
        ("P-384", NamedGroup::Secp384r1, true),
    ];
    for (openssl_name, group, retry) in cases {
        let config = client13("client-ecdsa").build().unwrap();
        let (summary, out) = against_s_server(
            &config,
            &s_server_args("-tls1_3", "server-ecdsa", &["-groups", openssl_name]),
        );
        let what = format!("{openssl_name}\n{out}");
        assert_eq!(summary.group, Some(group), "{what}");
        assert_eq!(summary.kind.is_retry(), retry, "{:?} {what}", summary.kind);
        // s_server saw one ClientHello, or two around its HelloRetryRequest (which has the
        // ServerHello type).
        let hellos = if retry { 2 } else { 1 };
        assert_eq!(msg_count(&out, "<<<", "ClientHello"), hellos, "{what}");
        assert_eq!(msg_count(&out, ">>>", "ServerHello"), hellos, "{what}");
        assert!(out.contains("Verification: OK"), "{what}");
    }
}

/// s_client offers one key share, for the first of its `-groups`: our server takes it
/// without a retry when it supports that group.
#[test]
fn rfc8446_4_2_8_s_client_each_group_against_our_server() {
    let cases = [
        ("X25519", NamedGroup::X25519, "Server Temp Key: X25519"),
        (
            "P-256",
            NamedGroup::Secp256r1,
            "Server Temp Key: ECDH, prime256v1",
        ),
        (
            "P-384",
            NamedGroup::Secp384r1,
            "Server Temp Key: ECDH, secp384r1",
        ),
    ];
    for (openssl_name, group, temp_key) in cases {
        let cert = cert_args("client-rsa");
        let mut args = vec!["-tls1_3", "-groups", openssl_name];
        args.extend(cert.iter().map(String::as_str));
        let (s, peer) = s_client_against(server13().build().unwrap(), &args);
        let what = format!("{openssl_name}\n{}", peer.describe());
        let summary = completed(&s, &peer);
        assert_eq!(summary.group, Some(group), "{what}");
        assert!(!summary.kind.is_retry(), "{:?} {what}", summary.kind);
        assert!(peer.stdout().contains(temp_key), "{what}");
    }
}

/// s_client sends a share for X25519 (its first group) and also supports P-256; our server,
/// limited to P-256, asks again with a HelloRetryRequest (RFC 8446 4.1.4) and s_client's
/// second ClientHello carries a P-256 share.
#[test]
fn rfc8446_4_1_4_our_server_sends_hello_retry_request_to_s_client() {
    let config = server13().groups(&[NamedGroup::Secp256r1]).build().unwrap();
    let cert = cert_args("client-ecdsa");
    let mut args = vec!["-tls1_3", "-groups", "X25519:P-256"];
    args.extend(cert.iter().map(String::as_str));
    let (s, peer) = s_client_against(config, &args);
    let what = peer.describe();
    let summary = completed(&s, &peer);
    assert!(summary.kind.is_retry(), "{:?} {what}", summary.kind);
    assert!(summary.kind.has_client_cert(), "{:?} {what}", summary.kind);
    assert_eq!(summary.group, Some(NamedGroup::Secp256r1), "{what}");
    let out = peer.stdout();
    assert_eq!(msg_count(&out, ">>>", "ClientHello"), 2, "{what}");
    assert_eq!(msg_count(&out, "<<<", "ServerHello"), 2, "{what}");
    assert!(out.contains("Server Temp Key: ECDH, prime256v1"), "{what}");
    assert!(out.contains("mtls-echo: hello"), "{what}");
}

/// A TLS 1.2-only s_client against our server speaking both: TLS 1.2 (RFC 8446 4.2.1: no
/// supported_versions, so the ClientHello's version decides).
#[test]
fn rfc8446_4_2_1_tls12_s_client_gets_tls12_from_our_dual_server() {
    let cert = cert_args("client-rsa");
    let mut args = vec!["-tls1_2"];
    args.extend(cert.iter().map(String::as_str));
    let (s, peer) = s_client_against(server_builder().versions(BOTH).build().unwrap(), &args);
    let summary = completed(&s, &peer);
    assert_eq!(
        summary.version,
        ProtocolVersion::TLSv1_2,
        "{}",
        peer.describe()
    );
    assert!(
        matches!(summary.suite, NegotiatedSuite::Tls12(_)),
        "{:?}",
        summary.suite
    );
    assert!(
        peer.stdout().contains("New, TLSv1.2, Cipher is"),
        "{}",
        peer.describe()
    );
}

/// A TLS 1.3-only s_client against our server speaking both: TLS 1.3.
#[test]
fn rfc8446_4_2_1_tls13_s_client_gets_tls13_from_our_dual_server() {
    let cert = cert_args("client-rsa");
    let mut args = vec!["-tls1_3"];
    args.extend(cert.iter().map(String::as_str));
    let (s, peer) = s_client_against(server_builder().versions(BOTH).build().unwrap(), &args);
    let summary = completed(&s, &peer);
    assert_eq!(
        summary.version,
        ProtocolVersion::TLSv1_3,
        "{}",
        peer.describe()
    );
    assert!(
        peer.stdout().contains("New, TLSv1.3, Cipher is"),
        "{}",
        peer.describe()
    );
}

/// Our client speaking both against a TLS 1.2-only s_server: TLS 1.2, and OpenSSL's
/// ServerHello.random carries no downgrade sentinel our client would refuse (RFC 8446
/// 4.1.3: a server that does not speak TLS 1.3 sets none).
#[test]
fn rfc8446_4_1_3_our_dual_client_gets_tls12_from_tls12_s_server() {
    let config = client_builder("client-ecdsa")
        .versions(BOTH)
        .build()
        .unwrap();
    let (summary, out) = against_s_server(
        &config,
        &s_server_args("-tls1_2", "server-ecdsa", &["-groups", "X25519:P-256"]),
    );
    assert_eq!(summary.version, ProtocolVersion::TLSv1_2, "{out}");
    assert!(summary.extended_master_secret, "{out}");
    assert!(out.contains("Protocol version: TLSv1.2"), "{out}");
}

/// Our client speaking both against a TLS 1.3-only s_server: TLS 1.3.
#[test]
fn rfc8446_4_2_1_our_dual_client_gets_tls13_from_tls13_s_server() {
    let config = client_builder("client-ecdsa")
        .versions(BOTH)
        .build()
        .unwrap();
    let (summary, out) = against_s_server(&config, &s_server_args("-tls1_3", "server-ecdsa", &[]));
    assert_eq!(summary.version, ProtocolVersion::TLSv1_3, "{out}");
    assert!(out.contains("Protocol version: TLSv1.3"), "{out}");
}

/// Our TLS 1.3-only server and a TLS 1.2-only s_client share no version: we answer with
/// protocol_version (RFC 8446 4.2.1, RFC 5246 E.1) and s_client reads it.
#[test]
fn rfc8446_4_2_1_tls13_only_server_refuses_tls12_client_with_protocol_version() {
    let cert = cert_args("client-rsa");
    let mut args = vec!["-tls1_2"];
    args.extend(cert.iter().map(String::as_str));
    let (s, peer) = s_client_against(server13().build().unwrap(), &args);
    let what = format!("{s:?}\n{}", peer.describe());
    let sent = s.tls_error.as_ref().and_then(mtls::Error::alert_sent);
    assert_eq!(sent, Some(AlertDescription::ProtocolVersion), "{what}");
    let out = peer.output();
    assert!(out.contains("alert protocol version"), "{what}");
    assert!(!out.contains("Connection reset"), "{what}");
}

/// An s_client without a certificate against our server that requires one: the handshake
/// ends with certificate_required (RFC 8446 4.4.2.4), which s_client reads and reports,
/// never a reset.
#[test]
fn rfc8446_4_4_2_4_client_without_certificate_reads_certificate_required() {
    let (s, peer) = s_client_against(server13().build().unwrap(), &["-tls1_3"]);
    let what = format!("{s:?}\n{}", peer.describe());
    let sent = s.tls_error.as_ref().and_then(mtls::Error::alert_sent);
    assert_eq!(sent, Some(AlertDescription::CertificateRequired), "{what}");
    assert!(s.received.is_empty(), "{what}");
    let out = peer.output();
    assert!(out.contains("alert certificate required"), "{what}");
    assert_eq!(
        msg_alerts_received(&out),
        vec!["certificate_required".to_string()],
        "{what}"
    );
    assert!(!out.contains("Connection reset"), "{what}");
}

/// A client certificate from a CA our server does not trust: unknown_ca reaches s_client.
#[test]
fn rfc8446_6_2_untrusted_client_certificate_reads_unknown_ca() {
    let (cert, key) = (
        local_pki("client-other-ca.pem"),
        local_pki("client-other-ca.key"),
    );
    let (s, peer) = s_client_against(
        server13().build().unwrap(),
        &["-tls1_3", "-cert", &cert, "-key", &key],
    );
    let what = format!("{s:?}\n{}", peer.describe());
    let sent = s.tls_error.as_ref().and_then(mtls::Error::alert_sent);
    assert_eq!(sent, Some(AlertDescription::UnknownCa), "{what}");
    let out = peer.output();
    assert!(out.contains("alert unknown ca"), "{what}");
    assert_eq!(
        msg_alerts_received(&out),
        vec!["unknown_ca".to_string()],
        "{what}"
    );
}
