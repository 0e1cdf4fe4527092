//! What a handshake is configured with: suites, groups, schemes, certificates, policies.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use mtls_crypto::CryptoProvider;
use mtls_crypto::kx::NamedGroup;
use mtls_crypto::signature::SignatureAlgorithm;

use crate::certs::{
    CertificateDer, CertificateError, ClientCertVerifier, PeerIdentity, ResolvesClientCert,
    ResolvesServerCert, ServerCertVerifier,
};
use crate::client_store::ClientSessionStore;
use crate::error::HandshakeError;
use crate::session::ServerSessionCache;
use crate::suites::{ALL_TLS13_SUITES, DEFAULT_SUITES, SupportedSuite, Tls13Suite};
use mtls_wire::ProtocolVersion;

/// Seconds since the Unix epoch, from a clock the tests can fix.
pub trait TimeProvider: Send + Sync {
    /// The current time.
    fn now(&self) -> u64;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl TimeProvider for SystemClock {
    fn now(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }
}

/// A clock stuck at one instant (tests, reproducible transcripts).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub u64);

impl TimeProvider for FixedClock {
    fn now(&self) -> u64 {
        self.0
    }
}

/// Receives secrets for an NSS key log (`CLIENT_RANDOM <client random> <master secret>`),
/// so that tools like Wireshark can decrypt a capture. Only enable it for debugging.
pub trait KeyLog: Send + Sync {
    /// `label` is `CLIENT_RANDOM` for TLS 1.2.
    fn log(&self, label: &str, client_random: &[u8; 32], secret: &[u8]);
}

/// How the server treats client certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuthPolicy {
    /// Never ask for a certificate.
    None,
    /// Ask; accept any certificate without verifying it, or none, and expose it to the
    /// application (which must then decide). The CertificateVerify is still checked.
    Request,
    /// Ask; verify a certificate if one is given; accept none.
    Optional,
    /// Ask; verify; an empty Certificate gets `handshake_failure` (RFC 5246 7.4.6), or
    /// `certificate_required` in TLS 1.3 (RFC 8446 4.4.2.4).
    Required,
    /// Do not ask during the handshake; the application asks later on an established TLS 1.3
    /// connection (RFC 8446 4.6.2) and the answer is verified as under `Required`. A client
    /// that did not offer post_handshake_auth, or a TLS 1.2 connection, cannot be asked.
    PostHandshake,
}

impl ClientAuthPolicy {
    /// True when a client chain is checked by the verifier (Optional, Required,
    /// PostHandshake); under `Request` it is accepted unverified.
    pub fn verifies(self) -> bool {
        matches!(self, Self::Optional | Self::Required | Self::PostHandshake)
    }

    /// True when the server sends a CertificateRequest in the handshake itself.
    pub fn requests_in_handshake(self) -> bool {
        matches!(self, Self::Request | Self::Optional | Self::Required)
    }
}

/// Which side's suite order wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuitePreference {
    /// The server's order (the default, as in OpenSSL's `SSL_OP_CIPHER_SERVER_PREFERENCE`).
    Server,
    /// The client's order.
    Client,
}

/// The signature schemes offered and accepted by default, in preference order. The three
/// ECDSA code points are sha256, sha384 and sha512 with ecdsa, on any curve in TLS 1.2
/// (RFC 5246 7.4.1.4.1): a P-256 or P-384 key signs whichever of them the peer offers.
pub const DEFAULT_SIGNATURE_SCHEMES: [SignatureAlgorithm; 9] = [
    SignatureAlgorithm::EcdsaSecp256r1Sha256,
    SignatureAlgorithm::EcdsaSecp384r1Sha384,
    SignatureAlgorithm::EcdsaSecp521r1Sha512,
    SignatureAlgorithm::RsaPssRsaeSha256,
    SignatureAlgorithm::RsaPssRsaeSha384,
    SignatureAlgorithm::RsaPssRsaeSha512,
    SignatureAlgorithm::RsaPkcs1Sha256,
    SignatureAlgorithm::RsaPkcs1Sha384,
    SignatureAlgorithm::RsaPkcs1Sha512,
];

