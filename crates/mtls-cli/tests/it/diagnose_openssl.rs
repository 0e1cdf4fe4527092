//! `mtls client` against a real `openssl s_server`, one refusal cause at a time, in TLS 1.3
//! and TLS 1.2, each checked for its one-line diagnosis (`probable cause: ...`):
//!
//! - our certificate refused by s_server (`-Verify 1 -verify_return_error`): from a CA it does
//!   not trust, expired, not yet valid, without clientAuth, issued by an intermediate we do
//!   not send, and no certificate at all;
//! - s_server's certificate refused by our client: from a CA we do not trust, expired, not
//!   yet valid, without serverAuth, issued by an intermediate it does not send, for another
//!   name, and a whole chain (`-cert_chain`) under a root we do not trust.
//!
//! The alert OpenSSL sends for each is part of the line; docs/INTEROP.md tables them.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::support::{TempDir, mtls, run, stderr};
use crate::testpki::{self, Ca, Eku, Ymd};

/// Valid today, and for decades.
const CURRENT: (Ymd, Ymd) = ((2020, 1, 1), (2099, 1, 1));
/// Expired years ago.
const PAST: (Ymd, Ymd) = ((2020, 1, 1), (2021, 1, 1));
/// Not valid for decades yet.
const FUTURE: (Ymd, Ymd) = ((2090, 1, 1), (2099, 1, 1));

/// (`mtls client --versions`, the s_server flag pinning the same version).
const VERSIONS: [(&str, &str); 2] = [("1.3", "-tls1_3"), ("1.2", "-tls1_2")];

/// A root both sides trust, its intermediate, and another root nobody trusts.
struct Pki {
    dir: TempDir,
    root: Ca,
    issuing: Ca,
    other: Ca,
}

/// A certificate file and its key file.
struct Leaf {
    cert: String,
    key: String,
}

impl Pki {
    fn new(tag: &str) -> Self {
        let root = testpki::root_valid("Diag Root", CURRENT);
        let issuing = testpki::intermediate_valid("Diag Issuing CA", &root, CURRENT);
        let other = testpki::root_valid("Other Root", CURRENT);
        let dir = TempDir::new(tag);
        testpki::write(&dir, "ca.pem", &[&root.pem]);
        Self {
            dir,
            root,
            issuing,
            other,
        }
    }

    fn ca(&self) -> String {
        self.dir.file("ca.pem")
    }

    /// A leaf `CN=name` issued by `by` for `dns`, written as `name.pem` and `name.key`.
    fn leaf(&self, name: &str, by: &Ca, eku: Eku, dns: &[&str], valid: (Ymd, Ymd)) -> Leaf {
        // Distinct serials, so that no two certificates of one issuer share one.
        static SERIAL: AtomicU64 = AtomicU64::new(0x1000);
        let serial = SERIAL.fetch_add(1, Ordering::Relaxed);
        let (cert, key) = testpki::leaf_and_key(name, dns, eku, by, valid, serial);
        Leaf {
            cert: testpki::write(&self.dir, &format!("{name}.pem"), &[&cert]),
            key: testpki::write(&self.dir, &format!("{name}.key"), &[&key]),
        }
    }

    /// The server certificate everyone accepts.
    fn good_server(&self) -> Leaf {
        self.leaf("server", &self.root, Eku::Server, &["localhost"], CURRENT)
    }
}

/// `openssl s_server -rev` pinned to `flag`, presenting `server`, with `extra`; its port.
fn s_server(flag: &str, server: &Leaf, extra: &[&str]) -> (mtls_testkit::Peer, u16) {
    let mut args = vec![flag, "-rev", "-cert", &server.cert, "-key", &server.key];
    args.extend_from_slice(extra);
    mtls_testkit::start_openssl_server(&args, false)
}

/// `mtls client` to `port` pinned to `version`, trusting `ca`, presenting `ours` if given;
/// asserts the handshake failed and returns its `probable cause: ` line.
fn cause(port: u16, version: &str, ca: &str, ours: Option<&Leaf>) -> String {
    let addr = format!("127.0.0.1:{port}");
    let mut args = vec![
        "client",
        &addr,
        "--servername",
        "localhost",
        "--ca",
        ca,
        "--versions",
        version,
        "--wait",
        "0.2",
    ];
    if let Some(l) = ours {
        args.extend_from_slice(&["--cert", &l.cert, "--key", &l.key]);
    }
    let o = run(mtls(&args), b"hello\n");
    let err = stderr(&o);
    assert!(!o.status.success(), "TLS {version}: accepted\n{err}");
    err.lines()
        .find_map(|l| l.strip_prefix("probable cause: "))
        .unwrap_or_else(|| panic!("TLS {version}: no probable cause\n{err}"))
        .to_string()
}

