//! `mtls verify`: each refusal cause gets its one-line diagnosis (unknown CA, expired, not yet
//! valid, wrong EKU, missing intermediate, wrong name, revoked, and a few more; a chain file
//! without a certificate is an input error), an accepted chain gets `accepted:`, exit status
//! 0 / 1 / 2, and `--json` carries the same facts.
//!
//! The PKIs are made at test time (testpki.rs) with fixed dates in 2030, and every check runs
//! `--at` a fixed time: nothing depends on the clock. No network.

use crate::support::*;
use crate::testpki::{self, AT, Eku, FROM, UNTIL};

/// Runs `mtls verify ARGS`; returns the exit code, stdout, and its last line.
fn verify(args: &[&str]) -> (Option<i32>, String, String) {
    let mut all = vec!["verify"];
    all.extend_from_slice(args);
    let o = run(mtls(&all), b"");
    let out = stdout(&o);
    let last = out.lines().last().unwrap_or_default().to_string();
    assert!(
        stderr(&o).is_empty() || o.status.code() == Some(2),
        "stderr: {}",
        stderr(&o)
    );
    (o.status.code(), out, last)
}

/// Asserts a refusal (exit 1) whose last line starts with `refused: ` and holds `needles`.
fn refused(args: &[&str], needles: &[&str]) -> String {
    let (code, out, last) = verify(args);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        last.starts_with("refused: "),
        "last line {last:?} of:\n{out}"
    );
    for n in needles {
        assert!(
            last.contains(n),
            "{n:?} missing from {last:?}; whole output:\n{out}"
        );
    }
    last
}

/// A root `CN=Corp Root`, an intermediate `CN=Corp Issuing CA` and its client and server
/// leaves, written out.
struct Corp {
    dir: TempDir,
    root: testpki::Ca,
    inter: testpki::Ca,
}

impl Corp {
    fn new(tag: &str) -> Self {
        let root = testpki::root("Corp Root");
        let inter = testpki::intermediate("Corp Issuing CA", &root);
        let dir = TempDir::new(tag);
        testpki::write(&dir, "root.pem", &[&root.pem]);
        Self { dir, root, inter }
    }

    fn ca(&self) -> String {
        self.dir.file("root.pem")
    }

    /// A leaf issued by the intermediate, written with the intermediate after it.
    fn chain(
        &self,
        name: &str,
        eku: Eku,
        dns: &[&str],
        valid: (testpki::Ymd, testpki::Ymd),
    ) -> String {
        let leaf = testpki::leaf(name, dns, eku, &self.inter, valid, 0x1001);
        testpki::write(&self.dir, &format!("{name}.pem"), &[&leaf, &self.inter.pem])
    }
}

#[test]
fn an_accepted_client_chain_is_explained_and_exits_0() {
    let corp = Corp::new("v-ok");
    let chain = corp.chain("alice", Eku::Client, &[], (FROM, UNTIL));
    let (code, out, last) = verify(&["--ca", &corp.ca(), "--at", AT, &chain]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        last.starts_with("accepted: CN=alice is a valid clientAuth certificate under CN=Corp Root"),
        "{last}"
    );
    in_order(
        &out,
        &[
            "as a client certificate (clientAuth) at 2030-06-01 00:00:00 UTC",
            "chain as given",
            "subject           CN=alice",
            "extendedKeyUsage  clientAuth",
            "subject           CN=Corp Issuing CA",
            "basicConstraints  CA:TRUE",
            "trusted roots",
            "CN=Corp Root",
            "path:",
            "[1] CN=alice",
            "<- issued by [2] CN=Corp Issuing CA",
            "<- issued by root CN=Corp Root",
            "signatures:",
            "ok   [1] CN=alice signed by [2] CN=Corp Issuing CA: valid (ecdsa-with-SHA256)",
            "ok   [2] CN=Corp Issuing CA signed by root CN=Corp Root: valid",
            "validity at 2030-06-01 00:00:00 UTC:",
            "ok   [1] CN=alice: valid until 2031-01-01 00:00:00 UTC (214 days left)",
            "usage for clientAuth:",
            "name:",
            "revocation:",
            "not checked: no --crl",
            "verifier WebPkiClientVerifier: accepted",
        ],
    );
}

