//! The crypto providers end to end (docs/ARCHITECTURE.md, "Crypto providers"): full mutual
//! handshakes for every suite, key type and group, and resumption, on every provider compiled
//! in (`mtls::provider::compiled_in`: RustCrypto, and AWS-LC with the `aws-lc` feature), each
//! side on its own provider; a counting provider shows that a configuration's provider does
//! the work; and, with `aws-lc`, OpenSSL against the AWS-LC provider both ways.
//!
//! `cargo xtask ci` runs this module again with the feature:
//! `cargo test -p mtls-crypto -p mtls --features mtls/aws-lc --lib --test it`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{Read, Write};

use mtls::pki::RootStore;
use mtls::provider::compiled_in;
use mtls::suites::{ALL_SUITES, AuthKeyType};
use mtls::{
    CertificateDer, ClientConfig, ClientConnection, CryptoProvider, HandshakeKind, NamedGroup,
    ServerConfig, ServerConnection, SigningKey, SupportedSuite,
};
use mtls_testkit::{chain, fixture, key, pump};

use crate::p384;

/// The fixture CA and a P-384 CA made now, with the P-384 server and client leaves.
struct Pki {
    roots: RootStore,
    p384: p384::Pki,
}

fn pki() -> Pki {
    let p384 = p384::pki("mtls providers P-384 CA");
    let mut roots = p384::roots(&p384.ca);
    roots
        .add(&CertificateDer::from(fixture("ca.cert.der")))
        .unwrap();
    Pki { roots, p384 }
}

/// A chain and key by name: a fixture, or the P-384 leaves.
fn leaf(pki: &Pki, name: &str) -> (Vec<CertificateDer<'static>>, SigningKey) {
    let reload = |l: &p384::Leaf| SigningKey::from_der(&l.key.to_pkcs8_der().unwrap()).unwrap();
    match name {
        "server-p384" => (pki.p384.server.chain.clone(), reload(&pki.p384.server)),
        "client-p384" => (pki.p384.client.chain.clone(), reload(&pki.p384.client)),
        _ => (chain(name), key(name)),
    }
}

/// What a case varies.
struct Case<'a> {
    server_leaf: &'a str,
    client_leaf: &'a str,
    suite: SupportedSuite,
    group: NamedGroup,
}

/// Client certificates required on both sides, webpki verification of both chains, one suite
/// and one group offered.
fn configs(
    pki: &Pki,
    (server_p, client_p): (&'static CryptoProvider, &'static CryptoProvider),
    case: &Case<'_>,
) -> (ServerConfig, ClientConfig) {
    let (chain, key) = leaf(pki, case.server_leaf);
    let server = ServerConfig::builder()
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .crypto_provider(server_p)
        .certificate(chain, key)
        .client_auth_required(pki.roots.clone())
        .cipher_suites(&[case.suite])
        .groups(&[case.group])
        .enable_static_rsa(true)
        .build()
        .unwrap();
    let (chain, key) = leaf(pki, case.client_leaf);
    let client = ClientConfig::with_roots(pki.roots.clone())
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .client_certificate(chain, key)
        .crypto_provider(client_p)
        .cipher_suites(&[case.suite])
        .groups(&[case.group])
        .enable_static_rsa(true)
        .build()
        .unwrap();
    (server, client)
}

