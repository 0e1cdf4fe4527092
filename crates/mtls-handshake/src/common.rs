//! What both roles share: the sequence check every input passes first, the transcript, the
//! key schedule, and ChangeCipherSpec / Finished, which are the same on both sides.

use mtls_crypto::kx::NamedGroup;
use mtls_crypto::signature::SignatureAlgorithm;
use mtls_prf::{MasterSecret, Sender, TrafficKeys, VerifyData, key_block, verify_data};
use mtls_wire::handshake::{HandshakeHeader, HandshakeMessage, HandshakePayload, ParseContext};
use mtls_wire::{AlertDescription, HandshakeType, ProtocolVersion};

use crate::action::{Action, Input, KeyChange};
use crate::certs::CertificateDer;
use crate::error::HandshakeError;
use crate::sequence::{Fact, Flow, Kind, Msg, Next, Side, Step};
use crate::suites::SupportedSuite;
use crate::transcript::Transcript;

/// The negotiated parameters and the peer's identity, once the handshake is complete.
#[derive(Debug, Clone)]
pub struct HandshakeSummary {
    /// Always TLS 1.2.
    pub version: ProtocolVersion,
    /// The negotiated suite.
    pub suite: SupportedSuite,
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
    pub peer_certificates: Vec<CertificateDer>,
    /// The ALPN protocol agreed on.
    pub alpn: Option<Vec<u8>>,
    /// The SNI name the client asked for.
    pub server_name: Option<String>,
    /// ClientHello.random.
    pub client_random: [u8; 32],
    /// ServerHello.random.
    pub server_random: [u8; 32],
}

/// State both roles keep.
pub(crate) struct Common {
    pub me: Side,
    pub flow: Flow,
    pub transcript: Transcript,
    pub client_random: [u8; 32],
    pub server_random: [u8; 32],
    pub suite: Option<&'static SupportedSuite>,
    pub master: Option<MasterSecret>,
    pub ems: bool,
    client_write: Option<TrafficKeys>,
    server_write: Option<TrafficKeys>,
    pub summary: Option<HandshakeSummary>,
    pub dead: Option<HandshakeError>,
    refused_renegotiations: u32,
}

/// Renegotiation attempts refused with a warning before a peer that keeps asking is cut off:
/// each refusal queues an alert record, so an unbounded number would let a peer grow our
/// output buffer with 4-byte HelloRequests.
pub const MAX_REFUSED_RENEGOTIATIONS: u32 = 32;

impl Common {
    pub fn new(me: Side) -> Self {
        Self {
            me,
            flow: Flow::new(),
            transcript: Transcript::default(),
            client_random: [0; 32],
            server_random: [0; 32],
            suite: None,
            master: None,
            ems: false,
            client_write: None,
            server_write: None,
            summary: None,
            dead: None,
            refused_renegotiations: 0,
        }
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

    pub fn suite(&self) -> Result<&'static SupportedSuite, HandshakeError> {
        self.suite
            .ok_or_else(|| HandshakeError::internal("no suite negotiated yet"))
    }

