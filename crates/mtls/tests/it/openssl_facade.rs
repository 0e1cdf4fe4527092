//! Interop with real OpenSSL (`openssl s_server` / `s_client`, TLS 1.2, mutual TLS) through
//! the facade (`ClientConfig` / `ServerConfig` builders, `StreamOwned` over TCP on
//! 127.0.0.1, webpki verification): ALPN both ways, session-id resumption by our client, and
//! the key log compared with OpenSSL's.
//!
//! Each test fails (never skips) when `openssl` is missing, kills its child process on every
//! path, and is bounded by socket timeouts and an overall deadline.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;
use std::time::Instant;

use crate::peers::*;
use mtls::{ClientConfig, HandshakeKind, HandshakeSummary};

/// `s_server` arguments: the ECDSA server certificate, client certificates required from the
/// test CA, then `extra`.
fn s_server_args(extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "-cert".into(),
        pki("server-ecdsa.pem"),
        "-key".into(),
        pki("server-ecdsa.key"),
        "-CAfile".into(),
        pki("ca.pem"),
        "-Verify".into(),
        "1".into(),
        "-verify_return_error".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

/// One connection of our client to `s_server -rev`: handshake, one line, the reversed echo,
/// close_notify. Returns the connection's facts.
fn one_exchange(
    config: &ClientConfig,
    port: u16,
    peer: &mut Peer,
) -> (Option<Vec<u8>>, Option<bool>, mtls::HandshakeSummary) {
    // `-rev` answers each line reversed.
    let summary = exchange_line(
        config,
        port,
        peer,
        "s_server",
        b"hello mtls\n",
        b"sltm olleh\n",
    );
    (summary.alpn.clone(), Some(summary.resumed), summary)
}

/// `s_server -alpn h2,http/1.1` and our client offering only `http/1.1`: the server picks
/// the one they share.
#[test]
fn client_alpn_against_s_server() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let (mut peer, port) =
        start_s_server(&s_server_args(&["-naccept", "1", "-alpn", "h2,http/1.1"]));
    let config = client_builder("client-rsa")
        .alpn_protocols(&[b"http/1.1"])
        .build()
        .unwrap();
    let (alpn, _, _) = one_exchange(&config, port, &mut peer);
    assert_eq!(
        alpn.as_deref(),
        Some(&b"http/1.1"[..]),
        "{}",
        peer.describe()
    );
    assert!(
        peer.wait_exit(deadline).is_some(),
        "s_server did not exit\n{}",
        peer.describe()
    );
    let out = peer.output();
    assert!(
        out.contains("ALPN protocols advertised by the client: http/1.1"),
        "{}",
        peer.describe()
    );
}

/// `s_client -alpn h2` against our server configured with `h2` and `http/1.1`.
#[test]
fn s_client_alpn_to_our_server() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let config = server_builder()
        .alpn_protocols(&[b"h2", b"http/1.1"])
        .build()
        .unwrap();
    let server = facade_server(config, 1, deadline);
    let (ca, cert, key) = (pki("ca.pem"), pki("client-rsa.pem"), pki("client-rsa.key"));
    let peer = run_s_client(
        server.port,
        &[
            "-CAfile",
            &ca,
            "-verify_return_error",
            "-verify_hostname",
            "localhost",
            "-cert",
            &cert,
            "-key",
            &key,
            "-alpn",
            "h2",
        ],
        b"hello\n",
        deadline,
    );
    let served = server.finish();
    assert_eq!(served.len(), 1, "{served:?}\n{}", peer.describe());
    let s = &served[0];
    assert!(
        s.error.is_none(),
        "our server: {:?}\n{}",
        s.error,
        peer.describe()
    );
    assert_eq!(s.received, b"hello\n");
    let summary = s.summary.as_ref().unwrap();
    assert_eq!(summary.alpn.as_deref(), Some(&b"h2"[..]));
    assert_eq!(
        s.peer_certificates().first(),
        Some(&leaf_of(&pki("client-rsa.pem")))
    );
    let out = peer.stdout();
    assert!(out.contains("ALPN protocol: h2"), "{}", peer.describe());
    assert!(out.contains("mtls-echo: hello"), "{}", peer.describe());
    assert!(
        out.contains("Verify return code: 0 (ok)"),
        "{}",
        peer.describe()
    );
}

