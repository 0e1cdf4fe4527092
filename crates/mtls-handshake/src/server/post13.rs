//! An established TLS 1.3 connection, server side (RFC 8446 4.6): KeyUpdate both ways and
//! post-handshake client authentication, the application's CertificateRequest and the
//! client's answer, walked through the table's post-handshake rows.

use mtls_crypto::signature::SignatureAlgorithm;
use mtls_wire::handshake::{HandshakePayload, KeyUpdateRequest};
use mtls_wire::{AlertDescription, HandshakeType};

use super::psk13::{TicketSource, new_session_tickets};
use super::tls13::ServerPost;
use super::{ClientCertificate, Phase, ServerState};
use crate::action::{Action, PostHandshakeRequest};
use crate::certs::{CertificateDer, PeerIdentity};
use crate::common::Common;
use crate::config::ClientAuthPolicy;
use crate::error::{HandshakeError, crypto};
use crate::sequence::{Fact, Flow, Msg, Side, Step};
use crate::tls13::{
    check_entry_extensions, check_finished, parse_post_handshake, verify_certificate_verify,
};
use crate::transcript::Transcript;

/// Bytes of a post-handshake certificate_request_context (RFC 8446 4.6.2: unique within the
/// connection; random bytes are).
const CONTEXT_LEN: usize = 16;

/// A post-handshake authentication in flight (RFC 8446 4.6.2).
pub(super) struct PostAuth {
    /// Where the exchange is in the table's post-handshake rows.
    flow: Flow,
    /// Our CertificateRequest's context, which the client's Certificate must echo.
    context: Vec<u8>,
    /// The client's chain, waiting for its CertificateVerify.
    client: Option<Box<ClientCertificate>>,
    /// What the client proved, for the summary once its Finished verified.
    chain: Vec<CertificateDer<'static>>,
    identity: Option<PeerIdentity>,
    scheme: Option<SignatureAlgorithm>,
}

fn established(phase: &mut Phase) -> Result<&mut ServerPost, HandshakeError> {
    match phase {
        Phase::Established13(post) => Ok(post),
        _ => Err(HandshakeError::internal(
            "a TLS 1.3 post-handshake message without an established TLS 1.3 connection",
        )),
    }
}

impl ServerState {
    /// The application may ask a client for its certificate once the handshake is done
    /// (RFC 8446 4.6.2) when the client offered post_handshake_auth (RFC 8446 4.2.6), no
    /// other request is in flight, and the policy authenticates clients at all.
    pub(super) fn post_allowed13(
        &self,
        request: PostHandshakeRequest,
    ) -> Result<(), HandshakeError> {
        let Phase::Established13(post) = &self.phase else {
            return Err(HandshakeError::internal(
                "post-handshake requests need an established TLS 1.3 connection",
            ));
        };
        if request != PostHandshakeRequest::RequestClientCertificate {
            return Ok(());
        }
        if !post.post_handshake_auth {
            return Err(HandshakeError::internal(
                "the client did not offer post_handshake_auth: it cannot be asked for a certificate after the handshake (RFC 8446 4.2.6)",
            ));
        }
        if post.auth.is_some() {
            return Err(HandshakeError::internal(
                "a post-handshake CertificateRequest is already waiting for its answer",
            ));
        }
        if self.config.client_auth == ClientAuthPolicy::None {
            return Err(HandshakeError::internal(
                "the client authentication policy is None: this server never asks for certificates",
            ));
        }
        if self.config.client_auth.verifies() && self.config.client_verifier.is_none() {
            return Err(HandshakeError::internal(
                "client authentication configured without a verifier",
            ));
        }
        Ok(())
    }

    /// KeyUpdate (RFC 8446 4.6.3) or a post-handshake CertificateRequest (RFC 8446 4.6.2).
    pub(super) fn post_request13(
        &mut self,
        common: &mut Common,
        request: PostHandshakeRequest,
    ) -> Result<Vec<Action>, HandshakeError> {
        self.post_allowed13(request)?;
        match request {
            PostHandshakeRequest::UpdateKeys { request_peer } => established(&mut self.phase)?
                .established
                .send_key_update(Side::Server, request_peer),
            PostHandshakeRequest::RequestClientCertificate => {
                let mut context = vec![0u8; CONTEXT_LEN];
                self.rng
                    .fill(&mut context)
                    .map_err(|e| crypto("certificate_request_context", e))?;
                let request = self.certificate_request13(context.clone());
                let post = established(&mut self.phase)?;
                let mut flow = Flow::post_handshake_auth();
                let step = Step {
                    from: Side::Server,
                    msg: Msg::CertificateRequest,
                };
                if !flow.advance(step) {
                    return Err(HandshakeError::internal(
                        "the table does not start a post-handshake authentication with a CertificateRequest",
                    ));
                }
                // RFC 8446 4.4.1: the handshake's transcript through the client's Finished,
                // then this exchange.
                common.transcript = post.established.base.fork();
                let mut actions = Vec::new();
                common.emit(
                    HandshakePayload::CertificateRequestTls13(request),
                    &mut actions,
                );
                post.auth = Some(Box::new(PostAuth {
                    flow,
                    context,
                    client: None,
                    chain: Vec::new(),
                    identity: None,
                    scheme: None,
                }));
                Ok(actions)
            }
        }
    }

