//! The baseline: the RustCrypto crates, called the way mtls-crypto calls them.

use aes_gcm::aead::{AeadInOut as _, KeyInit as _};
use hmac::Mac as _;
use p256::ecdsa::signature::hazmat::{PrehashSigner as _, PrehashVerifier as _};
use p256::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _, EncodePublicKey as _};
use sha2::Digest as _;

use crate::{AAD, MESSAGE, Op, RECORD, Results, keys};

/// The OS generator as a rand_core 0.10 RNG (RSA blinding and PSS salts).
struct Os;

impl rand_core::TryRng for Os {
    type Error = getrandom::Error;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0; 4];
        getrandom::fill(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0; 8];
        getrandom::fill(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        getrandom::fill(dst)
    }
}

impl rand_core::TryCryptoRng for Os {}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).unwrap();
    b
}

pub fn run(r: &mut Results) {
    // RSA.
    let rsa_key = rsa::PrivateKey::from_pkcs8_der(keys::RSA2048_PK8).unwrap();
    let spki = rsa_key.to_public_key().to_public_key_der().unwrap();
    let digest = sha2::Sha256::digest(MESSAGE);
    let pkcs1 = rsa_key
        .pkcs1v15_sign_prehash_with_rng::<sha2::Sha256, _>(&mut Os, &digest)
        .unwrap();
    let pss = rsa_key
        .pss_sign_prehash_with_rng::<sha2::Sha256, _>(&mut Os, &digest)
        .unwrap();
    r.time(Op::RsaPkcs1Sign, || {
        let d = sha2::Sha256::digest(MESSAGE);
        rsa_key
            .pkcs1v15_sign_prehash_with_rng::<sha2::Sha256, _>(&mut Os, &d)
            .unwrap()
    });
    r.time(Op::RsaPkcs1Verify, || {
        let k = rsa::PublicKey::from_public_key_der(spki.as_bytes()).unwrap();
        let d = sha2::Sha256::digest(MESSAGE);
        k.pkcs1v15_verify_prehash::<sha2::Sha256>(&d, &pkcs1).unwrap()
    });
    r.time(Op::RsaPssSign, || {
        let d = sha2::Sha256::digest(MESSAGE);
        rsa_key
            .pss_sign_prehash_with_rng::<sha2::Sha256, _>(&mut Os, &d)
            .unwrap()
    });
    r.time(Op::RsaPssVerify, || {
        let k = rsa::PublicKey::from_public_key_der(spki.as_bytes()).unwrap();
        let d = sha2::Sha256::digest(MESSAGE);
        k.pss_verify_prehash::<sha2::Sha256>(&d, &pss).unwrap()
    });

    // ECDSA.
    let p256_key: p256::ecdsa::SigningKey =
        p256::SecretKey::from_pkcs8_der(keys::P256_PK8).unwrap().into();
    let p256_spki = p256_key.verifying_key().to_public_key_der().unwrap();
    let p256_sig: p256::ecdsa::DerSignature = p256_key
        .sign_prehash(&sha2::Sha256::digest(MESSAGE))
        .unwrap();
    r.time(Op::P256Sign, || {
        let sig: p256::ecdsa::DerSignature = p256_key
            .sign_prehash(&sha2::Sha256::digest(MESSAGE))
            .unwrap();
        sig
    });
    r.time(Op::P256Verify, || {
        let k: p256::ecdsa::VerifyingKey = p256::PublicKey::from_public_key_der(p256_spki.as_bytes())
            .unwrap()
            .into();
        let sig = p256::ecdsa::DerSignature::try_from(p256_sig.as_bytes()).unwrap();
        k.verify_prehash(&sha2::Sha256::digest(MESSAGE), &sig).unwrap()
    });
    let p384_key: p384::ecdsa::SigningKey =
        p384::SecretKey::from_pkcs8_der(keys::P384_PK8).unwrap().into();
    let p384_spki = p384_key.verifying_key().to_public_key_der().unwrap();
    let p384_sig: p384::ecdsa::DerSignature = p384_key
        .sign_prehash(&sha2::Sha384::digest(MESSAGE))
        .unwrap();
    r.time(Op::P384Sign, || {
        let sig: p384::ecdsa::DerSignature = p384_key
            .sign_prehash(&sha2::Sha384::digest(MESSAGE))
            .unwrap();
        sig
    });
    r.time(Op::P384Verify, || {
        let k: p384::ecdsa::VerifyingKey = p384::PublicKey::from_public_key_der(p384_spki.as_bytes())
            .unwrap()
            .into();
        let sig = p384::ecdsa::DerSignature::try_from(p384_sig.as_bytes()).unwrap();
        k.verify_prehash(&sha2::Sha384::digest(MESSAGE), &sig).unwrap()
    });

    // Key agreement: a fresh key, its public value, the shared secret with a peer's point.
    let x_peer = x25519_dalek::PublicKey::from(&x25519_dalek::StaticSecret::from(random::<32>()));
    r.time(Op::X25519, || {
        let s = x25519_dalek::StaticSecret::from(random::<32>());
        let public = x25519_dalek::PublicKey::from(&s);
        (public, s.diffie_hellman(&x_peer).to_bytes())
    });
    use p256::elliptic_curve::sec1::ToSec1Point as _;
    let p256_peer = p256::SecretKey::from_bytes(&random::<32>().into())
        .unwrap()
        .public_key()
        .to_sec1_point(false);
    r.time(Op::P256Kx, || {
        let s = p256::SecretKey::from_bytes(&random::<32>().into()).unwrap();
        let public = s.public_key().to_sec1_point(false);
        let peer = p256::PublicKey::from_sec1_bytes(p256_peer.as_bytes()).unwrap();
        let z = p256::ecdh::diffie_hellman(s.to_nonzero_scalar(), peer.as_affine());
        (public, z.raw_secret_bytes().to_vec())
    });
    let p384_peer = p384::SecretKey::from_bytes(&random::<48>().into())
        .unwrap()
        .public_key()
        .to_sec1_point(false);
    r.time(Op::P384Kx, || {
        let s = p384::SecretKey::from_bytes(&random::<48>().into()).unwrap();
        let public = s.public_key().to_sec1_point(false);
        let peer = p384::PublicKey::from_sec1_bytes(p384_peer.as_bytes()).unwrap();
        let z = p384::ecdh::diffie_hellman(s.to_nonzero_scalar(), peer.as_affine());
        (public, z.raw_secret_bytes().to_vec())
    });

    // AEAD, one record in place.
    let nonce = [7u8; 12];
    let mut buf = vec![0x42u8; RECORD];
    macro_rules! aead {
        ($seal:expr, $open:expr, $cipher:expr) => {{
            let c = $cipher;
            r.time($seal, || {
                c.encrypt_inout_detached((&nonce).into(), &AAD, buf.as_mut_slice().into())
                    .unwrap()
            });
            let mut sealed = vec![0x42u8; RECORD];
            let tag = c
                .encrypt_inout_detached((&nonce).into(), &AAD, sealed.as_mut_slice().into())
                .unwrap();
            r.time($open, || {
                buf.copy_from_slice(&sealed);
                c.decrypt_inout_detached((&nonce).into(), &AAD, buf.as_mut_slice().into(), &tag)
                    .unwrap()
            });
        }};
    }
    aead!(
        Op::Aes128GcmSeal,
        Op::Aes128GcmOpen,
        aes_gcm::Aes128Gcm::new_from_slice(&[1; 16]).unwrap()
    );
    aead!(
        Op::Aes256GcmSeal,
        Op::Aes256GcmOpen,
        aes_gcm::Aes256Gcm::new_from_slice(&[1; 32]).unwrap()
    );
    aead!(
        Op::ChaChaSeal,
        Op::ChaChaOpen,
        chacha20poly1305::ChaCha20Poly1305::new_from_slice(&[1; 32]).unwrap()
    );

    let data = vec![0x17u8; RECORD];
    r.time(Op::Sha256, || sha2::Sha256::digest(&data));
    r.time(Op::Sha384, || sha2::Sha384::digest(&data));
    let keyed = <hmac::Hmac<sha2::Sha256> as hmac::KeyInit>::new_from_slice(&[3; 48]).unwrap();
    r.time(Op::HmacSha256Fork, || {
        let mut m = keyed.clone();
        m.update(&[9; 64]);
        m.finalize().into_bytes()
    });
    r.time(Op::HmacSha256, || {
        let mut m = <hmac::Hmac<sha2::Sha256> as hmac::KeyInit>::new_from_slice(&[3; 48]).unwrap();
        m.update(&[9; 64]);
        m.finalize().into_bytes()
    });
}
