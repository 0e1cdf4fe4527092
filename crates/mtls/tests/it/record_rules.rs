//! A peer that breaks the record-level rules, each refusal reaching it as its RFC alert: a
//! ChangeCipherSpec that is not one byte of value 1, ClientHello sizes, and warning alerts
//! (RFC 5246 7.2.2; the denial of service of CVE-2016-8610).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Read;
use std::sync::Arc;

use crate::drain_wire;
use crate::tls12_configs::*;
use mtls::{AlertDescription, ClientAuthPolicy, ClientConnection, Error, ServerConnection};
use mtls_testkit::{TrustAll, hello};

// ---- A peer that breaks the record-level rules: each refusal reaches it as its RFC alert ----

/// The records of `wire` as (content type, fragment).
fn split_records(wire: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    let mut rest = wire;
    while rest.len() >= 5 {
        let len = usize::from(u16::from_be_bytes([rest[3], rest[4]]));
        out.push((rest[0], rest[5..5 + len].to_vec()));
        rest = &rest[5 + len..];
    }
    assert!(rest.is_empty(), "partial record");
    out
}

fn plaintext_record(typ: u8, fragment: &[u8]) -> Vec<u8> {
    let mut r = vec![typ, 3, 3];
    r.extend_from_slice(&(fragment.len() as u16).to_be_bytes());
    r.extend_from_slice(fragment);
    r
}

/// A server, and a client whose second flight (Certificate .. ChangeCipherSpec, Finished)
/// is ready but not delivered: the point where the server expects the client's CCS.
fn server_awaiting_client_flight() -> (ServerConnection, Vec<(u8, Vec<u8>)>) {
    let mut server = ServerConnection::new(&server_config(ClientAuthPolicy::Required)).unwrap();
    let mut client = ClientConnection::new(&client_config(true), "localhost").unwrap();
    let hello = drain_wire(&mut client);
    server.read_tls(&mut &hello[..]).unwrap();
    server.process_new_packets().unwrap();
    let flight = drain_wire(&mut server);
    client.read_tls(&mut &flight[..]).unwrap();
    client.process_new_packets().unwrap();
    let second = split_records(&drain_wire(&mut client));
    assert!(second.iter().any(|(t, f)| *t == 20 && f == &[1]), "no CCS");
    (server, second)
}

/// RFC 5246 7.1 (RFC 8446 5 says the same): a ChangeCipherSpec that is not exactly one
/// byte of value 1 ends the handshake with unexpected_message, and that alert is what the
/// peer receives.
#[test]
fn rfc5246_7_1_ccs_not_one_byte_of_value_1_is_unexpected_message() {
    for bad in [&[1u8, 1][..], &[2], &[0], &[1, 0]] {
        let (mut server, second) = server_awaiting_client_flight();
        // The client's flight up to its CCS, with the CCS replaced (what follows it would be
        // encrypted under keys the server never gets to).
        let mut wire = Vec::new();
        for (typ, fragment) in &second {
            if *typ == 20 {
                wire.extend(plaintext_record(20, bad));
                break;
            }
            wire.extend(plaintext_record(*typ, fragment));
        }
        server.read_tls(&mut &wire[..]).unwrap();
        let err = server.process_new_packets().unwrap_err();
        assert_eq!(
            err.alert(),
            Some(AlertDescription::UnexpectedMessage),
            "{bad:?}: {err}"
        );
        // The fatal alert the peer reads: unexpected_message (10), in plaintext (the server
        // has not switched its write keys yet).
        assert_eq!(
            drain_wire(&mut server),
            [21, 3, 3, 0, 2, 2, 10],
            "{bad:?}: {err}"
        );
    }
}

/// An mtls client's ClientHello grown to the largest its fields allow.
fn largest_client_hello() -> Vec<u8> {
    let mut client = ClientConnection::new(&client_config(true), "localhost").unwrap();
    let wire = drain_wire(&mut client);
    hello::largest_client_hello(&wire[5..])
}

