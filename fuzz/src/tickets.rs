//! The `ticket` target: what a server does with the ticket a client offers (RFC 5077).

use mtls_handshake::ticket::{self, TicketKey, TicketKeys, Ticketer};

/// `ticket`: the input as a ticket's plaintext, decoded as a server decodes an opened ticket
/// (anything it accepts must encode back to the same bytes), and as a whole ticket opened
/// under fixed current and previous keys (never a panic; a forgery never opens).
pub fn fuzz_ticket(data: &[u8]) {
    if let Some(session) = ticket::decode(data) {
        let again = ticket::encode(&session);
        assert_eq!(
            again.as_deref().map(|v| &v[..]),
            Some(data),
            "decode then encode"
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
