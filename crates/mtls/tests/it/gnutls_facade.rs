//! Renegotiation refused, and session tickets, against real GnuTLS, through the facade over
//! TCP on 127.0.0.1.
//!
//! - `gnutls-cli --rehandshake` asks our server to renegotiate right after the handshake:
//!   our server answers each renegotiation ClientHello with a warning `no_renegotiation`
//!   (RFC 5746 4.4) and its connection stays up. gnutls-cli 3.7.9 does not accept the
//!   refusal: its `do_handshake` loop retries on the non-fatal warning, sending a fresh
//!   ClientHello each time (16 in all), GnuTLS then gives up with "GnuTLS internal error",
//!   and gnutls-cli prints "*** ReHandshake has failed" and exits 1 (`--rehandshake` and
//!   the inline `^renegotiate^` command alike), after sending a fatal `internal_error`. The
//!   test asserts exactly that, and that our server kept the connection: every retry arrived
//!   encrypted after a refusal and was answered, and our server sent no fatal alert; it
//!   stopped only on gnutls-cli's `internal_error`.
//! - `gnutls-serv`'s `**REHANDSHAKE**` command sends our client a HelloRequest: our client
//!   refuses with a warning `no_renegotiation` (RFC 5746 4.2) and stays up, and gnutls-serv
//!   3.7.9 receives the warning, and closes the connection (its receive loop ends on any
//!   error of `gnutls_record_recv`, the non-fatal warning included).
//!
//! Neither GnuTLS tool carries on after a refused renegotiation (nor does OpenSSL 3.0:
//! `s_client`'s `R` command against our server stops with "ssl3_read_bytes:no
//! renegotiation" on the warning), so "the connection
//! stays usable" is shown here by our side only: our server answering 16 encrypted
//! ClientHellos in a row without failing, and our client reading data after the
//! HelloRequest. Data after a refusal is exchanged in mtls-handshake's hostile_renegotiation tests.
//!
//! Each test fails (never skips) when its GnuTLS binary is missing, kills its child process
//! on every path, and is bounded by socket timeouts and an overall deadline.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{ErrorKind, Write};
use std::time::{Duration, Instant};

use crate::peers::*;
use mtls::{AlertDescription, Error};

const TLS12: &str = "NORMAL:-VERS-ALL:+VERS-TLS1.2";

/// What gnutls-cli prints for each refusal.
const REFUSED: &str = "*** Received alert [100]: No renegotiation is allowed";

#[test]
fn gnutls_cli_rehandshake_refused_by_our_server() {
    require("gnutls-cli");
    let deadline = Instant::now() + TEST_TIMEOUT;
    let server = facade_server(server_builder().build().unwrap(), 1, deadline);
    // gnutls-cli would send "hello" after a successful rehandshake; it never gets there.
    let peer = run_gnutls_cli(
        server.port,
        &[
            "--x509cafile",
            pki("ca.pem").as_str(),
            "--verify-hostname",
            "localhost",
            "--x509certfile",
            pki("client-rsa.pem").as_str(),
            "--x509keyfile",
            pki("client-rsa.key").as_str(),
            "--priority",
            TLS12,
            "--rehandshake",
        ],
        &[],
        b"hello\n",
        deadline,
    );
    let served = server.finish();
    assert_eq!(served.len(), 1, "{served:?}\n{}", peer.describe());
    let s = &served[0];

    // GnuTLS's side: the first handshake completed, then each renegotiation was refused.
    let out = peer.output();
    assert!(
        out.contains("- Handshake was completed"),
        "{}",
        peer.describe()
    );
    let refusals = out.matches(REFUSED).count();
    assert!(
        refusals >= 2,
        "gnutls-cli should report our warning no_renegotiation (after a refusal, the next \
         ClientHello shows the connection still decrypts and answers)\n{}",
        peer.describe()
    );
    // gnutls-cli 3.7.9 gives up on the rehandshake (its choice, not a fatal alert from us).
    assert!(
        out.contains("*** ReHandshake has failed"),
        "{}",
        peer.describe()
    );
    assert!(
        !out.contains("Received alert [") || out.matches("Received alert [").count() == refusals,
        "an alert other than no_renegotiation reached gnutls-cli\n{}",
        peer.describe()
    );

    // Our side: the handshake completed with the client's certificate, and the connection
    // did not fail on the renegotiation attempts: we sent no fatal alert; it ended only with
    // the fatal internal_error gnutls-cli sends when it gives up
    // (`gnutls_alert_send_appropriate` for GNUTLS_E_INTERNAL_ERROR).
    let summary = s
        .summary
        .as_ref()
        .unwrap_or_else(|| panic!("{s:?}\n{}", peer.describe()));
    assert_eq!(
        summary.peer_certificates.first(),
        Some(&leaf_of(&pki("client-rsa.pem")))
    );
    assert_eq!(
        s.tls_error,
        Some(Error::AlertReceived(AlertDescription::InternalError)),
        "our server should fail only on gnutls-cli's own internal_error: {:?}\n{}",
        s.error,
        peer.describe()
    );
    assert_eq!(
        s.error.as_deref(),
        Some("the peer ended the connection with alert internal_error")
    );
    assert!(s.received.is_empty());
}

