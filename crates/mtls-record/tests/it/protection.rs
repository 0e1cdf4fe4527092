//! Record protection rules: RFC 5246 6.2.3.3 (AEAD), RFC 5288 (AES-GCM explicit nonce),
//! RFC 7905 (ChaCha20-Poly1305 nonce), RFC 5246 6.1 (sequence numbers).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use mtls_crypto::aead::AeadAlgorithm;
use mtls_record::{
    Inbound, MAX_PLAINTEXT_LEN, RecordDecrypter, RecordEncrypter, RecordError, RecordReader,
    RecordWriter,
};
use mtls_wire::{ContentType, ProtocolVersion};

const SUITES: [(AeadAlgorithm, usize, usize); 3] = [
    (AeadAlgorithm::Aes128Gcm, 16, 4),
    (AeadAlgorithm::Aes256Gcm, 32, 4),
    (AeadAlgorithm::ChaCha20Poly1305, 32, 12),
];

fn pair(alg: AeadAlgorithm, key_len: usize, iv_len: usize) -> (RecordWriter, RecordReader) {
    let key = vec![0x3c; key_len];
    let iv = vec![0xa5; iv_len];
    let mut w = RecordWriter::new();
    w.install_encrypter(RecordEncrypter::new(alg, &key, &iv).unwrap());
    let mut r = RecordReader::new();
    r.install_decrypter(RecordDecrypter::new(alg, &key, &iv).unwrap());
    (w, r)
}

fn read_all(r: &mut RecordReader, mut wire: &[u8]) -> Result<Vec<Vec<u8>>, RecordError> {
    let mut out = Vec::new();
    loop {
        let n = r.push(wire);
        wire = &wire[n..];
        loop {
            match r.next_event()? {
                Some(Inbound::ApplicationData(d)) => out.push(d.to_vec()),
                Some(other) => panic!("unexpected event {other:?}"),
                None => break,
            }
        }
        if wire.is_empty() {
            return Ok(out);
        }
    }
}

fn one_record(w: &mut RecordWriter, payload: &[u8]) -> Vec<u8> {
    let mut wire = Vec::new();
    w.write(ContentType::ApplicationData, payload, &mut wire)
        .unwrap();
    wire
}

#[test]
fn rfc5246_6_2_3_3_seal_open_round_trip_over_many_sequence_numbers() {
    for (alg, k, iv) in SUITES {
        let (mut w, mut r) = pair(alg, k, iv);
        let mut wire = Vec::new();
        let payloads: Vec<Vec<u8>> = (0..1000u32)
            .map(|i| (0..(i % 97 + 1)).map(|j| (i + j) as u8).collect())
            .collect();
        for p in &payloads {
            w.write(ContentType::ApplicationData, p, &mut wire).unwrap();
        }
        assert_eq!(read_all(&mut r, &wire).unwrap(), payloads, "{alg:?}");
    }
}

#[test]
fn rfc5288_3_gcm_explicit_nonce_is_the_sequence_number() {
    for (alg, k, iv) in &SUITES[..2] {
        let (mut w, _) = pair(*alg, *k, *iv);
        for seq in 0u64..5 {
            let rec = one_record(&mut w, b"x");
            assert_eq!(rec[5..13], seq.to_be_bytes(), "{alg:?}");
            assert_eq!(rec.len(), 5 + 8 + 1 + 16);
        }
    }
}

#[test]
fn rfc7905_2_chacha_record_has_no_explicit_nonce() {
    let (mut w, _) = pair(SUITES[2].0, 32, 12);
    let rec = one_record(&mut w, b"x");
    assert_eq!(rec.len(), 5 + 1 + 16);
}

#[test]
fn rfc5246_6_2_3_3_any_bit_flip_in_nonce_ciphertext_or_tag_is_bad_record_mac() {
    for (alg, k, iv) in SUITES {
        let (mut w, _) = pair(alg, k, iv);
        let rec = one_record(&mut w, b"sixteen byte msg");
        for i in 5..rec.len() {
            for bit in 0..8 {
                let (_, mut r) = pair(alg, k, iv);
                let mut bad = rec.clone();
                bad[i] ^= 1 << bit;
                assert_eq!(
                    read_all(&mut r, &bad),
                    Err(RecordError::BadRecordMac),
                    "{alg:?} byte {i} bit {bit}"
                );
            }
        }
    }
}

