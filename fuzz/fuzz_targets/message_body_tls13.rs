#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mtls_fuzz::fuzz_message_body_tls13(data);
});
