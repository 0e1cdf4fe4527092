//! What client and server connections share: the record layer around a handshake, and the
//! rustls-style sans-IO API (read_tls, process_new_packets, write_tls, reader, writer).

use std::collections::VecDeque;
use std::io::{self, BufRead, Read, Write};
use std::sync::Arc;

use mtls_cert::PeerIdentity;
use mtls_handshake::sequence::Kind;
use mtls_handshake::{Action, CertificateDer, Handshake, HandshakeSummary, Input, NegotiatedSuite};
use mtls_record::{Inbound, RecordReader, RecordWriter};
#[cfg(feature = "tracing")]
use mtls_wire::HandshakeType;
use mtls_wire::alert::Alert;
use mtls_wire::{AlertDescription, AlertLevel, ContentType, ProtocolVersion};

use crate::error::Error;
use crate::observe::ConnectionObserver;

#[path = "post_handshake.rs"]
mod post_handshake;
use crate::trace::conn_event;

/// Received application data we buffer before the application reads it; beyond this the
/// connection stops decrypting (and stops reading from the socket) until it does.
const MAX_RECEIVED_PLAINTEXT: usize = 64 * 1024;

/// Early data a TLS 1.3 server declined (it accepts no 0-RTT) and skips, in bytes of records
/// (RFC 8446 4.2.10: "up to the configured max_early_data_size"; we never issue tickets that
/// allow early data, so this only bounds what a client sends anyway).
const EARLY_DATA_SKIP: usize = 64 * 1024;

/// Send and receive buffers keep at most this capacity once emptied.
const IDLE_BUFFER_CAPACITY: usize = 1024;

/// Warning alerts in a row (no handshake message or application data between them) that end
/// the connection with `unexpected_message`: the fifth one does, as OpenSSL's
/// `MAX_WARN_ALERT_COUNT`. Each costs a record's processing and carries nothing, so a peer
/// could otherwise keep a connection busy on them forever (CVE-2016-8610).
const MAX_WARNING_ALERTS_IN_A_ROW: u32 = 5;

/// An identity that no verifier checked: the peer holds the key of a certificate that says
/// this, and nothing more is known. Read it with [`UnverifiedIdentity::claimed`].
#[derive(Debug, Clone, Copy)]
pub struct UnverifiedIdentity<'a>(&'a PeerIdentity);

impl<'a> UnverifiedIdentity<'a> {
    /// What the unverified leaf claims.
    pub fn claimed(&self) -> &'a PeerIdentity {
        self.0
    }
}

/// What [`ConnectionCommon::process_new_packets`] leaves for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IoState {
    /// Bytes waiting for [`ConnectionCommon::write_tls`].
    pub tls_bytes_to_write: usize,
    /// Decrypted bytes waiting for [`ConnectionCommon::reader`].
    pub plaintext_bytes_to_read: usize,
    /// The peer sent close_notify.
    pub peer_has_closed: bool,
}

/// The part of a connection that does not depend on the role. `ClientConnection` and
/// `ServerConnection` dereference to it.
pub struct ConnectionCommon {
    handshake: Box<dyn Handshake>,
    reader: RecordReader,
    writer: RecordWriter,
    /// Records to send; `tls_out[tls_out_sent..]` is still unsent.
    tls_out: Vec<u8>,
    tls_out_sent: usize,
    /// Received application data, oldest first: `plaintext_in`, then the unread part of the
    /// newest record, still in place in the reader's receive buffer (`held`: how much of it
    /// was read). A record is copied into the queue only when the reader must move on while
    /// the application has not read it; a caller that reads its data before reading from the
    /// socket again never pays for that copy.
    plaintext_in: VecDeque<u8>,
    held: Option<usize>,
    /// Application data written before the handshake completed.
    plaintext_out: Vec<u8>,
    handshake_done: bool,
    /// The reader was told to skip the client's declined early data (server, TLS 1.3).
    early_data_skipped: bool,
    /// The handshake has taken its first message (the peer's hello): the version is settled.
    hello_seen: bool,
    peer_closed: bool,
    transport_eof: bool,
    sent_close: bool,
    error: Option<Error>,
    /// Warning alerts received since the last handshake message or application data record.
    warnings_in_a_row: u32,
    /// The configuration's metrics hooks.
    observer: Option<Arc<dyn ConnectionObserver>>,
    /// The connection's span: every event of the connection is inside it.
    #[cfg(feature = "tracing")]
    span: tracing::Span,
}

