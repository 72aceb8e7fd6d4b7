use std::fs;

use super::*;

/// A temporary home directory with `.aws/credentials` and `.aws/config`.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join(".aws")).unwrap();
        Home { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(".aws").join(name)
    }

    fn credentials(self, text: &str) -> Self {
        fs::write(self.path("credentials"), text).unwrap();
        self
    }

    fn config(self, text: &str) -> Self {
        fs::write(self.path("config"), text).unwrap();
        self
    }

    /// `HOME` plus `vars`.
    fn env(&self, vars: &[(&str, &str)]) -> Env {
        let home = self.dir.path().to_str().unwrap().to_owned();
        Env::from_vars(
            vars.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .chain([("HOME".to_string(), home)]),
        )
    }

    fn provider(&self, vars: &[(&str, &str)]) -> ProfileProvider {
        ProfileProvider::new().env(self.env(vars))
    }

    fn creds(&self, vars: &[(&str, &str)]) -> Result<Credentials, Error> {
        self.provider(vars).provide_credentials()
    }

    /// Writes a credential process script; returns its command line.
    fn script(&self, name: &str, access_key_id: &str) -> String {
        let path = self.dir.path().join(name);
        fs::write(
            &path,
            format!(
                "echo '{{\"Version\":1,\"AccessKeyId\":\"{access_key_id}\",\"SecretAccessKey\":\"S\"}}'\n"
            ),
        )
        .unwrap();
        format!("/bin/sh {}", path.display())
    }
}

fn key_id(result: Result<Credentials, Error>) -> String {
    result.unwrap().access_key_id().to_owned()
}

#[test]
fn default_profile_from_the_credentials_file_in_home() {
    let home = Home::new().credentials(
        "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = SECRET\n",
    );
    let c = home.creds(&[]).unwrap();
    assert_eq!(c.access_key_id(), "AKIDDEFAULT");
    assert_eq!(c.secret_access_key(), "SECRET");
    assert_eq!(c.session_token(), None);
}

#[test]
fn aws_profile_selects_and_an_explicit_profile_wins() {
    let home = Home::new().credentials(
        "[default]\naws_access_key_id = D\naws_secret_access_key = S\n\
         [dev]\naws_access_key_id = DEV\naws_secret_access_key = S\n\
         [ops]\naws_access_key_id = OPS\naws_secret_access_key = S\n",
    );
    assert_eq!(key_id(home.creds(&[("AWS_PROFILE", "dev")])), "DEV");
    assert_eq!(key_id(home.creds(&[("AWS_PROFILE", "")])), "D");
    let explicit = home.provider(&[("AWS_PROFILE", "dev")]).profile("ops");
    assert_eq!(key_id(explicit.provide_credentials()), "OPS");
}

#[test]
fn session_token_under_either_name() {
    let home = Home::new().credentials(
        "[a]\naws_access_key_id = A\naws_secret_access_key = S\naws_session_token = NEW\n\
         [b]\naws_access_key_id = B\naws_secret_access_key = S\naws_security_token = OLD\n",
    );
    let token = |p: &str| {
        home.creds(&[("AWS_PROFILE", p)])
            .unwrap()
            .session_token()
            .map(str::to_owned)
    };
    assert_eq!(token("a").as_deref(), Some("NEW"));
    assert_eq!(token("b").as_deref(), Some("OLD"));
}

#[test]
fn credentials_file_wins_over_config_file() {
    let home = Home::new()
        .credentials("[dev]\naws_access_key_id = FROM_CREDENTIALS\naws_secret_access_key = S\n")
        .config(
            "[profile dev]\naws_access_key_id = FROM_CONFIG\naws_secret_access_key = S\n\
             [profile cfg]\naws_access_key_id = ONLY_CONFIG\naws_secret_access_key = S\n",
        );
    assert_eq!(
        key_id(home.creds(&[("AWS_PROFILE", "dev")])),
        "FROM_CREDENTIALS"
    );
    assert_eq!(key_id(home.creds(&[("AWS_PROFILE", "cfg")])), "ONLY_CONFIG");
}

#[test]
fn config_default_section_in_both_spellings() {
    let home =
        Home::new().config("[default]\naws_access_key_id = BARE\naws_secret_access_key = S\n");
    assert_eq!(key_id(home.creds(&[])), "BARE");
    let home = Home::new().config(
        "[default]\naws_access_key_id = BARE\naws_secret_access_key = S\n\
         [profile default]\naws_access_key_id = PREFIXED\naws_secret_access_key = S\n",
    );
    assert_eq!(key_id(home.creds(&[])), "PREFIXED");
}

