//! Signs an arbitrary request with arbitrary settings: no panic; on error
//! the request is unchanged; on success a verifier configured like the
//! signer accepts it (when it can know the payload hash: see
//! `SignerSpec::expects_round_trip`).
#![no_main]

use http_sigv4_fuzz::{body_sha256, check_round_trip, RequestSpec, SignerSpec, Snapshot};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (SignerSpec, RequestSpec)| {
    let (spec, request) = input;
    let (Some(mut req), Some(time)) = (request.build(), spec.time()) else {
        return;
    };
    let before = req.clone();
    let signer = spec.signer(&body_sha256(req.body()));
    match signer.sign_at(&mut req, time) {
        Ok(out) if spec.expects_round_trip(&before, false) => {
            check_round_trip(&spec.verifier(), &req, time, &out)
        }
        Ok(_) => {}
        Err(_) => assert_eq!(Snapshot::of(&req), Snapshot::of(&before)),
    }
});
