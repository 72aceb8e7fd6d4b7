//! Presigns an arbitrary request with arbitrary settings and expiry: no
//! panic; on error the request is unchanged; on success the URL verifies
//! until it expires and is `Expired` one second later (when the verifier
//! can know the payload hash: see `SignerSpec::expects_round_trip`).
#![no_main]

use std::time::Duration;

use http_sigv4::Error;
use http_sigv4_fuzz::{body_sha256, check_round_trip, RequestSpec, SignerSpec, Snapshot};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (SignerSpec, RequestSpec, u32)| {
    let (spec, request, expires) = input;
    let (Some(mut req), Some(time)) = (request.build(), spec.time()) else {
        return;
    };
    // 0 to 604801 s: mostly valid, both invalid ends reachable.
    let expires_in = Duration::from_secs(u64::from(expires) % 604_802);
    let before = req.clone();
    let signer = spec.signer(&body_sha256(req.body()));
    match signer.presign_at(&mut req, expires_in, time) {
        Ok(out) if spec.expects_round_trip(&before, true) => {
            let verifier = spec.verifier();
            check_round_trip(&verifier, &req, time, &out);
            check_round_trip(&verifier, &req, time + expires_in, &out);
            let late = time + expires_in + Duration::from_secs(1);
            let expired_at = time + expires_in;
            assert_eq!(
                verifier.verify_at(&req, late),
                Err(Error::Expired { expired_at })
            );
        }
        Ok(_) => {}
        Err(_) => assert_eq!(Snapshot::of(&req), Snapshot::of(&before)),
    }
});
