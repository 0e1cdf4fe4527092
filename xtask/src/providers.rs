//! Part of `cargo xtask layers`: the layers above mtls-crypto take the crypto provider from
//! their configuration (docs/ARCHITECTURE.md, "Crypto providers"), so their library code must
//! not call the shorthands that pick the default provider themselves. A plain text search of
//! `src/` (test modules and comments skipped): each hit names the file, the line and what to
//! call instead.

use std::path::Path;

/// The crates above mtls-crypto whose connections run on a configured provider.
const CRATES: [&str; 7] = [
    "mtls-prf",
    "mtls-record",
    "mtls-cert",
    "mtls-handshake",
    "mtls-pki",
    "mtls",
    "mtls-tokio",
];

/// Calls that use the default provider, and what to call on the configured one instead.
const SHORTHANDS: [(&str, &str); 13] = [
    ("Hash::new(", "provider.hash(..)"),
    ("Hash::digest(", "provider.digest(..)"),
    ("Hmac::new(", "provider.hmac(..)"),
    ("Hmac::mac(", "provider.mac(..)"),
    ("AeadKey::new(", "provider.aead_key(..)"),
    ("SignatureHasher::new(", "provider.signature_hasher(..)"),
    ("KeyExchange::start(", "provider.start_key_exchange(..)"),
    ("rsa_kx::", "provider.encrypt_premaster / decrypt_premaster"),
    (
        "RecordEncrypter::new(",
        "RecordEncrypter::with_provider(..)",
    ),
    (
        "RecordDecrypter::new(",
        "RecordDecrypter::with_provider(..)",
    ),
    (".sign_prehashed(", ".sign_prehashed_with(provider, ..)"),
    (".verify_prehashed(", ".verify_prehashed_with(provider, ..)"),
    ("algorithms::ALL", "algorithms::for_provider(provider)"),
];

/// Runs the check; the error lists every call found.
pub fn check(root: &Path) -> Result<(), String> {
    let mut problems = Vec::new();
    let mut files = 0;
    for krate in CRATES {
        let mut stack = vec![root.join("crates").join(krate).join("src")];
        while let Some(dir) = stack.pop() {
            let entries = std::fs::read_dir(&dir)
                .map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
            for entry in entries {
                let path = entry.map_err(|e| e.to_string())?.path();
                if path.is_dir() {
                    stack.push(path);
                } else if is_library_source(&path) {
                    files += 1;
                    scan(root, &path, &mut problems)?;
                }
            }
        }
    }
    if problems.is_empty() {
        eprintln!(
            "xtask: layers: {files} source files above mtls-crypto use the configured provider"
        );
        Ok(())
    } else {
        Err(format!(
            "the default crypto provider is used where a configured one belongs:\n  {}",
            problems.join("\n  ")
        ))
    }
}

/// Rust files that are not test modules of their own (`tests.rs`).
fn is_library_source(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "rs") && path.file_name().is_some_and(|n| n != "tests.rs")
}

fn scan(root: &Path, path: &Path, problems: &mut Vec<String>) -> Result<(), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    for (n, line) in text.lines().enumerate() {
        let code = line.trim_start();
        // A file's unit tests come last, after `#[cfg(test)]`.
        if code.starts_with("#[cfg(test)]") {
            break;
        }
        if code.starts_with("//") {
            continue;
        }
        for (call, instead) in SHORTHANDS {
            if code.contains(call) {
                let shown = path.strip_prefix(root).unwrap_or(path).display();
                problems.push(format!("{shown}:{}: `{call}`: use `{instead}`", n + 1));
            }
        }
    }
    Ok(())
}
