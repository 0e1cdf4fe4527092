//! Real handshake bytes from other implementations (OpenSSL, GnuTLS, Python
//! `ssl`, curl), captured on loopback by `scripts/capture-vectors/capture.py`
//! into `crates/mtls-testkit/vectors/<session>/`. See the README there.
//!
//! For every `NN-<sender>-<message>.hex` file: parse with the session's key
//! exchange, require no trailing bytes, `raw()` == input, `encode()` == input,
//! the typed payload re-encoded == input, the type matches the file name,
//! and the facts recorded in `session.toml` (suite, group, point length,
//! certificate count, CertificateRequest contents, ...). Per session: the
//! message flow, the record-layer transcript (split with `parse_records`
//! and reassembled) gives back exactly the message files, the certificates
//! are the PKI fixtures, and the key log matches the ClientHello random.
//!
//! All failures are collected and reported with their file; an empty or
//! missing vectors folder fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::common::ensure;
use crate::common::session::{
    Res, Session, Val, message_files, pem_der, read_hex, split_file_name,
};
use mtls_wire::handshake::{
    ClientKeyExchange, HandshakeMessage, HandshakePayload, KeyExchangeAlgorithm, ParseContext,
    ServerKeyExchange,
};
use mtls_wire::record::parse_records;
use mtls_wire::{
    CipherSuite, ClientCertificateType, CompressionMethod, ContentType, ExtensionType,
    HandshakeType, NamedGroup, ProtocolVersion, SignatureScheme,
};

/// The captured sessions, shared with the record layer's tests (mtls-testkit's `vectors/`).
fn vectors_dir() -> PathBuf {
    mtls_testkit::vectors_dir()
}

/// The TLS 1.2 facts of a session.toml.
trait Tls12Session {
    fn kx(&self) -> Res<KeyExchangeAlgorithm>;
    fn suite(&self) -> Res<CipherSuite>;
}

impl Tls12Session for Session {
    fn kx(&self) -> Res<KeyExchangeAlgorithm> {
        match self.str("kx")? {
            "ecdhe" => Ok(KeyExchangeAlgorithm::Ecdhe),
            "rsa" => Ok(KeyExchangeAlgorithm::Rsa),
            other => Err(format!("session.toml: unknown kx {other:?}")),
        }
    }

    fn suite(&self) -> Res<CipherSuite> {
        Ok(CipherSuite::from(self.u16("cipher_suite")?))
    }
}

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

fn msg_type_from_name(name: &str) -> Option<HandshakeType> {
    Some(match name {
        "hello_request" => HandshakeType::HelloRequest,
        "client_hello" => HandshakeType::ClientHello,
        "server_hello" => HandshakeType::ServerHello,
        "new_session_ticket" => HandshakeType::NewSessionTicket,
        "certificate" => HandshakeType::Certificate,
        "server_key_exchange" => HandshakeType::ServerKeyExchange,
        "certificate_request" => HandshakeType::CertificateRequest,
        "server_hello_done" => HandshakeType::ServerHelloDone,
        "certificate_verify" => HandshakeType::CertificateVerify,
        "client_key_exchange" => HandshakeType::ClientKeyExchange,
        "finished" => HandshakeType::Finished,
        "certificate_status" => HandshakeType::CertificateStatus,
        _ => return None,
    })
}

fn point_len(group: NamedGroup) -> Option<usize> {
    match group {
        NamedGroup::Secp256r1 => Some(65),
        NamedGroup::Secp384r1 => Some(97),
        NamedGroup::Secp521r1 => Some(133),
        NamedGroup::X25519 => Some(32),
        NamedGroup::X448 => Some(56),
        NamedGroup::Unknown(_) => None,
    }
}

