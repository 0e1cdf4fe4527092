//! proptest strategies for every wire type, generating only values inside
//! the RFC bounds (so that parse(encode(v)) == v must hold).

use proptest::collection::vec;
use proptest::prelude::*;

use mtls_wire::extensions::{Extension, ExtensionContext, Extensions, ProtocolName, ServerName};
use mtls_wire::handshake::{
    CertificateMsg, CertificateRequest, ClientHello, ClientKeyExchange, DigitallySigned,
    DistinguishedName, EcdheServerKeyExchange, HandshakePayload, KeyExchangeAlgorithm,
    NewSessionTicket, ParseContext, ServerEcdhParams, ServerHello, ServerKeyExchange, SessionId,
};
use mtls_wire::*;
use rustls_pki_types::CertificateDer;

pub fn bytes(min: usize, max: usize) -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), min..=max)
}

pub fn version() -> impl Strategy<Value = ProtocolVersion> {
    prop_oneof![
        Just(ProtocolVersion::TLSv1_2),
        Just(ProtocolVersion::TLSv1_3),
        any::<u16>().prop_map(ProtocolVersion::from),
    ]
}

pub fn suite() -> impl Strategy<Value = CipherSuite> {
    any::<u16>().prop_map(CipherSuite::from)
}

pub fn group() -> impl Strategy<Value = NamedGroup> {
    any::<u16>().prop_map(NamedGroup::from)
}

pub fn scheme() -> impl Strategy<Value = SignatureScheme> {
    any::<u16>().prop_map(SignatureScheme::from)
}

pub fn session_id() -> impl Strategy<Value = SessionId> {
    bytes(0, 32).prop_map(|b| SessionId::new(&b).unwrap())
}

pub fn random() -> impl Strategy<Value = [u8; 32]> {
    any::<[u8; 32]>()
}

/// Extension types with a typed variant; `Unknown` must avoid them.
const MODELLED_EXTENSIONS: [u16; 9] = [0, 10, 11, 13, 16, 23, 35, 43, 0xff01];

fn unknown_extension() -> impl Strategy<Value = Extension> {
    (
        any::<u16>().prop_filter("modelled type", |t| !MODELLED_EXTENSIONS.contains(t)),
        bytes(0, 40),
    )
        .prop_map(|(t, d)| Extension::Unknown(t, d))
}

fn server_names() -> impl Strategy<Value = Vec<ServerName>> {
    vec(
        prop_oneof![
            3 => bytes(1, 40).prop_map(ServerName::HostName),
            1 => (1u8..=255, bytes(0, 20)).prop_map(|(t, d)| ServerName::Unknown(t, d)),
        ],
        1..4,
    )
    .prop_map(|mut names| {
        // RFC 6066 3: one name per name_type.
        let mut seen = Vec::new();
        names.retain(|n| {
            let fresh = !seen.contains(&n.name_type());
            seen.push(n.name_type());
            fresh
        });
        names
    })
}

fn protocol_name() -> impl Strategy<Value = ProtocolName> {
    bytes(1, 20).prop_map(ProtocolName)
}

/// Extensions valid in a hello of `ctx`.
pub fn extension(ctx: ExtensionContext) -> BoxedStrategy<Extension> {
    let common = prop_oneof![
        vec(group(), 1..10).prop_map(Extension::SupportedGroups),
        vec(any::<u8>().prop_map(ECPointFormat::from), 1..5).prop_map(Extension::EcPointFormats),
        vec(scheme(), 1..10).prop_map(Extension::SignatureAlgorithms),
        Just(Extension::ExtendedMasterSecret),
        prop_oneof![bytes(0, 40), bytes(255, 255)].prop_map(Extension::RenegotiationInfo),
        bytes(0, 60).prop_map(Extension::SessionTicket),
        unknown_extension(),
    ];
    match ctx {
        ExtensionContext::ClientHello => prop_oneof![
            server_names().prop_map(Extension::ServerName),
            vec(protocol_name(), 1..5).prop_map(Extension::Alpn),
            vec(version(), 1..10).prop_map(Extension::SupportedVersions),
            common,
        ]
        .boxed(),
        ExtensionContext::ServerHello => prop_oneof![
            Just(Extension::ServerName(vec![])),
            protocol_name().prop_map(|n| Extension::Alpn(vec![n])),
            version().prop_map(Extension::SelectedVersion),
            common,
        ]
        .boxed(),
    }
}

/// A valid extensions block for `ctx`: unique types, `omitted` only if empty.
pub fn extensions(ctx: ExtensionContext) -> impl Strategy<Value = Extensions> {
    (vec(extension(ctx), 0..8), any::<bool>()).prop_map(|(mut list, omit)| {
        let mut seen = Vec::new();
        list.retain(|e| {
            let t = e.typ();
            let fresh = !seen.contains(&t);
            seen.push(t);
            fresh
        });
        let omitted = omit && list.is_empty();
        Extensions { list, omitted }
    })
}

