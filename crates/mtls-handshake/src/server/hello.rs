//! The server's ClientHello handler (RFC 5246 7.4.1.2): all negotiation happens here, and
//! it ends in the phase the rest of the handshake runs in.

use std::sync::Arc;

use mtls_crypto::kx::{KeyExchange, NamedGroup};
use mtls_wire::handshake::{ClientHello, DowngradeSentinel, KeyExchangeAlgorithm};
use mtls_wire::{AlertDescription, CipherSuite, CompressionMethod, ECPointFormat, ProtocolVersion};

use super::{Full, Hello, Keyed, Phase, ServerKx, ServerState};
use crate::certs::{ClientHelloInfo, choose_scheme};
use crate::common::{Common, wire_group};
use crate::config::{ClientAuthPolicy, SuitePreference};
use crate::error::{HandshakeError, crypto};
use crate::keys::KeySchedule;
use crate::sequence::Fact;
use crate::session::StoredSession;
use crate::suites::SupportedSuite;
use crate::trace::debug_event;

/// What the extensions of a ClientHello settle before the suite is chosen.
struct Offer {
    client_version: [u8; 2],
    secure_renegotiation: bool,
    client_sent_point_formats: bool,
    server_name: Option<String>,
    alpn: Option<Vec<u8>>,
    ems: bool,
    /// The client sent a SessionTicket extension: it takes tickets (RFC 5077 3.2).
    takes_tickets: bool,
}

/// A session the ClientHello may resume, and where it came from.
struct Resumable {
    session: Arc<StoredSession>,
    suite: SupportedSuite,
    /// From a ticket (whose session id the client chose), not from the cache.
    by_ticket: bool,
    /// A ticket sealed with a key that is no longer current: issue a fresh one.
    renew: bool,
}

impl Offer {
    /// `ticket`: a NewSessionTicket will follow; `created`: when the session began.
    fn into_hello(self, suite: SupportedSuite, ticket: bool, created: u64) -> Hello {
        Hello {
            ticket,
            created,
            suite,
            client_version: self.client_version,
            secure_renegotiation: self.secure_renegotiation,
            client_sent_point_formats: self.client_sent_point_formats,
            server_name: self.server_name,
            alpn: self.alpn,
            ems: self.ems,
        }
    }
}

/// The suite, certificate and ECDHE parameters a full handshake uses.
struct Choice {
    suite: SupportedSuite,
    certified: Arc<crate::certs::CertifiedKey>,
    /// The group and the ServerKeyExchange signature scheme, for ECDHE suites.
    ecdhe: Option<(NamedGroup, mtls_crypto::signature::SignatureAlgorithm)>,
}

