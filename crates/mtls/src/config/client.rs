//! The client's configuration and its builder.

use std::path::Path;
use std::sync::Arc;

use mtls_cert::{CertificateDer, CertifiedKey, ResolvesClientCert, ServerCertVerifier};
use mtls_crypto::CryptoProvider;
use mtls_crypto::kx::NamedGroup;
use mtls_crypto::signature::{SignatureAlgorithm, SigningKey};
use mtls_handshake::suites::{SupportedSuite, Tls13Suite};
use mtls_handshake::{ClientSessionStore, InMemoryClientSessionStore, KeyLog, TimeProvider};
use mtls_pki::{RootStore, WebPkiServerVerifier};
use mtls_wire::ProtocolVersion;

use super::{CLIENT, CLIENT_STORE, Options};
use crate::error::{ConfigCause, ConfigError, Error};
use crate::keylog::KeyLogFile;
use crate::observe::ConnectionObserver;

/// A client configuration, shared by every connection it makes.
///
/// A client without a certificate of its own that speaks TLS 1.3 only:
///
/// ```
/// use mtls::pki::RootStore;
/// use mtls::{ClientConfig, ClientConnection, ProtocolVersion};
///
/// # let ca = rcgen::generate_simple_self_signed(vec!["ca".to_string()])?.cert.pem();
/// let config = ClientConfig::with_roots(RootStore::from_pem(ca.as_bytes())?)
///     .versions(&[ProtocolVersion::TLSv1_3])
///     .build()?;
/// let conn = ClientConnection::new(&config, "billing.internal")?;
/// assert!(conn.is_handshaking() && conn.wants_write()); // the ClientHello is ready to send
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct ClientConfig {
    pub(crate) inner: Arc<mtls_handshake::ClientConfig>,
    pub(crate) observer: Option<Arc<dyn ConnectionObserver>>,
}

impl ClientConfig {
    /// Starts a builder that trusts server certificates issued by `roots` (verified with
    /// rustls-webpki: chain, validity, serverAuth usage, and the name connected to).
    pub fn with_roots(roots: RootStore) -> ClientConfigBuilder {
        ClientConfigBuilder {
            verifier: None,
            webpki: Some(WebPkiServerVerifier::new(roots)),
            ..Self::builder_parts()
        }
    }

    /// Like [`with_roots`](Self::with_roots), with the roots read from a PEM or DER file. A
    /// file that does not load fails [`build`](ClientConfigBuilder::build) with
    /// [`Error::Config`] naming this step and the file, and holding the
    /// [`PkiError`](crate::pki::PkiError).
    pub fn with_roots_file(path: impl AsRef<Path>) -> ClientConfigBuilder {
        let mut options = Options::default();
        let roots = options
            .roots_file(CLIENT, "with_roots_file", path.as_ref())
            .unwrap_or_default();
        ClientConfigBuilder {
            options,
            ..Self::with_roots(roots)
        }
    }

    /// Starts a builder with your own verifier for the server's certificate.
    pub fn builder(verifier: Arc<dyn ServerCertVerifier>) -> ClientConfigBuilder {
        ClientConfigBuilder {
            verifier: Some(verifier),
            ..Self::builder_parts()
        }
    }

    /// A builder without a verifier yet.
    fn builder_parts() -> ClientConfigBuilder {
        ClientConfigBuilder {
            verifier: None,
            webpki: None,
            cert: None,
            resolver: None,
            store: Some(Arc::new(InMemoryClientSessionStore::new(
                CLIENT_STORE.0,
                CLIENT_STORE.1,
            ))),
            tickets: true,
            psk_ke: false,
            options: Options::default(),
        }
    }

    /// The handshake-level configuration.
    pub fn handshake_config(&self) -> &mtls_handshake::ClientConfig {
        &self.inner
    }

    /// Where this configuration keeps its sessions with `server_name` in its session store:
    /// the name and a digest of the client identity (its certificates and the roots that
    /// accept servers), so that a configuration rebuilt alike (a reload, a restart) finds
    /// them again and another identity never does.
    pub fn session_key(&self, server_name: &str) -> mtls_handshake::SessionKey {
        self.inner.session_key(server_name)
    }
}

/// Builds a [`ClientConfig`].
pub struct ClientConfigBuilder {
    verifier: Option<Arc<dyn ServerCertVerifier>>,
    /// A webpki verifier made here from roots: it gets the configured provider at `build`.
    webpki: Option<WebPkiServerVerifier>,
    cert: Option<Arc<CertifiedKey>>,
    resolver: Option<Arc<dyn ResolvesClientCert>>,
    store: Option<Arc<dyn ClientSessionStore>>,
    tickets: bool,
    psk_ke: bool,
    options: Options,
}

