//! The server role: one straight-line handler per message, in the order of the table in
//! [`crate::sequence`]. Negotiation happens in one place, the ClientHello handler
//! (`hello.rs`). Each phase of the handshake is a type that owns exactly the data the
//! phase has, so a handler is given what it needs and can never find it missing.

mod first_hello;
mod hello;
mod kx13;
mod post13;
mod psk13;
mod tls13;

pub use first_hello::FirstClientHello;

use std::sync::Arc;

use mtls_crypto::SecureRandom;
use mtls_crypto::kx::{ActiveKeyExchange, KeyExchange, NamedGroup};
use mtls_crypto::signature::{SignatureAlgorithm, VerifyingKey};
use mtls_prf::{extended_master_secret, master_secret};
use mtls_wire::extensions::{Extension, Extensions, ProtocolName};
use mtls_wire::handshake::{
    CertificateMsg, CertificateRequest, ClientKeyExchange, DigitallySigned, DistinguishedName,
    EcdheServerKeyExchange, HandshakeMessage, HandshakePayload, KeyExchangeAlgorithm,
    NewSessionTicket, ServerEcdhParams, ServerHello, ServerKeyExchange, SessionId,
};
use mtls_wire::{
    AlertDescription, ClientCertificateType, CompressionMethod, ECPointFormat, HandshakeType,
    ProtocolVersion,
};

use crate::action::{Action, Input};
use crate::certs::{CertificateDer, CertifiedKey, PeerIdentity, read_leaf};
use crate::common::{Common, HandshakeSummary, our_scheme, wire_group, wire_scheme};
use crate::config::{ClientAuthPolicy, ServerConfig};
use crate::endpoint::Endpoint;
use crate::endpoint::role::Role;
use crate::error::{HandshakeError, crypto};
use crate::keys::KeySchedule;
use crate::sequence::{Fact, Kind, Msg, Side};
use crate::session::StoredSession;
use crate::suites::SupportedSuite;
use crate::trace::debug_event;

/// A TLS 1.2 or TLS 1.3 server handshake, sans IO: feed it what the client sent ([`Input`]), perform the
/// [`Action`]s it returns, in order.
pub type ServerHandshake = Endpoint<ServerState>;

/// What only a server keeps: its configuration, its random source, the session id and the
/// phase of the handshake. Used through [`ServerHandshake`].
pub struct ServerState {
    config: Arc<ServerConfig>,
    rng: Box<dyn SecureRandom + Send>,
    /// The session this connection made or resumed (empty: none), for forgetting it.
    session_id: Vec<u8>,
    phase: Phase,
}

/// The phases of a server handshake, each owning what it has.
enum Phase {
    /// Waiting for the ClientHello.
    AwaitHello,
    /// A full handshake, from ClientHello to the client's key exchange.
    Full(Box<Full>),
    /// The key exchange is done; the client's certificate waits for its CertificateVerify.
    AwaitVerify(Box<Keyed>, Box<ClientCertificate>),
    /// Keys exist (after the key exchange, or at ServerHello on resumption): ChangeCipherSpec
    /// and Finished remain.
    Keyed(Box<Keyed>),
    /// A TLS 1.3 handshake (`tls13.rs`).
    Tls13(Box<tls13::Server13>),
    /// Complete.
    Done,
    /// An established TLS 1.3 connection: KeyUpdate and post-handshake authentication.
    Established13(Box<tls13::ServerPost>),
    /// Taken by the handler that runs (and left so if it fails: the handshake is dead).
    Moved,
}

impl Phase {
    fn name(&self) -> &'static str {
        match self {
            Self::AwaitHello => "waiting for ClientHello",
            Self::Full(_) => "full handshake before the key exchange",
            Self::AwaitVerify(..) => "waiting for CertificateVerify",
            Self::Keyed(_) => "keys derived",
            Self::Tls13(_) => "TLS 1.3 handshake",
            Self::Done => "complete",
            Self::Established13(_) => "TLS 1.3 established",
            Self::Moved => "failed",
        }
    }
}

/// What the ClientHello settled, for either kind of handshake.
struct Hello {
    /// A NewSessionTicket follows (RFC 5077 3.2).
    ticket: bool,
    /// When the session began: now for a full handshake, the session's start on resumption
    /// (a renewed ticket does not extend its session's life).
    created: u64,
    suite: SupportedSuite,
    client_version: [u8; 2],
    /// RFC 5746: the client signalled secure renegotiation (SCSV or empty extension).
    secure_renegotiation: bool,
    client_sent_point_formats: bool,
    server_name: Option<String>,
    alpn: Option<Vec<u8>>,
    ems: bool,
}

