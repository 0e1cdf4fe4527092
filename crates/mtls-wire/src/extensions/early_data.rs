//! early_data (RFC 8446 4.2.10).
//!
//! ```text
//! struct {} Empty;
//!
//! struct {
//!     select (Handshake.msg_type) {
//!         case new_session_ticket:   uint32 max_early_data_size;
//!         case client_hello:         Empty;
//!         case encrypted_extensions: Empty;
//!     };
//! } EarlyDataIndication;
//! ```
//!
//! Parsed so that a server that never accepts 0-RTT can see the offer and
//! skip the early data as RFC 8446 4.2.10 says.

use crate::codec::{Reader, Result, check_len};

/// Parses the empty ClientHello / EncryptedExtensions form.
pub(crate) fn parse_empty(data: &[u8]) -> Result<()> {
    check_len(data.len(), 0, 0, "early_data")
}

/// Parses the NewSessionTicket form: `max_early_data_size`.
pub(crate) fn parse_max_size(data: &[u8]) -> Result<u32> {
    let mut r = Reader::delimited(data);
    let v = r.u32("EarlyDataIndication.max_early_data_size")?;
    r.finish("early_data")?;
    Ok(v)
}
