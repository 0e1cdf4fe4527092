//! Session tickets (RFC 5077): the server's session state sealed for the client to keep, so
//! that any server holding the ticket keys resumes it, and no server keeps a cache.
//!
//! [`Ticketer`] is what a server configuration holds; [`TicketKeys`] is the implementation:
//! AES-256-GCM under a named key, with a current key that seals and a previous key that
//! still opens, so that keys rotate without breaking tickets issued just before.
//!
//! A ticket is `key_name (16) || nonce (12) || AEAD(plaintext) || tag (16)`, the key name as
//! additional data. The plaintext (format version 3, documented in docs/SECURITY.md):
//!
//! ```text
//! u8      version = 3
//! u16     cipher suite
//! u8      flags: bit 0 = extended master secret
//! [48]    master secret
//! u64     created (seconds since the Unix epoch)
//! u64     verified until (0: the chain is verified again on resumption)
//! [32]    policy digest of the verifier that judged the chain (with "verified until")
//! u8      SNI length, then the SNI name (0: none)
//! u16     number of certificates in the client chain, then each as u24 length + DER
//! u16     length of the client identity, then PeerIdentity::to_bytes (0: none)
//! ```
//!
//! A TLS 1.3 ticket (RFC 8446 4.6.1) has the same envelope and another plaintext, format
//! version 4 ([`encode13`], [`decode13`]): the version byte says which protocol the session
//! belongs to, so a TLS 1.2 ticket never resumes a TLS 1.3 handshake nor the other way round.
//! (Versions 1 and 2, the same without the identity, are refused: a full handshake.)
//!
//! ```text
//! u8      version = 4 (a TLS 1.3 session)
//! u16     cipher suite (TLS 1.3; its hash is the PSK's)
//! u8      PSK length (32 or 48), then the PSK
//! u64     created (the handshake that authenticated the client; resumption keeps it)
//! u64     issued (when this ticket was sealed: its age counts from here)
//! u32     lifetime (seconds from issued, at most 7 days)
//! u32     ticket_age_add
//! u64     verified until
//! [32]    policy digest
//! u8      SNI length, then the SNI name (0: none)
//! u8      ALPN length, then the protocol (0: none)
//! u16     number of certificates in the client chain, then each as u24 length + DER
//! u16     length of the client identity, then PeerIdentity::to_bytes (0: none)
//! ```
//!
//! The client's chain rides in the ticket (capped at [`DEFAULT_MAX_PEER_CHAIN_BYTES`]: a
//! larger one gets no ticket) so that the server that resumes it, whichever replica it is,
//! judges it against its own policy and runs the authorization hook on it. The chain is
//! verified again unless the ticket says a verifier with the same policy digest (the same
//! roots, no CRLs: [`ClientCertVerifier::policy_digest`](crate::certs::ClientCertVerifier::policy_digest))
//! found it valid until a time still ahead. The identity read from the leaf when it was
//! verified rides along, so that a resumption does not parse the certificate again (a fifth
//! of a TLS 1.2 ticket resumption's time, before).

use std::sync::{Arc, RwLock};

use mtls_crypto::aead::AeadAlgorithm;
use mtls_crypto::provider::CryptoProvider;
use mtls_crypto::{OsRng, SecureRandom};
use mtls_wire::CipherSuite;
use zeroize::Zeroizing;

use crate::certs::PeerIdentity;
use crate::codec::{self, Cursor};
use crate::config::TimeProvider;
use crate::session::{DEFAULT_MAX_PEER_CHAIN_BYTES, StoredSession, Tls13Session};

/// Length of a ticket key's name.
pub const TICKET_KEY_NAME_LEN: usize = 16;
/// Length of a ticket key (AES-256-GCM).
pub const TICKET_KEY_LEN: usize = 32;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
/// The plaintext format of a TLS 1.2 session.
const FORMAT_VERSION: u8 = 3;
/// The plaintext format of a TLS 1.3 session.
const FORMAT_VERSION_13: u8 = 4;
/// RFC 8446 4.6.1: a ticket lives at most 7 days.
pub const MAX_TLS13_TICKET_LIFETIME: u32 = 604_800;

