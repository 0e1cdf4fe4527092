//! Interop with real GnuTLS (`gnutls-serv` / `gnutls-cli`, TLS 1.2, mutual TLS) over
//! 127.0.0.1, through `mtls-handshake` + `mtls-record` and a small blocking driver.
//!
//! Each test fails (never skips) when its GnuTLS binary is missing, kills its child process
//! on every path, and is bounded by socket timeouts and an overall deadline. GnuTLS honours
//! `SSLKEYLOGFILE`, so each full handshake also compares GnuTLS's `CLIENT_RANDOM` line with
//! ours (same master secret from the same transcript).
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

/// TLS 1.2 only, one key exchange, one cipher, optionally one group.
fn priority(kx: &str, cipher: &str, group: Option<&str>) -> String {
    let mut p = format!("NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+{kx}:-CIPHER-ALL:+{cipher}");
    if let Some(g) = group {
        p.push_str(&format!(":-GROUP-ALL:+GROUP-{g}"));
    }
    p
}

// ---- our client → gnutls-serv ----

struct ToServer {
    kx: &'static str,
    cipher: &'static str,
    group_name: Option<&'static str>,
    suite: SupportedSuite,
    server: &'static str,
    client: &'static str,
    group: NamedGroup,
    client_signature: SignatureAlgorithm,
}

/// Starts `gnutls-serv --echo` requiring and verifying a client certificate, on a free port
/// (it listens on every interface; we connect to 127.0.0.1).
fn start_echo_serv(case: &ToServer, keylog: &TempFile) -> (Peer, u16) {
    let args = [
        "--echo".to_string(),
        "--x509certfile".into(),
        pem(&format!("{}.pem", case.server)),
        "--x509keyfile".into(),
        pem(&format!("{}.key", case.server)),
        "--x509cafile".into(),
        pem("ca.pem"),
        "--require-client-cert".into(),
        "--verify-client-cert".into(),
        "--priority".into(),
        priority(case.kx, case.cipher, case.group_name),
    ];
    start_gnutls_serv(&args, &[("SSLKEYLOGFILE", keylog.path())])
}

fn our_client_to_gnutls_serv(case: &ToServer) {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let keylog = TempFile::new("gnutls-serv.keylog");
    let (mut peer, port) = start_echo_serv(case, &keylog);

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
        .and_then(|()| conn.send(b"hello gnutls\n"))
        .and_then(|()| conn.read_until(&mut hs, |d| d.ends_with(b"\n")));
    if let Err(e) = result {
        std::thread::sleep(Duration::from_millis(200));
        panic!("our client against gnutls-serv: {e}\n{}", peer.describe());
    }
    assert_eq!(
        String::from_utf8_lossy(&conn.app_data),
        "hello gnutls\n",
        "{}",
        peer.describe()
    );
    conn.close(&mut hs);

    let s = hs.summary().expect("complete").clone();
    assert_eq!(s.suite, case.suite);
    assert!(s.extended_master_secret, "EMS not negotiated");
    assert_eq!(s.peer_certificates[0].to_vec(), leaf(case.server));
    assert_eq!(s.client_signature, Some(case.client_signature));
    if case.suite.kx == KeyExchangeAlgorithm::Ecdhe {
        assert_eq!(s.kind, Kind::FullEcdheClientCert);
        assert_eq!(s.group, Some(case.group));
    } else {
        assert_eq!(s.kind, Kind::FullRsaClientCert);
    }
    // gnutls-serv verified our certificate and saw the session as we did.
    assert!(
        peer.wait_output("The certificate is trusted", deadline),
        "{}",
        peer.describe()
    );
    assert!(
        peer.wait_output("extended master secret", deadline),
        "{}",
        peer.describe()
    );
    assert_same_key_log(&key_log, &keylog, "gnutls-serv");
}

#[test]
fn client_ecdhe_ecdsa_aes128_gcm_x25519() {
    our_client_to_gnutls_serv(&ToServer {
        kx: "ECDHE-ECDSA",
        cipher: "AES-128-GCM",
        group_name: Some("X25519"),
        suite: suites::ECDHE_ECDSA_AES128_GCM,
        server: "server-ecdsa",
        client: "client-rsa",
        group: NamedGroup::X25519,
        client_signature: SignatureAlgorithm::RsaPssRsaeSha256,
    });
}

