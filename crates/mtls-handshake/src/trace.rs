//! Debug events at the negotiation decisions, behind the `tracing` feature: without it the
//! macro expands to nothing and its arguments are not evaluated. Events carry names, code
//! points, counts and verdicts; never key material, randoms or session ids.

/// `tracing::debug!` when the `tracing` feature is on, nothing otherwise.
macro_rules! debug_event {
    ($($arg:tt)*) => {{
        #[cfg(feature = "tracing")]
        tracing::debug!($($arg)*);
    }};
}

pub(crate) use debug_event;
