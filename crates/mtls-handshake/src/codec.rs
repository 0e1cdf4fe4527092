//! The byte formats of a session: the pieces that the ticket plaintext ([`crate::ticket`])
//! and a client's persisted session ([`StoredSession::to_bytes`]) share, written and read
//! with every length checked.

use mtls_prf::{MASTER_SECRET_LEN, MasterSecret};
use mtls_wire::CipherSuite;
use zeroize::Zeroizing;

use crate::certs::CertificateDer;
use crate::session::{StoredSession, Tls13Session};

/// Writes a name as a u8 length and its bytes (0: none); `None` if longer than 255 bytes.
pub(crate) fn put_name(out: &mut Vec<u8>, name: Option<&str>) -> Option<()> {
    let name = name.unwrap_or_default().as_bytes();
    out.push(u8::try_from(name.len()).ok()?);
    out.extend_from_slice(name);
    Some(())
}

/// Writes a chain as a u16 count, then each certificate as a u24 length and its DER.
pub(crate) fn put_chain(out: &mut Vec<u8>, chain: &[CertificateDer<'static>]) -> Option<()> {
    out.extend_from_slice(&u16::try_from(chain.len()).ok()?.to_be_bytes());
    for cert in chain {
        let len = u32::try_from(cert.len()).ok().filter(|l| *l < 1 << 24)?;
        out.extend_from_slice(len.to_be_bytes().get(1..)?);
        out.extend_from_slice(cert);
    }
    Some(())
}

/// Reads front to back; every read is checked and `None` past the end.
pub(crate) struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self(bytes)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Some(head)
    }

    pub(crate) fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }

    pub(crate) fn u16(&mut self) -> Option<u16> {
        Some(u16::from_be_bytes(self.take(2)?.try_into().ok()?))
    }

    pub(crate) fn u32(&mut self) -> Option<u32> {
        Some(u32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }

    pub(crate) fn u64(&mut self) -> Option<u64> {
        Some(u64::from_be_bytes(self.take(8)?.try_into().ok()?))
    }

    /// A byte that must be 0 or 1.
    pub(crate) fn flag(&mut self) -> Option<bool> {
        match self.u8()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    pub(crate) fn master_secret(&mut self) -> Option<MasterSecret> {
        let bytes: [u8; MASTER_SECRET_LEN] = self.take(MASTER_SECRET_LEN)?.try_into().ok()?;
        Some(MasterSecret::from_bytes(bytes))
    }

    /// What [`put_name`] wrote: a UTF-8 name, or none.
    pub(crate) fn name(&mut self) -> Option<Option<String>> {
        let len = usize::from(self.u8()?);
        if len == 0 {
            return Some(None);
        }
        String::from_utf8(self.take(len)?.to_vec()).ok().map(Some)
    }

    /// What [`put_chain`] wrote.
    pub(crate) fn chain(&mut self) -> Option<Vec<CertificateDer<'static>>> {
        let count = self.u16()?;
        let mut chain = Vec::new();
        for _ in 0..count {
            let [a, b, c]: [u8; 3] = self.take(3)?.try_into().ok()?;
            let len = usize::from(a) << 16 | usize::from(b) << 8 | usize::from(c);
            chain.push(CertificateDer::from(self.take(len)?.to_vec()));
        }
        Some(chain)
    }
}

/// The first bytes of a persisted client session.
const CLIENT_SESSION_MAGIC: &[u8; 8] = b"mtls-cs2";

