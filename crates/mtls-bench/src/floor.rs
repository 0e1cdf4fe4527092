//! The primitive floor, per provider: the public-key operations a handshake cannot avoid and
//! AEAD seal + open, each through one mtls-crypto provider's tables (`CryptoProvider`), with
//! the same keys as the handshakes and the provider's own random source. [`raw_aead`] is the
//! RustCrypto crates' AEAD called directly (`--profile ... raw`).
//!
//! A handshake's floor is the sum of its operations' times: the highest rate any stack built
//! on that provider could reach. Hashing, the PRF, certificate parsing and record sealing are
//! left out (microseconds beside milliseconds), so the floor is slightly optimistic.

use std::time::{Duration, Instant};

use aes_gcm::aead::{AeadInOut, KeyInit};
use mtls_crypto::aead::AeadAlgorithm;
use mtls_crypto::kx::{ActiveKeyExchange, NamedGroup};
use mtls_crypto::provider::{CryptoProvider, ProviderRng};
use mtls_crypto::signature::{SignatureAlgorithm, SigningKey, VerifyingKey};

use crate::Result;
use crate::setup::{Cipher, KeyType, Kind};
use crate::work::Budget;

/// One primitive operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// RSA-2048 PSS-SHA256 sign (what mtls signs with; rustls picks PSS-SHA512, the same cost).
    RsaSign,
    /// RSA-2048 PSS-SHA256 verify.
    RsaVerify,
    /// RSA-2048 PKCS#1 v1.5 encryption of a premaster secret (static RSA, client).
    RsaEncrypt,
    /// RSA-2048 premaster decryption with implicit rejection (static RSA, server).
    RsaDecrypt,
    /// ECDSA P-256 SHA-256 sign.
    EcdsaSign,
    /// ECDSA P-256 SHA-256 verify (also each side's check of the CA's signature on the peer's
    /// leaf: the CA is P-256).
    EcdsaVerify,
    /// One side's P-256 ECDHE: key generation, encoding, peer point check, multiplication.
    EcdheP256,
    /// One side's X25519 ECDHE.
    EcdheX25519,
}

impl Op {
    /// All operations, in table order.
    pub const ALL: [Op; 8] = [
        Op::RsaSign,
        Op::RsaVerify,
        Op::RsaEncrypt,
        Op::RsaDecrypt,
        Op::EcdsaSign,
        Op::EcdsaVerify,
        Op::EcdheP256,
        Op::EcdheX25519,
    ];

    /// The table label.
    pub fn label(self) -> &'static str {
        match self {
            Self::RsaSign => "RSA-2048 sign (PSS-SHA256)",
            Self::RsaVerify => "RSA-2048 verify (PSS-SHA256)",
            Self::RsaEncrypt => "RSA-2048 encrypt premaster",
            Self::RsaDecrypt => "RSA-2048 decrypt premaster",
            Self::EcdsaSign => "ECDSA P-256 sign",
            Self::EcdsaVerify => "ECDSA P-256 verify",
            Self::EcdheP256 => "ECDHE P-256 (one side)",
            Self::EcdheX25519 => "ECDHE X25519 (one side)",
        }
    }
}

/// The operations of one full mutually-authenticated handshake, both sides: (op, count).
pub fn recipe(kind: Kind) -> Vec<(Op, u32)> {
    let mut v = server_recipe(kind);
    for (op, n) in client_recipe(kind) {
        match v.iter_mut().find(|(o, _)| *o == op) {
            Some((_, m)) => *m += n,
            None => v.push((op, n)),
        }
    }
    v
}

/// The server's share: sign ServerKeyExchange (or decrypt the premaster), ECDHE, verify the
/// client's CertificateVerify and its certificate's CA signature.
pub fn server_recipe(kind: Kind) -> Vec<(Op, u32)> {
    // TLS 1.3 runs the same public-key operations as its TLS 1.2 twin (CertificateVerify
    // signs where ServerKeyExchange did); its HKDF work is hashing, left out as the PRF is.
    match kind {
        Kind::EcdheRsa | Kind::Tls13Rsa => vec![
            (Op::RsaSign, 1),
            (Op::EcdheP256, 1),
            (Op::RsaVerify, 1),
            (Op::EcdsaVerify, 1),
        ],
        Kind::EcdheEcdsaP256 | Kind::Tls13EcdsaP256 => {
            vec![(Op::EcdsaSign, 1), (Op::EcdheP256, 1), (Op::EcdsaVerify, 2)]
        }
        Kind::EcdheEcdsaX25519 | Kind::Tls13EcdsaX25519 => {
            vec![
                (Op::EcdsaSign, 1),
                (Op::EcdheX25519, 1),
                (Op::EcdsaVerify, 2),
            ]
        }
        Kind::StaticRsa => vec![
            (Op::RsaDecrypt, 1),
            (Op::RsaVerify, 1),
            (Op::EcdsaVerify, 1),
        ],
    }
}

