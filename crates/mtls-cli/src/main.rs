//! The `mtls` command: a demo of the mutual-TLS handshake, an echo server and a client for
//! testing real peers, a throwaway PKI generator, and a decoder of raw TLS bytes.
#![forbid(unsafe_code)]

mod certinfo;
mod certs;
mod chain;
mod client;
mod common;
mod crlinfo;
mod decode;
mod demo;
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
mod verify;
mod when;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "mtls",
    version,
    about = "Mutual TLS 1.2: demo, server, client, certs, decode"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
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

fn main() -> ExitCode {
    let result = match Cli::parse().command {
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
