//! The table: its sections and rows (one column per stack, ratios against rustls with ring,
//! each mtls provider against its own primitive floor), in Markdown. The targets are in
//! [`crate::targets`], the JSON form in [`crate::json`], the document in [`crate::doc`].

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::floor::{Op, recipe, recipe_secs, server_recipe};
use crate::heap::{self, Metric};
use crate::net::CLIENTS;
use crate::pump::Role;
use crate::run::{NET_KIND, Results};
use crate::setup::{Cipher, Kind, StackId};
use crate::stats::Summary;

pub use crate::doc::{BEGIN, END, Machine, generated, load_average, machine, write_doc};
pub use crate::targets::{Target, targets, targets_markdown};

/// Which way is better for a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// Rates.
    Higher,
    /// Times and bytes.
    Lower,
}

/// One row of the table.
#[derive(Debug, Clone)]
pub struct Row {
    /// What is measured.
    pub label: String,
    /// The unit.
    pub unit: &'static str,
    /// Which way is better.
    pub better: Better,
    /// Each stack's figure (stacks not measured are absent).
    pub values: BTreeMap<StackId, Summary>,
    /// Each mtls provider's primitive floor (the best value possible on its primitives),
    /// where the row has one.
    pub floors: BTreeMap<StackId, f64>,
}

impl Row {
    /// A row with no figures yet.
    pub fn new(label: impl Into<String>, unit: &'static str, better: Better) -> Self {
        Self {
            label: label.into(),
            unit,
            better,
            values: BTreeMap::new(),
            floors: BTreeMap::new(),
        }
    }

    /// With each stack's figure from `f`.
    pub fn values(mut self, f: impl Fn(StackId) -> Option<Summary>) -> Self {
        self.values = StackId::ALL
            .into_iter()
            .filter_map(|s| Some((s, f(s)?)))
            .collect();
        self
    }

    /// With each mtls stack's floor from `f`.
    pub fn floors(mut self, f: impl Fn(StackId) -> Option<f64>) -> Self {
        self.floors = StackId::ALL
            .into_iter()
            .filter(|s| s.is_mtls())
            .filter_map(|s| Some((s, f(s)?)))
            .collect();
        self
    }

    /// `stack`'s figure.
    pub fn value(&self, stack: StackId) -> Option<Summary> {
        self.values.get(&stack).copied()
    }

    /// `stack` / rustls (ring), medians.
    pub fn ratio(&self, stack: StackId) -> Option<f64> {
        Some(self.value(stack)?.median / self.value(StackId::BASELINE)?.median)
    }

    /// How close `stack` comes to its provider's floor, as a fraction (1.0 = at the floor).
    pub fn of_floor(&self, stack: StackId) -> Option<f64> {
        let (m, f) = (self.value(stack)?.median, *self.floors.get(&stack)?);
        Some(match self.better {
            Better::Higher => m / f,
            Better::Lower => f / m,
        })
    }
}

/// A table section: a title and its rows.
pub struct Section {
    /// The title.
    pub title: String,
    /// The rows.
    pub rows: Vec<Row>,
}

/// Seconds for `rec` on `stack`'s provider; `None` unless every operation was timed.
fn floor_secs(r: &Results, rec: &[(Op, u32)], stack: StackId) -> Option<f64> {
    let mut missing = false;
    let secs = recipe_secs(rec, |op| {
        r.op_secs(op, stack).unwrap_or_else(|| {
            missing = true;
            0.0
        })
    });
    (!missing && secs > 0.0).then_some(secs)
}

fn scaled(s: Summary, k: f64) -> Summary {
    Summary {
        median: s.median * k,
        min: s.min * k,
        max: s.max * k,
        trials: s.trials,
    }
}

fn side(role: Role) -> &'static str {
    match role {
        Role::Client => "client",
        Role::Server => "server",
    }
}

