//! The handshake message envelope (RFC 5246 7.4, RFC 8446 4): typed body
//! plus the exact bytes it came from.

use bytes::BufMut;

use super::{
    CertificateMsg, CertificateRequest, CertificateRequestTls13, CertificateTls13, ClientHello,
    ClientKeyExchange, DigitallySigned, EncryptedExtensions, HandshakeHeader, KeyUpdateRequest,
    NewSessionTicket, NewSessionTicketTls13, ParseContext, ServerHello, ServerKeyExchange,
    certificate_verify, finished,
};
use crate::codec::{Reader, Result};
use crate::enums::HandshakeType;

/// The body of a handshake message, by `msg_type` (RFC 5246 7.4, RFC 8446 4).
///
/// ```text
/// select (HandshakeType) {                 /* TLS 1.2, RFC 5246 7.4 */
///     case hello_request:       HelloRequest;
///     case client_hello:        ClientHello;
///     case server_hello:        ServerHello;
///     case certificate:         Certificate;
///     case server_key_exchange: ServerKeyExchange;
///     case certificate_request: CertificateRequest;
///     case server_hello_done:   ServerHelloDone;
///     case certificate_verify:  CertificateVerify;
///     case client_key_exchange: ClientKeyExchange;
///     case finished:            Finished;
/// } body;
///
/// select (Handshake.msg_type) {            /* TLS 1.3, RFC 8446 4 */
///     case client_hello:          ClientHello;
///     case server_hello:          ServerHello;
///     case end_of_early_data:     EndOfEarlyData;
///     case encrypted_extensions:  EncryptedExtensions;
///     case certificate_request:   CertificateRequest;
///     case certificate:           Certificate;
///     case certificate_verify:    CertificateVerify;
///     case finished:              Finished;
///     case new_session_ticket:    NewSessionTicket;
///     case key_update:            KeyUpdate;
/// };
/// ```
///
/// The two versions share ClientHello, ServerHello (and HelloRetryRequest),
/// CertificateVerify and Finished. Certificate, CertificateRequest and
/// NewSessionTicket have another body in TLS 1.3, and some messages exist in
/// one version only, so a body is parsed for one version:
/// [`HandshakePayload::parse`] for TLS 1.2, [`HandshakePayload::parse_tls13`]
/// for TLS 1.3. A type the version does not define parses as
/// [`HandshakePayload::Unknown`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum HandshakePayload {
    /// HelloRequest, empty body (RFC 5246 7.4.1.1).
    HelloRequest,
    /// ClientHello (RFC 5246 7.4.1.2).
    ClientHello(ClientHello),
    /// ServerHello (RFC 5246 7.4.1.3).
    ServerHello(ServerHello),
    /// Certificate (RFC 5246 7.4.2 / 7.4.6).
    Certificate(CertificateMsg),
    /// ServerKeyExchange (RFC 5246 7.4.3).
    ServerKeyExchange(ServerKeyExchange),
    /// CertificateRequest (RFC 5246 7.4.4).
    CertificateRequest(CertificateRequest),
    /// ServerHelloDone, empty body (RFC 5246 7.4.5).
    ServerHelloDone,
    /// CertificateVerify: one `DigitallySigned` (RFC 5246 7.4.8; the same in
    /// TLS 1.3, RFC 8446 4.4.3).
    CertificateVerify(DigitallySigned),
    /// ClientKeyExchange (RFC 5246 7.4.7).
    ClientKeyExchange(ClientKeyExchange),
    /// Finished: the verify_data, any length (RFC 5246 7.4.9, RFC 8446 4.4.4;
    /// [`check_finished_len`](super::check_finished_len) checks it).
    Finished(Vec<u8>),
    /// NewSessionTicket (RFC 5077 3.3).
    NewSessionTicket(NewSessionTicket),
    /// TLS 1.3 EncryptedExtensions (RFC 8446 4.3.1).
    EncryptedExtensions(EncryptedExtensions),
    /// TLS 1.3 Certificate (RFC 8446 4.4.2).
    CertificateTls13(CertificateTls13),
    /// TLS 1.3 CertificateRequest (RFC 8446 4.3.2).
    CertificateRequestTls13(CertificateRequestTls13),
    /// TLS 1.3 NewSessionTicket (RFC 8446 4.6.1).
    NewSessionTicketTls13(NewSessionTicketTls13),
    /// TLS 1.3 KeyUpdate (RFC 8446 4.6.3).
    KeyUpdate(KeyUpdateRequest),
    /// TLS 1.3 EndOfEarlyData, empty body (RFC 8446 4.5).
    EndOfEarlyData,
    /// The synthetic message_hash of a HelloRetryRequest transcript (RFC 8446
    /// 4.4.1): the hash of the first ClientHello. Built by
    /// [`HandshakeMessage::message_hash`]; never sent, but parsed as such by
    /// [`HandshakePayload::parse_tls13`].
    MessageHash(Vec<u8>),
    /// Any other `msg_type`, with its raw body (e.g. certificate_status, or
    /// a message of the other version). Using a type modelled above encodes
    /// fine but parses back as that variant (when the version parsed for
    /// defines it).
    Unknown(u8, Vec<u8>),
}

