//! `mtls certs`: a throwaway CA with a server and a client certificate, written as PEM files
//! ready for `mtls server`, `mtls client` and openssl.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::throwaway::{KeyType, make_pki};

/// Options of `mtls certs`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory to write ca.pem, ca.key, server.pem, server.key, client.pem, client.key
    /// into (created if missing; existing files are replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Key type of all three certificates.
    #[arg(long, value_enum, default_value = "ecdsa")]
    pub key_type: KeyType,
    /// DNS name for the server certificate (repeatable; default localhost). 127.0.0.1 is
    /// always added.
    #[arg(long = "name", value_name = "NAME")]
    pub names: Vec<String>,
}

/// Runs `mtls certs`.
pub fn run(args: Args) -> Result<(), String> {
    let names = if args.names.is_empty() {
        vec!["localhost".to_string()]
    } else {
        args.names.clone()
    };
    let pki = make_pki(args.key_type, &names)?;
    fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let files = [
        ("ca.pem", pki.ca.cert_pem.as_str(), false),
        ("ca.key", pki.ca.key_pem.as_str(), true),
        ("server.pem", pki.server.cert_pem.as_str(), false),
        ("server.key", pki.server.key_pem.as_str(), true),
        ("client.pem", pki.client.cert_pem.as_str(), false),
        ("client.key", pki.client.key_pem.as_str(), true),
    ];
    for (name, text, private) in files {
        write(&args.out.join(name), text, private)?;
    }
    let d = args.out.display();
    let keys = match args.key_type {
        KeyType::Rsa => "RSA-2048",
        KeyType::Ecdsa => "ECDSA P-256",
    };
    println!(
        "wrote {d}/{{ca,server,client}}.{{pem,key}} ({keys} keys; private keys PKCS#8, mode 0600)"
    );
    println!("  CA      {}", pki.ca.subject);
    println!(
        "  server  {} (names: {}, 127.0.0.1)",
        pki.server.subject,
        names.join(", ")
    );
    println!("  client  {}", pki.client.subject);
    println!();
    println!("try:");
    println!(
        "  mtls server --listen 127.0.0.1:4433 --cert {d}/server.pem --key {d}/server.key --client-ca {d}/ca.pem"
    );
    println!(
        "  echo hello | mtls client 127.0.0.1:4433 --ca {d}/ca.pem --cert {d}/client.pem --key {d}/client.key"
    );
    println!("  openssl verify -CAfile {d}/ca.pem {d}/server.pem {d}/client.pem");
    Ok(())
}

/// Writes `text` to `path`; a private key gets mode 0600 on unix, also when the file existed.
fn write(path: &Path, text: &str, private: bool) -> Result<(), String> {
    let err = |e: std::io::Error| format!("{}: {e}", path.display());
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(err)?;
    #[cfg(unix)]
    if private {
        // `mode` only applies to new files: tighten an existing one before writing the key.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))
            .map_err(err)?;
    }
    #[cfg(not(unix))]
    let _ = private;
    file.write_all(text.as_bytes()).map_err(err)?;
    file.sync_all().map_err(err)
}