/// Our client certificate `ours` (`None`: no --cert) against an s_server that requires one
/// issued under `pki`'s root, in each version: `expect(version)` is the line, its spans
/// (`expired 2165 days ago`, `in 23 034 days`) written `N`.
fn ours_refused(pki: &Pki, ours: Option<&Leaf>, expect: impl Fn(&str) -> String) {
    let server = pki.good_server();
    let ca = pki.ca();
    for (version, flag) in VERSIONS {
        let extra = ["-CAfile", &ca, "-Verify", "1", "-verify_return_error"];
        let (_s_server, port) = s_server(flag, &server, &extra);
        let line = cause(port, version, &ca, ours);
        assert_eq!(spans_as_n(&line), expect(version), "TLS {version}");
    }
}

/// s_server presenting `theirs` (a client certificate of ours is not asked for), in each
/// version: the line is `expect`, spans written `N`.
fn theirs_refused(pki: &Pki, theirs: &Leaf, expect: &str) {
    for (version, flag) in VERSIONS {
        let (_s_server, port) = s_server(flag, theirs, &[]);
        let line = cause(port, version, &pki.ca(), None);
        assert_eq!(spans_as_n(&line), expect, "TLS {version}");
    }
}

/// `line` with the spans that depend on today (`expired 2165 days ago`, `(in 23034 days)`)
/// written `N`; each must be a count of days.
fn spans_as_n(line: &str) -> String {
    let mut out = line.to_string();
    for (before, after) in [("expired ", " ago"), ("(in ", ")")] {
        if let Some((head, rest)) = out.split_once(before)
            && let Some((span, tail)) = rest.split_once(after)
        {
            assert!(span.ends_with(" days"), "{span:?} in {line}");
            out = format!("{head}{before}N{after}{tail}");
        }
    }
    out
}

// ---- our certificate, refused by s_server ----

#[test]
fn openssl_refuses_our_certificate_from_an_unknown_ca() {
    let pki = Pki::new("diag-ossl-ours-ca");
    let ours = pki.leaf("client", &pki.other, Eku::Client, &[], CURRENT);
    ours_refused(&pki, Some(&ours), |_| {
        "the server refused our certificate (unknown_ca): it accepts certificates issued by \
         CN=Diag Root; ours was issued by CN=Other Root, and we sent no certificate of that \
         CA: if it is an intermediate, append it to --cert after ours"
            .into()
    });
}

#[test]
fn openssl_refuses_our_expired_certificate() {
    let pki = Pki::new("diag-ossl-ours-expired");
    let ours = pki.leaf("client", &pki.root, Eku::Client, &[], PAST);
    ours_refused(&pki, Some(&ours), |_| {
        "the server refused our certificate (certificate_expired): ours expired N ago \
         (notAfter 2021-01-01 00:00:00 UTC)"
            .into()
    });
}

#[test]
fn openssl_refuses_our_certificate_not_yet_valid() {
    let pki = Pki::new("diag-ossl-ours-future");
    let ours = pki.leaf("client", &pki.root, Eku::Client, &[], FUTURE);
    ours_refused(&pki, Some(&ours), |_| {
        "the server refused our certificate (bad_certificate): ours is not yet valid: valid \
         from 2090-01-01 00:00:00 UTC (in N); check this machine's clock, or the clock of the \
         CA that issued it"
            .into()
    });
}

#[test]
fn openssl_refuses_our_certificate_without_client_auth() {
    let pki = Pki::new("diag-ossl-ours-eku");
    let ours = pki.leaf("client", &pki.root, Eku::Server, &[], CURRENT);
    ours_refused(&pki, Some(&ours), |_| {
        "the server refused our certificate (unsupported_certificate): ours has no \
         clientAuth in extendedKeyUsage (it has: serverAuth); use one issued for clientAuth"
            .into()
    });
}

#[test]
fn openssl_refuses_our_certificate_without_its_intermediate() {
    let pki = Pki::new("diag-ossl-ours-chain");
    let ours = pki.leaf("client", &pki.issuing, Eku::Client, &[], CURRENT);
    ours_refused(&pki, Some(&ours), |_| {
        "the server refused our certificate (unknown_ca): it accepts certificates issued by \
         CN=Diag Root; ours was issued by CN=Diag Issuing CA, and we sent no certificate of \
         that CA: if it is an intermediate, append it to --cert after ours"
            .into()
    });
}

