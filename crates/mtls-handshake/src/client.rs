//! The client state machine: one straight-line handler per message, in the order of the
//! table in [`crate::sequence`]. Each handler checks what it receives and picks the alert
//! where it checks.

use std::sync::Arc;

use mtls_crypto::kx::{ActiveKeyExchange, KeyExchange, NamedGroup};
use mtls_crypto::rsa_kx::encrypt_premaster;
use mtls_crypto::signature::{SignatureAlgorithm, VerifyingKey};
use mtls_crypto::{OsRng, SecureRandom};
use mtls_prf::{extended_master_secret, master_secret};
use mtls_wire::extensions::{Extension, Extensions, ProtocolName, ServerName};
use mtls_wire::handshake::{
    CertificateMsg, CertificateRequest, ClientHello, ClientKeyExchange, DigitallySigned,
    HandshakeMessage, HandshakePayload, KeyExchangeAlgorithm, ServerHello, ServerKeyExchange,
    SessionId,
};
use mtls_wire::{
    AlertDescription, CipherSuite, CompressionMethod, ECPointFormat, ExtensionType, HandshakeType,
    ProtocolVersion,
};
use zeroize::Zeroizing;

use crate::action::{Action, Input};
use crate::certs::{
    CertificateDer, CertificateRequestInfo, CertifiedKey, choose_scheme, key_type_of,
    leaf_public_key,
};
use crate::common::{self, Common, HandshakeSummary, Role, our_scheme, wire_group, wire_scheme};
use crate::config::ClientConfig;
use crate::error::{HandshakeError, crypto};
use crate::sequence::{Fact, Kind, Msg, Side};
use crate::session::StoredSession;
use crate::suites::SupportedSuite;

/// A TLS 1.2 client handshake, sans IO: feed it what the server sent ([`Input`]), perform
/// the [`Action`]s it returns, in order.
pub struct ClientHandshake {
    config: Arc<ClientConfig>,
    common: Common,
    rng: Box<dyn SecureRandom + Send>,
    /// What we connect to: a DNS name (sent as SNI) or an IP address (not sent, RFC 6066 3).
    server_name: Option<String>,
    /// The session we try to resume.
    offered_session: Option<Arc<StoredSession>>,
    offered_extensions: Vec<ExtensionType>,
    session_id: Vec<u8>,
    server_chain: Vec<CertificateDer>,
    server_key: Option<VerifyingKey>,
    server_kx: Option<(NamedGroup, Vec<u8>)>,
    server_signature: Option<SignatureAlgorithm>,
    cert_request: Option<CertificateRequest>,
    client_cert: Option<(Arc<CertifiedKey>, SignatureAlgorithm)>,
    alpn: Option<Vec<u8>>,
}

impl ClientHandshake {
    /// Starts a handshake to `server_name` with OS randomness; the returned actions carry
    /// the ClientHello.
    pub fn new(
        config: Arc<ClientConfig>,
        server_name: Option<&str>,
    ) -> Result<(Self, Vec<Action>), HandshakeError> {
        Self::with_rng(config, server_name, Box::new(OsRng))
    }

    /// As [`ClientHandshake::new`], with an injected random source (deterministic tests).
    pub fn with_rng(
        config: Arc<ClientConfig>,
        server_name: Option<&str>,
        rng: Box<dyn SecureRandom + Send>,
    ) -> Result<(Self, Vec<Action>), HandshakeError> {
        let mut hs = Self {
            config,
            common: Common::new(Side::Client),
            rng,
            server_name: server_name.map(str::to_string),
            offered_session: None,
            offered_extensions: Vec::new(),
            session_id: Vec::new(),
            server_chain: Vec::new(),
            server_key: None,
            server_kx: None,
            server_signature: None,
            cert_request: None,
            client_cert: None,
            alpn: None,
        };
        let mut actions = Vec::new();
        common::run_sends(&mut hs, &mut actions)?;
        Ok((hs, actions))
    }

