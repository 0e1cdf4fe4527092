//! The one error type of the facade: what happened in words, and which alert went which way.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use mtls_cert::{CertificateError, KeyError};
use mtls_handshake::HandshakeError;
use mtls_pki::PkiError;
use mtls_record::RecordError;
use mtls_wire::AlertDescription;

/// Why a connection failed. After one of these the connection is dead; its `Display` says what
/// happened in words a user can act on, with the alert that was sent or received.
///
/// A program can match on the kind: a refused peer certificate is
/// [`Error::CertificateRefused`] with the verifier's [`CertificateError`] (expired, unknown
/// issuer, revoked, wrong name, wrong usage, ...), see [`Error::certificate_error`]; a
/// configuration that cannot be built is [`Error::Config`], whose [`ConfigError`] names the
/// builder step and keeps the typed cause (a [`PkiError`] for a file, a [`KeyError`] for a
/// chain and key that do not pair), also as this error's
/// [`source`](std::error::Error::source).
///
/// A TLS 1.2 client that trusts another CA than the one that issued the server's certificate
/// refuses it with `unknown_ca`, and the server fails with the alert it received:
///
/// ```
/// use mtls::pki::{RootStore, certs_from_pem, private_key_from_pem};
/// use mtls::{AlertDescription, CertificateError, ClientConfig, ClientConnection, Error};
/// use mtls::{ServerConfig, ServerConnection};
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
/// # let (server_pem, server_key) = leaf("localhost")?;
/// # let mut other = CertificateParams::new(Vec::<String>::new())?;
/// # other.distinguished_name.push(rcgen::DnType::CommonName, "another CA");
/// # let other_ca = other.self_signed(&KeyPair::generate()?)?.pem();
/// let server = ServerConfig::builder()
///     .certificate(certs_from_pem(&server_pem)?, private_key_from_pem(&server_key)?)
///     .build()?;
/// let client = ClientConfig::with_roots(RootStore::from_pem(other_ca.as_bytes())?).build()?;
/// let (mut s, mut c) = (ServerConnection::new(&server)?, ClientConnection::new(&client, "localhost")?);
///
/// let mut rounds = 0;
/// let refused = loop {
///     rounds += 1;
///     assert!(rounds < 8, "the client should have refused the server's certificate");
///     let mut wire = Vec::new();
///     c.write_tls(&mut wire)?;
///     s.read_tls(&mut &wire[..])?;
///     s.process_new_packets()?;
///     let mut wire = Vec::new();
///     s.write_tls(&mut wire)?;
///     c.read_tls(&mut &wire[..])?;
///     if let Err(e) = c.process_new_packets() {
///         break e;
///     }
/// };
/// assert_eq!(refused.certificate_error(), Some(&CertificateError::UnknownIssuer));
/// assert_eq!(refused.alert_sent(), Some(AlertDescription::UnknownCa));
///
/// // The client's alert reaches the server.
/// let mut wire = Vec::new();
/// c.write_tls(&mut wire)?;
/// s.read_tls(&mut &wire[..])?;
/// assert_eq!(s.process_new_packets().unwrap_err(), Error::AlertReceived(AlertDescription::UnknownCa));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// We found the problem and sent the peer a fatal alert.
    AlertSent {
        /// The alert we sent.
        alert: AlertDescription,
        /// What went wrong.
        reason: String,
    },
    /// We refused the peer's certificate and sent the alert its error maps to.
    CertificateRefused {
        /// Why, as the verifier said it.
        error: CertificateError,
        /// The same in words, with whose certificate it was.
        reason: String,
    },
    /// The peer ended the connection with a fatal alert.
    AlertReceived(AlertDescription),
    /// The configuration cannot work: a file that does not load, a key that does not belong
    /// to its certificate, no certificate, a policy without roots, ...
    Config(ConfigError),
    /// The connection is closed (close_notify sent) and cannot carry more data.
    Closed,
    /// What the application asked cannot be done on this connection (a post-handshake
    /// request on TLS 1.2, a client that did not offer post_handshake_auth, a request
    /// already in flight); the connection goes on as before.
    Unavailable(String),
}

impl Error {
    /// The alert sent or received, if any.
    pub fn alert(&self) -> Option<AlertDescription> {
        match self {
            Self::AlertReceived(a) => Some(*a),
            _ => self.alert_sent(),
        }
    }

    /// The fatal alert we sent, if we ended the connection.
    pub fn alert_sent(&self) -> Option<AlertDescription> {
        match self {
            Self::AlertSent { alert, .. } => Some(*alert),
            Self::CertificateRefused { error, .. } => Some(error.alert()),
            _ => None,
        }
    }

