//! signature_algorithms (RFC 5246 7.4.1.4.1); the same vector is the
//! `supported_signature_algorithms` of a CertificateRequest (RFC 5246 7.4.4).
//!
//! ```text
//! SignatureAndHashAlgorithm
//!   supported_signature_algorithms<2..2^16-2>;
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
