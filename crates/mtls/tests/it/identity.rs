//! The peer's identity after the handshake (subject, SAN DNS names, IP addresses, URIs,
//! notAfter), typed apart when unverified, and the server's authorization hook, which refuses
//! with access_denied (RFC 5246 7.2.2) on full handshakes and resumptions alike.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use mtls::pki::{RootStore, WebPkiClientVerifier};
use mtls::{
    AlertDescription, CertificateDer, CertificateError, ClientAuthPolicy, ClientAuthorization,
    ClientConfig, ClientConnection, Error, HandshakeKind, ServerConfig, ServerConnection,
    SigningKey,
};
use mtls_testkit::pump;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};

const SPIFFE_ID: &str = "spiffe://example.org/billing";

/// A chain and its key's PKCS#8 DER.
type Leaf = (Vec<CertificateDer<'static>>, Vec<u8>);

struct Pki {
    ca: CertificateDer<'static>,
    server: Leaf,
    client: Leaf,
}

fn key(leaf: &Leaf) -> SigningKey {
    SigningKey::from_pkcs8_der(&leaf.1).unwrap()
}

/// A CA, a server leaf for `localhost`, and a client leaf named by a SPIFFE ID, a DNS name
/// and an IP address.
fn pki() -> Pki {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "identity CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign];
    let ca_key = KeyPair::generate().unwrap();
    let ca = CertificateDer::from(ca_params.self_signed(&ca_key).unwrap().der().to_vec());
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf = |sans: Vec<SanType>, cn: &str, usage| {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.subject_alt_names = sans;
        params.distinguished_name.push(DnType::CommonName, cn);
        params
            .distinguished_name
            .push(DnType::OrganizationName, "Example");
        params.extended_key_usages = vec![usage];
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &issuer).unwrap();
        (
            vec![CertificateDer::from(cert.der().to_vec()), ca.clone()],
            key.serialize_der(),
        )
    };
    let server = leaf(
        vec![SanType::DnsName("localhost".try_into().unwrap())],
        "server",
        ExtendedKeyUsagePurpose::ServerAuth,
    );
    let client = leaf(
        vec![
            SanType::URI(SPIFFE_ID.try_into().unwrap()),
            SanType::DnsName("Billing.Example.org".try_into().unwrap()),
            SanType::IpAddress("10.0.0.7".parse().unwrap()),
        ],
        "billing",
        ExtendedKeyUsagePurpose::ClientAuth,
    );
    Pki { ca, server, client }
}

fn roots(ca: &CertificateDer<'_>) -> RootStore {
    let mut store = RootStore::new();
    store.add(ca).unwrap();
    store
}

fn client_config(p: &Pki) -> ClientConfig {
    ClientConfig::with_roots(roots(&p.ca))
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .client_certificate(p.client.0.clone(), key(&p.client))
        .build()
        .unwrap()
}

/// One connection; both ends' results.
fn connect(
    client: &ClientConfig,
    server: &ServerConfig,
) -> (
    ClientConnection,
    ServerConnection,
    Result<(), Error>,
    Result<(), Error>,
) {
    let mut c = ClientConnection::new(client, "localhost").unwrap();
    let mut s = ServerConnection::new(server).unwrap();
    let (rc, rs) = pump(&mut c, &mut s);
    (c, s, rc, rs)
}

