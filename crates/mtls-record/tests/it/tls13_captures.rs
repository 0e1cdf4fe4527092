//! Real TLS 1.3 connections between other implementations (OpenSSL, GnuTLS, Python; the
//! sessions of `crates/mtls-testkit/vectors/tls13/`, see the README there), opened with keys
//! derived from each connection's NSS key log by `mtls_prf::tls13` and with our TLS 1.3
//! record protection: every protected record of both directions, under the early, handshake
//! and application keys and the KeyUpdate's next generation. This proves the key schedule's
//! traffic keys (RFC 8446 7.3) and KeyUpdate (7.2) and the record layer (5.2 - 5.4) together.
//!
//! Two ways: record by record with the decrypter alone (every record's inner type; the
//! handshake messages re-parse with `HandshakeMessage::parse_tls13` and equal the stored
//! ones), and through the `RecordReader` as an endpoint drives it, in several chunkings, with
//! the keys installed where the handshake would install them (which must never find a
//! handshake message spanning the change, RFC 8446 5.1).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use mtls_crypto::aead::AeadAlgorithm;
use mtls_crypto::hash::HashAlgorithm;
use mtls_crypto::{CryptoProvider, default_provider, provider::compiled_in};
use mtls_prf::tls13::Secret;
use mtls_record::{Inbound, RecordDecrypter, RecordReader};
use mtls_wire::handshake::{HandshakeMessage, HandshakePayload};
use mtls_wire::record::parse_records;
use mtls_wire::{AlertDescription, ContentType};

fn tls13_dir() -> PathBuf {
    mtls_testkit::vectors_dir().join("tls13")
}

fn read_hex(path: &Path) -> Vec<u8> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    hex::decode(text.split_whitespace().collect::<String>()).unwrap()
}

/// One stored connection.
struct Session {
    name: String,
    aead: AeadAlgorithm,
    hash: HashAlgorithm,
    hrr: bool,
    /// Key log label -> secret.
    secrets: HashMap<String, Vec<u8>>,
    c2s: Vec<u8>,
    s2c: Vec<u8>,
    /// The stored handshake messages of each sender, in order.
    client_messages: Vec<Vec<u8>>,
    server_messages: Vec<Vec<u8>>,
}

fn sessions() -> Vec<Session> {
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(tls13_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("session.toml").exists())
        .collect();
    dirs.sort();
    for dir in dirs {
        let toml = std::fs::read_to_string(dir.join("session.toml")).unwrap();
        let field = |key: &str| {
            toml.lines()
                .find_map(|l| l.strip_prefix(&format!("{key} = ")))
                .unwrap_or_else(|| panic!("{}: no {key}", dir.display()))
                .to_string()
        };
        // RFC 8446 B.4: the suite names the AEAD and the hash.
        let (aead, hash) = match field("cipher_suite").as_str() {
            "0x1301" => (AeadAlgorithm::Aes128Gcm, HashAlgorithm::Sha256),
            "0x1302" => (AeadAlgorithm::Aes256Gcm, HashAlgorithm::Sha384),
            "0x1303" => (AeadAlgorithm::ChaCha20Poly1305, HashAlgorithm::Sha256),
            other => panic!("suite {other}"),
        };
        let mut secrets = HashMap::new();
        for line in std::fs::read_to_string(dir.join("keylog.txt"))
            .unwrap()
            .lines()
        {
            let parts: Vec<&str> = line.split_whitespace().collect();
            if let [label, _random, secret] = parts[..] {
                assert!(
                    secrets
                        .insert(label.to_string(), hex::decode(secret).unwrap())
                        .is_none(),
                    "{label} twice"
                );
            }
        }
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.as_bytes()[0].is_ascii_digit() && n.ends_with(".hex"))
            .collect();
        files.sort();
        let of = |sender: &str| -> Vec<Vec<u8>> {
            files
                .iter()
                .filter(|f| f.split('-').nth(1) == Some(sender))
                .map(|f| read_hex(&dir.join(f)))
                .collect()
        };
        out.push(Session {
            name: dir.file_name().unwrap().to_string_lossy().into_owned(),
            aead,
            hash,
            hrr: field("hrr") == "1",
            secrets,
            c2s: read_hex(&dir.join("transcript-c2s.hex")),
            s2c: read_hex(&dir.join("transcript-s2c.hex")),
            client_messages: of("client"),
            server_messages: of("server"),
        });
    }
    assert!(
        out.len() >= 8,
        "expected the 8 stored sessions, found {}",
        out.len()
    );
    out
}

