//! The server side's stream, as [`TlsStream`].

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use mtls::ServerConnection;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::common;

/// A server-side mutual-TLS stream over `IO` after a completed handshake: tokio's
/// [`AsyncRead`] and [`AsyncWrite`] carry application data, and
/// [`poll_shutdown`](AsyncWrite::poll_shutdown) sends close_notify, then shuts the
/// transport's write side.
pub struct TlsStream<IO> {
    pub(crate) io: IO,
    pub(crate) session: ServerConnection,
}

impl<IO> TlsStream<IO> {
    /// The transport and the connection (peer certificates, negotiated suite, ...).
    pub fn get_ref(&self) -> (&IO, &ServerConnection) {
        (&self.io, &self.session)
    }

    /// The transport and the connection, mutably. Reading or writing the transport directly
    /// breaks the TLS stream.
    pub fn get_mut(&mut self) -> (&mut IO, &mut ServerConnection) {
        (&mut self.io, &mut self.session)
    }

    /// The transport and the connection, taken apart.
    pub fn into_inner(self) -> (IO, ServerConnection) {
        (self.io, self.session)
    }
}

impl<IO: AsyncRead + AsyncWrite + Unpin> AsyncRead for TlsStream<IO> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        common::poll_read(&mut this.io, &mut this.session, cx, buf)
    }
}

impl<IO: AsyncRead + AsyncWrite + Unpin> AsyncWrite for TlsStream<IO> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        common::poll_write(&mut this.io, &mut this.session, cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        common::poll_flush(&mut this.io, &mut this.session, cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        common::poll_shutdown(&mut this.io, &mut this.session, cx)
    }
}