/// The client's share: verify the server's certificate and ServerKeyExchange (or encrypt the
/// premaster), ECDHE, sign CertificateVerify.
pub fn client_recipe(kind: Kind) -> Vec<(Op, u32)> {
    match kind {
        Kind::EcdheRsa | Kind::Tls13Rsa => vec![
            (Op::EcdsaVerify, 1),
            (Op::RsaVerify, 1),
            (Op::EcdheP256, 1),
            (Op::RsaSign, 1),
        ],
        Kind::EcdheEcdsaP256 | Kind::Tls13EcdsaP256 => {
            vec![(Op::EcdsaVerify, 2), (Op::EcdheP256, 1), (Op::EcdsaSign, 1)]
        }
        Kind::EcdheEcdsaX25519 | Kind::Tls13EcdsaX25519 => {
            vec![
                (Op::EcdsaVerify, 2),
                (Op::EcdheX25519, 1),
                (Op::EcdsaSign, 1),
            ]
        }
        Kind::StaticRsa => vec![(Op::EcdsaVerify, 1), (Op::RsaEncrypt, 1), (Op::RsaSign, 1)],
    }
}

/// Seconds for a recipe, given each operation's seconds.
pub fn recipe_secs(recipe: &[(Op, u32)], mut secs: impl FnMut(Op) -> f64) -> f64 {
    recipe.iter().map(|(op, n)| secs(*op) * f64::from(*n)).sum()
}

/// A ServerKeyExchange-sized message: two randoms and the ECDH parameters.
const MESSAGE: [u8; 133] = [0x42; 133];
const CLIENT_VERSION: [u8; 2] = [3, 3];

/// Keys and inputs for every operation, on one provider.
pub struct Primitives {
    provider: &'static CryptoProvider,
    rsa: SigningKey,
    rsa_pub: VerifyingKey,
    rsa_sig: Vec<u8>,
    premaster_ct: Vec<u8>,
    ecdsa: SigningKey,
    ecdsa_pub: VerifyingKey,
    ecdsa_sig: Vec<u8>,
    p256_peer: Vec<u8>,
    x25519_peer: Vec<u8>,
    rng: ProviderRng,
}

impl Primitives {
    /// The server keys of the test fixtures, bound to `provider` (as a configuration binds
    /// them when it is built), and a valid input for each operation.
    pub fn new(provider: &'static CryptoProvider) -> Result<Self> {
        let mut rng = provider.rng();
        let rsa = SigningKey::from_pkcs8_der(KeyType::Rsa2048.server_key_der())?;
        rsa.bind(provider)?;
        let rsa_pub = rsa.verifying_key();
        let rsa_sig = rsa.sign_with(
            provider,
            SignatureAlgorithm::RsaPssRsaeSha256,
            &MESSAGE,
            &mut rng,
        )?;
        let (_, premaster_ct) = provider.encrypt_premaster(
            &mut rng,
            rsa_pub.as_rsa().ok_or("not an RSA key")?,
            CLIENT_VERSION,
        )?;
        let ecdsa = SigningKey::from_pkcs8_der(KeyType::EcdsaP256.server_key_der())?;
        ecdsa.bind(provider)?;
        let ecdsa_pub = ecdsa.verifying_key();
        let ecdsa_sig = ecdsa.sign_with(
            provider,
            SignatureAlgorithm::EcdsaSecp256r1Sha256,
            &MESSAGE,
            &mut rng,
        )?;
        let p256_peer = provider
            .start_key_exchange(NamedGroup::Secp256r1, &mut rng)?
            .public_key()
            .to_vec();
        let x25519_peer = provider
            .start_key_exchange(NamedGroup::X25519, &mut rng)?
            .public_key()
            .to_vec();
        Ok(Self {
            provider,
            rsa,
            rsa_pub,
            rsa_sig,
            premaster_ct,
            ecdsa,
            ecdsa_pub,
            ecdsa_sig,
            p256_peer,
            x25519_peer,
            rng,
        })
    }

