//! What both roles keep whatever the phase: the sequence check every input passes first,
//! the transcript and the randoms, and the summary both roles report.

use mtls_crypto::CryptoProvider;
use mtls_crypto::kx::NamedGroup;
use mtls_crypto::signature::SignatureAlgorithm;
use mtls_wire::handshake::{
    HandshakeHeader, HandshakeMessage, HandshakePayload, KeyExchangeAlgorithm, ParseContext,
};
use mtls_wire::{AlertDescription, HandshakeType, ProtocolVersion};

use crate::action::{Action, Input};
use crate::certs::{CertificateDer, PeerIdentity};
use crate::error::HandshakeError;
use crate::sequence::{Fact, Flow, Kind, Msg, Side, Step};
use crate::suites::{NegotiatedSuite, SupportedSuite};
use crate::transcript::Transcript;

/// The negotiated parameters and the peer's identity, once the handshake is complete.
#[derive(Debug, Clone)]
pub struct HandshakeSummary {
    /// TLS 1.2 or TLS 1.3.
    pub version: ProtocolVersion,
    /// The negotiated suite.
    pub suite: NegotiatedSuite,
    /// The handshake kind (row of the sequence table).
    pub kind: Kind,
    /// The ECDHE group, for ECDHE suites.
    pub group: Option<NamedGroup>,
    /// The scheme the server signed its ServerKeyExchange with (ECDHE, full handshakes).
    pub server_signature: Option<SignatureAlgorithm>,
    /// The scheme the client signed its CertificateVerify with.
    pub client_signature: Option<SignatureAlgorithm>,
    /// Whether the master secret is an extended one (RFC 7627).
    pub extended_master_secret: bool,
    /// Whether this was an abbreviated (resumed) handshake.
    pub resumed: bool,
    /// The session id (empty when the server keeps no sessions).
    pub session_id: Vec<u8>,
    /// The peer's certificate chain, leaf first; empty when the peer sent none. On the
    /// server, only present after the CertificateVerify verified (or carried over from the
    /// resumed session).
    pub peer_certificates: Vec<CertificateDer<'static>>,
    /// The identity read from the peer's leaf when its chain arrived; `None` when the peer
    /// sent no certificate.
    pub peer_identity: Option<PeerIdentity>,
    /// Whether `peer_certificates` passed the configured verifier. Only a server's
    /// `ClientAuthPolicy::Request` accepts a chain without verifying it (`false`).
    pub peer_verified: bool,
    /// The ALPN protocol agreed on.
    pub alpn: Option<Vec<u8>>,
    /// The SNI name the client asked for.
    pub server_name: Option<String>,
    /// ClientHello.random.
    pub client_random: [u8; 32],
    /// ServerHello.random.
    pub server_random: [u8; 32],
}

/// State both roles keep, whatever the phase: the table, the transcript, the randoms.
/// Everything a phase alone has (suite, keys, certificates) lives in that role's phase.
pub struct Common {
    pub me: Side,
    /// The configuration's crypto provider: the transcript, the PRF and the key exchange run
    /// on it.
    pub provider: &'static CryptoProvider,
    pub flow: Flow,
    pub transcript: Transcript,
    pub client_random: [u8; 32],
    pub server_random: [u8; 32],
    /// The negotiated key exchange, once known: context for parsing ServerKeyExchange and
    /// ClientKeyExchange bodies.
    pub key_exchange: Option<KeyExchangeAlgorithm>,
    pub summary: Option<HandshakeSummary>,
    pub dead: Option<HandshakeError>,
    refused_renegotiations: u32,
    /// TLS 1.3 was negotiated: messages parse as TLS 1.3 ones (`parse_tls13`), Finished is
    /// the role's, and the endpoint drops the middlebox-compatibility ChangeCipherSpec.
    pub tls13: bool,
    /// The client offered TLS 1.3 and no ServerHello has said otherwise yet: a
    /// compatibility ChangeCipherSpec may come even before the ServerHello (RFC 8446 5).
    pub tls13_offered: bool,
    /// A compatibility ChangeCipherSpec was dropped already (one is all RFC 8446 D.4 sends).
    pub compat_ccs_seen: bool,
    /// The peer's Finished was received: no compatibility ChangeCipherSpec may follow it.
    pub peer_finished: bool,
    /// Server: the TLS 1.3 ClientHello offered early data, which this stack never accepts
    /// (RFC 8446 4.2.10): the record layer must skip the client's 0-RTT records.
    pub early_data_offered: bool,
    /// TLS 1.3, established: the peer's KeyUpdates (the answer owed, the run's length).
    pub(crate) key_updates: crate::key_update::KeyUpdates,
}

