//! The extended master secret (RFC 7627) and its resumption rules.
//!
//! Our client always offers the extended master secret, so the handshakes without it are run
//! against a peer played by hand (a few lines of TLS over the sans-IO API, without records).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;

use crate::common::*;
use crate::pairs::*;
use mtls_crypto::kx::{ActiveKeyExchange, KeyExchange, NamedGroup};
use mtls_crypto::rsa_kx::decrypt_premaster;
use mtls_crypto::signature::{SignatureAlgorithm, SigningKey};
use mtls_crypto::{DeterministicRng, HashAlgorithm};
use mtls_handshake::sequence::Kind;
use mtls_handshake::suites::{self};
use mtls_handshake::{
    ClientAuthPolicy, ClientHandshake, ClientSessionStore, InMemoryClientSessionStore,
    InMemorySessionCache, ServerHandshake, ServerSessionCache, StoredSession, Transcript,
};
use mtls_prf::{MasterSecret, Sender, master_secret, verify_data};
use mtls_wire::extensions::{Extension, Extensions, ServerName};
use mtls_wire::handshake::{
    CertificateMsg, ClientHello, ClientKeyExchange, HandshakePayload, KeyExchangeAlgorithm,
    ServerHello, ServerKeyExchange, SessionId,
};
use mtls_wire::{
    AlertDescription, CipherSuite, CompressionMethod, ECPointFormat, ExtensionType,
    ProtocolVersion, SignatureScheme,
};

// ---- extended master secret (RFC 7627) ----

/// A TLS 1.2 client without extended master secret, played by hand against our server:
/// ECDHE-ECDSA over X25519, no client certificate, no record layer.
struct NoEmsClient {
    random: [u8; 32],
    transcript: Transcript,
}

impl NoEmsClient {
    fn new(random: [u8; 32]) -> Self {
        let mut transcript = Transcript::default();
        transcript.start_hash(HashAlgorithm::Sha256);
        Self { random, transcript }
    }

    fn client_hello(&mut self, session_id: &[u8], ems: bool) -> Vec<u8> {
        let mut ext = vec![
            Extension::ServerName(vec![ServerName::HostName(b"localhost".to_vec())]),
            Extension::SupportedGroups(vec![mtls_wire::NamedGroup::from(
                NamedGroup::X25519.to_u16(),
            )]),
            Extension::EcPointFormats(vec![ECPointFormat::Uncompressed]),
            Extension::SignatureAlgorithms(vec![SignatureScheme::from(
                SignatureAlgorithm::EcdsaSecp256r1Sha256.to_u16(),
            )]),
        ];
        if ems {
            ext.push(Extension::ExtendedMasterSecret);
        }
        let m = encode_message(HandshakePayload::ClientHello(ClientHello {
            client_version: ProtocolVersion::TLSv1_2,
            random: self.random,
            session_id: SessionId::new(session_id).unwrap(),
            cipher_suites: vec![
                CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
            ],
            compression_methods: vec![CompressionMethod::Null],
            extensions: Extensions::new(ext),
        }));
        self.transcript.add(&m);
        m
    }

    /// Runs a full handshake against `server`; returns the master secret and the
    /// ServerHello.
    fn full_handshake(&mut self, server: &mut ServerHandshake) -> (MasterSecret, ServerHello) {
        let hello = self.client_hello(&[], false);
        let flight = feed(server, &[Out::Hs(hello)]).unwrap();
        let mut server_hello = None;
        let mut server_public = None;
        for out in &flight {
            let Out::Hs(m) = out else { panic!("{out:?}") };
            self.transcript.add(m);
            match parse_message(m, Some(KeyExchangeAlgorithm::Ecdhe)) {
                HandshakePayload::ServerHello(sh) => server_hello = Some(sh),
                HandshakePayload::ServerKeyExchange(ServerKeyExchange::Ecdhe(ske)) => {
                    server_public = Some(ske.params.public)
                }
                _ => {}
            }
        }
        let sh = server_hello.unwrap();
        assert!(!sh.extensions.has_ems());
        let kx = KeyExchange::start(
            NamedGroup::X25519,
            &mut DeterministicRng::from_seed([0x77; 32]),
        )
        .unwrap();
        let cke = encode_message(HandshakePayload::ClientKeyExchange(
            ClientKeyExchange::Ecdhe(kx.public_key().to_vec()),
        ));
        let shared = kx.complete(&server_public.unwrap()).unwrap();
        let master = master_secret(
            mtls_crypto::default_provider(),
            HashAlgorithm::Sha256,
            shared.expose(),
            &self.random,
            &sh.random,
        );
        self.transcript.add(&cke);
        let finished = self.finished(&master, Sender::Client);
        let answer = feed(server, &[Out::Hs(cke), Out::Ccs, Out::Hs(finished)]).unwrap();
        // The server's CCS and Finished, and it is complete.
        assert_eq!(answer.len(), 3, "{answer:?}");
        assert_eq!(answer[0], Out::Ccs);
        assert_eq!(answer[1], Out::Hs(self.finished(&master, Sender::Server)));
        assert_eq!(answer[2], Out::Complete);
        (master, sh)
    }

