//! Where a client keeps its sessions: by the server it connected to and the identity it
//! connected as ([`SessionKey`]), TLS 1.2 sessions reused, TLS 1.3 tickets each handed out
//! once (RFC 8446 C.4), in a bounded in-memory default.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use crate::session::{DEFAULT_MAX_PEER_CHAIN_BYTES, DEFAULT_SESSION_CACHE_BYTES, StoredSession};

/// Default number of TLS 1.3 tickets an [`InMemoryClientSessionStore`] keeps per key: a
/// server sends two after each handshake by default, and each is used once.
pub const DEFAULT_TLS13_TICKETS_PER_KEY: usize = 8;

/// What a client's sessions are kept under: the name it connected to (an IP address
/// included, which is never sent as SNI) and a digest of the identity that made them (the
/// certificates it could present and the policy that accepted the server,
/// [`ClientConfig::session_key`](crate::ClientConfig::session_key)). Two identities sharing
/// a store never see each other's sessions.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SessionKey {
    server_name: String,
    identity: [u8; 32],
}

impl SessionKey {
    /// The key of `server_name` for the identity digest `identity`.
    pub fn new(server_name: impl Into<String>, identity: [u8; 32]) -> Self {
        Self {
            server_name: server_name.into(),
            identity,
        }
    }

    /// The name connected to.
    pub fn server_name(&self) -> &str {
        &self.server_name
    }

    /// The digest of the client identity (not a secret: it names certificates and roots).
    pub fn identity(&self) -> &[u8; 32] {
        &self.identity
    }
}

/// The client's session store. Implementations must be thread-safe: connections of one
/// configuration (or of several sharing the store) use it at the same time, and
/// [`take_tls13`](Self::take_tls13) must hand each ticket to one connection only.
pub trait ClientSessionStore: Send + Sync {
    /// Keeps `session` under `key`: a TLS 1.2 session replaces the key's TLS 1.2 session; a
    /// TLS 1.3 session (a ticket) joins the key's tickets.
    fn put(&self, key: &SessionKey, session: Arc<StoredSession>);
    /// Removes and returns the newest TLS 1.3 ticket of `key` that has not expired at `now`.
    /// A ticket is used once (RFC 8446 C.4), so two connections never get the same one.
    fn take_tls13(&self, key: &SessionKey, now: u64) -> Option<Arc<StoredSession>>;
    /// The TLS 1.2 session of `key` if it has not expired at `now`; it stays (a TLS 1.2
    /// session may be resumed many times, RFC 5246 F.1.4).
    fn get_tls12(&self, key: &SessionKey, now: u64) -> Option<Arc<StoredSession>>;
    /// Forgets the TLS 1.2 session of `key` if its session id is `session_id` (a connection
    /// that used or made it failed: RFC 5246 7.2), and not a newer one another connection
    /// kept meanwhile.
    fn forget_tls12(&self, key: &SessionKey, session_id: &[u8]);
}

/// Sessions of one key.
#[derive(Default)]
struct Slot {
    tls12: Option<Arc<StoredSession>>,
    /// Newest last.
    tls13: VecDeque<Arc<StoredSession>>,
    /// The key's place in `Sessions::order` (last written).
    seq: u64,
}

impl Slot {
    fn bytes(&self) -> usize {
        self.tls12
            .iter()
            .chain(&self.tls13)
            .map(|s| s.memory_size())
            .sum()
    }
}

struct Sessions {
    slots: HashMap<SessionKey, Slot>,
    /// Keys by last write, oldest first.
    order: BTreeMap<u64, SessionKey>,
    next_seq: u64,
    bytes: usize,
}

