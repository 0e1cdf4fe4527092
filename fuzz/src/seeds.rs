//! Writes the seed corpora of the `server`, `client`, `server_resumption`,
//! `certificate_chain`, `client_hello_structured` and `roundtrip` fuzz targets.
//!
//! The example `crates/mtls/examples/record_fuzz_seeds.rs` runs it (stable toolchain, the
//! same functions the targets call; this crate is a dev-dependency of `mtls`): from the
//! workspace root,
//!
//! ```sh
//! cargo run -p mtls --example record_fuzz_seeds
//! ```
//!
//! Seeds:
//! - a handshake recorded from mtls itself: an mtls client ([`new_client`](crate::new_client)) against
//!   an mtls server ([`new_server`](crate::new_server)), both on the fixed configurations and seeded
//!   random sources of the targets, with application data and close_notify both ways. Because
//!   the targets use the same seeds, the recorded client-to-server stream completes the
//!   handshake in the `server` target and the server-to-client stream completes it in the
//!   `client` target (checked here), so the fuzzer starts past every signature and Finished
//!   check. Also the first flight of each side alone.
//! - the captured real-world streams `crates/mtls-testkit/vectors/*/transcript-c2s.hex`
//!   (`server`) and `transcript-s2c.hex` (`client`). Their randoms are not ours, so they stop
//!   at the first signature or Finished check, but after parsing every message.
//! - the fixture certificate chains (`certificate_chain`), captured handshake messages,
//!   records and alerts (`roundtrip`), and a few byte strings (`client_hello_structured`).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use mtls_handshake::CertificateDer;

use mtls_testkit::vectors_dir;

use crate::{Outcome, fixtures, fuzz_dir};

fn put(target: &str, name: &str, data: &[u8]) {
    let dir = fuzz_dir().join("corpus").join(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), data).unwrap();
}

fn hex_file(path: &Path) -> Vec<u8> {
    let text = std::fs::read_to_string(path).unwrap();
    let digits: String = text.split_whitespace().collect();
    hex::decode(digits).unwrap()
}

fn with_mode(mode: u8, stream: &[u8]) -> Vec<u8> {
    let mut v = vec![mode];
    v.extend_from_slice(stream);
    v
}

/// The flights of one mtls handshake with data and close_notify both ways: (client to
/// server, server to client), one entry per flight.
fn record_mtls_handshake(
    mut client: mtls::ClientConnection,
    mut server: mtls::ServerConnection,
) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    client
        .writer()
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let (mut c2s, mut s2c) = (Vec::new(), Vec::new());
    let (mut request, mut response) = (Vec::new(), Vec::new());
    let mut server_replied = false;
    let mut closed = false;
    let mut buf = [0u8; 1024];
    for _ in 0..10 {
        let flight = crate::drain_tls(&mut client);
        if !flight.is_empty() {
            server.read_tls(&mut &flight[..]).unwrap();
            server.process_new_packets().unwrap();
            c2s.push(flight);
        }
        while let Ok(n @ 1..) = server.reader().read(&mut buf) {
            request.extend_from_slice(&buf[..n]);
        }
        if request.ends_with(b"\r\n\r\n") && !server_replied {
            server
                .writer()
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                .unwrap();
            server.send_close_notify();
            server_replied = true;
        }
        let flight = crate::drain_tls(&mut server);
        if !flight.is_empty() {
            client.read_tls(&mut &flight[..]).unwrap();
            client.process_new_packets().unwrap();
            s2c.push(flight);
        }
        while let Ok(n @ 1..) = client.reader().read(&mut buf) {
            response.extend_from_slice(&buf[..n]);
        }
        if response.ends_with(b"ok") && !closed {
            client.send_close_notify();
            closed = true;
        }
        if closed && !client.wants_write() && !server.wants_write() {
            break;
        }
    }
    assert!(closed, "the recorded handshake did not finish");
    (c2s, s2c)
}

