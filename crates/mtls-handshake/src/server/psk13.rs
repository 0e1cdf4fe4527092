//! TLS 1.3 resumption, server side (RFC 8446 2.2, 4.2.11, 4.6.1): the PSK a ClientHello
//! offers, accepted only when its ticket opens, its binder verifies, it is young enough, its
//! age is plausible, it was never used before and today's policy still admits the client;
//! and the NewSessionTickets sent after the client's Finished.

use mtls_crypto::SecureRandom;
use mtls_prf::tls13::Secret;
use mtls_wire::AlertDescription;
use mtls_wire::PskKeyExchangeMode;
use mtls_wire::extensions::{Extensions, PskIdentity};
use mtls_wire::handshake::{
    ClientHello, HandshakeMessage, HandshakePayload, NewSessionTicketTls13,
};

use super::ServerState;
use crate::action::Action;
use crate::certs::{CertificateDer, PeerIdentity};
use crate::common::Common;
use crate::config::ServerConfig;
use crate::error::{HandshakeError, crypto};
use crate::session::{StoredSession, Tls13Session};
use crate::suites::Tls13Suite;
use crate::ticket::{self, MAX_TLS13_TICKET_LIFETIME};
use crate::tls13::{Schedule13, psk_binder};
use crate::trace::debug_event;

/// How far the age a client reports for its ticket may be from the age we know (RFC 8446
/// 8.3 suggests a window of about 10 seconds): the clocks here count whole seconds, so one
/// more second of rounding on each side.
pub(crate) const TICKET_AGE_WINDOW_MS: u64 = 12_000;

/// A PSK we accepted: which identity of the ClientHello (`selected_identity`), the PSK, and
/// the session its ticket carried.
pub(super) struct Resumed13 {
    pub(super) index: u16,
    pub(super) psk: Secret,
    pub(super) session: StoredSession,
}

/// What a ticket is issued for.
pub(super) struct TicketSource<'a> {
    /// The client's verified chain (empty: none).
    pub(super) chain: &'a [CertificateDer<'static>],
    pub(super) server_name: Option<&'a str>,
    pub(super) alpn: Option<&'a [u8]>,
    /// When the handshake that authenticated the client ran.
    pub(super) created: u64,
    /// The identity read from the chain's leaf when it was verified (rides in the ticket).
    pub(super) identity: Option<&'a PeerIdentity>,
}

/// RFC 8446 4.2.9: the client allows `mode`.
fn offers(ch: &ClientHello, mode: PskKeyExchangeMode) -> bool {
    ch.extensions
        .psk_key_exchange_modes()
        .is_some_and(|m| m.contains(&mode))
}

/// RFC 8446 4.2.9: the client allows a mode this server resumes with: psk_dhe_ke ((EC)DHE
/// on every resumption keeps forward secrecy), or psk_ke when the server is configured for
/// it ([`ServerConfig::tls13_psk_ke`]). Tickets are sent only to such a client.
pub(super) fn offers_a_mode_we_resume_with(config: &ServerConfig, ch: &ClientHello) -> bool {
    offers(ch, PskKeyExchangeMode::PskDheKe) || chooses_psk_ke(config, ch)
}

/// RFC 8446 4.2.9: a resumption runs without (EC)DHE when this server is configured for
/// psk_ke and the client allows it, even if the client allows psk_dhe_ke too: speed is what
/// psk_ke is configured for (docs/SECURITY.md, "TLS 1.3 resumption without (EC)DHE").
pub(super) fn chooses_psk_ke(config: &ServerConfig, ch: &ClientHello) -> bool {
    config.tls13_psk_ke && offers(ch, PskKeyExchangeMode::PskKe)
}

/// The verifier's word on a ticket's client chain, for whichever replica resumes it: its
/// policy digest and until when the chain stays valid (both versions).
pub(super) fn vouch_in_ticket(config: &ServerConfig, session: &mut StoredSession) {
    if config.client_auth.verifies()
        && !session.peer_certificates.is_empty()
        && let Some(v) = &config.client_verifier
        && let (Some(digest), Some(until)) = (
            v.policy_digest(),
            v.verified_until(&session.peer_certificates),
        )
    {
        session.set_verified_by_policy(digest, until);
    }
}