/// Every section of the table.
pub fn sections(r: &Results) -> Vec<Section> {
    let mut out = Vec::new();

    let rows = Kind::ALL
        .iter()
        .map(|&k| {
            Row::new(k.label(), "handshakes/s", Better::Higher)
                .values(|s| r.full_rate(k, s))
                .floors(|s| floor_secs(r, &recipe(k), s).map(|x| 1.0 / x))
        })
        .collect();
    out.push(Section {
        title:
            "Full mutually-authenticated handshakes per second (client + server pair, AES-128-GCM)"
                .into(),
        rows,
    });

    let rows = Kind::ALL
        .iter()
        .map(|&k| {
            Row::new(k.label(), "ms CPU", Better::Lower)
                .values(|s| r.server_ms(k, s))
                .floors(|s| floor_secs(r, &server_recipe(k), s).map(|x| x * 1e3))
        })
        .collect();
    out.push(Section {
        title:
            "Server-side CPU time per full handshake (floor: the server's share of the operations)"
                .into(),
        rows,
    });

    let mut rows: Vec<Row> = Op::ALL
        .iter()
        .map(|&op| {
            Row::new(op.label(), "µs/op", Better::Lower)
                .values(|s| r.op(op, s).map(|x| scaled(x, 1e6)))
        })
        .collect();
    for k in Kind::ALL {
        rows.push(
            Row::new(
                format!("sum for one full handshake: {}", k.label()),
                "ms",
                Better::Lower,
            )
            .values(|s| floor_secs(r, &recipe(k), s).map(|x| Summary::exact(x * 1e3))),
        );
    }
    for c in Cipher::ALL {
        rows.push(
            Row::new(
                format!("{} seal + open, 16 KiB records", c.label()),
                "MB/s",
                Better::Higher,
            )
            .values(|s| r.aead(c, s)),
        );
    }
    out.push(Section {
        title: "Primitive floor: the operations through each mtls provider's table".into(),
        rows,
    });

    let rows = vec![
        Row::new(
            "by session id, client + server",
            "handshakes/s",
            Better::Higher,
        )
        .values(|s| r.resumed_rate(s)),
        Row::new(
            "by session ticket, server without a cache",
            "handshakes/s",
            Better::Higher,
        )
        .values(|s| r.ticket_rate(s)),
        Row::new(
            "TLS 1.3 by ticket (PSK with ECDHE), server without a cache",
            "handshakes/s",
            Better::Higher,
        )
        .values(|s| r.ticket13_rate(s)),
    ];
    out.push(Section {
        title: "Resumed handshakes per second (ECDHE-ECDSA P-256, AES-128-GCM)".into(),
        rows,
    });

    let rows = CLIENTS
        .iter()
        .map(|&n| {
            Row::new(
                format!("{n} concurrent client{}", if n == 1 { "" } else { "s" }),
                "handshakes/s",
                Better::Higher,
            )
            .values(|s| r.net_rate(n, s))
        })
        .collect();
    out.push(Section {
        title: format!(
            "Handshakes per second over loopback TCP on tokio: mtls-tokio beside tokio-rustls \
             ({}, AES-128-GCM; server and clients on one runtime, a worker per core)",
            NET_KIND.label()
        ),
        rows,
    });

    let aead = |c: Cipher| move |s: StackId| r.aead(c, s).map(|x| x.median);
    let copy = Cipher::ALL.iter().map(|&c| {
        Row::new(
            format!("{}, read with `Read`", c.label()),
            "MB/s",
            Better::Higher,
        )
        .values(|s| r.bulk(c, s))
        .floors(aead(c))
    });
    let in_place = Cipher::ALL.iter().map(|&c| {
        Row::new(
            format!("{}, read in place with `BufRead`", c.label()),
            "MB/s",
            Better::Higher,
        )
        .values(|s| r.bulk_in_place(c, s))
        .floors(aead(c))
    });
    let tls13 = std::iter::once(
        Row::new(
            "TLS 1.3 AES-128-GCM, read with `Read`",
            "MB/s",
            Better::Higher,
        )
        .values(|s| r.bulk13(s))
        .floors(aead(Cipher::Aes128Gcm)),
    );
    out.push(Section {
        title: "Bulk: client to server in 16 KiB writes (floor: the provider's AEAD seal + open)"
            .into(),
        rows: copy.chain(in_place).chain(tls13).collect(),
    });

    for kind in heap::KINDS {
        let mut rows = Vec::new();
        for metric in Metric::ALL {
            for role in [Role::Client, Role::Server] {
                rows.push(
                    Row::new(
                        format!("{}: {}", side(role), metric.label()),
                        "KiB",
                        Better::Lower,
                    )
                    .values(|s| {
                        r.heap(s, kind, role, metric)
                            .map(|b| Summary::exact(b as f64 / 1024.0))
                    }),
                );
            }
        }
        out.push(Section {
            title: format!("Heap per side, {} (no session caches)", kind.label()),
            rows,
        });
    }

    let rows = [Role::Server, Role::Client]
        .iter()
        .map(|&role| {
            Row::new(
                format!("{}: TLS stream and its TCP socket", side(role)),
                "KiB",
                Better::Lower,
            )
            .values(|s| {
                r.heap(s, heap::IDLE_KIND, role, Metric::IdleOnTokio)
                    .map(|b| Summary::exact(b as f64 / 1024.0))
            })
        })
        .collect();
    out.push(Section {
        title: format!(
            "Heap per idle established connection on tokio, {} (loopback TCP, no session \
             caches, {} connections)",
            heap::IDLE_KIND.label(),
            heap::IDLE_CONNECTIONS
        ),
        rows,
    });
    out
}

