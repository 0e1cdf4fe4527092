//! Loopback TCP on tokio: mtls-tokio beside tokio-rustls, both sides in this process.
//!
//! - [`handshake_rate`]: full handshakes per second with N clients at once. One trial builds a
//!   multi-threaded runtime (one worker per core) that runs both the server (an accept loop,
//!   one task per connection) and the N client tasks, on a fresh listener on 127.0.0.1. Each
//!   client connects, completes a handshake and drops the connection, again and again, until
//!   the budget is spent; then every handshake in flight is finished and counted. The rate is
//!   handshakes completed over the whole time, so the start (all N handshakes begun at once)
//!   and the end (the last ones finishing together) keep the machine as busy as the middle.
//! - [`NetStack::establish`]: K connection pairs kept open, for the heap per idle connection
//!   (measured by the `mtls-bench-heap` binary, see [`crate::heap::tokio_idle`]).

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::net::{TcpListener, TcpSocket, TcpStream};

use crate::Result;
use crate::setup::{MtlsConfigs, RustlsConfigs, SERVER_NAME};
use crate::work::Budget;

/// The numbers of concurrent clients in the table.
pub const CLIENTS: [usize; 3] = [1, 16, 256];

/// Listen backlog: a burst of N connects must not overflow it (tokio's default is 128).
const BACKLOG: u32 = 4096;

/// The longest one trial may take, whatever the budget.
const TRIAL_LIMIT: Duration = Duration::from_secs(120);

enum Acceptor {
    Mtls(mtls_tokio::TlsAcceptor),
    Rustls(tokio_rustls::TlsAcceptor),
}

enum Connector {
    Mtls(
        mtls_tokio::TlsConnector,
        mtls::pki_types::ServerName<'static>,
    ),
    Rustls(
        tokio_rustls::TlsConnector,
        rustls::pki_types::ServerName<'static>,
    ),
}

/// A server-side stream after its handshake, either stack's; boxed, so that the heap figures
/// count each stack's own stream size.
pub enum ServerStream {
    /// mtls-tokio.
    Mtls(Box<mtls_tokio::server::TlsStream<TcpStream>>),
    /// tokio-rustls.
    Rustls(Box<tokio_rustls::server::TlsStream<TcpStream>>),
}

/// A client-side stream after its handshake, either stack's; boxed, as [`ServerStream`].
pub enum ClientStream {
    /// mtls-tokio.
    Mtls(Box<mtls_tokio::client::TlsStream<TcpStream>>),
    /// tokio-rustls.
    Rustls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

/// One stack's acceptor and connector on tokio, from the same configurations as the
/// in-memory rows.
pub struct NetStack {
    acceptor: Acceptor,
    connector: Connector,
}

impl NetStack {
    /// mtls-tokio's acceptor and connector.
    pub fn mtls(c: &MtlsConfigs) -> Result<Self> {
        Ok(Self {
            acceptor: Acceptor::Mtls(Arc::new(c.server.clone()).into()),
            connector: Connector::Mtls(
                Arc::new(c.client.clone()).into(),
                mtls::pki_types::ServerName::try_from(SERVER_NAME)?,
            ),
        })
    }

    /// tokio-rustls's acceptor and connector.
    pub fn rustls(c: &RustlsConfigs) -> Self {
        Self {
            acceptor: Acceptor::Rustls(c.server.clone().into()),
            connector: Connector::Rustls(c.client.clone().into(), c.name.clone()),
        }
    }

    /// The server handshake over `tcp`.
    pub async fn accept(&self, tcp: TcpStream) -> io::Result<ServerStream> {
        tcp.set_nodelay(true)?;
        Ok(match &self.acceptor {
            Acceptor::Mtls(a) => ServerStream::Mtls(Box::new(a.accept(tcp).await?)),
            Acceptor::Rustls(a) => ServerStream::Rustls(Box::new(a.accept(tcp).await?)),
        })
    }

