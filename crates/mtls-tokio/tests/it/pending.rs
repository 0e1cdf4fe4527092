//! The transport says Pending often: a 64-byte duplex pipe carries a handshake and a MiB
//! each way; and a dropped pending `accept` drops its transport (the peer sees EOF).

use std::time::Duration;

use mtls_tokio::{TlsAcceptor, TlsConnector};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::timeout;

use crate::{LIMIT, client_config, dial, listen, localhost, server_config};

const MIB: usize = 1024 * 1024;

fn pattern(seed: u8) -> Vec<u8> {
    (0..MIB).map(|i| (i % 251) as u8 ^ seed).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tiny_pipe_handshake_and_a_mib_each_way() {
    timeout(LIMIT, async {
        let (a, b) = tokio::io::duplex(64);
        let acceptor = TlsAcceptor::from(server_config());
        let server = tokio::spawn(async move {
            let tls = acceptor.accept(a).await.unwrap();
            let (mut rd, mut wr) = tokio::io::split(tls);
            let writer = tokio::spawn(async move {
                wr.write_all(&pattern(1)).await.unwrap();
                wr.shutdown().await.unwrap();
            });
            let mut got = Vec::new();
            rd.read_to_end(&mut got).await.unwrap();
            writer.await.unwrap();
            got
        });
        let connector = TlsConnector::from(client_config());
        let tls = connector.connect(localhost(), b).await.unwrap();
        let (mut rd, mut wr) = tokio::io::split(tls);
        let writer = tokio::spawn(async move {
            wr.write_all(&pattern(2)).await.unwrap();
            wr.shutdown().await.unwrap();
        });
        let mut got = Vec::new();
        rd.read_to_end(&mut got).await.unwrap();
        writer.await.unwrap();
        assert!(got == pattern(1), "client received wrong data");
        assert!(
            server.await.unwrap() == pattern(2),
            "server received wrong data"
        );
    })
    .await
    .expect("timed out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_a_pending_accept_drops_the_connection() {
    timeout(LIMIT, async {
        let (listener, addr) = listen().await;
        let acceptor = TlsAcceptor::from(server_config());
        let server = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            // The client sends nothing: accept stays pending until the timeout drops it.
            let r = timeout(Duration::from_millis(200), acceptor.accept(tcp)).await;
            assert!(r.is_err(), "accept completed without a ClientHello");
        });
        let mut tcp = dial(addr).await;
        let mut buf = [0u8; 16];
        // The server wrote nothing and dropped the socket: a clean EOF.
        assert_eq!(tcp.read(&mut buf).await.unwrap(), 0);
        server.await.unwrap();
    })
    .await
    .expect("timed out");
}
