//! Sessions for resumption by session id (RFC 5246 7.3, F.1.4): what is stored, and the
//! bounded in-memory caches behind the traits.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, Weak};

use mtls_prf::{MASTER_SECRET_LEN, MasterSecret};
use mtls_wire::CipherSuite;
use zeroize::Zeroizing;

use crate::certs::{CertificateDer, ClientCertVerifier, PeerIdentity};

/// What resumption needs of a finished handshake (RFC 5246 7.4.1.2, F.1.4; RFC 7627 5.3).
/// ALPN is not kept: it is a property of the connection, negotiated afresh on every handshake
/// (RFC 7301 3.1).
pub struct StoredSession {
    /// The session id the server assigned.
    pub session_id: Vec<u8>,
    /// The negotiated suite; a resumption must use it again.
    pub suite: CipherSuite,
    master_secret: Zeroizing<[u8; MASTER_SECRET_LEN]>,
    /// Whether the session's master secret is an extended one (RFC 7627 5.3).
    pub extended_master_secret: bool,
    /// The peer's verified chain (the client identity carries over on the server side).
    pub peer_certificates: Vec<CertificateDer<'static>>,
    /// The SNI name of the original handshake: a session is resumed only for the same name
    /// (RFC 6066 3).
    pub server_name: Option<String>,
    /// When the session was made, in seconds since the Unix epoch.
    pub created: u64,
    /// Which verifier vouched for the client chain, and until when; `None`: re-verify on
    /// resumption.
    client_verified: Option<Vouch>,
    /// At a client: the server's ticket for this session (RFC 5077), offered on resumption.
    ticket: Option<Vec<u8>>,
    /// The peer's identity as read from its leaf when the session was made, so that a
    /// resumption does not parse the certificate again.
    peer_identity: Option<PeerIdentity>,
    /// A TLS 1.3 session (a ticket's PSK, RFC 8446 4.6.1); `None`: TLS 1.2.
    tls13: Option<Box<Tls13Session>>,
    /// At a client: the identity of the configuration that made the session; `None`: never
    /// offered.
    made_by: Option<MadeBy>,
}

/// The client identity a session is bound to: the certificates the client could present
/// and the policy that accepted the server.
pub(crate) enum MadeBy {
    /// Their digest ([`ClientConfig::session_key`](crate::ClientConfig::session_key)), the
    /// same in every configuration alike: a reloaded or restarted client resumes.
    Digest([u8; 32]),
    /// These objects (a resolver or verifier that names no digest). `Weak`s keep the
    /// allocations (not the objects), so another configuration can never get these
    /// addresses.
    Objects {
        resolver: Option<Weak<dyn crate::certs::ResolvesClientCert>>,
        verifier: Weak<dyn crate::certs::ServerCertVerifier>,
    },
}

/// What a TLS 1.3 session holds beyond what both versions share (RFC 8446 4.6.1): the PSK
/// its ticket stands for and the ticket's parameters. A TLS 1.3 session never resumes a TLS
/// 1.2 handshake, nor the other way round.
pub struct Tls13Session {
    psk: Zeroizing<Vec<u8>>,
    /// When the ticket was issued (server) or received (client), in seconds since the Unix
    /// epoch: its age counts from here (RFC 8446 4.2.11.1).
    pub issued: u64,
    /// The ticket's lifetime in seconds from `issued` (at most 7 days, RFC 8446 4.6.1).
    pub lifetime: u32,
    /// The ticket_age_add of the ticket, which obfuscates its age (RFC 8446 4.6.1).
    pub age_add: u32,
    /// The ALPN protocol of the connection that issued the ticket (TLS 1.3 renegotiates it
    /// on every handshake; it would bind only 0-RTT, which this stack never does).
    pub alpn: Option<Vec<u8>>,
}

impl Tls13Session {
    /// A TLS 1.3 session's ticket parameters and its PSK (as long as the suite's hash).
    pub fn new(
        psk: &[u8],
        issued: u64,
        lifetime: u32,
        age_add: u32,
        alpn: Option<Vec<u8>>,
    ) -> Self {
        Self {
            psk: Zeroizing::new(psk.to_vec()),
            issued,
            lifetime,
            age_add,
            alpn,
        }
    }

