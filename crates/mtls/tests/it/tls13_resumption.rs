//! TLS 1.3 resumption through the facade (RFC 8446 2.2, 4.6.1), our client against our
//! servers in memory over the record layer: the tickets travel as post-handshake records,
//! a ticket resumes on another server holding the same keys with the client's identity,
//! and is used once.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use mtls::pki::RootStore;
use mtls::{
    ClientConfig, ClientConnection, ClientSessionStore, HandshakeKind, InMemoryClientSessionStore,
    ProtocolVersion, ServerConfig, ServerConnection, TicketKey, TicketKeys, TicketReplayGuard,
};
use mtls_testkit::fixtures::CA;
use mtls_testkit::{chain, key, pump};

const TLS13: [ProtocolVersion; 1] = [ProtocolVersion::TLSv1_3];

fn roots() -> RootStore {
    let mut r = RootStore::new();
    r.add(&CA.to_vec().into()).unwrap();
    r
}

fn keys() -> Arc<TicketKeys> {
    Arc::new(TicketKeys::new(
        TicketKey::new([4; 16], [5; 32]),
        None,
        86_400,
    ))
}

/// A stateless TLS 1.3 server sealing tickets with `keys`, client certificates required.
fn server(keys: &Arc<TicketKeys>, tickets: usize) -> ServerConfig {
    ServerConfig::builder()
        .certificate(chain("server-ecdsa"), key("server-ecdsa"))
        .client_auth_required(roots())
        .session_cache(None)
        .ticketer(keys.clone())
        .tls13_tickets(tickets)
        .versions(&TLS13)
        .build()
        .unwrap()
}

fn client() -> ClientConfig {
    ClientConfig::with_roots(roots())
        .client_certificate(chain("client-ecdsa"), key("client-ecdsa"))
        .versions(&TLS13)
        .build()
        .unwrap()
}

