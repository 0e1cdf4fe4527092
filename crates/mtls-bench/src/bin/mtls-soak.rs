//! `cargo xtask soak [--minutes N] [--quick]`: mtls under a long, mixed load on 127.0.0.1
//! (`mtls_bench::soak`). Exits non-zero on any failure, or when file descriptors or threads
//! are not back where they started.

use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let minutes: u64 = args
        .iter()
        .position(|a| a == "--minutes")
        .and_then(|i| args.get(i + 1))
        .and_then(|m| m.parse().ok())
        .unwrap_or(10);
    let (duration, every) = if quick {
        (Duration::from_secs(90), Duration::from_secs(15))
    } else {
        (Duration::from_secs(minutes * 60), Duration::from_secs(60))
    };
    let report = match mtls_bench::soak::run(duration, every) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("mtls-soak: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("outcomes:");
    for (what, n) in &report.outcomes {
        println!("  {n:>9}  {what}");
    }
    if let (Some(first), Some(last)) = (report.samples.first(), report.samples.last()) {
        println!(
            "VmRSS: {} kB at {} s (after warm-up), {} kB at {} s",
            first.1, first.0, last.1, last.0
        );
    }
    println!(
        "file descriptors: {} at the start, {} at the end; threads: {} and {}",
        report.fds.0, report.fds.1, report.threads.0, report.threads.1
    );
    let leaked = report.fds.1 > report.fds.0 || report.threads.1 > report.threads.0;
    if report.failures() > 0 || leaked {
        eprintln!(
            "mtls-soak: {} failures{}",
            report.failures(),
            if leaked {
                ", and descriptors or threads not released"
            } else {
                ""
            }
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
