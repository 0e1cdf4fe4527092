//! What both roles of a TLS 1.3 handshake share: the key schedule as a handshake runs it
//! (secrets from the transcript, key changes for the record layer, key log lines), the
//! CertificateVerify content (RFC 8446 4.4.3) and the schemes it may use.

use std::sync::Arc;

use mtls_crypto::provider::PublicKeyKind;
use mtls_crypto::signature::{SignatureAlgorithm, SigningKey, VerifyingKey};
use mtls_crypto::{CryptoProvider, SecureRandom};
use mtls_prf::tls13::{EarlySecret, FinishedMac, HandshakeSecret, MasterSecret13, Secret};
use mtls_wire::handshake::{
    CertificateTls13, DigitallySigned, HandshakeMessage, HandshakePayload, KeyUpdateRequest,
    check_finished_len,
};
use mtls_wire::{AlertDescription, SignatureScheme};

use crate::action::{Action, KeyChange, RecordProtection};
use crate::common::{our_scheme, wire_scheme};
use crate::config::KeyLog;
use crate::error::{HandshakeError, crypto};
use crate::sequence::Side;
use crate::suites::Tls13Suite;
use crate::transcript::Transcript;

/// The key schedule of one TLS 1.3 connection, as the handshake walks it (RFC 8446 7.1):
/// handshake traffic secrets at the ServerHello, application traffic secrets at the server's
/// Finished, the resumption secret at the client's Finished, and new generations of the
/// application secrets at each KeyUpdate. Each secret is dropped (zeroized) once nothing
/// can need it any more.
pub(crate) struct Schedule13 {
    provider: &'static CryptoProvider,
    suite: Tls13Suite,
    client_random: [u8; 32],
    key_log: Option<Arc<dyn KeyLog>>,
    handshake: Option<HandshakeSecret>,
    client_handshake: Option<Secret>,
    server_handshake: Option<Secret>,
    master: Option<MasterSecret13>,
    client_application: Option<Secret>,
    server_application: Option<Secret>,
    exporter: Option<Secret>,
    resumption: Option<Secret>,
}

impl Schedule13 {
    /// After the ServerHello: the early secret from the PSK of a resumption (`None`: a full
    /// handshake), the handshake secret from the (EC)DHE shared secret (`None`: a psk_ke
    /// resumption, RFC 8446 4.2.9, which takes the 0-value, Hash.length zero bytes, RFC
    /// 8446 7.1) and the handshake traffic secrets over `Hash(ClientHello..ServerHello)`
    /// (logged as CLIENT_HANDSHAKE_TRAFFIC_SECRET and SERVER_HANDSHAKE_TRAFFIC_SECRET).
    pub fn new(
        provider: &'static CryptoProvider,
        suite: Tls13Suite,
        client_random: [u8; 32],
        key_log: Option<Arc<dyn KeyLog>>,
        psk: Option<&[u8]>,
        shared_secret: Option<&[u8]>,
        hello_hash: &[u8],
    ) -> Self {
        let zero = vec![0u8; suite.hash.output_len()];
        let handshake = EarlySecret::new(provider, suite.hash, psk)
            .into_handshake(provider, shared_secret.unwrap_or(&zero));
        let traffic = handshake.traffic(provider, hello_hash);
        let schedule = Self {
            provider,
            suite,
            client_random,
            key_log,
            handshake: Some(handshake),
            client_handshake: Some(traffic.client),
            server_handshake: Some(traffic.server),
            master: None,
            client_application: None,
            server_application: None,
            exporter: None,
            resumption: None,
        };
        schedule.log(
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
            &schedule.client_handshake,
        );
        schedule.log(
            "SERVER_HANDSHAKE_TRAFFIC_SECRET",
            &schedule.server_handshake,
        );
        schedule
    }

    /// The suite this schedule runs for.
    pub fn suite(&self) -> Tls13Suite {
        self.suite
    }

    fn log(&self, label: &str, secret: &Option<Secret>) {
        if let (Some(log), Some(secret)) = (&self.key_log, secret) {
            log.log(label, &self.client_random, secret.as_bytes());
        }
    }

    fn key_change(&self, secret: &Secret) -> KeyChange {
        KeyChange {
            algorithm: self.suite.aead,
            keys: secret.traffic_keys(self.provider, self.suite.key_len()),
            protection: RecordProtection::Tls13,
            provider: self.provider,
        }
    }

