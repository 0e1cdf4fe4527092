//! tokio-rustls against mtls-tokio over TCP, both ways, TLS 1.2 with client certificates.

use std::sync::Arc;

use mtls_testkit::fixtures::CA;
use mtls_testkit::{fixture, leaf};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::timeout;

use crate::{LIMIT, client_config, dial, listen, localhost, server_config};

fn rustls_chain(name: &str) -> Vec<CertificateDer<'static>> {
    vec![leaf(name).into(), CA.to_vec().into()]
}

fn rustls_key(name: &str) -> PrivateKeyDer<'static> {
    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(fixture(&format!(
        "{name}.key.der"
    ))))
}

fn rustls_roots() -> Arc<rustls::RootCertStore> {
    let mut r = rustls::RootCertStore::empty();
    r.add(CA.to_vec().into()).unwrap();
    Arc::new(r)
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokio_rustls_client_against_mtls_tokio_server() {
    timeout(LIMIT, async {
        let (listener, addr) = listen().await;
        let acceptor = mtls_tokio::TlsAcceptor::from(server_config());
        let server = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            let mut tls = acceptor.accept(tcp).await.unwrap();
            let peer = tls.get_ref().1.peer_certificates().unwrap()[0].to_vec();
            let mut got = [0u8; 11];
            tls.read_exact(&mut got).await.unwrap();
            tls.write_all(b"from mtls").await.unwrap();
            tls.shutdown().await.unwrap();
            (peer, got)
        });
        let cfg = rustls::ClientConfig::builder_with_provider(provider())
            .with_protocol_versions(&[&rustls::version::TLS12])
            .unwrap()
            .with_root_certificates(rustls_roots())
            .with_client_auth_cert(rustls_chain("client-rsa"), rustls_key("client-rsa"))
            .unwrap();
        let connector = tokio_rustls::TlsConnector::from(Arc::new(cfg));
        let mut tls = connector
            .connect(localhost(), dial(addr).await)
            .await
            .unwrap();
        assert_eq!(
            tls.get_ref().1.protocol_version(),
            Some(rustls::ProtocolVersion::TLSv1_2)
        );
        tls.write_all(b"from rustls").await.unwrap();
        let mut got = Vec::new();
        // rustls reports a missing close_notify as an error: Ok means ours arrived.
        tls.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, b"from mtls");
        let (peer, got) = server.await.unwrap();
        assert_eq!(peer, leaf("client-rsa"));
        assert_eq!(&got, b"from rustls");
    })
    .await
    .expect("timed out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mtls_tokio_client_against_tokio_rustls_server() {
    timeout(LIMIT, async {
        let verifier =
            rustls::server::WebPkiClientVerifier::builder_with_provider(rustls_roots(), provider())
                .build()
                .unwrap();
        let cfg = rustls::ServerConfig::builder_with_provider(provider())
            .with_protocol_versions(&[&rustls::version::TLS12])
            .unwrap()
            .with_client_cert_verifier(verifier)
            .with_single_cert(rustls_chain("server-rsa"), rustls_key("server-rsa"))
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(cfg));
        let (listener, addr) = listen().await;
        let server = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            let mut tls = acceptor.accept(tcp).await.unwrap();
            let peer = tls.get_ref().1.peer_certificates().unwrap()[0].to_vec();
            let mut got = [0u8; 9];
            tls.read_exact(&mut got).await.unwrap();
            tls.write_all(b"from rustls").await.unwrap();
            tls.shutdown().await.unwrap();
            (peer, got)
        });
        let connector = mtls_tokio::TlsConnector::from(client_config());
        let mut tls = connector
            .connect(localhost(), dial(addr).await)
            .await
            .unwrap();
        assert_eq!(
            tls.get_ref().1.protocol_version(),
            Some(mtls::ProtocolVersion::TLSv1_2)
        );
        tls.write_all(b"from mtls").await.unwrap();
        let mut got = Vec::new();
        tls.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, b"from rustls");
        let (peer, got) = server.await.unwrap();
        assert_eq!(peer, leaf("client-ecdsa"));
        assert_eq!(&got, b"from mtls");
    })
    .await
    .expect("timed out");
}
