//! A peer leaf's keyUsage extension, when present, must allow what the handshake does with
//! its key (RFC 5280 4.2.1.3): digitalSignature to check a CertificateVerify (RFC 8446
//! 4.4.2.2; RFC 5246 7.4.8) or a ServerKeyExchange (RFC 5246 7.4.2: "the certificate MUST
//! allow the key to be used for signing"), keyEncipherment to encrypt a static RSA premaster
//! (RFC 5246 7.4.2). Otherwise `unsupported_certificate`, in both versions and both roles.
//! The leaves are made with rcgen at test time under a CA both sides trust.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Write;

use mtls::pki::RootStore;
use mtls::{
    AlertDescription, CertificateDer, ClientConfig, ClientConnection, Error, ProtocolVersion,
    ServerConfig, ServerConnection, SigningKey, suites,
};
use mtls_testkit::{fixture, pump};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

const TLS12: [ProtocolVersion; 1] = [ProtocolVersion::TLSv1_2];
const TLS13: [ProtocolVersion; 1] = [ProtocolVersion::TLSv1_3];

struct Ca {
    cert: CertificateDer<'static>,
    issuer: Issuer<'static, KeyPair>,
}

fn ca() -> Ca {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "keyUsage CA");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let cert = params.self_signed(&key).unwrap();
    Ca {
        cert: CertificateDer::from(cert.der().to_vec()),
        issuer: Issuer::new(params, key),
    }
}

/// A leaf for `purpose` with keyUsage `usages` (none: no keyUsage extension), on a new P-256
/// key or on the RSA key of the `server-rsa` fixture.
fn leaf(
    ca: &Ca,
    rsa: bool,
    usages: &[KeyUsagePurpose],
    purpose: ExtendedKeyUsagePurpose,
) -> (Vec<CertificateDer<'static>>, SigningKey) {
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "keyUsage leaf");
    params.key_usages = usages.to_vec();
    params.extended_key_usages = vec![purpose];
    let key = if rsa {
        KeyPair::try_from(fixture("server-rsa.key.der").as_slice()).unwrap()
    } else {
        KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap()
    };
    let cert = params.signed_by(&key, &ca.issuer).unwrap();
    (
        vec![CertificateDer::from(cert.der().to_vec()), ca.cert.clone()],
        SigningKey::from_pkcs8_der(&key.serialize_der()).unwrap(),
    )
}

fn roots(ca: &Ca) -> RootStore {
    let mut store = RootStore::new();
    store.add(&ca.cert).unwrap();
    store
}

/// Runs a handshake; the client result, the server result.
fn run(client: &ClientConfig, server: &ServerConfig) -> (Result<(), Error>, Result<(), Error>) {
    let mut c = ClientConnection::new(client, "localhost").unwrap();
    let mut s = ServerConnection::new(server).unwrap();
    c.writer().write_all(b"ping").unwrap();
    pump(&mut c, &mut s)
}

/// `side` refused with unsupported_certificate, and the peer read that alert.
fn refused_by(side: Result<(), Error>, peer: Result<(), Error>, what: &str) {
    let err = side.expect_err(what);
    assert_eq!(
        err.alert_sent(),
        Some(AlertDescription::UnsupportedCertificate),
        "{what}: {err}"
    );
    assert_eq!(
        peer.expect_err(what),
        Error::AlertReceived(AlertDescription::UnsupportedCertificate),
        "{what}"
    );
}

/// A server leaf without digitalSignature cannot sign a TLS 1.3 CertificateVerify nor a
/// TLS 1.2 ServerKeyExchange: our client refuses it; with digitalSignature, or with no
/// keyUsage extension at all, it is taken.
#[test]
fn rfc8446_4_4_2_2_server_leaf_whose_key_usage_lacks_digital_signature_is_unsupported_certificate()
{
    let ca = ca();
    let cases: [(&[KeyUsagePurpose], bool); 3] = [
        (&[KeyUsagePurpose::KeyAgreement], false),
        (&[KeyUsagePurpose::DigitalSignature], true),
        (&[], true),
    ];
    for versions in [TLS13, TLS12] {
        for (usages, ok) in cases {
            let (chain, key) = leaf(&ca, false, usages, ExtendedKeyUsagePurpose::ServerAuth);
            let server = ServerConfig::builder()
                .certificate(chain, key)
                .versions(&versions)
                .build()
                .unwrap();
            let client = ClientConfig::with_roots(roots(&ca))
                .versions(&versions)
                .build()
                .unwrap();
            let (rc, rs) = run(&client, &server);
            let what = format!("{versions:?}, keyUsage {usages:?}");
            if ok {
                rc.expect(&what);
                rs.expect(&what);
            } else {
                refused_by(rc, rs, &what);
            }
        }
    }
}

/// A client leaf without digitalSignature cannot sign a CertificateVerify: our server
/// refuses it, in both versions.
#[test]
fn rfc8446_4_4_2_2_client_leaf_whose_key_usage_lacks_digital_signature_is_unsupported_certificate()
{
    let ca = ca();
    for versions in [TLS13, TLS12] {
        let (server_chain, server_key) = leaf(
            &ca,
            false,
            &[KeyUsagePurpose::DigitalSignature],
            ExtendedKeyUsagePurpose::ServerAuth,
        );
        let (chain, key) = leaf(
            &ca,
            false,
            &[KeyUsagePurpose::KeyAgreement],
            ExtendedKeyUsagePurpose::ClientAuth,
        );
        let server = ServerConfig::builder()
            .certificate(server_chain, server_key)
            .client_auth_required(roots(&ca))
            .versions(&versions)
            .build()
            .unwrap();
        let client = ClientConfig::with_roots(roots(&ca))
            .versions(&versions)
            .client_certificate(chain, key)
            .build()
            .unwrap();
        let (rc, rs) = run(&client, &server);
        refused_by(rs, rc, &format!("{versions:?}"));
    }
}

/// RFC 5246 7.4.2: with static RSA the server's key encrypts the premaster secret, so its
/// keyUsage (when present) must have keyEncipherment; with ECDHE_RSA it signs, so
/// digitalSignature. Each leaf is refused for the other use.
#[test]
fn rfc5246_7_4_2_rsa_server_leaf_key_usage_must_fit_the_key_exchange() {
    let ca = ca();
    let cases = [
        (
            KeyUsagePurpose::KeyEncipherment,
            suites::RSA_AES128_GCM,
            true,
        ),
        (
            KeyUsagePurpose::DigitalSignature,
            suites::RSA_AES128_GCM,
            false,
        ),
        (
            KeyUsagePurpose::DigitalSignature,
            suites::ECDHE_RSA_AES128_GCM,
            true,
        ),
        (
            KeyUsagePurpose::KeyEncipherment,
            suites::ECDHE_RSA_AES128_GCM,
            false,
        ),
    ];
    for (usage, suite, ok) in cases {
        let (chain, key) = leaf(&ca, true, &[usage], ExtendedKeyUsagePurpose::ServerAuth);
        let server = ServerConfig::builder()
            .certificate(chain, key)
            .versions(&TLS12)
            .cipher_suites(&[suite])
            .enable_static_rsa(true)
            .build()
            .unwrap();
        let client = ClientConfig::with_roots(roots(&ca))
            .versions(&TLS12)
            .cipher_suites(&[suite])
            .enable_static_rsa(true)
            .build()
            .unwrap();
        let (rc, rs) = run(&client, &server);
        let what = format!("{usage:?} with {suite:?}");
        if ok {
            rc.expect(&what);
            rs.expect(&what);
        } else {
            refused_by(rc, rs, &what);
        }
    }
}
