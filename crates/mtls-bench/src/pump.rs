//! One trait over both stacks' sans-IO connections, and the loops that move bytes between a
//! client and a server in memory. Everything is statically dispatched, so both stacks pay
//! the same (near zero) harness cost.

use std::io::{self, BufRead, Read, Write};
use std::time::Duration;

use crate::Result;
use crate::setup::{MtlsConfigs, RustlsConfigs};

/// One end of a connection, either stack.
pub trait Side {
    /// Takes TLS bytes from `rd` once (advancing it); returns how many.
    fn read_tls(&mut self, rd: &mut &[u8]) -> io::Result<usize>;
    /// Processes the records received.
    fn process(&mut self) -> Result<()>;
    /// Appends pending TLS bytes to `out` once; returns how many.
    fn write_tls(&mut self, out: &mut Vec<u8>) -> io::Result<usize>;
    /// True when TLS bytes wait to be written.
    fn wants_write(&self) -> bool;
    /// True until the handshake completes.
    fn is_handshaking(&self) -> bool;
    /// Queues application data; returns how much was taken.
    fn send(&mut self, data: &[u8]) -> io::Result<usize>;
    /// Reads decrypted application data; `Ok(0)` when none is waiting.
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize>;
    /// Takes decrypted application data where the stack holds it (`BufRead::fill_buf` then
    /// `consume`), without copying it out; `Ok(0)` when none is waiting.
    fn recv_in_place(&mut self) -> io::Result<usize>;
    /// True when the completed handshake resumed a session.
    fn resumed(&self) -> bool;
}

/// `Ok(0)` instead of `WouldBlock`.
fn nonblocking(r: io::Result<usize>) -> io::Result<usize> {
    match r {
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(0),
        other => other,
    }
}

/// One `fill_buf` + `consume` of everything offered: the data is seen (`black_box`) but not
/// copied. `Ok(0)` instead of `WouldBlock`.
fn in_place(mut r: impl BufRead) -> io::Result<usize> {
    let n = match r.fill_buf() {
        Ok(data) => std::hint::black_box(data).len(),
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(0),
        Err(e) => return Err(e),
    };
    r.consume(n);
    Ok(n)
}

/// `Side` for one stack's connection type: `io` has `read_tls` / `write_tls`, `state` has
/// `wants_write` / `is_handshaking`, and `resumed` says whether `$c` resumed.
macro_rules! side {
    ($t:ty, io = $io:ty, state = $state:ty, resumed = |$c:ident| $resumed:expr) => {
        impl Side for $t {
            fn read_tls(&mut self, rd: &mut &[u8]) -> io::Result<usize> {
                <$io>::read_tls(self, rd)
            }
            fn process(&mut self) -> Result<()> {
                self.process_new_packets()?;
                Ok(())
            }
            fn write_tls(&mut self, out: &mut Vec<u8>) -> io::Result<usize> {
                <$io>::write_tls(self, out)
            }
            fn wants_write(&self) -> bool {
                <$state>::wants_write(self)
            }
            fn is_handshaking(&self) -> bool {
                <$state>::is_handshaking(self)
            }
            fn send(&mut self, data: &[u8]) -> io::Result<usize> {
                self.writer().write(data)
            }
            fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                nonblocking(self.reader().read(buf))
            }
            fn recv_in_place(&mut self) -> io::Result<usize> {
                in_place(self.reader())
            }
            fn resumed(&self) -> bool {
                let $c = self;
                $resumed
            }
        }
    };
}

side!(
    mtls::ClientConnection,
    io = mtls::ConnectionCommon,
    state = mtls::ConnectionCommon,
    resumed = |c| c.is_resumed() == Some(true)
);
side!(
    mtls::ServerConnection,
    io = mtls::ConnectionCommon,
    state = mtls::ConnectionCommon,
    resumed = |c| c.is_resumed() == Some(true)
);
side!(
    rustls::ClientConnection,
    io = rustls::ConnectionCommon<_>,
    state = rustls::CommonState,
    resumed = |c| c.handshake_kind() == Some(rustls::HandshakeKind::Resumed)
);
side!(
    rustls::ServerConnection,
    io = rustls::ConnectionCommon<_>,
    state = rustls::CommonState,
    resumed = |c| c.handshake_kind() == Some(rustls::HandshakeKind::Resumed)
);

