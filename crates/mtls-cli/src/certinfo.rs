//! What a certificate says, read once with x509-cert for `mtls verify` and `mtls inspect`:
//! names, validity, key, extensions, fingerprint, and the raw pieces a signature check needs
//! (the signed bytes, the signature, the algorithm identifiers). Parsing only: trust is the
//! library verifier's decision.

use std::fmt::Write as _;
use std::net::IpAddr;

use serde_json::{Value, json};
use x509_cert::Certificate;
use x509_cert::der::asn1::{AnyRef, ObjectIdentifier};
use x509_cert::der::{Decode, Encode, Reader, SliceReader};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAltName,
    SubjectKeyIdentifier,
};
use x509_cert::spki::SubjectPublicKeyInfoOwned;

use crate::{oids, when};

/// One subjectAltName entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum San {
    /// dNSName, lowercase.
    Dns(String),
    /// iPAddress.
    Ip(IpAddr),
    /// uniformResourceIdentifier (a SPIFFE ID, say).
    Uri(String),
    /// rfc822Name.
    Email(String),
    /// Any other form, described.
    Other(String),
}

impl std::fmt::Display for San {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Dns(n) => write!(f, "DNS:{n}"),
            Self::Ip(ip) => write!(f, "IP:{ip}"),
            Self::Uri(u) => write!(f, "URI:{u}"),
            Self::Email(e) => write!(f, "email:{e}"),
            Self::Other(o) => f.write_str(o),
        }
    }
}

/// A certificate, read.
#[derive(Debug, Clone)]
pub struct CertInfo {
    /// Subject, as `CN=..., O=...` (the order of the encoding, as OpenSSL prints it).
    pub subject: String,
    /// The subject `Name`, DER (what an issuer name is compared with, byte for byte).
    pub subject_der: Vec<u8>,
    /// Issuer, as the subject.
    pub issuer: String,
    /// The issuer `Name`, DER.
    pub issuer_der: Vec<u8>,
    /// Serial number, big-endian bytes.
    pub serial: Vec<u8>,
    /// notBefore, Unix seconds.
    pub not_before: u64,
    /// notAfter, Unix seconds.
    pub not_after: u64,
    /// Key type and size: `ECDSA P-256`, `RSA-2048`.
    pub key: String,
    /// The SubjectPublicKeyInfo's AlgorithmIdentifier, contents only (as webpki matches it).
    pub key_alg_id: Vec<u8>,
    /// The subjectPublicKey bits.
    pub public_key: Vec<u8>,
    /// Signature algorithm name.
    pub signature_alg: String,
    /// The signatureAlgorithm AlgorithmIdentifier, contents only.
    pub signature_alg_id: Vec<u8>,
    /// The signed bytes: the tbsCertificate as encoded.
    pub tbs: Vec<u8>,
    /// The signature bits.
    pub signature: Vec<u8>,
    /// subjectAltName entries.
    pub sans: Vec<San>,
    /// extendedKeyUsage purposes; `None` when the extension is absent (any purpose).
    pub eku: Option<Vec<ObjectIdentifier>>,
    /// keyUsage bits by name; `None` when the extension is absent.
    pub key_usage: Option<Vec<&'static str>>,
    /// basicConstraints: `Some((cA, pathLenConstraint))`; `None` when absent.
    pub basic_constraints: Option<(bool, Option<u8>)>,
    /// subjectKeyIdentifier, hex.
    pub ski: Option<String>,
    /// authorityKeyIdentifier keyIdentifier, hex.
    pub aki: Option<String>,
    /// SHA-256 of the DER, `AB:CD:...`.
    pub fingerprint: String,
}

