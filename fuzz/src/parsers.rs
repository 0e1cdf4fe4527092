//! The mtls-wire parser targets (`record_stream`, `handshake_message`, one per message body,
//! `extensions`, `alert`, `dn_list`), their TLS 1.3 counterparts (`handshake_message_tls13`,
//! `message_body_tls13`, `extensions_tls13`, `inner_plaintext`) and the differential
//! `roundtrip`, which parses every handshake message under the three TLS 1.2 contexts and as
//! TLS 1.3.
//!
//! Every parser target asserts two things on any input: no panic, and if parsing
//! succeeds, encoding is stable: `encode(parse(x))` parses back to the same
//! value and encodes to the same bytes again. For these TLS 1.2 and 1.3 structures
//! every length is explicit and unknown values are kept, so the first
//! encoding must also equal the input; that is asserted too.
//!
//! Targets that depend on the key exchange use the first input byte to pick
//! the [`ParseContext`] (see [`context`]).

use mtls_wire::alert::Alert;
use mtls_wire::extensions::{ExtensionContext, Extensions};
use mtls_wire::handshake::{
    CertificateMsg, CertificateRequest, ClientHello, ClientKeyExchange, DistinguishedName,
    HandshakeMessage, HandshakePayload, KeyExchangeAlgorithm, ParseContext, ServerHello,
    ServerKeyExchange,
};
use mtls_wire::record::{InnerPlaintext, RecordHeader, parse_records};
use mtls_wire::{ChangeCipherSpec, HandshakeType, WireError};

/// Splits off the first byte and maps it to a parse context:
/// 0 => none, 1 => ECDHE, 2 => RSA (byte mod 3).
pub fn context(data: &[u8]) -> (ParseContext, &[u8]) {
    match data.split_first() {
        None => (ParseContext::new(), data),
        Some((b, rest)) => {
            let kx = match b % 3 {
                0 => None,
                1 => Some(KeyExchangeAlgorithm::Ecdhe),
                _ => Some(KeyExchangeAlgorithm::Rsa),
            };
            (ParseContext { kx }, rest)
        }
    }
}

/// The shared check: parse; if it parses, encode must equal the input, and
/// parse/encode again must agree.
fn check<T: PartialEq + core::fmt::Debug>(
    input: &[u8],
    parse: impl Fn(&[u8]) -> Result<T, WireError>,
    encode: impl Fn(&T, &mut Vec<u8>),
) {
    let Ok(value) = parse(input) else { return };
    let mut first = Vec::new();
    encode(&value, &mut first);
    let again = match parse(&first) {
        Ok(v) => v,
        Err(e) => panic!("re-encoded value does not parse: {e}"),
    };
    assert_eq!(again, value, "parse(encode(v)) != v");
    let mut second = Vec::new();
    encode(&again, &mut second);
    assert_eq!(first, second, "encoding is not stable");
    assert_eq!(first, input, "encode(parse(x)) != x");
}

/// `record_stream`: split a byte stream into records; check each header and
/// the ChangeCipherSpec / Alert fragments.
pub fn fuzz_record_stream(data: &[u8]) {
    let _ = RecordHeader::parse(data);
    if let Ok(records) = parse_records(data) {
        let mut out = Vec::new();
        for (header, fragment) in &records {
            assert_eq!(usize::from(header.length), fragment.len());
            header.encode(&mut out);
            out.extend_from_slice(fragment);
            let _ = Alert::parse(fragment);
            let _ = ChangeCipherSpec::parse(fragment);
        }
        assert_eq!(out, data);
    }
}

/// `handshake_message`: first byte picks the context, then a sequence of
/// handshake messages is parsed from the rest until an error.
pub fn fuzz_handshake_message(data: &[u8]) {
    let (ctx, mut rest) = context(data);
    // Bounded: every successful parse consumes at least 4 bytes.
    while let Ok((msg, after)) = HandshakeMessage::parse(rest, &ctx) {
        let consumed = rest.len() - after.len();
        assert_eq!(msg.raw(), rest.get(..consumed).unwrap_or_default());
        let rebuilt = HandshakeMessage::new(msg.payload().clone());
        assert_eq!(rebuilt.raw(), msg.raw(), "encode(parse(x)) != x");
        match HandshakeMessage::parse(rebuilt.raw(), &ctx) {
            Ok((again, tail)) => {
                assert!(tail.is_empty());
                assert_eq!(again, msg);
            }
            Err(e) => panic!("re-encoded message does not parse: {e}"),
        }
        rest = after;
    }
}

