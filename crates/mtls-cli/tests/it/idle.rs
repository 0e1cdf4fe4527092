//! `mtls server` under a crowd of connections that do nothing useful: 2,000 idle TCP
//! connections (connected, nothing sent) and 100 that trickle a valid ClientHello one byte
//! every 300 ms. A legitimate client must still complete its handshake and an echo round
//! trip, and none of the crowd may have been refused (each is still open when the client is
//! done). No wall-clock limit is asserted: the legitimate client's handshake latency and the
//! server's resident memory per idle connection (VmRSS from `/proc/PID/status`, before and
//! after the 2,000 are accepted) are printed. And `--max-connections`: one over the limit is
//! closed at once, with the reason in the log.
//!
//! Everything runs on 127.0.0.1; the server is the only process started, killed through its
//! `Child` handle; every wait and loop is bounded. The file-descriptor soft limit is checked
//! first (a limit too low fails the test with the reason, never skips it).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use mtls::pki::RootStore;
use mtls::{ClientConfig, ClientConnection, StreamOwned};

use crate::support::*;

/// Idle connections: connected, nothing sent.
const IDLE: usize = 2_000;
/// Connections trickling their ClientHello.
const TRICKLING: usize = 100;
/// The pace of the trickling connections.
const TRICKLE_EVERY: Duration = Duration::from_millis(300);
/// The server's handshake deadline in this test: far beyond the test's own run, so that no
/// connection of the crowd is closed by it before the checks.
const HANDSHAKE_TIMEOUT_SECS: &str = "120";
/// The bound of every wait below.
const WAIT: Duration = Duration::from_secs(60);

/// `mtls server` started here; killed through its `Child` handle on drop.
struct Server {
    child: Child,
    stderr: Arc<Mutex<Vec<u8>>>,
}

impl Server {
    fn start(pki: &TempDir) -> (Self, SocketAddr) {
        let mut child = Command::new(MTLS)
            .args(["server", "--listen", "127.0.0.1:0"])
            .args(["--cert", &pki.file("server.pem")])
            .args(["--key", &pki.file("server.key")])
            .args(["--client-ca", &pki.file("ca.pem")])
            .args(["--client-auth", "required"])
            .args(["--handshake-timeout", HANDSHAKE_TIMEOUT_SECS])
            .args(["--idle-timeout", HANDSHAKE_TIMEOUT_SECS])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start mtls server");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let mut pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = pipe.read(&mut buf) {
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let server = Self { child, stderr };
        let log = wait_for(|| server.log(), "listening on ", WAIT, "mtls server");
        let addr = log
            .split("listening on ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .unwrap()
            .parse()
            .unwrap();
        (server, addr)
    }

    fn log(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A field of `/proc/PID/limits` or `/proc/PID/status`-like text: the first number after
/// `label` on its line.
fn number_after(text: &str, label: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(label))?;
    line[label.len()..].split_whitespace().next()?.parse().ok()
}

/// The server's resident set, in bytes.
fn rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    number_after(&status, "VmRSS:").expect("VmRSS in /proc/PID/status") * 1024
}

/// The server's resident set once it stops moving (two readings 200 ms apart within 4 KiB of
/// each other), within [`WAIT`].
fn settled_rss(pid: u32) -> u64 {
    let deadline = Instant::now() + WAIT;
    let mut last = rss(pid);
    loop {
        thread::sleep(Duration::from_millis(200));
        let now = rss(pid);
        if now.abs_diff(last) <= 4096 || Instant::now() >= deadline {
            return now;
        }
        last = now;
    }
}

/// Descriptors the server has open.
fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count()
}

/// Waits until the server has at least `n` descriptors open, within [`WAIT`].
fn wait_fds(pid: u32, n: usize, server: &Server) {
    let deadline = Instant::now() + WAIT;
    loop {
        let open = open_fds(pid);
        if open >= n {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the server holds {open} descriptors, not {n}, after {WAIT:?}:\n{}",
            server.log()
        );
        thread::sleep(Duration::from_millis(20));
    }
}