    fn finished(&mut self, master: &MasterSecret, sender: Sender) -> Vec<u8> {
        let hash = self.transcript.current_hash(HashAlgorithm::Sha256);
        let vd = verify_data(
            mtls_crypto::default_provider(),
            HashAlgorithm::Sha256,
            master,
            sender,
            hash.as_slice(),
        );
        let m = encode_message(HandshakePayload::Finished(vd.as_bytes().to_vec()));
        self.transcript.add(&m);
        m
    }
}

fn server_rng(seed: u8) -> Box<DeterministicRng> {
    Box::new(DeterministicRng::from_seed([seed; 32]))
}

#[test]
fn rfc7627_5_2_ems_absent_and_not_required_on_the_server_completes_without_it() {
    let mut sc = server_config("server-ecdsa");
    sc.require_ems = false;
    let mut server = ServerHandshake::with_rng(Arc::new(sc), server_rng(15));
    NoEmsClient::new([0x11; 32]).full_handshake(&mut server);
    let s = server.summary().unwrap();
    assert!(!s.extended_master_secret);
    assert_eq!(s.kind, Kind::FullEcdhe);
}

/// A TLS 1.2 server without extended master secret, played by hand against our client:
/// static RSA (no ServerKeyExchange to sign), session id `session_id`.
fn no_ems_server(client: &mut ClientHandshake, hello: &[Out], session_id: &[u8]) {
    let mut transcript = Transcript::default();
    transcript.start_hash(HashAlgorithm::Sha256);
    let Out::Hs(ch) = &hello[0] else { panic!() };
    let HandshakePayload::ClientHello(parsed) = parse_message(ch, None) else {
        panic!()
    };
    assert!(parsed.extensions.has_ems(), "our client always offers EMS");
    transcript.add(ch);
    let server_random = [0x22; 32];
    let flight: Vec<Vec<u8>> = vec![
        encode_message(HandshakePayload::ServerHello(ServerHello {
            server_version: ProtocolVersion::TLSv1_2,
            random: server_random,
            session_id: SessionId::new(session_id).unwrap(),
            cipher_suite: CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256,
            compression_method: CompressionMethod::Null,
            extensions: Extensions::new(vec![Extension::RenegotiationInfo(Vec::new())]),
        })),
        encode_message(HandshakePayload::Certificate(CertificateMsg {
            certificate_list: certified("server-rsa").chain.clone(),
        })),
        encode_message(HandshakePayload::ServerHelloDone),
    ];
    for m in &flight {
        transcript.add(m);
    }
    let flight: Vec<Out> = flight.into_iter().map(Out::Hs).collect();
    let answer = feed(client, &flight).unwrap();
    // ClientKeyExchange, CCS, Finished.
    assert_eq!(answer.len(), 3, "{answer:?}");
    let Out::Hs(cke) = &answer[0] else { panic!() };
    let HandshakePayload::ClientKeyExchange(ClientKeyExchange::Rsa(ct)) =
        parse_message(cke, Some(KeyExchangeAlgorithm::Rsa))
    else {
        panic!()
    };
    let key = SigningKey::from_pkcs8_der(&fixture("server-rsa.key.der")).unwrap();
    let pms = decrypt_premaster(
        key.as_rsa().unwrap(),
        &mut DeterministicRng::from_seed([0x44; 32]),
        [3, 3],
        &ct,
    );
    transcript.add(cke);
    let Out::Hs(client_random_src) = &hello[0] else {
        panic!()
    };
    let client_random: [u8; 32] = client_random_src[6..38].try_into().unwrap();
    let master = master_secret(
        mtls_crypto::default_provider(),
        HashAlgorithm::Sha256,
        pms.expose(),
        &client_random,
        &server_random,
    );
    let hash = transcript.current_hash(HashAlgorithm::Sha256);
    let client_vd = verify_data(
        mtls_crypto::default_provider(),
        HashAlgorithm::Sha256,
        &master,
        Sender::Client,
        hash.as_slice(),
    );
    let client_finished = encode_message(HandshakePayload::Finished(client_vd.as_bytes().to_vec()));
    assert_eq!(answer[1], Out::Ccs);
    assert_eq!(answer[2], Out::Hs(client_finished.clone()));
    transcript.add(&client_finished);
    let hash = transcript.current_hash(HashAlgorithm::Sha256);
    let server_vd = verify_data(
        mtls_crypto::default_provider(),
        HashAlgorithm::Sha256,
        &master,
        Sender::Server,
        hash.as_slice(),
    );
    let server_finished = encode_message(HandshakePayload::Finished(server_vd.as_bytes().to_vec()));
    let done = feed(client, &[Out::Ccs, Out::Hs(server_finished)]).unwrap();
    assert_eq!(done, vec![Out::Complete]);
}

