//! Hand-written fixtures: one per handshake message type (plus record
//! header, alert and ChangeCipherSpec), each parsed and re-encoded byte for
//! byte. Lengths are written out by hand, field by field, so a wrong prefix
//! in either direction fails here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::common::hx;
use mtls_wire::alert::Alert;
use mtls_wire::extensions::{Extension, ProtocolName, ServerName};
use mtls_wire::handshake::{
    ClientKeyExchange, DistinguishedName, HandshakeMessage, HandshakePayload, KeyExchangeAlgorithm,
    ParseContext, ServerKeyExchange,
};
use mtls_wire::record::{RecordHeader, parse_records};
use mtls_wire::*;
use rustls_pki_types::CertificateDer;

const NONE: ParseContext = ParseContext { kx: None };
const ECDHE: ParseContext = ParseContext {
    kx: Some(KeyExchangeAlgorithm::Ecdhe),
};
const RSA: ParseContext = ParseContext {
    kx: Some(KeyExchangeAlgorithm::Rsa),
};

/// Parses `bytes` as one message, checks raw and both re-encodings.
fn round_trip(bytes: &[u8], ctx: &ParseContext) -> HandshakePayload {
    let (msg, rest) = HandshakeMessage::parse(bytes, ctx).unwrap();
    assert!(rest.is_empty());
    assert_eq!(msg.raw(), bytes);
    let mut out = Vec::new();
    msg.encode(&mut out);
    assert_eq!(out, bytes);
    // Re-encode from the typed value, not from raw.
    let rebuilt = HandshakeMessage::new(msg.payload().clone());
    assert_eq!(rebuilt.raw(), bytes, "typed re-encoding differs");
    assert_eq!(rebuilt, msg);
    msg.into_payload()
}

const CLIENT_HELLO: &str = "
    01 0000bc
    0303
    000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
    20 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
    0010 c02b c02c c02f c030 cca9 cca8 009c 00ff
    01 00
    0063
      0000 000e 000c 00 0009 6c6f63616c686f7374
      000a 0006 0004 001d 0017
      000b 0002 01 00
      000d 000e 000c 0804 0403 0401 0805 0501 0806
      0010 000e 000c 02 6832 08 687474702f312e31
      0017 0000
      ff01 0001 00
      0023 0000
      002b 0005 04 0304 0303
      0015 0003 000000
";

#[test]
fn client_hello_full() {
    let HandshakePayload::ClientHello(ch) = round_trip(&hx(CLIENT_HELLO), &NONE) else {
        panic!("wrong type")
    };
    assert_eq!(ch.client_version, ProtocolVersion::TLSv1_2);
    assert_eq!(ch.random[31], 0x1f);
    assert_eq!(ch.session_id.as_slice(), [0xaa; 32]);
    assert_eq!(ch.cipher_suites.len(), 8);
    assert_eq!(
        ch.cipher_suites[7],
        CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV
    );
    assert_eq!(ch.compression_methods, [CompressionMethod::Null]);
    let e = &ch.extensions;
    assert!(!e.omitted);
    assert_eq!(e.len(), 10);
    assert_eq!(e.server_name(), Some(&b"localhost"[..]));
    assert_eq!(
        e.supported_groups(),
        Some(&[NamedGroup::X25519, NamedGroup::Secp256r1][..])
    );
    assert_eq!(
        e.ec_point_formats(),
        Some(&[ECPointFormat::Uncompressed][..])
    );
    assert_eq!(e.signature_algorithms().unwrap().len(), 6);
    assert_eq!(
        e.alpn(),
        Some(
            &[
                ProtocolName(b"h2".to_vec()),
                ProtocolName(b"http/1.1".to_vec())
            ][..]
        )
    );
    assert!(e.has_ems());
    assert_eq!(e.renegotiation_info(), Some(&[][..]));
    assert_eq!(e.session_ticket(), Some(&[][..]));
    assert_eq!(
        e.supported_versions(),
        Some(&[ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_2][..])
    );
    assert_eq!(
        e.get(ExtensionType::Padding),
        Some(&Extension::Unknown(21, vec![0, 0, 0]))
    );
}

#[test]
fn client_hello_without_extensions_block() {
    // RFC 5246 7.4.1.2: nothing after compression_methods.
    let bytes = hx("01 000029 0303 {r} 00 0002 c02f 01 00"
        .replace("{r}", &"55".repeat(32))
        .as_str());
    let HandshakePayload::ClientHello(ch) = round_trip(&bytes, &NONE) else {
        panic!()
    };
    assert!(ch.extensions.omitted);
    assert!(ch.session_id.is_empty());
}

#[test]
fn client_hello_with_empty_extensions_block() {
    let bytes = hx("01 00002b 0303 {r} 00 0002 c02f 01 00 0000"
        .replace("{r}", &"55".repeat(32))
        .as_str());
    let HandshakePayload::ClientHello(ch) = round_trip(&bytes, &NONE) else {
        panic!()
    };
    assert!(!ch.extensions.omitted);
    assert!(ch.extensions.is_empty());
}