    /// The one gate every input passes: the table must say the peer sends this message now,
    /// or the handshake ends with `unexpected_message` before any handler runs. Only then is
    /// the body parsed, with the negotiated key exchange as context.
    pub fn receive_step(
        &mut self,
        input: Input<'_>,
    ) -> Result<(Msg, Option<HandshakeMessage>), HandshakeError> {
        let (msg, bytes) = match input {
            Input::ChangeCipherSpec => (Msg::ChangeCipherSpec, None),
            Input::Handshake(bytes) => {
                let (header, _) = HandshakeHeader::parse(bytes)?;
                let msg = msg_of(header.typ).ok_or_else(|| {
                    HandshakeError::unexpected(format!(
                        "{:?} is not part of a TLS 1.2 handshake here",
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
        let expected = self.flow.expected();
        if !self.flow.advance(step) {
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
            kx: self.suite.map(|s| s.kx),
        };
        let (parsed, rest) = HandshakeMessage::parse(bytes, &ctx)?;
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
        actions.push(Action::SendHandshake(message.raw().to_vec()));
    }

    /// Installs the master secret and derives the key block (RFC 5246 6.3).
    pub fn set_master_secret(&mut self, master: MasterSecret) -> Result<(), HandshakeError> {
        let suite = self.suite()?;
        let block = key_block(
            suite.prf,
            &master,
            &self.client_random,
            &self.server_random,
            suite.key_block_layout(),
        );
        self.client_write = Some(block.client_write);
        self.server_write = Some(block.server_write);
        self.master = Some(master);
        Ok(())
    }

    fn key_change(&mut self, side: Side) -> Result<KeyChange, HandshakeError> {
        let algorithm = self.suite()?.aead;
        let keys = match side {
            Side::Client => self.client_write.take(),
            Side::Server => self.server_write.take(),
        }
        .ok_or_else(|| HandshakeError::internal("keys are not derived yet"))?;
        Ok(KeyChange { algorithm, keys })
    }

    /// Our ChangeCipherSpec: send it, then protect everything after it (RFC 5246 7.1).
    pub fn send_change_cipher_spec(
        &mut self,
        actions: &mut Vec<Action>,
    ) -> Result<(), HandshakeError> {
        let change = self.key_change(self.me)?;
        actions.push(Action::SendChangeCipherSpec);
        actions.push(Action::InstallWriteKeys(change));
        Ok(())
    }

    /// The peer's ChangeCipherSpec: its next record is protected (RFC 5246 7.1).
    pub fn receive_change_cipher_spec(
        &mut self,
        actions: &mut Vec<Action>,
    ) -> Result<(), HandshakeError> {
        let change = self.key_change(self.me.peer())?;
        actions.push(Action::InstallReadKeys(change));
        Ok(())
    }

    fn verify_data(&self, sender: Side) -> Result<VerifyData, HandshakeError> {
        let suite = self.suite()?;
        let master = self
            .master
            .as_ref()
            .ok_or_else(|| HandshakeError::internal("no master secret yet"))?;
        let hash = self
            .transcript
            .current_hash()
            .ok_or_else(|| HandshakeError::internal("transcript hash not started"))?;
        let sender = match sender {
            Side::Client => Sender::Client,
            Side::Server => Sender::Server,
        };
        Ok(verify_data(suite.prf, master, sender, hash.as_slice()))
    }

    /// Our Finished (RFC 5246 7.4.9).
    pub fn send_finished(&mut self, actions: &mut Vec<Action>) -> Result<(), HandshakeError> {
        let vd = self.verify_data(self.me)?;
        self.emit(HandshakePayload::Finished(vd.as_bytes().to_vec()), actions);
        Ok(())
    }

    /// The peer's Finished: its verify_data must match ours, compared in constant time
    /// (RFC 5246 7.4.9); a mismatch is `decrypt_error`.
    pub fn receive_finished(&mut self, message: &HandshakeMessage) -> Result<(), HandshakeError> {
        let HandshakePayload::Finished(received) = message.payload() else {
            return Err(HandshakeError::unexpected("expected Finished"));
        };
        let expected = self.verify_data(self.me.peer())?;
        if !expected.verify(received) {
            return Err(HandshakeError::new(
                AlertDescription::DecryptError,
                "the peer's Finished does not match the handshake: keys or transcript differ",
            ));
        }
        Ok(())
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
    fn after_step(&mut self) {
        if !self.flow.certificate_verify_ahead() {
            self.transcript.end_signature_transcript();
        }
    }
}

/// What a role (client or server) supplies to the shared driver: its handlers.
pub(crate) trait Role {
    fn common(&mut self) -> &mut Common;
    /// The straight-line handler of a received handshake message (already in sequence).
    fn receive(&mut self, msg: Msg, message: &HandshakeMessage) -> Result<(), HandshakeError>;
    /// The handler that builds and emits one of our messages.
    fn send(&mut self, msg: Msg, actions: &mut Vec<Action>) -> Result<(), HandshakeError>;
    /// The end of the table: record the summary, store the session.
    fn complete(&mut self, actions: &mut Vec<Action>) -> Result<(), HandshakeError>;
}

/// One input through the table's gate, then its handler, then the transcript, then every
/// message of ours that the table says follows.
pub(crate) fn drive(role: &mut impl Role, input: Input<'_>) -> Result<Vec<Action>, HandshakeError> {
    let mut actions = Vec::new();
    let (msg, parsed) = role.common().receive_step(input)?;
    match &parsed {
        None => role.common().receive_change_cipher_spec(&mut actions)?,
        Some(message) => {
            role.receive(msg, message)?;
            // Added after the handler: CertificateVerify and Finished cover what came before.
            role.common().transcript.add(message.raw());
        }
    }
    role.common().after_step();
    run_sends(role, &mut actions)?;
    Ok(actions)
}

/// Sends every message the table says is ours, until it is the peer's turn or the end.
pub(crate) fn run_sends(
    role: &mut impl Role,
    actions: &mut Vec<Action>,
) -> Result<(), HandshakeError> {
    let me = role.common().me;
    loop {
        match role.common().flow.next(me) {
            Next::Send(msg) => {
                role.send(msg, actions)?;
                if !role.common().flow.advance(Step { from: me, msg }) {
                    return Err(HandshakeError::internal("sent a message out of sequence"));
                }
                role.common().after_step();
            }
            Next::Undecided => {
                return Err(HandshakeError::internal(format!(
                    "the handshake kinds still possible ({:?}) disagree on the next step",
                    role.common().flow.candidates()
                )));
            }
            Next::Receive => return Ok(()),
            Next::Done => {
                if role.common().summary.is_none() {
                    role.complete(actions)?;
                    // The transcript has served its purpose (Finished checked both ways):
                    // release it rather than hold a handshake's worth of bytes per connection.
                    role.common().transcript = Transcript::default();
                }
                return Ok(());
            }
        }
    }
}

impl Common {
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
