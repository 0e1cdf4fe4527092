//! Tampering with the captured openssl sessions is caught (RFC 5246 6.2.3.3): a flipped bit,
//! the other direction's keys, and swapped or dropped protected records all end in
//! bad_record_mac.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::captures::*;
use mtls_crypto::aead::AeadAlgorithm;
use mtls_prf::key_block;
use mtls_record::RecordError;
use mtls_wire::handshake::{HandshakeMessage, HandshakePayload, ParseContext};

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
