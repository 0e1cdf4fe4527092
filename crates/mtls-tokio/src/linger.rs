//! The lingering close on a tokio transport: what [`mtls::linger_close`] does for a blocking
//! one.
//!
//! A socket closed with received bytes unread, or that receives bytes after its close, answers
//! with a reset (RFC 1122 4.2.2.13), and a reset can reach the client before it has read our
//! last bytes: the fatal alert of a refusal (the rest of the client's flight is still on its
//! way), or the last response. So the write side is shut first (FIN after what is queued),
//! then what the client still sends is read and discarded until it closes, for at most
//! [`LINGER_TIME`] and [`LINGER_BYTES`], and only then is the socket dropped.

use mtls::{LINGER_BYTES, LINGER_TIME};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::{Instant, timeout_at};

/// Bytes read at once while draining.
const DRAIN_BUFFER: usize = 4096;

/// Shuts the write side of `sock`, then drains it until the peer closes, for at most
/// [`LINGER_TIME`] and [`LINGER_BYTES`]. Best effort: it stops at the first error. Returns
/// whether the peer closed its side within those bounds.
///
/// Call it on the transport after a failed [`crate::TlsAcceptor::accept`] (pass `&mut tcp`
/// to `accept`, so that you still hold the socket) and after a session, before dropping the
/// socket: the client then reads the fatal alert, or the last response, rather than a
/// reset. Needs a tokio runtime with its timer.
pub async fn linger_close<IO: AsyncRead + AsyncWrite + Unpin>(sock: &mut IO) -> bool {
    // An error here (the write side already shut by close_notify's shutdown, say) does not
    // matter: the reads below still tell when the peer is done.
    let _ = sock.shutdown().await;
    let until = Instant::now() + LINGER_TIME;
    // On the heap: a buffer in the future would enlarge every connection's task.
    let mut buf = vec![0u8; DRAIN_BUFFER];
    let mut left = LINGER_BYTES;
    while left > 0 {
        match timeout_at(until, sock.read(&mut buf)).await {
            Ok(Ok(0)) => return true,
            Ok(Ok(n)) => left = left.saturating_sub(n),
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Ok(Err(_)) | Err(_) => return false,
        }
    }
    false
}
