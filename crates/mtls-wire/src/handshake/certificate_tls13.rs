//! Certificate in TLS 1.3 (RFC 8446 4.4.2).

use bytes::BufMut;

use rustls_pki_types::CertificateDer;

use crate::codec::{Prefix, Reader, Result, items, put_opaque, put_prefixed};
use crate::extensions::{ExtensionContext, Extensions};

/// One certificate of a TLS 1.3 chain with its extensions, `CertificateEntry`
/// (RFC 8446 4.4.2).
///
/// ```text
/// struct {
///     select (certificate_type) {
///         case RawPublicKey:
///           /* From RFC 7250 ASN.1_subjectPublicKeyInfo */
///           opaque ASN1_subjectPublicKeyInfo<1..2^24-1>;
///
///         case X509:
///           opaque cert_data<1..2^24-1>;
///     };
///     Extension extensions<0..2^16-1>;
/// } CertificateEntry;
/// ```
///
/// Both forms are one `opaque<1..2^24-1>`; this stack negotiates no
/// certificate type (RFC 7250), so the data is an X.509 certificate.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CertificateEntry {
    /// One DER-encoded X.509 certificate, not parsed as ASN.1 here.
    pub cert_data: CertificateDer<'static>,
    /// The entry's extensions (RFC 8446 4.4.2: status_request and
    /// signed_certificate_timestamp are the ones RFC 8446 4.2 allows).
    pub extensions: Extensions,
}

impl CertificateEntry {
    /// An entry with no extensions.
    pub fn new(cert_data: CertificateDer<'static>) -> Self {
        Self {
            cert_data,
            extensions: Extensions::new(Vec::new()),
        }
    }

    fn read(r: &mut Reader<'_>) -> Result<Self> {
        let der = r.vector(Prefix::U24, 1, 0x00ff_ffff, "CertificateEntry.cert_data")?;
        let extensions = Extensions::read(r, ExtensionContext::Certificate)?;
        Ok(Self {
            cert_data: CertificateDer::from(der.to_vec()),
            extensions,
        })
    }

    fn encode(&self, out: &mut impl BufMut) {
        put_opaque(out, Prefix::U24, 0x00ff_ffff, &self.cert_data);
        self.extensions.encode_block(out, 0xffff);
    }
}

/// The TLS 1.3 Certificate message: the request context and the chain,
/// sender's certificate first (RFC 8446 4.4.2).
///
/// ```text
/// struct {
///     opaque certificate_request_context<0..2^8-1>;
///     CertificateEntry certificate_list<0..2^24-1>;
/// } Certificate;
/// ```
///
/// An empty list is legal: a client without a suitable certificate answers
/// a CertificateRequest with it (RFC 8446 4.4.2.4 says what the server does
/// then). The context must echo the CertificateRequest's (empty in a
/// server's Certificate); that check is the handshake's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct CertificateTls13 {
    /// `certificate_request_context<0..2^8-1>`.
    pub certificate_request_context: Vec<u8>,
    /// The chain, one entry per certificate.
    pub certificate_list: Vec<CertificateEntry>,
}

impl CertificateTls13 {
    /// A Certificate for `chain` (leaf first), each entry without
    /// extensions, answering the request with `context`.
    pub fn new(context: Vec<u8>, chain: Vec<CertificateDer<'static>>) -> Self {
        Self {
            certificate_request_context: context,
            certificate_list: chain.into_iter().map(CertificateEntry::new).collect(),
        }
    }

    /// Parses a TLS 1.3 Certificate body.
    pub fn parse(body: &[u8]) -> Result<Self> {
        let mut r = Reader::delimited(body);
        let context = r.vector(
            Prefix::U8,
            0,
            0xff,
            "Certificate.certificate_request_context",
        )?;
        let list = r.vector(Prefix::U24, 0, 0x00ff_ffff, "Certificate.certificate_list")?;
        r.finish("Certificate")?;
        let certificate_list = items(list, CertificateEntry::read)?;
        Ok(Self {
            certificate_request_context: context.to_vec(),
            certificate_list,
        })
    }

    /// The certificates, leaf first, without their extensions.
    pub fn chain(&self) -> impl Iterator<Item = &CertificateDer<'static>> {
        self.certificate_list.iter().map(|e| &e.cert_data)
    }

    /// Writes the body.
    pub fn encode(&self, out: &mut impl BufMut) {
        put_opaque(out, Prefix::U8, 0xff, &self.certificate_request_context);
        put_prefixed(out, Prefix::U24, 0x00ff_ffff, |b| {
            for entry in &self.certificate_list {
                entry.encode(b);
            }
        });
    }
}