/// `client_hello`: a ClientHello body.
pub fn fuzz_client_hello(data: &[u8]) {
    check(data, ClientHello::parse, |v, o| v.encode(o));
}

/// `server_hello`: a ServerHello body.
pub fn fuzz_server_hello(data: &[u8]) {
    check(data, ServerHello::parse, |v, o| v.encode(o));
}

/// `certificate`: a Certificate body.
pub fn fuzz_certificate(data: &[u8]) {
    check(data, CertificateMsg::parse, |v, o| v.encode(o));
}

/// `server_key_exchange`: first byte picks the context, rest is the body.
pub fn fuzz_server_key_exchange(data: &[u8]) {
    let (ctx, body) = context(data);
    check(
        body,
        |b| ServerKeyExchange::parse(b, &ctx),
        |v, o| v.encode(o),
    );
    if let Ok(ServerKeyExchange::Ecdhe(ske)) = ServerKeyExchange::parse(body, &ctx) {
        // The signed params are the exact prefix of the body.
        assert!(body.starts_with(&ske.params_bytes()));
    }
}

/// `certificate_request`: a CertificateRequest body.
pub fn fuzz_certificate_request(data: &[u8]) {
    check(data, CertificateRequest::parse, |v, o| v.encode(o));
}

/// `client_key_exchange`: first byte picks the context, rest is the body.
pub fn fuzz_client_key_exchange(data: &[u8]) {
    let (ctx, body) = context(data);
    check(
        body,
        |b| ClientKeyExchange::parse(b, &ctx),
        |v, o| v.encode(o),
    );
}

/// `extensions`: first byte's low bit picks ClientHello / ServerHello, the
/// rest is a hello's extensions tail.
pub fn fuzz_extensions(data: &[u8]) {
    let (ctx, block) = match data.split_first() {
        Some((b, rest)) if b & 1 == 1 => (ExtensionContext::ServerHello, rest),
        Some((_, rest)) => (ExtensionContext::ClientHello, rest),
        None => (ExtensionContext::ClientHello, data),
    };
    check(block, |b| Extensions::parse(b, ctx), |v, o| v.encode(o));
}

/// `alert`: an Alert and a ChangeCipherSpec fragment.
pub fn fuzz_alert(data: &[u8]) {
    check(data, Alert::parse, |v, o| v.encode(o));
    check(data, ChangeCipherSpec::parse, |v, o| v.encode(o));
}

/// `dn_list`: a CertificateRequest `certificate_authorities` vector.
pub fn fuzz_dn_list(data: &[u8]) {
    check(data, DistinguishedName::parse_list, |v, o| {
        DistinguishedName::encode_list(v, o)
    });
}

// ---- TLS 1.3 ----

/// `handshake_message_tls13`: TLS 1.3 handshake messages back to back
/// (`HandshakeMessage::parse_tls13`), each re-encoded exactly.
pub fn fuzz_handshake_message_tls13(data: &[u8]) {
    let mut rest = data;
    // Bounded: every successful parse consumes at least 4 bytes.
    while let Ok((msg, after)) = HandshakeMessage::parse_tls13(rest) {
        let consumed = rest.len() - after.len();
        assert_eq!(msg.raw(), rest.get(..consumed).unwrap_or_default());
        let rebuilt = HandshakeMessage::new(msg.payload().clone());
        assert_eq!(rebuilt.raw(), msg.raw(), "encode(parse_tls13(x)) != x");
        match HandshakeMessage::parse_tls13(rebuilt.raw()) {
            Ok((again, tail)) => {
                assert!(tail.is_empty());
                assert_eq!(again, msg);
            }
            Err(e) => panic!("re-encoded message does not parse: {e}"),
        }
        rest = after;
    }
}

/// `message_body_tls13`: the first byte is the `msg_type`, the rest one TLS 1.3 body
/// (`HandshakePayload::parse_tls13`): EncryptedExtensions, Certificate, CertificateRequest,
/// NewSessionTicket, KeyUpdate, a HelloRetryRequest, ...
pub fn fuzz_message_body_tls13(data: &[u8]) {
    let Some((typ, body)) = data.split_first() else {
        return;
    };
    let typ = HandshakeType::from(*typ);
    check(
        body,
        |b| HandshakePayload::parse_tls13(typ, b),
        |v, o| v.encode(o),
    );
    if let Ok(HandshakePayload::ServerHello(sh)) = HandshakePayload::parse_tls13(typ, body) {
        // A HelloRetryRequest is told by its random alone.
        let hrr = sh.is_hello_retry_request();
        assert_eq!(
            hrr,
            sh.random == mtls_wire::handshake::HELLO_RETRY_REQUEST_RANDOM
        );
    }
}

