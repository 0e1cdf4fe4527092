//! `mtls certs`: certificates written as PEM files ready for `mtls server`, `mtls client` and
//! openssl. Without a CA, a throwaway PKI (a CA, a server and a client certificate); with
//! `--ca-cert/--ca-key`, a server and/or a client certificate issued by that CA.

use std::fs;
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use mtls::pki::{RootStore, WebPkiClientVerifier, WebPkiServerVerifier};
use mtls::{ClientCertVerifier, ServerCertVerifier};

use crate::certinfo::CertInfo;
use crate::throwaway::{self, Issued, KeyType, LeafSpec, Role};
use crate::{issue, when};

/// Options of `mtls certs`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory to write into (created if missing; existing files are replaced): ca.pem,
    /// ca.key, server.pem, server.key, client.pem, client.key; with --ca-cert, only the
    /// server and client files asked for.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Key type of the keys made (a CA given with --ca-key signs with its own key, whatever
    /// its type).
    #[arg(long, value_enum, default_value = "ecdsa")]
    pub key_type: KeyType,
    /// Issue from this existing CA certificate (PEM or DER, its first certificate; with
    /// --ca-key) instead of making a throwaway CA.
    #[arg(long, value_name = "FILE", requires = "ca_key")]
    pub ca_cert: Option<PathBuf>,
    /// The private key of --ca-cert (PKCS#8, PKCS#1 or SEC1; RSA, P-256 or P-384).
    #[arg(long, value_name = "FILE", requires = "ca_cert")]
    pub ca_key: Option<PathBuf>,
    /// A server certificate for NAME, a DNS name or an IP address (repeatable: one
    /// certificate for all of them; the first is its common name).
    #[arg(long = "server", value_name = "NAME")]
    pub server: Vec<String>,
    /// Same as --server (default for the throwaway PKI: localhost; 127.0.0.1 is always added
    /// there).
    #[arg(long = "name", value_name = "NAME")]
    pub names: Vec<String>,
    /// A client certificate with common name NAME.
    #[arg(long, value_name = "NAME")]
    pub client: Option<String>,
    /// A URI subjectAltName (a SPIFFE ID: spiffe://trust.domain/workload; repeatable): in the
    /// client certificate, or in the server certificate when no client one is issued.
    #[arg(long, value_name = "URI")]
    pub uri: Vec<String>,
    /// An IP address subjectAltName (repeatable): in the server certificate, or in the client
    /// certificate when no server one is issued.
    #[arg(long, value_name = "IP")]
    pub ip: Vec<IpAddr>,
    /// Validity in days from today 00:00 UTC (default 365 with --ca-cert; the throwaway PKI
    /// never expires unless this is given).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=36_500))]
    pub days: Option<u32>,
}

/// One file written, for the listing.
struct Written {
    path: String,
    what: String,
}

/// Runs `mtls certs`.
pub fn run(args: Args) -> Result<(), String> {
    match (&args.ca_cert, &args.ca_key) {
        (Some(cert), Some(key)) => from_ca(&args, cert, key),
        _ => throwaway_pki(&args),
    }
}

/// The server names of --server and --name.
fn server_names(args: &Args) -> Vec<String> {
    args.server.iter().chain(&args.names).cloned().collect()
}

/// The leaf specs asked for: (server, client).
fn specs(args: &Args, default_server: bool) -> (Option<LeafSpec>, Option<LeafSpec>) {
    let names = server_names(args);
    let server = (!names.is_empty() || default_server).then(|| {
        let (ips, dns): (Vec<&String>, Vec<&String>) =
            names.iter().partition(|n| n.parse::<IpAddr>().is_ok());
        LeafSpec {
            role: Role::Server,
            cn: names.first().cloned().unwrap_or_else(|| "localhost".into()),
            dns: dns.into_iter().cloned().collect(),
            ips: ips.iter().filter_map(|i| i.parse().ok()).collect(),
            uris: Vec::new(),
            days: args.days,
        }
    });
    let client = args.client.as_ref().map(|cn| LeafSpec {
        role: Role::Client,
        cn: cn.clone(),
        dns: Vec::new(),
        ips: Vec::new(),
        uris: Vec::new(),
        days: args.days,
    });
    let (mut server, mut client) = (server, client);
    // --ip to the server certificate if there is one; --uri to the client certificate if
    // there is one.
    match (&mut server, &mut client) {
        (Some(s), Some(c)) => {
            s.ips.extend(&args.ip);
            c.uris.extend(args.uri.iter().cloned());
        }
        (Some(only), None) | (None, Some(only)) => {
            only.ips.extend(&args.ip);
            only.uris.extend(args.uri.iter().cloned());
        }
        (None, None) => {}
    }
    (server, client)
}

