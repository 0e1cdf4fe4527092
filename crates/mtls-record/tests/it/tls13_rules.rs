//! The TLS 1.3 record rules of RFC 8446 section 5 (and 6 for alerts), one test per rule, on
//! records built by the independent sealer of `tls13_oracle.rs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use mtls_crypto::aead::AeadAlgorithm;
use mtls_crypto::default_provider;
use mtls_record::{
    Inbound, MAX_CONSECUTIVE_EMPTY_RECORDS, MAX_PLAINTEXT_LEN, MAX_TLS13_CIPHERTEXT_LEN,
    MAX_TLS13_INNER_PLAINTEXT_LEN, RecordDecrypter, RecordEncrypter, RecordError, RecordReader,
};
use mtls_wire::alert::Alert;
use mtls_wire::record::RecordHeader;
use mtls_wire::{AlertDescription, AlertLevel, ContentType, ProtocolVersion};

use crate::tls13_oracle::{AEADS, Peer, hs, plain};

fn decrypter(p: &Peer) -> RecordDecrypter {
    RecordDecrypter::tls13(default_provider(), p.alg, &p.key, &p.iv).unwrap()
}

/// A reader in TLS 1.3 mode with `p`'s keys installed.
fn reader(p: &Peer) -> RecordReader {
    let mut r = RecordReader::new();
    r.set_tls13(true);
    r.install_tls13_decrypter(decrypter(p)).unwrap();
    r
}

#[derive(Debug, PartialEq)]
enum Ev {
    Hs(Vec<u8>),
    Ccs,
    Alert(Alert),
    App(Vec<u8>),
}

/// Feeds `wire` whole and collects events until an error or the end.
fn events(r: &mut RecordReader, mut wire: &[u8]) -> (Vec<Ev>, Option<RecordError>) {
    let mut out = Vec::new();
    loop {
        let n = r.push(wire);
        wire = &wire[n..];
        loop {
            match r.next_event() {
                Ok(Some(Inbound::Handshake(m))) => out.push(Ev::Hs(m.to_vec())),
                Ok(Some(Inbound::ChangeCipherSpec)) => out.push(Ev::Ccs),
                Ok(Some(Inbound::Alert(a))) => out.push(Ev::Alert(a)),
                Ok(Some(Inbound::ApplicationData(d))) => out.push(Ev::App(d.to_vec())),
                Ok(None) => break,
                Err(e) => return (out, Some(e)),
            }
        }
        if wire.is_empty() || n == 0 {
            return (out, None);
        }
    }
}

/// Opens one whole record (header included) with the decrypter alone.
fn open(d: &mut RecordDecrypter, record: &[u8]) -> Result<(ContentType, Vec<u8>), RecordError> {
    let (header, _) = RecordHeader::parse(record).unwrap();
    let mut fragment = record[5..].to_vec();
    let (typ, range) = d.open_tls13_in_place(header, &mut fragment)?;
    Ok((typ, fragment[range].to_vec()))
}

fn header(outer: u8, version: u16, len: usize) -> RecordHeader {
    let mut bytes = vec![outer];
    bytes.extend_from_slice(&version.to_be_bytes());
    bytes.extend_from_slice(&(len as u16).to_be_bytes());
    RecordHeader::parse(&bytes).unwrap().0
}

#[test]
fn rfc8446_5_2_outer_type_other_than_application_data_is_unexpected_message() {
    for (alg, key_len) in AEADS {
        // The decrypter alone: a record of outer type handshake or alert is not opened.
        for outer in [21u8, 22] {
            let mut p = Peer::test(alg, key_len);
            let record = p.seal_raw(outer, 0x0303, b"hello\x16");
            let mut d = decrypter(&p);
            let e = open(&mut d, &record).unwrap_err();
            assert_eq!(e, RecordError::UnexpectedOuterType(outer));
            assert_eq!(e.alert(), AlertDescription::UnexpectedMessage);
            assert_eq!(d.sequence_number(), 0, "refused before decrypting");
        }
        // The reader: once keys are installed, a plaintext handshake record is refused; so
        // is a plaintext alert once a protected record has been opened, and one that is not
        // two bytes (see the next test for the one exception).
        let mut p = Peer::test(alg, key_len);
        let mut opened = p.seal(23, b"data", 0);
        opened.extend(plain(21, &[1, 0]));
        for (wire, outer) in [
            (plain(22, &hs(8, b"")), 22),
            (plain(21, &[2, 40, 0]), 21),
            (opened, 21),
        ] {
            let p = Peer::test(alg, key_len);
            let (_, err) = events(&mut reader(&p), &wire);
            assert_eq!(err, Some(RecordError::UnexpectedOuterType(outer)));
        }
    }
}

