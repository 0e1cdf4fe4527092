//! Each primitive through this crate's API beside the raw RustCrypto call
//! doing the same work, to keep the wrapper's overhead visible (target: < 2%).
//!
//! Run: `cargo bench -p mtls-crypto --bench primitives -- --warm-up-time 1 --measurement-time 3`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mtls_crypto::aead::{AeadAlgorithm, AeadKey};
use mtls_crypto::kx::{ActiveKeyExchange, KeyExchange, NamedGroup};
use mtls_crypto::rsa_kx::{decrypt_premaster, encrypt_premaster};
use mtls_crypto::signature::{SignatureAlgorithm, SigningKey, VerifyingKey};
use mtls_crypto::{DeterministicRng, Hash, HashAlgorithm, Hmac, SecureRandom};

const RSA_PK8: &[u8] = include_bytes!("../tests/vectors/rsa2048.pk8.der");
const RSA_SPKI: &[u8] = include_bytes!("../tests/vectors/rsa2048.spki.der");
const P256_PK8: &[u8] = include_bytes!("../tests/vectors/p256.pk8.der");
const MSG: &[u8] = b"a ServerKeyExchange-sized message to sign: randoms and ECDH params ....";

fn rng() -> DeterministicRng {
    DeterministicRng::from_seed([1; 32])
}

fn aead(c: &mut Criterion) {
    use aes_gcm::aead::{AeadInOut as _, KeyInit as _};
    let nonce = [3u8; 12];
    let aad = [0x17u8, 3, 3, 0x40, 0];
    for (name, alg) in [
        ("aes128gcm_seal_16k", AeadAlgorithm::Aes128Gcm),
        ("chacha20poly1305_seal_16k", AeadAlgorithm::ChaCha20Poly1305),
    ] {
        let key_bytes = vec![0x42u8; alg.key_len()];
        let ours = AeadKey::new(alg, &key_bytes).unwrap();
        let mut buf = vec![0u8; 16384];
        let mut g = c.benchmark_group(name);
        g.throughput(Throughput::Bytes(16384));
        g.bench_function("ours", |b| {
            b.iter(|| {
                black_box(
                    ours.seal_in_place_detached(&nonce, &aad, black_box(&mut buf))
                        .unwrap(),
                )
            })
        });
        match alg {
            AeadAlgorithm::Aes128Gcm => {
                let raw = aes_gcm::Aes128Gcm::new_from_slice(&key_bytes).unwrap();
                g.bench_function("raw", |b| {
                    b.iter(|| {
                        black_box(
                            raw.encrypt_inout_detached(
                                (&nonce).into(),
                                &aad,
                                black_box(&mut buf[..]).into(),
                            )
                            .unwrap(),
                        )
                    })
                });
            }
            _ => {
                let raw = chacha20poly1305::ChaCha20Poly1305::new_from_slice(&key_bytes).unwrap();
                g.bench_function("raw", |b| {
                    b.iter(|| {
                        black_box(
                            raw.encrypt_inout_detached(
                                (&nonce).into(),
                                &aad,
                                black_box(&mut buf[..]).into(),
                            )
                            .unwrap(),
                        )
                    })
                });
            }
        }
        g.finish();
    }
}

