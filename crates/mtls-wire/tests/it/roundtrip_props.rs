//! Property: for every valid value v of every message and extension type,
//! parse(encode(v)) == v, and the bytes re-encode identically.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::common::strategies::*;
use crate::common::strategies_tls13::*;
use mtls_wire::alert::Alert;
use mtls_wire::extensions::{Extension, ExtensionContext, Extensions};
use mtls_wire::handshake::{
    CertificateMsg, CertificateRequest, ClientHello, ClientKeyExchange, DigitallySigned,
    DistinguishedName, HandshakeHeader, HandshakeMessage, HandshakePayload, NewSessionTicket,
    ServerHello, ServerKeyExchange,
};
use mtls_wire::record::{InnerPlaintext, RecordHeader, parse_records};
use mtls_wire::*;
use proptest::prelude::*;

fn enc(f: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut out = Vec::new();
    f(&mut out);
    out
}

fn any_extension_context() -> impl Strategy<Value = ExtensionContext> {
    use ExtensionContext as C;
    prop_oneof![
        Just(C::ClientHello),
        Just(C::ServerHello),
        Just(C::HelloRetryRequest),
        Just(C::EncryptedExtensions),
        Just(C::CertificateRequest),
        Just(C::Certificate),
        Just(C::NewSessionTicket),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn handshake_message_round_trips(p in payload()) {
        let msg = HandshakeMessage::new(p.clone());
        let (parsed, rest) = HandshakeMessage::parse(msg.raw(), &context_for(&p)).unwrap();
        prop_assert!(rest.is_empty());
        prop_assert_eq!(parsed.payload(), &p);
        prop_assert_eq!(parsed.raw(), msg.raw());
        prop_assert_eq!(parsed.typ(), p.typ());
    }

    #[test]
    fn client_hello_round_trips(v in client_hello()) {
        let b = enc(|o| v.encode(o));
        prop_assert_eq!(ClientHello::parse(&b).unwrap(), v);
    }

    #[test]
    fn server_hello_round_trips(v in server_hello()) {
        let b = enc(|o| v.encode(o));
        prop_assert_eq!(ServerHello::parse(&b).unwrap(), v);
    }

    #[test]
    fn certificate_round_trips(v in certificate()) {
        let b = enc(|o| v.encode(o));
        prop_assert_eq!(CertificateMsg::parse(&b).unwrap(), v);
    }

    #[test]
    fn server_key_exchange_round_trips(v in server_key_exchange()) {
        let b = enc(|o| v.encode(o));
        let ctx = context_for(&HandshakePayload::ServerKeyExchange(v.clone()));
        let parsed = ServerKeyExchange::parse(&b, &ctx).unwrap();
        let ServerKeyExchange::Ecdhe(ske) = &parsed;
        // params_bytes is a prefix of the body: the signed bytes are exact.
        prop_assert!(b.starts_with(&ske.params_bytes()));
        prop_assert_eq!(parsed, v);
    }

    #[test]
    fn certificate_request_round_trips(v in certificate_request()) {
        let b = enc(|o| v.encode(o));
        prop_assert_eq!(CertificateRequest::parse(&b).unwrap(), v);
    }

    #[test]
    fn dn_list_round_trips(v in distinguished_names()) {
        let b = enc(|o| DistinguishedName::encode_list(&v, o));
        prop_assert_eq!(DistinguishedName::parse_list(&b).unwrap(), v);
    }

    #[test]
    fn certificate_verify_round_trips(v in digitally_signed()) {
        let b = enc(|o| v.encode(o));
        prop_assert_eq!(DigitallySigned::parse(&b).unwrap(), v);
    }

    #[test]
    fn client_key_exchange_round_trips(v in client_key_exchange()) {
        let b = enc(|o| v.encode(o));
        let ctx = context_for(&HandshakePayload::ClientKeyExchange(v.clone()));
        prop_assert_eq!(ClientKeyExchange::parse(&b, &ctx).unwrap(), v);
    }

    #[test]
    fn new_session_ticket_round_trips(v in new_session_ticket()) {
        let b = enc(|o| v.encode(o));
        prop_assert_eq!(NewSessionTicket::parse(&b).unwrap(), v);
    }

    #[test]
    fn client_hello_extensions_round_trips(v in extensions(ExtensionContext::ClientHello)) {
        let b = enc(|o| v.encode(o));
        prop_assert_eq!(Extensions::parse(&b, ExtensionContext::ClientHello).unwrap(), v);
    }

    #[test]
    fn server_hello_extensions_round_trips(v in extensions(ExtensionContext::ServerHello)) {
        let b = enc(|o| v.encode(o));
        prop_assert_eq!(Extensions::parse(&b, ExtensionContext::ServerHello).unwrap(), v);
    }

    #[test]
    fn single_extension_data_round_trips(
        (ctx, e) in any_extension_context().prop_flat_map(|ctx| (Just(ctx), extension(ctx)))
    ) {
        let data = enc(|o| e.encode_data(o));
        prop_assert_eq!(Extension::parse_data(e.typ(), &data, ctx).unwrap(), e);
    }

    #[test]
    fn every_context_extensions_round_trip(
        (ctx, v) in any_extension_context().prop_flat_map(|ctx| (Just(ctx), extensions(ctx)))
    ) {
        let b = enc(|o| v.encode(o));
        prop_assert_eq!(Extensions::parse(&b, ctx).unwrap(), v);
    }

    #[test]
    fn tls13_handshake_message_round_trips(p in payload_tls13()) {
        let msg = HandshakeMessage::new(p.clone());
        let (parsed, rest) = HandshakeMessage::parse_tls13(msg.raw()).unwrap();
        prop_assert!(rest.is_empty());
        prop_assert_eq!(parsed.payload(), &p);
        prop_assert_eq!(parsed.raw(), msg.raw());
        prop_assert_eq!(parsed.typ(), p.typ());
    }

    #[test]
    fn hello_retry_request_round_trips(v in hello_retry_request()) {
        let b = enc(|o| v.encode(o));
        let parsed = ServerHello::parse(&b).unwrap();
        prop_assert!(parsed.is_hello_retry_request());
        prop_assert_eq!(parsed, v);
    }

    #[test]
    fn inner_plaintext_round_trips(content in bytes(0, 64), typ in 1u8..=255, padding in 0usize..40) {
        let v = InnerPlaintext { content: &content, content_type: ContentType::from(typ), padding };
        let b = enc(|o| v.encode(o));
        prop_assert_eq!(b.len(), v.len());
        prop_assert_eq!(InnerPlaintext::parse(&b).unwrap(), v);
    }

    #[test]
    fn handshake_header_round_trips(typ in any::<u8>(), length in 0u32..=0x00ff_ffff) {
        let h = HandshakeHeader { typ: HandshakeType::from(typ), length };
        let b = enc(|o| h.encode(o));
        prop_assert_eq!(b.len(), HandshakeHeader::LEN);
        prop_assert_eq!(HandshakeHeader::parse(&b).unwrap(), (h, &[][..]));
    }

    #[test]
    fn record_header_round_trips(ct in any::<u8>(), v in any::<u16>(), length in any::<u16>()) {
        let h = RecordHeader {
            content_type: ContentType::from(ct),
            version: ProtocolVersion::from(v),
            length,
        };
        let b = enc(|o| h.encode(o));
        prop_assert_eq!(RecordHeader::parse(&b).unwrap(), (h, &[][..]));
    }

    #[test]
    fn record_stream_round_trips(frags in proptest::collection::vec((any::<u8>(), bytes(0, 64)), 0..6)) {
        let mut b = Vec::new();
        for (ct, f) in &frags {
            RecordHeader {
                content_type: ContentType::from(*ct),
                version: ProtocolVersion::TLSv1_2,
                length: u16::try_from(f.len()).unwrap(),
            }
            .encode(&mut b);
            b.extend_from_slice(f);
        }
        let recs = parse_records(&b).unwrap();
        prop_assert_eq!(recs.len(), frags.len());
        for ((h, f), (ct, want)) in recs.iter().zip(&frags) {
            prop_assert_eq!(h.content_type.to_u8(), *ct);
            prop_assert_eq!(*f, &want[..]);
        }
    }

    #[test]
    fn alert_round_trips(level in any::<u8>(), desc in any::<u8>()) {
        let a = Alert { level: AlertLevel::from(level), description: AlertDescription::from(desc) };
        let b = enc(|o| a.encode(o));
        prop_assert_eq!(Alert::parse(&b).unwrap(), a);
    }
}

#[test]
fn change_cipher_spec_round_trips() {
    let b = enc(|o| ChangeCipherSpec.encode(o));
    assert_eq!(ChangeCipherSpec::parse(&b).unwrap(), ChangeCipherSpec);
}
