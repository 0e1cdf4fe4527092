//! certificate_authorities (RFC 8446 4.2.4).
//!
//! ```text
//! opaque DistinguishedName<1..2^16-1>;
//!
//! struct {
//!     DistinguishedName authorities<3..2^16-1>;
//! } CertificateAuthoritiesExtension;
//! ```
//!
//! The TLS 1.3 home of the CA names that TLS 1.2 puts in the
//! CertificateRequest body (RFC 5246 7.4.4); the names are the same
//! DER-encoded X.501 `DistinguishedName`s, not parsed as ASN.1 here.

use bytes::BufMut;

use crate::codec::{Prefix, Reader, Result, items, put_opaque, put_prefixed};
use crate::handshake::DistinguishedName;

const FIELD: &str = "CertificateAuthoritiesExtension.authorities";

/// Parses the extension_data.
pub(crate) fn parse(data: &[u8]) -> Result<Vec<DistinguishedName>> {
    let mut r = Reader::delimited(data);
    let body = r.vector(Prefix::U16, 3, 0xffff, FIELD)?;
    r.finish("certificate_authorities")?;
    items(body, |r| {
        r.vector(Prefix::U16, 1, 0xffff, "DistinguishedName")
            .map(|dn| DistinguishedName(dn.to_vec()))
    })
}

/// Writes the extension_data.
pub(crate) fn encode(names: &[DistinguishedName], out: &mut impl BufMut) {
    put_prefixed(out, Prefix::U16, 0xffff, |b| {
        for dn in names {
            put_opaque(b, Prefix::U16, 0xffff, dn.as_bytes());
        }
    });
}
