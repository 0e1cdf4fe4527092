//! Finished (RFC 5246 7.4.9, RFC 8446 4.4.4).
//!
//! ```text
//! struct {
//!     opaque verify_data[verify_data_length];   /* TLS 1.2 */
//! } Finished;
//!
//! struct {
//!     opaque verify_data[Hash.length];          /* TLS 1.3 */
//! } Finished;
//! ```
//!
//! `verify_data_length` is 12 for every cipher suite of RFC 5246 and of this
//! stack, but a suite may define another length; in TLS 1.3 it is the
//! length of the suite's hash. Only the handshake layer knows the suite, so
//! any length parses here, and the handshake layer checks the length
//! ([`check_finished_len`]: a wrong one is a `decode_error`) and compares (in
//! constant time) against the value it computed.
//! [`HandshakePayload::Finished`](super::HandshakePayload::Finished) holds the
//! verify_data bytes.

use crate::codec::{Result, check_len};

/// Parses a Finished body: the whole body is verify_data.
pub(crate) fn parse(body: &[u8]) -> Result<Vec<u8>> {
    Ok(body.to_vec())
}

/// Checks that `verify_data` is exactly `len` bytes: the suite's
/// `verify_data_length` in TLS 1.2, its `Hash.length` in TLS 1.3 (RFC 8446
/// 4.4.4). Any other length is [`ErrorKind::LengthOutOfRange`](crate::ErrorKind::LengthOutOfRange),
/// that is `decode_error`.
pub fn check_finished_len(verify_data: &[u8], len: usize) -> Result<()> {
    check_len(verify_data.len(), len, len, "Finished.verify_data")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AlertDescription;

    #[test]
    fn rfc8446_4_4_4_finished_is_hash_length() {
        assert!(check_finished_len(&[0; 32], 32).is_ok());
        for wrong in [0, 12, 31, 33, 48] {
            let e = check_finished_len(&vec![0; wrong], 32).unwrap_err();
            assert_eq!(e.alert(), AlertDescription::DecodeError);
            assert_eq!(e.field(), "Finished.verify_data");
        }
    }
}
