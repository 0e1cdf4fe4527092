//! The extensions block of a message: of a ClientHello, ServerHello or
//! HelloRetryRequest (RFC 5246 7.4.1.2, 7.4.1.3; RFC 8446 4.1.2-4.1.4), where
//! it may be omitted, and of the TLS 1.3 messages that always carry one
//! (RFC 8446 4.3.1, 4.3.2, 4.4.2, 4.6.1).

use std::collections::BTreeSet;

use bytes::BufMut;

use super::{Extension, ExtensionContext};
use crate::codec::{Prefix, Reader, Result, items, put_prefixed};
use crate::enums::{ExtensionType, ProtocolVersion};
use crate::error::{ErrorKind, WireError};

/// An extensions block, remembering whether a hello's block was present at
/// all.
///
/// RFC 5246 7.4.1.2 lets a hello end right after compression_methods; that
/// is different on the wire (and in the transcript) from an empty block
/// `00 00`. `omitted` keeps the difference so that re-encoding is exact. The
/// blocks of EncryptedExtensions, CertificateRequest, a CertificateEntry and
/// a NewSessionTicket are never omitted; their messages write them even when
/// empty.
///
/// Parsing checks the rules every block obeys: no type twice (RFC 5246
/// 7.4.1.4, RFC 8446 4.2), each extension allowed in its message (RFC 8446
/// 4.2, [`ExtensionContext::allows`]), and in a ClientHello pre_shared_key
/// last (RFC 8446 4.2.11). A ServerHello that selects TLS 1.3 in
/// supported_versions is held to the whole SH column of RFC 8446 4.2
/// ([`ExtensionContext::tls13_allows`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Extensions {
    /// The extensions in wire order; no two of one type (RFC 5246 7.4.1.4).
    pub list: Vec<Extension>,
    /// The block was absent. Honoured by `encode` only when `list` is empty.
    pub omitted: bool,
}

impl Extensions {
    /// A present block holding `list`.
    pub fn new(list: Vec<Extension>) -> Self {
        Self {
            list,
            omitted: false,
        }
    }

    /// No block at all: the hello ends after compression_methods.
    pub fn omitted() -> Self {
        Self {
            list: Vec::new(),
            omitted: true,
        }
    }

    /// Parses `input` as the extensions of a message of kind `ctx`, filling
    /// it exactly.
    ///
    /// For a hello (ClientHello, ServerHello, HelloRetryRequest) `input` is
    /// the tail after compression_methods (or compression_method): empty input
    /// is an omitted block, otherwise a `uint16`-prefixed block. For the other
    /// messages it is the `uint16`-prefixed block, which must be there, with
    /// the bounds of that message (e.g. `<2..2^16-1>` in a CertificateRequest).
    pub fn parse(input: &[u8], ctx: ExtensionContext) -> Result<Self> {
        let mut r = Reader::delimited(input);
        let exts = Self::read(&mut r, ctx)?;
        r.finish(block_field(ctx))?;
        Ok(exts)
    }

    /// Reads the block of a message of kind `ctx` (see [`Extensions::parse`]).
    pub(crate) fn read(r: &mut Reader<'_>, ctx: ExtensionContext) -> Result<Self> {
        if ctx.is_hello() && r.is_empty() {
            return Ok(Self::omitted());
        }
        let (min, max) = bounds(ctx);
        let block = r.vector(Prefix::U16, min, max, block_field(ctx))?;
        let list = items(block, |r| Extension::read(r, ctx))?;
        // RFC 5246 7.4.1.4, RFC 8446 4.2: "There MUST NOT be more than one
        // extension of the same type." Checked over every type, known or
        // not. The set grows by one entry per extension, and each extension
        // took >= 4 bytes.
        let mut seen = BTreeSet::new();
        for ext in &list {
            if !seen.insert(ext.typ().to_u16()) {
                return Err(WireError::new(
                    block_field(ctx),
                    ErrorKind::DuplicateExtension,
                ));
            }
        }
        let exts = Self::new(list);
        match ctx {
            ExtensionContext::ClientHello => exts.check_psk_last()?,
            ExtensionContext::ServerHello
                if exts.selected_version() == Some(ProtocolVersion::TLSv1_3) =>
            {
                exts.check_tls13(ctx)?;
            }
            _ => {}
        }
        Ok(exts)
    }

