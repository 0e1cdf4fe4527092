//! The special values of a ServerHello's `random` (RFC 8446 4.1.3): the
//! HelloRetryRequest marker and the downgrade sentinels.

/// The `random` of a HelloRetryRequest: SHA-256 of "HelloRetryRequest"
/// (RFC 8446 4.1.3). A ServerHello with this random is a HelloRetryRequest.
pub const HELLO_RETRY_REQUEST_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// The last 8 bytes of a TLS 1.3-capable server's `random` when it
/// negotiates TLS 1.2 (RFC 8446 4.1.3): "DOWNGRD" then 01.
pub const DOWNGRADE_TLS12: [u8; 8] = [0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01];

/// The last 8 bytes of a TLS 1.3-capable server's `random` when it
/// negotiates TLS 1.1 or below (RFC 8446 4.1.3): "DOWNGRD" then 00.
pub const DOWNGRADE_TLS11: [u8; 8] = [0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00];

/// A downgrade sentinel in the last 8 bytes of a ServerHello `random`
/// (RFC 8446 4.1.3).
///
/// A TLS 1.3 server that negotiates an older version writes one; a TLS 1.3
/// client that negotiates an older version and finds one "MUST abort the
/// handshake with an "illegal_parameter" alert". Which side writes or checks
/// it is the handshake's decision; this names the bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DowngradeSentinel {
    /// [`DOWNGRADE_TLS12`]: the server negotiated TLS 1.2.
    Tls12,
    /// [`DOWNGRADE_TLS11`]: the server negotiated TLS 1.1 or below.
    Tls11OrBelow,
}

impl DowngradeSentinel {
    /// The 8 bytes of this sentinel.
    pub const fn bytes(self) -> [u8; 8] {
        match self {
            Self::Tls12 => DOWNGRADE_TLS12,
            Self::Tls11OrBelow => DOWNGRADE_TLS11,
        }
    }

    /// The sentinel `random` ends with, if any.
    pub fn find(random: &[u8; 32]) -> Option<Self> {
        let tail = random.get(24..)?;
        if tail == DOWNGRADE_TLS12 {
            Some(Self::Tls12)
        } else if tail == DOWNGRADE_TLS11 {
            Some(Self::Tls11OrBelow)
        } else {
            None
        }
    }

    /// Overwrites the last 8 bytes of `random` with this sentinel, as a TLS
    /// 1.3 server does when it negotiates an older version.
    pub fn stamp(self, random: &mut [u8; 32]) {
        if let Some(tail) = random.get_mut(24..) {
            tail.copy_from_slice(&self.bytes());
        }
    }
}
