//! The sequence table's own tests: every row's shape against the RFC rules, and the walk
//! over every prefix of every row for both roles.

use super::*;

#[test]
fn every_sequence_starts_with_the_hellos_and_ends_with_finished() {
    for (kind, seq) in SEQUENCES {
        assert_eq!(kind.sequence(), seq);
        if kind.is_post_handshake() {
            assert_eq!(seq.first(), Some(&s(CertificateRequest)), "{kind:?}");
            assert_eq!(seq.last(), Some(&c(Finished)), "{kind:?}");
            continue;
        }
        assert_eq!(seq.first(), Some(&c(ClientHello)), "{kind:?}");
        assert_eq!(seq.get(1), Some(&s(ServerHello)), "{kind:?}");
        assert_eq!(seq.last().map(|s| s.msg), Some(Finished), "{kind:?}");
        assert_eq!(kind.sequence(), seq);
    }
}

#[test]
fn rfc5246_7_4_8_certificate_verify_only_after_a_non_empty_certificate() {
    for (kind, seq) in SEQUENCES {
        let has_cv = seq.contains(&c(CertificateVerify));
        assert_eq!(has_cv, kind.has_client_cert(), "{kind:?}");
        let has_cr = seq.contains(&s(CertificateRequest));
        assert_eq!(has_cr, kind.requests_client_cert(), "{kind:?}");
        assert_eq!(seq.contains(&c(Certificate)), has_cr, "{kind:?}");
    }
}

#[test]
fn rfc5077_3_1_new_session_ticket_right_before_the_servers_change_cipher_spec() {
    for (kind, seq) in SEQUENCES {
        let at: Vec<usize> = (0..seq.len())
            .filter(|i| seq[*i] == s(NewSessionTicket))
            .collect();
        if !kind.issues_ticket() {
            assert!(at.is_empty(), "{kind:?}");
            continue;
        }
        assert_eq!(at.len(), 1, "{kind:?}");
        assert_eq!(seq[at[0] + 1], s(ChangeCipherSpec), "{kind:?}");
        // The same handshake without the ticket is a row of the table too.
        let mut without = seq.to_vec();
        without.remove(at[0]);
        assert!(
            SEQUENCES
                .iter()
                .any(|(_, other)| *other == without.as_slice()),
            "{kind:?}"
        );
    }
}

#[test]
fn rfc5246_7_4_3_server_key_exchange_only_for_ecdhe() {
    for (kind, seq) in SEQUENCES {
        assert_eq!(
            seq.contains(&s(ServerKeyExchange)),
            kind.is_ecdhe(),
            "{kind:?}"
        );
    }
}

#[test]
fn rfc5246_7_1_change_cipher_spec_right_before_each_finished() {
    for (kind, seq) in SEQUENCES {
        if kind.is_tls13() || kind.is_post_handshake() {
            // RFC 8446 D.4: a ChangeCipherSpec is never a step of a TLS 1.3 handshake.
            assert!(!seq.iter().any(|s| s.msg == ChangeCipherSpec), "{kind:?}");
            continue;
        }
        for (i, step) in seq.iter().enumerate() {
            if step.msg == Finished {
                assert_eq!(
                    seq[i - 1],
                    Step {
                        from: step.from,
                        msg: ChangeCipherSpec
                    },
                    "{kind:?}"
                );
            }
        }
    }
}

#[test]
fn kinds_that_remain_agree_on_who_sends_next() {
    // Walk every sequence from the start with the narrowing a receiver does; at each point
    // the remaining kinds never disagree between two messages of ours.
    for (kind, seq) in SEQUENCES {
        let mut flow = start(kind);
        for step in seq {
            assert!(flow.advance(*step), "{kind:?} at {step}");
        }
        assert_eq!(flow.kind(), Some(kind));
        assert_eq!(flow.next(Side::Client), Next::Done);
    }
}

/// Where a walk of `kind` starts: a handshake, or a post-handshake exchange.
fn start(kind: Kind) -> Flow {
    if kind.is_post_handshake() {
        Flow::post_handshake_auth()
    } else {
        Flow::new()
    }
}

