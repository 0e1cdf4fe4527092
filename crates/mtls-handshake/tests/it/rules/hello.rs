//! What a ClientHello may and must carry for the server to go on: a valid SNI host name
//! (RFC 6066 3), supported_groups or its absence (RFC 8422 4), and signature schemes without
//! SHA-1 (RFC 5246 7.4.1.4.1, 7.4.8).

use std::sync::Arc;

use mtls_crypto::kx::NamedGroup;
use mtls_handshake::ClientAuthPolicy;
use mtls_wire::extensions::{Extension, ServerName};
use mtls_wire::handshake::{
    DigitallySigned, HandshakePayload, KeyExchangeAlgorithm, ServerKeyExchange,
};
use mtls_wire::{AlertDescription, ExtensionType, HandshakeType, SignatureScheme};

use crate::common::*;

fn with_sni(name: &'static [u8]) -> Tamper {
    edit_client_hello(move |ch| {
        ch.extensions
            .list
            .retain(|e| e.typ() != ExtensionType::ServerName);
        ch.extensions
            .list
            .push(Extension::ServerName(vec![ServerName::HostName(
                name.to_vec(),
            )]));
    })
}

fn run_with_sni(name: &'static [u8], seed: u8) -> Pair {
    let mut p = Pair::build(
        Arc::new(client_config()),
        Arc::new(server_config("server-ecdsa")),
        seed,
        Some("localhost"),
        Some(with_sni(name)),
        None,
    );
    p.run();
    p
}

/// RFC 6066 3: HostName is "the fully qualified DNS hostname of the server, as understood
/// by the client ... represented as a byte string using ASCII encoding without a trailing
/// dot", and "Literal IPv4 and IPv6 addresses are not permitted"; a host name is letters,
/// digits and hyphens in labels of 1 to 63 that neither start nor end with a hyphen
/// (RFC 1123 2.1, RFC 952).
#[test]
fn rfc6066_3_sni_that_is_not_a_dns_host_name_is_illegal_parameter() {
    let bad: [&[u8]; 12] = [
        b"local\0host",
        b"localhost\0",
        b"local\nhost",
        b"local\x7fhost",
        b"exa mple.com",
        b"-bad.example",
        b"bad-.example",
        b"a..b",
        b"example.com.",
        b"127.0.0.1",
        b"::1",
        b"caf\xc3\xa9.example",
    ];
    for (i, name) in bad.into_iter().enumerate() {
        let mut p = run_with_sni(name, 60 + i as u8);
        p.assert_dead("server", AlertDescription::IllegalParameter);
    }
    let long_label = b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example";
    let mut p = run_with_sni(long_label, 80);
    p.assert_dead("server", AlertDescription::IllegalParameter);
}

#[test]
fn rfc6066_3_sni_host_names_that_are_valid_are_accepted() {
    for (i, name) in [
        "localhost",
        "LocalHost",
        "a-b.example.com",
        "xn--bcher-kva.example",
        "1password.example",
        "x",
    ]
    .into_iter()
    .enumerate()
    {
        // Sent by our client as it is: no tampering, so the transcript holds.
        let mut p = Pair::build(
            Arc::new(client_config()),
            Arc::new(server_config("server-ecdsa")),
            90 + i as u8,
            Some(name),
            None,
            None,
        );
        p.run();
        p.assert_ok();
        let want = name.to_ascii_lowercase();
        assert_eq!(p.server.summary().unwrap().server_name, Some(want));
    }
}

/// RFC 8422 4: "A client that proposes ECC cipher suites may choose not to include these
/// extensions. In this case, the server is free to choose any one of the elliptic curves or
/// point formats listed in Section 5" -- which names secp256r1, and every ECC client speaks
/// it: not X25519, which a client that sends no list may not know.
#[test]
fn rfc8422_4_no_supported_groups_means_secp256r1() {
    for (seed, cert) in [(100, "server-ecdsa"), (101, "server-rsa")] {
        let (_client, mut server, hello) = direct(client_config(), server_config(cert), seed);
        let Out::Hs(m) = &hello[0] else { panic!() };
        let HandshakePayload::ClientHello(mut ch) = parse_message(m, None) else {
            panic!("not a ClientHello")
        };
        ch.extensions
            .list
            .retain(|e| e.typ() != ExtensionType::SupportedGroups);
        let flight = feed(
            &mut server,
            &[Out::Hs(encode_message(HandshakePayload::ClientHello(ch)))],
        )
        .unwrap();
        let curve = flight.iter().find_map(|out| match out {
            Out::Hs(m) if m[0] == HandshakeType::ServerKeyExchange.to_u8() => {
                match parse_message(m, Some(KeyExchangeAlgorithm::Ecdhe)) {
                    HandshakePayload::ServerKeyExchange(ServerKeyExchange::Ecdhe(ske)) => {
                        Some(ske.params.named_curve)
                    }
                    other => panic!("{other:?}"),
                }
            }
            _ => None,
        });
        assert_eq!(
            curve,
            Some(mtls_wire::NamedGroup::from(NamedGroup::Secp256r1.to_u16())),
            "{cert}"
        );
    }
}

/// RFC 5246 7.4.1.4.1: without signature_algorithms the server must assume {sha1, rsa} or
/// {sha1, ecdsa}; SHA-1 is refused here, so nothing can be signed: handshake_failure, a
/// clean fatal alert.
#[test]
fn rfc5246_7_4_1_4_1_client_hello_without_signature_algorithms_is_handshake_failure() {
    for (seed, cert) in [(102, "server-ecdsa"), (105, "server-rsa")] {
        let mut p = Pair::build(
            Arc::new(client_config()),
            Arc::new(server_config(cert)),
            seed,
            Some("localhost"),
            Some(drop_signature_algorithms()),
            None,
        );
        p.run();
        p.assert_dead("server", AlertDescription::HandshakeFailure);
    }
}

fn drop_signature_algorithms() -> Tamper {
    edit_client_hello(|ch| {
        ch.extensions
            .list
            .retain(|e| e.typ() != ExtensionType::SignatureAlgorithms)
    })
}

/// RFC 5246 7.4.8: the CertificateVerify's scheme must be one the CertificateRequest
/// offered; SHA-1 (rsa_pkcs1_sha1 0x0201, ecdsa_sha1 0x0203) never is: illegal_parameter.
#[test]
fn rfc5246_7_4_8_certificate_verify_with_sha1_is_illegal_parameter() {
    for (seed, cert, sha1) in [(103, "client-rsa", 0x0201), (104, "client-ecdsa", 0x0203)] {
        let mut sc = server_config("server-ecdsa");
        sc.client_auth = ClientAuthPolicy::Required;
        sc.client_verifier = Some(Arc::new(TestClientVerifier::accepting()));
        let mut cc = client_config();
        cc.cert_resolver = Some(Arc::new(certified(cert)));
        let to_sha1 = on_type(HandshakeType::CertificateVerify, move |m| {
            let HandshakePayload::CertificateVerify(cv) = parse_message(m, None) else {
                panic!("not a CertificateVerify")
            };
            vec![encode_message(HandshakePayload::CertificateVerify(
                DigitallySigned {
                    scheme: SignatureScheme::from(sha1),
                    signature: cv.signature,
                },
            ))]
        });
        let mut p = Pair::build(
            Arc::new(cc),
            Arc::new(sc),
            seed,
            Some("localhost"),
            Some(to_sha1),
            None,
        );
        p.run();
        p.assert_dead("server", AlertDescription::IllegalParameter);
    }
}
