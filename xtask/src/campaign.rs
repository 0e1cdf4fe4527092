//! `cargo xtask fuzz --minutes N [--merge] [TARGET...]`: a campaign that runs the targets in
//! rotation, a slice each, until N minutes have passed, sums each target's executions over its
//! slices, records them in the ledger (`fuzz/campaigns.csv`, see `ledger.rs`), and with
//! `--merge` folds what the fuzzer found into the committed corpus:
//! minimised by libFuzzer's `-merge=1` (a unit is kept only if it adds coverage to what the
//! corpus already reaches), then capped. `--top-up N` runs instead each target that has had
//! less than N minutes in the ledger for what it lacks, and nothing else.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{FuzzRow, count_files, fuzz_one, ledger, print_table};

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

/// How a campaign hands out its time.
pub(super) enum Plan {
    /// The targets in rotation, a slice each, until this many minutes have passed.
    Minutes(u64),
    /// Each target until the ledger gives it this many minutes in all; the targets that have
    /// them already do not run.
    TopUp(u64),
}

/// Runs a campaign over `targets`, records it in the ledger (`fuzz/campaigns.csv`), then
/// merges the corpora when asked.
pub(super) fn run(
    root: &Path,
    fuzz_dir: &Path,
    targets: &[String],
    plan: Plan,
    jobs: u32,
    merge: bool,
) -> Result<Vec<FuzzRow>, String> {
    let started_at = ledger::now_utc();
    let commit = ledger::commit(root);
    let slices = match plan {
        Plan::Minutes(minutes) => rotation(targets, minutes),
        Plan::TopUp(minutes) => {
            let missing = ledger::deficits(&ledger::read(fuzz_dir)?, targets, minutes);
            for (target, seconds) in &missing {
                eprintln!("xtask: {target} needs {seconds} s more to reach {minutes} minutes");
            }
            top_up(targets, &missing)
        }
    };
    let (totals, seconds) = run_slices(fuzz_dir, targets, jobs, slices)?;
    print_table(&totals);
    for (row, spent) in totals.iter().zip(&seconds) {
        eprintln!("xtask: {} ran {spent} s in all", row.target);
    }
    ledger::append(
        fuzz_dir,
        &ledger::entries(&started_at, &commit, &totals, &seconds),
    )?;
    if merge {
        for (target, spent) in targets.iter().zip(&seconds) {
            if *spent > 0 {
                merge_corpus(fuzz_dir, target)?;
            }
        }
    }
    Ok(totals)
}

/// The slices of a rotation: (target index, seconds), taken in turn until `minutes` of wall
/// time have passed; the last slice is cut to what is left.
fn rotation(targets: &[String], minutes: u64) -> Box<dyn FnMut() -> Option<(usize, u64)>> {
    let budget = Duration::from_secs(minutes.saturating_mul(60));
    let started = Instant::now();
    let slice_length = slice_seconds(budget, targets.len());
    let count = targets.len();
    let mut next = 0usize;
    Box::new(move || {
        let left = budget.saturating_sub(started.elapsed()).as_secs();
        if left == 0 || count == 0 {
            return None;
        }
        let i = next % count;
        next += 1;
        Some((i, slice_length.min(left).max(1)))
    })
}

/// The slices of a top-up: each target with a deficit, in turn, a slice of at most
/// [`MAX_SLICE_SECONDS`] until its deficit is covered (at least [`MIN_SLICE_SECONDS`] each).
fn top_up(
    targets: &[String],
    missing: &[(String, u64)],
) -> Box<dyn FnMut() -> Option<(usize, u64)>> {
    let mut left: Vec<(usize, u64)> = missing
        .iter()
        .filter_map(|(t, s)| targets.iter().position(|x| x == t).map(|i| (i, *s)))
        .collect();
    let mut turn = 0usize;
    Box::new(move || {
        left.retain(|(_, s)| *s > 0);
        if left.is_empty() {
            return None;
        }
        turn %= left.len();
        let (i, s) = left.get_mut(turn)?;
        let slice = (*s).clamp(MIN_SLICE_SECONDS, MAX_SLICE_SECONDS);
        *s = s.saturating_sub(slice);
        turn += 1;
        Some((*i, slice))
    })
}

/// Runs slices until `next` has none or one fails; sums each target's executions and seconds.
fn run_slices(
    fuzz_dir: &Path,
    targets: &[String],
    jobs: u32,
    mut next: Box<dyn FnMut() -> Option<(usize, u64)>>,
) -> Result<(Vec<FuzzRow>, Vec<u64>), String> {
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
    while let Some((i, slice)) = next() {
        let Some(target) = targets.get(i) else { break };
        eprintln!(
            "xtask: {target} for {slice} s ({} s since the start)",
            started.elapsed().as_secs()
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
            break;
        }
    }
    Ok((totals, seconds))
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

    #[test]
    fn a_top_up_covers_each_deficit_in_turn_and_skips_the_rest() {
        let targets = ["a", "b", "c"].map(String::from);
        let missing = [("c".to_string(), 700), ("a".to_string(), 30)];
        let next = top_up(&targets, &missing);
        let slices: Vec<(usize, u64)> = std::iter::from_fn(next).collect();
        assert_eq!(slices, vec![(2, 600), (0, 60), (2, 100)]);
    }
}
