//! Arbitrary bytes as what a `credential_process` printed: the JSON reader
//! never panics, and its errors never show the secret.
#![no_main]

use http_sigv4_fuzz::parsers::run_credential_process_json;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| run_credential_process_json(data));
