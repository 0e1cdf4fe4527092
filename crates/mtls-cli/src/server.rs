//! `mtls server`: an echo service (or, with `--http`, a status page as `openssl s_server -www`
//! gives) that can require client certificates. One thread per connection, so one slow
//! client blocks no other; every read and write has a timeout, and the whole handshake a
//! deadline. A refused client gets its alert through a lingering close (see
//! [`mtls::linger_close`]), not a reset.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use mtls::pki::{RootStore, WebPkiClientVerifier};
use mtls::{ClientAuthPolicy, ServerConfig, ServerConnection, StreamOwned};

use crate::common::{Ems, Info, apply_options, io_text, is_timeout};
use crate::deadline::Deadlined;

/// Connections served at once; more are refused until one ends.
const MAX_CONNECTIONS: usize = 256;
/// Largest HTTP request head read with `--http`.
const MAX_REQUEST_HEAD: usize = 16 * 1024;

/// Whether and how the server asks for client certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ClientAuth {
    /// Ask, verify against --client-ca, refuse clients without one (handshake_failure).
    Required,
    /// Ask, verify one if given, accept clients without one.
    Optional,
    /// Ask, accept any certificate unverified (or none), show what was sent.
    Request,
    /// Do not ask.
    None,
}

/// Options of `mtls server`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on, e.g. 127.0.0.1:4433 (port 0 picks a free port; the address is
    /// printed to stderr).
    #[arg(long, value_name = "ADDR")]
    pub listen: String,
    /// Certificate chain file (PEM or DER, leaf first). Give --cert/--key twice for an RSA
    /// and an ECDSA chain; each handshake uses the one that fits the client.
    #[arg(long, value_name = "FILE", required = true)]
    pub cert: Vec<PathBuf>,
    /// Private key file for the --cert before it (PKCS#8, PKCS#1 or SEC1; PEM or DER).
    #[arg(long, value_name = "FILE", required = true)]
    pub key: Vec<PathBuf>,
    /// CA certificate(s) that issue client certificates; their names go into the
    /// CertificateRequest.
    #[arg(long, value_name = "FILE")]
    pub client_ca: Option<PathBuf>,
    /// Client authentication (default: required with --client-ca, else none).
    #[arg(long, value_enum)]
    pub client_auth: Option<ClientAuth>,
    /// Cipher suites in preference order, IANA or OpenSSL names, comma-separated. Naming a
    /// static RSA suite (AES128-GCM-SHA256) enables it.
    #[arg(long, value_name = "LIST")]
    pub suites: Option<String>,
    /// ALPN protocols in preference order, comma-separated (e.g. h2,http/1.1).
    #[arg(long, value_name = "LIST")]
    pub alpn: Option<String>,
    /// Append the session secrets to FILE in the NSS key log format (for Wireshark).
    #[arg(long, value_name = "FILE")]
    pub keylog: Option<PathBuf>,
    /// Answer each HTTP request with a page describing the connection, instead of echoing.
    #[arg(long)]
    pub http: bool,
    /// Serve one connection, then exit (non-zero if it failed).
    #[arg(long)]
    pub once: bool,
    /// Close a connection after this many seconds without data.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub idle_timeout: u64,
    /// Close a connection whose handshake has not completed this many seconds after it was
    /// accepted (at least 1), however the client paces its bytes.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub handshake_timeout: u64,
    /// Extended master secret (RFC 7627): `required` refuses clients without it with
    /// handshake_failure; `optional` also serves legacy clients, with the older master secret.
    #[arg(long, value_enum, default_value_t = Ems::Required)]
    pub ems: Ems,
}

