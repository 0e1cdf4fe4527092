//! One test per RFC length bound or structural rule: the input one step past
//! the bound is refused with the right kind, field and alert, and (where it
//! exists) the input exactly at the bound is accepted.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::common::hx;
use mtls_wire::alert::Alert;
use mtls_wire::extensions::{ExtensionContext, Extensions};
use mtls_wire::handshake::{
    CertificateMsg, CertificateRequest, ClientHello, ClientKeyExchange, DigitallySigned,
    DistinguishedName, HandshakeHeader, HandshakeMessage, KeyExchangeAlgorithm, NewSessionTicket,
    ParseContext, ServerHello, ServerKeyExchange,
};
use mtls_wire::record::{RecordHeader, parse_records};
use mtls_wire::{AlertDescription, ErrorKind, WireError};

const CH: ExtensionContext = ExtensionContext::ClientHello;
const SH: ExtensionContext = ExtensionContext::ServerHello;
const ECDHE: ParseContext = ParseContext {
    kx: Some(KeyExchangeAlgorithm::Ecdhe),
};
const RSA: ParseContext = ParseContext {
    kx: Some(KeyExchangeAlgorithm::Rsa),
};

/// A ClientHello body from its variable parts (hex, length prefixes included).
fn client_hello(session_id: &str, suites: &str, compression: &str, exts: &str) -> Vec<u8> {
    let mut b = hx("0303");
    b.extend([0x33; 32]);
    b.extend(hx(session_id));
    b.extend(hx(suites));
    b.extend(hx(compression));
    b.extend(hx(exts));
    b
}

/// A ServerHello body with the given extensions tail.
fn server_hello(exts: &str) -> Vec<u8> {
    let mut b = hx("0303");
    b.extend([0x44; 32]);
    b.extend(hx("00 c02f 00"));
    b.extend(hx(exts));
    b
}

