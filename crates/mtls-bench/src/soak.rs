//! `cargo xtask soak [--minutes N] [--quick]`: mtls under a long, mixed load on 127.0.0.1,
//! watched from the outside: handshakes and outcomes by kind, the process's resident memory,
//! file descriptors and threads.
//!
//! One mtls server (blocking, a thread per connection, session cache and tickets, client
//! certificates required) and a loop of clients in rotation:
//! - mtls client, full handshake, data both ways, close_notify (TLS 1.2 and TLS 1.3);
//! - mtls client resuming its previous session (by ticket in TLS 1.2);
//! - mtls client without a certificate: refused, and the alert must reach it;
//! - mtls client that aborts after the handshake (no close_notify, the socket dropped);
//! - `openssl s_client` with a certificate against our server (every `OPENSSL_EVERY`th turn);
//! - our client against a long-lived `openssl s_server` (every `OPENSSL_EVERY`th turn).
//!
//! Every outcome is counted under its name; anything other than what the scenario expects
//! is a failure, and a run with failures exits non-zero. Every `report` seconds a line gives
//! the counts so far and the process's VmRSS, open file descriptors and threads; at the end
//! the descriptors and threads must be back where they started.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use mtls::pki::RootStore;
use mtls::{
    AlertDescription, ClientConfig, ClientConnection, Error, ProtocolVersion, ServerConfig,
    ServerConnection, StreamOwned, TicketKey, TicketKeys,
};
use mtls_testkit::fixtures::CA;
use mtls_testkit::{chain, key, pki};

use crate::Result;

/// Our server's answer to the line each client sends, and `openssl s_server -rev`'s.
const ECHO: &[u8; 10] = b"soak line\n";
const REVERSED: &[u8; 10] = b"enil kaos\n";

/// One turn in this many runs an OpenSSL peer (a process each time for s_client).
const OPENSSL_EVERY: u64 = 10;
/// Seconds a ticket lives (and so how long the anti-replay memory holds it).
const TICKET_LIFETIME: u32 = 300;

/// Socket timeouts: a peer that stalls this long is a failure, never a hang.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// What a soak run found.
#[derive(Debug, Default, Clone)]
pub struct SoakReport {
    /// Outcome name to count (`ok: ...` and `failure: ...`).
    pub outcomes: BTreeMap<String, u64>,
    /// (seconds since start, VmRSS kB, fds, threads) at each report.
    pub samples: Vec<(u64, u64, usize, usize)>,
    /// File descriptors and threads before and after.
    pub fds: (usize, usize),
    /// Threads before and after.
    pub threads: (usize, usize),
}

impl SoakReport {
    /// The failures, by cause.
    pub fn failures(&self) -> u64 {
        self.outcomes
            .iter()
            .filter(|(k, _)| k.starts_with("failure"))
            .map(|(_, n)| n)
            .sum()
    }
}

/// The process's VmRSS (kB) and thread count, from /proc/self/status; zeros elsewhere.
fn rss_and_threads() -> (u64, usize) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (
        field("VmRSS:"),
        usize::try_from(field("Threads:")).unwrap_or(0),
    )
}

/// Open file descriptors of this process.
fn fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

fn roots() -> Result<RootStore> {
    let mut r = RootStore::new();
    r.add(&CA.to_vec().into())?;
    Ok(r)
}

/// The server: client certificates required, session cache and tickets, both versions.
fn server_config() -> Result<ServerConfig> {
    // Tickets live five minutes: the TLS 1.3 anti-replay memory keeps each accepted ticket
    // until it expires, so it reaches its steady size five minutes into the run (with an
    // hour, a one-hour run would show it growing the whole time).
    let keys = TicketKeys::new(
        TicketKey::generate(&mut mtls::OsRng)?,
        None,
        TICKET_LIFETIME,
    );
    Ok(ServerConfig::builder()
        .certificate(chain("server-ecdsa"), key("server-ecdsa"))
        .client_auth_required(roots()?)
        .ticketer(Arc::new(keys))
        .versions(&[ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_2])
        .build()?)
}

fn client_config(version: ProtocolVersion, with_cert: bool) -> Result<ClientConfig> {
    let b = ClientConfig::with_roots(roots()?).versions(&[version]);
    let b = if with_cert {
        b.client_certificate(chain("client-ecdsa"), key("client-ecdsa"))
    } else {
        b
    };
    Ok(b.build()?)
}

