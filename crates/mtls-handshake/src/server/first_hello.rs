//! The first ClientHello read before the server has a configuration: what a multi-tenant
//! server looks at (SNI, ALPN, suites, signature schemes, versions) to choose one.

use mtls_wire::handshake::{ClientHello, HandshakePayload};

use super::hello::sni_host_name;
use crate::action::Input;
use crate::common::Common;
use crate::error::HandshakeError;
use crate::sequence::Side;

/// A ClientHello read exactly as a server handshake reads its first message: through the
/// sequence table's gate (anything else first is `unexpected_message`, refused before it is
/// parsed), then parsed (`decode_error`), and its SNI name checked (RFC 6066 3,
/// `illegal_parameter`). Nothing here depends on a configuration; the handshake that is
/// then given the same bytes checks everything that does.
#[derive(Debug, Clone)]
pub struct FirstClientHello {
    hello: ClientHello,
    server_name: Option<String>,
}

impl FirstClientHello {
    /// Reads the first input of a server handshake, which must be a whole ClientHello
    /// (4-byte header included).
    pub fn read(input: Input<'_>) -> Result<Self, HandshakeError> {
        let mut gate = Common::new(Side::Server, mtls_crypto::default_provider());
        match gate.receive_step(input)? {
            (_, Some(message)) => match message.into_payload() {
                HandshakePayload::ClientHello(hello) => {
                    let server_name = sni_host_name(&hello)?;
                    Ok(Self { hello, server_name })
                }
                _ => Err(HandshakeError::internal(
                    "the table let a message other than ClientHello open a server handshake",
                )),
            },
            (_, None) => Err(HandshakeError::internal(
                "the table let ChangeCipherSpec open a server handshake",
            )),
        }
    }

    /// The parsed message.
    pub fn hello(&self) -> &ClientHello {
        &self.hello
    }

    /// The SNI host name, lowercased (RFC 6066 3).
    pub fn server_name(&self) -> Option<&str> {
        self.server_name.as_deref()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use mtls_wire::AlertDescription;

    #[test]
    fn anything_but_a_client_hello_first_is_unexpected_message() {
        // A Finished header with a 12-byte body: refused by the gate, not parsed.
        let mut finished = vec![20, 0, 0, 12];
        finished.extend([0u8; 12]);
        let e = FirstClientHello::read(Input::Handshake(&finished)).unwrap_err();
        assert_eq!(e.alert(), AlertDescription::UnexpectedMessage);
        let e = FirstClientHello::read(Input::ChangeCipherSpec).unwrap_err();
        assert_eq!(e.alert(), AlertDescription::UnexpectedMessage);
    }

    #[test]
    fn a_truncated_client_hello_is_decode_error() {
        let e = FirstClientHello::read(Input::Handshake(&[1, 0, 0, 2, 3, 3])).unwrap_err();
        assert_eq!(e.alert(), AlertDescription::DecodeError);
    }
}
