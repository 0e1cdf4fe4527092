//! The client's TLS 1.3 handshake (RFC 8446 2, 4): what the ClientHello offers for TLS
//! 1.3, the HelloRetryRequest and second ClientHello, the server's flight and our answer.
//! One straight-line handler per message, as the table in [`crate::sequence`] orders them.

use std::sync::Arc;

use mtls_crypto::kx::{ActiveKeyExchange, KeyExchange, NamedGroup};
use mtls_crypto::signature::{SignatureAlgorithm, VerifyingKey};
use mtls_wire::extensions::{Extension, Extensions, KeyShareEntry};
use mtls_wire::handshake::{
    CertificateRequestTls13, CertificateTls13, ClientHello, EncryptedExtensions, HandshakeMessage,
    HandshakePayload, ServerHello,
};
use mtls_wire::{
    AlertDescription, ClientCertificateType, CompressionMethod, ExtensionType, ProtocolVersion,
};

use super::psk13::{OfferedPsk, TicketBase, bind_psk, check_selected};
use super::{ClientState, Phase};
use crate::action::Action;
use crate::certs::{CertificateDer, CertificateRequestInfo, CertifiedKey, PeerIdentity, read_leaf};
use crate::common::{Common, HandshakeSummary, wire_group, wire_scheme};
use crate::error::{HandshakeError, crypto};
use crate::sequence::{Fact, Kind, Msg, Side};
use crate::suites::{NegotiatedSuite, Tls13Suite};
use crate::tls13::{
    Established13, Schedule13, check_entry_extensions, check_finished, choose_scheme13, finished,
    sign_certificate_verify, verify_certificate_verify,
};
use crate::trace::debug_event;

/// What the ClientHello offered, until the ServerHello answers.
pub(super) struct Offered {
    /// The extension types we sent (a server may answer only these).
    pub(super) extensions: Vec<ExtensionType>,
    /// What we offered for TLS 1.3, if we did.
    pub(super) tls13: Option<Offer13>,
}

/// Our TLS 1.3 offer: the ClientHello (resent, amended, after a HelloRetryRequest) and the
/// private key of its one key share.
pub(super) struct Offer13 {
    hello: ClientHello,
    key: KeyExchange,
    retry: Option<Retry>,
    /// The PSK we offer, if any (`psk13.rs`).
    psk: Option<Box<OfferedPsk>>,
}

/// What a HelloRetryRequest asked for (RFC 8446 4.1.4).
struct Retry {
    suite: Tls13Suite,
    group: Option<NamedGroup>,
    cookie: Option<Vec<u8>>,
}

impl Offer13 {
    pub(super) fn new(hello: ClientHello, key: KeyExchange, psk: Option<Box<OfferedPsk>>) -> Self {
        Self {
            hello,
            key,
            retry: None,
            psk,
        }
    }

    /// A HelloRetryRequest came already.
    pub(super) fn retried(&self) -> bool {
        self.retry.is_some()
    }
}

/// A TLS 1.3 handshake from the ServerHello on.
pub(super) struct Client13 {
    suite: Tls13Suite,
    /// The (EC)DHE group; `None`: a psk_ke resumption (RFC 8446 4.2.9).
    group: Option<NamedGroup>,
    schedule: Box<Schedule13>,
    offered: Vec<ExtensionType>,
    alpn: Option<Vec<u8>>,
    request: Option<CertificateRequestTls13>,
    /// The server's key, for its CertificateVerify.
    server_key: Option<VerifyingKey>,
    server_chain: Vec<CertificateDer<'static>>,
    server_identity: Option<PeerIdentity>,
    server_signature: Option<SignatureAlgorithm>,
    /// Our certificate and CertificateVerify scheme (`None`: an empty Certificate).
    client_cert: Option<(Arc<CertifiedKey>, SignatureAlgorithm)>,
    client_signature: Option<SignatureAlgorithm>,
    /// The server resumed with our PSK: its identity is the stored session's.
    resumed: bool,
}

