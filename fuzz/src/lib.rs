//! Bodies of the cargo-fuzz targets, as plain functions so that a
//! stable-toolchain test can replay a corpus through them without libFuzzer.
//!
//! Every target asserts two things on any input: no panic, and if parsing
//! succeeds, encoding is stable: `encode(parse(x))` parses back to the same
//! value and encodes to the same bytes again. For these TLS 1.2 structures
//! every length is explicit and unknown values are kept, so the first
//! encoding must also equal the input; that is asserted too.
//!
//! Targets that depend on the key exchange use the first input byte to pick
//! the [`ParseContext`] (see [`context`]).

#![forbid(unsafe_code)]

use mtls_wire::alert::Alert;
use mtls_wire::extensions::{ExtensionContext, Extensions};
use mtls_wire::handshake::{
    CertificateMsg, CertificateRequest, ClientHello, ClientKeyExchange, DistinguishedName,
    HandshakeMessage, KeyExchangeAlgorithm, ParseContext, ServerHello, ServerKeyExchange,
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
