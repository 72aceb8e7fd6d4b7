use super::*;

fn config(text: &str) -> Result<Profiles, Error> {
    parse(text, Path::new("/cfg"), FileKind::Config)
}

fn credentials(text: &str) -> Result<Profiles, Error> {
    parse(text, Path::new("/creds"), FileKind::Credentials)
}

fn get<'a>(profiles: &'a Profiles, profile: &str, key: &str) -> Option<&'a str> {
    profiles.get(profile)?.get(key).map(|v| v.as_str())
}

fn syntax_error(line: usize, problem: &'static str) -> Error {
    Error::ProfileFileSyntax {
        path: "/cfg".into(),
        line,
        problem,
    }
}

#[test]
fn config_sections_need_the_profile_prefix_except_default() {
    let p = config(
        "[default]\nregion = us-east-1\n\
         [profile dev]\nregion = eu-west-1\n\
         [prod]\nregion = ignored\n\
         [sso-session corp]\nsso_region = us-east-1\n\
         [profile\tspaced ]\nregion = ap-south-1\n",
    )
    .unwrap();
    assert_eq!(get(&p, "default", "region"), Some("us-east-1"));
    assert_eq!(get(&p, "dev", "region"), Some("eu-west-1"));
    assert_eq!(get(&p, "spaced", "region"), Some("ap-south-1"));
    assert!(!p.contains_key("prod"));
    assert!(!p.contains_key("corp"));
    assert!(!p.contains_key("sso-session corp"));
    assert_eq!(p.len(), 3);
}

#[test]
fn credentials_sections_are_bare_names() {
    let p = credentials(
        "[default]\naws_access_key_id = A\n[dev]\naws_access_key_id = B\n\
         [profile prod]\naws_access_key_id = C\n",
    )
    .unwrap();
    assert_eq!(get(&p, "default", "aws_access_key_id"), Some("A"));
    assert_eq!(get(&p, "dev", "aws_access_key_id"), Some("B"));
    assert!(!p.contains_key("prod"), "the prefix is not allowed here");
    assert_eq!(p.len(), 2);
}

#[test]
fn profile_default_wins_over_bare_default_in_either_order() {
    for text in [
        "[default]\nregion = bare\nonly_bare = 1\n[profile default]\nregion = prefixed\n",
        "[profile default]\nregion = prefixed\n[default]\nregion = bare\nonly_bare = 1\n",
    ] {
        let p = config(text).unwrap();
        assert_eq!(get(&p, "default", "region"), Some("prefixed"), "{text}");
        assert_eq!(get(&p, "default", "only_bare"), None, "{text}");
    }
}

#[test]
fn names_are_case_insensitive_profiles_are_not() {
    let p = config("[profile Dev]\nRegion = eu-west-1\nAWS_Access_Key_ID = AKID\n").unwrap();
    assert_eq!(get(&p, "Dev", "region"), Some("eu-west-1"));
    assert_eq!(get(&p, "Dev", "aws_access_key_id"), Some("AKID"));
    assert!(!p.contains_key("dev"));
    // The `profile` keyword and `default` are case-sensitive too.
    let p = config("[Profile x]\na = 1\n[DEFAULT]\nb = 2\n").unwrap();
    assert!(p.is_empty(), "{:?}", p.keys());
}

#[test]
fn comments_and_whitespace() {
    let text = "# a comment\n\
                ; another\n\
                \n   \n\
                [profile dev]   # comment after a section\n\
                a = 1 # comment\n\
                b = 2;not a comment\n\
                c = 3\t; comment after a tab\n\
                d=4#kept\n\
                e   =   spaced value   \n\
                f =\n\
                [profile x];comment right after\n\
                g = 5\n";
    let p = config(text).unwrap();
    assert_eq!(get(&p, "dev", "a"), Some("1"));
    assert_eq!(get(&p, "dev", "b"), Some("2;not a comment"));
    assert_eq!(get(&p, "dev", "c"), Some("3"));
    assert_eq!(get(&p, "dev", "d"), Some("4#kept"));
    assert_eq!(get(&p, "dev", "e"), Some("spaced value"));
    assert_eq!(get(&p, "dev", "f"), Some(""));
    assert_eq!(get(&p, "x", "g"), Some("5"));
}

