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

/// How a campaign hands out its time: the targets in rotation, a slice each, for `minutes`;
/// or, with `top_up`, each target until the ledger gives it that many minutes in all (the
/// targets that have them do not run), then within `minutes` of wall time if given too.
pub(super) struct Plan {
    pub minutes: Option<u64>,
    pub top_up: Option<u64>,
}

/// A source of slices: (index into the targets, seconds), `None` when the campaign is over.
type Slices = Box<dyn FnMut() -> Option<(usize, u64)>>;

/// Runs a campaign over `targets`, recording every slice in the ledger
/// (`fuzz/campaigns.csv`) as it ends, then merges the corpora when asked.
pub(super) fn run(
    root: &Path,
    fuzz_dir: &Path,
    targets: &[String],
    plan: Plan,
    jobs: u32,
    merge: bool,
) -> Result<Vec<FuzzRow>, String> {
    let stamp = (ledger::now_utc(), ledger::commit(root));
    let budget = plan
        .minutes
        .map(|m| Duration::from_secs(m.saturating_mul(60)));
    let slices = match (plan.top_up, budget) {
        (Some(goal), _) => {
            let missing = ledger::deficits(&ledger::read(fuzz_dir)?, targets, goal);
            for (target, seconds) in &missing {
                eprintln!("xtask: {target} needs {seconds} s more to reach {goal} minutes");
            }
            top_up(targets, &missing)
        }
        (None, Some(budget)) => rotation(targets.len(), slice_seconds(budget, targets.len())),
        (None, None) => return Err("a campaign needs --minutes or --top-up".into()),
    };
    let slices = within(budget, slices);
    let (totals, seconds) = run_slices(fuzz_dir, targets, jobs, slices, &stamp)?;
    print_table(&totals);
    for (row, spent) in totals.iter().zip(&seconds) {
        eprintln!("xtask: {} ran {spent} s in all", row.target);
    }
    if merge {
        for (target, spent) in targets.iter().zip(&seconds) {
            if *spent > 0 {
                merge_corpus(fuzz_dir, target)?;
            }
        }
    }
    Ok(totals)
}

/// The targets in turn, `slice` seconds each, without end.
fn rotation(count: usize, slice: u64) -> Slices {
    let mut next = 0usize;
    Box::new(move || {
        if count == 0 {
            return None;
        }
        let i = next % count;
        next += 1;
        Some((i, slice))
    })
}

/// `slices` until `budget` of wall time has passed; the last slice is cut to what is left.
fn within(budget: Option<Duration>, mut slices: Slices) -> Slices {
    let started = Instant::now();
    Box::new(move || {
        let (i, slice) = slices()?;
        let Some(budget) = budget else {
            return Some((i, slice));
        };
        let left = budget.saturating_sub(started.elapsed()).as_secs();
        (left > 0).then(|| (i, slice.min(left)))
    })
}

/// The slices of a top-up: each target with a deficit, in turn, until its deficit is covered,
/// in about four slices (one to ten minutes each, as in a rotation), so that a wall-time cap
/// cuts every target's share about evenly.
fn top_up(targets: &[String], missing: &[(String, u64)]) -> Slices {
    // (target index, seconds left, slice length)
    let mut left: Vec<(usize, u64, u64)> = missing
        .iter()
        .filter_map(|(t, s)| {
            let length = s.div_ceil(4).clamp(MIN_SLICE_SECONDS, MAX_SLICE_SECONDS);
            targets.iter().position(|x| x == t).map(|i| (i, *s, length))
        })
        .collect();
    let mut turn = 0usize;
    Box::new(move || {
        left.retain(|(_, s, _)| *s > 0);
        if left.is_empty() {
            return None;
        }
        turn %= left.len();
        let (i, s, length) = left.get_mut(turn)?;
        let slice = (*s).min(*length).max(MIN_SLICE_SECONDS);
        *s = s.saturating_sub(slice);
        turn += 1;
        Some((*i, slice))
    })
}

