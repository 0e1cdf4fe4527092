//! The TLS 1.3 record target `record_tls13`: a [`RecordReader`] in TLS 1.3 mode (RFC 8446 5)
//! fed arbitrary record streams, protected with fixed keys ([`key13`]: [`RECORD_KEY`] and
//! [`RECORD_IV`] with the generation mixed into the key's first byte), and the TLS 1.3
//! decrypter alone fed arbitrary records.

use mtls_crypto::aead::{AeadAlgorithm, NONCE_LEN};
use mtls_crypto::default_provider;
use mtls_record::{
    Inbound, MAX_PLAINTEXT_LEN, MAX_RECORD_LEN, MAX_TLS13_CIPHERTEXT_LEN,
    MAX_TLS13_INNER_PLAINTEXT_LEN, RecordDecrypter, RecordError, RecordReader, TAG_LEN,
};
use mtls_wire::record::RecordHeader;
use mtls_wire::{AlertDescription, ProtocolVersion};

use crate::record::{Event, RECORD_IV, RECORD_KEY, record_suite};

/// Chunk sizes the reader runs pick from (one nibble each).
#[rustfmt::skip]
const CHUNKS: [usize; 16] = [
    1, 2, 3, 4, 5, 6, 7, 13, 64, 255, 1000, 4096, 16389, 16661, 16662, usize::MAX,
];

/// The fixed key and IV of generation `generation` (0 for the first keys, +1 per KeyUpdate).
pub fn key13(alg: AeadAlgorithm, generation: u8) -> (Vec<u8>, [u8; NONCE_LEN]) {
    let mut key = RECORD_KEY
        .get(..alg.key_len())
        .unwrap_or(&RECORD_KEY)
        .to_vec();
    if let Some(b) = key.first_mut() {
        *b ^= generation;
    }
    (key, RECORD_IV)
}

/// A TLS 1.3 decrypter with the fixed key of `generation`.
pub fn decrypter13(alg: AeadAlgorithm, generation: u8) -> RecordDecrypter {
    let (key, iv) = key13(alg, generation);
    match RecordDecrypter::tls13(default_provider(), alg, &key, &iv) {
        Ok(d) => d,
        Err(e) => panic!("fixed key refused: {e:?}"),
    }
}

/// Seals any TLSInnerPlaintext (malformed ones too: all zeros, a protected change_cipher_spec,
/// too long) as record `seq` of `generation` under `header` (type and version as given, the
/// length set): the peer our encrypter would never be.
pub fn seal_raw13(
    alg: AeadAlgorithm,
    generation: u8,
    seq: u64,
    header: [u8; 3],
    inner: &[u8],
) -> Option<Vec<u8>> {
    let len = u16::try_from(inner.len() + TAG_LEN).ok()?;
    let (key, iv) = key13(alg, generation);
    let key = default_provider().aead_key(alg, &key).ok()?;
    let mut nonce = iv;
    for (n, s) in nonce.iter_mut().skip(4).zip(seq.to_be_bytes()) {
        *n ^= s;
    }
    let mut record = header.to_vec();
    record.extend_from_slice(&len.to_be_bytes());
    let aad: [u8; 5] = record.as_slice().try_into().ok()?;
    let mut body = inner.to_vec();
    let tag = key.seal_in_place_detached(&nonce, &aad, &mut body).ok()?;
    record.extend_from_slice(&body);
    record.extend_from_slice(&tag);
    Some(record)
}

