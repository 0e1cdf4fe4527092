//! `mtls::server::Acceptor`: the ClientHello read before a configuration is chosen, shown,
//! and continued with a configuration per SNI name (certificate, client CA roots, client-auth
//! policy); malformed or unexpected first messages get their alert.

use mtls::pki::RootStore;
use mtls::server::{AcceptError, Accepted, Acceptor};
use mtls::{
    AlertDescription, CipherSuite, ClientConfig, ClientConnection, Error, ProtocolVersion,
    ServerConfig, ServerConnection, SignatureScheme,
};
use mtls_testkit::fixtures::{CA, CA_P384};
use mtls_testkit::{chain, key, pump, pump_ok};
use mtls_wire::extensions::{Extension, Extensions, ServerName};
use mtls_wire::handshake::{HandshakeMessage, HandshakePayload};

fn roots(ca: &[u8]) -> RootStore {
    let mut r = RootStore::new();
    r.add(&ca.to_vec().into()).unwrap();
    r
}

/// Two tenants: `localhost` takes client certificates of the P-256 CA, `other.example` of
/// the P-384 CA; each has its own server certificate.
struct Tenants {
    localhost: ServerConfig,
    other: ServerConfig,
}

fn tenants() -> Tenants {
    Tenants {
        localhost: ServerConfig::builder()
            .versions(&[mtls::ProtocolVersion::TLSv1_2])
            .certificate(chain("server-ecdsa"), key("server-ecdsa"))
            .client_auth_required(roots(CA))
            .build()
            .unwrap(),
        other: ServerConfig::builder()
            .versions(&[mtls::ProtocolVersion::TLSv1_2])
            .certificate(chain("server-other"), key("server-other"))
            .client_auth_required(roots(CA_P384))
            .build()
            .unwrap(),
    }
}

fn client(cert: &str) -> ClientConfig {
    ClientConfig::with_roots(roots(CA))
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .client_certificate(chain(cert), key(cert))
        .alpn_protocols(&[b"h2", b"http/1.1"])
        .build()
        .unwrap()
}

/// The client's first flight, as a socket delivers it.
fn first_flight(client: &mut ClientConnection) -> Vec<u8> {
    let mut wire = Vec::new();
    while client.wants_write() {
        client.write_tls(&mut wire).unwrap();
    }
    wire
}

/// Feeds `wire` to a fresh acceptor in pieces of `step` bytes; `Ok(None)` after the last
/// piece means the hello never completed.
fn accept(wire: &[u8], step: usize) -> Result<Option<Accepted>, AcceptError> {
    let mut acceptor = Acceptor::default();
    for piece in wire.chunks(step) {
        let mut piece = piece;
        while !piece.is_empty() {
            acceptor.read_tls(&mut piece).unwrap();
        }
        if let Some(accepted) = acceptor.accept()? {
            return Ok(Some(accepted));
        }
    }
    Ok(None)
}

/// The acceptor's choice, as a multi-tenant server would make it.
fn choose<'a>(tenants: &'a Tenants, accepted: &Accepted) -> Option<&'a ServerConfig> {
    match accepted.client_hello().server_name()? {
        "localhost" => Some(&tenants.localhost),
        "other.example" => Some(&tenants.other),
        _ => None,
    }
}

/// A whole handshake through the acceptor: the client's ClientHello to the acceptor, the
/// tenant's connection for the rest.
fn handshake_via_acceptor(
    tenants: &Tenants,
    client: &ClientConfig,
    name: &str,
) -> (ClientConnection, Result<ServerConnection, Error>) {
    let mut c = ClientConnection::new(client, name).unwrap();
    let accepted = accept(&first_flight(&mut c), 7).unwrap().unwrap();
    let config = choose(tenants, &accepted).unwrap();
    let mut s = accepted.into_connection(config).unwrap();
    let (_, result) = pump(&mut c, &mut s);
    (c, result.map(|()| s))
}

/// The alert record an AcceptError carries: `(level, description)`.
fn alert_of(e: &AcceptError) -> (u8, u8) {
    match e.alert_bytes() {
        [21, 3, 3, 0, 2, level, description] => (*level, *description),
        other => panic!("not one plaintext alert record: {other:?}"),
    }
}

