//! Read-side rules of RFC 5246 section 6: deframing, reassembly, and what may interleave.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use mtls_crypto::aead::AeadAlgorithm;
use mtls_record::{
    Inbound, MAX_CONSECUTIVE_EMPTY_RECORDS, RecordDecrypter, RecordEncrypter, RecordError,
    RecordReader, RecordWriter,
};
use mtls_wire::alert::Alert;
use mtls_wire::{AlertDescription, AlertLevel, ContentType, ProtocolVersion};

fn plain(typ: u8, body: &[u8]) -> Vec<u8> {
    let mut r = vec![typ, 3, 3];
    r.extend_from_slice(&(body.len() as u16).to_be_bytes());
    r.extend_from_slice(body);
    r
}

fn hs(typ: u8, body: &[u8]) -> Vec<u8> {
    let len = body.len() as u32;
    let mut m = vec![typ, (len >> 16) as u8, (len >> 8) as u8, len as u8];
    m.extend_from_slice(body);
    m
}

#[derive(Debug, PartialEq)]
enum Ev {
    Hs(Vec<u8>),
    Ccs,
    Alert(Alert),
    App(Vec<u8>),
}

/// Feeds `wire` in chunks of `chunk` bytes and collects events until an error or the end.
fn events(r: &mut RecordReader, wire: &[u8], chunk: usize) -> (Vec<Ev>, Option<RecordError>) {
    let mut out = Vec::new();
    for piece in wire.chunks(chunk) {
        let mut piece = piece;
        while !piece.is_empty() {
            let n = r.push(piece);
            piece = &piece[n..];
            loop {
                match r.next_event() {
                    Ok(Some(Inbound::Handshake(m))) => out.push(Ev::Hs(m.to_vec())),
                    Ok(Some(Inbound::ChangeCipherSpec)) => {
                        out.push(Ev::Ccs);
                        r.install_decrypter(
                            RecordDecrypter::new(AeadAlgorithm::Aes128Gcm, &[7; 16], &[8; 4])
                                .unwrap(),
                        );
                    }
                    Ok(Some(Inbound::Alert(a))) => out.push(Ev::Alert(a)),
                    Ok(Some(Inbound::ApplicationData(d))) => out.push(Ev::App(d.to_vec())),
                    Ok(None) => break,
                    Err(e) => return (out, Some(e)),
                }
            }
        }
    }
    (out, None)
}

#[test]
fn rfc5246_6_2_1_handshake_messages_come_out_whole_for_any_chunking() {
    let m1 = hs(2, &[1u8; 70]);
    let m2 = hs(11, &[2u8; 3000]);
    let m3 = hs(14, b"");
    let flight = [m1.clone(), m2.clone(), m3.clone()].concat();
    for record_size in [1usize, 2, 3, 5, 64, 1000, 16384] {
        let wire: Vec<u8> = flight
            .chunks(record_size)
            .flat_map(|c| plain(22, c))
            .collect();
        for chunk in [1usize, 7, 4096, wire.len()] {
            let mut r = RecordReader::new();
            let (evs, err) = events(&mut r, &wire, chunk);
            assert_eq!(err, None);
            assert_eq!(
                evs,
                vec![Ev::Hs(m1.clone()), Ev::Hs(m2.clone()), Ev::Hs(m3.clone())],
                "records of {record_size}, chunks of {chunk}"
            );
        }
    }
}

