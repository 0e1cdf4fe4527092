//! TLS 1.3 sealing (RFC 8446 5.2 - 5.4): our encrypter and writer against the independent
//! sealer of `tls13_oracle.rs` and the protected records of RFC 8448 section 3, byte for byte;
//! round trips over the three AEADs with padding; the compatibility ChangeCipherSpec on the
//! write side (RFC 8446 D.4).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::HashMap;

use mtls_crypto::aead::AeadAlgorithm;
use mtls_crypto::{CryptoProvider, default_provider, provider::compiled_in};
use mtls_record::{
    Inbound, MAX_PLAINTEXT_LEN, RecordDecrypter, RecordEncrypter, RecordError, RecordReader,
    RecordWriter,
};
use mtls_wire::record::RecordHeader;
use mtls_wire::{ContentType, ProtocolVersion};
use proptest::prelude::*;

use crate::tls13_oracle::{AEADS, Peer, hs, split_records};

fn encrypter(p: &Peer) -> RecordEncrypter {
    RecordEncrypter::tls13(default_provider(), p.alg, &p.key, &p.iv).unwrap()
}

fn decrypter(p: &Peer) -> RecordDecrypter {
    RecordDecrypter::tls13(default_provider(), p.alg, &p.key, &p.iv).unwrap()
}

fn open(d: &mut RecordDecrypter, record: &[u8]) -> Result<(ContentType, Vec<u8>), RecordError> {
    let (header, _) = RecordHeader::parse(record).unwrap();
    let mut fragment = record[5..].to_vec();
    let (typ, range) = d.open_tls13_in_place(header, &mut fragment)?;
    Ok((typ, fragment[range].to_vec()))
}

#[test]
fn rfc8446_5_2_sealed_record_layout() {
    for (alg, key_len) in AEADS {
        let p = Peer::test(alg, key_len);
        let mut e = encrypter(&p);
        assert!(e.is_tls13());
        assert_eq!((e.prefix_len(), e.suffix_len()), (5, 17));
        // The version argument is not used: TLS 1.3 records say {3, 3}.
        let mut out = vec![0xee; 3]; // appended after what is there
        e.seal_to(
            ContentType::Handshake,
            ProtocolVersion::TLSv1_0,
            b"msg",
            &mut out,
        )
        .unwrap();
        assert_eq!(&out[..3], [0xee; 3]);
        let record = &out[3..];
        assert_eq!(record.len(), 5 + 3 + 1 + 16);
        assert_eq!(record[..5], [23, 3, 3, 0, 20]);
        let mut oracle = Peer::test(alg, key_len);
        assert_eq!(oracle.open(record), Some((b"msg".to_vec(), 22, 0)));
        assert_eq!(e.sequence_number(), 1);
    }
}

#[test]
fn rfc8446_5_2_seal_in_place_writes_header_type_and_tag_around_the_plaintext() {
    for (alg, key_len) in AEADS {
        let p = Peer::test(alg, key_len);
        let mut e = encrypter(&p);
        let payload = b"in place, no copy";
        let mut record = vec![0u8; e.prefix_len() + payload.len() + e.suffix_len()];
        record[5..5 + payload.len()].copy_from_slice(payload);
        e.seal_in_place(
            ContentType::ApplicationData,
            ProtocolVersion::TLSv1_2,
            &mut record,
        )
        .unwrap();
        let mut oracle = Peer::test(alg, key_len);
        assert_eq!(oracle.open(&record), Some((payload.to_vec(), 23, 0)));
        // Same bytes as seal_to at the same sequence number.
        let mut e = encrypter(&p);
        let mut out = Vec::new();
        e.seal_to(
            ContentType::ApplicationData,
            ProtocolVersion::TLSv1_2,
            payload,
            &mut out,
        )
        .unwrap();
        assert_eq!(out, record);
        // Too short to hold the suffix: refused, nothing sealed.
        let mut e = encrypter(&p);
        assert_eq!(
            e.seal_in_place(
                ContentType::ApplicationData,
                ProtocolVersion::TLSv1_2,
                &mut [0; 21]
            ),
            Err(RecordError::SealFailed)
        );
    }
}

