//! One configuration built for every stack of a run, and a workload run on any of them with
//! static dispatch (each stack's connection types, no trait objects in the timed loops).

use crate::Result;
use crate::pump::{Receive, Stack};
use crate::setup::{MtlsConfigs, RustlsConfigs, Spec, StackId, mtls_configs, rustls_configs};
use crate::work::{Budget, HandshakeTrial, bulk, full_handshakes, resumed_handshakes};

/// One stack's configurations.
pub enum Configs {
    /// mtls, on the provider of its [`StackId`].
    Mtls(MtlsConfigs),
    /// rustls with ring.
    Rustls(RustlsConfigs),
}

/// Something timed on a stack: called with the stack's own configuration type.
pub trait Workload {
    /// What one trial gives.
    type Out;
    /// Runs one trial on `stack`.
    fn on<S: Stack>(&self, stack: &S) -> Result<Self::Out>;
}

impl Configs {
    /// `stack`'s configurations for `spec`; `None` where the stack cannot run it (rustls and
    /// static RSA).
    pub fn new(stack: StackId, spec: &Spec) -> Result<Option<Self>> {
        if stack.is_mtls() {
            return Ok(Some(Self::Mtls(mtls_configs(spec, stack.provider()?)?)));
        }
        if spec.rustls_suite.is_none() {
            return Ok(None);
        }
        Ok(Some(Self::Rustls(rustls_configs(spec)?)))
    }

    /// One trial of `w` on these configurations.
    pub fn run<W: Workload>(&self, w: &W) -> Result<W::Out> {
        match self {
            Self::Mtls(c) => w.on(c),
            Self::Rustls(c) => w.on(c),
        }
    }
}

/// The configurations of one spec for every stack given.
pub struct Each(Vec<(StackId, Configs)>);

impl Each {
    /// `spec` on each of `stacks` that can run it.
    pub fn new(spec: &Spec, stacks: &[StackId]) -> Result<Self> {
        let mut v = Vec::new();
        for &stack in stacks {
            if let Some(c) = Configs::new(stack, spec)? {
                v.push((stack, c));
            }
        }
        Ok(Self(v))
    }

    /// One trial of `w` on `stack`; `None` when `stack` does not run this spec.
    pub fn run<W: Workload>(&self, stack: StackId, w: &W) -> Result<Option<W::Out>> {
        self.0
            .iter()
            .find(|(s, _)| *s == stack)
            .map(|(_, c)| c.run(w))
            .transpose()
    }
}

/// Full handshakes (see [`full_handshakes`]).
pub struct Full(pub Budget);

impl Workload for Full {
    type Out = HandshakeTrial;
    fn on<S: Stack>(&self, stack: &S) -> Result<HandshakeTrial> {
        full_handshakes(stack, self.0)
    }
}

/// Resumptions (see [`resumed_handshakes`]).
pub struct Resumed(pub Budget);

impl Workload for Resumed {
    type Out = HandshakeTrial;
    fn on<S: Stack>(&self, stack: &S) -> Result<HandshakeTrial> {
        resumed_handshakes(stack, self.0)
    }
}

/// Bulk transfer (see [`bulk`]): MB/s (10^6 bytes per second).
pub struct Bulk {
    /// Bytes in all.
    pub bytes: usize,
    /// Bytes per write.
    pub chunk: usize,
    /// How the server reads.
    pub receive: Receive,
}

impl Workload for Bulk {
    type Out = f64;
    fn on<S: Stack>(&self, stack: &S) -> Result<f64> {
        let d = bulk(stack, self.bytes, self.chunk, self.receive)?;
        Ok(self.bytes as f64 / d.as_secs_f64().max(1e-12) / 1e6)
    }
}
