//! The alert protocol message (RFC 5246 7.2).

use bytes::BufMut;

use crate::codec::{Reader, Result};
use crate::enums::{AlertDescription, AlertLevel};

/// An alert message (RFC 5246 7.2).
///
/// ```text
/// struct {
///     AlertLevel level;
///     AlertDescription description;
/// } Alert;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Alert {
    /// warning or fatal.
    pub level: AlertLevel,
    /// What happened.
    pub description: AlertDescription,
}

impl Alert {
    /// Size of an alert on the wire.
    pub const LEN: usize = 2;

    /// A fatal alert with the given description.
    pub const fn fatal(description: AlertDescription) -> Self {
        Self {
            level: AlertLevel::Fatal,
            description,
        }
    }

    /// Parses an alert that must be exactly 2 bytes.
    ///
    /// Fewer bytes is `Truncated` (an alert may in theory be split across
    /// records); more is `TrailingBytes`. Both map to `decode_error`.
    pub fn parse(input: &[u8]) -> Result<Self> {
        let mut r = Reader::framing(input);
        let level = AlertLevel::read(&mut r, "Alert.level")?;
        let description = AlertDescription::read(&mut r, "Alert.description")?;
        r.finish("Alert")?;
        Ok(Self { level, description })
    }

    /// Writes the 2 bytes.
    pub fn encode(&self, out: &mut impl BufMut) {
        self.level.encode(out);
        self.description.encode(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn fatal_handshake_failure() {
        let a = Alert::parse(&[2, 40]).unwrap();
        assert_eq!(a, Alert::fatal(AlertDescription::HandshakeFailure));
        let mut out = Vec::new();
        a.encode(&mut out);
        assert_eq!(out, [2, 40]);
    }

    #[test]
    fn rfc5246_7_2_alert_is_exactly_two_bytes() {
        assert_eq!(Alert::parse(&[2]).unwrap_err().kind(), ErrorKind::Truncated);
        let e = Alert::parse(&[2, 40, 0]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::TrailingBytes);
        assert_eq!(e.alert(), AlertDescription::DecodeError);
    }
}
