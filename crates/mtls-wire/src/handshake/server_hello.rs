//! ServerHello (RFC 5246 7.4.1.3, RFC 8446 4.1.3) and HelloRetryRequest
//! (RFC 8446 4.1.4).

use bytes::BufMut;

use super::{DowngradeSentinel, HELLO_RETRY_REQUEST_RANDOM, SessionId};
use crate::codec::{Reader, Result};
use crate::enums::{CipherSuite, CompressionMethod, ProtocolVersion};
use crate::extensions::{ExtensionContext, Extensions};

/// The server's answer to ClientHello, `ServerHello` (RFC 5246 7.4.1.3).
///
/// ```text
/// struct {
///     ProtocolVersion server_version;
///     Random random;
///     SessionID session_id;
///     CipherSuite cipher_suite;
///     CompressionMethod compression_method;
///     select (extensions_present) {
///         case false:
///             struct {};
///         case true:
///             Extension extensions<0..2^16-1>;
///     };
/// } ServerHello;
/// ```
///
/// TLS 1.3 keeps the layout under new names (RFC 8446 4.1.3):
///
/// ```text
/// struct {
///     ProtocolVersion legacy_version = 0x0303;    /* TLS v1.2 */
///     Random random;
///     opaque legacy_session_id_echo<0..32>;
///     CipherSuite cipher_suite;
///     uint8 legacy_compression_method = 0;
///     Extension extensions<6..2^16-1>;
/// } ServerHello;
/// ```
///
/// A HelloRetryRequest is a ServerHello whose `random` is
/// [`HELLO_RETRY_REQUEST_RANDOM`] (RFC 8446 4.1.3); its extensions are parsed
/// in the [`ExtensionContext::HelloRetryRequest`] context (key_share is then
/// `selected_group`), see [`ServerHello::is_hello_retry_request`]. A
/// ServerHello whose supported_versions selects TLS 1.3 is held to the SH
/// column of RFC 8446 4.2 (see [`Extensions`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ServerHello {
    /// The version chosen for the connection.
    pub server_version: ProtocolVersion,
    /// `Random`: 32 bytes.
    pub random: [u8; 32],
    /// The id of this session (new, or the resumed one echoed), or empty.
    pub session_id: SessionId,
    /// The chosen suite.
    pub cipher_suite: CipherSuite,
    /// The chosen compression method.
    pub compression_method: CompressionMethod,
    /// Extensions, remembering an omitted block.
    pub extensions: Extensions,
}

impl ServerHello {
    /// Parses a ServerHello body.
    pub fn parse(body: &[u8]) -> Result<Self> {
        let mut r = Reader::delimited(body);
        let server_version = ProtocolVersion::read(&mut r, "ServerHello.server_version")?;
        let random = r.array::<32>("ServerHello.random")?;
        let session_id = SessionId::read(&mut r, "ServerHello.session_id")?;
        let cipher_suite = CipherSuite::read(&mut r, "ServerHello.cipher_suite")?;
        let compression_method = CompressionMethod::read(&mut r, "ServerHello.compression_method")?;
        let ctx = if random == HELLO_RETRY_REQUEST_RANDOM {
            ExtensionContext::HelloRetryRequest
        } else {
            ExtensionContext::ServerHello
        };
        let extensions = Extensions::read(&mut r, ctx)?;
        r.finish("ServerHello")?;
        Ok(Self {
            server_version,
            random,
            session_id,
            cipher_suite,
            compression_method,
            extensions,
        })
    }

    /// True when this is a HelloRetryRequest: its `random` is the special
    /// value of RFC 8446 4.1.3.
    pub fn is_hello_retry_request(&self) -> bool {
        self.random == HELLO_RETRY_REQUEST_RANDOM
    }

    /// The downgrade sentinel the `random` ends with, if any (RFC 8446 4.1.3).
    pub fn downgrade_sentinel(&self) -> Option<DowngradeSentinel> {
        DowngradeSentinel::find(&self.random)
    }

    /// Writes the body.
    pub fn encode(&self, out: &mut impl BufMut) {
        self.server_version.encode(out);
        out.put_slice(&self.random);
        self.session_id.encode(out);
        self.cipher_suite.encode(out);
        self.compression_method.encode(out);
        self.extensions.encode(out);
    }
}
