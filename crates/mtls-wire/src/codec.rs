//! The two halves every message is built from: a bounds-checked reader over
//! `&[u8]` (nom's `complete` primitives underneath) that names the failing
//! field, and length-prefix writers over [`BufMut`].
//!
//! Why a cursor instead of nom combinator chains: every error must say which
//! field failed and which RFC bound it broke, and every vector has its own
//! bounds. A cursor with one method per TLS presentation-language construct
//! (RFC 5246 4) keeps each message parser a straight list of its fields, in
//! the order of the RFC `struct`, which is what a reviewer compares against.

use bytes::BufMut;
use nom::Parser;

use crate::error::{ErrorKind, WireError};

/// Result of every parser in the crate.
pub type Result<T> = core::result::Result<T, WireError>;

/// A cursor over input bytes.
///
/// Two flavours differ only in how running out of bytes is reported: a
/// *framing* reader (over a caller's open-ended buffer) reports
/// [`ErrorKind::Truncated`], a *delimited* reader (over bytes whose length an
/// enclosing prefix fixed) reports [`ErrorKind::LengthMismatch`].
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
    short: ErrorKind,
}

impl<'a> Reader<'a> {
    /// A reader over an open-ended buffer: running short is `Truncated`.
    pub(crate) fn framing(input: &'a [u8]) -> Self {
        Self {
            rest: input,
            short: ErrorKind::Truncated,
        }
    }

    /// A reader over a complete length-delimited structure: running short is
    /// `LengthMismatch`.
    pub(crate) fn delimited(input: &'a [u8]) -> Self {
        Self {
            rest: input,
            short: ErrorKind::LengthMismatch,
        }
    }

    /// The bytes not yet consumed.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.rest
    }

    /// True when every byte has been consumed.
    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// Runs a nom parser on the rest, mapping its failure to `field`.
    fn nom<T>(
        &mut self,
        field: &'static str,
        mut parser: impl Parser<&'a [u8], Output = T, Error = ()>,
    ) -> Result<T> {
        match parser.parse(self.rest) {
            Ok((rest, value)) => {
                self.rest = rest;
                Ok(value)
            }
            // Only `complete` parsers are used, so every failure means the
            // input ran out.
            Err(_) => Err(WireError::new(field, self.short)),
        }
    }

    /// Exactly `n` bytes.
    pub(crate) fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8]> {
        self.nom(field, nom::bytes::complete::take(n))
    }

    /// `uint8`.
    pub(crate) fn u8(&mut self, field: &'static str) -> Result<u8> {
        self.nom(field, nom::number::complete::be_u8)
    }

    /// `uint16`, network byte order (RFC 5246 4.4).
    pub(crate) fn u16(&mut self, field: &'static str) -> Result<u16> {
        self.nom(field, nom::number::complete::be_u16)
    }

    /// `uint24`, network byte order (RFC 5246 4.4).
    pub(crate) fn u24(&mut self, field: &'static str) -> Result<u32> {
        self.nom(field, nom::number::complete::be_u24)
    }

    /// `uint32`, network byte order (RFC 5246 4.4).
    pub(crate) fn u32(&mut self, field: &'static str) -> Result<u32> {
        self.nom(field, nom::number::complete::be_u32)
    }

    /// A fixed-length vector `opaque field[N]` (RFC 5246 4.3).
    pub(crate) fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N]> {
        let bytes = self.take(N, field)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    /// A variable-length vector `field<min..max>` with a length prefix of
    /// `prefix` bytes (RFC 5246 4.3): checks the bounds and returns the body.
    pub(crate) fn vector(
        &mut self,
        prefix: Prefix,
        min: usize,
        max: usize,
        field: &'static str,
    ) -> Result<&'a [u8]> {
        let len = match prefix {
            Prefix::U8 => usize::from(self.u8(field)?),
            Prefix::U16 => usize::from(self.u16(field)?),
            Prefix::U24 => usize_from(self.u24(field)?),
        };
        // The bound check precedes the take: an out-of-range length is a
        // decode error even if the bytes happen to be there.
        check_len(len, min, max, field)?;
        self.take(len, field)
    }

    /// A variable-length vector of `unit`-byte elements: like
    /// [`Reader::vector`] plus the check that the length is a whole number of
    /// elements (e.g. `CipherSuite cipher_suites<2..2^16-2>`, RFC 5246 7.4.1.2).
    pub(crate) fn vector_of(
        &mut self,
        prefix: Prefix,
        unit: usize,
        min: usize,
        max: usize,
        field: &'static str,
    ) -> Result<&'a [u8]> {
        let body = self.vector(prefix, min, max, field)?;
        if body.len() % unit != 0 {
            return Err(WireError::new(
                field,
                ErrorKind::LengthNotMultiple {
                    unit,
                    got: body.len(),
                },
            ));
        }
        Ok(body)
    }

    /// Ends a delimited structure: anything left over is `TrailingBytes`.
    pub(crate) fn finish(self, field: &'static str) -> Result<()> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(WireError::new(field, ErrorKind::TrailingBytes))
        }
    }
}

