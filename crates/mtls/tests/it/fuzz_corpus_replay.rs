//! Replays every stored fuzz input (seed corpora and crash artifacts under `fuzz/`) through the
//! same functions the cargo-fuzz targets call, on the stable toolchain, so that CI catches a
//! regression without nightly or libFuzzer. The target bodies and the folder of the inputs
//! come from the fuzz crate itself (`mtls-fuzz`, a dev-dependency without libFuzzer).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use mtls_fuzz as targets;

type Target = (&'static str, fn(&[u8]));

const TARGETS: &[Target] = &[
    ("record_stream", targets::fuzz_record_stream),
    ("handshake_message", targets::fuzz_handshake_message),
    ("client_hello", targets::fuzz_client_hello),
    ("server_hello", targets::fuzz_server_hello),
    ("certificate", targets::fuzz_certificate),
    ("server_key_exchange", targets::fuzz_server_key_exchange),
    ("certificate_request", targets::fuzz_certificate_request),
    ("client_key_exchange", targets::fuzz_client_key_exchange),
    ("extensions", targets::fuzz_extensions),
    ("alert", targets::fuzz_alert),
    ("dn_list", targets::fuzz_dn_list),
    ("deframer", targets::fuzz_deframer),
    ("record_open", targets::fuzz_record_open),
    ("handshake_reassembly", targets::fuzz_handshake_reassembly),
    ("server", targets::fuzz_server),
    ("server_resumption", targets::fuzz_server_resumption),
    ("client", targets::fuzz_client),
    ("certificate_chain", targets::fuzz_certificate_chain),
    (
        "client_hello_structured",
        targets::fuzz_client_hello_structured,
    ),
    ("roundtrip", targets::fuzz_roundtrip),
    ("ticket", targets::fuzz_ticket),
    (
        "handshake_message_tls13",
        targets::fuzz_handshake_message_tls13,
    ),
    ("message_body_tls13", targets::fuzz_message_body_tls13),
    ("extensions_tls13", targets::fuzz_extensions_tls13),
    ("inner_plaintext", targets::fuzz_inner_plaintext),
    ("record_tls13", targets::fuzz_record_tls13),
];

#[test]
fn every_stored_fuzz_input_replays_clean() {
    let fuzz = targets::fuzz_dir().display().to_string();
    let mut replayed = 0;
    for (name, run) in TARGETS {
        let mut per_target = 0;
        for dir in ["corpus", "artifacts"] {
            let Ok(entries) = std::fs::read_dir(format!("{fuzz}/{dir}/{name}")) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                if path.is_file() {
                    let data = std::fs::read(&path).unwrap();
                    // A panic here names the input through the test output.
                    eprintln!("replaying {}", path.display());
                    run(&data);
                    per_target += 1;
                }
            }
        }
        assert!(per_target > 0, "no stored inputs for fuzz target {name}");
        replayed += per_target;
    }
    assert!(replayed >= TARGETS.len());
}

#[test]
fn every_fuzz_target_is_replayed() {
    // A new target must be added to TARGETS above, or its corpus would go unreplayed.
    let dir = targets::fuzz_dir().join("fuzz_targets");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut known: Vec<String> = TARGETS.iter().map(|(n, _)| n.to_string()).collect();
    known.sort();
    assert_eq!(names, known);
}

#[test]
fn the_recorded_resumptions_still_resume_in_server_resumption() {
    // A change to the ticket format or the key schedule would otherwise leave the fuzzer
    // starting before the resumption code, silently.
    for name in [
        "mtls-tls13-psk-dhe-ke",
        "mtls-tls13-psk-ke",
        "mtls-tls12-ticket",
    ] {
        let path = targets::fuzz_dir()
            .join("corpus/server_resumption")
            .join(name);
        let data = std::fs::read(&path).unwrap();
        let (mode, stream) = data.split_first().unwrap();
        let mut server = targets::new_resumption_server();
        let mut wrote = Vec::new();
        let chunks = targets::split_chunks(*mode, stream);
        assert_eq!(
            targets::drive(&mut server, &chunks, &mut wrote),
            targets::Outcome::Alive,
            "{name}"
        );
        assert!(!server.is_handshaking(), "{name}: not complete");
        assert_eq!(server.is_resumed(), Some(true), "{name}: not resumed");
    }
}
