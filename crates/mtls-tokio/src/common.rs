//! The bridge between a sans-IO connection and tokio's `AsyncRead` / `AsyncWrite`, shared by
//! both roles.
//!
//! The connection's `read_tls` / `write_tls` take `std::io::Read` / `Write`; the adapters
//! below turn the transport's `Poll::Pending` into `WouldBlock` for them, and the functions
//! here turn that `WouldBlock` back into `Poll::Pending`. A `Pending` is returned only after
//! the transport itself returned `Pending` (so its waker is registered): nothing here spins.
//! A read polls the transport for writing only to send a fatal alert, so the halves of
//! `tokio::io::split` do not take each other's wakers.

use std::future::poll_fn;
use std::io::{self, Read, Write};
use std::ops::DerefMut;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use mtls::ConnectionCommon;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::Stream;

/// Application data taken by one `poll_write`: at most four full records are sealed per call,
/// so a transport that does not keep up bounds what the connection buffers.
const MAX_WRITE_CHUNK: usize = 4 * 16 * 1024;

/// An mtls error as an `io::Error` whose inner error is the `mtls::Error`.
pub(crate) fn to_io(e: mtls::Error) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}

/// The transport as `std::io::Read` for one poll.
pub(crate) struct SyncRead<'a, 'b, IO> {
    pub(crate) io: &'a mut IO,
    pub(crate) cx: &'a mut Context<'b>,
}

impl<IO: AsyncRead + Unpin> Read for SyncRead<'_, '_, IO> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut rb = ReadBuf::new(buf);
        match Pin::new(&mut *self.io).poll_read(self.cx, &mut rb) {
            Poll::Ready(Ok(())) => Ok(rb.filled().len()),
            Poll::Ready(Err(e)) => Err(e),
            Poll::Pending => Err(io::ErrorKind::WouldBlock.into()),
        }
    }
}

/// The transport as `std::io::Write` for one poll.
struct SyncWrite<'a, 'b, IO> {
    io: &'a mut IO,
    cx: &'a mut Context<'b>,
}

impl<IO: AsyncWrite + Unpin> Write for SyncWrite<'_, '_, IO> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match Pin::new(&mut *self.io).poll_write(self.cx, buf) {
            Poll::Ready(r) => r,
            Poll::Pending => Err(io::ErrorKind::WouldBlock.into()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match Pin::new(&mut *self.io).poll_flush(self.cx) {
            Poll::Ready(r) => r,
            Poll::Pending => Err(io::ErrorKind::WouldBlock.into()),
        }
    }
}

pub(crate) fn would_block_to_pending<T>(r: io::Result<T>) -> Poll<io::Result<T>> {
    match r {
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => Poll::Pending,
        r => Poll::Ready(r),
    }
}

/// One `read_tls` from the transport; `Ready(Ok(0))` is the transport's end of stream.
pub(crate) fn read_io<IO: AsyncRead + Unpin>(
    io: &mut IO,
    conn: &mut ConnectionCommon,
    cx: &mut Context<'_>,
) -> Poll<io::Result<usize>> {
    would_block_to_pending(conn.read_tls(&mut SyncRead { io, cx }))
}

/// Writes every pending TLS byte to the transport; `Pending` while the transport is full.
pub(crate) fn write_all_io<IO: AsyncWrite + Unpin>(
    io: &mut IO,
    conn: &mut ConnectionCommon,
    cx: &mut Context<'_>,
) -> Poll<io::Result<()>> {
    while conn.wants_write() {
        let n = ready!(would_block_to_pending(
            conn.write_tls(&mut SyncWrite { io, cx })
        ))?;
        if n == 0 {
            return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
        }
    }
    Poll::Ready(Ok(()))
}

/// Runs the handshake of `session` over `io` to its end: the established stream, or the
/// handshake's error after its fatal alert was written.
pub(crate) async fn handshake<IO, C>(mut io: IO, mut session: C) -> io::Result<Stream<IO, C>>
where
    IO: AsyncRead + AsyncWrite + Unpin,
    C: DerefMut<Target = ConnectionCommon>,
{
    let mut failed = None;
    poll_fn(|cx| poll_handshake(&mut io, &mut session, &mut failed, cx)).await?;
    Ok(Stream { io, session })
}

