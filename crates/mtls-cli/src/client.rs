//! `mtls client`: connects, sends stdin, writes what comes back to stdout and a summary to
//! stderr; `--reconnect N` resumes the session N more times; `--trace` draws the handshake.
//! Each connection also shows the server's chain, its CertificateRequest and what we sent
//! (or why nothing), and a failed handshake ends with one line naming the probable cause
//! ([`crate::client_probe`]); `--json` gives the same facts as one JSON object.

use std::io::{self, IsTerminal, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mtls::pki::{RootStore, WebPkiServerVerifier, load_certified_key};
use mtls::{ClientConfig, ClientConnection, StreamOwned};

use crate::client_probe::{self as diagnose, Ours, Probe, Seen};
use crate::common::{Ems, Info, apply_options, io_text, is_timeout};
use crate::trace::{self, Tap};

/// Connecting and handshaking may take this long.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// A write may block this long.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// How often the data loop looks at stdin while waiting for the server.
const POLL: Duration = Duration::from_millis(20);

/// Options of `mtls client`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The server, HOST:PORT.
    #[arg(value_name = "ADDR")]
    pub addr: String,
    /// CA certificate(s) to trust for the server's certificate.
    #[arg(long, value_name = "FILE")]
    pub ca: PathBuf,
    /// Client certificate chain to present when asked (PEM or DER, leaf first).
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,
    /// Private key of --cert.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,
    /// Name to send as SNI and to check the server's certificate against (default: the
    /// host part of ADDR).
    #[arg(long, value_name = "NAME")]
    pub servername: Option<String>,
    /// Cipher suites in preference order, IANA or OpenSSL names, comma-separated. Naming a
    /// static RSA suite enables it.
    #[arg(long, value_name = "LIST")]
    pub suites: Option<String>,
    /// ALPN protocols in preference order, comma-separated.
    #[arg(long, value_name = "LIST")]
    pub alpn: Option<String>,
    /// Protocol versions in preference order, comma-separated: 1.3, 1.2, or both (1.3,1.2).
    #[arg(long, value_name = "LIST", default_value = crate::common::DEFAULT_VERSIONS)]
    pub versions: String,
    /// Append the session secrets to FILE in the NSS key log format (for Wireshark).
    #[arg(long, value_name = "FILE")]
    pub keylog: Option<PathBuf>,
    /// After the first connection, connect N more times resuming the session.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub reconnect: u32,
    /// Print each connection as a sequence diagram of its records and messages (stderr).
    #[arg(long)]
    pub trace: bool,
    /// Once stdin ends, wait this long for more data before closing.
    #[arg(long, value_name = "SECONDS", default_value_t = 2.0)]
    pub wait: f64,
    /// Extended master secret (RFC 7627): `required` refuses servers without it with
    /// handshake_failure; `optional` also talks to legacy servers, with the older master secret.
    #[arg(long, value_enum, default_value_t = Ems::Required)]
    pub ems: Ems,
    /// INSECURE, for debugging only: accept any server certificate, unverified. The chain is
    /// still shown; every connection says it was not verified.
    #[arg(long)]
    pub insecure_skip_verify: bool,
    /// Also print each connection's facts (server chain, CertificateRequest, what we sent,
    /// the negotiated parameters or the diagnosis) as one JSON object on stdout, after any
    /// data.
    #[arg(long)]
    pub json: bool,
}

/// The configuration, with the probes that record what each handshake saw.
fn config(args: &Args) -> Result<(ClientConfig, Probe, Ours, Vec<String>), String> {
    let roots = RootStore::load(&args.ca).map_err(|e| e.to_string())?;
    let root_names = diagnose::root_names(&roots);
    let ours = match (&args.cert, &args.key) {
        (Some(cert), Some(key)) => Some(load_certified_key(cert, key).map_err(|e| e.to_string())?),
        _ => None,
    };
    let about_ours = Ours::of(ours.as_ref());
    let probe = Probe::default();
    let verifier = probe.verifier(
        Arc::new(WebPkiServerVerifier::new(roots)),
        args.insecure_skip_verify,
    );
    let mut b = ClientConfig::builder(verifier).cert_resolver(probe.resolver(ours.map(Arc::new)));
    b = apply_options!(b, args);
    let config = b.build().map_err(|e| e.to_string())?;
    Ok((config, probe, about_ours, root_names))
}

