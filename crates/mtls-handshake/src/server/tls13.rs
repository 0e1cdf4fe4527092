//! The server's TLS 1.3 handshake (RFC 8446 2, 4): version negotiation at the ClientHello,
//! the key share or a HelloRetryRequest, the server's flight and the client's answer. One
//! straight-line handler per message, as the table in [`crate::sequence`] orders them.

use std::sync::Arc;

use mtls_crypto::kx::NamedGroup;
use mtls_crypto::signature::SignatureAlgorithm;
use mtls_wire::extensions::{Extension, Extensions, KeyShareEntry, ProtocolName};
use mtls_wire::handshake::{
    CertificateRequestTls13, CertificateTls13, ClientHello, EncryptedExtensions,
    HELLO_RETRY_REQUEST_RANDOM, HandshakeMessage, HandshakePayload, ServerHello, SessionId,
};
use mtls_wire::{AlertDescription, CompressionMethod, ExtensionType, ProtocolVersion};
use zeroize::Zeroizing;

use super::hello::{choose_alpn, hello_info, sni_host_name};
use super::kx13::key_exchange_offer;
use super::psk13::{
    Resumed13, TicketSource, chooses_psk_ke, new_session_tickets, offers_a_mode_we_resume_with,
};
use super::{ClientCertificate, Phase, ServerState};
use crate::action::Action;
use crate::certs::{AuthKeyType, CertificateDer, CertifiedKey, PeerIdentity, key_type_of};
use crate::common::{Common, HandshakeSummary, wire_group, wire_scheme};
use crate::config::{ClientAuthPolicy, SuitePreference};
use crate::error::{HandshakeError, crypto};
use crate::sequence::{Fact, Kind, Msg, Side};
use crate::suites::{NegotiatedSuite, Tls13Suite};
use crate::tls13::{
    Established13, Schedule13, check_entry_extensions, check_finished, choose_scheme13, finished,
    sign_certificate_verify, tls13_certificate_verify_scheme, verify_certificate_verify,
};
use crate::trace::debug_event;

/// A TLS 1.3 handshake from the ClientHello to the client's Finished.
pub(super) struct Server13 {
    suite: Tls13Suite,
    /// Our key share's group (unused by psk_ke), or the one a HelloRetryRequest asks for;
    /// `None` when a PSK ClientHello offered no key exchange (RFC 8446 9.2).
    group: Option<NamedGroup>,
    /// Our certificate and CertificateVerify scheme; `None` when a PSK ClientHello had no
    /// signature_algorithms (RFC 8446 9.2), which only a resumption can answer.
    certificate: Option<(Arc<CertifiedKey>, SignatureAlgorithm)>,
    alpn: Option<Vec<u8>>,
    server_name: Option<String>,
    /// The client's legacy_session_id, echoed (RFC 8446 4.1.3); non-empty: middlebox
    /// compatibility mode, we send one ChangeCipherSpec (RFC 8446 D.4).
    session_id: Vec<u8>,
    /// The client offered post_handshake_auth (RFC 8446 4.2.6).
    post_handshake_auth: bool,
    compat_ccs_sent: bool,
    stage: Stage,
    /// The client's chain, waiting for its CertificateVerify.
    client: Option<Box<ClientCertificate>>,
    /// The client's verified chain, identity and CertificateVerify scheme.
    client_chain: Vec<CertificateDer<'static>>,
    client_identity: Option<PeerIdentity>,
    client_signature: Option<SignatureAlgorithm>,
    /// The PSK we resume with (RFC 8446 4.2.11), once the deciding ClientHello accepted one.
    resumed: Option<Box<Resumed13>>,
    /// The client allows a PSK mode we resume with: tickets are worth sending (4.2.9).
    tickets: bool,
    /// The resumption runs without (EC)DHE (psk_ke, RFC 8446 4.2.9).
    psk_ke: bool,
    /// When the handshake that authenticated the client ran: now, or the resumed
    /// ticket's.
    created: u64,
    /// The nonce of our next NewSessionTicket.
    next_nonce: u64,
}