/// An established TLS 1.3 connection, client side (`post13.rs`).
pub(super) struct ClientPost {
    pub(super) established: Established13,
    /// We offered post_handshake_auth (RFC 8446 4.2.6).
    pub(super) post_handshake_auth: bool,
    /// What the server's tickets are stored with (`None`: we keep no tickets).
    pub(super) tickets: Option<Box<TicketBase>>,
}

fn illegal(reason: impl Into<std::borrow::Cow<'static, str>>) -> HandshakeError {
    HandshakeError::new(AlertDescription::IllegalParameter, reason)
}

/// RFC 8446 4.1.4, 4.2: a server answers only with extensions the client offered
/// (`unsupported_extension`); `also` names the ones it may add (a cookie).
fn only_offered(
    extensions: &Extensions,
    offered: &[ExtensionType],
    also: &[ExtensionType],
) -> Result<(), HandshakeError> {
    match extensions
        .iter()
        .find(|e| !offered.contains(&e.typ()) && !also.contains(&e.typ()))
    {
        Some(e) => Err(HandshakeError::new(
            AlertDescription::UnsupportedExtension,
            format!("the server sent the unsolicited extension {:?}", e.typ()),
        )),
        None => Ok(()),
    }
}

impl ClientState {
    /// The TLS 1.3 extensions of the ClientHello (RFC 8446 4.2): supported_versions, one
    /// key share for our first group, signature_algorithms_cert, and post_handshake_auth
    /// when we have certificates to give.
    pub(super) fn tls13_extensions(
        &mut self,
        common: &Common,
    ) -> Result<(Vec<Extension>, KeyExchange), HandshakeError> {
        let config = Arc::clone(&self.config);
        let mut versions = vec![ProtocolVersion::TLSv1_3];
        if config.offers_tls12() {
            versions.push(ProtocolVersion::TLSv1_2);
        }
        let group = config.groups.first().copied().ok_or_else(|| {
            HandshakeError::internal("the client configuration has no group (a config error)")
        })?;
        let key = common
            .provider
            .start_key_exchange(group, &mut *self.rng)
            .map_err(|e| crypto("key generation", e))?;
        let mut ext = vec![
            Extension::SupportedVersions(versions),
            Extension::KeyShare(vec![KeyShareEntry {
                group: wire_group(group),
                key_exchange: key.public_key().to_vec(),
            }]),
            Extension::SignatureAlgorithmsCert(
                config
                    .signature_schemes
                    .iter()
                    .copied()
                    .map(wire_scheme)
                    .collect(),
            ),
        ];
        if config.cert_resolver.is_some() {
            ext.push(Extension::PostHandshakeAuth);
        }
        Ok((ext, key))
    }

    // ---- HelloRetryRequest (RFC 8446 4.1.4) ----

