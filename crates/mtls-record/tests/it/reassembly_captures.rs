#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Reassembly over real handshake flights: every split of a captured plaintext flight into
//! handshake records of 1..N bytes (and random splits), offered to the reader in any chunks,
//! gives back the same handshake messages, byte for byte.
//!
//! Flights come from this crate's openssl captures (tests/vectors/*/{c2s,s2c}.hex) and from
//! the codec vectors (crates/mtls-testkit/vectors/*/transcript-*.hex): the handshake
//! records of each direction before its ChangeCipherSpec. The reference split into messages
//! is a plain walk over the 4-byte headers here, independent of the crate's joiner.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use mtls_record::{Inbound, MAX_PLAINTEXT_LEN, RecordError, RecordReader};
use mtls_wire::handshake::{
    HandshakeMessage, HandshakePayload, KeyExchangeAlgorithm, ParseContext,
};
use proptest::prelude::*;

const HANDSHAKE: u8 = 22;
const CCS: u8 = 20;

/// One direction's plaintext handshake flight.
struct Flight {
    name: String,
    /// The records as sent: (type, fragment), up to and excluding ChangeCipherSpec.
    records: Vec<Vec<u8>>,
    /// The handshake bytes, records joined.
    bytes: Vec<u8>,
    /// The messages, header included.
    messages: Vec<Vec<u8>>,
}

fn read_hex(path: &Path) -> Vec<u8> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    hex::decode(text.split_whitespace().collect::<String>()).unwrap()
}

/// The handshake fragments of `stream` before its first ChangeCipherSpec.
fn pre_ccs_handshake_records(stream: &[u8], what: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut pos = 0;
    loop {
        assert!(pos + 5 <= stream.len(), "{what}: no ChangeCipherSpec");
        let typ = stream[pos];
        let len = usize::from(u16::from_be_bytes([stream[pos + 3], stream[pos + 4]]));
        let fragment = &stream[pos + 5..pos + 5 + len];
        match typ {
            HANDSHAKE => out.push(fragment.to_vec()),
            CCS => return out,
            other => panic!("{what}: record type {other} before ChangeCipherSpec"),
        }
        pos += 5 + len;
    }
}

fn split_messages(mut bytes: &[u8], what: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        assert!(bytes.len() >= 4, "{what}: partial header");
        let len =
            4 + (usize::from(bytes[1]) << 16 | usize::from(bytes[2]) << 8 | usize::from(bytes[3]));
        assert!(bytes.len() >= len, "{what}: partial message");
        out.push(bytes[..len].to_vec());
        bytes = &bytes[len..];
    }
    out
}

fn dirs_with(root: &Path, file: &str) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = rd
        .map(|e| e.unwrap().path())
        .filter(|p| p.join(file).exists())
        .collect();
    dirs.sort();
    dirs
}

fn flights() -> &'static [Flight] {
    static FLIGHTS: OnceLock<Vec<Flight>> = OnceLock::new();
    FLIGHTS.get_or_init(|| {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let sources = [
            (manifest.join("tests/vectors"), "c2s.hex", "s2c.hex"),
            (
                mtls_testkit::vectors_dir(),
                "transcript-c2s.hex",
                "transcript-s2c.hex",
            ),
        ];
        let mut out = Vec::new();
        let mut own = 0;
        for (i, (root, c2s, s2c)) in sources.iter().enumerate() {
            for dir in dirs_with(root, c2s) {
                let name = dir.file_name().unwrap().to_string_lossy().into_owned();
                let streams = [
                    (c2s, read_hex(&dir.join(c2s))),
                    (s2c, read_hex(&dir.join(s2c))),
                ];
                // The server's flight fixes the key exchange, needed to parse the key exchanges.
                let s_records = pre_ccs_handshake_records(&streams[1].1, &name);
                let sh = split_messages(&s_records.concat(), &name).remove(0);
                let (sh, _) = HandshakeMessage::parse(&sh, &ParseContext::new()).unwrap();
                let HandshakePayload::ServerHello(sh) = sh.payload() else {
                    panic!("{name}: no ServerHello")
                };
                let ctx = ParseContext::with_kx(KeyExchangeAlgorithm::of(sh.cipher_suite).unwrap());
                for (file, stream) in &streams {
                    let what = format!("{name}/{file}");
                    let records = pre_ccs_handshake_records(stream, &what);
                    let bytes = records.concat();
                    let messages = split_messages(&bytes, &what);
                    for m in &messages {
                        let (parsed, rest) = HandshakeMessage::parse(m, &ctx)
                            .unwrap_or_else(|e| panic!("{what}: type {}: {e}", m[0]));
                        assert!(rest.is_empty());
                        assert_eq!(parsed.raw(), &m[..]);
                    }
                    out.push(Flight {
                        name: what,
                        records,
                        bytes,
                        messages,
                    });
                    if i == 0 {
                        own += 1;
                    }
                }
            }
        }
        // Fails on an empty vectors folder: the openssl captures are this crate's own.
        assert!(
            own >= 8,
            "expected the flights of at least 4 captures in tests/vectors, found {own}"
        );
        out
    })
}

/// `bytes` as handshake records whose fragment lengths are `sizes` (cycled).
fn frame(bytes: &[u8], sizes: &[usize]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() * 2);
    let mut pos = 0;
    let mut i = 0;
    while pos < bytes.len() {
        let n = sizes[i % sizes.len()]
            .clamp(1, MAX_PLAINTEXT_LEN)
            .min(bytes.len() - pos);
        out.extend_from_slice(&[HANDSHAKE, 3, 3]);
        out.extend_from_slice(&u16::try_from(n).unwrap().to_be_bytes());
        out.extend_from_slice(&bytes[pos..pos + n]);
        pos += n;
        i += 1;
    }
    out
}