/// An extensions block from (type, data-hex) pairs.
fn block(exts: &[(u16, &str)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (t, data) in exts {
        let data = hx(data);
        body.extend(t.to_be_bytes());
        body.extend(u16::try_from(data.len()).unwrap().to_be_bytes());
        body.extend(data);
    }
    let mut out = u16::try_from(body.len()).unwrap().to_be_bytes().to_vec();
    out.extend(body);
    out
}

fn range(min: usize, max: usize, got: usize) -> ErrorKind {
    ErrorKind::LengthOutOfRange { min, max, got }
}

#[track_caller]
fn assert_err<T: std::fmt::Debug>(
    r: Result<T, WireError>,
    field: &str,
    kind: ErrorKind,
    alert: AlertDescription,
) {
    let e = r.unwrap_err();
    assert_eq!((e.field(), e.kind()), (field, kind), "{e}");
    assert_eq!(e.alert(), alert);
}

const DECODE: AlertDescription = AlertDescription::DecodeError;
const ILLEGAL: AlertDescription = AlertDescription::IllegalParameter;

// ---- ClientHello / ServerHello (RFC 5246 7.4.1.2, 7.4.1.3) ----

#[test]
fn rfc5246_7_4_1_2_session_id_at_most_32_bytes() {
    let sid32 = format!("20{}", "01".repeat(32));
    let sid33 = format!("21{}", "01".repeat(33));
    assert!(ClientHello::parse(&client_hello(&sid32, "0002 c02f", "0100", "")).is_ok());
    assert_err(
        ClientHello::parse(&client_hello(&sid33, "0002 c02f", "0100", "")),
        "ClientHello.session_id",
        range(0, 32, 33),
        DECODE,
    );
}

#[test]
fn rfc5246_7_4_1_3_server_session_id_at_most_32_bytes() {
    let mut b = hx("0303");
    b.extend([0; 32]);
    b.extend(hx(&format!("21{}", "01".repeat(33))));
    b.extend(hx("c02f 00"));
    assert_err(
        ServerHello::parse(&b),
        "ServerHello.session_id",
        range(0, 32, 33),
        DECODE,
    );
}

#[test]
fn rfc5246_7_4_1_2_cipher_suites_not_empty() {
    assert_err(
        ClientHello::parse(&client_hello("00", "0000", "0100", "")),
        "ClientHello.cipher_suites",
        range(2, 0xfffe, 0),
        DECODE,
    );
}

#[test]
fn rfc5246_7_4_1_2_cipher_suites_even_length() {
    assert_err(
        ClientHello::parse(&client_hello("00", "0003 c02f00", "0100", "")),
        "ClientHello.cipher_suites",
        ErrorKind::LengthNotMultiple { unit: 2, got: 3 },
        DECODE,
    );
}

#[test]
fn rfc5246_7_4_1_2_cipher_suites_at_most_2_16_minus_2() {
    // 0xffff bytes is past <2..2^16-2> (and odd): the range check fires first.
    let mut b = hx("0303");
    b.extend([0; 32]);
    b.extend(hx("00 ffff"));
    b.extend(vec![0xc0; 0xffff]);
    b.extend(hx("0100"));
    assert_err(
        ClientHello::parse(&b),
        "ClientHello.cipher_suites",
        range(2, 0xfffe, 0xffff),
        DECODE,
    );
}

#[test]
fn rfc5246_7_4_1_2_compression_methods_not_empty() {
    assert_err(
        ClientHello::parse(&client_hello("00", "0002 c02f", "00", "")),
        "ClientHello.compression_methods",
        range(1, 0xff, 0),
        DECODE,
    );
}

#[test]
fn rfc5246_7_4_1_2_extensions_block_absent_or_exact() {
    // Absent block: fine. One stray byte: the u16 block length is cut.
    assert!(ClientHello::parse(&client_hello("00", "0002 c02f", "0100", "")).is_ok());
    assert_err(
        ClientHello::parse(&client_hello("00", "0002 c02f", "0100", "00")),
        "extensions",
        ErrorKind::LengthMismatch,
        DECODE,
    );
}

#[test]
fn rfc5246_7_4_1_2_no_trailing_bytes_after_extensions() {
    assert_err(
        ClientHello::parse(&client_hello("00", "0002 c02f", "0100", "0000 00")),
        "ClientHello",
        ErrorKind::TrailingBytes,
        DECODE,
    );
    assert_err(
        ServerHello::parse(&server_hello("0000 00")),
        "ServerHello",
        ErrorKind::TrailingBytes,
        DECODE,
    );
}

#[test]
fn rfc5246_7_4_1_2_random_is_32_bytes() {
    assert_err(
        ClientHello::parse(&hx("0303 0102")),
        "ClientHello.random",
        ErrorKind::LengthMismatch,
        DECODE,
    );
}

// ---- Extensions (RFC 5246 7.4.1.4 and the extension RFCs) ----

#[test]
fn rfc5246_7_4_1_4_duplicate_extension() {
    let b = block(&[(23, ""), (0xff01, "00"), (23, "")]);
    assert_err(
        Extensions::parse(&b, CH),
        "extensions",
        ErrorKind::DuplicateExtension,
        ILLEGAL,
    );
    // Also for types this crate does not model.
    let b = block(&[(0x1234, "01"), (0x1234, "02")]);
    assert_err(
        Extensions::parse(&b, SH),
        "extensions",
        ErrorKind::DuplicateExtension,
        ILLEGAL,
    );
    // And inside a whole ClientHello.
    let ch = client_hello(
        "00",
        "0002 c02f",
        "0100",
        &hex::encode(block(&[(23, ""), (23, "")])),
    );
    assert_err(
        ClientHello::parse(&ch),
        "extensions",
        ErrorKind::DuplicateExtension,
        ILLEGAL,
    );
}

#[test]
fn rfc5246_7_4_1_4_extension_data_within_block() {
    // extension_data length 5 but only 1 byte left in the block.
    assert_err(
        Extensions::parse(&hx("0005 0017 0005 00"), CH),
        "Extension.extension_data",
        ErrorKind::LengthMismatch,
        DECODE,
    );
}

#[test]
fn rfc6066_3_server_name_list_not_empty() {
    assert_err(
        Extensions::parse(&block(&[(0, "0000")]), CH),
        "ServerNameList.server_name_list",
        range(1, 0xffff, 0),
        DECODE,
    );
    // Nor absent in a ClientHello.
    assert_err(
        Extensions::parse(&block(&[(0, "")]), CH),
        "ServerNameList.server_name_list",
        ErrorKind::LengthMismatch,
        DECODE,
    );
}

#[test]
fn rfc6066_3_host_name_not_empty() {
    assert_err(
        Extensions::parse(&block(&[(0, "0003 00 0000")]), CH),
        "ServerName.HostName",
        range(1, 0xffff, 0),
        DECODE,
    );
}

#[test]
fn rfc6066_3_one_name_per_name_type() {
    assert_err(
        Extensions::parse(&block(&[(0, "0008 00 0001 61 00 0001 62")]), CH),
        "ServerNameList.server_name_list",
        ErrorKind::IllegalValue,
        ILLEGAL,
    );
}

#[test]
fn rfc6066_3_server_hello_server_name_is_empty() {
    assert!(Extensions::parse(&block(&[(0, "")]), SH).is_ok());
    assert_err(
        Extensions::parse(&block(&[(0, "0004 00 0001 61")]), SH),
        "server_name",
        range(0, 0, 6),
        DECODE,
    );
}

#[test]
fn rfc8422_5_1_1_supported_groups_not_empty() {
    assert_err(
        Extensions::parse(&block(&[(10, "0000")]), CH),
        "NamedCurveList.named_curve_list",
        range(2, 0xffff, 0),
        DECODE,
    );
}

#[test]
fn rfc8422_5_1_1_supported_groups_even_length() {
    assert_err(
        Extensions::parse(&block(&[(10, "0003 001d00")]), CH),
        "NamedCurveList.named_curve_list",
        ErrorKind::LengthNotMultiple { unit: 2, got: 3 },
        DECODE,
    );
}

#[test]
fn rfc8422_5_1_2_ec_point_formats_not_empty() {
    assert_err(
        Extensions::parse(&block(&[(11, "00")]), CH),
        "ECPointFormatList.ec_point_format_list",
        range(1, 0xff, 0),
        DECODE,
    );
}

#[test]
fn rfc5246_7_4_1_4_1_signature_algorithms_not_empty() {
    assert_err(
        Extensions::parse(&block(&[(13, "0000")]), CH),
        "signature_algorithms.supported_signature_algorithms",
        range(2, 0xfffe, 0),
        DECODE,
    );
}

#[test]
fn rfc5246_7_4_1_4_1_signature_algorithms_even_length() {
    assert_err(
        Extensions::parse(&block(&[(13, "0003 040100")]), CH),
        "signature_algorithms.supported_signature_algorithms",
        ErrorKind::LengthNotMultiple { unit: 2, got: 3 },
        DECODE,
    );
}

#[test]
fn rfc7301_3_1_alpn_list_not_empty() {
    // <2..2^16-1>: an empty list and a 1-byte list are both below the bound.
    assert_err(
        Extensions::parse(&block(&[(16, "0000")]), CH),
        "ProtocolNameList.protocol_name_list",
        range(2, 0xffff, 0),
        DECODE,
    );
    assert_err(
        Extensions::parse(&block(&[(16, "0001 00")]), CH),
        "ProtocolNameList.protocol_name_list",
        range(2, 0xffff, 1),
        DECODE,
    );
}

#[test]
fn rfc7301_3_1_alpn_protocol_name_not_empty() {
    assert_err(
        Extensions::parse(&block(&[(16, "0004 00 02 6832")]), CH),
        "ProtocolName",
        range(1, 0xff, 0),
        DECODE,
    );
}

#[test]
fn rfc7301_3_1_server_alpn_exactly_one_name() {
    assert_err(
        Extensions::parse(&block(&[(16, "0006 02 6832 02 6833")]), SH),
        "ProtocolNameList.protocol_name_list",
        ErrorKind::ItemCountOutOfRange {
            min: 1,
            max: 1,
            got: 2,
        },
        DECODE,
    );
    assert!(Extensions::parse(&block(&[(16, "0006 02 6832 02 6833")]), CH).is_ok());
}

#[test]
fn rfc5746_3_2_renegotiation_info_at_most_255() {
    // The u8 prefix caps the vector at 255; 256 bytes cannot be declared, so
    // the 256th byte is trailing.
    let ok = format!("ff{}", "ab".repeat(255));
    assert!(Extensions::parse(&block(&[(0xff01, &ok)]), CH).is_ok());
    let over = format!("ff{}", "ab".repeat(256));
    assert_err(
        Extensions::parse(&block(&[(0xff01, &over)]), CH),
        "renegotiation_info",
        ErrorKind::TrailingBytes,
        DECODE,
    );
}

#[test]
fn rfc7627_5_1_extended_master_secret_is_empty() {
    assert_err(
        Extensions::parse(&block(&[(23, "00")]), CH),
        "extended_master_secret",
        range(0, 0, 1),
        DECODE,
    );
}

#[test]
fn rfc8446_4_2_1_supported_versions_bounds() {
    assert_err(
        Extensions::parse(&block(&[(43, "00")]), CH),
        "SupportedVersions.versions",
        range(2, 254, 0),
        DECODE,
    );
    assert_err(
        Extensions::parse(&block(&[(43, "03 030403")]), CH),
        "SupportedVersions.versions",
        ErrorKind::LengthNotMultiple { unit: 2, got: 3 },
        DECODE,
    );
    assert_err(
        Extensions::parse(&block(&[(43, "0304 00")]), SH),
        "supported_versions",
        ErrorKind::TrailingBytes,
        DECODE,
    );
}

#[test]
fn rfc5246_7_4_1_4_no_trailing_bytes_inside_extension_data() {
    assert_err(
        Extensions::parse(&block(&[(10, "0002 001d 00")]), CH),
        "supported_groups",
        ErrorKind::TrailingBytes,
        DECODE,
    );
}

// ---- Certificate (RFC 5246 7.4.2) ----

#[test]
fn rfc5246_7_4_2_asn1cert_not_empty() {
    assert_err(
        CertificateMsg::parse(&hx("000003 000000")),
        "Certificate.ASN.1Cert",
        range(1, 0xff_ffff, 0),
        DECODE,
    );
}

#[test]
fn rfc5246_7_4_2_certificate_list_may_be_empty() {
    assert!(
        CertificateMsg::parse(&hx("000000"))
            .unwrap()
            .certificate_list
            .is_empty()
    );
}

#[test]
fn rfc5246_7_4_2_certificate_list_within_body() {
    assert_err(
        CertificateMsg::parse(&hx("000009 000005 3003020101")),
        "Certificate.certificate_list",
        ErrorKind::LengthMismatch,
        DECODE,
    );
    assert_err(
        CertificateMsg::parse(&hx("000008 000006 3003020101")),
        "Certificate.ASN.1Cert",
        ErrorKind::LengthMismatch,
        DECODE,
    );
}

// ---- ServerKeyExchange (RFC 5246 7.4.3, RFC 8422 5.4) ----

fn ske(body: &str) -> Result<ServerKeyExchange, WireError> {
    ServerKeyExchange::parse(&hx(body), &ECDHE)
}

#[test]
fn rfc8422_5_4_ecdhe_point_not_empty() {
    assert_err(
        ske("03 0017 00 0403 0000"),
        "ECPoint.point",
        range(1, 0xff, 0),
        DECODE,
    );
}

#[test]
fn rfc8422_5_4_curve_type_named_curve_only() {
    assert_err(
        ske("01 0017 01 04 0403 0000"),
        "ECParameters.curve_type",
        ErrorKind::IllegalValue,
        ILLEGAL,
    );
}

#[test]
fn rfc5246_4_7_digitally_signed_truncated() {
    // Signature length 4, only 2 bytes follow.
    assert_err(
        ske("03 001d 01 09 0403 0004 aabb"),
        "DigitallySigned.signature",
        ErrorKind::LengthMismatch,
        DECODE,
    );
    // Algorithm cut in half.
    assert_err(
        ske("03 001d 01 09 04"),
        "DigitallySigned.algorithm",
        ErrorKind::LengthMismatch,
        DECODE,
    );
    // Same for CertificateVerify.
    assert_err(
        DigitallySigned::parse(&hx("0804 0003 aabb")),
        "DigitallySigned.signature",
        ErrorKind::LengthMismatch,
        DECODE,
    );
}

#[test]
fn rfc5246_4_7_digitally_signed_no_trailing_bytes() {
    assert_err(
        DigitallySigned::parse(&hx("0804 0001 aa bb")),
        "DigitallySigned",
        ErrorKind::TrailingBytes,
        DECODE,
    );
    assert_err(
        ske("03 001d 01 09 0403 0001 aa bb"),
        "ServerKeyExchange",
        ErrorKind::TrailingBytes,
        DECODE,
    );
}

#[test]
fn rfc5246_7_4_3_server_key_exchange_needs_known_ecdhe_kx() {
    let body = hx("03 001d 01 09 0403 0000");
    let unexpected = AlertDescription::UnexpectedMessage;
    assert_err(
        ServerKeyExchange::parse(&body, &ParseContext::new()),
        "ServerKeyExchange",
        ErrorKind::UnexpectedForKeyExchange,
        unexpected,
    );
    assert_err(
        ServerKeyExchange::parse(&body, &RSA),
        "ServerKeyExchange",
        ErrorKind::UnexpectedForKeyExchange,
        unexpected,
    );
    assert!(ServerKeyExchange::parse(&body, &ECDHE).is_ok());
}

// ---- CertificateRequest (RFC 5246 7.4.4) ----

#[test]
fn rfc5246_7_4_4_certificate_types_not_empty() {
    assert_err(
        CertificateRequest::parse(&hx("00 0002 0401 0000")),
        "CertificateRequest.certificate_types",
        range(1, 0xff, 0),
        DECODE,
    );
}

#[test]
fn rfc5246_7_4_4_signature_algorithms_not_empty() {
    assert_err(
        CertificateRequest::parse(&hx("01 40 0000 0000")),
        "CertificateRequest.supported_signature_algorithms",
        range(2, 0xfffe, 0),
        DECODE,
    );
}

#[test]
fn rfc5246_7_4_4_signature_algorithms_even_length() {
    assert_err(
        CertificateRequest::parse(&hx("01 40 0003 040100 0000")),
        "CertificateRequest.supported_signature_algorithms",
        ErrorKind::LengthNotMultiple { unit: 2, got: 3 },
        DECODE,
    );
}

#[test]
fn rfc5246_7_4_4_distinguished_name_not_empty() {
    assert_err(
        CertificateRequest::parse(&hx("01 40 0002 0403 0002 0000")),
        "DistinguishedName",
        range(1, 0xffff, 0),
        DECODE,
    );
    assert_err(
        DistinguishedName::parse_list(&hx("0002 0000")),
        "DistinguishedName",
        range(1, 0xffff, 0),
        DECODE,
    );
}

#[test]
fn rfc5246_7_4_4_certificate_authorities_required_field() {
    // The CA list may be empty but its length prefix must be there.
    assert_err(
        CertificateRequest::parse(&hx("01 40 0002 0403")),
        "CertificateRequest.certificate_authorities",
        ErrorKind::LengthMismatch,
        DECODE,
    );
    assert_err(
        CertificateRequest::parse(&hx("01 40 0002 0403 0000 00")),
        "CertificateRequest",
        ErrorKind::TrailingBytes,
        DECODE,
    );
}

// ---- ClientKeyExchange (RFC 5246 7.4.7, RFC 8422 5.7) ----

#[test]
fn rfc8422_5_7_client_ecdh_point_not_empty() {
    assert_err(
        ClientKeyExchange::parse(&hx("00"), &ECDHE),
        "ClientECDiffieHellmanPublic.ecdh_Yc",
        range(1, 0xff, 0),
        DECODE,
    );
}

#[test]
fn rfc5246_7_4_7_1_encrypted_premaster_length_matches() {
    assert_err(
        ClientKeyExchange::parse(&hx("0004 aabbcc"), &RSA),
        "EncryptedPreMasterSecret.pre_master_secret",
        ErrorKind::LengthMismatch,
        DECODE,
    );
    assert_err(
        ClientKeyExchange::parse(&hx("0001 aa bb"), &RSA),
        "ClientKeyExchange",
        ErrorKind::TrailingBytes,
        DECODE,
    );
}

#[test]
fn rfc5246_7_4_7_client_key_exchange_needs_kx() {
    assert_err(
        ClientKeyExchange::parse(&hx("01 04"), &ParseContext::new()),
        "ClientKeyExchange",
        ErrorKind::UnexpectedForKeyExchange,
        AlertDescription::UnexpectedMessage,
    );
}

// ---- NewSessionTicket (RFC 5077 3.3) ----

#[test]
fn rfc5077_3_3_ticket_length_matches() {
    assert_err(
        NewSessionTicket::parse(&hx("00000000 0002 aa")),
        "NewSessionTicket.ticket",
        ErrorKind::LengthMismatch,
        DECODE,
    );
    assert_err(
        NewSessionTicket::parse(&hx("00000000 0001 aa bb")),
        "NewSessionTicket",
        ErrorKind::TrailingBytes,
        DECODE,
    );
}

// ---- Handshake framing (RFC 5246 7.4) ----

#[test]
fn rfc5246_7_4_u24_length_exceeding_input_is_truncated() {
    let e = HandshakeMessage::parse(&hx("0e 000001"), &ParseContext::new()).unwrap_err();
    assert!(e.is_truncated());
    assert_eq!(e.field(), "Handshake.body");
    let e = HandshakeMessage::parse(&hx("14 ffffff 00"), &ParseContext::new()).unwrap_err();
    assert!(e.is_truncated());
}

#[test]
fn rfc5246_7_4_header_shorter_than_4_bytes_is_truncated() {
    let header = hx("14 00000c");
    for n in 0..4 {
        let e = HandshakeMessage::parse(&header[..n], &ParseContext::new()).unwrap_err();
        assert!(e.is_truncated(), "{n}: {e}");
        assert!(
            HandshakeHeader::parse(&header[..n])
                .unwrap_err()
                .is_truncated()
        );
    }
}

#[test]
fn rfc5246_7_4_overrun_inside_complete_body_is_not_truncated() {
    // A complete message whose inner field overruns the body cannot be fixed
    // by waiting for more bytes.
    let e = HandshakeMessage::parse(&hx("10 000002 05 aa"), &ECDHE).unwrap_err();
    assert!(!e.is_truncated());
    assert_eq!(e.kind(), ErrorKind::LengthMismatch);
}

#[test]
fn rfc5246_7_4_trailing_bytes_after_a_message_body() {
    let ctx = ParseContext::new();
    assert_err(
        HandshakeMessage::parse(&hx("0e 000001 00"), &ctx),
        "ServerHelloDone",
        ErrorKind::TrailingBytes,
        DECODE,
    );
    assert_err(
        HandshakeMessage::parse(&hx("00 000001 00"), &ctx),
        "HelloRequest",
        ErrorKind::TrailingBytes,
        DECODE,
    );
    // Bytes after the message in the buffer are not part of it: they are
    // returned as the rest.
    let two = hx("0e 000000 0e");
    let (_, rest) = HandshakeMessage::parse(&two, &ctx).unwrap();
    assert_eq!(rest, [0x0e]);
}

// ---- Record layer, alert, ChangeCipherSpec (RFC 5246 6.2.1, 7.1, 7.2) ----

#[test]
fn rfc5246_6_2_1_record_header_is_5_bytes() {
    let e = RecordHeader::parse(&hx("16 0303 00")).unwrap_err();
    assert!(e.is_truncated());
    let e = parse_records(&hx("17 0303 0005 0102")).unwrap_err();
    assert!(e.is_truncated());
    assert_eq!(e.field(), "TLSPlaintext.fragment");
}

#[test]
fn rfc5246_7_2_alert_is_exactly_two_bytes() {
    assert!(Alert::parse(&hx("01")).unwrap_err().is_truncated());
    assert_err(
        Alert::parse(&hx("0100 00")),
        "Alert",
        ErrorKind::TrailingBytes,
        DECODE,
    );
}

#[test]
fn rfc5246_7_1_change_cipher_spec_is_one_byte_of_value_1() {
    use mtls_wire::ChangeCipherSpec;
    assert_eq!(
        ChangeCipherSpec::parse(&hx("01")).unwrap(),
        ChangeCipherSpec
    );
    // Anything else is unexpected_message (RFC 5246 7.1, RFC 8446 5): a wrong value, or a
    // wrong length.
    for (bad, field) in [
        ("02", "ChangeCipherSpec.type"),
        ("0101", "ChangeCipherSpec"),
        ("", "ChangeCipherSpec"),
    ] {
        assert_err(
            ChangeCipherSpec::parse(&hx(bad)),
            field,
            ErrorKind::UnexpectedContent,
            AlertDescription::UnexpectedMessage,
        );
    }
}
