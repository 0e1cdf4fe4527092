//! Sessions and fatal alerts (RFC 5246 7.2.2): a connection ended by a fatal alert, after
//! the handshake or during a resumption, takes its session with it on both sides.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Write;
use std::sync::Arc;

use mtls::{
    AlertDescription, ClientAuthPolicy, ClientConfig, ClientConnection, ConnectionCommon, Error,
    ServerConfig, ServerConnection,
};
use mtls_testkit::{TrustAll, chain, key, pump_ok};

// ---- sessions and fatal alerts (RFC 5246 7.2.2) ----

fn resumable_configs() -> (
    ServerConfig,
    ClientConfig,
    Arc<mtls::InMemorySessionCache>,
    Arc<mtls::InMemoryClientSessionStore>,
) {
    let cache = Arc::new(mtls::InMemorySessionCache::new(8, 3600));
    let store = Arc::new(mtls::InMemoryClientSessionStore::new(8, 3600));
    let server = ServerConfig::builder()
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .certificate(chain("server-ecdsa"), key("server-ecdsa"))
        .client_auth(ClientAuthPolicy::Required, Arc::new(TrustAll))
        .session_cache(Some(cache.clone()))
        .build()
        .unwrap();
    let client = ClientConfig::builder(Arc::new(TrustAll))
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .client_certificate(chain("client-rsa"), key("client-rsa"))
        .session_store(Some(store.clone()))
        .build()
        .unwrap();
    (server, client, cache, store)
}

/// Moves everything `from` has to send into `to`, after `tamper` had its way with the bytes.
fn deliver_tampered(
    from: &mut ConnectionCommon,
    to: &mut ConnectionCommon,
    tamper: impl FnOnce(&mut Vec<u8>),
) -> Result<mtls::IoState, Error> {
    let mut buf = Vec::new();
    while from.wants_write() {
        from.write_tls(&mut buf).unwrap();
    }
    tamper(&mut buf);
    to.read_tls(&mut &buf[..]).unwrap();
    to.process_new_packets()
}

/// RFC 5246 7.2.2: "the session [of a connection ended by a fatal alert] MUST NOT be
/// resumed": the server forgets it when it sends the alert, the client when it receives it.
#[test]
fn rfc5246_7_2_2_a_fatal_alert_after_the_handshake_removes_the_session_on_both_sides() {
    let (sc, cc, cache, store) = resumable_configs();
    let mut client = ClientConnection::new(&cc, "localhost").unwrap();
    let mut server = ServerConnection::new(&sc).unwrap();
    pump_ok(&mut client, &mut server);
    assert_eq!((cache.len(), store.len()), (1, 1));

    // A record damaged on the way: the server answers bad_record_mac.
    client.writer().write_all(b"hello").unwrap();
    let e =
        deliver_tampered(&mut client, &mut server, |b| *b.last_mut().unwrap() ^= 1).unwrap_err();
    assert_eq!(e.alert(), Some(AlertDescription::BadRecordMac));
    assert!(
        cache.is_empty(),
        "the server kept a session ended by a fatal alert"
    );
    let e = deliver_tampered(&mut server, &mut client, |_| {}).unwrap_err();
    assert_eq!(e, Error::AlertReceived(AlertDescription::BadRecordMac));
    assert!(
        store.is_empty(),
        "the client kept a session ended by a fatal alert"
    );

    // Both sides now run a full handshake.
    let mut client = ClientConnection::new(&cc, "localhost").unwrap();
    let mut server = ServerConnection::new(&sc).unwrap();
    pump_ok(&mut client, &mut server);
    assert_eq!(server.is_resumed(), Some(false));
}

/// RFC 5246 7.2.2, during an abbreviated handshake: a resumption that fails with a fatal
/// alert takes the session with it.
#[test]
fn rfc5246_7_2_2_a_fatal_alert_during_a_resumption_removes_the_session() {
    let (sc, cc, cache, store) = resumable_configs();
    let mut client = ClientConnection::new(&cc, "localhost").unwrap();
    let mut server = ServerConnection::new(&sc).unwrap();
    pump_ok(&mut client, &mut server);

    let mut client = ClientConnection::new(&cc, "localhost").unwrap();
    let mut server = ServerConnection::new(&sc).unwrap();
    deliver_tampered(&mut client, &mut server, |_| {}).unwrap();
    deliver_tampered(&mut server, &mut client, |_| {}).unwrap();
    assert_eq!(client.is_resumed(), Some(true));
    // The client's Finished is damaged: bad_record_mac at the server.
    let e =
        deliver_tampered(&mut client, &mut server, |b| *b.last_mut().unwrap() ^= 1).unwrap_err();
    assert_eq!(e.alert(), Some(AlertDescription::BadRecordMac));
    assert!(cache.is_empty());
    deliver_tampered(&mut server, &mut client, |_| {}).unwrap_err();
    assert!(store.is_empty());
}
