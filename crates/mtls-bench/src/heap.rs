//! Heap per side, through a counting global allocator ([`peak_alloc`]: bytes live, and a
//! resettable peak). The allocator is installed only by the `mtls-bench-heap` binary (and
//! this crate's heap test), so the timed binary runs on the plain system allocator.
//!
//! Every call made on one side's connection is metered: the bytes it leaves allocated are
//! that side's, and the peak inside the call, on top of what that side already held, is a
//! candidate for that side's peak. The connection objects are boxed so that their own size
//! counts too. Session caches are off on both sides (the connections alone are measured),
//! and one untimed, unmetered pass runs first so that lazily built tables are not counted.

use peak_alloc::PeakAlloc;

use crate::Result;
use crate::pump::{Probe, Role, Stack, Wire, handshake, transfer};
use crate::setup::{Kind, StackId};
use crate::stacks::{Configs, Workload};

/// Reads the counters that the installed [`PeakAlloc`] keeps.
const METER: PeakAlloc = PeakAlloc;

/// The handshake kinds whose heap is measured.
pub const KINDS: [Kind; 2] = [Kind::EcdheEcdsaP256, Kind::EcdheRsa];

/// What is measured per side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Bytes live once the handshake completed.
    LiveAfterHandshake,
    /// Bytes live after one 16 KiB record each way.
    LiveAfterRecords,
    /// The most bytes live at any moment of the handshake.
    PeakDuringHandshake,
    /// Bytes per idle established connection on tokio over loopback TCP: the TLS stream and
    /// its socket (see [`tokio_idle`]); not in [`Metric::ALL`], a section of its own.
    IdleOnTokio,
}

impl Metric {
    /// All, in table order.
    pub const ALL: [Metric; 3] = [
        Metric::LiveAfterHandshake,
        Metric::LiveAfterRecords,
        Metric::PeakDuringHandshake,
    ];

    /// Every metric the heap binary prints.
    pub const PRINTED: [Metric; 4] = [
        Metric::LiveAfterHandshake,
        Metric::LiveAfterRecords,
        Metric::PeakDuringHandshake,
        Metric::IdleOnTokio,
    ];

    /// A short identifier.
    pub fn id(self) -> &'static str {
        match self {
            Self::LiveAfterHandshake => "live-after-handshake",
            Self::LiveAfterRecords => "live-after-16k-each-way",
            Self::PeakDuringHandshake => "peak-during-handshake",
            Self::IdleOnTokio => "idle-on-tokio",
        }
    }

    /// The table label.
    pub fn label(self) -> &'static str {
        match self {
            Self::LiveAfterHandshake => "live after the handshake",
            Self::LiveAfterRecords => "live after 16 KiB each way",
            Self::PeakDuringHandshake => "peak during the handshake",
            Self::IdleOnTokio => "idle established connection on tokio",
        }
    }
}

fn role_id(role: Role) -> &'static str {
    match role {
        Role::Client => "client",
        Role::Server => "server",
    }
}

/// One measured figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeapLine {
    /// Which stack.
    pub stack: StackId,
    /// Which handshake.
    pub kind: Kind,
    /// Which side.
    pub role: Role,
    /// What.
    pub metric: Metric,
    /// Bytes.
    pub bytes: i64,
}

impl HeapLine {
    /// One line of the heap binary's output.
    pub fn to_line(&self) -> String {
        format!(
            "heap {} {} {} {} {}",
            self.stack.name(),
            self.kind.id(),
            role_id(self.role),
            self.metric.id(),
            self.bytes
        )
    }

    /// Reads [`HeapLine::to_line`]'s output; `None` for any other line.
    pub fn parse(line: &str) -> Option<Self> {
        let mut w = line.split_whitespace();
        if w.next()? != "heap" {
            return None;
        }
        let stack = w.next()?;
        let stack = *StackId::ALL.iter().find(|s| s.name() == stack)?;
        let kind = w.next()?;
        let kind = *Kind::ALL.iter().find(|k| k.id() == kind)?;
        let role = match w.next()? {
            "client" => Role::Client,
            "server" => Role::Server,
            _ => return None,
        };
        let metric = w.next()?;
        let metric = *Metric::PRINTED.iter().find(|m| m.id() == metric)?;
        let bytes = w.next()?.parse().ok()?;
        Some(Self {
            stack,
            kind,
            role,
            metric,
            bytes,
        })
    }
}

/// Meters every call per side.
#[derive(Default)]
struct HeapProbe {
    /// Bytes held, client then server.
    live: [i64; 2],
    /// Peak bytes held, client then server.
    peak: [i64; 2],
}

fn idx(role: Role) -> usize {
    match role {
        Role::Client => 0,
        Role::Server => 1,
    }
}

