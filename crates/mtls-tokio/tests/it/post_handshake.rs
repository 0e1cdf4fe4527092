//! TLS 1.3 after the handshake on tokio, both ends ours: the server asks for the client's
//! certificate after the first line (`TlsStream::request_client_certificate`, RFC 8446
//! 4.6.2) and learns who it is; the request is refused locally on TLS 1.2; KeyUpdates both
//! ways (`send_key_update`, RFC 8446 4.6.3) with data crossing after them.

use std::sync::Arc;

use mtls::{ClientConfig, Error, ProtocolVersion, ServerConfig};
use mtls_testkit::{chain, key};
use mtls_tokio::{TlsAcceptor, TlsConnector};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::time::timeout;

use crate::{LIMIT, dial, listen, localhost, roots};

fn server(versions: &[ProtocolVersion]) -> Arc<ServerConfig> {
    Arc::new(
        ServerConfig::builder()
            .crypto_provider(crate::test_provider())
            .versions(versions)
            .certificate(chain("server-ecdsa"), key("server-ecdsa"))
            .client_auth_post_handshake(roots())
            .build()
            .unwrap(),
    )
}

fn client(versions: &[ProtocolVersion]) -> Arc<ClientConfig> {
    Arc::new(
        ClientConfig::with_roots(roots())
            .crypto_provider(crate::test_provider())
            .versions(versions)
            .client_certificate(chain("client-ecdsa"), key("client-ecdsa"))
            .build()
            .unwrap(),
    )
}

/// One connection: the client sends a line and reads everything back; the server reads the
/// line, asks for the certificate, and answers with what it then knows. What the client
/// read, and the server's (identity before, request result, identity after).
async fn ask_after_first_line(
    versions: &[ProtocolVersion],
) -> (String, (Option<String>, Result<(), String>, Option<String>)) {
    let (listener, addr) = listen().await;
    let acceptor = TlsAcceptor::from(server(versions));
    let server = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut tls = acceptor.accept(tcp).await.unwrap();
        let subject = |tls: &mtls_tokio::server::TlsStream<_>| {
            tls.peer_identity().map(|p| p.subject().to_string())
        };
        let before = subject(&tls);
        let mut line = [0u8; 6];
        tls.read_exact(&mut line).await.unwrap();
        assert_eq!(&line, b"hello\n");
        let asked = tls.request_client_certificate().await;
        let asked = asked.map_err(
            |e| match e.get_ref().and_then(|i| i.downcast_ref::<Error>()) {
                Some(Error::Unavailable(_)) => "unavailable".to_string(),
                _ => e.to_string(),
            },
        );
        let after = subject(&tls);
        let who = after.clone().unwrap_or_else(|| "nobody".into());
        tls.write_all(format!("{who}\n").as_bytes()).await.unwrap();
        tls.shutdown().await.unwrap();
        (before, asked, after)
    });
    let connector = TlsConnector::from(client(versions));
    let mut tls = connector
        .connect(localhost(), dial(addr).await)
        .await
        .unwrap();
    tls.write_all(b"hello\n").await.unwrap();
    let mut got = String::new();
    tls.read_to_string(&mut got).await.unwrap();
    (got, server.await.unwrap())
}

#[tokio::test]
async fn rfc8446_4_6_2_request_client_certificate_after_first_line() {
    timeout(LIMIT, async {
        let (got, (before, asked, after)) = ask_after_first_line(&[ProtocolVersion::TLSv1_3]).await;
        assert_eq!(before, None);
        assert_eq!(asked, Ok(()));
        assert_eq!(after.as_deref(), Some("CN=test-client-ecdsa"));
        assert_eq!(got, "CN=test-client-ecdsa\n");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn request_client_certificate_on_tls12_is_unavailable_and_the_connection_goes_on() {
    timeout(LIMIT, async {
        let (got, (before, asked, after)) = ask_after_first_line(&[ProtocolVersion::TLSv1_2]).await;
        assert_eq!(before, None);
        assert_eq!(asked, Err("unavailable".to_string()));
        assert_eq!(after, None);
        assert_eq!(got, "nobody\n");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn rfc8446_4_6_3_key_updates_both_ways() {
    timeout(LIMIT, async {
        let v = [ProtocolVersion::TLSv1_3];
        let (listener, addr) = listen().await;
        let acceptor = TlsAcceptor::from(Arc::new(
            ServerConfig::builder()
                .crypto_provider(crate::test_provider())
                .versions(&v)
                .certificate(chain("server-ecdsa"), key("server-ecdsa"))
                .client_auth_required(roots())
                .build()
                .unwrap(),
        ));
        let server = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            let tls = acceptor.accept(tcp).await.unwrap();
            let mut tls = BufReader::new(tls);
            let mut line = String::new();
            tls.read_line(&mut line).await.unwrap();
            assert_eq!(line, "one\n");
            // Ours, asking the client to update too; then a line under the new keys.
            tls.get_mut().send_key_update(true).await.unwrap();
            tls.get_mut().write_all(b"two\n").await.unwrap();
            line.clear();
            // The client's line after its own (requested and unrequested) KeyUpdates.
            tls.read_line(&mut line).await.unwrap();
            assert_eq!(line, "three\n");
            tls.get_mut().write_all(b"four\n").await.unwrap();
            tls.get_mut().shutdown().await.unwrap();
        });
        let mut tls = TlsConnector::from(client(&v))
            .connect(localhost(), dial(addr).await)
            .await
            .unwrap();
        tls.write_all(b"one\n").await.unwrap();
        let mut two = [0u8; 4];
        tls.read_exact(&mut two).await.unwrap();
        assert_eq!(&two, b"two\n");
        tls.send_key_update(false).await.unwrap();
        tls.write_all(b"three\n").await.unwrap();
        let mut rest = String::new();
        tls.read_to_string(&mut rest).await.unwrap();
        assert_eq!(rest, "four\n");
        server.await.unwrap();
    })
    .await
    .unwrap();
}
