//! The driver: every figure's trials, interleaved round by round (the stacks taking turns
//! at going first: mtls on each provider of the build, and rustls), so that a slow spell on a
//! shared machine spreads over every stack instead of landing on one.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crate::Result;
use crate::floor::{Op, Primitives, provider_aead};
use crate::heap::HeapLine;
use crate::net::{CLIENTS, NetStack, handshake_rate};
use crate::pump::Receive;
use crate::setup::{Cipher, Kind, Spec, StackId};
use crate::stacks::{Bulk, Configs, Each, Full, Resumed};
use crate::stats::Summary;
use crate::work::Budget;

/// How much to run.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Trials per figure (rounds).
    pub trials: usize,
    /// One trial of full handshakes.
    pub full: Budget,
    /// One trial of resumptions.
    pub resumed: Budget,
    /// One trial of a primitive.
    pub primitive: Budget,
    /// Bytes per bulk trial.
    pub bulk_bytes: usize,
    /// Bytes per write.
    pub chunk: usize,
    /// One trial of handshakes over loopback TCP on tokio.
    pub net: Budget,
    /// With N clients, a trial also runs at least `net_waves` × N handshakes.
    pub net_waves: u64,
    /// The numbers of concurrent clients of the loopback-TCP rows.
    pub net_clients: &'static [usize],
}

impl Settings {
    /// The full run (about two minutes on the reference machine).
    pub fn full() -> Self {
        Self {
            trials: 9,
            full: Budget {
                min_time: Duration::from_millis(600),
                min_count: 5,
            },
            resumed: Budget {
                min_time: Duration::from_millis(300),
                min_count: 100,
            },
            primitive: Budget {
                min_time: Duration::from_millis(200),
                min_count: 5,
            },
            bulk_bytes: 64 << 20,
            chunk: 16 << 10,
            net: Budget {
                min_time: Duration::from_millis(500),
                min_count: 5,
            },
            net_waves: 2,
            net_clients: &CLIENTS,
        }
    }

    /// A smoke run: same shape, well under a minute.
    pub fn quick() -> Self {
        Self {
            trials: 3,
            full: Budget {
                min_time: Duration::from_millis(150),
                min_count: 3,
            },
            resumed: Budget {
                min_time: Duration::from_millis(100),
                min_count: 20,
            },
            primitive: Budget {
                min_time: Duration::from_millis(50),
                min_count: 3,
            },
            bulk_bytes: 16 << 20,
            chunk: 16 << 10,
            net: Budget {
                min_time: Duration::from_millis(150),
                min_count: 3,
            },
            net_waves: 1,
            net_clients: &CLIENTS,
        }
    }

    /// Each function once, with tiny sizes (the tests).
    pub fn tiny() -> Self {
        let once = Budget {
            min_time: Duration::ZERO,
            min_count: 1,
        };
        Self {
            trials: 1,
            full: once,
            resumed: once,
            primitive: once,
            bulk_bytes: 64 << 10,
            chunk: 16 << 10,
            net: once,
            net_waves: 0,
            // A debug build is slow: N = 256 would be 256 handshakes per stack at least.
            net_clients: &[1, 16],
        }
    }
}

/// What a figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Figure {
    /// Full handshakes per second.
    FullRate(KindKey, StackKey),
    /// Server CPU milliseconds per full handshake.
    ServerMs(KindKey, StackKey),
    /// Resumed handshakes per second (ECDHE-ECDSA P-256 sessions).
    ResumedRate(StackKey),
    /// The same, by session ticket against a server without a session cache.
    TicketRate(StackKey),
    /// The same in TLS 1.3 (a PSK from a NewSessionTicket, with (EC)DHE: RFC 8446 2.2).
    Ticket13Rate(StackKey),
    /// Bulk MB/s (10^6 bytes per second), the server reading with `Read`.
    Bulk(CipherKey, StackKey),
    /// Bulk MB/s, the server reading in place with `BufRead`.
    BulkInPlace(CipherKey, StackKey),
    /// Bulk MB/s over TLS 1.3 (TLS_AES_128_GCM_SHA256), the server reading with `Read`.
    Bulk13(StackKey),
    /// AEAD seal + open MB/s through an mtls provider's table (the bulk floor).
    Aead(CipherKey, StackKey),
    /// Seconds per primitive operation on an mtls provider.
    Primitive(OpKey, StackKey),
    /// Full handshakes per second over loopback TCP on tokio, N clients at once (ECDHE-ECDSA
    /// P-256).
    NetRate(ClientsKey, StackKey),
}

