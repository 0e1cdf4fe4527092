//! `mtls decode`: prints every record and every plaintext handshake message of one
//! direction of a TLS 1.2 or TLS 1.3 connection, field by field, with mtls-wire's parsers;
//! or bare handshake messages without records (`--messages`, or input that does not start
//! with a record), such as decrypted TLS 1.3 messages. A ServerHello that selects TLS 1.3
//! switches the decoding to TLS 1.3's rules (`decode_tls13.rs`). Malformed input stops the
//! decoding with an error that names the field.

use std::fmt::Write as _;
use std::io::Read;

use mtls_wire::alert::Alert;
use mtls_wire::extensions::{Extension, Extensions, ServerName};
use mtls_wire::handshake::{
    CertificateMsg, CertificateRequest, ClientHello, ClientKeyExchange, DigitallySigned,
    HandshakeHeader, HandshakeMessage, HandshakePayload, KeyExchangeAlgorithm, ParseContext,
    ServerHello, ServerKeyExchange,
};
use mtls_wire::record::RecordHeader;
use mtls_wire::{
    AlertDescription, ChangeCipherSpec, CipherSuite, ContentType, HandshakeType, NamedGroup,
    ProtocolVersion, SignatureScheme, WireError,
};

use crate::common::{dn, known, snake, subject};

/// Options of `mtls decode`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The bytes one side sent (raw binary, or hex text such as the captured
    /// transcript-c2s.hex vectors); `-` or nothing reads stdin.
    #[arg(value_name = "FILE", default_value = "-")]
    pub file: String,
    /// The input is handshake messages without the record layer (as decrypted TLS 1.3
    /// messages are). Input whose first byte is no record type is read so anyway.
    #[arg(long)]
    pub messages: bool,
    /// Parse the handshake messages as TLS 1.3 ones from the start (RFC 8446 4), as
    /// `--messages` input of a TLS 1.3 connection needs; with records, a ServerHello that
    /// selects TLS 1.3 does this by itself.
    #[arg(long)]
    pub tls13: bool,
}

/// Runs `mtls decode`.
pub fn run(args: Args) -> Result<(), String> {
    let mut raw = Vec::new();
    if args.file == "-" {
        std::io::stdin()
            .lock()
            .read_to_end(&mut raw)
            .map_err(|e| format!("stdin: {e}"))?;
    } else {
        raw = std::fs::read(&args.file).map_err(|e| format!("{}: {e}", args.file))?;
    }
    let data = if looks_hex(&raw) {
        from_hex(&raw)?
    } else {
        raw
    };
    let mut out = String::new();
    let bare = args.messages || !matches!(data.first(), Some(20..=24) | None);
    let result = if bare {
        decode_messages(&data, args.tls13, &mut out)
    } else {
        decode(&data, args.tls13, &mut out)
    };
    print!("{out}");
    result
}

/// Decodes handshake messages without records.
fn decode_messages(data: &[u8], tls13: bool, out: &mut String) -> Result<(), String> {
    let mut d = Decoder {
        tls13,
        handshake: data.to_vec(),
        ..Decoder::default()
    };
    d.messages(out).map_err(|e| {
        let alert = e.alert().rfc_name().unwrap_or("unknown");
        format!(
            "malformed input in message {} (offset {}): {e} (field {}; a peer would answer \
             with alert {alert}){}",
            d.messages_seen + 1,
            data.len() - d.handshake.len(),
            e.field(),
            if d.tls13 {
                ""
            } else {
                "; TLS 1.3 messages decode with --tls13"
            }
        )
    })?;
    if !d.handshake.is_empty() {
        return Err(format!(
            "malformed input: the input ends inside a handshake message ({} bytes of it; \
             field Handshake.body)",
            d.handshake.len()
        ));
    }
    let _ = writeln!(out, "{} messages, {} bytes", d.messages_seen, data.len());
    Ok(())
}

/// True if the input is hex digits and whitespace only (a TLS stream never is: its first
/// byte, the content type, is 20..=24).
fn looks_hex(raw: &[u8]) -> bool {
    raw.iter().any(u8::is_ascii_hexdigit)
        && raw
            .iter()
            .all(|b| b.is_ascii_hexdigit() || b.is_ascii_whitespace())
}

