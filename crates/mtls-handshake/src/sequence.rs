//! Every TLS 1.2 handshake this stack speaks, as one table of message sequences.
//!
//! This is the one place to read the message flow. Both state machines follow it: a message
//! is accepted only when the table says the peer sends it next, and our own messages are sent
//! exactly when the table says it is our turn. Anything else ends the handshake with
//! `unexpected_message` before any handler sees the message (the lesson of "A Messy State of
//! the Union", Beurdouche et al., 2015).
//!
//! A handshake starts with every kind possible. Each step narrows the set of kinds: the
//! message that arrived (a CertificateRequest rules out every kind without client
//! authentication) and the [`Fact`]s the handlers report (the ServerHello's suite fixes the
//! key exchange; an echoed session id means resumption; an empty client Certificate means no
//! CertificateVerify). Handlers never pick kinds themselves: [`Fact::admits`] is the one map
//! from facts to kinds. The kinds that remain must agree on the next step; if they do not,
//! [`Flow::next`] says [`Next::Undecided`], an internal error, never a silent choice.
//!
//! ```text
//! full handshake (RFC 5246 7.3)                resumed by session id (RFC 5246 7.3)
//! client                      server           client                      server
//! ClientHello          -->                     ClientHello          -->
//!                             ServerHello                                  ServerHello
//!                             Certificate                                  [ChangeCipherSpec]
//!                             ServerKeyExchange*              <--          Finished
//!                             CertificateRequest+ [ChangeCipherSpec]
//!                      <--    ServerHelloDone  Finished             -->
//! Certificate+
//! ClientKeyExchange                            * ECDHE suites only
//! CertificateVerify+ (non-empty Certificate)   + client authentication
//! [ChangeCipherSpec]
//! Finished             -->
//!                             NewSessionTicket#
//!                             [ChangeCipherSpec]
//!                      <--    Finished         # when the ServerHello announced a ticket
//!                                                (RFC 5077 3.1), in the resumed rows too
//! ```

use core::fmt;

use mtls_wire::handshake::KeyExchangeAlgorithm;

/// Which side sends a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// The TLS client.
    Client,
    /// The TLS server.
    Server,
}

impl Side {
    /// The other side.
    pub const fn peer(self) -> Side {
        match self {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        }
    }
}

/// One message of a handshake (ChangeCipherSpec included, though it is its own protocol).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// ClientHello (RFC 5246 7.4.1.2).
    ClientHello,
    /// ServerHello (RFC 5246 7.4.1.3).
    ServerHello,
    /// Certificate, from either side (RFC 5246 7.4.2, 7.4.6).
    Certificate,
    /// ServerKeyExchange (RFC 5246 7.4.3; RFC 8422 5.4).
    ServerKeyExchange,
    /// CertificateRequest (RFC 5246 7.4.4).
    CertificateRequest,
    /// ServerHelloDone (RFC 5246 7.4.5).
    ServerHelloDone,
    /// ClientKeyExchange (RFC 5246 7.4.7).
    ClientKeyExchange,
    /// CertificateVerify (RFC 5246 7.4.8).
    CertificateVerify,
    /// ChangeCipherSpec (RFC 5246 7.1).
    ChangeCipherSpec,
    /// Finished (RFC 5246 7.4.9).
    Finished,
    /// NewSessionTicket (RFC 5077 3.3): the server's session state, sealed for the client to
    /// keep, right before the server's ChangeCipherSpec.
    NewSessionTicket,
}

/// One step of a sequence: who sends what.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Step {
    /// The sender.
    pub from: Side,
    /// The message.
    pub msg: Msg,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let who = match self.from {
            Side::Client => "client",
            Side::Server => "server",
        };
        write!(f, "{who} {:?}", self.msg)
    }
}

