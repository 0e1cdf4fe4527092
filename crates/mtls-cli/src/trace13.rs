//! The TLS 1.3 reading of a wire tap (RFC 8446): the hellos are plaintext, everything after
//! them is sealed. The demo owns both ends, so it has the traffic secrets the client logged
//! (its [`KeyLog`](mtls::KeyLog)); each captured record is opened with keys derived from them
//! (`mtls_prf::tls13`, `mtls_record`'s TLS 1.3 decrypter), and what it carried is drawn in
//! the notation of RFC 8446 section 2: `{Message}` sealed with handshake traffic keys,
//! `[Message]` sealed with application traffic keys. Hellos that offer or select a PSK are
//! drawn with their extensions (`ClientHello + key_share + pre_shared_key`), and what the
//! resumption messages carry is noted from their bytes (identities, binders, the selected
//! identity, the tickets' lifetimes).

use std::sync::{Arc, Mutex};

use mtls_crypto::CryptoProvider;
use mtls_crypto::aead::AeadAlgorithm;
use mtls_prf::tls13::Secret;
use mtls_record::RecordDecrypter;
use mtls_wire::alert::Alert;
use mtls_wire::handshake::{
    ClientHello, HELLO_RETRY_REQUEST_RANDOM, HandshakeHeader, NewSessionTicketTls13, ServerHello,
};
use mtls_wire::record::RecordHeader;
use mtls_wire::{ContentType, HandshakeType, PskKeyExchangeMode};

use crate::trace::{Dir, Line, Log, message_name};

/// One key log line: label, client random, secret.
type Logged = (String, [u8; 32], Vec<u8>);

/// The secrets a configuration logged (NSS key log lines, kept in memory).
#[derive(Default)]
pub struct Secrets(Mutex<Vec<Logged>>);

impl mtls::KeyLog for Secrets {
    fn log(&self, label: &str, client_random: &[u8; 32], secret: &[u8]) {
        if let Ok(mut lines) = self.0.lock() {
            lines.push((label.to_string(), *client_random, secret.to_vec()));
        }
    }
}

impl Secrets {
    /// A fresh, shared log.
    pub fn shared() -> Arc<Self> {
        Arc::new(Self::default())
    }

    fn get(&self, label: &str, random: &[u8; 32]) -> Option<Vec<u8>> {
        let lines = self.0.lock().ok()?;
        lines
            .iter()
            .find(|(l, r, _)| l == label && r == random)
            .map(|(_, _, s)| s.clone())
    }
}

/// Splits a byte stream into whole records (a cut last one is left out).
fn records(stream: &[u8]) -> Vec<(RecordHeader, &[u8])> {
    let mut out = Vec::new();
    let mut rest = stream;
    while let Ok((header, after)) = RecordHeader::parse(rest) {
        let Some(fragment) = after.get(..usize::from(header.length)) else {
            break;
        };
        out.push((header, fragment));
        rest = after.get(fragment.len()..).unwrap_or_default();
    }
    out
}

/// The first handshake message of the first plaintext handshake record of a stream.
fn first_message(stream: &[u8]) -> Option<(HandshakeType, &[u8])> {
    let (_, fragment) = records(stream)
        .into_iter()
        .find(|(h, _)| h.content_type == ContentType::Handshake)?;
    let (header, body) = HandshakeHeader::parse(fragment).ok()?;
    Some((header.typ, body.get(..header.length as usize)?))
}

/// What one direction needs to open its records: the AEAD and the traffic secrets it goes
/// through (handshake, then application 0; KeyUpdate generations are derived).
struct Keys {
    aead: AeadAlgorithm,
    secrets: Vec<Secret>,
}

