//! TLS 1.3 machinery of the facade interop tests: configurations pinned to a version, our
//! client and server as blocking streams the test drives step by step (a line, a KeyUpdate,
//! a post-handshake CertificateRequest), and the checks on OpenSSL's `-msg` trace.
//!
//! Every wait is bounded: the sockets have [`IO_TIMEOUT`], and every loop here runs a bounded
//! number of rounds.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::ops::DerefMut;
use std::time::Duration;

use mtls::{
    ClientConfig, ClientConfigBuilder, ClientConnection, ConnectionCommon, ProtocolVersion,
    ServerConfig, ServerConfigBuilder, ServerConnection, StreamOwned,
};

use super::{IO_TIMEOUT, Peer, client_builder, connect, pki, roots, server_builder};

/// TLS 1.3 only.
pub const TLS13: &[ProtocolVersion] = &[ProtocolVersion::TLSv1_3];
/// TLS 1.2 only.
pub const TLS12: &[ProtocolVersion] = &[ProtocolVersion::TLSv1_2];
/// Both, TLS 1.3 preferred (the default the facade moves to).
pub const BOTH: &[ProtocolVersion] = &[ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_2];

/// `s_server -tls1_3 -msg` with `server`'s certificate (a PKI name), client certificates
/// required, `naccept` connections, then `extra`; stdin piped when `interactive` (its
/// default mode sends the lines written there).
pub fn s_server13(server: &str, naccept: &str, extra: &[&str], interactive: bool) -> (Peer, u16) {
    let (cert, key, ca) = (
        pki(&format!("{server}.pem")),
        pki(&format!("{server}.key")),
        pki("ca.pem"),
    );
    let mut args = vec![
        "-tls1_3",
        "-msg",
        "-naccept",
        naccept,
        "-Verify",
        "1",
        "-verify_return_error",
        "-cert",
        &cert,
        "-key",
        &key,
        "-CAfile",
        &ca,
    ];
    args.extend_from_slice(extra);
    mtls_testkit::start_openssl_server(&args, interactive)
}

/// Writes `data` on the peer's stdin; a peer that has exited fails the test with its output.
pub fn send(peer: &mut Peer, data: &[u8]) {
    if let Err(e) = peer.try_write_stdin(data) {
        std::thread::sleep(Duration::from_millis(100));
        panic!(
            "cannot write {:?} to the peer: {e}\n{}",
            String::from_utf8_lossy(data),
            peer.describe()
        );
    }
}

/// Rounds of read-and-process a drive loop makes before it gives up (each read is bounded by
/// [`IO_TIMEOUT`]).
const MAX_ROUNDS: usize = 200;

/// Our server pinned to TLS 1.3: the ECDSA certificate, client certificates required.
pub fn server13() -> ServerConfigBuilder {
    server_builder().versions(TLS13)
}

/// Our server pinned to TLS 1.3 with `cert` (`server-rsa`, `server-ecdsa`) and client
/// certificates required.
pub fn server13_with(cert: &str) -> ServerConfigBuilder {
    ServerConfig::builder()
        .crypto_provider(super::test_provider())
        .versions(TLS13)
        .certificate_files(pki(&format!("{cert}.pem")), pki(&format!("{cert}.key")))
        .client_auth_required(roots())
}

/// Our server pinned to TLS 1.3 that asks for no certificate in the handshake and may ask
/// after it (RFC 8446 4.6.2), verifying against the test CA.
pub fn server13_post_handshake() -> ServerConfigBuilder {
    ServerConfig::builder()
        .crypto_provider(super::test_provider())
        .versions(TLS13)
        .certificate_files(pki("server-ecdsa.pem"), pki("server-ecdsa.key"))
        .client_auth_post_handshake(roots())
}

/// Our client pinned to TLS 1.3, presenting `client` (`client-rsa`, `client-ecdsa`).
pub fn client13(client: &str) -> ClientConfigBuilder {
    client_builder(client).versions(TLS13)
}

/// Our blocking client and server streams over TCP.
pub type OurClient = StreamOwned<ClientConnection, TcpStream>;
pub type OurServer = StreamOwned<ServerConnection, TcpStream>;

/// Our client connected to `port` and handshaken; a failure panics with the peer's output.
pub fn our_client(config: &ClientConfig, port: u16, peer: &mut Peer) -> OurClient {
    let sock = connect(port, peer);
    let mut tls = StreamOwned::new(ClientConnection::new(config, "localhost").unwrap(), sock);
    if let Err(e) = tls.handshake() {
        std::thread::sleep(Duration::from_millis(200));
        panic!("our TLS 1.3 client: {e}\n{}", peer.describe());
    }
    tls
}

/// A listener of our own on 127.0.0.1:0, for a test that runs our server in its own thread
/// step by step (not the echo loop of `facade_server`).
pub fn listener() -> (TcpListener, u16) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    (l, port)
}