fn config(args: &Args) -> Result<(ServerConfig, ClientAuth), String> {
    if args.cert.len() != args.key.len() {
        return Err("give one --key for each --cert".into());
    }
    if args.cert.len() > 2 {
        return Err("at most two --cert/--key pairs (an RSA and an ECDSA chain)".into());
    }
    let mut b = ServerConfig::builder();
    for (cert, key) in args.cert.iter().zip(&args.key) {
        b = b.certificate_files(cert, key);
    }
    let policy = args.client_auth.unwrap_or(if args.client_ca.is_some() {
        ClientAuth::Required
    } else {
        ClientAuth::None
    });
    let roots = args
        .client_ca
        .as_ref()
        .map(|p| RootStore::load(p).map_err(|e| e.to_string()))
        .transpose()?;
    b = match (policy, roots) {
        (ClientAuth::None, _) => b,
        (ClientAuth::Required, Some(roots)) => b.client_auth_required(roots),
        (ClientAuth::Optional, Some(roots)) => b.client_auth_optional(roots),
        (ClientAuth::Required | ClientAuth::Optional, None) => {
            return Err(
                "--client-auth required/optional needs --client-ca FILE, the CA that issues \
                 client certificates"
                    .into(),
            );
        }
        // Request: ask (with the CA names, if any) and accept whatever comes, unverified.
        (ClientAuth::Request, roots) => b.client_auth(
            ClientAuthPolicy::Request,
            Arc::new(WebPkiClientVerifier::new(roots.unwrap_or_default())),
        ),
    };
    b = apply_options!(b, args);
    let config = b.build().map_err(|e| e.to_string())?;
    Ok((config, policy))
}

/// What each connection needs besides the TLS configuration.
struct Options {
    http: bool,
    idle: Duration,
    /// The deadline of a handshake, from accept.
    handshake: Duration,
    /// `--client-auth request`: certificates are accepted unverified.
    unverified: bool,
}

/// Counts a connection as open until dropped.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs `mtls server`.
pub fn run(args: Args) -> Result<(), String> {
    let (config, policy) = config(&args)?;
    let listener = TcpListener::bind(&args.listen)
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let options = Arc::new(Options {
        http: args.http,
        idle: Duration::from_secs(args.idle_timeout.max(1)),
        handshake: Duration::from_secs(args.handshake_timeout.max(1)),
        unverified: policy == ClientAuth::Request,
    });
    eprintln!(
        "mtls server: listening on {local} ({}, client certificates: {}, extended master \
         secret: {})",
        if args.http {
            "HTTP status page"
        } else {
            "echo"
        },
        crate::common::snake(&format!("{policy:?}")),
        crate::common::snake(&format!("{:?}", args.ems)),
    );

    if args.once {
        let (sock, peer) = listener.accept().map_err(|e| format!("accept: {e}"))?;
        return serve(sock, peer, &config, &options).map_err(|e| format!("{peer}: {e}"));
    }

    let open = Arc::new(AtomicUsize::new(0));
    loop {
        let (sock, peer) = match listener.accept() {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of descriptors, say: report, breathe, keep serving.
                eprintln!("mtls server: accept: {e}");
                std::thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            open.fetch_sub(1, Ordering::SeqCst);
            eprintln!("{peer}: refused: {MAX_CONNECTIONS} connections already open");
            continue;
        }
        let slot = Slot(open.clone());
        let (config, options) = (config.clone(), options.clone());
        let spawned = std::thread::Builder::new()
            .name(format!("conn {peer}"))
            .spawn(move || {
                let _slot = slot;
                if let Err(e) = serve(sock, peer, &config, &options) {
                    eprintln!("{peer}: {e}");
                }
            });
        if let Err(e) = spawned {
            eprintln!("{peer}: cannot start a thread for it: {e}");
        }
    }
}

type Tls = StreamOwned<ServerConnection, Deadlined>;

