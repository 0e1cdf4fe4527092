//! Static RSA key exchange (RFC 5246 7.4.7.1): the client encrypts a 48-byte
//! premaster secret to the server's certificate key with PKCS#1 v1.5; the
//! server decrypts it without ever revealing whether the padding was valid.
//!
//! The server side layers the RFC's countermeasure on top of the implicit
//! rejection of `rsa` 0.10 (draft-irtf-cfrg-rsa-guidance): see
//! docs/SECURITY.md, "Static RSA key exchange".

use subtle::{ConditionallySelectable as _, ConstantTimeEq as _};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::hash::HashAlgorithm;
use crate::hmac::Hmac;
use crate::rand::{RngAdapter, SecureRandom};
use crate::secret::{PRE_MASTER_SECRET_LEN, PreMasterSecret};
use crate::signature::{RsaPrivateKey, RsaPublicKey};

/// Client side: makes a premaster secret (`client_version` followed by 46
/// random bytes, RFC 5246 7.4.7.1) and encrypts it with RSAES-PKCS1-v1_5
/// (RFC 8017 7.2.1) to the server's key. Returns the secret and the
/// `EncryptedPreMasterSecret` body (without its two-byte length prefix).
///
/// `client_version` must be the version offered in ClientHello, not the
/// negotiated one (RFC 5246 7.4.7.1), so that version rollback is detected.
pub fn encrypt_premaster(
    rng: &mut dyn SecureRandom,
    server_key: &RsaPublicKey,
    client_version: [u8; 2],
) -> Result<(PreMasterSecret, Vec<u8>)> {
    let mut pms = Zeroizing::new([0u8; PRE_MASTER_SECRET_LEN]);
    let (version, random) = pms.split_at_mut(2);
    version.copy_from_slice(&client_version);
    rng.fill(random)?;
    let ciphertext = server_key
        .key
        .pkcs1v15_encrypt_with_rng(&mut RngAdapter(rng), &pms[..])
        .map_err(|e| match e {
            rsa::Error::Rng => Error::RandomFailed,
            _ => Error::Internal,
        })?;
    Ok((PreMasterSecret::from_array(*pms), ciphertext))
}

/// Server side: recovers the premaster secret from `ciphertext` (the
/// `EncryptedPreMasterSecret` body) per RFC 5246 7.4.7.1.
///
/// Every ciphertext takes the same path and yields a 48-byte
/// [`PreMasterSecret`]; there is no error to branch on:
///
/// 1. 48 random bytes R are drawn *before* decrypting.
/// 2. The ciphertext is decrypted with blinding (`rng`); `rsa` 0.10 returns
///    a synthetic message instead of a padding error (implicit rejection).
///    The errors it still returns are for public properties (length != k,
///    value >= n) or RNG failure; those select R like any other failure.
/// 3. The decrypted message M is accepted only if it is 48 bytes long and
///    starts with `client_version` (the ClientHello's, RFC 5246 7.4.7.1;
///    no leniency for old clients). The choice between M and R is made in
///    constant time with `subtle`.
///
/// A wrong premaster then shows up only as a failed Finished
/// (`bad_record_mac`) after the same work as a right one.
///
/// If `rng` fails to produce R, R is instead derived from the ciphertext
/// under a secret bound to the private key (as implicit rejection does), so
/// the result is still unpredictable to the peer and the path unchanged.
pub fn decrypt_premaster(
    key: &RsaPrivateKey,
    rng: &mut dyn SecureRandom,
    client_version: [u8; 2],
    ciphertext: &[u8],
) -> PreMasterSecret {
    // Step 1: R, drawn first, on every path.
    let mut fallback = Zeroizing::new([0u8; PRE_MASTER_SECRET_LEN]);
    if rng.fill(&mut fallback[..]).is_err() {
        derive_fallback(key, ciphertext, &mut fallback);
    }

    // Step 2: decrypt with blinding. An `Err` (public-invalid input or RNG
    // failure) becomes an empty message, which fails the length check below.
    let message: Zeroizing<Vec<u8>> = Zeroizing::new(
        key.key
            .pkcs1v15_decrypt_with_rng(&mut RngAdapter(rng), ciphertext)
            .unwrap_or_default(),
    );

    // Step 3: copy at most 48 bytes into a fixed buffer. The loop length
    // depends on the message length, which the implicit-rejection draft
    // treats as public (a valid ciphertext gives 48; an invalid one gives
    // 48 with probability about 1/(k-10)); everything after is
    // constant-time over the contents.
    let mut candidate = Zeroizing::new([0u8; PRE_MASTER_SECRET_LEN]);
    for (dst, src) in candidate.iter_mut().zip(message.iter()) {
        *dst = *src;
    }
    let len_ok = (message.len() as u64).ct_eq(&(PRE_MASTER_SECRET_LEN as u64));
    let [c0, c1, ..] = *candidate;
    let [v0, v1] = client_version;
    let version_ok = c0.ct_eq(&v0) & c1.ct_eq(&v1);
    let accept = len_ok & version_ok;

    let mut pms = [0u8; PRE_MASTER_SECRET_LEN];
    for ((out, m), r) in pms.iter_mut().zip(candidate.iter()).zip(fallback.iter()) {
        *out = u8::conditional_select(r, m, accept);
    }
    let result = PreMasterSecret::from_array(pms);
    // `pms` is a plain array copied into `result`; wipe the stack copy.
    zeroize::Zeroize::zeroize(&mut pms);
    result
}

/// R when the RNG fails: HMAC-SHA384(key-bound secret, ciphertext), the
/// first 48 bytes. Deterministic per ciphertext, like implicit rejection's
/// synthetic message, and never a function of the padding's validity.
fn derive_fallback(key: &RsaPrivateKey, ciphertext: &[u8], out: &mut [u8; PRE_MASTER_SECRET_LEN]) {
    let d = Hmac::mac(HashAlgorithm::Sha384, &key.fallback_key[..], ciphertext);
    for (o, b) in out.iter_mut().zip(d.as_slice()) {
        *o = *b;
    }
}
