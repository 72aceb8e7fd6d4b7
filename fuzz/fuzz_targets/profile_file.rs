//! Arbitrary text as a shared config file and as a credentials file: the
//! parser never panics, keeps only valid names, and its errors name a line.
#![no_main]

use http_sigv4_fuzz::parsers::run_profile_file;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| run_profile_file(data));