/// Serves one connection: echo lines until close_notify or EOF.
fn serve(config: &ServerConfig, sock: TcpStream) {
    let _ = sock.set_read_timeout(Some(IO_TIMEOUT));
    let _ = sock.set_write_timeout(Some(IO_TIMEOUT));
    let Ok(conn) = ServerConnection::new(config) else {
        return;
    };
    let mut tls = StreamOwned::new(conn, sock);
    if tls.handshake().is_err() {
        tls.close_after_error();
        return;
    }
    let mut reader = BufReader::new(tls);
    let mut line = String::new();
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {
                if reader.get_mut().write_all(line.as_bytes()).is_err() {
                    break;
                }
            }
        }
    }
    let _ = reader.into_inner().close();
}

/// The server's accept loop, until `stop`; joins its connection threads before returning.
fn start_server(config: ServerConfig, stop: Arc<AtomicBool>) -> Result<(u16, JoinHandle<()>)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let handle = std::thread::spawn(move || {
        let mut workers: Vec<JoinHandle<()>> = Vec::new();
        for sock in listener.incoming() {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let Ok(sock) = sock else { continue };
            let config = config.clone();
            workers.push(std::thread::spawn(move || serve(&config, sock)));
            workers.retain(|w| !w.is_finished());
        }
        for w in workers {
            let _ = w.join();
        }
    });
    Ok((port, handle))
}

