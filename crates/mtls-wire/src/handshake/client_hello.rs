//! ClientHello (RFC 5246 7.4.1.2).

use bytes::BufMut;

use super::SessionId;
use crate::codec::{Prefix, Reader, Result, items, put_prefixed};
use crate::enums::{CipherSuite, CompressionMethod, ProtocolVersion};
use crate::extensions::{ExtensionContext, Extensions};

/// The client's opening message, `ClientHello` (RFC 5246 7.4.1.2).
///
/// ```text
/// struct {
///     ProtocolVersion client_version;
///     Random random;
///     SessionID session_id;
///     CipherSuite cipher_suites<2..2^16-2>;
///     CompressionMethod compression_methods<1..2^8-1>;
///     select (extensions_present) {
///         case false:
///             struct {};
///         case true:
///             Extension extensions<0..2^16-1>;
///     };
/// } ClientHello;
/// ```
///
/// Only the encoding is checked here. Which versions, suites and compression
/// methods are acceptable (e.g. "null must be offered") is handshake policy.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClientHello {
    /// The highest version the client supports.
    pub client_version: ProtocolVersion,
    /// `Random`: 32 bytes (RFC 5246 7.4.1.2; gmt_unix_time is not interpreted).
    pub random: [u8; 32],
    /// Session to resume, or empty.
    pub session_id: SessionId,
    /// Offered suites in preference order, `<2..2^16-2>` bytes.
    pub cipher_suites: Vec<CipherSuite>,
    /// Offered compression methods, `<1..2^8-1>`.
    pub compression_methods: Vec<CompressionMethod>,
    /// Extensions, remembering an omitted block.
    pub extensions: Extensions,
}

impl ClientHello {
    /// Parses a ClientHello body (the bytes after the 4-byte handshake header).
    pub fn parse(body: &[u8]) -> Result<Self> {
        let mut r = Reader::delimited(body);
        let client_version = ProtocolVersion::read(&mut r, "ClientHello.client_version")?;
        let random = r.array::<32>("ClientHello.random")?;
        let session_id = SessionId::read(&mut r, "ClientHello.session_id")?;
        let suites = r.vector_of(Prefix::U16, 2, 2, 0xfffe, "ClientHello.cipher_suites")?;
        let cipher_suites = items(suites, |r| {
            CipherSuite::read(r, "ClientHello.cipher_suites")
        })?;
        let methods = r.vector(Prefix::U8, 1, 0xff, "ClientHello.compression_methods")?;
        let compression_methods = items(methods, |r| {
            CompressionMethod::read(r, "ClientHello.compression_methods")
        })?;
        // RFC 5246 7.4.1.2: the extensions block may be absent; anything
        // present must be exactly one well-formed block.
        let extensions = Extensions::read(&mut r, ExtensionContext::ClientHello)?;
        r.finish("ClientHello")?;
        Ok(Self {
            client_version,
            random,
            session_id,
            cipher_suites,
            compression_methods,
            extensions,
        })
    }

    /// Writes the body.
    pub fn encode(&self, out: &mut impl BufMut) {
        self.client_version.encode(out);
        out.put_slice(&self.random);
        self.session_id.encode(out);
        put_prefixed(out, Prefix::U16, 0xfffe, |b| {
            for s in &self.cipher_suites {
                s.encode(b);
            }
        });
        put_prefixed(out, Prefix::U8, 0xff, |b| {
            for m in &self.compression_methods {
                m.encode(b);
            }
        });
        self.extensions.encode(out);
    }
}
