//! Certificate and CRL signature algorithms for rustls-webpki, implemented on
//! mtls-crypto (RFC 5280 4.1.1.2; RFC 4055 for RSA-PSS; RFC 5758 3.2 for ECDSA).
//!
//! webpki matches a certificate's `signatureAlgorithm` against
//! [`signature_alg_id`](SignatureVerificationAlgorithm::signature_alg_id) and the issuer's
//! key against [`public_key_alg_id`](SignatureVerificationAlgorithm::public_key_alg_id),
//! then hands over the raw `subjectPublicKey` bits, which go to a crypto provider's
//! [`SignatureProvider::verify_raw`](mtls_crypto::provider::SignatureProvider::verify_raw)
//! with the key kind the algorithm names. Every provider applies mtls-crypto's key rules
//! (RSA 2048..=8192 bits, P-256 and P-384 points on their curves). The statics below verify
//! on the RustCrypto provider; the verifiers use the one they are configured with
//! (`with_crypto_provider`).
//!
//! ECDSA pairs each curve with one hash, as TLS does (RFC 8446 4.2.3): P-256 with
//! SHA-256, P-384 with SHA-384. Not supported (webpki reports
//! `UnsupportedSignatureAlgorithm`, alert `unsupported_certificate`): other ECDSA
//! curve/hash pairings, P-521, Ed25519, and RSA-PSS keys (id-RSASSA-PSS
//! `SubjectPublicKeyInfo`).

use mtls_crypto::CryptoProvider;
use mtls_crypto::provider::{PublicKeyKind, RawPublicKey, rustcrypto};
use mtls_crypto::signature::SignatureAlgorithm;
use rustls_pki_types::{
    AlgorithmIdentifier, InvalidSignature, SignatureVerificationAlgorithm, alg_id,
};

/// One (key type, signature algorithm) pair that webpki can ask us to verify.
#[derive(Clone, Copy, Debug)]
struct Spec {
    public_key_alg_id: AlgorithmIdentifier,
    signature_alg_id: AlgorithmIdentifier,
    scheme: SignatureAlgorithm,
    kind: PublicKeyKind,
}

/// A [`Spec`] verifying on one provider.
#[derive(Debug)]
pub(crate) struct MtlsAlgorithm {
    spec: Spec,
    provider: &'static CryptoProvider,
}

impl SignatureVerificationAlgorithm for MtlsAlgorithm {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        let key = RawPublicKey {
            kind: self.spec.kind,
            bytes: public_key,
        };
        self.provider
            .signature
            .verify_raw(key, self.spec.scheme, message, signature)
            .map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        self.spec.public_key_alg_id
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.spec.signature_alg_id
    }
}

/// `sha256WithRSAEncryption` without the NULL parameters RFC 4055 asks for: some CAs
/// omit them (contents of the `AlgorithmIdentifier`: the OID only).
const RSA_PKCS1_SHA256_ABSENT_PARAMS_ID: AlgorithmIdentifier = AlgorithmIdentifier::from_slice(&[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b,
]);
/// `sha384WithRSAEncryption`, parameters absent.
const RSA_PKCS1_SHA384_ABSENT_PARAMS_ID: AlgorithmIdentifier = AlgorithmIdentifier::from_slice(&[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c,
]);
/// `sha512WithRSAEncryption`, parameters absent.
const RSA_PKCS1_SHA512_ABSENT_PARAMS_ID: AlgorithmIdentifier = AlgorithmIdentifier::from_slice(&[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d,
]);

/// RSA PKCS#1 v1.5 with SHA-256 (`sha256WithRSAEncryption`, RFC 4055 5).
pub static RSA_PKCS1_SHA256: &dyn SignatureVerificationAlgorithm = &MtlsAlgorithm {
    spec: spec::RSA_PKCS1_SHA256,
    provider: &rustcrypto::PROVIDER,
};

/// RSA PKCS#1 v1.5 with SHA-384 (`sha384WithRSAEncryption`, RFC 4055 5).
pub static RSA_PKCS1_SHA384: &dyn SignatureVerificationAlgorithm = &MtlsAlgorithm {
    spec: spec::RSA_PKCS1_SHA384,
    provider: &rustcrypto::PROVIDER,
};

