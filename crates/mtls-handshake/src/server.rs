//! The server state machine: one straight-line handler per message, in the order of the
//! table in [`crate::sequence`]. Negotiation happens in one place, the ClientHello handler.

use std::sync::Arc;

use mtls_crypto::kx::{ActiveKeyExchange, KeyExchange, NamedGroup};
use mtls_crypto::rsa_kx::decrypt_premaster;
use mtls_crypto::signature::{SignatureAlgorithm, VerifyingKey};
use mtls_crypto::{OsRng, SecureRandom};
use mtls_prf::{MasterSecret, extended_master_secret, master_secret};
use mtls_wire::extensions::{Extension, Extensions, ProtocolName};
use mtls_wire::handshake::{
    CertificateMsg, CertificateRequest, ClientHello, ClientKeyExchange, DigitallySigned,
    DistinguishedName, EcdheServerKeyExchange, HandshakeMessage, HandshakePayload,
    KeyExchangeAlgorithm, ServerEcdhParams, ServerHello, ServerKeyExchange, SessionId,
};
use mtls_wire::{
    AlertDescription, CipherSuite, ClientCertificateType, CompressionMethod, ECPointFormat,
    HandshakeType, ProtocolVersion,
};

use crate::action::{Action, Input};
use crate::certs::{CertificateDer, CertifiedKey, ClientHelloInfo, choose_scheme, leaf_public_key};
use crate::common::{self, Common, HandshakeSummary, Role, our_scheme, wire_group, wire_scheme};
use crate::config::{ClientAuthPolicy, ServerConfig, SuitePreference};
use crate::error::{HandshakeError, crypto};
use crate::sequence::{Fact, Kind, Msg, Side};
use crate::session::StoredSession;
use crate::suites::SupportedSuite;

/// A TLS 1.2 server handshake, sans IO: feed it what the client sent ([`Input`]), perform the
/// [`Action`]s it returns, in order.
pub struct ServerHandshake {
    config: Arc<ServerConfig>,
    common: Common,
    rng: Box<dyn SecureRandom + Send>,
    client_version: [u8; 2],
    /// RFC 5746: the client signalled secure renegotiation (SCSV or empty extension).
    secure_renegotiation: bool,
    client_sent_point_formats: bool,
    server_name: Option<String>,
    alpn: Option<Vec<u8>>,
    certified: Option<Arc<CertifiedKey>>,
    group: Option<NamedGroup>,
    kx: Option<KeyExchange>,
    server_signature: Option<SignatureAlgorithm>,
    resumed: Option<Arc<StoredSession>>,
    session_id: Vec<u8>,
    /// The client's chain as received; its identity only once CertificateVerify verified.
    client_chain: Vec<CertificateDer>,
    client_key: Option<VerifyingKey>,
    client_signature: Option<SignatureAlgorithm>,
    verified_client_chain: Vec<CertificateDer>,
}

impl ServerHandshake {
    /// A server handshake waiting for a ClientHello, with OS randomness.
    pub fn new(config: Arc<ServerConfig>) -> Self {
        Self::with_rng(config, Box::new(OsRng))
    }