#[test]
fn rfc8446_5_2_ciphertext_over_2_14_plus_256_is_record_overflow_before_decrypting() {
    let p = Peer::test(AeadAlgorithm::Aes128Gcm, 16);
    // The decrypter alone: refused from the length, no decryption spent.
    let mut d = decrypter(&p);
    let mut fragment = vec![0u8; MAX_TLS13_CIPHERTEXT_LEN + 1];
    let e = d
        .open_tls13_in_place(header(23, 0x0303, fragment.len()), &mut fragment)
        .unwrap_err();
    assert_eq!(
        e,
        RecordError::RecordOverflow {
            len: 16641,
            max: 16640
        }
    );
    assert_eq!(e.alert(), AlertDescription::RecordOverflow);
    assert_eq!(d.sequence_number(), 0);
    // The reader: from the five header bytes alone.
    let mut r = reader(&p);
    r.push(&[23, 3, 3, 0x41, 0x01]);
    assert_eq!(
        r.next_event(),
        Err(RecordError::RecordOverflow {
            len: 16641,
            max: 16640
        })
    );
    // Exactly 2^14 + 256 passes the header check (and waits for its body).
    let mut r = reader(&p);
    r.push(&[23, 3, 3, 0x41, 0x00]);
    assert_eq!(r.next_event(), Ok(None));
}

#[test]
fn rfc8446_5_2_decryption_failure_is_bad_record_mac() {
    for (alg, key_len) in AEADS {
        let mut p = Peer::test(alg, key_len);
        let record = p.seal(23, b"attack at dawn", 0);
        // Every flipped bit of the fragment, and of the header's length-free bytes that go
        // into the additional data (the version: legacy but authenticated).
        for bit in (5 * 8..record.len() * 8).chain(8..24) {
            let mut bad = record.clone();
            bad[bit / 8] ^= 1 << (bit % 8);
            let mut d = decrypter(&p);
            let e = open(&mut d, &bad).unwrap_err();
            assert_eq!(e, RecordError::BadRecordMac, "{alg:?} bit {bit}");
            assert_eq!(e.alert(), AlertDescription::BadRecordMac);
        }
        // The wrong sequence number (a replay or a dropped record).
        let mut d = decrypter(&p);
        assert!(open(&mut d, &record).is_ok());
        assert_eq!(open(&mut d, &record), Err(RecordError::BadRecordMac));
        // Shorter than a tag.
        let mut d = decrypter(&p);
        assert_eq!(
            open(&mut d, &[23, 3, 3, 0, 5, 1, 2, 3, 4, 5]),
            Err(RecordError::BadRecordMac)
        );
        // Through the reader.
        let mut bad = record.clone();
        *bad.last_mut().unwrap() ^= 1;
        let (_, err) = events(&mut reader(&Peer::test(alg, key_len)), &bad);
        assert_eq!(err, Some(RecordError::BadRecordMac));
    }
}

#[test]
fn rfc8446_5_3_nonce_is_the_iv_xor_the_sequence_number() {
    for (alg, key_len) in AEADS {
        let mut p = Peer::test(alg, key_len);
        let mut d = decrypter(&p);
        for seq in 0..40u64 {
            let msg = format!("record {seq}");
            let record = p.seal(23, msg.as_bytes(), 0);
            assert_eq!(d.sequence_number(), seq);
            let (typ, content) = open(&mut d, &record).unwrap();
            assert_eq!(
                (typ, content),
                (ContentType::ApplicationData, msg.into_bytes())
            );
        }
        // A sequence number far from 0: every byte of it takes part in the nonce.
        let mut e = RecordEncrypter::tls13(default_provider(), alg, &p.key, &p.iv).unwrap();
        let mut oracle = Peer::test(alg, key_len);
        for _ in 0..3 {
            let mut out = Vec::new();
            e.seal_to(
                ContentType::Alert,
                ProtocolVersion::TLSv1_2,
                &[1, 0],
                &mut out,
            )
            .unwrap();
            assert_eq!(oracle.open(&out), Some((vec![1, 0], 21, 0)));
        }
    }
}

