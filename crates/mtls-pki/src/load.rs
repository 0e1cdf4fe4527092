//! Loading certificate chains and private keys from PEM (RFC 7468) or DER files.

use std::path::Path;

use mtls_cert::CertifiedKey;
use mtls_crypto::signature::SigningKey;
use rustls_pki_types::pem::{self, PemObject as _, SectionKind};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use zeroize::Zeroizing;

use crate::error::{PkiError, PkiErrorKind};
use crate::shape::{self, is_encrypted_pkcs8, rsa_modulus_bits};

/// How in-memory inputs are named in errors.
pub(crate) const PEM_INPUT: &str = "the PEM input";
pub(crate) const BYTES_INPUT: &str = "the input";

/// The name of a file in error messages.
pub(crate) fn origin_of(path: &Path) -> String {
    path.display().to_string()
}

/// Reads a whole file; the buffer is wiped when dropped (it may hold a key).
pub(crate) fn read_file(path: &Path) -> Result<Zeroizing<Vec<u8>>, PkiError> {
    std::fs::read(path)
        .map(Zeroizing::new)
        .map_err(|e| PkiError::new(origin_of(path), PkiErrorKind::Io(e)))
}

/// True if `bytes` hold a PEM begin line (anything else is taken as DER).
pub(crate) fn looks_like_pem(bytes: &[u8]) -> bool {
    bytes.windows(11).any(|w| w == b"-----BEGIN ")
}

/// One decoded PEM section; the bytes are wiped when dropped.
pub(crate) type PemSection = (SectionKind, Zeroizing<Vec<u8>>);

/// Every PEM section this crate knows (certificates, keys, CRLs, ...), in order;
/// unknown labels are skipped. The decoded bytes are wiped when dropped.
pub(crate) fn pem_sections(bytes: &[u8], origin: &str) -> Result<Vec<PemSection>, PkiError> {
    <(SectionKind, Vec<u8>)>::pem_slice_iter(bytes)
        .map(|section| {
            section
                .map(|(kind, der)| (kind, Zeroizing::new(der)))
                .map_err(|e| PkiError::new(origin, pem_error(e)))
        })
        .collect()
}

fn pem_error(e: pem::Error) -> PkiErrorKind {
    match e {
        pem::Error::Io(e) => PkiErrorKind::Io(e),
        pem::Error::MissingSectionEnd { end_marker } => PkiErrorKind::Pem(format!(
            "no END line for the section {}",
            String::from_utf8_lossy(&end_marker)
        )),
        pem::Error::IllegalSectionStart { line } => PkiErrorKind::Pem(format!(
            "bad BEGIN line {:?}",
            String::from_utf8_lossy(&line)
        )),
        pem::Error::Base64Decode(d) => PkiErrorKind::Pem(format!("bad base64 ({d})")),
        other => PkiErrorKind::Pem(other.to_string()),
    }
}

// ---- Certificates ----

/// Loads a certificate chain (leaf first, as the TLS `Certificate` message sends it,
/// RFC 5246 7.4.2) from a PEM file with one or more `CERTIFICATE` sections, or a file
/// holding one DER certificate.
///
/// Only the DER framing is checked here; trust is the verifiers' business.
pub fn load_certs(path: impl AsRef<Path>) -> Result<Vec<CertificateDer<'static>>, PkiError> {
    let path = path.as_ref();
    let bytes = read_file(path)?;
    certs_from(&bytes, &origin_of(path))
}

/// Like [`load_certs`], from PEM text in memory.
pub fn certs_from_pem(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, PkiError> {
    certs_from_pem_named(pem, PEM_INPUT)
}

/// Like [`load_certs`], from bytes in memory: PEM, or one DER certificate.
pub fn certs_from_bytes(bytes: &[u8]) -> Result<Vec<CertificateDer<'static>>, PkiError> {
    certs_from(bytes, BYTES_INPUT)
}

pub(crate) fn certs_from(
    bytes: &[u8],
    origin: &str,
) -> Result<Vec<CertificateDer<'static>>, PkiError> {
    if looks_like_pem(bytes) {
        certs_from_pem_named(bytes, origin)
    } else if shape::is_single_sequence(bytes) {
        Ok(vec![CertificateDer::from(bytes.to_vec())])
    } else {
        Err(PkiError::new(origin, PkiErrorKind::NoCertificate))
    }
}

