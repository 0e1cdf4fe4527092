//! Why loading a certificate, key, root store or CRL failed, naming the file.

use core::fmt;

/// A failure to load certificates, a private key, trust anchors or CRLs,
/// with the file (or input) it came from. Its `Display` is a whole sentence
/// meant for an operator: `no certificate found in server.pem`,
/// `key.pem: the key is RSA-1024; at least 2048 bits needed`.
#[derive(Debug)]
pub struct PkiError {
    origin: String,
    kind: PkiErrorKind,
}

/// What was wrong, without the file name.
#[derive(Debug)]
#[non_exhaustive]
pub enum PkiErrorKind {
    /// The file could not be read.
    Io(std::io::Error),
    /// The input looked like PEM but a section is malformed (bad base64, no END line).
    Pem(String),
    /// Neither PEM with a `CERTIFICATE` section nor one DER certificate.
    NoCertificate,
    /// No `PRIVATE KEY`, `RSA PRIVATE KEY` or `EC PRIVATE KEY` section, nor a DER key.
    NoPrivateKey,
    /// More than one private key in one input: which one is meant is ambiguous.
    SeveralPrivateKeys(usize),
    /// A password-protected key (`ENCRYPTED PRIVATE KEY`, or a `Proc-Type: 4,ENCRYPTED`
    /// header); keys must be decrypted before loading.
    EncryptedKey,
    /// An RSA key under 2048 bits; the size, when it could be read.
    KeyTooSmall(Option<usize>),
    /// A key of a type mtls does not sign with (P-521, Ed25519, DSA, ...).
    UnsupportedKey,
    /// The key's DER does not decode as PKCS#8, PKCS#1 or SEC1.
    InvalidKey,
    /// A certificate is not a well-formed DER structure, or is refused as a trust anchor;
    /// `index` counts from 0 in the input's order.
    InvalidCertificate {
        /// Position of the certificate in the input, from 0.
        index: usize,
        /// What was wrong.
        detail: String,
    },
    /// A certificate revocation list does not parse or is unsupported.
    InvalidCrl {
        /// Position of the CRL in the input, from 0.
        index: usize,
        /// What was wrong.
        detail: String,
    },
    /// No CRL section in the input.
    NoCrl,
    /// The chain and the private key do not form a certified key: the key does not match
    /// the first certificate of the chain, the chain is empty, or its leaf does not parse.
    KeyMismatch(mtls_cert::KeyError),
}

impl PkiError {
    pub(crate) fn new(origin: impl Into<String>, kind: PkiErrorKind) -> Self {
        Self {
            origin: origin.into(),
            kind,
        }
    }

    /// The file (its path as given) or a description of the in-memory input.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// What was wrong.
    pub fn kind(&self) -> &PkiErrorKind {
        &self.kind
    }
}

impl fmt::Display for PkiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = &self.origin;
        match &self.kind {
            PkiErrorKind::Io(e) => write!(f, "cannot read {o}: {e}"),
            PkiErrorKind::Pem(d) => write!(f, "{o}: malformed PEM: {d}"),
            PkiErrorKind::NoCertificate => write!(f, "no certificate found in {o}"),
            PkiErrorKind::NoPrivateKey => write!(
                f,
                "no private key found in {o} (expected a PEM PRIVATE KEY, RSA PRIVATE KEY or \
                 EC PRIVATE KEY section, or a DER key)"
            ),
            PkiErrorKind::SeveralPrivateKeys(n) => {
                write!(f, "{o} holds {n} private keys; put exactly one in the file")
            }
            PkiErrorKind::EncryptedKey => write!(
                f,
                "{o} holds an encrypted key; decrypt it first (e.g. `openssl pkey -in {o} \
                 -out plain.key`)"
            ),
            PkiErrorKind::KeyTooSmall(Some(bits)) => {
                write!(f, "{o}: the key is RSA-{bits}; at least 2048 bits needed")
            }
            PkiErrorKind::KeyTooSmall(None) => {
                write!(
                    f,
                    "{o}: the RSA key is too small; at least 2048 bits needed"
                )
            }
            PkiErrorKind::UnsupportedKey => write!(
                f,
                "{o}: unsupported key type; only RSA (2048 bits or more), ECDSA P-256 and \
                 ECDSA P-384 keys are supported"
            ),
            PkiErrorKind::InvalidKey => write!(
                f,
                "{o}: the private key does not decode (expected PKCS#8, PKCS#1 RSA or SEC1 EC)"
            ),
            PkiErrorKind::InvalidCertificate { index, detail } => {
                write!(f, "{o}: certificate #{}: {detail}", index + 1)
            }
            PkiErrorKind::InvalidCrl { index, detail } => {
                write!(f, "{o}: CRL #{}: {detail}", index + 1)
            }
            PkiErrorKind::NoCrl => write!(f, "no certificate revocation list found in {o}"),
            PkiErrorKind::KeyMismatch(d) => write!(f, "{o}: {d}"),
        }
    }
}

impl std::error::Error for PkiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            PkiErrorKind::Io(e) => Some(e),
            PkiErrorKind::KeyMismatch(e) => Some(e),
            _ => None,
        }
    }
}