    /// The PSK (RFC 8446 4.6.1: `HKDF-Expand-Label(resumption_master_secret, "resumption",
    /// ticket_nonce, Hash.length)`).
    pub fn psk(&self) -> &[u8] {
        &self.psk
    }

    /// True when the ticket is past its lifetime at `now` (or issued in the future).
    pub fn expired_at(&self, now: u64) -> bool {
        now < self.issued || now - self.issued >= u64::from(self.lifetime)
    }
}

/// A verifier's word on a client chain: true until `until`, from the verifier `by`.
///
/// `by` is a `Weak`: it keeps the verifier's allocation (not its roots or CRLs) alive, so
/// its address can never be handed to another verifier while the session exists, and
/// comparing addresses is comparing identities. A bare address could be reused by the
/// verifier of a reloaded configuration, which would then vouch for a chain it never saw.
struct Vouch {
    until: u64,
    by: Voucher,
}

/// Who vouched.
enum Voucher {
    /// That verifier object, in this process (a cached session).
    Object(Weak<dyn ClientCertVerifier>),
    /// Any verifier whose [`ClientCertVerifier::policy_digest`] is this (a session from a
    /// ticket, which may be resumed by another process).
    Policy([u8; 32]),
}

impl StoredSession {
    /// A session record.
    pub fn new(
        session_id: Vec<u8>,
        suite: CipherSuite,
        master_secret: &MasterSecret,
        extended_master_secret: bool,
        peer_certificates: Vec<CertificateDer<'static>>,
        server_name: Option<String>,
        created: u64,
    ) -> Self {
        Self {
            session_id,
            suite,
            master_secret: Zeroizing::new(*master_secret.as_bytes()),
            extended_master_secret,
            peer_certificates,
            server_name,
            created,
            client_verified: None,
            ticket: None,
            peer_identity: None,
            tls13: None,
            made_by: None,
        }
    }

    /// A TLS 1.3 session of `suite` made at `created` (the handshake that authenticated the
    /// peer: a resumption does not extend it), with its ticket's PSK and parameters.
    pub fn new13(
        suite: CipherSuite,
        peer_certificates: Vec<CertificateDer<'static>>,
        server_name: Option<String>,
        created: u64,
        tls13: Tls13Session,
    ) -> Self {
        let mut session = Self::new(
            Vec::new(),
            suite,
            &MasterSecret::from_bytes([0; MASTER_SECRET_LEN]),
            true,
            peer_certificates,
            server_name,
            created,
        );
        session.tls13 = Some(Box::new(tls13));
        session
    }

    /// The TLS 1.3 part of the session; `None` for a TLS 1.2 session.
    pub fn tls13(&self) -> Option<&Tls13Session> {
        self.tls13.as_deref()
    }

    /// Binds a client's session to the identity of the configuration that made it: only a
    /// configuration with the same identity offers it again (the same certificates and
    /// server policy by digest, or the same resolver and verifier objects when they name no
    /// digest), so that a store shared by two client identities never lends one's session to
    /// the other (the server would see the session's identity, not the connecting client's).
    pub fn made_by(mut self, config: &crate::config::ClientConfig) -> Self {
        self.made_by = Some(config.made_by());
        self
    }

    /// True when `config` may offer this session: it has the identity that made it. A
    /// session that was never bound (made outside a handshake) is offered by none.
    pub fn offerable_by(&self, config: &crate::config::ClientConfig) -> bool {
        match &self.made_by {
            Some(MadeBy::Digest(d)) => config.session_identity() == Some(*d),
            Some(MadeBy::Objects { resolver, verifier }) => {
                let same_resolver = match (resolver, &config.cert_resolver) {
                    (None, None) => true,
                    (Some(w), Some(r)) => std::ptr::addr_eq(w.as_ptr(), Arc::as_ptr(r)),
                    _ => false,
                };
                same_resolver && std::ptr::addr_eq(verifier.as_ptr(), Arc::as_ptr(&config.verifier))
            }
            None => false,
        }
    }

