//! Many threads, one server (issue 20, item 2; docs/SECURITY.md, "Concurrency").
//!
//! [`WORKERS`] threads connect, [`PER_WORKER`] connections each, through the in-memory pump to
//! one server whose configuration they read afresh for every connection from a slot
//! (`RwLock<Arc<..>>`) that a reloader thread swaps every [`RELOAD_EVERY`] connections. Every
//! configuration shares the same session cache ([`CACHE_CAPACITY`] sessions, far fewer than
//! the clients hold, so that it evicts all the time) or the same ticket keys, which another
//! thread rotates every [`ROTATE_EVERY`] connections. A reload builds new verifiers (same
//! roots, or a CA dropped: "Resumption never outlives the policy that admitted the client").
//!
//! Five client identities from three CAs: the fixture ECDSA and RSA clients of the test CA,
//! the fixture P-384 client of the P-384 CA, and two clients minted here by a CA of this
//! test. The first three keep sessions in a store of their own; the two minted clients share
//! one, and neither may resume a session the other made (a client offers only the sessions
//! its own configuration made: no resumption is ever "borrowed").
//!
//! Every connection is checked as it ends: a client whose CA the configuration in use trusts
//! connects, full or resumed, and the server sees exactly the identity of the client that
//! made the session (its own on a full handshake; on a resumption the maker recorded when
//! the session was stored); data goes both ways. A client of a dropped CA is refused with
//! `unknown_ca`, on a full handshake as on a resumption. The totals must add up, and
//! resumptions, misses (eviction, rotation), refusals of resumed sessions and reloads must
//! all have happened: else the run proved nothing.
//!
//! Counts only, no clock: the background threads run on connection counts.

use std::cell::Cell;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use mtls::pki::RootStore;
use mtls::{
    AlertDescription, CertificateDer, ClientConfig, ClientConnection, ClientSessionStore,
    HandshakeKind, InMemoryClientSessionStore, InMemorySessionCache, PeerIdentity, ProtocolVersion,
    ServerConfig, ServerConnection, ServerSessionCache, SessionKey, SigningKey, StoredSession,
    TicketKey, TicketKeys, TicketReplayGuard, Ticketer,
};
use mtls_handshake::ticket::Opened;
use mtls_testkit::fixtures::{CA, CA_P384};
use mtls_testkit::{chain, key, pump, pump_ok};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

/// Threads that connect (the reloader and the key rotator run besides them).
const WORKERS: usize = 16;
/// Connections per worker: 16 × 150 = 2,400 per TLS 1.2 test. The TLS 1.3 test, full
/// handshakes only, makes half as many.
const PER_WORKER: usize = 150;
/// The server's session cache bound: the clients hold up to 4 stores × [`NAMES`] = 96
/// sessions, so the cache evicts sessions that clients still offer.
const CACHE_CAPACITY: usize = 64;
/// SNI names connected to (`localhost`, `N.other.example`): a client store keeps one
/// session per name.
const NAMES: usize = 24;
/// A configuration reload every this many connections.
const RELOAD_EVERY: usize = 40;
/// A ticket key rotation every this many connections: a ticket unused for two rotations
/// falls back to a full handshake.
const ROTATE_EVERY: usize = 150;
/// Sessions and tickets outlive the test.
const LIFETIME: u32 = 86_400;

/// The CA that issued a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ca {
    /// The fixture CA (`mtls test CA`).
    Test,
    /// The fixture P-384 CA.
    P384,
    /// A CA made by this test with rcgen.
    Minted,
}

/// Which client CAs a configuration trusts.
#[derive(Clone, Copy, Debug)]
enum Policy {
    All,
    NoP384,
    NoMinted,
}

/// The reloader's cycle: a reload with the same roots (a new verifier all the same), and
/// each optional CA dropped in turn.
const CYCLE: [Policy; 5] = [
    Policy::NoP384,
    Policy::All,
    Policy::All,
    Policy::NoMinted,
    Policy::All,
];

impl Policy {
    fn trusts(self, ca: Ca) -> bool {
        !matches!(
            (self, ca),
            (Policy::NoP384, Ca::P384) | (Policy::NoMinted, Ca::Minted)
        )
    }
}

/// A client identity: what the server must see when this client made the session.
struct Identity {
    name: &'static str,
    ca: Ca,
    chain: Vec<CertificateDer<'static>>,
    /// The PKCS#8 key.
    key: Vec<u8>,
    subject: String,
    /// Its session store is shared with another identity.
    shares_store: bool,
}

