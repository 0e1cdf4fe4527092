//! Refusals with the real (webpki) verifiers of the facade, against OpenSSL over TCP on
//! 127.0.0.1: each side names the problem, and the alert the RFC asks for reaches the peer.
//!
//! - a client certificate from an unknown CA → `unknown_ca` (48);
//! - an expired client certificate (our server's clock set past its notAfter) →
//!   `certificate_expired` (45);
//! - a server certificate for another name → our client refuses with `bad_certificate` (42);
//! - no client certificate against a server that requires one → `handshake_failure` (40).
//!
//! The untrusted CA and its client are in tests/pki (tests/pki/make.sh regenerates them).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::peers::*;
use mtls::{AlertDescription, CertificateError, Error};
use mtls_testkit::split_flight;

/// `s_client` (verifying our server for localhost) with `extra` arguments against our
/// server; returns what our server saw and the client.
fn s_client_against(config: mtls::ServerConfig, extra: &[&str]) -> (Served, Peer) {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let server = facade_server(config, 1, deadline);
    let ca = pki("ca.pem");
    let mut args = vec![
        "-CAfile",
        &ca,
        "-verify_return_error",
        "-verify_hostname",
        "localhost",
    ];
    args.extend_from_slice(extra);
    let peer = run_s_client(server.port, &args, b"hello\n", deadline);
    let mut served = server.finish();
    assert_eq!(served.len(), 1, "{served:?}\n{}", peer.describe());
    (served.remove(0), peer)
}

/// The alert our server sent, asserting the handshake failed with it.
fn sent_alert(s: &Served, peer: &Peer) -> (AlertDescription, String) {
    assert!(s.summary.is_none(), "{s:?}");
    match &s.tls_error {
        Some(e) if e.alert_sent().is_some() => (e.alert_sent().unwrap(), e.to_string()),
        other => panic!(
            "our server should have sent an alert, got {other:?} ({:?})\n{}",
            s.error,
            peer.describe()
        ),
    }
}

/// A client certificate issued by a CA our server does not trust.
#[test]
fn client_certificate_from_unknown_ca() {
    let (cert, key) = (
        local_pki("client-other-ca.pem"),
        local_pki("client-other-ca.key"),
    );
    let (s, peer) = s_client_against(
        server_builder().build().unwrap(),
        &["-cert", &cert, "-key", &key],
    );
    let (alert, text) = sent_alert(&s, &peer);
    assert_eq!(alert, AlertDescription::UnknownCa, "{text}");
    assert!(text.ends_with("(sent alert unknown_ca)"), "{text}");
    // A program can tell why without parsing the text.
    let error = s.tls_error.as_ref().and_then(Error::certificate_error);
    assert_eq!(error, Some(&CertificateError::UnknownIssuer), "{text}");
    let out = peer.output();
    assert!(
        out.contains("alert unknown ca") && out.contains("alert number 48"),
        "s_client did not report unknown_ca\n{}",
        peer.describe()
    );
}

/// A client certificate past its notAfter: our server's clock is set to 2040, after the test
/// PKI expires (2036-11-25).
#[test]
fn expired_client_certificate() {
    const JAN_2040: u64 = 2_208_988_800;
    let config = server_builder()
        .clock(Arc::new(FixedClock(JAN_2040)))
        .build()
        .unwrap();
    let (cert, key) = (pki("client-rsa.pem"), pki("client-rsa.key"));
    let (s, peer) = s_client_against(config, &["-cert", &cert, "-key", &key]);
    let (alert, text) = sent_alert(&s, &peer);
    assert_eq!(alert, AlertDescription::CertificateExpired, "{text}");
    let error = s.tls_error.as_ref().and_then(Error::certificate_error);
    assert_eq!(error, Some(&CertificateError::Expired), "{text}");
    assert!(text.ends_with("(sent alert certificate_expired)"), "{text}");
    let out = peer.output();
    assert!(
        out.contains("alert certificate expired") && out.contains("alert number 45"),
        "s_client did not report certificate_expired\n{}",
        peer.describe()
    );
}

/// No client certificate against our server that requires one.
#[test]
fn client_without_certificate() {
    let (s, peer) = s_client_against(server_builder().build().unwrap(), &[]);
    let (alert, text) = sent_alert(&s, &peer);
    assert_eq!(alert, AlertDescription::HandshakeFailure);
    assert_eq!(
        text,
        "the client sent no certificate but this server requires one (sent alert handshake_failure)"
    );
    let out = peer.output();
    assert!(
        out.contains("alert handshake failure") && out.contains("alert number 40"),
        "s_client did not report handshake_failure\n{}",
        peer.describe()
    );
}

