//! Shared machinery of the facade interop tests against real peers (OpenSSL, GnuTLS, Python's
//! `ssl`): child processes under a kill guard, free ports, our facade server in a thread, our
//! facade client over TCP, key logs, and paths of the test PKI.
//!
//! Every wait is bounded: sockets have 10 s read and write timeouts, every test has a 20 s
//! deadline, and every child process is killed by its PID when its guard drops. A missing
//! peer binary fails the test, naming the binary (never a skip).
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

pub mod tls13;

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use mtls::{
    CertificateDer, ClientConfig, ClientConnection, HandshakeSummary, ServerConfig,
    ServerConnection, StreamOwned, TimeProvider,
};
// The shared test PKI (PEM files, `pki("ca.pem")`), key logs and peer processes.
pub use mtls_testkit::{
    IO_TIMEOUT, LocalServer, MemoryKeyLog, Peer, TEST_TIMEOUT, TempDir, TempFile, connect, pki,
    require, run_gnutls_cli, run_s_client, start_gnutls_serv, start_s_server,
};

/// A file of this crate's extra test PKI (tests/pki, made by tests/pki/make.sh).
pub fn local_pki(name: &str) -> String {
    format!("{}/tests/pki/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A file next to this module (the Python peer scripts).
pub fn peer_script(name: &str) -> String {
    format!("{}/tests/it/peers/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The leaf certificate (DER) of a PEM file.
pub fn leaf_of(pem_path: &str) -> CertificateDer<'static> {
    mtls::pki::load_certs(pem_path).unwrap().remove(0)
}

/// The trusted roots of the shared test PKI.
pub fn roots() -> mtls::pki::RootStore {
    mtls::pki::RootStore::load(pki("ca.pem")).unwrap()
}

/// A clock stopped at `.0` seconds since the Unix epoch.
pub struct FixedClock(pub u64);

impl TimeProvider for FixedClock {
    fn now(&self) -> u64 {
        self.0
    }
}

/// The `mtls::Error` inside an I/O error of the facade, if that is what it is.
pub fn tls_error(e: &io::Error) -> Option<mtls::Error> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<mtls::Error>())
        .cloned()
}

// ---- our facade client ----

/// A facade client stream to 127.0.0.1:`port` for `server_name` (not yet handshaken).
pub fn facade_client(
    config: &ClientConfig,
    server_name: &str,
    port: u16,
    peer: &mut Peer,
) -> StreamOwned<ClientConnection, TcpStream> {
    let sock = connect(port, peer);
    StreamOwned::new(ClientConnection::new(config, server_name).unwrap(), sock)
}

/// Our facade client against a line-answering peer on `port` (`s_server -rev`, say): the
/// handshake (a failure panics, naming `what` and the peer's output), one `line` out, the
/// answer checked against `expected`, close_notify; the handshake summary.
pub fn exchange_line(
    config: &ClientConfig,
    port: u16,
    peer: &mut Peer,
    what: &str,
    line: &[u8],
    expected: &[u8],
) -> HandshakeSummary {
    let mut tls = facade_client(config, "localhost", port, peer);
    if let Err(e) = tls.handshake() {
        std::thread::sleep(Duration::from_millis(200));
        panic!("our client against {what}: {e}\n{}", peer.describe());
    }
    tls.write_all(line).unwrap();
    let (echo, err) = read_line(&mut tls);
    assert!(err.is_none(), "{err:?}\n{}", peer.describe());
    assert_eq!(
        String::from_utf8_lossy(&echo),
        String::from_utf8_lossy(expected),
        "{}",
        peer.describe()
    );
    let _ = tls.close();
    tls.conn.handshake_summary().unwrap().clone()
}

/// Reads until a newline, the end of the stream, or an error; returns what arrived and the
/// error, if any.
pub fn read_line(r: &mut impl Read) -> (Vec<u8>, Option<io::Error>) {
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    while !got.contains(&b'\n') {
        match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => return (got, Some(e)),
        }
    }
    (got, None)
}

// ---- our facade server, in a thread ----

