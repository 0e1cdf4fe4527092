//! Helpers shared by the integration tests.
#![allow(dead_code)]

/// `ensure!(cond, "fmt", args)`: return `Err(message)` when `cond` is false.
macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!($($fmt)+));
        }
    };
}
pub(crate) use ensure;

/// Decodes hex, ignoring whitespace, so fixtures can be laid out by field.
pub fn hx(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    hex::decode(s).expect("fixture hex")
}

pub mod session;
pub mod strategies;
pub mod strategies_tls13;
