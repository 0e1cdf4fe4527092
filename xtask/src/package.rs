//! The last step of `cargo xtask ci`: every publishable crate packaged as crates.io would get
//! it, and verified. Each package is built from its unpacked sources, against the packages of
//! the crates below it, which cargo serves from a temporary registry under
//! `<target>/package/tmp-registry`.
//!
//! Cargo treats a registry package as immutable, and that registry has the same path on every
//! run. So a package of ours unpacked by an earlier run (under `$CARGO_HOME/registry/src/`),
//! or compiled by one (in the target dir), would stand in for today's sources: a crate that uses
//! a new item of the crate below it then fails to build. [`forget_earlier_packages`] removes
//! both before packaging.

use std::path::{Path, PathBuf};

use crate::layers::workspace_packages;
use crate::run_env;

/// Workspace members that are never published: the benchmarks, the test kit and this tool.
const UNPUBLISHED: [&str; 3] = ["mtls-bench", "mtls-testkit", "xtask"];

/// `cargo package` of every publishable crate, verified, with `CARGO_TARGET_DIR` on `target`:
/// the verification reuses the dependencies the steps before it built and compiles only our
/// crates (2 min 20 s on the 2-core machine, against 16 min in the fresh target dir it uses
/// by default; docs/ARCHITECTURE.md, "Packaging").
pub fn package_and_verify(root: &Path, target: &Path) -> Result<(), String> {
    let published = publishable_crates(root)?;
    forget_earlier_packages(root, target, &published)?;
    let target = target.display().to_string();
    let mut args = vec!["package", "--workspace", "--allow-dirty"];
    for name in UNPUBLISHED {
        args.extend(["--exclude", name]);
    }
    run_env(root, "cargo", &args, &[("CARGO_TARGET_DIR", &target)])
}

/// Each publishable crate's name and version.
fn publishable_crates(root: &Path) -> Result<Vec<(String, String)>, String> {
    Ok(workspace_packages(root)?
        .iter()
        .filter_map(|p| Some((p["name"].as_str()?, p["version"].as_str()?)))
        .filter(|(name, _)| !UNPUBLISHED.contains(name))
        .map(|(name, version)| (name.to_string(), version.to_string()))
        .collect())
}

/// Removes what earlier runs left of our packages: their unpacked sources in every
/// path-keyed registry (the directories of `$CARGO_HOME/registry/src/` whose name starts
/// with `-`; crates.io's start with `index.`), and their builds in `target`. `cargo clean -p`
/// takes a package's builds from every source, so the workspace's own builds of our crates
/// go too, and the next build compiles them again (our crates only, about a minute).
fn forget_earlier_packages(
    root: &Path,
    target: &Path,
    published: &[(String, String)],
) -> Result<(), String> {
    let sources = cargo_home().join("registry").join("src");
    if let Ok(registries) = std::fs::read_dir(&sources) {
        for registry in registries.flatten() {
            if !registry.file_name().to_string_lossy().starts_with('-') {
                continue;
            }
            for (name, version) in published {
                let unpacked = registry.path().join(format!("{name}-{version}"));
                if unpacked.exists() {
                    std::fs::remove_dir_all(&unpacked)
                        .map_err(|e| format!("cannot remove {}: {e}", unpacked.display()))?;
                }
            }
        }
    }
    let target = target.display().to_string();
    let mut args = vec!["clean"];
    for (name, _) in published {
        args.extend(["-p", name.as_str()]);
    }
    run_env(root, "cargo", &args, &[("CARGO_TARGET_DIR", &target)])
}

fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
}
