//! One endpoint for both roles: what client and server do alike (the gate, handling, the
//! summary, completion) is written once here over a role that supplies its handlers.

use crate::action::{Action, Input};
use crate::common::{Common, HandshakeSummary};
use crate::error::HandshakeError;
use crate::sequence::{Kind, Msg, Next, Step};
use crate::transcript::Transcript;

pub(crate) mod role {
    use mtls_wire::handshake::HandshakeMessage;

    use crate::action::{Action, Input};
    use crate::common::{Common, HandshakeSummary};
    use crate::error::HandshakeError;
    use crate::keys::KeySchedule;
    use crate::sequence::Msg;

    /// What a role (client or server) supplies to the shared endpoint: its handlers, each
    /// given the shared state. Sealed: the trait is public only so that it can bound
    /// [`super::Endpoint`]; nothing outside this crate can name or implement it.
    pub trait Role: Send {
        /// Inputs the role answers outside the table, if this is one: renegotiation
        /// attempts (a ClientHello after the handshake at the server, a HelloRequest at the
        /// client).
        fn intercept(
            &mut self,
            common: &mut Common,
            input: Input<'_>,
        ) -> Option<Result<Vec<Action>, HandshakeError>>;

        /// The straight-line handler of a received handshake message other than a TLS 1.2
        /// Finished (already in sequence, not yet in the transcript). A TLS 1.3 handler may
        /// queue key changes (`actions`), performed before anything `send` adds.
        fn receive(
            &mut self,
            common: &mut Common,
            msg: Msg,
            message: &HandshakeMessage,
            actions: &mut Vec<Action>,
        ) -> Result<(), HandshakeError>;

        /// The key schedule, for ChangeCipherSpec and Finished, which are the same on both
        /// sides (RFC 5246 7.1, 7.4.9); an error in a phase without keys, which the table
        /// never reaches (`msg` names the step, for that error).
        fn keys(&mut self, msg: Msg) -> Result<&mut KeySchedule, HandshakeError>;

        /// The handler that builds and emits one of our messages other than
        /// ChangeCipherSpec and Finished.
        fn send(
            &mut self,
            common: &mut Common,
            msg: Msg,
            actions: &mut Vec<Action>,
        ) -> Result<(), HandshakeError>;

        /// The end of the table: store the session, say what was negotiated.
        fn complete(
            &mut self,
            common: &mut Common,
            kind: crate::sequence::Kind,
        ) -> Result<HandshakeSummary, HandshakeError>;

        /// Removes this connection's session from the cache or store (RFC 5246 7.2.2).
        fn forget_session(&self);

        /// What the application asks of an established TLS 1.3 connection (RFC 8446 4.6),
        /// once [`Role::post_handshake_allowed`] said yes. TLS 1.2 has no post-handshake
        /// messages: the default refuses.
        fn post_handshake(
            &mut self,
            _common: &mut Common,
            request: crate::action::PostHandshakeRequest,
        ) -> Result<Vec<Action>, HandshakeError> {
            Err(HandshakeError::internal(format!(
                "{request:?} needs an established TLS 1.3 connection"
            )))
        }

        /// Whether the application may ask `request` now: an error here is the
        /// application's mistake (the connection goes on), not the peer's.
        fn post_handshake_allowed(
            &self,
            _common: &Common,
            _request: crate::action::PostHandshakeRequest,
        ) -> Result<(), HandshakeError> {
            Ok(())
        }
    }
}

use role::Role;

/// A handshake of either role, TLS 1.2 or TLS 1.3, sans IO: feed it what the peer sent
/// ([`Input`]), perform the [`Action`]s it returns, in order. In TLS 1.3 it lives on after
/// completion for the post-handshake messages (RFC 8446 4.6). [`crate::ServerHandshake`] and
/// [`crate::ClientHandshake`] are its two instances.
pub struct Endpoint<R: Role> {
    pub(crate) common: Common,
    pub(crate) role: R,
}

impl<R: Role> Endpoint<R> {
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

    /// The version negotiated so far: TLS 1.3 once the ServerHello (client) or the
    /// ClientHello (server) chose it, otherwise TLS 1.2.
    pub fn version(&self) -> mtls_wire::ProtocolVersion {
        if self.common.tls13 {
            mtls_wire::ProtocolVersion::TLSv1_3
        } else {
            mtls_wire::ProtocolVersion::TLSv1_2
        }
    }

