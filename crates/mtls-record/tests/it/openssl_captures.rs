#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Known answers from real connections: `openssl s_client` <-> `openssl s_server` sessions
//! captured on loopback with their NSS key logs (tests/vectors/, made by
//! scripts/capture-vectors/capture_records.py). Our key expansion (mtls-prf) plus our record
//! layer must decrypt every record both ways, the first protected handshake message must be a
//! Finished whose verify_data we recompute, the application data must be exactly what was sent,
//! and the streams end with close_notify.
//!
//! The same pipeline also runs over the raw transcripts of crates/mtls-testkit/vectors/
//! (GnuTLS, Python ssl and curl peers), without plaintext expectations.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use mtls_crypto::aead::AeadAlgorithm;
use mtls_crypto::hash::{Hash, HashAlgorithm};
use mtls_prf::{KeyBlockLayout, MasterSecret, Sender, key_block, verify_data};
use mtls_record::{Inbound, MAX_PLAINTEXT_LEN, RecordDecrypter, RecordError, RecordReader};
use mtls_wire::alert::Alert;
use mtls_wire::handshake::{
    HandshakeMessage, HandshakePayload, KeyExchangeAlgorithm, ParseContext,
};
use mtls_wire::{AlertDescription, AlertLevel, CipherSuite, HandshakeType, ProtocolVersion};

// ------------------------------------------------------------------------------------------
// Loading the vectors
// ------------------------------------------------------------------------------------------

fn record_vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

/// The handshakes captured between other implementations (mtls-testkit's `vectors/`).
fn wire_vectors_dir() -> PathBuf {
    mtls_testkit::vectors_dir()
}

fn read_hex(path: &Path) -> Vec<u8> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let compact: String = text.split_whitespace().collect();
    hex::decode(compact).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The flat `key = value` subset of TOML that the capture scripts write: basic strings
/// (JSON-escaped), integers (decimal or 0x hex), booleans, arrays kept as raw text.
fn parse_toml(text: &str) -> HashMap<String, String> {
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

fn toml_int(t: &HashMap<String, String>, key: &str) -> u64 {
    let v = t
        .get(key)
        .unwrap_or_else(|| panic!("session.toml: no {key}"));
    match v.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).unwrap(),
        None => v.parse().unwrap(),
    }
}

fn toml_bool(t: &HashMap<String, String>, key: &str) -> Option<bool> {
    t.get(key).map(|v| match v.as_str() {
        "true" => true,
        "false" => false,
        other => panic!("{key} = {other}: not a bool"),
    })
}

struct Capture {
    name: String,
    c2s: Vec<u8>,
    s2c: Vec<u8>,
    keylog: String,
    toml: HashMap<String, String>,
}