    pub(super) fn receive_hello_retry(
        &mut self,
        common: &mut Common,
        hrr: &ServerHello,
        mut offered: Offered,
    ) -> Result<Phase, HandshakeError> {
        let offer = offered.tls13.as_mut().ok_or_else(|| {
            HandshakeError::internal("a HelloRetryRequest without a TLS 1.3 offer")
        })?;
        if hrr.extensions.selected_version() != Some(ProtocolVersion::TLSv1_3) {
            return Err(illegal(
                "a HelloRetryRequest that does not select TLS 1.3 (RFC 8446 4.1.4)",
            ));
        }
        let suite = self.offered_suite(hrr)?;
        self.check_echo(hrr, &offer.hello)?;
        only_offered(
            &hrr.extensions,
            &offered.extensions,
            &[ExtensionType::Cookie],
        )?;
        let group = match hrr.extensions.selected_group() {
            Some(wire) => {
                let group = NamedGroup::from_u16(wire.to_u16())
                    .filter(|g| self.config.groups.contains(g))
                    .ok_or_else(|| {
                        illegal(format!(
                            "the HelloRetryRequest asks for {wire:?}, which was not offered (RFC 8446 4.2.8)"
                        ))
                    })?;
                if group == offer.key.group() {
                    return Err(illegal(
                        "the HelloRetryRequest asks for the group we sent a share for (RFC 8446 4.2.8)",
                    ));
                }
                Some(group)
            }
            None => None,
        };
        let cookie = hrr.extensions.cookie().map(<[u8]>::to_vec);
        if group.is_none() && cookie.is_none() {
            return Err(illegal(
                "a HelloRetryRequest that would not change the ClientHello (RFC 8446 4.1.4)",
            ));
        }
        common.tls13 = true;
        common.learn(Fact::Tls13(true))?;
        common.learn(Fact::HelloRetry(true))?;
        // RFC 8446 4.4.1: ClientHello1 becomes message_hash (the HelloRetryRequest is added
        // after this handler).
        common.transcript.start_hash(suite.hash);
        common.transcript.end_signature_transcript();
        common.transcript.replace_with_message_hash(suite.hash);
        debug_event!(group = ?group, cookie = cookie.is_some(), "client: HelloRetryRequest");
        offer.retry = Some(Retry {
            suite,
            group,
            cookie,
        });
        Ok(Phase::Retry(Box::new(offered)))
    }

    /// The second ClientHello (RFC 8446 4.1.2): the first, with one share for the requested
    /// group, the cookie echoed and early_data removed.
    pub(super) fn send_second_hello(
        &mut self,
        common: &mut Common,
        mut offered: Box<Offered>,
        actions: &mut Vec<Action>,
    ) -> Result<Phase, HandshakeError> {
        let offer = offered
            .tls13
            .as_mut()
            .ok_or_else(|| HandshakeError::internal("a retry without a TLS 1.3 offer"))?;
        let (group, cookie) = match &offer.retry {
            Some(r) => (r.group, r.cookie.clone()),
            None => {
                return Err(HandshakeError::internal(
                    "a second ClientHello without a retry",
                ));
            }
        };
        if let Some(group) = group {
            offer.key = common
                .provider
                .start_key_exchange(group, &mut *self.rng)
                .map_err(|e| crypto("key generation", e))?;
        }
        let share = KeyShareEntry {
            group: wire_group(offer.key.group()),
            key_exchange: offer.key.public_key().to_vec(),
        };
        let mut list: Vec<Extension> = offer
            .hello
            .extensions
            .iter()
            .filter(|e| {
                !matches!(
                    e.typ(),
                    ExtensionType::EarlyData | ExtensionType::PreSharedKey
                )
            })
            .map(|e| match e {
                Extension::KeyShare(_) => Extension::KeyShare(vec![share.clone()]),
                other => other.clone(),
            })
            .collect();
        if let Some(cookie) = cookie {
            list.push(Extension::Cookie(cookie));
        }
        // RFC 8446 4.1.4: the PSK again, last, with a binder over the new transcript, if
        // its hash is the suite's; otherwise no PSK.
        let suite_hash = offer.retry.as_ref().map(|r| r.suite.hash);
        offer.psk = offer.psk.take().filter(|p| Some(p.hash) == suite_hash);
        if offer.psk.is_some()
            && let Some(psk) = offer.hello.extensions.pre_shared_key()
        {
            list.push(Extension::PreSharedKey(psk.clone()));
        }
        offer.hello.extensions = Extensions::new(list);
        if let Some(psk) = &offer.psk {
            bind_psk(common, &mut offer.hello, psk)?;
        }
        common.emit(HandshakePayload::ClientHello(offer.hello.clone()), actions);
        Ok(Phase::AwaitServerHello(offered))
    }

    fn offered_suite(&self, sh: &ServerHello) -> Result<Tls13Suite, HandshakeError> {
        self.config
            .tls13_suites
            .iter()
            .find(|s| s.suite == sh.cipher_suite)
            .copied()
            .ok_or_else(|| {
                illegal(format!(
                    "the server chose {:?}, which was not offered",
                    sh.cipher_suite
                ))
            })
    }

