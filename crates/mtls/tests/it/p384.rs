//! ECDSA P-384 end to end through the facade: a P-384 CA (ecdsa-with-SHA384, RFC 5758 3.2)
//! issues P-384 server and client leaves, made with rcgen at test time; both sides verify the
//! other with the real rustls-webpki verifiers of mtls-pki, and both handshake signatures use
//! ecdsa_secp384r1_sha384 (0x0503, RFC 8446 4.2.3; RFC 8422 5.4 for ServerKeyExchange,
//! RFC 5246 7.4.8 for CertificateVerify).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{Read, Write};

use mtls::pki::RootStore;
use mtls::{
    CertificateDer, ClientConfig, ClientConnection, HandshakeKind, ServerConfig, ServerConnection,
    SignatureAlgorithm, SigningKey,
};
use mtls_testkit::pump;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

/// A leaf's chain (leaf, CA) and key.
pub(crate) struct Leaf {
    pub(crate) chain: Vec<CertificateDer<'static>>,
    pub(crate) key: SigningKey,
}

/// A P-384 CA with a server and a client leaf (also "another CA" of `pki_handshake`).
pub(crate) struct Pki {
    pub(crate) ca: CertificateDer<'static>,
    pub(crate) server: Leaf,
    pub(crate) client: Leaf,
}

fn p384_key() -> KeyPair {
    KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap()
}

fn ca(name: &str) -> (CertificateDer<'static>, Issuer<'static, KeyPair>) {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let key = p384_key();
    let cert = params.self_signed(&key).unwrap();
    (
        CertificateDer::from(cert.der().to_vec()),
        Issuer::new(params, key),
    )
}

fn leaf(
    issuer: &Issuer<'static, KeyPair>,
    ca: &CertificateDer<'static>,
    usage: ExtendedKeyUsagePurpose,
) -> Leaf {
    let mut params =
        CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "p384 leaf");
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![usage];
    let key = p384_key();
    let cert = params.signed_by(&key, issuer).unwrap();
    Leaf {
        chain: vec![CertificateDer::from(cert.der().to_vec()), ca.clone()],
        key: SigningKey::from_pkcs8_der(&key.serialize_der()).unwrap(),
    }
}

pub(crate) fn pki(name: &str) -> Pki {
    let (ca, issuer) = ca(name);
    let server = leaf(&issuer, &ca, ExtendedKeyUsagePurpose::ServerAuth);
    let client = leaf(&issuer, &ca, ExtendedKeyUsagePurpose::ClientAuth);
    Pki { ca, server, client }
}

pub(crate) fn roots(ca: &CertificateDer<'_>) -> RootStore {
    let mut store = RootStore::new();
    store.add(ca).unwrap();
    store
}

/// A server presenting `server` and trusting `client_ca` for client certificates, and a
/// client presenting `client` and trusting `server_ca`: webpki verifiers on both sides.
fn configs(
    server: Leaf,
    client_ca: &CertificateDer<'_>,
    client: Leaf,
    server_ca: &CertificateDer<'_>,
) -> (ClientConfig, ServerConfig) {
    let server = ServerConfig::builder()
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .certificate(server.chain, server.key)
        .client_auth_required(roots(client_ca))
        .build()
        .unwrap();
    let client = ClientConfig::with_roots(roots(server_ca))
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .client_certificate(client.chain, client.key)
        .build()
        .unwrap();
    (client, server)
}

#[test]
fn p384_mutual_handshake_signs_and_verifies_with_ecdsa_secp384r1_sha384() {
    let p = pki("mtls P-384 CA");
    let (client_cfg, server_cfg) = configs(p.server, &p.ca, p.client, &p.ca);
    let mut client = ClientConnection::new(&client_cfg, "localhost").unwrap();
    let mut server = ServerConnection::new(&server_cfg).unwrap();
    client.writer().write_all(b"over P-384").unwrap();
    let (rc, rs) = pump(&mut client, &mut server);
    rc.unwrap();
    rs.unwrap();
    assert_eq!(
        server.handshake_kind(),
        Some(HandshakeKind::FullEcdheClientCert)
    );
    let mut got = [0u8; 10];
    server.reader().read_exact(&mut got).unwrap();
    assert_eq!(&got, b"over P-384");

    let c = client.handshake_summary().unwrap();
    let s = server.handshake_summary().unwrap();
    assert_eq!(
        c.server_signature,
        Some(SignatureAlgorithm::EcdsaSecp384r1Sha384),
        "ServerKeyExchange (RFC 8422 5.4)"
    );
    assert_eq!(
        s.client_signature,
        Some(SignatureAlgorithm::EcdsaSecp384r1Sha384),
        "CertificateVerify (RFC 5246 7.4.8)"
    );
    assert_eq!(s.peer_certificates.len(), 2);
    assert_eq!(c.peer_certificates.len(), 2);
}

/// The real verifiers still refuse what they must with P-384: a client that trusts another
/// P-384 CA refuses the server (unknown_ca), and so does a server for the client.
#[test]
fn p384_chains_from_an_untrusted_ca_are_refused() {
    let a = pki("P-384 CA A");
    let b = pki("P-384 CA B");
    // The client trusts B's CA, the server's certificate is A's.
    let (client, server) = configs(a.server, &a.ca, a.client, &b.ca);
    let mut c = ClientConnection::new(&client, "localhost").unwrap();
    let mut s = ServerConnection::new(&server).unwrap();
    let (rc, _) = pump(&mut c, &mut s);
    let err = rc.unwrap_err().to_string();
    assert!(err.contains("unknown_ca"), "client: {err}");

    // The server trusts A's CA, the client's certificate is B's.
    let a = pki("P-384 CA A");
    let (client, server) = configs(a.server, &a.ca, b.client, &a.ca);
    let mut c = ClientConnection::new(&client, "localhost").unwrap();
    let mut s = ServerConnection::new(&server).unwrap();
    let (_, rs) = pump(&mut c, &mut s);
    let err = rs.unwrap_err().to_string();
    assert!(err.contains("unknown_ca"), "server: {err}");
}

/// RFC 6125 6.4: a P-384 server certificate for localhost is refused for another name.
#[test]
fn p384_server_certificate_for_another_name_is_refused() {
    let p = pki("P-384 CA");
    let server = ServerConfig::builder()
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .certificate(p.server.chain, p.server.key)
        .build()
        .unwrap();
    let client = ClientConfig::with_roots(roots(&p.ca))
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .build()
        .unwrap();
    let mut c = ClientConnection::new(&client, "example.com").unwrap();
    let mut s = ServerConnection::new(&server).unwrap();
    let (rc, _) = pump(&mut c, &mut s);
    let err = rc.unwrap_err().to_string();
    assert!(err.contains("bad_certificate"), "wrong name: {err}");
}
