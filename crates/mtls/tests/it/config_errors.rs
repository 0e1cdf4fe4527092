//! Configuration failures are typed: `Error::Config` names the builder step that failed and
//! keeps the cause (the PKI crate's `PkiError` for a file, `KeyError` for a chain and key that
//! do not pair), as its `source` too, with the readable message of before.

use std::error::Error as _;
use std::io;

use mtls::pki::{PkiError, PkiErrorKind, certs_from_pem, private_key_from_pem};
use mtls::{ClientConfig, ConfigCause, ConfigError, Error, KeyError, ServerConfig};
use mtls_testkit::pki;

fn read(name: &str) -> Vec<u8> {
    std::fs::read(pki(name)).unwrap()
}

/// The configuration error inside `result`, which must be one.
fn config_error<T>(result: Result<T, Error>) -> (Error, ConfigError) {
    match result {
        Err(e @ Error::Config(_)) => {
            let c = e.config_error().unwrap().clone();
            (e, c)
        }
        Err(other) => panic!("expected a configuration error, got {other:?}"),
        Ok(_) => panic!("expected a configuration error, the configuration built"),
    }
}

#[test]
fn a_bad_key_file_names_the_step_and_keeps_the_pki_error() {
    let (chain, key) = (pki("server-ecdsa.pem"), pki("ca.pem"));
    let (e, c) = config_error(
        ServerConfig::builder()
            .certificate_files(&chain, &key)
            .build(),
    );
    assert_eq!(
        c.step(),
        format!("server config: certificate_files({chain}, {key})")
    );
    // Matched as a type...
    let pki_error = c.pki_error().unwrap();
    assert!(matches!(pki_error.kind(), PkiErrorKind::NoPrivateKey));
    assert_eq!(pki_error.origin(), key);
    assert!(matches!(c.cause(), ConfigCause::Pki(_)));
    // ... or downcast from the error's source.
    let source = e.source().unwrap().downcast_ref::<PkiError>().unwrap();
    assert!(matches!(source.kind(), PkiErrorKind::NoPrivateKey));
    // The message is the step, then the PKI error's own sentence.
    assert_eq!(
        e.to_string(),
        format!(
            "configuration error: server config: certificate_files({chain}, {key}): {pki_error}"
        )
    );
    assert!(e.to_string().contains("no private key found in"), "{e}");
}

#[test]
fn a_key_that_is_not_the_leafs_names_the_step_and_keeps_the_key_error() {
    let chain = certs_from_pem(&read("server-ecdsa.pem")).unwrap();
    let other_key = private_key_from_pem(&read("client-ecdsa.key")).unwrap();
    let (e, c) = config_error(
        ServerConfig::builder()
            .certificate(chain, other_key)
            .build(),
    );
    assert_eq!(c.step(), "server config: certificate(chain, key)");
    assert_eq!(c.key_error(), Some(&KeyError::KeyDoesNotMatch));
    assert_eq!(
        e.source().unwrap().downcast_ref::<KeyError>(),
        Some(&KeyError::KeyDoesNotMatch)
    );
    assert_eq!(
        e.to_string(),
        "configuration error: server config: certificate(chain, key): the private key does \
         not belong to the leaf certificate"
    );

    // The same from files, on the client.
    let (chain, key) = (pki("client-rsa.pem"), pki("client-ecdsa.key"));
    let roots = mtls::pki::RootStore::load(pki("ca.pem")).unwrap();
    let (e, c) = config_error(
        ClientConfig::with_roots(roots)
            .client_certificate_files(&chain, &key)
            .build(),
    );
    assert_eq!(
        c.step(),
        format!("client config: client_certificate_files({chain}, {key})")
    );
    assert_eq!(c.key_error(), Some(&KeyError::KeyDoesNotMatch));
    assert!(e.to_string().contains("does not belong"), "{e}");
}

#[test]
fn a_missing_roots_file_names_the_step_and_keeps_the_io_error() {
    let missing = pki("no-such-ca.pem");
    let (e, c) = config_error(ClientConfig::with_roots_file(&missing).build());
    assert_eq!(
        c.step(),
        format!("client config: with_roots_file({missing})")
    );
    let pki_error = e.source().unwrap().downcast_ref::<PkiError>().unwrap();
    assert!(matches!(pki_error.kind(), PkiErrorKind::Io(_)));
    // The chain of sources goes down to the I/O error.
    let io_error = pki_error
        .source()
        .unwrap()
        .downcast_ref::<io::Error>()
        .unwrap();
    assert_eq!(io_error.kind(), io::ErrorKind::NotFound);
    assert!(
        e.to_string().starts_with(&format!(
            "configuration error: client config: with_roots_file({missing}): cannot read {missing}"
        )),
        "{e}"
    );

    // The server's client-authentication roots, the same way.
    let (_, c) = config_error(
        ServerConfig::builder()
            .certificate_files(pki("server-ecdsa.pem"), pki("server-ecdsa.key"))
            .client_auth_required_file(&missing)
            .build(),
    );
    assert_eq!(
        c.step(),
        format!("server config: client_auth_required_file({missing})")
    );
    assert!(matches!(c.pki_error().unwrap().kind(), PkiErrorKind::Io(_)));

    // With the file there, both build.
    ClientConfig::with_roots_file(pki("ca.pem"))
        .build()
        .unwrap();
    ServerConfig::builder()
        .certificate_files(pki("server-ecdsa.pem"), pki("server-ecdsa.key"))
        .client_auth_required_file(pki("ca.pem"))
        .build()
        .unwrap();
}

#[test]
fn the_first_failed_step_is_reported() {
    let (_, c) = config_error(
        ServerConfig::builder()
            .certificate_files(pki("no-such-chain.pem"), pki("server-ecdsa.key"))
            .certificate(
                certs_from_pem(&read("server-ecdsa.pem")).unwrap(),
                private_key_from_pem(&read("client-ecdsa.key")).unwrap(),
            )
            .build(),
    );
    assert!(
        c.step().starts_with("server config: certificate_files("),
        "{c}"
    );
}

#[test]
fn settings_that_cannot_work_name_the_builder() {
    let (e, c) = config_error(ServerConfig::builder().build());
    assert_eq!(c.step(), "server config");
    assert!(matches!(c.cause(), ConfigCause::Invalid(_)));
    assert!(e.source().is_none());
    assert_eq!(
        e.to_string(),
        "configuration error: server config: a server needs a certificate and key"
    );
    // Errors stay comparable and cloneable, for tests and matches!.
    assert_eq!(e.clone(), e);
    assert!(matches!(e, Error::Config(_)));
}
