//! TLS 1.3 (RFC 8446) with real GnuTLS 3.7 (`gnutls-serv`, `gnutls-cli`, priority
//! `NORMAL:-VERS-ALL:+VERS-TLS1.3`) through the facade over TCP on 127.0.0.1, client
//! certificates required and verified on both sides:
//!
//! - every TLS 1.3 suite both ways, RSA and ECDSA certificates;
//! - HelloRetryRequest both ways (each side limited to a group the other's first key share
//!   is not for);
//! - post-handshake authentication (RFC 8446 4.6.2) both ways: `gnutls-cli
//!   --post-handshake-auth` answers our server's request, and `gnutls-serv`'s `**REAUTH**`
//!   echo command (which calls `gnutls_reauth`) asks our client, which answers;
//! - KeyUpdate (RFC 8446 4.6.3) both ways: `gnutls-serv`'s `**REHANDSHAKE**` is a KeyUpdate
//!   with update_requested under TLS 1.3 (`gnutls_rehandshake` calls
//!   `gnutls_session_key_update(GNUTLS_KU_PEER)`), gnutls-cli's inline `^rekey^` the same,
//!   and our `send_key_update(true)` to gnutls-serv;
//! - resumption by ticket (RFC 8446 2.2) both ways: `gnutls-cli --resume` against our server
//!   with a ticketer, our client against gnutls-serv (which issues tickets by default);
//! - the key log (RFC 8446 7.1) equal to gnutls-cli's `SSLKEYLOGFILE`.
//!
//! Each test fails (never skips) when its GnuTLS binary is missing, kills its child process
//! on every path, and is bounded by socket timeouts and an overall deadline.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Write;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::openssl_tls13_post_handshake::{Outcome, request_certificate, step_server};
use crate::peers::tls13::*;
use crate::peers::*;
use mtls::suites::{
    TLS13_AES_128_GCM_SHA256, TLS13_AES_256_GCM_SHA384, TLS13_CHACHA20_POLY1305_SHA256,
};
use mtls::{
    HandshakeKind, NamedGroup, NegotiatedSuite, ProtocolVersion, ServerConfig, TicketKey,
    TicketKeys, Tls13Suite,
};

const TLS13_ONLY: &str = "NORMAL:-VERS-ALL:+VERS-TLS1.3";

