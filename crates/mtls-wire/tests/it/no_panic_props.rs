//! Property: arbitrary bytes into every parser never panic, and whatever
//! parses re-encodes to exactly the input, which parses to the same value
//! and re-encodes identically (encoding is stable).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::common::strategies::{any_context, bytes, payload};
use crate::common::strategies_tls13::payload_tls13;
use mtls_wire::ChangeCipherSpec;
use mtls_wire::alert::Alert;
use mtls_wire::extensions::{ExtensionContext, Extensions};
use mtls_wire::handshake::{
    CertificateMsg, CertificateRequest, CertificateRequestTls13, CertificateTls13, ClientHello,
    ClientKeyExchange, DigitallySigned, DistinguishedName, EncryptedExtensions, HandshakeMessage,
    KeyExchangeAlgorithm, KeyUpdateRequest, NewSessionTicket, NewSessionTicketTls13, ParseContext,
    ServerHello, ServerKeyExchange,
};
use mtls_wire::record::{InnerPlaintext, RecordHeader, parse_records};
use proptest::prelude::*;

const CONTEXTS: [ParseContext; 3] = [
    ParseContext { kx: None },
    ParseContext {
        kx: Some(KeyExchangeAlgorithm::Ecdhe),
    },
    ParseContext {
        kx: Some(KeyExchangeAlgorithm::Rsa),
    },
];

const EXTENSION_CONTEXTS: [ExtensionContext; 7] = [
    ExtensionContext::ClientHello,
    ExtensionContext::ServerHello,
    ExtensionContext::HelloRetryRequest,
    ExtensionContext::EncryptedExtensions,
    ExtensionContext::CertificateRequest,
    ExtensionContext::Certificate,
    ExtensionContext::NewSessionTicket,
];

/// Parses with `parse`; on success checks encode -> parse -> encode is
/// stable. Every TLS 1.2 structure here has exactly one encoding (all lengths
/// are explicit, unknown values are kept), so the first encoding must also
/// equal the input.
fn stable<T: PartialEq + std::fmt::Debug, E>(
    input: &[u8],
    parse: impl Fn(&[u8]) -> Result<T, E>,
    encode: impl Fn(&T, &mut Vec<u8>),
) {
    if let Ok(v) = parse(input) {
        let mut first = Vec::new();
        encode(&v, &mut first);
        assert_eq!(first, input, "encode(parse(x)) != x");
        let again = parse(&first).ok().expect("re-encoded value must parse");
        assert_eq!(again, v);
        let mut second = Vec::new();
        encode(&again, &mut second);
        assert_eq!(first, second);
    }
}

fn handshake(input: &[u8]) {
    for ctx in &CONTEXTS {
        if let Ok((msg, rest)) = HandshakeMessage::parse(input, ctx) {
            // raw is exactly the consumed prefix.
            assert_eq!(msg.raw().len() + rest.len(), input.len());
            assert_eq!(msg.raw(), &input[..msg.raw().len()]);
            let rebuilt = HandshakeMessage::new(msg.payload().clone());
            assert_eq!(rebuilt.raw(), msg.raw(), "encode(parse(x)) != x");
            let (again, r) = HandshakeMessage::parse(rebuilt.raw(), ctx).unwrap();
            assert!(r.is_empty());
            assert_eq!(again.payload(), msg.payload());
        }
    }
    if let Ok((msg, rest)) = HandshakeMessage::parse_tls13(input) {
        assert_eq!(msg.raw().len() + rest.len(), input.len());
        assert_eq!(msg.raw(), &input[..msg.raw().len()]);
        let rebuilt = HandshakeMessage::new(msg.payload().clone());
        assert_eq!(rebuilt.raw(), msg.raw(), "encode(parse_tls13(x)) != x");
        let (again, r) = HandshakeMessage::parse_tls13(rebuilt.raw()).unwrap();
        assert!(r.is_empty());
        assert_eq!(again.payload(), msg.payload());
    }
}

