//! Ephemeral (EC)DH key exchange for the ECDHE suites (RFC 8422): one fresh
//! key pair per handshake, drawn from the injected [`SecureRandom`], used
//! once by [`ActiveKeyExchange::complete`] and then dropped (and wiped).
//!
//! [`KeyExchange`] runs on a provider; [`NistKeyExchange`] and [`X25519KeyExchange`] are
//! the RustCrypto implementations underneath the default one.

mod nist;
mod x25519;

pub use self::nist::{NistCurve, NistKeyExchange, P256KeyExchange, P384KeyExchange};
pub use self::x25519::X25519KeyExchange;

use crate::error::{Error, Result};
use crate::provider::{CryptoProvider, KxSession, default_provider};
use crate::rand::SecureRandom;
use crate::secret::SharedSecret;

/// A named group from the TLS `supported_groups` registry (RFC 8422 5.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NamedGroup {
    /// secp256r1 / NIST P-256 (code point 23).
    Secp256r1,
    /// secp384r1 / NIST P-384 (code point 24, RFC 8422 5.1.1).
    Secp384r1,
    /// X25519 (code point 29, RFC 8422 5.1.1).
    X25519,
}

impl NamedGroup {
    /// All supported groups, in preference order: X25519, then the NIST
    /// curves by size (RFC 8422 5.1.1 leaves the order to the sender).
    pub const ALL: [NamedGroup; 3] = [
        NamedGroup::X25519,
        NamedGroup::Secp256r1,
        NamedGroup::Secp384r1,
    ];

    /// The TLS code point.
    pub const fn to_u16(self) -> u16 {
        match self {
            Self::Secp256r1 => 23,
            Self::Secp384r1 => 24,
            Self::X25519 => 29,
        }
    }

    /// The group for a TLS code point, if supported.
    pub const fn from_u16(code: u16) -> Option<Self> {
        match code {
            23 => Some(Self::Secp256r1),
            24 => Some(Self::Secp384r1),
            29 => Some(Self::X25519),
            _ => None,
        }
    }
}

/// One side's half of an ephemeral key exchange in progress: our public
/// value goes into ServerKeyExchange / ClientKeyExchange (RFC 8422 5.4,
/// 5.7); the peer's value completes it.
pub trait ActiveKeyExchange {
    /// The group this exchange runs in.
    fn group(&self) -> NamedGroup;

    /// Our public value, encoded as it goes on the wire (RFC 8422 5.4:
    /// P-256 a 65-byte and P-384 a 97-byte uncompressed point; X25519:
    /// 32 bytes).
    fn public_key(&self) -> &[u8];

    /// Combines our private key with the peer's public value, consuming the
    /// private key. Malformed or invalid peer values give an error whose
    /// alert is `illegal_parameter`.
    fn complete(self, peer_public_key: &[u8]) -> Result<SharedSecret>
    where
        Self: Sized;
}

/// A key exchange in any supported group, on a provider's implementation
/// ([`CryptoProvider::start_key_exchange`](crate::provider::CryptoProvider::start_key_exchange)).
pub struct KeyExchange {
    session: Box<dyn KxSession>,
}

impl KeyExchange {
    /// Generates a fresh ephemeral key in `group` from `rng`, with the
    /// [default provider](crate::provider::default_provider).
    pub fn start(group: NamedGroup, rng: &mut dyn SecureRandom) -> Result<Self> {
        default_provider().start_key_exchange(group, rng)
    }

    /// Generates a fresh ephemeral key in `group` from `rng`, on `provider` (the same as
    /// [`CryptoProvider::start_key_exchange`](crate::provider::CryptoProvider::start_key_exchange)).
    pub fn start_with(
        provider: &CryptoProvider,
        group: NamedGroup,
        rng: &mut dyn SecureRandom,
    ) -> Result<Self> {
        provider.start_key_exchange(group, rng)
    }

    pub(crate) fn from_session(session: Box<dyn KxSession>) -> Self {
        Self { session }
    }
}

/// The peer value's length and form, checked the same way whatever the provider: 32 bytes
/// for X25519 (RFC 7748 5), an uncompressed point of the curve's size for the NIST curves
/// (RFC 8422 5.4, 5.1.2).
fn check_peer_form(group: NamedGroup, peer: &[u8]) -> Result<()> {
    let ok = match group {
        NamedGroup::X25519 => peer.len() == 32,
        NamedGroup::Secp256r1 => peer.len() == 65 && peer.first() == Some(&0x04),
        NamedGroup::Secp384r1 => peer.len() == 97 && peer.first() == Some(&0x04),
    };
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidPeerPublicKey)
    }
}

impl ActiveKeyExchange for KeyExchange {
    fn group(&self) -> NamedGroup {
        self.session.group()
    }

    fn public_key(&self) -> &[u8] {
        self.session.public_key()
    }

    fn complete(self, peer_public_key: &[u8]) -> Result<SharedSecret> {
        check_peer_form(self.session.group(), peer_public_key)?;
        self.session.complete(peer_public_key)
    }
}

impl core::fmt::Debug for KeyExchange {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KeyExchange")
            .field("group", &self.group())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rand::DeterministicRng;

    #[test]
    fn code_points() {
        for g in NamedGroup::ALL {
            assert_eq!(NamedGroup::from_u16(g.to_u16()), Some(g));
        }
        assert_eq!(NamedGroup::from_u16(24), Some(NamedGroup::Secp384r1));
        assert_eq!(NamedGroup::from_u16(25), None);
        assert_eq!(NamedGroup::from_u16(22), None);
    }

    #[test]
    fn both_sides_agree() {
        let mut rng = DeterministicRng::from_seed([1; 32]);
        for g in NamedGroup::ALL {
            let a = KeyExchange::start(g, &mut rng).unwrap();
            let b = KeyExchange::start(g, &mut rng).unwrap();
            assert_eq!(a.group(), g);
            assert_ne!(a.public_key(), b.public_key());
            let a_pub = a.public_key().to_vec();
            let sa = a.complete(b.public_key()).unwrap();
            let sb = b.complete(&a_pub).unwrap();
            assert_eq!(sa.expose(), sb.expose());
            // RFC 8422 5.10: the x-coordinate as a field-sized string.
            let len = if g == NamedGroup::Secp384r1 { 48 } else { 32 };
            assert_eq!(sa.expose().len(), len);
        }
    }

    #[test]
    fn same_seed_same_key() {
        for g in NamedGroup::ALL {
            let a = KeyExchange::start(g, &mut DeterministicRng::from_seed([9; 32])).unwrap();
            let b = KeyExchange::start(g, &mut DeterministicRng::from_seed([9; 32])).unwrap();
            assert_eq!(a.public_key(), b.public_key());
        }
    }
}
