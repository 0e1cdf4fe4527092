//! Certificates and configurations, the same for both stacks.
//!
//! The certificates are the test fixtures of mtls-testkit (`crates/mtls-testkit/fixtures`,
//! compiled in there): a P-256 CA that issued RSA-2048 and ECDSA P-256 leaves for the server
//! (`localhost`) and the client. Both stacks load the same bytes, send the leaf alone, and
//! verify the peer's chain against the CA with their webpki verifier (mtls-pki on
//! mtls-crypto; rustls's on ring). Client authentication is required in every handshake.

use std::sync::Arc;

use mtls::pki::RootStore;
use mtls::{CertificateDer, NamedGroup, SigningKey, SupportedSuite, suites};
use mtls_testkit::fixtures::{
    CA, CLIENT_ECDSA, CLIENT_ECDSA_KEY, CLIENT_RSA, CLIENT_RSA_KEY, SERVER_ECDSA, SERVER_ECDSA_KEY,
    SERVER_RSA, SERVER_RSA_KEY,
};
use rustls::crypto::ring::{cipher_suite as rs, kx_group};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};

use crate::Result;

/// The name the client connects to (in the server certificates' subjectAltName).
pub const SERVER_NAME: &str = "localhost";

/// The key type of both sides' certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// RSA-2048 leaves (signed by the P-256 CA).
    Rsa2048,
    /// ECDSA P-256 leaves.
    EcdsaP256,
}

impl KeyType {
    /// (server cert, server key, client cert, client key), DER.
    fn material(self) -> (&'static [u8], &'static [u8], &'static [u8], &'static [u8]) {
        match self {
            Self::Rsa2048 => (SERVER_RSA, SERVER_RSA_KEY, CLIENT_RSA, CLIENT_RSA_KEY),
            Self::EcdsaP256 => (
                SERVER_ECDSA,
                SERVER_ECDSA_KEY,
                CLIENT_ECDSA,
                CLIENT_ECDSA_KEY,
            ),
        }
    }

    /// The server's private key, PKCS#8 DER (for the primitive floor).
    pub fn server_key_der(self) -> &'static [u8] {
        self.material().1
    }
}

/// The four kinds of full handshake in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// ECDHE-RSA, P-256, AES-128-GCM, RSA-2048 certificates both sides.
    EcdheRsa,
    /// ECDHE-ECDSA, P-256, AES-128-GCM, P-256 certificates both sides.
    EcdheEcdsaP256,
    /// ECDHE-ECDSA, X25519, AES-128-GCM, P-256 certificates both sides.
    EcdheEcdsaX25519,
    /// Static RSA key exchange, AES-128-GCM, RSA-2048 certificates both sides (mtls only).
    StaticRsa,
    /// TLS 1.3, P-256, TLS_AES_128_GCM_SHA256, RSA-2048 certificates both sides (RSA-PSS).
    Tls13Rsa,
    /// TLS 1.3, P-256, TLS_AES_128_GCM_SHA256, P-256 certificates both sides.
    Tls13EcdsaP256,
    /// TLS 1.3, X25519, TLS_AES_128_GCM_SHA256, P-256 certificates both sides.
    Tls13EcdsaX25519,
}

impl Kind {
    /// All kinds, in table order.
    pub const ALL: [Kind; 7] = [
        Kind::EcdheRsa,
        Kind::EcdheEcdsaP256,
        Kind::EcdheEcdsaX25519,
        Kind::StaticRsa,
        Kind::Tls13Rsa,
        Kind::Tls13EcdsaP256,
        Kind::Tls13EcdsaX25519,
    ];

    /// True for the TLS 1.3 kinds.
    pub fn is_tls13(self) -> bool {
        matches!(
            self,
            Self::Tls13Rsa | Self::Tls13EcdsaP256 | Self::Tls13EcdsaX25519
        )
    }

