//! Randomness through one trait, so that a whole handshake can be replayed
//! byte for byte from a seed in tests, while production uses the OS.

use core::convert::Infallible;

use sha2::Digest as _;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::{Error, Result};

/// A cryptographically secure source of random bytes: client/server random
/// (RFC 5246 7.4.1.2), ephemeral keys, the RSA premaster and its fallback,
/// PSS salts and RSA blinding all come from here.
pub trait SecureRandom {
    /// Fills `buf` entirely with random bytes.
    fn fill(&mut self, buf: &mut [u8]) -> Result<()>;
}

impl<R: SecureRandom + ?Sized> SecureRandom for &mut R {
    fn fill(&mut self, buf: &mut [u8]) -> Result<()> {
        (**self).fill(buf)
    }
}

/// The operating system's CSPRNG (`getrandom`). The default source.
#[derive(Clone, Copy, Debug, Default)]
pub struct OsRng;

impl SecureRandom for OsRng {
    fn fill(&mut self, buf: &mut [u8]) -> Result<()> {
        getrandom::fill(buf).map_err(|_| Error::RandomFailed)
    }
}

impl rand_core::TryRng for OsRng {
    type Error = Error;
    fn try_next_u32(&mut self) -> Result<u32> {
        let mut b = [0u8; 4];
        self.fill(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64> {
        let mut b = [0u8; 8];
        self.fill(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<()> {
        self.fill(dst)
    }
}

impl rand_core::TryCryptoRng for OsRng {}

/// A deterministic generator for tests and replay: SHA-256 in counter mode,
/// block `i` = SHA-256(seed || i as u64 big-endian). The same seed always
/// gives the same stream, so a test can replay a handshake byte for byte.
///
/// Secure only as far as the seed is secret and never reused; do not use it
/// in production, where [`OsRng`] belongs.
pub struct DeterministicRng {
    seed: [u8; 32],
    counter: u64,
    block: [u8; 32],
    used: usize,
}

impl DeterministicRng {
    /// A generator whose whole output is determined by `seed`.
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self {
            seed,
            counter: 0,
            block: [0; 32],
            // Forces a refill on first use.
            used: 32,
        }
    }

    fn refill(&mut self) {
        let mut h = sha2::Sha256::new();
        h.update(self.seed);
        h.update(self.counter.to_be_bytes());
        self.block = h.finalize().into();
        self.counter = self.counter.wrapping_add(1);
        self.used = 0;
    }

    fn fill_infallible(&mut self, mut buf: &mut [u8]) {
        while !buf.is_empty() {
            if self.used >= self.block.len() {
                self.refill();
            }
            let avail = self.block.get(self.used..).unwrap_or_default();
            let n = avail.len().min(buf.len());
            let (head, tail) = buf.split_at_mut(n);
            head.copy_from_slice(avail.get(..n).unwrap_or_default());
            self.used += n;
            buf = tail;
        }
    }
}

impl SecureRandom for DeterministicRng {
    fn fill(&mut self, buf: &mut [u8]) -> Result<()> {
        self.fill_infallible(buf);
        Ok(())
    }
}

impl rand_core::TryRng for DeterministicRng {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.fill_infallible(&mut b);
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.fill_infallible(&mut b);
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.fill_infallible(dst);
        Ok(())
    }
}

impl rand_core::TryCryptoRng for DeterministicRng {}

impl Drop for DeterministicRng {
    fn drop(&mut self) {
        self.seed.zeroize();
        self.block.zeroize();
    }
}

impl ZeroizeOnDrop for DeterministicRng {}

impl core::fmt::Debug for DeterministicRng {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DeterministicRng").finish_non_exhaustive()
    }
}

/// Lends a [`SecureRandom`] to RustCrypto APIs that take a
/// `rand_core::TryCryptoRng` (RSA blinding and PSS salts), passing its
/// errors through instead of panicking.
pub(crate) struct RngAdapter<'a, R: SecureRandom + ?Sized>(pub(crate) &'a mut R);

impl<R: SecureRandom + ?Sized> rand_core::TryRng for RngAdapter<'_, R> {
    type Error = Error;
    fn try_next_u32(&mut self) -> Result<u32> {
        let mut b = [0u8; 4];
        self.0.fill(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64> {
        let mut b = [0u8; 8];
        self.0.fill(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<()> {
        self.0.fill(dst)
    }
}

impl<R: SecureRandom + ?Sized> rand_core::TryCryptoRng for RngAdapter<'_, R> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_is_reproducible_and_split_independent() {
        let mut a = DeterministicRng::from_seed([7; 32]);
        let mut b = DeterministicRng::from_seed([7; 32]);
        let mut whole = [0u8; 100];
        a.fill(&mut whole).unwrap();
        let mut parts = [0u8; 100];
        let (x, y) = parts.split_at_mut(33);
        b.fill(x).unwrap();
        b.fill(y).unwrap();
        assert_eq!(whole, parts);
        // First block is SHA-256(seed || 0u64).
        let mut h = sha2::Sha256::new();
        h.update([7u8; 32]);
        h.update(0u64.to_be_bytes());
        assert_eq!(&whole[..32], h.finalize().as_slice());
        let mut c = DeterministicRng::from_seed([8; 32]);
        let mut other = [0u8; 100];
        c.fill(&mut other).unwrap();
        assert_ne!(whole, other);
    }

    #[test]
    fn os_rng_fills() {
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        OsRng.fill(&mut a).unwrap();
        OsRng.fill(&mut b).unwrap();
        assert_ne!(a, b);
    }
}