fn kx(c: &mut Criterion) {
    use p256::elliptic_curve::sec1::ToSec1Point as _;
    // The peer's public values.
    let p256_peer = KeyExchange::start(NamedGroup::Secp256r1, &mut rng())
        .unwrap()
        .public_key()
        .to_vec();
    let x_peer = KeyExchange::start(NamedGroup::X25519, &mut rng())
        .unwrap()
        .public_key()
        .to_vec();

    // Full ephemeral exchange: keygen, encode our point, parse and check the
    // peer's, multiply.
    let mut g = c.benchmark_group("p256_ecdhe");
    let mut r = rng();
    g.bench_function("ours", |b| {
        b.iter(|| {
            let kx = KeyExchange::start(NamedGroup::Secp256r1, &mut r).unwrap();
            black_box(kx.public_key());
            black_box(kx.complete(black_box(&p256_peer)).unwrap())
        })
    });
    let mut r = rng();
    g.bench_function("raw", |b| {
        b.iter(|| {
            let mut bytes = [0u8; 32];
            r.fill(&mut bytes).unwrap();
            let sk = p256::SecretKey::from_bytes(&bytes.into()).unwrap();
            black_box(sk.public_key().to_sec1_point(false));
            let peer = p256::PublicKey::from_sec1_bytes(black_box(&p256_peer)).unwrap();
            black_box(p256::ecdh::diffie_hellman(
                sk.to_nonzero_scalar(),
                peer.as_affine(),
            ))
        })
    });
    g.finish();

    let mut g = c.benchmark_group("x25519_ecdhe");
    let mut r = rng();
    g.bench_function("ours", |b| {
        b.iter(|| {
            let kx = KeyExchange::start(NamedGroup::X25519, &mut r).unwrap();
            black_box(kx.public_key());
            black_box(kx.complete(black_box(&x_peer)).unwrap())
        })
    });
    let mut r = rng();
    let peer: [u8; 32] = x_peer.as_slice().try_into().unwrap();
    g.bench_function("raw", |b| {
        b.iter(|| {
            let mut bytes = [0u8; 32];
            r.fill(&mut bytes).unwrap();
            let sk = x25519_dalek::StaticSecret::from(bytes);
            black_box(x25519_dalek::PublicKey::from(&sk));
            let z = sk.diffie_hellman(&x25519_dalek::PublicKey::from(black_box(peer)));
            black_box(z.was_contributory());
            black_box(z)
        })
    });
    g.finish();
}

fn ecdsa(c: &mut Criterion) {
    use p256::ecdsa::signature::{Signer as _, Verifier as _};
    use p256::pkcs8::DecodePrivateKey as _;
    let ours = SigningKey::from_pkcs8_der(P256_PK8).unwrap();
    let ours_pub = ours.verifying_key();
    let raw = p256::ecdsa::SigningKey::from_pkcs8_der(P256_PK8).unwrap();
    let raw_pub = *raw.verifying_key();
    let scheme = SignatureAlgorithm::EcdsaSecp256r1Sha256;
    let sig = ours.sign(scheme, MSG, &mut rng()).unwrap();

    let mut g = c.benchmark_group("ecdsa_p256_sign");
    let mut r = rng();
    g.bench_function("ours", |b| {
        b.iter(|| black_box(ours.sign(scheme, black_box(MSG), &mut r).unwrap()))
    });
    g.bench_function("raw", |b| {
        b.iter(|| {
            let s: p256::ecdsa::DerSignature = raw.sign(black_box(MSG));
            black_box(s.as_bytes().to_vec())
        })
    });
    g.finish();

    let mut g = c.benchmark_group("ecdsa_p256_verify");
    g.bench_function("ours", |b| {
        b.iter(|| {
            ours_pub
                .verify(scheme, black_box(MSG), black_box(&sig))
                .unwrap()
        })
    });
    g.bench_function("raw", |b| {
        b.iter(|| {
            let s = p256::ecdsa::DerSignature::try_from(black_box(&sig[..])).unwrap();
            raw_pub.verify(black_box(MSG), &s).unwrap()
        })
    });
    g.finish();
}

