//! One harness, four backends: the operations a TLS 1.2 handshake and its records spend their
//! time in, timed the same way for RustCrypto (the baseline), aws-lc-rs, ring and graviola.
//!
//! Every figure is the median of `SAMPLES` samples of at least `SAMPLE_MS` milliseconds each,
//! after a warm-up; verification includes parsing the public key (as a TLS peer's key is
//! parsed for each handshake), key agreement includes generating the ephemeral key and
//! checking the peer's point, AEAD figures are one 16 KiB record with 13 bytes of AAD.
//!
//! `SURVEY_SAMPLE_MS` (default 200) and `SURVEY_ONLY` (a backend name) tune a run.

mod awslc;
mod graviola_b;
mod ring_b;
mod rustcrypto;

use std::hint::black_box;
use std::time::{Duration, Instant};

/// The keys every backend loads: the workspace's stored test keys.
pub mod keys {
    pub const RSA2048_PK8: &[u8] =
        include_bytes!("../../../crates/mtls-crypto/tests/vectors/rsa2048.pk8.der");
    pub const P256_PK8: &[u8] =
        include_bytes!("../../../crates/mtls-crypto/tests/vectors/p256.pk8.der");
    pub const P384_PK8: &[u8] =
        include_bytes!("../../../crates/mtls-crypto/tests/vectors/p384.pk8.der");
}

/// What each backend signs: about the size of a ServerKeyExchange's signed content.
pub const MESSAGE: &[u8] = &[0x5a; 100];
/// One full record's plaintext.
pub const RECORD: usize = 16 * 1024;
/// The TLS 1.2 additional data length.
pub const AAD: [u8; 13] = [0, 0, 0, 0, 0, 0, 0, 1, 23, 3, 3, 0x40, 0];

const SAMPLES: usize = 5;

/// The operations, in table order. `Bytes` rows are reported as throughput.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Op {
    RsaPkcs1Sign,
    RsaPkcs1Verify,
    RsaPssSign,
    RsaPssVerify,
    P256Sign,
    P256Verify,
    P384Sign,
    P384Verify,
    X25519,
    P256Kx,
    P384Kx,
    Aes128GcmSeal,
    Aes128GcmOpen,
    Aes256GcmSeal,
    Aes256GcmOpen,
    ChaChaSeal,
    ChaChaOpen,
    Sha256,
    Sha384,
    HmacSha256,
    HmacSha256Fork,
}

impl Op {
    const ALL: [Op; 21] = [
        Op::RsaPkcs1Sign,
        Op::RsaPkcs1Verify,
        Op::RsaPssSign,
        Op::RsaPssVerify,
        Op::P256Sign,
        Op::P256Verify,
        Op::P384Sign,
        Op::P384Verify,
        Op::X25519,
        Op::P256Kx,
        Op::P384Kx,
        Op::Aes128GcmSeal,
        Op::Aes128GcmOpen,
        Op::Aes256GcmSeal,
        Op::Aes256GcmOpen,
        Op::ChaChaSeal,
        Op::ChaChaOpen,
        Op::Sha256,
        Op::Sha384,
        Op::HmacSha256,
        Op::HmacSha256Fork,
    ];

    fn label(self) -> &'static str {
        match self {
            Op::RsaPkcs1Sign => "RSA-2048 PKCS#1 SHA-256 sign",
            Op::RsaPkcs1Verify => "RSA-2048 PKCS#1 SHA-256 verify",
            Op::RsaPssSign => "RSA-2048 PSS SHA-256 sign",
            Op::RsaPssVerify => "RSA-2048 PSS SHA-256 verify",
            Op::P256Sign => "ECDSA P-256 SHA-256 sign",
            Op::P256Verify => "ECDSA P-256 SHA-256 verify",
            Op::P384Sign => "ECDSA P-384 SHA-384 sign",
            Op::P384Verify => "ECDSA P-384 SHA-384 verify",
            Op::X25519 => "X25519 keygen + agree",
            Op::P256Kx => "P-256 ECDH keygen + agree",
            Op::P384Kx => "P-384 ECDH keygen + agree",
            Op::Aes128GcmSeal => "AES-128-GCM seal 16 KiB",
            Op::Aes128GcmOpen => "AES-128-GCM open 16 KiB",
            Op::Aes256GcmSeal => "AES-256-GCM seal 16 KiB",
            Op::Aes256GcmOpen => "AES-256-GCM open 16 KiB",
            Op::ChaChaSeal => "ChaCha20-Poly1305 seal 16 KiB",
            Op::ChaChaOpen => "ChaCha20-Poly1305 open 16 KiB",
            Op::Sha256 => "SHA-256 16 KiB",
            Op::Sha384 => "SHA-384 16 KiB",
            Op::HmacSha256 => "HMAC-SHA256 key + 64 B",
            Op::HmacSha256Fork => "HMAC-SHA256 keyed state copy + 64 B",
        }
    }

    /// Bytes processed per operation, for the throughput rows.
    fn bytes(self) -> Option<usize> {
        match self {
            Op::Aes128GcmSeal
            | Op::Aes128GcmOpen
            | Op::Aes256GcmSeal
            | Op::Aes256GcmOpen
            | Op::ChaChaSeal
            | Op::ChaChaOpen
            | Op::Sha256
            | Op::Sha384 => Some(RECORD),
            _ => None,
        }
    }
}

