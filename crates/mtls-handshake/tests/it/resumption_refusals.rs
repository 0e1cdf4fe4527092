//! Resumption refused (RFC 5246 7.4.1.2; RFC 6066 3): once the verifier refuses the stored
//! client chain, and for another SNI.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;

use crate::common::*;
use crate::pairs::*;
use mtls_handshake::sequence::Kind;
use mtls_handshake::{
    CertificateError, ClientAuthPolicy, ClientSessionStore, InMemoryClientSessionStore,
    InMemorySessionCache, SessionKey, StoredSession,
};
use mtls_wire::AlertDescription;

// ---- resumption refusals (RFC 5246 7.4.1.2; RFC 6066 3) ----

#[test]
fn resumption_is_refused_once_the_verifier_refuses_the_stored_client_chain() {
    let verifier = Arc::new(TestClientVerifier::accepting());
    let (mut cc, mut sc) = mutual(
        "server-ecdsa",
        Some("client-ecdsa"),
        ClientAuthPolicy::Required,
    );
    cc.session_store = Some(Arc::new(InMemoryClientSessionStore::new(8, 3600)));
    sc.session_cache = Some(Arc::new(InMemorySessionCache::new(8, 3600)));
    sc.client_verifier = Some(verifier.clone());
    let (cc, sc) = (Arc::new(cc), Arc::new(sc));

    let mut first = Pair::build(cc.clone(), sc.clone(), 24, Some("localhost"), None, None);
    first.run();
    first.assert_ok();
    let id = first.server.summary().unwrap().session_id.clone();

    // Still trusted: resumed.
    let mut again = Pair::build(cc.clone(), sc.clone(), 25, Some("localhost"), None, None);
    again.run();
    again.assert_ok();
    assert_eq!(again.server.summary().unwrap().kind, Kind::Resumed);

    // Revoked since: the session is not resumed, a full handshake follows and the
    // certificate is judged again (and refused).
    *verifier.verdict.lock().unwrap() = Err(CertificateError::Revoked);
    let mut later = Pair::build(cc, sc, 26, Some("localhost"), None, None);
    assert_eq!(client_hello_of(&later).session_id.as_slice(), &id[..]);
    later.run();
    let sh = server_hello_of(&later);
    assert_ne!(
        sh.session_id.as_slice(),
        &id[..],
        "resumed a revoked client"
    );
    assert!(later.s.sent_messages.len() > 2, "not a full handshake");
    later.assert_dead("server", AlertDescription::CertificateRevoked);
}

/// A client session store that ignores the name: offers the session kept for "localhost"
/// whatever server it connects to (to make the server judge the SNI).
struct AnyName(InMemoryClientSessionStore);

fn localhost(key: &SessionKey) -> SessionKey {
    SessionKey::new("localhost", *key.identity())
}

impl ClientSessionStore for AnyName {
    fn put(&self, key: &SessionKey, session: Arc<StoredSession>) {
        self.0.put(&localhost(key), session);
    }
    fn take_tls13(&self, key: &SessionKey, now: u64) -> Option<Arc<StoredSession>> {
        self.0.take_tls13(&localhost(key), now)
    }
    fn get_tls12(&self, key: &SessionKey, now: u64) -> Option<Arc<StoredSession>> {
        self.0.get_tls12(&localhost(key), now)
    }
    fn forget_tls12(&self, key: &SessionKey, session_id: &[u8]) {
        self.0.forget_tls12(&localhost(key), session_id);
    }
}

#[test]
fn rfc6066_3_resumption_with_a_different_sni_is_a_full_handshake() {
    let (mut cc, mut sc) = mutual(
        "server-ecdsa",
        Some("client-ecdsa"),
        ClientAuthPolicy::Required,
    );
    cc.session_store = Some(Arc::new(AnyName(InMemoryClientSessionStore::new(8, 3600))));
    sc.session_cache = Some(Arc::new(InMemorySessionCache::new(8, 3600)));
    let (cc, sc) = (Arc::new(cc), Arc::new(sc));

    let mut first = Pair::build(cc.clone(), sc.clone(), 27, Some("localhost"), None, None);
    first.run();
    first.assert_ok();
    let id = first.server.summary().unwrap().session_id.clone();

    let mut second = Pair::build(cc, sc, 28, Some("other.localhost"), None, None);
    assert_eq!(client_hello_of(&second).session_id.as_slice(), &id[..]);
    second.run();
    second.assert_ok();
    second.exchange_data();
    let s = second.server.summary().unwrap();
    assert_eq!(s.kind, Kind::FullEcdheClientCert);
    assert_ne!(s.session_id, id);
    assert_eq!(s.server_name.as_deref(), Some("other.localhost"));
    assert!(!second.client.summary().unwrap().resumed);
}