/// A kind of handshake: one row of [`SEQUENCES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// ECDHE, no client authentication.
    FullEcdhe,
    /// ECDHE, client certificate requested and given (with CertificateVerify).
    FullEcdheClientCert,
    /// ECDHE, client certificate requested, empty Certificate in reply.
    FullEcdheNoClientCert,
    /// Static RSA key exchange, no client authentication.
    FullRsa,
    /// Static RSA, client certificate requested and given.
    FullRsaClientCert,
    /// Static RSA, client certificate requested, empty Certificate in reply.
    FullRsaNoClientCert,
    /// Abbreviated handshake resuming a session (by id, or by a ticket the server does not
    /// renew).
    Resumed,
    /// [`Kind::FullEcdhe`] with a NewSessionTicket (RFC 5077 3.1).
    FullEcdheTicket,
    /// [`Kind::FullEcdheClientCert`] with a NewSessionTicket.
    FullEcdheClientCertTicket,
    /// [`Kind::FullEcdheNoClientCert`] with a NewSessionTicket.
    FullEcdheNoClientCertTicket,
    /// [`Kind::FullRsa`] with a NewSessionTicket.
    FullRsaTicket,
    /// [`Kind::FullRsaClientCert`] with a NewSessionTicket.
    FullRsaClientCertTicket,
    /// [`Kind::FullRsaNoClientCert`] with a NewSessionTicket.
    FullRsaNoClientCertTicket,
    /// Abbreviated handshake resuming a session by ticket, with a renewed ticket (RFC 5077
    /// 3.1, figure 2).
    ResumedTicket,
}

impl Kind {
    /// Every kind, in table order.
    pub const ALL: [Kind; 14] = [
        Kind::FullEcdhe,
        Kind::FullEcdheClientCert,
        Kind::FullEcdheNoClientCert,
        Kind::FullRsa,
        Kind::FullRsaClientCert,
        Kind::FullRsaNoClientCert,
        Kind::Resumed,
        Kind::FullEcdheTicket,
        Kind::FullEcdheClientCertTicket,
        Kind::FullEcdheNoClientCertTicket,
        Kind::FullRsaTicket,
        Kind::FullRsaClientCertTicket,
        Kind::FullRsaNoClientCertTicket,
        Kind::ResumedTicket,
    ];

    const fn bit(self) -> u16 {
        1 << (self as u16)
    }

    /// This kind's message sequence.
    pub fn sequence(self) -> &'static [Step] {
        match self {
            Kind::FullEcdhe => FULL_ECDHE,
            Kind::FullEcdheClientCert => FULL_ECDHE_CLIENT_CERT,
            Kind::FullEcdheNoClientCert => FULL_ECDHE_NO_CLIENT_CERT,
            Kind::FullRsa => FULL_RSA,
            Kind::FullRsaClientCert => FULL_RSA_CLIENT_CERT,
            Kind::FullRsaNoClientCert => FULL_RSA_NO_CLIENT_CERT,
            Kind::Resumed => RESUMED,
            Kind::FullEcdheTicket => FULL_ECDHE_TICKET,
            Kind::FullEcdheClientCertTicket => FULL_ECDHE_CLIENT_CERT_TICKET,
            Kind::FullEcdheNoClientCertTicket => FULL_ECDHE_NO_CLIENT_CERT_TICKET,
            Kind::FullRsaTicket => FULL_RSA_TICKET,
            Kind::FullRsaClientCertTicket => FULL_RSA_CLIENT_CERT_TICKET,
            Kind::FullRsaNoClientCertTicket => FULL_RSA_NO_CLIENT_CERT_TICKET,
            Kind::ResumedTicket => RESUMED_TICKET,
        }
    }

    /// True for the abbreviated handshakes (a session resumed, by id or by ticket).
    pub const fn is_resumption(self) -> bool {
        matches!(self, Kind::Resumed | Kind::ResumedTicket)
    }

    /// True when the server sends a NewSessionTicket (RFC 5077 3.3).
    pub const fn issues_ticket(self) -> bool {
        matches!(
            self,
            Kind::FullEcdheTicket
                | Kind::FullEcdheClientCertTicket
                | Kind::FullEcdheNoClientCertTicket
                | Kind::FullRsaTicket
                | Kind::FullRsaClientCertTicket
                | Kind::FullRsaNoClientCertTicket
                | Kind::ResumedTicket
        )
    }

    /// True for the full handshakes with static RSA key exchange.
    pub const fn is_rsa_kx(self) -> bool {
        matches!(
            self,
            Kind::FullRsa
                | Kind::FullRsaClientCert
                | Kind::FullRsaNoClientCert
                | Kind::FullRsaTicket
                | Kind::FullRsaClientCertTicket
                | Kind::FullRsaNoClientCertTicket
        )
    }

    /// True for the full handshakes with ECDHE key exchange.
    pub const fn is_ecdhe(self) -> bool {
        matches!(
            self,
            Kind::FullEcdhe
                | Kind::FullEcdheClientCert
                | Kind::FullEcdheNoClientCert
                | Kind::FullEcdheTicket
                | Kind::FullEcdheClientCertTicket
                | Kind::FullEcdheNoClientCertTicket
        )
    }

    /// True when the server sends a CertificateRequest.
    pub const fn requests_client_cert(self) -> bool {
        matches!(
            self,
            Kind::FullEcdheClientCert
                | Kind::FullEcdheNoClientCert
                | Kind::FullRsaClientCert
                | Kind::FullRsaNoClientCert
                | Kind::FullEcdheClientCertTicket
                | Kind::FullEcdheNoClientCertTicket
                | Kind::FullRsaClientCertTicket
                | Kind::FullRsaNoClientCertTicket
        )
    }

    /// True when the client sends a non-empty Certificate and a CertificateVerify.
    pub const fn has_client_cert(self) -> bool {
        matches!(
            self,
            Kind::FullEcdheClientCert
                | Kind::FullRsaClientCert
                | Kind::FullEcdheClientCertTicket
                | Kind::FullRsaClientCertTicket
        )
    }
}