/// A full handshake before the key exchange.
struct Full {
    hello: Hello,
    certified: Arc<CertifiedKey>,
    kx: ServerKx,
    /// The client's chain and key once its Certificate came (not yet its identity); `None`
    /// when it was not asked for one or sent none.
    client: Option<Box<ClientCertificate>>,
}

/// Our side of the key exchange.
enum ServerKx {
    /// ECDHE: the group, the ServerKeyExchange signature scheme and our ephemeral key.
    Ecdhe {
        group: NamedGroup,
        scheme: SignatureAlgorithm,
        key: KeyExchange,
    },
    /// Static RSA: the client encrypts the premaster secret to our certificate's key.
    Rsa,
}

/// A client chain as received, with its leaf's key: the client's identity only once its
/// CertificateVerify verified.
struct ClientCertificate {
    chain: Vec<CertificateDer<'static>>,
    key: VerifyingKey,
    identity: PeerIdentity,
}

/// After the key exchange (or on resumption).
struct Keyed {
    hello: Hello,
    keys: KeySchedule,
    /// The group and our ServerKeyExchange scheme (full ECDHE handshakes).
    ecdhe: Option<(NamedGroup, SignatureAlgorithm)>,
    /// The client's identity: its verified chain, or the resumed session's (empty: none).
    client_chain: Vec<CertificateDer<'static>>,
    /// The scheme of the client's CertificateVerify.
    client_signature: Option<SignatureAlgorithm>,
    /// Read from the client's leaf.
    client_identity: Option<PeerIdentity>,
}

impl ServerHandshake {
    /// A server handshake waiting for a ClientHello, with OS randomness.
    pub fn new(config: Arc<ServerConfig>) -> Self {
        let rng = config.provider.rng();
        Self::with_rng(config, Box::new(rng))
    }

    /// As [`ServerHandshake::new`], with an injected random source (deterministic tests).
    pub fn with_rng(config: Arc<ServerConfig>, rng: Box<dyn SecureRandom + Send>) -> Self {
        Endpoint {
            common: Common::new(Side::Server, config.provider),
            role: ServerState {
                config,
                rng,
                session_id: Vec::new(),
                phase: Phase::AwaitHello,
            },
        }
    }
}

/// A handler was asked to run in a phase the table should never have let it reach.
fn out_of_phase(msg: Msg, phase: &Phase) -> HandshakeError {
    HandshakeError::internal(format!(
        "the table and the server's phase disagree: {msg:?} while {}",
        phase.name()
    ))
}

impl ServerState {
    // ---- ServerHello (RFC 5246 7.4.1.3) ----

    fn send_server_hello(
        &self,
        common: &mut Common,
        hello: &Hello,
        resumed: bool,
        actions: &mut Vec<Action>,
    ) {
        let mut ext = Vec::new();
        if hello.secure_renegotiation {
            ext.push(Extension::RenegotiationInfo(Vec::new()));
        }
        if hello.ems {
            ext.push(Extension::ExtendedMasterSecret);
        }
        if let Some(p) = &hello.alpn {
            ext.push(Extension::Alpn(vec![ProtocolName(p.clone())]));
        }
        if !resumed
            && hello.suite.kx == KeyExchangeAlgorithm::Ecdhe
            && hello.client_sent_point_formats
        {
            ext.push(Extension::EcPointFormats(vec![ECPointFormat::Uncompressed]));
        }
        // RFC 5077 3.2: an empty SessionTicket extension announces a NewSessionTicket.
        if hello.ticket {
            ext.push(Extension::SessionTicket(Vec::new()));
        }
        // RFC 6066 3: acknowledge a used server_name with an empty extension, never on resumption.
        if !resumed && hello.server_name.is_some() {
            ext.push(Extension::ServerName(Vec::new()));
        }
        let server_hello = ServerHello {
            server_version: ProtocolVersion::TLSv1_2,
            random: common.server_random,
            session_id: SessionId::new(&self.session_id).unwrap_or_default(),
            cipher_suite: hello.suite.suite,
            compression_method: CompressionMethod::Null,
            // RFC 5246 7.4.1.4: nothing to answer (a ClientHello without extensions), no
            // block at all, not an empty one.
            extensions: if ext.is_empty() {
                Extensions::omitted()
            } else {
                Extensions::new(ext)
            },
        };
        common.emit(HandshakePayload::ServerHello(server_hello), actions);
    }

