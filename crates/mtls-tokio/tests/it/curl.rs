//! curl (OpenSSL backend) against the axum example: 50 parallel requests with a client
//! certificate, each answered with the client's name; without a certificate, curl reports our
//! handshake_failure alert (not a reset).
//!
//! curl runs as a child process (mtls-testkit's `Peer`: output collected, killed by PID on
//! drop, bounded waits); a missing curl fails the test.

use std::process::Command;
use std::time::Instant;

use mtls_testkit::{Peer, TempDir, pki, require};

use crate::{AxumServer, LIMIT};

const REQUESTS: usize = 50;

/// `curl` with no config file, no proxy, the test CA, `localhost:PORT` resolved to
/// 127.0.0.1 (the name in the server certificate), and a bound on each transfer.
fn curl(port: u16) -> Command {
    require("curl");
    let mut cmd = Command::new("curl");
    cmd.arg("-q") // first: do not read ~/.curlrc
        .args(["--silent", "--show-error", "--noproxy", "*"])
        .args(["--max-time", &LIMIT.as_secs().to_string()])
        .arg("--cacert")
        .arg(pki("ca.pem"))
        .arg("--resolve")
        .arg(format!("localhost:{port}:127.0.0.1"));
    cmd
}

/// Runs `cmd` to its end on a blocking thread (the server shares this test's runtime).
async fn run(cmd: Command) -> (Peer, std::process::ExitStatus) {
    tokio::task::spawn_blocking(move || {
        let mut peer = Peer::spawn(cmd, false);
        let status = peer.wait_exit(Instant::now() + LIMIT * 2);
        let status = status.unwrap_or_else(|| panic!("curl did not exit\n{}", peer.describe()));
        (peer, status)
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_parallel_curl_requests_named_by_client_certificate() {
    let server = AxumServer::start().await;
    let port = server.addr.port();
    let out = TempDir::new("curl-bodies");
    let mut cmd = curl(port);
    cmd.args(["--parallel", "--parallel-immediate", "--parallel-max"])
        .arg(REQUESTS.to_string())
        .arg("--cert")
        .arg(pki("client-ecdsa.pem"))
        .arg("--key")
        .arg(pki("client-ecdsa.key"))
        .args([
            "--write-out",
            "%{http_code} %{http_version} %{ssl_verify_result} %{num_connects}\\n",
        ])
        .arg("--output-dir")
        .arg(out.0.as_os_str())
        // curl's URL globbing: one transfer per n, each body in its own file.
        .arg(format!("https://localhost:{port}/?n=[1-{REQUESTS}]"))
        .args(["-o", "body-#1"]);
    let started = Instant::now();
    let (peer, status) = run(cmd).await;
    eprintln!(
        "{REQUESTS} parallel curl requests in {:?}",
        started.elapsed()
    );
    assert!(status.success(), "{status}\n{}", peer.describe());
    // One line per transfer: status 200, HTTP/1.1 (ALPN), server certificate verified, on a
    // connection of its own (one new connect each: 50 handshakes).
    let lines: Vec<String> = peer.stdout().lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), REQUESTS, "{}", peer.describe());
    assert!(
        lines.iter().all(|l| l == "200 1.1 0 1"),
        "{}",
        peer.describe()
    );
    for n in 1..=REQUESTS {
        let body = std::fs::read_to_string(out.file(&format!("body-{n}"))).unwrap();
        assert_eq!(body, "hello CN=test-client-ecdsa\n", "request {n}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn curl_without_certificate_gets_the_handshake_failure_alert() {
    let server = AxumServer::start().await;
    let port = server.addr.port();
    let mut cmd = curl(port);
    // TLS 1.2: the refusal ends the handshake (RFC 5246 7.4.6).
    cmd.args(["--tls-max", "1.2"]);
    cmd.arg(format!("https://localhost:{port}/"));
    let (peer, status) = run(cmd).await;
    // 35: CURLE_SSL_CONNECT_ERROR, with OpenSSL's name for alert 40. A reset would read
    // "Connection reset by peer" instead.
    assert_eq!(status.code(), Some(35), "{}", peer.describe());
    let err = peer.stderr();
    assert!(
        err.contains("alert handshake failure"),
        "{}",
        peer.describe()
    );
    assert!(!err.contains("reset"), "{}", peer.describe());
    assert!(peer.stdout().is_empty(), "{}", peer.describe());

    // The server goes on: the next client with a certificate is served.
    let mut cmd = curl(port);
    cmd.arg("--cert")
        .arg(pki("client-rsa.pem"))
        .arg("--key")
        .arg(pki("client-rsa.key"))
        .arg(format!("https://localhost:{port}/"));
    let (peer, status) = run(cmd).await;
    assert!(status.success(), "{status}\n{}", peer.describe());
    assert_eq!(peer.stdout(), "hello CN=test-client-rsa\n");
}

/// TLS 1.3: curl has finished its handshake before our server judges the empty Certificate
/// (RFC 8446 4.4.2.4), so the refusal, certificate_required, is what its first read gets; still
/// an alert, never a reset.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rfc8446_4_4_2_4_curl_tls13_without_certificate_reads_certificate_required() {
    let server = AxumServer::start().await;
    let port = server.addr.port();
    let mut cmd = curl(port);
    cmd.args(["--tlsv1.3"]);
    cmd.arg(format!("https://localhost:{port}/"));
    let (peer, status) = run(cmd).await;
    assert!(!status.success(), "{}", peer.describe());
    let err = peer.stderr();
    assert!(
        err.contains("alert certificate required"),
        "{}",
        peer.describe()
    );
    assert!(!err.contains("reset"), "{}", peer.describe());
    assert!(peer.stdout().is_empty(), "{}", peer.describe());
}

/// TLS 1.3 with a client certificate (RFC 8446 4.4.2): curl `--tlsv1.3 --tls-max 1.3 --cert
/// --key` against the axum example; the handshake is TLS 1.3 (curl's `-v` says so), the
/// server certificate verifies, and the page names the client.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rfc8446_4_4_2_curl_tls13_with_certificate_is_named_by_the_page() {
    let server = AxumServer::start().await;
    let port = server.addr.port();
    for client in ["client-ecdsa", "client-rsa"] {
        let mut cmd = curl(port);
        cmd.args(["--tlsv1.3", "--tls-max", "1.3", "--verbose"])
            .arg("--cert")
            .arg(pki(&format!("{client}.pem")))
            .arg("--key")
            .arg(pki(&format!("{client}.key")))
            .args(["--write-out", "%{http_code} %{ssl_verify_result}\\n"])
            .arg(format!("https://localhost:{port}/"));
        let (peer, status) = run(cmd).await;
        assert!(status.success(), "{status}\n{}", peer.describe());
        assert_eq!(
            peer.stdout(),
            format!("hello CN=test-{client}\n200 0\n"),
            "{}",
            peer.describe()
        );
        assert!(
            peer.stderr()
                .contains("SSL connection using TLSv1.3 / TLS_"),
            "{}",
            peer.describe()
        );
    }
}
