use super::*;

fn files(config: &str) -> (tempfile::TempDir, SharedFiles) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config"), config).unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let env = Env::from_vars([
        ("AWS_CONFIG_FILE", path("config")),
        ("AWS_SHARED_CREDENTIALS_FILE", path("credentials")),
    ]);
    let files = SharedFiles::load(&env).unwrap();
    (dir, files)
}

fn resolved(config: &str, selected: &str) -> Result<ProfileChain, Error> {
    let (_dir, files) = files(config);
    resolve(&files, selected)
}

fn problem(config: &str) -> (String, ProfileProblem) {
    match resolved(config, "a") {
        Err(Error::ProfileConfig { profile, problem }) => (profile, problem),
        other => panic!("{other:?}"),
    }
}

fn role(arn: &str) -> Role {
    Role {
        role_arn: arn.into(),
        external_id: None,
        session_name: None,
        duration_seconds: None,
    }
}

#[test]
fn roles_are_applied_from_the_base_up_and_keys_win_after_the_first() {
    let chain = resolved(
        "[profile a]\nrole_arn = A\nsource_profile = b\naws_access_key_id = x\naws_secret_access_key = y\n\
         [profile b]\nrole_arn = B\nsource_profile = c\nexternal_id = e\nrole_session_name = s\nduration_seconds = 900\n\
         [profile c]\nrole_arn = C\nsource_profile = d\naws_access_key_id = k\naws_secret_access_key = z\n",
        "a",
    )
    .unwrap();
    assert_eq!(
        chain.base,
        Base::KeysOrProcess {
            profile: "c".into()
        }
    );
    let b = Role {
        external_id: Some("e".into()),
        session_name: Some("s".into()),
        duration_seconds: Some(900),
        ..role("B")
    };
    assert_eq!(chain.roles, vec![b, role("A")]);
}

#[test]
fn a_profile_that_is_its_own_source_uses_its_keys() {
    let chain = resolved(
        "[profile a]\nrole_arn = A\nsource_profile = a\naws_access_key_id = k\naws_secret_access_key = s\n",
        "a",
    )
    .unwrap();
    assert_eq!(
        chain.base,
        Base::KeysOrProcess {
            profile: "a".into()
        }
    );
    assert_eq!(chain.roles, vec![role("A")]);
}

#[test]
fn loops_name_every_profile_on_the_way() {
    let (profile, problem) = problem(
        "[profile a]\nrole_arn = A\nsource_profile = b\n[profile b]\nrole_arn = B\nsource_profile = a\n",
    );
    assert_eq!(profile, "a");
    let chain = vec!["a".to_owned(), "b".into(), "a".into()];
    assert_eq!(problem, ProfileProblem::SourceProfileLoop { chain });
    assert!(problem.to_string().contains("a -> b -> a"));
}

#[test]
fn settings_that_cannot_work_are_refused_with_the_reason() {
    assert_eq!(
        problem("[profile a]\nrole_arn = A\nsource_profile = b\nmfa_serial = arn:aws:iam::1:mfa/me\n[profile b]\n").1,
        ProfileProblem::MfaRequired
    );
    assert!(ProfileProblem::MfaRequired.to_string().contains("MFA code"));
    assert_eq!(
        problem(
            "[profile a]\nrole_arn = A\ncredential_source = Environment\nduration_seconds = 60\n"
        )
        .1,
        ProfileProblem::InvalidDurationSeconds
    );
    assert_eq!(
        problem("[profile a]\nrole_arn = A\n").1,
        ProfileProblem::NoRoleSource
    );
    assert_eq!(
        problem("[profile a]\nrole_arn = A\nsource_profile = b\ncredential_source = Environment\n")
            .1,
        ProfileProblem::SourceProfileAndCredentialSource
    );
    assert_eq!(
        problem("[profile a]\nweb_identity_token_file = /t\n").1,
        ProfileProblem::WebIdentityWithoutRoleArn
    );
    assert!(matches!(
        resolved("[profile a]\nrole_arn = A\nsource_profile = gone\n", "a"),
        Err(Error::ProfileNotFound { profile, .. }) if profile == "gone"
    ));
}

#[test]
fn credential_sources() {
    let (_dir, files) =
        files("[profile a]\nrole_arn = A\ncredential_source = Ec2InstanceMetadata\n");
    let chain = resolve(&files, "a").unwrap();
    assert_eq!(
        chain.base,
        Base::CredentialSource {
            profile: "a".into(),
            name: "Ec2InstanceMetadata".into()
        }
    );
    let env = Env::from_vars([
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", "S"),
    ]);
    let client = SharedHttpClient::default();
    let from_env = credential_source_provider("Environment", "a", &env, &client).unwrap();
    assert_eq!(
        from_env.provide_credentials().unwrap().access_key_id(),
        "AKIDENV"
    );
    // The container endpoint and instance metadata are asked through the
    // same variables as in the chain: here neither is set up.
    let unset = Env::from_vars([("AWS_EC2_METADATA_DISABLED", "true")]);
    let ecs = credential_source_provider("EcsContainer", "a", &unset, &client).unwrap();
    assert_eq!(
        ecs.provide_credentials().err(),
        Some(Error::ContainerCredentials(
            crate::EndpointProblem::NotConfigured
        ))
    );
    let imds = credential_source_provider("Ec2InstanceMetadata", "a", &unset, &client).unwrap();
    assert_eq!(
        imds.provide_credentials().err(),
        Some(Error::InstanceMetadata(
            crate::EndpointProblem::NotConfigured
        ))
    );
    // Names are case-sensitive, as in the SDKs.
    assert_eq!(
        credential_source_provider("environment", "a", &env, &client).err(),
        Some(Error::ProfileConfig {
            profile: "a".into(),
            problem: ProfileProblem::UnknownCredentialSource {
                name: "environment".into(),
            },
        })
    );
}
