//! A shim for BoringSSL's TLS test runner ("BoGo", `ssl/test/runner`): the runner starts this
//! program once per test case with command-line flags, listens on loopback, and we connect to
//! it and run one TLS connection (client or server, as the flags say) with mtls. After the
//! handshake we echo every byte of application data back XORed with 0xff, as the runner
//! expects, until the runner closes. We exit 0 on success, 1 with the error on stderr on a
//! failure, and 89 ("unimplemented") for any flag or key this shim does not support, which the
//! runner counts as skipped rather than failed.
//!
//! `scripts/suites/bogo` builds the runner from Debian's BoringSSL source package and runs it
//! against this shim: `cargo build -p mtls --example bogo_shim`. Results and what is skipped
//! are in docs/SECURITY.md, "Public test suites".

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::process::ExitCode;
use std::sync::Arc;

use mtls::pki::{load_certs, load_private_key};
use mtls::{
    ClientAuthPolicy, ClientConfig, ClientConnection, ConnectionCommon, ProtocolVersion,
    ServerConfig, ServerConnection, StreamOwned,
};
use mtls_testkit::verifiers::TrustAll;

/// The runner's code for "this shim does not implement that": the test is skipped.
const UNIMPLEMENTED: u8 = 89;
/// TLS 1.2 and TLS 1.3 as the runner numbers them (the protocol version's value).
const TLS12: u16 = 0x0303;
const TLS13: u16 = 0x0304;

/// What the runner asked of this connection.
#[derive(Default)]
struct Flags {
    port: u16,
    server: bool,
    cert_file: Option<String>,
    key_file: Option<String>,
    min_version: Option<u16>,
    max_version: Option<u16>,
    no_tls12: bool,
    no_tls13: bool,
    expect_version: Option<u16>,
    shim_writes_first: bool,
    verify_peer: bool,
    require_client_cert: bool,
    host_name: Option<String>,
}

/// Why the shim stops before a connection: a flag it does not know, or a malformed one.
enum Refusal {
    Unimplemented(String),
    Bad(String),
}

fn parse(args: &[String]) -> Result<Flags, Refusal> {
    let mut f = Flags::default();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| Refusal::Bad(format!("{name} needs a value")))
        };
        let mut number = |name: &str| -> Result<u16, Refusal> {
            let v = value(name)?;
            v.parse()
                .map_err(|_| Refusal::Bad(format!("{name}: {v:?} is not a number")))
        };
        match flag.as_str() {
            "-port" => f.port = number("-port")?,
            "-server" => f.server = true,
            "-cert-file" => f.cert_file = Some(value("-cert-file")?),
            "-key-file" => f.key_file = Some(value("-key-file")?),
            "-min-version" => f.min_version = Some(number("-min-version")?),
            "-max-version" => f.max_version = Some(number("-max-version")?),
            "-expect-version" => f.expect_version = Some(number("-expect-version")?),
            "-no-tls13" => f.no_tls13 = true,
            "-no-tls12" => f.no_tls12 = true,
            // Versions we never speak anyway.
            "-no-tls1" | "-no-tls11" => {}
            "-shim-writes-first" => f.shim_writes_first = true,
            "-verify-peer" => f.verify_peer = true,
            "-require-any-client-certificate" => f.require_client_cert = true,
            "-host-name" => f.host_name = Some(value("-host-name")?),
            // BoringSSL's asynchronous I/O mode: the bytes on the wire are the same.
            "-async" => {}
            "-resume-count" if number("-resume-count")? == 0 => {}
            other => return Err(Refusal::Unimplemented(other.to_string())),
        }
    }
    Ok(f)
}

/// The versions to offer, newest first; none left means the test needs one we lack.
fn versions(f: &Flags) -> Vec<ProtocolVersion> {
    let min = f.min_version.unwrap_or(0);
    let max = f.max_version.unwrap_or(u16::MAX);
    let mut out = Vec::new();
    if !f.no_tls13 && (min..=max).contains(&TLS13) {
        out.push(ProtocolVersion::from(TLS13));
    }
    if !f.no_tls12 && (min..=max).contains(&TLS12) {
        out.push(ProtocolVersion::from(TLS12));
    }
    out
}

fn connect(port: u16) -> io::Result<TcpStream> {
    let v6 = SocketAddr::from((Ipv6Addr::LOCALHOST, port));
    let sock = TcpStream::connect(v6)
        .or_else(|_| TcpStream::connect(SocketAddr::from((Ipv4Addr::LOCALHOST, port))))?;
    sock.set_nodelay(true)?;
    Ok(sock)
}

/// Either side's configuration, or the reason it cannot be built (then the test is
/// skipped: a key type or combination mtls does not support is not a failed test).
enum Side {
    Client(Arc<ClientConfig>),
    Server(Arc<ServerConfig>),
}

