//! Where and when a run happened, and the generated block of `docs/BENCHMARKS.md`.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use crate::Result;
use crate::run::Results;
use crate::setup::StackId;

/// Where and when the run happened.
#[derive(Debug, Clone)]
pub struct Machine {
    /// CPU model (/proc/cpuinfo).
    pub cpu: String,
    /// Cores available to the process.
    pub cores: usize,
    /// /proc/loadavg's three load averages at the start of the run.
    pub load: String,
    /// UTC date and time.
    pub date: String,
    /// `rustc --version`.
    pub rustc: String,
    /// `git describe --always --dirty`.
    pub commit: String,
    /// (crate, version) of the crates compared.
    pub versions: Vec<(String, String)>,
}

fn command_line(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The 1-, 5- and 15-minute load averages.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// Versions from the workspace's Cargo.lock.
fn locked_versions(names: &[&str]) -> Vec<(String, String)> {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock"))
        .unwrap_or_default();
    let mut found: Vec<(String, String)> = Vec::new();
    let mut name: Option<&str> = None;
    for line in lock.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = Some(n.trim_matches('"'));
        } else if let (Some(v), Some(n)) = (line.strip_prefix("version = "), name.take())
            && names.contains(&n)
        {
            found.push((n.to_string(), v.trim_matches('"').to_string()));
        }
    }
    names
        .iter()
        .map(|n| {
            let vs: Vec<String> = found
                .iter()
                .filter(|(m, _)| m == n)
                .map(|(_, v)| v.clone())
                .collect();
            let v = if vs.is_empty() {
                "?".into()
            } else {
                vs.join(", ")
            };
            ((*n).to_string(), v)
        })
        .collect()
}

/// Describes this machine now.
pub fn machine() -> Machine {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let mut versions = vec![("mtls".to_string(), env!("CARGO_PKG_VERSION").to_string())];
    versions.extend(locked_versions(&[
        "rustls",
        "ring",
        "rustls-webpki",
        "rsa",
        "p256",
        "x25519-dalek",
        "aes-gcm",
        "chacha20poly1305",
        "sha2",
        "aws-lc-rs",
        "aws-lc-sys",
    ]));
    Machine {
        cpu,
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        load: load_average(),
        date: command_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_else(|| "?".into()),
        rustc: command_line("rustc", &["--version"]).unwrap_or_else(|| "?".into()),
        commit: command_line("git", &["describe", "--always", "--dirty"])
            .unwrap_or_else(|| "?".into()),
        versions,
    }
}

/// The generated part of the document.
pub fn generated(r: &Results, m: &Machine, settings: &str) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "Run: {} · commit `{}` · {}\n",
        m.date, m.commit, settings
    );
    let _ = writeln!(
        t,
        "Machine: {} · {} cores · load average at start {} · {}\n",
        m.cpu, m.cores, m.load, m.rustc
    );
    let versions: Vec<String> = m.versions.iter().map(|(n, v)| format!("{n} {v}")).collect();
    let _ = writeln!(t, "Crates: {}\n", versions.join(", "));
    let stacks: Vec<&str> = StackId::available().iter().map(|s| s.name()).collect();
    let _ = writeln!(
        t,
        "Stacks (columns, and the keys of `--json`): {}; ratios are against {}\n",
        stacks.join(", "),
        StackId::BASELINE.name()
    );
    t.push_str(&crate::report::table(r));
    t.push_str("**Targets**\n\n");
    t.push_str(&crate::targets::targets_markdown(r));
    t
}

/// Marks the generated block in docs/BENCHMARKS.md; text outside it is kept.
pub const BEGIN: &str = "<!-- mtls-bench: generated, do not edit by hand -->";
/// Ends the generated block.
pub const END: &str = "<!-- mtls-bench: end -->";

/// Puts `block` between the markers of `path` (creating the file if needed).
pub fn write_doc(path: &Path, block: &str) -> Result<()> {
    let old = std::fs::read_to_string(path).unwrap_or_default();
    let new = match (old.find(BEGIN), old.find(END)) {
        (Some(b), Some(e)) if b < e => {
            let head = old.get(..b).unwrap_or_default();
            let tail = old.get(e + END.len()..).unwrap_or_default();
            format!("{head}{BEGIN}\n{block}{END}{tail}")
        }
        _ => format!("# Benchmarks\n\n{BEGIN}\n{block}{END}\n{old}"),
    };
    std::fs::write(path, new)?;
    Ok(())
}