    /// As [`ServerHandshake::new`], with an injected random source (deterministic tests).
    pub fn with_rng(config: Arc<ServerConfig>, rng: Box<dyn SecureRandom + Send>) -> Self {
        Self {
            config,
            common: Common::new(Side::Server),
            rng,
            client_version: [3, 3],
            secure_renegotiation: false,
            client_sent_point_formats: false,
            server_name: None,
            alpn: None,
            certified: None,
            group: None,
            kx: None,
            server_signature: None,
            resumed: None,
            session_id: Vec::new(),
            client_chain: Vec::new(),
            client_key: None,
            client_signature: None,
            verified_client_chain: Vec::new(),
        }
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

    /// Forgets this connection's session, the one it made or the one it resumed: call it
    /// when the connection ends with a fatal alert, sent or received (RFC 5246 7.2.2: such a
    /// session must not be resumed).
    pub fn forget_session(&self) {
        if let Some(cache) = &self.config.session_cache
            && !self.session_id.is_empty()
        {
            cache.remove(&self.session_id);
        }
    }

    fn handle_inner(&mut self, input: Input<'_>) -> Result<Vec<Action>, HandshakeError> {
        if self.is_complete() {
            return self.after_completion(input);
        }
        common::drive(self, input)
    }

    /// A ClientHello after the handshake is a renegotiation attempt: refused with a warning
    /// no_renegotiation, and the connection goes on (RFC 5746 4.4, RFC 5246 7.2.2).
    fn after_completion(&mut self, input: Input<'_>) -> Result<Vec<Action>, HandshakeError> {
        if let Input::Handshake(bytes) = input
            && bytes.first() == Some(&HandshakeType::ClientHello.to_u8())
        {
            HandshakeMessage::parse(bytes, &Default::default())?;
            return self.common.refuse_renegotiation();
        }
        Err(HandshakeError::unexpected(
            "handshake message after the handshake completed",
        ))
    }

    // ---- ClientHello (RFC 5246 7.4.1.2): all negotiation happens here ----

    fn receive_client_hello(&mut self, ch: &ClientHello) -> Result<(), HandshakeError> {
        let config = Arc::clone(&self.config);

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
        self.client_version = version.to_be_bytes();

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
        self.secure_renegotiation = reneg_ext.is_some()
            || ch
                .cipher_suites
                .contains(&CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV);

        // RFC 7627 5.1 / 5.2.
        let client_ems = ch.extensions.has_ems();
        if !client_ems && config.require_ems {
            return Err(HandshakeError::new(
                AlertDescription::HandshakeFailure,
                "the client does not support extended master secret (RFC 7627), which this server requires",
            ));
        }
        self.common.ems = client_ems;

        // SNI (RFC 6066 3): a DNS host name, never an IP literal or anything else.
        if let Some(name) = ch.extensions.server_name() {
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
            self.server_name = Some(name.to_ascii_lowercase());
        }

        // ALPN (RFC 7301 3.2): our preference among theirs; no overlap is fatal.
        if let Some(offered) = ch.extensions.alpn()
            && !config.alpn_protocols.is_empty()
        {
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
            self.alpn = Some(chosen.clone());
        }

        // RFC 8422 5.1.2: a client that lists point formats must include uncompressed.
        if let Some(formats) = ch.extensions.ec_point_formats() {
            if !formats.contains(&ECPointFormat::Uncompressed) {
                return Err(HandshakeError::new(
                    AlertDescription::IllegalParameter,
                    "the client does not accept uncompressed points (RFC 8422 5.1.2)",
                ));
            }
            self.client_sent_point_formats = true;
        }

        self.common.client_random = ch.random;
        self.rng
            .fill(&mut self.common.server_random)
            .map_err(|e| crypto("server random", e))?;

        if let Some(session) = self.resumable_session(ch)? {
            let suite = SupportedSuite::find(session.suite)
                .ok_or_else(|| HandshakeError::internal("stored session has an unknown suite"))?;
            self.common.suite = Some(suite);
            self.common.transcript.start_hash(suite.prf);
            self.common.learn(Fact::Resumption(true))?;
            self.session_id = session.session_id.clone();
            self.verified_client_chain = session.peer_certificates.clone();
            self.install_master(session.master_secret())?;
            self.resumed = Some(session);
            return Ok(());
        }

        let suite = self.choose_suite(ch)?;
        self.common.suite = Some(suite);
        self.common.transcript.start_hash(suite.prf);
        let request = config.client_auth != ClientAuthPolicy::None;
        if request {
            // The CertificateRequest offers these schemes; the client's CertificateVerify may
            // use any of their hashes.
            self.common
                .transcript
                .start_signature_hashes(self.config.signature_schemes.iter().map(|s| s.hash()));
        }
        self.common.learn(Fact::Resumption(false))?;
        self.common.learn(Fact::KeyExchange(suite.kx))?;
        self.common.learn(Fact::ClientAuth(request))?;
        if config.session_cache.is_some() {
            let mut id = vec![0u8; 32];
            self.rng
                .fill(&mut id)
                .map_err(|e| crypto("session id", e))?;
            self.session_id = id;
        }
        Ok(())
    }

    /// The cached session this ClientHello may resume. A full handshake follows when a rule
    /// says the session may not be resumed; a ClientHello that breaks a rule for resuming
    /// the session it names is an error.
    fn resumable_session(
        &self,
        ch: &ClientHello,
    ) -> Result<Option<Arc<StoredSession>>, HandshakeError> {
        if ch.session_id.is_empty() {
            return Ok(None);
        }
        let Some(cache) = self.config.session_cache.as_ref() else {
            return Ok(None);
        };
        let now = self.config.time.now();
        let Some(session) = cache.get(ch.session_id.as_slice(), now) else {
            return Ok(None);
        };
        // RFC 7627 5.3: a session made with EMS is never resumed without it (abort); one made
        // without it is not resumed by a ClientHello that offers it (full handshake).
        if session.extended_master_secret && !self.common.ems {
            return Err(HandshakeError::new(
                AlertDescription::HandshakeFailure,
                "the client resumes a session made with extended master secret without offering it (RFC 7627 5.3)",
            ));
        }
        if session.extended_master_secret != self.common.ems {
            return Ok(None);
        }
        // A suite this server no longer allows: a full handshake.
        if !self
            .config
            .usable_suites()
            .any(|s| s.suite == session.suite)
        {
            return Ok(None);
        }
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
        if session.server_name != self.server_name {
            return Ok(None);
        }
        // The client's identity must still pass today's policy and validity check.
        let client_ok = match (
            self.config.client_auth,
            session.peer_certificates.is_empty(),
        ) {
            (ClientAuthPolicy::Required, true) => false,
            (ClientAuthPolicy::Optional | ClientAuthPolicy::Required, false) => {
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
        };
        Ok(client_ok.then_some(session))
    }

    /// Picks the suite, certificate, group and signature scheme (RFC 5246 7.4.1.2, RFC 8422
    /// 5.1, RFC 5246 7.4.1.4.1); none that fits is `handshake_failure`.
    fn choose_suite(
        &mut self,
        ch: &ClientHello,
    ) -> Result<&'static SupportedSuite, HandshakeError> {
        let config = Arc::clone(&self.config);
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
        let info = ClientHelloInfo {
            server_name: self.server_name.as_deref(),
            signature_schemes: client_schemes,
            cipher_suites: &ch.cipher_suites,
        };
        for suite in candidates {
            let Some(certified) = config.cert_resolver.resolve(&info, suite.auth) else {
                continue;
            };
            match suite.kx {
                KeyExchangeAlgorithm::Ecdhe => {
                    let Some(group) = group else { continue };
                    let Some(scheme) =
                        choose_scheme(&certified.key, &config.signature_schemes, client_schemes)
                    else {
                        continue;
                    };
                    self.group = Some(group);
                    self.server_signature = Some(scheme);
                }
                KeyExchangeAlgorithm::Rsa => {
                    if certified.key.as_rsa().is_none() {
                        continue;
                    }
                }
            }
            self.certified = Some(certified);
            return SupportedSuite::find(suite.suite)
                .ok_or_else(|| HandshakeError::internal("suite table mismatch"));
        }
        Err(HandshakeError::new(
            AlertDescription::HandshakeFailure,
            "no cipher suite in common that fits this server's certificates, groups and signature schemes",
        ))
    }

    fn install_master(&mut self, master: MasterSecret) -> Result<(), HandshakeError> {
        if let Some(log) = &self.config.key_log {
            log.log(
                "CLIENT_RANDOM",
                &self.common.client_random,
                master.as_bytes(),
            );
        }
        self.common.set_master_secret(master)
    }

    // ---- ServerHello (RFC 5246 7.4.1.3) ----

    fn send_server_hello(&mut self, actions: &mut Vec<Action>) -> Result<(), HandshakeError> {
        let suite = self.common.suite()?;
        let mut ext = Vec::new();
        if self.secure_renegotiation {
            ext.push(Extension::RenegotiationInfo(Vec::new()));
        }
        if self.common.ems {
            ext.push(Extension::ExtendedMasterSecret);
        }
        if let Some(p) = &self.alpn {
            ext.push(Extension::Alpn(vec![ProtocolName(p.clone())]));
        }
        let resumed = self.resumed.is_some();
        if !resumed && suite.kx == KeyExchangeAlgorithm::Ecdhe && self.client_sent_point_formats {
            ext.push(Extension::EcPointFormats(vec![ECPointFormat::Uncompressed]));
        }
        // RFC 6066 3: acknowledge a used server_name with an empty extension, never on resumption.
        if !resumed && self.server_name.is_some() {
            ext.push(Extension::ServerName(Vec::new()));
        }
        let hello = ServerHello {
            server_version: ProtocolVersion::TLSv1_2,
            random: self.common.server_random,
            session_id: SessionId::new(&self.session_id).unwrap_or_default(),
            cipher_suite: suite.suite,
            compression_method: CompressionMethod::Null,
            extensions: Extensions::new(ext),
        };
        self.common
            .emit(HandshakePayload::ServerHello(hello), actions);
        Ok(())
    }

    fn certified(&self) -> Result<&Arc<CertifiedKey>, HandshakeError> {
        self.certified
            .as_ref()
            .ok_or_else(|| HandshakeError::internal("no certificate chosen"))
    }

    // ---- server Certificate (RFC 5246 7.4.2) ----

    fn send_certificate(&mut self, actions: &mut Vec<Action>) -> Result<(), HandshakeError> {
        let chain = self.certified()?.chain.clone();
        self.common.emit(
            HandshakePayload::Certificate(CertificateMsg {
                certificate_list: chain,
            }),
            actions,
        );
        Ok(())
    }

    // ---- ServerKeyExchange (RFC 8422 5.4) ----

    fn send_server_key_exchange(
        &mut self,
        actions: &mut Vec<Action>,
    ) -> Result<(), HandshakeError> {
        let group = self
            .group
            .ok_or_else(|| HandshakeError::internal("no group chosen"))?;
        let scheme = self
            .server_signature
            .ok_or_else(|| HandshakeError::internal("no signature scheme chosen"))?;
        // A fresh ephemeral key for every handshake.
        let kx =
            KeyExchange::start(group, &mut *self.rng).map_err(|e| crypto("key generation", e))?;
        let mut ske = EcdheServerKeyExchange {
            params: ServerEcdhParams {
                named_curve: wire_group(group),
                public: kx.public_key().to_vec(),
            },
            signature: DigitallySigned {
                scheme: wire_scheme(scheme),
                signature: Vec::new(),
            },
        };
        let signed = ske.signed_message(&self.common.client_random, &self.common.server_random);
        let certified = Arc::clone(self.certified()?);
        ske.signature.signature = certified
            .key
            .sign(scheme, &signed, &mut *self.rng)
            .map_err(|e| crypto("ServerKeyExchange signature", e))?;
        self.kx = Some(kx);
        self.common.emit(
            HandshakePayload::ServerKeyExchange(ServerKeyExchange::Ecdhe(ske)),
            actions,
        );
        Ok(())
    }

    // ---- CertificateRequest (RFC 5246 7.4.4) ----

    fn send_certificate_request(
        &mut self,
        actions: &mut Vec<Action>,
    ) -> Result<(), HandshakeError> {
        let mut names: Vec<DistinguishedName> = Vec::new();
        if let Some(verifier) = &self.config.client_verifier {
            // Cap the CA list: peers refuse oversized messages, and a name list is a hint.
            let mut total = 0usize;
            for dn in verifier.root_hint_subjects() {
                total += dn.as_bytes().len() + 2;
                if total > self.config.max_ca_names_len {
                    break;
                }
                names.push(dn);
            }
        }
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
        self.common
            .emit(HandshakePayload::CertificateRequest(request), actions);
        Ok(())
    }

    // ---- client Certificate (RFC 5246 7.4.6) ----

    fn receive_certificate(&mut self, msg: &CertificateMsg) -> Result<(), HandshakeError> {
        let chain = &msg.certificate_list;
        let Some(leaf) = chain.first() else {
            if self.config.client_auth == ClientAuthPolicy::Required {
                return Err(HandshakeError::new(
                    AlertDescription::HandshakeFailure,
                    "the client sent no certificate but this server requires one",
                ));
            }
            // An empty Certificate: no CertificateVerify follows (RFC 5246 7.4.8).
            return self.common.learn(Fact::ClientCertificate(false));
        };
        if matches!(
            self.config.client_auth,
            ClientAuthPolicy::Optional | ClientAuthPolicy::Required
        ) {
            let verifier = self.config.client_verifier.as_ref().ok_or_else(|| {
                HandshakeError::internal("client authentication configured without a verifier")
            })?;
            verifier
                .verify_client_cert(chain, self.config.time.now())
                .map_err(|e| HandshakeError::certificate_refused("client", e))?;
        }
        self.client_key = Some(leaf_public_key(leaf)?);
        self.client_chain = chain.clone();
        self.common.learn(Fact::ClientCertificate(true))
    }

    // ---- ClientKeyExchange (RFC 5246 7.4.7) ----

    fn receive_client_key_exchange(
        &mut self,
        cke: &ClientKeyExchange,
        raw: &[u8],
    ) -> Result<(), HandshakeError> {
        let suite = self.common.suite()?;
        let premaster: zeroize::Zeroizing<Vec<u8>> = match cke {
            ClientKeyExchange::Ecdhe(point) => {
                let kx = self
                    .kx
                    .take()
                    .ok_or_else(|| HandshakeError::internal("no ephemeral key"))?;
                let shared = kx
                    .complete(point)
                    .map_err(|e| crypto("the client's ECDHE public key", e))?;
                zeroize::Zeroizing::new(shared.expose().to_vec())
            }
            ClientKeyExchange::Rsa(encrypted) => {
                let certified = Arc::clone(self.certified()?);
                let rsa = certified
                    .key
                    .as_rsa()
                    .ok_or_else(|| HandshakeError::internal("static RSA without an RSA key"))?;
                // RFC 5246 7.4.7.1: no error path for a bad premaster, whatever the cause; a
                // wrong one surfaces only as the client's Finished failing to decrypt.
                let pms = decrypt_premaster(rsa, &mut *self.rng, self.client_version, encrypted);
                zeroize::Zeroizing::new(pms.expose().to_vec())
            }
        };
        let master = if self.common.ems {
            // RFC 7627 3: the session hash includes this ClientKeyExchange.
            let hash = self
                .common
                .transcript
                .hash_with(raw)
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

    fn receive_certificate_verify(&mut self, cv: &DigitallySigned) -> Result<(), HandshakeError> {
        // The scheme must be one our CertificateRequest offered and must fit the key.
        let scheme = our_scheme(cv.scheme)
            .filter(|s| self.config.signature_schemes.contains(s))
            .ok_or_else(|| {
                HandshakeError::new(
                    AlertDescription::IllegalParameter,
                    format!(
                        "CertificateVerify uses {:?}, which was not offered",
                        cv.scheme
                    ),
                )
            })?;
        let key = self
            .client_key
            .as_ref()
            .ok_or_else(|| HandshakeError::internal("no client key"))?;
        if !key.schemes().contains(&scheme) {
            return Err(HandshakeError::new(
                AlertDescription::IllegalParameter,
                format!("{scheme:?} does not fit the client certificate's key"),
            ));
        }
        let digest = self
            .common
            .transcript
            .signature_digest(scheme.hash())
            .ok_or_else(|| HandshakeError::internal("no transcript hash for CertificateVerify"))?;
        key.verify_prehashed(scheme, &digest, &cv.signature)
            .map_err(|e| crypto("client CertificateVerify signature", e))?;
        // Only now does the chain become the peer's identity.
        self.verified_client_chain = std::mem::take(&mut self.client_chain);
        self.client_signature = Some(scheme);
        Ok(())
    }

    // ---- done ----

    fn finish(&mut self, actions: &mut Vec<Action>) -> Result<(), HandshakeError> {
        let kind = self.common.kind()?;
        let suite = *self.common.suite()?;
        if kind != Kind::Resumed
            && !self.session_id.is_empty()
            && let (Some(cache), Some(master)) = (&self.config.session_cache, &self.common.master)
        {
            let mut session = StoredSession::new(
                self.session_id.clone(),
                suite.suite,
                master,
                self.common.ems,
                self.verified_client_chain.clone(),
                self.server_name.clone(),
                self.config.time.now(),
            );
            let verified_by_verifier = matches!(
                self.config.client_auth,
                ClientAuthPolicy::Optional | ClientAuthPolicy::Required
            ) && !self.verified_client_chain.is_empty();
            if verified_by_verifier
                && let Some(v) = &self.config.client_verifier
                && let Some(until) = v.verified_until(&self.verified_client_chain)
            {
                session.set_verified_by(v, until);
            }
            cache.put(Arc::new(session));
        }
        self.common.summary = Some(HandshakeSummary {
            version: ProtocolVersion::TLSv1_2,
            suite,
            kind,
            group: self.group.filter(|_| kind.is_ecdhe()),
            server_signature: self.server_signature.filter(|_| kind.is_ecdhe()),
            client_signature: self.client_signature,
            extended_master_secret: self.common.ems,
            resumed: kind == Kind::Resumed,
            session_id: self.session_id.clone(),
            // Moved, not copied: the summary is where the chain lives from now on.
            peer_certificates: std::mem::take(&mut self.verified_client_chain),
            alpn: self.alpn.clone(),
            server_name: self.server_name.clone(),
            client_random: self.common.client_random,
            server_random: self.common.server_random,
        });
        actions.push(Action::Complete);
        Ok(())
    }
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

impl Role for ServerHandshake {
    fn common(&mut self) -> &mut Common {
        &mut self.common
    }

    fn receive(&mut self, msg: Msg, m: &HandshakeMessage) -> Result<(), HandshakeError> {
        match (msg, m.payload()) {
            (Msg::ClientHello, HandshakePayload::ClientHello(ch)) => self.receive_client_hello(ch),
            (Msg::Certificate, HandshakePayload::Certificate(c)) => self.receive_certificate(c),
            (Msg::ClientKeyExchange, HandshakePayload::ClientKeyExchange(cke)) => {
                self.receive_client_key_exchange(cke, m.raw())
            }
            (Msg::CertificateVerify, HandshakePayload::CertificateVerify(cv)) => {
                self.receive_certificate_verify(cv)
            }
            (Msg::Finished, HandshakePayload::Finished(_)) => self.common.receive_finished(m),
            _ => Err(HandshakeError::unexpected(format!(
                "a client does not send {msg:?}"
            ))),
        }
    }

    fn send(&mut self, msg: Msg, actions: &mut Vec<Action>) -> Result<(), HandshakeError> {
        match msg {
            Msg::ServerHello => self.send_server_hello(actions),
            Msg::Certificate => self.send_certificate(actions),
            Msg::ServerKeyExchange => self.send_server_key_exchange(actions),
            Msg::CertificateRequest => self.send_certificate_request(actions),
            Msg::ServerHelloDone => {
                self.common.emit(HandshakePayload::ServerHelloDone, actions);
                Ok(())
            }
            Msg::ChangeCipherSpec => self.common.send_change_cipher_spec(actions),
            Msg::Finished => self.common.send_finished(actions),
            other => Err(HandshakeError::internal(format!(
                "a server does not send {other:?}"
            ))),
        }
    }

    fn complete(&mut self, actions: &mut Vec<Action>) -> Result<(), HandshakeError> {
        self.finish(actions)
    }
}