/// Renegotiation attempts refused with a warning before a peer that keeps asking is cut off:
/// each refusal queues an alert record, so an unbounded number would let a peer grow our
/// output buffer with 4-byte HelloRequests.
pub const MAX_REFUSED_RENEGOTIATIONS: u32 = 32;

impl Common {
    pub fn new(me: Side, provider: &'static CryptoProvider) -> Self {
        Self {
            me,
            provider,
            flow: Flow::new(),
            transcript: Transcript::new(provider),
            client_random: [0; 32],
            server_random: [0; 32],
            key_exchange: None,
            summary: None,
            dead: None,
            refused_renegotiations: 0,
            tls13: false,
            tls13_offered: false,
            compat_ccs_seen: false,
            peer_finished: false,
            early_data_offered: false,
            key_updates: crate::key_update::KeyUpdates::default(),
        }
    }

    /// The suite is chosen: the running transcript hash starts and key exchange bodies can
    /// be parsed.
    pub fn suite_chosen(&mut self, suite: &SupportedSuite) {
        self.transcript.start_hash(suite.prf);
        self.key_exchange = Some(suite.kx);
    }

    /// Refuses a renegotiation attempt after the handshake (a ClientHello at the server, a
    /// HelloRequest at the client) with a warning no_renegotiation, and the connection goes on
    /// (RFC 5746 4.4 and 4.5 allow declining); after [`MAX_REFUSED_RENEGOTIATIONS`] the
    /// connection ends with `unexpected_message`.
    pub fn refuse_renegotiation(&mut self) -> Result<Vec<Action>, HandshakeError> {
        self.refused_renegotiations += 1;
        if self.refused_renegotiations > MAX_REFUSED_RENEGOTIATIONS {
            return Err(HandshakeError::unexpected(
                "the peer keeps asking to renegotiate, which this stack never does",
            ));
        }
        Ok(vec![Action::SendAlert(mtls_wire::alert::Alert {
            level: mtls_wire::AlertLevel::Warning,
            description: AlertDescription::NoRenegotiation,
        })])
    }

    /// The one gate every input passes: the table must say the peer sends this message now,
    /// or the handshake ends with `unexpected_message` before any handler runs. Only then is
    /// the body parsed, with the negotiated key exchange as context.
    pub fn receive_step(
        &mut self,
        input: Input<'_>,
    ) -> Result<(Msg, Option<HandshakeMessage>), HandshakeError> {
        let mut flow = self.flow;
        let result = self.gate(&mut flow, input);
        self.flow = flow;
        result
    }

    /// The same gate for a TLS 1.3 post-handshake exchange (RFC 8446 4.6.2), walking its
    /// own `flow` ([`Flow::post_handshake_auth`]).
    pub fn receive_post_handshake_step(
        &self,
        flow: &mut Flow,
        bytes: &[u8],
    ) -> Result<(Msg, HandshakeMessage), HandshakeError> {
        match self.gate(flow, Input::Handshake(bytes))? {
            (msg, Some(message)) => Ok((msg, message)),
            (_, None) => Err(HandshakeError::internal(
                "a handshake input without a message",
            )),
        }
    }

    fn gate(
        &self,
        flow: &mut Flow,
        input: Input<'_>,
    ) -> Result<(Msg, Option<HandshakeMessage>), HandshakeError> {
        let (msg, bytes) = match input {
            Input::ChangeCipherSpec => (Msg::ChangeCipherSpec, None),
            Input::Handshake(bytes) => {
                let (header, _) = HandshakeHeader::parse(bytes)?;
                let msg = msg_of(header.typ).ok_or_else(|| {
                    HandshakeError::unexpected(format!(
                        "{:?} is not part of a handshake here",
                        header.typ
                    ))
                })?;
                (msg, Some(bytes))
            }
        };
        let step = Step {
            from: self.me.peer(),
            msg,
        };
        let expected = flow.expected();
        if !flow.advance(step) {
            let list: Vec<String> = expected.iter().map(ToString::to_string).collect();
            return Err(HandshakeError::unexpected(format!(
                "got {step} but the handshake expects {}",
                list.join(" or ")
            )));
        }
        let Some(bytes) = bytes else {
            return Ok((msg, None));
        };
        let ctx = ParseContext {
            kx: self.key_exchange,
        };
        let (parsed, rest) = if self.tls13 {
            HandshakeMessage::parse_tls13(bytes)?
        } else {
            HandshakeMessage::parse(bytes, &ctx)?
        };
        if !rest.is_empty() {
            return Err(HandshakeError::new(
                AlertDescription::DecodeError,
                "bytes after the handshake message",
            ));
        }
        Ok((msg, Some(parsed)))
    }

