//! The handshake's error: what went wrong, in words, and the alert that tells the peer.

use std::borrow::Cow;
use std::fmt;

use mtls_wire::{AlertDescription, WireError};

use crate::certs::{CertificateDer, CertificateError, KeyError};

/// A failed handshake. The connection is dead: send [`HandshakeError::alert`] as a fatal
/// alert and close. (A fatal alert from the peer never reaches the handshake: the record
/// layer hands it to the connection, which ends without answering.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandshakeError {
    alert: AlertDescription,
    reason: Cow<'static, str>,
    /// Why the peer's certificate was refused, when that ended the handshake.
    certificate: Option<CertificateError>,
}

impl HandshakeError {
    /// An error that ends the handshake with `alert`.
    pub fn new(alert: AlertDescription, reason: impl Into<Cow<'static, str>>) -> Self {
        Self {
            alert,
            reason: reason.into(),
            certificate: None,
        }
    }

    /// The peer's certificate was refused (`whose`: "client" or "server"): the verifier's
    /// error picks the alert and stays available, typed, as
    /// [`certificate_error`](Self::certificate_error).
    pub fn certificate_refused(whose: &str, error: CertificateError) -> Self {
        Self {
            alert: error.alert(),
            reason: format!("{whose} certificate refused: {error}").into(),
            certificate: Some(error),
        }
    }

    /// [`certificate_refused`](Self::certificate_refused), with the refused chain's leaf
    /// named in the reason (its subject and issuer), so that a log says whose certificate it
    /// was and which CA issued it.
    pub fn certificate_refused_chain(
        whose: &str,
        error: CertificateError,
        chain: &[CertificateDer<'_>],
    ) -> Self {
        let mut e = Self::certificate_refused(whose, error);
        if let Some(leaf) = chain.first() {
            let (subject, issuer) = mtls_cert::x509::subject_and_issuer(leaf)
                .unwrap_or_else(|_| ("?".into(), "?".into()));
            e.reason = format!(
                "{} (the certificate of {subject}, issued by {issuer})",
                e.reason
            )
            .into();
        }
        e
    }

    /// Appends `detail` to the reason (after a colon), keeping the alert and the typed error.
    pub(crate) fn add_reason(&mut self, detail: &str) {
        self.reason = format!("{}: {detail}", self.reason).into();
    }

    /// Why the peer's certificate was refused, if that is what ended the handshake.
    pub fn certificate_error(&self) -> Option<&CertificateError> {
        self.certificate.as_ref()
    }

    /// `unexpected_message`: the message is not the next one in the sequence table.
    pub fn unexpected(reason: impl Into<Cow<'static, str>>) -> Self {
        Self::new(AlertDescription::UnexpectedMessage, reason)
    }

    /// `internal_error`: a local failure (randomness, a bug), never the peer's doing.
    pub fn internal(reason: impl Into<Cow<'static, str>>) -> Self {
        Self::new(AlertDescription::InternalError, reason)
    }

    /// The alert to send (RFC 5246 7.2.2).
    pub fn alert(&self) -> AlertDescription {
        self.alert
    }

    /// What happened, in words a user can act on.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (alert {:?})", self.reason, self.alert)
    }
}

impl std::error::Error for HandshakeError {}

impl From<WireError> for HandshakeError {
    fn from(e: WireError) -> Self {
        Self::new(e.alert(), format!("malformed handshake message: {e}"))
    }
}

/// A peer's certificate whose key cannot be read (`bad_certificate`, or
/// `unsupported_certificate` for a key type we do not use), or a local chain and key that do
/// not pair (`internal_error`): [`KeyError::alert`] picks the alert.
impl From<KeyError> for HandshakeError {
    fn from(e: KeyError) -> Self {
        Self::new(e.alert(), e.to_string())
    }
}

/// Maps a crypto error on peer input to its alert, with context.
pub(crate) fn crypto(context: &'static str, e: mtls_crypto::Error) -> HandshakeError {
    let alert = AlertDescription::from(e.alert().code());
    HandshakeError::new(alert, format!("{context}: {e}"))
}