#[test]
fn rfc8446_5_3_a_new_key_starts_at_sequence_number_zero() {
    // KeyUpdate and every key change install a fresh decrypter: the peer's next record is
    // sealed at sequence number 0 under the new key.
    let mut old = Peer::test(AeadAlgorithm::Aes128Gcm, 16);
    let mut new = Peer::new(AeadAlgorithm::Aes128Gcm, &[0x33; 16], &[0x44; 12]);
    let mut r = reader(&old);
    let mut wire = old.seal(22, &hs(24, &[1]), 0); // KeyUpdate(update_requested)
    wire.extend(old.seal(23, b"x", 0));
    let (evs, err) = events(&mut r, &wire);
    assert_eq!(err, None);
    assert_eq!(evs, vec![Ev::Hs(hs(24, &[1])), Ev::App(b"x".to_vec())]);
    r.install_tls13_decrypter(decrypter(&new)).unwrap();
    let (evs, err) = events(&mut r, &new.seal(23, b"after", 0));
    assert_eq!((evs, err), (vec![Ev::App(b"after".to_vec())], None));
}

#[test]
fn rfc8446_5_4_padding_is_stripped() {
    for (alg, key_len) in AEADS {
        for padding in [0usize, 1, 2, 15, 16, 255, 4096, MAX_PLAINTEXT_LEN - 5] {
            let mut p = Peer::test(alg, key_len);
            let record = p.seal(23, b"hello", padding);
            let mut d = decrypter(&p);
            assert_eq!(
                open(&mut d, &record).unwrap(),
                (ContentType::ApplicationData, b"hello".to_vec()),
                "padding {padding}"
            );
            // Zero bytes inside the content stay content: only those after the type go.
            let mut p = Peer::test(alg, key_len);
            let record = p.seal(22, &[0, 0, 0], padding);
            let mut d = decrypter(&p);
            assert_eq!(
                open(&mut d, &record).unwrap(),
                (ContentType::Handshake, vec![0, 0, 0])
            );
        }
    }
}

#[test]
fn rfc8446_5_4_inner_plaintext_of_zeros_is_unexpected_message() {
    for len in [0usize, 1, 2, 100, MAX_TLS13_INNER_PLAINTEXT_LEN] {
        let mut p = Peer::test(AeadAlgorithm::ChaCha20Poly1305, 32);
        let record = p.seal_raw(23, 0x0303, &vec![0; len]);
        let mut d = decrypter(&p);
        let e = open(&mut d, &record).unwrap_err();
        assert_eq!(e.alert(), AlertDescription::UnexpectedMessage, "{len}: {e}");
        let (_, err) = events(
            &mut reader(&Peer::test(AeadAlgorithm::ChaCha20Poly1305, 32)),
            &record,
        );
        assert_eq!(
            err.map(|e| e.alert()),
            Some(AlertDescription::UnexpectedMessage)
        );
    }
}

#[test]
fn rfc8446_5_4_inner_plaintext_over_2_14_plus_1_is_record_overflow() {
    let alg = AeadAlgorithm::Aes256Gcm;
    // At the limit: 2^14 of content and the type, or less content and padding up to it.
    for (content, padding) in [
        (MAX_PLAINTEXT_LEN, 0),
        (MAX_PLAINTEXT_LEN - 100, 100),
        (0, MAX_PLAINTEXT_LEN),
    ] {
        let mut p = Peer::test(alg, 32);
        let record = p.seal(23, &vec![7; content], padding);
        let (evs, err) = events(&mut reader(&Peer::test(alg, 32)), &record);
        assert_eq!(err, None, "{content} + {padding}");
        if content > 0 {
            assert_eq!(evs, vec![Ev::App(vec![7; content])]);
        }
    }
    // One byte over, however it is split.
    for (content, padding) in [
        (MAX_PLAINTEXT_LEN + 1, 0),
        (MAX_PLAINTEXT_LEN, 1),
        (10, MAX_PLAINTEXT_LEN - 9),
    ] {
        let mut p = Peer::test(alg, 32);
        let record = p.seal(23, &vec![7; content], padding);
        let expected = RecordError::RecordOverflow {
            len: MAX_TLS13_INNER_PLAINTEXT_LEN + 1,
            max: MAX_TLS13_INNER_PLAINTEXT_LEN,
        };
        let mut d = decrypter(&p);
        assert_eq!(open(&mut d, &record), Err(expected));
        assert_eq!(expected.alert(), AlertDescription::RecordOverflow);
        let (_, err) = events(&mut reader(&Peer::test(alg, 32)), &record);
        assert_eq!(err, Some(expected));
    }
}

