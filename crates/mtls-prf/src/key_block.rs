//! The key block and its split into per-direction AEAD keys and IVs (RFC 5246 section 6.3).

use mtls_crypto::CryptoProvider;
use mtls_crypto::hash::HashAlgorithm;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::master_secret::MasterSecret;
use crate::prf::prf;

const MAX_KEY_LEN: usize = 32;
const MAX_IV_LEN: usize = 12;

/// How many key and IV bytes a cipher suite takes from the key block (RFC 5246 section 6.3).
///
/// AEAD suites have no MAC key (RFC 5246 6.2.3.3: `mac_key_length` is zero). Only the layouts
/// of the suites this stack implements exist, so the split below can never overrun.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyBlockLayout {
    key_len: usize,
    fixed_iv_len: usize,
}

impl KeyBlockLayout {
    /// AES-128-GCM: 16-byte key, 4-byte implicit salt (RFC 5288 section 3).
    pub const AES_128_GCM: Self = Self {
        key_len: 16,
        fixed_iv_len: 4,
    };
    /// AES-256-GCM: 32-byte key, 4-byte implicit salt (RFC 5288 section 3).
    pub const AES_256_GCM: Self = Self {
        key_len: 32,
        fixed_iv_len: 4,
    };
    /// ChaCha20-Poly1305: 32-byte key, 12-byte IV XORed with the sequence number (RFC 7905 section 2).
    pub const CHACHA20_POLY1305: Self = Self {
        key_len: 32,
        fixed_iv_len: 12,
    };

    /// Bytes of write key per direction.
    pub fn key_len(&self) -> usize {
        self.key_len
    }

    /// Bytes of fixed IV per direction.
    pub fn fixed_iv_len(&self) -> usize {
        self.fixed_iv_len
    }

    /// Total key block length: two keys and two IVs.
    pub fn block_len(&self) -> usize {
        2 * (self.key_len + self.fixed_iv_len)
    }
}

/// One direction's write key and fixed IV (`client_write_key` + `client_write_IV`, or the
/// server's). Zeroized on drop; no `Clone`, no `Debug`.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct TrafficKeys {
    key: [u8; MAX_KEY_LEN],
    key_len: usize,
    iv: [u8; MAX_IV_LEN],
    iv_len: usize,
}

impl TrafficKeys {
    /// Keys from their parts (a TLS 1.3 traffic secret's "key" and "iv", RFC 8446 7.3): at
    /// most 32 key bytes and 12 IV bytes are kept.
    pub fn from_parts(key: &[u8], iv: &[u8]) -> Self {
        traffic_keys(key, iv)
    }

    /// The AEAD key for this direction.
    pub fn key(&self) -> &[u8] {
        self.key.get(..self.key_len).unwrap_or(&[])
    }

    /// The fixed IV: the GCM salt (4 bytes) or the ChaCha20-Poly1305 IV (12 bytes).
    pub fn iv(&self) -> &[u8] {
        self.iv.get(..self.iv_len).unwrap_or(&[])
    }
}

/// The key block split into the client's and the server's write keys (RFC 5246 section 6.3).
pub struct KeyBlock {
    /// Keys the client writes with and the server reads with.
    pub client_write: TrafficKeys,
    /// Keys the server writes with and the client reads with.
    pub server_write: TrafficKeys,
}

/// Derives the key block
/// `PRF(master_secret, "key expansion", server_random + client_random)` and splits it into
/// `client_write_key, server_write_key, client_write_IV, server_write_IV`, in that order
/// (RFC 5246 section 6.3; the MAC keys are empty for AEAD suites). Note the seed order:
/// server random first, unlike the master secret.
pub fn key_block(
    provider: &CryptoProvider,
    alg: HashAlgorithm,
    master: &MasterSecret,
    client_random: &[u8; 32],
    server_random: &[u8; 32],
    layout: KeyBlockLayout,
) -> KeyBlock {
    // Large enough for the largest layout: 2 * (32 + 12) bytes.
    let mut block = [0u8; 2 * (MAX_KEY_LEN + MAX_IV_LEN)];
    let len = layout.block_len();
    let (used, _) = block.split_at_mut(len.min(2 * (MAX_KEY_LEN + MAX_IV_LEN)));
    prf(
        provider,
        alg,
        master.as_bytes(),
        b"key expansion",
        &[server_random, client_random],
        used,
    );

    let (client_key, rest) = used.split_at(layout.key_len);
    let (server_key, rest) = rest.split_at(layout.key_len);
    let (client_iv, server_iv) = rest.split_at(layout.fixed_iv_len);
    let out = KeyBlock {
        client_write: traffic_keys(client_key, client_iv),
        server_write: traffic_keys(server_key, server_iv),
    };
    block.zeroize();
    out
}

fn traffic_keys(key: &[u8], iv: &[u8]) -> TrafficKeys {
    let mut keys = TrafficKeys {
        key: [0u8; MAX_KEY_LEN],
        key_len: key.len().min(MAX_KEY_LEN),
        iv: [0u8; MAX_IV_LEN],
        iv_len: iv.len().min(MAX_IV_LEN),
    };
    keys.key.iter_mut().zip(key).for_each(|(o, b)| *o = *b);
    keys.iv.iter_mut().zip(iv).for_each(|(o, b)| *o = *b);
    keys
}