    /// RFC 8446 4.1.3: the session id echoed, the null compression method.
    fn check_echo(&self, sh: &ServerHello, hello: &ClientHello) -> Result<(), HandshakeError> {
        if sh.session_id != hello.session_id {
            return Err(illegal(
                "the server did not echo our legacy_session_id (RFC 8446 4.1.3)",
            ));
        }
        if sh.compression_method != CompressionMethod::Null {
            return Err(illegal(
                "the server chose a compression method (RFC 8446 4.1.3)",
            ));
        }
        Ok(())
    }

    // ---- ServerHello (RFC 8446 4.1.3) ----

    pub(super) fn receive_server_hello13(
        &mut self,
        common: &mut Common,
        sh: &ServerHello,
        raw: &[u8],
        offered: Offered,
        actions: &mut Vec<Action>,
    ) -> Result<Phase, HandshakeError> {
        let Offered {
            extensions: offered,
            tls13,
        } = offered;
        let Offer13 {
            hello,
            key,
            retry,
            psk,
        } = tls13
            .ok_or_else(|| HandshakeError::internal("a TLS 1.3 ServerHello without an offer"))?;
        let suite = self.offered_suite(sh)?;
        if let Some(r) = &retry
            && r.suite != suite
        {
            return Err(illegal(
                "the ServerHello's suite differs from the HelloRetryRequest's (RFC 8446 4.1.4)",
            ));
        }
        self.check_echo(sh, &hello)?;
        only_offered(&sh.extensions, &offered, &[])?;
        let selected = sh.extensions.selected_identity();
        // RFC 8446 4.2.9: no key share only when the server resumes our PSK in psk_ke, which
        // we offered only if configured; otherwise the share is mandatory (RFC 8446 9.2).
        let psk_ke_offered = self.config.tls13_psk_ke && psk.is_some();
        let ours = key.group();
        let shared = match sh.extensions.server_key_share() {
            Some(share) => Some(server_share(key, share)?),
            None if selected.is_some() && psk_ke_offered => None,
            None => {
                return Err(HandshakeError::new(
                    AlertDescription::MissingExtension,
                    "a TLS 1.3 ServerHello without key_share, and no psk_ke resumption we offered (RFC 8446 4.2.9, 9.2)",
                ));
            }
        };
        let group = shared.as_ref().map(|_| ours);
        // RFC 8446 4.2.11: pre_shared_key in the ServerHello: the server resumes our PSK.
        let resumed = match selected {
            Some(selected) => {
                check_selected(selected, psk.as_deref(), suite)?;
                psk.map(|p| p.session)
            }
            None => None,
        };
        common.tls13 = true;
        common.learn(Fact::Tls13(true))?;
        common.learn(Fact::HelloRetry(retry.is_some()))?;
        common.learn(Fact::Resumption(resumed.is_some()))?;
        common.server_random = sh.random;
        common.transcript.start_hash(suite.hash);
        common.transcript.end_signature_transcript();
        let hello_hash = common.transcript.hash_with(suite.hash, raw);
        let schedule = Schedule13::new(
            common.provider,
            suite,
            common.client_random,
            self.config.key_log.clone(),
            resumed.as_ref().and_then(|s| s.tls13()).map(|t| t.psk()),
            shared.as_ref().map(|s| s.expose()),
            hello_hash.as_slice(),
        );
        actions.push(Action::InstallReadKeys(
            schedule.handshake_keys(Side::Server)?,
        ));
        // Our handshake keys from here, so that an alert we send before our Finished (a
        // server certificate we refuse, say) is protected as the server expects (RFC 8446 6,
        // 5.1). RFC 8446 D.4: the compatibility ChangeCipherSpec goes first, in plaintext;
        // nothing else of ours is sent before our second flight.
        let compat = !hello.session_id.is_empty();
        if compat {
            actions.push(Action::SendChangeCipherSpec);
        }
        actions.push(Action::InstallWriteKeys(
            schedule.handshake_keys(Side::Client)?,
        ));
        debug_event!(
            suite = ?suite.suite,
            group = ?group,
            resumed = resumed.is_some(),
            dhe = group.is_some(),
            "client: TLS 1.3 ServerHello accepted"
        );
        Ok(Phase::Tls13(Box::new(Client13 {
            suite,
            group,
            schedule: Box::new(schedule),
            offered,
            alpn: None,
            request: None,
            server_key: None,
            // Resumed: the server as it was verified when the ticket came.
            server_chain: resumed
                .as_ref()
                .map(|s| s.peer_certificates.clone())
                .unwrap_or_default(),
            server_identity: resumed.as_ref().and_then(|s| s.peer_identity()),
            server_signature: None,
            client_cert: None,
            client_signature: None,
            resumed: resumed.is_some(),
        })))
    }

