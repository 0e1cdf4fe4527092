//! A wire tap: a transport wrapper that records every byte the client sends and receives, and
//! a printer that decodes them (with mtls-wire) into a two-column sequence diagram, as it
//! happened on the wire.

use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex};

use anstream::{AutoStream, ColorChoice};
use anstyle::{AnsiColor, Style};
use mtls_wire::HandshakeType;
use mtls_wire::handshake::HandshakeHeader;
use mtls_wire::record::RecordHeader;
use mtls_wire::{ContentType, alert::Alert};

/// Which way bytes went, seen from the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// Client to server.
    Out,
    /// Server to client.
    In,
}

/// The chunks a tap saw, in order.
pub type Log = Arc<Mutex<Vec<(Dir, Vec<u8>)>>>;

/// Wraps a transport and logs what goes through it.
pub struct Tap<T> {
    inner: T,
    log: Log,
}

impl<T> Tap<T> {
    /// A tap on `inner`, logging into `log`.
    pub fn new(inner: T, log: Log) -> Self {
        Self { inner, log }
    }
}

impl<T: Read> Read for Tap<T> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let (Ok(mut log), Some(data)) = (self.log.lock(), buf.get(..n))
            && n > 0
        {
            log.push((Dir::In, data.to_vec()));
        }
        Ok(n)
    }
}

impl<T: Write> Write for Tap<T> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        if let (Ok(mut log), Some(data)) = (self.log.lock(), buf.get(..n))
            && n > 0
        {
            log.push((Dir::Out, data.to_vec()));
        }
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// One line of the diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Direction.
    pub dir: Dir,
    /// What it was, e.g. `ClientHello` or `Finished (encrypted)`.
    pub what: String,
    /// Bytes on the wire, record headers included.
    pub bytes: usize,
}

/// Splits one direction into records and its plaintext handshake records into messages.
#[derive(Default)]
struct Decoder {
    buf: Vec<u8>,
    handshake: Vec<u8>,
    protected: bool,
    after_ccs_records: usize,
}

impl Decoder {
    fn feed(&mut self, dir: Dir, data: &[u8], out: &mut Vec<Line>) {
        self.buf.extend_from_slice(data);
        while let Ok((header, rest)) = RecordHeader::parse(&self.buf) {
            let len = usize::from(header.length);
            let Some(fragment) = rest.get(..len).map(<[u8]>::to_vec) else {
                break;
            };
            self.buf.drain(..RecordHeader::LEN + len);
            self.record(dir, header.content_type, &fragment, out);
        }
    }

    fn record(&mut self, dir: Dir, typ: ContentType, fragment: &[u8], out: &mut Vec<Line>) {
        let wire = RecordHeader::LEN + fragment.len();
        match typ {
            ContentType::Handshake if !self.protected => {
                self.handshake.extend_from_slice(fragment);
                let mut first = true;
                while let Ok((h, _)) = HandshakeHeader::parse(&self.handshake) {
                    let total = 4 + h.length as usize;
                    if self.handshake.len() < total {
                        break;
                    }
                    self.handshake.drain(..total);
                    // A record carrying several messages: the header bytes go to the first.
                    let bytes = if first {
                        total + RecordHeader::LEN
                    } else {
                        total
                    };
                    first = false;
                    out.push(Line {
                        dir,
                        what: message_name(h.typ),
                        bytes,
                    });
                }
            }
            ContentType::Handshake => {
                self.after_ccs_records += 1;
                let what = if self.after_ccs_records == 1 {
                    "Finished (encrypted)".to_string()
                } else {
                    "handshake message (encrypted)".to_string()
                };
                out.push(Line {
                    dir,
                    what,
                    bytes: wire,
                });
            }
            ContentType::ChangeCipherSpec => {
                self.protected = true;
                out.push(Line {
                    dir,
                    what: "[ChangeCipherSpec]".into(),
                    bytes: wire,
                });
            }
            ContentType::Alert => {
                let what = match Alert::parse(fragment) {
                    Ok(a) if !self.protected => format!("Alert {:?} {:?}", a.level, a.description),
                    _ => "Alert (encrypted)".into(),
                };
                out.push(Line {
                    dir,
                    what,
                    bytes: wire,
                });
            }
            ContentType::ApplicationData => {
                out.push(Line {
                    dir,
                    what: "Application Data".into(),
                    bytes: wire,
                });
            }
            other => out.push(Line {
                dir,
                what: format!("record {other:?}"),
                bytes: wire,
            }),
        }
    }
}

