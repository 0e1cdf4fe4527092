//! Known-answer tests for the TLS 1.2 PRF and everything derived from it (RFC 5246 sections 5,
//! 6.3, 7.4.9, 8.1; RFC 7627 section 4), against published vectors and OpenSSL's TLS1-PRF.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use mtls_crypto::hash::HashAlgorithm;
use mtls_crypto::{default_provider, provider::compiled_in};
use mtls_prf::{
    KeyBlockLayout, MasterSecret, Sender, extended_master_secret, key_block, master_secret, prf,
    verify_data,
};

struct Vector {
    file: &'static str,
    hash: HashAlgorithm,
    secret: Vec<u8>,
    label: String,
    seed: Vec<u8>,
    output: Vec<u8>,
}

fn load(file: &'static str) -> Vec<Vector> {
    let path = format!("{}/tests/vectors/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = Vec::new();
    for block in text.split("\n\n") {
        let mut fields = std::collections::HashMap::new();
        for line in block
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let (k, v) = line
                .split_once(" = ")
                .unwrap_or_else(|| panic!("{file}: bad line {line:?}"));
            fields.insert(k.to_string(), v.to_string());
        }
        if fields.is_empty() {
            continue;
        }
        let hash = match fields["hash"].as_str() {
            "SHA256" => HashAlgorithm::Sha256,
            "SHA384" => HashAlgorithm::Sha384,
            other => panic!("{file}: unknown hash {other}"),
        };
        out.push(Vector {
            file,
            hash,
            secret: hex::decode(&fields["secret"]).unwrap(),
            label: fields["label"].clone(),
            seed: hex::decode(&fields["seed"]).unwrap(),
            output: hex::decode(&fields["output"]).unwrap(),
        });
    }
    assert!(!out.is_empty(), "{file} holds no vectors");
    out
}

fn all_vectors() -> Vec<Vector> {
    let mut v = load("published.txt");
    v.extend(load("openssl-tls1-prf.txt"));
    v
}

#[test]
fn rfc5246_5_p_sha256_published_vector() {
    let v = &load("published.txt")[0];
    let mut out = vec![0u8; 100];
    prf(
        default_provider(),
        HashAlgorithm::Sha256,
        &v.secret,
        b"test label",
        &[&v.seed],
        &mut out,
    );
    assert_eq!(hex::encode(&out[..8]), "e3f229ba727be17b");
    assert_eq!(out, v.output);
}

#[test]
fn rfc5246_5_p_sha384_published_vector() {
    let v = &load("published.txt")[1];
    let mut out = vec![0u8; 148];
    prf(
        default_provider(),
        HashAlgorithm::Sha384,
        &v.secret,
        b"test label",
        &[&v.seed],
        &mut out,
    );
    assert_eq!(hex::encode(&out[..8]), "7b0c18e9ced410ed");
    assert_eq!(hex::encode(&out[144..]), "3d73e56f");
    assert_eq!(out, v.output);
}

#[test]
fn rfc5246_5_prf_matches_every_vector() {
    let vectors = all_vectors();
    assert!(vectors.len() >= 20, "expected the full vector set");
    for v in &vectors {
        for p in compiled_in() {
            let mut out = vec![0u8; v.output.len()];
            prf(
                p,
                v.hash,
                &v.secret,
                v.label.as_bytes(),
                &[&v.seed],
                &mut out,
            );
            assert_eq!(
                out, v.output,
                "{}: {} {:?} on {}",
                v.file, v.label, v.hash, p.name
            );
        }
    }
}

#[test]
fn rfc5246_5_seed_parts_are_concatenated() {
    // Splitting the seed anywhere must not change the output: the parts are one seed.
    for v in all_vectors().iter().filter(|v| v.seed.len() > 1) {
        let (a, b) = v.seed.split_at(v.seed.len() / 3);
        let mut out = vec![0u8; v.output.len()];
        prf(
            default_provider(),
            v.hash,
            &v.secret,
            v.label.as_bytes(),
            &[a, b],
            &mut out,
        );
        assert_eq!(out, v.output, "{}: {}", v.file, v.label);
    }
}

#[test]
fn rfc5246_8_1_master_secret_known_answers() {
    let mut seen = 0;
    for v in all_vectors().iter().filter(|v| v.label == "master secret") {
        let (cr, sr) = v.seed.split_at(32);
        for p in compiled_in() {
            let ms = master_secret(
                p,
                v.hash,
                &v.secret,
                cr.try_into().unwrap(),
                sr.try_into().unwrap(),
            );
            assert_eq!(
                &ms.as_bytes()[..],
                &v.output[..],
                "{} on {}",
                v.file,
                p.name
            );
        }
        seen += 1;
    }
    assert_eq!(seen, 2, "one vector per PRF hash");
}