    fn present<'a>(secret: &'a Option<Secret>, what: &str) -> Result<&'a Secret, HandshakeError> {
        secret
            .as_ref()
            .ok_or_else(|| HandshakeError::internal(format!("the {what} is not there")))
    }

    /// `side`'s handshake traffic keys (RFC 8446 7.3).
    pub fn handshake_keys(&self, side: Side) -> Result<KeyChange, HandshakeError> {
        let secret = match side {
            Side::Client => Self::present(&self.client_handshake, "client handshake secret")?,
            Side::Server => Self::present(&self.server_handshake, "server handshake secret")?,
        };
        Ok(self.key_change(secret))
    }

    /// `side`'s current application traffic keys (RFC 8446 7.3).
    pub fn application_keys(&self, side: Side) -> Result<KeyChange, HandshakeError> {
        let secret = match side {
            Side::Client => Self::present(&self.client_application, "client traffic secret")?,
            Side::Server => Self::present(&self.server_application, "server traffic secret")?,
        };
        Ok(self.key_change(secret))
    }

    /// The Finished MAC `side` sends over `transcript_hash` (RFC 8446 4.4.4): keyed with its
    /// handshake traffic secret during the handshake, and with the client's current
    /// application traffic secret for a post-handshake authentication's Finished.
    pub fn finished_mac(
        &self,
        side: Side,
        transcript_hash: &[u8],
    ) -> Result<FinishedMac, HandshakeError> {
        let base = match side {
            Side::Client => match &self.client_handshake {
                Some(secret) => secret,
                None => Self::present(&self.client_application, "client traffic secret")?,
            },
            Side::Server => Self::present(&self.server_handshake, "server handshake secret")?,
        };
        Ok(base.finished_mac(self.provider, transcript_hash))
    }

    /// After the server's Finished: the master secret and the first application traffic and
    /// exporter secrets over `Hash(ClientHello..server Finished)` (logged as
    /// CLIENT_TRAFFIC_SECRET_0, SERVER_TRAFFIC_SECRET_0, EXPORTER_SECRET). The server's
    /// handshake secret is dropped: nothing it keys comes any more.
    pub fn derive_application(
        &mut self,
        server_finished_hash: &[u8],
    ) -> Result<(), HandshakeError> {
        let handshake = self
            .handshake
            .take()
            .ok_or_else(|| HandshakeError::internal("the handshake secret is not there"))?;
        let master = handshake.into_master(self.provider);
        let traffic = master.application_traffic(self.provider, server_finished_hash);
        self.client_application = Some(traffic.client);
        self.server_application = Some(traffic.server);
        self.exporter = Some(master.exporter(self.provider, server_finished_hash));
        self.master = Some(master);
        self.server_handshake = None;
        self.log("CLIENT_TRAFFIC_SECRET_0", &self.client_application);
        self.log("SERVER_TRAFFIC_SECRET_0", &self.server_application);
        self.log("EXPORTER_SECRET", &self.exporter);
        Ok(())
    }

    /// After the client's Finished: the resumption master secret over
    /// `Hash(ClientHello..client Finished)`; the master and client handshake secrets are
    /// dropped.
    pub fn derive_resumption(&mut self, client_finished_hash: &[u8]) -> Result<(), HandshakeError> {
        let master = self
            .master
            .take()
            .ok_or_else(|| HandshakeError::internal("the master secret is not there"))?;
        self.resumption = Some(master.resumption(self.provider, client_finished_hash));
        self.client_handshake = None;
        Ok(())
    }

    /// The PSK of the ticket with `nonce` (RFC 8446 4.6.1), once the resumption master
    /// secret exists.
    pub fn ticket_psk(&self, nonce: &[u8]) -> Result<Secret, HandshakeError> {
        Ok(Self::present(&self.resumption, "resumption master secret")?
            .resumption_psk(self.provider, nonce))
    }

    /// The exporter master secret (RFC 8446 7.5), once the server's Finished was sent or
    /// checked.
    #[allow(dead_code)] // for the exporter (RFC 8446 7.5), a later issue
    pub fn exporter_secret(&self) -> Option<&Secret> {
        self.exporter.as_ref()
    }

    /// KeyUpdate (RFC 8446 7.2): `side`'s application traffic secret moves to its next
    /// generation, and the keys of the new generation come back for the record layer.
    pub fn update(&mut self, side: Side) -> Result<KeyChange, HandshakeError> {
        let slot = match side {
            Side::Client => &mut self.client_application,
            Side::Server => &mut self.server_application,
        };
        let next = slot
            .as_ref()
            .ok_or_else(|| HandshakeError::internal("no application traffic secret to update"))?
            .next_traffic_secret(self.provider);
        *slot = Some(next);
        self.application_keys(side)
    }
}

