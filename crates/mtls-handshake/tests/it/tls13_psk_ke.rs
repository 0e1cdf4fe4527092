//! TLS 1.3 resumption without (EC)DHE, psk_ke (RFC 8446 4.2.9), our client against our
//! server in memory: offered by a client and selected by a server only when each is
//! configured for it; then the ServerHello carries no key_share and the key schedule takes
//! the zero (EC)DHE input (RFC 8446 7.1). A client that did not offer psk_ke refuses a
//! ServerHello without a key share. With a PSK, a ClientHello may leave out
//! signature_algorithms, and supported_groups with key_share (RFC 8446 9.2).

use std::sync::Arc;

use mtls_crypto::{Hash, HashAlgorithm};
use mtls_handshake::Tls13Suite;
use mtls_handshake::sequence::{Kind, Side};
use mtls_handshake::ticket::{TicketKey, TicketKeys};
use mtls_handshake::{ClientAuthPolicy, ClientConfig, FixedClock, ServerConfig};
use mtls_handshake::{ClientSessionStore, InMemoryClientSessionStore};
use mtls_prf::tls13::EarlySecret;
use mtls_wire::extensions::Extension;
use mtls_wire::handshake::{ClientHello, HandshakePayload, ServerHello};
use mtls_wire::{AlertDescription, ExtensionType, HandshakeType, PskKeyExchangeMode};

use crate::common::NOW;
use crate::tls13_common::*;

/// A client and a server that share ticket keys and a client store; `client` and `server`
/// say whether each is configured for psk_ke.
struct Pair13 {
    keys: Arc<TicketKeys>,
    store: Arc<dyn ClientSessionStore>,
    client: bool,
    server: bool,
    resolver: Option<Arc<dyn mtls_handshake::ResolvesClientCert>>,
    verifier: Arc<dyn mtls_handshake::ServerCertVerifier>,
}

impl Pair13 {
    fn new(client: bool, server: bool) -> Self {
        let (cc, _) = configs13(
            "server-ecdsa",
            Some("client-ecdsa"),
            ClientAuthPolicy::Required,
        );
        Self {
            keys: Arc::new(TicketKeys::new(
                TicketKey::new([7; 16], [8; 32]),
                None,
                3600,
            )),
            store: Arc::new(InMemoryClientSessionStore::new(8, 86_400)),
            client,
            server,
            resolver: cc.cert_resolver,
            verifier: cc.verifier,
        }
    }

    fn configs(&self) -> (ClientConfig, ServerConfig) {
        let (mut cc, mut sc) = configs13(
            "server-ecdsa",
            Some("client-ecdsa"),
            ClientAuthPolicy::Required,
        );
        cc.session_store = Some(self.store.clone());
        cc.cert_resolver = self.resolver.clone();
        cc.verifier = self.verifier.clone();
        cc.time = Arc::new(FixedClock(NOW));
        cc.tls13_psk_ke = self.client;
        sc.ticketer = Some(self.keys.clone());
        sc.time = Arc::new(FixedClock(NOW));
        sc.tls13_psk_ke = self.server;
        (cc, sc)
    }

    /// A full handshake that leaves a ticket in the store, then a second connection with
    /// the tampers given.
    fn resume(&self, c2s: Option<Tamper13>, s2c: Option<Tamper13>) -> Conn13 {
        self.first();
        let (cc, sc) = self.configs();
        let mut second = Conn13::with_tampers(cc, sc, 2, c2s, s2c);
        second.run();
        second
    }

    /// A full handshake that leaves a ticket in the store.
    fn first(&self) {
        let (cc, sc) = self.configs();
        let mut first = Conn13::new(cc, sc, 1);
        first.run();
        first.assert_ok();
    }

    /// Like [`Self::resume`], with the resuming ClientHello's extensions (all but the
    /// pre_shared_key, which stays last) edited by `edit` and its binder computed again from
    /// the stored ticket's PSK, as a client sending that hello would have. Only the
    /// ServerHello reaches the client, whose transcript has the unedited hello: this watches
    /// the server's decision.
    fn resume_edited(&self, edit: impl Fn(&mut Vec<Extension>) + 'static) -> Conn13 {
        self.first();
        self.edited(edit)
    }

