//! CertificateRequest in TLS 1.3 (RFC 8446 4.3.2).

use bytes::BufMut;

use crate::codec::{Prefix, Reader, Result, put_opaque};
use crate::extensions::{ExtensionContext, Extensions};

/// The server's request for a client certificate in TLS 1.3, during the
/// handshake or after it (RFC 8446 4.3.2, 4.6.2).
///
/// ```text
/// struct {
///     opaque certificate_request_context<0..2^8-1>;
///     Extension extensions<2..2^16-1>;
/// } CertificateRequest;
/// ```
///
/// What TLS 1.2 puts in the body (signature algorithms, CA names) travels in
/// extensions: signature_algorithms (which "MUST be specified"),
/// signature_algorithms_cert, certificate_authorities, oid_filters. Whether
/// signature_algorithms is there, and that the context is empty during the
/// handshake and fresh after it, is the handshake's to check.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CertificateRequestTls13 {
    /// `certificate_request_context<0..2^8-1>`, echoed in the client's
    /// Certificate.
    pub certificate_request_context: Vec<u8>,
    /// The extensions, each one RFC 8446 4.2 allows in CR; `<2..2^16-1>` bytes.
    pub extensions: Extensions,
}

impl CertificateRequestTls13 {
    /// Parses a TLS 1.3 CertificateRequest body.
    pub fn parse(body: &[u8]) -> Result<Self> {
        let mut r = Reader::delimited(body);
        let context = r.vector(
            Prefix::U8,
            0,
            0xff,
            "CertificateRequest.certificate_request_context",
        )?;
        let extensions = Extensions::read(&mut r, ExtensionContext::CertificateRequest)?;
        r.finish("CertificateRequest")?;
        Ok(Self {
            certificate_request_context: context.to_vec(),
            extensions,
        })
    }

    /// Writes the body.
    pub fn encode(&self, out: &mut impl BufMut) {
        put_opaque(out, Prefix::U8, 0xff, &self.certificate_request_context);
        self.extensions.encode_block(out, 0xffff);
    }
}
