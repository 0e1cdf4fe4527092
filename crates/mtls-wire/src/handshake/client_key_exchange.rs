//! ClientKeyExchange (RFC 5246 7.4.7; ECDHE form RFC 8422 5.7).

use bytes::BufMut;

use super::{KeyExchangeAlgorithm, ParseContext};
use crate::codec::{Prefix, Reader, Result, put_opaque};
use crate::error::{ErrorKind, WireError};

/// The client's key-exchange contribution, `ClientKeyExchange` (RFC 5246 7.4.7).
///
/// ```text
/// struct {
///     select (KeyExchangeAlgorithm) {
///         case rsa:
///             EncryptedPreMasterSecret;
///         case ec_diffie_hellman:             /* RFC 8422 5.7 */
///             ClientECDiffieHellmanPublic;
///     } exchange_keys;
/// } ClientKeyExchange;
///
/// struct {
///     public-key-encrypted PreMasterSecret pre_master_secret;
/// } EncryptedPreMasterSecret;                 /* RFC 5246 7.4.7.1 */
///
/// struct {
///     ECPoint ecdh_Yc;                        /* opaque point <1..2^8-1> */
/// } ClientECDiffieHellmanPublic;
/// ```
///
/// A `public-key-encrypted` element is an `opaque<0..2^16-1>` (RFC 5246 4.7).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ClientKeyExchange {
    /// The RSA-encrypted premaster secret, `opaque<0..2^16-1>`.
    Rsa(Vec<u8>),
    /// The client's ephemeral public point, `opaque point<1..2^8-1>`.
    Ecdhe(Vec<u8>),
}

impl ClientKeyExchange {
    /// Parses a ClientKeyExchange body; its format depends on the negotiated
    /// key exchange, taken from `ctx`.
    pub fn parse(body: &[u8], ctx: &ParseContext) -> Result<Self> {
        let mut r = Reader::delimited(body);
        let cke = match ctx.kx {
            Some(KeyExchangeAlgorithm::Rsa) => {
                let v = r.vector(
                    Prefix::U16,
                    0,
                    0xffff,
                    "EncryptedPreMasterSecret.pre_master_secret",
                )?;
                Self::Rsa(v.to_vec())
            }
            Some(KeyExchangeAlgorithm::Ecdhe) => {
                let v = r.vector(Prefix::U8, 1, 0xff, "ClientECDiffieHellmanPublic.ecdh_Yc")?;
                Self::Ecdhe(v.to_vec())
            }
            None => {
                return Err(WireError::new(
                    "ClientKeyExchange",
                    ErrorKind::UnexpectedForKeyExchange,
                ));
            }
        };
        r.finish("ClientKeyExchange")?;
        Ok(cke)
    }

    /// The key exchange this message belongs to.
    pub fn kx(&self) -> KeyExchangeAlgorithm {
        match self {
            Self::Rsa(_) => KeyExchangeAlgorithm::Rsa,
            Self::Ecdhe(_) => KeyExchangeAlgorithm::Ecdhe,
        }
    }

    /// Writes the body.
    pub fn encode(&self, out: &mut impl BufMut) {
        match self {
            Self::Rsa(v) => put_opaque(out, Prefix::U16, 0xffff, v),
            Self::Ecdhe(v) => put_opaque(out, Prefix::U8, 0xff, v),
        }
    }
}
