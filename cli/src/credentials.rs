//! The credentials to sign with: `--access-key` with `--secret-key-file`
//! (or `--secret-key`), a `--profile`, or the library's [`DefaultChain`]
//! (environment keys, the `AWS_PROFILE` or `default` profile with its
//! roles, web identity and IAM Identity Center logins, a web identity from
//! the environment, the container endpoint, EC2 instance metadata), and
//! which of them gave the credentials (for `-v`).

use std::fs;
use std::io::Read;
use std::path::Path;

use zeroize::Zeroizing;

use http_sigv4::{Credentials, DefaultChain, Env, Error, ProfileProvider, ProvideCredentials};

use crate::args::Args;
use crate::failure::{code, Failure};

/// Credentials, and where they came from (for `-v` and for messages).
pub(crate) struct Loaded {
    pub(crate) credentials: Credentials,
    pub(crate) source: String,
}

/// What `sigv4` prints when `--secret-key` is given (unless `--silent`).
pub(crate) const SECRET_ON_COMMAND_LINE: &str =
    "warning: --secret-key puts the secret on the command line, where other users of this \
     machine can see it: prefer --secret-key-file FILE (or - for stdin), the environment or \
     a profile";

/// Loads the credentials the flags ask for, reading `env` for the rest and
/// `stdin` for `--secret-key-file -`.
pub(crate) fn load(args: &Args, env: &Env, stdin: impl Read) -> Result<Loaded, Failure> {
    if let Some(id) = &args.access_key {
        let (secret, source) = match (&args.secret_key, &args.secret_key_file) {
            (Some(secret), _) => (secret.clone(), "--access-key and --secret-key".to_owned()),
            (None, Some(path)) => (
                read_secret(path, stdin)?,
                "--access-key and --secret-key-file".to_owned(),
            ),
            // clap requires one of them with --access-key.
            (None, None) => {
                return Err(Failure::setup(
                    "--access-key needs --secret-key-file FILE (or --secret-key)",
                ))
            }
        };
        return Ok(Loaded {
            credentials: Credentials::new(id.clone(), secret, args.session_token.clone()),
            source,
        });
    }
    let (credentials, source) = match &args.profile {
        Some(name) => {
            let profile = ProfileProvider::new()
                .env(env.clone())
                .profile(name.clone());
            let credentials = profile
                .provide_credentials()
                .map_err(|e| no_credentials(&e, true))?;
            let source = profile_source(&profile, &credentials);
            (credentials, source)
        }
        None => {
            let credentials = DefaultChain::new()
                .env(env.clone())
                .provide_credentials()
                .map_err(|e| no_credentials(&e, false))?;
            (credentials.clone(), chain_source(env, &credentials))
        }
    };
    Ok(Loaded {
        credentials,
        source,
    })
}

/// Which source of the library's [`DefaultChain`] gave `credentials`,
/// decided as the chain decides: keys in the environment; else the profile
/// (`AWS_PROFILE` or `default`) when it has credential settings; else a web
/// identity from the environment, the container endpoint, instance metadata.
fn chain_source(env: &Env, credentials: &Credentials) -> String {
    // A blank key id counts as unset, as in the chain.
    if env
        .get("AWS_ACCESS_KEY_ID")
        .is_some_and(|id| !id.trim().is_empty())
    {
        return "the environment (AWS_ACCESS_KEY_ID)".to_owned();
    }
    let profile = ProfileProvider::new().env(env.clone());
    let has = |key: &str| {
        profile
            .setting(key)
            .ok()
            .flatten()
            .is_some_and(|v| !v.is_empty())
    };
    if PROFILE_CREDENTIAL_SETTINGS.iter().any(|key| has(key)) {
        return profile_source(&profile, credentials);
    }
    if let Some(file) = env.get("AWS_WEB_IDENTITY_TOKEN_FILE") {
        let role = env.get("AWS_ROLE_ARN").unwrap_or_default();
        return format!("a web identity from the environment (role {role}, token {file})");
    }
    for variable in [
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ] {
        if env.get(variable).is_some() {
            return format!("the container endpoint ({variable})");
        }
    }
    "EC2 instance metadata".to_owned()
}