fn certs_from_pem_named(
    pem: &[u8],
    origin: &str,
) -> Result<Vec<CertificateDer<'static>>, PkiError> {
    let mut certs = Vec::new();
    for (kind, der) in pem_sections(pem, origin)? {
        if kind != SectionKind::Certificate {
            continue;
        }
        if !shape::is_single_sequence(&der) {
            return Err(PkiError::new(
                origin,
                PkiErrorKind::InvalidCertificate {
                    index: certs.len(),
                    detail: "not a DER certificate".into(),
                },
            ));
        }
        certs.push(CertificateDer::from(der.to_vec()));
    }
    if certs.is_empty() {
        return Err(PkiError::new(origin, PkiErrorKind::NoCertificate));
    }
    Ok(certs)
}

// ---- Private keys ----

/// Which DER structure a key is in.
#[derive(Clone, Copy)]
enum KeyForm {
    /// `PRIVATE KEY`: PKCS#8 `PrivateKeyInfo` (RFC 5208).
    Pkcs8,
    /// `RSA PRIVATE KEY`: PKCS#1 `RSAPrivateKey` (RFC 8017 A.1.2).
    Pkcs1,
    /// `EC PRIVATE KEY`: SEC1 `ECPrivateKey` (RFC 5915).
    Sec1,
    /// Raw DER: any of the three.
    Unknown,
}

/// Loads the private key that signs for a certificate: RSA (2048 bits or more),
/// ECDSA P-256 or ECDSA P-384, from PEM (`PRIVATE KEY` = PKCS#8, `RSA PRIVATE KEY` = PKCS#1,
/// `EC PRIVATE KEY` = SEC1) or DER in any of those forms. The file must hold exactly one
/// key, unencrypted; certificates next to it are ignored. Buffers that held the key are
/// wiped.
pub fn load_private_key(path: impl AsRef<Path>) -> Result<SigningKey, PkiError> {
    let path = path.as_ref();
    let bytes = read_file(path)?;
    private_key_from(&bytes, &origin_of(path))
}

/// Like [`load_private_key`], from PEM text in memory.
pub fn private_key_from_pem(pem: &[u8]) -> Result<SigningKey, PkiError> {
    private_key_from_pem_named(pem, PEM_INPUT)
}

/// Like [`load_private_key`], from one DER key in memory (PKCS#8, PKCS#1 or SEC1).
pub fn private_key_from_der(der: &[u8]) -> Result<SigningKey, PkiError> {
    decode_key(KeyForm::Unknown, der, BYTES_INPUT)
}

/// Like [`load_private_key`], from bytes in memory: PEM, or one DER key.
pub fn private_key_from_bytes(bytes: &[u8]) -> Result<SigningKey, PkiError> {
    private_key_from(bytes, BYTES_INPUT)
}

/// Like [`load_private_key`], from a key already read into rustls-pki-types' [`PrivateKeyDer`]
/// (e.g. with its `PemObject` trait): PKCS#8, PKCS#1 RSA or SEC1 EC, as the variant says.
pub fn private_key_from_key_der(key: &PrivateKeyDer<'_>) -> Result<SigningKey, PkiError> {
    let form = match key {
        PrivateKeyDer::Pkcs8(_) => KeyForm::Pkcs8,
        PrivateKeyDer::Pkcs1(_) => KeyForm::Pkcs1,
        PrivateKeyDer::Sec1(_) => KeyForm::Sec1,
        _ => KeyForm::Unknown,
    };
    decode_key(form, key.secret_der(), BYTES_INPUT)
}

fn private_key_from(bytes: &[u8], origin: &str) -> Result<SigningKey, PkiError> {
    if looks_like_pem(bytes) {
        private_key_from_pem_named(bytes, origin)
    } else {
        decode_key(KeyForm::Unknown, bytes, origin)
    }
}

