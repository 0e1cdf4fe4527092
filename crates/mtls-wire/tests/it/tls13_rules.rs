//! TLS 1.3 (RFC 8446): one test per length bound or structural rule, as in
//! `bounds.rs`: the input one step past the bound is refused with the right
//! kind, field and alert, and the input at the bound is accepted.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::common::hx;
use mtls_wire::extensions::{Extension, ExtensionContext, Extensions};
use mtls_wire::handshake::{
    CertificateRequestTls13, CertificateTls13, ClientHello, DOWNGRADE_TLS11, DOWNGRADE_TLS12,
    DowngradeSentinel, EncryptedExtensions, HELLO_RETRY_REQUEST_RANDOM, HandshakeMessage,
    HandshakePayload, KeyUpdateRequest, NewSessionTicketTls13, ParseContext, ServerHello,
};
use mtls_wire::{AlertDescription, ErrorKind, ExtensionType, HandshakeType, NamedGroup, WireError};

const CH: ExtensionContext = ExtensionContext::ClientHello;
const SH: ExtensionContext = ExtensionContext::ServerHello;
const HRR: ExtensionContext = ExtensionContext::HelloRetryRequest;
const EE: ExtensionContext = ExtensionContext::EncryptedExtensions;
const CR: ExtensionContext = ExtensionContext::CertificateRequest;
const CT: ExtensionContext = ExtensionContext::Certificate;
const NST: ExtensionContext = ExtensionContext::NewSessionTicket;
const DECODE: AlertDescription = AlertDescription::DecodeError;
const ILLEGAL: AlertDescription = AlertDescription::IllegalParameter;

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

/// A ServerHello body with `random` and the given extensions block.
fn server_hello(random: [u8; 32], exts: &[(u16, &str)]) -> Vec<u8> {
    let mut b = hx("0303");
    b.extend(random);
    b.extend(hx("00 1301 00"));
    b.extend(block(exts));
    b
}

fn range(min: usize, max: usize, got: usize) -> ErrorKind {
    ErrorKind::LengthOutOfRange { min, max, got }
}