    /// The client identity digest the session is bound to, if it is bound by digest
    /// ([`ClientConfig::session_identity`](crate::ClientConfig::session_identity)).
    pub fn bound_to(&self) -> Option<[u8; 32]> {
        match self.made_by {
            Some(MadeBy::Digest(d)) => Some(d),
            _ => None,
        }
    }

    /// Binds the session to the client identity digest `digest`, as
    /// [`from_bytes`](Self::from_bytes) does: only a configuration whose
    /// [`session_identity`](crate::ClientConfig::session_identity) is `digest` offers it.
    pub fn bind_to(mut self, digest: [u8; 32]) -> Self {
        self.made_by = Some(MadeBy::Digest(digest));
        self
    }

    /// The same session with the peer's identity, as read from the leaf of
    /// `peer_certificates` when they were verified.
    pub fn with_peer_identity(mut self, identity: Option<PeerIdentity>) -> Self {
        self.peer_identity = identity;
        self
    }

    /// The identity kept with the session, without reading the leaf.
    pub(crate) fn kept_peer_identity(&self) -> Option<&PeerIdentity> {
        self.peer_identity.as_ref()
    }

    /// The peer's identity: as kept with the session, else read from its leaf (a session
    /// from a ticket or from bytes); `None` when there is no leaf or it does not parse.
    pub fn peer_identity(&self) -> Option<PeerIdentity> {
        self.peer_identity.clone().or_else(|| {
            self.peer_certificates
                .first()
                .and_then(|leaf| PeerIdentity::from_leaf(leaf).ok())
        })
    }

    /// The same session with the server's `ticket` to offer (at a client).
    pub fn with_ticket(mut self, ticket: Vec<u8>) -> Self {
        self.ticket = Some(ticket);
        self
    }

    /// The server's ticket for this session, if it gave one (at a client).
    pub fn ticket(&self) -> Option<&[u8]> {
        self.ticket.as_deref()
    }

    /// A copy of the master secret, to resume with.
    pub fn master_secret(&self) -> MasterSecret {
        MasterSecret::from_bytes(*self.master_secret)
    }

    /// Records that `verifier` judged the peer chain valid until `until` (see
    /// [`ClientCertVerifier::verified_until`]).
    pub fn set_verified_by(&mut self, verifier: &Arc<dyn ClientCertVerifier>, until: u64) {
        self.client_verified = Some(Vouch {
            until,
            by: Voucher::Object(Arc::downgrade(verifier)),
        });
    }

    /// Records that a verifier with policy digest `digest` judged the peer chain valid until
    /// `until` (what a session ticket carries).
    pub fn set_verified_by_policy(&mut self, digest: [u8; 32], until: u64) {
        self.client_verified = Some(Vouch {
            until,
            by: Voucher::Policy(digest),
        });
    }

    /// The policy digest and time of [`set_verified_by_policy`](Self::set_verified_by_policy).
    pub fn verified_by_policy(&self) -> Option<([u8; 32], u64)> {
        match &self.client_verified {
            Some(Vouch {
                until,
                by: Voucher::Policy(d),
            }) => Some((*d, *until)),
            _ => None,
        }
    }

    /// True when `verifier` itself (the same object, not an equal one), or for a ticket's
    /// session a verifier with the same policy digest, vouched for the peer chain until a
    /// time after `now`: its verdict cannot have changed.
    pub fn is_vouched_for_by(&self, verifier: &Arc<dyn ClientCertVerifier>, now: u64) -> bool {
        self.client_verified.as_ref().is_some_and(|v| {
            now < v.until
                && match &v.by {
                    Voucher::Object(w) => {
                        w.as_ptr().cast::<()>() == Arc::as_ptr(verifier).cast::<()>()
                    }
                    Voucher::Policy(d) => verifier.policy_digest() == Some(*d),
                }
        })
    }

    /// The peer chain's size in bytes.
    pub fn peer_chain_len(&self) -> usize {
        self.peer_certificates.iter().map(|c| c.len()).sum()
    }

