//! The driver: every figure's trials, interleaved round by round (mtls and rustls
//! alternating which goes first), so that a slow spell on a shared machine spreads over both
//! stacks instead of landing on one.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crate::Result;
use crate::floor::{Op, Primitives, raw_aead};
use crate::heap::HeapLine;
use crate::net::{CLIENTS, NetStack, handshake_rate};
use crate::pump::{Receive, Stack};
use crate::setup::{
    Cipher, Kind, MtlsConfigs, RustlsConfigs, StackId, mtls_configs, rustls_configs,
};
use crate::stats::Summary;
use crate::work::{Budget, bulk, full_handshakes, resumed_handshakes};

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
    /// Raw AEAD seal + open MB/s.
    RawAead(CipherKey),
    /// Seconds per primitive operation.
    Primitive(OpKey),
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

    /// Raw AEAD seal + open MB/s.
    pub fn raw_aead(&self, cipher: Cipher) -> Option<Summary> {
        self.get(Figure::RawAead(key(&Cipher::ALL, cipher)))
    }

    /// Full handshakes/s over loopback TCP on tokio with `clients` clients, on `stack`.
    pub fn net_rate(&self, clients: usize, stack: StackId) -> Option<Summary> {
        self.get(Figure::NetRate(
            key(&CLIENTS, clients),
            key(&StackId::ALL, stack),
        ))
    }

    /// Median seconds per `op`.
    pub fn op_secs(&self, op: Op) -> Option<f64> {
        self.get(Figure::Primitive(key(&Op::ALL, op)))
            .map(|s| s.median)
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

/// The configurations, built once (untimed).
struct Configs {
    full: Vec<(Kind, MtlsConfigs, Option<RustlsConfigs>)>,
    resumed: (MtlsConfigs, RustlsConfigs),
    ticket: (MtlsConfigs, RustlsConfigs),
    ticket13: (MtlsConfigs, RustlsConfigs),
    bulk: Vec<(Cipher, MtlsConfigs, RustlsConfigs)>,
    bulk13: (MtlsConfigs, RustlsConfigs),
    /// The loopback-TCP rows' stacks: mtls, rustls.
    net: [Arc<NetStack>; 2],
}

fn configs() -> Result<Configs> {
    let mut full = Vec::new();
    for kind in Kind::ALL {
        let spec = kind.spec();
        let theirs = match spec.rustls_suite {
            Some(_) => Some(rustls_configs(&spec)?),
            None => None,
        };
        full.push((kind, mtls_configs(&spec)?, theirs));
    }
    let spec = Kind::EcdheEcdsaP256.spec().resuming();
    let resumed = (mtls_configs(&spec)?, rustls_configs(&spec)?);
    let spec = Kind::EcdheEcdsaP256.spec().ticketing();
    let ticket = (mtls_configs(&spec)?, rustls_configs(&spec)?);
    let spec = Kind::Tls13EcdsaP256.spec().ticketing();
    let ticket13 = (mtls_configs(&spec)?, rustls_configs(&spec)?);
    let mut bulk = Vec::new();
    for cipher in Cipher::ALL {
        let spec = cipher.spec();
        bulk.push((cipher, mtls_configs(&spec)?, rustls_configs(&spec)?));
    }
    let mut spec = Cipher::Aes128Gcm.spec();
    spec.tls13 = true;
    spec.rustls_suite = Some(rustls::crypto::ring::cipher_suite::TLS13_AES_128_GCM_SHA256);
    let bulk13 = (mtls_configs(&spec)?, rustls_configs(&spec)?);
    let spec = NET_KIND.spec();
    let net = [
        Arc::new(NetStack::mtls(&mtls_configs(&spec)?)?),
        Arc::new(NetStack::rustls(&rustls_configs(&spec)?)),
    ];
    Ok(Configs {
        full,
        resumed,
        ticket,
        ticket13,
        bulk,
        bulk13,
        net,
    })
}

fn mb_per_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / d.as_secs_f64().max(1e-12) / 1e6
}

/// One trial of each figure for one stack.
fn full_trial<S: Stack>(
    r: &mut Results,
    s: &S,
    kind: Kind,
    stack: StackId,
    set: &Settings,
) -> Result<()> {
    let t = full_handshakes(s, set.full)?;
    let (k, st) = (key(&Kind::ALL, kind), key(&StackId::ALL, stack));
    r.push(Figure::FullRate(k, st), t.per_sec());
    r.push(Figure::ServerMs(k, st), t.server_ms());
    Ok(())
}