#[test]
fn later_values_win_and_repeated_profiles_merge() {
    let p = credentials("[a]\nk = 1\nj = 1\n[b]\nk = 2\n[a]\nk = 3\n").unwrap();
    assert_eq!(get(&p, "a", "k"), Some("3"));
    assert_eq!(get(&p, "a", "j"), Some("1"));
    assert_eq!(get(&p, "b", "k"), Some("2"));
}

#[test]
fn continuation_lines_extend_the_previous_value() {
    let p = config(
        "[profile dev]\ns3 =\n  max_concurrent_requests = 10\n\tmax_queue_size = 1000\nregion = us-west-2\n",
    )
    .unwrap();
    assert_eq!(
        get(&p, "dev", "s3"),
        Some("\nmax_concurrent_requests = 10\nmax_queue_size = 1000")
    );
    assert_eq!(get(&p, "dev", "region"), Some("us-west-2"));
}

#[test]
fn skipped_sections_skip_their_continuations() {
    let p = config("[services x]\ns3 =\n  endpoint_url = http://x\n[profile a]\nk = v\n").unwrap();
    assert_eq!(p.len(), 1);
    assert_eq!(get(&p, "a", "k"), Some("v"));
}

#[test]
fn crlf_and_byte_order_mark() {
    let p = credentials("\u{feff}[default]\r\naws_access_key_id = AKID\r\n").unwrap();
    assert_eq!(get(&p, "default", "aws_access_key_id"), Some("AKID"));
}

const NO_NAME: &str = "a section needs a name: `[profile NAME]` (config) or `[NAME]` (credentials)";

#[test]
fn malformed_lines_name_the_line() {
    let cases: [(&str, usize, &str); 8] = [
        ("region = x\n", 1, NO_SECTION),
        ("# c\n\n  indented = before any section\n", 3, NO_SECTION),
        (
            "[profile dev\nk = v\n",
            1,
            "a section line must end with `]`",
        ),
        (
            "[profile dev]\nk = v\njust words\n",
            3,
            "expected `name = value`",
        ),
        (
            "[profile dev]\n= v\n",
            2,
            "a setting has no name before `=`",
        ),
        (
            "[profile dev]\n  continued\n",
            2,
            "an indented line continues a setting, but no setting comes before it",
        ),
        ("[default]\n[profile ]\n", 2, NO_NAME),
        ("[]\n", 1, NO_NAME),
    ];
    for (text, line, problem) in cases {
        assert_eq!(config(text), Err(syntax_error(line, problem)), "{text:?}");
    }
}

#[test]
fn error_message_names_file_and_line_but_not_the_content() {
    let err = config("[default]\naws_secret_access_key wJalrXUtnFEMI\n").unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("/cfg, line 2"), "{msg}");
    assert!(!msg.contains("wJalrXUtnFEMI"), "{msg}");
}

#[test]
fn empty_credentials_section_is_an_error() {
    assert!(matches!(
        credentials("[ ]\n"),
        Err(Error::ProfileFileSyntax { line: 1, .. })
    ));
}

#[test]
fn names_with_spaces_are_skipped() {
    let p = config("[profile two words]\nk = v\n").unwrap();
    assert!(p.is_empty());
}

#[test]
fn arbitrary_text_never_panics() {
    // A cheap deterministic fuzz: every prefix of a nasty file.
    let nasty = "\u{feff}[profile é]\r\n\tk=\u{0}v\n[;]\n[default\n=\n;\n\u{2028}x=y\n[ ]\n";
    for end in (0..=nasty.len()).filter(|&i| nasty.is_char_boundary(i)) {
        let _ = config(&nasty[..end]);
        let _ = credentials(&nasty[..end]);
    }
}

