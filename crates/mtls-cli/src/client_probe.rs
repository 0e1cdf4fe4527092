//! What `mtls client` shows a person debugging a refusal: the server's chain, the server's
//! CertificateRequest, the certificate we sent (or why none), and, when the handshake fails,
//! one line naming the probable cause and the fix.
//!
//! The facts come from two wrappers around the library's own verifier and certificate
//! resolver ([`Probe`]): they record what passed through and change nothing, so the
//! handshake is the one the library runs.

use std::sync::{Arc, Mutex};

use mtls::pki::RootStore;
use mtls::{
    AlertDescription, CertificateDer, CertificateError, CertificateRequestInfo, CertifiedKey,
    Error, ResolvesClientCert, ServerCertVerifier,
};

use crate::certinfo::CertInfo;
use crate::common::dn;
use crate::when::{span, utc};

/// What the server's CertificateRequest asked for.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Accepted CA names, as text.
    pub ca_names: Vec<String>,
    /// Accepted signature schemes.
    pub schemes: Vec<String>,
    /// Accepted certificate types.
    pub types: Vec<String>,
}

/// What passed through the probes during one handshake.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    /// The server's chain, leaf first, as received (before our verdict on it).
    pub server_chain: Vec<CertificateDer<'static>>,
    /// The CertificateRequest, if the server sent one.
    pub request: Option<Request>,
    /// The chain we sent (empty: an empty Certificate, or none requested).
    pub sent: Vec<CertificateDer<'static>>,
}

/// The recording side of a client configuration: its verifier and resolver write here.
#[derive(Clone, Default)]
pub struct Probe(Arc<Mutex<Seen>>);

impl Probe {
    /// What was seen so far (and clears it for the next connection).
    pub fn take(&self) -> Seen {
        self.0
            .lock()
            .map(|mut s| std::mem::take(&mut *s))
            .unwrap_or_default()
    }

    fn with(&self, f: impl FnOnce(&mut Seen)) {
        if let Ok(mut s) = self.0.lock() {
            f(&mut s);
        }
    }

    /// `inner` judging the server's chain, with the chain recorded; with `insecure`, every
    /// chain is accepted (`--insecure-skip-verify`).
    pub fn verifier(
        &self,
        inner: Arc<dyn ServerCertVerifier>,
        insecure: bool,
    ) -> Arc<dyn ServerCertVerifier> {
        Arc::new(Verifier {
            inner,
            insecure,
            probe: self.clone(),
        })
    }

    /// `inner` (our certificate, if any) answering the CertificateRequest, with the request
    /// and the answer recorded.
    pub fn resolver(&self, inner: Option<Arc<CertifiedKey>>) -> Arc<dyn ResolvesClientCert> {
        Arc::new(Resolver {
            inner,
            probe: self.clone(),
        })
    }
}

struct Verifier {
    inner: Arc<dyn ServerCertVerifier>,
    insecure: bool,
    probe: Probe,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        chain: &[CertificateDer<'_>],
        server_name: Option<&str>,
        now: u64,
    ) -> Result<(), CertificateError> {
        self.probe.with(|s| {
            s.server_chain = chain.iter().map(|c| c.clone().into_owned()).collect();
        });
        if self.insecure {
            return Ok(());
        }
        self.inner.verify_server_cert(chain, server_name, now)
    }
}

struct Resolver {
    inner: Option<Arc<CertifiedKey>>,
    probe: Probe,
}

impl ResolvesClientCert for Resolver {
    fn resolve(&self, request: &CertificateRequestInfo<'_>) -> Option<Arc<CertifiedKey>> {
        let chosen = self.inner.as_ref().and_then(|ck| ck.resolve(request));
        self.probe.with(|s| {
            s.request = Some(Request {
                ca_names: request
                    .ca_names
                    .iter()
                    .map(|n| dn(&n.0).unwrap_or_else(|| format!("<{} bytes>", n.0.len())))
                    .collect(),
                schemes: request
                    .signature_schemes
                    .iter()
                    .map(|s| crate::decode::scheme(*s))
                    .collect(),
                types: request
                    .certificate_types
                    .iter()
                    .map(|t| crate::common::snake(&format!("{t:?}")))
                    .collect(),
            });
            s.sent = chosen
                .as_ref()
                .map(|ck| ck.chain.clone())
                .unwrap_or_default();
        });
        chosen
    }
}

