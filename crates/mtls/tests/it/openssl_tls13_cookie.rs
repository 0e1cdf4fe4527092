//! The HelloRetryRequest cookie (RFC 8446 4.2.2) with real OpenSSL: `openssl s_server
//! -stateless` keeps no state between the two ClientHellos and answers the first with a
//! HelloRetryRequest carrying a cookie (and no key_share request when our share suits it);
//! our client must echo the cookie in its second ClientHello and complete a mutual handshake.
//!
//! The test fails (never skips) when `openssl` is missing, kills its child on every path,
//! and is bounded by socket timeouts and a deadline.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Write;
use std::time::Instant;

use crate::peers::tls13::*;
use crate::peers::*;
use mtls::{HandshakeKind, ProtocolVersion};

/// RFC 8446 4.2.2: our client echoes the cookie of `s_server -stateless`'s
/// HelloRetryRequest; the mutual handshake completes (s_server verified our certificate),
/// data flows, and s_server received two ClientHellos.
#[test]
fn rfc8446_4_2_2_our_client_echoes_the_cookie_of_s_server_stateless() {
    for (server, client) in [
        ("server-ecdsa", "client-rsa"),
        ("server-rsa", "client-ecdsa"),
    ] {
        let deadline = Instant::now() + TEST_TIMEOUT;
        // The default mode: -stateless applies to it (not to -rev or -www). What arrives is
        // printed, lines on its stdin are sent.
        let (mut peer, port) = s_server13(server, "1", &["-stateless"], true);
        let config = client13(client).build().unwrap();
        let mut tls = our_client(&config, port, &mut peer);
        let summary = tls.conn.handshake_summary().unwrap().clone();
        tls.write_all(b"from-mtls\n").unwrap();
        tls.flush().unwrap();
        assert!(
            peer.wait_output("from-mtls", deadline),
            "s_server never printed our line\n{}",
            peer.describe()
        );
        peer.write_stdin(b"from-openssl\n");
        let (line, err) = read_line(&mut tls);
        assert!(err.is_none(), "{err:?}\n{}", peer.describe());
        assert_eq!(line, b"from-openssl\n", "{}", peer.describe());
        let _ = tls.close();
        peer.close_stdin();
        assert!(
            peer.wait_exit(deadline).is_some(),
            "s_server did not exit\n{}",
            peer.describe()
        );
        let what = peer.describe();
        assert_eq!(summary.version, ProtocolVersion::TLSv1_3, "{what}");
        assert_eq!(summary.kind, HandshakeKind::Tls13RetryClientCert, "{what}");
        assert!(summary.peer_verified, "{what}");
        let out = peer.stdout();
        assert_eq!(msg_count(&out, "<<<", "ClientHello"), 2, "{what}");
        assert_eq!(msg_count(&out, "<<<", "Certificate"), 1, "{what}");
        // The first ServerHello is a HelloRetryRequest (its random is RFC 8446 4.1.3's
        // constant), and s_server verified our certificate after the second ClientHello.
        assert!(out.contains("cf 21 ad 74 e5 9a 61 11 be 1d"), "{what}");
        assert!(
            out.contains(&format!("subject=CN = test-{client}")),
            "{what}"
        );
    }
}