fn from_hex(raw: &[u8]) -> Result<Vec<u8>, String> {
    let digits: Vec<u8> = raw
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    hex::decode(digits).map_err(|e| match e {
        hex::FromHexError::OddLength => "hex input has an odd number of digits".into(),
        e => format!("bad hex input ({e})"),
    })
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// At most `max` bytes as hex, with an ellipsis when cut.
fn hex_cut(bytes: &[u8], max: usize) -> String {
    match bytes.get(..max) {
        Some(head) if bytes.len() > max => format!("{}...", hex(head)),
        _ => hex(bytes),
    }
}

pub(crate) fn version(v: ProtocolVersion) -> String {
    let name = match v {
        ProtocolVersion::SSLv2 => "SSL 2.0",
        ProtocolVersion::SSLv3 => "SSL 3.0",
        ProtocolVersion::TLSv1_0 => "TLS 1.0",
        ProtocolVersion::TLSv1_1 => "TLS 1.1",
        ProtocolVersion::TLSv1_2 => "TLS 1.2",
        ProtocolVersion::TLSv1_3 => "TLS 1.3",
        ProtocolVersion::Unknown(_) => "unknown",
    };
    format!("{name} (0x{:04x})", v.to_u16())
}

fn suite(s: CipherSuite) -> String {
    format!(
        "{} (0x{:04x})",
        known(&s).unwrap_or_else(|| "unknown".into()),
        s.to_u16()
    )
}

pub(crate) fn group(g: NamedGroup) -> String {
    format!(
        "{} (0x{:04x})",
        known(&g).map_or_else(|| "unknown".into(), |n| n.to_lowercase()),
        g.to_u16()
    )
}

pub(crate) fn scheme(s: SignatureScheme) -> String {
    let name = s
        .rfc_name()
        .map_or_else(|| legacy_scheme(s), str::to_string);
    format!("{name} (0x{:04x})", s.to_u16())
}

/// A TLS 1.2 hash/signature pair (RFC 5246 7.4.1.4.1) that has no TLS 1.3 scheme name.
fn legacy_scheme(s: SignatureScheme) -> String {
    let hash = match s.hash_byte() {
        1 => "md5",
        2 => "sha1",
        3 => "sha224",
        4 => "sha256",
        5 => "sha384",
        6 => "sha512",
        _ => return "unknown".into(),
    };
    let sig = match s.signature_byte() {
        1 => "rsa_pkcs1",
        2 => "dsa",
        3 => "ecdsa",
        _ => return "unknown".into(),
    };
    format!("{sig}_{hash}")
}

/// Names of extension types mtls-wire has no variant for.
fn extension_name(code: u16) -> &'static str {
    match code {
        17 => "status_request_v2",
        27 => "compress_certificate",
        28 => "record_size_limit",
        13172 => "next_protocol_negotiation",
        0xfe0d => "encrypted_client_hello",
        c if c & 0x0f0f == 0x0a0a && c >> 8 == c & 0xff => "GREASE",
        _ => "unknown",
    }
}

fn alert_name(a: AlertDescription) -> String {
    format!("{} ({})", a.rfc_name().unwrap_or("unknown"), a.to_u8())
}

pub(crate) fn list<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    items.iter().map(f).collect::<Vec<_>>().join(", ")
}

/// How far the decoding got: what it knows of the connection so far.
#[derive(Default)]
struct Decoder {
    /// Handshake bytes waiting to complete a message (messages may span records).
    handshake: Vec<u8>,
    /// A ChangeCipherSpec went by: what follows is encrypted.
    protected: bool,
    /// Encrypted handshake records seen (the first is Finished).
    encrypted_handshakes: usize,
    /// The key exchange, from ServerHello (for ServerKeyExchange and ClientKeyExchange).
    kx: Option<KeyExchangeAlgorithm>,
    /// TLS 1.3: a ServerHello selected it (or `--tls13`), or encrypted records tell.
    tls13: bool,
    /// The ClientHello offered TLS 1.3 (supported_versions).
    offered13: bool,
    /// Handshake messages decoded.
    messages_seen: usize,
}

/// Where the decoding stopped, for the error message.
fn failed(record: usize, offset: usize, e: WireError, detail: &str) -> String {
    let alert = e.alert().rfc_name().unwrap_or("unknown");
    format!(
        "malformed input in record {record} (offset {offset}): {e}{detail} (field {}; a peer \
         would answer with alert {alert})",
        e.field()
    )
}

