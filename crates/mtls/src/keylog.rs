//! NSS key log output (`CLIENT_RANDOM <client random> <master secret>`, both in hex), to the
//! file that `SSLKEYLOGFILE` names: what Wireshark, OpenSSL and GnuTLS use to decrypt captures.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use mtls_handshake::KeyLog;

/// Appends key log lines to a file. Only for debugging: anyone with the file can decrypt the
/// recorded traffic.
pub struct KeyLogFile {
    path: PathBuf,
    file: Mutex<Option<File>>,
}

impl KeyLogFile {
    /// A key log writing to `path` (opened on first use, appended to).
    pub fn new(path: impl AsRef<Path>) -> Self {
        Self {
            path: path.as_ref().to_path_buf(),
            file: Mutex::new(None),
        }
    }

    /// A key log to the file named by `SSLKEYLOGFILE`, if that variable is set and not empty.
    pub fn from_env() -> Option<Self> {
        std::env::var_os("SSLKEYLOGFILE")
            .filter(|v| !v.is_empty())
            .map(Self::new)
    }

    /// Where lines go.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl KeyLog for KeyLogFile {
    fn log(&self, label: &str, client_random: &[u8; 32], secret: &[u8]) {
        let Ok(mut guard) = self.file.lock() else {
            return;
        };
        if guard.is_none() {
            *guard = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)
                .ok();
        }
        if let Some(f) = guard.as_mut() {
            // A key log that cannot be written must not break the connection.
            let _ = writeln!(f, "{label} {} {}", hex(client_random), hex(secret));
        }
    }
}