fn not_allowed(typ: u16) -> ErrorKind {
    ErrorKind::ExtensionNotAllowed {
        extension_type: ExtensionType::from(typ),
    }
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

/// Parses and re-encodes an extensions block of `ctx`.
#[track_caller]
fn exts_ok(b: &[u8], ctx: ExtensionContext) -> Extensions {
    let exts = Extensions::parse(b, ctx).unwrap();
    let mut out = Vec::new();
    exts.encode(&mut out);
    assert_eq!(out, b);
    exts
}

// ---- RFC 8446 4.2: which extension may appear where ----

#[test]
fn rfc8446_4_2_extension_not_allowed_in_this_message() {
    // key_share (a ClientHello extension) in EncryptedExtensions.
    assert_err(
        Extensions::parse(&block(&[(51, "0000")]), EE),
        "EncryptedExtensions.extensions",
        not_allowed(51),
        ILLEGAL,
    );
    // ALPN in a CertificateRequest, supported_versions in a Certificate
    // entry, server_name in a NewSessionTicket.
    for (ctx, typ, data, field) in [
        (CR, 16, "0003 026832", "CertificateRequest.extensions"),
        (CT, 43, "0304", "CertificateEntry.extensions"),
        (NST, 0, "", "NewSessionTicket.extensions"),
        (HRR, 0, "", "HelloRetryRequest.extensions"),
        (CH, 48, "0000", "ClientHello.extensions"),
    ] {
        assert_err(
            Extensions::parse(&block(&[(typ, data)]), ctx),
            field,
            not_allowed(typ),
            ILLEGAL,
        );
    }
}

#[test]
fn rfc8446_4_2_tls12_extensions_are_not_allowed_in_tls13_messages() {
    for typ in [11u16, 23, 35, 0xff01] {
        let data = match typ {
            11 => "0100",
            0xff01 => "00",
            _ => "",
        };
        // Fine in a ClientHello, which may also offer TLS 1.2.
        exts_ok(&block(&[(typ, data)]), CH);
        for ctx in [EE, CR, CT, NST, HRR] {
            let e = Extensions::parse(&block(&[(typ, data)]), ctx).unwrap_err();
            assert_eq!(e.kind(), not_allowed(typ), "{typ} in {ctx:?}");
        }
    }
}

#[test]
fn rfc8446_4_2_unrecognized_extensions_are_allowed_anywhere() {
    // A GREASE value (RFC 8701) and a later code point (record_size_limit).
    for ctx in [CH, SH, HRR, EE, CR, CT, NST] {
        let b = block(&[(0x0a0a, ""), (28, "4001"), (13, "0002 0403")]);
        if ctx == CR || ctx == CH {
            let exts = exts_ok(&b, ctx);
            assert!(matches!(exts.list[0], Extension::Unknown(0x0a0a, _)));
        }
        exts_ok(&block(&[(0x0a0a, ""), (28, "4001")]), ctx);
    }
}

#[test]
fn rfc8446_4_2_tls13_server_hello_carries_only_key_share_psk_and_supported_versions() {
    let ok = server_hello(
        [7; 32],
        &[(43, "0304"), (51, "001d 0002 abcd"), (41, "0000")],
    );
    let sh = ServerHello::parse(&ok).unwrap();
    assert_eq!(sh.extensions.selected_identity(), Some(0));
    // extended_master_secret, ALPN, server_name: fine in TLS 1.2, not once
    // supported_versions says TLS 1.3.
    for (typ, data) in [(23u16, ""), (16, "0003 026832"), (0, "")] {
        let b = server_hello([7; 32], &[(43, "0304"), (typ, data)]);
        assert_err(
            ServerHello::parse(&b),
            "ServerHello.extensions",
            not_allowed(typ),
            ILLEGAL,
        );
        let tls12 = server_hello([7; 32], &[(typ, data)]);
        ServerHello::parse(&tls12).unwrap();
    }
}

#[test]
fn rfc8446_4_2_no_server_hello_carries_client_only_extensions() {
    // cookie, early_data, psk_key_exchange_modes, certificate_authorities,
    // oid_filters, post_handshake_auth, signature_algorithms_cert: RFC 8446
    // defines them and allows none in a ServerHello, whatever its version.
    for typ in [44u16, 42, 45, 47, 48, 49, 50] {
        let b = server_hello([7; 32], &[(typ, "")]);
        assert_err(
            ServerHello::parse(&b),
            "ServerHello.extensions",
            not_allowed(typ),
            ILLEGAL,
        );
    }
}

#[test]
fn rfc8446_4_2_duplicate_extension_in_a_tls13_message() {
    assert_err(
        Extensions::parse(&block(&[(0x1234, ""), (0x1234, "")]), EE),
        "EncryptedExtensions.extensions",
        ErrorKind::DuplicateExtension,
        ILLEGAL,
    );
    assert_err(
        Extensions::parse(&block(&[(13, "0002 0403"), (13, "0002 0804")]), CR),
        "CertificateRequest.extensions",
        ErrorKind::DuplicateExtension,
        ILLEGAL,
    );
}

// ---- ClientHello extensions ----

const PSK: &str = "0007 0001 aa 00000000  0021 20 4242424242424242424242424242424242424242424242424242424242424242";

#[test]
fn rfc8446_4_2_11_pre_shared_key_must_be_last() {
    let last = block(&[(45, "0101"), (41, PSK)]);
    let exts = exts_ok(&last, CH);
    assert_eq!(exts.pre_shared_key().unwrap().identities.len(), 1);
    for b in [
        block(&[(41, PSK), (45, "0101")]),
        // Also when what follows is an extension this crate does not know.
        block(&[(41, PSK), (0x0a0a, "")]),
    ] {
        assert_err(
            Extensions::parse(&b, CH),
            "ClientHello.extensions",
            ErrorKind::PreSharedKeyNotLast,
            ILLEGAL,
        );
    }
    // Inside a whole ClientHello too.
    let mut ch = hx("0303");
    ch.extend([0x33; 32]);
    ch.extend(hx("00 0002 1301 0100"));
    ch.extend(block(&[(41, PSK), (43, "02 0304")]));
    assert_err(
        ClientHello::parse(&ch),
        "ClientHello.extensions",
        ErrorKind::PreSharedKeyNotLast,
        ILLEGAL,
    );
}

#[test]
fn rfc8446_4_2_11_offered_psks_bounds() {
    // identities<7..2^16-1>: one identity is at least 2 + 1 + 4 bytes.
    assert_err(
        Extensions::parse(&block(&[(41, "0006 0000 00000000 0021")]), CH),
        "OfferedPsks.identities",
        range(7, 0xffff, 6),
        DECODE,
    );
    // identity<1..2^16-1>.
    let empty_identity = "0007 0000 00000000 00 0021 20 4242424242424242424242424242424242424242424242424242424242424242";
    assert_err(
        Extensions::parse(&block(&[(41, empty_identity)]), CH),
        "PskIdentity.identity",
        range(1, 0xffff, 0),
        DECODE,
    );
    // binders<33..2^16-1> and PskBinderEntry<32..255>.
    assert_err(
        Extensions::parse(&block(&[(41, "0007 0001 aa 00000000 0020 1f")]), CH),
        "OfferedPsks.binders",
        range(33, 0xffff, 32),
        DECODE,
    );
    let short_binder = format!("0007 0001 aa 00000000 0021 1f {} 00", "42".repeat(31));
    assert_err(
        Extensions::parse(&block(&[(41, &short_binder)]), CH),
        "PskBinderEntry",
        range(32, 255, 31),
        DECODE,
    );
}

#[test]
fn rfc8446_4_2_11_2_binders_len_is_the_tail_of_the_client_hello() {
    let exts = exts_ok(&block(&[(41, PSK)]), CH);
    let psks = exts.pre_shared_key().unwrap();
    let mut binders = Vec::new();
    psks.encode_binders(&mut binders);
    assert_eq!(binders.len(), psks.binders_len());
    assert!(block(&[(41, PSK)]).ends_with(&binders));
}

#[test]
fn rfc8446_4_2_11_server_selected_identity_is_a_uint16() {
    let exts = exts_ok(&block(&[(41, "0003")]), SH);
    assert_eq!(exts.selected_identity(), Some(3));
    assert_err(
        Extensions::parse(&block(&[(41, "00")]), SH),
        "PreSharedKeyExtension.selected_identity",
        ErrorKind::LengthMismatch,
        DECODE,
    );
}

#[test]
fn rfc8446_4_2_8_key_share_forms() {
    // ClientHello: client_shares<0..2^16-1>, empty allowed (asks for an HRR).
    let exts = exts_ok(&block(&[(51, "0000")]), CH);
    assert_eq!(exts.key_shares(), Some(&[][..]));
    // key_exchange<1..2^16-1>.
    assert_err(
        Extensions::parse(&block(&[(51, "0004 001d 0000")]), CH),
        "KeyShareEntry.key_exchange",
        range(1, 0xffff, 0),
        DECODE,
    );
    // ServerHello: exactly one KeyShareEntry.
    let exts = exts_ok(&block(&[(51, "0017 0001 04")]), SH);
    assert_eq!(
        exts.server_key_share().unwrap().group,
        NamedGroup::Secp256r1
    );
    assert_err(
        Extensions::parse(&block(&[(51, "0017 0001 04 00")]), SH),
        "key_share",
        ErrorKind::TrailingBytes,
        DECODE,
    );
    // HelloRetryRequest: selected_group only.
    let exts = exts_ok(&block(&[(51, "0018")]), HRR);
    assert_eq!(exts.selected_group(), Some(NamedGroup::Secp384r1));
    assert_err(
        Extensions::parse(&block(&[(51, "0018 0001 04")]), HRR),
        "key_share",
        ErrorKind::TrailingBytes,
        DECODE,
    );
}

#[test]
fn rfc8446_4_2_9_psk_key_exchange_modes_not_empty() {
    assert_err(
        Extensions::parse(&block(&[(45, "00")]), CH),
        "PskKeyExchangeModes.ke_modes",
        range(1, 255, 0),
        DECODE,
    );
    let exts = exts_ok(&block(&[(45, "02 0001")]), CH);
    assert_eq!(exts.psk_key_exchange_modes().unwrap().len(), 2);
}

#[test]
fn rfc8446_4_2_10_early_data_forms() {
    for ctx in [CH, EE] {
        assert!(exts_ok(&block(&[(42, "")]), ctx).has_early_data());
        assert_err(
            Extensions::parse(&block(&[(42, "00")]), ctx),
            "early_data",
            range(0, 0, 1),
            DECODE,
        );
    }
    let exts = exts_ok(&block(&[(42, "00004000")]), NST);
    assert_eq!(exts.max_early_data_size(), Some(0x4000));
    assert!(!exts.has_early_data());
    assert_err(
        Extensions::parse(&block(&[(42, "")]), NST),
        "EarlyDataIndication.max_early_data_size",
        ErrorKind::LengthMismatch,
        DECODE,
    );
}

#[test]
fn rfc8446_4_2_2_cookie_not_empty() {
    assert_err(
        Extensions::parse(&block(&[(44, "0000")]), HRR),
        "Cookie.cookie",
        range(1, 0xffff, 0),
        DECODE,
    );
    assert_eq!(
        exts_ok(&block(&[(44, "0001 c0")]), CH).cookie(),
        Some(&[0xc0][..])
    );
}

#[test]
fn rfc8446_4_2_3_signature_algorithms_cert_bounds() {
    assert_err(
        Extensions::parse(&block(&[(50, "0000")]), CR),
        "signature_algorithms_cert.supported_signature_algorithms",
        range(2, 0xfffe, 0),
        DECODE,
    );
    assert_err(
        Extensions::parse(&block(&[(50, "0003 040308")]), CH),
        "signature_algorithms_cert.supported_signature_algorithms",
        ErrorKind::LengthNotMultiple { unit: 2, got: 3 },
        DECODE,
    );
}

#[test]
fn rfc8446_4_2_4_certificate_authorities_at_least_3_bytes() {
    assert_err(
        Extensions::parse(&block(&[(47, "0002 0000")]), CR),
        "CertificateAuthoritiesExtension.authorities",
        range(3, 0xffff, 2),
        DECODE,
    );
    let exts = exts_ok(&block(&[(47, "0003 0001 30")]), CR);
    assert_eq!(
        exts.certificate_authorities().unwrap()[0].as_bytes(),
        [0x30]
    );
}

#[test]
fn rfc8446_4_2_6_post_handshake_auth_is_empty() {
    assert!(exts_ok(&block(&[(49, "")]), CH).has_post_handshake_auth());
    assert_err(
        Extensions::parse(&block(&[(49, "00")]), CH),
        "post_handshake_auth",
        range(0, 0, 1),
        DECODE,
    );
}

#[test]
fn rfc8446_4_2_1_hello_retry_request_selects_a_version() {
    let exts = exts_ok(&block(&[(43, "0304")]), HRR);
    assert_eq!(
        exts.selected_version(),
        Some(mtls_wire::ProtocolVersion::TLSv1_3)
    );
}

// ---- RFC 8446 4.1.3: the special randoms ----

#[test]
fn rfc8446_4_1_3_hello_retry_request_is_told_by_its_random() {
    let hrr = server_hello(
        HELLO_RETRY_REQUEST_RANDOM,
        &[(43, "0304"), (51, "0017"), (44, "0002 abcd")],
    );
    let parsed = ServerHello::parse(&hrr).unwrap();
    assert!(parsed.is_hello_retry_request());
    assert_eq!(
        parsed.extensions.selected_group(),
        Some(NamedGroup::Secp256r1)
    );
    assert_eq!(parsed.extensions.cookie(), Some(&[0xab, 0xcd][..]));
    // The same bytes with another random are a ServerHello, whose key_share
    // is a whole KeyShareEntry and which has no cookie.
    let sh = server_hello([7; 32], &[(43, "0304"), (51, "0017")]);
    assert_err(
        ServerHello::parse(&sh),
        "KeyShareEntry.key_exchange",
        ErrorKind::LengthMismatch,
        DECODE,
    );
    // An HRR is held to its column: no server_name, no pre_shared_key.
    for typ in [0u16, 41] {
        let b = server_hello(HELLO_RETRY_REQUEST_RANDOM, &[(typ, "")]);
        assert_err(
            ServerHello::parse(&b),
            "HelloRetryRequest.extensions",
            not_allowed(typ),
            ILLEGAL,
        );
    }
    // SHA-256("HelloRetryRequest").
    assert_eq!(
        hex::encode(HELLO_RETRY_REQUEST_RANDOM),
        "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c"
    );
}

#[test]
fn rfc8446_4_1_3_downgrade_sentinels() {
    assert_eq!(&DOWNGRADE_TLS12, b"DOWNGRD\x01");
    assert_eq!(&DOWNGRADE_TLS11, b"DOWNGRD\x00");
    let mut random = [0x55; 32];
    assert_eq!(DowngradeSentinel::find(&random), None);
    DowngradeSentinel::Tls12.stamp(&mut random);
    assert_eq!(&random[24..], b"DOWNGRD\x01");
    assert_eq!(&random[..24], [0x55; 24]);
    assert_eq!(
        DowngradeSentinel::find(&random),
        Some(DowngradeSentinel::Tls12)
    );
    DowngradeSentinel::Tls11OrBelow.stamp(&mut random);
    let sh = ServerHello::parse(&server_hello(random, &[])).unwrap();
    assert_eq!(
        sh.downgrade_sentinel(),
        Some(DowngradeSentinel::Tls11OrBelow)
    );
    // Only the last 8 bytes count.
    let mut early = [0x55; 32];
    early[..8].copy_from_slice(&DOWNGRADE_TLS12);
    assert_eq!(DowngradeSentinel::find(&early), None);
}

// ---- Messages (RFC 8446 4.3-4.6) ----

#[test]
fn rfc8446_4_3_1_encrypted_extensions_block_is_required() {
    assert_err(
        EncryptedExtensions::parse(&[]),
        "EncryptedExtensions.extensions",
        ErrorKind::LengthMismatch,
        DECODE,
    );
    let ee = EncryptedExtensions::parse(&hx("0000")).unwrap();
    assert!(ee.extensions.is_empty() && !ee.extensions.omitted);
    assert_err(
        EncryptedExtensions::parse(&hx("0000 00")),
        "EncryptedExtensions",
        ErrorKind::TrailingBytes,
        DECODE,
    );
}

#[test]
fn rfc8446_4_3_2_certificate_request_bounds() {
    // extensions<2..2^16-1>.
    assert_err(
        CertificateRequestTls13::parse(&hx("00 0000")),
        "CertificateRequest.extensions",
        range(2, 0xffff, 0),
        DECODE,
    );
    // certificate_request_context<0..2^8-1> must fit in the body.
    assert_err(
        CertificateRequestTls13::parse(&hx("05 0102")),
        "CertificateRequest.certificate_request_context",
        ErrorKind::LengthMismatch,
        DECODE,
    );
    let cr = CertificateRequestTls13::parse(&hx("02 abcd 0008 000d 0004 0002 0403")).unwrap();
    assert_eq!(cr.certificate_request_context, [0xab, 0xcd]);
    assert_eq!(cr.extensions.signature_algorithms().unwrap().len(), 1);
}

#[test]
fn rfc8446_4_4_2_certificate_entry_bounds() {
    // cert_data<1..2^24-1>.
    assert_err(
        CertificateTls13::parse(&hx("00 000005 000000 0000")),
        "CertificateEntry.cert_data",
        range(1, 0x00ff_ffff, 0),
        DECODE,
    );
    // Each entry's extensions block is required.
    assert_err(
        CertificateTls13::parse(&hx("00 000004 000001 30")),
        "CertificateEntry.extensions",
        ErrorKind::LengthMismatch,
        DECODE,
    );
    // status_request (5) and signed_certificate_timestamp (18) are allowed
    // in an entry, key_share is not.
    let ok = CertificateTls13::parse(&hx("00 00000e 000001 30 0008 0005 0000 0012 0000")).unwrap();
    assert_eq!(ok.certificate_list[0].extensions.len(), 2);
    assert_err(
        CertificateTls13::parse(&hx("00 00000a 000001 30 0004 0033 0000")),
        "CertificateEntry.extensions",
        not_allowed(51),
        ILLEGAL,
    );
}

#[test]
fn rfc8446_4_4_2_4_empty_certificate_list_parses() {
    let c = CertificateTls13::parse(&hx("00 000000")).unwrap();
    assert!(c.certificate_list.is_empty());
    let c = CertificateTls13::parse(&hx("03 010203 000000")).unwrap();
    assert_eq!(c.certificate_request_context, [1, 2, 3]);
}

#[test]
fn rfc8446_4_6_1_new_session_ticket_bounds() {
    // ticket<1..2^16-1>.
    assert_err(
        NewSessionTicketTls13::parse(&hx("00001c20 01020304 00 0000 0000")),
        "NewSessionTicket.ticket",
        range(1, 0xffff, 0),
        DECODE,
    );
    // extensions<0..2^16-2>.
    let mut body = hx("00001c20 01020304 00 0001 aa ffff");
    body.extend(vec![0; 0xffff]);
    assert_err(
        NewSessionTicketTls13::parse(&body),
        "NewSessionTicket.extensions",
        range(0, 0xfffe, 0xffff),
        DECODE,
    );
    let nst = NewSessionTicketTls13::parse(&hx(
        "00001c20 01020304 01 07 0001 aa 0008 002a 0004 00004000",
    ))
    .unwrap();
    assert_eq!(nst.ticket_lifetime, 7200);
    assert_eq!(nst.ticket_nonce, [7]);
    assert_eq!(nst.extensions.max_early_data_size(), Some(0x4000));
}

#[test]
fn rfc8446_4_6_3_key_update_request_is_0_or_1() {
    assert_eq!(
        KeyUpdateRequest::parse(&[0]).unwrap(),
        KeyUpdateRequest::UpdateNotRequested
    );
    assert_eq!(
        KeyUpdateRequest::parse(&[1]).unwrap(),
        KeyUpdateRequest::UpdateRequested
    );
    for v in 2..=255u8 {
        assert_err(
            KeyUpdateRequest::parse(&[v]),
            "KeyUpdate.request_update",
            ErrorKind::IllegalValue,
            ILLEGAL,
        );
    }
    // A body that is not exactly one byte is a decode_error.
    assert_err(
        KeyUpdateRequest::parse(&[]),
        "KeyUpdate.request_update",
        ErrorKind::LengthMismatch,
        DECODE,
    );
    assert_err(
        KeyUpdateRequest::parse(&[0, 0]),
        "KeyUpdate",
        ErrorKind::TrailingBytes,
        DECODE,
    );
}

#[test]
fn rfc8446_4_5_end_of_early_data_is_empty() {
    let (msg, _) = HandshakeMessage::parse_tls13(&hx("05 000000")).unwrap();
    assert_eq!(msg.payload(), &HandshakePayload::EndOfEarlyData);
    assert_err(
        HandshakeMessage::parse_tls13(&hx("05 000001 00")),
        "EndOfEarlyData",
        ErrorKind::TrailingBytes,
        DECODE,
    );
}

#[test]
fn rfc8446_4_4_1_message_hash_stands_for_the_first_client_hello() {
    let hash = [0xab; 32];
    let msg = HandshakeMessage::message_hash(&hash);
    let mut expected = hx("fe 000020");
    expected.extend(hash);
    assert_eq!(msg.raw(), expected);
    assert_eq!(msg.typ(), HandshakeType::MessageHash);
    let (parsed, _) = HandshakeMessage::parse_tls13(&expected).unwrap();
    assert_eq!(parsed, msg);
}

#[test]
fn rfc8446_4_each_version_parses_its_own_bodies() {
    // A TLS 1.2 Certificate body is not a TLS 1.3 one and the other way round.
    let tls12 = hx("0b 000007 000004 000001 30");
    let tls13 = hx("0b 00000a 00 000006 000001 30 0000");
    let (m, _) = HandshakeMessage::parse(&tls12, &ParseContext::new()).unwrap();
    assert!(matches!(m.payload(), HandshakePayload::Certificate(_)));
    let (m, _) = HandshakeMessage::parse_tls13(&tls13).unwrap();
    let HandshakePayload::CertificateTls13(c) = m.payload() else {
        panic!("{m:?}")
    };
    assert_eq!(c.chain().count(), 1);
    assert!(HandshakeMessage::parse_tls13(&tls12).is_err());
    // Messages only TLS 1.3 has are Unknown to the TLS 1.2 parser, and the
    // other way round.
    let ee = hx("08 000002 0000");
    let (m, _) = HandshakeMessage::parse(&ee, &ParseContext::new()).unwrap();
    assert_eq!(m.payload(), &HandshakePayload::Unknown(8, vec![0, 0]));
    let (m, _) = HandshakeMessage::parse_tls13(&ee).unwrap();
    assert!(matches!(
        m.payload(),
        HandshakePayload::EncryptedExtensions(_)
    ));
    let shd = hx("0e 000000");
    let (m, _) = HandshakeMessage::parse_tls13(&shd).unwrap();
    assert_eq!(m.payload(), &HandshakePayload::Unknown(14, vec![]));
    // A KeyUpdate with a value other than 0 or 1 inside a whole message.
    let e = HandshakeMessage::parse_tls13(&hx("18 000001 02")).unwrap_err();
    assert_eq!(e.alert(), ILLEGAL);
}
