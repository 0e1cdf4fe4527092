//! Static RSA key exchange (RFC 5246 7.4.7.1): a valid premaster round-trips;
//! every malformed ciphertext yields exactly the 48 random bytes drawn first,
//! through the same function and return type.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use mtls_crypto::rsa_kx::{decrypt_premaster, encrypt_premaster};
use mtls_crypto::signature::{SigningKey, VerifyingKey};
use mtls_crypto::{DeterministicRng, Error, SecureRandom};
use rsa::pkcs8::DecodePublicKey as _;
use rsa::traits::PublicKeyParts as _;

const KEY: &[u8] = include_bytes!("../vectors/rsa2048.pk8.der");
const SPKI: &[u8] = include_bytes!("../vectors/rsa2048.spki.der");
const VERSION: [u8; 2] = [3, 3];
const K: usize = 256;

fn rng(seed: u8) -> DeterministicRng {
    DeterministicRng::from_seed([seed; 32])
}

/// The first 48 bytes the server's RNG will produce: the fallback R.
fn fallback(seed: u8) -> [u8; 48] {
    let mut r = [0u8; 48];
    rng(seed).fill(&mut r).unwrap();
    r
}

/// Raw RSA (m^e mod n) of a hand-built encryption block `em` (k bytes).
fn raw_encrypt(em: &[u8]) -> Vec<u8> {
    assert_eq!(em.len(), K);
    let pk = rsa::PublicKey::from_public_key_der(SPKI).unwrap();
    let m = rsa::BoxedUint::from_be_slice(em, pk.n_bits_precision()).unwrap();
    let c = rsa::hazmat::rsa_encrypt(&pk, &m).unwrap();
    let bytes = c.to_be_bytes();
    let mut out = vec![0u8; K - bytes.len().min(K)];
    out.extend_from_slice(&bytes[bytes.len().saturating_sub(K)..]);
    assert_eq!(out.len(), K);
    out
}

/// EME-PKCS1-v1_5 block (RFC 8017 7.2.1): 00 02 PS 00 M, PS nonzero.
fn block(message: &[u8]) -> Vec<u8> {
    let ps_len = K - 3 - message.len();
    let mut em = vec![0x00, 0x02];
    em.extend((0..ps_len).map(|i| (i % 250) as u8 + 1));
    em.push(0);
    em.extend_from_slice(message);
    em
}

fn pms_bytes() -> Vec<u8> {
    let mut m = vec![3, 3];
    m.extend((0..46).map(|i| 0xa0 ^ i as u8));
    m
}

fn server_key() -> SigningKey {
    SigningKey::from_pkcs8_der(KEY).unwrap()
}

/// RFC 5246 7.4.7.1 under every provider: the same code path (RustCrypto's implicit
/// rejection and the constant-time choice), so the same premaster for a valid ciphertext and
/// the same fallback for a malformed one, from the same generator output.
#[test]
fn every_provider_takes_the_same_premaster_path() {
    let server = server_key();
    let public = VerifyingKey::from_spki_der(SPKI).unwrap();
    let (pms, ct) = encrypt_premaster(&mut rng(1), public.as_rsa().unwrap(), VERSION).unwrap();
    let mut broken = ct.clone();
    broken[K / 2] ^= 1;
    for provider in mtls_crypto::provider::compiled_in() {
        let (theirs, their_ct) = provider
            .encrypt_premaster(&mut rng(1), public.as_rsa().unwrap(), VERSION)
            .unwrap();
        assert_eq!(theirs.expose(), pms.expose(), "{}", provider.name);
        let ours = decrypt_premaster(server.as_rsa().unwrap(), &mut rng(4), VERSION, &their_ct);
        assert_eq!(ours.expose(), pms.expose());
        for c in [&ct, &broken] {
            let expected = decrypt_premaster(server.as_rsa().unwrap(), &mut rng(2), VERSION, c);
            let got = provider.decrypt_premaster(server.as_rsa().unwrap(), &mut rng(2), VERSION, c);
            assert_eq!(got.expose(), expected.expose(), "{}", provider.name);
        }
    }
}

