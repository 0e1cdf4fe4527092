//! The anti-replay memory of TLS 1.3 tickets (RFC 8446 8): every ticket a server accepts is
//! remembered until it expires, so that it is accepted at most once. A replayed ticket makes
//! a full handshake, never an error.
//!
//! The memory is bounded: at most `capacity` tickets (default [`DEFAULT_REPLAY_CAPACITY`],
//! about 60 bytes each: 8 MiB at most). An entry leaves when its ticket would have expired
//! anyway (a ticket lives at most one key period of the ticketer, at most 7 days), so the
//! memory holds the tickets of the current and previous key periods that were used. When
//! it is full, further tickets are refused (full handshakes) until entries expire: it fails
//! closed, never forgetting a ticket that could still be replayed.
//!
//! Each server process has its own memory: a ticket replayed to another replica of a fleet
//! that shares the ticket keys may be accepted there once more. That is the limit RFC 8446
//! 8.1 describes for single-use tickets across servers; since this stack never accepts
//! 0-RTT data, a replayed ClientHello can at most start a handshake its sender cannot
//! finish without the PSK.

use std::collections::{BTreeSet, HashSet};
use std::sync::Mutex;

use mtls_crypto::CryptoProvider;
use mtls_crypto::hash::HashAlgorithm;

/// Default number of tickets the memory holds.
pub const DEFAULT_REPLAY_CAPACITY: usize = 131_072;

/// Bytes of the SHA-256 of a ticket the memory keeps: a collision only makes a full
/// handshake.
const ID_LEN: usize = 16;

type TicketId = [u8; ID_LEN];

/// The tickets accepted so far and when each expires.
struct Seen {
    ids: HashSet<TicketId>,
    /// `(expiry, id)`: the order entries leave in.
    by_expiry: BTreeSet<(u64, TicketId)>,
}

/// Remembers the TLS 1.3 tickets a server accepted, until they expire (see the module
/// documentation). One serves every connection of a server; it is thread-safe.
pub struct TicketReplayGuard {
    seen: Mutex<Seen>,
    capacity: usize,
}

impl Default for TicketReplayGuard {
    fn default() -> Self {
        Self::new(DEFAULT_REPLAY_CAPACITY)
    }
}

impl std::fmt::Debug for TicketReplayGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TicketReplayGuard")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish()
    }
}

impl TicketReplayGuard {
    /// A memory of at most `capacity` tickets.
    pub fn new(capacity: usize) -> Self {
        Self {
            seen: Mutex::new(Seen {
                ids: HashSet::new(),
                by_expiry: BTreeSet::new(),
            }),
            capacity,
        }
    }

    /// Tickets remembered now.
    pub fn len(&self) -> usize {
        self.seen.lock().map(|s| s.ids.len()).unwrap_or(0)
    }

    /// True when no ticket is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True the first time `ticket` (which expires at `expires`) is offered at `now`, and
    /// remembers it; false for a ticket seen before, or when the memory is full.
    pub fn first_use(
        &self,
        provider: &CryptoProvider,
        ticket: &[u8],
        expires: u64,
        now: u64,
    ) -> bool {
        let digest = provider.digest(HashAlgorithm::Sha256, ticket);
        let Some(id) = digest
            .as_slice()
            .get(..ID_LEN)
            .and_then(|d| TicketId::try_from(d).ok())
        else {
            return false;
        };
        let Ok(mut seen) = self.seen.lock() else {
            return false;
        };
        while let Some(first) = seen.by_expiry.first().copied()
            && first.0 <= now
        {
            seen.by_expiry.remove(&first);
            seen.ids.remove(&first.1);
        }
        if seen.ids.contains(&id) || seen.ids.len() >= self.capacity {
            return false;
        }
        seen.ids.insert(id);
        seen.by_expiry.insert((expires, id));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc8446_8_a_ticket_is_accepted_once_until_it_expires() {
        let p = mtls_crypto::default_provider();
        let guard = TicketReplayGuard::new(2);
        assert!(guard.first_use(p, b"a", 100, 10));
        assert!(!guard.first_use(p, b"a", 100, 20), "replayed");
        assert!(guard.first_use(p, b"b", 50, 20));
        // Full: a third ticket is refused, never one forgotten early.
        assert!(!guard.first_use(p, b"c", 200, 30));
        assert!(!guard.first_use(p, b"a", 100, 40));
        // Once "b" expired its room is free again; "a" is still remembered.
        assert!(guard.first_use(p, b"c", 200, 60));
        assert!(!guard.first_use(p, b"a", 100, 60));
        assert_eq!(guard.len(), 2);
        // Everything expired: the memory empties.
        assert!(guard.first_use(p, b"d", 300, 250));
        assert_eq!(guard.len(), 1);
    }
}