/// Where the key exchange is.
pub(super) enum Stage {
    /// A HelloRetryRequest asks for a share of `group` (`sent` once it is out); the first
    /// ClientHello stays to compare the second with (RFC 8446 4.1.2).
    Retry { first: Box<ClientHello>, sent: bool },
    /// The client's key share for our group, until the ClientHello's PSK decides whether
    /// (EC)DHE runs (RFC 8446 4.2.9); `None`: a PSK ClientHello without a key exchange.
    Offered(Option<Vec<u8>>),
    /// Our share and the shared secret, for the ServerHello; `None`: a psk_ke resumption,
    /// without (EC)DHE.
    Shared(Option<(Vec<u8>, Zeroizing<Vec<u8>>)>),
    /// The ServerHello is out: the key schedule runs.
    Keyed(Box<Schedule13>),
    /// Taken by the handler that runs.
    Moved,
}

/// An established TLS 1.3 connection, server side: KeyUpdate and post-handshake
/// authentication (`post13.rs`).
pub(super) struct ServerPost {
    pub(super) established: Established13,
    pub(super) post_handshake_auth: bool,
    pub(super) server_name: Option<String>,
    pub(super) auth: Option<Box<super::post13::PostAuth>>,
    /// Tickets may be sent (a ticketer, psk_dhe_ke offered), and what they carry besides
    /// the client's chain.
    pub(super) tickets: bool,
    pub(super) alpn: Option<Vec<u8>>,
    pub(super) created: u64,
    pub(super) next_nonce: u64,
}

pub(super) fn illegal(reason: impl Into<std::borrow::Cow<'static, str>>) -> HandshakeError {
    HandshakeError::new(AlertDescription::IllegalParameter, reason)
}

pub(super) fn missing(what: &str) -> HandshakeError {
    HandshakeError::new(
        AlertDescription::MissingExtension,
        format!("a TLS 1.3 ClientHello without {what} (RFC 8446 9.2)"),
    )
}

impl ServerState {
    /// RFC 8446 4.2.1: the version, from supported_versions when the client sent it (then
    /// legacy_version is ignored), else TLS 1.2 at most. `true`: TLS 1.3. A client that
    /// offers TLS 1.3 but no TLS 1.3 suite of ours falls back to TLS 1.2 if both speak it.
    pub(super) fn choose_version(&self, ch: &ClientHello) -> Result<bool, HandshakeError> {
        let config = &self.config;
        let Some(offered) = ch.extensions.supported_versions() else {
            if config.accepts_tls12() {
                return Ok(false);
            }
            return Err(HandshakeError::new(
                AlertDescription::ProtocolVersion,
                "the client offers no TLS 1.3 (no supported_versions) and this server speaks only TLS 1.3",
            ));
        };
        let tls13 = offered.contains(&ProtocolVersion::TLSv1_3) && config.accepts_tls13();
        let suite_in_common = config
            .tls13_suites
            .iter()
            .any(|s| ch.cipher_suites.contains(&s.suite));
        if tls13 && suite_in_common {
            return Ok(true);
        }
        if offered.contains(&ProtocolVersion::TLSv1_2) && config.accepts_tls12() {
            return Ok(false);
        }
        if tls13 {
            return Err(HandshakeError::new(
                AlertDescription::HandshakeFailure,
                "no TLS 1.3 cipher suite in common",
            ));
        }
        Err(HandshakeError::new(
            AlertDescription::ProtocolVersion,
            format!("no protocol version in common: the client offers {offered:?}"),
        ))
    }

    // ---- ClientHello (RFC 8446 4.1.2) ----