/// The key exchange groups by default, in preference order: X25519, secp256r1,
/// secp384r1 (RFC 8422 5.1.1). Offering secp384r1 also tells a server that
/// P-384 certificates are acceptable (RFC 8422 5.1: supported_groups constrains
/// the curves of ECDSA certificates too).
pub const DEFAULT_GROUPS: [NamedGroup; 3] = [
    NamedGroup::X25519,
    NamedGroup::Secp256r1,
    NamedGroup::Secp384r1,
];

/// Default cap on the CA names sent in a CertificateRequest, in bytes (a huge root store
/// would otherwise make the message exceed what peers accept).
pub const DEFAULT_MAX_CA_NAMES_LEN: usize = 16 * 1024;

/// Server handshake configuration.
pub struct ServerConfig {
    /// Suites in preference order.
    pub suites: Vec<SupportedSuite>,
    /// ECDHE groups in preference order.
    pub groups: Vec<NamedGroup>,
    /// Schemes to sign ServerKeyExchange with (preference order) and to accept in
    /// CertificateVerify (sent in CertificateRequest).
    pub signature_schemes: Vec<SignatureAlgorithm>,
    /// Chooses the certificate for each handshake.
    pub cert_resolver: Arc<dyn ResolvesServerCert>,
    /// Whether and how to authenticate clients.
    pub client_auth: ClientAuthPolicy,
    /// Verifies client chains (needed for `Optional` and `Required`; its root names go into
    /// CertificateRequest).
    pub client_verifier: Option<Arc<dyn ClientCertVerifier>>,
    /// ALPN protocols in preference order; empty: no ALPN.
    pub alpn_protocols: Vec<Vec<u8>>,
    /// Refuse clients without extended master secret (RFC 7627). Default: true.
    pub require_ems: bool,
    /// Accept static RSA key exchange suites (no forward secrecy). Default: false.
    pub enable_static_rsa: bool,
    /// Whose suite order wins. Default: the server's.
    pub preference: SuitePreference,
    /// Where sessions are kept for resumption; `None` disables resumption.
    pub session_cache: Option<Arc<dyn ServerSessionCache>>,
    /// NSS key log sink.
    pub key_log: Option<Arc<dyn KeyLog>>,
    /// The clock for certificate validity and session expiry.
    pub time: Arc<dyn TimeProvider>,
    /// Cap on the CA names in CertificateRequest, in bytes.
    pub max_ca_names_len: usize,
    /// Decides whether a client whose chain verified may use this server (authorization
    /// after authentication); `None` lets every verified client in.
    pub authorizer: Option<Arc<dyn AuthorizeClient>>,
    /// Seals session tickets (RFC 5077) for clients that ask for them, and opens the
    /// tickets they bring back; `None` (the default): no tickets, resumption by session id
    /// only.
    pub ticketer: Option<Arc<dyn crate::ticket::Ticketer>>,
    /// The cryptography: key exchange, signatures, the PRF, the transcript hashes, the
    /// record keys handed out, and the default random source. Default: RustCrypto.
    pub provider: &'static CryptoProvider,
    /// The protocol versions this server negotiates (TLS 1.2, TLS 1.3), in preference order.
    pub versions: Vec<ProtocolVersion>,
    /// TLS 1.3 suites in preference order (RFC 8446 B.4).
    pub tls13_suites: Vec<Tls13Suite>,
    /// How many TLS 1.3 NewSessionTickets to send after the client's Finished (RFC 8446
    /// 4.6.1), when a [`ticketer`](Self::ticketer) is configured; 0: none. Default: 2. One
    /// more follows each successful post-handshake authentication, with the new identity.
    pub tls13_tickets: usize,
    /// Remembers the TLS 1.3 tickets accepted, so that each resumes at most once (RFC 8446
    /// 8); see [`TicketReplayGuard`](crate::replay::TicketReplayGuard) for its bound.
    pub ticket_replay: Arc<crate::replay::TicketReplayGuard>,
    /// Resume TLS 1.3 sessions without (EC)DHE (psk_ke, RFC 8446 4.2.9) when the client
    /// allows it: faster, but the resumed connection's keys then depend on the ticket's PSK
    /// alone (no forward secrecy against a later theft of the ticket keys). Default: false,
    /// psk_dhe_ke only.
    pub tls13_psk_ke: bool,
}

