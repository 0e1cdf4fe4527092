//! One end of a handshake in memory without the facade: a sans-IO state machine
//! ([`Handshake`], either role) behind the real record layer (mtls-record), whose actions
//! become records and whose received records become inputs. [`Driven`] pairs a
//! [`RecordEndpoint`] with its state machine for the [`pump`](crate::pump()).

use std::convert::Infallible;

use mtls_handshake::{Action, Handshake, HandshakeError, Input, RecordProtection};
use mtls_record::{Inbound, RecordDecrypter, RecordEncrypter, RecordReader, RecordWriter};
use mtls_wire::ContentType;
use mtls_wire::alert::Alert;

use crate::pump::Side;

/// Hook to tamper with a handshake message before it is framed: (message) -> replacement
/// list (empty drops it, two entries duplicate it).
pub type Tamper = Box<dyn FnMut(&[u8]) -> Vec<Vec<u8>>>;

/// One side of an in-memory connection: the record layer around a handshake.
pub struct RecordEndpoint {
    /// `client` or `server`, for messages.
    pub name: &'static str,
    /// Received bytes become records, then handshake inputs.
    pub reader: RecordReader,
    /// Actions become records in [`RecordEndpoint::outgoing`].
    pub writer: RecordWriter,
    /// Records not yet delivered to the peer.
    pub outgoing: Vec<u8>,
    /// `Action::Complete` was seen.
    pub complete: bool,
    /// The first error (record layer or handshake); the endpoint takes nothing after it.
    pub error: Option<HandshakeError>,
    /// Every alert the peer sent.
    pub alerts_received: Vec<Alert>,
    /// Decrypted application data received.
    pub app_data: Vec<u8>,
    /// Every handshake message sent, in order, after tampering.
    pub sent_messages: Vec<Vec<u8>>,
    /// Applied to each handshake message before it is framed.
    pub tamper: Option<Tamper>,
}

/// A record-layer event, owned, so that the reader is free while the handshake runs.
enum Event {
    Hs(Vec<u8>),
    Ccs,
    Alert(Alert),
    Data(Vec<u8>),
}

impl RecordEndpoint {
    /// A fresh record layer, nothing sent or received.
    pub fn new(name: &'static str) -> Self {
        Self {
            name,
            reader: RecordReader::new(),
            writer: RecordWriter::new(),
            outgoing: Vec::new(),
            complete: false,
            error: None,
            alerts_received: Vec::new(),
            app_data: Vec::new(),
            sent_messages: Vec::new(),
            tamper: None,
        }
    }

    /// Performs the state machine's actions in order: records to send, keys to install,
    /// completion.
    pub fn apply(&mut self, actions: Vec<Action>) {
        for a in actions {
            match a {
                Action::SendHandshake(m) => {
                    let out = match &mut self.tamper {
                        Some(t) => t(&m),
                        None => vec![m],
                    };
                    for m in out {
                        self.writer
                            .write(ContentType::Handshake, &m, &mut self.outgoing)
                            .unwrap();
                        self.sent_messages.push(m);
                    }
                }
                Action::SendChangeCipherSpec => self
                    .writer
                    .write(ContentType::ChangeCipherSpec, &[1], &mut self.outgoing)
                    .unwrap(),
                Action::InstallWriteKeys(k) => {
                    let (key, iv) = (k.keys.key(), k.keys.iv());
                    self.writer.install_encrypter(
                        match k.protection {
                            RecordProtection::Tls12 => {
                                RecordEncrypter::with_provider(k.provider, k.algorithm, key, iv)
                            }
                            RecordProtection::Tls13 => {
                                RecordEncrypter::tls13(k.provider, k.algorithm, key, iv)
                            }
                        }
                        .unwrap(),
                    )
                }
                Action::InstallReadKeys(k) => {
                    let (key, iv) = (k.keys.key(), k.keys.iv());
                    match k.protection {
                        RecordProtection::Tls12 => self.reader.install_decrypter(
                            RecordDecrypter::with_provider(k.provider, k.algorithm, key, iv)
                                .unwrap(),
                        ),
                        RecordProtection::Tls13 => self
                            .reader
                            .install_tls13_decrypter(
                                RecordDecrypter::tls13(k.provider, k.algorithm, key, iv).unwrap(),
                            )
                            .unwrap(),
                    }
                }
                Action::SendAlert(alert) => {
                    let mut b = Vec::new();
                    alert.encode(&mut b);
                    self.writer
                        .write(ContentType::Alert, &b, &mut self.outgoing)
                        .unwrap();
                }
                Action::Complete => self.complete = true,
                Action::PeerAuthenticated => {}
            }
        }
    }