pub fn client_hello() -> impl Strategy<Value = ClientHello> {
    (
        version(),
        random(),
        session_id(),
        vec(suite(), 1..20),
        vec(any::<u8>().prop_map(CompressionMethod::from), 1..5),
        extensions(ExtensionContext::ClientHello),
    )
        .prop_map(
            |(
                client_version,
                random,
                session_id,
                cipher_suites,
                compression_methods,
                extensions,
            )| {
                ClientHello {
                    client_version,
                    random,
                    session_id,
                    cipher_suites,
                    compression_methods,
                    extensions,
                }
            },
        )
}

pub fn server_hello() -> impl Strategy<Value = ServerHello> {
    (
        version(),
        random(),
        session_id(),
        suite(),
        any::<u8>().prop_map(CompressionMethod::from),
        extensions(ExtensionContext::ServerHello),
    )
        .prop_map(
            |(server_version, random, session_id, cipher_suite, compression_method, extensions)| {
                ServerHello {
                    server_version,
                    random,
                    session_id,
                    cipher_suite,
                    compression_method,
                    extensions,
                }
            },
        )
}

pub fn certificate() -> impl Strategy<Value = CertificateMsg> {
    vec(bytes(1, 60).prop_map(CertificateDer::from), 0..5).prop_map(CertificateMsg::from)
}

pub fn digitally_signed() -> impl Strategy<Value = DigitallySigned> {
    (scheme(), bytes(0, 100)).prop_map(|(scheme, signature)| DigitallySigned { scheme, signature })
}

pub fn server_key_exchange() -> impl Strategy<Value = ServerKeyExchange> {
    (group(), bytes(1, 255), digitally_signed()).prop_map(|(named_curve, public, signature)| {
        ServerKeyExchange::Ecdhe(EcdheServerKeyExchange {
            params: ServerEcdhParams {
                named_curve,
                public,
            },
            signature,
        })
    })
}

pub fn distinguished_names() -> impl Strategy<Value = Vec<DistinguishedName>> {
    vec(bytes(1, 40).prop_map(DistinguishedName), 0..5)
}

pub fn certificate_request() -> impl Strategy<Value = CertificateRequest> {
    (
        vec(any::<u8>().prop_map(ClientCertificateType::from), 1..5),
        vec(scheme(), 1..10),
        distinguished_names(),
    )
        .prop_map(
            |(certificate_types, supported_signature_algorithms, certificate_authorities)| {
                CertificateRequest {
                    certificate_types,
                    supported_signature_algorithms,
                    certificate_authorities,
                }
            },
        )
}

pub fn client_key_exchange() -> impl Strategy<Value = ClientKeyExchange> {
    prop_oneof![
        bytes(0, 300).prop_map(ClientKeyExchange::Rsa),
        bytes(1, 255).prop_map(ClientKeyExchange::Ecdhe),
    ]
}

pub fn new_session_ticket() -> impl Strategy<Value = NewSessionTicket> {
    (any::<u32>(), bytes(0, 100)).prop_map(|(lifetime_hint, ticket)| NewSessionTicket {
        lifetime_hint,
        ticket,
    })
}

/// Handshake types with a typed variant; `Unknown` must avoid them.
const MODELLED_HANDSHAKES: [u8; 11] = [0, 1, 2, 4, 11, 12, 13, 14, 15, 16, 20];

pub fn payload() -> impl Strategy<Value = HandshakePayload> {
    prop_oneof![
        Just(HandshakePayload::HelloRequest),
        client_hello().prop_map(HandshakePayload::ClientHello),
        server_hello().prop_map(HandshakePayload::ServerHello),
        certificate().prop_map(HandshakePayload::Certificate),
        server_key_exchange().prop_map(HandshakePayload::ServerKeyExchange),
        certificate_request().prop_map(HandshakePayload::CertificateRequest),
        Just(HandshakePayload::ServerHelloDone),
        digitally_signed().prop_map(HandshakePayload::CertificateVerify),
        client_key_exchange().prop_map(HandshakePayload::ClientKeyExchange),
        bytes(0, 48).prop_map(HandshakePayload::Finished),
        new_session_ticket().prop_map(HandshakePayload::NewSessionTicket),
        (
            any::<u8>().prop_filter("modelled type", |t| !MODELLED_HANDSHAKES.contains(t)),
            bytes(0, 60)
        )
            .prop_map(|(t, b)| HandshakePayload::Unknown(t, b)),
    ]
}

/// The context a receiver would parse `p` with.
pub fn context_for(p: &HandshakePayload) -> ParseContext {
    let kx = match p {
        HandshakePayload::ServerKeyExchange(s) => Some(s.kx()),
        HandshakePayload::ClientKeyExchange(c) => Some(c.kx()),
        _ => None,
    };
    ParseContext { kx }
}

pub fn any_context() -> impl Strategy<Value = ParseContext> {
    prop_oneof![
        Just(ParseContext { kx: None }),
        Just(ParseContext {
            kx: Some(KeyExchangeAlgorithm::Ecdhe)
        }),
        Just(ParseContext {
            kx: Some(KeyExchangeAlgorithm::Rsa)
        }),
    ]
}