/// RSA PKCS#1 v1.5 with SHA-512 (`sha512WithRSAEncryption`, RFC 4055 5).
pub static RSA_PKCS1_SHA512: &dyn SignatureVerificationAlgorithm = &MtlsAlgorithm {
    spec: spec::RSA_PKCS1_SHA512,
    provider: &rustcrypto::PROVIDER,
};

/// [`RSA_PKCS1_SHA256`] with the `AlgorithmIdentifier` parameters absent instead of NULL.
pub static RSA_PKCS1_SHA256_ABSENT_PARAMS: &dyn SignatureVerificationAlgorithm = &MtlsAlgorithm {
    spec: spec::RSA_PKCS1_SHA256_ABSENT_PARAMS,
    provider: &rustcrypto::PROVIDER,
};

/// [`RSA_PKCS1_SHA384`] with the `AlgorithmIdentifier` parameters absent instead of NULL.
pub static RSA_PKCS1_SHA384_ABSENT_PARAMS: &dyn SignatureVerificationAlgorithm = &MtlsAlgorithm {
    spec: spec::RSA_PKCS1_SHA384_ABSENT_PARAMS,
    provider: &rustcrypto::PROVIDER,
};

/// [`RSA_PKCS1_SHA512`] with the `AlgorithmIdentifier` parameters absent instead of NULL.
pub static RSA_PKCS1_SHA512_ABSENT_PARAMS: &dyn SignatureVerificationAlgorithm = &MtlsAlgorithm {
    spec: spec::RSA_PKCS1_SHA512_ABSENT_PARAMS,
    provider: &rustcrypto::PROVIDER,
};

/// RSASSA-PSS with SHA-256, MGF1-SHA-256, salt 32, by an rsaEncryption key (RFC 4055 3.1).
pub static RSA_PSS_SHA256: &dyn SignatureVerificationAlgorithm = &MtlsAlgorithm {
    spec: spec::RSA_PSS_SHA256,
    provider: &rustcrypto::PROVIDER,
};

/// RSASSA-PSS with SHA-384, MGF1-SHA-384, salt 48, by an rsaEncryption key.
pub static RSA_PSS_SHA384: &dyn SignatureVerificationAlgorithm = &MtlsAlgorithm {
    spec: spec::RSA_PSS_SHA384,
    provider: &rustcrypto::PROVIDER,
};

/// RSASSA-PSS with SHA-512, MGF1-SHA-512, salt 64, by an rsaEncryption key.
pub static RSA_PSS_SHA512: &dyn SignatureVerificationAlgorithm = &MtlsAlgorithm {
    spec: spec::RSA_PSS_SHA512,
    provider: &rustcrypto::PROVIDER,
};

/// ECDSA on P-256 with SHA-256 (`ecdsa-with-SHA256`, RFC 5758 3.2).
pub static ECDSA_P256_SHA256: &dyn SignatureVerificationAlgorithm = &MtlsAlgorithm {
    spec: spec::ECDSA_P256_SHA256,
    provider: &rustcrypto::PROVIDER,
};

/// ECDSA on P-384 with SHA-384 (`ecdsa-with-SHA384`, RFC 5758 3.2; key on secp384r1,
/// RFC 5480 2.1.1.1).
pub static ECDSA_P384_SHA384: &dyn SignatureVerificationAlgorithm = &MtlsAlgorithm {
    spec: spec::ECDSA_P384_SHA384,
    provider: &rustcrypto::PROVIDER,
};

/// The specifications of the algorithms above, for building them on another provider.
mod spec {
    use super::*;

    pub(super) const RSA_PKCS1_SHA256: Spec = Spec {
        public_key_alg_id: alg_id::RSA_ENCRYPTION,
        signature_alg_id: alg_id::RSA_PKCS1_SHA256,
        scheme: SignatureAlgorithm::RsaPkcs1Sha256,
        kind: PublicKeyKind::Rsa,
    };

    pub(super) const RSA_PKCS1_SHA384: Spec = Spec {
        public_key_alg_id: alg_id::RSA_ENCRYPTION,
        signature_alg_id: alg_id::RSA_PKCS1_SHA384,
        scheme: SignatureAlgorithm::RsaPkcs1Sha384,
        kind: PublicKeyKind::Rsa,
    };

