#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mtls_fuzz::fuzz_server_resumption(data);
});
