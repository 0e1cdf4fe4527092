//! TLS 1.3 after the handshake, with real OpenSSL: post-handshake client authentication
//! (RFC 8446 4.6.2) asked by our server of `s_client -enable_pha` and by `s_server` (its `c`
//! command) of our client; KeyUpdate (RFC 8446 4.6.3) both ways (our `send_key_update`,
//! s_server's and s_client's `K`); and the TLS 1.3 key log compared line for line with
//! OpenSSL's `-keylogfile`.
//!
//! OpenSSL's `-msg` trace tells which messages it sent (`>>>`) and received (`<<<`). Data
//! that crosses after a KeyUpdate proves both sides moved to the next traffic secret. Each
//! test fails (never skips) without `openssl`, kills its child on every path, and is bounded
//! by socket timeouts and a deadline.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{BufRead, BufReader, Write};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::peers::tls13::*;
use crate::peers::*;
use mtls::{AlertDescription, Error, ProtocolVersion, ServerConfig};
use mtls_testkit::spawn_openssl_client;

/// Waits for `needle` in the peer's output, panicking with everything it said otherwise.
fn expect_output(peer: &mut Peer, needle: &str, deadline: Instant) {
    assert!(
        peer.wait_output(needle, deadline),
        "the peer never printed {needle:?}\n{}",
        peer.describe()
    );
}

/// `s_server` in its default mode (what arrives is printed, lines on its stdin are sent,
/// `c`/`k`/`K` are commands), TLS 1.3, client certificates required, `-msg`, one
/// connection, then `extra`.
fn interactive_s_server(extra: &[&str]) -> (Peer, u16) {
    s_server13("server-ecdsa", "1", extra, true)
}

/// `s_client -tls1_3 -msg` verifying our server, with `extra`, stdin kept open.
fn interactive_s_client(port: u16, extra: &[&str]) -> Peer {
    let ca = pki("ca.pem");
    let mut args = vec![
        "-tls1_3",
        "-msg",
        "-CAfile",
        &ca,
        "-verify_return_error",
        "-verify_hostname",
        "localhost",
    ];
    args.extend_from_slice(extra);
    spawn_openssl_client(port, &args)
}

/// What our step-by-step server found out.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    /// Subject of the client before the request (none expected).
    pub(crate) before: Option<String>,
    /// Subject after the request was answered.
    pub(crate) after: Option<String>,
    /// What `request_client_certificate` returned.
    pub(crate) request: Option<Result<(), Error>>,
    /// The first failure.
    pub(crate) error: Option<String>,
    /// The alert we sent, if the connection failed with one.
    pub(crate) alert_sent: Option<AlertDescription>,
    pub(crate) version: Option<ProtocolVersion>,
}

impl Outcome {
    /// A TLS 1.3 connection whose client was unknown until our request (the policy asks only
    /// after the handshake) and is `subject` once it was answered; `what` names the run.
    pub(crate) fn assert_authenticated_after_the_handshake(&self, subject: &str, what: &str) {
        assert!(self.error.is_none(), "{what}");
        assert_eq!(self.version, Some(ProtocolVersion::TLSv1_3), "{what}");
        assert_eq!(self.before, None, "{what}");
        assert!(matches!(self.request, Some(Ok(()))), "{what}");
        assert_eq!(self.after.as_deref(), Some(subject), "{what}");
    }
}