    /// Processes one input and returns what to do. After an error the handshake is dead:
    /// send the error's alert and close; later calls return the same error.
    pub fn handle(&mut self, input: Input<'_>) -> Result<Vec<Action>, HandshakeError> {
        self.common.alive()?;
        let result = self.handle_inner(input);
        self.common.remember(result)
    }

    /// True once the handshake is complete.
    pub fn is_complete(&self) -> bool {
        self.common.summary.is_some()
    }

    /// The negotiated parameters, once complete.
    pub fn summary(&self) -> Option<&HandshakeSummary> {
        self.common.summary.as_ref()
    }

    /// The kinds of handshake still possible (one, once the sequence is known).
    pub fn candidate_kinds(&self) -> Vec<Kind> {
        self.common.flow.candidates()
    }

    /// Forgets the session this connection offered, made or resumed: call it when the
    /// connection ends with a fatal alert, sent or received (RFC 5246 7.2.2: such a session
    /// must not be resumed).
    pub fn forget_session(&self) {
        let (Some(store), Some(name)) = (&self.config.session_store, self.server_name.as_deref())
        else {
            return;
        };
        let offered = self
            .offered_session
            .as_ref()
            .map(|s| s.session_id.as_slice());
        if let Some(kept) = store.get(name, self.config.time.now())
            && (kept.session_id == self.session_id || Some(kept.session_id.as_slice()) == offered)
        {
            store.remove(name);
        }
    }

    fn handle_inner(&mut self, input: Input<'_>) -> Result<Vec<Action>, HandshakeError> {
        if let Input::Handshake(bytes) = input
            && bytes.first() == Some(&HandshakeType::HelloRequest.to_u8())
        {
            return self.hello_request(bytes);
        }
        if self.is_complete() {
            return Err(HandshakeError::unexpected(
                "handshake message after the handshake completed",
            ));
        }
        common::drive(self, input)
    }

    /// RFC 5246 7.4.1.1: during a handshake a HelloRequest is ignored; afterwards we refuse
    /// renegotiation with a warning no_renegotiation (RFC 5746 4.5 allows declining).
    fn hello_request(&mut self, bytes: &[u8]) -> Result<Vec<Action>, HandshakeError> {
        HandshakeMessage::parse(bytes, &Default::default())?;
        if self.is_complete() {
            self.common.refuse_renegotiation()
        } else {
            Ok(Vec::new())
        }
    }

    /// The name as SNI: DNS names only, never IP literals (RFC 6066 3).
    fn sni(&self) -> Option<&str> {
        self.server_name
            .as_deref()
            .filter(|n| n.parse::<std::net::IpAddr>().is_err())
    }

    // ---- ClientHello (RFC 5246 7.4.1.2) ----