impl Session {
    /// The traffic secrets one direction goes through, in order: early (when the client sent
    /// 0-RTT data), handshake, application 0; the KeyUpdate generations are derived.
    fn secrets_of(&self, client: bool) -> Vec<Secret> {
        let labels: &[&str] = if client {
            &[
                "CLIENT_EARLY_TRAFFIC_SECRET",
                "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
                "CLIENT_TRAFFIC_SECRET_0",
            ]
        } else {
            &["SERVER_HANDSHAKE_TRAFFIC_SECRET", "SERVER_TRAFFIC_SECRET_0"]
        };
        labels
            .iter()
            .filter_map(|l| self.secrets.get(*l))
            .map(|s| Secret::from_bytes(self.hash, s))
            .collect()
    }

    /// Our decrypter for a traffic secret: key and IV by HKDF-Expand-Label (RFC 8446 7.3).
    fn decrypter(&self, provider: &CryptoProvider, secret: &Secret) -> RecordDecrypter {
        let keys = secret.traffic_keys(provider, self.aead.key_len());
        assert_eq!(keys.iv().len(), 12);
        RecordDecrypter::tls13(provider, self.aead, keys.key(), keys.iv()).unwrap()
    }
}

/// What each key change waits for: the message type that ends an epoch (RFC 8446 2, 4.6.3):
/// the client's EndOfEarlyData ends its early keys, each side's first Finished its handshake
/// keys, and every KeyUpdate its application keys.
fn ends_epoch(typ: u8, finished_seen: bool) -> bool {
    typ == 5 || (typ == 20 && !finished_seen) || typ == 24
}

/// Everything one direction carried, opened record by record.
#[derive(Default)]
struct Opened {
    messages: Vec<Vec<u8>>,
    inner_types: Vec<u8>,
    application_data: usize,
    alerts: Vec<Vec<u8>>,
    /// Records opened under each epoch (early / handshake / application N).
    per_epoch: Vec<usize>,
    compat_ccs: usize,
}

/// Opens one direction record by record with the decrypter alone.
fn open_direction(s: &Session, provider: &CryptoProvider, client: bool) -> Opened {
    let stream = if client { &s.c2s } else { &s.s2c };
    let mut epochs = s.secrets_of(client);
    let mut epoch = 0;
    let mut d = s.decrypter(provider, &epochs[0]);
    let mut out = Opened {
        per_epoch: vec![0],
        ..Opened::default()
    };
    let mut handshake = Vec::new();
    let mut finished_seen = false;
    for (header, fragment) in parse_records(stream).unwrap() {
        let mut buf = fragment.to_vec();
        let (typ, content) = match header.content_type {
            // The plaintext hellos: before any key.
            ContentType::Handshake => {
                assert_eq!(
                    (epoch, out.per_epoch[0]),
                    (0, 0),
                    "{}: plaintext after keys",
                    s.name
                );
                (ContentType::Handshake, &buf[..])
            }
            ContentType::ChangeCipherSpec => {
                assert_eq!(fragment, [1], "{}: compatibility CCS", s.name);
                out.compat_ccs += 1;
                continue;
            }
            ContentType::ApplicationData => {
                let (typ, range) = d
                    .open_tls13_in_place(header, &mut buf)
                    .unwrap_or_else(|e| panic!("{}: record under epoch {epoch}: {e}", s.name));
                out.per_epoch[epoch] += 1;
                out.inner_types.push(typ.to_u8());
                (typ, &buf[range])
            }
            other => panic!("{}: plaintext record of type {other:?}", s.name),
        };
        match typ {
            ContentType::Handshake => {
                // The messages this record completes; a key change may only follow a record
                // that ends on a message boundary (RFC 8446 5.1).
                handshake.extend_from_slice(content);
                let mut change = false;
                while let Some(&[t, a, b, c]) = handshake.get(..4) {
                    let len = 4 + u32::from_be_bytes([0, a, b, c]) as usize;
                    if handshake.len() < len {
                        break;
                    }
                    let message: Vec<u8> = handshake.drain(..len).collect();
                    if header.content_type == ContentType::ApplicationData
                        && ends_epoch(t, finished_seen)
                    {
                        change = true;
                        assert!(
                            handshake.is_empty(),
                            "{}: message spans a key change",
                            s.name
                        );
                    }
                    finished_seen |= t == 20;
                    out.messages.push(message);
                }
                if change {
                    epoch += 1;
                    if epoch == epochs.len() {
                        // RFC 8446 7.2: the next generation of the application secret.
                        let next = epochs.last().unwrap().next_traffic_secret(provider);
                        epochs.push(next);
                    }
                    d = s.decrypter(provider, &epochs[epoch]);
                    out.per_epoch.push(0);
                }
            }
            ContentType::ApplicationData => out.application_data += 1,
            ContentType::Alert => out.alerts.push(content.to_vec()),
            other => panic!("{}: inner type {other:?}", s.name),
        }
    }
    assert!(
        handshake.is_empty(),
        "{}: {} handshake bytes left",
        s.name,
        handshake.len()
    );
    out
}

