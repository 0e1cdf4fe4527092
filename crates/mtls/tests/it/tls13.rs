//! TLS 1.3 through the facade, our client against our server in memory: every suite and
//! group, both certificate types, version negotiation, client authentication in the handshake
//! and after it (RFC 8446 4.6.2), KeyUpdate (4.6.3), the key log, and the refusals whose alert
//! must reach the peer.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

use mtls::pki::RootStore;
use mtls::{
    AlertDescription, ClientConfig, ClientConnection, ConnectionCommon, Error, NamedGroup,
    NegotiatedSuite, ProtocolVersion, ServerConfig, ServerConnection, suites,
};
use mtls_testkit::fixtures::CA;
use mtls_testkit::{chain, key, pump, pump_ok};

const TLS13: ProtocolVersion = ProtocolVersion::TLSv1_3;
const TLS12: ProtocolVersion = ProtocolVersion::TLSv1_2;

fn roots() -> RootStore {
    let mut r = RootStore::new();
    r.add(&CA.to_vec().into()).unwrap();
    r
}

/// A server with `cert` (a fixture name), requiring client certificates, speaking `versions`.
fn server(cert: &str, versions: &[ProtocolVersion]) -> mtls::ServerConfigBuilder {
    ServerConfig::builder()
        .certificate(chain(cert), key(cert))
        .client_auth_required(roots())
        .versions(versions)
}

/// A client presenting `cert` (if any), speaking `versions`.
fn client(cert: Option<&str>, versions: &[ProtocolVersion]) -> mtls::ClientConfigBuilder {
    let b = ClientConfig::with_roots(roots()).versions(versions);
    match cert {
        Some(c) => b.client_certificate(chain(c), key(c)),
        None => b,
    }
}

fn connect(client: &ClientConfig, server: &ServerConfig) -> (ClientConnection, ServerConnection) {
    let c = ClientConnection::new(client, "localhost").unwrap();
    let s = ServerConnection::new(server).unwrap();
    (c, s)
}

/// Sends `data` from `from` to `to` and reads it there.
fn send(from: &mut ConnectionCommon, to: &mut ConnectionCommon, data: &[u8]) {
    from.writer().write_all(data).unwrap();
    pump_ok(from, to);
    let mut got = vec![0u8; data.len()];
    to.reader().read_exact(&mut got).unwrap();
    assert_eq!(got, data);
}

/// The server refuses the client with `alert`, and the alert reaches the client: it ends with
/// what the server said, never a reset.
fn refused_with(client: &ClientConfig, server: &ServerConfig, alert: AlertDescription) {
    let (mut c, mut s) = connect(client, server);
    let (rc, rs) = pump(&mut c, &mut s);
    assert_eq!(rs.unwrap_err().alert_sent(), Some(alert));
    assert_eq!(rc.unwrap_err(), Error::AlertReceived(alert));
}

fn data_both_ways(c: &mut ClientConnection, s: &mut ServerConnection) {
    send(c, s, b"ping from the client");
    send(s, c, b"pong from the server");
}

