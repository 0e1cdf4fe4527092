//! Key loading and sign/verify round trips for every scheme.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use mtls_crypto::provider::compiled_in;
use mtls_crypto::signature::{SignatureAlgorithm, Signer, SigningKey, Verifier, VerifyingKey};
use mtls_crypto::{DeterministicRng, Error, default_provider};

const RSA_PK8: &[u8] = include_bytes!("../vectors/rsa2048.pk8.der");
const RSA_PKCS1: &[u8] = include_bytes!("../vectors/rsa2048.pkcs1.der");
const RSA_SPKI: &[u8] = include_bytes!("../vectors/rsa2048.spki.der");
const RSA1024_PK8: &[u8] = include_bytes!("../vectors/rsa1024.pk8.der");
const RSA1024_SPKI: &[u8] = include_bytes!("../vectors/rsa1024.spki.der");
const P256_PK8: &[u8] = include_bytes!("../vectors/p256.pk8.der");
const P256_SEC1: &[u8] = include_bytes!("../vectors/p256.sec1.der");
const P256_SPKI: &[u8] = include_bytes!("../vectors/p256.spki.der");
const P384_PK8: &[u8] = include_bytes!("../vectors/p384.pk8.der");
const P384_SEC1: &[u8] = include_bytes!("../vectors/p384.sec1.der");
const P384_SPKI: &[u8] = include_bytes!("../vectors/p384.spki.der");

/// The ECDSA schemes (RFC 8446 4.2.3): DER signatures, RFC 6979 nonces.
fn is_ecdsa(scheme: SignatureAlgorithm) -> bool {
    matches!(
        scheme,
        SignatureAlgorithm::EcdsaSecp256r1Sha256
            | SignatureAlgorithm::EcdsaSecp384r1Sha384
            | SignatureAlgorithm::EcdsaSecp521r1Sha512
    )
}

fn rng() -> DeterministicRng {
    DeterministicRng::from_seed([42; 32])
}

#[test]
fn keys_load_in_every_form() {
    for der in [RSA_PK8, RSA_PKCS1] {
        let k = SigningKey::from_der(der).unwrap();
        assert!(k.as_rsa().is_some());
        assert_eq!(k.as_rsa().unwrap().modulus_len(), 256);
        assert_eq!(
            k.verifying_key(),
            VerifyingKey::from_spki_der(RSA_SPKI).unwrap()
        );
    }
    assert!(SigningKey::from_pkcs1_der(RSA_PKCS1).is_ok());
    assert!(SigningKey::from_pkcs8_der(RSA_PK8).is_ok());
    for der in [P256_PK8, P256_SEC1] {
        let k = SigningKey::from_der(der).unwrap();
        assert!(k.as_rsa().is_none());
        assert_eq!(
            k.verifying_key(),
            VerifyingKey::from_spki_der(P256_SPKI).unwrap()
        );
    }
    assert!(SigningKey::from_sec1_der(P256_SEC1).is_ok());
    assert!(SigningKey::from_pkcs8_der(P256_PK8).is_ok());
    // P-384 (secp384r1, RFC 5480 2.1.1.1) in PKCS#8 and SEC1, against its SPKI.
    let p384_public = VerifyingKey::from_spki_der(P384_SPKI).unwrap();
    for der in [P384_PK8, P384_SEC1] {
        let k = SigningKey::from_der(der).unwrap();
        assert!(k.as_rsa().is_none());
        assert_eq!(k.verifying_key(), p384_public);
        assert_ne!(
            k.verifying_key(),
            VerifyingKey::from_spki_der(P256_SPKI).unwrap()
        );
    }
    assert!(p384_public.as_rsa().is_none());
    assert_eq!(
        format!("{p384_public:?}"),
        "VerifyingKey(EcdsaP384)",
        "Debug names the curve, nothing more"
    );
    assert_eq!(
        SigningKey::from_sec1_der(P384_SEC1)
            .unwrap()
            .verifying_key(),
        p384_public
    );
    assert_eq!(
        SigningKey::from_pkcs8_der(P384_PK8)
            .unwrap()
            .verifying_key(),
        p384_public
    );
    assert_eq!(
        SigningKey::from_pkcs1_der(P384_SEC1).unwrap_err(),
        Error::InvalidKeyEncoding
    );
    assert_eq!(
        SigningKey::from_sec1_der(P384_PK8).unwrap_err(),
        Error::InvalidKeyEncoding
    );
    // Wrong form for the function.
    assert_eq!(
        SigningKey::from_sec1_der(RSA_PK8).unwrap_err(),
        Error::InvalidKeyEncoding
    );
    assert_eq!(
        SigningKey::from_pkcs1_der(P256_SEC1).unwrap_err(),
        Error::InvalidKeyEncoding
    );
    assert_eq!(
        SigningKey::from_der(b"not a key").unwrap_err(),
        Error::InvalidKeyEncoding
    );
    assert_eq!(
        VerifyingKey::from_spki_der(b"junk").unwrap_err(),
        Error::InvalidKeyEncoding
    );
    assert_eq!(
        VerifyingKey::from_spki_der(RSA_PK8).unwrap_err(),
        Error::InvalidKeyEncoding
    );
}