impl CertInfo {
    /// Reads a DER certificate.
    pub fn parse(der: &[u8]) -> Result<Self, String> {
        let bad = |e: x509_cert::der::Error| format!("not an X.509 certificate ({e})");
        let cert = Certificate::from_der(der).map_err(bad)?;
        let tbs_cert = cert.tbs_certificate();
        let spki = tbs_cert.subject_public_key_info();
        let (subject, subject_der) = name(tbs_cert.subject()).map_err(bad)?;
        let (issuer, issuer_der) = name(tbs_cert.issuer()).map_err(bad)?;
        let validity = tbs_cert.validity();
        let mut info = Self {
            subject,
            subject_der,
            issuer,
            issuer_der,
            serial: tbs_cert.serial_number().as_bytes().to_vec(),
            not_before: validity.not_before.to_unix_duration().as_secs(),
            not_after: validity.not_after.to_unix_duration().as_secs(),
            key: describe_spki(spki),
            key_alg_id: contents(&spki.algorithm.to_der().map_err(bad)?),
            public_key: spki.subject_public_key.raw_bytes().to_vec(),
            signature_alg: oids::signature_algorithm(&cert.signature_algorithm().oid),
            signature_alg_id: contents(&cert.signature_algorithm().to_der().map_err(bad)?),
            tbs: first_element(der).map_err(bad)?,
            signature: cert.signature().raw_bytes().to_vec(),
            sans: Vec::new(),
            eku: None,
            key_usage: None,
            basic_constraints: None,
            ski: None,
            aki: None,
            fingerprint: fingerprint(der),
        };
        // An extension that does not decode is left out here; the verifier refuses it.
        if let Ok(Some((_, san))) = tbs_cert.get_extension::<SubjectAltName>() {
            info.sans = san.0.iter().map(general_name).collect();
        }
        if let Ok(Some((_, eku))) = tbs_cert.get_extension::<ExtendedKeyUsage>() {
            info.eku = Some(eku.0);
        }
        if let Ok(Some((_, ku))) = tbs_cert.get_extension::<KeyUsage>() {
            info.key_usage = Some(key_usages(&ku));
        }
        if let Ok(Some((_, bc))) = tbs_cert.get_extension::<BasicConstraints>() {
            info.basic_constraints = Some((bc.ca, bc.path_len_constraint));
        }
        if let Ok(Some((_, ski))) = tbs_cert.get_extension::<SubjectKeyIdentifier>() {
            info.ski = Some(colon_hex(ski.0.as_bytes()));
        }
        if let Ok(Some((_, aki))) = tbs_cert.get_extension::<AuthorityKeyIdentifier>() {
            info.aki = aki.key_identifier.map(|k| colon_hex(k.as_bytes()));
        }
        Ok(info)
    }

    /// True when issuer and subject are the same name (a root, or a self-issued certificate).
    pub fn self_issued(&self) -> bool {
        self.subject_der == self.issuer_der
    }

    /// True when basicConstraints says cA.
    pub fn is_ca(&self) -> bool {
        matches!(self.basic_constraints, Some((true, _)))
    }

    /// The serial number as `3A:F2:...`.
    pub fn serial_hex(&self) -> String {
        colon_hex(&self.serial)
    }

    /// The EKU purposes by name, or `None` when the extension is absent.
    pub fn eku_names(&self) -> Option<Vec<String>> {
        self.eku
            .as_ref()
            .map(|e| e.iter().map(oids::key_purpose).collect())
    }

    /// The subjectAltName entries, comma-separated; `(none)` without any.
    pub fn sans_text(&self) -> String {
        if self.sans.is_empty() {
            return "(none)".into();
        }
        let all: Vec<String> = self.sans.iter().map(ToString::to_string).collect();
        all.join(", ")
    }