impl<T: Side + ?Sized> Side for Box<T> {
    fn read_tls(&mut self, rd: &mut &[u8]) -> io::Result<usize> {
        (**self).read_tls(rd)
    }
    fn process(&mut self) -> Result<()> {
        (**self).process()
    }
    fn write_tls(&mut self, out: &mut Vec<u8>) -> io::Result<usize> {
        (**self).write_tls(out)
    }
    fn wants_write(&self) -> bool {
        (**self).wants_write()
    }
    fn is_handshaking(&self) -> bool {
        (**self).is_handshaking()
    }
    fn send(&mut self, data: &[u8]) -> io::Result<usize> {
        (**self).send(data)
    }
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (**self).recv(buf)
    }
    fn recv_in_place(&mut self) -> io::Result<usize> {
        (**self).recv_in_place()
    }
    fn resumed(&self) -> bool {
        (**self).resumed()
    }
}

/// A TLS stack with its configurations: makes client and server connections.
pub trait Stack {
    /// The client connection type.
    type Client: Side;
    /// The server connection type.
    type Server: Side;
    /// A new client connection (its first flight queued).
    fn client(&self) -> Result<Self::Client>;
    /// A new server connection.
    fn server(&self) -> Result<Self::Server>;
}

impl Stack for MtlsConfigs {
    type Client = mtls::ClientConnection;
    type Server = mtls::ServerConnection;
    fn client(&self) -> Result<Self::Client> {
        Ok(mtls::ClientConnection::new(
            &self.client,
            crate::setup::SERVER_NAME,
        )?)
    }
    fn server(&self) -> Result<Self::Server> {
        Ok(mtls::ServerConnection::new(&self.server)?)
    }
}

impl Stack for RustlsConfigs {
    type Client = rustls::ClientConnection;
    type Server = rustls::ServerConnection;
    fn client(&self) -> Result<Self::Client> {
        Ok(rustls::ClientConnection::new(
            self.client.clone(),
            self.name.clone(),
        )?)
    }
    fn server(&self) -> Result<Self::Server> {
        Ok(rustls::ServerConnection::new(self.server.clone())?)
    }
}

/// Which end a call is made on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The client.
    Client,
    /// The server.
    Server,
}

/// Wraps every call made on a connection: nothing, a CPU clock, or the heap meter.
pub trait Probe {
    /// Runs `f`, a call on `role`'s connection.
    fn on<R>(&mut self, role: Role, f: impl FnOnce() -> R) -> R;
}

/// Measures nothing.
pub struct NoProbe;

impl Probe for NoProbe {
    #[inline(always)]
    fn on<R>(&mut self, _: Role, f: impl FnOnce() -> R) -> R {
        f()
    }
}

/// Adds up the server's thread CPU time (`CLOCK_THREAD_CPUTIME_ID`), about two clock reads
/// per call on the server (a few hundred nanoseconds per handshake).
#[derive(Default)]
pub struct ServerCpu {
    /// CPU time spent in server calls.
    pub total: Duration,
}

impl Probe for ServerCpu {
    fn on<R>(&mut self, role: Role, f: impl FnOnce() -> R) -> R {
        if role == Role::Client {
            return f();
        }
        let start = cpu_time::ThreadTime::try_now().ok();
        let r = f();
        if let (Some(start), Ok(end)) = (start, cpu_time::ThreadTime::try_now()) {
            self.total += end.as_duration().saturating_sub(start.as_duration());
        }
        r
    }
}

/// How the receiver takes its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Receive {
    /// `Read::read` into the harness's sink (a copy out of the stack).
    Copy,
    /// `BufRead::fill_buf` + `consume` (no copy out of the stack).
    InPlace,
}

