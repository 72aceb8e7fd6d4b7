//! `assume-role-tests.json`: which credentials a profile chain starts from
//! and which roles it assumes, checked from the outside. Each case's
//! profiles go into a config file; a stand-in for STS and the IAM Identity
//! Center portal answers every call with new credentials (`ASIAFAKE<n>`)
//! and keeps it, so the calls show the chain: the first call is the base
//! (web identity, SSO), each `AssumeRole` must be signed with the key id
//! the step before it gave, and the credentials are the last step's.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_sigv4::{Env, HttpClient, ProfileProvider, ProvideCredentials};
use serde_json::Value;
use sha1::{Digest, Sha1};

/// Cases not run, by their `docs`, and why.
const SKIPPED: &[(&str, &str)] = &[
    (
        "Load credentials from a credential_source",
        "this stand-in answers STS and the Identity Center portal only; credential_source = \
         Ec2InstanceMetadata is replayed in default-credential-provider-chain/imds_assume_role",
    ),
    (
        "SSO token profile selected",
        "an sso_session without account and role gives an access token, not credentials: \
         this crate refuses it (ProfileProblem::SsoTokenOnly)",
    ),
];

/// One call to the stand-in.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Call {
    AssumeRole {
        signed_by: String,
        role_arn: String,
        external_id: Option<String>,
        session_name: String,
    },
    WebIdentity {
        role_arn: String,
        session_name: String,
    },
    Sso {
        host: String,
        account_id: String,
        role_name: String,
    },
}

#[derive(Clone, Default)]
struct StandIn {
    calls: Arc<Mutex<Vec<Call>>>,
}

fn decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&value[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn pairs(text: &str) -> BTreeMap<String, String> {
    text.split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_owned(), decode(v)))
        .collect()
}

impl HttpClient for StandIn {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        _timeout: Duration,
    ) -> std::io::Result<http::Response<Vec<u8>>> {
        let mut calls = self.calls.lock().unwrap();
        let n = calls.len() + 1;
        let (key_id, secret, token) = (
            format!("ASIAFAKE{n}"),
            format!("secret{n}"),
            format!("token{n}"),
        );
        if request.method() == http::Method::GET {
            let query = pairs(request.uri().query().unwrap_or_default());
            calls.push(Call::Sso {
                host: request.uri().host().unwrap_or_default().to_owned(),
                account_id: query["account_id"].clone(),
                role_name: query["role_name"].clone(),
            });
            let body = format!(
                r#"{{"roleCredentials":{{"accessKeyId":"{key_id}","secretAccessKey":"{secret}","sessionToken":"{token}","expiration":1893456000000}}}}"#
            );
            return Ok(http::Response::new(body.into_bytes()));
        }
        let form = pairs(std::str::from_utf8(request.body()).unwrap());
        let call = match form["Action"].as_str() {
            "AssumeRole" => {
                let auth = request.headers()["authorization"].to_str().unwrap();
                let credential = auth.split("Credential=").nth(1).unwrap();
                Call::AssumeRole {
                    signed_by: credential.split('/').next().unwrap().to_owned(),
                    role_arn: form["RoleArn"].clone(),
                    external_id: form.get("ExternalId").cloned(),
                    session_name: form["RoleSessionName"].clone(),
                }
            }
            _ => Call::WebIdentity {
                role_arn: form["RoleArn"].clone(),
                session_name: form["RoleSessionName"].clone(),
            },
        };
        calls.push(call);
        let body = format!(
            "<R><Result><Credentials><AccessKeyId>{key_id}</AccessKeyId><SecretAccessKey>{secret}\
             </SecretAccessKey><SessionToken>{token}</SessionToken><Expiration>2030-01-01T00:00:00Z\
             </Expiration></Credentials></Result></R>"
        );
        Ok(http::Response::new(body.into_bytes()))
    }
}

