//! `cargo xtask ct`: statistical constant-time tests in the style of dudect (Reparaz, Balasch
//! and Verbauwhede, "Dude, is my code constant time?", 2017), on the dudect-bencher crate.
//!
//! Each test times one operation on inputs of two classes, chosen at random for every
//! measurement so that the classes interleave (drift and noise hit both alike), and Welch's
//! t-test compares the two distributions of running times (dudect-bencher crops them at
//! several percentiles and reports the largest |t|). |t| above about 5 is evidence of a
//! timing difference; below it, none was found at this number of measurements.
//!
//! What is timed, and the classes (Left is always the well-formed input):
//! - `rsa_*`: a static-RSA server's whole handling of a ClientKeyExchange record
//!   (`read_tls` + `process_new_packets`: record layer, parse, RSA decryption with implicit
//!   rejection, the RFC 5246 7.4.7.1 countermeasure, the master secret and key block), for a
//!   well-formed premaster against each malformed class of RFC 5246 7.4.7.1. Every server is
//!   fresh and waits for exactly this record (set up untimed).
//! - `finished12_*` / `finished13_*`: the constant-time comparison of a received Finished
//!   with ours (TLS 1.2 `VerifyData::verify`, TLS 1.3 `FinishedMac::verify`): equal against
//!   wrong (whether a Finished matched is public anyway), and wrong in the first byte against
//!   wrong in the last (which must not differ); 64 comparisons per measurement, so that one
//!   measurement is well above the clock's resolution. `finished13_control_first_vs_first`
//!   gives both classes the same kind of input: it checks the harness, and must find nothing.
//! - `aead_*`: opening one 1 KiB AES-128-GCM record: a valid tag against a wrong one (a
//!   difference is expected: a forged record is not decrypted, and its failure is public
//!   anyway), and a tag wrong in its first byte against one wrong in its last byte (which must
//!   not differ).
//!
//! Every test draws its class and input through `draw` and times through one function, so
//! that the harness does nothing that follows the class; `cargo xtask ct --continuous NAME`
//! runs one test round after round, to tell a leak (|t| grows with the square root of the
//! measurements) from noise (it does not).

use std::cell::RefCell;
use std::hint::black_box;

use dudect_bencher::rand::{Rng, RngExt};
use dudect_bencher::{BenchRng, Class, CtRunner};
use mtls::{ClientConfig, ClientConnection, ProtocolVersion, ServerConfig, ServerConnection};
use mtls_crypto::aead::AeadAlgorithm;
use mtls_crypto::hash::HashAlgorithm;
use mtls_record::{RecordDecrypter, RecordEncrypter};
use mtls_testkit::fixtures::{SERVER_RSA, SERVER_RSA_KEY};
use mtls_testkit::{TrustAll, chain, key};
use mtls_wire::ContentType;
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::traits::PublicKeyParts as _;

