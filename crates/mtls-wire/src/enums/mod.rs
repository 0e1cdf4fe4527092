//! Code points: every one-, two-byte identifier the TLS 1.2 and 1.3 wire carries, as
//! an enum with an `Unknown` variant so that any value parses and re-encodes.
//!
//! Equality, ordering and hashing go by the numeric value, so
//! `CipherSuite::Unknown(0xC02B) == CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256`.
//! `From<uN>` always yields the named variant when there is one.

use bytes::BufMut;

use crate::codec::{Reader, Result};

/// The integer types code points are drawn from, with their wire form.
pub(crate) trait WireInt: Copy {
    /// Reads one value in network byte order.
    fn read(r: &mut Reader<'_>, field: &'static str) -> Result<Self>;
    /// Writes one value in network byte order.
    fn put(self, out: &mut impl BufMut);
}

impl WireInt for u8 {
    fn read(r: &mut Reader<'_>, field: &'static str) -> Result<Self> {
        r.u8(field)
    }
    fn put(self, out: &mut impl BufMut) {
        out.put_u8(self);
    }
}

impl WireInt for u16 {
    fn read(r: &mut Reader<'_>, field: &'static str) -> Result<Self> {
        r.u16(field)
    }
    fn put(self, out: &mut impl BufMut) {
        out.put_u16(self);
    }
}

/// Declares a code-point enum: named variants with their values, plus
/// `Unknown(repr)`, `From` both ways, a `const fn` getter, value-based
/// `Eq`/`Ord`/`Hash`, and wire `read`/`encode`.
macro_rules! codepoint_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident: $repr:ident, $getter:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this crate has no name for; kept so that it round-trips.
            Unknown($repr),
        }

        impl $name {
            /// The numeric value on the wire.
            pub const fn $getter(self) -> $repr {
                match self {
                    $( Self::$variant => $value, )*
                    Self::Unknown(v) => v,
                }
            }

            /// Writes the value in network byte order.
            pub fn encode(&self, out: &mut impl bytes::BufMut) {
                <$repr as $crate::enums::WireInt>::put(self.$getter(), out);
            }

            /// Reads one value; any value is accepted.
            #[allow(dead_code)]
            pub(crate) fn read(
                r: &mut $crate::codec::Reader<'_>,
                field: &'static str,
            ) -> $crate::codec::Result<Self> {
                <$repr as $crate::enums::WireInt>::read(r, field).map(Self::from)
            }
        }

        impl From<$repr> for $name {
            fn from(v: $repr) -> Self {
                match v {
                    $( $value => Self::$variant, )*
                    other => Self::Unknown(other),
                }
            }
        }

        impl From<$name> for $repr {
            fn from(v: $name) -> $repr {
                v.$getter()
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.$getter() == other.$getter()
            }
        }

        impl Eq for $name {}

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $name {
            fn cmp(&self, other: &Self) -> core::cmp::Ordering {
                self.$getter().cmp(&other.$getter())
            }
        }

        impl core::hash::Hash for $name {
            fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
                self.$getter().hash(state);
            }
        }
    };
}

mod alert;
mod extension;
mod handshake;
mod record;

pub use alert::{AlertDescription, AlertLevel};
pub use extension::{
    ECPointFormat, ExtensionType, NamedGroup, PskKeyExchangeMode, SignatureScheme,
};
pub use handshake::{CipherSuite, ClientCertificateType, CompressionMethod, HandshakeType};
pub use record::{ContentType, ProtocolVersion};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_equals_named_by_value() {
        assert_eq!(
            CipherSuite::Unknown(0xC02B),
            CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
        );
        assert_eq!(
            CipherSuite::from(0xC02B),
            CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
        );
        assert!(matches!(
            CipherSuite::from(0x1234),
            CipherSuite::Unknown(0x1234)
        ));
    }

    #[test]
    fn every_u8_and_u16_round_trips() {
        for v in 0..=u8::MAX {
            assert_eq!(u8::from(ContentType::from(v)), v);
            assert_eq!(u8::from(HandshakeType::from(v)), v);
            assert_eq!(u8::from(AlertDescription::from(v)), v);
            assert_eq!(u8::from(AlertLevel::from(v)), v);
            assert_eq!(u8::from(CompressionMethod::from(v)), v);
            assert_eq!(u8::from(ECPointFormat::from(v)), v);
            assert_eq!(u8::from(ClientCertificateType::from(v)), v);
            assert_eq!(u8::from(PskKeyExchangeMode::from(v)), v);
        }
        for v in 0..=u16::MAX {
            assert_eq!(u16::from(ProtocolVersion::from(v)), v);
            assert_eq!(u16::from(CipherSuite::from(v)), v);
            assert_eq!(u16::from(NamedGroup::from(v)), v);
            assert_eq!(u16::from(SignatureScheme::from(v)), v);
            assert_eq!(u16::from(ExtensionType::from(v)), v);
        }
    }

    #[test]
    fn signature_scheme_is_the_tls12_hash_signature_pair() {
        // RFC 5246 7.4.1.4.1: hash sha256(4), signature ecdsa(3).
        assert_eq!(SignatureScheme::ECDSA_SECP256R1_SHA256.to_u16(), 0x0403);
        assert_eq!(
            SignatureScheme::ECDSA_SECP256R1_SHA256.rfc_name(),
            Some("ecdsa_secp256r1_sha256")
        );
        assert_eq!(
            SignatureScheme::RSA_PSS_RSAE_SHA384.rfc_name(),
            Some("rsa_pss_rsae_sha384")
        );
        assert_eq!(SignatureScheme::from(0x0102).rfc_name(), None);
        let mut out = Vec::new();
        SignatureScheme::RSA_PKCS1_SHA256.encode(&mut out);
        assert_eq!(out, [4, 1]);
    }
}
