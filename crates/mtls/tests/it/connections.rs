//! The facade end to end: configs, sans-IO connections in memory, and blocking streams over
//! TCP on 127.0.0.1.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{BufRead, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use mtls::{
    AlertDescription, ClientAuthPolicy, ClientConfig, ClientConnection, ConnectionCommon, Error,
    HandshakeKind, ServerConfig, ServerConnection, StreamOwned,
};
use mtls_testkit::{TrustAll, chain, fixture, hello, key, pump, pump_ok};

fn server_config(policy: ClientAuthPolicy) -> ServerConfig {
    ServerConfig::builder()
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .certificate(chain("server-ecdsa"), key("server-ecdsa"))
        .certificate(chain("server-rsa"), key("server-rsa"))
        .client_auth(policy, Arc::new(TrustAll))
        .build()
        .unwrap()
}

fn client_config(with_cert: bool) -> ClientConfig {
    let b = ClientConfig::builder(Arc::new(TrustAll)).versions(&[mtls::ProtocolVersion::TLSv1_2]);
    let b = if with_cert {
        b.client_certificate(chain("client-rsa"), key("client-rsa"))
    } else {
        b
    };
    b.build().unwrap()
}

#[test]
fn sans_io_mutual_handshake_then_data_both_ways() {
    let mut client = ClientConnection::new(&client_config(true), "localhost").unwrap();
    let mut server = ServerConnection::new(&server_config(ClientAuthPolicy::Required)).unwrap();
    // Written before the handshake: sent as soon as it completes.
    client.writer().write_all(b"early hello").unwrap();
    let (rc, rs) = pump(&mut client, &mut server);
    rc.unwrap();
    rs.unwrap();
    assert!(!client.is_handshaking() && !server.is_handshaking());
    assert_eq!(
        server.handshake_kind(),
        Some(HandshakeKind::FullEcdheClientCert)
    );
    assert_eq!(
        server.peer_certificates().unwrap()[0].to_vec(),
        fixture("client-rsa.cert.der")
    );
    assert_eq!(server.server_name(), Some("localhost"));
    assert_eq!(client.extended_master_secret(), Some(true));
    let mut got = [0u8; 11];
    server.reader().read_exact(&mut got).unwrap();
    assert_eq!(&got, b"early hello");

    server.writer().write_all(b"reply").unwrap();
    pump_ok(&mut client, &mut server);
    let mut got = [0u8; 5];
    client.reader().read_exact(&mut got).unwrap();
    assert_eq!(&got, b"reply");
    // Nothing more yet: WouldBlock, not EOF.
    assert_eq!(
        client.reader().read(&mut got).unwrap_err().kind(),
        ErrorKind::WouldBlock
    );
}

#[test]
fn close_notify_is_a_clean_end_and_truncation_is_unexpected_eof() {
    let mut client = ClientConnection::new(&client_config(true), "localhost").unwrap();
    let mut server = ServerConnection::new(&server_config(ClientAuthPolicy::Required)).unwrap();
    pump_ok(&mut client, &mut server);
    server.send_close_notify();
    pump_ok(&mut client, &mut server);
    let mut buf = [0u8; 4];
    assert_eq!(
        client.reader().read(&mut buf).unwrap(),
        0,
        "close_notify reads as EOF"
    );

    let mut client = ClientConnection::new(&client_config(true), "localhost").unwrap();
    let mut server = ServerConnection::new(&server_config(ClientAuthPolicy::Required)).unwrap();
    pump_ok(&mut client, &mut server);
    // The transport ends without close_notify.
    assert_eq!(client.read_tls(&mut &[][..]).unwrap(), 0);
    client.process_new_packets().unwrap();
    let err = client.reader().read(&mut buf).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
}

#[test]
fn required_client_auth_without_a_certificate_explains_itself_on_both_sides() {
    let mut client = ClientConnection::new(&client_config(false), "localhost").unwrap();
    let mut server = ServerConnection::new(&server_config(ClientAuthPolicy::Required)).unwrap();
    let (rc, rs) = pump(&mut client, &mut server);
    let rs = rs.unwrap_err();
    assert_eq!(
        rs.to_string(),
        "the client sent no certificate but this server requires one (sent alert handshake_failure)"
    );
    assert_eq!(
        rc.unwrap_err(),
        Error::AlertReceived(AlertDescription::HandshakeFailure)
    );
}

