//! The benchmark harness behind `cargo xtask bench`: mtls on each crypto provider of the build
//! (RustCrypto; AWS-LC with the `aws-lc` feature) beside rustls (0.23, ring provider) and
//! beside each provider's primitive floor, on one thread, client and server in the same
//! process with the bytes passed in memory; and mtls-tokio beside tokio-rustls over loopback
//! TCP, both sides in the same process on one tokio runtime.
//!
//! - [`setup`]: the certificates (the test fixtures of mtls-testkit, the same for both stacks) and
//!   the configurations of each stack for each handshake kind and cipher; [`stacks`]: one
//!   spec built for every stack ([`setup::StackId`]), and workloads run on any of them.
//! - [`pump`]: one trait over both stacks' sans-IO connections and the loops that move bytes.
//! - [`work`]: the timed workloads: full and resumed handshakes, bulk transfer.
//! - [`floor`]: the public-key operations each handshake must do, and AEAD seal + open,
//!   through each provider's tables, timed alone.
//! - [`heap`]: heap per side through the counting allocator (the `mtls-bench-heap` binary).
//! - [`net`]: loopback TCP on tokio, mtls-tokio beside tokio-rustls: handshakes per second with
//!   N clients at once, and the connections kept open for the heap per idle connection.
//! - [`run`]: the driver that interleaves the trials; [`stats`], [`report`], [`targets`],
//!   [`json`] and [`doc`]: medians, the table, the targets, the JSON form and the document.
//! - [`soak`]: `cargo xtask soak`, a long mixed load on loopback (mtls and OpenSSL peers)
//!   watched for failures, memory, descriptors and threads (the `mtls-soak` binary).
//! - [`ct`]: the statistical constant-time tests of `cargo xtask ct` (the `mtls-ct` binary):
//!   RSA premaster handling, Finished comparison, AEAD open.
//!
//! Every function here is also run once with tiny sizes by the crate's tests.
//!
//! Depend on it only to script benchmarks of your own on the same harness; users run
//! `cargo xtask bench`. Each figure is summarized over interleaved trials:
//!
//! ```
//! use mtls_bench::stats::Summary;
//!
//! let s = Summary::of(&[3.0, 1.0, 2.0, 10.0]).unwrap();
//! assert_eq!((s.median, s.min, s.max, s.trials), (2.5, 1.0, 10.0, 4));
//! ```

pub mod ct;
pub mod doc;
pub mod floor;
pub mod heap;
pub mod json;
pub mod net;
pub mod pump;
pub mod report;
pub mod run;
pub mod setup;
pub mod soak;
pub mod stacks;
pub mod stats;
pub mod targets;
pub mod work;

/// Every error of the harness, as text: a benchmark stops at the first one.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// The harness's result type.
pub type Result<T> = std::result::Result<T, Error>;