/// Writes every seed file (run by hand: it rewrites files under `fuzz/corpus/`).
pub fn record_seeds() {
    let (c2s, s2c) = record_mtls_handshake(crate::new_client(), crate::new_server());
    let all_c2s = c2s.concat();
    let all_s2c = s2c.concat();

    // The recorded streams must take the targets' connections through the handshake.
    let mut server = crate::new_server();
    let mut out = Vec::new();
    assert_eq!(
        crate::drive(&mut server, &[&all_c2s], &mut out),
        Outcome::Alive
    );
    assert!(!server.is_handshaking(), "recorded c2s does not complete");
    let mut client = crate::new_client();
    crate::drain_tls(&mut client);
    assert_eq!(
        crate::drive(&mut client, &[&all_s2c], &mut out),
        Outcome::Alive
    );
    assert!(!client.is_handshaking(), "recorded s2c does not complete");

    // A static RSA handshake with an RSA client certificate: it completes in the `server`
    // target too (the server's answers depend only on its seed and the client's bytes).
    let rsa_config = mtls::ClientConfig::with_roots(crate::fixture_roots())
        .client_certificate(
            crate::chain(fixtures::CLIENT_RSA),
            crate::fixture_key(fixtures::CLIENT_RSA_KEY),
        )
        .cipher_suites(&[mtls::suites::RSA_AES128_GCM])
        .enable_static_rsa(true)
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .clock(std::sync::Arc::new(mtls_handshake::FixedClock(crate::NOW)))
        .session_store(None)
        .build()
        .unwrap();
    let rsa_client = mtls::ClientConnection::with_rng(
        &rsa_config,
        crate::SERVER_NAME,
        Box::new(mtls_crypto::DeterministicRng::from_seed([0x7a; 32])),
    )
    .unwrap();
    let (rsa_c2s, _) = record_mtls_handshake(rsa_client, crate::new_server());
    let all_rsa = rsa_c2s.concat();
    let mut server = crate::new_server();
    assert_eq!(
        crate::drive(&mut server, &[&all_rsa], &mut out),
        Outcome::Alive
    );
    assert_eq!(
        server.negotiated_cipher_suite(),
        Some(mtls::NegotiatedSuite::Tls12(mtls::suites::RSA_AES128_GCM))
    );
    put("server", "mtls-static-rsa", &with_mode(0, &all_rsa));

    // The same handshake in TLS 1.2 (the targets' configurations offer TLS 1.3 first, so the
    // recording above is TLS 1.3): a TLS 1.2-only client against the target's server.
    let tls12_config = mtls::ClientConfig::with_roots(crate::fixture_roots())
        .client_certificate(
            crate::chain(fixtures::CLIENT_ECDSA),
            crate::fixture_key(fixtures::CLIENT_ECDSA_KEY),
        )
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .clock(std::sync::Arc::new(mtls_handshake::FixedClock(crate::NOW)))
        .session_store(None)
        .build()
        .unwrap();
    let tls12_client = mtls::ClientConnection::with_rng(
        &tls12_config,
        crate::SERVER_NAME,
        Box::new(mtls_crypto::DeterministicRng::from_seed([0x12; 32])),
    )
    .unwrap();
    let (tls12_c2s, tls12_s2c) = record_mtls_handshake(tls12_client, crate::new_server());
    let all_tls12 = tls12_c2s.concat();
    let mut server = crate::new_server();
    assert_eq!(
        crate::drive(&mut server, &[&all_tls12], &mut out),
        Outcome::Alive
    );
    assert_eq!(
        server.protocol_version(),
        Some(mtls::ProtocolVersion::TLSv1_2)
    );
    put("server", "mtls-tls12-full", &with_mode(0, &all_tls12));
    put(
        "client",
        "mtls-tls12-full",
        &with_mode(0, &tls12_s2c.concat()),
    );

    // Mode bytes: 0 = one chunk; 0b101_011_10 = three chunks cut at 4/9 and 6/9.
    let three = 0b1010_1110;
    put("server", "mtls-client-hello", &with_mode(0, &c2s[0]));
    put("server", "mtls-full", &with_mode(0, &all_c2s));
    put("server", "mtls-full-3-chunks", &with_mode(three, &all_c2s));
    put("client", "mtls-server-flight", &with_mode(0, &s2c[0]));
    put("client", "mtls-full", &with_mode(0, &all_s2c));
    put("client", "mtls-full-3-chunks", &with_mode(three, &all_s2c));
    record_resumption_seeds();

    let mut sessions: Vec<PathBuf> = std::fs::read_dir(vectors_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("transcript-c2s.hex").exists())
        .collect();
    sessions.sort();
    for session in &sessions {
        let name = session.file_name().unwrap().to_string_lossy();
        let c2s = hex_file(&session.join("transcript-c2s.hex"));
        let s2c = hex_file(&session.join("transcript-s2c.hex"));
        put("server", &format!("real-{name}"), &with_mode(0, &c2s));
        put("client", &format!("real-{name}"), &with_mode(0, &s2c));
    }

    // certificate_chain: byte 0 = name (bits 0-1), time (bits 2-3), trust the last (bit 4);
    // then u16-prefixed certificates.
    let chain = |flags: u8, certs: &[&[u8]]| {
        let mut v = vec![flags];
        for c in certs {
            v.extend_from_slice(&(c.len() as u16).to_be_bytes());
            v.extend_from_slice(c);
        }
        v
    };
    let ca = fixtures::CA;
    put(
        "certificate_chain",
        "server-ecdsa",
        &chain(0, &[fixtures::SERVER_ECDSA, ca]),
    );
    put(
        "certificate_chain",
        "server-rsa-ip",
        &chain(1, &[fixtures::SERVER_RSA, ca]),
    );
    put(
        "certificate_chain",
        "server-other-wildcard",
        &chain(3, &[fixtures::SERVER_OTHER, ca]),
    );
    put(
        "certificate_chain",
        "client-ecdsa-leaf-only",
        &chain(0, &[fixtures::CLIENT_ECDSA]),
    );
    put(
        "certificate_chain",
        "client-rsa-expired",
        &chain(8, &[fixtures::CLIENT_RSA, ca]),
    );
    put(
        "certificate_chain",
        "server-ecdsa-before",
        &chain(4, &[fixtures::SERVER_ECDSA, ca]),
    );
    put(
        "certificate_chain",
        "self-trusted-leaf",
        &chain(16, &[fixtures::SERVER_OTHER]),
    );
    put(
        "certificate_chain",
        "four-certs",
        &chain(0, &[fixtures::SERVER_ECDSA, ca, fixtures::CLIENT_RSA, ca]),
    );
    // The fixtures as the verifiers see them must give the expected verdicts.
    let certs = crate::split_certs(&chain(0, &[fixtures::SERVER_ECDSA, ca])[1..]);
    assert_eq!(
        certs,
        vec![
            CertificateDer::from(fixtures::SERVER_ECDSA.to_vec()),
            CertificateDer::from(ca.to_vec())
        ]
    );

    // client_hello_structured: arbitrary bytes; a few shapes to start from.
    put("client_hello_structured", "zeros", &[0u8; 64]);
    put("client_hello_structured", "ones", &[0xffu8; 256]);
    put(
        "client_hello_structured",
        "counting",
        &(0..=255u8).collect::<Vec<_>>(),
    );
    put(
        "client_hello_structured",
        "mtls-client-hello-bytes",
        &c2s[0],
    );

    // roundtrip: record header + handshake messages (mtls's ClientHello record), each captured
    // session's messages back to back, one ServerKeyExchange and ClientKeyExchange of each
    // key exchange, an alert and a ChangeCipherSpec.
    put("roundtrip", "mtls-client-hello-record", &c2s[0]);
    put("roundtrip", "mtls-client-hello", c2s[0].get(5..).unwrap());
    put("roundtrip", "alert", &[2, 40]);
    put("roundtrip", "ccs", &[1]);
    for session in &sessions {
        let name = session.file_name().unwrap().to_string_lossy().into_owned();
        let mut files: Vec<PathBuf> = std::fs::read_dir(session)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let f = p.file_name().unwrap().to_string_lossy();
                f.ends_with(".hex") && f.as_bytes().first().is_some_and(u8::is_ascii_digit)
            })
            .collect();
        files.sort();
        let messages: Vec<Vec<u8>> = files.iter().map(|p| hex_file(p)).collect();
        if ["openssl-ecdhe-ecdsa", "openssl-rsa-kx", "gnutls-ecdhe-rsa"].contains(&name.as_str()) {
            put("roundtrip", &format!("real-{name}"), &messages.concat());
            for (path, m) in files.iter().zip(&messages) {
                let f = path.file_name().unwrap().to_string_lossy();
                if f.contains("key_exchange") {
                    let f = f.trim_end_matches(".hex");
                    put("roundtrip", &format!("real-{name}-{f}"), m);
                }
            }
        }
    }
}

