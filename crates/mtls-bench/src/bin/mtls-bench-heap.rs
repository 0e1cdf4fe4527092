//! Heap per side for each stack, with the counting allocator installed; prints one
//! `heap STACK KIND SIDE METRIC BYTES` line per figure for `mtls-bench` to read.
//!
//! `mtls-bench-heap --calls` prints instead, for one handshake of each kind and stack, every
//! call that changed a side's heap: what that side held before, at most during, and after
//! the call (to find where a peak comes from).

use std::process::ExitCode;

use peak_alloc::PeakAlloc;

#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("--calls") {
        return match mtls_bench::heap::print_call_traces() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("mtls-bench-heap: {e}");
                ExitCode::FAILURE
            }
        };
    }
    match mtls_bench::heap::measure_all() {
        Ok(lines) => {
            for l in lines {
                println!("{}", l.to_line());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("mtls-bench-heap: {e}");
            ExitCode::FAILURE
        }
    }
}
