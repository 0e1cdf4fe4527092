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

use mtls_bench::floor::{Op, Primitives, raw_aead};
use mtls_bench::heap::{self, HeapLine, Metric};
use mtls_bench::report;
use mtls_bench::run::{Settings, run};
use mtls_bench::setup::{Cipher, Kind, StackId};
use mtls_bench::work::Budget;

#[test]
fn every_workload_runs_once_with_tiny_sizes() {
    let r = run(&Settings::tiny(), |_| {}).unwrap();
    for kind in Kind::ALL {
        assert!(r.full_rate(kind, StackId::Mtls).is_some(), "{kind:?}");
        assert!(r.server_ms(kind, StackId::Mtls).is_some(), "{kind:?}");
        assert_eq!(
            r.full_rate(kind, StackId::Rustls).is_some(),
            kind != Kind::StaticRsa,
            "{kind:?}"
        );
    }
    for stack in StackId::ALL {
        assert!(r.resumed_rate(stack).is_some());
    }
    for cipher in Cipher::ALL {
        assert!(r.bulk(cipher, StackId::Mtls).is_some());
        assert!(r.bulk(cipher, StackId::Rustls).is_some());
        assert!(r.raw_aead(cipher).is_some());
    }
    for op in Op::ALL {
        assert!(r.op_secs(op).is_some_and(|s| s > 0.0), "{op:?}");
    }
    for &n in Settings::tiny().net_clients {
        for stack in StackId::ALL {
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
    assert!(!report::targets(&r).is_empty());
    let m = report::machine();
    assert!(m.cores >= 1);
    let block = report::generated(&r, &m, "test");
    assert!(block.contains("mtls/rustls"));
}

#[test]
fn primitives_and_raw_aead_run() {
    let mut p = Primitives::new().unwrap();
    let once = Budget {
        min_time: std::time::Duration::ZERO,
        min_count: 1,
    };
    for op in Op::ALL {
        assert!(p.time(op, once).unwrap() > 0.0);
    }
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
    // Each kind, stack, side and metric; and the idle connection on tokio per stack and side.
    assert_eq!(
        lines.len(),
        heap::KINDS.len() * StackId::ALL.len() * 2 * Metric::ALL.len() + StackId::ALL.len() * 2
    );
    let idle = lines
        .iter()
        .filter(|l| l.metric == Metric::IdleOnTokio && l.kind == heap::IDLE_KIND)
        .count();
    assert_eq!(idle, StackId::ALL.len() * 2);
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
        for stack in StackId::ALL {
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
