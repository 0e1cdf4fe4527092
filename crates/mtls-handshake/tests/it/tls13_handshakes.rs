//! Every TLS 1.3 row of the sequence table, our client against our server in memory, for
//! each suite, each group, RSA, ECDSA P-256 and P-384 certificates on both sides; version
//! negotiation between TLS 1.2 and 1.3; post-handshake authentication and KeyUpdate.

use std::sync::Arc;

use mtls_crypto::kx::NamedGroup;
use mtls_crypto::signature::SignatureAlgorithm;
use mtls_handshake::sequence::{Kind, Side};
use mtls_handshake::suites::{ALL_TLS13_SUITES, NegotiatedSuite};
use mtls_handshake::{ClientAuthPolicy, PostHandshakeRequest};
use mtls_wire::handshake::DOWNGRADE_TLS12;
use mtls_wire::{AlertDescription, ProtocolVersion};

use crate::common::fixture;
use crate::tls13_common::*;

fn certified_p384(name: &str) -> Arc<mtls_handshake::CertifiedKey> {
    let chain = vec![
        mtls_handshake::CertificateDer::from(fixture(&format!("{name}.cert.der"))),
        mtls_handshake::CertificateDer::from(fixture("ca-p384.cert.der")),
    ];
    let key =
        mtls_crypto::signature::SigningKey::from_pkcs8_der(&fixture(&format!("{name}.key.der")))
            .unwrap();
    Arc::new(mtls_handshake::CertifiedKey::new(chain, key).unwrap())
}

/// RFC 8446 2, figure 1: the full handshake with every suite and every group, an ECDSA and
/// an RSA server certificate.
#[test]
fn rfc8446_2_full_handshake_every_suite_group_and_server_key() {
    let mut seed = 1u8;
    for suite in ALL_TLS13_SUITES {
        for group in [
            NamedGroup::X25519,
            NamedGroup::Secp256r1,
            NamedGroup::Secp384r1,
        ] {
            for cert in ["server-ecdsa", "server-rsa"] {
                let (mut cc, mut sc) = configs13(cert, None, ClientAuthPolicy::None);
                cc.tls13_suites = vec![suite];
                cc.groups = vec![group];
                sc.groups = vec![group];
                let mut conn = Conn13::new(cc, sc, seed);
                seed += 1;
                conn.run();
                conn.assert_ok();
                let (c, s) = (
                    conn.client.summary().unwrap(),
                    conn.server.summary().unwrap(),
                );
                assert_eq!(c.kind, Kind::Tls13);
                assert_eq!(s.kind, Kind::Tls13);
                assert_eq!(c.version, ProtocolVersion::TLSv1_3);
                assert_eq!(s.suite, NegotiatedSuite::Tls13(suite));
                assert_eq!(c.suite, NegotiatedSuite::Tls13(suite));
                assert_eq!(c.group, Some(group));
                assert_eq!(s.group, Some(group));
                let expected = if cert == "server-rsa" {
                    SignatureAlgorithm::RsaPssRsaeSha256
                } else {
                    SignatureAlgorithm::EcdsaSecp256r1Sha256
                };
                assert_eq!(c.server_signature, Some(expected));
                assert!(c.peer_verified);
                assert_eq!(c.peer_certificates.len(), 2);
                assert!(s.peer_certificates.is_empty());
                assert!(!s.peer_verified);
                assert!(c.extended_master_secret && !c.resumed);
                assert_eq!(c.client_random, s.client_random);
                assert_eq!(c.server_random, s.server_random);
                // Handshake keys, then application keys, each way (RFC 8446 7.3).
                assert_eq!(conn.c.writes.len(), 2);
                assert_eq!(conn.s.writes.len(), 2);
            }
        }
    }
}