    pub(super) const RSA_PKCS1_SHA512: Spec = Spec {
        public_key_alg_id: alg_id::RSA_ENCRYPTION,
        signature_alg_id: alg_id::RSA_PKCS1_SHA512,
        scheme: SignatureAlgorithm::RsaPkcs1Sha512,
        kind: PublicKeyKind::Rsa,
    };

    pub(super) const RSA_PKCS1_SHA256_ABSENT_PARAMS: Spec = Spec {
        public_key_alg_id: alg_id::RSA_ENCRYPTION,
        signature_alg_id: RSA_PKCS1_SHA256_ABSENT_PARAMS_ID,
        scheme: SignatureAlgorithm::RsaPkcs1Sha256,
        kind: PublicKeyKind::Rsa,
    };

    pub(super) const RSA_PKCS1_SHA384_ABSENT_PARAMS: Spec = Spec {
        public_key_alg_id: alg_id::RSA_ENCRYPTION,
        signature_alg_id: RSA_PKCS1_SHA384_ABSENT_PARAMS_ID,
        scheme: SignatureAlgorithm::RsaPkcs1Sha384,
        kind: PublicKeyKind::Rsa,
    };

    pub(super) const RSA_PKCS1_SHA512_ABSENT_PARAMS: Spec = Spec {
        public_key_alg_id: alg_id::RSA_ENCRYPTION,
        signature_alg_id: RSA_PKCS1_SHA512_ABSENT_PARAMS_ID,
        scheme: SignatureAlgorithm::RsaPkcs1Sha512,
        kind: PublicKeyKind::Rsa,
    };

    pub(super) const RSA_PSS_SHA256: Spec = Spec {
        public_key_alg_id: alg_id::RSA_ENCRYPTION,
        signature_alg_id: alg_id::RSA_PSS_SHA256,
        scheme: SignatureAlgorithm::RsaPssRsaeSha256,
        kind: PublicKeyKind::Rsa,
    };

    pub(super) const RSA_PSS_SHA384: Spec = Spec {
        public_key_alg_id: alg_id::RSA_ENCRYPTION,
        signature_alg_id: alg_id::RSA_PSS_SHA384,
        scheme: SignatureAlgorithm::RsaPssRsaeSha384,
        kind: PublicKeyKind::Rsa,
    };

    pub(super) const RSA_PSS_SHA512: Spec = Spec {
        public_key_alg_id: alg_id::RSA_ENCRYPTION,
        signature_alg_id: alg_id::RSA_PSS_SHA512,
        scheme: SignatureAlgorithm::RsaPssRsaeSha512,
        kind: PublicKeyKind::Rsa,
    };

    pub(super) const ECDSA_P256_SHA256: Spec = Spec {
        public_key_alg_id: alg_id::ECDSA_P256,
        signature_alg_id: alg_id::ECDSA_SHA256,
        scheme: SignatureAlgorithm::EcdsaSecp256r1Sha256,
        kind: PublicKeyKind::EcdsaP256,
    };

    pub(super) const ECDSA_P384_SHA384: Spec = Spec {
        public_key_alg_id: alg_id::ECDSA_P384,
        signature_alg_id: alg_id::ECDSA_SHA384,
        scheme: SignatureAlgorithm::EcdsaSecp384r1Sha384,
        kind: PublicKeyKind::EcdsaP384,
    };
}

/// The algorithms of [`ALL`], in its order, verifying on `provider`.
pub(crate) fn for_provider(provider: &'static CryptoProvider) -> [MtlsAlgorithm; 11] {
    [
        spec::ECDSA_P256_SHA256,
        spec::ECDSA_P384_SHA384,
        spec::RSA_PSS_SHA256,
        spec::RSA_PSS_SHA384,
        spec::RSA_PSS_SHA512,
        spec::RSA_PKCS1_SHA256,
        spec::RSA_PKCS1_SHA384,
        spec::RSA_PKCS1_SHA512,
        spec::RSA_PKCS1_SHA256_ABSENT_PARAMS,
        spec::RSA_PKCS1_SHA384_ABSENT_PARAMS,
        spec::RSA_PKCS1_SHA512_ABSENT_PARAMS,
    ]
    .map(|spec| MtlsAlgorithm { spec, provider })
}