/// The binder of a resumption PSK (RFC 8446 4.2.11.2): a Finished MAC keyed with the
/// "res binder" key of the PSK's early secret, over the transcript hash up to the binders
/// (the ClientHello truncated before them, after a HelloRetryRequest the messages before
/// it too). Compare a received binder only with [`FinishedMac::verify`] (constant time).
pub(crate) fn psk_binder(
    provider: &'static CryptoProvider,
    hash: mtls_crypto::HashAlgorithm,
    psk: &[u8],
    truncated_hash: &[u8],
) -> FinishedMac {
    EarlySecret::new(provider, hash, Some(psk))
        .binder_key(provider, true)
        .finished_mac(provider, truncated_hash)
}

/// The content a TLS 1.3 CertificateVerify signs (RFC 8446 4.4.3): 64 spaces, the context
/// string of the signer's side, a zero byte, and the transcript hash up to (not including)
/// the CertificateVerify. Built on the stack (at most 64 + 33 + 1 + 64 bytes): it is made
/// while a signature is made or checked, the handshake's heap peak.
pub(crate) struct CertificateVerifyContent {
    bytes: [u8; CV_CONTENT_MAX],
    len: usize,
}

/// 64 spaces, a 33-byte context string, a zero byte and a SHA-512 hash at most.
const CV_CONTENT_MAX: usize = 64 + 33 + 1 + 64;

impl CertificateVerifyContent {
    pub(crate) fn new(signer: Side, transcript_hash: &[u8]) -> Self {
        let context: &[u8] = match signer {
            Side::Server => b"TLS 1.3, server CertificateVerify",
            Side::Client => b"TLS 1.3, client CertificateVerify",
        };
        let mut bytes = [0x20; CV_CONTENT_MAX];
        let mut len = 64;
        for part in [context, &[0], transcript_hash] {
            let end = (len + part.len()).min(CV_CONTENT_MAX);
            if let Some(dst) = bytes.get_mut(len..end) {
                dst.copy_from_slice(part.get(..end - len).unwrap_or_default());
            }
            len = end;
        }
        Self { bytes, len }
    }

    pub(crate) fn as_slice(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }
}

/// True when `scheme` may sign a TLS 1.3 CertificateVerify (RFC 8446 4.4.3): RSASSA-PSS and
/// ECDSA with the curve's own hash; never RSASSA-PKCS1-v1_5 (which remains only for
/// signatures in certificates, RFC 8446 4.2.3).
pub(crate) fn tls13_certificate_verify_scheme(scheme: SignatureAlgorithm) -> bool {
    matches!(
        scheme,
        SignatureAlgorithm::RsaPssRsaeSha256
            | SignatureAlgorithm::RsaPssRsaeSha384
            | SignatureAlgorithm::RsaPssRsaeSha512
            | SignatureAlgorithm::EcdsaSecp256r1Sha256
            | SignatureAlgorithm::EcdsaSecp384r1Sha384
            | SignatureAlgorithm::EcdsaSecp521r1Sha512
    )
}

/// The scheme a TLS 1.3 CertificateVerify is signed with (RFC 8446 4.4.3, 4.2.3): one
/// `key` can make, `ours` allows and the peer `offered`, never RSASSA-PKCS1-v1_5, and for
/// ECDSA only the scheme of the key's own curve (TLS 1.3 ties the hash to the curve).
pub(crate) fn choose_scheme13(
    key: &SigningKey,
    ours: &[SignatureAlgorithm],
    offered: &[SignatureScheme],
) -> Option<SignatureAlgorithm> {
    let usable = |s: &SignatureAlgorithm| {
        tls13_certificate_verify_scheme(*s)
            && ours.contains(s)
            && offered.contains(&wire_scheme(*s))
    };
    match key.kind() {
        PublicKeyKind::Rsa => ours
            .iter()
            .copied()
            .filter(|s| key.schemes().contains(s))
            .find(usable),
        kind => curve_scheme(kind).filter(usable),
    }
}