/// RFC 8446 4.3.2, 4.4.2, 4.4.3: the client authenticates with an ECDSA, RSA or P-384
/// certificate, each server key type.
#[test]
fn rfc8446_4_4_client_certificate_every_key_type() {
    let mut seed = 40u8;
    for server in ["server-ecdsa", "server-rsa"] {
        for client in ["client-ecdsa", "client-rsa"] {
            let (cc, sc) = configs13(server, Some(client), ClientAuthPolicy::Required);
            let mut conn = Conn13::new(cc, sc, seed);
            seed += 1;
            conn.run();
            conn.assert_ok();
            let s = conn.server.summary().unwrap();
            assert_eq!(s.kind, Kind::Tls13ClientCert);
            assert!(s.peer_verified);
            assert!(s.peer_identity.is_some());
            assert_eq!(s.peer_certificates.len(), 2);
            let expected = if client == "client-rsa" {
                SignatureAlgorithm::RsaPssRsaeSha256
            } else {
                SignatureAlgorithm::EcdsaSecp256r1Sha256
            };
            assert_eq!(s.client_signature, Some(expected));
            assert_eq!(
                conn.client.summary().unwrap().client_signature,
                Some(expected)
            );
        }
    }
}

/// RFC 8446 4.2.3: P-384 keys sign with ecdsa_secp384r1_sha384 both ways.
#[test]
fn rfc8446_4_2_3_p384_keys_sign_with_their_own_curve_scheme() {
    let (mut cc, mut sc) = configs13("server-ecdsa", None, ClientAuthPolicy::Required);
    sc.cert_resolver = Arc::new(vec![certified_p384("server-p384")]);
    cc.cert_resolver = Some(Arc::new(certified_p384("client-p384")));
    let mut conn = Conn13::new(cc, sc, 60);
    conn.run();
    conn.assert_ok();
    let s = conn.server.summary().unwrap();
    let c = conn.client.summary().unwrap();
    assert_eq!(
        s.client_signature,
        Some(SignatureAlgorithm::EcdsaSecp384r1Sha384)
    );
    assert_eq!(
        c.server_signature,
        Some(SignatureAlgorithm::EcdsaSecp384r1Sha384)
    );
}

/// RFC 8446 4.4.2.4: the client has no certificate and says so with an empty Certificate
/// and no CertificateVerify; the Optional and Request policies go on.
#[test]
fn rfc8446_4_4_2_4_empty_client_certificate_when_optional() {
    for policy in [ClientAuthPolicy::Optional, ClientAuthPolicy::Request] {
        let (cc, sc) = configs13("server-ecdsa", None, policy);
        let mut conn = Conn13::new(cc, sc, 61);
        conn.run();
        conn.assert_ok();
        let s = conn.server.summary().unwrap();
        assert_eq!(s.kind, Kind::Tls13NoClientCert);
        assert!(s.peer_certificates.is_empty() && s.peer_identity.is_none());
        assert_eq!(s.client_signature, None);
    }
}

/// RFC 8446 4.1.4: the client's share is for a group the server does not take; the server
/// asks again for one it does (HelloRetryRequest), with and without client authentication.
#[test]
fn rfc8446_4_1_4_hello_retry_request_rows() {
    let cases = [
        (None, ClientAuthPolicy::None, Kind::Tls13Retry),
        (
            Some("client-ecdsa"),
            ClientAuthPolicy::Required,
            Kind::Tls13RetryClientCert,
        ),
        (
            None,
            ClientAuthPolicy::Optional,
            Kind::Tls13RetryNoClientCert,
        ),
    ];
    let mut seed = 70u8;
    for (client, policy, kind) in cases {
        for (first, wanted) in [
            (NamedGroup::X25519, NamedGroup::Secp256r1),
            (NamedGroup::Secp256r1, NamedGroup::Secp384r1),
            (NamedGroup::Secp384r1, NamedGroup::X25519),
        ] {
            let (mut cc, mut sc) = configs13("server-rsa", client, policy);
            cc.groups = vec![first, wanted];
            sc.groups = vec![wanted];
            let mut conn = Conn13::new(cc, sc, seed);
            seed += 1;
            conn.run();
            conn.assert_ok();
            assert_eq!(conn.client.summary().unwrap().kind, kind);
            assert_eq!(conn.server.summary().unwrap().kind, kind);
            assert_eq!(conn.client.summary().unwrap().group, Some(wanted));
            // Two ClientHellos.
            assert_eq!(conn.c.sent.iter().filter(|m| m[0] == 1).count(), 2);
        }
    }
}

