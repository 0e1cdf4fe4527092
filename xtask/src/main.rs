//! `cargo xtask`: the project's automation, in Rust so that it runs wherever cargo does.
//!
//! - `cargo xtask ci`: what `.ci/run` runs after installing system packages: the layering
//!   check, formatting, clippy with warnings as errors, the whole test suite (unit,
//!   integration, doc tests), the `tracing` and `aws-lc` features' lints and tests, the
//!   quick soak, the documentation of every crate with warnings as errors, and `cargo xtask
//!   package`.
//! - `cargo xtask package`: every publishable crate packaged and verified against the
//!   packages of the crates below it, after removing what earlier runs left of them.
//! - `cargo xtask layers`: every dependency edge between workspace crates must be listed in
//!   docs/ARCHITECTURE.md's allowed-edges table, and the table must point only downward; and
//!   the crates above mtls-crypto must not pick the default crypto provider themselves.
//! - `cargo xtask fuzz [--seconds N] [TARGET...]`: runs the cargo-fuzz targets under `fuzz/`
//!   for N seconds each on the nightly toolchain and prints one table of the results;
//!   `--minutes N [--merge]` runs a campaign instead (the targets in rotation, executions
//!   summed; new coverage merged into the committed corpus, capped), and records it in the
//!   ledger `fuzz/campaigns.csv`; `--top-up N` runs each target only for what it lacks of N
//!   minutes in the ledger; `--ledger` prints the ledger's totals per target.
//! - `cargo xtask bench [--quick] [--json FILE]`: builds `mtls-bench` in release mode with
//!   the `aws-lc` feature and runs it: mtls on the RustCrypto and AWS-LC providers beside
//!   rustls (ring) and each provider's primitive floor, one table, written to
//!   docs/BENCHMARKS.md (not with `--quick`, a smoke run); `--json FILE` also writes every
//!   figure as JSON.
//! - `cargo xtask soak [--minutes N] [--quick]`: mtls under a long mixed load on 127.0.0.1
//!   (our client and OpenSSL's against our server, ours against OpenSSL's; full, resumed,
//!   refused, aborted), reporting outcomes, memory, descriptors and threads (`mtls-soak`).
//! - `cargo xtask ct [--samples N] [--filter NAME]`: the statistical constant-time tests
//!   (dudect's Welch t-test; `mtls-bench`'s `mtls-ct` binary): RSA premaster handling,
//!   Finished comparison, AEAD open. Not a CI gate: timing on a shared machine is noisy.
//!   `--continuous NAME --minutes M` runs one test round after round, to watch |t| grow with
//!   the measurements (a leak) or not (noise).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use clap::{Parser, Subcommand};

