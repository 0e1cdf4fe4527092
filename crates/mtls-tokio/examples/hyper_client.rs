//! An HTTPS client on hyper 1.x that presents a client certificate (mutual TLS 1.2 through
//! `mtls_tokio::TlsConnector`) and GETs one URL, for instance from the `axum_server`
//! example.
//!
//! What it shows: the TCP connection, then `TlsConnector::connect` with the URL's host as the
//! server name (sent as SNI and checked against the server's certificate), then hyper's
//! HTTP/1.1 client connection on the TLS stream. The response body is read up to a bound.
//!
//! ```text
//! cargo run -p mtls-cli -- certs --out /tmp/pki
//! cargo run -p mtls-tokio --example axum_server -- \
//!     /tmp/pki/server.pem /tmp/pki/server.key /tmp/pki/ca.pem 127.0.0.1:8443 &
//! cargo run -p mtls-tokio --example hyper_client -- \
//!     https://localhost:8443/ /tmp/pki/ca.pem /tmp/pki/client.pem /tmp/pki/client.key
//! ```
//!
//! Arguments: `URL CA CERT KEY` (PEM files: the roots that verify the server, the client's
//! chain and key), or the environment variables `MTLS_URL`, `MTLS_CA`, `MTLS_CERT`,
//! `MTLS_KEY`. Prints the status to stderr and the body to stdout.
#![forbid(unsafe_code)]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper::client::conn::http1;
use hyper::header::HOST;
use hyper::{Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use mtls::ClientConfig;
use mtls::pki_types::ServerName;
use mtls_tokio::TlsConnector;
use tokio::net::TcpStream;

/// Errors of this example, whatever their source.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The most of a response body [`get`] reads.
pub const MAX_BODY: usize = 64 * 1024;

/// How long [`get`] waits for the connection to close after the response.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// The client's configuration from PEM files: the roots that verify the server, and the
/// chain and key it presents.
pub fn client_config(
    ca: impl AsRef<Path>,
    cert: impl AsRef<Path>,
    key: impl AsRef<Path>,
) -> Result<Arc<ClientConfig>, mtls::Error> {
    let config = ClientConfig::with_roots_file(ca)
        .client_certificate_files(cert, key)
        .alpn_protocols(&[b"http/1.1"])
        .build()?;
    Ok(Arc::new(config))
}

/// The host and port of an `https` URL (443 by default), the host without IPv6 brackets.
pub fn host_port(url: &Uri) -> Result<(String, u16), BoxError> {
    if url.scheme_str() != Some("https") {
        return Err(format!("not an https URL: {url}").into());
    }
    let host = url.host().ok_or_else(|| format!("no host in {url}"))?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    Ok((host.to_owned(), url.port_u16().unwrap_or(443)))
}

/// GETs `url` over `tcp`, a connection to its host: the mutual-TLS handshake (the server
/// certificate must be valid for the URL's host), then one HTTP/1.1 request. Returns the
/// status and the body as text; a body longer than [`MAX_BODY`] bytes is an error.
pub async fn get(
    connector: &TlsConnector,
    tcp: TcpStream,
    url: &Uri,
) -> Result<(StatusCode, String), BoxError> {
    let (host, _) = host_port(url)?;
    let name = ServerName::try_from(host)?;
    let tls = connector.connect(name, tcp).await?;
    let (mut sender, connection) = http1::handshake(TokioIo::new(tls)).await?;
    // The connection moves the bytes; it ends once `sender` is dropped.
    let driver = tokio::spawn(async move {
        if let Err(e) = connection.await {
            eprintln!("connection: {e}");
        }
    });
    let path = url.path_and_query().map_or("/", |p| p.as_str());
    let authority = url.authority().map_or("", |a| a.as_str());
    let request = Request::get(path)
        .header(HOST, authority)
        .body(Empty::<Bytes>::new())?;
    let response = sender.send_request(request).await?;
    let status = response.status();
    let body = Limited::new(response.into_body(), MAX_BODY)
        .collect()
        .await?
        .to_bytes();
    drop(sender);
    // The response is complete: give the connection a moment to close (close_notify, FIN);
    // how it ends no longer matters.
    let _ = tokio::time::timeout(CLOSE_TIMEOUT, driver).await;
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

/// A TCP connection to the URL's host: each of its addresses in turn.
pub async fn dial(url: &Uri) -> Result<TcpStream, BoxError> {
    let (host, port) = host_port(url)?;
    let mut last = None;
    for addr in tokio::net::lookup_host((host.as_str(), port)).await? {
        match TcpStream::connect(addr).await {
            Ok(tcp) => return Ok(tcp),
            Err(e) => last = Some(e),
        }
    }
    Err(match last {
        Some(e) => format!("{host}:{port}: {e}").into(),
        None => format!("{host}: no address").into(),
    })
}

/// Argument `n` (from 0) of the command line, else the environment variable `var`.
fn arg(n: usize, var: &str) -> Option<String> {
    std::env::args()
        .nth(n + 1)
        .or_else(|| std::env::var(var).ok())
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let usage = "usage: hyper_client URL CA CERT KEY (or MTLS_URL, MTLS_CA, MTLS_CERT, MTLS_KEY)";
    let (Some(url), Some(ca), Some(cert), Some(key)) = (
        arg(0, "MTLS_URL"),
        arg(1, "MTLS_CA"),
        arg(2, "MTLS_CERT"),
        arg(3, "MTLS_KEY"),
    ) else {
        return Err(usage.into());
    };
    let url: Uri = url.parse()?;
    let connector = TlsConnector::from(client_config(&ca, &cert, &key)?);
    let tcp = dial(&url).await?;
    let (status, body) = get(&connector, tcp, &url).await?;
    eprintln!("{status}");
    print!("{body}");
    Ok(())
}