    /// Why we refused the peer's certificate, if that ended the connection.
    pub fn certificate_error(&self) -> Option<&CertificateError> {
        match self {
            Self::CertificateRefused { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Which configuration step failed and why, if this is a configuration error.
    pub fn config_error(&self) -> Option<&ConfigError> {
        match self {
            Self::Config(e) => Some(e),
            _ => None,
        }
    }
}

/// Why a configuration could not be built: the builder step that failed (e.g.
/// `server config: certificate_files(server.pem, server.key)`) and the typed cause.
///
/// Its `Display` is `step: cause`, e.g. `client config: client_certificate(chain, key): the
/// private key does not belong to the leaf certificate`. The cause is also its
/// [`source`](std::error::Error::source), to match with [`cause`](Self::cause) or to
/// downcast to [`PkiError`] or [`KeyError`].
#[derive(Clone, Debug)]
pub struct ConfigError {
    step: Cow<'static, str>,
    cause: ConfigCause,
}

/// What went wrong at a configuration step.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum ConfigCause {
    /// A certificate chain, private key, root store or CRL could not be loaded, or is not
    /// usable (the file, and what is wrong with it).
    Pki(Arc<PkiError>),
    /// A chain and a private key that do not form a certified key: the key does not belong
    /// to the leaf, the chain is empty, or the leaf does not parse.
    Key(KeyError),
    /// Settings that cannot work together (a server without a certificate, client
    /// authentication without a verifier).
    Invalid(&'static str),
}

impl ConfigError {
    /// A failure at `step` (e.g. `server config: certificate(chain, key)`).
    pub fn new(step: impl Into<Cow<'static, str>>, cause: ConfigCause) -> Self {
        Self {
            step: step.into(),
            cause,
        }
    }

    /// The builder and the step that failed, e.g. `client config: with_roots_file(ca.pem)`.
    pub fn step(&self) -> &str {
        &self.step
    }

    /// What went wrong.
    pub fn cause(&self) -> &ConfigCause {
        &self.cause
    }

    /// The PKI error, if a file (or in-memory PEM/DER) could not be loaded or used.
    pub fn pki_error(&self) -> Option<&PkiError> {
        match &self.cause {
            ConfigCause::Pki(e) => Some(e),
            _ => None,
        }
    }

    /// The key error, if a chain and key do not pair.
    pub fn key_error(&self) -> Option<&KeyError> {
        match &self.cause {
            ConfigCause::Key(e) => Some(e),
            _ => None,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.step, self.cause)
    }
}

impl fmt::Display for ConfigCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Pki(e) => e.fmt(f),
            Self::Key(e) => e.fmt(f),
            Self::Invalid(s) => f.write_str(s),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.cause {
            ConfigCause::Pki(e) => Some(&**e),
            ConfigCause::Key(e) => Some(e),
            ConfigCause::Invalid(_) => None,
        }
    }
}

/// Equal when the step is the same and so is the cause (a PKI error by its message: an I/O
/// error inside it has no equality of its own).
impl PartialEq for ConfigError {
    fn eq(&self, other: &Self) -> bool {
        self.step == other.step
            && match (&self.cause, &other.cause) {
                (ConfigCause::Pki(a), ConfigCause::Pki(b)) => {
                    Arc::ptr_eq(a, b) || a.to_string() == b.to_string()
                }
                (ConfigCause::Key(a), ConfigCause::Key(b)) => a == b,
                (ConfigCause::Invalid(a), ConfigCause::Invalid(b)) => a == b,
                _ => false,
            }
    }
}

impl Eq for ConfigError {}

fn alert_name(a: AlertDescription) -> String {
    a.rfc_name()
        .map_or_else(|| format!("unknown({})", a.to_u8()), str::to_string)
}

fn hint(a: AlertDescription) -> &'static str {
    match a {
        AlertDescription::HandshakeFailure => {
            " (no common parameters, or the peer requires a certificate we did not send)"
        }
        AlertDescription::UnknownCa => {
            " (the peer does not trust the CA that issued our certificate)"
        }
        AlertDescription::CertificateExpired => " (the peer says our certificate is expired)",
        AlertDescription::BadCertificate => " (the peer refused our certificate)",
        AlertDescription::ProtocolVersion => {
            " (the peer speaks none of the protocol versions we offered)"
        }
        _ => "",
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AlertSent { alert, reason } => {
                write!(f, "{reason} (sent alert {})", alert_name(*alert))
            }
            Self::CertificateRefused { error, reason } => {
                write!(f, "{reason} (sent alert {})", alert_name(error.alert()))
            }
            Self::AlertReceived(a) => {
                write!(
                    f,
                    "the peer ended the connection with alert {}{}",
                    alert_name(*a),
                    hint(*a)
                )
            }
            Self::Config(e) => write!(f, "configuration error: {e}"),
            Self::Closed => write!(f, "the connection is closed"),
            Self::Unavailable(why) => write!(f, "not possible on this connection: {why}"),
        }
    }
}

/// The source of a configuration error is its typed cause ([`PkiError`] or [`KeyError`],
/// see [`ConfigError`]), to downcast; the other kinds carry what they know in the variant.
impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Config(e) => std::error::Error::source(e),
            _ => None,
        }
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Self::Config(e)
    }
}

impl From<HandshakeError> for Error {
    fn from(e: HandshakeError) -> Self {
        match e.certificate_error() {
            Some(error) => Self::CertificateRefused {
                error: error.clone(),
                reason: e.reason().to_string(),
            },
            None => Self::AlertSent {
                alert: e.alert(),
                reason: e.reason().to_string(),
            },
        }
    }
}

impl From<RecordError> for Error {
    fn from(e: RecordError) -> Self {
        Self::AlertSent {
            alert: e.alert(),
            reason: e.to_string(),
        }
    }
}

impl From<Error> for std::io::Error {
    fn from(e: Error) -> Self {
        std::io::Error::new(std::io::ErrorKind::InvalidData, e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_alert_the_rfc_way() {
        let e = Error::AlertSent {
            alert: AlertDescription::HandshakeFailure,
            reason: "the client sent no certificate but this server requires one".into(),
        };
        assert_eq!(
            e.to_string(),
            "the client sent no certificate but this server requires one (sent alert handshake_failure)"
        );
        assert!(
            Error::AlertReceived(AlertDescription::UnknownCa)
                .to_string()
                .contains("alert unknown_ca")
        );
    }
}