fn decode(data: &[u8], tls13: bool, out: &mut String) -> Result<(), String> {
    let mut d = Decoder {
        tls13,
        ..Decoder::default()
    };
    let (mut rest, mut offset, mut n) = (data, 0usize, 0usize);
    while !rest.is_empty() {
        n += 1;
        let (header, after) = RecordHeader::parse(rest).map_err(|e| failed(n, offset, e, ""))?;
        let len = usize::from(header.length);
        let (Some(fragment), Some(next)) = (after.get(..len), after.get(len..)) else {
            return Err(failed(
                n,
                offset,
                WireError::new("TLSPlaintext.fragment", mtls_wire::ErrorKind::Truncated),
                &format!(": {len} bytes announced, {} present", after.len()),
            ));
        };
        let _ = writeln!(
            out,
            "record {n} (offset {offset}): {} ({}), version {}, length {len}",
            known(&header.content_type).map_or_else(|| "unknown".into(), |t| snake(&t)),
            header.content_type.to_u8(),
            version(header.version),
        );
        d.record(header.content_type, fragment, out)
            .map_err(|e| failed(n, offset, e, ""))?;
        offset += RecordHeader::LEN + len;
        rest = next;
    }
    if !d.handshake.is_empty() {
        return Err(format!(
            "malformed input: the input ends inside a handshake message ({} bytes of it; \
             field Handshake.body)",
            d.handshake.len()
        ));
    }
    let _ = writeln!(out, "{n} records, {} bytes", data.len());
    Ok(())
}

impl Decoder {
    fn record(
        &mut self,
        typ: ContentType,
        fragment: &[u8],
        out: &mut String,
    ) -> Result<(), WireError> {
        match typ {
            ContentType::Handshake if !self.protected => {
                self.handshake.extend_from_slice(fragment);
                self.messages(out)
            }
            ContentType::Handshake => {
                self.encrypted_handshakes += 1;
                let what = if self.encrypted_handshakes == 1 {
                    "Finished"
                } else {
                    "handshake message"
                };
                let _ = writeln!(out, "  {what} (encrypted), {} bytes", fragment.len());
                Ok(())
            }
            ContentType::ChangeCipherSpec if self.tls13 => {
                ChangeCipherSpec::parse(fragment)?;
                let _ = writeln!(
                    out,
                    "  ChangeCipherSpec: TLS 1.3's compatibility record (RFC 8446 D.4), changes \
                     nothing"
                );
                Ok(())
            }
            ContentType::ApplicationData
                if self.tls13
                    || (self.protected && self.offered13 && self.encrypted_handshakes == 0) =>
            {
                // RFC 8446 5.2: every protected TLS 1.3 record is application_data outside.
                self.tls13 = true;
                let _ = writeln!(
                    out,
                    "  encrypted record (TLS 1.3: a handshake message, an alert or data inside, \
                     RFC 8446 5.2), {} bytes",
                    fragment.len()
                );
                Ok(())
            }
            ContentType::ChangeCipherSpec => {
                ChangeCipherSpec::parse(fragment)?;
                if !self.handshake.is_empty() {
                    // RFC 5246 7.1: the CCS must fall on a message boundary.
                    return Err(WireError::new(
                        "Handshake.body",
                        mtls_wire::ErrorKind::Truncated,
                    ));
                }
                self.protected = true;
                let _ = writeln!(
                    out,
                    "  ChangeCipherSpec: the records after this one are encrypted"
                );
                Ok(())
            }
            ContentType::Alert if !self.protected => {
                let a = Alert::parse(fragment)?;
                let _ = writeln!(
                    out,
                    "  Alert: {} {}",
                    known(&a.level).map_or_else(|| "unknown".into(), |l| snake(&l)),
                    alert_name(a.description)
                );
                Ok(())
            }
            ContentType::Alert => {
                let _ = writeln!(
                    out,
                    "  Alert (encrypted), {} bytes: close_notify or an error",
                    fragment.len()
                );
                Ok(())
            }
            ContentType::ApplicationData if self.protected => {
                let _ = writeln!(
                    out,
                    "  application data (encrypted), {} bytes",
                    fragment.len()
                );
                Ok(())
            }
            ContentType::ApplicationData => {
                let _ = writeln!(
                    out,
                    "  application data before ChangeCipherSpec (not allowed), {} bytes",
                    fragment.len()
                );
                Ok(())
            }
            _ => {
                let _ = writeln!(out, "  {} bytes of an unknown record type", fragment.len());
                Ok(())
            }
        }
    }