/// Our server (`config`) in a thread, step by step: handshake, read a line, then `step`
/// (a post-handshake request, say), then answer the line with `mtls-echo: ` and the client
/// subject it knows by then, and close.
pub(crate) fn step_server(
    config: ServerConfig,
    step: fn(&mut OurServer, &mut Outcome) -> std::io::Result<()>,
) -> (JoinHandle<Outcome>, u16) {
    let (l, port) = listener();
    let handle = std::thread::spawn(move || {
        let mut out = Outcome::default();
        let subject = |tls: &OurServer| tls.conn.peer_identity().map(|p| p.subject().to_string());
        let mut tls = match accept_one(&l, &config) {
            Ok(t) => t,
            Err(e) => {
                out.error = Some(e.to_string());
                return out;
            }
        };
        let run = (|| -> std::io::Result<()> {
            tls.handshake()?;
            out.version = tls.conn.protocol_version();
            out.before = subject(&tls);
            let mut line = Vec::new();
            BufReader::new(&mut tls).read_until(b'\n', &mut line)?;
            step(&mut tls, &mut out)?;
            out.after = subject(&tls);
            let who = out.after.clone().unwrap_or_else(|| "nobody".into());
            tls.write_all(format!("mtls-echo: {who}\n").as_bytes())?;
            tls.flush()
        })();
        if let Err(e) = run {
            out.alert_sent = tls_error(&e).and_then(|e| e.alert_sent());
            out.error = Some(e.to_string());
            let _ = flush_tls(&mut tls);
            return out;
        }
        close(tls);
        out
    });
    (handle, port)
}

/// The step of RFC 8446 4.6.2: ask for the certificate and wait for the answer.
pub(crate) fn request_certificate(tls: &mut OurServer, out: &mut Outcome) -> std::io::Result<()> {
    let r = tls.conn.request_client_certificate();
    out.request = Some(r.clone());
    if r.is_err() {
        return Ok(());
    }
    drive_until(tls, |c| {
        c.peer_certificates().is_some_and(|p| !p.is_empty())
    })
}

/// The step of RFC 8446 4.6.3: a KeyUpdate asking the client to update too.
pub(crate) fn key_update(tls: &mut OurServer, _: &mut Outcome) -> std::io::Result<()> {
    tls.conn
        .send_key_update(true)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    flush_tls(tls)
}

/// s_client with `extra` against a step server: a line, the answer, then s_client's stdin
/// closed (it sends close_notify and exits). Our outcome and s_client.
fn s_client_steps(
    config: ServerConfig,
    step: fn(&mut OurServer, &mut Outcome) -> std::io::Result<()>,
    extra: &[&str],
    expect: &str,
) -> (Outcome, Peer) {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let (server, port) = step_server(config, step);
    let mut peer = interactive_s_client(port, extra);
    expect_output(&mut peer, "Verify return code: 0 (ok)", deadline);
    send(&mut peer, b"hello\n");
    let _ = peer.wait_output(expect, deadline);
    peer.close_stdin();
    let _ = peer.wait_exit(deadline);
    let outcome = server.join().unwrap();
    (outcome, peer)
}

#[test]
fn rfc8446_4_6_2_post_handshake_auth_with_openssl_client() {
    let cert = pki("client-rsa.pem");
    let key = pki("client-rsa.key");
    let (out, peer) = s_client_steps(
        server13_post_handshake().build().unwrap(),
        request_certificate,
        &["-enable_pha", "-cert", &cert, "-key", &key],
        "mtls-echo: CN=test-client-rsa",
    );
    let what = format!("{out:?}\n{}", peer.describe());
    out.assert_authenticated_after_the_handshake("CN=test-client-rsa", &what);
    let o = peer.stdout();
    assert_eq!(msg_count(&o, "<<<", "CertificateRequest"), 1, "{what}");
    assert_eq!(msg_count(&o, ">>>", "Certificate"), 1, "{what}");
    assert_eq!(msg_count(&o, ">>>", "CertificateVerify"), 1, "{what}");
    // The handshake's Finished and the one that ends the authentication.
    assert_eq!(msg_count(&o, ">>>", "Finished"), 2, "{what}");
    assert!(o.contains("mtls-echo: CN=test-client-rsa"), "{what}");
}

