//! Bodies of the cargo-fuzz targets, as plain functions so that a
//! stable-toolchain test can replay a corpus through them without libFuzzer.
//!
//! Every parser target asserts two things on any input: no panic, and if parsing
//! succeeds, encoding is stable: `encode(parse(x))` parses back to the same
//! value and encodes to the same bytes again. For these TLS 1.2 structures
//! every length is explicit and unknown values are kept, so the first
//! encoding must also equal the input; that is asserted too.
//!
//! Targets that depend on the key exchange use the first input byte to pick
//! the [`ParseContext`] (see [`context`]).
//!
//! The record-layer targets (`deframer`, `record_open`, `handshake_reassembly`) and the
//! connection-level ones (`server`, `client`, `certificate_chain`,
//! `client_hello_structured`, `roundtrip`) document their input layout and checks on their
//! functions below (and in docs/FUZZING.md).

#![forbid(unsafe_code)]

use mtls_wire::alert::Alert;
use mtls_wire::extensions::{ExtensionContext, Extensions};
use mtls_wire::handshake::{
    CertificateMsg, CertificateRequest, ClientHello, ClientKeyExchange, DistinguishedName,
    HandshakeMessage, KeyExchangeAlgorithm, ParseContext, ServerHello, ServerKeyExchange,
};
use mtls_wire::record::{RecordHeader, parse_records};
use mtls_wire::{ChangeCipherSpec, WireError};

/// Splits off the first byte and maps it to a parse context:
/// 0 => none, 1 => ECDHE, 2 => RSA (byte mod 3).
pub fn context(data: &[u8]) -> (ParseContext, &[u8]) {
    match data.split_first() {
        None => (ParseContext::new(), data),
        Some((b, rest)) => {
            let kx = match b % 3 {
                0 => None,
                1 => Some(KeyExchangeAlgorithm::Ecdhe),
                _ => Some(KeyExchangeAlgorithm::Rsa),
            };
            (ParseContext { kx }, rest)
        }
    }
}

/// The shared check: parse; if it parses, encode must equal the input, and
/// parse/encode again must agree.
fn check<T: PartialEq + core::fmt::Debug>(
    input: &[u8],
    parse: impl Fn(&[u8]) -> Result<T, WireError>,
    encode: impl Fn(&T, &mut Vec<u8>),
) {
    let Ok(value) = parse(input) else { return };
    let mut first = Vec::new();
    encode(&value, &mut first);
    let again = match parse(&first) {
        Ok(v) => v,
        Err(e) => panic!("re-encoded value does not parse: {e}"),
    };
    assert_eq!(again, value, "parse(encode(v)) != v");
    let mut second = Vec::new();
    encode(&again, &mut second);
    assert_eq!(first, second, "encoding is not stable");
    assert_eq!(first, input, "encode(parse(x)) != x");
}

/// `record_stream`: split a byte stream into records; check each header and
/// the ChangeCipherSpec / Alert fragments.
pub fn fuzz_record_stream(data: &[u8]) {
    let _ = RecordHeader::parse(data);
    if let Ok(records) = parse_records(data) {
        let mut out = Vec::new();
        for (header, fragment) in &records {
            assert_eq!(usize::from(header.length), fragment.len());
            header.encode(&mut out);
            out.extend_from_slice(fragment);
            let _ = Alert::parse(fragment);
            let _ = ChangeCipherSpec::parse(fragment);
        }
        assert_eq!(out, data);
    }
}

/// `handshake_message`: first byte picks the context, then a sequence of
/// handshake messages is parsed from the rest until an error.
pub fn fuzz_handshake_message(data: &[u8]) {
    let (ctx, mut rest) = context(data);
    // Bounded: every successful parse consumes at least 4 bytes.
    while let Ok((msg, after)) = HandshakeMessage::parse(rest, &ctx) {
        let consumed = rest.len() - after.len();
        assert_eq!(msg.raw(), rest.get(..consumed).unwrap_or_default());
        let rebuilt = HandshakeMessage::new(msg.payload().clone());
        assert_eq!(rebuilt.raw(), msg.raw(), "encode(parse(x)) != x");
        match HandshakeMessage::parse(rebuilt.raw(), &ctx) {
            Ok((again, tail)) => {
                assert!(tail.is_empty());
                assert_eq!(again, msg);
            }
            Err(e) => panic!("re-encoded message does not parse: {e}"),
        }
        rest = after;
    }
}

/// `client_hello`: a ClientHello body.
pub fn fuzz_client_hello(data: &[u8]) {
    check(data, ClientHello::parse, |v, o| v.encode(o));
}

/// `server_hello`: a ServerHello body.
pub fn fuzz_server_hello(data: &[u8]) {
    check(data, ServerHello::parse, |v, o| v.encode(o));
}

/// `certificate`: a Certificate body.
pub fn fuzz_certificate(data: &[u8]) {
    check(data, CertificateMsg::parse, |v, o| v.encode(o));
}

/// `server_key_exchange`: first byte picks the context, rest is the body.
pub fn fuzz_server_key_exchange(data: &[u8]) {
    let (ctx, body) = context(data);
    check(
        body,
        |b| ServerKeyExchange::parse(b, &ctx),
        |v, o| v.encode(o),
    );
    if let Ok(ServerKeyExchange::Ecdhe(ske)) = ServerKeyExchange::parse(body, &ctx) {
        // The signed params are the exact prefix of the body.
        assert!(body.starts_with(&ske.params_bytes()));
    }
}

/// `certificate_request`: a CertificateRequest body.
pub fn fuzz_certificate_request(data: &[u8]) {
    check(data, CertificateRequest::parse, |v, o| v.encode(o));
}

/// `client_key_exchange`: first byte picks the context, rest is the body.
pub fn fuzz_client_key_exchange(data: &[u8]) {
    let (ctx, body) = context(data);
    check(
        body,
        |b| ClientKeyExchange::parse(b, &ctx),
        |v, o| v.encode(o),
    );
}

/// `extensions`: first byte's low bit picks ClientHello / ServerHello, the
/// rest is a hello's extensions tail.
pub fn fuzz_extensions(data: &[u8]) {
    let (ctx, block) = match data.split_first() {
        Some((b, rest)) if b & 1 == 1 => (ExtensionContext::ServerHello, rest),
        Some((_, rest)) => (ExtensionContext::ClientHello, rest),
        None => (ExtensionContext::ClientHello, data),
    };
    check(block, |b| Extensions::parse(b, ctx), |v, o| v.encode(o));
}

/// `alert`: an Alert and a ChangeCipherSpec fragment.
pub fn fuzz_alert(data: &[u8]) {
    check(data, Alert::parse, |v, o| v.encode(o));
    check(data, ChangeCipherSpec::parse, |v, o| v.encode(o));
}

/// `dn_list`: a CertificateRequest `certificate_authorities` vector.
pub fn fuzz_dn_list(data: &[u8]) {
    check(data, DistinguishedName::parse_list, |v, o| {
        DistinguishedName::encode_list(v, o)
    });
}

// ---------------------------------------------------------------------------
// mtls-record targets: `deframer`, `record_open`, `handshake_reassembly`.
// ---------------------------------------------------------------------------

use mtls_crypto::aead::AeadAlgorithm;
use mtls_record::{
    HandshakeJoiner, Inbound, MAX_PLAINTEXT_LEN, MAX_RECORD_LEN, RecordDecrypter, RecordEncrypter,
    RecordError, RecordReader, TAG_LEN,
};
use mtls_wire::{ContentType, ProtocolVersion};

