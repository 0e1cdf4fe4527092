//! What gets negotiated, and by whose rules: suite preference, certificate selection, static
//! RSA opt-in, ALPN, extended master secret (RFC 7627) and its resumption rules, resumption
//! refusals, ECDHE group selection (secp384r1 included), the key log and the
//! CertificateRequest contents.
//!
//! Our client always offers the extended master secret, so the handshakes without it are run
//! against a peer played by hand (a few lines of TLS over the sans-IO API, without records).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::{Arc, Mutex};

use crate::common::*;
use mtls_crypto::kx::{ActiveKeyExchange, KeyExchange, NamedGroup};
use mtls_crypto::rsa_kx::decrypt_premaster;
use mtls_crypto::signature::{SignatureAlgorithm, SigningKey};
use mtls_crypto::{DeterministicRng, HashAlgorithm};
use mtls_handshake::sequence::Kind;
use mtls_handshake::suites::{self, SupportedSuite};
use mtls_handshake::{
    CertificateDer, CertificateError, ClientAuthPolicy, ClientConfig, ClientHandshake,
    ClientSessionStore, InMemoryClientSessionStore, InMemorySessionCache, ServerConfig,
    ServerHandshake, ServerSessionCache, SessionKey, StoredSession, Transcript,
};
use mtls_prf::{MasterSecret, Sender, master_secret, verify_data};
use mtls_wire::extensions::{Extension, Extensions, ServerName};
use mtls_wire::handshake::{
    CertificateMsg, ClientHello, ClientKeyExchange, HandshakePayload, KeyExchangeAlgorithm,
    ServerHello, ServerKeyExchange, SessionId,
};
use mtls_wire::{
    AlertDescription, CipherSuite, ClientCertificateType, CompressionMethod, ECPointFormat,
    ExtensionType, HandshakeType, ProtocolVersion, SignatureScheme,
};