#[test]
fn rfc5246_6_2_3_3_header_bit_flips_never_pass() {
    // The header is authenticated through the additional data: a flip that still frames as a
    // record fails the MAC; a flip that makes the header itself invalid is refused earlier.
    for (alg, k, iv) in SUITES {
        let (mut w, _) = pair(alg, k, iv);
        let rec = one_record(&mut w, b"sixteen byte msg");
        for i in 0..3 {
            for bit in 0..8 {
                let (_, mut r) = pair(alg, k, iv);
                let mut bad = rec.clone();
                bad[i] ^= 1 << bit;
                let err = read_all(&mut r, &bad).unwrap_err();
                let framing_refusal = matches!(
                    err,
                    RecordError::UnknownContentType(_) | RecordError::BadVersion(_)
                );
                assert!(
                    err == RecordError::BadRecordMac || framing_refusal,
                    "{alg:?} byte {i} bit {bit}: {err:?}"
                );
                if i == 2 {
                    // Minor version: still frames, so only the MAC can catch it.
                    assert_eq!(err, RecordError::BadRecordMac);
                }
            }
        }
        // Length bits: a record one byte shorter or longer than what was sealed.
        let mut d = RecordDecrypter::new(alg, &vec![0x3c; k], &vec![0xa5; iv]).unwrap();
        let mut frag = rec[5..rec.len() - 1].to_vec();
        assert_eq!(
            d.open_in_place(
                ContentType::ApplicationData,
                ProtocolVersion::TLSv1_2,
                &mut frag
            ),
            Err(RecordError::BadRecordMac)
        );
    }
}

#[test]
fn rfc5246_6_2_3_3_replayed_record_is_bad_record_mac() {
    for (alg, k, iv) in SUITES {
        let (mut w, mut r) = pair(alg, k, iv);
        let first = one_record(&mut w, b"pay me once");
        let mut wire = first.clone();
        wire.extend_from_slice(&first);
        let mut got = Vec::new();
        let err = loop {
            let n = r.push(&wire);
            wire.drain(..n);
            match r.next_event() {
                Ok(Some(Inbound::ApplicationData(d))) => got.push(d.to_vec()),
                Ok(_) => {}
                Err(e) => break e,
            }
        };
        assert_eq!(got, vec![b"pay me once".to_vec()]);
        assert_eq!(err, RecordError::BadRecordMac, "{alg:?}");
    }
}

#[test]
fn rfc5246_6_2_3_3_reordered_records_are_bad_record_mac() {
    for (alg, k, iv) in SUITES {
        let (mut w, mut r) = pair(alg, k, iv);
        let a = one_record(&mut w, b"first");
        let b = one_record(&mut w, b"second");
        let mut wire = b;
        wire.extend(a);
        assert_eq!(
            read_all(&mut r, &wire),
            Err(RecordError::BadRecordMac),
            "{alg:?}"
        );
    }
}

#[test]
fn rfc5246_6_2_3_3_dropped_record_is_bad_record_mac() {
    for (alg, k, iv) in SUITES {
        let (mut w, mut r) = pair(alg, k, iv);
        let _lost = one_record(&mut w, b"first");
        let b = one_record(&mut w, b"second");
        assert_eq!(
            read_all(&mut r, &b),
            Err(RecordError::BadRecordMac),
            "{alg:?}"
        );
    }
}

#[test]
fn rfc5246_6_2_3_fragment_decrypting_to_more_than_2_14_is_record_overflow() {
    for (alg, k, iv) in SUITES {
        let mut e = RecordEncrypter::new(alg, &vec![1; k], &vec![2; iv]).unwrap();
        // Build an oversized record by sealing in place: the encrypter refuses, as it must.
        let mut rec = vec![0u8; e.prefix_len() + MAX_PLAINTEXT_LEN + 1 + e.suffix_len()];
        assert!(matches!(
            e.seal_in_place(
                ContentType::ApplicationData,
                ProtocolVersion::TLSv1_2,
                &mut rec
            ),
            Err(RecordError::RecordOverflow { .. })
        ));
        // A peer's record of that size is refused by the reader, before any decryption.
        let mut d = RecordDecrypter::new(alg, &vec![1; k], &vec![2; iv]).unwrap();
        let frag = &mut rec[5..];
        assert!(matches!(
            d.open_in_place(ContentType::ApplicationData, ProtocolVersion::TLSv1_2, frag),
            Err(RecordError::RecordOverflow {
                len: 16385,
                max: 16384
            })
        ));
    }
}

