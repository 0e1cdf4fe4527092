//! Chain validation with rustls-webpki: the server's chain on the client side, the client's
//! chain on the server side (RFC 5280 6, RFC 5246 7.4.2 / 7.4.6).

use core::fmt;
use std::sync::Arc;
use std::time::Duration;

use mtls_cert::{CertificateError, ClientCertVerifier, DistinguishedName, ServerCertVerifier};
use mtls_crypto::CryptoProvider;
use rustls_pki_types::SignatureVerificationAlgorithm;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use webpki::{
    CertRevocationList, EndEntityCert, ExpirationPolicy, KeyUsage, RevocationCheckDepth,
    RevocationOptionsBuilder, UnknownStatusPolicy,
};

use crate::algorithms;
use crate::crl::Crl;
use crate::roots::RootStore;

/// `certificate_unknown` (46, RFC 5246 7.2.2), for refusals none of the named
/// [`CertificateError`] variants describe (the alert type comes through `From<u8>`).
const CERTIFICATE_UNKNOWN: u8 = 46;

/// What the two verifiers share: roots, CRLs and the revocation policy.
#[derive(Clone)]
struct ChainVerifier {
    roots: Arc<RootStore>,
    crls: Vec<Arc<Crl>>,
    /// Check only the leaf against the CRLs, not the intermediates.
    end_entity_only: bool,
    /// A certificate whose issuer published no CRL passes.
    allow_unknown_status: bool,
    /// A CRL past its nextUpdate is still used (by default it refuses the chains it covers).
    allow_expired_crls: bool,
    /// Checks certificate and CRL signatures.
    provider: &'static CryptoProvider,
}

impl ChainVerifier {
    fn new(roots: Arc<RootStore>) -> Self {
        Self {
            roots,
            crls: Vec::new(),
            end_entity_only: false,
            allow_unknown_status: false,
            allow_expired_crls: false,
            provider: mtls_crypto::default_provider(),
        }
    }

    /// Builds a path from `chain[0]` through the rest of `chain` to a root, valid at `now`
    /// for `usage`, checked against the CRLs if there are any. Calls `check_leaf` on the
    /// parsed leaf once the path is good.
    fn verify(
        &self,
        chain: &[CertificateDer<'_>],
        now: u64,
        usage: KeyUsage,
        check_leaf: impl FnOnce(&EndEntityCert<'_>) -> Result<(), CertificateError>,
    ) -> Result<(), CertificateError> {
        let (leaf, rest) = chain
            .split_first()
            .ok_or(CertificateError::BadCertificate)?;
        let ee = EndEntityCert::try_from(leaf).map_err(certificate_error)?;

        let crls: Vec<&CertRevocationList<'_>> = self.crls.iter().map(|c| c.as_webpki()).collect();
        let revocation = RevocationOptionsBuilder::new(&crls).ok().map(|b| {
            b.with_depth(if self.end_entity_only {
                RevocationCheckDepth::EndEntity
            } else {
                RevocationCheckDepth::Chain
            })
            .with_status_policy(if self.allow_unknown_status {
                UnknownStatusPolicy::Allow
            } else {
                UnknownStatusPolicy::Deny
            })
            .with_expiration_policy(if self.allow_expired_crls {
                ExpirationPolicy::Ignore
            } else {
                ExpirationPolicy::Enforce
            })
            .build()
        });

        let algorithms = algorithms::for_provider(self.provider);
        let algorithms: Vec<&dyn SignatureVerificationAlgorithm> = algorithms
            .iter()
            .map(|a| a as &dyn SignatureVerificationAlgorithm)
            .collect();
        ee.verify_for_usage(
            &algorithms,
            self.roots.anchors(),
            rest,
            UnixTime::since_unix_epoch(Duration::from_secs(now)),
            usage,
            revocation,
            None,
        )
        .map_err(certificate_error)?;
        check_leaf(&ee)
    }
}

impl ChainVerifier {
    /// The digest of a verifier that depends on its roots alone: `label` (which names the
    /// verifier and the version of its rules), then the roots' digest.
    fn roots_policy(&self, label: &[u8]) -> [u8; 32] {
        let mut h = self.provider.hash(mtls_crypto::HashAlgorithm::Sha256);
        h.update(label);
        h.update(&self.roots.digest(self.provider));
        let mut policy = [0u8; 32];
        policy.copy_from_slice(h.finish().as_slice());
        policy
    }
}

impl fmt::Debug for ChainVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChainVerifier")
            .field("roots", &self.roots.len())
            .field("crls", &self.crls.len())
            .field("end_entity_only", &self.end_entity_only)
            .field("allow_unknown_status", &self.allow_unknown_status)
            .field("allow_expired_crls", &self.allow_expired_crls)
            .field("provider", &self.provider.name)
            .finish()
    }
}

