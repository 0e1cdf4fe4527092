//! The traits through which a handshake judges the peer's chain. `mtls-pki` implements them
//! with rustls-webpki; anyone may implement them with their own policy.

use mtls_wire::handshake::DistinguishedName;
use rustls_pki_types::CertificateDer;

use crate::error::CertificateError;

/// Judges the server's chain on the client side: trust, validity at `now`, and the name.
pub trait ServerCertVerifier: Send + Sync {
    /// `chain` is leaf first; `server_name` is what the client connected to (DNS name or IP
    /// address text), `now` is seconds since the Unix epoch.
    fn verify_server_cert(
        &self,
        chain: &[CertificateDer<'_>],
        server_name: Option<&str>,
        now: u64,
    ) -> Result<(), CertificateError>;

    /// A digest of everything this verifier's verdict depends on besides the chain, the name
    /// and the clock (its roots, CRLs, settings and the rules of its code), equal in every
    /// process configured alike; `None` (the default) when it cannot name one. A client's
    /// sessions are bound to it: a configuration whose verifier has the same digest (a
    /// reloaded one, or one in a restarted process) may resume them, any other may not.
    /// Return a digest only if two verifiers with equal digests always judge a chain alike.
    fn policy_digest(&self) -> Option<[u8; 32]> {
        None
    }
}

/// Judges the client's chain on the server side.
pub trait ClientCertVerifier: Send + Sync {
    /// The distinguished names of the acceptable roots, sent in CertificateRequest
    /// (RFC 5246 7.4.4 `certificate_authorities`). May be empty.
    fn root_hint_subjects(&self) -> Vec<DistinguishedName>;

    /// `chain` is leaf first; `now` is seconds since the Unix epoch. Also called again on
    /// resumption, so that an expired or no longer trusted client is not let back in.
    fn verify_client_cert(
        &self,
        chain: &[CertificateDer<'_>],
        now: u64,
    ) -> Result<(), CertificateError>;

    /// Until when (seconds since the Unix epoch) a successful verification of `chain` by this
    /// verifier stays true, so that a resumption before then may skip re-verifying it; `None`
    /// (the default) re-verifies on every resumption. Return a time only if nothing but the
    /// clock can change the verdict (e.g. the earliest notAfter in the chain, with no CRLs).
    fn verified_until(&self, chain: &[CertificateDer<'_>]) -> Option<u64> {
        let _ = chain;
        None
    }

    /// A digest of everything this verifier's verdict depends on besides the chain and the
    /// clock (its roots, its settings, the rules of its code), equal in every process
    /// configured alike; `None` (the default) when it cannot name one. A session ticket
    /// records the digest of the verifier that judged the client chain and
    /// [`verified_until`](Self::verified_until): a server whose verifier has the same digest
    /// may skip re-verifying that chain before then, on any replica. Return a digest only if
    /// two verifiers with equal digests always judge a chain alike.
    fn policy_digest(&self) -> Option<[u8; 32]> {
        None
    }
}
