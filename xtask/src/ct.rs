//! `cargo xtask ct [--samples N] [--filter NAME]`: the dudect tests of `mtls_bench::ct`, once
//! each; `--continuous NAME --minutes M` runs one test for M minutes instead, adding
//! measurements round after round, and prints |t| as the measurements grow.
//!
//! Continuous mode is how a real leak is told from noise: a fixed difference in running time
//! makes |t| grow with the square root of the measurements, so its `max tau` (|t| / sqrt(n))
//! settles on a value above zero; noise leaves |t| wandering at the same height however many
//! measurements are added, so `max tau` falls towards zero.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{bench_binary, run, run_env, target_dir};

/// Runs the tests once each (`filter` picks some), `samples` measurements per test.
pub(super) fn once(root: &Path, samples: u64, filter: Option<String>) -> Result<(), String> {
    let mut args = bench_binary("mtls-ct");
    if let Some(f) = &filter {
        args.extend(["--filter", f.as_str()]);
    }
    let samples = samples.to_string();
    run_env(
        root,
        "cargo",
        &args,
        &[("MTLS_CT_SAMPLES", samples.as_str())],
    )
}

/// Runs the first test whose name contains `name` continuously for `minutes`, `samples`
/// measurements added per round, printing each round's cumulative result.
pub(super) fn continuous(
    root: &Path,
    samples: u64,
    name: &str,
    minutes: u64,
) -> Result<(), String> {
    run(
        root,
        "cargo",
        &["build", "--release", "-p", "mtls-bench", "--bin", "mtls-ct"],
    )?;
    let binary = target_dir(root).join("release").join("mtls-ct");
    eprintln!(
        "xtask: $ MTLS_CT_SAMPLES={samples} {} --continuous {name}   (for {minutes} min)",
        binary.display()
    );
    let mut child = Command::new(&binary)
        .args(["--continuous", name])
        .env("MTLS_CT_SAMPLES", samples.to_string())
        .current_dir(root)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| "mtls-ct has no stdout".to_string())?;
    // Lines arrive on a channel, so that the deadline holds while a round is being measured.
    let (lines, arrive) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(minutes.saturating_mul(60));
    let mut rounds = 0u64;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match arrive.recv_timeout(left) {
            Ok(line) => {
                rounds += u64::from(line.contains("max t"));
                println!("{line}");
            }
            Err(mpsc::RecvTimeoutError::Timeout) => break,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err("mtls-ct ended before its time was up".to_string());
            }
        }
    }
    // mtls-ct keeps nothing worth flushing: every result is a line already printed.
    let _ = child.kill();
    let _ = child.wait();
    let _ = reader.join();
    eprintln!("xtask: {rounds} rounds of {samples} measurements in {minutes} min");
    if rounds == 0 {
        return Err("no round finished in the time given".to_string());
    }
    Ok(())
}