    pub(super) fn receive_client_hello13(
        &mut self,
        common: &mut Common,
        ch: &ClientHello,
        raw: &[u8],
    ) -> Result<Phase, HandshakeError> {
        let config = Arc::clone(&self.config);
        common.tls13 = true;
        common.learn(Fact::Tls13(true))?;
        // RFC 8446 4.1.2: exactly one compression method, null.
        if ch.compression_methods != [CompressionMethod::Null] {
            return Err(illegal(
                "a TLS 1.3 ClientHello must offer exactly the null compression method (RFC 8446 4.1.2)",
            ));
        }
        let ours = &config.tls13_suites;
        let suite = match config.preference {
            SuitePreference::Server => ours.iter().find(|s| ch.cipher_suites.contains(&s.suite)),
            SuitePreference::Client => ch
                .cipher_suites
                .iter()
                .find_map(|c| ours.iter().find(|s| s.suite == *c)),
        }
        .copied()
        .ok_or_else(|| {
            HandshakeError::new(
                AlertDescription::HandshakeFailure,
                "no TLS 1.3 cipher suite in common",
            )
        })?;
        // RFC 8446 9.2: without a PSK, signature_algorithms, supported_groups and key_share
        // are mandatory; with one, a resumption needs none of them.
        let psk_offered = ch.extensions.pre_shared_key().is_some();
        let (group, stage) = key_exchange_offer(&config.groups, ch, psk_offered)?;
        let server_name = sni_host_name(ch)?;
        let alpn = choose_alpn(&config, ch)?;
        let certificate = match ch.extensions.signature_algorithms() {
            Some(schemes) => {
                Some(self.choose_certificate13(ch, server_name.as_deref(), schemes)?)
            }
            None if psk_offered => None,
            None => return Err(missing("signature_algorithms")),
        };

        common.client_random = ch.random;
        self.rng
            .fill(&mut common.server_random)
            .map_err(|e| crypto("server random", e))?;
        common.transcript.start_hash(suite.hash);
        common.transcript.end_signature_transcript();

        let retry = matches!(stage, Stage::Retry { .. });
        common.learn(Fact::HelloRetry(retry))?;
        // The client's early data is never accepted, even with a PSK (our tickets allow
        // none, RFC 8446 4.2.10): a 1-RTT handshake, the record layer skips its 0-RTT
        // records.
        common.early_data_offered = ch.extensions.has_early_data();
        debug_event!(
            suite = ?suite.suite,
            group = ?group,
            retry = matches!(stage, Stage::Retry { .. }),
            sni = ?server_name,
            client_auth = ?config.client_auth,
            "server: TLS 1.3 negotiated"
        );
        let mut s = Box::new(Server13 {
            suite,
            group,
            certificate,
            alpn,
            server_name,
            session_id: ch.session_id.as_slice().to_vec(),
            post_handshake_auth: ch.extensions.has_post_handshake_auth(),
            compat_ccs_sent: false,
            stage,
            client: None,
            client_chain: Vec::new(),
            client_identity: None,
            client_signature: None,
            resumed: None,
            tickets: offers_a_mode_we_resume_with(&config, ch),
            psk_ke: false,
            created: config.time.now(),
            next_nonce: 0,
        });
        if !retry {
            self.decide13(common, &mut s, ch, raw)?;
        }
        Ok(Phase::Tls13(s))
    }

    /// At the ClientHello we answer with a ServerHello (the first, or the second after a
    /// HelloRetryRequest): resume with its PSK (RFC 8446 4.2.11) and take the ticket's
    /// client identity, or run a full handshake with client authentication as configured;
    /// then the (EC)DHE exchange with the client's share, unless the resumption is psk_ke
    /// (RFC 8446 4.2.9).
    fn decide13(
        &mut self,
        common: &mut Common,
        s: &mut Server13,
        ch: &ClientHello,
        raw: &[u8],
    ) -> Result<(), HandshakeError> {
        let resumed = self.accept_psk13(common, s.suite, s.server_name.as_deref(), ch, raw)?;
        common.learn(Fact::Resumption(resumed.is_some()))?;
        match &resumed {
            Some(r) => {
                s.client_chain = r.session.peer_certificates.clone();
                s.client_identity = r.session.peer_identity();
                s.created = r.session.created;
            }
            // RFC 8446 9.2: a full handshake needs signature_algorithms, which a PSK
            // ClientHello may leave out.
            None if s.certificate.is_none() => return Err(missing("signature_algorithms")),
            None => common.learn(Fact::ClientAuth(
                self.config.client_auth.requests_in_handshake(),
            ))?,
        }
        s.psk_ke = resumed.is_some() && chooses_psk_ke(&self.config, ch);
        s.resumed = resumed;
        if let Stage::Offered(share) = std::mem::replace(&mut s.stage, Stage::Moved) {
            s.stage = match (s.psk_ke, s.group, share) {
                (true, _, _) => Stage::Shared(None),
                (false, Some(group), Some(share)) => self.key_share13(group, &share)?,
                // RFC 8446 4.2.9: psk_dhe_ke and a full handshake need the client's share.
                _ => return Err(missing("key_share, which a handshake with (EC)DHE needs")),
            };
        }
        Ok(())
    }

