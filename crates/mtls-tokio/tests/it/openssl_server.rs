//! The mtls-tokio client against `openssl s_server -Verify 1 -verify_return_error` (client
//! certificates required and verified by OpenSSL with `-CAfile`): the handshake completes,
//! a line goes each way (`-rev` answers it reversed), and OpenSSL reports the client's
//! certificate verified.
//!
//! s_server is started and killed by mtls-testkit (by PID, bounded waits); a missing
//! `openssl` fails the test.

use std::time::Instant;

use mtls_testkit::{pki, start_s_server};
use mtls_tokio::TlsConnector;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::{LIMIT, client_config, localhost};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mtls_tokio_client_against_openssl_s_server_verifying_it() {
    let args = [
        "-cert".to_string(),
        pki("server-ecdsa.pem"),
        "-key".into(),
        pki("server-ecdsa.key"),
        "-CAfile".into(),
        pki("ca.pem"),
        "-Verify".into(),
        "1".into(),
        "-verify_return_error".into(),
        "-naccept".into(),
        "1".into(),
    ];
    // Starting waits (boundedly) for s_server to listen: on a blocking thread.
    let (mut peer, port) = tokio::task::spawn_blocking(move || start_s_server(&args))
        .await
        .unwrap();
    let outcome = timeout(LIMIT, async {
        let tcp = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let mut tls = TlsConnector::from(client_config())
            .connect(localhost(), tcp)
            .await
            .unwrap();
        let conn = tls.get_ref().1;
        assert_eq!(
            conn.protocol_version(),
            Some(mtls::ProtocolVersion::TLSv1_2)
        );
        let server_subject = conn.peer_identity().unwrap().subject().to_owned();
        tls.write_all(b"hello from mtls-tokio\n").await.unwrap();
        tls.flush().await.unwrap();
        let mut tls = BufReader::new(tls);
        let mut echoed = String::new();
        tls.read_line(&mut echoed).await.unwrap();
        tls.into_inner().shutdown().await.unwrap();
        (server_subject, echoed)
    })
    .await;
    let (server_subject, echoed) =
        outcome.unwrap_or_else(|_| panic!("timed out\n{}", peer.describe()));
    assert_eq!(server_subject, "CN=localhost");
    assert_eq!(echoed, "oikot-sltm morf olleh\n", "{}", peer.describe());
    // s_server exits after its one connection (-naccept 1); then its log is complete.
    let exited = tokio::task::spawn_blocking(move || {
        let status = peer.wait_exit(Instant::now() + LIMIT);
        (peer, status)
    })
    .await
    .unwrap();
    let (peer, status) = exited;
    assert!(
        status.is_some(),
        "s_server did not exit\n{}",
        peer.describe()
    );
    let out = peer.output();
    // OpenSSL's verify callback: the client leaf (depth 0) under the test CA (depth 1).
    assert!(
        out.contains("depth=1 CN = mtls test CA") && out.contains("depth=0 CN = test-client-ecdsa"),
        "{}",
        peer.describe()
    );
    assert!(out.contains("verify return:1"), "{}", peer.describe());
    assert!(!out.contains("verify error"), "{}", peer.describe());
    // Its summary of the connection: the client's certificate, verified.
    assert!(
        out.contains("Peer certificate: CN = test-client-ecdsa"),
        "{}",
        peer.describe()
    );
    assert!(out.contains("Verification: OK"), "{}", peer.describe());
}
