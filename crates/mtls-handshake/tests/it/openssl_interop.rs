//! Interop with real OpenSSL (`openssl s_server` / `s_client`, TLS 1.2, mutual TLS) over
//! 127.0.0.1, through `mtls-handshake` + `mtls-record` and a small blocking driver.
//!
//! Each test fails (never skips) when `openssl` is missing, kills its child process on every
//! path, and is bounded by socket timeouts and an overall deadline. Besides the echoed data,
//! each full handshake compares OpenSSL's NSS key log with ours: the same `CLIENT_RANDOM`
//! line means both sides derived the same (extended) master secret from the same transcript.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::interop::*;
use mtls_crypto::kx::NamedGroup;
use mtls_crypto::signature::SignatureAlgorithm;
use mtls_handshake::sequence::Kind;
use mtls_handshake::suites::{self, SupportedSuite};
use mtls_handshake::{
    ClientAuthPolicy, ClientConfig, ClientHandshake, InMemorySessionCache, ServerConfig,
};
use mtls_wire::AlertDescription;
use mtls_wire::handshake::KeyExchangeAlgorithm;

// ---- our client → openssl s_server ----

/// One `s_server` configuration and what our client must end up with.
struct ToServer {
    cipher: &'static str,
    suite: SupportedSuite,
    server: &'static str,
    client: &'static str,
    groups: &'static str,
    group: NamedGroup,
    client_sigalgs: Option<&'static str>,
    client_signature: SignatureAlgorithm,
}

/// Starts `openssl s_server` (one connection, `-rev` echo) with `args` on a free port.
fn start_one_s_server(args: &[String]) -> (Peer, u16) {
    let mut all = vec!["-naccept".to_string(), "1".to_string()];
    all.extend_from_slice(args);
    start_s_server(&all)
}