/// The three TLS 1.3 suites with GnuTLS's cipher names.
fn suites() -> [(Tls13Suite, &'static str); 3] {
    [
        (TLS13_AES_128_GCM_SHA256, "AES-128-GCM"),
        (TLS13_AES_256_GCM_SHA384, "AES-256-GCM"),
        (TLS13_CHACHA20_POLY1305_SHA256, "CHACHA20-POLY1305"),
    ]
}

/// (server certificate, client certificate).
const PAIRS: [(&str, &str); 2] = [
    ("server-ecdsa", "client-rsa"),
    ("server-rsa", "client-ecdsa"),
];

/// `gnutls-serv --echo`, TLS 1.3 with `priority`, `cert` as its certificate, client
/// certificates required and verified against the test CA.
fn gnutls_serv(cert: &str, priority: &str) -> (Peer, u16) {
    gnutls_serv_env(cert, priority, &[])
}

/// [`gnutls_serv`] with environment variables (`SSLKEYLOGFILE`).
fn gnutls_serv_env(cert: &str, priority: &str, env: &[(&str, &str)]) -> (Peer, u16) {
    start_gnutls_serv(
        &[
            "--echo",
            "--x509certfile",
            pki(&format!("{cert}.pem")).as_str(),
            "--x509keyfile",
            pki(&format!("{cert}.key")).as_str(),
            "--x509cafile",
            pki("ca.pem").as_str(),
            "--require-client-cert",
            "--verify-client-cert",
            "--priority",
            priority,
        ],
        env,
    )
}

/// gnutls-cli's arguments: verify our server as localhost, TLS 1.3 with `priority`, `client`
/// as its certificate (none when empty), then `extra`.
fn cli_args(priority: &str, client: &str, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "--x509cafile".into(),
        pki("ca.pem"),
        "--verify-hostname".into(),
        "localhost".into(),
        "--priority".into(),
        priority.into(),
    ];
    if !client.is_empty() {
        args.extend([
            "--x509certfile".into(),
            pki(&format!("{client}.pem")),
            "--x509keyfile".into(),
            pki(&format!("{client}.key")),
        ]);
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

/// gnutls-cli 127.0.0.1 --port `port` with `args`, stdin kept open for the test.
fn spawn_gnutls_cli(port: u16, args: &[String]) -> Peer {
    require("gnutls-cli");
    let mut cmd = Command::new("gnutls-cli");
    cmd.arg("127.0.0.1")
        .args(["--port", &port.to_string()])
        .args(args);
    Peer::spawn(cmd, true)
}

/// Writes `line` and reads gnutls-serv's answer (one line), failing with its output.
fn line_and_answer(tls: &mut OurClient, peer: &Peer, line: &[u8]) -> String {
    tls.write_all(line).unwrap();
    let (got, err) = read_line(tls);
    assert!(err.is_none(), "{err:?}\n{}", peer.describe());
    String::from_utf8_lossy(&got).into_owned()
}

fn expect_output(peer: &mut Peer, needle: &str, deadline: Instant) {
    assert!(
        peer.wait_output(needle, deadline),
        "the peer never printed {needle:?}\n{}",
        peer.describe()
    );
}

#[test]
fn rfc8446_b_4_our_client_every_suite_against_gnutls_serv() {
    for (suite, cipher) in suites() {
        for (server_cert, client) in PAIRS {
            let priority = format!("{TLS13_ONLY}:-CIPHER-ALL:+{cipher}");
            let (mut peer, port) = gnutls_serv(server_cert, &priority);
            let config = client13(client).build().unwrap();
            let mut tls = our_client(&config, port, &mut peer);
            let what = format!("{cipher} {server_cert} {client}");
            let echo = line_and_answer(&mut tls, &peer, b"hello gnutls13\n");
            assert_eq!(echo, "hello gnutls13\n", "{what}\n{}", peer.describe());
            let summary = tls.conn.handshake_summary().unwrap().clone();
            close(tls);
            assert_eq!(summary.version, ProtocolVersion::TLSv1_3, "{what}");
            assert_eq!(summary.suite, NegotiatedSuite::Tls13(suite), "{what}");
            assert_eq!(summary.kind, HandshakeKind::Tls13ClientCert, "{what}");
            assert_eq!(
                summary.peer_certificates.first(),
                Some(&leaf_of(&pki(&format!("{server_cert}.pem")))),
                "{what}"
            );
            let deadline = Instant::now() + Duration::from_secs(5);
            expect_output(&mut peer, &format!("- Cipher: {cipher}"), deadline);
            let out = peer.output();
            assert!(out.contains("- Version: TLS1.3"), "{what}\n{out}");
        }
    }
}

#[test]
fn rfc8446_b_4_gnutls_cli_every_suite_against_our_server() {
    for (suite, cipher) in suites() {
        for (server_cert, client) in PAIRS {
            let deadline = Instant::now() + TEST_TIMEOUT;
            let config = server13_with(server_cert).build().unwrap();
            let server = facade_server(config, 1, deadline);
            let priority = format!("{TLS13_ONLY}:-CIPHER-ALL:+{cipher}");
            let peer = run_gnutls_cli(
                server.port,
                &cli_args(&priority, client, &[]),
                &[],
                b"hello\n",
                deadline,
            );
            let served = server.finish();
            let what = format!("{cipher} {server_cert} {client}\n{}", peer.describe());
            assert_eq!(served.len(), 1, "{served:?}\n{what}");
            let s = &served[0];
            assert!(s.error.is_none(), "{s:?}\n{what}");
            assert_eq!(s.received, b"hello\n", "{what}");
            let summary = s.summary.as_ref().unwrap();
            assert_eq!(summary.version, ProtocolVersion::TLSv1_3, "{what}");
            assert_eq!(summary.suite, NegotiatedSuite::Tls13(suite), "{what}");
            assert_eq!(summary.kind, HandshakeKind::Tls13ClientCert, "{what}");
            assert_eq!(
                s.peer_certificates().first(),
                Some(&leaf_of(&pki(&format!("{client}.pem")))),
                "{what}"
            );
            let out = peer.output();
            assert!(out.contains("(TLS1.3-X.509)"), "{what}");
            assert!(out.contains(&format!("-({cipher})")), "{what}");
            assert!(out.contains("mtls-echo: hello"), "{what}");
        }
    }
}

/// gnutls-serv limited to P-384: our client's X25519 share is refused with a
/// HelloRetryRequest and our second ClientHello carries a P-384 share (RFC 8446 4.1.4).
#[test]
fn rfc8446_4_1_4_gnutls_serv_sends_hello_retry_request_to_our_client() {
    let (mut peer, port) = gnutls_serv(
        "server-ecdsa",
        &format!("{TLS13_ONLY}:-GROUP-ALL:+GROUP-SECP384R1"),
    );
    let config = client13("client-ecdsa").build().unwrap();
    let mut tls = our_client(&config, port, &mut peer);
    let echo = line_and_answer(&mut tls, &peer, b"after retry\n");
    assert_eq!(echo, "after retry\n", "{}", peer.describe());
    let summary = tls.conn.handshake_summary().unwrap().clone();
    close(tls);
    assert_eq!(summary.kind, HandshakeKind::Tls13RetryClientCert);
    assert_eq!(summary.group, Some(NamedGroup::Secp384r1));
}

/// Our server limited to P-384, gnutls-cli's first key shares for other groups: our
/// HelloRetryRequest, and gnutls-cli's second ClientHello carries a P-384 share.
#[test]
fn rfc8446_4_1_4_our_server_sends_hello_retry_request_to_gnutls_cli() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let config = server13().groups(&[NamedGroup::Secp384r1]).build().unwrap();
    let server = facade_server(config, 1, deadline);
    let peer = run_gnutls_cli(
        server.port,
        &cli_args(TLS13_ONLY, "client-ecdsa", &[]),
        &[],
        b"hello\n",
        deadline,
    );
    let served = server.finish();
    let s = &served[0];
    assert!(s.error.is_none(), "{s:?}\n{}", peer.describe());
    let summary = s.summary.as_ref().unwrap();
    assert_eq!(summary.kind, HandshakeKind::Tls13RetryClientCert);
    assert_eq!(summary.group, Some(NamedGroup::Secp384r1));
    let out = peer.output();
    assert!(out.contains("(ECDHE-SECP384R1)"), "{}", peer.describe());
    assert!(out.contains("mtls-echo: hello"), "{}", peer.describe());
}

/// `gnutls-cli --post-handshake-auth` against our server, which asks for no certificate in
/// the handshake and asks after the first line (RFC 8446 4.6.2): gnutls-cli answers with
/// its certificate and our server names the client in its answer.
#[test]
fn rfc8446_4_6_2_post_handshake_auth_with_gnutls_cli() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let (server, port) = step_server(
        server13_post_handshake().build().unwrap(),
        request_certificate,
    );
    let mut peer = spawn_gnutls_cli(
        port,
        &cli_args(TLS13_ONLY, "client-rsa", &["--post-handshake-auth"]),
    );
    expect_output(&mut peer, "- Handshake was completed", deadline);
    send(&mut peer, b"hello\n");
    let _ = peer.wait_output("mtls-echo: CN=test-client-rsa", deadline);
    peer.close_stdin();
    let _ = peer.wait_exit(deadline);
    let out: Outcome = server.join().unwrap();
    let what = format!("{out:?}\n{}", peer.describe());
    out.assert_authenticated_after_the_handshake("CN=test-client-rsa", &what);
    let o = peer.output();
    assert!(o.contains("*** Re-auth was performed."), "{what}");
    assert!(o.contains("mtls-echo: CN=test-client-rsa"), "{what}");
}

