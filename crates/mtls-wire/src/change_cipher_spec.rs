//! The ChangeCipherSpec protocol message (RFC 5246 7.1).

use bytes::BufMut;

use crate::codec::{Reader, Result};
use crate::error::{ErrorKind, WireError};

/// The ChangeCipherSpec message: one byte, value 1 (RFC 5246 7.1).
///
/// ```text
/// struct {
///     enum { change_cipher_spec(1), (255) } type;
/// } ChangeCipherSpec;
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ChangeCipherSpec;

impl ChangeCipherSpec {
    /// The only defined value of the byte.
    pub const VALUE: u8 = 1;

    /// Parses a ChangeCipherSpec fragment, which must be exactly `[0x01]`.
    ///
    /// A wrong length is `decode_error` (as OpenSSL's
    /// `tls_process_change_cipher_spec`); a wrong byte is `IllegalValue`,
    /// i.e. `illegal_parameter` (as BoringSSL; OpenSSL sends
    /// `unexpected_message` there).
    pub fn parse(input: &[u8]) -> Result<Self> {
        let mut r = Reader::framing(input);
        let value = r.u8("ChangeCipherSpec.type")?;
        r.finish("ChangeCipherSpec")?;
        if value == Self::VALUE {
            Ok(Self)
        } else {
            Err(WireError::new(
                "ChangeCipherSpec.type",
                ErrorKind::IllegalValue,
            ))
        }
    }

    /// Writes the single byte.
    pub fn encode(&self, out: &mut impl BufMut) {
        out.put_u8(Self::VALUE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AlertDescription;

    #[test]
    fn rfc5246_7_1_ccs_is_the_byte_one() {
        assert_eq!(ChangeCipherSpec::parse(&[1]).unwrap(), ChangeCipherSpec);
        let e = ChangeCipherSpec::parse(&[2]).unwrap_err();
        assert_eq!(e.alert(), AlertDescription::IllegalParameter);
        let e = ChangeCipherSpec::parse(&[1, 1]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::TrailingBytes);
        let e = ChangeCipherSpec::parse(&[]).unwrap_err();
        assert_eq!(e.alert(), AlertDescription::DecodeError);
        let mut out = Vec::new();
        ChangeCipherSpec.encode(&mut out);
        assert_eq!(out, [1]);
    }
}
