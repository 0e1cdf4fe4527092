//! The traits through which a handshake picks its own certificate, with the lists and single
//! keys that implement them.

use std::sync::Arc;

use mtls_wire::handshake::DistinguishedName;
use mtls_wire::{CipherSuite, ClientCertificateType, SignatureScheme};

use crate::key::{AuthKeyType, CertifiedKey};

/// What a server knows from a ClientHello when it picks its certificate.
#[derive(Debug)]
pub struct ClientHelloInfo<'a> {
    /// The SNI host name, if the client sent one (RFC 6066 3).
    pub server_name: Option<&'a str>,
    /// The client's signature_algorithms (RFC 5246 7.4.1.4.1).
    pub signature_schemes: &'a [SignatureScheme],
    /// The client's signature_algorithms_cert (RFC 8446 4.2.3), if it sent one: the
    /// signatures it accepts in certificates (else `signature_schemes` says that too). A
    /// resolver holding chains from differently signing CAs (an RSA and an ECDSA one during a
    /// migration, say) can pick by it; with no chain that fits, RFC 8446 4.4.2.2 lets the
    /// server send one anyway.
    pub signature_schemes_cert: Option<&'a [SignatureScheme]>,
    /// The client's cipher suites.
    pub cipher_suites: &'a [CipherSuite],
}

/// Picks the server's certificate for a handshake (several chains may be held, e.g. an RSA
/// and an ECDSA one). Called once per candidate suite with the key type the suite needs.
pub trait ResolvesServerCert: Send + Sync {
    /// A chain and key of `key_type` fit for this ClientHello, or `None`.
    fn resolve(
        &self,
        hello: &ClientHelloInfo<'_>,
        key_type: AuthKeyType,
    ) -> Option<Arc<CertifiedKey>>;
}

/// A list of chains: among those of the wanted key type whose key can sign with one of the
/// client's signature algorithms, the first issued for the SNI name wins, else the first
/// (as OpenSSL and nginx pick between an RSA and an ECDSA certificate).
impl ResolvesServerCert for Vec<Arc<CertifiedKey>> {
    fn resolve(
        &self,
        hello: &ClientHelloInfo<'_>,
        key_type: AuthKeyType,
    ) -> Option<Arc<CertifiedKey>> {
        let fits = |c: &&Arc<CertifiedKey>| {
            c.key_type() == key_type
                && c.key.schemes().iter().any(|s| {
                    hello
                        .signature_schemes
                        .contains(&SignatureScheme::from(s.to_u16()))
                })
        };
        let by_name = hello
            .server_name
            .and_then(|name| self.iter().filter(fits).find(|c| c.matches_name(name)));
        by_name
            .or_else(|| self.iter().find(fits))
            .or_else(|| self.iter().find(|c| c.key_type() == key_type))
            .cloned()
    }
}

/// What a client learns from a CertificateRequest when it picks its certificate.
#[derive(Debug)]
pub struct CertificateRequestInfo<'a> {
    /// The CA names the server accepts (may be empty: any).
    pub ca_names: &'a [DistinguishedName],
    /// The signature schemes the server accepts for CertificateVerify.
    pub signature_schemes: &'a [SignatureScheme],
    /// The certificate types the server accepts.
    pub certificate_types: &'a [ClientCertificateType],
}

/// Picks the client's certificate when the server asks for one; `None` sends an empty
/// Certificate (RFC 5246 7.4.6).
pub trait ResolvesClientCert: Send + Sync {
    /// A chain and key that fits the request, or `None`.
    fn resolve(&self, request: &CertificateRequestInfo<'_>) -> Option<Arc<CertifiedKey>>;

    /// Every chain this resolver can ever present, or `None` (the default) when it cannot
    /// list them. A client's sessions are bound to the identity that made them: listed
    /// chains bind them by content (a reloaded configuration with the same certificates
    /// resumes them, in this process or after a restart); otherwise they are bound to this
    /// resolver object and live only as long as it does.
    fn identity_chains(&self) -> Option<Vec<Arc<CertifiedKey>>> {
        None
    }
}

/// One client certificate, offered whenever its key can sign with a requested scheme and its
/// type is requested.
impl ResolvesClientCert for Arc<CertifiedKey> {
    fn resolve(&self, request: &CertificateRequestInfo<'_>) -> Option<Arc<CertifiedKey>> {
        let wanted_type = match self.key_type() {
            AuthKeyType::Rsa => ClientCertificateType::RsaSign,
            AuthKeyType::Ecdsa => ClientCertificateType::EcdsaSign,
        };
        let type_ok = request.certificate_types.contains(&wanted_type);
        let scheme_ok = self.key.schemes().iter().any(|s| {
            request
                .signature_schemes
                .contains(&SignatureScheme::from(s.to_u16()))
        });
        (type_ok && scheme_ok).then(|| Arc::clone(self))
    }

    fn identity_chains(&self) -> Option<Vec<Arc<CertifiedKey>>> {
        Some(vec![Arc::clone(self)])
    }
}