fn side(f: &Flags, versions: &[ProtocolVersion]) -> Result<Side, String> {
    let credentials = match (&f.cert_file, &f.key_file) {
        (Some(c), Some(k)) => Some((
            load_certs(c).map_err(|e| e.to_string())?,
            load_private_key(k).map_err(|e| e.to_string())?,
        )),
        (None, None) => None,
        _ => return Err("-cert-file and -key-file go together".into()),
    };
    if f.server {
        let Some((chain, key)) = credentials else {
            return Err("a server needs -cert-file and -key-file".into());
        };
        let mut b = ServerConfig::builder()
            .certificate(chain, key)
            .versions(versions)
            // BoringSSL's defaults, which the runner's tests assume: TLS 1.2 without
            // extended master secret, and static-RSA key exchange, are served (mtls's
            // defaults refuse both).
            .require_ems(false)
            .enable_static_rsa(true);
        if f.require_client_cert {
            b = b.client_auth(ClientAuthPolicy::Required, Arc::new(TrustAll));
        } else if f.verify_peer {
            b = b.client_auth(ClientAuthPolicy::Request, Arc::new(TrustAll));
        }
        b.build()
            .map(|c| Side::Server(Arc::new(c)))
            .map_err(|e| e.to_string())
    } else {
        // The BoringSSL shim does not verify the runner's certificate unless told to (and
        // then with a callback that accepts it): TrustAll does the same.
        let mut b = ClientConfig::builder(Arc::new(TrustAll))
            .versions(versions)
            .require_ems(false)
            .enable_static_rsa(true);
        if let Some((chain, key)) = credentials {
            b = b.client_certificate(chain, key);
        }
        b.build()
            .map(|c| Side::Client(Arc::new(c)))
            .map_err(|e| e.to_string())
    }
}

/// Handshake, the checks the flags ask for, then the echo loop.
fn run<C>(f: &Flags, mut tls: StreamOwned<C, TcpStream>) -> Result<(), String>
where
    C: std::ops::DerefMut<Target = ConnectionCommon>,
{
    if let Err(e) = tls.handshake() {
        tls.close_after_error();
        return Err(format!("handshake: {e}"));
    }
    if let Some(want) = f.expect_version {
        let got = tls.conn.protocol_version().map(u16::from);
        if got != Some(want) {
            return Err(format!("version {got:?}, expected {want:#06x}"));
        }
    }
    if f.shim_writes_first {
        tls.write_all(b"hello").map_err(|e| format!("write: {e}"))?;
        tls.flush().map_err(|e| format!("write: {e}"))?;
    }
    let mut buf = vec![0u8; 1 << 14];
    loop {
        let n = match tls.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                tls.close_after_error();
                return Err(format!("read: {e}"));
            }
        };
        let echo: Vec<u8> = buf.iter().take(n).map(|b| b ^ 0xff).collect();
        tls.write_all(&echo).map_err(|e| format!("write: {e}"))?;
        tls.flush().map_err(|e| format!("write: {e}"))?;
    }
    // The runner closed with close_notify: answer it. It may already be gone.
    let _ = tls.close();
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // The runner asks once whether to make its split-handshake tests: no.
    if args.iter().any(|a| a == "-is-handshaker-supported") {
        println!("No");
        return ExitCode::SUCCESS;
    }
    let f = match parse(&args) {
        Ok(f) => f,
        Err(Refusal::Unimplemented(flag)) => {
            eprintln!("unimplemented flag: {flag}");
            return ExitCode::from(UNIMPLEMENTED);
        }
        Err(Refusal::Bad(why)) => {
            eprintln!("bad flags: {why}");
            return ExitCode::FAILURE;
        }
    };
    let versions = versions(&f);
    if versions.is_empty() {
        eprintln!("unimplemented: no version in TLS 1.2..=1.3 is allowed");
        return ExitCode::from(UNIMPLEMENTED);
    }
    let side = match side(&f, &versions) {
        Ok(s) => s,
        Err(why) => {
            eprintln!("unimplemented configuration: {why}");
            return ExitCode::from(UNIMPLEMENTED);
        }
    };
    let sock = match connect(f.port) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("connect to the runner: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match side {
        Side::Server(config) => ServerConnection::new(&config)
            .map_err(|e| e.to_string())
            .and_then(|conn| run(&f, StreamOwned::new(conn, sock))),
        Side::Client(config) => {
            // An IP literal is never sent as SNI: without -host-name, no SNI, as BoringSSL.
            let name = f.host_name.as_deref().unwrap_or("127.0.0.1");
            ClientConnection::new(&config, name)
                .map_err(|e| e.to_string())
                .and_then(|conn| run(&f, StreamOwned::new(conn, sock)))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("{why}");
            ExitCode::FAILURE
        }
    }
}