/// [`Kind`] as a map key.
pub type KindKey = usize;
/// [`StackId`] as a map key.
pub type StackKey = usize;
/// [`Cipher`] as a map key.
pub type CipherKey = usize;
/// [`Op`] as a map key.
pub type OpKey = usize;
/// A number of clients of [`CLIENTS`] as a map key.
pub type ClientsKey = usize;

/// The position of `x` in `all`, as a key.
pub fn key<T: PartialEq>(all: &[T], x: T) -> usize {
    all.iter().position(|y| *y == x).unwrap_or(usize::MAX)
}

/// Every trial of every figure, and the heap figures.
#[derive(Debug, Default, Clone)]
pub struct Results {
    /// Trials per figure.
    pub samples: BTreeMap<Figure, Vec<f64>>,
    /// Heap figures (from the `mtls-bench-heap` binary).
    pub heap: Vec<HeapLine>,
}

impl Results {
    fn push(&mut self, f: Figure, x: f64) {
        self.samples.entry(f).or_default().push(x);
    }

    /// The summary of a figure's trials.
    pub fn get(&self, f: Figure) -> Option<Summary> {
        self.samples.get(&f).and_then(|v| Summary::of(v))
    }

    /// Full handshakes/s of `kind` on `stack`.
    pub fn full_rate(&self, kind: Kind, stack: StackId) -> Option<Summary> {
        self.get(Figure::FullRate(
            key(&Kind::ALL, kind),
            key(&StackId::ALL, stack),
        ))
    }

    /// Server CPU ms per full handshake of `kind` on `stack`.
    pub fn server_ms(&self, kind: Kind, stack: StackId) -> Option<Summary> {
        self.get(Figure::ServerMs(
            key(&Kind::ALL, kind),
            key(&StackId::ALL, stack),
        ))
    }

    /// Resumptions/s on `stack`.
    pub fn resumed_rate(&self, stack: StackId) -> Option<Summary> {
        self.get(Figure::ResumedRate(key(&StackId::ALL, stack)))
    }

    /// Resumptions by ticket/s on `stack`.
    pub fn ticket_rate(&self, stack: StackId) -> Option<Summary> {
        self.get(Figure::TicketRate(key(&StackId::ALL, stack)))
    }

    /// TLS 1.3 resumptions by ticket/s on `stack`.
    pub fn ticket13_rate(&self, stack: StackId) -> Option<Summary> {
        self.get(Figure::Ticket13Rate(key(&StackId::ALL, stack)))
    }

    /// Bulk MB/s with `cipher` on `stack`.
    pub fn bulk(&self, cipher: Cipher, stack: StackId) -> Option<Summary> {
        self.get(Figure::Bulk(
            key(&Cipher::ALL, cipher),
            key(&StackId::ALL, stack),
        ))
    }

    /// Bulk MB/s with `cipher` on `stack`, read in place.
    pub fn bulk_in_place(&self, cipher: Cipher, stack: StackId) -> Option<Summary> {
        self.get(Figure::BulkInPlace(
            key(&Cipher::ALL, cipher),
            key(&StackId::ALL, stack),
        ))
    }

    /// TLS 1.3 bulk MB/s (AES-128-GCM) on `stack`.
    pub fn bulk13(&self, stack: StackId) -> Option<Summary> {
        self.get(Figure::Bulk13(key(&StackId::ALL, stack)))
    }