#[test]
fn blocking_streams_over_tcp_echo_and_close() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server_cfg = server_config(ClientAuthPolicy::Required);
    let server = std::thread::spawn(move || {
        let (sock, _) = listener.accept().unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let conn = ServerConnection::new(&server_cfg).unwrap();
        let mut tls = StreamOwned::new(conn, sock);
        let mut line = Vec::new();
        let mut buf = [0u8; 64];
        loop {
            let n = tls.read(&mut buf).unwrap();
            if n == 0 {
                break; // close_notify
            }
            line.extend_from_slice(&buf[..n]);
            if line.ends_with(b"\n") {
                tls.write_all(&line).unwrap();
                line.clear();
            }
        }
        tls.close().unwrap();
        tls.conn.peer_certificates().unwrap().len()
    });

    let sock = TcpStream::connect(addr).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let conn = ClientConnection::new(&client_config(true), "localhost").unwrap();
    let mut tls = StreamOwned::new(conn, sock);
    for msg in [&b"hello\n"[..], &vec![b'x'; 40_000][..], b"\n"] {
        tls.write_all(msg).unwrap();
    }
    let mut got = vec![0u8; 6];
    tls.read_exact(&mut got).unwrap();
    assert_eq!(got, b"hello\n");
    let mut big = vec![0u8; 40_001];
    tls.read_exact(&mut big).unwrap();
    assert!(big[..40_000].iter().all(|b| *b == b'x'));
    tls.close().unwrap();
    let mut rest = Vec::new();
    tls.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty());
    assert_eq!(server.join().unwrap(), 2, "server saw the client's chain");
}

#[test]
fn key_log_file_has_the_nss_format_and_matches_on_both_sides() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.txt");
    let log = Arc::new(mtls::KeyLogFile::new(&path));
    let server_cfg = ServerConfig::builder()
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .certificate(chain("server-rsa"), key("server-rsa"))
        .key_log(log.clone())
        .build()
        .unwrap();
    let client_cfg = ClientConfig::builder(Arc::new(TrustAll))
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .key_log(log)
        .build()
        .unwrap();
    let mut client = ClientConnection::new(&client_cfg, "localhost").unwrap();
    let mut server = ServerConnection::new(&server_cfg).unwrap();
    pump_ok(&mut client, &mut server);
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(
        lines[0], lines[1],
        "client and server derived the same master secret"
    );
    let parts: Vec<&str> = lines[0].split(' ').collect();
    assert_eq!(parts[0], "CLIENT_RANDOM");
    assert_eq!(parts[1].len(), 64);
    assert_eq!(parts[2].len(), 96);
    assert_eq!(
        parts[1],
        hex::encode(client.handshake_summary().unwrap().client_random)
    );
}

#[test]
fn the_server_picks_the_certificate_that_fits_the_client() {
    for (suite, want) in [
        (mtls::suites::ECDHE_RSA_AES128_GCM, "server-rsa"),
        (mtls::suites::ECDHE_ECDSA_AES128_GCM, "server-ecdsa"),
    ] {
        let client_cfg = ClientConfig::builder(Arc::new(TrustAll))
            .versions(&[mtls::ProtocolVersion::TLSv1_2])
            .cipher_suites(&[suite])
            .build()
            .unwrap();
        let mut client = ClientConnection::new(&client_cfg, "localhost").unwrap();
        let mut server = ServerConnection::new(&server_config(ClientAuthPolicy::None)).unwrap();
        let (rc, rs) = pump(&mut client, &mut server);
        rc.unwrap();
        rs.unwrap();
        assert_eq!(
            client.peer_certificates().unwrap()[0].to_vec(),
            fixture(&format!("{want}.cert.der"))
        );
    }
}