impl HandshakePayload {
    /// The `msg_type` of this body.
    pub fn typ(&self) -> HandshakeType {
        match self {
            Self::HelloRequest => HandshakeType::HelloRequest,
            Self::ClientHello(_) => HandshakeType::ClientHello,
            Self::ServerHello(_) => HandshakeType::ServerHello,
            Self::Certificate(_) => HandshakeType::Certificate,
            Self::ServerKeyExchange(_) => HandshakeType::ServerKeyExchange,
            Self::CertificateRequest(_) => HandshakeType::CertificateRequest,
            Self::ServerHelloDone => HandshakeType::ServerHelloDone,
            Self::CertificateVerify(_) => HandshakeType::CertificateVerify,
            Self::ClientKeyExchange(_) => HandshakeType::ClientKeyExchange,
            Self::Finished(_) => HandshakeType::Finished,
            Self::NewSessionTicket(_) | Self::NewSessionTicketTls13(_) => {
                HandshakeType::NewSessionTicket
            }
            Self::EncryptedExtensions(_) => HandshakeType::EncryptedExtensions,
            Self::CertificateTls13(_) => HandshakeType::Certificate,
            Self::CertificateRequestTls13(_) => HandshakeType::CertificateRequest,
            Self::KeyUpdate(_) => HandshakeType::KeyUpdate,
            Self::EndOfEarlyData => HandshakeType::EndOfEarlyData,
            Self::MessageHash(_) => HandshakeType::MessageHash,
            Self::Unknown(t, _) => HandshakeType::from(*t),
        }
    }

    /// Parses the TLS 1.2 body of a message of type `typ`. `body` must be
    /// exactly the body (the `length` bytes after the header). Types TLS 1.2
    /// does not define (end_of_early_data, encrypted_extensions, key_update,
    /// message_hash) parse as [`HandshakePayload::Unknown`].
    pub fn parse(typ: HandshakeType, body: &[u8], ctx: &ParseContext) -> Result<Self> {
        Ok(match typ {
            HandshakeType::HelloRequest => {
                Reader::delimited(body).finish("HelloRequest")?;
                Self::HelloRequest
            }
            HandshakeType::ClientHello => Self::ClientHello(ClientHello::parse(body)?),
            HandshakeType::ServerHello => Self::ServerHello(ServerHello::parse(body)?),
            HandshakeType::Certificate => Self::Certificate(CertificateMsg::parse(body)?),
            HandshakeType::ServerKeyExchange => {
                Self::ServerKeyExchange(ServerKeyExchange::parse(body, ctx)?)
            }
            HandshakeType::CertificateRequest => {
                Self::CertificateRequest(CertificateRequest::parse(body)?)
            }
            HandshakeType::ServerHelloDone => {
                Reader::delimited(body).finish("ServerHelloDone")?;
                Self::ServerHelloDone
            }
            HandshakeType::CertificateVerify => {
                Self::CertificateVerify(certificate_verify::parse(body)?)
            }
            HandshakeType::ClientKeyExchange => {
                Self::ClientKeyExchange(ClientKeyExchange::parse(body, ctx)?)
            }
            HandshakeType::Finished => Self::Finished(finished::parse(body)?),
            HandshakeType::NewSessionTicket => {
                Self::NewSessionTicket(NewSessionTicket::parse(body)?)
            }
            other => Self::Unknown(other.to_u8(), body.to_vec()),
        })
    }

