//! Interop with Python's `ssl` module (OpenSSL underneath), both directions, through the
//! facade over real TCP on 127.0.0.1: certificates verified on both sides (webpki on ours,
//! OpenSSL on Python's), client authentication required, one line echoed, and each side
//! names the other's certificate.
//!
//! The peers are tests/it/peers/py_server.py and tests/it/peers/py_client.py, run by `python3`
//! (missing `python3` fails the test); every child is killed on drop, every wait bounded.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Write;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::peers::*;
use mtls::ProtocolVersion;

/// Our client → a Python `PROTOCOL_TLS_SERVER` with `CERT_REQUIRED`, TLS 1.2 max.
#[test]
fn our_client_to_python_server() {
    require("python3");
    let deadline = Instant::now() + TEST_TIMEOUT;
    let mut cmd = Command::new("python3");
    cmd.arg(peer_script("py_server.py"))
        .arg(pki("server-ecdsa.pem"))
        .arg(pki("server-ecdsa.key"))
        .arg(pki("ca.pem"));
    let mut peer = Peer::spawn(cmd, false);
    assert!(
        peer.wait_output("PORT ", Instant::now() + Duration::from_secs(10)),
        "the Python server did not start\n{}",
        peer.describe()
    );
    let port: u16 = peer
        .stdout()
        .lines()
        .find_map(|l| l.strip_prefix("PORT "))
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| panic!("no port from the Python server\n{}", peer.describe()));

    let config = client_builder("client-rsa").build().unwrap();
    let mut tls = facade_client(&config, "localhost", port, &mut peer);
    if let Err(e) = tls.handshake() {
        std::thread::sleep(Duration::from_millis(200));
        panic!("our client against Python: {e}\n{}", peer.describe());
    }
    tls.write_all(b"hello from mtls\n").unwrap();
    let (echo, err) = read_line(&mut tls);
    assert!(err.is_none(), "{err:?}\n{}", peer.describe());
    assert_eq!(
        String::from_utf8_lossy(&echo),
        "py-echo: hello from mtls\n",
        "{}",
        peer.describe()
    );

    // Our side: the server's identity, verified by webpki.
    let c = &tls.conn;
    assert_eq!(c.protocol_version(), Some(ProtocolVersion::TLSv1_2));
    assert_eq!(c.extended_master_secret(), Some(true));
    assert_eq!(c.is_resumed(), Some(false));
    let certs = c.peer_certificates().unwrap();
    assert_eq!(certs[0], leaf_of(&pki("server-ecdsa.pem")));
    let _ = tls.close();

    assert!(
        peer.wait_exit(deadline).is_some(),
        "the Python server did not exit\n{}",
        peer.describe()
    );
    // Python's side: our client certificate, verified by OpenSSL.
    let out = peer.stdout();
    assert!(out.contains("VERSION TLSv1.2"), "{}", peer.describe());
    assert!(
        out.contains("SUBJECT ((('commonName', 'test-client-rsa'),),)"),
        "{}",
        peer.describe()
    );
    assert!(
        out.contains("RECEIVED hello from mtls"),
        "{}",
        peer.describe()
    );
    assert!(out.contains("DONE"), "{}", peer.describe());
}

/// A Python `PROTOCOL_TLS_CLIENT` with a client certificate → our server (client auth
/// required).
#[test]
fn python_client_to_our_server() {
    require("python3");
    let deadline = Instant::now() + TEST_TIMEOUT;
    let config = server_builder().build().unwrap();
    let server = facade_server(config, 1, deadline);
    let mut cmd = Command::new("python3");
    cmd.arg(peer_script("py_client.py"))
        .arg(server.port.to_string())
        .arg(pki("client-ecdsa.pem"))
        .arg(pki("client-ecdsa.key"))
        .arg(pki("ca.pem"));
    let mut peer = Peer::spawn(cmd, false);
    let exited = peer.wait_exit(deadline);
    assert!(
        exited.is_some(),
        "the Python client did not exit\n{}",
        peer.describe()
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
    assert!(exited.unwrap().success(), "{}", peer.describe());

    // Our side: the client's identity, verified by webpki, and its line.
    assert_eq!(s.received, b"hello from python\n");
    assert_eq!(
        s.peer_certificates().first(),
        Some(&leaf_of(&pki("client-ecdsa.pem")))
    );
    let summary = s.summary.as_ref().unwrap();
    assert!(summary.extended_master_secret);
    assert!(!summary.resumed);

    // Python's side: our certificate, verified by OpenSSL for "localhost", and the echo.
    let out = peer.stdout();
    assert!(out.contains("VERSION TLSv1.2"), "{}", peer.describe());
    assert!(
        out.contains("SUBJECT ((('commonName', 'localhost'),),)"),
        "{}",
        peer.describe()
    );
    assert!(
        out.contains("ECHO mtls-echo: hello from python"),
        "{}",
        peer.describe()
    );
}