/// Fails (with the reason) unless this process may open enough descriptors; the server, a
/// child, inherits the same limit.
fn require_descriptors(needed: u64) {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap();
    let soft = number_after(&limits, "Max open files").unwrap_or(0);
    assert!(
        soft >= needed,
        "this test opens {IDLE} + {TRICKLING} connections and needs a soft limit of at least \
         {needed} open files; it is {soft} here: raise it (ulimit -n {needed}) and run again"
    );
}

/// `sock` is open: no end of stream, no error, nothing sent by the server.
fn still_open(sock: &TcpStream) -> Result<(), String> {
    sock.set_nonblocking(true).unwrap();
    let mut byte = [0u8; 1];
    let r = match (&*sock).read(&mut byte) {
        Err(e) if e.kind() == ErrorKind::WouldBlock => Ok(()),
        Ok(0) => Err("closed by the server".into()),
        Ok(_) => Err("the server sent data to a connection that sent no hello".into()),
        Err(e) => Err(format!("{e}")),
    };
    sock.set_nonblocking(false).unwrap();
    r
}

fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect_timeout(&addr, Duration::from_secs(20)).unwrap();
    s.set_nodelay(true).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(20))).unwrap();
    s
}

#[test]
fn server_serves_a_client_among_2000_idle_and_100_trickling_connections() {
    require_descriptors((IDLE + TRICKLING) as u64 + 500);
    let pki = certs("idle", "ecdsa");
    let (server, addr) = Server::start(&pki);
    let pid = server.pid();

    // Memory per idle connection: the resident set before and after they are all accepted
    // (each one a descriptor in the server).
    let fds_before = open_fds(pid);
    let rss_before = settled_rss(pid);
    let idle: Vec<TcpStream> = (0..IDLE).map(|_| connect(addr)).collect();
    wait_fds(pid, fds_before + IDLE, &server);
    let rss_after = settled_rss(pid);
    let per_idle = (rss_after as f64 - rss_before as f64) / IDLE as f64;
    eprintln!(
        "mtls server: VmRSS {} KiB before, {} KiB with {IDLE} idle connections accepted: \
         {per_idle:.0} bytes per idle connection",
        rss_before / 1024,
        rss_after / 1024
    );

    // The trickling ones: a valid ClientHello (a long ALPN name makes it ~250 bytes, about
    // 75 s at this pace), one byte per connection per round.
    let padding = [b'x'; 100];
    let hello_config = ClientConfig::with_roots(RootStore::load(pki.file("ca.pem")).unwrap())
        .alpn_protocols(&[b"http/1.1", &padding])
        .build()
        .unwrap();
    let mut hello = Vec::new();
    ClientConnection::new(&hello_config, "localhost")
        .unwrap()
        .write_tls(&mut hello)
        .unwrap();
    let trickling: Vec<TcpStream> = (0..TRICKLING).map(|_| connect(addr)).collect();
    wait_fds(pid, fds_before + IDLE + TRICKLING, &server);
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<TcpStream> = trickling.iter().map(|s| s.try_clone().unwrap()).collect();
    let hello_len = hello.len();
    let trickler = {
        let stop = stop.clone();
        thread::spawn(move || {
            let mut writers = writers;
            let mut sent = 0;
            // Bounded: one round per byte of the hello, and stopped by the test.
            for byte in &hello {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                for (i, w) in writers.iter_mut().enumerate() {
                    if let Err(e) = w.write_all(&[*byte]) {
                        return Err(format!("trickling connection {i}, byte {sent}: {e}"));
                    }
                }
                sent += 1;
                thread::sleep(TRICKLE_EVERY);
            }
            Ok(sent)
        })
    };
    // A few bytes in: the server holds 100 half-received hellos.
    thread::sleep(TRICKLE_EVERY * 4);
    let rss_trickling = settled_rss(pid);
    eprintln!(
        "mtls server: VmRSS {} KiB with {TRICKLING} hellos half received as well: {:.0} bytes \
         per handshaking connection",
        rss_trickling / 1024,
        (rss_trickling as f64 - rss_after as f64) / TRICKLING as f64
    );

    // The legitimate client: handshake, then one echo.
    let config = ClientConfig::with_roots(RootStore::load(pki.file("ca.pem")).unwrap())
        .client_certificate_files(pki.file("client.pem"), pki.file("client.key"))
        .build()
        .unwrap();
    let sock = connect(addr);
    sock.set_read_timeout(Some(WAIT)).unwrap();
    let mut tls = StreamOwned::new(ClientConnection::new(&config, "localhost").unwrap(), sock);
    let started = Instant::now();
    tls.handshake()
        .unwrap_or_else(|e| panic!("legitimate handshake: {e}\n{}", server.log()));
    let latency = started.elapsed();
    tls.write_all(b"ping through the crowd\n").unwrap();
    let mut echoed = vec![0u8; b"ping through the crowd\n".len()];
    tls.read_exact(&mut echoed)
        .unwrap_or_else(|e| panic!("echo: {e}\n{}", server.log()));
    let round_trip = started.elapsed();
    assert_eq!(echoed, b"ping through the crowd\n");
    let _ = tls.close();
    eprintln!(
        "mtls server: legitimate client's handshake took {:.1} ms (handshake + echo {:.1} ms) \
         with {IDLE} idle and {TRICKLING} trickling connections open",
        latency.as_secs_f64() * 1e3,
        round_trip.as_secs_f64() * 1e3
    );

    // None of the crowd was refused or closed.
    stop.store(true, Ordering::SeqCst);
    let sent = trickler.join().unwrap().unwrap_or_else(|e| panic!("{e}"));
    assert!(sent < hello_len, "the whole hello went out: {sent} bytes");
    let closed: Vec<String> = idle
        .iter()
        .map(|s| ("idle", s))
        .chain(trickling.iter().map(|s| ("trickling", s)))
        .enumerate()
        .filter_map(|(i, (kind, s))| still_open(s).err().map(|e| format!("{kind} {i}: {e}")))
        .collect();
    let log = server.log();
    assert!(
        closed.is_empty(),
        "{} of {} connections were closed: {:?}\n{log}",
        closed.len(),
        IDLE + TRICKLING,
        &closed[..closed.len().min(10)]
    );
    assert!(!log.contains("closed at once"), "{log}");
    assert!(!log.contains("handshake failed"), "{log}");
    assert!(log.contains("full handshake"), "{log}");
}

