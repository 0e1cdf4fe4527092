//! The TLS 1.3 key schedule (RFC 8446 section 7) against the traces of RFC 8448, byte for byte:
//! section 3 (the simple 1-RTT handshake: early, handshake and master secrets, the four traffic
//! secrets, their keys and IVs, both Finished, the exporter and resumption master secrets, the
//! ticket's PSK) and section 4 (the resumed handshake: the PSK's early secret, binder key and
//! binder). Every expected value is read from `tests/vectors/rfc8448.txt`, a copy of the RFC's
//! text; the transcript hashes are computed from the RFC's messages and checked against the
//! hashes the RFC prints before they are used.

use std::collections::HashMap;

use mtls_crypto::hash::HashAlgorithm::Sha256;
use mtls_crypto::{CryptoProvider, default_provider, provider::compiled_in};
use mtls_prf::tls13::{EarlySecret, Secret, hkdf_expand_label, hkdf_extract};

/// The RFC's values: `(step, label)` -> bytes, where the step is the `{client}`/`{server}` line
/// without its trailing colon and the label is what precedes `(N octets)`.
struct Trace(HashMap<(String, String), Vec<u8>>);

impl Trace {
    fn load() -> Self {
        let path = format!("{}/tests/vectors/rfc8448.txt", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut values = HashMap::new();
        let mut step = String::new();
        // The value being read: its key, announced length and bytes so far.
        let mut current: Option<((String, String), usize, Vec<u8>)> = None;
        let mut finish = |current: &mut Option<((String, String), usize, Vec<u8>)>| {
            if let Some((key, len, bytes)) = current.take() {
                assert_eq!(bytes.len(), len, "{key:?}: length in the trace");
                assert!(values.insert(key.clone(), bytes).is_none(), "{key:?} twice");
            }
        };
        for line in text.lines() {
            let t = line.trim();
            if t.starts_with('#') {
                continue;
            }
            if t.starts_with('{') {
                finish(&mut current);
                step = t.trim_end_matches(':').to_string();
            } else if let Some((head, hex)) = t.split_once(" octets):") {
                finish(&mut current);
                let (label, len) = head.rsplit_once(" (").expect("label (N octets)");
                let mut bytes = Vec::new();
                push_hex(&mut bytes, hex);
                current = Some((
                    (step.clone(), label.to_string()),
                    len.parse().unwrap(),
                    bytes,
                ));
            } else if t.is_empty() {
                finish(&mut current);
            } else if let Some((_, _, bytes)) = &mut current {
                push_hex(bytes, t);
            }
        }
        finish(&mut current);
        Trace(values)
    }

    /// The value labelled `label` under the step `step` (without the `{side}  ` prefix it is
    /// ambiguous, so the whole step line is given).
    fn get(&self, step: &str, label: &str) -> &[u8] {
        self.0
            .get(&(step.to_string(), label.to_string()))
            .unwrap_or_else(|| panic!("no {label:?} under {step:?} in rfc8448.txt"))
    }
}

fn push_hex(out: &mut Vec<u8>, text: &str) {
    for word in text.split_whitespace() {
        assert_eq!(word.len(), 2, "hex word {word:?}");
        out.push(u8::from_str_radix(word, 16).unwrap());
    }
}

const EARLY: &str = "{server}  extract secret \"early\"";
const HANDSHAKE: &str = "{server}  extract secret \"handshake\"";
const MASTER: &str = "{server}  extract secret \"master\"";
const C_HS: &str = "{server}  derive secret \"tls13 c hs traffic\"";
const S_HS: &str = "{server}  derive secret \"tls13 s hs traffic\"";
const C_AP: &str = "{server}  derive secret \"tls13 c ap traffic\"";
const S_AP: &str = "{server}  derive secret \"tls13 s ap traffic\"";
const EXP: &str = "{server}  derive secret \"tls13 exp master\"";
const RES: &str = "{client}  derive secret \"tls13 res master\"";

/// The messages of section 3's handshake, in order.
fn messages(tr: &Trace) -> Vec<&[u8]> {
    vec![
        tr.get(
            "{client}  construct a ClientHello handshake message",
            "ClientHello",
        ),
        tr.get(
            "{server}  construct a ServerHello handshake message",
            "ServerHello",
        ),
        tr.get(
            "{server}  construct an EncryptedExtensions handshake message",
            "EncryptedExtensions",
        ),
        tr.get(
            "{server}  construct a Certificate handshake message",
            "Certificate",
        ),
        tr.get(
            "{server}  construct a CertificateVerify handshake message",
            "CertificateVerify",
        ),
        tr.get(
            "{server}  construct a Finished handshake message",
            "Finished",
        ),
        tr.get(
            "{client}  construct a Finished handshake message",
            "Finished",
        ),
    ]
}

/// `Transcript-Hash` of the first `n` messages (RFC 8446 4.4.1).
fn transcript_hash(provider: &CryptoProvider, tr: &Trace, n: usize) -> Vec<u8> {
    provider
        .digest(Sha256, &messages(tr)[..n].concat())
        .as_slice()
        .to_vec()
}

/// Runs `check` on every compiled-in provider (RustCrypto, and AWS-LC with the feature).
fn each_provider(check: impl Fn(&'static CryptoProvider, &Trace)) {
    let tr = Trace::load();
    for provider in compiled_in() {
        check(provider, &tr);
    }
}

#[test]
fn rfc8448_3_transcript_hashes_of_the_trace_messages() {
    // The hashes the RFC prints: Hash(ClientHello..ServerHello), Hash(..server Finished) and
    // Hash(..client Finished). This checks the copied messages before the Finished tests
    // rely on them.
    each_provider(|p, tr| {
        assert_eq!(transcript_hash(p, tr, 2), tr.get(C_HS, "hash"));
        assert_eq!(transcript_hash(p, tr, 6), tr.get(C_AP, "hash"));
        assert_eq!(transcript_hash(p, tr, 7), tr.get(RES, "hash"));
        // And the hash of the empty string, the context of every "derived".
        let derived = "{server}  derive secret for handshake \"tls13 derived\"";
        assert_eq!(p.digest(Sha256, b"").as_slice(), tr.get(derived, "hash"));
    });
}

#[test]
fn rfc8448_3_early_secret_without_psk() {
    each_provider(|p, tr| {
        assert_eq!(tr.get(EARLY, "IKM"), [0u8; 32]);
        let early = EarlySecret::new(p, Sha256, None);
        assert_eq!(early.secret().as_bytes(), tr.get(EARLY, "secret"));
        assert_eq!(early.secret().hash(), Sha256);
        // The same with the zeros given as the PSK: "0" is Hash.length zero bytes.
        let zeros = EarlySecret::new(p, Sha256, Some(&[0u8; 32]));
        assert_eq!(zeros.secret().as_bytes(), tr.get(EARLY, "secret"));
    });
}

#[test]
fn rfc8446_7_1_derive_secret_derived_with_the_empty_hash() {
    // Derive-Secret(., "derived", "") between the stages, and HKDF-Extract with it as salt.
    each_provider(|p, tr| {
        let empty = p.digest(Sha256, b"");
        let early = Secret::from_bytes(Sha256, tr.get(EARLY, "secret"));
        let derived = early.derive(p, b"derived", empty.as_slice());
        let step = "{server}  derive secret for handshake \"tls13 derived\"";
        assert_eq!(derived.as_bytes(), tr.get(step, "expanded"));
        assert_eq!(derived.as_bytes(), tr.get(HANDSHAKE, "salt"));
        let handshake = hkdf_extract(p, Sha256, derived.as_bytes(), tr.get(HANDSHAKE, "IKM"));
        assert_eq!(handshake.as_bytes(), tr.get(HANDSHAKE, "secret"));

        let derived = handshake.derive(p, b"derived", empty.as_slice());
        let step = "{server}  derive secret for master \"tls13 derived\"";
        assert_eq!(derived.as_bytes(), tr.get(step, "expanded"));
        let master = hkdf_extract(p, Sha256, derived.as_bytes(), tr.get(MASTER, "IKM"));
        assert_eq!(master.as_bytes(), tr.get(MASTER, "secret"));
    });
}

#[test]
fn rfc8446_7_1_hkdf_expand_label_of_the_traffic_secrets() {
    // HKDF-Expand-Label(handshake secret, "c hs traffic", Hash(CH..SH), 32), called directly.
    each_provider(|p, tr| {
        let mut out = [0u8; 32];
        hkdf_expand_label(
            p,
            Sha256,
            tr.get(C_HS, "PRK"),
            b"c hs traffic",
            tr.get(C_HS, "hash"),
            &mut out,
        );
        assert_eq!(out, tr.get(C_HS, "expanded"));
        hkdf_expand_label(
            p,
            Sha256,
            tr.get(S_HS, "PRK"),
            b"s hs traffic",
            tr.get(S_HS, "hash"),
            &mut out,
        );
        assert_eq!(out, tr.get(S_HS, "expanded"));
    });
}

#[test]
fn rfc8448_3_handshake_secret_and_handshake_traffic_secrets() {
    each_provider(|p, tr| {
        let handshake =
            EarlySecret::new(p, Sha256, None).into_handshake(p, tr.get(HANDSHAKE, "IKM"));
        assert_eq!(handshake.secret().as_bytes(), tr.get(HANDSHAKE, "secret"));
        let traffic = handshake.traffic(p, &transcript_hash(p, tr, 2));
        assert_eq!(traffic.client.as_bytes(), tr.get(C_HS, "expanded"));
        assert_eq!(traffic.server.as_bytes(), tr.get(S_HS, "expanded"));
    });
}

#[test]
fn rfc8448_3_master_secret() {
    each_provider(|p, tr| {
        let master = EarlySecret::new(p, Sha256, None)
            .into_handshake(p, tr.get(HANDSHAKE, "IKM"))
            .into_master(p);
        assert_eq!(master.secret().as_bytes(), tr.get(MASTER, "secret"));
    });
}

#[test]
fn rfc8448_3_application_exporter_and_resumption_master_secrets() {
    each_provider(|p, tr| {
        let master = EarlySecret::new(p, Sha256, None)
            .into_handshake(p, tr.get(HANDSHAKE, "IKM"))
            .into_master(p);
        let server_finished = transcript_hash(p, tr, 6);
        let traffic = master.application_traffic(p, &server_finished);
        assert_eq!(traffic.client.as_bytes(), tr.get(C_AP, "expanded"));
        assert_eq!(traffic.server.as_bytes(), tr.get(S_AP, "expanded"));
        let exporter = master.exporter(p, &server_finished);
        assert_eq!(exporter.as_bytes(), tr.get(EXP, "expanded"));
        let resumption = master.resumption(p, &transcript_hash(p, tr, 7));
        assert_eq!(resumption.as_bytes(), tr.get(RES, "expanded"));
    });
}

#[test]
fn rfc8448_3_traffic_keys_and_ivs() {
    // RFC 8446 7.3: key = HKDF-Expand-Label(secret, "key", "", 16), iv = ..."iv", "", 12).
    let steps = [
        (
            "{server}  derive write traffic keys for handshake data",
            S_HS,
        ),
        (
            "{server}  derive read traffic keys for handshake data",
            C_HS,
        ),
        (
            "{server}  derive write traffic keys for application data",
            S_AP,
        ),
        (
            "{client}  derive write traffic keys for application data",
            C_AP,
        ),
    ];
    each_provider(|p, tr| {
        for (step, secret_step) in steps {
            // The step's PRK is the traffic secret derived above.
            assert_eq!(
                tr.get(step, "PRK"),
                tr.get(secret_step, "expanded"),
                "{step}"
            );
            let secret = Secret::from_bytes(Sha256, tr.get(step, "PRK"));
            let keys = secret.traffic_keys(p, 16);
            assert_eq!(keys.key(), tr.get(step, "key expanded"), "{step}");
            assert_eq!(keys.iv(), tr.get(step, "iv expanded"), "{step}");
        }
    });
}

#[test]
fn rfc8448_3_server_finished_over_client_hello_to_certificate_verify() {
    // RFC 8446 4.4.4: HMAC(finished_key of the server handshake traffic secret,
    // Transcript-Hash(ClientHello .. CertificateVerify)).
    each_provider(|p, tr| {
        let step = "{server}  calculate finished \"tls13 finished\"";
        let base = Secret::from_bytes(Sha256, tr.get(step, "PRK"));
        assert_eq!(base.as_bytes(), tr.get(S_HS, "expanded"));
        let finished_key = base.derive(p, b"finished", &[]);
        assert_eq!(finished_key.as_bytes(), tr.get(step, "expanded"));
        let mac = base.finished_mac(p, &transcript_hash(p, tr, 5));
        assert_eq!(mac.as_bytes(), tr.get(step, "finished"));
        // The Finished message's body is that verify_data.
        let message = messages(tr)[5];
        assert_eq!(&message[4..], mac.as_bytes());
        assert!(mac.verify(&message[4..]));
    });
}

#[test]
fn rfc8448_3_client_finished_over_client_hello_to_server_finished() {
    each_provider(|p, tr| {
        let step = "{client}  calculate finished \"tls13 finished\"";
        let base = Secret::from_bytes(Sha256, tr.get(step, "PRK"));
        assert_eq!(base.as_bytes(), tr.get(C_HS, "expanded"));
        assert_eq!(
            base.derive(p, b"finished", &[]).as_bytes(),
            tr.get(step, "expanded")
        );
        let mac = base.finished_mac(p, &transcript_hash(p, tr, 6));
        assert_eq!(mac.as_bytes(), tr.get(step, "finished"));
        assert_eq!(&messages(tr)[6][4..], mac.as_bytes());
    });
}

#[test]
fn rfc8446_4_4_4_finished_verify_refuses_any_other_value() {
    each_provider(|p, tr| {
        let step = "{client}  calculate finished \"tls13 finished\"";
        let mac = Secret::from_bytes(Sha256, tr.get(step, "PRK"))
            .finished_mac(p, &transcript_hash(p, tr, 6));
        let good = tr.get(step, "finished").to_vec();
        assert!(mac.verify(&good));
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0x01;
            assert!(!mac.verify(&bad), "byte {i}");
        }
        assert!(!mac.verify(&good[..31]));
        assert!(!mac.verify(&[good.clone(), vec![0]].concat()));
        assert!(!mac.verify(&[]));
    });
}

#[test]
fn rfc8448_3_resumption_psk_from_the_ticket_nonce() {
    // RFC 8446 4.6.1: HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce,
    // Hash.length); the trace's ticket nonce is 00 00.
    each_provider(|p, tr| {
        let step = "{server}  generate resumption secret \"tls13 resumption\"";
        assert_eq!(tr.get(step, "PRK"), tr.get(RES, "expanded"));
        let resumption = Secret::from_bytes(Sha256, tr.get(step, "PRK"));
        let psk = resumption.resumption_psk(p, tr.get(step, "hash"));
        assert_eq!(psk.as_bytes(), tr.get(step, "expanded"));
        // Another nonce, another PSK.
        assert_ne!(
            resumption.resumption_psk(p, &[0, 1]).as_bytes(),
            psk.as_bytes()
        );
    });
}

#[test]
fn rfc8448_4_early_secret_of_the_resumption_psk() {
    each_provider(|p, tr| {
        let step = "{client}  extract secret \"early\"";
        // The PSK is the one section 3's ticket gave.
        let ticket = "{server}  generate resumption secret \"tls13 resumption\"";
        assert_eq!(tr.get(step, "IKM"), tr.get(ticket, "expanded"));
        let early = EarlySecret::new(p, Sha256, Some(tr.get(step, "IKM")));
        assert_eq!(early.secret().as_bytes(), tr.get(step, "secret"));
    });
}

#[test]
fn rfc8448_4_binder_key_and_psk_binder() {
    // RFC 8446 4.2.11.2: the binder is a Finished MAC with the binder key ("res binder") as
    // base key, over Transcript-Hash(Truncate(ClientHello)).
    each_provider(|p, tr| {
        let step = "{client}  calculate PSK binder";
        let early = EarlySecret::new(
            p,
            Sha256,
            Some(tr.get("{client}  extract secret \"early\"", "IKM")),
        );
        let binder_key = early.binder_key(p, true);
        assert_eq!(binder_key.as_bytes(), tr.get(step, "PRK"));
        assert_eq!(
            binder_key.derive(p, b"finished", &[]).as_bytes(),
            tr.get(step, "expanded")
        );
        let hash = p.digest(Sha256, tr.get(step, "ClientHello prefix"));
        assert_eq!(hash.as_slice(), tr.get(step, "binder hash"));
        let binder = binder_key.finished_mac(p, hash.as_slice());
        assert_eq!(binder.as_bytes(), tr.get(step, "finished"));
        // An external PSK's binder key has its own label ("ext binder"): not the same key.
        assert_ne!(early.binder_key(p, false).as_bytes(), binder_key.as_bytes());
    });
}

#[test]
fn rfc8446_7_2_next_traffic_secret_matches_openssl() {
    // RFC 8446 7.2: application_traffic_secret_N+1 = HKDF-Expand-Label(
    // application_traffic_secret_N, "traffic upd", "", Hash.length). RFC 8448 has no
    // KeyUpdate, so the known answer is OpenSSL 3.0's: the key log of the stored session
    // crates/mtls-testkit/vectors/tls13/openssl-mtls-key-update (TLS_AES_128_GCM_SHA256), which
    // logs the secret of each generation (CLIENT_/SERVER_TRAFFIC_SECRET_0 and _N). The
    // mtls-record tests open that session's records after the KeyUpdate with these keys.
    let pairs = [
        (
            "15499890c55d52e654514742271ce1926fa9e3a3f1925c8f1f8daff37cf5d907",
            "50580f4d949231f0ff52ddb76e84a044e704d67969818807de4d47716f9e4bea",
        ),
        (
            "4cb19dbd8b47db7a1a9b3f2ee02b61a79b6818323f217d80807247ae01f6b590",
            "31e5d54091963d8596fbf21cba4623a34ca74e653eadefe79d8fb1b5a9bc1ce9",
        ),
    ];
    for p in compiled_in() {
        for (gen0, gen1) in pairs {
            let secret = Secret::from_bytes(Sha256, &hex::decode(gen0).unwrap());
            let next = secret.next_traffic_secret(p);
            assert_eq!(hex::encode(next.as_bytes()), gen1);
            // The generation after that is new again.
            assert_ne!(next.next_traffic_secret(p).as_bytes(), next.as_bytes());
        }
    }
}

#[test]
fn secret_from_bytes_keeps_the_hash_length() {
    let p = default_provider();
    let long = [7u8; 64];
    let s = Secret::from_bytes(Sha256, &long);
    assert_eq!(s.as_bytes(), &long[..32]);
    let s = Secret::from_bytes(mtls_crypto::hash::HashAlgorithm::Sha384, &long);
    assert_eq!(s.as_bytes().len(), 48);
    // A SHA-384 schedule derives 48-byte secrets and 32-byte keys.
    let keys = s.traffic_keys(p, 32);
    assert_eq!((keys.key().len(), keys.iv().len()), (32, 12));
    assert_eq!(s.next_traffic_secret(p).as_bytes().len(), 48);
}
