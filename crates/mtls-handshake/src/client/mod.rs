//! The client role: one straight-line handler per message, in the order of the table in
//! [`crate::sequence`]. Each handler checks what it receives and picks the alert where it
//! checks. Each phase of the handshake is a type that owns exactly the data the phase has.

mod hello;
mod post13;
mod psk13;
mod tls13;

use std::sync::Arc;

use mtls_crypto::SecureRandom;
use mtls_crypto::kx::{ActiveKeyExchange, NamedGroup};
use mtls_crypto::signature::{RsaPublicKey, SignatureAlgorithm, VerifyingKey};
use mtls_prf::{extended_master_secret, master_secret};
use mtls_wire::handshake::{
    CertificateMsg, CertificateRequest, ClientKeyExchange, DigitallySigned, HandshakeMessage,
    HandshakePayload, KeyExchangeAlgorithm, ServerKeyExchange,
};
use mtls_wire::{AlertDescription, HandshakeType, ProtocolVersion};
use zeroize::Zeroizing;

use crate::action::{Action, Input};
use crate::certs::{
    CertificateDer, CertificateRequestInfo, CertifiedKey, KeyUse, PeerIdentity, choose_scheme,
    key_type_of, read_leaf_for,
};
use crate::common::{Common, HandshakeSummary, our_scheme, wire_scheme};
use crate::config::ClientConfig;
use crate::endpoint::Endpoint;
use crate::endpoint::role::Role;
use crate::error::{HandshakeError, crypto};
use crate::keys::KeySchedule;
use crate::sequence::{Fact, Kind, Msg, Side};
use crate::session::StoredSession;
use crate::suites::SupportedSuite;
use crate::trace::debug_event;

/// A TLS 1.2 or TLS 1.3 client handshake, sans IO: feed it what the server sent ([`Input`]), perform
/// the [`Action`]s it returns, in order.
pub type ClientHandshake = Endpoint<ClientState>;

/// What only a client keeps: its configuration, its random source, the name it connects
/// to, the session it offered and the phase of the handshake. Used through
/// [`ClientHandshake`].
pub struct ClientState {
    config: Arc<ClientConfig>,
    rng: Box<dyn SecureRandom + Send>,
    /// What we connect to: a DNS name (sent as SNI) or an IP address (not sent, RFC 6066 3).
    server_name: Option<String>,
    /// The session we try to resume.
    offered_session: Option<Arc<StoredSession>>,
    /// The session id the server gave (empty: none), for storing or forgetting it.
    session_id: Vec<u8>,
    /// The random legacy_session_id of a TLS 1.3 offer without a TLS 1.2 session (RFC 8446
    /// 4.1.2, D.4): a TLS 1.2 server must not echo it.
    compat_session_id: Option<Vec<u8>>,
    /// The ticket of the server's NewSessionTicket (RFC 5077 3.3), for storing.
    new_ticket: Option<Vec<u8>>,
    phase: Phase,
}

/// The phases of a client handshake, each owning what it has.
enum Phase {
    /// The ClientHello is not sent yet.
    Start,
    /// Waiting for the ServerHello; what we offered.
    AwaitServerHello(Box<tls13::Offered>),
    /// A HelloRetryRequest came: the second ClientHello is due (RFC 8446 4.1.4).
    Retry(Box<tls13::Offered>),
    /// A TLS 1.3 handshake after the ServerHello (`tls13.rs`).
    Tls13(Box<tls13::Client13>),
    /// An established TLS 1.3 connection: KeyUpdate, tickets, post-handshake
    /// authentication (`post13.rs`).
    Established13(Box<tls13::ClientPost>),
    /// A full handshake: the server's Certificate comes next.
    AwaitCertificate(Box<Hello>),
    /// The server's chain is verified; its key exchange, request and ServerHelloDone follow,
    /// then our flight.
    Certified(Box<Certified>),
    /// Our key exchange is done and our certificate must be proven by a CertificateVerify.
    AwaitSignature(Box<Keyed>, Box<ClientCertificate>),
    /// Keys exist (after our key exchange, or at ServerHello on resumption).
    Keyed(Box<Keyed>),
    /// Complete.
    Done,
    /// Taken by the handler that runs (and left so if it fails: the handshake is dead).
    Moved,
}

