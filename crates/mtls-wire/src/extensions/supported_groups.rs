//! supported_groups, formerly elliptic_curves (RFC 8422 5.1.1).
//!
//! ```text
//! struct {
//!     NamedCurve named_curve_list<2..2^16-1>
//! } NamedCurveList;
//! ```

use bytes::BufMut;

use crate::codec::{Prefix, Reader, Result, items, put_prefixed};
use crate::enums::NamedGroup;

const FIELD: &str = "NamedCurveList.named_curve_list";

/// Parses the extension_data of supported_groups.
pub(crate) fn parse(data: &[u8]) -> Result<Vec<NamedGroup>> {
    let mut r = Reader::delimited(data);
    let body = r.vector_of(Prefix::U16, 2, 2, 0xffff, FIELD)?;
    r.finish("supported_groups")?;
    items(body, |r| NamedGroup::read(r, FIELD))
}

/// Writes the extension_data.
pub(crate) fn encode(groups: &[NamedGroup], out: &mut impl BufMut) {
    // 2^16-1 rounded down to whole elements.
    put_prefixed(out, Prefix::U16, 0xfffe, |b| {
        for g in groups {
            g.encode(b);
        }
    });
}