/// In-memory, bounded, thread-safe client store: at most `capacity` keys (server name and
/// identity), each with one TLS 1.2 session valid for `lifetime_secs` and up to
/// [`DEFAULT_TLS13_TICKETS_PER_KEY`] TLS 1.3 tickets (valid for their own lifetimes), within
/// [`DEFAULT_SESSION_CACHE_BYTES`] in all. The key written to longest ago goes first when
/// full; a key's oldest ticket goes first when it has too many. Sessions whose server chain
/// exceeds [`DEFAULT_MAX_PEER_CHAIN_BYTES`] are not kept.
pub struct InMemoryClientSessionStore {
    inner: Mutex<Sessions>,
    capacity: usize,
    lifetime_secs: u64,
    tickets_per_key: usize,
    max_bytes: usize,
    max_peer_chain_bytes: usize,
}

impl InMemoryClientSessionStore {
    /// A store of at most `capacity` keys whose TLS 1.2 sessions live `lifetime_secs`.
    pub fn new(capacity: usize, lifetime_secs: u64) -> Self {
        Self {
            inner: Mutex::new(Sessions {
                slots: HashMap::new(),
                order: BTreeMap::new(),
                next_seq: 0,
                bytes: 0,
            }),
            capacity: capacity.max(1),
            lifetime_secs,
            tickets_per_key: DEFAULT_TLS13_TICKETS_PER_KEY,
            max_bytes: DEFAULT_SESSION_CACHE_BYTES,
            max_peer_chain_bytes: DEFAULT_MAX_PEER_CHAIN_BYTES,
        }
    }

    /// Keeps at most `n` TLS 1.3 tickets per key (at least 1).
    pub fn with_tls13_tickets_per_key(mut self, n: usize) -> Self {
        self.tickets_per_key = n.max(1);
        self
    }

    /// Bounds the memory the sessions hold ([`StoredSession::memory_size`]), in bytes.
    pub fn with_max_bytes(mut self, max_bytes: usize) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// Keeps no session whose server chain is larger than `max` bytes.
    pub fn with_max_peer_chain_bytes(mut self, max: usize) -> Self {
        self.max_peer_chain_bytes = max;
        self
    }

    /// Sessions held now (TLS 1.2 sessions and TLS 1.3 tickets).
    pub fn len(&self) -> usize {
        self.inner.lock().map_or(0, |g| {
            g.slots
                .values()
                .map(|s| usize::from(s.tls12.is_some()) + s.tls13.len())
                .sum()
        })
    }

    /// True when no session is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes the held sessions account for ([`StoredSession::memory_size`]).
    pub fn memory_size(&self) -> usize {
        self.inner.lock().map_or(0, |g| g.bytes)
    }

    /// Runs `change` on the slot of `key` (made if absent) and keeps the accounting and the
    /// bounds: an emptied slot goes, a written one becomes the newest.
    fn change(&self, key: &SessionKey, written: bool, change: impl FnOnce(&mut Slot)) {
        let Ok(mut g) = self.inner.lock() else {
            return;
        };
        let g = &mut *g;
        let slot = g.slots.entry(key.clone()).or_default();
        let before = slot.bytes();
        change(slot);
        let after = slot.bytes();
        let empty = slot.tls12.is_none() && slot.tls13.is_empty();
        let old_seq = slot.seq;
        g.bytes = g.bytes.saturating_sub(before) + after;
        g.order.remove(&old_seq);
        if empty {
            g.slots.remove(key);
            return;
        }
        let seq = if written {
            g.next_seq += 1;
            g.next_seq
        } else {
            old_seq
        };
        if let Some(slot) = g.slots.get_mut(key) {
            slot.seq = seq;
        }
        g.order.insert(seq, key.clone());
        while g.slots.len() > self.capacity || g.bytes > self.max_bytes {
            let Some((_, oldest)) = g.order.pop_first() else {
                break;
            };
            if let Some(gone) = g.slots.remove(&oldest) {
                g.bytes = g.bytes.saturating_sub(gone.bytes());
            }
        }
    }
}