#[test]
fn rfc8446_5_4_padding_goes_inside_the_encryption() {
    for (alg, key_len) in AEADS {
        for padding in [0usize, 1, 17, 255, 1000, MAX_PLAINTEXT_LEN - 4] {
            let p = Peer::test(alg, key_len);
            let mut e = encrypter(&p);
            let mut out = Vec::new();
            e.seal_padded_to(ContentType::ApplicationData, b"abcd", padding, &mut out)
                .unwrap();
            assert_eq!(out.len(), 5 + 4 + 1 + padding + 16);
            let mut oracle = Peer::test(alg, key_len);
            assert_eq!(oracle.open(&out), Some((b"abcd".to_vec(), 23, padding)));
            let mut d = decrypter(&p);
            assert_eq!(
                open(&mut d, &out).unwrap(),
                (ContentType::ApplicationData, b"abcd".to_vec())
            );
        }
        // Content and padding may not exceed 2^14 together (RFC 8446 5.4).
        let p = Peer::test(alg, key_len);
        let mut e = encrypter(&p);
        let mut out = vec![1, 2];
        let err = e
            .seal_padded_to(
                ContentType::ApplicationData,
                b"abcd",
                MAX_PLAINTEXT_LEN - 3,
                &mut out,
            )
            .unwrap_err();
        assert!(matches!(err, RecordError::RecordOverflow { .. }), "{err:?}");
        assert_eq!(out, [1, 2], "nothing appended");
        assert_eq!(e.sequence_number(), 0);
    }
}

#[test]
fn rfc8446_5_1_content_over_2_14_is_refused() {
    let p = Peer::test(AeadAlgorithm::Aes128Gcm, 16);
    let mut e = encrypter(&p);
    let mut out = Vec::new();
    assert!(matches!(
        e.seal_to(
            ContentType::ApplicationData,
            ProtocolVersion::TLSv1_2,
            &vec![0; MAX_PLAINTEXT_LEN + 1],
            &mut out
        ),
        Err(RecordError::RecordOverflow { .. })
    ));
    assert!(out.is_empty());
    e.seal_to(
        ContentType::ApplicationData,
        ProtocolVersion::TLSv1_2,
        &vec![0; MAX_PLAINTEXT_LEN],
        &mut out,
    )
    .unwrap();
    assert_eq!(out.len(), 5 + MAX_PLAINTEXT_LEN + 17);
}

#[test]
fn rfc8446_5_protected_change_cipher_spec_is_never_sealed() {
    let p = Peer::test(AeadAlgorithm::Aes128Gcm, 16);
    let mut e = encrypter(&p);
    let mut out = Vec::new();
    assert_eq!(
        e.seal_to(
            ContentType::ChangeCipherSpec,
            ProtocolVersion::TLSv1_2,
            &[1],
            &mut out
        ),
        Err(RecordError::ProtectionMismatch)
    );
    assert!(out.is_empty());
}

