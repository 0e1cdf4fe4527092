//! Differential tests: random inputs through every pair of providers compiled in
//! (`mtls_crypto::provider::compiled_in`; with the `aws-lc` feature, RustCrypto against
//! AWS-LC). What one seals the other opens, to the same bytes; the same generator output
//! gives the same key shares and the shares agree across providers; what one signs the other
//! verifies. Without the feature each provider is checked against itself.

use mtls_crypto::aead::AeadAlgorithm;
use mtls_crypto::kx::{ActiveKeyExchange, NamedGroup};
use mtls_crypto::provider::{CryptoProvider, compiled_in};
use mtls_crypto::signature::{SignatureAlgorithm, SigningKey};
use mtls_crypto::{DeterministicRng, Error, HashAlgorithm};
use proptest::prelude::*;

const RSA_PK8: &[u8] = include_bytes!("../vectors/rsa2048.pk8.der");
const P256_PK8: &[u8] = include_bytes!("../vectors/p256.pk8.der");
const P384_PK8: &[u8] = include_bytes!("../vectors/p384.pk8.der");

fn pairs() -> impl Iterator<Item = (&'static CryptoProvider, &'static CryptoProvider)> {
    compiled_in()
        .iter()
        .flat_map(|a| compiled_in().iter().map(move |b| (*a, *b)))
}

fn aead_alg() -> impl Strategy<Value = AeadAlgorithm> {
    prop_oneof![
        Just(AeadAlgorithm::Aes128Gcm),
        Just(AeadAlgorithm::Aes256Gcm),
        Just(AeadAlgorithm::ChaCha20Poly1305),
    ]
}

fn group() -> impl Strategy<Value = NamedGroup> {
    prop_oneof![
        Just(NamedGroup::X25519),
        Just(NamedGroup::Secp256r1),
        Just(NamedGroup::Secp384r1),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Seal with one provider (in place and out of place), open with the other; a flipped
    /// bit fails on both, and leaves zeros.
    #[test]
    fn aead_seals_open_across_providers(
        alg in aead_alg(),
        key in proptest::collection::vec(any::<u8>(), 32),
        nonce in any::<[u8; 12]>(),
        aad in proptest::collection::vec(any::<u8>(), 0..32),
        plaintext in proptest::collection::vec(any::<u8>(), 0..2048),
        flip in any::<prop::sample::Index>(),
    ) {
        let key = &key[..alg.key_len()];
        for (a, b) in pairs() {
            let sealer = a.aead_key(alg, key).unwrap();
            let opener = b.aead_key(alg, key).unwrap();
            let mut in_place = plaintext.clone();
            let tag = sealer.seal_in_place_detached(&nonce, &aad, &mut in_place).unwrap();
            let mut out = vec![0u8; plaintext.len()];
            let tag_to = sealer.seal_detached_to(&nonce, &aad, &plaintext, &mut out).unwrap();
            prop_assert_eq!(&in_place, &out);
            prop_assert_eq!(tag, tag_to);
            // Deterministic AEADs: both providers give the same ciphertext.
            let mut theirs = plaintext.clone();
            let their_tag = opener.seal_in_place_detached(&nonce, &aad, &mut theirs).unwrap();
            prop_assert_eq!(&theirs, &in_place, "{} vs {}", a.name, b.name);
            prop_assert_eq!(their_tag, tag);

            let mut record = in_place.clone();
            record.extend_from_slice(&tag);
            let mut good = record.clone();
            prop_assert_eq!(opener.open_in_place(&nonce, &aad, &mut good).unwrap(), &plaintext[..]);
            let i = flip.index(record.len());
            let mut bad = record.clone();
            bad[i] ^= 0x01;
            prop_assert_eq!(opener.open_in_place(&nonce, &aad, &mut bad), Err(Error::DecryptFailed));
            prop_assert!(bad[..plaintext.len()].iter().all(|&x| x == 0));
        }
    }

    /// The same generator output gives the same key share under every provider, and shares
    /// made by one agree with shares made by the other.
    #[test]
    fn ecdh_agrees_across_providers(
        group in group(),
        seed_a in any::<[u8; 32]>(),
        seed_b in any::<[u8; 32]>(),
    ) {
        for (a, b) in pairs() {
            let ours = a.start_key_exchange(group, &mut DeterministicRng::from_seed(seed_a)).unwrap();
            let same = b.start_key_exchange(group, &mut DeterministicRng::from_seed(seed_a)).unwrap();
            prop_assert_eq!(ours.public_key(), same.public_key(), "{} vs {}", a.name, b.name);
            let theirs = b.start_key_exchange(group, &mut DeterministicRng::from_seed(seed_b)).unwrap();
            let (our_pub, their_pub) = (ours.public_key().to_vec(), theirs.public_key().to_vec());
            let z_ours = ours.complete(&their_pub).unwrap();
            let z_theirs = theirs.complete(&our_pub).unwrap();
            prop_assert_eq!(z_ours.expose(), z_theirs.expose());
        }
    }

    /// Hashes and HMACs of random data agree.
    #[test]
    fn hashes_agree_across_providers(
        key in proptest::collection::vec(any::<u8>(), 0..200),
        data in proptest::collection::vec(any::<u8>(), 0..1024),
    ) {
        for (a, b) in pairs() {
            for alg in [HashAlgorithm::Sha256, HashAlgorithm::Sha384] {
                prop_assert_eq!(a.digest(alg, &data), b.digest(alg, &data));
                prop_assert_eq!(a.mac(alg, &key, &data), b.mac(alg, &key, &data));
            }
        }
    }
}

proptest! {
    // RustCrypto's RSA-2048 signing takes about 1.5 ms.
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Sign with one provider, verify with the other, for every scheme of RSA, P-256 and
    /// P-384 keys; a changed message fails.
    #[test]
    fn signatures_verify_across_providers(
        message in proptest::collection::vec(any::<u8>(), 0..512),
        seed in any::<[u8; 32]>(),
    ) {
        for der in [RSA_PK8, P256_PK8, P384_PK8] {
            let key = SigningKey::from_der(der).unwrap();
            let public = key.verifying_key();
            for (a, b) in pairs() {
                for &scheme in key.schemes() {
                    let mut rng = DeterministicRng::from_seed(seed);
                    let sig = key.sign_with(a, scheme, &message, &mut rng).unwrap();
                    prop_assert_eq!(
                        public.verify_with(b, scheme, &message, &sig),
                        Ok(()),
                        "{:?} signed by {}, verified by {}", scheme, a.name, b.name
                    );
                    let mut other = message.clone();
                    other.push(1);
                    prop_assert_eq!(
                        public.verify_with(b, scheme, &other, &sig),
                        Err(Error::InvalidSignature)
                    );
                }
            }
        }
    }
}

/// The schemes AWS-LC does not sign (ECDSA with another curve's hash) still sign on every
/// provider, through RustCrypto.
#[test]
fn every_ecdsa_pairing_signs_on_every_provider() {
    for der in [P256_PK8, P384_PK8] {
        let key = SigningKey::from_der(der).unwrap();
        for p in compiled_in() {
            for scheme in [
                SignatureAlgorithm::EcdsaSecp256r1Sha256,
                SignatureAlgorithm::EcdsaSecp384r1Sha384,
                SignatureAlgorithm::EcdsaSecp521r1Sha512,
            ] {
                let sig = key
                    .sign_with(p, scheme, b"m", &mut DeterministicRng::from_seed([1; 32]))
                    .unwrap();
                key.verifying_key().verify(scheme, b"m", &sig).unwrap();
            }
        }
    }
}
