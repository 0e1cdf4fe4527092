//! `mtls-bench [--quick] [--no-doc] [--doc] [--json FILE]`: mtls on each provider of the build
//! beside rustls and the primitive floors, one thread, one table; see the crate
//! documentation. `cargo xtask bench` builds (with the `aws-lc` feature) and runs it.
//!
//! The heap figures come from the sibling binary `mtls-bench-heap` (the only one with the
//! counting allocator), run first as a child process.

use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::Instant;

use mtls_bench::Result;
use mtls_bench::heap::HeapLine;
use mtls_bench::json::Report;
use mtls_bench::report::{self, generated, machine, write_doc};
use mtls_bench::run::{Settings, run};

struct Args {
    quick: bool,
    doc: bool,
    /// `--json FILE`: every figure, as JSON, to FILE.
    json: Option<PathBuf>,
    /// `--profile WORKLOAD STACK`: run one workload on one stack for a few seconds, for perf
    /// or callgrind, and print nothing else.
    profile: Option<(String, String)>,
}

fn args() -> Result<Args> {
    let mut a = Args {
        quick: false,
        doc: true,
        json: None,
        profile: None,
    };
    let mut doc = None;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--profile" => {
                let w = it.next().ok_or("--profile WORKLOAD STACK")?;
                let s = it.next().ok_or("--profile WORKLOAD STACK")?;
                a.profile = Some((w, s));
            }
            "--json" => a.json = Some(it.next().ok_or("--json FILE")?.into()),
            "--quick" => a.quick = true,
            "--no-doc" => doc = Some(false),
            "--doc" => doc = Some(true),
            "-h" | "--help" => {
                println!(
                    "usage: mtls-bench [--quick] [--no-doc | --doc] [--json FILE]\n       \
                     mtls-bench --profile full-rsa|full-ecdsa|full-x25519|full-static-rsa|tls13-rsa|tls13-ecdsa|tls13-x25519|resumed|resumed-ticket|resumed-ticket13|bulk-aes128|bulk-aes256|bulk-chacha[-in-place]|tcp-N mtls|mtls-rustcrypto|mtls-aws-lc|rustls|raw (bulk only)\n  \
                     --quick      a smoke run (a minute or two); does not write the document\n  \
                     --no-doc     do not write docs/BENCHMARKS.md\n  \
                     --doc        write docs/BENCHMARKS.md even with --quick\n  \
                     --json FILE  also write every figure to FILE as JSON\n  \
                     (`--profile W mtls` runs on MTLS_BENCH_PROVIDER=rustcrypto|aws-lc)"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other} (try --help)").into()),
        }
    }
    a.doc = doc.unwrap_or(!a.quick);
    Ok(a)
}

