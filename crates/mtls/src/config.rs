//! Builders for server and client configurations.

use std::path::Path;
use std::sync::Arc;

use mtls_cert::{CertificateDer, CertifiedKey, ClientCertVerifier, ResolvesServerCert};
use mtls_crypto::CryptoProvider;
use mtls_crypto::kx::NamedGroup;
use mtls_crypto::signature::{SignatureAlgorithm, SigningKey};
use mtls_handshake::suites::{ALL_SUITES, SupportedSuite, Tls13Suite};
use mtls_handshake::{
    AuthorizeClient, ClientAuthPolicy, InMemorySessionCache, KeyLog, ServerSessionCache,
    SuitePreference, TicketReplayGuard, Ticketer, TimeProvider,
};
use mtls_wire::ProtocolVersion;

use mtls_pki::{RootStore, WebPkiClientVerifier};

use crate::error::{ConfigCause, ConfigError, Error};
use crate::keylog::KeyLogFile;
use crate::observe::ConnectionObserver;

/// Default server session cache: 1024 sessions of two hours.
const SERVER_CACHE: (usize, u64) = (1024, 2 * 3600);
/// Default client session store: 64 servers, two hours.
const CLIENT_STORE: (usize, u64) = (64, 2 * 3600);

/// Options both builders share.
struct Options {
    suites: Option<Vec<SupportedSuite>>,
    groups: Option<Vec<NamedGroup>>,
    schemes: Option<Vec<SignatureAlgorithm>>,
    alpn: Vec<Vec<u8>>,
    require_ems: bool,
    static_rsa: bool,
    key_log: Option<Arc<dyn KeyLog>>,
    time: Option<Arc<dyn TimeProvider>>,
    observer: Option<Arc<dyn ConnectionObserver>>,
    provider: &'static CryptoProvider,
    versions: Option<Vec<ProtocolVersion>>,
    tls13_suites: Option<Vec<Tls13Suite>>,
    /// The first step that failed, reported by `build`.
    error: Option<ConfigError>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            suites: None,
            groups: None,
            schemes: None,
            alpn: Vec::new(),
            require_ems: true,
            static_rsa: false,
            key_log: None,
            time: None,
            observer: None,
            provider: mtls_crypto::default_provider(),
            versions: None,
            tls13_suites: None,
            error: None,
        }
    }
}

impl Options {
    /// The suite list: explicit, or the defaults plus static RSA when enabled.
    fn suites(&mut self, default: Vec<SupportedSuite>) -> Vec<SupportedSuite> {
        match self.suites.take() {
            Some(s) => s,
            None if self.static_rsa => ALL_SUITES.to_vec(),
            None => default,
        }
    }

    /// The versions to speak: explicit (TLS 1.2 and/or TLS 1.3, nothing else), or `default`.
    fn versions(
        &mut self,
        builder: &'static str,
        default: Vec<ProtocolVersion>,
    ) -> Result<Vec<ProtocolVersion>, Error> {
        let Some(versions) = self.versions.take() else {
            return Ok(default);
        };
        let known = [ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_3];
        if versions.is_empty() || versions.iter().any(|v| !known.contains(v)) {
            return Err(Error::Config(ConfigError::new(
                builder,
                ConfigCause::Invalid("versions: TLS 1.2 and/or TLS 1.3, at least one"),
            )));
        }
        Ok(versions)
    }

    /// Keeps the failure of `step` for `build`, unless an earlier step failed already.
    fn fail(&mut self, step: String, cause: ConfigCause) {
        if self.error.is_none() {
            self.error = Some(ConfigError::new(step, cause));
        }
    }

    /// A chain and its key as a `CertifiedKey`; a refusal is kept for `build`.
    fn certified(
        &mut self,
        step: impl FnOnce() -> String,
        chain: Vec<CertificateDer<'static>>,
        key: SigningKey,
    ) -> Option<Arc<CertifiedKey>> {
        match CertifiedKey::new(chain, key) {
            Ok(ck) => Some(Arc::new(ck)),
            Err(e) => {
                self.fail(step(), ConfigCause::Key(e));
                None
            }
        }
    }

