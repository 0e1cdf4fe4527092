//! Shared machinery for the interop tests against real OpenSSL and GnuTLS binaries: a small
//! blocking driver (a `TcpStream` around `mtls-record` and a handshake state machine) and our
//! server in a thread; the child processes under a kill guard, fixtures, verifiers and key
//! logs are mtls-testkit's.
//!
//! Every wait is bounded: sockets have read and write timeouts, every test has a deadline,
//! and every child process is killed by its PID when its guard drops.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fmt;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mtls_handshake::{Action, Handshake, HandshakeSummary, Input, ServerConfig, ServerHandshake};
use mtls_record::{Inbound, RecordDecrypter, RecordEncrypter, RecordReader, RecordWriter};
use mtls_testkit::LocalServer;
pub use mtls_testkit::{
    AcceptClient, ExpectLeaf, IO_TIMEOUT, MemoryKeyLog, Peer, TEST_TIMEOUT, TempFile, certified,
    connect, leaf, pki as pem, run_gnutls_cli, run_s_client, start_gnutls_serv, start_s_server,
};
use mtls_wire::alert::Alert;
use mtls_wire::{AlertDescription, AlertLevel, ContentType};

/// Asserts that a peer's key log holds exactly our `CLIENT_RANDOM` lines (same client random,
/// same master secret): the strongest black-box check of the PRF, EMS and transcript hash.
pub fn assert_same_key_log(ours: &MemoryKeyLog, theirs: &TempFile, peer: &str) {
    let ours = ours.lines();
    let theirs = theirs.client_random_lines();
    assert!(!ours.is_empty(), "we logged no CLIENT_RANDOM line");
    assert_eq!(
        ours.len(),
        1,
        "expected one CLIENT_RANDOM line from us: {ours:?}"
    );
    assert!(
        theirs.contains(&ours[0]),
        "{peer}'s key log does not hold our CLIENT_RANDOM line\nours:   {ours:?}\ntheirs: {theirs:?}"
    );
    for line in &ours {
        let fields: Vec<&str> = line.split(' ').collect();
        assert_eq!(fields.len(), 3, "{line}");
        assert_eq!(fields[1].len(), 64, "{line}");
        assert_eq!(fields[2].len(), 96, "{line}");
    }
}

// ---- the blocking driver ----

/// Why a connection failed: the alert we sent, the alert we received, or an I/O problem.
#[derive(Clone, Debug)]
pub struct ConnError {
    pub sent: Option<AlertDescription>,
    pub received: Option<Alert>,
    pub message: String,
}

impl ConnError {
    fn io(message: String) -> Self {
        Self {
            sent: None,
            received: None,
            message,
        }
    }
}

impl fmt::Display for ConnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (alert sent: {:?}, alert received: {:?})",
            self.message, self.sent, self.received
        )
    }
}

/// One TLS connection over a blocking `TcpStream`: bytes in → `RecordReader` events →
/// handshake → actions → `RecordWriter` → bytes out.
pub struct Conn {
    pub stream: TcpStream,
    reader: RecordReader,
    writer: RecordWriter,
    out: Vec<u8>,
    deadline: Instant,
    /// `Action::Complete` was seen.
    pub complete: bool,
    /// Decrypted application data received so far.
    pub app_data: Vec<u8>,
    /// The peer sent close_notify.
    pub peer_closed: bool,
    /// The peer closed the TCP connection.
    pub eof: bool,
    /// Warning alerts received (other than close_notify).
    pub warnings: Vec<Alert>,
}

impl Conn {
    pub fn new(stream: TcpStream, deadline: Instant) -> Self {
        stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        stream.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
        stream.set_nodelay(true).unwrap();
        Self {
            stream,
            reader: RecordReader::new(),
            writer: RecordWriter::new(),
            out: Vec::new(),
            deadline,
            complete: false,
            app_data: Vec::new(),
            peer_closed: false,
            eof: false,
            warnings: Vec::new(),
        }
    }

