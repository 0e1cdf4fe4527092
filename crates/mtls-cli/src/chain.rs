//! The step-by-step facts behind `mtls verify`'s verdict: the path from the leaf to a trusted
//! root as webpki builds it (by issuer name, roots first), each signature checked with the
//! library's own algorithms (`mtls::pki::algorithms`), the validity windows, the key usages
//! and basicConstraints for the purpose, the name, and the CRLs.
//!
//! These facts explain; they do not decide. The verdict is the library verifier's, and
//! `diagnosis.rs` picks among these facts the one that names its cause.

use std::net::IpAddr;

use mtls::pki::algorithms;

use crate::certinfo::{CertInfo, San};
use crate::crlinfo::CrlInfo;
use crate::oids;

/// Which extended key usage the chain is checked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Purpose {
    /// A client certificate (clientAuth), as a server's WebPkiClientVerifier checks it.
    Client,
    /// A server certificate (serverAuth), as a client's WebPkiServerVerifier checks it.
    Server,
}

impl Purpose {
    /// `clientAuth` / `serverAuth`.
    pub fn eku_name(self) -> &'static str {
        match self {
            Self::Client => "clientAuth",
            Self::Server => "serverAuth",
        }
    }

    fn oid(self) -> x509_cert::der::asn1::ObjectIdentifier {
        match self {
            Self::Client => oids::CLIENT_AUTH,
            Self::Server => oids::SERVER_AUTH,
        }
    }
}

/// What is checked.
pub struct Input<'a> {
    /// The chain as given, leaf first.
    pub chain: &'a [CertInfo],
    /// The trusted roots.
    pub roots: &'a [CertInfo],
    /// The CRLs given.
    pub crls: &'a [CrlInfo],
    /// The time, Unix seconds.
    pub at: u64,
    /// The purpose.
    pub purpose: Purpose,
    /// The name to match (server purpose).
    pub name: Option<&'a str>,
}

/// Where the path from the leaf ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathEnd {
    /// At this trusted root (index into the roots).
    Anchored(usize),
    /// The issuer of this certificate (index into the chain) is neither given nor trusted.
    MissingIssuer(usize),
    /// At this self-issued certificate of the chain, which is not a trusted root.
    UntrustedRoot(usize),
    /// Longer than webpki builds.
    TooLong,
}

/// One certificate's signature, checked with its issuer's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigOutcome {
    /// Verifies, with this algorithm.
    Valid(String),
    /// Does not verify under the issuer's key (the key of another certificate of that name).
    Invalid(String),
    /// No algorithm of the library pairs this signature with the issuer's key.
    Unsupported(String),
}

/// A signature check: the certificate (chain index) and its issuer.
#[derive(Debug, Clone)]
pub struct SigCheck {
    /// Chain index of the signed certificate.
    pub child: usize,
    /// The issuer: a chain index, or a root index.
    pub signer: Signer,
    /// The outcome.
    pub outcome: SigOutcome,
}

/// A certificate that signs: given in the chain, or a trusted root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signer {
    /// Index into the chain.
    Given(usize),
    /// Index into the roots.
    Root(usize),
}

/// A certificate's validity at the time checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Inside its window; seconds left.
    Valid(u64),
    /// Past notAfter by this many seconds.
    Expired(u64),
    /// Before notBefore by this many seconds.
    NotYetValid(u64),
}

/// A usage problem (or warning) of one path certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Usage {
    /// The EKU extension lacks the purpose; what it has.
    MissingEku(Vec<String>),
    /// A leaf with basicConstraints cA (webpki: CaUsedAsEndEntity).
    CaAsLeaf,
    /// An issuer without basicConstraints cA (webpki: EndEntityUsedAsCa).
    NotACa,
    /// pathLenConstraint exceeded: the constraint, and the CAs below.
    PathLen(u8, usize),
    /// keyUsage without a bit the role needs: not checked by the library's verifier, but
    /// other peers refuse it.
    KeyUsageWarning(String),
}

impl Usage {
    /// A short key, for `--json`.
    pub fn key(&self) -> &'static str {
        match self {
            Self::MissingEku(_) => "missing_eku",
            Self::CaAsLeaf => "ca_as_leaf",
            Self::NotACa => "issuer_not_ca",
            Self::PathLen(..) => "path_length",
            Self::KeyUsageWarning(_) => "key_usage_warning",
        }
    }

    /// True for what the verifier refuses (not a warning).
    pub fn refuses(&self) -> bool {
        !matches!(self, Self::KeyUsageWarning(_))
    }

    /// In words.
    pub fn describe(&self, purpose: Purpose) -> String {
        match self {
            Self::MissingEku(has) => format!(
                "no {} in extendedKeyUsage (it has: {})",
                purpose.eku_name(),
                has.join(", ")
            ),
            Self::CaAsLeaf => "a CA certificate used as the leaf".into(),
            Self::NotACa => "used as an issuer but not a CA".into(),
            Self::PathLen(len, below) => format!("pathlen:{len} but {below} CA(s) below it"),
            Self::KeyUsageWarning(w) => format!("warning: {w}"),
        }
    }
}

