//! The identity a client's sessions are bound to: a digest of the certificates it can present
//! and of the policy that accepts servers, so that a session is offered again only by a
//! configuration that would authenticate the same way (a reloaded one, or one in a restarted
//! process), and never by another identity sharing the store.

use std::sync::{Arc, Weak};

use mtls_crypto::HashAlgorithm;

use crate::certs::{ResolvesClientCert, ServerCertVerifier};
use crate::client_store::SessionKey;
use crate::config::ClientConfig;
use crate::session::MadeBy;

/// A computed identity digest and the objects it was computed from. The `Weak`s keep their
/// allocations, so a configuration whose resolver or verifier was replaced never matches.
pub(crate) struct IdentityCache {
    resolver: Option<Weak<dyn ResolvesClientCert>>,
    verifier: Weak<dyn ServerCertVerifier>,
    digest: Option<[u8; 32]>,
}

impl IdentityCache {
    fn is_for(&self, config: &ClientConfig) -> bool {
        let same_resolver = match (&self.resolver, &config.cert_resolver) {
            (None, None) => true,
            (Some(w), Some(r)) => std::ptr::addr_eq(w.as_ptr(), Arc::as_ptr(r)),
            _ => false,
        };
        same_resolver && std::ptr::addr_eq(self.verifier.as_ptr(), Arc::as_ptr(&config.verifier))
    }
}

impl ClientConfig {
    /// The digest of this client's identity: every chain its certificate resolver can
    /// present ([`ResolvesClientCert::identity_chains`]) and its server verifier's
    /// [`policy_digest`](ServerCertVerifier::policy_digest). `None` when either cannot name
    /// one: sessions are then bound to the objects themselves and live in this process only.
    pub fn session_identity(&self) -> Option<[u8; 32]> {
        if let Some(cached) = self.identity.get()
            && cached.is_for(self)
        {
            return cached.digest;
        }
        let digest = self.compute_identity();
        // The first computation is kept; a configuration whose parts were swapped after it
        // computes afresh each time (`is_for`).
        let _ = self.identity.set(IdentityCache {
            resolver: self.cert_resolver.as_ref().map(Arc::downgrade),
            verifier: Arc::downgrade(&self.verifier),
            digest,
        });
        digest
    }

    /// Where this client keeps its sessions with `server_name` in its store.
    pub fn session_key(&self, server_name: &str) -> SessionKey {
        let identity = self.session_identity().unwrap_or_else(|| {
            // Objects without a digest: their addresses keep identities apart in the store;
            // whether a session may be offered is still decided by `offerable_by`.
            let mut h = self.provider.hash(HashAlgorithm::Sha256);
            h.update(b"mtls client session objects v1");
            let resolver = self
                .cert_resolver
                .as_ref()
                .map_or(0, |r| Arc::as_ptr(r).cast::<()>().addr());
            let verifier = Arc::as_ptr(&self.verifier).cast::<()>().addr();
            h.update(&(resolver as u64).to_be_bytes());
            h.update(&(verifier as u64).to_be_bytes());
            digest32(h.finish().as_slice())
        });
        SessionKey::new(server_name, identity)
    }

    /// What a session this configuration makes is bound to.
    pub(crate) fn made_by(&self) -> MadeBy {
        match self.session_identity() {
            Some(d) => MadeBy::Digest(d),
            None => MadeBy::Objects {
                resolver: self.cert_resolver.as_ref().map(Arc::downgrade),
                verifier: Arc::downgrade(&self.verifier),
            },
        }
    }

    fn compute_identity(&self) -> Option<[u8; 32]> {
        let policy = self.verifier.policy_digest()?;
        let mut h = self.provider.hash(HashAlgorithm::Sha256);
        h.update(b"mtls client session identity v1");
        h.update(&policy);
        match &self.cert_resolver {
            None => h.update(&[0]),
            Some(resolver) => {
                let chains = resolver.identity_chains()?;
                h.update(&[1]);
                h.update(&(chains.len() as u64).to_be_bytes());
                for certified in &chains {
                    h.update(&(certified.chain.len() as u64).to_be_bytes());
                    for cert in &certified.chain {
                        h.update(&(cert.len() as u64).to_be_bytes());
                        h.update(cert);
                    }
                }
            }
        }
        Some(digest32(h.finish().as_slice()))
    }
}

fn digest32(bytes: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(bytes.get(..32).unwrap_or(&[0; 32]));
    out
}