/// The facts of our own certificate that a diagnosis needs.
pub struct Ours {
    /// Our leaf's issuer, as text.
    pub issuer: Option<String>,
    /// Our leaf's notBefore, seconds since the Unix epoch.
    pub not_before: Option<u64>,
    /// Our leaf's notAfter, seconds since the Unix epoch.
    pub not_after: Option<u64>,
    /// Our leaf's extendedKeyUsage purposes by name; `None` without the extension.
    pub eku: Option<Vec<String>>,
    /// The certificates of our chain, leaf included.
    pub chain_len: usize,
    /// Whether a certificate is configured at all.
    pub configured: bool,
}

impl Ours {
    /// Read from our certificate, if one is configured.
    pub fn of(ck: Option<&CertifiedKey>) -> Self {
        let leaf = ck
            .and_then(|c| c.chain.first())
            .and_then(|l| CertInfo::parse(l).ok());
        Self {
            issuer: leaf.as_ref().map(|l| l.issuer.clone()),
            not_before: leaf.as_ref().map(|l| l.not_before),
            not_after: leaf.as_ref().map(|l| l.not_after),
            eku: leaf.as_ref().and_then(CertInfo::eku_names),
            chain_len: ck.map_or(0, |c| c.chain.len()),
            configured: ck.is_some(),
        }
    }
}

/// Why we sent no certificate, when the server asked for one.
pub fn why_none(ours: &Ours, request: &Request) -> String {
    if !ours.configured {
        return "no certificate is configured (--cert/--key)".into();
    }
    if !request.ca_names.is_empty()
        && let Some(ours) = &ours.issuer
        && !request.ca_names.iter().any(|n| n == ours)
    {
        return format!("none issued by a CA it accepts (ours was issued by {ours})");
    }
    "the server accepts no certificate type or signature scheme our key can make".into()
}

/// One line naming the probable cause of a failed handshake and the fix; `None` when the
/// error says it all.
pub fn verdict(
    error: &Error,
    seen: &Seen,
    ours: &Ours,
    roots: &[String],
    now: u64,
) -> Option<String> {
    if let Some(refused) = error.certificate_error() {
        let chain: Vec<CertInfo> = seen
            .server_chain
            .iter()
            .filter_map(|c| CertInfo::parse(c).ok())
            .collect();
        return Some(format!(
            "we refused the server's certificate ({}): {}",
            refused.alert().rfc_name().unwrap_or("unknown"),
            theirs_fault(refused, &chain, roots, now)
        ));
    }
    // An alert the server sent (one we sent is explained by our own error above).
    let alert = error.alert().filter(|_| error.alert_sent().is_none())?;
    let name = alert.rfc_name().unwrap_or("unknown");
    match (&seen.request, seen.sent.is_empty()) {
        // We sent a certificate and the server refused it.
        (Some(request), false) if refuses_certificate(alert) => Some(format!(
            "the server refused our certificate ({name}){}",
            our_fault(ours, request, now)
        )),
        // The server asked, we had nothing to send, and it ended the handshake.
        (Some(request), true) => Some(format!(
            "the server requires a client certificate ({name}), and we sent none: {}",
            why_none(ours, request)
        )),
        _ => None,
    }
}

