//! Real TLS 1.3 handshakes from other implementations (OpenSSL, GnuTLS,
//! Python `ssl`), captured on loopback by
//! `crates/mtls-testkit/vectors/tls13/tools/capture.py` into
//! `crates/mtls-testkit/vectors/tls13/<session>/`; see the README there. The
//! protected messages were decrypted by the capture script with the
//! connection's key log and, where a side is OpenSSL, found byte for byte
//! equal to what its `-msg` printed.
//!
//! For every `NN-<sender>-<message>.hex`: parse with
//! `HandshakeMessage::parse_tls13`, require no trailing bytes, `raw()` ==
//! input, `encode()` == input, the typed payload re-encoded == input, the
//! type named by the file (`hello_retry_request`: a ServerHello with the
//! special random), and the facts recorded in `session.toml` (suite, group,
//! HelloRetryRequest, extension types in wire order, certificates and their
//! fixtures, CertificateVerify schemes, Finished length, PSK, early data,
//! tickets, KeyUpdate). Per session: the handshake flow; the record
//! transcript split with `parse_records` gives back the plaintext hellos and
//! only well-formed ChangeCipherSpec records; the key log has the traffic
//! secrets of this connection.
//!
//! All failures are collected and reported with their file; an empty or
//! missing folder fails.

use std::fs;
use std::path::PathBuf;

use crate::common::ensure;
use crate::common::session::{Res, Session, message_files, pem_der, read_hex, split_file_name};
use mtls_wire::extensions::Extensions;
use mtls_wire::handshake::{HandshakeMessage, HandshakePayload, check_finished_len};
use mtls_wire::record::parse_records;
use mtls_wire::{
    ChangeCipherSpec, CipherSuite, ContentType, HandshakeType, NamedGroup, ProtocolVersion,
    SignatureScheme,
};

fn tls13_dir() -> PathBuf {
    mtls_testkit::vectors_dir().join("tls13")
}

fn msg_type_from_name(name: &str) -> Option<HandshakeType> {
    Some(match name {
        "client_hello" => HandshakeType::ClientHello,
        "server_hello" | "hello_retry_request" => HandshakeType::ServerHello,
        "new_session_ticket" => HandshakeType::NewSessionTicket,
        "end_of_early_data" => HandshakeType::EndOfEarlyData,
        "encrypted_extensions" => HandshakeType::EncryptedExtensions,
        "certificate" => HandshakeType::Certificate,
        "certificate_request" => HandshakeType::CertificateRequest,
        "certificate_verify" => HandshakeType::CertificateVerify,
        "finished" => HandshakeType::Finished,
        "key_update" => HandshakeType::KeyUpdate,
        _ => return None,
    })
}

fn types(exts: &Extensions) -> Vec<u64> {
    exts.iter().map(|e| u64::from(e.typ().to_u16())).collect()
}

/// Hash.length of a TLS 1.3 suite (RFC 8446 B.4).
fn hash_len(suite: CipherSuite) -> Res<usize> {
    match suite {
        CipherSuite::TLS13_AES_128_GCM_SHA256 | CipherSuite::TLS13_CHACHA20_POLY1305_SHA256 => {
            Ok(32)
        }
        CipherSuite::TLS13_AES_256_GCM_SHA384 => Ok(48),
        other => Err(format!("not a TLS 1.3 suite: {other:?}")),
    }
}

/// Parses one file and requires every round trip to be exact.
fn parse_and_round_trip(bytes: &[u8]) -> Res<HandshakeMessage> {
    let (msg, rest) = HandshakeMessage::parse_tls13(bytes).map_err(|e| format!("parse: {e}"))?;
    ensure!(rest.is_empty(), "{} bytes after the message", rest.len());
    ensure!(msg.raw() == bytes, "raw() differs from the input");
    let mut out = Vec::new();
    msg.encode(&mut out);
    ensure!(out == bytes, "encode() differs from the input");
    let rebuilt = HandshakeMessage::new(msg.payload().clone());
    ensure!(
        rebuilt.raw() == bytes,
        "re-encoding the typed payload differs from the input"
    );
    Ok(msg)
}

/// What the session has seen so far, for checks across messages.
#[derive(Default)]
struct Seen {
    hellos: usize,
    suite: Option<CipherSuite>,
    cr_context: Option<Vec<u8>>,
    key_updates: (Vec<u64>, Vec<u64>),
    tickets: usize,
}

