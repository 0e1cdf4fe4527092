//! Certificate (RFC 5246 7.4.2, and 7.4.6 for the client's).

use bytes::BufMut;

use rustls_pki_types::CertificateDer;

use crate::codec::{Prefix, Reader, Result, items, put_opaque, put_prefixed};

/// The Certificate handshake message: a chain, leaf first (RFC 5246 7.4.2).
///
/// ```text
/// opaque ASN.1Cert<1..2^24-1>;
///
/// struct {
///     ASN.1Cert certificate_list<0..2^24-1>;
/// } Certificate;
/// ```
///
/// An empty list is legal: a client without a suitable certificate answers
/// a CertificateRequest with it (RFC 5246 7.4.6).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct CertificateMsg {
    /// The chain; sender's certificate first. Each entry is one DER-encoded X.509
    /// certificate, `opaque ASN.1Cert<1..2^24-1>`, not parsed as ASN.1 here.
    pub certificate_list: Vec<CertificateDer<'static>>,
}

impl CertificateMsg {
    /// Parses a Certificate body.
    pub fn parse(body: &[u8]) -> Result<Self> {
        let mut r = Reader::delimited(body);
        let list = r.vector(Prefix::U24, 0, 0x00ff_ffff, "Certificate.certificate_list")?;
        r.finish("Certificate")?;
        let certificate_list = items(list, |r| {
            let der = r.vector(Prefix::U24, 1, 0x00ff_ffff, "Certificate.ASN.1Cert")?;
            Ok(CertificateDer::from(der.to_vec()))
        })?;
        Ok(Self { certificate_list })
    }

    /// Writes the body.
    pub fn encode(&self, out: &mut impl BufMut) {
        put_prefixed(out, Prefix::U24, 0x00ff_ffff, |b| {
            for c in &self.certificate_list {
                put_opaque(b, Prefix::U24, 0x00ff_ffff, c);
            }
        });
    }
}

impl From<Vec<CertificateDer<'static>>> for CertificateMsg {
    fn from(certificate_list: Vec<CertificateDer<'static>>) -> Self {
        Self { certificate_list }
    }
}
