//! Child processes for the interop tests (openssl, gnutls, python): started with their output
//! collected, killed by PID and reaped on drop, with bounded waits; a free loopback port; the
//! check that a peer binary is installed; temp files and NSS key log lines.
//! Shared by `crates/mtls-handshake/tests/interop/mod.rs` and `crates/mtls/tests/peers/mod.rs`
//! through `#[path]`, so there is one copy.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

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

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout.lock().unwrap()).into_owned()
    }

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

    pub fn write_stdin(&mut self, data: &[u8]) {
        if let Some(stdin) = &mut self.stdin {
            stdin.write_all(data).unwrap();
            stdin.flush().unwrap();
        }
    }

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
         gnutls-bin for gnutls-cli/gnutls-serv, python3; .ci/run installs them); these tests \
         fail rather than skip without their peer."
    );
}

/// A file path in the temp dir, removed on drop.
pub struct TempFile(pub PathBuf);

impl TempFile {
    pub fn new(tag: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "mtls-test-{}-{}-{tag}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_file(&path);
        Self(path)
    }

    pub fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }

    /// The `CLIENT_RANDOM` lines of this NSS key log file, normalised.
    pub fn client_random_lines(&self) -> Vec<String> {
        key_log_lines(&std::fs::read_to_string(&self.0).unwrap_or_default())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The `CLIENT_RANDOM` lines of an NSS key log, lower-cased, whitespace-normalised.
pub fn key_log_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.starts_with("CLIENT_RANDOM "))
        .map(|l| {
            l.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_ascii_lowercase()
        })
        .collect()
}
