//! Test harness: certificates from fixtures, permissive verifiers, and a pump that runs a
//! client against a server in memory, through the real record layer.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;

use mtls_crypto::DeterministicRng;
use mtls_handshake::{
    Action, ClientAuthPolicy, ClientConfig, ClientHandshake, FixedClock, Handshake, HandshakeError,
    Input, ServerConfig, ServerHandshake,
};
use mtls_testkit::Driven;
pub use mtls_testkit::{
    AcceptServer, MemoryKeyLog, RecordEndpoint, Tamper, TestClientVerifier, certified, fixture,
};
use mtls_wire::alert::Alert;
use mtls_wire::{AlertDescription, ContentType, ProtocolVersion};

/// 2026-11-28, inside the fixtures' validity.
pub const NOW: u64 = 1_795_824_000;

/// A TLS 1.2 server (most tests here are about TLS 1.2; the TLS 1.3 ones set
/// `versions` themselves, see tls13_common.rs).
pub fn server_config(cert: &str) -> ServerConfig {
    let mut c = ServerConfig::new(Arc::new(vec![certified(cert)]));
    c.time = Arc::new(FixedClock(NOW));
    c.versions = vec![ProtocolVersion::TLSv1_2];
    c
}

/// A TLS 1.2 client (see [`server_config`]).
pub fn client_config() -> ClientConfig {
    let mut c = ClientConfig::new(Arc::new(AcceptServer::default()));
    c.time = Arc::new(FixedClock(NOW));
    c.versions = vec![ProtocolVersion::TLSv1_2];
    c
}

/// A TLS 1.2 mutual-authentication pair: our server with `server_cert` under `policy` (its
/// verifier accepts any client chain), our client presenting `client_cert` if given.
pub fn mutual(
    server_cert: &str,
    client_cert: Option<&str>,
    policy: ClientAuthPolicy,
) -> (ClientConfig, ServerConfig) {
    let mut sc = server_config(server_cert);
    sc.client_auth = policy;
    sc.client_verifier = Some(Arc::new(TestClientVerifier::accepting()));
    let mut cc = client_config();
    if let Some(name) = client_cert {
        cc.cert_resolver = Some(Arc::new(certified(name)));
    }
    (cc, sc)
}

/// Moves `from`'s outgoing bytes into `to` and lets `to`'s handshake react. False when there
/// was nothing to move or `to` has failed.
fn deliver(from: &mut RecordEndpoint, to: &mut RecordEndpoint, hs: &mut dyn Handshake) -> bool {
    if from.outgoing.is_empty() || to.error.is_some() {
        return false;
    }
    let bytes = std::mem::take(&mut from.outgoing);
    to.receive(&bytes, hs);
    true
}

/// A client and a server connected in memory.
pub struct Pair {
    pub client: ClientHandshake,
    pub server: ServerHandshake,
    pub c: RecordEndpoint,
    pub s: RecordEndpoint,
}

impl Pair {
    pub fn new(client_config: ClientConfig, server_config: ServerConfig, seed: u8) -> Self {
        Self::build(
            Arc::new(client_config),
            Arc::new(server_config),
            seed,
            Some("localhost"),
            None,
            None,
        )
    }

    pub fn build(
        client_config: Arc<ClientConfig>,
        server_config: Arc<ServerConfig>,
        seed: u8,
        name: Option<&str>,
        client_tamper: Option<Tamper>,
        server_tamper: Option<Tamper>,
    ) -> Self {
        let (client, actions) = ClientHandshake::with_rng(
            client_config,
            name,
            Box::new(DeterministicRng::from_seed([seed; 32])),
        )
        .unwrap();
        let server = ServerHandshake::with_rng(
            server_config,
            Box::new(DeterministicRng::from_seed([seed.wrapping_add(100); 32])),
        );
        let mut c = RecordEndpoint::new("client");
        c.tamper = client_tamper;
        c.apply(actions);
        let mut s = RecordEndpoint::new("server");
        s.tamper = server_tamper;
        Pair {
            client,
            server,
            c,
            s,
        }
    }

    /// Runs until both sides are complete and quiet, or nothing moves.
    pub fn run(&mut self) {
        let mut c = Driven::new(&mut self.c, &mut self.client);
        let mut s = Driven::new(&mut self.s, &mut self.server);
        let _ = mtls_testkit::pump(&mut c, &mut s);
    }

    /// Sends application data both ways and checks it arrives.
    pub fn exchange_data(&mut self) {
        self.c
            .writer
            .write(
                ContentType::ApplicationData,
                b"ping from client",
                &mut self.c.outgoing,
            )
            .unwrap();
        self.s
            .writer
            .write(
                ContentType::ApplicationData,
                b"pong from server",
                &mut self.s.outgoing,
            )
            .unwrap();
        self.run();
        assert_eq!(self.s.app_data, b"ping from client");
        assert_eq!(self.c.app_data, b"pong from server");
    }