    /// Encodes one of our messages, adds it to the transcript and queues it.
    pub fn emit(&mut self, payload: HandshakePayload, actions: &mut Vec<Action>) {
        let message = HandshakeMessage::new(payload);
        self.transcript.add(message.raw());
        // Moved, not copied: the encoding is what goes out.
        actions.push(Action::SendHandshake(message.into_raw()));
    }

    /// The kind, once the table has narrowed to one.
    pub fn kind(&self) -> Result<Kind, HandshakeError> {
        self.flow
            .kind()
            .ok_or_else(|| HandshakeError::internal("handshake kind still ambiguous"))
    }

    /// Tells the table what a handler learned; the table alone decides which kinds remain.
    pub fn learn(&mut self, fact: Fact) -> Result<(), HandshakeError> {
        if self.flow.learn(fact) {
            Ok(())
        } else {
            Err(HandshakeError::internal(format!(
                "no handshake kind fits what was negotiated ({fact:?})"
            )))
        }
    }

    /// After every step: once the table says no CertificateVerify can come any more, the
    /// transcript keeps only its running PRF hash (no raw messages, no signature hashes).
    pub fn after_step(&mut self) {
        if !self.flow.certificate_verify_ahead() {
            self.transcript.end_signature_transcript();
        }
    }
}

impl Common {
    /// A ChangeCipherSpec in a TLS 1.3 handshake (or one that may become TLS 1.3): RFC 8446
    /// 5 lets one unprotected ChangeCipherSpec (the record layer checked its single byte
    /// 0x01) arrive after the first ClientHello and before the peer's Finished, and says to
    /// drop it (D.4, middlebox compatibility). Anywhere else, or a second one, is
    /// `unexpected_message`.
    pub fn compatibility_change_cipher_spec(&mut self) -> Result<Vec<Action>, HandshakeError> {
        if self.peer_finished || self.summary.is_some() {
            return Err(HandshakeError::unexpected(
                "ChangeCipherSpec after the peer's Finished (RFC 8446 5)",
            ));
        }
        if self.compat_ccs_seen {
            return Err(HandshakeError::unexpected(
                "a second middlebox-compatibility ChangeCipherSpec (RFC 8446 D.4 sends one)",
            ));
        }
        self.compat_ccs_seen = true;
        Ok(Vec::new())
    }

    /// The error that killed this handshake, if one did: a dead handshake stays dead.
    pub fn alive(&self) -> Result<(), HandshakeError> {
        match &self.dead {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    /// Remembers a failure so that every later call returns it again.
    pub fn remember<T>(&mut self, result: Result<T, HandshakeError>) -> Result<T, HandshakeError> {
        if let Err(e) = &result {
            self.dead = Some(e.clone());
        }
        result
    }
}

fn msg_of(typ: HandshakeType) -> Option<Msg> {
    Some(match typ {
        HandshakeType::ClientHello => Msg::ClientHello,
        HandshakeType::ServerHello => Msg::ServerHello,
        HandshakeType::Certificate => Msg::Certificate,
        HandshakeType::ServerKeyExchange => Msg::ServerKeyExchange,
        HandshakeType::CertificateRequest => Msg::CertificateRequest,
        HandshakeType::ServerHelloDone => Msg::ServerHelloDone,
        HandshakeType::CertificateVerify => Msg::CertificateVerify,
        HandshakeType::ClientKeyExchange => Msg::ClientKeyExchange,
        HandshakeType::Finished => Msg::Finished,
        HandshakeType::NewSessionTicket => Msg::NewSessionTicket,
        HandshakeType::EncryptedExtensions => Msg::EncryptedExtensions,
        _ => return None,
    })
}

/// Maps our scheme enum to the wire's code point.
pub(crate) fn wire_scheme(s: SignatureAlgorithm) -> mtls_wire::SignatureScheme {
    mtls_wire::SignatureScheme::from(s.to_u16())
}

/// Maps a wire code point to a scheme we implement.
pub(crate) fn our_scheme(s: mtls_wire::SignatureScheme) -> Option<SignatureAlgorithm> {
    SignatureAlgorithm::from_u16(s.to_u16())
}

/// Maps our group enum to the wire's code point.
pub(crate) fn wire_group(g: NamedGroup) -> mtls_wire::NamedGroup {
    mtls_wire::NamedGroup::from(g.to_u16())
}
