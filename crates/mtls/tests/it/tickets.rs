//! Session tickets (RFC 5077) between our client and our servers: a ticket one server issued
//! resumes on another that holds the same keys; rotation keeps the previous key for one
//! period; and a ticket is never a way around today's policy: another SNI name, a CA no
//! longer trusted, an expired client certificate, the authorization hook, a tampered or
//! truncated ticket.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use mtls::pki::RootStore;
use mtls::{
    AlertDescription, ClientConfig, ClientConnection, ClientSessionStore, Error, FixedClock,
    HandshakeKind, ServerConfig, ServerConnection, SessionKey, StoredSession, TicketKey,
    TicketKeys, TimeProvider,
};
use mtls_testkit::fixtures::{CA, CA_P384};
use mtls_testkit::{chain, key, pump};

fn roots(ca: &[u8]) -> RootStore {
    let mut r = RootStore::new();
    r.add(&ca.to_vec().into()).unwrap();
    r
}

fn fresh_key() -> TicketKey {
    TicketKey::generate(&mut mtls::OsRng).unwrap()
}

/// One day.
const LIFETIME: u32 = 86_400;

fn keys() -> Arc<TicketKeys> {
    Arc::new(TicketKeys::new(fresh_key(), None, LIFETIME))
}

/// A stateless server (no session cache) sealing tickets with `keys`; client certificates
/// of `client_ca` required.
fn server_with(keys: &Arc<TicketKeys>, client_ca: &[u8]) -> mtls::ServerConfigBuilder {
    ServerConfig::builder()
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .certificate(chain("server-ecdsa"), key("server-ecdsa"))
        .certificate(chain("server-other"), key("server-other"))
        .client_auth_required(roots(client_ca))
        .session_cache(None)
        .ticketer(keys.clone())
}

fn server(keys: &Arc<TicketKeys>) -> ServerConfig {
    server_with(keys, CA).build().unwrap()
}

fn client() -> ClientConfig {
    ClientConfig::with_roots(roots(CA))
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .client_certificate(chain("client-ecdsa"), key("client-ecdsa"))
        .build()
        .unwrap()
}

/// One connection; the server's result and its connection.
fn connect(
    client: &ClientConfig,
    server: &ServerConfig,
    name: &str,
) -> (ServerConnection, Result<(), Error>, ClientConnection) {
    let mut c = ClientConnection::new(client, name).unwrap();
    let mut s = ServerConnection::new(server).unwrap();
    let (_, rs) = pump(&mut c, &mut s);
    (s, rs, c)
}

fn kind(s: &ServerConnection) -> HandshakeKind {
    s.handshake_kind().unwrap()
}

#[test]
fn rfc5077_3_1_a_ticket_from_one_server_resumes_on_another_with_the_same_keys() {
    let keys = keys();
    let (a, b) = (server(&keys), server(&keys));
    let client = client();
    let (s, r, _) = connect(&client, &a, "localhost");
    r.unwrap();
    assert_eq!(kind(&s), HandshakeKind::FullEcdheClientCertTicket);

    let (s, r, c) = connect(&client, &b, "localhost");
    r.unwrap();
    assert_eq!(kind(&s), HandshakeKind::Resumed, "resumed without a cache");
    assert_eq!(c.handshake_kind(), Some(HandshakeKind::Resumed));
    // The client's identity came back with the ticket, verified again.
    let who = s.peer_identity().expect("a verified identity");
    assert_eq!(who.subject(), "CN=test-client-ecdsa");
    // RFC 5077 3.4: the server echoed the session id the client chose.
    let (cs, ss) = (
        c.handshake_summary().unwrap(),
        s.handshake_summary().unwrap(),
    );
    assert_eq!(cs.session_id.len(), 32);
    assert_eq!(ss.session_id, cs.session_id);
}

#[test]
fn rfc5077_3_1_a_ticket_of_the_previous_key_resumes_and_is_renewed() {
    let keys = keys();
    let server = server(&keys);
    let client = client();
    connect(&client, &server, "localhost").1.unwrap();

    keys.rotate(fresh_key());
    let (s, r, _) = connect(&client, &server, "localhost");
    r.unwrap();
    assert_eq!(kind(&s), HandshakeKind::ResumedTicket, "renewed");
    // The renewed ticket is under the current key: no renewal next time.
    let (s, r, _) = connect(&client, &server, "localhost");
    r.unwrap();
    assert_eq!(kind(&s), HandshakeKind::Resumed);

    // Two rotations later the key is gone: a full handshake, and a fresh ticket.
    keys.rotate(fresh_key());
    keys.rotate(fresh_key());
    let (s, r, _) = connect(&client, &server, "localhost");
    r.unwrap();
    assert_eq!(kind(&s), HandshakeKind::FullEcdheClientCertTicket);
}