fn rsa_sig(c: &mut Criterion) {
    use rsa::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _};
    let ours = SigningKey::from_pkcs8_der(RSA_PK8).unwrap();
    let ours_pub = VerifyingKey::from_spki_der(RSA_SPKI).unwrap();
    let raw = rsa::PrivateKey::from_pkcs8_der(RSA_PK8).unwrap();
    let raw_pub = rsa::PublicKey::from_public_key_der(RSA_SPKI).unwrap();

    for (name, scheme) in [
        ("rsa2048_pkcs1_sha256", SignatureAlgorithm::RsaPkcs1Sha256),
        ("rsa2048_pss_sha256", SignatureAlgorithm::RsaPssRsaeSha256),
    ] {
        let pss = scheme == SignatureAlgorithm::RsaPssRsaeSha256;
        let sig = ours.sign(scheme, MSG, &mut rng()).unwrap();
        let mut g = c.benchmark_group(format!("{name}_sign"));
        g.sample_size(20);
        let mut r = rng();
        g.bench_function("ours", |b| {
            b.iter(|| black_box(ours.sign(scheme, black_box(MSG), &mut r).unwrap()))
        });
        let mut r = rng();
        g.bench_function("raw", |b| {
            b.iter(|| {
                black_box(if pss {
                    raw.pss_sign_with_rng::<sha2::Sha256, _>(&mut r, black_box(MSG))
                        .unwrap()
                } else {
                    raw.pkcs1v15_sign_with_rng::<sha2::Sha256, _>(&mut r, black_box(MSG))
                        .unwrap()
                })
            })
        });
        g.finish();

        let mut g = c.benchmark_group(format!("{name}_verify"));
        g.bench_function("ours", |b| {
            b.iter(|| {
                ours_pub
                    .verify(scheme, black_box(MSG), black_box(&sig))
                    .unwrap()
            })
        });
        g.bench_function("raw", |b| {
            b.iter(|| {
                if pss {
                    raw_pub
                        .pss_verify::<sha2::Sha256>(black_box(MSG), black_box(&sig))
                        .unwrap()
                } else {
                    raw_pub
                        .pkcs1v15_verify::<sha2::Sha256>(black_box(MSG), black_box(&sig))
                        .unwrap()
                }
            })
        });
        g.finish();
    }

    // Static RSA: the server's premaster decryption. Ours adds drawing R and
    // the constant-time selection on top of the crate's decryption.
    let (_, ct) = encrypt_premaster(&mut rng(), ours_pub.as_rsa().unwrap(), [3, 3]).unwrap();
    let key = ours.as_rsa().unwrap();
    let mut g = c.benchmark_group("rsa2048_decrypt_premaster");
    g.sample_size(20);
    let mut r = rng();
    g.bench_function("ours", |b| {
        b.iter(|| black_box(decrypt_premaster(key, &mut r, [3, 3], black_box(&ct))))
    });
    let mut r = rng();
    g.bench_function("raw", |b| {
        b.iter(|| {
            black_box(
                raw.pkcs1v15_decrypt_with_rng(&mut r, black_box(&ct))
                    .unwrap(),
            )
        })
    });
    g.finish();
}

fn hash_hmac(c: &mut Criterion) {
    use hmac::{KeyInit as _, Mac as _};
    use sha2::Digest as _;
    let data = vec![0x61u8; 16384];
    let mut g = c.benchmark_group("sha256_16k");
    g.throughput(Throughput::Bytes(16384));
    g.bench_function("ours", |b| {
        b.iter(|| black_box(Hash::digest(HashAlgorithm::Sha256, black_box(&data))))
    });
    g.bench_function("raw", |b| {
        b.iter(|| black_box(sha2::Sha256::digest(black_box(&data))))
    });
    g.finish();

    // One PRF-sized HMAC: 32-byte key, 77-byte label+seed.
    let key = [0x0bu8; 32];
    let msg = [0x5au8; 77];
    let mut g = c.benchmark_group("hmac_sha256_77b");
    g.bench_function("ours", |b| {
        b.iter(|| {
            black_box(Hmac::mac(
                HashAlgorithm::Sha256,
                black_box(&key),
                black_box(&msg),
            ))
        })
    });
    g.bench_function("raw", |b| {
        b.iter(|| {
            let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(black_box(&key)).unwrap();
            m.update(black_box(&msg));
            black_box(m.finalize().into_bytes())
        })
    });
    g.finish();
}

criterion_group!(benches, aead, kx, ecdsa, rsa_sig, hash_hmac);
criterion_main!(benches);