    /// RFC 8446 4.2.11: "The "pre_shared_key" extension MUST be the last
    /// extension in the ClientHello".
    fn check_psk_last(&self) -> Result<()> {
        let position = self
            .list
            .iter()
            .position(|e| e.typ() == ExtensionType::PreSharedKey);
        match position {
            Some(i) if i + 1 != self.list.len() => Err(WireError::new(
                ExtensionContext::ClientHello.field(),
                ErrorKind::PreSharedKeyNotLast,
            )),
            _ => Ok(()),
        }
    }

    /// Every extension must be in the TLS 1.3 column of RFC 8446 4.2 for `ctx`.
    fn check_tls13(&self, ctx: ExtensionContext) -> Result<()> {
        match self.list.iter().find(|e| !ctx.tls13_allows(e.typ())) {
            Some(e) => Err(WireError::new(
                ctx.field(),
                ErrorKind::ExtensionNotAllowed {
                    extension_type: e.typ(),
                },
            )),
            None => Ok(()),
        }
    }

    /// Writes the block: nothing if omitted and empty, else the
    /// `uint16`-prefixed list.
    pub fn encode(&self, out: &mut impl BufMut) {
        if self.omitted && self.list.is_empty() {
            return;
        }
        self.encode_block(out, 0xffff);
    }

    /// Writes the `uint16`-prefixed list whatever `omitted` says, with the
    /// vector maximum `max` of the enclosing message.
    pub(crate) fn encode_block(&self, out: &mut impl BufMut, max: usize) {
        put_prefixed(out, Prefix::U16, max, |b| {
            for ext in &self.list {
                ext.encode(b);
            }
        });
    }

    /// The extension of type `typ`, if present.
    pub fn get(&self, typ: ExtensionType) -> Option<&Extension> {
        self.list.iter().find(|e| e.typ() == typ)
    }

    /// True when an extension of type `typ` is present.
    pub fn contains(&self, typ: ExtensionType) -> bool {
        self.get(typ).is_some()
    }

    /// The extensions in wire order.
    pub fn iter(&self) -> core::slice::Iter<'_, Extension> {
        self.list.iter()
    }

    /// Number of extensions.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// True when there are no extensions (block omitted or empty).
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// The `<min..max>` of the block in each message.
const fn bounds(ctx: ExtensionContext) -> (usize, usize) {
    match ctx {
        // RFC 8446 4.3.2: `Extension extensions<2..2^16-1>`.
        ExtensionContext::CertificateRequest => (2, 0xffff),
        // RFC 8446 4.6.1: `Extension extensions<0..2^16-2>`.
        ExtensionContext::NewSessionTicket => (0, 0xfffe),
        // RFC 5246 7.4.1.2, RFC 8446 4.3.1, 4.4.2. (RFC 8446 writes
        // `<8..2^16-1>` for a TLS 1.3 ClientHello and `<6..2^16-1>` for a
        // ServerHello; with the mandatory supported_versions those are met,
        // and whether it is there is the handshake's check.)
        _ => (0, 0xffff),
    }
}

/// The field named in the block's errors: `extensions` for a hello, as in
/// RFC 5246, `<Message>.extensions` for the others.
const fn block_field(ctx: ExtensionContext) -> &'static str {
    if ctx.is_hello() {
        "extensions"
    } else {
        ctx.field()
    }
}

impl<'a> IntoIterator for &'a Extensions {
    type Item = &'a Extension;
    type IntoIter = core::slice::Iter<'a, Extension>;

    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

impl From<Vec<Extension>> for Extensions {
    fn from(list: Vec<Extension>) -> Self {
        Self::new(list)
    }
}