/// The seven messages an extensions block can belong to, by the first input byte (mod 7).
pub const EXTENSION_CONTEXTS: [ExtensionContext; 7] = [
    ExtensionContext::ClientHello,
    ExtensionContext::ServerHello,
    ExtensionContext::HelloRetryRequest,
    ExtensionContext::EncryptedExtensions,
    ExtensionContext::CertificateRequest,
    ExtensionContext::Certificate,
    ExtensionContext::NewSessionTicket,
];

/// `extensions_tls13`: the first byte picks the message (`EXTENSION_CONTEXTS`, byte mod 7),
/// the rest is its extensions block: a hello's tail (empty = omitted) or the required
/// `uint16`-prefixed block of the others. Whatever parses is allowed in that message
/// (RFC 8446 4.2) and re-encodes exactly.
pub fn fuzz_extensions_tls13(data: &[u8]) {
    let Some((b, block)) = data.split_first() else {
        return;
    };
    let ctx = EXTENSION_CONTEXTS
        .get(usize::from(*b) % EXTENSION_CONTEXTS.len())
        .copied()
        .unwrap_or(ExtensionContext::ClientHello);
    check(block, |x| Extensions::parse(x, ctx), |v, o| v.encode(o));
    if let Ok(exts) = Extensions::parse(block, ctx) {
        for e in &exts {
            assert!(ctx.allows(e.typ()), "{:?} parsed in {ctx:?}", e.typ());
        }
    }
}

/// Parses a TLS 1.3 inner plaintext; if it parses, it re-encodes to the input.
fn inner_plaintext_round_trip(data: &[u8]) {
    match InnerPlaintext::parse(data) {
        Ok(inner) => {
            assert_ne!(inner.content_type.to_u8(), 0);
            assert_eq!(inner.len(), data.len());
            let mut out = Vec::new();
            inner.encode(&mut out);
            assert_eq!(out, data, "encode(parse(x)) != x");
            match InnerPlaintext::parse(&out) {
                Ok(again) => assert_eq!(again, inner),
                Err(e) => panic!("re-encoded inner plaintext does not parse: {e}"),
            }
        }
        // Only a plaintext of zeros has no content type.
        Err(_) => assert!(data.iter().all(|&b| b == 0)),
    }
}

/// `inner_plaintext`: a decrypted TLS 1.3 record split into content, type and padding.
pub fn fuzz_inner_plaintext(data: &[u8]) {
    inner_plaintext_round_trip(data);
}

// ---- roundtrip ----

const CONTEXTS: [ParseContext; 3] = [
    ParseContext { kx: None },
    ParseContext {
        kx: Some(KeyExchangeAlgorithm::Ecdhe),
    },
    ParseContext {
        kx: Some(KeyExchangeAlgorithm::Rsa),
    },
];

/// How a message is parsed: as TLS 1.2 under one key-exchange context, or as TLS 1.3.
#[derive(Clone, Copy, Debug)]
enum Mode {
    Tls12(ParseContext),
    Tls13,
}

const MODES: [Mode; 4] = [
    Mode::Tls12(CONTEXTS[0]),
    Mode::Tls12(CONTEXTS[1]),
    Mode::Tls12(CONTEXTS[2]),
    Mode::Tls13,
];

impl Mode {
    fn message<'a>(&self, input: &'a [u8]) -> Result<(HandshakeMessage, &'a [u8]), WireError> {
        match self {
            Self::Tls12(ctx) => HandshakeMessage::parse(input, ctx),
            Self::Tls13 => HandshakeMessage::parse_tls13(input),
        }
    }

    fn payload(&self, typ: HandshakeType, body: &[u8]) -> Result<HandshakePayload, WireError> {
        match self {
            Self::Tls12(ctx) => HandshakePayload::parse(typ, body, ctx),
            Self::Tls13 => HandshakePayload::parse_tls13(typ, body),
        }
    }
}