/// `--max-connections 1`: with one connection open, the next is closed as soon as it is
/// accepted, and the log says why; once the first is gone, a client is served again.
#[test]
fn server_closes_a_connection_over_max_connections_at_once() {
    let pki = certs("max-conn", "ecdsa");
    let (server, addr) = mtls_server_of(&pki, &["--max-connections", "1"]);
    assert!(server.stderr().contains("at most 1 connections"));
    let addr: SocketAddr = addr.parse().unwrap();
    let first = connect(addr);
    let mut second = connect(addr);
    second.set_read_timeout(Some(WAIT)).unwrap();
    let mut byte = [0u8; 1];
    match second.read(&mut byte) {
        Ok(0) => {}
        Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
        other => panic!("the second connection was not closed: {other:?}"),
    }
    wait_for(
        || server.stderr(),
        "closed at once: 1 connections already open (--max-connections)",
        WAIT,
        "mtls server",
    );
    assert!(still_open(&first).is_ok());
    drop(first);

    // The slot is free again once the server has seen the first one go.
    let config = ClientConfig::with_roots(RootStore::load(pki.file("ca.pem")).unwrap())
        .client_certificate_files(pki.file("client.pem"), pki.file("client.key"))
        .build()
        .unwrap();
    let deadline = Instant::now() + WAIT;
    loop {
        let sock = connect(addr);
        sock.set_read_timeout(Some(WAIT)).unwrap();
        let mut tls = StreamOwned::new(ClientConnection::new(&config, "localhost").unwrap(), sock);
        if tls.handshake().is_ok() {
            break;
        }
        assert!(Instant::now() < deadline, "{}", server.stderr());
        thread::sleep(Duration::from_millis(50));
    }
}