fn fixture(name: &'static str, ca: Ca) -> Identity {
    let key = mtls_testkit::fixtures::fixture(&format!("{name}.key.der"));
    identity(name, ca, chain(name), key, false)
}

fn identity(
    name: &'static str,
    ca: Ca,
    chain: Vec<CertificateDer<'static>>,
    key: Vec<u8>,
    shares_store: bool,
) -> Identity {
    let subject = PeerIdentity::from_leaf(&chain[0])
        .unwrap()
        .subject()
        .to_string();
    Identity {
        name,
        ca,
        chain,
        key,
        subject,
        shares_store,
    }
}

/// A P-256 CA of this test and two clients it issued: their DER root and identities.
fn minted() -> (CertificateDer<'static>, [Identity; 2]) {
    let p256 = || KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "concurrency CA");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign];
    let ca_key = p256();
    let ca = CertificateDer::from(params.self_signed(&ca_key).unwrap().der().to_vec());
    let issuer = Issuer::new(params, ca_key);
    let client = |name: &'static str| {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let key = p256();
        let leaf = params.signed_by(&key, &issuer).unwrap();
        let chain = vec![CertificateDer::from(leaf.der().to_vec()), ca.clone()];
        identity(name, Ca::Minted, chain, key.serialize_der(), true)
    };
    let pair = [client("minted-a"), client("minted-b")];
    (ca, pair)
}

fn identities() -> (CertificateDer<'static>, Vec<Identity>) {
    let (minted_ca, [a, b]) = minted();
    let ids = vec![
        fixture("client-ecdsa", Ca::Test),
        fixture("client-rsa", Ca::Test),
        fixture("client-p384", Ca::P384),
        a,
        b,
    ];
    for (i, x) in ids.iter().enumerate() {
        for y in &ids[i + 1..] {
            assert_ne!(x.subject, y.subject, "identities must tell apart");
        }
    }
    (minted_ca, ids)
}

thread_local! {
    /// What the current connection of this thread looked up (each connection runs on one
    /// thread, the pump included).
    static SEEN: Cell<Seen> = const { Cell::new(Seen::NOTHING) };
}

#[derive(Clone, Copy, Debug)]
struct Seen {
    /// Who made the session the client offered.
    offered: Option<usize>,
    /// Whether the server found the offered session (cache hit, ticket opened).
    found: Option<bool>,
}

impl Seen {
    const NOTHING: Self = Self {
        offered: None,
        found: None,
    };
}

fn see(f: impl FnOnce(&mut Seen)) {
    let mut s = SEEN.get();
    f(&mut s);
    SEEN.set(s);
}

/// Who made each client session, by its secret: the master secret of a TLS 1.2 session
/// (unique to a full handshake, kept by a resumption), the PSK of a TLS 1.3 ticket (unique to
/// the ticket).
type Makers = Mutex<HashMap<Vec<u8>, usize>>;

/// The secret that names a stored session in [`Makers`].
fn session_key(session: &StoredSession) -> Vec<u8> {
    match session.tls13() {
        Some(t) => t.psk().to_vec(),
        None => session.master_secret().as_bytes().to_vec(),
    }
}

/// One identity's view of a client session store (its own, or one it shares): records who
/// made each session it stores, and which session it offers.
struct Tracked {
    who: usize,
    inner: Arc<InMemoryClientSessionStore>,
    makers: Arc<Makers>,
}

impl Tracked {
    /// Records who made the session the ClientHello offers (the one lookup that finds one).
    fn offer(&self, got: Option<Arc<StoredSession>>) -> Option<Arc<StoredSession>> {
        if let Some(s) = &got
            && SEEN.get().offered.is_none()
        {
            let maker = *self
                .makers
                .lock()
                .unwrap()
                .get(&session_key(s))
                .expect("a stored session has a maker");
            see(|s| s.offered = Some(maker));
        }
        got
    }
}

