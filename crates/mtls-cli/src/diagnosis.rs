//! `mtls verify`'s last line: the library verifier's verdict, with its cause named from the
//! facts of `chain.rs` and the fix, e.g. `refused: expired 3 days ago (notAfter 2026-12-02
//! 00:00:00 UTC); renew it`.
//!
//! The verifier's [`CertificateError`] decides accepted or refused and which kind of
//! refusal; the facts only say which certificate, which date, which name. When they cannot
//! (a verifier rule the facts do not model), the line is the verifier's own words and alert.

use mtls::CertificateError;

use crate::certinfo::CertInfo;
use crate::chain::{Analysis, Input, PathEnd, Revocation, SigOutcome, Signer, Usage, Window};
use crate::when;

/// Accepted or refused, the cause as a short key (for `--json`), and the line.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// True when the verifier accepted the chain.
    pub accepted: bool,
    /// `accepted`, `unknown_ca`, `missing_issuer`, `expired`, `not_yet_valid`, `wrong_eku`,
    /// `wrong_name`, `revoked`, ...
    pub cause: &'static str,
    /// The one line: `accepted: ...` or `refused: ...`.
    pub line: String,
}

/// What the verdict is about besides the facts.
pub struct Context<'a> {
    /// The input checked.
    pub input: &'a Input<'a>,
    /// The facts.
    pub analysis: &'a Analysis,
    /// The chain file, as named on the command line.
    pub chain_file: &'a str,
    /// The CA file.
    pub ca_file: &'a str,
}

/// The snake-case name of a refusal's alert (`unknown_ca`).
pub fn alert_name(e: &CertificateError) -> String {
    e.alert().rfc_name().unwrap_or("unknown").to_string()
}

/// The verdict on `result`, the verifier's answer.
pub fn verdict(result: &Result<(), CertificateError>, cx: &Context<'_>) -> Verdict {
    let Err(e) = result else {
        return accepted(cx);
    };
    let found = match e {
        CertificateError::UnknownIssuer => unknown_issuer(cx),
        CertificateError::Expired => expired(cx),
        CertificateError::InvalidPurpose => wrong_eku(cx),
        CertificateError::NotValidForName(n) => Some(wrong_name(cx, n)),
        CertificateError::Revoked => revoked(cx),
        CertificateError::BadCertificate => bad_certificate(cx),
        CertificateError::UnsupportedCertificate => unsupported(cx),
        CertificateError::Other(..) => crl_problem(cx),
        CertificateError::AccessDenied => None,
    };
    found.unwrap_or_else(|| Verdict {
        accepted: false,
        cause: "other",
        line: format!("refused: {e} (alert {})", alert_name(e)),
    })
}

fn refused(cause: &'static str, line: String) -> Option<Verdict> {
    Some(Verdict {
        accepted: false,
        cause,
        line: format!("refused: {line}"),
    })
}

fn cert<'a>(cx: &Context<'a>, i: usize) -> Option<&'a CertInfo> {
    cx.input.chain.get(i)
}

/// `the leaf` or `intermediate CN=...`, to start a sentence about path certificate `i`.
fn which(cx: &Context<'_>, i: usize) -> String {
    match cert(cx, i) {
        Some(c) if i != 0 => format!("intermediate {} ", c.subject),
        _ => String::new(),
    }
}