/// Every algorithm above: what the verifiers in this crate accept in certificates and CRLs
/// (on the RustCrypto provider; the verifiers build the same list on their configured one).
pub static ALL: &[&dyn SignatureVerificationAlgorithm] = &[
    ECDSA_P256_SHA256,
    ECDSA_P384_SHA384,
    RSA_PSS_SHA256,
    RSA_PSS_SHA384,
    RSA_PSS_SHA512,
    RSA_PKCS1_SHA256,
    RSA_PKCS1_SHA384,
    RSA_PKCS1_SHA512,
    RSA_PKCS1_SHA256_ABSENT_PARAMS,
    RSA_PKCS1_SHA384_ABSENT_PARAMS,
    RSA_PKCS1_SHA512_ABSENT_PARAMS,
];

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::*;
    use der::Decode as _;
    use mtls_crypto::DeterministicRng;
    use mtls_crypto::signature::SigningKey;
    use x509_cert::spki::SubjectPublicKeyInfoRef;

    /// What webpki hands over for a key: the BIT STRING contents of its SubjectPublicKeyInfo.
    fn raw_public_key(spki: &[u8]) -> Vec<u8> {
        let spki = SubjectPublicKeyInfoRef::from_der(spki).unwrap();
        spki.subject_public_key.as_bytes().unwrap().to_vec()
    }

    /// An ECDSA key made at test time (rcgen) and its raw public key.
    fn ec_key(alg: &'static rcgen::SignatureAlgorithm) -> (SigningKey, Vec<u8>) {
        let kp = rcgen::KeyPair::generate_for(alg).unwrap();
        let key = SigningKey::from_pkcs8_der(&kp.serialize_der()).unwrap();
        (
            key,
            raw_public_key(&rcgen::PublicKeyData::subject_public_key_info(&kp)),
        )
    }

    /// An RSA-2048 key made at test time (the rsa crate, seeded) and its raw public key.
    fn rsa_key() -> (SigningKey, Vec<u8>) {
        use rsa::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _};
        let key = rsa::PrivateKey::new(&mut DeterministicRng::from_seed([7; 32]), 2048).unwrap();
        let pkcs8 = key.to_pkcs8_der().unwrap();
        let spki = key.to_public_key().to_public_key_der().unwrap();
        (
            SigningKey::from_pkcs8_der(pkcs8.as_bytes()).unwrap(),
            raw_public_key(spki.as_bytes()),
        )
    }

    #[test]
    fn every_algorithm_verifies_its_own_signature() {
        let mut rng = DeterministicRng::from_seed([1; 32]);
        let (rsa, rsa_raw) = rsa_key();
        let (ec, ec_raw) = ec_key(&rcgen::PKCS_ECDSA_P256_SHA256);
        let (ec384, ec384_raw) = ec_key(&rcgen::PKCS_ECDSA_P384_SHA384);
        let msg = b"tbsCertificate";
        let cases: [(&dyn SignatureVerificationAlgorithm, SignatureAlgorithm); 11] = [
            (RSA_PKCS1_SHA256, SignatureAlgorithm::RsaPkcs1Sha256),
            (RSA_PKCS1_SHA384, SignatureAlgorithm::RsaPkcs1Sha384),
            (RSA_PKCS1_SHA512, SignatureAlgorithm::RsaPkcs1Sha512),
            (
                RSA_PKCS1_SHA256_ABSENT_PARAMS,
                SignatureAlgorithm::RsaPkcs1Sha256,
            ),
            (
                RSA_PKCS1_SHA384_ABSENT_PARAMS,
                SignatureAlgorithm::RsaPkcs1Sha384,
            ),
            (
                RSA_PKCS1_SHA512_ABSENT_PARAMS,
                SignatureAlgorithm::RsaPkcs1Sha512,
            ),
            (RSA_PSS_SHA256, SignatureAlgorithm::RsaPssRsaeSha256),
            (RSA_PSS_SHA384, SignatureAlgorithm::RsaPssRsaeSha384),
            (RSA_PSS_SHA512, SignatureAlgorithm::RsaPssRsaeSha512),
            (ECDSA_P256_SHA256, SignatureAlgorithm::EcdsaSecp256r1Sha256),
            (ECDSA_P384_SHA384, SignatureAlgorithm::EcdsaSecp384r1Sha384),
        ];
        assert_eq!(
            cases.len(),
            ALL.len(),
            "every algorithm in ALL is exercised"
        );
        for (alg, scheme) in cases {
            let (key, raw) = match scheme {
                SignatureAlgorithm::EcdsaSecp256r1Sha256 => (&ec, &ec_raw),
                SignatureAlgorithm::EcdsaSecp384r1Sha384 => (&ec384, &ec384_raw),
                _ => (&rsa, &rsa_raw),
            };
            let sig = key.sign(scheme, msg, &mut rng).unwrap();
            alg.verify_signature(raw, msg, &sig).unwrap();
            let mut bad = sig.clone();
            let last = bad.len() - 1;
            bad[last] ^= 1;
            assert!(alg.verify_signature(raw, msg, &bad).is_err());
            assert!(alg.verify_signature(raw, b"other", &sig).is_err());
            assert!(alg.verify_signature(&raw[1..], msg, &sig).is_err());
        }
        // A key of the other type never verifies.
        let sig = ec
            .sign(SignatureAlgorithm::EcdsaSecp256r1Sha256, msg, &mut rng)
            .unwrap();
        assert!(
            RSA_PKCS1_SHA256
                .verify_signature(&ec_raw, msg, &sig)
                .is_err()
        );
        assert!(
            ECDSA_P256_SHA256
                .verify_signature(&rsa_raw, msg, &sig)
                .is_err()
        );
        // Nor a key on the other curve: the algorithm fixes the curve (RFC 5480 2.1.1.1).
        assert!(
            ECDSA_P384_SHA384
                .verify_signature(&ec_raw, msg, &sig)
                .is_err()
        );
        let sig384 = ec384
            .sign(SignatureAlgorithm::EcdsaSecp384r1Sha384, msg, &mut rng)
            .unwrap();
        assert!(
            ECDSA_P256_SHA256
                .verify_signature(&ec384_raw, msg, &sig384)
                .is_err()
        );
        assert!(
            ECDSA_P384_SHA384
                .verify_signature(&rsa_raw, msg, &sig384)
                .is_err()
        );
    }

    /// The same algorithms built on every provider compiled in verify what the keys sign,
    /// and refuse tampering, a key of the other kind and a truncated key.
    #[test]
    fn every_algorithm_verifies_on_every_provider() {
        let mut rng = DeterministicRng::from_seed([2; 32]);
        let (rsa, rsa_raw) = rsa_key();
        let (ec, ec_raw) = ec_key(&rcgen::PKCS_ECDSA_P256_SHA256);
        let (ec384, ec384_raw) = ec_key(&rcgen::PKCS_ECDSA_P384_SHA384);
        let raws = [(&rsa, rsa_raw), (&ec, ec_raw), (&ec384, ec384_raw)];
        let msg = b"tbsCertList";
        for provider in mtls_crypto::provider::compiled_in() {
            for alg in for_provider(provider) {
                let (key, raw) = raws
                    .iter()
                    .find(|(k, _)| k.kind() == alg.spec.kind)
                    .unwrap();
                let sig = key.sign(alg.spec.scheme, msg, &mut rng).unwrap();
                alg.verify_signature(raw, msg, &sig).unwrap();
                assert!(alg.verify_signature(raw, b"other", &sig).is_err());
                assert!(alg.verify_signature(&raw[1..], msg, &sig).is_err());
                for (other, other_raw) in &raws {
                    if other.kind() != alg.spec.kind {
                        assert!(alg.verify_signature(other_raw, msg, &sig).is_err());
                    }
                }
            }
        }
    }

    /// The algorithm identifiers webpki matches for P-384 (RFC 5758 3.2, RFC 5480 2.1.1.1).
    #[test]
    fn p384_identifiers() {
        assert_eq!(ECDSA_P384_SHA384.public_key_alg_id(), alg_id::ECDSA_P384);
        assert_eq!(ECDSA_P384_SHA384.signature_alg_id(), alg_id::ECDSA_SHA384);
    }
}
