//! `digitally-signed` elements (RFC 5246 4.7), used by ServerKeyExchange and
//! CertificateVerify.
//!
//! ```text
//! struct {
//!    SignatureAndHashAlgorithm algorithm;
//!    opaque signature<0..2^16-1>;
//! } DigitallySigned;
//! ```

use bytes::BufMut;

use crate::codec::{Prefix, Reader, Result, put_opaque};
use crate::enums::SignatureScheme;

/// A signature with the algorithm that made it, `DigitallySigned` (RFC 5246 4.7).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DigitallySigned {
    /// The `SignatureAndHashAlgorithm` pair (RFC 5246 7.4.1.4.1).
    pub scheme: SignatureScheme,
    /// The signature bytes, `opaque signature<0..2^16-1>`.
    pub signature: Vec<u8>,
}

impl DigitallySigned {
    /// Parses a body that is exactly one `DigitallySigned` (as CertificateVerify is).
    pub fn parse(body: &[u8]) -> Result<Self> {
        let mut r = Reader::delimited(body);
        let ds = Self::read(&mut r)?;
        r.finish("DigitallySigned")?;
        Ok(ds)
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self> {
        let scheme = SignatureScheme::read(r, "DigitallySigned.algorithm")?;
        let signature = r.vector(Prefix::U16, 0, 0xffff, "DigitallySigned.signature")?;
        Ok(Self {
            scheme,
            signature: signature.to_vec(),
        })
    }

    /// Writes algorithm and `uint16`-prefixed signature.
    pub fn encode(&self, out: &mut impl BufMut) {
        self.scheme.encode(out);
        put_opaque(out, Prefix::U16, 0xffff, &self.signature);
    }
}
