//! What an established TLS 1.3 connection can be asked after its handshake (RFC 8446 4.6):
//! a KeyUpdate from either side, and a CertificateRequest from the server.

use mtls_handshake::PostHandshakeRequest;

use super::ConnectionCommon;
use crate::error::Error;

impl ConnectionCommon {
    /// Sends a KeyUpdate (RFC 8446 4.6.3) and seals everything after it with the next
    /// generation of our traffic keys; with `update_requested`, the peer is asked to update
    /// its own keys too (it answers with a KeyUpdate of its own). TLS 1.3 only:
    /// [`Error::Unavailable`] on a TLS 1.2 connection or before the handshake completed.
    ///
    /// A long-lived connection re-keys this way without a new handshake; the record layer
    /// would otherwise have to stop before its sequence numbers run out.
    pub fn send_key_update(&mut self, update_requested: bool) -> Result<(), Error> {
        self.post_handshake(PostHandshakeRequest::UpdateKeys {
            request_peer: update_requested,
        })
    }

    /// Runs a post-handshake request: a refusal (`Unavailable`) leaves the connection as it
    /// was; a failure while running it ends the connection, with its alert queued.
    pub(crate) fn post_handshake(&mut self, request: PostHandshakeRequest) -> Result<(), Error> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        if self.sent_close {
            return Err(Error::Closed);
        }
        self.handshake
            .post_handshake_available(request)
            .map_err(Error::Unavailable)?;
        #[cfg(feature = "tracing")]
        let _entered = self.span.clone().entered();
        let result = self
            .handshake
            .post_handshake(request)
            .map_err(Error::from)
            .and_then(|actions| self.apply(actions));
        self.settle(result).map(|_| ())
    }
}
