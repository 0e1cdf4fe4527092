//! The RFC rules a hostile or odd peer tests, one module per subject: what a ClientHello
//! must carry (hello), what may be resumed and how (resumption), which signature schemes
//! are chosen (schemes).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod hello;
mod resumption;
mod schemes;
mod server_hello;
