//! Every handshake this stack speaks, TLS 1.2 and TLS 1.3, as one table of message sequences.
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
    /// EncryptedExtensions (RFC 8446 4.3.1): TLS 1.3 only, the server's first protected
    /// message.
    EncryptedExtensions,
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
    /// TLS 1.3 full handshake, no client authentication (RFC 8446 2).
    Tls13,
    /// TLS 1.3, the client authenticates (Certificate and CertificateVerify).
    Tls13ClientCert,
    /// TLS 1.3, a certificate requested, the client sends an empty Certificate and no
    /// CertificateVerify (RFC 8446 4.4.2.4).
    Tls13NoClientCert,
    /// [`Kind::Tls13`] after a HelloRetryRequest (RFC 8446 4.1.4).
    Tls13Retry,
    /// [`Kind::Tls13ClientCert`] after a HelloRetryRequest.
    Tls13RetryClientCert,
    /// [`Kind::Tls13NoClientCert`] after a HelloRetryRequest.
    Tls13RetryNoClientCert,
    /// TLS 1.3 post-handshake authentication (RFC 8446 4.6.2), the client sends a
    /// certificate. Not a handshake: a [`Flow::post_handshake_auth`] starts here.
    PostHandshakeAuth,
    /// TLS 1.3 post-handshake authentication, the client sends an empty Certificate.
    PostHandshakeAuthEmpty,
    /// TLS 1.3 resumption with a PSK from a ticket, psk_dhe_ke (RFC 8446 2.2): no
    /// Certificate, CertificateVerify or CertificateRequest; the identities are the
    /// ticket's.
    Tls13Psk,
    /// [`Kind::Tls13Psk`] after a HelloRetryRequest.
    Tls13PskRetry,
}

impl Kind {
    /// Every kind, in table order.
    pub const ALL: [Kind; 24] = [
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
        Kind::Tls13,
        Kind::Tls13ClientCert,
        Kind::Tls13NoClientCert,
        Kind::Tls13Retry,
        Kind::Tls13RetryClientCert,
        Kind::Tls13RetryNoClientCert,
        Kind::PostHandshakeAuth,
        Kind::PostHandshakeAuthEmpty,
        Kind::Tls13Psk,
        Kind::Tls13PskRetry,
    ];