fn bodies(b: &[u8]) {
    stable(b, ClientHello::parse, |v, o| v.encode(o));
    stable(b, ServerHello::parse, |v, o| v.encode(o));
    stable(b, CertificateMsg::parse, |v, o| v.encode(o));
    stable(b, CertificateRequest::parse, |v, o| v.encode(o));
    stable(b, DistinguishedName::parse_list, |v, o| {
        DistinguishedName::encode_list(v, o)
    });
    stable(b, DigitallySigned::parse, |v, o| v.encode(o));
    stable(b, NewSessionTicket::parse, |v, o| v.encode(o));
    for ctx in &CONTEXTS {
        stable(b, |i| ServerKeyExchange::parse(i, ctx), |v, o| v.encode(o));
        stable(b, |i| ClientKeyExchange::parse(i, ctx), |v, o| v.encode(o));
    }
    for ctx in EXTENSION_CONTEXTS {
        stable(b, |i| Extensions::parse(i, ctx), |v, o| v.encode(o));
    }
    stable(b, EncryptedExtensions::parse, |v, o| v.encode(o));
    stable(b, CertificateTls13::parse, |v, o| v.encode(o));
    stable(b, CertificateRequestTls13::parse, |v, o| v.encode(o));
    stable(b, NewSessionTicketTls13::parse, |v, o| v.encode(o));
    stable(b, KeyUpdateRequest::parse, |v, o| v.encode(o));
    if let Ok(inner) = InnerPlaintext::parse(b) {
        let mut out = Vec::new();
        inner.encode(&mut out);
        assert_eq!(out, b, "encode(parse(x)) != x");
        assert_eq!(InnerPlaintext::parse(&out).unwrap(), inner);
    }
    stable(b, Alert::parse, |v, o| v.encode(o));
    stable(b, ChangeCipherSpec::parse, |v, o| v.encode(o));
    let _ = RecordHeader::parse(b);
    let _ = parse_records(b);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn arbitrary_bytes_into_every_parser(b in bytes(0, 600)) {
        handshake(&b);
        bodies(&b);
    }

    /// A valid header in front of arbitrary bytes reaches the body parsers
    /// through HandshakeMessage::parse.
    #[test]
    fn arbitrary_body_behind_valid_header(
        typ in prop_oneof![Just(1u8), Just(2), Just(4), Just(5), Just(8), Just(11), Just(12),
                           Just(13), Just(15), Just(16), Just(20), Just(24), Just(254),
                           any::<u8>()],
        body in bytes(0, 400),
        extra in 0usize..3,
    ) {
        let mut b = vec![typ];
        let len = u32::try_from(body.len()).unwrap();
        b.extend_from_slice(&len.to_be_bytes()[1..]);
        b.extend_from_slice(&body);
        b.extend(std::iter::repeat_n(0x0e, extra));
        handshake(&b);
        handshake(&b[..b.len() / 2]);
    }

    /// Valid messages with one byte changed, or cut short, never panic.
    #[test]
    fn mutated_valid_messages(
        p in payload(),
        ctx in any_context(),
        pos in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        cut in any::<prop::sample::Index>(),
    ) {
        let msg = HandshakeMessage::new(p);
        let mut b = msg.raw().to_vec();
        let i = pos.index(b.len());
        b[i] = byte;
        let _ = HandshakeMessage::parse(&b, &ctx);
        handshake(&b);
        let body = &b[4..];
        bodies(body);
        let c = cut.index(b.len());
        let e = HandshakeMessage::parse(&msg.raw()[..c], &ctx).unwrap_err();
        // A strict prefix of a valid message always asks for more input.
        prop_assert!(e.is_truncated(), "{}", e);
    }

    /// The same for TLS 1.3 messages.
    #[test]
    fn mutated_valid_tls13_messages(
        p in payload_tls13(),
        pos in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        cut in any::<prop::sample::Index>(),
    ) {
        let msg = HandshakeMessage::new(p);
        let mut b = msg.raw().to_vec();
        let i = pos.index(b.len());
        b[i] = byte;
        handshake(&b);
        bodies(&b[4..]);
        let c = cut.index(b.len());
        let e = HandshakeMessage::parse_tls13(&msg.raw()[..c]).unwrap_err();
        prop_assert!(e.is_truncated(), "{}", e);
    }
}