#[test]
fn rfc8446_5_2_writer_fragments_at_2_14_and_appends_the_inner_type() {
    for (alg, key_len) in AEADS {
        let p = Peer::test(alg, key_len);
        let mut w = RecordWriter::new();
        w.install_encrypter(encrypter(&p));
        let payload: Vec<u8> = (0..2 * MAX_PLAINTEXT_LEN + 5).map(|i| i as u8).collect();
        let mut wire = Vec::new();
        w.write(ContentType::Handshake, &payload, &mut wire)
            .unwrap();
        assert!(wire.len() <= w.max_output_len(payload.len()));
        let records = split_records(&wire);
        assert_eq!(records.len(), 3);
        let mut oracle = Peer::test(alg, key_len);
        let mut joined = Vec::new();
        for (record, len) in records
            .iter()
            .zip([MAX_PLAINTEXT_LEN, MAX_PLAINTEXT_LEN, 5])
        {
            assert_eq!(record[..3], [23, 3, 3]);
            let (content, typ, padding) = oracle.open(record).unwrap();
            assert_eq!((content.len(), typ, padding), (len, 22, 0));
            joined.extend(content);
        }
        assert_eq!(joined, payload);
        // A smaller maximum fragment length applies to the content.
        let mut w = RecordWriter::new();
        w.install_encrypter(encrypter(&p));
        w.set_max_fragment_len(512);
        let mut wire = Vec::new();
        w.write(ContentType::ApplicationData, &[3; 1500], &mut wire)
            .unwrap();
        assert_eq!(split_records(&wire).len(), 3);
    }
}

#[test]
fn rfc8446_d_4_change_cipher_spec_goes_out_in_plaintext_after_keys() {
    let p = Peer::test(AeadAlgorithm::Aes128Gcm, 16);
    let mut w = RecordWriter::new();
    w.install_encrypter(encrypter(&p));
    let mut wire = Vec::new();
    w.write(ContentType::ChangeCipherSpec, &[1], &mut wire)
        .unwrap();
    assert_eq!(wire, [20, 3, 3, 0, 1, 1]);
    // It took no sequence number: the next protected record is the first.
    w.write(ContentType::Handshake, &hs(20, &[0; 32]), &mut wire)
        .unwrap();
    let mut oracle = Peer::test(AeadAlgorithm::Aes128Gcm, 16);
    assert_eq!(oracle.open(&wire[6..]).unwrap().1, 22);
    assert_eq!(w.encrypter_mut().unwrap().sequence_number(), 1);
}

/// Seals with our writer and reads back with our reader, every AEAD, several padding sizes.
#[test]
fn rfc8446_5_round_trip_through_writer_and_reader() {
    for provider in compiled_in() {
        for (alg, key_len) in AEADS {
            for padding in [0usize, 1, 100, 10_000] {
                round_trip(
                    provider,
                    alg,
                    key_len,
                    &[b"x".as_slice(), &[0; 100], &[0xab; 16000]],
                    padding,
                );
            }
        }
    }
}

fn round_trip(
    provider: &CryptoProvider,
    alg: AeadAlgorithm,
    key_len: usize,
    payloads: &[&[u8]],
    padding: usize,
) {
    let key = vec![0x5a; key_len];
    let iv = [0xc3; 12];
    let mut e = RecordEncrypter::tls13(provider, alg, &key, &iv).unwrap();
    let mut wire = Vec::new();
    for payload in payloads {
        let pad = padding.min(MAX_PLAINTEXT_LEN - payload.len());
        e.seal_padded_to(ContentType::ApplicationData, payload, pad, &mut wire)
            .unwrap();
    }
    let mut r = RecordReader::new();
    r.install_tls13_decrypter(RecordDecrypter::tls13(provider, alg, &key, &iv).unwrap())
        .unwrap();
    let mut got = Vec::new();
    let mut rest = &wire[..];
    while !rest.is_empty() {
        let n = r.push(rest);
        rest = &rest[n..];
        while let Some(ev) = r.next_event().unwrap() {
            match ev {
                Inbound::ApplicationData(d) => got.push(d.to_vec()),
                other => panic!("{other:?}"),
            }
        }
    }
    let want: Vec<Vec<u8>> = payloads
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.to_vec())
        .collect();
    assert_eq!(got, want, "{alg:?} padding {padding}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn rfc8446_5_round_trip_any_length_and_padding(
        alg in 0usize..3,
        lens in proptest::collection::vec(0usize..=MAX_PLAINTEXT_LEN, 1..4),
        padding in 0usize..=MAX_PLAINTEXT_LEN,
    ) {
        let (alg, key_len) = AEADS[alg];
        let payloads: Vec<Vec<u8>> = lens.iter().map(|&n| (0..n).map(|i| (i * 7) as u8).collect()).collect();
        let refs: Vec<&[u8]> = payloads.iter().map(|p| p.as_slice()).collect();
        round_trip(default_provider(), alg, key_len, &refs, padding);
    }
}