#[test]
fn rsa_1024_refused_for_signing_and_verifying() {
    assert_eq!(
        SigningKey::from_pkcs8_der(RSA1024_PK8).unwrap_err(),
        Error::KeyTooSmall
    );
    assert_eq!(
        SigningKey::from_der(RSA1024_PK8).unwrap_err(),
        Error::KeyTooSmall
    );
    assert_eq!(
        VerifyingKey::from_spki_der(RSA1024_SPKI).unwrap_err(),
        Error::KeyTooSmall
    );
    assert_eq!(
        Error::KeyTooSmall.alert().as_str(),
        "unsupported_certificate"
    );
}

#[test]
fn schemes_per_key() {
    let rsa = SigningKey::from_der(RSA_PK8).unwrap();
    let ec = SigningKey::from_der(P256_PK8).unwrap();
    assert_eq!(rsa.schemes().len(), 6);
    assert!(
        !rsa.schemes()
            .contains(&SignatureAlgorithm::EcdsaSecp256r1Sha256)
    );
    assert_eq!(
        ec.schemes(),
        &[
            SignatureAlgorithm::EcdsaSecp256r1Sha256,
            SignatureAlgorithm::EcdsaSecp384r1Sha384,
            SignatureAlgorithm::EcdsaSecp521r1Sha512,
        ]
    );
    assert_eq!(Verifier::schemes(&rsa.verifying_key()), rsa.schemes());
    // RFC 5246 7.4.1.4.1: a secp384r1 key signs with SHA-384 first (RFC 8446 4.2.3's
    // pairing), then SHA-256 and SHA-512; an ECDSA public key on either curve verifies every
    // ECDSA code point (TLS 1.2 ties the hash, not the curve).
    let ec384 = SigningKey::from_der(P384_PK8).unwrap();
    assert_eq!(
        ec384.schemes(),
        &[
            SignatureAlgorithm::EcdsaSecp384r1Sha384,
            SignatureAlgorithm::EcdsaSecp256r1Sha256,
            SignatureAlgorithm::EcdsaSecp521r1Sha512,
        ]
    );
    let all = [
        SignatureAlgorithm::EcdsaSecp256r1Sha256,
        SignatureAlgorithm::EcdsaSecp384r1Sha384,
        SignatureAlgorithm::EcdsaSecp521r1Sha512,
    ];
    assert_eq!(Verifier::schemes(&ec384.verifying_key()), &all);
    assert_eq!(Verifier::schemes(&ec.verifying_key()), &all);
    assert!(
        !rsa.schemes()
            .contains(&SignatureAlgorithm::EcdsaSecp384r1Sha384)
    );
}

