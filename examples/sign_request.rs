//! Signs the AWS test suite's `get-vanilla` request and a presigned URL, and
//! prints what was signed.
//!
//! Run with `cargo run --example sign_request`.

use std::time::{Duration, UNIX_EPOCH};

use http_sigv4::{Credentials, Signer};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let creds = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None::<String>,
    );
    let signer = Signer::new(creds, "us-east-1", "service");
    // The suite's fixed time, 2015-08-30T12:36:00Z, so the output matches AWS's.
    let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160);

    let mut req = http::Request::get("https://example.amazonaws.com/").body(())?;
    let out = signer.sign_at(&mut req, time)?;
    println!("Canonical request:\n{}\n", out.canonical_request());
    println!("String to sign:\n{}\n", out.string_to_sign());
    println!("Signed request headers:");
    for (name, value) in req.headers() {
        println!("  {name}: {}", value.to_str()?);
    }
    // AWS's published signature for the suite's get-vanilla case.
    let expected = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
    if out.signature() != expected {
        return Err(format!(
            "signature {} differs from AWS's {expected}",
            out.signature()
        )
        .into());
    }
    println!("\nSignature matches AWS's published value for get-vanilla.\n");

    let mut req = http::Request::get("https://example.amazonaws.com/").body(())?;
    signer.presign_at(&mut req, Duration::from_secs(3600), time)?;
    println!(
        "Presigned URL (valid one hour from the signing time):\n{}",
        req.uri()
    );
    Ok(())
}
