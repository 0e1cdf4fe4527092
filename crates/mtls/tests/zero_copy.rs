//! The zero-copy read path and the allocation-free record path (docs/ARCHITECTURE.md, "The
//! facade"), for TLS 1.2 and TLS 1.3, measured with a counting global allocator: once a
//! connection is running, taking a record in (`read_tls`), opening it
//! (`process_new_packets`) and handing its plaintext out (`BufRead::fill_buf`) allocate
//! nothing, so the plaintext is handed out where it was decrypted (the receive buffer is the
//! one buffer that holds it: the received-data queue is empty and could not grow without an
//! allocation); `Read::read` then copies it once, into the caller's buffer, and allocates
//! nothing either. On the send side, sealing allocates nothing per record: a write reserves
//! its records' room once in the send buffer and seals every record into it.
//!
//! The allocator counts every thread's allocations, and the test harness allocates on its
//! own thread whenever a test ends: so this binary holds one test, which runs every case in
//! turn while nothing else runs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{BufRead, Read, Write};
use std::sync::Arc;

use mtls::{
    ClientAuthPolicy, ClientConfig, ClientConnection, ConnectionCommon, ProtocolVersion,
    ServerConfig, ServerConnection,
};
use mtls_testkit::{TrustAll, chain, key, pump_ok};
use peak_alloc::PeakAlloc;

#[global_allocator]
static ALLOC: PeakAlloc = PeakAlloc;

/// The most plaintext one record carries (RFC 5246 6.2.1, RFC 8446 5.1).
const FULL_RECORD: usize = 16 * 1024;

/// A client and a server of `version` that completed a handshake with each other.
fn connected(version: ProtocolVersion) -> (ClientConnection, ServerConnection) {
    let server = ServerConfig::builder()
        .versions(&[version])
        .certificate(chain("server-ecdsa"), key("server-ecdsa"))
        .client_auth(ClientAuthPolicy::Required, Arc::new(TrustAll))
        .build()
        .unwrap();
    let client = ClientConfig::builder(Arc::new(TrustAll))
        .versions(&[version])
        .client_certificate(chain("client-ecdsa"), key("client-ecdsa"))
        .build()
        .unwrap();
    let mut c = ClientConnection::new(&client, "localhost").unwrap();
    let mut s = ServerConnection::new(&server).unwrap();
    pump_ok(&mut *c, &mut *s);
    assert!(!c.is_handshaking() && !s.is_handshaking(), "no handshake");
    assert_eq!(c.protocol_version(), Some(version));
    (c, s)
}

/// The TLS bytes `from` sends for `data` (sealed outside any measurement).
fn sealed(from: &mut ConnectionCommon, data: &[u8]) -> Vec<u8> {
    from.writer().write_all(data).unwrap();
    let mut wire = Vec::new();
    while from.wants_write() {
        from.write_tls(&mut wire).unwrap();
    }
    wire
}

/// Runs `f` and returns it with the most bytes allocated at any moment during it, on top of
/// what was live before (0: nothing was allocated).
fn allocated_during<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let start = ALLOC.current_usage();
    ALLOC.reset_peak_usage();
    let r = f();
    (r, ALLOC.peak_usage().saturating_sub(start))
}

/// Takes `wire` in and opens it; returns what was allocated meanwhile.
fn take_in(to: &mut ConnectionCommon, wire: &[u8]) -> usize {
    let ((), allocated) = allocated_during(|| {
        let mut rd = wire;
        while !rd.is_empty() {
            assert!(to.read_tls(&mut rd).unwrap() > 0);
            to.process_new_packets().unwrap();
        }
    });
    allocated
}

/// One record of `len` bytes from the server, read by the client: in place with `fill_buf`,
/// then with one copy by `read`; nothing is allocated on the way once the receive buffer has
/// grown to the record's size (a first record of that size, unmeasured).
fn one_record_in_place(version: ProtocolVersion, len: usize) {
    let (mut c, mut s) = connected(version);
    let warm = sealed(&mut s, &vec![1u8; len]);
    take_in(&mut c, &warm);
    let mut sink = vec![0u8; len];
    c.reader().read_exact(&mut sink).unwrap();

    let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
    let wire = sealed(&mut s, &data);
    assert_eq!(
        take_in(&mut c, &wire),
        0,
        "{version:?}: read_tls + open allocated"
    );
    let (got_ptr, allocated) = allocated_during(|| {
        let mut reader = c.reader();
        let buf = reader.fill_buf().unwrap();
        assert_eq!(buf, &data[..], "{version:?}: fill_buf hands out the record");
        buf.as_ptr()
    });
    assert_eq!(allocated, 0, "{version:?}: fill_buf allocated");
    // The same bytes, where they lie: a second look finds them at the same address.
    assert_eq!(c.reader().fill_buf().unwrap().as_ptr(), got_ptr);
    let mut user = vec![0u8; len];
    let (n, allocated) = allocated_during(|| c.reader().read(&mut user).unwrap());
    assert_eq!(allocated, 0, "{version:?}: read allocated");
    assert_eq!((n, &user[..]), (len, &data[..]));
}

/// Small records: the send buffer keeps its room once drained (up to 1 KiB), so writing and
/// sealing allocate nothing in steady state. Large writes: the room for all their records is
/// reserved once, exactly, and every record is sealed into it (no growth per record); the
/// buffer is released once drained, so that an idle connection holds no 16 KiB (the heap
/// rows of docs/BENCHMARKS.md).
fn sealing_allocates_nothing_per_record(version: ProtocolVersion) {
    let (mut c, _s) = connected(version);
    let mut wire = Vec::with_capacity(4 * (FULL_RECORD + 64));
    let send = |c: &mut ConnectionCommon, data: &[u8], wire: &mut Vec<u8>| {
        wire.clear();
        allocated_during(|| {
            c.writer().write_all(data).unwrap();
            while c.wants_write() {
                c.write_tls(wire).unwrap();
            }
        })
        .1
    };
    send(&mut c, &[7u8; 500], &mut wire);
    assert_eq!(
        send(&mut c, &[8u8; 500], &mut wire),
        0,
        "{version:?}: a small record allocated"
    );
    let four_records = vec![9u8; 4 * FULL_RECORD];
    let allocated = send(&mut c, &four_records, &mut wire);
    let overhead = wire.len() - four_records.len();
    assert!(overhead <= 4 * 30, "{version:?}: four records, {overhead}");
    assert_eq!(
        allocated,
        wire.len(),
        "{version:?}: one reservation of exactly the four records"
    );
}

/// Every case, TLS 1.2 and TLS 1.3: records of 1000 bytes and full records read in place,
/// then sealing. In TLS 1.3 the inner content type and padding are stripped by narrowing the
/// range handed out (RFC 8446 5.4), not by a copy.
#[test]
fn reading_and_sealing_records_allocate_nothing_per_record() {
    for version in [ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_3] {
        one_record_in_place(version, 1000);
        one_record_in_place(version, FULL_RECORD);
        sealing_allocates_nothing_per_record(version);
    }
}
