//! The TLS 1.2 configurations of the facade's end-to-end tests (connections.rs,
//! fatal_alert_sessions.rs, record_rules.rs): a server with an ECDSA and an RSA certificate,
//! a client with or without its RSA certificate, both trusting everything.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;

use mtls::{ClientAuthPolicy, ClientConfig, ServerConfig};
use mtls_testkit::{TrustAll, chain, key};

pub(crate) fn server_config(policy: ClientAuthPolicy) -> ServerConfig {
    ServerConfig::builder()
        .versions(&[mtls::ProtocolVersion::TLSv1_2])
        .certificate(chain("server-ecdsa"), key("server-ecdsa"))
        .certificate(chain("server-rsa"), key("server-rsa"))
        .client_auth(policy, Arc::new(TrustAll))
        .build()
        .unwrap()
}

pub(crate) fn client_config(with_cert: bool) -> ClientConfig {
    let b = ClientConfig::builder(Arc::new(TrustAll)).versions(&[mtls::ProtocolVersion::TLSv1_2]);
    let b = if with_cert {
        b.client_certificate(chain("client-rsa"), key("client-rsa"))
    } else {
        b
    };
    b.build().unwrap()
}
