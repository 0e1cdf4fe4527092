//! The gate's walk through the table: where a handshake is, and which kinds remain.

use super::{Fact, Kind, Msg, Side, Step};

/// Where a handshake is in the table: a position and the kinds still possible.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flow {
    pos: usize,
    candidates: u32,
}

impl Default for Flow {
    fn default() -> Self {
        Self::new()
    }
}

/// What a [`Flow`] says about the next step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// It is our turn to send this message.
    Send(Msg),
    /// We wait for the peer.
    Receive,
    /// The handshake is complete.
    Done,
    /// The kinds that remain disagree on the next step: a fact was not reported. A bug,
    /// never a choice.
    Undecided,
}

impl Flow {
    /// The start of every handshake: all kinds possible (both versions; the post-handshake
    /// exchanges are not handshakes).
    pub const fn new() -> Self {
        Self {
            pos: 0,
            candidates: Self::set(false),
        }
    }

    /// The start of a post-handshake authentication (RFC 8446 4.6.2): the server's
    /// CertificateRequest comes first.
    pub const fn post_handshake_auth() -> Self {
        Self {
            pos: 0,
            candidates: Self::set(true),
        }
    }

    /// One bit per kind (`Kind as u32` is its index in `Kind::ALL`): the handshakes, or the
    /// post-handshake exchanges.
    #[allow(clippy::indexing_slicing)] // `i < Kind::ALL.len()`: a const loop cannot iterate
    const fn set(post_handshake: bool) -> u32 {
        let mut bits = 0u32;
        let mut i = 0;
        while i < Kind::ALL.len() {
            let kind = Kind::ALL[i];
            if kind.is_post_handshake() == post_handshake {
                bits |= kind.bit();
            }
            i += 1;
        }
        bits
    }

    fn kinds(&self) -> impl Iterator<Item = Kind> + '_ {
        Kind::ALL
            .into_iter()
            .filter(|k| self.candidates & k.bit() != 0)
    }

    /// The kinds still possible.
    pub fn candidates(&self) -> Vec<Kind> {
        self.kinds().collect()
    }

    /// The kind of this handshake, once only one remains.
    pub fn kind(&self) -> Option<Kind> {
        let mut kinds = self.kinds();
        match (kinds.next(), kinds.next()) {
            (Some(k), None) => Some(k),
            _ => None,
        }
    }

    /// Steps taken so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Keeps only the kinds consistent with what a handler learned. A fact that no remaining
    /// kind admits is a bug in the caller, reported as `false`.
    #[must_use]
    pub fn learn(&mut self, fact: Fact) -> bool {
        self.narrow(|k| fact.admits(k))
    }

    /// True while some remaining kind still has a client CertificateVerify ahead: until
    /// then the transcript must keep what a CertificateVerify signs (RFC 5246 7.4.8).
    pub fn certificate_verify_ahead(&self) -> bool {
        let cv = Step {
            from: Side::Client,
            msg: Msg::CertificateVerify,
        };
        self.kinds().any(|k| {
            k.sequence()
                .get(self.pos..)
                .is_some_and(|rest| rest.contains(&cv))
        })
    }

    /// Keeps only the kinds for which `keep` holds; never narrows to nothing (`false`).
    #[must_use]
    fn narrow(&mut self, keep: impl Fn(Kind) -> bool) -> bool {
        let narrowed = Kind::ALL
            .into_iter()
            .filter(|k| self.candidates & k.bit() != 0 && keep(*k))
            .fold(0u32, |acc, k| acc | k.bit());
        if narrowed == 0 {
            return false;
        }
        self.candidates = narrowed;
        true
    }

    /// What the table says `me` does next. Every remaining kind must say the same thing
    /// (finish, wait for the peer, or send one message); otherwise [`Next::Undecided`].
    pub fn next(&self, me: Side) -> Next {
        let mut answer = None;
        for kind in self.kinds() {
            let here = match kind.sequence().get(self.pos) {
                None => Next::Done,
                Some(step) if step.from == me => Next::Send(step.msg),
                // Waiting is the same answer whatever the peer's next message may be.
                Some(_) => Next::Receive,
            };
            match answer {
                None => answer = Some(here),
                Some(a) if a == here => {}
                Some(_) => return Next::Undecided,
            }
        }
        answer.unwrap_or(Next::Undecided)
    }

    /// The messages the peer may send now (for error messages).
    pub fn expected(&self) -> Vec<Step> {
        let mut out: Vec<Step> = Vec::new();
        for kind in self.kinds() {
            if let Some(step) = kind.sequence().get(self.pos)
                && !out.contains(step)
            {
                out.push(*step);
            }
        }
        out
    }

    /// Takes `step` if some remaining kind has it here: narrows to those kinds and advances.
    /// `false` means the step is out of sequence.
    #[must_use]
    pub fn advance(&mut self, step: Step) -> bool {
        let pos = self.pos;
        if !self.narrow(|k| k.sequence().get(pos) == Some(&step)) {
            return false;
        }
        self.pos += 1;
        true
    }
}