/// What an [`AuthorizeClient`] decides on: the client's verified chain, the identity read
/// from its leaf, and the SNI name the client asked for.
#[derive(Debug)]
pub struct ClientAuthorization<'a> {
    /// Read from the verified leaf.
    pub identity: &'a PeerIdentity,
    /// The verified chain, leaf first.
    pub chain: &'a [CertificateDer<'static>],
    /// The SNI host name, if the client sent one (RFC 6066 3).
    pub server_name: Option<&'a str>,
}

/// Authorization after authentication: runs on every handshake that has a verified client
/// chain, full or resumed (a resumption runs it again, with today's rules), after the chain
/// verified. `Err(reason)` ends the handshake with `access_denied` (RFC 5246 7.2.2: "a valid
/// certificate was received, but ... the sender decided not to proceed").
///
/// Any `Fn(&ClientAuthorization) -> Result<(), String>` closure is one.
pub trait AuthorizeClient: Send + Sync {
    /// `Ok(())` lets the client in; `Err(reason)` refuses it with `access_denied`.
    fn authorize(&self, client: &ClientAuthorization<'_>) -> Result<(), String>;
}

impl<F> AuthorizeClient for F
where
    F: Fn(&ClientAuthorization<'_>) -> Result<(), String> + Send + Sync,
{
    fn authorize(&self, client: &ClientAuthorization<'_>) -> Result<(), String> {
        self(client)
    }
}

/// TLS 1.3 NewSessionTickets a server sends after a handshake by default (RFC 8446 4.6.1:
/// several let a client open parallel connections, each ticket used once).
pub const DEFAULT_TLS13_TICKETS: usize = 2;

/// The versions a configuration speaks unless told otherwise: TLS 1.3 preferred, TLS 1.2.
pub const DEFAULT_VERSIONS: [ProtocolVersion; 2] =
    [ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_2];

impl ServerConfig {
    /// Defaults: ECDHE suites, X25519, P-256 and P-384, every signature scheme, no client auth,
    /// EMS required, no static RSA, no session cache.
    pub fn new(cert_resolver: Arc<dyn ResolvesServerCert>) -> Self {
        Self {
            suites: DEFAULT_SUITES.to_vec(),
            groups: DEFAULT_GROUPS.to_vec(),
            signature_schemes: DEFAULT_SIGNATURE_SCHEMES.to_vec(),
            cert_resolver,
            client_auth: ClientAuthPolicy::None,
            client_verifier: None,
            alpn_protocols: Vec::new(),
            require_ems: true,
            enable_static_rsa: false,
            preference: SuitePreference::Server,
            session_cache: None,
            key_log: None,
            time: Arc::new(SystemClock),
            max_ca_names_len: DEFAULT_MAX_CA_NAMES_LEN,
            authorizer: None,
            ticketer: None,
            provider: mtls_crypto::default_provider(),
            versions: DEFAULT_VERSIONS.to_vec(),
            tls13_suites: ALL_TLS13_SUITES.to_vec(),
            tls13_tickets: DEFAULT_TLS13_TICKETS,
            ticket_replay: Arc::new(crate::replay::TicketReplayGuard::default()),
            tls13_psk_ke: false,
        }
    }

    /// True when this server negotiates TLS 1.3.
    pub fn accepts_tls13(&self) -> bool {
        self.versions.contains(&ProtocolVersion::TLSv1_3) && !self.tls13_suites.is_empty()
    }

    /// True when this server negotiates TLS 1.2.
    pub fn accepts_tls12(&self) -> bool {
        self.versions.contains(&ProtocolVersion::TLSv1_2)
    }

    /// Runs the authorizer, if there is one, on a verified client chain.
    pub(crate) fn authorize(
        &self,
        identity: &PeerIdentity,
        chain: &[CertificateDer<'static>],
        server_name: Option<&str>,
    ) -> Result<(), HandshakeError> {
        let Some(authorizer) = &self.authorizer else {
            return Ok(());
        };
        authorizer
            .authorize(&ClientAuthorization {
                identity,
                chain,
                server_name,
            })
            .map_err(|reason| {
                let mut e =
                    HandshakeError::certificate_refused("client", CertificateError::AccessDenied);
                e.add_reason(&format!(
                    "the authorizer refused {}: {reason}",
                    identity.subject()
                ));
                e
            })
    }

    /// The suites this server will negotiate: static RSA only when enabled.
    pub(crate) fn usable_suites(&self) -> impl Iterator<Item = &SupportedSuite> {
        let rsa_ok = self.enable_static_rsa;
        self.suites
            .iter()
            .filter(move |s| rsa_ok || s.kx != mtls_wire::handshake::KeyExchangeAlgorithm::Rsa)
    }
}

/// Client handshake configuration.
pub struct ClientConfig {
    /// Suites offered, in preference order.
    pub suites: Vec<SupportedSuite>,
    /// ECDHE groups offered, in preference order.
    pub groups: Vec<NamedGroup>,
    /// Signature schemes offered (for the server's ServerKeyExchange and our CertificateVerify).
    pub signature_schemes: Vec<SignatureAlgorithm>,
    /// Verifies the server's chain and name.
    pub verifier: Arc<dyn ServerCertVerifier>,
    /// Chooses our certificate when the server asks; `None`: always an empty Certificate.
    pub cert_resolver: Option<Arc<dyn ResolvesClientCert>>,
    /// ALPN protocols to offer; empty: no ALPN.
    pub alpn_protocols: Vec<Vec<u8>>,
    /// Refuse servers without extended master secret (RFC 7627). Default: true.
    pub require_ems: bool,
    /// Offer static RSA suites (no forward secrecy). Default: false.
    pub enable_static_rsa: bool,
    /// Where sessions are kept for resumption; `None` disables resumption.
    pub session_store: Option<Arc<dyn ClientSessionStore>>,
    /// Ask servers for session tickets (RFC 5077) and resume with them (default: true;
    /// needs a session store).
    pub enable_tickets: bool,
    /// NSS key log sink.
    pub key_log: Option<Arc<dyn KeyLog>>,
    /// The clock for certificate validity and session expiry.
    pub time: Arc<dyn TimeProvider>,
    /// The cryptography (as [`ServerConfig::provider`]). Default: RustCrypto.
    pub provider: &'static CryptoProvider,
    /// The protocol versions this client offers (TLS 1.2, TLS 1.3), in preference order.
    pub versions: Vec<ProtocolVersion>,
    /// TLS 1.3 suites offered, in preference order (RFC 8446 B.4).
    pub tls13_suites: Vec<Tls13Suite>,
    /// Allow servers to resume TLS 1.3 sessions without (EC)DHE: psk_key_exchange_modes
    /// offers psk_ke after psk_dhe_ke (RFC 8446 4.2.9; the server chooses, and a key share
    /// is still sent). Default: false, psk_dhe_ke only.
    pub tls13_psk_ke: bool,
    /// The identity digest, with the objects it was computed from (`client_identity.rs`).
    pub(crate) identity: std::sync::OnceLock<crate::client_identity::IdentityCache>,
}

impl ClientConfig {
    /// Defaults: ECDHE suites, X25519, P-256 and P-384, every signature scheme, no client
    /// certificate, EMS required, no static RSA, no session store.
    pub fn new(verifier: Arc<dyn ServerCertVerifier>) -> Self {
        Self {
            suites: DEFAULT_SUITES.to_vec(),
            groups: DEFAULT_GROUPS.to_vec(),
            signature_schemes: DEFAULT_SIGNATURE_SCHEMES.to_vec(),
            verifier,
            cert_resolver: None,
            alpn_protocols: Vec::new(),
            require_ems: true,
            enable_static_rsa: false,
            session_store: None,
            enable_tickets: true,
            key_log: None,
            time: Arc::new(SystemClock),
            provider: mtls_crypto::default_provider(),
            versions: DEFAULT_VERSIONS.to_vec(),
            tls13_suites: ALL_TLS13_SUITES.to_vec(),
            tls13_psk_ke: false,
            identity: std::sync::OnceLock::new(),
        }
    }

    /// True when this client offers TLS 1.3.
    pub fn offers_tls13(&self) -> bool {
        self.versions.contains(&ProtocolVersion::TLSv1_3) && !self.tls13_suites.is_empty()
    }

    /// True when this client offers TLS 1.2.
    pub fn offers_tls12(&self) -> bool {
        self.versions.contains(&ProtocolVersion::TLSv1_2)
    }

    /// The suites this client offers: static RSA only when enabled.
    pub(crate) fn usable_suites(&self) -> impl Iterator<Item = &SupportedSuite> {
        let rsa_ok = self.enable_static_rsa;
        self.suites
            .iter()
            .filter(move |s| rsa_ok || s.kx != mtls_wire::handshake::KeyExchangeAlgorithm::Rsa)
    }
}
