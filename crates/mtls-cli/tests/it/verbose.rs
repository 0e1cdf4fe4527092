//! `-v` / `-vv`: the library's events on stderr (the handshake's outcome at -v, each message
//! and decision at -vv), none without the flag.

use crate::support::*;

#[test]
fn verbose_flags_print_the_librarys_events() {
    let quiet = run(mtls(&["demo"]), b"");
    assert!(quiet.status.success(), "{}", stderr(&quiet));
    assert!(
        !stderr(&quiet).contains("handshake complete"),
        "{}",
        stderr(&quiet)
    );

    let v = run(mtls(&["demo", "-v"]), b"");
    assert!(v.status.success(), "{}", stderr(&v));
    let err = stderr(&v);
    assert!(err.contains("handshake complete"), "{err}");
    assert!(
        !err.contains("sent handshake message"),
        "-v shows outcomes only:\n{err}"
    );

    let vv = run(mtls(&["demo", "-vv"]), b"");
    assert!(vv.status.success(), "{}", stderr(&vv));
    let err = stderr(&vv);
    for needle in [
        "sent handshake message typ=Some(ClientHello)",
        "received handshake message typ=Some(CertificateVerify)",
        "server: full handshake negotiated",
        "client: sending a certificate",
        "handshake complete",
    ] {
        assert!(err.contains(needle), "no {needle:?} in:\n{err}");
    }
}

#[test]
fn version_names_the_crypto_provider() {
    let o = run(mtls(&["--version"]), b"");
    assert!(o.status.success());
    let out = stdout(&o);
    let provider = if cfg!(feature = "aws-lc") {
        "aws-lc-rs"
    } else {
        "rustcrypto"
    };
    assert!(out.contains(&format!("(crypto: {provider})")), "{out}");
}