/// Reads the input as a lenient record stream (5-byte header, then up to `length` bytes) and
/// seals every record of outer type application_data, taking its fragment as the whole
/// TLSInnerPlaintext, with the fixed keys; other records stay in plaintext. Like the peer of
/// [`run_reader13`], it moves to the next generation after a record whose handshake content
/// ends exactly with a complete KeyUpdate.
pub fn seal_stream13(alg: AeadAlgorithm, input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() + 64);
    let (mut generation, mut seq) = (0u8, 0u64);
    let mut handshake: Vec<u8> = Vec::new();
    let mut rest = input;
    while let Some((hdr, body)) = rest.split_at_checked(5) {
        let len = usize::from(u16::from_be_bytes([
            hdr.get(3).copied().unwrap_or(0),
            hdr.get(4).copied().unwrap_or(0),
        ]))
        .min(body.len());
        let (fragment, after) = body.split_at(len);
        rest = after;
        let head = [
            hdr.first().copied().unwrap_or(0),
            hdr.get(1).copied().unwrap_or(0),
            hdr.get(2).copied().unwrap_or(0),
        ];
        let sealed = (head[0] == 23)
            .then(|| seal_raw13(alg, generation, seq, head, fragment))
            .flatten();
        let Some(record) = sealed else {
            out.extend_from_slice(&head);
            out.extend_from_slice(&(len as u16).to_be_bytes());
            out.extend_from_slice(fragment);
            continue;
        };
        out.extend_from_slice(&record);
        seq += 1;
        // The inner type is the last non-zero byte (RFC 8446 5.4).
        let Some(at) = fragment.iter().rposition(|&b| b != 0) else {
            continue;
        };
        if fragment.get(at) != Some(&22) {
            continue;
        }
        handshake.extend_from_slice(fragment.get(..at).unwrap_or_default());
        let mut key_update_last = false;
        while let Some(&[t, a, b, c]) = handshake.get(..4) {
            let n = 4 + usize::from(a) * 65536 + usize::from(b) * 256 + usize::from(c);
            if handshake.len() < n {
                break;
            }
            handshake.drain(..n);
            key_update_last = t == 24;
        }
        if key_update_last && handshake.is_empty() {
            generation = generation.wrapping_add(1);
            seq = 0;
        }
    }
    out.extend_from_slice(rest);
    out
}

/// Reader settings of one input.
#[derive(Clone, Copy)]
pub struct Reader13Setup {
    /// Suite of the fixed keys.
    pub alg: AeadAlgorithm,
    /// Install generation 0 before the first byte (else the reader stays in plaintext).
    pub protected: bool,
    /// Call `set_expected_version(TLS 1.2)` first (which TLS 1.3 mode must ignore).
    pub expect_tls12: bool,
}