const fn c(msg: Msg) -> Step {
    Step {
        from: Side::Client,
        msg,
    }
}

const fn s(msg: Msg) -> Step {
    Step {
        from: Side::Server,
        msg,
    }
}

use Msg::*;

/// Full handshake, ECDHE, no client authentication.
pub const FULL_ECDHE: &[Step] = &[
    c(ClientHello),
    s(ServerHello),
    s(Certificate),
    s(ServerKeyExchange),
    s(ServerHelloDone),
    c(ClientKeyExchange),
    c(ChangeCipherSpec),
    c(Finished),
    s(ChangeCipherSpec),
    s(Finished),
];

/// Full handshake, ECDHE, the client authenticates (the spec's sequence).
pub const FULL_ECDHE_CLIENT_CERT: &[Step] = &[
    c(ClientHello),
    s(ServerHello),
    s(Certificate),
    s(ServerKeyExchange),
    s(CertificateRequest),
    s(ServerHelloDone),
    c(Certificate),
    c(ClientKeyExchange),
    c(CertificateVerify),
    c(ChangeCipherSpec),
    c(Finished),
    s(ChangeCipherSpec),
    s(Finished),
];

/// Full handshake, ECDHE, certificate requested, the client has none (RFC 5246 7.4.6:
/// an empty Certificate, and no CertificateVerify, RFC 5246 7.4.8).
pub const FULL_ECDHE_NO_CLIENT_CERT: &[Step] = &[
    c(ClientHello),
    s(ServerHello),
    s(Certificate),
    s(ServerKeyExchange),
    s(CertificateRequest),
    s(ServerHelloDone),
    c(Certificate),
    c(ClientKeyExchange),
    c(ChangeCipherSpec),
    c(Finished),
    s(ChangeCipherSpec),
    s(Finished),
];

/// Full handshake, static RSA: no ServerKeyExchange (RFC 5246 7.4.3), the premaster travels
/// RSA-encrypted in ClientKeyExchange (RFC 5246 7.4.7.1).
pub const FULL_RSA: &[Step] = &[
    c(ClientHello),
    s(ServerHello),
    s(Certificate),
    s(ServerHelloDone),
    c(ClientKeyExchange),
    c(ChangeCipherSpec),
    c(Finished),
    s(ChangeCipherSpec),
    s(Finished),
];