fn check_message(
    s: &Session,
    sender: &str,
    name: &str,
    msg: &HandshakeMessage,
    seen: &mut Seen,
) -> Res {
    let client = sender == "client";
    match msg.payload() {
        HandshakePayload::ClientHello(ch) => {
            ensure!(client, "ClientHello from the server");
            seen.hellos += 1;
            let e = &ch.extensions;
            ensure!(
                e.supported_versions()
                    .is_some_and(|v| v.contains(&ProtocolVersion::TLSv1_3)),
                "no TLS 1.3 in supported_versions"
            );
            ensure!(e.key_shares().is_some(), "no key_share");
            if seen.hellos == 1 {
                ensure!(
                    types(e) == s.ints("ch_extension_types")?,
                    "extension types {:?}",
                    types(e)
                );
                let sni = s.str("sni")?;
                ensure!(
                    e.server_name().unwrap_or_default() == sni.as_bytes(),
                    "server_name is not {sni:?}"
                );
            } else {
                // The second ClientHello offers a share for the group the
                // HelloRetryRequest selected (RFC 8446 4.1.2).
                let group = NamedGroup::from(s.u16("hrr_group")?);
                let shares = e.key_shares().unwrap_or_default();
                ensure!(
                    shares.len() == 1 && shares[0].group == group,
                    "second ClientHello shares {shares:?}"
                );
            }
            ensure!(
                e.has_post_handshake_auth() == (s.int("pha_offered")? == 1),
                "post_handshake_auth"
            );
            if let Some(psks) = e.pre_shared_key() {
                ensure!(
                    e.list.last().map(|x| x.typ()) == Some(mtls_wire::ExtensionType::PreSharedKey),
                    "pre_shared_key is not last"
                );
                ensure!(
                    psks.identities.len() == psks.binders.len(),
                    "{} identities, {} binders",
                    psks.identities.len(),
                    psks.binders.len()
                );
                ensure!(
                    msg.raw().len() > psks.binders_len(),
                    "binders longer than the message"
                );
            }
            ensure!(
                e.has_early_data() == (s.int("early_data")? == 1),
                "early_data in the ClientHello"
            );
        }
        HandshakePayload::ServerHello(sh) if name == "hello_retry_request" => {
            ensure!(!client, "HelloRetryRequest from the client");
            ensure!(
                sh.is_hello_retry_request(),
                "not the HelloRetryRequest random"
            );
            let e = &sh.extensions;
            ensure!(
                e.selected_version() == Some(ProtocolVersion::TLSv1_3),
                "selected_version"
            );
            ensure!(
                e.selected_group() == Some(NamedGroup::from(s.u16("hrr_group")?)),
                "selected_group {:?}",
                e.selected_group()
            );
            ensure!(
                e.cookie().is_some() == (s.int("hrr_cookie")? == 1),
                "cookie"
            );
            ensure!(
                types(e) == s.ints("hrr_extension_types")?,
                "extension types {:?}",
                types(e)
            );
        }
        HandshakePayload::ServerHello(sh) => {
            ensure!(!client, "ServerHello from the client");
            ensure!(
                !sh.is_hello_retry_request(),
                "a HelloRetryRequest named server_hello"
            );
            ensure!(
                sh.downgrade_sentinel().is_none(),
                "downgrade sentinel in a TLS 1.3 ServerHello"
            );
            let suite = CipherSuite::from(s.u16("cipher_suite")?);
            ensure!(sh.cipher_suite == suite, "suite {:?}", sh.cipher_suite);
            seen.suite = Some(suite);
            let e = &sh.extensions;
            ensure!(
                e.selected_version() == Some(ProtocolVersion::TLSv1_3),
                "selected_version"
            );
            let group = NamedGroup::from(s.u16("group")?);
            ensure!(
                e.server_key_share().map(|k| k.group) == Some(group),
                "server_share {:?}",
                e.server_key_share()
            );
            ensure!(
                e.selected_identity().is_some() == (s.int("psk")? == 1),
                "selected_identity {:?}",
                e.selected_identity()
            );
            ensure!(
                types(e) == s.ints("sh_extension_types")?,
                "extension types {:?}",
                types(e)
            );
        }
        HandshakePayload::EncryptedExtensions(ee) => {
            ensure!(!client, "EncryptedExtensions from the client");
            ensure!(
                types(&ee.extensions) == s.ints("ee_extension_types")?,
                "extension types {:?}",
                types(&ee.extensions)
            );
            ensure!(
                ee.extensions.has_early_data() == (s.int("early_data")? == 1),
                "early_data"
            );
        }
        HandshakePayload::CertificateRequestTls13(cr) => {
            ensure!(!client, "CertificateRequest from the client");
            let post = s.str("certificate_request")? == "post_handshake";
            // RFC 8446 4.3.2: empty in the handshake; post-handshake it names the request.
            ensure!(
                cr.certificate_request_context.is_empty() != post,
                "context {:02x?}",
                cr.certificate_request_context
            );
            ensure!(
                cr.extensions
                    .signature_algorithms()
                    .is_some_and(|v| !v.is_empty()),
                "no signature_algorithms"
            );
            ensure!(
                types(&cr.extensions) == s.ints("cr_extension_types")?,
                "extension types {:?}",
                types(&cr.extensions)
            );
            if let Some(cas) = cr.extensions.certificate_authorities() {
                let ca = pem_der(&mtls_testkit::vectors_dir().join("pki/ca.pem"))?;
                for dn in cas {
                    ensure!(
                        ca.windows(dn.as_bytes().len()).any(|w| w == dn.as_bytes()),
                        "CA name is not the subject of pki/ca.pem"
                    );
                }
            }
            seen.cr_context = Some(cr.certificate_request_context.clone());
        }
        HandshakePayload::CertificateTls13(c) => {
            let count = s.usize(&format!("{sender}_cert_count"))?;
            ensure!(
                c.certificate_list.len() == count,
                "{} certificates, session.toml says {count}",
                c.certificate_list.len()
            );
            let expected_context = if client {
                seen.cr_context
                    .clone()
                    .ok_or("client Certificate before any request")?
            } else {
                Vec::new()
            };
            ensure!(
                c.certificate_request_context == expected_context,
                "context {:02x?}",
                c.certificate_request_context
            );
            if let Some(leaf) = c.chain().next() {
                let fixture = s.str(&format!("{sender}_cert_fixture"))?;
                let der = pem_der(&mtls_testkit::vectors_dir().join("pki").join(fixture))?;
                ensure!(leaf.as_ref() == der.as_slice(), "leaf is not pki/{fixture}");
            }
        }
        HandshakePayload::CertificateVerify(cv) => {
            let scheme = SignatureScheme::from(s.u16(&format!("{sender}_cv_scheme"))?);
            ensure!(cv.scheme == scheme, "scheme {:?}", cv.scheme);
            ensure!(!cv.signature.is_empty(), "empty signature");
        }
        HandshakePayload::Finished(v) => {
            let suite = seen.suite.ok_or("Finished before ServerHello")?;
            check_finished_len(v, hash_len(suite)?).map_err(|e| e.to_string())?;
        }
        HandshakePayload::NewSessionTicketTls13(t) => {
            ensure!(!client, "NewSessionTicket from the client");
            ensure!(!t.ticket.is_empty(), "empty ticket");
            ensure!(
                t.extensions.max_early_data_size().is_some() == (s.int("nst_max_early_data")? == 1),
                "max_early_data_size {:?}",
                t.extensions.max_early_data_size()
            );
            seen.tickets += 1;
        }
        HandshakePayload::KeyUpdate(k) => {
            let v = u64::from(k.to_u8());
            if client {
                seen.key_updates.0.push(v);
            } else {
                seen.key_updates.1.push(v);
            }
        }
        HandshakePayload::EndOfEarlyData => {
            ensure!(client, "EndOfEarlyData from the server");
            ensure!(
                s.int("early_data")? == 1,
                "EndOfEarlyData without early data"
            );
        }
        other => return Err(format!("unexpected payload {other:?}")),
    }
    Ok(())
}