    /// What the session holds in memory, roughly: the record, its id, names and chain.
    pub fn memory_size(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.session_id.len()
            + self.peer_chain_len()
            + self.peer_certificates.len() * std::mem::size_of::<CertificateDer<'static>>()
            + self.server_name.as_ref().map_or(0, String::len)
            + self.ticket.as_ref().map_or(0, Vec::len)
            + self.peer_identity.as_ref().map_or(0, identity_size)
            + self.tls13.as_ref().map_or(0, |t| {
                std::mem::size_of::<Tls13Session>()
                    + t.psk.len()
                    + t.alpn.as_ref().map_or(0, Vec::len)
            })
    }

    pub(crate) fn expired_at(&self, now: u64, lifetime_secs: u64) -> bool {
        now < self.created || now - self.created >= lifetime_secs
    }
}

/// Roughly what an identity holds on the heap.
fn identity_size(id: &PeerIdentity) -> usize {
    let strings = |v: &[String]| v.iter().map(|s| s.len() + 24).sum::<usize>();
    id.subject().len()
        + strings(id.dns_names())
        + strings(id.uris())
        + std::mem::size_of_val(id.ip_addresses())
}

impl fmt::Debug for StoredSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredSession")
            .field("suite", &self.suite)
            .field("extended_master_secret", &self.extended_master_secret)
            .field("server_name", &self.server_name)
            .field("created", &self.created)
            .finish_non_exhaustive()
    }
}

/// The server's session cache, keyed by session id. Implementations must be thread-safe:
/// one cache serves every connection of a server.
pub trait ServerSessionCache: Send + Sync {
    /// Stores a session under its id.
    fn put(&self, session: Arc<StoredSession>);
    /// The session stored under `id` if it has not expired at `now`.
    fn get(&self, id: &[u8], now: u64) -> Option<Arc<StoredSession>>;
    /// Forgets a session (e.g. after a fatal alert on a connection that used it).
    fn remove(&self, id: &[u8]);
}

/// Default byte budget of an [`InMemorySessionCache`]: 8 MiB of sessions.
pub const DEFAULT_SESSION_CACHE_BYTES: usize = 8 * 1024 * 1024;

/// Default cap on the peer chain a cached session may hold: 16 KiB. A session whose peer sent
/// a larger chain still works; it is just not kept for resumption.
pub const DEFAULT_MAX_PEER_CHAIN_BYTES: usize = 16 * 1024;

struct Entry {
    session: Arc<StoredSession>,
    /// Insertion order: the key of this entry in `Bounded::order`.
    seq: u64,
    bytes: usize,
}

/// A map with insertion order on the side: eviction of the oldest, removal of any, both in
/// O(log n).
struct Bounded<K> {
    map: HashMap<K, Entry>,
    order: BTreeMap<u64, K>,
    next_seq: u64,
    bytes: usize,
}

impl<K: std::hash::Hash + Eq + Clone> Bounded<K> {
    fn remove<Q>(&mut self, key: &Q)
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        if let Some(e) = self.map.remove(key) {
            self.order.remove(&e.seq);
            self.bytes = self.bytes.saturating_sub(e.bytes);
        }
    }

    fn pop_oldest(&mut self) -> Option<Arc<StoredSession>> {
        let (_, key) = self.order.pop_first()?;
        let e = self.map.remove(&key)?;
        self.bytes = self.bytes.saturating_sub(e.bytes);
        Some(e.session)
    }

    fn oldest(&self) -> Option<&StoredSession> {
        let (_, key) = self.order.first_key_value()?;
        self.map.get(key).map(|e| &*e.session)
    }
}

/// In-memory, bounded, thread-safe cache: at most `capacity` sessions and
/// [`DEFAULT_SESSION_CACHE_BYTES`] (see [`with_max_bytes`](Self::with_max_bytes)), each valid
/// for `lifetime_secs`; the oldest entry goes first when full, and expired entries are purged
/// as new ones arrive. Sessions whose peer chain exceeds [`DEFAULT_MAX_PEER_CHAIN_BYTES`] are
/// not kept (see [`with_max_peer_chain_bytes`](Self::with_max_peer_chain_bytes)).
pub struct InMemorySessionCache<K = Vec<u8>> {
    inner: Mutex<Bounded<K>>,
    capacity: usize,
    lifetime_secs: u64,
    max_bytes: usize,
    max_peer_chain_bytes: usize,
}

