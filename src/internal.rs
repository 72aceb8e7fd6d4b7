//! Entry points to the crate's hand-written parsers for the fuzz targets in
//! `fuzz/`. Not part of the API: hidden from the docs, with no stability
//! promise; use [`ProfileProvider`](crate::ProfileProvider) and
//! [`ProcessProvider`](crate::ProcessProvider) instead.

use std::path::Path;
use std::time::SystemTime;

use crate::provider::{process, profile_file};
use crate::{Credentials, Error};

/// The sections of a parsed shared file: (kind, name, its setting names),
/// kind being `profile`, `sso-session` or `services`. Values are left out:
/// they hold secrets.
pub type SectionNames = Vec<(&'static str, String, Vec<String>)>;

/// Parses `text` as a shared `config` file (`credentials_file` false) or
/// `credentials` file (true), named `/fuzz` in errors.
pub fn parse_profile_file(text: &str, credentials_file: bool) -> Result<SectionNames, Error> {
    let kind = match credentials_file {
        true => profile_file::FileKind::Credentials,
        false => profile_file::FileKind::Config,
    };
    let file = profile_file::parse_file(text, Path::new("/fuzz"), kind)?;
    let mut sections = SectionNames::new();
    for (kind, map) in [
        ("profile", &file.profiles),
        ("sso-session", &file.sso_sessions),
        ("services", &file.services),
    ] {
        for (name, section) in map {
            sections.push((kind, name.clone(), section.keys().cloned().collect()));
        }
    }
    Ok(sections)
}

/// Reads `stdout` as what a `credential_process` printed, at `now`, the
/// way [`ProcessProvider`](crate::ProcessProvider) does (its errors name
/// the program `fuzz`).
pub fn parse_credential_process_output(
    stdout: &[u8],
    now: SystemTime,
) -> Result<Credentials, Error> {
    process::parse_output(stdout, now).map_err(|problem| match problem {
        process::Problem::Expired(expired_at) => Error::CredentialsExpired { expired_at },
        process::Problem::Output(problem) => Error::CredentialProcessOutput {
            program: "fuzz".into(),
            problem,
        },
    })
}
