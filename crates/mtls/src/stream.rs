//! A blocking TLS stream over any `Read + Write` transport (a `TcpStream`, say).

use std::io::{self, BufRead, Read, Write};
use std::ops::DerefMut;

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