fn private_key_from_pem_named(pem: &[u8], origin: &str) -> Result<SigningKey, PkiError> {
    // Encrypted keys: PKCS#8 `ENCRYPTED PRIVATE KEY` (RFC 7468 11), or OpenSSL's legacy
    // `Proc-Type: 4,ENCRYPTED` header inside an RSA/EC PRIVATE KEY section (which the PEM
    // parser would otherwise report as bad base64).
    if contains(pem, b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
        || contains(pem, b"Proc-Type: 4,ENCRYPTED")
    {
        return Err(PkiError::new(origin, PkiErrorKind::EncryptedKey));
    }
    let mut keys: Vec<(KeyForm, Zeroizing<Vec<u8>>)> = pem_sections(pem, origin)?
        .into_iter()
        .filter_map(|(kind, der)| match kind {
            SectionKind::PrivateKey => Some((KeyForm::Pkcs8, der)),
            SectionKind::RsaPrivateKey => Some((KeyForm::Pkcs1, der)),
            SectionKind::EcPrivateKey => Some((KeyForm::Sec1, der)),
            _ => None,
        })
        .collect();
    match keys.len() {
        0 => Err(PkiError::new(origin, PkiErrorKind::NoPrivateKey)),
        1 => match keys.pop() {
            Some((form, der)) => decode_key(form, &der, origin),
            None => Err(PkiError::new(origin, PkiErrorKind::NoPrivateKey)),
        },
        n => Err(PkiError::new(origin, PkiErrorKind::SeveralPrivateKeys(n))),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn decode_key(form: KeyForm, der: &[u8], origin: &str) -> Result<SigningKey, PkiError> {
    let result = match form {
        KeyForm::Pkcs8 => SigningKey::from_pkcs8_der(der),
        KeyForm::Pkcs1 => SigningKey::from_pkcs1_der(der),
        KeyForm::Sec1 => SigningKey::from_sec1_der(der),
        KeyForm::Unknown => SigningKey::from_der(der),
    };
    result.map_err(|e| {
        let kind = match e {
            mtls_crypto::Error::KeyTooSmall => PkiErrorKind::KeyTooSmall(rsa_modulus_bits(der)),
            mtls_crypto::Error::UnsupportedKeyType => PkiErrorKind::UnsupportedKey,
            _ if is_encrypted_pkcs8(der) => PkiErrorKind::EncryptedKey,
            _ if der.is_empty() => PkiErrorKind::NoPrivateKey,
            _ => PkiErrorKind::InvalidKey,
        };
        PkiError::new(origin, kind)
    })
}

/// Loads a certificate chain and its private key and checks that they belong together:
/// what a server (or a client that authenticates) hands to its config.
pub fn load_certified_key(
    chain_path: impl AsRef<Path>,
    key_path: impl AsRef<Path>,
) -> Result<CertifiedKey, PkiError> {
    let (chain_path, key_path) = (chain_path.as_ref(), key_path.as_ref());
    let chain = load_certs(chain_path)?;
    let key = load_private_key(key_path)?;
    CertifiedKey::new(chain, key).map_err(|e| {
        PkiError::new(
            format!("{} with {}", origin_of(chain_path), origin_of(key_path)),
            PkiErrorKind::KeyMismatch(e),
        )
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn keys_from_pki_types() {
        use rustls_pki_types::pem::PemObject as _;
        let pem = rcgen::KeyPair::generate().unwrap().serialize_pem();
        let pem = pem.as_bytes();
        let key = PrivateKeyDer::from_pem_slice(pem).unwrap();
        let signing = private_key_from_key_der(&key).unwrap();
        assert_eq!(
            signing.schemes(),
            private_key_from_pem(pem).unwrap().schemes()
        );
        let pkcs1 = PrivateKeyDer::Pkcs1(key.secret_der().to_vec().into());
        assert!(matches!(
            private_key_from_key_der(&pkcs1).unwrap_err().kind(),
            PkiErrorKind::InvalidKey
        ));
    }

    #[test]
    fn pem_detection() {
        assert!(looks_like_pem(b"junk\n-----BEGIN CERTIFICATE-----\n"));
        assert!(!looks_like_pem(&[0x30, 0x03, 0x02, 0x01, 0x00]));
    }
}
