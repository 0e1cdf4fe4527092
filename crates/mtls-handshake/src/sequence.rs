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
//! authentication) and what the handlers learn (the ServerHello's suite fixes the key
//! exchange; an echoed session id means resumption; an empty client Certificate means no
//! CertificateVerify). The kinds that remain always agree on the next step.
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
//!                             [ChangeCipherSpec]
//!                      <--    Finished
//! ```

use core::fmt;

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
    /// Abbreviated handshake resuming a session by id.
    Resumed,
}

impl Kind {
    /// Every kind, in table order.
    pub const ALL: [Kind; 7] = [
        Kind::FullEcdhe,
        Kind::FullEcdheClientCert,
        Kind::FullEcdheNoClientCert,
        Kind::FullRsa,
        Kind::FullRsaClientCert,
        Kind::FullRsaNoClientCert,
        Kind::Resumed,
    ];

    const fn bit(self) -> u8 {
        1 << (self as u8)
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
        }
    }

    /// True for the full handshakes with static RSA key exchange.
    pub const fn is_rsa_kx(self) -> bool {
        matches!(
            self,
            Kind::FullRsa | Kind::FullRsaClientCert | Kind::FullRsaNoClientCert
        )
    }

    /// True for the full handshakes with ECDHE key exchange.
    pub const fn is_ecdhe(self) -> bool {
        matches!(
            self,
            Kind::FullEcdhe | Kind::FullEcdheClientCert | Kind::FullEcdheNoClientCert
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
        )
    }

    /// True when the client sends a non-empty Certificate and a CertificateVerify.
    pub const fn has_client_cert(self) -> bool {
        matches!(self, Kind::FullEcdheClientCert | Kind::FullRsaClientCert)
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

/// The table: every handshake kind with its exact message sequence.
pub const SEQUENCES: [(Kind, &[Step]); 7] = [
    (Kind::FullEcdhe, FULL_ECDHE),
    (Kind::FullEcdheClientCert, FULL_ECDHE_CLIENT_CERT),
    (Kind::FullEcdheNoClientCert, FULL_ECDHE_NO_CLIENT_CERT),
    (Kind::FullRsa, FULL_RSA),
    (Kind::FullRsaClientCert, FULL_RSA_CLIENT_CERT),
    (Kind::FullRsaNoClientCert, FULL_RSA_NO_CLIENT_CERT),
    (Kind::Resumed, RESUMED),
];

/// Where a handshake is in the table: a position and the kinds still possible.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flow {
    pos: usize,
    candidates: u8,
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
}

impl Flow {
    /// The start of every handshake: all kinds possible.
    pub const fn new() -> Self {
        // One bit per kind (`Kind as u8` is its index in `Kind::ALL`).
        Self {
            pos: 0,
            candidates: (1u8 << Kind::ALL.len()) - 1,
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

    /// Keeps only the kinds for which `keep` holds (a handler learned something). Narrowing
    /// to nothing is a bug in the caller, reported as `false`.
    #[must_use]
    pub fn narrow(&mut self, keep: impl Fn(Kind) -> bool) -> bool {
        let narrowed = Kind::ALL
            .into_iter()
            .filter(|k| self.candidates & k.bit() != 0 && keep(*k))
            .fold(0u8, |acc, k| acc | k.bit());
        if narrowed == 0 {
            return false;
        }
        self.candidates = narrowed;
        true
    }

    /// What the table says `me` does next.
    pub fn next(&self, me: Side) -> Next {
        let mut sends = None;
        let mut receives = false;
        for kind in self.kinds() {
            match kind.sequence().get(self.pos) {
                None => return Next::Done,
                Some(step) if step.from == me => sends = Some(step.msg),
                Some(_) => receives = true,
            }
        }
        match (sends, receives) {
            (Some(msg), false) => Next::Send(msg),
            _ => Next::Receive,
        }
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
mod tests {
    use super::*;

    #[test]
    fn every_sequence_starts_with_the_hellos_and_ends_with_finished() {
        for (kind, seq) in SEQUENCES {
            assert_eq!(seq.first(), Some(&c(ClientHello)), "{kind:?}");
            assert_eq!(seq.get(1), Some(&s(ServerHello)), "{kind:?}");
            assert_eq!(seq.last().map(|s| s.msg), Some(Finished), "{kind:?}");
            assert_eq!(kind.sequence(), seq);
        }
    }

    #[test]
    fn rfc5246_7_4_8_certificate_verify_only_after_a_non_empty_certificate() {
        for (kind, seq) in SEQUENCES {
            let has_cv = seq.contains(&c(CertificateVerify));
            assert_eq!(has_cv, kind.has_client_cert(), "{kind:?}");
            let has_cr = seq.contains(&s(CertificateRequest));
            assert_eq!(has_cr, kind.requests_client_cert(), "{kind:?}");
            assert_eq!(seq.contains(&c(Certificate)), has_cr, "{kind:?}");
        }
    }

    #[test]
    fn rfc5246_7_4_3_server_key_exchange_only_for_ecdhe() {
        for (kind, seq) in SEQUENCES {
            assert_eq!(
                seq.contains(&s(ServerKeyExchange)),
                kind.is_ecdhe(),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn rfc5246_7_1_change_cipher_spec_right_before_each_finished() {
        for (kind, seq) in SEQUENCES {
            for (i, step) in seq.iter().enumerate() {
                if step.msg == Finished {
                    assert_eq!(
                        seq[i - 1],
                        Step {
                            from: step.from,
                            msg: ChangeCipherSpec
                        },
                        "{kind:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn kinds_that_remain_agree_on_who_sends_next() {
        // Walk every sequence from the start with the narrowing a receiver does; at each point
        // the remaining kinds never disagree between two messages of ours.
        for (kind, seq) in SEQUENCES {
            let mut flow = Flow::new();
            for step in seq {
                assert!(flow.advance(*step), "{kind:?} at {step}");
            }
            assert_eq!(flow.kind(), Some(kind));
            assert_eq!(flow.next(Side::Client), Next::Done);
        }
    }

    #[test]
    fn out_of_sequence_step_is_refused() {
        let mut flow = Flow::new();
        assert!(flow.advance(c(ClientHello)));
        assert!(!flow.advance(s(Certificate)));
        assert!(!flow.advance(c(Finished)));
        assert!(flow.advance(s(ServerHello)));
        // Now either a server Certificate (full) or a server CCS (resumed).
        assert_eq!(flow.expected(), vec![s(Certificate), s(ChangeCipherSpec)]);
        assert!(!flow.advance(s(ServerHelloDone)));
    }
}