    /// The certificate and CertificateVerify scheme: the first key type whose certificate
    /// can sign a scheme the client accepts in TLS 1.3.
    fn choose_certificate13(
        &self,
        ch: &ClientHello,
        server_name: Option<&str>,
        client_schemes: &[mtls_wire::SignatureScheme],
    ) -> Result<(Arc<CertifiedKey>, SignatureAlgorithm), HandshakeError> {
        let info = hello_info(ch, server_name, client_schemes);
        for auth in [AuthKeyType::Ecdsa, AuthKeyType::Rsa] {
            let Some(certified) = self.config.cert_resolver.resolve(&info, auth) else {
                continue;
            };
            if key_type_of(certified.key.schemes()) != auth {
                continue;
            }
            if let Some(scheme) = choose_scheme13(
                &certified.key,
                &self.config.signature_schemes,
                client_schemes,
            ) {
                return Ok((certified, scheme));
            }
        }
        Err(HandshakeError::new(
            AlertDescription::HandshakeFailure,
            "no certificate of this server can sign a scheme the client accepts in TLS 1.3",
        ))
    }

    // ---- the second ClientHello (RFC 8446 4.1.2, 4.1.4) ----

    fn receive_second_hello(
        &mut self,
        s: &mut Server13,
        first: &ClientHello,
        ch: &ClientHello,
    ) -> Result<Stage, HandshakeError> {
        // "the client MUST send the same ClientHello without modification, except": key_share
        // (one share, our group), cookie (only if we sent one: we never do), early_data
        // removed, pre_shared_key updated, padding.
        let comparable = |hello: &ClientHello| -> Vec<Extension> {
            hello
                .extensions
                .iter()
                .filter(|e| {
                    !matches!(
                        e.typ(),
                        ExtensionType::KeyShare
                            | ExtensionType::EarlyData
                            | ExtensionType::PreSharedKey
                            | ExtensionType::Padding
                    )
                })
                .cloned()
                .collect()
        };
        if ch.client_version != first.client_version
            || ch.random != first.random
            || ch.session_id != first.session_id
            || ch.cipher_suites != first.cipher_suites
            || ch.compression_methods != first.compression_methods
            || comparable(ch) != comparable(first)
        {
            return Err(illegal(
                "the second ClientHello differs from the first beyond what a HelloRetryRequest allows (RFC 8446 4.1.2)",
            ));
        }
        if ch.extensions.has_early_data() {
            return Err(illegal(
                "early_data in the ClientHello after a HelloRetryRequest (RFC 8446 4.1.2)",
            ));
        }
        let group = our_group(s)?;
        let share = match ch.extensions.key_shares() {
            Some([share]) if share.group == wire_group(group) => share,
            _ => {
                return Err(illegal(format!(
                    "the second ClientHello must carry exactly one key share, for {group:?} (RFC 8446 4.1.4)",
                )));
            }
        };
        Ok(Stage::Offered(Some(share.key_exchange.clone())))
    }

    // ---- the server's flight (RFC 8446 4.1.3, 4.3, 4.4) ----

    pub(super) fn send13(
        &mut self,
        common: &mut Common,
        msg: Msg,
        mut s: Box<Server13>,
        actions: &mut Vec<Action>,
    ) -> Result<Phase, HandshakeError> {
        match msg {
            Msg::ServerHello => self.send_server_hello13(common, &mut s, actions)?,
            Msg::EncryptedExtensions => {
                let mut ext = Vec::new();
                if let Some(p) = &s.alpn {
                    ext.push(Extension::Alpn(vec![ProtocolName(p.clone())]));
                }
                common.emit(
                    HandshakePayload::EncryptedExtensions(EncryptedExtensions {
                        extensions: Extensions::new(ext),
                    }),
                    actions,
                );
            }
            Msg::CertificateRequest => {
                let request = self.certificate_request13(Vec::new());
                common.emit(HandshakePayload::CertificateRequestTls13(request), actions);
            }
            Msg::Certificate => common.emit(
                HandshakePayload::CertificateTls13(CertificateTls13::new(
                    Vec::new(),
                    our_certificate(&s)?.0.chain.clone(),
                )),
                actions,
            ),
            Msg::CertificateVerify => {
                let hash = common.transcript.current_hash(s.suite.hash);
                let (certified, scheme) = our_certificate(&s)?;
                let cv = sign_certificate_verify(
                    common.provider,
                    &certified.key,
                    *scheme,
                    Side::Server,
                    hash.as_slice(),
                    &mut *self.rng,
                )?;
                common.emit(cv, actions);
            }
            Msg::Finished => {
                let schedule = keyed(&mut s.stage, msg)?;
                let hash = common.transcript.current_hash(s.suite.hash);
                common.emit(finished(schedule, Side::Server, hash.as_slice())?, actions);
                // RFC 8446 7.1: the application secrets cover the transcript through our
                // Finished; we may write application data from here on.
                let hash = common.transcript.current_hash(s.suite.hash);
                schedule.derive_application(hash.as_slice())?;
                actions.push(Action::InstallWriteKeys(
                    schedule.application_keys(Side::Server)?,
                ));
            }
            _ => return Err(super::out_of_phase(msg, &Phase::Tls13(s))),
        }
        Ok(Phase::Tls13(s))
    }