    // ---- the server's flight (RFC 8446 4.3, 4.4) ----

    pub(super) fn receive13(
        &mut self,
        common: &mut Common,
        msg: Msg,
        m: &HandshakeMessage,
        mut c: Box<Client13>,
        actions: &mut Vec<Action>,
    ) -> Result<Phase, HandshakeError> {
        match (msg, m.payload()) {
            (Msg::EncryptedExtensions, HandshakePayload::EncryptedExtensions(ee)) => {
                c.alpn = self.receive_encrypted_extensions(ee, &c.offered)?;
            }
            (Msg::CertificateRequest, HandshakePayload::CertificateRequestTls13(cr)) => {
                if !cr.certificate_request_context.is_empty() {
                    return Err(illegal(
                        "a CertificateRequest in the handshake must have an empty context (RFC 8446 4.3.2)",
                    ));
                }
                check_request(cr)?;
                c.request = Some(cr.clone());
            }
            (Msg::Certificate, HandshakePayload::CertificateTls13(cert)) => {
                self.receive_certificate13(&mut c, cert)?;
            }
            (Msg::CertificateVerify, HandshakePayload::CertificateVerify(cv)) => {
                let key = c
                    .server_key
                    .as_ref()
                    .ok_or_else(|| HandshakeError::internal("CertificateVerify without a key"))?;
                let hash = common.transcript.current_hash(c.suite.hash);
                c.server_signature = Some(verify_certificate_verify(
                    common.provider,
                    key,
                    &self.config.signature_schemes,
                    cv,
                    Side::Server,
                    hash.as_slice(),
                )?);
            }
            (Msg::Finished, HandshakePayload::Finished(verify_data)) => {
                let hash = common.transcript.current_hash(c.suite.hash);
                check_finished(&c.schedule, Side::Server, hash.as_slice(), verify_data)?;
                let hash = common.transcript.hash_with(c.suite.hash, m.raw());
                c.schedule.derive_application(hash.as_slice())?;
                actions.push(Action::InstallReadKeys(
                    c.schedule.application_keys(Side::Server)?,
                ));
            }
            _ => return Err(super::out_of_phase(msg, &Phase::Tls13(c))),
        }
        Ok(Phase::Tls13(c))
    }

    /// EncryptedExtensions (RFC 8446 4.3.1): only what we offered; ALPN one of ours.
    fn receive_encrypted_extensions(
        &self,
        ee: &EncryptedExtensions,
        offered: &[ExtensionType],
    ) -> Result<Option<Vec<u8>>, HandshakeError> {
        only_offered(&ee.extensions, offered, &[])?;
        let Some(list) = ee.extensions.alpn() else {
            return Ok(None);
        };
        let chosen = list.first().map(|p| p.0.clone()).unwrap_or_default();
        if list.len() != 1 || !self.config.alpn_protocols.contains(&chosen) {
            return Err(illegal(
                "the server chose an ALPN protocol that was not offered (RFC 7301 3.2)",
            ));
        }
        Ok(Some(chosen))
    }