    /// The second connection of [`Self::resume_edited`], after a first one.
    fn edited(&self, edit: impl Fn(&mut Vec<Extension>) + 'static) -> Conn13 {
        let (cc, sc) = self.configs();
        let key = cc.session_key("localhost");
        let stored = self.store.take_tls13(&key, NOW).unwrap();
        let psk = stored.tls13().unwrap().psk().to_vec();
        let hash = Tls13Suite::find(stored.suite).unwrap().hash;
        self.store.put(&key, stored);
        let rebind = edit13(HandshakeType::ClientHello, move |p| {
            let HandshakePayload::ClientHello(ch) = p else {
                return;
            };
            let psk_ext = ch.extensions.list.pop().unwrap();
            edit(&mut ch.extensions.list);
            ch.extensions.list.push(psk_ext);
            rebind(ch, &psk, hash);
        });
        let mut second = Conn13::with_tampers(cc, sc, 2, Some(rebind), Some(hello_only(false)));
        second.run();
        second
    }
}

/// Sets the binder of `ch`'s one PSK (RFC 8446 4.2.11.2): the "res binder" Finished MAC
/// over the hash of the ClientHello up to the binders list.
fn rebind(ch: &mut ClientHello, psk: &[u8], hash: HashAlgorithm) {
    let provider = mtls_crypto::default_provider();
    let Some(Extension::PreSharedKey(offered)) = ch.extensions.list.last() else {
        panic!("the pre_shared_key is not the last extension")
    };
    let binders_len = 2 + offered.binders.iter().map(|b| 1 + b.len()).sum::<usize>();
    let whole = encode13(HandshakePayload::ClientHello(ch.clone()));
    let truncated = Hash::digest(hash, &whole[..whole.len() - binders_len]);
    let binder = EarlySecret::new(provider, hash, Some(psk))
        .binder_key(provider, true)
        .finished_mac(provider, truncated.as_slice());
    if let Some(Extension::PreSharedKey(offered)) = ch.extensions.list.last_mut() {
        offered.binders = vec![binder.as_bytes().to_vec()];
    }
}

fn kinds(conn: &Conn13) -> (Kind, Kind) {
    (
        conn.client.summary().unwrap().kind,
        conn.server.summary().unwrap().kind,
    )
}

/// The server's ServerHello of `conn`.
fn server_hello(conn: &Conn13) -> ServerHello {
    conn.s
        .sent
        .iter()
        .filter(|m| m[0] == HandshakeType::ServerHello.to_u8())
        .find_map(|m| match parse13(m) {
            HandshakePayload::ServerHello(sh) => Some(sh),
            _ => None,
        })
        .unwrap()
}

/// The server answered `conn`'s edited hello without an error, with a ServerHello that
/// resumes the PSK (identity 0), carrying a key share or not (psk_ke).
fn assert_resumed_edited(conn: &Conn13, key_share: bool) {
    assert!(conn.s.error.is_none(), "{:?}", conn.s.error);
    let sh = server_hello(conn);
    assert_eq!(sh.extensions.selected_identity(), Some(0));
    assert_eq!(sh.extensions.server_key_share().is_some(), key_share);
}

/// A server-to-client tamper that lets only the ServerHello through (its key_share removed
/// when `strip`): what the client makes of the ServerHello alone, whatever keys follow.
fn hello_only(strip: bool) -> Tamper13 {
    Box::new(move |m: &[u8]| {
        if m[0] != HandshakeType::ServerHello.to_u8() {
            return Vec::new();
        }
        let HandshakePayload::ServerHello(mut sh) = parse13(m) else {
            panic!("not a ServerHello")
        };
        if strip {
            sh.extensions
                .list
                .retain(|e| e.typ() != ExtensionType::KeyShare);
        }
        vec![encode13(HandshakePayload::ServerHello(sh))]
    })
}

/// The psk_key_exchange_modes and whether a key share is sent, in the ClientHello of `conn`.
fn offered_modes(conn: &Conn13) -> (Vec<PskKeyExchangeMode>, bool) {
    let HandshakePayload::ClientHello(ch) = parse13(&conn.c.sent[0]) else {
        panic!("the client's first message is not a ClientHello")
    };
    (
        ch.extensions.psk_key_exchange_modes().unwrap().to_vec(),
        ch.extensions.key_shares().is_some_and(|s| !s.is_empty()),
    )
}

