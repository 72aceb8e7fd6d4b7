//! `Signer::from_env` / `from_profile` and their `ApiGatewaySigner`
//! counterparts, through `from_sources` on temporary homes.

use std::fs;
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use super::*;
use crate::{ApiGatewaySigner, Env};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn suite_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_440_938_160)
}

fn home(credentials: &str, config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".aws")).unwrap();
    fs::write(dir.path().join(".aws/credentials"), credentials).unwrap();
    fs::write(dir.path().join(".aws/config"), config).unwrap();
    dir
}

fn env(home: &Path, vars: &[(&str, &str)]) -> Env {
    Env::from_vars(
        vars.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .chain([("HOME".to_string(), home.to_str().unwrap().to_string())])
            // Instance metadata (feature network-credentials) off: no network.
            .chain([("AWS_EC2_METADATA_DISABLED".into(), "true".into())]),
    )
}

fn authorization(signer: &Signer) -> String {
    let mut req = Request::get("https://example.amazonaws.com/")
        .body(())
        .unwrap();
    signer.sign_at(&mut req, suite_time()).unwrap();
    req.headers()["authorization"].to_str().unwrap().to_owned()
}

#[test]
fn from_env_signs_with_the_default_profile_and_its_region() {
    let home = home(
        &format!("[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = {SECRET}\n"),
        "[default]\nregion = us-east-1\n",
    );
    let signer = Signer::from_sources(env(home.path(), &[]), None, "service").unwrap();
    assert_eq!(signer.region(), "us-east-1");
    assert!(signer.credentials().is_none());
    // The AWS suite's get-vanilla signature.
    assert!(authorization(&signer)
        .ends_with("Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
}

#[test]
fn from_profile_reads_that_profile_and_the_region_variables_win() {
    let home = home(
        "[default]\naws_access_key_id = DEFAULT\naws_secret_access_key = S\n\
         [dev]\naws_access_key_id = DEV\naws_secret_access_key = S\n",
        "[profile dev]\nregion = eu-west-1\n",
    );
    let vars = [
        ("AWS_ACCESS_KEY_ID", "ENV"),
        ("AWS_SECRET_ACCESS_KEY", "S"),
        ("AWS_PROFILE", "default"),
    ];
    let signer = ApiGatewaySigner::from_sources(env(home.path(), &vars), Some("dev")).unwrap();
    assert_eq!(signer.region(), "eu-west-1");
    assert!(
        authorization(signer.signer()).contains("Credential=DEV/20150830/eu-west-1/execute-api/")
    );

    let with_region = [("AWS_REGION", "ap-southeast-2")];
    let signer =
        ApiGatewaySigner::from_sources(env(home.path(), &with_region), Some("dev")).unwrap();
    assert_eq!(signer.region(), "ap-southeast-2");

    // from_env: the environment's keys win over AWS_PROFILE.
    let signer = Signer::from_sources(env(home.path(), &vars), None, "s3");
    assert!(matches!(signer, Err(Error::MissingRegion { profile }) if profile == "default"));
    let vars_with_region = [vars[0], vars[1], ("AWS_DEFAULT_REGION", "us-west-2")];
    let signer = Signer::from_sources(env(home.path(), &vars_with_region), None, "s3").unwrap();
    assert!(authorization(&signer).contains("Credential=ENV/20150830/us-west-2/s3/"));
}

#[test]
fn from_env_fails_early_and_says_what_is_missing() {
    let empty = home("", "");
    assert!(matches!(
        ApiGatewaySigner::from_sources(env(empty.path(), &[("AWS_REGION", "us-east-1")]), None),
        Err(Error::ProfileNotFound { profile, .. }) if profile == "default"
    ));
    assert!(matches!(
        Signer::from_sources(env(empty.path(), &[]), Some("prod"), "s3"),
        Err(Error::ProfileNotFound { profile, .. }) if profile == "prod"
    ));
    let no_region = home(
        "[default]\naws_access_key_id = A\naws_secret_access_key = S\n",
        "",
    );
    assert!(matches!(
        Signer::from_sources(env(no_region.path(), &[]), None, "s3"),
        Err(Error::MissingRegion { .. })
    ));
}

#[cfg(unix)]
#[test]
fn from_env_runs_a_credential_process_once_and_caches_it() {
    let dir = tempfile::tempdir().unwrap();
    let count = dir.path().join("count");
    let script = dir.path().join("creds.sh");
    fs::write(&count, "0\n").unwrap();
    fs::write(
        &script,
        format!(
            "read n < '{0}'\necho $((n + 1)) > '{0}'\n\
             echo '{{\"Version\":1,\"AccessKeyId\":\"ASIAPROC\",\"SecretAccessKey\":\"S\"}}'\n",
            count.display()
        ),
    )
    .unwrap();
    let home = home(
        "",
        &format!(
            "[default]\nregion = us-east-2\ncredential_process = /bin/sh {}\n",
            script.display()
        ),
    );
    let signer = Signer::from_sources(env(home.path(), &[]), None, "service").unwrap();
    for _ in 0..3 {
        assert!(authorization(&signer).contains("Credential=ASIAPROC/20150830/us-east-2/"));
    }
    assert_eq!(fs::read_to_string(&count).unwrap().trim(), "1");
}

#[cfg(feature = "network-credentials")]
#[test]
fn from_env_takes_the_region_from_instance_metadata_as_a_last_resort() {
    // An IMDSv2 stand-in on loopback: a session token, then the region.
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", server.server_addr().to_ip().unwrap());
    let answering = std::thread::spawn(move || {
        let mut paths = Vec::new();
        for _ in 0..2 {
            let request = server.recv().unwrap();
            paths.push(format!("{} {}", request.method(), request.url()));
            let body = match request.method() {
                tiny_http::Method::Put => "token",
                _ => "sa-east-1",
            };
            request
                .respond(tiny_http::Response::from_string(body))
                .unwrap();
        }
        paths
    });
    let empty = home("", "");
    let vars = [
        ("AWS_ACCESS_KEY_ID", "AKID"),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint.as_str()),
        ("HOME", empty.path().to_str().unwrap()),
    ];
    let signer = Signer::from_sources(Env::from_vars(vars), None, "s3").unwrap();
    assert_eq!(signer.region(), "sa-east-1");
    assert_eq!(
        answering.join().unwrap(),
        [
            "PUT /latest/api/token",
            "GET /latest/meta-data/placement/region"
        ]
    );
    // With instance metadata off, the error says what to set.
    let off = [
        vars[0],
        vars[1],
        vars[3],
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    assert!(matches!(
        Signer::from_sources(Env::from_vars(off), None, "s3"),
        Err(Error::MissingRegion { .. })
    ));
}