#[test]
fn each_tenant_gets_its_certificate_client_roots_and_policy() {
    let t = tenants();

    // localhost: the P-256 client is accepted under the P-256 roots.
    let (c, s) = handshake_via_acceptor(&t, &client("client-ecdsa"), "localhost");
    let s = s.unwrap();
    assert_eq!(s.server_name(), Some("localhost"));
    assert!(s.peer_identity().is_some());
    assert_eq!(c.alpn_protocol(), None); // neither tenant configured ALPN

    // other.example: its own certificate (the client checks the name) and the P-384 roots.
    let (_, s) = handshake_via_acceptor(&t, &client("client-p384"), "other.example");
    assert_eq!(s.unwrap().server_name(), Some("other.example"));

    // The P-256 client is a stranger to other.example: the tenant's roots were used.
    let (_, s) = handshake_via_acceptor(&t, &client("client-ecdsa"), "other.example");
    assert_eq!(s.err().unwrap().alert(), Some(AlertDescription::UnknownCa));
}

#[test]
fn the_view_shows_sni_alpn_suites_schemes_and_versions() {
    let mut c = ClientConnection::new(&client("client-ecdsa"), "LocalHost").unwrap();
    let accepted = accept(&first_flight(&mut c), usize::MAX).unwrap().unwrap();
    let hello = accepted.client_hello();
    assert_eq!(hello.server_name(), Some("localhost"), "lowercased");
    assert_eq!(
        hello.alpn().collect::<Vec<_>>(),
        vec![&b"h2"[..], &b"http/1.1"[..]]
    );
    assert!(
        hello
            .cipher_suites()
            .contains(&CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)
    );
    assert!(
        hello
            .signature_schemes()
            .contains(&SignatureScheme::ECDSA_SECP256R1_SHA256)
    );
    assert_eq!(hello.client_version(), ProtocolVersion::TLSv1_2);
    assert!(
        hello.supported_versions().is_empty(),
        "a TLS 1.2-only client"
    );
    let debug = format!("{accepted:?}");
    assert!(debug.contains("localhost"), "{debug}");
}

#[test]
fn a_client_hello_trickled_byte_by_byte_is_accepted_once_whole() {
    let mut c = ClientConnection::new(&client("client-ecdsa"), "localhost").unwrap();
    let wire = first_flight(&mut c);
    // Every proper prefix leaves the acceptor waiting.
    assert!(accept(&wire[..wire.len() - 1], 1).unwrap().is_none());
    let accepted = accept(&wire, 1).unwrap().unwrap();
    let mut s = accepted.into_connection(&tenants().localhost).unwrap();
    pump_ok(&mut c, &mut s);
}

#[test]
fn a_client_hello_split_across_records_is_accepted() {
    let mut c = ClientConnection::new(&client("client-ecdsa"), "localhost").unwrap();
    let wire = first_flight(&mut c);
    // Re-frame the one handshake record as records of 50 bytes each (RFC 5246 6.2.1).
    let body = &wire[5..];
    let mut reframed = Vec::new();
    for piece in body.chunks(50) {
        reframed.extend([22, 3, 3]);
        reframed.extend((piece.len() as u16).to_be_bytes());
        reframed.extend(piece);
    }
    let accepted = accept(&reframed, 64).unwrap().unwrap();
    let mut s = accepted.into_connection(&tenants().localhost).unwrap();
    pump_ok(&mut c, &mut s);
}

#[test]
fn rfc5246_7_3_a_handshake_that_does_not_open_with_client_hello_is_unexpected_message() {
    // A ServerHelloDone, a ChangeCipherSpec, application data: none may come first.
    for first in [
        vec![22, 3, 3, 0, 4, 14, 0, 0, 0],
        vec![20, 3, 3, 0, 1, 1],
        vec![23, 3, 3, 0, 3, 1, 2, 3],
    ] {
        let e = accept(&first, usize::MAX).expect_err("refused");
        assert_eq!(
            e.error().alert_sent(),
            Some(AlertDescription::UnexpectedMessage)
        );
        assert_eq!(
            alert_of(&e),
            (2, 10),
            "fatal unexpected_message for {first:?}"
        );
    }
}

