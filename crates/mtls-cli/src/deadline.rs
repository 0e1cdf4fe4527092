//! A TCP stream with a deadline on the handshake: before each read and write the socket's
//! timeout is set to the time left, and past the deadline every read and write fails with
//! `TimedOut`. Per-read timeouts alone do not bound a handshake: a client that sends one
//! byte every few seconds resets them forever.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use mtls::HalfClose;

/// A `TcpStream` whose reads and writes end at a deadline (until [`Deadlined::lift`]).
pub struct Deadlined {
    sock: TcpStream,
    /// The timeout of one read or write when no deadline is nearer.
    idle: Duration,
    deadline: Option<Instant>,
    passed: bool,
}

impl Deadlined {
    /// `sock` with every read and write bounded by `idle`, and all of them by `deadline`.
    pub fn new(sock: TcpStream, idle: Duration, deadline: Instant) -> Self {
        Self {
            sock,
            idle,
            deadline: Some(deadline),
            passed: false,
        }
    }

    /// Drops the deadline (the handshake is done); reads and writes keep the idle timeout.
    pub fn lift(&mut self) -> io::Result<()> {
        self.deadline = None;
        self.sock.set_read_timeout(Some(self.idle))?;
        self.sock.set_write_timeout(Some(self.idle))
    }

    /// Whether a read or write failed because the deadline had passed.
    pub fn passed(&self) -> bool {
        self.passed
    }

    /// How long the next read or write may wait: the idle timeout, or less before a deadline;
    /// `TimedOut` once the deadline has passed.
    fn wait(&mut self) -> io::Result<Duration> {
        let Some(deadline) = self.deadline else {
            return Ok(self.idle);
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            self.passed = true;
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the handshake deadline passed",
            ));
        }
        Ok(left.min(self.idle))
    }

    /// A timeout of the socket becomes `TimedOut` (deadline) when the deadline is why.
    fn after(&mut self, e: io::Error) -> io::Error {
        let timed_out = matches!(
            e.kind(),
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
        );
        match self.deadline {
            Some(d) if timed_out && Instant::now() >= d => {
                self.passed = true;
                io::Error::new(io::ErrorKind::TimedOut, "the handshake deadline passed")
            }
            _ => e,
        }
    }
}

impl Read for Deadlined {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let wait = self.wait()?;
        if self.deadline.is_some() {
            self.sock.set_read_timeout(Some(wait))?;
        }
        self.sock.read(buf).map_err(|e| self.after(e))
    }
}

impl Write for Deadlined {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let wait = self.wait()?;
        if self.deadline.is_some() {
            self.sock.set_write_timeout(Some(wait))?;
        }
        self.sock.write(buf).map_err(|e| self.after(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.sock.flush()
    }
}

impl HalfClose for Deadlined {
    fn shutdown_write(&mut self) -> io::Result<()> {
        self.sock.shutdown_write()
    }
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        // The lingering close bounds its own reads: no deadline from here on.
        self.deadline = None;
        HalfClose::set_read_timeout(&mut self.sock, timeout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A read that would wait past the deadline stops at it, and later ones fail at once.
    #[test]
    fn reads_stop_at_the_deadline() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        let deadline = Instant::now() + Duration::from_millis(100);
        let mut s = Deadlined::new(server, Duration::from_secs(30), deadline);
        let mut buf = [0u8; 8];
        let e = s.read(&mut buf).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::TimedOut, "{e}");
        assert!(s.passed());
        let e = s.write(b"x").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::TimedOut, "{e}");
        drop(client);
    }
}
