//! The mtls-record targets: `deframer`, `record_open`, `handshake_reassembly`. All three use
//! a fixed key and IV ([`RECORD_KEY`], [`RECORD_IV`]).

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