    /// Parses the TLS 1.3 body of a message of type `typ` (RFC 8446 4).
    /// `body` must be exactly the body. Types TLS 1.3 does not define
    /// (hello_request, server_key_exchange, server_hello_done,
    /// client_key_exchange, ...) parse as [`HandshakePayload::Unknown`]; the
    /// handshake refuses them by type.
    pub fn parse_tls13(typ: HandshakeType, body: &[u8]) -> Result<Self> {
        Ok(match typ {
            HandshakeType::ClientHello => Self::ClientHello(ClientHello::parse(body)?),
            HandshakeType::ServerHello => Self::ServerHello(ServerHello::parse(body)?),
            HandshakeType::NewSessionTicket => {
                Self::NewSessionTicketTls13(NewSessionTicketTls13::parse(body)?)
            }
            HandshakeType::EndOfEarlyData => {
                Reader::delimited(body).finish("EndOfEarlyData")?;
                Self::EndOfEarlyData
            }
            HandshakeType::EncryptedExtensions => {
                Self::EncryptedExtensions(EncryptedExtensions::parse(body)?)
            }
            HandshakeType::Certificate => Self::CertificateTls13(CertificateTls13::parse(body)?),
            HandshakeType::CertificateRequest => {
                Self::CertificateRequestTls13(CertificateRequestTls13::parse(body)?)
            }
            HandshakeType::CertificateVerify => {
                Self::CertificateVerify(certificate_verify::parse(body)?)
            }
            HandshakeType::Finished => Self::Finished(finished::parse(body)?),
            HandshakeType::KeyUpdate => Self::KeyUpdate(KeyUpdateRequest::parse(body)?),
            HandshakeType::MessageHash => Self::MessageHash(body.to_vec()),
            other => Self::Unknown(other.to_u8(), body.to_vec()),
        })
    }

    /// Writes the body only (no header).
    pub fn encode(&self, out: &mut impl BufMut) {
        match self {
            Self::HelloRequest | Self::ServerHelloDone | Self::EndOfEarlyData => {}
            Self::ClientHello(m) => m.encode(out),
            Self::ServerHello(m) => m.encode(out),
            Self::Certificate(m) => m.encode(out),
            Self::ServerKeyExchange(m) => m.encode(out),
            Self::CertificateRequest(m) => m.encode(out),
            Self::CertificateVerify(m) => m.encode(out),
            Self::ClientKeyExchange(m) => m.encode(out),
            Self::Finished(v) | Self::MessageHash(v) | Self::Unknown(_, v) => out.put_slice(v),
            Self::NewSessionTicket(m) => m.encode(out),
            Self::EncryptedExtensions(m) => m.encode(out),
            Self::CertificateTls13(m) => m.encode(out),
            Self::CertificateRequestTls13(m) => m.encode(out),
            Self::NewSessionTicketTls13(m) => m.encode(out),
            Self::KeyUpdate(m) => m.encode(out),
        }
    }
}

/// One handshake message (RFC 5246 7.4, RFC 8446 4) with the exact bytes,
/// header included, that it was parsed from or encoded to.
///
/// The transcript hash (RFC 5246 7.4.9, RFC 8446 4.4.1) covers the bytes as received, so
/// [`HandshakeMessage::raw`] is what the handshake layer hashes; it never
/// re-encodes a peer's message.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HandshakeMessage {
    payload: HandshakePayload,
    raw: Vec<u8>,
}

