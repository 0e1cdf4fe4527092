//! The TLS 1.2 cipher suites this stack implements, and what each one implies.

use mtls_crypto::HashAlgorithm;
use mtls_crypto::aead::AeadAlgorithm;
use mtls_prf::KeyBlockLayout;
use mtls_wire::CipherSuite;
use mtls_wire::handshake::KeyExchangeAlgorithm;

/// Which kind of certificate key authenticates the server under a suite (the certificate
/// layer's type, `mtls-cert`).
pub use mtls_cert::AuthKeyType;

/// One supported cipher suite: key exchange, server authentication, record protection and
/// PRF hash (RFC 5246 A.5, RFC 5288, RFC 5289, RFC 7905).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SupportedSuite {
    /// The code point.
    pub suite: CipherSuite,
    /// ECDHE or static RSA.
    pub kx: KeyExchangeAlgorithm,
    /// The server certificate's key type.
    pub auth: AuthKeyType,
    /// The record protection.
    pub aead: AeadAlgorithm,
    /// The PRF hash (RFC 5246 5: SHA-256 unless the suite names SHA-384).
    pub prf: HashAlgorithm,
}

impl SupportedSuite {
    /// How this suite cuts the key block (RFC 5246 6.3).
    pub fn key_block_layout(&self) -> KeyBlockLayout {
        match self.aead {
            AeadAlgorithm::Aes128Gcm => KeyBlockLayout::AES_128_GCM,
            AeadAlgorithm::Aes256Gcm => KeyBlockLayout::AES_256_GCM,
            AeadAlgorithm::ChaCha20Poly1305 => KeyBlockLayout::CHACHA20_POLY1305,
        }
    }

    /// The IANA name, e.g. `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`.
    pub fn name(&self) -> String {
        format!("{:?}", self.suite)
    }

    /// Looks a code point up among every suite this stack implements.
    pub fn find(suite: CipherSuite) -> Option<&'static SupportedSuite> {
        ALL_SUITES.iter().find(|s| s.suite == suite)
    }
}

const fn suite(
    suite: CipherSuite,
    kx: KeyExchangeAlgorithm,
    auth: AuthKeyType,
    aead: AeadAlgorithm,
    prf: HashAlgorithm,
) -> SupportedSuite {
    SupportedSuite {
        suite,
        kx,
        auth,
        aead,
        prf,
    }
}

use AeadAlgorithm::{Aes128Gcm, Aes256Gcm, ChaCha20Poly1305};
use AuthKeyType::{Ecdsa, Rsa};
use HashAlgorithm::{Sha256, Sha384};
use KeyExchangeAlgorithm::{Ecdhe, Rsa as RsaKx};

/// TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 (RFC 5289).
pub const ECDHE_ECDSA_AES128_GCM: SupportedSuite = suite(
    CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    Ecdhe,
    Ecdsa,
    Aes128Gcm,
    Sha256,
);
/// TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 (RFC 5289).
pub const ECDHE_ECDSA_AES256_GCM: SupportedSuite = suite(
    CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    Ecdhe,
    Ecdsa,
    Aes256Gcm,
    Sha384,
);
/// TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 (RFC 7905).
pub const ECDHE_ECDSA_CHACHA20: SupportedSuite = suite(
    CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    Ecdhe,
    Ecdsa,
    ChaCha20Poly1305,
    Sha256,
);
/// TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (RFC 5289).
pub const ECDHE_RSA_AES128_GCM: SupportedSuite = suite(
    CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    Ecdhe,
    Rsa,
    Aes128Gcm,
    Sha256,
);
/// TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (RFC 5289).
pub const ECDHE_RSA_AES256_GCM: SupportedSuite = suite(
    CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    Ecdhe,
    Rsa,
    Aes256Gcm,
    Sha384,
);
/// TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 (RFC 7905).
pub const ECDHE_RSA_CHACHA20: SupportedSuite = suite(
    CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    Ecdhe,
    Rsa,
    ChaCha20Poly1305,
    Sha256,
);
/// TLS_RSA_WITH_AES_128_GCM_SHA256 (RFC 5288): static RSA key exchange, no forward secrecy.
pub const RSA_AES128_GCM: SupportedSuite = suite(
    CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256,
    RsaKx,
    Rsa,
    Aes128Gcm,
    Sha256,
);
/// TLS_RSA_WITH_AES_256_GCM_SHA384 (RFC 5288): static RSA key exchange, no forward secrecy.
pub const RSA_AES256_GCM: SupportedSuite = suite(
    CipherSuite::TLS_RSA_WITH_AES_256_GCM_SHA384,
    RsaKx,
    Rsa,
    Aes256Gcm,
    Sha384,
);

/// Every suite this stack implements, in default preference order: forward-secret ECDHE
/// first (ECDSA before RSA, AES-128-GCM before AES-256-GCM before ChaCha20-Poly1305), static
/// RSA last and only when enabled.
pub const ALL_SUITES: [SupportedSuite; 8] = [
    ECDHE_ECDSA_AES128_GCM,
    ECDHE_ECDSA_AES256_GCM,
    ECDHE_ECDSA_CHACHA20,
    ECDHE_RSA_AES128_GCM,
    ECDHE_RSA_AES256_GCM,
    ECDHE_RSA_CHACHA20,
    RSA_AES128_GCM,
    RSA_AES256_GCM,
];

