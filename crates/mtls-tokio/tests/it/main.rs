//! mtls-tokio over TCP on 127.0.0.1: both ends ours, interop with tokio-rustls both ways, a
//! refused client certificate (the alert reaches the peer), close_notify on shutdown, a
//! transport that is often Pending, a dropped pending accept.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod lazy;
mod ours;
mod pending;
mod refused;
mod rustls_interop;
mod shutdown;

use std::sync::Arc;
use std::time::Duration;

use mtls::pki::RootStore;
use mtls::pki_types::ServerName;
use mtls::{ClientConfig, ServerConfig};
use mtls_testkit::fixtures::CA;
use mtls_testkit::{chain, key};
use tokio::net::{TcpListener, TcpStream};

/// The bound on every test's waiting.
pub const LIMIT: Duration = Duration::from_secs(30);

/// A root store of the P-256 test CA.
pub fn roots() -> RootStore {
    let mut r = RootStore::new();
    r.add(&CA.to_vec().into()).unwrap();
    r
}

/// Our server: `server-ecdsa`, client certificates of the test CA required.
pub fn server_config() -> Arc<ServerConfig> {
    Arc::new(
        ServerConfig::builder()
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