    /// AEAD seal + open MB/s on `stack`'s provider.
    pub fn aead(&self, cipher: Cipher, stack: StackId) -> Option<Summary> {
        self.get(Figure::Aead(
            key(&Cipher::ALL, cipher),
            key(&StackId::ALL, stack),
        ))
    }

    /// Full handshakes/s over loopback TCP on tokio with `clients` clients, on `stack`.
    pub fn net_rate(&self, clients: usize, stack: StackId) -> Option<Summary> {
        self.get(Figure::NetRate(
            key(&CLIENTS, clients),
            key(&StackId::ALL, stack),
        ))
    }

    /// Seconds per `op` on `stack`'s provider.
    pub fn op(&self, op: Op, stack: StackId) -> Option<Summary> {
        self.get(Figure::Primitive(
            key(&Op::ALL, op),
            key(&StackId::ALL, stack),
        ))
    }

    /// Median seconds per `op` on `stack`'s provider.
    pub fn op_secs(&self, op: Op, stack: StackId) -> Option<f64> {
        self.op(op, stack).map(|s| s.median)
    }

    /// The heap figure, if measured.
    pub fn heap(
        &self,
        stack: StackId,
        kind: Kind,
        role: crate::pump::Role,
        metric: crate::heap::Metric,
    ) -> Option<i64> {
        self.heap
            .iter()
            .find(|l| l.stack == stack && l.kind == kind && l.role == role && l.metric == metric)
            .map(|l| l.bytes)
    }
}

/// The handshake of the loopback-TCP rows (and of the heap per idle connection on tokio).
pub const NET_KIND: Kind = Kind::EcdheEcdsaP256;

/// The configurations, built once (untimed), for every stack of the run.
struct Configurations {
    full: Vec<(Kind, Each)>,
    resumed: Each,
    ticket: Each,
    ticket13: Each,
    bulk: Vec<(Cipher, Each)>,
    bulk13: Each,
    /// The loopback-TCP rows' stacks.
    net: Vec<(StackId, Arc<NetStack>)>,
    /// The primitive floor of each mtls stack's provider.
    floors: Vec<(StackId, Primitives)>,
}

/// The TLS 1.3 bulk row's spec: TLS_AES_128_GCM_SHA256.
fn bulk13_spec() -> Spec {
    let mut spec = Cipher::Aes128Gcm.spec();
    spec.tls13 = true;
    spec.rustls_suite = Some(rustls::crypto::ring::cipher_suite::TLS13_AES_128_GCM_SHA256);
    spec
}

fn configurations(stacks: &[StackId]) -> Result<Configurations> {
    let each = |spec: Spec| Each::new(&spec, stacks);
    let mut full = Vec::new();
    for kind in Kind::ALL {
        full.push((kind, each(kind.spec())?));
    }
    let mut bulk = Vec::new();
    for cipher in Cipher::ALL {
        bulk.push((cipher, each(cipher.spec())?));
    }
    let mut net = Vec::new();
    let mut floors = Vec::new();
    for &stack in stacks {
        let n = match Configs::new(stack, &NET_KIND.spec())? {
            Some(Configs::Mtls(c)) => NetStack::mtls(&c)?,
            Some(Configs::Rustls(c)) => NetStack::rustls(&c),
            None => continue,
        };
        net.push((stack, Arc::new(n)));
        if stack.is_mtls() {
            floors.push((stack, Primitives::new(stack.provider()?)?));
        }
    }
    Ok(Configurations {
        full,
        resumed: each(Kind::EcdheEcdsaP256.spec().resuming())?,
        ticket: each(Kind::EcdheEcdsaP256.spec().ticketing())?,
        ticket13: each(Kind::Tls13EcdsaP256.spec().ticketing())?,
        bulk,
        bulk13: each(bulk13_spec())?,
        net,
        floors,
    })
}

