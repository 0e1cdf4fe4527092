//! Statistical constant-time tests (dudect): `cargo xtask ct`, or
//! `cargo run --release -p mtls-bench --bin mtls-ct -- [--filter NAME]`. What each test times
//! and why: `mtls_bench::ct`. `MTLS_CT_SAMPLES` sets the measurements per test.

use dudect_bencher::ctbench_main;
use mtls_bench::ct::{
    aead_valid_vs_wrong_tag, aead_wrong_tag_first_vs_last_byte, finished12_equal_vs_wrong,
    finished12_first_vs_last_byte, finished13_control_first_vs_first, finished13_equal_vs_wrong,
    finished13_first_vs_last_byte, rsa_bad_padding, rsa_no_separator, rsa_wrong_length,
    rsa_wrong_version,
};

ctbench_main!(
    rsa_wrong_version,
    rsa_wrong_length,
    rsa_bad_padding,
    rsa_no_separator,
    finished12_equal_vs_wrong,
    finished12_first_vs_last_byte,
    finished13_equal_vs_wrong,
    finished13_first_vs_last_byte,
    finished13_control_first_vs_first,
    aead_valid_vs_wrong_tag,
    aead_wrong_tag_first_vs_last_byte
);
