//! The chain's order with the network sources: when it goes on to the
//! container endpoint and instance metadata, and which error it ends with.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use super::*;

/// Answers by path; records the URIs asked. `None` for a path: a timeout.
struct Fake {
    routes: Vec<(&'static str, Option<(u16, &'static str)>)>,
    asked: Mutex<Vec<String>>,
    /// When set, every request times out.
    down: AtomicBool,
}

impl HttpClient for Arc<Fake> {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        _: Duration,
    ) -> io::Result<http::Response<Vec<u8>>> {
        self.asked.lock().unwrap().push(request.uri().to_string());
        if self.down.load(Ordering::SeqCst) {
            return Err(io::ErrorKind::TimedOut.into());
        }
        let route = self.routes.iter().find(|(p, _)| *p == request.uri().path());
        match route.map(|(_, answer)| *answer) {
            Some(Some((status, body))) => Ok(http::Response::builder()
                .status(status)
                .body(body.as_bytes().to_vec())
                .unwrap()),
            Some(None) => Err(io::ErrorKind::TimedOut.into()),
            None => Ok(http::Response::builder()
                .status(404)
                .body(Vec::new())
                .unwrap()),
        }
    }
}

const JSON: &str = r#"{"Code":"Success","AccessKeyId":"ASIANET","SecretAccessKey":"S","Token":"T","Expiration":"2030-01-01T00:00:00Z"}"#;

fn fake(routes: Vec<(&'static str, Option<(u16, &'static str)>)>) -> Arc<Fake> {
    Arc::new(Fake {
        routes,
        asked: Mutex::default(),
        down: AtomicBool::new(false),
    })
}

fn imds_up() -> Arc<Fake> {
    fake(vec![
        ("/latest/api/token", Some((200, "tok"))),
        (
            "/latest/meta-data/iam/security-credentials/",
            Some((200, "role")),
        ),
        (
            "/latest/meta-data/iam/security-credentials/role",
            Some((200, JSON)),
        ),
        ("/ecs", Some((200, JSON))),
    ])
}

/// The chain on a home holding `credentials`, with `vars`, through `client`.
fn run(
    credentials: Option<&str>,
    vars: &[(&str, &str)],
    client: &Arc<Fake>,
) -> Result<Credentials, Error> {
    let home = tempfile::tempdir().unwrap();
    if let Some(text) = credentials {
        std::fs::create_dir(home.path().join(".aws")).unwrap();
        std::fs::write(home.path().join(".aws/credentials"), text).unwrap();
    }
    let vars = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .chain([("HOME".to_string(), home.path().to_str().unwrap().to_owned())]);
    DefaultChain::new()
        .env(Env::from_vars(vars))
        .http_client(client.clone())
        .provide_credentials()
}

const ECS: (&str, &str) = ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/ecs");

#[test]
fn no_profile_goes_on_to_the_container_endpoint_then_instance_metadata() {
    let client = imds_up();
    assert_eq!(
        run(None, &[ECS], &client).unwrap().access_key_id(),
        "ASIANET"
    );
    assert_eq!(*client.asked.lock().unwrap(), ["http://169.254.170.2/ecs"]);

    let client = imds_up();
    assert_eq!(run(None, &[], &client).unwrap().access_key_id(), "ASIANET");
    assert_eq!(client.asked.lock().unwrap().len(), 3);

    // A profile without credentials is passed over too.
    let client = imds_up();
    assert!(run(Some("[default]\nregion = x\n"), &[], &client).is_ok());
    assert_eq!(client.asked.lock().unwrap().len(), 3);
}

#[test]
fn profile_keys_or_a_broken_profile_stop_the_chain_before_the_network() {
    let client = imds_up();
    let keys = "[default]\naws_access_key_id = FILE\naws_secret_access_key = S\n";
    assert_eq!(
        run(Some(keys), &[ECS], &client).unwrap().access_key_id(),
        "FILE"
    );
    let broken = "[default]\naws_access_key_id = FILE\n";
    assert!(matches!(
        run(Some(broken), &[ECS], &client),
        Err(Error::ProfileMissingKey { .. })
    ));
    assert!(client.asked.lock().unwrap().is_empty());
}

#[test]
fn a_configured_container_endpoint_that_fails_is_the_error() {
    let client = fake(vec![("/ecs", Some((500, "")))]);
    assert_eq!(
        run(None, &[ECS], &client).unwrap_err(),
        Error::ContainerCredentials(EndpointProblem::Status { status: 500 })
    );
    // Instance metadata was not asked.
    assert!(client
        .asked
        .lock()
        .unwrap()
        .iter()
        .all(|u| u.ends_with("/ecs")));
}

#[test]
fn unreachable_or_disabled_instance_metadata_ends_with_the_profile_error() {
    let silent = fake(vec![("/latest/api/token", None)]);
    assert!(matches!(
        run(None, &[], &silent),
        Err(Error::ProfileNotFound { profile, .. }) if profile == "default"
    ));
    let client = imds_up();
    assert!(matches!(
        run(None, &[("AWS_EC2_METADATA_DISABLED", "true")], &client),
        Err(Error::ProfileNotFound { .. })
    ));
    assert!(client.asked.lock().unwrap().is_empty());
    // On EC2 without a role: that is the error.
    let no_role = fake(vec![("/latest/api/token", Some((200, "tok")))]);
    assert_eq!(
        run(None, &[], &no_role).unwrap_err(),
        Error::InstanceMetadata(EndpointProblem::NoRole)
    );
}

#[test]
fn clones_share_the_instance_metadata_state_for_static_stability() {
    let client = imds_up();
    let chain = DefaultChain::new()
        .env(Env::from_vars([("HOME", "/nonexistent-home")]))
        .http_client(client.clone());
    assert_eq!(
        chain.clone().provide_credentials().unwrap().access_key_id(),
        "ASIANET"
    );
    // The metadata service goes silent: another clone still hands out the
    // credentials fetched before (not the profile error).
    client.down.store(true, Ordering::SeqCst);
    assert_eq!(
        chain.clone().provide_credentials().unwrap().access_key_id(),
        "ASIANET"
    );
    // A chain built anew has nothing to fall back on.
    let fresh = DefaultChain::new()
        .env(Env::from_vars([("HOME", "/nonexistent-home")]))
        .http_client(client.clone());
    assert!(matches!(
        fresh.provide_credentials(),
        Err(Error::ProfileNotFound { .. })
    ));
}
