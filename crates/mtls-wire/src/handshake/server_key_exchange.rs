//! ServerKeyExchange (RFC 5246 7.4.3; ECDHE form RFC 8422 5.4).

use bytes::BufMut;

use super::{DigitallySigned, KeyExchangeAlgorithm, ParseContext};
use crate::codec::{Prefix, Reader, Result, put_opaque};
use crate::enums::NamedGroup;
use crate::error::{ErrorKind, WireError};

/// `ECCurveType` named_curve(3) (RFC 8422 5.4); the only curve type RFC 8422
/// keeps (explicit_prime and explicit_char2 are deprecated).
pub const NAMED_CURVE: u8 = 3;

/// The server's ephemeral ECDH public key and its curve, `ServerECDHParams` (RFC 8422 5.4).
///
/// ```text
/// struct {
///     ECParameters    curve_params;
///     ECPoint         public;
/// } ServerECDHParams;
///
/// struct {
///     ECCurveType    curve_type;          /* named_curve(3) only */
///     select (curve_type) {
///         case named_curve:
///             NamedCurve namedcurve;
///     };
/// } ECParameters;
///
/// struct {
///     opaque point <1..2^8-1>;
/// } ECPoint;
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ServerEcdhParams {
    /// The group of the key (`curve_type` is always named_curve).
    pub named_curve: NamedGroup,
    /// The encoded public point (uncompressed SEC1 for NIST curves, 32 bytes
    /// for X25519), `<1..2^8-1>`.
    pub public: Vec<u8>,
}

impl ServerEcdhParams {
    fn read(r: &mut Reader<'_>) -> Result<Self> {
        let curve_type = r.u8("ECParameters.curve_type")?;
        if curve_type != NAMED_CURVE {
            // RFC 8422 5.4 deprecates the explicit curve types; OpenSSL
            // answers them with illegal_parameter (tls_process_ske_ecdhe).
            return Err(WireError::new(
                "ECParameters.curve_type",
                ErrorKind::IllegalValue,
            ));
        }
        let named_curve = NamedGroup::read(r, "ECParameters.namedcurve")?;
        let public = r.vector(Prefix::U8, 1, 0xff, "ECPoint.point")?;
        Ok(Self {
            named_curve,
            public: public.to_vec(),
        })
    }

    /// Writes `curve_type`, `namedcurve`, `point`: the exact bytes that
    /// `signed_params` covers.
    pub fn encode(&self, out: &mut impl BufMut) {
        out.put_u8(NAMED_CURVE);
        self.named_curve.encode(out);
        put_opaque(out, Prefix::U8, 0xff, &self.public);
    }
}

/// An ECDHE ServerKeyExchange: params plus the signature over them (RFC 8422 5.4).
///
/// ```text
/// select (KeyExchangeAlgorithm) {
///     case ec_diffie_hellman:
///         ServerECDHParams    params;
///         Signature           signed_params;
/// } ServerKeyExchange;
///
/// digitally-signed struct {            /* signed_params, TLS 1.2 */
///     opaque client_random[32];
///     opaque server_random[32];
///     ServerECDHParams params;
/// } Signature;
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EcdheServerKeyExchange {
    /// The curve and public key.
    pub params: ServerEcdhParams,
    /// The server's signature over randoms and params.
    pub signature: DigitallySigned,
}

impl EcdheServerKeyExchange {
    /// The exact bytes of `params` as they appear on the wire.
    ///
    /// `ServerECDHParams` has a single encoding (the only free length is the
    /// point's, and it is explicit), so re-encoding a parsed value yields the
    /// received bytes.
    pub fn params_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.params.encode(&mut out);
        out
    }

    /// The content `signature` signs: `client_random + server_random + params`
    /// (RFC 8422 5.4, RFC 5246 7.4.3).
    pub fn signed_message(&self, client_random: &[u8; 32], server_random: &[u8; 32]) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + 4 + self.params.public.len());
        out.extend_from_slice(client_random);
        out.extend_from_slice(server_random);
        self.params.encode(&mut out);
        out
    }
}

/// The ServerKeyExchange message, by key exchange (RFC 5246 7.4.3).
///
/// Only ECDHE carries one in this stack; under static RSA the server sends
/// none (RFC 5246 7.4.3), so parsing one with `kx: Rsa` is refused.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ServerKeyExchange {
    /// ECDHE_ECDSA / ECDHE_RSA (RFC 8422 5.4).
    Ecdhe(EcdheServerKeyExchange),
}

impl ServerKeyExchange {
    /// Parses a ServerKeyExchange body; its format depends on the negotiated
    /// key exchange, taken from `ctx`.
    pub fn parse(body: &[u8], ctx: &ParseContext) -> Result<Self> {
        match ctx.kx {
            Some(KeyExchangeAlgorithm::Ecdhe) => {
                let mut r = Reader::delimited(body);
                let params = ServerEcdhParams::read(&mut r)?;
                let signature = DigitallySigned::read(&mut r)?;
                r.finish("ServerKeyExchange")?;
                Ok(Self::Ecdhe(EcdheServerKeyExchange { params, signature }))
            }
            Some(KeyExchangeAlgorithm::Rsa) | None => Err(WireError::new(
                "ServerKeyExchange",
                ErrorKind::UnexpectedForKeyExchange,
            )),
        }
    }

    /// The key exchange this message belongs to.
    pub fn kx(&self) -> KeyExchangeAlgorithm {
        match self {
            Self::Ecdhe(_) => KeyExchangeAlgorithm::Ecdhe,
        }
    }

    /// Writes the body.
    pub fn encode(&self, out: &mut impl BufMut) {
        match self {
            Self::Ecdhe(ske) => {
                ske.params.encode(out);
                ske.signature.encode(out);
            }
        }
    }
}