/// The host part of `HOST:PORT` or `[v6]:PORT`.
fn host_of(addr: &str) -> Result<String, String> {
    let (host, port) = addr
        .rsplit_once(':')
        .ok_or_else(|| format!("{addr:?}: give the server as HOST:PORT"))?;
    if host.is_empty() || port.parse::<u16>().is_err() {
        return Err(format!("{addr:?}: give the server as HOST:PORT"));
    }
    Ok(host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string())
}

/// Runs `mtls client`.
pub fn run(args: Args) -> Result<(), String> {
    if !(args.wait.is_finite() && args.wait >= 0.0 && args.wait <= 3600.0) {
        return Err("--wait takes 0 to 3600 seconds".into());
    }
    let (config, probe, ours, roots) = config(&args)?;
    if args.insecure_skip_verify {
        eprintln!(
            "WARNING: --insecure-skip-verify: the server's certificate is NOT verified; \
             anyone can impersonate this server"
        );
    }
    let name = match &args.servername {
        Some(n) => n.clone(),
        None => host_of(&args.addr)?,
    };
    let addr = args
        .addr
        .to_socket_addrs()
        .map_err(|e| format!("{}: {e}", args.addr))?
        .next()
        .ok_or_else(|| format!("{}: no address", args.addr))?;
    let plan = Plan {
        config,
        probe,
        ours,
        roots,
        insecure: args.insecure_skip_verify,
        json: args.json,
        addr,
        name,
        trace: args.trace,
        colour: io::stderr().is_terminal(),
        wait: Duration::from_secs_f64(args.wait),
    };

    connection(&plan, 1, Some(stdin_chunks()))?;
    for i in 0..args.reconnect {
        connection(&plan, i.saturating_add(2), None)?;
    }
    Ok(())
}

