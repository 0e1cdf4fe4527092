//! TLS 1.3 resumption without (EC)DHE, psk_ke (RFC 8446 4.2.9), with real OpenSSL
//! (`-allow_no_dhe_kex` makes it offer and accept psk_ke):
//!
//! - `openssl s_client -allow_no_dhe_kex -sess_in` against our server configured with
//!   `tls13_psk_ke(true)`: the resumption runs without a key share (our summary has no
//!   group) and s_client reports it reused; without `-allow_no_dhe_kex` the same server
//!   resumes with (EC)DHE;
//! - our client configured with `tls13_psk_ke(true)` against `openssl s_server
//!   -allow_no_dhe_kex`: it resumes. OpenSSL uses (EC)DHE whenever the client sends a key
//!   share and allows psk_dhe_ke (only `-prefer_no_dhe_kex`, from OpenSSL 3.3, changes
//!   that), and our client always sends both: the resumption is psk_dhe_ke.
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

use crate::openssl_tls13::s_client_against;
use crate::openssl_tls13_resumption::twice_against_s_server;
use crate::peers::tls13::*;
use crate::peers::*;
use mtls::{HandshakeKind, ServerConfig, TicketKey, TicketKeys};

/// Our TLS 1.3 server sealing tickets with `keys`, configured for psk_ke.
fn psk_ke_server(keys: &Arc<TicketKeys>) -> ServerConfig {
    server13()
        .session_cache(None)
        .ticketer(keys.clone())
        .tls13_psk_ke(true)
        .build()
        .unwrap()
}

/// s_client (TLS 1.3, client-rsa) against `config` with `session` (`flag`: -sess_out or
/// -sess_in) and `extra` arguments.
fn s_client(config: ServerConfig, flag: &str, session: &str, extra: &[&str]) -> (Served, Peer) {
    let (cert, key) = (pki("client-rsa.pem"), pki("client-rsa.key"));
    let mut args = vec!["-tls1_3", "-cert", &cert, "-key", &key, flag, session];
    args.extend_from_slice(extra);
    s_client_against(config, &args)
}

/// A full handshake that leaves s_client a session, then a resumption with `extra`: our
/// server's summary and s_client's output.
fn resume_with(extra: &[&str]) -> (mtls::HandshakeSummary, String, String) {
    let keys = Arc::new(TicketKeys::new(
        TicketKey::generate(&mut mtls::OsRng).unwrap(),
        None,
        3600,
    ));
    let session = TempFile::new("s_client13-psk-ke.sess");
    let (first, peer) = s_client(psk_ke_server(&keys), "-sess_out", session.path(), extra);
    let what = format!("{first:?}\n{}", peer.describe());
    assert!(first.error.is_none(), "{what}");
    assert!(
        std::fs::metadata(session.path()).is_ok_and(|m| m.len() > 0),
        "s_client wrote no session\n{what}"
    );
    let (second, peer) = s_client(psk_ke_server(&keys), "-sess_in", session.path(), extra);
    let what = format!("{second:?}\n{}", peer.describe());
    assert!(second.error.is_none(), "{what}");
    assert_eq!(second.received, b"hello\n", "{what}");
    (second.summary.clone().unwrap(), peer.stdout(), what)
}

/// RFC 8446 4.2.9: s_client allowing psk_ke resumes on our psk_ke server without (EC)DHE
/// (the ServerHello it accepted had no key share), with the client identity of the ticket.
#[test]
fn rfc8446_4_2_9_s_client_allow_no_dhe_kex_resumes_with_psk_ke_on_our_server() {
    let (summary, out, what) = resume_with(&["-allow_no_dhe_kex"]);
    assert_eq!(summary.kind, HandshakeKind::Tls13Psk, "{what}");
    assert!(summary.resumed, "{what}");
    assert_eq!(summary.group, None, "psk_ke: no (EC)DHE\n{what}");
    assert_eq!(
        summary.peer_identity.as_ref().map(|p| p.subject()),
        Some("CN=test-client-rsa"),
        "{what}"
    );
    assert!(out.contains("Reused, TLSv1.3, Cipher is"), "{what}");
    assert!(out.contains("mtls-echo: hello"), "{what}");
}

/// RFC 8446 4.2.9: s_client without `-allow_no_dhe_kex` offers psk_dhe_ke only: the same
/// server resumes it with (EC)DHE.
#[test]
fn rfc8446_4_2_9_s_client_without_allow_no_dhe_kex_resumes_with_dhe_on_our_psk_ke_server() {
    let (summary, out, what) = resume_with(&[]);
    assert_eq!(summary.kind, HandshakeKind::Tls13Psk, "{what}");
    assert!(summary.group.is_some(), "{what}");
    assert!(out.contains("Reused, TLSv1.3, Cipher is"), "{what}");
}

/// RFC 8446 4.2.9: our client offering [psk_dhe_ke, psk_ke] resumes against `s_server
/// -allow_no_dhe_kex`, which picks psk_dhe_ke because our ClientHello carries a key share.
#[test]
fn rfc8446_4_2_9_our_psk_ke_client_resumes_against_s_server_allow_no_dhe_kex() {
    let config = client13("client-ecdsa").tls13_psk_ke(true).build().unwrap();
    let (first, second, peer) = twice_against_s_server(&config, &["-allow_no_dhe_kex"]);
    let what = peer.describe();
    assert_eq!(first.kind, HandshakeKind::Tls13ClientCert, "{what}");
    assert_eq!(second.kind, HandshakeKind::Tls13Psk, "{what}");
    assert!(second.resumed, "{what}");
    assert!(second.group.is_some(), "{what}");
    assert_eq!(msg_count(&peer.stdout(), "<<<", "Certificate"), 1, "{what}");
}