impl Probe for HeapProbe {
    fn on<R>(&mut self, role: Role, f: impl FnOnce() -> R) -> R {
        METER.reset_peak_usage();
        let start = METER.current_usage() as i64;
        let r = f();
        let end = METER.current_usage() as i64;
        let peak_in_call = METER.peak_usage() as i64 - start;
        let i = idx(role);
        if let (Some(live), Some(peak)) = (self.live.get_mut(i), self.peak.get_mut(i)) {
            *peak = (*peak).max(*live + peak_in_call);
            *live += end - start;
        }
        r
    }
}

impl HeapProbe {
    fn live(&self, role: Role) -> i64 {
        self.live.get(idx(role)).copied().unwrap_or(0)
    }
    fn peak(&self, role: Role) -> i64 {
        self.peak.get(idx(role)).copied().unwrap_or(0)
    }
}

/// Fails unless the counting allocator is the global allocator.
pub fn check_allocator() -> Result<()> {
    let before = METER.current_usage();
    let v = std::hint::black_box(vec![1u8; 4096]);
    let during = METER.current_usage();
    drop(v);
    if during < before + 4096 {
        return Err(
            "the counting allocator is not installed (run the mtls-bench-heap binary)".into(),
        );
    }
    Ok(())
}

/// One connection pair's heap per side, for a stack.
pub fn profile<S: Stack>(stack: &S) -> Result<[(Role, Metric, i64); 6]> {
    check_allocator()?;
    let mut wire = Wire::default();
    let mut p = HeapProbe::default();
    let mut c = p.on(Role::Client, || stack.client().map(Box::new))?;
    let mut s = p.on(Role::Server, || stack.server().map(Box::new))?;
    handshake(&mut c, &mut s, &mut p, &mut wire)?;
    let after_hs = (p.live(Role::Client), p.live(Role::Server));
    let peak = (p.peak(Role::Client), p.peak(Role::Server));
    let piece = vec![0x5a_u8; 16 * 1024];
    let mut got = transfer(
        &mut c,
        (Role::Client, Role::Server),
        &mut s,
        &mut p,
        &mut wire,
        &piece,
        1,
    )?;
    got += transfer(
        &mut s,
        (Role::Server, Role::Client),
        &mut c,
        &mut p,
        &mut wire,
        &piece,
        1,
    )?;
    if got != 2 * piece.len() {
        return Err(format!("heap: {got} bytes arrived of {}", 2 * piece.len()).into());
    }
    let after_records = (p.live(Role::Client), p.live(Role::Server));
    p.on(Role::Server, || drop(s));
    p.on(Role::Client, || drop(c));
    Ok([
        (Role::Client, Metric::LiveAfterHandshake, after_hs.0),
        (Role::Server, Metric::LiveAfterHandshake, after_hs.1),
        (Role::Client, Metric::LiveAfterRecords, after_records.0),
        (Role::Server, Metric::LiveAfterRecords, after_records.1),
        (Role::Client, Metric::PeakDuringHandshake, peak.0),
        (Role::Server, Metric::PeakDuringHandshake, peak.1),
    ])
}

/// One metered call of a handshake, for [`call_trace`]: which side, the bytes that side held
/// before it, the most it held during it, and what it held after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallLine {
    /// Calls made so far on either side, this one included.
    pub call: usize,
    /// The side it was made on.
    pub role: Role,
    /// Bytes the side held before the call.
    pub before: i64,
    /// The most the side held during the call.
    pub peak: i64,
    /// Bytes the side held after the call.
    pub after: i64,
}

/// Records every call of one handshake, for finding where a side's peak comes from.
#[derive(Default)]
struct TraceProbe {
    live: [i64; 2],
    lines: Vec<CallLine>,
}

impl Probe for TraceProbe {
    fn on<R>(&mut self, role: Role, f: impl FnOnce() -> R) -> R {
        METER.reset_peak_usage();
        let start = METER.current_usage() as i64;
        let r = f();
        let end = METER.current_usage() as i64;
        let peak_in_call = METER.peak_usage() as i64 - start;
        if let Some(live) = self.live.get_mut(idx(role)) {
            let before = *live;
            *live += end - start;
            self.lines.push(CallLine {
                call: self.lines.len() + 1,
                role,
                before,
                peak: before + peak_in_call,
                after: *live,
            });
        }
        r
    }
}

/// Every call of one handshake on `stack` (after an unmetered warm-up handshake), with the
/// heap of the side it was made on: `mtls-bench-heap --calls`.
pub fn call_trace<S: Stack>(stack: &S) -> Result<Vec<CallLine>> {
    check_allocator()?;
    let mut wire = Wire::default();
    for metered in [false, true] {
        let mut p = TraceProbe::default();
        let mut c = p.on(Role::Client, || stack.client().map(Box::new))?;
        let mut s = p.on(Role::Server, || stack.server().map(Box::new))?;
        handshake(&mut c, &mut s, &mut p, &mut wire)?;
        if metered {
            return Ok(p.lines);
        }
    }
    Ok(Vec::new())
}

