//! Full mutual-TLS handshakes with mtls-pki's webpki verifiers on both sides and keys loaded
//! from files, client against server in memory through the real record layer (the testkit's
//! sans-IO endpoints). Here rather than in mtls-pki's tests, so that mtls-pki depends on no
//! handshake, not even to test (docs/ARCHITECTURE.md, "Allowed dependency edges").

use std::sync::Arc;

use mtls_crypto::DeterministicRng;
use mtls_handshake::{
    ClientAuthPolicy, ClientConfig, ClientHandshake, FixedClock, InMemoryClientSessionStore,
    InMemorySessionCache, ServerConfig, ServerHandshake,
};
use mtls_pki::{Crl, RootStore, WebPkiClientVerifier, WebPkiServerVerifier, load_certified_key};
use mtls_testkit::{Driven, RecordEndpoint, pki, pump};
use mtls_wire::AlertDescription;

/// 2027-01-01: inside the validity of the test PKI (2026-11-28 .. 2036-11-25) and of the
/// rcgen CA of `crate::p384`.
const NOW: u64 = 1_798_761_600;

struct Outcome {
    client: RecordEndpoint,
    server: RecordEndpoint,
    /// The server's view: `Some(true)` for a completed resumption.
    server_resumed: Option<bool>,
}

fn run(client_config: ClientConfig, server_config: ServerConfig, name: &str) -> Outcome {
    run_shared(Arc::new(client_config), Arc::new(server_config), name, 1)
}

/// As [`run`], with configs that outlive the connection (shared session caches) and a seed.
fn run_shared(
    client_config: Arc<ClientConfig>,
    server_config: Arc<ServerConfig>,
    name: &str,
    seed: u8,
) -> Outcome {
    let (mut client, actions) = ClientHandshake::with_rng(
        client_config,
        Some(name),
        Box::new(DeterministicRng::from_seed([seed; 32])),
    )
    .unwrap();
    let mut server = ServerHandshake::with_rng(
        server_config,
        Box::new(DeterministicRng::from_seed([seed.wrapping_add(1); 32])),
    );
    let (mut c, mut s) = (RecordEndpoint::new("client"), RecordEndpoint::new("server"));
    c.apply(actions);
    let _ = pump(
        &mut Driven::new(&mut c, &mut client),
        &mut Driven::new(&mut s, &mut server),
    );
    Outcome {
        client: c,
        server: s,
        server_resumed: server.summary().map(|s| s.resumed),
    }
}

fn configs(server_cert: &str, client_cert: &str) -> (ClientConfig, ServerConfig) {
    let roots = Arc::new(RootStore::load(pki("ca.pem")).unwrap());
    let server_key = load_certified_key(
        pki(&format!("{server_cert}.pem")),
        pki(&format!("{server_cert}.key")),
    )
    .unwrap();
    let mut sc = ServerConfig::new(Arc::new(vec![Arc::new(server_key)]));
    sc.client_auth = ClientAuthPolicy::Required;
    sc.client_verifier = Some(Arc::new(WebPkiClientVerifier::new(Arc::clone(&roots))));
    sc.time = Arc::new(FixedClock(NOW));
    // TLS 1.2: session-id resumption and its re-verification are what these tests check.
    sc.versions = vec![mtls_wire::ProtocolVersion::TLSv1_2];

    let client_key = load_certified_key(
        pki(&format!("{client_cert}.pem")),
        pki(&format!("{client_cert}.key")),
    )
    .unwrap();
    let mut cc = ClientConfig::new(Arc::new(WebPkiServerVerifier::new(roots)));
    cc.cert_resolver = Some(Arc::new(Arc::new(client_key)));
    cc.time = Arc::new(FixedClock(NOW));
    cc.versions = vec![mtls_wire::ProtocolVersion::TLSv1_2];
    (cc, sc)
}

#[test]
fn mutual_tls_with_webpki_verifiers_on_both_sides() {
    for (server, client) in [
        ("server-ecdsa", "client-rsa"),
        ("server-rsa", "client-ecdsa"),
    ] {
        for name in ["localhost", "127.0.0.1"] {
            let (cc, sc) = configs(server, client);
            let o = run(cc, sc, name);
            assert_eq!(o.client.error, None, "{server}/{client}/{name}");
            assert_eq!(o.server.error, None, "{server}/{client}/{name}");
            assert!(o.client.complete && o.server.complete);
        }
    }
}

#[test]
fn wrong_server_name_ends_with_bad_certificate() {
    let (cc, sc) = configs("server-ecdsa", "client-ecdsa");
    let o = run(cc, sc, "example.com");
    let err = o.client.error.unwrap();
    assert_eq!(err.alert(), AlertDescription::BadCertificate);
    assert!(err.to_string().contains("example.com"), "{err}");
    assert!(
        o.server
            .alerts_received
            .iter()
            .any(|a| a.description == AlertDescription::BadCertificate)
    );
}

#[test]
fn revoked_client_ends_with_certificate_revoked() {
    let client_cert = load_certified_key(pki("client-rsa.pem"), pki("client-rsa.key")).unwrap();
    let crl = fixture_ca_crl(&x509_serial(&client_cert.chain[0]));
    let (cc, mut sc) = configs("server-ecdsa", "client-rsa");
    let roots = RootStore::load(pki("ca.pem")).unwrap();
    sc.client_verifier = Some(Arc::new(WebPkiClientVerifier::new(roots).with_crls([crl])));
    let o = run(cc, sc, "localhost");
    let err = o.server.error.unwrap();
    assert_eq!(err.alert(), AlertDescription::CertificateRevoked, "{err}");
    assert!(
        o.client
            .alerts_received
            .iter()
            .any(|a| a.description == AlertDescription::CertificateRevoked)
    );
}