impl ConnectionCommon {
    /// A client connection's common part. A client never receives a ClientHello, so the
    /// ClientHello's larger allowance (RFC 5246 7.4.1.2, up to 131 396 bytes) is the server's
    /// alone: here every handshake message, ClientHello-typed ones included, has the 64 KiB
    /// cap and is refused from its header.
    pub(crate) fn for_client(
        handshake: Box<dyn Handshake>,
        first_actions: Vec<Action>,
        observer: Option<Arc<dyn ConnectionObserver>>,
    ) -> Result<Self, Error> {
        let reader = RecordReader::with_max_handshake_message_len(
            mtls_record::DEFAULT_MAX_HANDSHAKE_MESSAGE_LEN,
        );
        let mut c = Self::new(handshake, reader, observer, "client");
        c.apply(first_actions)?;
        Ok(c)
    }

    /// A server connection's common part, waiting for a ClientHello.
    pub(crate) fn for_server(
        handshake: Box<dyn Handshake>,
        observer: Option<Arc<dyn ConnectionObserver>>,
    ) -> Self {
        Self::new(handshake, RecordReader::new(), observer, "server")
    }

    fn new(
        handshake: Box<dyn Handshake>,
        reader: RecordReader,
        observer: Option<Arc<dyn ConnectionObserver>>,
        _role: &'static str,
    ) -> Self {
        Self {
            handshake,
            reader,
            writer: RecordWriter::new(),
            tls_out: Vec::new(),
            tls_out_sent: 0,
            plaintext_in: VecDeque::new(),
            held: None,
            plaintext_out: Vec::new(),
            handshake_done: false,
            early_data_skipped: false,
            hello_seen: false,
            peer_closed: false,
            transport_eof: false,
            sent_close: false,
            error: None,
            warnings_in_a_row: 0,
            observer,
            #[cfg(feature = "tracing")]
            span: tracing::info_span!("mtls", role = _role),
        }
    }

    /// Reads TLS bytes from the peer (a socket) once. `Ok(0)` is the end of the stream: the
    /// transport's, or the peer's close_notify, after which nothing more is read (RFC 8446
    /// 6.1: data received after it MUST be ignored; buffering it would fill the receive
    /// buffer and end in an error).
    pub fn read_tls(&mut self, rd: &mut dyn Read) -> io::Result<usize> {
        if self.peer_closed {
            return Ok(0);
        }
        // The reader is about to reuse its buffer: unread data moves to the queue first.
        self.spill_held();
        if !self.reader.has_space() {
            return Err(io::Error::other(
                "receive buffer full: call process_new_packets and read the plaintext first",
            ));
        }
        let n = self.reader.read_from(rd)?;
        if n == 0 {
            self.transport_eof = true;
        }
        if !self.handshake_done {
            // A read offers 4 KiB of room; a flight is often half that, and the rest would be
            // held while the flight's signatures are checked and made (the handshake's peak).
            self.reader.fit_receive_buffer();
        }
        Ok(n)
    }

    /// Writes pending TLS bytes to the peer (a socket) once; returns how many were written.
    pub fn write_tls(&mut self, wr: &mut dyn Write) -> io::Result<usize> {
        let pending = self.tls_out.get(self.tls_out_sent..).unwrap_or_default();
        if pending.is_empty() {
            return Ok(0);
        }
        let n = wr.write(pending)?;
        self.tls_out_sent += n;
        if self.tls_out_sent >= self.tls_out.len() {
            // Everything sent: reuse the buffer from the start, keeping a small capacity; a
            // large one (after a 16 KiB record) is released so that an idle connection does
            // not hold it (mtls-bench's heap rows; one allocation per large write instead).
            self.tls_out.clear();
            self.tls_out_sent = 0;
            if self.tls_out.capacity() > IDLE_BUFFER_CAPACITY {
                self.tls_out = Vec::new();
            }
        }
        Ok(n)
    }