/// `read(path)` on another thread, failing the test if it does not return
/// within 10 s (a FIFO would block it for good).
fn read_within_10s(path: &Path) -> Result<Profiles, Error> {
    let path = path.to_path_buf();
    let (done, result) = std::sync::mpsc::channel();
    std::thread::spawn(move || done.send(read(&path, FileKind::Config).map(|file| file.profiles)));
    result
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("reading the file blocked")
}

#[test]
fn reads_a_regular_file_and_a_missing_one_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    assert_eq!(read_within_10s(&path).unwrap().len(), 0);
    std::fs::write(&path, "[profile dev]\nregion = eu-west-1\n").unwrap();
    let p = read_within_10s(&path).unwrap();
    assert_eq!(get(&p, "dev", "region"), Some("eu-west-1"));
}

#[test]
fn a_directory_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        read_within_10s(dir.path()).unwrap_err(),
        Error::ProfileFileNotAFile {
            path: dir.path().to_path_buf()
        }
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("config");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    assert_eq!(
        read_within_10s(&fifo).unwrap_err(),
        Error::ProfileFileNotAFile { path: fifo }
    );
}

#[cfg(unix)]
#[test]
fn dev_zero_is_refused_without_reading_it() {
    let zero = Path::new("/dev/zero");
    assert_eq!(
        read_within_10s(zero).unwrap_err(),
        Error::ProfileFileNotAFile { path: zero.into() }
    );
}

#[cfg(unix)]
#[test]
fn a_link_to_a_regular_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("real-config");
    std::fs::write(&target, "[default]\nregion = us-west-2\n").unwrap();
    let link = dir.path().join("config");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let p = read_within_10s(&link).unwrap();
    assert_eq!(get(&p, "default", "region"), Some("us-west-2"));
}

#[test]
fn a_file_over_the_size_cap_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    // A comment line padded to exactly the cap: read.
    let header = "[default]\nregion = us-west-2\n#";
    let mut text = header.to_owned();
    text.push_str(&"x".repeat(MAX_FILE_SIZE as usize - header.len()));
    std::fs::write(&path, &text).unwrap();
    let p = read_within_10s(&path).unwrap();
    assert_eq!(get(&p, "default", "region"), Some("us-west-2"));
    // One byte more: refused.
    text.push('x');
    std::fs::write(&path, &text).unwrap();
    assert_eq!(
        read_within_10s(&path).unwrap_err(),
        Error::ProfileFileTooLarge {
            path,
            limit: MAX_FILE_SIZE
        }
    );
}

#[test]
fn names_outside_the_sdk_character_set_are_skipped() {
    let p = config(
        "[profile foo!bar]\nk = v\n[profile ok-name_1/.%@:+]\nk = v\nin valid = x\nfine = y\n",
    )
    .unwrap();
    assert_eq!(p.len(), 1, "{:?}", p.keys());
    assert_eq!(get(&p, "ok-name_1/.%@:+", "k"), Some("v"));
    assert_eq!(get(&p, "ok-name_1/.%@:+", "in valid"), None);
    assert_eq!(get(&p, "ok-name_1/.%@:+", "fine"), Some("y"));
}

#[test]
fn nested_settings_must_be_name_value_lines() {
    assert_eq!(
        config("[profile foo]\ns3 =\n  invalid\n"),
        Err(syntax_error(
            3,
            "an indented line under `name =` must be a nested `name = value`"
        ))
    );
    assert_eq!(
        config("[profile foo]\ns3 =\n  = value\n"),
        Err(syntax_error(3, "a nested setting has no name before `=`"))
    );
    // A value continued on the next line is free text.
    let p = config("[profile foo]\nname = value\n  free text\n").unwrap();
    assert_eq!(get(&p, "foo", "name"), Some("value\nfree text"));
}

#[test]
fn sso_session_and_services_sections_are_kept_apart() {
    let file = parse_file(
        "[sso-session corp]\nsso_region = us-east-1\n[services local]\ns3 =\n  endpoint_url = http://localhost\n[profile a]\nk = v\n",
        Path::new("/cfg"),
        FileKind::Config,
    )
    .unwrap();
    assert_eq!(file.profiles.len(), 1);
    assert_eq!(
        file.sso_sessions["corp"]["sso_region"].as_str(),
        "us-east-1"
    );
    assert_eq!(
        file.services["local"]["s3"].as_str(),
        "\nendpoint_url = http://localhost"
    );
}