impl ClientSessionStore for Tracked {
    fn put(&self, key: &SessionKey, session: Arc<StoredSession>) {
        // A TLS 1.2 resumption that renews a ticket stores the same session again: its maker
        // stays. A TLS 1.3 ticket received on a resumed connection is new, but it carries the
        // identity of the session resumed (RFC 8446 4.6.1): its maker is that session's.
        let seen = SEEN.get();
        let maker = match (session.tls13(), seen.found, seen.offered) {
            (Some(_), Some(true), Some(offered)) => offered,
            _ => self.who,
        };
        self.makers
            .lock()
            .unwrap()
            .entry(session_key(&session))
            .or_insert(maker);
        self.inner.put(key, session);
    }

    fn take_tls13(&self, key: &SessionKey, now: u64) -> Option<Arc<StoredSession>> {
        self.offer(self.inner.take_tls13(key, now))
    }

    fn get_tls12(&self, key: &SessionKey, now: u64) -> Option<Arc<StoredSession>> {
        self.offer(self.inner.get_tls12(key, now))
    }

    fn forget_tls12(&self, key: &SessionKey, session_id: &[u8]) {
        self.inner.forget_tls12(key, session_id);
    }
}

/// The server's session cache, counted, its bound checked after every store.
struct Cache {
    inner: InMemorySessionCache,
    puts: AtomicUsize,
    removes: AtomicUsize,
}

impl ServerSessionCache for Cache {
    fn put(&self, session: Arc<StoredSession>) {
        self.inner.put(session);
        self.puts.fetch_add(1, Ordering::Relaxed);
        let len = self.inner.len();
        assert!(len <= CACHE_CAPACITY, "{len} sessions held");
    }

    fn get(&self, id: &[u8], now: u64) -> Option<Arc<StoredSession>> {
        let got = self.inner.get(id, now);
        if SEEN.get().found.is_none() {
            see(|s| s.found = Some(got.is_some()));
        }
        got
    }

    fn remove(&self, id: &[u8]) {
        self.removes.fetch_add(1, Ordering::Relaxed);
        self.inner.remove(id);
    }
}

/// The ticket keys, recording whether the server opened the ticket offered.
struct Keys(TicketKeys);

impl Ticketer for Keys {
    fn seal(&self, plaintext: &[u8]) -> Option<Vec<u8>> {
        self.0.seal(plaintext)
    }

    fn open(&self, ticket: &[u8]) -> Option<Opened> {
        let opened = self.0.open(ticket);
        if SEEN.get().found.is_none() {
            see(|s| s.found = Some(opened.is_some()));
        }
        opened
    }

    fn lifetime_secs(&self) -> u32 {
        self.0.lifetime_secs()
    }
}

fn fresh_key() -> TicketKey {
    TicketKey::generate(&mut mtls::OsRng).unwrap()
}

fn roots(cas: &[&[u8]]) -> RootStore {
    let mut r = RootStore::new();
    for ca in cas {
        r.add(&ca.to_vec().into()).unwrap();
    }
    r
}

/// What one test runs: a version, and resumption by session id (a cache) or by ticket.
#[derive(Clone, Copy, Debug)]
struct Scenario {
    version: ProtocolVersion,
    tickets: bool,
    per_worker: usize,
}

/// The server side: what every reload shares, and how it builds a configuration.
struct Server {
    scenario: Scenario,
    minted_ca: CertificateDer<'static>,
    cache: Arc<Cache>,
    keys: Arc<Keys>,
    /// The TLS 1.3 tickets resumed, remembered across reloads (RFC 8446 8).
    replay: Arc<TicketReplayGuard>,
}

/// A configuration in force, and what it trusts.
struct Installed {
    policy: Policy,
    config: ServerConfig,
}

impl Server {
    fn build(&self, policy: Policy) -> Arc<Installed> {
        let mut cas: Vec<&[u8]> = vec![CA];
        if policy.trusts(Ca::P384) {
            cas.push(CA_P384);
        }
        if policy.trusts(Ca::Minted) {
            cas.push(self.minted_ca.as_ref());
        }
        let mut b = ServerConfig::builder()
            .certificate(chain("server-ecdsa"), key("server-ecdsa"))
            .certificate(chain("server-other"), key("server-other"))
            .client_auth_required(roots(&cas))
            .versions(&[self.scenario.version]);
        b = if self.scenario.tickets {
            b.session_cache(None)
                .ticketer(self.keys.clone())
                .ticket_replay(self.replay.clone())
        } else {
            b.session_cache(Some(self.cache.clone() as Arc<dyn ServerSessionCache>))
        };
        Arc::new(Installed {
            policy,
            config: b.build().unwrap(),
        })
    }
}

