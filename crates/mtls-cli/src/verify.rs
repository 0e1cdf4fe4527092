//! `mtls verify`: validates a chain with the library's own verifier (mtls-pki's
//! `WebPkiClientVerifier` or `WebPkiServerVerifier`, as an mtls server or client would) and
//! explains the result step by step: the chain as given, the path to a trusted root, each
//! signature, the validity windows, the key usages, the name, the CRLs; then one line with the
//! verdict, its cause and the fix. Exit status: 0 accepted, 1 refused, 2 when the files
//! cannot be read.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use mtls::pki::{RootStore, WebPkiClientVerifier, WebPkiServerVerifier};
use mtls::{CertificateError, ClientCertVerifier, ServerCertVerifier};
use serde_json::{Value, json};

use crate::certinfo::{CertInfo, San};
use crate::chain::{self, Analysis, Input, PathEnd, Purpose, Revocation, SigOutcome, Signer};
use crate::crlinfo::CrlInfo;
use crate::diagnosis::{self, Context, Verdict};
use crate::{pemfile, when};

/// Options of `mtls verify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The trusted root CA certificates (PEM or DER): what `mtls server --client-ca` or
    /// `mtls client --ca` would be given.
    #[arg(long, value_name = "FILE")]
    pub ca: PathBuf,
    /// Check as a client certificate (clientAuth, WebPkiClientVerifier) or as a server
    /// certificate (serverAuth, WebPkiServerVerifier). Default: server with --name, else client.
    #[arg(long, value_enum)]
    pub purpose: Option<Purpose>,
    /// The DNS name or IP address a server certificate must be valid for.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Check at this time instead of now: RFC 3339 (2026-12-02T00:00:00Z), a date
    /// (2026-12-02) or Unix seconds.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Certificate revocation lists (PEM or DER; repeatable). With CRLs, every certificate of
    /// the chain must be covered by a current CRL of its issuer, as the verifiers require by
    /// default.
    #[arg(long, value_name = "FILE")]
    pub crl: Vec<PathBuf>,
    /// Print the same facts as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// The chain to check: the leaf first, then its intermediates (PEM or DER).
    #[arg(value_name = "CHAIN")]
    pub chain: PathBuf,
}

/// Runs `mtls verify`: 0 accepted, 1 refused, 2 unreadable input.
pub fn run(args: Args) -> ExitCode {
    match check(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("mtls verify: {e}");
            ExitCode::from(2)
        }
    }
}

/// Everything read from the files.
struct Loaded {
    chain_der: Vec<mtls::CertificateDer<'static>>,
    chain: Vec<CertInfo>,
    roots: RootStore,
    root_infos: Vec<CertInfo>,
    crls: Vec<mtls::pki::Crl>,
    crl_infos: Vec<CrlInfo>,
}

fn load(args: &Args) -> Result<Loaded, String> {
    let chain_der = mtls::pki::load_certs(&args.chain).map_err(|e| e.to_string())?;
    let chain = infos(&chain_der, &args.chain)?;
    let roots = RootStore::load(&args.ca).map_err(|e| e.to_string())?;
    let root_der = mtls::pki::load_certs(&args.ca).map_err(|e| e.to_string())?;
    let root_infos = infos(&root_der, &args.ca)?;
    let mut crls = Vec::new();
    let mut crl_infos = Vec::new();
    for path in &args.crl {
        crls.extend(mtls::pki::load_crls(path).map_err(|e| e.to_string())?);
        for der in pemfile::crls(path)? {
            crl_infos.push(CrlInfo::parse(&der).map_err(|e| format!("{}: {e}", path.display()))?);
        }
    }
    Ok(Loaded {
        chain_der,
        chain,
        roots,
        root_infos,
        crls,
        crl_infos,
    })
}

