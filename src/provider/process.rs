//! [`ProcessProvider`]: credentials printed by an external command, the
//! `credential_process` setting of a profile.
//!
//! The command prints one JSON object on standard output (AWS CLI, *Sourcing
//! credentials with an external process*):
//!
//! ```text
//! {"Version": 1, "AccessKeyId": "ASIA…", "SecretAccessKey": "…",
//!  "SessionToken": "…", "Expiration": "2030-01-01T00:00:00Z"}
//! ```
//! `SessionToken` and `Expiration` are optional; without `Expiration` the
//! credentials never expire.

mod child;

use std::fmt;
use std::process::Command;
use std::time::{Duration, SystemTime};

use super::json::{self, Value};
use super::{Env, ProvideCredentials};
use crate::timestamp::parse_rfc3339;
use crate::{Cause, Credentials, Error};

/// How much of a failed command's standard error goes into the error.
const MAX_STDERR: usize = 1024;

/// How much of its standard error is read into memory (the rest is read
/// and dropped).
const STDERR_READ: usize = 16 * 1024;

/// Runs a command and reads the credentials it prints as JSON.
///
/// The command line is split into words as a POSIX shell would (quotes and
/// backslashes), but no shell runs it: there are no pipes, variables or
/// `~`, as with the AWS CLI. It runs with standard input closed, with the
/// process's environment (or exactly the variables of the [`Env`] given
/// with [`env`](Self::env)), once per call: put it behind a
/// [`CachingProvider`](crate::CachingProvider) to run it again only when
/// the credentials are about to expire.
///
/// Errors name the program (never its arguments) and carry its exit status
/// and standard error; its standard output, which holds secrets, is never
/// shown, and is zeroed once parsed. Credentials whose `Expiration` has
/// passed are an [`Error::CredentialsExpired`].
///
/// Bounds, so that a stuck or runaway program cannot hang or exhaust the
/// caller:
/// - a [`timeout`](Self::timeout) ([`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT),
///   60 s), after which the process is killed:
///   [`Error::CredentialProcessTimedOut`];
/// - at most [`MAX_OUTPUT`](Self::MAX_OUTPUT) (64 KiB) on standard output,
///   beyond which it is killed: [`Error::CredentialProcessOutputTooLarge`];
///   of its standard error the first 16 KiB are kept (and 1 KiB of them
///   shown in an error), the rest is read and dropped. Both are read at
///   the same time, so a program that writes much on one cannot stall.
///
/// On unix the process runs in a process group of its own, and a timeout
/// kills the whole group (with the `kill` utility: the standard library
/// signals only the child, and this crate uses no `unsafe`), so helpers it
/// started do not outlive it. Being outside the terminal's foreground
/// group, it cannot read a prompt's answer from the terminal: a helper
/// that asks for an MFA code must use a prompt of its own (a dialog) or be
/// run beforehand.
///
/// ```
/// # #[cfg(unix)] {
/// use http_sigv4::{Env, ProcessProvider, ProvideCredentials};
///
/// let json = r#"{"Version": 1, "AccessKeyId": "AKIDEXAMPLE", "SecretAccessKey": "SECRET"}"#;
/// let provider = ProcessProvider::new(format!("/bin/echo '{json}'")).env(Env::from_vars([("LANG", "C")]));
/// let creds = provider.provide_credentials()?;
/// assert_eq!(creds.access_key_id(), "AKIDEXAMPLE");
/// assert_eq!(creds.expiry(), None);
/// # }
/// # Ok::<(), http_sigv4::Error>(())
/// ```
#[derive(Clone)]
pub struct ProcessProvider {
    command: String,
    env: Env,
    timeout: Duration,
}

impl ProcessProvider {
    /// How long the command may run by default: 60 seconds, as long as a
    /// person may need to answer a prompt of the helper (an MFA code, a
    /// browser sign-in).
    ///
    /// ```
    /// use http_sigv4::ProcessProvider;
    /// assert_eq!(ProcessProvider::DEFAULT_TIMEOUT, std::time::Duration::from_secs(60));
    /// ```
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

