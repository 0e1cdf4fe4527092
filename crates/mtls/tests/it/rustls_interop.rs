//! Interop with rustls, in memory: a rustls client against an mtls server and an mtls client
//! against a rustls server, client authentication required, every ECDHE suite both stacks
//! implement, RSA-2048 and ECDSA P-256 certificates on both sides.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{Read, Write};
use std::sync::Arc;

use mtls::{
    ClientAuthPolicy, ClientConfig, ClientConnection, ConnectionCommon, NegotiatedSuite,
    ServerConfig, ServerConnection, SupportedSuite, suites,
};
use mtls_testkit::{Side, TrustAll, chain as our_chain, fixture, key as our_key, pump_ok};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};

pub(super) fn rustls_chain(name: &str) -> Vec<rustls::pki_types::CertificateDer<'static>> {
    vec![
        fixture(&format!("{name}.cert.der")).into(),
        fixture("ca.cert.der").into(),
    ]
}

pub(super) fn rustls_key(name: &str) -> PrivateKeyDer<'static> {
    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(fixture(&format!(
        "{name}.key.der"
    ))))
}

pub(super) fn roots() -> Arc<rustls::RootCertStore> {
    let mut r = rustls::RootCertStore::empty();
    r.add(fixture("ca.cert.der").into()).unwrap();
    Arc::new(r)
}

fn provider_with(suite: rustls::SupportedCipherSuite) -> Arc<rustls::crypto::CryptoProvider> {
    let mut p = rustls::crypto::ring::default_provider();
    p.cipher_suites = vec![suite];
    Arc::new(p)
}

/// The ECDHE suites both stacks implement, as (ours, theirs, server key type).
fn suite_pairs() -> Vec<(SupportedSuite, rustls::SupportedCipherSuite, &'static str)> {
    use rustls::crypto::ring::cipher_suite as r;
    vec![
        (
            suites::ECDHE_ECDSA_AES128_GCM,
            r::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            "server-ecdsa",
        ),
        (
            suites::ECDHE_ECDSA_AES256_GCM,
            r::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            "server-ecdsa",
        ),
        (
            suites::ECDHE_ECDSA_CHACHA20,
            r::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            "server-ecdsa",
        ),
        (
            suites::ECDHE_RSA_AES128_GCM,
            r::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            "server-rsa",
        ),
        (
            suites::ECDHE_RSA_AES256_GCM,
            r::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            "server-rsa",
        ),
        (
            suites::ECDHE_RSA_CHACHA20,
            r::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
            "server-rsa",
        ),
    ]
}

/// A rustls connection as one end of the testkit's pump: rustls takes a bounded number of
/// bytes per `read_tls`, so it reads until every byte is taken.
pub(super) struct Theirs<'a, D>(pub(super) &'a mut rustls::ConnectionCommon<D>);

impl<D> Side for Theirs<'_, D> {
    type Error = rustls::Error;

    fn send(&mut self, out: &mut Vec<u8>) {
        while self.0.wants_write() {
            self.0.write_tls(out).unwrap();
        }
    }

    fn receive(&mut self, bytes: &[u8]) -> Result<(), rustls::Error> {
        let mut rd = bytes;
        while !rd.is_empty() {
            self.0.read_tls(&mut rd).unwrap();
            self.0.process_new_packets()?;
        }
        Ok(())
    }
}

/// A handshake of our client with a rustls server: our ClientHello, queued when the client
/// was made, goes first, then bytes move both ways until both are quiet.
pub(super) fn our_client_first(
    server: &mut rustls::ServerConnection,
    client: &mut ClientConnection,
) {
    let mut buf = Vec::new();
    while client.wants_write() {
        client.write_tls(&mut buf).unwrap();
    }
    let mut rd = &buf[..];
    while !rd.is_empty() {
        server.read_tls(&mut rd).unwrap();
        server.process_new_packets().unwrap();
    }
    pump(server, client);
}

/// Moves bytes between a rustls connection and ours until both are quiet; both must be fine.
pub(super) fn pump<C, D>(theirs: &mut rustls::ConnectionCommon<D>, ours: &mut C)
where
    C: std::ops::DerefMut<Target = ConnectionCommon>,
{
    pump_ok(&mut Theirs(theirs), &mut **ours);
}

