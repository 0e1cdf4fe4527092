//! proptest strategies for the TLS 1.3 messages (RFC 8446 4), generating
//! only values inside the RFC bounds, as `strategies` does for TLS 1.2.

use proptest::collection::vec;
use proptest::prelude::*;
use rustls_pki_types::CertificateDer;

use mtls_wire::extensions::ExtensionContext;
use mtls_wire::handshake::{
    CertificateEntry, CertificateRequestTls13, CertificateTls13, EncryptedExtensions,
    HELLO_RETRY_REQUEST_RANDOM, HandshakePayload, KeyUpdateRequest, NewSessionTicketTls13,
    ServerHello,
};
use mtls_wire::{CipherSuite, CompressionMethod, ProtocolVersion};

use super::strategies::{
    bytes, client_hello, digitally_signed, extensions, server_hello, session_id,
};

pub fn hello_retry_request() -> impl Strategy<Value = ServerHello> {
    (
        session_id(),
        any::<u16>().prop_map(CipherSuite::from),
        extensions(ExtensionContext::HelloRetryRequest),
    )
        .prop_map(|(session_id, cipher_suite, extensions)| ServerHello {
            server_version: ProtocolVersion::TLSv1_2,
            random: HELLO_RETRY_REQUEST_RANDOM,
            session_id,
            cipher_suite,
            compression_method: CompressionMethod::Null,
            extensions,
        })
}

pub fn encrypted_extensions() -> impl Strategy<Value = EncryptedExtensions> {
    extensions(ExtensionContext::EncryptedExtensions)
        .prop_map(|extensions| EncryptedExtensions { extensions })
}

pub fn certificate_tls13() -> impl Strategy<Value = CertificateTls13> {
    (
        bytes(0, 8),
        vec(
            (
                bytes(1, 60).prop_map(CertificateDer::from),
                extensions(ExtensionContext::Certificate),
            )
                .prop_map(|(cert_data, extensions)| CertificateEntry {
                    cert_data,
                    extensions,
                }),
            0..4,
        ),
    )
        .prop_map(
            |(certificate_request_context, certificate_list)| CertificateTls13 {
                certificate_request_context,
                certificate_list,
            },
        )
}

pub fn certificate_request_tls13() -> impl Strategy<Value = CertificateRequestTls13> {
    (
        bytes(0, 32),
        extensions(ExtensionContext::CertificateRequest),
    )
        .prop_map(
            |(certificate_request_context, extensions)| CertificateRequestTls13 {
                certificate_request_context,
                extensions,
            },
        )
}

pub fn new_session_ticket_tls13() -> impl Strategy<Value = NewSessionTicketTls13> {
    (
        any::<u32>(),
        any::<u32>(),
        bytes(0, 255),
        bytes(1, 100),
        extensions(ExtensionContext::NewSessionTicket),
    )
        .prop_map(
            |(ticket_lifetime, ticket_age_add, ticket_nonce, ticket, extensions)| {
                NewSessionTicketTls13 {
                    ticket_lifetime,
                    ticket_age_add,
                    ticket_nonce,
                    ticket,
                    extensions,
                }
            },
        )
}

pub fn key_update() -> impl Strategy<Value = KeyUpdateRequest> {
    prop_oneof![
        Just(KeyUpdateRequest::UpdateNotRequested),
        Just(KeyUpdateRequest::UpdateRequested),
    ]
}

/// Handshake types `parse_tls13` models; `Unknown` must avoid them.
const MODELLED_TLS13: [u8; 11] = [1, 2, 4, 5, 8, 11, 13, 15, 20, 24, 254];

/// Every TLS 1.3 body, as `HandshakeMessage::parse_tls13` gives them.
pub fn payload_tls13() -> impl Strategy<Value = HandshakePayload> {
    prop_oneof![
        client_hello().prop_map(HandshakePayload::ClientHello),
        server_hello().prop_map(HandshakePayload::ServerHello),
        hello_retry_request().prop_map(HandshakePayload::ServerHello),
        new_session_ticket_tls13().prop_map(HandshakePayload::NewSessionTicketTls13),
        Just(HandshakePayload::EndOfEarlyData),
        encrypted_extensions().prop_map(HandshakePayload::EncryptedExtensions),
        certificate_tls13().prop_map(HandshakePayload::CertificateTls13),
        certificate_request_tls13().prop_map(HandshakePayload::CertificateRequestTls13),
        digitally_signed().prop_map(HandshakePayload::CertificateVerify),
        bytes(32, 48).prop_map(HandshakePayload::Finished),
        key_update().prop_map(HandshakePayload::KeyUpdate),
        bytes(32, 48).prop_map(HandshakePayload::MessageHash),
        (
            any::<u8>().prop_filter("modelled type", |t| !MODELLED_TLS13.contains(t)),
            bytes(0, 60)
        )
            .prop_map(|(t, b)| HandshakePayload::Unknown(t, b)),
    ]
}