    /// Performs the actions in order, then writes what they produced.
    pub fn apply(&mut self, actions: Vec<Action>) -> Result<(), ConnError> {
        for action in actions {
            match action {
                Action::SendHandshake(m) => self.write_record(ContentType::Handshake, &m)?,
                Action::SendChangeCipherSpec => {
                    self.write_record(ContentType::ChangeCipherSpec, &[1])?
                }
                Action::InstallWriteKeys(k) => {
                    let e = RecordEncrypter::new(k.algorithm, k.keys.key(), k.keys.iv())
                        .map_err(|e| ConnError::io(format!("write keys: {e}")))?;
                    self.writer.install_encrypter(e);
                }
                Action::InstallReadKeys(k) => {
                    let d = RecordDecrypter::new(k.algorithm, k.keys.key(), k.keys.iv())
                        .map_err(|e| ConnError::io(format!("read keys: {e}")))?;
                    self.reader.install_decrypter(d);
                }
                Action::SendAlert(alert) => {
                    let mut b = Vec::new();
                    alert.encode(&mut b);
                    self.write_record(ContentType::Alert, &b)?;
                }
                Action::Complete => self.complete = true,
                Action::PeerAuthenticated => {}
            }
        }
        self.flush()
    }

    fn write_record(&mut self, typ: ContentType, payload: &[u8]) -> Result<(), ConnError> {
        self.writer
            .write(typ, payload, &mut self.out)
            .map_err(|e| ConnError::io(format!("record writer: {e}")))
    }

    fn flush(&mut self) -> Result<(), ConnError> {
        if self.out.is_empty() {
            return Ok(());
        }
        let out = std::mem::take(&mut self.out);
        self.stream
            .write_all(&out)
            .and_then(|()| self.stream.flush())
            .map_err(|e| ConnError::io(format!("socket write: {e}")))
    }

    /// Sends a fatal alert (best effort) and describes the failure.
    fn fail(&mut self, alert: AlertDescription, message: String) -> ConnError {
        let mut b = Vec::new();
        Alert::fatal(alert).encode(&mut b);
        if self.write_record(ContentType::Alert, &b).is_ok() {
            let _ = self.flush();
        }
        ConnError {
            sent: Some(alert),
            received: None,
            message,
        }
    }

    /// Hands every complete event to the handshake (or keeps it), performing actions.
    fn drain(&mut self, m: &mut dyn Handshake) -> Result<(), ConnError> {
        loop {
            let result = match self.reader.next_event() {
                Ok(None) => return Ok(()),
                Ok(Some(Inbound::Handshake(msg))) => m.handle(Input::Handshake(msg)),
                Ok(Some(Inbound::ChangeCipherSpec)) => m.handle(Input::ChangeCipherSpec),
                Ok(Some(Inbound::ApplicationData(d))) => {
                    self.app_data.extend_from_slice(d);
                    continue;
                }
                Ok(Some(Inbound::Alert(a))) => {
                    if a.description == AlertDescription::CloseNotify {
                        self.peer_closed = true;
                    } else if a.level == AlertLevel::Fatal {
                        return Err(ConnError {
                            sent: None,
                            received: Some(a),
                            message: format!("the peer sent a fatal alert {:?}", a.description),
                        });
                    } else {
                        self.warnings.push(a);
                    }
                    continue;
                }
                Err(e) => {
                    let alert = e.alert();
                    return Err(self.fail(alert, format!("record layer: {e}")));
                }
            };
            match result {
                Ok(actions) => self.apply(actions)?,
                Err(e) => return Err(self.fail(e.alert(), format!("handshake: {e}"))),
            }
        }
    }

