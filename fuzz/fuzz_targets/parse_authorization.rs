//! Arbitrary bytes as the Authorization header (first line) and the query
//! (the rest) of a fixed request: the verifier never panics and its errors
//! never show the secret.
#![no_main]

use http_sigv4_fuzz::run_parse_authorization;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| run_parse_authorization(data));
