//! RSA PKCS#1 v1.5 and PSS, ECDSA P-256 and P-384 on AWS-LC: verification of every scheme
//! (prehashed for CertificateVerify, whole messages for certificates), and signing of every
//! scheme except ECDSA with another curve's hash, which the key's RustCrypto implementation
//! signs instead.

use aws_lc_rs::digest;
use aws_lc_rs::signature::{self, EcdsaKeyPair, RsaKeyPair, UnparsedPublicKey};

use crate::error::{Error, Result};
use crate::provider::{ProviderSigner, PublicKeyKind, RawPublicKey, SignatureProvider};
use crate::rand::SecureRandom;
use crate::signature::{SignatureAlgorithm, SignatureHash, SigningKey, VerifyingKey};

/// Signatures on AWS-LC.
pub(super) struct Signatures;

/// The AWS-LC verification algorithm for a key kind and a scheme: RSA 2048 to 8192 bits,
/// PSS with salt = hash length and MGF1 on the same hash (RFC 8446 4.2.3), ECDSA with any
/// of the three hashes on either curve (RFC 5246 7.4.1.4.1), DER signatures.
fn verification(
    kind: PublicKeyKind,
    scheme: SignatureAlgorithm,
) -> Result<&'static dyn signature::VerificationAlgorithm> {
    use SignatureAlgorithm as S;
    Ok(match (kind, scheme) {
        (PublicKeyKind::Rsa, S::RsaPkcs1Sha256) => &signature::RSA_PKCS1_2048_8192_SHA256,
        (PublicKeyKind::Rsa, S::RsaPkcs1Sha384) => &signature::RSA_PKCS1_2048_8192_SHA384,
        (PublicKeyKind::Rsa, S::RsaPkcs1Sha512) => &signature::RSA_PKCS1_2048_8192_SHA512,
        (PublicKeyKind::Rsa, S::RsaPssRsaeSha256) => &signature::RSA_PSS_2048_8192_SHA256,
        (PublicKeyKind::Rsa, S::RsaPssRsaeSha384) => &signature::RSA_PSS_2048_8192_SHA384,
        (PublicKeyKind::Rsa, S::RsaPssRsaeSha512) => &signature::RSA_PSS_2048_8192_SHA512,
        (PublicKeyKind::EcdsaP256, S::EcdsaSecp256r1Sha256) => &signature::ECDSA_P256_SHA256_ASN1,
        (PublicKeyKind::EcdsaP256, S::EcdsaSecp384r1Sha384) => &signature::ECDSA_P256_SHA384_ASN1,
        (PublicKeyKind::EcdsaP256, S::EcdsaSecp521r1Sha512) => &signature::ECDSA_P256_SHA512_ASN1,
        (PublicKeyKind::EcdsaP384, S::EcdsaSecp256r1Sha256) => &signature::ECDSA_P384_SHA256_ASN1,
        (PublicKeyKind::EcdsaP384, S::EcdsaSecp384r1Sha384) => &signature::ECDSA_P384_SHA384_ASN1,
        (PublicKeyKind::EcdsaP384, S::EcdsaSecp521r1Sha512) => &signature::ECDSA_P384_SHA512_ASN1,
        _ => return Err(Error::SchemeMismatch),
    })
}

fn digest_algorithm(hash: SignatureHash) -> &'static digest::Algorithm {
    match hash {
        SignatureHash::Sha256 => &digest::SHA256,
        SignatureHash::Sha384 => &digest::SHA384,
        SignatureHash::Sha512 => &digest::SHA512,
    }
}

/// A digest computed elsewhere, as AWS-LC takes it.
fn import(scheme: SignatureAlgorithm, prehash: &[u8]) -> Result<digest::Digest> {
    digest::Digest::import_less_safe(prehash, digest_algorithm(scheme.hash()))
        .map_err(|_| Error::Internal)
}

impl SignatureProvider for Signatures {
    fn verify_prehashed(
        &self,
        key: &VerifyingKey,
        scheme: SignatureAlgorithm,
        prehash: &[u8],
        signature: &[u8],
    ) -> Result<()> {
        let raw = key.raw();
        let alg = verification(raw.kind, scheme)?;
        let digest = import(scheme, prehash)?;
        UnparsedPublicKey::new(alg, raw.bytes)
            .verify_digest(&digest, signature)
            .map_err(|_| Error::InvalidSignature)
    }

    fn verify_raw(
        &self,
        key: RawPublicKey<'_>,
        scheme: SignatureAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<()> {
        let alg = verification(key.kind, scheme)?;
        UnparsedPublicKey::new(alg, key.bytes)
            .verify(message, signature)
            .map_err(|_| Error::InvalidSignature)
    }

    fn signer(&self, key: &SigningKey) -> Result<Option<Box<dyn ProviderSigner>>> {
        let der = key.to_pkcs8_der()?;
        let signer = match key.kind() {
            PublicKeyKind::Rsa => {
                Signer::Rsa(RsaKeyPair::from_pkcs8(&der).map_err(|_| Error::InvalidKeyEncoding)?)
            }
            PublicKeyKind::EcdsaP256 => Signer::Ecdsa(
                EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_ASN1_SIGNING, &der)
                    .map_err(|_| Error::InvalidKeyEncoding)?,
                SignatureHash::Sha256,
            ),
            PublicKeyKind::EcdsaP384 => Signer::Ecdsa(
                EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P384_SHA384_ASN1_SIGNING, &der)
                    .map_err(|_| Error::InvalidKeyEncoding)?,
                SignatureHash::Sha384,
            ),
        };
        Ok(Some(Box::new(signer)))
    }
}

/// A private key in AWS-LC, which wipes it when it frees it.
enum Signer {
    Rsa(RsaKeyPair),
    /// The key and the one hash AWS-LC signs with it (its curve's).
    Ecdsa(EcdsaKeyPair, SignatureHash),
}

impl ProviderSigner for Signer {
    fn sign_prehashed(
        &self,
        scheme: SignatureAlgorithm,
        prehash: &[u8],
        _rng: &mut dyn SecureRandom,
    ) -> Result<Option<Vec<u8>>> {
        use SignatureAlgorithm as S;
        match self {
            Self::Rsa(key) => {
                let padding: &'static dyn signature::RsaEncoding = match scheme {
                    S::RsaPkcs1Sha256 => &signature::RSA_PKCS1_SHA256,
                    S::RsaPkcs1Sha384 => &signature::RSA_PKCS1_SHA384,
                    S::RsaPkcs1Sha512 => &signature::RSA_PKCS1_SHA512,
                    S::RsaPssRsaeSha256 => &signature::RSA_PSS_SHA256,
                    S::RsaPssRsaeSha384 => &signature::RSA_PSS_SHA384,
                    S::RsaPssRsaeSha512 => &signature::RSA_PSS_SHA512,
                    _ => return Err(Error::SchemeMismatch),
                };
                let mut out = vec![0u8; key.public_modulus_len()];
                key.sign_digest(padding, &import(scheme, prehash)?, &mut out)
                    .map_err(|_| Error::Internal)?;
                Ok(Some(out))
            }
            Self::Ecdsa(key, hash) => {
                if scheme.hash() != *hash {
                    return Ok(None);
                }
                let sig = key
                    .sign_digest(&import(scheme, prehash)?)
                    .map_err(|_| Error::Internal)?;
                Ok(Some(sig.as_ref().to_vec()))
            }
        }
    }
}
