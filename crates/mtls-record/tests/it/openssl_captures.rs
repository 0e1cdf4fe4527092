//! Known answers from real connections: `openssl s_client` <-> `openssl s_server` sessions
//! captured on loopback with their NSS key logs (tests/vectors/, made by
//! scripts/capture-vectors/capture_records.py). Our key expansion (mtls-prf) plus our record
//! layer must decrypt every record both ways, the first protected handshake message must be a
//! Finished whose verify_data we recompute, the application data must be exactly what was sent,
//! and the streams end with close_notify.
//!
//! The same pipeline also runs over the raw transcripts of crates/mtls-testkit/vectors/
//! (GnuTLS, Python ssl and curl peers), without plaintext expectations. Loading the captures and
//! driving the reader over them is captures.rs's; tampered captures are captures_tampered.rs's.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::captures::*;
use mtls_crypto::aead::AeadAlgorithm;
use mtls_crypto::hash::{Hash, HashAlgorithm};
use mtls_prf::{Sender, key_block, verify_data};
use mtls_wire::alert::Alert;
use mtls_wire::handshake::{HandshakeMessage, HandshakePayload, ParseContext};
use mtls_wire::{AlertDescription, AlertLevel, CipherSuite, HandshakeType};

// ------------------------------------------------------------------------------------------
// One connection, end to end
// ------------------------------------------------------------------------------------------

struct Decrypted {
    suite: CipherSuite,
    params: SuiteParams,
    c2s: Direction,
    s2c: Direction,
}

fn parse_all(msgs: &[Vec<u8>], ctx: &ParseContext, what: &str) -> Vec<HandshakeMessage> {
    msgs.iter()
        .map(|m| {
            let (msg, rest) = HandshakeMessage::parse(m, ctx)
                .unwrap_or_else(|e| panic!("{what}: message type {} does not parse: {e}", m[0]));
            assert!(rest.is_empty(), "{what}: bytes after a whole message");
            assert_eq!(msg.raw(), &m[..]);
            msg
        })
        .collect()
}

fn finished_verify_data(msgs: &[Vec<u8>], what: &str) -> Vec<u8> {
    assert_eq!(
        msgs.len(),
        1,
        "{what}: exactly one protected handshake message (Finished) expected"
    );
    let (msg, _) = HandshakeMessage::parse(&msgs[0], &ParseContext::new()).unwrap();
    assert_eq!(
        msg.typ(),
        HandshakeType::Finished,
        "{what}: first protected message"
    );
    let HandshakePayload::Finished(v) = msg.payload() else {
        panic!("{what}: not a Finished payload")
    };
    assert_eq!(v.len(), 12, "{what}: verify_data length");
    v.clone()
}

