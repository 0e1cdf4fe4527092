//! Handshake protocol messages (RFC 5246 7.4, RFC 8446 4): the 4-byte
//! header, the message envelope that keeps its received bytes, and one file
//! per message body with parse and encode side by side. Where TLS 1.3 gives
//! a message another body (Certificate, CertificateRequest,
//! NewSessionTicket), the TLS 1.3 body has its own type, suffixed `Tls13`.

mod certificate;
mod certificate_request;
mod certificate_request_tls13;
mod certificate_tls13;
mod certificate_verify;
mod client_hello;
mod client_key_exchange;
mod context;
mod digitally_signed;
mod encrypted_extensions;
mod finished;
mod header;
mod hello_random;
mod key_update;
mod message;
mod message_hash;
mod new_session_ticket;
mod new_session_ticket_tls13;
mod server_hello;
mod server_key_exchange;
mod session_id;

pub use certificate::CertificateMsg;
pub use certificate_request::{CertificateRequest, DistinguishedName};
pub use certificate_request_tls13::CertificateRequestTls13;
pub use certificate_tls13::{CertificateEntry, CertificateTls13};
pub use client_hello::ClientHello;
pub use client_key_exchange::ClientKeyExchange;
pub use context::{KeyExchangeAlgorithm, ParseContext};
pub use digitally_signed::DigitallySigned;
pub use encrypted_extensions::EncryptedExtensions;
pub use finished::check_finished_len;
pub use header::HandshakeHeader;
pub use hello_random::{
    DOWNGRADE_TLS11, DOWNGRADE_TLS12, DowngradeSentinel, HELLO_RETRY_REQUEST_RANDOM,
};
pub use key_update::KeyUpdateRequest;
pub use message::{HandshakeMessage, HandshakePayload};
pub use new_session_ticket::NewSessionTicket;
pub use new_session_ticket_tls13::NewSessionTicketTls13;
pub use server_hello::ServerHello;
pub use server_key_exchange::{
    EcdheServerKeyExchange, NAMED_CURVE, ServerEcdhParams, ServerKeyExchange,
};
pub use session_id::SessionId;
