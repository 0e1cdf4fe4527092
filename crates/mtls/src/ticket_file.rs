//! Session ticket keys in a file that several server processes share, so that a ticket one
//! replica issued resumes on any other (see [`TicketKeyFile`]).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use mtls_crypto::OsRng;
use mtls_handshake::ticket::{Opened, TICKET_KEY_LEN, TICKET_KEY_NAME_LEN};
use mtls_handshake::{TicketKey, TicketKeys, Ticketer};

/// How often a seal or open looks at the file for a change, at most.
const RECHECK: Duration = Duration::from_secs(1);

const HEADER: &str = "# mtls session ticket keys: `current` seals and opens, `previous` only opens.\n\
                      # Secret: anyone with this file can decrypt recorded sessions. Rotate with\n\
                      # `mtls ticket-keys rotate FILE`; every server re-reads it within a second.\n";

/// Ticket keys read from a file that the servers of a fleet share (mode 0600), and re-read
/// when it changes, at most once a second: rotate the file (`mtls ticket-keys rotate FILE`,
/// or [`TicketKeyFile::rotate`]) and every server seals with the new key while tickets of the
/// previous one still resume.
///
/// The file holds two lines that matter, the current key and the previous one, each a
/// 16-byte name and a 32-byte AES-256-GCM key in hex:
///
/// ```text
/// current 5f0c...(32 hex digits) 9a1b...(64 hex digits)
/// previous 77d2... 0c4e...
/// ```
///
/// If the file does not exist, [`open`](Self::open) creates it with one fresh key, mode
/// 0600, atomically: of several servers starting at once, one creates it and the others
/// read it. A file that changes into something unreadable is ignored (the keys in force
/// stay) until it is fixed.
pub struct TicketKeyFile {
    path: PathBuf,
    keys: TicketKeys,
    /// When the file was last looked at, and its modification time and size then.
    seen: Mutex<(Instant, Option<(SystemTime, u64)>)>,
}