/// The fixed AEAD key of the record targets (AES-128 uses its first 16 bytes).
pub const RECORD_KEY: [u8; 32] = [
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
];
/// The fixed IV of the record targets: the GCM salt is its first 4 bytes, the ChaCha20-Poly1305
/// IV all 12.
pub const RECORD_IV: [u8; 12] = [
    0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab,
];

/// Suite from two bits: 0 AES-128-GCM, 1 AES-256-GCM, 2 ChaCha20-Poly1305, 3 AES-128-GCM.
pub fn record_suite(bits: u8) -> AeadAlgorithm {
    match bits & 3 {
        1 => AeadAlgorithm::Aes256Gcm,
        2 => AeadAlgorithm::ChaCha20Poly1305,
        _ => AeadAlgorithm::Aes128Gcm,
    }
}

fn fixed_key(alg: AeadAlgorithm) -> (&'static [u8], &'static [u8]) {
    let key = RECORD_KEY.get(..alg.key_len()).unwrap_or(&RECORD_KEY);
    let iv = match alg {
        AeadAlgorithm::ChaCha20Poly1305 => &RECORD_IV[..],
        _ => RECORD_IV.get(..4).unwrap_or(&RECORD_IV),
    };
    (key, iv)
}

/// A decrypter with the fixed key for `alg`.
pub fn fixed_decrypter(alg: AeadAlgorithm) -> RecordDecrypter {
    let (key, iv) = fixed_key(alg);
    match RecordDecrypter::new(alg, key, iv) {
        Ok(d) => d,
        Err(e) => panic!("fixed key refused: {e:?}"),
    }
}

/// An encrypter with the fixed key for `alg` (what the peer of [`fixed_decrypter`] uses).
pub fn fixed_encrypter(alg: AeadAlgorithm) -> RecordEncrypter {
    let (key, iv) = fixed_key(alg);
    match RecordEncrypter::new(alg, key, iv) {
        Ok(e) => e,
        Err(e) => panic!("fixed key refused: {e:?}"),
    }
}

/// Record overhead of `alg` between header and plaintext (GCM explicit nonce) plus the tag.
fn aead_overhead(alg: AeadAlgorithm) -> usize {
    match alg {
        AeadAlgorithm::ChaCha20Poly1305 => TAG_LEN,
        _ => 8 + TAG_LEN,
    }
}

/// Chunk sizes the `deframer` target picks from (one nibble each).
#[rustfmt::skip]
const CHUNKS: [usize; 16] = [
    1, 2, 3, 4, 5, 6, 7, 13, 64, 255, 1000, 4096, 16389, 18437, 18438, usize::MAX,
];

/// Handshake message caps the record targets pick from (two bits).
const MAX_HS: [usize; 4] = [
    mtls_record::DEFAULT_MAX_HANDSHAKE_MESSAGE_LEN,
    4,
    300,
    1 << 20,
];

/// An event of [`RecordReader`] as owned data, to compare runs.
#[derive(Debug, PartialEq, Eq)]
pub enum Event {
    /// `Inbound::Handshake`.
    Handshake(Vec<u8>),
    /// `Inbound::ChangeCipherSpec`.
    ChangeCipherSpec,
    /// `Inbound::Alert` as (level, description).
    Alert(u8, u8),
    /// `Inbound::ApplicationData`.
    ApplicationData(Vec<u8>),
    /// The error that ended the stream.
    Error(RecordError),
}

fn u24(b: &[u8]) -> usize {
    b.iter().fold(0usize, |acc, x| (acc << 8) | usize::from(*x))
}

/// Reader settings shared by the runs of one input.
#[derive(Clone, Copy)]
pub struct ReaderSetup {
    /// Suite of the fixed-key decrypter (installed at start and after every ChangeCipherSpec).
    pub alg: AeadAlgorithm,
    /// Install the decrypter before the first byte.
    pub start_protected: bool,
    /// Call `set_expected_version(TLS 1.2)` first.
    pub expect_tls12: bool,
    /// Handshake message cap.
    pub max_hs: usize,
}

/// Feeds `stream` to a fresh reader, offering `sizes[i % sizes.len()]` bytes at a time and
/// draining every event after each offer; stops at the first error. Checks the reader's
/// invariants on the way and returns the events.
pub fn run_reader(setup: ReaderSetup, stream: &[u8], sizes: &[usize]) -> Vec<Event> {
    let mut reader = RecordReader::with_max_handshake_message_len(setup.max_hs);
    if setup.expect_tls12 {
        reader.set_expected_version(ProtocolVersion::TLSv1_2);
    }
    if setup.start_protected {
        reader.install_decrypter(fixed_decrypter(setup.alg));
    }
    let mut events = Vec::new();
    let mut pos = 0usize;
    let mut round = 0usize;
    let mut stalled = false;
    loop {
        let rest = stream.get(pos..).unwrap_or_default();
        let size = sizes
            .get(round % sizes.len().max(1))
            .copied()
            .unwrap_or(1)
            .max(1);
        round += 1;
        let offer = rest.get(..size.min(rest.len())).unwrap_or_default();
        let taken = reader.push(offer);
        assert!(
            taken <= offer.len(),
            "push took {taken} of {} bytes",
            offer.len()
        );
        pos += taken;
        let buffered = reader.buffered();
        assert!(
            buffered <= MAX_RECORD_LEN + setup.max_hs,
            "{buffered} bytes buffered"
        );
        let before = events.len();
        loop {
            match reader.next_event() {
                Ok(None) => break,
                Ok(Some(ev)) => {
                    let ev = match ev {
                        Inbound::Handshake(m) => Event::Handshake(m.to_vec()),
                        Inbound::ApplicationData(d) => Event::ApplicationData(d.to_vec()),
                        Inbound::Alert(a) => Event::Alert(a.level.to_u8(), a.description.to_u8()),
                        Inbound::ChangeCipherSpec => Event::ChangeCipherSpec,
                    };
                    match &ev {
                        Event::Handshake(m) => {
                            assert!(m.len() >= 4, "handshake event of {} bytes", m.len());
                            let announced = u24(m.get(1..4).unwrap_or_default());
                            assert_eq!(m.len(), 4 + announced, "not one whole message");
                            assert!(m.len() <= setup.max_hs, "message over the cap");
                        }
                        Event::ApplicationData(d) => {
                            assert!(!d.is_empty(), "empty application data event");
                            assert!(d.len() <= MAX_PLAINTEXT_LEN, "{} bytes of data", d.len());
                            assert!(reader.is_protected(), "application data in the clear");
                        }
                        Event::ChangeCipherSpec => {
                            assert!(!reader.is_protected(), "still protected after CCS");
                            reader.install_decrypter(fixed_decrypter(setup.alg));
                        }
                        Event::Alert(..) | Event::Error(_) => {}
                    }
                    events.push(ev);
                }
                Err(e) => {
                    let _ = e.alert();
                    let _ = e.to_string();
                    events.push(Event::Error(e));
                    return events;
                }
            }
        }
        if pos >= stream.len() {
            return events;
        }
        if taken == 0 && events.len() == before {
            // Nothing taken and nothing handed out: a caller looping on push/next_event
            // would spin forever. Allow one retry (the buffer compacts lazily).
            assert!(
                !stalled,
                "reader stalled at offset {pos} of {}",
                stream.len()
            );
            stalled = true;
        } else {
            stalled = false;
        }
    }
}