    /// A chain and its key read from PEM or DER files, checked to belong together; a
    /// failure is kept for `build`, as a step of `builder` named `method(chain, key)`.
    fn certified_files(
        &mut self,
        builder: &str,
        method: &str,
        chain: &Path,
        key: &Path,
    ) -> Option<Arc<CertifiedKey>> {
        let step = || {
            format!(
                "{builder}: {method}({}, {})",
                chain.display(),
                key.display()
            )
        };
        match (mtls_pki::load_certs(chain), mtls_pki::load_private_key(key)) {
            (Ok(c), Ok(k)) => self.certified(step, c, k),
            (Err(e), _) | (_, Err(e)) => {
                self.fail(step(), ConfigCause::Pki(Arc::new(e)));
                None
            }
        }
    }

    /// Binds the certified keys this builder loaded to the configured provider now, so that
    /// the first handshake does not pay for it; a key the provider refuses fails `build`.
    fn bind_keys<'a>(
        &self,
        builder: &'static str,
        keys: impl IntoIterator<Item = &'a Arc<CertifiedKey>>,
    ) -> Result<(), Error> {
        for ck in keys {
            ck.key.bind(self.provider).map_err(|_| {
                Error::Config(ConfigError::new(
                    builder,
                    ConfigCause::Invalid("the crypto provider cannot load a certificate's key"),
                ))
            })?;
        }
        Ok(())
    }

    /// Trusted roots read from a PEM or DER file; a failure is kept for `build`, as a step
    /// of `builder` named `method(path)`.
    fn roots_file(&mut self, builder: &str, method: &str, path: &Path) -> Option<RootStore> {
        RootStore::load(path)
            .map_err(|e| {
                let step = format!("{builder}: {method}({})", path.display());
                self.fail(step, ConfigCause::Pki(Arc::new(e)));
            })
            .ok()
    }
}

/// The builders' names in the steps of their errors.
const SERVER: &str = "server config";
const CLIENT: &str = "client config";

/// Sets what both roles' handshake configurations take from [`Options`] (`$c`, the
/// handshake configuration being built; `$o`, the options; `$role`, for errors).
macro_rules! apply_options {
    ($c:ident, $o:ident, $role:expr) => {
        $c.versions = $o.versions($role, $c.versions.clone())?;
        $c.tls13_suites = $o.tls13_suites.take().unwrap_or($c.tls13_suites);
        $c.suites = $o.suites($c.suites.clone());
        $c.groups = $o.groups.take().unwrap_or($c.groups);
        $c.signature_schemes = $o.schemes.take().unwrap_or($c.signature_schemes);
        $c.alpn_protocols = std::mem::take(&mut $o.alpn);
        $c.require_ems = $o.require_ems;
        $c.enable_static_rsa = $o.static_rsa;
        $c.key_log = $o.key_log.take();
        if let Some(t) = $o.time.take() {
            $c.time = t;
        }
    };
}

