//! Loading certificates, keys, roots and CRLs from files and memory, and the errors that
//! name the file and say what is wrong with it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::common::*;
use mtls_crypto::signature::SignatureAlgorithm;
use mtls_pki::{
    PkiErrorKind, RootStore, certs_from_bytes, certs_from_pem, load_certified_key, load_certs,
    load_crls, load_private_key, private_key_from_bytes, private_key_from_der,
    private_key_from_pem,
};

/// A scratch file with `contents`, in a temp directory of its own, removed on drop.
struct TempFile(
    std::path::PathBuf,
    #[expect(dead_code, reason = "held for its drop, which removes the directory")]
    tempfile::TempDir,
);

impl TempFile {
    fn new(name: &str, contents: &[u8]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        Self(path, dir)
    }
    fn path(&self) -> &std::path::Path {
        &self.0
    }
    fn name(&self) -> String {
        self.0.display().to_string()
    }
}

// ---- Certificates ----

#[test]
fn certificates_from_pem_and_der_files() {
    let pem = load_certs(vector("pki/server-ecdsa.pem")).unwrap();
    let der = load_certs(vector("pki/server-ecdsa.der")).unwrap();
    assert_eq!(pem.len(), 1);
    assert_eq!(pem, der);
    assert_eq!(der[0].as_ref(), read("pki/server-ecdsa.der"));

    // A chain file: leaf then CA, in file order, with junk text around the sections.
    let mut chain = b"leaf:\n".to_vec();
    chain.extend(read("pki/server-rsa.pem"));
    chain.extend(b"\nthe CA:\r\n");
    chain.extend(read("pki/ca.pem"));
    let f = TempFile::new("chain.pem", &chain);
    let certs = load_certs(f.path()).unwrap();
    assert_eq!(certs.len(), 2);
    assert_eq!(certs[1].as_ref(), read("pki/ca.der"));
    assert_eq!(certs_from_pem(&chain).unwrap(), certs);
    assert_eq!(certs_from_bytes(&chain).unwrap(), certs);
    assert_eq!(
        certs_from_bytes(&read("pki/ca.der")).unwrap()[0].to_vec(),
        read("pki/ca.der")
    );
}

#[test]
fn no_certificate_names_the_file() {
    let path = vector("pki/server-ecdsa.key");
    let err = load_certs(&path).unwrap_err();
    assert!(matches!(err.kind(), PkiErrorKind::NoCertificate));
    assert_eq!(err.origin(), path);
    assert_eq!(err.to_string(), format!("no certificate found in {path}"));

    let f = TempFile::new("garbage.der", b"definitely not DER");
    let err = load_certs(f.path()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("no certificate found in {}", f.name())
    );

    let err = certs_from_pem(b"").unwrap_err();
    assert_eq!(err.to_string(), "no certificate found in the PEM input");
}

#[test]
fn missing_file_names_the_file() {
    let path = vector("pki/no-such-file.pem");
    let err = load_certs(&path).unwrap_err();
    assert!(matches!(err.kind(), PkiErrorKind::Io(_)));
    assert!(
        err.to_string()
            .starts_with(&format!("cannot read {path}: ")),
        "{err}"
    );
    assert!(std::error::Error::source(&err).is_some());
    let err = load_private_key(&path).unwrap_err();
    assert!(err.to_string().contains(&path));
}

#[test]
fn malformed_pem_names_the_file() {
    let f = TempFile::new(
        "bad.pem",
        b"-----BEGIN CERTIFICATE-----\nnot*base64!\n-----END CERTIFICATE-----\n",
    );
    let err = load_certs(f.path()).unwrap_err();
    assert!(matches!(err.kind(), PkiErrorKind::Pem(_)));
    assert!(
        err.to_string()
            .starts_with(&format!("{}: malformed PEM", f.name())),
        "{err}"
    );

    let f = TempFile::new("unterminated.pem", b"-----BEGIN CERTIFICATE-----\nMIIB\n");
    let err = load_certs(f.path()).unwrap_err();
    assert!(err.to_string().contains("no END line"), "{err}");

    // Base64 that decodes, but to something that is not a certificate.
    let f = TempFile::new(
        "notcert.pem",
        b"-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n",
    );
    let err = load_certs(f.path()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{}: certificate #1: not a DER certificate", f.name())
    );
}

// ---- Private keys ----

