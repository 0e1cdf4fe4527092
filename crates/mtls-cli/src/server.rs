//! `mtls server`: an echo service (or, with `--http`, a status page as `openssl s_server -www`
//! gives) that can require client certificates.
//!
//! It runs on a multi-threaded tokio runtime (one worker per core) with
//! [`mtls_tokio::TlsAcceptor`]: the accept loop, itself a task, spawns one task per connection,
//! so an idle or slow client costs a socket and a small task, not a thread, and holds no other
//! client back. No TLS state is allocated before a client's first byte (the task waits on a
//! one-byte peek), so a connection that sends nothing holds its socket and a few hundred bytes;
//! the handshake's state and the established stream are boxed as they come. The listen backlog
//! is [`BACKLOG`], not tokio's 128, so a burst of connections is queued rather than dropped.
//!
//! - **Handshake deadline** (`--handshake-timeout`): the whole `accept` runs under one
//!   `tokio::time::timeout` counted from the TCP accept, so a client that trickles its bytes
//!   cannot stretch it; past it the socket is closed at once (no alert is pending: the client
//!   is the slow party).
//! - **Idle timeout** (`--idle-timeout`): after the handshake, every read and write of the
//!   echo or the HTTP exchange is bounded by it.
//! - **Connection limit** (`--max-connections`, default 10,000): connections open at once,
//!   handshaking or established. One over it is closed at once, and the log says so; the
//!   default is high enough that idle sockets run into the deadline, not the limit.
//! - **Lingering close** ([`mtls_tokio::linger_close`]): after a refused handshake (the fatal alert is already
//!   written when `accept` returns) and after every session, the server shuts its write side
//!   and reads what the client still sends for at most [`mtls::LINGER_TIME`] and
//!   [`mtls::LINGER_BYTES`], so that the client reads the alert or the last response rather
//!   than a reset (RFC 5246 7.2.2).
//!
//! The connection's work is in [`connection`], the status page in [`http`].

mod connection;
mod http;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use mtls::pki::{RootStore, WebPkiClientVerifier};
use mtls::{ClientAuthPolicy, ServerConfig};
use mtls_tokio::TlsAcceptor;
use tokio::net::{TcpListener, TcpSocket};

use crate::common::{Ems, apply_options};
use connection::{Options, serve};

/// Connections open at once by default (`--max-connections`).
const DEFAULT_MAX_CONNECTIONS: usize = 10_000;
/// Connections the kernel completes and queues before we accept them (capped by
/// `net.core.somaxconn`); tokio's default of 128 drops SYNs (a 1 s retransmission for the
/// client) under a burst of connections.
const BACKLOG: u32 = 4096;

/// Whether and how the server asks for client certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ClientAuth {
    /// Ask, verify against --client-ca, refuse clients without one (handshake_failure).
    Required,
    /// Ask, verify one if given, accept clients without one.
    Optional,
    /// Ask, accept any certificate unverified (or none), show what was sent.
    Request,
    /// TLS 1.3: do not ask in the handshake; ask once the client's first data arrives
    /// (post-handshake authentication, RFC 8446 4.6.2), verify against --client-ca, and
    /// refuse a client that then sends none (certificate_required). A client on TLS 1.2,
    /// or that did not offer post_handshake_auth, is served without a certificate.
    PostHandshake,
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
    /// Protocol versions in preference order, comma-separated: 1.3, 1.2, or both (1.3,1.2).
    #[arg(long, value_name = "LIST", default_value = crate::common::DEFAULT_VERSIONS)]
    pub versions: String,
    /// Append the session secrets to FILE in the NSS key log format (for Wireshark).
    #[arg(long, value_name = "FILE")]
    pub keylog: Option<PathBuf>,
    /// Answer each HTTP request with a page describing the connection, instead of echoing.
    #[arg(long)]
    pub http: bool,
    /// Serve one connection, then exit (non-zero if it failed).
    #[arg(long)]
    pub once: bool,
    /// After the handshake, close a connection after this many seconds without data from
    /// the client (or with a write it does not take).
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
    /// Connections open at once (handshaking or established, at least 1); one more is closed
    /// as soon as it is accepted.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,
    /// Issue session tickets (RFC 5077) sealed with the keys in FILE, which several servers
    /// may share: a ticket from one resumes on any other. FILE is created (mode 0600, one
    /// fresh key) if missing, and re-read within a second when it changes (`mtls
    /// ticket-keys rotate FILE`). Tickets live --ticket-lifetime seconds.
    #[arg(long, value_name = "FILE")]
    pub ticket_keys: Option<PathBuf>,
    /// How long a session ticket resumes, in seconds from the session's full handshake
    /// (rotate the --ticket-keys file at least this often).
    #[arg(long, value_name = "SECONDS", default_value_t = 12 * 3600)]
    pub ticket_lifetime: u32,
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
        (ClientAuth::PostHandshake, Some(roots)) => b.client_auth_post_handshake(roots),
        (ClientAuth::Required | ClientAuth::Optional | ClientAuth::PostHandshake, None) => {
            return Err(
                "--client-auth required/optional/post-handshake needs --client-ca FILE, the CA \
                 that issues client certificates"
                    .into(),
            );
        }
        // Request: ask (with the CA names, if any) and accept whatever comes, unverified.
        (ClientAuth::Request, roots) => b.client_auth(
            ClientAuthPolicy::Request,
            Arc::new(WebPkiClientVerifier::new(roots.unwrap_or_default())),
        ),
    };
    if policy == ClientAuth::PostHandshake
        && !crate::common::version_list(&args.versions)?.contains(&mtls::ProtocolVersion::TLSv1_3)
    {
        return Err(
            "--client-auth post-handshake is TLS 1.3's (RFC 8446 4.6.2): give --versions with 1.3"
                .into(),
        );
    }
    if let Some(path) = &args.ticket_keys {
        let keys = mtls::TicketKeyFile::open(path, args.ticket_lifetime)
            .map_err(|e| format!("--ticket-keys {}: {e}", path.display()))?;
        b = b.ticketer(Arc::new(keys));
    }
    b = apply_options!(b, args);
    let config = b.build().map_err(|e| e.to_string())?;
    Ok((config, policy))
}

