//! The client's ClientHello (RFC 5246 7.4.1.2, RFC 8446 4.1.2) and the ServerHello handler
//! (RFC 5246 7.4.1.3), which decides the version (RFC 8446 4.2.1) and, in TLS 1.2, between a
//! full handshake and resuming the offered session.

use std::sync::Arc;

use mtls_wire::extensions::{Extension, Extensions, ProtocolName, ServerName};
use mtls_wire::handshake::{
    ClientHello, DowngradeSentinel, HandshakePayload, KeyExchangeAlgorithm, ServerHello, SessionId,
};
use mtls_wire::{
    AlertDescription, CipherSuite, CompressionMethod, ECPointFormat, ExtensionType, ProtocolVersion,
};

use super::{ClientState, Hello, Keyed, Phase};
use crate::action::Action;
use crate::common::{Common, wire_group, wire_scheme};
use crate::error::{HandshakeError, crypto};
use crate::keys::KeySchedule;
use crate::sequence::Fact;
use crate::session::StoredSession;
use crate::suites::SupportedSuite;
use crate::trace::debug_event;

impl ClientState {
    // ---- ClientHello (RFC 5246 7.4.1.2) ----

    pub(super) fn send_client_hello(
        &mut self,
        common: &mut Common,
        actions: &mut Vec<Action>,
    ) -> Result<Phase, HandshakeError> {
        let config = Arc::clone(&self.config);
        self.rng
            .fill(&mut common.client_random)
            .map_err(|e| crypto("client random", e))?;

        // Resume with this server if we kept a session. Sessions are kept by the name
        // connected to (an IP address included, which is never sent as SNI) and our identity
        // (`SessionKey`), and offered only by a configuration with the identity that made
        // them (`StoredSession::made_by`). A TLS 1.3 ticket leaves the store as it is taken:
        // it is used once (RFC 8446 C.4); a TLS 1.2 session stays.
        let now = config.time.now();
        let (offers12, offers13) = (config.offers_tls12(), config.offers_tls13());
        let (resumable13, stored12) = match (&config.session_store, self.server_name.as_deref()) {
            (Some(store), Some(name)) => {
                let key = config.session_key(name);
                let ours = |s: &Arc<StoredSession>| s.offerable_by(&config);
                let tls13 = (offers13 && self.wants_tickets13())
                    .then(|| store.take_tls13(&key, now))
                    .flatten()
                    .filter(ours);
                let tls12 = offers12
                    .then(|| store.get_tls12(&key, now))
                    .flatten()
                    .filter(|s| s.tls13().is_none() && ours(s));
                (tls13, tls12)
            }
            _ => (None, None),
        };
        self.offered_session = stored12;
        let session_id = self
            .offered_session
            .as_ref()
            .and_then(|s| SessionId::new(&s.session_id))
            .unwrap_or_default();

        let suites: Vec<&SupportedSuite> = if offers12 {
            config.usable_suites().collect()
        } else {
            Vec::new()
        };
        if suites.is_empty() && !offers13 {
            return Err(HandshakeError::internal(
                "the client configuration enables no cipher suite (a config error)",
            ));
        }
        // RFC 8446 4.1.2: the TLS 1.3 suites first; a client that also offers TLS 1.2
        // lists its TLS 1.2 suites after them.
        let mut cipher_suites: Vec<CipherSuite> = Vec::new();
        if offers13 {
            cipher_suites.extend(config.tls13_suites.iter().map(|s| s.suite));
        }
        cipher_suites.extend(suites.iter().map(|s| s.suite));
        if offers12 {
            // RFC 5746 3.4: signal secure renegotiation support with the SCSV.
            cipher_suites.push(CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
        }
        // RFC 8446 4.1.2 and D.4: without a TLS 1.2 session to offer, a fresh 32-byte
        // legacy_session_id (middlebox compatibility mode).
        let session_id = if offers13 && session_id.is_empty() {
            let mut id = [0u8; 32];
            self.rng
                .fill(&mut id)
                .map_err(|e| crypto("legacy_session_id", e))?;
            self.compat_session_id = Some(id.to_vec());
            SessionId::new(&id).unwrap_or_default()
        } else {
            session_id
        };

        let ecdhe12 = suites.iter().any(|s| s.kx == KeyExchangeAlgorithm::Ecdhe);
        let mut ext = Vec::new();
        if let Some(name) = self.sni() {
            ext.push(Extension::ServerName(vec![ServerName::HostName(
                name.as_bytes().to_vec(),
            )]));
        }
        if ecdhe12 || offers13 {
            // RFC 8422 5.1, RFC 8446 4.2.7: the groups we can do ECDHE on.
            ext.push(Extension::SupportedGroups(
                config.groups.iter().map(|g| wire_group(*g)).collect(),
            ));
        }
        if ecdhe12 {
            // RFC 8422 5.1.2: uncompressed points only.
            ext.push(Extension::EcPointFormats(vec![ECPointFormat::Uncompressed]));
        }
        // RFC 8446 4.2.3: a client that offers TLS 1.2 too keeps the PKCS#1 v1.5 schemes
        // (a TLS 1.3 server never picks them for a CertificateVerify).
        ext.push(Extension::SignatureAlgorithms(
            config
                .signature_schemes
                .iter()
                .copied()
                .filter(|s| offers12 || crate::tls13::tls13_certificate_verify_scheme(*s))
                .map(wire_scheme)
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
        if offers12 {
            // RFC 7627 5.1: always offer the extended master secret.
            ext.push(Extension::ExtendedMasterSecret);
            // RFC 5077 3.2: the ticket of the session we resume, or an empty extension to
            // ask for one.
            if config.enable_tickets && config.session_store.is_some() {
                let ticket = self.offered_session.as_ref().and_then(|s| s.ticket());
                ext.push(Extension::SessionTicket(
                    ticket.unwrap_or_default().to_vec(),
                ));
            }
        }
        let key = if offers13 {
            let (extensions, key) = self.tls13_extensions(common)?;
            ext.extend(extensions);
            Some(key)
        } else {
            None
        };
        // Last: the TLS 1.3 PSK (RFC 8446 4.2.11), whose ticket was taken from the store.
        let psk = if offers13 {
            self.psk_extensions(&mut ext, resumable13)
        } else {
            None
        };
        let mut offered_extensions: Vec<ExtensionType> = ext.iter().map(Extension::typ).collect();
        if offers12 {
            // The server answers the SCSV with renegotiation_info (RFC 5746 3.6).
            offered_extensions.push(ExtensionType::RenegotiationInfo);
        }

        let mut hello = ClientHello {
            client_version: ProtocolVersion::TLSv1_2,
            random: common.client_random,
            session_id,
            cipher_suites,
            compression_methods: vec![CompressionMethod::Null],
            extensions: Extensions::new(ext),
        };
        if let Some(psk) = &psk {
            super::psk13::bind_psk(common, &mut hello, psk)?;
        }
        let tls13 = key.map(|key| super::tls13::Offer13::new(hello.clone(), key, psk));
        common.tls13_offered = tls13.is_some();
        common.emit(HandshakePayload::ClientHello(hello), actions);
        Ok(Phase::AwaitServerHello(Box::new(super::tls13::Offered {
            extensions: offered_extensions,
            tls13,
        })))
    }

    // ---- ServerHello (RFC 5246 7.4.1.3) ----

    pub(super) fn receive_server_hello(
        &mut self,
        common: &mut Common,
        sh: &ServerHello,
        raw: &[u8],
        offered: super::tls13::Offered,
        actions: &mut Vec<Action>,
    ) -> Result<Phase, HandshakeError> {
        if let Some(offer) = &offered.tls13 {
            // RFC 8446 4.1.3, 4.1.4, 4.2.1: a HelloRetryRequest, a TLS 1.3 ServerHello, or
            // TLS 1.2 (no supported_versions), which must not carry a downgrade sentinel.
            if sh.is_hello_retry_request() {
                if offer.retried() {
                    return Err(HandshakeError::unexpected(
                        "a second HelloRetryRequest (RFC 8446 4.1.4)",
                    ));
                }
                return self.receive_hello_retry(common, sh, offered);
            }
            match sh.extensions.selected_version() {
                Some(ProtocolVersion::TLSv1_3) => {
                    return self.receive_server_hello13(common, sh, raw, offered, actions);
                }
                Some(other) => {
                    return Err(HandshakeError::new(
                        AlertDescription::IllegalParameter,
                        format!(
                            "the server selected {other:?} in supported_versions (RFC 8446 4.2.1)"
                        ),
                    ));
                }
                None => {
                    if offer.retried() {
                        return Err(HandshakeError::new(
                            AlertDescription::IllegalParameter,
                            "a TLS 1.2 ServerHello after a HelloRetryRequest (RFC 8446 4.1.4)",
                        ));
                    }
                    if !self.config.offers_tls12() {
                        return Err(HandshakeError::new(
                            AlertDescription::ProtocolVersion,
                            "the server chose TLS 1.2; this client offers only TLS 1.3",
                        ));
                    }
                    if DowngradeSentinel::find(&sh.random).is_some() {
                        return Err(HandshakeError::new(
                            AlertDescription::IllegalParameter,
                            "a TLS 1.2 ServerHello whose random carries the downgrade sentinel of a TLS 1.3 server (RFC 8446 4.1.3)",
                        ));
                    }
                    common.tls13_offered = false;
                }
            }
        }
        // The TLS 1.3 extensions have no place in a TLS 1.2 ServerHello.
        let offered_extensions: Vec<ExtensionType> = offered
            .extensions
            .into_iter()
            .filter(|t| {
                !matches!(
                    t,
                    ExtensionType::SupportedVersions
                        | ExtensionType::KeyShare
                        | ExtensionType::PostHandshakeAuth
                        | ExtensionType::SignatureAlgorithmsCert
                        | ExtensionType::PreSharedKey
                        | ExtensionType::PskKeyExchangeModes
                )
            })
            .collect();
        if sh.server_version != ProtocolVersion::TLSv1_2 {
            return Err(HandshakeError::new(
                AlertDescription::ProtocolVersion,
                format!(
                    "the server chose {:?}; this client speaks only TLS 1.2",
                    sh.server_version
                ),
            ));
        }
        let suite = self
            .config
            .usable_suites()
            .find(|s| s.suite == sh.cipher_suite)
            .copied()
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
            .find(|e| !offered_extensions.contains(&e.typ()))
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
        let mut alpn = None;
        if let Some(list) = sh.extensions.alpn() {
            let chosen = list.first().map(|p| p.0.clone()).unwrap_or_default();
            if list.len() != 1 || !self.config.alpn_protocols.contains(&chosen) {
                return Err(HandshakeError::new(
                    AlertDescription::IllegalParameter,
                    "the server chose an ALPN protocol that was not offered (RFC 7301 3.2)",
                ));
            }
            alpn = Some(chosen);
        }
        if let Some(formats) = sh.extensions.ec_point_formats()
            && !formats.contains(&ECPointFormat::Uncompressed)
        {
            return Err(HandshakeError::new(
                AlertDescription::IllegalParameter,
                "the server does not accept uncompressed points (RFC 8422 5.2)",
            ));
        }

        // RFC 8446 4.1.2, D.4: our legacy_session_id was random, no session offered; a TLS
        // 1.2 server that echoes it claims to resume what we never offered (RFC 5246 7.4.1.3).
        if self.compat_session_id.as_deref() == Some(sh.session_id.as_slice()) {
            return Err(HandshakeError::new(
                AlertDescription::IllegalParameter,
                "a TLS 1.2 ServerHello echoes the random session id of our TLS 1.3 offer, with no session offered (RFC 8446 4.1.2, D.4)",
            ));
        }
        common.server_random = sh.random;
        common.suite_chosen(&suite);
        self.session_id = sh.session_id.as_slice().to_vec();
        // RFC 5077 3.2: an empty SessionTicket extension announces a NewSessionTicket (an
        // unsolicited one was refused above).
        let ticket = sh.extensions.session_ticket().is_some();
        common.learn(Fact::Ticket(ticket))?;
        common.learn(Fact::Tls13(false))?;
        let hello = Hello { suite, ems, alpn };

        let resumed = self
            .offered_session
            .as_ref()
            .filter(|s| !s.session_id.is_empty() && s.session_id == self.session_id)
            .cloned();
        debug_event!(
            suite = ?suite.suite,
            resumed = resumed.is_some(),
            ems,
            alpn = ?hello.alpn.as_deref().map(String::from_utf8_lossy),
            "client: ServerHello accepted"
        );
        let Some(session) = resumed else {
            common.learn(Fact::Resumption(false))?;
            common.learn(Fact::KeyExchange(suite.kx))?;
            return Ok(Phase::AwaitCertificate(Box::new(hello)));
        };
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
        common.learn(Fact::Resumption(true))?;
        // ALPN is what this ServerHello says, never the session's (RFC 7301 3.1).
        let keys = KeySchedule::new(
            suite,
            session.master_secret(),
            common,
            self.config.key_log.as_deref(),
        );
        Ok(Phase::Keyed(Box::new(Keyed {
            hello,
            keys,
            server_identity: session.peer_identity(),
            server_chain: session.peer_certificates.clone(),
            ecdhe: None,
            client_signature: None,
        })))
    }
}
