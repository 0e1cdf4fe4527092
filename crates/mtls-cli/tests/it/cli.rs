//! Drives the `mtls` binary: `certs` (checked by `openssl verify`), `server` with
//! `openssl s_client` and with `mtls client`, `client` with `openssl s_server -rev`,
//! `server --http`, `decode` on a captured vector and on malformed input, and `demo`.
//!
//! Everything runs on 127.0.0.1. Each child process is killed by its PID on drop (through
//! `Child::kill`), every wait has a deadline, and a test that needs `openssl` fails (never
//! skips) when it is missing. The scaffolding is in `support.rs` (shared with hostile.rs).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use crate::support::*;

// ---- mtls certs ----

#[test]
fn certs_are_accepted_by_openssl() {
    for key_type in ["ecdsa", "rsa"] {
        let dir = TempDir::new("certs");
        let out = dir.0.display().to_string();
        let o = run(
            mtls(&[
                "certs",
                "--out",
                &out,
                "--key-type",
                key_type,
                "--name",
                "localhost",
                "--name",
                "example.test",
            ]),
            b"",
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let o = run(
            {
                let mut c = Command::new("openssl");
                c.args(["verify", "-CAfile", &dir.file("ca.pem")])
                    .args([dir.file("server.pem"), dir.file("client.pem")]);
                c
            },
            b"",
        );
        assert!(
            o.status.success(),
            "openssl verify: {}{}",
            stdout(&o),
            stderr(&o)
        );
        assert!(stdout(&o).contains("server.pem: OK") && stdout(&o).contains("client.pem: OK"));

        let o = run(
            {
                let mut c = Command::new("openssl");
                c.args([
                    "x509",
                    "-noout",
                    "-ext",
                    "subjectAltName",
                    "-in",
                    &dir.file("server.pem"),
                ]);
                c
            },
            b"",
        );
        let san = stdout(&o);
        for name in ["DNS:localhost", "DNS:example.test", "IP Address:127.0.0.1"] {
            assert!(san.contains(name), "{name} missing from {san}");
        }
        for key in ["ca.key", "server.key", "client.key"] {
            let pem = std::fs::read_to_string(dir.0.join(key)).unwrap();
            assert!(
                pem.starts_with("-----BEGIN PRIVATE KEY-----"),
                "{key} is not PKCS#8"
            );
            let o = run(
                {
                    let mut c = Command::new("openssl");
                    c.args(["pkey", "-noout", "-in", &dir.file(key)]);
                    c
                },
                b"",
            );
            assert!(o.status.success(), "openssl pkey {key}: {}", stderr(&o));
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(dir.0.join(key))
                    .unwrap()
                    .permissions()
                    .mode();
                assert_eq!(mode & 0o777, 0o600, "{key} mode");
            }
        }
    }
}

// ---- mtls server with openssl s_client ----

#[test]
fn server_echoes_to_openssl_s_client_once() {
    let pki = certs("srv-once", "ecdsa");
    let (mut server, addr) = mtls_server(&[
        "--once",
        "--cert",
        &pki.file("server.pem"),
        "--key",
        &pki.file("server.key"),
        "--client-ca",
        &pki.file("ca.pem"),
    ]);
    let (status, out) = s_client(
        &addr,
        &[
            "-CAfile",
            &pki.file("ca.pem"),
            "-verify_return_error",
            "-verify_hostname",
            "localhost",
            "-cert",
            &pki.file("client.pem"),
            "-key",
            &pki.file("client.key"),
        ],
        true,
    );
    assert!(status.success(), "s_client failed:\n{out}");
    assert!(out.contains("Verify return code: 0 (ok)"), "{out}");
    let status = wait_exit(&mut server, Duration::from_secs(20));
    let log = server.stderr();
    assert!(status.success(), "mtls server --once failed:\n{log}");
    in_order(
        &log,
        &[
            "full handshake",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "CN=mtls demo client",
        ],
    );
}