/// Our client connects to "wrong.example" and s_server presents its certificate for
/// localhost / 127.0.0.1: our client refuses it and tells s_server with bad_certificate.
#[test]
fn server_certificate_for_another_name() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let (mut peer, port) = start_s_server(&[
        "-naccept".into(),
        "1".into(),
        "-cert".into(),
        pki("server-ecdsa.pem"),
        "-key".into(),
        pki("server-ecdsa.key"),
        "-CAfile".into(),
        pki("ca.pem"),
        "-Verify".into(),
        "1".into(),
    ]);
    let config = client_builder("client-rsa").build().unwrap();
    let mut tls = facade_client(&config, "wrong.example", port, &mut peer);
    let e = tls
        .handshake()
        .expect_err("our client must refuse a certificate for another name");
    let text = e.to_string();
    assert!(
        text.contains("not valid for name") && text.contains("wrong.example"),
        "{text}"
    );
    match tls_error(&e) {
        Some(Error::CertificateRefused {
            error: CertificateError::NotValidForName(name),
            ..
        }) => assert_eq!(name, "wrong.example", "{text}"),
        other => panic!("expected a refused server certificate, got {other:?}: {text}"),
    }
    assert!(text.ends_with("(sent alert bad_certificate)"), "{text}");
    drop(tls);

    if peer.wait_exit(deadline).is_none() {
        std::thread::sleep(Duration::from_millis(200));
    }
    let out = peer.output();
    assert!(
        out.contains("alert bad certificate") && out.contains("alert number 42"),
        "s_server did not report bad_certificate\n{}",
        peer.describe()
    );
}

// ---- closing so that the refused client reads the alert (RFC 5246 7.2.2) ----

/// Clients that send their flight one record per write, against our facade server.
const TRIES: usize = 20;

/// Our facade server on 127.0.0.1 for `tries` connections, each expected to fail its
/// handshake; after a failure it does what an application should do: `close_after_error`.
/// Returns the port and the thread, which yields each connection's error text.
fn refusing_server(
    config: mtls::ServerConfig,
    tries: usize,
) -> (u16, std::thread::JoinHandle<Vec<String>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let deadline = Instant::now() + Duration::from_secs(60);
    let handle = std::thread::spawn(move || {
        let mut errors = Vec::new();
        while errors.len() < tries && Instant::now() < deadline {
            let sock = match listener.accept() {
                Ok((s, _)) => s,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                }
                Err(e) => panic!("accept: {e}"),
            };
            sock.set_nonblocking(false).unwrap();
            sock.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
            sock.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
            let conn = mtls::ServerConnection::new(&config).unwrap();
            let mut tls = mtls::StreamOwned::new(conn, sock);
            match tls.handshake() {
                Ok(()) => errors.push("the handshake succeeded".into()),
                Err(e) => {
                    errors.push(e.to_string());
                    tls.close_after_error();
                }
            }
        }
        errors
    });
    (port, handle)
}

/// `TRIES` split-flight clients of `client` against our server; asserts each read `alert`.
fn split_flight_clients_read(client: &mtls::ClientConfig, alert: AlertDescription) {
    let (port, server) = refusing_server(server_builder().build().unwrap(), TRIES);
    let results: Vec<_> = (0..TRIES)
        .map(|_| split_flight::refused_alert(port, client))
        .collect();
    let errors = server.join().unwrap();
    let wanted = (2u8, alert.to_u8());
    let failures: Vec<_> = results.iter().filter(|r| **r != Ok(wanted)).collect();
    assert!(
        failures.is_empty(),
        "{} of {TRIES} clients did not read the fatal alert {alert:?}: {failures:#?}\n\
         our server: {errors:#?}",
        failures.len()
    );
    assert_eq!(errors.len(), TRIES, "{errors:?}");
}

/// A client certificate from a CA our server does not trust: the client, which sends its
/// flight record by record, reads unknown_ca in every try, never a reset.
#[test]
fn rfc5246_7_2_2_refused_client_reads_unknown_ca_not_a_reset() {
    let client = mtls::ClientConfig::with_roots(roots())
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .client_certificate_files(
            local_pki("client-other-ca.pem"),
            local_pki("client-other-ca.key"),
        )
        .build()
        .unwrap();
    split_flight_clients_read(&client, AlertDescription::UnknownCa);
}

/// No client certificate against a server that requires one: handshake_failure reaches the
/// client in every try, never a reset.
#[test]
fn rfc5246_7_2_2_client_without_certificate_reads_handshake_failure_not_a_reset() {
    let client = mtls::ClientConfig::with_roots(roots())
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .build()
        .unwrap();
    split_flight_clients_read(&client, AlertDescription::HandshakeFailure);
}
