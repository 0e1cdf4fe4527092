//! TLS 1.3 resumption (RFC 8446 2.2, 4.2.11, 4.6.1), our client against our servers in
//! memory: a ticket resumes on the server that issued it and on another sharing its keys,
//! with psk_dhe_ke, and carries the client identity the server verified; and a ticket is
//! never a way around today's policy or a way to resume twice: another name, a CA no longer
//! trusted, an expired certificate, a tampered ticket, a bad binder, an implausible age, a
//! replay, a ticket of the other version all make full handshakes (a bad binder is an
//! error).

use std::sync::{Arc, Mutex};

use mtls_crypto::kx::NamedGroup;
use mtls_handshake::certs::{CertificateError, ClientCertVerifier};
use mtls_handshake::sequence::{Kind, Side};
use mtls_handshake::session::StoredSession;
use mtls_handshake::suites::TLS13_AES_128_GCM_SHA256;
use mtls_handshake::ticket::{TicketKey, TicketKeys};
use mtls_handshake::{
    ClientAuthPolicy, ClientConfig, FixedClock, PostHandshakeRequest, ServerConfig,
    TicketReplayGuard, Tls13Session,
};
use mtls_handshake::{ClientSessionStore, InMemoryClientSessionStore, SessionKey};
use mtls_wire::extensions::Extension;
use mtls_wire::handshake::HandshakePayload;
use mtls_wire::{AlertDescription, HandshakeType, ProtocolVersion, PskKeyExchangeMode};

use crate::common::{NOW, Pair, fixture};
use crate::tls13_common::*;

/// A fleet's shared state: ticket keys, the client's store, the clocks, the client policy.
struct Fleet {
    keys: Arc<TicketKeys>,
    store: Arc<dyn ClientSessionStore>,
    replay: Arc<TicketReplayGuard>,
    verifier: Arc<dyn ClientCertVerifier>,
    policy: ClientAuthPolicy,
    client_now: u64,
    server_now: u64,
    /// The client's certificate resolver and server verifier, the same objects on every
    /// connection: a client offers only the sessions its own configuration made.
    client: (
        Option<Arc<dyn mtls_handshake::ResolvesClientCert>>,
        Arc<dyn mtls_handshake::ServerCertVerifier>,
    ),
}

fn key(n: u8) -> TicketKey {
    TicketKey::new([n; 16], [n.wrapping_add(1); 32])
}

impl Fleet {
    fn new(policy: ClientAuthPolicy) -> Self {
        let (cc, _) = configs13("server-ecdsa", Some("client-ecdsa"), policy);
        Self {
            client: (cc.cert_resolver, cc.verifier),
            keys: Arc::new(TicketKeys::new(key(1), None, 3600)),
            store: Arc::new(InMemoryClientSessionStore::new(8, 86_400)),
            replay: Arc::new(TicketReplayGuard::default()),
            verifier: Arc::new(TestClientVerifier::accepting()),
            policy,
            client_now: NOW,
            server_now: NOW,
        }
    }

    /// A client with a certificate and the shared store, a server of the fleet.
    fn configs(&self) -> (ClientConfig, ServerConfig) {
        let (mut cc, mut sc) = configs13("server-ecdsa", Some("client-ecdsa"), self.policy);
        cc.session_store = Some(self.store.clone());
        cc.cert_resolver = self.client.0.clone();
        cc.verifier = self.client.1.clone();
        cc.time = Arc::new(FixedClock(self.client_now));
        sc.ticketer = Some(self.keys.clone());
        sc.ticket_replay = self.replay.clone();
        sc.client_verifier = Some(self.verifier.clone());
        sc.time = Arc::new(FixedClock(self.server_now));
        (cc, sc)
    }

    fn connect(&self, seed: u8) -> Conn13 {
        let (cc, sc) = self.configs();
        let mut conn = Conn13::new(cc, sc, seed);
        conn.run();
        conn
    }
}

/// The types of the handshake messages `sent`.
fn types(sent: &[Vec<u8>]) -> Vec<HandshakeType> {
    sent.iter().map(|m| HandshakeType::from(m[0])).collect()
}

fn tickets_sent(conn: &Conn13) -> usize {
    types(&conn.s.sent)
        .iter()
        .filter(|t| **t == HandshakeType::NewSessionTicket)
        .count()
}

