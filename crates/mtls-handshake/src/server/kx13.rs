//! The key exchange of the server's TLS 1.3 handshake: what a first ClientHello offers (RFC
//! 8446 4.2.7, 4.2.8, 9.2), the share we answer or the HelloRetryRequest we send, and our
//! (EC)DHE with the client's share.

use mtls_crypto::kx::{ActiveKeyExchange, NamedGroup};
use mtls_wire::AlertDescription;
use mtls_wire::extensions::KeyShareEntry;
use mtls_wire::handshake::ClientHello;
use zeroize::Zeroizing;

use super::ServerState;
use super::tls13::{Stage, illegal, missing};
use crate::common::wire_group;
use crate::error::{HandshakeError, crypto};

/// The key exchange a first ClientHello offers, as the group we use (or ask for) and the
/// stage it starts from.
///
/// RFC 8446 9.2: supported_groups and key_share come together, and a ClientHello without a
/// PSK must carry them (`missing_extension`). A PSK hello without them can only be resumed
/// with psk_ke: `(None, Offered(None))`, and the PSK decides. Otherwise a share for a group
/// both support, ours first, or a HelloRetryRequest for the group we like best among the
/// client's (RFC 8446 4.2.8).
pub(super) fn key_exchange_offer(
    ours: &[NamedGroup],
    ch: &ClientHello,
    psk_offered: bool,
) -> Result<(Option<NamedGroup>, Stage), HandshakeError> {
    let (groups, shares) = match (ch.extensions.supported_groups(), ch.extensions.key_shares()) {
        (Some(groups), Some(shares)) => (groups, shares),
        (None, None) if psk_offered => return Ok((None, Stage::Offered(None))),
        (Some(_), None) => return Err(missing("key_share")),
        (None, _) => return Err(missing("supported_groups")),
    };
    check_shares(groups, shares)?;
    let mutual = |g: &&NamedGroup| groups.contains(&wire_group(**g));
    let with_share = ours.iter().filter(mutual).find_map(|g| {
        shares
            .iter()
            .find(|s| s.group == wire_group(*g))
            .map(|s| (*g, s))
    });
    if let Some((group, share)) = with_share {
        return Ok((
            Some(group),
            Stage::Offered(Some(share.key_exchange.clone())),
        ));
    }
    let group = ours.iter().find(mutual).copied().ok_or_else(|| {
        HandshakeError::new(
            AlertDescription::HandshakeFailure,
            "no key exchange group in common (RFC 8446 4.2.7)",
        )
    })?;
    let first = Box::new(ch.clone());
    Ok((Some(group), Stage::Retry { first, sent: false }))
}

impl ServerState {
    /// Our ephemeral key for `group` and the shared secret with the client's share; a share
    /// that is not a valid public key is `illegal_parameter` (RFC 8446 4.2.8.1, 4.2.8.2).
    pub(super) fn key_share13(
        &mut self,
        group: NamedGroup,
        peer: &[u8],
    ) -> Result<Stage, HandshakeError> {
        let kx = self
            .config
            .provider
            .start_key_exchange(group, &mut *self.rng)
            .map_err(|e| crypto("key generation", e))?;
        let public = kx.public_key().to_vec();
        let shared = kx.complete(peer).map_err(|e| {
            illegal(format!(
                "the client's {group:?} key share is not a valid public key: {e}"
            ))
        })?;
        Ok(Stage::Shared(Some((
            public,
            Zeroizing::new(shared.expose().to_vec()),
        ))))
    }
}

/// RFC 8446 4.2.8: every share for a group of supported_groups (`illegal_parameter`), at
/// most one per group (`illegal_parameter`).
fn check_shares(
    groups: &[mtls_wire::NamedGroup],
    shares: &[KeyShareEntry],
) -> Result<(), HandshakeError> {
    for (i, share) in shares.iter().enumerate() {
        if !groups.contains(&share.group) {
            return Err(illegal(format!(
                "a key share for {:?}, which supported_groups does not list (RFC 8446 4.2.8)",
                share.group
            )));
        }
        if shares.iter().take(i).any(|s| s.group == share.group) {
            return Err(illegal(format!(
                "two key shares for {:?} (RFC 8446 4.2.8)",
                share.group
            )));
        }
    }
    Ok(())
}
