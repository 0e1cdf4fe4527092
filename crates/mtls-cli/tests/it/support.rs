//! The scaffolding of the `mtls` command's tests (cli.rs, hostile.rs): the `mtls` binary run
//! to its end with bounded time, `mtls certs`, `mtls server` and OpenSSL peers on 127.0.0.1,
//! bounded waits on their output. Scratch directories and child processes (killed by their
//! PID on drop, output collected in the background) are mtls-testkit's.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

// Scratch directories and child processes killed by their PID on drop.
pub use mtls_testkit::{Peer, TempDir, require, start_s_server_env as s_server_env};

pub const MTLS: &str = env!("CARGO_BIN_EXE_mtls");
/// Longest any one command may run.
pub const LIMIT: Duration = Duration::from_secs(60);

/// The captured handshakes and the PEM test PKI (mtls-testkit's `vectors/`).
pub fn vectors() -> PathBuf {
    mtls_testkit::vectors_dir()
}

// ---- scaffolding ----

/// Text a child wrote to one of its pipes, collected in the background.
type Collected = Arc<Mutex<Vec<u8>>>;

fn collect(mut from: impl Read + Send + 'static) -> (Collected, thread::JoinHandle<()>) {
    let text: Collected = Arc::default();
    let sink = text.clone();
    let handle = thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = from.read(&mut buf) {
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    (text, handle)
}

fn text(c: &Collected) -> String {
    String::from_utf8_lossy(&c.lock().unwrap()).into_owned()
}

/// Waits until `output()` contains `needle`; panics with what it holds after `timeout`.
pub fn wait_for(
    output: impl Fn() -> String,
    needle: &str,
    timeout: Duration,
    what: &str,
) -> String {
    let deadline = Instant::now() + timeout;
    loop {
        let t = output();
        if t.contains(needle) {
            return t;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: no {needle:?} within {timeout:?}; got:\n{t}"
        );
        thread::sleep(Duration::from_millis(20));
    }
}

/// Waits for `p` to exit, at most `timeout`; panics with its output if it is still running.
pub fn wait_exit(p: &mut Peer, timeout: Duration) -> ExitStatus {
    match p.wait_exit(Instant::now() + timeout) {
        Some(status) => status,
        None => panic!("still running after {timeout:?}; {}", p.describe()),
    }
}

/// Runs a command to its end with `input` on stdin, bounded by [`LIMIT`].
pub fn run(mut cmd: Command, input: &[u8]) -> Output {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let shown = format!("{cmd:?}");
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("{shown}: {e}"));
    let mut stdin = child.stdin.take().unwrap();
    let data = input.to_vec();
    let writer = thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let (out, out_done) = collect(child.stdout.take().unwrap());
    let (err, err_done) = collect(child.stderr.take().unwrap());
    let deadline = Instant::now() + LIMIT;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{shown} timed out; stderr:\n{}", text(&err));
        }
        thread::sleep(Duration::from_millis(20));
    };
    let _ = (writer.join(), out_done.join(), err_done.join());
    let stdout = out.lock().unwrap().clone();
    let stderr = err.lock().unwrap().clone();
    Output {
        status,
        stdout,
        stderr,
    }
}

pub fn mtls(args: &[&str]) -> Command {
    let mut c = Command::new(MTLS);
    c.args(args);
    c
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts that `needles` occur in `haystack` in this order.
pub fn in_order(haystack: &str, needles: &[&str]) {
    let mut at = 0;
    for n in needles {
        match haystack[at..].find(n) {
            Some(i) => at += i + n.len(),
            None => panic!("{n:?} missing (in this order: {needles:?}) from:\n{haystack}"),
        }
    }
}

/// `mtls certs` into a fresh directory.
pub fn certs(tag: &str, key_type: &str) -> TempDir {
    let dir = TempDir::new(tag);
    let o = run(
        mtls(&[
            "certs",
            "--out",
            &dir.0.display().to_string(),
            "--key-type",
            key_type,
        ]),
        b"",
    );
    assert!(o.status.success(), "mtls certs: {}", stderr(&o));
    dir
}

/// `mtls server` on a free port; returns the process and its address.
pub fn mtls_server(args: &[&str]) -> (Peer, String) {
    let mut cmd = mtls(&["server", "--listen", "127.0.0.1:0", "--idle-timeout", "20"]);
    cmd.args(args);
    let p = Peer::spawn(cmd, true);
    let t = wait_for(
        || p.stderr(),
        "listening on ",
        Duration::from_secs(20),
        "mtls server",
    );
    let addr = t
        .split("listening on ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap()
        .to_string();
    (p, addr)
}

/// `mtls server` with the server certificate and key of the PKI directory `pki`, requiring
/// client certificates of its CA, and `extra` options.
pub fn mtls_server_of(pki: &TempDir, extra: &[&str]) -> (Peer, String) {
    let (cert, key, ca) = (
        pki.file("server.pem"),
        pki.file("server.key"),
        pki.file("ca.pem"),
    );
    let mut args = vec!["--cert", &cert, "--key", &key, "--client-ca", &ca];
    args.extend_from_slice(extra);
    mtls_server(&args)
}

/// `openssl s_server -rev` (TLS 1.2) on a free port.
pub fn s_server(args: &[&str]) -> (Peer, u16) {
    s_server_env(args, &[])
}

/// `openssl s_client` (TLS 1.2) sending one line: with `echo`, waits for it to come back
/// before ending stdin (s_client then sends close_notify); otherwise waits for it to exit.
pub fn s_client(addr: &str, args: &[&str], echo: bool) -> (ExitStatus, String) {
    s_client_env(addr, args, echo, &[])
}

/// [`s_client`] with environment variables (`OPENSSL_CONF`, say).
pub fn s_client_env(
    addr: &str,
    args: &[&str],
    echo: bool,
    env: &[(&str, &str)],
) -> (ExitStatus, String) {
    let mut cmd = Command::new("openssl");
    cmd.args(["s_client", "-tls1_2", "-connect", addr])
        .args(args)
        .envs(env.iter().copied());
    require("openssl");
    let mut p = Peer::spawn(cmd, true);
    p.write_stdin(b"ping from openssl\n");
    if echo {
        // The echo is the second copy: s_client does not print what it sends.
        wait_for(
            || p.stdout(),
            "ping from openssl",
            Duration::from_secs(20),
            "s_client",
        );
        p.close_stdin();
    }
    let status = wait_exit(&mut p, Duration::from_secs(30));
    (status, format!("{}{}", p.stdout(), p.stderr()))
}