    /// A TLS 1.3 CertificateRequest (RFC 8446 4.3.2): the schemes we accept in a
    /// CertificateVerify (never PKCS#1 v1.5), all of ours for certificates, and the
    /// verifier's root names.
    pub(super) fn certificate_request13(&self, context: Vec<u8>) -> CertificateRequestTls13 {
        let schemes = &self.config.signature_schemes;
        let mut ext = vec![
            Extension::SignatureAlgorithms(
                schemes
                    .iter()
                    .copied()
                    .filter(|s| tls13_certificate_verify_scheme(*s))
                    .map(wire_scheme)
                    .collect(),
            ),
            Extension::SignatureAlgorithmsCert(schemes.iter().copied().map(wire_scheme).collect()),
        ];
        let names = self.ca_names();
        if !names.is_empty() {
            ext.push(Extension::CertificateAuthorities(names));
        }
        CertificateRequestTls13 {
            certificate_request_context: context,
            extensions: Extensions::new(ext),
        }
    }

    /// ServerHello or HelloRetryRequest (RFC 8446 4.1.3, 4.1.4); after the real one the
    /// handshake keys (RFC 8446 7.1): ours for writing, the client's for reading.
    fn send_server_hello13(
        &mut self,
        common: &mut Common,
        s: &mut Server13,
        actions: &mut Vec<Action>,
    ) -> Result<(), HandshakeError> {
        let version = Extension::SelectedVersion(ProtocolVersion::TLSv1_3);
        let session_id = SessionId::new(&s.session_id).unwrap_or_default();
        let retry = match &mut s.stage {
            Stage::Retry { sent, .. } => {
                *sent = true;
                true
            }
            _ => false,
        };
        if retry {
            // RFC 8446 4.4.1: ClientHello1 becomes message_hash in the transcript.
            common.transcript.replace_with_message_hash(s.suite.hash);
            let hrr = ServerHello {
                server_version: ProtocolVersion::TLSv1_2,
                random: HELLO_RETRY_REQUEST_RANDOM,
                session_id,
                cipher_suite: s.suite.suite,
                compression_method: CompressionMethod::Null,
                extensions: Extensions::new(vec![
                    version,
                    Extension::SelectedGroup(wire_group(our_group(s)?)),
                ]),
            };
            common.emit(HandshakePayload::ServerHello(hrr), actions);
            self.compat_ccs(s, actions);
            return Ok(());
        }
        let Stage::Shared(shared) = std::mem::replace(&mut s.stage, Stage::Moved) else {
            return Err(HandshakeError::internal(
                "the ServerHello is due before the key exchange",
            ));
        };
        // RFC 8446 4.2.8: our share, unless the resumption is psk_ke (4.2.9).
        let our_share = match &shared {
            Some((public, _)) => Some(Extension::ServerKeyShare(KeyShareEntry {
                group: wire_group(our_group(s)?),
                key_exchange: public.clone(),
            })),
            None => None,
        };
        let sh = ServerHello {
            server_version: ProtocolVersion::TLSv1_2,
            random: common.server_random,
            session_id,
            cipher_suite: s.suite.suite,
            compression_method: CompressionMethod::Null,
            extensions: Extensions::new(
                [
                    Some(version),
                    our_share,
                    // RFC 8446 4.2.11: the identity we resume with.
                    s.resumed
                        .as_ref()
                        .map(|r| Extension::SelectedIdentity(r.index)),
                ]
                .into_iter()
                .flatten()
                .collect(),
            ),
        };
        common.emit(HandshakePayload::ServerHello(sh), actions);
        self.compat_ccs(s, actions);
        let hello_hash = common.transcript.current_hash(s.suite.hash);
        let schedule = Schedule13::new(
            common.provider,
            s.suite,
            common.client_random,
            self.config.key_log.clone(),
            s.resumed.as_ref().map(|r| r.psk.as_bytes()),
            shared.as_ref().map(|(_, secret)| secret.as_slice()),
            hello_hash.as_slice(),
        );
        actions.push(Action::InstallWriteKeys(
            schedule.handshake_keys(Side::Server)?,
        ));
        actions.push(Action::InstallReadKeys(
            schedule.handshake_keys(Side::Client)?,
        ));
        s.stage = Stage::Keyed(Box::new(schedule));
        Ok(())
    }