fn infos(
    ders: &[mtls::CertificateDer<'_>],
    path: &std::path::Path,
) -> Result<Vec<CertInfo>, String> {
    ders.iter()
        .enumerate()
        .map(|(i, d)| {
            CertInfo::parse(d.as_ref())
                .map_err(|e| format!("{}: certificate #{}: {e}", path.display(), i + 1))
        })
        .collect()
}

/// Checks, prints, and says whether the chain was accepted.
fn check(args: &Args) -> Result<bool, String> {
    let loaded = load(args)?;
    let at = match &args.at {
        Some(t) => when::parse(t)?,
        None => when::now(),
    };
    let purpose = args.purpose.unwrap_or(if args.name.is_some() {
        Purpose::Server
    } else {
        Purpose::Client
    });

    // The verdict: the library's verifier, configured as a server or client would be.
    let (result, verifier_name) = match purpose {
        Purpose::Client => {
            let mut v = WebPkiClientVerifier::new(loaded.roots);
            if !loaded.crls.is_empty() {
                v = v.with_crls(loaded.crls);
            }
            (
                v.verify_client_cert(&loaded.chain_der, at),
                "WebPkiClientVerifier",
            )
        }
        Purpose::Server => {
            let mut v = WebPkiServerVerifier::new(loaded.roots);
            if !loaded.crls.is_empty() {
                v = v.with_crls(loaded.crls);
            }
            // Without --name the chain is still checked, for the leaf's first name.
            let name = args.name.clone().unwrap_or_else(|| {
                loaded
                    .chain
                    .first()
                    .and_then(|leaf| {
                        leaf.sans.iter().find_map(|s| match s {
                            San::Dns(d) => Some(d.clone()),
                            San::Ip(ip) => Some(ip.to_string()),
                            _ => None,
                        })
                    })
                    .unwrap_or_else(|| "no-subject-alt-name.invalid".into())
            });
            (
                v.verify_server_cert(&loaded.chain_der, Some(&name), at),
                "WebPkiServerVerifier",
            )
        }
    };

    let input = Input {
        chain: &loaded.chain,
        roots: &loaded.root_infos,
        crls: &loaded.crl_infos,
        at,
        purpose,
        name: args.name.as_deref(),
    };
    let analysis = chain::analyse(&input);
    let chain_file = args.chain.display().to_string();
    let ca_file = args.ca.display().to_string();
    let verdict = diagnosis::verdict(
        &result,
        &Context {
            input: &input,
            analysis: &analysis,
            chain_file: &chain_file,
            ca_file: &ca_file,
        },
    );
    let report = Report {
        input: &input,
        analysis: &analysis,
        result: &result,
        verifier: verifier_name,
        verdict: &verdict,
        chain_file: &chain_file,
        ca_file: &ca_file,
    };
    if args.json {
        println!("{}", report.json());
    } else {
        print!("{}", report.text());
    }
    Ok(verdict.accepted)
}

/// What is printed.
struct Report<'a> {
    input: &'a Input<'a>,
    analysis: &'a Analysis,
    result: &'a Result<(), CertificateError>,
    verifier: &'static str,
    verdict: &'a Verdict,
    chain_file: &'a str,
    ca_file: &'a str,
}

