//! `mtls server` and `mtls client` against clients and servers that misbehave or are old:
//!
//! - refused clients that send their flight record by record read the alert, not a reset
//!   (RFC 5246 7.2.2; the server closes lingering, see `mtls::linger_close`).
//!
//! Everything runs on 127.0.0.1; each child process is killed by its PID on drop, and every
//! wait and loop is bounded.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../../mtls/tests/split_flight/mod.rs"]
mod split_flight;
mod support;

use std::time::Duration;

use mtls::pki::RootStore;
use mtls::{AlertDescription, ClientConfig};
use support::*;

/// Split-flight clients per test: each must read the alert.
const TRIES: usize = 20;

/// The port of `127.0.0.1:PORT`.
fn port_of(addr: &str) -> u16 {
    addr.rsplit_once(':').unwrap().1.parse().unwrap()
}

/// `mtls server` with `pki`'s server certificate, requiring client certificates from its CA.
fn server_requiring_client_certs(pki: &TempDir, extra: &[&str]) -> (Proc, String) {
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
        text(&server.stderr)
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while text(&server.stderr).matches("handshake failed").count() < TRIES {
        assert!(
            std::time::Instant::now() < deadline,
            "{}",
            text(&server.stderr)
        );
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
    let client = ClientConfig::with_roots(roots(&pki)).build().unwrap();
    split_flight_clients_read(&pki, &client, AlertDescription::HandshakeFailure);
}