/// RFC 5246 7.4.1.2: a ClientHello may be as large as its fields allow, 131 396 bytes of
/// body, beyond the 64 KiB every other handshake message is held to. The server takes it
/// and answers with its flight.
#[test]
fn rfc5246_7_4_1_2_server_takes_a_client_hello_of_the_largest_size_its_fields_allow() {
    let hello = largest_client_hello();
    assert_eq!(hello.len(), 4 + 131_396);
    let mut server = ServerConnection::new(&server_config(ClientAuthPolicy::Required)).unwrap();
    let mut wire = Vec::new();
    for piece in hello.chunks(16384) {
        wire.extend(plaintext_record(22, piece));
    }
    let mut rest = &wire[..];
    while !rest.is_empty() {
        server.read_tls(&mut rest).unwrap();
        server.process_new_packets().unwrap();
    }
    let flight = split_records(&drain_wire(&mut server));
    // ServerHello (2) first: the hello was taken, and a suite the client offered chosen.
    assert_eq!(flight[0].0, 22);
    assert_eq!(flight[0].1[0], 2, "{:?}", &flight[0].1[..8]);
    assert!(server.is_handshaking());
}

/// RFC 5246 7.4.1.2: a ClientHello announcing more than its fields allow (131 397 bytes) is
/// decode_error as soon as its 4-byte header is here, before the body.
#[test]
fn rfc5246_7_4_1_2_client_hello_announcing_more_than_its_fields_allow_is_decode_error() {
    let mut server = ServerConnection::new(&server_config(ClientAuthPolicy::Required)).unwrap();
    let wire = plaintext_record(22, &[1, 0x02, 0x01, 0x45]);
    server.read_tls(&mut &wire[..]).unwrap();
    let err = server.process_new_packets().unwrap_err();
    assert_eq!(err.alert(), Some(AlertDescription::DecodeError), "{err}");
    assert_eq!(drain_wire(&mut server), [21, 3, 3, 0, 2, 2, 50], "{err}");
}

/// The ClientHello allowance (up to 131 396 bytes of body) is the server's alone: a client
/// never receives a ClientHello, so a server announcing one is held to the 64 KiB cap of every
/// other message and refused from its 4-byte header (`illegal_parameter`), before the client
/// buffers any of its body.
#[test]
fn a_client_refuses_a_client_hello_sized_message_from_its_header() {
    let mut client = ClientConnection::new(&client_config(true), "localhost").unwrap();
    drain_wire(&mut client);
    // A ClientHello-typed message announcing 100 000 bytes, then its first 16 000.
    let mut body = vec![1, 0x01, 0x86, 0xa0];
    body.resize(16_004, 0);
    let wire = plaintext_record(22, &body);
    let mut rest = &wire[..];
    while !rest.is_empty() {
        client.read_tls(&mut rest).unwrap();
    }
    let err = client.process_new_packets().unwrap_err();
    assert_eq!(
        err.alert(),
        Some(AlertDescription::IllegalParameter),
        "{err}"
    );
    assert_eq!(drain_wire(&mut client), [21, 3, 3, 0, 2, 2, 47], "{err}");
}

// ---- Warning alerts (RFC 5246 7.2.2; the denial of service of CVE-2016-8610) ----

/// A warning alert record, in plaintext.
fn warning(description: u8) -> Vec<u8> {
    plaintext_record(21, &[1, description])
}

/// A TLS client driven by hand: mtls-handshake's state machine over mtls-record, without the
/// facade, so that a test can send any record, protected once the keys are in place.
struct HandClient {
    hs: mtls_handshake::ClientHandshake,
    reader: mtls_record::RecordReader,
    writer: mtls_record::RecordWriter,
    out: Vec<u8>,
    complete: bool,
}

impl HandClient {
    /// Starts a handshake with no client certificate; the ClientHello is in `out`.
    fn start() -> Self {
        let config = mtls_handshake::ClientConfig::new(Arc::new(TrustAll));
        let (hs, actions) =
            mtls_handshake::ClientHandshake::new(Arc::new(config), Some("localhost")).unwrap();
        let mut c = Self {
            hs,
            reader: mtls_record::RecordReader::new(),
            writer: mtls_record::RecordWriter::new(),
            out: Vec::new(),
            complete: false,
        };
        c.apply(actions);
        c
    }

