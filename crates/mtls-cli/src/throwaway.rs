//! Certificates made in memory with rcgen: a throwaway PKI (a CA, a server and a client
//! certificate, used by `mtls demo` and `mtls certs`), and leaf certificates for a server or
//! a client issued by any rcgen issuer (a throwaway CA, or an existing one: `issue.rs`).

use std::net::IpAddr;
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};

/// Which key type the certificates use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KeyType {
    /// RSA-2048 keys, signed with PKCS#1 v1.5 SHA-256.
    Rsa,
    /// ECDSA P-256 keys, signed with SHA-256.
    Ecdsa,
}

impl KeyType {
    /// `RSA-2048` / `ECDSA P-256`.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Rsa => "RSA-2048",
            Self::Ecdsa => "ECDSA P-256",
        }
    }
}

/// One certificate with its key, as PEM and DER.
pub struct Issued {
    /// Certificate, PEM.
    pub cert_pem: String,
    /// Certificate, DER.
    pub cert_der: Vec<u8>,
    /// Private key, PKCS#8 PEM.
    pub key_pem: String,
    /// Private key, PKCS#8 DER.
    pub key_der: Vec<u8>,
    /// The subject, for display.
    pub subject: String,
}

/// A CA with one server and one client certificate.
pub struct Pki {
    /// The CA.
    pub ca: Issued,
    /// The server certificate (serverAuth; the given names plus 127.0.0.1).
    pub server: Issued,
    /// The client certificate (clientAuth).
    pub client: Issued,
}

/// What a leaf certificate is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// serverAuth; keyUsage digitalSignature and keyEncipherment (static RSA).
    Server,
    /// clientAuth; keyUsage digitalSignature.
    Client,
}

/// A leaf certificate to issue.
#[derive(Debug, Clone)]
pub struct LeafSpec {
    /// Server or client.
    pub role: Role,
    /// The subject common name.
    pub cn: String,
    /// subjectAltName DNS names.
    pub dns: Vec<String>,
    /// subjectAltName IP addresses.
    pub ips: Vec<IpAddr>,
    /// subjectAltName URIs (a SPIFFE ID, say).
    pub uris: Vec<String>,
    /// Validity from today 00:00 UTC for this many days; `None`: rcgen's default (1975 to
    /// 4096, for throwaway PKIs that must never expire in a test).
    pub days: Option<u32>,
}

impl LeafSpec {
    /// The subjectAltName entries, as `DNS:...`, `IP:...`, `URI:...`.
    pub fn sans(&self) -> Vec<String> {
        let dns = self.dns.iter().map(|d| format!("DNS:{d}"));
        let ips = self.ips.iter().map(|i| format!("IP:{i}"));
        let uris = self.uris.iter().map(|u| format!("URI:{u}"));
        dns.chain(ips).chain(uris).collect()
    }
}

/// A fresh key pair of `key_type`.
pub fn key_pair(key_type: KeyType) -> Result<KeyPair, String> {
    match key_type {
        KeyType::Ecdsa => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
            .map_err(|e| format!("ECDSA key generation: {e}")),
        KeyType::Rsa => {
            // rcgen's ring backend signs with RSA but cannot generate RSA keys; the rsa crate does.
            use rsa::pkcs8::EncodePrivateKey;
            let key = rsa::PrivateKey::new(&mut mtls_crypto::OsRng, 2048)
                .map_err(|e| format!("RSA key generation: {e}"))?;
            let der = key
                .to_pkcs8_der()
                .map_err(|e| format!("RSA key encoding: {e}"))?;
            let der = rustls_pki_types::PrivatePkcs8KeyDer::from(der.as_bytes());
            KeyPair::from_pkcs8_der_and_sign_algo(&der, &rcgen::PKCS_RSA_SHA256)
                .map_err(|e| format!("RSA key import: {e}"))
        }
    }
}

fn issued(cert: &rcgen::Certificate, key: &KeyPair, subject: &str) -> Issued {
    Issued {
        cert_pem: cert.pem(),
        cert_der: cert.der().to_vec(),
        key_pem: key.serialize_pem(),
        key_der: key.serialize_der(),
        subject: subject.to_string(),
    }
}

fn params(names: &[String], cn: &str) -> Result<CertificateParams, String> {
    let mut p = CertificateParams::new(names.to_vec()).map_err(|e| e.to_string())?;
    p.distinguished_name.push(DnType::CommonName, cn);
    p.distinguished_name
        .push(DnType::OrganizationName, "mtls throwaway PKI");
    Ok(p)
}

/// Sets notBefore to today 00:00 UTC and notAfter `days` later.
fn set_validity(p: &mut CertificateParams, days: u32) -> Result<(), String> {
    let now = crate::when::now();
    let day = |secs: u64| {
        x509_cert::der::DateTime::from_unix_duration(Duration::from_secs(secs))
            .map(|d| rcgen::date_time_ymd(i32::from(d.year()), d.month(), d.day()))
            .map_err(|e| format!("validity of {days} days: {e}"))
    };
    p.not_before = day(now)?;
    p.not_after = day(now + u64::from(days) * 86_400)?;
    Ok(())
}