#[test]
fn rfc8446_2_full_handshake_with_client_auth_every_suite_group_and_key_type() {
    let groups = [
        NamedGroup::X25519,
        NamedGroup::Secp256r1,
        NamedGroup::Secp384r1,
    ];
    for suite in suites::ALL_TLS13_SUITES {
        for group in groups {
            for (server_cert, client_cert) in [
                ("server-ecdsa", "client-ecdsa"),
                ("server-rsa", "client-rsa"),
            ] {
                let what = format!("{} {group:?} {server_cert}", suite.name());
                let s = server(server_cert, &[TLS13])
                    .tls13_cipher_suites(&[suite])
                    .groups(&[group])
                    .build()
                    .unwrap();
                let cl = client(Some(client_cert), &[TLS13])
                    .tls13_cipher_suites(&[suite])
                    .groups(&[group])
                    .build()
                    .unwrap();
                let (mut c, mut s) = connect(&cl, &s);
                pump_ok(&mut c, &mut s);
                assert_eq!(c.protocol_version(), Some(TLS13), "{what}");
                assert_eq!(s.protocol_version(), Some(TLS13), "{what}");
                assert_eq!(
                    s.negotiated_cipher_suite(),
                    Some(NegotiatedSuite::Tls13(suite)),
                    "{what}"
                );
                let summary = s.handshake_summary().unwrap();
                assert_eq!(summary.group, Some(group), "{what}");
                assert!(summary.peer_verified, "{what}");
                assert_eq!(
                    s.peer_certificates().unwrap()[0],
                    chain(client_cert)[0],
                    "{what}"
                );
                assert_eq!(
                    c.peer_certificates().unwrap()[0],
                    chain(server_cert)[0],
                    "{what}"
                );
                data_both_ways(&mut c, &mut s);
            }
        }
    }
}

#[test]
fn rfc8446_4_1_4_hello_retry_when_the_first_key_share_does_not_fit() {
    // The client's first (and only) share is X25519; the server takes P-256 only.
    let s = server("server-ecdsa", &[TLS13])
        .groups(&[NamedGroup::Secp256r1])
        .build()
        .unwrap();
    let cl = client(Some("client-ecdsa"), &[TLS13])
        .groups(&[NamedGroup::X25519, NamedGroup::Secp256r1])
        .build()
        .unwrap();
    let (mut c, mut s) = connect(&cl, &s);
    pump_ok(&mut c, &mut s);
    let summary = c.handshake_summary().unwrap();
    assert_eq!(summary.group, Some(NamedGroup::Secp256r1));
    assert!(summary.kind.is_retry(), "{:?}", summary.kind);
    data_both_ways(&mut c, &mut s);
}

#[test]
fn rfc8446_4_2_1_both_versions_offered_prefer_tls13_and_pinned_peers_get_their_version() {
    let both = [TLS13, TLS12];
    let cases: [(&[ProtocolVersion], &[ProtocolVersion], ProtocolVersion); 4] = [
        (&both, &both, TLS13),
        (&both, &[TLS12], TLS12),
        (&[TLS12], &both, TLS12),
        (&[TLS13], &both, TLS13),
    ];
    for (client_versions, server_versions, want) in cases {
        let s = server("server-ecdsa", server_versions).build().unwrap();
        let cl = client(Some("client-ecdsa"), client_versions)
            .build()
            .unwrap();
        let (mut c, mut s) = connect(&cl, &s);
        pump_ok(&mut c, &mut s);
        assert_eq!(
            c.protocol_version(),
            Some(want),
            "{client_versions:?} against {server_versions:?}"
        );
        data_both_ways(&mut c, &mut s);
    }
}

#[test]
fn rfc8446_4_2_1_a_tls13_only_client_and_a_tls12_only_server_share_no_version() {
    let s = server("server-ecdsa", &[TLS12]).build().unwrap();
    let cl = client(Some("client-ecdsa"), &[TLS13]).build().unwrap();
    refused_with(&cl, &s, AlertDescription::ProtocolVersion);
}

#[test]
fn rfc8446_4_4_2_4_no_client_certificate_when_required_is_certificate_required() {
    let s = server("server-ecdsa", &[TLS13]).build().unwrap();
    let cl = client(None, &[TLS13]).build().unwrap();
    refused_with(&cl, &s, AlertDescription::CertificateRequired);
}

#[test]
fn rfc8446_4_4_2_4_an_untrusted_client_certificate_is_unknown_ca() {
    let s = server("server-ecdsa", &[TLS13]).build().unwrap();
    let cl = client(Some("client-p384"), &[TLS13]).build().unwrap();
    refused_with(&cl, &s, AlertDescription::UnknownCa);
}