    /// Prints every complete message in the handshake buffer.
    fn messages(&mut self, out: &mut String) -> Result<(), WireError> {
        loop {
            let Ok((header, body)) = HandshakeHeader::parse(&self.handshake) else {
                return Ok(()); // Fewer than 4 bytes: wait for the next record.
            };
            let total = HandshakeHeader::LEN
                .saturating_add(usize::try_from(header.length).unwrap_or(usize::MAX));
            if self.handshake.len() < total {
                return Ok(());
            }
            let mut guessed = false;
            let ctx = match (header.typ, self.kx) {
                (_, Some(kx)) => ParseContext::with_kx(kx),
                (HandshakeType::ClientKeyExchange, None) => {
                    guessed = true;
                    ParseContext::with_kx(guess_cke(
                        body.get(..total - HandshakeHeader::LEN).unwrap_or_default(),
                    ))
                }
                (HandshakeType::ServerKeyExchange, None) => {
                    guessed = true;
                    ParseContext::with_kx(KeyExchangeAlgorithm::Ecdhe)
                }
                _ => ParseContext::new(),
            };
            let (msg, _) = if self.tls13 {
                HandshakeMessage::parse_tls13(&self.handshake)?
            } else {
                HandshakeMessage::parse(&self.handshake, &ctx)?
            };
            self.handshake.drain(..total);
            self.messages_seen += 1;
            let name = match msg.payload() {
                HandshakePayload::ServerHello(m)
                    if crate::decode_tls13::is_hello_retry_request(&m.random) =>
                {
                    "HelloRetryRequest (a ServerHello asking for another ClientHello, RFC 8446 \
                     4.1.4)"
                        .to_string()
                }
                _ => known(&msg.typ())
                    .unwrap_or_else(|| format!("handshake type {}", msg.typ().to_u8())),
            };
            let _ = writeln!(out, "  {name}, {} bytes", total - HandshakeHeader::LEN);
            self.message(msg.payload(), guessed, out);
        }
    }

    fn message(&mut self, payload: &HandshakePayload, guessed: bool, out: &mut String) {
        let guess = if guessed {
            " (key exchange guessed from the message's shape: no ServerHello in this input)"
        } else {
            ""
        };
        if crate::decode_tls13::message(payload, out) {
            return;
        }
        match payload {
            HandshakePayload::ClientHello(m) => {
                self.offered13 |= m.extensions.iter().any(|e| {
                    matches!(e, Extension::SupportedVersions(v) if v.contains(&ProtocolVersion::TLSv1_3))
                });
                client_hello(m, out);
            }
            HandshakePayload::ServerHello(m) => {
                self.kx = KeyExchangeAlgorithm::of(m.cipher_suite);
                server_hello(m, out);
                let selects13 = m
                    .extensions
                    .iter()
                    .any(|e| matches!(e, Extension::SelectedVersion(ProtocolVersion::TLSv1_3)));
                if selects13 && !self.tls13 {
                    self.tls13 = true;
                    let _ = writeln!(
                        out,
                        "    (TLS 1.3 selected: the records after the ServerHello are encrypted, \
                         RFC 8446 2)"
                    );
                }
            }
            HandshakePayload::Certificate(m) => certificate(m, out),
            HandshakePayload::ServerKeyExchange(ServerKeyExchange::Ecdhe(m)) => {
                field(out, "curve_type", "named_curve (3)");
                field(out, "named_curve", &group(m.params.named_curve));
                field(
                    out,
                    "public point",
                    &format!("{} bytes", m.params.public.len()),
                );
                signed(out, "signature", &m.signature);
                if guessed {
                    let _ = writeln!(out, "   {guess}");
                }
            }
            HandshakePayload::CertificateRequest(m) => certificate_request(m, out),
            HandshakePayload::ServerHelloDone | HandshakePayload::HelloRequest => {
                field(out, "(empty body)", "");
            }
            HandshakePayload::ClientKeyExchange(m) => {
                match m {
                    ClientKeyExchange::Ecdhe(p) => {
                        field(
                            out,
                            "ecdh_Yc",
                            &format!("{}-byte public point (ECDHE)", p.len()),
                        );
                    }
                    ClientKeyExchange::Rsa(c) => field(
                        out,
                        "pre_master_secret",
                        &format!("{} bytes, encrypted to the server's RSA key", c.len()),
                    ),
                }
                if guessed {
                    let _ = writeln!(out, "   {guess}");
                }
            }
            HandshakePayload::CertificateVerify(s) => signed(out, "signature", s),
            HandshakePayload::Finished(v) => field(out, "verify_data", &hex(v)),
            HandshakePayload::NewSessionTicket(t) => {
                field(out, "lifetime_hint", &format!("{} s", t.lifetime_hint));
                field(out, "ticket", &format!("{} bytes", t.ticket.len()));
            }
            HandshakePayload::Unknown(_, body) => {
                field(out, "body", &format!("{} bytes, not decoded", body.len()));
            }
            other => field(out, "body", &format!("{:?}, not decoded", other.typ())),
        }
    }
}