impl ClientSessionStore for InMemoryClientSessionStore {
    fn put(&self, key: &SessionKey, session: Arc<StoredSession>) {
        let keep = session.peer_chain_len() <= self.max_peer_chain_bytes
            && session.memory_size() <= self.max_bytes;
        let now = session.created;
        let (lifetime, per_key) = (self.lifetime_secs, self.tickets_per_key);
        self.change(key, true, |slot| {
            if session.tls13().is_some() {
                if keep {
                    slot.tls13.push_back(session);
                }
                while slot.tls13.len() > per_key {
                    slot.tls13.pop_front();
                }
            } else {
                // A new TLS 1.2 session replaces the old one, kept or not.
                slot.tls12 = keep.then_some(session);
            }
            // Drop what expired meanwhile.
            slot.tls13
                .retain(|s| s.tls13().is_some_and(|t| !t.expired_at(now)));
            if slot
                .tls12
                .as_ref()
                .is_some_and(|s| s.expired_at(now, lifetime))
            {
                slot.tls12 = None;
            }
        });
    }

    fn take_tls13(&self, key: &SessionKey, now: u64) -> Option<Arc<StoredSession>> {
        let mut taken = None;
        self.change(key, false, |slot| {
            while let Some(s) = slot.tls13.pop_back() {
                if s.tls13().is_some_and(|t| !t.expired_at(now)) {
                    taken = Some(s);
                    break;
                }
            }
        });
        taken
    }

    fn get_tls12(&self, key: &SessionKey, now: u64) -> Option<Arc<StoredSession>> {
        let mut found = None;
        let lifetime = self.lifetime_secs;
        self.change(key, false, |slot| {
            if slot
                .tls12
                .as_ref()
                .is_some_and(|s| s.expired_at(now, lifetime))
            {
                slot.tls12 = None;
            }
            found = slot.tls12.clone();
        });
        found
    }