    /// The table label.
    pub fn label(self) -> &'static str {
        match self {
            Self::EcdheRsa => "ECDHE-RSA P-256, RSA-2048 both sides",
            Self::EcdheEcdsaP256 => "ECDHE-ECDSA P-256, P-256 certs",
            Self::EcdheEcdsaX25519 => "ECDHE-ECDSA X25519, P-256 certs",
            Self::StaticRsa => "static RSA, RSA-2048 both sides",
            Self::Tls13Rsa => "TLS 1.3 P-256, RSA-2048 both sides",
            Self::Tls13EcdsaP256 => "TLS 1.3 P-256, P-256 certs",
            Self::Tls13EcdsaX25519 => "TLS 1.3 X25519, P-256 certs",
        }
    }

    /// The certificates' key type.
    pub fn key_type(self) -> KeyType {
        match self {
            Self::EcdheRsa | Self::StaticRsa | Self::Tls13Rsa => KeyType::Rsa2048,
            Self::EcdheEcdsaP256
            | Self::EcdheEcdsaX25519
            | Self::Tls13EcdsaP256
            | Self::Tls13EcdsaX25519 => KeyType::EcdsaP256,
        }
    }

    /// The configuration of this handshake with AES-128-GCM.
    pub fn spec(self) -> Spec {
        let (suite, theirs, group) = match self {
            Self::EcdheRsa => (
                suites::ECDHE_RSA_AES128_GCM,
                Some(rs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256),
                Group::P256,
            ),
            Self::EcdheEcdsaP256 => (
                suites::ECDHE_ECDSA_AES128_GCM,
                Some(rs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256),
                Group::P256,
            ),
            Self::EcdheEcdsaX25519 => (
                suites::ECDHE_ECDSA_AES128_GCM,
                Some(rs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256),
                Group::X25519,
            ),
            Self::StaticRsa => (suites::RSA_AES128_GCM, None, Group::P256),
            // TLS 1.3: the twin's certificates and group, TLS_AES_128_GCM_SHA256 (the
            // TLS 1.2 suite is unused).
            Self::Tls13Rsa => (
                suites::ECDHE_RSA_AES128_GCM,
                Some(rs::TLS13_AES_128_GCM_SHA256),
                Group::P256,
            ),
            Self::Tls13EcdsaP256 => (
                suites::ECDHE_ECDSA_AES128_GCM,
                Some(rs::TLS13_AES_128_GCM_SHA256),
                Group::P256,
            ),
            Self::Tls13EcdsaX25519 => (
                suites::ECDHE_ECDSA_AES128_GCM,
                Some(rs::TLS13_AES_128_GCM_SHA256),
                Group::X25519,
            ),
        };
        Spec {
            key_type: self.key_type(),
            suite,
            rustls_suite: theirs,
            group,
            static_rsa: self == Self::StaticRsa,
            tls13: self.is_tls13(),
            client_resumption: false,
            server_cache: true,
            server_tickets: false,
        }
    }
}

/// The bulk ciphers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cipher {
    /// AES-128-GCM.
    Aes128Gcm,
    /// AES-256-GCM.
    Aes256Gcm,
    /// ChaCha20-Poly1305.
    ChaCha20Poly1305,
}

impl Cipher {
    /// All ciphers, in table order.
    pub const ALL: [Cipher; 3] = [
        Cipher::Aes128Gcm,
        Cipher::Aes256Gcm,
        Cipher::ChaCha20Poly1305,
    ];

    /// The table label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Aes128Gcm => "AES-128-GCM",
            Self::Aes256Gcm => "AES-256-GCM",
            Self::ChaCha20Poly1305 => "ChaCha20-Poly1305",
        }
    }

    /// An ECDHE-ECDSA (X25519, P-256 certificates) configuration with this cipher.
    pub fn spec(self) -> Spec {
        let (suite, theirs) = match self {
            Self::Aes128Gcm => (
                suites::ECDHE_ECDSA_AES128_GCM,
                rs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            ),
            Self::Aes256Gcm => (
                suites::ECDHE_ECDSA_AES256_GCM,
                rs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            ),
            Self::ChaCha20Poly1305 => (
                suites::ECDHE_ECDSA_CHACHA20,
                rs::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            ),
        };
        Spec {
            key_type: KeyType::EcdsaP256,
            suite,
            rustls_suite: Some(theirs),
            group: Group::X25519,
            static_rsa: false,
            tls13: false,
            client_resumption: false,
            server_cache: true,
            server_tickets: false,
        }
    }
}

/// The ECDHE group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// secp256r1.
    P256,
    /// X25519.
    X25519,
}

/// One configuration, turned into either stack's configs.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Both sides' certificate key type.
    pub key_type: KeyType,
    /// The one suite offered and accepted (mtls).
    pub suite: SupportedSuite,
    /// The same suite in rustls; `None` where rustls has none (static RSA).
    pub rustls_suite: Option<rustls::SupportedCipherSuite>,
    /// The one ECDHE group.
    pub group: Group,
    /// Static RSA key exchange on (mtls only).
    pub static_rsa: bool,
    /// TLS 1.3 with TLS_AES_128_GCM_SHA256 (`suite` unused); otherwise TLS 1.2 with `suite`.
    pub tls13: bool,
    /// The client keeps sessions and offers them (session id resumption).
    pub client_resumption: bool,
    /// The server keeps sessions (both stacks' default in-memory caches).
    pub server_cache: bool,
    /// The server issues and resumes session tickets (RFC 5077).
    pub server_tickets: bool,
}