/// Runs every timed figure on every stack of this build ([`StackId::available`]).
pub fn run(set: &Settings, progress: impl FnMut(&str)) -> Result<Results> {
    run_on(&StackId::available(), set, progress)
}

/// Runs every timed figure on `stacks`, `set.trials` interleaved rounds; `progress` hears
/// each round. Round `n` starts with the `n`-th stack (modulo their number), so every stack
/// goes first as often as the others.
pub fn run_on(
    stacks: &[StackId],
    set: &Settings,
    mut progress: impl FnMut(&str),
) -> Result<Results> {
    let mut c = configurations(stacks)?;
    let mut r = Results::default();
    let bulk_bytes = set.bulk_bytes / set.chunk.max(1) * set.chunk.max(1);
    let bulk = |receive| Bulk {
        bytes: bulk_bytes,
        chunk: set.chunk,
        receive,
    };
    let rounds = set.trials.max(1);
    for round in 0..rounds {
        progress(&format!("round {}/{rounds}", round + 1));
        let mut order = stacks.to_vec();
        let n = order.len().max(1);
        order.rotate_left(round % n);
        for (kind, each) in &c.full {
            for &stack in &order {
                if let Some(t) = each.run(stack, &Full(set.full))? {
                    let (k, st) = (key(&Kind::ALL, *kind), key(&StackId::ALL, stack));
                    r.push(Figure::FullRate(k, st), t.per_sec());
                    r.push(Figure::ServerMs(k, st), t.server_ms());
                }
            }
        }
        for &stack in &order {
            let st = key(&StackId::ALL, stack);
            let w = Resumed(set.resumed);
            for (each, figure) in [
                (&c.resumed, Figure::ResumedRate(st)),
                (&c.ticket, Figure::TicketRate(st)),
                (&c.ticket13, Figure::Ticket13Rate(st)),
            ] {
                if let Some(t) = each.run(stack, &w)? {
                    r.push(figure, t.per_sec());
                }
            }
        }
        for (stack, prims) in &mut c.floors {
            for op in Op::ALL {
                let secs = prims.time(op, set.primitive)?;
                r.push(
                    Figure::Primitive(key(&Op::ALL, op), key(&StackId::ALL, *stack)),
                    secs,
                );
            }
        }
        for (cipher, each) in &c.bulk {
            let ci = key(&Cipher::ALL, *cipher);
            for &stack in &order {
                let st = key(&StackId::ALL, stack);
                if let Some(x) = each.run(stack, &bulk(Receive::Copy))? {
                    r.push(Figure::Bulk(ci, st), x);
                }
                if let Some(x) = each.run(stack, &bulk(Receive::InPlace))? {
                    r.push(Figure::BulkInPlace(ci, st), x);
                }
            }
            if *cipher == Cipher::Aes128Gcm {
                for &stack in &order {
                    if let Some(x) = c.bulk13.run(stack, &bulk(Receive::Copy))? {
                        r.push(Figure::Bulk13(key(&StackId::ALL, stack)), x);
                    }
                }
            }
            for &stack in order.iter().filter(|s| s.is_mtls()) {
                let d = provider_aead(stack.provider()?, *cipher, bulk_bytes, set.chunk)?;
                r.push(
                    Figure::Aead(ci, key(&StackId::ALL, stack)),
                    bulk_bytes as f64 / d.as_secs_f64().max(1e-12) / 1e6,
                );
            }
        }
        for &clients in set.net_clients {
            let budget = Budget {
                min_time: set.net.min_time,
                min_count: set.net.min_count.max(set.net_waves * clients as u64),
            };
            for &stack in &order {
                let Some((_, net)) = c.net.iter().find(|(s, _)| *s == stack) else {
                    continue;
                };
                let t = handshake_rate(net.clone(), clients, budget)?;
                r.push(
                    Figure::NetRate(key(&CLIENTS, clients), key(&StackId::ALL, stack)),
                    t.per_sec(),
                );
            }
        }
    }
    Ok(r)
}
