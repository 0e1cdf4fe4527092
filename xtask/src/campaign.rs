//! `cargo xtask fuzz --minutes N [--merge] [TARGET...]`: a campaign that runs the targets in
//! rotation, a slice each, until N minutes have passed, sums each target's executions over its
//! slices, and with `--merge` folds what the fuzzer found into the committed corpus:
//! minimised by libFuzzer's `-merge=1` (a unit is kept only if it adds coverage to what the
//! corpus already reaches), then capped.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{FuzzRow, count_files, fuzz_one, print_table};

/// Seconds per slice at least: long enough for libFuzzer to load its corpus and get going.
const MIN_SLICE_SECONDS: u64 = 60;
/// Seconds per slice at most, so that a long campaign still takes turns.
const MAX_SLICE_SECONDS: u64 = 600;

/// The slice for a campaign: each target gets about four turns, within the bounds above. A
/// state machine's corpus takes seconds to load at the start of every slice (2,674 inputs at
/// 300 per second), so a two-hour campaign over two targets runs in ten-minute slices, not in
/// a hundred and twenty one-minute ones.
fn slice_seconds(budget: Duration, targets: usize) -> u64 {
    let per_target = budget.as_secs() / (targets.max(1) as u64);
    (per_target / 4).clamp(MIN_SLICE_SECONDS, MAX_SLICE_SECONDS)
}
/// At most this many files in a target's committed corpus after a merge; the largest new
/// files go first when it is over.
const MAX_CORPUS_FILES: usize = 64;
/// At most this many bytes in a target's committed corpus after a merge.
const MAX_CORPUS_BYTES: u64 = 1 << 20;

/// Runs the campaign over `targets` for `minutes`, then merges when asked.
pub(super) fn run(
    fuzz_dir: &Path,
    targets: &[String],
    minutes: u64,
    jobs: u32,
    merge: bool,
) -> Result<Vec<FuzzRow>, String> {
    let budget = Duration::from_secs(minutes.saturating_mul(60));
    let started = Instant::now();
    let mut totals: Vec<FuzzRow> = targets
        .iter()
        .map(|t| FuzzRow {
            target: t.clone(),
            ok: true,
            ..FuzzRow::default()
        })
        .collect();
    let mut seconds = vec![0u64; targets.len()];
    let slice_length = slice_seconds(budget, targets.len());
    'campaign: loop {
        for (i, target) in targets.iter().enumerate() {
            let left = budget.saturating_sub(started.elapsed()).as_secs();
            if left == 0 {
                break 'campaign;
            }
            let slice = slice_length.min(left).max(1);
            eprintln!(
                "xtask: {target} for {slice} s ({} s of {} s used)",
                started.elapsed().as_secs(),
                budget.as_secs()
            );
            let row = fuzz_one(fuzz_dir, target, slice, jobs)?;
            if let (Some(total), Some(spent)) = (totals.get_mut(i), seconds.get_mut(i)) {
                total.execs += row.execs;
                total.cov = total.cov.max(row.cov);
                total.features = total.features.max(row.features);
                total.crashes += row.crashes;
                total.ok &= row.ok;
                *spent += slice;
                total.execs_per_sec = total.execs / (*spent).max(1);
            }
            if row.crashes > 0 || !row.ok {
                break 'campaign;
            }
        }
    }
    print_table(&totals);
    for (row, spent) in totals.iter().zip(&seconds) {
        eprintln!("xtask: {} ran {spent} s in all", row.target);
    }
    if merge {
        for target in targets {
            merge_corpus(fuzz_dir, target)?;
        }
    }
    Ok(totals)
}

/// Files and bytes of a directory.
fn size_of(dir: &Path) -> (usize, u64) {
    let files: Vec<u64> = std::fs::read_dir(dir)
        .map(|it| {
            it.filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .collect()
        })
        .unwrap_or_default();
    (files.len(), files.iter().sum())
}

/// Merges the scratch corpus of `target` into its committed corpus with libFuzzer's
/// `-merge=1`, then removes the largest of the newly added files while the corpus is over
/// [`MAX_CORPUS_FILES`] files or [`MAX_CORPUS_BYTES`] bytes.
fn merge_corpus(fuzz_dir: &Path, target: &str) -> Result<(), String> {
    let corpus = fuzz_dir.join("corpus").join(target);
    let scratch = fuzz_dir.join("target").join("xtask-corpus").join(target);
    let before: Vec<String> = names(&corpus);
    let status = Command::new("cargo")
        .args(["+nightly", "fuzz", "run", target])
        .arg(&corpus)
        .arg(&scratch)
        .args(["--", "-merge=1", "-rss_limit_mb=256"])
        .env("ASAN_OPTIONS", "quarantine_size_mb=32")
        .current_dir(fuzz_dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run cargo fuzz for the merge: {e}"))?;
    if !status.success() {
        return Err(format!("merging the corpus of {target} failed ({status})"));
    }
    let mut added: Vec<(u64, std::path::PathBuf)> = std::fs::read_dir(&corpus)
        .map_err(|e| format!("{}: {e}", corpus.display()))?
        .filter_map(Result::ok)
        .filter(|e| !before.contains(&e.file_name().to_string_lossy().into_owned()))
        .map(|e| (e.metadata().map(|m| m.len()).unwrap_or(0), e.path()))
        .collect();
    let new = added.len();
    added.sort();
    while {
        let (files, bytes) = size_of(&corpus);
        files > MAX_CORPUS_FILES || bytes > MAX_CORPUS_BYTES
    } {
        let Some((_, largest)) = added.pop() else {
            break;
        };
        std::fs::remove_file(&largest).map_err(|e| format!("{}: {e}", largest.display()))?;
    }
    let (files, bytes) = size_of(&corpus);
    eprintln!(
        "xtask: {target}: {new} new units merged, {} kept; the corpus holds {files} files, \
         {bytes} bytes",
        count_files(&corpus).saturating_sub(before.len())
    );
    Ok(())
}

fn names(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|it| {
            it.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_give_each_target_about_four_turns_within_bounds() {
        let minutes = |m: u64| Duration::from_secs(m * 60);
        assert_eq!(slice_seconds(minutes(120), 2), MAX_SLICE_SECONDS);
        assert_eq!(slice_seconds(minutes(115), 23), 75);
        assert_eq!(slice_seconds(minutes(2), 25), MIN_SLICE_SECONDS);
        assert_eq!(slice_seconds(minutes(10), 0), 150);
    }
}