impl ServerState {
    /// The PSK of `ch` this handshake resumes with, if any (RFC 8446 4.2.11). A ticket we
    /// cannot use (it does not open, is TLS 1.2's, of another hash, too old, of an
    /// implausible age, for another name, used before, or its client no longer admitted)
    /// is skipped: a full handshake follows, never an error. A binder that does not verify
    /// is `decrypt_error` (RFC 8446 4.2.11.2); the authorizer refusing the ticket's client
    /// is `access_denied`, as on a full handshake.
    pub(super) fn accept_psk13(
        &self,
        common: &Common,
        suite: Tls13Suite,
        server_name: Option<&str>,
        ch: &ClientHello,
        raw: &[u8],
    ) -> Result<Option<Box<Resumed13>>, HandshakeError> {
        let Some(offered) = ch.extensions.pre_shared_key() else {
            return Ok(None);
        };
        // RFC 8446 4.2.9: a PSK comes with the modes it may be used in.
        if ch.extensions.psk_key_exchange_modes().is_none() {
            return Err(HandshakeError::new(
                AlertDescription::MissingExtension,
                "a ClientHello with pre_shared_key but no psk_key_exchange_modes (RFC 8446 4.2.9)",
            ));
        }
        // RFC 8446 4.2.11: one binder per identity.
        if offered.identities.len() != offered.binders.len() {
            return Err(HandshakeError::new(
                AlertDescription::IllegalParameter,
                "pre_shared_key with as many binders as identities (RFC 8446 4.2.11)",
            ));
        }
        let Some(ticketer) = self.config.ticketer.as_deref() else {
            return Ok(None);
        };
        if !offers_a_mode_we_resume_with(&self.config, ch) {
            return Ok(None);
        }
        // RFC 8446 4.2.11.2: the binders cover the ClientHello up to them (pre_shared_key
        // is its last extension, the binders the extension's last field).
        let truncated = raw
            .len()
            .checked_sub(offered.binders_len())
            .and_then(|n| raw.get(..n))
            .ok_or_else(|| HandshakeError::internal("the binders are longer than the hello"))?;
        let binder_hash = common.transcript.hash_with(suite.hash, truncated);
        let now = self.config.time.now();
        for (i, (identity, binder)) in offered.identities.iter().zip(&offered.binders).enumerate() {
            let Some(session) = ticketer
                .open(&identity.identity)
                .and_then(|opened| ticket::decode13(&opened.plaintext))
            else {
                continue;
            };
            let Some(t) = session.tls13() else {
                continue;
            };
            // RFC 8446 4.2.11: only with a suite of the ticket's hash.
            if Tls13Suite::find(session.suite).map(|s| s.hash) != Some(suite.hash) {
                continue;
            }
            let psk = Secret::from_bytes(suite.hash, t.psk());
            if !psk_binder(
                common.provider,
                suite.hash,
                psk.as_bytes(),
                binder_hash.as_slice(),
            )
            .verify(binder)
            {
                return Err(HandshakeError::new(
                    AlertDescription::DecryptError,
                    "the binder of the PSK does not verify (RFC 8446 4.2.11.2)",
                ));
            }
            if !self.usable13(&session, t, identity, server_name, now) {
                continue;
            }
            // RFC 8446 8: each ticket at most once; a replay makes a full handshake.
            let expires = t.issued.saturating_add(u64::from(t.lifetime));
            if !self.config.ticket_replay.first_use(
                common.provider,
                &identity.identity,
                expires,
                now,
            ) {
                debug_event!("server: a TLS 1.3 ticket used before, not resumed");
                continue;
            }
            // Today's authorizer judges the ticket's client again.
            if self.config.client_auth.verifies()
                && let Some(id) = session.peer_identity()
            {
                self.config
                    .authorize(&id, &session.peer_certificates, server_name)?;
            }
            let index = u16::try_from(i)
                .map_err(|_| HandshakeError::internal("more PSK identities than a u16 counts"))?;
            debug_event!(
                index,
                dhe = !chooses_psk_ke(&self.config, ch),
                sni = ?server_name,
                client_certificate = !session.peer_certificates.is_empty(),
                "server: resuming a TLS 1.3 session"
            );
            return Ok(Some(Box::new(Resumed13 {
                index,
                psk,
                session,
            })));
        }
        Ok(None)
    }

