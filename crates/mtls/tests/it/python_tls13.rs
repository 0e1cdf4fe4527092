//! TLS 1.3 (RFC 8446) with Python's `ssl` module (OpenSSL 3.0 underneath), both ways,
//! through the facade over TCP on 127.0.0.1, certificates verified on both sides: a plain
//! mutual TLS 1.3 handshake each way, and post-handshake client authentication (RFC 8446
//! 4.6.2) each way: a Python client with `post_handshake_auth = True` answers our server's
//! `request_client_certificate()`, and our client answers a Python server's
//! `verify_client_post_handshake()` on its own. Also: a Python client resuming by ticket
//! against our server (RFC 8446 2.2), and its key log against ours (RFC 8446 7.1).
//!
//! The peers are tests/it/peers/py_server13.py and py_client13.py, run by `python3` (missing
//! `python3` fails the test); every child is killed on drop, every wait bounded.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Write;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::openssl_tls13_post_handshake::{Outcome, request_certificate, step_server};
use crate::peers::tls13::*;
use crate::peers::*;
use std::sync::Arc;

use mtls::{HandshakeKind, ProtocolVersion, TicketKey, TicketKeys};

/// `py_server13.py` in `mode` with the ECDSA server certificate, once it listens; its port.
fn python_server(mode: &str) -> (Peer, u16) {
    require("python3");
    let mut cmd = Command::new("python3");
    cmd.arg(peer_script("py_server13.py"))
        .arg(pki("server-ecdsa.pem"))
        .arg(pki("server-ecdsa.key"))
        .arg(pki("ca.pem"))
        .arg(mode);
    let mut peer = Peer::spawn(cmd, false);
    assert!(
        peer.wait_output("PORT ", Instant::now() + Duration::from_secs(10)),
        "the Python server did not start\n{}",
        peer.describe()
    );
    let port = peer
        .stdout()
        .lines()
        .find_map(|l| l.strip_prefix("PORT "))
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| panic!("no port from the Python server\n{}", peer.describe()));
    (peer, port)
}

/// `py_client13.py` in `mode` against 127.0.0.1:`port`, presenting `client`, run to its end.
fn python_client(port: u16, client: &str, mode: &str, deadline: Instant) -> Peer {
    python_client_env(port, client, mode, &[], deadline)
}

/// [`python_client`] with environment variables (`PY_KEYLOG`).
fn python_client_env(
    port: u16,
    client: &str,
    mode: &str,
    env: &[(&str, &str)],
    deadline: Instant,
) -> Peer {
    require("python3");
    let mut cmd = Command::new("python3");
    cmd.arg(peer_script("py_client13.py"))
        .arg(port.to_string())
        .arg(pki(&format!("{client}.pem")))
        .arg(pki(&format!("{client}.key")))
        .arg(pki("ca.pem"))
        .arg(mode)
        .envs(env.iter().copied());
    let mut peer = Peer::spawn(cmd, false);
    assert!(
        peer.wait_exit(deadline).is_some(),
        "the Python client did not exit\n{}",
        peer.describe()
    );
    peer
}

/// Writes `line` and reads the Python server's answer line.
fn line_and_answer(tls: &mut OurClient, peer: &Peer, line: &[u8]) -> String {
    tls.write_all(line).unwrap();
    let (got, err) = read_line(tls);
    assert!(err.is_none(), "{err:?}\n{}", peer.describe());
    String::from_utf8_lossy(&got).into_owned()
}