/// Reads stdin on its own thread; the channel closes at end of input.
fn stdin_chunks() -> Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    let _ = std::thread::Builder::new()
        .name("stdin".into())
        .spawn(move || {
            let mut stdin = io::stdin().lock();
            let mut buf = vec![0u8; 16 * 1024];
            loop {
                match stdin.read(&mut buf) {
                    Ok(0) => return,
                    Ok(n) => {
                        let chunk = buf.get(..n).unwrap_or_default().to_vec();
                        if tx.send(chunk).is_err() {
                            return;
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => return,
                }
            }
        });
    rx
}

struct Plan {
    config: ClientConfig,
    probe: Probe,
    ours: Ours,
    roots: Vec<String>,
    insecure: bool,
    json: bool,
    addr: SocketAddr,
    name: String,
    trace: bool,
    colour: bool,
    wait: Duration,
}

/// One connection: numbered `n`, with stdin for the first, without for reconnections.
fn connection(plan: &Plan, n: u32, input: Option<Receiver<Vec<u8>>>) -> Result<(), String> {
    let e = |e: io::Error| e.to_string();
    let sock = TcpStream::connect_timeout(&plan.addr, CONNECT_TIMEOUT)
        .map_err(|e| format!("cannot connect to {}: {e}", plan.addr))?;
    sock.set_read_timeout(Some(CONNECT_TIMEOUT)).map_err(e)?;
    sock.set_write_timeout(Some(WRITE_TIMEOUT)).map_err(e)?;
    let _ = sock.set_nodelay(true);
    // A second handle on the same socket, to change the read timeout under the tap.
    let control = sock.try_clone().map_err(e)?;
    let conn = ClientConnection::new(&plan.config, &plan.name).map_err(|e| e.to_string())?;
    if plan.trace {
        let log: trace::Log = Arc::new(Mutex::new(Vec::new()));
        let mut tls = StreamOwned::new(conn, Tap::new(sock, log.clone()));
        let result = converse(plan, n, &mut tls, &control, input);
        eprint!(
            "\nconnection {n}, as seen on the wire:\n{}",
            trace::diagram(&trace::lines(&log), plan.colour)
        );
        result
    } else {
        let mut tls = StreamOwned::new(conn, sock);
        converse(plan, n, &mut tls, &control, input)
    }
}

fn converse<T: Read + Write>(
    plan: &Plan,
    n: u32,
    tls: &mut StreamOwned<ClientConnection, T>,
    control: &TcpStream,
    input: Option<Receiver<Vec<u8>>>,
) -> Result<(), String> {
    let started = Instant::now();
    if let Err(e) = tls.handshake() {
        let seen = plan.probe.take();
        let why = if is_timeout(&e) {
            format!("no answer for {} s", CONNECT_TIMEOUT.as_secs())
        } else {
            io_text(&e)
        };
        show(plan, n, &seen);
        let diagnosis = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<mtls::Error>())
            .and_then(|err| diagnose::verdict(err, &seen, &plan.ours, &plan.roots, now()));
        if plan.json {
            print_json(n, &seen, None, Some(&why), diagnosis.as_deref());
        }
        let mut msg = format!("connection {n}: handshake with {} failed: {why}", plan.addr);
        if let Some(d) = diagnosis {
            msg.push_str(&format!("\nprobable cause: {d}"));
        }
        return Err(msg);
    }
    let seen = plan.probe.take();
    show(plan, n, &seen);
    let info = Info::of(&tls.conn);
    let mut line = format!(
        "connection {n}: {} handshake with {} ({:.1} ms), {}, {}, server {}, client certificate {}",
        info.full_or_resumed(),
        plan.addr,
        started.elapsed().as_secs_f64() * 1000.0,
        crate::common::version_text(info.version),
        info.suite,
        info.peer_or("(none)"),
        info.client_cert_status(),
    );
    if let Some(p) = &info.alpn {
        line.push_str(&format!(", alpn {p}"));
    }
    if !info.ems && info.version != Some(mtls::ProtocolVersion::TLSv1_3) {
        line.push_str(", without extended master secret");
    }
    if plan.insecure {
        line.push_str(", server certificate NOT VERIFIED (--insecure-skip-verify)");
    }
    eprintln!("{line}");
    if plan.json {
        print_json(n, &seen, Some(&info), None, None);
    }

    let Some(input) = input else {
        // A reconnection only shows the handshake.
        tls.close().map_err(|e| io_text(&e))?;
        return Ok(());
    };
    control
        .set_read_timeout(Some(POLL))
        .map_err(|e| e.to_string())?;
    let (sent, received, ending) = pump(plan, tls, &input).inspect_err(|_| {
        // A fatal alert may be queued: send it, best effort.
        let _ = tls.flush();
    })?;
    let closed = tls.close();
    eprintln!("connection {n}: sent {sent} bytes, received {received} bytes; {ending}");
    match closed {
        Err(e) if ending != Ending::ServerClosed => Err(format!(
            "connection {n}: sending close_notify failed: {}",
            io_text(&e)
        )),
        _ => Ok(()),
    }
}

/// Seconds since the Unix epoch.
fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// What the probes saw, for a person: the server's chain, its CertificateRequest, and the
/// certificate we sent or why none.
fn show(plan: &Plan, n: u32, seen: &Seen) {
    for (i, cert) in seen.server_chain.iter().enumerate() {
        eprintln!(
            "connection {n}: server certificate {i}: {}",
            diagnose::describe(cert)
        );
    }
    let Some(request) = &seen.request else {
        return;
    };
    let names = if request.ca_names.is_empty() {
        "any".to_string()
    } else {
        request.ca_names.join("; ")
    };
    eprintln!(
        "connection {n}: the server asks for a client certificate: types {}, schemes {}, \
         issued by {names}",
        request.types.join(", "),
        request.schemes.join(", ")
    );
    match seen.sent.first() {
        Some(leaf) => eprintln!("connection {n}: sent {}", diagnose::describe(leaf)),
        None => eprintln!(
            "connection {n}: sent no certificate: {}",
            diagnose::why_none(&plan.ours, request)
        ),
    }
}

