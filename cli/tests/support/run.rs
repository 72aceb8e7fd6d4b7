//! Running the built `sigv4`: each child gets an empty environment plus
//! what the test sets, a temporary HOME (so neither the test's environment
//! nor the real ~/.aws is read), `--max-time 10` (so no child hangs), and
//! `AWS_EC2_METADATA_DISABLED=true` unless a test turns instance metadata
//! back on (so no child reaches 169.254.169.254).

use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

pub const SIGV4: &str = env!("CARGO_BIN_EXE_sigv4");

/// How a run ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:#?}"))
    }
}

/// A `sigv4` command with an empty environment and a temporary HOME.
pub struct Sigv4 {
    pub command: Command,
    pub stdin: Option<Vec<u8>>,
    pub home: tempfile::TempDir,
    /// `--max-time`, added when the child starts.
    pub max_time: &'static str,
}

pub fn sigv4(args: &[&str]) -> Sigv4 {
    let home = tempfile::tempdir().expect("a temporary HOME");
    let mut command = Command::new(SIGV4);
    command
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args(args);
    Sigv4 {
        command,
        stdin: None,
        home,
        max_time: "10",
    }
}

impl Sigv4 {
    pub fn env(mut self, name: &str, value: impl AsRef<OsStr>) -> Self {
        self.command.env(name, value);
        self
    }

    pub fn env_remove(mut self, name: &str) -> Self {
        self.command.env_remove(name);
        self
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.command.arg(arg);
        self
    }

    pub fn args<I: AsRef<OsStr>>(mut self, args: impl IntoIterator<Item = I>) -> Self {
        self.command.args(args);
        self
    }

    pub fn stdin(mut self, bytes: &[u8]) -> Self {
        self.stdin = Some(bytes.to_vec());
        self
    }

    /// `--max-time SECONDS` instead of 10.
    pub fn max_time(mut self, seconds: &'static str) -> Self {
        self.max_time = seconds;
        self
    }

    /// The temporary HOME.
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// Writes `~/.aws/NAME` in the temporary HOME (`NAME` may have
    /// directories: `sso/cache/….json`).
    pub fn aws_file(self, name: &str, text: &str) -> Self {
        let path = self.home.path().join(".aws").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    /// Starts the child with piped stdout and stderr, writing the stdin
    /// given (then closing it).
    pub fn spawn(mut self) -> (Child, tempfile::TempDir) {
        self.command
            .args(["--max-time", self.max_time])
            .stdin(match self.stdin {
                Some(_) => Stdio::piped(),
                None => Stdio::null(),
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = self.command.spawn().expect("start sigv4");
        if let Some(bytes) = self.stdin.take() {
            let mut stdin = child.stdin.take().unwrap();
            // A child that refuses before reading stdin closes it: no matter.
            let _ = stdin.write_all(&bytes);
        }
        (child, self.home)
    }

    pub fn run(self) -> Run {
        let (child, home) = self.spawn();
        let output = child.wait_with_output().expect("wait for sigv4");
        drop(home);
        Run {
            code: output.status.code().expect("sigv4 exited, not killed"),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}
