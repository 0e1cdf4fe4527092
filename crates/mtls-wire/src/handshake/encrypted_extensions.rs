//! EncryptedExtensions (RFC 8446 4.3.1).

use bytes::BufMut;

use crate::codec::{Reader, Result};
use crate::extensions::{ExtensionContext, Extensions};

/// The server's extensions that are not needed to set up keys, sent
/// encrypted right after ServerHello, `EncryptedExtensions` (RFC 8446 4.3.1).
///
/// ```text
/// struct {
///     Extension extensions<0..2^16-1>;
/// } EncryptedExtensions;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct EncryptedExtensions {
    /// The extensions, each one RFC 8446 4.2 allows in EE.
    pub extensions: Extensions,
}

impl EncryptedExtensions {
    /// Parses an EncryptedExtensions body.
    pub fn parse(body: &[u8]) -> Result<Self> {
        let mut r = Reader::delimited(body);
        let extensions = Extensions::read(&mut r, ExtensionContext::EncryptedExtensions)?;
        r.finish("EncryptedExtensions")?;
        Ok(Self { extensions })
    }

    /// Writes the body.
    pub fn encode(&self, out: &mut impl BufMut) {
        self.extensions.encode_block(out, 0xffff);
    }
}
