//! The `ticket` target: what a server does with the ticket a client offers (RFC 5077, and
//! the TLS 1.3 PSK identity of RFC 8446 4.6.1).

use mtls_handshake::ticket::{self, TicketKey, TicketKeys, Ticketer};

/// `ticket`: the input as a ticket's plaintext, decoded as a server decodes an opened ticket
/// of either version (anything it accepts must encode back to the same bytes, and never as
/// the other version), and as a whole ticket opened
/// under fixed current and previous keys (never a panic; a forgery never opens).
pub fn fuzz_ticket(data: &[u8]) {
    if let Some(session) = ticket::decode(data) {
        let again = ticket::encode(&session);
        assert_eq!(
            again.as_deref().map(|v| &v[..]),
            Some(data),
            "decode then encode"
        );
        assert!(
            ticket::encode13(&session).is_none(),
            "a TLS 1.2 ticket as TLS 1.3"
        );
    }
    // The TLS 1.3 layout (format version 4): never both versions at once.
    if let Some(session) = ticket::decode13(data) {
        assert!(
            ticket::decode(data).is_none(),
            "a TLS 1.3 ticket as TLS 1.2"
        );
        let again = ticket::encode13(&session);
        assert_eq!(
            again.as_deref().map(|v| &v[..]),
            Some(data),
            "decode13 then encode13"
        );
    }
    let keys = TicketKeys::new(
        TicketKey::new([7; 16], [9; 32]),
        Some(TicketKey::new([8; 16], [1; 32])),
        3600,
    );
    assert!(
        keys.open(data).is_none(),
        "an input opened under a key it never saw"
    );
}
