//! `mtls demo --tls13`: the same throwaway PKI, server and client, pinned to TLS 1.3
//! (RFC 8446). Most of the handshake is sealed on the wire; the demo owns both ends, so the
//! client logs its traffic secrets (a [`KeyLog`](mtls::KeyLog) kept in memory) and the
//! captured records are opened with them to draw what they carried (see `trace13`).
//!
//! With `--post-handshake` the server does not ask for a certificate in the handshake: it
//! asks after the client's first application data (RFC 8446 4.6.2), and the client answers
//! with its Certificate, CertificateVerify and Finished under the application keys.
//!
//! With `--resume` the server seals tickets (a throwaway ticket key) and the client connects
//! twice with the same configuration, hence the same session store: the first connection
//! receives NewSessionTickets after the handshake, the second offers one as a PSK with its
//! binder and the server resumes it (RFC 8446 2.2): no Certificate, no CertificateVerify.

use std::io::{IsTerminal, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use mtls::pki::RootStore;
use mtls::{
    CertificateDer, ClientConfig, ClientConnection, HandshakeSummary, ServerConfig,
    ServerConnection, StreamOwned, Tls13Suite,
};

use crate::demo::{Args, Kx, subject_of};
use crate::throwaway::{KeyType, Pki, make_pki};
use crate::trace::{self, Line, Tap};
use crate::trace13::{self, Secrets};

struct Plan {
    pki: Pki,
    server: ServerConfig,
    client: ClientConfig,
    secrets: Arc<Secrets>,
}

/// A TLS 1.3 suite by its IANA name (or OpenSSL's, which is the same).
fn tls13_suite(name: &str) -> Result<Tls13Suite, String> {
    mtls::suites::ALL_TLS13_SUITES
        .iter()
        .copied()
        .find(|s| s.name().eq_ignore_ascii_case(name.trim()))
        .ok_or_else(|| {
            let known: Vec<String> = mtls::suites::ALL_TLS13_SUITES
                .iter()
                .map(Tls13Suite::name)
                .collect();
            format!(
                "{name:?} is not a TLS 1.3 cipher suite; with --tls13 use one of {}",
                known.join(", ")
            )
        })
}

fn plan(args: &Args) -> Result<Plan, String> {
    if args.kx == Kx::Rsa {
        return Err("TLS 1.3 has no static RSA key exchange (RFC 8446 1.2): drop --kx rsa".into());
    }
    if args.resume && (args.no_client_cert || args.post_handshake) {
        return Err(
            "--resume shows a ticket of a first connection that authenticated the client in \
             the handshake: drop --no-client-cert and --post-handshake"
                .into(),
        );
    }
    if args.post_handshake && args.no_client_cert {
        return Err(
            "--post-handshake needs a client certificate: a client without one does \
                    not offer post_handshake_auth, so the server cannot ask"
                .into(),
        );
    }
    let suite = args.suite.as_deref().map(tls13_suite).transpose()?;
    let key_type = args.key_type.unwrap_or(KeyType::Ecdsa);
    let tls13 = [mtls::ProtocolVersion::TLSv1_3];

    let pki = make_pki(key_type, &["localhost".to_string()])?;
    let ca = CertificateDer::from(pki.ca.cert_der.clone());
    let key = |der: &[u8]| mtls::pki::private_key_from_der(der).map_err(|e| e.to_string());
    let mut roots = RootStore::new();
    roots.add(&ca).map_err(|e| e.to_string())?;

    let server = ServerConfig::builder().certificate(
        vec![CertificateDer::from(pki.server.cert_der.clone())],
        key(&pki.server.key_der)?,
    );
    let server = if args.post_handshake {
        server.client_auth_post_handshake(roots.clone())
    } else {
        server.client_auth_required(roots.clone())
    };
    let mut server = server
        .crypto_provider(crate::common::crypto_provider())
        .versions(&tls13);
    if args.resume {
        let key = mtls::TicketKey::generate(&mut mtls::OsRng).map_err(|e| e.to_string())?;
        server = server
            .session_cache(None)
            .ticketer(Arc::new(mtls::TicketKeys::new(key, None, 3600)));
    }
    let secrets = Secrets::shared();
    let mut client = ClientConfig::with_roots(roots)
        .versions(&tls13)
        .key_log(secrets.clone())
        .crypto_provider(crate::common::crypto_provider());
    if let Some(s) = suite {
        server = server.tls13_cipher_suites(&[s]);
        client = client.tls13_cipher_suites(&[s]);
    }
    if !args.no_client_cert {
        client = client.client_certificate(
            vec![CertificateDer::from(pki.client.cert_der.clone())],
            key(&pki.client.key_der)?,
        );
    }
    Ok(Plan {
        pki,
        server: server.build().map_err(|e| e.to_string())?,
        client: client.build().map_err(|e| e.to_string())?,
        secrets,
    })
}

type Tls = StreamOwned<ServerConnection, TcpStream>;

/// Moves records both ways until the client's answer to our CertificateRequest has been
/// verified (its chain is then known).
fn await_client_certificate(tls: &mut Tls) -> Result<(), String> {
    loop {
        while tls.conn.wants_write() {
            tls.conn
                .write_tls(&mut tls.sock)
                .map_err(|e| e.to_string())?;
        }
        tls.sock.flush().map_err(|e| e.to_string())?;
        if tls.conn.peer_certificates().is_some_and(|c| !c.is_empty()) {
            return Ok(());
        }
        let n = tls
            .conn
            .read_tls(&mut tls.sock)
            .map_err(|e| e.to_string())?;
        tls.conn.process_new_packets().map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("the client closed the connection before answering".into());
        }
    }
}