#[test]
fn rustls_client_against_mtls_server_every_suite_both_key_types() {
    for (ours, theirs, server_cert) in suite_pairs() {
        for client_cert in ["client-rsa", "client-ecdsa"] {
            let server_cfg = ServerConfig::builder()
                .crypto_provider(crate::peers::test_provider())
                .certificate(our_chain(server_cert), our_key(server_cert))
                .client_auth(ClientAuthPolicy::Required, Arc::new(TrustAll))
                .cipher_suites(&[ours])
                .build()
                .unwrap();
            let client_cfg = rustls::ClientConfig::builder_with_provider(provider_with(theirs))
                .with_protocol_versions(&[&rustls::version::TLS12])
                .unwrap()
                .with_root_certificates(roots())
                .with_client_auth_cert(rustls_chain(client_cert), rustls_key(client_cert))
                .unwrap();
            let mut client = rustls::ClientConnection::new(
                Arc::new(client_cfg),
                ServerName::try_from("localhost").unwrap(),
            )
            .unwrap();
            let mut server = ServerConnection::new(&server_cfg).unwrap();
            pump(&mut client, &mut server);
            assert!(!client.is_handshaking(), "{:?} {client_cert}", ours.suite);
            assert!(!server.is_handshaking());
            assert_eq!(
                server.negotiated_cipher_suite().unwrap(),
                NegotiatedSuite::Tls12(ours)
            );
            assert_eq!(server.extended_master_secret(), Some(true));
            assert_eq!(
                server.peer_certificates().unwrap()[0].to_vec(),
                fixture(&format!("{client_cert}.cert.der"))
            );
            client.writer().write_all(b"from rustls").unwrap();
            server.writer().write_all(b"from mtls").unwrap();
            pump(&mut client, &mut server);
            let mut got = [0u8; 11];
            server.reader().read_exact(&mut got).unwrap();
            assert_eq!(&got, b"from rustls");
            let mut got = [0u8; 9];
            client.reader().read_exact(&mut got).unwrap();
            assert_eq!(&got, b"from mtls");
        }
    }
}

#[test]
fn mtls_client_against_rustls_server_every_suite_both_key_types() {
    for (ours, theirs, server_cert) in suite_pairs() {
        for client_cert in ["client-rsa", "client-ecdsa"] {
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                roots(),
                provider_with(theirs),
            )
            .build()
            .unwrap();
            let server_cfg = rustls::ServerConfig::builder_with_provider(provider_with(theirs))
                .with_protocol_versions(&[&rustls::version::TLS12])
                .unwrap()
                .with_client_cert_verifier(verifier)
                .with_single_cert(rustls_chain(server_cert), rustls_key(server_cert))
                .unwrap();
            let client_cfg = ClientConfig::builder(Arc::new(TrustAll))
                .crypto_provider(crate::peers::test_provider())
                .client_certificate(our_chain(client_cert), our_key(client_cert))
                .cipher_suites(&[ours])
                .build()
                .unwrap();
            let mut server = rustls::ServerConnection::new(Arc::new(server_cfg)).unwrap();
            let mut client = ClientConnection::new(&client_cfg, "localhost").unwrap();
            our_client_first(&mut server, &mut client);
            assert!(!client.is_handshaking(), "{:?} {client_cert}", ours.suite);
            assert!(!server.is_handshaking());
            assert_eq!(
                client.negotiated_cipher_suite().unwrap(),
                NegotiatedSuite::Tls12(ours)
            );
            assert_eq!(client.extended_master_secret(), Some(true));
            let peer = server.peer_certificates().unwrap();
            assert_eq!(
                peer[0].as_ref(),
                &fixture(&format!("{client_cert}.cert.der"))[..]
            );
            client.writer().write_all(b"from mtls").unwrap();
            server.writer().write_all(b"from rustls").unwrap();
            pump(&mut server, &mut client);
            let mut got = [0u8; 9];
            server.reader().read_exact(&mut got).unwrap();
            assert_eq!(&got, b"from mtls");
            let mut got = [0u8; 11];
            client.reader().read_exact(&mut got).unwrap();
            assert_eq!(&got, b"from rustls");
        }
    }
}