/// The settings that give a profile credentials: the chain uses a profile
/// that has one (a profile without any is skipped, as a missing one).
const PROFILE_CREDENTIAL_SETTINGS: [&str; 11] = [
    "aws_access_key_id",
    "aws_secret_access_key",
    "credential_process",
    "role_arn",
    "credential_source",
    "web_identity_token_file",
    "sso_session",
    "sso_start_url",
    "sso_region",
    "sso_account_id",
    "sso_role_name",
];

/// `profile `NAME`: KIND`, the kind read from the profile's settings in
/// the order the library resolves them.
fn profile_source(profile: &ProfileProvider, credentials: &Credentials) -> String {
    let get = |key: &str| {
        profile
            .setting(key)
            .ok()
            .flatten()
            .filter(|v| !v.is_empty())
    };
    let kind = match (get("role_arn"), get("web_identity_token_file")) {
        (Some(role), None) => match (get("source_profile"), get("credential_source")) {
            (Some(source), _) => format!("assume role {role} from profile `{source}`"),
            (None, Some(source)) => format!("assume role {role} from {source}"),
            (None, None) => format!("assume role {role}"),
        },
        (role, Some(_)) => format!("web identity, role {}", role.unwrap_or_default()),
        (None, None) => {
            if let Some(source) = get("credential_source") {
                format!("credential_source {source}")
            } else if ["sso_session", "sso_start_url", "sso_account_id"]
                .iter()
                .any(|key| get(key).is_some())
            {
                "IAM Identity Center (SSO)".to_owned()
            } else if get("credential_process").is_some()
                && get("aws_access_key_id").as_deref() != Some(credentials.access_key_id())
            {
                "credential_process".to_owned()
            } else {
                "static keys".to_owned()
            }
        }
    };
    format!("profile `{}`: {kind}", profile.profile_name())
}

/// The message for credentials that could not be loaded, suggesting only
/// the flags that were not already given.
fn no_credentials(error: &Error, profile_given: bool) -> Failure {
    let alternatives = match profile_given {
        true => "or pass --access-key with --secret-key-file",
        false => "or pass --profile NAME, or --access-key with --secret-key-file",
    };
    Failure::setup(format!("no credentials: {error} ({alternatives})"))
}

/// The secret access key in `path` (`-`: stdin): its first line, trimmed.
fn read_secret(path: &Path, mut stdin: impl Read) -> Result<String, Failure> {
    let shown = match path.as_os_str() == "-" {
        true => "- (stdin)".to_owned(),
        false => path.display().to_string(),
    };
    let failed = |e: std::io::Error| {
        Failure::new(
            code::READ_ERROR,
            format!("cannot read --secret-key-file {shown}: {e}"),
        )
    };
    let text = Zeroizing::new(match path.as_os_str() == "-" {
        true => {
            let mut text = String::new();
            stdin.read_to_string(&mut text).map_err(failed)?;
            text
        }
        false => fs::read_to_string(path).map_err(failed)?,
    });
    let secret = text.lines().next().unwrap_or_default().trim();
    if secret.is_empty() {
        return Err(Failure::new(
            code::READ_ERROR,
            format!("--secret-key-file {shown} is empty: its first line is the secret access key"),
        ));
    }
    Ok(secret.to_owned())
}

#[cfg(test)]
mod tests {
    use std::io;

    use clap::Parser;

    use super::*;

    fn args(flags: &[&str]) -> Args {
        Args::try_parse_from(["sigv4"].iter().chain(flags).chain(&["https://h/"])).unwrap()
    }

    #[test]
    fn flags_win() {
        let env = Env::from_vars([("AWS_ACCESS_KEY_ID", "ENV"), ("AWS_SECRET_ACCESS_KEY", "S")]);
        let loaded = load(
            &args(&[
                "--access-key",
                "AKID",
                "--secret-key",
                "SECRET",
                "--session-token",
                "T",
            ]),
            &env,
            io::empty(),
        )
        .unwrap();
        assert_eq!(loaded.credentials.access_key_id(), "AKID");
        assert_eq!(loaded.credentials.session_token(), Some("T"));
        assert_eq!(loaded.source, "--access-key and --secret-key");
    }

