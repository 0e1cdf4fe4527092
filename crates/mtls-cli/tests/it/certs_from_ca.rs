//! `mtls certs --ca-cert/--ca-key`: certificates issued by an existing CA (a throwaway one
//! from `mtls certs`, and an RSA one made by OpenSSL with a PKCS#1 key), accepted by
//! `openssl verify` and `mtls verify`, keys written 0600, and the command lines it prints
//! run as printed (on 127.0.0.1, with the port the server picked).

use std::process::Command;
use std::time::Duration;

use crate::support::*;

fn openssl(args: &[&str]) -> std::process::Output {
    require("openssl");
    let mut c = Command::new("openssl");
    c.args(args);
    run(c, b"")
}

/// The line of `out` that starts (after spaces) with `prefix`.
fn line_starting<'a>(out: &'a str, prefix: &str) -> &'a str {
    out.lines()
        .map(str::trim_start)
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting {prefix:?} in:\n{out}"))
}

#[test]
fn issues_from_an_existing_ca_and_its_command_lines_work() {
    let ca = certs("from-ca-ca", "ecdsa");
    let out_dir = TempDir::new("from-ca-out");
    let out = out_dir.0.display().to_string();
    let (ca_pem, ca_key) = (ca.file("ca.pem"), ca.file("ca.key"));
    let o = run(
        mtls(&[
            "certs",
            "--out",
            &out,
            "--ca-cert",
            &ca_pem,
            "--ca-key",
            &ca_key,
            "--server",
            "localhost",
            "--server",
            "127.0.0.1",
            "--client",
            "alice",
            "--uri",
            "spiffe://example.org/alice",
            "--days",
            "30",
        ]),
        b"",
    );
    let text = stdout(&o);
    assert!(o.status.success(), "{}{text}", stderr(&o));
    in_order(
        &text,
        &[
            "issued by CN=mtls throwaway CA",
            &format!("{out}/server.pem"),
            "server certificate (serverAuth) CN=localhost (DNS:localhost, IP:127.0.0.1)",
            &format!("{out}/server.key"),
            "its private key (ECDSA P-256, PKCS#8, mode 0600)",
            &format!("{out}/client.pem"),
            "client certificate (clientAuth) CN=alice (URI:spiffe://example.org/alice)",
            &format!("{out}/client.key"),
            "checked: the library's verifiers accept each against",
            "use them:",
        ],
    );
    let server_line = line_starting(&text, "mtls server ");
    assert_eq!(
        server_line,
        format!(
            "mtls server --listen 127.0.0.1:4433 --cert {out}/server.pem --key {out}/server.key --client-ca {ca_pem}"
        )
    );
    let client_line = line_starting(&text, "echo hello | mtls client ");
    assert_eq!(
        client_line,
        format!(
            "echo hello | mtls client 127.0.0.1:4433 --servername localhost --ca {ca_pem} --cert {out}/client.pem --key {out}/client.key"
        )
    );

    #[cfg(unix)]
    for key in ["server.key", "client.key"] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(out_dir.0.join(key))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{key}");
    }

    let o = openssl(&[
        "verify",
        "-CAfile",
        &ca_pem,
        &out_dir.file("server.pem"),
        &out_dir.file("client.pem"),
    ]);
    assert!(
        o.status.success(),
        "openssl verify: {}{}",
        stdout(&o),
        stderr(&o)
    );

    // 30 days, and the SPIFFE ID, as mtls inspect reads them.
    let o = run(
        mtls(&["inspect", "--json", &out_dir.file("client.pem")]),
        b"",
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let cert = &v["files"][0]["objects"][0];
    assert_eq!(
        cert["subject_alt_names"][0],
        "URI:spiffe://example.org/alice"
    );
    let day = |t: &serde_json::Value| t.as_str().unwrap()[..10].to_string();
    let (from, until) = (day(&cert["not_before"]), day(&cert["not_after"]));
    assert_ne!(from, until);

    // The printed lines, run as printed (the server on the port it picks).
    let server_args: Vec<&str> = server_line
        .split_whitespace()
        .skip(2) // mtls server
        .skip(2) // --listen 127.0.0.1:4433, which mtls_server gives itself
        .collect();
    let mut args = vec!["--once"];
    args.extend(server_args);
    let (mut server, addr) = mtls_server(&args);
    let client_args: Vec<String> = client_line
        .split_whitespace()
        .skip(4) // echo hello | mtls
        .map(|a| {
            if a == "127.0.0.1:4433" {
                addr.clone()
            } else {
                a.to_string()
            }
        })
        .collect();
    let client_args: Vec<&str> = client_args.iter().map(String::as_str).collect();
    let o = run(mtls(&client_args), b"hello\n");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "hello\n");
    let status = wait_exit(&mut server, Duration::from_secs(20));
    assert!(status.success(), "{}", server.stderr());
    assert!(server.stderr().contains("CN=alice"), "{}", server.stderr());

    // And mtls verify agrees, as the listing says.
    for (args, file) in [
        (vec!["--name", "localhost"], "server.pem"),
        (vec![], "client.pem"),
    ] {
        let mut all = vec!["verify", "--ca", &ca_pem];
        all.extend(args);
        let path = out_dir.file(file);
        all.push(&path);
        let o = run(mtls(&all), b"");
        assert!(o.status.success(), "{}", stdout(&o));
    }
}