#[test]
fn a_server_chain_is_accepted_for_its_name() {
    let corp = Corp::new("v-srv");
    let chain = corp.chain("api", Eku::Server, &["api.example"], (FROM, UNTIL));
    let (code, out, last) = verify(&[
        "--ca",
        &corp.ca(),
        "--name",
        "API.example",
        "--at",
        AT,
        &chain,
    ]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        last.starts_with("accepted: CN=api is a valid serverAuth certificate for API.example"),
        "{last}"
    );
    assert!(
        out.contains("ok   API.example matches DNS:api.example"),
        "{out}"
    );
    assert!(
        out.contains("verifier WebPkiServerVerifier: accepted"),
        "{out}"
    );
}

#[test]
fn unknown_ca() {
    let corp = Corp::new("v-unknown");
    let dev = testpki::root("Dev CA");
    let leaf = testpki::leaf("bob", &[], Eku::Client, &dev, (FROM, UNTIL), 7);
    // The leaf alone: its issuer could be an intermediate not sent, or another CA.
    let alone = testpki::write(&corp.dir, "bob.pem", &[&leaf]);
    refused(
        &["--ca", &corp.ca(), "--at", AT, &alone],
        &[
            "the chain is not issued by the given CA",
            "issuer CN=Dev CA of CN=bob",
            "trusted roots: CN=Corp Root",
        ],
    );
    // With its root: the chain plainly ends at a root the CA file does not hold.
    let rooted = testpki::write(&corp.dir, "bob-and-root.pem", &[&leaf, &dev.pem]);
    let last = refused(
        &["--ca", &corp.ca(), "--at", AT, &rooted],
        &["the chain is not issued by the given CA (it ends at CN=Dev CA, a root that"],
    );
    assert!(last.contains("trusted roots: CN=Corp Root)"), "{last}");
    let (_, out, _) = verify(&["--ca", &corp.ca(), "--at", AT, &rooted]);
    assert!(
        out.contains(
            "<- issued by [2] CN=Dev CA\n    (self-issued: the path ends here, at a root that"
        ),
        "{out}"
    );
}

#[test]
fn a_ca_of_the_same_name_with_another_key() {
    let corp = Corp::new("v-samename");
    let impostor = testpki::root("Corp Root");
    let leaf = testpki::leaf("eve", &[], Eku::Client, &impostor, (FROM, UNTIL), 9);
    let chain = testpki::write(&corp.dir, "eve.pem", &[&leaf]);
    let (_, out, _) = verify(&["--ca", &corp.ca(), "--at", AT, &chain]);
    assert!(
        out.contains("FAIL [1] CN=eve signed by root CN=Corp Root: does NOT verify"),
        "{out}"
    );
    refused(
        &["--ca", &corp.ca(), "--at", AT, &chain],
        &[
            "not issued by the given CA",
            "CN=Corp Root in",
            "has the issuer's name but not its key",
        ],
    );
}

#[test]
fn expired() {
    let corp = Corp::new("v-expired");
    let chain = corp.chain("carol", Eku::Client, &[], (FROM, (2030, 12, 2)));
    let last = refused(
        &["--ca", &corp.ca(), "--at", "2030-12-05T00:00:00Z", &chain],
        &[
            "refused: expired 3 days ago (notAfter 2030-12-02 00:00:00 UTC)",
            "renew it",
        ],
    );
    // Unix seconds mean the same time.
    let (_, _, again) = verify(&["--ca", &corp.ca(), "--at", "1922659200", &chain]);
    assert_eq!(again, last);
}