fn bulk_trial<S: Stack>(
    r: &mut Results,
    s: &S,
    cipher: Cipher,
    stack: StackId,
    set: &Settings,
) -> Result<()> {
    let bytes = set.bulk_bytes / set.chunk.max(1) * set.chunk.max(1);
    let (c, st) = (key(&Cipher::ALL, cipher), key(&StackId::ALL, stack));
    let d = bulk(s, bytes, set.chunk, Receive::Copy)?;
    r.push(Figure::Bulk(c, st), mb_per_s(bytes, d));
    let d = bulk(s, bytes, set.chunk, Receive::InPlace)?;
    r.push(Figure::BulkInPlace(c, st), mb_per_s(bytes, d));
    Ok(())
}

/// Runs every timed figure, `set.trials` interleaved rounds; `progress` hears each round.
pub fn run(set: &Settings, mut progress: impl FnMut(&str)) -> Result<Results> {
    let c = configs()?;
    let mut prims = Primitives::new()?;
    let mut r = Results::default();
    let bulk_bytes = set.bulk_bytes / set.chunk.max(1) * set.chunk.max(1);
    for round in 0..set.trials.max(1) {
        progress(&format!("round {}/{}", round + 1, set.trials.max(1)));
        // Alternate which stack goes first.
        let order = if round % 2 == 0 {
            [StackId::Mtls, StackId::Rustls]
        } else {
            [StackId::Rustls, StackId::Mtls]
        };
        for (kind, ours, theirs) in &c.full {
            for stack in order {
                match (stack, theirs) {
                    (StackId::Mtls, _) => full_trial(&mut r, ours, *kind, stack, set)?,
                    (StackId::Rustls, Some(t)) => full_trial(&mut r, t, *kind, stack, set)?,
                    (StackId::Rustls, None) => {}
                }
            }
        }
        for stack in order {
            let t = match stack {
                StackId::Mtls => resumed_handshakes(&c.resumed.0, set.resumed)?,
                StackId::Rustls => resumed_handshakes(&c.resumed.1, set.resumed)?,
            };
            r.push(Figure::ResumedRate(key(&StackId::ALL, stack)), t.per_sec());
            let t = match stack {
                StackId::Mtls => resumed_handshakes(&c.ticket.0, set.resumed)?,
                StackId::Rustls => resumed_handshakes(&c.ticket.1, set.resumed)?,
            };
            r.push(Figure::TicketRate(key(&StackId::ALL, stack)), t.per_sec());
            let t = match stack {
                StackId::Mtls => resumed_handshakes(&c.ticket13.0, set.resumed)?,
                StackId::Rustls => resumed_handshakes(&c.ticket13.1, set.resumed)?,
            };
            r.push(Figure::Ticket13Rate(key(&StackId::ALL, stack)), t.per_sec());
        }
        for op in Op::ALL {
            let secs = prims.time(op, set.primitive)?;
            r.push(Figure::Primitive(key(&Op::ALL, op)), secs);
        }
        for (cipher, ours, theirs) in &c.bulk {
            for stack in order {
                match stack {
                    StackId::Mtls => bulk_trial(&mut r, ours, *cipher, stack, set)?,
                    StackId::Rustls => bulk_trial(&mut r, theirs, *cipher, stack, set)?,
                }
            }
            if *cipher == Cipher::Aes128Gcm {
                for stack in order {
                    let d = match stack {
                        StackId::Mtls => bulk(&c.bulk13.0, bulk_bytes, set.chunk, Receive::Copy)?,
                        StackId::Rustls => bulk(&c.bulk13.1, bulk_bytes, set.chunk, Receive::Copy)?,
                    };
                    r.push(
                        Figure::Bulk13(key(&StackId::ALL, stack)),
                        mb_per_s(bulk_bytes, d),
                    );
                }
            }
            let d = raw_aead(*cipher, bulk_bytes, set.chunk)?;
            r.push(
                Figure::RawAead(key(&Cipher::ALL, *cipher)),
                mb_per_s(bulk_bytes, d),
            );
        }
        for &clients in set.net_clients {
            let budget = Budget {
                min_time: set.net.min_time,
                min_count: set.net.min_count.max(set.net_waves * clients as u64),
            };
            for stack in order {
                let i = key(&StackId::ALL, stack);
                let net = c.net.get(i).ok_or("no such stack")?;
                let t = handshake_rate(net.clone(), clients, budget)?;
                r.push(Figure::NetRate(key(&CLIENTS, clients), i), t.per_sec());
            }
        }
    }
    Ok(r)
}
