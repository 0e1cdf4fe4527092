//! Certificate revocation lists (RFC 5280 5), parsed once when loaded.

use core::fmt;
use std::path::Path;

use rustls_pki_types::pem::SectionKind;
use webpki::{CertRevocationList, OwnedCertRevocationList};

use crate::error::{PkiError, PkiErrorKind};
use crate::load::{BYTES_INPUT, PEM_INPUT, looks_like_pem, origin_of, pem_sections, read_file};
use crate::shape;

/// A parsed X.509 v2 CRL (RFC 5280 5), ready to hand to a verifier's `with_crls`.
/// Delta CRLs and indirect CRLs are not supported (webpki refuses them).
pub struct Crl {
    inner: CertRevocationList<'static>,
}

impl Crl {
    /// Parses one DER `CertificateList`.
    pub fn from_der(der: &[u8]) -> Result<Self, PkiError> {
        parse(der, BYTES_INPUT, 0)
    }

    /// The DER contents of the issuer's `Name` (without the outer SEQUENCE).
    pub fn issuer(&self) -> &[u8] {
        self.inner.issuer()
    }

    pub(crate) fn as_webpki(&self) -> &CertRevocationList<'static> {
        &self.inner
    }
}

impl fmt::Debug for Crl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Crl").finish_non_exhaustive()
    }
}

fn parse(der: &[u8], origin: &str, index: usize) -> Result<Crl, PkiError> {
    OwnedCertRevocationList::from_der(der)
        .map(|crl| Crl {
            inner: CertRevocationList::Owned(crl),
        })
        .map_err(|e| {
            PkiError::new(
                origin,
                PkiErrorKind::InvalidCrl {
                    index,
                    detail: format!("does not parse or is unsupported ({e})"),
                },
            )
        })
}

/// Loads CRLs from a PEM file (`X509 CRL` sections) or a file holding one DER CRL.
pub fn load_crls(path: impl AsRef<Path>) -> Result<Vec<Crl>, PkiError> {
    let path = path.as_ref();
    let bytes = read_file(path)?;
    crls_from(&bytes, &origin_of(path))
}

/// Like [`load_crls`], from PEM text in memory.
pub fn crls_from_pem(pem: &[u8]) -> Result<Vec<Crl>, PkiError> {
    crls_from(pem, PEM_INPUT)
}

/// Like [`load_crls`], from bytes in memory: PEM, or one DER CRL.
pub fn crls_from_bytes(bytes: &[u8]) -> Result<Vec<Crl>, PkiError> {
    crls_from(bytes, BYTES_INPUT)
}

fn crls_from(bytes: &[u8], origin: &str) -> Result<Vec<Crl>, PkiError> {
    if !looks_like_pem(bytes) {
        if shape::is_single_sequence(bytes) {
            return Ok(vec![parse(bytes, origin, 0)?]);
        }
        return Err(PkiError::new(origin, PkiErrorKind::NoCrl));
    }
    let mut crls = Vec::new();
    for (kind, der) in pem_sections(bytes, origin)? {
        if kind == SectionKind::Crl {
            crls.push(parse(&der, origin, crls.len())?);
        }
    }
    if crls.is_empty() {
        return Err(PkiError::new(origin, PkiErrorKind::NoCrl));
    }
    Ok(crls)
}
