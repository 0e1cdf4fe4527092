//! graviola (Rust with inline and formally verified assembly; x86_64 and aarch64 only).

use graviola::aead::{AesGcm, ChaCha20Poly1305};
use graviola::hashing::hmac::Hmac;
use graviola::hashing::{Hash as _, Sha256, Sha384};
use graviola::key_agreement::{p256, p384, x25519};
use graviola::signing::{ecdsa, rsa};

use crate::{AAD, MESSAGE, Op, RECORD, Results, keys};

pub fn run(r: &mut Results) {
    assert!(graviola::util::is_cpu_supported());

    let rsa_key = rsa::SigningKey::from_pkcs8_der(keys::RSA2048_PK8).unwrap();
    let mut der = [0u8; 600];
    let rsa_pub = rsa_key.public_key().to_pkcs1_der(&mut der).unwrap().to_vec();
    let mut sig = vec![0; rsa_key.modulus_len_bytes()];
    let pkcs1 = rsa_key.sign_pkcs1_sha256(&mut sig, MESSAGE).unwrap().to_vec();
    let pss = rsa_key.sign_pss_sha256(&mut sig, MESSAGE).unwrap().to_vec();
    r.time(Op::RsaPkcs1Sign, || {
        rsa_key.sign_pkcs1_sha256(&mut sig, MESSAGE).unwrap().len()
    });
    r.time(Op::RsaPkcs1Verify, || {
        rsa::VerifyingKey::from_pkcs1_der(&rsa_pub)
            .unwrap()
            .verify_pkcs1_sha256(&pkcs1, MESSAGE)
            .unwrap()
    });
    r.time(Op::RsaPssSign, || {
        rsa_key.sign_pss_sha256(&mut sig, MESSAGE).unwrap().len()
    });
    r.time(Op::RsaPssVerify, || {
        rsa::VerifyingKey::from_pkcs1_der(&rsa_pub)
            .unwrap()
            .verify_pss_sha256(&pss, MESSAGE)
            .unwrap()
    });

    let mut out = [0u8; 128];
    let p256_key = ecdsa::SigningKey::<ecdsa::P256>::from_pkcs8_der(keys::P256_PK8).unwrap();
    let mut spki = [0u8; 200];
    let spki_len = p256_key.to_spki_der(&mut spki).unwrap().len();
    let p256_point = spki[spki_len - 65..spki_len].to_vec();
    let p256_sig = p256_key
        .sign_asn1::<Sha256>(&[MESSAGE], &mut out)
        .unwrap()
        .to_vec();
    r.time(Op::P256Sign, || {
        p256_key
            .sign_asn1::<Sha256>(&[MESSAGE], &mut out)
            .unwrap()
            .len()
    });
    r.time(Op::P256Verify, || {
        ecdsa::VerifyingKey::<ecdsa::P256>::from_x962_uncompressed(&p256_point)
            .unwrap()
            .verify_asn1::<Sha256>(&[MESSAGE], &p256_sig)
            .unwrap()
    });
    let p384_key = ecdsa::SigningKey::<ecdsa::P384>::from_pkcs8_der(keys::P384_PK8).unwrap();
    let spki_len = p384_key.to_spki_der(&mut spki).unwrap().len();
    let p384_point = spki[spki_len - 97..spki_len].to_vec();
    let p384_sig = p384_key
        .sign_asn1::<Sha384>(&[MESSAGE], &mut out)
        .unwrap()
        .to_vec();
    r.time(Op::P384Sign, || {
        p384_key
            .sign_asn1::<Sha384>(&[MESSAGE], &mut out)
            .unwrap()
            .len()
    });
    r.time(Op::P384Verify, || {
        ecdsa::VerifyingKey::<ecdsa::P384>::from_x962_uncompressed(&p384_point)
            .unwrap()
            .verify_asn1::<Sha384>(&[MESSAGE], &p384_sig)
            .unwrap()
    });

    let x_peer = x25519::PrivateKey::new_random().unwrap().public_key().as_bytes();
    r.time(Op::X25519, || {
        let k = x25519::PrivateKey::new_random().unwrap();
        let public = k.public_key().as_bytes();
        let peer = x25519::PublicKey::try_from_slice(&x_peer).unwrap();
        (public, k.diffie_hellman(&peer).unwrap().0)
    });
    let p256_peer = p256::PrivateKey::new_random().unwrap().public_key_uncompressed();
    r.time(Op::P256Kx, || {
        let k = p256::PrivateKey::new_random().unwrap();
        let public = k.public_key_uncompressed();
        let peer = p256::PublicKey::from_x962_uncompressed(&p256_peer).unwrap();
        (public, k.diffie_hellman(&peer).unwrap().0)
    });
    let p384_peer = p384::PrivateKey::new_random().unwrap().public_key_uncompressed();
    r.time(Op::P384Kx, || {
        let k = p384::PrivateKey::new_random().unwrap();
        let public = k.public_key_uncompressed();
        let peer = p384::PublicKey::from_x962_uncompressed(&p384_peer).unwrap();
        (public, k.diffie_hellman(&peer).unwrap().0)
    });

    let nonce = [7u8; 12];
    let mut buf = vec![0x42u8; RECORD];
    let mut tag = [0u8; 16];
    for (key_len, seal_op, open_op) in [
        (16, Op::Aes128GcmSeal, Op::Aes128GcmOpen),
        (32, Op::Aes256GcmSeal, Op::Aes256GcmOpen),
    ] {
        let key = AesGcm::new(&[1u8; 32][..key_len]);
        r.time(seal_op, || key.encrypt(&nonce, &AAD, &mut buf, &mut tag));
        let mut sealed = vec![0x42u8; RECORD];
        key.encrypt(&nonce, &AAD, &mut sealed, &mut tag);
        r.time(open_op, || {
            buf.copy_from_slice(&sealed);
            key.decrypt(&nonce, &AAD, &mut buf, &tag).unwrap()
        });
    }
    let key = ChaCha20Poly1305::new([1; 32]);
    r.time(Op::ChaChaSeal, || key.encrypt(&nonce, &AAD, &mut buf, &mut tag));
    let mut sealed = vec![0x42u8; RECORD];
    key.encrypt(&nonce, &AAD, &mut sealed, &mut tag);
    r.time(Op::ChaChaOpen, || {
        buf.copy_from_slice(&sealed);
        key.decrypt(&nonce, &AAD, &mut buf, &tag).unwrap()
    });

    let data = vec![0x17u8; RECORD];
    r.time(Op::Sha256, || Sha256::hash(&data));
    r.time(Op::Sha384, || Sha384::hash(&data));
    let keyed = Hmac::<Sha256>::new([3u8; 48]);
    r.time(Op::HmacSha256Fork, || {
        let mut m = keyed.clone();
        m.update([9u8; 64]);
        m.finish()
    });
    r.time(Op::HmacSha256, || {
        let mut m = Hmac::<Sha256>::new([3u8; 48]);
        m.update([9u8; 64]);
        m.finish()
    });
}
