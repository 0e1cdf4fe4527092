//! The captured TLS 1.2 sessions of openssl_captures.rs and captures_tampered.rs: loading them
//! (tests/vectors/ and mtls-testkit's vectors/), their suites and keys (from the NSS key log),
//! and a RecordReader driven over each direction in several chunkings.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use mtls_crypto::aead::AeadAlgorithm;
use mtls_crypto::hash::HashAlgorithm;
use mtls_prf::{KeyBlockLayout, MasterSecret};
use mtls_record::{Inbound, MAX_PLAINTEXT_LEN, RecordDecrypter, RecordError, RecordReader};
use mtls_wire::alert::Alert;
use mtls_wire::handshake::KeyExchangeAlgorithm;
use mtls_wire::{CipherSuite, ProtocolVersion};

// ------------------------------------------------------------------------------------------
// Loading the vectors
// ------------------------------------------------------------------------------------------

pub(crate) fn record_vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

/// The handshakes captured between other implementations (mtls-testkit's `vectors/`).
pub(crate) fn wire_vectors_dir() -> PathBuf {
    mtls_testkit::vectors_dir()
}

pub(crate) fn read_hex(path: &Path) -> Vec<u8> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let compact: String = text.split_whitespace().collect();
    hex::decode(compact).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The flat `key = value` subset of TOML that the capture scripts write: basic strings
/// (JSON-escaped), integers (decimal or 0x hex), booleans, arrays kept as raw text.
pub(crate) fn parse_toml(text: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once('=').expect("key = value");
        let value = value.trim();
        let value = if let Some(rest) = value.strip_prefix('"') {
            let mut s = String::new();
            let mut chars = rest.chars();
            loop {
                match chars.next().expect("unterminated string") {
                    '"' => break,
                    '\\' => match chars.next().expect("dangling escape") {
                        'n' => s.push('\n'),
                        't' => s.push('\t'),
                        c @ ('"' | '\\' | '/') => s.push(c),
                        c => panic!("escape \\{c} not supported"),
                    },
                    c => s.push(c),
                }
            }
            s
        } else {
            value.split('#').next().unwrap_or("").trim().to_owned()
        };
        out.insert(key.trim().to_owned(), value);
    }
    out
}

pub(crate) fn toml_int(t: &HashMap<String, String>, key: &str) -> u64 {
    let v = t
        .get(key)
        .unwrap_or_else(|| panic!("session.toml: no {key}"));
    match v.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).unwrap(),
        None => v.parse().unwrap(),
    }
}

pub(crate) fn toml_bool(t: &HashMap<String, String>, key: &str) -> Option<bool> {
    t.get(key).map(|v| match v.as_str() {
        "true" => true,
        "false" => false,
        other => panic!("{key} = {other}: not a bool"),
    })
}

pub(crate) struct Capture {
    pub(crate) name: String,
    pub(crate) c2s: Vec<u8>,
    pub(crate) s2c: Vec<u8>,
    pub(crate) keylog: String,
    pub(crate) toml: HashMap<String, String>,
}

pub(crate) fn load_dir(dir: &Path, c2s_file: &str, s2c_file: &str) -> Option<Capture> {
    let c2s = dir.join(c2s_file);
    if !c2s.exists() {
        return None;
    }
    Some(Capture {
        name: dir.file_name().unwrap().to_string_lossy().into_owned(),
        c2s: read_hex(&c2s),
        s2c: read_hex(&dir.join(s2c_file)),
        keylog: std::fs::read_to_string(dir.join("keylog.txt")).unwrap(),
        toml: parse_toml(&std::fs::read_to_string(dir.join("session.toml")).unwrap()),
    })
}

pub(crate) fn load_all(root: &Path, c2s_file: &str, s2c_file: &str) -> Vec<Capture> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.iter()
        .filter_map(|d| load_dir(d, c2s_file, s2c_file))
        .collect()
}