fn our_client_to_s_server(case: &ToServer) {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let keylog = TempFile::new("s_server.keylog");
    let mut args: Vec<String> = [
        "-cert",
        &pem(&format!("{}.pem", case.server)),
        "-key",
        &pem(&format!("{}.key", case.server)),
        "-CAfile",
        &pem("ca.pem"),
        "-Verify",
        "1",
        "-verify_return_error",
        "-cipher",
        case.cipher,
        "-groups",
        case.groups,
        "-keylogfile",
        keylog.path(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Some(s) = case.client_sigalgs {
        args.extend(["-client_sigalgs".to_string(), s.to_string()]);
    }
    let (mut peer, port) = start_one_s_server(&args);

    let key_log = Arc::new(MemoryKeyLog::default());
    let mut config = ClientConfig::new(Arc::new(ExpectLeaf(leaf(case.server))));
    config.suites = suites::ALL_SUITES.to_vec();
    config.enable_static_rsa = case.suite.kx == KeyExchangeAlgorithm::Rsa;
    config.cert_resolver = Some(Arc::new(certified(case.client)));
    config.key_log = Some(key_log.clone());

    let stream = connect(port, &mut peer);
    let mut conn = Conn::new(stream, deadline);
    let (mut hs, actions) = ClientHandshake::new(Arc::new(config), Some("localhost")).unwrap();
    let result = conn
        .apply(actions)
        .and_then(|()| conn.handshake(&mut hs))
        .and_then(|()| conn.send(b"hello mtls\n"))
        .and_then(|()| conn.read_until(&mut hs, |d| d.ends_with(b"\n")));
    if let Err(e) = result {
        std::thread::sleep(Duration::from_millis(200));
        panic!("our client against s_server: {e}\n{}", peer.describe());
    }
    // `-rev` answers each line reversed.
    assert_eq!(
        String::from_utf8_lossy(&conn.app_data),
        "sltm olleh\n",
        "{}",
        peer.describe()
    );
    conn.close(&mut hs);

    let s = hs.summary().expect("complete").clone();
    assert_eq!(s.suite, case.suite);
    assert!(s.extended_master_secret, "EMS not negotiated");
    assert!(!s.resumed);
    assert_eq!(s.peer_certificates[0].to_vec(), leaf(case.server));
    assert_eq!(s.client_signature, Some(case.client_signature));
    if case.suite.kx == KeyExchangeAlgorithm::Ecdhe {
        assert_eq!(s.kind, Kind::FullEcdheClientCert);
        assert_eq!(s.group, Some(case.group));
    } else {
        assert_eq!(s.kind, Kind::FullRsaClientCert);
        assert_eq!(s.group, None);
    }

    // `-naccept 1`: s_server exits after our close_notify.
    let status = peer.wait_exit(deadline);
    assert!(
        status.is_some(),
        "s_server did not exit\n{}",
        peer.describe()
    );
    let out = peer.output();
    assert!(
        out.contains("CONNECTION ESTABLISHED")
            && out.contains(&format!("Ciphersuite: {}", case.cipher)),
        "{}",
        peer.describe()
    );
    assert_same_key_log(&key_log, &keylog, "openssl s_server");
}

#[test]
fn client_ecdhe_ecdsa_aes128_gcm_x25519_rsa_client_cert() {
    our_client_to_s_server(&ToServer {
        cipher: "ECDHE-ECDSA-AES128-GCM-SHA256",
        suite: suites::ECDHE_ECDSA_AES128_GCM,
        server: "server-ecdsa",
        client: "client-rsa",
        groups: "X25519",
        group: NamedGroup::X25519,
        client_sigalgs: None,
        client_signature: SignatureAlgorithm::RsaPssRsaeSha256,
    });
}

#[test]
fn client_ecdhe_ecdsa_aes256_gcm_sha384_p256_ecdsa_client_cert() {
    // SHA-384 PRF: key block, EMS, Finished and the transcript all switch hash.
    our_client_to_s_server(&ToServer {
        cipher: "ECDHE-ECDSA-AES256-GCM-SHA384",
        suite: suites::ECDHE_ECDSA_AES256_GCM,
        server: "server-ecdsa",
        client: "client-ecdsa",
        groups: "P-256",
        group: NamedGroup::Secp256r1,
        client_sigalgs: None,
        client_signature: SignatureAlgorithm::EcdsaSecp256r1Sha256,
    });
}

#[test]
fn client_ecdhe_ecdsa_chacha20_x25519() {
    our_client_to_s_server(&ToServer {
        cipher: "ECDHE-ECDSA-CHACHA20-POLY1305",
        suite: suites::ECDHE_ECDSA_CHACHA20,
        server: "server-ecdsa",
        client: "client-ecdsa",
        // OpenSSL also checks the curve of an ECDSA client certificate against its groups
        // (tls12_check_peer_sigalg: "wrong curve"), so P-256 must be allowed; our client's
        // preference still makes X25519 the key exchange group.
        groups: "X25519:P-256",
        group: NamedGroup::X25519,
        client_sigalgs: None,
        client_signature: SignatureAlgorithm::EcdsaSecp256r1Sha256,
    });
}

#[test]
fn client_ecdhe_rsa_chacha20_x25519() {
    our_client_to_s_server(&ToServer {
        cipher: "ECDHE-RSA-CHACHA20-POLY1305",
        suite: suites::ECDHE_RSA_CHACHA20,
        server: "server-rsa",
        client: "client-rsa",
        groups: "X25519",
        group: NamedGroup::X25519,
        client_sigalgs: None,
        client_signature: SignatureAlgorithm::RsaPssRsaeSha256,
    });
}

#[test]
fn client_ecdhe_rsa_aes128_gcm_client_signs_rsa_pss() {
    our_client_to_s_server(&ToServer {
        cipher: "ECDHE-RSA-AES128-GCM-SHA256",
        suite: suites::ECDHE_RSA_AES128_GCM,
        server: "server-rsa",
        client: "client-rsa",
        groups: "P-256",
        group: NamedGroup::Secp256r1,
        client_sigalgs: Some("rsa_pss_rsae_sha256"),
        client_signature: SignatureAlgorithm::RsaPssRsaeSha256,
    });
}

#[test]
fn client_ecdhe_rsa_aes128_gcm_client_signs_rsa_pkcs1() {
    our_client_to_s_server(&ToServer {
        cipher: "ECDHE-RSA-AES128-GCM-SHA256",
        suite: suites::ECDHE_RSA_AES128_GCM,
        server: "server-rsa",
        client: "client-rsa",
        groups: "X25519",
        group: NamedGroup::X25519,
        client_sigalgs: Some("rsa_pkcs1_sha256"),
        client_signature: SignatureAlgorithm::RsaPkcs1Sha256,
    });
}

#[test]
fn client_ecdhe_rsa_aes256_gcm_sha384_p256() {
    our_client_to_s_server(&ToServer {
        cipher: "ECDHE-RSA-AES256-GCM-SHA384",
        suite: suites::ECDHE_RSA_AES256_GCM,
        server: "server-rsa",
        client: "client-ecdsa",
        groups: "P-256",
        group: NamedGroup::Secp256r1,
        client_sigalgs: None,
        client_signature: SignatureAlgorithm::EcdsaSecp256r1Sha256,
    });
}

#[test]
fn client_static_rsa_aes128_gcm() {
    our_client_to_s_server(&ToServer {
        cipher: "AES128-GCM-SHA256",
        suite: suites::RSA_AES128_GCM,
        server: "server-rsa",
        client: "client-rsa",
        groups: "X25519",
        group: NamedGroup::X25519,
        client_sigalgs: None,
        client_signature: SignatureAlgorithm::RsaPssRsaeSha256,
    });
}

#[test]
fn client_static_rsa_aes256_gcm_sha384() {
    our_client_to_s_server(&ToServer {
        cipher: "AES256-GCM-SHA384",
        suite: suites::RSA_AES256_GCM,
        server: "server-rsa",
        client: "client-ecdsa",
        // The ECDSA client certificate's curve must be among s_server's groups.
        groups: "P-256",
        group: NamedGroup::X25519,
        client_sigalgs: None,
        client_signature: SignatureAlgorithm::EcdsaSecp256r1Sha256,
    });
}

// ---- openssl s_client → our server ----

/// Our server's config: both certificates, every suite (static RSA too), client certificates
/// required, key log on.
fn our_server_config(key_log: Arc<MemoryKeyLog>) -> ServerConfig {
    let mut config = ServerConfig::new(Arc::new(vec![
        certified("server-ecdsa"),
        certified("server-rsa"),
    ]));
    config.suites = suites::ALL_SUITES.to_vec();
    config.enable_static_rsa = true;
    config.client_auth = ClientAuthPolicy::Required;
    config.client_verifier = Some(Arc::new(AcceptClient));
    config.key_log = Some(key_log);
    config
}

/// Runs `openssl s_client` against our server, verifying our certificate for `localhost`;
/// writes "hello\n" on its stdin (kept open: our server closes after its echo) and waits for
/// it to exit.
fn run_s_client_to(server: &OurServer, args: &[String], deadline: Instant) -> Peer {
    let mut all: Vec<String> = ["-CAfile", &pem("ca.pem"), "-verify_return_error"]
        .iter()
        .chain(&["-verify_hostname", "localhost"])
        .map(|a| a.to_string())
        .collect();
    all.extend_from_slice(args);
    run_s_client(server.port, &all, b"hello\n", deadline)
}

struct FromClient {
    cipher: &'static str,
    suite: SupportedSuite,
    client: &'static str,
    sigalgs: Option<&'static str>,
    groups: Option<&'static str>,
    group: NamedGroup,
    client_signature: SignatureAlgorithm,
}

fn s_client_to_our_server(case: &FromClient) {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let key_log = Arc::new(MemoryKeyLog::default());
    let server = our_server(Arc::new(our_server_config(key_log.clone())), 1, deadline);
    let keylog = TempFile::new("s_client.keylog");
    let mut args: Vec<String> = [
        "-cipher",
        case.cipher,
        "-cert",
        &pem(&format!("{}.pem", case.client)),
        "-key",
        &pem(&format!("{}.key", case.client)),
        "-keylogfile",
        keylog.path(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Some(s) = case.sigalgs {
        args.extend(["-sigalgs".to_string(), s.to_string()]);
    }
    if let Some(g) = case.groups {
        args.extend(["-groups".to_string(), g.to_string()]);
    }
    let peer = run_s_client_to(&server, &args, deadline);
    let conns = server.finish();
    assert_eq!(conns.len(), 1, "{conns:?}\n{}", peer.describe());
    let c = &conns[0];
    assert!(
        c.error.is_none(),
        "our server: {}\n{}",
        c.error.as_ref().unwrap(),
        peer.describe()
    );
    assert_eq!(c.received, b"hello\n");
    let out = peer.stdout();
    assert!(out.contains("mtls-echo: hello"), "{}", peer.describe());
    assert!(
        out.contains("Verify return code: 0 (ok)"),
        "{}",
        peer.describe()
    );
    assert!(
        out.contains("Extended master secret: yes"),
        "{}",
        peer.describe()
    );

    let s = c.summary.as_ref().expect("complete");
    assert_eq!(s.suite, case.suite);
    assert!(s.extended_master_secret);
    assert!(!s.resumed);
    assert_eq!(s.peer_certificates[0].to_vec(), leaf(case.client));
    assert_eq!(s.client_signature, Some(case.client_signature));
    if case.suite.kx == KeyExchangeAlgorithm::Ecdhe {
        assert_eq!(s.kind, Kind::FullEcdheClientCert);
        assert_eq!(s.group, Some(case.group));
    } else {
        assert_eq!(s.kind, Kind::FullRsaClientCert);
    }
    assert_same_key_log(&key_log, &keylog, "openssl s_client");
}

#[test]
fn server_ecdhe_ecdsa_aes128_gcm_rsa_client_cert() {
    s_client_to_our_server(&FromClient {
        cipher: "ECDHE-ECDSA-AES128-GCM-SHA256",
        suite: suites::ECDHE_ECDSA_AES128_GCM,
        client: "client-rsa",
        sigalgs: None,
        groups: None,
        group: NamedGroup::X25519,
        client_signature: SignatureAlgorithm::RsaPssRsaeSha256,
    });
}

#[test]
fn server_ecdhe_ecdsa_aes256_gcm_sha384_ecdsa_client_cert_p256() {
    s_client_to_our_server(&FromClient {
        cipher: "ECDHE-ECDSA-AES256-GCM-SHA384",
        suite: suites::ECDHE_ECDSA_AES256_GCM,
        client: "client-ecdsa",
        sigalgs: None,
        groups: Some("P-256"),
        group: NamedGroup::Secp256r1,
        client_signature: SignatureAlgorithm::EcdsaSecp256r1Sha256,
    });
}

#[test]
fn server_ecdhe_rsa_chacha20() {
    s_client_to_our_server(&FromClient {
        cipher: "ECDHE-RSA-CHACHA20-POLY1305",
        suite: suites::ECDHE_RSA_CHACHA20,
        client: "client-ecdsa",
        sigalgs: None,
        groups: Some("X25519"),
        group: NamedGroup::X25519,
        client_signature: SignatureAlgorithm::EcdsaSecp256r1Sha256,
    });
}

#[test]
fn server_ecdhe_rsa_aes128_gcm_rsa_pss_only() {
    s_client_to_our_server(&FromClient {
        cipher: "ECDHE-RSA-AES128-GCM-SHA256",
        suite: suites::ECDHE_RSA_AES128_GCM,
        client: "client-rsa",
        sigalgs: Some("rsa_pss_rsae_sha256"),
        groups: None,
        group: NamedGroup::X25519,
        client_signature: SignatureAlgorithm::RsaPssRsaeSha256,
    });
}

#[test]
fn server_ecdhe_rsa_aes128_gcm_rsa_pkcs1_only() {
    s_client_to_our_server(&FromClient {
        cipher: "ECDHE-RSA-AES128-GCM-SHA256",
        suite: suites::ECDHE_RSA_AES128_GCM,
        client: "client-rsa",
        sigalgs: Some("rsa_pkcs1_sha256"),
        groups: None,
        group: NamedGroup::X25519,
        client_signature: SignatureAlgorithm::RsaPkcs1Sha256,
    });
}

#[test]
fn server_static_rsa_aes128_gcm() {
    s_client_to_our_server(&FromClient {
        cipher: "AES128-GCM-SHA256",
        suite: suites::RSA_AES128_GCM,
        client: "client-rsa",
        sigalgs: None,
        groups: None,
        group: NamedGroup::X25519,
        client_signature: SignatureAlgorithm::RsaPssRsaeSha256,
    });
}

#[test]
fn server_static_rsa_aes256_gcm_sha384() {
    s_client_to_our_server(&FromClient {
        cipher: "AES256-GCM-SHA384",
        suite: suites::RSA_AES256_GCM,
        client: "client-ecdsa",
        sigalgs: None,
        groups: None,
        group: NamedGroup::X25519,
        client_signature: SignatureAlgorithm::EcdsaSecp256r1Sha256,
    });
}

/// `s_client -reconnect`: one full handshake, then five reconnections offering the session
/// id (our server sends no tickets), which our session cache resumes.
#[test]
fn server_resumes_s_client_sessions_by_id() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let key_log = Arc::new(MemoryKeyLog::default());
    let mut config = our_server_config(key_log);
    config.session_cache = Some(Arc::new(InMemorySessionCache::new(16, 3600)));
    let server = our_server(Arc::new(config), 6, deadline);
    let args: Vec<String> = [
        "-cipher",
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "-cert",
        &pem("client-rsa.pem"),
        "-key",
        &pem("client-rsa.key"),
        "-reconnect",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let peer = run_s_client_to(&server, &args, deadline);
    let conns = server.finish();
    for c in &conns {
        assert!(
            c.error.is_none(),
            "our server: {}\n{}",
            c.error.as_ref().unwrap(),
            peer.describe()
        );
    }
    let out = peer.stdout();
    assert!(out.contains("Reused"), "{}", peer.describe());
    assert!(out.contains("mtls-echo: hello"), "{}", peer.describe());
    let summaries: Vec<_> = conns.iter().filter_map(|c| c.summary.as_ref()).collect();
    assert!(summaries.len() >= 2, "{conns:?}");
    assert!(!summaries[0].resumed);
    let resumed: Vec<_> = summaries.iter().filter(|s| s.resumed).collect();
    // `-reconnect` makes five reconnections after the first handshake: all resumed.
    assert_eq!(conns.len(), 6, "{conns:?}\n{}", peer.describe());
    assert_eq!(
        resumed.len(),
        5,
        "not every reconnection was resumed: {conns:?}\n{}",
        peer.describe()
    );
    assert_eq!(out.matches("Reused").count(), 5, "{}", peer.describe());
    for s in &resumed {
        assert_eq!(s.kind, Kind::Resumed);
        assert!(s.extended_master_secret);
        assert_eq!(s.session_id, summaries[0].session_id);
        // The client identity carries over from the full handshake.
        assert_eq!(s.peer_certificates[0].to_vec(), leaf("client-rsa"));
    }
}

/// No client certificate against a server that requires one: our server refuses with
/// handshake_failure (RFC 5246 7.4.6) and s_client reports alert 40.
#[test]
fn server_refuses_s_client_without_certificate() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let key_log = Arc::new(MemoryKeyLog::default());
    let server = our_server(Arc::new(our_server_config(key_log)), 1, deadline);
    let args = vec![
        "-cipher".to_string(),
        "ECDHE-ECDSA-AES128-GCM-SHA256".to_string(),
    ];
    let peer = run_s_client_to(&server, &args, deadline);
    let conns = server.finish();
    assert_eq!(conns.len(), 1, "{conns:?}\n{}", peer.describe());
    let c = &conns[0];
    assert!(c.summary.is_none());
    let e = c.error.as_ref().expect("our server must fail");
    assert_eq!(
        e.sent,
        Some(AlertDescription::HandshakeFailure),
        "{e}\n{}",
        peer.describe()
    );
    let out = peer.output();
    assert!(
        out.contains("alert handshake failure") && out.contains("alert number 40"),
        "s_client did not report handshake_failure\n{}",
        peer.describe()
    );
}
