//! CertificateRequest (RFC 5246 7.4.4).

use bytes::BufMut;

use crate::codec::{Prefix, Reader, Result, items, put_opaque, put_prefixed};
use crate::enums::{ClientCertificateType, SignatureScheme};
use crate::extensions::{encode_signature_schemes, read_signature_schemes};

/// A DER-encoded X.501 `DistinguishedName` of an acceptable CA,
/// `opaque DistinguishedName<1..2^16-1>` (RFC 5246 7.4.4).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DistinguishedName(pub Vec<u8>);

impl DistinguishedName {
    /// The DER bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Parses a whole `DistinguishedName certificate_authorities<0..2^16-1>`
    /// vector, length prefix included, that must fill `input` exactly.
    pub fn parse_list(input: &[u8]) -> Result<Vec<Self>> {
        let mut r = Reader::delimited(input);
        let list = Self::read_list(&mut r)?;
        r.finish("CertificateRequest.certificate_authorities")?;
        Ok(list)
    }

    fn read_list(r: &mut Reader<'_>) -> Result<Vec<Self>> {
        let body = r.vector(
            Prefix::U16,
            0,
            0xffff,
            "CertificateRequest.certificate_authorities",
        )?;
        items(body, |r| {
            r.vector(Prefix::U16, 1, 0xffff, "DistinguishedName")
                .map(|dn| Self(dn.to_vec()))
        })
    }

    /// Writes a `certificate_authorities<0..2^16-1>` vector.
    pub fn encode_list(list: &[Self], out: &mut impl BufMut) {
        put_prefixed(out, Prefix::U16, 0xffff, |b| {
            for dn in list {
                put_opaque(b, Prefix::U16, 0xffff, &dn.0);
            }
        });
    }
}

impl From<Vec<u8>> for DistinguishedName {
    fn from(v: Vec<u8>) -> Self {
        Self(v)
    }
}

impl AsRef<[u8]> for DistinguishedName {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// The server's request for a client certificate, `CertificateRequest` (RFC 5246 7.4.4).
///
/// ```text
/// struct {
///     ClientCertificateType certificate_types<1..2^8-1>;
///     SignatureAndHashAlgorithm
///       supported_signature_algorithms<2^16-1>;
///     DistinguishedName certificate_authorities<0..2^16-1>;
/// } CertificateRequest;
/// ```
///
/// RFC 5246 prints `supported_signature_algorithms<2^16-1>` here; the
/// vector is the one of 7.4.1.4.1, `<2..2^16-2>`, and is checked as such
/// (as OpenSSL, Go and rustls do).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CertificateRequest {
    /// Acceptable certificate key types, `<1..2^8-1>`.
    pub certificate_types: Vec<ClientCertificateType>,
    /// Acceptable signature schemes, `<2..2^16-2>` bytes.
    pub supported_signature_algorithms: Vec<SignatureScheme>,
    /// Acceptable CA names; empty means "any" (RFC 5246 7.4.4).
    pub certificate_authorities: Vec<DistinguishedName>,
}

impl CertificateRequest {
    /// Parses a CertificateRequest body.
    pub fn parse(body: &[u8]) -> Result<Self> {
        let mut r = Reader::delimited(body);
        let types = r.vector(Prefix::U8, 1, 0xff, "CertificateRequest.certificate_types")?;
        let certificate_types = items(types, |r| {
            ClientCertificateType::read(r, "CertificateRequest.certificate_types")
        })?;
        let supported_signature_algorithms =
            read_signature_schemes(&mut r, "CertificateRequest.supported_signature_algorithms")?;
        let certificate_authorities = DistinguishedName::read_list(&mut r)?;
        r.finish("CertificateRequest")?;
        Ok(Self {
            certificate_types,
            supported_signature_algorithms,
            certificate_authorities,
        })
    }

    /// Writes the body.
    pub fn encode(&self, out: &mut impl BufMut) {
        put_prefixed(out, Prefix::U8, 0xff, |b| {
            for t in &self.certificate_types {
                t.encode(b);
            }
        });
        encode_signature_schemes(&self.supported_signature_algorithms, out);
        DistinguishedName::encode_list(&self.certificate_authorities, out);
    }
}
