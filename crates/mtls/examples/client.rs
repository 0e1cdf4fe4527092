//! A blocking mutual-TLS client: presents its certificate, sends a line, prints the echo.
//!
//! cargo run -p mtls --example client -- [ADDR] [NAME] [CERT] [KEY] [CA]
//! (defaults: 127.0.0.1:8443, localhost, and the test PKI in crates/mtls-testkit/vectors/pki)

use std::io::{Read, Write};
use std::net::TcpStream;

use mtls::pki::RootStore;
use mtls::{ClientConfig, ClientConnection, StreamOwned};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pki = mtls_testkit::vectors_dir()
        .join("pki")
        .display()
        .to_string();
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or("127.0.0.1:8443".into());
    let name = args.next().unwrap_or("localhost".into());
    let cert = args.next().unwrap_or(format!("{pki}/client-rsa.pem"));
    let key = args.next().unwrap_or(format!("{pki}/client-rsa.key"));
    let ca = args.next().unwrap_or(format!("{pki}/ca.pem"));

    let config = ClientConfig::with_roots(RootStore::load(&ca)?)
        .client_certificate_files(&cert, &key)
        .key_log_from_env()
        .build()?;
    let conn = ClientConnection::new(&config, &name)?;
    let mut tls = StreamOwned::new(conn, TcpStream::connect(&addr)?);
    tls.write_all(b"hello over mutual TLS\n")?;
    let mut reply = String::new();
    tls.read_to_string(&mut reply)?; // ends at the server's close_notify
    print!("{reply}");
    println!(
        "{:?} with {:?}, extended master secret: {:?}",
        tls.conn.protocol_version(),
        tls.conn.negotiated_cipher_suite().map(|s| s.suite()),
        tls.conn.extended_master_secret()
    );
    Ok(())
}