#[test]
fn fragmentation_respects_the_maximum_fragment_length() {
    for (alg, k, iv) in SUITES {
        for max in [1usize, 100, 16384] {
            let (mut w, mut r) = pair(alg, k, iv);
            w.set_max_fragment_len(max);
            let payload: Vec<u8> = (0..40_000u32).map(|i| i as u8).collect();
            let mut wire = Vec::new();
            w.write(ContentType::ApplicationData, &payload, &mut wire)
                .unwrap();
            let got = read_all(&mut r, &wire).unwrap();
            assert!(got.iter().all(|g| g.len() <= max));
            assert_eq!(got.len(), payload.len().div_ceil(max));
            assert_eq!(got.concat(), payload);
        }
    }
}

#[test]
fn default_fragments_are_2_14_bytes() {
    let (mut w, mut r) = pair(SUITES[0].0, 16, 4);
    let payload = vec![9u8; 3 * 16384 + 5];
    let mut wire = Vec::new();
    w.write(ContentType::ApplicationData, &payload, &mut wire)
        .unwrap();
    let sizes: Vec<usize> = read_all(&mut r, &wire)
        .unwrap()
        .iter()
        .map(Vec::len)
        .collect();
    assert_eq!(sizes, vec![16384, 16384, 16384, 5]);
}

#[test]
fn key_of_wrong_length_is_refused() {
    assert!(RecordEncrypter::new(AeadAlgorithm::Aes128Gcm, &[0; 15], &[0; 4]).is_err());
    assert!(RecordEncrypter::new(AeadAlgorithm::Aes128Gcm, &[0; 16], &[0; 12]).is_err());
    assert!(RecordDecrypter::new(AeadAlgorithm::ChaCha20Poly1305, &[0; 32], &[0; 4]).is_err());
}

/// Records sealed on one crypto provider open on every other (mtls_crypto::provider::
/// compiled_in: RustCrypto, and AWS-LC with mtls-crypto's `aws-lc` feature), byte for byte
/// the same records: the nonce and additional data are the record layer's, the AEAD the
/// provider's. Sealed in place and out of place.
#[test]
fn records_cross_every_pair_of_crypto_providers() {
    use mtls_crypto::provider::compiled_in;
    for (alg, k, iv_len) in SUITES {
        let key = vec![0x3c; k];
        let iv = vec![0xa5; iv_len];
        let mut wires: Vec<Vec<u8>> = Vec::new();
        for &sealer in compiled_in() {
            for &opener in compiled_in() {
                let mut w = RecordWriter::new();
                w.install_encrypter(
                    RecordEncrypter::with_provider(sealer, alg, &key, &iv).unwrap(),
                );
                let mut r = RecordReader::new();
                r.install_decrypter(
                    RecordDecrypter::with_provider(opener, alg, &key, &iv).unwrap(),
                );
                let mut wire = one_record(&mut w, b"first record");
                wire.extend(one_record(&mut w, &[7u8; 3000]));
                // The zero-copy path: seal in place in a caller's buffer.
                let mut e = RecordEncrypter::with_provider(sealer, alg, &key, &iv).unwrap();
                let mut d = RecordDecrypter::with_provider(opener, alg, &key, &iv).unwrap();
                let mut record = vec![0u8; e.prefix_len() + 5 + e.suffix_len()];
                let p = e.prefix_len();
                record[p..p + 5].copy_from_slice(b"hello");
                e.seal_in_place(
                    ContentType::ApplicationData,
                    ProtocolVersion::TLSv1_2,
                    &mut record,
                )
                .unwrap();
                let range = d
                    .open_in_place(
                        ContentType::ApplicationData,
                        ProtocolVersion::TLSv1_2,
                        &mut record[5..],
                    )
                    .unwrap();
                assert_eq!(&record[5..][range], b"hello");
                let got = read_all(&mut r, &wire).unwrap();
                assert_eq!(got, vec![b"first record".to_vec(), vec![7u8; 3000]]);
                wires.push(wire);
            }
        }
        assert!(wires.windows(2).all(|w| w[0] == w[1]), "{alg:?}");
    }
}