impl Phase {
    fn name(&self) -> &'static str {
        match self {
            Self::Start => "before ClientHello",
            Self::AwaitServerHello(_) => "waiting for ServerHello",
            Self::Retry(_) => "after a HelloRetryRequest",
            Self::Tls13(_) => "TLS 1.3 handshake",
            Self::Established13(_) => "TLS 1.3 established",
            Self::AwaitCertificate(_) => "waiting for the server's Certificate",
            Self::Certified(_) => "server certificate verified",
            Self::AwaitSignature(..) => "before our CertificateVerify",
            Self::Keyed(_) => "keys derived",
            Self::Done => "complete",
            Self::Moved => "failed",
        }
    }
}

/// What the ServerHello settled.
struct Hello {
    suite: SupportedSuite,
    ems: bool,
    alpn: Option<Vec<u8>>,
}

/// A full handshake once the server's chain is verified.
struct Certified {
    hello: Hello,
    chain: Vec<CertificateDer<'static>>,
    identity: PeerIdentity,
    kx: ClientKx,
    /// The server's CertificateRequest, if it sent one.
    request: Option<CertificateRequest>,
    /// The certificate we send and the scheme we sign with (`None`: an empty Certificate).
    client_cert: Option<Box<ClientCertificate>>,
}

/// Our view of the key exchange.
enum ClientKx {
    /// ECDHE: the server's key, to check its ServerKeyExchange signature.
    AwaitShare(VerifyingKey),
    /// ECDHE: the group, the server's share and the scheme its ServerKeyExchange used.
    Ecdhe {
        group: NamedGroup,
        public: Vec<u8>,
        scheme: SignatureAlgorithm,
    },
    /// Static RSA: the server certificate's key, to encrypt the premaster secret to.
    Rsa(RsaPublicKey),
}

/// Our certificate and the scheme its CertificateVerify uses.
struct ClientCertificate {
    certified: Arc<CertifiedKey>,
    scheme: SignatureAlgorithm,
}

/// After our key exchange (or on resumption).
struct Keyed {
    hello: Hello,
    keys: KeySchedule,
    /// The server's chain (verified, or the resumed session's).
    server_chain: Vec<CertificateDer<'static>>,
    /// Read from the server's leaf.
    server_identity: Option<PeerIdentity>,
    /// The group and the server's ServerKeyExchange scheme (full ECDHE handshakes).
    ecdhe: Option<(NamedGroup, SignatureAlgorithm)>,
    /// The scheme of our CertificateVerify.
    client_signature: Option<SignatureAlgorithm>,
}

impl ClientHandshake {
    /// Starts a handshake to `server_name` with OS randomness; the returned actions carry
    /// the ClientHello.
    pub fn new(
        config: Arc<ClientConfig>,
        server_name: Option<&str>,
    ) -> Result<(Self, Vec<Action>), HandshakeError> {
        let rng = config.provider.rng();
        Self::with_rng(config, server_name, Box::new(rng))
    }

    /// As [`ClientHandshake::new`], with an injected random source (deterministic tests).
    pub fn with_rng(
        config: Arc<ClientConfig>,
        server_name: Option<&str>,
        rng: Box<dyn SecureRandom + Send>,
    ) -> Result<(Self, Vec<Action>), HandshakeError> {
        let mut hs = Endpoint {
            common: Common::new(Side::Client, config.provider),
            role: ClientState {
                config,
                rng,
                server_name: server_name.map(str::to_string),
                offered_session: None,
                new_ticket: None,
                session_id: Vec::new(),
                compat_session_id: None,
                phase: Phase::Start,
            },
        };
        let mut actions = Vec::new();
        hs.run_sends(&mut actions)?;
        Ok((hs, actions))
    }
}

/// A handler was asked to run in a phase the table should never have let it reach.
fn out_of_phase(msg: Msg, phase: &Phase) -> HandshakeError {
    HandshakeError::internal(format!(
        "the table and the client's phase disagree: {msg:?} while {}",
        phase.name()
    ))
}