/// Runs slices until `next` has none or one fails; sums each target's executions and seconds,
/// and appends each slice to the ledger as it ends, so that a campaign cut short keeps its
/// record. `stamp`: when the campaign began, and the commit.
fn run_slices(
    fuzz_dir: &Path,
    targets: &[String],
    jobs: u32,
    mut next: Slices,
    stamp: &(String, String),
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
        let artifacts = fuzz_dir.join("artifacts").join(target);
        let before = names(&artifacts);
        let ran = Instant::now();
        let mut row = fuzz_one(fuzz_dir, target, slice, jobs)?;
        let mut slice = slice;
        if !row.ok {
            // A run that stopped early (a crash, a timeout) fuzzed for less than its slice:
            // the wall time to its end counts (the build check and the corpus load with it,
            // a few seconds).
            slice = slice.min(ran.elapsed().as_secs());
            let new: Vec<String> = names(&artifacts)
                .into_iter()
                .filter(|n| !before.contains(n))
                .collect();
            if unconfirmed_timeouts(fuzz_dir, target, &new)? {
                row.ok = true;
                row.crashes = 0;
            }
        }
        ledger::append(fuzz_dir, &[ledger::entry(&stamp.0, &stamp.1, &row, slice)])?;
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

/// True when every one of `new` (artifacts a failed slice left) is a timeout that does not
/// happen again: each input runs three times under the same one-second limit. A timeout
/// measured in wall time also fires when the machine starves the fuzzer (a build beside it),
/// and must not end a long campaign; the input moves to `artifacts/<target>/unconfirmed/`
/// for a look. A timeout that recurs, or any other artifact, stays and stops the campaign.
fn unconfirmed_timeouts(fuzz_dir: &Path, target: &str, new: &[String]) -> Result<bool, String> {
    if new.is_empty() || !new.iter().all(|n| n.starts_with("timeout-")) {
        return Ok(false);
    }
    let artifacts = fuzz_dir.join("artifacts").join(target);
    for name in new {
        let input = artifacts.join(name);
        for _ in 0..3 {
            let status = quiet_fuzz_run(fuzz_dir, target, &[&input])
                .args(["--", "-timeout=1", "-rss_limit_mb=256", "-runs=1"])
                .status()
                .map_err(|e| format!("cannot run cargo fuzz to confirm a timeout: {e}"))?;
            if !status.success() {
                eprintln!("xtask: {target}: the timeout {name} happens again; it stays");
                return Ok(false);
            }
        }
    }
    let aside = artifacts.join("unconfirmed");
    std::fs::create_dir_all(&aside).map_err(|e| format!("{}: {e}", aside.display()))?;
    for name in new {
        std::fs::rename(artifacts.join(name), aside.join(name))
            .map_err(|e| format!("{}: {e}", aside.display()))?;
        eprintln!(
            "xtask: {target}: the timeout {name} did not happen again in three runs (machine \
             load?); moved to {} and the campaign goes on",
            aside.display()
        );
    }
    Ok(true)
}

/// `cargo +nightly fuzz run TARGET INPUTS...` in `fuzz_dir`, output discarded, with the small
/// AddressSanitizer quarantine of every run here; the caller adds `--` and libFuzzer's flags.
fn quiet_fuzz_run(fuzz_dir: &Path, target: &str, inputs: &[&Path]) -> Command {
    let mut command = Command::new("cargo");
    command
        .args(["+nightly", "fuzz", "run", target])
        .args(inputs)
        .env("ASAN_OPTIONS", "quarantine_size_mb=32")
        .current_dir(fuzz_dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
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
    let status = quiet_fuzz_run(fuzz_dir, target, &[&corpus, &scratch])
        .args(["--", "-merge=1", "-rss_limit_mb=256"])
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
    fn a_rotation_takes_turns_and_a_budget_ends_it() {
        let mut r = rotation(2, 60);
        assert_eq!(
            [r(), r(), r()],
            [Some((0, 60)), Some((1, 60)), Some((0, 60))]
        );
        assert_eq!(rotation(0, 60)(), None);
        let mut spent = within(Some(Duration::ZERO), rotation(2, 60));
        assert_eq!(spent(), None);
        let mut open = within(None, rotation(1, 60));
        assert_eq!(open(), Some((0, 60)));
    }

    #[test]
    fn a_top_up_covers_each_deficit_in_turn_and_skips_the_rest() {
        let targets = ["a", "b", "c"].map(String::from);
        let missing = [("c".to_string(), 700), ("a".to_string(), 30)];
        let next = top_up(&targets, &missing);
        let slices: Vec<(usize, u64)> = std::iter::from_fn(next).collect();
        assert_eq!(
            slices,
            vec![(2, 175), (0, 60), (2, 175), (2, 175), (2, 175)]
        );
        let next = top_up(&targets, &[("b".to_string(), 4000)]);
        let slices: Vec<(usize, u64)> = std::iter::from_fn(next).collect();
        assert_eq!(
            slices,
            vec![(1, 600); 6]
                .into_iter()
                .chain([(1, 400)])
                .collect::<Vec<_>>()
        );
    }
}