impl StoredSession {
    /// The session as bytes, so that a client can keep it across restarts (with
    /// [`from_bytes`](Self::from_bytes)). They hold the master secret or the ticket's PSK:
    /// store them as you would a private key.
    ///
    /// The format (version 2, named by the first 8 bytes, `mtls-cs2`): the identity digest
    /// the session is bound to (32 bytes, [`ClientConfig::session_identity`](crate::ClientConfig::session_identity)),
    /// the session id (u8 length), suite, EMS flag, master secret (zeros for TLS 1.3), start
    /// time, the SNI name, the ticket (u16 length, 0: none), the server's chain, then a flag
    /// and for TLS 1.3 the PSK (u8 length), the ticket's issue time, lifetime and age_add
    /// and the ALPN protocol (u8 length, 0: none). Later versions of mtls read version 2 or
    /// refuse it (`None`: the client then makes a full handshake); they never misread it.
    /// Version 1 (TLS 1.2 only, unbound) is refused.
    ///
    /// `None` for a session that is not bound to an identity digest: one made with a
    /// certificate resolver or server verifier that names none
    /// ([`ResolvesClientCert::identity_chains`](crate::certs::ResolvesClientCert::identity_chains),
    /// [`ServerCertVerifier::policy_digest`](crate::certs::ServerCertVerifier::policy_digest)),
    /// which no other process could tell apart from another identity's.
    pub fn to_bytes(&self) -> Option<Zeroizing<Vec<u8>>> {
        let identity = self.bound_to()?;
        let mut out = Zeroizing::new(Vec::with_capacity(
            192 + self.peer_chain_len() + self.ticket().map_or(0, <[u8]>::len),
        ));
        out.extend_from_slice(CLIENT_SESSION_MAGIC);
        out.extend_from_slice(&identity);
        out.push(u8::try_from(self.session_id.len()).ok()?);
        out.extend_from_slice(&self.session_id);
        out.extend_from_slice(&self.suite.to_u16().to_be_bytes());
        out.push(u8::from(self.extended_master_secret));
        out.extend_from_slice(self.master_secret().as_bytes());
        out.extend_from_slice(&self.created.to_be_bytes());
        put_name(&mut out, self.server_name.as_deref())?;
        let ticket = self.ticket().unwrap_or_default();
        out.extend_from_slice(&u16::try_from(ticket.len()).ok()?.to_be_bytes());
        out.extend_from_slice(ticket);
        put_chain(&mut out, &self.peer_certificates)?;
        match self.tls13() {
            None => out.push(0),
            Some(t) => {
                out.push(1);
                out.push(u8::try_from(t.psk().len()).ok()?);
                out.extend_from_slice(t.psk());
                out.extend_from_slice(&t.issued.to_be_bytes());
                out.extend_from_slice(&t.lifetime.to_be_bytes());
                out.extend_from_slice(&t.age_add.to_be_bytes());
                let alpn = t.alpn.as_deref().unwrap_or_default();
                out.push(u8::try_from(alpn.len()).ok()?);
                out.extend_from_slice(alpn);
            }
        }
        Some(out)
    }

    /// A session written by [`to_bytes`](Self::to_bytes), bound to the identity it was
    /// written with; `None` for anything else.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let mut r = Cursor::new(bytes);
        if r.take(CLIENT_SESSION_MAGIC.len())? != CLIENT_SESSION_MAGIC {
            return None;
        }
        let identity: [u8; 32] = r.take(32)?.try_into().ok()?;
        let id_len = usize::from(r.u8()?);
        let session_id = r.take(id_len)?.to_vec();
        let suite = CipherSuite::from(r.u16()?);
        let ems = r.flag()?;
        let master = r.master_secret()?;
        let created = r.u64()?;
        let server_name = r.name()?;
        let ticket_len = usize::from(r.u16()?);
        let ticket = r.take(ticket_len)?.to_vec();
        let chain = r.chain()?;
        let tls13 = if r.flag()? {
            let psk_len = usize::from(r.u8()?);
            let psk = Zeroizing::new(r.take(psk_len)?.to_vec());
            let (issued, lifetime, age_add) = (r.u64()?, r.u32()?, r.u32()?);
            let alpn_len = usize::from(r.u8()?);
            let alpn = (alpn_len > 0).then(|| r.take(alpn_len).map(<[u8]>::to_vec));
            let alpn = alpn.map_or(Some(None), |a| a.map(Some))?;
            if !(32..=48).contains(&psk_len) || ticket.is_empty() || !session_id.is_empty() {
                return None;
            }
            Some(Tls13Session::new(&psk, issued, lifetime, age_add, alpn))
        } else {
            None
        };
        if !r.is_empty() || id_len > 32 {
            return None;
        }
        let session = match tls13 {
            Some(t) => Self::new13(suite, chain, server_name, created, t),
            None => Self::new(session_id, suite, &master, ems, chain, server_name, created),
        };
        let session = if ticket.is_empty() {
            session
        } else {
            session.with_ticket(ticket)
        };
        Some(session.bind_to(identity))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn session() -> StoredSession {
        StoredSession::new(
            vec![7; 32],
            CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            &MasterSecret::from_bytes([3; MASTER_SECRET_LEN]),
            true,
            vec![
                CertificateDer::from(vec![1, 2, 3]),
                CertificateDer::from(vec![4; 300]),
            ],
            Some("localhost".into()),
            1_800_000_000,
        )
        .with_ticket(vec![9; 200])
        .bind_to([5; 32])
    }