/// The setters both builders have, written once.
macro_rules! shared_setters {
    () => {
        /// Cipher suites, in preference order.
        pub fn cipher_suites(mut self, suites: &[SupportedSuite]) -> Self {
            self.options.suites = Some(suites.to_vec());
            self
        }

        /// TLS 1.3 cipher suites, in preference order (RFC 8446 B.4; default: all three).
        pub fn tls13_cipher_suites(mut self, suites: &[Tls13Suite]) -> Self {
            self.options.tls13_suites = Some(suites.to_vec());
            self
        }

        /// The protocol versions to speak, in preference order: `&[TLSv1_3, TLSv1_2]`
        /// (the default), or one of them alone to pin it. Anything else fails `build`.
        pub fn versions(mut self, versions: &[ProtocolVersion]) -> Self {
            self.options.versions = Some(versions.to_vec());
            self
        }

        /// ECDHE groups, in preference order.
        pub fn groups(mut self, groups: &[NamedGroup]) -> Self {
            self.options.groups = Some(groups.to_vec());
            self
        }

        /// Signature schemes, in preference order.
        pub fn signature_schemes(mut self, schemes: &[SignatureAlgorithm]) -> Self {
            self.options.schemes = Some(schemes.to_vec());
            self
        }

        /// ALPN protocols, in preference order.
        pub fn alpn_protocols(mut self, protocols: &[&[u8]]) -> Self {
            self.options.alpn = protocols.iter().map(|p| p.to_vec()).collect();
            self
        }

        /// Whether the peer must support extended master secret, RFC 7627 (default: yes).
        pub fn require_ems(mut self, required: bool) -> Self {
            self.options.require_ems = required;
            self
        }

        /// Also use the static RSA key exchange suites (no forward secrecy; default: no).
        /// With no explicit suite list, the two static RSA suites are added last.
        pub fn enable_static_rsa(mut self, enabled: bool) -> Self {
            self.options.static_rsa = enabled;
            self
        }

        /// Log secrets in the NSS key log format.
        pub fn key_log(mut self, log: Arc<dyn KeyLog>) -> Self {
            self.options.key_log = Some(log);
            self
        }

        /// Log secrets to the file that `SSLKEYLOGFILE` names, if set.
        pub fn key_log_from_env(mut self) -> Self {
            if let Some(f) = KeyLogFile::from_env() {
                self.options.key_log = Some(Arc::new(f));
            }
            self
        }

        /// Metrics hooks: `observer` hears about every connection made with this
        /// configuration (handshakes completed, connections failed, peer certificates
        /// refused). See [`ConnectionObserver`].
        pub fn observer(mut self, observer: Arc<dyn ConnectionObserver>) -> Self {
            self.options.observer = Some(observer);
            self
        }

        /// The cryptography of every connection made with this configuration (key exchange,
        /// signatures, certificate signatures in the verifiers this builder makes, the PRF
        /// and record protection). Default: RustCrypto,
        /// [`mtls_crypto::default_provider`]. The faster AWS-LC provider is
        /// `mtls_crypto::provider::aws_lc::PROVIDER`, with this crate's `aws-lc` feature.
        pub fn crypto_provider(mut self, provider: &'static CryptoProvider) -> Self {
            self.options.provider = provider;
            self
        }

        /// The clock for validity checks and session expiry (default: the system clock).
        pub fn clock(mut self, time: Arc<dyn TimeProvider>) -> Self {
            self.options.time = Some(time);
            self
        }
    };
}

/// A server configuration, shared by every connection it accepts.
///
/// Built once and cloned cheaply (an `Arc` inside); the builder checks everything at
/// `build`, so that a chain and a key that do not belong together are refused there, not at
/// the first handshake:
///
/// ```
/// use mtls::pki::{RootStore, certs_from_pem, private_key_from_pem};
/// use mtls::{Error, ServerConfig};
///
/// # // A throwaway CA and leaves made with rcgen (a real deployment reads its PEM files).
/// # use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
/// # let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
/// # ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
/// # let ca_key = KeyPair::generate()?;
/// # let ca = ca_params.self_signed(&ca_key)?.pem().into_bytes();
/// # let issuer = Issuer::new(ca_params, ca_key);
/// # let leaf = |name: &str| -> Result<(Vec<u8>, Vec<u8>), rcgen::Error> {
/// #     let key = KeyPair::generate()?;
/// #     let cert = CertificateParams::new(vec![name.to_string()])?.signed_by(&key, &issuer)?;
/// #     Ok((cert.pem().into_bytes(), key.serialize_pem().into_bytes()))
/// # };
/// # let ((server_pem, server_key), (_, other_key)) = (leaf("localhost")?, leaf("other")?);
/// let config = ServerConfig::builder()
///     .certificate(certs_from_pem(&server_pem)?, private_key_from_pem(&server_key)?)
///     .client_auth_required(RootStore::from_pem(&ca)?)
///     .build()?;
/// let for_another_thread = config.clone();
/// # drop(for_another_thread);
///
/// let mismatched = ServerConfig::builder()
///     .certificate(certs_from_pem(&server_pem)?, private_key_from_pem(&other_key)?)
///     .build();
/// assert!(matches!(mismatched, Err(Error::Config(_))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct ServerConfig {
    pub(crate) inner: Arc<mtls_handshake::ServerConfig>,
    pub(crate) observer: Option<Arc<dyn ConnectionObserver>>,
}

