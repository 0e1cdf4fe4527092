//! NSS key log output (`CLIENT_RANDOM <client random> <master secret>`, both in hex), to the
//! file that `SSLKEYLOGFILE` names: what Wireshark, OpenSSL and GnuTLS use to decrypt captures.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use mtls_handshake::KeyLog;
use zeroize::Zeroizing;

/// Appends key log lines to a file. Only for debugging: anyone with the file can decrypt the
/// recorded traffic.
///
/// So the file is kept to its owner, on Unix:
///
/// - **Created with mode 0600** (owner read and write only; the umask can only remove bits).
///   A file that already exists keeps its permissions and is appended to.
/// - **A symlink at the path is refused** (`O_NOFOLLOW`): nothing is opened and no line is
///   written, so a link planted at a predictable path (`/tmp/keys.log`) cannot send the
///   secrets to a file of someone else's choosing. Only the last component of the path is
///   checked; directories on the way may be links.
///
/// Elsewhere the file gets the platform's default permissions, and a path that is a symlink
/// is refused by a check just before opening (not atomic with the open).
///
/// A key log that cannot be opened or written is silently skipped: it must not break the
/// connection.
pub struct KeyLogFile {
    path: PathBuf,
    file: Mutex<Option<File>>,
}

impl KeyLogFile {
    /// A key log writing to `path` (opened on first use, appended to; see the type's
    /// documentation for the permissions and symlinks).
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

/// Opens `path` for appending, creating it 0600, never through a symlink.
#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

/// Opens `path` for appending, refusing a symlink (checked just before opening).
#[cfg(not(unix))]
fn open(path: &Path) -> std::io::Result<File> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(std::io::Error::other("the key log path is a symlink"));
    }
    OpenOptions::new().create(true).append(true).open(path)
}

impl KeyLog for KeyLogFile {
    fn log(&self, label: &str, client_random: &[u8; 32], secret: &[u8]) {
        let Ok(mut guard) = self.file.lock() else {
            return;
        };
        if guard.is_none() {
            *guard = open(&self.path).ok();
        }
        if let Some(f) = guard.as_mut() {
            // The secret's hex is wiped once written, like the secret.
            let secret = Zeroizing::new(hex::encode(secret));
            // A key log that cannot be written must not break the connection.
            let _ = writeln!(f, "{label} {} {}", hex::encode(client_random), *secret);
        }
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn log_one_line(log: &KeyLogFile) {
        log.log("CLIENT_RANDOM", &[0xab; 32], &[0xcd; 48]);
    }

    #[test]
    fn key_log_file_is_created_readable_by_its_owner_only_0600() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.log");
        let log = KeyLogFile::new(&path);
        log_one_line(&log);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "key log created with mode {mode:o}");
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            format!("CLIENT_RANDOM {} {}\n", "ab".repeat(32), "cd".repeat(48))
        );
    }

    #[test]
    fn key_log_does_not_follow_a_symlink_at_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere");
        std::fs::write(&target, b"").unwrap();
        let path = dir.path().join("keys.log");
        std::os::unix::fs::symlink(&target, &path).unwrap();
        let log = KeyLogFile::new(&path);
        log_one_line(&log);
        log_one_line(&log);
        assert_eq!(
            std::fs::read(&target).unwrap(),
            b"",
            "the symlink was followed"
        );
        // The link is still a link, to the same target: nothing was created in its place.
        assert_eq!(std::fs::read_link(&path).unwrap(), target);
    }
}