/// `server_resumption`: for TLS 1.3 with psk_dhe_ke, TLS 1.3 with psk_ke and TLS 1.2 by
/// ticket (RFC 5077), the full handshake that leaves a ticket in the client's store and the
/// resumption that follows, both recorded against the target's server; each resumption must
/// resume in the target. Also the resuming ClientHello alone.
fn record_resumption_seeds() {
    use mtls::ProtocolVersion::{TLSv1_2, TLSv1_3};
    let runs = [
        ("mtls-tls13-psk-dhe-ke", TLSv1_3, false),
        ("mtls-tls13-psk-ke", TLSv1_3, true),
        ("mtls-tls12-ticket", TLSv1_2, false),
    ];
    for (name, version, psk_ke) in runs {
        let store = std::sync::Arc::new(mtls::InMemoryClientSessionStore::new(4, 86_400));
        let config = mtls::ClientConfig::with_roots(crate::fixture_roots())
            .client_certificate(
                crate::chain(fixtures::CLIENT_ECDSA),
                crate::fixture_key(fixtures::CLIENT_ECDSA_KEY),
            )
            .versions(&[version])
            .clock(std::sync::Arc::new(mtls_handshake::FixedClock(crate::NOW)))
            .session_store(Some(store))
            .tls13_psk_ke(psk_ke)
            .build()
            .unwrap();
        let client = |seed: u8| {
            mtls::ClientConnection::with_rng(
                &config,
                crate::SERVER_NAME,
                Box::new(mtls_crypto::DeterministicRng::from_seed([seed; 32])),
            )
            .unwrap()
        };
        let (full, _) = record_mtls_handshake(client(0x31), crate::new_resumption_server());
        let (resumed, _) = record_mtls_handshake(client(0x32), crate::new_resumption_server());
        let all = resumed.concat();
        let mut server = crate::new_resumption_server();
        let mut out = Vec::new();
        assert_eq!(crate::drive(&mut server, &[&all], &mut out), Outcome::Alive);
        assert!(
            !server.is_handshaking(),
            "{name}: the resumption does not complete"
        );
        assert_eq!(server.is_resumed(), Some(true), "{name}: not resumed");
        put(
            "server_resumption",
            &format!("{name}-full"),
            &with_mode(0, &full.concat()),
        );
        put("server_resumption", name, &with_mode(0, &all));
        put(
            "server_resumption",
            &format!("{name}-hello"),
            &with_mode(0, &resumed[0]),
        );
    }
}