fn kinds(conn: &Conn13) -> (Kind, Kind) {
    (
        conn.client.summary().unwrap().kind,
        conn.server.summary().unwrap().kind,
    )
}

/// RFC 8446 2.2: the second connection resumes with the first one's ticket (psk_dhe_ke: a
/// key share too), without certificates, and the server's summary holds the client identity
/// the ticket carries, as verified on the first.
#[test]
fn rfc8446_2_2_a_ticket_resumes_with_the_identity_it_carries() {
    let fleet = Fleet::new(ClientAuthPolicy::Required);
    let first = fleet.connect(1);
    first.assert_ok();
    assert_eq!(
        kinds(&first),
        (Kind::Tls13ClientCert, Kind::Tls13ClientCert)
    );
    let verified = first.server.summary().unwrap().clone();

    let second = fleet.connect(2);
    second.assert_ok();
    assert_eq!(kinds(&second), (Kind::Tls13Psk, Kind::Tls13Psk));
    let (c, s) = (
        second.client.summary().unwrap(),
        second.server.summary().unwrap(),
    );
    assert!(c.resumed && s.resumed);
    assert_eq!(s.peer_certificates, verified.peer_certificates);
    assert_eq!(
        s.peer_identity.as_ref().unwrap().subject(),
        verified.peer_identity.as_ref().unwrap().subject()
    );
    assert!(s.peer_verified);
    // The client keeps the server it verified the first time.
    assert_eq!(
        c.peer_certificates,
        first.client.summary().unwrap().peer_certificates
    );
    assert!(c.peer_verified);
    // psk_dhe_ke: a fresh (EC)DHE exchange, no signatures.
    assert_eq!(s.group, Some(NamedGroup::X25519));
    assert_eq!((s.server_signature, s.client_signature), (None, None));
    assert_eq!(
        types(&second.s.sent)[..3],
        [
            HandshakeType::ServerHello,
            HandshakeType::EncryptedExtensions,
            HandshakeType::Finished
        ]
    );
    assert_eq!(
        types(&second.c.sent),
        [HandshakeType::ClientHello, HandshakeType::Finished]
    );
}

/// RFC 8446 4.6.1, 2.2: a ticket is the server's state sealed for the client, so another
/// server holding the same keys resumes it.
#[test]
fn rfc8446_4_6_1_a_ticket_resumes_on_another_server_with_the_same_keys() {
    let mut fleet = Fleet::new(ClientAuthPolicy::Required);
    fleet.connect(3).assert_ok();
    // Another process: its own anti-replay memory, the same keys.
    fleet.replay = Arc::new(TicketReplayGuard::default());
    let second = fleet.connect(4);
    second.assert_ok();
    assert_eq!(kinds(&second), (Kind::Tls13Psk, Kind::Tls13Psk));
}

/// RFC 8446 4.1.4, 4.2.11.2: after a HelloRetryRequest the second ClientHello offers the PSK
/// again, its binder over the new transcript.
#[test]
fn rfc8446_4_1_4_resumption_after_a_hello_retry_request() {
    let fleet = Fleet::new(ClientAuthPolicy::Required);
    let retry = |seed| {
        let (mut cc, mut sc) = fleet.configs();
        cc.groups = vec![NamedGroup::X25519, NamedGroup::Secp256r1];
        sc.groups = vec![NamedGroup::Secp256r1];
        let mut conn = Conn13::new(cc, sc, seed);
        conn.run();
        conn.assert_ok();
        conn
    };
    assert_eq!(
        kinds(&retry(5)),
        (Kind::Tls13RetryClientCert, Kind::Tls13RetryClientCert)
    );
    let second = retry(6);
    assert_eq!(kinds(&second), (Kind::Tls13PskRetry, Kind::Tls13PskRetry));
    assert!(second.server.summary().unwrap().peer_verified);
}

