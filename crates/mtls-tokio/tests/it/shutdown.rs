//! `poll_shutdown` sends close_notify: the peer reads a clean end of data (0 bytes, no error).

use mtls_tokio::{TlsAcceptor, TlsConnector};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::timeout;

use crate::{LIMIT, client_config, dial, listen, localhost, server_config};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_sends_close_notify_and_the_peer_reads_eof() {
    timeout(LIMIT, async {
        let (listener, addr) = listen().await;
        let acceptor = TlsAcceptor::from(server_config());
        let server = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            let mut tls = acceptor.accept(tcp).await.unwrap();
            let mut got = Vec::new();
            // read_to_end fails on a truncation; Ok means close_notify came.
            tls.read_to_end(&mut got).await.unwrap();
            let mut buf = [0u8; 8];
            assert_eq!(tls.read(&mut buf).await.unwrap(), 0);
            got
        });
        let connector = TlsConnector::from(client_config());
        let mut tls = connector
            .connect(localhost(), dial(addr).await)
            .await
            .unwrap();
        tls.write_all(b"last words").await.unwrap();
        tls.shutdown().await.unwrap();
        assert_eq!(server.await.unwrap(), b"last words");
        // Writing after close_notify is refused.
        assert!(tls.write_all(b"more").await.is_err());
    })
    .await
    .expect("timed out");
}