#[test]
fn our_client_refuses_gnutls_serv_rehandshake() {
    require("gnutls-serv");
    let deadline = Instant::now() + TEST_TIMEOUT;
    let (mut peer, port) = start_gnutls_serv(
        &[
            "--echo",
            "--x509certfile",
            pki("server-ecdsa.pem").as_str(),
            "--x509keyfile",
            pki("server-ecdsa.key").as_str(),
            "--x509cafile",
            pki("ca.pem").as_str(),
            "--require-client-cert",
            "--verify-client-cert",
            "--priority",
            TLS12,
        ],
        &[],
    );

    let config = client_builder("client-ecdsa").build().unwrap();
    let mut tls = facade_client(&config, "localhost", port, &mut peer);
    if let Err(e) = tls.handshake() {
        std::thread::sleep(Duration::from_millis(200));
        panic!("our client against gnutls-serv: {e}\n{}", peer.describe());
    }
    tls.write_all(b"hello gnutls\n").unwrap();
    let (echo, err) = read_line(&mut tls);
    assert!(err.is_none(), "{err:?}\n{}", peer.describe());
    assert_eq!(echo, b"hello gnutls\n", "{}", peer.describe());

    // gnutls-serv answers this line with a HelloRequest (and no echo).
    tls.write_all(b"**REHANDSHAKE**\n").unwrap();
    assert!(
        peer.wait_output("*** Sending rehandshake request", deadline),
        "{}",
        peer.describe()
    );
    // Reading gnutls-serv's answer to the command processes the HelloRequest before it: our
    // client queues a warning no_renegotiation and sends it on the next write.
    let (answer, err) = read_line(&mut tls);
    assert!(
        err.is_none(),
        "our client on gnutls-serv's HelloRequest: {err:?}\n{}",
        peer.describe()
    );
    assert_eq!(
        String::from_utf8_lossy(&answer),
        "Successfully executed command\n",
        "{}",
        peer.describe()
    );
    assert!(!tls.conn.is_handshaking());
    // Send the queued warning. gnutls-serv 3.7.9 takes it as the end of the connection: its
    // receive loop closes on any error of gnutls_record_recv, the non-fatal
    // GNUTLS_E_WARNING_ALERT_RECEIVED included; it prints "Error while receiving data" and
    // "Error: A TLS warning alert has been received." and closes the socket.
    tls.flush().unwrap();
    assert!(
        peer.wait_output("Error: A TLS warning alert has been received.", deadline),
        "gnutls-serv should receive our warning no_renegotiation\n{}",
        peer.describe()
    );
    // Our client did not fail on the HelloRequest: no TLS error, only the socket closed by
    // gnutls-serv (without close_notify).
    let (rest, err) = read_line(&mut tls);
    assert!(rest.is_empty(), "{rest:?}");
    let err = err.expect("gnutls-serv closed the connection");
    assert_eq!(tls_error(&err), None, "{err}\n{}", peer.describe());
    assert_eq!(err.kind(), ErrorKind::UnexpectedEof, "{err}");
    assert!(err.to_string().contains("without close_notify"), "{err}");
    let _ = tls.close();
}

/// `gnutls-cli --resume` resumes by session ticket (RFC 5077) against our server, which keeps
/// no session cache: two connections, the second resumed, the client's certificate verified
/// again from the ticket.
#[test]
fn rfc5077_gnutls_cli_resumes_by_ticket_against_our_stateless_server() {
    require("gnutls-cli");
    let deadline = Instant::now() + TEST_TIMEOUT;
    let keys = std::sync::Arc::new(mtls::TicketKeys::new(
        mtls::TicketKey::generate(&mut mtls::OsRng).unwrap(),
        None,
        3600,
    ));
    let config = server_builder()
        .session_cache(None)
        .ticketer(keys)
        .build()
        .unwrap();
    let server = facade_server(config, 2, deadline);
    let mut cmd = std::process::Command::new("gnutls-cli");
    cmd.arg("127.0.0.1")
        .args(["--port", &server.port.to_string()])
        .args(["--x509cafile", pki("ca.pem").as_str()])
        .args(["--verify-hostname", "localhost"])
        .args(["--x509certfile", pki("client-ecdsa.pem").as_str()])
        .args(["--x509keyfile", pki("client-ecdsa.key").as_str()])
        .args(["--priority", TLS12, "--resume"]);
    // Standard input closed at once: after the resumed handshake gnutls-cli reads its end
    // and closes the connection.
    let mut peer = Peer::spawn(cmd, true);
    peer.close_stdin();
    assert!(peer.wait_exit(deadline).is_some(), "{}", peer.describe());
    let served = server.finish();
    assert_eq!(served.len(), 2, "{served:?}\n{}", peer.describe());
    let kinds: Vec<_> = served
        .iter()
        .map(|s| s.summary.as_ref().map(|x| x.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            Some(mtls::HandshakeKind::FullEcdheClientCertTicket),
            Some(mtls::HandshakeKind::Resumed)
        ],
        "{}",
        peer.describe()
    );
    let resumed = served[1].summary.as_ref().unwrap();
    assert!(resumed.peer_verified);
    assert_eq!(
        resumed.peer_certificates.first(),
        Some(&leaf_of(&pki("client-ecdsa.pem")))
    );
    assert!(
        peer.output().contains("This is a resumed session"),
        "{}",
        peer.describe()
    );
}