impl<K: std::hash::Hash + Eq + Clone> InMemorySessionCache<K> {
    /// A cache of at most `capacity` sessions that live `lifetime_secs` seconds.
    pub fn new(capacity: usize, lifetime_secs: u64) -> Self {
        Self {
            inner: Mutex::new(Bounded {
                map: HashMap::new(),
                order: BTreeMap::new(),
                next_seq: 0,
                bytes: 0,
            }),
            capacity: capacity.max(1),
            lifetime_secs,
            max_bytes: DEFAULT_SESSION_CACHE_BYTES,
            max_peer_chain_bytes: DEFAULT_MAX_PEER_CHAIN_BYTES,
        }
    }

    /// Bounds the memory the sessions hold ([`StoredSession::memory_size`]), in bytes.
    pub fn with_max_bytes(mut self, max_bytes: usize) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// Keeps no session whose peer chain is larger than `max` bytes.
    pub fn with_max_peer_chain_bytes(mut self, max: usize) -> Self {
        self.max_peer_chain_bytes = max;
        self
    }

    /// Sessions held now.
    pub fn len(&self) -> usize {
        self.inner.lock().map(|g| g.map.len()).unwrap_or(0)
    }

    /// True when no session is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes the held sessions account for ([`StoredSession::memory_size`]).
    pub fn memory_size(&self) -> usize {
        self.inner.lock().map(|g| g.bytes).unwrap_or(0)
    }

    fn put_key(&self, key: K, session: Arc<StoredSession>) {
        let Ok(mut g) = self.inner.lock() else {
            return;
        };
        // A new session replaces the old one under its key, kept or not.
        g.remove(&key);
        // Sessions arrive in about the order they were made: purge expired ones from the
        // oldest end, at the time of the newcomer (amortized O(1) per session).
        let now = session.created;
        while g
            .oldest()
            .is_some_and(|s| s.expired_at(now, self.lifetime_secs))
        {
            g.pop_oldest();
        }
        let bytes = session.memory_size();
        if session.peer_chain_len() > self.max_peer_chain_bytes || bytes > self.max_bytes {
            return;
        }
        let seq = g.next_seq;
        g.next_seq += 1;
        g.order.insert(seq, key.clone());
        g.map.insert(
            key,
            Entry {
                session,
                seq,
                bytes,
            },
        );
        g.bytes += bytes;
        while g.map.len() > self.capacity || g.bytes > self.max_bytes {
            if g.pop_oldest().is_none() {
                break;
            }
        }
    }

    fn get_key<Q>(&self, key: &Q, now: u64) -> Option<Arc<StoredSession>>
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        let mut g = self.inner.lock().ok()?;
        let s = &g.map.get(key)?.session;
        if s.expired_at(now, self.lifetime_secs) {
            g.remove(key);
            return None;
        }
        Some(Arc::clone(s))
    }

    fn remove_key<Q>(&self, key: &Q)
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        if let Ok(mut g) = self.inner.lock() {
            g.remove(key);
        }
    }
}