/// Seals and opens session tickets for a server. Implementations must be thread-safe: one
/// serves every connection.
pub trait Ticketer: Send + Sync {
    /// The ticket for `plaintext`, or `None` (no ticket is issued then).
    fn seal(&self, plaintext: &[u8]) -> Option<Vec<u8>>;

    /// The plaintext of a ticket this ticketer (or its previous key) sealed, and whether the
    /// client should get a fresh one (it was sealed with a key that is no longer current).
    /// `None` for anything else: unknown key, tampered, truncated.
    fn open(&self, ticket: &[u8]) -> Option<Opened>;

    /// How long a ticket is good for, in seconds: the lifetime hint sent with it, and the
    /// age past which the server no longer resumes it.
    fn lifetime_secs(&self) -> u32;
}

/// An opened ticket.
pub struct Opened {
    /// The sealed session state.
    pub plaintext: Zeroizing<Vec<u8>>,
    /// Sealed with a key that is no longer current: issue a fresh ticket.
    pub renew: bool,
}

/// One ticket key: a name (which key sealed a ticket) and the AES-256-GCM key.
#[derive(Clone)]
pub struct TicketKey {
    name: [u8; TICKET_KEY_NAME_LEN],
    key: Zeroizing<[u8; TICKET_KEY_LEN]>,
}

impl TicketKey {
    /// A key from its name and bytes (e.g. read from a file the servers share).
    pub fn new(name: [u8; TICKET_KEY_NAME_LEN], key: [u8; TICKET_KEY_LEN]) -> Self {
        Self {
            name,
            key: Zeroizing::new(key),
        }
    }

    /// A fresh random key with a random name.
    pub fn generate(rng: &mut dyn SecureRandom) -> Result<Self, mtls_crypto::Error> {
        let mut name = [0u8; TICKET_KEY_NAME_LEN];
        let mut key = Zeroizing::new([0u8; TICKET_KEY_LEN]);
        rng.fill(&mut name)?;
        rng.fill(key.as_mut())?;
        Ok(Self { name, key })
    }

    /// The key's name.
    pub fn name(&self) -> &[u8; TICKET_KEY_NAME_LEN] {
        &self.name
    }

    /// The key's bytes (to write them to the file the servers share).
    pub fn secret(&self) -> &[u8; TICKET_KEY_LEN] {
        &self.key
    }
}

impl std::fmt::Debug for TicketKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TicketKey").finish_non_exhaustive()
    }
}

struct Keys {
    current: TicketKey,
    previous: Option<TicketKey>,
    /// When `current` became current, for scheduled rotation.
    since: u64,
}

/// Ticket keys: the current one seals, the current and the previous one open. With
/// [`rotating`](Self::rotating), a new key becomes current every period, so a ticket
/// resumes for between one and two periods and a key never seals for longer than one.
pub struct TicketKeys {
    keys: RwLock<Keys>,
    /// The AEAD that seals and opens tickets.
    provider: &'static CryptoProvider,
    lifetime_secs: u32,
    /// Rotate every this many seconds, by this clock; `None`: only when told.
    schedule: Option<(u64, Arc<dyn TimeProvider>)>,
}

impl TicketKeys {
    /// Keys that rotate only when [`rotate`](Self::rotate) or [`set`](Self::set) is called
    /// (e.g. when the file the servers share changes); tickets live `lifetime_secs`.
    pub fn new(current: TicketKey, previous: Option<TicketKey>, lifetime_secs: u32) -> Self {
        Self {
            keys: RwLock::new(Keys {
                current,
                previous,
                since: 0,
            }),
            lifetime_secs,
            schedule: None,
            provider: mtls_crypto::default_provider(),
        }
    }

    /// Seals and opens with `provider`'s AES-256-GCM (default: the default provider).
    pub fn with_provider(mut self, provider: &'static CryptoProvider) -> Self {
        self.provider = provider;
        self
    }

    /// Fresh keys that rotate by themselves every `period_secs` by `clock`; tickets live one
    /// period (and open for up to two, under the previous key).
    pub fn rotating(
        period_secs: u32,
        clock: Arc<dyn TimeProvider>,
    ) -> Result<Self, mtls_crypto::Error> {
        let current = TicketKey::generate(&mut OsRng)?;
        let since = clock.now();
        Ok(Self {
            keys: RwLock::new(Keys {
                current,
                previous: None,
                since,
            }),
            lifetime_secs: period_secs,
            schedule: Some((u64::from(period_secs.max(1)), clock)),
            provider: mtls_crypto::default_provider(),
        })
    }