#[test]
fn rfc8446_5_2_every_record_of_the_captured_sessions_opens_with_key_log_keys() {
    for provider in compiled_in() {
        for s in sessions() {
            for client in [true, false] {
                let who = if client { "client" } else { "server" };
                let opened = open_direction(&s, provider, client);
                // Handshake content joined across records and split into messages: the
                // stored messages of that sender, byte for byte and in order...
                let stored = if client {
                    &s.client_messages
                } else {
                    &s.server_messages
                };
                assert_eq!(&opened.messages, stored, "{}/{who}: messages", s.name);
                // ...each re-parsing as a TLS 1.3 message with nothing left over.
                for m in &opened.messages {
                    let (msg, rest) = HandshakeMessage::parse_tls13(m)
                        .unwrap_or_else(|e| panic!("{}/{who}: {e}", s.name));
                    assert!(rest.is_empty());
                    assert_eq!(msg.raw(), &m[..]);
                }
                // Application data both ways, and no alert but close_notify.
                assert!(opened.application_data > 0, "{}/{who}: no data", s.name);
                for alert in &opened.alerts {
                    assert_eq!(
                        alert,
                        &[1, AlertDescription::CloseNotify.to_u8()],
                        "{}",
                        s.name
                    );
                }
                assert!(
                    opened.inner_types.iter().all(|t| [21, 22, 23].contains(t)),
                    "{}/{who}: {:?}",
                    s.name,
                    opened.inner_types
                );
                // The handshake keys and the application keys both carried records.
                assert!(
                    opened.per_epoch.len() >= 2 && opened.per_epoch.iter().all(|&n| n > 0),
                    "{}/{who}: {:?}",
                    s.name,
                    opened.per_epoch
                );
            }
        }
    }
}

#[test]
fn rfc8446_7_2_key_update_records_open_under_the_next_generation() {
    let p = default_provider();
    let s = sessions()
        .into_iter()
        .find(|s| s.name == "openssl-mtls-key-update")
        .unwrap();
    // OpenSSL logs each generation: ours derives the same.
    for (gen0, gen1) in [
        ("CLIENT_TRAFFIC_SECRET_0", "CLIENT_TRAFFIC_SECRET_N"),
        ("SERVER_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_N"),
    ] {
        let next = Secret::from_bytes(s.hash, &s.secrets[gen0]).next_traffic_secret(p);
        assert_eq!(next.as_bytes(), &s.secrets[gen1][..], "{gen1}");
    }
    for client in [true, false] {
        let opened = open_direction(&s, p, client);
        // Handshake keys, application keys 0, then generation 1 after the KeyUpdate, with
        // records under it (the data after the update, and the close_notify).
        assert_eq!(opened.per_epoch.len(), 3, "{:?}", opened.per_epoch);
        assert!(
            opened.per_epoch.iter().all(|&n| n > 0),
            "{:?}",
            opened.per_epoch
        );
        let key_updates = opened.messages.iter().filter(|m| m[0] == 24).count();
        assert_eq!(key_updates, 1);
    }
}

