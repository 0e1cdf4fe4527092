//! RFC 5246 7.1: in TLS 1.2 the Finished "is always sent immediately after a change cipher
//! spec message": between the peer's ChangeCipherSpec and its Finished no application_data
//! record may come, not even an empty one (which is otherwise skipped, RFC 5246 6.2.1).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use mtls_crypto::aead::AeadAlgorithm;
use mtls_record::{Inbound, RecordDecrypter, RecordEncrypter, RecordError, RecordReader};
use mtls_wire::{AlertDescription, ContentType, ProtocolVersion};

const KEY: [u8; 16] = [0x3c; 16];
const IV: [u8; 4] = [0xa5; 4];

/// A reader that took the peer's plaintext ChangeCipherSpec and then its keys, as a TLS 1.2
/// connection does, and an encrypter with the same keys (which, unlike the writer, seals an
/// empty record when asked).
fn after_ccs() -> (RecordEncrypter, RecordReader) {
    let mut r = RecordReader::new();
    r.push(&[20, 3, 3, 0, 1, 1]);
    assert!(matches!(
        r.next_event(),
        Ok(Some(Inbound::ChangeCipherSpec))
    ));
    r.install_decrypter(RecordDecrypter::new(AeadAlgorithm::Aes128Gcm, &KEY, &IV).unwrap());
    let w = RecordEncrypter::new(AeadAlgorithm::Aes128Gcm, &KEY, &IV).unwrap();
    (w, r)
}

fn sealed(w: &mut RecordEncrypter, typ: ContentType, payload: &[u8]) -> Vec<u8> {
    let mut wire = Vec::new();
    w.seal_to(typ, ProtocolVersion::TLSv1_2, payload, &mut wire)
        .unwrap();
    wire
}

/// Every event `wire` gives, as text, or the first error.
fn events(r: &mut RecordReader, wire: &[u8]) -> Result<Vec<String>, RecordError> {
    let mut events = Vec::new();
    let mut rest = wire;
    loop {
        let n = r.push(rest);
        rest = &rest[n..];
        while let Some(event) = r.next_event()? {
            events.push(format!("{event:?}"));
        }
        if rest.is_empty() {
            return Ok(events);
        }
    }
}

/// A Finished (12 bytes of verify_data) as the handshake layer would send it.
const FINISHED: [u8; 16] = [20, 0, 0, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

#[test]
fn rfc5246_7_1_empty_application_data_between_change_cipher_spec_and_finished_is_unexpected_message()
 {
    for payload in [&b""[..], b"TEST MESSAGE"] {
        let (mut w, mut r) = after_ccs();
        let wire = sealed(&mut w, ContentType::ApplicationData, payload);
        let err = events(&mut r, &wire).unwrap_err();
        assert_eq!(
            err.alert(),
            AlertDescription::UnexpectedMessage,
            "{} bytes of application data before the Finished: {err}",
            payload.len()
        );
    }
}

#[test]
fn rfc5246_7_1_after_the_finished_empty_application_data_is_skipped_again() {
    let (mut w, mut r) = after_ccs();
    let mut wire = sealed(&mut w, ContentType::Handshake, &FINISHED);
    wire.extend(sealed(&mut w, ContentType::ApplicationData, b""));
    wire.extend(sealed(&mut w, ContentType::ApplicationData, b"data"));
    let events = events(&mut r, &wire).unwrap();
    assert_eq!(
        events.len(),
        2,
        "the Finished and the non-empty data: {events:?}"
    );
    assert!(events[0].starts_with("Handshake"), "{events:?}");
    assert!(events[1].starts_with("ApplicationData"), "{events:?}");
}
