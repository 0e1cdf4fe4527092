//! The structure-aware `client_hello_structured` target: a well-formed ClientHello built
//! field by field with `arbitrary`, round-tripped through the codec, then given to a server
//! connection.

use arbitrary::{Result as ArbResult, Unstructured};
use mtls_record::MAX_PLAINTEXT_LEN;
use mtls_wire::extensions::{Extension, Extensions, ProtocolName, ServerName};
use mtls_wire::handshake::{
    ClientHello, HandshakeMessage, HandshakePayload, ParseContext, SessionId,
};
use mtls_wire::{CipherSuite, CompressionMethod, ECPointFormat, NamedGroup, SignatureScheme};

use crate::connections::{ALPN, Outcome, SERVER_NAME, drive, new_server};

/// Suites mostly drawn from (ours first, then SCSVs and others).
const SUITES: [u16; 12] = [
    0xc02b, 0xc02c, 0xc02f, 0xc030, 0xcca8, 0xcca9, 0x009c, 0x009d, 0x00ff, 0x5600, 0x1301, 0xc013,
];
const GROUPS: [u16; 5] = [29, 23, 24, 25, 30];
const SCHEMES: [u16; 9] = [
    0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0201,
];
/// Extension types [`Extension::parse_data`] decodes, or refuses in a ClientHello
/// (oid_filters, RFC 8446 4.2): an `Unknown` must avoid them.
const MODELED_EXTENSIONS: [u16; 18] = [
    0, 10, 11, 13, 16, 23, 35, 41, 42, 43, 44, 45, 47, 48, 49, 50, 51, 0xff01,
];

fn pick_u16(u: &mut Unstructured<'_>, known: &[u16]) -> ArbResult<u16> {
    if u.ratio(7u8, 8u8)? {
        Ok(*u.choose(known)?)
    } else {
        u.arbitrary()
    }
}

fn list<T>(
    u: &mut Unstructured<'_>,
    min: usize,
    max: usize,
    mut item: impl FnMut(&mut Unstructured<'_>) -> ArbResult<T>,
) -> ArbResult<Vec<T>> {
    let n = u.int_in_range(min..=max)?;
    (0..n).map(|_| item(u)).collect()
}

fn some_bytes(u: &mut Unstructured<'_>, min: usize, max: usize) -> ArbResult<Vec<u8>> {
    let n = u.int_in_range(min..=max)?;
    let mut v = u.bytes(n.min(u.len()))?.to_vec();
    v.resize(n, b'a');
    Ok(v)
}

fn arbitrary_extension(u: &mut Unstructured<'_>, kind: u8) -> ArbResult<Extension> {
    Ok(match kind {
        0 => {
            // One host_name, maybe followed by names of other (unique) types.
            let mut names = vec![ServerName::HostName(if u.ratio(3u8, 4u8)? {
                SERVER_NAME.as_bytes().to_vec()
            } else {
                some_bytes(u, 1, 40)?
            })];
            let mut seen = vec![0u8];
            for _ in 0..u.int_in_range(0..=2)? {
                let t: u8 = u.arbitrary()?;
                if !seen.contains(&t) {
                    seen.push(t);
                    names.push(ServerName::Unknown(t, some_bytes(u, 0, 8)?));
                }
            }
            Extension::ServerName(names)
        }
        1 => Extension::SupportedGroups(list(u, 1, 8, |u| {
            pick_u16(u, &GROUPS).map(NamedGroup::from)
        })?),
        2 => Extension::EcPointFormats(list(u, 1, 4, |u| {
            Ok(ECPointFormat::from(if u.ratio(3u8, 4u8)? {
                0
            } else {
                u.arbitrary()?
            }))
        })?),
        3 => Extension::SignatureAlgorithms(list(u, 1, 12, |u| {
            pick_u16(u, &SCHEMES).map(SignatureScheme::from)
        })?),
        4 => Extension::Alpn(list(u, 1, 4, |u| {
            Ok(ProtocolName(if u.ratio(3u8, 4u8)? {
                u.choose(&ALPN)?.to_vec()
            } else {
                some_bytes(u, 1, 16)?
            }))
        })?),
        5 => Extension::ExtendedMasterSecret,
        6 => Extension::RenegotiationInfo(some_bytes(u, 0, 12)?),
        7 => Extension::SessionTicket(some_bytes(u, 0, 48)?),
        8 => Extension::SupportedVersions(list(u, 1, 6, |u| {
            pick_u16(u, &[0x0303, 0x0304, 0x0302]).map(mtls_wire::ProtocolVersion::from)
        })?),
        _ => {
            let mut t: u16 = u.arbitrary()?;
            if MODELED_EXTENSIONS.contains(&t) {
                t = 0xfe00 | (t & 0xff);
            }
            Extension::Unknown(t, some_bytes(u, 0, 24)?)
        }
    })
}

/// Builds a ClientHello from the fuzzer's bytes: every field well formed by construction
/// (so that encoding must parse back to the same value), values mostly drawn from what a
/// real client offers so that the server gets past negotiation often.
pub fn arbitrary_client_hello(u: &mut Unstructured<'_>) -> ArbResult<ClientHello> {
    let client_version = pick_u16(u, &[0x0303, 0x0303, 0x0302, 0x0304, 0x0300])?;
    let random: [u8; 32] = u.arbitrary()?;
    let sid = some_bytes(u, 0, 32)?;
    let cipher_suites = list(u, 1, 24, |u| pick_u16(u, &SUITES).map(CipherSuite::from))?;
    let compression_methods = list(u, 1, 3, |u| {
        Ok(CompressionMethod::from(if u.ratio(7u8, 8u8)? {
            0
        } else {
            u.arbitrary::<u8>()?
        }))
    })?;
    let extensions = if u.ratio(1u8, 16u8)? {
        Extensions::omitted()
    } else {
        // Each kind at most once (RFC 5246 7.4.1.4), in an order the fuzzer picks; two
        // `Unknown`s could collide, so at most one of those.
        let mut kinds: Vec<u8> = (0..10).collect();
        let mut list = Vec::new();
        while !kinds.is_empty() && u.ratio(7u8, 8u8)? {
            let i = u.choose_index(kinds.len())?;
            let kind = kinds.remove(i);
            list.push(arbitrary_extension(u, kind)?);
        }
        Extensions::new(list)
    };
    Ok(ClientHello {
        client_version: mtls_wire::ProtocolVersion::from(client_version),
        random,
        session_id: SessionId::new(&sid).unwrap_or_default(),
        cipher_suites,
        compression_methods,
        extensions,
    })
}

/// Frames a handshake message as plaintext handshake records of at most `max` bytes each.
pub fn handshake_as_records(message: &[u8], version: u16, max: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + 5 * (message.len() / max.max(1) + 1));
    for piece in message.chunks(max.clamp(1, MAX_PLAINTEXT_LEN)) {
        out.push(22);
        out.extend_from_slice(&version.to_be_bytes());
        out.extend_from_slice(&(piece.len() as u16).to_be_bytes());
        out.extend_from_slice(piece);
    }
    out
}