const SERVER_HELLO: &str = "
    02 000068
    0303
    1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100
    20 bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
    c02f
    00
    0020
      ff01 0001 00
      0017 0000
      0000 0000
      000b 0002 01 00
      0010 0005 0003 02 6832
      0023 0000
";

#[test]
fn server_hello() {
    let HandshakePayload::ServerHello(sh) = round_trip(&hx(SERVER_HELLO), &NONE) else {
        panic!()
    };
    assert_eq!(sh.server_version, ProtocolVersion::TLSv1_2);
    assert_eq!(
        sh.cipher_suite,
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    );
    assert_eq!(sh.compression_method, CompressionMethod::Null);
    assert_eq!(sh.session_id.len(), 32);
    assert!(sh.extensions.has_ems());
    assert_eq!(
        sh.extensions.get(ExtensionType::ServerName),
        Some(&Extension::ServerName(vec![]))
    );
    assert_eq!(sh.extensions.alpn().unwrap().len(), 1);
}

#[test]
fn server_hello_selected_version() {
    let bytes = hx(&format!(
        "02 00002e 0303 {} 00 1301 00 0006 002b 0002 0304",
        "77".repeat(32)
    ));
    let HandshakePayload::ServerHello(sh) = round_trip(&bytes, &NONE) else {
        panic!()
    };
    assert_eq!(
        sh.extensions.selected_version(),
        Some(ProtocolVersion::TLSv1_3)
    );
}

#[test]
fn certificate_chain() {
    let bytes = hx("0b 000012 00000f 000005 3003020101 000004 30020500");
    let HandshakePayload::Certificate(c) = round_trip(&bytes, &NONE) else {
        panic!()
    };
    assert_eq!(
        c.certificate_list,
        [
            CertificateDer::from(hx("3003020101")),
            CertificateDer::from(hx("30020500"))
        ]
    );
}

#[test]
fn certificate_empty_list() {
    // RFC 5246 7.4.6: a client with no suitable certificate sends this.
    let HandshakePayload::Certificate(c) = round_trip(&hx("0b 000003 000000"), &NONE) else {
        panic!()
    };
    assert!(c.certificate_list.is_empty());
}

#[test]
fn server_key_exchange_ecdhe() {
    let bytes = hx(&format!(
        "0c 000030 03 001d 20 {} 0804 0008 0102030405060708",
        "9f".repeat(32)
    ));
    let HandshakePayload::ServerKeyExchange(ServerKeyExchange::Ecdhe(ske)) =
        round_trip(&bytes, &ECDHE)
    else {
        panic!()
    };
    assert_eq!(ske.params.named_curve, NamedGroup::X25519);
    assert_eq!(ske.params.public, [0x9f; 32]);
    assert_eq!(ske.signature.scheme, SignatureScheme::RSA_PSS_RSAE_SHA256);
    // The signed params are the exact bytes after the header up to the signature.
    assert_eq!(ske.params_bytes(), bytes[4..4 + 36]);
    let signed = ske.signed_message(&[1; 32], &[2; 32]);
    assert_eq!(signed.len(), 64 + 36);
    assert_eq!(&signed[64..], &bytes[4..40]);
}

#[test]
fn certificate_request_with_cas() {
    let bytes = hx("0d 000019 02 01 40 0008 0403 0804 0401 0201 000a 0004 30023100 0002 3000");
    let HandshakePayload::CertificateRequest(cr) = round_trip(&bytes, &NONE) else {
        panic!()
    };
    assert_eq!(
        cr.certificate_types,
        [
            ClientCertificateType::RsaSign,
            ClientCertificateType::EcdsaSign
        ]
    );
    assert_eq!(
        cr.supported_signature_algorithms,
        [
            SignatureScheme::ECDSA_SECP256R1_SHA256,
            SignatureScheme::RSA_PSS_RSAE_SHA256,
            SignatureScheme::RSA_PKCS1_SHA256,
            SignatureScheme::RSA_PKCS1_SHA1,
        ]
    );
    assert_eq!(
        cr.certificate_authorities,
        [
            DistinguishedName(hx("30023100")),
            DistinguishedName(hx("3000"))
        ]
    );
}

#[test]
fn certificate_request_without_cas() {
    let HandshakePayload::CertificateRequest(cr) =
        round_trip(&hx("0d 000008 01 01 0002 0401 0000"), &NONE)
    else {
        panic!()
    };
    assert!(cr.certificate_authorities.is_empty());
}

#[test]
fn dn_list_alone() {
    let list = DistinguishedName::parse_list(&hx("000a 0004 30023100 0002 3000")).unwrap();
    assert_eq!(list.len(), 2);
    let mut out = Vec::new();
    DistinguishedName::encode_list(&list, &mut out);
    assert_eq!(out, hx("000a 0004 30023100 0002 3000"));
}

#[test]
fn empty_body_messages() {
    assert_eq!(
        round_trip(&hx("00 000000"), &NONE),
        HandshakePayload::HelloRequest
    );
    assert_eq!(
        round_trip(&hx("0e 000000"), &NONE),
        HandshakePayload::ServerHelloDone
    );
}