/// RFC 8448 section 3 (TLS_AES_128_GCM_SHA256): the RFC's traffic keys and IVs and its
/// protected records, read from `tests/vectors/rfc8448-3-records.txt` (a copy of the RFC's
/// text): `(step, label)` -> bytes.
struct Trace(HashMap<(String, String), Vec<u8>>);

impl Trace {
    fn load() -> Self {
        let path = format!(
            "{}/tests/vectors/rfc8448-3-records.txt",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let mut values = HashMap::new();
        let mut step = String::new();
        let mut current: Option<(String, usize, Vec<u8>)> = None;
        let mut finish = |step: &str, current: &mut Option<(String, usize, Vec<u8>)>| {
            if let Some((label, len, bytes)) = current.take() {
                assert_eq!(bytes.len(), len, "{step} / {label}: length");
                values.insert((step.to_string(), label), bytes);
            }
        };
        for line in text.lines().map(str::trim).filter(|l| !l.starts_with('#')) {
            if line.starts_with('{') {
                finish(&step, &mut current);
                step = line.trim_end_matches(':').to_string();
            } else if let Some((head, hex)) = line.split_once(" octets):") {
                finish(&step, &mut current);
                let (label, len) = head.rsplit_once(" (").unwrap();
                current = Some((label.to_string(), len.parse().unwrap(), unhex(hex)));
            } else if line.is_empty() {
                finish(&step, &mut current);
            } else if let Some((_, _, bytes)) = &mut current {
                bytes.extend(unhex(line));
            }
        }
        finish(&step, &mut current);
        Trace(values)
    }

    fn get(&self, step: &str, label: &str) -> Vec<u8> {
        self.0
            .get(&(format!("{{{step}"), label.to_string()))
            .unwrap_or_else(|| panic!("no {step} / {label}"))
            .clone()
    }

    /// Our encrypter and decrypter for the keys of `step`.
    fn keys(&self, step: &str) -> (RecordEncrypter, RecordDecrypter) {
        let (key, iv) = (
            self.get(step, "key expanded"),
            self.get(step, "iv expanded"),
        );
        let p = default_provider();
        (
            RecordEncrypter::tls13(p, AeadAlgorithm::Aes128Gcm, &key, &iv).unwrap(),
            RecordDecrypter::tls13(p, AeadAlgorithm::Aes128Gcm, &key, &iv).unwrap(),
        )
    }
}

fn unhex(text: &str) -> Vec<u8> {
    text.split_whitespace()
        .map(|w| u8::from_str_radix(w, 16).unwrap())
        .collect()
}

const S_HS: &str = "server}  derive write traffic keys for handshake data";
const C_HS: &str = "server}  derive read traffic keys for handshake data";
const S_AP: &str = "server}  derive write traffic keys for application data";
const C_AP: &str = "client}  derive write traffic keys for application data";

fn seal(e: &mut RecordEncrypter, typ: ContentType, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    e.seal_to(typ, ProtocolVersion::TLSv1_2, payload, &mut out)
        .unwrap();
    out
}

#[test]
fn rfc8448_3_client_records_are_sealed_byte_for_byte() {
    let tr = Trace::load();
    let (mut e, _) = tr.keys(C_HS);
    let finished = tr.get(
        "client}  construct a Finished handshake message",
        "Finished",
    );
    assert_eq!(
        seal(&mut e, ContentType::Handshake, &finished),
        tr.get("client}  send handshake record", "complete record")
    );
    let (mut e, _) = tr.keys(C_AP);
    let step = "client}  send application_data record";
    assert_eq!(
        seal(
            &mut e,
            ContentType::ApplicationData,
            &tr.get(step, "payload")
        ),
        tr.get(step, "complete record")
    );
    let step = "client}  send alert record";
    assert_eq!(
        seal(&mut e, ContentType::Alert, &tr.get(step, "payload")),
        tr.get(step, "complete record")
    );
}

#[test]
fn rfc8448_3_server_records_open_and_reseal_byte_for_byte() {
    let tr = Trace::load();
    // The encrypted flight: EncryptedExtensions, Certificate, CertificateVerify, Finished in
    // one record under the server handshake key, sequence number 0.
    let (mut e, mut d) = tr.keys(S_HS);
    let record = tr.get("server}  send handshake record", "complete record");
    let (typ, flight) = open(&mut d, &record).unwrap();
    assert_eq!(typ, ContentType::Handshake);
    let mut types = Vec::new();
    let mut rest = &flight[..];
    while !rest.is_empty() {
        let len = 4 + u32::from_be_bytes([0, rest[1], rest[2], rest[3]]) as usize;
        types.push(rest[0]);
        if rest[0] == 20 {
            let verify_data = tr.get("server}  calculate finished \"tls13 finished\"", "finished");
            assert_eq!(rest[4..len], verify_data);
        }
        rest = &rest[len..];
    }
    assert_eq!(types, [8, 11, 15, 20]);
    assert_eq!(seal(&mut e, ContentType::Handshake, &flight), record);

    // Under the server application key: the ticket (0), the data (1), the alert (2).
    let (mut e, mut d) = tr.keys(S_AP);
    let nst = tr.get(
        "server}  send handshake record (the NewSessionTicket)",
        "complete record",
    );
    let (typ, ticket) = open(&mut d, &nst).unwrap();
    assert_eq!(
        (typ, ticket[0], ticket.len()),
        (ContentType::Handshake, 4, 205)
    );
    assert_eq!(seal(&mut e, ContentType::Handshake, &ticket), nst);
    let step = "server}  send application_data record";
    let data = tr.get(step, "complete record");
    assert_eq!(
        open(&mut d, &data).unwrap(),
        (ContentType::ApplicationData, tr.get(step, "payload"))
    );
    assert_eq!(
        seal(
            &mut e,
            ContentType::ApplicationData,
            &tr.get(step, "payload")
        ),
        data
    );
    let step = "server}  send alert record";
    let alert = tr.get(step, "complete record");
    assert_eq!(
        open(&mut d, &alert).unwrap(),
        (ContentType::Alert, tr.get(step, "payload"))
    );
    assert_eq!(
        seal(&mut e, ContentType::Alert, &tr.get(step, "payload")),
        alert
    );
}

#[test]
fn rfc8448_3_client_records_through_the_reader() {
    let tr = Trace::load();
    let mut r = RecordReader::new();
    r.set_tls13(true);
    r.install_tls13_decrypter(tr.keys(C_HS).1).unwrap();
    r.push(&tr.get("client}  send handshake record", "complete record"));
    let finished = tr.get(
        "client}  construct a Finished handshake message",
        "Finished",
    );
    assert_eq!(r.next_event(), Ok(Some(Inbound::Handshake(&finished[..]))));
    assert_eq!(r.next_event(), Ok(None));
    assert!(!r.handshake_pending());
    r.install_tls13_decrypter(tr.keys(C_AP).1).unwrap();
    let mut wire = tr.get("client}  send application_data record", "complete record");
    wire.extend(tr.get("client}  send alert record", "complete record"));
    r.push(&wire);
    let data = tr.get("client}  send application_data record", "payload");
    assert_eq!(
        r.next_event(),
        Ok(Some(Inbound::ApplicationData(&data[..])))
    );
    match r.next_event() {
        Ok(Some(Inbound::Alert(a))) => assert_eq!(a.description.to_u8(), 0),
        other => panic!("{other:?}"),
    }
}