impl ClientState {
    /// The name as SNI: DNS names only, never IP literals (RFC 6066 3).
    fn sni(&self) -> Option<&str> {
        self.server_name
            .as_deref()
            .filter(|n| n.parse::<std::net::IpAddr>().is_err())
    }

    // ---- server Certificate (RFC 5246 7.4.2) ----

    fn receive_certificate(
        &self,
        msg: &CertificateMsg,
        hello: Hello,
    ) -> Result<Certified, HandshakeError> {
        let chain = &msg.certificate_list;
        let leaf = chain.first().ok_or_else(|| {
            HandshakeError::new(
                AlertDescription::DecodeError,
                "the server sent no certificate",
            )
        })?;
        let now = self.config.time.now();
        self.config
            .verifier
            .verify_server_cert(chain, self.server_name.as_deref(), now)
            .map_err(|e| HandshakeError::certificate_refused_chain("server", e, chain))?;
        let suite = hello.suite;
        // RFC 5246 7.4.2: the leaf's keyUsage must allow what the key exchange does with it.
        let key_use = match suite.kx {
            KeyExchangeAlgorithm::Ecdhe => KeyUse::Signature,
            KeyExchangeAlgorithm::Rsa => KeyUse::Encipherment,
        };
        let (key, identity) = read_leaf_for(leaf, key_use)?;
        debug_event!(
            subject = identity.subject(),
            chain_len = chain.len(),
            "client: server certificate verified"
        );
        let unusable = || {
            HandshakeError::new(
                AlertDescription::UnsupportedCertificate,
                format!(
                    "the server's certificate key cannot be used with {}",
                    suite.name()
                ),
            )
        };
        if key_type_of(key.schemes()) != suite.auth {
            return Err(unusable());
        }
        let kx = match suite.kx {
            KeyExchangeAlgorithm::Ecdhe => ClientKx::AwaitShare(key),
            KeyExchangeAlgorithm::Rsa => ClientKx::Rsa(key.as_rsa().ok_or_else(unusable)?.clone()),
        };
        Ok(Certified {
            hello,
            chain: chain.clone(),
            identity,
            kx,
            request: None,
            client_cert: None,
        })
    }

    // ---- ServerKeyExchange (RFC 5246 7.4.3, RFC 8422 5.4) ----

    fn receive_server_key_exchange(
        &self,
        common: &Common,
        ske: &ServerKeyExchange,
        key: &VerifyingKey,
    ) -> Result<ClientKx, HandshakeError> {
        let ServerKeyExchange::Ecdhe(ske) = ske;
        let group = NamedGroup::from_u16(ske.params.named_curve.to_u16())
            .filter(|g| self.config.groups.contains(g))
            .ok_or_else(|| {
                HandshakeError::new(
                    AlertDescription::IllegalParameter,
                    format!(
                        "the server chose the group {:?}, which was not offered",
                        ske.params.named_curve
                    ),
                )
            })?;
        let scheme = our_scheme(ske.signature.scheme)
            .filter(|s| self.config.signature_schemes.contains(s))
            .ok_or_else(|| {
                HandshakeError::new(
                    AlertDescription::IllegalParameter,
                    format!(
                        "the server signed with {:?}, which was not offered",
                        ske.signature.scheme
                    ),
                )
            })?;
        if !key.schemes().contains(&scheme) {
            return Err(HandshakeError::new(
                AlertDescription::IllegalParameter,
                format!("{scheme:?} does not fit the server certificate's key"),
            ));
        }
        // RFC 8422 5.4: the signature covers both randoms and the ECDH parameters.
        let signed = ske.signed_message(&common.client_random, &common.server_random);
        key.verify_with(common.provider, scheme, &signed, &ske.signature.signature)
            .map_err(|e| crypto("ServerKeyExchange signature", e))?;
        Ok(ClientKx::Ecdhe {
            group,
            public: ske.params.public.clone(),
            scheme,
        })
    }

    // ---- client Certificate (RFC 5246 7.4.6) ----