    fn send_client_hello(&mut self, actions: &mut Vec<Action>) -> Result<(), HandshakeError> {
        let config = Arc::clone(&self.config);
        self.rng
            .fill(&mut self.common.client_random)
            .map_err(|e| crypto("client random", e))?;

        // Resume the last session with this server, if we kept one. Sessions are kept by
        // the name connected to, an IP address included (which is never sent as SNI).
        let now = config.time.now();
        self.offered_session = match (&config.session_store, self.server_name.as_deref()) {
            (Some(store), Some(name)) => store.get(name, now),
            _ => None,
        };
        let session_id = self
            .offered_session
            .as_ref()
            .and_then(|s| SessionId::new(&s.session_id))
            .unwrap_or_default();

        let suites: Vec<&SupportedSuite> = config.usable_suites().collect();
        if suites.is_empty() {
            return Err(HandshakeError::internal("no cipher suites configured"));
        }
        let mut cipher_suites: Vec<CipherSuite> = suites.iter().map(|s| s.suite).collect();
        // RFC 5746 3.4: signal secure renegotiation support with the SCSV.
        cipher_suites.push(CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV);

        let mut ext = Vec::new();
        if let Some(name) = self.sni() {
            ext.push(Extension::ServerName(vec![ServerName::HostName(
                name.as_bytes().to_vec(),
            )]));
        }
        if suites.iter().any(|s| s.kx == KeyExchangeAlgorithm::Ecdhe) {
            // RFC 8422 5.1: the groups we can do ECDHE on, and uncompressed points only.
            ext.push(Extension::SupportedGroups(
                config.groups.iter().map(|g| wire_group(*g)).collect(),
            ));
            ext.push(Extension::EcPointFormats(vec![ECPointFormat::Uncompressed]));
        }
        ext.push(Extension::SignatureAlgorithms(
            config
                .signature_schemes
                .iter()
                .map(|s| wire_scheme(*s))
                .collect(),
        ));
        if !config.alpn_protocols.is_empty() {
            ext.push(Extension::Alpn(
                config
                    .alpn_protocols
                    .iter()
                    .map(|p| ProtocolName(p.clone()))
                    .collect(),
            ));
        }
        // RFC 7627 5.1: always offer the extended master secret.
        ext.push(Extension::ExtendedMasterSecret);
        self.offered_extensions = ext.iter().map(Extension::typ).collect();
        // The server answers the SCSV with renegotiation_info (RFC 5746 3.6).
        self.offered_extensions
            .push(ExtensionType::RenegotiationInfo);

        let hello = ClientHello {
            client_version: ProtocolVersion::TLSv1_2,
            random: self.common.client_random,
            session_id,
            cipher_suites,
            compression_methods: vec![CompressionMethod::Null],
            extensions: Extensions::new(ext),
        };
        self.common
            .emit(HandshakePayload::ClientHello(hello), actions);
        Ok(())
    }

    // ---- ServerHello (RFC 5246 7.4.1.3) ----

    fn receive_server_hello(&mut self, sh: &ServerHello) -> Result<(), HandshakeError> {
        if sh.server_version != ProtocolVersion::TLSv1_2 {
            return Err(HandshakeError::new(
                AlertDescription::ProtocolVersion,
                format!(
                    "the server chose {:?}; this client speaks only TLS 1.2",
                    sh.server_version
                ),
            ));
        }
        let suite = SupportedSuite::find(sh.cipher_suite)
            .filter(|s| self.config.usable_suites().any(|u| u.suite == s.suite))
            .ok_or_else(|| {
                HandshakeError::new(
                    AlertDescription::IllegalParameter,
                    format!(
                        "the server chose {:?}, which was not offered",
                        sh.cipher_suite
                    ),
                )
            })?;
        if sh.compression_method != CompressionMethod::Null {
            return Err(HandshakeError::new(
                AlertDescription::IllegalParameter,
                "the server chose a compression method; only null was offered",
            ));
        }
        // RFC 5246 7.4.1.4: a server must not send an extension the client did not offer.
        if let Some(e) = sh
            .extensions
            .iter()
            .find(|e| !self.offered_extensions.contains(&e.typ()))
        {
            return Err(HandshakeError::new(
                AlertDescription::UnsupportedExtension,
                format!("the server sent the unsolicited extension {:?}", e.typ()),
            ));
        }
        // RFC 5746 3.4: on an initial handshake renegotiated_connection must be empty.
        if sh
            .extensions
            .renegotiation_info()
            .is_some_and(|r| !r.is_empty())
        {
            return Err(HandshakeError::new(
                AlertDescription::HandshakeFailure,
                "non-empty renegotiation_info on an initial handshake (RFC 5746 3.4)",
            ));
        }
        let ems = sh.extensions.has_ems();
        if !ems && self.config.require_ems {
            return Err(HandshakeError::new(
                AlertDescription::HandshakeFailure,
                "the server does not support extended master secret (RFC 7627), which this client requires",
            ));
        }
        if let Some(list) = sh.extensions.alpn() {
            let chosen = list.first().map(|p| p.0.clone()).unwrap_or_default();
            if list.len() != 1 || !self.config.alpn_protocols.contains(&chosen) {
                return Err(HandshakeError::new(
                    AlertDescription::IllegalParameter,
                    "the server chose an ALPN protocol that was not offered (RFC 7301 3.2)",
                ));
            }
            self.alpn = Some(chosen);
        }
        if let Some(formats) = sh.extensions.ec_point_formats()
            && !formats.contains(&ECPointFormat::Uncompressed)
        {
            return Err(HandshakeError::new(
                AlertDescription::IllegalParameter,
                "the server does not accept uncompressed points (RFC 8422 5.2)",
            ));
        }

        self.common.server_random = sh.random;
        self.common.ems = ems;
        self.common.suite = Some(suite);
        self.common.transcript.start_hash(suite.prf);
        self.session_id = sh.session_id.as_slice().to_vec();

        let resumed = self
            .offered_session
            .as_ref()
            .filter(|s| !s.session_id.is_empty() && s.session_id == self.session_id)
            .cloned();
        match resumed {
            Some(session) => {
                if session.suite != suite.suite {
                    return Err(HandshakeError::new(
                        AlertDescription::IllegalParameter,
                        "the server resumed a session with a different cipher suite",
                    ));
                }
                // RFC 7627 5.3: the EMS status of a resumed session must not change.
                if session.extended_master_secret != ems {
                    return Err(HandshakeError::new(
                        AlertDescription::HandshakeFailure,
                        "the server resumed a session with a different extended master secret status (RFC 7627 5.3)",
                    ));
                }
                self.common.learn(Fact::Resumption(true))?;
                self.server_chain = session.peer_certificates.clone();
                // ALPN is what this ServerHello says, never the session's (RFC 7301 3.1).
                self.install_master(session.master_secret())?;
            }
            None => {
                self.common.learn(Fact::Resumption(false))?;
                self.common.learn(Fact::KeyExchange(suite.kx))?;
            }
        }
        Ok(())
    }