    fn forget_tls12(&self, key: &SessionKey, session_id: &[u8]) {
        self.change(key, false, |slot| {
            if slot
                .tls12
                .as_ref()
                .is_some_and(|s| s.session_id == session_id)
            {
                slot.tls12 = None;
            }
        });
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::certs::CertificateDer;
    use crate::session::Tls13Session;
    use mtls_prf::MasterSecret;
    use mtls_wire::CipherSuite;

    fn key(name: &str, who: u8) -> SessionKey {
        SessionKey::new(name, [who; 32])
    }

    fn tls12(id: u8, created: u64) -> Arc<StoredSession> {
        tls12_with(id, created, vec![])
    }

    fn tls12_with(id: u8, created: u64, chain: Vec<CertificateDer<'static>>) -> Arc<StoredSession> {
        Arc::new(StoredSession::new(
            vec![id; 32],
            CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            &MasterSecret::from_bytes([id; 48]),
            true,
            chain,
            None,
            created,
        ))
    }

    fn ticket(id: u8, issued: u64, lifetime: u32) -> Arc<StoredSession> {
        Arc::new(
            StoredSession::new13(
                CipherSuite::from(0x1301),
                vec![],
                None,
                issued,
                Tls13Session::new(&[id; 32], issued, lifetime, 0, None),
            )
            .with_ticket(vec![id; 8]),
        )
    }

    #[test]
    fn tls13_tickets_are_handed_out_once_newest_first() {
        let store = InMemoryClientSessionStore::new(8, 100);
        let k = key("a", 1);
        for id in 1..=3 {
            store.put(&k, ticket(id, 10, 100));
        }
        let taken: Vec<u8> = std::iter::from_fn(|| store.take_tls13(&k, 20))
            .map(|s| s.ticket().unwrap()[0])
            .collect();
        assert_eq!(taken, [3, 2, 1]);
        assert!(store.is_empty());
        assert_eq!(store.memory_size(), 0);
    }

    #[test]
    fn a_key_keeps_a_bounded_number_of_tickets_and_drops_expired_ones() {
        let store = InMemoryClientSessionStore::new(8, 100).with_tls13_tickets_per_key(2);
        let k = key("a", 1);
        for id in 1..=4 {
            store.put(&k, ticket(id, 10, 100));
        }
        assert_eq!(store.len(), 2);
        assert_eq!(store.take_tls13(&k, 20).unwrap().ticket().unwrap()[0], 4);
        store.put(&k, ticket(5, 10, 5));
        assert!(
            store.take_tls13(&k, 16).map(|s| s.ticket().unwrap()[0]) == Some(3),
            "ticket 5 expired at 15 and is skipped"
        );
        assert!(store.is_empty());
    }

    #[test]
    fn identities_and_names_never_share_sessions() {
        let store = InMemoryClientSessionStore::new(8, 100);
        store.put(&key("a", 1), ticket(1, 10, 100));
        store.put(&key("a", 1), tls12(1, 10));
        assert!(store.take_tls13(&key("a", 2), 20).is_none());
        assert!(store.get_tls12(&key("a", 2), 20).is_none());
        assert!(store.take_tls13(&key("b", 1), 20).is_none());
        assert!(store.get_tls12(&key("a", 1), 20).is_some());
        assert!(store.take_tls13(&key("a", 1), 20).is_some());
    }

    #[test]
    fn tls12_sessions_stay_until_forgotten_by_their_own_id() {
        let store = InMemoryClientSessionStore::new(8, 100);
        let k = key("a", 1);
        store.put(&k, tls12(1, 10));
        assert!(store.get_tls12(&k, 20).is_some());
        assert!(store.get_tls12(&k, 20).is_some(), "reusable");
        store.put(&k, tls12(2, 11));
        store.forget_tls12(&k, &[1; 32]);
        assert_eq!(store.get_tls12(&k, 20).unwrap().session_id, vec![2; 32]);
        store.forget_tls12(&k, &[2; 32]);
        assert!(store.get_tls12(&k, 20).is_none());
        store.put(&k, tls12(3, 10));
        assert!(store.get_tls12(&k, 110).is_none(), "expired");
        assert!(store.is_empty());
    }

    #[test]
    fn the_least_recently_written_key_goes_first_and_the_bytes_add_up() {
        let store = InMemoryClientSessionStore::new(2, 100);
        store.put(&key("a", 1), tls12(1, 10));
        store.put(&key("b", 1), tls12(2, 10));
        store.put(&key("a", 1), ticket(3, 10, 100));
        store.put(&key("c", 1), tls12(4, 10));
        assert!(store.get_tls12(&key("b", 1), 20).is_none(), "b was oldest");
        assert!(store.get_tls12(&key("a", 1), 20).is_some());
        assert_eq!(
            store.memory_size(),
            tls12(0, 0).memory_size() * 2 + ticket(0, 0, 1).memory_size()
        );
        for round in 0..500u32 {
            let k = key(&format!("n{}", round % 7), 1);
            store.put(&k, ticket((round % 200) as u8, 10, 100));
            if round % 3 == 0 {
                store.take_tls13(&k, 20);
            }
        }
        for n in 0..7 {
            while store.take_tls13(&key(&format!("n{n}"), 1), 20).is_some() {}
        }
        for k in [key("a", 1), key("c", 1)] {
            store.take_tls13(&k, 20);
            store.forget_tls12(&k, &[1; 32]);
            store.forget_tls12(&k, &[4; 32]);
        }
        assert!(store.is_empty());
        assert_eq!(store.memory_size(), 0);
    }

    #[test]
    fn a_server_chain_over_the_cap_is_not_kept_but_still_replaces() {
        let store = InMemoryClientSessionStore::new(8, 100);
        let k = key("a", 1);
        store.put(&k, tls12(1, 10));
        store.put(
            &k,
            tls12_with(2, 10, vec![CertificateDer::from(vec![0; 20_000])]),
        );
        assert!(store.get_tls12(&k, 20).is_none());
        assert_eq!(store.memory_size(), 0);
    }
}