/// RFC 8446 4.2.9: a client offers psk_ke only when configured, after psk_dhe_ke, and still
/// sends a key share (the server chooses the mode).
#[test]
fn rfc8446_4_2_9_the_client_offers_psk_ke_only_when_configured() {
    let plain = Pair13::new(false, false).resume(None, None);
    assert_eq!(
        offered_modes(&plain),
        (vec![PskKeyExchangeMode::PskDheKe], true)
    );
    let both = Pair13::new(true, false).resume(None, None);
    assert_eq!(
        offered_modes(&both),
        (
            vec![PskKeyExchangeMode::PskDheKe, PskKeyExchangeMode::PskKe],
            true
        )
    );
}

/// RFC 8446 4.2.9, 7.1: a server configured for psk_ke resumes a client that allows it
/// without (EC)DHE: no key_share in the ServerHello, no group in either summary, and both
/// sides derive the same keys (the harness checks every key change) from the zero (EC)DHE
/// input.
#[test]
fn rfc8446_4_2_9_psk_ke_resumes_without_a_key_share_when_both_are_configured() {
    let conn = Pair13::new(true, true).resume(None, None);
    conn.assert_ok();
    assert_eq!(kinds(&conn), (Kind::Tls13Psk, Kind::Tls13Psk));
    let sh = server_hello(&conn);
    assert_eq!(sh.extensions.selected_identity(), Some(0));
    assert!(sh.extensions.server_key_share().is_none());
    let (c, s) = (
        conn.client.summary().unwrap(),
        conn.server.summary().unwrap(),
    );
    assert!(c.resumed && s.resumed);
    assert_eq!((c.group, s.group), (None, None));
    assert!(s.peer_verified);
    // Tickets still follow, for the next resumption.
    assert!(
        conn.s
            .sent
            .iter()
            .any(|m| m[0] == HandshakeType::NewSessionTicket.to_u8())
    );
}

/// RFC 8446 4.2.9: either side not configured for psk_ke means psk_dhe_ke: a key share in
/// the ServerHello and a group in the summaries.
#[test]
fn rfc8446_4_2_9_psk_dhe_ke_unless_both_are_configured_for_psk_ke() {
    for (client, server) in [(false, false), (true, false), (false, true)] {
        let conn = Pair13::new(client, server).resume(None, None);
        conn.assert_ok();
        assert_eq!(kinds(&conn), (Kind::Tls13Psk, Kind::Tls13Psk));
        assert!(
            server_hello(&conn).extensions.server_key_share().is_some(),
            "client {client}, server {server}"
        );
        assert!(conn.client.summary().unwrap().group.is_some());
        assert!(conn.server.summary().unwrap().group.is_some());
    }
}

/// Sets psk_key_exchange_modes to psk_ke alone.
fn only_psk_ke(list: &mut Vec<Extension>) {
    for e in list {
        if let Extension::PskKeyExchangeModes(m) = e {
            *m = vec![PskKeyExchangeMode::PskKe];
        }
    }
}

/// Leaves out the extensions of these types.
fn without(types: &'static [ExtensionType]) -> impl Fn(&mut Vec<Extension>) {
    move |list| list.retain(|e| !types.contains(&e.typ()))
}

/// RFC 8446 4.2.9: a client that allows psk_ke alone is resumed without (EC)DHE by a server
/// configured for it, and makes a full handshake with one that is not.
#[test]
fn rfc8446_4_2_9_a_client_allowing_psk_ke_alone_resumes_only_where_configured() {
    let configured = Pair13::new(true, true).resume_edited(only_psk_ke);
    assert_resumed_edited(&configured, false);
    let not = Pair13::new(true, false).resume_edited(only_psk_ke);
    let sh = server_hello(&not);
    assert_eq!(sh.extensions.selected_identity(), None);
    assert!(sh.extensions.server_key_share().is_some());
}

const KEY_EXCHANGE: &[ExtensionType] = &[ExtensionType::SupportedGroups, ExtensionType::KeyShare];
const SIGNATURE_ALGORITHMS: &[ExtensionType] = &[
    ExtensionType::SignatureAlgorithms,
    ExtensionType::SignatureAlgorithmsCert,
];
const ALL_THREE: &[ExtensionType] = &[
    ExtensionType::SupportedGroups,
    ExtensionType::KeyShare,
    ExtensionType::SignatureAlgorithms,
    ExtensionType::SignatureAlgorithmsCert,
];