/// Reads the input as a lenient record stream (5-byte header, then up to `length` bytes) and
/// seals every record after a ChangeCipherSpec record (or all of them if `start_protected`)
/// with the fixed key, as the peer of [`run_reader`] would. Header fields other than the
/// length are kept as given.
pub fn seal_stream(alg: AeadAlgorithm, start_protected: bool, input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() + 64);
    let mut enc = start_protected.then(|| fixed_encrypter(alg));
    let mut rest = input;
    while let Some((hdr, body)) = rest.split_at_checked(5) {
        let typ = hdr.first().copied().unwrap_or(0);
        let ver = u16::from_be_bytes([
            hdr.get(1).copied().unwrap_or(0),
            hdr.get(2).copied().unwrap_or(0),
        ]);
        let len = usize::from(u16::from_be_bytes([
            hdr.get(3).copied().unwrap_or(0),
            hdr.get(4).copied().unwrap_or(0),
        ]))
        .min(body.len());
        let (fragment, after) = body.split_at(len);
        rest = after;
        match &mut enc {
            Some(e) if fragment.len() <= MAX_PLAINTEXT_LEN => {
                let start = out.len();
                if let Err(err) = e.seal_to(
                    ContentType::from(typ),
                    ProtocolVersion::from(ver),
                    fragment,
                    &mut out,
                ) {
                    panic!("seal of {} bytes failed: {err}", fragment.len());
                }
                let sealed = out.get(start..).unwrap_or_default();
                assert_eq!(sealed.len(), 5 + fragment.len() + aead_overhead(alg));
                assert_eq!(sealed.get(..3), Some(&hdr[..3]));
            }
            _ => {
                out.extend_from_slice(&hdr[..3]);
                out.extend_from_slice(&(len as u16).to_be_bytes());
                out.extend_from_slice(fragment);
            }
        }
        if typ == 20 && enc.is_none() {
            enc = Some(fixed_encrypter(alg));
        }
    }
    out.extend_from_slice(rest);
    out
}

/// `deframer`: byte 0 picks the setup, byte 1 two chunk sizes (one nibble each, used in
/// turn); the rest is the byte stream (sealed by [`seal_stream`] first if bit 3 of byte 0 is
/// set). The events must not depend on the chunking: the same stream pushed whole gives the
/// same events.
///
/// Byte 0: bits 0-1 suite ([`record_suite`]), bit 2 protected from the start, bit 3 seal the
/// stream, bit 4 expect TLS 1.2 record versions, bits 5-6 handshake message cap
/// (64 KiB / 4 / 300 / 1 MiB).
pub fn fuzz_deframer(data: &[u8]) {
    let [flags, chunks, stream @ ..] = data else {
        return;
    };
    let setup = ReaderSetup {
        alg: record_suite(*flags),
        start_protected: flags & 4 != 0,
        expect_tls12: flags & 16 != 0,
        max_hs: MAX_HS[usize::from((flags >> 5) & 3)],
    };
    let sealed;
    let stream = if flags & 8 != 0 {
        sealed = seal_stream(setup.alg, setup.start_protected, stream);
        &sealed[..]
    } else {
        stream
    };
    let sizes = [
        CHUNKS[usize::from(chunks & 15)],
        CHUNKS[usize::from(chunks >> 4)],
    ];
    let events = run_reader(setup, stream, &sizes);
    let whole = run_reader(setup, stream, &[usize::MAX]);
    assert_eq!(events, whole, "events depend on the chunking");
}

/// `record_open`: byte 0 bits 0-1 pick the suite ([`record_suite`]), bit 2 the mode.
///
/// Mode 0 (forgery): byte 1 is the content type, bytes 2-3 the record version, the rest one
/// record fragment opened with a fresh fixed-key decrypter (bit 3 of byte 0 pads it with
/// zeros to 1..=2048 bytes more than the largest protected plaintext). Unless it is a genuine record 0
/// under the fixed key (checked by sealing its plaintext again), it must fail:
/// `record_overflow` when the plaintext would exceed 2^14, else `bad_record_mac`, with the
/// ciphertext wiped.
///
/// Mode 1 (round trip): byte 1 is the plaintext fragment size (0: all in one record), byte 2
/// the content type, byte 3 the version's minor byte, bytes 4-5 a tamper position; the rest
/// is plaintext (at most 32 records of it are used). Each fragment is sealed, checked for
/// layout, opened (must give the fragment back), and a copy with one bit flipped (or with
/// another type / version in the additional data) must fail to open, with both decrypters
/// staying in step.
pub fn fuzz_record_open(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let alg = record_suite(mode);
    if mode & 4 == 0 {
        record_forgery(alg, mode & 8 != 0, rest);
    } else {
        record_round_trip(alg, rest);
    }
}

fn record_forgery(alg: AeadAlgorithm, pad: bool, data: &[u8]) {
    let [typ, v0, v1, fragment @ ..] = data else {
        return;
    };
    let typ = ContentType::from(*typ);
    let version = ProtocolVersion::from(u16::from_be_bytes([*v0, *v1]));
    let explicit = aead_overhead(alg) - TAG_LEN;
    let mut buf = fragment.to_vec();
    if pad {
        // Past the largest plaintext by 1..=2048 bytes: the record_overflow path, checked
        // before any decryption.
        let target = MAX_PLAINTEXT_LEN + aead_overhead(alg) + 1 + fragment.len() % 2048;
        buf.resize(target.max(buf.len()), 0);
    }
    let original = buf.clone();
    let fragment = &original[..];
    let mut dec = fixed_decrypter(alg);
    let result = dec.open_in_place(typ, version, &mut buf);
    let err = match result {
        Ok(range) => {
            // Only a genuine record opens: sealing its plaintext as record 0 must give back
            // the very fragment (a seed may hold one; mutations cannot forge one).
            let plaintext = buf.get(range).unwrap_or_default();
            let mut again = Vec::new();
            if let Err(e) = fixed_encrypter(alg).seal_to(typ, version, plaintext, &mut again) {
                panic!("re-sealing an opened record failed: {e}");
            }
            assert_eq!(again.get(5..), Some(fragment), "a forged record opened");
            return;
        }
        Err(e) => e,
    };
    let _ = err.alert();
    match fragment.len().checked_sub(aead_overhead(alg)) {
        None => {
            assert_eq!(err, RecordError::BadRecordMac);
            assert_eq!(buf, fragment, "short fragment modified");
        }
        Some(len) if len > MAX_PLAINTEXT_LEN => {
            assert_eq!(
                err,
                RecordError::RecordOverflow {
                    len,
                    max: MAX_PLAINTEXT_LEN
                }
            );
            assert_eq!(
                dec.sequence_number(),
                0,
                "oversized record consumed a number"
            );
        }
        Some(len) => {
            assert_eq!(err, RecordError::BadRecordMac);
            assert_eq!(dec.sequence_number(), 1);
            // No unauthenticated plaintext left behind; nonce and tag untouched.
            assert_eq!(buf.get(..explicit), fragment.get(..explicit));
            let ct = buf.get(explicit..explicit + len).unwrap_or_default();
            assert!(ct.iter().all(|b| *b == 0), "ciphertext not wiped");
            assert_eq!(buf.get(explicit + len..), fragment.get(explicit + len..));
        }
    }
}