/// Full handshake, static RSA, the client authenticates.
pub const FULL_RSA_CLIENT_CERT: &[Step] = &[
    c(ClientHello),
    s(ServerHello),
    s(Certificate),
    s(CertificateRequest),
    s(ServerHelloDone),
    c(Certificate),
    c(ClientKeyExchange),
    c(CertificateVerify),
    c(ChangeCipherSpec),
    c(Finished),
    s(ChangeCipherSpec),
    s(Finished),
];

/// Full handshake, static RSA, certificate requested, the client has none.
pub const FULL_RSA_NO_CLIENT_CERT: &[Step] = &[
    c(ClientHello),
    s(ServerHello),
    s(Certificate),
    s(CertificateRequest),
    s(ServerHelloDone),
    c(Certificate),
    c(ClientKeyExchange),
    c(ChangeCipherSpec),
    c(Finished),
    s(ChangeCipherSpec),
    s(Finished),
];

/// Abbreviated handshake (RFC 5246 7.3): the server finishes first.
pub const RESUMED: &[Step] = &[
    c(ClientHello),
    s(ServerHello),
    s(ChangeCipherSpec),
    s(Finished),
    c(ChangeCipherSpec),
    c(Finished),
];

/// [`FULL_ECDHE`] with a NewSessionTicket (RFC 5077 3.1, figure 1): the server announced it
/// with an empty SessionTicket extension in its ServerHello.
pub const FULL_ECDHE_TICKET: &[Step] = &[
    c(ClientHello),
    s(ServerHello),
    s(Certificate),
    s(ServerKeyExchange),
    s(ServerHelloDone),
    c(ClientKeyExchange),
    c(ChangeCipherSpec),
    c(Finished),
    s(NewSessionTicket),
    s(ChangeCipherSpec),
    s(Finished),
];

/// [`FULL_ECDHE_CLIENT_CERT`] with a NewSessionTicket.
pub const FULL_ECDHE_CLIENT_CERT_TICKET: &[Step] = &[
    c(ClientHello),
    s(ServerHello),
    s(Certificate),
    s(ServerKeyExchange),
    s(CertificateRequest),
    s(ServerHelloDone),
    c(Certificate),
    c(ClientKeyExchange),
    c(CertificateVerify),
    c(ChangeCipherSpec),
    c(Finished),
    s(NewSessionTicket),
    s(ChangeCipherSpec),
    s(Finished),
];

/// [`FULL_ECDHE_NO_CLIENT_CERT`] with a NewSessionTicket.
pub const FULL_ECDHE_NO_CLIENT_CERT_TICKET: &[Step] = &[
    c(ClientHello),
    s(ServerHello),
    s(Certificate),
    s(ServerKeyExchange),
    s(CertificateRequest),
    s(ServerHelloDone),
    c(Certificate),
    c(ClientKeyExchange),
    c(ChangeCipherSpec),
    c(Finished),
    s(NewSessionTicket),
    s(ChangeCipherSpec),
    s(Finished),
];

/// [`FULL_RSA`] with a NewSessionTicket.
pub const FULL_RSA_TICKET: &[Step] = &[
    c(ClientHello),
    s(ServerHello),
    s(Certificate),
    s(ServerHelloDone),
    c(ClientKeyExchange),
    c(ChangeCipherSpec),
    c(Finished),
    s(NewSessionTicket),
    s(ChangeCipherSpec),
    s(Finished),
];

/// [`FULL_RSA_CLIENT_CERT`] with a NewSessionTicket.
pub const FULL_RSA_CLIENT_CERT_TICKET: &[Step] = &[
    c(ClientHello),
    s(ServerHello),
    s(Certificate),
    s(CertificateRequest),
    s(ServerHelloDone),
    c(Certificate),
    c(ClientKeyExchange),
    c(CertificateVerify),
    c(ChangeCipherSpec),
    c(Finished),
    s(NewSessionTicket),
    s(ChangeCipherSpec),
    s(Finished),
];