/// A clock the test moves.
struct Clock(AtomicU64);

impl TimeProvider for Clock {
    fn now(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

#[test]
fn scheduled_rotation_keeps_a_ticket_for_one_more_period_and_no_longer() {
    const START: u64 = 1_800_000_000; // 2027
    let clock = Arc::new(Clock(AtomicU64::new(START)));
    let keys = Arc::new(TicketKeys::rotating(3600, clock.clone()).unwrap());
    let server = server_with(&keys, CA).clock(clock.clone()).build().unwrap();
    let client = ClientConfig::with_roots(roots(CA))
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .client_certificate(chain("client-ecdsa"), key("client-ecdsa"))
        .clock(clock.clone())
        .build()
        .unwrap();
    let at = |t: u64| {
        clock.0.store(START + t, Ordering::Relaxed);
        kind(&connect(&client, &server, "localhost").0)
    };
    // A ticket issued late in the first key's period...
    assert_eq!(at(3000), HandshakeKind::FullEcdheClientCertTicket);
    // ...resumes after the rotation, under the previous key, and is renewed.
    assert_eq!(at(3700), HandshakeKind::ResumedTicket);
    // A ticket lives one period from its session's start, renewed or not: past it, a full
    // handshake.
    assert_eq!(at(6700), HandshakeKind::FullEcdheClientCertTicket);
    // Idle for two periods: both keys are new, and that ticket no longer opens.
    assert_eq!(
        at(6700 + 2 * 3600 + 1),
        HandshakeKind::FullEcdheClientCertTicket
    );
}

/// What the test does to a ticket before the client offers it.
type Alteration = Box<dyn Fn(&[u8]) -> Vec<u8> + Send>;

/// A client session store that offers one session (possibly altered) to every server name.
#[derive(Default)]
struct OneSession {
    session: Mutex<Option<Arc<StoredSession>>>,
    alter: Mutex<Option<Alteration>>,
    /// The key of the last session put.
    key: Mutex<Option<SessionKey>>,
    /// The keys the client looked sessions up with.
    offered: Mutex<Vec<SessionKey>>,
}

impl ClientSessionStore for OneSession {
    fn put(&self, key: &SessionKey, session: Arc<StoredSession>) {
        *self.key.lock().unwrap() = Some(key.clone());
        *self.session.lock().unwrap() = Some(session);
    }
    fn take_tls13(&self, _key: &SessionKey, _now: u64) -> Option<Arc<StoredSession>> {
        None
    }
    fn get_tls12(&self, key: &SessionKey, _now: u64) -> Option<Arc<StoredSession>> {
        self.offered.lock().unwrap().push(key.clone());
        let s = self.session.lock().unwrap().clone()?;
        let alter = self.alter.lock().unwrap();
        let Some(alter) = alter.as_ref() else {
            return Some(s);
        };
        let copy = StoredSession::new(
            s.session_id.clone(),
            s.suite,
            &s.master_secret(),
            s.extended_master_secret,
            s.peer_certificates.clone(),
            s.server_name.clone(),
            s.created,
        );
        Some(Arc::new(
            copy.with_ticket(alter(s.ticket()?)).bind_to(s.bound_to()?),
        ))
    }
    fn forget_tls12(&self, _key: &SessionKey, _session_id: &[u8]) {}
}

fn client_with(store: &Arc<OneSession>) -> ClientConfig {
    ClientConfig::with_roots(roots(CA))
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .client_certificate(chain("client-ecdsa"), key("client-ecdsa"))
        .session_store(Some(store.clone()))
        .build()
        .unwrap()
}

#[test]
fn rfc6066_3_a_ticket_for_another_name_makes_a_full_handshake() {
    let keys = keys();
    let server = server(&keys);
    let store = Arc::new(OneSession::default());
    let client = client_with(&store);
    connect(&client, &server, "localhost").1.unwrap();
    let (s, r, _) = connect(&client, &server, "other.example");
    r.unwrap();
    assert_eq!(kind(&s), HandshakeKind::FullEcdheClientCertTicket);
    assert_eq!(s.server_name(), Some("other.example"));
}

#[test]
fn a_tampered_or_truncated_ticket_makes_a_full_handshake_never_an_error() {
    let keys = keys();
    let server = server(&keys);
    let store = Arc::new(OneSession::default());
    let client = client_with(&store);
    connect(&client, &server, "localhost").1.unwrap();
    let len = store
        .session
        .lock()
        .unwrap()
        .as_ref()
        .unwrap()
        .ticket()
        .unwrap()
        .len();
    let alterations: Vec<Alteration> = vec![
        // A bit flipped in the key name, the nonce, the body and the tag.
        Box::new(|t| flip(t, 0)),
        Box::new(|t| flip(t, 20)),
        Box::new(|t| flip(t, 40)),
        Box::new(move |t| flip(t, len - 1)),
        // Truncated: to nothing but one byte, inside the header, one byte short.
        Box::new(|t| t[..1].to_vec()),
        Box::new(|t| t[..20].to_vec()),
        Box::new(move |t| t[..len - 1].to_vec()),
        // Longer.
        Box::new(|t| [t, &[0]].concat()),
    ];
    for (i, alter) in alterations.into_iter().enumerate() {
        // Each alteration applies to the ticket of the last full handshake.
        *store.alter.lock().unwrap() = Some(alter);
        let (s, r, _) = connect(&client, &server, "localhost");
        r.unwrap_or_else(|e| panic!("alteration {i}: {e}"));
        assert_eq!(
            kind(&s),
            HandshakeKind::FullEcdheClientCertTicket,
            "alteration {i}"
        );
        *store.alter.lock().unwrap() = None;
    }
}

fn flip(t: &[u8], at: usize) -> Vec<u8> {
    let mut t = t.to_vec();
    t[at] ^= 0x01;
    t
}

#[test]
fn a_ticket_whose_client_ca_is_no_longer_trusted_makes_a_full_handshake_that_refuses_it() {
    let keys = keys();
    let client = client();
    connect(&client, &server(&keys), "localhost").1.unwrap();
    // The same keys, but client certificates now come from the P-384 CA only.
    let stricter = server_with(&keys, CA_P384).build().unwrap();
    let (s, r, _) = connect(&client, &stricter, "localhost");
    assert_eq!(r.unwrap_err().alert(), Some(AlertDescription::UnknownCa));
    assert!(s.handshake_kind().is_none());
}

#[test]
fn a_ticket_whose_client_certificate_expired_makes_a_full_handshake_that_refuses_it() {
    // Tickets that live a century, so that only the certificate's expiry can matter.
    let keys = Arc::new(TicketKeys::new(fresh_key(), None, u32::MAX));
    let client = client();
    connect(&client, &server(&keys), "localhost").1.unwrap();
    // January 2040: the client certificate (notAfter 2036) has expired.
    let later = server_with(&keys, CA)
        .clock(Arc::new(FixedClock(2_208_988_800)))
        .build()
        .unwrap();
    let (_, r, _) = connect(&client, &later, "localhost");
    assert_eq!(
        r.unwrap_err().alert(),
        Some(AlertDescription::CertificateExpired)
    );
}

#[test]
fn the_authorization_hook_runs_again_on_a_ticket() {
    let keys = keys();
    let client = client();
    connect(&client, &server(&keys), "localhost").1.unwrap();
    let refusing = server_with(&keys, CA)
        .authorize(|_: &mtls::ClientAuthorization<'_>| Err("revoked by policy".to_string()))
        .build()
        .unwrap();
    let (_, r, _) = connect(&client, &refusing, "localhost");
    assert_eq!(r.unwrap_err().alert(), Some(AlertDescription::AccessDenied));
}

#[test]
fn no_ticket_without_a_ticketer_or_when_the_client_does_not_ask() {
    // A server with a session cache and no ticketer: resumption by id, as before.
    let by_id = ServerConfig::builder()
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .certificate(chain("server-ecdsa"), key("server-ecdsa"))
        .client_auth_required(roots(CA))
        .build()
        .unwrap();
    let client = client();
    assert_eq!(
        kind(&connect(&client, &by_id, "localhost").0),
        HandshakeKind::FullEcdheClientCert
    );
    assert_eq!(
        kind(&connect(&client, &by_id, "localhost").0),
        HandshakeKind::Resumed
    );
    // A client that does not ask gets no ticket from a ticketing server.
    let keys = keys();
    let no_tickets = ClientConfig::with_roots(roots(CA))
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .client_certificate(chain("client-ecdsa"), key("client-ecdsa"))
        .enable_tickets(false)
        .build()
        .unwrap();
    assert_eq!(
        kind(&connect(&no_tickets, &server(&keys), "localhost").0),
        HandshakeKind::FullEcdheClientCert
    );
}

/// The webpki client verifier, counting the chains it verifies.
struct Counting {
    inner: mtls::pki::WebPkiClientVerifier,
    verified: AtomicU64,
    /// Whether to name a policy digest (the webpki verifier does, without CRLs).
    digest: bool,
}

impl mtls::ClientCertVerifier for Counting {
    fn root_hint_subjects(&self) -> Vec<mtls::DistinguishedName> {
        self.inner.root_hint_subjects()
    }
    fn verify_client_cert(
        &self,
        chain: &[mtls::CertificateDer<'_>],
        now: u64,
    ) -> Result<(), mtls::CertificateError> {
        self.verified.fetch_add(1, Ordering::Relaxed);
        self.inner.verify_client_cert(chain, now)
    }
    fn verified_until(&self, chain: &[mtls::CertificateDer<'_>]) -> Option<u64> {
        self.inner.verified_until(chain)
    }
    fn policy_digest(&self) -> Option<[u8; 32]> {
        self.digest.then(|| self.inner.policy_digest()).flatten()
    }
}

fn counting(digest: bool) -> Arc<Counting> {
    Arc::new(Counting {
        inner: mtls::pki::WebPkiClientVerifier::new(roots(CA)),
        verified: AtomicU64::new(0),
        digest,
    })
}

fn counted_server(keys: &Arc<TicketKeys>, v: &Arc<Counting>) -> ServerConfig {
    ServerConfig::builder()
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .certificate(chain("server-ecdsa"), key("server-ecdsa"))
        .client_auth(mtls::ClientAuthPolicy::Required, v.clone())
        .session_cache(None)
        .ticketer(keys.clone())
        .build()
        .unwrap()
}

#[test]
fn a_verifier_with_the_same_policy_digest_trusts_the_tickets_verdict_until_it_expires() {
    let keys = keys();
    let (va, vb) = (counting(true), counting(true));
    let (a, b) = (counted_server(&keys, &va), counted_server(&keys, &vb));
    use mtls::ClientCertVerifier as _;
    assert_eq!(
        va.policy_digest(),
        vb.policy_digest(),
        "same roots, same digest"
    );
    let client = client();
    connect(&client, &a, "localhost").1.unwrap();
    assert_eq!(va.verified.load(Ordering::Relaxed), 1);
    // Another replica, another verifier object with the same roots: no re-verification.
    let (s, r, _) = connect(&client, &b, "localhost");
    r.unwrap();
    assert_eq!(kind(&s), HandshakeKind::Resumed);
    assert_eq!(vb.verified.load(Ordering::Relaxed), 0);
    assert!(s.peer_identity().is_some());

    // A verifier that names no digest (one with CRLs, say) verifies the ticket's chain.
    let vc = counting(false);
    let (s, r, _) = connect(&client, &counted_server(&keys, &vc), "localhost");
    r.unwrap();
    assert_eq!(kind(&s), HandshakeKind::Resumed);
    assert_eq!(vc.verified.load(Ordering::Relaxed), 1);
}

#[test]
fn root_stores_with_other_roots_have_other_digests() {
    let p = mtls::provider::default_provider();
    let (one, other) = (roots(CA), roots(CA_P384));
    assert_eq!(one.digest(p), roots(CA).digest(p));
    assert_ne!(one.digest(p), other.digest(p));
    let mut both = roots(CA);
    both.add(&CA_P384.to_vec().into()).unwrap();
    assert_ne!(both.digest(p), one.digest(p));
}

#[test]
fn a_client_session_saved_as_bytes_resumes_after_a_restart() {
    let keys = keys();
    let server = server(&keys);
    let store = Arc::new(OneSession::default());
    connect(&client_with(&store), &server, "localhost")
        .1
        .unwrap();
    let saved = store
        .session
        .lock()
        .unwrap()
        .as_ref()
        .unwrap()
        .to_bytes()
        .unwrap();
    // A new process: a fresh store, filled from the saved bytes.
    let restarted = Arc::new(OneSession::default());
    *restarted.session.lock().unwrap() = Some(Arc::new(StoredSession::from_bytes(&saved).unwrap()));
    let (s, r, _) = connect(&client_with(&restarted), &server, "localhost");
    r.unwrap();
    assert_eq!(kind(&s), HandshakeKind::Resumed);
}
