//! Test PKIs made with rcgen at test time, and the paths of the fixture files.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use mtls_cert::CertificateDer;
use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose, RevocationReason,
    RevokedCertParams, SerialNumber, SignatureAlgorithm, date_time_ymd,
};

/// 2027-01-01: inside the rcgen certificates' validity (2025-01-01 .. 2030-01-01) and the
/// fixtures' (2026-11-28 .. 2036-11-25).
pub const NOW: u64 = 1_798_761_600;
/// 2024-06-01: before every certificate's notBefore.
pub const BEFORE: u64 = 1_717_200_000;
/// 2031-01-01: after the rcgen certificates' notAfter.
pub const AFTER: u64 = 1_924_992_000;

/// A file under tests/vectors/.
pub fn vector(name: &str) -> String {
    format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"))
}

pub fn read(name: &str) -> Vec<u8> {
    std::fs::read(vector(name)).unwrap()
}

/// The certificates of a fixture PEM file.
pub fn fixture_certs(name: &str) -> Vec<CertificateDer<'static>> {
    mtls_pki::load_certs(vector(name)).unwrap()
}

/// The 2048-bit RSA key of the fixture server certificate (PKCS#8), reused for rcgen RSA
/// CAs: rcgen's ring backend cannot generate RSA keys.
pub fn rsa_key(alg: &'static SignatureAlgorithm) -> KeyPair {
    let pem = String::from_utf8(read("pki/server-rsa.key")).unwrap();
    KeyPair::from_pem_and_sign_algo(&pem, alg).unwrap()
}

pub fn ecdsa_key() -> KeyPair {
    KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap()
}

/// What a leaf is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    Server,
    Client,
    /// No EKU extension at all (any purpose, RFC 5280 4.2.1.12).
    Any,
}

pub struct Leaf {
    pub cert: CertificateDer<'static>,
    pub key: KeyPair,
    pub serial: u64,
}

/// A CA (root or intermediate) that can issue leaves, intermediates and CRLs.
pub struct Ca {
    pub cert: CertificateDer<'static>,
    pub issuer: Issuer<'static, KeyPair>,
    /// The chain above this CA, excluding the root: what a leaf's chain must carry.
    pub chain_above: Vec<CertificateDer<'static>>,
    next_serial: std::cell::Cell<u64>,
}

fn ca_params(name: &str) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params.distinguished_name.push(DnType::CommonName, name);
    params
        .distinguished_name
        .push(DnType::OrganizationName, "mtls tests");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params.not_before = date_time_ymd(2025, 1, 1);
    params.not_after = date_time_ymd(2030, 1, 1);
    params
}

impl Ca {
    /// A self-signed root with `key`.
    pub fn root(name: &str, key: KeyPair) -> Self {
        let params = ca_params(name);
        let cert = params.self_signed(&key).unwrap();
        Self {
            cert: CertificateDer::from(cert.der().to_vec()),
            issuer: Issuer::new(params, key),
            chain_above: Vec::new(),
            next_serial: std::cell::Cell::new(100),
        }
    }

    fn serial(&self) -> u64 {
        let s = self.next_serial.get();
        self.next_serial.set(s + 1);
        s
    }

    /// An intermediate CA issued by this one.
    pub fn intermediate(&self, name: &str, key: KeyPair) -> Self {
        let mut params = ca_params(name);
        params.serial_number = Some(SerialNumber::from(self.serial()));
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        let cert = CertificateDer::from(cert.der().to_vec());
        let mut chain_above = vec![cert.clone()];
        chain_above.extend(self.chain_above.iter().cloned());
        Self {
            cert,
            issuer: Issuer::new(params, key),
            chain_above,
            next_serial: std::cell::Cell::new(1000),
        }
    }

    /// A leaf for `localhost` and 127.0.0.1 with an ECDSA P-256 key.
    pub fn leaf(&self, usage: Usage) -> Leaf {
        self.leaf_with(usage, ecdsa_key(), |_| {})
    }

    pub fn leaf_with(
        &self,
        usage: Usage,
        key: KeyPair,
        tweak: impl FnOnce(&mut CertificateParams),
    ) -> Leaf {
        let mut params =
            CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "test leaf");
        let serial = self.serial();
        params.serial_number = Some(SerialNumber::from(serial));
        params.not_before = date_time_ymd(2025, 1, 1);
        params.not_after = date_time_ymd(2030, 1, 1);
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = match usage {
            Usage::Server => vec![ExtendedKeyUsagePurpose::ServerAuth],
            Usage::Client => vec![ExtendedKeyUsagePurpose::ClientAuth],
            Usage::Any => vec![],
        };
        tweak(&mut params);
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Leaf {
            cert: CertificateDer::from(cert.der().to_vec()),
            key,
            serial,
        }
    }

    /// The chain a peer sends for `leaf`: the leaf, then the intermediates up to the root.
    pub fn chain(&self, leaf: &Leaf) -> Vec<CertificateDer<'static>> {
        let mut chain = vec![leaf.cert.clone()];
        chain.extend(self.chain_above.iter().cloned());
        chain
    }

    /// A CRL of this CA revoking `serials` (DER), current at `NOW` (nextUpdate 2029-01-01).
    pub fn crl(&self, serials: &[u64]) -> Vec<u8> {
        self.crl_until(serials, (2029, 1, 1))
    }

    /// A CRL of this CA revoking `serials` (DER), issued 2026-01-01, with nextUpdate on the
    /// given (year, month, day).
    pub fn crl_until(&self, serials: &[u64], (y, m, d): (i32, u8, u8)) -> Vec<u8> {
        let params = CertificateRevocationListParams {
            this_update: date_time_ymd(2026, 1, 1),
            next_update: date_time_ymd(y, m, d),
            crl_number: SerialNumber::from(1u64),
            issuing_distribution_point: None,
            revoked_certs: serials
                .iter()
                .map(|s| RevokedCertParams {
                    serial_number: SerialNumber::from(*s),
                    revocation_time: date_time_ymd(2026, 1, 1),
                    reason_code: Some(RevocationReason::KeyCompromise),
                    invalidity_date: None,
                })
                .collect(),
            key_identifier_method: KeyIdMethod::Sha256,
        };
        params.signed_by(&self.issuer).unwrap().der().to_vec()
    }

    /// A root store trusting this CA.
    pub fn roots(&self) -> mtls_pki::RootStore {
        let mut store = mtls_pki::RootStore::new();
        store.add(&self.cert).unwrap();
        store
    }
}
