//! Key changes, and what an established TLS 1.3 connection can be asked after its handshake
//! (RFC 8446 4.6): a KeyUpdate from either side, and a CertificateRequest from the server.

use mtls_handshake::{KeyChange, PostHandshakeRequest, RecordProtection};
use mtls_record::{RecordDecrypter, RecordEncrypter};
use mtls_wire::ProtocolVersion;

use super::{ConnectionCommon, internal};
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

    /// Before each application data record: the KeyUpdate the peer asked for since our last
    /// data, if any (RFC 8446 4.6.3), one for any number of requests. A failure ends the
    /// connection, with its alert queued.
    pub(crate) fn before_application_data(&mut self) -> Result<(), Error> {
        let result = self
            .handshake
            .before_application_data()
            .map_err(Error::from)
            .and_then(|actions| self.apply(actions));
        self.settle(result).map(|_| ())
    }
}

impl ConnectionCommon {
    /// A client that offers TLS 1.3 may see the server's compatibility ChangeCipherSpec
    /// (RFC 8446 D.4) right after a HelloRetryRequest, before any key exists: from the
    /// start, a ChangeCipherSpec record is handed up without waiting for keys.
    pub(crate) fn offer_tls13(&mut self) {
        self.reader.set_tls13(true);
    }

    /// Seals what we send from now on with `k` (sequence number 0): after our
    /// ChangeCipherSpec in TLS 1.2, at each TLS 1.3 key change and KeyUpdate.
    pub(super) fn install_write_keys(&mut self, k: &KeyChange) -> Result<(), Error> {
        let (key, iv) = (k.keys.key(), k.keys.iv());
        let encrypter = match k.protection {
            RecordProtection::Tls12 => {
                RecordEncrypter::with_provider(k.provider, k.algorithm, key, iv)
            }
            RecordProtection::Tls13 => RecordEncrypter::tls13(k.provider, k.algorithm, key, iv),
        }
        .map_err(|e| internal(format!("write keys: {e}")))?;
        self.writer.install_encrypter(encrypter);
        Ok(())
    }

    /// Opens what the peer sends from now on with `k`. TLS 1.2: every record must carry
    /// version 1.2 from here (RFC 5246 6.2.1). TLS 1.3: legacy_record_version is ignored
    /// (RFC 8446 5.1), and a handshake message cut by the key change is refused: handshake
    /// messages must not span a key change (RFC 8446 5.1).
    pub(super) fn install_read_keys(&mut self, k: &KeyChange) -> Result<(), Error> {
        let (key, iv) = (k.keys.key(), k.keys.iv());
        match k.protection {
            RecordProtection::Tls12 => {
                self.reader.set_expected_version(ProtocolVersion::TLSv1_2);
                let decrypter = RecordDecrypter::with_provider(k.provider, k.algorithm, key, iv)
                    .map_err(|e| internal(format!("read keys: {e}")))?;
                self.reader.install_decrypter(decrypter);
            }
            RecordProtection::Tls13 => {
                let decrypter = RecordDecrypter::tls13(k.provider, k.algorithm, key, iv)
                    .map_err(|e| internal(format!("read keys: {e}")))?;
                self.reader.set_tls13(true);
                self.reader.install_tls13_decrypter(decrypter)?;
            }
        }
        Ok(())
    }
}