impl ServerState {
    pub(super) fn receive_client_hello(
        &mut self,
        common: &mut Common,
        ch: &ClientHello,
        raw: &[u8],
    ) -> Result<Phase, HandshakeError> {
        let config = Arc::clone(&self.config);
        if self.choose_version(ch)? {
            return self.receive_client_hello13(common, ch, raw);
        }
        let offer = self.read_offer(ch)?;

        common.client_random = ch.random;
        self.rng
            .fill(&mut common.server_random)
            .map_err(|e| crypto("server random", e))?;
        // RFC 8446 4.1.3: a server that speaks TLS 1.3 and negotiates TLS 1.2 says so in
        // the last 8 bytes of its random, which a TLS 1.3 client checks.
        if config.accepts_tls13() {
            DowngradeSentinel::Tls12.stamp(&mut common.server_random);
        }

        if let Some(Resumable {
            session,
            suite,
            by_ticket,
            renew,
        }) = self.resumable_session(ch, &offer)?
        {
            common.suite_chosen(&suite);
            common.learn(Fact::Resumption(true))?;
            // A ticket sealed with the previous key is renewed (RFC 5077 3.1, figure 2).
            let ticket = renew && offer.takes_tickets;
            common.learn(Fact::Ticket(ticket))?;
            common.learn(Fact::Tls13(false))?;
            // RFC 5077 3.4: a server that accepts a ticket echoes the client's session id.
            self.session_id = if by_ticket {
                ch.session_id.as_slice().to_vec()
            } else {
                session.session_id.clone()
            };
            let keys = KeySchedule::new(
                suite,
                session.master_secret(),
                common,
                config.key_log.as_deref(),
            );
            // The identity kept with the session (read from a ticket's chain), and today's
            // authorizer judges it again.
            let client_identity = session.peer_identity();
            if config.client_auth.verifies()
                && let Some(identity) = &client_identity
            {
                config.authorize(
                    identity,
                    &session.peer_certificates,
                    offer.server_name.as_deref(),
                )?;
            }
            debug_event!(
                suite = ?suite.suite,
                sni = ?offer.server_name,
                ems = offer.ems,
                client_certificate = client_identity.is_some(),
                "server: resuming a session"
            );
            return Ok(Phase::Keyed(Box::new(Keyed {
                hello: offer.into_hello(suite, ticket, session.created),
                keys,
                ecdhe: None,
                client_chain: session.peer_certificates.clone(),
                client_signature: None,
                client_identity,
            })));
        }

        let choice = self.choose_suite(ch, offer.server_name.as_deref())?;
        common.suite_chosen(&choice.suite);
        let request = config.client_auth.requests_in_handshake();
        if request {
            // The CertificateRequest offers these schemes; the client's CertificateVerify may
            // use any of their hashes.
            common
                .transcript
                .start_signature_hashes(config.signature_schemes.iter().map(|s| s.hash()));
        }
        common.learn(Fact::Resumption(false))?;
        common.learn(Fact::KeyExchange(choice.suite.kx))?;
        common.learn(Fact::ClientAuth(request))?;
        // RFC 5077 3.2: a ticket for a client that asked, when we have a ticketer.
        let ticket = offer.takes_tickets && config.ticketer.is_some();
        common.learn(Fact::Ticket(ticket))?;
        common.learn(Fact::Tls13(false))?;
        if config.session_cache.is_some() {
            let mut id = vec![0u8; 32];
            self.rng
                .fill(&mut id)
                .map_err(|e| crypto("session id", e))?;
            self.session_id = id;
        }
        let kx = match choice.ecdhe {
            // A fresh ephemeral key for every handshake (sent in ServerKeyExchange).
            Some((group, scheme)) => ServerKx::Ecdhe {
                group,
                scheme,
                key: KeyExchange::start_with(config.provider, group, &mut *self.rng)
                    .map_err(|e| crypto("key generation", e))?,
            },
            None => ServerKx::Rsa,
        };
        debug_event!(
            suite = ?choice.suite.suite,
            ecdhe = ?choice.ecdhe,
            sni = ?offer.server_name,
            alpn = ?offer.alpn.as_deref().map(String::from_utf8_lossy),
            ems = offer.ems,
            client_auth = ?config.client_auth,
            "server: full handshake negotiated"
        );
        let created = config.time.now();
        Ok(Phase::Full(Box::new(Full {
            hello: offer.into_hello(choice.suite, ticket, created),
            certified: choice.certified,
            kx,
            client: None,
        })))
    }

    /// Version, compression, renegotiation, EMS, SNI, ALPN and point formats.
    fn read_offer(&self, ch: &ClientHello) -> Result<Offer, HandshakeError> {
        let config = &self.config;

        // Version (RFC 5246 E.1; RFC 7507 3 for the fallback SCSV).
        let version = ch.client_version.to_u16();
        if version < ProtocolVersion::TLSv1_2.to_u16() {
            if ch.cipher_suites.contains(&CipherSuite::TLS_FALLBACK_SCSV) {
                return Err(HandshakeError::new(
                    AlertDescription::InappropriateFallback,
                    "the client fell back to an older version although TLS 1.2 is available (RFC 7507)",
                ));
            }
            return Err(HandshakeError::new(
                AlertDescription::ProtocolVersion,
                format!(
                    "the client offers at most {:?}; this server speaks only TLS 1.2",
                    ch.client_version
                ),
            ));
        }

        // RFC 5246 7.4.1.2: null compression must be offered; we never compress (CRIME).
        if !ch.compression_methods.contains(&CompressionMethod::Null) {
            return Err(HandshakeError::new(
                AlertDescription::IllegalParameter,
                "the ClientHello does not offer null compression",
            ));
        }

        // RFC 5746 3.6: secure renegotiation signalling on an initial handshake.
        let reneg_ext = ch.extensions.renegotiation_info();
        if reneg_ext.is_some_and(|r| !r.is_empty()) {
            return Err(HandshakeError::new(
                AlertDescription::HandshakeFailure,
                "non-empty renegotiation_info on an initial handshake (RFC 5746 3.6)",
            ));
        }
        let secure_renegotiation = reneg_ext.is_some()
            || ch
                .cipher_suites
                .contains(&CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV);

        // RFC 7627 5.1 / 5.2.
        let ems = ch.extensions.has_ems();
        if !ems && config.require_ems {
            return Err(HandshakeError::new(
                AlertDescription::HandshakeFailure,
                "the client does not support extended master secret (RFC 7627), which this server requires",
            ));
        }

        let server_name = sni_host_name(ch)?;

        let alpn = choose_alpn(config, ch)?;

        // RFC 8422 5.1.2: a client that lists point formats must include uncompressed.
        let formats = ch.extensions.ec_point_formats();
        if formats.is_some_and(|f| !f.contains(&ECPointFormat::Uncompressed)) {
            return Err(HandshakeError::new(
                AlertDescription::IllegalParameter,
                "the client does not accept uncompressed points (RFC 8422 5.1.2)",
            ));
        }

        Ok(Offer {
            client_version: version.to_be_bytes(),
            secure_renegotiation,
            client_sent_point_formats: formats.is_some(),
            server_name,
            alpn,
            ems,
            takes_tickets: ch.extensions.session_ticket().is_some(),
        })
    }

