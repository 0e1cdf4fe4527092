//! 200 concurrent mtls-tokio clients of two identities (`client-ecdsa`, `client-rsa`) against
//! an mtls-tokio server: every handshake and echo succeeds, and every server-side connection
//! sees, through `peer_identity()`, the identity of the client that is on it.

use std::sync::Arc;

use mtls::ClientConfig;
use mtls_testkit::{chain, key};
use mtls_tokio::{TlsAcceptor, TlsConnector};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::time::timeout;

use crate::{LIMIT, dial, listen, localhost, roots, server_config};

const N: usize = 200;
const CLIENTS: [&str; 2] = ["client-ecdsa", "client-rsa"];

fn connector(name: &str) -> TlsConnector {
    TlsConnector::from(Arc::new(
        ClientConfig::with_roots(roots())
            .crypto_provider(crate::test_provider())
            .client_certificate(chain(name), key(name))
            .build()
            .unwrap(),
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_clients_each_seen_with_its_identity() {
    timeout(LIMIT * 2, async {
        let (listener, addr) = listen().await;
        let acceptor = TlsAcceptor::from(server_config());
        let server = tokio::spawn(async move {
            let mut tasks = Vec::new();
            for _ in 0..N {
                let (tcp, _) = listener.accept().await.unwrap();
                let acceptor = acceptor.clone();
                tasks.push(tokio::spawn(async move {
                    let tls = acceptor.accept(tcp).await.unwrap();
                    let subject = tls
                        .get_ref()
                        .1
                        .peer_identity()
                        .unwrap()
                        .subject()
                        .to_owned();
                    // The client says who it is and which connection this is.
                    let mut tls = BufReader::new(tls);
                    let mut line = String::new();
                    tls.read_line(&mut line).await.unwrap();
                    let mut tls = tls.into_inner();
                    tls.write_all(format!("{subject} {line}").as_bytes())
                        .await
                        .unwrap();
                    tls.shutdown().await.unwrap();
                    (subject, line)
                }));
            }
            let mut seen = Vec::new();
            for t in tasks {
                seen.push(t.await.unwrap());
            }
            seen
        });
        let connectors = CLIENTS.map(connector);
        let mut clients = Vec::new();
        for i in 0..N {
            let (name, connector) = (CLIENTS[i % 2], connectors[i % 2].clone());
            clients.push(tokio::spawn(async move {
                let mut tls = connector
                    .connect(localhost(), dial(addr).await)
                    .await
                    .unwrap();
                let line = format!("{name} {i}\n");
                tls.write_all(line.as_bytes()).await.unwrap();
                tls.flush().await.unwrap();
                let mut got = String::new();
                tls.read_to_string(&mut got).await.unwrap();
                assert_eq!(got, format!("CN=test-{name} {line}"));
            }));
        }
        for c in clients {
            c.await.unwrap();
        }
        let seen = server.await.unwrap();
        assert_eq!(seen.len(), N);
        let mut numbers = Vec::new();
        for (subject, line) in &seen {
            let (name, number) = line.trim_end().split_once(' ').unwrap();
            assert_eq!(subject, &format!("CN=test-{name}"), "{line}");
            numbers.push(number.parse::<usize>().unwrap());
        }
        numbers.sort_unstable();
        assert_eq!(numbers, (0..N).collect::<Vec<_>>());
        for name in CLIENTS {
            let count = seen.iter().filter(|(s, _)| s.ends_with(name)).count();
            assert_eq!(count, N / 2, "{name}");
        }
    })
    .await
    .expect("timed out");
}
