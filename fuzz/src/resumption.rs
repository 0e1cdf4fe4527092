//! The `server_resumption` target: a server that resumes, fed a client's flights. The `server`
//! target's server has no ticketer, so a ticket or PSK in its input is never opened and the
//! resumption code (the ticket, the binder, psk_ke, the abbreviated TLS 1.2 handshake, the
//! anti-replay memory) stays out of its reach. This one seals and opens tickets with a fixed
//! key, and its seeds are resumptions recorded against it.
//!
//! The configuration is built for every input: its TLS 1.3 anti-replay memory would
//! otherwise remember a ticket from one input to the next, and an input's outcome would
//! depend on the inputs before it. What is costly to build (the parsed keys, the verifier) is
//! the `server` target's, built once and shared.

use std::sync::{Arc, OnceLock};

use mtls::{ClientAuthPolicy, ServerConfig, ServerConnection, TicketKey, TicketKeys};
use mtls_handshake::FixedClock;

use crate::{ALPN, NOW, Outcome, drive, seeded_server, server_config, split_chunks};

/// The fixed ticket key of the `server_resumption` target (and of the server that recorded
/// its seeds).
pub fn resumption_ticket_keys() -> Arc<TicketKeys> {
    static KEYS: OnceLock<Arc<TicketKeys>> = OnceLock::new();
    KEYS.get_or_init(|| {
        Arc::new(TicketKeys::new(
            TicketKey::new([0x71; 16], [0x72; 32]),
            None,
            86_400,
        ))
    })
    .clone()
}

/// The `server` target's configuration (its certificates and client verifier, static RSA,
/// ALPN, a fixed clock), plus tickets sealed with [`resumption_ticket_keys`] in both versions
/// and TLS 1.3 resumption without (EC)DHE for clients that allow it. No session cache: a
/// fresh one would be empty at every input anyway.
pub fn resumption_server_config() -> ServerConfig {
    let base = server_config().handshake_config();
    let Some(verifier) = base.client_verifier.clone() else {
        panic!("the server target's configuration verifies no client certificate")
    };
    let built = ServerConfig::builder()
        .cert_resolver(base.cert_resolver.clone())
        .client_auth(ClientAuthPolicy::Required, verifier)
        .enable_static_rsa(true)
        .alpn_protocols(&ALPN)
        .clock(Arc::new(FixedClock(NOW)))
        .session_cache(None)
        .ticketer(resumption_ticket_keys())
        .tls13_psk_ke(true)
        .build();
    match built {
        Ok(c) => c,
        Err(e) => panic!("resumption server config: {e}"),
    }
}

/// A server connection on a fresh [`resumption_server_config`] with the `server` target's
/// random source ([`seeded_server`]).
pub fn new_resumption_server() -> ServerConnection {
    seeded_server(&resumption_server_config())
}

/// `server_resumption`: [`new_resumption_server`] fed the input as the client's flights, laid
/// out as the `server` target's (byte 0 picks the chunking, [`split_chunks`]).
pub fn fuzz_server_resumption(data: &[u8]) {
    let Some((&mode, stream)) = data.split_first() else {
        return;
    };
    let mut conn = new_resumption_server();
    let mut wrote = Vec::new();
    if drive(&mut conn, &split_chunks(mode, stream), &mut wrote) == Outcome::Alive
        && !conn.is_handshaking()
    {
        assert!(conn.negotiated_cipher_suite().is_some());
    }
}
