//! Renegotiation attempted by a peer (RFC 5746 4.2, 4.4; RFC 5246 7.4.1.1): refused with a
//! warning no_renegotiation, and the connection goes on.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::common::*;
use mtls_wire::alert::Alert;
use mtls_wire::{AlertDescription, AlertLevel, ContentType};

use crate::tampering::*;
use AlertDescription as A;

// ---- renegotiation (RFC 5746 4.2, 4.4; RFC 5246 7.4.1.1) ----

fn warning_no_renegotiation() -> Alert {
    Alert {
        level: AlertLevel::Warning,
        description: A::NoRenegotiation,
    }
}

#[test]
fn rfc5746_4_4_client_hello_after_completion_gets_a_warning_and_the_connection_goes_on() {
    let (cc, sc) = spec();
    let mut p = Pair::new(cc, sc, 35);
    p.run();
    p.assert_ok();
    let hello = p.c.sent_messages[0].clone();
    p.c.writer
        .write(ContentType::Handshake, &hello, &mut p.c.outgoing)
        .unwrap();
    p.run();
    assert_eq!(p.c.alerts_received, vec![warning_no_renegotiation()]);
    assert_eq!(p.s.error, None);
    assert_eq!(p.c.error, None);
    p.exchange_data();
}

#[test]
fn rfc5746_4_2_hello_request_after_completion_gets_a_warning_and_the_connection_goes_on() {
    let (cc, sc) = spec();
    let mut p = Pair::new(cc, sc, 36);
    p.run();
    p.assert_ok();
    p.s.writer
        .write(ContentType::Handshake, &[0, 0, 0, 0], &mut p.s.outgoing)
        .unwrap();
    p.run();
    assert_eq!(p.s.alerts_received, vec![warning_no_renegotiation()]);
    assert_eq!(p.s.error, None);
    assert_eq!(p.c.error, None);
    p.exchange_data();
}

#[test]
fn rfc5246_7_4_1_1_hello_request_during_the_handshake_is_ignored() {
    let (cc, sc) = spec();
    let (mut client, mut server, hello) = direct(cc, sc, 42);
    let hello_request = Out::Hs(vec![0, 0, 0, 0]);
    let mut server_flight = feed(&mut server, &hello).unwrap();
    // Before, in the middle of and after the server's flight: never answered, never hashed.
    assert_eq!(feed_one(&mut client, &hello_request).unwrap(), Vec::new());
    server_flight.insert(2, hello_request.clone());
    server_flight.push(hello_request.clone());
    let client_flight = feed(&mut client, &server_flight).unwrap();
    let answer = feed(&mut server, &client_flight).unwrap();
    assert!(answer.contains(&Out::Complete));
    let done = feed(&mut client, &answer).unwrap();
    assert!(done.contains(&Out::Complete));
    assert!(client.is_complete() && server.is_complete());
}