#[test]
fn rfc8446_5_1_legacy_record_version_of_protected_records_is_ignored() {
    for version in [0x0303u16, 0x0301, 0x0304, 0x0000, 0xffff, 0x0203] {
        let mut p = Peer::test(AeadAlgorithm::Aes128Gcm, 16);
        let mut wire = p.seal_raw(23, version, b"one\x17");
        wire.extend(p.seal_raw(23, version, b"two\x17\x00"));
        let mut r = reader(&Peer::test(AeadAlgorithm::Aes128Gcm, 16));
        // What the facade sets for TLS 1.2 must not apply in TLS 1.3 mode.
        r.set_expected_version(ProtocolVersion::TLSv1_2);
        let (evs, err) = events(&mut r, &wire);
        assert_eq!(err, None, "version {version:#06x}");
        assert_eq!(
            evs,
            vec![Ev::App(b"one".to_vec()), Ev::App(b"two".to_vec())]
        );
    }
}

#[test]
fn rfc8446_5_1_handshake_message_spanning_a_key_change_is_refused() {
    let p = Peer::test(AeadAlgorithm::Aes128Gcm, 16);
    let sh = hs(2, &[5; 60]);
    let ee = hs(8, &[0, 0]);
    // A ServerHello followed in its record by part of the next message, or by a whole one:
    // either way the next message would straddle the key change.
    for tail in [ee[..3].to_vec(), ee.clone()] {
        let mut r = RecordReader::new();
        r.set_tls13(true);
        r.push(&plain(22, &[sh.clone(), tail.clone()].concat()));
        assert_eq!(r.next_event(), Ok(Some(Inbound::Handshake(&sh[..]))));
        assert!(r.handshake_pending());
        let e = r.install_tls13_decrypter(decrypter(&p)).unwrap_err();
        assert_eq!(e, RecordError::HandshakeSpansKeyChange);
        assert_eq!(e.alert(), AlertDescription::UnexpectedMessage);
        assert!(!r.is_protected(), "the keys were not installed");
    }
    // A message split across records, the key change after its first part.
    let mut r = RecordReader::new();
    r.set_tls13(true);
    r.push(&plain(22, &sh[..10]));
    assert_eq!(r.next_event(), Ok(None));
    assert!(r.handshake_pending());
    assert_eq!(
        r.install_tls13_decrypter(decrypter(&p)),
        Err(RecordError::HandshakeSpansKeyChange)
    );
    // At a record boundary: nothing pending, the keys go in.
    let mut r = RecordReader::new();
    r.set_tls13(true);
    let mut wire = plain(22, &sh[..10]);
    wire.extend(plain(22, &sh[10..]));
    let (evs, err) = events(&mut r, &wire);
    assert_eq!((evs, err), (vec![Ev::Hs(sh.clone())], None));
    assert!(!r.handshake_pending());
    r.install_tls13_decrypter(decrypter(&p)).unwrap();
    assert!(r.is_protected() && r.is_tls13());
}

#[test]
fn rfc8446_5_1_handshake_messages_coalesce_and_fragment_under_one_key() {
    for (alg, key_len) in AEADS {
        let mut p = Peer::test(alg, key_len);
        let m1 = hs(8, &[0, 0]);
        let m2 = hs(11, &[9; 3000]);
        let m3 = hs(15, &[8; 70]);
        let m4 = hs(20, &[7; 32]);
        let flight = [m1.clone(), m2.clone(), m3.clone(), m4.clone()].concat();
        for record_size in [1usize, 3, 100, 1000, flight.len()] {
            let wire: Vec<u8> = flight
                .chunks(record_size)
                .flat_map(|c| p.seal(22, c, record_size % 7))
                .collect();
            let (evs, err) = events(&mut reader(&Peer::test(alg, key_len)), &wire);
            assert_eq!(err, None);
            assert_eq!(
                evs,
                vec![
                    Ev::Hs(m1.clone()),
                    Ev::Hs(m2.clone()),
                    Ev::Hs(m3.clone()),
                    Ev::Hs(m4.clone())
                ]
            );
            p.seq = 0;
        }
    }
}