    // ---- ServerKeyExchange (RFC 8422 5.4) ----

    fn send_server_key_exchange(
        &mut self,
        common: &mut Common,
        full: &Full,
        actions: &mut Vec<Action>,
    ) -> Result<(), HandshakeError> {
        let ServerKx::Ecdhe { group, scheme, key } = &full.kx else {
            return Err(HandshakeError::internal(
                "the table sends a ServerKeyExchange for a static RSA suite",
            ));
        };
        let mut ske = EcdheServerKeyExchange {
            params: ServerEcdhParams {
                named_curve: wire_group(*group),
                public: key.public_key().to_vec(),
            },
            signature: DigitallySigned {
                scheme: wire_scheme(*scheme),
                signature: Vec::new(),
            },
        };
        let signed = ske.signed_message(&common.client_random, &common.server_random);
        ske.signature.signature = full
            .certified
            .key
            .sign_with(common.provider, *scheme, &signed, &mut *self.rng)
            .map_err(|e| crypto("ServerKeyExchange signature", e))?;
        common.emit(
            HandshakePayload::ServerKeyExchange(ServerKeyExchange::Ecdhe(ske)),
            actions,
        );
        Ok(())
    }

    // ---- CertificateRequest (RFC 5246 7.4.4) ----

    /// The verifier's root names for a CertificateRequest, capped: peers refuse oversized
    /// messages, and a name list is a hint.
    fn ca_names(&self) -> Vec<DistinguishedName> {
        let mut names: Vec<DistinguishedName> = Vec::new();
        if let Some(verifier) = &self.config.client_verifier {
            let mut total = 0usize;
            for dn in verifier.root_hint_subjects() {
                total += dn.as_bytes().len() + 2;
                if total > self.config.max_ca_names_len {
                    break;
                }
                names.push(dn);
            }
        }
        names
    }

    fn send_certificate_request(&self, common: &mut Common, actions: &mut Vec<Action>) {
        let names = self.ca_names();
        let request = CertificateRequest {
            certificate_types: vec![
                ClientCertificateType::RsaSign,
                ClientCertificateType::EcdsaSign,
            ],
            supported_signature_algorithms: self
                .config
                .signature_schemes
                .iter()
                .map(|s| wire_scheme(*s))
                .collect(),
            certificate_authorities: names,
        };
        common.emit(HandshakePayload::CertificateRequest(request), actions);
    }

    // ---- client Certificate (RFC 5246 7.4.6) ----

    fn receive_certificate(
        &self,
        common: &mut Common,
        msg: &CertificateMsg,
        mut full: Box<Full>,
    ) -> Result<Box<Full>, HandshakeError> {
        let chain = &msg.certificate_list;
        let Some(leaf) = chain.first() else {
            if self.config.client_auth == ClientAuthPolicy::Required {
                return Err(HandshakeError::new(
                    AlertDescription::HandshakeFailure,
                    "the client sent no certificate but this server requires one",
                ));
            }
            // An empty Certificate: no CertificateVerify follows (RFC 5246 7.4.8).
            common.learn(Fact::ClientCertificate(false))?;
            return Ok(full);
        };
        full.client = Some(Box::new(self.accept_client_chain(chain, leaf)?));
        common.learn(Fact::ClientCertificate(true))?;
        Ok(full)
    }