    fn install_master(&mut self, master: mtls_prf::MasterSecret) -> Result<(), HandshakeError> {
        if let Some(log) = &self.config.key_log {
            log.log(
                "CLIENT_RANDOM",
                &self.common.client_random,
                master.as_bytes(),
            );
        }
        self.common.set_master_secret(master)
    }

    // ---- server Certificate (RFC 5246 7.4.2) ----

    fn receive_certificate(&mut self, msg: &CertificateMsg) -> Result<(), HandshakeError> {
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
            .map_err(|e| HandshakeError::certificate_refused("server", e))?;
        let key = leaf_public_key(leaf)?;
        let suite = self.common.suite()?;
        if key_type_of(key.schemes()) != suite.auth
            || (suite.kx == KeyExchangeAlgorithm::Rsa && key.as_rsa().is_none())
        {
            return Err(HandshakeError::new(
                AlertDescription::UnsupportedCertificate,
                format!(
                    "the server's certificate key cannot be used with {}",
                    suite.name()
                ),
            ));
        }
        self.server_chain = chain.clone();
        self.server_key = Some(key);
        Ok(())
    }

    // ---- ServerKeyExchange (RFC 5246 7.4.3, RFC 8422 5.4) ----

    fn receive_server_key_exchange(
        &mut self,
        ske: &ServerKeyExchange,
    ) -> Result<(), HandshakeError> {
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
        let key = self
            .server_key
            .as_ref()
            .ok_or_else(|| HandshakeError::internal("no server key"))?;
        if !key.schemes().contains(&scheme) {
            return Err(HandshakeError::new(
                AlertDescription::IllegalParameter,
                format!("{scheme:?} does not fit the server certificate's key"),
            ));
        }
        // RFC 8422 5.4: the signature covers both randoms and the ECDH parameters.
        let signed = ske.signed_message(&self.common.client_random, &self.common.server_random);
        key.verify(scheme, &signed, &ske.signature.signature)
            .map_err(|e| crypto("ServerKeyExchange signature", e))?;
        self.server_kx = Some((group, ske.params.public.clone()));
        self.server_signature = Some(scheme);
        Ok(())
    }