/// gnutls-cli without `--post-handshake-auth` does not offer it: our server's request is
/// refused locally and the connection goes on (RFC 8446 4.6.2).
#[test]
fn rfc8446_4_6_2_no_request_to_gnutls_cli_without_post_handshake_auth() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let (server, port) = step_server(
        server13_post_handshake().build().unwrap(),
        request_certificate,
    );
    let mut peer = spawn_gnutls_cli(port, &cli_args(TLS13_ONLY, "client-rsa", &[]));
    expect_output(&mut peer, "- Handshake was completed", deadline);
    send(&mut peer, b"hello\n");
    let _ = peer.wait_output("mtls-echo: nobody", deadline);
    peer.close_stdin();
    let _ = peer.wait_exit(deadline);
    let out: Outcome = server.join().unwrap();
    let what = format!("{out:?}\n{}", peer.describe());
    assert!(
        matches!(out.request, Some(Err(mtls::Error::Unavailable(_)))),
        "{what}"
    );
    assert!(out.error.is_none(), "{what}");
    assert!(peer.output().contains("mtls-echo: nobody"), "{what}");
}

/// gnutls-serv's `**REAUTH**` asks our client for its certificate again after the handshake
/// (`gnutls_reauth`): our client answers on its own, gnutls-serv verifies the answer and
/// reports the command done, and data flows on.
#[test]
fn rfc8446_4_6_2_our_client_answers_gnutls_serv_reauth() {
    let (mut peer, port) = gnutls_serv("server-ecdsa", TLS13_ONLY);
    let config = client13("client-ecdsa").build().unwrap();
    let mut tls = our_client(&config, port, &mut peer);
    assert_eq!(
        line_and_answer(&mut tls, &peer, b"before\n"),
        "before\n",
        "{}",
        peer.describe()
    );
    // gnutls-serv sends the CertificateRequest, waits for our answer, then reports.
    assert_eq!(
        line_and_answer(&mut tls, &peer, b"**REAUTH**\n"),
        "Successfully executed command\n",
        "{}",
        peer.describe()
    );
    assert_eq!(
        line_and_answer(&mut tls, &peer, b"after reauth\n"),
        "after reauth\n",
        "{}",
        peer.describe()
    );
    close(tls);
    let deadline = Instant::now() + Duration::from_secs(5);
    expect_output(&mut peer, "*** Sending re-auth request", deadline);
    let out = peer.output();
    assert!(!out.contains("reauth:"), "{}", peer.describe());
}