/// The server's `connections` connections, each result sent on `tx`.
fn serve_all(
    listener: &TcpListener,
    config: &ServerConfig,
    post_handshake: bool,
    connections: usize,
    tx: &mpsc::Sender<ServerResult>,
) {
    for _ in 0..connections {
        if tx.send(serve(listener, config, post_handshake)).is_err() {
            return;
        }
    }
}

/// One connection of the server: the handshake, the client's first data, with
/// `post_handshake` the certificate request and its answer, then a reply and close_notify.
fn serve(listener: &TcpListener, config: &ServerConfig, post_handshake: bool) -> ServerResult {
    let (sock, _) = listener.accept().map_err(|e| e.to_string())?;
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    let conn = ServerConnection::new(config).map_err(|e| e.to_string())?;
    let mut tls = StreamOwned::new(conn, sock);
    let result = (|| {
        tls.handshake().map_err(|e| e.to_string())?;
        let mut buf = [0u8; 256];
        let n = tls.read(&mut buf).map_err(|e| e.to_string())?;
        let got = String::from_utf8_lossy(buf.get(..n).unwrap_or_default()).into_owned();
        if post_handshake {
            tls.conn
                .request_client_certificate()
                .map_err(|e| e.to_string())?;
            await_client_certificate(&mut tls)?;
        }
        let summary = tls.conn.handshake_summary().cloned().ok_or("no summary")?;
        tls.write_all(format!("hello, client; you said {:?}\n", got.trim_end()).as_bytes())
            .map_err(|e| e.to_string())?;
        tls.close().map_err(|e| e.to_string())?;
        Ok(summary)
    })();
    if result.is_err() {
        // The refused client reads our alert rather than a reset.
        tls.close_after_error();
    }
    result
}

type ServerResult = Result<HandshakeSummary, String>;

/// The client's connection, drawn into `out` with the notes of what its resumption
/// messages carried; the drawn lines.
fn connect(
    plan: &Plan,
    addr: SocketAddr,
    colour: bool,
    out: &mut String,
) -> (Result<(HandshakeSummary, Duration), String>, Vec<Line>) {
    let log: trace::Log = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let result = (|| {
        let sock = TcpStream::connect(addr).map_err(|e| e.to_string())?;
        sock.set_read_timeout(Some(Duration::from_secs(10)))
            .map_err(|e| e.to_string())?;
        let conn = ClientConnection::new(&plan.client, "localhost").map_err(|e| e.to_string())?;
        let mut tls = StreamOwned::new(conn, Tap::new(sock, log.clone()));
        tls.handshake().map_err(|e| e.to_string())?;
        let took = started.elapsed();
        tls.write_all(b"hello from the client\n")
            .map_err(|e| e.to_string())?;
        let mut reply = String::new();
        tls.read_to_string(&mut reply).map_err(|e| e.to_string())?;
        tls.close().map_err(|e| e.to_string())?;
        out.push_str(&format!("\nserver replied: {reply}"));
        let summary = tls.conn.handshake_summary().cloned().ok_or("no summary")?;
        Ok((summary, took))
    })();
    let (lines, notes) = trace13::decode(&log, &plan.secrets, crate::common::crypto_provider());
    let diagram = trace::diagram(&lines, colour);
    let mut legend = "\n{...} sealed with handshake traffic keys, [...] with application traffic \
                      keys (RFC 8446 2),\n      opened here with the traffic secrets the client \
                      logged.\n"
        .to_string();
    if lines.iter().any(|l| l.what.starts_with("ChangeCipherSpec")) {
        legend.push_str(
            "ChangeCipherSpec (compat): the middlebox compatibility record, plaintext and \
             ignored (RFC 8446 D.4).\n",
        );
    }
    if !notes.is_empty() {
        legend.push_str("\nfrom the wire:\n");
        for n in &notes {
            legend.push_str(&format!("  {n}\n"));
        }
    }
    *out = format!("{diagram}{legend}{out}");
    (result, lines)
}