    /// Makes `new` the current key; the current one becomes the previous one, and the
    /// previous one is forgotten (its tickets make full handshakes).
    pub fn rotate(&self, new: TicketKey) {
        let now = self.schedule.as_ref().map_or(0, |(_, clock)| clock.now());
        self.install(new, true, now);
    }

    /// Makes `new` current since `now`; the current key becomes the previous one if
    /// `keep_previous`, else it is forgotten along with the previous one.
    fn install(&self, new: TicketKey, keep_previous: bool, now: u64) {
        if let Ok(mut k) = self.keys.write() {
            let old = std::mem::replace(&mut k.current, new);
            k.previous = keep_previous.then_some(old);
            k.since = now;
        }
    }

    /// Replaces both keys (e.g. re-read from the file the servers share).
    pub fn set(&self, current: TicketKey, previous: Option<TicketKey>) {
        if let Ok(mut k) = self.keys.write() {
            k.current = current;
            k.previous = previous;
        }
    }

    /// The name of the key that seals now.
    pub fn current_name(&self) -> Option<[u8; TICKET_KEY_NAME_LEN]> {
        self.keys.read().ok().map(|k| k.current.name)
    }

    /// A scheduled rotation, if one is due.
    fn rotate_if_due(&self) {
        let Some((period, clock)) = &self.schedule else {
            return;
        };
        let now = clock.now();
        let Some(elapsed) = self.keys.read().ok().map(|k| now.saturating_sub(k.since)) else {
            return;
        };
        if elapsed < *period {
            return;
        }
        let Ok(new) = TicketKey::generate(&mut OsRng) else {
            return;
        };
        // Rotated lazily, at the first use after the period: a current key idle for two
        // periods or more is not kept as the previous one, so that no key opens tickets for
        // longer than two periods after it became current.
        self.install(new, elapsed < 2 * *period, now);
    }
}

impl Ticketer for TicketKeys {
    fn seal(&self, plaintext: &[u8]) -> Option<Vec<u8>> {
        self.rotate_if_due();
        let keys = self.keys.read().ok()?;
        let aead = self
            .provider
            .aead_key(AeadAlgorithm::Aes256Gcm, keys.current.key.as_ref())
            .ok()?;
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill(&mut nonce).ok()?;
        let mut body = plaintext.to_vec();
        let tag = aead
            .seal_in_place_detached(&nonce, &keys.current.name, &mut body)
            .ok()?;
        let mut ticket = Vec::with_capacity(TICKET_KEY_NAME_LEN + NONCE_LEN + body.len() + TAG_LEN);
        ticket.extend_from_slice(&keys.current.name);
        ticket.extend_from_slice(&nonce);
        ticket.extend_from_slice(&body);
        ticket.extend_from_slice(&tag);
        Some(ticket)
    }

    fn open(&self, ticket: &[u8]) -> Option<Opened> {
        self.rotate_if_due();
        let (name, rest) = ticket.split_first_chunk::<TICKET_KEY_NAME_LEN>()?;
        let (nonce, sealed) = rest.split_first_chunk::<NONCE_LEN>()?;
        if sealed.len() < TAG_LEN {
            return None;
        }
        let keys = self.keys.read().ok()?;
        let (key, renew) = if keys.current.name == *name {
            (&keys.current, false)
        } else {
            (keys.previous.as_ref().filter(|p| p.name == *name)?, true)
        };
        let aead = self
            .provider
            .aead_key(AeadAlgorithm::Aes256Gcm, key.key.as_ref())
            .ok()?;
        let mut body = Zeroizing::new(sealed.to_vec());
        let len = aead
            .open_in_place(nonce, name, body.as_mut_slice())
            .ok()?
            .len();
        body.truncate(len);
        Some(Opened {
            plaintext: body,
            renew,
        })
    }

    fn lifetime_secs(&self) -> u32 {
        self.lifetime_secs
    }
}