#[test]
fn certificate_verify() {
    let HandshakePayload::CertificateVerify(cv) =
        round_trip(&hx("0f 00000a 0804 0006 a1a2a3a4a5a6"), &NONE)
    else {
        panic!()
    };
    assert_eq!(cv.scheme, SignatureScheme::RSA_PSS_RSAE_SHA256);
    assert_eq!(cv.signature, hx("a1a2a3a4a5a6"));
}

#[test]
fn client_key_exchange_ecdhe() {
    let bytes = hx(&format!("10 000021 20 {}", "42".repeat(32)));
    let p = round_trip(&bytes, &ECDHE);
    assert_eq!(
        p,
        HandshakePayload::ClientKeyExchange(ClientKeyExchange::Ecdhe(vec![0x42; 32]))
    );
}

#[test]
fn client_key_exchange_rsa() {
    let bytes = hx(&format!("10 000012 0010 {}", "e7".repeat(16)));
    let p = round_trip(&bytes, &RSA);
    assert_eq!(
        p,
        HandshakePayload::ClientKeyExchange(ClientKeyExchange::Rsa(vec![0xe7; 16]))
    );
}

#[test]
fn finished() {
    let bytes = hx("14 00000c 0102030405060708090a0b0c");
    assert_eq!(
        round_trip(&bytes, &NONE),
        HandshakePayload::Finished(hx("0102030405060708090a0b0c"))
    );
}

#[test]
fn new_session_ticket() {
    let HandshakePayload::NewSessionTicket(t) =
        round_trip(&hx("04 00000a 00001c20 0004 deadbeef"), &NONE)
    else {
        panic!()
    };
    assert_eq!(t.lifetime_hint, 7200);
    assert_eq!(t.ticket, hx("deadbeef"));
}

#[test]
fn unknown_handshake_type_is_kept_raw() {
    // certificate_status(22) is not modelled: kept as raw body.
    let p = round_trip(&hx("16 000004 01 000000"), &NONE);
    assert_eq!(p, HandshakePayload::Unknown(22, vec![1, 0, 0, 0]));
    assert_eq!(p.typ(), HandshakeType::CertificateStatus);
}

#[test]
fn server_flight_in_one_buffer() {
    // ServerHello, Certificate, ServerKeyExchange, CertificateRequest,
    // ServerHelloDone back to back, as one record would carry them.
    let mut flight = hx(SERVER_HELLO);
    flight.extend(hx("0b 000012 00000f 000005 3003020101 000004 30020500"));
    flight.extend(hx(&format!(
        "0c 000030 03 001d 20 {} 0804 0008 0102030405060708",
        "9f".repeat(32)
    )));
    flight.extend(hx("0d 000008 01 01 0002 0401 0000"));
    flight.extend(hx("0e 000000"));
    let mut rest = &flight[..];
    let mut types = Vec::new();
    let mut ctx = NONE;
    while !rest.is_empty() {
        let (msg, r) = HandshakeMessage::parse(rest, &ctx).unwrap();
        if let HandshakePayload::ServerHello(sh) = msg.payload() {
            ctx.kx = KeyExchangeAlgorithm::of(sh.cipher_suite);
        }
        types.push(msg.typ());
        rest = r;
    }
    assert_eq!(
        types,
        [
            HandshakeType::ServerHello,
            HandshakeType::Certificate,
            HandshakeType::ServerKeyExchange,
            HandshakeType::CertificateRequest,
            HandshakeType::ServerHelloDone
        ]
    );
}

#[test]
fn client_hello_server_name_list_with_unknown_type() {
    // RFC 6066 3: future name types start with a 16-bit length.
    let bytes = hx(&format!(
        "01 00003c 0303 {} 00 0002 c02f 01 00 0011 0000 000d 000b 00 0003 616263 05 0002 7879",
        "00".repeat(32)
    ));
    let HandshakePayload::ClientHello(ch) = round_trip(&bytes, &NONE) else {
        panic!()
    };
    assert_eq!(
        ch.extensions.get(ExtensionType::ServerName),
        Some(&Extension::ServerName(vec![
            ServerName::HostName(b"abc".to_vec()),
            ServerName::Unknown(5, b"xy".to_vec())
        ]))
    );
}

#[test]
fn record_header_and_stream() {
    let bytes = hx("16 0303 0004 0e000000 15 0303 0002 0232 14 0303 0001 01");
    let recs = parse_records(&bytes).unwrap();
    assert_eq!(recs.len(), 3);
    let mut out = Vec::new();
    for (h, frag) in &recs {
        h.encode(&mut out);
        out.extend_from_slice(frag);
    }
    assert_eq!(out, bytes);
    let (h, rest) = RecordHeader::parse(&bytes).unwrap();
    assert_eq!(h.content_type, ContentType::Handshake);
    assert_eq!(h.length, 4);
    assert_eq!(rest.len(), bytes.len() - RecordHeader::LEN);
    let alert = Alert::parse(recs[1].1).unwrap();
    assert_eq!(alert.level, AlertLevel::Fatal);
    assert_eq!(alert.description, AlertDescription::DecodeError);
    assert_eq!(
        ChangeCipherSpec::parse(recs[2].1).unwrap(),
        ChangeCipherSpec
    );
}
