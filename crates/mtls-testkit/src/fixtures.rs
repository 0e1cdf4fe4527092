//! The test PKI: DER certificates and keys compiled in (`fixtures/`), the same PKI as PEM
//! files for real peers (`vectors/pki/`), and the captured handshakes of other
//! implementations (`vectors/<session>/`). How each was made: `fixtures/README.md` and
//! `vectors/README.md` in this crate.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use mtls_crypto::signature::SigningKey;
use mtls_handshake::{CertificateDer, CertifiedKey};

/// Declares one const per DER fixture and the table [`fixture`] looks names up in.
macro_rules! fixtures {
    ($($(#[$doc:meta])* $name:ident = $file:literal;)*) => {
        $(
            $(#[$doc])*
            pub const $name: &[u8] = include_bytes!(concat!("../fixtures/", $file));
        )*
        /// Every DER fixture by file name.
        const TABLE: &[(&str, &[u8])] = &[$(($file, $name)),*];
    };
}

fixtures! {
    /// The P-256 test CA (`CN=mtls test CA`) that issued every leaf below but the P-384 ones.
    CA = "ca.cert.der";
    /// ECDSA P-256 server leaf for `localhost` / `127.0.0.1` (serverAuth).
    SERVER_ECDSA = "server-ecdsa.cert.der";
    /// Its PKCS#8 key.
    SERVER_ECDSA_KEY = "server-ecdsa.key.der";
    /// RSA-2048 server leaf for `localhost` / `127.0.0.1` (serverAuth, keyEncipherment too).
    SERVER_RSA = "server-rsa.cert.der";
    /// Its PKCS#8 key.
    SERVER_RSA_KEY = "server-rsa.key.der";
    /// ECDSA P-256 server leaf for `other.example` and `*.other.example` (choosing by SNI).
    SERVER_OTHER = "server-other.cert.der";
    /// Its PKCS#8 key.
    SERVER_OTHER_KEY = "server-other.key.der";
    /// ECDSA P-256 client leaf (clientAuth).
    CLIENT_ECDSA = "client-ecdsa.cert.der";
    /// Its PKCS#8 key.
    CLIENT_ECDSA_KEY = "client-ecdsa.key.der";
    /// RSA-2048 client leaf (clientAuth).
    CLIENT_RSA = "client-rsa.cert.der";
    /// Its PKCS#8 key.
    CLIENT_RSA_KEY = "client-rsa.key.der";
    /// A P-384 CA, signing with ecdsa-with-SHA384.
    CA_P384 = "ca-p384.cert.der";
    /// P-384 server leaf of [`CA_P384`] for `localhost` / `127.0.0.1`.
    SERVER_P384 = "server-p384.cert.der";
    /// Its PKCS#8 key.
    SERVER_P384_KEY = "server-p384.key.der";
    /// P-384 client leaf of [`CA_P384`].
    CLIENT_P384 = "client-p384.cert.der";
    /// Its PKCS#8 key.
    CLIENT_P384_KEY = "client-p384.key.der";
}

/// The DER fixture file `name` (`ca.cert.der`, `server-ecdsa.key.der`, ...).
///
/// # Panics
/// On a name that is not a fixture.
pub fn fixture(name: &str) -> Vec<u8> {
    TABLE
        .iter()
        .find(|(file, _)| *file == name)
        .map(|(_, der)| der.to_vec())
        .unwrap_or_else(|| panic!("no fixture named {name}"))
}

/// The leaf certificate `name` (`server-ecdsa`, `client-rsa`, ...), DER.
pub fn leaf(name: &str) -> Vec<u8> {
    fixture(&format!("{name}.cert.der"))
}

/// The chain `[name, CA]`: the leaf `name` and the P-256 test CA.
pub fn chain(name: &str) -> Vec<CertificateDer<'static>> {
    vec![
        CertificateDer::from(leaf(name)),
        CertificateDer::from(CA.to_vec()),
    ]
}

/// The private key of the leaf `name`.
///
/// # Panics
/// If the fixture is not a PKCS#8 key this stack loads.
pub fn key(name: &str) -> SigningKey {
    SigningKey::from_pkcs8_der(&fixture(&format!("{name}.key.der")))
        .unwrap_or_else(|e| panic!("fixture key {name}: {e}"))
}

/// [`chain`] and [`key`] of `name` as the handshake's certificate type.
///
/// # Panics
/// If the key does not fit the leaf.
pub fn certified(name: &str) -> Arc<CertifiedKey> {
    Arc::new(
        CertifiedKey::new(chain(name), key(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}")),
    )
}

/// The folder of captured handshakes and the PEM test PKI: `vectors/` in this crate.
pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// The path of a PEM file of the test PKI (`vectors/pki/`): `ca.pem`, `server-ecdsa.pem` /
/// `.key`, `server-rsa.pem` / `.key`, `client-rsa.pem` / `.key`, `client-ecdsa.pem` / `.key`;
/// the same certificates as the DER fixtures, for peers that read files.
pub fn pki(name: &str) -> String {
    vectors_dir().join("pki").join(name).display().to_string()
}
