//! An established TLS 1.3 connection, client side (RFC 8446 4.6): KeyUpdate both ways,
//! NewSessionTicket (kept for resumption), and the answer to a
//! post-handshake CertificateRequest, walked through the table's post-handshake rows.

use mtls_wire::HandshakeType;
use mtls_wire::handshake::HandshakePayload;

use super::tls13::{ClientPost, certificate13, check_request};
use super::{ClientState, Phase};
use crate::action::{Action, PostHandshakeRequest};
use crate::common::Common;
use crate::error::HandshakeError;
use crate::sequence::{Fact, Flow, Msg, Next, Side, Step};
use crate::tls13::{finished, parse_post_handshake, sign_certificate_verify};
use crate::trace::debug_event;
use crate::transcript::Transcript;

fn established(phase: &mut Phase) -> Result<&mut ClientPost, HandshakeError> {
    match phase {
        Phase::Established13(post) => Ok(post),
        _ => Err(HandshakeError::internal(
            "a TLS 1.3 post-handshake message without an established TLS 1.3 connection",
        )),
    }
}

impl ClientState {
    /// A client asks only for KeyUpdate (RFC 8446 4.6.3).
    pub(super) fn post_allowed13(
        &self,
        request: PostHandshakeRequest,
    ) -> Result<(), HandshakeError> {
        match request {
            PostHandshakeRequest::UpdateKeys { .. } => Ok(()),
            PostHandshakeRequest::RequestClientCertificate => Err(HandshakeError::internal(
                "only a server asks for a certificate after the handshake (RFC 8446 4.6.2)",
            )),
        }
    }

    pub(super) fn post_request13(
        &mut self,
        request: PostHandshakeRequest,
    ) -> Result<Vec<Action>, HandshakeError> {
        self.post_allowed13(request)?;
        let PostHandshakeRequest::UpdateKeys { request_peer } = request else {
            return Err(HandshakeError::internal(
                "unreachable post-handshake request",
            ));
        };
        established(&mut self.phase)?
            .established
            .send_key_update(Side::Client, request_peer)
    }

    /// A handshake message on an established TLS 1.3 connection (RFC 8446 4.6): KeyUpdate,
    /// NewSessionTicket, or a CertificateRequest when we offered post_handshake_auth;
    /// anything else is `unexpected_message`.
    pub(super) fn post_input13(
        &mut self,
        common: &mut Common,
        bytes: &[u8],
    ) -> Result<Vec<Action>, HandshakeError> {
        match bytes.first().copied().map(HandshakeType::from) {
            Some(HandshakeType::KeyUpdate) => {
                let message = parse_post_handshake(bytes)?;
                let HandshakePayload::KeyUpdate(request) = message.payload() else {
                    return Err(HandshakeError::internal(
                        "a KeyUpdate parsed as something else",
                    ));
                };
                established(&mut self.phase)?
                    .established
                    .receive_key_update(Side::Client, *request, &mut common.key_updates)
            }
            Some(HandshakeType::NewSessionTicket) => {
                // RFC 8446 4.6.1: parsed (a malformed one is an error), kept in the session
                // store when we keep sessions (`psk13.rs`).
                let message = parse_post_handshake(bytes)?;
                let HandshakePayload::NewSessionTicketTls13(nst) = message.payload() else {
                    return Err(HandshakeError::internal(
                        "a NewSessionTicket parsed as something else",
                    ));
                };
                let Phase::Established13(post) = &self.phase else {
                    return Err(HandshakeError::internal(
                        "a NewSessionTicket without an established TLS 1.3 connection",
                    ));
                };
                self.store_ticket13(nst, &post.established.schedule, post.tickets.as_deref())?;
                Ok(Vec::new())
            }
            Some(HandshakeType::CertificateRequest) => self.post_handshake_auth(common, bytes),
            _ => Err(HandshakeError::unexpected(
                "a handshake message after the TLS 1.3 handshake other than KeyUpdate, NewSessionTicket or CertificateRequest (RFC 8446 4.6)",
            )),
        }
    }

    /// RFC 8446 4.6.2: Certificate (the request's context), CertificateVerify when we have
    /// a certificate, and Finished keyed with our application traffic secret, over the
    /// handshake's transcript followed by this exchange.
    fn post_handshake_auth(
        &mut self,
        common: &mut Common,
        bytes: &[u8],
    ) -> Result<Vec<Action>, HandshakeError> {
        if !established(&mut self.phase)?.post_handshake_auth {
            return Err(HandshakeError::unexpected(
                "a CertificateRequest after the handshake, but we did not offer post_handshake_auth (RFC 8446 4.2.6)",
            ));
        }
        let mut flow = Flow::post_handshake_auth();
        let (_, message) = common.receive_post_handshake_step(&mut flow, bytes)?;
        let HandshakePayload::CertificateRequestTls13(request) = message.payload() else {
            return Err(HandshakeError::internal(
                "the post-handshake table let another body through as CertificateRequest",
            ));
        };
        check_request(request)?;
        let chosen = self.choose_certificate13(request).ok();
        let post = established(&mut self.phase)?;
        let hash_alg = post.established.schedule.suite().hash;
        common.transcript = post.established.base.fork();
        common.transcript.add(message.raw());
        let given = chosen.is_some();
        if !flow.learn(Fact::ClientCertificate(given)) {
            return Err(HandshakeError::internal(
                "no post-handshake row fits our answer",
            ));
        }
        let mut actions = Vec::new();
        let sent = |flow: &mut Flow, msg: Msg| {
            if flow.advance(Step {
                from: Side::Client,
                msg,
            }) {
                Ok(())
            } else {
                Err(HandshakeError::internal("sent a message out of sequence"))
            }
        };
        common.emit(
            certificate13(request.certificate_request_context.clone(), chosen.as_ref()),
            &mut actions,
        );
        sent(&mut flow, Msg::Certificate)?;
        if let Some((certified, scheme)) = &chosen {
            let hash = common.transcript.current_hash(hash_alg);
            let cv = sign_certificate_verify(
                common.provider,
                &certified.key,
                *scheme,
                Side::Client,
                hash.as_slice(),
                &mut *self.rng,
            )?;
            common.emit(cv, &mut actions);
            sent(&mut flow, Msg::CertificateVerify)?;
        }
        let post = established(&mut self.phase)?;
        let hash = common.transcript.current_hash(hash_alg);
        common.emit(
            finished(&post.established.schedule, Side::Client, hash.as_slice())?,
            &mut actions,
        );
        sent(&mut flow, Msg::Finished)?;
        if flow.next(Side::Client) != Next::Done {
            return Err(HandshakeError::internal(
                "the post-handshake authentication did not end with our Finished",
            ));
        }
        common.transcript = Transcript::new(common.provider);
        debug_event!(
            certificate = given,
            "client: answered a post-handshake CertificateRequest"
        );
        Ok(actions)
    }
}