#[test]
fn file_locations_from_variables_with_tilde() {
    let home = Home::new();
    let elsewhere = home.dir.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    fs::write(
        elsewhere.join("my-credentials"),
        "[default]\naws_access_key_id = MOVED\naws_secret_access_key = S\n",
    )
    .unwrap();
    fs::write(
        elsewhere.join("my-config"),
        "[default]\nregion = ca-central-1\n",
    )
    .unwrap();
    let vars = [
        ("AWS_SHARED_CREDENTIALS_FILE", "~/elsewhere/my-credentials"),
        ("AWS_CONFIG_FILE", "~/elsewhere/my-config"),
    ];
    assert_eq!(key_id(home.creds(&vars)), "MOVED");
    assert_eq!(
        home.provider(&vars).region().unwrap().as_deref(),
        Some("ca-central-1")
    );
    // Absolute paths need no home directory.
    let absolute = Env::from_vars([
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            elsewhere.join("my-credentials").to_str().unwrap(),
        ),
        (
            "AWS_CONFIG_FILE",
            elsewhere.join("my-config").to_str().unwrap(),
        ),
    ]);
    assert_eq!(
        key_id(ProfileProvider::new().env(absolute).provide_credentials()),
        "MOVED"
    );
}

#[test]
fn no_home_directory_names_home() {
    let p = ProfileProvider::new().env(Env::from_vars([("AWS_PROFILE", "dev")]));
    assert_eq!(
        p.provide_credentials().err(),
        Some(Error::MissingEnvironmentVariable { name: "HOME" })
    );
}

#[test]
fn profile_not_found_names_profile_and_files() {
    let home =
        Home::new().credentials("[default]\naws_access_key_id = A\naws_secret_access_key = S\n");
    let err = home.creds(&[("AWS_PROFILE", "prod")]).unwrap_err();
    assert_eq!(
        err,
        Error::ProfileNotFound {
            profile: "prod".into(),
            credentials_file: home.path("credentials"),
            config_file: home.path("config"),
        }
    );
    let msg = err.to_string();
    assert!(
        msg.contains("`prod`") && msg.contains(".aws/credentials"),
        "{msg}"
    );
    // No files at all: the same error.
    assert!(matches!(
        Home::new().creds(&[]),
        Err(Error::ProfileNotFound { profile, .. }) if profile == "default"
    ));
}

#[test]
fn half_a_key_pair_names_the_missing_key_and_file() {
    let home = Home::new()
        .credentials("[a]\naws_access_key_id = A\n[b]\naws_secret_access_key = S\n")
        .config("[profile c]\naws_access_key_id = C\naws_secret_access_key =\n");
    let missing = |profile: &str, file: &str, key| Error::ProfileMissingKey {
        profile: profile.into(),
        path: home.path(file),
        key,
    };
    assert_eq!(
        home.creds(&[("AWS_PROFILE", "a")]).err(),
        Some(missing("a", "credentials", "aws_secret_access_key"))
    );
    assert_eq!(
        home.creds(&[("AWS_PROFILE", "b")]).err(),
        Some(missing("b", "credentials", "aws_access_key_id"))
    );
    assert_eq!(
        home.creds(&[("AWS_PROFILE", "c")]).err(),
        Some(missing("c", "config", "aws_secret_access_key"))
    );
}

#[test]
fn profiles_without_usable_credentials() {
    let home = Home::new().config(
        "[profile regional]\nregion = us-east-1\n\
         [profile role]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = default\n\
         aws_access_key_id = A\naws_secret_access_key = S\n\
         [profile sso]\nsso_session = corp\nsso_account_id = 1\n",
    );
    assert_eq!(
        home.creds(&[("AWS_PROFILE", "regional")]).err(),
        Some(Error::ProfileWithoutCredentials {
            profile: "regional".into(),
            unsupported: None
        })
    );
}

/// Without the network sources, role and IAM Identity Center profiles are
/// refused (with the feature they are assumed: profile_chain's tests).
#[cfg(not(feature = "network-credentials"))]
#[test]
fn role_and_sso_profiles_are_refused_without_the_network_sources() {
    let home = Home::new().config(
        "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = default\n\
         aws_access_key_id = A\naws_secret_access_key = S\n\
         [profile sso]\nsso_session = corp\nsso_account_id = 1\n",
    );
    // Not the static keys: the AWS CLI would assume the role.
    let err = home.creds(&[("AWS_PROFILE", "role")]).unwrap_err();
    assert_eq!(
        err,
        Error::ProfileWithoutCredentials {
            profile: "role".into(),
            unsupported: Some("role_arn".to_owned())
        }
    );
    assert!(err.to_string().contains("export-credentials"), "{err}");
    assert!(matches!(
        home.creds(&[("AWS_PROFILE", "sso")]),
        Err(Error::ProfileWithoutCredentials { unsupported: Some(s), .. }) if s == "sso_session"
    ));
}

#[test]
fn malformed_file_names_file_and_line_even_for_another_profile() {
    let home = Home::new()
        .credentials("[default]\naws_access_key_id = A\naws_secret_access_key = S\n")
        .config("[profile ok]\nregion = us-east-1\n[profile broken\n");
    assert_eq!(
        home.creds(&[]).err(),
        Some(Error::ProfileFileSyntax {
            path: home.path("config"),
            line: 3,
            problem: "a section line must end with `]`",
        })
    );
}