impl Spec {
    /// With client-side resumption on (the server cache is on by default).
    pub fn resuming(mut self) -> Self {
        self.client_resumption = true;
        self.server_cache = true;
        self
    }

    /// Resumption by session ticket: the client keeps sessions, the server keeps none and
    /// issues tickets (mtls `TicketKeys`, rustls's ring `Ticketer`).
    pub fn ticketing(mut self) -> Self {
        self.client_resumption = true;
        self.server_cache = false;
        self.server_tickets = true;
        self
    }

    /// With no session cache on either side (the heap rows measure connections alone).
    pub fn without_caches(mut self) -> Self {
        self.client_resumption = false;
        self.server_cache = false;
        self
    }
}

/// mtls's client and server configurations.
pub struct MtlsConfigs {
    /// Client.
    pub client: mtls::ClientConfig,
    /// Server.
    pub server: mtls::ServerConfig,
}

/// The provider of `--profile WORKLOAD mtls`: RustCrypto, or AWS-LC with
/// `MTLS_BENCH_PROVIDER=aws-lc` in a build with the `aws-lc` feature (the table runs every
/// provider of the build, see [`StackId`]).
pub fn profile_provider() -> Result<&'static mtls::provider::CryptoProvider> {
    match std::env::var("MTLS_BENCH_PROVIDER").as_deref() {
        Err(_) | Ok("" | "rustcrypto") => StackId::MtlsRustCrypto.provider(),
        Ok("aws-lc") => StackId::MtlsAwsLc.provider(),
        Ok(other) => {
            Err(format!("MTLS_BENCH_PROVIDER={other}: not a provider (rustcrypto, aws-lc)").into())
        }
    }
}

/// The one version a spec runs.
fn version(spec: &Spec) -> mtls::ProtocolVersion {
    if spec.tls13 {
        mtls::ProtocolVersion::TLSv1_3
    } else {
        mtls::ProtocolVersion::TLSv1_2
    }
}

/// mtls configurations for `spec` on `provider`.
pub fn mtls_configs(
    spec: &Spec,
    provider: &'static mtls::provider::CryptoProvider,
) -> Result<MtlsConfigs> {
    let (scert, skey, ccert, ckey) = spec.key_type.material();
    let mut roots = RootStore::new();
    roots.add(&CertificateDer::from(CA.to_vec()))?;
    let group = match spec.group {
        Group::P256 => NamedGroup::Secp256r1,
        Group::X25519 => NamedGroup::X25519,
    };
    let mut server = mtls::ServerConfig::builder()
        .certificate(
            vec![CertificateDer::from(scert.to_vec())],
            SigningKey::from_pkcs8_der(skey)?,
        )
        .client_auth_required(roots.clone())
        .crypto_provider(provider)
        .cipher_suites(&[spec.suite])
        .tls13_cipher_suites(&[suites::TLS13_AES_128_GCM_SHA256])
        .versions(&[version(spec)])
        .groups(&[group])
        .enable_static_rsa(spec.static_rsa);
    if !spec.server_cache {
        server = server.session_cache(None);
    }
    if spec.server_tickets {
        let key = mtls::TicketKey::generate(&mut mtls::OsRng)?;
        let keys = mtls::TicketKeys::new(key, None, 3600).with_provider(provider);
        server = server.ticketer(Arc::new(keys));
    }
    let mut client = mtls::ClientConfig::with_roots(roots)
        .client_certificate(
            vec![CertificateDer::from(ccert.to_vec())],
            SigningKey::from_pkcs8_der(ckey)?,
        )
        .crypto_provider(provider)
        .cipher_suites(&[spec.suite])
        .tls13_cipher_suites(&[suites::TLS13_AES_128_GCM_SHA256])
        .versions(&[version(spec)])
        .groups(&[group])
        .enable_static_rsa(spec.static_rsa);
    if !spec.client_resumption {
        client = client.session_store(None);
    }
    Ok(MtlsConfigs {
        client: client.build()?,
        server: server.build()?,
    })
}

/// rustls's client and server configurations.
pub struct RustlsConfigs {
    /// Client.
    pub client: Arc<rustls::ClientConfig>,
    /// Server.
    pub server: Arc<rustls::ServerConfig>,
    /// The name connected to.
    pub name: ServerName<'static>,
}

