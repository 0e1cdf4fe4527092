//! The key schedule both roles run once the master secret exists: the key block
//! (RFC 5246 6.3), ChangeCipherSpec (RFC 5246 7.1) and Finished (RFC 5246 7.4.9).

use mtls_crypto::CryptoProvider;
use mtls_prf::{MasterSecret, Sender, TrafficKeys, VerifyData, key_block, verify_data};
use mtls_wire::AlertDescription;
use mtls_wire::handshake::{HandshakeMessage, HandshakePayload};

use crate::action::{Action, KeyChange};
use crate::common::Common;
use crate::config::KeyLog;
use crate::error::HandshakeError;
use crate::sequence::Side;
use crate::suites::SupportedSuite;

/// The suite, the master secret and each direction's keys until its ChangeCipherSpec hands
/// them to the record layer. Exists only once the master secret does, so nothing that needs
/// a key can run before there is one.
pub struct KeySchedule {
    pub suite: SupportedSuite,
    /// The provider whose AEAD the handed-out keys are for.
    provider: &'static CryptoProvider,
    master: MasterSecret,
    /// Each is handed out once, at that direction's ChangeCipherSpec.
    client_write: Option<TrafficKeys>,
    server_write: Option<TrafficKeys>,
}

impl KeySchedule {
    /// Installs the master secret (logged to `key_log` in the NSS key log format) and
    /// derives the key block (RFC 5246 6.3).
    pub fn new(
        suite: SupportedSuite,
        master: MasterSecret,
        common: &Common,
        key_log: Option<&dyn KeyLog>,
    ) -> Self {
        if let Some(log) = key_log {
            log.log("CLIENT_RANDOM", &common.client_random, master.as_bytes());
        }
        let block = key_block(
            common.provider,
            suite.prf,
            &master,
            &common.client_random,
            &common.server_random,
            suite.key_block_layout(),
        );
        Self {
            suite,
            provider: common.provider,
            master,
            client_write: Some(block.client_write),
            server_write: Some(block.server_write),
        }
    }

    pub fn master(&self) -> &MasterSecret {
        &self.master
    }

    /// `side`'s write keys, handed out once: the table has exactly one ChangeCipherSpec
    /// each way, so a second request is a broken invariant, never a peer's doing.
    fn key_change(&mut self, side: Side) -> Result<KeyChange, HandshakeError> {
        let keys = match side {
            Side::Client => self.client_write.take(),
            Side::Server => self.server_write.take(),
        }
        .ok_or_else(|| {
            HandshakeError::internal(format!("the {side:?} write keys were already handed out"))
        })?;
        Ok(KeyChange {
            algorithm: self.suite.aead,
            keys,
            protection: crate::action::RecordProtection::Tls12,
            provider: self.provider,
        })
    }

    /// Our ChangeCipherSpec: send it, then protect everything after it (RFC 5246 7.1).
    pub fn send_change_cipher_spec(
        &mut self,
        me: Side,
        actions: &mut Vec<Action>,
    ) -> Result<(), HandshakeError> {
        let change = self.key_change(me)?;
        actions.push(Action::SendChangeCipherSpec);
        actions.push(Action::InstallWriteKeys(change));
        Ok(())
    }

    /// The peer's ChangeCipherSpec: its next record is protected (RFC 5246 7.1).
    pub fn receive_change_cipher_spec(
        &mut self,
        me: Side,
        actions: &mut Vec<Action>,
    ) -> Result<(), HandshakeError> {
        let change = self.key_change(me.peer())?;
        actions.push(Action::InstallReadKeys(change));
        Ok(())
    }

    fn verify_data(&self, common: &Common, sender: Side) -> VerifyData {
        let hash = common.transcript.current_hash(self.suite.prf);
        let sender = match sender {
            Side::Client => Sender::Client,
            Side::Server => Sender::Server,
        };
        verify_data(
            common.provider,
            self.suite.prf,
            &self.master,
            sender,
            hash.as_slice(),
        )
    }

    /// Our Finished (RFC 5246 7.4.9).
    pub fn send_finished(&self, common: &mut Common, actions: &mut Vec<Action>) {
        let vd = self.verify_data(common, common.me);
        common.emit(HandshakePayload::Finished(vd.as_bytes().to_vec()), actions);
    }

    /// The peer's Finished: its verify_data must match ours, compared in constant time
    /// (RFC 5246 7.4.9); a mismatch is `decrypt_error`.
    pub fn receive_finished(
        &self,
        common: &Common,
        message: &HandshakeMessage,
    ) -> Result<(), HandshakeError> {
        let HandshakePayload::Finished(received) = message.payload() else {
            return Err(HandshakeError::unexpected("expected Finished"));
        };
        let expected = self.verify_data(common, common.me.peer());
        if !expected.verify(received) {
            return Err(HandshakeError::new(
                AlertDescription::DecryptError,
                "the peer's Finished does not match the handshake: keys or transcript differ",
            ));
        }
        Ok(())
    }
}
