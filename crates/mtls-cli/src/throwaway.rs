//! Throwaway PKIs: a CA, a server and a client certificate, made in memory with rcgen (used by
//! `mtls demo` and `mtls certs`).

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

fn key_pair(key_type: KeyType) -> Result<KeyPair, String> {
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

/// Makes a fresh CA, a server certificate for `names` (plus 127.0.0.1) and a client
/// certificate, all of `key_type`.
pub fn make_pki(key_type: KeyType, names: &[String]) -> Result<Pki, String> {
    let e = |e: rcgen::Error| e.to_string();
    let ca_key = key_pair(key_type)?;
    // A distinct CA name per run: two throwaway CAs with one name would make a verifier try the
    // wrong CA's key and report a signature problem instead of an unknown issuer.
    let mut tag = [0u8; 4];
    mtls_crypto::SecureRandom::fill(&mut mtls_crypto::OsRng, &mut tag)
        .map_err(|e| format!("randomness: {e}"))?;
    let ca_name = format!(
        "mtls throwaway CA {}",
        tag.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    let mut ca_params = params(&[], &ca_name)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params.self_signed(&ca_key).map_err(e)?;
    let ca = issued(&ca_cert, &ca_key, &format!("CN={ca_name}"));
    let issuer = Issuer::new(ca_params, ca_key);

    let server_cn = names.first().cloned().unwrap_or_else(|| "localhost".into());
    let server_key = key_pair(key_type)?;
    let mut sp = params(names, &server_cn)?;
    sp.subject_alt_names
        .push(SanType::IpAddress(std::net::Ipv4Addr::LOCALHOST.into()));
    sp.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    sp.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    let server_cert = sp.signed_by(&server_key, &issuer).map_err(e)?;
    let server = issued(&server_cert, &server_key, &format!("CN={server_cn}"));

    let client_key = key_pair(key_type)?;
    let mut cp = params(&[], "mtls demo client")?;
    cp.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    cp.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    let client_cert = cp.signed_by(&client_key, &issuer).map_err(e)?;
    let client = issued(&client_cert, &client_key, "CN=mtls demo client");

    Ok(Pki { ca, server, client })
}