/// Every scheme of every key signs and verifies on every provider compiled in, and
/// tampering fails on each.
#[test]
fn sign_verify_round_trip_every_scheme() {
    let msg = b"ServerKeyExchange params: client_random || server_random || ecdh";
    for provider in compiled_in() {
        for der in [RSA_PK8, P256_PK8, P384_PK8] {
            let key = SigningKey::from_der(der).unwrap();
            let public = key.verifying_key();
            for &scheme in key.schemes() {
                let sig = key.sign_with(provider, scheme, msg, &mut rng()).unwrap();
                public.verify_with(provider, scheme, msg, &sig).unwrap();
                // Tampering breaks it: message, signature, and scheme.
                assert_eq!(
                    public.verify_with(provider, scheme, b"other", &sig),
                    Err(Error::InvalidSignature)
                );
                let mut bad = sig.clone();
                let last = bad.len() - 1;
                bad[last] ^= 1;
                assert_eq!(
                    public.verify_with(provider, scheme, msg, &bad),
                    Err(Error::InvalidSignature),
                    "{scheme:?} on {}",
                    provider.name
                );
                for &other in public.schemes() {
                    if other != scheme {
                        assert_eq!(
                            public.verify_with(provider, other, msg, &sig),
                            Err(Error::InvalidSignature)
                        );
                    }
                }
                // Same seed, same bytes: PKCS#1 and RustCrypto's ECDSA (RFC 6979) are
                // deterministic, RustCrypto's PSS takes its salt from the injected RNG.
                // AWS-LC draws ECDSA nonces and PSS salts itself.
                let deterministic = provider.same(default_provider())
                    || matches!(
                        scheme,
                        SignatureAlgorithm::RsaPkcs1Sha256
                            | SignatureAlgorithm::RsaPkcs1Sha384
                            | SignatureAlgorithm::RsaPkcs1Sha512
                    );
                if deterministic {
                    assert_eq!(
                        key.sign_with(provider, scheme, msg, &mut rng()).unwrap(),
                        sig,
                        "{scheme:?}"
                    );
                }
                if is_ecdsa(scheme) {
                    assert_eq!(sig[0], 0x30, "DER SEQUENCE");
                } else {
                    assert_eq!(sig.len(), 256);
                }
            }
        }
    }
}

#[test]
fn scheme_key_mismatch() {
    let rsa = SigningKey::from_der(RSA_PK8).unwrap();
    let ec = SigningKey::from_der(P256_PK8).unwrap();
    assert_eq!(
        rsa.sign(SignatureAlgorithm::EcdsaSecp256r1Sha256, b"m", &mut rng())
            .unwrap_err(),
        Error::SchemeMismatch
    );
    assert_eq!(
        ec.sign(SignatureAlgorithm::RsaPssRsaeSha256, b"m", &mut rng())
            .unwrap_err(),
        Error::SchemeMismatch
    );
    assert_eq!(
        ec.verifying_key()
            .verify(SignatureAlgorithm::RsaPkcs1Sha256, b"m", &[0; 256]),
        Err(Error::SchemeMismatch)
    );
    // Any ECDSA hash on either curve (RFC 5246 7.4.1.4.1), but a signature is only its own
    // key's.
    let ec384 = SigningKey::from_der(P384_PK8).unwrap();
    let sig384 = ec384
        .sign(SignatureAlgorithm::EcdsaSecp384r1Sha384, b"m", &mut rng())
        .unwrap();
    // A P-384 signature checked with a P-256 key under 0x0503: the scheme is acceptable in
    // TLS 1.2, the signature is not this key's.
    assert_eq!(
        ec.verifying_key()
            .verify(SignatureAlgorithm::EcdsaSecp384r1Sha384, b"m", &sig384),
        Err(Error::InvalidSignature)
    );
    let sig256_by_384 = ec384
        .sign(SignatureAlgorithm::EcdsaSecp256r1Sha256, b"m", &mut rng())
        .unwrap();
    assert_eq!(
        ec.verifying_key().verify(
            SignatureAlgorithm::EcdsaSecp256r1Sha256,
            b"m",
            &sig256_by_384
        ),
        Err(Error::InvalidSignature)
    );
    for scheme in [
        SignatureAlgorithm::EcdsaSecp384r1Sha384,
        SignatureAlgorithm::EcdsaSecp521r1Sha512,
    ] {
        assert_eq!(
            rsa.sign(scheme, b"m", &mut rng()).unwrap_err(),
            Error::SchemeMismatch
        );
    }
    assert_eq!(Error::SchemeMismatch.alert().as_str(), "illegal_parameter");
    assert_eq!(Error::InvalidSignature.alert().as_str(), "decrypt_error");
}

/// RFC 8422 5.4: ECDSA signatures are a DER `Ecdsa-Sig-Value`, on both curves.
#[test]
fn ecdsa_refuses_non_der() {
    for (der, scheme, raw_len) in [
        (P256_PK8, SignatureAlgorithm::EcdsaSecp256r1Sha256, 64),
        (P384_PK8, SignatureAlgorithm::EcdsaSecp384r1Sha384, 96),
    ] {
        ecdsa_refuses_non_der_for(der, scheme, raw_len);
    }
}

