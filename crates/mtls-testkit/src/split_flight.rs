//! A client that sends its second flight one record per write, a few milliseconds apart, before
//! it reads anything: as many clients' stacks deliver it (OpenSSL's one-write flight hides the
//! problem this exposes). A server that refuses the client after its Certificate message and
//! then closes the socket with the rest of the flight unread makes the kernel answer with a
//! reset (RFC 1122 4.2.2.13), and the client sees "connection reset" instead of the alert that
//! RFC 5246 7.2.2 says it must get.
//!
//! Used by the refusal tests of `mtls` (our server in a thread) and `mtls-cli` (`mtls
//! server`). Runs on 127.0.0.1 only; every wait is bounded by socket timeouts and loop counts.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use mtls::{ClientConfig, ClientConnection};

use crate::process::IO_TIMEOUT;

/// Pause between two records of the flight.
const GAP: Duration = Duration::from_millis(5);
/// Content type of an alert record.
const ALERT: u8 = 21;

/// Splits bytes written by `write_tls` into whole TLS records.
pub fn records(mut wire: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while wire.len() >= 5 {
        let len = 5 + usize::from(u16::from_be_bytes([wire[3], wire[4]]));
        assert!(wire.len() >= len, "a partial record from write_tls");
        out.push(wire[..len].to_vec());
        wire = &wire[len..];
    }
    assert!(wire.is_empty(), "trailing bytes from write_tls");
    out
}

/// Connects to 127.0.0.1:`port` as a client of `config` (for "localhost"), sends the
/// ClientHello, reads the server's flight, then writes each record of its own flight
/// (Certificate, ClientKeyExchange, CertificateVerify, ChangeCipherSpec, Finished) as its own
/// write with a 5 ms pause, and only then reads.
///
/// Returns the (level, description) of the alert record that came back first; `Err` says what
/// happened instead: a reset (or broken pipe) while writing the flight or reading the answer,
/// an end of stream without an alert, or a record that is not an alert.
pub fn refused_alert(port: u16, config: &ClientConfig) -> Result<(u8, u8), String> {
    let mut sock = TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
    sock.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    sock.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    // One segment per write: the records reach the server as separate arrivals.
    sock.set_nodelay(true).unwrap();
    let mut conn = ClientConnection::new(config, "localhost").unwrap();

    let mut hello = Vec::new();
    while conn.wants_write() {
        conn.write_tls(&mut hello).unwrap();
    }
    sock.write_all(&hello)
        .map_err(|e| format!("writing the ClientHello: {e}"))?;

    // The server's flight, up to ServerHelloDone: then the client has its own flight to send.
    for _ in 0..1000 {
        if conn.wants_write() {
            break;
        }
        let n = conn
            .read_tls(&mut sock)
            .map_err(|e| format!("reading the server's flight: {e}"))?;
        if n == 0 {
            return Err("the server closed before its flight was complete".into());
        }
        conn.process_new_packets()
            .map_err(|e| format!("our client refused the server's flight: {e}"))?;
    }
    let mut flight = Vec::new();
    while conn.wants_write() {
        conn.write_tls(&mut flight).unwrap();
    }
    let flight = records(&flight);
    assert!(
        flight.len() >= 4,
        "a second flight of {} records",
        flight.len()
    );
    for (i, record) in flight.iter().enumerate() {
        std::thread::sleep(GAP);
        sock.write_all(record).map_err(|e| {
            format!(
                "writing record {} of {} of our flight (kind {:?}): {e}",
                i + 1,
                flight.len(),
                e.kind()
            )
        })?;
    }

    // The answer: a whole first record, read from the socket as it comes.
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    for _ in 0..1000 {
        if got.len() >= 5 && got.len() >= 5 + usize::from(u16::from_be_bytes([got[3], got[4]])) {
            break;
        }
        match sock.read(&mut buf) {
            Ok(0) => {
                return Err(format!(
                    "end of stream after {} bytes, without an alert",
                    got.len()
                ));
            }
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => {
                return Err(format!(
                    "reading the answer after {} bytes (kind {:?}): {e}",
                    got.len(),
                    e.kind()
                ));
            }
        }
    }
    match got.as_slice() {
        [ALERT, 3, 3, 0, 2, level, description, ..] => Ok((*level, *description)),
        _ => Err(format!(
            "the first record back is not a plaintext alert: {:02x?}",
            &got[..got.len().min(16)]
        )),
    }
}