/// How connections ended, counted as they end.
#[derive(Debug, Default)]
struct Counts {
    /// Connections finished, whatever the outcome (what the background threads count by).
    done: AtomicUsize,
    full: AtomicUsize,
    /// Full handshakes of a client that offered a session the server no longer had.
    missed: AtomicUsize,
    resumed: AtomicUsize,
    /// Resumed by a client with another identity's session (a shared store).
    borrowed: AtomicUsize,
    /// Resumed with a ticket of the previous key, renewed.
    renewed: AtomicUsize,
    refused_full: AtomicUsize,
    /// Refused although the server found the session: the policy rule on resumption.
    refused_resumption: AtomicUsize,
    reloads: AtomicUsize,
    rotations: AtomicUsize,
}

fn bump(c: &AtomicUsize) {
    c.fetch_add(1, Ordering::Relaxed);
}

fn get(c: &AtomicUsize) -> usize {
    c.load(Ordering::Relaxed)
}

/// Everything the threads share.
struct Shared {
    /// TLS 1.3: tickets are single-use and may be refused after the server opened them.
    tls13: bool,
    ids: Vec<Identity>,
    clients: Vec<ClientConfig>,
    names: Vec<String>,
    slot: RwLock<Arc<Installed>>,
    counts: Counts,
}

/// One connection of `who` to `name`, checked as it ends.
fn connect(sh: &Shared, who: usize, name: &str, tag: &str) {
    let id = &sh.ids[who];
    let installed = Arc::clone(&sh.slot.read().unwrap());
    SEEN.set(Seen::NOTHING);
    let mut c = ClientConnection::new(&sh.clients[who], name).unwrap();
    let mut s = ServerConnection::new(&installed.config).unwrap();
    let hello = format!("{tag}: {} to {name}", id.name);
    c.writer().write_all(hello.as_bytes()).unwrap();
    let (rc, rs) = pump(&mut c, &mut s);
    let seen = SEEN.get();
    let counts = &sh.counts;

    if !installed.policy.trusts(id.ca) {
        let Err(e) = rs else {
            panic!("{tag}: {} accepted under {installed:?}", id.name);
        };
        assert_eq!(e.alert(), Some(AlertDescription::UnknownCa), "{tag}: {e}");
        let Err(e) = rc else {
            panic!("{tag}: the client of a refused {} went on", id.name);
        };
        assert_eq!(e.alert(), Some(AlertDescription::UnknownCa), "{tag}: {e}");
        assert!(
            s.peer_identity().is_none(),
            "{tag}: an identity on a refusal"
        );
        // What the client wrote before the handshake never reached the application.
        let mut buf = [0u8; 1];
        assert_eq!(s.reader().read(&mut buf).unwrap_or(0), 0, "{tag}");
        bump(if seen.found == Some(true) {
            &counts.refused_resumption
        } else {
            &counts.refused_full
        });
        return;
    }
    if let Err(e) = rs {
        panic!(
            "{tag}: the server refused {} under {installed:?}: {e}",
            id.name
        );
    }
    if let Err(e) = rc {
        panic!("{tag}: {} failed: {e}", id.name);
    }
    let resumed = s.is_resumed().unwrap();
    assert_eq!(c.is_resumed(), Some(resumed), "{tag}: both ends agree");
    let maker = if resumed {
        let maker = seen.offered.expect("resumed without offering a session");
        assert_eq!(
            seen.found,
            Some(true),
            "{tag}: resumed what it did not find"
        );
        // Even through a shared store: a session is offered only by the configuration that
        // made it (`StoredSession::offerable_by`).
        assert_eq!(maker, who, "{tag}: {} resumed another's session", id.name);
        bump(&counts.resumed);
        if maker != who {
            bump(&counts.borrowed);
        }
        if s.handshake_kind() == Some(HandshakeKind::ResumedTicket) {
            bump(&counts.renewed);
        }
        maker
    } else {
        if seen.offered.is_some() {
            // A trusted client's session is resumed whenever the server still has it; in
            // TLS 1.3 an opened ticket may still be refused: two connections that share a
            // store (one identity on two threads, or the identities that share one) can take
            // the same ticket at once, and the second is a replay (RFC 8446 8).
            if !sh.tls13 {
                assert_ne!(
                    seen.found,
                    Some(true),
                    "{tag}: found, not resumed: {seen:?}"
                );
            }
            bump(&counts.missed);
        }
        bump(&counts.full);
        who
    };

    // The identity: exactly the client that made the session, which is the connecting one.
    let got = s.peer_identity().expect("a verified client");
    let m = &sh.ids[maker];
    assert_eq!(
        got.subject(),
        m.subject,
        "{tag}: {} seen as another ({:?}, {seen:?})",
        m.name,
        s.handshake_kind()
    );
    let certs = s.peer_certificates().unwrap();
    assert_eq!(certs.len(), m.chain.len(), "{tag}");
    for (a, b) in certs.iter().zip(&m.chain) {
        assert_eq!(a.as_ref(), b.as_ref(), "{tag}: {}'s chain", m.name);
    }

    // Data both ways.
    let mut got = vec![0u8; hello.len()];
    s.reader().read_exact(&mut got).unwrap();
    assert_eq!(got, hello.as_bytes(), "{tag}");
    let reply = format!("{tag}: hello {}", m.subject);
    s.writer().write_all(reply.as_bytes()).unwrap();
    pump_ok(&mut s, &mut c);
    let mut got = vec![0u8; reply.len()];
    c.reader().read_exact(&mut got).unwrap();
    assert_eq!(got, reply.as_bytes(), "{tag}");
}