/// The openssl captures of this crate; fails if there are fewer than the suites we promise.
pub(crate) fn record_captures() -> Vec<Capture> {
    let caps = load_all(&record_vectors_dir(), "c2s.hex", "s2c.hex");
    assert!(
        caps.len() >= 4,
        "expected at least 4 captures in {}, found {}: regenerate with \
         `python3 scripts/capture-vectors/capture_records.py --out crates/mtls-record/tests/vectors`",
        record_vectors_dir().display(),
        caps.len()
    );
    caps
}

// ------------------------------------------------------------------------------------------
// Suites and keys
// ------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
pub(crate) struct SuiteParams {
    pub(crate) prf: HashAlgorithm,
    pub(crate) aead: AeadAlgorithm,
    pub(crate) layout: KeyBlockLayout,
    pub(crate) kx: KeyExchangeAlgorithm,
}

pub(crate) fn suite_params(suite: CipherSuite) -> SuiteParams {
    let (prf, aead, layout) = match suite.to_u16() {
        0xC02B | 0xC02F | 0x009C => (
            HashAlgorithm::Sha256,
            AeadAlgorithm::Aes128Gcm,
            KeyBlockLayout::AES_128_GCM,
        ),
        0xC02C | 0xC030 | 0x009D => (
            HashAlgorithm::Sha384,
            AeadAlgorithm::Aes256Gcm,
            KeyBlockLayout::AES_256_GCM,
        ),
        0xCCA8 | 0xCCA9 => (
            HashAlgorithm::Sha256,
            AeadAlgorithm::ChaCha20Poly1305,
            KeyBlockLayout::CHACHA20_POLY1305,
        ),
        other => panic!("suite {other:#06x} not covered"),
    };
    SuiteParams {
        prf,
        aead,
        layout,
        kx: KeyExchangeAlgorithm::of(suite).expect("known key exchange"),
    }
}

/// `CLIENT_RANDOM <client random> <master secret>` for this connection (NSS key log format).
pub(crate) fn master_secret_from_keylog(keylog: &str, client_random: &[u8; 32]) -> MasterSecret {
    let want = hex::encode(client_random);
    let line = keylog
        .lines()
        .filter_map(|l| l.strip_prefix("CLIENT_RANDOM "))
        .find(|l| l.split_whitespace().next() == Some(want.as_str()))
        .unwrap_or_else(|| panic!("no CLIENT_RANDOM {want} in the key log"));
    let ms = hex::decode(line.split_whitespace().nth(1).expect("master secret")).unwrap();
    MasterSecret::from_bytes(ms.try_into().expect("48-byte master secret"))
}

// ------------------------------------------------------------------------------------------
// Driving a RecordReader
// ------------------------------------------------------------------------------------------

/// Owned copy of an [`Inbound`] event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Ev {
    Handshake(Vec<u8>),
    Ccs,
    Alert(Alert),
    App(Vec<u8>),
}

pub(crate) fn next_owned(r: &mut RecordReader) -> Result<Option<Ev>, RecordError> {
    Ok(r.next_event()?.map(|e| match e {
        Inbound::Handshake(h) => Ev::Handshake(h.to_vec()),
        Inbound::ChangeCipherSpec => Ev::Ccs,
        Inbound::Alert(a) => Ev::Alert(a),
        Inbound::ApplicationData(d) => Ev::App(d.to_vec()),
    }))
}

/// How bytes are offered to the reader.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Chunking {
    Whole,
    Bytes(usize),
    Random(u64),
}

/// xorshift64*: deterministic chunk sizes, mostly small, sometimes a record or more.
pub(crate) struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

impl Chunking {
    fn sizes(self) -> impl FnMut() -> usize {
        let mut rng = Rng(match self {
            Chunking::Random(seed) => seed | 1,
            _ => 1,
        });
        move || match self {
            Chunking::Whole => usize::MAX,
            Chunking::Bytes(n) => n,
            Chunking::Random(_) => {
                let r = rng.next();
                match r % 8 {
                    0 => 1,
                    1..=4 => 1 + (r >> 8) as usize % 64,
                    5 | 6 => 1 + (r >> 8) as usize % 2000,
                    _ => 1 + (r >> 8) as usize % 40_000,
                }
            }
        }
    }
}