#[test]
fn rfc7627_5_2_ems_absent_and_not_required_on_the_client_completes_without_it() {
    let store = Arc::new(InMemoryClientSessionStore::new(8, 3600));
    let mut cc = client_config();
    cc.require_ems = false;
    cc.suites = vec![suites::RSA_AES128_GCM];
    cc.enable_static_rsa = true;
    cc.session_store = Some(store.clone());
    let key = cc.session_key("localhost");
    let (mut client, _server, hello) = direct(cc, server_config("server-rsa"), 16);
    no_ems_server(&mut client, &hello, &[0x99; 32]);
    let c = client.summary().unwrap();
    assert!(!c.extended_master_secret);
    assert_eq!(c.kind, Kind::FullRsa);
    // The session is kept, marked as made without EMS.
    let stored = store.get_tls12(&key, NOW).unwrap();
    assert!(!stored.extended_master_secret);
}

#[test]
fn rfc7627_5_3_session_without_ems_is_not_resumed_by_a_client_hello_with_ems() {
    let cache = Arc::new(InMemorySessionCache::new(8, 3600));
    let mut sc = server_config("server-ecdsa");
    sc.require_ems = false;
    sc.session_cache = Some(cache.clone());
    let sc = Arc::new(sc);

    // The session, made without EMS.
    let mut server = ServerHandshake::with_rng(Arc::clone(&sc), server_rng(17));
    let (master, sh) = NoEmsClient::new([0x12; 32]).full_handshake(&mut server);
    let id = sh.session_id.as_slice().to_vec();
    assert_eq!(id.len(), 32);
    assert!(!cache.get(&id, NOW).unwrap().extended_master_secret);

    // Control: a ClientHello without EMS resumes it.
    let mut server = ServerHandshake::with_rng(Arc::clone(&sc), server_rng(18));
    let hello = NoEmsClient::new([0x13; 32]).client_hello(&id, false);
    let flight = feed(&mut server, &[Out::Hs(hello)]).unwrap();
    let Out::Hs(sh) = &flight[0] else { panic!() };
    let HandshakePayload::ServerHello(sh) = parse_message(sh, None) else {
        panic!()
    };
    assert_eq!(sh.session_id.as_slice(), &id[..]);
    assert_eq!(server.candidate_kinds(), vec![Kind::Resumed]);

    // Our client offers the same session with EMS: a full handshake instead, with EMS.
    let store = Arc::new(InMemoryClientSessionStore::new(8, 3600));
    let mut cc = client_config();
    store.put(
        &cc.session_key("localhost"),
        Arc::new(
            StoredSession::new(
                id.clone(),
                CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                &master,
                false,
                certified("server-ecdsa").chain.clone(),
                Some("localhost".to_string()),
                NOW,
            )
            .made_by(&cc),
        ),
    );
    cc.session_store = Some(store);
    let mut p = Pair::build(Arc::new(cc), sc, 19, Some("localhost"), None, None);
    assert_eq!(client_hello_of(&p).session_id.as_slice(), &id[..]);
    p.run();
    p.assert_ok();
    p.exchange_data();
    for s in [p.server.summary().unwrap(), p.client.summary().unwrap()] {
        assert_eq!(s.kind, Kind::FullEcdhe);
        assert!(s.extended_master_secret);
        assert_ne!(s.session_id, id);
    }
}

#[test]
fn rfc7627_5_3_client_aborts_a_resumption_that_drops_ems() {
    let (cc, sc) = resumable(ClientAuthPolicy::Required);
    let mut first = Pair::build(cc.clone(), sc.clone(), 20, Some("localhost"), None, None);
    first.run();
    first.assert_ok();
    assert!(first.client.summary().unwrap().extended_master_secret);
    // The server resumes; the ServerHello loses its EMS extension on the way.
    let tamper = edit_server_hello(|sh| {
        sh.extensions
            .list
            .retain(|e| e.typ() != ExtensionType::ExtendedMasterSecret)
    });
    let mut second = Pair::build(cc, sc, 21, Some("localhost"), None, Some(tamper));
    second.run();
    refused_by_rfc7627_5_3(&mut second);
}

#[test]
fn rfc7627_5_3_client_aborts_a_resumption_that_adds_ems() {
    let (cc, sc) = resumable(ClientAuthPolicy::Required);
    let mut first = Pair::build(cc.clone(), sc.clone(), 22, Some("localhost"), None, None);
    first.run();
    first.assert_ok();
    // The client's record of the session says "without EMS"; the server resumes with EMS.
    let store = cc.session_store.as_ref().unwrap();
    let key = cc.session_key("localhost");
    let kept = store.get_tls12(&key, NOW).unwrap();
    store.put(
        &key,
        Arc::new(
            StoredSession::new(
                kept.session_id.clone(),
                kept.suite,
                &kept.master_secret(),
                false,
                kept.peer_certificates.clone(),
                kept.server_name.clone(),
                kept.created,
            )
            .made_by(&cc),
        ),
    );
    let mut second = Pair::build(cc, sc, 23, Some("localhost"), None, None);
    second.run();
    refused_by_rfc7627_5_3(&mut second);
}

/// The client ended `pair` with handshake_failure, citing RFC 7627 5.3.
fn refused_by_rfc7627_5_3(pair: &mut Pair) {
    pair.assert_dead("client", AlertDescription::HandshakeFailure);
    let reason = pair.c.error.as_ref().unwrap().reason();
    assert!(reason.contains("7627 5.3"), "{reason}");
}