#[test]
fn rfc8446_4_4_2_4_tls13_certificate_verify_only_after_a_non_empty_certificate() {
    for (kind, seq) in SEQUENCES {
        if !(kind.is_tls13() || kind.is_post_handshake()) {
            continue;
        }
        assert_eq!(seq.contains(&c(CertificateVerify)), kind.has_client_cert());
        assert_eq!(
            seq.contains(&s(CertificateRequest)),
            kind.requests_client_cert(),
            "{kind:?}"
        );
        assert_eq!(
            seq.contains(&c(Certificate)),
            kind.requests_client_cert(),
            "{kind:?}"
        );
        // The server always authenticates with a certificate in a full TLS 1.3 handshake
        // (RFC 8446 4.4), never when it resumes with a PSK (RFC 8446 2.2): no Certificate,
        // CertificateVerify or CertificateRequest then (RFC 8446 4.3.2).
        if kind.is_tls13() && kind.is_resumption() {
            assert!(
                !seq.iter()
                    .any(|s| matches!(s.msg, Certificate | CertificateVerify | CertificateRequest)),
                "{kind:?}"
            );
        }
        if kind.is_tls13() {
            assert_eq!(
                seq.contains(&s(CertificateVerify)),
                !kind.is_resumption(),
                "{kind:?}"
            );
            assert_eq!(
                seq.get(2),
                Some(&if kind.is_retry() {
                    c(ClientHello)
                } else {
                    s(EncryptedExtensions)
                })
            );
        }
    }
}

/// The facts each role's handlers report right after `step`, for a handshake of `kind`
/// (as the server and client handlers report them).
fn facts_after(kind: Kind, i: usize, step: Step, me: Side) -> Vec<Fact> {
    if kind.is_post_handshake() {
        return match (step.msg, step.from) {
            (Certificate, Side::Client) => vec![Fact::ClientCertificate(kind.has_client_cert())],
            _ => Vec::new(),
        };
    }
    if kind.is_tls13() {
        let first_hello = i == 0;
        // The hello that settles resumption: the first, or the second after a retry.
        let deciding_hello = i == if kind.is_retry() { 2 } else { 0 };
        let resumption = || {
            let mut facts = vec![Fact::Resumption(kind.is_resumption())];
            if !kind.is_resumption() {
                facts.push(Fact::ClientAuth(kind.requests_client_cert()));
            }
            facts
        };
        return match (me, step.msg, step.from) {
            // The server decides version and retry at the first ClientHello; the PSK and
            // client authentication at the ClientHello it answers with a ServerHello.
            (Side::Server, ClientHello, Side::Client) => {
                let mut facts = Vec::new();
                if first_hello {
                    facts.extend([Fact::Tls13(true), Fact::HelloRetry(kind.is_retry())]);
                }
                if deciding_hello {
                    facts.extend(resumption());
                }
                facts
            }
            // The client learns the version and the retry from the first ServerHello, the
            // PSK from the real one (pre_shared_key, RFC 8446 4.2.11).
            (Side::Client, ServerHello, Side::Server) => {
                let mut facts = Vec::new();
                if i == 1 {
                    facts.extend([Fact::Tls13(true), Fact::HelloRetry(kind.is_retry())]);
                }
                if i == 1 + usize::from(kind.is_retry()) * 2 {
                    facts.push(Fact::Resumption(kind.is_resumption()));
                }
                facts
            }
            (_, Certificate, Side::Client) => {
                vec![Fact::ClientCertificate(kind.has_client_cert())]
            }
            _ => Vec::new(),
        };
    }
    let kx = if kind.is_ecdhe() {
        KeyExchangeAlgorithm::Ecdhe
    } else {
        KeyExchangeAlgorithm::Rsa
    };
    let ticket = Fact::Ticket(kind.issues_ticket());
    let full = || {
        vec![
            Fact::Resumption(false),
            Fact::KeyExchange(kx),
            Fact::ClientAuth(kind.requests_client_cert()),
        ]
    };
    match (me, step.msg, step.from) {
        // The server negotiates everything at the ClientHello.
        (Side::Server, ClientHello, Side::Client) if kind.is_resumption() => {
            vec![Fact::Resumption(true), ticket, Fact::Tls13(false)]
        }
        (Side::Server, ClientHello, Side::Client) => {
            let mut facts = full();
            facts.push(ticket);
            facts.push(Fact::Tls13(false));
            facts
        }
        // The client learns resumption, key exchange and whether a ticket comes from the
        // ServerHello; client authentication from the CertificateRequest (or its
        // absence) itself.
        (Side::Client, ServerHello, Side::Server) if kind.is_resumption() => {
            vec![Fact::Resumption(true), ticket, Fact::Tls13(false)]
        }
        (Side::Client, ServerHello, Side::Server) => {
            vec![
                Fact::Resumption(false),
                Fact::KeyExchange(kx),
                ticket,
                Fact::Tls13(false),
            ]
        }
        (_, Certificate, Side::Client) => vec![Fact::ClientCertificate(kind.has_client_cert())],
        _ => Vec::new(),
    }
}

