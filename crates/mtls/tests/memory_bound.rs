//! The memory bound of one connection against a hostile peer (docs/SECURITY.md, "Memory
//! bound"): whatever a peer sends, a connection holds at most its buffered handshake bytes
//! plus one record, plus the received plaintext the application has not read yet (itself
//! capped). Measured with a counting global allocator: the bytes a connection holds are the
//! heap bytes allocated after it was set up and not freed, sampled after every
//! `read_tls` + `process_new_packets` (with `write_tls` drained, as every caller must).
//!
//! Each scenario runs under one lock, so that no other test's allocations are counted.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{self, Write};
use std::sync::{Arc, Mutex, MutexGuard};

use mtls::{
    ClientAuthPolicy, ClientConfig, ClientConnection, ConnectionCommon, Error, ServerConfig,
    ServerConnection,
};
use mtls_testkit::{TrustAll, chain, hello, key, pump_ok};
use peak_alloc::PeakAlloc;

#[global_allocator]
static ALLOC: PeakAlloc = PeakAlloc;

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Largest record on the wire: header + 2^14 + 2048 (RFC 5246 6.2.3).
const MAX_RECORD: usize = 5 + 16384 + 2048;
/// Largest plaintext fragment (RFC 5246 6.2.1).
const MAX_FRAGMENT: usize = 16384;
/// The default cap on one handshake message other than ClientHello, header included
/// (`mtls_record::DEFAULT_MAX_HANDSHAKE_MESSAGE_LEN`).
const HANDSHAKE_CAP: usize = 64 * 1024;
/// The cap on a ClientHello, header included: the largest its fields allow (RFC 5246
/// 7.4.1.2: 131 396 bytes of body).
const CLIENT_HELLO_CAP: usize = 4 + 131_396;
/// Received plaintext buffered before the connection stops decrypting (`conn.rs`).
const PLAINTEXT_CAP: usize = 64 * 1024;

// The stated bound (docs/SECURITY.md, "Memory bound"), part by part. Most buffers are a `Vec`
// (or `VecDeque`) grown by amortized doubling, so a capacity can reach twice the bytes it must
// hold: those parts are twice their content limit. The reassembly buffer grows no further than
// the message it joins (`HandshakeJoiner`), so it is held to its content limit.

/// Receive buffer: one record.
const RECEIVE: usize = 2 * MAX_RECORD;
/// Handshake reassembly: a partial message under the cap plus the rest of one record.
const REASSEMBLY: usize = HANDSHAKE_CAP - 1 + MAX_FRAGMENT;
/// The same for a ClientHello, the one message with a larger cap (either side may be sent one:
/// the reader caps by type before the handshake sees the message).
const REASSEMBLY_CLIENT_HELLO: usize = CLIENT_HELLO_CAP - 1 + MAX_FRAGMENT;
/// Unread plaintext after the handshake: under the cap, plus one record's fragment.
const PLAINTEXT: usize = 2 * (PLAINTEXT_CAP - 1 + MAX_FRAGMENT);
/// The handshake transcript holding `bytes` of accepted messages.
const fn transcript(bytes: usize) -> usize {
    2 * bytes
}
/// Our own first flight (ServerHello .. ServerHelloDone with a two-certificate chain), a
/// generous upper bound.
const OWN_FLIGHT: usize = 8 * 1024;
/// Everything else a step may leave behind: an error message, a queued alert, keys.
const SMALL: usize = 2 * 1024;

fn server() -> ServerConnection {
    let config = ServerConfig::builder()
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .certificate(chain("server-ecdsa"), key("server-ecdsa"))
        .client_auth(ClientAuthPolicy::Required, Arc::new(TrustAll))
        .build()
        .unwrap();
    ServerConnection::new(&config).unwrap()
}

fn client() -> ClientConnection {
    let config = ClientConfig::builder(Arc::new(TrustAll))
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .client_certificate(chain("client-ecdsa"), key("client-ecdsa"))
        .build()
        .unwrap();
    let mut c = ClientConnection::new(&config, "localhost").unwrap();
    // The ClientHello goes nowhere.
    while c.wants_write() {
        c.write_tls(&mut io::sink()).unwrap();
    }
    c
}

/// A client and a server that completed a handshake with each other.
fn connected() -> (ClientConnection, ServerConnection) {
    let (mut c, mut s) = (client_raw(), server());
    pump_ok(&mut c, &mut s);
    assert!(!c.is_handshaking() && !s.is_handshaking(), "no handshake");
    (c, s)
}

fn client_raw() -> ClientConnection {
    let config = ClientConfig::builder(Arc::new(TrustAll))
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .client_certificate(chain("client-ecdsa"), key("client-ecdsa"))
        .build()
        .unwrap();
    ClientConnection::new(&config, "localhost").unwrap()
}

