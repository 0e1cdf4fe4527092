//! What a TLS 1.2 ServerHello may carry: no extension block at all to a ClientHello that
//! offered none (RFC 5246 7.4.1.4), and, at the client, no echo of the random
//! legacy_session_id a TLS 1.3-capable client sent without a session to resume (RFC 8446
//! 4.1.2, D.4).

use std::sync::{Arc, Mutex};

use mtls_handshake::{Input, suites};
use mtls_wire::extensions::Extensions;
use mtls_wire::handshake::{ClientHello, HandshakePayload, SessionId};
use mtls_wire::{AlertDescription, CipherSuite, CompressionMethod, ProtocolVersion};

use crate::common::*;

/// The ServerHello a TLS 1.2 server answers to a ClientHello whose extension block is
/// `extensions`: static RSA, so that no signature_algorithms is needed.
fn server_hello_to(extensions: Extensions) -> Vec<u8> {
    let mut sc = server_config("server-rsa");
    sc.enable_static_rsa = true;
    sc.require_ems = false;
    sc.suites = vec![suites::RSA_AES128_GCM];
    let (_, mut server, _) = direct(client_config(), sc, 40);
    let hello = ClientHello {
        client_version: ProtocolVersion::TLSv1_2,
        random: [7; 32],
        session_id: SessionId::default(),
        cipher_suites: vec![CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256],
        compression_methods: vec![CompressionMethod::Null],
        extensions,
    };
    let bytes = encode_message(HandshakePayload::ClientHello(hello));
    let answer = outs(server.handle(Input::Handshake(&bytes)).unwrap());
    let Some(Out::Hs(server_hello)) = answer.first() else {
        panic!("no ServerHello: {answer:?}")
    };
    server_hello.clone()
}

/// RFC 5246 7.4.1.4: "the server MUST NOT send an extension that the client did not offer":
/// to a ClientHello without an extension block, or with an empty one, the ServerHello ends
/// after compression_method, with no (empty) extension block either.
#[test]
fn rfc5246_7_4_1_4_server_hello_to_a_hello_without_extensions_has_no_extension_block() {
    for extensions in [Extensions::omitted(), Extensions::new(Vec::new())] {
        let m = server_hello_to(extensions);
        let HandshakePayload::ServerHello(sh) = parse_message(&m, None) else {
            panic!("not a ServerHello")
        };
        assert!(sh.extensions.list.is_empty());
        // version 2, random 32, session_id 1 + n, cipher_suite 2, compression_method 1.
        let body_len = 2 + 32 + 1 + sh.session_id.as_slice().len() + 2 + 1;
        assert_eq!(
            m.len(),
            4 + body_len,
            "the ServerHello has an extension block"
        );
    }
}

/// RFC 8446 4.1.2 and D.4: a client that offers TLS 1.3 and no TLS 1.2 session sends a
/// fresh random legacy_session_id; a TLS 1.2 server that echoes it claims to resume a
/// session that was never offered (RFC 5246 7.4.1.3): illegal_parameter.
#[test]
fn rfc8446_4_1_2_tls12_server_hello_echoing_the_compatibility_session_id_is_illegal_parameter() {
    let sent: Arc<Mutex<Option<SessionId>>> = Arc::default();
    let record = Arc::clone(&sent);
    let mut cc = client_config();
    cc.versions = vec![ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_2];
    let mut p = Pair::build(
        Arc::new(cc),
        Arc::new(server_config("server-ecdsa")),
        41,
        Some("localhost"),
        Some(edit_client_hello(move |ch| {
            *record.lock().unwrap() = Some(ch.session_id);
        })),
        Some(edit_server_hello(move |sh| {
            sh.session_id = sent.lock().unwrap().unwrap();
        })),
    );
    p.run();
    p.assert_dead("client", AlertDescription::IllegalParameter);
}