#[test]
fn client_ecdhe_ecdsa_aes256_gcm_sha384_p256() {
    our_client_to_gnutls_serv(&ToServer {
        kx: "ECDHE-ECDSA",
        cipher: "AES-256-GCM",
        group_name: Some("SECP256R1"),
        suite: suites::ECDHE_ECDSA_AES256_GCM,
        server: "server-ecdsa",
        client: "client-ecdsa",
        group: NamedGroup::Secp256r1,
        client_signature: SignatureAlgorithm::EcdsaSecp256r1Sha256,
    });
}

#[test]
fn client_ecdhe_rsa_chacha20() {
    our_client_to_gnutls_serv(&ToServer {
        kx: "ECDHE-RSA",
        cipher: "CHACHA20-POLY1305",
        group_name: None,
        suite: suites::ECDHE_RSA_CHACHA20,
        server: "server-rsa",
        client: "client-ecdsa",
        group: NamedGroup::X25519,
        client_signature: SignatureAlgorithm::EcdsaSecp256r1Sha256,
    });
}

#[test]
fn client_ecdhe_rsa_aes128_gcm_p256() {
    our_client_to_gnutls_serv(&ToServer {
        kx: "ECDHE-RSA",
        cipher: "AES-128-GCM",
        group_name: Some("SECP256R1"),
        suite: suites::ECDHE_RSA_AES128_GCM,
        server: "server-rsa",
        client: "client-rsa",
        group: NamedGroup::Secp256r1,
        client_signature: SignatureAlgorithm::RsaPssRsaeSha256,
    });
}

#[test]
fn client_static_rsa_aes128_gcm() {
    our_client_to_gnutls_serv(&ToServer {
        kx: "RSA",
        cipher: "AES-128-GCM",
        group_name: None,
        suite: suites::RSA_AES128_GCM,
        server: "server-rsa",
        client: "client-rsa",
        group: NamedGroup::X25519,
        client_signature: SignatureAlgorithm::RsaPssRsaeSha256,
    });
}

// ---- gnutls-cli → our server ----

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