    /// The session this ClientHello may resume: its ticket's (RFC 5077 3.4), else the cached
    /// one its session id names. A full handshake follows when a rule says the session may
    /// not be resumed; a ClientHello that breaks a rule for resuming the session it names is
    /// an error. A ticket that does not open, is malformed or too old is never an error: the
    /// handshake is simply full.
    fn resumable_session(
        &self,
        ch: &ClientHello,
        offer: &Offer,
    ) -> Result<Option<Resumable>, HandshakeError> {
        let now = self.config.time.now();
        let from_ticket = ch
            .extensions
            .session_ticket()
            .filter(|t| !t.is_empty())
            .zip(self.config.ticketer.as_deref())
            .and_then(|(ticket, ticketer)| {
                let opened = ticketer.open(ticket)?;
                let session = crate::ticket::decode(&opened.plaintext)?;
                let lifetime = u64::from(ticketer.lifetime_secs());
                (!session.expired_at(now, lifetime)).then(|| (Arc::new(session), opened.renew))
            });
        let (session, by_ticket, renew) = match from_ticket {
            Some((session, renew)) => (session, true, renew),
            None => {
                let cached = self
                    .config
                    .session_cache
                    .as_ref()
                    .filter(|_| !ch.session_id.is_empty())
                    .and_then(|cache| cache.get(ch.session_id.as_slice(), now));
                match cached {
                    Some(session) => (session, false, false),
                    None => return Ok(None),
                }
            }
        };
        // RFC 7627 5.3: a session made with EMS is never resumed without it (abort); one made
        // without it is not resumed by a ClientHello that offers it (full handshake).
        if session.extended_master_secret && !offer.ems {
            return Err(HandshakeError::new(
                AlertDescription::HandshakeFailure,
                "the client resumes a session made with extended master secret without offering it (RFC 7627 5.3)",
            ));
        }
        if session.extended_master_secret != offer.ems {
            return Ok(None);
        }
        // A suite this server no longer allows: a full handshake.
        let Some(suite) = self
            .config
            .usable_suites()
            .find(|s| s.suite == session.suite)
            .copied()
        else {
            return Ok(None);
        };
        // RFC 5246 7.4.1.2: a resuming ClientHello "MUST include at least the cipher_suite
        // from that session".
        if !ch.cipher_suites.contains(&session.suite) {
            return Err(HandshakeError::new(
                AlertDescription::IllegalParameter,
                format!(
                    "the client resumes a session of {:?} without offering that suite (RFC 5246 7.4.1.2)",
                    session.suite
                ),
            ));
        }
        // RFC 6066 3: a session is resumed only for the name it was made for. (ALPN is
        // negotiated afresh and does not matter here, RFC 7301 3.1.)
        if session.server_name != offer.server_name {
            return Ok(None);
        }
        let client_ok = self.client_still_admitted(&session, now);
        Ok(client_ok.then_some(Resumable {
            session,
            suite,
            by_ticket,
            renew,
        }))
    }

    /// The client identity of a session to resume must still pass today's policy and
    /// validity check (both versions): a chain where one is required, verified again unless
    /// the same verifier (or, for a ticket, a verifier of the same policy digest) vouched
    /// for it until a time still ahead.
    pub(super) fn client_still_admitted(&self, session: &StoredSession, now: u64) -> bool {
        match (
            self.config.client_auth,
            session.peer_certificates.is_empty(),
        ) {
            (ClientAuthPolicy::Required, true) => false,
            (
                ClientAuthPolicy::Optional
                | ClientAuthPolicy::Required
                | ClientAuthPolicy::PostHandshake,
                false,
            ) => {
                self.config.client_verifier.as_ref().is_some_and(|v| {
                    // The same verifier vouched for this chain until a time still ahead:
                    // nothing but the clock could change its verdict, so skip the path
                    // validation (most of a resumption's cost otherwise).
                    session.is_vouched_for_by(v, now)
                        || v.verify_client_cert(&session.peer_certificates, now)
                            .is_ok()
                })
            }
            _ => true,
        }
    }