    /// Processes every complete record received: runs the handshake, decrypts data. After an
    /// error the connection is dead; the fatal alert is queued for [`write_tls`](Self::write_tls).
    pub fn process_new_packets(&mut self) -> Result<IoState, Error> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        #[cfg(feature = "tracing")]
        let _entered = self.span.clone().entered();
        let processed = self.process();
        self.settle(processed)
    }

    /// Replaces the handshake (the [`crate::server::Acceptor`]'s ClientHello reader) with
    /// the real one, gives it the ClientHello already received, and processes what else
    /// arrived: as [`process_new_packets`](Self::process_new_packets), the connection is dead
    /// after an error and the fatal alert is queued.
    pub(crate) fn hand_over(
        &mut self,
        handshake: Box<dyn Handshake>,
        client_hello: &[u8],
        observer: Option<Arc<dyn ConnectionObserver>>,
    ) -> Result<IoState, Error> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        #[cfg(feature = "tracing")]
        let _entered = self.span.clone().entered();
        conn_event!(self, debug, "configuration chosen after the ClientHello");
        self.handshake = handshake;
        self.observer = observer;
        let processed = self
            .handshake
            .handle(Input::Handshake(client_hello))
            .map_err(Error::from)
            .and_then(|actions| {
                self.hello_seen = true;
                self.apply(actions)
            })
            .and_then(|()| self.process());
        self.settle(processed)
    }

    /// After processing: the state, or the error, kept, with its fatal alert queued.
    fn settle(&mut self, processed: Result<(), Error>) -> Result<IoState, Error> {
        match processed {
            Ok(()) => Ok(self.io_state()),
            Err(e) => Err(self.fail(e)),
        }
    }

    /// Ends the connection with `e`: its fatal alert is queued, and `e` is kept.
    pub(crate) fn fail(&mut self, e: Error) -> Error {
        conn_event!(
            self,
            warn,
            error = %e,
            alert_sent = ?e.alert_sent(),
            during_handshake = !self.handshake_done,
            "connection failed"
        );
        if let Some(observer) = &self.observer {
            if let Some(refused) = e.certificate_error() {
                observer.peer_certificate_refused(refused);
            }
            observer.connection_failed(&e, !self.handshake_done);
        }
        if let Some(alert) = e.alert_sent() {
            self.queue_alert(Alert::fatal(alert));
        }
        // RFC 5246 7.2.2: a session ended by a fatal alert, either way, is not resumed.
        if e.alert().is_some() {
            self.handshake.forget_session();
        }
        self.error = Some(e.clone());
        e
    }

    fn io_state(&self) -> IoState {
        IoState {
            tls_bytes_to_write: self.tls_out.len() - self.tls_out_sent,
            plaintext_bytes_to_read: self.received_len(),
            peer_has_closed: self.peer_closed,
        }
    }

    /// The unread part of the newest application data record, in the receive buffer.
    fn held_data(&self) -> &[u8] {
        match self.held {
            Some(read) => self
                .reader
                .last_application_data()
                .and_then(|d| d.get(read..))
                .unwrap_or_default(),
            None => &[],
        }
    }

    /// Moves unread held data into the queue before the reader reuses its buffer.
    fn spill_held(&mut self) {
        if self.held.is_some() {
            let Self {
                reader,
                plaintext_in,
                held,
                ..
            } = self;
            if let Some(d) = reader
                .last_application_data()
                .and_then(|d| d.get(held.unwrap_or(0)..))
            {
                plaintext_in.extend(d);
            }
            *held = None;
        }
    }

    /// Received application data not yet read.
    fn received_len(&self) -> usize {
        self.plaintext_in.len() + self.held_data().len()
    }

    fn process(&mut self) -> Result<(), Error> {
        while self.received_len() < MAX_RECEIVED_PLAINTEXT && !self.peer_closed {
            if self.held.is_some() {
                if !self.reader.has_unread_bytes() {
                    // Nothing more to process: leave the data where it was decrypted.
                    break;
                }
                self.spill_held();
            }
            let actions = match self.reader.next_event()? {
                None => break,
                Some(Inbound::Handshake(m)) => {
                    conn_event!(
                        self,
                        debug,
                        typ = ?m.first().copied().map(HandshakeType::from),
                        len = m.len(),
                        "received handshake message"
                    );
                    self.warnings_in_a_row = 0;
                    let actions = self.handshake.handle(Input::Handshake(m))?;
                    self.hello_seen = true;
                    actions
                }
                Some(Inbound::ChangeCipherSpec) => {
                    conn_event!(self, debug, "received ChangeCipherSpec");
                    self.handshake.handle(Input::ChangeCipherSpec)?
                }
                Some(Inbound::ApplicationData(_)) => {
                    self.warnings_in_a_row = 0;
                    if !self.handshake_done {
                        return Err(Error::AlertSent {
                            alert: AlertDescription::UnexpectedMessage,
                            reason: "application data before the handshake completed".into(),
                        });
                    }
                    self.handshake.application_data_received();
                    self.held = Some(0);
                    continue;
                }
                Some(Inbound::Alert(alert)) => {
                    self.receive_alert(alert)?;
                    continue;
                }
            };
            self.apply(actions)?;
        }
        Ok(())
    }

    /// RFC 5246 7.2: close_notify ends the read side (and a handshake in progress, which can
    /// then never complete); a fatal alert ends the connection, and
    /// so does a warning whose description RFC 5246 7.2.2 says is always fatal
    /// ([`AlertDescription::is_always_fatal`]); other warnings (no_renegotiation,
    /// user_canceled, ...) are noted and ignored, up to [`MAX_WARNING_ALERTS_IN_A_ROW`].
    fn receive_alert(&mut self, alert: Alert) -> Result<(), Error> {
        conn_event!(
            self,
            debug,
            level = ?alert.level,
            description = ?alert.description,
            "received alert"
        );
        if alert.description == AlertDescription::CloseNotify {
            // RFC 8446 6.1: the peer sends nothing more, so a handshake in progress can never
            // complete: it ends here, not in a connection that handshakes without reading.
            if !self.handshake_done {
                return Err(Error::AlertReceived(alert.description));
            }
            self.peer_closed = true;
            return Ok(());
        }
        if alert.level == AlertLevel::Fatal || alert.description.is_always_fatal() {
            return Err(Error::AlertReceived(alert.description));
        }
        // RFC 8446 6: in TLS 1.3 the level says nothing; every alert but close_notify and
        // user_canceled ends the connection.
        if self.handshake.version() == ProtocolVersion::TLSv1_3
            && alert.description != AlertDescription::UserCanceled
        {
            return Err(Error::AlertReceived(alert.description));
        }
        self.warnings_in_a_row += 1;
        if self.warnings_in_a_row >= MAX_WARNING_ALERTS_IN_A_ROW {
            return Err(Error::AlertSent {
                alert: AlertDescription::UnexpectedMessage,
                reason: format!(
                    "{MAX_WARNING_ALERTS_IN_A_ROW} warning alerts in a row (the last {:?}) \
                     without a handshake message or application data between them",
                    alert.description
                ),
            });
        }
        Ok(())
    }

    fn apply(&mut self, actions: Vec<Action>) -> Result<(), Error> {
        if self.hello_seen {
            // From the ServerHello on (the ClientHello at the server) the version is known:
            // TLS 1.3's record rules (a ChangeCipherSpec is the compatibility one, RFC 8446
            // D.4, handed up with the keys unchanged; legacy_record_version ignored), or TLS
            // 1.2's, also for a client that offered TLS 1.3 (RFC 5246 6.2.1).
            self.reader
                .set_tls13(self.handshake.version() == ProtocolVersion::TLSv1_3);
        }
        if !self.early_data_skipped && self.handshake.early_data_offered() {
            self.early_data_skipped = true;
            self.reader.skip_early_data(EARLY_DATA_SKIP);
        }
        for action in actions {
            match action {
                Action::SendHandshake(m) => {
                    conn_event!(
                        self,
                        debug,
                        typ = ?m.first().copied().map(HandshakeType::from),
                        len = m.len(),
                        "sent handshake message"
                    );
                    self.write_record(ContentType::Handshake, &m)?
                }
                Action::SendChangeCipherSpec => {
                    conn_event!(self, debug, "sent ChangeCipherSpec");
                    self.write_record(ContentType::ChangeCipherSpec, &[1])?
                }
                Action::InstallWriteKeys(k) => self.install_write_keys(&k)?,
                Action::InstallReadKeys(k) => self.install_read_keys(&k)?,
                Action::SendAlert(alert) => self.queue_alert(alert),
                Action::Complete => {
                    self.handshake_done = true;
                    self.completed();
                    // The handshake's receive buffers are not needed by an idle connection.
                    self.spill_held();
                    self.reader.release_idle_buffers();
                    let early = std::mem::take(&mut self.plaintext_out);
                    self.write_record(ContentType::ApplicationData, &early)?;
                }
                Action::PeerAuthenticated => {
                    conn_event!(self, info, "post-handshake authentication complete");
                }
            }
        }
        Ok(())
    }

    /// Tells the span and the observer what the handshake settled.
    fn completed(&self) {
        let Some(summary) = self.handshake.summary() else {
            return;
        };
        conn_event!(
            self,
            info,
            suite = ?summary.suite.suite(),
            kind = ?summary.kind,
            resumed = summary.resumed,
            ems = summary.extended_master_secret,
            sni = ?summary.server_name,
            alpn = ?summary.alpn.as_deref().map(String::from_utf8_lossy),
            peer = ?summary.peer_identity.as_ref().map(|p| p.subject()),
            peer_verified = summary.peer_verified,
            "handshake complete"
        );
        if let Some(observer) = &self.observer {
            observer.handshake_completed(summary);
        }
    }

    fn write_record(&mut self, typ: ContentType, payload: &[u8]) -> Result<(), Error> {
        // Records are sealed straight into the send buffer: no intermediate copy.
        self.writer.write(typ, payload, &mut self.tls_out)?;
        Ok(())
    }

    fn queue_alert(&mut self, alert: Alert) {
        conn_event!(
            self,
            debug,
            level = ?alert.level,
            description = ?alert.description,
            "sent alert"
        );
        let mut body = Vec::with_capacity(2);
        alert.encode(&mut body);
        // A failure here means the connection is already broken; the alert is best effort.
        let _ = self.write_record(ContentType::Alert, &body);
    }

    /// Reads decrypted application data.
    pub fn reader(&mut self) -> Reader<'_> {
        Reader { conn: self }
    }

    /// Writes application data (buffered until the handshake completes, then encrypted).
    pub fn writer(&mut self) -> Writer<'_> {
        Writer { conn: self }
    }

    /// Queues a close_notify alert (RFC 5246 7.2.1); no data can be written afterwards.
    pub fn send_close_notify(&mut self) {
        if !self.sent_close {
            self.sent_close = true;
            self.queue_alert(Alert {
                level: AlertLevel::Warning,
                description: AlertDescription::CloseNotify,
            });
        }
    }

    /// True when the connection can use more bytes from the peer.
    pub fn wants_read(&self) -> bool {
        self.error.is_none()
            && !self.peer_closed
            && !self.transport_eof
            && self.received_len() < MAX_RECEIVED_PLAINTEXT
    }

    /// True when TLS bytes wait to be written.
    pub fn wants_write(&self) -> bool {
        self.tls_out.len() > self.tls_out_sent
    }

    /// True until the handshake completes.
    pub fn is_handshaking(&self) -> bool {
        !self.handshake_done
    }

    fn summary(&self) -> Option<&HandshakeSummary> {
        self.handshake.summary()
    }

    /// The peer's certificate chain, leaf first (after the handshake; empty if none).
    pub fn peer_certificates(&self) -> Option<&[CertificateDer<'_>]> {
        self.summary().map(|s| s.peer_certificates.as_slice())
    }

    /// Who the peer is, read from its verified leaf: subject, SAN DNS names, IP addresses,
    /// URIs (SPIFFE IDs) and notAfter. `None` before the handshake completes, when the peer
    /// sent no certificate, and when its chain was not verified (a server's
    /// `ClientAuthPolicy::Request`: see [`unverified_peer_identity`](Self::unverified_peer_identity)).
    pub fn peer_identity(&self) -> Option<&PeerIdentity> {
        self.summary()
            .filter(|s| s.peer_verified)
            .and_then(|s| s.peer_identity.as_ref())
    }

    /// What an unverified peer chain claims (a server under `ClientAuthPolicy::Request`,
    /// which accepts any chain whose key signed the CertificateVerify): the claim is typed
    /// apart so that it can never pass for an authenticated identity. `None` when the chain
    /// was verified (see [`peer_identity`](Self::peer_identity)) or there is none.
    pub fn unverified_peer_identity(&self) -> Option<UnverifiedIdentity<'_>> {
        self.summary()
            .filter(|s| !s.peer_verified)
            .and_then(|s| s.peer_identity.as_ref())
            .map(UnverifiedIdentity)
    }

    /// The negotiated cipher suite.
    pub fn negotiated_cipher_suite(&self) -> Option<NegotiatedSuite> {
        self.summary().map(|s| s.suite)
    }

    /// The protocol version, once negotiated (TLS 1.2 or TLS 1.3).
    pub fn protocol_version(&self) -> Option<ProtocolVersion> {
        self.summary().map(|s| s.version)
    }

    /// The ALPN protocol agreed on.
    pub fn alpn_protocol(&self) -> Option<&[u8]> {
        self.summary().and_then(|s| s.alpn.as_deref())
    }

    /// The SNI name (what the client asked for).
    pub fn server_name(&self) -> Option<&str> {
        self.summary().and_then(|s| s.server_name.as_deref())
    }

    /// Full or resumed, and with or without client authentication.
    pub fn handshake_kind(&self) -> Option<Kind> {
        self.summary().map(|s| s.kind)
    }

    /// True when the handshake resumed an earlier session.
    pub fn is_resumed(&self) -> Option<bool> {
        self.summary().map(|s| s.resumed)
    }

    /// Whether the extended master secret (RFC 7627) is in use.
    pub fn extended_master_secret(&self) -> Option<bool> {
        self.summary().map(|s| s.extended_master_secret)
    }

    /// Everything the handshake negotiated.
    pub fn handshake_summary(&self) -> Option<&HandshakeSummary> {
        self.summary()
    }
}