    fn session13() -> StoredSession {
        StoredSession::new13(
            CipherSuite::from(0x1302),
            vec![CertificateDer::from(vec![4; 300])],
            Some("localhost".into()),
            1_800_000_000,
            Tls13Session::new(
                &[8; 48],
                1_800_000_100,
                7200,
                0xdead_beef,
                Some(b"h2".to_vec()),
            ),
        )
        .with_ticket(vec![9; 300])
        .bind_to([6; 32])
    }

    #[test]
    fn a_client_session_comes_back_as_it_was_saved() {
        let bytes = session().to_bytes().unwrap();
        let back = StoredSession::from_bytes(&bytes).unwrap();
        assert_eq!(back.to_bytes().unwrap(), bytes);
        assert_eq!(back.ticket(), Some(&[9u8; 200][..]));
        assert_eq!(back.session_id, vec![7; 32]);
        assert_eq!(back.master_secret().as_bytes(), &[3; MASTER_SECRET_LEN]);
    }

    #[test]
    fn a_tls13_session_comes_back_as_it_was_saved_and_bound() {
        let bytes = session13().to_bytes().unwrap();
        let back = StoredSession::from_bytes(&bytes).unwrap();
        assert_eq!(back.to_bytes().unwrap(), bytes);
        let t = back.tls13().unwrap();
        assert_eq!(t.psk(), &[8; 48]);
        assert_eq!(
            (t.issued, t.lifetime, t.age_add),
            (1_800_000_100, 7200, 0xdead_beef)
        );
        assert_eq!(t.alpn.as_deref(), Some(&b"h2"[..]));
        assert_eq!(back.ticket(), Some(&[9u8; 300][..]));
        assert_eq!(back.bound_to(), Some([6; 32]));
    }

    #[test]
    fn an_unbound_session_is_not_written() {
        let unbound = StoredSession::new(
            vec![1; 32],
            CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            &MasterSecret::from_bytes([3; MASTER_SECRET_LEN]),
            true,
            vec![],
            None,
            1,
        );
        assert!(unbound.to_bytes().is_none());
    }

    #[test]
    fn anything_else_is_refused_never_misread() {
        for bytes in [
            session().to_bytes().unwrap(),
            session13().to_bytes().unwrap(),
        ] {
            for cut in 0..bytes.len() {
                assert!(StoredSession::from_bytes(&bytes[..cut]).is_none(), "{cut}");
            }
            let mut longer = bytes.to_vec();
            longer.push(0);
            assert!(StoredSession::from_bytes(&longer).is_none());
            let mut other_version = bytes.to_vec();
            other_version[7] = b'1';
            assert!(StoredSession::from_bytes(&other_version).is_none());
        }
    }
}