/// The default suites: every ECDHE suite. Static RSA must be opted into
/// (`enable_static_rsa`), because it has no forward secrecy.
pub const DEFAULT_SUITES: [SupportedSuite; 6] = [
    ECDHE_ECDSA_AES128_GCM,
    ECDHE_ECDSA_AES256_GCM,
    ECDHE_ECDSA_CHACHA20,
    ECDHE_RSA_AES128_GCM,
    ECDHE_RSA_AES256_GCM,
    ECDHE_RSA_CHACHA20,
];

/// One TLS 1.3 cipher suite: record protection and the hash of the key schedule and
/// transcript (RFC 8446 B.4). Unlike TLS 1.2's, it names neither key exchange nor
/// certificate type: those are negotiated by extensions (RFC 8446 4.2.7, 4.2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tls13Suite {
    /// The code point.
    pub suite: CipherSuite,
    /// The record protection.
    pub aead: AeadAlgorithm,
    /// The HKDF and transcript hash.
    pub hash: HashAlgorithm,
}

impl Tls13Suite {
    /// The IANA name, e.g. `TLS_AES_128_GCM_SHA256`.
    pub fn name(&self) -> String {
        format!("{:?}", self.suite).replacen("TLS13_", "TLS_", 1)
    }

    /// Bytes of record key (RFC 8446 7.3: the AEAD's key length).
    pub fn key_len(&self) -> usize {
        match self.aead {
            AeadAlgorithm::Aes128Gcm => 16,
            AeadAlgorithm::Aes256Gcm | AeadAlgorithm::ChaCha20Poly1305 => 32,
        }
    }

    /// Looks a code point up among the TLS 1.3 suites this stack implements.
    pub fn find(suite: CipherSuite) -> Option<&'static Tls13Suite> {
        ALL_TLS13_SUITES.iter().find(|s| s.suite == suite)
    }
}

/// TLS_AES_128_GCM_SHA256 (RFC 8446 B.4).
pub const TLS13_AES_128_GCM_SHA256: Tls13Suite = Tls13Suite {
    suite: CipherSuite::TLS13_AES_128_GCM_SHA256,
    aead: Aes128Gcm,
    hash: Sha256,
};
/// TLS_AES_256_GCM_SHA384 (RFC 8446 B.4).
pub const TLS13_AES_256_GCM_SHA384: Tls13Suite = Tls13Suite {
    suite: CipherSuite::TLS13_AES_256_GCM_SHA384,
    aead: Aes256Gcm,
    hash: Sha384,
};
/// TLS_CHACHA20_POLY1305_SHA256 (RFC 8446 B.4).
pub const TLS13_CHACHA20_POLY1305_SHA256: Tls13Suite = Tls13Suite {
    suite: CipherSuite::TLS13_CHACHA20_POLY1305_SHA256,
    aead: ChaCha20Poly1305,
    hash: Sha256,
};

/// Every TLS 1.3 suite this stack implements, in default preference order.
pub const ALL_TLS13_SUITES: [Tls13Suite; 3] = [
    TLS13_AES_128_GCM_SHA256,
    TLS13_AES_256_GCM_SHA384,
    TLS13_CHACHA20_POLY1305_SHA256,
];

/// The suite a handshake negotiated, of either version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NegotiatedSuite {
    /// A TLS 1.2 suite.
    Tls12(SupportedSuite),
    /// A TLS 1.3 suite.
    Tls13(Tls13Suite),
}

impl NegotiatedSuite {
    /// The code point.
    pub fn suite(&self) -> CipherSuite {
        match self {
            Self::Tls12(s) => s.suite,
            Self::Tls13(s) => s.suite,
        }
    }

    /// The IANA name.
    pub fn name(&self) -> String {
        match self {
            Self::Tls12(s) => s.name(),
            Self::Tls13(s) => s.name(),
        }
    }

    /// The record protection.
    pub fn aead(&self) -> AeadAlgorithm {
        match self {
            Self::Tls12(s) => s.aead,
            Self::Tls13(s) => s.aead,
        }
    }

    /// The PRF (TLS 1.2) or HKDF (TLS 1.3) hash.
    pub fn hash(&self) -> HashAlgorithm {
        match self {
            Self::Tls12(s) => s.prf,
            Self::Tls13(s) => s.hash,
        }
    }

    /// The TLS 1.2 suite, when this is one.
    pub fn tls12(&self) -> Option<&SupportedSuite> {
        match self {
            Self::Tls12(s) => Some(s),
            Self::Tls13(_) => None,
        }
    }
}

impl PartialEq<SupportedSuite> for NegotiatedSuite {
    fn eq(&self, other: &SupportedSuite) -> bool {
        self.tls12() == Some(other)
    }
}

impl PartialEq<Tls13Suite> for NegotiatedSuite {
    fn eq(&self, other: &Tls13Suite) -> bool {
        matches!(self, Self::Tls13(s) if s == other)
    }
}