fn record_round_trip(alg: AeadAlgorithm, data: &[u8]) {
    let [split, typ, minor, t0, t1, plaintext @ ..] = data else {
        return;
    };
    let typ = ContentType::from(*typ);
    let version = ProtocolVersion::from(0x0300 | u16::from(*minor));
    let tamper = usize::from(u16::from_be_bytes([*t0, *t1]));
    let split = if *split == 0 {
        MAX_PLAINTEXT_LEN
    } else {
        usize::from(*split)
    };
    let explicit = aead_overhead(alg) - TAG_LEN;
    let mut enc = fixed_encrypter(alg);
    let mut good = fixed_decrypter(alg);
    let mut bad = fixed_decrypter(alg);
    // At most 32 records per input: enough to walk the sequence numbers, and it keeps a
    // 4 KiB input with 1-byte fragments from costing 12000 AEAD calls.
    let mut pieces: Vec<&[u8]> = plaintext.chunks(split).take(32).collect();
    if pieces.is_empty() {
        pieces.push(&[]);
    }
    for (i, piece) in pieces.into_iter().enumerate() {
        let seq = i as u64;
        assert_eq!(enc.sequence_number(), seq);
        let mut record = Vec::new();
        if let Err(e) = enc.seal_to(typ, version, piece, &mut record) {
            panic!("sealing {} bytes failed: {e}", piece.len());
        }
        assert_eq!(
            record.len(),
            enc.prefix_len() + piece.len() + enc.suffix_len()
        );
        let (hdr, fragment) = record.split_at(5);
        assert_eq!(hdr.first().copied(), Some(typ.to_u8()));
        assert_eq!(hdr.get(1..3), Some(&version.to_u16().to_be_bytes()[..]));
        assert_eq!(
            hdr.get(3..5),
            Some(&(fragment.len() as u16).to_be_bytes()[..])
        );
        if explicit > 0 {
            // RFC 5288 3: we send the sequence number as nonce_explicit.
            assert_eq!(fragment.get(..explicit), Some(&seq.to_be_bytes()[..]));
        }

        // A copy changed in one bit, or opened with another type or version.
        let mut forged = fragment.to_vec();
        let (mut ftyp, mut fver) = (typ, version);
        let flen = forged.len();
        let at = tamper.wrapping_add(i) % (flen + 2);
        match forged.get_mut(at) {
            Some(b) => *b ^= 1 << (i % 8),
            None if at == flen => ftyp = ContentType::from(typ.to_u8() ^ 1),
            None => fver = ProtocolVersion::from(version.to_u16() ^ 1),
        }
        assert_eq!(
            bad.open_in_place(ftyp, fver, &mut forged),
            Err(RecordError::BadRecordMac),
            "tampered record {i} opened (byte {at})"
        );

        let mut opened = fragment.to_vec();
        let range = match good.open_in_place(typ, version, &mut opened) {
            Ok(r) => r,
            Err(e) => panic!("record {i} of {} bytes did not open: {e}", piece.len()),
        };
        assert_eq!(
            opened.get(range),
            Some(piece),
            "round trip changed record {i}"
        );
        assert_eq!(good.sequence_number(), seq + 1);
        assert_eq!(bad.sequence_number(), seq + 1);
    }
}

/// Frames `stream` as plaintext handshake records (TLS 1.2) whose fragments take
/// `sizes[i % sizes.len()]` bytes in turn; sealed with the fixed key when `alg` is given.
pub fn handshake_records(stream: &[u8], sizes: &[usize], alg: Option<AeadAlgorithm>) -> Vec<u8> {
    let mut enc = alg.map(fixed_encrypter);
    let mut out = Vec::new();
    let mut rest = stream;
    let mut i = 0usize;
    while !rest.is_empty() {
        let size = sizes
            .get(i % sizes.len().max(1))
            .copied()
            .unwrap_or(MAX_PLAINTEXT_LEN)
            .clamp(1, MAX_PLAINTEXT_LEN);
        i += 1;
        let (piece, after) = rest.split_at(size.min(rest.len()));
        rest = after;
        match &mut enc {
            Some(e) => {
                if let Err(err) = e.seal_to(
                    ContentType::Handshake,
                    ProtocolVersion::TLSv1_2,
                    piece,
                    &mut out,
                ) {
                    panic!("sealing {} bytes failed: {err}", piece.len());
                }
            }
            None => {
                out.extend_from_slice(&[22, 3, 3]);
                out.extend_from_slice(&(piece.len() as u16).to_be_bytes());
                out.extend_from_slice(piece);
            }
        }
    }
    out
}

/// `handshake_reassembly`: byte 0 bits 0-2 give k - 1, bits 3-4 the handshake message cap
/// (64 KiB / 4 / 300 / 1 MiB), bit 5 protection (suite from bits 6-7); the next k bytes are
/// record fragment sizes used in turn (0 means 2^14); the rest is a stream of handshake
/// messages. Framed as handshake records of those sizes and read back, the reader must hand
/// out exactly the whole messages of the stream's prefix, in order, then
/// `HandshakeMessageTooLarge` if a header announces more than the cap; the same as with
/// records of 2^14 bytes, and the same as a bare [`HandshakeJoiner`] fed the fragments.
pub fn fuzz_handshake_reassembly(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let k = usize::from(flags & 7) + 1;
    let Some((split, stream)) = rest.split_at_checked(k) else {
        return;
    };
    let max_hs = MAX_HS[usize::from((flags >> 3) & 3)];
    let alg = (flags & 32 != 0).then(|| record_suite(flags >> 6));
    let sizes: Vec<usize> = split
        .iter()
        .map(|b| {
            if *b == 0 {
                MAX_PLAINTEXT_LEN
            } else {
                usize::from(*b)
            }
        })
        .collect();

    // The expected events, from the stream alone.
    let mut expected = Vec::new();
    let mut pos = 0usize;
    while let Some(hdr) = stream.get(pos..pos + 4) {
        let len = 4 + u24(hdr.get(1..).unwrap_or_default());
        if len > max_hs {
            expected.push(Event::Error(RecordError::HandshakeMessageTooLarge {
                len,
                max: max_hs,
            }));
            break;
        }
        let Some(msg) = stream.get(pos..pos + len) else {
            break;
        };
        expected.push(Event::Handshake(msg.to_vec()));
        pos += len;
    }
    let partial = !matches!(expected.last(), Some(Event::Error(_))) && pos < stream.len();

    let setup = ReaderSetup {
        alg: alg.unwrap_or(AeadAlgorithm::Aes128Gcm),
        start_protected: alg.is_some(),
        expect_tls12: true,
        max_hs,
    };
    for framing in [&sizes[..], &[MAX_PLAINTEXT_LEN]] {
        let wire = handshake_records(stream, framing, alg);
        let events = run_reader(setup, &wire, &[usize::MAX]);
        assert_eq!(events, expected, "reassembly with fragments {framing:?}");
    }
    // Same stream, but the reader is also asked whether a partial message is left.
    {
        let wire = handshake_records(stream, &sizes, alg);
        let mut reader = RecordReader::with_max_handshake_message_len(max_hs);
        if let Some(alg) = alg {
            reader.install_decrypter(fixed_decrypter(alg));
        }
        let mut off = 0;
        let mut failed = false;
        while off < wire.len() && !failed {
            off += reader.push(wire.get(off..).unwrap_or_default());
            loop {
                match reader.next_event() {
                    Ok(Some(_)) => {}
                    Ok(None) => break,
                    Err(_) => {
                        failed = true;
                        break;
                    }
                }
            }
        }
        if !failed {
            assert_eq!(
                reader.buffered() > 0,
                partial,
                "partial message not reported"
            );
        }
    }

    // A bare joiner fed the same fragments.
    let mut joiner = HandshakeJoiner::new(max_hs);
    let mut got = Vec::new();
    let mut rest = stream;
    let mut i = 0usize;
    'outer: while !rest.is_empty() {
        let size = sizes.get(i % sizes.len()).copied().unwrap_or(1);
        i += 1;
        let (piece, after) = rest.split_at(size.min(rest.len()));
        rest = after;
        if let Err(e) = joiner.push(piece) {
            got.push(Event::Error(e));
            break;
        }
        assert!(
            joiner.buffer().len() <= max_hs + piece.len(),
            "joiner holds {} bytes",
            joiner.buffer().len()
        );
        loop {
            match joiner.next_message() {
                Ok(Some(r)) => {
                    got.push(Event::Handshake(
                        joiner.buffer().get(r).unwrap_or_default().to_vec(),
                    ));
                }
                Ok(None) => break,
                Err(e) => {
                    got.push(Event::Error(e));
                    break 'outer;
                }
            }
        }
    }
    assert_eq!(got, expected, "bare joiner");
    if !matches!(got.last(), Some(Event::Error(_))) {
        assert_eq!(joiner.has_partial(), partial);
    }
}