    /// Connects to `addr` and runs the client handshake.
    pub async fn connect(&self, addr: SocketAddr) -> io::Result<ClientStream> {
        let tcp = TcpStream::connect(addr).await?;
        tcp.set_nodelay(true)?;
        Ok(match &self.connector {
            Connector::Mtls(c, name) => {
                ClientStream::Mtls(Box::new(c.connect(name.clone(), tcp).await?))
            }
            Connector::Rustls(c, name) => {
                ClientStream::Rustls(Box::new(c.connect(name.clone(), tcp).await?))
            }
        })
    }

    /// `k` connection pairs through `listener`, one after the other, pushed onto `servers`
    /// and `clients` (kept open).
    pub async fn establish(
        &self,
        listener: &TcpListener,
        k: usize,
        servers: &mut Vec<ServerStream>,
        clients: &mut Vec<ClientStream>,
    ) -> io::Result<()> {
        let addr = listener.local_addr()?;
        for _ in 0..k {
            let server = async {
                let (tcp, _) = listener.accept().await?;
                self.accept(tcp).await
            };
            let (s, c) = tokio::try_join!(server, self.connect(addr))?;
            servers.push(s);
            clients.push(c);
        }
        Ok(())
    }
}

/// A listener on 127.0.0.1 (a free port) with a backlog of 4,096 connections.
pub fn listener() -> io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
    socket.listen(BACKLOG)
}

/// One trial of handshakes over TCP.
#[derive(Debug, Clone, Copy)]
pub struct NetTrial {
    /// Handshakes completed (client side).
    pub count: u64,
    /// From the first client's start to the last handshake's end.
    pub elapsed: Duration,
}

impl NetTrial {
    /// Handshakes per second.
    pub fn per_sec(&self) -> f64 {
        self.count as f64 / self.elapsed.as_secs_f64().max(1e-12)
    }
}

/// What the server and client tasks of one trial share.
#[derive(Default)]
struct Shared {
    done: AtomicU64,
    stop: AtomicBool,
    server_error: std::sync::Mutex<Option<String>>,
}

/// Full handshakes per second with `clients` clients at once against one server, all on one
/// multi-threaded runtime (one worker per core); at least `budget.min_time`, and at least
/// `budget.min_count` handshakes.
pub fn handshake_rate(stack: Arc<NetStack>, clients: usize, budget: Budget) -> Result<NetTrial> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_io()
        .enable_time()
        .build()?;
    let trial = runtime.block_on(async move {
        match tokio::time::timeout(TRIAL_LIMIT, trial(stack, clients.max(1), budget)).await {
            Ok(r) => r,
            Err(_) => Err(format!("a trial of {clients} clients took over {TRIAL_LIMIT:?}").into()),
        }
    });
    // Drops the accept loop and whatever the server still holds.
    runtime.shutdown_background();
    trial
}

async fn trial(stack: Arc<NetStack>, clients: usize, budget: Budget) -> Result<NetTrial> {
    let listener = listener()?;
    let addr = listener.local_addr()?;
    let shared = Arc::new(Shared::default());
    {
        let (stack, shared) = (stack.clone(), shared.clone());
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let (stack, shared) = (stack.clone(), shared.clone());
                tokio::spawn(async move {
                    if let Err(e) = stack.accept(tcp).await
                        && let Ok(mut first) = shared.server_error.lock()
                    {
                        first.get_or_insert_with(|| format!("server: {e}"));
                    }
                });
            }
        });
    }
    let start = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (stack, shared) = (stack.clone(), shared.clone());
            tokio::spawn(async move {
                while !shared.stop.load(Ordering::Relaxed) {
                    drop(stack.connect(addr).await?);
                    shared.done.fetch_add(1, Ordering::Relaxed);
                }
                io::Result::Ok(())
            })
        })
        .collect();
    // Stop starting handshakes once the budget is spent (or at once if a client failed).
    while shared.done.load(Ordering::Relaxed) < budget.min_count
        || start.elapsed() < budget.min_time
    {
        if tasks.iter().any(|t| t.is_finished()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    shared.stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.map_err(|e| format!("client task: {e}"))??;
    }
    let elapsed = start.elapsed();
    if let Ok(mut first) = shared.server_error.lock()
        && let Some(e) = first.take()
    {
        return Err(e.into());
    }
    Ok(NetTrial {
        count: shared.done.load(Ordering::Relaxed),
        elapsed,
    })
}