/// Two connections of our client (one `ClientConfig`, whose session store keeps the first
/// session) to an `s_server` started with `flags` and `-naccept 2`: the first full, the
/// second resumed; s_server's output once it has exited.
fn connect_twice(flags: &[&str]) -> (HandshakeSummary, HandshakeSummary, String) {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let mut args = vec!["-naccept", "2"];
    args.extend_from_slice(flags);
    let (mut peer, port) = start_s_server(&s_server_args(&args));
    let config = client_builder("client-ecdsa").build().unwrap();
    let (_, first_resumed, first) = one_exchange(&config, port, &mut peer);
    assert_eq!(first_resumed, Some(false), "{}", peer.describe());
    let (_, second_resumed, second) = one_exchange(&config, port, &mut peer);
    assert_eq!(
        second_resumed,
        Some(true),
        "the second connection was not resumed\n{}",
        peer.describe()
    );
    assert_eq!(second.suite, first.suite);
    assert!(
        peer.wait_exit(deadline).is_some(),
        "s_server did not exit after two connections\n{}",
        peer.describe()
    );
    let out = peer.output();
    assert_eq!(
        out.matches("CONNECTION ESTABLISHED").count(),
        2,
        "{}",
        peer.describe()
    );
    (first, second, out)
}

/// Our client resumes against `s_server -no_ticket` (session-id resumption).
#[test]
fn client_resumes_against_s_server_by_session_id() {
    let (first, second, out) = connect_twice(&["-no_ticket"]);
    assert_eq!(first.kind, HandshakeKind::FullEcdheClientCert);
    assert_eq!(second.kind, HandshakeKind::Resumed);
    assert_eq!(second.session_id, first.session_id);
    assert!(second.extended_master_secret);
    // s_server's statistics at exit: the second connection hit its session cache.
    assert!(out.contains("1 session cache hits"), "{out}");
}

/// Our client resumes by session ticket (RFC 5077) against `s_server -no_cache`, which keeps
/// no session state: the ticket it issued on the first connection is the only way back.
#[test]
fn rfc5077_client_resumes_against_s_server_by_ticket() {
    let (first, second, _) = connect_twice(&["-no_cache"]);
    assert_eq!(first.kind, HandshakeKind::FullEcdheClientCertTicket);
    assert!(second.kind.is_resumption(), "{:?}", second.kind);
    // RFC 5077 3.4: the server echoed the session id we chose to go with the ticket.
    assert_eq!(second.session_id.len(), 32);
}

/// The master secret our client logs (`ClientConfig::key_log`) is the one OpenSSL logs
/// (`-keylogfile`): same client random, same (extended) master secret.
#[test]
fn client_key_log_matches_s_server() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let theirs = TempFile::new("s_server.keylog");
    let (mut peer, port) = start_s_server(&s_server_args(&[
        "-naccept",
        "1",
        "-keylogfile",
        theirs.path(),
    ]));
    let ours = Arc::new(MemoryKeyLog::default());
    let config = client_builder("client-rsa")
        .key_log(ours.clone())
        .build()
        .unwrap();
    let (_, _, summary) = one_exchange(&config, port, &mut peer);
    assert!(summary.extended_master_secret);
    assert!(
        peer.wait_exit(deadline).is_some(),
        "s_server did not exit\n{}",
        peer.describe()
    );

    let ours = ours.lines();
    let theirs = theirs.client_random_lines();
    assert_eq!(ours.len(), 1, "one CLIENT_RANDOM line from us: {ours:?}");
    let fields: Vec<&str> = ours[0].split(' ').collect();
    assert_eq!(fields.len(), 3, "{}", ours[0]);
    assert_eq!(fields[1].len(), 64, "{}", ours[0]);
    assert_eq!(fields[2].len(), 96, "{}", ours[0]);
    assert_eq!(
        theirs,
        ours,
        "OpenSSL's key log differs from ours\n{}",
        peer.describe()
    );
}