/// RFC 8446 D.4: our client uses middlebox compatibility mode (a legacy_session_id); each
/// side sends exactly one ChangeCipherSpec, in plaintext (the harness checks), and each is
/// dropped by the peer.
#[test]
fn rfc8446_d_4_one_compatibility_change_cipher_spec_each_way() {
    let (cc, sc) = configs13(
        "server-ecdsa",
        Some("client-rsa"),
        ClientAuthPolicy::Required,
    );
    let mut conn = Conn13::new(cc, sc, 80);
    conn.run();
    conn.assert_ok();
    assert_eq!(conn.c.ccs_sent, 1);
    assert_eq!(conn.s.ccs_sent, 1);
}

/// RFC 7301 in TLS 1.3: the protocol travels in EncryptedExtensions.
#[test]
fn rfc8446_4_3_1_alpn_in_encrypted_extensions() {
    let (mut cc, mut sc) = configs13("server-ecdsa", None, ClientAuthPolicy::None);
    cc.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    sc.alpn_protocols = vec![b"http/1.1".to_vec()];
    let mut conn = Conn13::new(cc, sc, 81);
    conn.run();
    conn.assert_ok();
    assert_eq!(
        conn.client.summary().unwrap().alpn.as_deref(),
        Some(&b"http/1.1"[..])
    );
    assert_eq!(
        conn.server.summary().unwrap().alpn.as_deref(),
        Some(&b"http/1.1"[..])
    );
    assert_eq!(
        conn.server.summary().unwrap().server_name.as_deref(),
        Some("localhost")
    );
}

// ---- version negotiation (RFC 8446 4.2.1, 4.1.3) ----

fn versions(v: &[ProtocolVersion]) -> Vec<ProtocolVersion> {
    v.to_vec()
}

/// A client and a server that both speak TLS 1.2 and 1.3 agree on TLS 1.3.
#[test]
fn rfc8446_4_2_1_both_versions_on_both_sides_negotiate_tls13() {
    let (mut cc, mut sc) = configs13("server-ecdsa", None, ClientAuthPolicy::None);
    cc.versions = versions(&[ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_2]);
    sc.versions = versions(&[ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_2]);
    let mut conn = Conn13::new(cc, sc, 90);
    conn.run();
    conn.assert_ok();
}

/// A client of both versions against a TLS 1.2-only server: TLS 1.2, no sentinel.
#[test]
fn rfc8446_4_2_1_tls12_only_server_gets_tls12_from_a_dual_client() {
    let (mut cc, mut sc) = configs13("server-ecdsa", None, ClientAuthPolicy::None);
    cc.versions = versions(&[ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_2]);
    sc.versions = versions(&[ProtocolVersion::TLSv1_2]);
    let mut conn = Conn13::new(cc, sc, 91);
    conn.run();
    assert!(conn.c.error.is_none() && conn.s.error.is_none());
    let c = conn.client.summary().unwrap();
    assert_eq!(c.version, ProtocolVersion::TLSv1_2);
    assert_eq!(c.kind, Kind::FullEcdhe);
    assert_ne!(c.server_random[24..], DOWNGRADE_TLS12);
}