/// `client_hello_structured`: builds a ClientHello from the input with `arbitrary`
/// ([`arbitrary_client_hello`]), encodes it, parses it back (must be equal, as a body and
/// as a whole handshake message), then gives it to a fresh server connection as handshake
/// records (fragment size and record version also from the input). A ClientHello the
/// server accepts must get an answer.
pub fn fuzz_client_hello_structured(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(hello) = arbitrary_client_hello(&mut u) else {
        return;
    };
    let mut body = Vec::new();
    hello.encode(&mut body);
    match ClientHello::parse(&body) {
        Ok(back) => assert_eq!(back, hello, "parse(encode(hello)) != hello"),
        Err(e) => panic!("encoded ClientHello does not parse: {e}\n{hello:?}"),
    }
    let message = HandshakeMessage::new(HandshakePayload::ClientHello(hello.clone()));
    match HandshakeMessage::parse(message.raw(), &ParseContext::new()) {
        Ok((back, rest)) => {
            assert!(rest.is_empty());
            assert_eq!(back.payload(), &HandshakePayload::ClientHello(hello));
            assert_eq!(back.raw(), message.raw());
        }
        Err(e) => panic!("encoded handshake message does not parse: {e}"),
    }
    let fragment = match u.int_in_range(0u16..=3) {
        Ok(0) | Err(_) => MAX_PLAINTEXT_LEN,
        Ok(1) => 1,
        Ok(2) => 7,
        Ok(_) => 100,
    };
    let version = if u.ratio(1u8, 4u8).unwrap_or(false) {
        0x0301
    } else {
        0x0303
    };
    let records = handshake_as_records(message.raw(), version, fragment);
    let mut conn = new_server();
    let mut wrote = Vec::new();
    if drive(&mut conn, &[&records], &mut wrote) == Outcome::Alive {
        assert!(
            !wrote.is_empty(),
            "a ClientHello was accepted but not answered"
        );
    }
}