#[test]
fn rfc8446_4_6_2_post_handshake_authentication_after_the_first_data() {
    let s = ServerConfig::builder()
        .certificate(chain("server-ecdsa"), key("server-ecdsa"))
        .client_auth_post_handshake(roots())
        .versions(&[TLS13])
        .build()
        .unwrap();
    let cl = client(Some("client-ecdsa"), &[TLS13]).build().unwrap();
    let (mut c, mut s) = connect(&cl, &s);
    pump_ok(&mut c, &mut s);
    // Nothing asked during the handshake.
    assert!(s.peer_certificates().is_none_or(|p| p.is_empty()));
    send(&mut c, &mut s, b"GET /private");
    s.request_client_certificate().unwrap();
    pump_ok(&mut c, &mut s);
    assert_eq!(s.peer_certificates().unwrap()[0], chain("client-ecdsa")[0]);
    assert!(s.peer_identity().is_some());
    assert!(s.handshake_summary().unwrap().peer_verified);
    data_both_ways(&mut c, &mut s);
    // A second request works the same way.
    s.request_client_certificate().unwrap();
    pump_ok(&mut c, &mut s);
    assert_eq!(s.peer_certificates().unwrap()[0], chain("client-ecdsa")[0]);
}

#[test]
fn rfc8446_4_6_2_post_handshake_request_to_a_client_without_a_certificate_is_certificate_required()
{
    let s = ServerConfig::builder()
        .certificate(chain("server-ecdsa"), key("server-ecdsa"))
        .client_auth_post_handshake(roots())
        .versions(&[TLS13])
        .build()
        .unwrap();
    // A client without a certificate does not offer post_handshake_auth: it cannot be asked.
    let cl = client(None, &[TLS13]).build().unwrap();
    let (mut c, mut s) = connect(&cl, &s);
    pump_ok(&mut c, &mut s);
    assert!(matches!(
        s.request_client_certificate(),
        Err(Error::Unavailable(_))
    ));
    // The connection goes on.
    data_both_ways(&mut c, &mut s);
}

#[test]
fn post_handshake_requests_on_tls12_are_unavailable_and_harmless() {
    let s = server("server-ecdsa", &[TLS12]).build().unwrap();
    let cl = client(Some("client-ecdsa"), &[TLS12]).build().unwrap();
    let (mut c, mut s) = connect(&cl, &s);
    pump_ok(&mut c, &mut s);
    assert!(matches!(
        s.request_client_certificate(),
        Err(Error::Unavailable(_))
    ));
    assert!(matches!(
        c.send_key_update(true),
        Err(Error::Unavailable(_))
    ));
    data_both_ways(&mut c, &mut s);
}

#[test]
fn rfc8446_4_6_3_key_update_both_ways_with_and_without_request() {
    let s = server("server-ecdsa", &[TLS13]).build().unwrap();
    let cl = client(Some("client-ecdsa"), &[TLS13]).build().unwrap();
    let (mut c, mut s) = connect(&cl, &s);
    pump_ok(&mut c, &mut s);
    for round in 0..3 {
        c.send_key_update(false).unwrap();
        data_both_ways(&mut c, &mut s);
        s.send_key_update(round % 2 == 0).unwrap();
        data_both_ways(&mut c, &mut s);
        c.send_key_update(true).unwrap();
        data_both_ways(&mut c, &mut s);
    }
}

/// One key log line: label, client random, secret.
type Line = (String, [u8; 32], Vec<u8>);

/// Collects key log lines.
#[derive(Default)]
struct Lines(Mutex<Vec<Line>>);

impl mtls::KeyLog for Lines {
    fn log(&self, label: &str, client_random: &[u8; 32], secret: &[u8]) {
        self.0
            .lock()
            .unwrap()
            .push((label.to_string(), *client_random, secret.to_vec()));
    }
}

