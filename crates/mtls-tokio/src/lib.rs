//! Mutual TLS (TLS 1.3 and 1.2) on tokio.
//!
//! `mtls-tokio` runs the [`mtls`] facade's sans-IO connections over any tokio transport
//! (`AsyncRead + AsyncWrite + Unpin`: a `TcpStream`, a `UnixStream`, a duplex pipe). Its shape
//! is tokio-rustls's: a [`TlsAcceptor`] and a [`TlsConnector`] made from an
//! `Arc<ServerConfig>` / `Arc<ClientConfig>`, whose `accept` / `connect` complete the
//! handshake and hand back a [`server::TlsStream`] / [`client::TlsStream`] that is itself
//! `AsyncRead + AsyncWrite`. A program on tokio-rustls switches by changing its configs and
//! imports.
//!
//! Depend on this crate, beside `mtls` for the configs, when your service runs on tokio;
//! depend on `mtls` alone for blocking IO (`mtls::StreamOwned`) or your own event loop.
//!
//! Errors are `io::Error`s. A handshake that fails has written its fatal alert to the peer
//! before `accept` / `connect` returns, and the error's inner error is the [`mtls::Error`]
//! (`err.get_ref().and_then(|e| e.downcast_ref::<mtls::Error>())`). Dropping a pending
//! `accept` / `connect` future drops the transport and the connection. In TLS 1.3 the server
//! judges the client's certificate after the client's Finished (RFC 8446 4.4.2.4): a client's
//! `connect` can succeed and the refusal (`unknown_ca`, `certificate_required`) is then the
//! error of its first read.
//!
//! A server that requires client certificates and greets each client by the subject of its
//! verified certificate (the README shows the same program):
//!
//! ```no_run
//! use std::sync::Arc;
//! use mtls::{pki::RootStore, ServerConfig};
//! use mtls_tokio::TlsAcceptor;
//! use tokio::{io::AsyncWriteExt, net::TcpListener};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let config = ServerConfig::builder()
//!         .certificate_files("server.pem", "server.key")
//!         .client_auth_required(RootStore::load("ca.pem")?)
//!         .build()?;
//!     let acceptor = TlsAcceptor::from(Arc::new(config));
//!     let listener = TcpListener::bind("127.0.0.1:8443").await?;
//!     loop {
//!         let (tcp, _) = listener.accept().await?;
//!         let acceptor = acceptor.clone();
//!         tokio::spawn(async move {
//!             let Ok(mut tls) = acceptor.accept(tcp).await else { return };
//!             let who = tls.peer_identity().map(|id| id.subject().to_owned());
//!             let _ = tls.write_all(format!("hello {who:?}\n").as_bytes()).await;
//!             let _ = tls.shutdown().await; // close_notify, then FIN
//!         });
//!     }
//! }
//! ```
//!
//! To choose the configuration per client (per-SNI certificates, client CA roots and
//! client-auth policy in a multi-tenant server), read the ClientHello first with
//! [`LazyConfigAcceptor`].
#![forbid(unsafe_code)]

pub mod client;
mod common;
mod lazy;
mod linger;
mod post_handshake;
pub mod server;
mod stream;

pub use lazy::{LazyConfigAcceptor, StartHandshake};
pub use linger::linger_close;
pub use stream::Stream;

use std::io;
use std::sync::Arc;

use mtls::pki_types::ServerName;
use mtls::{ClientConfig, ClientConnection, ServerConfig, ServerConnection};
use tokio::io::{AsyncRead, AsyncWrite};

pub use mtls;
pub use tokio;

/// Accepts mutual-TLS connections on the server side; cheap to clone (an `Arc` inside).
#[derive(Clone)]
pub struct TlsAcceptor {
    config: Arc<ServerConfig>,
}

impl From<Arc<ServerConfig>> for TlsAcceptor {
    fn from(config: Arc<ServerConfig>) -> Self {
        Self { config }
    }
}

impl TlsAcceptor {
    /// Runs the server handshake over `io`. On failure the fatal alert has been written to
    /// the peer, and the error's inner error is the [`mtls::Error`].
    pub async fn accept<IO>(&self, io: IO) -> io::Result<server::TlsStream<IO>>
    where
        IO: AsyncRead + AsyncWrite + Unpin,
    {
        let session = ServerConnection::new(&self.config).map_err(common::to_io)?;
        common::handshake(io, session).await
    }

    /// The configuration this acceptor uses.
    pub fn config(&self) -> &Arc<ServerConfig> {
        &self.config
    }
}

/// Opens mutual-TLS connections on the client side; cheap to clone (an `Arc` inside).
#[derive(Clone)]
pub struct TlsConnector {
    config: Arc<ClientConfig>,
}

impl From<Arc<ClientConfig>> for TlsConnector {
    fn from(config: Arc<ClientConfig>) -> Self {
        Self { config }
    }
}

impl TlsConnector {
    /// Runs the client handshake over `io` with the server `domain` (a DNS name, sent as
    /// SNI and checked against the server's certificate, or an IP address). On failure the
    /// fatal alert has been written to the peer, and the error's inner error is the
    /// [`mtls::Error`].
    pub async fn connect<IO>(
        &self,
        domain: ServerName<'static>,
        io: IO,
    ) -> io::Result<client::TlsStream<IO>>
    where
        IO: AsyncRead + AsyncWrite + Unpin,
    {
        let name = server_name_str(&domain)?;
        let session = ClientConnection::new(&self.config, &name).map_err(common::to_io)?;
        common::handshake(io, session).await
    }

    /// The configuration this connector uses.
    pub fn config(&self) -> &Arc<ClientConfig> {
        &self.config
    }
}

/// The name `ClientConnection::new` takes: a DNS name as it is, an IP address as its text.
fn server_name_str(name: &ServerName<'_>) -> io::Result<String> {
    match name {
        ServerName::DnsName(dns) => Ok(dns.as_ref().to_owned()),
        ServerName::IpAddress(ip) => Ok(std::net::IpAddr::from(*ip).to_string()),
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "unsupported kind of server name",
        )),
    }
}