/// Without post_handshake_auth in the ClientHello, the request is refused locally
/// (`Error::Unavailable`) and the connection goes on (RFC 8446 4.6.2: a server MUST NOT
/// send a post-handshake CertificateRequest to a client that did not offer it).
#[test]
fn rfc8446_4_6_2_no_request_to_a_client_without_post_handshake_auth() {
    let cert = pki("client-rsa.pem");
    let key = pki("client-rsa.key");
    let (out, peer) = s_client_steps(
        server13_post_handshake().build().unwrap(),
        request_certificate,
        &["-cert", &cert, "-key", &key],
        "mtls-echo: nobody",
    );
    let what = format!("{out:?}\n{}", peer.describe());
    assert!(
        matches!(out.request, Some(Err(Error::Unavailable(_)))),
        "{what}"
    );
    assert!(out.error.is_none(), "{what}");
    let o = peer.stdout();
    assert_eq!(msg_count(&o, "<<<", "CertificateRequest"), 0, "{what}");
    assert!(o.contains("mtls-echo: nobody"), "{what}");
}

/// A client that answers the post-handshake request with an empty Certificate: the
/// connection ends with certificate_required (RFC 8446 4.4.2.4), which s_client reads.
#[test]
fn rfc8446_4_6_2_empty_certificate_after_request_reads_certificate_required() {
    let (out, peer) = s_client_steps(
        server13_post_handshake().build().unwrap(),
        request_certificate,
        &["-enable_pha"],
        "certificate_required",
    );
    let what = format!("{out:?}\n{}", peer.describe());
    assert!(matches!(out.request, Some(Ok(()))), "{what}");
    assert_eq!(
        out.alert_sent,
        Some(AlertDescription::CertificateRequired),
        "{what}"
    );
    assert_eq!(out.after, None, "{what}");
    let o = peer.output();
    assert_eq!(msg_count(&o, ">>>", "Certificate"), 1, "{what}");
    assert_eq!(msg_count(&o, ">>>", "CertificateVerify"), 0, "{what}");
    assert!(
        msg_alerts_received(&o).contains(&"certificate_required".to_string()),
        "{what}"
    );
}

/// s_server asks our client again after the handshake (its `c` command; it asked in the
/// handshake too, since s_server has no option to ask only later): our client answers
/// with its certificate, s_server verifies it a second time, and data flows on.
#[test]
fn rfc8446_4_6_2_our_client_answers_s_server_post_handshake_request() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let (mut peer, port) = interactive_s_server(&[]);
    let config = client13("client-ecdsa").build().unwrap();
    let mut tls = our_client(&config, port, &mut peer);
    tls.write_all(b"pha-line-1\n").unwrap();
    expect_output(&mut peer, "pha-line-1", deadline);
    send(&mut peer, b"c\n");
    // s_server reads a command and the line after it in one read() if they come together,
    // and drops the line: let the command go alone.
    std::thread::sleep(Duration::from_millis(300));
    // s_server waits in SSL_do_handshake for our answer, and only then reads its next line
    // and sends it: reading processes the CertificateRequest first, and answers it.
    send(&mut peer, b"pha-line-2\n");
    let got = read_until(&mut tls, b"pha-line-2\n").unwrap();
    assert!(
        got.ends_with(b"pha-line-2\n"),
        "{:?}\n{}",
        got,
        peer.describe()
    );
    tls.write_all(b"pha-line-3\n").unwrap();
    expect_output(&mut peer, "pha-line-3", deadline);
    close(tls);
    let _ = peer.wait_exit(deadline);
    let o = peer.stdout();
    let what = peer.describe();
    assert_eq!(msg_count(&o, ">>>", "CertificateRequest"), 2, "{what}");
    assert_eq!(msg_count(&o, "<<<", "Certificate"), 2, "{what}");
    assert_eq!(msg_count(&o, "<<<", "CertificateVerify"), 2, "{what}");
    assert_eq!(msg_count(&o, "<<<", "Finished"), 2, "{what}");
    // s_server's verify callback reports each verified chain on stderr.
    assert_eq!(
        peer.stderr()
            .matches("depth=0 CN = test-client-ecdsa")
            .count(),
        2,
        "{what}"
    );
}