#[test]
fn every_prefix_of_every_row_is_decided_for_both_roles() {
    for (kind, seq) in SEQUENCES {
        for me in [Side::Client, Side::Server] {
            let mut flow = start(kind);
            for (i, step) in seq.iter().enumerate() {
                // Before each step the table agrees on it: ours to send, or the peer's.
                let want = if step.from == me {
                    Next::Send(step.msg)
                } else {
                    Next::Receive
                };
                assert_eq!(flow.next(me), want, "{kind:?} {me:?} before step {i}");
                assert!(flow.advance(*step), "{kind:?} {me:?} at {step}");
                for fact in facts_after(kind, i, *step, me) {
                    assert!(flow.learn(fact), "{kind:?} {me:?}: {fact:?} after {step}");
                }
                // The transcript keeps what a CertificateVerify signs while one may
                // come, and lets it go as soon as this kind has none ahead.
                let cv_ahead = seq[i + 1..].contains(&c(CertificateVerify));
                if cv_ahead || flow.kind() == Some(kind) {
                    assert_eq!(
                        flow.certificate_verify_ahead(),
                        cv_ahead,
                        "{kind:?} {me:?} after {step}"
                    );
                }
            }
            assert_eq!(flow.kind(), Some(kind), "{kind:?} {me:?}");
            assert_eq!(flow.next(me), Next::Done, "{kind:?} {me:?}");
        }
    }
}

#[test]
fn kinds_that_disagree_on_the_next_step_are_undecided() {
    // A server that forgot to report the key exchange at the ClientHello still has both
    // ECDHE kinds (ServerKeyExchange next) and RSA kinds (ServerHelloDone next).
    let mut flow = Flow::new();
    assert!(flow.advance(c(ClientHello)));
    assert!(flow.learn(Fact::Resumption(false)));
    assert!(flow.learn(Fact::ClientAuth(false)));
    assert!(flow.advance(s(ServerHello)));
    assert!(flow.advance(s(Certificate)));
    assert_eq!(flow.next(Side::Server), Next::Undecided);
    assert!(flow.learn(Fact::KeyExchange(KeyExchangeAlgorithm::Rsa)));
    assert_eq!(flow.next(Side::Server), Next::Send(ServerHelloDone));
    // A fact no remaining kind admits is refused.
    assert!(!flow.learn(Fact::KeyExchange(KeyExchangeAlgorithm::Ecdhe)));
}

#[test]
fn out_of_sequence_step_is_refused() {
    let mut flow = Flow::new();
    assert!(flow.advance(c(ClientHello)));
    assert!(!flow.advance(s(Certificate)));
    assert!(!flow.advance(c(Finished)));
    assert!(flow.advance(s(ServerHello)));
    // Now a server Certificate (full), a server CCS (resumed), a NewSessionTicket
    // (resumed by ticket, renewed), EncryptedExtensions (TLS 1.3) or a second ClientHello
    // (after a HelloRetryRequest).
    assert_eq!(
        flow.expected(),
        vec![
            s(Certificate),
            s(ChangeCipherSpec),
            s(NewSessionTicket),
            s(EncryptedExtensions),
            c(ClientHello)
        ]
    );
    assert!(!flow.advance(s(ServerHelloDone)));
}
