//! Harness for the TLS 1.3 tests: a client and a server connected in memory without a
//! record layer, which still checks the key changes: every message carries the keys its
//! sender wrote it under, and the receiver must be reading with exactly those keys (the
//! compatibility ChangeCipherSpec must be plaintext). After completion both directions'
//! application keys must agree.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::Arc;

use mtls_crypto::DeterministicRng;
use mtls_handshake::sequence::Side;
use mtls_handshake::{
    Action, ClientAuthPolicy, ClientConfig, ClientHandshake, Handshake, HandshakeError, Input,
    KeyChange, PostHandshakeRequest, ServerConfig, ServerHandshake,
};
use mtls_wire::handshake::{HandshakeMessage, HandshakePayload};
use mtls_wire::{AlertDescription, HandshakeType, ProtocolVersion};

pub use crate::common::{TestClientVerifier, certified, client_config, server_config};

/// Rewrites one message into any number of messages.
pub type Tamper13 = Box<dyn FnMut(&[u8]) -> Vec<Vec<u8>>>;

/// Keys as bytes (key then IV), `None`: plaintext.
type KeyBytes = Option<Vec<u8>>;

fn key_bytes(k: &KeyChange) -> Vec<u8> {
    let mut v = k.keys.key().to_vec();
    v.extend_from_slice(k.keys.iv());
    v
}

/// What the connection sees of one side.
#[derive(Default)]
pub struct Peer13 {
    pub write: KeyBytes,
    pub read: KeyBytes,
    /// Every write key generation installed, in order.
    pub writes: Vec<Vec<u8>>,
    pub reads: Vec<Vec<u8>>,
    pub error: Option<HandshakeError>,
    pub complete: bool,
    pub peer_authenticated: usize,
    pub ccs_sent: usize,
    /// The handshake messages this side sent (after tampering), in order.
    pub sent: Vec<Vec<u8>>,
}

enum Frame {
    Hs(Vec<u8>, KeyBytes),
    Ccs(KeyBytes),
}

/// A TLS 1.3 client and server in memory.
pub struct Conn13 {
    pub client: ClientHandshake,
    pub server: ServerHandshake,
    pub c: Peer13,
    pub s: Peer13,
    to_server: VecDeque<Frame>,
    to_client: VecDeque<Frame>,
    pub tamper_c2s: Option<Tamper13>,
    pub tamper_s2c: Option<Tamper13>,
}

fn apply(
    peer: &mut Peer13,
    actions: Vec<Action>,
    out: &mut VecDeque<Frame>,
    tamper: &mut Option<Tamper13>,
) {
    for a in actions {
        match a {
            Action::SendHandshake(m) => {
                let msgs = match tamper {
                    Some(f) => f(&m),
                    None => vec![m],
                };
                for m in msgs {
                    peer.sent.push(m.clone());
                    out.push_back(Frame::Hs(m, peer.write.clone()));
                }
            }
            Action::SendChangeCipherSpec => {
                peer.ccs_sent += 1;
                out.push_back(Frame::Ccs(peer.write.clone()));
            }
            Action::InstallWriteKeys(k) => {
                peer.write = Some(key_bytes(&k));
                peer.writes.push(key_bytes(&k));
            }
            Action::InstallReadKeys(k) => {
                peer.read = Some(key_bytes(&k));
                peer.reads.push(key_bytes(&k));
            }
            Action::SendAlert(_) => {}
            Action::Complete => peer.complete = true,
            Action::PeerAuthenticated => peer.peer_authenticated += 1,
        }
    }
}

/// Hands one frame to `hs`; the receiver must be reading with the sender's keys.
fn deliver(
    hs: &mut dyn Handshake,
    peer: &Peer13,
    frame: Frame,
) -> Result<Vec<Action>, HandshakeError> {
    match frame {
        Frame::Hs(m, key) => {
            assert_eq!(
                key, peer.read,
                "a message (type {}) under other keys than the receiver reads with",
                m[0]
            );
            hs.handle(Input::Handshake(&m))
        }
        Frame::Ccs(key) => {
            assert_eq!(
                key, None,
                "the compatibility ChangeCipherSpec must be plaintext"
            );
            hs.handle(Input::ChangeCipherSpec)
        }
    }
}

