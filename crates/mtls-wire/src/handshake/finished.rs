//! Finished (RFC 5246 7.4.9).
//!
//! ```text
//! struct {
//!     opaque verify_data[verify_data_length];
//! } Finished;
//! ```
//!
//! `verify_data_length` is 12 for every cipher suite of RFC 5246 and of this
//! stack, but a suite may define another length, and only the handshake layer
//! knows the suite. So any length parses here and the handshake layer
//! compares (in constant time) against the value it computed.
//! [`HandshakePayload::Finished`](super::HandshakePayload::Finished) holds the
//! verify_data bytes.

use crate::codec::Result;

/// Parses a Finished body: the whole body is verify_data.
pub(crate) fn parse(body: &[u8]) -> Result<Vec<u8>> {
    Ok(body.to_vec())
}
