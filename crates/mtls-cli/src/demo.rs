//! `mtls demo`: a throwaway PKI, a server and a client on 127.0.0.1, one mutually
//! authenticated handshake printed as it happened on the wire, then data and close_notify.
//! TLS 1.2 (the spec's handshake) unless `--tls13`: that one is in `demo_tls13`.

use std::io::{IsTerminal, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use mtls::pki::RootStore;
use mtls::{
    CertificateDer, ClientConfig, ClientConnection, HandshakeSummary, ServerConfig,
    ServerConnection, StreamOwned, SupportedSuite,
};
use mtls_wire::handshake::KeyExchangeAlgorithm;

use crate::names;
use crate::throwaway::{KeyType, Pki, make_pki};
use crate::trace::{self, Tap};

/// Key exchange to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kx {
    /// Ephemeral elliptic-curve Diffie-Hellman (forward secret; the default).
    Ecdhe,
    /// Static RSA: the client encrypts the PreMasterSecret to the server's RSA key.
    Rsa,
}

/// Options of `mtls demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Key exchange: ecdhe, or rsa for the RSA-encrypted PreMasterSecret of the spec.
    #[arg(long, value_enum, default_value = "ecdhe")]
    pub kx: Kx,
    /// Certificate key type (default: ecdsa, or rsa with --kx rsa).
    #[arg(long, value_enum)]
    pub key_type: Option<KeyType>,
    /// One cipher suite, IANA or OpenSSL name.
    #[arg(long)]
    pub suite: Option<String>,
    /// Connect a second time and resume: by session id (the abbreviated handshake), or with
    /// --tls13 by a ticket of the first connection (a PSK, RFC 8446 2.2).
    #[arg(long)]
    pub resume: bool,
    /// The client has no certificate: watch the server refuse with handshake_failure
    /// (certificate_required with --tls13).
    #[arg(long)]
    pub no_client_cert: bool,
    /// Draw the TLS 1.3 handshake (RFC 8446) instead: its sealed messages are opened with
    /// the traffic secrets the client logged and shown in braces, as RFC 8446 section 2 does.
    #[arg(long)]
    pub tls13: bool,
    /// With --tls13 (required): the server asks for the client's certificate after the
    /// first application data (post-handshake authentication, RFC 8446 4.6.2), not in the
    /// handshake.
    #[arg(long, requires = "tls13")]
    pub post_handshake: bool,
}

struct Plan {
    pki: Pki,
    server: ServerConfig,
    client: ClientConfig,
}

fn plan(args: &Args) -> Result<Plan, String> {
    let suite: Option<SupportedSuite> = args.suite.as_deref().map(names::suite).transpose()?;
    let static_rsa = args.kx == Kx::Rsa || suite.is_some_and(|s| s.kx == KeyExchangeAlgorithm::Rsa);
    let key_type = args.key_type.unwrap_or(if static_rsa {
        KeyType::Rsa
    } else {
        KeyType::Ecdsa
    });
    if static_rsa && key_type != KeyType::Rsa {
        return Err("static RSA key exchange needs an RSA server key: use --key-type rsa".into());
    }
    let suites: Vec<SupportedSuite> = match (suite, args.kx) {
        (Some(s), _) => vec![s],
        (None, Kx::Rsa) => vec![mtls::suites::RSA_AES128_GCM, mtls::suites::RSA_AES256_GCM],
        (None, Kx::Ecdhe) => mtls::suites::ALL_SUITES
            .iter()
            .copied()
            .filter(|s| s.kx == KeyExchangeAlgorithm::Ecdhe)
            .collect(),
    };

    let pki = make_pki(key_type, &["localhost".to_string()])?;
    let ca = CertificateDer::from(pki.ca.cert_der.clone());
    let key = |der: &[u8]| mtls::pki::private_key_from_der(der).map_err(|e| e.to_string());
    let mut roots = RootStore::new();
    roots.add(&ca).map_err(|e| e.to_string())?;

    let server = ServerConfig::builder()
        .certificate(
            vec![CertificateDer::from(pki.server.cert_der.clone())],
            key(&pki.server.key_der)?,
        )
        .client_auth_required(roots.clone())
        .cipher_suites(&suites)
        .enable_static_rsa(static_rsa)
        .crypto_provider(crate::common::crypto_provider())
        // The spec's handshake is TLS 1.2's, every message readable on the wire.
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .build()
        .map_err(|e| e.to_string())?;
    let mut client = ClientConfig::with_roots(roots)
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .cipher_suites(&suites)
        .enable_static_rsa(static_rsa)
        .crypto_provider(crate::common::crypto_provider());
    if !args.no_client_cert {
        client = client.client_certificate(
            vec![CertificateDer::from(pki.client.cert_der.clone())],
            key(&pki.client.key_der)?,
        );
    }
    let client = client.build().map_err(|e| e.to_string())?;
    Ok(Plan {
        pki,
        server,
        client,
    })
}

/// What the server thread saw of one connection.
type ServerResult = Result<HandshakeSummary, String>;

fn serve(
    listener: TcpListener,
    config: ServerConfig,
    connections: usize,
    tx: mpsc::Sender<ServerResult>,
) {
    for _ in 0..connections {
        let result = (|| {
            let (sock, _) = listener.accept().map_err(|e| e.to_string())?;
            sock.set_read_timeout(Some(Duration::from_secs(10)))
                .map_err(|e| e.to_string())?;
            let conn = ServerConnection::new(&config).map_err(|e| e.to_string())?;
            let mut tls = StreamOwned::new(conn, sock);
            tls.handshake().map_err(|e| e.to_string())?;
            let summary = tls.conn.handshake_summary().cloned().ok_or("no summary")?;
            let mut buf = [0u8; 256];
            let n = tls.read(&mut buf).map_err(|e| e.to_string())?;
            let got = String::from_utf8_lossy(buf.get(..n).unwrap_or_default()).into_owned();
            tls.write_all(format!("hello, client; you said {:?}\n", got.trim_end()).as_bytes())
                .map_err(|e| e.to_string())?;
            tls.close().map_err(|e| e.to_string())?;
            Ok(summary)
        })();
        let failed = result.is_err();
        let _ = tx.send(result);
        if failed {
            return;
        }
    }
}