    /// A client chain checked by the verifier (unless the policy is `Request`), with its
    /// leaf's key and identity; the identity becomes the peer's only once the
    /// CertificateVerify verified. Shared by TLS 1.2 and 1.3, in and after the handshake.
    fn accept_client_chain(
        &self,
        chain: &[CertificateDer<'static>],
        leaf: &CertificateDer<'static>,
    ) -> Result<ClientCertificate, HandshakeError> {
        if self.config.client_auth.verifies() {
            let verifier = self.config.client_verifier.as_ref().ok_or_else(|| {
                HandshakeError::internal("client authentication configured without a verifier")
            })?;
            verifier
                .verify_client_cert(chain, self.config.time.now())
                .map_err(|e| HandshakeError::certificate_refused_chain("client", e, chain))?;
        }
        let (key, identity) = read_leaf(leaf)?;
        debug_event!(
            subject = identity.subject(),
            chain_len = chain.len(),
            verified = self.config.client_auth.verifies(),
            "server: client certificate accepted"
        );
        Ok(ClientCertificate {
            key,
            identity,
            chain: chain.to_vec(),
        })
    }

    // ---- ClientKeyExchange (RFC 5246 7.4.7) ----

    fn receive_client_key_exchange(
        &mut self,
        common: &mut Common,
        cke: &ClientKeyExchange,
        raw: &[u8],
        full: Full,
    ) -> Result<Phase, HandshakeError> {
        let Full {
            hello,
            certified,
            kx,
            client,
        } = full;
        let (premaster, ecdhe): (zeroize::Zeroizing<Vec<u8>>, _) = match (cke, kx) {
            (ClientKeyExchange::Ecdhe(point), ServerKx::Ecdhe { group, scheme, key }) => {
                let shared = key
                    .complete(point)
                    .map_err(|e| crypto("the client's ECDHE public key", e))?;
                (
                    zeroize::Zeroizing::new(shared.expose().to_vec()),
                    Some((group, scheme)),
                )
            }
            (ClientKeyExchange::Rsa(encrypted), ServerKx::Rsa) => {
                // choose_suite picks static RSA only for a certificate with an RSA key.
                let rsa = certified.key.as_rsa().ok_or_else(|| {
                    HandshakeError::internal("static RSA chosen for a key that is not RSA")
                })?;
                // RFC 5246 7.4.7.1: no error path for a bad premaster, whatever the cause; a
                // wrong one surfaces only as the client's Finished failing to decrypt.
                let pms = common.provider.decrypt_premaster(
                    rsa,
                    &mut *self.rng,
                    hello.client_version,
                    encrypted,
                );
                (zeroize::Zeroizing::new(pms.expose().to_vec()), None)
            }
            // The body was parsed with the negotiated key exchange as context.
            _ => {
                return Err(HandshakeError::internal(
                    "a ClientKeyExchange of another key exchange than the suite's",
                ));
            }
        };
        let prf = hello.suite.prf;
        let master = if hello.ems {
            // RFC 7627 3: the session hash includes this ClientKeyExchange.
            let hash = common.transcript.hash_with(prf, raw);
            extended_master_secret(common.provider, prf, &premaster, hash.as_slice())
        } else {
            master_secret(
                common.provider,
                prf,
                &premaster,
                &common.client_random,
                &common.server_random,
            )
        };
        let keys = KeySchedule::new(hello.suite, master, common, self.config.key_log.as_deref());
        let keyed = Box::new(Keyed {
            hello,
            keys,
            ecdhe,
            client_chain: Vec::new(),
            client_signature: None,
            client_identity: None,
        });
        Ok(match client {
            Some(client) => Phase::AwaitVerify(keyed, client),
            None => Phase::Keyed(keyed),
        })
    }

    // ---- CertificateVerify (RFC 5246 7.4.8) ----

    fn receive_certificate_verify(
        &self,
        common: &Common,
        cv: &DigitallySigned,
        mut keyed: Box<Keyed>,
        client: ClientCertificate,
    ) -> Result<Box<Keyed>, HandshakeError> {
        // The scheme must be one our CertificateRequest offered (the transcript keeps a hash
        // for each of those) and must fit the key.
        let not_offered = || {
            HandshakeError::new(
                AlertDescription::IllegalParameter,
                format!(
                    "CertificateVerify uses {:?}, which was not offered",
                    cv.scheme
                ),
            )
        };
        let scheme = our_scheme(cv.scheme)
            .filter(|s| self.config.signature_schemes.contains(s))
            .ok_or_else(not_offered)?;
        if !client.key.schemes().contains(&scheme) {
            return Err(HandshakeError::new(
                AlertDescription::IllegalParameter,
                format!("{scheme:?} does not fit the client certificate's key"),
            ));
        }
        let digest = common
            .transcript
            .signature_digest(scheme.hash())
            .ok_or_else(not_offered)?;
        client
            .key
            .verify_prehashed_with(common.provider, scheme, &digest, &cv.signature)
            .map_err(|e| crypto("client CertificateVerify signature", e))?;
        if self.config.client_auth.verifies() {
            self.config.authorize(
                &client.identity,
                &client.chain,
                keyed.hello.server_name.as_deref(),
            )?;
        }
        // Only now does the chain become the peer's identity.
        keyed.client_chain = client.chain;
        keyed.client_signature = Some(scheme);
        keyed.client_identity = Some(client.identity);
        Ok(keyed)
    }

    // ---- NewSessionTicket (RFC 5077 3.3) ----

    /// The session sealed for the client: its master secret, suite, EMS status, SNI name,
    /// start time and the client's verified chain (see [`crate::ticket`]). A session that
    /// cannot be sealed (a chain over the cap) gets the empty ticket RFC 5077 3.3 provides
    /// for a server that changed its mind after announcing one.
    fn send_new_session_ticket(
        &self,
        common: &mut Common,
        keyed: &Keyed,
        actions: &mut Vec<Action>,
    ) {
        let mut session = StoredSession::new(
            Vec::new(),
            keyed.hello.suite.suite,
            keyed.keys.master(),
            keyed.hello.ems,
            keyed.client_chain.clone(),
            keyed.hello.server_name.clone(),
            keyed.hello.created,
        )
        .with_peer_identity(keyed.client_identity.clone());
        psk13::vouch_in_ticket(&self.config, &mut session);
        let ticketer = self.config.ticketer.as_deref();
        let ticket = crate::ticket::encode(&session)
            .zip(ticketer)
            .and_then(|(plaintext, t)| t.seal(&plaintext))
            .unwrap_or_default();
        debug_event!(len = ticket.len(), "server: issuing a session ticket");
        common.emit(
            HandshakePayload::NewSessionTicket(NewSessionTicket {
                lifetime_hint: ticketer.map_or(0, |t| t.lifetime_secs()),
                ticket,
            }),
            actions,
        );
    }

    // ---- done ----

    fn finish(&self, kind: Kind, common: &Common, keyed: Keyed) -> HandshakeSummary {
        let Keyed {
            hello,
            keys,
            ecdhe,
            client_chain,
            client_signature,
            client_identity,
        } = keyed;
        if !kind.is_resumption()
            && !self.session_id.is_empty()
            && let Some(cache) = &self.config.session_cache
        {
            let mut session = StoredSession::new(
                self.session_id.clone(),
                hello.suite.suite,
                keys.master(),
                hello.ems,
                client_chain.clone(),
                hello.server_name.clone(),
                self.config.time.now(),
            )
            .with_peer_identity(client_identity.clone());
            let verified_by_verifier =
                self.config.client_auth.verifies() && !client_chain.is_empty();
            if verified_by_verifier
                && let Some(v) = &self.config.client_verifier
                && let Some(until) = v.verified_until(&client_chain)
            {
                session.set_verified_by(v, until);
            }
            cache.put(Arc::new(session));
        }
        HandshakeSummary {
            version: ProtocolVersion::TLSv1_2,
            suite: crate::suites::NegotiatedSuite::Tls12(hello.suite),
            kind,
            group: ecdhe.map(|(g, _)| g),
            server_signature: ecdhe.map(|(_, s)| s),
            client_signature,
            extended_master_secret: hello.ems,
            resumed: kind.is_resumption(),
            session_id: self.session_id.clone(),
            peer_verified: self.config.client_auth.verifies() && client_identity.is_some(),
            peer_identity: client_identity,
            // Moved, not copied: the summary is where the chain lives from now on.
            peer_certificates: client_chain,
            alpn: hello.alpn,
            server_name: hello.server_name,
            client_random: common.client_random,
            server_random: common.server_random,
        }
    }
}

impl Role for ServerState {
    /// A ClientHello after the handshake is a renegotiation attempt: refused with a warning
    /// no_renegotiation, and the connection goes on (RFC 5746 4.4, RFC 5246 7.2.2).
    fn intercept(
        &mut self,
        common: &mut Common,
        input: Input<'_>,
    ) -> Option<Result<Vec<Action>, HandshakeError>> {
        let Input::Handshake(bytes) = input else {
            return None;
        };
        // RFC 8446 4.6: after a TLS 1.3 handshake, KeyUpdate and post-handshake
        // authentication; TLS 1.3 has no renegotiation.
        if common.tls13 && common.summary.is_some() {
            return Some(self.post_input13(common, bytes));
        }
        if common.summary.is_none() || bytes.first() != Some(&HandshakeType::ClientHello.to_u8()) {
            return None;
        }
        Some(
            HandshakeMessage::parse(bytes, &Default::default())
                .map_err(HandshakeError::from)
                .and_then(|_| common.refuse_renegotiation()),
        )
    }

