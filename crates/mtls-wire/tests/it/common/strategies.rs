//! proptest strategies for every wire type, generating only values inside
//! the RFC bounds (so that parse(encode(v)) == v must hold).

use proptest::collection::vec;
use proptest::prelude::*;

use mtls_wire::extensions::{
    Extension, ExtensionContext, Extensions, KeyShareEntry, OfferedPsks, ProtocolName, PskIdentity,
    ServerName,
};
use mtls_wire::handshake::{
    CertificateMsg, CertificateRequest, ClientHello, ClientKeyExchange, DigitallySigned,
    DistinguishedName, EcdheServerKeyExchange, HELLO_RETRY_REQUEST_RANDOM, HandshakePayload,
    KeyExchangeAlgorithm, NewSessionTicket, ParseContext, ServerEcdhParams, ServerHello,
    ServerKeyExchange, SessionId,
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
const MODELLED_EXTENSIONS: [u16; 17] = [
    0, 10, 11, 13, 16, 23, 35, 41, 42, 43, 44, 45, 47, 49, 50, 51, 0xff01,
];

/// An extension this crate keeps raw, of a type `ctx` allows.
fn unknown_extension(ctx: ExtensionContext) -> impl Strategy<Value = Extension> {
    (
        any::<u16>().prop_filter("modelled or not allowed type", move |t| {
            !MODELLED_EXTENSIONS.contains(t) && ctx.tls13_allows(ExtensionType::from(*t))
        }),
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

fn key_share_entry() -> impl Strategy<Value = KeyShareEntry> {
    (group(), bytes(1, 97)).prop_map(|(group, key_exchange)| KeyShareEntry {
        group,
        key_exchange,
    })
}

fn offered_psks() -> impl Strategy<Value = OfferedPsks> {
    vec(
        (bytes(1, 40), any::<u32>(), bytes(32, 64)).prop_map(|(identity, age, binder)| {
            (
                PskIdentity {
                    identity,
                    obfuscated_ticket_age: age,
                },
                binder,
            )
        }),
        1..4,
    )
    .prop_map(|pairs| {
        let (identities, binders) = pairs.into_iter().unzip();
        OfferedPsks {
            identities,
            binders,
        }
    })
}

fn dn_names() -> impl Strategy<Value = Vec<DistinguishedName>> {
    vec(bytes(1, 40).prop_map(DistinguishedName), 1..4)
}

/// The TLS 1.2 extensions every hello strategy draws from.
fn tls12_common(ctx: ExtensionContext) -> BoxedStrategy<Extension> {
    prop_oneof![
        vec(group(), 1..10).prop_map(Extension::SupportedGroups),
        vec(any::<u8>().prop_map(ECPointFormat::from), 1..5).prop_map(Extension::EcPointFormats),
        vec(scheme(), 1..10).prop_map(Extension::SignatureAlgorithms),
        Just(Extension::ExtendedMasterSecret),
        prop_oneof![bytes(0, 40), bytes(255, 255)].prop_map(Extension::RenegotiationInfo),
        bytes(0, 60).prop_map(Extension::SessionTicket),
        unknown_extension(ctx),
    ]
    .boxed()
}

/// A version for a TLS 1.2 ServerHello's supported_versions: anything but
/// TLS 1.3, which would hold the block to RFC 8446's SH column.
fn not_tls13() -> impl Strategy<Value = ProtocolVersion> {
    version().prop_filter("TLS 1.3", |v| *v != ProtocolVersion::TLSv1_3)
}

/// Extensions valid in a message of `ctx`. For a ServerHello, those of a
/// TLS 1.2 ServerHello (see `tls13_server_hello_extension` for TLS 1.3).
pub fn extension(ctx: ExtensionContext) -> BoxedStrategy<Extension> {
    use ExtensionContext as C;
    match ctx {
        C::ClientHello => prop_oneof![
            server_names().prop_map(Extension::ServerName),
            vec(protocol_name(), 1..5).prop_map(Extension::Alpn),
            vec(version(), 1..10).prop_map(Extension::SupportedVersions),
            tls12_common(ctx),
            vec(key_share_entry(), 0..4).prop_map(Extension::KeyShare),
            offered_psks().prop_map(Extension::PreSharedKey),
            vec(any::<u8>().prop_map(PskKeyExchangeMode::from), 1..4)
                .prop_map(Extension::PskKeyExchangeModes),
            Just(Extension::EarlyData),
            bytes(1, 60).prop_map(Extension::Cookie),
            dn_names().prop_map(Extension::CertificateAuthorities),
            Just(Extension::PostHandshakeAuth),
            vec(scheme(), 1..10).prop_map(Extension::SignatureAlgorithmsCert),
        ]
        .boxed(),
        C::ServerHello => prop_oneof![
            Just(Extension::ServerName(vec![])),
            protocol_name().prop_map(|n| Extension::Alpn(vec![n])),
            not_tls13().prop_map(Extension::SelectedVersion),
            tls12_common(ctx),
        ]
        .boxed(),
        C::HelloRetryRequest => prop_oneof![
            version().prop_map(Extension::SelectedVersion),
            group().prop_map(Extension::SelectedGroup),
            bytes(1, 60).prop_map(Extension::Cookie),
            unknown_extension(ctx),
        ]
        .boxed(),
        C::EncryptedExtensions => prop_oneof![
            Just(Extension::ServerName(vec![])),
            protocol_name().prop_map(|n| Extension::Alpn(vec![n])),
            vec(group(), 1..10).prop_map(Extension::SupportedGroups),
            Just(Extension::EarlyData),
            unknown_extension(ctx),
        ]
        .boxed(),
        C::CertificateRequest => prop_oneof![
            vec(scheme(), 1..10).prop_map(Extension::SignatureAlgorithms),
            vec(scheme(), 1..10).prop_map(Extension::SignatureAlgorithmsCert),
            dn_names().prop_map(Extension::CertificateAuthorities),
            unknown_extension(ctx),
        ]
        .boxed(),
        C::Certificate => unknown_extension(ctx).boxed(),
        C::NewSessionTicket => prop_oneof![
            any::<u32>().prop_map(Extension::MaxEarlyDataSize),
            unknown_extension(ctx),
        ]
        .boxed(),
    }
}

/// The extensions of a TLS 1.3 ServerHello: supported_versions selecting
/// TLS 1.3 is added by `extensions`.
fn tls13_server_hello_extension() -> BoxedStrategy<Extension> {
    prop_oneof![
        key_share_entry().prop_map(Extension::ServerKeyShare),
        any::<u16>().prop_map(Extension::SelectedIdentity),
        unknown_extension(ExtensionContext::ServerHello),
    ]
    .boxed()
}

/// Unique types, pre_shared_key last in a ClientHello, `omitted` only for an
/// empty hello block, at least one extension in a CertificateRequest.
fn tidy(ctx: ExtensionContext, mut list: Vec<Extension>, omit: bool) -> Extensions {
    let mut seen = Vec::new();
    list.retain(|e| {
        let t = e.typ();
        let fresh = !seen.contains(&t);
        seen.push(t);
        fresh
    });
    if let Some(i) = list
        .iter()
        .position(|e| e.typ() == ExtensionType::PreSharedKey)
    {
        let psk = list.remove(i);
        list.push(psk);
    }
    if ctx == ExtensionContext::CertificateRequest && list.is_empty() {
        list.push(Extension::SignatureAlgorithms(vec![
            SignatureScheme::ECDSA_SECP256R1_SHA256,
        ]));
    }
    let omitted = omit && list.is_empty() && ctx.is_hello();
    Extensions { list, omitted }
}

/// A valid extensions block for `ctx` (for a ServerHello: of TLS 1.2 or of
/// TLS 1.3).
pub fn extensions(ctx: ExtensionContext) -> BoxedStrategy<Extensions> {
    let any_block = (vec(extension(ctx), 0..8), any::<bool>())
        .prop_map(move |(list, omit)| tidy(ctx, list, omit));
    if ctx != ExtensionContext::ServerHello {
        return any_block.boxed();
    }
    let tls13 = vec(tls13_server_hello_extension(), 0..4).prop_map(|mut list| {
        list.insert(0, Extension::SelectedVersion(ProtocolVersion::TLSv1_3));
        tidy(ExtensionContext::ServerHello, list, false)
    });
    prop_oneof![any_block, tls13].boxed()
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
        random().prop_filter("HelloRetryRequest", |r| *r != HELLO_RETRY_REQUEST_RANDOM),
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
