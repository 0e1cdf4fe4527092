//! The client's session store as services use it (issue: resumption across servers): a
//! reloaded configuration resumes the sessions of the one before, sessions saved as bytes
//! resume after a restart in both versions, each TLS 1.3 ticket goes to one connection only
//! (RFC 8446 C.4) so that simultaneous connections all resume, and a session is never offered
//! by another client identity, however it got into the store.

use std::sync::Arc;

use mtls::pki::RootStore;
use mtls::{
    ClientConfig, ClientConnection, ClientSessionStore, HandshakeKind, InMemoryClientSessionStore,
    ProtocolVersion, ServerConfig, ServerConnection, StoredSession, TicketKey, TicketKeys,
};
use mtls_testkit::fixtures::CA;
use mtls_testkit::{chain, key, pump};

const BOTH: [ProtocolVersion; 2] = [ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_3];

fn roots() -> RootStore {
    let mut r = RootStore::new();
    r.add(&CA.to_vec().into()).unwrap();
    r
}

/// A stateless server (tickets only, no cache) of `version`, client certificates required.
fn server(version: ProtocolVersion) -> ServerConfig {
    ServerConfig::builder()
        .certificate(chain("server-ecdsa"), key("server-ecdsa"))
        .client_auth_required(roots())
        .session_cache(None)
        .ticketer(Arc::new(TicketKeys::new(
            TicketKey::new([4; 16], [5; 32]),
            None,
            86_400,
        )))
        .versions(&[version])
        .build()
        .unwrap()
}

/// A client presenting `who`'s certificate, built afresh on every call (as a reload does),
/// keeping sessions in `store`.
fn client(who: &str, store: &Arc<InMemoryClientSessionStore>) -> ClientConfig {
    ClientConfig::with_roots(roots())
        .client_certificate(chain(who), key(who))
        .session_store(Some(store.clone() as Arc<dyn ClientSessionStore>))
        .build()
        .unwrap()
}

fn store() -> Arc<InMemoryClientSessionStore> {
    Arc::new(InMemoryClientSessionStore::new(8, 3600))
}

/// One connection pumped to the end (tickets included): the kind, and the client's leaf as
/// the server saw it.
fn connect(client: &ClientConfig, server: &ServerConfig) -> (HandshakeKind, String) {
    let mut c = ClientConnection::new(client, "localhost").unwrap();
    let mut s = ServerConnection::new(server).unwrap();
    let (rc, rs) = pump(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    let who = s.peer_identity().unwrap().subject().to_string();
    (s.handshake_kind().unwrap(), who)
}

fn resumed(kind: HandshakeKind) -> bool {
    kind.is_resumption()
}

#[test]
fn a_reloaded_client_configuration_resumes_the_sessions_of_the_one_before() {
    for version in BOTH {
        let (server, store) = (server(version), store());
        let (first, _) = connect(&client("client-ecdsa", &store), &server);
        assert!(!resumed(first), "{version:?}");
        // The same files, loaded again into new objects.
        let reloaded = client("client-ecdsa", &store);
        let (kind, who) = connect(&reloaded, &server);
        assert!(resumed(kind), "{version:?}: {kind:?}");
        assert_eq!(who, "CN=test-client-ecdsa");
    }
}

#[test]
fn a_reload_with_another_certificate_or_other_roots_does_not_resume() {
    for version in BOTH {
        let (server, store) = (server(version), store());
        connect(&client("client-ecdsa", &store), &server);
        let (kind, who) = connect(&client("client-rsa", &store), &server);
        assert!(!resumed(kind), "{version:?}: another certificate resumed");
        assert_eq!(who, "CN=test-client-rsa");
        // The same certificate trusting other roots: another policy, another identity.
        let mut more = roots();
        more.add(&mtls_testkit::fixtures::CA_P384.to_vec().into())
            .unwrap();
        let other_roots = ClientConfig::with_roots(more)
            .client_certificate(chain("client-ecdsa"), key("client-ecdsa"))
            .session_store(Some(store.clone() as Arc<dyn ClientSessionStore>))
            .build()
            .unwrap();
        let (kind, _) = connect(&other_roots, &server);
        assert!(!resumed(kind), "{version:?}: other roots resumed");
    }
}

#[test]
fn sessions_saved_as_bytes_resume_after_a_restart_in_both_versions() {
    for version in BOTH {
        let (server, store) = (server(version), store());
        let before = client("client-ecdsa", &store);
        connect(&before, &server);
        let key = before.session_key("localhost");
        let kept = match version {
            ProtocolVersion::TLSv1_3 => store.take_tls13(&key, now()),
            _ => store.get_tls12(&key, now()),
        }
        .unwrap();
        let saved = kept.to_bytes().expect("a session bound by digest is saved");
        // A new process: new objects, a fresh store filled from the bytes.
        let store = self::store();
        let after = client("client-ecdsa", &store);
        let restored = StoredSession::from_bytes(&saved).unwrap();
        store.put(&after.session_key("localhost"), Arc::new(restored));
        let (kind, who) = connect(&after, &server);
        assert!(resumed(kind), "{version:?}: {kind:?}");
        assert_eq!(who, "CN=test-client-ecdsa");
    }
}

#[test]
fn a_restored_session_is_offered_only_by_the_identity_that_made_it() {
    for version in BOTH {
        let (server, store) = (server(version), store());
        let made = client("client-ecdsa", &store);
        connect(&made, &server);
        let key = made.session_key("localhost");
        let kept = store
            .take_tls13(&key, now())
            .or_else(|| store.get_tls12(&key, now()))
            .unwrap();
        let saved = kept.to_bytes().unwrap();
        // Put under another identity's key by mistake (or by a hostile store).
        let store = self::store();
        let other = client("client-rsa", &store);
        let restored = StoredSession::from_bytes(&saved).unwrap();
        store.put(&other.session_key("localhost"), Arc::new(restored));
        let (kind, who) = connect(&other, &server);
        assert!(!resumed(kind), "{version:?}");
        assert_eq!(who, "CN=test-client-rsa");
    }
}

/// RFC 8446 C.4: "Clients SHOULD NOT reuse a ticket for multiple connections." Two
/// connections that start together get the two tickets of the first handshake, one each,
/// and both resume (with one ticket kept per name, the second would have replayed the
/// first's ticket and been refused).
#[test]
fn rfc8446_c_4_simultaneous_connections_each_get_their_own_ticket() {
    let (server, store) = (server(ProtocolVersion::TLSv1_3), store());
    let config = client("client-ecdsa", &store);
    connect(&config, &server);
    assert_eq!(store.len(), 2, "the server sends two tickets");
    // Both ClientHellos are written before either handshake goes on.
    let mut pairs: Vec<(ClientConnection, ServerConnection)> = (0..2)
        .map(|_| {
            let mut c = ClientConnection::new(&config, "localhost").unwrap();
            let mut hello = Vec::new();
            c.write_tls(&mut hello).unwrap();
            let mut s = ServerConnection::new(&server).unwrap();
            s.read_tls(&mut hello.as_slice()).unwrap();
            s.process_new_packets().unwrap();
            (c, s)
        })
        .collect();
    assert!(store.is_empty(), "each ticket was taken once");
    for (c, s) in &mut pairs {
        let (rc, rs) = pump(c, s);
        rc.unwrap();
        rs.unwrap();
        assert_eq!(s.handshake_kind(), Some(HandshakeKind::Tls13Psk));
    }
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}
