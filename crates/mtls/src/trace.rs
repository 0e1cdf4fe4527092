//! Events of a connection, behind the `tracing` feature: without it the macro expands to
//! nothing and its arguments are not evaluated. Events carry message types, sizes, names,
//! code points and verdicts; never key material, randoms, session ids or application data.

/// `tracing::$level!(parent: &conn.span, ...)` when the `tracing` feature is on, nothing
/// otherwise.
macro_rules! conn_event {
    ($conn:expr, $level:ident, $($arg:tt)*) => {{
        #[cfg(feature = "tracing")]
        {
            // Borrow the span field alone: the arguments may borrow other fields.
            let span: &tracing::Span = &$conn.span;
            tracing::$level!(parent: span, $($arg)*);
        }
    }};
}

pub(crate) use conn_event;