#[test]
fn valid_premaster_round_trips() {
    let server = server_key();
    let public = VerifyingKey::from_spki_der(SPKI).unwrap();
    let (pms, ct) = encrypt_premaster(&mut rng(1), public.as_rsa().unwrap(), VERSION).unwrap();
    assert_eq!(ct.len(), K);
    assert_eq!(&pms.expose()[..2], &VERSION);
    let got = decrypt_premaster(server.as_rsa().unwrap(), &mut rng(2), VERSION, &ct);
    assert_eq!(got.expose(), pms.expose());
    assert_ne!(got.expose(), &fallback(2));

    // And a hand-built valid block, to show the helpers are right.
    let ct = raw_encrypt(&block(&pms_bytes()));
    let got = decrypt_premaster(server.as_rsa().unwrap(), &mut rng(3), VERSION, &ct);
    assert_eq!(&got.expose()[..], &pms_bytes()[..]);
}

#[test]
fn every_malformed_class_gives_the_fallback() {
    let server = server_key();
    let key = server.as_rsa().unwrap();
    let valid = block(&pms_bytes());

    let mut cases: Vec<(&str, Vec<u8>)> = Vec::new();
    let mut em = valid.clone();
    em[1] = 0x01;
    cases.push(("block type 01 instead of 02", raw_encrypt(&em)));
    let mut em = valid.clone();
    em[0] = 0x01;
    cases.push(("first byte not 00", raw_encrypt(&em)));
    let mut em = valid.clone();
    em[5] = 0x00;
    cases.push((
        "zero byte inside the first 8 padding bytes",
        raw_encrypt(&em),
    ));
    let mut em = valid.clone();
    em[100] = 0x00;
    cases.push((
        "zero byte inside the padding (long message)",
        raw_encrypt(&em),
    ));
    let mut em = valid.clone();
    em[K - 49] = 0x55;
    for b in &mut em[K - 48..] {
        if *b == 0 {
            *b = 1;
        }
    }
    cases.push(("no separator", raw_encrypt(&em)));
    cases.push((
        "premaster of 47 bytes",
        raw_encrypt(&block(&pms_bytes()[..47])),
    ));
    let mut long = pms_bytes();
    long.push(0x77);
    cases.push(("premaster of 49 bytes", raw_encrypt(&block(&long))));
    cases.push(("premaster of 4 bytes", raw_encrypt(&block(&[3, 3, 1, 2]))));
    let mut wrong_version = pms_bytes();
    wrong_version[1] = 0x01;
    cases.push(("wrong version 03 01", raw_encrypt(&block(&wrong_version))));
    let mut swapped = pms_bytes();
    swapped[0] = 0x02;
    cases.push(("wrong major version", raw_encrypt(&block(&swapped))));
    let good_ct = raw_encrypt(&valid);
    cases.push(("ciphertext one byte short", good_ct[1..].to_vec()));
    let mut longer = good_ct.clone();
    longer.push(0);
    cases.push(("ciphertext one byte long", longer));
    cases.push(("ciphertext >= n", vec![0xff; K]));
    cases.push(("empty ciphertext", Vec::new()));
    let mut flipped = good_ct.clone();
    flipped[K / 2] ^= 0x10;
    cases.push(("random bit flip", flipped));

    for (i, (what, ct)) in cases.iter().enumerate() {
        let seed = 10 + i as u8;
        let pms: mtls_crypto::PreMasterSecret = decrypt_premaster(key, &mut rng(seed), VERSION, ct);
        assert_eq!(pms.expose(), &fallback(seed), "{what}");
    }
}

/// An RNG that always fails.
struct Broken;
impl SecureRandom for Broken {
    fn fill(&mut self, _: &mut [u8]) -> Result<(), Error> {
        Err(Error::RandomFailed)
    }
}

#[test]
fn broken_rng_still_gives_unpredictable_48_bytes() {
    let server = server_key();
    let key = server.as_rsa().unwrap();
    let ct = raw_encrypt(&block(&pms_bytes()));
    let a = decrypt_premaster(key, &mut Broken, VERSION, &ct);
    let b = decrypt_premaster(key, &mut Broken, VERSION, &ct);
    // Blinding could not run, so even a valid ciphertext is not accepted;
    // the fallback is derived from the ciphertext under a key secret.
    assert_eq!(a.expose(), b.expose());
    assert_ne!(&a.expose()[..], &pms_bytes()[..]);
    let other = decrypt_premaster(key, &mut Broken, VERSION, &ct[1..]);
    assert_ne!(a.expose(), other.expose());

    let public = VerifyingKey::from_spki_der(SPKI).unwrap();
    assert_eq!(
        encrypt_premaster(&mut Broken, public.as_rsa().unwrap(), VERSION).err(),
        Some(Error::RandomFailed)
    );
}
