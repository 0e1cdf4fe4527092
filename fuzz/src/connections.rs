//! The connection targets of the facade, `server` and `client`: a connection on a fixed
//! configuration over the fixture PKI (mtls-testkit's) fed the input as the peer's flights;
//! and the configurations, seeds and driver the other connection-level targets and the seed
//! recorder share.

use std::sync::{Arc, OnceLock};

use mtls::pki::RootStore;
use mtls::{ClientConfig, ClientConnection, ConnectionCommon, ServerConfig, ServerConnection};
use mtls_crypto::DeterministicRng;
use mtls_handshake::{CertificateDer, FixedClock};

/// The fixture PKI (`crates/mtls-testkit/fixtures/`): a P-256 CA and what it issued.
pub mod fixtures {
    pub use mtls_testkit::fixtures::{
        CA, CLIENT_ECDSA, CLIENT_ECDSA_KEY, CLIENT_RSA, CLIENT_RSA_KEY, SERVER_ECDSA,
        SERVER_ECDSA_KEY, SERVER_OTHER, SERVER_RSA, SERVER_RSA_KEY,
    };
}

/// 2027-01-15 08:00 UTC, inside the fixtures' validity (2026-11-28 00:36 .. 2036-11-25).
pub const NOW: u64 = 1_800_000_000;
/// Seed of the `server` target's random source (and of the server that recorded its seeds).
pub const SERVER_SEED: [u8; 32] = [0x5e; 32];
/// Seed of the `client` target's random source (and of the client that recorded its seeds).
pub const CLIENT_SEED: [u8; 32] = [0xc1; 32];
/// The name the `client` target connects to.
pub const SERVER_NAME: &str = "localhost";
/// ALPN protocols both fixed configurations offer.
pub const ALPN: [&[u8]; 2] = [b"h2", b"http/1.1"];

/// A root store holding the fixture CA.
pub fn fixture_roots() -> RootStore {
    let mut roots = RootStore::new();
    if let Err(e) = roots.add(&CertificateDer::from(fixtures::CA.to_vec())) {
        panic!("fixture CA refused: {e}");
    }
    roots
}

/// A fixture private key (PKCS#8 DER).
pub fn fixture_key(der: &[u8]) -> mtls::SigningKey {
    match mtls::pki::private_key_from_der(der) {
        Ok(k) => k,
        Err(e) => panic!("fixture key refused: {e}"),
    }
}

/// `leaf` followed by the fixture CA.
pub fn chain(leaf: &[u8]) -> Vec<CertificateDer<'static>> {
    vec![
        CertificateDer::from(leaf.to_vec()),
        CertificateDer::from(fixtures::CA.to_vec()),
    ]
}

/// The fixed server configuration of the `server` and `client_hello_structured` targets,
/// built once: ECDSA and RSA chains for `localhost`, client certificates required and
/// verified by the webpki verifier over the fixture CA, static RSA enabled (more code to
/// reach), ALPN, a fixed clock, no session cache (no state carried between inputs).
pub fn server_config() -> &'static ServerConfig {
    static CONFIG: OnceLock<ServerConfig> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let built = ServerConfig::builder()
            .certificate(
                chain(fixtures::SERVER_ECDSA),
                fixture_key(fixtures::SERVER_ECDSA_KEY),
            )
            .certificate(
                chain(fixtures::SERVER_RSA),
                fixture_key(fixtures::SERVER_RSA_KEY),
            )
            .client_auth_required(fixture_roots())
            .enable_static_rsa(true)
            .alpn_protocols(&ALPN)
            .clock(Arc::new(FixedClock(NOW)))
            .session_cache(None)
            .build();
        match built {
            Ok(c) => c,
            Err(e) => panic!("server config: {e}"),
        }
    })
}