impl ServerConfig {
    /// Starts a builder.
    pub fn builder() -> ServerConfigBuilder {
        ServerConfigBuilder::default()
    }

    /// The handshake-level configuration.
    pub fn handshake_config(&self) -> &mtls_handshake::ServerConfig {
        &self.inner
    }
}

/// Builds a [`ServerConfig`].
pub struct ServerConfigBuilder {
    certs: Vec<Arc<CertifiedKey>>,
    resolver: Option<Arc<dyn ResolvesServerCert>>,
    policy: ClientAuthPolicy,
    verifier: Option<Arc<dyn ClientCertVerifier>>,
    /// A webpki verifier made here from roots: it gets the configured provider at `build`.
    webpki: Option<WebPkiClientVerifier>,
    preference: SuitePreference,
    cache: Option<Arc<dyn ServerSessionCache>>,
    authorizer: Option<Arc<dyn AuthorizeClient>>,
    ticketer: Option<Arc<dyn Ticketer>>,
    ticket_replay: Option<Arc<TicketReplayGuard>>,
    tls13_tickets: Option<usize>,
    psk_ke: bool,
    options: Options,
}

impl Default for ServerConfigBuilder {
    fn default() -> Self {
        Self {
            certs: Vec::new(),
            resolver: None,
            policy: ClientAuthPolicy::None,
            verifier: None,
            webpki: None,
            preference: SuitePreference::Server,
            cache: Some(Arc::new(InMemorySessionCache::new(
                SERVER_CACHE.0,
                SERVER_CACHE.1,
            ))),
            authorizer: None,
            ticketer: None,
            ticket_replay: None,
            tls13_tickets: None,
            psk_ke: false,
            options: Options::default(),
        }
    }
}

impl ServerConfigBuilder {
    /// Adds a certificate chain (leaf first) and its key. Call twice to hold an RSA and an
    /// ECDSA chain; each handshake picks the one that fits the client.
    ///
    /// A key that does not belong to the chain's leaf fails [`build`](Self::build) with
    /// [`Error::Config`] naming this step and holding the [`KeyError`](crate::KeyError).
    pub fn certificate(mut self, chain: Vec<CertificateDer<'static>>, key: SigningKey) -> Self {
        let step = || format!("{SERVER}: certificate(chain, key)");
        if let Some(ck) = self.options.certified(step, chain, key) {
            self.certs.push(ck);
        }
        self
    }

    /// Loads a certificate chain and its key from PEM or DER files.
    ///
    /// A file that does not load fails [`build`](Self::build) with [`Error::Config`] naming
    /// this step and the files, and holding the [`PkiError`](crate::pki::PkiError).
    pub fn certificate_files(mut self, chain: impl AsRef<Path>, key: impl AsRef<Path>) -> Self {
        let (chain, key) = (chain.as_ref(), key.as_ref());
        if let Some(ck) = self
            .options
            .certified_files(SERVER, "certificate_files", chain, key)
        {
            self.certs.push(ck);
        }
        self
    }

    /// Requires a client certificate issued by one of `roots` (verified with rustls-webpki:
    /// chain, validity, clientAuth usage); their names go into the CertificateRequest.
    pub fn client_auth_required(self, roots: RootStore) -> Self {
        self.webpki_client_auth(ClientAuthPolicy::Required, roots)
    }

    /// Asks for a client certificate and verifies it against `roots` if one is given.
    pub fn client_auth_optional(self, roots: RootStore) -> Self {
        self.webpki_client_auth(ClientAuthPolicy::Optional, roots)
    }