impl ClientConfigBuilder {
    /// The certificate chain (leaf first) and key to present when the server asks.
    ///
    /// A key that does not belong to the chain's leaf fails [`build`](Self::build) with
    /// [`Error::Config`] naming this step and holding the [`KeyError`](crate::KeyError).
    pub fn client_certificate(
        mut self,
        chain: Vec<CertificateDer<'static>>,
        key: SigningKey,
    ) -> Self {
        let step = || format!("{CLIENT}: client_certificate(chain, key)");
        if let Some(ck) = self.options.certified(step, chain, key) {
            self.cert = Some(ck);
        }
        self
    }

    /// Loads the client certificate chain and key from PEM or DER files.
    ///
    /// A file that does not load fails [`build`](Self::build) with [`Error::Config`] naming
    /// this step and the files, and holding the [`PkiError`](crate::pki::PkiError).
    pub fn client_certificate_files(
        mut self,
        chain: impl AsRef<Path>,
        key: impl AsRef<Path>,
    ) -> Self {
        let (chain, key) = (chain.as_ref(), key.as_ref());
        if let Some(ck) =
            self.options
                .certified_files(CLIENT, "client_certificate_files", chain, key)
        {
            self.cert = Some(ck);
        }
        self
    }

    /// Picks the client certificate with your own logic instead.
    pub fn cert_resolver(mut self, resolver: Arc<dyn ResolvesClientCert>) -> Self {
        self.resolver = Some(resolver);
        self
    }

    shared_setters!();

    /// Use this session store (`None`: no resumption).
    ///
    /// A store may be shared between configurations: sessions are kept under the client
    /// identity that made them ([`ClientConfig::session_key`]: the certificates it presents
    /// and the roots that accepted the server), so one identity never resumes, and is never
    /// taken for, another, while a reloaded configuration with the same certificates and
    /// roots resumes the sessions of the one before (docs/SECURITY.md, "Concurrency").
    pub fn session_store(mut self, store: Option<Arc<dyn ClientSessionStore>>) -> Self {
        self.store = store;
        self
    }

    /// Ask servers for session tickets (RFC 5077) and resume with them (default: on).
    pub fn enable_tickets(mut self, enabled: bool) -> Self {
        self.tickets = enabled;
        self
    }

    /// Allow servers to resume TLS 1.3 sessions without (EC)DHE: psk_ke is offered after
    /// psk_dhe_ke (RFC 8446 4.2.9; default: off). The server chooses; a key share is still
    /// sent for servers that resume with (EC)DHE or make a full handshake.
    pub fn tls13_psk_ke(mut self, enabled: bool) -> Self {
        self.psk_ke = enabled;
        self
    }

    /// Checks and builds the configuration. The first step that failed, if any, is the
    /// [`Error::Config`] returned: its [`ConfigError`] names the step and keeps the typed
    /// cause.
    pub fn build(mut self) -> Result<ClientConfig, Error> {
        if let Some(e) = self.options.error.take() {
            return Err(Error::Config(e));
        }
        let provider = self.options.provider;
        self.options.bind_keys(CLIENT, &self.cert)?;
        let verifier: Arc<dyn ServerCertVerifier> = match (self.verifier, self.webpki) {
            (Some(v), _) => v,
            (None, Some(webpki)) => Arc::new(webpki.with_crypto_provider(provider)),
            (None, None) => {
                return Err(Error::Config(ConfigError::new(
                    CLIENT,
                    ConfigCause::Invalid("a client needs a verifier for the server's certificate"),
                )));
            }
        };
        let mut c = mtls_handshake::ClientConfig::new(verifier);
        c.provider = provider;
        c.cert_resolver = match (self.resolver, self.cert) {
            (Some(r), _) => Some(r),
            (None, Some(ck)) => Some(Arc::new(ck) as Arc<dyn ResolvesClientCert>),
            (None, None) => None,
        };
        c.session_store = self.store;
        c.enable_tickets = self.tickets;
        c.tls13_psk_ke = self.psk_ke;
        let o = &mut self.options;
        apply_options!(c, o, CLIENT);
        Ok(ClientConfig {
            inner: Arc::new(c),
            observer: o.observer.take(),
        })
    }
}