fn ecdsa_refuses_non_der_for(der: &[u8], scheme: SignatureAlgorithm, raw_len: usize) {
    let ec = SigningKey::from_der(der).unwrap();
    let sig = ec.sign(scheme, b"m", &mut rng()).unwrap();
    let public = ec.verifying_key();
    // Trailing garbage.
    let mut trailing = sig.clone();
    trailing.push(0);
    assert_eq!(
        public.verify(scheme, b"m", &trailing),
        Err(Error::InvalidSignature)
    );
    // BER long-form length for the outer SEQUENCE (DER signatures on both curves are
    // under 128 bytes, so the short form is the only DER one).
    assert!(sig[1] < 0x80);
    let mut ber = vec![0x30, 0x81, sig[1]];
    ber.extend_from_slice(&sig[2..]);
    assert_eq!(
        public.verify(scheme, b"m", &ber),
        Err(Error::InvalidSignature)
    );
    // Raw r || s (P1363) is not DER.
    assert_eq!(
        public.verify(scheme, b"m", &vec![1u8; raw_len]),
        Err(Error::InvalidSignature)
    );
}

/// RFC 5246 7.4.8: a CertificateVerify signs the handshake messages with the scheme's hash. The
/// prehashed entry points (fed by a running `SignatureHasher`) must agree with the one-shot
/// ones in both directions, for every scheme.
#[test]
fn rfc5246_7_4_8_prehashed_signatures_match_the_one_shot_ones() {
    use mtls_crypto::signature::SignatureHasher;
    let message: Vec<u8> = (0..3000u32).map(|i| (i * 7) as u8).collect();
    for (key, spki) in [
        (RSA_PK8, RSA_SPKI),
        (P256_PK8, P256_SPKI),
        (P384_PK8, P384_SPKI),
    ] {
        let sk = SigningKey::from_der(key).unwrap();
        let vk = VerifyingKey::from_spki_der(spki).unwrap();
        for &scheme in sk.schemes() {
            // Fed in uneven pieces, as handshake messages arrive.
            let mut h = SignatureHasher::new(scheme.hash());
            for piece in message.chunks(211) {
                h.update(piece);
            }
            let prehash = h.finish();
            assert_eq!(prehash.len(), scheme.hash().output_len());

            let by_prehash = sk.sign_prehashed(scheme, &prehash, &mut rng()).unwrap();
            vk.verify(scheme, &message, &by_prehash).unwrap();
            let one_shot = sk.sign(scheme, &message, &mut rng()).unwrap();
            vk.verify_prehashed(scheme, &prehash, &one_shot).unwrap();
            if is_ecdsa(scheme) {
                // RFC 6979 nonces: the same digest gives the same signature.
                assert_eq!(by_prehash, one_shot);
            }

            // Another message, a tampered signature, a digest of the wrong length.
            let mut other = SignatureHasher::new(scheme.hash());
            other.update(b"another transcript");
            assert_eq!(
                vk.verify_prehashed(scheme, &other.finish(), &by_prehash),
                Err(Error::InvalidSignature)
            );
            let mut bad = by_prehash.clone();
            let last = bad.len() - 1;
            bad[last] ^= 1;
            assert_eq!(
                vk.verify_prehashed(scheme, &prehash, &bad),
                Err(Error::InvalidSignature)
            );
            assert_eq!(
                sk.sign_prehashed(scheme, &prehash[1..], &mut rng()),
                Err(Error::Internal)
            );
            assert_eq!(
                vk.verify_prehashed(scheme, &prehash[1..], &by_prehash),
                Err(Error::Internal)
            );
        }
    }
}

