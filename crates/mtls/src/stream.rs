//! A blocking TLS stream over any `Read + Write` transport (a `TcpStream`, say), and the
//! lingering close that lets a refused peer read our fatal alert.

use std::io::{self, BufRead, Read, Write};
use std::net::TcpStream;
use std::ops::DerefMut;
use std::time::{Duration, Instant};

use crate::conn::ConnectionCommon;

/// Drives `conn` over `io` until the handshake completes (when handshaking) or until some
/// bytes moved; returns (bytes read, bytes written). The fatal alert of a failed connection
/// is written before the error is returned.
pub fn complete_io<T: Read + Write>(
    conn: &mut ConnectionCommon,
    io: &mut T,
) -> io::Result<(usize, usize)> {
    let until_handshaked = conn.is_handshaking();
    let (mut read, mut written) = (0, 0);
    loop {
        while conn.wants_write() {
            written += conn.write_tls(io)?;
        }
        io.flush()?;
        if !until_handshaked && written > 0 {
            return Ok((read, written));
        }
        if conn.wants_read() {
            let n = conn.read_tls(io)?;
            read += n;
            if let Err(e) = conn.process_new_packets() {
                // Tell the peer why before giving up (best effort).
                while conn.wants_write() {
                    if conn.write_tls(io).unwrap_or(0) == 0 {
                        break;
                    }
                }
                let _ = io.flush();
                return Err(e.into());
            }
            if n == 0 && conn.is_handshaking() {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the peer closed the connection during the handshake",
                ));
            }
        }
        match (until_handshaked, conn.is_handshaking()) {
            (true, false) => {
                while conn.wants_write() {
                    written += conn.write_tls(io)?;
                }
                io.flush()?;
                return Ok((read, written));
            }
            (false, _) => return Ok((read, written)),
            (true, true) => {
                if !conn.wants_read() && !conn.wants_write() {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the connection ended during the handshake",
                    ));
                }
            }
        }
    }
}

/// A connection and a borrowed transport, as one blocking `Read + Write`.
pub struct Stream<'a, C: DerefMut<Target = ConnectionCommon>, T: Read + Write> {
    /// The TLS connection.
    pub conn: &'a mut C,
    /// The transport.
    pub sock: &'a mut T,
}

impl<'a, C: DerefMut<Target = ConnectionCommon>, T: Read + Write> Stream<'a, C, T> {
    /// Pairs a connection with a transport.
    pub fn new(conn: &'a mut C, sock: &'a mut T) -> Self {
        Self { conn, sock }
    }
}

impl<C: DerefMut<Target = ConnectionCommon>, T: Read + Write + HalfClose> Stream<'_, C, T> {
    /// After an error: as [`StreamOwned::close_after_error`].
    pub fn close_after_error(&mut self) {
        close_lingering(self.conn, self.sock);
    }
}

fn stream_read<T: Read + Write>(
    conn: &mut ConnectionCommon,
    sock: &mut T,
    buf: &mut [u8],
) -> io::Result<usize> {
    if conn.is_handshaking() {
        complete_io(conn, sock)?;
    }
    loop {
        match conn.reader().read(buf) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            other => return other,
        }
        // No data yet: move bytes both ways once, then look again.
        while conn.wants_write() {
            conn.write_tls(sock)?;
        }
        let n = conn.read_tls(sock)?;
        conn.process_new_packets()?;
        if n == 0 {
            // End of transport: the reader now says close_notify (Ok(0)) or truncation.
            return conn.reader().read(buf);
        }
    }
}

/// [`BufRead::fill_buf`] over a stream: moves bytes until received data (or the end) is
/// there, then hands it out without copying.
fn stream_fill_buf<'c, T: Read + Write>(
    conn: &'c mut ConnectionCommon,
    sock: &mut T,
) -> io::Result<&'c [u8]> {
    if conn.is_handshaking() {
        complete_io(conn, sock)?;
    }
    loop {
        match conn.reader().fill_buf() {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
            Ok(_) => break,
        }
        while conn.wants_write() {
            conn.write_tls(sock)?;
        }
        let n = conn.read_tls(sock)?;
        conn.process_new_packets()?;
        if n == 0 {
            // End of transport: close_notify (an empty buffer) or truncation.
            break;
        }
    }
    conn.reader().into_buf()
}

fn stream_write<T: Read + Write>(
    conn: &mut ConnectionCommon,
    sock: &mut T,
    buf: &[u8],
) -> io::Result<usize> {
    if conn.is_handshaking() {
        complete_io(conn, sock)?;
    }
    let n = conn.writer().write(buf)?;
    while conn.wants_write() {
        conn.write_tls(sock)?;
    }
    Ok(n)
}

impl<C: DerefMut<Target = ConnectionCommon>, T: Read + Write> Read for Stream<'_, C, T> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        stream_read(self.conn, self.sock, buf)
    }
}