/// One connection, pumped until quiet (the tickets included); the server's kind.
fn connect(client: &ClientConfig, server: &ServerConfig) -> (HandshakeKind, ServerConnection) {
    let mut c = ClientConnection::new(client, "localhost").unwrap();
    let mut s = ServerConnection::new(server).unwrap();
    let (rc, rs) = pump(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    assert_eq!(c.handshake_kind(), s.handshake_kind());
    (s.handshake_kind().unwrap(), s)
}

#[test]
fn rfc8446_2_2_a_ticket_resumes_on_another_server_with_the_clients_identity() {
    let keys = keys();
    let client = client();
    let (first, _) = connect(&client, &server(&keys, 2));
    assert_eq!(first, HandshakeKind::Tls13ClientCert);
    let (second, s) = connect(&client, &server(&keys, 2));
    assert_eq!(second, HandshakeKind::Tls13Psk);
    let who = s.peer_identity().expect("the ticket's verified identity");
    assert_eq!(who.subject(), "CN=test-client-ecdsa");
    assert!(s.handshake_summary().unwrap().resumed);
}

#[test]
fn rfc8446_4_6_1_no_tickets_no_resumption() {
    let keys = keys();
    let client = client();
    for _ in 0..2 {
        let (kind, _) = connect(&client, &server(&keys, 0));
        assert_eq!(kind, HandshakeKind::Tls13ClientCert);
    }
}

/// Two client identities (other certificates, other configurations) share one session store:
/// neither may resume the other's session, in either version, or the server would take the
/// connecting client for the one that made the session.
#[test]
fn a_session_made_by_one_client_identity_is_never_offered_by_another() {
    use mtls::{InMemoryClientSessionStore, ProtocolVersion};
    for version in [ProtocolVersion::TLSv1_2, ProtocolVersion::TLSv1_3] {
        let mut roots = mtls::pki::RootStore::new();
        roots
            .add(&mtls_testkit::fixtures::CA.to_vec().into())
            .unwrap();
        let keys = mtls::TicketKeys::new(
            mtls::TicketKey::generate(&mut mtls::OsRng).unwrap(),
            None,
            3600,
        );
        let server = mtls::ServerConfig::builder()
            .certificate(
                mtls_testkit::chain("server-ecdsa"),
                mtls_testkit::key("server-ecdsa"),
            )
            .client_auth_required(roots.clone())
            .ticketer(std::sync::Arc::new(keys))
            .versions(&[version])
            .build()
            .unwrap();
        let store = std::sync::Arc::new(InMemoryClientSessionStore::new(8, 3600));
        let client = |name: &str| {
            mtls::ClientConfig::with_roots(roots.clone())
                .client_certificate(mtls_testkit::chain(name), mtls_testkit::key(name))
                .session_store(Some(store.clone()))
                .versions(&[version])
                .build()
                .unwrap()
        };
        let (a, b) = (client("client-ecdsa"), client("client-rsa"));
        let connect = |config: &mtls::ClientConfig| {
            let mut c = mtls::ClientConnection::new(config, "localhost").unwrap();
            let mut s = mtls::ServerConnection::new(&server).unwrap();
            mtls_testkit::pump_ok(&mut c, &mut s);
            (
                s.is_resumed().unwrap(),
                s.peer_certificates().unwrap()[0].clone().into_owned(),
            )
        };
        assert_eq!(
            connect(&a),
            (false, mtls_testkit::chain("client-ecdsa")[0].clone())
        );
        assert_eq!(
            connect(&a),
            (true, mtls_testkit::chain("client-ecdsa")[0].clone()),
            "{version:?}"
        );
        // The store now holds a's session: b makes its own, as itself.
        assert_eq!(
            connect(&b),
            (false, mtls_testkit::chain("client-rsa")[0].clone()),
            "{version:?}: b resumed a's session"
        );
        assert_eq!(
            connect(&b),
            (true, mtls_testkit::chain("client-rsa")[0].clone()),
            "{version:?}"
        );
    }
}

/// RFC 8446 4.2.9: with `tls13_psk_ke(true)` on both sides a resumption runs without
/// (EC)DHE (no group in either summary) and still carries the client's identity; with
/// either side off it runs one.
#[test]
fn rfc8446_4_2_9_psk_ke_through_the_facade_only_when_both_sides_enable_it() {
    for (client_on, server_on) in [(true, true), (true, false), (false, true)] {
        let keys = keys();
        let client = ClientConfig::with_roots(roots())
            .client_certificate(chain("client-ecdsa"), key("client-ecdsa"))
            .versions(&TLS13)
            .tls13_psk_ke(client_on)
            .build()
            .unwrap();
        let server = ServerConfig::builder()
            .certificate(chain("server-ecdsa"), key("server-ecdsa"))
            .client_auth_required(roots())
            .session_cache(None)
            .ticketer(keys.clone())
            .versions(&TLS13)
            .tls13_psk_ke(server_on)
            .build()
            .unwrap();
        connect(&client, &server);
        let mut c = ClientConnection::new(&client, "localhost").unwrap();
        let mut s = ServerConnection::new(&server).unwrap();
        let (rc, rs) = pump(&mut c, &mut s);
        rc.unwrap();
        rs.unwrap();
        assert_eq!(s.handshake_kind(), Some(HandshakeKind::Tls13Psk));
        let (cs, ss) = (
            c.handshake_summary().unwrap(),
            s.handshake_summary().unwrap(),
        );
        let dhe = !(client_on && server_on);
        assert_eq!(cs.group.is_some(), dhe, "{client_on} {server_on}");
        assert_eq!(ss.group.is_some(), dhe, "{client_on} {server_on}");
        assert_eq!(s.peer_identity().unwrap().subject(), "CN=test-client-ecdsa");
    }
}

/// RFC 8446 8: a ticket resumes once. A configuration reloaded with the replay guard of the
/// one before it (shared as its ticketer is) refuses a ticket that the earlier one resumed:
/// a full handshake. The client offers one ticket twice, as an attacker replaying its
/// ClientHello would.
#[test]
fn rfc8446_8_a_ticket_resumed_before_a_reload_is_a_replay_after_it() {
    let keys = keys();
    let guard = Arc::new(TicketReplayGuard::default());
    let reloaded = |tickets: usize| {
        ServerConfig::builder()
            .certificate(chain("server-ecdsa"), key("server-ecdsa"))
            .client_auth_required(roots())
            .session_cache(None)
            .ticketer(keys.clone())
            .ticket_replay(guard.clone())
            .tls13_tickets(tickets)
            .versions(&TLS13)
            .build()
            .unwrap()
    };
    let store = Arc::new(InMemoryClientSessionStore::new(8, 86_400));
    let client = ClientConfig::with_roots(roots())
        .client_certificate(chain("client-ecdsa"), key("client-ecdsa"))
        .versions(&TLS13)
        .session_store(Some(store.clone()))
        .build()
        .unwrap();
    let (first, _) = connect(&client, &reloaded(1));
    assert_eq!(first, HandshakeKind::Tls13ClientCert);
    let session_key = client.session_key("localhost");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let ticket = store.take_tls13(&session_key, now).expect("the ticket");
    store.put(&session_key, ticket.clone());
    store.put(&session_key, ticket);
    let (resumed, _) = connect(&client, &reloaded(0));
    assert_eq!(resumed, HandshakeKind::Tls13Psk);
    let (replayed, _) = connect(&client, &reloaded(0));
    assert_eq!(
        replayed,
        HandshakeKind::Tls13ClientCert,
        "the replay resumed"
    );
}