/// RFC 8446 4.1.3: a server of both versions that negotiates TLS 1.2 (with a TLS 1.2-only
/// client) writes the downgrade sentinel in its random; that client does not check it.
#[test]
fn rfc8446_4_1_3_dual_server_writes_the_downgrade_sentinel_for_tls12() {
    let (mut cc, mut sc) = configs13("server-ecdsa", None, ClientAuthPolicy::None);
    cc.versions = versions(&[ProtocolVersion::TLSv1_2]);
    sc.versions = versions(&[ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_2]);
    let mut conn = Conn13::new(cc, sc, 92);
    conn.run();
    assert!(conn.c.error.is_none() && conn.s.error.is_none());
    let c = conn.client.summary().unwrap();
    assert_eq!(c.version, ProtocolVersion::TLSv1_2);
    assert_eq!(c.server_random[24..], DOWNGRADE_TLS12);
    assert_eq!(
        conn.server.summary().unwrap().server_random[24..],
        DOWNGRADE_TLS12
    );
}

/// A TLS 1.3-only client and a TLS 1.2-only server have no version in common.
#[test]
fn rfc8446_4_2_1_tls13_only_client_against_tls12_only_server_is_protocol_version() {
    let (cc, mut sc) = configs13("server-ecdsa", None, ClientAuthPolicy::None);
    sc.versions = versions(&[ProtocolVersion::TLSv1_2]);
    let mut conn = Conn13::new(cc, sc, 93);
    conn.run();
    conn.assert_failed(Side::Server, AlertDescription::ProtocolVersion);
}

/// A TLS 1.2-only client and a TLS 1.3-only server have no version in common either.
#[test]
fn rfc8446_4_2_1_tls12_only_client_against_tls13_only_server_is_protocol_version() {
    let (mut cc, sc) = configs13("server-ecdsa", None, ClientAuthPolicy::None);
    cc.versions = versions(&[ProtocolVersion::TLSv1_2]);
    let mut conn = Conn13::new(cc, sc, 94);
    conn.run();
    conn.assert_failed(Side::Server, AlertDescription::ProtocolVersion);
}

/// A client that offers TLS 1.3 with no TLS 1.3 suite the server has falls back to TLS 1.2
/// when both speak it (the server's suites decide).
#[test]
fn rfc8446_4_2_1_no_tls13_suite_in_common_falls_back_to_tls12_which_the_sentinel_betrays() {
    let (mut cc, mut sc) = configs13("server-ecdsa", None, ClientAuthPolicy::None);
    cc.versions = versions(&[ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_2]);
    sc.versions = versions(&[ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_2]);
    cc.tls13_suites = vec![ALL_TLS13_SUITES[0]];
    sc.tls13_suites = vec![ALL_TLS13_SUITES[1]];
    let mut conn = Conn13::new(cc, sc, 95);
    conn.run();
    // The server fell back to TLS 1.2 ...
    assert_eq!(conn.server.version(), ProtocolVersion::TLSv1_2);
    // ... and the client, which offered TLS 1.3, sees the sentinel and refuses the
    // downgrade (RFC 8446 4.1.3 makes no exception for a suite mismatch).
    conn.assert_failed(Side::Client, AlertDescription::IllegalParameter);
}

/// Without TLS 1.2 on either side, no TLS 1.3 suite in common is handshake_failure.
#[test]
fn rfc8446_4_1_1_no_tls13_suite_in_common_is_handshake_failure() {
    let (mut cc, mut sc) = configs13("server-ecdsa", None, ClientAuthPolicy::None);
    cc.tls13_suites = vec![ALL_TLS13_SUITES[0]];
    sc.tls13_suites = vec![ALL_TLS13_SUITES[2]];
    let mut conn = Conn13::new(cc, sc, 96);
    conn.run();
    conn.assert_failed(Side::Server, AlertDescription::HandshakeFailure);
}

/// No group in common: handshake_failure (RFC 8446 4.1.1).
#[test]
fn rfc8446_4_1_1_no_group_in_common_is_handshake_failure() {
    let (mut cc, mut sc) = configs13("server-ecdsa", None, ClientAuthPolicy::None);
    cc.groups = vec![NamedGroup::X25519];
    sc.groups = vec![NamedGroup::Secp384r1];
    let mut conn = Conn13::new(cc, sc, 97);
    conn.run();
    conn.assert_failed(Side::Server, AlertDescription::HandshakeFailure);
}

