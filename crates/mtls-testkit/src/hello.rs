//! ClientHellos grown from a real one: padded to a length, or to the largest its fields allow
//! (RFC 5246 7.4.1.2). For the facade tests that feed them, the memory bound's among them (a
//! test binary of its own).

use mtls_wire::extensions::Extension;
use mtls_wire::handshake::{
    ClientHello, HandshakeMessage, HandshakePayload, ParseContext, SessionId,
};
use mtls_wire::{CipherSuite, CompressionMethod};

fn parse(client_hello: &[u8]) -> ClientHello {
    let (msg, _) = HandshakeMessage::parse(client_hello, &ParseContext::new()).unwrap();
    let HandshakePayload::ClientHello(hello) = msg.into_payload() else {
        panic!("not a ClientHello");
    };
    hello
}

fn encode(hello: ClientHello) -> Vec<u8> {
    HandshakeMessage::new(HandshakePayload::ClientHello(hello))
        .raw()
        .to_vec()
}

/// `hello` with a padding extension (RFC 7685) of `padding` bytes appended.
fn pad(mut hello: ClientHello, padding: usize) -> Vec<u8> {
    hello
        .extensions
        .list
        .push(Extension::Unknown(21, vec![0; padding]));
    encode(hello)
}

/// `client_hello` (a whole handshake message, header included) padded to `len` bytes, header
/// included.
pub fn padded_client_hello(client_hello: &[u8], len: usize) -> Vec<u8> {
    // The padding extension's own header is 4 bytes.
    pad(parse(client_hello), len - client_hello.len() - 4)
}

/// `client_hello` (a whole handshake message) grown to 131 396 bytes of body: a 32-byte
/// session id, 32 767 cipher suites (the client's own first), 255 compression methods (null
/// first), and its extensions padded to a block of 65 535 bytes.
pub fn largest_client_hello(client_hello: &[u8]) -> Vec<u8> {
    let mut hello = parse(client_hello);
    hello.session_id = SessionId::new(&[0x77; 32]).unwrap();
    hello.cipher_suites.resize(32767, CipherSuite::from(0x0a0a));
    hello.compression_methods = (0..=254u8).map(CompressionMethod::from).collect();
    let mut block = Vec::new();
    hello.extensions.encode(&mut block);
    // The padding extension's own header is 4 bytes; the block's length prefix is 2.
    let padding = 65535 + 2 - block.len() - 4;
    pad(hello, padding)
}