fn internal(reason: String) -> Error {
    Error::AlertSent {
        alert: AlertDescription::InternalError,
        reason,
    }
}

/// Reads decrypted application data from a connection.
pub struct Reader<'a> {
    conn: &'a mut ConnectionCommon,
}

impl<'a> Reader<'a> {
    /// [`BufRead::fill_buf`] for as long as the connection is borrowed: the next received
    /// bytes, without copying them.
    pub fn into_buf(self) -> io::Result<&'a [u8]> {
        if self.conn.plaintext_in.is_empty() && self.conn.held_data().is_empty() {
            self.no_data()?;
            return Ok(&[]);
        }
        let c: &'a ConnectionCommon = self.conn;
        if !c.plaintext_in.is_empty() {
            return Ok(c.plaintext_in.as_slices().0);
        }
        Ok(c.held_data())
    }

    /// Why no data is available: `Ok(())` after the peer's close_notify (end of data), else
    /// the error `read` and `fill_buf` return.
    fn no_data(&self) -> io::Result<()> {
        let c = &*self.conn;
        if c.peer_closed {
            return Ok(());
        }
        if let Some(e) = &c.error {
            return Err(io::Error::new(io::ErrorKind::InvalidData, e.clone()));
        }
        if c.transport_eof {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the peer closed the connection without close_notify (possible truncation)",
            ));
        }
        Err(io::ErrorKind::WouldBlock.into())
    }
}