#[test]
fn both_sides_read_the_verified_peer_identity_without_parsing_der() {
    let p = pki();
    let server = ServerConfig::builder()
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .certificate(p.server.0.clone(), key(&p.server))
        .client_auth_required(roots(&p.ca))
        .build()
        .unwrap();
    let (c, s, rc, rs) = connect(&client_config(&p), &server);
    rc.unwrap();
    rs.unwrap();

    let client_id = s
        .peer_identity()
        .expect("the server knows who the client is");
    // RFC 4514 2.1: the last RDN of the sequence comes first (rcgen wrote CN, then O).
    assert_eq!(client_id.subject(), "O=Example,CN=billing");
    assert_eq!(client_id.spiffe_id(), Some(SPIFFE_ID));
    assert_eq!(client_id.uris(), [SPIFFE_ID.to_string()]);
    assert_eq!(client_id.dns_names(), ["billing.example.org".to_string()]);
    assert_eq!(
        client_id.ip_addresses(),
        ["10.0.0.7".parse::<IpAddr>().unwrap()]
    );
    assert!(client_id.not_after() > 1_700_000_000);
    assert!(s.unverified_peer_identity().is_none());

    let server_id = c
        .peer_identity()
        .expect("the client knows who the server is");
    assert_eq!(server_id.dns_names(), ["localhost".to_string()]);
    assert_eq!(server_id.spiffe_id(), None);
}

/// Under `ClientAuthPolicy::Request` the chain is not verified: it never shows as the peer's
/// identity, only as a claim.
#[test]
fn an_unverified_client_chain_is_only_a_claim() {
    let p = pki();
    let server = ServerConfig::builder()
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .certificate(p.server.0.clone(), key(&p.server))
        .client_auth(
            ClientAuthPolicy::Request,
            Arc::new(WebPkiClientVerifier::new(roots(&p.ca))),
        )
        .build()
        .unwrap();
    let (_, s, rc, rs) = connect(&client_config(&p), &server);
    rc.unwrap();
    rs.unwrap();
    assert!(s.peer_identity().is_none());
    let claim = s.unverified_peer_identity().expect("the chain is claimed");
    assert_eq!(claim.claimed().spiffe_id(), Some(SPIFFE_ID));
}

/// RFC 5246 7.2.2: access_denied, "a valid certificate was received, but when access
/// control was applied, the sender decided not to proceed". The authorizer runs on every
/// handshake with a verified client, resumptions included, with the rules of the moment.
#[test]
fn rfc5246_7_2_2_the_authorizer_refuses_with_access_denied_on_resumption_too() {
    let p = pki();
    let allow = Arc::new(AtomicBool::new(true));
    let seen = Arc::clone(&allow);
    let server = ServerConfig::builder()
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .certificate(p.server.0.clone(), key(&p.server))
        .client_auth_required(roots(&p.ca))
        .authorize(move |client: &ClientAuthorization<'_>| {
            assert_eq!(client.server_name, Some("localhost"));
            match client.identity.spiffe_id() {
                Some(SPIFFE_ID) if seen.load(Ordering::SeqCst) => Ok(()),
                other => Err(format!("{other:?} may not call billing")),
            }
        })
        .build()
        .unwrap();
    let client = client_config(&p);

    // Allowed: a full handshake, then a resumption.
    for kind in [HandshakeKind::FullEcdheClientCert, HandshakeKind::Resumed] {
        let (_, s, rc, rs) = connect(&client, &server);
        rc.unwrap();
        rs.unwrap();
        assert_eq!(s.handshake_kind(), Some(kind));
    }

    // Refused: the resumption the client now offers is judged again.
    allow.store(false, Ordering::SeqCst);
    let (_, _, rc, rs) = connect(&client, &server);
    let server_err = rs.unwrap_err();
    assert_eq!(
        server_err.certificate_error(),
        Some(&CertificateError::AccessDenied),
        "{server_err}"
    );
    assert!(
        server_err.to_string().contains("may not call billing"),
        "{server_err}"
    );
    assert_eq!(
        rc.unwrap_err(),
        Error::AlertReceived(AlertDescription::AccessDenied)
    );

    // And a full handshake is refused the same way.
    let (_, _, rc, rs) = connect(&client, &server);
    assert_eq!(
        rs.unwrap_err().alert_sent(),
        Some(AlertDescription::AccessDenied)
    );
    assert_eq!(
        rc.unwrap_err(),
        Error::AlertReceived(AlertDescription::AccessDenied)
    );
}