/// The one ECDSA scheme TLS 1.3 allows for a key on this curve (RFC 8446 4.2.3).
fn curve_scheme(kind: PublicKeyKind) -> Option<SignatureAlgorithm> {
    match kind {
        PublicKeyKind::EcdsaP256 => Some(SignatureAlgorithm::EcdsaSecp256r1Sha256),
        PublicKeyKind::EcdsaP384 => Some(SignatureAlgorithm::EcdsaSecp384r1Sha384),
        PublicKeyKind::Rsa => None,
    }
}

/// Signs our TLS 1.3 CertificateVerify (RFC 8446 4.4.3) over `transcript_hash`.
pub(crate) fn sign_certificate_verify(
    provider: &'static CryptoProvider,
    key: &SigningKey,
    scheme: SignatureAlgorithm,
    signer: Side,
    transcript_hash: &[u8],
    rng: &mut dyn SecureRandom,
) -> Result<HandshakePayload, HandshakeError> {
    let content = CertificateVerifyContent::new(signer, transcript_hash);
    let signature = key
        .sign_with(provider, scheme, content.as_slice(), rng)
        .map_err(|e| crypto("CertificateVerify signature", e))?;
    Ok(HandshakePayload::CertificateVerify(DigitallySigned {
        scheme: wire_scheme(scheme),
        signature,
    }))
}

/// Checks the peer's TLS 1.3 CertificateVerify (RFC 8446 4.4.3): the scheme must be one we
/// offered (`ours`) and TLS 1.3 allows (RSASSA-PKCS1-v1_5 never) and must fit the key
/// (`illegal_parameter`); the signature must verify over the content of `signer`'s side
/// (`decrypt_error`). Returns the scheme.
pub(crate) fn verify_certificate_verify(
    provider: &'static CryptoProvider,
    key: &VerifyingKey,
    ours: &[SignatureAlgorithm],
    cv: &DigitallySigned,
    signer: Side,
    transcript_hash: &[u8],
) -> Result<SignatureAlgorithm, HandshakeError> {
    let scheme = our_scheme(cv.scheme)
        .filter(|s| ours.contains(s) && tls13_certificate_verify_scheme(*s))
        .ok_or_else(|| {
            HandshakeError::new(
                AlertDescription::IllegalParameter,
                format!(
                    "the TLS 1.3 CertificateVerify uses {:?}, which was not offered for it (RFC 8446 4.4.3)",
                    cv.scheme
                ),
            )
        })?;
    let fits = match key.raw().kind {
        PublicKeyKind::Rsa => key.schemes().contains(&scheme),
        kind => curve_scheme(kind) == Some(scheme),
    };
    if !fits {
        return Err(HandshakeError::new(
            AlertDescription::IllegalParameter,
            format!("{scheme:?} does not fit the certificate's key (RFC 8446 4.2.3)"),
        ));
    }
    let content = CertificateVerifyContent::new(signer, transcript_hash);
    key.verify_with(provider, scheme, content.as_slice(), &cv.signature)
        .map_err(|e| crypto("CertificateVerify signature", e))?;
    Ok(scheme)
}

/// Checks the peer's Finished (RFC 8446 4.4.4): `Hash.length` bytes (`decode_error`) equal,
/// in constant time, to the MAC `side` keys over `transcript_hash` (`decrypt_error`).
pub(crate) fn check_finished(
    schedule: &Schedule13,
    side: Side,
    transcript_hash: &[u8],
    received: &[u8],
) -> Result<(), HandshakeError> {
    check_finished_len(received, schedule.suite().hash.output_len())?;
    if !schedule
        .finished_mac(side, transcript_hash)?
        .verify(received)
    {
        return Err(HandshakeError::new(
            AlertDescription::DecryptError,
            "the peer's Finished does not match the transcript (RFC 8446 4.4.4)",
        ));
    }
    Ok(())
}

/// Our Finished (RFC 8446 4.4.4) over `transcript_hash`.
pub(crate) fn finished(
    schedule: &Schedule13,
    side: Side,
    transcript_hash: &[u8],
) -> Result<HandshakePayload, HandshakeError> {
    let mac = schedule.finished_mac(side, transcript_hash)?;
    Ok(HandshakePayload::Finished(mac.as_bytes().to_vec()))
}

