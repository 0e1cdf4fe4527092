//! Regenerates the seed corpora of the connection-level fuzz targets (`server`, `client`,
//! `server_resumption`,
//! `certificate_chain`, `client_hello_structured`, `roundtrip`) under `fuzz/corpus/`, with the
//! same functions the targets call: `cargo run -p mtls --example record_fuzz_seeds`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

fn main() {
    mtls_fuzz::seeds::record_seeds();
    println!("fuzz seed corpora written under fuzz/corpus/");
}