#[test]
fn rfc8446_5_4_zero_length_application_data_is_allowed() {
    let mut p = Peer::test(AeadAlgorithm::Aes128Gcm, 16);
    let mut wire = Vec::new();
    for padding in [0, 5, 0] {
        wire.extend(p.seal(23, b"", padding));
    }
    wire.extend(p.seal(23, b"data", 0));
    let (evs, err) = events(
        &mut reader(&Peer::test(AeadAlgorithm::Aes128Gcm, 16)),
        &wire,
    );
    assert_eq!((evs, err), (vec![Ev::App(b"data".to_vec())], None));
    // But not endlessly: the cap on consecutive empty records still holds.
    let mut p = Peer::test(AeadAlgorithm::Aes128Gcm, 16);
    let wire: Vec<u8> = (0..=MAX_CONSECUTIVE_EMPTY_RECORDS)
        .flat_map(|_| p.seal(23, b"", 0))
        .collect();
    let (_, err) = events(
        &mut reader(&Peer::test(AeadAlgorithm::Aes128Gcm, 16)),
        &wire,
    );
    assert_eq!(err, Some(RecordError::TooManyEmptyRecords));
}

#[test]
fn rfc8446_5_1_zero_length_handshake_or_alert_is_unexpected_message() {
    for (typ, padding) in [(22u8, 0usize), (22, 10), (21, 0), (21, 3)] {
        let mut p = Peer::test(AeadAlgorithm::Aes128Gcm, 16);
        let record = p.seal(typ, b"", padding);
        let (evs, err) = events(
            &mut reader(&Peer::test(AeadAlgorithm::Aes128Gcm, 16)),
            &record,
        );
        assert!(evs.is_empty());
        let e = err.unwrap();
        assert_eq!(e, RecordError::EmptyProtectedFragment(typ));
        assert_eq!(e.alert(), AlertDescription::UnexpectedMessage);
    }
}

#[test]
fn rfc8446_5_compatibility_change_cipher_spec_is_handed_up_without_a_key_change() {
    // Before any keys: the server's CCS after its ServerHello, then more plaintext.
    let mut r = RecordReader::new();
    r.set_tls13(true);
    let mut wire = plain(22, &hs(2, &[1; 40]));
    wire.extend(plain(20, &[1]));
    wire.extend(plain(21, &[2, 40]));
    let (evs, err) = events(&mut r, &wire);
    assert_eq!(err, None, "no waiting for keys after a TLS 1.3 CCS");
    assert_eq!(
        evs,
        vec![
            Ev::Hs(hs(2, &[1; 40])),
            Ev::Ccs,
            Ev::Alert(Alert {
                level: AlertLevel::Fatal,
                description: AlertDescription::HandshakeFailure
            })
        ]
    );
    assert!(!r.is_protected());
    // With keys installed: a plaintext CCS between protected records leaves the keys and
    // the sequence number alone.
    let mut p = Peer::test(AeadAlgorithm::ChaCha20Poly1305, 32);
    let mut wire = p.seal(22, &hs(8, &[0, 0]), 0);
    wire.extend(plain(20, &[1]));
    wire.extend(p.seal(23, b"after", 0));
    let (evs, err) = events(
        &mut reader(&Peer::test(AeadAlgorithm::ChaCha20Poly1305, 32)),
        &wire,
    );
    assert_eq!(err, None);
    assert_eq!(
        evs,
        vec![Ev::Hs(hs(8, &[0, 0])), Ev::Ccs, Ev::App(b"after".to_vec())]
    );
}

#[test]
fn rfc8446_5_other_change_cipher_spec_value_is_unexpected_message() {
    for body in [&[2u8][..], &[0], &[1, 1], &[1, 0], &[]] {
        // Before keys and after.
        let mut before = RecordReader::new();
        before.set_tls13(true);
        let after = reader(&Peer::test(AeadAlgorithm::Aes128Gcm, 16));
        for mut r in [before, after] {
            let (evs, err) = events(&mut r, &plain(20, body));
            assert!(evs.is_empty());
            let e = err.unwrap();
            assert_eq!(e, RecordError::UnexpectedChangeCipherSpec, "{body:?}");
            assert_eq!(e.alert(), AlertDescription::UnexpectedMessage);
        }
    }
}