fn check_point(point: &[u8], group: NamedGroup, what: &str) -> Res {
    let want = point_len(group).ok_or_else(|| format!("{what}: unexpected group {group:?}"))?;
    ensure!(
        point.len() == want,
        "{what}: point is {} bytes, {group:?} needs {want}",
        point.len()
    );
    if matches!(
        group,
        NamedGroup::Secp256r1 | NamedGroup::Secp384r1 | NamedGroup::Secp521r1
    ) {
        ensure!(
            point[0] == 0x04,
            "{what}: NIST point not in uncompressed form"
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Per message
// ---------------------------------------------------------------------------

/// Parses one message file and checks the codec invariants. Returns the
/// parsed message and the raw input.
fn parse_and_round_trip(path: &Path, kx: KeyExchangeAlgorithm) -> Res<(HandshakeMessage, Vec<u8>)> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let (_, msg_name) = split_file_name(&name).unwrap();
    let bytes = read_hex(path)?;
    // Independent framing check before handing the bytes to the codec.
    ensure!(bytes.len() >= 4, "shorter than a handshake header");
    let len = usize::from(bytes[1]) << 16 | usize::from(bytes[2]) << 8 | usize::from(bytes[3]);
    ensure!(len == bytes.len() - 4, "u24 length {len} != file size - 4");

    let ctx = ParseContext::with_kx(kx);
    let (msg, rest) = HandshakeMessage::parse(&bytes, &ctx)
        .map_err(|e| format!("parse failed: {e} (kind {:?})", e.kind()))?;
    ensure!(
        rest.is_empty(),
        "{} trailing bytes after the message",
        rest.len()
    );
    ensure!(msg.raw() == &bytes[..], "raw() differs from the input");
    let mut out = Vec::new();
    msg.encode(&mut out);
    ensure!(out == bytes, "encode() differs from the input");
    // The meaningful round trip: re-encode from the typed payload.
    let rebuilt = HandshakeMessage::new(msg.payload().clone());
    if rebuilt.raw() != &bytes[..] {
        let at = rebuilt
            .raw()
            .iter()
            .zip(&bytes)
            .position(|(a, b)| a != b)
            .unwrap_or(bytes.len().min(rebuilt.raw().len()));
        return Err(format!(
            "typed re-encoding differs at byte {at} (got {} bytes, want {})",
            rebuilt.raw().len(),
            bytes.len()
        ));
    }
    ensure!(
        rebuilt == msg,
        "typed re-encoding is not equal to the parsed message"
    );

    let want = msg_type_from_name(msg_name)
        .ok_or_else(|| format!("unknown message name {msg_name:?} in file name"))?;
    ensure!(
        msg.typ() == want,
        "type {:?} does not match the file name ({want:?})",
        msg.typ()
    );
    ensure!(
        u8::from(msg.typ()) == bytes[0],
        "typ() {:?} is not the type byte {}",
        msg.typ(),
        bytes[0]
    );
    ensure!(
        !matches!(msg.payload(), HandshakePayload::Unknown(..)),
        "decoded as Unknown"
    );
    Ok((msg, bytes))
}

/// What later messages are checked against, gathered while walking a session.
#[derive(Default)]
struct Seen {
    client_random: Option<[u8; 32]>,
    cr_sigalgs: Vec<SignatureScheme>,
    encrypted_pms_prefix: Option<Vec<u8>>,
}

fn check_semantics(s: &Session, sender: &str, msg: &HandshakeMessage, seen: &mut Seen) -> Res {
    let suite = s.suite()?;
    let kx = s.kx()?;
    match msg.payload() {
        HandshakePayload::ClientHello(ch) => {
            ensure!(sender == "client", "ClientHello from the server");
            ensure!(
                ch.client_version == ProtocolVersion::TLSv1_2,
                "client_version {:?}",
                ch.client_version
            );
            ensure!(
                ch.cipher_suites.contains(&suite),
                "does not offer the negotiated suite {suite:?}: {:?}",
                ch.cipher_suites
            );
            ensure!(
                ch.compression_methods.contains(&CompressionMethod::Null),
                "null compression not offered"
            );
            let types: Vec<u64> = ch
                .extensions
                .iter()
                .map(|e| u64::from(e.typ().to_u16()))
                .collect();
            ensure!(
                types == s.ints("ch_extension_types")?,
                "extension types {types:?} != session.toml ch_extension_types"
            );
            ensure!(
                ch.extensions
                    .signature_algorithms()
                    .is_some_and(|v| !v.is_empty()),
                "no signature_algorithms"
            );
            if kx == KeyExchangeAlgorithm::Ecdhe {
                let group = NamedGroup::from(s.u16("group")?);
                let groups = ch.extensions.supported_groups().unwrap_or(&[]);
                ensure!(
                    groups.contains(&group),
                    "supported_groups {groups:?} lacks the negotiated {group:?}"
                );
            }
            if let Some(Val::Str(sni)) = s.get("sni") {
                ensure!(
                    ch.extensions.server_name() == Some(sni.as_bytes()),
                    "server_name {:?} != {sni:?}",
                    ch.extensions.server_name().map(String::from_utf8_lossy)
                );
            }
            if s.get("client_alpn").is_some() {
                let want = s.strs("client_alpn")?;
                let got: Vec<String> = ch
                    .extensions
                    .alpn()
                    .ok_or("no ALPN extension")?
                    .iter()
                    .map(|p| String::from_utf8_lossy(p.as_bytes()).into_owned())
                    .collect();
                ensure!(got == want, "ALPN {got:?} != {want:?}");
            }
            seen.client_random = Some(ch.random);
        }
        HandshakePayload::ServerHello(sh) => {
            ensure!(sender == "server", "ServerHello from the client");
            ensure!(
                sh.server_version == ProtocolVersion::TLSv1_2,
                "server_version {:?}",
                sh.server_version
            );
            ensure!(
                sh.cipher_suite == suite,
                "cipher_suite {:?} != {suite:?}",
                sh.cipher_suite
            );
            ensure!(
                KeyExchangeAlgorithm::of(sh.cipher_suite) == Some(kx),
                "KeyExchangeAlgorithm::of({:?}) != {kx:?}",
                sh.cipher_suite
            );
            ensure!(
                sh.compression_method == CompressionMethod::Null,
                "compression {:?}",
                sh.compression_method
            );
            let types: Vec<u64> = sh
                .extensions
                .iter()
                .map(|e| u64::from(e.typ().to_u16()))
                .collect();
            ensure!(
                types == s.ints("sh_extension_types")?,
                "extension types {types:?} != session.toml sh_extension_types"
            );
            // Every peer here does secure renegotiation: empty renegotiation_info.
            ensure!(
                sh.extensions.renegotiation_info() == Some(&[][..]),
                "renegotiation_info {:?}",
                sh.extensions.renegotiation_info()
            );
            if let Some(Val::Str(want)) = s.get("server_alpn") {
                let got = sh.extensions.alpn().ok_or("no ALPN extension")?;
                ensure!(
                    got.len() == 1 && got[0].as_bytes() == want.as_bytes(),
                    "ALPN {got:?} != {want:?}"
                );
            }
        }
        HandshakePayload::Certificate(c) => {
            let (count_key, fixture_key) = if sender == "server" {
                ("server_cert_count", "server_cert_fixture")
            } else {
                ("client_cert_count", "client_cert_fixture")
            };
            let n = s.usize(count_key)?;
            ensure!(
                c.certificate_list.len() == n,
                "{} certificates, session.toml {count_key} = {n}",
                c.certificate_list.len()
            );
            let pki = vectors_dir().join("pki");
            let fixture = s.str(fixture_key)?;
            if n > 0 {
                let leaf = pem_der(&pki.join(fixture))?;
                ensure!(
                    c.certificate_list[0].as_ref() == &leaf[..],
                    "leaf is not the fixture pki/{fixture}"
                );
                let ca = pem_der(&pki.join("ca.pem"))?;
                for extra in &c.certificate_list[1..] {
                    ensure!(
                        extra.as_ref() == &ca[..],
                        "chain certificate is not pki/ca.pem"
                    );
                }
            } else {
                ensure!(
                    fixture.is_empty(),
                    "empty list but a client fixture is named"
                );
            }
        }
        HandshakePayload::ServerKeyExchange(ske) => {
            ensure!(sender == "server", "ServerKeyExchange from the client");
            let ServerKeyExchange::Ecdhe(ske) = ske;
            let group = NamedGroup::from(s.u16("group")?);
            ensure!(
                ske.params.named_curve == group,
                "named_curve {:?} != {group:?}",
                ske.params.named_curve
            );
            ensure!(
                ske.params.public.len() == s.usize("ecdhe_point_len")?,
                "point length {} != session.toml ecdhe_point_len",
                ske.params.public.len()
            );
            check_point(&ske.params.public, group, "ServerKeyExchange")?;
            ensure!(
                ske.signature.scheme == SignatureScheme::from(s.u16("ske_signature_scheme")?),
                "signature scheme {:?}",
                ske.signature.scheme
            );
            ensure!(!ske.signature.signature.is_empty(), "empty signature");
            // The server key type decides the signature algorithm.
            let ecdsa_server = s.str("server_cert_fixture")?.contains("ecdsa");
            ensure!(
                (ske.signature.scheme.signature_byte() == 3) == ecdsa_server,
                "signature {:?} does not fit the server key",
                ske.signature.scheme
            );
            let mut params = Vec::new();
            ske.params.encode(&mut params);
            ensure!(
                ske.params_bytes() == params && msg.raw()[4..].starts_with(&params),
                "params_bytes() is not the params on the wire"
            );
        }
        HandshakePayload::CertificateRequest(cr) => {
            ensure!(sender == "server", "CertificateRequest from the client");
            let types: Vec<u64> = cr
                .certificate_types
                .iter()
                .map(|t| u64::from(t.to_u8()))
                .collect();
            ensure!(
                types == s.ints("cr_cert_types")?,
                "certificate_types {types:?}"
            );
            ensure!(
                cr.certificate_types
                    .contains(&ClientCertificateType::RsaSign)
                    && cr
                        .certificate_types
                        .contains(&ClientCertificateType::EcdsaSign),
                "rsa_sign and ecdsa_sign not both requested"
            );
            let algs: Vec<u64> = cr
                .supported_signature_algorithms
                .iter()
                .map(|a| u64::from(a.to_u16()))
                .collect();
            ensure!(
                algs == s.ints("cr_sigalgs")?,
                "supported_signature_algorithms {:04x?} != session.toml cr_sigalgs",
                algs
            );
            ensure!(
                cr.certificate_authorities.len() == s.usize("cr_ca_names")?,
                "{} CA names",
                cr.certificate_authorities.len()
            );
            // Each DN is the CA's subject, so it occurs inside the CA cert.
            let ca = pem_der(&vectors_dir().join("pki/ca.pem"))?;
            for dn in &cr.certificate_authorities {
                ensure!(
                    ca.windows(dn.as_bytes().len()).any(|w| w == dn.as_bytes()),
                    "CA name is not the subject of pki/ca.pem"
                );
            }
            seen.cr_sigalgs = cr.supported_signature_algorithms.clone();
        }
        HandshakePayload::ServerHelloDone => {
            ensure!(sender == "server", "ServerHelloDone from the client");
        }
        HandshakePayload::ClientKeyExchange(cke) => {
            ensure!(sender == "client", "ClientKeyExchange from the server");
            ensure!(cke.kx() == kx, "kx {:?} != {kx:?}", cke.kx());
            match cke {
                ClientKeyExchange::Ecdhe(point) => {
                    let group = NamedGroup::from(s.u16("group")?);
                    check_point(point, group, "ClientKeyExchange")?;
                    ensure!(
                        point.len() == s.usize("ecdhe_point_len")?,
                        "point length {}",
                        point.len()
                    );
                }
                ClientKeyExchange::Rsa(enc) => {
                    ensure!(
                        enc.len() == s.usize("encrypted_premaster_len")?,
                        "encrypted premaster is {} bytes",
                        enc.len()
                    );
                    seen.encrypted_pms_prefix = Some(enc[..8].to_vec());
                }
            }
        }
        HandshakePayload::CertificateVerify(cv) => {
            ensure!(sender == "client", "CertificateVerify from the server");
            ensure!(
                cv.scheme == SignatureScheme::from(s.u16("cv_scheme")?),
                "scheme {:?}",
                cv.scheme
            );
            ensure!(
                seen.cr_sigalgs.contains(&cv.scheme),
                "scheme {:?} was not offered in the CertificateRequest",
                cv.scheme
            );
            let ecdsa_client = s.str("client_cert_fixture")?.contains("ecdsa");
            ensure!(
                (cv.scheme.signature_byte() == 3) == ecdsa_client,
                "scheme {:?} does not fit the client key",
                cv.scheme
            );
            ensure!(!cv.signature.is_empty(), "empty signature");
        }
        HandshakePayload::NewSessionTicket(t) => {
            ensure!(sender == "server", "NewSessionTicket from the client");
            ensure!(!t.ticket.is_empty(), "empty ticket");
            ensure!(t.lifetime_hint > 0, "no lifetime hint");
        }
        other => {
            return Err(format!(
                "unexpected message in a capture: {:?}",
                other.typ()
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Per session
// ---------------------------------------------------------------------------

/// The full-handshake flow before ChangeCipherSpec (RFC 5246 7.3, Figure 1).
fn expected_flow(
    kx: KeyExchangeAlgorithm,
    client_certs: usize,
) -> Vec<(&'static str, HandshakeType)> {
    let mut v = vec![
        ("client", HandshakeType::ClientHello),
        ("server", HandshakeType::ServerHello),
        ("server", HandshakeType::Certificate),
    ];
    if kx == KeyExchangeAlgorithm::Ecdhe {
        v.push(("server", HandshakeType::ServerKeyExchange));
    }
    v.extend([
        ("server", HandshakeType::CertificateRequest),
        ("server", HandshakeType::ServerHelloDone),
        ("client", HandshakeType::Certificate),
        ("client", HandshakeType::ClientKeyExchange),
    ]);
    if client_certs > 0 {
        v.push(("client", HandshakeType::CertificateVerify));
    }
    v
}

/// Splits a captured TCP stream with `parse_records`, reassembles the
/// handshake records before the first ChangeCipherSpec, and splits that with
/// `HandshakeMessage::parse` (waiting on `Truncated` for the next record).
fn messages_from_transcript(path: &Path, kx: KeyExchangeAlgorithm) -> Res<(Vec<Vec<u8>>, usize)> {
    let stream = read_hex(path)?;
    let records = parse_records(&stream).map_err(|e| format!("parse_records: {e}"))?;
    let ctx = ParseContext::with_kx(kx);
    let mut buf: Vec<u8> = Vec::new();
    let mut out = Vec::new();
    let mut hs_records = 0;
    let mut saw_ccs = false;
    for (header, fragment) in records {
        ensure!(
            header.version == ProtocolVersion::TLSv1_2
                || header.version == ProtocolVersion::TLSv1_0,
            "record version {:?}",
            header.version
        );
        ensure!(
            usize::from(header.length) == fragment.len(),
            "fragment length"
        );
        match header.content_type {
            ContentType::Handshake => {
                hs_records += 1;
                buf.extend_from_slice(fragment);
                loop {
                    match HandshakeMessage::parse(&buf, &ctx) {
                        Ok((msg, rest)) => {
                            out.push(msg.raw().to_vec());
                            buf = rest.to_vec();
                        }
                        Err(e) if e.is_truncated() => break,
                        Err(e) => return Err(format!("reassembled message: {e}")),
                    }
                }
            }
            ContentType::ChangeCipherSpec => {
                ensure!(fragment == [1], "ChangeCipherSpec body {fragment:02x?}");
                saw_ccs = true;
                break;
            }
            other => return Err(format!("{other:?} record before ChangeCipherSpec")),
        }
    }
    ensure!(saw_ccs, "no ChangeCipherSpec");
    ensure!(
        buf.is_empty(),
        "partial handshake message before ChangeCipherSpec"
    );
    Ok((out, hs_records))
}

fn check_session(s: &Session, failures: &mut Vec<String>) -> usize {
    let name = s.name();
    let mut fail = |what: &str, e: String| failures.push(format!("{name}/{what}: {e}"));
    let kx = match s.kx() {
        Ok(kx) => kx,
        Err(e) => {
            fail("session.toml", e);
            return 0;
        }
    };
    let files = message_files(&s.dir);
    if files.is_empty() {
        fail("", "no NN-<sender>-<message>.hex files".into());
        return 0;
    }
    match s.strs("messages") {
        Ok(listed) if listed == files => {}
        Ok(listed) => fail(
            "session.toml",
            format!("messages = {listed:?} but the folder holds {files:?}"),
        ),
        Err(e) => fail("session.toml", e),
    }

    let mut seen = Seen::default();
    let mut flow = Vec::new();
    let mut by_sender: BTreeMap<&str, Vec<Vec<u8>>> = BTreeMap::new();
    for file in &files {
        let (sender, msg_name) = split_file_name(file).unwrap();
        let sender = if sender == "client" {
            "client"
        } else {
            "server"
        };
        // The flow comes from the file names, so one bad file does not
        // cascade into a flow failure.
        match msg_type_from_name(msg_name) {
            Some(HandshakeType::NewSessionTicket) => {}
            Some(t) => flow.push((sender, t)),
            None => fail(file, format!("unknown message name {msg_name:?}")),
        }
        let r = parse_and_round_trip(&s.dir.join(file), kx).and_then(|(msg, bytes)| {
            check_semantics(s, sender, &msg, &mut seen)?;
            Ok((msg, bytes))
        });
        match r {
            Ok((_, bytes)) => by_sender.entry(sender).or_default().push(bytes),
            Err(e) => fail(file, e),
        }
    }

    match s.usize("client_cert_count") {
        Ok(n) => {
            let want = expected_flow(kx, n);
            if flow != want {
                fail("", format!("message flow {flow:?}\n  expected {want:?}"));
            }
        }
        Err(e) => fail("session.toml", e),
    }

    // The record-layer transcript gives back exactly the message files.
    for (sender, file) in [
        ("client", "transcript-c2s.hex"),
        ("server", "transcript-s2c.hex"),
    ] {
        match messages_from_transcript(&s.dir.join(file), kx) {
            Ok((msgs, _)) => {
                let want = by_sender.get(sender).cloned().unwrap_or_default();
                if msgs != want {
                    fail(
                        file,
                        format!(
                            "{} messages reassembled, {} message files from the {sender}, or bytes differ",
                            msgs.len(),
                            want.len()
                        ),
                    );
                }
            }
            Err(e) => fail(file, e),
        }
    }

    // The key log belongs to this connection.
    match fs::read_to_string(s.dir.join("keylog.txt")) {
        Ok(text) => {
            let random = seen.client_random.map(hex::encode).unwrap_or_default();
            let mut found = false;
            for line in text.lines() {
                let parts: Vec<&str> = line.split(' ').collect();
                match parts.as_slice() {
                    ["CLIENT_RANDOM", r, ms] if r.len() == 64 && ms.len() == 96 => {
                        found |= *r == random;
                    }
                    ["RSA", pfx, pms] if pfx.len() == 16 && pms.len() == 96 => {
                        let want = seen.encrypted_pms_prefix.as_ref().map(hex::encode);
                        if want.as_deref() != Some(*pfx) {
                            fail(
                                "keylog.txt",
                                "RSA line does not match the ClientKeyExchange".into(),
                            );
                        }
                    }
                    _ => fail("keylog.txt", format!("unexpected line {line:?}")),
                }
            }
            if !found {
                fail(
                    "keylog.txt",
                    "no CLIENT_RANDOM line for this ClientHello".into(),
                );
            }
        }
        Err(e) => fail("keylog.txt", e.to_string()),
    }
    files.len()
}

#[test]
fn captured_vectors_parse_and_round_trip() {
    let root = vectors_dir();
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("session.toml").is_file())
        .collect();
    dirs.sort();
    assert!(
        !dirs.is_empty(),
        "no capture sessions under {} (run scripts/capture-vectors/capture.py)",
        root.display()
    );

    let mut failures = Vec::new();
    let mut total = 0;
    let mut kinds = (0, 0, 0); // (ecdhe, rsa, empty client cert)
    for dir in &dirs {
        let s = match Session::load(dir) {
            Ok(s) => s,
            Err(e) => {
                failures.push(format!("{}: {e}", dir.display()));
                continue;
            }
        };
        match s.kx() {
            Ok(KeyExchangeAlgorithm::Ecdhe) => kinds.0 += 1,
            Ok(KeyExchangeAlgorithm::Rsa) => kinds.1 += 1,
            Err(_) => {}
        }
        if s.int("client_cert_count") == Ok(0) {
            kinds.2 += 1;
        }
        total += check_session(&s, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} failure(s) in tests/vectors:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Coverage the suite relies on: both key exchanges and the empty chain.
    assert!(
        kinds.0 > 0 && kinds.1 > 0 && kinds.2 > 0,
        "coverage {kinds:?}"
    );
    assert!(
        total >= 9 * dirs.len(),
        "only {total} messages in {} sessions",
        dirs.len()
    );
    eprintln!(
        "{} sessions, {total} handshake messages checked",
        dirs.len()
    );
}

#[test]
fn file_name_parser() {
    assert_eq!(
        split_file_name("01-client-client_hello.hex"),
        Some(("client", "client_hello"))
    );
    assert_eq!(split_file_name("transcript-c2s.hex"), None);
    assert_eq!(split_file_name("1-client-x.hex"), None);
    assert_eq!(split_file_name("01-proxy-x.hex"), None);
    assert_eq!(
        Val::parse(r#"["a\"b", 0x0A, 3]"#).unwrap().0,
        Val::List(vec![Val::Str("a\"b".into()), Val::Int(10), Val::Int(3)])
    );
    assert_eq!(ExtensionType::from(16), ExtensionType::Alpn);
}
