//! Test harness: certificates from fixtures, permissive verifiers, and a pump that runs a
//! client against a server in memory, through the real record layer.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::{Arc, Mutex};

use mtls_crypto::DeterministicRng;
use mtls_crypto::signature::SigningKey;
use mtls_handshake::{
    Action, CertificateDer, CertificateError, CertifiedKey, ClientCertVerifier, ClientConfig,
    ClientHandshake, DistinguishedName, FixedClock, HandshakeError, Input, KeyLog,
    ServerCertVerifier, ServerConfig, ServerHandshake,
};
use mtls_record::{Inbound, RecordDecrypter, RecordEncrypter, RecordReader, RecordWriter};
use mtls_wire::alert::Alert;
use mtls_wire::{AlertDescription, ContentType};

/// 2026-11-28, inside the fixtures' validity.
pub const NOW: u64 = 1_795_824_000;

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

pub fn certified(name: &str) -> Arc<CertifiedKey> {
    let chain = vec![
        CertificateDer(fixture(&format!("{name}.cert.der"))),
        CertificateDer(fixture("ca.cert.der")),
    ];
    let key = SigningKey::from_pkcs8_der(&fixture(&format!("{name}.key.der"))).unwrap();
    Arc::new(CertifiedKey::new(chain, key).unwrap())
}

/// Accepts any server chain; records what it was asked.
#[derive(Default)]
pub struct AcceptServer {
    pub seen_name: Mutex<Option<String>>,
}

impl ServerCertVerifier for AcceptServer {
    fn verify_server_cert(
        &self,
        chain: &[CertificateDer],
        server_name: Option<&str>,
        _now: u64,
    ) -> Result<(), CertificateError> {
        assert!(!chain.is_empty());
        *self.seen_name.lock().unwrap() = server_name.map(str::to_string);
        Ok(())
    }
}

/// A client verifier with a fixed verdict and CA names.
pub struct TestClientVerifier {
    pub names: Vec<DistinguishedName>,
    pub verdict: Mutex<Result<(), CertificateError>>,
}

impl TestClientVerifier {
    pub fn accepting() -> Self {
        Self {
            names: vec![DistinguishedName(
                b"0\x121\x100\x0e\x06\x03U\x04\x03\x0c\x07Test CA".to_vec(),
            )],
            verdict: Mutex::new(Ok(())),
        }
    }
}

impl ClientCertVerifier for TestClientVerifier {
    fn root_hint_subjects(&self) -> Vec<DistinguishedName> {
        self.names.clone()
    }
    fn verify_client_cert(
        &self,
        chain: &[CertificateDer],
        _now: u64,
    ) -> Result<(), CertificateError> {
        assert!(!chain.is_empty());
        self.verdict.lock().unwrap().clone()
    }
}

/// Collects NSS key log lines.
#[derive(Default)]
pub struct MemoryKeyLog(pub Mutex<Vec<String>>);

impl KeyLog for MemoryKeyLog {
    fn log(&self, label: &str, client_random: &[u8; 32], secret: &[u8]) {
        self.0.lock().unwrap().push(format!(
            "{label} {} {}",
            hex::encode(client_random),
            hex::encode(secret)
        ));
    }
}

pub fn server_config(cert: &str) -> ServerConfig {
    let mut c = ServerConfig::new(Arc::new(vec![certified(cert)]));
    c.time = Arc::new(FixedClock(NOW));
    c
}

pub fn client_config() -> ClientConfig {
    let mut c = ClientConfig::new(Arc::new(AcceptServer::default()));
    c.time = Arc::new(FixedClock(NOW));
    c
}

/// Hook to tamper with a handshake message before it is framed: (message) -> replacement
/// list (empty drops it, two entries duplicate it).
pub type Tamper = Box<dyn FnMut(&[u8]) -> Vec<Vec<u8>>>;

/// One side of an in-memory connection: the record layer around a handshake.
pub struct Endpoint {
    pub name: &'static str,
    pub reader: RecordReader,
    pub writer: RecordWriter,
    pub outgoing: Vec<u8>,
    pub complete: bool,
    pub error: Option<HandshakeError>,
    pub alerts_received: Vec<Alert>,
    pub app_data: Vec<u8>,
    /// Every handshake message sent, in order, after tampering.
    pub sent_messages: Vec<Vec<u8>>,
    pub tamper: Option<Tamper>,
}

