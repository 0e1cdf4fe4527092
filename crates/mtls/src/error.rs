//! The one error type of the facade: what happened in words, and which alert went which way.

use std::fmt;

use mtls_handshake::{CertificateError, HandshakeError};
use mtls_record::RecordError;
use mtls_wire::AlertDescription;

/// Why a connection failed. After one of these the connection is dead; its `Display` says what
/// happened in words a user can act on, with the alert that was sent or received.
///
/// A program can match on the kind: a refused peer certificate is
/// [`Error::CertificateRefused`] with the verifier's [`CertificateError`] (expired, unknown
/// issuer, revoked, wrong name, wrong usage, ...), see [`Error::certificate_error`].
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
    /// The configuration cannot work (no certificate, a policy without roots, ...).
    Config(String),
    /// The connection is closed (close_notify sent) and cannot carry more data.
    Closed,
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
}

fn alert_name(a: AlertDescription) -> String {
    // `HandshakeFailure` -> `handshake_failure`, the RFC's spelling.
    let debug = format!("{a:?}");
    let mut out = String::new();
    for (i, ch) in debug.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
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
        AlertDescription::ProtocolVersion => " (the peer does not speak TLS 1.2)",
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
            Self::Config(s) => write!(f, "configuration error: {s}"),
            Self::Closed => write!(f, "the connection is closed"),
        }
    }
}

impl std::error::Error for Error {}

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
