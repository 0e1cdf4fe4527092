//! TLS 1.3 after the handshake on tokio (RFC 8446 4.6): the server asks for the client's
//! certificate and waits for the answer; either side sends a KeyUpdate.
//!
//! The connection's own calls only queue the messages; these drive the transport as well, so
//! that an application never touches `write_tls` / `read_tls` for them.

use std::future::poll_fn;
use std::io;
use std::ops::DerefMut;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use mtls::ConnectionCommon;
use tokio::io::{AsyncRead, AsyncWrite};

use crate::common::{read_io, to_io, write_all_io};
use crate::stream::Stream;

impl<IO: AsyncRead + AsyncWrite + Unpin> crate::server::TlsStream<IO> {
    /// Asks the client for a certificate on an established TLS 1.3 connection (post-handshake
    /// authentication, RFC 8446 4.6.2) and waits until its answer has been verified: then
    /// [`peer_identity`](Stream::peer_identity) says who it is. Application data the client
    /// sends meanwhile stays buffered for the next read.
    ///
    /// Errors: the request cannot be made ([`mtls::Error::Unavailable`] inside the
    /// `io::Error`: TLS 1.2, the client did not offer post_handshake_auth; the connection
    /// goes on), the client already authenticated on this connection (`InvalidInput`; the
    /// connection goes on), the client's answer is refused (its alert is written, the error
    /// inside is the `mtls::Error`), or it closes the connection first.
    pub async fn request_client_certificate(&mut self) -> io::Result<()> {
        if authenticated(&self.session) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the client already authenticated on this connection",
            ));
        }
        self.session.request_client_certificate().map_err(to_io)?;
        let mut failed = None;
        poll_fn(|cx| {
            poll_until(
                &mut self.io,
                &mut self.session,
                &mut failed,
                authenticated,
                cx,
            )
        })
        .await
    }
}

impl<IO, C> Stream<IO, C>
where
    IO: AsyncRead + AsyncWrite + Unpin,
    C: DerefMut<Target = ConnectionCommon> + Unpin,
{
    /// Sends a KeyUpdate (RFC 8446 4.6.3): everything written after it is sealed with the
    /// next generation of our traffic keys; with `update_requested`, the peer answers with a
    /// KeyUpdate of its own (read like any other record). TLS 1.3 only: on a TLS 1.2
    /// connection the error inside is [`mtls::Error::Unavailable`].
    pub async fn send_key_update(&mut self, update_requested: bool) -> io::Result<()> {
        self.session
            .send_key_update(update_requested)
            .map_err(to_io)?;
        poll_fn(|cx| {
            ready!(write_all_io(&mut self.io, &mut self.session, cx))?;
            Pin::new(&mut self.io).poll_flush(cx)
        })
        .await
    }
}

/// True once the peer's certificate chain is known (and verified, for a server that asks
/// after the handshake).
fn authenticated(conn: &ConnectionCommon) -> bool {
    conn.peer_certificates().is_some_and(|c| !c.is_empty())
}

/// Moves records both ways until `done` holds: queued records out, records in and processed
/// (application data stays buffered). A failure of the connection is returned once its alert
/// is written (kept in `failed` across `Pending`s).
fn poll_until<IO: AsyncRead + AsyncWrite + Unpin>(
    io: &mut IO,
    conn: &mut ConnectionCommon,
    failed: &mut Option<mtls::Error>,
    done: fn(&ConnectionCommon) -> bool,
    cx: &mut Context<'_>,
) -> Poll<io::Result<()>> {
    loop {
        if let Err(e) = ready!(write_all_io(io, conn, cx)) {
            return Poll::Ready(Err(failed.take().map_or(e, to_io)));
        }
        if failed.is_some() {
            let _ = ready!(Pin::new(&mut *io).poll_flush(cx));
            if let Some(e) = failed.take() {
                return Poll::Ready(Err(to_io(e)));
            }
        }
        if done(conn) {
            return Pin::new(&mut *io).poll_flush(cx);
        }
        if !conn.wants_read() {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the peer closed the connection, or sent more data than is buffered, before \
                 answering",
            )));
        }
        let n = ready!(read_io(io, conn, cx))?;
        if let Err(e) = conn.process_new_packets() {
            *failed = Some(e);
            continue;
        }
        if n == 0 {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the peer closed the connection before answering",
            )));
        }
    }
}