/// The name check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameCheck {
    /// The name asked for.
    pub name: String,
    /// The subjectAltName entry that matches it.
    pub matched: Option<String>,
}

/// A path certificate's revocation status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// A current CRL of its issuer does not list it.
    Good,
    /// Listed: revocation date and reason.
    Revoked(u64, Option<String>),
    /// No CRL from its issuer was given.
    NoCrl,
    /// The issuer's CRL is past its nextUpdate by this many seconds.
    Stale(u64),
    /// The CRL's signature does not verify with the issuer's key.
    BadCrlSignature,
    /// The issuer's keyUsage lacks cRLSign, so its CRL cannot be used.
    IssuerNotCrlSigner,
}

impl Revocation {
    /// A short key, for `--json`.
    pub fn key(&self) -> &'static str {
        match self {
            Self::Good => "not_revoked",
            Self::Revoked(..) => "revoked",
            Self::NoCrl => "no_crl",
            Self::Stale(_) => "crl_stale",
            Self::BadCrlSignature => "crl_bad_signature",
            Self::IssuerNotCrlSigner => "crl_issuer_not_crl_signer",
        }
    }

    /// In words.
    pub fn describe(&self) -> String {
        match self {
            Self::Good => "not revoked".into(),
            Self::Revoked(date, reason) => format!(
                "revoked on {}{}",
                crate::when::utc(*date),
                reason
                    .as_ref()
                    .map_or_else(String::new, |r| format!(" ({r})"))
            ),
            Self::NoCrl => "no CRL from its issuer".into(),
            Self::Stale(ago) => format!(
                "its issuer's CRL is past nextUpdate by {}",
                crate::when::span(*ago)
            ),
            Self::BadCrlSignature => {
                "its issuer's CRL does not verify with the issuer's key".into()
            }
            Self::IssuerNotCrlSigner => "its issuer's keyUsage lacks cRLSign".into(),
        }
    }
}

/// Everything found.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Chain indices of the path, leaf first.
    pub path: Vec<usize>,
    /// How it ends.
    pub end: PathEnd,
    /// Chain certificates not on the path.
    pub unused: Vec<usize>,
    /// The signature of each path certificate.
    pub signatures: Vec<SigCheck>,
    /// The validity of each path certificate (chain index, window).
    pub windows: Vec<(usize, Window)>,
    /// Usage problems and warnings (chain index, problem).
    pub usage: Vec<(usize, Usage)>,
    /// The name check, when a name is given.
    pub name: Option<NameCheck>,
    /// Revocation per path certificate, when CRLs are given (chain index, status, the CRL's
    /// index when one covers it).
    pub revocation: Vec<(usize, Revocation, Option<usize>)>,
}

/// The longest path webpki builds: a leaf and at most 6 intermediates.
const MAX_PATH: usize = 7;

/// Works out the facts.
pub fn analyse(input: &Input<'_>) -> Analysis {
    let (path, end, signatures) = build_path(input);
    let unused = (0..input.chain.len())
        .filter(|i| !path.contains(i))
        .collect();
    let windows = path
        .iter()
        .filter_map(|&i| input.chain.get(i).map(|c| (i, window(c, input.at))))
        .collect();
    let usage = usage(input, &path);
    let name = input.name.and_then(|n| {
        let leaf = input.chain.first()?;
        Some(NameCheck {
            name: n.to_string(),
            matched: match_name(leaf, n),
        })
    });
    let revocation = if input.crls.is_empty() {
        Vec::new()
    } else {
        revocation(input, &path, &end)
    };
    Analysis {
        path,
        end,
        unused,
        signatures,
        windows,
        usage,
        name,
        revocation,
    }
}

/// The certificate a [`Signer`] names.
pub fn signer<'a>(input: &Input<'a>, s: Signer) -> Option<&'a CertInfo> {
    match s {
        Signer::Given(i) => input.chain.get(i),
        Signer::Root(i) => input.roots.get(i),
    }
}