/// Does `call` match the expected step `step` (a `ProfileChain` entry)?
fn matches(step: &Value, call: &Call, signer: &str) -> bool {
    let (kind, want) = step.as_object().unwrap().iter().next().unwrap();
    let field = |name: &str| want.get(name).and_then(Value::as_str);
    match (kind.as_str(), call) {
        (
            "AssumeRole",
            Call::AssumeRole {
                signed_by,
                role_arn,
                external_id,
                session_name,
            },
        ) => {
            signed_by == signer
                && Some(role_arn.as_str()) == field("role_arn")
                && external_id.as_deref() == field("external_id")
                && field("role_session_name").is_none_or(|s| s == session_name)
        }
        (
            "WebIdentityToken",
            Call::WebIdentity {
                role_arn,
                session_name,
            },
        ) => {
            Some(role_arn.as_str()) == field("role_arn")
                && field("role_session_name").is_none_or(|s| s == session_name)
        }
        (
            "Sso",
            Call::Sso {
                host,
                account_id,
                role_name,
            },
        ) => {
            Some(account_id.as_str()) == field("sso_account_id")
                && Some(role_name.as_str()) == field("sso_role_name")
                && *host == format!("portal.sso.{}.amazonaws.com", field("sso_region").unwrap())
        }
        _ => false,
    }
}

/// Runs one case; `Err` says what differs.
fn run(case: &Value) -> Result<(), String> {
    let home = tempfile::tempdir().unwrap();
    let aws = home.path().join(".aws");
    std::fs::create_dir_all(aws.join("sso/cache")).unwrap();
    let mut config = String::new();
    for (name, settings) in case["input"]["profiles"].as_object().unwrap() {
        config.push_str(&format!("[profile {name}]\n"));
        for (key, value) in settings.as_object().unwrap() {
            let mut value = value.as_str().unwrap().to_owned();
            if key == "web_identity_token_file" {
                let token = home.path().join("token.jwt");
                std::fs::write(&token, "a-web-identity-token").unwrap();
                value = token.to_str().unwrap().to_owned();
            }
            if key == "sso_start_url" {
                let file = format!("{}.json", hex(&Sha1::digest(value.as_bytes())));
                let json = r#"{"accessToken": "t", "expiresAt": "2199-01-01T00:00:00Z"}"#;
                std::fs::write(aws.join("sso/cache").join(file), json).unwrap();
            }
            config.push_str(&format!("{key} = {value}\n"));
        }
    }
    std::fs::write(aws.join("config"), config).unwrap();
    let env = Env::from_vars([
        ("HOME", home.path().to_str().unwrap()),
        (
            "AWS_PROFILE",
            case["input"]["selected_profile"].as_str().unwrap(),
        ),
    ]);
    let stand_in = StandIn::default();
    let result = ProfileProvider::new()
        .env(env)
        .http_client(stand_in.clone())
        .provide_credentials();
    let calls = stand_in.calls.lock().unwrap().clone();
    let output = &case["output"];
    if let Some(error) = output.get("Error") {
        return match (result, calls.is_empty()) {
            (Err(_), true) => Ok(()),
            (result, _) => Err(format!(
                "want the error {error}, got {result:?} after {calls:?}"
            )),
        };
    }
    let steps = output["ProfileChain"].as_array().unwrap();
    let creds = result.map_err(|e| format!("error {e:?} after {calls:?}"))?;
    // The key id each call must be signed with: the base's keys, then the
    // credentials of the call before.
    let (mut signer, network_steps) = match steps[0].get("AccessKey") {
        Some(keys) => (
            keys["access_key_id"].as_str().unwrap().to_owned(),
            &steps[1..],
        ),
        None => (String::new(), &steps[..]),
    };
    if calls.len() != network_steps.len() {
        return Err(format!(
            "want {} calls for {steps:?}, got {calls:?}",
            network_steps.len()
        ));
    }
    for (i, (step, call)) in network_steps.iter().zip(&calls).enumerate() {
        if !matches(step, call, &signer) {
            return Err(format!(
                "call {i}: want {step} signed by {signer:?}, got {call:?}"
            ));
        }
        signer = format!("ASIAFAKE{}", i + 1);
    }
    match creds.access_key_id() == signer {
        true => Ok(()),
        false => Err(format!(
            "want the credentials {signer}, got {}",
            creds.access_key_id()
        )),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn replay_assume_role_tests() {
    let cases = super::read_json(&super::suite_root().join("assume-role-tests.json"));
    let (mut passed, mut skipped, mut failures) = (0, 0, Vec::new());
    for case in cases.as_array().unwrap() {
        let docs = case["docs"].as_str().unwrap();
        if let Some((_, reason)) = SKIPPED.iter().find(|(d, _)| *d == docs) {
            println!("skipped {docs}: {reason}");
            skipped += 1;
            continue;
        }
        match run(case) {
            Ok(()) => passed += 1,
            Err(e) => failures.push(format!("{docs}: {e}")),
        }
    }
    println!(
        "assume-role-tests.json: {passed} passed, {skipped} skipped, {} failed",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(passed + skipped, 28);
}