/// s_server's `K`: a KeyUpdate asking for ours. Our client reads the next line under
/// s_server's new keys, answers with its own KeyUpdate, and s_server reads our next line
/// under our new keys (RFC 8446 4.6.3).
#[test]
fn rfc8446_4_6_3_key_update_requested_by_s_server() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let (mut peer, port) = interactive_s_server(&[]);
    let config = client13("client-rsa").build().unwrap();
    let mut tls = our_client(&config, port, &mut peer);
    tls.write_all(b"ku-before\n").unwrap();
    expect_output(&mut peer, "ku-before", deadline);
    // (s_server's "SSL_do_handshake -> 1" is printf'd into a pipe: it only shows at exit.)
    send(&mut peer, b"K\n");
    // A command and the next line in one read() would drop the line (see above).
    std::thread::sleep(Duration::from_millis(300));
    send(&mut peer, b"after-server-update\n");
    let got = read_until(&mut tls, b"after-server-update\n").unwrap();
    assert!(
        got.ends_with(b"after-server-update\n"),
        "{}",
        peer.describe()
    );
    tls.write_all(b"after-our-update\n").unwrap();
    expect_output(&mut peer, "after-our-update", deadline);
    close(tls);
    let _ = peer.wait_exit(deadline);
    let o = peer.stdout();
    assert_eq!(msg_count(&o, ">>>", "KeyUpdate"), 1, "{}", peer.describe());
    assert_eq!(msg_count(&o, "<<<", "KeyUpdate"), 1, "{}", peer.describe());
}

/// Our `send_key_update(true)` to s_server: it reads our next line under our new keys and
/// sends its own KeyUpdate before its next line, which we read under its new keys.
#[test]
fn rfc8446_4_6_3_our_client_key_update_to_s_server() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let (mut peer, port) = interactive_s_server(&[]);
    let config = client13("client-rsa").build().unwrap();
    let mut tls = our_client(&config, port, &mut peer);
    tls.write_all(b"ku-before\n").unwrap();
    expect_output(&mut peer, "ku-before", deadline);
    tls.conn.send_key_update(true).unwrap();
    tls.write_all(b"after-our-update\n").unwrap();
    expect_output(&mut peer, "after-our-update", deadline);
    send(&mut peer, b"answer-ku\n");
    let got = read_until(&mut tls, b"answer-ku\n").unwrap();
    assert!(got.ends_with(b"answer-ku\n"), "{}", peer.describe());
    close(tls);
    let _ = peer.wait_exit(deadline);
    let o = peer.stdout();
    assert_eq!(msg_count(&o, "<<<", "KeyUpdate"), 1, "{}", peer.describe());
    assert_eq!(msg_count(&o, ">>>", "KeyUpdate"), 1, "{}", peer.describe());
}

/// Our server's `send_key_update(true)` to s_client: s_client reads our answer under our new
/// keys; its next line comes after its own KeyUpdate, under its new keys.
#[test]
fn rfc8446_4_6_3_our_server_key_update_to_s_client() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let (server, port) = step_server(server13().build().unwrap(), |tls, out| {
        key_update(tls, out)?;
        // The answer (below) goes out under the new keys; then one more line from s_client,
        // which it sends after its own KeyUpdate.
        tls.write_all(b"ku-updated\n")?;
        let mut line = Vec::new();
        BufReader::new(&mut *tls).read_until(b'\n', &mut line)?;
        if line != b"second-ku\n" {
            return Err(std::io::Error::other(format!("got {line:?}")));
        }
        Ok(())
    });
    let cert = pki("client-rsa.pem");
    let key = pki("client-rsa.key");
    let mut peer = interactive_s_client(port, &["-cert", &cert, "-key", &key]);
    expect_output(&mut peer, "Verify return code: 0 (ok)", deadline);
    send(&mut peer, b"hello\n");
    expect_output(&mut peer, "ku-updated", deadline);
    send(&mut peer, b"second-ku\n");
    expect_output(&mut peer, "mtls-echo: CN=test-client-rsa", deadline);
    peer.close_stdin();
    let _ = peer.wait_exit(deadline);
    let out = server.join().unwrap();
    let what = format!("{out:?}\n{}", peer.describe());
    assert!(out.error.is_none(), "{what}");
    let o = peer.stdout();
    assert_eq!(msg_count(&o, "<<<", "KeyUpdate"), 1, "{what}");
    assert_eq!(msg_count(&o, ">>>", "KeyUpdate"), 1, "{what}");
}

