//! ec_point_formats (RFC 8422 5.1.2).
//!
//! ```text
//! struct {
//!     ECPointFormat ec_point_format_list<1..2^8-1>
//! } ECPointFormatList;
//! ```

use bytes::BufMut;

use crate::codec::{Prefix, Reader, Result, items, put_prefixed};
use crate::enums::ECPointFormat;

const FIELD: &str = "ECPointFormatList.ec_point_format_list";

/// Parses the extension_data of ec_point_formats.
pub(crate) fn parse(data: &[u8]) -> Result<Vec<ECPointFormat>> {
    let mut r = Reader::delimited(data);
    let body = r.vector(Prefix::U8, 1, 0xff, FIELD)?;
    r.finish("ec_point_formats")?;
    items(body, |r| ECPointFormat::read(r, FIELD))
}

/// Writes the extension_data.
pub(crate) fn encode(formats: &[ECPointFormat], out: &mut impl BufMut) {
    put_prefixed(out, Prefix::U8, 0xff, |b| {
        for f in formats {
            f.encode(b);
        }
    });
}