#[test]
fn not_yet_valid() {
    let corp = Corp::new("v-notyet");
    let chain = corp.chain("dave", Eku::Client, &[], ((2030, 7, 1), UNTIL));
    refused(
        &["--ca", &corp.ca(), "--at", AT, &chain],
        &["refused: not yet valid: valid from 2030-07-01 00:00:00 UTC (in 30 days)"],
    );
}

#[test]
fn an_expired_intermediate_is_named() {
    let root = testpki::root("Old Root");
    let dir = TempDir::new("v-old-inter");
    let ca = testpki::write(&dir, "root.pem", &[&root.pem]);
    let inter = testpki::intermediate("Old Issuing CA", &root);
    let leaf = testpki::leaf("frank", &[], Eku::Client, &inter, (FROM, UNTIL), 3);
    let chain = testpki::write(&dir, "chain.pem", &[&leaf, &inter.pem]);
    // After 2031-01-01 both expired; the leaf is named first, as the verifier checks it first.
    refused(
        &["--ca", &ca, "--at", "2031-01-11", &chain],
        &["refused: expired 10 days ago (notAfter 2031-01-01 00:00:00 UTC)"],
    );
}

#[test]
fn wrong_eku() {
    let corp = Corp::new("v-eku");
    let chain = corp.chain("web", Eku::Server, &["web.example"], (FROM, UNTIL));
    refused(
        &[
            "--ca",
            &corp.ca(),
            "--purpose",
            "client",
            "--at",
            AT,
            &chain,
        ],
        &["refused: no clientAuth in extendedKeyUsage (it has: serverAuth)"],
    );
    let client = corp.chain("grace", Eku::Client, &["grace.example"], (FROM, UNTIL));
    refused(
        &[
            "--ca",
            &corp.ca(),
            "--name",
            "grace.example",
            "--at",
            AT,
            &client,
        ],
        &["refused: no serverAuth in extendedKeyUsage (it has: clientAuth)"],
    );
}

#[test]
fn missing_intermediate() {
    let corp = Corp::new("v-missing");
    let leaf = testpki::leaf("heidi", &[], Eku::Client, &corp.inter, (FROM, UNTIL), 11);
    let alone = testpki::write(&corp.dir, "heidi.pem", &[&leaf]);
    refused(
        &["--ca", &corp.ca(), "--at", AT, &alone],
        &[
            "an intermediate is missing",
            "issuer CN=Corp Issuing CA of CN=heidi is in neither",
            "if CN=Corp Issuing CA is an intermediate CA, append its certificate to",
        ],
    );
    let (_, out, _) = verify(&["--ca", &corp.ca(), "--at", AT, &alone]);
    assert!(
        out.contains("MISSING: issuer CN=Corp Issuing CA is in neither"),
        "{out}"
    );
}

#[test]
fn wrong_name() {
    let corp = Corp::new("v-name");
    let chain = corp.chain("api", Eku::Server, &["api.example"], (FROM, UNTIL));
    refused(
        &[
            "--ca",
            &corp.ca(),
            "--name",
            "www.example",
            "--at",
            AT,
            &chain,
        ],
        &["refused: not valid for www.example (its names: DNS:api.example)"],
    );
    refused(
        &["--ca", &corp.ca(), "--name", "10.0.0.1", "--at", AT, &chain],
        &["not valid for 10.0.0.1", "subjectAltName IP:10.0.0.1"],
    );
    // Names only in the subject CN count for nothing.
    let cn_only = corp.chain("cn-only.example", Eku::Server, &[], (FROM, UNTIL));
    refused(
        &[
            "--ca",
            &corp.ca(),
            "--name",
            "cn-only.example",
            "--at",
            AT,
            &cn_only,
        ],
        &[
            "has no DNS or IP subjectAltName",
            "the subject CN is never used",
        ],
    );
}