/// The provider and revocation settings shared by both verifiers' builder methods.
macro_rules! revocation_methods {
    () => {
        /// Checks certificate and CRL signatures on `provider` (default: RustCrypto); a
        /// configuration built with a provider sets it on the verifiers it makes.
        pub fn with_crypto_provider(mut self, provider: &'static CryptoProvider) -> Self {
            self.inner.provider = provider;
            self
        }

        /// Checks chains against these CRLs (RFC 5280 6.3), in addition to any given before.
        /// By default every certificate of the chain (leaf and intermediates) must be
        /// covered by a CRL from its issuer (see
        /// [`allow_unknown_revocation_status`](Self::allow_unknown_revocation_status)), and
        /// that CRL must be current: a CRL past its `nextUpdate` refuses the chains it covers
        /// (RFC 5280 6.3.3; see [`allow_expired_crls`](Self::allow_expired_crls)).
        pub fn with_crls(mut self, crls: impl IntoIterator<Item = Crl>) -> Self {
            self.inner.crls.extend(crls.into_iter().map(Arc::new));
            self
        }

        /// Checks only the leaf against the CRLs, not the intermediate CAs.
        pub fn only_check_end_entity_revocation(mut self) -> Self {
            self.inner.end_entity_only = true;
            self
        }

        /// Lets a certificate through when no CRL covers it (its issuer published none);
        /// without this, such a chain is refused once any CRL is configured.
        pub fn allow_unknown_revocation_status(mut self) -> Self {
            self.inner.allow_unknown_status = true;
            self
        }

        /// Uses a CRL even past its `nextUpdate`. By default such a stale CRL refuses every
        /// chain it covers with `certificate_unknown` (RFC 5280 6.3.3: past `nextUpdate` a
        /// current CRL must be obtained), because it cannot say whether a certificate was
        /// revoked since: replacing CRLs before they expire is the deployment's job. With
        /// this, a stale CRL still revokes what it lists and passes the rest.
        pub fn allow_expired_crls(mut self) -> Self {
            self.inner.allow_expired_crls = true;
            self
        }
    };
}

/// Verifies a server's certificate chain on the client (RFC 5246 7.4.2, RFC 5280 6):
/// a path to one of the roots, every certificate valid at `now`, the `id-kp-serverAuth`
/// extended key usage on the leaf if it has an EKU extension (RFC 5280 4.2.1.12), the
/// leaf valid for the DNS name or IP address connected to (RFC 6125; subjectAltName only,
/// never the common name), and optionally the CRLs.
#[derive(Clone, Debug)]
pub struct WebPkiServerVerifier {
    inner: ChainVerifier,
    /// The policy digest without CRLs, computed on first use (see `policy_digest`).
    policy: std::sync::OnceLock<[u8; 32]>,
}

impl WebPkiServerVerifier {
    /// Trusts the roots of `roots`.
    pub fn new(roots: impl Into<Arc<RootStore>>) -> Self {
        Self {
            inner: ChainVerifier::new(roots.into()),
            policy: std::sync::OnceLock::new(),
        }
    }

    revocation_methods!();
}

impl ServerCertVerifier for WebPkiServerVerifier {
    fn verify_server_cert(
        &self,
        chain: &[CertificateDer<'_>],
        server_name: Option<&str>,
        now: u64,
    ) -> Result<(), CertificateError> {
        let Some(name) = server_name else {
            return Err(CertificateError::Other(
                CERTIFICATE_UNKNOWN.into(),
                "no server name was given, so the certificate's identity cannot be checked".into(),
            ));
        };
        let not_valid = || CertificateError::NotValidForName(name.to_string());
        let server_name = ServerName::try_from(name).map_err(|_| not_valid())?;
        self.inner
            .verify(chain, now, KeyUsage::server_auth(), |ee| {
                ee.verify_is_valid_for_subject_name(&server_name)
                    .map_err(|_| not_valid())
            })
    }

    /// Without CRLs the verdict depends on the roots alone: their digest, so that a client
    /// configuration rebuilt with the same roots resumes the sessions of the one before.
    /// With CRLs (which are replaced) none: sessions stay bound to this verifier object.
    fn policy_digest(&self) -> Option<[u8; 32]> {
        if !self.inner.crls.is_empty() {
            return None;
        }
        Some(
            *self
                .policy
                .get_or_init(|| self.inner.roots_policy(b"mtls webpki server verifier v1")),
        )
    }
}

/// Verifies a client's certificate chain on the server (RFC 5246 7.4.6, RFC 5280 6):
/// a path to one of the roots, validity at `now`, the `id-kp-clientAuth` extended key
/// usage on the leaf if it has an EKU extension, and optionally the CRLs. Its roots'
/// subjects are the CA names the server sends in CertificateRequest.
#[derive(Clone, Debug)]
pub struct WebPkiClientVerifier {
    inner: ChainVerifier,
    subjects: Vec<DistinguishedName>,
    /// The policy digest without CRLs, computed on first use (see `policy_digest`).
    policy: std::sync::OnceLock<[u8; 32]>,
}

impl WebPkiClientVerifier {
    /// Trusts the roots of `roots` and names them in CertificateRequest.
    pub fn new(roots: impl Into<Arc<RootStore>>) -> Self {
        let roots = roots.into();
        Self {
            subjects: roots.subjects(),
            inner: ChainVerifier::new(roots),
            policy: std::sync::OnceLock::new(),
        }
    }

