//! `mtls server` and `mtls client` against clients and servers that misbehave or are old:
//!
//! - refused clients that send their flight record by record read the alert, not a reset
//!   (RFC 5246 7.2.2; the server closes lingering, see `mtls::linger_close`);
//! - a client that trickles its hello cannot hold a connection past `--handshake-timeout`;
//! - `--ems required|optional` on both sides, against OpenSSL with extended master secret
//!   turned off (`Options = -ExtendedMasterSecret` in an OpenSSL config file).
//!
//! Everything runs on 127.0.0.1; each child process is killed by its PID on drop, and every
//! wait and loop is bounded.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::support::*;
use mtls::pki::RootStore;
use mtls::{AlertDescription, ClientConfig, ClientConnection};
use mtls_testkit::split_flight;

/// Split-flight clients per test: each must read the alert.
const TRIES: usize = 20;

/// The port of `127.0.0.1:PORT`.
fn port_of(addr: &str) -> u16 {
    addr.rsplit_once(':').unwrap().1.parse().unwrap()
}

/// `mtls server` with `pki`'s server certificate, requiring client certificates from its CA.
fn server_requiring_client_certs(pki: &TempDir, extra: &[&str]) -> (Peer, String) {
    let mut args = vec![
        "--cert".to_string(),
        pki.file("server.pem"),
        "--key".into(),
        pki.file("server.key"),
        "--client-ca".into(),
        pki.file("ca.pem"),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    mtls_server(&args)
}

/// `TRIES` split-flight clients of `client` against `mtls server`; asserts that each read
/// the fatal `alert` and that the server logged each refusal.
fn split_flight_clients_read(pki: &TempDir, client: &ClientConfig, alert: AlertDescription) {
    let (server, addr) = server_requiring_client_certs(pki, &[]);
    let port = port_of(&addr);
    let results: Vec<_> = (0..TRIES)
        .map(|_| split_flight::refused_alert(port, client))
        .collect();
    let wanted = (2u8, alert.to_u8());
    let failures: Vec<_> = results.iter().filter(|r| **r != Ok(wanted)).collect();
    assert!(
        failures.is_empty(),
        "{} of {TRIES} clients did not read the fatal alert {alert:?}: {failures:#?}\n\
         mtls server:\n{}",
        failures.len(),
        server.stderr()
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while server.stderr().matches("handshake failed").count() < TRIES {
        assert!(std::time::Instant::now() < deadline, "{}", server.stderr());
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn roots(pki: &TempDir) -> RootStore {
    RootStore::load(pki.file("ca.pem")).unwrap()
}

/// A client certificate from another CA (a second `mtls certs`): every split-flight client
/// reads unknown_ca from `mtls server`, never a reset.
#[test]
fn rfc5246_7_2_2_refused_client_reads_unknown_ca_not_a_reset() {
    let pki = certs("flight-ca", "ecdsa");
    let other = certs("flight-other", "ecdsa");
    let client = ClientConfig::with_roots(roots(&pki))
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .client_certificate_files(other.file("client.pem"), other.file("client.key"))
        .build()
        .unwrap();
    split_flight_clients_read(&pki, &client, AlertDescription::UnknownCa);
}

/// No client certificate: every split-flight client reads handshake_failure from
/// `mtls server`, never a reset.
#[test]
fn rfc5246_7_2_2_client_without_certificate_reads_handshake_failure_not_a_reset() {
    let pki = certs("flight-none", "ecdsa");
    let client = ClientConfig::with_roots(roots(&pki))
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .build()
        .unwrap();
    split_flight_clients_read(&pki, &client, AlertDescription::HandshakeFailure);
}

/// A client that sends its ClientHello one byte every 300 ms (each byte would reset a
/// per-read timeout) is closed by `mtls server --handshake-timeout 1` long before its 200th
/// byte (at 1 byte / 300 ms that would take a minute).
#[test]
fn handshake_deadline_closes_a_client_that_trickles_its_hello() {
    const BYTES: usize = 200;
    let pki = certs("trickle", "ecdsa");
    let (server, addr) = server_requiring_client_certs(&pki, &["--handshake-timeout", "1"]);

    // A long ALPN name makes the hello longer than BYTES (the server ignores ALPN).
    let padding = [b'x'; 100];
    let config = ClientConfig::with_roots(roots(&pki))
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .alpn_protocols(&[b"http/1.1", &padding])
        .build()
        .unwrap();
    let mut conn = ClientConnection::new(&config, "localhost").unwrap();
    let mut hello = Vec::new();
    conn.write_tls(&mut hello).unwrap();
    assert!(
        hello.len() >= BYTES,
        "a ClientHello of {} bytes",
        hello.len()
    );
    hello.truncate(BYTES);

    let mut sock = TcpStream::connect(&addr).unwrap();
    sock.set_nodelay(true).unwrap();
    // The read timeout paces the bytes: one write, then up to 300 ms of listening.
    sock.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    sock.set_write_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = [0u8; 64];
    let mut closed = None;
    for (i, byte) in hello.iter().enumerate() {
        if let Err(e) = sock.write_all(&[*byte]) {
            closed = Some((i, format!("write: {e}")));
            break;
        }
        match sock.read(&mut buf) {
            Ok(0) => {
                closed = Some((i + 1, "end of stream".to_string()));
                break;
            }
            Ok(n) => panic!(
                "the server answered {n} bytes to a partial hello: {:02x?}",
                &buf[..n]
            ),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) => {
                closed = Some((i + 1, format!("read: {e}")));
                break;
            }
        }
    }
    let Some((sent, how)) = closed else {
        panic!(
            "the server kept the connection open for all {BYTES} bytes (one every 300 ms)\n{}",
            server.stderr()
        );
    };
    assert!(sent < BYTES, "{sent} bytes, {how}");
    wait_for(
        || server.stderr(),
        "handshake failed: deadline of 1 s passed",
        Duration::from_secs(10),
        "mtls server",
    );
}

/// An OpenSSL config file that turns extended master secret off (OpenSSL 3.0's
/// `Options = -ExtendedMasterSecret`): the peer neither offers nor accepts it.
fn no_ems_config(dir: &TempDir) -> String {
    let path = dir.file("no-ems.cnf");
    std::fs::write(
        &path,
        "openssl_conf = openssl_init\n\
         [openssl_init]\n\
         ssl_conf = ssl_sect\n\
         [ssl_sect]\n\
         system_default = system_default_sect\n\
         [system_default_sect]\n\
         Options = -ExtendedMasterSecret\n",
    )
    .unwrap();
    path
}

/// `s_client` without extended master secret, presenting `pki`'s client certificate.
fn legacy_s_client(pki: &TempDir, addr: &str, echo: bool) -> (std::process::ExitStatus, String) {
    let conf = no_ems_config(pki);
    let (ca, cert, key) = (
        pki.file("ca.pem"),
        pki.file("client.pem"),
        pki.file("client.key"),
    );
    s_client_env(
        addr,
        &["-CAfile", &ca, "-cert", &cert, "-key", &key],
        echo,
        &[("OPENSSL_CONF", &conf)],
    )
}

/// RFC 7627 5.2: a server may go on without extended master secret with a legacy client;
/// `--ems optional` does, with the older master secret.
#[test]
fn rfc7627_5_2_server_with_ems_optional_serves_a_client_without_ems() {
    let pki = certs("ems-opt", "ecdsa");
    let (server, addr) = server_requiring_client_certs(&pki, &["--ems", "optional"]);
    let (status, out) = legacy_s_client(&pki, &addr, true);
    assert!(status.success(), "{out}");
    assert!(out.contains("Extended master secret: no"), "{out}");
    let log = wait_for(
        || server.stderr(),
        "without extended master secret",
        Duration::from_secs(10),
        "mtls server",
    );
    assert!(log.contains("extended master secret: optional"), "{log}");
}

/// RFC 7627 5.2: a server that does not want to interoperate with legacy clients aborts the
/// handshake; by default (`--ems required`) `mtls server` does, with handshake_failure.
#[test]
fn rfc7627_5_2_server_requiring_ems_refuses_a_client_without_it() {
    let pki = certs("ems-req", "ecdsa");
    let (server, addr) = server_requiring_client_certs(&pki, &[]);
    let (status, out) = legacy_s_client(&pki, &addr, false);
    assert!(!status.success(), "{out}");
    assert!(out.contains("alert handshake failure"), "{out}");
    wait_for(
        || server.stderr(),
        "handshake failed: the client does not support extended master secret",
        Duration::from_secs(10),
        "mtls server",
    );
}

/// `openssl s_server -rev` without extended master secret, and `mtls client` to it.
fn client_to_legacy_server(tag: &str, extra: &[&str]) -> std::process::Output {
    let pki = certs(tag, "ecdsa");
    let conf = no_ems_config(&pki);
    let (_server, port) = s_server_env(
        &[
            "-cert",
            &pki.file("server.pem"),
            "-key",
            &pki.file("server.key"),
        ],
        &[("OPENSSL_CONF", &conf)],
    );
    let addr = format!("127.0.0.1:{port}");
    let mut cmd = mtls(&[
        "client",
        &addr,
        "--ca",
        &pki.file("ca.pem"),
        "--servername",
        "localhost",
        "--wait",
        "0.5",
    ]);
    cmd.args(extra);
    run(cmd, b"hello\n")
}

/// RFC 7627 5.2, client side: `mtls client --ems optional` talks to a legacy server.
#[test]
fn rfc7627_5_2_client_with_ems_optional_talks_to_a_server_without_ems() {
    let o = client_to_legacy_server("ems-cli-opt", &["--ems", "optional"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert_eq!(stdout(&o), "olleh\n", "{err}");
    assert!(err.contains("without extended master secret"), "{err}");
}

/// RFC 7627 5.2, client side: by default `mtls client` refuses a server without extended
/// master secret, with handshake_failure.
#[test]
fn rfc7627_5_2_client_requiring_ems_refuses_a_server_without_it() {
    let o = client_to_legacy_server("ems-cli-req", &[]);
    let err = stderr(&o);
    assert!(!o.status.success(), "{err}");
    assert!(
        err.contains("does not support extended master secret")
            && err.contains("(sent alert handshake_failure)"),
        "{err}"
    );
}