    /// Both complete, no errors.
    pub fn assert_ok(&self) {
        assert_eq!(self.c.error, None, "client failed");
        assert_eq!(self.s.error, None, "server failed");
        assert!(
            self.c.complete && self.client.is_complete(),
            "client not complete"
        );
        assert!(
            self.s.complete && self.server.is_complete(),
            "server not complete"
        );
    }

    /// The side that detected the problem failed with `alert`, the other received it.
    pub fn assert_failed(&self, side: &str, alert: AlertDescription) {
        let (me, peer) = if side == "client" {
            (&self.c, &self.s)
        } else {
            (&self.s, &self.c)
        };
        let err = me
            .error
            .as_ref()
            .unwrap_or_else(|| panic!("{side} did not fail"));
        assert_eq!(err.alert(), alert, "{side} failed with {err}");
        assert!(
            peer.alerts_received.iter().any(|a| a.description == alert),
            "the peer did not receive {alert:?}: {:?}",
            peer.alerts_received
        );
        assert!(!self.c.complete || !self.s.complete, "both sides completed");
    }
}

// ---- Helpers for the hostile-peer, Bleichenbacher, determinism and negotiation tests ----

use mtls_wire::HandshakeType;
use mtls_wire::handshake::{
    ClientHello, HandshakeMessage, HandshakePayload, KeyExchangeAlgorithm, ParseContext,
    ServerHello,
};

/// Parses one whole handshake message (the key exchange is needed for ServerKeyExchange and
/// ClientKeyExchange bodies).
pub fn parse_message(m: &[u8], kx: Option<KeyExchangeAlgorithm>) -> HandshakePayload {
    let (msg, rest) = HandshakeMessage::parse(m, &ParseContext { kx }).unwrap();
    assert!(rest.is_empty());
    msg.into_payload()
}

/// Encodes a payload as a whole handshake message (header included).
pub fn encode_message(payload: HandshakePayload) -> Vec<u8> {
    HandshakeMessage::new(payload).raw().to_vec()
}

/// A tamper that applies `f` to every message of type `typ` and passes the rest through.
pub fn on_type(typ: HandshakeType, mut f: impl FnMut(&[u8]) -> Vec<Vec<u8>> + 'static) -> Tamper {
    Box::new(move |m: &[u8]| {
        if m.first() == Some(&typ.to_u8()) {
            f(m)
        } else {
            vec![m.to_vec()]
        }
    })
}

/// A tamper that drops every message of type `typ`.
pub fn drop_type(typ: HandshakeType) -> Tamper {
    on_type(typ, |_| Vec::new())
}

/// A tamper that sends every message of type `typ` twice.
pub fn duplicate_type(typ: HandshakeType) -> Tamper {
    on_type(typ, |m| vec![m.to_vec(), m.to_vec()])
}

/// A tamper that inserts `extra` right after every message of type `after`.
pub fn insert_after(after: HandshakeType, extra: Vec<u8>) -> Tamper {
    on_type(after, move |m| vec![m.to_vec(), extra.clone()])
}

/// A tamper that edits the ClientHello (parsed, changed, re-encoded).
pub fn edit_client_hello(mut f: impl FnMut(&mut ClientHello) + 'static) -> Tamper {
    on_type(HandshakeType::ClientHello, move |m| {
        let HandshakePayload::ClientHello(mut ch) = parse_message(m, None) else {
            panic!("not a ClientHello")
        };
        f(&mut ch);
        vec![encode_message(HandshakePayload::ClientHello(ch))]
    })
}

/// A tamper that edits the ServerHello (parsed, changed, re-encoded).
pub fn edit_server_hello(mut f: impl FnMut(&mut ServerHello) + 'static) -> Tamper {
    on_type(HandshakeType::ServerHello, move |m| {
        let HandshakePayload::ServerHello(mut sh) = parse_message(m, None) else {
            panic!("not a ServerHello")
        };
        f(&mut sh);
        vec![encode_message(HandshakePayload::ServerHello(sh))]
    })
}

/// What a sans-IO call asks to put on the wire (or report), without a record layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Out {
    Hs(Vec<u8>),
    Ccs,
    Alert(Alert),
    Complete,
}

/// The wire-visible part of a list of actions (key changes dropped).
pub fn outs(actions: Vec<Action>) -> Vec<Out> {
    actions
        .into_iter()
        .filter_map(|a| match a {
            Action::SendHandshake(m) => Some(Out::Hs(m)),
            Action::SendChangeCipherSpec => Some(Out::Ccs),
            Action::SendAlert(a) => Some(Out::Alert(a)),
            Action::Complete => Some(Out::Complete),
            Action::InstallReadKeys(_)
            | Action::InstallWriteKeys(_)
            | Action::PeerAuthenticated => None,
        })
        .collect()
}

