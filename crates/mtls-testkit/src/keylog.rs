//! NSS key logs (`SSLKEYLOGFILE`): ours in memory, and the `CLIENT_RANDOM` lines of any log,
//! normalised, so that ours can be compared with a real peer's.

use std::sync::Mutex;

use mtls_handshake::KeyLog;

/// Collects our key log lines (`LABEL client_random secret`, hex).
#[derive(Default)]
pub struct MemoryKeyLog(pub Mutex<Vec<String>>);

impl MemoryKeyLog {
    /// Our `CLIENT_RANDOM` lines, normalised as [`key_log_lines`] does.
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
