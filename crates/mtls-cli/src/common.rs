//! Small helpers shared by `mtls server`, `mtls client` and `mtls decode`: certificate
//! subjects, ALPN lists, error text, code-point names and a description of a connection.

use std::io;

use mtls::{ConnectionCommon, HandshakeKind};
use x509_cert::der::Decode;

use crate::names;

/// The subject of a DER certificate, as `CN=..., O=...`; `None` if it does not parse.
pub fn subject(der: &[u8]) -> Option<String> {
    x509_cert::Certificate::from_der(der)
        .ok()
        .map(|c| name_text(c.tbs_certificate().subject()))
}

/// A DER distinguished name (as a CertificateRequest carries them), as `CN=...`.
pub fn dn(der: &[u8]) -> Option<String> {
    x509_cert::name::Name::from_der(der)
        .ok()
        .map(|n| name_text(&n))
}

/// A name in the order of its encoding, as OpenSSL prints it (`CN=localhost, O=...`),
/// rather than in RFC 4514's reversed order.
pub fn name_text(name: &x509_cert::name::Name) -> String {
    let rdns: Vec<String> = name.iter_rdn().map(ToString::to_string).collect();
    rdns.join(", ")
}

/// A comma-separated ALPN list (`h2,http/1.1`) as protocol names.
pub fn alpn_list(list: &str) -> Result<Vec<Vec<u8>>, String> {
    let protocols: Vec<Vec<u8>> = list
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| p.as_bytes().to_vec())
        .collect();
    if protocols.is_empty() {
        return Err(format!("--alpn {list:?} names no protocol"));
    }
    if let Some(p) = protocols.iter().find(|p| p.len() > 255) {
        return Err(format!(
            "ALPN protocol name longer than 255 bytes: {}",
            String::from_utf8_lossy(p)
        ));
    }
    Ok(protocols)
}

/// `--versions` by default: TLS 1.3 and TLS 1.2, TLS 1.3 preferred.
pub const DEFAULT_VERSIONS: &str = "1.3,1.2";

/// A comma-separated list of protocol versions (`1.3,1.2`, `1.2`, `1.3`; `tls1.3` and
/// `TLSv1.3` are accepted too), in preference order, each at most once.
pub fn version_list(list: &str) -> Result<Vec<mtls::ProtocolVersion>, String> {
    let mut versions = Vec::new();
    for name in list.split(',').map(str::trim).filter(|v| !v.is_empty()) {
        let bare = name
            .to_ascii_lowercase()
            .trim_start_matches("tlsv")
            .trim_start_matches("tls")
            .to_string();
        let v = match bare.as_str() {
            "1.2" => mtls::ProtocolVersion::TLSv1_2,
            "1.3" => mtls::ProtocolVersion::TLSv1_3,
            _ => {
                return Err(format!(
                    "--versions: unknown version {name:?}; give 1.2, 1.3, or both (1.3,1.2)"
                ));
            }
        };
        if versions.contains(&v) {
            return Err(format!("--versions {list:?} names {name} twice"));
        }
        versions.push(v);
    }
    if versions.is_empty() {
        return Err(format!("--versions {list:?} names no version"));
    }
    Ok(versions)
}

/// A protocol version as people write it: `TLS 1.3`.
pub fn version_text(v: Option<mtls::ProtocolVersion>) -> &'static str {
    match v {
        Some(mtls::ProtocolVersion::TLSv1_3) => "TLS 1.3",
        Some(mtls::ProtocolVersion::TLSv1_2) => "TLS 1.2",
        _ => "unknown",
    }
}

/// `--ems`: whether the peer must support extended master secret (RFC 7627).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Ems {
    /// Refuse peers without it (handshake_failure).
    Required,
    /// Also speak to legacy peers without it, with the older master secret (RFC 5246 8.1).
    Optional,
}

/// The name of the crypto provider compiled in, as a literal (for [`VERSION`]).
#[cfg(feature = "aws-lc")]
macro_rules! provider_name {
    () => {
        "aws-lc-rs"
    };
}
#[cfg(not(feature = "aws-lc"))]
macro_rules! provider_name {
    () => {
        "rustcrypto"
    };
}

/// The crypto provider of this build: AWS-LC with the `aws-lc` feature, else RustCrypto.
pub fn crypto_provider() -> &'static mtls::provider::CryptoProvider {
    #[cfg(feature = "aws-lc")]
    {
        &mtls::provider::aws_lc::PROVIDER
    }
    #[cfg(not(feature = "aws-lc"))]
    {
        mtls::provider::default_provider()
    }
}

/// `mtls --version`: the version and the crypto provider compiled in.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (crypto: ",
    provider_name!(),
    ")"
);