/// [`FULL_RSA_NO_CLIENT_CERT`] with a NewSessionTicket.
pub const FULL_RSA_NO_CLIENT_CERT_TICKET: &[Step] = &[
    c(ClientHello),
    s(ServerHello),
    s(Certificate),
    s(CertificateRequest),
    s(ServerHelloDone),
    c(Certificate),
    c(ClientKeyExchange),
    c(ChangeCipherSpec),
    c(Finished),
    s(NewSessionTicket),
    s(ChangeCipherSpec),
    s(Finished),
];

/// [`RESUMED`] with a renewed ticket (RFC 5077 3.1, figure 2): the client's ticket was good
/// and the server issues a fresh one (e.g. the old one was sealed with the previous key).
pub const RESUMED_TICKET: &[Step] = &[
    c(ClientHello),
    s(ServerHello),
    s(NewSessionTicket),
    s(ChangeCipherSpec),
    s(Finished),
    c(ChangeCipherSpec),
    c(Finished),
];

/// The table: every handshake kind with its exact message sequence.
pub const SEQUENCES: [(Kind, &[Step]); 14] = [
    (Kind::FullEcdhe, FULL_ECDHE),
    (Kind::FullEcdheClientCert, FULL_ECDHE_CLIENT_CERT),
    (Kind::FullEcdheNoClientCert, FULL_ECDHE_NO_CLIENT_CERT),
    (Kind::FullRsa, FULL_RSA),
    (Kind::FullRsaClientCert, FULL_RSA_CLIENT_CERT),
    (Kind::FullRsaNoClientCert, FULL_RSA_NO_CLIENT_CERT),
    (Kind::Resumed, RESUMED),
    (Kind::FullEcdheTicket, FULL_ECDHE_TICKET),
    (
        Kind::FullEcdheClientCertTicket,
        FULL_ECDHE_CLIENT_CERT_TICKET,
    ),
    (
        Kind::FullEcdheNoClientCertTicket,
        FULL_ECDHE_NO_CLIENT_CERT_TICKET,
    ),
    (Kind::FullRsaTicket, FULL_RSA_TICKET),
    (Kind::FullRsaClientCertTicket, FULL_RSA_CLIENT_CERT_TICKET),
    (
        Kind::FullRsaNoClientCertTicket,
        FULL_RSA_NO_CLIENT_CERT_TICKET,
    ),
    (Kind::ResumedTicket, RESUMED_TICKET),
];

/// What a handler learned that decides between kinds of handshake.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fact {
    /// The server resumes the offered session (`true`) or runs a full handshake.
    Resumption(bool),
    /// The suite's key exchange (full handshakes): ECDHE has a ServerKeyExchange, static RSA
    /// none (RFC 5246 7.4.3).
    KeyExchange(KeyExchangeAlgorithm),
    /// The server asks for a client certificate (full handshakes; the server decides it at
    /// the ClientHello, the client sees it as a CertificateRequest).
    ClientAuth(bool),
    /// The client's Certificate carries a chain (`true`) or is empty (RFC 5246 7.4.6).
    ClientCertificate(bool),
    /// The server sends a NewSessionTicket (`true`): it decides at the ClientHello and says
    /// so with an empty SessionTicket extension in its ServerHello (RFC 5077 3.2).
    Ticket(bool),
}

impl Fact {
    /// True when a handshake of `kind` is consistent with this fact.
    pub const fn admits(self, kind: Kind) -> bool {
        match self {
            Fact::Resumption(resumed) => kind.is_resumption() == resumed,
            Fact::KeyExchange(KeyExchangeAlgorithm::Ecdhe) => kind.is_ecdhe(),
            Fact::KeyExchange(KeyExchangeAlgorithm::Rsa) => kind.is_rsa_kx(),
            Fact::ClientAuth(asked) => kind.requests_client_cert() == asked,
            Fact::ClientCertificate(given) => kind.has_client_cert() == given,
            Fact::Ticket(issued) => kind.issues_ticket() == issued,
        }
    }
}

/// Where a handshake is in the table: a position and the kinds still possible.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flow {
    pos: usize,
    candidates: u16,
}