mod bench;
mod campaign;
mod ct;
mod layers;
mod ledger;
mod package;
mod providers;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "mtls project automation")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Layering check, format check, clippy -D warnings, and `cargo test --workspace`: the
    /// CI gate.
    Ci,
    /// Fails, naming the edge, on a dependency between workspace crates that
    /// docs/ARCHITECTURE.md's allowed-edges table does not list.
    Layers,
    /// Package every publishable crate and build each package against the packages below it,
    /// as crates.io would; our packages from earlier runs are removed first.
    Package,
    /// Run cargo-fuzz targets (nightly toolchain) and print execs, execs/s, coverage, crashes.
    Fuzz {
        /// Seconds to run each target.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// libFuzzer worker processes per target (`-jobs`/`-workers`).
        #[arg(long, default_value_t = 1)]
        jobs: u32,
        /// A campaign instead: the targets in rotation, slices of one to ten minutes, for
        /// this many minutes of wall time in all; executions summed per target.
        #[arg(long)]
        minutes: Option<u64>,
        /// A campaign that gives each target what it lacks of this many minutes in the
        /// ledger (fuzz/campaigns.csv); targets that have them do not run. With --minutes,
        /// it stops after that many minutes of wall time.
        #[arg(long)]
        top_up: Option<u64>,
        /// After a campaign, merge what the fuzzer found into fuzz/corpus (libFuzzer
        /// `-merge=1`: only units that add coverage; then capped per target).
        #[arg(long)]
        merge: bool,
        /// Print the ledger's seconds and executions per target, and run nothing.
        #[arg(long, conflicts_with_all = ["minutes", "top_up", "merge"])]
        ledger: bool,
        /// Targets to run; all targets when empty.
        targets: Vec<String>,
    },
    /// Benchmarks: mtls on both providers beside rustls (ring) and the primitive floors, one
    /// table (docs/BENCHMARKS.md).
    Bench {
        /// A smoke run; prints the table without writing the document.
        #[arg(long)]
        quick: bool,
        /// Do not write docs/BENCHMARKS.md.
        #[arg(long)]
        no_doc: bool,
        /// Also write every figure to this file as JSON (docs/BENCHMARKS.md, "JSON").
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
    },
    /// A long mixed load on loopback, watched for failures, memory, descriptors, threads.
    Soak {
        /// Minutes to run (default 10).
        #[arg(long, default_value_t = 10)]
        minutes: u64,
        /// A run of 90 seconds (what `.ci/run` does).
        #[arg(long)]
        quick: bool,
    },
    /// Constant-time tests (dudect): t statistics for RSA premaster handling, Finished
    /// comparison and AEAD open (docs/SECURITY.md, "Timing").
    Ct {
        /// Measurements per test (the RSA tests take a tenth).
        #[arg(long, default_value_t = 100_000)]
        samples: u64,
        /// Only the tests whose name contains this.
        #[arg(long, conflicts_with = "continuous")]
        filter: Option<String>,
        /// Runs the first test whose name contains this, round after round, for --minutes.
        #[arg(long, requires = "minutes")]
        continuous: Option<String>,
        /// How long a --continuous run lasts.
        #[arg(long, requires = "continuous")]
        minutes: Option<u64>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = workspace_root();
    let result = match cli.command {
        Task::Ci => ci(&root),
        Task::Layers => layers::check(&root).and_then(|()| providers::check(&root)),
        Task::Package => package::package_and_verify(&root, &target_dir(&root)),
        Task::Fuzz {
            seconds,
            jobs,
            minutes,
            top_up,
            merge,
            ledger,
            targets,
        } => {
            let plan = (minutes.is_some() || top_up.is_some())
                .then_some(campaign::Plan { minutes, top_up });
            if ledger {
                ledger::read(&root.join("fuzz")).map(|e| ledger::print_totals(&e))
            } else if merge && plan.is_none() {
                Err("--merge merges after a campaign: give --minutes or --top-up".into())
            } else {
                fuzz(&root, seconds, jobs, plan, merge, targets)
            }
        }
        Task::Bench {
            quick,
            no_doc,
            json,
        } => bench::bench(
            &root,
            &bench::Options {
                quick,
                no_doc,
                json,
            },
        ),
        Task::Ct {
            samples,
            filter,
            continuous,
            minutes,
        } => match (continuous, minutes) {
            (Some(name), Some(minutes)) => ct::continuous(&root, samples, &name, minutes),
            _ => ct::once(&root, samples, filter),
        },
        Task::Soak { minutes, quick } => soak(&root, minutes, quick),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("xtask: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    // xtask/ sits directly under the workspace root.
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

/// Runs a command in `dir`, streaming its output; an error names the command that failed.
fn run(dir: &Path, program: &str, args: &[&str]) -> Result<(), String> {
    run_env(dir, program, args, &[])
}

fn run_env(dir: &Path, program: &str, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let shown: Vec<String> = env.iter().map(|(k, v)| format!("{k}={v:?} ")).collect();
    eprintln!("xtask: $ {}{program} {}", shown.concat(), args.join(" "));
    let status = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .status()
        .map_err(|e| format!("cannot start {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

fn ci(root: &Path) -> Result<(), String> {
    let started = Instant::now();
    layers::check(root)?;
    providers::check(root)?;
    run(root, "cargo", &["fmt", "--all", "--", "--check"])?;
    run(
        root,
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    // mtls-cli turns on the `tracing` feature of mtls (and of mtls-handshake through it),
    // so the workspace build above has it: lint the default build, without it, here.
    run(
        root,
        "cargo",
        &[
            "clippy",
            "-p",
            "mtls",
            "-p",
            "mtls-handshake",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    // With the `tracing` feature (see above): crates/mtls/tests/tracing.rs runs here too.
    run(root, "cargo", &["test", "--workspace"])?;
    // The AWS-LC provider (feature `aws-lc`, off in the workspace build): the Wycheproof
    // sets and the differential tests through it, the facade's handshakes, resumption and
    // every OpenSSL, GnuTLS, Python and rustls interop test on it (the `peers` builders take AWS-LC
    // under the feature; the rest of the facade suite comes along), mtls-tokio's suite (tokio,
    // curl, OpenSSL and tokio-rustls peers) likewise, the `mtls` command built with it against
    // OpenSSL and itself (mtls-cli's tests), then its code linted. One package set, one feature set and the test profile for both, so
    // that AWS-LC (about a minute of C) is built once.
    run(
        root,
        "cargo",
        &[
            "test",
            "-p",
            "mtls-crypto",
            "-p",
            "mtls",
            "-p",
            "mtls-cli",
            "-p",
            "mtls-tokio",
            "--features",
            "mtls/aws-lc,mtls-cli/aws-lc,mtls-tokio/aws-lc",
            "--lib",
            "--bins",
            "--test",
            "it",
        ],
    )?;
    run(
        root,
        "cargo",
        &[
            "clippy",
            "-p",
            "mtls-crypto",
            "-p",
            "mtls",
            "-p",
            "mtls-cli",
            "-p",
            "mtls-bench",
            "-p",
            "mtls-tokio",
            "--all-targets",
            "--features",
            "mtls/aws-lc,mtls-cli/aws-lc,mtls-bench/aws-lc,mtls-tokio/aws-lc",
            "--profile",
            "test",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    // The quick soak (issue 20): 90 s of mixed load against our server and OpenSSL's, in the
    // dev profile the tests just built (dependencies at opt-level 3), failing on any
    // unexpected outcome or a descriptor or thread not released.
    run(
        root,
        "cargo",
        &[
            "run",
            "-p",
            "mtls-bench",
            "--bin",
            "mtls-soak",
            "--",
            "--quick",
        ],
    )?;
    // Each crate is meant to be read and picked alone: its documentation must build without
    // a broken link.
    run_env(
        root,
        "cargo",
        &["doc", "--workspace", "--no-deps"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    package::package_and_verify(root, &target_dir(root))?;
    eprintln!(
        "xtask: ci passed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The cargo target directory: `CARGO_TARGET_DIR`, or `target/` at the root.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// `cargo run --release -p mtls-bench --bin BIN --`, to which the binary's arguments follow.
fn bench_binary(bin: &str) -> Vec<&str> {
    vec!["run", "--release", "-p", "mtls-bench", "--bin", bin, "--"]
}

fn soak(root: &Path, minutes: u64, quick: bool) -> Result<(), String> {
    let minutes = minutes.to_string();
    let mut args = bench_binary("mtls-soak");
    if quick {
        args.push("--quick");
    } else {
        args.extend(["--minutes", minutes.as_str()]);
    }
    run(root, "cargo", &args)
}

/// True when `cargo +nightly` works; cargo-fuzz needs nightly for `-Zsanitizer`.
fn nightly_available() -> bool {
    Command::new("cargo")
        .args(["+nightly", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn cargo_fuzz_available() -> bool {
    Command::new("cargo")
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// One row of the fuzz table, read from libFuzzer's final status lines.
#[derive(Default)]
struct FuzzRow {
    target: String,
    execs: u64,
    execs_per_sec: u64,
    cov: u64,
    features: u64,
    crashes: usize,
    ok: bool,
}

fn fuzz(
    root: &Path,
    seconds: u64,
    jobs: u32,
    plan: Option<campaign::Plan>,
    merge: bool,
    targets: Vec<String>,
) -> Result<(), String> {
    let fuzz_dir = root.join("fuzz");
    if !fuzz_dir.join("Cargo.toml").exists() {
        return Err(format!("no fuzz workspace at {}", fuzz_dir.display()));
    }
    if !nightly_available() {
        return Err(
            "cargo-fuzz needs a nightly toolchain and none is installed \
             (`rustup toolchain install nightly`); the stable corpus replay in \
             `cargo test` still runs every stored input"
                .into(),
        );
    }
    if !cargo_fuzz_available() {
        return Err("cargo-fuzz is not installed: `cargo install cargo-fuzz`".into());
    }
    let targets = if targets.is_empty() {
        list_targets(&fuzz_dir)?
    } else {
        targets
    };
    let rows = match plan {
        Some(plan) => campaign::run(root, &fuzz_dir, &targets, plan, jobs, merge)?,
        None => {
            let mut rows = Vec::new();
            for target in &targets {
                eprintln!("xtask: fuzzing {target} for {seconds} s");
                rows.push(fuzz_one(&fuzz_dir, target, seconds, jobs)?);
            }
            print_table(&rows);
            rows
        }
    };
    if rows.iter().any(|r| r.crashes > 0 || !r.ok) {
        return Err("some fuzz targets found crashes or failed; see fuzz/artifacts/".into());
    }
    Ok(())
}

fn list_targets(fuzz_dir: &Path) -> Result<Vec<String>, String> {
    let out = Command::new("cargo")
        .args(["+nightly", "fuzz", "list"])
        .current_dir(fuzz_dir)
        .output()
        .map_err(|e| format!("cannot run cargo fuzz list: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo fuzz list failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect())
}

fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|it| it.filter_map(Result::ok).count())
        .unwrap_or(0)
}

fn fuzz_one(fuzz_dir: &Path, target: &str, seconds: u64, jobs: u32) -> Result<FuzzRow, String> {
    let artifacts = fuzz_dir.join("artifacts").join(target);
    let before = count_files(&artifacts);
    let max_time = format!("-max_total_time={seconds}");
    // New inputs go to a scratch corpus under fuzz/target (git-ignored); the committed seed
    // corpus is read only, so a run never floods the tree.
    let scratch = fuzz_dir.join("target").join("xtask-corpus").join(target);
    std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let scratch = scratch.display().to_string();
    let seeds = fuzz_dir.join("corpus").join(target);
    std::fs::create_dir_all(&seeds).map_err(|e| format!("{}: {e}", seeds.display()))?;
    let seeds = seeds.display().to_string();
    let mut args = vec![
        "+nightly",
        "fuzz",
        "run",
        target,
        scratch.as_str(),
        seeds.as_str(),
        "--",
        max_time.as_str(),
        // Limits from the fuzzing issue: 1 s per input, 256 MiB of RSS.
        "-timeout=1",
        "-rss_limit_mb=256",
        "-print_final_stats=1",
    ];
    let jobs_arg = format!("-jobs={jobs}");
    let workers_arg = format!("-workers={jobs}");
    if jobs > 1 {
        args.push(&jobs_arg);
        args.push(&workers_arg);
    }
    // AddressSanitizer keeps freed memory in a quarantine (256 MiB by default), which alone
    // would trip the 256 MiB RSS limit; a smaller quarantine keeps the limit about our code.
    let asan = std::env::var("ASAN_OPTIONS").unwrap_or_else(|_| "quarantine_size_mb=32".into());
    let out = Command::new("cargo")
        .args(&args)
        .env("ASAN_OPTIONS", asan)
        .current_dir(fuzz_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run cargo fuzz: {e}"))?;
    let log = String::from_utf8_lossy(&out.stderr);
    let mut row = parse_libfuzzer_log(&log);
    row.target = target.to_string();
    row.crashes = count_files(&artifacts).saturating_sub(before);
    row.ok = out.status.success();
    if !row.ok {
        let tail: Vec<&str> = log.lines().rev().take(20).collect();
        eprintln!(
            "xtask: {target} exited with {}; last lines:\n{}",
            out.status,
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        );
    }
    Ok(row)
}

/// Reads the last `#N ... cov: C ft: F ... exec/s: E` status line and the final stats.
fn parse_libfuzzer_log(log: &str) -> FuzzRow {
    let mut row = FuzzRow::default();
    for line in log.lines() {
        if let Some(rest) = line.strip_prefix('#') {
            let mut words = rest.split_whitespace();
            if let Some(n) = words.next().and_then(|w| w.parse::<u64>().ok()) {
                row.execs = row.execs.max(n);
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            for pair in words.windows(2) {
                if let [key, value] = pair {
                    let value = value.parse::<u64>().ok();
                    match (*key, value) {
                        ("cov:", Some(v)) => row.cov = row.cov.max(v),
                        ("ft:", Some(v)) => row.features = row.features.max(v),
                        ("exec/s:", Some(v)) => row.execs_per_sec = v,
                        _ => {}
                    }
                }
            }
        }
        if let Some(v) = line
            .strip_prefix("stat::number_of_executed_units:")
            .and_then(|v| v.trim().parse::<u64>().ok())
        {
            row.execs = row.execs.max(v);
        }
        if let Some(v) = line
            .strip_prefix("stat::average_exec_per_sec:")
            .and_then(|v| v.trim().parse::<u64>().ok())
        {
            row.execs_per_sec = v;
        }
    }
    row
}

fn print_table(rows: &[FuzzRow]) {
    println!(
        "{:<24} {:>12} {:>10} {:>8} {:>8} {:>8} {:>6}",
        "target", "execs", "execs/s", "cov", "ft", "crashes", "status"
    );
    for r in rows {
        println!(
            "{:<24} {:>12} {:>10} {:>8} {:>8} {:>8} {:>6}",
            r.target,
            r.execs,
            r.execs_per_sec,
            r.cov,
            r.features,
            r.crashes,
            if r.ok { "ok" } else { "FAIL" }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libfuzzer_status_lines() {
        let log = "#2\tINITED cov: 10 ft: 11 corp: 1/1b exec/s: 0 rss: 30Mb\n\
                   #123456\tDONE   cov: 321 ft: 654 corp: 40/1Kb lim: 4 exec/s: 4115 rss: 60Mb\n\
                   stat::number_of_executed_units: 123460\n\
                   stat::average_exec_per_sec:     4115\n";
        let row = parse_libfuzzer_log(log);
        assert_eq!(row.execs, 123460);
        assert_eq!(row.execs_per_sec, 4115);
        assert_eq!(row.cov, 321);
        assert_eq!(row.features, 654);
    }
}