    /// The server's Certificate (RFC 8446 4.4.2): an empty context, a chain (an empty one is
    /// `decode_error`, RFC 8446 4.4.2.4) the verifier accepts for our server name.
    fn receive_certificate13(
        &self,
        c: &mut Client13,
        cert: &CertificateTls13,
    ) -> Result<(), HandshakeError> {
        if !cert.certificate_request_context.is_empty() {
            return Err(illegal(
                "the server's Certificate must have an empty certificate_request_context (RFC 8446 4.4.2)",
            ));
        }
        check_entry_extensions(cert)?;
        let chain: Vec<CertificateDer<'static>> = cert.chain().cloned().collect();
        let leaf = chain.first().ok_or_else(|| {
            HandshakeError::new(
                AlertDescription::DecodeError,
                "the server sent no certificate (RFC 8446 4.4.2.4)",
            )
        })?;
        self.config
            .verifier
            .verify_server_cert(&chain, self.server_name.as_deref(), self.config.time.now())
            .map_err(|e| HandshakeError::certificate_refused_chain("server", e, &chain))?;
        let (key, identity) = read_leaf(leaf)?;
        debug_event!(
            subject = identity.subject(),
            chain_len = chain.len(),
            "client: server certificate verified"
        );
        c.server_key = Some(key);
        c.server_identity = Some(identity);
        c.server_chain = chain;
        Ok(())
    }

    // ---- our flight (RFC 8446 4.4) ----

    pub(super) fn send13(
        &mut self,
        common: &mut Common,
        msg: Msg,
        mut c: Box<Client13>,
        actions: &mut Vec<Action>,
    ) -> Result<Phase, HandshakeError> {
        match msg {
            Msg::ClientHello => return Err(super::out_of_phase(msg, &Phase::Tls13(c))),
            Msg::Certificate => {
                let chosen = match &c.request {
                    Some(request) => self.choose_certificate13(request),
                    None => Err("no certificate was requested"),
                };
                if let Err(_why) = &chosen {
                    debug_event!(why = *_why, "client: sending no certificate");
                }
                let chosen = chosen.ok();
                common.learn(Fact::ClientCertificate(chosen.is_some()))?;
                common.emit(certificate13(Vec::new(), chosen.as_ref()), actions);
                c.client_cert = chosen;
            }
            Msg::CertificateVerify => {
                let (certified, scheme) = c
                    .client_cert
                    .as_ref()
                    .ok_or_else(|| HandshakeError::internal("CertificateVerify without a key"))?;
                let hash = common.transcript.current_hash(c.suite.hash);
                let cv = sign_certificate_verify(
                    common.provider,
                    &certified.key,
                    *scheme,
                    Side::Client,
                    hash.as_slice(),
                    &mut *self.rng,
                )?;
                c.client_signature = Some(*scheme);
                common.emit(cv, actions);
            }
            Msg::Finished => {
                let hash = common.transcript.current_hash(c.suite.hash);
                common.emit(
                    finished(&c.schedule, Side::Client, hash.as_slice())?,
                    actions,
                );
                let hash = common.transcript.current_hash(c.suite.hash);
                c.schedule.derive_resumption(hash.as_slice())?;
                actions.push(Action::InstallWriteKeys(
                    c.schedule.application_keys(Side::Client)?,
                ));
            }
            _ => return Err(super::out_of_phase(msg, &Phase::Tls13(c))),
        }
        Ok(Phase::Tls13(c))
    }

