//! Cost of the key schedule a full TLS 1.2 handshake pays: one extended master secret, one key
//! block and two Finished verify_data (criterion).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use criterion::{Criterion, criterion_group, criterion_main};
use mtls_crypto::default_provider;
use mtls_crypto::hash::HashAlgorithm;
use mtls_prf::{KeyBlockLayout, Sender, extended_master_secret, key_block, verify_data};
use std::hint::black_box;

fn key_schedule(c: &mut Criterion) {
    for (name, alg, layout) in [
        (
            "sha256_aes128gcm",
            HashAlgorithm::Sha256,
            KeyBlockLayout::AES_128_GCM,
        ),
        (
            "sha384_aes256gcm",
            HashAlgorithm::Sha384,
            KeyBlockLayout::AES_256_GCM,
        ),
    ] {
        c.bench_function(&format!("key_schedule/{name}"), |b| {
            b.iter(|| {
                let p = default_provider();
                let ms = extended_master_secret(p, alg, black_box(&[7u8; 48]), &[1u8; 32]);
                let kb = key_block(p, alg, &ms, &[2u8; 32], &[3u8; 32], layout);
                let c = verify_data(p, alg, &ms, Sender::Client, &[4u8; 32]);
                let s = verify_data(p, alg, &ms, Sender::Server, &[5u8; 32]);
                black_box((kb.client_write.key()[0], c.as_bytes()[0], s.as_bytes()[0]))
            })
        });
    }
}

criterion_group!(benches, key_schedule);
criterion_main!(benches);
