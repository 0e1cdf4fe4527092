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

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use mtls::{
    CertificateDer, ClientConfig, ClientConnection, HandshakeSummary, KeyLog, ServerConfig,
    ServerConnection, StreamOwned, TimeProvider,
};

/// Read and write timeout on every socket.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// Overall budget of one test.
pub const TEST_TIMEOUT: Duration = Duration::from_secs(20);

// ---- binaries, PKI files, temp files ----

/// A file of the shared test PKI (crates/mtls-wire/tests/vectors/pki): `ca.pem`,
/// `server-ecdsa.pem`/`.key`, `server-rsa.pem`/`.key`, `client-rsa.pem`/`.key`,
/// `client-ecdsa.pem`/`.key`.
pub fn pki(name: &str) -> String {
    format!(
        "{}/../mtls-wire/tests/vectors/pki/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// A file of this crate's extra test PKI (tests/pki, made by tests/pki/make.sh).
pub fn local_pki(name: &str) -> String {
    format!("{}/tests/pki/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A file next to this module (the Python peer scripts).
pub fn peer_script(name: &str) -> String {
    format!("{}/tests/peers/{name}", env!("CARGO_MANIFEST_DIR"))
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

/// Collects our NSS key log lines (given to `ClientConfig::key_log` / `ServerConfig`).
#[derive(Default)]
pub struct MemoryKeyLog(pub Mutex<Vec<String>>);

impl MemoryKeyLog {
    pub fn lines(&self) -> Vec<String> {
        key_log_lines(&self.0.lock().unwrap().join("\n"))
    }
}

impl KeyLog for MemoryKeyLog {
    fn log(&self, label: &str, client_random: &[u8; 32], secret: &[u8]) {
        self.0.lock().unwrap().push(format!(
            "{label} {} {}",
            hex::encode(client_random),
            hex::encode(secret)
        ));
    }
}

// ---- child processes (one copy, shared with the other interop suite) ----

#[path = "../../../mtls-handshake/tests/support/peer_process.rs"]
mod peer_process;
// Not every test binary that includes this module uses every helper.
#[allow(unused_imports)]
pub use peer_process::{Peer, TempFile, free_port, key_log_lines, require};

/// Connects to 127.0.0.1:`port`, retrying while the peer starts listening (up to ~5 s); the
/// stream has the 10 s timeouts.
pub fn connect(port: u16, peer: &mut Peer) -> TcpStream {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => {
                s.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
                s.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
                s.set_nodelay(true).unwrap();
                return s;
            }
            Err(e) => {
                if Instant::now() >= deadline || peer.has_exited() {
                    panic!(
                        "cannot connect to 127.0.0.1:{port}: {e}\n{}",
                        peer.describe()
                    );
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

/// Starts `openssl s_server -tls1_2 -rev` on a free port with `args` (the caller sets
/// `-naccept`, certificates, ...), retrying with another port if it cannot bind.
pub fn start_s_server(args: &[String]) -> (Peer, u16) {
    require("openssl");
    for attempt in 0..3 {
        let port = free_port();
        let mut cmd = Command::new("openssl");
        cmd.args(["s_server", "-tls1_2", "-rev"])
            .arg("-accept")
            .arg(format!("127.0.0.1:{port}"))
            .args(args);
        let mut peer = Peer::spawn(cmd, false);
        if peer.wait_output("ACCEPT", Instant::now() + Duration::from_secs(5)) {
            return (peer, port);
        }
        if attempt == 2 {
            panic!("openssl s_server did not start\n{}", peer.describe());
        }
    }
    unreachable!()
}

/// Runs `openssl s_client -tls1_2` against 127.0.0.1:`port` with `args`, writes `input` on
/// its stdin (kept open: our server closes after its echo) and waits for it to exit.
pub fn run_s_client(port: u16, args: &[&str], input: &[u8], deadline: Instant) -> Peer {
    require("openssl");
    let mut cmd = Command::new("openssl");
    cmd.args(["s_client", "-tls1_2"])
        .arg("-connect")
        .arg(format!("127.0.0.1:{port}"))
        .args(args);
    let mut peer = Peer::spawn(cmd, true);
    peer.write_stdin(input);
    let exited = peer.wait_exit(deadline);
    assert!(
        exited.is_some(),
        "s_client did not exit\n{}",
        peer.describe()
    );
    peer.close_stdin();
    peer
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
/// line, answer `ECHO_PREFIX` + line, close_notify.
pub struct FacadeServer {
    pub port: u16,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<Vec<Served>>>,
}

impl FacadeServer {
    /// Serves at most `max_conns` connections, until the deadline or [`FacadeServer::finish`].
    pub fn start(config: ServerConfig, max_conns: usize, deadline: Instant) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = Arc::clone(&stop);
        let handle = std::thread::spawn(move || {
            let mut served = Vec::new();
            while served.len() < max_conns
                && Instant::now() < deadline
                && !stop2.load(Ordering::SeqCst)
            {
                let sock = match listener.accept() {
                    Ok((s, _)) => s,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(10));
                        continue;
                    }
                    Err(e) => panic!("accept: {e}"),
                };
                served.push(serve_one(&config, sock));
            }
            served
        });
        Self {
            port,
            stop,
            handle: Some(handle),
        }
    }

    /// Stops accepting and returns what happened on each connection.
    pub fn finish(mut self) -> Vec<Served> {
        self.stop.store(true, Ordering::SeqCst);
        self.handle.take().unwrap().join().unwrap()
    }
}

impl Drop for FacadeServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
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
        .certificate_files(pki("server-ecdsa.pem"), pki("server-ecdsa.key"))
        .client_auth_required(roots())
}

/// Our client's config: trusts the shared test CA, presents `client` (e.g. `client-rsa`).
pub fn client_builder(client: &str) -> mtls::ClientConfigBuilder {
    ClientConfig::with_roots(roots())
        .client_certificate_files(pki(&format!("{client}.pem")), pki(&format!("{client}.key")))
}