/// The name of a handshake message type.
pub(crate) fn message_name(t: HandshakeType) -> String {
    match t {
        HandshakeType::ClientHello => "ClientHello".into(),
        HandshakeType::ServerHello => "ServerHello".into(),
        HandshakeType::Certificate => "Certificate".into(),
        HandshakeType::ServerKeyExchange => "ServerKeyExchange".into(),
        HandshakeType::CertificateRequest => "CertificateRequest".into(),
        HandshakeType::ServerHelloDone => "ServerHelloDone".into(),
        HandshakeType::ClientKeyExchange => "ClientKeyExchange".into(),
        HandshakeType::CertificateVerify => "CertificateVerify".into(),
        HandshakeType::Finished => "Finished".into(),
        other => format!("{other:?}"),
    }
}

/// Decodes a tap's log into diagram lines, in wire order.
pub fn lines(log: &Log) -> Vec<Line> {
    let chunks = log.lock().map(|l| l.clone()).unwrap_or_default();
    let (mut out_dec, mut in_dec) = (Decoder::default(), Decoder::default());
    let mut lines = Vec::new();
    for (dir, data) in chunks {
        match dir {
            Dir::Out => out_dec.feed(dir, &data, &mut lines),
            Dir::In => in_dec.feed(dir, &data, &mut lines),
        }
    }
    lines
}

/// The client's labels in cyan, the server's in yellow.
const CLIENT: Style = AnsiColor::Cyan.on_default();
const SERVER: Style = AnsiColor::Yellow.on_default();

/// Colours text for a terminal (`terminal`: the caller's stream is one) unless anstream's
/// rules for that stream say no (NO_COLOR, CLICOLOR=0, TERM=dumb): the env part is the same
/// for stdout and stderr, and the terminal one is whichever of them the caller found.
fn colour_wanted(terminal: bool) -> bool {
    let always = |choice| choice == ColorChoice::Always;
    terminal
        && (always(AutoStream::choice(&io::stdout())) || always(AutoStream::choice(&io::stderr())))
}

/// Renders the lines as a two-column diagram (client | server), in colour when `terminal`
/// (the text goes to a terminal) and the environment allows it (`colour_wanted`).
pub fn diagram(lines: &[Line], terminal: bool) -> String {
    let (c, s) = if colour_wanted(terminal) {
        (CLIENT, SERVER)
    } else {
        (Style::new(), Style::new())
    };
    let label = |l: &Line| format!("{} ({} B)", l.what, l.bytes);
    // Columns as wide as the longest label of their side (at least 34 and 30).
    let width = |dir: Dir, least: usize| {
        lines
            .iter()
            .filter(|l| l.dir == dir)
            .map(|l| label(l).len())
            .fold(least, usize::max)
    };
    let (left, right) = (width(Dir::Out, 34), width(Dir::In, 30));
    let mut text = format!("{:<left$}{:^16}{:>right$}\n", "client", "", "server");
    for l in lines {
        let label = label(l);
        match l.dir {
            Dir::Out => {
                let line = format!("{c}{label:<left$}{c:#}{:^16}", "------------->");
                text.push_str(line.trim_end());
                text.push('\n');
            }
            Dir::In => text.push_str(&format!(
                "{:<left$}{:^16}{s}{label:>right$}{s:#}\n",
                "", "<-------------"
            )),
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(dir: Dir, what: &str) -> Line {
        Line {
            dir,
            what: what.into(),
            bytes: 5,
        }
    }

    #[test]
    fn diagram_off_a_terminal_has_no_escape_codes() {
        let lines = [line(Dir::Out, "ClientHello"), line(Dir::In, "ServerHello")];
        let text = diagram(&lines, false);
        assert!(!text.contains('\u{1b}'), "{text:?}");
        assert!(text.contains("ClientHello (5 B)") && text.contains("ServerHello (5 B)"));
    }

    #[test]
    fn styles_are_ansi_colours_that_reset() {
        assert_eq!(format!("{CLIENT}x{CLIENT:#}"), "\u{1b}[36mx\u{1b}[0m");
        assert_eq!(format!("{SERVER}x{SERVER:#}"), "\u{1b}[33mx\u{1b}[0m");
        let plain = Style::new();
        assert_eq!(format!("{plain}x{plain:#}"), "x");
    }
}
