//! `mtls inspect`: certificates, private keys (type and size only), CSRs and CRLs in PEM and
//! DER files, in text and JSON; and never a byte of a private key in the output.

use rsa::pkcs1::EncodeRsaPrivateKey;

use crate::support::*;
use crate::testpki::{self, Eku, FROM, UNTIL};

/// Asserts that nothing of the key (PEM base64 lines, hex of any 8 DER bytes) is in `out`.
fn assert_no_key_material(out: &str, key_pem: &str, key_der: &[u8]) {
    for line in key_pem
        .lines()
        .filter(|l| !l.starts_with("-----") && l.len() >= 16)
    {
        assert!(
            !out.contains(line),
            "a line of the key's PEM is in the output:\n{out}"
        );
    }
    let flat = out.to_ascii_lowercase().replace([':', ' ', '\n'], "");
    for w in key_der.windows(8) {
        let h = hex::encode(w);
        assert!(
            !flat.contains(&h),
            "key bytes {h} are in the output:\n{out}"
        );
    }
}

#[test]
fn shows_each_kind_of_object_and_never_key_material() {
    let dir = TempDir::new("inspect");
    let root = testpki::root("Inspect Root");
    let leaf = testpki::leaf(
        "web",
        &["web.example"],
        Eku::Server,
        &root,
        (FROM, UNTIL),
        0x42,
    );
    let crl = testpki::crl(&root, &[0x42, 0x43], UNTIL);
    let ec = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap();
    let mut req = rcgen::CertificateParams::new(vec!["req.example".to_string()]).unwrap();
    req.distinguished_name
        .push(rcgen::DnType::CommonName, "requester");
    let csr = req.serialize_request(&ec).unwrap().pem().unwrap();
    let rsa_key = rsa::PrivateKey::new(&mut mtls_crypto::OsRng, 2048).unwrap();
    let rsa_der = rsa_key.to_pkcs1_der().unwrap().as_bytes().to_vec();
    let rsa_pem = rsa_key
        .to_pkcs1_pem(rsa::pkcs8::LineEnding::LF)
        .unwrap()
        .to_string();

    let bundle = testpki::write(&dir, "bundle.pem", &[&leaf, &root.pem, &ec.serialize_pem()]);
    let crl_file = testpki::write(&dir, "ca.crl", &[&crl]);
    let csr_file = testpki::write(&dir, "req.csr", &[&csr]);
    let rsa_file = testpki::write(&dir, "rsa.key", &[&rsa_pem]);
    let der_key = dir.0.join("ec.der");
    std::fs::write(&der_key, ec.serialize_der()).unwrap();
    let der_key = der_key.display().to_string();

    let o = run(
        mtls(&[
            "inspect", &bundle, &crl_file, &csr_file, &rsa_file, &der_key,
        ]),
        b"",
    );
    let out = stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    in_order(
        &out,
        &[
            "bundle.pem: 3 objects",
            "  certificate",
            "subject           CN=web",
            "issuer            CN=Inspect Root",
            "serial            42",
            "validity          2030-01-01 00:00:00 UTC .. 2031-01-01 00:00:00 UTC",
            "key               ECDSA P-256",
            "signature         ecdsa-with-SHA256",
            "subjectAltName    DNS:web.example",
            "extendedKeyUsage  serverAuth",
            "keyUsage          digitalSignature",
            "basicConstraints  (absent: not a CA)",
            "SHA-256           ",
            "  certificate",
            "subject           CN=Inspect Root",
            "(self-issued)",
            "basicConstraints  CA:TRUE",
            "  private key (PKCS#8)",
            "key               ECDSA P-384 (key material not shown)",
            "ca.crl: 1 object",
            "  certificate revocation list",
            "issuer            CN=Inspect Root",
            "thisUpdate        2030-05-01 00:00:00 UTC",
            "nextUpdate        2031-01-01 00:00:00 UTC",
            "revoked           2",
            "serial 42 on 2030-05-01 00:00:00 UTC (keyCompromise)",
            "serial 43 on 2030-05-01 00:00:00 UTC (keyCompromise)",
            "req.csr: 1 object",
            "  certificate signing request",
            "subject           CN=requester",
            "key               ECDSA P-384",
            "subjectAltName    DNS:req.example",
            "signature         valid (ecdsa-with-SHA384, by its own key)",
            "rsa.key: 1 object",
            "  private key (PKCS#1)",
            "key               RSA-2048 (key material not shown)",
            "ec.der: 1 object",
            "  private key (PKCS#8)",
            "key               ECDSA P-384 (key material not shown)",
        ],
    );
    assert_no_key_material(&out, &ec.serialize_pem(), &ec.serialize_der());
    assert_no_key_material(&out, &rsa_pem, &rsa_der);

    let o = run(
        mtls(&["inspect", "--json", &bundle, &crl_file, &rsa_file]),
        b"",
    );
    let json = stdout(&o);
    assert_no_key_material(&json, &ec.serialize_pem(), &ec.serialize_der());
    assert_no_key_material(&json, &rsa_pem, &rsa_der);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let files = &v["files"];
    assert_eq!(files[0]["objects"][0]["type"], "certificate");
    assert_eq!(
        files[0]["objects"][0]["subject_alt_names"][0],
        "DNS:web.example"
    );
    assert_eq!(files[0]["objects"][2]["type"], "private_key");
    assert_eq!(files[0]["objects"][2]["key"], "ECDSA P-384");
    assert_eq!(files[1]["objects"][0]["revoked_count"], 2);
    assert_eq!(files[2]["objects"][0]["key"], "RSA-2048");
}

#[test]
fn unsupported_and_unreadable_inputs_are_named() {
    let dir = TempDir::new("inspect-odd");
    let small = rsa::PrivateKey::new(&mut mtls_crypto::OsRng, 1024).unwrap();
    let small = testpki::write(
        &dir,
        "small.key",
        &[&small.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF).unwrap()],
    );
    let encrypted = dir.write(
        "enc.key",
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n",
    );
    let junk = dir.write("junk.bin", "neither PEM nor DER");
    let o = run(
        mtls(&[
            "inspect",
            &small,
            &encrypted,
            &junk,
            &dir.file("absent.pem"),
        ]),
        b"",
    );
    assert_eq!(o.status.code(), Some(1), "a missing file fails the run");
    let out = stdout(&o);
    in_order(
        &out,
        &[
            "RSA-1024 (refused by mtls: 2048 bits or more needed)",
            "encrypted private key",
            "password-protected",
            "not inspected: 19 bytes that are none of",
        ],
    );
    assert!(stderr(&o).contains("absent.pem"), "{}", stderr(&o));
}