/// One handshake message under one mode: parse, then the payload encodes to the same
/// body, parses back to the same payload, and `HandshakeMessage::new` gives the same bytes.
fn handshake_round_trip(input: &[u8], mode: &Mode) -> Result<(HandshakeMessage, usize), WireError> {
    let (msg, rest) = mode.message(input)?;
    let consumed = input.len() - rest.len();
    assert_eq!(msg.raw(), input.get(..consumed).unwrap_or_default());
    let mut body = Vec::new();
    msg.payload().encode(&mut body);
    assert_eq!(
        body,
        msg.raw().get(4..).unwrap_or_default(),
        "payload encoding differs"
    );
    match mode.payload(msg.typ(), &body) {
        Ok(p) => assert_eq!(&p, msg.payload(), "payload parse(encode(p)) != p"),
        Err(e) => panic!("re-encoded {:?} body does not parse: {e}", msg.typ()),
    }
    let rebuilt = HandshakeMessage::new(msg.payload().clone());
    assert_eq!(rebuilt.raw(), msg.raw(), "HandshakeMessage::new differs");
    let mut out = Vec::new();
    msg.encode(&mut out);
    assert_eq!(out, msg.raw());
    Ok((msg, consumed))
}

/// `msg_type`s whose body TLS 1.2 and TLS 1.3 read differently (or only one of them defines):
/// hello_request, new_session_ticket, end_of_early_data, encrypted_extensions, certificate,
/// server_key_exchange, certificate_request, server_hello_done, client_key_exchange,
/// key_update, message_hash.
const VERSION_DEPENDENT: [u8; 11] = [0, 4, 5, 8, 11, 12, 13, 14, 16, 24, 254];

/// `roundtrip`: the differential round trip of everything a peer frames. On the whole
/// input: RecordHeader (first 5 bytes), Alert, ChangeCipherSpec and the TLS 1.3 inner
/// plaintext (the whole input), and handshake messages back to back under each of the three
/// TLS 1.2 key-exchange contexts and as TLS 1.3. Every successful parse must encode to the
/// bytes it came from and parse back equal; the TLS 1.2 contexts may only disagree on
/// ServerKeyExchange and ClientKeyExchange, and TLS 1.3 may only disagree with TLS 1.2 on
/// the message types whose body differs (`VERSION_DEPENDENT`): for every other message type
/// all four parses give the same message or the same error.
pub fn fuzz_roundtrip(data: &[u8]) {
    // Record header.
    if let Ok((header, rest)) = RecordHeader::parse(data) {
        let mut out = Vec::new();
        header.encode(&mut out);
        assert_eq!(out, data.get(..RecordHeader::LEN).unwrap_or_default());
        assert_eq!(rest.len(), data.len() - RecordHeader::LEN);
        match RecordHeader::parse(&out) {
            Ok((again, tail)) => {
                assert_eq!(again, header);
                assert!(tail.is_empty());
            }
            Err(e) => panic!("re-encoded record header does not parse: {e}"),
        }
    } else {
        assert!(
            data.len() < RecordHeader::LEN,
            "a 5-byte header failed to parse"
        );
    }
    check(data, Alert::parse, |v, o| v.encode(o));
    check(data, ChangeCipherSpec::parse, |v, o| v.encode(o));
    inner_plaintext_round_trip(data);

    // Handshake messages, back to back, under every mode, in lock step while the four
    // agree on where the next message starts.
    let mut start = 0usize;
    loop {
        let input = data.get(start..).unwrap_or_default();
        let results: Vec<_> = MODES
            .iter()
            .map(|mode| handshake_round_trip(input, mode))
            .collect();
        // msg_type 12 (ServerKeyExchange) and 16 (ClientKeyExchange) depend on the context.
        if !matches!(input.first(), Some(12 | 16)) {
            assert_eq!(
                results[0], results[1],
                "ECDHE context changed a context-free message"
            );
            assert_eq!(
                results[0], results[2],
                "RSA context changed a context-free message"
            );
        }
        if !input.first().is_some_and(|t| VERSION_DEPENDENT.contains(t)) {
            assert_eq!(
                results[0], results[3],
                "TLS 1.3 changed a message both versions share"
            );
        }
        match &results[..] {
            [Ok((_, a)), rest @ ..] if rest.iter().all(|r| matches!(r, Ok((_, n)) if n == a)) => {
                start += a;
            }
            _ => {
                // The modes parted: each goes on alone.
                for (mode, r) in MODES.iter().zip(&results) {
                    let Ok((_, consumed)) = r else { continue };
                    let mut pos = start + consumed;
                    while let Ok((_, n)) =
                        handshake_round_trip(data.get(pos..).unwrap_or_default(), mode)
                    {
                        pos += n;
                    }
                }
                break;
            }
        }
    }
}
