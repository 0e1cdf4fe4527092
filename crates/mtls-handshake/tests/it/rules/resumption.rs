//! What may be resumed, and what a resumption negotiates again: the extended master secret
//! (RFC 7627 5.3), the cipher suite (RFC 5246 7.4.1.2) and ALPN (RFC 7301 3.1).

use std::sync::Arc;

use mtls_handshake::sequence::Kind;
use mtls_handshake::{
    ClientAuthPolicy, ClientConfig, InMemoryClientSessionStore, InMemorySessionCache, ServerConfig,
};
use mtls_wire::{AlertDescription, ExtensionType};

use crate::common::*;

/// A client and a server that keep sessions, with client authentication.
fn resumable() -> (ClientConfig, ServerConfig) {
    let mut sc = server_config("server-ecdsa");
    sc.client_auth = ClientAuthPolicy::Required;
    sc.client_verifier = Some(Arc::new(TestClientVerifier::accepting()));
    sc.session_cache = Some(Arc::new(InMemorySessionCache::new(8, 3600)));
    let mut cc = client_config();
    cc.cert_resolver = Some(Arc::new(certified("client-ecdsa")));
    cc.session_store = Some(Arc::new(InMemoryClientSessionStore::new(8, 3600)));
    (cc, sc)
}

/// Runs a full handshake that leaves a session on both sides.
fn first_session(cc: &Arc<ClientConfig>, sc: &Arc<ServerConfig>, seed: u8) -> Pair {
    let mut p = Pair::build(cc.clone(), sc.clone(), seed, Some("localhost"), None, None);
    p.run();
    p.assert_ok();
    assert!(!p.server.summary().unwrap().resumed);
    p
}

#[test]
fn rfc7627_5_3_session_with_ems_resumed_by_a_client_hello_without_ems_is_handshake_failure() {
    let (cc, mut sc) = resumable();
    sc.require_ems = false;
    let (cc, sc) = (Arc::new(cc), Arc::new(sc));
    let first = first_session(&cc, &sc, 40);
    assert!(first.server.summary().unwrap().extended_master_secret);
    // "If the original session used the extension but the new ClientHello does not contain
    // it, the server MUST abort the abbreviated handshake."
    let drop_ems = edit_client_hello(|ch| {
        ch.extensions
            .list
            .retain(|e| e.typ() != ExtensionType::ExtendedMasterSecret)
    });
    let mut second = Pair::build(cc, sc, 41, Some("localhost"), Some(drop_ems), None);
    second.run();
    second.assert_dead("server", AlertDescription::HandshakeFailure);
}

#[test]
fn rfc5246_7_4_1_2_resuming_client_hello_without_the_sessions_suite_is_illegal_parameter() {
    let (cc, sc) = resumable();
    let (cc, sc) = (Arc::new(cc), Arc::new(sc));
    let first = first_session(&cc, &sc, 42);
    let suite = first.server.summary().unwrap().suite.suite();
    // "the cipher_suites vector MUST include at least the cipher_suite from that session"
    let drop_suite = edit_client_hello(move |ch| ch.cipher_suites.retain(|s| *s != suite));
    let mut second = Pair::build(cc, sc, 43, Some("localhost"), Some(drop_suite), None);
    second.run();
    second.assert_dead("server", AlertDescription::IllegalParameter);
}

/// The first handshake agrees on h2; the resumption offers `offered` and must get `want`,
/// resumed, on both sides.
fn resume_with_alpn(offered: &[&[u8]], want: Option<&[u8]>, seed: u8) {
    let (mut cc, mut sc) = resumable();
    sc.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    cc.alpn_protocols = vec![b"h2".to_vec()];
    let store = cc.session_store.clone();
    // The same client identity (resolver and verifier objects) on both connections: a client
    // offers only the sessions its own configuration made.
    let (resolver, verifier) = (cc.cert_resolver.clone(), cc.verifier.clone());
    let sc = Arc::new(sc);
    let first = first_session(&Arc::new(cc), &sc, seed);
    assert_eq!(
        first.server.summary().unwrap().alpn.as_deref(),
        Some(&b"h2"[..])
    );

    let mut again = client_config();
    again.cert_resolver = resolver;
    again.verifier = verifier;
    again.session_store = store;
    again.alpn_protocols = offered.iter().map(|p| p.to_vec()).collect();
    let mut second = Pair::build(Arc::new(again), sc, seed + 1, Some("localhost"), None, None);
    second.run();
    second.assert_ok();
    for s in [
        second.server.summary().unwrap(),
        second.client.summary().unwrap(),
    ] {
        assert_eq!(s.kind, Kind::Resumed, "offered {offered:?}");
        assert_eq!(s.alpn.as_deref(), want, "offered {offered:?}");
    }
}

/// RFC 7301 3.1: ALPN establishes a property of the connection, not of the session; on
/// resumption "only the values in the new handshake messages are considered".
#[test]
fn rfc7301_3_1_alpn_is_negotiated_afresh_on_resumption() {
    resume_with_alpn(&[b"http/1.1"], Some(b"http/1.1"), 44);
}

#[test]
fn rfc7301_3_1_a_resumption_without_alpn_has_no_alpn() {
    resume_with_alpn(&[], None, 46);
}