fn build_path(input: &Input<'_>) -> (Vec<usize>, PathEnd, Vec<SigCheck>) {
    let mut path = vec![0];
    let mut signatures = Vec::new();
    let mut current = 0;
    loop {
        let Some(cert) = input.chain.get(current) else {
            return (path, PathEnd::TooLong, signatures);
        };
        // Roots first, as webpki tries them; among same-named candidates the one whose key
        // verifies the signature.
        let roots: Vec<usize> = (0..input.roots.len())
            .filter(|&r| {
                input
                    .roots
                    .get(r)
                    .is_some_and(|c| c.subject_der == cert.issuer_der)
            })
            .collect();
        if let Some((r, outcome)) = pick(cert, &roots, |r| input.roots.get(r)) {
            signatures.push(SigCheck {
                child: current,
                signer: Signer::Root(r),
                outcome,
            });
            return (path, PathEnd::Anchored(r), signatures);
        }
        let given: Vec<usize> = (0..input.chain.len())
            .filter(|i| !path.contains(i))
            .filter(|&i| {
                input
                    .chain
                    .get(i)
                    .is_some_and(|c| c.subject_der == cert.issuer_der)
            })
            .collect();
        match pick(cert, &given, |i| input.chain.get(i)) {
            Some((i, outcome)) => {
                signatures.push(SigCheck {
                    child: current,
                    signer: Signer::Given(i),
                    outcome,
                });
                path.push(i);
                current = i;
                if path.len() > MAX_PATH {
                    return (path, PathEnd::TooLong, signatures);
                }
            }
            None if cert.self_issued() => {
                return (path, PathEnd::UntrustedRoot(current), signatures);
            }
            None => return (path, PathEnd::MissingIssuer(current), signatures),
        }
    }
}

/// The first candidate whose key verifies `cert`'s signature, else the first candidate.
fn pick<'a>(
    cert: &CertInfo,
    candidates: &[usize],
    get: impl Fn(usize) -> Option<&'a CertInfo>,
) -> Option<(usize, SigOutcome)> {
    let checked: Vec<(usize, SigOutcome)> = candidates
        .iter()
        .filter_map(|&i| get(i).map(|issuer| (i, check_signature(cert, issuer))))
        .collect();
    let valid = checked
        .iter()
        .position(|(_, o)| matches!(o, SigOutcome::Valid(_)));
    let mut checked = checked.into_iter();
    match valid {
        Some(p) => checked.nth(p),
        None => checked.next(),
    }
}

/// Checks `cert`'s signature with `issuer`'s key, with the verifiers' own algorithms.
pub fn check_signature(cert: &CertInfo, issuer: &CertInfo) -> SigOutcome {
    verify_signed(
        &cert.tbs,
        &cert.signature,
        &cert.signature_alg_id,
        &cert.signature_alg,
        issuer,
    )
}

/// Checks a signature over `signed` (a certificate's or a CRL's) with `issuer`'s key.
pub fn verify_signed(
    signed: &[u8],
    signature: &[u8],
    signature_alg_id: &[u8],
    signature_alg: &str,
    issuer: &CertInfo,
) -> SigOutcome {
    verify_with_key(
        Signed {
            data: signed,
            signature,
            alg_id: signature_alg_id,
            alg: signature_alg,
        },
        &issuer.key_alg_id,
        &issuer.public_key,
        &issuer.key,
    )
}

/// Signed data, with its signature and the signature's algorithm.
pub struct Signed<'a> {
    /// The signed bytes.
    pub data: &'a [u8],
    /// The signature bits.
    pub signature: &'a [u8],
    /// The signature AlgorithmIdentifier's contents.
    pub alg_id: &'a [u8],
    /// The algorithm's name.
    pub alg: &'a str,
}

/// Checks a signature with a public key given as its AlgorithmIdentifier contents and its
/// subjectPublicKey bits (`key` describes it), with the verifiers' own algorithms.
pub fn verify_with_key(
    s: Signed<'_>,
    key_alg_id: &[u8],
    public_key: &[u8],
    key: &str,
) -> SigOutcome {
    let same_signature = |a: &&&dyn rustls_pki_types::SignatureVerificationAlgorithm| {
        a.signature_alg_id().as_ref() == s.alg_id
    };
    let Some(alg) = algorithms::ALL
        .iter()
        .filter(same_signature)
        .find(|a| a.public_key_alg_id().as_ref() == key_alg_id)
    else {
        return SigOutcome::Unsupported(if algorithms::ALL.iter().any(|a| same_signature(&a)) {
            format!("{} by a {key} key is not supported", s.alg)
        } else {
            format!("{} is not supported", s.alg)
        });
    };
    match alg.verify_signature(public_key, s.data, s.signature) {
        Ok(()) => SigOutcome::Valid(s.alg.to_string()),
        Err(_) => SigOutcome::Invalid(s.alg.to_string()),
    }
}

fn window(cert: &CertInfo, at: u64) -> Window {
    if at < cert.not_before {
        Window::NotYetValid(cert.not_before - at)
    } else if at > cert.not_after {
        Window::Expired(at - cert.not_after)
    } else {
        Window::Valid(cert.not_after - at)
    }
}