fn mutual(
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

fn completed(cc: ClientConfig, sc: ServerConfig, seed: u8) -> Pair {
    let mut p = Pair::new(cc, sc, seed);
    p.run();
    p.assert_ok();
    p.exchange_data();
    p
}

fn client_hello_of(p: &Pair) -> ClientHello {
    let HandshakePayload::ClientHello(ch) = parse_message(&p.c.sent_messages[0], None) else {
        panic!("not a ClientHello")
    };
    ch
}

fn server_hello_of(p: &Pair) -> ServerHello {
    let HandshakePayload::ServerHello(sh) = parse_message(&p.s.sent_messages[0], None) else {
        panic!("not a ServerHello")
    };
    sh
}

fn two_certificates() -> ServerConfig {
    let mut sc = ServerConfig::new(Arc::new(vec![
        certified("server-rsa"),
        certified("server-ecdsa"),
    ]));
    sc.time = Arc::new(mtls_handshake::FixedClock(NOW));
    sc
}

// ---- suites and certificates (RFC 5246 7.4.1.2, 7.4.2; RFC 8422 5.1) ----

#[test]
fn rfc5246_7_4_1_2_server_order_wins_by_default_and_client_order_when_configured() {
    use mtls_handshake::SuitePreference;
    for (preference, want) in [
        (SuitePreference::Server, suites::ECDHE_ECDSA_AES128_GCM),
        (SuitePreference::Client, suites::ECDHE_ECDSA_AES256_GCM),
    ] {
        let (mut cc, mut sc) = mutual("server-ecdsa", None, ClientAuthPolicy::None);
        cc.suites = vec![
            suites::ECDHE_ECDSA_AES256_GCM,
            suites::ECDHE_ECDSA_CHACHA20,
            suites::ECDHE_ECDSA_AES128_GCM,
        ];
        sc.preference = preference;
        let p = completed(cc, sc, 1);
        assert_eq!(p.server.summary().unwrap().suite, want, "{preference:?}");
        assert_eq!(p.client.summary().unwrap().suite, want, "{preference:?}");
    }
}

#[test]
fn rfc5246_7_4_2_server_with_two_certificates_picks_the_one_that_fits_the_client() {
    let rsa_cert = fixture("server-rsa.cert.der");
    let ecdsa_cert = fixture("server-ecdsa.cert.der");

    // Only ECDHE_RSA suites: the RSA certificate.
    let mut cc = client_config();
    cc.suites = vec![suites::ECDHE_RSA_AES128_GCM, suites::ECDHE_RSA_CHACHA20];
    let p = completed(cc, two_certificates(), 2);
    let c = p.client.summary().unwrap();
    assert_eq!(c.suite, suites::ECDHE_RSA_AES128_GCM);
    assert_eq!(c.peer_certificates[0].to_vec(), rsa_cert);

    // Only ECDSA suites: the ECDSA certificate.
    let mut cc = client_config();
    cc.suites = vec![suites::ECDHE_ECDSA_CHACHA20];
    let p = completed(cc, two_certificates(), 3);
    assert_eq!(
        p.client.summary().unwrap().peer_certificates[0].to_vec(),
        ecdsa_cert
    );

    // Only ECDSA signature schemes, although the server prefers an RSA suite: the ECDSA
    // certificate (an RSA key could sign nothing the client accepts).
    let mut cc = client_config();
    cc.signature_schemes = vec![SignatureAlgorithm::EcdsaSecp256r1Sha256];
    let mut sc = two_certificates();
    sc.suites = vec![suites::ECDHE_RSA_AES128_GCM, suites::ECDHE_ECDSA_AES128_GCM];
    let p = completed(cc, sc, 4);
    let c = p.client.summary().unwrap();
    assert_eq!(c.suite, suites::ECDHE_ECDSA_AES128_GCM);
    assert_eq!(c.peer_certificates[0].to_vec(), ecdsa_cert);
    assert_eq!(
        c.server_signature,
        Some(SignatureAlgorithm::EcdsaSecp256r1Sha256)
    );

    // Only RSA signature schemes, although the server prefers ECDSA suites: the RSA one.
    let mut cc = client_config();
    cc.signature_schemes = vec![
        SignatureAlgorithm::RsaPkcs1Sha384,
        SignatureAlgorithm::RsaPssRsaeSha512,
    ];
    let p = completed(cc, two_certificates(), 5);
    let c = p.client.summary().unwrap();
    assert_eq!(c.suite, suites::ECDHE_RSA_AES128_GCM);
    assert_eq!(c.peer_certificates[0].to_vec(), rsa_cert);
    // The server's preference among the schemes both accept.
    assert_eq!(
        c.server_signature,
        Some(SignatureAlgorithm::RsaPssRsaeSha512)
    );
}

fn is_static_rsa(s: &CipherSuite) -> bool {
    SupportedSuite::find(*s).is_some_and(|s| s.kx == KeyExchangeAlgorithm::Rsa)
}

#[test]
fn rfc5246_7_4_7_1_static_rsa_suites_are_offered_only_when_enabled() {
    for enabled in [false, true] {
        let mut cc = client_config();
        cc.suites = suites::ALL_SUITES.to_vec();
        cc.enable_static_rsa = enabled;
        let p = Pair::new(cc, server_config("server-rsa"), 6);
        let ch = client_hello_of(&p);
        let offered: Vec<CipherSuite> = ch
            .cipher_suites
            .iter()
            .copied()
            .filter(is_static_rsa)
            .collect();
        if enabled {
            assert_eq!(
                offered,
                vec![
                    CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256,
                    CipherSuite::TLS_RSA_WITH_AES_256_GCM_SHA384
                ]
            );
        } else {
            assert_eq!(offered, Vec::new());
        }
        // RFC 5746 3.4: the SCSV always, last.
        assert_eq!(
            ch.cipher_suites.last(),
            Some(&CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV)
        );
    }
}

#[test]
fn rfc5246_7_4_1_2_server_without_the_flag_refuses_static_rsa_with_handshake_failure() {
    let mut cc = client_config();
    cc.suites = vec![suites::RSA_AES128_GCM];
    cc.enable_static_rsa = true;
    let mut sc = server_config("server-rsa");
    sc.suites = suites::ALL_SUITES.to_vec();
    let mut p = Pair::new(cc, sc, 7);
    p.run();
    p.assert_dead("server", AlertDescription::HandshakeFailure);

    // Offered first under client preference, still not taken: ECDHE instead.
    let mut cc = client_config();
    cc.suites = vec![suites::RSA_AES128_GCM, suites::ECDHE_RSA_AES256_GCM];
    cc.enable_static_rsa = true;
    let mut sc = server_config("server-rsa");
    sc.suites = suites::ALL_SUITES.to_vec();
    sc.preference = mtls_handshake::SuitePreference::Client;
    let p = completed(cc, sc, 8);
    assert_eq!(
        p.server.summary().unwrap().suite,
        suites::ECDHE_RSA_AES256_GCM
    );
}

#[test]
fn rfc5246_7_4_1_3_nothing_in_common_is_handshake_failure() {
    // No common suite.
    let mut cc = client_config();
    cc.suites = vec![suites::ECDHE_ECDSA_AES128_GCM];
    let mut sc = server_config("server-rsa");
    sc.suites = vec![suites::ECDHE_RSA_AES128_GCM, suites::ECDHE_ECDSA_AES256_GCM];
    let mut p = Pair::new(cc, sc, 9);
    p.run();
    p.assert_dead("server", AlertDescription::HandshakeFailure);

    // A common suite, but no certificate for it.
    let mut cc = client_config();
    cc.suites = vec![suites::ECDHE_ECDSA_AES128_GCM];
    let mut p = Pair::new(cc, server_config("server-rsa"), 10);
    p.run();
    p.assert_dead("server", AlertDescription::HandshakeFailure);

    // No common group (RFC 8422 5.1).
    let mut cc = client_config();
    cc.groups = vec![NamedGroup::Secp256r1];
    let mut sc = server_config("server-ecdsa");
    sc.groups = vec![NamedGroup::X25519];
    let mut p = Pair::new(cc, sc, 11);
    p.run();
    p.assert_dead("server", AlertDescription::HandshakeFailure);

    // No common signature scheme for the server's key (RFC 5246 7.4.1.4.1).
    let mut cc = client_config();
    cc.signature_schemes = vec![SignatureAlgorithm::RsaPssRsaeSha256];
    let mut p = Pair::new(cc, server_config("server-ecdsa"), 12);
    p.run();
    p.assert_dead("server", AlertDescription::HandshakeFailure);
}

// ---- ECDHE groups (RFC 8422 5.1.1, 5.4) ----

/// The ECDHE point the server sent in ServerKeyExchange and the client in ClientKeyExchange,
/// with the ServerKeyExchange's named_curve.
fn ecdhe_points(p: &Pair) -> (mtls_wire::NamedGroup, Vec<u8>, Vec<u8>) {
    let find = |msgs: &[Vec<u8>], typ: HandshakeType| {
        let m = msgs.iter().find(|m| m[0] == typ.to_u8()).unwrap();
        parse_message(m, Some(KeyExchangeAlgorithm::Ecdhe))
    };
    let HandshakePayload::ServerKeyExchange(ServerKeyExchange::Ecdhe(ske)) =
        find(&p.s.sent_messages, HandshakeType::ServerKeyExchange)
    else {
        panic!("not an ECDHE ServerKeyExchange")
    };
    let HandshakePayload::ClientKeyExchange(ClientKeyExchange::Ecdhe(point)) =
        find(&p.c.sent_messages, HandshakeType::ClientKeyExchange)
    else {
        panic!("not an ECDHE ClientKeyExchange")
    };
    (ske.params.named_curve, ske.params.public, point)
}

/// RFC 8422 5.1.1: by default the ClientHello's supported_groups lists X25519, secp256r1 and
/// secp384r1 (code point 24), in that order, and the server keeps its first choice.
#[test]
fn rfc8422_5_1_1_default_groups_offer_secp384r1_last() {
    let (cc, sc) = mutual("server-ecdsa", None, ClientAuthPolicy::None);
    let p = completed(cc, sc, 40);
    let offered = client_hello_of(&p)
        .extensions
        .supported_groups()
        .unwrap()
        .to_vec();
    assert_eq!(
        offered,
        [
            mtls_wire::NamedGroup::X25519,
            mtls_wire::NamedGroup::Secp256r1,
            mtls_wire::NamedGroup::Secp384r1,
        ]
    );
    assert_eq!(mtls_wire::NamedGroup::Secp384r1.to_u16(), 24);
    assert_eq!(
        mtls_handshake::DEFAULT_GROUPS,
        [
            NamedGroup::X25519,
            NamedGroup::Secp256r1,
            NamedGroup::Secp384r1
        ]
    );
    assert_eq!(p.server.summary().unwrap().group, Some(NamedGroup::X25519));
}

/// RFC 8422 5.1.1, 5.4, 5.7: a client offering only secp384r1, against a server with the
/// default groups, runs ECDHE on P-384 for an ECDHE-ECDSA and an ECDHE-RSA suite (with a
/// client certificate): ServerKeyExchange carries named_curve 24 and both sides send 97-byte
/// uncompressed points.
#[test]
fn rfc8422_5_4_client_offering_only_secp384r1_negotiates_it_for_ecdsa_and_rsa_suites() {
    for (server_cert, suite) in [
        ("server-ecdsa", suites::ECDHE_ECDSA_AES128_GCM),
        ("server-rsa", suites::ECDHE_RSA_AES128_GCM),
    ] {
        let (mut cc, sc) = mutual(
            server_cert,
            Some("client-ecdsa"),
            ClientAuthPolicy::Required,
        );
        cc.groups = vec![NamedGroup::Secp384r1];
        cc.suites = vec![suite];
        let p = completed(cc, sc, 41);
        for summary in [p.client.summary().unwrap(), p.server.summary().unwrap()] {
            assert_eq!(summary.group, Some(NamedGroup::Secp384r1), "{server_cert}");
            assert_eq!(summary.suite, suite, "{server_cert}");
            assert_eq!(summary.kind, Kind::FullEcdheClientCert, "{server_cert}");
        }
        let (curve, server_point, client_point) = ecdhe_points(&p);
        assert_eq!(curve, mtls_wire::NamedGroup::Secp384r1, "{server_cert}");
        for point in [server_point, client_point] {
            assert_eq!(point.len(), 97, "{server_cert}");
            assert_eq!(point[0], 0x04, "{server_cert}: uncompressed (RFC 8422 5.4)");
        }
    }
}

/// RFC 8422 5.1.1: the server picks by its own preference among the client's groups, so a
/// server preferring secp384r1 uses it with a default client.
#[test]
fn rfc8422_5_1_1_server_preferring_secp384r1_picks_it_from_the_default_offer() {
    let (cc, mut sc) = mutual("server-rsa", None, ClientAuthPolicy::None);
    sc.groups = vec![NamedGroup::Secp384r1, NamedGroup::X25519];
    let p = completed(cc, sc, 42);
    assert_eq!(
        p.server.summary().unwrap().group,
        Some(NamedGroup::Secp384r1)
    );
    assert_eq!(
        p.client.summary().unwrap().group,
        Some(NamedGroup::Secp384r1)
    );
    assert_eq!(ecdhe_points(&p).0, mtls_wire::NamedGroup::Secp384r1);
}

/// RFC 8422 5.1 / RFC 5246 7.4.1.3: with no ECDHE group in common (secp384r1 on one side
/// only, either way round) the server refuses with handshake_failure.
#[test]
fn rfc8422_5_1_secp384r1_on_one_side_only_is_handshake_failure() {
    for (seed, client_groups, server_groups) in [
        (
            43,
            vec![NamedGroup::Secp384r1],
            vec![NamedGroup::X25519, NamedGroup::Secp256r1],
        ),
        (
            44,
            vec![NamedGroup::X25519, NamedGroup::Secp256r1],
            vec![NamedGroup::Secp384r1],
        ),
    ] {
        let mut cc = client_config();
        cc.groups = client_groups;
        let mut sc = server_config("server-ecdsa");
        sc.groups = server_groups;
        let mut p = Pair::new(cc, sc, seed);
        p.run();
        p.assert_dead("server", AlertDescription::HandshakeFailure);
    }
}

// ---- ALPN (RFC 7301) ----

#[test]
fn rfc7301_3_2_alpn_is_chosen_by_server_preference() {
    let (mut cc, mut sc) = mutual("server-ecdsa", None, ClientAuthPolicy::None);
    cc.alpn_protocols = vec![b"http/1.1".to_vec(), b"h2".to_vec()];
    sc.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let p = completed(cc, sc, 13);
    assert_eq!(
        p.server.summary().unwrap().alpn.as_deref(),
        Some(&b"h2"[..])
    );
    assert_eq!(
        p.client.summary().unwrap().alpn.as_deref(),
        Some(&b"h2"[..])
    );

    // A client without ALPN: none, and no extension in the ServerHello.
    let (cc, mut sc) = mutual("server-ecdsa", None, ClientAuthPolicy::None);
    sc.alpn_protocols = vec![b"h2".to_vec()];
    let p = completed(cc, sc, 14);
    assert_eq!(p.server.summary().unwrap().alpn, None);
    assert!(!server_hello_of(&p).extensions.contains(ExtensionType::Alpn));
}

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

/// Resumption pair: (client config, server config) sharing a store and a cache.
fn resumable(policy: ClientAuthPolicy) -> (Arc<ClientConfig>, Arc<ServerConfig>) {
    let (mut cc, mut sc) = mutual("server-ecdsa", Some("client-ecdsa"), policy);
    cc.session_store = Some(Arc::new(InMemoryClientSessionStore::new(8, 3600)));
    sc.session_cache = Some(Arc::new(InMemorySessionCache::new(8, 3600)));
    cc.require_ems = false;
    (Arc::new(cc), Arc::new(sc))
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
    second.assert_dead("client", AlertDescription::HandshakeFailure);
    assert!(
        second
            .c
            .error
            .as_ref()
            .unwrap()
            .reason()
            .contains("7627 5.3")
    );
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
    second.assert_dead("client", AlertDescription::HandshakeFailure);
    assert!(
        second
            .c
            .error
            .as_ref()
            .unwrap()
            .reason()
            .contains("7627 5.3")
    );
}

// ---- resumption refusals (RFC 5246 7.4.1.2; RFC 6066 3) ----

#[test]
fn resumption_is_refused_once_the_verifier_refuses_the_stored_client_chain() {
    let verifier = Arc::new(TestClientVerifier::accepting());
    let (mut cc, mut sc) = mutual(
        "server-ecdsa",
        Some("client-ecdsa"),
        ClientAuthPolicy::Required,
    );
    cc.session_store = Some(Arc::new(InMemoryClientSessionStore::new(8, 3600)));
    sc.session_cache = Some(Arc::new(InMemorySessionCache::new(8, 3600)));
    sc.client_verifier = Some(verifier.clone());
    let (cc, sc) = (Arc::new(cc), Arc::new(sc));

    let mut first = Pair::build(cc.clone(), sc.clone(), 24, Some("localhost"), None, None);
    first.run();
    first.assert_ok();
    let id = first.server.summary().unwrap().session_id.clone();

    // Still trusted: resumed.
    let mut again = Pair::build(cc.clone(), sc.clone(), 25, Some("localhost"), None, None);
    again.run();
    again.assert_ok();
    assert_eq!(again.server.summary().unwrap().kind, Kind::Resumed);

    // Revoked since: the session is not resumed, a full handshake follows and the
    // certificate is judged again (and refused).
    *verifier.verdict.lock().unwrap() = Err(CertificateError::Revoked);
    let mut later = Pair::build(cc, sc, 26, Some("localhost"), None, None);
    assert_eq!(client_hello_of(&later).session_id.as_slice(), &id[..]);
    later.run();
    let sh = server_hello_of(&later);
    assert_ne!(
        sh.session_id.as_slice(),
        &id[..],
        "resumed a revoked client"
    );
    assert!(later.s.sent_messages.len() > 2, "not a full handshake");
    later.assert_dead("server", AlertDescription::CertificateRevoked);
}

/// A client session store that ignores the name: offers the session kept for "localhost"
/// whatever server it connects to (to make the server judge the SNI).
struct AnyName(InMemoryClientSessionStore);

fn localhost(key: &SessionKey) -> SessionKey {
    SessionKey::new("localhost", *key.identity())
}

impl ClientSessionStore for AnyName {
    fn put(&self, key: &SessionKey, session: Arc<StoredSession>) {
        self.0.put(&localhost(key), session);
    }
    fn take_tls13(&self, key: &SessionKey, now: u64) -> Option<Arc<StoredSession>> {
        self.0.take_tls13(&localhost(key), now)
    }
    fn get_tls12(&self, key: &SessionKey, now: u64) -> Option<Arc<StoredSession>> {
        self.0.get_tls12(&localhost(key), now)
    }
    fn forget_tls12(&self, key: &SessionKey, session_id: &[u8]) {
        self.0.forget_tls12(&localhost(key), session_id);
    }
}

#[test]
fn rfc6066_3_resumption_with_a_different_sni_is_a_full_handshake() {
    let (mut cc, mut sc) = mutual(
        "server-ecdsa",
        Some("client-ecdsa"),
        ClientAuthPolicy::Required,
    );
    cc.session_store = Some(Arc::new(AnyName(InMemoryClientSessionStore::new(8, 3600))));
    sc.session_cache = Some(Arc::new(InMemorySessionCache::new(8, 3600)));
    let (cc, sc) = (Arc::new(cc), Arc::new(sc));

    let mut first = Pair::build(cc.clone(), sc.clone(), 27, Some("localhost"), None, None);
    first.run();
    first.assert_ok();
    let id = first.server.summary().unwrap().session_id.clone();

    let mut second = Pair::build(cc, sc, 28, Some("other.localhost"), None, None);
    assert_eq!(client_hello_of(&second).session_id.as_slice(), &id[..]);
    second.run();
    second.assert_ok();
    second.exchange_data();
    let s = second.server.summary().unwrap();
    assert_eq!(s.kind, Kind::FullEcdheClientCert);
    assert_ne!(s.session_id, id);
    assert_eq!(s.server_name.as_deref(), Some("other.localhost"));
    assert!(!second.client.summary().unwrap().resumed);
}

// ---- key log (NSS format) ----

#[test]
fn key_log_lines_have_the_nss_format_and_agree_on_both_sides() {
    let (mut cc, mut sc) = mutual(
        "server-ecdsa",
        Some("client-ecdsa"),
        ClientAuthPolicy::Required,
    );
    let client_log = Arc::new(MemoryKeyLog::default());
    let server_log = Arc::new(MemoryKeyLog::default());
    cc.key_log = Some(client_log.clone());
    sc.key_log = Some(server_log.clone());
    let p = completed(cc, sc, 29);
    let client_lines = client_log.0.lock().unwrap().clone();
    let server_lines = server_log.0.lock().unwrap().clone();
    assert_eq!(client_lines.len(), 1);
    assert_eq!(client_lines, server_lines);
    let fields: Vec<&str> = client_lines[0].split(' ').collect();
    assert_eq!(fields.len(), 3, "{}", client_lines[0]);
    assert_eq!(fields[0], "CLIENT_RANDOM");
    let is_hex = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    assert_eq!(fields[1].len(), 64);
    assert_eq!(fields[2].len(), 96);
    assert!(is_hex(fields[1]) && is_hex(fields[2]));
    assert_eq!(
        fields[1],
        hex::encode(p.client.summary().unwrap().client_random)
    );
}

// ---- CertificateRequest (RFC 5246 7.4.4) ----

#[test]
fn rfc5246_7_4_4_certificate_request_carries_the_verifiers_names_and_both_key_types() {
    let dn = |cn: &str| {
        // SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, UTF8String cn } } }
        let mut atv = vec![0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, cn.len() as u8];
        atv.extend_from_slice(cn.as_bytes());
        let mut seq = vec![0x30, atv.len() as u8];
        seq.extend(atv);
        let mut set = vec![0x31, seq.len() as u8];
        set.extend(seq);
        let mut name = vec![0x30, set.len() as u8];
        name.extend(set);
        mtls_handshake::DistinguishedName(name)
    };
    let names = vec![dn("Test CA"), dn("Other Root"), dn("Third Root")];
    let (cc, mut sc) = mutual(
        "server-ecdsa",
        Some("client-rsa"),
        ClientAuthPolicy::Optional,
    );
    sc.client_verifier = Some(Arc::new(TestClientVerifier {
        names: names.clone(),
        verdict: Mutex::new(Ok(())),
    }));
    sc.signature_schemes = vec![
        SignatureAlgorithm::EcdsaSecp256r1Sha256,
        SignatureAlgorithm::RsaPssRsaeSha256,
        SignatureAlgorithm::RsaPkcs1Sha256,
    ];
    let p = completed(cc, sc, 30);
    let cr =
        p.s.sent_messages
            .iter()
            .find(|m| m[0] == HandshakeType::CertificateRequest.to_u8())
            .unwrap();
    let HandshakePayload::CertificateRequest(cr) = parse_message(cr, None) else {
        panic!()
    };
    assert_eq!(cr.certificate_authorities, names);
    assert_eq!(
        cr.certificate_types,
        vec![
            ClientCertificateType::RsaSign,
            ClientCertificateType::EcdsaSign
        ]
    );
    assert_eq!(
        cr.supported_signature_algorithms,
        vec![
            SignatureScheme::from(0x0403),
            SignatureScheme::from(0x0804),
            SignatureScheme::from(0x0401),
        ]
    );

    // The names are capped (each costs its length and a 2-byte prefix).
    let (cc, mut sc) = mutual(
        "server-ecdsa",
        Some("client-rsa"),
        ClientAuthPolicy::Optional,
    );
    sc.client_verifier = Some(Arc::new(TestClientVerifier {
        names: names.clone(),
        verdict: Mutex::new(Ok(())),
    }));
    sc.max_ca_names_len = names[0].0.len() + 2 + names[1].0.len() + 2;
    let p = completed(cc, sc, 31);
    let cr =
        p.s.sent_messages
            .iter()
            .find(|m| m[0] == HandshakeType::CertificateRequest.to_u8())
            .unwrap();
    let HandshakePayload::CertificateRequest(cr) = parse_message(cr, None) else {
        panic!()
    };
    assert_eq!(cr.certificate_authorities, names[..2].to_vec());
}

#[test]
fn stored_client_session_has_the_certificates_and_name() {
    // Sanity of the store the resumption tests rely on.
    let (cc, sc) = resumable(ClientAuthPolicy::Required);
    let mut p = Pair::build(cc.clone(), sc, 32, Some("localhost"), None, None);
    p.run();
    p.assert_ok();
    let kept = cc
        .session_store
        .as_ref()
        .unwrap()
        .get_tls12(&cc.session_key("localhost"), NOW)
        .unwrap();
    assert_eq!(
        kept.peer_certificates[0],
        CertificateDer::from(fixture("server-ecdsa.cert.der"))
    );
    assert_eq!(kept.server_name.as_deref(), Some("localhost"));
}

/// RFC 5246 7.4.1.4.1 and 7.4.4: by default the ClientHello's signature_algorithms and the
/// server's CertificateRequest both offer ecdsa_secp384r1_sha384 (0x0503), right after
/// ecdsa_secp256r1_sha256, so P-384 certificates work on either side, then sha512 + ecdsa
/// (0x0603, ecdsa_secp521r1_sha512 in TLS 1.3's terms), which TLS 1.2 allows on any curve.
#[test]
fn default_schemes_offer_ecdsa_secp384r1_sha384_both_ways() {
    let (cc, sc) = mutual(
        "server-ecdsa",
        Some("client-ecdsa"),
        ClientAuthPolicy::Required,
    );
    let p = completed(cc, sc, 32);
    let offered = client_hello_of(&p)
        .extensions
        .signature_algorithms()
        .unwrap()
        .to_vec();
    let cr =
        p.s.sent_messages
            .iter()
            .find(|m| m[0] == HandshakeType::CertificateRequest.to_u8())
            .unwrap();
    let HandshakePayload::CertificateRequest(cr) = parse_message(cr, None) else {
        panic!()
    };
    for list in [offered, cr.supported_signature_algorithms] {
        assert_eq!(
            list[..3],
            [
                SignatureScheme::ECDSA_SECP256R1_SHA256,
                SignatureScheme::ECDSA_SECP384R1_SHA384,
                SignatureScheme::ECDSA_SECP521R1_SHA512,
            ]
        );
        assert_eq!(list.len(), mtls_handshake::DEFAULT_SIGNATURE_SCHEMES.len());
    }
}