/// One connection: the handshake, then data both ways.
fn connect(server: &ServerConfig, client: &ClientConfig) -> (ServerConnection, ClientConnection) {
    let mut c = ClientConnection::new(client, "localhost").unwrap();
    let mut s = ServerConnection::new(server).unwrap();
    c.writer().write_all(b"ping").unwrap();
    let (rc, rs) = pump(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    let mut got = [0u8; 4];
    s.reader().read_exact(&mut got).unwrap();
    assert_eq!(&got, b"ping");
    s.writer().write_all(b"pong").unwrap();
    let (rc, rs) = pump(&mut c, &mut s);
    rc.unwrap();
    rs.unwrap();
    c.reader().read_exact(&mut got).unwrap();
    assert_eq!(&got, b"pong");
    (s, c)
}

fn pairs() -> Vec<(&'static CryptoProvider, &'static CryptoProvider)> {
    compiled_in()
        .iter()
        .flat_map(|s| compiled_in().iter().map(move |c| (*s, *c)))
        .collect()
}

/// Every suite (static RSA included), with RSA, P-256 and P-384 server keys, RSA, P-256 and
/// P-384 client keys and the three groups spread over the suites, for every (server
/// provider, client provider) pair: the suite negotiated, the client authenticated, data
/// both ways.
#[test]
fn full_mutual_handshakes_for_every_suite_and_key_type_on_every_provider_pair() {
    let pki = pki();
    for pair in pairs() {
        for (i, suite) in ALL_SUITES.iter().enumerate() {
            let case = Case {
                server_leaf: match (suite.auth, i % 2) {
                    (AuthKeyType::Rsa, _) => "server-rsa",
                    (AuthKeyType::Ecdsa, 0) => "server-ecdsa",
                    (AuthKeyType::Ecdsa, _) => "server-p384",
                },
                client_leaf: ["client-rsa", "client-ecdsa", "client-p384"][i % 3],
                suite: *suite,
                group: NamedGroup::ALL[i % 3],
            };
            let (server, client) = configs(&pki, pair, &case);
            let (s, c) = connect(&server, &client);
            let what = format!(
                "{} with {} / {}, server on {}, client on {}",
                suite.name(),
                case.server_leaf,
                case.client_leaf,
                pair.0.name,
                pair.1.name
            );
            let summary = s.handshake_summary().unwrap();
            assert_eq!(summary.suite.suite(), suite.suite, "{what}");
            assert!(
                matches!(
                    summary.kind,
                    HandshakeKind::FullEcdheClientCert | HandshakeKind::FullRsaClientCert
                ),
                "{what}: {:?}",
                summary.kind
            );
            assert_eq!(summary.peer_certificates.len(), 2, "{what}");
            assert_eq!(
                c.handshake_summary().unwrap().suite.suite(),
                suite.suite,
                "{what}"
            );
        }
    }
}

/// A full handshake then a resumed one (session id, RFC 5246 7.4.1.2) on every provider pair:
/// the resumed keys come from the provider's PRF and AEAD on both sides.
#[test]
fn resumption_on_every_provider_pair() {
    let pki = pki();
    for pair in pairs() {
        let case = Case {
            server_leaf: "server-ecdsa",
            client_leaf: "client-rsa",
            suite: ALL_SUITES[0],
            group: NamedGroup::X25519,
        };
        let (server, client) = configs(&pki, pair, &case);
        let (s, _) = connect(&server, &client);
        assert_ne!(s.handshake_kind(), Some(HandshakeKind::Resumed));
        let (s, c) = connect(&server, &client);
        assert_eq!(
            s.handshake_kind(),
            Some(HandshakeKind::Resumed),
            "server on {}, client on {}",
            pair.0.name,
            pair.1.name
        );
        assert!(c.handshake_summary().unwrap().resumed);
    }
}

/// A provider that counts what it is asked to do and hands everything to RustCrypto: a
/// configuration set to it must do all its cryptography through it.
mod counting {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use mtls::crypto::aead::AeadAlgorithm;
    use mtls::crypto::signature::{RsaPrivateKey, RsaPublicKey, SignatureHash, VerifyingKey};
    use mtls::crypto::{Digest, Error, HashAlgorithm, PreMasterSecret};
    use mtls::provider::{
        AeadCipher, AeadProvider, CryptoProvider, HashContext, HashProvider, HmacContext,
        HmacProvider, KxProvider, KxSession, ProviderSigner, RandomSource, RawPublicKey,
        RsaKxProvider, SignatureProvider, rustcrypto,
    };
    use mtls::{NamedGroup, SecureRandom, SignatureAlgorithm, SigningKey};

    /// One counter per table.
    pub static HASHES: AtomicUsize = AtomicUsize::new(0);
    pub static HMACS: AtomicUsize = AtomicUsize::new(0);
    pub static AEAD_KEYS: AtomicUsize = AtomicUsize::new(0);
    pub static KEY_EXCHANGES: AtomicUsize = AtomicUsize::new(0);
    pub static VERIFIED: AtomicUsize = AtomicUsize::new(0);
    pub static VERIFIED_RAW: AtomicUsize = AtomicUsize::new(0);
    pub static SIGNERS: AtomicUsize = AtomicUsize::new(0);
    pub static RANDOM: AtomicUsize = AtomicUsize::new(0);

    fn count(c: &AtomicUsize) {
        c.fetch_add(1, Ordering::SeqCst);
    }

    pub fn get(c: &AtomicUsize) -> usize {
        c.load(Ordering::SeqCst)
    }

    pub static PROVIDER: CryptoProvider = CryptoProvider {
        name: "counting",
        hash: &Counting,
        hmac: &Counting,
        aead: &Counting,
        kx: &Counting,
        signature: &Counting,
        rsa_kx: &Counting,
        random: &Counting,
    };

    struct Counting;
    const INNER: &CryptoProvider = &rustcrypto::PROVIDER;

    impl HashProvider for Counting {
        fn start(&self, hash: SignatureHash) -> Box<dyn HashContext> {
            count(&HASHES);
            INNER.hash.start(hash)
        }
        fn digest(&self, hash: SignatureHash, data: &[u8]) -> Digest {
            count(&HASHES);
            INNER.hash.digest(hash, data)
        }
    }

    impl HmacProvider for Counting {
        fn key(&self, alg: HashAlgorithm, key: &[u8]) -> Box<dyn HmacContext> {
            count(&HMACS);
            INNER.hmac.key(alg, key)
        }
    }

    impl AeadProvider for Counting {
        fn key(&self, alg: AeadAlgorithm, key: &[u8]) -> Result<Box<dyn AeadCipher>, Error> {
            count(&AEAD_KEYS);
            INNER.aead.key(alg, key)
        }
    }

    impl KxProvider for Counting {
        fn start(
            &self,
            group: NamedGroup,
            rng: &mut dyn SecureRandom,
        ) -> Result<Box<dyn KxSession>, Error> {
            count(&KEY_EXCHANGES);
            INNER.kx.start(group, rng)
        }
    }

    impl SignatureProvider for Counting {
        fn verify_prehashed(
            &self,
            key: &VerifyingKey,
            scheme: SignatureAlgorithm,
            prehash: &[u8],
            signature: &[u8],
        ) -> Result<(), Error> {
            count(&VERIFIED);
            INNER
                .signature
                .verify_prehashed(key, scheme, prehash, signature)
        }
        fn verify_raw(
            &self,
            key: RawPublicKey<'_>,
            scheme: SignatureAlgorithm,
            message: &[u8],
            signature: &[u8],
        ) -> Result<(), Error> {
            count(&VERIFIED_RAW);
            INNER.signature.verify_raw(key, scheme, message, signature)
        }
        fn signer(&self, key: &SigningKey) -> Result<Option<Box<dyn ProviderSigner>>, Error> {
            count(&SIGNERS);
            INNER.signature.signer(key)
        }
    }

    impl RsaKxProvider for Counting {
        fn encrypt_premaster(
            &self,
            rng: &mut dyn SecureRandom,
            server_key: &RsaPublicKey,
            client_version: [u8; 2],
        ) -> Result<(PreMasterSecret, Vec<u8>), Error> {
            INNER
                .rsa_kx
                .encrypt_premaster(rng, server_key, client_version)
        }
        fn decrypt_premaster(
            &self,
            key: &RsaPrivateKey,
            rng: &mut dyn SecureRandom,
            client_version: [u8; 2],
            ciphertext: &[u8],
        ) -> PreMasterSecret {
            INNER
                .rsa_kx
                .decrypt_premaster(key, rng, client_version, ciphertext)
        }
    }

    impl RandomSource for Counting {
        fn fill(&self, buf: &mut [u8]) -> Result<(), Error> {
            count(&RANDOM);
            INNER.random.fill(buf)
        }
    }
}

/// Both sides on the counting provider, a full mutual handshake and a resumption: every
/// table did its part, and each record key came from it (two per side per handshake: a key
/// installed from anywhere else would leave the count short).
#[test]
fn the_configured_provider_does_the_work() {
    use counting::*;
    let pki = pki();
    let case = Case {
        server_leaf: "server-ecdsa",
        client_leaf: "client-rsa",
        suite: ALL_SUITES[0],
        group: NamedGroup::Secp256r1,
    };
    let p = &counting::PROVIDER;
    let (server, client) = configs(&pki, (p, p), &case);
    // Both keys were bound to the provider when the configurations were built.
    assert_eq!(get(&SIGNERS), 2);
    let (s, _) = connect(&server, &client);
    assert_eq!(s.handshake_kind(), Some(HandshakeKind::FullEcdheClientCert));
    assert_eq!(get(&AEAD_KEYS), 4);
    // One ephemeral key each.
    assert_eq!(get(&KEY_EXCHANGES), 2);
    // ServerKeyExchange on the client, CertificateVerify on the server.
    assert_eq!(get(&VERIFIED), 2);
    // Each chain's leaf signature, through webpki.
    assert_eq!(get(&VERIFIED_RAW), 2);
    let (s, _) = connect(&server, &client);
    assert_eq!(s.handshake_kind(), Some(HandshakeKind::Resumed));
    assert_eq!(get(&AEAD_KEYS), 8);
    assert_eq!(get(&KEY_EXCHANGES), 2);
    assert!(get(&HASHES) > 0 && get(&HMACS) > 0 && get(&RANDOM) > 0);
}

/// OpenSSL against the AWS-LC provider, both ways, with client certificates, P-256 and RSA
/// keys, and a resumption by our client.
#[cfg(feature = "aws-lc")]
mod openssl {
    use std::time::Instant;

    use mtls::HandshakeKind;
    use mtls::provider::aws_lc::PROVIDER;

    use crate::peers::*;

    #[test]
    fn our_aws_lc_client_resumes_against_s_server() {
        let deadline = Instant::now() + TEST_TIMEOUT;
        let (mut peer, port) = start_s_server(&[
            "-cert",
            &pki("server-ecdsa.pem"),
            "-key",
            &pki("server-ecdsa.key"),
            "-CAfile",
            &pki("ca.pem"),
            "-Verify",
            "1",
            "-verify_return_error",
            "-naccept",
            "2",
            "-no_ticket",
        ]);
        let config = client_builder("client-rsa")
            .crypto_provider(&PROVIDER)
            .build()
            .unwrap();
        let first = exchange_line(&config, port, &mut peer, "s_server", b"abc\n", b"cba\n");
        assert_eq!(first.kind, HandshakeKind::FullEcdheClientCert);
        let second = exchange_line(&config, port, &mut peer, "s_server", b"abc\n", b"cba\n");
        assert_eq!(second.kind, HandshakeKind::Resumed, "{}", peer.describe());
        assert!(peer.wait_exit(deadline).is_some(), "{}", peer.describe());
    }

    #[test]
    fn s_client_to_our_aws_lc_server() {
        let deadline = Instant::now() + TEST_TIMEOUT;
        let config = mtls::ServerConfig::builder()
            .versions(&[mtls::ProtocolVersion::TLSv1_2])
            .crypto_provider(&PROVIDER)
            .certificate_files(pki("server-rsa.pem"), pki("server-rsa.key"))
            .client_auth_required(roots())
            .build()
            .unwrap();
        let server = facade_server(config, 1, deadline);
        let (ca, cert, key) = (
            pki("ca.pem"),
            pki("client-ecdsa.pem"),
            pki("client-ecdsa.key"),
        );
        let peer = run_s_client(
            server.port,
            &[
                "-CAfile",
                &ca,
                "-verify_return_error",
                "-cert",
                &cert,
                "-key",
                &key,
            ],
            b"hello\n",
            deadline,
        );
        let served = server.finish();
        assert_eq!(served.len(), 1, "{served:?}\n{}", peer.describe());
        assert!(
            served[0].error.is_none(),
            "{:?}\n{}",
            served[0].error,
            peer.describe()
        );
        assert_eq!(served[0].received, b"hello\n");
        let summary = served[0].summary.as_ref().unwrap();
        assert_eq!(summary.kind, HandshakeKind::FullEcdheClientCert);
        assert!(
            peer.stdout().contains("mtls-echo: hello"),
            "{}",
            peer.describe()
        );
    }
}

/// The interop tests' builders (`peers`) run on AWS-LC in the build with the feature (the
/// second pass of `cargo xtask ci`) and on RustCrypto in the other: each interop suite meets
/// its peer once on each provider.
#[test]
fn the_interop_builders_run_on_the_provider_of_the_build() {
    let expected = if cfg!(feature = "aws-lc") {
        "aws-lc-rs"
    } else {
        "rustcrypto"
    };
    let client = crate::peers::client_builder("client-ecdsa")
        .build()
        .unwrap();
    let server = crate::peers::server_builder().build().unwrap();
    assert_eq!(client.handshake_config().provider.name, expected);
    assert_eq!(server.handshake_config().provider.name, expected);
}