// ---------------------------------------------------------------------------
// mtls facade targets: `server`, `client`, `certificate_chain`, `client_hello_structured`,
// and the differential `roundtrip`.
// ---------------------------------------------------------------------------

use std::sync::{Arc, OnceLock};

use mtls::pki::{RootStore, WebPkiClientVerifier, WebPkiServerVerifier};
use mtls::{ClientConfig, ClientConnection, ConnectionCommon, ServerConfig, ServerConnection};
use mtls_crypto::DeterministicRng;
use mtls_handshake::{
    CertificateDer, CertificateError, ClientCertVerifier, FixedClock, ServerCertVerifier,
};
use mtls_wire::extensions::{Extension, ProtocolName, ServerName};
use mtls_wire::handshake::{HandshakePayload, SessionId};
use mtls_wire::{CipherSuite, CompressionMethod, ECPointFormat, NamedGroup, SignatureScheme};

/// The fixture PKI (`crates/mtls-handshake/tests/fixtures/`): a P-256 CA and what it issued.
pub mod fixtures {
    /// The CA certificate (P-256).
    pub const CA: &[u8] = include_bytes!("../../crates/mtls-handshake/tests/fixtures/ca.cert.der");
    /// Server certificate for `localhost` / 127.0.0.1, ECDSA P-256, serverAuth.
    pub const SERVER_ECDSA: &[u8] =
        include_bytes!("../../crates/mtls-handshake/tests/fixtures/server-ecdsa.cert.der");
    /// Its PKCS#8 key.
    pub const SERVER_ECDSA_KEY: &[u8] =
        include_bytes!("../../crates/mtls-handshake/tests/fixtures/server-ecdsa.key.der");
    /// Server certificate for `localhost` / 127.0.0.1, RSA-2048, serverAuth.
    pub const SERVER_RSA: &[u8] =
        include_bytes!("../../crates/mtls-handshake/tests/fixtures/server-rsa.cert.der");
    /// Its PKCS#8 key.
    pub const SERVER_RSA_KEY: &[u8] =
        include_bytes!("../../crates/mtls-handshake/tests/fixtures/server-rsa.key.der");
    /// Server certificate for `other.example` / `*.other.example`, ECDSA P-256.
    pub const SERVER_OTHER: &[u8] =
        include_bytes!("../../crates/mtls-handshake/tests/fixtures/server-other.cert.der");
    /// Client certificate, ECDSA P-256, clientAuth.
    pub const CLIENT_ECDSA: &[u8] =
        include_bytes!("../../crates/mtls-handshake/tests/fixtures/client-ecdsa.cert.der");
    /// Its PKCS#8 key.
    pub const CLIENT_ECDSA_KEY: &[u8] =
        include_bytes!("../../crates/mtls-handshake/tests/fixtures/client-ecdsa.key.der");
    /// Client certificate, RSA-2048, clientAuth.
    pub const CLIENT_RSA: &[u8] =
        include_bytes!("../../crates/mtls-handshake/tests/fixtures/client-rsa.cert.der");
    /// Its PKCS#8 key.
    pub const CLIENT_RSA_KEY: &[u8] =
        include_bytes!("../../crates/mtls-handshake/tests/fixtures/client-rsa.key.der");
}

/// 2027-01-15 08:00 UTC, inside the fixtures' validity (2026-11-28 00:36 .. 2036-11-25).
pub const NOW: u64 = 1_800_000_000;
/// Seed of the `server` target's random source (and of the server that recorded its seeds).
pub const SERVER_SEED: [u8; 32] = [0x5e; 32];
/// Seed of the `client` target's random source (and of the client that recorded its seeds).
pub const CLIENT_SEED: [u8; 32] = [0xc1; 32];
/// The name the `client` target connects to.
pub const SERVER_NAME: &str = "localhost";
/// ALPN protocols both fixed configurations offer.
pub const ALPN: [&[u8]; 2] = [b"h2", b"http/1.1"];

/// A root store holding the fixture CA.
pub fn fixture_roots() -> RootStore {
    let mut roots = RootStore::new();
    if let Err(e) = roots.add(&CertificateDer::from(fixtures::CA.to_vec())) {
        panic!("fixture CA refused: {e}");
    }
    roots
}

/// A fixture private key (PKCS#8 DER).
pub fn fixture_key(der: &[u8]) -> mtls::SigningKey {
    match mtls::pki::private_key_from_der(der) {
        Ok(k) => k,
        Err(e) => panic!("fixture key refused: {e}"),
    }
}

/// `leaf` followed by the fixture CA.
pub fn chain(leaf: &[u8]) -> Vec<CertificateDer<'static>> {
    vec![
        CertificateDer::from(leaf.to_vec()),
        CertificateDer::from(fixtures::CA.to_vec()),
    ]
}

/// The fixed server configuration of the `server` and `client_hello_structured` targets,
/// built once: ECDSA and RSA chains for `localhost`, client certificates required and
/// verified by the webpki verifier over the fixture CA, static RSA enabled (more code to
/// reach), ALPN, a fixed clock, no session cache (no state carried between inputs).
pub fn server_config() -> &'static ServerConfig {
    static CONFIG: OnceLock<ServerConfig> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let built = ServerConfig::builder()
            .certificate(
                chain(fixtures::SERVER_ECDSA),
                fixture_key(fixtures::SERVER_ECDSA_KEY),
            )
            .certificate(
                chain(fixtures::SERVER_RSA),
                fixture_key(fixtures::SERVER_RSA_KEY),
            )
            .client_auth_required(fixture_roots())
            .enable_static_rsa(true)
            .alpn_protocols(&ALPN)
            .clock(Arc::new(FixedClock(NOW)))
            .session_cache(None)
            .build();
        match built {
            Ok(c) => c,
            Err(e) => panic!("server config: {e}"),
        }
    })
}

/// The fixed client configuration of the `client` target, built once: trusts the fixture
/// CA, presents the ECDSA client certificate, static RSA enabled, ALPN, a fixed clock, no
/// session store.
pub fn client_config() -> &'static ClientConfig {
    static CONFIG: OnceLock<ClientConfig> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let built = ClientConfig::with_roots(fixture_roots())
            .client_certificate(
                chain(fixtures::CLIENT_ECDSA),
                fixture_key(fixtures::CLIENT_ECDSA_KEY),
            )
            .enable_static_rsa(true)
            .alpn_protocols(&ALPN)
            .clock(Arc::new(FixedClock(NOW)))
            .session_store(None)
            .build();
        match built {
            Ok(c) => c,
            Err(e) => panic!("client config: {e}"),
        }
    })
}