#[test]
fn non_utf8_file_names_the_line() {
    let home = Home::new();
    fs::write(
        home.path("credentials"),
        b"[default]\n\naws_access_key_id = \xff\n",
    )
    .unwrap();
    assert_eq!(
        home.creds(&[]).err(),
        Some(Error::ProfileFileSyntax {
            path: home.path("credentials"),
            line: 3,
            problem: "the line is not UTF-8 text",
        })
    );
}

#[test]
fn unreadable_file() {
    let home = Home::new();
    fs::create_dir(home.path("credentials")).unwrap(); // a directory, not a file
    assert!(matches!(
        home.creds(&[]),
        Err(Error::ProfileFileNotAFile { path }) if path == home.path("credentials")
    ));
}

#[cfg(unix)]
#[test]
fn credential_process_in_either_file_and_its_precedence() {
    let home = Home::new();
    let config_process = home.script("config.sh", "FROM_CONFIG_PROCESS");
    let credentials_process = home.script("credentials.sh", "FROM_CREDENTIALS_PROCESS");
    let home = home
        .config(&format!(
            "[profile cfg]\ncredential_process = {config_process}\n\
             [profile both]\ncredential_process = {config_process}\n\
             [profile keys-win]\ncredential_process = {config_process}\n\
             [profile process-beats-config-keys]\naws_access_key_id = CONFIG_KEYS\n\
             aws_secret_access_key = S\n"
        ))
        .credentials(&format!(
            "[both]\ncredential_process = {credentials_process}\n\
             [keys-win]\naws_access_key_id = CREDENTIALS_KEYS\naws_secret_access_key = S\n\
             [process-beats-config-keys]\ncredential_process = {credentials_process}\n"
        ));
    let profile = |p: &str| key_id(home.creds(&[("AWS_PROFILE", p)]));
    assert_eq!(profile("cfg"), "FROM_CONFIG_PROCESS");
    assert_eq!(profile("both"), "FROM_CREDENTIALS_PROCESS");
    assert_eq!(profile("keys-win"), "CREDENTIALS_KEYS");
    assert_eq!(
        profile("process-beats-config-keys"),
        "FROM_CREDENTIALS_PROCESS"
    );
}

#[cfg(unix)]
#[test]
fn credential_process_failure_surfaces() {
    let home = Home::new();
    let path = home.dir.path().join("fail.sh");
    fs::write(&path, "echo 'session expired' >&2\nexit 2\n").unwrap();
    let home = home.config(&format!(
        "[default]\ncredential_process = /bin/sh {}\n",
        path.display()
    ));
    assert_eq!(
        home.creds(&[]).err(),
        Some(Error::CredentialProcessFailed {
            program: "/bin/sh".into(),
            status: Some(2),
            stderr: "session expired".into(),
        })
    );
}

#[test]
fn region_precedence() {
    let home = Home::new()
        .config(
            "[default]\nregion = from-config-default\n[profile dev]\nregion = from-config-dev\n",
        )
        .credentials("[dev]\nregion = from-credentials-dev\n[x]\nk = v\n");
    let region = |vars: &[(&str, &str)], profile: Option<&str>| {
        region_from_env_or_profile(&home.env(vars), profile)
    };
    assert_eq!(
        region(
            &[("AWS_REGION", "r1"), ("AWS_DEFAULT_REGION", "r2")],
            Some("dev")
        ),
        Ok("r1".into())
    );
    assert_eq!(
        region(&[("AWS_DEFAULT_REGION", "r2")], Some("dev")),
        Ok("r2".into())
    );
    assert_eq!(region(&[], None), Ok("from-config-default".into()));
    assert_eq!(
        region(&[("AWS_PROFILE", "dev")], None),
        Ok("from-credentials-dev".into())
    );
    assert_eq!(
        region(&[("AWS_PROFILE", "dev")], Some("default")),
        Ok("from-config-default".into())
    );
    assert_eq!(
        region(&[], Some("x")),
        Err(Error::MissingRegion {
            profile: "x".into()
        })
    );
    assert_eq!(
        region(&[], Some("nowhere")),
        Err(Error::MissingRegion {
            profile: "nowhere".into()
        })
    );
}

#[test]
fn region_without_home_or_with_a_broken_file() {
    assert_eq!(
        region_from_env_or_profile(&Env::from_vars([("A", "1")]), None),
        Err(Error::MissingRegion {
            profile: "default".into()
        })
    );
    let home = Home::new().config("region = before any profile\n");
    assert!(matches!(
        region_from_env_or_profile(&home.env(&[]), None),
        Err(Error::ProfileFileSyntax { line: 1, .. })
    ));
    // Set in the environment, the region needs no file.
    assert_eq!(
        region_from_env_or_profile(&home.env(&[("AWS_REGION", "eu-north-1")]), None),
        Ok("eu-north-1".into())
    );
}
