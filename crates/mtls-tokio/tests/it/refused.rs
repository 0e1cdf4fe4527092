//! A client certificate the server refuses: the server's alert reaches the client, which
//! sees it as the inner `mtls::Error` of its `io::Error`, not as a reset.

use std::sync::Arc;

use mtls::pki::RootStore;
use mtls::{AlertDescription, ServerConfig};
use mtls_testkit::fixtures::CA_P384;
use mtls_testkit::{chain, key};
use mtls_tokio::{TlsAcceptor, TlsConnector};
use tokio::time::timeout;

use crate::{LIMIT, client_config, dial, listen, localhost};

fn mtls_error(e: &std::io::Error) -> &mtls::Error {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<mtls::Error>())
        .unwrap_or_else(|| panic!("not an mtls::Error inside: {e:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_client_certificate_alert_reaches_the_client() {
    timeout(LIMIT, async {
        // The server trusts only the P-384 CA; the client's certificate is of the P-256 one.
        let mut roots = RootStore::new();
        roots.add(&CA_P384.to_vec().into()).unwrap();
        let server_cfg = ServerConfig::builder()
            .crypto_provider(crate::test_provider())
            .versions(&[mtls::ProtocolVersion::TLSv1_2])
            .certificate(chain("server-ecdsa"), key("server-ecdsa"))
            .client_auth_required(roots)
            .build()
            .unwrap();
        let acceptor = TlsAcceptor::from(Arc::new(server_cfg));
        let (listener, addr) = listen().await;
        let server = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            acceptor
                .accept(tcp)
                .await
                .err()
                .expect("the server must refuse")
        });
        let connector = TlsConnector::from(client_config());
        let err = connector
            .connect(localhost(), dial(addr).await)
            .await
            .err()
            .expect("the client must fail");
        assert_eq!(
            mtls_error(&err).alert(),
            Some(AlertDescription::UnknownCa),
            "{err}"
        );
        assert!(
            matches!(mtls_error(&err), mtls::Error::AlertReceived(_)),
            "{err:?}"
        );
        let server_err = server.await.unwrap();
        assert_eq!(
            mtls_error(&server_err).alert_sent(),
            Some(AlertDescription::UnknownCa),
            "{server_err}"
        );
    })
    .await
    .expect("timed out");
}

/// TLS 1.3: the client's handshake is over before the server judges its certificate (RFC 8446
/// 4.4.2.4), so `connect` succeeds and the refusal, unknown_ca, is what the first read gets:
/// an alert, not a reset.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rfc8446_4_4_2_4_refused_client_reads_the_alert_on_its_first_read() {
    use tokio::io::AsyncReadExt;
    timeout(LIMIT, async {
        let mut roots = RootStore::new();
        roots.add(&CA_P384.to_vec().into()).unwrap();
        let server_cfg = ServerConfig::builder()
            .crypto_provider(crate::test_provider())
            .certificate(chain("server-ecdsa"), key("server-ecdsa"))
            .client_auth_required(roots)
            .versions(&[mtls::ProtocolVersion::TLSv1_3])
            .build()
            .unwrap();
        let acceptor = TlsAcceptor::from(Arc::new(server_cfg));
        let (listener, addr) = listen().await;
        let server = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            acceptor
                .accept(tcp)
                .await
                .err()
                .expect("the server must refuse")
        });
        let connector = TlsConnector::from(client_config());
        let mut tls = connector
            .connect(localhost(), dial(addr).await)
            .await
            .expect("a TLS 1.3 client finishes its side of the handshake");
        let mut buf = [0u8; 16];
        let err = tls.read(&mut buf).await.expect_err("the refusal arrives");
        assert_eq!(
            mtls_error(&err),
            &mtls::Error::AlertReceived(AlertDescription::UnknownCa),
            "{err}"
        );
        let server_err = server.await.unwrap();
        assert_eq!(
            mtls_error(&server_err).alert_sent(),
            Some(AlertDescription::UnknownCa),
            "{server_err}"
        );
    })
    .await
    .expect("timed out");
}