impl<C: DerefMut<Target = ConnectionCommon>, T: Read + Write> BufRead for Stream<'_, C, T> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        stream_fill_buf(self.conn, self.sock)
    }
    fn consume(&mut self, amt: usize) {
        self.conn.reader().consume(amt);
    }
}

impl<C: DerefMut<Target = ConnectionCommon>, T: Read + Write> Write for Stream<'_, C, T> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        stream_write(self.conn, self.sock, buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        while self.conn.wants_write() {
            self.conn.write_tls(self.sock)?;
        }
        self.sock.flush()
    }
}

/// A connection that owns its transport, as one blocking `Read + Write`.
///
/// A server on 127.0.0.1 that requires a client certificate and greets the client by the
/// name its verified certificate carries, and a client that reads the greeting:
///
/// ```
/// use std::io::{Read, Write};
/// use std::net::{TcpListener, TcpStream};
/// use mtls::pki::{RootStore, certs_from_pem, private_key_from_pem};
/// use mtls::{ClientConfig, ClientConnection, ServerConfig, ServerConnection, StreamOwned};
///
/// # // A throwaway CA and leaves made with rcgen (a real deployment reads its PEM files).
/// # use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
/// # let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
/// # ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
/// # let ca_key = KeyPair::generate()?;
/// # let ca = ca_params.self_signed(&ca_key)?.pem().into_bytes();
/// # let issuer = Issuer::new(ca_params, ca_key);
/// # let leaf = |name: &str| -> Result<(Vec<u8>, Vec<u8>), rcgen::Error> {
/// #     let key = KeyPair::generate()?;
/// #     let cert = CertificateParams::new(vec![name.to_string()])?.signed_by(&key, &issuer)?;
/// #     Ok((cert.pem().into_bytes(), key.serialize_pem().into_bytes()))
/// # };
/// # let ((server_pem, server_key), (client_pem, client_key)) = (leaf("localhost")?, leaf("billing")?);
/// let server = ServerConfig::builder()
///     .certificate(certs_from_pem(&server_pem)?, private_key_from_pem(&server_key)?)
///     .client_auth_required(RootStore::from_pem(&ca)?)
///     .build()?;
/// let listener = TcpListener::bind("127.0.0.1:0")?;
/// let addr = listener.local_addr()?;
/// let serving = std::thread::spawn(move || -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
///     let (sock, _) = listener.accept()?;
///     let mut tls = StreamOwned::new(ServerConnection::new(&server)?, sock);
///     tls.handshake()?;
///     let who = tls.conn.peer_identity().map(|id| id.dns_names().join(","));
///     tls.write_all(format!("hello {}\n", who.unwrap_or_default()).as_bytes())?;
///     tls.close()?;
///     Ok(())
/// });
///
/// let client = ClientConfig::with_roots(RootStore::from_pem(&ca)?)
///     .client_certificate(certs_from_pem(&client_pem)?, private_key_from_pem(&client_key)?)
///     .build()?;
/// let conn = ClientConnection::new(&client, "localhost")?;
/// let mut tls = StreamOwned::new(conn, TcpStream::connect(addr)?);
/// let mut greeting = String::new();
/// tls.read_to_string(&mut greeting)?;
/// assert_eq!(greeting, "hello billing\n");
/// serving.join().map_err(|_| "the server thread panicked")??;
/// # Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
/// ```
pub struct StreamOwned<C: DerefMut<Target = ConnectionCommon>, T: Read + Write> {
    /// The TLS connection.
    pub conn: C,
    /// The transport.
    pub sock: T,
}

impl<C: DerefMut<Target = ConnectionCommon>, T: Read + Write> StreamOwned<C, T> {
    /// Pairs a connection with a transport it owns.
    pub fn new(conn: C, sock: T) -> Self {
        Self { conn, sock }
    }

    /// Runs the handshake to completion now (otherwise the first read or write does).
    pub fn handshake(&mut self) -> io::Result<()> {
        if self.conn.is_handshaking() {
            complete_io(&mut self.conn, &mut self.sock)?;
        }
        Ok(())
    }

    /// Sends close_notify and flushes it.
    pub fn close(&mut self) -> io::Result<()> {
        self.conn.send_close_notify();
        self.flush()
    }
}

impl<C: DerefMut<Target = ConnectionCommon>, T: Read + Write + HalfClose> StreamOwned<C, T> {
    /// Call this when a handshake, read or write failed (or after [`close`](Self::close)):
    /// sends what the connection still has queued (the fatal alert of a refusal), shuts the
    /// write side, then reads and discards what the peer still sends until it closes, for at
    /// most [`LINGER_TIME`] and [`LINGER_BYTES`] (see [`linger_close`]). A refused client then
    /// reads the alert (`unknown_ca`, `handshake_failure`, ...) rather than a connection reset,
    /// as RFC 5246 7.2.2 requires. It blocks for up to a second, changes the transport's read
    /// timeout, and leaves the connection finished; then drop the stream.
    ///
    /// [`handshake`](Self::handshake) does not do this by itself: see the example in the
    /// crate's README (`if tls.handshake().is_err() { tls.close_after_error(); }`).
    pub fn close_after_error(&mut self) {
        close_lingering(&mut self.conn, &mut self.sock);
    }
}

