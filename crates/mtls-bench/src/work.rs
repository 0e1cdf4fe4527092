//! The timed workloads. Each call is one trial; the driver interleaves the two stacks' trials.

use std::time::{Duration, Instant};

use crate::Result;
use crate::pump::{
    NoProbe, Probe, Receive, Role, ServerCpu, Side, Stack, Wire, handshake, transfer,
};

/// How long a trial runs: at least `min_time` and at least `min_count` operations.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Minimum wall time.
    pub min_time: Duration,
    /// Minimum number of operations.
    pub min_count: u64,
}

impl Budget {
    /// Runs `op` until the budget is spent; returns (operations, wall time).
    pub fn run(&self, mut op: impl FnMut() -> Result<()>) -> Result<(u64, Duration)> {
        let start = Instant::now();
        let mut count = 0u64;
        loop {
            op()?;
            count += 1;
            let elapsed = start.elapsed();
            if count >= self.min_count && elapsed >= self.min_time {
                return Ok((count, elapsed));
            }
        }
    }
}

/// One trial of handshakes.
#[derive(Debug, Clone, Copy)]
pub struct HandshakeTrial {
    /// Handshakes completed.
    pub count: u64,
    /// Wall time for all of them (client + server, one thread).
    pub elapsed: Duration,
    /// Server thread CPU time for all of them (zero when not measured).
    pub server_cpu: Duration,
}

impl HandshakeTrial {
    /// Handshakes per second (per client + server pair).
    pub fn per_sec(&self) -> f64 {
        self.count as f64 / self.elapsed.as_secs_f64().max(1e-12)
    }

    /// Server CPU milliseconds per handshake.
    pub fn server_ms(&self) -> f64 {
        self.server_cpu.as_secs_f64() * 1e3 / (self.count.max(1) as f64)
    }
}

/// One connection pair from creation to drop: a handshake. `expect_resumed`: what the
/// handshake must have been (checked on both sides), or `None` for either.
pub fn one_handshake<S: Stack, P: Probe>(
    stack: &S,
    probe: &mut P,
    wire: &mut Wire,
    expect_resumed: Option<bool>,
) -> Result<()> {
    let mut c = probe.on(Role::Client, || stack.client())?;
    let mut s = probe.on(Role::Server, || stack.server())?;
    handshake(&mut c, &mut s, probe, wire)?;
    if let Some(want) = expect_resumed
        && (c.resumed() != want || s.resumed() != want)
    {
        return Err(format!(
            "expected a {} handshake",
            if want { "resumed" } else { "full" }
        )
        .into());
    }
    probe.on(Role::Server, || drop(s));
    probe.on(Role::Client, || drop(c));
    Ok(())
}

/// Full handshakes (the client offers no session), with the server's CPU time.
pub fn full_handshakes<S: Stack>(stack: &S, budget: Budget) -> Result<HandshakeTrial> {
    let mut wire = Wire::default();
    let mut probe = ServerCpu::default();
    let (count, elapsed) =
        budget.run(|| one_handshake(stack, &mut probe, &mut wire, Some(false)))?;
    Ok(HandshakeTrial {
        count,
        elapsed,
        server_cpu: probe.total,
    })
}

/// Session-id resumptions: one untimed handshake to fill the caches, then resumptions only.
pub fn resumed_handshakes<S: Stack>(stack: &S, budget: Budget) -> Result<HandshakeTrial> {
    let mut wire = Wire::default();
    one_handshake(stack, &mut NoProbe, &mut wire, None)?;
    let (count, elapsed) =
        budget.run(|| one_handshake(stack, &mut NoProbe, &mut wire, Some(true)))?;
    Ok(HandshakeTrial {
        count,
        elapsed,
        server_cpu: Duration::ZERO,
    })
}

/// Bulk: after an untimed handshake, `total` bytes from client to server in writes of
/// `chunk` bytes, each write's records delivered and read at once; returns the time from the
/// first write to the server's reading the last byte. `receive` says whether the server
/// copies the data out (`Read`) or takes it in place (`BufRead`).
pub fn bulk<S: Stack>(stack: &S, total: usize, chunk: usize, receive: Receive) -> Result<Duration> {
    let mut wire = Wire::default();
    let mut c = stack.client()?;
    let mut s = stack.server()?;
    handshake(&mut c, &mut s, &mut NoProbe, &mut wire)?;
    wire.receive = receive;
    let piece = vec![0x5a_u8; chunk.max(1)];
    let times = total / piece.len();
    let start = Instant::now();
    let got = transfer(
        &mut c,
        (Role::Client, Role::Server),
        &mut s,
        &mut NoProbe,
        &mut wire,
        &piece,
        times,
    )?;
    let elapsed = start.elapsed();
    if got != times * piece.len() {
        return Err(format!("bulk: {got} bytes arrived of {}", times * piece.len()).into());
    }
    Ok(elapsed)
}