/// A psk_ke-only hello with none of the three: what RFC 8446 9.2 lets a PSK hello leave out.
fn bare_psk_ke_hello(list: &mut Vec<Extension>) {
    only_psk_ke(list);
    without(ALL_THREE)(list);
}

/// RFC 8446 9.2: a ClientHello with a pre_shared_key need not carry signature_algorithms,
/// and supported_groups and key_share go together or not at all. A psk_ke-only client
/// without any of them is resumed by a server configured for psk_ke: no key share, the PSK
/// selected.
#[test]
fn rfc8446_9_2_a_psk_ke_client_hello_may_omit_key_share_groups_and_signature_algorithms() {
    let conn = Pair13::new(true, true).resume_edited(bare_psk_ke_hello);
    assert_resumed_edited(&conn, false);
}

/// RFC 8446 9.2: with a PSK, signature_algorithms may be left out of a psk_dhe_ke hello too:
/// the resumption runs (EC)DHE with the client's share, and needs no certificate.
#[test]
fn rfc8446_9_2_a_psk_dhe_ke_client_hello_may_omit_signature_algorithms() {
    let conn = Pair13::new(false, false).resume_edited(without(SIGNATURE_ALGORITHMS));
    assert_resumed_edited(&conn, true);
}

/// RFC 8446 9.2, 4.2.9: a PSK hello without a key exchange can only be resumed with psk_ke:
/// with a server not configured for psk_ke, or a client that allows only psk_dhe_ke, it
/// lacks the key_share that (EC)DHE needs: `missing_extension`.
#[test]
fn rfc8446_9_2_a_psk_hello_without_key_exchange_is_missing_extension_unless_psk_ke_is_chosen() {
    let not_configured = Pair13::new(true, false).resume_edited(|l| {
        only_psk_ke(l);
        without(KEY_EXCHANGE)(l);
    });
    not_configured.assert_failed(Side::Server, AlertDescription::MissingExtension);
    let dhe_only = Pair13::new(false, true).resume_edited(without(KEY_EXCHANGE));
    dhe_only.assert_failed(Side::Server, AlertDescription::MissingExtension);
}

/// RFC 8446 9.2: a ticket the server cannot open means a full handshake, which needs what a
/// PSK hello may leave out: without signature_algorithms, or without any of the three, it is
/// `missing_extension`.
#[test]
fn rfc8446_9_2_a_refused_ticket_needs_what_the_psk_hello_left_out() {
    let edits: [fn(&mut Vec<Extension>); 2] =
        [|l| without(SIGNATURE_ALGORITHMS)(l), bare_psk_ke_hello];
    for edit in edits {
        let pair = Pair13::new(true, true);
        pair.first();
        // The ticket's key is gone: the ticket does not open.
        pair.keys.set(TicketKey::new([9; 16], [9; 32]), None);
        let conn = pair.edited(edit);
        conn.assert_failed(Side::Server, AlertDescription::MissingExtension);
    }
}

/// RFC 8446 9.2: supported_groups and key_share come together, with a PSK too: one without
/// the other is `missing_extension`.
#[test]
fn rfc8446_9_2_supported_groups_and_key_share_come_together_with_a_psk() {
    for drop in [ExtensionType::KeyShare, ExtensionType::SupportedGroups] {
        let conn = Pair13::new(true, true).resume_edited(move |l| {
            only_psk_ke(l);
            l.retain(|e| e.typ() != drop);
        });
        conn.assert_failed(Side::Server, AlertDescription::MissingExtension);
    }
}

/// RFC 8446 4.2.9, 9.2: a ServerHello that resumes our PSK without a key_share when we did
/// not offer psk_ke is refused with `missing_extension`: the key share is mandatory for the
/// only mode we allowed.
#[test]
fn rfc8446_4_2_9_a_server_hello_without_key_share_is_missing_extension_unless_psk_ke_was_offered() {
    let conn = Pair13::new(false, false).resume(None, Some(hello_only(true)));
    conn.assert_failed(Side::Client, AlertDescription::MissingExtension);
    assert!(conn.c.reads.is_empty());
    // Offered: the same ServerHello is accepted, the handshake keys installed.
    let conn = Pair13::new(true, false).resume(None, Some(hello_only(true)));
    assert!(conn.c.error.is_none(), "{:?}", conn.c.error);
    assert_eq!(conn.c.reads.len(), 1);
}