/// Accepts one connection on `l` and wraps it in our server (not yet handshaken); the
/// socket has the [`IO_TIMEOUT`]s.
pub fn accept_one(l: &TcpListener, config: &ServerConfig) -> io::Result<OurServer> {
    // Bounded: nonblocking accept polled for IO_TIMEOUT.
    l.set_nonblocking(true)?;
    let deadline = std::time::Instant::now() + IO_TIMEOUT;
    let sock = loop {
        match l.accept() {
            Ok((s, _)) => break s,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if std::time::Instant::now() >= deadline {
                    return Err(io::Error::new(io::ErrorKind::TimedOut, "nobody connected"));
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => return Err(e),
        }
    };
    sock.set_nonblocking(false)?;
    sock.set_read_timeout(Some(IO_TIMEOUT))?;
    sock.set_write_timeout(Some(IO_TIMEOUT))?;
    sock.set_nodelay(true)?;
    Ok(StreamOwned::new(
        ServerConnection::new(config).unwrap(),
        sock,
    ))
}

/// Reads until `needle` has arrived (or the stream ends or fails); everything read.
pub fn read_until(r: &mut impl Read, needle: &[u8]) -> io::Result<Vec<u8>> {
    let mut got = Vec::new();
    let mut buf = [0u8; 2048];
    for _ in 0..MAX_ROUNDS {
        if got.windows(needle.len()).any(|w| w == needle) {
            return Ok(got);
        }
        match r.read(&mut buf)? {
            0 => return Ok(got),
            n => got.extend_from_slice(&buf[..n]),
        }
    }
    Ok(got)
}

/// Writes what the connection has queued (a KeyUpdate, a CertificateRequest, an alert).
pub fn flush_tls<C: DerefMut<Target = ConnectionCommon>>(
    tls: &mut StreamOwned<C, TcpStream>,
) -> io::Result<()> {
    while tls.conn.wants_write() {
        tls.conn.write_tls(&mut tls.sock)?;
    }
    tls.sock.flush()
}

/// Moves bytes both ways until `done` holds for the connection: queued records out, records
/// in and processed (application data stays buffered for the reader). An error of the
/// connection is returned once its alert is written.
pub fn drive_until<C: DerefMut<Target = ConnectionCommon>>(
    tls: &mut StreamOwned<C, TcpStream>,
    done: impl Fn(&ConnectionCommon) -> bool,
) -> io::Result<()> {
    for _ in 0..MAX_ROUNDS {
        flush_tls(tls)?;
        if done(&tls.conn) {
            return Ok(());
        }
        if tls.conn.read_tls(&mut tls.sock)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the peer closed the connection",
            ));
        }
        if let Err(e) = tls.conn.process_new_packets() {
            let _ = flush_tls(tls);
            return Err(io::Error::new(io::ErrorKind::InvalidData, e));
        }
    }
    Err(io::Error::other("drive_until: too many rounds"))
}

/// Our close_notify, a half-close, and a short drain so that the peer reads it rather than a
/// reset.
pub fn close<C: DerefMut<Target = ConnectionCommon>>(mut tls: StreamOwned<C, TcpStream>) {
    let _ = tls.close();
    let _ = tls.sock.shutdown(Shutdown::Write);
    let _ = tls.sock.set_read_timeout(Some(Duration::from_secs(2)));
    let mut sink = [0u8; 4096];
    while matches!(tls.sock.read(&mut sink), Ok(n) if n > 0) {}
}

/// The handshake messages of OpenSSL's `-msg` trace, in order, as `(direction, name)`:
/// `(">>>", "ServerHello")` is one it sent, `("<<<", "Certificate")` one it received. A
/// HelloRetryRequest shows as a ServerHello (it has that type, RFC 8446 4.1.4).
pub fn msg_trace(output: &str) -> Vec<(String, String)> {
    output
        .lines()
        .filter(|l| l.contains(", Handshake [length "))
        .filter_map(|l| {
            let dir = l.get(..3)?.to_string();
            let name = l.rsplit(", ").next()?.trim().to_string();
            Some((dir, name))
        })
        .collect()
}

/// How many handshake messages `name` went in `dir` (`">>>"` sent by OpenSSL, `"<<<"`
/// received) in its `-msg` trace.
pub fn msg_count(output: &str, dir: &str, name: &str) -> usize {
    msg_trace(output)
        .iter()
        .filter(|(d, n)| d == dir && n == name)
        .count()
}

/// The alert OpenSSL's `-msg` trace says it received (`<<< TLS 1.3, Alert [length 0002],
/// fatal certificate_required` gives `certificate_required`).
pub fn msg_alerts_received(output: &str) -> Vec<String> {
    output
        .lines()
        .filter(|l| l.starts_with("<<<") && l.contains(", Alert [length "))
        .filter_map(|l| l.rsplit(' ').next().map(str::to_string))
        .collect()
}
