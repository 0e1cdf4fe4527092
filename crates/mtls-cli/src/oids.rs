//! Names for the object identifiers `mtls verify` and `mtls inspect` show: key and signature
//! algorithms, extended key usages, extensions. Unknown ones come from const-oid's database,
//! or print dotted.

use x509_cert::der::asn1::ObjectIdentifier;
use x509_cert::der::oid::db::{self, rfc5280, rfc5912};

/// `id-kp-serverAuth` (RFC 5280 4.2.1.12).
pub const SERVER_AUTH: ObjectIdentifier = rfc5280::ID_KP_SERVER_AUTH;
/// `id-kp-clientAuth` (RFC 5280 4.2.1.12).
pub const CLIENT_AUTH: ObjectIdentifier = rfc5280::ID_KP_CLIENT_AUTH;

/// `id-Ed25519` (RFC 8410).
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
/// `id-Ed448` (RFC 8410).
const ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
/// `id-X25519` (RFC 8410).
const X25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.110");
/// `id-RSASSA-PSS` (RFC 4055).
const RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
/// `ecdsa-with-SHA1` (RFC 3279).
const ECDSA_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.1");
/// `md5WithRSAEncryption` (RFC 3279).
const MD5_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.4");
/// `id-dsa` (RFC 3279).
const DSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.1");

/// A signature algorithm: `ecdsa-with-SHA256`, `sha256WithRSAEncryption`, `RSASSA-PSS`, ...
pub fn signature_algorithm(oid: &ObjectIdentifier) -> String {
    let known = [
        (rfc5912::ECDSA_WITH_SHA_256, "ecdsa-with-SHA256"),
        (rfc5912::ECDSA_WITH_SHA_384, "ecdsa-with-SHA384"),
        (rfc5912::ECDSA_WITH_SHA_512, "ecdsa-with-SHA512"),
        (
            rfc5912::SHA_256_WITH_RSA_ENCRYPTION,
            "sha256WithRSAEncryption",
        ),
        (
            rfc5912::SHA_384_WITH_RSA_ENCRYPTION,
            "sha384WithRSAEncryption",
        ),
        (
            rfc5912::SHA_512_WITH_RSA_ENCRYPTION,
            "sha512WithRSAEncryption",
        ),
        (rfc5912::SHA_1_WITH_RSA_ENCRYPTION, "sha1WithRSAEncryption"),
        (ECDSA_SHA1, "ecdsa-with-SHA1"),
        (MD5_RSA, "md5WithRSAEncryption"),
        (RSASSA_PSS, "RSASSA-PSS"),
        (ED25519, "Ed25519"),
        (ED448, "Ed448"),
    ];
    known
        .iter()
        .find(|(o, _)| o == oid)
        .map_or_else(|| any(oid), |(_, name)| (*name).to_string())
}

/// What a SubjectPublicKeyInfo's (or PKCS#8's) algorithm says about the key, without its
/// size: `ECDSA P-256`, `RSA`, `Ed25519`, ...; `rsa` is true when the size is the modulus'.
pub fn key_algorithm(oid: &ObjectIdentifier, curve: Option<&ObjectIdentifier>) -> String {
    if *oid == rfc5912::RSA_ENCRYPTION {
        return "RSA".into();
    }
    if *oid == RSASSA_PSS {
        return "RSA-PSS".into();
    }
    if *oid == rfc5912::ID_EC_PUBLIC_KEY {
        return match curve {
            Some(c) if *c == rfc5912::SECP_256_R_1 => "ECDSA P-256".into(),
            Some(c) if *c == rfc5912::SECP_384_R_1 => "ECDSA P-384".into(),
            Some(c) if *c == rfc5912::SECP_521_R_1 => "ECDSA P-521".into(),
            Some(c) => format!("EC on curve {}", any(c)),
            None => "EC (no named curve)".into(),
        };
    }
    let known = [
        (ED25519, "Ed25519"),
        (ED448, "Ed448"),
        (X25519, "X25519"),
        (DSA, "DSA"),
    ];
    known
        .iter()
        .find(|(o, _)| o == oid)
        .map_or_else(|| any(oid), |(_, name)| (*name).to_string())
}

/// True for rsaEncryption and RSASSA-PSS keys (whose size is their modulus).
pub fn is_rsa(oid: &ObjectIdentifier) -> bool {
    *oid == rfc5912::RSA_ENCRYPTION || *oid == RSASSA_PSS
}

/// An extended key usage: `serverAuth`, `clientAuth`, ...
pub fn key_purpose(oid: &ObjectIdentifier) -> String {
    let known = [
        (SERVER_AUTH, "serverAuth"),
        (CLIENT_AUTH, "clientAuth"),
        (rfc5280::ID_KP_CODE_SIGNING, "codeSigning"),
        (rfc5280::ID_KP_EMAIL_PROTECTION, "emailProtection"),
        (rfc5280::ID_KP_TIME_STAMPING, "timeStamping"),
        (rfc5280::ID_KP_OCSP_SIGNING, "OCSPSigning"),
        (rfc5280::ANY_EXTENDED_KEY_USAGE, "anyExtendedKeyUsage"),
    ];
    known
        .iter()
        .find(|(o, _)| o == oid)
        .map_or_else(|| any(oid), |(_, name)| (*name).to_string())
}

/// Any OID: its name in const-oid's database, or dotted.
pub fn any(oid: &ObjectIdentifier) -> String {
    db::DB
        .by_oid(oid)
        .map_or_else(|| oid.to_string(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(key_purpose(&CLIENT_AUTH), "clientAuth");
        assert_eq!(
            key_algorithm(&rfc5912::ID_EC_PUBLIC_KEY, Some(&rfc5912::SECP_384_R_1)),
            "ECDSA P-384"
        );
        assert_eq!(
            signature_algorithm(&rfc5912::ECDSA_WITH_SHA_256),
            "ecdsa-with-SHA256"
        );
        assert_eq!(
            any(&rfc5280::ID_CE_BASIC_CONSTRAINTS),
            "id-ce-basicConstraints"
        );
    }
}