/// RFC 5246 7.4.1.4.1 with RFC 8446 4.2.3: in TLS 1.2 an ECDSA code point names the hash, not
/// the curve, and peers (OpenSSL) sign 0x0403 with P-384 keys and 0x0503 with P-256 keys.
/// Both verify, one-shot and prehashed; a tampered one still fails.
#[test]
fn rfc8446_4_2_3_tls12_ecdsa_verifies_either_hash_on_either_curve() {
    use mtls_crypto::signature::SignatureHasher;
    use p256::ecdsa::signature::hazmat::PrehashSigner as _;
    use p256::pkcs8::DecodePrivateKey as _;
    let msg = b"TLS 1.2 ServerKeyExchange";
    let digest = |scheme: SignatureAlgorithm| {
        let mut h = SignatureHasher::new(scheme.hash());
        h.update(msg);
        h.finish()
    };
    // P-384 key, SHA-256 digest (scheme 0x0403).
    let sha256 = SignatureAlgorithm::EcdsaSecp256r1Sha256;
    let k384: p384::ecdsa::SigningKey = p384::SecretKey::from_pkcs8_der(P384_PK8).unwrap().into();
    let sig: p384::ecdsa::DerSignature = k384.sign_prehash(&digest(sha256)).unwrap();
    let v384 = VerifyingKey::from_spki_der(P384_SPKI).unwrap();
    v384.verify(sha256, msg, sig.as_bytes()).unwrap();
    v384.verify_prehashed(sha256, &digest(sha256), sig.as_bytes())
        .unwrap();
    // P-256 key, SHA-384 digest (scheme 0x0503).
    let sha384 = SignatureAlgorithm::EcdsaSecp384r1Sha384;
    let k256: p256::ecdsa::SigningKey = p256::SecretKey::from_pkcs8_der(P256_PK8).unwrap().into();
    let sig2: p256::ecdsa::DerSignature = k256.sign_prehash(&digest(sha384)).unwrap();
    let v256 = VerifyingKey::from_spki_der(P256_SPKI).unwrap();
    v256.verify(sha384, msg, sig2.as_bytes()).unwrap();
    // Under the other hash, or tampered, they fail.
    assert_eq!(
        v384.verify(sha384, msg, sig.as_bytes()),
        Err(Error::InvalidSignature)
    );
    assert_eq!(
        v256.verify(sha256, msg, sig2.as_bytes()),
        Err(Error::InvalidSignature)
    );
    let mut bad = sig2.as_bytes().to_vec();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    assert_eq!(v256.verify(sha384, msg, &bad), Err(Error::InvalidSignature));
}

/// The TLS 1.2 ECDSA code points (RFC 5246 7.4.1.4.1 `SignatureAndHashAlgorithm`, hash byte
/// then signature byte 3): sha256 (0x0403), sha384 (0x0503), sha512 (0x0603). In TLS 1.2
/// they name the hash only; TLS 1.3 calls them ecdsa_secp256r1_sha256,
/// ecdsa_secp384r1_sha384 and ecdsa_secp521r1_sha512 (RFC 8446 4.2.3).
const TLS12_ECDSA: [u16; 3] = [0x0403, 0x0503, 0x0603];

fn tls12_ecdsa(code: u16) -> SignatureAlgorithm {
    SignatureAlgorithm::from_u16(code)
        .unwrap_or_else(|| panic!("ECDSA code point {code:#06x} is not supported"))
}

/// The digest of `msg` under `code`'s hash, computed with sha2 directly (not with our
/// `SignatureHasher`), so that the check below does not trust our own hash plumbing.
fn sha2_digest(code: u16, msg: &[u8]) -> Vec<u8> {
    use sha2::Digest as _;
    match code >> 8 {
        4 => sha2::Sha256::digest(msg).to_vec(),
        5 => sha2::Sha384::digest(msg).to_vec(),
        6 => sha2::Sha512::digest(msg).to_vec(),
        _ => unreachable!(),
    }
}

