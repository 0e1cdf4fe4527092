//! `--json FILE`: every figure of the table as JSON, one object per row:
//!
//! ```json
//! {"rows": [{"section": "...", "measure": "...", "unit": "handshakes/s", "better": "higher",
//!            "values": {"mtls-rustcrypto": 1056.2, "mtls-aws-lc": 2775.0, "rustls-ring": 2480.1}}]}
//! ```
//!
//! `values` holds each stack's median ([`StackId::name`] as the key) and only the stacks
//! measured in that row; the floors are rows of their own (the "Primitive floor" section).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::Result;
use crate::report::{Better, Section};
use crate::setup::StackId;

/// The whole report.
#[derive(Debug, Serialize)]
pub struct Report {
    /// Every row of every section, in table order.
    pub rows: Vec<JsonRow>,
}

/// One row.
#[derive(Debug, Serialize)]
pub struct JsonRow {
    /// The section's title.
    pub section: String,
    /// The row's label.
    pub measure: String,
    /// The unit of the values.
    pub unit: String,
    /// `"higher"` or `"lower"`: which way is better.
    pub better: &'static str,
    /// Each measured stack's median.
    pub values: BTreeMap<&'static str, f64>,
}

impl Report {
    /// The rows of `sections`.
    pub fn new(sections: &[Section]) -> Self {
        let rows = sections
            .iter()
            .flat_map(|s| {
                s.rows.iter().map(|r| JsonRow {
                    section: s.title.clone(),
                    measure: r.label.clone(),
                    unit: r.unit.to_string(),
                    better: match r.better {
                        Better::Higher => "higher",
                        Better::Lower => "lower",
                    },
                    values: r
                        .values
                        .iter()
                        .map(|(k, v): (&StackId, _)| (k.name(), v.median))
                        .collect(),
                })
            })
            .collect();
        Self { rows }
    }

    /// Pretty-printed JSON.
    pub fn to_json(&self) -> Result<String> {
        Ok(serde_json::to_string_pretty(self)?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::report::Row;
    use crate::stats::Summary;

    #[test]
    fn two_rows_serialize_to_the_documented_shape() {
        let full = Row::new(
            "ECDHE-ECDSA P-256, P-256 certs",
            "handshakes/s",
            Better::Higher,
        )
        .values(|s| {
            Some(Summary::exact(match s {
                StackId::MtlsRustCrypto => 800.0,
                StackId::MtlsAwsLc => 2500.0,
                StackId::RustlsRing => 2400.0,
            }))
        });
        let heap = Row::new("server: peak during the handshake", "KiB", Better::Lower)
            .values(|s| (s == StackId::RustlsRing).then(|| Summary::exact(10.5)));
        let sections = [
            Section {
                title: "Full".into(),
                rows: vec![full],
            },
            Section {
                title: "Heap".into(),
                rows: vec![heap],
            },
        ];
        let text = Report::new(&sections).to_json().unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let top = v.as_object().unwrap();
        assert_eq!(top.keys().collect::<Vec<_>>(), ["rows"]);
        let rows = top["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 2);
        for row in rows {
            let mut keys: Vec<&String> = row.as_object().unwrap().keys().collect();
            keys.sort();
            assert_eq!(keys, ["better", "measure", "section", "unit", "values"]);
        }
        assert_eq!(rows[0]["section"], "Full");
        assert_eq!(rows[0]["measure"], "ECDHE-ECDSA P-256, P-256 certs");
        assert_eq!(rows[0]["unit"], "handshakes/s");
        assert_eq!(rows[0]["better"], "higher");
        assert_eq!(rows[0]["values"]["mtls-rustcrypto"], 800.0);
        assert_eq!(rows[0]["values"]["mtls-aws-lc"], 2500.0);
        assert_eq!(rows[0]["values"]["rustls-ring"], 2400.0);
        assert_eq!(rows[1]["better"], "lower");
        let values = rows[1]["values"].as_object().unwrap();
        assert_eq!(values.keys().collect::<Vec<_>>(), ["rustls-ring"]);
        assert_eq!(values["rustls-ring"], 10.5);
    }
}