    /// The most the command may print on standard output: 64 KiB, far more
    /// than the JSON of any credentials.
    ///
    /// ```
    /// assert_eq!(http_sigv4::ProcessProvider::MAX_OUTPUT, 65_536);
    /// ```
    pub const MAX_OUTPUT: usize = 64 * 1024;

    /// A provider that runs `command` (e.g. `/usr/local/bin/vault-aws
    /// --role deploy`). The command is checked when it runs.
    ///
    /// ```
    /// use http_sigv4::{Error, ProcessProvider, ProvideCredentials};
    /// let provider = ProcessProvider::new("/opt/bin/creds 'unclosed");
    /// assert!(matches!(provider.provide_credentials(), Err(Error::CredentialProcessInvalid { .. })));
    /// ```
    pub fn new(command: impl Into<String>) -> Self {
        ProcessProvider {
            command: command.into(),
            env: Env::process(),
            timeout: Self::DEFAULT_TIMEOUT,
        }
    }

    /// How long the command may run before it is killed (default
    /// [`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT)); then the call returns
    /// [`Error::CredentialProcessTimedOut`].
    ///
    /// ```
    /// # #[cfg(unix)] {
    /// use std::time::Duration;
    /// use http_sigv4::{Error, ProcessProvider, ProvideCredentials};
    ///
    /// let provider = ProcessProvider::new("/bin/sleep 10").timeout(Duration::from_millis(100));
    /// assert!(matches!(
    ///     provider.provide_credentials(),
    ///     Err(Error::CredentialProcessTimedOut { .. })
    /// ));
    /// # }
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Runs the command with exactly the variables of `env` (by default it
    /// inherits the process's environment).
    ///
    /// ```
    /// # #[cfg(unix)] {
    /// use http_sigv4::{Env, ProcessProvider, ProvideCredentials};
    /// let script = r#"echo "{\"Version\":1,\"AccessKeyId\":\"$KEY_ID\",\"SecretAccessKey\":\"S\"}""#;
    /// let provider = ProcessProvider::new(format!("/bin/sh -c '{script}'"))
    ///     .env(Env::from_vars([("KEY_ID", "AKID-FROM-ENV")]));
    /// assert_eq!(provider.provide_credentials()?.access_key_id(), "AKID-FROM-ENV");
    /// # }
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    fn run(&self, now: SystemTime) -> Result<Credentials, Error> {
        let words = split_command(&self.command)?;
        let program = words[0].clone();
        let mut command = Command::new(&program);
        command.args(&words[1..]);
        if let Some(vars) = self.env.fixed_vars() {
            command
                .env_clear()
                .envs(vars.iter().map(|(name, value)| (name, value.as_str())));
        }
        let limits = child::Limits {
            timeout: self.timeout,
            max_stdout: Self::MAX_OUTPUT,
            max_stderr: STDERR_READ,
        };
        let output = child::run(&mut command, limits).map_err(|failure| match failure {
            child::Failure::NotStarted(e) => Error::CredentialProcessNotStarted {
                program: program.clone(),
                kind: e.kind(),
                source: Cause::new(e),
            },
            child::Failure::TimedOut => Error::CredentialProcessTimedOut {
                program: program.clone(),
                timeout: self.timeout,
            },
            child::Failure::StdoutTooLarge => Error::CredentialProcessOutputTooLarge {
                program: program.clone(),
                limit: Self::MAX_OUTPUT,
            },
            child::Failure::Read(e) => Error::CredentialProcessOutput {
                program: program.clone(),
                problem: format!("its output could not be read: {}", e.kind()),
            },
        })?;
        if !output.status.success() {
            return Err(Error::CredentialProcessFailed {
                program,
                status: output.status.code(),
                stderr: clip(String::from_utf8_lossy(&output.stderr).trim()),
            });
        }
        let stdout = output.stdout;
        parse_output(&stdout, now).map_err(|problem| match problem {
            Problem::Expired(expired_at) => Error::CredentialsExpired { expired_at },
            Problem::Output(problem) => Error::CredentialProcessOutput { program, problem },
        })
    }
}

impl ProvideCredentials for ProcessProvider {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        self.run(SystemTime::now())
    }
}