// ---- post-handshake (RFC 8446 4.6) ----

/// RFC 8446 4.6.2: the server asks after the handshake; the client answers with its
/// certificate; the summary then names it.
#[test]
fn rfc8446_4_6_2_post_handshake_auth_with_a_certificate() {
    for client in ["client-ecdsa", "client-rsa"] {
        let (cc, sc) = configs13(
            "server-ecdsa",
            Some(client),
            ClientAuthPolicy::PostHandshake,
        );
        let mut conn = Conn13::new(cc, sc, 100);
        conn.run();
        conn.assert_ok();
        let s = conn.server.summary().unwrap();
        assert_eq!(s.kind, Kind::Tls13);
        assert!(s.peer_certificates.is_empty() && !s.peer_verified);
        conn.post(Side::Server, PostHandshakeRequest::RequestClientCertificate)
            .unwrap();
        assert!(
            conn.c.error.is_none() && conn.s.error.is_none(),
            "{:?} {:?}",
            conn.c.error,
            conn.s.error
        );
        assert_eq!(conn.s.peer_authenticated, 1);
        let s = conn.server.summary().unwrap();
        assert!(s.peer_verified);
        assert_eq!(s.peer_certificates.len(), 2);
        assert!(s.peer_identity.is_some());
        assert!(s.client_signature.is_some());
        // A second request after the first completed works too.
        conn.post(Side::Server, PostHandshakeRequest::RequestClientCertificate)
            .unwrap();
        assert_eq!(conn.s.peer_authenticated, 2);
        assert!(conn.c.error.is_none() && conn.s.error.is_none());
        // Post-handshake messages travel under the application keys (the harness checks)
        // and change none.
        conn.assert_keys_agree();
    }
}

/// RFC 8446 4.6.2: a client without a certificate answers with an empty Certificate and a
/// Finished; under Optional the server goes on with no peer certificate.
#[test]
fn rfc8446_4_6_2_post_handshake_auth_empty_when_optional() {
    let (mut cc, sc) = configs13(
        "server-ecdsa",
        Some("client-ecdsa"),
        ClientAuthPolicy::Optional,
    );
    // A resolver that never has a fitting certificate still offers post_handshake_auth.
    cc.cert_resolver = Some(Arc::new(NoCert));
    let mut conn = Conn13::new(cc, sc, 101);
    conn.run();
    conn.assert_ok();
    conn.post(Side::Server, PostHandshakeRequest::RequestClientCertificate)
        .unwrap();
    assert!(conn.c.error.is_none() && conn.s.error.is_none());
    assert_eq!(conn.s.peer_authenticated, 1);
    let s = conn.server.summary().unwrap();
    assert!(s.peer_certificates.is_empty() && !s.peer_verified);
}

struct NoCert;
impl mtls_handshake::ResolvesClientCert for NoCert {
    fn resolve(
        &self,
        _: &mtls_handshake::CertificateRequestInfo<'_>,
    ) -> Option<Arc<mtls_handshake::CertifiedKey>> {
        None
    }
}

/// RFC 8446 4.6.2, 4.4.2.4: under the PostHandshake policy an empty answer is
/// certificate_required.
#[test]
fn rfc8446_4_6_2_post_handshake_auth_empty_when_required_is_certificate_required() {
    let (mut cc, sc) = configs13("server-ecdsa", None, ClientAuthPolicy::PostHandshake);
    cc.cert_resolver = Some(Arc::new(NoCert));
    let mut conn = Conn13::new(cc, sc, 102);
    conn.run();
    conn.assert_ok();
    conn.post(Side::Server, PostHandshakeRequest::RequestClientCertificate)
        .unwrap();
    conn.assert_failed(Side::Server, AlertDescription::CertificateRequired);
}