/// The ticket plaintext of a server session (see the module documentation), or `None` when
/// the client chain is too large to ride in a ticket.
pub fn encode(session: &StoredSession) -> Option<Zeroizing<Vec<u8>>> {
    if session.peer_chain_len() > DEFAULT_MAX_PEER_CHAIN_BYTES {
        return None;
    }
    let mut out = Zeroizing::new(Vec::with_capacity(120 + session.peer_chain_len()));
    out.push(FORMAT_VERSION);
    out.extend_from_slice(&session.suite.to_u16().to_be_bytes());
    out.push(u8::from(session.extended_master_secret));
    out.extend_from_slice(session.master_secret().as_bytes());
    out.extend_from_slice(&session.created.to_be_bytes());
    let (digest, until) = session.verified_by_policy().unwrap_or(([0; 32], 0));
    out.extend_from_slice(&until.to_be_bytes());
    out.extend_from_slice(&digest);
    codec::put_name(&mut out, session.server_name.as_deref())?;
    codec::put_chain(&mut out, &session.peer_certificates)?;
    put_identity(&mut out, session)?;
    Some(out)
}

/// The client identity kept with `session` (never parsed here), u16-length-prefixed (empty:
/// none).
fn put_identity(out: &mut Vec<u8>, session: &StoredSession) -> Option<()> {
    let identity = match session.peer_certificates.is_empty() {
        true => None,
        false => session.kept_peer_identity().and_then(|id| id.to_bytes()),
    }
    .unwrap_or_default();
    out.extend_from_slice(&u16::try_from(identity.len()).ok()?.to_be_bytes());
    out.extend_from_slice(&identity);
    Some(())
}

/// What [`put_identity`] wrote: `Some(None)` for none, `None` when malformed or for an
/// identity without a chain.
fn identity(r: &mut Cursor<'_>, has_chain: bool) -> Option<Option<PeerIdentity>> {
    match (usize::from(r.u16()?), has_chain) {
        (0, _) => Some(None),
        (_, false) => None,
        (len, true) => PeerIdentity::from_bytes(r.take(len)?).map(Some),
    }
}

/// The session in a ticket plaintext; `None` for anything malformed or over the chain cap
/// (a ticket is only ever a reason for a full handshake, never an error). What `decode`
/// accepts, [`encode`] writes back byte for byte.
pub fn decode(plaintext: &[u8]) -> Option<StoredSession> {
    let mut r = Cursor::new(plaintext);
    if r.u8()? != FORMAT_VERSION {
        return None;
    }
    let suite = CipherSuite::from(r.u16()?);
    let ems = r.flag()?;
    let master = r.master_secret()?;
    let created = r.u64()?;
    let until = r.u64()?;
    let digest: [u8; 32] = r.take(32)?.try_into().ok()?;
    let server_name = r.name()?;
    let chain = r.chain()?;
    let identity = identity(&mut r, !chain.is_empty())?;
    if !r.is_empty() || chain.iter().map(|c| c.len()).sum::<usize>() > DEFAULT_MAX_PEER_CHAIN_BYTES
    {
        return None;
    }
    let mut session =
        StoredSession::new(Vec::new(), suite, &master, ems, chain, server_name, created)
            .with_peer_identity(identity);
    match (until == 0, digest == [0; 32]) {
        (true, true) => {}
        (false, false) => session.set_verified_by_policy(digest, until),
        // One without the other is not something `encode` writes.
        _ => return None,
    }
    Some(session)
}

/// The ticket plaintext of a TLS 1.3 server session (format version 4, see the module
/// documentation), or `None` for a TLS 1.2 session or a client chain too large to ride in a
/// ticket.
pub fn encode13(session: &StoredSession) -> Option<Zeroizing<Vec<u8>>> {
    let t = session.tls13()?;
    if session.peer_chain_len() > DEFAULT_MAX_PEER_CHAIN_BYTES {
        return None;
    }
    let mut out = Zeroizing::new(Vec::with_capacity(200 + session.peer_chain_len()));
    out.push(FORMAT_VERSION_13);
    out.extend_from_slice(&session.suite.to_u16().to_be_bytes());
    out.push(u8::try_from(t.psk().len()).ok()?);
    out.extend_from_slice(t.psk());
    out.extend_from_slice(&session.created.to_be_bytes());
    out.extend_from_slice(&t.issued.to_be_bytes());
    out.extend_from_slice(&t.lifetime.to_be_bytes());
    out.extend_from_slice(&t.age_add.to_be_bytes());
    let (digest, until) = session.verified_by_policy().unwrap_or(([0; 32], 0));
    out.extend_from_slice(&until.to_be_bytes());
    out.extend_from_slice(&digest);
    codec::put_name(&mut out, session.server_name.as_deref())?;
    let alpn = t.alpn.as_deref().unwrap_or_default();
    out.push(u8::try_from(alpn.len()).ok()?);
    out.extend_from_slice(alpn);
    codec::put_chain(&mut out, &session.peer_certificates)?;
    put_identity(&mut out, session)?;
    Some(out)
}

