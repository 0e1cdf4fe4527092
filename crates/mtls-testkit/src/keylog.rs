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

    /// Our TLS 1.3 lines, normalised and sorted as [`tls13_key_log_lines`] does.
    pub fn tls13_lines(&self) -> Vec<String> {
        tls13_key_log_lines(&self.0.lock().unwrap().join("\n"))
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

/// The labels of the TLS 1.3 secrets in an NSS key log (RFC 8446 7.1; the `SSLKEYLOGFILE`
/// format).
pub const TLS13_KEY_LOG_LABELS: [&str; 5] = [
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    "CLIENT_TRAFFIC_SECRET_0",
    "SERVER_TRAFFIC_SECRET_0",
    "EXPORTER_SECRET",
];

/// The TLS 1.3 lines of an NSS key log ([`TLS13_KEY_LOG_LABELS`]), lower-cased but for the
/// label, whitespace-normalised, sorted: two logs of the same connection compare equal
/// whatever order each side wrote its secrets in.
pub fn tls13_key_log_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text
        .lines()
        .filter_map(|l| {
            let mut fields = l.split_whitespace();
            let label = fields.next()?;
            if !TLS13_KEY_LOG_LABELS.contains(&label) {
                return None;
            }
            let rest: Vec<String> = fields.map(str::to_ascii_lowercase).collect();
            Some(format!("{label} {}", rest.join(" ")))
        })
        .collect();
    lines.sort();
    lines
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
