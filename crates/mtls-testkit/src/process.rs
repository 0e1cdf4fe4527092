//! Real peers as child processes (openssl s_server / s_client, gnutls-serv / gnutls-cli,
//! python, the `mtls` binary): started with their output collected, killed by their PID and
//! reaped on drop, with bounded waits; a free loopback port and a connect that waits for the
//! peer to listen; the check that a peer binary is installed (a missing one fails the test,
//! never skips it); temp files and directories.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::keylog::{key_log_lines, tls13_key_log_lines};

/// Read and write timeout on every socket to a peer.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// Overall budget of one interop test.
pub const TEST_TIMEOUT: Duration = Duration::from_secs(20);

/// A child process whose output is collected by threads; killed (by PID) and reaped on drop.
pub struct Peer {
    name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    readers: Vec<JoinHandle<()>>,
}

fn collect(mut from: impl Read + Send + 'static, into: Arc<Mutex<Vec<u8>>>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        loop {
            match from.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => into.lock().unwrap().extend_from_slice(&buf[..n]),
            }
        }
    })
}

impl Peer {
    /// Starts `cmd` with stdout and stderr captured; stdin piped (kept open until
    /// [`Peer::close_stdin`]) or null.
    pub fn spawn(mut cmd: Command, pipe_stdin: bool) -> Self {
        let name = format!("{cmd:?}");
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.stdin(if pipe_stdin {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let readers = vec![
            collect(child.stdout.take().unwrap(), Arc::clone(&stdout)),
            collect(child.stderr.take().unwrap(), Arc::clone(&stderr)),
        ];
        Self {
            name,
            stdin: child.stdin.take(),
            child,
            stdout,
            stderr,
            readers,
        }
    }

    /// What the process wrote to stdout so far.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout.lock().unwrap()).into_owned()
    }

    /// What the process wrote to stderr so far.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// stdout and stderr together.
    pub fn output(&self) -> String {
        format!("{}\n{}", self.stdout(), self.stderr())
    }

    /// Everything about the peer, for failure messages.
    pub fn describe(&self) -> String {
        format!(
            "peer: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.name,
            self.stdout(),
            self.stderr()
        )
    }

    /// True once the process has exited.
    pub fn has_exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// Waits until stdout or stderr contains `needle`; false if the process exited first or
    /// the deadline passed.
    pub fn wait_output(&mut self, needle: &str, deadline: Instant) -> bool {
        loop {
            if self.output().contains(needle) {
                return true;
            }
            if self.has_exited() || Instant::now() >= deadline {
                // One last look: the readers may have caught up.
                std::thread::sleep(Duration::from_millis(50));
                return self.output().contains(needle);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Writes `data` to the process's stdin (if piped) and flushes it.
    pub fn write_stdin(&mut self, data: &[u8]) {
        if let Some(stdin) = &mut self.stdin {
            stdin.write_all(data).unwrap();
            stdin.flush().unwrap();
        }
    }

    /// Writes `data` to the process's stdin (if piped) and flushes it; the error (the process
    /// exited, say) for the caller to report with [`Peer::describe`].
    pub fn try_write_stdin(&mut self, data: &[u8]) -> std::io::Result<()> {
        if let Some(stdin) = &mut self.stdin {
            stdin.write_all(data)?;
            stdin.flush()?;
        }
        Ok(())
    }

    /// Closes stdin: the process reads end of file.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits for the process to exit, until `deadline`; `None` if it is still running.
    pub fn wait_exit(&mut self, deadline: Instant) -> Option<ExitStatus> {
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                // Let the output readers drain the pipes.
                for r in self.readers.drain(..) {
                    let _ = r.join();
                }
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.stdin = None;
        // Child::kill signals this child's PID only.
        let _ = self.child.kill();
        let _ = self.child.wait();
        for r in self.readers.drain(..) {
            let _ = r.join();
        }
    }
}

/// A port that was free a moment ago on 127.0.0.1 (for peers that cannot report the port
/// they bound).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Fails (never skips) when `binary` is not on PATH.
pub fn require(binary: &str) {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(binary).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "interop test: the `{binary}` binary is missing from PATH. Install it (openssl, \
         gnutls-bin for gnutls-cli/gnutls-serv, python3, curl; .ci/run installs them); these \
         tests fail rather than skip without their peer."
    );
}

/// A path in a fresh temp directory of its own (nothing there yet): for a file that a test
/// or a peer creates, e.g. a key log. The directory goes, with the file, on drop.
pub struct TempFile(
    pub PathBuf,
    #[expect(dead_code, reason = "held for its drop, which removes the directory")]
    tempfile::TempDir,
);

impl TempFile {
    /// A fresh path (nothing there yet) whose name is `tag`.
    pub fn new(tag: &str) -> Self {
        let dir = TempDir::new(tag);
        Self(dir.0.join(tag), dir.1)
    }

    /// The path, as a command-line argument.
    pub fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }

    /// The `CLIENT_RANDOM` lines of this NSS key log file, normalised.
    pub fn client_random_lines(&self) -> Vec<String> {
        key_log_lines(&std::fs::read_to_string(&self.0).unwrap_or_default())
    }

    /// The TLS 1.3 lines of this NSS key log file, normalised and sorted.
    pub fn tls13_key_log_lines(&self) -> Vec<String> {
        tls13_key_log_lines(&std::fs::read_to_string(&self.0).unwrap_or_default())
    }
}

/// A fresh directory in the temp dir (tempfile's), removed with its files on drop. `.0` is
/// its path.
pub struct TempDir(pub PathBuf, tempfile::TempDir);

impl TempDir {
    /// A fresh, empty directory whose name holds `tag`.
    pub fn new(tag: &str) -> Self {
        let dir = tempfile::Builder::new()
            .prefix(&format!("mtls-test-{tag}-"))
            .tempdir()
            .unwrap();
        Self(dir.path().to_path_buf(), dir)
    }

    /// The directory's path.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// The path of `name` in this directory, as a command-line argument.
    pub fn file(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }

    /// Writes `contents` to `name` in this directory; returns its path.
    pub fn write(&self, name: &str, contents: &str) -> String {
        let path = self.file(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
}

/// Connects to 127.0.0.1:`port`, retrying while `peer` starts listening (up to ~5 s); the
/// stream has the [`IO_TIMEOUT`] read and write timeouts and no Nagle delay.
///
/// # Panics
/// If nothing listens in time or the peer exits, with the peer's output.
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

/// Starts a server on a free port, retrying with another port (three in all) until `ready`
/// shows up in its output within 10 s. `command` builds the command line for a port.
fn start_server(
    what: &str,
    ready: impl Fn(u16) -> String,
    command: impl Fn(u16) -> Command,
) -> (Peer, u16) {
    start_server_stdin(what, ready, command, false)
}

/// [`start_server`] with the server's stdin piped (`pipe_stdin`), for peers that read
/// commands there (`openssl s_server`'s `c`, `k`, `K`).
fn start_server_stdin(
    what: &str,
    ready: impl Fn(u16) -> String,
    command: impl Fn(u16) -> Command,
    pipe_stdin: bool,
) -> (Peer, u16) {
    for attempt in 0..3 {
        let port = free_port();
        let mut peer = Peer::spawn(command(port), pipe_stdin);
        if peer.wait_output(&ready(port), Instant::now() + Duration::from_secs(10)) {
            return (peer, port);
        }
        if attempt == 2 {
            panic!("{what} did not start\n{}", peer.describe());
        }
    }
    unreachable!()
}

/// `openssl s_server -tls1_2 -rev` on a free port of 127.0.0.1 with `args` (the caller sets
/// `-naccept`, certificates, ...), once it accepts.
pub fn start_s_server<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> (Peer, u16) {
    start_s_server_env(args, &[])
}

/// [`start_s_server`] with environment variables (`OPENSSL_CONF`, say).
pub fn start_s_server_env<S: AsRef<std::ffi::OsStr>>(
    args: &[S],
    env: &[(&str, &str)],
) -> (Peer, u16) {
    require("openssl");
    start_server(
        "openssl s_server",
        |_| "ACCEPT".to_string(),
        |port| {
            let mut cmd = Command::new("openssl");
            cmd.args(["s_server", "-tls1_2", "-rev"])
                .arg("-accept")
                .arg(format!("127.0.0.1:{port}"))
                .args(args)
                .envs(env.iter().copied());
            cmd
        },
    )
}

/// Runs `openssl s_client -tls1_2` against 127.0.0.1:`port` with `args`, writes `input` on
/// its stdin (kept open until it exits: a server that closes after its answer ends it) and
/// waits for it to exit.
///
/// # Panics
/// If it is still running at `deadline`.
pub fn run_s_client<S: AsRef<std::ffi::OsStr>>(
    port: u16,
    args: &[S],
    input: &[u8],
    deadline: Instant,
) -> Peer {
    require("openssl");
    let mut cmd = Command::new("openssl");
    cmd.args(["s_client", "-tls1_2"])
        .arg("-connect")
        .arg(format!("127.0.0.1:{port}"))
        .args(args);
    run_to_exit("s_client", cmd, input, deadline)
}

/// `openssl s_server -accept 127.0.0.1:PORT` with `args` alone (no version flag, no `-rev`:
/// the caller chooses, `-tls1_3` say), once it accepts. With `pipe_stdin`, its stdin stays
/// open for [`Peer::write_stdin`]: in its default mode s_server sends each line written there
/// to the client, and reads the commands `c` (a TLS 1.3 CertificateRequest after the
/// handshake), `k` and `K` (a KeyUpdate, without and with update_requested).
pub fn start_openssl_server<S: AsRef<std::ffi::OsStr>>(
    args: &[S],
    pipe_stdin: bool,
) -> (Peer, u16) {
    require("openssl");
    start_server_stdin(
        "openssl s_server",
        |_| "ACCEPT".to_string(),
        |port| {
            let mut cmd = Command::new("openssl");
            cmd.arg("s_server")
                .arg("-accept")
                .arg(format!("127.0.0.1:{port}"))
                .args(args);
            cmd
        },
        pipe_stdin,
    )
}

/// `openssl s_client -connect 127.0.0.1:PORT` with `args` alone (no version flag), started
/// with its stdin piped and left running: the caller writes lines (or the commands `k`, `K`)
/// with [`Peer::write_stdin`] and waits for its output with [`Peer::wait_output`].
pub fn spawn_openssl_client<S: AsRef<std::ffi::OsStr>>(port: u16, args: &[S]) -> Peer {
    require("openssl");
    let mut cmd = Command::new("openssl");
    cmd.arg("s_client")
        .arg("-connect")
        .arg(format!("127.0.0.1:{port}"))
        .args(args);
    Peer::spawn(cmd, true)
}

/// `gnutls-serv --port PORT` with `args` and environment `env` (it listens on every
/// interface; connect to 127.0.0.1), once it listens.
pub fn start_gnutls_serv<S: AsRef<std::ffi::OsStr>>(
    args: &[S],
    env: &[(&str, &str)],
) -> (Peer, u16) {
    require("gnutls-serv");
    start_server(
        "gnutls-serv",
        |port| format!("port {port}...done"),
        |port| {
            let mut cmd = Command::new("gnutls-serv");
            cmd.envs(env.iter().copied())
                .args(["--port", &port.to_string()])
                .args(args);
            cmd
        },
    )
}

/// Runs `gnutls-cli 127.0.0.1 --port PORT` with `args` and environment `env`, writes `input`
/// on its stdin (kept open until it exits) and waits for it to exit.
///
/// # Panics
/// If it is still running at `deadline`.
pub fn run_gnutls_cli<S: AsRef<std::ffi::OsStr>>(
    port: u16,
    args: &[S],
    env: &[(&str, &str)],
    input: &[u8],
    deadline: Instant,
) -> Peer {
    require("gnutls-cli");
    let mut cmd = Command::new("gnutls-cli");
    cmd.envs(env.iter().copied())
        .arg("127.0.0.1")
        .args(["--port", &port.to_string()])
        .args(args);
    run_to_exit("gnutls-cli", cmd, input, deadline)
}

/// Spawns `cmd` with stdin piped, writes `input`, and waits for it to exit by `deadline`.
fn run_to_exit(what: &str, cmd: Command, input: &[u8], deadline: Instant) -> Peer {
    let mut peer = Peer::spawn(cmd, true);
    peer.write_stdin(input);
    let exited = peer.wait_exit(deadline);
    assert!(exited.is_some(), "{what} did not exit\n{}", peer.describe());
    peer.close_stdin();
    peer
}
