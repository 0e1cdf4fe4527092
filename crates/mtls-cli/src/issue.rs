//! An existing CA as an rcgen issuer, for `mtls certs --ca-cert --ca-key`: the CA key is
//! loaded by the library (`mtls::pki::load_certified_key`: PKCS#8, PKCS#1 or SEC1; RSA,
//! P-256 or P-384; checked against the CA certificate) and signs through mtls-crypto; the
//! issuer name is the CA certificate's subject, reproduced attribute by attribute and checked
//! byte for byte on every certificate issued, and the authorityKeyIdentifier is the CA's
//! subjectKeyIdentifier, so that OpenSSL (which compares them) builds the same path.

use std::path::Path;

use rcgen::string::{BmpString, Ia5String, PrintableString, TeletexString};
use rcgen::{CertificateParams, DistinguishedName, DnType, DnValue, Issuer, KeyIdMethod};
use x509_cert::der::asn1::AnyRef;
use x509_cert::der::{Decode, Tag, Tagged as _};

use crate::certinfo::CertInfo;

/// The CA's private key, signing for rcgen with mtls-crypto.
pub struct CaKey {
    key: mtls::SigningKey,
    /// The subjectPublicKey bits of the CA certificate.
    public: Vec<u8>,
    alg: &'static rcgen::SignatureAlgorithm,
    scheme: mtls::SignatureAlgorithm,
}

impl rcgen::PublicKeyData for CaKey {
    fn der_bytes(&self) -> &[u8] {
        &self.public
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        self.alg
    }
}

impl rcgen::SigningKey for CaKey {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        self.key
            .sign(self.scheme, msg, &mut mtls::OsRng)
            .map_err(|_| rcgen::Error::RemoteKeyError)
    }
}

/// An existing CA, loaded.
pub struct Ca {
    /// The issuer rcgen signs with.
    pub issuer: Issuer<'static, CaKey>,
    /// The CA certificate, read.
    pub info: CertInfo,
    /// Certificates to send after a leaf it issues: the CA itself when it is not a root
    /// (with the intermediates that follow it in its file), none for a root.
    pub chain_pem: String,
    /// True when the CA certificate has a subjectKeyIdentifier (leaves then get an
    /// authorityKeyIdentifier).
    pub has_ski: bool,
}

/// Loads the CA certificate (the first of `cert`) and its key.
pub fn load(cert: &Path, key: &Path) -> Result<Ca, String> {
    let certified = mtls::pki::load_certified_key(cert, key).map_err(|e| e.to_string())?;
    let first = certified
        .chain
        .first()
        .ok_or_else(|| format!("no certificate in {}", cert.display()))?;
    let info = CertInfo::parse(first.as_ref()).map_err(|e| format!("{}: {e}", cert.display()))?;
    if !info.is_ca() {
        return Err(format!(
            "{}: {} is not a CA certificate (basicConstraints CA:TRUE is missing)",
            cert.display(),
            info.subject
        ));
    }
    let (alg, scheme) = if certified.key.as_rsa().is_some() {
        (
            &rcgen::PKCS_RSA_SHA256,
            mtls::SignatureAlgorithm::RsaPkcs1Sha256,
        )
    } else if certified.key.schemes().first()
        == Some(&mtls::SignatureAlgorithm::EcdsaSecp384r1Sha384)
    {
        (
            &rcgen::PKCS_ECDSA_P384_SHA384,
            mtls::SignatureAlgorithm::EcdsaSecp384r1Sha384,
        )
    } else {
        (
            &rcgen::PKCS_ECDSA_P256_SHA256,
            mtls::SignatureAlgorithm::EcdsaSecp256r1Sha256,
        )
    };
    let ski = ski_bytes(first.as_ref());
    let mut params = CertificateParams::default();
    params.distinguished_name = distinguished_name(&info.subject_der)
        .map_err(|e| format!("{}: the CA's subject: {e}", cert.display()))?;
    if let Some(ski) = &ski {
        params.key_identifier_method = KeyIdMethod::PreSpecified(ski.clone());
    }
    // Sent after the leaf: the CA when it is an intermediate, and what follows it.
    let mut chain_pem = String::new();
    for c in certified
        .chain
        .iter()
        .filter(|c| CertInfo::parse(c.as_ref()).is_ok_and(|i| !i.self_issued()))
    {
        chain_pem.push_str(&pem("CERTIFICATE", c.as_ref()));
    }
    let key = CaKey {
        key: certified.key,
        public: info.public_key.clone(),
        alg,
        scheme,
    };
    Ok(Ca {
        issuer: Issuer::new(params, key),
        has_ski: ski.is_some(),
        info,
        chain_pem,
    })
}

/// The subjectKeyIdentifier's bytes.
fn ski_bytes(der: &[u8]) -> Option<Vec<u8>> {
    use x509_cert::ext::pkix::SubjectKeyIdentifier;
    let cert = x509_cert::Certificate::from_der(der).ok()?;
    let (_, ski) = cert
        .tbs_certificate()
        .get_extension::<SubjectKeyIdentifier>()
        .ok()??;
    Some(ski.0.as_bytes().to_vec())
}

/// A DER `Name` as rcgen builds it: each attribute with its string type. Several attributes
/// in one RDN, or one attribute type twice, rcgen cannot write; the byte-for-byte check on the
/// issued certificates catches anything else.
fn distinguished_name(der: &[u8]) -> Result<DistinguishedName, String> {
    let name = x509_cert::name::Name::from_der(der).map_err(|e| e.to_string())?;
    let mut dn = DistinguishedName::new();
    let mut seen = Vec::new();
    for rdn in name.iter_rdn() {
        let [atv] = rdn.as_ref().as_slice() else {
            return Err("an RDN with several attributes cannot be reproduced".into());
        };
        let arcs: Vec<u64> = atv.oid.arcs().map(u64::from).collect();
        if seen.contains(&arcs) {
            return Err(format!(
                "the attribute {} appears twice, which cannot be reproduced",
                atv.oid
            ));
        }
        seen.push(arcs.clone());
        let value = AnyRef::from(&atv.value);
        let bytes = value.value();
        let text = || std::str::from_utf8(bytes).map_err(|e| e.to_string());
        let bad = |e: rcgen::Error| e.to_string();
        let v = match value.tag() {
            Tag::Utf8String => DnValue::Utf8String(text()?.to_string()),
            Tag::PrintableString => {
                DnValue::PrintableString(PrintableString::try_from(text()?).map_err(bad)?)
            }
            Tag::Ia5String => DnValue::Ia5String(Ia5String::try_from(text()?).map_err(bad)?),
            Tag::TeletexString => {
                DnValue::TeletexString(TeletexString::try_from(text()?).map_err(bad)?)
            }
            Tag::BmpString => {
                DnValue::BmpString(BmpString::from_utf16be(bytes.to_vec()).map_err(bad)?)
            }
            other => return Err(format!("an attribute of type {other} cannot be reproduced")),
        };
        dn.push(DnType::from_oid(&arcs), v);
    }
    Ok(dn)
}

/// PEM text of one DER object (RFC 7468).
pub fn pem(label: &str, der: &[u8]) -> String {
    x509_cert::der::pem::encode_string(label, x509_cert::der::pem::LineEnding::LF, der)
        .unwrap_or_default()
}