    /// Does not ask for a client certificate during the handshake: the application asks later,
    /// on an established TLS 1.3 connection, with
    /// [`ServerConnection::request_client_certificate`](crate::ServerConnection::request_client_certificate)
    /// (RFC 8446 4.6.2), and the certificate is verified against `roots` as for
    /// [`client_auth_required`](Self::client_auth_required). A TLS 1.2 connection, or a
    /// client that did not offer post_handshake_auth, cannot be asked.
    pub fn client_auth_post_handshake(self, roots: RootStore) -> Self {
        self.webpki_client_auth(ClientAuthPolicy::PostHandshake, roots)
    }

    fn webpki_client_auth(mut self, policy: ClientAuthPolicy, roots: RootStore) -> Self {
        self.policy = policy;
        self.verifier = None;
        self.webpki = Some(WebPkiClientVerifier::new(roots));
        self
    }

    /// Like [`client_auth_required`](Self::client_auth_required), with the roots read from a
    /// PEM or DER file. A file that does not load fails [`build`](Self::build) with
    /// [`Error::Config`] naming this step and the file.
    pub fn client_auth_required_file(self, roots: impl AsRef<Path>) -> Self {
        self.client_auth_file(
            "client_auth_required_file",
            ClientAuthPolicy::Required,
            roots.as_ref(),
        )
    }

    /// Like [`client_auth_optional`](Self::client_auth_optional), with the roots read from a
    /// PEM or DER file.
    pub fn client_auth_optional_file(self, roots: impl AsRef<Path>) -> Self {
        self.client_auth_file(
            "client_auth_optional_file",
            ClientAuthPolicy::Optional,
            roots.as_ref(),
        )
    }

    fn client_auth_file(mut self, method: &str, policy: ClientAuthPolicy, path: &Path) -> Self {
        match self.options.roots_file(SERVER, method, path) {
            Some(roots) => self.webpki_client_auth(policy, roots),
            None => {
                // `build` reports the file; the policy is kept so that nothing reads as
                // "no client authentication" in the meantime.
                self.policy = policy;
                self
            }
        }
    }

    /// Picks certificates with your own logic (SNI-based, say) instead.
    pub fn cert_resolver(mut self, resolver: Arc<dyn ResolvesServerCert>) -> Self {
        self.resolver = Some(resolver);
        self
    }

    /// Asks for, and verifies, client certificates: `Required` refuses clients without one,
    /// `Optional` verifies one if given, `Request` accepts any certificate unverified.
    pub fn client_auth(
        mut self,
        policy: ClientAuthPolicy,
        verifier: Arc<dyn ClientCertVerifier>,
    ) -> Self {
        self.policy = policy;
        self.verifier = Some(verifier);
        self.webpki = None;
        self
    }

    shared_setters!();

    /// Let the client's suite order win.
    pub fn client_suite_preference(mut self) -> Self {
        self.preference = SuitePreference::Client;
        self
    }

    /// Use this session cache (`None`: no resumption by session id).
    pub fn session_cache(mut self, cache: Option<Arc<dyn ServerSessionCache>>) -> Self {
        self.cache = cache;
        self
    }

    /// Issue session tickets (RFC 5077) sealed by `ticketer` to clients that ask, and resume
    /// the tickets they bring back: a [`TicketKeys`](crate::TicketKeys) for one process, a
    /// [`TicketKeyFile`](crate::TicketKeyFile) shared by a fleet. A ticket carries the
    /// client's chain, which is verified again (and authorized again) on every resumption.
    pub fn ticketer(mut self, ticketer: Arc<dyn Ticketer>) -> Self {
        self.ticketer = Some(ticketer);
        self
    }

    /// Remember the TLS 1.3 tickets resumed in `guard`, so that each resumes at most once
    /// (RFC 8446 8). Every configuration built without one gets a fresh guard of its own;
    /// give the configurations that replace each other on a reload the same guard, as they
    /// share the ticketer, or a ticket resumed before the reload resumes once more after it.
    pub fn ticket_replay(mut self, guard: Arc<TicketReplayGuard>) -> Self {
        self.ticket_replay = Some(guard);
        self
    }