    fn apply(&mut self, actions: Vec<mtls_handshake::Action>) {
        use mtls_handshake::Action;
        use mtls_record::{RecordDecrypter, RecordEncrypter};
        for action in actions {
            match action {
                Action::SendHandshake(m) => self.send(mtls_wire::ContentType::Handshake, &m),
                Action::SendChangeCipherSpec => {
                    self.send(mtls_wire::ContentType::ChangeCipherSpec, &[1])
                }
                Action::InstallWriteKeys(k) => self.writer.install_encrypter(
                    RecordEncrypter::new(k.algorithm, k.keys.key(), k.keys.iv()).unwrap(),
                ),
                Action::InstallReadKeys(k) => self.reader.install_decrypter(
                    RecordDecrypter::new(k.algorithm, k.keys.key(), k.keys.iv()).unwrap(),
                ),
                Action::SendAlert(a) => panic!("unexpected alert {a:?}"),
                Action::Complete => self.complete = true,
                Action::PeerAuthenticated => panic!("no post-handshake authentication here"),
            }
        }
    }

    /// One record of `typ`, protected if the write keys are installed.
    fn send(&mut self, typ: mtls_wire::ContentType, payload: &[u8]) {
        self.writer.write(typ, payload, &mut self.out).unwrap();
    }

    /// A warning alert, protected if the write keys are installed.
    fn warn(&mut self, description: u8) {
        self.send(mtls_wire::ContentType::Alert, &[1, description]);
    }

    /// Everything the server sent, through the handshake.
    fn receive(&mut self, wire: &[u8]) {
        use mtls_handshake::Input;
        use mtls_record::Inbound;
        let mut rest = wire;
        while !rest.is_empty() {
            let n = self.reader.push(rest);
            rest = &rest[n..];
            loop {
                let Self { hs, reader, .. } = self;
                let actions = match reader.next_event().unwrap() {
                    None => break,
                    Some(Inbound::Handshake(m)) => hs.handle(Input::Handshake(m)).unwrap(),
                    Some(Inbound::ChangeCipherSpec) => hs.handle(Input::ChangeCipherSpec).unwrap(),
                    Some(other) => panic!("unexpected from the server: {other:?}"),
                };
                self.apply(actions);
            }
        }
    }

    fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }
}

fn deliver(server: &mut ServerConnection, wire: &[u8]) -> Result<mtls::IoState, Error> {
    server.read_tls(&mut &wire[..]).unwrap();
    server.process_new_packets()
}

fn server_for_hand_client() -> ServerConnection {
    ServerConnection::new(&server_config(ClientAuthPolicy::Optional)).unwrap()
}

/// RFC 5246 7.2.2 leaves warning alerts to the receiver; a peer sending them endlessly makes
/// the receiver spin on them (CVE-2016-8610, "SSL Death Alert"). Five in a row, with no
/// handshake message or application data between them, end the connection with
/// unexpected_message: the fifth one does (as OpenSSL's MAX_WARN_ALERT_COUNT).
#[test]
fn rfc5246_7_2_2_five_warning_alerts_in_a_row_end_the_connection_with_unexpected_message() {
    // In separate reads or in one.
    for together in [false, true] {
        let mut server = server_for_hand_client();
        let err = if together {
            deliver(&mut server, &warning(90).repeat(5)).unwrap_err()
        } else {
            for _ in 0..4 {
                deliver(&mut server, &warning(90)).unwrap();
            }
            deliver(&mut server, &warning(90)).unwrap_err()
        };
        assert_eq!(
            err.alert(),
            Some(AlertDescription::UnexpectedMessage),
            "{err}"
        );
        assert!(err.to_string().contains("warning alerts"), "{err}");
        assert_eq!(drain_wire(&mut server), [21, 3, 3, 0, 2, 2, 10], "{err}");
    }
    // The client side counts the same way.
    let mut client = ClientConnection::new(&client_config(true), "localhost").unwrap();
    drain_wire(&mut client);
    client.read_tls(&mut &warning(100).repeat(5)[..]).unwrap();
    let err = client.process_new_packets().unwrap_err();
    assert_eq!(
        err.alert(),
        Some(AlertDescription::UnexpectedMessage),
        "{err}"
    );
}

