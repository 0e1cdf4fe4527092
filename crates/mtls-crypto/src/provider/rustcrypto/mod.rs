//! The RustCrypto provider, the default: `sha2`, `hmac`, `aes-gcm`, `chacha20poly1305`,
//! `p256`, `p384`, `x25519-dalek` and `rsa` (0.10, for its PKCS#1 v1.5 implicit rejection),
//! with the OS generator (`getrandom`) as its random source.

mod aead;
pub(crate) mod hash;

use super::{
    CryptoProvider, KxProvider, KxSession, RandomSource, RawPublicKey, RsaKxProvider,
    SignatureProvider,
};
use crate::error::{Error, Result};
use crate::kx::{
    ActiveKeyExchange as _, NamedGroup, P256KeyExchange, P384KeyExchange, X25519KeyExchange,
};
use crate::provider::ProviderSigner;
use crate::rand::SecureRandom;
use crate::secret::{PreMasterSecret, SharedSecret};
use crate::signature::{RsaPrivateKey, RsaPublicKey, SignatureAlgorithm, SigningKey, VerifyingKey};

/// The RustCrypto provider.
pub static PROVIDER: CryptoProvider = CryptoProvider {
    name: "rustcrypto",
    hash: &hash::HASH,
    hmac: &hash::HMAC,
    aead: &aead::Aeads,
    kx: &Groups,
    signature: &Signatures,
    rsa_kx: &RsaKx,
    random: &OsRandom,
};

/// X25519 (`x25519-dalek`), secp256r1 (`p256`), secp384r1 (`p384`).
struct Groups;

impl KxProvider for Groups {
    fn start(&self, group: NamedGroup, rng: &mut dyn SecureRandom) -> Result<Box<dyn KxSession>> {
        Ok(match group {
            NamedGroup::X25519 => Box::new(X25519KeyExchange::generate(rng)?),
            NamedGroup::Secp256r1 => Box::new(P256KeyExchange::generate(rng)?),
            NamedGroup::Secp384r1 => Box::new(P384KeyExchange::generate(rng)?),
        })
    }
}

macro_rules! kx_session {
    ($t:ty) => {
        impl KxSession for $t {
            fn group(&self) -> NamedGroup {
                crate::kx::ActiveKeyExchange::group(self)
            }

            fn public_key(&self) -> &[u8] {
                crate::kx::ActiveKeyExchange::public_key(self)
            }

            fn complete(self: Box<Self>, peer_public_key: &[u8]) -> Result<SharedSecret> {
                (*self).complete(peer_public_key)
            }
        }
    };
}

kx_session!(X25519KeyExchange);
kx_session!(P256KeyExchange);
kx_session!(P384KeyExchange);

/// RSA (`rsa`) and ECDSA (`p256`, `p384`), on the keys [`SigningKey`] and [`VerifyingKey`]
/// parse with these crates.
struct Signatures;

impl SignatureProvider for Signatures {
    fn verify_prehashed(
        &self,
        key: &VerifyingKey,
        scheme: SignatureAlgorithm,
        prehash: &[u8],
        signature: &[u8],
    ) -> Result<()> {
        key.verify_prehashed_rustcrypto(scheme, prehash, signature)
    }

    fn verify_raw(
        &self,
        key: RawPublicKey<'_>,
        scheme: SignatureAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<()> {
        let key = VerifyingKey::from_raw(key).map_err(|_| Error::InvalidSignature)?;
        if !key.schemes().contains(&scheme) {
            return Err(Error::SchemeMismatch);
        }
        let prehash = PROVIDER.hash.digest(scheme.hash(), message);
        key.verify_prehashed_rustcrypto(scheme, prehash.as_slice(), signature)
    }

    fn signer(&self, _key: &SigningKey) -> Result<Option<Box<dyn ProviderSigner>>> {
        // The key's own implementation is this one.
        Ok(None)
    }
}

/// The static RSA premaster on `rsa` 0.10, whose PKCS#1 v1.5 decryption rejects implicitly
/// (docs/SECURITY.md, "Static RSA key exchange"); every provider of this crate uses it.
pub(crate) struct RsaKx;

impl RsaKxProvider for RsaKx {
    fn encrypt_premaster(
        &self,
        rng: &mut dyn SecureRandom,
        server_key: &RsaPublicKey,
        client_version: [u8; 2],
    ) -> Result<(PreMasterSecret, Vec<u8>)> {
        crate::rsa_kx::encrypt_premaster(rng, server_key, client_version)
    }

    fn decrypt_premaster(
        &self,
        key: &RsaPrivateKey,
        rng: &mut dyn SecureRandom,
        client_version: [u8; 2],
        ciphertext: &[u8],
    ) -> PreMasterSecret {
        crate::rsa_kx::decrypt_premaster(key, rng, client_version, ciphertext)
    }
}

/// The operating system's generator (`getrandom`).
struct OsRandom;

impl RandomSource for OsRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<()> {
        getrandom::fill(buf).map_err(|_| Error::RandomFailed)
    }
}