    /// The certificate and scheme to answer a TLS 1.3 CertificateRequest with (RFC 8446
    /// 4.3.2, 4.4.2.2): its CA names and CertificateVerify schemes decide; or why there is
    /// none.
    pub(super) fn choose_certificate13(
        &self,
        request: &CertificateRequestTls13,
    ) -> Result<(Arc<CertifiedKey>, SignatureAlgorithm), &'static str> {
        let schemes = request.extensions.signature_algorithms().unwrap_or(&[]);
        let info = CertificateRequestInfo {
            ca_names: request.extensions.certificate_authorities().unwrap_or(&[]),
            signature_schemes: schemes,
            // TLS 1.3 has no certificate types: every key type may answer.
            certificate_types: &[
                ClientCertificateType::RsaSign,
                ClientCertificateType::EcdsaSign,
            ],
        };
        let resolver =
            (self.config.cert_resolver.as_ref()).ok_or("no client certificate is configured")?;
        let ck = resolver
            .resolve(&info)
            .filter(|ck| !ck.chain.is_empty())
            .ok_or("no configured certificate fits the server's CA names and schemes")?;
        let scheme = choose_scheme13(&ck.key, &self.config.signature_schemes, schemes).ok_or(
            "the server accepts no TLS 1.3 signature scheme our certificate's key can make",
        )?;
        Ok((ck, scheme))
    }

    // ---- done ----

    pub(super) fn complete13(
        &self,
        common: &mut Common,
        kind: Kind,
        c: Client13,
    ) -> (HandshakeSummary, Phase) {
        let tickets = self.wants_tickets13().then(|| {
            Box::new(TicketBase {
                server_chain: c.server_chain.clone(),
                server_identity: c.server_identity.clone(),
                alpn: c.alpn.clone(),
                sni: self.sni().map(str::to_string),
            })
        });
        let summary = HandshakeSummary {
            version: ProtocolVersion::TLSv1_3,
            suite: NegotiatedSuite::Tls13(c.suite),
            kind,
            group: c.group,
            server_signature: c.server_signature,
            client_signature: c.client_signature,
            // TLS 1.3 always binds the keys to the whole transcript (RFC 8446 7.1).
            extended_master_secret: true,
            resumed: c.resumed,
            session_id: Vec::new(),
            peer_verified: c.server_identity.is_some(),
            peer_identity: c.server_identity,
            peer_certificates: c.server_chain,
            alpn: c.alpn,
            server_name: self.server_name.clone(),
            client_random: common.client_random,
            server_random: common.server_random,
        };
        let post = ClientPost {
            established: Established13 {
                schedule: *c.schedule,
                base: common.transcript.fork(),
            },
            post_handshake_auth: c.offered.contains(&ExtensionType::PostHandshakeAuth),
            tickets,
        };
        (summary, Phase::Established13(Box::new(post)))
    }
}

/// The server's key share (RFC 8446 4.2.8): for the group of ours, a valid public key
/// (`illegal_parameter`); the shared secret.
fn server_share(
    key: KeyExchange,
    share: &KeyShareEntry,
) -> Result<mtls_crypto::SharedSecret, HandshakeError> {
    let group = key.group();
    if share.group != wire_group(group) {
        return Err(illegal(format!(
            "the server's key share is for {:?}, not for {group:?}, the group of ours (RFC 8446 4.2.8)",
            share.group
        )));
    }
    key.complete(&share.key_exchange)
        .map_err(|e| illegal(format!("the server's key share: {e}")))
}

/// A CertificateRequest must carry signature_algorithms (RFC 8446 4.3.2).
pub(super) fn check_request(cr: &CertificateRequestTls13) -> Result<(), HandshakeError> {
    if cr.extensions.signature_algorithms().is_none() {
        return Err(HandshakeError::new(
            AlertDescription::MissingExtension,
            "a CertificateRequest without signature_algorithms (RFC 8446 4.3.2)",
        ));
    }
    Ok(())
}

/// Our Certificate (RFC 8446 4.4.2): the request's context and our chain, or none.
pub(super) fn certificate13(
    context: Vec<u8>,
    chosen: Option<&(Arc<CertifiedKey>, SignatureAlgorithm)>,
) -> HandshakePayload {
    let chain = chosen.map(|(ck, _)| ck.chain.clone()).unwrap_or_default();
    HandshakePayload::CertificateTls13(CertificateTls13::new(context, chain))
}