/// The messages up to the client's Finished, from session.toml's facts
/// (RFC 8446 2, 2.1, 2.3, 4.4).
fn expected_handshake(s: &Session) -> Res<Vec<String>> {
    let mut v = vec!["client-client_hello"];
    if s.int("hrr")? == 1 {
        v.extend(["server-hello_retry_request", "client-client_hello"]);
    }
    v.extend(["server-server_hello", "server-encrypted_extensions"]);
    let in_handshake = s.str("certificate_request")? == "handshake";
    if in_handshake {
        v.push("server-certificate_request");
    }
    if s.int("psk")? == 0 {
        v.extend(["server-certificate", "server-certificate_verify"]);
    }
    v.push("server-finished");
    if s.int("early_data")? == 1 {
        v.push("client-end_of_early_data");
    }
    if in_handshake {
        v.push("client-certificate");
        if s.int("client_cert_count")? > 0 {
            v.push("client-certificate_verify");
        }
    }
    v.push("client-finished");
    Ok(v.into_iter().map(String::from).collect())
}

fn check_session(s: &Session, failures: &mut Vec<String>) -> usize {
    let name = s.name();
    let mut fail = |file: &str, e: String| failures.push(format!("{name}/{file}: {e}"));
    let files = message_files(&s.dir);
    match s.strs("messages") {
        Ok(listed) if listed == files => {}
        Ok(listed) => fail(
            "session.toml",
            format!("messages {listed:?} != files {files:?}"),
        ),
        Err(e) => fail("session.toml", e),
    }
    let mut seen = Seen::default();
    let mut flow = Vec::new();
    let mut hellos = (Vec::new(), Vec::new());
    for file in &files {
        let Some((sender, msg_name)) = split_file_name(file) else {
            continue;
        };
        flow.push(format!("{sender}-{msg_name}"));
        let result = read_hex(&s.dir.join(file)).and_then(|bytes| {
            let msg = parse_and_round_trip(&bytes)?;
            let want = msg_type_from_name(msg_name).ok_or(format!("unknown message {msg_name}"))?;
            ensure!(
                msg.typ() == want,
                "type {:?}, file says {want:?}",
                msg.typ()
            );
            if matches!(msg_name, "client_hello") {
                hellos.0.extend_from_slice(&bytes);
            } else if matches!(msg_name, "server_hello" | "hello_retry_request") {
                hellos.1.extend_from_slice(&bytes);
            }
            check_message(s, sender, msg_name, &msg, &mut seen)
        });
        if let Err(e) = result {
            fail(file, e);
        }
    }
    // The handshake, message by message; after the client's Finished, the
    // post-handshake messages in any order the wire gave them.
    match expected_handshake(s) {
        Ok(want) => {
            if flow.get(..want.len()) != Some(&want[..]) {
                fail(
                    "(flow)",
                    format!("handshake {flow:?}, expected to begin {want:?}"),
                );
            }
            let post: Vec<&String> = flow.iter().skip(want.len()).collect();
            let pha = s.str("certificate_request").ok() == Some("post_handshake");
            let allowed = |m: &&String| {
                matches!(
                    m.as_str(),
                    "server-new_session_ticket" | "client-key_update" | "server-key_update"
                ) || (pha
                    && matches!(
                        m.as_str(),
                        "server-certificate_request"
                            | "client-certificate"
                            | "client-certificate_verify"
                            | "client-finished"
                    ))
            };
            if !post.iter().all(allowed) {
                fail("(flow)", format!("after the handshake: {post:?}"));
            }
        }
        Err(e) => fail("session.toml", e),
    }
    let checks: [(&str, Res<bool>); 3] = [
        (
            "new_session_tickets",
            s.usize("new_session_tickets").map(|n| n == seen.tickets),
        ),
        (
            "key_update_client",
            s.ints("key_update_client").map(|v| v == seen.key_updates.0),
        ),
        (
            "key_update_server",
            s.ints("key_update_server").map(|v| v == seen.key_updates.1),
        ),
    ];
    for (k, ok) in checks {
        match ok {
            Ok(true) => {}
            Ok(false) => fail("session.toml", format!("{k} does not match the messages")),
            Err(e) => fail("session.toml", e),
        }
    }
    if let Err(e) = check_transcripts(s, &hellos) {
        fail("transcript-*.hex", e);
    }
    if let Err(e) = check_keylog(s, &hellos.0) {
        fail("keylog.txt", e);
    }
    files.len()
}

