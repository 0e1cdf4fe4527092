//! TLS 1.3 resumption, client side (RFC 8446 2.2, 4.2.11, 4.6.1): one stored ticket offered
//! as a PSK with its binder (and removed from the store: a ticket is used once, RFC 8446
//! C.4), the server's answer checked, and the tickets it sends after the handshake kept.

use std::sync::Arc;

use mtls_crypto::HashAlgorithm;
use mtls_wire::extensions::{Extension, OfferedPsks, PskIdentity};
use mtls_wire::handshake::{
    ClientHello, HandshakeMessage, HandshakePayload, NewSessionTicketTls13,
};
use mtls_wire::{AlertDescription, PskKeyExchangeMode};

use super::ClientState;
use crate::certs::{CertificateDer, PeerIdentity};
use crate::common::Common;
#[cfg(doc)]
use crate::config::ClientConfig;
use crate::error::HandshakeError;
use crate::session::{StoredSession, Tls13Session};
use crate::suites::Tls13Suite;
use crate::ticket::MAX_TLS13_TICKET_LIFETIME;
use crate::tls13::{Schedule13, psk_binder};
use crate::trace::debug_event;

/// The PSK our ClientHello offers: the stored session and the hash of its suite.
pub(super) struct OfferedPsk {
    pub(super) session: Arc<StoredSession>,
    pub(super) hash: HashAlgorithm,
}

/// What the tickets of an established connection are stored with: the server as we
/// verified it (or as the resumed session had it), the ALPN protocol, our SNI.
pub(super) struct TicketBase {
    pub(super) server_chain: Vec<CertificateDer<'static>>,
    pub(super) server_identity: Option<PeerIdentity>,
    pub(super) alpn: Option<Vec<u8>>,
    pub(super) sni: Option<String>,
}

impl ClientState {
    /// True when this client asks for TLS 1.3 tickets and resumes with them: it keeps
    /// sessions and tickets are enabled.
    pub(super) fn wants_tickets13(&self) -> bool {
        self.config.enable_tickets && self.config.session_store.is_some()
    }

    /// The TLS 1.3 extensions of resumption, to be the ClientHello's last ones:
    /// psk_key_exchange_modes with psk_dhe_ke (RFC 8446 4.2.9: (EC)DHE on every resumption
    /// keeps forward secrecy; without the extension no server sends tickets), and psk_ke
    /// after it only when configured ([`ClientConfig::tls13_psk_ke`]; the server chooses),
    /// then pre_shared_key with the one ticket of `session` (RFC 8446 4.2.11: last), its
    /// obfuscated age (RFC 8446 4.2.11.1) and a binder to fill in ([`bind_psk`]). `None`
    /// when there is no usable ticket: expired, or of a hash none of our suites has.
    pub(super) fn psk_extensions(
        &self,
        ext: &mut Vec<Extension>,
        session: Option<Arc<StoredSession>>,
    ) -> Option<Box<OfferedPsk>> {
        if !self.wants_tickets13() {
            return None;
        }
        let mut modes = vec![PskKeyExchangeMode::PskDheKe];
        if self.config.tls13_psk_ke {
            modes.push(PskKeyExchangeMode::PskKe);
        }
        ext.push(Extension::PskKeyExchangeModes(modes));
        let session = session?;
        let t = session.tls13()?;
        let hash = Tls13Suite::find(session.suite)?.hash;
        let now = self.config.time.now();
        if t.expired_at(now) || !self.config.tls13_suites.iter().any(|s| s.hash == hash) {
            return None;
        }
        let age_ms = (now - t.issued).saturating_mul(1000);
        let identity = PskIdentity {
            identity: session.ticket()?.to_vec(),
            obfuscated_ticket_age: u32::try_from(age_ms)
                .unwrap_or(u32::MAX)
                .wrapping_add(t.age_add),
        };
        ext.push(Extension::PreSharedKey(OfferedPsks {
            identities: vec![identity],
            binders: vec![vec![0; hash.output_len()]],
        }));
        debug_event!(age_ms, "client: offering a TLS 1.3 ticket");
        Some(Box::new(OfferedPsk { session, hash }))
    }