    /// The certificate and signature scheme to answer `request` with, or why there is none.
    fn choose_certificate(
        &self,
        request: &CertificateRequest,
    ) -> Result<(Arc<CertifiedKey>, SignatureAlgorithm), &'static str> {
        let info = CertificateRequestInfo {
            ca_names: &request.certificate_authorities,
            signature_schemes: &request.supported_signature_algorithms,
            certificate_types: &request.certificate_types,
        };
        let resolver =
            (self.config.cert_resolver.as_ref()).ok_or("no client certificate is configured")?;
        let ck = resolver
            .resolve(&info)
            .filter(|ck| !ck.chain.is_empty())
            .ok_or("no configured certificate fits the server's CA names and certificate types")?;
        // Among what the server accepts and the key can do.
        let scheme = choose_scheme(
            &ck.key,
            &self.config.signature_schemes,
            &request.supported_signature_algorithms,
        )
        .ok_or("the server accepts no signature scheme our certificate's key can make")?;
        Ok((ck, scheme))
    }

    fn send_certificate(
        &self,
        common: &mut Common,
        certified: &mut Certified,
        actions: &mut Vec<Action>,
    ) -> Result<(), HandshakeError> {
        let chosen = match &certified.request {
            Some(request) => self.choose_certificate(request),
            None => Err("no certificate was requested"),
        };
        match &chosen {
            Ok((_ck, _scheme)) => debug_event!(
                chain_len = _ck.chain.len(),
                scheme = ?_scheme,
                "client: sending a certificate"
            ),
            Err(_why) => debug_event!(why = *_why, "client: sending no certificate"),
        }
        let chosen = chosen.ok();
        common.learn(Fact::ClientCertificate(chosen.is_some()))?;
        let chain = match &chosen {
            Some((ck, scheme)) => {
                // Only this scheme's hash is needed from here on.
                common.transcript.start_signature_hashes([scheme.hash()]);
                ck.chain.clone()
            }
            None => Vec::new(),
        };
        certified.client_cert =
            chosen.map(|(certified, scheme)| Box::new(ClientCertificate { certified, scheme }));
        common.emit(
            HandshakePayload::Certificate(CertificateMsg {
                certificate_list: chain,
            }),
            actions,
        );
        Ok(())
    }

    // ---- ClientKeyExchange (RFC 5246 7.4.7) ----

    fn send_client_key_exchange(
        &mut self,
        common: &mut Common,
        certified: Certified,
        actions: &mut Vec<Action>,
    ) -> Result<Phase, HandshakeError> {
        let Certified {
            hello,
            chain,
            identity,
            kx,
            client_cert,
            ..
        } = certified;
        let (premaster, ecdhe) = match kx {
            ClientKx::Ecdhe {
                group,
                public: server_public,
                scheme,
            } => {
                let kx = common
                    .provider
                    .start_key_exchange(group, &mut *self.rng)
                    .map_err(|e| crypto("key generation", e))?;
                let public = kx.public_key().to_vec();
                let shared = kx
                    .complete(&server_public)
                    .map_err(|e| crypto("the server's ECDHE public key", e))?;
                common.emit(
                    HandshakePayload::ClientKeyExchange(ClientKeyExchange::Ecdhe(public)),
                    actions,
                );
                (
                    Zeroizing::new(shared.expose().to_vec()),
                    Some((group, scheme)),
                )
            }
            ClientKx::Rsa(rsa) => {
                // RFC 5246 7.4.7.1: the version is the one we offered in ClientHello.
                let (pms, encrypted) = common
                    .provider
                    .encrypt_premaster(&mut *self.rng, &rsa, [3, 3])
                    .map_err(|e| crypto("premaster encryption", e))?;
                common.emit(
                    HandshakePayload::ClientKeyExchange(ClientKeyExchange::Rsa(encrypted)),
                    actions,
                );
                (Zeroizing::new(pms.expose().to_vec()), None)
            }
            // The table sends ClientKeyExchange after ServerHelloDone, which follows the
            // ServerKeyExchange of an ECDHE suite.
            ClientKx::AwaitShare(_) => {
                return Err(HandshakeError::internal(
                    "ClientKeyExchange before the server's ECDHE share",
                ));
            }
        };
        let prf = hello.suite.prf;
        let master = if hello.ems {
            // RFC 7627 3: the session hash covers ClientHello .. ClientKeyExchange.
            let hash = common.transcript.current_hash(prf);
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
            server_chain: chain,
            server_identity: Some(identity),
            ecdhe,
            client_signature: None,
        });
        Ok(match client_cert {
            Some(client) => Phase::AwaitSignature(keyed, client),
            None => Phase::Keyed(keyed),
        })
    }

    // ---- CertificateVerify (RFC 5246 7.4.8) ----

    fn send_certificate_verify(
        &mut self,
        common: &mut Common,
        client: &ClientCertificate,
        actions: &mut Vec<Action>,
    ) -> Result<(), HandshakeError> {
        let scheme = client.scheme;
        // The signature covers every handshake message so far, hashed with the scheme's
        // hash, which the transcript keeps from our Certificate on (send_certificate).
        let digest = common
            .transcript
            .signature_digest(scheme.hash())
            .ok_or_else(|| {
                HandshakeError::internal("the transcript dropped the hash our scheme signs")
            })?;
        let signature = client
            .certified
            .key
            .sign_prehashed_with(common.provider, scheme, &digest, &mut *self.rng)
            .map_err(|e| crypto("CertificateVerify signature", e))?;
        common.emit(
            HandshakePayload::CertificateVerify(DigitallySigned {
                scheme: wire_scheme(scheme),
                signature,
            }),
            actions,
        );
        Ok(())
    }

    // ---- done ----

    fn finish(&mut self, kind: Kind, common: &Common, keyed: Keyed) -> HandshakeSummary {
        let Keyed {
            hello,
            keys,
            server_chain,
            server_identity,
            ecdhe,
            client_signature,
        } = keyed;
        // A full handshake's session is kept if the server named it or gave a ticket; a
        // resumed one again if the server renewed its ticket.
        let ticket = self.new_ticket.take();
        let id = match (self.session_id.is_empty(), &ticket) {
            (false, _) => Some(self.session_id.clone()),
            // RFC 5077 3.4: a ticket is offered with a session id of our choosing, which the
            // server echoes when it resumes: that is how we recognise the resumption.
            (true, Some(_)) => {
                let mut id = vec![0u8; 32];
                self.rng.fill(&mut id).is_ok().then_some(id)
            }
            (true, None) => None,
        };
        let created = match (&self.offered_session, kind.is_resumption()) {
            (Some(offered), true) => offered.created,
            _ => self.config.time.now(),
        };
        if (!kind.is_resumption() || ticket.is_some())
            && let Some(id) = id
            && let (Some(store), Some(name)) =
                (&self.config.session_store, self.server_name.as_deref())
        {
            let session = StoredSession::new(
                id,
                hello.suite.suite,
                keys.master(),
                hello.ems,
                server_chain.clone(),
                self.sni().map(str::to_string),
                created,
            )
            .with_peer_identity(server_identity.clone())
            .made_by(&self.config);
            store.put(
                &self.config.session_key(name),
                Arc::new(match ticket {
                    Some(t) => session.with_ticket(t),
                    None => session,
                }),
            );
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
            // A client always verifies the server's chain (its verifier is not optional).
            peer_verified: server_identity.is_some(),
            peer_identity: server_identity,
            // Moved, not copied: the summary is where the chain lives from now on.
            peer_certificates: server_chain,
            alpn: hello.alpn,
            server_name: self.server_name.clone(),
            client_random: common.client_random,
            server_random: common.server_random,
        }
    }
}