    /// The facts as indented lines (`  subject     CN=...`), for the text output.
    pub fn lines(&self, indent: &str) -> String {
        let mut out = String::new();
        let mut line = |label: &str, value: &str| {
            let _ = writeln!(out, "{indent}{label:<18}{value}");
        };
        line("subject", &self.subject);
        let issuer = if self.self_issued() {
            format!("{} (self-issued)", self.issuer)
        } else {
            self.issuer.clone()
        };
        line("issuer", &issuer);
        line("serial", &self.serial_hex());
        line(
            "validity",
            &format!(
                "{} .. {}",
                when::utc(self.not_before),
                when::utc(self.not_after)
            ),
        );
        line("key", &self.key);
        line("signature", &self.signature_alg);
        line("subjectAltName", &self.sans_text());
        let eku = self
            .eku_names()
            .map_or_else(|| "(absent: any purpose)".into(), |e| e.join(", "));
        line("extendedKeyUsage", &eku);
        let ku = self
            .key_usage
            .as_ref()
            .map_or_else(|| "(absent)".into(), |k| k.join(", "));
        line("keyUsage", &ku);
        let bc = match self.basic_constraints {
            None => "(absent: not a CA)".into(),
            Some((ca, None)) => format!("CA:{}", if ca { "TRUE" } else { "FALSE" }),
            Some((ca, Some(n))) => {
                format!("CA:{}, pathlen:{n}", if ca { "TRUE" } else { "FALSE" })
            }
        };
        line("basicConstraints", &bc);
        if let Some(ski) = &self.ski {
            line("subjectKeyId", ski);
        }
        if let Some(aki) = &self.aki {
            line("authorityKeyId", aki);
        }
        line("SHA-256", &self.fingerprint);
        out
    }

    /// The facts as a JSON object.
    pub fn json(&self) -> Value {
        json!({
            "subject": self.subject,
            "issuer": self.issuer,
            "self_issued": self.self_issued(),
            "serial": self.serial_hex(),
            "not_before": when::rfc3339(self.not_before),
            "not_after": when::rfc3339(self.not_after),
            "key": self.key,
            "signature_algorithm": self.signature_alg,
            "subject_alt_names": self.sans.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "extended_key_usage": self.eku_names(),
            "key_usage": self.key_usage,
            "basic_constraints": self.basic_constraints.map(|(ca, path_len)| json!({
                "ca": ca,
                "path_len": path_len,
            })),
            "subject_key_id": self.ski,
            "authority_key_id": self.aki,
            "sha256": self.fingerprint,
        })
    }
}

/// A `Name` as text (`CN=..., O=...`) and as DER.
fn name(n: &x509_cert::name::Name) -> Result<(String, Vec<u8>), x509_cert::der::Error> {
    let der = n.to_der()?;
    let text = match crate::common::name_text(n) {
        t if t.is_empty() => "(empty name)".to_string(),
        t => t,
    };
    Ok((text, der))
}

/// A DER `Name` as text, or a note that it does not decode.
pub fn name_text(der: &[u8]) -> String {
    x509_cert::name::Name::from_der(der)
        .ok()
        .and_then(|n| name(&n).ok())
        .map_or_else(|| "(a name that does not decode)".into(), |(t, _)| t)
}

/// The contents of a DER TLV (the AlgorithmIdentifier without its SEQUENCE header).
fn contents(der: &[u8]) -> Vec<u8> {
    AnyRef::from_der(der).map_or_else(|_| Vec::new(), |a| a.value().to_vec())
}

/// The first element of a DER SEQUENCE, as encoded (the signed part of a certificate, CRL or
/// CSR: re-encoding a parsed structure could change bytes a signature covers).
pub fn first_element(der: &[u8]) -> Result<Vec<u8>, x509_cert::der::Error> {
    let outer = AnyRef::from_der(der)?;
    let mut reader = SliceReader::new(outer.value())?;
    Ok(reader.tlv_bytes()?.to_vec())
}

/// Key type and size of a SubjectPublicKeyInfo: `ECDSA P-256`, `RSA-2048`, `Ed25519`.
pub fn describe_spki(spki: &SubjectPublicKeyInfoOwned) -> String {
    let alg = &spki.algorithm;
    let curve = alg
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
    let kind = oids::key_algorithm(&alg.oid, curve.as_ref());
    if oids::is_rsa(&alg.oid) {
        match rsa::pkcs1::RsaPublicKeyRef::from_der(spki.subject_public_key.raw_bytes()) {
            Ok(k) => format!("{kind}-{}", uint_bits(k.modulus.as_bytes())),
            Err(_) => format!("{kind} (the key does not decode)"),
        }
    } else {
        kind
    }
}

/// The bit length of a big-endian unsigned integer.
pub fn uint_bits(bytes: &[u8]) -> usize {
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    match bytes.get(skip) {
        Some(first) => (bytes.len() - skip) * 8 - first.leading_zeros() as usize,
        None => 0,
    }
}