/// Runs `gnutls-cli` against our server, verifying our certificate for `localhost`; writes
/// "hello\n" on its stdin (kept open: our server closes after its echo) and waits for it to
/// exit.
fn run_cli_to(
    server: &OurServer,
    client: Option<&str>,
    priority: &str,
    extra: &[&str],
    keylog: &TempFile,
    deadline: Instant,
) -> Peer {
    let mut args: Vec<String> = vec![
        "--x509cafile".into(),
        pem("ca.pem"),
        "--verify-hostname".into(),
        "localhost".into(),
        "--priority".into(),
        priority.into(),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    if let Some(c) = client {
        args.extend([
            "--x509certfile".into(),
            pem(&format!("{c}.pem")),
            "--x509keyfile".into(),
            pem(&format!("{c}.key")),
        ]);
    }
    run_gnutls_cli(
        server.port,
        &args,
        &[("SSLKEYLOGFILE", keylog.path())],
        b"hello\n",
        deadline,
    )
}

struct FromClient {
    kx: &'static str,
    cipher: &'static str,
    suite: SupportedSuite,
    client: &'static str,
    client_signature: SignatureAlgorithm,
}

fn gnutls_cli_to_our_server(case: &FromClient) {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let key_log = Arc::new(MemoryKeyLog::default());
    let server = our_server(Arc::new(our_server_config(key_log.clone())), 1, deadline);
    let keylog = TempFile::new("gnutls-cli.keylog");
    let peer = run_cli_to(
        &server,
        Some(case.client),
        &priority(case.kx, case.cipher, None),
        &[],
        &keylog,
        deadline,
    );
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
    let out = peer.output();
    assert!(out.contains("mtls-echo: hello"), "{}", peer.describe());
    assert!(
        out.contains("Handshake was completed"),
        "{}",
        peer.describe()
    );

    let s = c.summary.as_ref().expect("complete");
    assert_eq!(s.suite, case.suite);
    assert!(s.extended_master_secret);
    assert_eq!(s.peer_certificates[0].to_vec(), leaf(case.client));
    assert_eq!(s.client_signature, Some(case.client_signature));
    let kind = if case.suite.kx == KeyExchangeAlgorithm::Ecdhe {
        Kind::FullEcdheClientCert
    } else {
        Kind::FullRsaClientCert
    };
    assert_eq!(s.kind, kind);
    assert_same_key_log(&key_log, &keylog, "gnutls-cli");
}

#[test]
fn server_ecdhe_ecdsa_aes128_gcm_rsa_client_cert() {
    gnutls_cli_to_our_server(&FromClient {
        kx: "ECDHE-ECDSA",
        cipher: "AES-128-GCM",
        suite: suites::ECDHE_ECDSA_AES128_GCM,
        client: "client-rsa",
        client_signature: SignatureAlgorithm::RsaPssRsaeSha256,
    });
}

#[test]
fn server_ecdhe_ecdsa_aes256_gcm_sha384_ecdsa_client_cert() {
    gnutls_cli_to_our_server(&FromClient {
        kx: "ECDHE-ECDSA",
        cipher: "AES-256-GCM",
        suite: suites::ECDHE_ECDSA_AES256_GCM,
        client: "client-ecdsa",
        client_signature: SignatureAlgorithm::EcdsaSecp256r1Sha256,
    });
}

#[test]
fn server_ecdhe_rsa_chacha20() {
    gnutls_cli_to_our_server(&FromClient {
        kx: "ECDHE-RSA",
        cipher: "CHACHA20-POLY1305",
        suite: suites::ECDHE_RSA_CHACHA20,
        client: "client-ecdsa",
        client_signature: SignatureAlgorithm::EcdsaSecp256r1Sha256,
    });
}

#[test]
fn server_ecdhe_rsa_aes128_gcm() {
    gnutls_cli_to_our_server(&FromClient {
        kx: "ECDHE-RSA",
        cipher: "AES-128-GCM",
        suite: suites::ECDHE_RSA_AES128_GCM,
        client: "client-rsa",
        client_signature: SignatureAlgorithm::RsaPssRsaeSha256,
    });
}

#[test]
fn server_static_rsa_aes128_gcm() {
    gnutls_cli_to_our_server(&FromClient {
        kx: "RSA",
        cipher: "AES-128-GCM",
        suite: suites::RSA_AES128_GCM,
        client: "client-rsa",
        client_signature: SignatureAlgorithm::RsaPssRsaeSha256,
    });
}

/// `gnutls-cli --resume`: a full handshake, then a reconnection offering the session id
/// (our server sends no tickets), which our session cache resumes.
#[test]
fn server_resumes_gnutls_cli_session_by_id() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let key_log = Arc::new(MemoryKeyLog::default());
    let mut config = our_server_config(key_log);
    config.session_cache = Some(Arc::new(InMemorySessionCache::new(16, 3600)));
    let server = our_server(Arc::new(config), 2, deadline);
    let keylog = TempFile::new("gnutls-cli.keylog");
    let peer = run_cli_to(
        &server,
        Some("client-rsa"),
        &priority("ECDHE-ECDSA", "AES-128-GCM", None),
        &["--resume"],
        &keylog,
        deadline,
    );
    let conns = server.finish();
    assert_eq!(conns.len(), 2, "{conns:?}\n{}", peer.describe());
    for c in &conns {
        assert!(
            c.error.is_none(),
            "our server: {}\n{}",
            c.error.as_ref().unwrap(),
            peer.describe()
        );
    }
    let out = peer.output();
    assert!(
        out.contains("This is a resumed session"),
        "{}",
        peer.describe()
    );
    assert!(out.contains("mtls-echo: hello"), "{}", peer.describe());
    let first = conns[0].summary.as_ref().unwrap();
    let second = conns[1].summary.as_ref().unwrap();
    assert!(!first.resumed);
    assert!(second.resumed, "{conns:?}\n{}", peer.describe());
    assert_eq!(second.kind, Kind::Resumed);
    assert_eq!(second.session_id, first.session_id);
    assert!(second.extended_master_secret);
    assert_eq!(second.peer_certificates[0].to_vec(), leaf("client-rsa"));
}

/// No client certificate against a server that requires one: our server refuses with
/// handshake_failure (RFC 5246 7.4.6) and gnutls-cli reports it.
#[test]
fn server_refuses_gnutls_cli_without_certificate() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let key_log = Arc::new(MemoryKeyLog::default());
    let server = our_server(Arc::new(our_server_config(key_log)), 1, deadline);
    let keylog = TempFile::new("gnutls-cli.keylog");
    let peer = run_cli_to(
        &server,
        None,
        &priority("ECDHE-ECDSA", "AES-128-GCM", None),
        &[],
        &keylog,
        deadline,
    );
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
        out.contains("Received alert [40]"),
        "gnutls-cli did not report handshake_failure\n{}",
        peer.describe()
    );
}