impl Role for ClientState {
    /// RFC 5246 7.4.1.1: during a handshake a HelloRequest is ignored; afterwards we refuse
    /// renegotiation with a warning no_renegotiation (RFC 5746 4.5 allows declining).
    fn intercept(
        &mut self,
        common: &mut Common,
        input: Input<'_>,
    ) -> Option<Result<Vec<Action>, HandshakeError>> {
        let Input::Handshake(bytes) = input else {
            return None;
        };
        // RFC 8446 4.6: after a TLS 1.3 handshake, the post-handshake messages; during one,
        // the table alone decides (TLS 1.3 has no HelloRequest).
        if common.tls13 {
            return common
                .summary
                .is_some()
                .then(|| self.post_input13(common, bytes));
        }
        if bytes.first() != Some(&HandshakeType::HelloRequest.to_u8()) {
            return None;
        }
        Some(
            HandshakeMessage::parse(bytes, &Default::default())
                .map_err(HandshakeError::from)
                .and_then(|_| {
                    if common.summary.is_some() {
                        common.refuse_renegotiation()
                    } else {
                        Ok(Vec::new())
                    }
                }),
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
            (
                Msg::ServerHello,
                HandshakePayload::ServerHello(sh),
                Phase::AwaitServerHello(offered),
            ) => self.receive_server_hello(common, sh, m.raw(), *offered, actions)?,
            (msg, _, Phase::Tls13(c)) => self.receive13(common, msg, m, c, actions)?,
            (Msg::Certificate, HandshakePayload::Certificate(c), Phase::AwaitCertificate(h)) => {
                Phase::Certified(Box::new(self.receive_certificate(c, *h)?))
            }
            (
                Msg::ServerKeyExchange,
                HandshakePayload::ServerKeyExchange(ske),
                Phase::Certified(mut certified),
            ) => {
                let ClientKx::AwaitShare(key) = &certified.kx else {
                    return Err(out_of_phase(msg, &Phase::Certified(certified)));
                };
                certified.kx = self.receive_server_key_exchange(common, ske, key)?;
                Phase::Certified(certified)
            }
            (
                Msg::CertificateRequest,
                HandshakePayload::CertificateRequest(cr),
                Phase::Certified(mut certified),
            ) => {
                certified.request = Some(cr.clone());
                Phase::Certified(certified)
            }
            (Msg::ServerHelloDone, HandshakePayload::ServerHelloDone, p @ Phase::Certified(_)) => p,
            // ---- NewSessionTicket (RFC 5077 3.3) ----
            (
                Msg::NewSessionTicket,
                HandshakePayload::NewSessionTicket(nst),
                p @ Phase::Keyed(_),
            ) => {
                // An empty ticket: the server changed its mind (RFC 5077 3.3).
                self.new_ticket = Some(nst.ticket.clone()).filter(|t| !t.is_empty());
                p
            }
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
            (Msg::ClientHello, Phase::Start) => self.send_client_hello(common, actions)?,
            (Msg::ClientHello, Phase::Retry(offered)) => {
                self.send_second_hello(common, offered, actions)?
            }
            (msg, Phase::Tls13(c)) => self.send13(common, msg, c, actions)?,
            (Msg::Certificate, Phase::Certified(mut certified)) => {
                self.send_certificate(common, &mut certified, actions)?;
                Phase::Certified(certified)
            }
            (Msg::ClientKeyExchange, Phase::Certified(certified)) => {
                self.send_client_key_exchange(common, *certified, actions)?
            }
            (Msg::CertificateVerify, Phase::AwaitSignature(mut keyed, client)) => {
                self.send_certificate_verify(common, &client, actions)?;
                keyed.client_signature = Some(client.scheme);
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
            Phase::Tls13(c) => {
                let (summary, phase) = self.complete13(common, kind, *c);
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
        _common: &mut Common,
        request: crate::action::PostHandshakeRequest,
    ) -> Result<Vec<Action>, HandshakeError> {
        self.post_request13(request)
    }

    fn post_handshake_allowed(
        &self,
        _common: &Common,
        request: crate::action::PostHandshakeRequest,
    ) -> Result<(), HandshakeError> {
        self.post_allowed13(request)
    }

    fn forget_session(&self) {
        let (Some(store), Some(name)) = (&self.config.session_store, self.server_name.as_deref())
        else {
            return;
        };
        // The session this connection made, or the one it offered; not one that another
        // connection kept meanwhile.
        let key = self.config.session_key(name);
        store.forget_tls12(&key, &self.session_id);
        if let Some(offered) = &self.offered_session {
            store.forget_tls12(&key, &offered.session_id);
        }
    }
}
