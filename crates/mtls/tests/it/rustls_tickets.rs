//! Session tickets (RFC 5077) with rustls, in memory, both ways: a rustls client resumes by
//! ticket against our server that keeps no session cache, and our client resumes by ticket
//! against a rustls server that keeps none either; client authentication required.

use std::sync::Arc;

use mtls::pki::RootStore;
use mtls::{ClientConfig, ClientConnection, HandshakeKind, ServerConfig, ServerConnection};
use mtls::{TicketKey, TicketKeys};
use mtls_testkit::fixtures::CA;
use mtls_testkit::{chain, key};
use rustls::pki_types::ServerName;

use super::rustls_interop::{our_client_first, pump, roots, rustls_chain, rustls_key};

#[test]
fn rfc5077_a_rustls_client_resumes_by_ticket_against_our_stateless_server() {
    let mut ca = RootStore::new();
    ca.add(&CA.to_vec().into()).unwrap();
    let keys = Arc::new(TicketKeys::new(
        TicketKey::generate(&mut mtls::OsRng).unwrap(),
        None,
        3600,
    ));
    let server_cfg = ServerConfig::builder()
        .certificate(chain("server-ecdsa"), key("server-ecdsa"))
        .client_auth_required(ca)
        .session_cache(None)
        .ticketer(keys)
        .build()
        .unwrap();
    let client_cfg = Arc::new(
        rustls::ClientConfig::builder_with_protocol_versions(&[&rustls::version::TLS12])
            .with_root_certificates(roots())
            .with_client_auth_cert(rustls_chain("client-ecdsa"), rustls_key("client-ecdsa"))
            .unwrap(),
    );
    let mut kinds = Vec::new();
    for _ in 0..2 {
        let mut client = rustls::ClientConnection::new(
            client_cfg.clone(),
            ServerName::try_from("localhost").unwrap(),
        )
        .unwrap();
        let mut server = ServerConnection::new(&server_cfg).unwrap();
        pump(&mut client, &mut server);
        assert!(!client.is_handshaking() && !server.is_handshaking());
        kinds.push((server.handshake_kind().unwrap(), client.handshake_kind()));
        assert!(
            server.peer_identity().is_some(),
            "verified again on resumption"
        );
    }
    assert_eq!(
        kinds,
        [
            (
                HandshakeKind::FullEcdheClientCertTicket,
                Some(rustls::HandshakeKind::Full)
            ),
            (HandshakeKind::Resumed, Some(rustls::HandshakeKind::Resumed)),
        ]
    );
}

#[test]
fn rfc5077_our_client_resumes_by_ticket_against_a_stateless_rustls_server() {
    let verifier = rustls::server::WebPkiClientVerifier::builder(roots())
        .build()
        .unwrap();
    let mut server_cfg =
        rustls::ServerConfig::builder_with_protocol_versions(&[&rustls::version::TLS12])
            .with_client_cert_verifier(verifier)
            .with_single_cert(rustls_chain("server-ecdsa"), rustls_key("server-ecdsa"))
            .unwrap();
    server_cfg.ticketer = rustls::crypto::ring::Ticketer::new().unwrap();
    server_cfg.session_storage = Arc::new(rustls::server::NoServerSessionStorage {});
    let server_cfg = Arc::new(server_cfg);
    let mut ca = RootStore::new();
    ca.add(&CA.to_vec().into()).unwrap();
    let client_cfg = ClientConfig::with_roots(ca)
        .client_certificate(chain("client-ecdsa"), key("client-ecdsa"))
        .build()
        .unwrap();
    let mut kinds = Vec::new();
    for _ in 0..2 {
        let mut server = rustls::ServerConnection::new(server_cfg.clone()).unwrap();
        let mut client = ClientConnection::new(&client_cfg, "localhost").unwrap();
        our_client_first(&mut server, &mut client);
        assert!(!client.is_handshaking() && !server.is_handshaking());
        kinds.push((client.handshake_kind().unwrap(), server.handshake_kind()));
    }
    assert_eq!(kinds[0].0, HandshakeKind::FullEcdheClientCertTicket);
    assert!(kinds[1].0.is_resumption(), "{kinds:?}");
    assert_eq!(kinds[1].1, Some(rustls::HandshakeKind::Resumed));
}