/// What is wrong with the server's chain (leaf first, as parsed) that our verifier refused
/// with `refused`, from its facts: the certificate out of its dates, the missing purpose,
/// the issuer neither sent nor trusted.
fn theirs_fault(
    refused: &CertificateError,
    chain: &[CertInfo],
    roots: &[String],
    now: u64,
) -> String {
    let leaf = chain.first();
    match refused {
        CertificateError::UnknownIssuer => {
            let theirs = leaf.map_or_else(|| "?".into(), |l| l.issuer.clone());
            let top = leaf.map(|l| (l, top_of(l, chain)));
            let hint = match top {
                Some((l, top)) if !std::ptr::eq(l, top) => format!(
                    "the chain it sent ends at {}, issued by {}: pass --ca with that CA",
                    top.subject, top.issuer
                ),
                _ => "the server sent no certificate of that CA: if it is an intermediate, the \
                      server must send it after its own; if not, pass --ca with the CA that \
                      issued it"
                    .into(),
            };
            format!(
                "it was issued by {theirs}, and --ca trusts only {}; {hint}",
                list(roots)
            )
        }
        CertificateError::Expired => chain
            .iter()
            .find_map(|c| {
                if c.not_after < now {
                    Some(format!("{} {}", c.subject, when(c.not_after, now)))
                } else if c.not_before > now {
                    Some(format!(
                        "{} {}",
                        c.subject,
                        not_yet_valid(c.not_before, now)
                    ))
                } else {
                    None
                }
            })
            .unwrap_or_else(|| {
                "a certificate of its chain, or of --ca, is outside its validity period".into()
            }),
        CertificateError::NotValidForName(name) => format!(
            "it is not valid for {name}: it names {}; connect by one of those names or pass \
             --servername",
            leaf.map_or_else(|| "nothing".into(), CertInfo::sans_text)
        ),
        CertificateError::InvalidPurpose => match leaf.and_then(|l| lacks(l, "serverAuth")) {
            Some(has) => format!(
                "it has no serverAuth in extendedKeyUsage (it has: {has}); the server needs one \
                 issued for serverAuth"
            ),
            None => refused.to_string(),
        },
        other => other.to_string(),
    }
}

/// The last certificate of `chain` reached from `leaf` by following issuer names (a
/// self-issued certificate ends the walk).
fn top_of<'a>(leaf: &'a CertInfo, chain: &'a [CertInfo]) -> &'a CertInfo {
    let mut top = leaf;
    for _ in 0..chain.len() {
        match chain
            .iter()
            .find(|c| !top.self_issued() && c.subject_der == top.issuer_der)
        {
            Some(up) => top = up,
            None => break,
        }
    }
    top
}

/// What is wrong with our certificate, which the server refused, from its facts: its dates,
/// its purpose, or its issuer (and the intermediate we may have left out); the text
/// continues `the server refused our certificate (alert)`.
fn our_fault(ours: &Ours, request: &Request, now: u64) -> String {
    if let Some(t) = ours.not_after.filter(|t| *t <= now) {
        return format!(": ours {}", when(t, now));
    }
    if let Some(t) = ours.not_before.filter(|t| *t > now) {
        return format!(": ours {}", not_yet_valid(t, now));
    }
    if let Some(has) = ours
        .eku
        .as_ref()
        .and_then(|e| missing_purpose(e, "clientAuth"))
    {
        return format!(
            ": ours has no clientAuth in extendedKeyUsage (it has: {has}); use one issued for \
             clientAuth"
        );
    }
    let ours_by = ours.issuer.clone().unwrap_or_else(|| "?".into());
    let accepted = request.ca_names.contains(&ours_by);
    // Only our leaf went out, and its issuer is not a CA the server names: that issuer may be
    // an intermediate we left out.
    let hint = if ours.chain_len == 1 && !accepted {
        ", and we sent no certificate of that CA: if it is an intermediate, append it to \
         --cert after ours"
    } else {
        ""
    };
    if request.ca_names.is_empty() {
        return format!(
            "; ours was issued by {ours_by}{hint}, and the server names no CA it accepts"
        );
    }
    format!(
        ": it accepts certificates issued by {}; ours was issued by {ours_by}{hint}",
        list(&request.ca_names)
    )
}

/// `is not yet valid: valid from <date> (in <span>)` and where to look.
fn not_yet_valid(not_before: u64, now: u64) -> String {
    format!(
        "is not yet valid: valid from {} (in {}); check this machine's clock, or the clock of \
         the CA that issued it",
        utc(not_before),
        span(not_before.saturating_sub(now))
    )
}

/// The purposes of `cert`, listed, when its extendedKeyUsage lacks `purpose`.
fn lacks(cert: &CertInfo, purpose: &str) -> Option<String> {
    missing_purpose(&cert.eku_names()?, purpose)
}

