//! With the injectable RNG and a fixed clock, our client and server produce identical bytes
//! run after run (ECDSA signatures are deterministic, RFC 6979; RSA-PSS salts, RSA premaster
//! padding, randoms and ephemeral keys come from the injected RNG). One recorded transcript is
//! kept as a test: tests/vectors/deterministic-ecdhe-ecdsa.txt.
//!
//! Regenerate it (only after an intended change of the bytes on the wire) with
//! `MTLS_REGENERATE=1 cargo test -p mtls-handshake --test determinism`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;

use crate::common::*;
use mtls_handshake::{ClientAuthPolicy, ClientConfig, ServerConfig, suites};

const VECTOR: &str = "tests/vectors/deterministic-ecdhe-ecdsa.txt";

const HEADER: &str = "\
# A deterministic TLS 1.2 transcript of mtls-handshake, checked byte for byte by
# tests/it/determinism.rs.
#
# TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 over X25519, server certificate server-ecdsa, client
# certificate client-ecdsa (required), SNI localhost, extended master secret; client RNG
# DeterministicRng([1; 32]), server RNG DeterministicRng([101; 32]), FixedClock(1795824000);
# then \"ping from client\" and \"pong from server\" as application data.
#
# One flight per line, in delivery order: \"C>\" client to server, \"S>\" server to client,
# the records in hex exactly as written on the wire.
#
# Regenerate (only after an intended change of the bytes on the wire):
#   MTLS_REGENERATE=1 cargo test -p mtls-handshake --test determinism
";

/// How to make a configuration pair afresh.
type MakeConfigs = fn() -> (ClientConfig, ServerConfig);

fn mutual(server_cert: &str, client_cert: &str) -> (ClientConfig, ServerConfig) {
    let mut sc = server_config(server_cert);
    sc.client_auth = ClientAuthPolicy::Required;
    sc.client_verifier = Some(Arc::new(TestClientVerifier::accepting()));
    let mut cc = client_config();
    cc.cert_resolver = Some(Arc::new(certified(client_cert)));
    (cc, sc)
}

/// Every byte both ways of one handshake and a data exchange, in delivery order.
fn transcript(cc: ClientConfig, sc: ServerConfig, seed: u8) -> Vec<(bool, Vec<u8>)> {
    let mut p = Pair::new(cc, sc, seed);
    let mut log = Vec::new();
    p.run_recording(&mut log);
    p.assert_ok();
    p.queue_data(b"ping from client", b"pong from server");
    p.run_recording(&mut log);
    assert_eq!(p.s.app_data, b"ping from client");
    assert_eq!(p.c.app_data, b"pong from server");
    log
}

fn render(log: &[(bool, Vec<u8>)]) -> String {
    let mut out = String::from(HEADER);
    for (from_client, bytes) in log {
        let dir = if *from_client { "C>" } else { "S>" };
        out.push_str(&format!("{dir} {}\n", hex::encode(bytes)));
    }
    out
}

fn recorded() -> (ClientConfig, ServerConfig) {
    let (mut cc, mut sc) = mutual("server-ecdsa", "client-ecdsa");
    cc.suites = vec![suites::ECDHE_ECDSA_AES128_GCM];
    sc.suites = vec![suites::ECDHE_ECDSA_AES128_GCM];
    (cc, sc)
}

#[test]
fn same_seeds_and_clock_give_the_same_bytes_run_after_run() {
    let configs: Vec<(&str, MakeConfigs)> = vec![
        ("ECDHE-ECDSA, ECDSA client", || {
            mutual("server-ecdsa", "client-ecdsa")
        }),
        // RSA-PSS signatures: the salt comes from the injected RNG.
        ("ECDHE-RSA, RSA client", || {
            mutual("server-rsa", "client-rsa")
        }),
        // Static RSA: the premaster and its PKCS#1 padding come from the injected RNG.
        ("static RSA, RSA client", || {
            let (mut cc, mut sc) = mutual("server-rsa", "client-rsa");
            cc.suites = vec![suites::RSA_AES128_GCM];
            sc.suites = vec![suites::RSA_AES128_GCM];
            cc.enable_static_rsa = true;
            sc.enable_static_rsa = true;
            (cc, sc)
        }),
    ];
    for (what, make) in configs {
        let (cc, sc) = make();
        let first = transcript(cc, sc, 1);
        for _ in 0..2 {
            let (cc, sc) = make();
            assert_eq!(
                transcript(cc, sc, 1),
                first,
                "{what}: bytes changed between runs"
            );
        }
        // And the seed does matter.
        let (cc, sc) = make();
        assert_ne!(transcript(cc, sc, 2), first, "{what}: the seed is ignored");
    }
}

#[test]
fn recorded_ecdhe_ecdsa_transcript_is_reproduced_byte_for_byte() {
    let (cc, sc) = recorded();
    let rendered = render(&transcript(cc, sc, 1));
    let path = format!("{}/{VECTOR}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("MTLS_REGENERATE").is_some_and(|v| v == "1") {
        std::fs::write(&path, &rendered).unwrap();
        eprintln!("rewrote {path}");
    }
    let stored = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (regenerate with MTLS_REGENERATE=1)"));
    if rendered != stored {
        let line = rendered
            .lines()
            .zip(stored.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || "a missing or extra line".to_string(),
                |n| format!("line {}", n + 1),
            );
        panic!(
            "the transcript differs from {VECTOR} at {line}; if the change of the wire bytes is \
             intended, regenerate with MTLS_REGENERATE=1"
        );
    }
}