impl ServerSessionCache for InMemorySessionCache<Vec<u8>> {
    fn put(&self, session: Arc<StoredSession>) {
        self.put_key(session.session_id.clone(), session);
    }
    fn get(&self, id: &[u8], now: u64) -> Option<Arc<StoredSession>> {
        self.get_key(id, now)
    }
    fn remove(&self, id: &[u8]) {
        self.remove_key(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session_with(
        id: u8,
        created: u64,
        chain: Vec<CertificateDer<'static>>,
    ) -> Arc<StoredSession> {
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

    fn session(id: u8, created: u64) -> Arc<StoredSession> {
        session_with(id, created, vec![])
    }

    #[test]
    fn bounded_oldest_first_and_expiring() {
        let cache = InMemorySessionCache::<Vec<u8>>::new(2, 100);
        cache.put(session(1, 10));
        cache.put(session(2, 10));
        cache.put(session(3, 10));
        assert_eq!(cache.len(), 2);
        assert!(cache.get(&[1; 32], 20).is_none(), "oldest evicted");
        assert!(cache.get(&[3; 32], 20).is_some());
        assert!(cache.get(&[3; 32], 110).is_none(), "expired");
        cache.remove(&[3; 32]);
        assert!(cache.get(&[3; 32], 20).is_none());
        assert_eq!(
            cache.get(&[2; 32], 20).unwrap().master_secret().as_bytes(),
            &[2; 48]
        );
    }

    #[test]
    fn expired_sessions_are_purged_not_just_hidden() {
        let cache = InMemorySessionCache::<Vec<u8>>::new(100, 100);
        for id in 0..10 {
            cache.put(session(id, 10));
        }
        // A session made after the others expired clears them out.
        cache.put(session(50, 200));
        assert_eq!(cache.len(), 1);
        assert_eq!(cache.memory_size(), session(50, 200).memory_size());
        // An expired session looked up is dropped too.
        assert!(cache.get(&[50; 32], 300).is_none());
        assert!(cache.is_empty());
        assert_eq!(cache.memory_size(), 0);
    }

    #[test]
    fn the_byte_budget_evicts_the_oldest() {
        let chain = vec![CertificateDer::from(vec![0; 3000])];
        let one = session_with(0, 10, chain.clone()).memory_size();
        let cache = InMemorySessionCache::<Vec<u8>>::new(100, 100).with_max_bytes(2 * one + 10);
        for id in 1..=5 {
            cache.put(session_with(id, 10, chain.clone()));
            assert!(cache.memory_size() <= 2 * one + 10);
        }
        assert_eq!(cache.len(), 2);
        assert!(cache.get(&[4; 32], 20).is_some() && cache.get(&[5; 32], 20).is_some());
        assert!(cache.get(&[3; 32], 20).is_none());
    }

    #[test]
    fn a_peer_chain_over_the_cap_is_not_kept() {
        let big = vec![
            CertificateDer::from(vec![0; 10_000]),
            CertificateDer::from(vec![0; 10_000]),
        ];
        let cache = InMemorySessionCache::<Vec<u8>>::new(8, 100);
        cache.put(session_with(1, 10, big.clone()));
        assert!(
            cache.is_empty(),
            "a 20 KB chain is over the default 16 KiB cap"
        );
        let cache = cache.with_max_peer_chain_bytes(20_000);
        cache.put(session_with(1, 10, big));
        assert_eq!(cache.len(), 1);
        // A session too big to keep still replaces the one under its key.
        let cache = InMemorySessionCache::<Vec<u8>>::new(8, 100);
        cache.put(session(1, 10));
        cache.put(session_with(
            1,
            10,
            vec![CertificateDer::from(vec![0; 20_000])],
        ));
        assert!(cache.get(&[1; 32], 20).is_none());
        assert_eq!(cache.memory_size(), 0);
    }

    #[test]
    fn removal_and_replacement_keep_order_and_accounting() {
        let cache = InMemorySessionCache::<Vec<u8>>::new(3, 100);
        for id in 1..=3 {
            cache.put(session(id, 10));
        }
        cache.remove(&[2; 32]);
        cache.put(session(4, 10));
        // Replacing 1 makes it the newest: 3 is now the oldest.
        cache.put(session(1, 11));
        cache.put(session(5, 11));
        assert_eq!(cache.len(), 3);
        assert!(cache.get(&[3; 32], 20).is_none());
        for id in [1, 4, 5] {
            assert!(cache.get(&[id; 32], 20).is_some(), "{id}");
        }
        assert_eq!(cache.memory_size(), 3 * session(0, 0).memory_size());
        // Many puts and removals: the accounting ends where it started.
        for round in 0..2000u32 {
            let id = (round % 251) as u8;
            cache.put(session(id, 20));
            if round % 3 == 0 {
                cache.remove(&[id; 32]);
            }
        }
        for id in 0..=255u8 {
            cache.remove(&[id; 32]);
        }
        assert!(cache.is_empty());
        assert_eq!(cache.memory_size(), 0);
    }
}
