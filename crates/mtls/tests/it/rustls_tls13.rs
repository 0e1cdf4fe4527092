//! TLS 1.3 (RFC 8446) with rustls 0.23, in memory, both ways, client certificates required
//! and verified against the test CA on both sides: every TLS 1.3 suite with RSA and ECDSA
//! certificates, HelloRetryRequest both ways, resumption by ticket both ways (the second
//! connection resumed on both ends, the client's identity carried by the ticket), KeyUpdate
//! both ways (rustls's `refresh_traffic_keys()` asks for an update, as our
//! `send_key_update(true)` does), the key log, and post-handshake authentication, which
//! rustls does not offer: our server's request is refused locally.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

use mtls::pki::RootStore;
use mtls::suites::{
    TLS13_AES_128_GCM_SHA256, TLS13_AES_256_GCM_SHA384, TLS13_CHACHA20_POLY1305_SHA256,
};
use mtls::{
    ClientConfig, ClientConnection, Error, HandshakeKind, NamedGroup, NegotiatedSuite,
    ProtocolVersion, ServerConfig, ServerConnection, TicketKey, TicketKeys, Tls13Suite,
};
use mtls_testkit::fixtures::CA;
use mtls_testkit::{MemoryKeyLog, chain, fixture, key, tls13_key_log_lines};
use rustls::pki_types::ServerName;

use super::rustls_interop::{our_client_first, pump, roots, rustls_chain, rustls_key};

const TLS13: [ProtocolVersion; 1] = [ProtocolVersion::TLSv1_3];

/// The three TLS 1.3 suites, ours and rustls's.
fn suites() -> [(Tls13Suite, rustls::SupportedCipherSuite); 3] {
    use rustls::crypto::ring::cipher_suite as r;
    [
        (TLS13_AES_128_GCM_SHA256, r::TLS13_AES_128_GCM_SHA256),
        (TLS13_AES_256_GCM_SHA384, r::TLS13_AES_256_GCM_SHA384),
        (
            TLS13_CHACHA20_POLY1305_SHA256,
            r::TLS13_CHACHA20_POLY1305_SHA256,
        ),
    ]
}

/// (server certificate, client certificate): every pairing of RSA and ECDSA.
const PAIRS: [(&str, &str); 4] = [
    ("server-ecdsa", "client-ecdsa"),
    ("server-ecdsa", "client-rsa"),
    ("server-rsa", "client-ecdsa"),
    ("server-rsa", "client-rsa"),
];

fn our_roots() -> RootStore {
    let mut r = RootStore::new();
    r.add(&CA.to_vec().into()).unwrap();
    r
}