#[test]
fn server_picks_the_rsa_or_ecdsa_chain_and_survives_a_failed_connection() {
    let ec = certs("dual-ec", "ecdsa");
    let rsa = certs("dual-rsa", "rsa");
    let (server, addr) = mtls_server(&[
        "--cert",
        &ec.file("server.pem"),
        "--key",
        &ec.file("server.key"),
        "--cert",
        &rsa.file("server.pem"),
        "--key",
        &rsa.file("server.key"),
        "--client-ca",
        &ec.file("ca.pem"),
    ]);
    let client_cert = [
        "-cert",
        &ec.file("client.pem"),
        "-key",
        &ec.file("client.key"),
    ]
    .map(String::from);
    let with = |ca: &TempDir, cipher: &str, cert: bool| {
        let mut args = vec![
            "-CAfile".to_string(),
            ca.file("ca.pem"),
            "-verify_return_error".into(),
            "-cipher".into(),
            cipher.into(),
        ];
        if cert {
            args.extend(client_cert.iter().cloned());
        }
        args
    };
    let args = with(&rsa, "ECDHE-RSA-AES256-GCM-SHA384", true);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (status, out) = s_client(&addr, &args, true);
    assert!(status.success(), "RSA chain:\n{out}");
    assert!(out.contains("ECDHE-RSA-AES256-GCM-SHA384"), "{out}");

    // No client certificate: refused, and the server goes on.
    let args = with(&ec, "ECDHE-ECDSA-AES128-GCM-SHA256", false);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (status, out) = s_client(&addr, &args, false);
    assert!(
        !status.success(),
        "a client without certificate got in:\n{out}"
    );

    let args = with(&ec, "ECDHE-ECDSA-CHACHA20-POLY1305", true);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (status, out) = s_client(&addr, &args, true);
    assert!(status.success(), "ECDSA chain:\n{out}");

    let log = wait_for(
        || server.stderr(),
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        Duration::from_secs(10),
        "mtls server",
    );
    in_order(
        &log,
        &[
            "full handshake, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, client ",
            "CN=mtls demo client",
            "handshake failed: the client sent no certificate but this server requires one \
             (sent alert handshake_failure)",
            "full handshake, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        ],
    );
}

// ---- mtls client with openssl s_server ----

#[test]
fn client_talks_to_openssl_s_server() {
    let pki = certs("cli-ossl", "ecdsa");
    let (_server, port) = s_server(&[
        "-cert",
        &pki.file("server.pem"),
        "-key",
        &pki.file("server.key"),
        "-CAfile",
        &pki.file("ca.pem"),
        "-Verify",
        "1",
        "-verify_return_error",
    ]);
    let addr = format!("127.0.0.1:{port}");
    let keylog = pki.file("keys.txt");
    let o = run(
        mtls(&[
            "client",
            &addr,
            "--ca",
            &pki.file("ca.pem"),
            "--cert",
            &pki.file("client.pem"),
            "--key",
            &pki.file("client.key"),
            "--servername",
            "localhost",
            "--suites",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,ECDHE-ECDSA-AES128-GCM-SHA256",
            "--keylog",
            &keylog,
            "--wait",
            "1",
            "--trace",
        ]),
        b"hello world\n",
    );
    let (out, err) = (stdout(&o), stderr(&o));
    assert!(o.status.success(), "mtls client failed:\n{err}");
    assert_eq!(out, "dlrow olleh\n");
    in_order(
        &err,
        &[
            "connection 1: full handshake",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "server CN=localhost",
            "client certificate sent",
            "sent 12 bytes, received 12 bytes",
        ],
    );
    // The --trace diagram.
    in_order(
        &err,
        &[
            "ClientHello",
            "ServerHello",
            "ServerKeyExchange",
            "CertificateRequest",
            "ServerHelloDone",
            "CertificateVerify",
            "[ChangeCipherSpec]",
            "Finished (encrypted)",
        ],
    );
    let keys = std::fs::read_to_string(&keylog).unwrap();
    assert!(keys.contains("CLIENT_RANDOM "), "key log: {keys}");

    // Without a certificate: non-zero, and the alert in words.
    let o = run(
        mtls(&[
            "client",
            &addr,
            "--ca",
            &pki.file("ca.pem"),
            "--servername",
            "localhost",
        ]),
        b"hello\n",
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("handshake_failure"),
        "the alert is not named: {}",
        stderr(&o)
    );
}

// ---- mtls client with mtls server ----

#[test]
fn client_resumes_with_mtls_server_which_survives_refusals() {
    let pki = certs("resume", "ecdsa");
    let (server, addr) = mtls_server_of(&pki, &[]);
    // TLS 1.2: session ids and tickets (RFC 5246 7.3, RFC 5077).
    let client = |extra: &[&str]| {
        let mut c = mtls(&[
            "client",
            &addr,
            "--ca",
            &pki.file("ca.pem"),
            "--wait",
            "0.5",
            "--versions",
            "1.2",
        ]);
        c.args(extra);
        c
    };
    let with_cert = [
        "--cert",
        &pki.file("client.pem"),
        "--key",
        &pki.file("client.key"),
    ];

    // Refused first: no certificate.
    let o = run(client(&[]), b"x\n");
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("alert handshake_failure"),
        "{}",
        stderr(&o)
    );

    let input = b"line one\nline two\n";
    let mut args = with_cert.to_vec();
    args.extend(["--reconnect", "2"]);
    let o = run(client(&args), input);
    let err = stderr(&o);
    assert!(o.status.success(), "mtls client failed:\n{err}");
    assert_eq!(o.stdout, input);
    in_order(
        &err,
        &[
            "connection 1: full handshake",
            "connection 2: resumed handshake",
            "connection 3: resumed handshake",
        ],
    );
    assert_eq!(err.matches("resumed handshake").count(), 2, "{err}");

    let log = wait_for(
        || server.stderr(),
        "resumed handshake, TLS",
        Duration::from_secs(10),
        "server",
    );
    assert!(
        log.contains("handshake failed: the client sent no certificate"),
        "{log}"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.stderr().matches("resumed handshake").count() < 2 {
        assert!(Instant::now() < deadline, "{}", server.stderr());
        thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn server_http_page_describes_the_connection() {
    let pki = certs("http", "ecdsa");
    let (mut server, addr) = mtls_server(&[
        "--once",
        "--http",
        "--cert",
        &pki.file("server.pem"),
        "--key",
        &pki.file("server.key"),
        "--client-ca",
        &pki.file("ca.pem"),
        "--client-auth",
        "optional",
    ]);
    let o = run(
        mtls(&[
            "client",
            &addr,
            "--ca",
            &pki.file("ca.pem"),
            "--cert",
            &pki.file("client.pem"),
            "--key",
            &pki.file("client.key"),
        ]),
        b"GET / HTTP/1.0\r\n\r\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let page = stdout(&o);
    in_order(
        &page,
        &[
            "HTTP/1.1 200 OK\r\n",
            "\r\n\r\n",
            "protocol                TLS 1.3",
            "cipher suite            TLS_AES_128_GCM_SHA256",
            "handshake               full",
            "client certificate      ",
            "CN=mtls demo client",
            "request                 GET / HTTP/1.0",
        ],
    );
    assert!(
        stderr(&o).contains("the server closed the connection"),
        "{}",
        stderr(&o)
    );
    let status = wait_exit(&mut server, Duration::from_secs(20));
    assert!(status.success(), "{}", server.stderr());
}

// ---- mtls decode ----

#[test]
fn decode_prints_a_captured_vector_field_by_field() {
    let dir = vectors().join("openssl-ecdhe-ecdsa");
    let c2s = dir.join("transcript-c2s.hex").display().to_string();
    let o = run(mtls(&["decode", &c2s]), b"");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    in_order(
        &out,
        &[
            "record 1 (offset 0): handshake (22), version TLS 1.0 (0x0301), length 149",
            "ClientHello, 145 bytes",
            "client_version",
            "TLS 1.2 (0x0303)",
            "random",
            "session_id",
            "cipher_suites",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 (0xc02b)",
            "compression_methods",
            "null (0)",
            "server_name (0)",
            "host_name localhost",
            "supported_groups (10)",
            "x25519 (0x001d)",
            "extended_master_secret (23)",
            "signature_algorithms (13)",
            "Certificate, ",
            "2 certificates",
            "subject CN=test-client-rsa",
            "ClientKeyExchange, 66 bytes",
            "65-byte public point",
            "CertificateVerify, ",
            "rsa_pss_rsae_sha256 (0x0804), 256 bytes",
            "ChangeCipherSpec",
            "Finished (encrypted)",
            "application data (encrypted)",
            "Alert (encrypted)",
        ],
    );

    // The same bytes as raw binary on stdin decode the same.
    let hex_text = std::fs::read_to_string(&c2s).unwrap();
    let digits: Vec<u8> = hex_text.bytes().filter(u8::is_ascii_hexdigit).collect();
    let raw: Vec<u8> = digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect();
    let o2 = run(mtls(&["decode", "-"]), &raw);
    assert!(o2.status.success(), "{}", stderr(&o2));
    assert_eq!(o2.stdout, o.stdout);

    // The server's direction: ServerHello fixes the key exchange for ServerKeyExchange.
    let s2c = dir.join("transcript-s2c.hex").display().to_string();
    let o = run(mtls(&["decode", &s2c]), b"");
    assert!(o.status.success(), "{}", stderr(&o));
    in_order(
        &stdout(&o),
        &[
            "ServerHello",
            "cipher_suite",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "Certificate, ",
            "subject CN=localhost",
            "ServerKeyExchange",
            "named_curve",
            "secp256r1 (0x0017)",
            "public point",
            "65 bytes",
            "ecdsa_secp256r1_sha256",
            "CertificateRequest",
            "certificate_types",
            "ecdsa_sign (64)",
            "supported_signature_algorithms",
            "certificate_authorities",
            "CN=mtls test CA",
            "ServerHelloDone",
            "ChangeCipherSpec",
            "Finished (encrypted)",
        ],
    );
}

#[test]
fn decode_names_the_field_of_malformed_input() {
    // A ClientHello whose session_id claims 33 bytes (at most 32, RFC 5246 7.4.1.2).
    let mut body = vec![3, 3];
    body.extend_from_slice(&[0x11; 32]);
    body.push(33);
    body.extend_from_slice(&[0; 33]);
    body.extend_from_slice(&[0, 2, 0xc0, 0x2b, 1, 0]);
    let mut msg = vec![1, 0, 0, body.len() as u8];
    msg.extend_from_slice(&body);
    let mut record = vec![22, 3, 1, 0, msg.len() as u8];
    record.extend_from_slice(&msg);
    let o = run(mtls(&["decode"]), &record);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("ClientHello.session_id"),
        "{}",
        stderr(&o)
    );

    // A record cut short, as hex text.
    let o = run(
        mtls(&["decode", "-"]),
        b"16 03 01 00 40\n01 00 00 3c 03 03\n",
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("TLSPlaintext.fragment"),
        "{}",
        stderr(&o)
    );

    // An alert with a third byte.
    let o = run(mtls(&["decode", "-"]), &[21, 3, 3, 0, 3, 2, 40, 0]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("field Alert"), "{}", stderr(&o));
}

// ---- mtls demo ----

#[test]
fn demo_shows_the_mutual_handshake_in_order() {
    let o = run(mtls(&["demo"]), b"");
    assert!(o.status.success(), "{}", stderr(&o));
    in_order(
        &stdout(&o),
        &[
            "ClientHello",
            "ServerHello",
            "Certificate (",
            "ServerKeyExchange",
            "CertificateRequest",
            "ServerHelloDone",
            "Certificate (",
            "ClientKeyExchange",
            "CertificateVerify",
            "ChangeCipherSpec",
            "Finished",
        ],
    );
}

#[test]
fn demo_with_static_rsa_has_no_server_key_exchange() {
    let o = run(mtls(&["demo", "--kx", "rsa"]), b"");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!out.contains("ServerKeyExchange ("), "{out}");
    in_order(
        &out,
        &[
            "ClientHello",
            "Certificate (",
            "ClientKeyExchange",
            "CertificateVerify",
        ],
    );
}

#[test]
fn demo_resume_second_sequence_has_no_certificate() {
    let o = run(mtls(&["demo", "--resume"]), b"");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let (first, second) = out.split_once("second connection").expect("two sequences");
    assert!(first.contains("Certificate ("), "{first}");
    assert!(
        second.contains("ClientHello") && second.contains("ServerHello"),
        "{second}"
    );
    assert!(!second.contains("Certificate ("), "{second}");
    assert!(!second.contains("ServerKeyExchange ("), "{second}");
    assert!(second.contains("resumed"), "{second}");
}

#[test]
fn demo_without_client_certificate_shows_handshake_failure() {
    let o = run(mtls(&["demo", "--no-client-cert"]), b"");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("handshake_failure"), "{out}");
    assert!(!out.contains("CertificateVerify ("), "{out}");
}
