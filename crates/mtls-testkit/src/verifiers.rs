//! Certificate verifiers for tests of everything but certificate validation (which is
//! mtls-pki's, tested there with its real verifiers).

use std::sync::Mutex;

use mtls_handshake::{
    CertificateDer, CertificateError, ClientCertVerifier, DistinguishedName, ServerCertVerifier,
};
use x509_cert::der::{Decode, Encode};

use crate::fixtures::CA;

/// Accepts every non-empty chain, server's and client's, and names no CA in
/// CertificateRequest: only the plumbing around the verdict is under test.
pub struct TrustAll;

impl ServerCertVerifier for TrustAll {
    fn verify_server_cert(
        &self,
        chain: &[CertificateDer<'_>],
        _server_name: Option<&str>,
        _now: u64,
    ) -> Result<(), CertificateError> {
        assert!(!chain.is_empty());
        Ok(())
    }
}

impl ClientCertVerifier for TrustAll {
    fn root_hint_subjects(&self) -> Vec<DistinguishedName> {
        Vec::new()
    }
    fn verify_client_cert(
        &self,
        chain: &[CertificateDer<'_>],
        _now: u64,
    ) -> Result<(), CertificateError> {
        assert!(!chain.is_empty());
        Ok(())
    }
}

/// Accepts any non-empty server chain and records the server name it was asked about.
#[derive(Default)]
pub struct AcceptServer {
    /// The name of the last verification (`None`: none given, or not asked yet).
    pub seen_name: Mutex<Option<String>>,
}

impl ServerCertVerifier for AcceptServer {
    fn verify_server_cert(
        &self,
        chain: &[CertificateDer<'_>],
        server_name: Option<&str>,
        _now: u64,
    ) -> Result<(), CertificateError> {
        assert!(!chain.is_empty());
        *self.seen_name.lock().unwrap() = server_name.map(str::to_string);
        Ok(())
    }
}

/// A client verifier with a fixed verdict (changeable) and fixed CA names.
pub struct TestClientVerifier {
    /// The CA names CertificateRequest carries.
    pub names: Vec<DistinguishedName>,
    /// What every non-empty chain gets.
    pub verdict: Mutex<Result<(), CertificateError>>,
}

impl TestClientVerifier {
    /// Accepts every non-empty chain; names one CA, `CN=Test CA`.
    pub fn accepting() -> Self {
        Self {
            names: vec![DistinguishedName(
                b"0\x121\x100\x0e\x06\x03U\x04\x03\x0c\x07Test CA".to_vec(),
            )],
            verdict: Mutex::new(Ok(())),
        }
    }
}

impl ClientCertVerifier for TestClientVerifier {
    fn root_hint_subjects(&self) -> Vec<DistinguishedName> {
        self.names.clone()
    }
    fn verify_client_cert(
        &self,
        chain: &[CertificateDer<'_>],
        _now: u64,
    ) -> Result<(), CertificateError> {
        assert!(!chain.is_empty());
        self.verdict.lock().unwrap().clone()
    }
}

/// Accepts exactly the server chain whose leaf is `.0` (DER); anything else is a
/// `BadCertificate`.
pub struct ExpectLeaf(pub Vec<u8>);

impl ServerCertVerifier for ExpectLeaf {
    fn verify_server_cert(
        &self,
        chain: &[CertificateDer<'_>],
        _server_name: Option<&str>,
        _now: u64,
    ) -> Result<(), CertificateError> {
        match chain.first() {
            Some(leaf) if leaf.as_ref() == self.0.as_slice() => Ok(()),
            _ => Err(CertificateError::BadCertificate),
        }
    }
}

/// Accepts any non-empty client chain (an empty one is a `BadCertificate`) and names the
/// test CA ([`ca_subject`]) in CertificateRequest, as a real peer expects.
pub struct AcceptClient;

impl ClientCertVerifier for AcceptClient {
    fn root_hint_subjects(&self) -> Vec<DistinguishedName> {
        vec![ca_subject()]
    }

    fn verify_client_cert(
        &self,
        chain: &[CertificateDer<'_>],
        _now: u64,
    ) -> Result<(), CertificateError> {
        if chain.is_empty() {
            return Err(CertificateError::BadCertificate);
        }
        Ok(())
    }
}

/// The subject of the test CA ([`CA`]), DER, as CertificateRequest.certificate_authorities
/// carries it.
pub fn ca_subject() -> DistinguishedName {
    let ca = x509_cert::Certificate::from_der(CA).unwrap();
    DistinguishedName(ca.tbs_certificate().subject().to_der().unwrap())
}
