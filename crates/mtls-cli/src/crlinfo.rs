//! What a certificate revocation list says (RFC 5280 5), read with x509-cert for
//! `mtls verify --crl` and `mtls inspect`: issuer, thisUpdate/nextUpdate, the revoked serials
//! with their dates and reasons, and the pieces a signature check needs.

use std::fmt::Write as _;

use serde_json::{Value, json};
use x509_cert::crl::CertificateList;
use x509_cert::der::asn1::AnyRef;
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::pkix::{CrlNumber, CrlReason};

use crate::certinfo::{colon_hex, first_element, name_text};
use crate::{oids, when};

/// One revoked certificate.
#[derive(Debug, Clone)]
pub struct Revoked {
    /// Its serial number, big-endian.
    pub serial: Vec<u8>,
    /// revocationDate, Unix seconds.
    pub date: u64,
    /// The reasonCode entry extension, if any (`keyCompromise`, ...).
    pub reason: Option<String>,
}

/// A CRL, read.
#[derive(Debug, Clone)]
pub struct CrlInfo {
    /// The issuer, as text.
    pub issuer: String,
    /// The issuer `Name`, DER.
    pub issuer_der: Vec<u8>,
    /// thisUpdate, Unix seconds.
    pub this_update: u64,
    /// nextUpdate, Unix seconds.
    pub next_update: Option<u64>,
    /// cRLNumber, hex.
    pub number: Option<String>,
    /// The revoked certificates, in order.
    pub revoked: Vec<Revoked>,
    /// Signature algorithm name.
    pub signature_alg: String,
    /// The signatureAlgorithm AlgorithmIdentifier, contents only.
    pub signature_alg_id: Vec<u8>,
    /// The signed bytes: tbsCertList as encoded.
    pub tbs: Vec<u8>,
    /// The signature bits.
    pub signature: Vec<u8>,
}

impl CrlInfo {
    /// Reads a DER CRL.
    pub fn parse(der: &[u8]) -> Result<Self, String> {
        let bad = |e: x509_cert::der::Error| format!("not a certificate revocation list ({e})");
        let crl: CertificateList = CertificateList::from_der(der).map_err(bad)?;
        let tbs = &crl.tbs_cert_list;
        let issuer_der = tbs.issuer.to_der().map_err(bad)?;
        let mut number = None;
        for ext in tbs.crl_extensions.iter().flatten() {
            if ext.extn_id == x509_cert::der::oid::db::rfc5280::ID_CE_CRL_NUMBER {
                number = CrlNumber::from_der(ext.extn_value.as_bytes())
                    .ok()
                    .map(|n| colon_hex(n.0.as_bytes()));
            }
        }
        let revoked = tbs
            .revoked_certificates
            .iter()
            .flatten()
            .map(|r| Revoked {
                serial: r.serial_number.as_bytes().to_vec(),
                date: r.revocation_date.to_unix_duration().as_secs(),
                reason: r
                    .crl_entry_extensions
                    .iter()
                    .flatten()
                    .find(|e| e.extn_id == x509_cert::der::oid::db::rfc5280::ID_CE_CRL_REASONS)
                    .and_then(|e| CrlReason::from_der(e.extn_value.as_bytes()).ok())
                    .map(reason_name),
            })
            .collect();
        let alg_der = crl.signature_algorithm.to_der().map_err(bad)?;
        Ok(Self {
            issuer: name_text(&issuer_der),
            issuer_der,
            this_update: tbs.this_update.to_unix_duration().as_secs(),
            next_update: tbs.next_update.map(|t| t.to_unix_duration().as_secs()),
            number,
            revoked,
            signature_alg: oids::signature_algorithm(&crl.signature_algorithm.oid),
            signature_alg_id: AnyRef::from_der(&alg_der)
                .map_or_else(|_| Vec::new(), |a| a.value().to_vec()),
            tbs: first_element(der).map_err(bad)?,
            signature: crl.signature.raw_bytes().to_vec(),
        })
    }

    /// The entry for `serial`, if the CRL revokes it.
    pub fn find(&self, serial: &[u8]) -> Option<&Revoked> {
        self.revoked.iter().find(|r| r.serial == serial)
    }

    /// The facts as indented lines.
    pub fn lines(&self, indent: &str) -> String {
        let mut out = String::new();
        let mut line = |label: &str, value: &str| {
            let _ = writeln!(out, "{indent}{label:<18}{value}");
        };
        line("issuer", &self.issuer);
        line("thisUpdate", &when::utc(self.this_update));
        line(
            "nextUpdate",
            &self.next_update.map_or_else(|| "(none)".into(), when::utc),
        );
        if let Some(n) = &self.number {
            line("cRLNumber", n);
        }
        line("signature", &self.signature_alg);
        line("revoked", &self.revoked.len().to_string());
        for r in &self.revoked {
            let reason = r
                .reason
                .as_ref()
                .map_or_else(String::new, |r| format!(" ({r})"));
            line(
                "",
                &format!(
                    "serial {} on {}{reason}",
                    colon_hex(&r.serial),
                    when::utc(r.date)
                ),
            );
        }
        out
    }

    /// The facts as a JSON object.
    pub fn json(&self) -> Value {
        json!({
            "issuer": self.issuer,
            "this_update": when::rfc3339(self.this_update),
            "next_update": self.next_update.map(when::rfc3339),
            "crl_number": self.number,
            "signature_algorithm": self.signature_alg,
            "revoked_count": self.revoked.len(),
            "revoked": self.revoked.iter().map(|r| json!({
                "serial": colon_hex(&r.serial),
                "date": when::rfc3339(r.date),
                "reason": r.reason,
            })).collect::<Vec<_>>(),
        })
    }
}

/// RFC 5280's spelling of a reason code.
fn reason_name(r: CrlReason) -> String {
    match r {
        CrlReason::Unspecified => "unspecified",
        CrlReason::KeyCompromise => "keyCompromise",
        CrlReason::CaCompromise => "cACompromise",
        CrlReason::AffiliationChanged => "affiliationChanged",
        CrlReason::Superseded => "superseded",
        CrlReason::CessationOfOperation => "cessationOfOperation",
        CrlReason::CertificateHold => "certificateHold",
        CrlReason::RemoveFromCRL => "removeFromCRL",
        CrlReason::PrivilegeWithdrawn => "privilegeWithdrawn",
        CrlReason::AaCompromise => "aACompromise",
    }
    .to_string()
}
