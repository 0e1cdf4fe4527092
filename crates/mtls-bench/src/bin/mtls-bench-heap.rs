//! Heap per side for each stack, with the counting allocator installed; prints one
//! `heap STACK KIND SIDE METRIC BYTES` line per figure for `mtls-bench` to read.

use std::process::ExitCode;

use peak_alloc::PeakAlloc;

#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

fn main() -> ExitCode {
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