    pub(crate) const fn bit(self) -> u32 {
        1 << (self as u32)
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
            Kind::Tls13 => TLS13,
            Kind::Tls13ClientCert => TLS13_CLIENT_CERT,
            Kind::Tls13NoClientCert => TLS13_NO_CLIENT_CERT,
            Kind::Tls13Retry => TLS13_RETRY,
            Kind::Tls13RetryClientCert => TLS13_RETRY_CLIENT_CERT,
            Kind::Tls13RetryNoClientCert => TLS13_RETRY_NO_CLIENT_CERT,
            Kind::PostHandshakeAuth => POST_HANDSHAKE_AUTH,
            Kind::PostHandshakeAuthEmpty => POST_HANDSHAKE_AUTH_EMPTY,
            Kind::Tls13Psk => TLS13_PSK,
            Kind::Tls13PskRetry => TLS13_PSK_RETRY,
        }
    }

    /// True for the TLS 1.3 handshakes (RFC 8446).
    pub const fn is_tls13(self) -> bool {
        matches!(
            self,
            Kind::Tls13
                | Kind::Tls13ClientCert
                | Kind::Tls13NoClientCert
                | Kind::Tls13Retry
                | Kind::Tls13RetryClientCert
                | Kind::Tls13RetryNoClientCert
                | Kind::Tls13Psk
                | Kind::Tls13PskRetry
        )
    }

    /// True for the TLS 1.3 handshakes with a HelloRetryRequest (RFC 8446 4.1.4).
    pub const fn is_retry(self) -> bool {
        matches!(
            self,
            Kind::Tls13Retry
                | Kind::Tls13RetryClientCert
                | Kind::Tls13RetryNoClientCert
                | Kind::Tls13PskRetry
        )
    }

    /// True for the post-handshake authentication exchanges (RFC 8446 4.6.2): rows a
    /// [`Flow::post_handshake_auth`] walks, never a [`Flow::new`].
    pub const fn is_post_handshake(self) -> bool {
        matches!(self, Kind::PostHandshakeAuth | Kind::PostHandshakeAuthEmpty)
    }

    /// True for the abbreviated handshakes (a session resumed, by id or by ticket; in TLS
    /// 1.3 with a ticket's PSK).
    pub const fn is_resumption(self) -> bool {
        matches!(
            self,
            Kind::Resumed | Kind::ResumedTicket | Kind::Tls13Psk | Kind::Tls13PskRetry
        )
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
                | Kind::Tls13ClientCert
                | Kind::Tls13NoClientCert
                | Kind::Tls13RetryClientCert
                | Kind::Tls13RetryNoClientCert
                | Kind::PostHandshakeAuth
                | Kind::PostHandshakeAuthEmpty
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
                | Kind::Tls13ClientCert
                | Kind::Tls13RetryClientCert
                | Kind::PostHandshakeAuth
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

/// TLS 1.3 full handshake without client authentication (RFC 8446 2, figure 1).
pub const TLS13: &[Step] = &[
    c(ClientHello),
    s(ServerHello),
    s(EncryptedExtensions),
    s(Certificate),
    s(CertificateVerify),
    s(Finished),
    c(Finished),
];

/// TLS 1.3 full handshake, the client authenticates (RFC 8446 4.3.2, 4.4.2, 4.4.3).
pub const TLS13_CLIENT_CERT: &[Step] = &[
    c(ClientHello),
    s(ServerHello),
    s(EncryptedExtensions),
    s(CertificateRequest),
    s(Certificate),
    s(CertificateVerify),
    s(Finished),
    c(Certificate),
    c(CertificateVerify),
    c(Finished),
];

/// TLS 1.3, a certificate requested, the client has none: an empty Certificate and no
/// CertificateVerify (RFC 8446 4.4.2.4).
pub const TLS13_NO_CLIENT_CERT: &[Step] = &[
    c(ClientHello),
    s(ServerHello),
    s(EncryptedExtensions),
    s(CertificateRequest),
    s(Certificate),
    s(CertificateVerify),
    s(Finished),
    c(Certificate),
    c(Finished),
];

/// [`TLS13`] after a HelloRetryRequest (RFC 8446 4.1.4): the first ServerHello is the
/// retry request (its special random), the client says hello again.
pub const TLS13_RETRY: &[Step] = &[
    c(ClientHello),
    s(ServerHello),
    c(ClientHello),
    s(ServerHello),
    s(EncryptedExtensions),
    s(Certificate),
    s(CertificateVerify),
    s(Finished),
    c(Finished),
];

/// [`TLS13_CLIENT_CERT`] after a HelloRetryRequest.
pub const TLS13_RETRY_CLIENT_CERT: &[Step] = &[
    c(ClientHello),
    s(ServerHello),
    c(ClientHello),
    s(ServerHello),
    s(EncryptedExtensions),
    s(CertificateRequest),
    s(Certificate),
    s(CertificateVerify),
    s(Finished),
    c(Certificate),
    c(CertificateVerify),
    c(Finished),
];

/// [`TLS13_NO_CLIENT_CERT`] after a HelloRetryRequest.
pub const TLS13_RETRY_NO_CLIENT_CERT: &[Step] = &[
    c(ClientHello),
    s(ServerHello),
    c(ClientHello),
    s(ServerHello),
    s(EncryptedExtensions),
    s(CertificateRequest),
    s(Certificate),
    s(CertificateVerify),
    s(Finished),
    c(Certificate),
    c(Finished),
];

/// Post-handshake authentication (RFC 8446 4.6.2), the client has a certificate.
pub const POST_HANDSHAKE_AUTH: &[Step] = &[
    s(CertificateRequest),
    c(Certificate),
    c(CertificateVerify),
    c(Finished),
];

/// Post-handshake authentication, the client answers with an empty Certificate.
pub const POST_HANDSHAKE_AUTH_EMPTY: &[Step] =
    &[s(CertificateRequest), c(Certificate), c(Finished)];

/// TLS 1.3 resumption with a ticket's PSK and (EC)DHE (RFC 8446 2.2, figure 3): both
/// hellos carry pre_shared_key, the server proves the PSK with its Finished alone.
pub const TLS13_PSK: &[Step] = &[
    c(ClientHello),
    s(ServerHello),
    s(EncryptedExtensions),
    s(Finished),
    c(Finished),
];

/// [`TLS13_PSK`] after a HelloRetryRequest (RFC 8446 4.1.4): the second ClientHello offers
/// the PSK again with a binder over the new transcript.
pub const TLS13_PSK_RETRY: &[Step] = &[
    c(ClientHello),
    s(ServerHello),
    c(ClientHello),
    s(ServerHello),
    s(EncryptedExtensions),
    s(Finished),
    c(Finished),
];

/// The table: every handshake kind with its exact message sequence.
pub const SEQUENCES: [(Kind, &[Step]); 24] = [
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
    (Kind::Tls13, TLS13),
    (Kind::Tls13ClientCert, TLS13_CLIENT_CERT),
    (Kind::Tls13NoClientCert, TLS13_NO_CLIENT_CERT),
    (Kind::Tls13Retry, TLS13_RETRY),
    (Kind::Tls13RetryClientCert, TLS13_RETRY_CLIENT_CERT),
    (Kind::Tls13RetryNoClientCert, TLS13_RETRY_NO_CLIENT_CERT),
    (Kind::PostHandshakeAuth, POST_HANDSHAKE_AUTH),
    (Kind::PostHandshakeAuthEmpty, POST_HANDSHAKE_AUTH_EMPTY),
    (Kind::Tls13Psk, TLS13_PSK),
    (Kind::Tls13PskRetry, TLS13_PSK_RETRY),
];

/// What a handler learned that decides between kinds of handshake.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fact {
    /// The server resumes the offered session (`true`) or runs a full handshake; in TLS 1.3
    /// the server accepts a ticket's PSK (it says so with pre_shared_key in its ServerHello,
    /// RFC 8446 4.2.11), which admits the PSK rows.
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
    /// TLS 1.3 was negotiated (`true`) or TLS 1.2: the server decides at the ClientHello,
    /// the client learns it from the ServerHello's supported_versions (RFC 8446 4.2.1).
    Tls13(bool),
    /// The server answered the first ClientHello with a HelloRetryRequest (RFC 8446 4.1.4).
    HelloRetry(bool),
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
            Fact::Tls13(tls13) => kind.is_tls13() == tls13,
            Fact::HelloRetry(retry) => kind.is_retry() == retry,
        }
    }
}

mod flow;

pub use flow::{Flow, Next};

#[cfg(test)]
mod tests;