/// Feeds one handshake message or CCS of a flight to `hs` (alerts and completion are skipped).
pub fn feed_one(hs: &mut dyn Handshake, out: &Out) -> Result<Vec<Out>, HandshakeError> {
    match out {
        Out::Hs(m) => hs.handle(Input::Handshake(m)).map(outs),
        Out::Ccs => hs.handle(Input::ChangeCipherSpec).map(outs),
        Out::Alert(_) | Out::Complete => Ok(Vec::new()),
    }
}

/// Feeds a whole flight to `hs`, collecting what it answers.
pub fn feed(hs: &mut dyn Handshake, flight: &[Out]) -> Result<Vec<Out>, HandshakeError> {
    let mut answer = Vec::new();
    for out in flight {
        answer.extend(feed_one(hs, out)?);
    }
    Ok(answer)
}

/// A client and a server without a record layer, with the same seeds as [`Pair`].
pub fn direct(
    client_config: ClientConfig,
    server_config: ServerConfig,
    seed: u8,
) -> (ClientHandshake, ServerHandshake, Vec<Out>) {
    let (client, actions) = ClientHandshake::with_rng(
        Arc::new(client_config),
        Some("localhost"),
        Box::new(DeterministicRng::from_seed([seed; 32])),
    )
    .unwrap();
    let server = ServerHandshake::with_rng(
        Arc::new(server_config),
        Box::new(DeterministicRng::from_seed([seed.wrapping_add(100); 32])),
    );
    (client, server, outs(actions))
}

/// After a fatal error the state machine is dead: every later input returns the same alert.
pub fn assert_dead(hs: &mut dyn Handshake, alert: AlertDescription) {
    let finished = [20u8, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    for input in [Input::ChangeCipherSpec, Input::Handshake(&finished)] {
        let err = hs
            .handle(input)
            .expect_err("a dead handshake accepted input");
        assert_eq!(
            err.alert(),
            alert,
            "a dead handshake changed its alert: {err}"
        );
    }
}

/// The record bytes of a buffer, one record per entry (5-byte header included).
pub fn split_records(mut bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut records = Vec::new();
    while !bytes.is_empty() {
        let len = usize::from(u16::from_be_bytes([bytes[3], bytes[4]]));
        let (record, rest) = bytes.split_at(5 + len);
        records.push(record.to_vec());
        bytes = rest;
    }
    records
}

impl Pair {
    /// [`Pair::assert_failed`], then: the failed side's handshake is dead (same alert again).
    pub fn assert_dead(&mut self, side: &str, alert: AlertDescription) {
        self.assert_failed(side, alert);
        if side == "client" {
            assert_dead(&mut self.client, alert);
        } else {
            assert_dead(&mut self.server, alert);
        }
    }

    /// Delivers what the client has written to the server; false when nothing moved.
    pub fn client_to_server(&mut self) -> bool {
        deliver(&mut self.c, &mut self.s, &mut self.server)
    }

    /// Delivers what the server has written to the client; false when nothing moved.
    pub fn server_to_client(&mut self) -> bool {
        deliver(&mut self.s, &mut self.c, &mut self.client)
    }

    /// Delivers the client's pending records to the server one record at a time and returns,
    /// for each, the record and the bytes the server wrote in response.
    pub fn client_records_one_by_one(&mut self) -> Vec<(Vec<u8>, Vec<u8>)> {
        let pending = std::mem::take(&mut self.c.outgoing);
        let mut log = Vec::new();
        for record in split_records(&pending) {
            self.c.outgoing = record.clone();
            self.client_to_server();
            log.push((record, std::mem::take(&mut self.s.outgoing)));
        }
        log
    }

    /// As [`Pair::run`], appending every flight to `log` in the order it is delivered, with
    /// its direction (`true`: client to server).
    pub fn run_recording(&mut self, log: &mut Vec<(bool, Vec<u8>)>) {
        for _ in 0..200 {
            let out = self.c.outgoing.clone();
            let a = self.client_to_server();
            if a {
                log.push((true, out));
            }
            let out = self.s.outgoing.clone();
            let b = self.server_to_client();
            if b {
                log.push((false, out));
            }
            if !a && !b {
                return;
            }
        }
        panic!("the connection did not settle");
    }

    /// Writes application data on both sides (delivered by the next run).
    pub fn queue_data(&mut self, from_client: &[u8], from_server: &[u8]) {
        self.c
            .writer
            .write(
                ContentType::ApplicationData,
                from_client,
                &mut self.c.outgoing,
            )
            .unwrap();
        self.s
            .writer
            .write(
                ContentType::ApplicationData,
                from_server,
                &mut self.s.outgoing,
            )
            .unwrap();
    }
}
