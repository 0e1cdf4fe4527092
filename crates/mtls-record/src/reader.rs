//! The read side of the record layer: deframe, open, reassemble, and hand out what arrived,
//! under the TLS 1.2 rules (RFC 5246 6) or the TLS 1.3 ones (RFC 8446 5,
//! [`RecordReader::set_tls13`]).

use mtls_wire::alert::Alert;
use mtls_wire::{ChangeCipherSpec, ContentType, ProtocolVersion};

use crate::deframer::Deframer;
use crate::error::RecordError;
use crate::joiner::HandshakeJoiner;
use crate::limits::HANDSHAKE_HEADER_LEN;
use crate::limits::MAX_CONSECUTIVE_EMPTY_RECORDS;
use crate::protection::RecordDecrypter;

/// What the peer sent, in the order it sent it.
#[derive(Debug, PartialEq, Eq)]
pub enum Inbound<'a> {
    /// One whole handshake message, 4-byte header included, exactly as received: ready for
    /// `mtls_wire::handshake::HandshakeMessage::parse` and for the transcript hash.
    Handshake(&'a [u8]),
    /// A ChangeCipherSpec (RFC 5246 7.1). The reader now waits for
    /// [`RecordReader::install_decrypter`] before it reads any further record.
    ///
    /// In TLS 1.3 mode ([`RecordReader::set_tls13`]) it is the middlebox-compatibility one
    /// (RFC 8446 5, D.4): a plaintext record holding the single byte 1, handed up without any
    /// change to the read protection; whether one may come here is the handshake's decision.
    ChangeCipherSpec,
    /// An alert (RFC 5246 7.2).
    Alert(Alert),
    /// Decrypted application data (never empty).
    ApplicationData(&'a [u8]),
}

/// Read-side state of the protection: the peer's keys change at ChangeCipherSpec (TLS 1.2) or
/// when the caller installs new ones (TLS 1.3).
enum ReadProtection {
    /// Before the peer's ChangeCipherSpec: records are plaintext (RFC 5246 6.1: the initial
    /// state is TLS_NULL_WITH_NULL_NULL).
    Plaintext,
    /// ChangeCipherSpec was handed out; the caller must install the keys it implies.
    AwaitingKeys,
    /// Records are AEAD-protected (TLS 1.2 or TLS 1.3 records, as the decrypter says).
    Protected(Box<RecordDecrypter>),
}

/// Turns bytes from the peer into [`Inbound`] events: deframing, decryption and handshake
/// reassembly, with every RFC 5246 section 6 check on the way, or every RFC 8446 section 5
/// one in TLS 1.3 mode ([`RecordReader::set_tls13`], [`RecordReader::install_tls13_decrypter`]).
///
/// No allocation per record once running: records are opened in place in the deframer's
/// one-record buffer and application data is handed out as a slice of it. So are handshake
/// messages that lie whole inside one record (the usual case; rustls does the same): only a
/// message that spans records is copied, into the [`HandshakeJoiner`].
pub struct RecordReader {
    deframer: Deframer,
    joiner: HandshakeJoiner,
    protection: ReadProtection,
    /// Once set (after ServerHello), every record must carry exactly this version.
    expected_version: Option<ProtocolVersion>,
    empty_records: u32,
    /// Where the application data handed out by the last `next_event` lies in the receive
    /// buffer, while nothing has moved it (see [`RecordReader::last_application_data`]).
    last_application_data: Option<std::ops::Range<usize>>,
    /// The part of the current handshake record not yet handed out, in the receive buffer.
    handshake_record: std::ops::Range<usize>,
    /// TLS 1.3 record rules (RFC 8446 5): see [`RecordReader::set_tls13`].
    tls13: bool,
    /// Bytes of early data still to skip: see [`RecordReader::skip_early_data`].
    early_data_budget: usize,
    /// TLS 1.2: a ChangeCipherSpec was handed out and no handshake record has come since;
    /// the Finished is due, and no application data may come first (RFC 5246 7.1).
    finished_due: bool,
    /// TLS 1.3: a protected record from the peer has been opened; from then on a plaintext
    /// alert is refused (see [`RecordReader::tls13_plaintext_alert`]).
    opened_protected: bool,
}

impl Default for RecordReader {
    fn default() -> Self {
        Self::new()
    }
}

/// An event found by [`RecordReader::next_event`], as positions, so that the borrow of the
/// buffers is taken once at the end.
enum Found {
    /// A message joined from several records, in the joiner's buffer.
    Handshake(std::ops::Range<usize>),
    /// A message lying whole in one record, in the receive buffer.
    HandshakeInRecord(std::ops::Range<usize>),
    ApplicationData(std::ops::Range<usize>),
    ChangeCipherSpec,
    Alert(Alert),
}

impl RecordReader {
    /// A reader in the initial plaintext state with the default handshake message caps:
    /// a ClientHello as large as its fields allow
    /// ([`MAX_CLIENT_HELLO_LEN`](crate::MAX_CLIENT_HELLO_LEN), RFC 5246 7.4.1.2; beyond it
    /// [`RecordError::ClientHelloTooLarge`], `decode_error`), every other message
    /// [`DEFAULT_MAX_HANDSHAKE_MESSAGE_LEN`](crate::DEFAULT_MAX_HANDSHAKE_MESSAGE_LEN)
    /// ([`RecordError::HandshakeMessageTooLarge`], `illegal_parameter`). Both are refused
    /// from the message's 4-byte header.
    pub fn new() -> Self {
        Self::with_joiner(HandshakeJoiner::default())
    }

    /// A reader that refuses handshake messages longer than `max` bytes, header included,
    /// whatever their type (ClientHello included).
    pub fn with_max_handshake_message_len(max: usize) -> Self {
        Self::with_joiner(HandshakeJoiner::new(max))
    }

    fn with_joiner(joiner: HandshakeJoiner) -> Self {
        Self {
            deframer: Deframer::new(),
            joiner,
            protection: ReadProtection::Plaintext,
            expected_version: None,
            empty_records: 0,
            last_application_data: None,
            handshake_record: 0..0,
            tls13: false,
            early_data_budget: 0,
            finished_due: false,
            opened_protected: false,
        }
    }

    /// Offers bytes from the peer; returns how many were taken (at most one record's worth
    /// beyond what is buffered). Offer the rest after taking events out.
    pub fn push(&mut self, data: &[u8]) -> usize {
        self.last_application_data = None;
        self.spill_handshake_record();
        self.deframer.push(data)
    }

    /// Reads once from `rd` into the receive buffer. `Ok(0)` means end of stream only when
    /// [`RecordReader::has_space`] was true before the call.
    pub fn read_from(&mut self, rd: &mut dyn std::io::Read) -> std::io::Result<usize> {
        self.last_application_data = None;
        self.spill_handshake_record();
        self.deframer.read_from(rd)
    }

    /// True when the receive buffer can take more bytes (false: take events out first).
    pub fn has_space(&mut self) -> bool {
        // Making room may move buffered bytes.
        self.last_application_data = None;
        self.spill_handshake_record();
        !self.deframer.space().is_empty()
    }

    /// Frees the receive and reassembly buffers if they hold nothing, e.g. once the handshake
    /// is over, so that an idle connection keeps no buffer; the next read allocates again.
    pub fn release_idle_buffers(&mut self) {
        self.last_application_data = None;
        self.spill_handshake_record();
        self.deframer.release_if_empty();
        self.joiner.release_if_empty();
    }

    /// Shrinks the receive buffer to the bytes it holds ([`Deframer::fit`]): call it after
    /// each read while handshaking, so that the room a read offered and the flight did not use
    /// is not held while the flight is processed. The next read grows the buffer again.
    pub fn fit_receive_buffer(&mut self) {
        self.last_application_data = None;
        self.spill_handshake_record();
        self.deframer.fit();
    }

    /// Requires every further record to carry `version` (call once the version is negotiated;
    /// RFC 5246 Appendix E.1 allows other values only in the first ClientHello records).
    /// Not applied in TLS 1.3 mode, where the record version is ignored (RFC 8446 5.1).
    pub fn set_expected_version(&mut self, version: ProtocolVersion) {
        self.expected_version = Some(version);
    }

    /// Installs the peer's new keys after a ChangeCipherSpec; the sequence number restarts at
    /// zero (RFC 5246 6.1). For TLS 1.3 keys use [`RecordReader::install_tls13_decrypter`],
    /// which also checks that no handshake message spans the key change (given TLS 1.3 keys,
    /// this one turns TLS 1.3 mode on but does not check).
    pub fn install_decrypter(&mut self, decrypter: RecordDecrypter) {
        if decrypter.is_tls13() {
            self.set_tls13(true);
        }
        self.protection = ReadProtection::Protected(Box::new(decrypter));
    }

    /// Turns the TLS 1.3 record rules on (RFC 8446 5) or off; call it as soon as TLS 1.3 is
    /// known to be the version (the client on the ServerHello or HelloRetryRequest, the server
    /// once it chose it), before the peer's compatibility ChangeCipherSpec can arrive.
    /// [`RecordReader::install_tls13_decrypter`] turns it on too.
    ///
    /// In TLS 1.3 mode:
    /// - the record version is not checked (RFC 8446 5.1), whatever
    ///   [`RecordReader::set_expected_version`] said;
    /// - a plaintext change_cipher_spec record must be the single byte 1 and is handed up as
    ///   [`Inbound::ChangeCipherSpec`] with no change of keys (RFC 8446 5, D.4); anything else
    ///   in it is [`RecordError::UnexpectedChangeCipherSpec`];
    /// - with TLS 1.3 keys installed, every other record must be protected application_data
    ///   of at most 2^14 + 256 bytes (RFC 8446 5.2) whose inner plaintext is at most
    ///   2^14 + 1 (5.4); the inner type decides what the content is; a protected
    ///   change_cipher_spec or empty handshake or alert content is `unexpected_message`;
    ///   empty application data is skipped (5.4), within the cap on empty records;
    /// - the one exception: until a protected record from the peer has opened, a plaintext
    ///   two-byte alert is handed up as [`Inbound::Alert`] (a peer that failed before it had
    ///   keys, RFC 8446 6).
    pub fn set_tls13(&mut self, on: bool) {
        self.tls13 = on;
        self.deframer.set_tls13(on);
    }

    /// A TLS 1.3 server that declined the client's early data (RFC 8446 4.2.10) skips it:
    /// application_data records before any read key is installed (early data sent before
    /// a HelloRetryRequest's second ClientHello), and protected records that do not open
    /// with the new read keys, up to `budget` bytes of records in all; the first record that
    /// opens ends the skipping. Beyond the budget, an unopened record is `bad_record_mac`.
    pub fn skip_early_data(&mut self, budget: usize) {
        self.early_data_budget = budget;
    }

    /// True when the TLS 1.3 record rules are on.
    pub fn is_tls13(&self) -> bool {
        self.tls13
    }

    /// True when a handshake message is partly received, or the record being read still holds
    /// handshake messages not handed out: new keys now would make a message span the key
    /// change (RFC 8446 5.1). Check it before asking the handshake for the next read keys;
    /// [`RecordReader::install_tls13_decrypter`] checks it too.
    pub fn handshake_pending(&mut self) -> bool {
        !self.handshake_record.is_empty() || self.joiner.buffered() > 0
    }

    /// Installs the peer's TLS 1.3 traffic keys ([`RecordDecrypter::tls13`]): the handshake
    /// keys after the ServerHello, the application keys after the Finished, the next
    /// generation after a KeyUpdate. The sequence number restarts at zero (RFC 8446 5.3) and
    /// TLS 1.3 mode is on from here.
    ///
    /// Refuses, installing nothing, with [`RecordError::HandshakeSpansKeyChange`]
    /// (`unexpected_message`) while [`RecordReader::handshake_pending`] (RFC 8446 5.1:
    /// "Handshake messages MUST NOT span key changes"), and with
    /// [`RecordError::ProtectionMismatch`] given TLS 1.2 keys.
    pub fn install_tls13_decrypter(
        &mut self,
        decrypter: RecordDecrypter,
    ) -> Result<(), RecordError> {
        if !decrypter.is_tls13() {
            return Err(RecordError::ProtectionMismatch);
        }
        if self.handshake_pending() {
            return Err(RecordError::HandshakeSpansKeyChange);
        }
        self.set_tls13(true);
        self.protection = ReadProtection::Protected(Box::new(decrypter));
        Ok(())
    }

    /// True when records are being decrypted.
    pub fn is_protected(&self) -> bool {
        matches!(self.protection, ReadProtection::Protected(_))
    }

    /// Bytes received but not yet handed out (records and partial handshake messages).
    pub fn buffered(&mut self) -> usize {
        self.deframer.buffered() + self.handshake_record.len() + self.joiner.buffered()
    }

    /// The next event, or `None` when more bytes are needed. After an error the connection
    /// is dead: send [`RecordError::alert`] and stop.
    pub fn next_event(&mut self) -> Result<Option<Inbound<'_>>, RecordError> {
        self.last_application_data = None;
        let found = self.find_next()?;
        Ok(found.map(|f| match f {
            Found::Handshake(r) => Inbound::Handshake(self.joiner.buffer().get(r).unwrap_or(&[])),
            Found::HandshakeInRecord(r) => {
                Inbound::Handshake(self.deframer.buffer().get(r).unwrap_or(&[]))
            }
            Found::ApplicationData(r) => {
                self.last_application_data = Some(r.clone());
                Inbound::ApplicationData(self.deframer.buffer().get(r).unwrap_or(&[]))
            }
            Found::ChangeCipherSpec => Inbound::ChangeCipherSpec,
            Found::Alert(a) => Inbound::Alert(a),
        }))
    }

    /// The application data that the last [`next_event`](Self::next_event) handed out, still
    /// in place in the receive buffer; `None` once any call that takes bytes in, makes room
    /// or reads the next event may have moved it.
    ///
    /// This lets a caller keep decrypted data where it was decrypted and hand it to the
    /// application from there, instead of copying every record into a queue of its own: the
    /// copy costs about 2% of bulk throughput (mtls-bench, docs/BENCHMARKS.md).
    pub fn last_application_data(&self) -> Option<&[u8]> {
        let r = self.last_application_data.clone()?;
        self.deframer.buffer().get(r)
    }

    /// True when bytes past the last handed-out record are buffered (a further record, or a
    /// part of one), i.e. when [`next_event`](Self::next_event) may have more to say.
    pub fn has_unread_bytes(&mut self) -> bool {
        self.deframer.buffered() + self.handshake_record.len() + self.joiner.buffered() > 0
    }

    /// The next message lying whole in the current handshake record; `None` after moving a
    /// trailing partial message into the joiner.
    fn next_message_in_record(&mut self) -> Result<Option<std::ops::Range<usize>>, RecordError> {
        let r = self.handshake_record.clone();
        let rest = self.deframer.buffer().get(r.clone()).unwrap_or_default();
        if let Some(&[typ, a, b, c]) = rest.get(..HANDSHAKE_HEADER_LEN) {
            // The caps apply as in the joiner: from the header, before anything else.
            let len = self.joiner.check_header([typ, a, b, c])?;
            if len <= rest.len() {
                self.handshake_record.start += len;
                return Ok(Some(r.start..r.start + len));
            }
        }
        self.handshake_record = 0..0;
        self.joiner.push(rest)?;
        Ok(None)
    }

    /// Moves what is left of the current handshake record into the joiner, before the receive
    /// buffer's bytes may move. Only when a caller stops taking events in the middle of a
    /// record; any error surfaces at the next [`next_event`](Self::next_event).
    fn spill_handshake_record(&mut self) {
        if self.handshake_record.is_empty() {
            return;
        }
        let r = std::mem::replace(&mut self.handshake_record, 0..0);
        let rest = self.deframer.buffer().get(r).unwrap_or_default();
        self.joiner.push_unchecked(rest);
    }

    fn find_next(&mut self) -> Result<Option<Found>, RecordError> {
        loop {
            // Whole handshake messages already joined go out before the next record is read,
            // so that events keep the order of the wire.
            if let Some(r) = self.joiner.next_message()? {
                return Ok(Some(Found::Handshake(r)));
            }
            if !self.handshake_record.is_empty() {
                if let Some(r) = self.next_message_in_record()? {
                    return Ok(Some(Found::HandshakeInRecord(r)));
                }
                // The rest began a message that continues in the next record: it went to the
                // joiner.
                continue;
            }
            let protected = match self.protection {
                ReadProtection::Plaintext => false,
                ReadProtection::Protected(_) => true,
                ReadProtection::AwaitingKeys => {
                    if self.deframer.is_empty() {
                        return Ok(None);
                    }
                    return Err(RecordError::KeysNotInstalled);
                }
            };
            // Early data is ciphertext even while this side reads plaintext (RFC 8446 4.2.10).
            let skipping = self.early_data_budget > 0;
            let Some(span) = self.deframer.next_record(protected || skipping)? else {
                return Ok(None);
            };
            let header = span.header;
            if skipping && !protected && header.content_type == ContentType::ApplicationData {
                if skip_early_record(&mut self.early_data_budget, span.fragment.len()) {
                    continue;
                }
                return Err(RecordError::BadRecordMac);
            }
            if self.tls13 {
                if header.content_type == ContentType::ChangeCipherSpec {
                    return self.tls13_change_cipher_spec(span.fragment);
                }
                if protected && !self.opened_protected && header.content_type == ContentType::Alert
                {
                    return self.tls13_plaintext_alert(span.fragment);
                }
            } else if let Some(v) = self.expected_version
                && header.version != v
            {
                return Err(RecordError::BadVersion(header.version.to_u16()));
            }

            let buf = self.deframer.buffer_mut();
            // The content type: the header's, or in TLS 1.3 the inner one.
            let mut inner_type = false;
            let (typ, fragment) = match &mut self.protection {
                ReadProtection::Protected(d) => {
                    let Some(frag) = buf.get_mut(span.fragment.clone()) else {
                        return Err(RecordError::BadRecordMac);
                    };
                    let (typ, inner) = if d.is_tls13() {
                        let (typ, inner) = match d.open_tls13_in_place(header, frag) {
                            Ok(opened) => {
                                self.early_data_budget = 0;
                                self.opened_protected = true;
                                opened
                            }
                            Err(RecordError::BadRecordMac)
                                if skip_early_record(
                                    &mut self.early_data_budget,
                                    span.fragment.len(),
                                ) =>
                            {
                                continue;
                            }
                            Err(e) => return Err(e),
                        };
                        // RFC 8446 5: "receives a protected change_cipher_spec record".
                        if typ == ContentType::ChangeCipherSpec {
                            return Err(RecordError::UnexpectedChangeCipherSpec);
                        }
                        inner_type = true;
                        (typ, inner)
                    } else {
                        let inner = d.open_in_place(header.content_type, header.version, frag)?;
                        (header.content_type, inner)
                    };
                    let at = span.fragment.start;
                    (typ, at + inner.start..at + inner.end)
                }
                _ => (header.content_type, span.fragment.clone()),
            };
            let plaintext = self.deframer.buffer().get(fragment.clone()).unwrap_or(&[]);

            // RFC 5246 7.1: the Finished comes right after the ChangeCipherSpec; an
            // application_data record there, even an empty one (skipped anywhere else), is
            // refused.
            if self.finished_due && typ == ContentType::ApplicationData {
                return Err(RecordError::ApplicationDataBeforeFinished);
            }
            if plaintext.is_empty() {
                if typ != ContentType::ApplicationData {
                    if inner_type {
                        // RFC 8446 5.1: no zero-length handshake fragment, even padded; an
                        // alert is two bytes.
                        return Err(RecordError::EmptyProtectedFragment(typ.to_u8()));
                    }
                    return Err(RecordError::EmptyRecord);
                }
                // Empty application data is legal (a traffic-analysis countermeasure), but each
                // costs a decryption; cap a run of them.
                self.empty_records += 1;
                if self.empty_records > MAX_CONSECUTIVE_EMPTY_RECORDS {
                    return Err(RecordError::TooManyEmptyRecords);
                }
                if !protected {
                    return Err(RecordError::UnprotectedApplicationData);
                }
                continue;
            }
            self.empty_records = 0;

            if typ != ContentType::Handshake && self.joiner.has_partial() {
                return Err(RecordError::InterleavedRecord);
            }
            match typ {
                ContentType::Handshake => {
                    self.finished_due = false;
                    if self.joiner.has_partial() {
                        self.joiner.push(plaintext)?;
                    } else {
                        // Messages are taken out of the record where they lie.
                        self.handshake_record = fragment;
                    }
                }
                ContentType::ChangeCipherSpec => {
                    ChangeCipherSpec::parse(plaintext)?;
                    self.protection = ReadProtection::AwaitingKeys;
                    self.finished_due = true;
                    return Ok(Some(Found::ChangeCipherSpec));
                }
                ContentType::Alert => {
                    // RFC 5246 7.2: an alert is exactly two bytes; any other length is
                    // decode_error (Alert::parse refuses it).
                    return Ok(Some(Found::Alert(Alert::parse(plaintext)?)));
                }
                ContentType::ApplicationData => {
                    if !protected {
                        return Err(RecordError::UnprotectedApplicationData);
                    }
                    return Ok(Some(Found::ApplicationData(fragment)));
                }
                other => return Err(RecordError::UnknownContentType(other.to_u8())),
            }
        }
    }

    /// A plaintext change_cipher_spec record in TLS 1.3 mode (RFC 8446 5): exactly the byte 1,
    /// handed up with the keys left as they are.
    fn tls13_change_cipher_spec(
        &mut self,
        fragment: std::ops::Range<usize>,
    ) -> Result<Option<Found>, RecordError> {
        if self.deframer.buffer().get(fragment) != Some(&[1u8][..]) {
            return Err(RecordError::UnexpectedChangeCipherSpec);
        }
        if self.joiner.has_partial() {
            return Err(RecordError::InterleavedRecord);
        }
        Ok(Some(Found::ChangeCipherSpec))
    }

    /// A plaintext alert in TLS 1.3 mode after keys are installed, while no protected record
    /// from the peer has been opened. RFC 8446 6 protects an alert "as specified by the
    /// current connection state", and a client that fails on the ServerHello has no keys yet:
    /// its alert comes in plaintext after the server has installed the client's handshake
    /// key. Taken if it is one two-byte alert; anything else is `unexpected_message` (5.2).
    fn tls13_plaintext_alert(
        &mut self,
        fragment: std::ops::Range<usize>,
    ) -> Result<Option<Found>, RecordError> {
        let bytes = self.deframer.buffer().get(fragment).unwrap_or_default();
        if bytes.len() != 2 {
            return Err(RecordError::UnexpectedOuterType(ContentType::Alert.to_u8()));
        }
        if self.joiner.has_partial() {
            return Err(RecordError::InterleavedRecord);
        }
        Ok(Some(Found::Alert(Alert::parse(bytes)?)))
    }
}

/// Takes a skipped early record of `len` bytes from `budget` (RFC 8446 4.2.10); false, and
/// nothing taken, when the budget is spent or was never set.
fn skip_early_record(budget: &mut usize, len: usize) -> bool {
    match budget.checked_sub(len) {
        Some(left) if *budget > 0 => {
            *budget = left;
            true
        }
        _ => false,
    }
}
