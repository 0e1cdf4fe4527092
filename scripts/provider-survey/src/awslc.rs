//! aws-lc-rs (AWS-LC: BoringSSL-derived C and assembly).

use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::agreement::{self, EphemeralPrivateKey, UnparsedPublicKey};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self, EcdsaKeyPair, KeyPair as _, RsaKeyPair};
use aws_lc_rs::{digest, hmac};

use crate::{AAD, MESSAGE, Op, RECORD, Results, keys};

pub fn run(r: &mut Results) {
    let rng = SystemRandom::new();

    let rsa_key = RsaKeyPair::from_pkcs8(keys::RSA2048_PK8).unwrap();
    let rsa_pub = rsa_key.public_key().as_ref().to_vec();
    let mut pkcs1 = vec![0; rsa_key.public_modulus_len()];
    rsa_key
        .sign(&signature::RSA_PKCS1_SHA256, &rng, MESSAGE, &mut pkcs1)
        .unwrap();
    let mut pss = vec![0; rsa_key.public_modulus_len()];
    rsa_key
        .sign(&signature::RSA_PSS_SHA256, &rng, MESSAGE, &mut pss)
        .unwrap();
    let mut sig = vec![0; rsa_key.public_modulus_len()];
    r.time(Op::RsaPkcs1Sign, || {
        rsa_key
            .sign(&signature::RSA_PKCS1_SHA256, &rng, MESSAGE, &mut sig)
            .unwrap()
    });
    r.time(Op::RsaPkcs1Verify, || {
        signature::UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, &rsa_pub)
            .verify(MESSAGE, &pkcs1)
            .unwrap()
    });
    r.time(Op::RsaPssSign, || {
        rsa_key
            .sign(&signature::RSA_PSS_SHA256, &rng, MESSAGE, &mut sig)
            .unwrap()
    });
    r.time(Op::RsaPssVerify, || {
        signature::UnparsedPublicKey::new(&signature::RSA_PSS_2048_8192_SHA256, &rsa_pub)
            .verify(MESSAGE, &pss)
            .unwrap()
    });

    for (pk8, sign_alg, verify_alg, sign_op, verify_op) in [
        (
            keys::P256_PK8,
            &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
            &signature::ECDSA_P256_SHA256_ASN1,
            Op::P256Sign,
            Op::P256Verify,
        ),
        (
            keys::P384_PK8,
            &signature::ECDSA_P384_SHA384_ASN1_SIGNING,
            &signature::ECDSA_P384_SHA384_ASN1,
            Op::P384Sign,
            Op::P384Verify,
        ),
    ] {
        let key = EcdsaKeyPair::from_pkcs8(sign_alg, pk8).unwrap();
        let public = key.public_key().as_ref().to_vec();
        let s = key.sign(&rng, MESSAGE).unwrap();
        r.time(sign_op, || key.sign(&rng, MESSAGE).unwrap());
        r.time(verify_op, || {
            signature::UnparsedPublicKey::new(verify_alg, &public)
                .verify(MESSAGE, s.as_ref())
                .unwrap()
        });
    }

    for (alg, op) in [
        (&agreement::X25519, Op::X25519),
        (&agreement::ECDH_P256, Op::P256Kx),
        (&agreement::ECDH_P384, Op::P384Kx),
    ] {
        let peer = EphemeralPrivateKey::generate(alg, &rng)
            .unwrap()
            .compute_public_key()
            .unwrap()
            .as_ref()
            .to_vec();
        r.time(op, || {
            let k = EphemeralPrivateKey::generate(alg, &rng).unwrap();
            let public = k.compute_public_key().unwrap();
            let z = agreement::agree_ephemeral(
                k,
                UnparsedPublicKey::new(alg, &peer),
                (),
                |z| Ok(z.to_vec()),
            )
            .unwrap();
            (public, z)
        });
    }

    let mut buf = vec![0x42u8; RECORD];
    for (alg, key_len, seal_op, open_op) in [
        (&aead::AES_128_GCM, 16, Op::Aes128GcmSeal, Op::Aes128GcmOpen),
        (&aead::AES_256_GCM, 32, Op::Aes256GcmSeal, Op::Aes256GcmOpen),
        (&aead::CHACHA20_POLY1305, 32, Op::ChaChaSeal, Op::ChaChaOpen),
    ] {
        let key = LessSafeKey::new(UnboundKey::new(alg, &[1u8; 32][..key_len]).unwrap());
        let nonce = || Nonce::assume_unique_for_key([7; 12]);
        r.time(seal_op, || {
            key.seal_in_place_separate_tag(nonce(), Aad::from(AAD), &mut buf)
                .unwrap()
        });
        let mut sealed = vec![0x42u8; RECORD];
        let tag = key
            .seal_in_place_separate_tag(nonce(), Aad::from(AAD), &mut sealed)
            .unwrap();
        r.time(open_op, || {
            buf.copy_from_slice(&sealed);
            key.open_in_place_separate_tag(nonce(), Aad::from(AAD), tag.as_ref(), &mut buf)
                .unwrap()
                .len()
        });
    }

    let data = vec![0x17u8; RECORD];
    r.time(Op::Sha256, || digest::digest(&digest::SHA256, &data));
    r.time(Op::Sha384, || digest::digest(&digest::SHA384, &data));
    let keyed = hmac::Context::with_key(&hmac::Key::new(hmac::HMAC_SHA256, &[3; 48]));
    r.time(Op::HmacSha256Fork, || {
        let mut m = keyed.clone();
        m.update(&[9; 64]);
        m.sign()
    });
    r.time(Op::HmacSha256, || {
        let k = hmac::Key::new(hmac::HMAC_SHA256, &[3; 48]);
        hmac::sign(&k, &[9; 64])
    });
}