/// Messages whole inside a record are handed out from the receive buffer; a caller that takes
/// one and then offers more bytes (which may move that buffer) still gets the rest in order.
#[test]
fn rfc5246_6_2_1_coalesced_messages_survive_more_bytes_arriving_between_events() {
    let (m1, m2, m3) = (hs(2, &[1u8; 70]), hs(11, &[2u8; 900]), hs(14, b""));
    let m4 = hs(16, &[4u8; 66]);
    let first = plain(
        22,
        &[m1.clone(), m2.clone(), m3.clone(), m4[..10].to_vec()].concat(),
    );
    let second = plain(22, &m4[10..]);
    for between in 0..3 {
        let mut r = RecordReader::new();
        assert_eq!(r.push(&first), first.len());
        assert_eq!(r.next_event(), Ok(Some(Inbound::Handshake(&m1[..]))));
        match between {
            0 => assert_eq!(r.push(&second), second.len()),
            1 => assert!(r.has_space()),
            _ => r.release_idle_buffers(),
        }
        if between != 0 {
            assert_eq!(r.push(&second), second.len());
        }
        let mut rest = Vec::new();
        while let Some(Inbound::Handshake(m)) = r.next_event().unwrap() {
            rest.push(m.to_vec());
        }
        assert_eq!(
            rest,
            vec![m2.clone(), m3.clone(), m4.clone()],
            "case {between}"
        );
    }
}

#[test]
fn rfc5246_6_2_1_other_record_inside_a_partial_handshake_message_is_unexpected_message() {
    let m = hs(11, &[5u8; 100]);
    for (typ, body) in [(21u8, vec![1u8, 0]), (20, vec![1])] {
        let mut wire = plain(22, &m[..50]);
        wire.extend(plain(typ, &body));
        let mut r = RecordReader::new();
        let (evs, err) = events(&mut r, &wire, 4096);
        assert!(evs.is_empty());
        let err = err.unwrap();
        assert_eq!(err, RecordError::InterleavedRecord, "type {typ}");
        assert_eq!(err.alert(), AlertDescription::UnexpectedMessage);
    }
}

#[test]
fn rfc5246_7_1_change_cipher_spec_switches_to_protected_records() {
    let mut w = RecordWriter::new();
    let mut wire = Vec::new();
    w.write(ContentType::Handshake, &hs(16, &[1, 2, 3]), &mut wire)
        .unwrap();
    w.write(ContentType::ChangeCipherSpec, &[1], &mut wire)
        .unwrap();
    w.install_encrypter(RecordEncrypter::new(AeadAlgorithm::Aes128Gcm, &[7; 16], &[8; 4]).unwrap());
    w.write(ContentType::Handshake, &hs(20, &[9; 12]), &mut wire)
        .unwrap();
    w.write(ContentType::ApplicationData, b"hello", &mut wire)
        .unwrap();
    for chunk in [1, 3, 100, wire.len()] {
        let mut r = RecordReader::new();
        let (evs, err) = events(&mut r, &wire, chunk);
        assert_eq!(err, None);
        assert_eq!(
            evs,
            vec![
                Ev::Hs(hs(16, &[1, 2, 3])),
                Ev::Ccs,
                Ev::Hs(hs(20, &[9; 12])),
                Ev::App(b"hello".to_vec())
            ]
        );
    }
}

#[test]
fn reading_past_change_cipher_spec_without_keys_is_refused() {
    let mut wire = plain(20, &[1]);
    wire.extend(plain(22, &hs(20, &[0; 12])));
    let mut r = RecordReader::new();
    r.push(&wire);
    assert_eq!(r.next_event(), Ok(Some(Inbound::ChangeCipherSpec)));
    assert_eq!(r.next_event(), Err(RecordError::KeysNotInstalled));
}

#[test]
fn rfc5246_7_1_ccs_not_one_byte_of_value_1_is_unexpected_message() {
    // RFC 5246 7.1 (RFC 8446 5 says the same): a wrong value or a wrong length.
    for bad in [&[2u8][..], &[0], &[1, 1], &[2, 1]] {
        let mut r = RecordReader::new();
        r.push(&plain(20, bad));
        let err = r.next_event().unwrap_err();
        assert!(matches!(err, RecordError::Malformed(_)), "{bad:?}: {err}");
        assert_eq!(
            err.alert(),
            AlertDescription::UnexpectedMessage,
            "{bad:?}: {err}"
        );
    }
}