/// gnutls-serv's `**REHANDSHAKE**` under TLS 1.3 is a KeyUpdate asking for ours: we read its
/// answer under its new keys, answer with our own KeyUpdate, and it reads our next line
/// under our new keys (RFC 8446 4.6.3).
#[test]
fn rfc8446_4_6_3_key_update_requested_by_gnutls_serv() {
    let (mut peer, port) = gnutls_serv("server-rsa", TLS13_ONLY);
    let config = client13("client-rsa").build().unwrap();
    let mut tls = our_client(&config, port, &mut peer);
    assert_eq!(
        line_and_answer(&mut tls, &peer, b"**REHANDSHAKE**\n"),
        "Successfully executed command\n",
        "{}",
        peer.describe()
    );
    assert_eq!(
        line_and_answer(&mut tls, &peer, b"after their update\n"),
        "after their update\n",
        "{}",
        peer.describe()
    );
    close(tls);
    let deadline = Instant::now() + Duration::from_secs(5);
    expect_output(&mut peer, "*** Sending rehandshake request", deadline);
}

/// Our `send_key_update(true)` to gnutls-serv: it reads our next line under our new keys
/// and echoes it after its own KeyUpdate, under its new keys.
#[test]
fn rfc8446_4_6_3_our_client_key_update_to_gnutls_serv() {
    let (mut peer, port) = gnutls_serv("server-ecdsa", TLS13_ONLY);
    let config = client13("client-ecdsa").build().unwrap();
    let mut tls = our_client(&config, port, &mut peer);
    assert_eq!(line_and_answer(&mut tls, &peer, b"before\n"), "before\n");
    for round in 0..3 {
        tls.conn.send_key_update(round != 1).unwrap();
        let line = format!("after our update {round}\n");
        assert_eq!(
            line_and_answer(&mut tls, &peer, line.as_bytes()),
            line,
            "{}",
            peer.describe()
        );
    }
    close(tls);
}

/// gnutls-cli's inline `^rekey^` (a KeyUpdate asking for ours) against our server: we read
/// its next line under its new keys, and it reads our answer under ours.
#[test]
fn rfc8446_4_6_3_key_update_requested_by_gnutls_cli() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let (server, port) = step_server(server13().build().unwrap(), |tls, _| {
        let got = read_until(tls, b"after-ku\n")?;
        if !got.ends_with(b"after-ku\n") {
            return Err(std::io::Error::other(format!("got {got:?}")));
        }
        Ok(())
    });
    let mut peer = spawn_gnutls_cli(
        port,
        &cli_args(TLS13_ONLY, "client-ecdsa", &["--inline-commands"]),
    );
    expect_output(&mut peer, "- Handshake was completed", deadline);
    send(&mut peer, b"hello\n");
    std::thread::sleep(Duration::from_millis(200));
    send(&mut peer, b"^rekey^\n");
    std::thread::sleep(Duration::from_millis(200));
    send(&mut peer, b"after-ku\n");
    let _ = peer.wait_output("mtls-echo: CN=test-client-ecdsa", deadline);
    peer.close_stdin();
    let _ = peer.wait_exit(deadline);
    let out: Outcome = server.join().unwrap();
    let what = format!("{out:?}\n{}", peer.describe());
    assert!(out.error.is_none(), "{what}");
    let o = peer.output();
    assert!(o.contains("- Rekey was completed"), "{what}");
    assert!(o.contains("mtls-echo: CN=test-client-ecdsa"), "{what}");
}