/// A backend's run: the median nanoseconds per operation of each op it measured.
pub struct Results {
    name: &'static str,
    ns: Vec<(Op, f64)>,
    sample: Duration,
}

impl Results {
    fn new(name: &'static str, sample: Duration) -> Self {
        Self {
            name,
            ns: Vec::new(),
            sample,
        }
    }

    /// Times `f` (one operation per call); `f` returns something to keep the work alive.
    pub fn time<T>(&mut self, op: Op, mut f: impl FnMut() -> T) {
        // Warm-up, and a first estimate of the cost per call.
        let start = Instant::now();
        let mut calls = 0u64;
        while start.elapsed() < self.sample / 4 || calls < 3 {
            black_box(f());
            calls += 1;
        }
        let per_call = start.elapsed().as_secs_f64() / calls as f64;
        let iters = ((self.sample.as_secs_f64() / per_call) as u64).max(3);
        let mut samples = Vec::with_capacity(SAMPLES);
        for _ in 0..SAMPLES {
            let t = Instant::now();
            for _ in 0..iters {
                black_box(f());
            }
            samples.push(t.elapsed().as_secs_f64() * 1e9 / iters as f64);
        }
        samples.sort_by(|a, b| a.total_cmp(b));
        let median = samples[SAMPLES / 2];
        eprintln!("  {:<34} {:>12.0} ns", op.label(), median);
        self.ns.push((op, median));
    }

    fn get(&self, op: Op) -> Option<f64> {
        self.ns.iter().find(|(o, _)| *o == op).map(|(_, ns)| *ns)
    }
}

fn format_cell(op: Op, ns: Option<f64>, base: Option<f64>) -> String {
    let Some(ns) = ns else {
        return "n/a".into();
    };
    let ratio = base.map(|b| b / ns);
    let value = match op.bytes() {
        Some(bytes) => format!("{:.2} GB/s", bytes as f64 / ns),
        None if ns >= 1000.0 => format!("{:.1} µs", ns / 1000.0),
        None => format!("{ns:.0} ns"),
    };
    match ratio {
        Some(r) => format!("{value} ({r:.1}x)"),
        None => value,
    }
}

fn main() {
    let sample_ms = std::env::var("SURVEY_SAMPLE_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200u64);
    let only = std::env::var("SURVEY_ONLY").ok();
    let sample = Duration::from_millis(sample_ms);
    type Run = fn(&mut Results);
    let backends: [(&'static str, Run); 4] = [
        ("RustCrypto", rustcrypto::run),
        ("aws-lc-rs", awslc::run),
        ("ring", ring_b::run),
        ("graviola", graviola_b::run),
    ];
    let mut all = Vec::new();
    for (name, run) in backends {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        eprintln!("{name}:");
        let mut r = Results::new(name, sample);
        run(&mut r);
        all.push(r);
    }

    let base = all.iter().position(|r| r.name == "RustCrypto");
    print!("| operation |");
    for r in &all {
        print!(" {} |", r.name);
    }
    println!();
    print!("|---|");
    for _ in &all {
        print!("---|");
    }
    println!();
    for op in Op::ALL {
        print!("| {} |", op.label());
        let b = base.and_then(|i| all[i].get(op));
        for (i, r) in all.iter().enumerate() {
            let rel = if Some(i) == base { None } else { b };
            print!(" {} |", format_cell(op, r.get(op), rel));
        }
        println!();
    }
}
