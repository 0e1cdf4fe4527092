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