impl Conn13 {
    pub fn new(cc: ClientConfig, sc: ServerConfig, seed: u8) -> Self {
        Self::with_tampers(cc, sc, seed, None, None)
    }

    pub fn with_tampers(
        cc: ClientConfig,
        sc: ServerConfig,
        seed: u8,
        tamper_c2s: Option<Tamper13>,
        tamper_s2c: Option<Tamper13>,
    ) -> Self {
        Self::named(cc, sc, seed, "localhost", tamper_c2s, tamper_s2c)
    }

    /// As [`Conn13::with_tampers`], the client connecting to `server_name`.
    pub fn named(
        cc: ClientConfig,
        sc: ServerConfig,
        seed: u8,
        server_name: &str,
        mut tamper_c2s: Option<Tamper13>,
        tamper_s2c: Option<Tamper13>,
    ) -> Self {
        let (client, actions) = ClientHandshake::with_rng(
            Arc::new(cc),
            Some(server_name),
            Box::new(DeterministicRng::from_seed([seed; 32])),
        )
        .unwrap();
        let server = ServerHandshake::with_rng(
            Arc::new(sc),
            Box::new(DeterministicRng::from_seed([seed.wrapping_add(100); 32])),
        );
        let mut c = Peer13::default();
        let mut to_server = VecDeque::new();
        apply(&mut c, actions, &mut to_server, &mut tamper_c2s);
        Conn13 {
            client,
            server,
            c,
            s: Peer13::default(),
            to_server,
            to_client: VecDeque::new(),
            tamper_c2s,
            tamper_s2c,
        }
    }

    /// Delivers frames both ways until nothing moves or a side fails.
    pub fn run(&mut self) {
        loop {
            let mut moved = false;
            while let Some(frame) = self.to_server.pop_front() {
                moved = true;
                if self.s.error.is_some() {
                    continue;
                }
                match deliver(&mut self.server, &self.s, frame) {
                    Ok(actions) => apply(
                        &mut self.s,
                        actions,
                        &mut self.to_client,
                        &mut self.tamper_s2c,
                    ),
                    Err(e) => self.s.error = Some(e),
                }
            }
            while let Some(frame) = self.to_client.pop_front() {
                moved = true;
                if self.c.error.is_some() {
                    continue;
                }
                match deliver(&mut self.client, &self.c, frame) {
                    Ok(actions) => apply(
                        &mut self.c,
                        actions,
                        &mut self.to_server,
                        &mut self.tamper_c2s,
                    ),
                    Err(e) => self.c.error = Some(e),
                }
            }
            if !moved {
                return;
            }
        }
    }

    /// Asks `side` for a post-handshake action and delivers what follows.
    pub fn post(
        &mut self,
        side: Side,
        request: PostHandshakeRequest,
    ) -> Result<(), HandshakeError> {
        self.act(side, |h| h.post_handshake(request))
    }

    /// What `side` sends before its next application data: the KeyUpdate it owes, if any
    /// (RFC 8446 4.6.3).
    pub fn before_data(&mut self, side: Side) -> Result<(), HandshakeError> {
        self.act(side, |h| h.before_application_data())
    }

    /// Runs `step` on `side`'s handshake, sends the actions it gives and delivers what follows.
    fn act(
        &mut self,
        side: Side,
        step: impl FnOnce(&mut dyn Handshake) -> Result<Vec<Action>, HandshakeError>,
    ) -> Result<(), HandshakeError> {
        match side {
            Side::Client => {
                let actions = step(&mut self.client)?;
                apply(
                    &mut self.c,
                    actions,
                    &mut self.to_server,
                    &mut self.tamper_c2s,
                );
            }
            Side::Server => {
                let actions = step(&mut self.server)?;
                apply(
                    &mut self.s,
                    actions,
                    &mut self.to_client,
                    &mut self.tamper_s2c,
                );
            }
        }
        self.run();
        Ok(())
    }