fn load_dir(dir: &Path, c2s_file: &str, s2c_file: &str) -> Option<Capture> {
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

fn load_all(root: &Path, c2s_file: &str, s2c_file: &str) -> Vec<Capture> {
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
fn record_captures() -> Vec<Capture> {
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
struct SuiteParams {
    prf: HashAlgorithm,
    aead: AeadAlgorithm,
    layout: KeyBlockLayout,
    kx: KeyExchangeAlgorithm,
}

fn suite_params(suite: CipherSuite) -> SuiteParams {
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
fn master_secret_from_keylog(keylog: &str, client_random: &[u8; 32]) -> MasterSecret {
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
enum Ev {
    Handshake(Vec<u8>),
    Ccs,
    Alert(Alert),
    App(Vec<u8>),
}

fn next_owned(r: &mut RecordReader) -> Result<Option<Ev>, RecordError> {
    Ok(r.next_event()?.map(|e| match e {
        Inbound::Handshake(h) => Ev::Handshake(h.to_vec()),
        Inbound::ChangeCipherSpec => Ev::Ccs,
        Inbound::Alert(a) => Ev::Alert(a),
        Inbound::ApplicationData(d) => Ev::App(d.to_vec()),
    }))
}

/// How bytes are offered to the reader.
#[derive(Clone, Copy, Debug)]
enum Chunking {
    Whole,
    Bytes(usize),
    Random(u64),
}

/// xorshift64*: deterministic chunk sizes, mostly small, sometimes a record or more.
struct Rng(u64);

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

const CHUNKINGS: [Chunking; 5] = [
    Chunking::Whole,
    Chunking::Bytes(1),
    Chunking::Bytes(5),
    Chunking::Random(0x5eed_0001),
    Chunking::Random(0x5eed_0002),
];

/// Feeds `stream` to a fresh reader in `chunking` and hands every event to `on`, which may
/// install keys and returns false to stop early. Returns the bytes the reader still buffers.
fn drive(
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
struct Direction {
    /// Handshake messages before ChangeCipherSpec.
    plain_handshake: Vec<Vec<u8>>,
    /// Handshake messages after ChangeCipherSpec (Finished).
    protected_handshake: Vec<Vec<u8>>,
    ccs: usize,
    app: Vec<u8>,
    app_records: usize,
    max_app_record: usize,
    alerts: Vec<Alert>,
    /// Every event in order, as a short tag, to check the overall shape.
    shape: Vec<&'static str>,
    /// Bytes the reader held at the end (a truncated last record).
    leftover: usize,
}

/// The first plaintext handshake messages (before ChangeCipherSpec) of one direction.
fn plaintext_flight(stream: &[u8], chunking: Chunking) -> Vec<Vec<u8>> {
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
fn read_direction(
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

// ------------------------------------------------------------------------------------------
// One connection, end to end
// ------------------------------------------------------------------------------------------

struct Decrypted {
    suite: CipherSuite,
    params: SuiteParams,
    c2s: Direction,
    s2c: Direction,
}

fn parse_all(msgs: &[Vec<u8>], ctx: &ParseContext, what: &str) -> Vec<HandshakeMessage> {
    msgs.iter()
        .map(|m| {
            let (msg, rest) = HandshakeMessage::parse(m, ctx)
                .unwrap_or_else(|e| panic!("{what}: message type {} does not parse: {e}", m[0]));
            assert!(rest.is_empty(), "{what}: bytes after a whole message");
            assert_eq!(msg.raw(), &m[..]);
            msg
        })
        .collect()
}

fn finished_verify_data(msgs: &[Vec<u8>], what: &str) -> Vec<u8> {
    assert_eq!(
        msgs.len(),
        1,
        "{what}: exactly one protected handshake message (Finished) expected"
    );
    let (msg, _) = HandshakeMessage::parse(&msgs[0], &ParseContext::new()).unwrap();
    assert_eq!(
        msg.typ(),
        HandshakeType::Finished,
        "{what}: first protected message"
    );
    let HandshakePayload::Finished(v) = msg.payload() else {
        panic!("{what}: not a Finished payload")
    };
    assert_eq!(v.len(), 12, "{what}: verify_data length");
    v.clone()
}

fn decrypt_capture(cap: &Capture, chunking: Chunking) -> Decrypted {
    let name = &cap.name;
    // Pass 1: the plaintext flights, up to each ChangeCipherSpec.
    let c_flight = plaintext_flight(&cap.c2s, chunking);
    let s_flight = plaintext_flight(&cap.s2c, chunking);
    let (ch, _) = HandshakeMessage::parse(&c_flight[0], &ParseContext::new()).unwrap();
    let (sh, _) = HandshakeMessage::parse(&s_flight[0], &ParseContext::new()).unwrap();
    let HandshakePayload::ClientHello(ch) = ch.payload() else {
        panic!("{name}: first c2s message is not a ClientHello")
    };
    let HandshakePayload::ServerHello(sh) = sh.payload() else {
        panic!("{name}: first s2c message is not a ServerHello")
    };
    assert!(ch.cipher_suites.contains(&sh.cipher_suite));
    let suite = sh.cipher_suite;
    let params = suite_params(suite);
    // Every plaintext message parses with our codec, under the negotiated key exchange.
    let ctx = ParseContext::with_kx(params.kx);
    parse_all(&c_flight, &ctx, &format!("{name} c2s"));
    parse_all(&s_flight, &ctx, &format!("{name} s2c"));

    // Keys: master secret from the key log, key block from mtls-prf.
    let master = master_secret_from_keylog(&cap.keylog, &ch.random);
    let kb = key_block(
        mtls_crypto::default_provider(),
        params.prf,
        &master,
        &ch.random,
        &sh.random,
        params.layout,
    );

    // Pass 2: everything, decrypting after each ChangeCipherSpec with the sender's write keys.
    let c2s = read_direction(
        &cap.c2s,
        chunking,
        params.aead,
        kb.client_write.key(),
        kb.client_write.iv(),
    )
    .unwrap_or_else(|e| panic!("{name} c2s ({chunking:?}): {e}"));
    let s2c = read_direction(
        &cap.s2c,
        chunking,
        params.aead,
        kb.server_write.key(),
        kb.server_write.iv(),
    )
    .unwrap_or_else(|e| panic!("{name} s2c ({chunking:?}): {e}"));
    assert_eq!(c2s.plain_handshake, c_flight);
    assert_eq!(s2c.plain_handshake, s_flight);
    assert_eq!(c2s.ccs, 1, "{name}: one ChangeCipherSpec c2s");
    assert_eq!(s2c.ccs, 1, "{name}: one ChangeCipherSpec s2c");

    // Finished both ways, verify_data recomputed over the transcript (RFC 5246 7.4.9).
    let client_fin = finished_verify_data(&c2s.protected_handshake, &format!("{name} c2s"));
    let server_fin = finished_verify_data(&s2c.protected_handshake, &format!("{name} s2c"));
    // Transcript order of a full handshake: ClientHello, the server's first flight (up to
    // ServerHelloDone), the client's second flight, client Finished, then whatever the server
    // sent before its ChangeCipherSpec after ServerHelloDone (NewSessionTicket), server Finished.
    let shd = s_flight
        .iter()
        .position(|m| m[0] == HandshakeType::ServerHelloDone.to_u8())
        .expect("ServerHelloDone");
    let mut transcript = Hash::new(params.prf);
    transcript.update(&c_flight[0]);
    s_flight[..=shd].iter().for_each(|m| transcript.update(m));
    c_flight[1..].iter().for_each(|m| transcript.update(m));
    let want = verify_data(
        mtls_crypto::default_provider(),
        params.prf,
        &master,
        Sender::Client,
        transcript.fork().finish().as_slice(),
    );
    assert_eq!(
        want.as_bytes(),
        &client_fin[..],
        "{name}: client Finished verify_data"
    );
    assert!(want.verify(&client_fin));
    transcript.update(&c2s.protected_handshake[0]);
    s_flight[shd + 1..]
        .iter()
        .for_each(|m| transcript.update(m));
    let want = verify_data(
        mtls_crypto::default_provider(),
        params.prf,
        &master,
        Sender::Server,
        transcript.finish().as_slice(),
    );
    assert_eq!(
        want.as_bytes(),
        &server_fin[..],
        "{name}: server Finished verify_data"
    );

    Decrypted {
        suite,
        params,
        c2s,
        s2c,
    }
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Hash::digest(HashAlgorithm::Sha256, data).as_slice())
}

fn is_close_notify(a: &Alert) -> bool {
    a.level == AlertLevel::Warning && a.description == AlertDescription::CloseNotify
}

fn check_against_session(cap: &Capture, d: &Decrypted) {
    let name = &cap.name;
    let t = &cap.toml;
    assert_eq!(
        u64::from(d.suite.to_u16()),
        toml_int(t, "cipher_suite"),
        "{name}: suite"
    );
    let prf_name = match d.params.prf {
        HashAlgorithm::Sha256 => "sha256",
        HashAlgorithm::Sha384 => "sha384",
    };
    assert_eq!(t["prf_hash"], prf_name, "{name}: PRF hash");
    for (dir, x) in [("c2s", &d.c2s), ("s2c", &d.s2c)] {
        assert_eq!(x.leftover, 0, "{name} {dir}: bytes left in the reader");
        assert_eq!(
            x.app.len() as u64,
            toml_int(t, &format!("{dir}_plaintext_len")),
            "{name} {dir}: application data length"
        );
        assert_eq!(
            sha256_hex(&x.app),
            t[&format!("{dir}_plaintext_sha256")],
            "{name} {dir}: application data SHA-256"
        );
        let first_line = &t[&format!("{dir}_first_line")];
        assert!(
            x.app.starts_with(first_line.as_bytes()),
            "{name} {dir}: first line {:?}",
            String::from_utf8_lossy(&x.app[..x.app.len().min(40)])
        );
        if t.contains_key(&format!("{dir}_app_records")) {
            assert_eq!(
                x.app_records as u64,
                toml_int(t, &format!("{dir}_app_records")),
                "{name} {dir}: application data records"
            );
            assert_eq!(
                x.max_app_record as u64,
                toml_int(t, &format!("{dir}_max_app_record")),
                "{name} {dir}: largest application data record"
            );
        }
        let want_shape: &[&str] = if toml_bool(t, &format!("{dir}_close_notify")) == Some(true) {
            assert_eq!(x.alerts.len(), 1, "{name} {dir}: alerts {:?}", x.alerts);
            assert!(
                is_close_notify(&x.alerts[0]),
                "{name} {dir}: {:?}",
                x.alerts[0]
            );
            &["hs", "ccs", "hs", "app", "alert"]
        } else {
            assert!(x.alerts.is_empty(), "{name} {dir}: alerts {:?}", x.alerts);
            &["hs", "ccs", "hs", "app"]
        };
        let mut shape = x.shape.clone();
        shape.dedup();
        assert_eq!(shape, want_shape, "{name} {dir}: event order");
    }
    // The c2s text is what was written to s_client; s_server -rev reversed it line by line.
    if toml_bool(t, "s2c_is_reversed_lines") == Some(true) {
        let reversed: Vec<u8> = d
            .c2s
            .app
            .split_inclusive(|b| *b == b'\n')
            .flat_map(|l| {
                let mut l = l.strip_suffix(b"\n").unwrap().to_vec();
                l.reverse();
                l.push(b'\n');
                l
            })
            .collect();
        assert_eq!(
            reversed, d.s2c.app,
            "{name}: s2c is c2s reversed line by line"
        );
    }
}

// ------------------------------------------------------------------------------------------
// Tests
// ------------------------------------------------------------------------------------------

#[test]
fn openssl_captures_decrypt_with_our_key_expansion_and_record_layer() {
    let caps = record_captures();
    let mut aeads = Vec::new();
    let mut prfs = Vec::new();
    for cap in &caps {
        let reference = decrypt_capture(cap, Chunking::Whole);
        check_against_session(cap, &reference);
        aeads.push(reference.params.aead);
        prfs.push(reference.params.prf);
        // Any chunking of the TCP bytes gives the same events.
        for chunking in CHUNKINGS {
            let d = decrypt_capture(cap, chunking);
            assert_eq!(d.c2s, reference.c2s, "{} c2s {chunking:?}", cap.name);
            assert_eq!(d.s2c, reference.s2c, "{} s2c {chunking:?}", cap.name);
        }
    }
    for aead in [
        AeadAlgorithm::Aes128Gcm,
        AeadAlgorithm::Aes256Gcm,
        AeadAlgorithm::ChaCha20Poly1305,
    ] {
        assert!(aeads.contains(&aead), "no capture for {aead:?}");
    }
    assert!(
        prfs.contains(&HashAlgorithm::Sha384),
        "no capture with the SHA-384 PRF"
    );
}

#[test]
fn openssl_captures_cover_records_of_the_maximum_size_and_fragmented_handshakes() {
    let caps = record_captures();
    // One line longer than 2^14 came back in a full 2^14-byte record.
    assert!(
        caps.iter()
            .any(|c| { c.toml.get("s2c_max_app_record").map(String::as_str) == Some("16384") })
    );
    // A session where handshake messages span records (-max_send_frag 512).
    let frag = caps
        .iter()
        .find(|c| c.toml.get("s2c_max_handshake_record").map(String::as_str) == Some("512"))
        .expect("a capture with 512-byte handshake records");
    let mut records = 0;
    let mut pos = 0;
    while pos + 5 <= frag.s2c.len() && frag.s2c[pos] == 22 {
        records += 1;
        pos += 5 + usize::from(u16::from_be_bytes([frag.s2c[pos + 3], frag.s2c[pos + 4]]));
    }
    let msgs = plaintext_flight(&frag.s2c, Chunking::Whole);
    let biggest = msgs.iter().map(Vec::len).max().unwrap();
    assert!(biggest > 512, "a message longer than one record");
    assert!(
        records > msgs.len(),
        "{records} records for {} messages",
        msgs.len()
    );
}

#[test]
fn mtls_wire_transcripts_decrypt_too() {
    // GnuTLS, Python ssl, curl and OpenSSL peers from the codec vectors: no plaintext
    // expectations, but every record must open and both Finished must verify.
    let root = wire_vectors_dir();
    if !root.exists() {
        return; // the other crate's vectors are optional here
    }
    let caps = load_all(&root, "transcript-c2s.hex", "transcript-s2c.hex");
    assert!(!caps.is_empty(), "no transcripts in {}", root.display());
    for cap in &caps {
        let d = decrypt_capture(cap, Chunking::Random(0xabcd));
        assert_eq!(
            u64::from(d.suite.to_u16()),
            toml_int(&cap.toml, "cipher_suite"),
            "{}",
            cap.name
        );
        assert!(
            !d.c2s.app.is_empty() || !d.s2c.app.is_empty(),
            "{}: no application data",
            cap.name
        );
        for a in d.c2s.alerts.iter().chain(&d.s2c.alerts) {
            assert!(is_close_notify(a), "{}: alert {a:?}", cap.name);
        }
    }
}

// ------------------------------------------------------------------------------------------
// Negative: tampering is caught
// ------------------------------------------------------------------------------------------

/// Offsets of every record in a stream: (start of header, content type, fragment range).
fn record_offsets(stream: &[u8]) -> Vec<(usize, u8, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos + 5 <= stream.len() {
        let len = usize::from(u16::from_be_bytes([stream[pos + 3], stream[pos + 4]]));
        if pos + 5 + len > stream.len() {
            break;
        }
        out.push((pos, stream[pos], pos + 5..pos + 5 + len));
        pos += 5 + len;
    }
    out
}

struct Keys {
    aead: AeadAlgorithm,
    client: (Vec<u8>, Vec<u8>),
    server: (Vec<u8>, Vec<u8>),
}

fn keys_of(cap: &Capture) -> Keys {
    let c_flight = plaintext_flight(&cap.c2s, Chunking::Whole);
    let s_flight = plaintext_flight(&cap.s2c, Chunking::Whole);
    let (ch, _) = HandshakeMessage::parse(&c_flight[0], &ParseContext::new()).unwrap();
    let (sh, _) = HandshakeMessage::parse(&s_flight[0], &ParseContext::new()).unwrap();
    let (HandshakePayload::ClientHello(ch), HandshakePayload::ServerHello(sh)) =
        (ch.payload(), sh.payload())
    else {
        panic!("hellos")
    };
    let params = suite_params(sh.cipher_suite);
    let master = master_secret_from_keylog(&cap.keylog, &ch.random);
    let kb = key_block(
        mtls_crypto::default_provider(),
        params.prf,
        &master,
        &ch.random,
        &sh.random,
        params.layout,
    );
    Keys {
        aead: params.aead,
        client: (
            kb.client_write.key().to_vec(),
            kb.client_write.iv().to_vec(),
        ),
        server: (
            kb.server_write.key().to_vec(),
            kb.server_write.iv().to_vec(),
        ),
    }
}

fn first_protected(stream: &[u8]) -> std::ops::Range<usize> {
    let recs = record_offsets(stream);
    let ccs = recs
        .iter()
        .position(|r| r.1 == 20)
        .expect("a ChangeCipherSpec");
    recs[ccs + 1].2.clone()
}

#[test]
fn one_flipped_bit_in_the_first_protected_record_is_bad_record_mac() {
    for cap in &record_captures() {
        let keys = keys_of(cap);
        for (dir, stream, (key, iv)) in [
            ("c2s", &cap.c2s, &keys.client),
            ("s2c", &cap.s2c, &keys.server),
        ] {
            // Untampered, it reads (the keys are right).
            read_direction(stream, Chunking::Whole, keys.aead, key, iv).unwrap();
            let frag = first_protected(stream);
            // First byte (GCM explicit nonce or ChaCha ciphertext), middle, last (tag).
            for at in [
                frag.start,
                frag.start + 9,
                (frag.start + frag.end) / 2,
                frag.end - 1,
            ] {
                let mut bad = stream.clone();
                bad[at] ^= 0x01;
                for chunking in [Chunking::Whole, Chunking::Random(at as u64)] {
                    let got = read_direction(&bad, chunking, keys.aead, key, iv);
                    assert_eq!(
                        got.unwrap_err(),
                        RecordError::BadRecordMac,
                        "{} {dir}: byte {at} flipped",
                        cap.name
                    );
                }
            }
            // The content type is authenticated: Finished relabelled as application data.
            let mut bad = stream.clone();
            bad[frag.start - 5] = 23;
            let got = read_direction(&bad, Chunking::Whole, keys.aead, key, iv);
            assert_eq!(
                got.unwrap_err(),
                RecordError::BadRecordMac,
                "{} {dir}",
                cap.name
            );
        }
    }
}

#[test]
fn the_other_directions_keys_do_not_open_a_record() {
    for cap in &record_captures() {
        let keys = keys_of(cap);
        let (key, iv) = &keys.server;
        let got = read_direction(&cap.c2s, Chunking::Whole, keys.aead, key, iv);
        assert_eq!(got.unwrap_err(), RecordError::BadRecordMac, "{}", cap.name);
    }
}

#[test]
fn swapped_or_dropped_protected_records_are_bad_record_mac() {
    for cap in &record_captures() {
        let keys = keys_of(cap);
        let (key, iv) = &keys.server;
        let recs = record_offsets(&cap.s2c);
        let apps: Vec<_> = recs.iter().filter(|r| r.1 == 23).collect();
        if apps.len() < 2 {
            continue;
        }
        // Swap the first two application data records (sequence numbers out of order).
        let (a, b) = (apps[0], apps[1]);
        let a_rec = &cap.s2c[a.0..a.2.end];
        let b_rec = &cap.s2c[b.0..b.2.end];
        assert_eq!(a.2.end, b.0, "adjacent records");
        let mut swapped = cap.s2c[..a.0].to_vec();
        swapped.extend_from_slice(b_rec);
        swapped.extend_from_slice(a_rec);
        swapped.extend_from_slice(&cap.s2c[b.2.end..]);
        let got = read_direction(&swapped, Chunking::Whole, keys.aead, key, iv);
        assert_eq!(
            got.unwrap_err(),
            RecordError::BadRecordMac,
            "{} swapped",
            cap.name
        );
        // Drop the first one (the next record's sequence number no longer matches).
        let mut dropped = cap.s2c[..a.0].to_vec();
        dropped.extend_from_slice(&cap.s2c[a.2.end..]);
        let got = read_direction(&dropped, Chunking::Whole, keys.aead, key, iv);
        assert_eq!(
            got.unwrap_err(),
            RecordError::BadRecordMac,
            "{} dropped",
            cap.name
        );
        // Replay the first one.
        let mut replayed = cap.s2c[..a.2.end].to_vec();
        replayed.extend_from_slice(a_rec);
        replayed.extend_from_slice(&cap.s2c[a.2.end..]);
        let got = read_direction(&replayed, Chunking::Whole, keys.aead, key, iv);
        assert_eq!(
            got.unwrap_err(),
            RecordError::BadRecordMac,
            "{} replayed",
            cap.name
        );
    }
}
