//! The facade end to end: configs, sans-IO connections in memory, and blocking streams over
//! TCP on 127.0.0.1. Sessions ended by a fatal alert are fatal_alert_sessions.rs's, a peer
//! breaking the record-level rules record_rules.rs's.
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

use crate::tls12_configs::*;
use mtls::{
    AlertDescription, ClientAuthPolicy, ClientConfig, ClientConnection, Error, HandshakeKind,
    ServerConfig, ServerConnection, StreamOwned,
};
use mtls_testkit::{TrustAll, chain, fixture, key, pump, pump_ok};

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