    /// RFC 8446 D.4: in middlebox compatibility mode (the client sent a session id) one
    /// ChangeCipherSpec right after our first handshake message, in plaintext.
    fn compat_ccs(&self, s: &mut Server13, actions: &mut Vec<Action>) {
        if !s.session_id.is_empty() && !s.compat_ccs_sent {
            s.compat_ccs_sent = true;
            actions.push(Action::SendChangeCipherSpec);
        }
    }

    // ---- the client's flight (RFC 8446 4.4) ----

    pub(super) fn receive13(
        &mut self,
        common: &mut Common,
        msg: Msg,
        m: &HandshakeMessage,
        mut s: Box<Server13>,
        actions: &mut Vec<Action>,
    ) -> Result<Phase, HandshakeError> {
        match (msg, m.payload()) {
            (Msg::ClientHello, HandshakePayload::ClientHello(ch)) => {
                let Stage::Retry { first, sent: true } =
                    std::mem::replace(&mut s.stage, Stage::Moved)
                else {
                    return Err(super::out_of_phase(msg, &Phase::Tls13(s)));
                };
                s.stage = self.receive_second_hello(&mut s, &first, ch)?;
                self.decide13(common, &mut s, ch, m.raw())?;
            }
            (Msg::Certificate, HandshakePayload::CertificateTls13(c)) => {
                self.receive_certificate13(common, &mut s, c)?;
            }
            (Msg::CertificateVerify, HandshakePayload::CertificateVerify(cv)) => {
                let client = s
                    .client
                    .take()
                    .ok_or_else(|| HandshakeError::internal("CertificateVerify without a chain"))?;
                let hash = common.transcript.current_hash(s.suite.hash);
                let scheme = verify_certificate_verify(
                    common.provider,
                    &client.key,
                    &self.config.signature_schemes,
                    cv,
                    Side::Client,
                    hash.as_slice(),
                )?;
                if self.config.client_auth.verifies() {
                    self.config.authorize(
                        &client.identity,
                        &client.chain,
                        s.server_name.as_deref(),
                    )?;
                }
                s.client_signature = Some(scheme);
                s.client_chain = client.chain;
                s.client_identity = Some(client.identity);
            }
            (Msg::Finished, HandshakePayload::Finished(verify_data)) => {
                let schedule = keyed(&mut s.stage, msg)?;
                let hash = common.transcript.current_hash(s.suite.hash);
                check_finished(schedule, Side::Client, hash.as_slice(), verify_data)?;
                let hash = common.transcript.hash_with(s.suite.hash, m.raw());
                schedule.derive_resumption(hash.as_slice())?;
                actions.push(Action::InstallReadKeys(
                    schedule.application_keys(Side::Client)?,
                ));
                // RFC 8446 4.6.1: tickets once the client's Finished verified, so that they
                // carry its verified identity.
                if s.tickets {
                    let source = TicketSource {
                        chain: &s.client_chain,
                        server_name: s.server_name.as_deref(),
                        alpn: s.alpn.as_deref(),
                        created: s.created,
                        identity: s.client_identity.as_ref(),
                    };
                    actions.extend(new_session_tickets(
                        &self.config,
                        &mut *self.rng,
                        schedule,
                        &source,
                        self.config.tls13_tickets,
                        &mut s.next_nonce,
                    )?);
                }
            }
            _ => return Err(super::out_of_phase(msg, &Phase::Tls13(s))),
        }
        Ok(Phase::Tls13(s))
    }

