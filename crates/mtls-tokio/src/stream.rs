//! The stream both sides hand out after the handshake, generic over the connection type;
//! [`crate::client::TlsStream`] and [`crate::server::TlsStream`] name its two instances.

use std::io;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::task::{Context, Poll};

use mtls::{ConnectionCommon, PeerIdentity};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::common;

/// A mutual-TLS stream over `IO` after a completed handshake, `C` being the client or server
/// connection: tokio's [`AsyncRead`] and [`AsyncWrite`] carry application data, and
/// [`poll_shutdown`](AsyncWrite::poll_shutdown) sends close_notify, then shuts the
/// transport's write side.
pub struct Stream<IO, C> {
    pub(crate) io: IO,
    pub(crate) session: C,
}

impl<IO, C> Stream<IO, C> {
    /// The transport and the connection (peer identity, negotiated suite, ...).
    pub fn get_ref(&self) -> (&IO, &C) {
        (&self.io, &self.session)
    }

    /// The transport and the connection, mutably. Reading or writing the transport directly
    /// breaks the TLS stream.
    pub fn get_mut(&mut self) -> (&mut IO, &mut C) {
        (&mut self.io, &mut self.session)
    }

    /// The transport and the connection, taken apart.
    pub fn into_inner(self) -> (IO, C) {
        (self.io, self.session)
    }
}

impl<IO, C: Deref<Target = ConnectionCommon>> Stream<IO, C> {
    /// Who the peer is, from its verified certificate (subject, SAN DNS names, IPs, URIs
    /// such as a SPIFFE ID, notAfter): the connection's
    /// [`peer_identity`](ConnectionCommon::peer_identity). `None` when the peer sent no
    /// certificate or its chain was not verified.
    pub fn peer_identity(&self) -> Option<&PeerIdentity> {
        self.session.peer_identity()
    }
}

impl<IO, C> AsyncRead for Stream<IO, C>
where
    IO: AsyncRead + AsyncWrite + Unpin,
    C: DerefMut<Target = ConnectionCommon> + Unpin,
{
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        common::poll_read(&mut this.io, &mut this.session, cx, buf)
    }
}

impl<IO, C> AsyncWrite for Stream<IO, C>
where
    IO: AsyncRead + AsyncWrite + Unpin,
    C: DerefMut<Target = ConnectionCommon> + Unpin,
{
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