#[test]
fn key_log_has_the_five_tls13_secrets_and_both_sides_agree() {
    let (cl_log, s_log) = (Arc::new(Lines::default()), Arc::new(Lines::default()));
    let s = server("server-ecdsa", &[TLS13])
        .key_log(s_log.clone())
        .build()
        .unwrap();
    let cl = client(Some("client-ecdsa"), &[TLS13])
        .key_log(cl_log.clone())
        .build()
        .unwrap();
    let (mut c, mut s) = connect(&cl, &s);
    pump_ok(&mut c, &mut s);
    let mut ours = cl_log.0.lock().unwrap().clone();
    let mut theirs = s_log.0.lock().unwrap().clone();
    ours.sort();
    theirs.sort();
    assert_eq!(ours, theirs);
    let labels: Vec<&str> = ours.iter().map(|(l, _, _)| l.as_str()).collect();
    assert_eq!(
        labels,
        [
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
            "CLIENT_TRAFFIC_SECRET_0",
            "EXPORTER_SECRET",
            "SERVER_HANDSHAKE_TRAFFIC_SECRET",
            "SERVER_TRAFFIC_SECRET_0",
        ]
    );
    let random = c.handshake_summary().unwrap().client_random;
    assert!(ours.iter().all(|(_, r, s)| *r == random && s.len() == 32));
}

/// The raw bytes of a stored TLS 1.3 capture (`crates/mtls-testkit/vectors/tls13/`).
fn capture(session: &str, file: &str) -> Vec<u8> {
    let path = mtls_testkit::vectors_dir()
        .join("tls13")
        .join(session)
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    hex::decode(text.split_whitespace().collect::<String>()).unwrap()
}

#[test]
fn rfc8446_4_2_10_early_data_we_did_not_accept_is_skipped() {
    // OpenSSL's resumption with 0-RTT: its ClientHello offers a PSK of another server's (so
    // ours makes a full handshake) and early_data, and its 0-RTT records, EndOfEarlyData and
    // the rest follow under keys we do not have. The server must skip what it cannot open
    // instead of failing with bad_record_mac.
    let wire = capture("openssl-resumption-early-data", "transcript-c2s.hex");
    let s = ServerConfig::builder()
        .certificate(chain("server-ecdsa"), key("server-ecdsa"))
        .versions(&[TLS13])
        .build()
        .unwrap();
    let mut s = ServerConnection::new(&s).unwrap();
    let mut rest = wire.as_slice();
    while !rest.is_empty() {
        let n = s.read_tls(&mut rest).unwrap();
        assert!(n > 0);
        s.process_new_packets().unwrap();
    }
    assert!(s.is_handshaking(), "waiting for a Finished it can open");
    assert_eq!(s.protocol_version(), None);
    let mut out = Vec::new();
    while s.wants_write() {
        s.write_tls(&mut out).unwrap();
    }
    // Its flight went out: a ServerHello (handshake record, type 2) first.
    assert_eq!((out[0], out[5]), (22, 2));
}

#[test]
fn rfc5246_6_2_1_tls12_chosen_by_the_server_keeps_tls12_record_rules_at_a_client_that_offered_tls13()
 {
    // The client offers both versions; the server speaks only TLS 1.2. Once TLS 1.2 is
    // chosen, every protected record must carry version 1.2, as on a TLS 1.2-only client.
    let s = server("server-ecdsa", &[TLS12]).build().unwrap();
    let cl = client(Some("client-ecdsa"), &[TLS13, TLS12])
        .build()
        .unwrap();
    let (mut c, mut s) = connect(&cl, &s);
    pump_ok(&mut c, &mut s);
    assert_eq!(c.protocol_version(), Some(TLS12));
    s.writer().write_all(b"one record").unwrap();
    let mut wire = Vec::new();
    while s.wants_write() {
        s.write_tls(&mut wire).unwrap();
    }
    // The record header's version: 3,3 -> 3,1.
    wire[2] = 1;
    c.read_tls(&mut wire.as_slice()).unwrap();
    let err = c.process_new_packets().unwrap_err();
    assert_eq!(
        err.alert_sent(),
        Some(AlertDescription::ProtocolVersion),
        "{err}"
    );
}
