//! The bookkeeping of received KeyUpdates (RFC 8446 4.6.3): the answer we owe, and the run
//! of KeyUpdates since the peer's last application data.

use mtls_wire::handshake::KeyUpdateRequest;

use crate::error::HandshakeError;

/// KeyUpdates received in a row, with no application data between them, that a connection
/// takes: the next one ends it with `unexpected_message`, as BoringSSL's `kMaxKeyUpdates`.
/// Each costs a key derivation (and, asked for, a KeyUpdate of ours), so a peer could
/// otherwise keep a connection busy on a stream of small records.
pub const MAX_KEY_UPDATES_IN_A_ROW: u32 = 32;

/// What an established TLS 1.3 connection keeps about the peer's KeyUpdates.
#[derive(Debug, Default)]
pub(crate) struct KeyUpdates {
    /// The peer asked (update_requested) and our KeyUpdate has not gone out yet: it goes
    /// before our next application data record, one for any number of requests.
    owed: bool,
    /// Received since the peer's last application data record.
    in_a_row: u32,
}

impl KeyUpdates {
    /// The peer's KeyUpdate: counted against [`MAX_KEY_UPDATES_IN_A_ROW`]; a request is
    /// remembered for our next application data (RFC 8446 4.6.3: "prior to sending its
    /// next Application Data record"; several received while silent get one answer).
    pub(crate) fn received(&mut self, request: KeyUpdateRequest) -> Result<(), HandshakeError> {
        self.in_a_row = self.in_a_row.saturating_add(1);
        if self.in_a_row > MAX_KEY_UPDATES_IN_A_ROW {
            return Err(HandshakeError::unexpected(format!(
                "more than {MAX_KEY_UPDATES_IN_A_ROW} KeyUpdates in a row without application data"
            )));
        }
        if request == KeyUpdateRequest::UpdateRequested {
            self.owed = true;
        }
        Ok(())
    }

    /// The peer sent application data: a new run of KeyUpdates starts.
    pub(crate) fn application_data_received(&mut self) {
        self.in_a_row = 0;
    }

    /// We sent a KeyUpdate with update_not_requested: whatever was owed is answered.
    pub(crate) fn answered(&mut self) {
        self.owed = false;
    }

    /// Whether a KeyUpdate of ours is owed; asking takes it (the caller sends it).
    pub(crate) fn take_owed(&mut self) -> bool {
        std::mem::take(&mut self.owed)
    }
}