/// rustls's ring provider limited to `suites` (all when empty) and `groups` (all when
/// empty).
fn provider(
    suites: &[rustls::SupportedCipherSuite],
    groups: &[&'static dyn rustls::crypto::SupportedKxGroup],
) -> Arc<rustls::crypto::CryptoProvider> {
    let mut p = rustls::crypto::ring::default_provider();
    if !suites.is_empty() {
        p.cipher_suites = suites.to_vec();
    }
    if !groups.is_empty() {
        p.kx_groups = groups.to_vec();
    }
    Arc::new(p)
}

/// A rustls TLS 1.3 client presenting `client`.
fn rustls_client(
    client: &str,
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> rustls::ClientConfig {
    rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .with_root_certificates(roots())
        .with_client_auth_cert(rustls_chain(client), rustls_key(client))
        .unwrap()
}

/// A rustls TLS 1.3 server with `cert`, client certificates required (webpki, the test CA).
fn rustls_server(
    cert: &str,
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> rustls::ServerConfig {
    let verifier =
        rustls::server::WebPkiClientVerifier::builder_with_provider(roots(), provider.clone())
            .build()
            .unwrap();
    rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(rustls_chain(cert), rustls_key(cert))
        .unwrap()
}

/// Our TLS 1.3 server with `cert`, client certificates required.
fn our_server(cert: &str) -> mtls::ServerConfigBuilder {
    ServerConfig::builder()
        .crypto_provider(crate::peers::test_provider())
        .certificate(chain(cert), key(cert))
        .client_auth_required(our_roots())
        .versions(&TLS13)
}

/// Our TLS 1.3 client presenting `client`.
fn our_client(client: &str) -> mtls::ClientConfigBuilder {
    ClientConfig::with_roots(our_roots())
        .crypto_provider(crate::peers::test_provider())
        .client_certificate(chain(client), key(client))
        .versions(&TLS13)
}

fn new_rustls_client(cfg: &Arc<rustls::ClientConfig>) -> rustls::ClientConnection {
    rustls::ClientConnection::new(cfg.clone(), ServerName::try_from("localhost").unwrap()).unwrap()
}

/// Reads exactly `n` bytes of application data.
fn read_n(r: &mut dyn Read, n: usize) -> Vec<u8> {
    let mut got = vec![0u8; n];
    r.read_exact(&mut got).unwrap();
    got
}

/// Data both ways between a rustls client and our server, over the pump.
fn exchange_rc(client: &mut rustls::ClientConnection, server: &mut ServerConnection, tag: &str) {
    let (c, s) = (
        format!("from rustls {tag}").into_bytes(),
        format!("from mtls {tag}").into_bytes(),
    );
    client.writer().write_all(&c).unwrap();
    server.writer().write_all(&s).unwrap();
    pump(client, server);
    assert_eq!(read_n(&mut server.reader(), c.len()), c, "{tag}");
    assert_eq!(read_n(&mut client.reader(), s.len()), s, "{tag}");
}

/// Data both ways between our client and a rustls server, over the pump.
fn exchange_cs(server: &mut rustls::ServerConnection, client: &mut ClientConnection, tag: &str) {
    let (c, s) = (
        format!("from mtls {tag}").into_bytes(),
        format!("from rustls {tag}").into_bytes(),
    );
    client.writer().write_all(&c).unwrap();
    server.writer().write_all(&s).unwrap();
    pump(server, client);
    assert_eq!(read_n(&mut server.reader(), c.len()), c, "{tag}");
    assert_eq!(read_n(&mut client.reader(), s.len()), s, "{tag}");
}

/// A rustls client and our server, handshaken.
fn rustls_to_ours(
    cfg: &Arc<rustls::ClientConfig>,
    server_cfg: &ServerConfig,
) -> (rustls::ClientConnection, ServerConnection) {
    let mut client = new_rustls_client(cfg);
    let mut server = ServerConnection::new(server_cfg).unwrap();
    pump(&mut client, &mut server);
    assert!(!client.is_handshaking() && !server.is_handshaking());
    (client, server)
}

/// Our client and a rustls server, handshaken.
fn ours_to_rustls(
    cfg: &ClientConfig,
    server_cfg: &Arc<rustls::ServerConfig>,
) -> (ClientConnection, rustls::ServerConnection) {
    let mut server = rustls::ServerConnection::new(server_cfg.clone()).unwrap();
    let mut client = ClientConnection::new(cfg, "localhost").unwrap();
    our_client_first(&mut server, &mut client);
    assert!(!client.is_handshaking() && !server.is_handshaking());
    (client, server)
}

#[test]
fn rfc8446_b_4_rustls_client_against_our_server_every_suite_both_key_types() {
    for (ours, theirs) in suites() {
        for (server_cert, client_cert) in PAIRS {
            let what = format!("{:?} {server_cert} {client_cert}", ours.suite);
            let server_cfg = our_server(server_cert)
                .tls13_cipher_suites(&[ours])
                .build()
                .unwrap();
            let cfg = Arc::new(rustls_client(client_cert, provider(&[theirs], &[])));
            let (mut client, mut server) = rustls_to_ours(&cfg, &server_cfg);
            assert_eq!(server.protocol_version(), Some(ProtocolVersion::TLSv1_3));
            assert_eq!(
                client.protocol_version(),
                Some(rustls::ProtocolVersion::TLSv1_3)
            );
            assert_eq!(
                server.negotiated_cipher_suite(),
                Some(NegotiatedSuite::Tls13(ours)),
                "{what}"
            );
            assert_eq!(client.negotiated_cipher_suite(), Some(theirs), "{what}");
            assert_eq!(
                server.handshake_kind(),
                Some(HandshakeKind::Tls13ClientCert)
            );
            assert_eq!(client.handshake_kind(), Some(rustls::HandshakeKind::Full));
            assert_eq!(
                server.peer_certificates().unwrap()[0].to_vec(),
                fixture(&format!("{client_cert}.cert.der")),
                "{what}"
            );
            assert_eq!(
                client.peer_certificates().unwrap()[0].as_ref(),
                &fixture(&format!("{server_cert}.cert.der"))[..],
                "{what}"
            );
            exchange_rc(&mut client, &mut server, &what);
        }
    }
}

#[test]
fn rfc8446_b_4_our_client_against_rustls_server_every_suite_both_key_types() {
    for (ours, theirs) in suites() {
        for (server_cert, client_cert) in PAIRS {
            let what = format!("{:?} {server_cert} {client_cert}", ours.suite);
            let server_cfg = Arc::new(rustls_server(server_cert, provider(&[theirs], &[])));
            let cfg = our_client(client_cert)
                .tls13_cipher_suites(&[ours])
                .build()
                .unwrap();
            let (mut client, mut server) = ours_to_rustls(&cfg, &server_cfg);
            assert_eq!(client.protocol_version(), Some(ProtocolVersion::TLSv1_3));
            assert_eq!(
                server.protocol_version(),
                Some(rustls::ProtocolVersion::TLSv1_3)
            );
            assert_eq!(
                client.negotiated_cipher_suite(),
                Some(NegotiatedSuite::Tls13(ours)),
                "{what}"
            );
            assert_eq!(server.negotiated_cipher_suite(), Some(theirs), "{what}");
            assert_eq!(
                client.handshake_kind(),
                Some(HandshakeKind::Tls13ClientCert)
            );
            assert_eq!(server.handshake_kind(), Some(rustls::HandshakeKind::Full));
            assert_eq!(
                server.peer_certificates().unwrap()[0].as_ref(),
                &fixture(&format!("{client_cert}.cert.der"))[..],
                "{what}"
            );
            assert_eq!(
                client.peer_certificates().unwrap()[0].to_vec(),
                fixture(&format!("{server_cert}.cert.der")),
                "{what}"
            );
            exchange_cs(&mut server, &mut client, &what);
        }
    }
}

/// rustls offers a key share for its first group (X25519); our server, limited to P-256,
/// asks again (RFC 8446 4.1.4).
#[test]
fn rfc8446_4_1_4_our_server_sends_hello_retry_request_to_rustls() {
    let server_cfg = our_server("server-ecdsa")
        .groups(&[NamedGroup::Secp256r1])
        .build()
        .unwrap();
    let cfg = Arc::new(rustls_client("client-ecdsa", provider(&[], &[])));
    let (mut client, mut server) = rustls_to_ours(&cfg, &server_cfg);
    assert_eq!(
        server.handshake_kind(),
        Some(HandshakeKind::Tls13RetryClientCert)
    );
    assert_eq!(
        client.handshake_kind(),
        Some(rustls::HandshakeKind::FullWithHelloRetryRequest)
    );
    assert_eq!(
        server.handshake_summary().unwrap().group,
        Some(NamedGroup::Secp256r1)
    );
    exchange_rc(&mut client, &mut server, "after HRR");
}

/// Our client offers a share for X25519 only; a rustls server limited to P-256 asks again.
#[test]
fn rfc8446_4_1_4_rustls_server_sends_hello_retry_request_to_our_client() {
    use rustls::crypto::ring::kx_group::SECP256R1;
    let server_cfg = Arc::new(rustls_server("server-ecdsa", provider(&[], &[SECP256R1])));
    let cfg = our_client("client-rsa").build().unwrap();
    let (mut client, mut server) = ours_to_rustls(&cfg, &server_cfg);
    assert_eq!(
        client.handshake_kind(),
        Some(HandshakeKind::Tls13RetryClientCert)
    );
    assert_eq!(
        server.handshake_kind(),
        Some(rustls::HandshakeKind::FullWithHelloRetryRequest)
    );
    exchange_cs(&mut server, &mut client, "after HRR");
}

/// A rustls client resumes by ticket against two of our servers sharing ticket keys (no
/// session cache): the second connection is a PSK resumption on both ends, and our server
/// knows the client from the ticket (RFC 8446 2.2, 4.6.1).
#[test]
fn rfc8446_2_2_rustls_client_resumes_by_ticket_against_our_server() {
    let keys = Arc::new(TicketKeys::new(
        TicketKey::generate(&mut mtls::OsRng).unwrap(),
        None,
        3600,
    ));
    let server_cfg = || {
        our_server("server-ecdsa")
            .session_cache(None)
            .ticketer(keys.clone())
            .build()
            .unwrap()
    };
    let cfg = Arc::new(rustls_client("client-ecdsa", provider(&[], &[])));
    let (mut client, mut server) = rustls_to_ours(&cfg, &server_cfg());
    assert_eq!(
        server.handshake_kind(),
        Some(HandshakeKind::Tls13ClientCert)
    );
    assert_eq!(client.handshake_kind(), Some(rustls::HandshakeKind::Full));
    exchange_rc(&mut client, &mut server, "first");

    let (mut client, mut server) = rustls_to_ours(&cfg, &server_cfg());
    assert_eq!(server.handshake_kind(), Some(HandshakeKind::Tls13Psk));
    assert_eq!(
        client.handshake_kind(),
        Some(rustls::HandshakeKind::Resumed)
    );
    assert_eq!(server.is_resumed(), Some(true));
    assert!(server.handshake_summary().unwrap().resumed);
    let who = server.peer_identity().expect("the ticket's identity");
    assert_eq!(who.subject(), "CN=test-client-ecdsa");
    exchange_rc(&mut client, &mut server, "resumed");
}

/// Our client resumes by ticket against a stateless rustls server (tickets sealed by its
/// ticketer, no session storage): resumed on both ends; rustls knows our certificate from
/// the ticket.
#[test]
fn rfc8446_2_2_our_client_resumes_by_ticket_against_rustls_server() {
    let mut server_cfg = rustls_server("server-rsa", provider(&[], &[]));
    server_cfg.ticketer = rustls::crypto::ring::Ticketer::new().unwrap();
    server_cfg.session_storage = Arc::new(rustls::server::NoServerSessionStorage {});
    let server_cfg = Arc::new(server_cfg);
    let cfg = our_client("client-rsa").build().unwrap();
    let (mut client, mut server) = ours_to_rustls(&cfg, &server_cfg);
    assert_eq!(
        client.handshake_kind(),
        Some(HandshakeKind::Tls13ClientCert)
    );
    assert_eq!(server.handshake_kind(), Some(rustls::HandshakeKind::Full));
    exchange_cs(&mut server, &mut client, "first");

    let (mut client, mut server) = ours_to_rustls(&cfg, &server_cfg);
    assert_eq!(client.handshake_kind(), Some(HandshakeKind::Tls13Psk));
    assert_eq!(
        server.handshake_kind(),
        Some(rustls::HandshakeKind::Resumed)
    );
    assert_eq!(client.is_resumed(), Some(true));
    assert_eq!(
        client.peer_identity().map(|p| p.subject().to_string()),
        Some("CN=localhost".to_string()),
        "our client knows the server from the session"
    );
    assert_eq!(
        server.peer_certificates().unwrap()[0].as_ref(),
        &fixture("client-rsa.cert.der")[..],
        "rustls carries our certificate in its ticket"
    );
    exchange_cs(&mut server, &mut client, "resumed");
}

/// KeyUpdate both ways with a rustls client (RFC 8446 4.6.3): rustls's
/// `refresh_traffic_keys()` (update_requested) is answered by ours, ours by rustls's, and
/// data crosses under the new keys after each.
#[test]
fn rfc8446_4_6_3_key_update_with_rustls_client() {
    let server_cfg = our_server("server-ecdsa").build().unwrap();
    let cfg = Arc::new(rustls_client("client-rsa", provider(&[], &[])));
    let (mut client, mut server) = rustls_to_ours(&cfg, &server_cfg);
    exchange_rc(&mut client, &mut server, "before");
    client.refresh_traffic_keys().unwrap();
    exchange_rc(&mut client, &mut server, "after rustls's update");
    server.send_key_update(true).unwrap();
    exchange_rc(&mut client, &mut server, "after our update");
    server.send_key_update(false).unwrap();
    exchange_rc(&mut client, &mut server, "after our unrequested update");
}

/// KeyUpdate both ways with a rustls server.
#[test]
fn rfc8446_4_6_3_key_update_with_rustls_server() {
    let server_cfg = Arc::new(rustls_server("server-rsa", provider(&[], &[])));
    let cfg = our_client("client-ecdsa").build().unwrap();
    let (mut client, mut server) = ours_to_rustls(&cfg, &server_cfg);
    exchange_cs(&mut server, &mut client, "before");
    server.refresh_traffic_keys().unwrap();
    exchange_cs(&mut server, &mut client, "after rustls's update");
    client.send_key_update(true).unwrap();
    exchange_cs(&mut server, &mut client, "after our update");
    client.send_key_update(false).unwrap();
    exchange_cs(&mut server, &mut client, "after our unrequested update");
}

/// rustls never offers post_handshake_auth, so our server may not ask it after the
/// handshake (RFC 8446 4.6.2): the request is refused locally and the connection goes on.
#[test]
fn rfc8446_4_6_2_no_post_handshake_request_to_rustls_client() {
    let server_cfg = ServerConfig::builder()
        .certificate(chain("server-ecdsa"), key("server-ecdsa"))
        .client_auth_post_handshake(our_roots())
        .versions(&TLS13)
        .build()
        .unwrap();
    let cfg = Arc::new(rustls_client("client-ecdsa", provider(&[], &[])));
    let (mut client, mut server) = rustls_to_ours(&cfg, &server_cfg);
    assert!(server.peer_identity().is_none());
    assert!(
        matches!(
            server.request_client_certificate(),
            Err(Error::Unavailable(_))
        ),
        "a request to a client without post_handshake_auth"
    );
    exchange_rc(&mut client, &mut server, "after the refused request");
}

/// rustls's key log, collected in memory.
#[derive(Debug, Default)]
struct RustlsKeyLog(Mutex<Vec<String>>);

impl rustls::KeyLog for RustlsKeyLog {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        self.0.lock().unwrap().push(format!(
            "{label} {} {}",
            hex::encode(client_random),
            hex::encode(secret)
        ));
    }
}

/// Our five TLS 1.3 key log lines (RFC 8446 7.1) are rustls's, line for line, both ways.
#[test]
fn rfc8446_7_1_key_log_matches_rustls_both_ways() {
    // Our server, rustls client.
    let ours = Arc::new(MemoryKeyLog::default());
    let theirs = Arc::new(RustlsKeyLog::default());
    let server_cfg = our_server("server-ecdsa")
        .key_log(ours.clone())
        .build()
        .unwrap();
    let mut cfg = rustls_client("client-rsa", provider(&[], &[]));
    cfg.key_log = theirs.clone();
    let _ = rustls_to_ours(&Arc::new(cfg), &server_cfg);
    let lines = ours.tls13_lines();
    assert_eq!(lines.len(), 5, "{lines:#?}");
    assert_eq!(
        tls13_key_log_lines(&theirs.0.lock().unwrap().join("\n")),
        lines
    );

    // Our client, rustls server.
    let ours = Arc::new(MemoryKeyLog::default());
    let theirs = Arc::new(RustlsKeyLog::default());
    let mut server_cfg = rustls_server("server-rsa", provider(&[], &[]));
    server_cfg.key_log = theirs.clone();
    let cfg = our_client("client-ecdsa")
        .key_log(ours.clone())
        .build()
        .unwrap();
    let _ = ours_to_rustls(&cfg, &Arc::new(server_cfg));
    let lines = ours.tls13_lines();
    assert_eq!(lines.len(), 5, "{lines:#?}");
    assert_eq!(
        tls13_key_log_lines(&theirs.0.lock().unwrap().join("\n")),
        lines
    );
}
