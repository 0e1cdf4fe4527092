//! Points in time as `mtls verify` and `mtls inspect` read and show them: `--at` in RFC 3339
//! (`2026-12-02T00:00:00Z`) or Unix seconds, dates as `2026-12-02 00:00:00 UTC`, and spans as
//! `3 days`.

use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use x509_cert::der::DateTime;

/// Seconds since the Unix epoch, now.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Reads `--at`: Unix seconds (`1800000000`), an RFC 3339 time (`2026-12-02T00:00:00Z`,
/// `2026-12-02T01:00:00+01:00`, fractions of a second ignored) or a date (`2026-12-02`,
/// midnight UTC).
pub fn parse(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let bad = || {
        format!(
            "--at {text:?}: expected RFC 3339 (2026-12-02T00:00:00Z), a date (2026-12-02) or \
             Unix seconds"
        )
    };
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse().map_err(|_| bad());
    }
    let (date, rest) = t.split_at_checked(10).ok_or_else(bad)?;
    let (clock, offset) = if rest.is_empty() {
        ("00:00:00".to_string(), 0i64)
    } else {
        let rest = rest
            .strip_prefix(['T', 't', ' '])
            .ok_or_else(bad)?
            .to_ascii_uppercase();
        let (clock, zone) = rest.split_at_checked(8).ok_or_else(bad)?;
        // Fractions of a second: ignored.
        let zone = zone
            .strip_prefix('.')
            .map_or(zone, |z| z.trim_start_matches(|c: char| c.is_ascii_digit()));
        let offset = match zone {
            "Z" => 0,
            z => offset_seconds(z).ok_or_else(bad)?,
        };
        (clock.to_string(), offset)
    };
    let utc = DateTime::from_str(&format!("{date}T{clock}Z")).map_err(|_| bad())?;
    let secs = i64::try_from(utc.unix_duration().as_secs()).map_err(|_| bad())?;
    u64::try_from(secs - offset).map_err(|_| bad())
}

/// `+HH:MM` / `-HH:MM` as seconds east of UTC.
fn offset_seconds(zone: &str) -> Option<i64> {
    let (sign, hm) = match zone.split_at_checked(1)? {
        ("+", hm) => (1, hm),
        ("-", hm) => (-1, hm),
        _ => return None,
    };
    let (h, m) = hm.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

/// `2026-12-02 00:00:00 UTC`.
pub fn utc(secs: u64) -> String {
    match DateTime::from_unix_duration(Duration::from_secs(secs)) {
        Ok(d) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
            d.year(),
            d.month(),
            d.day(),
            d.hour(),
            d.minutes(),
            d.seconds()
        ),
        Err(_) => format!("{secs} (Unix seconds)"),
    }
}

/// `2026-12-02T00:00:00Z`, for JSON.
pub fn rfc3339(secs: u64) -> String {
    DateTime::from_unix_duration(Duration::from_secs(secs))
        .map_or_else(|_| secs.to_string(), |d| d.to_string())
}

/// A span in the largest whole unit: `3 days`, `1 hour`, `40 seconds`.
pub fn span(secs: u64) -> String {
    let (n, unit) = match secs {
        0..60 => (secs, "second"),
        60..3600 => (secs / 60, "minute"),
        3600..86_400 => (secs / 3600, "hour"),
        _ => (secs / 86_400, "day"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_in_every_form() {
        assert_eq!(parse("1800000000"), Ok(1_800_000_000));
        assert_eq!(parse("2026-12-02T00:00:00Z"), Ok(1_796_169_600));
        assert_eq!(parse("2026-12-02"), Ok(1_796_169_600));
        assert_eq!(parse("2026-12-02t00:00:00.250z"), Ok(1_796_169_600));
        assert_eq!(parse("2026-12-02T01:30:00+01:30"), Ok(1_796_169_600));
        assert_eq!(parse("2026-12-01T23:00:00-01:00"), Ok(1_796_169_600));
        for bad in [
            "",
            "yesterday",
            "2026-13-01",
            "2026-12-02T00:00",
            "2026-12-02X",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn times_show() {
        assert_eq!(utc(1_796_169_600), "2026-12-02 00:00:00 UTC");
        assert_eq!(rfc3339(1_796_169_600), "2026-12-02T00:00:00Z");
        assert_eq!(span(3 * 86_400 + 5), "3 days");
        assert_eq!(span(3600), "1 hour");
        assert_eq!(span(59), "59 seconds");
    }
}