#[test]
fn rfc8446_b_4_our_client_to_python_server() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let (mut peer, port) = python_server("plain");
    let config = client13("client-rsa").build().unwrap();
    let mut tls = our_client(&config, port, &mut peer);
    assert_eq!(
        line_and_answer(&mut tls, &peer, b"hello from mtls\n"),
        "py-echo: hello from mtls\n",
        "{}",
        peer.describe()
    );
    let summary = tls.conn.handshake_summary().unwrap().clone();
    close(tls);
    assert_eq!(summary.version, ProtocolVersion::TLSv1_3);
    assert_eq!(summary.kind, HandshakeKind::Tls13ClientCert);
    assert_eq!(
        summary.peer_certificates.first(),
        Some(&leaf_of(&pki("server-ecdsa.pem")))
    );
    assert!(peer.wait_exit(deadline).is_some(), "{}", peer.describe());
    let out = peer.stdout();
    let what = peer.describe();
    assert!(out.contains("VERSION TLSv1.3"), "{what}");
    assert!(out.contains("BEFORE CN=test-client-rsa"), "{what}");
    assert!(out.contains("RECEIVED hello from mtls"), "{what}");
    assert!(out.contains("DONE"), "{what}");
}

#[test]
fn rfc8446_b_4_python_client_to_our_server() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let server = facade_server(server13().build().unwrap(), 1, deadline);
    let peer = python_client(server.port, "client-ecdsa", "plain", deadline);
    let served = server.finish();
    let what = format!("{served:?}\n{}", peer.describe());
    assert_eq!(served.len(), 1, "{what}");
    let s = &served[0];
    assert!(s.error.is_none(), "{what}");
    assert_eq!(s.received, b"hello from python\n", "{what}");
    let summary = s.summary.as_ref().unwrap();
    assert_eq!(summary.version, ProtocolVersion::TLSv1_3, "{what}");
    assert_eq!(summary.kind, HandshakeKind::Tls13ClientCert, "{what}");
    assert_eq!(
        s.peer_certificates().first(),
        Some(&leaf_of(&pki("client-ecdsa.pem"))),
        "{what}"
    );
    let out = peer.stdout();
    assert!(out.contains("VERSION TLSv1.3"), "{what}");
    assert!(
        out.contains("SUBJECT ((('commonName', 'localhost'),),)"),
        "{what}"
    );
    assert!(out.contains("ECHO mtls-echo: hello from python"), "{what}");
}

/// A Python client with `post_handshake_auth = True` against our server, which asks for no
/// certificate in the handshake and calls `request_client_certificate()` after the first
/// line: Python's OpenSSL answers while it reads, and our server names the client.
#[test]
fn rfc8446_4_6_2_python_client_answers_our_post_handshake_request() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let (server, port) = step_server(
        server13_post_handshake().build().unwrap(),
        request_certificate,
    );
    let peer = python_client(port, "client-rsa", "pha", deadline);
    let out: Outcome = server.join().unwrap();
    let what = format!("{out:?}\n{}", peer.describe());
    out.assert_authenticated_after_the_handshake("CN=test-client-rsa", &what);
    let o = peer.stdout();
    assert!(o.contains("VERSION TLSv1.3"), "{what}");
    assert!(o.contains("ECHO mtls-echo: CN=test-client-rsa"), "{what}");
}

/// Python's client without `post_handshake_auth` offers no post_handshake_auth extension:
/// our server's request is refused locally and the connection goes on (RFC 8446 4.6.2).
#[test]
fn rfc8446_4_6_2_no_request_to_python_client_without_post_handshake_auth() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let (server, port) = step_server(
        server13_post_handshake().build().unwrap(),
        request_certificate,
    );
    let peer = python_client(port, "client-rsa", "plain", deadline);
    let out: Outcome = server.join().unwrap();
    let what = format!("{out:?}\n{}", peer.describe());
    assert!(
        matches!(out.request, Some(Err(mtls::Error::Unavailable(_)))),
        "{what}"
    );
    assert!(out.error.is_none(), "{what}");
    assert!(peer.stdout().contains("ECHO mtls-echo: nobody"), "{what}");
}