    #[test]
    fn environment_then_profiles() {
        let env = Env::from_vars([("AWS_ACCESS_KEY_ID", "ENV"), ("AWS_SECRET_ACCESS_KEY", "S")]);
        let loaded = load(&args(&[]), &env, io::empty()).unwrap();
        assert_eq!(loaded.credentials.access_key_id(), "ENV");
        assert_eq!(loaded.source, "the environment (AWS_ACCESS_KEY_ID)");

        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir(home.path().join(".aws")).unwrap();
        std::fs::write(
            home.path().join(".aws/credentials"),
            "[default]\naws_access_key_id = DEF\naws_secret_access_key = S\n\
             [dev]\naws_access_key_id = DEV\naws_secret_access_key = S\n",
        )
        .unwrap();
        let home = home.path().to_str().unwrap();
        let env = Env::from_vars([("HOME", home), ("AWS_EC2_METADATA_DISABLED", "true")]);
        let loaded = load(&args(&[]), &env, io::empty()).unwrap();
        assert_eq!(loaded.credentials.access_key_id(), "DEF");
        assert_eq!(loaded.source, "profile `default`: static keys");

        // --profile reads the profile even when the environment has keys.
        let env = Env::from_vars([
            ("HOME", home),
            ("AWS_ACCESS_KEY_ID", "ENV"),
            ("AWS_SECRET_ACCESS_KEY", "S"),
        ]);
        let loaded = load(&args(&["--profile", "dev"]), &env, io::empty()).unwrap();
        assert_eq!(loaded.credentials.access_key_id(), "DEV");
        assert_eq!(loaded.source, "profile `dev`: static keys");
    }

    #[test]
    fn nothing_found_says_what_to_do() {
        let home = tempfile::tempdir().unwrap();
        let env = Env::from_vars([
            ("HOME", home.path().to_str().unwrap()),
            // Never reach 169.254.169.254 from a test.
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ]);
        let failure = load(&args(&[]), &env, io::empty()).err().unwrap();
        assert_eq!(failure.code, 2);
        for part in [
            "no credentials",
            "AWS_ACCESS_KEY_ID",
            "--profile",
            "--access-key",
        ] {
            assert!(
                failure.message.contains(part),
                "{part}: {}",
                failure.message
            );
        }
    }

    #[test]
    fn secret_from_a_file_or_stdin() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("secret");
        std::fs::write(&file, "  SECRET-FROM-FILE \nignored second line\n").unwrap();
        let file = file.to_str().unwrap();
        let env = Env::from_vars([("AWS_ACCESS_KEY_ID", "ENV"), ("AWS_SECRET_ACCESS_KEY", "S")]);

        let loaded = load(
            &args(&["--access-key", "AKID", "--secret-key-file", file]),
            &env,
            io::empty(),
        )
        .unwrap();
        assert_eq!(loaded.credentials.access_key_id(), "AKID");
        assert_eq!(loaded.credentials.secret_access_key(), "SECRET-FROM-FILE");
        assert_eq!(loaded.source, "--access-key and --secret-key-file");