/// Parses every element of a vector body with `item`.
///
/// Terminates and allocates in proportion to the input: every `item` parser
/// in this crate consumes at least one byte or fails, and the loop also stops
/// if one ever did not.
pub(crate) fn items<'a, T>(
    body: &'a [u8],
    mut item: impl FnMut(&mut Reader<'a>) -> Result<T>,
) -> Result<Vec<T>> {
    let mut r = Reader::delimited(body);
    let mut out = Vec::new();
    while !r.is_empty() {
        let before = r.rest().len();
        out.push(item(&mut r)?);
        if r.rest().len() == before {
            // Unreachable with the parsers of this crate; refusing is safer
            // than spinning.
            return Err(WireError::new("vector element", ErrorKind::LengthMismatch));
        }
    }
    Ok(out)
}

/// Checks `min <= len <= max` for the vector `field`.
pub(crate) fn check_len(len: usize, min: usize, max: usize, field: &'static str) -> Result<()> {
    if (min..=max).contains(&len) {
        Ok(())
    } else {
        Err(WireError::new(
            field,
            ErrorKind::LengthOutOfRange { min, max, got: len },
        ))
    }
}

/// `u32` to `usize` without a lossy cast; on 16-bit targets a u24 length
/// saturates, which the following `take` then refuses.
fn usize_from(v: u32) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

/// Width of a vector's length prefix: the smallest number of bytes that can
/// hold the vector's maximum length (RFC 5246 4.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Prefix {
    /// One byte, for maxima up to 2^8-1.
    U8,
    /// Two bytes, for maxima up to 2^16-1.
    U16,
    /// Three bytes, for maxima up to 2^24-1.
    U24,
}

/// Writes a `uint24` (RFC 5246 4.4); the top byte of `v` is dropped.
pub(crate) fn put_u24(out: &mut impl BufMut, v: u32) {
    let [_, a, b, c] = v.to_be_bytes();
    out.put_slice(&[a, b, c]);
}

/// Writes `prefix` length bytes followed by whatever `body` writes.
///
/// The body is first written to a scratch buffer because [`BufMut`] cannot
/// seek back to patch a length. Keeping vectors inside their RFC bounds is
/// the caller's job; a body longer than `max` is a bug: debug builds assert,
/// release builds cut the body to `max` so the framing stays self-consistent
/// (the length written always equals the bytes that follow).
pub(crate) fn put_prefixed(
    out: &mut impl BufMut,
    prefix: Prefix,
    max: usize,
    body: impl FnOnce(&mut Vec<u8>),
) {
    let mut buf = Vec::new();
    body(&mut buf);
    debug_assert!(
        buf.len() <= max,
        "vector of {} bytes exceeds its RFC maximum {max}",
        buf.len()
    );
    buf.truncate(max);
    let len = buf.len();
    match prefix {
        Prefix::U8 => out.put_u8(u8::try_from(len).unwrap_or(u8::MAX)),
        Prefix::U16 => out.put_u16(u16::try_from(len).unwrap_or(u16::MAX)),
        Prefix::U24 => put_u24(out, u32::try_from(len).unwrap_or(0x00ff_ffff)),
    }
    out.put_slice(&buf);
}

/// Writes `opaque field<..max>` with a `prefix`-byte length.
pub(crate) fn put_opaque(out: &mut impl BufMut, prefix: Prefix, max: usize, bytes: &[u8]) {
    put_prefixed(out, prefix, max, |b| b.put_slice(bytes));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framing_reader_reports_truncated_and_delimited_reports_mismatch() {
        let e = Reader::framing(&[1]).u16("x").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Truncated);
        let e = Reader::delimited(&[1]).u16("x").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::LengthMismatch);
    }

    #[test]
    fn vector_checks_bounds_before_taking() {
        let mut r = Reader::delimited(&[0, 0]);
        let e = r.vector(Prefix::U16, 2, 10, "v").unwrap_err();
        assert_eq!(
            e.kind(),
            ErrorKind::LengthOutOfRange {
                min: 2,
                max: 10,
                got: 0
            }
        );
    }

    #[test]
    fn u24_round_trip() {
        let mut out = Vec::new();
        put_u24(&mut out, 0x0102_0304);
        assert_eq!(out, [2, 3, 4]);
        assert_eq!(Reader::delimited(&out).u24("x").unwrap(), 0x0002_0304);
    }

    #[test]
    fn prefixed_writes_length() {
        let mut out = Vec::new();
        put_opaque(&mut out, Prefix::U16, 100, b"abc");
        assert_eq!(out, [0, 3, b'a', b'b', b'c']);
    }

    #[test]
    fn items_refuses_a_parser_that_does_not_advance() {
        let e = items(&[1, 2], |_r| Ok(())).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::LengthMismatch);
    }
}
