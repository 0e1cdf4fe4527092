//! signature_algorithms (RFC 5246 7.4.1.4.1); the same vector is the
//! `supported_signature_algorithms` of a CertificateRequest (RFC 5246 7.4.4),
//! and the body of TLS 1.3's signature_algorithms and
//! signature_algorithms_cert (RFC 8446 4.2.3).
//!
//! ```text
//! SignatureAndHashAlgorithm
//!   supported_signature_algorithms<2..2^16-2>;
//!
//! struct {                                   /* RFC 8446 4.2.3 */
//!     SignatureScheme supported_signature_algorithms<2..2^16-2>;
//! } SignatureSchemeList;
//! ```

use bytes::BufMut;

use crate::codec::{Prefix, Reader, Result, items, put_prefixed};
use crate::enums::SignatureScheme;

/// Parses the extension_data of signature_algorithms.
pub(crate) fn parse(data: &[u8]) -> Result<Vec<SignatureScheme>> {
    let mut r = Reader::delimited(data);
    let schemes = read_list(
        &mut r,
        "signature_algorithms.supported_signature_algorithms",
    )?;
    r.finish("signature_algorithms")?;
    Ok(schemes)
}

/// Parses the extension_data of signature_algorithms_cert (RFC 8446 4.2.3).
pub(crate) fn parse_cert(data: &[u8]) -> Result<Vec<SignatureScheme>> {
    let mut r = Reader::delimited(data);
    let schemes = read_list(
        &mut r,
        "signature_algorithms_cert.supported_signature_algorithms",
    )?;
    r.finish("signature_algorithms_cert")?;
    Ok(schemes)
}

/// Reads a `supported_signature_algorithms<2..2^16-2>` vector.
pub(crate) fn read_list(r: &mut Reader<'_>, field: &'static str) -> Result<Vec<SignatureScheme>> {
    let body = r.vector_of(Prefix::U16, 2, 2, 0xfffe, field)?;
    items(body, |r| SignatureScheme::read(r, field))
}

/// Writes a `supported_signature_algorithms<2..2^16-2>` vector.
pub(crate) fn encode(schemes: &[SignatureScheme], out: &mut impl BufMut) {
    put_prefixed(out, Prefix::U16, 0xfffe, |b| {
        for s in schemes {
            s.encode(b);
        }
    });
}
