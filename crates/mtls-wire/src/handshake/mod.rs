//! Handshake protocol messages (RFC 5246 7.4): the 4-byte header, the
//! message envelope that keeps its received bytes, and one file per message
//! body with parse and encode side by side.

mod certificate;
mod certificate_request;
mod certificate_verify;
mod client_hello;
mod client_key_exchange;
mod context;
mod digitally_signed;
mod finished;
mod header;
mod message;
mod new_session_ticket;
mod server_hello;
mod server_key_exchange;
mod session_id;

pub use certificate::CertificateMsg;
pub use certificate_request::{CertificateRequest, DistinguishedName};
pub use client_hello::ClientHello;
pub use client_key_exchange::ClientKeyExchange;
pub use context::{KeyExchangeAlgorithm, ParseContext};
pub use digitally_signed::DigitallySigned;
pub use header::HandshakeHeader;
pub use message::{HandshakeMessage, HandshakePayload};
pub use new_session_ticket::NewSessionTicket;
pub use server_hello::ServerHello;
pub use server_key_exchange::{
    EcdheServerKeyExchange, NAMED_CURVE, ServerEcdhParams, ServerKeyExchange,
};
pub use session_id::SessionId;