    /// Whether `request` can be made now; `Err(why)` leaves the connection as it was.
    pub fn post_handshake_available(
        &self,
        request: crate::action::PostHandshakeRequest,
    ) -> Result<(), String> {
        if let Some(e) = &self.common.dead {
            return Err(format!("the connection failed: {e}"));
        }
        if !self.is_complete() || !self.common.tls13 {
            return Err("post-handshake messages need an established TLS 1.3 connection".into());
        }
        self.role
            .post_handshake_allowed(&self.common, request)
            .map_err(|e| e.reason().to_string())
    }

    /// Server: the client's TLS 1.3 ClientHello offered early data (RFC 8446 4.2.10). This
    /// stack accepts no PSK, so never early data: the record layer must then skip the
    /// client's 0-RTT records. After a ServerHello, records it cannot open with the
    /// client's handshake keys are skipped (up to a limit, e.g. 16 KiB of ciphertext or a
    /// few records) rather than failing with bad_record_mac; after a HelloRetryRequest,
    /// application_data records before the second ClientHello are skipped. Always false on
    /// a client.
    pub fn early_data_offered(&self) -> bool {
        self.common.early_data_offered
    }

    /// Asks something of the established connection: a post-handshake CertificateRequest
    /// (server) or a KeyUpdate (either side). TLS 1.3 only (RFC 8446 4.6). Check
    /// [`Endpoint::post_handshake_available`] first: an error here is fatal.
    pub fn post_handshake(
        &mut self,
        request: crate::action::PostHandshakeRequest,
    ) -> Result<Vec<Action>, HandshakeError> {
        self.common.alive()?;
        if let Err(why) = self.post_handshake_available(request) {
            return Err(HandshakeError::internal(why));
        }
        if request
            == (crate::action::PostHandshakeRequest::UpdateKeys {
                request_peer: false,
            })
        {
            self.common.key_updates.answered();
        }
        let result = self.role.post_handshake(&mut self.common, request);
        self.common.remember(result)
    }

    /// The peer sent an application data record: a new run of KeyUpdates starts
    /// ([`crate::MAX_KEY_UPDATES_IN_A_ROW`]).
    pub fn application_data_received(&mut self) {
        self.common.key_updates.application_data_received();
    }

    /// Call before sending each application data record: the KeyUpdate we owe the peer
    /// (RFC 8446 4.6.3: update_requested is answered "prior to sending its next Application
    /// Data record"), once for any number of requests received since our last data; none
    /// otherwise. An error here is fatal.
    pub fn before_application_data(&mut self) -> Result<Vec<Action>, HandshakeError> {
        self.common.alive()?;
        if !self.common.key_updates.take_owed() {
            return Ok(Vec::new());
        }
        let result = self.role.post_handshake(
            &mut self.common,
            crate::action::PostHandshakeRequest::UpdateKeys {
                request_peer: false,
            },
        );
        self.common.remember(result)
    }

    /// The kinds of handshake still possible (one, once the sequence is known).
    pub fn candidate_kinds(&self) -> Vec<Kind> {
        self.common.flow.candidates()
    }

    /// Forgets this connection's session, the one it offered, made or resumed: call it when
    /// the connection ends with a fatal alert, sent or received (RFC 5246 7.2.2: such a
    /// session must not be resumed).
    pub fn forget_session(&self) {
        self.role.forget_session();
    }

    fn handle_inner(&mut self, input: Input<'_>) -> Result<Vec<Action>, HandshakeError> {
        if let Some(answer) = self.role.intercept(&mut self.common, input) {
            return answer;
        }
        if input == Input::ChangeCipherSpec && (self.common.tls13 || self.common.tls13_offered) {
            return self.common.compatibility_change_cipher_spec();
        }
        if self.is_complete() {
            return Err(HandshakeError::unexpected(
                "handshake message after the handshake completed",
            ));
        }
        let mut actions = Vec::new();
        let (msg, parsed) = self.common.receive_step(input)?;
        let me = self.common.me;
        match &parsed {
            None => self
                .role
                .keys(msg)?
                .receive_change_cipher_spec(me, &mut actions)?,
            Some(message) => {
                if msg == Msg::Finished && !self.common.tls13 {
                    self.role
                        .keys(msg)?
                        .receive_finished(&self.common, message)?;
                } else {
                    self.role
                        .receive(&mut self.common, msg, message, &mut actions)?;
                }
                // Added after the handler: CertificateVerify and Finished cover what came
                // before.
                self.common.transcript.add(message.raw());
                if msg == Msg::Finished {
                    self.common.peer_finished = true;
                }
            }
        }
        // The parsed message (a ClientHello's lists, copies of its fields) is not needed by
        // our answer: freed before the flight is built and signed, the handshake's peak.
        drop(parsed);
        self.common.after_step();
        self.run_sends(&mut actions)?;
        Ok(actions)
    }

