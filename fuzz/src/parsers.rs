//! The mtls-wire parser targets (`record_stream`, `handshake_message`, one per message body,
//! `extensions`, `alert`, `dn_list`) and the differential `roundtrip`.
//!
//! Every parser target asserts two things on any input: no panic, and if parsing
//! succeeds, encoding is stable: `encode(parse(x))` parses back to the same
//! value and encodes to the same bytes again. For these TLS 1.2 structures
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
use mtls_wire::record::{RecordHeader, parse_records};
use mtls_wire::{ChangeCipherSpec, WireError};

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

/// One handshake message under one context: parse, then the payload encodes to the same
/// body, parses back to the same payload, and `HandshakeMessage::new` gives the same bytes.
fn handshake_round_trip(
    input: &[u8],
    ctx: &ParseContext,
) -> Result<(HandshakeMessage, usize), WireError> {
    let (msg, rest) = HandshakeMessage::parse(input, ctx)?;
    let consumed = input.len() - rest.len();
    assert_eq!(msg.raw(), input.get(..consumed).unwrap_or_default());
    let mut body = Vec::new();
    msg.payload().encode(&mut body);
    assert_eq!(
        body,
        msg.raw().get(4..).unwrap_or_default(),
        "payload encoding differs"
    );
    match HandshakePayload::parse(msg.typ(), &body, ctx) {
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

/// `roundtrip`: the differential round trip of everything a peer frames. On the whole
/// input: RecordHeader (first 5 bytes), Alert and ChangeCipherSpec (the whole input), and
/// handshake messages back to back under each of the three key-exchange contexts. Every
/// successful parse must encode to the bytes it came from and parse back equal; and the
/// contexts may only disagree on ServerKeyExchange and ClientKeyExchange: for every other
/// message type the three parses give the same message or the same error.
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

    // Handshake messages, back to back, under every context, in lock step while the three
    // agree on where the next message starts.
    let mut start = 0usize;
    loop {
        let input = data.get(start..).unwrap_or_default();
        let results: Vec<_> = CONTEXTS
            .iter()
            .map(|ctx| handshake_round_trip(input, ctx))
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
        match &results[..] {
            [Ok((_, a)), Ok((_, b)), Ok((_, c))] if a == b && b == c => start += a,
            _ => {
                // The contexts parted: each goes on alone.
                for (ctx, r) in CONTEXTS.iter().zip(&results) {
                    let Ok((_, consumed)) = r else { continue };
                    let mut pos = start + consumed;
                    while let Ok((_, n)) =
                        handshake_round_trip(data.get(pos..).unwrap_or_default(), ctx)
                    {
                        pos += n;
                    }
                }
                break;
            }
        }
    }
}