#[test]
fn rfc5246_7_2_alert_record_of_other_length_is_decode_error() {
    for body in [vec![1u8], vec![1, 0, 0], vec![2, 40, 2, 40]] {
        let mut r = RecordReader::new();
        r.push(&plain(21, &body));
        let err = r.next_event().unwrap_err();
        assert_eq!(err.alert(), AlertDescription::DecodeError, "{body:?}");
    }
    let mut r = RecordReader::new();
    r.push(&plain(21, &[2, 40]));
    assert_eq!(
        r.next_event(),
        Ok(Some(Inbound::Alert(Alert {
            level: AlertLevel::Fatal,
            description: AlertDescription::HandshakeFailure
        })))
    );
}

#[test]
fn application_data_before_protection_is_unexpected_message() {
    let mut r = RecordReader::new();
    r.push(&plain(23, b"too early"));
    let err = r.next_event().unwrap_err();
    assert_eq!(err, RecordError::UnprotectedApplicationData);
    assert_eq!(err.alert(), AlertDescription::UnexpectedMessage);
}

#[test]
fn consecutive_empty_application_data_records_are_capped() {
    let key = ([7u8; 16], [8u8; 4]);
    let mut enc = RecordEncrypter::new(AeadAlgorithm::Aes128Gcm, &key.0, &key.1).unwrap();
    let mut wire = Vec::new();
    for _ in 0..MAX_CONSECUTIVE_EMPTY_RECORDS {
        enc.seal_to(
            ContentType::ApplicationData,
            ProtocolVersion::TLSv1_2,
            b"",
            &mut wire,
        )
        .unwrap();
    }
    enc.seal_to(
        ContentType::ApplicationData,
        ProtocolVersion::TLSv1_2,
        b"data",
        &mut wire,
    )
    .unwrap();
    // Up to the cap, empty records are skipped silently.
    let mut r = RecordReader::new();
    r.install_decrypter(RecordDecrypter::new(AeadAlgorithm::Aes128Gcm, &key.0, &key.1).unwrap());
    let (evs, err) = events(&mut r, &wire, 100_000);
    assert_eq!(err, None);
    assert_eq!(evs, vec![Ev::App(b"data".to_vec())]);
    // One more is refused.
    for _ in 0..=MAX_CONSECUTIVE_EMPTY_RECORDS {
        enc.seal_to(
            ContentType::ApplicationData,
            ProtocolVersion::TLSv1_2,
            b"",
            &mut wire,
        )
        .unwrap();
    }
    let mut r = RecordReader::new();
    r.install_decrypter(RecordDecrypter::new(AeadAlgorithm::Aes128Gcm, &key.0, &key.1).unwrap());
    let (_, err) = events(&mut r, &wire, 100_000);
    assert_eq!(err, Some(RecordError::TooManyEmptyRecords));
}

#[test]
fn rfc5246_6_2_1_empty_protected_handshake_record_is_refused() {
    let mut enc = RecordEncrypter::new(AeadAlgorithm::Aes128Gcm, &[7; 16], &[8; 4]).unwrap();
    let mut wire = Vec::new();
    enc.seal_to(
        ContentType::Handshake,
        ProtocolVersion::TLSv1_2,
        b"",
        &mut wire,
    )
    .unwrap();
    let mut r = RecordReader::new();
    r.install_decrypter(RecordDecrypter::new(AeadAlgorithm::Aes128Gcm, &[7; 16], &[8; 4]).unwrap());
    r.push(&wire);
    assert_eq!(r.next_event(), Err(RecordError::EmptyRecord));
}

#[test]
fn handshake_message_cap_is_configurable_and_distinct() {
    let mut r = RecordReader::with_max_handshake_message_len(100);
    r.push(&plain(22, &hs(11, &[0; 97])));
    assert!(matches!(
        r.next_event(),
        Err(RecordError::HandshakeMessageTooLarge { len: 101, max: 100 })
    ));
    // A peer announcing 16 MiB is refused from the 4-byte header alone.
    let mut r = RecordReader::new();
    r.push(&plain(22, &[11, 0xff, 0xff, 0xff]));
    assert!(matches!(
        r.next_event(),
        Err(RecordError::HandshakeMessageTooLarge { .. })
    ));
}