    /// Sends these CA names in CertificateRequest instead of the roots' subjects (for
    /// example the intermediates clients are issued by, or none at all).
    pub fn with_root_hint_subjects(mut self, subjects: Vec<DistinguishedName>) -> Self {
        self.subjects = subjects;
        self
    }

    revocation_methods!();
}

impl ClientCertVerifier for WebPkiClientVerifier {
    fn root_hint_subjects(&self) -> Vec<DistinguishedName> {
        self.subjects.clone()
    }

    fn verify_client_cert(
        &self,
        chain: &[CertificateDer<'_>],
        now: u64,
    ) -> Result<(), CertificateError> {
        self.inner
            .verify(chain, now, KeyUsage::client_auth(), |_| Ok(()))
    }

    /// Without CRLs only the clock can change the verdict on a chain: it holds until the
    /// earliest notAfter in the chain. With CRLs (which may be replaced, or expire) never.
    fn verified_until(&self, chain: &[CertificateDer<'_>]) -> Option<u64> {
        if !self.inner.crls.is_empty() {
            return None;
        }
        chain
            .iter()
            .map(|c| mtls_cert::x509::not_after(c).ok())
            .try_fold(u64::MAX, |earliest, t| t.map(|t| earliest.min(t)))
    }

    /// Without CRLs the verdict depends on the roots alone (and on this code's rules, named
    /// by the label's version): the roots' digest. With CRLs none, as for `verified_until`.
    fn policy_digest(&self) -> Option<[u8; 32]> {
        if !self.inner.crls.is_empty() {
            return None;
        }
        Some(
            *self
                .policy
                .get_or_init(|| self.inner.roots_policy(b"mtls webpki client verifier v1")),
        )
    }
}

/// Maps a webpki refusal onto the handshake's [`CertificateError`] (and so onto its alert,
/// RFC 5246 7.2.2).
pub(crate) fn certificate_error(e: webpki::Error) -> CertificateError {
    use webpki::Error as E;
    #[allow(deprecated)]
    match e {
        E::UnknownIssuer => CertificateError::UnknownIssuer,
        E::CertExpired { .. } | E::CertNotValidYet { .. } => CertificateError::Expired,
        E::CertRevoked => CertificateError::Revoked,
        E::CertNotValidForName(ctx) => {
            CertificateError::NotValidForName(format!("{:?}", ctx.expected))
        }
        E::RequiredEkuNotFound | E::RequiredEkuNotFoundContext(_) | E::EmptyEkuExtension => {
            CertificateError::InvalidPurpose
        }
        E::UnsupportedSignatureAlgorithm
        | E::UnsupportedSignatureAlgorithmContext(_)
        | E::UnsupportedSignatureAlgorithmForPublicKey
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_)
        | E::UnsupportedCertVersion
        | E::UnsupportedCriticalExtension
        | E::UnsupportedNameType => CertificateError::UnsupportedCertificate,
        E::UnknownRevocationStatus => CertificateError::Other(
            CERTIFICATE_UNKNOWN.into(),
            "certificate revocation status unknown: no CRL from its issuer".into(),
        ),
        E::CrlExpired { .. } => CertificateError::Other(
            CERTIFICATE_UNKNOWN.into(),
            "the CRL that covers the certificate is past its nextUpdate".into(),
        ),
        E::InvalidCrlSignatureForPublicKey
        | E::UnsupportedCrlSignatureAlgorithm
        | E::UnsupportedCrlSignatureAlgorithmContext(_)
        | E::UnsupportedCrlSignatureAlgorithmForPublicKey
        | E::UnsupportedCrlSignatureAlgorithmForPublicKeyContext(_)
        | E::IssuerNotCrlSigner
        | E::UnsupportedCrlVersion
        | E::UnsupportedDeltaCrl
        | E::UnsupportedIndirectCrl
        | E::UnsupportedCrlIssuingDistributionPoint
        | E::UnsupportedRevocationReason
        | E::UnsupportedRevocationReasonsPartitioning
        | E::InvalidCrlNumber => CertificateError::Other(
            CERTIFICATE_UNKNOWN.into(),
            format!("certificate revocation could not be checked: {e:?}"),
        ),
        E::MaximumSignatureChecksExceeded
        | E::MaximumPathBuildCallsExceeded
        | E::MaximumNameConstraintComparisonsExceeded
        | E::MaximumPathDepthExceeded => CertificateError::Other(
            CERTIFICATE_UNKNOWN.into(),
            format!("certificate chain too complex to verify: {e:?}"),
        ),
        // Malformed DER, bad signatures, CA/end-entity confusion, path length and name
        // constraint violations, distrusted keys: the chain itself is bad.
        _ => CertificateError::BadCertificate,
    }
}