    /// How many TLS 1.3 NewSessionTickets (RFC 8446 4.6.1) follow each handshake when a
    /// [`ticketer`](Self::ticketer) is set (default 2; 0: none). One more follows each
    /// successful post-handshake authentication. Each ticket resumes at most once.
    pub fn tls13_tickets(mut self, count: usize) -> Self {
        self.tls13_tickets = Some(count);
        self
    }

    /// Resume TLS 1.3 sessions without (EC)DHE (psk_ke, RFC 8446 4.2.9) for clients that
    /// allow it (default: off, every resumption runs an (EC)DHE exchange). Faster, but a
    /// psk_ke connection's keys come from the ticket's PSK alone: whoever later steals the
    /// ticket keys and recorded the traffic can read it (docs/SECURITY.md).
    pub fn tls13_psk_ke(mut self, enabled: bool) -> Self {
        self.psk_ke = enabled;
        self
    }

    /// Authorization after authentication: `authorizer` sees every verified client (its
    /// [`PeerIdentity`](crate::PeerIdentity), chain and SNI name) on full handshakes and
    /// resumptions alike, and refuses one with `access_denied` by returning `Err(reason)`.
    ///
    /// Only one SPIFFE ID may connect:
    ///
    /// ```
    /// # fn config(roots: mtls::pki::RootStore, chain: Vec<mtls::CertificateDer<'static>>, key: mtls::SigningKey) -> Result<mtls::ServerConfig, mtls::Error> {
    /// let config = mtls::ServerConfig::builder()
    ///     .certificate(chain, key)
    ///     .client_auth_required(roots)
    ///     .authorize(|client: &mtls::ClientAuthorization<'_>| {
    ///         match client.identity.spiffe_id() {
    ///             Some("spiffe://example.org/billing") => Ok(()),
    ///             other => Err(format!("{other:?} may not call billing")),
    ///         }
    ///     })
    ///     .build()?;
    /// # Ok(config)
    /// # }
    /// ```
    pub fn authorize(mut self, authorizer: impl AuthorizeClient + 'static) -> Self {
        self.authorizer = Some(Arc::new(authorizer));
        self
    }

    /// Checks and builds the configuration. The first step that failed, if any, is the
    /// [`Error::Config`] returned: its [`ConfigError`] names the step and keeps the typed
    /// cause.
    pub fn build(mut self) -> Result<ServerConfig, Error> {
        if let Some(e) = self.options.error.take() {
            return Err(Error::Config(e));
        }
        let invalid = |s| Error::Config(ConfigError::new(SERVER, ConfigCause::Invalid(s)));
        let provider = self.options.provider;
        self.options.bind_keys(SERVER, &self.certs)?;
        if let Some(webpki) = self.webpki.take() {
            self.verifier = Some(Arc::new(webpki.with_crypto_provider(provider)));
        }
        let resolver: Arc<dyn ResolvesServerCert> = match self.resolver {
            Some(r) => r,
            None if !self.certs.is_empty() => Arc::new(self.certs),
            None => return Err(invalid("a server needs a certificate and key")),
        };
        if self.policy.verifies() && self.verifier.is_none() {
            return Err(invalid(
                "client authentication needs a verifier with trusted roots",
            ));
        }
        let mut c = mtls_handshake::ServerConfig::new(resolver);
        c.client_auth = self.policy;
        c.client_verifier = self.verifier;
        c.preference = self.preference;
        c.session_cache = self.cache;
        c.authorizer = self.authorizer;
        c.ticketer = self.ticketer;
        if let Some(n) = self.tls13_tickets {
            c.tls13_tickets = n;
        }
        c.tls13_psk_ke = self.psk_ke;
        if let Some(guard) = self.ticket_replay {
            c.ticket_replay = guard;
        }
        c.provider = provider;
        let o = &mut self.options;
        apply_options!(c, o, SERVER);
        Ok(ServerConfig {
            inner: Arc::new(c),
            observer: o.observer.take(),
        })
    }
}

mod client;
pub use client::{ClientConfig, ClientConfigBuilder};