/// One JSON object with a connection's facts, on stdout.
fn print_json(n: u32, seen: &Seen, info: Option<&Info>, error: Option<&str>, cause: Option<&str>) {
    let chain: Vec<serde_json::Value> = seen
        .server_chain
        .iter()
        .map(|c| serde_json::Value::String(diagnose::describe(c)))
        .collect();
    let request = seen.request.as_ref().map(|r| {
        serde_json::json!({
            "certificate_types": r.types,
            "signature_schemes": r.schemes,
            "ca_names": r.ca_names,
        })
    });
    let value = serde_json::json!({
        "connection": n,
        "ok": info.is_some(),
        "server_chain": chain,
        "certificate_request": request,
        "sent_certificate": seen.sent.first().map(|c| diagnose::describe(c)),
        "suite": info.map(|i| i.suite.clone()),
        "resumed": info.map(|i| i.resumed),
        "alpn": info.and_then(|i| i.alpn.clone()),
        "extended_master_secret": info.map(|i| i.ems),
        "error": error,
        "probable_cause": cause,
    });
    println!("{value}");
}

/// How the data phase ended.
#[derive(Debug, PartialEq, Eq)]
enum Ending {
    /// The server sent close_notify.
    ServerClosed,
    /// stdin ended and nothing arrived for `--wait`.
    Quiet(Duration),
}

impl std::fmt::Display for Ending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ServerClosed => f.write_str("the server closed the connection (close_notify)"),
            Self::Quiet(d) => write!(
                f,
                "nothing more arrived for {:.1} s after the end of stdin: sent close_notify",
                d.as_secs_f64()
            ),
        }
    }
}

/// Moves stdin to the server and the server's data to stdout until the server closes, or
/// stdin has ended and nothing has arrived for `--wait`.
fn pump<T: Read + Write>(
    plan: &Plan,
    tls: &mut StreamOwned<ClientConnection, T>,
    input: &Receiver<Vec<u8>>,
) -> Result<(usize, usize, Ending), String> {
    let mut stdout = io::stdout().lock();
    let mut buf = vec![0u8; 16 * 1024];
    let (mut sent, mut received) = (0usize, 0usize);
    let mut stdin_open = true;
    let mut quiet_since = Instant::now();
    loop {
        // One chunk per turn, then read: an echoing server never waits on us for long.
        if stdin_open {
            match input.try_recv() {
                Ok(chunk) => {
                    tls.write_all(&chunk)
                        .map_err(|e| format!("sending failed: {}", io_text(&e)))?;
                    sent += chunk.len();
                }
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => {
                    stdin_open = false;
                    quiet_since = Instant::now();
                }
            }
        }
        match tls.read(&mut buf) {
            Ok(0) => return Ok((sent, received, Ending::ServerClosed)),
            Ok(n) => {
                stdout
                    .write_all(buf.get(..n).unwrap_or_default())
                    .and_then(|()| stdout.flush())
                    .map_err(|e| format!("stdout: {e}"))?;
                received += n;
                quiet_since = Instant::now();
            }
            Err(e) if is_timeout(&e) => {}
            Err(e) => return Err(format!("connection failed: {}", io_text(&e))),
        }
        if !stdin_open && quiet_since.elapsed() >= plan.wait {
            return Ok((sent, received, Ending::Quiet(plan.wait)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_part_of_addr() {
        assert_eq!(host_of("localhost:4433").ok(), Some("localhost".into()));
        assert_eq!(host_of("127.0.0.1:443").ok(), Some("127.0.0.1".into()));
        assert_eq!(host_of("[::1]:443").ok(), Some("::1".into()));
        assert!(host_of("localhost").is_err());
        assert!(host_of(":443").is_err());
    }
}