/// The harness's buffers, allocated once (so the heap meter never sees them grow inside a
/// connection's call).
pub struct Wire {
    /// TLS bytes in flight.
    pub buf: Vec<u8>,
    /// Where received plaintext goes.
    pub sink: Vec<u8>,
    /// How application data is received (handshakes receive none).
    pub receive: Receive,
}

impl Wire {
    /// Buffers for flights of up to `capacity` bytes.
    pub fn new(capacity: usize) -> Self {
        Self {
            buf: Vec::with_capacity(capacity),
            sink: vec![0; 64 * 1024],
            receive: Receive::Copy,
        }
    }
}

impl Default for Wire {
    fn default() -> Self {
        Self::new(1 << 20)
    }
}

/// Moves everything `from` has to write into `buf` (cleared first).
pub fn flush<A: Side, P: Probe>(
    from: &mut A,
    role: Role,
    probe: &mut P,
    buf: &mut Vec<u8>,
) -> Result<()> {
    buf.clear();
    while from.wants_write() {
        if probe.on(role, || from.write_tls(buf))? == 0 {
            break;
        }
    }
    Ok(())
}

/// Gives `data` to `to`, processing after every read and draining plaintext into `sink`;
/// returns the plaintext bytes received.
pub fn deliver<B: Side, P: Probe>(
    to: &mut B,
    role: Role,
    probe: &mut P,
    data: &[u8],
    sink: &mut [u8],
    receive: Receive,
) -> Result<usize> {
    let mut rd = data;
    let mut got = 0;
    while !rd.is_empty() {
        let n = probe.on(role, || to.read_tls(&mut rd))?;
        probe.on(role, || to.process())?;
        loop {
            let k = match receive {
                Receive::Copy => probe.on(role, || to.recv(sink))?,
                Receive::InPlace => probe.on(role, || to.recv_in_place())?,
            };
            if k == 0 {
                break;
            }
            got += k;
        }
        if n == 0 {
            return Err("the connection took no bytes".into());
        }
    }
    Ok(got)
}

/// Runs a handshake to completion, both ways.
pub fn handshake<C: Side, S: Side, P: Probe>(
    c: &mut C,
    s: &mut S,
    probe: &mut P,
    wire: &mut Wire,
) -> Result<()> {
    for _ in 0..16 {
        flush(c, Role::Client, probe, &mut wire.buf)?;
        let client_sent = !wire.buf.is_empty();
        if client_sent {
            deliver(
                s,
                Role::Server,
                probe,
                &wire.buf,
                &mut wire.sink,
                Receive::Copy,
            )?;
        }
        flush(s, Role::Server, probe, &mut wire.buf)?;
        let server_sent = !wire.buf.is_empty();
        if server_sent {
            deliver(
                c,
                Role::Client,
                probe,
                &wire.buf,
                &mut wire.sink,
                Receive::Copy,
            )?;
        }
        if !c.is_handshaking() && !s.is_handshaking() && !c.wants_write() && !s.wants_write() {
            return Ok(());
        }
        if !client_sent && !server_sent {
            return Err("the handshake stalled".into());
        }
    }
    Err("the handshake did not finish in 16 flights".into())
}

/// Sends `piece` from `a` to `b` `times` times, each write delivered at once; returns the
/// plaintext bytes `b` received.
pub fn transfer<A: Side, B: Side, P: Probe>(
    a: &mut A,
    (ra, rb): (Role, Role),
    b: &mut B,
    probe: &mut P,
    wire: &mut Wire,
    piece: &[u8],
    times: usize,
) -> Result<usize> {
    let mut got = 0;
    for _ in 0..times {
        let mut rest = piece;
        while !rest.is_empty() {
            let n = probe.on(ra, || a.send(rest))?;
            rest = rest.get(n..).unwrap_or_default();
            flush(a, ra, probe, &mut wire.buf)?;
            got += deliver(b, rb, probe, &wire.buf, &mut wire.sink, wire.receive)?;
            if n == 0 && wire.buf.is_empty() {
                return Err("the sender took no data".into());
            }
        }
    }
    Ok(got)
}