#[test]
fn rfc8446_5_protected_change_cipher_spec_is_unexpected_message() {
    for padding in [0, 4] {
        let mut p = Peer::test(AeadAlgorithm::Aes128Gcm, 16);
        let record = p.seal(20, &[1], padding);
        let (evs, err) = events(
            &mut reader(&Peer::test(AeadAlgorithm::Aes128Gcm, 16)),
            &record,
        );
        assert!(evs.is_empty());
        assert_eq!(err, Some(RecordError::UnexpectedChangeCipherSpec));
    }
}

#[test]
fn rfc8446_5_unknown_inner_content_type_is_unexpected_message() {
    for typ in [24u8, 25, 99, 255] {
        let mut p = Peer::test(AeadAlgorithm::Aes128Gcm, 16);
        let record = p.seal(typ, b"x", 0);
        let (_, err) = events(
            &mut reader(&Peer::test(AeadAlgorithm::Aes128Gcm, 16)),
            &record,
        );
        let e = err.unwrap();
        assert_eq!(e, RecordError::UnknownContentType(typ));
        assert_eq!(e.alert(), AlertDescription::UnexpectedMessage);
    }
}

#[test]
fn rfc8446_6_alerts_inside_protected_records() {
    let mut p = Peer::test(AeadAlgorithm::Aes256Gcm, 32);
    let mut wire = p.seal(23, b"last", 0);
    wire.extend(p.seal(21, &[1, 0], 7));
    let (evs, err) = events(
        &mut reader(&Peer::test(AeadAlgorithm::Aes256Gcm, 32)),
        &wire,
    );
    assert_eq!(err, None);
    assert_eq!(
        evs,
        vec![
            Ev::App(b"last".to_vec()),
            Ev::Alert(Alert {
                level: AlertLevel::Warning,
                description: AlertDescription::CloseNotify
            })
        ]
    );
    // An alert is two bytes (RFC 8446 6): three is decode_error, as in TLS 1.2.
    let mut p = Peer::test(AeadAlgorithm::Aes256Gcm, 32);
    let (_, err) = events(
        &mut reader(&Peer::test(AeadAlgorithm::Aes256Gcm, 32)),
        &p.seal(21, &[2, 40, 0], 0),
    );
    assert_eq!(err.map(|e| e.alert()), Some(AlertDescription::DecodeError));
}

/// RFC 8446 6: alerts "are encrypted as specified by the current connection state". A client
/// that fails on the ServerHello has no keys yet, so its alert comes in plaintext after the
/// server has installed the client's handshake key: taken, as long as nothing protected has
/// come from the peer yet (rustls draws the same line).
#[test]
fn rfc8446_6_plaintext_alert_before_any_protected_record_is_taken() {
    for (alg, key_len) in AEADS {
        let p = Peer::test(alg, key_len);
        let (evs, err) = events(&mut reader(&p), &plain(21, &[2, 40]));
        assert_eq!(err, None);
        assert_eq!(
            evs,
            vec![Ev::Alert(Alert {
                level: AlertLevel::Fatal,
                description: AlertDescription::HandshakeFailure
            })]
        );
        // Still after the compatibility ChangeCipherSpec, which is not protected either.
        let mut wire = plain(20, &[1]);
        wire.extend(plain(21, &[2, 70]));
        let (evs, err) = events(&mut reader(&p), &wire);
        assert_eq!(err, None);
        assert_eq!(evs.len(), 2, "{evs:?}");
    }
}

#[test]
fn rfc8446_5_application_data_before_keys_is_still_refused() {
    let mut r = RecordReader::new();
    r.set_tls13(true);
    let (_, err) = events(&mut r, &plain(23, b"early?"));
    assert_eq!(err, Some(RecordError::UnprotectedApplicationData));
}