/// A server connection on [`server_config`] with the [`SERVER_SEED`] random source.
pub fn new_server() -> ServerConnection {
    let rng = Box::new(DeterministicRng::from_seed(SERVER_SEED));
    match ServerConnection::with_rng(server_config(), rng) {
        Ok(c) => c,
        Err(e) => panic!("server connection: {e}"),
    }
}

/// A client connection on [`client_config`] to [`SERVER_NAME`] with the [`CLIENT_SEED`]
/// random source; its ClientHello is queued.
pub fn new_client() -> ClientConnection {
    let rng = Box::new(DeterministicRng::from_seed(CLIENT_SEED));
    match ClientConnection::with_rng(client_config(), SERVER_NAME, rng) {
        Ok(c) => c,
        Err(e) => panic!("client connection: {e}"),
    }
}

/// Takes every pending TLS byte out of `conn` (bounded: each call empties the buffer).
pub fn drain_tls(conn: &mut ConnectionCommon) -> Vec<u8> {
    let mut out = Vec::new();
    while conn.wants_write() {
        match conn.write_tls(&mut out) {
            Ok(0) | Err(_) => panic!("write_tls to a Vec failed while wants_write"),
            Ok(_) => {}
        }
    }
    out
}

/// Splits `stream` into 1-3 chunks chosen by `mode`: bits 0-1 the count (0 and 3: one
/// chunk, 1: two, 2: three), bits 2-4 and 5-7 where the cuts fall (in ninths of the length).
pub fn split_chunks(mode: u8, stream: &[u8]) -> Vec<&[u8]> {
    let count = match mode & 3 {
        1 => 2,
        2 => 3,
        _ => 1,
    };
    let cut = |bits: u8| stream.len() * (usize::from(bits & 7) + 1) / 9;
    let mut cuts = vec![cut(mode >> 2), cut(mode >> 5)];
    cuts.truncate(count - 1);
    cuts.sort_unstable();
    let mut chunks = Vec::with_capacity(count);
    let mut start = 0;
    for c in cuts {
        chunks.push(stream.get(start..c).unwrap_or_default());
        start = c;
    }
    chunks.push(stream.get(start..).unwrap_or_default());
    chunks
}

/// How [`drive`] ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every byte was taken without an error.
    Alive,
    /// The connection failed with this error (and stayed dead).
    Failed(mtls::Error),
}

/// Feeds the chunks to `conn` as the peer's flights: each chunk through `read_tls` (as many
/// calls as the receive buffer needs) and `process_new_packets`, then the outgoing bytes are
/// drained with `write_tls` and received plaintext is read. Stops at the first error and
/// checks that the connection stays dead; returns everything it wrote.
pub fn drive(conn: &mut ConnectionCommon, chunks: &[&[u8]], wrote: &mut Vec<u8>) -> Outcome {
    for chunk in chunks {
        let mut rest: &[u8] = chunk;
        loop {
            let before = rest.len();
            if !rest.is_empty() {
                match conn.read_tls(&mut rest) {
                    Ok(n) => assert_eq!(n, before - rest.len()),
                    Err(e) => panic!("read_tls refused bytes after processing: {e}"),
                }
                assert!(rest.len() < before, "read_tls took nothing");
            }
            match conn.process_new_packets() {
                Ok(state) => {
                    assert_eq!(state.tls_bytes_to_write > 0, conn.wants_write());
                    wrote.extend(drain_tls(conn));
                    read_plaintext(conn, state.plaintext_bytes_to_read);
                }
                Err(e) => {
                    check_dead(conn, &e, rest, wrote);
                    return Outcome::Failed(e);
                }
            }
            if rest.is_empty() {
                break;
            }
        }
    }
    Outcome::Alive
}

fn read_plaintext(conn: &mut ConnectionCommon, announced: usize) {
    use std::io::Read;
    let mut got = 0usize;
    let mut buf = [0u8; 4096];
    loop {
        match conn.reader().read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(_) => break,
        }
    }
    assert_eq!(
        got, announced,
        "plaintext_bytes_to_read is not what reader() gives"
    );
}

/// After an error: its Display says something, and the connection stays dead whatever
/// else arrives: the same error again, no further reads or writes, and the fatal alert (if
/// any) queued once.
fn check_dead(conn: &mut ConnectionCommon, e: &mtls::Error, rest: &[u8], wrote: &mut Vec<u8>) {
    use std::io::Write;
    assert!(!e.to_string().is_empty(), "empty error message: {e:?}");
    assert!(!conn.wants_read(), "dead connection wants to read");
    wrote.extend(drain_tls(conn));
    // More bytes from the peer (the rest of the input, or a harmless alert record) change
    // nothing.
    let mut more: &[u8] = if rest.is_empty() {
        &[21, 3, 3, 0, 2, 1, 0]
    } else {
        rest
    };
    let _ = conn.read_tls(&mut more);
    match conn.process_new_packets() {
        Ok(_) => panic!("dead connection processed packets again after {e}"),
        Err(again) => assert_eq!(&again, e, "the error changed"),
    }
    assert!(!conn.wants_write(), "dead connection queued more output");
    assert!(
        conn.writer().write(b"x").is_err(),
        "dead connection took data"
    );
}

/// `server`: a server connection ([`new_server`]) fed the input as the client's flights.
/// Byte 0 picks the chunking ([`split_chunks`]); the rest is the client-to-server byte
/// stream. Every output is drained; the first error ends the run (see [`drive`]).
pub fn fuzz_server(data: &[u8]) {
    let Some((&mode, stream)) = data.split_first() else {
        return;
    };
    let mut conn = new_server();
    let mut wrote = Vec::new();
    drive(&mut conn, &split_chunks(mode, stream), &mut wrote);
}

/// `client`: a client connection ([`new_client`]) whose ClientHello is written and
/// discarded, then fed the input as the server's flights (byte 0 picks the chunking). If the
/// handshake completes, application data is written too.
pub fn fuzz_client(data: &[u8]) {
    use std::io::Write;
    let Some((&mode, stream)) = data.split_first() else {
        return;
    };
    let mut conn = new_client();
    let hello = drain_tls(&mut conn);
    assert!(!hello.is_empty(), "no ClientHello");
    let mut wrote = Vec::new();
    if drive(&mut conn, &split_chunks(mode, stream), &mut wrote) == Outcome::Alive
        && !conn.is_handshaking()
    {
        assert!(conn.negotiated_cipher_suite().is_some());
        if conn.writer().write_all(b"ping").is_ok() {
            drain_tls(&mut conn);
        }
    }
}

// ---- certificate_chain ----

struct ChainVerifiers {
    server: WebPkiServerVerifier,
    client: WebPkiClientVerifier,
}

fn fixture_verifiers() -> &'static ChainVerifiers {
    static V: OnceLock<ChainVerifiers> = OnceLock::new();
    V.get_or_init(|| ChainVerifiers {
        server: WebPkiServerVerifier::new(fixture_roots()),
        client: WebPkiClientVerifier::new(fixture_roots()),
    })
}

/// Names the `certificate_chain` target verifies server chains for (byte 0, bits 0-1).
pub const CHAIN_NAMES: [&str; 4] = ["localhost", "127.0.0.1", "other.example", "a.other.example"];
/// Times it verifies at (byte 0, bits 2-3): inside the fixtures' validity, before, after.
pub const CHAIN_TIMES: [u64; 4] = [NOW, 1_700_000_000, 2_200_000_000, 2_000_000_000];

