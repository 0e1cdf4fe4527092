//! `mtls demo --tls13` and `--tls13 --post-handshake`: the TLS 1.3 handshake drawn from the
//! captured records, opened with the secrets the client logged (RFC 8446 2 notation: `{}`
//! handshake traffic keys, `[]` application traffic keys), and the flags' refusals.

use crate::support::{in_order, mtls, run, stderr, stdout};

/// The diagram part of the output (before the legend), one entry per drawn line.
fn diagram(out: &str) -> Vec<String> {
    out.lines()
        .skip_while(|l| !l.starts_with("client"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| l.trim().to_string())
        .collect()
}

/// The message names of the drawn lines, arrows and sizes removed; `>` or `<` in front
/// says who sent it.
fn messages(out: &str) -> Vec<String> {
    diagram(out)
        .iter()
        .map(|l| {
            let (dir, what) = if let Some((what, _)) = l.split_once("------------->") {
                ('>', what.trim())
            } else {
                let (_, what) = l.split_once("<-------------").expect("an arrow");
                ('<', what.trim())
            };
            let name = what.rsplit_once(" (").map_or(what, |(n, _)| n);
            format!("{dir}{name}")
        })
        .collect()
}

#[test]
fn demo_tls13_shows_the_rfc8446_mutual_handshake_in_order() {
    let o = run(mtls(&["demo", "--tls13"]), b"");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let got = messages(&out);
    let want = [
        ">ClientHello",
        "<ServerHello",
        "<ChangeCipherSpec (compat)",
        "<{EncryptedExtensions}",
        "<{CertificateRequest}",
        "<{Certificate}",
        "<{CertificateVerify}",
        "<{Finished}",
        ">ChangeCipherSpec (compat)",
        ">{Certificate}",
        ">{CertificateVerify}",
        ">{Finished}",
        ">[Application Data]",
        "<[Application Data]",
        "<[Alert CloseNotify]",
        ">[Alert CloseNotify]",
    ];
    assert_eq!(got, want, "{out}");
    // No plaintext TLS 1.2 message, nothing left sealed.
    assert!(!out.contains("ServerKeyExchange"), "{out}");
    assert!(!out.contains("sealed record (not opened)"), "{out}");
    in_order(
        &out,
        &[
            "server replied: hello, client",
            "version                 TLSv1_3",
            "cipher suite            TLS_AES_128_GCM_SHA256",
            "key exchange            ECDHE over",
            "server signature        ecdsa_secp256r1_sha256",
            "client signature        ecdsa_secp256r1_sha256",
            "client authenticated    in the handshake",
            "client certificate      CN=mtls demo client",
            "every sealed record opened",
        ],
    );
}

#[test]
fn demo_tls13_post_handshake_asks_after_the_first_data() {
    let o = run(mtls(&["demo", "--tls13", "--post-handshake"]), b"");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let got = messages(&out);
    let want = [
        ">ClientHello",
        "<ServerHello",
        "<ChangeCipherSpec (compat)",
        "<{EncryptedExtensions}",
        "<{Certificate}",
        "<{CertificateVerify}",
        "<{Finished}",
        ">ChangeCipherSpec (compat)",
        ">{Finished}",
        ">[Application Data]",
        "<[CertificateRequest]",
        ">[Certificate]",
        ">[CertificateVerify]",
        ">[Finished]",
        "<[Application Data]",
        "<[Alert CloseNotify]",
        ">[Alert CloseNotify]",
    ];
    assert_eq!(got, want, "{out}");
    in_order(
        &out,
        &[
            "version                 TLSv1_3",
            "client signature        ecdsa_secp256r1_sha256",
            "client authenticated    after the handshake (post-handshake, RFC 8446 4.6.2)",
            "client certificate      CN=mtls demo client",
        ],
    );
}

#[test]
fn demo_tls13_with_a_suite_and_rsa_keys() {
    let o = run(
        mtls(&[
            "demo",
            "--tls13",
            "--suite",
            "TLS_AES_256_GCM_SHA384",
            "--key-type",
            "rsa",
        ]),
        b"",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    in_order(
        &out,
        &[
            "{CertificateVerify}",
            "{Finished}",
            "cipher suite            TLS_AES_256_GCM_SHA384",
            "server signature        rsa_pss_rsae_",
            "client signature        rsa_pss_rsae_",
        ],
    );
}

#[test]
fn demo_tls13_without_client_certificate_shows_certificate_required() {
    let o = run(mtls(&["demo", "--tls13", "--no-client-cert"]), b"");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    // RFC 8446 4.4.2.4: the client's empty Certificate, its Finished, then the server's
    // alert under its application keys.
    in_order(
        &out,
        &[
            "{CertificateRequest}",
            "{Certificate (empty)}",
            "{Finished}",
            "[Alert CertificateRequired]",
            "failed as expected",
        ],
    );
    let got = messages(&out);
    assert!(got.contains(&">{Certificate (empty)}".to_string()), "{out}");
    assert!(!got.contains(&">{CertificateVerify}".to_string()), "{out}");
}

#[test]
fn demo_post_handshake_needs_tls13_and_the_refusals_say_why() {
    let o = run(mtls(&["demo", "--post-handshake"]), b"");
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--tls13"), "{}", stderr(&o));
    for (args, why) in [
        (&["--kx", "rsa"][..], "no static RSA"),
        (
            &["--suite", "ECDHE-ECDSA-AES128-GCM-SHA256"][..],
            "not a TLS 1.3",
        ),
        (
            &["--resume", "--no-client-cert"][..],
            "drop --no-client-cert",
        ),
        (&["--resume", "--post-handshake"][..], "--post-handshake"),
        (
            &["--post-handshake", "--no-client-cert"][..],
            "needs a client certificate",
        ),
    ] {
        let mut cmd = mtls(&["demo", "--tls13"]);
        cmd.args(args);
        let o = run(cmd, b"");
        assert!(!o.status.success(), "{args:?}");
        assert!(stderr(&o).contains(why), "{args:?}: {}", stderr(&o));
    }
}

/// `--resume`: the first connection receives NewSessionTickets after the handshake (under
/// the application keys); the second offers one (pre_shared_key with its binder, RFC 8446
/// 4.2.11), the server selects identity 0 and neither side sends a Certificate or
/// CertificateVerify (RFC 8446 2.2). All drawn from the captured records.
#[test]
fn demo_tls13_resume_draws_the_tickets_and_the_resumed_handshake() {
    let o = run(mtls(&["demo", "--tls13", "--resume"]), b"");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let (first, second) = out
        .split_once("--- second connection")
        .expect("a second connection");
    let got = messages(first);
    let finished = got.iter().position(|m| m == ">{Finished}").expect("{out}");
    let ticket = got
        .iter()
        .position(|m| m == "<[NewSessionTicket]")
        .expect("a ticket on the first connection");
    assert!(finished < ticket, "{out}");
    assert!(
        first.contains("handshake               full (1-RTT)"),
        "{out}"
    );
    let want = [
        ">ClientHello + key_share + pre_shared_key",
        "<ServerHello + pre_shared_key + key_share",
        "<ChangeCipherSpec (compat)",
        "<{EncryptedExtensions}",
        "<{Finished}",
        ">ChangeCipherSpec (compat)",
        ">{Finished}",
        ">[Application Data]",
        "<[NewSessionTicket]",
        "<[NewSessionTicket]",
        "<[Application Data]",
        "<[Alert CloseNotify]",
        ">[Alert CloseNotify]",
    ];
    assert_eq!(messages(second), want, "{out}");
    assert!(!second.contains("sealed record (not opened)"), "{out}");
    in_order(
        second,
        &[
            "from the wire:",
            "ClientHello: pre_shared_key offers 1 identity (a ticket of",
            "and 1 binder (32 bytes)",
            "psk_key_exchange_modes [psk_dhe_ke]",
            "ServerHello: pre_shared_key selects identity 0",
            "NewSessionTicket: a ticket of",
            "server replied: hello, client",
            "key exchange            ECDHE over X25519 (key_share) with the ticket's PSK",
            "server signature        -",
            "client signature        -",
            "client authenticated    by the ticket",
            "handshake               resumed with a ticket",
            "client certificate      CN=mtls demo client",
        ],
    );
}

#[test]
fn plain_demo_stays_tls12() {
    let o = run(mtls(&["demo"]), b"");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("version                 TLSv1_2"), "{out}");
    assert!(out.contains("ServerHelloDone"), "{out}");
    assert!(!out.contains("{"), "{out}");
}