fn decrypt_capture(cap: &Capture, chunking: Chunking) -> Decrypted {
    let name = &cap.name;
    // Pass 1: the plaintext flights, up to each ChangeCipherSpec.
    let c_flight = plaintext_flight(&cap.c2s, chunking);
    let s_flight = plaintext_flight(&cap.s2c, chunking);
    let (ch, _) = HandshakeMessage::parse(&c_flight[0], &ParseContext::new()).unwrap();
    let (sh, _) = HandshakeMessage::parse(&s_flight[0], &ParseContext::new()).unwrap();
    let HandshakePayload::ClientHello(ch) = ch.payload() else {
        panic!("{name}: first c2s message is not a ClientHello")
    };
    let HandshakePayload::ServerHello(sh) = sh.payload() else {
        panic!("{name}: first s2c message is not a ServerHello")
    };
    assert!(ch.cipher_suites.contains(&sh.cipher_suite));
    let suite = sh.cipher_suite;
    let params = suite_params(suite);
    // Every plaintext message parses with our codec, under the negotiated key exchange.
    let ctx = ParseContext::with_kx(params.kx);
    parse_all(&c_flight, &ctx, &format!("{name} c2s"));
    parse_all(&s_flight, &ctx, &format!("{name} s2c"));

    // Keys: master secret from the key log, key block from mtls-prf.
    let master = master_secret_from_keylog(&cap.keylog, &ch.random);
    let kb = key_block(
        mtls_crypto::default_provider(),
        params.prf,
        &master,
        &ch.random,
        &sh.random,
        params.layout,
    );

    // Pass 2: everything, decrypting after each ChangeCipherSpec with the sender's write keys.
    let c2s = read_direction(
        &cap.c2s,
        chunking,
        params.aead,
        kb.client_write.key(),
        kb.client_write.iv(),
    )
    .unwrap_or_else(|e| panic!("{name} c2s ({chunking:?}): {e}"));
    let s2c = read_direction(
        &cap.s2c,
        chunking,
        params.aead,
        kb.server_write.key(),
        kb.server_write.iv(),
    )
    .unwrap_or_else(|e| panic!("{name} s2c ({chunking:?}): {e}"));
    assert_eq!(c2s.plain_handshake, c_flight);
    assert_eq!(s2c.plain_handshake, s_flight);
    assert_eq!(c2s.ccs, 1, "{name}: one ChangeCipherSpec c2s");
    assert_eq!(s2c.ccs, 1, "{name}: one ChangeCipherSpec s2c");

    // Finished both ways, verify_data recomputed over the transcript (RFC 5246 7.4.9).
    let client_fin = finished_verify_data(&c2s.protected_handshake, &format!("{name} c2s"));
    let server_fin = finished_verify_data(&s2c.protected_handshake, &format!("{name} s2c"));
    // Transcript order of a full handshake: ClientHello, the server's first flight (up to
    // ServerHelloDone), the client's second flight, client Finished, then whatever the server
    // sent before its ChangeCipherSpec after ServerHelloDone (NewSessionTicket), server Finished.
    let shd = s_flight
        .iter()
        .position(|m| m[0] == HandshakeType::ServerHelloDone.to_u8())
        .expect("ServerHelloDone");
    let mut transcript = Hash::new(params.prf);
    transcript.update(&c_flight[0]);
    s_flight[..=shd].iter().for_each(|m| transcript.update(m));
    c_flight[1..].iter().for_each(|m| transcript.update(m));
    let want = verify_data(
        mtls_crypto::default_provider(),
        params.prf,
        &master,
        Sender::Client,
        transcript.fork().finish().as_slice(),
    );
    assert_eq!(
        want.as_bytes(),
        &client_fin[..],
        "{name}: client Finished verify_data"
    );
    assert!(want.verify(&client_fin));
    transcript.update(&c2s.protected_handshake[0]);
    s_flight[shd + 1..]
        .iter()
        .for_each(|m| transcript.update(m));
    let want = verify_data(
        mtls_crypto::default_provider(),
        params.prf,
        &master,
        Sender::Server,
        transcript.finish().as_slice(),
    );
    assert_eq!(
        want.as_bytes(),
        &server_fin[..],
        "{name}: server Finished verify_data"
    );

    Decrypted {
        suite,
        params,
        c2s,
        s2c,
    }
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Hash::digest(HashAlgorithm::Sha256, data).as_slice())
}

fn is_close_notify(a: &Alert) -> bool {
    a.level == AlertLevel::Warning && a.description == AlertDescription::CloseNotify
}

fn check_against_session(cap: &Capture, d: &Decrypted) {
    let name = &cap.name;
    let t = &cap.toml;
    assert_eq!(
        u64::from(d.suite.to_u16()),
        toml_int(t, "cipher_suite"),
        "{name}: suite"
    );
    let prf_name = match d.params.prf {
        HashAlgorithm::Sha256 => "sha256",
        HashAlgorithm::Sha384 => "sha384",
    };
    assert_eq!(t["prf_hash"], prf_name, "{name}: PRF hash");
    for (dir, x) in [("c2s", &d.c2s), ("s2c", &d.s2c)] {
        assert_eq!(x.leftover, 0, "{name} {dir}: bytes left in the reader");
        assert_eq!(
            x.app.len() as u64,
            toml_int(t, &format!("{dir}_plaintext_len")),
            "{name} {dir}: application data length"
        );
        assert_eq!(
            sha256_hex(&x.app),
            t[&format!("{dir}_plaintext_sha256")],
            "{name} {dir}: application data SHA-256"
        );
        let first_line = &t[&format!("{dir}_first_line")];
        assert!(
            x.app.starts_with(first_line.as_bytes()),
            "{name} {dir}: first line {:?}",
            String::from_utf8_lossy(&x.app[..x.app.len().min(40)])
        );
        if t.contains_key(&format!("{dir}_app_records")) {
            assert_eq!(
                x.app_records as u64,
                toml_int(t, &format!("{dir}_app_records")),
                "{name} {dir}: application data records"
            );
            assert_eq!(
                x.max_app_record as u64,
                toml_int(t, &format!("{dir}_max_app_record")),
                "{name} {dir}: largest application data record"
            );
        }
        let want_shape: &[&str] = if toml_bool(t, &format!("{dir}_close_notify")) == Some(true) {
            assert_eq!(x.alerts.len(), 1, "{name} {dir}: alerts {:?}", x.alerts);
            assert!(
                is_close_notify(&x.alerts[0]),
                "{name} {dir}: {:?}",
                x.alerts[0]
            );
            &["hs", "ccs", "hs", "app", "alert"]
        } else {
            assert!(x.alerts.is_empty(), "{name} {dir}: alerts {:?}", x.alerts);
            &["hs", "ccs", "hs", "app"]
        };
        let mut shape = x.shape.clone();
        shape.dedup();
        assert_eq!(shape, want_shape, "{name} {dir}: event order");
    }
    // The c2s text is what was written to s_client; s_server -rev reversed it line by line.
    if toml_bool(t, "s2c_is_reversed_lines") == Some(true) {
        let reversed: Vec<u8> = d
            .c2s
            .app
            .split_inclusive(|b| *b == b'\n')
            .flat_map(|l| {
                let mut l = l.strip_suffix(b"\n").unwrap().to_vec();
                l.reverse();
                l.push(b'\n');
                l
            })
            .collect();
        assert_eq!(
            reversed, d.s2c.app,
            "{name}: s2c is c2s reversed line by line"
        );
    }
}

