//! mtls-tokio against itself: one echoed line with the client's certificate seen, then 200
//! concurrent connections.

use mtls_testkit::leaf;
use mtls_tokio::{TlsAcceptor, TlsConnector};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::time::timeout;

use crate::{LIMIT, client_config, dial, listen, localhost, server_config};

/// Serves `n` connections: reads one line, echoes it, shuts down. Returns the client leaf
/// each saw.
async fn echo_server(n: usize) -> (std::net::SocketAddr, tokio::task::JoinHandle<Vec<Vec<u8>>>) {
    let (listener, addr) = listen().await;
    let acceptor = TlsAcceptor::from(server_config());
    let handle = tokio::spawn(async move {
        let mut tasks = Vec::new();
        for _ in 0..n {
            let (tcp, _) = listener.accept().await.unwrap();
            let acceptor = acceptor.clone();
            tasks.push(tokio::spawn(async move {
                let tls = acceptor.accept(tcp).await.unwrap();
                let peer = tls.get_ref().1.peer_certificates().unwrap()[0].to_vec();
                let mut tls = BufReader::new(tls);
                let mut line = String::new();
                tls.read_line(&mut line).await.unwrap();
                let mut tls = tls.into_inner();
                tls.write_all(line.as_bytes()).await.unwrap();
                tls.shutdown().await.unwrap();
                peer
            }));
        }
        let mut peers = Vec::new();
        for t in tasks {
            peers.push(t.await.unwrap());
        }
        peers
    });
    (addr, handle)
}

async fn echo_once(connector: &TlsConnector, addr: std::net::SocketAddr, line: &str) {
    let tcp = dial(addr).await;
    let mut tls = connector.connect(localhost(), tcp).await.unwrap();
    assert!(!tls.get_ref().1.is_handshaking());
    tls.write_all(line.as_bytes()).await.unwrap();
    tls.flush().await.unwrap();
    let mut got = Vec::new();
    tls.read_to_end(&mut got).await.unwrap();
    assert_eq!(got, line.as_bytes());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn echo_a_line_with_client_certificate() {
    timeout(LIMIT, async {
        let (addr, server) = echo_server(1).await;
        let connector = TlsConnector::from(client_config());
        echo_once(&connector, addr, "hello over tokio\n").await;
        let peers = server.await.unwrap();
        assert_eq!(peers, vec![leaf("client-ecdsa")]);
    })
    .await
    .expect("timed out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_connections() {
    const N: usize = 200;
    timeout(LIMIT * 2, async {
        let (addr, server) = echo_server(N).await;
        let connector = TlsConnector::from(client_config());
        let mut clients = Vec::new();
        for i in 0..N {
            let connector = connector.clone();
            clients.push(tokio::spawn(async move {
                echo_once(&connector, addr, &format!("connection {i}\n")).await;
            }));
        }
        for c in clients {
            c.await.unwrap();
        }
        let peers = server.await.unwrap();
        assert_eq!(peers.len(), N);
        assert!(peers.iter().all(|p| *p == leaf("client-ecdsa")));
    })
    .await
    .expect("timed out");
}