/// Static RSA's ClientKeyExchange is `opaque<0..2^16-1>`, ECDHE's `opaque<1..2^8-1>`: the
/// length prefix that covers the whole body tells which.
fn guess_cke(body: &[u8]) -> KeyExchangeAlgorithm {
    match body {
        [n, ..] if usize::from(*n) + 1 == body.len() => KeyExchangeAlgorithm::Ecdhe,
        _ => KeyExchangeAlgorithm::Rsa,
    }
}

pub(crate) fn field(out: &mut String, name: &str, value: &str) {
    if value.is_empty() {
        let _ = writeln!(out, "    {name}");
    } else {
        let _ = writeln!(out, "    {name:<32} {value}");
    }
}

pub(crate) fn item(out: &mut String, value: &str) {
    let _ = writeln!(out, "      {value}");
}

fn signed(out: &mut String, name: &str, s: &DigitallySigned) {
    field(
        out,
        name,
        &format!("{}, {} bytes", scheme(s.scheme), s.signature.len()),
    );
}

fn client_hello(m: &ClientHello, out: &mut String) {
    field(out, "client_version", &version(m.client_version));
    field(out, "random", &hex(&m.random));
    session_id(out, m.session_id.as_slice());
    field(out, "cipher_suites", &format!("{}", m.cipher_suites.len()));
    for s in &m.cipher_suites {
        item(out, &suite(*s));
    }
    field(
        out,
        "compression_methods",
        &list(&m.compression_methods, |c| {
            format!(
                "{} ({})",
                known(c).map_or_else(|| "unknown".into(), |n| n.to_lowercase()),
                c.to_u8()
            )
        }),
    );
    extensions(out, &m.extensions);
}

fn server_hello(m: &ServerHello, out: &mut String) {
    field(out, "server_version", &version(m.server_version));
    field(out, "random", &hex(&m.random));
    session_id(out, m.session_id.as_slice());
    field(out, "cipher_suite", &suite(m.cipher_suite));
    field(
        out,
        "compression_method",
        &format!(
            "{} ({})",
            known(&m.compression_method).map_or_else(|| "unknown".into(), |n| n.to_lowercase()),
            m.compression_method.to_u8()
        ),
    );
    extensions(out, &m.extensions);
}

fn session_id(out: &mut String, id: &[u8]) {
    if id.is_empty() {
        field(out, "session_id", "empty");
    } else {
        field(
            out,
            "session_id",
            &format!("{} bytes {}", id.len(), hex(id)),
        );
    }
}

pub(crate) fn extensions(out: &mut String, exts: &Extensions) {
    if exts.omitted {
        field(out, "extensions", "none (block omitted)");
        return;
    }
    field(out, "extensions", &format!("{}", exts.len()));
    for e in exts.iter() {
        let typ = e.typ();
        let name = match known(&typ) {
            Some(n) if n == "Alpn" => "application_layer_protocol_negotiation".to_string(),
            Some(n) => snake(&n),
            None => extension_name(typ.to_u16()).to_string(),
        };
        let label = format!("{name} ({})", typ.to_u16());
        if let Some(value) = crate::decode_tls13::extension_value(e, out, &label) {
            if !value.is_empty() {
                let _ = writeln!(out, "      {label:<32} {value}");
            }
            continue;
        }
        let value = match e {
            Extension::ServerName(names) if names.is_empty() => {
                "empty (the server saw the name)".into()
            }
            Extension::ServerName(names) => list(names, |n| match n {
                ServerName::HostName(h) => format!("host_name {}", String::from_utf8_lossy(h)),
                ServerName::Unknown(t, d) => format!("name type {t}, {} bytes", d.len()),
            }),
            Extension::SupportedGroups(g) => list(g, |g| group(*g)),
            Extension::EcPointFormats(f) => list(f, |f| {
                format!(
                    "{} ({})",
                    known(f).map_or_else(|| "unknown".into(), |n| snake(&n)),
                    f.to_u8()
                )
            }),
            Extension::SignatureAlgorithms(s) => {
                let _ = writeln!(out, "      {label:<32} {} schemes", s.len());
                for sc in s {
                    let _ = writeln!(out, "        {}", scheme(*sc));
                }
                continue;
            }
            Extension::Alpn(p) => list(p, |p| String::from_utf8_lossy(p.as_bytes()).into_owned()),
            Extension::ExtendedMasterSecret => "(empty: RFC 7627 master secret)".into(),
            Extension::RenegotiationInfo(v) if v.is_empty() => {
                "renegotiated_connection empty (initial handshake)".into()
            }
            Extension::RenegotiationInfo(v) => format!("renegotiated_connection {}", hex(v)),
            Extension::SessionTicket(t) if t.is_empty() => "empty".into(),
            Extension::SessionTicket(t) => format!("ticket of {} bytes", t.len()),
            Extension::SupportedVersions(v) => list(v, |v| version(*v)),
            Extension::SelectedVersion(v) => version(*v),
            Extension::Unknown(_, d) if d.is_empty() => "(empty)".into(),
            Extension::Unknown(_, d) => format!("{} bytes: {}", d.len(), hex_cut(d, 32)),
            other => {
                let mut d = Vec::new();
                other.encode_data(&mut d);
                if d.is_empty() {
                    "(empty)".into()
                } else {
                    format!("{} bytes: {}", d.len(), hex_cut(&d, 32))
                }
            }
        };
        let _ = writeln!(out, "      {label:<32} {value}");
    }
}