/// The fixed client configuration of the `client` target, built once: trusts the fixture
/// CA, presents the ECDSA client certificate, static RSA enabled, ALPN, a fixed clock, no
/// session store.
pub fn client_config() -> &'static ClientConfig {
    static CONFIG: OnceLock<ClientConfig> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let built = ClientConfig::with_roots(fixture_roots())
            .client_certificate(
                chain(fixtures::CLIENT_ECDSA),
                fixture_key(fixtures::CLIENT_ECDSA_KEY),
            )
            .enable_static_rsa(true)
            .alpn_protocols(&ALPN)
            .clock(Arc::new(FixedClock(NOW)))
            .session_store(None)
            .build();
        match built {
            Ok(c) => c,
            Err(e) => panic!("client config: {e}"),
        }
    })
}

/// A server connection on [`server_config`] with the [`SERVER_SEED`] random source.
pub fn new_server() -> ServerConnection {
    seeded_server(server_config())
}

/// A server connection on `config` with the [`SERVER_SEED`] random source.
pub fn seeded_server(config: &ServerConfig) -> ServerConnection {
    let rng = Box::new(DeterministicRng::from_seed(SERVER_SEED));
    match ServerConnection::with_rng(config, rng) {
        Ok(c) => c,
        Err(e) => panic!("server connection: {e}"),
    }
}

/// A client connection on [`client_config`] to [`SERVER_NAME`] with the [`CLIENT_SEED`]
/// random source; its ClientHello is queued.
pub fn new_client() -> ClientConnection {
    let rng = Box::new(DeterministicRng::from_seed(CLIENT_SEED));
    match ClientConnection::with_rng(client_config(), SERVER_NAME, rng) {
        Ok(c) => c,
        Err(e) => panic!("client connection: {e}"),
    }
}

/// Takes every pending TLS byte out of `conn` (bounded: each call empties the buffer).
pub fn drain_tls(conn: &mut ConnectionCommon) -> Vec<u8> {
    let mut out = Vec::new();
    while conn.wants_write() {
        match conn.write_tls(&mut out) {
            Ok(0) | Err(_) => panic!("write_tls to a Vec failed while wants_write"),
            Ok(_) => {}
        }
    }
    out
}

/// Splits `stream` into 1-3 chunks chosen by `mode`: bits 0-1 the count (0 and 3: one
/// chunk, 1: two, 2: three), bits 2-4 and 5-7 where the cuts fall (in ninths of the length).
pub fn split_chunks(mode: u8, stream: &[u8]) -> Vec<&[u8]> {
    let count = match mode & 3 {
        1 => 2,
        2 => 3,
        _ => 1,
    };
    let cut = |bits: u8| stream.len() * (usize::from(bits & 7) + 1) / 9;
    let mut cuts = vec![cut(mode >> 2), cut(mode >> 5)];
    cuts.truncate(count - 1);
    cuts.sort_unstable();
    let mut chunks = Vec::with_capacity(count);
    let mut start = 0;
    for c in cuts {
        chunks.push(stream.get(start..c).unwrap_or_default());
        start = c;
    }
    chunks.push(stream.get(start..).unwrap_or_default());
    chunks
}

/// How [`drive`] ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every byte was taken without an error, or the peer's close_notify came and what
    /// followed was left unread.
    Alive,
    /// The connection failed with this error (and stayed dead).
    Failed(mtls::Error),
}