#[test]
fn rfc8446_2_3_early_data_opens_under_the_client_early_traffic_secret() {
    let p = default_provider();
    let s = sessions()
        .into_iter()
        .find(|s| s.name == "openssl-resumption-early-data")
        .unwrap();
    assert!(s.secrets.contains_key("CLIENT_EARLY_TRAFFIC_SECRET"));
    let opened = open_direction(&s, p, true);
    // Early keys (0-RTT data and EndOfEarlyData), handshake keys (Finished), application.
    assert_eq!(opened.per_epoch.len(), 3, "{:?}", opened.per_epoch);
    assert!(opened.per_epoch[0] >= 2, "{:?}", opened.per_epoch);
    assert!(opened.messages.iter().any(|m| m[0] == 5), "EndOfEarlyData");
}

/// Drives a `RecordReader` over one direction as the receiving endpoint would: TLS 1.3 mode
/// once the version is known, each key installed after the message that brings it (checked:
/// never with a handshake message pending), the compatibility CCS passed over.
fn read_direction(s: &Session, provider: &CryptoProvider, client: bool, chunk: usize) -> Opened {
    let stream = if client { &s.c2s } else { &s.s2c };
    let mut epochs = s.secrets_of(client);
    let mut next_epoch = 0;
    let mut r = RecordReader::new();
    let mut out = Opened::default();
    let mut hellos = 0;
    let mut finished_seen = false;
    for piece in stream.chunks(chunk) {
        let mut piece = piece;
        while !piece.is_empty() {
            let n = r.push(piece);
            piece = &piece[n..];
            loop {
                let event = match r.next_event() {
                    Ok(Some(Inbound::Handshake(m))) => Some(m.to_vec()),
                    Ok(Some(Inbound::ChangeCipherSpec)) => {
                        assert!(r.is_tls13(), "{}: CCS before TLS 1.3 mode", s.name);
                        out.compat_ccs += 1;
                        None
                    }
                    Ok(Some(Inbound::ApplicationData(_))) => {
                        out.application_data += 1;
                        None
                    }
                    Ok(Some(Inbound::Alert(a))) => {
                        out.alerts
                            .push(vec![a.level.to_u8(), a.description.to_u8()]);
                        None
                    }
                    Ok(None) => break,
                    Err(e) => panic!("{} ({}, chunk {chunk}): {e}", s.name, client),
                };
                let Some(m) = event else { continue };
                let install = match m[0] {
                    // The server reads the client's first flight: TLS 1.3 from the first
                    // ClientHello; its keys after the last one (after the second when it
                    // sent a HelloRetryRequest).
                    1 => {
                        hellos += 1;
                        r.set_tls13(true);
                        hellos == if s.hrr { 2 } else { 1 }
                    }
                    // The client reads the ServerHello (or HelloRetryRequest: no keys yet).
                    2 => {
                        r.set_tls13(true);
                        let (msg, _) = HandshakeMessage::parse_tls13(&m).unwrap();
                        !matches!(msg.payload(), HandshakePayload::ServerHello(sh) if sh.is_hello_retry_request())
                    }
                    t => {
                        let change = ends_epoch(t, finished_seen);
                        finished_seen |= t == 20;
                        change
                    }
                };
                out.messages.push(m);
                if install {
                    if next_epoch == epochs.len() {
                        let next = epochs.last().unwrap().next_traffic_secret(provider);
                        epochs.push(next);
                    }
                    assert!(
                        !r.handshake_pending(),
                        "{}: pending at a key change",
                        s.name
                    );
                    r.install_tls13_decrypter(s.decrypter(provider, &epochs[next_epoch]))
                        .unwrap_or_else(|e| panic!("{}: {e}", s.name));
                    next_epoch += 1;
                    out.per_epoch.push(0);
                }
            }
        }
    }
    assert_eq!(r.buffered(), 0, "{}: bytes left", s.name);
    out.per_epoch = vec![0; next_epoch];
    out
}

#[test]
fn rfc8446_5_the_record_reader_reads_the_captured_sessions_in_any_chunking() {
    let p = default_provider();
    for s in sessions() {
        for client in [true, false] {
            let stored = if client {
                &s.client_messages
            } else {
                &s.server_messages
            };
            for chunk in [1usize, 7, 1000, 1 << 20] {
                let opened = read_direction(&s, p, client, chunk);
                assert_eq!(
                    &opened.messages, stored,
                    "{} client={client} chunk {chunk}",
                    s.name
                );
                assert!(opened.application_data > 0);
                assert!(
                    opened.alerts.iter().all(|a| a == &[1, 0]),
                    "{:?}",
                    opened.alerts
                );
                assert!(opened.per_epoch.len() >= 2);
            }
        }
    }
}