// ------------------------------------------------------------------------------------------
// Tests
// ------------------------------------------------------------------------------------------

#[test]
fn openssl_captures_decrypt_with_our_key_expansion_and_record_layer() {
    let caps = record_captures();
    let mut aeads = Vec::new();
    let mut prfs = Vec::new();
    for cap in &caps {
        let reference = decrypt_capture(cap, Chunking::Whole);
        check_against_session(cap, &reference);
        aeads.push(reference.params.aead);
        prfs.push(reference.params.prf);
        // Any chunking of the TCP bytes gives the same events.
        for chunking in CHUNKINGS {
            let d = decrypt_capture(cap, chunking);
            assert_eq!(d.c2s, reference.c2s, "{} c2s {chunking:?}", cap.name);
            assert_eq!(d.s2c, reference.s2c, "{} s2c {chunking:?}", cap.name);
        }
    }
    for aead in [
        AeadAlgorithm::Aes128Gcm,
        AeadAlgorithm::Aes256Gcm,
        AeadAlgorithm::ChaCha20Poly1305,
    ] {
        assert!(aeads.contains(&aead), "no capture for {aead:?}");
    }
    assert!(
        prfs.contains(&HashAlgorithm::Sha384),
        "no capture with the SHA-384 PRF"
    );
}

#[test]
fn openssl_captures_cover_records_of_the_maximum_size_and_fragmented_handshakes() {
    let caps = record_captures();
    // One line longer than 2^14 came back in a full 2^14-byte record.
    assert!(
        caps.iter()
            .any(|c| { c.toml.get("s2c_max_app_record").map(String::as_str) == Some("16384") })
    );
    // A session where handshake messages span records (-max_send_frag 512).
    let frag = caps
        .iter()
        .find(|c| c.toml.get("s2c_max_handshake_record").map(String::as_str) == Some("512"))
        .expect("a capture with 512-byte handshake records");
    let mut records = 0;
    let mut pos = 0;
    while pos + 5 <= frag.s2c.len() && frag.s2c[pos] == 22 {
        records += 1;
        pos += 5 + usize::from(u16::from_be_bytes([frag.s2c[pos + 3], frag.s2c[pos + 4]]));
    }
    let msgs = plaintext_flight(&frag.s2c, Chunking::Whole);
    let biggest = msgs.iter().map(Vec::len).max().unwrap();
    assert!(biggest > 512, "a message longer than one record");
    assert!(
        records > msgs.len(),
        "{records} records for {} messages",
        msgs.len()
    );
}

#[test]
fn mtls_wire_transcripts_decrypt_too() {
    // GnuTLS, Python ssl, curl and OpenSSL peers from the codec vectors: no plaintext
    // expectations, but every record must open and both Finished must verify.
    let root = wire_vectors_dir();
    if !root.exists() {
        return; // the other crate's vectors are optional here
    }
    let caps = load_all(&root, "transcript-c2s.hex", "transcript-s2c.hex");
    assert!(!caps.is_empty(), "no transcripts in {}", root.display());
    for cap in &caps {
        let d = decrypt_capture(cap, Chunking::Random(0xabcd));
        assert_eq!(
            u64::from(d.suite.to_u16()),
            toml_int(&cap.toml, "cipher_suite"),
            "{}",
            cap.name
        );
        assert!(
            !d.c2s.app.is_empty() || !d.s2c.app.is_empty(),
            "{}: no application data",
            cap.name
        );
        for a in d.c2s.alerts.iter().chain(&d.s2c.alerts) {
            assert!(is_close_notify(a), "{}: alert {a:?}", cap.name);
        }
    }
}