/// One connection: handshake, the one-line report, then echo or the HTTP page.
fn serve(
    sock: TcpStream,
    peer: SocketAddr,
    config: &ServerConfig,
    options: &Options,
) -> Result<(), String> {
    let deadline = Instant::now() + options.handshake;
    let _ = sock.set_nodelay(true);
    let conn = ServerConnection::new(config).map_err(|e| e.to_string())?;
    let mut tls = StreamOwned::new(conn, Deadlined::new(sock, options.idle, deadline));
    if let Err(e) = tls.handshake() {
        if tls.sock.passed() {
            // The client is the slow one and no alert is pending: close at once.
            return Err(format!(
                "handshake failed: deadline of {} s passed",
                options.handshake.as_secs()
            ));
        }
        if is_timeout(&e) {
            return Err(format!(
                "handshake failed: no data for {} s",
                options.idle.as_secs()
            ));
        }
        // Send the alert, half-close and drain, so that the client reads the alert rather
        // than a reset (RFC 5246 7.2.2).
        tls.close_after_error();
        return Err(format!("handshake failed: {}", io_text(&e)));
    }
    tls.sock.lift().map_err(|e| e.to_string())?;
    let mut info = Info::of(&tls.conn);
    if options.unverified
        && let Some(peer) = &mut info.peer
    {
        peer.push_str(" (not verified)");
    }
    let mut line = format!(
        "{peer}: {} handshake, {}, client {}",
        info.full_or_resumed(),
        info.suite,
        info.peer_or("sent no certificate"),
    );
    if let Some(p) = &info.alpn {
        line.push_str(&format!(", alpn {p}"));
    }
    if !info.ems {
        line.push_str(", without extended master secret");
    }
    eprintln!("{line}");

    let result = if options.http {
        http(&mut tls, peer, &info)
    } else {
        echo(&mut tls, options.idle)
    };
    // A fatal alert may be queued after an error, close_notify after a clean end: send it,
    // then give the client a moment to close, so that unread bytes of its do not turn our
    // close into a reset that loses the last response or the alert.
    tls.close_after_error();
    result
}

/// Echoes everything back until the client's close_notify, then answers with ours.
fn echo(tls: &mut Tls, idle: Duration) -> Result<(), String> {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match tls.read(&mut buf) {
            Ok(0) => return tls.close().map_err(|e| io_text(&e)),
            Ok(n) => {
                let data = buf.get(..n).unwrap_or_default();
                tls.write_all(data)
                    .map_err(|e| format!("write failed: {}", io_text(&e)))?;
            }
            Err(e) if is_timeout(&e) => {
                let _ = tls.close();
                return Err(format!(
                    "no data for {} s: closed the connection",
                    idle.as_secs()
                ));
            }
            Err(e) => return Err(format!("connection failed: {}", io_text(&e))),
        }
    }
}

/// Reads one HTTP request head and answers with a page describing the connection.
fn http(tls: &mut Tls, peer: SocketAddr, info: &Info) -> Result<(), String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !ends_head(&head) {
        if head.len() > MAX_REQUEST_HEAD {
            return Err("HTTP request head too long".into());
        }
        match tls.read(&mut buf) {
            // Closed before asking anything: nothing to answer.
            Ok(0) => return tls.close().map_err(|e| io_text(&e)),
            Ok(n) => head.extend_from_slice(buf.get(..n).unwrap_or_default()),
            Err(e) if is_timeout(&e) => {
                let _ = tls.close();
                return Err("no complete HTTP request arrived".into());
            }
            Err(e) => return Err(format!("connection failed: {}", io_text(&e))),
        }
    }
    let text = String::from_utf8_lossy(&head);
    let request = text.lines().next().unwrap_or_default().trim().to_string();
    let body = page(peer, info, &request);
    let mut response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    if !request.starts_with("HEAD ") {
        response.push_str(&body);
    }
    tls.write_all(response.as_bytes())
        .map_err(|e| format!("write failed: {}", io_text(&e)))?;
    tls.close().map_err(|e| io_text(&e))
}

fn ends_head(head: &[u8]) -> bool {
    head.windows(4).any(|w| w == b"\r\n\r\n") || head.windows(2).any(|w| w == b"\n\n")
}

fn page(peer: SocketAddr, info: &Info, request: &str) -> String {
    let none = "none";
    format!(
        "mtls server: your connection\n\
         \n\
         client address          {peer}\n\
         protocol                TLS 1.2\n\
         cipher suite            {}\n\
         handshake               {}\n\
         client certificate      {}\n\
         ALPN protocol           {}\n\
         server name (SNI)       {}\n\
         extended master secret  {}\n\
         request                 {request}\n",
        info.suite,
        info.full_or_resumed(),
        info.peer_or(none),
        info.alpn.as_deref().unwrap_or(none),
        info.sni.as_deref().unwrap_or(none),
        if info.ems { "yes" } else { "no" },
    )
}
