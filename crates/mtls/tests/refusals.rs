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

mod peers;

use std::sync::Arc;
use std::time::{Duration, Instant};

use mtls::{AlertDescription, Error};
use peers::*;

/// `s_client` (verifying our server for localhost) with `extra` arguments against our
/// server; returns what our server saw and the client.
fn s_client_against(config: mtls::ServerConfig, extra: &[&str]) -> (Served, Peer) {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let server = FacadeServer::start(config, 1, deadline);
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
        Some(e @ Error::AlertSent { alert, .. }) => (*alert, e.to_string()),
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
        Some(Error::AlertSent { alert, .. }) => {
            assert_eq!(alert, AlertDescription::BadCertificate, "{text}")
        }
        other => panic!("expected an alert sent, got {other:?}: {text}"),
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