/// rustls configurations for `spec` (ring provider cut down to the one suite and group, the
/// spec's one version); an error for static RSA, which rustls does not implement.
pub fn rustls_configs(spec: &Spec) -> Result<RustlsConfigs> {
    let suite = spec
        .rustls_suite
        .ok_or("rustls has no static RSA key exchange")?;
    let (scert, skey, ccert, ckey) = spec.key_type.material();
    let mut provider = rustls::crypto::ring::default_provider();
    provider.cipher_suites = vec![suite];
    provider.kx_groups = vec![match spec.group {
        Group::P256 => kx_group::SECP256R1,
        Group::X25519 => kx_group::X25519,
    }];
    let provider = Arc::new(provider);
    let versions: &[&rustls::SupportedProtocolVersion] = if spec.tls13 {
        &[&rustls::version::TLS13]
    } else {
        &[&rustls::version::TLS12]
    };
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CA.to_vec().into())?;
    let roots = Arc::new(roots);
    let key = |der: &[u8]| PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(der.to_vec()));

    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        roots.clone(),
        provider.clone(),
    )
    .build()?;
    let mut server = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)?
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![scert.to_vec().into()], key(skey))?;
    if !spec.server_cache {
        server.session_storage = Arc::new(rustls::server::NoServerSessionStorage {});
    }
    if spec.server_tickets {
        server.ticketer = rustls::crypto::ring::Ticketer::new()?;
    }
    let mut client = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)?
        .with_root_certificates(roots)
        .with_client_auth_cert(vec![ccert.to_vec().into()], key(ckey))?;
    if !spec.client_resumption {
        client.resumption = rustls::client::Resumption::disabled();
    }
    Ok(RustlsConfigs {
        client: Arc::new(client),
        server: Arc::new(server),
        name: ServerName::try_from(SERVER_NAME)?,
    })
}

/// The stacks compared: mtls on each of its providers, and rustls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StackId {
    /// This workspace on the RustCrypto provider (the default).
    MtlsRustCrypto,
    /// This workspace on the AWS-LC provider (builds with the `aws-lc` feature).
    MtlsAwsLc,
    /// rustls 0.23 with the ring provider.
    RustlsRing,
}

impl StackId {
    /// Every stack, in table order.
    pub const ALL: [StackId; 3] = [
        StackId::MtlsRustCrypto,
        StackId::MtlsAwsLc,
        StackId::RustlsRing,
    ];

    /// The stack every ratio is taken against.
    pub const BASELINE: StackId = StackId::RustlsRing;

    /// The stacks of this build, in table order (mtls on AWS-LC needs the `aws-lc` feature).
    pub fn available() -> Vec<StackId> {
        Self::ALL
            .into_iter()
            .filter(|s| *s != Self::MtlsAwsLc || cfg!(feature = "aws-lc"))
            .collect()
    }

    /// The name in the heap binary's output and the JSON report.
    pub fn name(self) -> &'static str {
        match self {
            Self::MtlsRustCrypto => "mtls-rustcrypto",
            Self::MtlsAwsLc => "mtls-aws-lc",
            Self::RustlsRing => "rustls-ring",
        }
    }

    /// The column title.
    pub fn label(self) -> &'static str {
        match self {
            Self::MtlsRustCrypto => "mtls (RustCrypto)",
            Self::MtlsAwsLc => "mtls (AWS-LC)",
            Self::RustlsRing => "rustls (ring)",
        }
    }

    /// The crypto backend alone, for ratio and floor columns.
    pub fn short(self) -> &'static str {
        match self {
            Self::MtlsRustCrypto => "RustCrypto",
            Self::MtlsAwsLc => "AWS-LC",
            Self::RustlsRing => "ring",
        }
    }

    /// True for mtls on either provider.
    pub fn is_mtls(self) -> bool {
        self != Self::RustlsRing
    }

    /// mtls's provider for this stack; an error for rustls, and for AWS-LC in a build
    /// without the `aws-lc` feature.
    pub fn provider(self) -> Result<&'static mtls::provider::CryptoProvider> {
        match self {
            Self::MtlsRustCrypto => Ok(&mtls::provider::rustcrypto::PROVIDER),
            #[cfg(feature = "aws-lc")]
            Self::MtlsAwsLc => Ok(&mtls::provider::aws_lc::PROVIDER),
            #[cfg(not(feature = "aws-lc"))]
            Self::MtlsAwsLc => {
                Err("mtls on AWS-LC: build mtls-bench with the `aws-lc` feature".into())
            }
            Self::RustlsRing => Err("rustls has no mtls provider".into()),
        }
    }
}

impl Kind {
    /// A short identifier (the heap binary's output).
    pub fn id(self) -> &'static str {
        match self {
            Self::EcdheRsa => "ecdhe-rsa",
            Self::EcdheEcdsaP256 => "ecdhe-ecdsa-p256",
            Self::EcdheEcdsaX25519 => "ecdhe-ecdsa-x25519",
            Self::StaticRsa => "static-rsa",
            Self::Tls13Rsa => "tls13-rsa",
            Self::Tls13EcdsaP256 => "tls13-ecdsa-p256",
            Self::Tls13EcdsaX25519 => "tls13-ecdsa-x25519",
        }
    }
}
