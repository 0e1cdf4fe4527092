//! The write side of the record layer: fragment, protect, frame (TLS 1.2 records, or TLS 1.3
//! records once a TLS 1.3 encrypter is installed).

use mtls_wire::record::RecordHeader;
use mtls_wire::{ContentType, ProtocolVersion};

use crate::error::RecordError;
use crate::limits::{HEADER_LEN, MAX_PLAINTEXT_LEN};
use crate::protection::RecordEncrypter;

/// Turns outgoing handshake messages, alerts, ChangeCipherSpec and application data into
/// records appended to a caller-owned buffer: fragments of at most the maximum fragment
/// length, sealed once [`RecordWriter::install_encrypter`] has been called.
pub struct RecordWriter {
    encrypter: Option<RecordEncrypter>,
    max_fragment_len: usize,
    version: ProtocolVersion,
}

impl Default for RecordWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl RecordWriter {
    /// A plaintext writer with 2^14-byte fragments and record version TLS 1.2.
    pub fn new() -> Self {
        Self {
            encrypter: None,
            max_fragment_len: MAX_PLAINTEXT_LEN,
            version: ProtocolVersion::TLSv1_2,
        }
    }

    /// Caps every record's plaintext at `len` bytes (clamped to 1..=2^14).
    pub fn set_max_fragment_len(&mut self, len: usize) {
        self.max_fragment_len = len.clamp(1, MAX_PLAINTEXT_LEN);
    }

    /// The record version to write (a client may send its first ClientHello as {3, 1}).
    pub fn set_version(&mut self, version: ProtocolVersion) {
        self.version = version;
    }

    /// Protects every later record with `encrypter`, right after our ChangeCipherSpec; the
    /// sequence number starts at zero (RFC 5246 6.1). TLS 1.3: install a new
    /// [`RecordEncrypter::tls13`] at every key change and KeyUpdate (RFC 8446 5.3, 4.6.3).
    pub fn install_encrypter(&mut self, encrypter: RecordEncrypter) {
        self.encrypter = Some(encrypter);
    }

    /// True when records are being sealed.
    pub fn is_protected(&self) -> bool {
        self.encrypter.is_some()
    }

    /// The most bytes [`RecordWriter::write`] appends for `payload_len` bytes of payload.
    pub fn max_output_len(&self, payload_len: usize) -> usize {
        let records = payload_len.div_ceil(self.max_fragment_len).max(1);
        let overhead = match &self.encrypter {
            Some(e) => e.prefix_len() + e.suffix_len(),
            None => HEADER_LEN,
        };
        payload_len + records * overhead
    }

    /// Appends `payload` to `out` as records of `typ`, fragmented and (once keys are in place)
    /// sealed. An empty payload writes nothing: zero-length handshake, alert and
    /// ChangeCipherSpec records are forbidden (RFC 5246 6.2.1).
    ///
    /// With a TLS 1.3 encrypter the records are TLS 1.3 ones (RFC 8446 5.2: outer type
    /// application_data, version {3, 3}, the type inside, no padding), except a
    /// ChangeCipherSpec: the middlebox-compatibility one is never protected (RFC 8446 5, D.4),
    /// so it goes out in plaintext and takes no sequence number.
    pub fn write(
        &mut self,
        typ: ContentType,
        payload: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), RecordError> {
        out.reserve(self.max_output_len(payload.len()));
        for fragment in payload.chunks(self.max_fragment_len) {
            match &mut self.encrypter {
                Some(e) if !(e.is_tls13() && typ == ContentType::ChangeCipherSpec) => {
                    e.seal_to(typ, self.version, fragment, out)?;
                }
                _ => {
                    let length =
                        u16::try_from(fragment.len()).map_err(|_| RecordError::SealFailed)?;
                    RecordHeader {
                        content_type: typ,
                        version: self.version,
                        length,
                    }
                    .encode(out);
                    out.extend_from_slice(fragment);
                }
            }
        }
        Ok(())
    }

    /// Direct access to the encrypter for zero-copy sealing into the caller's own buffer
    /// ([`RecordEncrypter::seal_in_place`]); `None` before keys are installed.
    pub fn encrypter_mut(&mut self) -> Option<&mut RecordEncrypter> {
        self.encrypter.as_mut()
    }

    /// The record version being written.
    pub fn version(&self) -> ProtocolVersion {
        self.version
    }
}