    /// Reads once from the socket and processes everything that arrived.
    fn read_some(&mut self, m: &mut dyn Handshake) -> Result<(), ConnError> {
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(ConnError::io("test deadline passed".into()));
        }
        // Never block past the test's deadline.
        let _ = self
            .stream
            .set_read_timeout(Some(remaining.min(IO_TIMEOUT)));
        let mut buf = vec![0u8; 32 * 1024];
        let n = self
            .stream
            .read(&mut buf)
            .map_err(|e| ConnError::io(format!("socket read: {e}")))?;
        if n == 0 {
            self.eof = true;
            return Ok(());
        }
        let mut rest = &buf[..n];
        let mut stuck = 0;
        while !rest.is_empty() {
            let taken = self.reader.push(rest);
            rest = &rest[taken..];
            self.drain(m)?;
            stuck = if taken == 0 { stuck + 1 } else { 0 };
            if stuck > 2 {
                return Err(ConnError::io(
                    "the record reader takes no more bytes".into(),
                ));
            }
        }
        Ok(())
    }

    /// Runs the handshake to `Action::Complete` (apply the client's first actions before).
    pub fn handshake(&mut self, m: &mut dyn Handshake) -> Result<(), ConnError> {
        while !self.complete {
            if self.eof || self.peer_closed {
                return Err(ConnError::io(
                    "the peer closed the connection during the handshake".into(),
                ));
            }
            self.read_some(m)?;
        }
        Ok(())
    }

    /// Sends application data.
    pub fn send(&mut self, data: &[u8]) -> Result<(), ConnError> {
        self.write_record(ContentType::ApplicationData, data)?;
        self.flush()
    }

    /// Reads until `done(app_data)` holds, or the peer closes.
    pub fn read_until(
        &mut self,
        m: &mut dyn Handshake,
        done: impl Fn(&[u8]) -> bool,
    ) -> Result<(), ConnError> {
        while !done(&self.app_data) && !self.eof && !self.peer_closed {
            self.read_some(m)?;
        }
        Ok(())
    }

    /// Sends close_notify (RFC 5246 7.2.1), half-closes, and waits (briefly) for the peer to
    /// close too, so that no unread data turns our close into a reset.
    pub fn close(&mut self, m: &mut dyn Handshake) {
        let mut b = Vec::new();
        Alert {
            level: AlertLevel::Warning,
            description: AlertDescription::CloseNotify,
        }
        .encode(&mut b);
        if self.write_record(ContentType::Alert, &b).is_ok() {
            let _ = self.flush();
        }
        let _ = self.stream.shutdown(Shutdown::Write);
        self.deadline = self.deadline.min(Instant::now() + Duration::from_secs(2));
        while !self.eof {
            if self.read_some(m).is_err() {
                break;
            }
        }
    }
}

// ---- our server, in a thread ----

/// What happened on one connection to our server.
#[derive(Debug)]
pub struct ServerConn {
    pub summary: Option<HandshakeSummary>,
    pub error: Option<ConnError>,
    pub received: Vec<u8>,
}

/// The reply of our server to application data: a prefix makes it easy to spot.
pub const ECHO_PREFIX: &[u8] = b"mtls-echo: ";

/// Our sans-IO server behind the blocking TCP driver, in a thread (mtls-testkit's
/// accept loop).
pub type OurServer = LocalServer<ServerConn>;

/// Serves at most `max_conns` connections with `config`, until the deadline or
/// [`LocalServer::finish`].
pub fn our_server(config: Arc<ServerConfig>, max_conns: usize, deadline: Instant) -> OurServer {
    LocalServer::start(max_conns, deadline, move |stream| {
        serve_one(Arc::clone(&config), stream, deadline)
    })
}

fn serve_one(config: Arc<ServerConfig>, stream: TcpStream, deadline: Instant) -> ServerConn {
    let mut conn = Conn::new(stream, deadline);
    let mut hs = ServerHandshake::new(config);
    let mut error = conn.handshake(&mut hs).err();
    if error.is_none() {
        match conn.read_until(&mut hs, |d| d.contains(&b'\n')) {
            Ok(()) => {
                if !conn.app_data.is_empty() {
                    let mut reply = ECHO_PREFIX.to_vec();
                    reply.extend_from_slice(&conn.app_data);
                    error = conn.send(&reply).err();
                }
            }
            Err(e) => error = Some(e),
        }
        conn.close(&mut hs);
    }
    ServerConn {
        summary: hs.summary().cloned(),
        error,
        received: conn.app_data,
    }
}
