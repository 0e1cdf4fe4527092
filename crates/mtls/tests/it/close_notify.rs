//! close_notify (RFC 8446 6.1, RFC 5246 7.2.1): the sender sends nothing more, and "any data
//! received after a closure alert has been received MUST be ignored". Found by the `client`
//! fuzz target's hour: a close_notify before the ServerHello left the client handshaking
//! without wanting to read, and the bytes that followed filled the receive buffer until
//! `read_tls` failed with "receive buffer full".
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mtls::{
    AlertDescription, ClientConnection, ConnectionCommon, Error, ProtocolVersion, ServerConnection,
};
use mtls_testkit::pump_ok;

use crate::drain_wire;
use crate::peers::{client_builder, server_builder};

/// A close_notify record in plaintext (before any keys), as a peer sends it at the start.
const PLAINTEXT_CLOSE_NOTIFY: [u8; 7] = [21, 3, 3, 0, 2, 1, 0];

fn connected(version: ProtocolVersion) -> (ClientConnection, ServerConnection) {
    let client = client_builder("client-ecdsa")
        .versions(&[version])
        .build()
        .unwrap();
    let server = server_builder().versions(&[version]).build().unwrap();
    let mut c = ClientConnection::new(&client, "localhost").unwrap();
    let mut s = ServerConnection::new(&server).unwrap();
    pump_ok(&mut c, &mut s);
    assert!(!c.is_handshaking() && !s.is_handshaking());
    (c, s)
}

/// Offers `bytes` to `conn` until it takes no more, as a socket loop would; returns how many
/// it took. Any error fails the test.
fn offer(conn: &mut ConnectionCommon, bytes: &[u8]) -> usize {
    let mut rest = bytes;
    let mut taken = 0;
    for _ in 0..64 {
        let n = conn
            .read_tls(&mut rest)
            .unwrap_or_else(|e| panic!("read_tls failed after {taken} bytes: {e}"));
        let state = conn.process_new_packets().unwrap();
        assert!(state.peer_has_closed);
        if n == 0 {
            break;
        }
        taken += n;
    }
    taken
}

#[test]
fn rfc8446_6_1_data_after_close_notify_is_ignored_not_buffered() {
    for version in [ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_2] {
        // The close_notify alone, then more records: nothing more is read.
        let (mut c, mut s) = connected(version);
        s.send_close_notify();
        let close = drain_wire(&mut s);
        c.read_tls(&mut close.as_slice()).unwrap();
        assert!(
            c.process_new_packets().unwrap().peer_has_closed,
            "{version:?}"
        );
        assert!(!c.wants_read(), "{version:?}");
        let garbage = vec![0x17; 100_000];
        assert_eq!(offer(&mut c, &garbage), 0, "{version:?}");
        let mut buf = [0u8; 16];
        assert_eq!(std::io::Read::read(&mut c.reader(), &mut buf).unwrap(), 0);

        // The close_notify and what follows in one read: the rest is never processed.
        let (mut c, mut s) = connected(version);
        s.send_close_notify();
        let mut wire = drain_wire(&mut s);
        wire.extend(vec![0x17; 30_000]);
        offer(&mut c, &wire);
        assert!(!c.wants_read(), "{version:?}");
    }
}

#[test]
fn rfc8446_6_1_close_notify_before_the_handshake_completes_ends_it() {
    // A TLS 1.2 server, after the ClientHello (a TLS 1.3 server has sent its flight by then
    // and takes only protected records).
    let tls12 = [ProtocolVersion::TLSv1_2];
    let client = client_builder("client-ecdsa")
        .versions(&tls12)
        .build()
        .unwrap();
    let server = server_builder().versions(&tls12).build().unwrap();
    let mut c = ClientConnection::new(&client, "localhost").unwrap();
    let mut s = ServerConnection::new(&server).unwrap();
    let hello = drain_wire(&mut c);
    s.read_tls(&mut hello.as_slice()).unwrap();
    s.process_new_packets().unwrap();
    drain_wire(&mut s);
    s.read_tls(&mut PLAINTEXT_CLOSE_NOTIFY.as_slice()).unwrap();
    assert_eq!(
        s.process_new_packets().unwrap_err(),
        Error::AlertReceived(AlertDescription::CloseNotify)
    );
    // The peer is gone: nothing is sent in answer, and more bytes change nothing.
    assert!(!s.wants_write() && !s.wants_read());
    s.read_tls(&mut [0x17u8; 64].as_slice()).unwrap();
    assert_eq!(
        s.process_new_packets().unwrap_err(),
        Error::AlertReceived(AlertDescription::CloseNotify)
    );

    // A client offering TLS 1.3, before the ServerHello (what the fuzzer sent).
    let client = client_builder("client-ecdsa").build().unwrap();
    let mut c = ClientConnection::new(&client, "localhost").unwrap();
    drain_wire(&mut c);
    c.read_tls(&mut PLAINTEXT_CLOSE_NOTIFY.as_slice()).unwrap();
    assert_eq!(
        c.process_new_packets().unwrap_err(),
        Error::AlertReceived(AlertDescription::CloseNotify)
    );
    assert!(!c.wants_write() && !c.wants_read() && c.is_handshaking());
}
