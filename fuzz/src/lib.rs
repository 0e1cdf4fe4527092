//! Bodies of the cargo-fuzz targets, as plain functions so that a stable-toolchain test can
//! replay a corpus through them without libFuzzer (`crates/mtls/tests/it/fuzz_corpus_replay.rs`,
//! through this crate as a dev-dependency of `mtls`).
//!
//! One module per layer, each documenting its targets' input layout and checks (and
//! docs/FUZZING.md):
//!
//! - [`parsers`]: the mtls-wire parsers, and the differential `roundtrip`;
//! - [`record`]: the record layer (`deframer`, `record_open`, `handshake_reassembly`);
//! - [`record13`]: the TLS 1.3 record layer (`record_tls13`);
//! - [`connections`]: facade connections fed a peer's flights (`server`, `client`);
//! - [`resumption`]: a server that resumes, fed a client's flights (`server_resumption`);
//! - [`certificates`]: chains judged by the webpki verifiers (`certificate_chain`);
//! - [`structured`]: the structure-aware `client_hello_structured`;
//! - [`tickets`]: session tickets as a server opens and decodes them (`ticket`);
//! - [`seeds`]: the recorder of the connection targets' seed corpora.
//!
//! Everything is re-exported at the root: a target calls `mtls_fuzz::fuzz_<target>`.

#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};

pub mod certificates;
pub mod connections;
pub mod parsers;
pub mod record;
pub mod record13;
pub mod resumption;
pub mod seeds;
pub mod structured;
pub mod tickets;

pub use certificates::*;
pub use connections::*;
pub use parsers::*;
pub use record::*;
pub use record13::*;
pub use resumption::*;
pub use structured::*;
pub use tickets::*;

/// This crate's folder (`fuzz/`): the committed seeds are under `corpus/<target>/`, crash
/// inputs under `artifacts/<target>/`, the targets in `fuzz_targets/<target>.rs`.
pub fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}
