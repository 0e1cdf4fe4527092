//! The fuzzing ledger, `fuzz/campaigns.csv`: one line per slice of a campaign, appended by
//! `cargo xtask fuzz --minutes` and `--top-up` as each slice ends (a campaign cut short keeps
//! its record), committed with the corpus. It is what "this
//! target has had N minutes" rests on: each line says when, on which commit, for how long and
//! with what result, and `cargo xtask fuzz --ledger` sums the lines per target.
//!
//! Columns: `started` (UTC, when the campaign began), `commit` (short hash, `+dirty` when the
//! library or the fuzz targets differed from it), `target`, `seconds` (the slices' lengths,
//! summed), `execs`, `cov` and `ft` (libFuzzer's largest), `crashes`. Lines starting with `#`
//! are comments.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::FuzzRow;

const HEADER: &str = "started,commit,target,seconds,execs,cov,ft,crashes";

/// One slice (or, in the lines written by hand, one target's share of a campaign).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Entry {
    pub started: String,
    pub commit: String,
    pub target: String,
    pub seconds: u64,
    pub execs: u64,
    pub cov: u64,
    pub ft: u64,
    pub crashes: usize,
}

fn path(fuzz_dir: &Path) -> PathBuf {
    fuzz_dir.join("campaigns.csv")
}

/// Every entry of the ledger; none when it does not exist yet.
pub(super) fn read(fuzz_dir: &Path) -> Result<Vec<Entry>, String> {
    let file = path(fuzz_dir);
    match std::fs::read_to_string(&file) {
        Ok(text) => parse(&text).map_err(|e| format!("{}: {e}", file.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(format!("{}: {e}", file.display())),
    }
}

fn parse(text: &str) -> Result<Vec<Entry>, String> {
    let mut entries = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line == HEADER {
            continue;
        }
        let f: Vec<&str> = line.split(',').collect();
        let [started, commit, target, seconds, execs, cov, ft, crashes] = f[..] else {
            return Err(format!("line {}: not {} fields", n + 1, HEADER));
        };
        let num = |s: &str| {
            s.parse::<u64>()
                .map_err(|e| format!("line {}: {s:?}: {e}", n + 1))
        };
        entries.push(Entry {
            started: started.into(),
            commit: commit.into(),
            target: target.into(),
            seconds: num(seconds)?,
            execs: num(execs)?,
            cov: num(cov)?,
            ft: num(ft)?,
            crashes: usize::try_from(num(crashes)?).unwrap_or(usize::MAX),
        });
    }
    Ok(entries)
}

fn line(e: &Entry) -> String {
    format!(
        "{},{},{},{},{},{},{},{}",
        e.started, e.commit, e.target, e.seconds, e.execs, e.cov, e.ft, e.crashes
    )
}

/// Appends `entries`, writing the header first if the ledger is new.
pub(super) fn append(fuzz_dir: &Path, entries: &[Entry]) -> Result<(), String> {
    let file = path(fuzz_dir);
    let new = !file.exists();
    let mut out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&file)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let mut text = String::new();
    if new {
        text.push_str(HEADER);
        text.push('\n');
    }
    for e in entries {
        text.push_str(&line(e));
        text.push('\n');
    }
    out.write_all(text.as_bytes())
        .map_err(|e| format!("{}: {e}", file.display()))
}

/// The ledger line of one slice of `seconds` on `target`'s row, in a campaign that began at
/// `started` on `commit`.
pub(super) fn entry(started: &str, commit: &str, row: &FuzzRow, seconds: u64) -> Entry {
    Entry {
        started: started.into(),
        commit: commit.into(),
        target: row.target.clone(),
        seconds,
        execs: row.execs,
        cov: row.cov,
        ft: row.features,
        crashes: row.crashes,
    }
}

/// Seconds and executions per target, over every campaign.
pub(super) fn totals(entries: &[Entry]) -> BTreeMap<&str, (u64, u64)> {
    let mut t: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for e in entries {
        let s = t.entry(e.target.as_str()).or_default();
        s.0 += e.seconds;
        s.1 += e.execs;
    }
    t
}

/// For each of `targets`, the seconds still missing to reach `minutes` in the ledger (targets
/// that have them already are left out).
pub(super) fn deficits(entries: &[Entry], targets: &[String], minutes: u64) -> Vec<(String, u64)> {
    let totals = totals(entries);
    let goal = minutes.saturating_mul(60);
    targets
        .iter()
        .filter_map(|t| {
            let had = totals.get(t.as_str()).map_or(0, |s| s.0);
            (had < goal).then(|| (t.clone(), goal - had))
        })
        .collect()
}

/// Prints the ledger's totals per target: seconds, minutes, executions, campaigns, crashes.
pub(super) fn print_totals(entries: &[Entry]) {
    println!(
        "{:<24} {:>8} {:>8} {:>14} {:>9} {:>7}",
        "target", "seconds", "minutes", "execs", "campaigns", "crashes"
    );
    for (target, (seconds, execs)) in totals(entries) {
        let mine = || entries.iter().filter(|e| e.target == target);
        let mut campaigns: Vec<&str> = mine().map(|e| e.started.as_str()).collect();
        campaigns.dedup();
        let crashes: usize = mine().map(|e| e.crashes).sum();
        println!(
            "{target:<24} {seconds:>8} {:>8.1} {execs:>14} {:>9} {crashes:>7}",
            seconds as f64 / 60.0,
            campaigns.len()
        );
    }
}

/// When a campaign starts, in UTC to the minute (`date -u`; "unknown" without it).
pub(super) fn now_utc() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%MZ"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// The commit being fuzzed: `git rev-parse --short HEAD`, with `+dirty` when the library or
/// the fuzz targets differ from it (documents and corpora do not count).
pub(super) fn commit(root: &Path) -> String {
    let git = |args: &[&str]| Command::new("git").args(args).current_dir(root).output();
    let Ok(head) = git(&["rev-parse", "--short", "HEAD"]) else {
        return "unknown".into();
    };
    let hash = String::from_utf8_lossy(&head.stdout).trim().to_string();
    let clean = git(&[
        "diff",
        "--quiet",
        "HEAD",
        "--",
        "crates",
        "fuzz/src",
        "fuzz/fuzz_targets",
    ])
    .is_ok_and(|o| o.status.success());
    if clean { hash } else { format!("{hash}+dirty") }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEDGER: &str = "started,commit,target,seconds,execs,cov,ft,crashes\n\
        # a comment\n\
        2026-12-05T23:05Z,45d8c4e,alert,312,64076248,218,261,0\n\
        2026-12-06T02:08Z,4164aaa,alert,830,100,220,270,0\n\
        2026-12-06T02:08Z,4164aaa,ticket,1300,5,1,2,0\n";

    #[test]
    fn reads_sums_and_finds_what_is_missing() {
        let entries = parse(LEDGER).unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(line(&entries[0]), LEDGER.lines().nth(2).unwrap());
        let totals = totals(&entries);
        assert_eq!(totals["alert"], (1142, 64076348));
        let targets = ["alert", "ticket", "dn_list"].map(String::from);
        assert_eq!(
            deficits(&entries, &targets, 20),
            vec![("alert".into(), 58), ("dn_list".into(), 1200)]
        );
    }

    #[test]
    fn refuses_a_short_line() {
        assert!(parse("2026-12-05T23:05Z,45d8c4e,alert,312\n").is_err());
    }
}
