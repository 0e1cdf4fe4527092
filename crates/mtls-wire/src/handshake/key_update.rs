//! KeyUpdate (RFC 8446 4.6.3).
//!
//! ```text
//! enum {
//!     update_not_requested(0), update_requested(1), (255)
//! } KeyUpdateRequest;
//!
//! struct {
//!     KeyUpdateRequest request_update;
//! } KeyUpdate;
//! ```

use bytes::BufMut;

use crate::codec::{Reader, Result};
use crate::error::{ErrorKind, WireError};

/// The body of a KeyUpdate: whether the peer should answer with its own
/// (RFC 8446 4.6.3).
///
/// Only the two defined values exist: RFC 8446 4.6.3 says of any other "it
/// MUST terminate the connection with an "illegal_parameter" alert", so
/// parsing one is [`ErrorKind::IllegalValue`]. A body that is not exactly one
/// byte is a `decode_error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyUpdateRequest {
    /// update_not_requested(0).
    UpdateNotRequested,
    /// update_requested(1): the receiver sends a KeyUpdate of its own.
    UpdateRequested,
}

impl KeyUpdateRequest {
    /// The byte on the wire.
    pub const fn to_u8(self) -> u8 {
        match self {
            Self::UpdateNotRequested => 0,
            Self::UpdateRequested => 1,
        }
    }

    /// Parses a KeyUpdate body.
    pub fn parse(body: &[u8]) -> Result<Self> {
        let mut r = Reader::delimited(body);
        let v = r.u8("KeyUpdate.request_update")?;
        r.finish("KeyUpdate")?;
        match v {
            0 => Ok(Self::UpdateNotRequested),
            1 => Ok(Self::UpdateRequested),
            _ => Err(WireError::new(
                "KeyUpdate.request_update",
                ErrorKind::IllegalValue,
            )),
        }
    }

    /// Writes the body.
    pub fn encode(&self, out: &mut impl BufMut) {
        out.put_u8(self.to_u8());
    }
}
