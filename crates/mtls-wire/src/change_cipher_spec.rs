//! The ChangeCipherSpec protocol message (RFC 5246 7.1).

use bytes::BufMut;

use crate::codec::Result;
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
    /// Anything else, a wrong byte or a wrong length (empty included), is
    /// [`ErrorKind::UnexpectedContent`], i.e. `unexpected_message`: RFC 5246 7.1
    /// defines the message as that one byte, and RFC 8446 5 names the alert for
    /// "any other change_cipher_spec value". (OpenSSL sends `decode_error` for a
    /// wrong length, BoringSSL `illegal_parameter` for a wrong byte; we follow
    /// the RFCs.)
    pub fn parse(input: &[u8]) -> Result<Self> {
        match input {
            [Self::VALUE] => Ok(Self),
            [_] => Err(WireError::new(
                "ChangeCipherSpec.type",
                ErrorKind::UnexpectedContent,
            )),
            _ => Err(WireError::new(
                "ChangeCipherSpec",
                ErrorKind::UnexpectedContent,
            )),
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
        let mut out = Vec::new();
        ChangeCipherSpec.encode(&mut out);
        assert_eq!(out, [1]);
    }

    /// RFC 5246 7.1 (and RFC 8446 5): a ChangeCipherSpec that is not exactly one byte of
    /// value 1 is `unexpected_message`, whether the length or the value is wrong.
    #[test]
    fn rfc5246_7_1_ccs_not_one_byte_of_value_1_is_unexpected_message() {
        for bad in [&[2][..], &[0], &[0xff], &[1, 1], &[1, 0], &[2, 1], &[]] {
            let e = ChangeCipherSpec::parse(bad).unwrap_err();
            assert_eq!(
                e.alert(),
                AlertDescription::UnexpectedMessage,
                "{bad:?}: {e}"
            );
            assert!(!e.is_truncated(), "{bad:?}");
        }
    }
}
