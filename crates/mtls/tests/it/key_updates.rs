//! KeyUpdate received in runs (RFC 8446 4.6.3): several update_requested in a row are
//! answered by one KeyUpdate of ours, before our next application data; and a run of
//! KeyUpdates without application data between them is capped.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{Read, Write};

use mtls::pki::RootStore;
use mtls::{
    AlertDescription, ClientConfig, ClientConnection, ConnectionCommon, Error, IoState,
    ProtocolVersion, ServerConfig, ServerConnection,
};
use mtls_testkit::fixtures::CA;
use mtls_testkit::{chain, key, pump_ok};

use crate::drain_wire;

const MAX_IN_A_ROW: u32 = mtls::MAX_KEY_UPDATES_IN_A_ROW;

fn connected() -> (ClientConnection, ServerConnection) {
    let mut roots = RootStore::new();
    roots.add(&CA.to_vec().into()).unwrap();
    let server = ServerConfig::builder()
        .certificate(chain("server-ecdsa"), key("server-ecdsa"))
        .versions(&[ProtocolVersion::TLSv1_3])
        .build()
        .unwrap();
    let client = ClientConfig::with_roots(roots)
        .versions(&[ProtocolVersion::TLSv1_3])
        .build()
        .unwrap();
    let mut c = ClientConnection::new(&client, "localhost").unwrap();
    let mut s = ServerConnection::new(&server).unwrap();
    pump_ok(&mut c, &mut s);
    (c, s)
}

/// Gives `wire` to `to` and processes it.
fn deliver(to: &mut ConnectionCommon, wire: &[u8]) -> Result<IoState, Error> {
    let mut rest = wire;
    let mut state = to.process_new_packets();
    while !rest.is_empty() && state.is_ok() {
        to.read_tls(&mut rest).unwrap();
        state = to.process_new_packets();
    }
    state
}

/// The number of records in `wire`.
fn records(mut wire: &[u8]) -> usize {
    let mut n = 0;
    while wire.len() >= 5 {
        let len = usize::from(u16::from_be_bytes([wire[3], wire[4]]));
        wire = &wire[5 + len..];
        n += 1;
    }
    n
}

fn read_all(conn: &mut ConnectionCommon, len: usize) -> Vec<u8> {
    let mut got = vec![0; len];
    conn.reader().read_exact(&mut got).unwrap();
    got
}

/// RFC 8446 4.6.3: "If the request_update field is set to "update_requested", then the
/// receiver MUST send a KeyUpdate of its own with request_update set to
/// "update_not_requested" prior to sending its next Application Data record. ... an
/// implementation that receives multiple KeyUpdates while it is silent to respond with a
/// single update." Five requests while we are silent: one KeyUpdate goes out, right before
/// our data, and both directions still read each other.
#[test]
fn rfc8446_4_6_3_several_update_requested_while_silent_are_answered_by_one_key_update() {
    let (mut c, mut s) = connected();
    for _ in 0..5 {
        c.send_key_update(true).unwrap();
    }
    let wire = drain_wire(&mut c);
    deliver(&mut s, &wire).unwrap();
    s.writer().write_all(b"pong").unwrap();
    let answer = drain_wire(&mut s);
    assert_eq!(
        records(&answer),
        2,
        "one KeyUpdate, then the data record: {} bytes",
        answer.len()
    );
    deliver(&mut c, &answer).unwrap();
    assert_eq!(read_all(&mut c, 4), b"pong");
    c.writer().write_all(b"ping").unwrap();
    let wire = drain_wire(&mut c);
    deliver(&mut s, &wire).unwrap();
    assert_eq!(read_all(&mut s, 4), b"ping");
    // Nothing is owed any more: the next data goes alone.
    s.writer().write_all(b"again").unwrap();
    assert_eq!(records(&drain_wire(&mut s)), 1);
}

/// A run of KeyUpdates without application data between them makes us derive a key per
/// message: beyond the cap the connection ends with unexpected_message; application data
/// starts a new run.
#[test]
fn rfc8446_4_6_3_key_updates_in_a_row_beyond_the_cap_are_unexpected_message() {
    let (mut c, mut s) = connected();
    for _ in 0..MAX_IN_A_ROW {
        c.send_key_update(false).unwrap();
    }
    c.writer().write_all(b"data").unwrap();
    let wire = drain_wire(&mut c);
    deliver(&mut s, &wire).unwrap();
    assert_eq!(read_all(&mut s, 4), b"data");
    for _ in 0..=MAX_IN_A_ROW {
        c.send_key_update(false).unwrap();
    }
    let wire = drain_wire(&mut c);
    let err = deliver(&mut s, &wire).unwrap_err();
    assert_eq!(
        err.alert_sent(),
        Some(AlertDescription::UnexpectedMessage),
        "{err}"
    );
}
