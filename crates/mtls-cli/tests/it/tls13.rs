//! The command's TLS 1.3 options: `--versions` on `mtls server` and `mtls client`, `mtls
//! server --client-auth post-handshake` (RFC 8446 4.6.2) with its HTTP page, and `mtls
//! decode` on captured TLS 1.3 handshakes (HelloRetryRequest, a post-handshake
//! CertificateRequest, a KeyUpdate).

use std::process::Command;
use std::time::Duration;

use mtls_testkit::{Peer, require};

use crate::support::*;

/// The captured TLS 1.3 sessions.
fn tls13_vector(session: &str, file: &str) -> String {
    vectors()
        .join("tls13")
        .join(session)
        .join(file)
        .display()
        .to_string()
}

#[test]
fn versions_flag_refuses_what_is_not_tls12_or_tls13() {
    for bad in ["1.1", "1.3,1.3", ","] {
        let o = run(
            mtls(&[
                "client",
                "127.0.0.1:1",
                "--ca",
                "/nonexistent",
                "--versions",
                bad,
            ]),
            b"",
        );
        assert!(!o.status.success(), "--versions {bad}");
        let err = stderr(&o);
        // The CA file is read first; the versions are checked as the config is built.
        assert!(
            err.contains("--versions") || err.contains("nonexistent"),
            "{err}"
        );
    }
    let pki = certs("tls13-versions", "ecdsa");
    let (cert, key) = (pki.file("server.pem"), pki.file("server.key"));
    let o = run(
        mtls(&[
            "server",
            "--listen",
            "127.0.0.1:0",
            "--cert",
            &cert,
            "--key",
            &key,
            "--versions",
            "1.1",
        ]),
        b"",
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("--versions: unknown version \"1.1\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn post_handshake_client_auth_needs_a_client_ca_and_tls13() {
    let pki = certs("tls13-pha-options", "ecdsa");
    let (cert, key, ca) = (
        pki.file("server.pem"),
        pki.file("server.key"),
        pki.file("ca.pem"),
    );
    let base = [
        "server",
        "--listen",
        "127.0.0.1:0",
        "--cert",
        &cert,
        "--key",
        &key,
    ];
    let mut no_ca = base.to_vec();
    no_ca.extend(["--client-auth", "post-handshake"]);
    let o = run(mtls(&no_ca), b"");
    assert!(!o.status.success());
    assert!(stderr(&o).contains("needs --client-ca"), "{}", stderr(&o));
    let mut tls12 = base.to_vec();
    tls12.extend([
        "--client-auth",
        "post-handshake",
        "--client-ca",
        &ca,
        "--versions",
        "1.2",
    ]);
    let o = run(mtls(&tls12), b"");
    assert!(!o.status.success());
    assert!(stderr(&o).contains("RFC 8446 4.6.2"), "{}", stderr(&o));
}

/// `openssl s_client -tls1_3` with `args`, one request written, stdin held open until it
/// exits (our server closes after its answer); its stdout.
fn s_client13(addr: &str, args: &[&str], request: &[u8]) -> String {
    require("openssl");
    let mut cmd = Command::new("openssl");
    cmd.args(["s_client", "-tls1_3", "-connect", addr])
        .args(args);
    let mut p = Peer::spawn(cmd, true);
    p.write_stdin(request);
    wait_exit(&mut p, Duration::from_secs(20));
    p.stdout()
}

/// RFC 8446 4.6.2 through the command: the page is written after the client answered the
/// request that followed its HTTP request, and names it.
#[test]
fn rfc8446_4_6_2_http_page_names_the_client_asked_after_the_handshake() {
    let pki = certs("tls13-pha-http", "ecdsa");
    let (mut server, addr) = mtls_server_of(
        &pki,
        &["--http", "--client-auth", "post-handshake", "--once"],
    );
    let (cert, key, ca) = (
        pki.file("client.pem"),
        pki.file("client.key"),
        pki.file("ca.pem"),
    );
    let out = s_client13(
        &addr,
        &["-enable_pha", "-cert", &cert, "-key", &key, "-CAfile", &ca],
        b"GET / HTTP/1.0\r\n\r\n",
    );
    wait_exit(&mut server, Duration::from_secs(20));
    let log = server.stderr();
    assert!(
        out.contains("protocol                TLS 1.3"),
        "{out}\n{log}"
    );
    assert!(out.contains("(asked after the handshake)"), "{out}\n{log}");
    assert!(log.contains("not asked yet (post-handshake)"), "{log}");
    assert!(
        log.contains("post-handshake authentication: client CN="),
        "{log}"
    );
}

/// `--versions 1.2` serves a TLS 1.2 client as before; the listening line says which
/// versions.
#[test]
fn server_versions_1_2_serves_tls12() {
    let pki = certs("tls13-v12", "ecdsa");
    let (_server, addr) = mtls_server_of(&pki, &["--versions", "1.2"]);
    let (cert, key, ca) = (
        pki.file("client.pem"),
        pki.file("client.key"),
        pki.file("ca.pem"),
    );
    let (status, out) = s_client(&addr, &["-cert", &cert, "-key", &key, "-CAfile", &ca], true);
    assert!(status.success(), "{out}");
    assert!(out.contains("New, TLSv1.2"), "{out}");
}

#[test]
fn rfc8446_4_1_4_decode_shows_the_hello_retry_request() {
    let o = run(
        mtls(&["decode", &tls13_vector("openssl-hrr", "transcript-s2c.hex")]),
        b"",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    in_order(
        &stdout(&o),
        &[
            "HelloRetryRequest (a ServerHello asking for another ClientHello, RFC 8446 4.1.4)",
            "supported_versions (43)          TLS 1.3 (0x0304)",
            "key_share (51)                   secp256r1 (0x0017) (HelloRetryRequest",
            "ChangeCipherSpec: TLS 1.3's compatibility record (RFC 8446 D.4)",
            "ServerHello, ",
            "key_share (51)                   secp256r1 (0x0017) (65 bytes)",
            "encrypted record (TLS 1.3",
        ],
    );
}

#[test]
fn rfc8446_4_6_2_decode_shows_a_post_handshake_certificate_request_and_answer() {
    let req = tls13_vector(
        "openssl-post-handshake-auth",
        "10-server-certificate_request.hex",
    );
    let o = run(mtls(&["decode", "--tls13", &req]), b"");
    assert!(o.status.success(), "{}", stderr(&o));
    in_order(
        &stdout(&o),
        &[
            "CertificateRequest, 106 bytes",
            "certificate_request_context",
            "(post-handshake, RFC 8446 4.6.2)",
            "signature_algorithms (13)",
            "certificate_authorities (47)     1 names",
            "CN=mtls test CA",
        ],
    );
    // Without --tls13 the body is read as TLS 1.2's, which it is not: the error says so.
    let o = run(mtls(&["decode", &req]), b"");
    assert!(!o.status.success());
    assert!(stderr(&o).contains("decode with --tls13"), "{}", stderr(&o));
    let cert = tls13_vector("openssl-post-handshake-auth", "11-client-certificate.hex");
    let o = run(mtls(&["decode", "--tls13", &cert]), b"");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("subject CN=test-client-"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn rfc8446_4_6_3_decode_shows_a_key_update() {
    let dir = vectors().join("tls13").join("openssl-mtls-key-update");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.display().to_string().ends_with("key_update.hex"))
        .expect("a KeyUpdate in the captured session");
    let o = run(
        mtls(&[
            "decode",
            "--messages",
            "--tls13",
            &file.display().to_string(),
        ]),
        b"",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    in_order(&stdout(&o), &["KeyUpdate, 1 bytes", "request_update"]);
}