    /// Sends every message the table says is ours, until it is the peer's turn or the end.
    pub(crate) fn run_sends(&mut self, actions: &mut Vec<Action>) -> Result<(), HandshakeError> {
        let me = self.common.me;
        loop {
            match self.common.flow.next(me) {
                Next::Send(msg) => {
                    match msg {
                        Msg::ChangeCipherSpec => {
                            self.role.keys(msg)?.send_change_cipher_spec(me, actions)?
                        }
                        Msg::Finished if !self.common.tls13 => self
                            .role
                            .keys(msg)?
                            .send_finished(&mut self.common, actions),
                        _ => self.role.send(&mut self.common, msg, actions)?,
                    }
                    if !self.common.flow.advance(Step { from: me, msg }) {
                        return Err(HandshakeError::internal("sent a message out of sequence"));
                    }
                    self.common.after_step();
                }
                Next::Undecided => {
                    return Err(HandshakeError::internal(format!(
                        "the handshake kinds still possible ({:?}) disagree on the next step",
                        self.common.flow.candidates()
                    )));
                }
                Next::Receive => return Ok(()),
                Next::Done => {
                    if self.common.summary.is_none() {
                        let kind = self.common.kind()?;
                        let summary = self.role.complete(&mut self.common, kind)?;
                        self.common.summary = Some(summary);
                        actions.push(Action::Complete);
                        // The transcript has served its purpose (Finished checked both
                        // ways): release it rather than hold a handshake's worth of bytes
                        // per connection. (A TLS 1.3 role that may authenticate after the
                        // handshake took the running hash it needs in `complete`.)
                        self.common.transcript = Transcript::new(self.common.provider);
                    }
                    return Ok(());
                }
            }
        }
    }
}

/// Either role's handshake behind one object-safe interface, for a connection that holds
/// a client or a server (`Box<dyn Handshake>`).
pub trait Handshake: Send {
    /// See [`Endpoint::handle`].
    fn handle(&mut self, input: Input<'_>) -> Result<Vec<Action>, HandshakeError>;
    /// See [`Endpoint::is_complete`].
    fn is_complete(&self) -> bool;
    /// See [`Endpoint::summary`].
    fn summary(&self) -> Option<&HandshakeSummary>;
    /// See [`Endpoint::forget_session`].
    fn forget_session(&self);
    /// See [`Endpoint::version`].
    fn version(&self) -> mtls_wire::ProtocolVersion;
    /// See [`Endpoint::post_handshake_available`].
    fn post_handshake_available(
        &self,
        request: crate::action::PostHandshakeRequest,
    ) -> Result<(), String>;
    /// See [`Endpoint::early_data_offered`].
    fn early_data_offered(&self) -> bool {
        false
    }
    /// See [`Endpoint::post_handshake`].
    fn post_handshake(
        &mut self,
        request: crate::action::PostHandshakeRequest,
    ) -> Result<Vec<Action>, HandshakeError>;
    /// See [`Endpoint::application_data_received`].
    fn application_data_received(&mut self) {}
    /// See [`Endpoint::before_application_data`].
    fn before_application_data(&mut self) -> Result<Vec<Action>, HandshakeError> {
        Ok(Vec::new())
    }
}

impl<R: Role> Handshake for Endpoint<R> {
    fn handle(&mut self, input: Input<'_>) -> Result<Vec<Action>, HandshakeError> {
        Endpoint::handle(self, input)
    }
    fn is_complete(&self) -> bool {
        Endpoint::is_complete(self)
    }
    fn summary(&self) -> Option<&HandshakeSummary> {
        Endpoint::summary(self)
    }
    fn forget_session(&self) {
        Endpoint::forget_session(self)
    }
    fn version(&self) -> mtls_wire::ProtocolVersion {
        Endpoint::version(self)
    }
    fn post_handshake_available(
        &self,
        request: crate::action::PostHandshakeRequest,
    ) -> Result<(), String> {
        Endpoint::post_handshake_available(self, request)
    }

    fn early_data_offered(&self) -> bool {
        Endpoint::early_data_offered(self)
    }
    fn post_handshake(
        &mut self,
        request: crate::action::PostHandshakeRequest,
    ) -> Result<Vec<Action>, HandshakeError> {
        Endpoint::post_handshake(self, request)
    }
    fn application_data_received(&mut self) {
        Endpoint::application_data_received(self)
    }
    fn before_application_data(&mut self) -> Result<Vec<Action>, HandshakeError> {
        Endpoint::before_application_data(self)
    }
}