/// s_client's `K` against our server: we answer with a KeyUpdate of ours and read its next
/// line under its new keys.
#[test]
fn rfc8446_4_6_3_key_update_requested_by_s_client() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let (server, port) = step_server(server13().build().unwrap(), |tls, _| {
        // The line after s_client's KeyUpdate.
        let got = read_until(tls, b"after-ku\n")?;
        if !got.ends_with(b"after-ku\n") {
            return Err(std::io::Error::other(format!("got {got:?}")));
        }
        Ok(())
    });
    let cert = pki("client-ecdsa.pem");
    let key = pki("client-ecdsa.key");
    let mut peer = interactive_s_client(port, &["-cert", &cert, "-key", &key]);
    expect_output(&mut peer, "Verify return code: 0 (ok)", deadline);
    send(&mut peer, b"hello\n");
    // Let the line go out before the command.
    std::thread::sleep(Duration::from_millis(100));
    send(&mut peer, b"K\n");
    expect_output(&mut peer, "KEYUPDATE", deadline);
    send(&mut peer, b"after-ku\n");
    expect_output(&mut peer, "mtls-echo: CN=test-client-ecdsa", deadline);
    peer.close_stdin();
    let _ = peer.wait_exit(deadline);
    let out = server.join().unwrap();
    let what = format!("{out:?}\n{}", peer.describe());
    assert!(out.error.is_none(), "{what}");
    let o = peer.stdout();
    assert_eq!(msg_count(&o, ">>>", "KeyUpdate"), 1, "{what}");
    assert_eq!(msg_count(&o, "<<<", "KeyUpdate"), 1, "{what}");
}

/// Our client's TLS 1.3 key log (the five secrets of RFC 8446 7.1 in the NSS format) is
/// s_server's, line for line.
#[test]
fn rfc8446_7_1_client_key_log_matches_s_server() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let theirs = TempFile::new("s_server13.keylog");
    let (mut peer, port) = interactive_s_server(&["-keylogfile", theirs.path()]);
    let ours = Arc::new(MemoryKeyLog::default());
    let config = client13("client-rsa")
        .key_log(ours.clone())
        .build()
        .unwrap();
    let mut tls = our_client(&config, port, &mut peer);
    tls.write_all(b"keylog-line\n").unwrap();
    expect_output(&mut peer, "keylog-line", deadline);
    close(tls);
    let _ = peer.wait_exit(deadline);
    let ours = ours.tls13_lines();
    assert_eq!(ours.len(), 5, "{ours:#?}");
    assert_eq!(theirs.tls13_key_log_lines(), ours, "{}", peer.describe());
}

/// Our server's TLS 1.3 key log is s_client's, line for line.
#[test]
fn rfc8446_7_1_server_key_log_matches_s_client() {
    let deadline = Instant::now() + TEST_TIMEOUT;
    let ours = Arc::new(MemoryKeyLog::default());
    let config = server13().key_log(ours.clone()).build().unwrap();
    let server = facade_server(config, 1, deadline);
    let theirs = TempFile::new("s_client13.keylog");
    let (cert, key) = (pki("client-ecdsa.pem"), pki("client-ecdsa.key"));
    let mut peer = interactive_s_client(
        server.port,
        &["-cert", &cert, "-key", &key, "-keylogfile", theirs.path()],
    );
    send(&mut peer, b"hello\n");
    expect_output(&mut peer, "mtls-echo: hello", deadline);
    peer.close_stdin();
    let _ = peer.wait_exit(deadline);
    let served = server.finish();
    assert!(served[0].error.is_none(), "{served:?}");
    let ours = ours.tls13_lines();
    assert_eq!(ours.len(), 5, "{ours:#?}");
    assert_eq!(theirs.tls13_key_log_lines(), ours, "{}", peer.describe());
}