/// Feeds `stream` to a fresh reader in TLS 1.3 mode, offering `sizes[i % sizes.len()]` bytes
/// at a time; installs the next generation after every KeyUpdate message (refused, and the
/// run ends, when a handshake message would span the change); stops at the first error.
/// Checks the reader's invariants on the way and returns the events.
pub fn run_reader13(setup: Reader13Setup, stream: &[u8], sizes: &[usize]) -> Vec<Event> {
    let mut reader = RecordReader::new();
    reader.set_tls13(true);
    if setup.expect_tls12 {
        reader.set_expected_version(ProtocolVersion::TLSv1_2);
    }
    let mut generation = 0u8;
    if setup.protected
        && reader
            .install_tls13_decrypter(decrypter13(setup.alg, 0))
            .is_err()
    {
        panic!("installing keys into a fresh reader failed");
    }
    let max_buffered = MAX_RECORD_LEN + mtls_record::MAX_CLIENT_HELLO_LEN;
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
        assert!(taken <= offer.len());
        pos += taken;
        assert!(
            reader.buffered() <= max_buffered,
            "{} bytes buffered",
            reader.buffered()
        );
        let before = events.len();
        loop {
            let protected = reader.is_protected();
            let ev = match reader.next_event() {
                Ok(None) => break,
                Ok(Some(Inbound::Handshake(m))) => Event::Handshake(m.to_vec()),
                Ok(Some(Inbound::ApplicationData(d))) => Event::ApplicationData(d.to_vec()),
                Ok(Some(Inbound::Alert(a))) => Event::Alert(a.level.to_u8(), a.description.to_u8()),
                Ok(Some(Inbound::ChangeCipherSpec)) => Event::ChangeCipherSpec,
                Err(e) => {
                    check_error(&e);
                    events.push(Event::Error(e));
                    return events;
                }
            };
            match &ev {
                Event::Handshake(m) => {
                    let announced = m
                        .get(1..4)
                        .map(|b| b.iter().fold(0usize, |acc, x| (acc << 8) | usize::from(*x)));
                    assert_eq!(Some(m.len()), announced.map(|n| n + 4), "not one message");
                }
                Event::ApplicationData(d) => {
                    assert!(
                        !d.is_empty() && d.len() <= MAX_PLAINTEXT_LEN,
                        "{} bytes",
                        d.len()
                    );
                    assert!(protected, "application data in the clear");
                }
                // RFC 8446 5: the compatibility CCS changes nothing.
                Event::ChangeCipherSpec => assert_eq!(reader.is_protected(), protected),
                Event::Alert(..) | Event::Error(_) => {}
            }
            let key_update = matches!(&ev, Event::Handshake(m) if m.first() == Some(&24));
            events.push(ev);
            if key_update && reader.is_protected() {
                let pending = reader.handshake_pending();
                generation = generation.wrapping_add(1);
                match reader.install_tls13_decrypter(decrypter13(setup.alg, generation)) {
                    Ok(()) => assert!(!pending, "keys installed over a pending message"),
                    Err(e) => {
                        assert!(pending, "install refused with nothing pending: {e}");
                        assert_eq!(e, RecordError::HandshakeSpansKeyChange);
                        events.push(Event::Error(e));
                        return events;
                    }
                }
            }
        }
        if pos >= stream.len() {
            return events;
        }
        if taken == 0 && events.len() == before {
            // Nothing taken and nothing handed out twice in a row: a caller looping on
            // push/next_event would spin forever (once is allowed: compaction is lazy).
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

/// The alert of each TLS 1.3 record error is the one RFC 8446 names.
fn check_error(e: &RecordError) {
    let alert = e.alert();
    let _ = e.to_string();
    match e {
        RecordError::UnexpectedOuterType(_)
        | RecordError::UnexpectedChangeCipherSpec
        | RecordError::EmptyProtectedFragment(_)
        | RecordError::HandshakeSpansKeyChange
        | RecordError::UnknownContentType(_) => {
            assert_eq!(alert, AlertDescription::UnexpectedMessage);
        }
        RecordError::RecordOverflow { len, max } => {
            assert_eq!(alert, AlertDescription::RecordOverflow);
            assert!(len > max);
        }
        RecordError::BadRecordMac => assert_eq!(alert, AlertDescription::BadRecordMac),
        // TLS 1.3 mode never looks at the version.
        RecordError::BadVersion(v) => panic!("version {v:#06x} refused in TLS 1.3 mode"),
        _ => {}
    }
}

/// `record_tls13`: byte 0 picks the mode and setup, the rest is the input.
///
/// Byte 0: bits 0-1 suite ([`record_suite`]), bit 2 the mode.
///
/// Mode 0 (reader): bit 3 installs generation 0 from the start, bit 4 seals the stream first
/// ([`seal_stream13`], only with bit 3), bit 5 expects TLS 1.2 record versions (ignored in
/// TLS 1.3 mode); byte 1 gives two chunk sizes (one nibble each, used in turn), the rest is
/// the stream. The events (KeyUpdates' key changes included) must not depend on the
/// chunking: the stream pushed whole gives the same ones.
///
/// Mode 1 (decrypter): bytes 1-3 are the outer type and version, the rest one record's
/// fragment (bit 3 pads it with zeros past 2^14 + 1 + 16 bytes), opened with a fresh
/// generation-0 decrypter. Unless it is a genuine record 0 (checked by sealing its inner
/// plaintext again), it must fail as RFC 8446 5.2 orders it: unexpected_message for an outer
/// type other than application_data, record_overflow past 2^14 + 256 bytes or an inner
/// plaintext past 2^14 + 1, before any decryption; else bad_record_mac, or unexpected_message
/// for an inner plaintext of zeros.
pub fn fuzz_record_tls13(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let alg = record_suite(flags);
    if flags & 4 != 0 {
        open13(alg, flags & 8 != 0, rest);
        return;
    }
    let [chunks, stream @ ..] = rest else {
        return;
    };
    let setup = Reader13Setup {
        alg,
        protected: flags & 8 != 0,
        expect_tls12: flags & 32 != 0,
    };
    let sealed;
    let stream = if setup.protected && flags & 16 != 0 {
        sealed = seal_stream13(alg, stream);
        &sealed[..]
    } else {
        stream
    };
    let sizes = [
        CHUNKS[usize::from(chunks & 15)],
        CHUNKS[usize::from(chunks >> 4)],
    ];
    let events = run_reader13(setup, stream, &sizes);
    let whole = run_reader13(setup, stream, &[usize::MAX]);
    assert_eq!(events, whole, "events depend on the chunking");
}

fn open13(alg: AeadAlgorithm, pad: bool, data: &[u8]) {
    let [outer, v0, v1, fragment @ ..] = data else {
        return;
    };
    let mut buf = fragment.to_vec();
    if pad {
        let target = MAX_TLS13_INNER_PLAINTEXT_LEN + TAG_LEN + 1 + fragment.len() % 512;
        buf.resize(target.max(buf.len()), 0);
    }
    let original = buf.clone();
    let Ok(len) = u16::try_from(buf.len()) else {
        return;
    };
    let mut head = vec![*outer, *v0, *v1];
    head.extend_from_slice(&len.to_be_bytes());
    let Ok((header, _)) = RecordHeader::parse(&head) else {
        return;
    };
    let mut dec = decrypter13(alg, 0);
    let err = match dec.open_tls13_in_place(header, &mut buf) {
        Ok((typ, range)) => {
            // Only a genuine record opens: its inner plaintext sealed again as record 0 of
            // generation 0 gives back the very fragment.
            assert!(range.end < original.len().saturating_sub(TAG_LEN));
            let inner = buf.get(..original.len() - TAG_LEN).unwrap_or_default();
            assert_eq!(inner.get(range.end), Some(&typ.to_u8()));
            assert!(
                inner
                    .get(range.end + 1..)
                    .unwrap_or_default()
                    .iter()
                    .all(|&b| b == 0)
            );
            let again = seal_raw13(alg, 0, 0, [*outer, *v0, *v1], inner);
            assert_eq!(
                again.as_deref().and_then(|r| r.get(5..)),
                Some(&original[..])
            );
            return;
        }
        Err(e) => e,
    };
    check_error(&err);
    let n = original.len();
    let expected = if *outer != 23 {
        RecordError::UnexpectedOuterType(*outer)
    } else if n > MAX_TLS13_CIPHERTEXT_LEN {
        RecordError::RecordOverflow {
            len: n,
            max: MAX_TLS13_CIPHERTEXT_LEN,
        }
    } else if n < TAG_LEN {
        RecordError::BadRecordMac
    } else if n - TAG_LEN > MAX_TLS13_INNER_PLAINTEXT_LEN {
        RecordError::RecordOverflow {
            len: n - TAG_LEN,
            max: MAX_TLS13_INNER_PLAINTEXT_LEN,
        }
    } else {
        // Authentication failed, or a genuine record of zeros (no content type).
        if err != RecordError::BadRecordMac {
            assert_eq!(err.alert(), AlertDescription::UnexpectedMessage, "{err}");
            return;
        }
        RecordError::BadRecordMac
    };
    assert_eq!(err, expected);
    if !matches!(expected, RecordError::BadRecordMac) || n < TAG_LEN {
        // Refused before decrypting: no sequence number spent, nothing touched.
        assert_eq!(dec.sequence_number(), 0);
        assert_eq!(buf, original, "refused record modified");
    } else {
        // No unauthenticated plaintext left behind; the tag untouched; and no sequence number
        // spent (a server skipping declined early data goes on at the same one).
        assert_eq!(dec.sequence_number(), 0);
        let (ct, tag) = buf.split_at(n - TAG_LEN);
        assert!(ct.iter().all(|&b| b == 0), "ciphertext not wiped");
        assert_eq!(tag, original.get(n - TAG_LEN..).unwrap_or_default());
    }
}