    // ---- client Certificate (RFC 5246 7.4.6) ----

    fn send_certificate(&mut self, actions: &mut Vec<Action>) -> Result<(), HandshakeError> {
        let request = self
            .cert_request
            .as_ref()
            .ok_or_else(|| HandshakeError::internal("Certificate without a request"))?;
        let info = CertificateRequestInfo {
            ca_names: &request.certificate_authorities,
            signature_schemes: &request.supported_signature_algorithms,
            certificate_types: &request.certificate_types,
        };
        let chosen = self
            .config
            .cert_resolver
            .as_ref()
            .and_then(|r| r.resolve(&info))
            .and_then(|ck| {
                // Among what the server accepts and the key can do.
                let scheme = choose_scheme(
                    &ck.key,
                    &self.config.signature_schemes,
                    &request.supported_signature_algorithms,
                )?;
                Some((ck, scheme))
            });
        let chain = chosen
            .as_ref()
            .map(|(ck, _)| ck.chain.clone())
            .unwrap_or_default();
        let given = !chain.is_empty();
        self.common.learn(Fact::ClientCertificate(given))?;
        if let Some((_, scheme)) = chosen.as_ref().filter(|_| given) {
            // Only this scheme's hash is needed from here on.
            self.common
                .transcript
                .start_signature_hashes([scheme.hash()]);
        }
        self.client_cert = chosen;
        self.common.emit(
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
        actions: &mut Vec<Action>,
    ) -> Result<(), HandshakeError> {
        let suite = self.common.suite()?;
        let premaster = match suite.kx {
            KeyExchangeAlgorithm::Ecdhe => {
                let (group, server_public) = self
                    .server_kx
                    .as_ref()
                    .ok_or_else(|| HandshakeError::internal("no server key share"))?;
                let kx = KeyExchange::start(*group, &mut *self.rng)
                    .map_err(|e| crypto("key generation", e))?;
                let public = kx.public_key().to_vec();
                let shared = kx
                    .complete(server_public)
                    .map_err(|e| crypto("the server's ECDHE public key", e))?;
                self.common.emit(
                    HandshakePayload::ClientKeyExchange(ClientKeyExchange::Ecdhe(public)),
                    actions,
                );
                Zeroizing::new(shared.expose().to_vec())
            }
            KeyExchangeAlgorithm::Rsa => {
                let rsa = self
                    .server_key
                    .as_ref()
                    .and_then(VerifyingKey::as_rsa)
                    .ok_or_else(|| HandshakeError::internal("no RSA server key"))?;
                // RFC 5246 7.4.7.1: the version is the one we offered in ClientHello.
                let (pms, encrypted) = encrypt_premaster(&mut *self.rng, rsa, [3, 3])
                    .map_err(|e| crypto("premaster encryption", e))?;
                self.common.emit(
                    HandshakePayload::ClientKeyExchange(ClientKeyExchange::Rsa(encrypted)),
                    actions,
                );
                Zeroizing::new(pms.expose().to_vec())
            }
        };
        let master = if self.common.ems {
            // RFC 7627 3: the session hash covers ClientHello .. ClientKeyExchange.
            let hash = self
                .common
                .transcript
                .current_hash()
                .ok_or_else(|| HandshakeError::internal("no transcript hash"))?;
            extended_master_secret(suite.prf, &premaster, hash.as_slice())
        } else {
            master_secret(
                suite.prf,
                &premaster,
                &self.common.client_random,
                &self.common.server_random,
            )
        };
        self.install_master(master)
    }

    // ---- CertificateVerify (RFC 5246 7.4.8) ----

    fn send_certificate_verify(&mut self, actions: &mut Vec<Action>) -> Result<(), HandshakeError> {
        let (ck, scheme) = self
            .client_cert
            .as_ref()
            .ok_or_else(|| HandshakeError::internal("CertificateVerify without a certificate"))?;
        // The signature covers every handshake message so far, hashed with the scheme's hash.
        let digest = self
            .common
            .transcript
            .signature_digest(scheme.hash())
            .ok_or_else(|| HandshakeError::internal("no transcript hash for CertificateVerify"))?;
        let signature = ck
            .key
            .sign_prehashed(*scheme, &digest, &mut *self.rng)
            .map_err(|e| crypto("CertificateVerify signature", e))?;
        let scheme = *scheme;
        self.common.emit(
            HandshakePayload::CertificateVerify(DigitallySigned {
                scheme: wire_scheme(scheme),
                signature,
            }),
            actions,
        );
        Ok(())
    }

    // ---- done ----

    fn finish(&mut self, actions: &mut Vec<Action>) -> Result<(), HandshakeError> {
        let kind = self.common.kind()?;
        let suite = *self.common.suite()?;
        if kind != Kind::Resumed
            && !self.session_id.is_empty()
            && let (Some(store), Some(name), Some(master)) = (
                &self.config.session_store,
                self.server_name.as_deref(),
                &self.common.master,
            )
        {
            store.put(
                name,
                Arc::new(StoredSession::new(
                    self.session_id.clone(),
                    suite.suite,
                    master,
                    self.common.ems,
                    self.server_chain.clone(),
                    self.sni().map(str::to_string),
                    self.config.time.now(),
                )),
            );
        }
        self.common.summary = Some(HandshakeSummary {
            version: ProtocolVersion::TLSv1_2,
            suite,
            kind,
            group: self.server_kx.as_ref().map(|(g, _)| *g),
            server_signature: self.server_signature,
            client_signature: self.client_cert.as_ref().map(|(_, s)| *s),
            extended_master_secret: self.common.ems,
            resumed: kind == Kind::Resumed,
            session_id: self.session_id.clone(),
            // Moved, not copied: the summary is where the chain lives from now on.
            peer_certificates: std::mem::take(&mut self.server_chain),
            alpn: self.alpn.clone(),
            server_name: self.server_name.clone(),
            client_random: self.common.client_random,
            server_random: self.common.server_random,
        });
        actions.push(Action::Complete);
        Ok(())
    }
}

impl Role for ClientHandshake {
    fn common(&mut self) -> &mut Common {
        &mut self.common
    }

