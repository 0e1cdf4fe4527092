//! `mtls client` explains a refused handshake in one line, against a real `mtls server` and
//! a real `openssl s_server`: our certificate from another CA, no certificate, the server's
//! certificate from a CA we do not trust, the wrong name. It also shows the server's chain,
//! its CertificateRequest and what it sent, and `--json` gives the same facts. `mtls server`
//! shows the client's chain, and for a refusal whose certificate it was and what the client
//! offered.

use crate::support::*;

/// `mtls client` to `addr` trusting `ca`, presenting `client` (a PKI directory) if given.
fn client(
    addr: &str,
    ca: &TempDir,
    client: Option<&TempDir>,
    extra: &[&str],
) -> (bool, String, String) {
    let mut args = vec![
        "client".to_string(),
        addr.to_string(),
        "--servername".into(),
        "localhost".into(),
        "--ca".into(),
        ca.file("ca.pem"),
        "--wait".into(),
        "0.2".into(),
    ];
    if let Some(c) = client {
        args.extend([
            "--cert".into(),
            c.file("client.pem"),
            "--key".into(),
            c.file("client.key"),
        ]);
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = run(mtls(&args), b"hello\n");
    (o.status.success(), stdout(&o), stderr(&o))
}

#[test]
fn mtls_client_names_the_cause_of_each_refusal() {
    let (a, b) = (certs("diag-a", "ecdsa"), certs("diag-b", "ecdsa"));
    let (server, addr) = mtls_server_of(&a, &[]);
    let ca_a = subject_of_ca(&a);
    let ca_b = subject_of_ca(&b);

    // Accepted: the chain, the request and what we sent are shown.
    let (ok, _, err) = client(&addr, &a, Some(&a), &[]);
    assert!(ok, "{err}");
    assert!(err.contains("server certificate 0: CN=localhost"), "{err}");
    assert!(err.contains(&format!("issued by {ca_a}")), "{err}");
    assert!(err.contains("sent CN=mtls demo client"), "{err}");

    // Our certificate is from another CA.
    let (ok, _, err) = client(&addr, &a, Some(&b), &[]);
    assert!(!ok);
    assert!(
        err.contains(&format!(
            "probable cause: the server refused our certificate (unknown_ca): it accepts \
             certificates issued by {ca_a}; ours was issued by {ca_b}"
        )),
        "{err}"
    );

    // No certificate at all: TLS 1.3 says certificate_required (RFC 8446 4.4.2.4), TLS 1.2
    // handshake_failure (RFC 5246 7.4.6).
    for (versions, alert) in [
        ("1.3", "certificate_required"),
        ("1.2", "handshake_failure"),
    ] {
        let (ok, _, err) = client(&addr, &a, None, &["--versions", versions]);
        assert!(!ok);
        assert!(
            err.contains(&format!(
                "probable cause: the server requires a client certificate ({alert}), \
                 and we sent none: no certificate is configured (--cert/--key)"
            )),
            "{err}"
        );
    }

    // We do not trust the server's CA.
    let (ok, _, err) = client(&addr, &b, Some(&a), &[]);
    assert!(!ok);
    assert!(
        err.contains(&format!(
            "probable cause: we refused the server's certificate (unknown_ca): it was issued \
             by {ca_a}, and --ca trusts only {ca_b}"
        )),
        "{err}"
    );

    // --insecure-skip-verify connects anyway, and says so loudly.
    let (ok, _, err) = client(&addr, &b, Some(&a), &["--insecure-skip-verify"]);
    assert!(ok, "{err}");
    assert!(err.contains("WARNING: --insecure-skip-verify"), "{err}");
    assert!(err.contains("NOT VERIFIED"), "{err}");

    // --json: the same facts for a script.
    let (ok, out, err) = client(&addr, &a, Some(&b), &["--json"]);
    assert!(!ok, "{err}");
    let line = out.lines().last().unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(line).expect("one JSON object");
    assert_eq!(v["ok"], false);
    assert!(
        v["probable_cause"]
            .as_str()
            .unwrap_or_default()
            .contains("unknown_ca")
    );
    assert_eq!(v["certificate_request"]["ca_names"][0], ca_a.as_str());

    // The server's side: the client's chain when accepted; when refused, whose certificate,
    // its issuer, and what the client offered.
    let log = wait_for(
        || server.stderr(),
        "the client offered SNI localhost",
        std::time::Duration::from_secs(20),
        "mtls server",
    );
    assert!(
        log.contains("client certificate 0: CN=mtls demo client"),
        "{log}"
    );
    assert!(log.contains("client certificate refused"), "{log}");
    assert!(
        log.contains("issued by O=mtls throwaway PKI,CN=mtls throwaway CA"),
        "{log}"
    );
}

#[test]
fn mtls_client_names_the_cause_against_openssl_s_server() {
    let (a, b) = (certs("diag-ossl-a", "ecdsa"), certs("diag-ossl-b", "ecdsa"));
    let (_server, port) = s_server(&[
        "-cert",
        &a.file("server.pem"),
        "-key",
        &a.file("server.key"),
        "-CAfile",
        &a.file("ca.pem"),
        "-Verify",
        "1",
        "-verify_return_error",
    ]);
    let (ok, _, err) = client(&format!("127.0.0.1:{port}"), &a, Some(&b), &[]);
    assert!(!ok, "{err}");
    // OpenSSL answers an untrusted client certificate with unknown_ca.
    assert!(
        err.contains("probable cause: the server refused our certificate"),
        "{err}"
    );
    assert!(
        err.contains(&format!("ours was issued by {}", subject_of_ca(&b))),
        "{err}"
    );
}

/// The subject of a PKI directory's CA, as `mtls client` prints names.
fn subject_of_ca(pki: &TempDir) -> String {
    let pem = std::fs::read(pki.file("ca.pem")).unwrap();
    let der = mtls::pki::certs_from_pem(&pem).unwrap().remove(0);
    let cert = <x509_cert::Certificate as x509_cert::der::Decode>::from_der(&der).unwrap();
    let rdns: Vec<String> = cert
        .tbs_certificate()
        .subject()
        .iter_rdn()
        .map(ToString::to_string)
        .collect();
    rdns.join(", ")
}
