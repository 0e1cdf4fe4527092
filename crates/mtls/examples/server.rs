//! A blocking mutual-TLS echo server: every client must present a certificate from the CA.
//!
//! cargo run -p mtls --example server -- [ADDR] [CERT] [KEY] [CLIENT_CA]
//! (defaults: 127.0.0.1:8443 and the test PKI in crates/mtls-testkit/vectors/pki)

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use mtls::pki::RootStore;
use mtls::{ServerConfig, ServerConnection, StreamOwned};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pki = mtls_testkit::vectors_dir()
        .join("pki")
        .display()
        .to_string();
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or("127.0.0.1:8443".into());
    let cert = args.next().unwrap_or(format!("{pki}/server-ecdsa.pem"));
    let key = args.next().unwrap_or(format!("{pki}/server-ecdsa.key"));
    let ca = args.next().unwrap_or(format!("{pki}/ca.pem"));

    let config = ServerConfig::builder()
        .certificate_files(&cert, &key)
        .client_auth_required(RootStore::load(&ca)?)
        .key_log_from_env()
        .build()?;
    let listener = TcpListener::bind(&addr)?;
    println!("listening on {addr}");
    for sock in listener.incoming() {
        let mut tls = StreamOwned::new(ServerConnection::new(&config)?, sock?);
        // One failed client must not stop the server.
        if let Err(e) = tls.handshake() {
            eprintln!("handshake failed: {e}");
            // Send the alert, shut our write side, and read what the client still sends for
            // up to a second: it then reads the alert (unknown_ca, ...), not a reset.
            tls.close_after_error();
            continue;
        }
        let who = tls.conn.peer_certificates().map_or(0, <[_]>::len);
        println!(
            "client with a {who}-certificate chain, {:?}, resumed: {:?}",
            tls.conn.negotiated_cipher_suite().map(|s| s.suite()),
            tls.conn.is_resumed()
        );
        let mut line = String::new();
        if BufReader::new(&mut tls).read_line(&mut line).is_ok() {
            let _ = tls.write_all(line.as_bytes());
        }
        let _ = tls.close();
    }
    Ok(())
}