#[test]
fn revoked_with_a_crl() {
    let corp = Corp::new("v-crl");
    let chain = corp.chain("ivan", Eku::Client, &[], (FROM, UNTIL));
    // The leaf is revoked by the intermediate; the intermediate is covered by the root's CRL.
    let crls = testpki::write(
        &corp.dir,
        "crls.pem",
        &[
            &testpki::crl(&corp.inter, &[0x1001], UNTIL),
            &testpki::crl(&corp.root, &[], UNTIL),
        ],
    );
    let last = refused(
        &["--ca", &corp.ca(), "--crl", &crls, "--at", AT, &chain],
        &[
            "refused: revoked on 2030-05-01 00:00:00 UTC, keyCompromise (serial 10:01, in the CRL of CN=Corp Issuing CA)",
        ],
    );
    assert!(last.ends_with("it must be replaced"), "{last}");

    // The same CRLs without the leaf's serial: accepted, and said so.
    let clean = testpki::write(
        &corp.dir,
        "clean.pem",
        &[
            &testpki::crl(&corp.inter, &[0x2002], UNTIL),
            &testpki::crl(&corp.root, &[], UNTIL),
        ],
    );
    let (code, out, last) = verify(&["--ca", &corp.ca(), "--crl", &clean, "--at", AT, &chain]);
    assert_eq!(code, Some(0), "{out}");
    assert!(last.ends_with(", not revoked"), "{last}");
    assert!(
        out.contains("CRL of CN=Corp Issuing CA: thisUpdate 2030-05-01 00:00:00 UTC"),
        "{out}"
    );
}

#[test]
fn crl_missing_or_stale() {
    let corp = Corp::new("v-crl2");
    let chain = corp.chain("judy", Eku::Client, &[], (FROM, UNTIL));
    // Only the intermediate's CRL: the intermediate itself is not covered.
    let only = testpki::write(
        &corp.dir,
        "only.pem",
        &[&testpki::crl(&corp.inter, &[], UNTIL)],
    );
    refused(
        &["--ca", &corp.ca(), "--crl", &only, "--at", AT, &chain],
        &[
            "no CRL from its issuer CN=Corp Root was given",
            "add that CRL with --crl",
        ],
    );
    // Both CRLs, but past their nextUpdate.
    let stale = testpki::write(
        &corp.dir,
        "stale.pem",
        &[
            &testpki::crl(&corp.inter, &[], (2030, 5, 8)),
            &testpki::crl(&corp.root, &[], (2030, 5, 8)),
        ],
    );
    refused(
        &["--ca", &corp.ca(), "--crl", &stale, "--at", AT, &chain],
        &[
            "the CRL of CN=Corp Issuing CA is past its nextUpdate (2030-05-08 00:00:00 UTC, 24 days ago)",
        ],
    );
}

#[test]
fn json_carries_the_same_facts() {
    let corp = Corp::new("v-json");
    let chain = corp.chain("ken", Eku::Server, &["ken.example"], (FROM, (2030, 12, 2)));
    let o = run(
        mtls(&[
            "verify",
            "--json",
            "--ca",
            &corp.ca(),
            "--purpose",
            "server",
            "--at",
            "2030-12-05T00:00:00Z",
            &chain,
        ]),
        b"",
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["verdict"], "refused");
    assert_eq!(v["cause"], "expired");
    assert_eq!(v["alert"], "certificate_expired");
    assert_eq!(v["verifier"], "WebPkiServerVerifier");
    assert_eq!(v["at"], "2030-12-05T00:00:00Z");
    assert!(
        v["diagnosis"]
            .as_str()
            .unwrap()
            .starts_with("refused: expired 3 days ago")
    );
    assert_eq!(v["chain"][0]["subject"], "CN=ken");
    assert_eq!(v["chain"][0]["subject_alt_names"][0], "DNS:ken.example");
    assert_eq!(v["chain"][1]["basic_constraints"]["ca"], true);
    assert_eq!(v["path"]["end"], "trusted_root");
    assert_eq!(v["path"]["root"], "CN=Corp Root");
    assert_eq!(v["signatures"][0]["outcome"], "valid");
    assert_eq!(v["validity"][0]["status"], "expired");
    assert_eq!(v["validity"][0]["seconds"], 3 * 86_400);
}

