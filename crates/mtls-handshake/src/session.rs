//! Sessions for resumption by session id (RFC 5246 7.3, F.1.4): what is stored, and the
//! bounded in-memory caches behind the traits.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex};

use mtls_prf::{MASTER_SECRET_LEN, MasterSecret};
use mtls_wire::CipherSuite;
use zeroize::Zeroizing;

use crate::certs::CertificateDer;

/// What resumption needs of a finished handshake (RFC 5246 7.4.1.2, F.1.4; RFC 7627 5.3).
pub struct StoredSession {
    /// The session id the server assigned.
    pub session_id: Vec<u8>,
    /// The negotiated suite; a resumption must use it again.
    pub suite: CipherSuite,
    master_secret: Zeroizing<[u8; MASTER_SECRET_LEN]>,
    /// Whether the session's master secret is an extended one (RFC 7627 5.3).
    pub extended_master_secret: bool,
    /// The peer's verified chain (the client identity carries over on the server side).
    pub peer_certificates: Vec<CertificateDer>,
    /// The SNI name of the original handshake: a session is resumed only for the same name
    /// (RFC 6066 3).
    pub server_name: Option<String>,
    /// The ALPN protocol of the original handshake.
    pub alpn: Option<Vec<u8>>,
    /// When the session was made, in seconds since the Unix epoch.
    pub created: u64,
    /// Until when the client chain's verification stays true (see
    /// [`ClientCertVerifier::verified_until`](crate::ClientCertVerifier::verified_until)), and
    /// which verifier (by address) said so; `None`: re-verify on resumption.
    pub client_verified: Option<(u64, usize)>,
}

impl StoredSession {
    /// A session record.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        session_id: Vec<u8>,
        suite: CipherSuite,
        master_secret: &MasterSecret,
        extended_master_secret: bool,
        peer_certificates: Vec<CertificateDer>,
        server_name: Option<String>,
        alpn: Option<Vec<u8>>,
        created: u64,
    ) -> Self {
        Self {
            session_id,
            suite,
            master_secret: Zeroizing::new(*master_secret.as_bytes()),
            extended_master_secret,
            peer_certificates,
            server_name,
            alpn,
            created,
            client_verified: None,
        }
    }

    /// A copy of the master secret, to resume with.
    pub fn master_secret(&self) -> MasterSecret {
        MasterSecret::from_bytes(*self.master_secret)
    }
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

/// The client's session store, keyed by server name.
pub trait ClientSessionStore: Send + Sync {
    /// Stores the session for `server_name`.
    fn put(&self, server_name: &str, session: Arc<StoredSession>);
    /// The session for `server_name` if it has not expired at `now`.
    fn get(&self, server_name: &str, now: u64) -> Option<Arc<StoredSession>>;
    /// Forgets the session for `server_name`.
    fn remove(&self, server_name: &str);
}

/// A bounded map with expiry and oldest-first eviction.
struct Bounded<K> {
    map: HashMap<K, Arc<StoredSession>>,
    order: VecDeque<K>,
}

/// In-memory, bounded, thread-safe cache: at most `capacity` sessions, each valid for
/// `lifetime_secs`; the oldest entry goes first when full.
pub struct InMemorySessionCache<K = Vec<u8>> {
    inner: Mutex<Bounded<K>>,
    capacity: usize,
    lifetime_secs: u64,
}

/// The client side of [`InMemorySessionCache`], keyed by server name.
pub type InMemoryClientSessionStore = InMemorySessionCache<String>;

impl<K: std::hash::Hash + Eq + Clone> InMemorySessionCache<K> {
    /// A cache of at most `capacity` sessions that live `lifetime_secs` seconds.
    pub fn new(capacity: usize, lifetime_secs: u64) -> Self {
        Self {
            inner: Mutex::new(Bounded {
                map: HashMap::new(),
                order: VecDeque::new(),
            }),
            capacity: capacity.max(1),
            lifetime_secs,
        }
    }

    /// Sessions held now.
    pub fn len(&self) -> usize {
        self.inner.lock().map(|g| g.map.len()).unwrap_or(0)
    }

    /// True when no session is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn put_key(&self, key: K, session: Arc<StoredSession>) {
        let Ok(mut g) = self.inner.lock() else {
            return;
        };
        if g.map.insert(key.clone(), session).is_none() {
            g.order.push_back(key);
        }
        while g.map.len() > self.capacity {
            match g.order.pop_front() {
                Some(old) => {
                    g.map.remove(&old);
                }
                None => break,
            }
        }
    }

    fn get_key<Q>(&self, key: &Q, now: u64) -> Option<Arc<StoredSession>>
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        let g = self.inner.lock().ok()?;
        let s = g.map.get(key)?;
        (now.saturating_sub(s.created) < self.lifetime_secs && now >= s.created)
            .then(|| Arc::clone(s))
    }

    fn remove_key<Q>(&self, key: &Q)
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        if let Ok(mut g) = self.inner.lock() {
            g.map.remove(key);
            g.order.retain(|k| k.borrow() != key);
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

impl ClientSessionStore for InMemorySessionCache<String> {
    fn put(&self, server_name: &str, session: Arc<StoredSession>) {
        self.put_key(server_name.to_string(), session);
    }
    fn get(&self, server_name: &str, now: u64) -> Option<Arc<StoredSession>> {
        self.get_key(server_name, now)
    }
    fn remove(&self, server_name: &str) {
        self.remove_key(server_name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(id: u8, created: u64) -> Arc<StoredSession> {
        Arc::new(StoredSession::new(
            vec![id; 32],
            CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            &MasterSecret::from_bytes([id; 48]),
            true,
            vec![],
            None,
            None,
            created,
        ))
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
}