/// Heap bytes held since `start`, sampled after every step.
struct Meter {
    base: usize,
    max_held: usize,
}

impl Meter {
    fn start() -> Self {
        Self {
            base: ALLOC.current_usage(),
            max_held: 0,
        }
    }

    fn sample(&mut self) {
        let held = ALLOC.current_usage().saturating_sub(self.base);
        self.max_held = self.max_held.max(held);
    }
}

/// How feeding ended.
#[derive(Debug)]
enum Fed {
    /// Every byte was taken.
    All,
    /// The connection stopped reading (back-pressure) after this many bytes.
    Stopped(#[allow(dead_code)] usize),
    /// The connection failed.
    Failed(Error),
}

/// Feeds `wire` as a peer would, as fast as the connection takes it, draining output after
/// every step, never reading plaintext.
fn feed(conn: &mut ConnectionCommon, wire: &[u8], meter: &mut Meter) -> Fed {
    let mut rest = wire;
    while !rest.is_empty() {
        if conn.read_tls(&mut rest).is_err() {
            return Fed::Stopped(wire.len() - rest.len());
        }
        let result = conn.process_new_packets();
        while conn.wants_write() {
            conn.write_tls(&mut io::sink()).unwrap();
        }
        meter.sample();
        if let Err(e) = result {
            return Fed::Failed(e);
        }
    }
    Fed::All
}

fn record(typ: u8, fragment: &[u8]) -> Vec<u8> {
    let mut r = vec![typ, 3, 3];
    r.extend_from_slice(&(fragment.len() as u16).to_be_bytes());
    r.extend_from_slice(fragment);
    r
}

/// `message` as handshake records of `size` bytes each (the first one `first` bytes).
fn fragments(message: &[u8], first: usize, size: usize) -> Vec<u8> {
    let (head, tail) = message.split_at(first.min(message.len()));
    let mut out = Vec::new();
    if !head.is_empty() {
        out.extend(record(22, head));
    }
    for piece in tail.chunks(size) {
        out.extend(record(22, piece));
    }
    out
}

/// A handshake message of type `typ` whose header announces `len` body bytes; `body` bytes
/// of it are present (zeros).
fn message(typ: u8, len: usize, body: usize) -> Vec<u8> {
    let mut m = vec![typ];
    m.extend_from_slice(&(len as u32).to_be_bytes()[1..]);
    m.resize(4 + body, 0);
    m
}

/// A real ClientHello (from an mtls client) padded with a padding extension (RFC 7685) to
/// `len` bytes, header included.
fn padded_client_hello(len: usize) -> Vec<u8> {
    hello::padded_client_hello(&our_client_hello(), len)
}

/// The ClientHello message an mtls client sends (its first record, header stripped).
fn our_client_hello() -> Vec<u8> {
    let mut c = client_raw();
    let mut wire = Vec::new();
    c.write_tls(&mut wire).unwrap();
    wire.split_off(5)
}

/// A real ClientHello (from an mtls client) grown to the largest its fields allow (RFC 5246
/// 7.4.1.2, `CLIENT_HELLO_CAP` bytes with the header): a 32-byte session id, 32 767 cipher
/// suites (the client's own first), 255 compression methods (null first) and its extensions
/// padded to a block of 65 535 bytes.
fn largest_client_hello() -> Vec<u8> {
    let hello = hello::largest_client_hello(&our_client_hello());
    assert_eq!(hello.len(), CLIENT_HELLO_CAP);
    hello
}

fn report(name: &str, meter: &Meter, fed: &Fed) {
    eprintln!("{name}: held at most {} bytes ({fed:?})", meter.max_held);
}

fn is_too_large(fed: &Fed) -> bool {
    matches!(fed, Fed::Failed(e) if e.to_string().contains("handshake message"))
}

// (a) A handshake header announcing 16 MiB: refused at its fourth byte, nothing buffered.
#[test]
fn a_sixteen_mib_handshake_header_is_refused_before_buffering() {
    let _g = serial();
    for side in ["server", "client"] {
        for split in [false, true] {
            let mut announce = message(if side == "server" { 1 } else { 2 }, (1 << 24) - 1, 0);
            announce.resize(4 + 60_000, 0x41);
            // Whole, or its header cut over four 1-byte records first.
            let wire = if split {
                fragments(&announce, 1, 1)
            } else {
                fragments(&announce, 0, MAX_FRAGMENT)
            };
            let (mut s, mut c);
            let conn: &mut ConnectionCommon = if side == "server" {
                s = server();
                &mut s
            } else {
                c = client();
                &mut c
            };
            let mut meter = Meter::start();
            let fed = feed(conn, &wire, &mut meter);
            report(
                &format!("(a) {side} 16 MiB header, split {split}"),
                &meter,
                &fed,
            );
            assert!(is_too_large(&fed), "{fed:?}");
            // Refused once the header was here: the first record, and its fragment copied
            // into the reassembly buffer before the check.
            assert!(
                meter.max_held <= RECEIVE + MAX_FRAGMENT + SMALL,
                "{}",
                meter.max_held
            );
        }
    }
}

// (b) Endless 1-byte handshake fragments of one message under the cap: the partial message
// grows to the cap and no further; and whole-record fragments misaligned with the messages
// (the worst case for the reassembly buffer: a partial message just under the cap when a
// full record arrives).
#[test]
fn b_endless_fragments_stay_under_the_handshake_cap() {
    let _g = serial();
    assert_eq!(CLIENT_HELLO_CAP, mtls_record::MAX_CLIENT_HELLO_LEN);
    for (side, typ, cap, bound) in [
        ("server", 16, HANDSHAKE_CAP, REASSEMBLY),
        ("client", 11, HANDSHAKE_CAP, REASSEMBLY),
        ("server", 1, CLIENT_HELLO_CAP, REASSEMBLY_CLIENT_HELLO),
        ("client", 1, CLIENT_HELLO_CAP, REASSEMBLY_CLIENT_HELLO),
    ] {
        for (first, size) in [(1, 1), (1, MAX_FRAGMENT), (MAX_FRAGMENT - 1, MAX_FRAGMENT)] {
            // One message of exactly the cap, then the next message's header (also at the cap)
            // and its body, never completed.
            let mut stream = message(typ, cap - 4, cap - 4);
            stream.extend(message(typ, cap - 4, cap - 5));
            // The first message is garbage for this state, so the connection fails once it
            // is complete; what it held up to then (and still holds, dead) is measured.
            let wire = fragments(&stream, first, size);
            let (mut s, mut c);
            let conn: &mut ConnectionCommon = if side == "server" {
                s = server();
                &mut s
            } else {
                c = client();
                &mut c
            };
            let mut meter = Meter::start();
            let fed = feed(conn, &wire, &mut meter);
            report(
                &format!(
                    "(b) {side} fragments {first}/{size}, type {typ} message of the cap {cap}"
                ),
                &meter,
                &fed,
            );
            assert!(matches!(fed, Fed::Failed(_)), "{fed:?}");
            assert!(
                meter.max_held <= RECEIVE + bound + SMALL,
                "{}",
                meter.max_held
            );
        }
    }

    // A ClientHello of 64 KiB (a padding extension fills it), and one of the largest size its
    // fields allow, in 1-byte records and in offset full records: the server accepts them, so
    // besides the reassembly buffer its transcript keeps a copy.
    for (hello, name) in [
        (padded_client_hello(HANDSHAKE_CAP), "64 KiB"),
        (largest_client_hello(), "the largest its fields allow"),
    ] {
        assert!([HANDSHAKE_CAP, CLIENT_HELLO_CAP].contains(&hello.len()));
        for (first, size) in [(1, 1), (MAX_FRAGMENT - 1, MAX_FRAGMENT)] {
            let wire = fragments(&hello, first, size);
            let mut s = server();
            let mut meter = Meter::start();
            let fed = feed(&mut s, &wire, &mut meter);
            report(
                &format!(
                    "(b) server accepting a ClientHello of {name} ({} bytes), fragments {first}/{size}",
                    hello.len()
                ),
                &meter,
                &fed,
            );
            assert!(matches!(fed, Fed::All), "{fed:?}");
            assert!(
                meter.max_held
                    <= RECEIVE
                        + REASSEMBLY_CLIENT_HELLO
                        + transcript(hello.len() + OWN_FLIGHT)
                        + SMALL,
                "{}",
                meter.max_held
            );
        }
    }

    // The client ignores HelloRequest during a handshake (RFC 5246 7.4.1.1): a peer can send
    // them forever, in 1-byte fragments, and nothing accumulates.
    let mut c = client();
    let hello_requests = vec![0u8; 4 * 50_000];
    let wire = fragments(&hello_requests, 1, 1);
    let mut meter = Meter::start();
    let fed = feed(&mut c, &wire, &mut meter);
    report(
        "(b) client 200 000 HelloRequest bytes in 1-byte records",
        &meter,
        &fed,
    );
    assert!(matches!(fed, Fed::All), "{fed:?}");
    assert!(meter.max_held <= RECEIVE + SMALL, "{}", meter.max_held);
}

// (c) A record header announcing 2^16 - 1 bytes: refused from the header alone (RFC 5246
// 6.2.1); a header announcing the largest legal plaintext record, never completed, holds one
// record.
#[test]
fn c_record_headers_hold_at_most_one_record() {
    let _g = serial();
    for side in ["server", "client"] {
        for announced in [0xffff_usize, MAX_FRAGMENT] {
            let mut wire = vec![22, 3, 3];
            wire.extend_from_slice(&(announced as u16).to_be_bytes());
            wire.resize(5 + announced - 1, 0x16);
            let (mut s, mut c);
            let conn: &mut ConnectionCommon = if side == "server" {
                s = server();
                &mut s
            } else {
                c = client();
                &mut c
            };
            let mut meter = Meter::start();
            let fed = feed(conn, &wire, &mut meter);
            report(
                &format!("(c) {side} record header announcing {announced}"),
                &meter,
                &fed,
            );
            if announced > MAX_FRAGMENT {
                assert!(
                    matches!(&fed, Fed::Failed(e) if e.alert() == Some(mtls::AlertDescription::RecordOverflow)),
                    "{fed:?}"
                );
            } else {
                assert!(matches!(fed, Fed::All), "{fed:?}");
            }
            assert!(meter.max_held <= RECEIVE + SMALL, "{}", meter.max_held);
        }
    }
}

// (d) Many small complete records: warning alerts (the fifth in a row ends the connection,
// RFC 5246 7.2.2 / CVE-2016-8610; a handshake message between them starts the count again, so a
// client can be sent HelloRequests and warnings forever during a handshake: nothing kept), and
// application data the application never reads (the connection stops reading at the
// plaintext cap: back-pressure, not growth).
#[test]
fn d_many_small_records_do_not_accumulate() {
    let _g = serial();
    let alert = record(21, &[1, 90]); // warning user_canceled
    let wire: Vec<u8> = alert.repeat(100_000);
    for side in ["server", "client"] {
        let (mut s, mut c);
        let conn: &mut ConnectionCommon = if side == "server" {
            s = server();
            &mut s
        } else {
            c = client();
            &mut c
        };
        let mut meter = Meter::start();
        let fed = feed(conn, &wire, &mut meter);
        report(&format!("(d) {side} 100 000 warning alerts"), &meter, &fed);
        assert!(
            matches!(&fed, Fed::Failed(e) if e.alert() == Some(mtls::AlertDescription::UnexpectedMessage)),
            "{fed:?}"
        );
        assert!(meter.max_held <= RECEIVE + SMALL, "{}", meter.max_held);
    }
    // HelloRequest (ignored during the handshake, RFC 5246 7.4.1.1) and four warnings, again
    // and again, in one record each.
    let mut round = record(22, &[0, 0, 0, 0]);
    round.extend(alert.repeat(4));
    let wire = round.repeat(20_000);
    let mut c = client();
    let mut meter = Meter::start();
    let fed = feed(&mut c, &wire, &mut meter);
    report(
        "(d) client 20 000 times a HelloRequest and four warning alerts",
        &meter,
        &fed,
    );
    assert!(matches!(fed, Fed::All), "{fed:?}");
    assert!(meter.max_held <= RECEIVE + SMALL, "{}", meter.max_held);

    for (sender_is_client, size, count) in [
        (true, 1, 200_000),
        (false, 1, 200_000),
        (true, MAX_FRAGMENT - 1, 12),
        (false, MAX_FRAGMENT, 12),
    ] {
        let (mut c, mut s) = connected();
        let mut wire = Vec::new();
        let chunk = vec![0x61u8; size];
        {
            let sender: &mut ConnectionCommon = if sender_is_client { &mut c } else { &mut s };
            for _ in 0..count {
                sender.writer().write_all(&chunk).unwrap();
                sender.write_tls(&mut wire).unwrap();
            }
        }
        let receiver: &mut ConnectionCommon = if sender_is_client { &mut s } else { &mut c };
        let mut meter = Meter::start();
        let fed = feed(receiver, &wire, &mut meter);
        let unread = receiver
            .process_new_packets()
            .unwrap()
            .plaintext_bytes_to_read;
        report(
            &format!(
                "(d) {} receiving {count} records of {size} bytes, never read ({unread} unread)",
                if sender_is_client { "server" } else { "client" }
            ),
            &meter,
            &fed,
        );
        assert!(matches!(fed, Fed::Stopped(_)), "{fed:?}");
        assert!(!receiver.wants_read());
        assert!((PLAINTEXT_CAP..PLAINTEXT_CAP + MAX_FRAGMENT).contains(&unread));
        assert!(
            meter.max_held <= RECEIVE + PLAINTEXT + SMALL,
            "{}",
            meter.max_held
        );
    }
}