    /// Records `e` and queues its fatal alert.
    pub fn fail(&mut self, e: HandshakeError) {
        let mut b = Vec::new();
        Alert::fatal(e.alert()).encode(&mut b);
        let _ = self
            .writer
            .write(ContentType::Alert, &b, &mut self.outgoing);
        self.error = Some(e);
    }

    /// Takes `bytes` from the peer: records through the reader, handshake records and
    /// ChangeCipherSpec to `machine` (its actions applied), alerts and application data kept.
    /// Stops at the first error, which [`RecordEndpoint::fail`] records.
    pub fn receive(&mut self, bytes: &[u8], machine: &mut (impl Handshake + ?Sized)) {
        let mut rest = bytes;
        while !rest.is_empty() {
            let n = self.reader.push(rest);
            rest = &rest[n..];
            loop {
                let ev = match self.reader.next_event() {
                    Ok(Some(Inbound::Handshake(m))) => Event::Hs(m.to_vec()),
                    Ok(Some(Inbound::ChangeCipherSpec)) => Event::Ccs,
                    Ok(Some(Inbound::Alert(a))) => Event::Alert(a),
                    Ok(Some(Inbound::ApplicationData(d))) => Event::Data(d.to_vec()),
                    Ok(None) => break,
                    Err(e) => {
                        self.fail(HandshakeError::new(e.alert(), e.to_string()));
                        return;
                    }
                };
                let result = match ev {
                    Event::Hs(m) => machine.handle(Input::Handshake(&m)),
                    Event::Ccs => machine.handle(Input::ChangeCipherSpec),
                    Event::Alert(a) => {
                        self.alerts_received.push(a);
                        continue;
                    }
                    Event::Data(d) => {
                        self.app_data.extend_from_slice(&d);
                        continue;
                    }
                };
                if machine.version() == mtls_wire::ProtocolVersion::TLSv1_3 {
                    // A ChangeCipherSpec from here on is the compatibility one (RFC 8446 D.4).
                    self.reader.set_tls13(true);
                }
                match result {
                    Ok(actions) => self.apply(actions),
                    Err(e) => {
                        self.fail(e);
                        return;
                    }
                }
            }
        }
    }
}

/// An [`RecordEndpoint`] with the state machine behind it, for the pump. Failures stay in the
/// endpoint (`error`), so the pump never sees one.
pub struct Driven<'a, M: ?Sized> {
    /// The record layer.
    pub endpoint: &'a mut RecordEndpoint,
    /// The handshake.
    pub machine: &'a mut M,
}

impl<'a, M: Handshake + ?Sized> Driven<'a, M> {
    /// `endpoint` driving `machine`.
    pub fn new(endpoint: &'a mut RecordEndpoint, machine: &'a mut M) -> Self {
        Self { endpoint, machine }
    }
}

impl<M: Handshake + ?Sized> Side for Driven<'_, M> {
    type Error = Infallible;

    fn send(&mut self, out: &mut Vec<u8>) {
        out.append(&mut self.endpoint.outgoing);
    }

    fn receive(&mut self, bytes: &[u8]) -> Result<(), Infallible> {
        self.endpoint.receive(bytes, self.machine);
        Ok(())
    }

    fn accepts(&self) -> bool {
        self.endpoint.error.is_none()
    }
}