/// RFC 8446 4.6.1: `tls13_tickets` NewSessionTickets (default 2) after the client's
/// Finished, each with its own nonce and age_add; none without a ticketer, with 0, or for
/// a client that allows no psk_dhe_ke (RFC 8446 4.2.9); never an early_data extension.
#[test]
fn rfc8446_4_6_1_new_session_ticket_count() {
    let fleet = Fleet::new(ClientAuthPolicy::Required);
    let conn = fleet.connect(7);
    conn.assert_ok();
    assert_eq!(tickets_sent(&conn), 2);
    let nsts: Vec<_> = conn
        .s
        .sent
        .iter()
        .filter(|m| m[0] == HandshakeType::NewSessionTicket.to_u8())
        .map(|m| match parse13(m) {
            HandshakePayload::NewSessionTicketTls13(t) => t,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_ne!(nsts[0].ticket_nonce, nsts[1].ticket_nonce);
    assert_ne!(nsts[0].ticket_age_add, nsts[1].ticket_age_add);
    assert_ne!(nsts[0].ticket, nsts[1].ticket);
    for t in &nsts {
        assert_eq!(t.ticket_lifetime, 3600);
        assert!(t.extensions.max_early_data_size().is_none());
    }

    for (n, want) in [(0, 0), (3, 3)] {
        let (cc, mut sc) = fleet.configs();
        sc.tls13_tickets = n;
        let mut conn = Conn13::new(cc, sc, 8);
        conn.run();
        conn.assert_ok();
        assert_eq!(tickets_sent(&conn), want);
    }
    let (cc, mut sc) = fleet.configs();
    sc.ticketer = None;
    let mut conn = Conn13::new(cc, sc, 9);
    conn.run();
    assert_eq!(tickets_sent(&conn), 0);
    // A client that keeps no sessions sends no psk_key_exchange_modes: no tickets.
    let (mut cc, sc) = fleet.configs();
    cc.session_store = None;
    let mut conn = Conn13::new(cc, sc, 10);
    conn.run();
    conn.assert_ok();
    assert_eq!(tickets_sent(&conn), 0);
}

/// RFC 8446 4.6.1 (and the ticketer's rotation): a ticket sealed with the previous key
/// still resumes; one two rotations old makes a full handshake.
#[test]
fn rfc8446_4_6_1_previous_key_resumes_two_rotations_old_is_full() {
    let fleet = Fleet::new(ClientAuthPolicy::Required);
    fleet.connect(11).assert_ok();
    fleet.keys.rotate(key(2));
    let second = fleet.connect(12);
    second.assert_ok();
    assert_eq!(kinds(&second).1, Kind::Tls13Psk);
    // The ticket the resumption gave is sealed with key 2; two rotations retire it.
    fleet.keys.rotate(key(3));
    fleet.keys.rotate(key(4));
    let third = fleet.connect(13);
    third.assert_ok();
    assert_eq!(kinds(&third).1, Kind::Tls13ClientCert);
}

/// A client store with one session for every name, which keeps the first one put (so
/// that a ticket can be offered again, or under another name).
#[derive(Default)]
struct Frozen(Mutex<Option<Arc<StoredSession>>>);

impl Frozen {
    fn kept(&self) -> Option<Arc<StoredSession>> {
        self.0.lock().unwrap().clone()
    }
}

impl ClientSessionStore for Frozen {
    fn put(&self, _key: &SessionKey, session: Arc<StoredSession>) {
        let mut s = self.0.lock().unwrap();
        if s.is_none() {
            *s = Some(session);
        }
    }
    fn take_tls13(&self, _key: &SessionKey, _now: u64) -> Option<Arc<StoredSession>> {
        self.kept().filter(|s| s.tls13().is_some())
    }
    fn get_tls12(&self, _key: &SessionKey, _now: u64) -> Option<Arc<StoredSession>> {
        self.kept().filter(|s| s.tls13().is_none())
    }
    fn forget_tls12(&self, _key: &SessionKey, _session_id: &[u8]) {}
}

/// RFC 8446 4.6.1 ("the SNI value ... MUST match"), RFC 6066 3: a ticket issued for one
/// name makes a full handshake under another.
#[test]
fn rfc8446_4_6_1_a_ticket_for_another_name_makes_a_full_handshake() {
    let mut fleet = Fleet::new(ClientAuthPolicy::Required);
    fleet.store = Arc::new(Frozen::default());
    fleet.connect(14).assert_ok();
    let (cc, sc) = fleet.configs();
    let mut other = Conn13::named(cc, sc, 15, "other.example", None, None);
    other.run();
    other.assert_ok();
    assert_eq!(kinds(&other).1, Kind::Tls13ClientCert);
    // The same ticket under its own name still resumes.
    let again = fleet.connect(16);
    again.assert_ok();
    assert_eq!(kinds(&again).1, Kind::Tls13Psk);
}

/// RFC 8446 8 (anti-replay): a ticket is accepted once; offered again it makes a full
/// handshake, never an error.
#[test]
fn rfc8446_8_a_replayed_ticket_is_not_accepted_twice() {
    let mut fleet = Fleet::new(ClientAuthPolicy::Required);
    fleet.store = Arc::new(Frozen::default());
    fleet.connect(17).assert_ok();
    let second = fleet.connect(18);
    second.assert_ok();
    assert_eq!(kinds(&second).1, Kind::Tls13Psk);
    let replayed = fleet.connect(19);
    replayed.assert_ok();
    assert_eq!(kinds(&replayed).1, Kind::Tls13ClientCert);
    // The very ClientHello of the resumption, replayed: no PSK accepted.
    let sh = server_hello_for(&fleet, &second.c.sent[0]);
    assert_eq!(sh.extensions.selected_identity(), None);
}

/// RFC 8446 4.2.11.2: a binder that does not verify ends the handshake with
/// `decrypt_error`.
#[test]
fn rfc8446_4_2_11_2_a_bad_binder_is_decrypt_error() {
    let fleet = Fleet::new(ClientAuthPolicy::Required);
    fleet.connect(20).assert_ok();
    let (cc, sc) = fleet.configs();
    let flip = edit13(HandshakeType::ClientHello, |p| {
        if let HandshakePayload::ClientHello(ch) = p
            && let Some(Extension::PreSharedKey(psk)) = ch.extensions.list.last_mut()
        {
            psk.binders[0][0] ^= 1;
        }
    });
    let mut conn = Conn13::with_tampers(cc, sc, 21, Some(flip), None);
    conn.run();
    conn.assert_failed(Side::Server, AlertDescription::DecryptError);
}

/// The stored TLS 1.3 session for "localhost", taken out of the store, as a copy whose
/// ticket `edit` changed.
fn with_edited_ticket(
    config: &ClientConfig,
    store: &dyn ClientSessionStore,
    edit: impl FnOnce(&mut Vec<u8>),
) -> StoredSession {
    let kept = store
        .take_tls13(&config.session_key("localhost"), NOW)
        .unwrap();
    let t = kept.tls13().unwrap();
    let mut ticket = kept.ticket().unwrap().to_vec();
    edit(&mut ticket);
    StoredSession::new13(
        kept.suite,
        kept.peer_certificates.clone(),
        kept.server_name.clone(),
        kept.created,
        Tls13Session::new(t.psk(), t.issued, t.lifetime, t.age_add, t.alpn.clone()),
    )
    .with_ticket(ticket)
    .made_by(config)
}

/// RFC 8446 4.6.1, 4.2.11: a tampered or truncated ticket does not open: a full handshake,
/// never an error (its binder is not even looked at). The untouched copy resumes.
#[test]
fn rfc8446_4_2_11_a_tampered_or_truncated_ticket_makes_a_full_handshake() {
    type Edit = fn(&mut Vec<u8>);
    let edits: [(Edit, Kind); 5] = [
        (|_| {}, Kind::Tls13Psk),
        (|t| t[0] ^= 1, Kind::Tls13ClientCert),
        (
            |t| {
                let n = t.len();
                t[n / 2] ^= 0x80
            },
            Kind::Tls13ClientCert,
        ),
        (|t| t.truncate(t.len() - 1), Kind::Tls13ClientCert),
        (|t| t.truncate(20), Kind::Tls13ClientCert),
    ];
    for (i, (edit, want)) in edits.into_iter().enumerate() {
        let fleet = Fleet::new(ClientAuthPolicy::Required);
        fleet.connect(22).assert_ok();
        let (cc, _) = fleet.configs();
        let edited = with_edited_ticket(&cc, &*fleet.store, edit);
        fleet
            .store
            .put(&cc.session_key("localhost"), Arc::new(edited));
        let conn = fleet.connect(23 + i as u8);
        conn.assert_ok();
        assert_eq!(kinds(&conn), (want, want), "edit {i}");
    }
}

/// RFC 8446 8.3, 4.2.11.1: a ticket whose reported age is more than the window (about 10
/// s) away from the age the server knows makes a full handshake; within it, it resumes.
#[test]
fn rfc8446_8_3_a_ticket_age_out_of_the_window_makes_a_full_handshake() {
    let mut fleet = Fleet::new(ClientAuthPolicy::Required);
    fleet.connect(30).assert_ok();
    // The client's clock says 5 s later, the server's 65 s: 60 s apart.
    fleet.client_now = NOW + 5;
    fleet.server_now = NOW + 65;
    let skewed = fleet.connect(31);
    skewed.assert_ok();
    assert_eq!(kinds(&skewed).1, Kind::Tls13ClientCert);
    // The tickets of that connection, 8 s apart: resumes.
    fleet.client_now = NOW + 100;
    fleet.server_now = NOW + 168;
    let near = fleet.connect(32);
    near.assert_ok();
    assert_eq!(kinds(&near).1, Kind::Tls13Psk);
}

/// RFC 8446 4.6.1: a ticket past its lifetime makes a full handshake (the client no longer
/// offers it; the server would not take it).
#[test]
fn rfc8446_4_6_1_an_expired_ticket_makes_a_full_handshake() {
    let mut fleet = Fleet::new(ClientAuthPolicy::Required);
    fleet.connect(33).assert_ok();
    fleet.client_now = NOW + 3600;
    fleet.server_now = NOW + 3600;
    let late = fleet.connect(34);
    late.assert_ok();
    assert_eq!(kinds(&late).1, Kind::Tls13ClientCert);
}

/// The ServerHello a fresh server of `fleet` answers `client_hello` with.
fn server_hello_for(fleet: &Fleet, client_hello: &[u8]) -> mtls_wire::handshake::ServerHello {
    let (_, sc) = fleet.configs();
    let mut server = mtls_handshake::ServerHandshake::new(Arc::new(sc));
    let actions = server
        .handle(mtls_handshake::Input::Handshake(client_hello))
        .unwrap();
    let hello = actions
        .iter()
        .find_map(|a| match a {
            mtls_handshake::Action::SendHandshake(m) => Some(parse13(m)),
            _ => None,
        })
        .unwrap();
    match hello {
        HandshakePayload::ServerHello(sh) => sh,
        other => panic!("{other:?}"),
    }
}

/// Our client's next ClientHello (offering the stored ticket), as bytes.
fn next_client_hello(fleet: &Fleet) -> Vec<u8> {
    let (cc, _) = fleet.configs();
    let (_, actions) =
        mtls_handshake::ClientHandshake::new(Arc::new(cc), Some("localhost")).unwrap();
    actions
        .into_iter()
        .find_map(|a| match a {
            mtls_handshake::Action::SendHandshake(m) => Some(m),
            _ => None,
        })
        .unwrap()
}

/// RFC 8446 4.2.9: a server that resumes only with psk_dhe_ke never selects a PSK the
/// client allows with psk_ke alone: a full handshake (its ServerHello selects no PSK).
#[test]
fn rfc8446_4_2_9_psk_ke_alone_is_never_selected() {
    let fleet = Fleet::new(ClientAuthPolicy::Required);
    fleet.connect(35).assert_ok();
    let hello = next_client_hello(&fleet);
    let HandshakePayload::ClientHello(mut ch) = parse13(&hello) else {
        panic!()
    };
    for e in &mut ch.extensions.list {
        if let Extension::PskKeyExchangeModes(m) = e {
            *m = vec![PskKeyExchangeMode::PskKe];
        }
    }
    let psk_ke = encode13(HandshakePayload::ClientHello(ch));
    assert_eq!(
        server_hello_for(&fleet, &psk_ke)
            .extensions
            .selected_identity(),
        None
    );
    // The hello as the client sent it resumes.
    assert_eq!(
        server_hello_for(&fleet, &hello)
            .extensions
            .selected_identity(),
        Some(0)
    );
}

/// RFC 8446 4.2.11: the client refuses a `selected_identity` it did not offer with
/// `illegal_parameter`.
#[test]
fn rfc8446_4_2_11_selected_identity_out_of_range_is_illegal_parameter() {
    let fleet = Fleet::new(ClientAuthPolicy::Required);
    fleet.connect(37).assert_ok();
    let (cc, sc) = fleet.configs();
    let second = edit13(HandshakeType::ServerHello, |p| {
        if let HandshakePayload::ServerHello(sh) = p {
            for e in &mut sh.extensions.list {
                if let Extension::SelectedIdentity(i) = e {
                    *i = 1;
                }
            }
        }
    });
    let mut conn = Conn13::with_tampers(cc, sc, 38, None, Some(second));
    conn.run();
    conn.assert_failed(Side::Client, AlertDescription::IllegalParameter);
}

/// A verifier that refuses every chain with `error` from the moment it is told to.
struct Changing {
    refuse: Mutex<Option<CertificateError>>,
}

impl ClientCertVerifier for Changing {
    fn root_hint_subjects(&self) -> Vec<mtls_handshake::certs::DistinguishedName> {
        Vec::new()
    }
    fn verify_client_cert(
        &self,
        _chain: &[mtls_handshake::CertificateDer<'_>],
        _now: u64,
    ) -> Result<(), CertificateError> {
        match &*self.refuse.lock().unwrap() {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }
}

/// "Resumption never outlives the policy that admitted the client" (docs/SECURITY.md): a
/// ticket whose client certificate has expired, or whose CA is no longer trusted, makes a
/// full handshake that refuses the client, as in TLS 1.2.
#[test]
fn rfc8446_4_6_1_a_ticket_whose_client_is_no_longer_admitted_makes_a_full_handshake_that_refuses_it()
 {
    for (error, alert) in [
        (
            CertificateError::Expired,
            AlertDescription::CertificateExpired,
        ),
        (CertificateError::UnknownIssuer, AlertDescription::UnknownCa),
    ] {
        let mut fleet = Fleet::new(ClientAuthPolicy::Required);
        let changing = Arc::new(Changing {
            refuse: Mutex::new(None),
        });
        fleet.verifier = changing.clone();
        fleet.connect(40).assert_ok();
        *changing.refuse.lock().unwrap() = Some(error);
        let refused = fleet.connect(41);
        refused.assert_failed(Side::Server, alert);
        // The server asked for a certificate again: a full handshake, not the PSK row.
        assert!(types(&refused.s.sent).contains(&HandshakeType::CertificateRequest));
    }
}

/// The same with real roots and a verifier that vouches in the ticket (policy digest and
/// notAfter): the ticket's verdict holds until the certificate expires, and a server whose
/// roots changed does not trust it.
#[test]
fn rfc8446_4_6_1_the_tickets_verdict_holds_only_for_the_same_roots_and_until_expiry() {
    let roots = |ca: &str| {
        let mut r = mtls_pki::RootStore::new();
        r.add(&fixture(ca).into()).unwrap();
        Arc::new(mtls_pki::WebPkiClientVerifier::new(r)) as Arc<dyn ClientCertVerifier>
    };
    // A day after NOW: inside the fixtures' validity (NOW precedes their notBefore by
    // minutes, which only a real path validation sees).
    let day = NOW + 86_400;
    let mut fleet = Fleet::new(ClientAuthPolicy::Required);
    fleet.verifier = roots("ca.cert.der");
    (fleet.client_now, fleet.server_now) = (day, day);
    fleet.connect(42).assert_ok();
    let resumed = fleet.connect(43);
    resumed.assert_ok();
    assert_eq!(kinds(&resumed).1, Kind::Tls13Psk);
    // Client certificates now come from the P-384 CA only.
    fleet.verifier = roots("ca-p384.cert.der");
    fleet
        .connect(44)
        .assert_failed(Side::Server, AlertDescription::UnknownCa);
    // January 2040: the client certificate (notAfter 2036) has expired; tickets that live
    // long enough to get there.
    let mut fleet = Fleet::new(ClientAuthPolicy::Required);
    fleet.verifier = roots("ca.cert.der");
    fleet.keys = Arc::new(TicketKeys::new(key(5), None, u32::MAX));
    (fleet.client_now, fleet.server_now) = (day, day);
    fleet.connect(45).assert_ok();
    fleet.client_now = 2_208_988_800;
    fleet.server_now = 2_208_988_800;
    fleet
        .connect(46)
        .assert_failed(Side::Server, AlertDescription::CertificateExpired);
}

/// RFC 8446 4.6.1, 4.6.2: the tickets of a handshake without client authentication carry no
/// identity; after a post-handshake authentication a fresh ticket carries the new one.
#[test]
fn rfc8446_4_6_1_a_fresh_ticket_after_post_handshake_authentication() {
    let fleet = Fleet::new(ClientAuthPolicy::PostHandshake);
    let mut first = fleet.connect(50);
    first.assert_ok();
    assert_eq!(tickets_sent(&first), 2);
    first
        .post(Side::Server, PostHandshakeRequest::RequestClientCertificate)
        .unwrap();
    assert_eq!(first.s.peer_authenticated, 1);
    assert_eq!(tickets_sent(&first), 3, "one fresh ticket");
    // The store keeps the newest ticket: the one with the identity.
    let second = fleet.connect(51);
    second.assert_ok();
    let s = second.server.summary().unwrap();
    assert_eq!(s.kind, Kind::Tls13Psk);
    assert_eq!(
        s.peer_certificates,
        first.server.summary().unwrap().peer_certificates
    );
    assert!(s.peer_verified && s.peer_identity.is_some());

    // A ticket from before the authentication resumes without an identity.
    let mut fleet = Fleet::new(ClientAuthPolicy::PostHandshake);
    fleet.store = Arc::new(Frozen::default());
    let mut first = fleet.connect(52);
    first
        .post(Side::Server, PostHandshakeRequest::RequestClientCertificate)
        .unwrap();
    let second = fleet.connect(53);
    second.assert_ok();
    let s = second.server.summary().unwrap();
    assert_eq!(s.kind, Kind::Tls13Psk);
    assert!(s.peer_certificates.is_empty() && !s.peer_verified);
}

/// A TLS 1.2 ticket offered as a TLS 1.3 PSK, and a TLS 1.3 ticket offered in a TLS 1.2
/// SessionTicket, make full handshakes: the ticket format's version names the protocol.
#[test]
fn rfc8446_4_6_1_a_ticket_of_the_other_version_makes_a_full_handshake() {
    let fleet = Fleet::new(ClientAuthPolicy::Required);
    let frozen = Arc::new(Frozen::default());
    // A TLS 1.2 ticket, from the same keys.
    let (mut cc, mut sc) = fleet.configs();
    cc.versions = vec![ProtocolVersion::TLSv1_2];
    sc.versions = vec![ProtocolVersion::TLSv1_2];
    cc.session_store = Some(frozen.clone());
    let mut p = Pair::build(
        Arc::new(cc),
        Arc::new(sc),
        60,
        Some("localhost"),
        None,
        None,
    );
    p.run();
    p.assert_ok();
    let ticket12 = frozen.kept().unwrap().ticket().unwrap().to_vec();
    // Offered as a TLS 1.3 PSK.
    let (mut cc, sc) = fleet.configs();
    let posing = StoredSession::new13(
        TLS13_AES_128_GCM_SHA256.suite,
        Vec::new(),
        Some("localhost".into()),
        NOW,
        Tls13Session::new(&[7; 32], NOW, 3600, 0, None),
    )
    .with_ticket(ticket12)
    .made_by(&cc);
    let store = Arc::new(InMemoryClientSessionStore::new(8, 3600));
    store.put(&cc.session_key("localhost"), Arc::new(posing));
    cc.session_store = Some(store);
    let mut conn = Conn13::new(cc, sc, 61);
    conn.run();
    conn.assert_ok();
    assert!(types(&conn.c.sent[..1]) == [HandshakeType::ClientHello]);
    assert_eq!(kinds(&conn).1, Kind::Tls13ClientCert);

    // A TLS 1.3 ticket offered in TLS 1.2.
    let mut fleet13 = Fleet::new(ClientAuthPolicy::Required);
    fleet13.keys = fleet.keys.clone();
    let frozen13 = Arc::new(Frozen::default());
    fleet13.store = frozen13.clone();
    fleet13.connect(62).assert_ok();
    let ticket13 = frozen13.kept().unwrap().ticket().unwrap().to_vec();
    let (mut cc, mut sc) = fleet.configs();
    cc.versions = vec![ProtocolVersion::TLSv1_2];
    sc.versions = vec![ProtocolVersion::TLSv1_2];
    let posing = StoredSession::new(
        vec![1; 32],
        mtls_wire::CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        &mtls_prf::MasterSecret::from_bytes([3; 48]),
        true,
        Vec::new(),
        Some("localhost".into()),
        NOW,
    )
    .with_ticket(ticket13)
    .made_by(&cc);
    let store = Arc::new(InMemoryClientSessionStore::new(8, 3600));
    store.put(&cc.session_key("localhost"), Arc::new(posing));
    cc.session_store = Some(store);
    let mut p = Pair::build(
        Arc::new(cc),
        Arc::new(sc),
        63,
        Some("localhost"),
        None,
        None,
    );
    p.run();
    p.assert_ok();
    let s = p.server.summary().unwrap();
    assert!(!s.resumed && !s.kind.is_resumption());
}