    /// Performs `op` once.
    pub fn run(&mut self, op: Op) -> Result<()> {
        let (p, rng) = (self.provider, &mut self.rng);
        match op {
            Op::RsaSign => {
                std::hint::black_box(self.rsa.sign_with(
                    p,
                    SignatureAlgorithm::RsaPssRsaeSha256,
                    &MESSAGE,
                    rng,
                )?);
            }
            Op::RsaVerify => {
                self.rsa_pub.verify_with(
                    p,
                    SignatureAlgorithm::RsaPssRsaeSha256,
                    &MESSAGE,
                    &self.rsa_sig,
                )?;
            }
            Op::RsaEncrypt => {
                let key = self.rsa_pub.as_rsa().ok_or("not an RSA key")?;
                std::hint::black_box(p.encrypt_premaster(rng, key, CLIENT_VERSION)?);
            }
            Op::RsaDecrypt => {
                let key = self.rsa.as_rsa().ok_or("not an RSA key")?;
                std::hint::black_box(p.decrypt_premaster(
                    key,
                    rng,
                    CLIENT_VERSION,
                    &self.premaster_ct,
                ));
            }
            Op::EcdsaSign => {
                std::hint::black_box(self.ecdsa.sign_with(
                    p,
                    SignatureAlgorithm::EcdsaSecp256r1Sha256,
                    &MESSAGE,
                    rng,
                )?);
            }
            Op::EcdsaVerify => {
                self.ecdsa_pub.verify_with(
                    p,
                    SignatureAlgorithm::EcdsaSecp256r1Sha256,
                    &MESSAGE,
                    &self.ecdsa_sig,
                )?;
            }
            Op::EcdheP256 | Op::EcdheX25519 => {
                let (group, peer) = if op == Op::EcdheP256 {
                    (NamedGroup::Secp256r1, &self.p256_peer)
                } else {
                    (NamedGroup::X25519, &self.x25519_peer)
                };
                let kx = p.start_key_exchange(group, rng)?;
                std::hint::black_box(kx.public_key());
                std::hint::black_box(kx.complete(peer)?);
            }
        }
        Ok(())
    }

    /// Seconds per `op`, over one trial.
    pub fn time(&mut self, op: Op, budget: Budget) -> Result<f64> {
        let (count, elapsed) = budget.run(|| self.run(op))?;
        Ok(elapsed.as_secs_f64() / count.max(1) as f64)
    }
}

/// `provider`'s AEAD: seal then open `total` bytes in `chunk`-byte records (13-byte AAD, a
/// fresh nonce per record, as TLS does), through its table (`CryptoProvider::aead_key`).
pub fn provider_aead(
    provider: &'static CryptoProvider,
    cipher: Cipher,
    total: usize,
    chunk: usize,
) -> Result<Duration> {
    let alg = match cipher {
        Cipher::Aes128Gcm => AeadAlgorithm::Aes128Gcm,
        Cipher::Aes256Gcm => AeadAlgorithm::Aes256Gcm,
        Cipher::ChaCha20Poly1305 => AeadAlgorithm::ChaCha20Poly1305,
    };
    let key = provider.aead_key(alg, &vec![0x11u8; alg.key_len()])?;
    // Room for the tag, so that the loop never allocates.
    let mut buf = Vec::with_capacity(chunk.max(1) + 16);
    buf.resize(chunk.max(1), 0x5a_u8);
    let times = total / buf.len();
    let start = Instant::now();
    for seq in 0..times as u64 {
        let nonce = nonce(seq);
        let tag = key.seal_in_place_detached(&nonce, &AAD, &mut buf)?;
        buf.extend_from_slice(&tag);
        key.open_in_place(&nonce, &AAD, &mut buf)?;
        buf.truncate(buf.len().saturating_sub(tag.len()));
    }
    let elapsed = start.elapsed();
    std::hint::black_box(&buf);
    Ok(elapsed)
}

/// A TLS 1.2 record's additional data (type, version, length, sequence number).
const AAD: [u8; 13] = [0x17u8, 3, 3, 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0];

/// A record's nonce: a fixed salt and the sequence number.
fn nonce(seq: u64) -> [u8; 12] {
    let mut n = [0x22u8; 12];
    for (d, s) in n.iter_mut().skip(4).zip(seq.to_be_bytes()) {
        *d = s;
    }
    n
}

/// Raw AEAD: seal then open `total` bytes in `chunk`-byte records (13-byte AAD, a fresh
/// nonce per record, as TLS does), through the RustCrypto crate alone.
pub fn raw_aead(cipher: Cipher, total: usize, chunk: usize) -> Result<Duration> {
    match cipher {
        Cipher::Aes128Gcm => seal_open::<aes_gcm::Aes128Gcm>(total, chunk),
        Cipher::Aes256Gcm => seal_open::<aes_gcm::Aes256Gcm>(total, chunk),
        Cipher::ChaCha20Poly1305 => seal_open::<chacha20poly1305::ChaCha20Poly1305>(total, chunk),
    }
}

fn seal_open<A: AeadInOut + KeyInit>(total: usize, chunk: usize) -> Result<Duration> {
    let key = vec![0x11u8; A::key_size()];
    let cipher = A::new_from_slice(&key).map_err(|_| "AEAD key")?;
    let mut buf = vec![0x5a_u8; chunk.max(1)];
    let times = total / buf.len();
    let aad = AAD;
    let start = Instant::now();
    for seq in 0..times as u64 {
        let n = nonce(seq);
        let nonce = aes_gcm::aead::Nonce::<A>::try_from(&n[..]).map_err(|_| "nonce")?;
        let tag = cipher
            .encrypt_inout_detached(&nonce, &aad, buf.as_mut_slice().into())
            .map_err(|_| "seal")?;
        cipher
            .decrypt_inout_detached(&nonce, &aad, buf.as_mut_slice().into(), &tag)
            .map_err(|_| "open")?;
    }
    let elapsed = start.elapsed();
    std::hint::black_box(&buf);
    Ok(elapsed)
}
