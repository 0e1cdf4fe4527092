//! Configured pairs for the negotiation tests (negotiation.rs, extended_master_secret.rs,
//! resumption_refusals.rs): mutual-authentication configurations, handshakes run to completion,
//! the hellos they sent, and resumable configurations sharing a store and a cache.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;

use crate::common::*;
use mtls_handshake::{
    ClientAuthPolicy, ClientConfig, InMemoryClientSessionStore, InMemorySessionCache, ServerConfig,
};
use mtls_wire::handshake::{ClientHello, HandshakePayload, ServerHello};

pub(crate) fn completed(cc: ClientConfig, sc: ServerConfig, seed: u8) -> Pair {
    let mut p = Pair::new(cc, sc, seed);
    p.run();
    p.assert_ok();
    p.exchange_data();
    p
}

pub(crate) fn client_hello_of(p: &Pair) -> ClientHello {
    let HandshakePayload::ClientHello(ch) = parse_message(&p.c.sent_messages[0], None) else {
        panic!("not a ClientHello")
    };
    ch
}

pub(crate) fn server_hello_of(p: &Pair) -> ServerHello {
    let HandshakePayload::ServerHello(sh) = parse_message(&p.s.sent_messages[0], None) else {
        panic!("not a ServerHello")
    };
    sh
}

/// Resumption pair: (client config, server config) sharing a store and a cache.
pub(crate) fn resumable(policy: ClientAuthPolicy) -> (Arc<ClientConfig>, Arc<ServerConfig>) {
    let (mut cc, mut sc) = mutual("server-ecdsa", Some("client-ecdsa"), policy);
    cc.session_store = Some(Arc::new(InMemoryClientSessionStore::new(8, 3600)));
    sc.session_cache = Some(Arc::new(InMemorySessionCache::new(8, 3600)));
    cc.require_ems = false;
    (Arc::new(cc), Arc::new(sc))
}