    fn receive(
        &mut self,
        common: &mut Common,
        msg: Msg,
        m: &HandshakeMessage,
        actions: &mut Vec<Action>,
    ) -> Result<(), HandshakeError> {
        let phase = std::mem::replace(&mut self.phase, Phase::Moved);
        self.phase = match (msg, m.payload(), phase) {
            (Msg::ClientHello, HandshakePayload::ClientHello(ch), Phase::AwaitHello) => {
                self.receive_client_hello(common, ch, m.raw())?
            }
            (msg, _, Phase::Tls13(s)) => self.receive13(common, msg, m, s, actions)?,
            (Msg::Certificate, HandshakePayload::Certificate(c), Phase::Full(full)) => {
                Phase::Full(self.receive_certificate(common, c, full)?)
            }
            (
                Msg::ClientKeyExchange,
                HandshakePayload::ClientKeyExchange(cke),
                Phase::Full(full),
            ) => self.receive_client_key_exchange(common, cke, m.raw(), *full)?,
            (
                Msg::CertificateVerify,
                HandshakePayload::CertificateVerify(cv),
                Phase::AwaitVerify(keyed, client),
            ) => Phase::Keyed(self.receive_certificate_verify(common, cv, keyed, *client)?),
            (msg, _, phase) => return Err(out_of_phase(msg, &phase)),
        };
        Ok(())
    }