    /// Queues `message` from `side` to its peer under `side`'s current write keys.
    pub fn inject(&mut self, from: Side, message: Vec<u8>) {
        match from {
            Side::Client => self
                .to_server
                .push_back(Frame::Hs(message, self.c.write.clone())),
            Side::Server => self
                .to_client
                .push_back(Frame::Hs(message, self.s.write.clone())),
        }
        self.run();
    }

    /// Both complete with TLS 1.3, no error, and each direction's keys agree.
    pub fn assert_ok(&self) {
        assert!(self.c.error.is_none(), "client failed: {:?}", self.c.error);
        assert!(self.s.error.is_none(), "server failed: {:?}", self.s.error);
        assert!(
            self.c.complete && self.client.is_complete(),
            "client not complete"
        );
        assert!(
            self.s.complete && self.server.is_complete(),
            "server not complete"
        );
        assert_eq!(self.client.version(), ProtocolVersion::TLSv1_3);
        assert_eq!(self.server.version(), ProtocolVersion::TLSv1_3);
        self.assert_keys_agree();
    }

    /// Every key generation one side wrote with is one the other read with, in order.
    pub fn assert_keys_agree(&self) {
        assert_eq!(
            self.c.writes, self.s.reads,
            "client write / server read keys"
        );
        assert_eq!(
            self.s.writes, self.c.reads,
            "server write / client read keys"
        );
        assert_eq!(self.c.write, self.s.read);
        assert_eq!(self.s.write, self.c.read);
    }

    /// `side` failed with `alert`.
    pub fn assert_failed(&self, side: Side, alert: AlertDescription) {
        let peer = match side {
            Side::Client => &self.c,
            Side::Server => &self.s,
        };
        let e = peer
            .error
            .as_ref()
            .unwrap_or_else(|| panic!("{side:?} did not fail"));
        assert_eq!(e.alert(), alert, "{side:?} failed with {e}");
    }
}

/// A TLS 1.3-only configuration pair; `client_cert` is offered when the server asks.
pub fn configs13(
    server_cert: &str,
    client_cert: Option<&str>,
    policy: ClientAuthPolicy,
) -> (ClientConfig, ServerConfig) {
    let mut sc = server_config(server_cert);
    sc.versions = vec![ProtocolVersion::TLSv1_3];
    sc.client_auth = policy;
    sc.client_verifier = Some(Arc::new(TestClientVerifier::accepting()));
    let mut cc = client_config();
    cc.versions = vec![ProtocolVersion::TLSv1_3];
    if let Some(name) = client_cert {
        cc.cert_resolver = Some(Arc::new(certified(name)));
    }
    (cc, sc)
}

/// Parses a TLS 1.3 handshake message.
pub fn parse13(m: &[u8]) -> HandshakePayload {
    let (msg, rest) = HandshakeMessage::parse_tls13(m).unwrap();
    assert!(rest.is_empty());
    msg.into_payload()
}

/// Encodes a body as a whole message.
pub fn encode13(payload: HandshakePayload) -> Vec<u8> {
    HandshakeMessage::new(payload).raw().to_vec()
}

/// A tamper that edits every message of type `typ` (parsed as TLS 1.3, re-encoded).
pub fn edit13(typ: HandshakeType, mut f: impl FnMut(&mut HandshakePayload) + 'static) -> Tamper13 {
    Box::new(move |m: &[u8]| {
        if m[0] != typ.to_u8() {
            return vec![m.to_vec()];
        }
        let mut p = parse13(m);
        f(&mut p);
        vec![encode13(p)]
    })
}