    /// The rules a ticket's session must pass besides its binder: its lifetime and its
    /// session's (RFC 8446 4.6.1), its age within [`TICKET_AGE_WINDOW_MS`] (RFC 8446 8.3),
    /// the SNI it was issued for (RFC 8446 4.6.1, RFC 6066 3), today's client policy.
    fn usable13(
        &self,
        session: &StoredSession,
        t: &Tls13Session,
        identity: &PskIdentity,
        server_name: Option<&str>,
        now: u64,
    ) -> bool {
        let lifetime = self
            .config
            .ticketer
            .as_deref()
            .map_or(0, |k| k.lifetime_secs().min(MAX_TLS13_TICKET_LIFETIME));
        if t.expired_at(now) || session.expired_at(now, u64::from(lifetime)) {
            return false;
        }
        // RFC 8446 4.2.11.1: the age the client saw, de-obfuscated, against the one we know.
        let reported = u64::from(identity.obfuscated_ticket_age.wrapping_sub(t.age_add));
        let known = (now - t.issued).saturating_mul(1000);
        if reported.abs_diff(known) > TICKET_AGE_WINDOW_MS {
            debug_event!(
                reported,
                known,
                "server: a TLS 1.3 ticket's age is out of the window"
            );
            return false;
        }
        session.server_name.as_deref() == server_name && self.client_still_admitted(session, now)
    }
}

/// `count` NewSessionTickets (RFC 8446 4.6.1), each with its own nonce (hence its own PSK)
/// and a random ticket_age_add, sealing the session by our ticketer (format version 4, see
/// [`crate::ticket`]): the resumption PSK, suite, client chain and the verifier's word on
/// it, SNI, ALPN. No early_data extension: this stack never accepts 0-RTT. The lifetime is
/// the ticketer's, at most 7 days, counted from the handshake that authenticated the client
/// (resumption never extends it). Sent as post-handshake messages, outside the transcript.
pub(super) fn new_session_tickets(
    config: &ServerConfig,
    rng: &mut dyn SecureRandom,
    schedule: &Schedule13,
    source: &TicketSource<'_>,
    count: usize,
    next_nonce: &mut u64,
) -> Result<Vec<Action>, HandshakeError> {
    let mut actions = Vec::new();
    let Some(ticketer) = config.ticketer.as_deref() else {
        return Ok(actions);
    };
    let now = config.time.now();
    let lifetime = ticketer.lifetime_secs().min(MAX_TLS13_TICKET_LIFETIME);
    let left = u64::from(lifetime).saturating_sub(now.saturating_sub(source.created));
    let left = u32::try_from(left).unwrap_or(0);
    if left == 0 || source.created > now {
        return Ok(actions);
    }
    for _ in 0..count {
        let nonce = next_nonce.to_be_bytes();
        *next_nonce = next_nonce.wrapping_add(1);
        let psk = schedule.ticket_psk(&nonce)?;
        let mut age_add = [0u8; 4];
        rng.fill(&mut age_add)
            .map_err(|e| crypto("ticket_age_add", e))?;
        let age_add = u32::from_be_bytes(age_add);
        let mut session = StoredSession::new13(
            schedule.suite().suite,
            source.chain.to_vec(),
            source.server_name.map(str::to_string),
            source.created,
            Tls13Session::new(
                psk.as_bytes(),
                now,
                left,
                age_add,
                source.alpn.map(<[u8]>::to_vec),
            ),
        )
        .with_peer_identity(source.identity.cloned());
        vouch_in_ticket(config, &mut session);
        // A chain over the cap gets no ticket.
        let Some(ticket) = ticket::encode13(&session)
            .and_then(|plaintext| ticketer.seal(&plaintext))
            .filter(|t| !t.is_empty() && t.len() <= 0xffff)
        else {
            continue;
        };
        debug_event!(
            len = ticket.len(),
            lifetime = left,
            "server: issuing a TLS 1.3 ticket"
        );
        let nst = NewSessionTicketTls13 {
            ticket_lifetime: left,
            ticket_age_add: age_add,
            ticket_nonce: nonce.to_vec(),
            ticket,
            extensions: Extensions::new(Vec::new()),
        };
        let message = HandshakeMessage::new(HandshakePayload::NewSessionTicketTls13(nst));
        actions.push(Action::SendHandshake(message.raw().to_vec()));
    }
    Ok(actions)
}