/// Received data is read from the receive buffer in place when the caller reads it before
/// reading from the transport again, and queued otherwise; either way every byte comes out
/// once, in order, whatever mix of partial reads and small transport reads the caller uses.
#[test]
fn received_data_keeps_its_order_whatever_the_read_pattern() {
    let mut client = ClientConnection::new(&client_config(true), "localhost").unwrap();
    let mut server = ServerConnection::new(&server_config(ClientAuthPolicy::Required)).unwrap();
    pump_ok(&mut client, &mut server);

    // 40 records of varied sizes (one larger than a record, so it is fragmented), then
    // close_notify, all in one flight.
    let mut sent = Vec::new();
    for i in 0..40u32 {
        let len = match i % 4 {
            0 => 1,
            1 => 700,
            2 => 5000,
            _ => 17_000,
        };
        let piece: Vec<u8> = (0..len).map(|j| (i * 31 + j * 7) as u8).collect();
        client.writer().write_all(&piece).unwrap();
        sent.extend_from_slice(&piece);
    }
    client.send_close_notify();
    let mut wire = Vec::new();
    while client.wants_write() {
        client.write_tls(&mut wire).unwrap();
    }

    // Transport reads of a changing size; after each, process, then read a changing amount
    // (sometimes nothing, so that data waits while the next bytes come in).
    let mut got = Vec::new();
    let mut rd = &wire[..];
    let mut step = 0usize;
    let mut buf = vec![0u8; 9000];
    loop {
        step += 1;
        if !rd.is_empty() && server.wants_read() {
            let take = [1, 5, 300, 4096, 20_000][step % 5].min(rd.len());
            let mut chunk = &rd[..take];
            let n = server.read_tls(&mut chunk).unwrap();
            rd = &rd[n..];
        }
        let state = server.process_new_packets().unwrap();
        let want = [0, 1, 9000, 123, 0, 4000][step % 6];
        let mut read_now = 0;
        while read_now < want {
            // Every other step reads in place (BufRead), taking part of what is offered.
            let r = if step.is_multiple_of(2) {
                server.reader().read(&mut buf[..want - read_now])
            } else {
                let mut reader = server.reader();
                match reader.fill_buf() {
                    Ok(data) => {
                        let n = data.len().min(want - read_now).min(777);
                        got.extend_from_slice(&data[..n]);
                        reader.consume(n);
                        read_now += n;
                        Ok(usize::MAX)
                    }
                    Err(e) => Err(e),
                }
            };
            match r {
                Ok(0) => break,
                Ok(usize::MAX) => {}
                Ok(n) => {
                    got.extend_from_slice(&buf[..n]);
                    read_now += n;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) => panic!("{e}"),
            }
        }
        if rd.is_empty() && state.peer_has_closed && state.plaintext_bytes_to_read == read_now {
            break;
        }
        assert!(step < 100_000, "no progress");
    }
    // Drain what is left, then close_notify reads as EOF.
    loop {
        match server.reader().read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(got.len(), sent.len());
    assert!(got == sent, "bytes out of order");
}

/// Data and close_notify that arrive together are both seen by one process_new_packets.
#[test]
fn data_then_close_notify_in_one_flight() {
    let mut client = ClientConnection::new(&client_config(true), "localhost").unwrap();
    let mut server = ServerConnection::new(&server_config(ClientAuthPolicy::Required)).unwrap();
    pump_ok(&mut client, &mut server);
    client.writer().write_all(b"last words").unwrap();
    client.send_close_notify();
    let mut wire = Vec::new();
    while client.wants_write() {
        client.write_tls(&mut wire).unwrap();
    }
    server.read_tls(&mut &wire[..]).unwrap();
    let state = server.process_new_packets().unwrap();
    assert!(state.peer_has_closed);
    assert_eq!(state.plaintext_bytes_to_read, 10);
    let mut got = Vec::new();
    server.reader().read_to_end(&mut got).unwrap();
    assert_eq!(got, b"last words");
}

/// `BufRead` hands received data out where it lies: partial `consume`, the rest on the next
/// `fill_buf`, an empty buffer after close_notify, `WouldBlock` while nothing has arrived.
#[test]
fn bufread_reads_in_place_and_ends_at_close_notify() {
    let mut client = ClientConnection::new(&client_config(true), "localhost").unwrap();
    let mut server = ServerConnection::new(&server_config(ClientAuthPolicy::Required)).unwrap();
    pump_ok(&mut client, &mut server);
    assert_eq!(
        server.reader().fill_buf().unwrap_err().kind(),
        ErrorKind::WouldBlock
    );
    client.writer().write_all(b"first line\nsecond").unwrap();
    pump_ok(&mut client, &mut server);
    {
        let mut r = server.reader();
        assert_eq!(r.fill_buf().unwrap(), b"first line\nsecond");
        r.consume(6);
        assert_eq!(r.fill_buf().unwrap(), b"line\nsecond");
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        assert_eq!(line, "line\n");
    }
    client.send_close_notify();
    pump_ok(&mut client, &mut server);
    let mut r = server.reader();
    assert_eq!(r.fill_buf().unwrap(), b"second");
    r.consume(6);
    assert_eq!(r.fill_buf().unwrap(), b"", "close_notify: end of data");
}

/// A blocking stream is a `BufRead` too: lines over TCP.
#[test]
fn blocking_stream_reads_lines() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server_cfg = server_config(ClientAuthPolicy::Required);
    let server = std::thread::spawn(move || {
        let (sock, _) = listener.accept().unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut tls = StreamOwned::new(ServerConnection::new(&server_cfg).unwrap(), sock);
        let lines: Vec<String> = (&mut tls).lines().map(|l| l.unwrap()).collect();
        tls.close().unwrap();
        lines
    });
    let sock = TcpStream::connect(addr).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let conn = ClientConnection::new(&client_config(true), "localhost").unwrap();
    let mut tls = StreamOwned::new(conn, sock);
    let long = "y".repeat(30_000);
    write!(tls, "one\n{long}\nthree\n").unwrap();
    tls.close().unwrap();
    let mut rest = Vec::new();
    tls.read_to_end(&mut rest).unwrap();
    assert_eq!(
        server.join().unwrap(),
        vec!["one".to_string(), long, "three".into()]
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Whatever the write sizes, transport chunks and read pattern (`Read` of any size,
    /// `BufRead` taking part of what is offered, or nothing before the next transport read),
    /// every byte arrives once and in order, then close_notify reads as the end.
    #[test]
    fn received_data_is_whole_and_in_order_under_random_reads(
        writes in proptest::collection::vec(1usize..40_000, 1..6),
        transport in proptest::collection::vec(1usize..20_000, 1..6),
        reads in proptest::collection::vec((0u8..3, 0usize..20_000), 1..6),
    ) {
        let mut client = ClientConnection::new(&client_config(true), "localhost").unwrap();
        let mut server =
            ServerConnection::new(&server_config(ClientAuthPolicy::Required)).unwrap();
        pump_ok(&mut client, &mut server);
        let mut sent = Vec::new();
        for (i, len) in writes.iter().enumerate() {
            let piece: Vec<u8> = (0..*len).map(|j| (i * 131 + j * 7) as u8).collect();
            client.writer().write_all(&piece).unwrap();
            sent.extend_from_slice(&piece);
        }
        client.send_close_notify();
        let mut wire = Vec::new();
        while client.wants_write() {
            client.write_tls(&mut wire).unwrap();
        }

        let mut got = Vec::new();
        let mut buf = vec![0u8; 20_000];
        let (mut off, mut step) = (0, 0);
        while off < wire.len() {
            proptest::prop_assert!(step < 100_000, "no progress");
            if server.wants_read() {
                let n = transport[step % transport.len()].min(wire.len() - off);
                off += server.read_tls(&mut &wire[off..off + n]).unwrap();
            }
            server.process_new_packets().unwrap();
            let (how, amount) = reads[step % reads.len()];
            step += 1;
            // With 64 KiB unread the connection takes no more bytes: read then.
            let how = if server.wants_read() { how } else { 0 };
            match how {
                0 => match server.reader().read(&mut buf[..amount.max(1)]) {
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                    Err(e) => panic!("{e}"),
                },
                1 => {
                    let mut r = server.reader();
                    match r.fill_buf() {
                        Ok(data) => {
                            let n = data.len().min(amount);
                            got.extend_from_slice(&data[..n]);
                            r.consume(n);
                        }
                        Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                        Err(e) => panic!("{e}"),
                    }
                }
                // Read nothing now: the data waits while more bytes come in.
                _ => {}
            }
        }
        // Everything has arrived: the rest, then close_notify as the end of data.
        let mut ended = false;
        for _ in 0..100_000 {
            server.process_new_packets().unwrap();
            match server.reader().read(&mut buf) {
                Ok(0) => {
                    ended = true;
                    break;
                }
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) => panic!("{e}"),
            }
        }
        proptest::prop_assert!(ended, "close_notify not seen");
        proptest::prop_assert_eq!(got.len(), sent.len());
        proptest::prop_assert!(got == sent, "bytes out of order");
    }
}

// ---- sessions and fatal alerts (RFC 5246 7.2.2) ----

fn resumable_configs() -> (
    ServerConfig,
    ClientConfig,
    Arc<mtls::InMemorySessionCache>,
    Arc<mtls::InMemoryClientSessionStore>,
) {
    let cache = Arc::new(mtls::InMemorySessionCache::new(8, 3600));
    let store = Arc::new(mtls::InMemoryClientSessionStore::new(8, 3600));
    let server = ServerConfig::builder()
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .certificate(chain("server-ecdsa"), key("server-ecdsa"))
        .client_auth(ClientAuthPolicy::Required, Arc::new(TrustAll))
        .session_cache(Some(cache.clone()))
        .build()
        .unwrap();
    let client = ClientConfig::builder(Arc::new(TrustAll))
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .client_certificate(chain("client-rsa"), key("client-rsa"))
        .session_store(Some(store.clone()))
        .build()
        .unwrap();
    (server, client, cache, store)
}

/// Moves everything `from` has to send into `to`, after `tamper` had its way with the bytes.
fn deliver_tampered(
    from: &mut ConnectionCommon,
    to: &mut ConnectionCommon,
    tamper: impl FnOnce(&mut Vec<u8>),
) -> Result<mtls::IoState, Error> {
    let mut buf = Vec::new();
    while from.wants_write() {
        from.write_tls(&mut buf).unwrap();
    }
    tamper(&mut buf);
    to.read_tls(&mut &buf[..]).unwrap();
    to.process_new_packets()
}

/// RFC 5246 7.2.2: "the session [of a connection ended by a fatal alert] MUST NOT be
/// resumed": the server forgets it when it sends the alert, the client when it receives it.
#[test]
fn rfc5246_7_2_2_a_fatal_alert_after_the_handshake_removes_the_session_on_both_sides() {
    let (sc, cc, cache, store) = resumable_configs();
    let mut client = ClientConnection::new(&cc, "localhost").unwrap();
    let mut server = ServerConnection::new(&sc).unwrap();
    pump_ok(&mut client, &mut server);
    assert_eq!((cache.len(), store.len()), (1, 1));

    // A record damaged on the way: the server answers bad_record_mac.
    client.writer().write_all(b"hello").unwrap();
    let e =
        deliver_tampered(&mut client, &mut server, |b| *b.last_mut().unwrap() ^= 1).unwrap_err();
    assert_eq!(e.alert(), Some(AlertDescription::BadRecordMac));
    assert!(
        cache.is_empty(),
        "the server kept a session ended by a fatal alert"
    );
    let e = deliver_tampered(&mut server, &mut client, |_| {}).unwrap_err();
    assert_eq!(e, Error::AlertReceived(AlertDescription::BadRecordMac));
    assert!(
        store.is_empty(),
        "the client kept a session ended by a fatal alert"
    );

    // Both sides now run a full handshake.
    let mut client = ClientConnection::new(&cc, "localhost").unwrap();
    let mut server = ServerConnection::new(&sc).unwrap();
    pump_ok(&mut client, &mut server);
    assert_eq!(server.is_resumed(), Some(false));
}

/// RFC 5246 7.2.2, during an abbreviated handshake: a resumption that fails with a fatal
/// alert takes the session with it.
#[test]
fn rfc5246_7_2_2_a_fatal_alert_during_a_resumption_removes_the_session() {
    let (sc, cc, cache, store) = resumable_configs();
    let mut client = ClientConnection::new(&cc, "localhost").unwrap();
    let mut server = ServerConnection::new(&sc).unwrap();
    pump_ok(&mut client, &mut server);

    let mut client = ClientConnection::new(&cc, "localhost").unwrap();
    let mut server = ServerConnection::new(&sc).unwrap();
    deliver_tampered(&mut client, &mut server, |_| {}).unwrap();
    deliver_tampered(&mut server, &mut client, |_| {}).unwrap();
    assert_eq!(client.is_resumed(), Some(true));
    // The client's Finished is damaged: bad_record_mac at the server.
    let e =
        deliver_tampered(&mut client, &mut server, |b| *b.last_mut().unwrap() ^= 1).unwrap_err();
    assert_eq!(e.alert(), Some(AlertDescription::BadRecordMac));
    assert!(cache.is_empty());
    deliver_tampered(&mut server, &mut client, |_| {}).unwrap_err();
    assert!(store.is_empty());
}

// ---- A peer that breaks the record-level rules: each refusal reaches it as its RFC alert ----

/// Everything `conn` has to send.
fn drain_wire(conn: &mut ConnectionCommon) -> Vec<u8> {
    let mut wire = Vec::new();
    while conn.wants_write() {
        conn.write_tls(&mut wire).unwrap();
    }
    wire
}

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
    let mut server = server_for_hand_client();
    let state = deliver(&mut server, &warning(0)).unwrap();
    assert!(state.peer_has_closed);
}
