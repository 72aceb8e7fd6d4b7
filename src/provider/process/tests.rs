use std::time::{Duration, UNIX_EPOCH};

use super::*;

fn now() -> SystemTime {
    // 2025-01-01T00:00:00Z
    UNIX_EPOCH + Duration::from_secs(1_735_689_600)
}

fn output(json: &str) -> Result<Credentials, Problem> {
    parse_output(json.as_bytes(), now())
}

fn problem(json: &str) -> String {
    match output(json) {
        Err(Problem::Output(p)) => p,
        other => panic!("expected an output problem for {json}, got {other:?}"),
    }
}

#[test]
fn splits_like_a_posix_shell() {
    let split = |s: &str| split_command(s).unwrap();
    assert_eq!(split("/bin/creds"), ["/bin/creds"]);
    assert_eq!(
        split("  /bin/creds  --role\tdeploy \n"),
        ["/bin/creds", "--role", "deploy"]
    );
    assert_eq!(
        split(r#"'/opt/my tools/creds' "a b" c\ d"#),
        ["/opt/my tools/creds", "a b", "c d"]
    );
    assert_eq!(
        split(r#"x "q\"uote\\d\$" 'raw\n'"#),
        ["x", r#"q"uote\d$"#, r"raw\n"]
    );
    assert_eq!(split(r#"x "keep\n" a""b ''"#), ["x", r"keep\n", "ab", ""]);
    assert_eq!(split("x a'b'\"c\"d"), ["x", "abcd"]);
}

#[test]
fn bad_command_lines() {
    for (line, problem) in [
        ("", "is empty"),
        ("   \t", "is empty"),
        ("x 'open", "has an unclosed `'`"),
        ("x \"open", "has an unclosed `\"`"),
        ("x \"open\\", "has an unclosed `\"`"),
        ("x \\", "ends with a lone `\\`"),
    ] {
        assert_eq!(
            split_command(line),
            Err(Error::CredentialProcessInvalid { problem }),
            "{line:?}"
        );
    }
}

#[test]
fn parses_full_output() {
    let c = output(
        r#"{"Version": 1, "AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "SECRET",
            "SessionToken": "TOKEN", "Expiration": "2025-01-01T01:00:00Z"}"#,
    )
    .unwrap();
    assert_eq!(c.access_key_id(), "ASIAEXAMPLE");
    assert_eq!(c.secret_access_key(), "SECRET");
    assert_eq!(c.session_token(), Some("TOKEN"));
    assert_eq!(c.expiry(), Some(now() + Duration::from_secs(3600)));
}

#[test]
fn token_and_expiration_are_optional() {
    let c = output(r#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":null}"#)
        .unwrap();
    assert_eq!(c.session_token(), None);
    assert_eq!(c.expiry(), None);
}

#[test]
fn expired_output_is_expired() {
    assert_eq!(
        output(
            r#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"2024-12-31T23:59:59Z"}"#
        )
        .unwrap_err(),
        Problem::Expired(now() - Duration::from_secs(1))
    );
    // Expiring exactly now is expired too.
    assert!(matches!(
        output(
            r#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"2025-01-01T00:00:00Z"}"#
        ),
        Err(Problem::Expired(_))
    ));
}

#[test]
fn bad_output_says_what_is_wrong_without_quoting_it() {
    assert_eq!(
        problem("AccessKeyId=AKID SecretAccessKey=hunter2"),
        "the output is not one JSON object (error at byte 0)"
    );
    assert_eq!(
        problem(r#"{"AccessKeyId":"A","SecretAccessKey":"S"}"#),
        "`Version` is missing"
    );
    assert_eq!(
        problem(r#"{"Version":2,"AccessKeyId":"A","SecretAccessKey":"S"}"#),
        "`Version` must be the number 1"
    );
    assert_eq!(
        problem(r#"{"Version":"1","AccessKeyId":"A","SecretAccessKey":"S"}"#),
        "`Version` must be the number 1"
    );
    assert_eq!(
        problem(r#"{"Version":1,"SecretAccessKey":"S"}"#),
        "`AccessKeyId` is missing"
    );
    assert_eq!(
        problem(r#"{"Version":1,"AccessKeyId":"A"}"#),
        "`SecretAccessKey` is missing"
    );
    assert_eq!(
        problem(r#"{"Version":1,"AccessKeyId":"","SecretAccessKey":"S"}"#),
        "`AccessKeyId` must be a non-empty string"
    );
    assert_eq!(
        problem(r#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":7}"#),
        "`SecretAccessKey` must be a non-empty string"
    );
    assert_eq!(
        problem(r#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":5}"#),
        "`SessionToken` must be a non-empty string"
    );
    let p = problem(
        r#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"hunter2","Expiration":"tomorrow"}"#,
    );
    assert!(p.starts_with("`Expiration` is not an RFC 3339 time"), "{p}");
    assert!(!p.contains("hunter2") && !p.contains("tomorrow"), "{p}");
}

#[test]
fn debug_shows_the_program_only() {
    let p = ProcessProvider::new("/opt/bin/creds --token s3cr3t-arg");
    let shown = format!("{p:?}");
    assert!(shown.contains("/opt/bin/creds"), "{shown}");
    assert!(!shown.contains("s3cr3t-arg"), "{shown}");
}

#[test]
fn stderr_is_clipped_at_a_character_boundary() {
    let long = "é".repeat(MAX_STDERR);
    let clipped = clip(&long);
    assert!(clipped.len() <= MAX_STDERR + "…".len());
    assert!(clipped.ends_with('…'));
    assert_eq!(clip("short"), "short");
}

#[cfg(unix)]
mod scripts {
    use super::*;

    /// Writes `body` as a shell script and returns a provider running it
    /// with `/bin/sh` (not exec'd directly: exec'ing a file just written
    /// can fail with ETXTBSY while other test threads fork).
    fn script(dir: &tempfile::TempDir, body: &str) -> ProcessProvider {
        let path = dir.path().join("creds.sh");
        std::fs::write(&path, body).unwrap();
        ProcessProvider::new(format!("/bin/sh '{}' --flag s3cr3t-arg", path.display()))
            .env(Env::from_vars([("FROM_TEST", "yes")]))
    }

    #[test]
    fn valid_json() {
        let dir = tempfile::tempdir().unwrap();
        let p = script(
            &dir,
            r#"[ "$1" = --flag ] || exit 9
[ "$FROM_TEST" = yes ] || exit 8
echo '{"Version": 1, "AccessKeyId": "ASIAPROCESS", "SecretAccessKey": "S", "SessionToken": "T",'
echo ' "Expiration": "2999-01-01T00:00:00Z"}'
"#,
        );
        let c = p.provide_credentials().unwrap();
        assert_eq!(c.access_key_id(), "ASIAPROCESS");
        assert_eq!(c.session_token(), Some("T"));
        assert_eq!(
            c.expiry(),
            crate::timestamp::parse_rfc3339("2999-01-01T00:00:00Z")
        );
    }

    #[test]
    fn bad_json() {
        let dir = tempfile::tempdir().unwrap();
        let p = script(&dir, "echo 'AccessKeyId: AKID, SecretAccessKey: hunter2'\n");
        let err = p.provide_credentials().unwrap_err();
        assert!(
            matches!(&err, Error::CredentialProcessOutput { program, .. } if program == "/bin/sh"),
            "{err:?}"
        );
        let msg = err.to_string();
        assert!(!msg.contains("hunter2"), "{msg}");
        assert!(!msg.contains("s3cr3t-arg"), "{msg}");
    }

    #[test]
    fn non_zero_exit_with_stderr() {
        let dir = tempfile::tempdir().unwrap();
        let p = script(
            &dir,
            "echo '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"hunter2\"}'\n\
             echo 'token expired: run `login`' >&2\nexit 3\n",
        );
        let err = p.provide_credentials().unwrap_err();
        assert_eq!(
            err,
            Error::CredentialProcessFailed {
                program: "/bin/sh".into(),
                status: Some(3),
                stderr: "token expired: run `login`".into(),
            }
        );
        let msg = err.to_string();
        assert!(
            msg.contains("status 3") && msg.contains("run `login`"),
            "{msg}"
        );
        assert!(!msg.contains("hunter2"), "stdout must not leak: {msg}");
    }

    #[test]
    fn killed_by_a_signal_and_silent() {
        let dir = tempfile::tempdir().unwrap();
        let p = script(&dir, "kill -9 $$\n");
        let err = p.provide_credentials().unwrap_err();
        assert_eq!(
            err,
            Error::CredentialProcessFailed {
                program: "/bin/sh".into(),
                status: None,
                stderr: String::new(),
            }
        );
        assert!(err.to_string().contains("killed by a signal"));
    }

    #[test]
    fn expired_credentials() {
        let dir = tempfile::tempdir().unwrap();
        let p = script(
            &dir,
            "echo '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\",\"Expiration\":\"2001-01-01T00:00:00Z\"}'\n",
        );
        assert_eq!(
            p.provide_credentials().err(),
            Some(Error::CredentialsExpired {
                expired_at: crate::timestamp::parse_rfc3339("2001-01-01T00:00:00Z").unwrap(),
            })
        );
    }

    #[test]
    fn program_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no-such-program");
        let p = ProcessProvider::new(format!("'{}' --secret-arg", missing.display()));
        let err = p.provide_credentials().unwrap_err();
        let Error::CredentialProcessNotStarted {
            program,
            kind,
            source,
        } = &err
        else {
            panic!("{err:?}");
        };
        assert_eq!(program, &missing.display().to_string());
        assert_eq!(*kind, std::io::ErrorKind::NotFound);
        // The io::Error is kept, as `source()`.
        let io = std::error::Error::source(&err)
            .and_then(|e| e.downcast_ref::<std::io::Error>())
            .expect("the io::Error is the source");
        assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
        assert_eq!(source.to_string(), io.to_string());
    }
    /// The script `body` with the given timeout, and how long it took.
    fn timed(
        dir: &tempfile::TempDir,
        body: &str,
        timeout: Duration,
    ) -> (Result<Credentials, Error>, Duration) {
        let p = script(dir, body).timeout(timeout);
        let started = std::time::Instant::now();
        let result = p.provide_credentials();
        (result, started.elapsed())
    }

    const VALID: &str = r#"echo '{"Version":1,"AccessKeyId":"ASIAOK","SecretAccessKey":"S"}'"#;

    #[test]
    fn a_process_that_hangs_is_killed_at_the_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let (result, took) = timed(&dir, "sleep 30\n", Duration::from_millis(300));
        assert_eq!(
            result.err(),
            Some(Error::CredentialProcessTimedOut {
                program: "/bin/sh".into(),
                timeout: Duration::from_millis(300),
            })
        );
        assert!(took < Duration::from_secs(5), "took {took:?}");
    }

    #[test]
    fn a_process_that_exits_but_leaves_a_child_holding_its_output_times_out() {
        // The background sleep keeps stdout open after the script exits.
        let dir = tempfile::tempdir().unwrap();
        let (result, took) = timed(
            &dir,
            &format!("{VALID}\nsleep 30 &\n"),
            Duration::from_millis(300),
        );
        assert!(
            matches!(result, Err(Error::CredentialProcessTimedOut { .. })),
            "{result:?}"
        );
        assert!(took < Duration::from_secs(5), "took {took:?}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_timeout_kills_the_programs_the_process_started() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pid");
        let (result, _) = timed(
            &dir,
            &format!("sleep 30 &\necho $! > '{}'\nwait\n", pid_file.display()),
            Duration::from_millis(500),
        );
        assert!(
            matches!(result, Err(Error::CredentialProcessTimedOut { .. })),
            "{result:?}"
        );
        let pid = std::fs::read_to_string(&pid_file).unwrap();
        let stat = format!("/proc/{}/stat", pid.trim());
        // Gone, or a zombie waiting for its new parent to reap it.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        loop {
            let alive = std::fs::read_to_string(&stat)
                .map(|s| {
                    !s.rsplit(')')
                        .next()
                        .unwrap_or("")
                        .trim_start()
                        .starts_with('Z')
                })
                .unwrap_or(false);
            if !alive {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the background sleep outlived the timeout"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn endless_output_is_cut_at_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let (result, took) = timed(&dir, "yes AKIDAKIDAKID\n", Duration::from_secs(30));
        assert_eq!(
            result.err(),
            Some(Error::CredentialProcessOutputTooLarge {
                program: "/bin/sh".into(),
                limit: ProcessProvider::MAX_OUTPUT,
            })
        );
        assert!(took < Duration::from_secs(10), "took {took:?}");
    }

    #[test]
    fn output_just_under_the_cap_is_read() {
        // Valid JSON padded with spaces to exactly MAX_OUTPUT bytes.
        let json = r#"{"Version":1,"AccessKeyId":"ASIAOK","SecretAccessKey":"S"}"#;
        let pad = ProcessProvider::MAX_OUTPUT - json.len();
        let dir = tempfile::tempdir().unwrap();
        let body = format!("printf '%s' '{json}'\nhead -c {pad} /dev/zero | tr '\\0' ' '\n");
        let (result, _) = timed(&dir, &body, Duration::from_secs(30));
        assert_eq!(result.unwrap().access_key_id(), "ASIAOK");
        let body = format!(
            "printf '%s' '{json}'\nhead -c {} /dev/zero | tr '\\0' ' '\n",
            pad + 1
        );
        let (result, _) = timed(&dir, &body, Duration::from_secs(30));
        assert!(
            matches!(result, Err(Error::CredentialProcessOutputTooLarge { .. })),
            "{result:?}"
        );
    }

    #[test]
    fn a_flood_on_stderr_does_not_stall_the_process() {
        // 4 MiB on stderr, far more than a pipe holds, before the JSON.
        let dir = tempfile::tempdir().unwrap();
        let (result, took) = timed(
            &dir,
            &format!("head -c 4194304 /dev/zero | tr '\\0' x >&2\n{VALID}\n"),
            Duration::from_secs(30),
        );
        assert_eq!(result.unwrap().access_key_id(), "ASIAOK");
        assert!(took < Duration::from_secs(20), "took {took:?}");
    }

    #[test]
    fn a_flood_on_stderr_then_a_failure_shows_the_start_of_stderr() {
        let dir = tempfile::tempdir().unwrap();
        let (result, _) = timed(
            &dir,
            "echo 'login first' >&2\nhead -c 4194304 /dev/zero | tr '\\0' x >&2\nexit 4\n",
            Duration::from_secs(30),
        );
        match result {
            Err(Error::CredentialProcessFailed {
                status: Some(4),
                stderr,
                ..
            }) => {
                assert!(stderr.starts_with("login first"), "{stderr:.40}");
                assert!(stderr.len() <= MAX_STDERR + "…".len());
            }
            other => panic!("{other:?}"),
        }
    }
}
