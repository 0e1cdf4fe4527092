//! The targets, checked against one run's figures.
//!
//! Issue 16 holds the fast provider (mtls on AWS-LC) to rustls with ring, in the same run:
//! full mutual handshakes ≥ 1.1× (ECDHE-ECDSA P-256, X25519, ECDHE-RSA), resumption ≥ 1.3×,
//! bulk AES-128-GCM and ChaCha20-Poly1305 ≥ 1.3× read in place with `BufRead` and ≥ 1.0×
//! with `Read`, heap ≤ 1.0× everywhere, the handshake peak included. The RustCrypto
//! provider stays ≥ 90% of its own floor (full handshakes and bulk), keeps the earlier
//! resumption targets against rustls, and its heap is held to the same ≤ 1.0×. The AWS-LC
//! provider's heap figures are lower bounds (see `C_HEAP`), and its heap targets say so.

use std::fmt::Write as _;

use crate::report::{Row, Section, pct, sections};
use crate::run::Results;
use crate::setup::{Cipher, Kind, StackId};

/// One target and whether this run met it.
#[derive(Debug, Clone)]
pub struct Target {
    /// The stack held to it.
    pub stack: StackId,
    /// The target.
    pub what: String,
    /// Met?
    pub met: bool,
    /// The figures behind it.
    pub detail: String,
}

/// The fast provider.
const FAST: StackId = StackId::MtlsAwsLc;
/// The default provider.
const DEFAULT: StackId = StackId::MtlsRustCrypto;

/// What the heap figures of the AWS-LC provider leave out: AWS-LC allocates with C's
/// `malloc`, beside the Rust global allocator that the counting allocator wraps (hooking it
/// would take `unsafe` FFI).
const C_HEAP: &str = " (Rust heap only: AWS-LC's own C allocations are not counted)";

fn ratio_at_least(out: &mut Vec<Target>, stack: StackId, row: &Row, what: &str, bar: f64) {
    if let Some(x) = row.ratio(stack) {
        out.push(Target {
            stack,
            what: format!("{what} ≥ {bar:.1}× rustls (ring): {}", row.label),
            met: x >= bar,
            detail: format!("{}/{} {x:.2}", stack.short(), StackId::BASELINE.short()),
        });
    }
}

fn floor_at_least(out: &mut Vec<Target>, stack: StackId, row: &Row, what: &str) {
    if let Some(f) = row.of_floor(stack) {
        out.push(Target {
            stack,
            what: format!("{what} ≥ 90% of the {} floor: {}", stack.short(), row.label),
            met: f >= 0.9,
            detail: format!("{} of the floor", pct(Some(f))),
        });
    }
}

fn find<'a>(secs: &'a [Section], title: &str) -> Option<&'a Section> {
    secs.iter().find(|s| s.title.starts_with(title))
}

fn row<'a>(s: Option<&'a Section>, label: &str) -> Option<&'a Row> {
    s?.rows.iter().find(|r| r.label == label)
}

/// Every target against this run's figures (a target whose figures are missing, e.g. the
/// fast provider's in a build without it, is left out).
pub fn targets(r: &Results) -> Vec<Target> {
    let mut out = Vec::new();
    let secs = sections(r);
    let full = find(&secs, "Full");
    let resumed = find(&secs, "Resumed");
    let bulk = find(&secs, "Bulk");

    for k in [Kind::EcdheEcdsaP256, Kind::EcdheEcdsaX25519, Kind::EcdheRsa] {
        if let Some(x) = row(full, k.label()) {
            ratio_at_least(&mut out, FAST, x, "full handshakes", 1.1);
        }
    }
    for x in resumed.iter().flat_map(|s| &s.rows) {
        ratio_at_least(&mut out, FAST, x, "resumption", 1.3);
    }
    for c in [Cipher::Aes128Gcm, Cipher::ChaCha20Poly1305] {
        let label = format!("{}, read in place with `BufRead`", c.label());
        if let Some(x) = row(bulk, &label) {
            ratio_at_least(&mut out, FAST, x, "bulk", 1.3);
        }
        let label = format!("{}, read with `Read`", c.label());
        if let Some(x) = row(bulk, &label) {
            ratio_at_least(&mut out, FAST, x, "bulk", 1.0);
        }
    }

    for x in full.iter().flat_map(|s| &s.rows) {
        floor_at_least(&mut out, DEFAULT, x, "full handshakes");
    }
    for x in bulk.iter().flat_map(|s| &s.rows) {
        floor_at_least(&mut out, DEFAULT, x, "bulk");
    }
    let earlier = [1.0, 1.3, 1.3];
    for (x, bar) in resumed.iter().flat_map(|s| &s.rows).zip(earlier) {
        ratio_at_least(&mut out, DEFAULT, x, "resumption", bar);
    }

    for stack in [FAST, DEFAULT] {
        for s in secs.iter().filter(|s| s.title.starts_with("Heap")) {
            for x in &s.rows {
                if let Some(q) = x.ratio(stack) {
                    out.push(Target {
                        stack,
                        what: format!(
                            "memory ≤ rustls (ring): {} — {}",
                            s.title
                                .trim_start_matches("Heap per side, ")
                                .trim_start_matches("Heap "),
                            x.label
                        ),
                        met: q <= 1.0,
                        detail: format!(
                            "{}/{} {q:.2}{}",
                            stack.short(),
                            StackId::BASELINE.short(),
                            if stack == FAST { C_HEAP } else { "" }
                        ),
                    });
                }
            }
        }
    }
    out
}

/// The targets in Markdown.
pub fn targets_markdown(r: &Results) -> String {
    let mut t = String::from("| stack | target | met | figures |\n|---|---|---|---|\n");
    for x in targets(r) {
        let _ = writeln!(
            t,
            "| {} | {} | {} | {} |",
            x.stack.label(),
            x.what,
            if x.met { "yes" } else { "**no**" },
            x.detail
        );
    }
    t
}