/// Runs `mtls-bench-heap` beside this executable and reads its figures.
fn heap_figures() -> Result<Vec<HeapLine>> {
    let exe = std::env::current_exe()?;
    let heap = exe.with_file_name(format!("mtls-bench-heap{}", std::env::consts::EXE_SUFFIX));
    if !heap.exists() {
        return Err(format!(
            "{} is missing: build both binaries with `cargo build --release -p mtls-bench` \
             (`cargo xtask bench` does)",
            heap.display()
        )
        .into());
    }
    let out = Command::new(&heap).output()?;
    if !out.status.success() {
        return Err(format!(
            "mtls-bench-heap failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let lines: Vec<HeapLine> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(HeapLine::parse)
        .collect();
    if lines.is_empty() {
        return Err("mtls-bench-heap printed no figures".into());
    }
    Ok(lines)
}

/// One workload on one stack for about five seconds (for a profiler).
fn profile(workload: &str, stack: &str) -> Result<()> {
    use mtls_bench::setup::{
        Cipher, Kind, StackId, mtls_configs, profile_provider, rustls_configs,
    };
    use mtls_bench::work::{Budget, bulk, full_handshakes, resumed_handshakes};
    let budget = Budget {
        min_time: std::time::Duration::from_secs(5),
        min_count: 1,
    };
    let named = |name: &str| -> Result<&'static mtls::provider::CryptoProvider> {
        StackId::ALL
            .into_iter()
            .find(|s| s.name() == name)
            .ok_or_else(|| format!("unknown stack {name}"))?
            .provider()
    };
    enum W {
        Full(Kind),
        Resumed,
        Ticket,
        Ticket13,
        Bulk(Cipher),
    }
    // `tcp-N`: full handshakes over loopback TCP on tokio, N clients at once.
    if let Some(n) = workload.strip_prefix("tcp-") {
        use mtls_bench::net::{NetStack, handshake_rate};
        let clients: usize = n
            .parse()
            .map_err(|_| format!("tcp-N: {n} is not a number"))?;
        let spec = mtls_bench::run::NET_KIND.spec();
        let net = match stack {
            "mtls" => NetStack::mtls(&mtls_configs(&spec, profile_provider()?)?)?,
            "mtls-rustcrypto" | "mtls-aws-lc" => {
                NetStack::mtls(&mtls_configs(&spec, named(stack)?)?)?
            }
            "rustls" | "rustls-ring" => NetStack::rustls(&rustls_configs(&spec)?),
            other => return Err(format!("unknown stack {other}").into()),
        };
        let t = handshake_rate(std::sync::Arc::new(net), clients, budget)?;
        println!(
            "{:.0} handshakes/s ({} in {:.2} s)",
            t.per_sec(),
            t.count,
            t.elapsed.as_secs_f64()
        );
        return Ok(());
    }
    // `bulk-...-in-place`: the server reads with `BufRead` instead of `Read`.
    let (workload, receive) = match workload.strip_suffix("-in-place") {
        Some(w) => (w, mtls_bench::pump::Receive::InPlace),
        None => (workload, mtls_bench::pump::Receive::Copy),
    };
    let w = match workload {
        "full-rsa" => W::Full(Kind::EcdheRsa),
        "full-ecdsa" => W::Full(Kind::EcdheEcdsaP256),
        "full-x25519" => W::Full(Kind::EcdheEcdsaX25519),
        "full-static-rsa" => W::Full(Kind::StaticRsa),
        "tls13-rsa" => W::Full(Kind::Tls13Rsa),
        "tls13-ecdsa" => W::Full(Kind::Tls13EcdsaP256),
        "tls13-x25519" => W::Full(Kind::Tls13EcdsaX25519),
        "resumed" => W::Resumed,
        "resumed-ticket" => W::Ticket,
        "resumed-ticket13" => W::Ticket13,
        "bulk-aes128" => W::Bulk(Cipher::Aes128Gcm),
        "bulk-aes256" => W::Bulk(Cipher::Aes256Gcm),
        "bulk-chacha" => W::Bulk(Cipher::ChaCha20Poly1305),
        other => return Err(format!("unknown workload {other}").into()),
    };
    let spec = match &w {
        W::Full(k) => k.spec(),
        W::Resumed => Kind::EcdheEcdsaP256.spec().resuming(),
        W::Ticket => Kind::EcdheEcdsaP256.spec().ticketing(),
        W::Ticket13 => Kind::Tls13EcdsaP256.spec().ticketing(),
        W::Bulk(c) => c.spec(),
    };
    macro_rules! go {
        ($cfg:expr) => {{
            let cfg = $cfg;
            match &w {
                W::Full(_) => {
                    let t = full_handshakes(&cfg, budget)?;
                    println!("{:.0} handshakes/s", t.per_sec());
                }
                W::Resumed | W::Ticket | W::Ticket13 => {
                    let t = resumed_handshakes(&cfg, budget)?;
                    println!("{:.0} resumptions/s", t.per_sec());
                }
                W::Bulk(_) => {
                    let bytes = 2 << 30;
                    let d = bulk(&cfg, bytes, 16 << 10, receive)?;
                    println!("{:.0} MB/s", bytes as f64 / d.as_secs_f64() / 1e6);
                }
            }
        }};
    }
    match stack {
        "raw" => {
            let W::Bulk(c) = w else {
                return Err("the raw stack has only bulk workloads".into());
            };
            let bytes = 2 << 30;
            let d = mtls_bench::floor::raw_aead(c, bytes, 16 << 10)?;
            println!("{:.0} MB/s", bytes as f64 / d.as_secs_f64() / 1e6);
        }
        "mtls" => go!(mtls_configs(&spec, profile_provider()?)?),
        "mtls-rustcrypto" | "mtls-aws-lc" => go!(mtls_configs(&spec, named(stack)?)?),
        "rustls" | "rustls-ring" => go!(rustls_configs(&spec)?),
        other => return Err(format!("unknown stack {other}").into()),
    }
    Ok(())
}

fn main_result() -> Result<()> {
    let a = args()?;
    if let Some((w, s)) = &a.profile {
        return profile(w, s);
    }
    let settings = if a.quick {
        Settings::quick()
    } else {
        Settings::full()
    };
    let m = machine();
    eprintln!(
        "mtls-bench: {} on {} ({} cores), load average {}",
        if a.quick { "quick run" } else { "full run" },
        m.cpu,
        m.cores,
        m.load
    );
    let started = Instant::now();
    eprintln!("mtls-bench: heap figures (mtls-bench-heap)");
    let heap = heap_figures()?;
    let mut results = run(&settings, |p| eprintln!("mtls-bench: {p}"))?;
    results.heap = heap;
    let secs = started.elapsed().as_secs_f64();
    let desc = format!(
        "{} run: {} interleaved trials per figure, {:.0} s; load average at the end {}",
        if a.quick { "quick" } else { "full" },
        settings.trials,
        secs,
        report::load_average()
    );
    let block = generated(&results, &m, &desc);
    println!("{block}");
    if a.doc {
        let path = PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../docs/BENCHMARKS.md"
        ));
        write_doc(&path, &block)?;
        eprintln!("mtls-bench: wrote {}", path.display());
    }
    if let Some(path) = &a.json {
        let json = Report::new(&report::sections(&results)).to_json()?;
        std::fs::write(path, json + "\n")
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("mtls-bench: wrote {}", path.display());
    }
    let missed = report::targets(&results).iter().filter(|t| !t.met).count();
    eprintln!("mtls-bench: done in {secs:.0} s; {missed} target(s) not met");
    Ok(())
}

fn main() -> ExitCode {
    match main_result() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mtls-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