impl Endpoint {
    fn new(name: &'static str) -> Self {
        Self {
            name,
            reader: RecordReader::new(),
            writer: RecordWriter::new(),
            outgoing: Vec::new(),
            complete: false,
            error: None,
            alerts_received: Vec::new(),
            app_data: Vec::new(),
            sent_messages: Vec::new(),
            tamper: None,
        }
    }

    pub fn apply(&mut self, actions: Vec<Action>) {
        for a in actions {
            match a {
                Action::SendHandshake(m) => {
                    let out = match &mut self.tamper {
                        Some(t) => t(&m),
                        None => vec![m],
                    };
                    for m in out {
                        self.writer
                            .write(ContentType::Handshake, &m, &mut self.outgoing)
                            .unwrap();
                        self.sent_messages.push(m);
                    }
                }
                Action::SendChangeCipherSpec => self
                    .writer
                    .write(ContentType::ChangeCipherSpec, &[1], &mut self.outgoing)
                    .unwrap(),
                Action::InstallWriteKeys(k) => self.writer.install_encrypter(
                    RecordEncrypter::new(k.algorithm, k.keys.key(), k.keys.iv()).unwrap(),
                ),
                Action::InstallReadKeys(k) => self.reader.install_decrypter(
                    RecordDecrypter::new(k.algorithm, k.keys.key(), k.keys.iv()).unwrap(),
                ),
                Action::SendAlert(alert) => {
                    let mut b = Vec::new();
                    alert.encode(&mut b);
                    self.writer
                        .write(ContentType::Alert, &b, &mut self.outgoing)
                        .unwrap();
                }
                Action::Complete => self.complete = true,
            }
        }
    }

    fn fail(&mut self, e: HandshakeError) {
        let mut b = Vec::new();
        Alert::fatal(e.alert()).encode(&mut b);
        let _ = self
            .writer
            .write(ContentType::Alert, &b, &mut self.outgoing);
        self.error = Some(e);
    }
}

enum Event {
    Hs(Vec<u8>),
    Ccs,
    Alert(Alert),
    Data(Vec<u8>),
}

/// Moves `from`'s outgoing bytes into `to` and lets `to`'s handshake react. False when there
/// was nothing to move.
fn deliver(
    from: &mut Endpoint,
    to: &mut Endpoint,
    hs: &mut dyn FnMut(Input<'_>) -> Result<Vec<Action>, HandshakeError>,
) -> bool {
    if from.outgoing.is_empty() || to.error.is_some() {
        return false;
    }
    let bytes = std::mem::take(&mut from.outgoing);
    let mut rest = &bytes[..];
    while !rest.is_empty() {
        let n = to.reader.push(rest);
        rest = &rest[n..];
        loop {
            let ev = match to.reader.next_event() {
                Ok(Some(Inbound::Handshake(m))) => Event::Hs(m.to_vec()),
                Ok(Some(Inbound::ChangeCipherSpec)) => Event::Ccs,
                Ok(Some(Inbound::Alert(a))) => Event::Alert(a),
                Ok(Some(Inbound::ApplicationData(d))) => Event::Data(d.to_vec()),
                Ok(None) => break,
                Err(e) => {
                    to.fail(HandshakeError::new(e.alert(), e.to_string()));
                    return true;
                }
            };
            let result = match ev {
                Event::Hs(m) => hs(Input::Handshake(&m)),
                Event::Ccs => hs(Input::ChangeCipherSpec),
                Event::Alert(a) => {
                    to.alerts_received.push(a);
                    continue;
                }
                Event::Data(d) => {
                    to.app_data.extend_from_slice(&d);
                    continue;
                }
            };
            match result {
                Ok(actions) => to.apply(actions),
                Err(e) => {
                    to.fail(e);
                    return true;
                }
            }
        }
    }
    true
}

/// A client and a server connected in memory.
pub struct Pair {
    pub client: ClientHandshake,
    pub server: ServerHandshake,
    pub c: Endpoint,
    pub s: Endpoint,
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
        let mut c = Endpoint::new("client");
        c.tamper = client_tamper;
        c.apply(actions);
        let mut s = Endpoint::new("server");
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
        for _ in 0..200 {
            let server = &mut self.server;
            let a = deliver(&mut self.c, &mut self.s, &mut |i| server.handle(i));
            let client = &mut self.client;
            let b = deliver(&mut self.s, &mut self.c, &mut |i| client.handle(i));
            if !a && !b {
                return;
            }
        }
        panic!("the connection did not settle");
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