/// Only warnings in a row count: a handshake message or an application data record between
/// them starts the count again, during the handshake and after it (protected records).
#[test]
fn rfc5246_7_2_2_warning_alerts_count_only_in_a_row() {
    let mut server = server_for_hand_client();
    let mut client = HandClient::start();
    let hello = client.take();
    // Four warnings, the ClientHello, four more, the client's flight, four more.
    let mut wire = warning(90).repeat(4);
    wire.extend(hello);
    wire.extend(warning(90).repeat(4));
    deliver(&mut server, &wire).unwrap();
    client.receive(&drain_wire(&mut server));
    // The flight ends protected (ChangeCipherSpec, Finished): so do the warnings after it.
    let mut wire = client.take();
    for _ in 0..4 {
        client.warn(90);
    }
    wire.extend(client.take());
    deliver(&mut server, &wire).unwrap();
    client.receive(&drain_wire(&mut server));
    assert!(client.complete && !server.is_handshaking());

    // Four warnings stand since the Finished. Then, protected: data, four warnings, data,
    // four warnings: still up.
    for _ in 0..2 {
        client.send(mtls_wire::ContentType::ApplicationData, b"ping");
        for _ in 0..4 {
            client.warn(90);
        }
        let state = deliver(&mut server, &client.take()).unwrap();
        let mut got = Vec::new();
        server.reader().read_to_end(&mut got).unwrap_err();
        assert_eq!(got, b"ping", "{state:?}");
    }
    // The fifth in a row ends it.
    client.warn(90);
    let err = deliver(&mut server, &client.take()).unwrap_err();
    assert_eq!(
        err.alert(),
        Some(AlertDescription::UnexpectedMessage),
        "{err}"
    );
}

/// RFC 5246 7.2.2 calls these alerts "always fatal" (and RFC 7507 inappropriate_fallback):
/// received at the warning level they end the connection as a fatal alert would. Other
/// warnings are noted and ignored, and close_notify keeps its meaning.
#[test]
fn rfc5246_7_2_2_a_warning_alert_whose_description_is_always_fatal_is_fatal() {
    use mtls::AlertDescription as A;
    let always_fatal = [
        A::UnexpectedMessage,
        A::BadRecordMac,
        A::DecryptionFailed,
        A::RecordOverflow,
        A::DecompressionFailure,
        A::HandshakeFailure,
        A::IllegalParameter,
        A::UnknownCa,
        A::AccessDenied,
        A::DecodeError,
        A::DecryptError,
        A::ExportRestriction,
        A::ProtocolVersion,
        A::InsufficientSecurity,
        A::InternalError,
        A::InappropriateFallback,
        A::UnsupportedExtension,
    ];
    for description in always_fatal {
        let mut server = server_for_hand_client();
        let err = deliver(&mut server, &warning(description.to_u8())).unwrap_err();
        assert_eq!(err, Error::AlertReceived(description), "{description:?}");
        // A received fatal alert is not answered.
        assert!(!server.wants_write(), "{description:?}");
    }
    for description in [
        A::BadCertificate,
        A::UnsupportedCertificate,
        A::CertificateRevoked,
        A::CertificateExpired,
        A::CertificateUnknown,
        A::UserCanceled,
        A::NoRenegotiation,
        A::UnrecognizedName,
    ] {
        let mut server = server_for_hand_client();
        deliver(&mut server, &warning(description.to_u8()))
            .unwrap_or_else(|e| panic!("{description:?}: {e}"));
    }
    // close_notify keeps its meaning: before the handshake completes, it ends it
    // (close_notify.rs).
    let mut server = server_for_hand_client();
    assert_eq!(
        deliver(&mut server, &warning(0)).unwrap_err(),
        Error::AlertReceived(A::CloseNotify)
    );
}