/// What both roles keep of an established TLS 1.3 connection: the key schedule (KeyUpdate,
/// the Finished of a post-handshake authentication) and the transcript through the client's
/// Finished, which each post-handshake authentication continues (RFC 8446 4.4.1).
pub(crate) struct Established13 {
    pub schedule: Schedule13,
    pub base: Transcript,
}

impl Established13 {
    /// Sends a KeyUpdate (RFC 8446 4.6.3) under the current keys, then moves our direction
    /// to the next generation.
    pub fn send_key_update(
        &mut self,
        me: Side,
        request_peer: bool,
    ) -> Result<Vec<Action>, HandshakeError> {
        let request = if request_peer {
            KeyUpdateRequest::UpdateRequested
        } else {
            KeyUpdateRequest::UpdateNotRequested
        };
        let message = HandshakeMessage::new(HandshakePayload::KeyUpdate(request));
        Ok(vec![
            Action::SendHandshake(message.raw().to_vec()),
            Action::InstallWriteKeys(self.schedule.update(me)?),
        ])
    }

    /// The peer's KeyUpdate (RFC 8446 4.6.3): its direction moves to the next generation.
    /// When it asks, our own KeyUpdate, update_not_requested (so two peers never loop), is
    /// owed in `updates` and goes out before our next application data
    /// ([`crate::Endpoint::before_application_data`]): several requests received while we
    /// are silent get one answer. Beyond [`crate::MAX_KEY_UPDATES_IN_A_ROW`] without
    /// application data, `unexpected_message`.
    pub fn receive_key_update(
        &mut self,
        me: Side,
        request: KeyUpdateRequest,
        updates: &mut crate::key_update::KeyUpdates,
    ) -> Result<Vec<Action>, HandshakeError> {
        updates.received(request)?;
        Ok(vec![Action::InstallReadKeys(
            self.schedule.update(me.peer())?,
        )])
    }
}

/// Parses a post-handshake message outside any table (KeyUpdate, NewSessionTicket): one
/// whole TLS 1.3 message, nothing after it.
pub(crate) fn parse_post_handshake(bytes: &[u8]) -> Result<HandshakeMessage, HandshakeError> {
    let (message, rest) = HandshakeMessage::parse_tls13(bytes)?;
    if !rest.is_empty() {
        return Err(HandshakeError::new(
            AlertDescription::DecodeError,
            "bytes after the handshake message",
        ));
    }
    Ok(message)
}

/// The extensions of a certificate entry must answer extensions of the request (RFC 8446
/// 4.4.2); we never ask for any (no status_request, no signed_certificate_timestamp).
pub(crate) fn check_entry_extensions(certificate: &CertificateTls13) -> Result<(), HandshakeError> {
    if let Some(e) = certificate
        .certificate_list
        .iter()
        .find_map(|entry| entry.extensions.iter().next())
    {
        return Err(HandshakeError::new(
            AlertDescription::UnsupportedExtension,
            format!(
                "a certificate entry carries {:?}, which was not requested (RFC 8446 4.4.2)",
                e.typ()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc8446_4_4_3_certificate_verify_content() {
        let server = CertificateVerifyContent::new(Side::Server, &[0xAB; 32]);
        let content = server.as_slice();
        assert_eq!(content.len(), 64 + 33 + 1 + 32);
        assert!(content[..64].iter().all(|b| *b == 0x20));
        assert_eq!(&content[64..97], b"TLS 1.3, server CertificateVerify");
        assert_eq!(content[97], 0);
        assert!(content[98..].iter().all(|b| *b == 0xAB));
        let client = CertificateVerifyContent::new(Side::Client, &[0xCD; 64]);
        let client = client.as_slice();
        assert_eq!(client.len(), 64 + 33 + 1 + 64);
        assert_eq!(&client[64..97], b"TLS 1.3, client CertificateVerify");
        assert!(client[98..].iter().all(|b| *b == 0xCD));
    }

    #[test]
    fn rfc8446_4_4_3_no_pkcs1_in_certificate_verify() {
        assert!(!tls13_certificate_verify_scheme(
            SignatureAlgorithm::RsaPkcs1Sha256
        ));
        assert!(tls13_certificate_verify_scheme(
            SignatureAlgorithm::RsaPssRsaeSha256
        ));
    }
}
