//! `SessionID` (RFC 5246 7.4.1.2).
//!
//! ```text
//! opaque SessionID<0..32>;
//! ```

use core::fmt;

use bytes::BufMut;

use crate::codec::{Prefix, Reader, Result};

/// A session identifier, `opaque SessionID<0..32>` (RFC 5246 7.4.1.2).
///
/// Stored inline, so a `SessionId` can never exceed 32 bytes.
#[derive(Clone, Copy, Default)]
pub struct SessionId {
    len: u8,
    bytes: [u8; 32],
}

impl SessionId {
    /// Largest length RFC 5246 allows.
    pub const MAX_LEN: usize = 32;

    /// The empty session id (no resumption offered / session not cacheable).
    pub const fn empty() -> Self {
        Self {
            len: 0,
            bytes: [0; 32],
        }
    }

    /// A session id holding `bytes`, or `None` if longer than 32 bytes.
    pub fn new(bytes: &[u8]) -> Option<Self> {
        let len = u8::try_from(bytes.len()).ok()?;
        let mut out = Self::empty();
        out.bytes.get_mut(..bytes.len())?.copy_from_slice(bytes);
        out.len = len;
        Some(out)
    }

    /// The id bytes.
    pub fn as_slice(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// Length in bytes (0..=32).
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// True for the empty id.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(crate) fn read(r: &mut Reader<'_>, field: &'static str) -> Result<Self> {
        let bytes = r.vector(Prefix::U8, 0, Self::MAX_LEN, field)?;
        // The vector bound above guarantees `new` succeeds.
        Ok(Self::new(bytes).unwrap_or_default())
    }

    /// Writes the `uint8`-prefixed id.
    pub fn encode(&self, out: &mut impl BufMut) {
        out.put_u8(self.len);
        out.put_slice(self.as_slice());
    }
}

impl PartialEq for SessionId {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for SessionId {}

impl core::hash::Hash for SessionId {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

impl AsRef<[u8]> for SessionId {
    fn as_ref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl fmt::Debug for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionId({})", hex::encode(self.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        assert!(SessionId::new(&[7; 32]).is_some());
        assert!(SessionId::new(&[7; 33]).is_none());
        assert_eq!(SessionId::new(&[1, 2]).unwrap().as_slice(), [1, 2]);
        assert_eq!(
            format!("{:?}", SessionId::new(&[0xab]).unwrap()),
            "SessionId(ab)"
        );
    }
}
