//! An HTTPS server on axum that requires client certificates (mutual TLS 1.2 through
//! `mtls_tokio::TlsAcceptor`) and greets each client by its verified identity.
//!
//! What it shows:
//! - the handshake runs in `TlsAcceptor::accept`, one task per connection; a handshake that
//!   fails (no client certificate, an unknown CA, ...) is logged and the server goes on;
//! - the client's identity is read once per connection from `peer_identity()` (verified by
//!   the configured roots) and handed to every request on that connection, as an axum
//!   `Extension<Client>`;
//! - hyper serves HTTP/1.1 on the TLS stream (ALPN `http/1.1`); axum only routes.
//!
//! Run it with a PKI of your own, or a throwaway one made by the `mtls` CLI:
//!
//! ```text
//! cargo run -p mtls-cli -- certs --out /tmp/pki
//! cargo run -p mtls-tokio --example axum_server -- \
//!     /tmp/pki/server.pem /tmp/pki/server.key /tmp/pki/ca.pem 127.0.0.1:8443
//! curl --cacert /tmp/pki/ca.pem --cert /tmp/pki/client.pem --key /tmp/pki/client.key \
//!     https://localhost:8443/   # hello O=mtls throwaway PKI,CN=mtls demo client
//! curl --cacert /tmp/pki/ca.pem https://localhost:8443/   # refused: alert handshake failure
//! cargo run -p mtls-tokio --example hyper_client -- \
//!     https://localhost:8443/whoami /tmp/pki/ca.pem /tmp/pki/client.pem /tmp/pki/client.key
//! ```
//!
//! Arguments: `CERT KEY CLIENT_CA [ADDR]` (PEM files; ADDR defaults to 127.0.0.1:8443), or
//! the environment variables `MTLS_CERT`, `MTLS_KEY`, `MTLS_CLIENT_CA`, `MTLS_LISTEN`.
//! `GET /` answers `hello <who>`, `GET /whoami` every name in the client's certificate.
#![forbid(unsafe_code)]

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::routing::get;
use axum::{Extension, Router};
use hyper::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use mtls::{PeerIdentity, ServerConfig};
use mtls_tokio::TlsAcceptor;
use tokio::net::{TcpListener, TcpStream};
use tower::Service;

/// How long a client has to complete its handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The verified client of one connection, shared by every request on it.
#[derive(Clone, Debug)]
pub struct Client(pub Arc<PeerIdentity>);

impl Client {
    /// The name to greet: the SPIFFE ID if the certificate has one, else its first SAN DNS
    /// name, else its subject.
    pub fn name(&self) -> &str {
        let id = &self.0;
        id.spiffe_id()
            .or_else(|| id.dns_names().first().map(String::as_str))
            .unwrap_or_else(|| id.subject())
    }
}

/// The server's configuration from PEM files: its chain and key, and the CA(s) whose client
/// certificates it accepts (a client certificate is required).
pub fn server_config(
    cert: impl AsRef<Path>,
    key: impl AsRef<Path>,
    client_ca: impl AsRef<Path>,
) -> Result<Arc<ServerConfig>, mtls::Error> {
    let config = ServerConfig::builder()
        .certificate_files(cert, key)
        .client_auth_required_file(client_ca)
        .alpn_protocols(&[b"http/1.1"])
        .build()?;
    Ok(Arc::new(config))
}

/// The routes. Handlers take the connection's [`Client`] as an `Extension`.
pub fn app() -> Router {
    Router::new()
        .route("/", get(hello))
        .route("/whoami", get(whoami))
}

async fn hello(Extension(client): Extension<Client>) -> String {
    format!("hello {}\n", client.name())
}

async fn whoami(Extension(client): Extension<Client>) -> String {
    let id = &client.0;
    let mut out = format!("subject: {}\n", id.subject());
    for dns in id.dns_names() {
        let _ = writeln!(out, "dns: {dns}");
    }
    for ip in id.ip_addresses() {
        let _ = writeln!(out, "ip: {ip}");
    }
    for uri in id.uris() {
        let _ = writeln!(out, "uri: {uri}");
    }
    if let Some(spiffe) = id.spiffe_id() {
        let _ = writeln!(out, "spiffe: {spiffe}");
    }
    let _ = writeln!(out, "not after: {} (Unix time)", id.not_after());
    out
}

/// Accepts connections on `listener` for as long as the future runs: each in its own task,
/// with its own handshake, then HTTP/1.1 with [`app`]. Nothing a client does stops it.
pub async fn serve(listener: TcpListener, config: Arc<ServerConfig>) {
    let acceptor = TlsAcceptor::from(config);
    let app = app();
    loop {
        match listener.accept().await {
            Ok((tcp, peer)) => {
                tokio::spawn(connection(acceptor.clone(), app.clone(), tcp, peer));
            }
            Err(e) => {
                // Out of file descriptors, say: wait a little rather than spin.
                eprintln!("accept: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// One client: the handshake, its identity, then requests until either side closes.
async fn connection(acceptor: TlsAcceptor, app: Router, mut tcp: TcpStream, peer: SocketAddr) {
    // The handshake borrows the socket, so that after a failure we still hold it and can
    // close it gently (`linger_close`: the client reads our alert, not a reset).
    let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(&mut tcp)).await {
        Ok(Ok(tls)) => tls,
        Ok(Err(e)) => {
            eprintln!("{peer}: handshake failed: {e}");
            mtls_tokio::linger_close(&mut tcp).await;
            return;
        }
        Err(_) => {
            eprintln!("{peer}: handshake timed out");
            return;
        }
    };
    // Client authentication is required, so a completed handshake has a verified identity.
    let Some(identity) = tls.get_ref().1.peer_identity().cloned() else {
        eprintln!("{peer}: no verified client identity");
        return;
    };
    let client = Client(Arc::new(identity));
    eprintln!("{peer}: {}", client.name());
    let service = service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(client.clone());
        // Router is always ready: `call` without `poll_ready` is fine for it.
        app.clone().call(request)
    });
    if let Err(e) = http1::Builder::new()
        .serve_connection(TokioIo::new(tls), service)
        .await
    {
        eprintln!("{peer}: {e}");
    }
}

/// Argument `n` (from 0) of the command line, else the environment variable `var`.
fn arg(n: usize, var: &str) -> Option<String> {
    std::env::args()
        .nth(n + 1)
        .or_else(|| std::env::var(var).ok())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let usage = "usage: axum_server CERT KEY CLIENT_CA [ADDR] \
                 (or MTLS_CERT, MTLS_KEY, MTLS_CLIENT_CA, MTLS_LISTEN)";
    let (Some(cert), Some(key), Some(ca)) = (
        arg(0, "MTLS_CERT"),
        arg(1, "MTLS_KEY"),
        arg(2, "MTLS_CLIENT_CA"),
    ) else {
        return Err(usage.into());
    };
    let addr = arg(3, "MTLS_LISTEN").unwrap_or_else(|| "127.0.0.1:8443".into());
    let config = server_config(&cert, &key, &ca)?;
    let listener = TcpListener::bind(&addr).await?;
    eprintln!("listening on https://{}", listener.local_addr()?);
    serve(listener, config).await;
    Ok(())
}
