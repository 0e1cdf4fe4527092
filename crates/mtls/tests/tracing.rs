//! The `tracing` feature: every event of full and resumed handshakes, application data and a
//! refused client, formatted at TRACE level with every field, names the messages, the
//! negotiated values and the refusal, and shows no secret: no master secret, client random,
//! private key or application data, in hex or as a byte list.
//!
//! Run by `cargo xtask ci` as `cargo test -p mtls --features tracing --test tracing`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

use mtls::pki::RootStore;
use mtls::{ClientConfig, ClientConnection, KeyLog, ServerConfig, ServerConnection};
use mtls_testkit::fixtures::{CA, fixture};
use mtls_testkit::{chain, key, pump, pump_ok};

/// Every secret the handshakes produced: the key log's client randoms and master secrets.
#[derive(Default)]
struct Secrets(Mutex<Vec<Vec<u8>>>);

impl KeyLog for Secrets {
    fn log(&self, _label: &str, client_random: &[u8; 32], secret: &[u8]) {
        let mut s = self.0.lock().unwrap();
        s.push(client_random.to_vec());
        s.push(secret.to_vec());
    }
}

/// Where the subscriber writes.
#[derive(Clone, Default)]
struct Output(Arc<Mutex<Vec<u8>>>);

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn roots(ca: &[u8]) -> RootStore {
    let mut r = RootStore::new();
    r.add(&ca.to_vec().into()).unwrap();
    r
}

const PAYLOAD: &[u8] = b"application-data-that-must-never-be-logged";

/// Full handshake, resumption (both with application data), and a refused client, in
/// `version` (TLS 1.3 resumes by ticket: the server has a ticketer).
fn run(secrets: &Arc<Secrets>, version: mtls::ProtocolVersion) {
    let ticket_key = mtls::TicketKey::generate(&mut mtls::OsRng).unwrap();
    let server = ServerConfig::builder()
        .versions(&[version])
        .certificate(chain("server-ecdsa"), key("server-ecdsa"))
        .client_auth_required(roots(CA))
        .ticketer(Arc::new(mtls::TicketKeys::new(ticket_key, None, 3600)))
        .key_log(secrets.clone())
        .build()
        .unwrap();
    let client = ClientConfig::with_roots(roots(CA))
        .versions(&[version])
        .client_certificate(chain("client-ecdsa"), key("client-ecdsa"))
        .key_log(secrets.clone())
        .build()
        .unwrap();
    for _ in 0..2 {
        let mut c = ClientConnection::new(&client, "localhost").unwrap();
        let mut s = ServerConnection::new(&server).unwrap();
        c.writer().write_all(PAYLOAD).unwrap();
        pump_ok(&mut c, &mut s);
        let mut got = vec![0u8; PAYLOAD.len()];
        s.reader().read_exact(&mut got).unwrap();
        assert_eq!(got, PAYLOAD);
    }
    // A client of another CA: refused with unknown_ca.
    let stranger = ClientConfig::with_roots(roots(CA))
        .versions(&[version])
        .client_certificate(chain("client-p384"), key("client-p384"))
        .build()
        .unwrap();
    let mut c = ClientConnection::new(&stranger, "localhost").unwrap();
    let mut s = ServerConnection::new(&server).unwrap();
    let (_, refused) = pump(&mut c, &mut s);
    assert!(refused.is_err());
}

/// `bytes` as lowercase and uppercase hex and as the start of a Debug byte list.
fn renderings(bytes: &[u8]) -> Vec<String> {
    let window = &bytes[..bytes.len().min(12)];
    let list = format!("{window:?}");
    vec![
        hex::encode(window),
        hex::encode_upper(window),
        list.trim_end_matches(']').to_owned(),
    ]
}

#[test]
fn events_name_messages_values_and_refusals_but_never_a_secret() {
    let out = Output::default();
    let writer = out.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let secrets = Arc::new(Secrets::default());
    tracing::subscriber::with_default(subscriber, || {
        run(&secrets, mtls::ProtocolVersion::TLSv1_2);
        run(&secrets, mtls::ProtocolVersion::TLSv1_3);
    });
    let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();

    // What an operator needs is there.
    for needle in [
        "sent handshake message",
        "received handshake message",
        "typ=Some(ClientHello)",
        "typ=Some(CertificateVerify)",
        "handshake complete",
        "resumed=true",
        "server: full handshake negotiated",
        "server: resuming a session",
        "client: sending a certificate",
        "connection failed",
        "unknown_ca",
        "role=\"server\"",
    ] {
        assert!(text.contains(needle), "no {needle:?} in:\n{text}");
    }

    // No secret is.
    let secrets = secrets.0.lock().unwrap();
    assert!(secrets.len() >= 4, "the key log saw the handshakes");
    let mut forbidden: Vec<Vec<u8>> = secrets.clone();
    forbidden.push(PAYLOAD.to_vec());
    for name in ["server-ecdsa", "client-ecdsa", "client-p384"] {
        // The PKCS#8 private key: its last bytes hold the private scalar and public key.
        let der = fixture(&format!("{name}.key.der"));
        forbidden.push(der[der.len() - 40..].to_vec());
    }
    for secret in &forbidden {
        for r in renderings(secret) {
            assert!(
                !text.contains(&r),
                "a secret appears in the events as {r:?}"
            );
        }
    }
    assert!(
        !text.contains("application-data"),
        "application data appears"
    );
}
