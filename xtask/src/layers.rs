//! `cargo xtask layers`: every dependency edge between workspace crates must be one that the
//! allowed-edges table in docs/ARCHITECTURE.md lists, and the table itself must point only
//! downward (each crate may use only crates listed above it).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

/// The heading of the table in docs/ARCHITECTURE.md.
const HEADING: &str = "## Allowed dependency edges";

/// One row of the table: what a crate may use, in normal and in dev builds.
#[derive(Debug, Default)]
struct Allowed {
    /// Position in the table: a crate may only use crates of smaller rank.
    rank: usize,
    normal: BTreeSet<String>,
    dev: BTreeSet<String>,
}

/// Runs the check; the error names every edge that is not allowed.
pub fn check(root: &Path) -> Result<(), String> {
    let doc = std::fs::read_to_string(root.join("docs/ARCHITECTURE.md"))
        .map_err(|e| format!("cannot read docs/ARCHITECTURE.md: {e}"))?;
    let table = parse_table(&doc)?;
    let edges = workspace_edges(root)?;
    let mut problems = table_problems(&table);
    for (from, to, kind) in &edges {
        let Some(row) = table.get(from) else {
            problems.push(format!("{from} has no row in the allowed-edges table"));
            continue;
        };
        let ok = match kind.as_str() {
            "dev" => row.dev.contains(to) || row.normal.contains(to),
            _ => row.normal.contains(to),
        };
        if !ok {
            problems.push(format!(
                "{from} -> {to} ({kind}) is not in docs/ARCHITECTURE.md's allowed edges"
            ));
        }
    }
    if problems.is_empty() {
        eprintln!(
            "xtask: layers: {} edges between {} crates, all allowed and pointing down",
            edges.len(),
            table.len()
        );
        Ok(())
    } else {
        Err(format!(
            "layering check failed:\n  {}",
            problems.join("\n  ")
        ))
    }
}

/// Normal edges must point to a crate listed above; dev edges may point anywhere but to the
/// crate itself.
fn table_problems(table: &BTreeMap<String, Allowed>) -> Vec<String> {
    let mut problems = Vec::new();
    for (from, row) in table {
        for to in &row.normal {
            match table.get(to) {
                Some(target) if target.rank < row.rank => {}
                Some(_) => problems.push(format!(
                    "the table lets {from} use {to}, which is not listed above it (an upward edge)"
                )),
                None => problems.push(format!("the table names {to}, which has no row")),
            }
        }
    }
    problems
}

/// The rows of the table under [`HEADING`]: `| crate | uses | dev-dependencies |`.
fn parse_table(doc: &str) -> Result<BTreeMap<String, Allowed>, String> {
    let mut lines = doc.lines().skip_while(|l| l.trim() != HEADING);
    if lines.next().is_none() {
        return Err(format!("docs/ARCHITECTURE.md has no \"{HEADING}\" section"));
    }
    let mut table = BTreeMap::new();
    let rows = lines
        .take_while(|l| !l.starts_with("## "))
        .filter(|l| l.starts_with('|'))
        .skip(2); // the header and the |---| line
    for (rank, line) in rows.enumerate() {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let [name, normal, dev] = cells.as_slice() else {
            return Err(format!("allowed-edges row without three cells: {line}"));
        };
        table.insert(
            names(name).into_iter().next().unwrap_or_default(),
            Allowed {
                rank,
                normal: names(normal),
                dev: names(dev),
            },
        );
    }
    if table.is_empty() {
        return Err(format!("the \"{HEADING}\" table has no rows"));
    }
    Ok(table)
}

/// Crate names in a cell: backticked or bare, comma-separated; "none" or "-" for none.
fn names(cell: &str) -> BTreeSet<String> {
    cell.split(',')
        .map(|n| n.trim().trim_matches('`').trim().to_string())
        .filter(|n| !n.is_empty() && n != "none" && n != "-" && n != "—")
        .collect()
}

/// The workspace's packages, as `cargo metadata --no-deps` describes them.
pub fn workspace_packages(root: &Path) -> Result<Vec<serde_json::Value>, String> {
    let out = Command::new("cargo")
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata output: {e}"))?;
    Ok(meta["packages"].as_array().cloned().unwrap_or_default())
}

/// Every (from, to, kind) edge between workspace members, from `cargo metadata`.
fn workspace_edges(root: &Path) -> Result<BTreeSet<(String, String, String)>, String> {
    let packages = workspace_packages(root)?;
    let members: BTreeSet<String> = packages
        .iter()
        .filter_map(|p| p["name"].as_str().map(str::to_string))
        .collect();
    let mut edges = BTreeSet::new();
    for p in &packages {
        let from = p["name"].as_str().unwrap_or_default().to_string();
        for d in p["dependencies"].as_array().into_iter().flatten() {
            let to = d["name"].as_str().unwrap_or_default().to_string();
            if !members.contains(&to) || to == from {
                continue;
            }
            let kind = d["kind"].as_str().unwrap_or("normal").to_string();
            edges.insert((from.clone(), to, kind));
        }
    }
    Ok(edges)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "# x\n\n## Allowed dependency edges\n\n| crate | uses | dev |\n|---|---|---|\n| `a` | none | `c` |\n| `b` | `a` | - |\n| `c` | `a`, `b` | none |\n\n## Next\n| `z` | `a` | - |\n";

    #[test]
    fn the_table_parses_in_order() {
        let t = parse_table(DOC).unwrap();
        assert_eq!(t.len(), 3);
        assert_eq!(t["c"].normal, names("a, b"));
        assert_eq!(t["a"].dev, names("`c`"));
        assert!(t["a"].rank < t["b"].rank && t["b"].rank < t["c"].rank);
        assert!(table_problems(&t).is_empty());
    }

    #[test]
    fn an_upward_edge_in_the_table_is_named() {
        let doc = DOC.replace("| `a` | none |", "| `a` | `b` |");
        let problems = table_problems(&parse_table(&doc).unwrap());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("a use b"), "{problems:?}");
    }
}