/// The record keys of both directions, from the ClientHello random and the ServerHello's
/// suite on the wire and the secrets logged for that random. `None` when the server never
/// chose a TLS 1.3 suite or nothing was logged.
fn keys(out: &[u8], inb: &[u8], secrets: &Secrets) -> (Option<Keys>, Option<Keys>) {
    let random = first_message(out).and_then(|(t, body)| {
        // ClientHello: legacy_version (2 bytes), then the random.
        (t == HandshakeType::ClientHello)
            .then(|| body.get(2..34)?.try_into().ok())
            .flatten()
    });
    // The ServerHello (after a HelloRetryRequest, the second one) names the suite.
    let suite = records(inb)
        .into_iter()
        .filter(|(h, _)| h.content_type == ContentType::Handshake)
        .filter_map(|(_, f)| {
            let (header, body) = HandshakeHeader::parse(f).ok()?;
            (header.typ == HandshakeType::ServerHello).then_some(())?;
            ServerHello::parse(body.get(..header.length as usize)?).ok()
        })
        .find(|sh| sh.random != HELLO_RETRY_REQUEST_RANDOM)
        .and_then(|sh| mtls::Tls13Suite::find(sh.cipher_suite));
    let (Some(random), Some(suite)) = (random, suite) else {
        return (None, None);
    };
    let of = |labels: [&str; 2]| {
        let found: Vec<Secret> = labels
            .iter()
            .map_while(|l| secrets.get(l, &random))
            .map(|s| Secret::from_bytes(suite.hash, &s))
            .collect();
        (!found.is_empty()).then_some(Keys {
            aead: suite.aead,
            secrets: found,
        })
    };
    (
        of(["CLIENT_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0"]),
        of(["SERVER_HANDSHAKE_TRAFFIC_SECRET", "SERVER_TRAFFIC_SECRET_0"]),
    )
}

/// Reads one direction record by record, opening the sealed ones.
struct Decoder {
    provider: &'static CryptoProvider,
    buf: Vec<u8>,
    keys: Option<Keys>,
    /// Index in `keys.secrets` of the keys that open the next sealed record, and its
    /// decrypter once the first sealed record came.
    epoch: usize,
    decrypter: Option<RecordDecrypter>,
    /// A record did not open: the rest of this direction is shown sealed.
    lost: bool,
    handshake: Vec<u8>,
    /// Wire bytes (record headers, inner type, tag) not yet counted in a line.
    overhead: usize,
    finished_seen: bool,
    /// What the resumption messages of this direction carry, in wire order.
    notes: Vec<String>,
}

impl Decoder {
    fn new(provider: &'static CryptoProvider, keys: Option<Keys>) -> Self {
        Self {
            provider,
            buf: Vec::new(),
            keys,
            epoch: 0,
            decrypter: None,
            lost: false,
            handshake: Vec::new(),
            overhead: 0,
            finished_seen: false,
            notes: Vec::new(),
        }
    }

    fn feed(&mut self, dir: Dir, data: &[u8], out: &mut Vec<Line>) {
        self.buf.extend_from_slice(data);
        while let Ok((header, rest)) = RecordHeader::parse(&self.buf) {
            let len = usize::from(header.length);
            let Some(fragment) = rest.get(..len).map(<[u8]>::to_vec) else {
                break;
            };
            self.buf.drain(..RecordHeader::LEN + len);
            self.record(dir, header, fragment, out);
        }
    }

    /// The decrypter of the current epoch, made when first needed.
    fn decrypter(&mut self) -> Option<&mut RecordDecrypter> {
        if self.decrypter.is_none() && !self.lost {
            let keys = self.keys.as_mut()?;
            if self.epoch == keys.secrets.len() {
                // RFC 8446 7.2: the next generation after a KeyUpdate.
                let next = keys.secrets.last()?.next_traffic_secret(self.provider);
                keys.secrets.push(next);
            }
            let k = keys
                .secrets
                .get(self.epoch)?
                .traffic_keys(self.provider, keys.aead.key_len());
            self.decrypter = RecordDecrypter::tls13(self.provider, keys.aead, k.key(), k.iv()).ok();
        }
        self.decrypter.as_mut()
    }

    fn record(
        &mut self,
        dir: Dir,
        header: RecordHeader,
        mut fragment: Vec<u8>,
        out: &mut Vec<Line>,
    ) {
        let wire = RecordHeader::LEN + fragment.len();
        let line = |what: String, bytes: usize| Line { dir, what, bytes };
        match header.content_type {
            ContentType::Handshake => {
                self.overhead += RecordHeader::LEN;
                self.messages(dir, &fragment, ("", ""), out);
            }
            ContentType::ChangeCipherSpec => {
                out.push(line("ChangeCipherSpec (compat)".into(), wire));
            }
            ContentType::Alert => {
                let what = match Alert::parse(&fragment) {
                    Ok(a) => format!("Alert {:?} {:?}", a.level, a.description),
                    Err(_) => "Alert (does not parse)".into(),
                };
                out.push(line(what, wire));
            }
            ContentType::ApplicationData => {
                let opened = self
                    .decrypter()
                    .and_then(|d| d.open_tls13_in_place(header, &mut fragment).ok());
                let Some((inner, range)) = opened else {
                    self.lost = true;
                    self.decrypter = None;
                    out.push(line("sealed record (not opened)".into(), wire));
                    return;
                };
                let content = fragment.get(range).unwrap_or_default();
                let marks = if self.epoch == 0 {
                    ("{", "}")
                } else {
                    ("[", "]")
                };
                self.overhead += wire - content.len();
                match inner {
                    ContentType::Handshake => self.messages(dir, content, marks, out),
                    ContentType::ApplicationData => {
                        let bytes = std::mem::take(&mut self.overhead) + content.len();
                        out.push(line(
                            format!("{}Application Data{}", marks.0, marks.1),
                            bytes,
                        ));
                    }
                    ContentType::Alert => {
                        let what = match Alert::parse(content) {
                            Ok(a) => format!("{:?}", a.description),
                            Err(_) => "(does not parse)".into(),
                        };
                        let bytes = std::mem::take(&mut self.overhead) + content.len();
                        out.push(line(format!("{}Alert {what}{}", marks.0, marks.1), bytes));
                    }
                    other => {
                        let bytes = std::mem::take(&mut self.overhead) + content.len();
                        out.push(line(format!("{}{other:?}{}", marks.0, marks.1), bytes));
                    }
                }
            }
            other => out.push(line(format!("record {other:?}"), wire)),
        }
    }