/// `--versions`, `--suites`, `--alpn`, `--keylog` and `--ems`, the options `client` and `server` share,
/// applied to either config builder (both have the same setters): `b = apply_options!(b, args);`
/// in a function returning `Result<_, String>`.
macro_rules! apply_options {
    ($b:expr, $args:expr) => {{
        let mut b = $b
            .require_ems($args.ems == $crate::common::Ems::Required)
            .crypto_provider($crate::common::crypto_provider())
            .versions(&$crate::common::version_list(&$args.versions)?);
        if let Some(list) = &$args.suites {
            let suites = $crate::names::suite_list(list)?;
            if suites.is_empty() {
                return Err(format!("--suites {list:?} names no suite"));
            }
            b = b
                .cipher_suites(&suites)
                .enable_static_rsa($crate::names::has_static_rsa(&suites));
        }
        if let Some(list) = &$args.alpn {
            let protocols = $crate::common::alpn_list(list)?;
            let refs: Vec<&[u8]> = protocols.iter().map(Vec::as_slice).collect();
            b = b.alpn_protocols(&refs);
        }
        if let Some(path) = &$args.keylog {
            b = b.key_log(std::sync::Arc::new(mtls::KeyLogFile::new(path)));
        }
        b
    }};
}
pub(crate) use apply_options;

/// The text of an I/O error; for a TLS failure this is the facade's own message, which says
/// what went wrong and which alert was sent or received, in words.
pub fn io_text(e: &io::Error) -> String {
    match e.get_ref() {
        Some(inner) => inner.to_string(),
        None => e.to_string(),
    }
}

/// True for the error a socket read timeout gives.
pub fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// `CamelCase` to `snake_case`, the spelling of the RFCs (`UnknownCa` -> `unknown_ca`).
pub fn snake(camel: &str) -> String {
    let mut out = String::new();
    for (i, ch) in camel.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// The name of a code point from its `Debug` form, or `None` for an `Unknown(..)` one.
pub fn known<T: std::fmt::Debug>(v: &T) -> Option<String> {
    let d = format!("{v:?}");
    if d.starts_with("Unknown(") {
        None
    } else {
        Some(d)
    }
}

/// What a connection negotiated, for the one-line summaries and the HTTP page.
pub struct Info {
    /// The peer's leaf certificate subject (`None`: no certificate).
    pub peer: Option<String>,
    /// The suite, IANA name.
    pub suite: String,
    /// Resumed (abbreviated) or full.
    pub resumed: bool,
    /// The handshake kind.
    pub kind: Option<HandshakeKind>,
    /// ALPN protocol agreed on.
    pub alpn: Option<String>,
    /// SNI name.
    pub sni: Option<String>,
    /// Extended master secret.
    pub ems: bool,
    /// The protocol version.
    pub version: Option<mtls::ProtocolVersion>,
}

impl Info {
    /// Reads what `conn` negotiated (after its handshake).
    pub fn of(conn: &ConnectionCommon) -> Self {
        let peer = conn.peer_certificates().and_then(|chain| {
            chain.first().map(|leaf| {
                subject(leaf.as_ref()).unwrap_or_else(|| {
                    format!("(certificate of {} bytes that does not parse)", leaf.len())
                })
            })
        });
        Self {
            peer,
            suite: conn
                .negotiated_cipher_suite()
                .map_or_else(|| "(none)".to_string(), |s| names::negotiated(&s)),
            resumed: conn.is_resumed().unwrap_or(false),
            kind: conn.handshake_kind(),
            alpn: conn
                .alpn_protocol()
                .map(|p| String::from_utf8_lossy(p).into_owned()),
            sni: conn.server_name().map(str::to_string),
            ems: conn.extended_master_secret().unwrap_or(false),
            version: conn.protocol_version(),
        }
    }

    /// `full` or `resumed`.
    pub fn full_or_resumed(&self) -> &'static str {
        if self.resumed { "resumed" } else { "full" }
    }

    /// The peer subject, or what to say when there is none.
    pub fn peer_or(&self, none: &str) -> String {
        self.peer.clone().unwrap_or_else(|| none.to_string())
    }

    /// Whether a client certificate was requested and sent (as the handshake kind says).
    pub fn client_cert_status(&self) -> &'static str {
        match self.kind {
            Some(k) if k.is_resumption() => "as in the resumed session",
            Some(k) if k.has_client_cert() => "sent",
            Some(k) if k.requests_client_cert() => "requested, none sent",
            Some(_) => "not requested",
            None => "unknown",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_and_known_names() {
        assert_eq!(snake("UnknownCa"), "unknown_ca");
        assert_eq!(snake("ServerName"), "server_name");
        assert_eq!(known(&mtls_wire::NamedGroup::X25519), Some("X25519".into()));
        assert_eq!(known(&mtls_wire::NamedGroup::from(0x1234)), None);
    }

    #[test]
    fn version_lists() {
        use mtls::ProtocolVersion::{TLSv1_2, TLSv1_3};
        assert_eq!(version_list("1.3,1.2"), Ok(vec![TLSv1_3, TLSv1_2]));
        assert_eq!(version_list("1.2, 1.3"), Ok(vec![TLSv1_2, TLSv1_3]));
        assert_eq!(version_list("1.2"), Ok(vec![TLSv1_2]));
        assert_eq!(version_list("TLSv1.3"), Ok(vec![TLSv1_3]));
        assert!(version_list("1.1").is_err());
        assert!(version_list("1.3,1.3").is_err());
        assert!(version_list(",").is_err());
    }

    #[test]
    fn alpn_lists() {
        assert_eq!(
            alpn_list("h2, http/1.1").ok(),
            Some(vec![b"h2".to_vec(), b"http/1.1".to_vec()])
        );
        assert!(alpn_list(" , ").is_err());
    }
}
