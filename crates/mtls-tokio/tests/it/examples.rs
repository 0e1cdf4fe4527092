//! The hyper client example against the axum server example, in process: each client is
//! greeted by the name in its certificate; a client without one is refused and the server
//! goes on serving.

use hyper::StatusCode;
use mtls::ClientConfig;
use mtls_testkit::pki;
use mtls_tokio::TlsConnector;
use tokio::time::timeout;

use crate::hyper_client::{client_config, get};
use crate::{AxumServer, LIMIT, dial};

fn connector(client: &str) -> TlsConnector {
    TlsConnector::from(
        client_config(
            pki("ca.pem"),
            pki(&format!("{client}.pem")),
            pki(&format!("{client}.key")),
        )
        .unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hyper_client_example_against_axum_server_example() {
    timeout(LIMIT, async {
        let server = AxumServer::start().await;
        let port = server.addr.port();
        for client in ["client-ecdsa", "client-rsa"] {
            let url = format!("https://localhost:{port}/").parse().unwrap();
            let (status, body) = get(&connector(client), dial(server.addr).await, &url)
                .await
                .unwrap();
            assert_eq!(status, StatusCode::OK);
            assert_eq!(body, format!("hello CN=test-{client}\n"));
        }
        let url = format!("https://localhost:{port}/whoami").parse().unwrap();
        let (status, body) = get(&connector("client-ecdsa"), dial(server.addr).await, &url)
            .await
            .unwrap();
        assert_eq!(status, StatusCode::OK);
        assert!(
            body.starts_with("subject: CN=test-client-ecdsa\n"),
            "{body}"
        );
        assert!(body.contains("not after: "), "{body}");
        let url = format!("https://localhost:{port}/nothing").parse().unwrap();
        let (status, _) = get(&connector("client-ecdsa"), dial(server.addr).await, &url)
            .await
            .unwrap();
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await
    .expect("timed out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axum_server_example_refuses_a_client_without_certificate_and_goes_on() {
    timeout(LIMIT, async {
        let server = AxumServer::start().await;
        let url = format!("https://localhost:{}/", server.addr.port())
            .parse()
            .unwrap();
        let anonymous = TlsConnector::from(std::sync::Arc::new(
            ClientConfig::with_roots_file(pki("ca.pem"))
                .crypto_provider(crate::test_provider())
                .versions(&[mtls::ProtocolVersion::TLSv1_2])
                .build()
                .unwrap(),
        ));
        let err = get(&anonymous, dial(server.addr).await, &url)
            .await
            .expect_err("the server requires a client certificate");
        let io = err.downcast_ref::<std::io::Error>().unwrap();
        let mtls_err = io
            .get_ref()
            .and_then(|e| e.downcast_ref::<mtls::Error>())
            .unwrap();
        assert_eq!(
            mtls_err.alert(),
            Some(mtls::AlertDescription::HandshakeFailure),
            "{mtls_err}"
        );
        let (status, body) = get(&connector("client-ecdsa"), dial(server.addr).await, &url)
            .await
            .unwrap();
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, "hello CN=test-client-ecdsa\n");
    })
    .await
    .expect("timed out");
}