    fn keys(&mut self, msg: Msg) -> Result<&mut KeySchedule, HandshakeError> {
        match &mut self.phase {
            Phase::Keyed(keyed) => Ok(&mut keyed.keys),
            phase => Err(out_of_phase(msg, phase)),
        }
    }

    fn send(
        &mut self,
        common: &mut Common,
        msg: Msg,
        actions: &mut Vec<Action>,
    ) -> Result<(), HandshakeError> {
        let phase = std::mem::replace(&mut self.phase, Phase::Moved);
        self.phase = match (msg, phase) {
            (msg, Phase::Tls13(s)) => self.send13(common, msg, s, actions)?,
            (Msg::ServerHello, Phase::Full(full)) => {
                self.send_server_hello(common, &full.hello, false, actions);
                Phase::Full(full)
            }
            (Msg::ServerHello, Phase::Keyed(keyed)) => {
                self.send_server_hello(common, &keyed.hello, true, actions);
                Phase::Keyed(keyed)
            }
            // ---- server Certificate (RFC 5246 7.4.2) ----
            (Msg::Certificate, Phase::Full(full)) => {
                common.emit(
                    HandshakePayload::Certificate(CertificateMsg {
                        certificate_list: full.certified.chain.clone(),
                    }),
                    actions,
                );
                Phase::Full(full)
            }
            (Msg::ServerKeyExchange, Phase::Full(full)) => {
                self.send_server_key_exchange(common, &full, actions)?;
                Phase::Full(full)
            }
            (Msg::CertificateRequest, Phase::Full(full)) => {
                self.send_certificate_request(common, actions);
                Phase::Full(full)
            }
            (Msg::ServerHelloDone, Phase::Full(full)) => {
                common.emit(HandshakePayload::ServerHelloDone, actions);
                Phase::Full(full)
            }
            (Msg::NewSessionTicket, Phase::Keyed(keyed)) => {
                self.send_new_session_ticket(common, &keyed, actions);
                Phase::Keyed(keyed)
            }
            (msg, phase) => return Err(out_of_phase(msg, &phase)),
        };
        Ok(())
    }

    fn complete(
        &mut self,
        common: &mut Common,
        kind: Kind,
    ) -> Result<HandshakeSummary, HandshakeError> {
        match std::mem::replace(&mut self.phase, Phase::Done) {
            Phase::Keyed(keyed) => Ok(self.finish(kind, common, *keyed)),
            Phase::Tls13(s) => {
                let (summary, phase) = self.complete13(common, kind, *s)?;
                self.phase = phase;
                Ok(summary)
            }
            phase => Err(HandshakeError::internal(format!(
                "the handshake completed while {}",
                phase.name()
            ))),
        }
    }

    fn post_handshake(
        &mut self,
        common: &mut Common,
        request: crate::action::PostHandshakeRequest,
    ) -> Result<Vec<Action>, HandshakeError> {
        self.post_request13(common, request)
    }

    fn post_handshake_allowed(
        &self,
        _common: &Common,
        request: crate::action::PostHandshakeRequest,
    ) -> Result<(), HandshakeError> {
        self.post_allowed13(request)
    }

    fn forget_session(&self) {
        if let Some(cache) = &self.config.session_cache
            && !self.session_id.is_empty()
        {
            cache.remove(&self.session_id);
        }
    }
}