/// The records of each direction: the plaintext handshake records hold
/// exactly the hellos (TLS 1.3 encrypts everything after them), a
/// ChangeCipherSpec is the one byte 1 (middlebox compatibility, RFC 8446
/// D.4), and no record is longer than 2^14 + 256 (RFC 8446 5.2).
fn check_transcripts(s: &Session, hellos: &(Vec<u8>, Vec<u8>)) -> Res {
    for (dir, want) in [("c2s", &hellos.0), ("s2c", &hellos.1)] {
        let stream = read_hex(&s.dir.join(format!("transcript-{dir}.hex")))?;
        let records = parse_records(&stream).map_err(|e| format!("{dir}: {e}"))?;
        let mut plain = Vec::new();
        for (h, fragment) in &records {
            ensure!(
                usize::from(h.length) <= (1 << 14) + 256,
                "{dir}: record of {} bytes",
                h.length
            );
            match h.content_type {
                ContentType::Handshake => plain.extend_from_slice(fragment),
                ContentType::ChangeCipherSpec => {
                    ChangeCipherSpec::parse(fragment).map_err(|e| format!("{dir}: {e}"))?;
                }
                ContentType::ApplicationData | ContentType::Alert => {}
                other => return Err(format!("{dir}: record type {other:?}")),
            }
        }
        ensure!(
            &plain == want,
            "{dir}: the plaintext handshake records are not the hello files"
        );
    }
    Ok(())
}