impl std::fmt::Debug for Installed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.policy)
    }
}

/// Runs `f` each time `every` more connections have finished, until `stop`.
fn every(counts: &Counts, stop: &AtomicBool, period: usize, mut f: impl FnMut()) {
    let mut next = period;
    while !stop.load(Ordering::Acquire) {
        if get(&counts.done) >= next {
            f();
            next = get(&counts.done) + period;
        } else {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

/// The final counts of one run, and the cache's.
struct Report {
    counts: Counts,
    cache_len: usize,
    cache_puts: usize,
    cache_removes: usize,
}

fn run(scenario: Scenario) -> Report {
    let (minted_ca, ids) = identities();
    let makers: Arc<Makers> = Arc::default();
    let shared_store = Arc::new(InMemoryClientSessionStore::new(NAMES * 2, LIFETIME.into()));
    let clients = ids
        .iter()
        .enumerate()
        .map(|(who, id)| {
            let inner = if id.shares_store {
                shared_store.clone()
            } else {
                Arc::new(InMemoryClientSessionStore::new(NAMES * 2, LIFETIME.into()))
            };
            let store = Tracked {
                who,
                inner,
                makers: makers.clone(),
            };
            ClientConfig::with_roots(roots(&[CA]))
                .client_certificate(
                    id.chain.clone(),
                    SigningKey::from_pkcs8_der(&id.key).unwrap(),
                )
                .versions(&[scenario.version])
                .enable_tickets(scenario.tickets)
                .session_store(Some(Arc::new(store)))
                .build()
                .unwrap()
        })
        .collect();
    let server = Server {
        scenario,
        minted_ca,
        cache: Arc::new(Cache {
            inner: InMemorySessionCache::new(CACHE_CAPACITY, LIFETIME.into()),
            puts: AtomicUsize::new(0),
            removes: AtomicUsize::new(0),
        }),
        keys: Arc::new(Keys(TicketKeys::new(fresh_key(), None, LIFETIME))),
        replay: Arc::new(TicketReplayGuard::default()),
    };
    let names = std::iter::once("localhost".to_string())
        .chain((1..NAMES).map(|n| format!("{n}.other.example")))
        .collect();
    let sh = Shared {
        tls13: scenario.version == ProtocolVersion::TLSv1_3,
        ids,
        clients,
        names,
        slot: RwLock::new(server.build(Policy::All)),
        counts: Counts::default(),
    };
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let (sh, server, stop) = (&sh, &server, &stop);
        scope.spawn(move || {
            let mut cycle = CYCLE.iter().cycle();
            every(&sh.counts, stop, RELOAD_EVERY, || {
                let next = server.build(*cycle.next().unwrap());
                *sh.slot.write().unwrap() = next;
                bump(&sh.counts.reloads);
            });
        });
        if scenario.tickets {
            scope.spawn(move || {
                every(&sh.counts, stop, ROTATE_EVERY, || {
                    server.keys.0.rotate(fresh_key());
                    bump(&sh.counts.rotations);
                });
            });
        }
        let workers: Vec<_> = (0..WORKERS)
            .map(|w| {
                scope.spawn(move || {
                    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15 ^ (w as u64 + 1));
                    for n in 0..scenario.per_worker {
                        let who = rng.below(sh.ids.len());
                        let name = &sh.names[rng.below(NAMES)];
                        connect(sh, who, name, &format!("worker {w} connection {n}"));
                        bump(&sh.counts.done);
                    }
                })
            })
            .collect();
        let results: Vec<_> = workers.into_iter().map(|h| h.join()).collect();
        // Stop the background threads before a worker's panic is passed on.
        stop.store(true, Ordering::Release);
        for r in results {
            if let Err(panic) = r {
                std::panic::resume_unwind(panic);
            }
        }
    });
    Report {
        cache_len: server.cache.inner.len(),
        cache_puts: get(&server.cache.puts),
        cache_removes: get(&server.cache.removes),
        counts: sh.counts,
    }
}