/// A Python server with `post_handshake_auth` asks for no certificate in the handshake, and
/// calls `verify_client_post_handshake()` after our first line: our client answers the
/// CertificateRequest on its own, and the Python server names us on the next line.
#[test]
fn rfc8446_4_6_2_our_client_answers_python_verify_client_post_handshake() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let (mut peer, port) = python_server("pha");
    let config = client13("client-ecdsa").build().unwrap();
    let mut tls = our_client(&config, port, &mut peer);
    assert_eq!(
        line_and_answer(&mut tls, &peer, b"first\n"),
        "py-echo: first\n",
        "{}",
        peer.describe()
    );
    // Reading the echo processed the CertificateRequest sent before it, and answered it.
    assert_eq!(
        line_and_answer(&mut tls, &peer, b"second\n"),
        "py-who: CN=test-client-ecdsa\n",
        "{}",
        peer.describe()
    );
    assert_eq!(tls.conn.protocol_version(), Some(ProtocolVersion::TLSv1_3));
    close(tls);
    assert!(peer.wait_exit(deadline).is_some(), "{}", peer.describe());
    let out = peer.stdout();
    let what = peer.describe();
    assert!(out.contains("VERSION TLSv1.3"), "{what}");
    assert!(out.contains("BEFORE nobody"), "{what}");
    assert!(out.contains("AFTER CN=test-client-ecdsa"), "{what}");
    assert!(out.contains("DONE"), "{what}");
}

/// A Python client offers the session of its first connection on the second
/// (`wrap_socket(session=...)`): our server, which seals tickets and keeps no cache,
/// resumes it, and knows the client from the ticket (RFC 8446 2.2).
#[test]
fn rfc8446_2_2_python_client_resumes_by_ticket_against_our_server() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let keys = Arc::new(TicketKeys::new(
        TicketKey::generate(&mut mtls::OsRng).unwrap(),
        None,
        3600,
    ));
    let config = server13()
        .session_cache(None)
        .ticketer(keys)
        .build()
        .unwrap();
    let server = facade_server(config, 2, deadline);
    let peer = python_client(server.port, "client-ecdsa", "resume", deadline);
    let served = server.finish();
    let what = format!("{served:?}\n{}", peer.describe());
    assert_eq!(served.len(), 2, "{what}");
    assert!(served.iter().all(|s| s.error.is_none()), "{what}");
    let kinds: Vec<_> = served
        .iter()
        .map(|s| s.summary.as_ref().map(|x| x.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            Some(HandshakeKind::Tls13ClientCert),
            Some(HandshakeKind::Tls13Psk)
        ],
        "{what}"
    );
    let resumed = served[1].summary.as_ref().unwrap();
    assert_eq!(
        resumed
            .peer_identity
            .as_ref()
            .map(|p| p.subject().to_string()),
        Some("CN=test-client-ecdsa".to_string()),
        "{what}"
    );
    let out = peer.stdout();
    let reused: Vec<&str> = out.lines().filter(|l| l.starts_with("REUSED")).collect();
    assert_eq!(reused, ["REUSED False", "REUSED True"], "{what}");
    assert_eq!(
        out.matches("ECHO mtls-echo: hello from python").count(),
        2,
        "{what}"
    );
}

/// Our server's five TLS 1.3 key log lines equal Python's `keylog_filename` (RFC 8446 7.1).
#[test]
fn rfc8446_7_1_server_key_log_matches_python_client() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let ours = Arc::new(MemoryKeyLog::default());
    let server = facade_server(
        server13().key_log(ours.clone()).build().unwrap(),
        1,
        deadline,
    );
    let theirs = TempFile::new("python13.keylog");
    let peer = python_client_env(
        server.port,
        "client-rsa",
        "plain",
        &[("PY_KEYLOG", theirs.path())],
        deadline,
    );
    let served = server.finish();
    assert!(served[0].error.is_none(), "{served:?}\n{}", peer.describe());
    let ours = ours.tls13_lines();
    assert_eq!(ours.len(), 5, "{ours:#?}");
    assert_eq!(theirs.tls13_key_log_lines(), ours, "{}", peer.describe());
}