/// Issues a leaf certificate for `spec` with a fresh `key_type` key, signed by `issuer`;
/// with `aki`, an authorityKeyIdentifier from the issuer's key identifier method.
pub fn issue_leaf<S: rcgen::SigningKey>(
    spec: &LeafSpec,
    key_type: KeyType,
    issuer: &Issuer<'_, S>,
    organization: Option<&str>,
    aki: bool,
) -> Result<Issued, String> {
    let e = |e: rcgen::Error| e.to_string();
    let mut p = CertificateParams::new(spec.dns.clone())
        .map_err(|err| format!("DNS name {:?}: {err}", spec.dns))?;
    p.distinguished_name
        .push(DnType::CommonName, spec.cn.as_str());
    if let Some(o) = organization {
        p.distinguished_name.push(DnType::OrganizationName, o);
    }
    for ip in &spec.ips {
        p.subject_alt_names.push(SanType::IpAddress(*ip));
    }
    for uri in &spec.uris {
        let ia5 = rcgen::string::Ia5String::try_from(uri.as_str())
            .map_err(|err| format!("URI {uri:?}: {err}"))?;
        p.subject_alt_names.push(SanType::URI(ia5));
    }
    match spec.role {
        Role::Server => {
            p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
            p.key_usages = vec![
                KeyUsagePurpose::DigitalSignature,
                KeyUsagePurpose::KeyEncipherment,
            ];
        }
        Role::Client => {
            p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
            p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        }
    }
    if let Some(days) = spec.days {
        set_validity(&mut p, days)?;
    }
    p.use_authority_key_identifier_extension = aki;
    let key = key_pair(key_type)?;
    let cert = p.signed_by(&key, issuer).map_err(e)?;
    Ok(issued(&cert, &key, &format!("CN={}", spec.cn)))
}

/// A fresh throwaway CA of `key_type`, valid for `days` (default: never expires).
pub fn make_ca(
    key_type: KeyType,
    days: Option<u32>,
) -> Result<(Issued, Issuer<'static, KeyPair>), String> {
    let ca_key = key_pair(key_type)?;
    // A distinct CA name per run: two throwaway CAs with one name would make a verifier try the
    // wrong CA's key and report a signature problem instead of an unknown issuer.
    let mut tag = [0u8; 4];
    mtls_crypto::SecureRandom::fill(&mut mtls_crypto::OsRng, &mut tag)
        .map_err(|e| format!("randomness: {e}"))?;
    let ca_name = format!("mtls throwaway CA {}", hex::encode(tag));
    let mut ca_params = params(&[], &ca_name)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    if let Some(days) = days {
        set_validity(&mut ca_params, days)?;
    }
    let ca_cert = ca_params.self_signed(&ca_key).map_err(|e| e.to_string())?;
    let ca = issued(&ca_cert, &ca_key, &format!("CN={ca_name}"));
    Ok((ca, Issuer::new(ca_params, ca_key)))
}

/// The server certificate of a throwaway PKI: CN the first name (default localhost), the
/// names as DNS names, and 127.0.0.1.
pub fn server_spec(names: &[String]) -> LeafSpec {
    LeafSpec {
        role: Role::Server,
        cn: names.first().cloned().unwrap_or_else(|| "localhost".into()),
        dns: names.to_vec(),
        ips: vec![std::net::Ipv4Addr::LOCALHOST.into()],
        uris: Vec::new(),
        days: None,
    }
}

/// The client certificate of a throwaway PKI.
pub fn client_spec() -> LeafSpec {
    LeafSpec {
        role: Role::Client,
        cn: "mtls demo client".into(),
        dns: Vec::new(),
        ips: Vec::new(),
        uris: Vec::new(),
        days: None,
    }
}

/// Makes a fresh CA, a server certificate for `names` (plus 127.0.0.1) and a client
/// certificate, all of `key_type`.
pub fn make_pki(key_type: KeyType, names: &[String]) -> Result<Pki, String> {
    make_pki_for(key_type, &server_spec(names), &client_spec(), None)
}

/// Makes a fresh CA (valid `ca_days`, default forever) with a server and a client
/// certificate as specified.
pub fn make_pki_for(
    key_type: KeyType,
    server: &LeafSpec,
    client: &LeafSpec,
    ca_days: Option<u32>,
) -> Result<Pki, String> {
    let (ca, issuer) = make_ca(key_type, ca_days)?;
    let o = Some("mtls throwaway PKI");
    Ok(Pki {
        server: issue_leaf(server, key_type, &issuer, o, false)?,
        client: issue_leaf(client, key_type, &issuer, o, false)?,
        ca,
    })
}
