//! ConnectionObserver, the metrics hooks: full and resumed handshakes are counted apart,
//! failures by alert, refused client certificates by reason; a configuration chosen through
//! the Acceptor brings its observer.

use std::sync::{Arc, Mutex};

use mtls::pki::RootStore;
use mtls::server::Acceptor;
use mtls::{
    AlertDescription, CertificateError, ClientConfig, ClientConnection, ConnectionObserver, Error,
    HandshakeSummary, ServerConfig, ServerConnection,
};
use mtls_testkit::fixtures::CA;
use mtls_testkit::{chain, key, pump, pump_ok};

#[derive(Default)]
struct Seen(Mutex<Vec<String>>);

impl ConnectionObserver for Seen {
    fn handshake_completed(&self, summary: &HandshakeSummary) {
        let what = if summary.resumed { "resumed" } else { "full" };
        self.0.lock().unwrap().push(what.into());
    }
    fn connection_failed(&self, error: &Error, during_handshake: bool) {
        let line = format!("failed {:?} {during_handshake}", error.alert_sent());
        self.0.lock().unwrap().push(line);
    }
    fn peer_certificate_refused(&self, error: &CertificateError) {
        self.0.lock().unwrap().push(format!("refused {error:?}"));
    }
}

impl Seen {
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

fn roots() -> RootStore {
    let mut r = RootStore::new();
    r.add(&CA.to_vec().into()).unwrap();
    r
}

fn server(seen: &Arc<Seen>) -> ServerConfig {
    ServerConfig::builder()
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .certificate(chain("server-ecdsa"), key("server-ecdsa"))
        .client_auth_required(roots())
        .observer(seen.clone())
        .build()
        .unwrap()
}

#[test]
fn full_and_resumed_handshakes_failures_and_refusals_are_counted() {
    let seen = Arc::new(Seen::default());
    let server = server(&seen);
    let client_seen = Arc::new(Seen::default());
    let client = ClientConfig::with_roots(roots())
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .client_certificate(chain("client-ecdsa"), key("client-ecdsa"))
        .observer(client_seen.clone())
        .build()
        .unwrap();
    for _ in 0..2 {
        let mut c = ClientConnection::new(&client, "localhost").unwrap();
        let mut s = ServerConnection::new(&server).unwrap();
        pump_ok(&mut c, &mut s);
    }
    assert_eq!(seen.take(), ["full", "resumed"]);
    assert_eq!(client_seen.take(), ["full", "resumed"]);

    // A client certificate of an unknown issuer: refused by reason, then failed by alert.
    let mut ca_p384 = RootStore::new();
    ca_p384
        .add(&mtls_testkit::fixtures::CA_P384.to_vec().into())
        .unwrap();
    let strict = ServerConfig::builder()
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .certificate(chain("server-ecdsa"), key("server-ecdsa"))
        .client_auth_required(ca_p384)
        .observer(seen.clone())
        .build()
        .unwrap();
    let mut c = ClientConnection::new(&client, "localhost").unwrap();
    let mut s = ServerConnection::new(&strict).unwrap();
    let _ = pump(&mut c, &mut s);
    assert_eq!(
        seen.take(),
        [
            "refused UnknownIssuer".to_string(),
            format!("failed {:?} true", Some(AlertDescription::UnknownCa)),
        ]
    );
    // The client saw the alert it received: a failure with no alert sent.
    assert_eq!(client_seen.take(), ["failed None true"]);
}

#[test]
fn a_configuration_chosen_after_the_client_hello_brings_its_observer() {
    let seen = Arc::new(Seen::default());
    let server = server(&seen);
    let client = ClientConfig::with_roots(roots())
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .client_certificate(chain("client-ecdsa"), key("client-ecdsa"))
        .build()
        .unwrap();
    let mut c = ClientConnection::new(&client, "localhost").unwrap();
    let mut wire = Vec::new();
    c.write_tls(&mut wire).unwrap();
    let mut acceptor = Acceptor::default();
    acceptor.read_tls(&mut &wire[..]).unwrap();
    let accepted = acceptor.accept().unwrap().unwrap();
    let mut s = accepted.into_connection(&server).unwrap();
    pump_ok(&mut c, &mut s);
    assert_eq!(seen.take(), ["full"]);
}
