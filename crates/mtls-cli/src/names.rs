//! Cipher suite names as users type them: IANA (`TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`) or
//! OpenSSL (`ECDHE-RSA-AES128-GCM-SHA256`), comma-separated.

use mtls::{SupportedSuite, suites};

/// Every suite with its IANA and OpenSSL names.
pub const NAMES: [(&str, &str, SupportedSuite); 8] = [
    (
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        suites::ECDHE_ECDSA_AES128_GCM,
    ),
    (
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        suites::ECDHE_ECDSA_AES256_GCM,
    ),
    (
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "ECDHE-ECDSA-CHACHA20-POLY1305",
        suites::ECDHE_ECDSA_CHACHA20,
    ),
    (
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "ECDHE-RSA-AES128-GCM-SHA256",
        suites::ECDHE_RSA_AES128_GCM,
    ),
    (
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "ECDHE-RSA-AES256-GCM-SHA384",
        suites::ECDHE_RSA_AES256_GCM,
    ),
    (
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "ECDHE-RSA-CHACHA20-POLY1305",
        suites::ECDHE_RSA_CHACHA20,
    ),
    (
        "TLS_RSA_WITH_AES_128_GCM_SHA256",
        "AES128-GCM-SHA256",
        suites::RSA_AES128_GCM,
    ),
    (
        "TLS_RSA_WITH_AES_256_GCM_SHA384",
        "AES256-GCM-SHA384",
        suites::RSA_AES256_GCM,
    ),
];

/// One suite by either name (case-insensitive).
pub fn suite(name: &str) -> Result<SupportedSuite, String> {
    let name = name.trim();
    NAMES
        .iter()
        .find(|(iana, openssl, _)| {
            iana.eq_ignore_ascii_case(name) || openssl.eq_ignore_ascii_case(name)
        })
        .map(|(_, _, s)| *s)
        .ok_or_else(|| {
            let known: Vec<&str> = NAMES.iter().map(|(_, o, _)| *o).collect();
            format!("unknown cipher suite {name:?}; known: {}", known.join(", "))
        })
}

/// A comma-separated list of suites, in order.
pub fn suite_list(list: &str) -> Result<Vec<SupportedSuite>, String> {
    list.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(suite)
        .collect()
}

/// The IANA name of a suite.
pub fn iana(s: &SupportedSuite) -> &'static str {
    NAMES
        .iter()
        .find(|(_, _, n)| n == s)
        .map(|(i, _, _)| *i)
        .unwrap_or("unknown")
}

/// The IANA name of a negotiated suite of either version.
pub fn negotiated(s: &mtls::NegotiatedSuite) -> String {
    match s {
        mtls::NegotiatedSuite::Tls12(s) => iana(s).to_string(),
        mtls::NegotiatedSuite::Tls13(s) => s.name(),
    }
}

/// True if the list names a static RSA suite (naming one is how a user enables static RSA).
pub fn has_static_rsa(list: &[SupportedSuite]) -> bool {
    list.iter()
        .any(|s| s.kx == mtls_wire::handshake::KeyExchangeAlgorithm::Rsa)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_name_forms_parse() {
        assert_eq!(
            suite("ECDHE-RSA-AES128-GCM-SHA256"),
            Ok(suites::ECDHE_RSA_AES128_GCM)
        );
        assert_eq!(
            suite("tls_rsa_with_aes_256_gcm_sha384"),
            Ok(suites::RSA_AES256_GCM)
        );
        assert!(suite("RC4-MD5").is_err());
        let l = suite_list("AES128-GCM-SHA256, ECDHE-ECDSA-CHACHA20-POLY1305").unwrap();
        assert_eq!(
            l,
            vec![suites::RSA_AES128_GCM, suites::ECDHE_ECDSA_CHACHA20]
        );
        assert!(has_static_rsa(&l));
        assert_eq!(iana(&l[1]), "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
    }
}
