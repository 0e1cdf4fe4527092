//! Trust anchors: the CA certificates a verifier trusts (RFC 5280 6.1.1 (d)).

use core::fmt;
use std::path::Path;

use mtls_cert::DistinguishedName;
use mtls_crypto::HashAlgorithm;
use mtls_crypto::provider::CryptoProvider;
use rustls_pki_types::{CertificateDer, TrustAnchor};

use crate::error::{PkiError, PkiErrorKind};
use crate::load::{BYTES_INPUT, PEM_INPUT, certs_from, origin_of, read_file};
use crate::shape;

/// The trusted root CAs of a [`WebPkiServerVerifier`](crate::WebPkiServerVerifier) or
/// [`WebPkiClientVerifier`](crate::WebPkiClientVerifier), and the CA names a server puts in
/// CertificateRequest (RFC 5246 7.4.4 `certificate_authorities`).
///
/// Each root is reduced to its subject, public key and name constraints; its own validity
/// period and extensions are not checked (RFC 5280 6.1.1 treats the anchor as given).
#[derive(Clone, Default)]
pub struct RootStore {
    anchors: Vec<TrustAnchor<'static>>,
}

impl RootStore {
    /// An empty store (trusts nothing).
    pub fn new() -> Self {
        Self::default()
    }

    /// Loads every certificate of a PEM file (or the one certificate of a DER file) as a
    /// trusted root.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, PkiError> {
        let mut store = Self::new();
        store.add_file(path)?;
        Ok(store)
    }

    /// A store of the roots in PEM text (one or more `CERTIFICATE` sections).
    pub fn from_pem(pem: &[u8]) -> Result<Self, PkiError> {
        let mut store = Self::new();
        store.add_certs(&certs_from(pem, PEM_INPUT)?, PEM_INPUT)?;
        Ok(store)
    }

    /// A store of the roots in bytes: PEM, or one DER certificate.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, PkiError> {
        let mut store = Self::new();
        store.add_certs(&certs_from(bytes, BYTES_INPUT)?, BYTES_INPUT)?;
        Ok(store)
    }

    /// Adds every certificate of a file; returns how many were added.
    pub fn add_file(&mut self, path: impl AsRef<Path>) -> Result<usize, PkiError> {
        let path = path.as_ref();
        let origin = origin_of(path);
        let certs = certs_from(&read_file(path)?, &origin)?;
        self.add_certs(&certs, &origin)
    }

    /// Adds one DER certificate as a trusted root.
    pub fn add(&mut self, cert: &CertificateDer<'_>) -> Result<(), PkiError> {
        self.add_certs(std::slice::from_ref(cert), BYTES_INPUT)
            .map(|_| ())
    }

    /// Adds all or none of `certs`; `origin` names them in errors.
    fn add_certs(&mut self, certs: &[CertificateDer<'_>], origin: &str) -> Result<usize, PkiError> {
        let mut anchors = Vec::with_capacity(certs.len());
        for (index, cert) in certs.iter().enumerate() {
            let anchor = webpki::anchor_from_trusted_cert(cert).map_err(|e| {
                PkiError::new(
                    origin,
                    PkiErrorKind::InvalidCertificate {
                        index,
                        detail: format!("not usable as a trust anchor ({e})"),
                    },
                )
            })?;
            anchors.push(anchor.to_owned());
        }
        self.anchors.extend(anchors);
        Ok(certs.len())
    }

    /// How many roots the store holds.
    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    /// True if the store trusts nothing.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    /// The roots' subjects as DER `Name`s (RFC 5280 4.1.2.6), in the order added, without
    /// duplicates: the `certificate_authorities` of a CertificateRequest (RFC 5246 7.4.4).
    pub fn subjects(&self) -> Vec<DistinguishedName> {
        let mut names: Vec<DistinguishedName> = Vec::with_capacity(self.anchors.len());
        for anchor in &self.anchors {
            // webpki keeps the contents of the Name SEQUENCE; the wire wants the whole TLV
            // (which always encodes: webpki read it from a certificate).
            let Some(name) = shape::sequence_of(anchor.subject.as_ref()).map(DistinguishedName)
            else {
                continue;
            };
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    /// SHA-256 (on `provider`) over every root (subject, public key, name constraints), in
    /// the order added: equal for stores that trust the same roots the same way.
    pub fn digest(&self, provider: &CryptoProvider) -> [u8; 32] {
        let mut h = provider.hash(HashAlgorithm::Sha256);
        h.update(b"mtls root store v1");
        for anchor in &self.anchors {
            let constraints = anchor.name_constraints.as_ref().map(|c| c.as_ref());
            for part in [
                Some(anchor.subject.as_ref()),
                Some(anchor.subject_public_key_info.as_ref()),
                constraints,
            ] {
                // Present or not, then length-prefixed: no two stores hash alike by accident.
                h.update(&[u8::from(part.is_some())]);
                let part = part.unwrap_or_default();
                h.update(&(part.len() as u64).to_be_bytes());
                h.update(part);
            }
        }
        let mut out = [0u8; 32];
        out.copy_from_slice(h.finish().as_slice());
        out
    }

    pub(crate) fn anchors(&self) -> &[TrustAnchor<'static>] {
        &self.anchors
    }
}

impl fmt::Debug for RootStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RootStore")
            .field("roots", &self.anchors.len())
            .finish()
    }
}
