//! The in-memory byte pump: moves TLS bytes between two ends of a connection until neither
//! has anything to send. One loop for every pair the tests connect: two facade connections,
//! a rustls connection and ours (through a small wrapper in that test), or two sans-IO
//! handshakes behind the record layer ([`Driven`](crate::Driven)).

use std::fmt::Debug;

use mtls::{ClientConnection, ConnectionCommon, ServerConnection};

/// Rounds (one delivery each way) after which [`pump`] gives up: every handshake here
/// settles in a handful.
pub const MAX_ROUNDS: usize = 200;

/// One end of an in-memory connection, as the pump sees it.
pub trait Side {
    /// Why this end failed.
    type Error;
    /// Appends every TLS byte this end has to send to `out`.
    fn send(&mut self, out: &mut Vec<u8>);
    /// Takes `bytes` from the peer and processes them. After an error the end may still have
    /// bytes to send (its fatal alert); the pump delivers them.
    fn receive(&mut self, bytes: &[u8]) -> Result<(), Self::Error>;
    /// False when this end takes no more bytes (it failed and stays dead): the pump then
    /// leaves the peer's bytes where they are.
    fn accepts(&self) -> bool {
        true
    }
}

/// Moves what `from` has to send into `to`; false when nothing moved. `to`'s first error
/// lands in `result` (later ones are the same connection staying dead).
pub fn deliver<A, B>(from: &mut A, to: &mut B, result: &mut Result<(), B::Error>) -> bool
where
    A: Side + ?Sized,
    B: Side + ?Sized,
{
    if !to.accepts() {
        return false;
    }
    let mut wire = Vec::new();
    from.send(&mut wire);
    if wire.is_empty() {
        return false;
    }
    if let Err(e) = to.receive(&wire)
        && result.is_ok()
    {
        *result = Err(e);
    }
    true
}

/// Moves bytes both ways, `a` first, until neither end has anything to send; returns how
/// each end fared (its first error).
///
/// # Panics
/// If the ends still exchange bytes after [`MAX_ROUNDS`] rounds.
pub fn pump<A, B>(a: &mut A, b: &mut B) -> (Result<(), A::Error>, Result<(), B::Error>)
where
    A: Side + ?Sized,
    B: Side + ?Sized,
{
    let (mut ra, mut rb) = (Ok(()), Ok(()));
    for _ in 0..MAX_ROUNDS {
        let ab = deliver(a, b, &mut rb);
        let ba = deliver(b, a, &mut ra);
        if !ab && !ba {
            return (ra, rb);
        }
    }
    panic!("the connection did not settle in {MAX_ROUNDS} rounds");
}

/// [`pump`], requiring both ends to be fine.
///
/// # Panics
/// If either end failed, naming its error.
pub fn pump_ok<A, B>(a: &mut A, b: &mut B)
where
    A: Side + ?Sized,
    B: Side + ?Sized,
    A::Error: Debug,
    B::Error: Debug,
{
    let (ra, rb) = pump(a, b);
    if let Err(e) = ra {
        panic!("the first end failed: {e:?}");
    }
    if let Err(e) = rb {
        panic!("the second end failed: {e:?}");
    }
}

/// A facade connection: `write_tls` until nothing waits, then `read_tls` and
/// `process_new_packets` until every byte is taken (or the connection fails).
impl Side for ConnectionCommon {
    type Error = mtls::Error;

    fn send(&mut self, out: &mut Vec<u8>) {
        while self.wants_write() {
            self.write_tls(out).unwrap();
        }
    }

    fn receive(&mut self, bytes: &[u8]) -> Result<(), mtls::Error> {
        let mut rd = bytes;
        while !rd.is_empty() {
            let n = self.read_tls(&mut rd).unwrap();
            self.process_new_packets()?;
            if n == 0 {
                break;
            }
        }
        Ok(())
    }
}

/// The facade's two connection types pump as the [`ConnectionCommon`] they deref to.
macro_rules! as_common {
    ($($t:ty),*) => {$(
        impl Side for $t {
            type Error = mtls::Error;
            fn send(&mut self, out: &mut Vec<u8>) {
                Side::send(&mut **self, out);
            }
            fn receive(&mut self, bytes: &[u8]) -> Result<(), mtls::Error> {
                Side::receive(&mut **self, bytes)
            }
        }
    )*};
}

as_common!(ClientConnection, ServerConnection);