#[test]
fn issues_from_an_openssl_rsa_ca_with_a_pkcs1_key() {
    let dir = TempDir::new("from-openssl-ca");
    let (ca_pem, key8, key1) = (dir.file("ca.pem"), dir.file("ca8.key"), dir.file("ca.key"));
    let o = openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        &key8,
        "-out",
        &ca_pem,
        "-days",
        "30",
        "-subj",
        "/C=US/O=Corp Inc/OU=Security/CN=Corp Root",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = openssl(&["rsa", "-in", &key8, "-traditional", "-out", &key1]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(&key1)
            .unwrap()
            .contains("BEGIN RSA PRIVATE KEY")
    );

    let out = dir.0.join("out").display().to_string();
    let o = run(
        mtls(&[
            "certs",
            "--out",
            &out,
            "--ca-cert",
            &ca_pem,
            "--ca-key",
            &key1,
            "--client",
            "bob",
            "--key-type",
            "rsa",
        ]),
        b"",
    );
    let text = stdout(&o);
    assert!(o.status.success(), "{}{text}", stderr(&o));
    assert!(
        text.contains("issued by C=US, O=Corp Inc, OU=Security, CN=Corp Root"),
        "{text}"
    );
    assert!(
        text.contains("its private key (RSA-2048, PKCS#8, mode 0600)"),
        "{text}"
    );
    // Only a client was asked for: no server files.
    assert!(!dir.0.join("out/server.pem").exists());
    // OpenSSL matches the issuer name byte for byte and the authorityKeyIdentifier with
    // the CA's subjectKeyIdentifier.
    let o = openssl(&["verify", "-CAfile", &ca_pem, &format!("{out}/client.pem")]);
    assert!(
        o.status.success(),
        "openssl verify: {}{}",
        stdout(&o),
        stderr(&o)
    );
}

#[test]
fn refuses_what_it_cannot_issue() {
    let ca = certs("from-ca-refuse", "ecdsa");
    let out = TempDir::new("from-ca-refuse-out");
    let o = run(
        mtls(&[
            "certs",
            "--out",
            &out.0.display().to_string(),
            "--ca-cert",
            &ca.file("ca.pem"),
            "--ca-key",
            &ca.file("ca.key"),
        ]),
        b"",
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("--server NAME and/or --client NAME"),
        "{}",
        stderr(&o)
    );
    // A leaf is no CA; a key that is not the CA's is refused before anything is written.
    for (cert, key, needle) in [
        ("server.pem", "server.key", "is not a CA certificate"),
        ("ca.pem", "client.key", "does not belong"),
    ] {
        let o = run(
            mtls(&[
                "certs",
                "--out",
                &out.0.display().to_string(),
                "--ca-cert",
                &ca.file(cert),
                "--ca-key",
                &ca.file(key),
                "--client",
                "x",
            ]),
            b"",
        );
        assert!(!o.status.success());
        assert!(stderr(&o).contains(needle), "{needle}: {}", stderr(&o));
    }
    assert!(!out.0.join("client.pem").exists());
}

#[test]
fn a_throwaway_pki_takes_the_client_name_uri_and_days() {
    let dir = TempDir::new("throwaway-opts");
    let out = dir.0.display().to_string();
    let o = run(
        mtls(&[
            "certs",
            "--out",
            &out,
            "--client",
            "carol",
            "--uri",
            "spiffe://example.org/carol",
            "--ip",
            "10.0.0.7",
            "--days",
            "10",
        ]),
        b"",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(
        mtls(&[
            "inspect",
            "--json",
            &dir.file("client.pem"),
            &dir.file("server.pem"),
            &dir.file("ca.pem"),
        ]),
        b"",
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let object = |i: usize| v["files"][i]["objects"][0].clone();
    assert_eq!(object(0)["subject"], "CN=carol, O=mtls throwaway PKI");
    assert_eq!(
        object(0)["subject_alt_names"][0],
        "URI:spiffe://example.org/carol"
    );
    assert_eq!(
        object(1)["subject_alt_names"],
        serde_json::json!(["DNS:localhost", "IP:127.0.0.1", "IP:10.0.0.7"])
    );
    // The CA too is valid for 10 days, not forever.
    assert!(
        object(2)["not_after"].as_str().unwrap() < "2100",
        "{}",
        object(2)
    );
    let o = run(
        mtls(&[
            "verify",
            "--ca",
            &dir.file("ca.pem"),
            &dir.file("client.pem"),
        ]),
        b"",
    );
    assert!(o.status.success(), "{}", stdout(&o));
}