#[test]
fn negotiated_version_is_enforced_once_set() {
    let mut r = RecordReader::new();
    r.set_expected_version(ProtocolVersion::TLSv1_2);
    let mut rec = plain(22, &hs(14, b""));
    rec[2] = 1;
    r.push(&rec);
    let err = r.next_event().unwrap_err();
    assert_eq!(err, RecordError::BadVersion(0x0301));
    assert_eq!(err.alert(), AlertDescription::ProtocolVersion);
}

#[test]
fn memory_bound_one_record_plus_one_message() {
    // Endless fragments of one huge-but-allowed message: the reader never holds more than the
    // announced message plus one record.
    let mut r = RecordReader::with_max_handshake_message_len(70_000);
    let body_len = 70_000 - 4;
    let mut first = vec![
        11u8,
        (body_len >> 16) as u8,
        (body_len >> 8) as u8,
        body_len as u8,
    ];
    first.extend(vec![0u8; 1000]);
    r.push(&plain(22, &first));
    assert_eq!(r.next_event(), Ok(None));
    let mut total = first.len();
    while total < 70_000 {
        let n = (70_000 - total).min(16384);
        let taken = r.push(&plain(22, &vec![0u8; n]));
        assert_eq!(taken, n + 5);
        total += n;
        let ev = r.next_event().unwrap();
        if total < 70_000 {
            assert_eq!(ev, None);
            assert!(r.buffered() <= 70_000 + 16384 + 5);
        } else {
            assert!(matches!(ev, Some(Inbound::Handshake(m)) if m.len() == 70_000));
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// RFC 5246 6.2.1: whatever the record boundaries, the transport chunks and however many
    /// events the caller takes before offering more bytes (so that handshake messages still
    /// waiting in the receive buffer must move to the reassembly buffer), the messages come
    /// out whole, once each, in order.
    #[test]
    fn rfc5246_6_2_1_messages_survive_any_framing_chunking_and_interruption(
        bodies in proptest::collection::vec(proptest::collection::vec(proptest::prelude::any::<u8>(), 0..700), 1..12),
        record_sizes in proptest::collection::vec(1usize..2000, 1..8),
        chunks in proptest::collection::vec(1usize..3000, 1..8),
        takes in proptest::collection::vec(0usize..4, 1..8),
    ) {
        let messages: Vec<Vec<u8>> = bodies
            .iter()
            .enumerate()
            .map(|(i, b)| hs(1 + (i % 20) as u8, b))
            .collect();
        let stream = messages.concat();
        let mut wire = Vec::new();
        let mut pos = 0;
        let mut i = 0;
        while pos < stream.len() {
            let n = record_sizes[i % record_sizes.len()].min(stream.len() - pos);
            wire.extend(plain(22, &stream[pos..pos + n]));
            pos += n;
            i += 1;
        }

        let mut r = RecordReader::new();
        let mut got: Vec<Vec<u8>> = Vec::new();
        let mut off = 0;
        let mut round = 0;
        loop {
            let chunk = chunks[round % chunks.len()];
            let end = (off + chunk).min(wire.len());
            off += r.push(&wire[off..end]);
            // Take at most `take` events (0 = all) before offering more bytes.
            let take = takes[round % takes.len()];
            let mut taken = 0;
            while take == 0 || taken < take {
                match r.next_event().unwrap() {
                    Some(Inbound::Handshake(m)) => got.push(m.to_vec()),
                    Some(other) => panic!("unexpected {other:?}"),
                    None => break,
                }
                taken += 1;
            }
            round += 1;
            if off == wire.len() {
                while let Some(Inbound::Handshake(m)) = r.next_event().unwrap() {
                    got.push(m.to_vec());
                }
                break;
            }
            proptest::prop_assert!(round < 100_000, "no progress");
        }
        proptest::prop_assert_eq!(got, messages);
        proptest::prop_assert_eq!(r.buffered(), 0);
    }
}

/// The largest ClientHello body its fields allow (RFC 5246 7.4.1.2): version (2), random (32),
/// session_id (1 + 32), cipher_suites (2 + 65534: 32767 suites), compression_methods (1 + 255)
/// and an extensions block of 2 + 65535 bytes (one padding extension, RFC 7685, of 65531).
fn largest_client_hello_body() -> Vec<u8> {
    let mut b = vec![3, 3];
    b.extend([0x5a; 32]);
    b.push(32);
    b.extend([0x33; 32]);
    b.extend(65534u16.to_be_bytes());
    for i in 0..32767u16 {
        // Real suites first, then GREASE-like values nobody implements.
        b.extend(if i == 0 { 0xc02bu16 } else { 0x0a0a }.to_be_bytes());
    }
    b.push(255);
    b.extend(0..=254u8);
    b.extend(65535u16.to_be_bytes());
    b.extend(21u16.to_be_bytes());
    b.extend(65531u16.to_be_bytes());
    b.extend(vec![0; 65531]);
    b
}

#[test]
fn rfc5246_7_4_1_2_client_hello_of_the_largest_size_its_fields_allow_is_read() {
    let body = largest_client_hello_body();
    assert_eq!(body.len(), 131_396);
    let message = hs(1, &body);
    // In full records, and with the header itself cut over records.
    for first in [16384, 1, 3] {
        let (head, tail) = message.split_at(first);
        let mut wire = plain(22, head);
        for piece in tail.chunks(16384) {
            wire.extend(plain(22, piece));
        }
        let mut r = RecordReader::new();
        let (evs, err) = events(&mut r, &wire, wire.len());
        assert_eq!(err, None, "first record {first}");
        assert_eq!(evs, vec![Ev::Hs(message.clone())], "first record {first}");
    }
    // And mtls-wire's parser takes every field at its largest.
    let hello = mtls_wire::handshake::ClientHello::parse(&body).unwrap();
    assert_eq!(hello.cipher_suites.len(), 32767);
    assert_eq!(hello.compression_methods.len(), 255);
    assert_eq!(hello.session_id.len(), 32);
}

#[test]
fn rfc5246_7_4_1_2_client_hello_announcing_more_is_decode_error_from_its_header() {
    // 131 397 body bytes announced: refused from the 4-byte header, whether it lies in one
    // record or arrives a byte at a time, before any of the body is here.
    let header = [1u8, 0x02, 0x01, 0x45];
    assert_eq!(u32::from_be_bytes([0, 0x02, 0x01, 0x45]), 131_397);
    for record_size in [4, 1] {
        let wire: Vec<u8> = header
            .chunks(record_size)
            .flat_map(|c| plain(22, c))
            .collect();
        let mut r = RecordReader::new();
        let (evs, err) = events(&mut r, &wire, wire.len());
        assert!(evs.is_empty());
        let err = err.expect("refused from the header");
        assert_eq!(err.alert(), AlertDescription::DecodeError, "{err}");
        assert!(err.to_string().contains("ClientHello"), "{err}");
    }
    // Every other message keeps the 64 KiB cap, refused as before (illegal_parameter).
    for (typ, len) in [(11u8, 65_533u32), (2, 131_396), (16, 131_397)] {
        let mut r = RecordReader::new();
        let mut m = vec![typ];
        m.extend(&len.to_be_bytes()[1..]);
        r.push(&plain(22, &m));
        let err = r.next_event().unwrap_err();
        assert!(
            matches!(
                err,
                RecordError::HandshakeMessageTooLarge { max: 65_536, .. }
            ),
            "{typ}: {err}"
        );
        assert_eq!(err.alert(), AlertDescription::IllegalParameter);
    }
}
