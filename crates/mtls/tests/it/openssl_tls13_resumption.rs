//! TLS 1.3 resumption by ticket (RFC 8446 2.2, 4.6.1) with real OpenSSL (issue 18):
//!
//! - `openssl s_client -tls1_3 -sess_out FILE` against one of our servers, then
//!   `-sess_in FILE` against another of our servers (another port, another
//!   `ServerConnection` config) sharing the same ticket keys: the second connection resumes
//!   there ("Reused, TLSv1.3"), and that server knows the client's certificate from the
//!   ticket alone; a server with other keys refuses the ticket and runs a full handshake;
//! - our client against `openssl s_server -tls1_3` (which sends tickets by default): the
//!   second connection resumes.
//!
//! Each test fails (never skips) when `openssl` is missing, kills its child on every path,
//! and is bounded by socket timeouts and a deadline.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;
use std::time::Instant;

use crate::openssl_tls13::s_client_against;
use crate::peers::tls13::*;
use crate::peers::*;
use mtls::{HandshakeKind, ProtocolVersion, ServerConfig, TicketKey, TicketKeys};

fn ticket_keys() -> Arc<TicketKeys> {
    Arc::new(TicketKeys::new(
        TicketKey::generate(&mut mtls::OsRng).unwrap(),
        None,
        3600,
    ))
}

/// Our TLS 1.3 server sealing tickets with `keys`, no session cache, client certificates
/// required.
fn stateless_server(keys: &Arc<TicketKeys>) -> ServerConfig {
    server13()
        .session_cache(None)
        .ticketer(keys.clone())
        .build()
        .unwrap()
}

/// s_client (TLS 1.3, the client-rsa certificate) against `config`, with `session` as
/// `-sess_out` or `-sess_in` (`flag`); what our server saw and s_client's output.
fn s_client_with_session(config: ServerConfig, flag: &str, session: &str) -> (Served, Peer) {
    let (cert, key) = (pki("client-rsa.pem"), pki("client-rsa.key"));
    s_client_against(
        config,
        &["-tls1_3", "-cert", &cert, "-key", &key, flag, session],
    )
}

#[test]
fn rfc8446_2_2_s_client_resumes_on_another_server_sharing_ticket_keys() {
    let keys = ticket_keys();
    let session = TempFile::new("s_client13.sess");
    let (first, peer) = s_client_with_session(stateless_server(&keys), "-sess_out", session.path());
    let what = format!("{first:?}\n{}", peer.describe());
    assert!(first.error.is_none(), "{what}");
    let summary = first.summary.as_ref().unwrap();
    assert_eq!(summary.kind, HandshakeKind::Tls13ClientCert, "{what}");
    assert!(peer.stdout().contains("New, TLSv1.3, Cipher is"), "{what}");
    assert!(
        std::fs::metadata(session.path()).is_ok_and(|m| m.len() > 0),
        "s_client wrote no session (no ticket reached it)\n{what}"
    );

    // Another server (its own config, listener and replay guard), the same keys.
    let (second, peer) = s_client_with_session(stateless_server(&keys), "-sess_in", session.path());
    let what = format!("{second:?}\n{}", peer.describe());
    assert!(second.error.is_none(), "{what}");
    assert_eq!(second.received, b"hello\n", "{what}");
    let summary = second.summary.as_ref().unwrap();
    assert_eq!(summary.version, ProtocolVersion::TLSv1_3, "{what}");
    assert_eq!(summary.kind, HandshakeKind::Tls13Psk, "{what}");
    assert!(summary.resumed, "{what}");
    assert_eq!(
        summary
            .peer_identity
            .as_ref()
            .map(|p| p.subject().to_string()),
        Some("CN=test-client-rsa".to_string()),
        "the resumed server knows the client from the ticket\n{what}"
    );
    let out = peer.stdout();
    assert!(out.contains("Reused, TLSv1.3, Cipher is"), "{what}");
    assert!(out.contains("mtls-echo: hello"), "{what}");
    // A resumption sends no Certificate either way (RFC 8446 2.2).
    assert_eq!(msg_count(&out, "<<<", "Certificate"), 0, "{what}");
    assert_eq!(msg_count(&out, ">>>", "Certificate"), 0, "{what}");
}

/// The same ticket offered to a server with other keys cannot be opened: a full handshake
/// with the client's certificate, "New" for s_client.
#[test]
fn rfc8446_4_6_1_a_server_with_other_keys_runs_a_full_handshake() {
    let session = TempFile::new("s_client13-other.sess");
    let (first, peer) = s_client_with_session(
        stateless_server(&ticket_keys()),
        "-sess_out",
        session.path(),
    );
    assert!(first.error.is_none(), "{first:?}\n{}", peer.describe());
    let (second, peer) =
        s_client_with_session(stateless_server(&ticket_keys()), "-sess_in", session.path());
    let what = format!("{second:?}\n{}", peer.describe());
    assert!(second.error.is_none(), "{what}");
    let summary = second.summary.as_ref().unwrap();
    assert_eq!(summary.kind, HandshakeKind::Tls13ClientCert, "{what}");
    assert!(!summary.resumed, "{what}");
    assert!(peer.stdout().contains("New, TLSv1.3, Cipher is"), "{what}");
}

/// Our client with `config` connects twice to `s_server -tls1_3 -rev` (tickets by default,
/// client certificates required) with `extra`, writing a line each time: the two handshakes,
/// and s_server once it has exited.
pub(crate) fn twice_against_s_server(
    config: &mtls::ClientConfig,
    extra: &[&str],
) -> (mtls::HandshakeSummary, mtls::HandshakeSummary, Peer) {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let mut args = vec!["-rev"];
    args.extend_from_slice(extra);
    let (mut peer, port) = s_server13("server-ecdsa", "2", &args, false);
    let first = exchange_line(config, port, &mut peer, "s_server", b"one\n", b"eno\n");
    let second = exchange_line(config, port, &mut peer, "s_server", b"two\n", b"owt\n");
    assert!(
        peer.wait_exit(deadline).is_some(),
        "s_server did not exit\n{}",
        peer.describe()
    );
    (first, second, peer)
}

/// Our client against `s_server -tls1_3` (tickets by default, client certificates
/// required): the second connection resumes with a ticket of the first.
#[test]
fn rfc8446_2_2_our_client_resumes_against_s_server() {
    let config = client13("client-ecdsa").build().unwrap();
    let (first, second, peer) = twice_against_s_server(&config, &[]);
    let what = peer.describe();
    assert_eq!(first.kind, HandshakeKind::Tls13ClientCert, "{what}");
    assert!(!first.resumed, "{what}");
    assert_eq!(second.kind, HandshakeKind::Tls13Psk, "{what}");
    assert!(second.resumed, "{what}");
    assert_eq!(second.version, ProtocolVersion::TLSv1_3, "{what}");
    let out = peer.stdout();
    // Two NewSessionTickets after the full handshake (OpenSSL's default), then the resumed
    // handshake without certificates: one Certificate from us in all.
    assert_eq!(msg_count(&out, "<<<", "Certificate"), 1, "{what}");
    assert!(msg_count(&out, ">>>", "NewSessionTicket") >= 2, "{what}");
}