/// `x` with three significant figures or so, thousands separated.
pub fn num(x: f64) -> String {
    let a = x.abs();
    if a >= 1000.0 {
        // Thousands separators.
        let s = format!("{:.0}", x);
        let (sign, digits) = s.split_at(usize::from(s.starts_with('-')));
        let mut out = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        format!("{sign}{out}")
    } else if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

fn cell(s: Option<Summary>) -> String {
    match s {
        None => "—".into(),
        Some(s) if s.trials <= 1 || s.min == s.max => num(s.median),
        Some(s) => format!("{} ({}–{})", num(s.median), num(s.min), num(s.max)),
    }
}

/// A fraction as a percentage, or a dash.
pub fn pct(x: Option<f64>) -> String {
    x.map_or("—".into(), |x| format!("{:.0}%", x * 100.0))
}

fn ratio(x: Option<f64>) -> String {
    x.map_or("—".into(), |x| format!("{x:.2}"))
}

/// The stacks with a figure in any row, in table order.
pub fn columns(sections: &[Section]) -> Vec<StackId> {
    StackId::ALL
        .into_iter()
        .filter(|s| {
            sections
                .iter()
                .any(|x| x.rows.iter().any(|r| r.values.contains_key(s)))
        })
        .collect()
}

/// The table in Markdown: per section, each stack's median (min–max), each mtls provider
/// over rustls (ring), and each mtls provider's floor and how close it came.
pub fn table(r: &Results) -> String {
    let secs = sections(r);
    let stacks = columns(&secs);
    let mtls: Vec<StackId> = stacks.iter().copied().filter(|s| s.is_mtls()).collect();
    let mut head = String::from("| measure | unit |");
    let mut rule = String::from("|---|---|");
    for s in &stacks {
        let _ = write!(head, " {}: median (min–max) |", s.label());
        rule.push_str("--:|");
    }
    for s in &mtls {
        let _ = write!(head, " {}/{} |", s.short(), StackId::BASELINE.short());
        rule.push_str("--:|");
    }
    for s in &mtls {
        let _ = write!(head, " {0} floor | {0} vs floor |", s.short());
        rule.push_str("--:|--:|");
    }
    let mut t = String::new();
    for s in secs {
        let _ = writeln!(t, "**{}**\n", s.title);
        let _ = writeln!(t, "{head}\n{rule}");
        for row in &s.rows {
            let arrow = match row.better {
                Better::Higher => "↑",
                Better::Lower => "↓",
            };
            let _ = write!(t, "| {} | {} {arrow} |", row.label, row.unit);
            for &st in &stacks {
                let _ = write!(t, " {} |", cell(row.value(st)));
            }
            for &st in &mtls {
                let _ = write!(t, " {} |", ratio(row.ratio(st)));
            }
            for &st in &mtls {
                let _ = write!(
                    t,
                    " {} | {} |",
                    row.floors.get(&st).map_or("—".into(), |f| num(*f)),
                    pct(row.of_floor(st))
                );
            }
            t.push('\n');
        }
        t.push('\n');
    }
    t
}