pub(crate) fn subject_of(pki: &Pki, chain: &[CertificateDer<'_>]) -> String {
    match chain.first() {
        None => "(none)".into(),
        Some(c) if c.as_ref() == pki.server.cert_der => pki.server.subject.clone(),
        Some(c) if c.as_ref() == pki.client.cert_der => pki.client.subject.clone(),
        Some(_) => "(unknown certificate)".into(),
    }
}

fn connect_once(
    plan: &Plan,
    addr: std::net::SocketAddr,
    colour: bool,
    out: &mut String,
) -> Result<(HandshakeSummary, Duration), String> {
    let log: trace::Log = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let sock = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    let conn = ClientConnection::new(&plan.client, "localhost").map_err(|e| e.to_string())?;
    let mut tls = StreamOwned::new(conn, Tap::new(sock, log.clone()));
    let handshake = tls.handshake();
    let took = started.elapsed();
    let result = handshake.map_err(|e| e.to_string()).and_then(|()| {
        tls.write_all(b"hello from the client\n")
            .map_err(|e| e.to_string())?;
        let mut reply = String::new();
        tls.read_to_string(&mut reply).map_err(|e| e.to_string())?;
        tls.close().map_err(|e| e.to_string())?;
        out.push_str(&format!("\nserver replied: {}", reply));
        tls.conn
            .handshake_summary()
            .cloned()
            .ok_or_else(|| "no summary".to_string())
    });
    let diagram = trace::diagram(&trace::lines(&log), colour);
    *out = format!("{diagram}{out}");
    result.map(|s| (s, took))
}

fn describe(
    plan: &Plan,
    client: &HandshakeSummary,
    server: &HandshakeSummary,
    took: Duration,
) -> String {
    let kx = client
        .suite
        .tls12()
        .map_or(KeyExchangeAlgorithm::Ecdhe, |s| s.kx);
    let kx = match (kx, client.group) {
        (KeyExchangeAlgorithm::Ecdhe, Some(g)) => format!("ECDHE over {g:?}"),
        (KeyExchangeAlgorithm::Ecdhe, None) => "ECDHE (resumed: none this time)".into(),
        (KeyExchangeAlgorithm::Rsa, _) => {
            "static RSA (PreMasterSecret encrypted to the server's key)".into()
        }
    };
    let kx = if client.resumed {
        "none (resumed: master secret from the session)".to_string()
    } else {
        kx
    };
    let scheme = |s: Option<mtls::SignatureAlgorithm>| {
        s.map_or("-".to_string(), |s| {
            crate::decode::scheme(mtls::SignatureScheme::from(s.to_u16()))
        })
    };
    format!(
        "\n\
         version                 {:?}\n\
         cipher suite            {}\n\
         key exchange            {kx}\n\
         server signature        {} (ServerKeyExchange)\n\
         client signature        {} (CertificateVerify)\n\
         extended master secret  {}\n\
         handshake               {}\n\
         server certificate      {}\n\
         client certificate      {} (as the server saw it)\n\
         time taken              {:.1} ms\n",
        client.version,
        names::negotiated(&client.suite),
        scheme(client.server_signature),
        scheme(server.client_signature),
        if client.extended_master_secret {
            "yes (RFC 7627)"
        } else {
            "no"
        },
        if client.resumed {
            "resumed by session id (abbreviated)"
        } else {
            "full"
        },
        subject_of(&plan.pki, &client.peer_certificates),
        subject_of(&plan.pki, &server.peer_certificates),
        took.as_secs_f64() * 1000.0,
    )
}

/// Runs the demo and prints it; `Err` is a failure of the demo itself.
pub fn run(args: Args) -> Result<(), String> {
    if args.tls13 {
        return crate::demo_tls13::run(&args);
    }
    let colour = std::io::stdout().is_terminal();
    let plan = plan(&args)?;
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let connections = if args.resume { 2 } else { 1 };
    let (tx, rx) = mpsc::channel();
    let server_config = plan.server.clone();
    let server = std::thread::spawn(move || serve(listener, server_config, connections, tx));

    println!("mtls demo: a throwaway CA, server and client certificate; server on {addr}\n");
    for round in 0..connections {
        if round == 1 {
            println!("\n--- second connection, same client session store ---\n");
        }
        let mut text = String::new();
        let client = connect_once(&plan, addr, colour, &mut text);
        let server_side = rx
            .recv_timeout(Duration::from_secs(15))
            .map_err(|e| e.to_string())?;
        print!("{text}");
        match (client, server_side) {
            (Ok((c, took)), Ok(s)) => print!("{}", describe(&plan, &c, &s, took)),
            (client, server_side) => {
                let server_err = server_side.err().unwrap_or_default();
                let client_err = client.err().unwrap_or_default();
                println!("\nthe handshake failed as expected of this demo:");
                println!("  server: {server_err}");
                println!("  client: {client_err}");
                let _ = server.join();
                return if args.no_client_cert {
                    Ok(())
                } else {
                    Err(format!(
                        "handshake failed: server: {server_err}; client: {client_err}"
                    ))
                };
            }
        }
    }
    let _ = server.join();
    if args.no_client_cert {
        return Err("the server accepted a client without a certificate".into());
    }
    Ok(())
}