    /// A handshake message on an established TLS 1.3 connection: a KeyUpdate, or the
    /// client's answer to our post-handshake CertificateRequest; anything else is
    /// `unexpected_message`.
    pub(super) fn post_input13(
        &mut self,
        common: &mut Common,
        bytes: &[u8],
    ) -> Result<Vec<Action>, HandshakeError> {
        let config = std::sync::Arc::clone(&self.config);
        if bytes.first() == Some(&HandshakeType::KeyUpdate.to_u8()) {
            let message = parse_post_handshake(bytes)?;
            let HandshakePayload::KeyUpdate(request) = message.payload() else {
                return Err(HandshakeError::internal(
                    "a KeyUpdate parsed as something else",
                ));
            };
            let request: KeyUpdateRequest = *request;
            return established(&mut self.phase)?
                .established
                .receive_key_update(Side::Server, request, &mut common.key_updates);
        }
        let post = established(&mut self.phase)?;
        let Some(auth) = post.auth.as_mut() else {
            return Err(HandshakeError::unexpected(
                "a handshake message after the TLS 1.3 handshake that is neither KeyUpdate nor an answer to a CertificateRequest (RFC 8446 4.6)",
            ));
        };
        let (msg, message) = common.receive_post_handshake_step(&mut auth.flow, bytes)?;
        let hash_alg = post.established.schedule.suite().hash;
        let mut actions = Vec::new();
        match (msg, message.payload()) {
            (Msg::Certificate, HandshakePayload::CertificateTls13(c)) => {
                if c.certificate_request_context != auth.context {
                    return Err(HandshakeError::new(
                        AlertDescription::IllegalParameter,
                        "the client's Certificate does not echo our certificate_request_context (RFC 8446 4.4.2)",
                    ));
                }
                check_entry_extensions(c)?;
                let chain: Vec<CertificateDer<'static>> = c.chain().cloned().collect();
                match chain.first() {
                    None => {
                        if matches!(
                            config.client_auth,
                            ClientAuthPolicy::Required | ClientAuthPolicy::PostHandshake
                        ) {
                            return Err(HandshakeError::new(
                                AlertDescription::CertificateRequired,
                                "the client answered our CertificateRequest with no certificate (RFC 8446 4.4.2.4)",
                            ));
                        }
                        learn(&mut auth.flow, Fact::ClientCertificate(false))?;
                    }
                    Some(leaf) => {
                        let leaf = leaf.clone();
                        let client = self.accept_client_chain(&chain, &leaf)?;
                        let post = established(&mut self.phase)?;
                        let auth = post
                            .auth
                            .as_mut()
                            .ok_or_else(|| HandshakeError::internal("the request vanished"))?;
                        auth.client = Some(Box::new(client));
                        learn(&mut auth.flow, Fact::ClientCertificate(true))?;
                    }
                }
            }
            (Msg::CertificateVerify, HandshakePayload::CertificateVerify(cv)) => {
                let client = auth
                    .client
                    .take()
                    .ok_or_else(|| HandshakeError::internal("CertificateVerify without a chain"))?;
                let hash = common.transcript.current_hash(hash_alg);
                let scheme = verify_certificate_verify(
                    common.provider,
                    &client.key,
                    &config.signature_schemes,
                    cv,
                    Side::Client,
                    hash.as_slice(),
                )?;
                if config.client_auth.verifies() {
                    config.authorize(
                        &client.identity,
                        &client.chain,
                        post.server_name.as_deref(),
                    )?;
                }
                auth.scheme = Some(scheme);
                auth.chain = client.chain;
                auth.identity = Some(client.identity);
            }
            (Msg::Finished, HandshakePayload::Finished(verify_data)) => {
                // RFC 8446 4.4.4: keyed with the client's current application secret.
                let hash = common.transcript.current_hash(hash_alg);
                check_finished(
                    &post.established.schedule,
                    Side::Client,
                    hash.as_slice(),
                    verify_data,
                )?;
                let auth = post
                    .auth
                    .take()
                    .ok_or_else(|| HandshakeError::internal("the request vanished"))?;
                common.transcript = Transcript::new(common.provider);
                let summary = common.summary.as_mut().ok_or_else(|| {
                    HandshakeError::internal("post-handshake authentication before completion")
                })?;
                summary.peer_verified = config.client_auth.verifies() && auth.identity.is_some();
                summary.peer_identity = auth.identity;
                summary.client_signature = auth.scheme;
                actions.push(Action::PeerAuthenticated);
                // RFC 8446 4.6.1: a fresh ticket, which carries the identity just proven
                // (the earlier ones keep the identity they were issued with).
                if post.tickets && config.tls13_tickets > 0 {
                    let source = TicketSource {
                        chain: &auth.chain,
                        server_name: post.server_name.as_deref(),
                        alpn: post.alpn.as_deref(),
                        created: post.created,
                        identity: summary.peer_identity.as_ref(),
                    };
                    actions.extend(new_session_tickets(
                        &config,
                        &mut *self.rng,
                        &post.established.schedule,
                        &source,
                        1,
                        &mut post.next_nonce,
                    )?);
                }
                summary.peer_certificates = auth.chain;
                return Ok(actions);
            }
            _ => {
                return Err(HandshakeError::internal(format!(
                    "the post-handshake table let {msg:?} through with another body"
                )));
            }
        }
        common.transcript.add(message.raw());
        Ok(actions)
    }
}

fn learn(flow: &mut Flow, fact: Fact) -> Result<(), HandshakeError> {
    if flow.learn(fact) {
        Ok(())
    } else {
        Err(HandshakeError::internal(format!(
            "no post-handshake row fits {fact:?}"
        )))
    }
}