    /// The client's Certificate (RFC 8446 4.4.2, 4.4.2.4): an empty one where a certificate
    /// is required is `certificate_required`; a chain is verified as in TLS 1.2.
    fn receive_certificate13(
        &self,
        common: &mut Common,
        s: &mut Server13,
        c: &CertificateTls13,
    ) -> Result<(), HandshakeError> {
        if !c.certificate_request_context.is_empty() {
            return Err(illegal(
                "the client's Certificate in the handshake must have an empty certificate_request_context (RFC 8446 4.4.2)",
            ));
        }
        check_entry_extensions(c)?;
        let chain: Vec<CertificateDer<'static>> = c.chain().cloned().collect();
        let Some(leaf) = chain.first() else {
            if self.config.client_auth == ClientAuthPolicy::Required {
                return Err(HandshakeError::new(
                    AlertDescription::CertificateRequired,
                    "the client sent no certificate but this server requires one (RFC 8446 4.4.2.4)",
                ));
            }
            common.learn(Fact::ClientCertificate(false))?;
            return Ok(());
        };
        s.client = Some(Box::new(self.accept_client_chain(&chain, leaf)?));
        common.learn(Fact::ClientCertificate(true))?;
        Ok(())
    }

    // ---- done ----

    pub(super) fn complete13(
        &self,
        common: &mut Common,
        kind: Kind,
        s: Server13,
    ) -> Result<(HandshakeSummary, Phase), HandshakeError> {
        let Stage::Keyed(schedule) = s.stage else {
            return Err(HandshakeError::internal(
                "the TLS 1.3 handshake completed without a key schedule",
            ));
        };
        let summary = HandshakeSummary {
            version: ProtocolVersion::TLSv1_3,
            suite: NegotiatedSuite::Tls13(s.suite),
            kind,
            group: s.group.filter(|_| !s.psk_ke),
            server_signature: s
                .certificate
                .as_ref()
                .filter(|_| s.resumed.is_none())
                .map(|(_, scheme)| *scheme),
            client_signature: s.client_signature,
            // TLS 1.3 always binds the keys to the whole transcript (RFC 8446 7.1), which is
            // what the extended master secret gives TLS 1.2.
            extended_master_secret: true,
            resumed: s.resumed.is_some(),
            session_id: Vec::new(),
            peer_verified: self.config.client_auth.verifies() && s.client_identity.is_some(),
            peer_identity: s.client_identity,
            peer_certificates: s.client_chain,
            alpn: s.alpn.clone(),
            server_name: s.server_name.clone(),
            client_random: common.client_random,
            server_random: common.server_random,
        };
        let post = ServerPost {
            established: Established13 {
                schedule: *schedule,
                base: common.transcript.fork(),
            },
            post_handshake_auth: s.post_handshake_auth,
            server_name: s.server_name,
            auth: None,
            tickets: s.tickets,
            alpn: s.alpn,
            created: s.created,
            next_nonce: s.next_nonce,
        };
        Ok((summary, Phase::Established13(Box::new(post))))
    }
}

/// The key schedule, which exists from our ServerHello on.
fn keyed(stage: &mut Stage, msg: Msg) -> Result<&mut Schedule13, HandshakeError> {
    match stage {
        Stage::Keyed(schedule) => Ok(schedule),
        _ => Err(HandshakeError::internal(format!(
            "{msg:?} before the TLS 1.3 key schedule exists"
        ))),
    }
}

/// Our certificate and CertificateVerify scheme, which a full handshake has (`decide13`).
fn our_certificate(
    s: &Server13,
) -> Result<&(Arc<CertifiedKey>, SignatureAlgorithm), HandshakeError> {
    s.certificate
        .as_ref()
        .ok_or_else(|| HandshakeError::internal("a full handshake without our certificate"))
}

/// The group of our share or of our HelloRetryRequest, which the ClientHello that gets
/// either offered (`key_exchange_offer`).
fn our_group(s: &Server13) -> Result<NamedGroup, HandshakeError> {
    s.group
        .ok_or_else(|| HandshakeError::internal("a key share without a group"))
}
