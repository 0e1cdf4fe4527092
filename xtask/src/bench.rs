//! `cargo xtask bench [--quick] [--no-doc] [--json FILE]`: builds both mtls-bench binaries (the
//! timed one and the heap one it runs as a child) in release mode with the `aws-lc` feature,
//! so that every mtls row runs on both providers, then runs the timed one.

use std::path::{Path, PathBuf};

/// The features `mtls-bench` is built with: the AWS-LC provider's column.
const FEATURES: &str = "aws-lc";

/// What `cargo xtask bench` was asked for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A smoke run.
    pub quick: bool,
    /// Do not write docs/BENCHMARKS.md.
    pub no_doc: bool,
    /// Write every figure as JSON to this file.
    pub json: Option<PathBuf>,
}

/// The `cargo build` arguments.
pub fn build_args() -> Vec<String> {
    [
        "build",
        "--release",
        "-p",
        "mtls-bench",
        "--features",
        FEATURES,
        "--bins",
    ]
    .map(String::from)
    .to_vec()
}

/// The `cargo run` arguments; a relative `--json` path is taken from `cwd` (cargo runs the
/// benchmark in the workspace root).
pub fn run_args(o: &Options, cwd: &Path) -> Vec<String> {
    let mut args: Vec<String> = [
        "run",
        "--release",
        "-p",
        "mtls-bench",
        "--features",
        FEATURES,
        "--bin",
        "mtls-bench",
        "--",
    ]
    .map(String::from)
    .to_vec();
    if o.quick {
        args.push("--quick".into());
    }
    if o.no_doc {
        args.push("--no-doc".into());
    }
    if let Some(path) = &o.json {
        args.push("--json".into());
        args.push(cwd.join(path).display().to_string());
    }
    args
}

/// Builds, then runs.
pub fn bench(root: &Path, o: &Options) -> Result<(), String> {
    let cwd = std::env::current_dir().map_err(|e| format!("current directory: {e}"))?;
    let build = build_args();
    crate::run(
        root,
        "cargo",
        &build.iter().map(String::as_str).collect::<Vec<_>>(),
    )?;
    let run = run_args(o, &cwd);
    crate::run(
        root,
        "cargo",
        &run.iter().map(String::as_str).collect::<Vec<_>>(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_passed_through_with_an_absolute_path() {
        let o = Options {
            quick: true,
            no_doc: false,
            json: Some("out/bench.json".into()),
        };
        let args = run_args(&o, Path::new("/home/me"));
        let tail: Vec<&str> = args
            .iter()
            .skip_while(|a| *a != "--")
            .map(String::as_str)
            .collect();
        assert_eq!(tail, ["--", "--quick", "--json", "/home/me/out/bench.json"]);
        let o = Options {
            json: Some("/tmp/bench.json".into()),
            ..Options::default()
        };
        let args = run_args(&o, Path::new("/home/me"));
        assert!(args.ends_with(&["--json".into(), "/tmp/bench.json".into()]));
        assert!(!args.contains(&"--quick".to_string()));
    }

    #[test]
    fn both_providers_are_built_and_run() {
        for args in [build_args(), run_args(&Options::default(), Path::new("/"))] {
            let i = args.iter().position(|a| a == "--features").unwrap();
            assert_eq!(args.get(i + 1).map(String::as_str), Some("aws-lc"));
        }
    }
}
