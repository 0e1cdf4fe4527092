//! The client side's stream, as [`TlsStream`].

/// A client-side mutual-TLS stream over `IO` after a completed handshake (see
/// [`Stream`](crate::Stream)).
pub type TlsStream<IO> = crate::stream::Stream<IO, mtls::ClientConnection>;