fn roots_text(cx: &Context<'_>) -> String {
    match cx.input.roots {
        [] => "none".into(),
        [only] => only.subject.clone(),
        many => many
            .iter()
            .map(|r| format!("[{}]", r.subject))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn accepted(cx: &Context<'_>) -> Verdict {
    let a = cx.analysis;
    let leaf = cert(cx, 0).map_or_else(String::new, |c| c.subject.clone());
    let root = match a.end {
        PathEnd::Anchored(r) => cx
            .input
            .roots
            .get(r)
            .map_or_else(String::new, |c| format!(" under {}", c.subject)),
        _ => String::new(),
    };
    let until = a
        .path
        .iter()
        .filter_map(|&i| cert(cx, i).map(|c| c.not_after))
        .min()
        .map_or_else(String::new, |t| {
            format!(
                ", valid until {} ({} left)",
                when::utc(t),
                when::span(t.saturating_sub(cx.input.at))
            )
        });
    let name = match (&a.name, cx.input.purpose) {
        (Some(n), crate::chain::Purpose::Server) => format!(" for {}", n.name),
        (None, crate::chain::Purpose::Server) => " (name not checked: give --name)".to_string(),
        (_, crate::chain::Purpose::Client) => String::new(),
    };
    let crl = if cx.input.crls.is_empty() {
        ""
    } else {
        ", not revoked"
    };
    Verdict {
        accepted: true,
        cause: "accepted",
        line: format!(
            "accepted: {leaf} is a valid {} certificate{name}{root}{until}{crl}",
            cx.input.purpose.eku_name()
        ),
    }
}

fn unknown_issuer(cx: &Context<'_>) -> Option<Verdict> {
    let roots = roots_text(cx);
    match cx.analysis.end {
        PathEnd::UntrustedRoot(i) => {
            let top = cert(cx, i)?;
            refused(
                "unknown_ca",
                format!(
                    "the chain is not issued by the given CA (it ends at {}, a root that {} does \
                     not hold; trusted roots: {roots}); verify against that root, or use a \
                     certificate issued under a trusted one",
                    top.subject, cx.ca_file
                ),
            )
        }
        PathEnd::MissingIssuer(i) => {
            let c = cert(cx, i)?;
            refused(
                "missing_issuer",
                format!(
                    "the chain is not issued by the given CA, or an intermediate is missing \
                     (issuer {issuer} of {subject} is in neither {chain} nor {ca}; trusted \
                     roots: {roots}); if {issuer} is an intermediate CA, append its certificate \
                     to {chain}; if not, verify against its root or use a certificate issued \
                     under a trusted one",
                    issuer = c.issuer,
                    subject = c.subject,
                    chain = cx.chain_file,
                    ca = cx.ca_file,
                ),
            )
        }
        PathEnd::TooLong => refused(
            "path_too_long",
            "the path to a trusted root is longer than the verifier builds".into(),
        ),
        PathEnd::Anchored(_) => None,
    }
}

fn expired(cx: &Context<'_>) -> Option<Verdict> {
    cx.analysis.windows.iter().find_map(|&(i, w)| match w {
        Window::Expired(ago) => {
            let c = cert(cx, i)?;
            refused(
                "expired",
                format!(
                    "{}expired {} ago (notAfter {}); renew it{}",
                    which(cx, i),
                    when::span(ago),
                    when::utc(c.not_after),
                    if i == 0 {
                        ""
                    } else {
                        " and send the new chain"
                    },
                ),
            )
        }
        Window::NotYetValid(until) => {
            let c = cert(cx, i)?;
            refused(
                "not_yet_valid",
                format!(
                    "{}not yet valid: valid from {} (in {}); check the clock of the machine \
                         that verifies, or of the CA that issued it",
                    which(cx, i),
                    when::utc(c.not_before),
                    when::span(until),
                ),
            )
        }
        Window::Valid(_) => None,
    })
}

fn wrong_eku(cx: &Context<'_>) -> Option<Verdict> {
    let want = cx.input.purpose.eku_name();
    cx.analysis.usage.iter().find_map(|(i, u)| match u {
        Usage::MissingEku(has) => {
            let has = if has.is_empty() {
                "an empty list".to_string()
            } else {
                has.join(", ")
            };
            let fix = if *i == 0 {
                format!("issue a certificate with {want} in extendedKeyUsage")
            } else {
                format!("this CA may only issue for {has}; use one that allows {want}")
            };
            refused(
                "wrong_eku",
                format!(
                    "{}no {want} in extendedKeyUsage (it has: {has}); {fix}",
                    which(cx, *i)
                ),
            )
        }
        _ => None,
    })
}

fn wrong_name(cx: &Context<'_>, name: &str) -> Verdict {
    let leaf = cert(cx, 0);
    let names: Vec<String> = leaf
        .map(|c| {
            c.sans
                .iter()
                .filter(|s| {
                    matches!(
                        s,
                        crate::certinfo::San::Dns(_) | crate::certinfo::San::Ip(_)
                    )
                })
                .map(ToString::to_string)
                .collect()
        })
        .unwrap_or_default();
    let subject = leaf.map_or_else(String::new, |c| c.subject.clone());
    let form = if name.parse::<std::net::IpAddr>().is_ok() {
        "IP"
    } else {
        "DNS"
    };
    let line = if cx.analysis.name.is_none() {
        format!(
            "{subject} has no DNS or IP subjectAltName, so it is valid for no server name (the \
             subject CN is never used); reissue it with its names in subjectAltName"
        )
    } else if names.is_empty() {
        format!(
            "not valid for {name}: {subject} has no DNS or IP subjectAltName (the subject CN is \
             never used); reissue it with subjectAltName {form}:{name}"
        )
    } else {
        format!(
            "not valid for {name} (its names: {}); connect with one of those names, or reissue \
             it with subjectAltName {form}:{name}",
            names.join(", ")
        )
    };
    Verdict {
        accepted: false,
        cause: "wrong_name",
        line: format!("refused: {line}"),
    }
}

fn revoked(cx: &Context<'_>) -> Option<Verdict> {
    cx.analysis
        .revocation
        .iter()
        .find_map(|(i, status, _)| match status {
            Revocation::Revoked(date, reason) => {
                let c = cert(cx, *i)?;
                let reason = reason
                    .as_ref()
                    .map_or_else(String::new, |r| format!(", {r}"));
                refused(
                    "revoked",
                    format!(
                        "{}revoked on {}{reason} (serial {}, in the CRL of {}); it must be \
                         replaced",
                        which(cx, *i),
                        when::utc(*date),
                        c.serial_hex(),
                        c.issuer
                    ),
                )
            }
            _ => None,
        })
}

fn bad_certificate(cx: &Context<'_>) -> Option<Verdict> {
    let a = cx.analysis;
    let bad_signature = a.signatures.iter().find_map(|s| {
        let SigOutcome::Invalid(_) = s.outcome else {
            return None;
        };
        let child = cert(cx, s.child)?;
        let signer = crate::chain::signer(cx.input, s.signer)?;
        Some(match s.signer {
            Signer::Root(_) => Verdict {
                accepted: false,
                cause: "unknown_ca",
                line: format!(
                    "refused: the chain is not issued by the given CA: {} in {} has the issuer's \
                     name but not its key (the signature of {} does not verify with it); verify \
                     against the CA certificate that issued it",
                    signer.subject, cx.ca_file, child.subject
                ),
            },
            Signer::Given(_) => Verdict {
                accepted: false,
                cause: "bad_signature",
                line: format!(
                    "refused: the signature of {} does not verify with the key of {} given in \
                     {}; give the intermediate that issued it",
                    child.subject, signer.subject, cx.chain_file
                ),
            },
        })
    });
    if bad_signature.is_some() {
        return bad_signature;
    }
    a.usage.iter().find_map(|(i, u)| {
        let c = cert(cx, *i)?;
        match u {
            Usage::CaAsLeaf => refused(
                "ca_as_leaf",
                format!(
                    "{} is a CA certificate (basicConstraints CA:TRUE), not an end-entity one; {}",
                    c.subject,
                    if cx.input.chain.iter().skip(1).any(|o| !o.is_ca()) {
                        format!("the leaf must come first in {}", cx.chain_file)
                    } else {
                        "use a certificate issued by it".to_string()
                    }
                ),
            ),
            Usage::NotACa => refused(
                "issuer_not_ca",
                format!(
                    "{} is used as an issuer but is not a CA (basicConstraints {}); the chain \
                     must hold the leaf's CA certificates",
                    c.subject,
                    if c.basic_constraints.is_some() {
                        "CA:FALSE"
                    } else {
                        "absent"
                    }
                ),
            ),
            Usage::PathLen(len, below) => refused(
                "path_length",
                format!(
                    "{} allows {len} CA(s) below it (pathlen:{len}) but has {below}",
                    c.subject
                ),
            ),
            _ => None,
        }
    })
}

fn unsupported(cx: &Context<'_>) -> Option<Verdict> {
    cx.analysis.signatures.iter().find_map(|s| match &s.outcome {
        SigOutcome::Unsupported(why) => {
            let c = cert(cx, s.child)?;
            refused(
                "unsupported_algorithm",
                format!(
                    "the signature of {}: {why} (the verifier takes RSA PKCS#1 v1.5 and PSS with \
                     SHA-256/384/512, ECDSA P-256 with SHA-256 and P-384 with SHA-384); reissue \
                     it with one of those",
                    c.subject
                ),
            )
        }
        _ => None,
    })
}

fn crl_problem(cx: &Context<'_>) -> Option<Verdict> {
    cx.analysis.revocation.iter().find_map(|(i, status, crl)| {
        let c = cert(cx, *i)?;
        let crl = crl.and_then(|n| cx.input.crls.get(n));
        match status {
            Revocation::NoCrl => refused(
                "crl_missing",
                format!(
                    "revocation status of {} unknown: no CRL from its issuer {} was given \
                         (once CRLs are given, each certificate of the chain needs its issuer's); \
                         add that CRL with --crl",
                    c.subject, c.issuer
                ),
            ),
            Revocation::Stale(ago) => refused(
                "crl_stale",
                format!(
                    "the CRL of {} is past its nextUpdate ({}, {} ago); fetch a current one",
                    c.issuer,
                    crl.and_then(|l| l.next_update)
                        .map_or_else(String::new, when::utc),
                    when::span(*ago)
                ),
            ),
            Revocation::BadCrlSignature => refused(
                "crl_bad_signature",
                format!(
                    "the CRL of {} does not verify with that CA's key; use the CRL it \
                         published",
                    c.issuer
                ),
            ),
            Revocation::IssuerNotCrlSigner => refused(
                "crl_not_signer",
                format!(
                    "the CRL of {} cannot be used: that CA's keyUsage lacks cRLSign",
                    c.issuer
                ),
            ),
            Revocation::Good | Revocation::Revoked(..) => None,
        }
    })
}