/// The SDKs' shared profile-parser suite (`profile-parser-tests.json`, 65
/// cases), read from `AWS_PROFILE_PARSER_TESTS` (the file) or
/// `../shared/test-suites/aws-sdk-profile/` beside the crate.
#[test]
fn sdk_profile_parser_suite() {
    use std::collections::BTreeMap;

    const SUITE_ENV: &str = "AWS_PROFILE_PARSER_TESTS";
    let path = std::env::var_os(SUITE_ENV)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/test-suites/aws-sdk-profile/profile-parser-tests.json")
        });
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the profile-parser suite at {}: {e}: set {SUITE_ENV} to its \
             profile-parser-tests.json",
            path.display()
        )
    });
    let suite: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cases = suite["tests"].as_array().unwrap();

    // The suite's error phrases, and this parser's problem for each.
    let problems: &[(&str, &str)] = &[
        (
            "Profile definition must end with ']'",
            "a section line must end with `]`",
        ),
        ("Expected a profile definition", NO_SECTION),
        (
            "Property did not have a name",
            "a setting has no name before `=`",
        ),
        (
            "Expected an '=' sign defining a property",
            "expected `name = value`",
        ),
        ("Expected a property definition", NO_SETTING),
        (
            "Expected a property definition, found continuation",
            NO_SETTING,
        ),
        (
            "Expected an '=' sign defining a sub-property",
            "an indented line under `name =` must be a nested `name = value`",
        ),
        (
            "Sub-property did not have a name",
            "a nested setting has no name before `=`",
        ),
    ];

    type Sections = BTreeMap<String, BTreeMap<String, String>>;
    let plain = |sections: &HashMap<String, Section>| -> Sections {
        sections
            .iter()
            .map(|(name, section)| {
                let props = section
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_string()))
                    .collect();
                (name.clone(), props)
            })
            .collect()
    };
    let expected_sections = |value: &serde_json::Value| -> Sections {
        value
            .as_object()
            .unwrap()
            .iter()
            .map(|(name, props)| {
                let props = props
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                    .collect();
                (name.clone(), props)
            })
            .collect()
    };

    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let input = |key: &str| case["input"][key].as_str().unwrap_or("");
        let config = parse_file(input("configFile"), Path::new("/cfg"), FileKind::Config);
        let credentials = parse_file(
            input("credentialsFile"),
            Path::new("/creds"),
            FileKind::Credentials,
        );
        let output = &case["output"];
        let outcome = match (config, credentials) {
            (Ok(config), Ok(credentials)) => {
                // Both files, merged as `ProfileProvider` reads them: a
                // profile's settings from both, the credentials file's first.
                let mut profiles = plain(&config.profiles);
                for (profile, props) in plain(&credentials.profiles) {
                    profiles.entry(profile).or_default().extend(props);
                }
                Ok((profiles, plain(&config.sso_sessions)))
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        let pass = match (&outcome, output["errorContaining"].as_str()) {
            (Err(Error::ProfileFileSyntax { problem, .. }), Some(phrase)) => problems
                .iter()
                .any(|(sdk, ours)| *sdk == phrase && problem == ours),
            (Ok((profiles, sso_sessions)), None) => {
                let expected = &output["config"];
                *profiles == expected_sections(&expected["profiles"])
                    && (expected.get("sso_sessions").is_none()
                        || *sso_sessions == expected_sections(&expected["sso_sessions"]))
            }
            _ => false,
        };
        if !pass {
            failures.push(format!("{name}: got {outcome:?}, expected {output}"));
        }
    }
    println!(
        "profile-parser suite: {} of {} cases pass",
        cases.len() - failures.len(),
        cases.len()
    );
    assert_eq!(cases.len(), 65, "the suite changed");
    assert!(
        failures.is_empty(),
        "failing cases:\n{}",
        failures.join("\n")
    );
}