/// No certificate sent, `mtls verify`'s way: a chain file without one is not a chain to judge
/// (exit 2, naming the file), not a refusal.
#[test]
fn a_chain_file_without_a_certificate_exits_2() {
    let corp = Corp::new("v-empty");
    let empty = corp.dir.write("empty.pem", "");
    let o = run(mtls(&["verify", "--ca", &corp.ca(), &empty]), b"");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("no certificate found in {empty}")),
        "{}",
        stderr(&o)
    );
}

#[test]
fn unreadable_input_exits_2() {
    let dir = TempDir::new("v-bad");
    let junk = dir.write("junk.pem", "not a certificate\n");
    let o = run(mtls(&["verify", "--ca", &junk, &junk]), b"");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no certificate found in"),
        "{}",
        stderr(&o)
    );
    let corp = Corp::new("v-bad-at");
    let chain = corp.chain("leo", Eku::Client, &[], (FROM, UNTIL));
    let o = run(
        mtls(&["verify", "--ca", &corp.ca(), "--at", "yesterday", &chain]),
        b"",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("expected RFC 3339"), "{}", stderr(&o));
}

#[test]
fn a_leaf_without_extended_key_usage_serves_either_purpose() {
    let corp = Corp::new("v-noeku");
    let chain = corp.chain("any", Eku::None, &["any.example"], (FROM, UNTIL));
    for purpose in ["client", "server"] {
        let (code, out, last) =
            verify(&["--ca", &corp.ca(), "--purpose", purpose, "--at", AT, &chain]);
        assert_eq!(code, Some(0), "{out}");
        assert!(
            out.contains("extendedKeyUsage absent (any purpose)"),
            "{out}"
        );
        assert!(last.starts_with("accepted: CN=any"), "{last}");
    }
    // A server certificate checked without --name: for its first name, and said so.
    let (_, out, last) = verify(&[
        "--ca",
        &corp.ca(),
        "--purpose",
        "server",
        "--at",
        AT,
        &chain,
    ]);
    assert!(out.contains("not checked: give --name"), "{out}");
    assert!(
        last.starts_with(
            "accepted: CN=any is a valid serverAuth certificate (name not checked: give --name)"
        ),
        "{last}"
    );
}

#[test]
fn a_chain_in_the_wrong_order() {
    let corp = Corp::new("v-order");
    let leaf = testpki::leaf("mallory", &[], Eku::Client, &corp.inter, (FROM, UNTIL), 5);
    let chain = testpki::write(&corp.dir, "backwards.pem", &[&corp.inter.pem, &leaf]);
    refused(
        &["--ca", &corp.ca(), "--at", AT, &chain],
        &[
            "refused: CN=Corp Issuing CA is a CA certificate (basicConstraints CA:TRUE), not an end-entity one",
            "the leaf must come first in",
        ],
    );
    let (_, out, _) = verify(&["--ca", &corp.ca(), "--at", AT, &chain]);
    assert!(out.contains("[2] not on the path"), "{out}");
    assert!(out.contains("a CA certificate used as the leaf"), "{out}");
    // The root sent along is no harm, and said to be unnecessary.
    let with_root = testpki::write(
        &corp.dir,
        "with-root.pem",
        &[&leaf, &corp.inter.pem, &corp.root.pem],
    );
    let (code, out, _) = verify(&["--ca", &corp.ca(), "--at", AT, &with_root]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("[3] CN=Corp Root is not on the path (a trusted root itself"),
        "{out}"
    );
}
