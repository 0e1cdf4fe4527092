//! Files split into the objects they hold, for `mtls inspect` and `mtls verify --crl`: PEM
//! sections (rustls-pki-types' RFC 7468 reader) or one DER structure recognized by parsing.
//! Buffers that may hold a private key are wiped when dropped.

use std::path::Path;

use rustls_pki_types::pem::{PemObject as _, SectionKind};
use x509_cert::der::Decode;
use zeroize::Zeroizing;

/// What an object is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// An X.509 certificate.
    Certificate,
    /// A certificate revocation list.
    Crl,
    /// A PKCS#10 certificate signing request.
    Csr,
    /// A private key, in the named form (`PKCS#8`, `PKCS#1`, `SEC1`).
    PrivateKey(&'static str),
    /// A password-protected private key.
    EncryptedKey,
    /// A SubjectPublicKeyInfo.
    PublicKey,
    /// A PEM section of another label, or DER that none of the above parses.
    Other(String),
}

/// One object of a file.
pub struct Object {
    /// What it is.
    pub kind: Kind,
    /// Its DER (empty for [`Kind::Other`] and [`Kind::EncryptedKey`]).
    pub der: Zeroizing<Vec<u8>>,
}

/// Reads a file and splits it into objects.
pub fn read(path: &Path) -> Result<Vec<Object>, String> {
    let bytes = std::fs::read(path)
        .map(Zeroizing::new)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    split(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Splits PEM text or one DER structure into objects.
pub fn split(bytes: &[u8]) -> Result<Vec<Object>, String> {
    if !bytes.windows(11).any(|w| w == b"-----BEGIN ") {
        return Ok(vec![classify_der(bytes)]);
    }
    let mut objects = Vec::new();
    // OpenSSL's legacy encrypted keys hide their headers inside the section, which the PEM
    // reader would take for bad base64.
    let text = String::from_utf8_lossy(bytes);
    let legacy_encrypted = text.contains("Proc-Type: 4,ENCRYPTED");
    if !legacy_encrypted {
        for section in <(SectionKind, Vec<u8>)>::pem_slice_iter(bytes) {
            let (kind, der) = section.map_err(|e| format!("malformed PEM ({e})"))?;
            let der = Zeroizing::new(der);
            let kind = match kind {
                SectionKind::Certificate => Kind::Certificate,
                SectionKind::Crl => Kind::Crl,
                SectionKind::Csr => Kind::Csr,
                SectionKind::PrivateKey => Kind::PrivateKey("PKCS#8"),
                SectionKind::RsaPrivateKey => Kind::PrivateKey("PKCS#1"),
                SectionKind::EcPrivateKey => Kind::PrivateKey("SEC1"),
                SectionKind::PublicKey => Kind::PublicKey,
                other => Kind::Other(format!("{other:?}")),
            };
            objects.push(Object { kind, der });
        }
    }
    // Sections of labels the reader skips, by their BEGIN lines.
    for label in text.lines().filter_map(|l| {
        l.trim()
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
    }) {
        let kind = match label {
            "ENCRYPTED PRIVATE KEY" => Kind::EncryptedKey,
            "RSA PRIVATE KEY" | "EC PRIVATE KEY" if legacy_encrypted => Kind::EncryptedKey,
            l if KNOWN.contains(&l) && !legacy_encrypted => continue,
            l => Kind::Other(l.to_string()),
        };
        objects.push(Object {
            kind,
            der: Zeroizing::new(Vec::new()),
        });
    }
    Ok(objects)
}

/// The labels rustls-pki-types reads (and [`split`] therefore has already).
const KNOWN: [&str; 8] = [
    "CERTIFICATE",
    "X509 CRL",
    "CERTIFICATE REQUEST",
    "PRIVATE KEY",
    "RSA PRIVATE KEY",
    "EC PRIVATE KEY",
    "PUBLIC KEY",
    "ECHCONFIG",
];

/// Recognizes one DER structure by parsing it as each kind in turn.
fn classify_der(der: &[u8]) -> Object {
    let kind = if x509_cert::Certificate::from_der(der).is_ok() {
        Kind::Certificate
    } else if x509_cert::crl::CertificateList::<x509_cert::certificate::Rfc5280>::from_der(der)
        .is_ok()
    {
        Kind::Crl
    } else if x509_cert::request::CertReq::from_der(der).is_ok() {
        Kind::Csr
    } else if x509_cert::spki::SubjectPublicKeyInfoOwned::from_der(der).is_ok() {
        Kind::PublicKey
    } else if rsa::pkcs8::PrivateKeyInfoRef::from_der(der).is_ok() {
        Kind::PrivateKey("PKCS#8")
    } else if rsa::pkcs1::RsaPrivateKeyRef::from_der(der).is_ok() {
        Kind::PrivateKey("PKCS#1")
    } else if mtls::SigningKey::from_sec1_der(der).is_ok() {
        Kind::PrivateKey("SEC1")
    } else if is_encrypted_pkcs8(der) {
        Kind::EncryptedKey
    } else {
        Kind::Other(format!(
            "{} bytes that are none of: certificate, CRL, CSR, key",
            der.len()
        ))
    };
    let der = match kind {
        Kind::Other(_) | Kind::EncryptedKey => Zeroizing::new(Vec::new()),
        _ => Zeroizing::new(der.to_vec()),
    };
    Object { kind, der }
}

/// True for a PKCS#8 `EncryptedPrivateKeyInfo` (RFC 5208 6): `SEQUENCE { SEQUENCE
/// (encryptionAlgorithm), OCTET STRING }`.
fn is_encrypted_pkcs8(der: &[u8]) -> bool {
    use x509_cert::der::asn1::AnyRef;
    use x509_cert::der::{Reader as _, SliceReader, Tag, Tagged as _};
    let Ok(outer) = AnyRef::from_der(der) else {
        return false;
    };
    let Ok(mut r) = SliceReader::new(outer.value()) else {
        return false;
    };
    let algorithm = AnyRef::decode(&mut r);
    let data = AnyRef::decode(&mut r);
    matches!(
        (algorithm, data),
        (Ok(a), Ok(d)) if a.tag() == Tag::Sequence && d.tag() == Tag::OctetString
    ) && r.is_finished()
        && outer.tag() == Tag::Sequence
}

/// The DER certificate revocation lists of a file (PEM `X509 CRL` sections, or one DER CRL).
pub fn crls(path: &Path) -> Result<Vec<Vec<u8>>, String> {
    let crls: Vec<Vec<u8>> = read(path)?
        .into_iter()
        .filter(|o| o.kind == Kind::Crl)
        .map(|o| o.der.to_vec())
        .collect();
    if crls.is_empty() {
        return Err(format!(
            "no certificate revocation list found in {}",
            path.display()
        ));
    }
    Ok(crls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_and_der() {
        let pki = crate::throwaway::make_pki(crate::throwaway::KeyType::Ecdsa, &[]).unwrap();
        let pem = format!(
            "{}{}-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
            pki.ca.cert_pem, pki.ca.key_pem
        );
        let kinds: Vec<Kind> = split(pem.as_bytes())
            .unwrap()
            .into_iter()
            .map(|o| o.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                Kind::Certificate,
                Kind::PrivateKey("PKCS#8"),
                Kind::EncryptedKey
            ]
        );
        assert_eq!(split(&pki.ca.cert_der).unwrap()[0].kind, Kind::Certificate);
        assert_eq!(
            split(&pki.ca.key_der).unwrap()[0].kind,
            Kind::PrivateKey("PKCS#8")
        );
        assert!(matches!(split(b"junk").unwrap()[0].kind, Kind::Other(_)));
    }
}