/// The key log holds this connection's traffic secrets, each Hash.length long.
fn check_keylog(s: &Session, client_hellos: &[u8]) -> Res {
    let random = hex::encode(client_hellos.get(6..38).ok_or("no ClientHello")?);
    let text = fs::read_to_string(s.dir.join("keylog.txt")).map_err(|e| e.to_string())?;
    let len = hash_len(CipherSuite::from(s.u16("cipher_suite")?))?;
    for label in [
        "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
        "SERVER_HANDSHAKE_TRAFFIC_SECRET",
        "CLIENT_TRAFFIC_SECRET_0",
        "SERVER_TRAFFIC_SECRET_0",
    ] {
        let line = text
            .lines()
            .find(|l| l.starts_with(label) && l.contains(&random))
            .ok_or(format!("no {label} for the ClientHello random"))?;
        let secret = line.split_whitespace().nth(2).unwrap_or_default();
        ensure!(
            secret.len() == 2 * len,
            "{label}: {} hex digits",
            secret.len()
        );
    }
    Ok(())
}

#[test]
fn captured_tls13_vectors_parse_and_round_trip() {
    let root = tls13_dir();
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("session.toml").is_file())
        .collect();
    dirs.sort();
    assert!(
        !dirs.is_empty(),
        "no capture sessions under {} (run tls13/tools/capture.py)",
        root.display()
    );
    let mut failures = Vec::new();
    let mut total = 0;
    let mut sessions = Vec::new();
    for dir in &dirs {
        match Session::load(dir) {
            Ok(s) => {
                total += check_session(&s, &mut failures);
                sessions.push(s);
            }
            Err(e) => failures.push(format!("{}: {e}", dir.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s) in vectors/tls13:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Coverage the suite relies on.
    let any = |k: &str, v: &str| {
        sessions.iter().any(|s| {
            s.str(k).ok() == Some(v) || s.int(k).ok().map(|i| i.to_string()).as_deref() == Some(v)
        })
    };
    for (k, v) in [
        ("hrr", "1"),
        ("psk", "1"),
        ("early_data", "1"),
        ("certificate_request", "post_handshake"),
        ("certificate_request", "handshake"),
        ("client_impl", "gnutls"),
        ("server_impl", "gnutls"),
        ("client_impl", "python"),
        ("cipher_suite", "4865"),
        ("cipher_suite", "4866"),
        ("cipher_suite", "4867"),
    ] {
        assert!(any(k, v), "no session with {k} = {v}");
    }
    assert!(
        sessions
            .iter()
            .any(|s| s.ints("key_update_client").is_ok_and(|v| !v.is_empty())),
        "no KeyUpdate"
    );
    assert!(
        sessions
            .iter()
            .any(|s| s.str("certificate_request").ok() == Some("handshake")
                && s.int("client_cert_count").ok() == Some(0)),
        "no empty client Certificate"
    );
    eprintln!(
        "{} TLS 1.3 sessions, {total} handshake messages checked",
        dirs.len()
    );
}