fn ccs_record() -> Vec<u8> {
    vec![CCS, 3, 3, 0, 1, 1]
}

/// xorshift64* for deterministic chunk sizes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn chunk(&mut self) -> usize {
        let r = self.next();
        match r % 4 {
            0 => 1,
            1 | 2 => 1 + (r >> 8) as usize % 100,
            _ => 1 + (r >> 8) as usize % 20_000,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Ev {
    Handshake(Vec<u8>),
    Ccs,
}

/// Feeds `wire` in chunks from `chunk` and collects the events up to the first
/// ChangeCipherSpec (which ends the plaintext flight).
fn read_flight(wire: &[u8], mut chunk: impl FnMut() -> usize) -> Result<Vec<Ev>, RecordError> {
    let mut r = RecordReader::new();
    let mut events = Vec::new();
    let mut pos = 0;
    loop {
        while let Some(ev) = r.next_event()? {
            match ev {
                Inbound::Handshake(m) => events.push(Ev::Handshake(m.to_vec())),
                Inbound::ChangeCipherSpec => {
                    events.push(Ev::Ccs);
                    return Ok(events);
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        if pos == wire.len() {
            assert_eq!(r.buffered(), 0, "bytes left over");
            return Ok(events);
        }
        let n = chunk().clamp(1, wire.len() - pos);
        let taken = r.push(&wire[pos..pos + n]);
        assert!(taken > 0, "reader stuck at {pos}");
        pos += taken;
    }
}

fn expected(flight: &Flight) -> Vec<Ev> {
    let mut v: Vec<Ev> = flight.messages.iter().cloned().map(Ev::Handshake).collect();
    v.push(Ev::Ccs);
    v
}

fn check(flight: &Flight, sizes: &[usize], seed: u64) {
    let mut wire = frame(&flight.bytes, sizes);
    wire.extend(ccs_record());
    let want = expected(flight);
    let mut rng = Rng(seed | 1);
    let got = read_flight(&wire, || rng.chunk())
        .unwrap_or_else(|e| panic!("{} sizes {sizes:?}: {e}", flight.name));
    assert_eq!(got, want, "{} sizes {sizes:?} seed {seed}", flight.name);
}

#[test]
fn captured_flights_as_sent_give_the_same_messages() {
    for f in flights() {
        let mut wire: Vec<u8> = f
            .records
            .iter()
            .flat_map(|r| {
                let mut rec = vec![HANDSHAKE, 3, 3];
                rec.extend_from_slice(&u16::try_from(r.len()).unwrap().to_be_bytes());
                rec.extend_from_slice(r);
                rec
            })
            .collect();
        wire.extend(ccs_record());
        for seed in 1..=8 {
            let mut rng = Rng(seed);
            assert_eq!(
                read_flight(&wire, || rng.chunk()).unwrap(),
                expected(f),
                "{}",
                f.name
            );
        }
        assert_eq!(read_flight(&wire, || 1).unwrap(), expected(f), "{}", f.name);
    }
}

#[test]
fn every_record_size_from_1_to_64_and_some_large_ones() {
    let sizes = (1..=64).chain([
        100, 255, 256, 257, 511, 512, 1000, 1024, 4096, 16_383, 16_384,
    ]);
    for k in sizes {
        for (i, f) in flights().iter().enumerate() {
            check(f, &[k], (k as u64) << 16 | i as u64);
        }
    }
}

#[test]
fn record_boundaries_at_every_offset_of_each_message_header() {
    // Two records per message boundary region: cut at every offset in the first 8 bytes of a
    // message (inside the 4-byte header, and just after it).
    for f in flights() {
        let mut start = 0;
        for m in &f.messages {
            for cut in 1..8.min(m.len()) {
                let at = start + cut;
                let sizes = [at, f.bytes.len()];
                check(f, &sizes, at as u64);
            }
            start += m.len();
        }
    }
}

#[test]
fn whole_flight_in_as_few_records_as_possible() {
    for f in flights() {
        check(f, &[MAX_PLAINTEXT_LEN], 7);
        let mut wire = frame(&f.bytes, &[MAX_PLAINTEXT_LEN]);
        wire.extend(ccs_record());
        assert_eq!(
            read_flight(&wire, || usize::MAX).unwrap(),
            expected(f),
            "{}",
            f.name
        );
    }
}

#[test]
fn a_change_cipher_spec_inside_a_message_is_refused() {
    for f in flights() {
        // The flight minus its last byte, then ChangeCipherSpec: the last message is partial.
        for k in [1, 7, 512] {
            let mut wire = frame(&f.bytes[..f.bytes.len() - 1], &[k]);
            wire.extend(ccs_record());
            let mut rng = Rng(k as u64);
            let got = read_flight(&wire, || rng.chunk());
            assert_eq!(got, Err(RecordError::InterleavedRecord), "{} k={k}", f.name);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_record_splits_and_random_chunkings(
        which in any::<prop::sample::Index>(),
        sizes in prop::collection::vec(1usize..=600, 1..40),
        seed in any::<u64>(),
    ) {
        let f = &flights()[which.index(flights().len())];
        let mut wire = frame(&f.bytes, &sizes);
        wire.extend(ccs_record());
        let mut rng = Rng(seed | 1);
        let got = read_flight(&wire, || rng.chunk());
        prop_assert_eq!(got, Ok(expected(f)), "{}", &f.name);
    }
}