#[test]
fn client_of_another_ca_ends_with_unknown_ca() {
    // A P-384 CA made at test time, and a client certificate it issued.
    let other = crate::p384::pki("another CA");
    let ck = mtls_handshake::CertifiedKey::new(other.client.chain, other.client.key).unwrap();
    let (mut cc, sc) = configs("server-ecdsa", "client-ecdsa");
    // The server names only the fixture CA, but this client offers its certificate anyway.
    cc.cert_resolver = Some(Arc::new(Arc::new(ck)));
    let o = run(cc, sc, "localhost");
    assert_eq!(o.server.error.unwrap().alert(), AlertDescription::UnknownCa);
}

/// A CRL of the fixture CA revoking `serial`, signed by an rcgen CA that has the fixture
/// CA's name and key.
fn fixture_ca_crl(serial: &[u8]) -> Crl {
    let ca_key_pem = std::fs::read_to_string(pki("ca.key")).unwrap();
    let ca_key =
        rcgen::KeyPair::from_pem_and_sign_algo(&ca_key_pem, &rcgen::PKCS_ECDSA_P256_SHA256)
            .unwrap();
    let mut ca_params = rcgen::CertificateParams::default();
    ca_params.distinguished_name = rcgen::DistinguishedName::new();
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "mtls test CA");
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let crl = rcgen::CertificateRevocationListParams {
        this_update: rcgen::date_time_ymd(2026, 11, 28),
        next_update: rcgen::date_time_ymd(2027, 11, 28),
        crl_number: rcgen::SerialNumber::from(1u64),
        issuing_distribution_point: None,
        revoked_certs: vec![rcgen::RevokedCertParams {
            serial_number: rcgen::SerialNumber::from_slice(serial),
            revocation_time: rcgen::date_time_ymd(2026, 11, 28),
            reason_code: None,
            invalidity_date: None,
        }],
        key_identifier_method: rcgen::KeyIdMethod::Sha256,
    }
    .signed_by(&issuer)
    .unwrap();
    Crl::from_der(crl.der()).unwrap()
}

/// The reload that must not let a session through (RFC 5246 7.4.1.2: a server resumes only
/// sessions it is willing to re-establish): config A trusts the client, shares its session
/// cache with config B, and is dropped; B trusts another CA, or revokes the client by CRL.
/// A resumption against B must re-verify the client and be refused. The old verifier's
/// address must never be taken for B's: on a reused address the session used to count as
/// vouched for by B.
#[test]
fn rfc5246_7_4_1_2_resumption_after_a_config_reload_re_verifies_the_client() {
    let client_serial = {
        let k = load_certified_key(pki("client-rsa.pem"), pki("client-rsa.key")).unwrap();
        x509_serial(&k.chain[0])
    };
    let other_ca = crate::p384::pki("another CA").ca;
    /// What a reload builds, what it is, and the alert it must end in.
    type Reload<'a> = (
        &'a str,
        AlertDescription,
        Box<dyn Fn() -> WebPkiClientVerifier + 'a>,
    );
    let reloads: [Reload<'_>; 2] = [
        (
            "another CA",
            AlertDescription::UnknownCa,
            Box::new(|| WebPkiClientVerifier::new(crate::p384::roots(&other_ca))),
        ),
        (
            "a CRL revoking the client",
            AlertDescription::CertificateRevoked,
            Box::new(|| {
                WebPkiClientVerifier::new(RootStore::load(pki("ca.pem")).unwrap())
                    .with_crls([fixture_ca_crl(&client_serial)])
            }),
        ),
    ];
    for (seed, (what, alert, reloaded)) in (10u8..).step_by(10).zip(reloads) {
        let cache = Arc::new(InMemorySessionCache::new(8, 3600));
        let (mut cc, mut sc) = configs("server-ecdsa", "client-rsa");
        cc.session_store = Some(Arc::new(InMemoryClientSessionStore::new(8, 3600)));
        sc.session_cache = Some(cache.clone());
        let cc = Arc::new(cc);
        let a = Arc::new(sc);
        let a_verifier = Arc::as_ptr(a.client_verifier.as_ref().unwrap()).cast::<()>() as usize;
        let first = run_shared(cc.clone(), a, "localhost", seed);
        assert_eq!(first.server.error, None, "{what}");
        assert_eq!(first.server_resumed, Some(false));
        assert_eq!(cache.len(), 1);
        // A is gone (the connection held the last reference). B is built until its verifier
        // lands where A's was, as an allocator does on the first try more often than not.
        let mut b = None;
        for _ in 0..64 {
            let (_, mut sc) = configs("server-ecdsa", "client-rsa");
            sc.client_verifier = None;
            let verifier: Arc<dyn mtls_handshake::ClientCertVerifier> = Arc::new(reloaded());
            let reused = Arc::as_ptr(&verifier).cast::<()>() as usize == a_verifier;
            sc.client_verifier = Some(verifier);
            sc.session_cache = Some(cache.clone());
            b = Some(sc);
            if reused {
                break;
            }
        }
        let o = run_shared(cc.clone(), Arc::new(b.unwrap()), "localhost", seed + 1);
        assert_ne!(
            o.server_resumed,
            Some(true),
            "{what}: resumed without re-verifying"
        );
        let err = o
            .server
            .error
            .as_ref()
            .unwrap_or_else(|| panic!("{what}: accepted"));
        assert_eq!(err.alert(), alert, "{what}: {err}");
    }
}

/// The serialNumber contents of a DER certificate (TBSCertificate's second field).
fn x509_serial(cert: &[u8]) -> Vec<u8> {
    use x509_cert::der::Decode;
    let c = x509_cert::Certificate::from_der(cert).unwrap();
    c.tbs_certificate().serial_number().as_bytes().to_vec()
}