/// [`profile`] as a workload.
struct Profile;

impl Workload for Profile {
    type Out = [(Role, Metric, i64); 6];
    fn on<S: Stack>(&self, stack: &S) -> Result<Self::Out> {
        profile(stack)
    }
}

/// [`call_trace`] as a workload.
struct Trace;

impl Workload for Trace {
    type Out = Vec<CallLine>;
    fn on<S: Stack>(&self, stack: &S) -> Result<Self::Out> {
        call_trace(stack)
    }
}

/// Every stack of this build that runs `kind`, with its configurations (no session caches).
fn stacks_for(kind: Kind) -> Result<Vec<(StackId, Configs)>> {
    let spec = kind.spec().without_caches();
    let mut out = Vec::new();
    for stack in StackId::available() {
        if let Some(c) = Configs::new(stack, &spec)? {
            out.push((stack, c));
        }
    }
    Ok(out)
}

/// Prints [`call_trace`] for each kind in [`KINDS`] and every stack, as a table per run.
pub fn print_call_traces() -> Result<()> {
    for kind in KINDS {
        for (stack, configs) in stacks_for(kind)? {
            let lines = configs.run(&Trace)?;
            println!(
                "{} {} (bytes held by the side the call was made on)",
                stack.name(),
                kind.id()
            );
            println!(
                "{:>5} {:>7} {:>8} {:>8} {:>8}",
                "call", "side", "before", "peak", "after"
            );
            for l in lines
                .iter()
                .filter(|l| l.peak != l.before || l.after != l.before)
            {
                println!(
                    "{:>5} {:>7} {:>8} {:>8} {:>8}",
                    l.call,
                    role_id(l.role),
                    l.before,
                    l.peak,
                    l.after
                );
            }
            println!();
        }
    }
    Ok(())
}

/// Connections kept open at once by [`tokio_idle`].
pub const IDLE_CONNECTIONS: usize = 256;

/// The kind of handshake behind [`tokio_idle`]'s connections.
pub const IDLE_KIND: Kind = crate::run::NET_KIND;

/// Lets the runtime's IO driver turn (it frees the registrations of dropped sockets then).
async fn settle() {
    for _ in 0..3 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// Heap bytes per idle established connection on tokio over loopback TCP, (server, client):
/// [`IDLE_CONNECTIONS`] pairs are established one after the other on a current-thread
/// runtime and kept open with nothing pending; what the heap grew by, over the count, is
/// both sides', and dropping the client streams first leaves the server's. A pass with the
/// same number of connections first (dropped) grows the runtime's own tables, which are
/// not per connection.
pub fn tokio_idle(stack: &crate::net::NetStack) -> Result<(i64, i64)> {
    check_allocator()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()?;
    runtime.block_on(async {
        let listener = crate::net::listener()?;
        let live = || METER.current_usage() as i64;
        let k = IDLE_CONNECTIONS;
        let (mut servers, mut clients) = (Vec::with_capacity(k), Vec::with_capacity(k));
        stack
            .establish(&listener, k, &mut servers, &mut clients)
            .await?;
        servers.clear();
        clients.clear();
        settle().await;
        // The vectors' own room is allocated already: from here on only connections count.
        let base = live();
        stack
            .establish(&listener, k, &mut servers, &mut clients)
            .await?;
        settle().await;
        let both = live() - base;
        drop(clients);
        settle().await;
        let server = live() - base;
        drop(servers);
        let k = k as i64;
        Ok((server / k, (both - server) / k))
    })
}

/// Every heap figure: each stack of this build, each kind in [`KINDS`], after one unmetered
/// warm-up of every stack.
pub fn measure_all() -> Result<Vec<HeapLine>> {
    let mut out = Vec::new();
    for kind in KINDS {
        let stacks = stacks_for(kind)?;
        // Warm-up: lazily initialised tables (p256's, ring's and AWS-LC's CPU features) are
        // not per connection.
        for (_, configs) in &stacks {
            configs.run(&Profile)?;
        }
        for (stack, configs) in &stacks {
            for (role, metric, bytes) in configs.run(&Profile)? {
                out.push(HeapLine {
                    stack: *stack,
                    kind,
                    role,
                    metric,
                    bytes,
                });
            }
        }
    }
    for (stack, configs) in stacks_for(IDLE_KIND)? {
        let net = match &configs {
            Configs::Mtls(c) => crate::net::NetStack::mtls(c)?,
            Configs::Rustls(c) => crate::net::NetStack::rustls(c),
        };
        let (server, client) = tokio_idle(&net)?;
        for (role, bytes) in [(Role::Server, server), (Role::Client, client)] {
            out.push(HeapLine {
                stack,
                kind: IDLE_KIND,
                role,
                metric: Metric::IdleOnTokio,
                bytes,
            });
        }
    }
    Ok(out)
}