fn certificate(m: &CertificateMsg, out: &mut String) {
    let n = m.certificate_list.len();
    if n == 0 {
        field(out, "certificate_list", "empty (no certificate)");
        return;
    }
    field(
        out,
        "certificate_list",
        &format!("{n} certificate{}", if n == 1 { "" } else { "s" }),
    );
    for (i, c) in m.certificate_list.iter().enumerate() {
        let der = c.as_ref();
        let who =
            subject(der).map_or_else(|| "not X.509 parsable".into(), |s| format!("subject {s}"));
        item(out, &format!("[{i}] {} bytes, {who}", der.len()));
    }
}

fn certificate_request(m: &CertificateRequest, out: &mut String) {
    field(
        out,
        "certificate_types",
        &list(&m.certificate_types, |t| {
            format!(
                "{} ({})",
                known(t).map_or_else(|| "unknown".into(), |n| snake(&n)),
                t.to_u8()
            )
        }),
    );
    field(
        out,
        "supported_signature_algorithms",
        &format!("{}", m.supported_signature_algorithms.len()),
    );
    for s in &m.supported_signature_algorithms {
        item(out, &scheme(*s));
    }
    field(
        out,
        "certificate_authorities",
        &format!("{}", m.certificate_authorities.len()),
    );
    for ca in &m.certificate_authorities {
        let name = dn(ca.as_bytes())
            .unwrap_or_else(|| format!("{} bytes, not a DER Name", ca.as_bytes().len()));
        item(out, &name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_detection_and_decoding() {
        assert!(looks_hex(b"16 03 01\n00 05\n"));
        assert!(!looks_hex(&[0x16, 0x03, 0x01]));
        assert!(!looks_hex(b"   \n"));
        assert_eq!(
            from_hex(b"16 030\n").err(),
            Some("hex input has an odd number of digits".into())
        );
        assert_eq!(from_hex(b"16 03 0A").ok(), Some(vec![0x16, 0x03, 0x0a]));
    }

    #[test]
    fn alert_record_and_malformed_session_id() {
        let mut out = String::new();
        assert!(decode(&[21, 3, 3, 0, 2, 2, 40], false, &mut out).is_ok());
        assert!(out.contains("fatal handshake_failure (40)"), "{out}");

        // ClientHello with a 33-byte session id.
        let mut body = vec![3, 3];
        body.extend_from_slice(&[0; 32]);
        body.push(33);
        body.extend_from_slice(&[0; 33]);
        body.extend_from_slice(&[0, 2, 0xc0, 0x2b, 1, 0]);
        let mut msg = vec![1, 0, 0, u8::try_from(body.len()).unwrap()];
        msg.extend_from_slice(&body);
        let mut rec = vec![22, 3, 1, 0, u8::try_from(msg.len()).unwrap()];
        rec.extend_from_slice(&msg);
        let e = decode(&rec, false, &mut String::new()).unwrap_err();
        assert!(e.contains("ClientHello.session_id"), "{e}");
    }

    #[test]
    fn cke_shape() {
        assert_eq!(guess_cke(&[2, 9, 9]), KeyExchangeAlgorithm::Ecdhe);
        assert_eq!(guess_cke(&[0, 2, 9, 9]), KeyExchangeAlgorithm::Rsa);
    }
}