#[test]
fn rfc7627_4_extended_master_secret_known_answers() {
    let mut seen = 0;
    for v in all_vectors()
        .iter()
        .filter(|v| v.label == "extended master secret")
    {
        for p in compiled_in() {
            let ms = extended_master_secret(p, v.hash, &v.secret, &v.seed);
            assert_eq!(
                &ms.as_bytes()[..],
                &v.output[..],
                "{} on {}",
                v.file,
                p.name
            );
        }
        seen += 1;
    }
    assert_eq!(seen, 2, "one vector per PRF hash");
}

#[test]
fn rfc5246_6_3_key_block_split_known_answers() {
    let mut seen = 0;
    for v in all_vectors().iter().filter(|v| v.label == "key expansion") {
        let layout = match v.output.len() {
            40 => KeyBlockLayout::AES_128_GCM,
            72 => KeyBlockLayout::AES_256_GCM,
            88 => KeyBlockLayout::CHACHA20_POLY1305,
            n => panic!("{}: no layout of {n} bytes", v.file),
        };
        // The key expansion seed is server_random + client_random (RFC 5246 6.3).
        let (sr, cr) = v.seed.split_at(32);
        let master = MasterSecret::from_bytes(v.secret.as_slice().try_into().unwrap());
        for p in compiled_in() {
            let kb = key_block(
                p,
                v.hash,
                &master,
                cr.try_into().unwrap(),
                sr.try_into().unwrap(),
                layout,
            );
            let (k, iv) = (layout.key_len(), layout.fixed_iv_len());
            let o = &v.output;
            assert_eq!(kb.client_write.key(), &o[..k]);
            assert_eq!(kb.server_write.key(), &o[k..2 * k]);
            assert_eq!(kb.client_write.iv(), &o[2 * k..2 * k + iv]);
            assert_eq!(kb.server_write.iv(), &o[2 * k + iv..2 * k + 2 * iv]);
        }
        seen += 1;
    }
    assert_eq!(seen, 6, "three layouts per PRF hash");
}

#[test]
fn rfc5246_7_4_9_verify_data_known_answers() {
    let mut seen = 0;
    for v in all_vectors()
        .iter()
        .filter(|v| v.label.ends_with(" finished"))
    {
        let sender = if v.label == "client finished" {
            Sender::Client
        } else {
            Sender::Server
        };
        let master = MasterSecret::from_bytes(v.secret.as_slice().try_into().unwrap());
        for p in compiled_in() {
            let vd = verify_data(p, v.hash, &master, sender, &v.seed);
            assert_eq!(&vd.as_bytes()[..], &v.output[..], "{}: {}", v.file, v.label);
            assert!(vd.verify(&v.output));
        }
        seen += 1;
    }
    assert_eq!(seen, 4);
}

#[test]
fn rfc5246_7_4_9_verify_data_check_refuses_any_difference() {
    let master = MasterSecret::from_bytes([0x42; 48]);
    let vd = verify_data(
        default_provider(),
        HashAlgorithm::Sha256,
        &master,
        Sender::Server,
        &[0u8; 32],
    );
    let good = *vd.as_bytes();
    assert!(vd.verify(&good));
    for i in 0..good.len() {
        for bit in 0..8 {
            let mut bad = good;
            bad[i] ^= 1 << bit;
            assert!(!vd.verify(&bad), "flipped bit {bit} of byte {i} accepted");
        }
    }
    assert!(!vd.verify(&good[..11]), "short verify_data accepted");
    let mut long = good.to_vec();
    long.push(0);
    assert!(!vd.verify(&long), "long verify_data accepted");
    assert!(!vd.verify(&[]));
}

#[test]
fn rfc5246_7_4_9_client_and_server_labels_differ() {
    let master = MasterSecret::from_bytes([1; 48]);
    let c = verify_data(
        default_provider(),
        HashAlgorithm::Sha256,
        &master,
        Sender::Client,
        &[2; 32],
    );
    let s = verify_data(
        default_provider(),
        HashAlgorithm::Sha256,
        &master,
        Sender::Server,
        &[2; 32],
    );
    assert_ne!(c.as_bytes(), s.as_bytes());
}