impl<C: DerefMut<Target = ConnectionCommon>, T: Read + Write> Read for StreamOwned<C, T> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        stream_read(&mut self.conn, &mut self.sock, buf)
    }
}

impl<C: DerefMut<Target = ConnectionCommon>, T: Read + Write> BufRead for StreamOwned<C, T> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        stream_fill_buf(&mut self.conn, &mut self.sock)
    }
    fn consume(&mut self, amt: usize) {
        self.conn.reader().consume(amt);
    }
}

impl<C: DerefMut<Target = ConnectionCommon>, T: Read + Write> Write for StreamOwned<C, T> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        stream_write(&mut self.conn, &mut self.sock, buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        while self.conn.wants_write() {
            self.conn.write_tls(&mut self.sock)?;
        }
        self.sock.flush()
    }
}

/// How long [`linger_close`] keeps reading what the peer still sends.
pub const LINGER_TIME: Duration = Duration::from_secs(1);
/// How many bytes [`linger_close`] reads and discards at most (a client's whole second flight
/// with a large certificate chain fits).
pub const LINGER_BYTES: usize = 256 * 1024;

/// A transport that can shut its write side and bound how long a read waits: what a
/// lingering close needs ([`linger_close`], [`StreamOwned::close_after_error`]). Implemented
/// for `TcpStream` and (on Unix) `UnixStream`, by value and by reference.
pub trait HalfClose {
    /// Shuts the write side (TCP: sends FIN once queued data is out); reading stays possible.
    fn shutdown_write(&mut self) -> io::Result<()>;
    /// Bounds how long one read waits (`None`: no bound).
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()>;
}

/// `HalfClose` for a socket type with `shutdown` and `set_read_timeout` on `&self`, by value
/// and by shared reference.
macro_rules! half_close {
    ($($t:ty),*) => {$(
        impl HalfClose for $t {
            fn shutdown_write(&mut self) -> io::Result<()> {
                <$t>::shutdown(self, std::net::Shutdown::Write)
            }
            fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
                <$t>::set_read_timeout(self, timeout)
            }
        }
        impl HalfClose for &$t {
            fn shutdown_write(&mut self) -> io::Result<()> {
                <$t>::shutdown(self, std::net::Shutdown::Write)
            }
            fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
                <$t>::set_read_timeout(self, timeout)
            }
        }
    )*};
}

half_close!(TcpStream);
#[cfg(unix)]
half_close!(std::os::unix::net::UnixStream);

impl<T: HalfClose + ?Sized> HalfClose for &mut T {
    fn shutdown_write(&mut self) -> io::Result<()> {
        (**self).shutdown_write()
    }
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        (**self).set_read_timeout(timeout)
    }
}

/// Ends a transport so that the peer reads what we sent last (a fatal alert, or close_notify)
/// instead of a reset: shuts the write side, then reads and discards what the peer still
/// sends until it closes, for at most [`LINGER_TIME`] and [`LINGER_BYTES`]. Best effort: it
/// stops at the first error. Returns whether the peer closed its side within those bounds.
///
/// Why: a socket closed with received bytes unread, or that receives bytes after its close,
/// answers with a reset (RFC 1122 4.2.2.13). A server that refuses a client after its
/// Certificate message still has the rest of the client's flight to come; the reset then
/// reaches the client before it reads the alert, and it reports "connection reset" instead.
pub fn linger_close<T: Read + HalfClose + ?Sized>(sock: &mut T) -> bool {
    if sock.shutdown_write().is_err() {
        return false;
    }
    let until = Instant::now() + LINGER_TIME;
    let mut buf = [0u8; 4096];
    let mut left = LINGER_BYTES;
    while left > 0 {
        let wait = until.saturating_duration_since(Instant::now());
        // A zero timeout means "no timeout" to the socket: stop first.
        if wait.is_zero() || sock.set_read_timeout(Some(wait)).is_err() {
            return false;
        }
        match sock.read(&mut buf) {
            Ok(0) => return true,
            Ok(n) => left = left.saturating_sub(n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
    false
}

/// Sends what `conn` has queued (best effort), then [`linger_close`].
fn close_lingering<T: Read + Write + HalfClose>(conn: &mut ConnectionCommon, sock: &mut T) {
    while conn.wants_write() {
        match conn.write_tls(sock) {
            Ok(1..) => {}
            Ok(0) | Err(_) => break,
        }
    }
    let _ = sock.flush();
    linger_close(sock);
}