/// The application's mistakes are errors that leave the connection alive: a client that
/// did not offer post_handshake_auth cannot be asked, nor can one be asked twice at once.
#[test]
fn rfc8446_4_2_6_request_refused_without_post_handshake_auth_offer() {
    let (cc, sc) = configs13("server-ecdsa", None, ClientAuthPolicy::PostHandshake);
    let mut conn = Conn13::new(cc, sc, 103);
    conn.run();
    conn.assert_ok();
    assert!(
        conn.server
            .post_handshake(PostHandshakeRequest::RequestClientCertificate)
            .is_err()
    );
    // Still alive: a KeyUpdate works.
    conn.post(
        Side::Server,
        PostHandshakeRequest::UpdateKeys {
            request_peer: false,
        },
    )
    .unwrap();
    conn.assert_keys_agree();

    let (cc, sc) = configs13(
        "server-ecdsa",
        Some("client-ecdsa"),
        ClientAuthPolicy::PostHandshake,
    );
    let mut conn = Conn13::new(cc, sc, 104);
    conn.run();
    let first = conn
        .server
        .post_handshake(PostHandshakeRequest::RequestClientCertificate)
        .unwrap();
    assert!(!first.is_empty());
    assert!(
        conn.server
            .post_handshake(PostHandshakeRequest::RequestClientCertificate)
            .is_err(),
        "a second request while one is in flight"
    );
    // A client never asks for a certificate.
    assert!(
        conn.client
            .post_handshake(PostHandshakeRequest::RequestClientCertificate)
            .is_err()
    );
}

/// RFC 8446 4.6.3: KeyUpdate from either side, with and without update_requested; the
/// harness checks every message is read with the keys it was written with. A request is
/// answered before the peer's next application data, not at once.
#[test]
fn rfc8446_4_6_3_key_update_both_directions() {
    let (cc, sc) = configs13(
        "server-ecdsa",
        Some("client-ecdsa"),
        ClientAuthPolicy::Required,
    );
    let mut conn = Conn13::new(cc, sc, 110);
    conn.run();
    conn.assert_ok();
    for side in [Side::Client, Side::Server] {
        for request_peer in [false, true] {
            let (c_before, s_before) = (conn.c.writes.len(), conn.s.writes.len());
            conn.post(side, PostHandshakeRequest::UpdateKeys { request_peer })
                .unwrap();
            conn.before_data(side.peer()).unwrap();
            assert!(conn.c.error.is_none() && conn.s.error.is_none());
            conn.assert_keys_agree();
            let (me, peer) = match side {
                Side::Client => (
                    conn.c.writes.len() - c_before,
                    conn.s.writes.len() - s_before,
                ),
                Side::Server => (
                    conn.s.writes.len() - s_before,
                    conn.c.writes.len() - c_before,
                ),
            };
            assert_eq!(me, 1, "our direction moves one generation");
            assert_eq!(
                peer,
                usize::from(request_peer),
                "the peer answers only when asked"
            );
        }
    }
    // The generations differ from each other.
    let mut all = conn.c.writes.clone();
    all.dedup();
    assert_eq!(all.len(), conn.c.writes.len());
}

/// A TLS 1.2 connection has no post-handshake messages.
#[test]
fn post_handshake_requests_need_tls13() {
    let (mut cc, mut sc) = configs13("server-ecdsa", None, ClientAuthPolicy::None);
    cc.versions = versions(&[ProtocolVersion::TLSv1_2]);
    sc.versions = versions(&[ProtocolVersion::TLSv1_2]);
    let mut conn = Conn13::new(cc, sc, 111);
    conn.run();
    assert!(conn.client.is_complete());
    assert!(
        conn.client
            .post_handshake(PostHandshakeRequest::UpdateKeys {
                request_peer: false
            })
            .is_err()
    );
    assert!(conn.c.error.is_none());
}