/// The reply of our server to a line: a prefix makes it easy to spot.
pub const ECHO_PREFIX: &str = "mtls-echo: ";

/// What happened on one connection to our facade server.
#[derive(Debug)]
pub struct Served {
    /// The handshake summary (None if the handshake failed).
    pub summary: Option<HandshakeSummary>,
    /// The first error, as displayed.
    pub error: Option<String>,
    /// The TLS error inside it, if it was one.
    pub tls_error: Option<mtls::Error>,
    /// The line received.
    pub received: Vec<u8>,
}

impl Served {
    pub fn peer_certificates(&self) -> &[CertificateDer<'_>] {
        self.summary
            .as_ref()
            .map_or(&[][..], |s| s.peer_certificates.as_slice())
    }
}

/// Our facade server on 127.0.0.1:0 in a thread: for each connection, handshake, read one
/// line, answer `ECHO_PREFIX` + line, close_notify (mtls-testkit's accept loop).
pub type FacadeServer = LocalServer<Served>;

/// Serves at most `max_conns` connections with `config`, until the deadline or
/// [`LocalServer::finish`].
pub fn facade_server(config: ServerConfig, max_conns: usize, deadline: Instant) -> FacadeServer {
    LocalServer::start(max_conns, deadline, move |sock| serve_one(&config, sock))
}

fn serve_one(config: &ServerConfig, sock: TcpStream) -> Served {
    sock.set_nonblocking(false).unwrap();
    sock.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    sock.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    sock.set_nodelay(true).unwrap();
    let mut tls = StreamOwned::new(ServerConnection::new(config).unwrap(), sock);
    let fail =
        |tls: &StreamOwned<ServerConnection, TcpStream>, e: io::Error, got: Vec<u8>| Served {
            summary: tls.conn.handshake_summary().cloned(),
            error: Some(e.to_string()),
            tls_error: tls_error(&e),
            received: got,
        };
    if let Err(e) = tls.handshake() {
        return fail(&tls, e, Vec::new());
    }
    let mut line = Vec::new();
    let read = BufReader::new(&mut tls).read_until(b'\n', &mut line);
    if let Err(e) = read {
        return fail(&tls, e, line);
    }
    if !line.is_empty() {
        let mut reply = ECHO_PREFIX.as_bytes().to_vec();
        reply.extend_from_slice(&line);
        if let Err(e) = tls.write_all(&reply).and_then(|()| tls.flush()) {
            return fail(&tls, e, line);
        }
    }
    let _ = tls.close();
    // Half-close and wait (briefly) for the peer to close too, so that unread data does not
    // turn our close into a reset.
    let _ = tls.sock.shutdown(Shutdown::Write);
    let _ = tls.sock.set_read_timeout(Some(Duration::from_secs(2)));
    let mut sink = [0u8; 4096];
    while matches!(tls.sock.read(&mut sink), Ok(n) if n > 0) {}
    Served {
        summary: tls.conn.handshake_summary().cloned(),
        error: None,
        tls_error: None,
        received: line,
    }
}

/// Our server's config: the ECDSA server certificate for localhost / 127.0.0.1, client
/// certificates required from the shared test CA (webpki verification).
pub fn server_builder() -> mtls::ServerConfigBuilder {
    ServerConfig::builder()
        .crypto_provider(test_provider())
        .certificate_files(pki("server-ecdsa.pem"), pki("server-ecdsa.key"))
        .client_auth_required(roots())
}

/// The crypto provider our side of the interop tests runs on: AWS-LC when this crate's
/// `aws-lc` feature is on, RustCrypto otherwise. `cargo xtask ci` runs this suite once
/// without the feature and once with it, so every interop test built on these builders meets
/// its peer (OpenSSL, GnuTLS, Python) on both providers.
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

/// Our client's config: trusts the shared test CA, presents `client` (e.g. `client-rsa`).
pub fn client_builder(client: &str) -> mtls::ClientConfigBuilder {
    ClientConfig::with_roots(roots())
        .crypto_provider(test_provider())
        .client_certificate_files(pki(&format!("{client}.pem")), pki(&format!("{client}.key")))
}
