//! Seal + open of 16 KiB records through the record layer, beside the raw AEAD crate on the
//! same buffer (issue 4: the record layer should reach at least 95% of raw throughput).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use aes_gcm::aead::{AeadInOut, KeyInit};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mtls_crypto::aead::AeadAlgorithm;
use mtls_record::{RecordDecrypter, RecordEncrypter};
use mtls_wire::{ContentType, ProtocolVersion};
use std::hint::black_box;

const LEN: usize = 16 * 1024;

fn record_layer(c: &mut Criterion, name: &str, alg: AeadAlgorithm, key: &[u8], iv: &[u8]) {
    let mut enc = RecordEncrypter::new(alg, key, iv).unwrap();
    let mut dec = RecordDecrypter::new(alg, key, iv).unwrap();
    let prefix = enc.prefix_len();
    let mut record = vec![0x5au8; prefix + LEN + enc.suffix_len()];
    let mut g = c.benchmark_group(format!("seal_open_16k/{name}"));
    g.throughput(Throughput::Bytes(LEN as u64));
    g.bench_function("mtls-record", |b| {
        b.iter(|| {
            enc.seal_in_place(
                ContentType::ApplicationData,
                ProtocolVersion::TLSv1_2,
                &mut record,
            )
            .unwrap();
            let frag = &mut record[5..];
            let range = dec
                .open_in_place(ContentType::ApplicationData, ProtocolVersion::TLSv1_2, frag)
                .unwrap();
            black_box(range);
        })
    });
    g.finish();
}

fn raw<A: AeadInOut + KeyInit>(c: &mut Criterion, name: &str, key: &[u8]) {
    let cipher = A::new_from_slice(key).unwrap();
    let mut buf = vec![0x5au8; LEN];
    let nonce = aes_gcm::aead::Nonce::<A>::try_from(&[7u8; 12][..]).unwrap();
    let aad = [0u8; 13];
    let mut g = c.benchmark_group(format!("seal_open_16k/{name}"));
    g.throughput(Throughput::Bytes(LEN as u64));
    g.bench_function("raw-aead", |b| {
        b.iter(|| {
            let tag = cipher
                .encrypt_inout_detached(&nonce, &aad, buf.as_mut_slice().into())
                .unwrap();
            cipher
                .decrypt_inout_detached(&nonce, &aad, buf.as_mut_slice().into(), &tag)
                .unwrap();
            black_box(&buf);
        })
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    record_layer(c, "aes128gcm", AeadAlgorithm::Aes128Gcm, &[1; 16], &[2; 4]);
    raw::<aes_gcm::Aes128Gcm>(c, "aes128gcm", &[1; 16]);
    record_layer(c, "aes256gcm", AeadAlgorithm::Aes256Gcm, &[1; 32], &[2; 4]);
    raw::<aes_gcm::Aes256Gcm>(c, "aes256gcm", &[1; 32]);
    record_layer(
        c,
        "chacha20poly1305",
        AeadAlgorithm::ChaCha20Poly1305,
        &[1; 32],
        &[2; 12],
    );
    raw::<chacha20poly1305::ChaCha20Poly1305>(c, "chacha20poly1305", &[1; 32]);
}

criterion_group!(record, benches);
criterion_main!(record);