#[test]
fn tls12_and_tls13_operations_do_not_mix() {
    let p = Peer::test(AeadAlgorithm::Aes128Gcm, 16);
    let mut d13 = decrypter(&p);
    assert!(d13.is_tls13());
    let mut frag = vec![0u8; 40];
    assert_eq!(
        d13.open_in_place(
            ContentType::ApplicationData,
            ProtocolVersion::TLSv1_2,
            &mut frag
        ),
        Err(RecordError::ProtectionMismatch)
    );
    let mut d12 = RecordDecrypter::new(AeadAlgorithm::Aes128Gcm, &[1; 16], &[2; 4]).unwrap();
    assert!(!d12.is_tls13());
    assert_eq!(
        d12.open_tls13_in_place(header(23, 0x0303, 40), &mut frag),
        Err(RecordError::ProtectionMismatch)
    );
    let mut e12 = RecordEncrypter::new(AeadAlgorithm::Aes128Gcm, &[1; 16], &[2; 4]).unwrap();
    assert!(!e12.is_tls13());
    assert_eq!(
        e12.seal_padded_to(ContentType::ApplicationData, b"x", 3, &mut Vec::new()),
        Err(RecordError::ProtectionMismatch)
    );
    assert_eq!(
        RecordError::ProtectionMismatch.alert(),
        AlertDescription::InternalError
    );
    // TLS 1.2 keys through the TLS 1.3 installer.
    let mut r = RecordReader::new();
    assert_eq!(
        r.install_tls13_decrypter(d12),
        Err(RecordError::ProtectionMismatch)
    );
    // A TLS 1.3 IV is 12 bytes.
    assert!(
        RecordDecrypter::tls13(
            default_provider(),
            AeadAlgorithm::Aes128Gcm,
            &[1; 16],
            &[2; 4]
        )
        .is_err()
    );
    assert!(
        RecordEncrypter::tls13(
            default_provider(),
            AeadAlgorithm::Aes128Gcm,
            &[1; 15],
            &[2; 12]
        )
        .is_err()
    );
}

#[test]
fn installing_tls13_keys_turns_the_tls13_rules_on() {
    let p = Peer::test(AeadAlgorithm::Aes128Gcm, 16);
    let mut r = RecordReader::new();
    assert!(!r.is_tls13());
    r.install_tls13_decrypter(decrypter(&p)).unwrap();
    assert!(r.is_tls13() && r.is_protected());
    // So a CCS is the compatibility one: handed up, keys kept.
    let (evs, err) = events(&mut r, &plain(20, &[1]));
    assert_eq!((evs, err), (vec![Ev::Ccs], None));
    assert!(r.is_protected());
}

#[test]
fn rfc8446_4_2_10_declined_early_data_is_skipped_within_its_budget() {
    for (alg, key_len) in AEADS {
        // The client's early records, under keys the server never derived.
        let mut early = Peer::new(alg, &vec![0x33; key_len], &[0x44; 12]);
        let early_records: Vec<Vec<u8>> = (0..3).map(|i| early.seal(23, &[i; 100], 0)).collect();
        let mut p = Peer::test(alg, key_len);
        let finished = p.seal(22, &hs(20, &[0xf1; 32]), 0);
        let early_len: usize = early_records.iter().map(|r| r.len() - 5).sum();

        // Skipped, and the first record that opens ends the skipping.
        let mut r = reader(&Peer::test(alg, key_len));
        r.skip_early_data(early_len);
        let wire: Vec<u8> = early_records
            .iter()
            .flatten()
            .copied()
            .chain(finished.clone())
            .collect();
        let (evs, err) = events(&mut r, &wire);
        assert_eq!(err, None, "{alg:?}");
        assert_eq!(evs, vec![Ev::Hs(hs(20, &[0xf1; 32]))], "{alg:?}");

        // One byte short of the budget: the last early record is bad_record_mac.
        let mut r = reader(&Peer::test(alg, key_len));
        r.skip_early_data(early_len - 1);
        let (_, err) = events(&mut r, &wire);
        assert_eq!(err, Some(RecordError::BadRecordMac), "{alg:?}");

        // Without the skip, the first early record is bad_record_mac.
        let (_, err) = events(&mut reader(&Peer::test(alg, key_len)), &wire);
        assert_eq!(err, Some(RecordError::BadRecordMac), "{alg:?}");

        // Before any key (after a HelloRetryRequest): early application_data records are
        // dropped, the second ClientHello in plaintext comes through.
        let mut r = RecordReader::new();
        r.set_tls13(true);
        r.skip_early_data(early_len);
        let ch = plain(22, &hs(1, &[0xc1; 40]));
        let wire: Vec<u8> = early_records.iter().flatten().copied().chain(ch).collect();
        let (evs, err) = events(&mut r, &wire);
        assert_eq!(err, None, "{alg:?}");
        assert_eq!(evs, vec![Ev::Hs(hs(1, &[0xc1; 40]))], "{alg:?}");
    }
}