/// Splits `data` into at most 4 certificates, each a big-endian u16 length then that many
/// bytes (fewer if the input ends first).
pub fn split_certs(mut data: &[u8]) -> Vec<CertificateDer<'static>> {
    let mut certs = Vec::new();
    while certs.len() < 4 {
        let [hi, lo, rest @ ..] = data else { break };
        let len = usize::from(u16::from_be_bytes([*hi, *lo])).min(rest.len());
        let (der, after) = rest.split_at(len);
        certs.push(CertificateDer::from(der.to_vec()));
        data = after;
    }
    certs
}

fn check_refusal(result: Result<(), CertificateError>) {
    if let Err(e) = result {
        use mtls::AlertDescription as A;
        let alert = e.alert();
        assert!(
            matches!(
                alert,
                A::BadCertificate
                    | A::UnsupportedCertificate
                    | A::CertificateRevoked
                    | A::CertificateExpired
                    | A::CertificateUnknown
                    | A::UnknownCa
                    | A::AccessDenied
                    | A::DecodeError
            ),
            "certificate refusal mapped to alert {alert:?}: {e}"
        );
        assert!(!e.to_string().is_empty(), "empty refusal message: {e:?}");
    }
}

/// `certificate_chain`: byte 0 picks the server name (bits 0-1, [`CHAIN_NAMES`]), the time
/// (bits 2-3, [`CHAIN_TIMES`]) and whether the last certificate is trusted as a root too
/// (bit 4); the rest is 1-4 DER certificates ([`split_certs`]), leaf first. Both webpki
/// verifiers judge the chain: no panic, the same verdict twice, and every refusal maps to a
/// certificate alert with a message.
pub fn fuzz_certificate_chain(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let certs = split_certs(rest);
    if certs.is_empty() {
        return;
    }
    let name = CHAIN_NAMES[usize::from(flags & 3)];
    let now = CHAIN_TIMES[usize::from((flags >> 2) & 3)];
    let extra;
    let verifiers = if flags & 16 != 0 {
        let mut roots = fixture_roots();
        if let Some(last) = certs.last() {
            // Anchor extraction from arbitrary DER: refusing is fine, panicking is not.
            let _ = roots.add(last);
        }
        extra = ChainVerifiers {
            server: WebPkiServerVerifier::new(roots.clone()),
            client: WebPkiClientVerifier::new(roots),
        };
        &extra
    } else {
        fixture_verifiers()
    };
    let server = verifiers.server.verify_server_cert(&certs, Some(name), now);
    assert_eq!(
        server,
        verifiers.server.verify_server_cert(&certs, Some(name), now),
        "server verdict not deterministic"
    );
    check_refusal(server);
    let client = verifiers.client.verify_client_cert(&certs, now);
    check_refusal(client);
    // No name: always refused, with a message.
    let unnamed = verifiers.server.verify_server_cert(&certs, None, now);
    assert!(unnamed.is_err());
    check_refusal(unnamed);
}

// ---- client_hello_structured ----

use arbitrary::{Result as ArbResult, Unstructured};

/// Suites mostly drawn from (ours first, then SCSVs and others).
const SUITES: [u16; 12] = [
    0xc02b, 0xc02c, 0xc02f, 0xc030, 0xcca8, 0xcca9, 0x009c, 0x009d, 0x00ff, 0x5600, 0x1301, 0xc013,
];
const GROUPS: [u16; 5] = [29, 23, 24, 25, 30];
const SCHEMES: [u16; 9] = [
    0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0201,
];
/// Extension types [`Extension::parse_data`] decodes: an `Unknown` must avoid them.
const MODELED_EXTENSIONS: [u16; 9] = [0, 10, 11, 13, 16, 23, 35, 43, 0xff01];

fn pick_u16(u: &mut Unstructured<'_>, known: &[u16]) -> ArbResult<u16> {
    if u.ratio(7u8, 8u8)? {
        Ok(*u.choose(known)?)
    } else {
        u.arbitrary()
    }
}

fn list<T>(
    u: &mut Unstructured<'_>,
    min: usize,
    max: usize,
    mut item: impl FnMut(&mut Unstructured<'_>) -> ArbResult<T>,
) -> ArbResult<Vec<T>> {
    let n = u.int_in_range(min..=max)?;
    (0..n).map(|_| item(u)).collect()
}

fn some_bytes(u: &mut Unstructured<'_>, min: usize, max: usize) -> ArbResult<Vec<u8>> {
    let n = u.int_in_range(min..=max)?;
    let mut v = u.bytes(n.min(u.len()))?.to_vec();
    v.resize(n, b'a');
    Ok(v)
}

fn arbitrary_extension(u: &mut Unstructured<'_>, kind: u8) -> ArbResult<Extension> {
    Ok(match kind {
        0 => {
            // One host_name, maybe followed by names of other (unique) types.
            let mut names = vec![ServerName::HostName(if u.ratio(3u8, 4u8)? {
                SERVER_NAME.as_bytes().to_vec()
            } else {
                some_bytes(u, 1, 40)?
            })];
            let mut seen = vec![0u8];
            for _ in 0..u.int_in_range(0..=2)? {
                let t: u8 = u.arbitrary()?;
                if !seen.contains(&t) {
                    seen.push(t);
                    names.push(ServerName::Unknown(t, some_bytes(u, 0, 8)?));
                }
            }
            Extension::ServerName(names)
        }
        1 => Extension::SupportedGroups(list(u, 1, 8, |u| {
            pick_u16(u, &GROUPS).map(NamedGroup::from)
        })?),
        2 => Extension::EcPointFormats(list(u, 1, 4, |u| {
            Ok(ECPointFormat::from(if u.ratio(3u8, 4u8)? {
                0
            } else {
                u.arbitrary()?
            }))
        })?),
        3 => Extension::SignatureAlgorithms(list(u, 1, 12, |u| {
            pick_u16(u, &SCHEMES).map(SignatureScheme::from)
        })?),
        4 => Extension::Alpn(list(u, 1, 4, |u| {
            Ok(ProtocolName(if u.ratio(3u8, 4u8)? {
                u.choose(&ALPN)?.to_vec()
            } else {
                some_bytes(u, 1, 16)?
            }))
        })?),
        5 => Extension::ExtendedMasterSecret,
        6 => Extension::RenegotiationInfo(some_bytes(u, 0, 12)?),
        7 => Extension::SessionTicket(some_bytes(u, 0, 48)?),
        8 => Extension::SupportedVersions(list(u, 1, 6, |u| {
            pick_u16(u, &[0x0303, 0x0304, 0x0302]).map(mtls_wire::ProtocolVersion::from)
        })?),
        _ => {
            let mut t: u16 = u.arbitrary()?;
            if MODELED_EXTENSIONS.contains(&t) {
                t = 0xfe00 | (t & 0xff);
            }
            Extension::Unknown(t, some_bytes(u, 0, 24)?)
        }
    })
}

/// Builds a ClientHello from the fuzzer's bytes: every field well formed by construction
/// (so that encoding must parse back to the same value), values mostly drawn from what a
/// real client offers so that the server gets past negotiation often.
pub fn arbitrary_client_hello(u: &mut Unstructured<'_>) -> ArbResult<ClientHello> {
    let client_version = pick_u16(u, &[0x0303, 0x0303, 0x0302, 0x0304, 0x0300])?;
    let random: [u8; 32] = u.arbitrary()?;
    let sid = some_bytes(u, 0, 32)?;
    let cipher_suites = list(u, 1, 24, |u| pick_u16(u, &SUITES).map(CipherSuite::from))?;
    let compression_methods = list(u, 1, 3, |u| {
        Ok(CompressionMethod::from(if u.ratio(7u8, 8u8)? {
            0
        } else {
            u.arbitrary::<u8>()?
        }))
    })?;
    let extensions = if u.ratio(1u8, 16u8)? {
        Extensions::omitted()
    } else {
        // Each kind at most once (RFC 5246 7.4.1.4), in an order the fuzzer picks; two
        // `Unknown`s could collide, so at most one of those.
        let mut kinds: Vec<u8> = (0..10).collect();
        let mut list = Vec::new();
        while !kinds.is_empty() && u.ratio(7u8, 8u8)? {
            let i = u.choose_index(kinds.len())?;
            let kind = kinds.remove(i);
            list.push(arbitrary_extension(u, kind)?);
        }
        Extensions::new(list)
    };
    Ok(ClientHello {
        client_version: mtls_wire::ProtocolVersion::from(client_version),
        random,
        session_id: SessionId::new(&sid).unwrap_or_default(),
        cipher_suites,
        compression_methods,
        extensions,
    })
}

/// Frames a handshake message as plaintext handshake records of at most `max` bytes each.
pub fn handshake_as_records(message: &[u8], version: u16, max: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + 5 * (message.len() / max.max(1) + 1));
    for piece in message.chunks(max.clamp(1, MAX_PLAINTEXT_LEN)) {
        out.push(22);
        out.extend_from_slice(&version.to_be_bytes());
        out.extend_from_slice(&(piece.len() as u16).to_be_bytes());
        out.extend_from_slice(piece);
    }
    out
}

