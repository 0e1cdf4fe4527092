//! The TLS 1.2 PRF: `PRF(secret, label, seed) = P_<hash>(secret, label + seed)` (RFC 5246 section 5).

use mtls_crypto::CryptoProvider;
use mtls_crypto::hash::HashAlgorithm;

/// Fills `out` with `PRF(secret, label, seed)` using P_SHA256 or P_SHA384 (RFC 5246 section 5),
/// on `provider`'s HMAC.
///
/// The seed is given in parts (`&[client_random, server_random]`, say) so that callers never
/// concatenate secrets or randoms into a temporary buffer. The PRF hash is the cipher suite's:
/// SHA-256 for every TLS 1.2 suite except the `_SHA384` ones.
///
/// ```text
/// P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) +
///                        HMAC_hash(secret, A(2) + seed) + ...
/// A(0) = seed
/// A(i) = HMAC_hash(secret, A(i-1))
/// ```
pub fn prf(
    provider: &CryptoProvider,
    alg: HashAlgorithm,
    secret: &[u8],
    label: &[u8],
    seed: &[&[u8]],
    out: &mut [u8],
) {
    // Key the HMAC once; every block below forks the keyed state instead of re-keying.
    let keyed = provider.hmac(alg, secret);

    // A(1) = HMAC(secret, A(0)), where A(0) = label + seed.
    let mut a = {
        let mut mac = keyed.fork();
        mac.update(label);
        seed.iter().for_each(|part| mac.update(part));
        mac.finish()
    };

    let blocks = out.len().div_ceil(alg.output_len());
    for (i, chunk) in out.chunks_mut(alg.output_len()).enumerate() {
        let mut mac = keyed.fork();
        mac.update(a.as_slice());
        mac.update(label);
        seed.iter().for_each(|part| mac.update(part));
        let block = mac.finish();
        // The last chunk takes only the bytes it needs (RFC 5246 section 5: "discard the rest").
        chunk
            .iter_mut()
            .zip(block.as_slice())
            .for_each(|(o, b)| *o = *b);

        // A(i+1), unless this was the last block (a Finished's 12 bytes take one block: the
        // next A would be a third HMAC for nothing).
        if i + 1 < blocks {
            let mut next = keyed.fork();
            next.update(a.as_slice());
            a = next.finish();
        }
    }
}
