//! Choosing the server configuration after the ClientHello, on tokio: [`LazyConfigAcceptor`]
//! reads the client's hello with the facade's sans-IO [`Acceptor`], and [`StartHandshake`]
//! shows it and continues with the configuration chosen for it.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use mtls::server::{AcceptError, Accepted, Acceptor, ClientHello};
use mtls::{AlertDescription, ServerConfig};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};

use crate::common::{self, SyncRead, would_block_to_pending};
use crate::server;

/// A future that reads a client's ClientHello and resolves to a [`StartHandshake`], from
/// which a multi-tenant server picks the configuration (certificate, client CA roots,
/// client-auth policy) by SNI name, ALPN, suites, ...
///
/// A first message that is not a well-formed ClientHello fails the future with the
/// [`mtls::Error`] inside the `io::Error`, after its fatal alert was written to the client.
/// Dropping the future drops the transport.
///
/// ```no_run
/// use std::sync::Arc;
/// use mtls::{AlertDescription, ServerConfig};
/// use mtls::server::Acceptor;
/// use mtls_tokio::LazyConfigAcceptor;
/// use tokio::net::TcpStream;
///
/// async fn serve(tcp: TcpStream, billing: Arc<ServerConfig>, ledger: Arc<ServerConfig>)
///     -> std::io::Result<()>
/// {
///     let start = LazyConfigAcceptor::new(Acceptor::default(), tcp).await?;
///     let config = match start.client_hello().server_name() {
///         Some("billing.internal") => billing,
///         Some("ledger.internal") => ledger,
///         _ => {
///             // RFC 6066 3: tell the client which name was not recognized.
///             return Err(start.refuse(AlertDescription::UnrecognizedName, "no such tenant").await);
///         }
///     };
///     let tls = start.into_stream(config).await?;
///     let identity = tls.get_ref().1.peer_identity();
///     // ... serve the client
///     # let _ = identity;
///     Ok(())
/// }
/// ```
pub struct LazyConfigAcceptor<IO> {
    acceptor: Acceptor,
    io: Option<IO>,
    /// The refusal being written out, and how much of its alert is written.
    refusal: Option<(AcceptError, usize)>,
}

impl<IO> LazyConfigAcceptor<IO> {
    /// Reads the ClientHello from `io` with `acceptor`.
    pub fn new(acceptor: Acceptor, io: IO) -> Self {
        Self {
            acceptor,
            io: Some(io),
            refusal: None,
        }
    }
}

impl<IO: AsyncRead + AsyncWrite + Unpin> Future for LazyConfigAcceptor<IO> {
    type Output = io::Result<StartHandshake<IO>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let Some(io) = this.io.as_mut() else {
            return Poll::Ready(Err(io::Error::other("polled after completion")));
        };
        loop {
            if let Some((refusal, written)) = &mut this.refusal {
                // The fatal alert goes out before the error is returned.
                while let Some(rest) = refusal.alert_bytes().get(*written..)
                    && !rest.is_empty()
                {
                    match ready!(Pin::new(&mut *io).poll_write(cx, rest)) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => *written += n,
                    }
                }
                let _ = ready!(Pin::new(&mut *io).poll_flush(cx));
                let error = refusal.error().clone();
                this.io = None;
                return Poll::Ready(Err(common::to_io(error)));
            }
            match this.acceptor.accept() {
                Ok(Some(accepted)) => {
                    return match this.io.take() {
                        Some(io) => Poll::Ready(Ok(StartHandshake { accepted, io })),
                        None => Poll::Ready(Err(io::Error::other("polled after completion"))),
                    };
                }
                Ok(None) => {}
                Err(refusal) => {
                    this.refusal = Some((refusal, 0));
                    continue;
                }
            }
            let read = this.acceptor.read_tls(&mut SyncRead {
                io: &mut *io,
                cx: &mut *cx,
            });
            if ready!(would_block_to_pending(read))? == 0 {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the client closed the connection before its ClientHello was whole",
                )));
            }
        }
    }
}

/// A client's ClientHello, read: look at it with [`client_hello`](Self::client_hello), then
/// continue with [`into_stream`](Self::into_stream) or [`refuse`](Self::refuse).
pub struct StartHandshake<IO> {
    accepted: Accepted,
    io: IO,
}

impl<IO: AsyncRead + AsyncWrite + Unpin> StartHandshake<IO> {
    /// What the client offered: SNI name, ALPN, suites, signature schemes, versions.
    pub fn client_hello(&self) -> ClientHello<'_> {
        self.accepted.client_hello()
    }

    /// Runs the rest of the handshake with `config`. On failure the fatal alert has been
    /// written, and the error's inner error is the [`mtls::Error`].
    pub async fn into_stream(self, config: Arc<ServerConfig>) -> io::Result<server::TlsStream<IO>> {
        let Self { accepted, io } = self;
        match accepted.into_connection(&config) {
            Ok(session) => common::handshake(io, session).await,
            Err(refusal) => Err(send_refusal(io, refusal).await),
        }
    }

    /// Refuses the client with `alert` (e.g. `unrecognized_name` for an SNI name no tenant
    /// serves, RFC 6066 3): the alert is written, and the returned error carries `reason`.
    pub async fn refuse(self, alert: AlertDescription, reason: impl Into<String>) -> io::Error {
        let Self { accepted, io } = self;
        send_refusal(io, accepted.refuse(alert, reason)).await
    }

    /// The transport, e.g. to read the peer's address before choosing.
    pub fn io(&self) -> &IO {
        &self.io
    }
}

/// Writes a refusal's alert (best effort: the refusal is the error either way) and returns
/// the refusal as an `io::Error`.
async fn send_refusal<IO: AsyncWrite + Unpin>(mut io: IO, refusal: AcceptError) -> io::Error {
    if io.write_all(refusal.alert_bytes()).await.is_ok() {
        let _ = io.flush().await;
    }
    common::to_io(refusal.into_error())
}