/// `client_hello_structured`: builds a ClientHello from the input with `arbitrary`
/// ([`arbitrary_client_hello`]), encodes it, parses it back (must be equal, as a body and
/// as a whole handshake message), then gives it to a fresh server connection as handshake
/// records (fragment size and record version also from the input). A ClientHello the
/// server accepts must get an answer.
pub fn fuzz_client_hello_structured(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(hello) = arbitrary_client_hello(&mut u) else {
        return;
    };
    let mut body = Vec::new();
    hello.encode(&mut body);
    match ClientHello::parse(&body) {
        Ok(back) => assert_eq!(back, hello, "parse(encode(hello)) != hello"),
        Err(e) => panic!("encoded ClientHello does not parse: {e}\n{hello:?}"),
    }
    let message = HandshakeMessage::new(HandshakePayload::ClientHello(hello.clone()));
    match HandshakeMessage::parse(message.raw(), &ParseContext::new()) {
        Ok((back, rest)) => {
            assert!(rest.is_empty());
            assert_eq!(back.payload(), &HandshakePayload::ClientHello(hello));
            assert_eq!(back.raw(), message.raw());
        }
        Err(e) => panic!("encoded handshake message does not parse: {e}"),
    }
    let fragment = match u.int_in_range(0u16..=3) {
        Ok(0) | Err(_) => MAX_PLAINTEXT_LEN,
        Ok(1) => 1,
        Ok(2) => 7,
        Ok(_) => 100,
    };
    let version = if u.ratio(1u8, 4u8).unwrap_or(false) {
        0x0301
    } else {
        0x0303
    };
    let records = handshake_as_records(message.raw(), version, fragment);
    let mut conn = new_server();
    let mut wrote = Vec::new();
    if drive(&mut conn, &[&records], &mut wrote) == Outcome::Alive {
        assert!(
            !wrote.is_empty(),
            "a ClientHello was accepted but not answered"
        );
    }
}

// ---- roundtrip ----

const CONTEXTS: [ParseContext; 3] = [
    ParseContext { kx: None },
    ParseContext {
        kx: Some(KeyExchangeAlgorithm::Ecdhe),
    },
    ParseContext {
        kx: Some(KeyExchangeAlgorithm::Rsa),
    },
];

/// One handshake message under one context: parse, then the payload encodes to the same
/// body, parses back to the same payload, and `HandshakeMessage::new` gives the same bytes.
fn handshake_round_trip(
    input: &[u8],
    ctx: &ParseContext,
) -> Result<(HandshakeMessage, usize), WireError> {
    let (msg, rest) = HandshakeMessage::parse(input, ctx)?;
    let consumed = input.len() - rest.len();
    assert_eq!(msg.raw(), input.get(..consumed).unwrap_or_default());
    let mut body = Vec::new();
    msg.payload().encode(&mut body);
    assert_eq!(
        body,
        msg.raw().get(4..).unwrap_or_default(),
        "payload encoding differs"
    );
    match HandshakePayload::parse(msg.typ(), &body, ctx) {
        Ok(p) => assert_eq!(&p, msg.payload(), "payload parse(encode(p)) != p"),
        Err(e) => panic!("re-encoded {:?} body does not parse: {e}", msg.typ()),
    }
    let rebuilt = HandshakeMessage::new(msg.payload().clone());
    assert_eq!(rebuilt.raw(), msg.raw(), "HandshakeMessage::new differs");
    let mut out = Vec::new();
    msg.encode(&mut out);
    assert_eq!(out, msg.raw());
    Ok((msg, consumed))
}

/// `roundtrip`: the differential round trip of everything a peer frames. On the whole
/// input: RecordHeader (first 5 bytes), Alert and ChangeCipherSpec (the whole input), and
/// handshake messages back to back under each of the three key-exchange contexts. Every
/// successful parse must encode to the bytes it came from and parse back equal; and the
/// contexts may only disagree on ServerKeyExchange and ClientKeyExchange: for every other
/// message type the three parses give the same message or the same error.
pub fn fuzz_roundtrip(data: &[u8]) {
    // Record header.
    if let Ok((header, rest)) = RecordHeader::parse(data) {
        let mut out = Vec::new();
        header.encode(&mut out);
        assert_eq!(out, data.get(..RecordHeader::LEN).unwrap_or_default());
        assert_eq!(rest.len(), data.len() - RecordHeader::LEN);
        match RecordHeader::parse(&out) {
            Ok((again, tail)) => {
                assert_eq!(again, header);
                assert!(tail.is_empty());
            }
            Err(e) => panic!("re-encoded record header does not parse: {e}"),
        }
    } else {
        assert!(
            data.len() < RecordHeader::LEN,
            "a 5-byte header failed to parse"
        );
    }
    check(data, Alert::parse, |v, o| v.encode(o));
    check(data, ChangeCipherSpec::parse, |v, o| v.encode(o));

    // Handshake messages, back to back, under every context, in lock step while the three
    // agree on where the next message starts.
    let mut start = 0usize;
    loop {
        let input = data.get(start..).unwrap_or_default();
        let results: Vec<_> = CONTEXTS
            .iter()
            .map(|ctx| handshake_round_trip(input, ctx))
            .collect();
        // msg_type 12 (ServerKeyExchange) and 16 (ClientKeyExchange) depend on the context.
        if !matches!(input.first(), Some(12 | 16)) {
            assert_eq!(
                results[0], results[1],
                "ECDHE context changed a context-free message"
            );
            assert_eq!(
                results[0], results[2],
                "RSA context changed a context-free message"
            );
        }
        match &results[..] {
            [Ok((_, a)), Ok((_, b)), Ok((_, c))] if a == b && b == c => start += a,
            _ => {
                // The contexts parted: each goes on alone.
                for (ctx, r) in CONTEXTS.iter().zip(&results) {
                    let Ok((_, consumed)) = r else { continue };
                    let mut pos = start + consumed;
                    while let Ok((_, n)) =
                        handshake_round_trip(data.get(pos..).unwrap_or_default(), ctx)
                    {
                        pos += n;
                    }
                }
                break;
            }
        }
    }
}