fn usage(input: &Input<'_>, path: &[usize]) -> Vec<(usize, Usage)> {
    let mut found = Vec::new();
    for (depth, &i) in path.iter().enumerate() {
        let Some(cert) = input.chain.get(i) else {
            continue;
        };
        if let Some(eku) = &cert.eku
            && !eku.contains(&input.purpose.oid())
        {
            found.push((i, Usage::MissingEku(cert.eku_names().unwrap_or_default())));
        }
        let ku = cert.key_usage.as_deref();
        if depth == 0 {
            if cert.is_ca() {
                found.push((i, Usage::CaAsLeaf));
            }
            if ku.is_some_and(|k| !k.contains(&"digitalSignature")) {
                found.push((
                    i,
                    Usage::KeyUsageWarning(
                        "keyUsage lacks digitalSignature: the key cannot sign the handshake \
                         (ECDHE suites, CertificateVerify); OpenSSL and other peers refuse it"
                            .into(),
                    ),
                ));
            }
        } else {
            match cert.basic_constraints {
                Some((true, Some(len))) if depth - 1 > usize::from(len) => {
                    found.push((i, Usage::PathLen(len, depth - 1)));
                }
                Some((true, _)) => {}
                _ => found.push((i, Usage::NotACa)),
            }
            if ku.is_some_and(|k| !k.contains(&"keyCertSign")) {
                found.push((
                    i,
                    Usage::KeyUsageWarning(
                        "keyUsage lacks keyCertSign: OpenSSL and other peers refuse it as an issuer"
                            .into(),
                    ),
                ));
            }
        }
    }
    found
}

/// The SAN that matches `name` (a DNS name, or an IP address), RFC 6125 style: one `*`
/// label, leftmost, matching exactly one label. Never the subject CN.
pub fn match_name(leaf: &CertInfo, name: &str) -> Option<String> {
    if let Ok(ip) = name.parse::<IpAddr>() {
        return leaf
            .sans
            .iter()
            .find(|s| **s == San::Ip(ip))
            .map(ToString::to_string);
    }
    let host = name.trim_end_matches('.').to_ascii_lowercase();
    leaf.sans
        .iter()
        .find(|s| match s {
            San::Dns(d) => {
                let d = d.trim_end_matches('.');
                d == host
                    || d.strip_prefix("*.").is_some_and(|suffix| {
                        host.split_once('.')
                            .is_some_and(|(label, rest)| !label.is_empty() && rest == suffix)
                    })
            }
            _ => false,
        })
        .map(ToString::to_string)
}

fn revocation(
    input: &Input<'_>,
    path: &[usize],
    end: &PathEnd,
) -> Vec<(usize, Revocation, Option<usize>)> {
    let mut out = Vec::new();
    for (pos, &i) in path.iter().enumerate() {
        let Some(cert) = input.chain.get(i) else {
            continue;
        };
        // The issuer: the next path certificate, or the root the path ends at.
        let issuer = match (path.get(pos + 1), end) {
            (Some(&next), _) => input.chain.get(next),
            (None, PathEnd::Anchored(r)) => input.roots.get(*r),
            (None, _) => None,
        };
        // The first CRL of its issuer, as webpki picks it; then, in webpki's order, the CRL's
        // signature, its nextUpdate, the issuer's cRLSign bit, the serial.
        let covering = input
            .crls
            .iter()
            .enumerate()
            .find(|(_, crl)| crl.issuer_der == cert.issuer_der);
        let status = match covering {
            None => (Revocation::NoCrl, None),
            Some((c, crl)) => {
                let signed = issuer.map(|iss| {
                    verify_signed(
                        &crl.tbs,
                        &crl.signature,
                        &crl.signature_alg_id,
                        &crl.signature_alg,
                        iss,
                    )
                });
                let not_crl_signer = issuer
                    .and_then(|iss| iss.key_usage.as_deref())
                    .is_some_and(|k| !k.contains(&"cRLSign"));
                let status = if matches!(
                    signed,
                    Some(SigOutcome::Invalid(_) | SigOutcome::Unsupported(_))
                ) {
                    Revocation::BadCrlSignature
                } else if let Some(next) = crl.next_update.filter(|n| input.at >= *n) {
                    Revocation::Stale(input.at - next)
                } else if not_crl_signer {
                    Revocation::IssuerNotCrlSigner
                } else if let Some(r) = crl.find(&cert.serial) {
                    Revocation::Revoked(r.date, r.reason.clone())
                } else {
                    Revocation::Good
                };
                (status, Some(c))
            }
        };
        out.push((i, status.0, status.1));
    }
    out
}