/// `gnutls-cli --resume` against our server that seals tickets (no session cache): the
/// second connection is a PSK resumption on both ends (gnutls-cli: "This is a resumed
/// session"), and our server knows the client's certificate from the ticket (RFC 8446 2.2).
#[test]
fn rfc8446_2_2_gnutls_cli_resumes_by_ticket_against_our_server() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let keys = Arc::new(TicketKeys::new(
        TicketKey::generate(&mut mtls::OsRng).unwrap(),
        None,
        3600,
    ));
    let config: ServerConfig = server13()
        .session_cache(None)
        .ticketer(keys)
        .build()
        .unwrap();
    let server = facade_server(config, 2, deadline);
    let peer = run_gnutls_cli(
        server.port,
        &cli_args(
            TLS13_ONLY,
            "client-ecdsa",
            &["--resume", "--waitresumption"],
        ),
        &[],
        // Read (and sent) once the resumed connection is up.
        b"hello\n",
        deadline,
    );
    let served = server.finish();
    let what = format!("{served:?}\n{}", peer.describe());
    assert_eq!(served.len(), 2, "{what}");
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
    assert!(served.iter().all(|s| s.error.is_none()), "{what}");
    assert_eq!(served[1].received, b"hello\n", "{what}");
    let resumed = served[1].summary.as_ref().unwrap();
    assert!(resumed.resumed, "{what}");
    assert_eq!(
        resumed
            .peer_identity
            .as_ref()
            .map(|p| p.subject().to_string()),
        Some("CN=test-client-ecdsa".to_string()),
        "{what}"
    );
    let o = peer.output();
    assert!(o.contains("*** This is a resumed session"), "{what}");
    assert!(o.contains("mtls-echo: hello"), "{what}");
    assert!(!o.contains("Fatal error"), "{what}");
}

/// Our client resumes against gnutls-serv, which issues TLS 1.3 tickets by default: the
/// second connection is a PSK resumption (RFC 8446 2.2) and gnutls-serv says so.
#[test]
fn rfc8446_2_2_our_client_resumes_by_ticket_against_gnutls_serv() {
    let (mut peer, port) = gnutls_serv("server-ecdsa", TLS13_ONLY);
    let config = client13("client-rsa").build().unwrap();
    let mut kinds = Vec::new();
    for round in 0..2 {
        let mut tls = our_client(&config, port, &mut peer);
        let line = format!("round {round}\n");
        assert_eq!(
            line_and_answer(&mut tls, &peer, line.as_bytes()),
            line,
            "{}",
            peer.describe()
        );
        kinds.push(tls.conn.handshake_kind());
        assert_eq!(
            tls.conn.is_resumed(),
            Some(round == 1),
            "{}",
            peer.describe()
        );
        close(tls);
    }
    assert_eq!(
        kinds,
        [
            Some(HandshakeKind::Tls13ClientCert),
            Some(HandshakeKind::Tls13Psk)
        ],
        "{}",
        peer.describe()
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    expect_output(&mut peer, "*** This is a resumed session", deadline);
}

/// Our server's TLS 1.3 key log (RFC 8446 7.1) equals gnutls-cli's `SSLKEYLOGFILE`.
#[test]
fn rfc8446_7_1_server_key_log_matches_gnutls_cli() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let ours = Arc::new(MemoryKeyLog::default());
    let server = facade_server(
        server13().key_log(ours.clone()).build().unwrap(),
        1,
        deadline,
    );
    let theirs = TempFile::new("gnutls13.keylog");
    let peer = run_gnutls_cli(
        server.port,
        &cli_args(TLS13_ONLY, "client-rsa", &[]),
        &[("SSLKEYLOGFILE", theirs.path())],
        b"hello\n",
        deadline,
    );
    let served = server.finish();
    assert!(served[0].error.is_none(), "{served:?}\n{}", peer.describe());
    let ours = ours.tls13_lines();
    assert_eq!(ours.len(), 5, "{ours:#?}");
    assert_eq!(theirs.tls13_key_log_lines(), ours, "{}", peer.describe());
}

/// Our client's TLS 1.3 key log equals gnutls-serv's `SSLKEYLOGFILE`.
#[test]
fn rfc8446_7_1_client_key_log_matches_gnutls_serv() {
    let theirs = TempFile::new("gnutls-serv13.keylog");
    let (mut peer, port) = gnutls_serv_env(
        "server-ecdsa",
        TLS13_ONLY,
        &[("SSLKEYLOGFILE", theirs.path())],
    );
    let ours = Arc::new(MemoryKeyLog::default());
    let config = client13("client-ecdsa")
        .key_log(ours.clone())
        .build()
        .unwrap();
    let mut tls = our_client(&config, port, &mut peer);
    assert_eq!(line_and_answer(&mut tls, &peer, b"keylog\n"), "keylog\n");
    close(tls);
    let ours = ours.tls13_lines();
    assert_eq!(ours.len(), 5, "{ours:#?}");
    // gnutls-serv writes each secret as it derives it: all five are there once it echoed.
    assert_eq!(theirs.tls13_key_log_lines(), ours, "{}", peer.describe());
}
