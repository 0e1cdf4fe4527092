//! The `certificate_chain` target: arbitrary chains judged by both webpki verifiers of
//! mtls-pki over the fixture CA.

use std::sync::OnceLock;

use mtls::pki::{WebPkiClientVerifier, WebPkiServerVerifier};
use mtls_handshake::{CertificateDer, CertificateError, ClientCertVerifier, ServerCertVerifier};

use crate::connections::{NOW, fixture_roots};

struct ChainVerifiers {
    server: WebPkiServerVerifier,
    client: WebPkiClientVerifier,
}

fn fixture_verifiers() -> &'static ChainVerifiers {
    static V: OnceLock<ChainVerifiers> = OnceLock::new();
    V.get_or_init(|| ChainVerifiers {
        server: WebPkiServerVerifier::new(fixture_roots()),
        client: WebPkiClientVerifier::new(fixture_roots()),
    })
}

/// Names the `certificate_chain` target verifies server chains for (byte 0, bits 0-1).
pub const CHAIN_NAMES: [&str; 4] = ["localhost", "127.0.0.1", "other.example", "a.other.example"];
/// Times it verifies at (byte 0, bits 2-3): inside the fixtures' validity, before, after.
pub const CHAIN_TIMES: [u64; 4] = [NOW, 1_700_000_000, 2_200_000_000, 2_000_000_000];

/// Splits `data` into at most 4 certificates, each a big-endian u16 length then that many
/// bytes (fewer if the input ends first).
pub fn split_certs(mut data: &[u8]) -> Vec<CertificateDer<'static>> {
    let mut certs = Vec::new();
    while certs.len() < 4 {
        let [hi, lo, rest @ ..] = data else { break };
        let len = usize::from(u16::from_be_bytes([*hi, *lo])).min(rest.len());
        let (der, after) = rest.split_at(len);
        certs.push(CertificateDer::from(der.to_vec()));
        data = after;
    }
    certs
}

fn check_refusal(result: Result<(), CertificateError>) {
    if let Err(e) = result {
        use mtls::AlertDescription as A;
        let alert = e.alert();
        assert!(
            matches!(
                alert,
                A::BadCertificate
                    | A::UnsupportedCertificate
                    | A::CertificateRevoked
                    | A::CertificateExpired
                    | A::CertificateUnknown
                    | A::UnknownCa
                    | A::AccessDenied
                    | A::DecodeError
            ),
            "certificate refusal mapped to alert {alert:?}: {e}"
        );
        assert!(!e.to_string().is_empty(), "empty refusal message: {e:?}");
    }
}

/// `certificate_chain`: byte 0 picks the server name (bits 0-1, [`CHAIN_NAMES`]), the time
/// (bits 2-3, [`CHAIN_TIMES`]) and whether the last certificate is trusted as a root too
/// (bit 4); the rest is 1-4 DER certificates ([`split_certs`]), leaf first. Both webpki
/// verifiers judge the chain: no panic, the same verdict twice, and every refusal maps to a
/// certificate alert with a message.
pub fn fuzz_certificate_chain(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let certs = split_certs(rest);
    if certs.is_empty() {
        return;
    }
    let name = CHAIN_NAMES[usize::from(flags & 3)];
    let now = CHAIN_TIMES[usize::from((flags >> 2) & 3)];
    let extra;
    let verifiers = if flags & 16 != 0 {
        let mut roots = fixture_roots();
        if let Some(last) = certs.last() {
            // Anchor extraction from arbitrary DER: refusing is fine, panicking is not.
            let _ = roots.add(last);
        }
        extra = ChainVerifiers {
            server: WebPkiServerVerifier::new(roots.clone()),
            client: WebPkiClientVerifier::new(roots),
        };
        &extra
    } else {
        fixture_verifiers()
    };
    let server = verifiers.server.verify_server_cert(&certs, Some(name), now);
    assert_eq!(
        server,
        verifiers.server.verify_server_cert(&certs, Some(name), now),
        "server verdict not deterministic"
    );
    check_refusal(server);
    let client = verifiers.client.verify_client_cert(&certs, now);
    check_refusal(client);
    // No name: always refused, with a message.
    let unnamed = verifiers.server.verify_server_cert(&certs, None, now);
    assert!(unnamed.is_err());
    check_refusal(unnamed);
}