impl Report<'_> {
    fn subject(&self, i: usize) -> String {
        self.input
            .chain
            .get(i)
            .map_or_else(String::new, |c| format!("[{}] {}", i + 1, c.subject))
    }

    fn signer(&self, s: Signer) -> String {
        match s {
            Signer::Given(i) => self.subject(i),
            Signer::Root(r) => self
                .input
                .roots
                .get(r)
                .map_or_else(String::new, |c| format!("root {}", c.subject)),
        }
    }

    fn verifier_line(&self) -> String {
        match self.result {
            Ok(()) => format!("{}: accepted", self.verifier),
            Err(e) => format!(
                "{}: refused: {e} (alert {})",
                self.verifier,
                diagnosis::alert_name(e)
            ),
        }
    }

    fn path_line(&self) -> String {
        let a = self.analysis;
        let mut hops: Vec<String> = a.path.iter().map(|&i| self.subject(i)).collect();
        match &a.end {
            PathEnd::Anchored(r) => hops.push(self.signer(Signer::Root(*r))),
            PathEnd::MissingIssuer(i) => hops.push(format!(
                "MISSING: issuer {} is in neither {} nor {}",
                self.input.chain.get(*i).map_or("", |c| c.issuer.as_str()),
                self.chain_file,
                self.ca_file
            )),
            PathEnd::UntrustedRoot(_) => {
                return format!(
                    "{}\n    (self-issued: the path ends here, at a root that {} does not hold)",
                    hops.join("\n    <- issued by "),
                    self.ca_file
                );
            }
            PathEnd::TooLong => hops.push("TOO LONG".into()),
        }
        hops.join("\n    <- issued by ")
    }

    fn text(&self) -> String {
        let i = self.input;
        let a = self.analysis;
        let mut o = String::new();
        let _ = writeln!(
            o,
            "verifying {} as a {} certificate ({}) at {}",
            self.chain_file,
            match i.purpose {
                Purpose::Client => "client",
                Purpose::Server => "server",
            },
            i.purpose.eku_name(),
            when::utc(i.at)
        );
        let _ = writeln!(o, "\nchain as given ({}):", self.chain_file);
        for (n, c) in i.chain.iter().enumerate() {
            let role = match n {
                0 => "leaf",
                _ if a.path.contains(&n) => "intermediate",
                _ => "not on the path",
            };
            let _ = writeln!(o, "  [{}] {role}", n + 1);
            o.push_str(&c.lines("      "));
        }
        let _ = writeln!(o, "\ntrusted roots ({}):", self.ca_file);
        for r in i.roots {
            let _ = writeln!(o, "  {} ({}, SHA-256 {})", r.subject, r.key, r.fingerprint);
        }
        let _ = writeln!(o, "\npath:\n    {}", self.path_line());
        for &u in &a.unused {
            let trusted = i.chain.get(u).is_some_and(|c| {
                i.roots
                    .iter()
                    .any(|r| r.subject_der == c.subject_der && r.public_key == c.public_key)
            });
            let why = if trusted {
                "a trusted root itself: peers need not send it"
            } else {
                "unused: it issued nothing on the path"
            };
            let _ = writeln!(o, "  note: {} is not on the path ({why})", self.subject(u));
        }
        let _ = writeln!(o, "\nsignatures:");
        for s in &a.signatures {
            let (mark, what) = match &s.outcome {
                SigOutcome::Valid(alg) => ("ok  ", format!("valid ({alg})")),
                SigOutcome::Invalid(alg) => ("FAIL", format!("does NOT verify ({alg})")),
                SigOutcome::Unsupported(why) => ("FAIL", format!("cannot be checked: {why}")),
            };
            let _ = writeln!(
                o,
                "  {mark} {} signed by {}: {what}",
                self.subject(s.child),
                self.signer(s.signer)
            );
        }
        if a.signatures.is_empty() {
            let _ = writeln!(o, "  --   no issuer found: nothing to check");
        }
        let _ = writeln!(o, "\nvalidity at {}:", when::utc(i.at));
        for (n, w) in &a.windows {
            let Some(c) = i.chain.get(*n) else { continue };
            let (mark, what) = match w {
                chain::Window::Valid(left) => (
                    "ok  ",
                    format!(
                        "valid until {} ({} left)",
                        when::utc(c.not_after),
                        when::span(*left)
                    ),
                ),
                chain::Window::Expired(ago) => (
                    "FAIL",
                    format!(
                        "expired {} ago (notAfter {})",
                        when::span(*ago),
                        when::utc(c.not_after)
                    ),
                ),
                chain::Window::NotYetValid(until) => (
                    "FAIL",
                    format!(
                        "not yet valid (notBefore {}, in {})",
                        when::utc(c.not_before),
                        when::span(*until)
                    ),
                ),
            };
            let _ = writeln!(o, "  {mark} {}: {what}", self.subject(*n));
        }
        let _ = writeln!(o, "\nusage for {}:", i.purpose.eku_name());
        o.push_str(&self.usage_text());
        let _ = writeln!(o, "\nname:");
        o.push_str(&self.name_text());
        let _ = writeln!(o, "\nrevocation:");
        o.push_str(&self.revocation_text());
        let _ = writeln!(o, "\nverifier {}", self.verifier_line());
        let _ = writeln!(o, "{}", self.verdict.line);
        o
    }

    fn usage_text(&self) -> String {
        let mut o = String::new();
        for &n in &self.analysis.path {
            let Some(c) = self.input.chain.get(n) else {
                continue;
            };
            let problems: Vec<&chain::Usage> = self
                .analysis
                .usage
                .iter()
                .filter(|(i, _)| *i == n)
                .map(|(_, u)| u)
                .collect();
            let eku = c
                .eku_names()
                .map_or_else(|| "absent (any purpose)".into(), |e| e.join(", "));
            let fails = problems.iter().any(|u| u.refuses());
            let _ = writeln!(
                o,
                "  {} {}: extendedKeyUsage {eku}; {}",
                if fails { "FAIL" } else { "ok  " },
                self.subject(n),
                if c.is_ca() { "CA:TRUE" } else { "not a CA" }
            );
            for p in problems {
                let _ = writeln!(o, "         {}", p.describe(self.input.purpose));
            }
        }
        o
    }

    fn name_text(&self) -> String {
        let i = self.input;
        match (&self.analysis.name, i.purpose) {
            (None, Purpose::Server) => {
                "  --   not checked: give --name (a client checks the name it connects to)\n".into()
            }
            (None, Purpose::Client) => {
                "  --   not checked: a server does not check a client certificate's name\n".into()
            }
            (Some(n), purpose) => {
                let note = if purpose == Purpose::Client {
                    " (for information: the client verifier does not check names)"
                } else {
                    ""
                };
                match &n.matched {
                    Some(san) => format!("  ok   {} matches {san}{note}\n", n.name),
                    None => format!(
                        "  FAIL {} matches no subjectAltName (it has: {}; the subject CN is never \
                         used){note}\n",
                        n.name,
                        i.chain
                            .first()
                            .map_or_else(String::new, CertInfo::sans_text)
                    ),
                }
            }
        }
    }

    fn revocation_text(&self) -> String {
        if self.input.crls.is_empty() {
            return "  --   not checked: no --crl\n".into();
        }
        let mut o = String::new();
        for crl in self.input.crls {
            let _ = writeln!(
                o,
                "  CRL of {}: thisUpdate {}, nextUpdate {}, {} revoked",
                crl.issuer,
                when::utc(crl.this_update),
                crl.next_update.map_or_else(|| "(none)".into(), when::utc),
                crl.revoked.len()
            );
        }
        for (n, status, _) in &self.analysis.revocation {
            let mark = if *status == Revocation::Good {
                "ok  "
            } else {
                "FAIL"
            };
            let what = status.describe();
            let _ = writeln!(o, "  {mark} {}: {what}", self.subject(*n));
        }
        o
    }

    fn json(&self) -> Value {
        let i = self.input;
        let a = self.analysis;
        let (end, missing_issuer) = match &a.end {
            PathEnd::Anchored(_) => ("trusted_root", None),
            PathEnd::MissingIssuer(n) => {
                ("missing_issuer", i.chain.get(*n).map(|c| c.issuer.clone()))
            }
            PathEnd::UntrustedRoot(_) => ("untrusted_root", None),
            PathEnd::TooLong => ("too_long", None),
        };
        let root = match a.end {
            PathEnd::Anchored(r) => i.roots.get(r).map(|c| c.subject.clone()),
            _ => None,
        };
        json!({
            "verdict": if self.verdict.accepted { "accepted" } else { "refused" },
            "cause": self.verdict.cause,
            "diagnosis": self.verdict.line,
            "verifier": self.verifier,
            "verifier_error": self.result.as_ref().err().map(ToString::to_string),
            "alert": self.result.as_ref().err().map(diagnosis::alert_name),
            "purpose": i.purpose.eku_name(),
            "name": i.name,
            "at": when::rfc3339(i.at),
            "chain": i.chain.iter().map(CertInfo::json).collect::<Vec<_>>(),
            "roots": i.roots.iter().map(CertInfo::json).collect::<Vec<_>>(),
            "path": {
                "certificates": a.path.iter().map(|n| n + 1).collect::<Vec<_>>(),
                "end": end,
                "root": root,
                "missing_issuer": missing_issuer,
                "unused": a.unused.iter().map(|n| n + 1).collect::<Vec<_>>(),
            },
            "signatures": a.signatures.iter().map(|s| json!({
                "certificate": s.child + 1,
                "signer": self.signer(s.signer),
                "outcome": match &s.outcome {
                    SigOutcome::Valid(_) => "valid",
                    SigOutcome::Invalid(_) => "invalid",
                    SigOutcome::Unsupported(_) => "unsupported",
                },
                "detail": match &s.outcome {
                    SigOutcome::Valid(d) | SigOutcome::Invalid(d) | SigOutcome::Unsupported(d) => d,
                },
            })).collect::<Vec<_>>(),
            "validity": a.windows.iter().map(|(n, w)| json!({
                "certificate": n + 1,
                "status": match w {
                    chain::Window::Valid(_) => "valid",
                    chain::Window::Expired(_) => "expired",
                    chain::Window::NotYetValid(_) => "not_yet_valid",
                },
                "seconds": match w {
                    chain::Window::Valid(s) | chain::Window::Expired(s)
                    | chain::Window::NotYetValid(s) => s,
                },
            })).collect::<Vec<_>>(),
            "usage": a.usage.iter().map(|(n, u)| json!({
                "certificate": n + 1,
                "problem": u.key(),
                "refuses": u.refuses(),
                "detail": u.describe(i.purpose),
            })).collect::<Vec<_>>(),
            "name_check": a.name.as_ref().map(|n| json!({
                "name": n.name,
                "matched": n.matched,
            })),
            "crls": i.crls.iter().map(CrlInfo::json).collect::<Vec<_>>(),
            "revocation": a.revocation.iter().map(|(n, s, _)| json!({
                "certificate": n + 1,
                "status": s.key(),
                "detail": s.describe(),
            })).collect::<Vec<_>>(),
        })
    }
}