    fn receive(&mut self, msg: Msg, m: &HandshakeMessage) -> Result<(), HandshakeError> {
        match (msg, m.payload()) {
            (Msg::ServerHello, HandshakePayload::ServerHello(sh)) => self.receive_server_hello(sh),
            (Msg::Certificate, HandshakePayload::Certificate(c)) => self.receive_certificate(c),
            (Msg::ServerKeyExchange, HandshakePayload::ServerKeyExchange(ske)) => {
                self.receive_server_key_exchange(ske)
            }
            (Msg::CertificateRequest, HandshakePayload::CertificateRequest(cr)) => {
                self.cert_request = Some(cr.clone());
                Ok(())
            }
            (Msg::ServerHelloDone, HandshakePayload::ServerHelloDone) => Ok(()),
            (Msg::Finished, HandshakePayload::Finished(_)) => self.common.receive_finished(m),
            _ => Err(HandshakeError::unexpected(format!(
                "a server does not send {msg:?}"
            ))),
        }
    }

    fn send(&mut self, msg: Msg, actions: &mut Vec<Action>) -> Result<(), HandshakeError> {
        match msg {
            Msg::ClientHello => self.send_client_hello(actions),
            Msg::Certificate => self.send_certificate(actions),
            Msg::ClientKeyExchange => self.send_client_key_exchange(actions),
            Msg::CertificateVerify => self.send_certificate_verify(actions),
            Msg::ChangeCipherSpec => self.common.send_change_cipher_spec(actions),
            Msg::Finished => self.common.send_finished(actions),
            other => Err(HandshakeError::internal(format!(
                "a client does not send {other:?}"
            ))),
        }
    }

    fn complete(&mut self, actions: &mut Vec<Action>) -> Result<(), HandshakeError> {
        self.finish(actions)
    }
}