    // ---- NewSessionTicket (RFC 8446 4.6.1) ----

    /// Keeps a ticket for the next connection to this server: its PSK from the resumption
    /// master secret and the ticket's nonce, the lifetime (at most 7 days; 0: discard), the
    /// age_add, the server's identity and our ALPN and SNI. Ticket extensions are ignored
    /// (early_data: this client never sends 0-RTT).
    pub(super) fn store_ticket13(
        &self,
        nst: &NewSessionTicketTls13,
        schedule: &Schedule13,
        base: Option<&TicketBase>,
    ) -> Result<(), HandshakeError> {
        let (Some(base), Some(store), Some(name)) = (
            base,
            &self.config.session_store,
            self.server_name.as_deref(),
        ) else {
            return Ok(());
        };
        if nst.ticket_lifetime == 0 {
            return Ok(());
        }
        let now = self.config.time.now();
        let psk = schedule.ticket_psk(&nst.ticket_nonce)?;
        let tls13 = Tls13Session::new(
            psk.as_bytes(),
            now,
            nst.ticket_lifetime.min(MAX_TLS13_TICKET_LIFETIME),
            nst.ticket_age_add,
            base.alpn.clone(),
        );
        let session = StoredSession::new13(
            schedule.suite().suite,
            base.server_chain.clone(),
            base.sni.clone(),
            now,
            tls13,
        )
        .with_peer_identity(base.server_identity.clone())
        .with_ticket(nst.ticket.clone())
        .made_by(&self.config);
        debug_event!(
            len = nst.ticket.len(),
            lifetime = nst.ticket_lifetime,
            "client: TLS 1.3 ticket kept"
        );
        store.put(&self.config.session_key(name), Arc::new(session));
        Ok(())
    }
}

/// RFC 8446 4.2.11.2: fills in the binder of the PSK offered in `hello` (its last
/// extension): a MAC over the transcript so far (after a HelloRetryRequest, the first
/// ClientHello's message_hash and the HelloRetryRequest) and `hello` up to its binders.
pub(super) fn bind_psk(
    common: &Common,
    hello: &mut ClientHello,
    psk: &OfferedPsk,
) -> Result<(), HandshakeError> {
    let t = psk
        .session
        .tls13()
        .ok_or_else(|| HandshakeError::internal("a TLS 1.3 PSK from a TLS 1.2 session"))?;
    let encoded = HandshakeMessage::new(HandshakePayload::ClientHello(hello.clone()));
    let raw = encoded.raw();
    let Some(Extension::PreSharedKey(offered)) = hello.extensions.list.last_mut() else {
        return Err(HandshakeError::internal(
            "pre_shared_key is not the ClientHello's last extension",
        ));
    };
    let truncated = raw
        .len()
        .checked_sub(offered.binders_len())
        .and_then(|n| raw.get(..n))
        .ok_or_else(|| HandshakeError::internal("the binders are longer than the hello"))?;
    let hash = common.transcript.hash_with(psk.hash, truncated);
    let binder = psk_binder(common.provider, psk.hash, t.psk(), hash.as_slice());
    offered.binders = vec![binder.as_bytes().to_vec()];
    Ok(())
}

/// RFC 8446 4.2.11: the server's `selected_identity` must name the PSK we offered (the only
/// one: index 0), of the hash of the suite it chose (`illegal_parameter`).
pub(super) fn check_selected(
    selected: u16,
    offered: Option<&OfferedPsk>,
    suite: Tls13Suite,
) -> Result<(), HandshakeError> {
    let illegal = |why: &'static str| HandshakeError::new(AlertDescription::IllegalParameter, why);
    let psk = offered.ok_or_else(|| {
        illegal("the server selected a PSK but none was offered (RFC 8446 4.2.11)")
    })?;
    if selected != 0 {
        return Err(illegal(
            "the server selected a PSK identity we did not offer (RFC 8446 4.2.11)",
        ));
    }
    if psk.hash != suite.hash {
        return Err(illegal(
            "the server resumes a PSK with a suite of another hash (RFC 8446 4.2.11)",
        ));
    }
    Ok(())
}