/// Feeds the chunks to `conn` as the peer's flights: each chunk through `read_tls` (as many
/// calls as the receive buffer needs) and `process_new_packets`, then the outgoing bytes are
/// drained with `write_tls` and received plaintext is read. Stops at the first error and
/// checks that the connection stays dead; returns everything it wrote.
pub fn drive(conn: &mut ConnectionCommon, chunks: &[&[u8]], wrote: &mut Vec<u8>) -> Outcome {
    for chunk in chunks {
        let mut rest: &[u8] = chunk;
        loop {
            let before = rest.len();
            if !rest.is_empty() {
                match conn.read_tls(&mut rest) {
                    Ok(n) => assert_eq!(n, before - rest.len()),
                    Err(e) => panic!("read_tls refused bytes after processing: {e}"),
                }
                if rest.len() == before {
                    // Only after the peer's close_notify: what follows is ignored, not read
                    // (RFC 8446 6.1).
                    let closed = conn.process_new_packets().is_ok_and(|s| s.peer_has_closed);
                    assert!(closed, "read_tls took nothing");
                    return Outcome::Alive;
                }
            }
            match conn.process_new_packets() {
                Ok(state) => {
                    assert_eq!(state.tls_bytes_to_write > 0, conn.wants_write());
                    wrote.extend(drain_tls(conn));
                    read_plaintext(conn, state.plaintext_bytes_to_read);
                }
                Err(e) => {
                    check_dead(conn, &e, rest, wrote);
                    return Outcome::Failed(e);
                }
            }
            if rest.is_empty() {
                break;
            }
        }
    }
    Outcome::Alive
}

fn read_plaintext(conn: &mut ConnectionCommon, announced: usize) {
    use std::io::Read;
    let mut got = 0usize;
    let mut buf = [0u8; 4096];
    loop {
        match conn.reader().read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(_) => break,
        }
    }
    assert_eq!(
        got, announced,
        "plaintext_bytes_to_read is not what reader() gives"
    );
}

/// After an error: its Display says something, and the connection stays dead whatever
/// else arrives: the same error again, no further reads or writes, and the fatal alert (if
/// any) queued once.
fn check_dead(conn: &mut ConnectionCommon, e: &mtls::Error, rest: &[u8], wrote: &mut Vec<u8>) {
    use std::io::Write;
    assert!(!e.to_string().is_empty(), "empty error message: {e:?}");
    assert!(!conn.wants_read(), "dead connection wants to read");
    wrote.extend(drain_tls(conn));
    // More bytes from the peer (the rest of the input, or a harmless alert record) change
    // nothing.
    let mut more: &[u8] = if rest.is_empty() {
        &[21, 3, 3, 0, 2, 1, 0]
    } else {
        rest
    };
    let _ = conn.read_tls(&mut more);
    match conn.process_new_packets() {
        Ok(_) => panic!("dead connection processed packets again after {e}"),
        Err(again) => assert_eq!(&again, e, "the error changed"),
    }
    assert!(!conn.wants_write(), "dead connection queued more output");
    assert!(
        conn.writer().write(b"x").is_err(),
        "dead connection took data"
    );
}

/// `server`: a server connection ([`new_server`]) fed the input as the client's flights.
/// Byte 0 picks the chunking ([`split_chunks`]); the rest is the client-to-server byte
/// stream. Every output is drained; the first error ends the run (see [`drive`]).
pub fn fuzz_server(data: &[u8]) {
    let Some((&mode, stream)) = data.split_first() else {
        return;
    };
    let mut conn = new_server();
    let mut wrote = Vec::new();
    drive(&mut conn, &split_chunks(mode, stream), &mut wrote);
}

/// `client`: a client connection ([`new_client`]) whose ClientHello is written and
/// discarded, then fed the input as the server's flights (byte 0 picks the chunking). If the
/// handshake completes, application data is written too.
pub fn fuzz_client(data: &[u8]) {
    use std::io::Write;
    let Some((&mode, stream)) = data.split_first() else {
        return;
    };
    let mut conn = new_client();
    let hello = drain_tls(&mut conn);
    assert!(!hello.is_empty(), "no ClientHello");
    let mut wrote = Vec::new();
    if drive(&mut conn, &split_chunks(mode, stream), &mut wrote) == Outcome::Alive
        && !conn.is_handshaking()
    {
        assert!(conn.negotiated_cipher_suite().is_some());
        if conn.writer().write_all(b"ping").is_ok() {
            drain_tls(&mut conn);
        }
    }
}
