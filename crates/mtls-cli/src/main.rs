//! The `mtls` command: a demo of the mutual-TLS handshake, an echo server and a client for
//! testing real peers, a throwaway PKI generator, and a decoder of raw TLS bytes.
#![forbid(unsafe_code)]

mod certinfo;
mod certs;
mod chain;
mod client;
mod client_probe;
mod common;
mod crlinfo;
mod decode;
mod decode_tls13;
mod demo;
mod demo_tls13;
mod diagnosis;
mod inspect;
mod issue;
mod names;
mod oids;
mod pemfile;
mod server;
mod throwaway;
mod ticket_keys;
mod trace;
mod trace13;
mod verify;
mod when;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "mtls",
    version = common::VERSION,
    about = "Mutual TLS (1.3 and 1.2): demo, server, client, certs, verify, inspect, decode, ticket-keys"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print the library's events to stderr: -v each handshake's outcome and every refusal,
    /// -vv also each message sent and received and each negotiation decision, -vvv all.
    /// No secret is ever printed.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
}

#[derive(Subcommand)]
enum Command {
    /// Run a full mutually authenticated handshake on 127.0.0.1 and show it, message by message.
    Demo(demo::Args),
    /// An echo server (or an HTTP status page with --http) that can require client certificates.
    Server(server::Args),
    /// Connect, send stdin, print what comes back.
    Client(client::Args),
    /// Write a throwaway CA, server and client certificate with keys.
    Certs(certs::Args),
    /// Print every record and plaintext handshake message of one direction of a connection.
    Decode(decode::Args),
    /// Manage the session ticket key file that servers share (`mtls server --ticket-keys`).
    #[command(subcommand)]
    TicketKeys(ticket_keys::Command),
    /// Validate a chain with the library's verifier and explain the verdict step by step.
    Verify(verify::Args),
    /// Show the certificates, keys (type and size only), CSRs and CRLs in PEM or DER files.
    Inspect(inspect::Args),
}

/// Sends the library's tracing events to stderr at the level `-v`s ask for.
fn init_tracing(verbose: u8) {
    let level = match verbose {
        0 => return,
        1 => tracing_subscriber::filter::LevelFilter::INFO,
        2 => tracing_subscriber::filter::LevelFilter::DEBUG,
        _ => tracing_subscriber::filter::LevelFilter::TRACE,
    };
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.verbose);
    let result = match cli.command {
        Command::Demo(a) => demo::run(a),
        Command::Server(a) => server::run(a),
        Command::Client(a) => client::run(a),
        Command::Certs(a) => certs::run(a),
        Command::Decode(a) => decode::run(a),
        Command::TicketKeys(c) => ticket_keys::run(c),
        Command::Verify(a) => return verify::run(a),
        Command::Inspect(a) => return inspect::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mtls: {e}");
            ExitCode::FAILURE
        }
    }
}