/// SHA-256 of `der` as `AB:CD:...`.
pub fn fingerprint(der: &[u8]) -> String {
    let digest = mtls_crypto::Hash::digest(mtls_crypto::HashAlgorithm::Sha256, der);
    colon_hex(digest.as_slice())
}

/// Bytes as uppercase hex pairs joined by colons.
pub fn colon_hex(bytes: &[u8]) -> String {
    let hex = hex::encode_upper(bytes);
    let pairs: Vec<&str> = hex
        .as_bytes()
        .chunks(2)
        .filter_map(|p| std::str::from_utf8(p).ok())
        .collect();
    pairs.join(":")
}

/// One subjectAltName entry, read.
pub fn general_name(n: &GeneralName) -> San {
    match n {
        GeneralName::DnsName(d) => San::Dns(d.as_str().to_ascii_lowercase()),
        GeneralName::IpAddress(ip) => match ip.as_bytes() {
            &[a, b, c, d] => San::Ip(IpAddr::from([a, b, c, d])),
            b => <[u8; 16]>::try_from(b).map_or_else(
                |_| San::Other(format!("IP:(bad length {})", b.len())),
                |a| San::Ip(IpAddr::from(a)),
            ),
        },
        GeneralName::UniformResourceIdentifier(u) => San::Uri(u.to_string()),
        GeneralName::Rfc822Name(e) => San::Email(e.to_string()),
        GeneralName::DirectoryName(n) => San::Other(format!(
            "dirName:{}",
            n.iter_rdn()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )),
        GeneralName::OtherName(o) => San::Other(format!("otherName:{}", oids::any(&o.type_id))),
        GeneralName::RegisteredId(o) => San::Other(format!("RID:{}", oids::any(o))),
        GeneralName::EdiPartyName(_) => San::Other("ediPartyName".into()),
    }
}

fn key_usages(ku: &KeyUsage) -> Vec<&'static str> {
    [
        (ku.digital_signature(), "digitalSignature"),
        (ku.non_repudiation(), "nonRepudiation"),
        (ku.key_encipherment(), "keyEncipherment"),
        (ku.data_encipherment(), "dataEncipherment"),
        (ku.key_agreement(), "keyAgreement"),
        (ku.key_cert_sign(), "keyCertSign"),
        (ku.crl_sign(), "cRLSign"),
        (ku.encipher_only(), "encipherOnly"),
        (ku.decipher_only(), "decipherOnly"),
    ]
    .into_iter()
    .filter_map(|(set, name)| set.then_some(name))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(colon_hex(&[0x0a, 0xff, 0x01]), "0A:FF:01");
        assert_eq!(uint_bits(&[0x00, 0x80, 0, 0]), 24);
        assert_eq!(uint_bits(&[0x01]), 1);
        assert_eq!(uint_bits(&[]), 0);
    }

    #[test]
    fn reads_a_certificate() {
        let pki = crate::throwaway::make_pki(
            crate::throwaway::KeyType::Ecdsa,
            &["localhost".to_string()],
        )
        .unwrap();
        let ca = CertInfo::parse(&pki.ca.cert_der).unwrap();
        let server = CertInfo::parse(&pki.server.cert_der).unwrap();
        assert!(ca.self_issued() && ca.is_ca());
        assert_eq!(server.issuer_der, ca.subject_der);
        assert_eq!(server.key, "ECDSA P-256");
        assert_eq!(server.signature_alg, "ecdsa-with-SHA256");
        assert_eq!(
            server.sans,
            vec![
                San::Dns("localhost".into()),
                San::Ip(IpAddr::from([127, 0, 0, 1]))
            ]
        );
        assert_eq!(server.eku_names(), Some(vec!["serverAuth".to_string()]));
        assert_eq!(
            server.key_usage,
            Some(vec!["digitalSignature", "keyEncipherment"])
        );
        assert!(
            server
                .lines("  ")
                .contains("subjectAltName    DNS:localhost, IP:127.0.0.1")
        );
    }
}