impl Read for Reader<'_> {
    /// `Ok(0)` after the peer's close_notify; `UnexpectedEof` if the transport ended without
    /// one (a truncation attack or a crash, RFC 5246 7.2.1); `WouldBlock` when no data yet.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = {
            let data = self.fill_buf()?;
            let n = data.len().min(buf.len());
            if let (Some(dst), Some(src)) = (buf.get_mut(..n), data.get(..n)) {
                dst.copy_from_slice(src);
            }
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Reader<'_> {
    /// The next received bytes, without copying them: queued data first, then the newest
    /// record where it was decrypted. An empty slice means the peer's close_notify; the
    /// other ends are errors, as for `read`.
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        Reader {
            conn: &mut *self.conn,
        }
        .into_buf()
    }

    fn consume(&mut self, amt: usize) {
        let c = &mut *self.conn;
        if !c.plaintext_in.is_empty() {
            let n = amt.min(c.plaintext_in.as_slices().0.len());
            c.plaintext_in.drain(..n);
            if c.plaintext_in.is_empty() && c.plaintext_in.capacity() > IDLE_BUFFER_CAPACITY {
                // All read: release a large buffer, as write_tls does.
                c.plaintext_in = VecDeque::new();
            }
            return;
        }
        let n = amt.min(c.held_data().len());
        c.held = c.held.map(|read| read + n);
    }
}

/// Writes application data into a connection.
pub struct Writer<'a> {
    conn: &'a mut ConnectionCommon,
}

impl Write for Writer<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let c = &mut *self.conn;
        if let Some(e) = &c.error {
            return Err(io::Error::new(io::ErrorKind::InvalidData, e.clone()));
        }
        if c.sent_close {
            return Err(io::Error::new(io::ErrorKind::BrokenPipe, Error::Closed));
        }
        if c.handshake_done {
            if !buf.is_empty() {
                c.before_application_data()
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            }
            c.write_record(ContentType::ApplicationData, buf)?;
        } else {
            c.plaintext_out.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
