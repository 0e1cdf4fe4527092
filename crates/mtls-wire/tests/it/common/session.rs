//! The captured sessions' files, shared by the TLS 1.2 and TLS 1.3 vector
//! tests: `session.toml` (the flat `key = value` subset the capture scripts
//! write: strings, integers in decimal or 0x hex, one-line arrays of those),
//! the `NN-<sender>-<message>.hex` files and the PEM fixtures.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

pub type Res<T = ()> = Result<T, String>;

#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Str(String),
    Int(u64),
    List(Vec<Val>),
}

impl Val {
    pub fn parse(s: &str) -> Res<(Self, &str)> {
        let s = s.trim_start();
        if let Some(rest) = s.strip_prefix('"') {
            let mut out = String::new();
            let mut chars = rest.char_indices();
            while let Some((i, c)) = chars.next() {
                match c {
                    '"' => return Ok((Val::Str(out), &rest[i + 1..])),
                    '\\' => match chars.next() {
                        Some((_, 'n')) => out.push('\n'),
                        Some((_, 't')) => out.push('\t'),
                        Some((_, c @ ('"' | '\\' | '/'))) => out.push(c),
                        other => return Err(format!("unsupported escape {other:?}")),
                    },
                    c => out.push(c),
                }
            }
            Err("unterminated string".into())
        } else if let Some(mut rest) = s.strip_prefix('[') {
            let mut items = Vec::new();
            loop {
                rest = rest.trim_start();
                if let Some(r) = rest.strip_prefix(']') {
                    return Ok((Val::List(items), r));
                }
                let (v, r) = Val::parse(rest)?;
                items.push(v);
                rest = r.trim_start();
                rest = rest.strip_prefix(',').unwrap_or(rest);
            }
        } else {
            let end = s
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(s.len());
            let (tok, rest) = s.split_at(end);
            let n = if let Some(h) = tok.strip_prefix("0x") {
                u64::from_str_radix(h, 16)
            } else {
                tok.parse()
            }
            .map_err(|e| format!("bad value {tok:?}: {e}"))?;
            Ok((Val::Int(n), rest))
        }
    }
}

pub struct Session {
    pub dir: PathBuf,
    map: BTreeMap<String, Val>,
}

impl Session {
    pub fn load(dir: &Path) -> Res<Self> {
        let text = fs::read_to_string(dir.join("session.toml"))
            .map_err(|e| format!("session.toml: {e}"))?;
        let mut map = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (k, v) = line
                .split_once('=')
                .ok_or_else(|| format!("session.toml:{}: no '='", n + 1))?;
            let (val, rest) = Val::parse(v).map_err(|e| format!("session.toml:{}: {e}", n + 1))?;
            ensure!(
                rest.trim().is_empty(),
                "session.toml:{}: trailing {rest:?}",
                n + 1
            );
            map.insert(k.trim().to_string(), val);
        }
        Ok(Self {
            dir: dir.to_path_buf(),
            map,
        })
    }

    pub fn name(&self) -> String {
        self.dir.file_name().unwrap().to_string_lossy().into_owned()
    }

    pub fn get(&self, k: &str) -> Option<&Val> {
        self.map.get(k)
    }

    pub fn str(&self, k: &str) -> Res<&str> {
        match self.get(k) {
            Some(Val::Str(s)) => Ok(s),
            other => Err(format!("session.toml: {k} is not a string: {other:?}")),
        }
    }

    pub fn int(&self, k: &str) -> Res<u64> {
        match self.get(k) {
            Some(Val::Int(i)) => Ok(*i),
            other => Err(format!("session.toml: {k} is not an integer: {other:?}")),
        }
    }

    pub fn usize(&self, k: &str) -> Res<usize> {
        Ok(usize::try_from(self.int(k)?).unwrap())
    }

    pub fn u16(&self, k: &str) -> Res<u16> {
        u16::try_from(self.int(k)?).map_err(|e| format!("{k}: {e}"))
    }

    pub fn ints(&self, k: &str) -> Res<Vec<u64>> {
        match self.get(k) {
            Some(Val::List(v)) => v
                .iter()
                .map(|x| match x {
                    Val::Int(i) => Ok(*i),
                    o => Err(format!("{k}: not an integer: {o:?}")),
                })
                .collect(),
            other => Err(format!("session.toml: {k} is not a list: {other:?}")),
        }
    }

    pub fn strs(&self, k: &str) -> Res<Vec<String>> {
        match self.get(k) {
            Some(Val::List(v)) => v
                .iter()
                .map(|x| match x {
                    Val::Str(s) => Ok(s.clone()),
                    o => Err(format!("{k}: not a string: {o:?}")),
                })
                .collect(),
            other => Err(format!("session.toml: {k} is not a list: {other:?}")),
        }
    }
}

pub fn read_hex(path: &Path) -> Res<Vec<u8>> {
    let text = fs::read_to_string(path).map_err(|e| format!("read: {e}"))?;
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    ensure!(
        compact
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)),
        "not lowercase hex"
    );
    hex::decode(&compact).map_err(|e| format!("hex: {e}"))
}

/// DER of the first certificate in a PEM file (tiny base64 decoder, so the
/// test needs no extra dependency).
pub fn pem_der(path: &Path) -> Res<Vec<u8>> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let b64: String = text
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in b64.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return Err(format!("{}: bad base64", path.display())),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).unwrap());
        }
    }
    ensure!(
        out.first() == Some(&0x30),
        "{}: not a DER certificate",
        path.display()
    );
    Ok(out)
}

/// `NN-<sender>-<message>.hex` -> (sender, message name).
pub fn split_file_name(name: &str) -> Option<(&str, &str)> {
    let stem = name.strip_suffix(".hex")?;
    let (nn, rest) = stem.split_once('-')?;
    if nn.len() != 2 || !nn.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (sender, msg) = rest.split_once('-')?;
    if sender != "client" && sender != "server" {
        return None;
    }
    Some((sender, msg))
}

pub fn message_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| split_file_name(n).is_some())
        .collect();
    v.sort();
    v
}