/// A small deterministic generator for the workers' choices.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// The checks every run passes: every connection counted once, reloads done, clients of a
/// dropped CA refused.
fn check_common(scenario: Scenario, r: &Report) -> usize {
    let c = &r.counts;
    println!(
        "{scenario:?}: {c:?}; cache: {} held, {} stored, {} removed",
        r.cache_len, r.cache_puts, r.cache_removes
    );
    let total = WORKERS * scenario.per_worker;
    assert_eq!(get(&c.done), total);
    assert_eq!(
        get(&c.full) + get(&c.resumed) + get(&c.refused_full) + get(&c.refused_resumption),
        total
    );
    assert!(
        get(&c.reloads) >= total / RELOAD_EVERY / 4,
        "too few reloads"
    );
    assert!(get(&c.refused_full) > 0, "no client of a dropped CA came");
    total
}

/// TLS 1.2 resumption by session id: one cache for every configuration, evicting.
#[test]
fn sixteen_threads_resume_by_session_id_across_reloads_and_evictions() {
    let scenario = Scenario {
        version: ProtocolVersion::TLSv1_2,
        tickets: false,
        per_worker: PER_WORKER,
    };
    let r = run(scenario);
    check_common(scenario, &r);
    let c = &r.counts;
    assert!(get(&c.resumed) > 0, "nothing resumed");
    assert_eq!(
        get(&c.borrowed),
        0,
        "a client resumed another identity's session"
    );
    assert!(
        get(&c.missed) > 0,
        "no session was evicted while a client held it"
    );
    assert!(get(&c.refused_resumption) > 0, "no cached session refused");
    assert!(r.cache_len <= CACHE_CAPACITY);
    // Sessions that left the cache other than by removal were evicted.
    let evicted = r.cache_puts - r.cache_removes.min(r.cache_puts) - r.cache_len;
    assert!(evicted > CACHE_CAPACITY, "{evicted} evicted");
}

/// TLS 1.2 resumption by ticket (RFC 5077), no cache, with the keys rotating.
#[test]
fn sixteen_threads_resume_by_ticket_across_reloads_and_key_rotations() {
    let scenario = Scenario {
        version: ProtocolVersion::TLSv1_2,
        tickets: true,
        per_worker: PER_WORKER,
    };
    let r = run(scenario);
    check_common(scenario, &r);
    let c = &r.counts;
    assert!(get(&c.resumed) > 0, "nothing resumed");
    assert_eq!(
        get(&c.borrowed),
        0,
        "a client resumed another identity's ticket"
    );
    assert!(
        get(&c.renewed) > 0,
        "no ticket of the previous key came back"
    );
    assert!(get(&c.missed) > 0, "no ticket outlived its key");
    assert!(get(&c.refused_resumption) > 0, "no ticket refused");
    assert!(get(&c.rotations) > 0);
    assert_eq!(r.cache_puts, 0, "a stateless server");
}

/// TLS 1.3: tickets (RFC 8446 4.6.1) under the same reloads and key rotations, refusals and
/// identity checks.
#[test]
fn sixteen_threads_tls13_resume_by_ticket_across_reloads() {
    let scenario = Scenario {
        version: ProtocolVersion::TLSv1_3,
        tickets: true,
        per_worker: PER_WORKER / 2,
    };
    let r = run(scenario);
    check_common(scenario, &r);
    assert!(get(&r.counts.resumed) > 0, "no TLS 1.3 resumption");
}