fn throwaway_pki(args: &Args) -> Result<(), String> {
    let (server, client) = specs(args, true);
    let mut server = server.unwrap_or_else(|| throwaway::server_spec(&[]));
    if server_names(args).is_empty() {
        server.dns = vec!["localhost".into()];
    }
    // 127.0.0.1 always: the commands below connect there.
    let localhost = IpAddr::from(std::net::Ipv4Addr::LOCALHOST);
    if !server.ips.contains(&localhost) {
        server.ips.insert(0, localhost);
    }
    let mut client = client.unwrap_or_else(throwaway::client_spec);
    client.days = args.days;
    if args.client.is_none() {
        // A client certificate is issued all the same: the URIs are its.
        server.uris.clear();
        client.uris.extend(args.uri.iter().cloned());
    }
    let pki = throwaway::make_pki_for(args.key_type, &server, &client, args.days)?;
    fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let keys = args.key_type.describe();
    let mut written = Vec::new();
    let what = [
        format!("throwaway CA {}", pki.ca.subject),
        format!(
            "server certificate (serverAuth) {} ({})",
            pki.server.subject,
            sans_or_none(&server)
        ),
        format!(
            "client certificate (clientAuth) {} ({})",
            pki.client.subject,
            sans_or_none(&client)
        ),
    ];
    for ((name, issued), what) in [
        ("ca", &pki.ca),
        ("server", &pki.server),
        ("client", &pki.client),
    ]
    .into_iter()
    .zip(&what)
    {
        written.extend(write_pair(&args.out, name, issued, "", what, keys)?);
    }
    let d = args.out.display();
    let validity = match args.days {
        Some(n) => format!("valid {n} days from today"),
        None => "never expire".to_string(),
    };
    println!("wrote a throwaway PKI to {d} ({keys} keys; the certificates {validity}):");
    list(&written);
    println!();
    println!("try:");
    let ca = format!("{d}/ca.pem");
    print_commands(&args.out, &ca, Some(&server), Some(&client));
    println!("  openssl verify -CAfile {d}/ca.pem {d}/server.pem {d}/client.pem");
    Ok(())
}

fn from_ca(args: &Args, ca_cert: &Path, ca_key: &Path) -> Result<(), String> {
    let (mut server, mut client) = specs(args, false);
    if server.is_none() && client.is_none() {
        return Err("say what to issue from the CA: --server NAME and/or --client NAME".into());
    }
    for spec in server.iter_mut().chain(client.iter_mut()) {
        spec.days = Some(args.days.unwrap_or(365));
    }
    let ca = issue::load(ca_cert, ca_key)?;
    let roots = RootStore::load(ca_cert).map_err(|e| e.to_string())?;
    let ca_file = ca_cert.display().to_string();
    let keys = args.key_type.describe();
    let mut issued = Vec::new();
    for spec in server.iter().chain(client.iter()) {
        let leaf = throwaway::issue_leaf(spec, args.key_type, &ca.issuer, None, ca.has_ski)?;
        check_issued(&leaf, spec, &ca, roots.clone())?;
        issued.push((spec, leaf));
    }
    fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let mut written = Vec::new();
    for (spec, leaf) in &issued {
        let (name, role) = match spec.role {
            Role::Server => ("server", "server certificate (serverAuth)"),
            Role::Client => ("client", "client certificate (clientAuth)"),
        };
        let what = format!("{role} CN={} ({})", spec.cn, sans_or_none(spec));
        written.extend(write_pair(
            &args.out,
            name,
            leaf,
            &ca.chain_pem,
            &what,
            keys,
        )?);
    }
    let validity = issued
        .first()
        .and_then(|(_, leaf)| CertInfo::parse(&leaf.cert_der).ok());
    println!(
        "issued by {} ({ca_file}){}:",
        ca.info.subject,
        validity.as_ref().map_or_else(String::new, |v| format!(
            ", valid {} .. {}",
            when::utc(v.not_before),
            when::utc(v.not_after)
        ))
    );
    list(&written);
    if let Some(v) = &validity
        && v.not_after > ca.info.not_after
    {
        println!(
            "  note: they outlive the CA itself (its notAfter is {}): OpenSSL refuses them after \
             that date; give --days {} or less",
            when::utc(ca.info.not_after),
            ca.info.not_after.saturating_sub(when::now()) / 86_400
        );
    }
    if !ca.chain_pem.is_empty() {
        println!("  (the certificate files also hold the issuing CA, an intermediate)");
    }
    println!("checked: the library's verifiers accept each against {ca_file}");
    println!();
    println!("use them:");
    print_commands(&args.out, &ca_file, server.as_ref(), client.as_ref());
    Ok(())
}