impl fmt::Debug for ProcessProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Arguments may hold secrets; show the program only.
        let program = split_command(&self.command)
            .ok()
            .and_then(|words| words.into_iter().next());
        f.debug_struct("ProcessProvider")
            .field("program", &program)
            .field("env", &self.env)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// At most [`MAX_STDERR`] bytes of `s`, cut at a character boundary.
fn clip(s: &str) -> String {
    let mut end = s.len().min(MAX_STDERR);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    match end < s.len() {
        true => format!("{}…", &s[..end]),
        false => s.to_owned(),
    }
}

/// Splits a command line into words with POSIX shell quoting: `'…'` keeps
/// everything, `"…"` keeps everything but `\"`, `\\`, `\$` and `` \` ``, and
/// a backslash outside quotes keeps the next character.
pub(crate) fn split_command(line: &str) -> Result<Vec<String>, Error> {
    let invalid = |problem| Error::CredentialProcessInvalid { problem };
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if let Some(w) = word.take() {
                    words.push(w);
                }
            }
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => w.push(c),
                        None => return Err(invalid("has an unclosed `'`")),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => w.push(c),
                            Some('\n') => {}
                            Some(c) => {
                                w.push('\\');
                                w.push(c);
                            }
                            None => return Err(invalid("has an unclosed `\"`")),
                        },
                        Some(c) => w.push(c),
                        None => return Err(invalid("has an unclosed `\"`")),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(c) => word.get_or_insert_with(String::new).push(c),
                None => return Err(invalid("ends with a lone `\\`")),
            },
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    if let Some(w) = word {
        words.push(w);
    }
    match words.is_empty() {
        true => Err(invalid("is empty")),
        false => Ok(words),
    }
}

/// Why a process's output gives no credentials.
#[derive(Debug, PartialEq)]
pub(crate) enum Problem {
    /// The credentials expired at this time, before `now`.
    Expired(SystemTime),
    /// The output is not the expected JSON; says why, without quoting it.
    Output(String),
}

/// Reads the JSON a credential process printed; `now` decides whether its
/// `Expiration` has passed.
pub(crate) fn parse_output(stdout: &[u8], now: SystemTime) -> Result<Credentials, Problem> {
    let bad = |s: &str| Problem::Output(s.to_owned());
    let mut members = json::parse_object(stdout).map_err(|e| {
        Problem::Output(format!(
            "the output is not one JSON object (error at byte {})",
            e.at
        ))
    })?;
    match members.get("Version") {
        Some(Value::Number(n)) if n == "1" => {}
        Some(_) => return Err(bad("`Version` must be the number 1")),
        None => return Err(bad("`Version` is missing")),
    }
    let mut string = |name: &str, required: bool| match members.remove(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(s)),
        None | Some(Value::Null) if !required => Ok(None),
        None => Err(Problem::Output(format!("`{name}` is missing"))),
        Some(_) => Err(Problem::Output(format!(
            "`{name}` must be a non-empty string"
        ))),
    };
    let access_key_id = string("AccessKeyId", true)?;
    let secret = string("SecretAccessKey", true)?;
    let token = string("SessionToken", false)?;
    let expiration = string("Expiration", false)?;
    let (Some(access_key_id), Some(secret)) = (access_key_id, secret) else {
        return Err(bad("`AccessKeyId` or `SecretAccessKey` is missing"));
    };
    let mut credentials = Credentials::new(
        access_key_id.as_str(),
        secret.as_str(),
        token.as_ref().map(|t| t.as_str().to_owned()),
    );
    if let Some(expiration) = expiration {
        let expiry = parse_rfc3339(&expiration).ok_or_else(|| {
            bad("`Expiration` is not an RFC 3339 time such as 2030-01-01T00:00:00Z")
        })?;
        if expiry <= now {
            return Err(Problem::Expired(expiry));
        }
        credentials = credentials.with_expiry(expiry);
    }
    Ok(credentials)
}

#[cfg(test)]
mod tests;