#[test]
fn openssl_refuses_a_client_without_a_certificate() {
    let pki = Pki::new("diag-ossl-ours-none");
    // TLS 1.3: certificate_required (RFC 8446 4.4.2.4); TLS 1.2: handshake_failure (RFC 5246
    // 7.4.6).
    ours_refused(&pki, None, |version| {
        let alert = if version == "1.3" {
            "certificate_required"
        } else {
            "handshake_failure"
        };
        format!(
            "the server requires a client certificate ({alert}), and we sent none: no \
             certificate is configured (--cert/--key)"
        )
    });
}

// ---- s_server's certificate, refused by our client ----

#[test]
fn we_refuse_an_openssl_certificate_from_an_unknown_ca() {
    let pki = Pki::new("diag-ossl-theirs-ca");
    let theirs = pki.leaf("server", &pki.other, Eku::Server, &["localhost"], CURRENT);
    theirs_refused(
        &pki,
        &theirs,
        "we refused the server's certificate (unknown_ca): it was issued by CN=Other Root, \
         and --ca trusts only CN=Diag Root; the server sent no certificate of that CA: if it \
         is an intermediate, the server must send it after its own; if not, pass --ca with \
         the CA that issued it",
    );
}

#[test]
fn we_refuse_an_expired_openssl_certificate() {
    let pki = Pki::new("diag-ossl-theirs-expired");
    let theirs = pki.leaf("server", &pki.root, Eku::Server, &["localhost"], PAST);
    theirs_refused(
        &pki,
        &theirs,
        "we refused the server's certificate (certificate_expired): CN=server expired N ago \
         (notAfter 2021-01-01 00:00:00 UTC)",
    );
}

#[test]
fn we_refuse_an_openssl_certificate_not_yet_valid() {
    let pki = Pki::new("diag-ossl-theirs-future");
    let theirs = pki.leaf("server", &pki.root, Eku::Server, &["localhost"], FUTURE);
    theirs_refused(
        &pki,
        &theirs,
        "we refused the server's certificate (certificate_expired): CN=server is not yet \
         valid: valid from 2090-01-01 00:00:00 UTC (in N); check this machine's clock, or \
         the clock of the CA that issued it",
    );
}

#[test]
fn we_refuse_an_openssl_certificate_without_server_auth() {
    let pki = Pki::new("diag-ossl-theirs-eku");
    let theirs = pki.leaf("server", &pki.root, Eku::Client, &["localhost"], CURRENT);
    theirs_refused(
        &pki,
        &theirs,
        "we refused the server's certificate (unsupported_certificate): it has no serverAuth \
         in extendedKeyUsage (it has: clientAuth); the server needs one issued for serverAuth",
    );
}

#[test]
fn we_refuse_an_openssl_certificate_without_its_intermediate() {
    let pki = Pki::new("diag-ossl-theirs-chain");
    let theirs = pki.leaf("server", &pki.issuing, Eku::Server, &["localhost"], CURRENT);
    theirs_refused(
        &pki,
        &theirs,
        "we refused the server's certificate (unknown_ca): it was issued by CN=Diag Issuing \
         CA, and --ca trusts only CN=Diag Root; the server sent no certificate of that CA: if \
         it is an intermediate, the server must send it after its own; if not, pass --ca with \
         the CA that issued it",
    );
}

#[test]
fn we_refuse_an_openssl_certificate_for_another_name() {
    let pki = Pki::new("diag-ossl-theirs-name");
    let theirs = pki.leaf("server", &pki.root, Eku::Server, &["api.example"], CURRENT);
    theirs_refused(
        &pki,
        &theirs,
        "we refused the server's certificate (bad_certificate): it is not valid for \
         localhost: it names DNS:api.example; connect by one of those names or pass \
         --servername",
    );
}

#[test]
fn we_refuse_an_openssl_chain_under_a_root_we_do_not_trust() {
    let pki = Pki::new("diag-ossl-theirs-root");
    let theirs = pki.leaf("server", &pki.issuing, Eku::Server, &["localhost"], CURRENT);
    let issuing = testpki::write(&pki.dir, "issuing.pem", &[&pki.issuing.pem]);
    let other = testpki::write(&pki.dir, "other.pem", &[&pki.other.pem]);
    for (version, flag) in VERSIONS {
        // s_server sends its intermediate; we trust another root.
        let (_s_server, port) = s_server(flag, &theirs, &["-cert_chain", &issuing]);
        assert_eq!(
            cause(port, version, &other, None),
            "we refused the server's certificate (unknown_ca): it was issued by CN=Diag \
             Issuing CA, and --ca trusts only CN=Other Root; the chain it sent ends at CN=Diag \
             Issuing CA, issued by CN=Diag Root: pass --ca with that CA",
            "TLS {version}"
        );
    }
}
