//! The constant-time tests time what they claim to (`cargo xtask ct` itself is not run here:
//! timing is not a test on a shared machine).

use dudect_bencher::BenchRng;
use dudect_bencher::rand::SeedableRng;

#[test]
fn rfc5246_7_4_7_1_every_premaster_class_reaches_the_same_silent_path() {
    let mut rng = BenchRng::seed_from_u64(7);
    mtls_bench::ct::check_rsa_harness(&mut rng).unwrap();
}
