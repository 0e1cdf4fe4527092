//! Test PKIs made at test time with rcgen, with fixed validity dates so that `mtls verify
//! --at` gives the same verdict on any day: roots, intermediates, server and client leaves,
//! CRLs, written as PEM into a scratch directory.

use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose, RevocationReason,
    RevokedCertParams, SanType, SerialNumber, date_time_ymd,
};

use crate::support::TempDir;

/// A date, as (year, month, day).
pub type Ymd = (i32, u8, u8);

/// The default validity of everything here: all of 2030.
pub const FROM: Ymd = (2030, 1, 1);
pub const UNTIL: Ymd = (2031, 1, 1);
/// A time inside it, for `--at`.
pub const AT: &str = "2030-06-01T00:00:00Z";

/// A CA: its certificate and what it signs with.
pub struct Ca {
    pub pem: String,
    pub issuer: Issuer<'static, KeyPair>,
}

/// What a leaf is for.
#[derive(Clone, Copy)]
pub enum Eku {
    Server,
    Client,
    None,
}

fn key() -> KeyPair {
    KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap()
}

fn base(cn: &str, from: Ymd, until: Ymd) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.not_before = date_time_ymd(from.0, from.1, from.2);
    p.not_after = date_time_ymd(until.0, until.1, until.2);
    p
}

fn ca_params(cn: &str, valid: (Ymd, Ymd)) -> CertificateParams {
    let mut p = base(cn, valid.0, valid.1);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p
}

/// A self-signed root named `CN=cn`.
pub fn root(cn: &str) -> Ca {
    root_valid(cn, (FROM, UNTIL))
}

/// A self-signed root named `CN=cn`, valid over `valid`.
pub fn root_valid(cn: &str, valid: (Ymd, Ymd)) -> Ca {
    let k = key();
    let p = ca_params(cn, valid);
    let pem = p.self_signed(&k).unwrap().pem();
    Ca {
        pem,
        issuer: Issuer::new(p, k),
    }
}

/// An intermediate CA named `CN=cn`, issued by `by`.
pub fn intermediate(cn: &str, by: &Ca) -> Ca {
    intermediate_valid(cn, by, (FROM, UNTIL))
}

/// An intermediate CA named `CN=cn`, issued by `by`, valid over `valid`.
pub fn intermediate_valid(cn: &str, by: &Ca, valid: (Ymd, Ymd)) -> Ca {
    let k = key();
    let mut p = ca_params(cn, valid);
    p.use_authority_key_identifier_extension = true;
    let pem = p.signed_by(&k, &by.issuer).unwrap().pem();
    Ca {
        pem,
        issuer: Issuer::new(p, k),
    }
}

/// A leaf `CN=cn` issued by `by`, for the DNS names `dns`, with serial `serial`.
pub fn leaf(cn: &str, dns: &[&str], eku: Eku, by: &Ca, valid: (Ymd, Ymd), serial: u64) -> String {
    leaf_and_key(cn, dns, eku, by, valid, serial).0
}

/// [`leaf`] and its private key (PKCS#8 PEM), for a certificate a peer presents.
pub fn leaf_and_key(
    cn: &str,
    dns: &[&str],
    eku: Eku,
    by: &Ca,
    valid: (Ymd, Ymd),
    serial: u64,
) -> (String, String) {
    let mut p = base(cn, valid.0, valid.1);
    p.subject_alt_names = dns
        .iter()
        .map(|d| SanType::DnsName((*d).try_into().unwrap()))
        .collect();
    p.extended_key_usages = match eku {
        Eku::Server => vec![ExtendedKeyUsagePurpose::ServerAuth],
        Eku::Client => vec![ExtendedKeyUsagePurpose::ClientAuth],
        Eku::None => Vec::new(),
    };
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.serial_number = Some(SerialNumber::from(serial));
    p.use_authority_key_identifier_extension = true;
    let k = key();
    let pem = p.signed_by(&k, &by.issuer).unwrap().pem();
    (pem, k.serialize_pem())
}

/// A CRL of `by` revoking `serials` (keyCompromise, on 2030-05-01), current from
/// 2030-05-01 to `next_update`.
pub fn crl(by: &Ca, serials: &[u64], next_update: Ymd) -> String {
    CertificateRevocationListParams {
        this_update: date_time_ymd(2030, 5, 1),
        next_update: date_time_ymd(next_update.0, next_update.1, next_update.2),
        crl_number: SerialNumber::from(1u64),
        issuing_distribution_point: None,
        revoked_certs: serials
            .iter()
            .map(|s| RevokedCertParams {
                serial_number: SerialNumber::from(*s),
                revocation_time: date_time_ymd(2030, 5, 1),
                reason_code: Some(RevocationReason::KeyCompromise),
                invalidity_date: None,
            })
            .collect(),
        key_identifier_method: KeyIdMethod::Sha256,
    }
    .signed_by(&by.issuer)
    .unwrap()
    .pem()
    .unwrap()
}

/// Writes `parts` concatenated into `name` in `dir`; returns the path.
pub fn write(dir: &TempDir, name: &str, parts: &[&str]) -> String {
    dir.write(name, &parts.concat())
}