/// RFC 5246 7.4.1.4.1: in TLS 1.2 the hash and the ECDSA curve are independent. Every pair of
/// (P-256, P-384) x (SHA-256, SHA-384, SHA-512) signs and verifies, one-shot and prehashed;
/// the two entry points give the same signature (RFC 6979 deterministic nonces), the curve
/// crate itself accepts it over the sha2 digest (SEC 1 4.1.4: a longer digest is truncated to
/// the order's bit length, a shorter one used whole), and it verifies under no other hash.
#[test]
fn rfc5246_7_4_1_4_1_every_ecdsa_hash_signs_and_verifies_on_every_curve() {
    use mtls_crypto::signature::SignatureHasher;
    use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
    use p256::pkcs8::DecodePublicKey as _;
    let msg: Vec<u8> = (0..1500u32).map(|i| (i * 13) as u8).collect();
    for (curve, pk8, spki) in [
        ("P-256", P256_PK8, P256_SPKI),
        ("P-384", P384_PK8, P384_SPKI),
    ] {
        let sk = SigningKey::from_der(pk8).unwrap();
        let vk = VerifyingKey::from_spki_der(spki).unwrap();
        for code in TLS12_ECDSA {
            let scheme = tls12_ecdsa(code);
            assert!(
                sk.schemes().contains(&scheme),
                "{curve} cannot sign {scheme:?}"
            );
            assert!(
                vk.schemes().contains(&scheme),
                "{curve} cannot verify {scheme:?}"
            );
            let one_shot = sk
                .sign(scheme, &msg, &mut rng())
                .unwrap_or_else(|e| panic!("{curve} {scheme:?}: {e}"));
            let mut h = SignatureHasher::new(scheme.hash());
            for piece in msg.chunks(97) {
                h.update(piece);
            }
            let prehash = h.finish();
            assert_eq!(prehash, sha2_digest(code, &msg), "{scheme:?}");
            let prehashed = sk.sign_prehashed(scheme, &prehash, &mut rng()).unwrap();
            assert_eq!(
                one_shot, prehashed,
                "{curve} {scheme:?}: RFC 6979 gives one signature per digest"
            );
            assert_eq!(one_shot[0], 0x30, "DER SEQUENCE (RFC 8422 5.4)");
            vk.verify(scheme, &msg, &one_shot).unwrap();
            vk.verify_prehashed(scheme, &prehash, &one_shot).unwrap();
            vk.verify(scheme, &msg, &prehashed).unwrap();
            vk.verify_prehashed(scheme, &prehash, &prehashed).unwrap();
            // The curve crate agrees, over the digest sha2 computed.
            let independent = match curve {
                "P-256" => {
                    let k = p256::ecdsa::VerifyingKey::from_public_key_der(spki).unwrap();
                    let sig = p256::ecdsa::DerSignature::try_from(&one_shot[..]).unwrap();
                    k.verify_prehash(&sha2_digest(code, &msg), &sig).is_ok()
                }
                _ => {
                    let k = p384::ecdsa::VerifyingKey::from_public_key_der(spki).unwrap();
                    let sig = p384::ecdsa::DerSignature::try_from(&one_shot[..]).unwrap();
                    k.verify_prehash(&sha2_digest(code, &msg), &sig).is_ok()
                }
            };
            assert!(
                independent,
                "{curve} {scheme:?}: not a signature over the digest"
            );
            // Another message, a tampered signature, another hash: refused.
            assert_eq!(
                vk.verify(scheme, b"another message", &one_shot),
                Err(Error::InvalidSignature)
            );
            let mut bad = one_shot.clone();
            let last = bad.len() - 1;
            bad[last] ^= 1;
            assert_eq!(vk.verify(scheme, &msg, &bad), Err(Error::InvalidSignature));
            for other in TLS12_ECDSA.into_iter().filter(|&o| o != code) {
                assert_eq!(
                    vk.verify(tls12_ecdsa(other), &msg, &one_shot),
                    Err(Error::InvalidSignature),
                    "{curve}: a {scheme:?} signature verified under {other:#06x}"
                );
            }
        }
    }
}

/// A key lists its own curve's hash first (the pairing RFC 8446 4.2.3 names, which a
/// handshake should pick when the peer offers it), then the other TLS 1.2 ECDSA hashes, so
/// that it can still sign for a peer that offers only those (RFC 5246 7.4.1.4.1). A public
/// key on either curve verifies all three.
#[test]
fn rfc5246_7_4_1_4_1_ecdsa_keys_list_their_own_curves_hash_first() {
    let p256 = SigningKey::from_der(P256_PK8).unwrap();
    let p384 = SigningKey::from_der(P384_PK8).unwrap();
    let codes = |s: &[SignatureAlgorithm]| s.iter().map(|s| s.to_u16()).collect::<Vec<_>>();
    assert_eq!(codes(p256.schemes()), [0x0403, 0x0503, 0x0603]);
    assert_eq!(codes(p384.schemes()), [0x0503, 0x0403, 0x0603]);
    for key in [&p256, &p384] {
        let mut verifies = codes(Verifier::schemes(&key.verifying_key()));
        verifies.sort_unstable();
        assert_eq!(verifies, TLS12_ECDSA);
        assert_eq!(Signer::schemes(key), key.schemes());
    }
    // SHA-512 is the signature hash of 0x0603, with a 64-byte digest.
    let sha512 = tls12_ecdsa(0x0603);
    assert_eq!(sha512.hash(), mtls_crypto::signature::SignatureHash::Sha512);
    assert_eq!(sha512.hash().output_len(), 64);
    assert!(SignatureAlgorithm::ALL.contains(&sha512));
    // An RSA key signs no ECDSA scheme, and an ECDSA key verifies no RSA one.
    let rsa = SigningKey::from_der(RSA_PK8).unwrap();
    assert_eq!(
        rsa.sign(sha512, b"m", &mut rng()).unwrap_err(),
        Error::SchemeMismatch
    );
    assert_eq!(
        rsa.verifying_key().verify(sha512, b"m", &[0x30, 0]),
        Err(Error::SchemeMismatch)
    );
}
