//! The hand-written parsers of the credential sources: the shared profile
//! files and a `credential_process`'s JSON, through the crate's hidden
//! `internal` module.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http_sigv4::internal::{parse_credential_process_output, parse_profile_file};
use http_sigv4::Error;

/// The characters the SDKs allow in profile, section and setting names.
fn is_identifier(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_/.%@:+".contains(&b))
}

/// Arbitrary bytes (as UTF-8, lossily) parsed as a config file and as a
/// credentials file: no panic; only valid names are kept, setting names
/// lowercased; an error is a syntax error naming a line of the text.
pub fn run_profile_file(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let lines = text.lines().count();
    for credentials_file in [false, true] {
        match parse_profile_file(&text, credentials_file) {
            Ok(sections) => {
                for (kind, name, settings) in sections {
                    assert!(is_identifier(&name), "{kind} {name:?} kept");
                    assert!(
                        !credentials_file || kind == "profile",
                        "a credentials file has only profiles"
                    );
                    for setting in settings {
                        assert!(is_identifier(&setting), "setting {setting:?} kept");
                        assert_eq!(setting, setting.to_ascii_lowercase());
                    }
                }
            }
            Err(Error::ProfileFileSyntax { line, .. }) => {
                assert!((1..=lines).contains(&line), "line {line} of {lines}");
            }
            Err(other) => panic!("not a syntax error: {other:?}"),
        }
    }
}

/// 2025-01-01T00:00:00Z, the time the credentials are read at.
fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_735_689_600)
}

/// The string value of `"SecretAccessKey"` in `data`, if written plainly
/// (`"SecretAccessKey": "…"`, no escapes).
fn secret_in(data: &[u8]) -> Option<&[u8]> {
    const KEY: &[u8] = b"\"SecretAccessKey\"";
    let at = data.windows(KEY.len()).position(|w| w == KEY)? + KEY.len();
    let trim = |s: &[u8]| -> usize { s.iter().take_while(|b| b" \t\r\n".contains(b)).count() };
    let mut rest = &data[at..];
    rest = &rest[trim(rest)..];
    rest = rest.strip_prefix(b":")?;
    rest = &rest[trim(rest)..];
    rest = rest.strip_prefix(b"\"")?;
    let len = rest.iter().position(|&b| b == b'"' || b == b'\\')?;
    Some(&rest[..len])
}

/// What this crate's messages say whatever the input: a secret that is part
/// of it (`SecretAccessKey`, `Expiration`) cannot be told from the message.
fn fixed_text() -> String {
    let problems = "the output is not one JSON object (error at byte ) \
        `Version` must be the number 1 `Version` is missing \
        `AccessKeyId` `SecretAccessKey` `SessionToken` `Expiration` is missing \
        must be a non-empty string `AccessKeyId` or `SecretAccessKey` is missing \
        `Expiration` is not an RFC 3339 time such as 2030-01-01T00:00:00Z";
    let e = Error::CredentialProcessOutput {
        program: "fuzz".into(),
        problem: problems.into(),
    };
    let expired = Error::CredentialsExpired { expired_at: now() };
    format!("{e} {e:?} {expired} {expired:?}")
}

/// Arbitrary bytes as a credential process's output: no panic; credentials
/// read have a key id and a secret and an expiry after `now`; errors are
/// the process-output or expired kinds and never show the secret.
pub fn run_credential_process_json(data: &[u8]) {
    let secret = secret_in(data)
        .filter(|s| s.len() >= 8)
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .filter(|s| !fixed_text().contains(s.as_str()));
    match parse_credential_process_output(data, now()) {
        Ok(credentials) => {
            assert!(!credentials.access_key_id().is_empty());
            assert!(!credentials.secret_access_key().is_empty());
            if let Some(expiry) = credentials.expiry() {
                assert!(expiry > now());
            }
            if let Some(secret) = &secret {
                // The key id is shown; a secret written inside it is too.
                let shown = format!("{credentials:?}").replace(credentials.access_key_id(), "");
                assert!(
                    !shown.contains(secret.as_str()) || "Credentials".contains(secret.as_str()),
                    "{shown}"
                );
            }
        }
        Err(e @ (Error::CredentialProcessOutput { .. } | Error::CredentialsExpired { .. })) => {
            if let Some(secret) = &secret {
                assert!(!e.to_string().contains(secret.as_str()), "{e}");
                assert!(!format!("{e:?}").contains(secret.as_str()), "{e:?}");
            }
        }
        Err(other) => panic!("unexpected error kind: {other:?}"),
    }
}
