//! The server side's stream, as [`TlsStream`].

/// A server-side mutual-TLS stream over `IO` after a completed handshake (see
/// [`Stream`](crate::Stream)).
pub type TlsStream<IO> = crate::stream::Stream<IO, mtls::ServerConnection>;