/// `purposes`, listed, when they hold neither `purpose` nor anyExtendedKeyUsage.
fn missing_purpose(purposes: &[String], purpose: &str) -> Option<String> {
    if purposes
        .iter()
        .any(|p| p == purpose || p == "anyExtendedKeyUsage")
    {
        return None;
    }
    Some(if purposes.is_empty() {
        "an empty list".into()
    } else {
        purposes.join(", ")
    })
}

/// The alerts a server sends about a client certificate it does not accept.
fn refuses_certificate(a: AlertDescription) -> bool {
    matches!(
        a,
        AlertDescription::UnknownCa
            | AlertDescription::BadCertificate
            | AlertDescription::UnsupportedCertificate
            | AlertDescription::CertificateRevoked
            | AlertDescription::CertificateExpired
            | AlertDescription::CertificateUnknown
            | AlertDescription::AccessDenied
            | AlertDescription::HandshakeFailure
            | AlertDescription::DecryptError
    )
}

/// `a, b and c`, or `nothing`.
fn list(items: &[String]) -> String {
    match items {
        [] => "nothing".into(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join("; ")),
    }
}

/// "expired 3 days ago (notAfter 2026-12-02 00:00:00 UTC)", or "is valid until ...".
pub fn when(not_after: u64, now: u64) -> String {
    let date = utc(not_after);
    match now.checked_sub(not_after) {
        Some(0..86_400) => format!("expired today (notAfter {date})"),
        Some(ago) => format!("expired {} ago (notAfter {date})", span(ago)),
        None => format!("is valid until {date}"),
    }
}

/// The root store's subjects, as text.
pub fn root_names(roots: &RootStore) -> Vec<String> {
    roots.subjects().iter().filter_map(|n| dn(&n.0)).collect()
}

/// One certificate in a line: subject, issuer, SANs, validity, key type, SHA-256 fingerprint.
pub fn describe(cert: &CertificateDer<'_>) -> String {
    match CertInfo::parse(cert) {
        Ok(c) => format!(
            "{}; issuer {}; SAN {}; notAfter {}; key {}; SHA-256 {}",
            c.subject,
            c.issuer,
            c.sans_text(),
            utc(c.not_after),
            c.key,
            c.fingerprint
        ),
        Err(e) => format!("({e})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 86_400;

    fn refused_ours(alert: AlertDescription, ours: &Ours) -> Option<String> {
        let seen = Seen {
            server_chain: Vec::new(),
            request: Some(Request {
                ca_names: vec!["CN=Corp Issuing CA 2".into()],
                ..Request::default()
            }),
            sent: vec![CertificateDer::from(vec![0u8; 4])],
        };
        verdict(
            &Error::AlertReceived(alert),
            &seen,
            ours,
            &[],
            1_764_633_600 + 3 * DAY,
        )
    }

    /// A certificate of ours, issued by `CN=Dev CA`, sent with its intermediate, valid.
    fn dev_ca() -> Ours {
        Ours {
            issuer: Some("CN=Dev CA".into()),
            not_before: Some(0),
            not_after: Some(u64::MAX),
            eku: None,
            chain_len: 2,
            configured: true,
        }
    }

    #[test]
    fn an_expired_certificate_of_ours_is_named_with_its_date() {
        // notAfter 2025-12-02 00:00:00 UTC, three days before "now".
        let ours = Ours {
            not_after: Some(1_764_633_600),
            ..dev_ca()
        };
        assert_eq!(
            refused_ours(AlertDescription::CertificateExpired, &ours).as_deref(),
            Some(
                "the server refused our certificate (certificate_expired): ours expired 3 days \
                 ago (notAfter 2025-12-02 00:00:00 UTC)"
            )
        );
    }

    #[test]
    fn a_certificate_of_another_ca_names_both_cas() {
        let ours = dev_ca();
        assert_eq!(
            refused_ours(AlertDescription::UnknownCa, &ours).as_deref(),
            Some(
                "the server refused our certificate (unknown_ca): it accepts certificates \
                 issued by CN=Corp Issuing CA 2; ours was issued by CN=Dev CA"
            )
        );
    }
}
