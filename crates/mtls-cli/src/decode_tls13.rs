//! The TLS 1.3 part of `mtls decode` (RFC 8446): the bodies of TLS 1.3 handshake messages
//! (read with mtls-wire's `HandshakeMessage::parse_tls13`) and the values of the TLS 1.3
//! extensions. `decode.rs` decides when a stream is TLS 1.3 and calls these.

use std::fmt::Write as _;

use mtls_wire::extensions::Extension;
use mtls_wire::handshake::{HELLO_RETRY_REQUEST_RANDOM, HandshakePayload, KeyUpdateRequest};

use crate::common::{dn, known, snake, subject};
use crate::decode::{extensions, field, group, hex, item, list, scheme};

/// True for a ServerHello that is a HelloRetryRequest (RFC 8446 4.1.3: its random is the
/// SHA-256 of "HelloRetryRequest").
pub(crate) fn is_hello_retry_request(random: &[u8]) -> bool {
    random == HELLO_RETRY_REQUEST_RANDOM
}

/// Prints the body of a TLS 1.3 message; `false` for the payloads TLS 1.2 shares, which the
/// caller prints.
pub(crate) fn message(payload: &HandshakePayload, out: &mut String) -> bool {
    match payload {
        HandshakePayload::EncryptedExtensions(m) => extensions(out, &m.extensions),
        HandshakePayload::CertificateTls13(m) => {
            context(out, &m.certificate_request_context);
            let n = m.certificate_list.len();
            if n == 0 {
                field(out, "certificate_list", "empty (no certificate)");
            } else {
                field(out, "certificate_list", &format!("{n}"));
            }
            for (i, entry) in m.certificate_list.iter().enumerate() {
                let der = entry.cert_data.as_ref();
                item(
                    out,
                    &format!(
                        "[{i}] {} bytes, subject {}",
                        der.len(),
                        subject(der).unwrap_or_else(|| "(does not parse)".into())
                    ),
                );
                if !entry.extensions.is_empty() {
                    extensions(out, &entry.extensions);
                }
            }
        }
        HandshakePayload::CertificateRequestTls13(m) => {
            context(out, &m.certificate_request_context);
            extensions(out, &m.extensions);
        }
        HandshakePayload::NewSessionTicketTls13(t) => {
            field(out, "ticket_lifetime", &format!("{} s", t.ticket_lifetime));
            field(out, "ticket_age_add", &format!("{}", t.ticket_age_add));
            field(out, "ticket_nonce", &hex(&t.ticket_nonce));
            field(out, "ticket", &format!("{} bytes", t.ticket.len()));
            extensions(out, &t.extensions);
        }
        HandshakePayload::KeyUpdate(r) => {
            let what = match r {
                KeyUpdateRequest::UpdateRequested => "update_requested (1): answer with ours",
                KeyUpdateRequest::UpdateNotRequested => "update_not_requested (0)",
            };
            field(out, "request_update", what);
        }
        HandshakePayload::EndOfEarlyData => field(out, "(empty body)", ""),
        HandshakePayload::MessageHash(h) => field(out, "hash of ClientHello1", &hex(h)),
        _ => return false,
    }
    true
}

/// The certificate_request_context: empty in the handshake, the request's own in
/// post-handshake authentication (RFC 8446 4.3.2, 4.4.2).
fn context(out: &mut String, ctx: &[u8]) {
    if ctx.is_empty() {
        field(
            out,
            "certificate_request_context",
            "empty (in the handshake)",
        );
    } else {
        field(
            out,
            "certificate_request_context",
            &format!("{} (post-handshake, RFC 8446 4.6.2)", hex(ctx)),
        );
    }
}

/// The value of a TLS 1.3 extension, or `None` for the ones TLS 1.2 shares.
pub(crate) fn extension_value(e: &Extension, out: &mut String, label: &str) -> Option<String> {
    Some(match e {
        Extension::KeyShare(shares) => list(shares, |s| {
            format!("{} ({} bytes)", group(s.group), s.key_exchange.len())
        }),
        Extension::ServerKeyShare(s) => {
            format!("{} ({} bytes)", group(s.group), s.key_exchange.len())
        }
        Extension::SelectedGroup(g) => {
            format!("{} (HelloRetryRequest: send a share of it)", group(*g))
        }
        Extension::PskKeyExchangeModes(m) => list(m, |m| {
            format!(
                "{} ({})",
                known(m).map_or_else(|| "unknown".into(), |n| snake(&n)),
                m.to_u8()
            )
        }),
        Extension::PreSharedKey(p) => format!(
            "{} identities, {} binders",
            p.identities.len(),
            p.binders.len()
        ),
        Extension::SelectedIdentity(i) => format!("identity {i}"),
        Extension::EarlyData => "(empty)".into(),
        Extension::MaxEarlyDataSize(n) => format!("max_early_data_size {n}"),
        Extension::Cookie(c) => format!("{} bytes", c.len()),
        Extension::PostHandshakeAuth => {
            "(empty: the client answers CertificateRequests after the handshake)".into()
        }
        Extension::CertificateAuthorities(names) => {
            let _ = writeln!(out, "      {label:<32} {} names", names.len());
            for n in names {
                let _ = writeln!(
                    out,
                    "        {}",
                    dn(n.as_ref()).unwrap_or_else(|| "(does not parse)".into())
                );
            }
            return Some(String::new());
        }
        Extension::SignatureAlgorithmsCert(s) => {
            let _ = writeln!(out, "      {label:<32} {} schemes", s.len());
            for sc in s {
                let _ = writeln!(out, "        {}", scheme(*sc));
            }
            return Some(String::new());
        }
        _ => return None,
    })
}