pub(crate) const CHUNKINGS: [Chunking; 5] = [
    Chunking::Whole,
    Chunking::Bytes(1),
    Chunking::Bytes(5),
    Chunking::Random(0x5eed_0001),
    Chunking::Random(0x5eed_0002),
];

/// Feeds `stream` to a fresh reader in `chunking` and hands every event to `on`, which may
/// install keys and returns false to stop early. Returns the bytes the reader still buffers.
pub(crate) fn drive(
    stream: &[u8],
    chunking: Chunking,
    mut on: impl FnMut(&mut RecordReader, Ev) -> bool,
) -> Result<usize, RecordError> {
    let mut r = RecordReader::new();
    let mut next_size = chunking.sizes();
    let mut pos = 0;
    loop {
        while let Some(ev) = next_owned(&mut r)? {
            if !on(&mut r, ev) {
                return Ok(r.buffered());
            }
        }
        if pos == stream.len() {
            return Ok(r.buffered());
        }
        let n = next_size().min(stream.len() - pos);
        let taken = r.push(&stream[pos..pos + n]);
        assert!(
            taken > 0,
            "reader took no bytes and produced no event at offset {pos} ({chunking:?})"
        );
        pos += taken;
    }
}

/// What one direction carried, as seen through our record layer.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Direction {
    /// Handshake messages before ChangeCipherSpec.
    pub(crate) plain_handshake: Vec<Vec<u8>>,
    /// Handshake messages after ChangeCipherSpec (Finished).
    pub(crate) protected_handshake: Vec<Vec<u8>>,
    pub(crate) ccs: usize,
    pub(crate) app: Vec<u8>,
    pub(crate) app_records: usize,
    pub(crate) max_app_record: usize,
    pub(crate) alerts: Vec<Alert>,
    /// Every event in order, as a short tag, to check the overall shape.
    pub(crate) shape: Vec<&'static str>,
    /// Bytes the reader held at the end (a truncated last record).
    pub(crate) leftover: usize,
}

/// The first plaintext handshake messages (before ChangeCipherSpec) of one direction.
pub(crate) fn plaintext_flight(stream: &[u8], chunking: Chunking) -> Vec<Vec<u8>> {
    let mut msgs = Vec::new();
    drive(stream, chunking, |_, ev| match ev {
        Ev::Handshake(m) => {
            msgs.push(m);
            true
        }
        Ev::Ccs => false,
        other => panic!("unexpected {other:?} before ChangeCipherSpec"),
    })
    .unwrap();
    msgs
}

/// Reads one whole direction, installing `keys` at its ChangeCipherSpec.
pub(crate) fn read_direction(
    stream: &[u8],
    chunking: Chunking,
    aead: AeadAlgorithm,
    key: &[u8],
    iv: &[u8],
) -> Result<Direction, RecordError> {
    let mut d = Direction::default();
    let mut first = true;
    let leftover = drive(stream, chunking, |r, ev| {
        match ev {
            Ev::Handshake(m) => {
                if first {
                    // ClientHello's record may say {3, 1}; everything after must be {3, 3}.
                    r.set_expected_version(ProtocolVersion::TLSv1_2);
                    first = false;
                }
                d.shape.push("hs");
                if d.ccs == 0 {
                    d.plain_handshake.push(m);
                } else {
                    d.protected_handshake.push(m);
                }
            }
            Ev::Ccs => {
                d.shape.push("ccs");
                d.ccs += 1;
                assert!(!r.is_protected());
                r.install_decrypter(RecordDecrypter::new(aead, key, iv).unwrap());
            }
            Ev::Alert(a) => {
                d.shape.push("alert");
                d.alerts.push(a);
            }
            Ev::App(data) => {
                assert!(r.is_protected());
                assert!(!data.is_empty() && data.len() <= MAX_PLAINTEXT_LEN);
                if d.shape.last() != Some(&"app") {
                    d.shape.push("app");
                }
                d.app_records += 1;
                d.max_app_record = d.max_app_record.max(data.len());
                d.app.extend_from_slice(&data);
            }
        }
        true
    })?;
    d.leftover = leftover;
    Ok(d)
}