/// Measurements per test: `MTLS_CT_SAMPLES`, default 20 000 (RSA tests: a tenth, each one is
/// a 2048-bit decryption plus the untimed handshake prefix).
fn samples() -> usize {
    std::env::var("MTLS_CT_SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000)
}

/// One measurement through one copy of the machine code for both classes: with the class an
/// opaque argument of a function that is never inlined, the compiler cannot specialise the
/// timed region per class.
#[inline(never)]
fn timed<T>(runner: &mut CtRunner, class: Class, f: &dyn Fn() -> T) {
    runner.run_one(black_box(class), f);
}

/// The classes by index, so that drawing one is a load, not a branch.
const CLASSES: [Class; 2] = [Class::Left, Class::Right];

/// Draws the class of one measurement and makes its input, so that nothing the harness does
/// follows the class: both inputs are made, by the same code, in an order drawn by a second
/// coin (which allocation and which slot holds the class's input is then independent of the
/// class), and the class is drawn without a branch. A harness that made the input after the
/// coin, or the two inputs in the same order every time, measured itself: the control test
/// (`finished13_control_first_vs_first`, two classes of the same input) reached |t| = 69 at
/// ten million measurements, and is flat with this.
fn draw<T>(rng: &mut BenchRng, mut make: impl FnMut(Class, &mut BenchRng) -> T) -> (Class, T) {
    let slot = usize::from(rng.random::<u8>() & 1);
    let bit = usize::from(rng.random::<u8>() & 1);
    let order = if slot == 0 {
        CLASSES
    } else {
        [Class::Right, Class::Left]
    };
    let [first, second] = order.map(|class| make(class, rng));
    let class = CLASSES.get(bit).copied().unwrap_or(Class::Left);
    // order[slot ^ bit] is CLASSES[bit]: a choice independent of the class.
    let input = if slot ^ bit == 0 { first } else { second };
    (class, input)
}

/// `left` for the Left class, `right` for the Right one.
fn side<T>(class: Class, (left, right): (T, T)) -> T {
    match class {
        Class::Left => left,
        Class::Right => right,
    }
}

// ---------------------------------------------------------------- RSA premaster

/// The static-RSA server's certificate key, public half, for raw RSA (m^e mod n).
fn server_public_key() -> rsa::PublicKey {
    #[allow(clippy::expect_used)] // a fixture compiled into the binary
    rsa::PrivateKey::from_pkcs8_der(SERVER_RSA_KEY)
        .expect("the server-rsa fixture key parses")
        .to_public_key()
}

/// Raw RSA of a hand-built encryption block `em` (k bytes), big-endian, k bytes.
fn raw_encrypt(pk: &rsa::PublicKey, em: &[u8]) -> Vec<u8> {
    let k = pk.size();
    let Ok(m) = rsa::BoxedUint::from_be_slice(em, pk.n_bits_precision()) else {
        return vec![0; k];
    };
    let Ok(c) = rsa::hazmat::rsa_encrypt(pk, &m) else {
        return vec![0; k];
    };
    let bytes = c.to_be_bytes();
    let mut out = vec![0u8; k.saturating_sub(bytes.len())];
    out.extend_from_slice(bytes.get(bytes.len().saturating_sub(k)..).unwrap_or(&[]));
    out
}

/// EME-PKCS1-v1_5 block (RFC 8017 7.2.1): 00 02 PS 00 M, PS random non-zero.
fn block(k: usize, message: &[u8], rng: &mut BenchRng) -> Vec<u8> {
    let ps_len = k.saturating_sub(3 + message.len());
    let mut em = vec![0x00, 0x02];
    em.extend((0..ps_len).map(|_| rng.random_range(1..=255u8)));
    em.push(0);
    em.extend_from_slice(message);
    em
}

/// A random premaster: client_version 3,3 then 46 random bytes (RFC 5246 7.4.7.1).
fn premaster(rng: &mut BenchRng) -> Vec<u8> {
    let mut m = vec![3, 3];
    m.extend((0..46).map(|_| rng.random::<u8>()));
    m
}

/// The malformed classes of RFC 5246 7.4.7.1 (each against a well-formed premaster).
#[derive(Clone, Copy, Debug)]
pub enum Malformed {
    /// Version bytes 3,1 instead of the ClientHello's 3,3.
    WrongVersion,
    /// A 47-byte premaster (the separator one byte early).
    WrongLength,
    /// Block type 01 instead of 02.
    BadPadding,
    /// No zero separator after the padding.
    NoSeparator,
}

/// One ciphertext: well-formed (`None`) or of a malformed class.
fn ciphertext(pk: &rsa::PublicKey, class: Option<Malformed>, rng: &mut BenchRng) -> Vec<u8> {
    let k = pk.size();
    let mut pms = premaster(rng);
    let em = match class {
        None => block(k, &pms, rng),
        Some(Malformed::WrongVersion) => {
            if let Some(v) = pms.get_mut(1) {
                *v = 1;
            }
            block(k, &pms, rng)
        }
        Some(Malformed::WrongLength) => {
            pms.truncate(47);
            block(k, &pms, rng)
        }
        Some(Malformed::BadPadding) => {
            let mut em = block(k, &pms, rng);
            if let Some(b) = em.get_mut(1) {
                *b = 1;
            }
            em
        }
        Some(Malformed::NoSeparator) => {
            let mut em = block(k, &pms, rng);
            if let Some(b) = em.get_mut(k.saturating_sub(49)) {
                *b = 0x55;
            }
            for b in em.iter_mut().skip(k.saturating_sub(48)) {
                if *b == 0 {
                    *b = 1;
                }
            }
            em
        }
    };
    raw_encrypt(pk, &em)
}

/// The ClientKeyExchange record carrying `ciphertext` (RFC 5246 7.4.7.1: opaque<0..2^16-1>).
fn client_key_exchange_record(ciphertext: &[u8]) -> Vec<u8> {
    let body_len = 2 + ciphertext.len();
    let msg_len = 4 + body_len;
    let mut r = vec![22, 3, 3];
    r.extend_from_slice(&u16::try_from(msg_len).unwrap_or(u16::MAX).to_be_bytes());
    r.push(16);
    r.extend_from_slice(&u32::try_from(body_len).unwrap_or(0).to_be_bytes()[1..]);
    r.extend_from_slice(&u16::try_from(ciphertext.len()).unwrap_or(0).to_be_bytes());
    r.extend_from_slice(ciphertext);
    r
}

/// Static-RSA configurations, TLS 1.2, no client authentication.
fn rsa_configs() -> (ClientConfig, ServerConfig) {
    let suite = [mtls::suites::RSA_AES128_GCM];
    #[allow(clippy::expect_used)] // fixed, valid configurations
    let server = ServerConfig::builder()
        .certificate(chain("server-rsa"), key("server-rsa"))
        .cipher_suites(&suite)
        .enable_static_rsa(true)
        .versions(&[ProtocolVersion::TLSv1_2])
        .build()
        .expect("the static-RSA server config builds");
    #[allow(clippy::expect_used)]
    let client = ClientConfig::builder(std::sync::Arc::new(TrustAll))
        .cipher_suites(&suite)
        .enable_static_rsa(true)
        .versions(&[ProtocolVersion::TLSv1_2])
        .session_store(None)
        .build()
        .expect("the static-RSA client config builds");
    (client, server)
}

/// A server that has sent its flight and waits for the ClientKeyExchange.
fn server_awaiting_key_exchange(client: &ClientConfig, server: &ServerConfig) -> ServerConnection {
    #[allow(clippy::expect_used)] // in-memory handshake prefix with fixed configs
    let mut c = ClientConnection::new(client, "localhost").expect("client");
    #[allow(clippy::expect_used)]
    let mut s = ServerConnection::new(server).expect("server");
    let mut hello = Vec::new();
    while c.wants_write() {
        let _ = c.write_tls(&mut hello);
    }
    let _ = s.read_tls(&mut hello.as_slice());
    let _ = s.process_new_packets();
    let mut flight = Vec::new();
    while s.wants_write() {
        let _ = s.write_tls(&mut flight);
    }
    s
}

/// Checks that the RSA tests time what they say: a fresh server takes the ClientKeyExchange
/// of every class, well-formed or not, without an error and without a byte in answer (the
/// RFC 5246 7.4.7.1 countermeasure: a bad premaster surfaces only at the Finished).
pub fn check_rsa_harness(rng: &mut BenchRng) -> Result<(), String> {
    let pk = server_public_key();
    let (client, server) = rsa_configs();
    let classes = [
        None,
        Some(Malformed::WrongVersion),
        Some(Malformed::WrongLength),
        Some(Malformed::BadPadding),
        Some(Malformed::NoSeparator),
    ];
    for class in classes {
        let record = client_key_exchange_record(&ciphertext(&pk, class, rng));
        let mut s = server_awaiting_key_exchange(&client, &server);
        let _ = s.read_tls(&mut record.as_slice());
        s.process_new_packets()
            .map_err(|e| format!("{class:?}: the server refused the ClientKeyExchange: {e}"))?;
        if s.wants_write() || !s.is_handshaking() {
            return Err(format!(
                "{class:?}: the server answered the ClientKeyExchange"
            ));
        }
    }
    Ok(())
}

fn rsa_premaster(runner: &mut CtRunner, rng: &mut BenchRng, malformed: Malformed) {
    let _ = SERVER_RSA; // the certificate whose key `server_public_key` is
    let pk = server_public_key();
    let (client, server) = rsa_configs();
    for _ in 0..samples() / 10 {
        let (class, record) = draw(rng, |class, rng| {
            let malformed = side(class, (None, Some(malformed)));
            client_key_exchange_record(&ciphertext(&pk, malformed, rng))
        });
        let conn = RefCell::new(server_awaiting_key_exchange(&client, &server));
        timed(runner, class, &|| {
            let mut s = conn.borrow_mut();
            let _ = s.read_tls(&mut record.as_slice());
            s.process_new_packets().is_ok()
        });
    }
}

/// RSA premaster: well-formed against version bytes 3,1.
pub fn rsa_wrong_version(runner: &mut CtRunner, rng: &mut BenchRng) {
    rsa_premaster(runner, rng, Malformed::WrongVersion);
}

/// RSA premaster: well-formed against a 47-byte premaster.
pub fn rsa_wrong_length(runner: &mut CtRunner, rng: &mut BenchRng) {
    rsa_premaster(runner, rng, Malformed::WrongLength);
}

/// RSA premaster: well-formed against block type 01.
pub fn rsa_bad_padding(runner: &mut CtRunner, rng: &mut BenchRng) {
    rsa_premaster(runner, rng, Malformed::BadPadding);
}

/// RSA premaster: well-formed against no separator.
pub fn rsa_no_separator(runner: &mut CtRunner, rng: &mut BenchRng) {
    rsa_premaster(runner, rng, Malformed::NoSeparator);
}

// ---------------------------------------------------------------- Finished

/// Where a wrong Finished differs from ours.
#[derive(Clone, Copy)]
enum Differs {
    /// Nowhere: the same bytes (in a fresh buffer, as the other classes).
    Nowhere,
    First,
    Last,
}

fn altered(ours: &[u8], at: Differs) -> Vec<u8> {
    let mut v = ours.to_vec();
    let i = match at {
        Differs::Nowhere => return v,
        Differs::First => 0,
        Differs::Last => v.len().saturating_sub(1),
    };
    if let Some(b) = v.get_mut(i) {
        *b ^= 0x01;
    }
    v
}

/// Comparisons per measurement.
const COMPARISONS: usize = 64;

/// The longest Finished: TLS 1.3 with SHA-384.
const MAX_FINISHED_LEN: usize = 48;

/// Times `verify` of a Finished made by `make` (our expected value, as bytes, and its
/// constant-time check) against a received one differing at `left` (Left class) or at
/// `right` (Right class). The received value is copied into the same stack buffer for both
/// classes, so that they differ in nothing but their bytes.
fn finished<V: Fn(&[u8]) -> bool>(
    runner: &mut CtRunner,
    rng: &mut BenchRng,
    (left, right): (Differs, Differs),
    make: impl Fn(&mut BenchRng) -> (Vec<u8>, V),
) {
    for _ in 0..samples() {
        let (ours, verify) = make(rng);
        let (class, candidate) = draw(rng, |class, _| altered(&ours, side(class, (left, right))));
        let mut buffer = [0u8; MAX_FINISHED_LEN];
        let len = ours.len().min(MAX_FINISHED_LEN);
        if let (Some(to), Some(from)) = (buffer.get_mut(..len), candidate.get(..len)) {
            to.copy_from_slice(from);
        }
        let received = buffer.get(..len).unwrap_or_default();
        // The verdicts are folded without a branch: counting them would time our own
        // branch on the answer, not the comparison.
        timed(runner, class, &|| {
            (0..COMPARISONS).fold(0u8, |acc, _| acc | u8::from(verify(black_box(received))))
        });
    }
}

fn finished12(runner: &mut CtRunner, rng: &mut BenchRng, classes: (Differs, Differs)) {
    let provider = mtls_crypto::default_provider();
    finished(runner, rng, classes, |rng| {
        let premaster: [u8; 48] = rng.random();
        let hash: [u8; 32] = rng.random();
        let master = mtls_prf::master_secret(
            provider,
            HashAlgorithm::Sha256,
            &premaster,
            &rng.random(),
            &rng.random(),
        );
        let ours = mtls_prf::verify_data(
            provider,
            HashAlgorithm::Sha256,
            &master,
            mtls_prf::Sender::Client,
            &hash,
        );
        (ours.as_bytes().to_vec(), move |r: &[u8]| ours.verify(r))
    });
}

fn finished13(runner: &mut CtRunner, rng: &mut BenchRng, classes: (Differs, Differs)) {
    let provider = mtls_crypto::default_provider();
    finished(runner, rng, classes, |rng| {
        let secret: [u8; 32] = rng.random();
        let hash: [u8; 32] = rng.random();
        let base = mtls_prf::tls13::Secret::from_bytes(HashAlgorithm::Sha256, &secret);
        let ours = base.finished_mac(provider, &hash);
        (ours.as_bytes().to_vec(), move |r: &[u8]| ours.verify(r))
    });
}

/// TLS 1.2 Finished: equal against the first byte different (whether it matched is public:
/// the handshake goes on or ends with decrypt_error).
pub fn finished12_equal_vs_wrong(runner: &mut CtRunner, rng: &mut BenchRng) {
    finished12(runner, rng, (Differs::Nowhere, Differs::First));
}

/// TLS 1.2 Finished: wrong in its first byte against wrong in its last (must not differ: the
/// time would say how much of a forgery was right).
pub fn finished12_first_vs_last_byte(runner: &mut CtRunner, rng: &mut BenchRng) {
    finished12(runner, rng, (Differs::First, Differs::Last));
}

/// TLS 1.3 Finished: equal against the first byte different.
pub fn finished13_equal_vs_wrong(runner: &mut CtRunner, rng: &mut BenchRng) {
    finished13(runner, rng, (Differs::Nowhere, Differs::First));
}

/// TLS 1.3 Finished: wrong in its first byte against wrong in its last.
pub fn finished13_first_vs_last_byte(runner: &mut CtRunner, rng: &mut BenchRng) {
    finished13(runner, rng, (Differs::First, Differs::Last));
}

/// The harness's control: both classes wrong in the first byte, so that nothing but the class
/// tells them apart. Its |t| must stay in the noise however long it runs; if it grows, the
/// harness measures itself.
pub fn finished13_control_first_vs_first(runner: &mut CtRunner, rng: &mut BenchRng) {
    finished13(runner, rng, (Differs::First, Differs::First));
}

// ---------------------------------------------------------------- AEAD open

/// One sealed 1 KiB AES-128-GCM record (TLS 1.2 format) under `key`.
fn sealed_record(key: &[u8; 16], iv: &[u8; 4], rng: &mut BenchRng) -> Vec<u8> {
    let mut payload = vec![0u8; 1024];
    rng.fill_bytes(&mut payload);
    let mut out = Vec::new();
    if let Ok(mut e) = RecordEncrypter::new(AeadAlgorithm::Aes128Gcm, key, iv) {
        let _ = e.seal_to(
            ContentType::ApplicationData,
            ProtocolVersion::TLSv1_2,
            &payload,
            &mut out,
        );
    }
    out
}

/// Flips one bit of the tag (the last 16 bytes of the fragment) at `at`.
fn break_tag(fragment: &mut [u8], at: Differs) {
    let tag_start = fragment.len().saturating_sub(16);
    let i = match at {
        Differs::Nowhere => return,
        Differs::First => tag_start,
        Differs::Last => fragment.len().saturating_sub(1),
    };
    if let Some(b) = fragment.get_mut(i) {
        *b ^= 0x01;
    }
}

/// Times opening a fresh record whose tag is as `left` says (Left class) or `right` says
/// (Right class): `None` leaves the tag valid.
fn aead_open(
    runner: &mut CtRunner,
    rng: &mut BenchRng,
    left: Option<Differs>,
    right: Option<Differs>,
) {
    for _ in 0..samples() {
        let key: [u8; 16] = rng.random();
        let iv: [u8; 4] = rng.random();
        let record = sealed_record(&key, &iv, rng);
        let (class, fragment) = draw(rng, |class, _| {
            let mut fragment = record.get(5..).unwrap_or_default().to_vec();
            if let Some(at) = side(class, (left, right)) {
                break_tag(&mut fragment, at);
            }
            fragment
        });
        let Ok(decrypter) = RecordDecrypter::new(AeadAlgorithm::Aes128Gcm, &key, &iv) else {
            continue;
        };
        let state = RefCell::new((decrypter, fragment));
        timed(runner, class, &|| {
            let (d, f) = &mut *state.borrow_mut();
            d.open_in_place(ContentType::ApplicationData, ProtocolVersion::TLSv1_2, f)
                .is_ok()
        });
    }
}

/// AEAD open: a valid tag against one wrong in its first byte. A difference is expected and
/// public: a record that fails is not decrypted, and the connection ends with bad_record_mac
/// whatever the time taken.
pub fn aead_valid_vs_wrong_tag(runner: &mut CtRunner, rng: &mut BenchRng) {
    aead_open(runner, rng, None, Some(Differs::First));
}

/// AEAD open: a tag wrong in its first byte against one wrong in its last byte: the time must
/// not say where a forged tag went wrong.
pub fn aead_wrong_tag_first_vs_last_byte(runner: &mut CtRunner, rng: &mut BenchRng) {
    aead_open(runner, rng, Some(Differs::First), Some(Differs::Last));
}