/// The TLS 1.3 session in a ticket plaintext; `None` for a TLS 1.2 ticket and for anything
/// malformed (a PSK that is not 32 or 48 bytes, a lifetime over 7 days, a chain over the
/// cap). What `decode13` accepts, [`encode13`] writes back byte for byte.
pub fn decode13(plaintext: &[u8]) -> Option<StoredSession> {
    let mut r = Cursor::new(plaintext);
    if r.u8()? != FORMAT_VERSION_13 {
        return None;
    }
    let suite = CipherSuite::from(r.u16()?);
    let psk_len = usize::from(r.u8()?);
    if psk_len != 32 && psk_len != 48 {
        return None;
    }
    let psk = Zeroizing::new(r.take(psk_len)?.to_vec());
    let created = r.u64()?;
    let issued = r.u64()?;
    let lifetime = r.u32()?;
    let age_add = r.u32()?;
    let until = r.u64()?;
    let digest: [u8; 32] = r.take(32)?.try_into().ok()?;
    let server_name = r.name()?;
    let alpn = match usize::from(r.u8()?) {
        0 => None,
        len => Some(r.take(len)?.to_vec()),
    };
    let chain = r.chain()?;
    let identity = identity(&mut r, !chain.is_empty())?;
    if !r.is_empty()
        || lifetime > MAX_TLS13_TICKET_LIFETIME
        || chain.iter().map(|c| c.len()).sum::<usize>() > DEFAULT_MAX_PEER_CHAIN_BYTES
    {
        return None;
    }
    let tls13 = Tls13Session::new(&psk, issued, lifetime, age_add, alpn);
    let mut session = StoredSession::new13(suite, chain, server_name, created, tls13)
        .with_peer_identity(identity);
    match (until == 0, digest == [0; 32]) {
        (true, true) => {}
        (false, false) => session.set_verified_by_policy(digest, until),
        _ => return None,
    }
    Some(session)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::certs::CertificateDer;

    fn session13() -> StoredSession {
        let mut s = StoredSession::new13(
            CipherSuite::TLS13_AES_256_GCM_SHA384,
            vec![CertificateDer::from(vec![1, 2, 3])],
            Some("localhost".into()),
            1_800_000_000,
            Tls13Session::new(&[5; 48], 1_800_000_100, 3600, 77, Some(b"h2".to_vec())),
        );
        s.set_verified_by_policy([9; 32], 1_900_000_000);
        s
    }

    #[test]
    fn a_tls13_ticket_comes_back_as_it_was_sealed_and_never_as_tls12() {
        let bytes = encode13(&session13()).unwrap();
        let back = decode13(&bytes).unwrap();
        assert_eq!(encode13(&back).unwrap(), bytes);
        let t = back.tls13().unwrap();
        assert_eq!(
            (t.psk(), t.issued, t.lifetime, t.age_add),
            (&[5u8; 48][..], 1_800_000_100, 3600, 77)
        );
        assert_eq!(t.alpn.as_deref(), Some(&b"h2"[..]));
        assert_eq!(back.verified_by_policy(), Some(([9; 32], 1_900_000_000)));
        // The version byte keeps the two layouts apart.
        assert!(decode(&bytes).is_none());
        assert!(encode(&session13()).is_some_and(|v12| decode13(&v12).is_none()));
        for cut in 0..bytes.len() {
            assert!(decode13(&bytes[..cut]).is_none(), "{cut}");
        }
        // RFC 8446 4.6.1: no lifetime over 7 days.
        let mut long = bytes.to_vec();
        let at = 1 + 2 + 1 + 48 + 8 + 8;
        long[at..at + 4].copy_from_slice(&(MAX_TLS13_TICKET_LIFETIME + 1).to_be_bytes());
        assert!(decode13(&long).is_none());
    }
}