fn describe(
    plan: &Plan,
    client: &HandshakeSummary,
    server: &HandshakeSummary,
    took: Duration,
    post_handshake: bool,
    lines: &[Line],
) -> String {
    let scheme = |s: Option<mtls::SignatureAlgorithm>| {
        s.map_or("-".to_string(), |s| {
            crate::decode::scheme(mtls::SignatureScheme::from(s.to_u16()))
        })
    };
    let kx = match (client.group, client.resumed) {
        (Some(g), false) => format!("ECDHE over {g:?} (key_share)"),
        (Some(g), true) => {
            format!("ECDHE over {g:?} (key_share) with the ticket's PSK (psk_dhe_ke)")
        }
        (None, true) => "the ticket's PSK alone (psk_ke, no forward secrecy)".to_string(),
        (None, false) => "none".to_string(),
    };
    let hrr = lines.iter().any(|l| l.what == "HelloRetryRequest");
    let unopened = lines
        .iter()
        .filter(|l| l.what.starts_with("sealed"))
        .count();
    let records = if unopened == 0 {
        "every sealed record opened with the logged secrets".to_string()
    } else {
        format!("{unopened} sealed records could not be opened")
    };
    let when = if client.resumed {
        "by the ticket (its identity from the first handshake)"
    } else if post_handshake {
        "after the handshake (post-handshake, RFC 8446 4.6.2)"
    } else {
        "in the handshake"
    };
    format!(
        "\n\
         version                 {:?}\n\
         cipher suite            {}\n\
         key exchange            {kx}\n\
         server signature        {} (server CertificateVerify)\n\
         client signature        {} (client CertificateVerify)\n\
         client authenticated    {when}\n\
         handshake               {}\n\
         server certificate      {}\n\
         client certificate      {} (as the server saw it)\n\
         records                 {records}\n\
         time taken              {:.1} ms (handshake)\n",
        client.version,
        crate::names::negotiated(&client.suite),
        scheme(client.server_signature),
        scheme(server.client_signature),
        match (client.resumed, hrr) {
            (true, _) => {
                "resumed with a ticket (PSK, RFC 8446 2.2): no Certificate or CertificateVerify"
            }
            (false, true) => "full, after a HelloRetryRequest (2-RTT)",
            (false, false) => "full (1-RTT)",
        },
        subject_of(&plan.pki, &client.peer_certificates),
        subject_of(&plan.pki, &server.peer_certificates),
        took.as_secs_f64() * 1000.0,
    )
}

/// Runs the TLS 1.3 demo and prints it; `Err` is a failure of the demo itself.
pub fn run(args: &Args) -> Result<(), String> {
    let colour = std::io::stdout().is_terminal();
    let plan = plan(args)?;
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let (tx, rx) = mpsc::channel();
    let server_config = plan.server.clone();
    let post_handshake = args.post_handshake;
    let connections = if args.resume { 2 } else { 1 };
    let server = std::thread::spawn(move || {
        serve_all(&listener, &server_config, post_handshake, connections, &tx);
    });

    let asked = if post_handshake {
        "asks for the client's certificate after the handshake"
    } else {
        "asks for the client's certificate in the handshake"
    };
    let tickets = if args.resume {
        "; sends tickets, and the client connects twice"
    } else {
        ""
    };
    println!(
        "mtls demo: TLS 1.3 (RFC 8446); a throwaway CA, server and client certificate; \
         server on {addr}\n{asked}{tickets}\n"
    );
    let mut outcome = Ok(());
    for round in 0..connections {
        if round == 1 {
            println!("\n--- second connection, same client session store: resuming a ticket ---\n");
        }
        outcome = one_connection(&plan, args, addr, colour, &rx);
        if outcome.is_err() {
            break;
        }
    }
    // After a failure the server may still wait for a connection that will not come.
    if outcome.is_ok() {
        let _ = server.join();
    }
    outcome
}

/// One connection of the client against the server thread, drawn and described.
fn one_connection(
    plan: &Plan,
    args: &Args,
    addr: SocketAddr,
    colour: bool,
    rx: &mpsc::Receiver<ServerResult>,
) -> Result<(), String> {
    let mut text = String::new();
    let (client, lines) = connect(plan, addr, colour, &mut text);
    let server_side = rx
        .recv_timeout(Duration::from_secs(15))
        .map_err(|e| e.to_string())?;
    print!("{text}");
    match (client, server_side) {
        (Ok((c, took)), Ok(s)) => {
            print!(
                "{}",
                describe(plan, &c, &s, took, args.post_handshake, &lines)
            );
            if args.no_client_cert {
                return Err("the server accepted a client without a certificate".into());
            }
            Ok(())
        }
        (client, server_side) => {
            let server_err = server_side.err().unwrap_or_default();
            let client_err = client.err().unwrap_or_default();
            if args.no_client_cert {
                println!("\nthe connection failed as expected of this demo:");
            } else {
                println!("\nthe connection failed:");
            }
            println!("  server: {server_err}");
            println!("  client: {client_err}");
            if args.no_client_cert {
                Ok(())
            } else {
                Err(format!(
                    "connection failed: server: {server_err}; client: {client_err}"
                ))
            }
        }
    }
}