    /// Joins handshake content and draws each message it completes; the first Finished of a
    /// direction ends its handshake keys, each KeyUpdate its application keys of the moment.
    fn messages(&mut self, dir: Dir, content: &[u8], marks: (&str, &str), out: &mut Vec<Line>) {
        self.handshake.extend_from_slice(content);
        while let Ok((h, _)) = HandshakeHeader::parse(&self.handshake) {
            let total = 4 + h.length as usize;
            if self.handshake.len() < total {
                break;
            }
            let message: Vec<u8> = self.handshake.drain(..total).collect();
            let name = match h.typ {
                HandshakeType::ServerHello
                    if message.get(6..38) == Some(&HELLO_RETRY_REQUEST_RANDOM[..]) =>
                {
                    "HelloRetryRequest".to_string()
                }
                HandshakeType::Certificate if empty_certificate(&message) => {
                    "Certificate (empty)".to_string()
                }
                t => {
                    let body = message.get(4..).unwrap_or_default();
                    let (name, note) = resumption(t, body);
                    self.notes.extend(note);
                    name.unwrap_or_else(|| message_name(t))
                }
            };
            out.push(Line {
                dir,
                what: format!("{}{name}{}", marks.0, marks.1),
                bytes: std::mem::take(&mut self.overhead) + total,
            });
            let sealed = !marks.0.is_empty();
            let ends_epoch = (h.typ == HandshakeType::Finished && !self.finished_seen)
                || h.typ == HandshakeType::KeyUpdate;
            self.finished_seen |= h.typ == HandshakeType::Finished;
            if sealed && ends_epoch {
                self.epoch += 1;
                self.decrypter = None;
            }
        }
    }
}

/// The PSK side of a message (RFC 8446 2.2): a name with the extensions RFC 8446 draws for a
/// hello that offers or selects a PSK, and a note of what it carries. Both `None` for any
/// other message.
fn resumption(t: HandshakeType, body: &[u8]) -> (Option<String>, Option<String>) {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match t {
        HandshakeType::ClientHello => {
            let Ok(ch) = ClientHello::parse(body) else {
                return (None, None);
            };
            let Some(psk) = ch.extensions.pre_shared_key() else {
                return (None, None);
            };
            let share = if ch.extensions.key_shares().is_some() {
                " + key_share"
            } else {
                ""
            };
            let tickets: Vec<String> = psk
                .identities
                .iter()
                .map(|i| format!("{} bytes", i.identity.len()))
                .collect();
            let binders: Vec<String> = psk
                .binders
                .iter()
                .map(|b| format!("{} bytes", b.len()))
                .collect();
            let modes = ch
                .extensions
                .psk_key_exchange_modes()
                .unwrap_or_default()
                .iter()
                .map(|m| match m {
                    PskKeyExchangeMode::PskKe => "psk_ke".to_string(),
                    PskKeyExchangeMode::PskDheKe => "psk_dhe_ke".to_string(),
                    other => format!("{other:?}"),
                })
                .collect::<Vec<_>>()
                .join(", ");
            (
                Some(format!("ClientHello{share} + pre_shared_key")),
                Some(format!(
                    "ClientHello: pre_shared_key offers {} ({} of {}) and {} ({}) over the \
                     ClientHello up to them (RFC 8446 4.2.11.2); psk_key_exchange_modes \
                     [{modes}]",
                    plural(psk.identities.len(), "identity", "identities"),
                    if psk.identities.len() == 1 {
                        "a ticket"
                    } else {
                        "tickets"
                    },
                    tickets.join(", "),
                    plural(psk.binders.len(), "binder", "binders"),
                    binders.join(", "),
                )),
            )
        }
        HandshakeType::ServerHello => {
            let Ok(sh) = ServerHello::parse(body) else {
                return (None, None);
            };
            let Some(selected) = sh.extensions.selected_identity() else {
                return (None, None);
            };
            let (name, kx) = match sh.extensions.server_key_share() {
                Some(k) => (
                    "ServerHello + pre_shared_key + key_share",
                    format!("key_share {:?}: (EC)DHE too (psk_dhe_ke)", k.group),
                ),
                None => (
                    "ServerHello + pre_shared_key",
                    "no key_share: the PSK alone (psk_ke)".to_string(),
                ),
            };
            (
                Some(name.to_string()),
                Some(format!(
                    "ServerHello: pre_shared_key selects identity {selected} (RFC 8446 4.2.11); {kx}"
                )),
            )
        }
        HandshakeType::NewSessionTicket => {
            let note = NewSessionTicketTls13::parse(body).ok().map(|t| {
                format!(
                    "NewSessionTicket: a ticket of {} bytes, lifetime {} s, nonce of {} \
                     bytes (RFC 8446 4.6.1)",
                    t.ticket.len(),
                    t.ticket_lifetime,
                    t.ticket_nonce.len()
                )
            });
            (None, note)
        }
        _ => (None, None),
    }
}