    /// Picks the suite, certificate, group and signature scheme (RFC 5246 7.4.1.2, RFC 8422
    /// 5.1, RFC 5246 7.4.1.4.1); none that fits is `handshake_failure`.
    fn choose_suite(
        &self,
        ch: &ClientHello,
        server_name: Option<&str>,
    ) -> Result<Choice, HandshakeError> {
        let config = &self.config;
        let ours: Vec<&SupportedSuite> = config.usable_suites().collect();
        let candidates: Vec<&SupportedSuite> = match config.preference {
            SuitePreference::Server => ours
                .iter()
                .copied()
                .filter(|s| ch.cipher_suites.contains(&s.suite))
                .collect(),
            SuitePreference::Client => ch
                .cipher_suites
                .iter()
                .filter_map(|c| ours.iter().copied().find(|s| s.suite == *c))
                .collect(),
        };
        let client_schemes = ch.extensions.signature_algorithms().unwrap_or(&[]);
        // RFC 8422 4: with no supported_groups the server may pick any curve of RFC 8422 5;
        // secp256r1 is the one every ECC client speaks (X25519 is not among them).
        let group = match ch.extensions.supported_groups() {
            Some(offered) => config
                .groups
                .iter()
                .copied()
                .find(|g| offered.contains(&wire_group(*g))),
            None => config
                .groups
                .iter()
                .copied()
                .find(|g| *g == NamedGroup::Secp256r1),
        };
        let info = hello_info(ch, server_name, client_schemes);
        for suite in candidates {
            let Some(certified) = config.cert_resolver.resolve(&info, suite.auth) else {
                continue;
            };
            let ecdhe = match suite.kx {
                KeyExchangeAlgorithm::Ecdhe => {
                    let Some(group) = group else { continue };
                    let Some(scheme) =
                        choose_scheme(&certified.key, &config.signature_schemes, client_schemes)
                    else {
                        continue;
                    };
                    Some((group, scheme))
                }
                KeyExchangeAlgorithm::Rsa => {
                    if certified.key.as_rsa().is_none() {
                        continue;
                    }
                    None
                }
            };
            return Ok(Choice {
                suite: *suite,
                certified,
                ecdhe,
            });
        }
        Err(HandshakeError::new(
            AlertDescription::HandshakeFailure,
            "no cipher suite in common that fits this server's certificates, groups and signature schemes",
        ))
    }
}

/// ALPN (RFC 7301 3.2): our preference among theirs; no overlap is fatal.
pub(crate) fn choose_alpn(
    config: &crate::config::ServerConfig,
    ch: &ClientHello,
) -> Result<Option<Vec<u8>>, HandshakeError> {
    let Some(offered) = ch.extensions.alpn() else {
        return Ok(None);
    };
    if config.alpn_protocols.is_empty() {
        return Ok(None);
    }
    let chosen = config
        .alpn_protocols
        .iter()
        .find(|p| offered.iter().any(|o| &o.0 == *p))
        .ok_or_else(|| {
            HandshakeError::new(
                AlertDescription::NoApplicationProtocol,
                "no application protocol in common (ALPN)",
            )
        })?;
    Ok(Some(chosen.clone()))
}

/// What the certificate resolver is told of `ch`, in both versions: the SNI name, the
/// signature schemes the handshake signs with (`schemes`), signature_algorithms_cert, and the
/// cipher suites.
pub(crate) fn hello_info<'a>(
    ch: &'a ClientHello,
    server_name: Option<&'a str>,
    schemes: &'a [mtls_wire::SignatureScheme],
) -> ClientHelloInfo<'a> {
    ClientHelloInfo {
        server_name,
        signature_schemes: schemes,
        signature_schemes_cert: ch.extensions.signature_algorithms_cert(),
        cipher_suites: &ch.cipher_suites,
    }
}

/// The SNI name of a ClientHello (RFC 6066 3), lowercased: a DNS host name, never an IP
/// literal or anything else (`illegal_parameter`).
pub(crate) fn sni_host_name(ch: &ClientHello) -> Result<Option<String>, HandshakeError> {
    let Some(name) = ch.extensions.server_name() else {
        return Ok(None);
    };
    let name = std::str::from_utf8(name)
        .ok()
        .filter(|n| is_dns_host_name(n))
        .ok_or_else(|| {
            HandshakeError::new(
                AlertDescription::IllegalParameter,
                format!(
                    "the SNI name {:?} is not an ASCII DNS host name (RFC 6066 3, RFC 1123 2.1)",
                    String::from_utf8_lossy(name)
                ),
            )
        })?;
    Ok(Some(name.to_ascii_lowercase()))
}

/// A DNS host name as SNI carries it (RFC 6066 3: ASCII, no trailing dot, no IP literal):
/// labels of 1 to 63 letters, digits and hyphens, neither starting nor ending with a hyphen
/// (RFC 1123 2.1), 253 bytes at most, and a last label that is not all digits (which would
/// make it an IPv4 literal).
fn is_dns_host_name(name: &str) -> bool {
    let ldh = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    name.len() <= 253
        && name.split('.').all(ldh)
        && name
            .rsplit('.')
            .next()
            .is_some_and(|last| !last.bytes().all(|b| b.is_ascii_digit()))
}