/// Counts a connection as open until dropped.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    /// A slot among `max`, or `None` when `max` connections are open already.
    fn take(open: &Arc<AtomicUsize>, max: usize) -> Option<Self> {
        if open.fetch_add(1, Ordering::SeqCst) >= max {
            open.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(Self(open.clone()))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs `mtls server`: builds the configuration, then serves on a multi-threaded tokio
/// runtime until killed (or, with `--once`, until its one connection ends).
pub fn run(args: Args) -> Result<(), String> {
    let (config, policy) = config(&args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| format!("cannot start the tokio runtime: {e}"))?;
    // The accept loop runs as a task on the workers (which also poll the sockets), not on
    // this thread: no hand-over between threads for each accepted connection.
    runtime.block_on(async {
        tokio::spawn(listen(args, config, policy))
            .await
            .map_err(|e| format!("the accept loop failed: {e}"))?
    })
}

/// A listener on `addr` with a backlog of [`BACKLOG`].
async fn bind(addr: &str) -> std::io::Result<TcpListener> {
    let mut last = None;
    for addr in tokio::net::lookup_host(addr).await? {
        let socket = if addr.is_ipv4() {
            TcpSocket::new_v4()?
        } else {
            TcpSocket::new_v6()?
        };
        socket.set_reuseaddr(true)?;
        match socket.bind(addr).and_then(|()| socket.listen(BACKLOG)) {
            Ok(listener) => return Ok(listener),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, "no address to listen on")
    }))
}

async fn listen(args: Args, config: ServerConfig, policy: ClientAuth) -> Result<(), String> {
    let listener = bind(&args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let max = args.max_connections.max(1);
    let options = Arc::new(Options {
        http: args.http,
        idle: Duration::from_secs(args.idle_timeout.max(1)),
        handshake: Duration::from_secs(args.handshake_timeout.max(1)),
        unverified: policy == ClientAuth::Request,
        post_handshake: policy == ClientAuth::PostHandshake,
    });
    let acceptor = TlsAcceptor::from(Arc::new(config));
    eprintln!(
        "mtls server: listening on {local} ({}, TLS {}, client certificates: {}, extended \
         master secret: {}, at most {max} connections)",
        if args.http {
            "HTTP status page"
        } else {
            "echo"
        },
        args.versions.replace(',', "/"),
        crate::common::snake(&format!("{policy:?}")).replace('_', "-"),
        crate::common::snake(&format!("{:?}", args.ems)),
    );

    if args.once {
        let (sock, peer) = listener
            .accept()
            .await
            .map_err(|e| format!("accept: {e}"))?;
        return serve(sock, peer, &acceptor, &options)
            .await
            .map_err(|e| format!("{peer}: {e}"));
    }

    let open = Arc::new(AtomicUsize::new(0));
    loop {
        let (sock, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of descriptors, say: report, breathe, keep serving (the connections
                // waiting in the backlog are accepted once descriptors are free again).
                eprintln!("mtls server: accept: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Some(slot) = Slot::take(&open, max) else {
            drop(sock);
            eprintln!("{peer}: closed at once: {max} connections already open (--max-connections)");
            continue;
        };
        let (acceptor, options) = (acceptor.clone(), options.clone());
        tokio::spawn(async move {
            let _slot = slot;
            if let Err(e) = serve(sock, peer, &acceptor, &options).await {
                eprintln!("{peer}: {e}");
            }
        });
    }
}