/// `openssl s_server -rev` (it answers each line reversed) on a free port of 127.0.0.1, its
/// output discarded (a capture would grow this process's memory for the whole run), once it
/// accepts connections.
fn start_openssl_server() -> Result<(std::process::Child, u16)> {
    let port = mtls_testkit::free_port();
    let mut child = std::process::Command::new("openssl")
        .args(["s_server", "-tls1_2", "-rev", "-quiet"])
        .arg("-accept")
        .arg(format!("127.0.0.1:{port}"))
        .args([
            "-cert",
            &pki("server-ecdsa.pem"),
            "-key",
            &pki("server-ecdsa.key"),
        ])
        .args(["-CAfile", &pki("ca.pem"), "-Verify", "1"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    for _ in 0..200 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok((child, port));
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    let _ = child.kill();
    let _ = child.wait();
    Err("openssl s_server did not start".into())
}

/// One mtls client connection: handshake, a line each way (`echo` is the answer expected),
/// then close or abort.
fn mtls_client(
    config: &ClientConfig,
    port: u16,
    abort: bool,
    echo_of_line: &[u8; 10],
) -> std::result::Result<(bool, ProtocolVersion), String> {
    let sock = TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
    let _ = sock.set_read_timeout(Some(IO_TIMEOUT));
    let conn = ClientConnection::new(config, "localhost").map_err(|e| e.to_string())?;
    let mut tls = StreamOwned::new(conn, sock);
    tls.handshake().map_err(|e| format!("handshake: {e}"))?;
    let resumed = tls.conn.is_resumed().unwrap_or(false);
    let version = tls
        .conn
        .protocol_version()
        .unwrap_or(ProtocolVersion::TLSv1_2);
    tls.write_all(b"soak line\n")
        .map_err(|e| format!("write: {e}"))?;
    let mut echo = [0u8; 10];
    tls.read_exact(&mut echo)
        .map_err(|e| format!("read: {e}"))?;
    if &echo != echo_of_line {
        return Err(format!(
            "the answer differs: {:?}",
            String::from_utf8_lossy(&echo)
        ));
    }
    if !abort {
        tls.close().map_err(|e| format!("close: {e}"))?;
        let mut rest = Vec::new();
        let _ = tls.read_to_end(&mut rest);
    }
    Ok((resumed, version))
}

/// A client without a certificate: the server must refuse it with an alert it receives.
fn refused_client(
    config: &ClientConfig,
    port: u16,
) -> std::result::Result<AlertDescription, String> {
    let sock = TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
    let _ = sock.set_read_timeout(Some(IO_TIMEOUT));
    let conn = ClientConnection::new(config, "localhost").map_err(|e| e.to_string())?;
    let mut tls = StreamOwned::new(conn, sock);
    let _ = tls.handshake();
    // TLS 1.3: the client finishes its side first and learns the refusal on its next read.
    let _ = tls.write_all(b"x\n");
    let mut buf = [0u8; 8];
    let _ = tls.read(&mut buf);
    match tls.conn.process_new_packets() {
        Err(Error::AlertReceived(a)) => Ok(a),
        other => Err(format!("not refused with an alert: {other:?}")),
    }
}

/// `openssl s_client` with a certificate against our server: a line each way. Its stdin
/// stays open until the echo came back (at end of input s_client closes at once).
fn openssl_client(port: u16) -> std::result::Result<(), String> {
    let mut child = std::process::Command::new("openssl")
        .args(["s_client", "-quiet", "-no_ign_eof", "-verify_return_error"])
        .arg("-connect")
        .arg(format!("127.0.0.1:{port}"))
        .args(["-CAfile", &pki("ca.pem")])
        .args([
            "-cert",
            &pki("client-ecdsa.pem"),
            "-key",
            &pki("client-ecdsa.key"),
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("openssl s_client: {e}"))?;
    let stdin = child.stdin.take();
    let stdout = child.stdout.take();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut line = String::new();
        if let Some(out) = stdout {
            let _ = BufReader::new(out).read_line(&mut line);
        }
        let _ = tx.send(line);
    });
    if let Some(mut stdin) = stdin {
        let _ = stdin.write_all(b"from openssl\n");
        let echoed = rx.recv_timeout(IO_TIMEOUT).unwrap_or_default();
        drop(stdin);
        let deadline = Instant::now() + IO_TIMEOUT;
        while Instant::now() < deadline && matches!(child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(2));
        }
        let _ = child.kill();
        let _ = child.wait();
        let _ = reader.join();
        if echoed == "from openssl\n" {
            return Ok(());
        }
        return Err(format!("openssl s_client got {echoed:?} back"));
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = reader.join();
    Err("openssl s_client has no stdin".into())
}

/// One soak run of `duration`, a report line every `every`.
pub fn run(duration: Duration, every: Duration) -> Result<SoakReport> {
    let start = Instant::now();
    let (rss0, threads0) = rss_and_threads();
    let fds0 = fds();
    let _ = rss0;
    let stop = Arc::new(AtomicBool::new(false));
    let (port, server) = start_server(server_config()?, stop.clone())?;
    let (mut s_server, s_port) = start_openssl_server()?;
    let tls12 = client_config(ProtocolVersion::TLSv1_2, true)?;
    let tls13 = client_config(ProtocolVersion::TLSv1_3, true)?;
    let anonymous = client_config(ProtocolVersion::TLSv1_3, false)?;
    let report = Mutex::new(SoakReport::default());
    let count = |what: String| {
        if let Ok(mut r) = report.lock() {
            *r.outcomes.entry(what).or_default() += 1;
        }
    };
    let mut next_report = start + every;
    let mut turn: u64 = 0;
    while start.elapsed() < duration {
        turn += 1;
        let config = if turn % 2 == 1 { &tls13 } else { &tls12 };
        let outcome = match turn % 5 {
            0 => match refused_client(&anonymous, port) {
                Ok(a) => format!("ok: refused without a certificate ({a:?})"),
                Err(e) => format!("failure: refusal: {e}"),
            },
            1 => match mtls_client(config, port, true, ECHO) {
                Ok((_, v)) => format!("ok: aborted after the handshake ({v:?})"),
                Err(e) => format!("failure: abort: {e}"),
            },
            _ => match mtls_client(config, port, false, ECHO) {
                Ok((true, v)) => format!("ok: resumed ({v:?})"),
                Ok((false, v)) => format!("ok: full ({v:?})"),
                Err(e) => format!("failure: mtls client: {e}"),
            },
        };
        count(outcome);
        if turn.is_multiple_of(OPENSSL_EVERY) {
            count(match openssl_client(port) {
                Ok(()) => "ok: openssl s_client -> mtls server".into(),
                Err(e) => format!("failure: {e}"),
            });
            count(match mtls_client(&tls12, s_port, false, REVERSED) {
                Ok(_) => "ok: mtls client -> openssl s_server".into(),
                Err(e) => format!("failure: against s_server: {e}"),
            });
        }
        if Instant::now() >= next_report {
            next_report += every;
            let (rss, threads) = rss_and_threads();
            let line = (start.elapsed().as_secs(), rss, fds(), threads);
            if let Ok(mut r) = report.lock() {
                let total: u64 = r.outcomes.values().sum();
                eprintln!(
                    "soak: {:>5} s  {total:>8} connections  {:>3} failures  VmRSS {:>7} kB  fds {:>3}  threads {:>3}",
                    line.0,
                    r.failures(),
                    line.1,
                    line.2,
                    line.3
                );
                r.samples.push(line);
            }
        }
    }
    stop.store(true, Ordering::SeqCst);
    // Wake the accept loop so that it sees `stop`.
    let _ = TcpStream::connect(("127.0.0.1", port));
    let _ = server.join();
    let _ = s_server.kill();
    let _ = s_server.wait();
    let mut r = report.into_inner().unwrap_or_default();
    r.fds = (fds0, fds());
    r.threads = (threads0, rss_and_threads().1);
    Ok(r)
}
