//! The credentials to sign with: `--access-key` with `--secret-key-file`
//! (or `--secret-key`), a `--profile`, or the AWS CLI's chain (environment,
//! then the `AWS_PROFILE` or `default` profile).

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
    let (provided, source) = match &args.profile {
        Some(name) => (
            ProfileProvider::new()
                .env(env.clone())
                .profile(name.clone())
                .provide_credentials(),
            format!("profile `{name}`"),
        ),
        None => {
            let source = match env.get("AWS_ACCESS_KEY_ID") {
                Some(_) => "the environment (AWS_ACCESS_KEY_ID)".to_owned(),
                None => format!(
                    "profile `{}`",
                    ProfileProvider::new().env(env.clone()).profile_name()
                ),
            };
            (
                DefaultChain::new().env(env.clone()).provide_credentials(),
                source,
            )
        }
    };
    let credentials = provided.map_err(|e| no_credentials(&e, args.profile.is_some()))?;
    Ok(Loaded {
        credentials,
        source,
    })
}

/// The message for credentials that could not be loaded, suggesting only
/// the flags that were not already given.
fn no_credentials(error: &Error, profile_given: bool) -> Failure {
    let reason = match error {
        // The library's wording speaks of itself; say what sigv4 can do.
        Error::ProfileWithoutCredentials {
            profile,
            unsupported: Some(setting),
        } => format!(
            "profile `{profile}` gets credentials through `{setting}`, which sigv4 cannot \
             use: export them first with `eval \"$(aws configure export-credentials \
             --profile {profile} --format env)\"`, or add a credential_process to the profile"
        ),
        other => other.to_string(),
    };
    let alternatives = match profile_given {
        true => "or pass --access-key with --secret-key-file",
        false => "or pass --profile NAME, or --access-key with --secret-key-file",
    };
    Failure::setup(format!("no credentials: {reason} ({alternatives})"))
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
        let env = Env::from_vars([("HOME", home)]);
        let loaded = load(&args(&[]), &env, io::empty()).unwrap();
        assert_eq!(loaded.credentials.access_key_id(), "DEF");
        assert_eq!(loaded.source, "profile `default`");

        // --profile reads the profile even when the environment has keys.
        let env = Env::from_vars([
            ("HOME", home),
            ("AWS_ACCESS_KEY_ID", "ENV"),
            ("AWS_SECRET_ACCESS_KEY", "S"),
        ]);
        let loaded = load(&args(&["--profile", "dev"]), &env, io::empty()).unwrap();
        assert_eq!(loaded.credentials.access_key_id(), "DEV");
        assert_eq!(loaded.source, "profile `dev`");
    }

    #[test]
    fn nothing_found_says_what_to_do() {
        let home = tempfile::tempdir().unwrap();
        let env = Env::from_vars([("HOME", home.path().to_str().unwrap())]);
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
        let env = Env::from_vars([("HOME", home.path().to_str().unwrap())]);
        let failure = load(&args(&["--profile", "sso"]), &env, io::empty())
            .err()
            .unwrap();
        let message = &failure.message;
        assert_eq!(failure.code, 2);
        assert!(!message.contains("--profile NAME"), "{message}");
        assert!(!message.contains("this crate"), "{message}");
        assert!(
            message.contains("`sso_session`, which sigv4 cannot use"),
            "{message}"
        );
        assert!(
            message.contains("aws configure export-credentials --profile sso --format env"),
            "{message}"
        );
        assert!(
            message.ends_with("(or pass --access-key with --secret-key-file)"),
            "{message}"
        );
    }
}
