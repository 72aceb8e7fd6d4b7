//! Verifies arbitrary requests with arbitrary authentication, and validly
//! signed requests after arbitrary changes: no panic, errors never show the
//! secret, and nothing is accepted without the original signature.
#![no_main]

use http_sigv4_fuzz::{run_verify, VerifyInput};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: VerifyInput| run_verify(&input));
