//! The few DER (X.690) shapes this crate checks or builds by hand, read and written with the
//! `der` crate: one SEQUENCE, an encrypted PKCS#8 key, an RSA key's modulus, a `Name`'s TLV.

use der::asn1::{AnyRef, OctetStringRef, UintRef};
use der::{Decode, Encode, Reader, SliceReader, Tag, Tagged};

/// True if `input` is exactly one DER `SEQUENCE`, nothing after it: the shape of a
/// certificate, a CRL or a private key in DER.
pub(crate) fn is_single_sequence(input: &[u8]) -> bool {
    AnyRef::from_der(input).is_ok_and(|tlv| tlv.tag() == Tag::Sequence)
}

/// `contents` (of a `Name`, as webpki keeps it) wrapped in a SEQUENCE tag and length.
pub(crate) fn sequence_of(contents: &[u8]) -> Option<Vec<u8>> {
    AnyRef::new(Tag::Sequence, contents).ok()?.to_der().ok()
}

/// The contents of `input` if it is exactly one SEQUENCE.
fn sequence_contents(input: &[u8]) -> Option<&[u8]> {
    AnyRef::from_der(input)
        .ok()
        .filter(|tlv| tlv.tag() == Tag::Sequence)
        .map(AnyRef::value)
}

/// True for a PKCS#8 `EncryptedPrivateKeyInfo` (RFC 5208 6): `SEQUENCE { SEQUENCE
/// (encryptionAlgorithm), OCTET STRING }`. (A plain `PrivateKeyInfo` starts with an
/// INTEGER.)
pub(crate) fn is_encrypted_pkcs8(input: &[u8]) -> bool {
    let Some(body) = sequence_contents(input) else {
        return false;
    };
    let shape = || -> der::Result<()> {
        let mut fields = SliceReader::new(body)?;
        AnyRef::decode(&mut fields)?
            .tag()
            .assert_eq(Tag::Sequence)?;
        <&OctetStringRef>::decode(&mut fields)?;
        fields.finish()
    };
    shape().is_ok()
}

/// The modulus size of an RSA private key in PKCS#1 (RFC 8017 A.1.2: version, modulus, ...)
/// or PKCS#8 (RFC 5208 5: version, algorithm, OCTET STRING { RSAPrivateKey }) DER, for
/// error messages.
pub(crate) fn rsa_modulus_bits(input: &[u8]) -> Option<usize> {
    let mut fields = SliceReader::new(sequence_contents(input)?).ok()?;
    UintRef::decode(&mut fields).ok()?; // version
    let next = AnyRef::decode(&mut fields).ok()?;
    match next.tag() {
        Tag::Integer => UintRef::try_from(next)
            .ok()
            .map(|n| bit_length(n.as_bytes())),
        Tag::Sequence => rsa_modulus_bits(<&OctetStringRef>::decode(&mut fields).ok()?.as_bytes()),
        _ => None,
    }
}

/// Bit length of an unsigned big-endian integer without leading zero bytes.
fn bit_length(bytes: &[u8]) -> usize {
    match bytes {
        [lead, tail @ ..] => tail.len() * 8 + (8 - lead.leading_zeros() as usize),
        [] => 0,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use der::asn1::Null;

    fn tlv(tag: Tag, parts: &[&[u8]]) -> Vec<u8> {
        AnyRef::new(tag, &parts.concat()).unwrap().to_der().unwrap()
    }

    #[test]
    fn single_sequences_only() {
        assert!(is_single_sequence(&[0x30, 0x00]));
        assert!(!is_single_sequence(&[0x30, 0x00, 0x00])); // trailing byte
        assert!(!is_single_sequence(&[0x31, 0x00])); // a SET
        assert!(!is_single_sequence(&[0x30])); // truncated
        assert!(!is_single_sequence(&[0x30, 0x80, 0x00, 0x00])); // indefinite length
        assert!(!is_single_sequence(&[0x30, 0x81, 0x05, 0, 0, 0, 0, 0])); // non-minimal
        assert!(!is_single_sequence(&[0x30, 0x02, 0x00])); // short contents
    }

    #[test]
    fn sequence_lengths_round_trip() {
        for len in [0usize, 1, 127, 128, 255, 256, 65_535, 65_536, 1 << 20] {
            let contents = vec![0xab; len];
            let tlv = sequence_of(&contents).unwrap();
            assert!(is_single_sequence(&tlv));
            assert_eq!(sequence_contents(&tlv), Some(&contents[..]));
        }
        assert_eq!(sequence_of(&[]).unwrap(), [0x30, 0x00]);
        assert_eq!(&sequence_of(&[0; 200]).unwrap()[..3], [0x30, 0x81, 200]);
        assert_eq!(
            &sequence_of(&[0; 300]).unwrap()[..4],
            [0x30, 0x82, 0x01, 0x2c]
        );
    }

    #[test]
    fn encrypted_pkcs8_shape() {
        let alg = tlv(Tag::Sequence, &[]);
        let data = tlv(Tag::OctetString, &[b"ciphertext"]);
        assert!(is_encrypted_pkcs8(&tlv(Tag::Sequence, &[&alg, &data])));
        let version = tlv(Tag::Integer, &[&[0]]);
        assert!(!is_encrypted_pkcs8(&tlv(
            Tag::Sequence,
            &[&version, &alg, &data]
        )));
        let null = Null.to_der().unwrap();
        assert!(!is_encrypted_pkcs8(&tlv(Tag::Sequence, &[&null, &data])));
    }

    #[test]
    fn modulus_bits_from_both_forms() {
        let version = tlv(Tag::Integer, &[&[0]]);
        let mut n = vec![0x00, 0x80];
        n.extend_from_slice(&[0; 127]);
        let pkcs1 = tlv(
            Tag::Sequence,
            &[&version, &tlv(Tag::Integer, &[&n]), &version],
        );
        assert_eq!(rsa_modulus_bits(&pkcs1), Some(1024));
        let alg = tlv(Tag::Sequence, &[]);
        let pkcs8 = tlv(
            Tag::Sequence,
            &[&version, &alg, &tlv(Tag::OctetString, &[&pkcs1])],
        );
        assert_eq!(rsa_modulus_bits(&pkcs8), Some(1024));
        assert_eq!(rsa_modulus_bits(b"nope"), None);
    }

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_length(&[0x80, 0x00]), 16);
        assert_eq!(bit_length(&[0x01]), 1);
        assert_eq!(bit_length(&[]), 0);
        assert_eq!(bit_length(&[0x7f, 0xff]), 15);
    }
}
