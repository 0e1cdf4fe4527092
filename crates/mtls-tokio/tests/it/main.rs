//! mtls-tokio over TCP on 127.0.0.1: both ends ours, interop with tokio-rustls both ways, a
//! refused client certificate (the alert reaches the peer), close_notify on shutdown, a
//! transport that is often Pending, a dropped pending accept; 200 concurrent clients of two
//! identities; the axum and hyper examples (compiled in from `examples/`) against each other
//! and against curl; our client against `openssl s_server -Verify`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod curl;
mod examples;
mod identities;
mod lazy;
mod openssl_server;
mod ours;
mod pending;
mod post_handshake;
mod refused;
mod rustls_interop;
mod shutdown;

// The examples themselves, so that the tests run the code a user reads. Their `main`s and
// some helpers are not used here.
#[allow(dead_code)]
#[path = "../../examples/axum_server.rs"]
mod axum_server;
#[allow(dead_code)]
#[path = "../../examples/hyper_client.rs"]
mod hyper_client;

use std::sync::Arc;
use std::time::Duration;

use mtls::pki::RootStore;
use mtls::pki_types::ServerName;
use mtls::{ClientConfig, ServerConfig};
use mtls_testkit::fixtures::CA;
use mtls_testkit::pki;
use mtls_testkit::{chain, key};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The bound on every test's waiting.
pub const LIMIT: Duration = Duration::from_secs(30);

/// A root store of the P-256 test CA.
pub fn roots() -> RootStore {
    let mut r = RootStore::new();
    r.add(&CA.to_vec().into()).unwrap();
    r
}

/// The provider every configuration of these tests takes: AWS-LC under the `aws-lc` feature
/// (the second pass of `cargo xtask ci`), RustCrypto otherwise, so that the tokio, curl,
/// OpenSSL and rustls tests meet their peers once on each.
pub fn test_provider() -> &'static mtls::CryptoProvider {
    #[cfg(feature = "aws-lc")]
    {
        &mtls::provider::aws_lc::PROVIDER
    }
    #[cfg(not(feature = "aws-lc"))]
    {
        mtls::provider::default_provider()
    }
}

#[test]
fn the_test_configurations_run_on_the_provider_of_the_build() {
    let expected = if cfg!(feature = "aws-lc") {
        "aws-lc-rs"
    } else {
        "rustcrypto"
    };
    assert_eq!(server_config().handshake_config().provider.name, expected);
    assert_eq!(client_config().handshake_config().provider.name, expected);
}

/// Our server: `server-ecdsa`, client certificates of the test CA required.
pub fn server_config() -> Arc<ServerConfig> {
    Arc::new(
        ServerConfig::builder()
            .crypto_provider(crate::test_provider())
            .certificate(chain("server-ecdsa"), key("server-ecdsa"))
            .client_auth_required(roots())
            .build()
            .unwrap(),
    )
}

/// Our client: trusts the test CA, presents `client-ecdsa`.
pub fn client_config() -> Arc<ClientConfig> {
    Arc::new(
        ClientConfig::with_roots(roots())
            .crypto_provider(crate::test_provider())
            .client_certificate(chain("client-ecdsa"), key("client-ecdsa"))
            .build()
            .unwrap(),
    )
}

/// The name every test server's certificate carries.
pub fn localhost() -> ServerName<'static> {
    ServerName::try_from("localhost").unwrap()
}

/// A listener on 127.0.0.1 and a port chosen by the kernel.
pub async fn listen() -> (TcpListener, std::net::SocketAddr) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let a = l.local_addr().unwrap();
    (l, a)
}

/// A TCP connection to `addr`.
pub async fn dial(addr: std::net::SocketAddr) -> TcpStream {
    TcpStream::connect(addr).await.unwrap()
}

/// The axum example's `serve` on 127.0.0.1 with the test PKI's PEM files (`server-ecdsa`,
/// client certificates of the test CA required), read by the example's own `server_config`.
/// Aborted on drop.
pub struct AxumServer {
    /// Where it listens.
    pub addr: std::net::SocketAddr,
    task: JoinHandle<()>,
}

impl AxumServer {
    /// Binds a port and spawns the example's accept loop.
    pub async fn start() -> Self {
        let config = axum_server::server_config(
            pki("server-ecdsa.pem"),
            pki("server-ecdsa.key"),
            pki("ca.pem"),
        )
        .unwrap();
        let (listener, addr) = listen().await;
        let task = tokio::spawn(axum_server::serve(listener, config));
        Self { addr, task }
    }
}

impl Drop for AxumServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
