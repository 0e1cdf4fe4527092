//! An independent TLS 1.3 record sealer and opener for the tests (RFC 8446 5.2, 5.3), written
//! straight on the `aes-gcm` and `chacha20poly1305` crates: it builds any record, malformed
//! ones included (no content type, oversized, a protected change_cipher_spec), that our
//! encrypter refuses to make, and checks what our encrypter makes without going through our
//! decrypter.

use aes_gcm::aead::{AeadInOut, KeyInit};
use mtls_crypto::aead::AeadAlgorithm;

/// The three AEADs of TLS 1.3 with their key lengths (RFC 8446 B.4).
pub const AEADS: [(AeadAlgorithm, usize); 3] = [
    (AeadAlgorithm::Aes128Gcm, 16),
    (AeadAlgorithm::Aes256Gcm, 32),
    (AeadAlgorithm::ChaCha20Poly1305, 32),
];

/// One direction's key material and sequence number, as the peer would hold it.
pub struct Peer {
    pub alg: AeadAlgorithm,
    pub key: Vec<u8>,
    pub iv: [u8; 12],
    pub seq: u64,
}

impl Peer {
    pub fn new(alg: AeadAlgorithm, key: &[u8], iv: &[u8]) -> Self {
        Self {
            alg,
            key: key.to_vec(),
            iv: iv.try_into().unwrap(),
            seq: 0,
        }
    }

    /// A test key set for `alg`: key bytes 0x11.., IV 0x22...
    pub fn test(alg: AeadAlgorithm, key_len: usize) -> Self {
        Self::new(alg, &vec![0x11; key_len], &[0x22; 12])
    }

    /// RFC 8446 5.3: the IV XOR the sequence number, left-padded to 12 bytes.
    pub fn nonce(&self, seq: u64) -> [u8; 12] {
        let mut nonce = self.iv;
        for (n, s) in nonce[4..].iter_mut().zip(seq.to_be_bytes()) {
            *n ^= s;
        }
        nonce
    }

    /// A record of outer type `outer` and version `version` whose encrypted_record is `inner`
    /// (the whole TLSInnerPlaintext, as given) sealed under the next sequence number.
    pub fn seal_raw(&mut self, outer: u8, version: u16, inner: &[u8]) -> Vec<u8> {
        let len = (inner.len() + 16) as u16;
        let mut record = vec![outer];
        record.extend_from_slice(&version.to_be_bytes());
        record.extend_from_slice(&len.to_be_bytes());
        let aad = record.clone();
        let mut body = inner.to_vec();
        let nonce = self.nonce(self.seq);
        self.seq += 1;
        let tag = match self.alg {
            AeadAlgorithm::Aes128Gcm => {
                seal::<aes_gcm::Aes128Gcm>(&self.key, &nonce, &aad, &mut body)
            }
            AeadAlgorithm::Aes256Gcm => {
                seal::<aes_gcm::Aes256Gcm>(&self.key, &nonce, &aad, &mut body)
            }
            AeadAlgorithm::ChaCha20Poly1305 => {
                seal::<chacha20poly1305::ChaCha20Poly1305>(&self.key, &nonce, &aad, &mut body)
            }
        };
        record.extend_from_slice(&body);
        record.extend_from_slice(&tag);
        record
    }

    /// A well-formed TLS 1.3 record: `content || typ || zeros(padding)`, outer type 23,
    /// version 0x0303.
    pub fn seal(&mut self, typ: u8, content: &[u8], padding: usize) -> Vec<u8> {
        let mut inner = content.to_vec();
        inner.push(typ);
        inner.resize(inner.len() + padding, 0);
        self.seal_raw(23, 0x0303, &inner)
    }

    /// Opens one whole record (header included) under the next sequence number and returns
    /// the TLSInnerPlaintext, or `None` if it does not authenticate.
    pub fn open_raw(&mut self, record: &[u8]) -> Option<Vec<u8>> {
        let (aad, rest) = record.split_at(5);
        let (ct, tag) = rest.split_at(rest.len().checked_sub(16)?);
        let mut body = ct.to_vec();
        let nonce = self.nonce(self.seq);
        let ok = match self.alg {
            AeadAlgorithm::Aes128Gcm => {
                open::<aes_gcm::Aes128Gcm>(&self.key, &nonce, aad, &mut body, tag)
            }
            AeadAlgorithm::Aes256Gcm => {
                open::<aes_gcm::Aes256Gcm>(&self.key, &nonce, aad, &mut body, tag)
            }
            AeadAlgorithm::ChaCha20Poly1305 => {
                open::<chacha20poly1305::ChaCha20Poly1305>(&self.key, &nonce, aad, &mut body, tag)
            }
        };
        if ok {
            self.seq += 1;
            Some(body)
        } else {
            None
        }
    }

    /// Opens one record and splits its inner plaintext: (content, type, padding length).
    pub fn open(&mut self, record: &[u8]) -> Option<(Vec<u8>, u8, usize)> {
        let inner = self.open_raw(record)?;
        let at = inner.iter().rposition(|&b| b != 0)?;
        Some((inner[..at].to_vec(), inner[at], inner.len() - at - 1))
    }
}

fn seal<A: AeadInOut + KeyInit>(
    key: &[u8],
    nonce: &[u8; 12],
    aad: &[u8],
    body: &mut [u8],
) -> Vec<u8> {
    let cipher = A::new_from_slice(key).unwrap();
    let nonce = aes_gcm::aead::Nonce::<A>::try_from(&nonce[..]).unwrap();
    cipher
        .encrypt_inout_detached(&nonce, aad, body.into())
        .unwrap()
        .to_vec()
}

fn open<A: AeadInOut + KeyInit>(
    key: &[u8],
    nonce: &[u8; 12],
    aad: &[u8],
    body: &mut [u8],
    tag: &[u8],
) -> bool {
    let cipher = A::new_from_slice(key).unwrap();
    let nonce = aes_gcm::aead::Nonce::<A>::try_from(&nonce[..]).unwrap();
    let Ok(tag) = aes_gcm::aead::Tag::<A>::try_from(tag) else {
        return false;
    };
    cipher
        .decrypt_inout_detached(&nonce, aad, body.into(), &tag)
        .is_ok()
}

/// Splits a stream of whole records into records (header included).
pub fn split_records(mut stream: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while !stream.is_empty() {
        let len = 5 + u16::from_be_bytes([stream[3], stream[4]]) as usize;
        out.push(stream[..len].to_vec());
        stream = &stream[len..];
    }
    out
}

/// A handshake message: type, u24 length, body.
pub fn hs(typ: u8, body: &[u8]) -> Vec<u8> {
    let len = body.len() as u32;
    let mut m = vec![typ, (len >> 16) as u8, (len >> 8) as u8, len as u8];
    m.extend_from_slice(body);
    m
}

/// A plaintext record.
pub fn plain(typ: u8, body: &[u8]) -> Vec<u8> {
    let mut r = vec![typ, 3, 3];
    r.extend_from_slice(&(body.len() as u16).to_be_bytes());
    r.extend_from_slice(body);
    r
}
