//! Session tickets across replicas (RFC 5077): two `mtls server` processes share a
//! `--ticket-keys` file; `openssl s_client -sess_out` gets a ticket from one, and `-sess_in`
//! resumes it on the other, client certificate included. `mtls ticket-keys rotate` then
//! shows the previous key still opening tickets, and a key two rotations old not.

use std::path::Path;
use std::time::Duration;

use crate::support::*;

/// s_client to `addr` with the client certificate, saving or reusing the session in `sess`.
fn s_client_session(addr: &str, pki: &TempDir, sess: &Path, save: bool) -> String {
    let sess = sess.display().to_string();
    let flag = if save { "-sess_out" } else { "-sess_in" };
    let (status, out) = s_client(
        addr,
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
            flag,
            &sess,
        ],
        true,
    );
    assert!(status.success(), "s_client failed:\n{out}");
    out
}

fn server(pki: &TempDir, keys: &Path) -> (Peer, String) {
    mtls_server_of(pki, &["--ticket-keys", &keys.display().to_string()])
}

/// Past the servers' once-a-second look at the key file.
fn after_reload() {
    std::thread::sleep(Duration::from_millis(1_100));
}

#[test]
fn rfc5077_a_ticket_from_one_server_process_resumes_on_another_sharing_the_keys() {
    let pki = certs("tickets", "ecdsa");
    let keys = pki.0.join("ticket.keys");
    let sess = pki.0.join("session.pem");
    let (a, addr_a) = server(&pki, &keys);
    let (b, addr_b) = server(&pki, &keys);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&keys).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the first server made the key file private"
        );
    }

    let out = s_client_session(&addr_a, &pki, &sess, true);
    assert!(out.contains("New, TLSv1.2"), "{out}");
    assert!(
        out.contains("TLS session ticket"),
        "no ticket issued:\n{out}"
    );

    let out = s_client_session(&addr_b, &pki, &sess, false);
    assert!(
        out.contains("Reused, TLSv1.2"),
        "not resumed on the other server:\n{out}"
    );
    let log_b = wait_for(
        || b.stderr(),
        "resumed",
        Duration::from_secs(20),
        "server B",
    );
    assert!(log_b.contains("CN=mtls demo client"), "{log_b}");

    // A new key: the ticket (under the previous one) still resumes, on either server.
    let o = run(
        mtls(&["ticket-keys", "rotate", &keys.display().to_string()]),
        b"",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    after_reload();
    let out = s_client_session(&addr_a, &pki, &sess, false);
    assert!(
        out.contains("Reused, TLSv1.2"),
        "previous key refused:\n{out}"
    );

    // Two rotations later the ticket's key is gone: a full handshake.
    for _ in 0..2 {
        let o = run(
            mtls(&["ticket-keys", "rotate", &keys.display().to_string()]),
            b"",
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    after_reload();
    let out = s_client_session(&addr_b, &pki, &sess, false);
    assert!(
        out.contains("New, TLSv1.2"),
        "an old key still opened:\n{out}"
    );
    drop((a, b));
}

/// `openssl s_client -tls1_3` with the client certificate, one line echoed, the session
/// saved to or read from `sess`; s_client's output.
fn s_client13_session(addr: &str, pki: &TempDir, sess: &Path, save: bool) -> String {
    require("openssl");
    let sess = sess.display().to_string();
    let flag = if save { "-sess_out" } else { "-sess_in" };
    let (ca, cert, key) = (
        pki.file("ca.pem"),
        pki.file("client.pem"),
        pki.file("client.key"),
    );
    let mut cmd = std::process::Command::new("openssl");
    cmd.args(["s_client", "-tls1_3", "-connect", addr])
        .args(["-CAfile", &ca, "-verify_return_error"])
        .args(["-verify_hostname", "localhost"])
        .args(["-cert", &cert, "-key", &key, flag, &sess]);
    let mut p = Peer::spawn(cmd, true);
    p.write_stdin(b"ping from openssl\n");
    // The echo is the only copy in s_client's output. The tickets came before it, so the
    // session file is written by then.
    wait_for(
        || p.stdout(),
        "ping from openssl",
        Duration::from_secs(20),
        "s_client",
    );
    p.close_stdin();
    let status = wait_exit(&mut p, Duration::from_secs(30));
    let out = format!("{}{}", p.stdout(), p.stderr());
    assert!(status.success(), "s_client failed:\n{out}");
    out
}

/// The TLS 1.3 twin (RFC 8446 2.2, 4.6.1; issue 18): a ticket (NewSessionTicket after the
/// client's Finished) from one `mtls server` process resumes on another sharing the
/// `--ticket-keys` file, and the second server names the client from the ticket.
#[test]
fn rfc8446_2_2_a_tls13_ticket_from_one_server_process_resumes_on_another() {
    let pki = certs("tickets13", "ecdsa");
    let keys = pki.0.join("ticket.keys");
    let sess = pki.0.join("session13.pem");
    let (a, addr_a) = server(&pki, &keys);
    let (b, addr_b) = server(&pki, &keys);

    let out = s_client13_session(&addr_a, &pki, &sess, true);
    assert!(out.contains("New, TLSv1.3"), "{out}");
    assert!(
        std::fs::metadata(&sess).is_ok_and(|m| m.len() > 0),
        "no ticket reached s_client:\n{out}"
    );
    let log_a = wait_for(
        || a.stderr(),
        "TLS 1.3 full handshake",
        Duration::from_secs(20),
        "server A",
    );
    assert!(log_a.contains("CN=mtls demo client"), "{log_a}");

    let out = s_client13_session(&addr_b, &pki, &sess, false);
    assert!(
        out.contains("Reused, TLSv1.3"),
        "not resumed on the other server:\n{out}"
    );
    let log_b = wait_for(
        || b.stderr(),
        "TLS 1.3 resumed handshake",
        Duration::from_secs(20),
        "server B",
    );
    assert!(log_b.contains("CN=mtls demo client"), "{log_b}");
    drop((a, b));
}