#[test]
fn rfc5246_7_4_1_2_a_malformed_client_hello_is_decode_error() {
    let mut c = ClientConnection::new(&client("client-ecdsa"), "localhost").unwrap();
    let mut wire = first_flight(&mut c);
    // Shorten the cipher_suites vector by one byte: odd, so it cannot parse.
    let at = 5 + 4 + 2 + 32 + 1 + usize::from(wire[5 + 4 + 2 + 32]);
    let len = u16::from_be_bytes([wire[at], wire[at + 1]]);
    wire[at..at + 2].copy_from_slice(&(len - 1).to_be_bytes());
    let e = accept(&wire, usize::MAX).expect_err("refused");
    assert_eq!(alert_of(&e), (2, 50), "fatal decode_error");
}

#[test]
fn rfc6066_3_an_ip_literal_as_sni_is_illegal_parameter() {
    let mut c = ClientConnection::new(&client("client-ecdsa"), "localhost").unwrap();
    let wire = first_flight(&mut c);
    let (message, _) = HandshakeMessage::parse(&wire[5..], &Default::default()).unwrap();
    let HandshakePayload::ClientHello(mut hello) = message.into_payload() else {
        panic!("not a ClientHello");
    };
    let list: Vec<Extension> = hello
        .extensions
        .iter()
        .map(|e| match e {
            Extension::ServerName(_) => {
                Extension::ServerName(vec![ServerName::HostName(b"127.0.0.1".to_vec())])
            }
            other => other.clone(),
        })
        .collect();
    hello.extensions = Extensions::new(list);
    let raw = HandshakeMessage::new(HandshakePayload::ClientHello(hello));
    let mut wire = vec![22, 3, 3];
    wire.extend((raw.raw().len() as u16).to_be_bytes());
    wire.extend(raw.raw());
    let e = accept(&wire, usize::MAX).expect_err("refused");
    assert_eq!(alert_of(&e), (2, 47), "fatal illegal_parameter");
}

#[test]
fn rfc6066_3_an_unknown_name_can_be_refused_with_unrecognized_name() {
    let t = tenants();
    let mut c = ClientConnection::new(&client("client-ecdsa"), "nobody.example").unwrap();
    let wire = first_flight(&mut c);
    let accepted = accept(&wire, usize::MAX).unwrap().unwrap();
    assert!(choose(&t, &accepted).is_none());
    let mut refused = accepted.refuse(AlertDescription::UnrecognizedName, "no such tenant");
    assert_eq!(alert_of(&refused), (2, 112));
    // The client reads it as the server's fatal alert.
    let mut alert = Vec::new();
    refused.write_alert(&mut alert).unwrap();
    let mut input = &alert[..];
    c.read_tls(&mut input).unwrap();
    assert_eq!(
        c.process_new_packets().unwrap_err(),
        Error::AlertReceived(AlertDescription::UnrecognizedName)
    );
}

#[test]
fn a_configuration_that_cannot_serve_the_hello_refuses_with_its_alert() {
    // The client offers only ECDSA suites; the chosen configuration has an RSA certificate.
    let rsa_only = ServerConfig::builder()
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .certificate(chain("server-rsa"), key("server-rsa"))
        .client_auth_required(roots(CA))
        .build()
        .unwrap();
    let ecdsa_client = ClientConfig::with_roots(roots(CA))
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .client_certificate(chain("client-ecdsa"), key("client-ecdsa"))
        .cipher_suites(&[mtls::suites::ECDHE_ECDSA_AES128_GCM])
        .build()
        .unwrap();
    let mut c = ClientConnection::new(&ecdsa_client, "localhost").unwrap();
    let accepted = accept(&first_flight(&mut c), usize::MAX).unwrap().unwrap();
    let e = accepted.into_connection(&rsa_only).err().expect("refused");
    assert_eq!(alert_of(&e), (2, 40), "fatal handshake_failure");
}

#[test]
fn an_acceptor_is_used_once() {
    let mut c = ClientConnection::new(&client("client-ecdsa"), "localhost").unwrap();
    let wire = first_flight(&mut c);
    let mut acceptor = Acceptor::default();
    acceptor.read_tls(&mut &wire[..]).unwrap();
    assert!(acceptor.accept().unwrap().is_some());
    assert!(acceptor.accept().is_err());
    assert!(acceptor.read_tls(&mut &wire[..]).is_err());
}