impl Default for Flow {
    fn default() -> Self {
        Self::new()
    }
}

/// What a [`Flow`] says about the next step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// It is our turn to send this message.
    Send(Msg),
    /// We wait for the peer.
    Receive,
    /// The handshake is complete.
    Done,
    /// The kinds that remain disagree on the next step: a fact was not reported. A bug,
    /// never a choice.
    Undecided,
}

impl Flow {
    /// The start of every handshake: all kinds possible.
    pub const fn new() -> Self {
        // One bit per kind (`Kind as u8` is its index in `Kind::ALL`).
        Self {
            pos: 0,
            candidates: (1u16 << Kind::ALL.len()) - 1,
        }
    }

    fn kinds(&self) -> impl Iterator<Item = Kind> + '_ {
        Kind::ALL
            .into_iter()
            .filter(|k| self.candidates & k.bit() != 0)
    }

    /// The kinds still possible.
    pub fn candidates(&self) -> Vec<Kind> {
        self.kinds().collect()
    }

    /// The kind of this handshake, once only one remains.
    pub fn kind(&self) -> Option<Kind> {
        let mut kinds = self.kinds();
        match (kinds.next(), kinds.next()) {
            (Some(k), None) => Some(k),
            _ => None,
        }
    }

    /// Steps taken so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Keeps only the kinds consistent with what a handler learned. A fact that no remaining
    /// kind admits is a bug in the caller, reported as `false`.
    #[must_use]
    pub fn learn(&mut self, fact: Fact) -> bool {
        self.narrow(|k| fact.admits(k))
    }

    /// True while some remaining kind still has a client CertificateVerify ahead: until
    /// then the transcript must keep what a CertificateVerify signs (RFC 5246 7.4.8).
    pub fn certificate_verify_ahead(&self) -> bool {
        let cv = Step {
            from: Side::Client,
            msg: Msg::CertificateVerify,
        };
        self.kinds().any(|k| {
            k.sequence()
                .get(self.pos..)
                .is_some_and(|rest| rest.contains(&cv))
        })
    }

    /// Keeps only the kinds for which `keep` holds; never narrows to nothing (`false`).
    #[must_use]
    fn narrow(&mut self, keep: impl Fn(Kind) -> bool) -> bool {
        let narrowed = Kind::ALL
            .into_iter()
            .filter(|k| self.candidates & k.bit() != 0 && keep(*k))
            .fold(0u16, |acc, k| acc | k.bit());
        if narrowed == 0 {
            return false;
        }
        self.candidates = narrowed;
        true
    }

    /// What the table says `me` does next. Every remaining kind must say the same thing
    /// (finish, wait for the peer, or send one message); otherwise [`Next::Undecided`].
    pub fn next(&self, me: Side) -> Next {
        let mut answer = None;
        for kind in self.kinds() {
            let here = match kind.sequence().get(self.pos) {
                None => Next::Done,
                Some(step) if step.from == me => Next::Send(step.msg),
                // Waiting is the same answer whatever the peer's next message may be.
                Some(_) => Next::Receive,
            };
            match answer {
                None => answer = Some(here),
                Some(a) if a == here => {}
                Some(_) => return Next::Undecided,
            }
        }
        answer.unwrap_or(Next::Undecided)
    }

    /// The messages the peer may send now (for error messages).
    pub fn expected(&self) -> Vec<Step> {
        let mut out: Vec<Step> = Vec::new();
        for kind in self.kinds() {
            if let Some(step) = kind.sequence().get(self.pos)
                && !out.contains(step)
            {
                out.push(*step);
            }
        }
        out
    }

    /// Takes `step` if some remaining kind has it here: narrows to those kinds and advances.
    /// `false` means the step is out of sequence.
    #[must_use]
    pub fn advance(&mut self, step: Step) -> bool {
        let pos = self.pos;
        if !self.narrow(|k| k.sequence().get(pos) == Some(&step)) {
            return false;
        }
        self.pos += 1;
        true
    }
}

#[cfg(test)]
#[path = "sequence_tests.rs"]
mod tests;