#[test]
fn private_keys_in_every_encoding() {
    let rsa = SignatureAlgorithm::RsaPkcs1Sha256;
    let ec = SignatureAlgorithm::EcdsaSecp256r1Sha256;
    for (file, scheme) in [
        ("pki/server-rsa.key", rsa),  // PKCS#8 PEM
        ("keys/rsa-pkcs1.pem", rsa),  // PKCS#1 PEM
        ("keys/rsa-pkcs1.der", rsa),  // PKCS#1 DER
        ("pki/server-ecdsa.key", ec), // PKCS#8 PEM
        ("keys/ec-pkcs8.der", ec),    // PKCS#8 DER
        ("keys/ec-sec1.pem", ec),     // SEC1 PEM
        ("keys/ec-sec1.der", ec),     // SEC1 DER
    ] {
        let key = load_private_key(vector(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(key.schemes().contains(&scheme), "{file}");
        let bytes = read(file);
        let from_bytes = private_key_from_bytes(&bytes).unwrap();
        assert_eq!(from_bytes.schemes(), key.schemes());
        if file.ends_with(".der") {
            private_key_from_der(&bytes).unwrap();
        } else {
            private_key_from_pem(&bytes).unwrap();
        }
    }
    // The same key in three encodings signs for the same certificate.
    let chain = load_certs(vector("pki/server-ecdsa.pem")).unwrap();
    for file in [
        "pki/server-ecdsa.key",
        "keys/ec-sec1.der",
        "keys/ec-pkcs8.der",
    ] {
        mtls_cert::CertifiedKey::new(chain.clone(), load_private_key(vector(file)).unwrap())
            .unwrap();
    }
}

#[test]
fn key_next_to_certificates_in_one_file() {
    let mut both = read("pki/server-rsa.pem");
    both.extend(read("keys/rsa-pkcs1.pem"));
    both.extend(read("pki/ca.pem"));
    let f = TempFile::new("combined.pem", &both);
    assert!(load_private_key(f.path()).unwrap().as_rsa().is_some());
    assert_eq!(load_certs(f.path()).unwrap().len(), 2);
}

#[test]
fn encrypted_keys_are_named_as_such() {
    for file in [
        "keys/ec-encrypted-pkcs8.pem",
        "keys/ec-encrypted-pkcs8.der",
        "keys/rsa-encrypted-pkcs1.pem",
    ] {
        let path = vector(file);
        let err = load_private_key(&path).unwrap_err();
        assert!(
            matches!(err.kind(), PkiErrorKind::EncryptedKey),
            "{file}: {err}"
        );
        assert!(
            err.to_string()
                .starts_with(&format!("{path} holds an encrypted key")),
            "{err}"
        );
    }
}

#[test]
fn small_rsa_keys_say_their_size() {
    for file in ["keys/rsa1024-pkcs8.pem", "keys/rsa1024-pkcs1.pem"] {
        let path = vector(file);
        let err = load_private_key(&path).unwrap_err();
        assert!(
            matches!(err.kind(), PkiErrorKind::KeyTooSmall(Some(1024))),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            format!("{path}: the key is RSA-1024; at least 2048 bits needed")
        );
    }
}

#[test]
fn p384_keys_load_with_the_sha384_scheme() {
    // A secp384r1 key prefers ecdsa_secp384r1_sha384 (RFC 8446 4.2.3's pairing); TLS 1.2
    // lets it sign with SHA-256 and SHA-512 too (RFC 5246 7.4.1.4.1).
    let key = load_private_key(vector("keys/p384-pkcs8.pem")).unwrap();
    let codes: Vec<u16> = key.schemes().iter().map(|s| s.to_u16()).collect();
    assert_eq!(codes, [0x0503, 0x0403, 0x0603]);
}

#[test]
fn unsupported_key_types_are_named() {
    for file in ["keys/p521-pkcs8.pem", "keys/ed25519-pkcs8.pem"] {
        let path = vector(file);
        let err = load_private_key(&path).unwrap_err();
        assert!(
            matches!(err.kind(), PkiErrorKind::UnsupportedKey),
            "{file}: {err:?}"
        );
        assert!(
            err.to_string()
                .starts_with(&format!("{path}: unsupported key type"))
        );
    }
}

#[test]
fn missing_several_and_broken_keys() {
    let path = vector("pki/ca.pem");
    let err = load_private_key(&path).unwrap_err();
    assert!(matches!(err.kind(), PkiErrorKind::NoPrivateKey));
    assert!(
        err.to_string()
            .starts_with(&format!("no private key found in {path}"))
    );

    let mut two = read("pki/server-ecdsa.key");
    two.extend(read("keys/ec-sec1.pem"));
    let f = TempFile::new("two-keys.pem", &two);
    let err = load_private_key(f.path()).unwrap_err();
    assert!(matches!(err.kind(), PkiErrorKind::SeveralPrivateKeys(2)));
    assert!(err.to_string().contains("holds 2 private keys"));

    let f = TempFile::new(
        "broken.key",
        b"-----BEGIN PRIVATE KEY-----\naGVsbG8=\n-----END PRIVATE KEY-----\n",
    );
    let err = load_private_key(f.path()).unwrap_err();
    assert!(matches!(err.kind(), PkiErrorKind::InvalidKey), "{err:?}");
    assert!(
        err.to_string()
            .starts_with(&format!("{}: the private key does not decode", f.name()))
    );

    // A certificate in DER is no key.
    let err = private_key_from_der(&read("pki/ca.der")).unwrap_err();
    assert!(matches!(err.kind(), PkiErrorKind::InvalidKey));
}

#[test]
fn certified_key_checks_the_pair() {
    let ck =
        load_certified_key(vector("pki/server-rsa.pem"), vector("keys/rsa-pkcs1.pem")).unwrap();
    assert_eq!(ck.chain.len(), 1);
    let err = load_certified_key(vector("pki/server-rsa.pem"), vector("pki/server-ecdsa.key"))
        .unwrap_err();
    assert!(matches!(
        err.kind(),
        PkiErrorKind::KeyMismatch(mtls_cert::KeyError::KeyDoesNotMatch)
    ));
    // The typed cause is the error's source.
    let source = std::error::Error::source(&err).unwrap();
    assert_eq!(
        source.downcast_ref::<mtls_cert::KeyError>(),
        Some(&mtls_cert::KeyError::KeyDoesNotMatch)
    );
    let msg = err.to_string();
    assert!(
        msg.contains("server-rsa.pem") && msg.contains("server-ecdsa.key"),
        "{msg}"
    );
    assert!(msg.contains("does not belong"), "{msg}");
}

// ---- Roots and CRLs ----

#[test]
fn root_stores_from_files_and_memory() {
    assert_eq!(RootStore::load(vector("pki/ca.pem")).unwrap().len(), 1);
    assert_eq!(RootStore::load(vector("pki/ca.der")).unwrap().len(), 1);
    assert_eq!(RootStore::from_pem(&read("pki/ca.pem")).unwrap().len(), 1);
    assert_eq!(RootStore::from_bytes(&read("pki/ca.der")).unwrap().len(), 1);
    let mut store = RootStore::new();
    assert!(store.is_empty());
    assert_eq!(store.add_file(vector("pss/ca.pem")).unwrap(), 1);
    assert_eq!(store.add_file(vector("pki/ca.pem")).unwrap(), 1);
    assert_eq!(store.len(), 2);
    assert_eq!(store.subjects().len(), 2);

    let path = vector("pki/ca.key");
    let err = RootStore::load(&path).unwrap_err();
    assert_eq!(err.to_string(), format!("no certificate found in {path}"));

    // Well-framed DER that is not a certificate: refused as a trust anchor, by position.
    let mut pem = read("pki/ca.pem");
    pem.extend(b"-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n");
    let f = TempFile::new("roots.pem", &pem);
    let err = RootStore::load(f.path()).unwrap_err();
    assert!(
        err.to_string().starts_with(&format!(
            "{}: certificate #2: not usable as a trust anchor",
            f.name()
        )),
        "{err}"
    );
}

#[test]
fn crls_from_pem_and_der_files() {
    let ca = Ca::root("CRL file CA", ecdsa_key());
    let der = ca.crl(&[7, 8]);
    let f = TempFile::new("ca.crl", &der);
    let crls = load_crls(f.path()).unwrap();
    assert_eq!(crls.len(), 1);
    assert!(!crls[0].issuer().is_empty());

    let f = TempFile::new("certs-only.pem", &read("pki/ca.pem"));
    let err = load_crls(f.path()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("no certificate revocation list found in {}", f.name())
    );

    let f = TempFile::new("bad.crl", &read("pki/ca.der"));
    let err = load_crls(f.path()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with(&format!("{}: CRL #1: ", f.name())),
        "{err}"
    );
}