/// A TLS 1.3 Certificate message with an empty certificate_list (RFC 8446 4.4.2): after
/// the 4-byte header, the request context (length-prefixed), then the list's 3-byte length.
fn empty_certificate(message: &[u8]) -> bool {
    let context = message.get(4).map_or(0, |&n| usize::from(n));
    message.get(5 + context..8 + context) == Some(&[0, 0, 0][..])
}

/// Decodes a tap's log of a TLS 1.3 connection into diagram lines, in wire order, opening
/// the sealed records with the secrets logged for its ClientHello random; and the notes of
/// what its resumption messages carry (client's first, then server's).
pub fn decode(
    log: &Log,
    secrets: &Secrets,
    provider: &'static CryptoProvider,
) -> (Vec<Line>, Vec<String>) {
    let chunks = log.lock().map(|l| l.clone()).unwrap_or_default();
    let joined = |want: Dir| -> Vec<u8> {
        chunks
            .iter()
            .filter(|(d, _)| *d == want)
            .flat_map(|(_, b)| b.iter().copied())
            .collect()
    };
    let (out_keys, in_keys) = keys(&joined(Dir::Out), &joined(Dir::In), secrets);
    let mut out_dec = Decoder::new(provider, out_keys);
    let mut in_dec = Decoder::new(provider, in_keys);
    let mut lines = Vec::new();
    for (dir, data) in chunks {
        match dir {
            Dir::Out => out_dec.feed(dir, &data, &mut lines),
            Dir::In => in_dec.feed(dir, &data, &mut lines),
        }
    }
    let mut notes = out_dec.notes;
    notes.extend(in_dec.notes);
    (lines, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_certificate_list_is_told_from_a_full_one() {
        // Handshake header, empty context, list length 0.
        assert!(empty_certificate(&[11, 0, 0, 4, 0, 0, 0, 0]));
        // Post-handshake: a 2-byte context, then an empty list.
        assert!(empty_certificate(&[11, 0, 0, 6, 2, 9, 9, 0, 0, 0]));
        assert!(!empty_certificate(&[
            11, 0, 0, 9, 0, 0, 0, 5, 0, 0, 2, 1, 2
        ]));
        assert!(!empty_certificate(&[11, 0, 0]));
    }

    #[test]
    fn without_secrets_sealed_records_are_shown_sealed() {
        // A plaintext ClientHello-shaped record, then a sealed record: no keys were logged.
        let log: Log = Arc::new(Mutex::new(vec![
            (Dir::Out, vec![22, 3, 1, 0, 8, 1, 0, 0, 4, 3, 3, 0, 0]),
            (Dir::Out, vec![23, 3, 3, 0, 3, 1, 2, 3]),
        ]));
        let (lines, notes) = decode(&log, &Secrets::default(), mtls_crypto::default_provider());
        assert!(notes.is_empty());
        let what: Vec<&str> = lines.iter().map(|l| l.what.as_str()).collect();
        assert_eq!(what, ["ClientHello", "sealed record (not opened)"]);
        assert_eq!(lines.iter().map(|l| l.bytes).sum::<usize>(), 13 + 8);
    }
}
