//! LazyConfigAcceptor over TCP: a server with two tenants picks each client's configuration
//! (certificate, client CA roots) by SNI name; an unknown name is refused with
//! unrecognized_name; a first message that is not a ClientHello gets its alert.

use std::sync::Arc;

use mtls::pki::RootStore;
use mtls::pki_types::ServerName;
use mtls::server::Acceptor;
use mtls::{AlertDescription, ClientConfig, ServerConfig};
use mtls_testkit::fixtures::{CA, CA_P384};
use mtls_testkit::{chain, key};
use mtls_tokio::{LazyConfigAcceptor, TlsConnector};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::time::timeout;

use crate::{LIMIT, dial, listen, roots};

fn mtls_error(e: &std::io::Error) -> &mtls::Error {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<mtls::Error>())
        .unwrap_or_else(|| panic!("not an mtls::Error inside: {e:?}"))
}

/// `localhost` takes client certificates of the P-256 CA, `other.example` of the P-384 CA.
fn tenant(name: &str) -> Option<Arc<ServerConfig>> {
    let (cert, ca) = match name {
        "localhost" => ("server-ecdsa", CA),
        "other.example" => ("server-other", CA_P384),
        _ => return None,
    };
    let mut client_roots = RootStore::new();
    client_roots.add(&ca.to_vec().into()).unwrap();
    Some(Arc::new(
        ServerConfig::builder()
            .crypto_provider(crate::test_provider())
            .certificate(chain(cert), key(cert))
            .client_auth_required(client_roots)
            .build()
            .unwrap(),
    ))
}

/// Serves one connection: the tenant by SNI, else unrecognized_name. Returns the client's
/// identity's subject, or the error.
async fn serve_one(listener: TcpListener) -> Result<String, std::io::Error> {
    let (tcp, _) = listener.accept().await.unwrap();
    let start = LazyConfigAcceptor::new(Acceptor::default(), tcp).await?;
    let Some(config) = start.client_hello().server_name().and_then(tenant) else {
        return Err(start
            .refuse(AlertDescription::UnrecognizedName, "no such tenant")
            .await);
    };
    let mut tls = start.into_stream(config).await?;
    let subject = tls.peer_identity().unwrap().subject().to_owned();
    let mut buf = [0u8; 4];
    tls.read_exact(&mut buf).await?;
    tls.write_all(&buf).await?;
    tls.shutdown().await?;
    Ok(subject)
}

fn client(cert: &str) -> TlsConnector {
    TlsConnector::from(Arc::new(
        ClientConfig::with_roots(roots())
            .crypto_provider(crate::test_provider())
            .client_certificate(chain(cert), key(cert))
            .build()
            .unwrap(),
    ))
}

/// One client connection to a fresh server; the client's result and the server's.
async fn connect(cert: &str, name: &str) -> (std::io::Result<()>, Result<String, std::io::Error>) {
    let (listener, addr) = listen().await;
    let server = tokio::spawn(serve_one(listener));
    let name = ServerName::try_from(name.to_owned()).unwrap();
    let client = async {
        let mut tls = client(cert).connect(name, dial(addr).await).await?;
        tls.write_all(b"ping").await?;
        let mut buf = [0u8; 4];
        tls.read_exact(&mut buf).await?;
        assert_eq!(&buf, b"ping");
        Ok(())
    }
    .await;
    (client, server.await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_sni_name_gets_its_tenants_certificate_and_client_roots() {
    timeout(LIMIT, async {
        let (c, s) = connect("client-ecdsa", "localhost").await;
        c.unwrap();
        assert!(
            s.unwrap().contains("client"),
            "the server saw the client's subject"
        );

        let (c, s) = connect("client-p384", "other.example").await;
        c.unwrap();
        s.unwrap();

        // A P-256 client is a stranger to other.example, whose roots are P-384.
        let (c, s) = connect("client-ecdsa", "other.example").await;
        let c = c.unwrap_err();
        assert_eq!(mtls_error(&c).alert(), Some(AlertDescription::UnknownCa));
        assert_eq!(
            mtls_error(&s.unwrap_err()).alert(),
            Some(AlertDescription::UnknownCa)
        );
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rfc6066_3_an_unknown_name_is_refused_with_unrecognized_name() {
    timeout(LIMIT, async {
        let (c, s) = connect("client-ecdsa", "nobody.example").await;
        assert_eq!(
            mtls_error(&c.unwrap_err()),
            &mtls::Error::AlertReceived(AlertDescription::UnrecognizedName)
        );
        assert_eq!(
            mtls_error(&s.unwrap_err()).alert(),
            Some(AlertDescription::UnrecognizedName)
        );
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rfc5246_7_3_a_first_message_other_than_client_hello_gets_unexpected_message() {
    timeout(LIMIT, async {
        let (listener, addr) = listen().await;
        let server = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            LazyConfigAcceptor::new(Acceptor::default(), tcp)
                .await
                .err()
                .expect("refused")
        });
        let mut tcp = dial(addr).await;
        // A ServerHelloDone where the ClientHello belongs.
        tcp.write_all(&[22, 3, 3, 0, 4, 14, 0, 0, 0]).await.unwrap();
        let mut alert = Vec::new();
        tcp.read_to_end(&mut alert).await.unwrap();
        assert_eq!(alert, [21, 3, 3, 0, 2, 2, 10], "fatal unexpected_message");
        let e = server.await.unwrap();
        assert_eq!(
            mtls_error(&e).alert(),
            Some(AlertDescription::UnexpectedMessage)
        );
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_leaves_before_its_hello_is_whole_is_an_eof() {
    timeout(LIMIT, async {
        let (listener, addr) = listen().await;
        let server = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            LazyConfigAcceptor::new(Acceptor::default(), tcp)
                .await
                .err()
                .expect("no hello")
        });
        let mut tcp = dial(addr).await;
        tcp.write_all(&[22, 3, 3, 0, 200, 1, 0]).await.unwrap();
        drop(tcp);
        let e = server.await.unwrap();
        assert_eq!(e.kind(), std::io::ErrorKind::UnexpectedEof);
    })
    .await
    .unwrap();
}
