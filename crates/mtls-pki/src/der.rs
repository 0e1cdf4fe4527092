//! The few DER (X.690) pieces this crate needs by hand: wrapping contents in a
//! tag and length, and reading one tag-length-value. Single-byte tags only.

/// `SEQUENCE` (constructed).
pub(crate) const SEQUENCE: u8 = 0x30;
/// `BIT STRING`.
#[cfg(test)]
pub(crate) const BIT_STRING: u8 = 0x03;
/// `INTEGER`.
pub(crate) const INTEGER: u8 = 0x02;
/// `OCTET STRING`.
pub(crate) const OCTET_STRING: u8 = 0x04;

/// Appends a DER definite length (X.690 8.1.3): short form below 128,
/// otherwise the minimal big-endian long form.
fn push_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        // Fits in 7 bits by the test above.
        out.push(len.to_be_bytes().last().copied().unwrap_or(0));
        return;
    }
    let bytes = len.to_be_bytes();
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    let significant = bytes.get(first..).unwrap_or(&[]);
    // At most size_of::<usize>() bytes, so the count fits in the low 7 bits.
    out.push(0x80 | significant.len().to_be_bytes().last().copied().unwrap_or(0));
    out.extend_from_slice(significant);
}

/// `tag || length || parts...`: one TLV whose contents are the concatenation of `parts`.
pub(crate) fn wrap(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    let mut out = Vec::with_capacity(len + 6);
    out.push(tag);
    push_len(&mut out, len);
    for p in parts {
        out.extend_from_slice(p);
    }
    out
}

/// Reads one TLV from the front of `input`: `(tag, contents, rest)`. Refuses
/// indefinite and non-minimal lengths, lengths over 4 bytes, multi-byte tags
/// and truncated input.
pub(crate) fn read_tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let (len_bytes, after) = rest.split_at_checked(n)?;
        rest = after;
        if len_bytes.first() == Some(&0) {
            return None;
        }
        let len = len_bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        if len < 0x80 {
            return None;
        }
        len
    };
    let (contents, rest) = rest.split_at_checked(len)?;
    Some((tag, contents, rest))
}

/// Reads one TLV with the expected `tag`: `(contents, rest)`.
pub(crate) fn expect(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    match read_tlv(input)? {
        (t, contents, rest) if t == tag => Some((contents, rest)),
        _ => None,
    }
}

/// True if `input` is exactly one DER `SEQUENCE`, nothing after it: the shape
/// of a certificate, a CRL or a private key in DER.
pub(crate) fn is_single_sequence(input: &[u8]) -> bool {
    matches!(read_tlv(input), Some((SEQUENCE, _, rest)) if rest.is_empty())
}

/// Bit length of an unsigned big-endian DER INTEGER's contents.
pub(crate) fn integer_bits(contents: &[u8]) -> usize {
    let first = contents
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(contents.len());
    match contents.get(first..) {
        Some([lead, tail @ ..]) => tail.len() * 8 + (8 - lead.leading_zeros() as usize),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn lengths_round_trip() {
        for len in [0usize, 1, 127, 128, 255, 256, 65_535, 65_536, 1 << 20] {
            let contents = vec![0xab; len];
            let tlv = wrap(OCTET_STRING, &[&contents]);
            let (tag, got, rest) = read_tlv(&tlv).unwrap();
            assert_eq!((tag, got.len(), rest.len()), (OCTET_STRING, len, 0));
        }
        assert_eq!(wrap(SEQUENCE, &[]), [0x30, 0x00]);
        assert_eq!(&wrap(SEQUENCE, &[&[0; 200]])[..3], [0x30, 0x81, 200]);
        assert_eq!(&wrap(SEQUENCE, &[&[0; 300]])[..4], [0x30, 0x82, 0x01, 0x2c]);
    }

    #[test]
    fn refuses_bad_lengths() {
        assert!(read_tlv(&[0x30]).is_none());
        assert!(read_tlv(&[0x30, 0x80]).is_none()); // indefinite
        assert!(read_tlv(&[0x30, 0x81, 0x05, 0, 0, 0, 0, 0]).is_none()); // non-minimal
        assert!(read_tlv(&[0x30, 0x82, 0x00, 0x90]).is_none()); // leading zero
        assert!(read_tlv(&[0x30, 0x02, 0x00]).is_none()); // truncated
        assert!(read_tlv(&[0x1f, 0x01, 0x00]).is_none()); // multi-byte tag
        assert!(is_single_sequence(&[0x30, 0x00]));
        assert!(!is_single_sequence(&[0x30, 0x00, 0x00]));
    }

    #[test]
    fn integer_bit_lengths() {
        assert_eq!(integer_bits(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(integer_bits(&[0x01]), 1);
        assert_eq!(integer_bits(&[0x00]), 0);
        assert_eq!(integer_bits(&[0x7f, 0xff]), 15);
    }
}
