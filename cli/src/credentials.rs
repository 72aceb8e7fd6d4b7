//! The credentials to sign with: `--access-key`/`--secret-key`, a
//! `--profile`, or the AWS CLI's chain (environment, then the
//! `AWS_PROFILE` or `default` profile).

use http_sigv4::{Credentials, DefaultChain, Env, ProfileProvider, ProvideCredentials};

use crate::args::Args;
use crate::failure::Failure;

/// Credentials, and where they came from (for `-v` and for messages).
pub(crate) struct Loaded {
    pub(crate) credentials: Credentials,
    pub(crate) source: String,
}

/// Loads the credentials the flags ask for, reading `env` for the rest.
pub(crate) fn load(args: &Args, env: &Env) -> Result<Loaded, Failure> {
    if let (Some(id), Some(secret)) = (&args.access_key, &args.secret_key) {
        return Ok(Loaded {
            credentials: Credentials::new(id.clone(), secret.clone(), args.session_token.clone()),
            source: "--access-key and --secret-key".to_owned(),
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
    let credentials = provided.map_err(|e| {
        Failure::setup(format!(
            "no credentials: {e} (or pass --profile NAME, or --access-key and --secret-key)"
        ))
    })?;
    Ok(Loaded {
        credentials,
        source,
    })
}

#[cfg(test)]
mod tests {
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
        )
        .unwrap();
        assert_eq!(loaded.credentials.access_key_id(), "AKID");
        assert_eq!(loaded.credentials.session_token(), Some("T"));
        assert_eq!(loaded.source, "--access-key and --secret-key");
    }

    #[test]
    fn environment_then_profiles() {
        let env = Env::from_vars([("AWS_ACCESS_KEY_ID", "ENV"), ("AWS_SECRET_ACCESS_KEY", "S")]);
        let loaded = load(&args(&[]), &env).unwrap();
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
        let loaded = load(&args(&[]), &env).unwrap();
        assert_eq!(loaded.credentials.access_key_id(), "DEF");
        assert_eq!(loaded.source, "profile `default`");

        // --profile reads the profile even when the environment has keys.
        let env = Env::from_vars([
            ("HOME", home),
            ("AWS_ACCESS_KEY_ID", "ENV"),
            ("AWS_SECRET_ACCESS_KEY", "S"),
        ]);
        let loaded = load(&args(&["--profile", "dev"]), &env).unwrap();
        assert_eq!(loaded.credentials.access_key_id(), "DEV");
        assert_eq!(loaded.source, "profile `dev`");
    }

    #[test]
    fn nothing_found_says_what_to_do() {
        let home = tempfile::tempdir().unwrap();
        let env = Env::from_vars([("HOME", home.path().to_str().unwrap())]);
        let failure = load(&args(&[]), &env).err().unwrap();
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
}