/// Drives the handshake to its end. On a failure the fatal alert the connection queued is
/// written out first, then the error is returned (kept in `failed` across `Pending`s).
pub(crate) fn poll_handshake<IO: AsyncRead + AsyncWrite + Unpin>(
    io: &mut IO,
    conn: &mut ConnectionCommon,
    failed: &mut Option<mtls::Error>,
    cx: &mut Context<'_>,
) -> Poll<io::Result<()>> {
    loop {
        if let Err(e) = ready!(write_all_io(io, conn, cx)) {
            // The transport failed under the alert: the handshake error says more.
            return Poll::Ready(Err(failed.take().map_or(e, to_io)));
        }
        if failed.is_some() {
            // The alert is out (a flush error no longer matters: the error is the handshake's).
            let _ = ready!(Pin::new(&mut *io).poll_flush(cx));
            if let Some(e) = failed.take() {
                return Poll::Ready(Err(to_io(e)));
            }
        }
        if !conn.is_handshaking() {
            return Pin::new(&mut *io).poll_flush(cx);
        }
        if ready!(read_io(io, conn, cx))? == 0 {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the peer closed the connection during the handshake",
            )));
        }
        if let Err(e) = conn.process_new_packets() {
            *failed = Some(e);
        }
    }
}

/// `AsyncRead::poll_read` on an established connection.
pub(crate) fn poll_read<IO: AsyncRead + AsyncWrite + Unpin>(
    io: &mut IO,
    conn: &mut ConnectionCommon,
    cx: &mut Context<'_>,
    buf: &mut ReadBuf<'_>,
) -> Poll<io::Result<()>> {
    if buf.remaining() == 0 {
        return Poll::Ready(Ok(()));
    }
    loop {
        match conn.reader().read(buf.initialize_unfilled()) {
            // Ok(0) is the peer's close_notify: the end of the data.
            Ok(n) => {
                buf.advance(n);
                return Poll::Ready(Ok(()));
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Poll::Ready(Err(e)),
        }
        // No data yet: read the transport (a Pending here registered its waker).
        // At the transport's end (0 bytes) the reader reports a truncation, or the end of
        // data if close_notify came first.
        ready!(read_io(io, conn, cx))?;
        let idle = !conn.wants_write();
        if let Err(e) = conn.process_new_packets() {
            // The fatal alert, best effort: the error is what the caller needs. Only on an
            // error: a read that polls the transport for writing would take the write waker
            // from a task writing through the other half of a split stream.
            let _ = write_all_io(io, conn, cx);
            return Poll::Ready(Err(to_io(e)));
        }
        if idle && conn.wants_write() && !conn.is_handshaking() {
            // What the records just read asked for (TLS 1.3: the answer to a KeyUpdate that
            // requested one, to a post-handshake CertificateRequest) goes out now: a peer
            // may wait for it before it sends anything more, so waiting for our next write
            // could stall both sides. Only when nothing else was queued: records a writer
            // (the other half of a split stream) queued are its own to send, and its waker
            // stays its own. What the transport does not take now goes with the next write
            // or flush.
            if let Poll::Ready(Err(e)) = write_all_io(io, conn, cx) {
                return Poll::Ready(Err(e));
            }
        }
    }
}

/// `AsyncWrite::poll_write` on an established connection: earlier records are written out
/// before new data is taken, so the connection never buffers more than one call's worth.
pub(crate) fn poll_write<IO: AsyncWrite + Unpin>(
    io: &mut IO,
    conn: &mut ConnectionCommon,
    cx: &mut Context<'_>,
    buf: &[u8],
) -> Poll<io::Result<usize>> {
    ready!(write_all_io(io, conn, cx))?;
    if buf.is_empty() {
        return Poll::Ready(Ok(0));
    }
    let chunk = buf.get(..MAX_WRITE_CHUNK).unwrap_or(buf);
    let n = conn.writer().write(chunk)?;
    // Start sending now; what the transport does not take yet goes out on the next call
    // (or poll_flush). The data is accepted either way.
    if let Poll::Ready(Err(e)) = write_all_io(io, conn, cx) {
        return Poll::Ready(Err(e));
    }
    Poll::Ready(Ok(n))
}

/// `AsyncWrite::poll_flush`: every TLS byte written, then the transport flushed.
pub(crate) fn poll_flush<IO: AsyncWrite + Unpin>(
    io: &mut IO,
    conn: &mut ConnectionCommon,
    cx: &mut Context<'_>,
) -> Poll<io::Result<()>> {
    ready!(write_all_io(io, conn, cx))?;
    Pin::new(&mut *io).poll_flush(cx)
}

/// `AsyncWrite::poll_shutdown`: close_notify queued (once), written out, then the
/// transport's write side shut.
pub(crate) fn poll_shutdown<IO: AsyncWrite + Unpin>(
    io: &mut IO,
    conn: &mut ConnectionCommon,
    cx: &mut Context<'_>,
) -> Poll<io::Result<()>> {
    conn.send_close_notify();
    ready!(write_all_io(io, conn, cx))?;
    Pin::new(&mut *io).poll_shutdown(cx)
}
