//! Every harness function once, with tiny sizes, so that CI catches breakage. No timing is
//! asserted: the figures of a debug build on a shared machine mean nothing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::process::Command;

use mtls_bench::floor::{Op, Primitives, provider_aead, raw_aead};
use mtls_bench::heap::{self, HeapLine, Metric};
use mtls_bench::json::Report;
use mtls_bench::report;
use mtls_bench::run::{Settings, run};
use mtls_bench::setup::{Cipher, Kind, StackId};
use mtls_bench::work::Budget;

#[test]
fn every_workload_runs_once_with_tiny_sizes() {
    let r = run(&Settings::tiny(), |_| {}).unwrap();
    let stacks = StackId::available();
    assert_eq!(
        stacks.contains(&StackId::MtlsAwsLc),
        cfg!(feature = "aws-lc")
    );
    for &stack in &stacks {
        for kind in Kind::ALL {
            assert_eq!(
                r.full_rate(kind, stack).is_some(),
                stack.is_mtls() || kind != Kind::StaticRsa,
                "{kind:?} {stack:?}"
            );
            assert_eq!(
                r.server_ms(kind, stack).is_some(),
                r.full_rate(kind, stack).is_some()
            );
        }
        assert!(r.resumed_rate(stack).is_some(), "{stack:?}");
        assert!(r.ticket_rate(stack).is_some(), "{stack:?}");
        assert!(r.ticket13_rate(stack).is_some(), "{stack:?}");
        assert!(r.bulk13(stack).is_some(), "{stack:?}");
        for cipher in Cipher::ALL {
            assert!(r.bulk(cipher, stack).is_some(), "{cipher:?} {stack:?}");
            assert!(r.bulk_in_place(cipher, stack).is_some());
            // Each mtls provider has its own floor; rustls has none.
            assert_eq!(r.aead(cipher, stack).is_some(), stack.is_mtls());
        }
        for op in Op::ALL {
            assert_eq!(
                r.op_secs(op, stack).is_some_and(|s| s > 0.0),
                stack.is_mtls(),
                "{op:?} {stack:?}"
            );
        }
        for &n in Settings::tiny().net_clients {
            assert!(
                r.net_rate(n, stack).is_some_and(|s| s.median > 0.0),
                "{n} clients, {stack:?}"
            );
        }
    }
    let table = report::table(&r);
    for kind in Kind::ALL {
        assert!(table.contains(kind.label()));
    }
    for &stack in &stacks {
        assert!(table.contains(stack.label()), "{stack:?}");
    }
    assert!(table.contains("RustCrypto/ring"));
    assert!(table.contains("RustCrypto vs floor"));
    assert!(!report::targets(&r).is_empty());
    let m = report::machine();
    assert!(m.cores >= 1);
    let block = report::generated(&r, &m, "test");
    assert!(block.contains("| stack | target | met | figures |"));
    // Every row of the table is in the JSON, with a value for every stack it measured.
    let json = Report::new(&report::sections(&r)).to_json().unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = v["rows"].as_array().unwrap();
    let table_rows: usize = report::sections(&r).iter().map(|s| s.rows.len()).sum();
    assert_eq!(rows.len(), table_rows);
    let full = rows
        .iter()
        .find(|x| x["measure"] == Kind::EcdheEcdsaP256.label() && x["unit"] == "handshakes/s")
        .unwrap();
    for &stack in &stacks {
        assert!(full["values"][stack.name()].as_f64().unwrap() > 0.0);
    }
}

#[test]
fn primitives_and_aead_floors_run_on_every_provider() {
    let once = Budget {
        min_time: std::time::Duration::ZERO,
        min_count: 1,
    };
    for stack in StackId::available().into_iter().filter(|s| s.is_mtls()) {
        let provider = stack.provider().unwrap();
        let mut p = Primitives::new(provider).unwrap();
        for op in Op::ALL {
            assert!(p.time(op, once).unwrap() > 0.0);
        }
        for c in Cipher::ALL {
            provider_aead(provider, c, 32 << 10, 16 << 10).unwrap();
        }
    }
    assert!(StackId::RustlsRing.provider().is_err());
    for c in Cipher::ALL {
        raw_aead(c, 32 << 10, 16 << 10).unwrap();
    }
}

#[test]
fn heap_binary_reports_every_figure() {
    let out = Command::new(env!("CARGO_BIN_EXE_mtls-bench-heap"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<HeapLine> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| HeapLine::parse(l).expect(l))
        .collect();
    // Each kind, stack of the build, side and metric; and the idle connection on tokio per
    // stack and side.
    let stacks = StackId::available().len();
    assert_eq!(
        lines.len(),
        heap::KINDS.len() * stacks * 2 * Metric::ALL.len() + stacks * 2
    );
    let idle = lines
        .iter()
        .filter(|l| l.metric == Metric::IdleOnTokio && l.kind == heap::IDLE_KIND)
        .count();
    assert_eq!(idle, stacks * 2);
    for l in &lines {
        assert!(l.bytes > 0, "{l:?}");
        assert_eq!(HeapLine::parse(&l.to_line()), Some(*l));
    }
}

#[test]
fn heap_binary_traces_calls_for_both_stacks() {
    let out = Command::new(env!("CARGO_BIN_EXE_mtls-bench-heap"))
        .arg("--calls")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for kind in heap::KINDS {
        for stack in StackId::available() {
            assert!(
                text.contains(&format!("{} {} (", stack.name(), kind.id())),
                "{text}"
            );
        }
    }
    // Each row: call, side, before <= peak >= after.
    let rows: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|w| w.len() == 5 && w[0].parse::<usize>().is_ok())
        .collect();
    assert!(rows.len() > 8, "{text}");
    for w in rows {
        let n: Vec<i64> = w[2..].iter().map(|x| x.parse().unwrap()).collect();
        assert!(n[1] >= n[0] && n[1] >= n[2], "{w:?}");
    }
}

#[test]
fn heap_profile_refuses_to_run_without_the_counting_allocator() {
    assert!(heap::check_allocator().is_err());
}

#[test]
fn the_document_keeps_text_outside_the_generated_block() {
    let path = std::env::temp_dir().join(format!("mtls-bench-doc-{}.md", std::process::id()));
    std::fs::write(
        &path,
        format!(
            "# B\n\nintro\n\n{}\nold\n{}\n\nnotes\n",
            report::BEGIN,
            report::END
        ),
    )
    .unwrap();
    report::write_doc(&path, "new\n").unwrap();
    let s = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(
        s,
        format!(
            "# B\n\nintro\n\n{}\nnew\n{}\n\nnotes\n",
            report::BEGIN,
            report::END
        )
    );
}
