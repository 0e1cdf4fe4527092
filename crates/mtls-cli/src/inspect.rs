//! `mtls inspect FILE...`: the certificates, keys, CSRs and CRLs in PEM or DER files. For a
//! private key only its type and size are shown, never any of its bytes (nor its public half:
//! a key is identified by the certificate it belongs to).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::{Value, json};
use x509_cert::der::asn1::ObjectIdentifier;
use x509_cert::der::{Decode, Encode};

use crate::certinfo::{self, CertInfo};
use crate::chain::{SigOutcome, Signed, verify_with_key};
use crate::crlinfo::CrlInfo;
use crate::oids;
use crate::pemfile::{self, Kind, Object};

/// Options of `mtls inspect`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files to inspect: PEM (any number of sections) or one DER structure each.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Print one JSON object instead.
    #[arg(long)]
    pub json: bool,
}

/// Runs `mtls inspect`: 0 when every file was read, 1 otherwise.
pub fn run(args: Args) -> ExitCode {
    let mut failed = false;
    let mut files = Vec::new();
    let mut text = String::new();
    for path in &args.files {
        let shown = path.display().to_string();
        match pemfile::read(path) {
            Ok(objects) => {
                let described: Vec<Described> = objects.iter().map(describe).collect();
                let _ = writeln!(
                    text,
                    "{shown}: {}",
                    match described.len() {
                        0 => "nothing recognized".to_string(),
                        1 => "1 object".to_string(),
                        n => format!("{n} objects"),
                    }
                );
                for d in &described {
                    let _ = writeln!(text, "  {}", d.title);
                    text.push_str(&d.lines);
                }
                files.push(json!({
                    "file": shown,
                    "objects": described.into_iter().map(|d| d.json).collect::<Vec<_>>(),
                }));
            }
            Err(e) => {
                failed = true;
                eprintln!("mtls inspect: {e}");
                files.push(json!({ "file": shown, "error": e }));
            }
        }
    }
    if args.json {
        println!("{}", json!({ "files": files }));
    } else {
        print!("{text}");
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// One object, described.
struct Described {
    title: String,
    lines: String,
    json: Value,
}

const INDENT: &str = "      ";

fn line(label: &str, value: &str) -> String {
    format!("{INDENT}{label:<18}{value}\n")
}

fn describe(o: &Object) -> Described {
    match &o.kind {
        Kind::Certificate => match CertInfo::parse(&o.der) {
            Ok(c) => Described {
                title: "certificate".into(),
                lines: c.lines(INDENT),
                json: with_type("certificate", c.json()),
            },
            Err(e) => unreadable("certificate", &e),
        },
        Kind::Crl => match CrlInfo::parse(&o.der) {
            Ok(c) => Described {
                title: "certificate revocation list".into(),
                lines: c.lines(INDENT),
                json: with_type("crl", c.json()),
            },
            Err(e) => unreadable("certificate revocation list", &e),
        },
        Kind::Csr => csr(&o.der),
        Kind::PrivateKey(form) => {
            let key = private_key(form, &o.der);
            Described {
                title: format!("private key ({form})"),
                lines: line("key", &format!("{key} (key material not shown)")),
                json: json!({ "type": "private_key", "form": form, "key": key }),
            }
        }
        Kind::EncryptedKey => Described {
            title: "encrypted private key".into(),
            lines: line("key", "password-protected: type and size not readable"),
            json: json!({ "type": "encrypted_private_key" }),
        },
        Kind::PublicKey => match x509_cert::spki::SubjectPublicKeyInfoOwned::from_der(&o.der) {
            Ok(spki) => {
                let key = certinfo::describe_spki(&spki);
                let fp = certinfo::fingerprint(&o.der);
                Described {
                    title: "public key".into(),
                    lines: format!("{}{}", line("key", &key), line("SHA-256", &fp)),
                    json: json!({ "type": "public_key", "key": key, "sha256": fp }),
                }
            }
            Err(e) => unreadable("public key", &e.to_string()),
        },
        Kind::Other(what) => Described {
            title: format!("not inspected: {what}"),
            lines: String::new(),
            json: json!({ "type": "other", "what": what }),
        },
    }
}

fn with_type(kind: &str, mut v: Value) -> Value {
    if let Some(map) = v.as_object_mut() {
        map.insert("type".into(), kind.into());
    }
    v
}

fn unreadable(what: &str, e: &str) -> Described {
    Described {
        title: format!("{what} that does not parse"),
        lines: line("error", e),
        json: json!({ "type": "unreadable", "what": what, "error": e }),
    }
}

/// Type and size of a private key, read by mtls-crypto as the library would load it; for a
/// key the library refuses, what it is and why.
fn private_key(form: &str, der: &[u8]) -> String {
    let loaded = match form {
        "PKCS#1" => mtls::SigningKey::from_pkcs1_der(der),
        "SEC1" => mtls::SigningKey::from_sec1_der(der),
        _ => mtls::SigningKey::from_pkcs8_der(der),
    };
    match loaded {
        Ok(k) => match k.as_rsa() {
            Some(rsa) => format!("RSA-{}", rsa.modulus_len() * 8),
            None if k.schemes().first()
                == Some(&mtls::SignatureAlgorithm::EcdsaSecp384r1Sha384) =>
            {
                "ECDSA P-384".into()
            }
            None => "ECDSA P-256".into(),
        },
        Err(mtls_crypto::Error::KeyTooSmall) => format!(
            "RSA-{} (refused by mtls: 2048 bits or more needed)",
            rsa_bits(form, der).map_or_else(|| "?".into(), |b| b.to_string())
        ),
        Err(_) if form == "PKCS#8" => match rsa::pkcs8::PrivateKeyInfoRef::from_der(der) {
            Ok(info) => {
                let curve = info
                    .algorithm
                    .parameters
                    .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
                format!(
                    "{} (not supported by mtls)",
                    oids::key_algorithm(&info.algorithm.oid, curve.as_ref())
                )
            }
            Err(_) => "a PKCS#8 structure that does not decode".into(),
        },
        Err(_) if form == "SEC1" => "an EC key on a curve mtls does not support".into(),
        Err(_) => format!("a {form} key that does not decode"),
    }
}

/// The modulus size of an RSA private key (PKCS#1, or inside PKCS#8).
fn rsa_bits(form: &str, der: &[u8]) -> Option<usize> {
    let pkcs1 = if form == "PKCS#8" {
        rsa::pkcs8::PrivateKeyInfoRef::from_der(der)
            .ok()?
            .private_key
            .as_bytes()
    } else {
        der
    };
    let key = rsa::pkcs1::RsaPrivateKeyRef::from_der(pkcs1).ok()?;
    Some(certinfo::uint_bits(key.modulus.as_bytes()))
}

fn csr(der: &[u8]) -> Described {
    let req = match x509_cert::request::CertReq::from_der(der) {
        Ok(r) => r,
        Err(e) => return unreadable("certificate signing request", &e.to_string()),
    };
    let subject = req
        .info
        .subject
        .to_der()
        .map_or_else(|_| String::new(), |d| certinfo::name_text(&d));
    let key = certinfo::describe_spki(&req.info.public_key);
    let sig_alg = oids::signature_algorithm(&req.algorithm.oid);
    // The requested extensions: subjectAltName and extendedKeyUsage are what matter here.
    let mut sans: Vec<String> = Vec::new();
    let mut eku: Option<Vec<String>> = None;
    for attr in req.info.attributes.iter() {
        if attr.oid != x509_cert::der::oid::db::rfc5912::ID_EXTENSION_REQ {
            continue;
        }
        for value in attr.values.iter() {
            let Ok(req) = value.decode_as::<x509_cert::request::ExtensionReq>() else {
                continue;
            };
            for ext in req.0 {
                let bytes = ext.extn_value.as_bytes();
                if ext.extn_id == x509_cert::der::oid::db::rfc5280::ID_CE_SUBJECT_ALT_NAME {
                    if let Ok(san) = x509_cert::ext::pkix::SubjectAltName::from_der(bytes) {
                        sans.extend(san.0.iter().map(|n| certinfo::general_name(n).to_string()));
                    }
                } else if ext.extn_id == x509_cert::der::oid::db::rfc5280::ID_CE_EXT_KEY_USAGE
                    && let Ok(e) = x509_cert::ext::pkix::ExtendedKeyUsage::from_der(bytes)
                {
                    eku = Some(e.0.iter().map(oids::key_purpose).collect());
                }
            }
        }
    }
    // A CSR is signed by its own key: proof that the requester holds it.
    let signature = match (
        certinfo::first_element(der),
        req.info.public_key.algorithm.to_der(),
        req.algorithm.to_der(),
    ) {
        (Ok(tbs), Ok(key_alg), Ok(sig_alg_der)) => {
            let contents = |d: &[u8]| {
                x509_cert::der::asn1::AnyRef::from_der(d)
                    .map_or_else(|_| Vec::new(), |a| a.value().to_vec())
            };
            match verify_with_key(
                Signed {
                    data: &tbs,
                    signature: req.signature.raw_bytes(),
                    alg_id: &contents(&sig_alg_der),
                    alg: &sig_alg,
                },
                &contents(&key_alg),
                req.info.public_key.subject_public_key.raw_bytes(),
                &key,
            ) {
                SigOutcome::Valid(a) => format!("valid ({a}, by its own key)"),
                SigOutcome::Invalid(a) => format!("does NOT verify ({a})"),
                SigOutcome::Unsupported(why) => format!("not checked: {why}"),
            }
        }
        _ => "not checked: does not re-encode".into(),
    };
    let sans_text = if sans.is_empty() {
        "(none requested)".to_string()
    } else {
        sans.join(", ")
    };
    let eku_text = eku
        .as_ref()
        .map_or_else(|| "(none requested)".into(), |e| e.join(", "));
    Described {
        title: "certificate signing request".into(),
        lines: [
            line("subject", &subject),
            line("key", &key),
            line("subjectAltName", &sans_text),
            line("extendedKeyUsage", &eku_text),
            line("signature", &signature),
        ]
        .concat(),
        json: json!({
            "type": "csr",
            "subject": subject,
            "key": key,
            "subject_alt_names": sans,
            "extended_key_usage": eku,
            "signature": signature,
        }),
    }
}