impl HandshakeMessage {
    /// Builds a message from a body, encoding it (header included) once.
    pub fn new(payload: HandshakePayload) -> Self {
        let mut body = Vec::new();
        payload.encode(&mut body);
        let header = HandshakeHeader {
            typ: payload.typ(),
            length: u32::try_from(body.len()).unwrap_or(u32::MAX),
        };
        // A body over 2^24-1 bytes cannot be framed; like every encoder in
        // this crate, keep the framing self-consistent by cutting it.
        debug_assert!(header.length <= HandshakeHeader::MAX_LENGTH);
        let length = header.length.min(HandshakeHeader::MAX_LENGTH);
        body.truncate(usize::try_from(length).unwrap_or(0));
        let mut raw = Vec::with_capacity(HandshakeHeader::LEN + body.len());
        HandshakeHeader { length, ..header }.encode(&mut raw);
        raw.extend_from_slice(&body);
        Self { payload, raw }
    }

    /// Parses one TLS 1.2 message from the front of `input` and returns the
    /// rest (the body as [`HandshakePayload::parse`] does).
    ///
    /// If `input` holds less than the 4-byte header plus `length` body bytes
    /// the error is [`ErrorKind::Truncated`](crate::ErrorKind::Truncated):
    /// a reassembler waits for more. Any other error is final, including a
    /// field inside a complete body that overruns it
    /// ([`ErrorKind::LengthMismatch`](crate::ErrorKind::LengthMismatch)).
    /// The message size limit is the caller's policy; this only copies bytes
    /// that are present.
    pub fn parse<'a>(input: &'a [u8], ctx: &ParseContext) -> Result<(Self, &'a [u8])> {
        Self::parse_with(input, |typ, body| HandshakePayload::parse(typ, body, ctx))
    }

    /// Parses one TLS 1.3 message from the front of `input` and returns the
    /// rest (the body as [`HandshakePayload::parse_tls13`] does). Framing and
    /// errors as [`HandshakeMessage::parse`].
    pub fn parse_tls13(input: &[u8]) -> Result<(Self, &[u8])> {
        Self::parse_with(input, HandshakePayload::parse_tls13)
    }

    fn parse_with(
        input: &[u8],
        body_parser: impl FnOnce(HandshakeType, &[u8]) -> Result<HandshakePayload>,
    ) -> Result<(Self, &[u8])> {
        let (header, after_header) = HandshakeHeader::parse(input)?;
        let body_len = usize::try_from(header.length).unwrap_or(usize::MAX);
        let mut r = Reader::framing(after_header);
        let body = r.take(body_len, "Handshake.body")?;
        let rest = r.rest();
        let payload = body_parser(header.typ, body)?;
        let raw_len = HandshakeHeader::LEN + body.len();
        let raw = input.get(..raw_len).unwrap_or(input).to_vec();
        Ok((Self { payload, raw }, rest))
    }

    /// The exact bytes of the message, header included.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The exact bytes of the message, header included, by value (to send them without a
    /// copy).
    pub fn into_raw(self) -> Vec<u8> {
        self.raw
    }

    /// The decoded body.
    pub fn payload(&self) -> &HandshakePayload {
        &self.payload
    }

    /// The decoded body, by value.
    pub fn into_payload(self) -> HandshakePayload {
        self.payload
    }

    /// The `msg_type`.
    pub fn typ(&self) -> HandshakeType {
        self.payload.typ()
    }

    /// Writes the message: exactly [`HandshakeMessage::raw`].
    pub fn encode(&self, out: &mut impl BufMut) {
        out.put_slice(&self.raw);
    }
}

impl From<HandshakePayload> for HandshakeMessage {
    fn from(payload: HandshakePayload) -> Self {
        Self::new(payload)
    }
}