impl TicketKeyFile {
    /// Reads `path`, or creates it with a fresh key (mode 0600). Tickets live
    /// `lifetime_secs` (rotate the file at least that often).
    pub fn open(path: impl AsRef<Path>, lifetime_secs: u32) -> io::Result<Self> {
        let path = path.as_ref().to_path_buf();
        if !path.exists() {
            let key = TicketKey::generate(&mut OsRng).map_err(io::Error::other)?;
            match create_new(&path, &render(&key, None)) {
                Ok(()) => {}
                // Another server created it first: read theirs.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
        }
        let (current, previous) = parse(&fs::read_to_string(&path)?)?;
        let stamp = stamp(&path).ok();
        Ok(Self {
            keys: TicketKeys::new(current, previous, lifetime_secs),
            seen: Mutex::new((Instant::now(), stamp)),
            path,
        })
    }

    /// Makes a fresh key current in the file at `path` and keeps its current key as the
    /// previous one (the previous one before is forgotten); creates the file if it does not
    /// exist. The file is replaced atomically, mode 0600.
    pub fn rotate(path: impl AsRef<Path>) -> io::Result<()> {
        let path = path.as_ref();
        let old = match fs::read_to_string(path) {
            Ok(text) => Some(parse(&text)?.0),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        let new = TicketKey::generate(&mut OsRng).map_err(io::Error::other)?;
        let tmp = temp_path(path);
        write_private(&tmp, &render(&new, old.as_ref()))?;
        fs::rename(&tmp, path).inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The name of the key that seals now, in hex (to see a rotation happen).
    pub fn current_key_name(&self) -> String {
        self.reload_if_changed();
        self.keys
            .current_name()
            .map(hex::encode)
            .unwrap_or_default()
    }

    /// Re-reads the file now (a seal or open does it by itself within a second of a
    /// change). An unreadable file is an error, and the keys in force stay.
    pub fn reload(&self) -> io::Result<()> {
        let stamp = stamp(&self.path)?;
        let (current, previous) = parse(&fs::read_to_string(&self.path)?)?;
        self.keys.set(current, previous);
        if let Ok(mut seen) = self.seen.lock() {
            *seen = (Instant::now(), Some(stamp));
        }
        Ok(())
    }

    /// Re-reads the file if its modification time or size changed since it was last read,
    /// at most once per [`RECHECK`].
    fn reload_if_changed(&self) {
        let Ok(mut seen) = self.seen.lock() else {
            return;
        };
        if seen.0.elapsed() < RECHECK {
            return;
        }
        seen.0 = Instant::now();
        let now = stamp(&self.path).ok();
        if now.is_none() || now == seen.1 {
            return;
        }
        if let Ok((current, previous)) = fs::read_to_string(&self.path).and_then(|t| parse(&t)) {
            self.keys.set(current, previous);
            seen.1 = now;
        }
    }
}

impl Ticketer for TicketKeyFile {
    fn seal(&self, plaintext: &[u8]) -> Option<Vec<u8>> {
        self.reload_if_changed();
        self.keys.seal(plaintext)
    }

    fn open(&self, ticket: &[u8]) -> Option<Opened> {
        self.reload_if_changed();
        self.keys.open(ticket)
    }

    fn lifetime_secs(&self) -> u32 {
        self.keys.lifetime_secs()
    }
}

fn stamp(path: &Path) -> io::Result<(SystemTime, u64)> {
    let m = fs::metadata(path)?;
    Ok((m.modified()?, m.len()))
}

fn render(current: &TicketKey, previous: Option<&TicketKey>) -> String {
    let line = |label: &str, k: &TicketKey| {
        format!(
            "{label} {} {}\n",
            hex::encode(k.name()),
            hex::encode(k.secret())
        )
    };
    let mut text = HEADER.to_string();
    text.push_str(&line("current", current));
    if let Some(p) = previous {
        text.push_str(&line("previous", p));
    }
    text
}

fn invalid(why: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("ticket key file: {why}"),
    )
}

/// The current and previous keys of a key file's text.
fn parse(text: &str) -> io::Result<(TicketKey, Option<TicketKey>)> {
    let (mut current, mut previous) = (None, None);
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let (Some(label), Some(name), Some(key), None) =
            (words.next(), words.next(), words.next(), words.next())
        else {
            return Err(invalid("a line is not `current|previous NAME KEY`"));
        };
        let mut n = [0u8; TICKET_KEY_NAME_LEN];
        let mut k = [0u8; TICKET_KEY_LEN];
        hex::decode_to_slice(name, &mut n)
            .map_err(|_| invalid("a key name is not 32 hex digits"))?;
        hex::decode_to_slice(key, &mut k).map_err(|_| invalid("a key is not 64 hex digits"))?;
        let slot = match label {
            "current" => &mut current,
            "previous" => &mut previous,
            _ => {
                return Err(invalid(
                    "a line starts with neither `current` nor `previous`",
                ));
            }
        };
        if slot.replace(TicketKey::new(n, k)).is_some() {
            return Err(invalid("a key is given twice"));
        }
        zeroize::Zeroize::zeroize(&mut k);
    }
    let current = current.ok_or_else(|| invalid("no `current` key"))?;
    Ok((current, previous))
}

/// A temporary file next to `path`, for an atomic replace.
fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".tmp.{}", std::process::id()));
    path.with_file_name(name)
}

/// Creates `path` with `text`, mode 0600, only if it does not exist; readers never see a
/// partial file (written aside, then linked into place).
fn create_new(path: &Path, text: &str) -> io::Result<()> {
    let tmp = temp_path(path);
    write_private(&tmp, text)?;
    let linked = fs::hard_link(&tmp, path);
    let _ = fs::remove_file(&tmp);
    linked
}

/// Writes `text` to a new file at `path`, mode 0600 on Unix.
fn write_private(path: &Path, text: &str) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file: File = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}
