//! RFC 8446 6 and 5.1: an alert is protected as the current connection state says. Our
//! TLS 1.3 client has handshake keys as soon as it has the ServerHello, so a refusal between
//! the ServerHello and the server's Finished (a server certificate it does not trust, a
//! malformed EncryptedExtensions) reaches the server as that alert, readable under the
//! client's handshake key, not as a plaintext record the server must take for an attack.

use mtls::pki::RootStore;
use mtls::{
    AlertDescription, ClientConfig, ClientConnection, Error, ProtocolVersion, ServerConfig,
    ServerConnection,
};
use mtls_testkit::fixtures::{CA, CA_P384};
use mtls_testkit::{chain, key, pump};

fn roots(ca: &[u8]) -> RootStore {
    let mut r = RootStore::new();
    r.add(&ca.to_vec().into()).unwrap();
    r
}

/// Our client, trusting another CA than the server's, refuses the server's certificate.
fn refused(compat: bool) {
    let server = ServerConfig::builder()
        .certificate(chain("server-ecdsa"), key("server-ecdsa"))
        .client_auth_required(roots(CA))
        .versions(&[ProtocolVersion::TLSv1_3])
        .build()
        .unwrap();
    let client = ClientConfig::with_roots(roots(CA_P384))
        .client_certificate(chain("client-ecdsa"), key("client-ecdsa"))
        .versions(if compat {
            &[ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_2][..]
        } else {
            &[ProtocolVersion::TLSv1_3][..]
        })
        .build()
        .unwrap();
    let mut c = ClientConnection::new(&client, "localhost").unwrap();
    let mut s = ServerConnection::new(&server).unwrap();
    let (rc, rs) = pump(&mut c, &mut s);
    assert!(
        matches!(rc, Err(Error::CertificateRefused { .. })),
        "client: {rc:?}"
    );
    assert_eq!(
        rs,
        Err(Error::AlertReceived(AlertDescription::UnknownCa)),
        "the server must read our alert"
    );
}

#[test]
fn rfc8446_6_a_client_refusing_the_server_certificate_sends_its_alert_under_handshake_keys() {
    refused(false);
}

/// The same with a client that also offers TLS 1.2 (its legacy_session_id asks for the
/// middlebox compatibility ChangeCipherSpec, RFC 8446 D.4, which still comes first).
#[test]
fn rfc8446_6_the_alert_follows_the_compatibility_change_cipher_spec() {
    refused(true);
}

/// A client that fails on the ServerHello itself (a group or suite it did not offer, say) has
/// no keys yet, so its alert comes in plaintext while the server, its flight sent, reads
/// under the client's handshake key. The server reports the client's alert, and sends
/// nothing back to a peer that has gone (RFC 8446 6).
#[test]
fn rfc8446_6_a_client_failing_on_the_server_hello_sends_a_plaintext_alert_the_server_reads() {
    let client = crate::peers::client_builder("client-ecdsa")
        .versions(&[ProtocolVersion::TLSv1_3])
        .build()
        .unwrap();
    let server = crate::peers::server_builder()
        .versions(&[ProtocolVersion::TLSv1_3])
        .build()
        .unwrap();
    let mut c = ClientConnection::new(&client, "localhost").unwrap();
    let mut s = ServerConnection::new(&server).unwrap();
    let hello = crate::drain_wire(&mut c);
    s.read_tls(&mut hello.as_slice()).unwrap();
    s.process_new_packets().unwrap();
    assert!(!crate::drain_wire(&mut s).is_empty(), "the server's flight");
    // handshake_failure, fatal, in a plaintext record.
    s.read_tls(&mut [21u8, 3, 3, 0, 2, 2, 40].as_slice())
        .unwrap();
    assert_eq!(
        s.process_new_packets().unwrap_err(),
        Error::AlertReceived(AlertDescription::HandshakeFailure)
    );
    assert!(!s.wants_write());
}
