//! Hooks for metrics: a [`ConnectionObserver`] set on a configuration hears about every
//! connection made from it (handshakes completed, full or resumed; connections failed, by
//! alert; peer certificates refused, by reason), so a service can count them in the metrics
//! backend it already has. No backend is a dependency of mtls.
//!
//! The `tracing` feature gives the same facts as events (a span per connection, an event per
//! handshake message, one per refusal); an observer needs no feature and costs one virtual
//! call per event.

use mtls_cert::CertificateError;
use mtls_handshake::HandshakeSummary;

use crate::error::Error;

/// Told what happens to connections; every method has an empty default, so implement only
/// what you count. Called on the thread that drives the connection: keep it short (bump a
/// counter), never block.
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use mtls::{ConnectionObserver, Error, HandshakeSummary};
///
/// #[derive(Default)]
/// struct Counts {
///     full: AtomicU64,
///     resumed: AtomicU64,
///     failed: AtomicU64,
/// }
///
/// impl ConnectionObserver for Counts {
///     fn handshake_completed(&self, summary: &HandshakeSummary) {
///         let n = if summary.resumed { &self.resumed } else { &self.full };
///         n.fetch_add(1, Ordering::Relaxed);
///     }
///     fn connection_failed(&self, _error: &Error, _during_handshake: bool) {
///         self.failed.fetch_add(1, Ordering::Relaxed);
///     }
/// }
///
/// let counts = Arc::new(Counts::default());
/// # let made = rcgen::generate_simple_self_signed(vec!["localhost".to_string()])?;
/// # let chain = vec![made.cert.der().clone()];
/// # let key = mtls::pki::private_key_from_der(&made.signing_key.serialize_der())?;
/// let config = mtls::ServerConfig::builder()
///     .certificate(chain, key)
///     .observer(counts.clone())
///     .build()?;
/// # let _ = config;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait ConnectionObserver: Send + Sync {
    /// A handshake completed: `summary.resumed` tells a full handshake from a resumption
    /// (by session id: tickets are not implemented yet), `summary.kind` whether a client
    /// certificate was sent.
    fn handshake_completed(&self, summary: &HandshakeSummary) {
        let _ = summary;
    }

    /// A connection ended in an error: `error.alert_sent()` is the fatal alert we sent,
    /// `error.alert()` also covers one we received. `during_handshake` tells handshake
    /// failures from later ones.
    fn connection_failed(&self, error: &Error, during_handshake: bool) {
        let _ = (error, during_handshake);
    }

    /// We refused the peer's certificate (a server: the client's), and why: expired,
    /// unknown issuer, revoked, wrong usage, wrong name, refused by the authorization hook,
    /// ... Called before [`connection_failed`](Self::connection_failed) for the same error.
    fn peer_certificate_refused(&self, error: &CertificateError) {
        let _ = error;
    }
}