        let loaded = load(
            &args(&["--access-key", "AKID", "--secret-key-file", "-"]),
            &env,
            &b"SECRET-FROM-STDIN\r\n"[..],
        )
        .unwrap();
        assert_eq!(loaded.credentials.secret_access_key(), "SECRET-FROM-STDIN");
    }

    #[test]
    fn an_unreadable_or_empty_secret_file_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        let failure = load(
            &args(&[
                "--access-key",
                "A",
                "--secret-key-file",
                missing.to_str().unwrap(),
            ]),
            &Env::from_vars([("HOME", dir.path().to_str().unwrap())]),
            io::empty(),
        )
        .err()
        .unwrap();
        assert_eq!(failure.code, 26);
        assert!(
            failure
                .message
                .starts_with("cannot read --secret-key-file "),
            "{}",
            failure.message
        );

        let failure = load(
            &args(&["--access-key", "A", "--secret-key-file", "-"]),
            &Env::from_vars([("HOME", dir.path().to_str().unwrap())]),
            &b"\n"[..],
        )
        .err()
        .unwrap();
        assert_eq!(failure.code, 26);
        assert_eq!(
            failure.message,
            "--secret-key-file - (stdin) is empty: its first line is the secret access key"
        );
    }

    #[test]
    fn a_given_profile_is_not_suggested_again() {
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir(home.path().join(".aws")).unwrap();
        std::fs::write(
            home.path().join(".aws/config"),
            "[profile sso]\nsso_session = corp\nregion = eu-west-1\n",
        )
        .unwrap();
        let env = Env::from_vars([
            ("HOME", home.path().to_str().unwrap()),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ]);
        let failure = load(&args(&["--profile", "sso"]), &env, io::empty())
            .err()
            .unwrap();
        let message = &failure.message;
        assert_eq!(failure.code, 2);
        assert!(message.starts_with("no credentials: "), "{message}");
        assert!(message.contains("corp"), "{message}");
        assert!(!message.contains("--profile NAME"), "{message}");
        assert!(
            message.ends_with("(or pass --access-key with --secret-key-file)"),
            "{message}"
        );
    }

    /// A profile file under a temporary HOME, and the environment that
    /// points at it (instance metadata off).
    fn home_with(config: &str, credentials: &str) -> (tempfile::TempDir, Env) {
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir(home.path().join(".aws")).unwrap();
        std::fs::write(home.path().join(".aws/config"), config).unwrap();
        std::fs::write(home.path().join(".aws/credentials"), credentials).unwrap();
        let env = Env::from_vars([
            ("HOME", home.path().to_str().unwrap()),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ]);
        (home, env)
    }

    #[test]
    fn the_kind_of_profile_is_named() {
        let creds = Credentials::new("FROM-PROCESS", "S", None::<String>);
        let (_home, env) = home_with(
            "[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n\
             [profile ec2]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Ec2InstanceMetadata\n\
             [profile wi]\nrole_arn = arn:aws:iam::1:role/w\nweb_identity_token_file = /t\n\
             [profile sso]\nsso_session = corp\n\
             [profile proc]\ncredential_process = echo\n\
             [profile both]\ncredential_process = echo\n",
            "[both]\naws_access_key_id = FROM-FILE\naws_secret_access_key = S\n",
        );
        for (name, kind) in [
            (
                "role",
                "assume role arn:aws:iam::1:role/r from profile `base`",
            ),
            (
                "ec2",
                "assume role arn:aws:iam::1:role/r from Ec2InstanceMetadata",
            ),
            ("wi", "web identity, role arn:aws:iam::1:role/w"),
            ("sso", "IAM Identity Center (SSO)"),
            ("proc", "credential_process"),
            ("both", "credential_process"),
        ] {
            let profile = ProfileProvider::new().env(env.clone()).profile(name);
            assert_eq!(
                profile_source(&profile, &creds),
                format!("profile `{name}`: {kind}")
            );
        }
        // The keys in the credentials file win over the process.
        let profile = ProfileProvider::new().env(env).profile("both");
        let from_file = Credentials::new("FROM-FILE", "S", None::<String>);
        assert_eq!(
            profile_source(&profile, &from_file),
            "profile `both`: static keys"
        );
    }

    #[test]
    fn network_sources_are_named_when_no_profile_has_credentials() {
        let creds = Credentials::new("A", "S", None::<String>);
        // A profile with only a region does not count.
        let (home, _) = home_with("[default]\nregion = eu-west-1\n", "");
        let home = home.path().to_str().unwrap();
        for (vars, source) in [
            (
                vec![("AWS_ACCESS_KEY_ID", "A")],
                "the environment (AWS_ACCESS_KEY_ID)",
            ),
            (
                vec![
                    ("AWS_WEB_IDENTITY_TOKEN_FILE", "/token"),
                    ("AWS_ROLE_ARN", "arn:aws:iam::1:role/w"),
                ],
                "a web identity from the environment (role arn:aws:iam::1:role/w, token /token)",
            ),
            (
                vec![("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1/")],
                "the container endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI)",
            ),
            (
                vec![("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/c")],
                "the container endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)",
            ),
            (vec![], "EC2 instance metadata"),
        ] {
            let env = Env::from_vars(vars.into_iter().chain([("HOME", home)]));
            assert_eq!(chain_source(&env, &creds), source);
        }
    }
}