fn sans_or_none(spec: &LeafSpec) -> String {
    let sans = spec.sans();
    if sans.is_empty() {
        "no subjectAltName".into()
    } else {
        sans.join(", ")
    }
}

/// Checks an issued certificate: the issuer name is the CA's subject byte for byte, and the
/// library's verifier accepts it under the CA for its role (and first name).
fn check_issued(
    leaf: &Issued,
    spec: &LeafSpec,
    ca: &issue::Ca,
    roots: RootStore,
) -> Result<(), String> {
    let info = CertInfo::parse(&leaf.cert_der)?;
    if info.issuer_der != ca.info.subject_der {
        return Err(format!(
            "the CA's subject {} could not be reproduced exactly as the issuer name; issue with \
             openssl instead",
            ca.info.subject
        ));
    }
    let chain = vec![mtls::CertificateDer::from(leaf.cert_der.clone())];
    let now = when::now();
    let result = match spec.role {
        Role::Server => {
            let name = spec
                .dns
                .first()
                .cloned()
                .or_else(|| spec.ips.first().map(ToString::to_string));
            match name {
                Some(n) => {
                    WebPkiServerVerifier::new(roots).verify_server_cert(&chain, Some(&n), now)
                }
                None => Ok(()),
            }
        }
        Role::Client => WebPkiClientVerifier::new(roots).verify_client_cert(&chain, now),
    };
    result.map_err(|e| {
        format!(
            "the certificate issued for {} does not verify against the CA: {e} (try `mtls verify` \
             on it)",
            spec.cn
        )
    })
}

/// Writes NAME.pem (the certificate, then `chain`) and NAME.key (mode 0600).
fn write_pair(
    dir: &Path,
    name: &str,
    issued: &Issued,
    chain: &str,
    what: &str,
    keys: &str,
) -> Result<[Written; 2], String> {
    let cert = dir.join(format!("{name}.pem"));
    let key = dir.join(format!("{name}.key"));
    write(&cert, &format!("{}{chain}", issued.cert_pem), false)?;
    write(&key, &issued.key_pem, true)?;
    Ok([
        Written {
            path: cert.display().to_string(),
            what: what.to_string(),
        },
        Written {
            path: key.display().to_string(),
            what: format!("its private key ({keys}, PKCS#8, mode 0600)"),
        },
    ])
}

fn list(written: &[Written]) {
    let width = written.iter().map(|w| w.path.len()).max().unwrap_or(0);
    for w in written {
        println!("  {:<width$}  {}", w.path, w.what);
    }
}

/// The `mtls server` / `mtls client` / `mtls verify` lines for the files written.
fn print_commands(out: &Path, ca: &str, server: Option<&LeafSpec>, client: Option<&LeafSpec>) {
    let d = out.display();
    let client_ca = if client.is_some() {
        format!(" --client-ca {ca}")
    } else {
        String::new()
    };
    if server.is_some() {
        println!(
            "  mtls server --listen 127.0.0.1:4433 --cert {d}/server.pem --key {d}/server.key{client_ca}"
        );
    } else {
        println!(
            "  mtls server --listen 127.0.0.1:4433 --cert YOUR-SERVER.pem --key YOUR-SERVER.key --client-ca {ca}"
        );
    }
    let servername = server
        .and_then(|s| s.dns.first())
        .map_or_else(String::new, |n| format!(" --servername {n}"));
    let auth = if client.is_some() {
        format!(" --cert {d}/client.pem --key {d}/client.key")
    } else {
        String::new()
    };
    let trust = if server.is_some() {
        ca.to_string()
    } else {
        "YOUR-SERVER-CA.pem".into()
    };
    println!("  echo hello | mtls client 127.0.0.1:4433{servername} --ca {trust}{auth}");
    if let Some(s) = server {
        let name = s
            .dns
            .first()
            .cloned()
            .or_else(|| s.ips.first().map(ToString::to_string))
            .map_or_else(String::new, |n| format!(" --name {n}"));
        println!("  mtls verify --ca {ca}{name} {d}/server.pem");
    }
    if client.is_some() {
        println!("  mtls verify --ca {ca} {d}/client.pem");
    }
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
