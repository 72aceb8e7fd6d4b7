//! Running a credential process within bounds: a deadline, a cap on what is
//! read from its standard output and standard error (both read at once, on
//! threads of their own, so that a program filling one pipe while nobody
//! reads it cannot stall), and on unix a process group of its own, so that
//! a timeout ends the programs it started too.

use std::io::{self, Read};
use std::process::{Child, ChildStderr, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

/// Bounds on one run.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    pub(super) timeout: Duration,
    /// More than this on standard output ends the process.
    pub(super) max_stdout: usize,
    /// What is kept of standard error; the rest is read and dropped.
    pub(super) max_stderr: usize,
}

/// A run that ended on its own.
pub(super) struct Finished {
    pub(super) status: ExitStatus,
    /// Zeroed on drop: it holds the secret key. Allocated once with room
    /// for the whole capped output, so no copy is left behind by a
    /// reallocation.
    pub(super) stdout: Zeroizing<Vec<u8>>,
    pub(super) stderr: Vec<u8>,
}

/// Why a run gave no output to read.
#[derive(Debug)]
pub(super) enum Failure {
    /// The program could not be started.
    NotStarted(io::Error),
    /// The deadline passed: the process (group) was killed.
    TimedOut,
    /// It wrote more than `max_stdout` bytes: the process (group) was
    /// killed.
    StdoutTooLarge,
    /// Reading its output failed.
    Read(io::Error),
}

enum Stream {
    Stdout(io::Result<Zeroizing<Vec<u8>>>),
    Stderr(io::Result<Vec<u8>>),
}

/// Runs `command` with standard input closed, within `limits`.
pub(super) fn run(command: &mut Command, limits: Limits) -> Result<Finished, Failure> {
    // A timeout too long for `Instant` is no timeout.
    let deadline = Instant::now().checked_add(limits.timeout);
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(command, 0);
    let mut child = command.spawn().map_err(Failure::NotStarted)?;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        kill(&mut child);
        return Err(Failure::Read(io::ErrorKind::BrokenPipe.into()));
    };
    let (sender, streams) = mpsc::channel();
    if let Err(e) = start_readers(stdout, stderr, limits, sender) {
        kill(&mut child);
        return Err(Failure::Read(e));
    }

    let mut stdout = None;
    let mut stderr = None;
    while stdout.is_none() || stderr.is_none() {
        let next = match deadline {
            Some(deadline) => {
                streams.recv_timeout(deadline.saturating_duration_since(Instant::now()))
            }
            None => streams.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        let read = match next {
            Ok(Stream::Stdout(Ok(out))) if out.len() > limits.max_stdout => {
                kill(&mut child);
                return Err(Failure::StdoutTooLarge);
            }
            Ok(Stream::Stdout(out)) => out.map(|out| stdout = Some(out)),
            Ok(Stream::Stderr(err)) => err.map(|err| stderr = Some(err)),
            Err(RecvTimeoutError::Timeout) => {
                kill(&mut child);
                return Err(Failure::TimedOut);
            }
            // A reader thread ended without a word: it panicked.
            Err(RecvTimeoutError::Disconnected) => Err(io::ErrorKind::BrokenPipe.into()),
        };
        if let Err(e) = read {
            kill(&mut child);
            return Err(Failure::Read(e));
        }
    }

    // Both pipes are closed; the process has exited or is about to.
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                return Ok(Finished {
                    status,
                    stdout: stdout.unwrap_or_default(),
                    stderr: stderr.unwrap_or_default(),
                })
            }
            Ok(None) if deadline.is_some_and(|d| Instant::now() >= d) => {
                kill(&mut child);
                return Err(Failure::TimedOut);
            }
            Ok(None) => thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                kill(&mut child);
                return Err(Failure::Read(e));
            }
        }
    }
}

/// Reads both pipes on threads of their own, each sending what it read.
fn start_readers(
    stdout: ChildStdout,
    stderr: ChildStderr,
    limits: Limits,
    sender: mpsc::Sender<Stream>,
) -> io::Result<()> {
    let to_stderr = sender.clone();
    thread::Builder::new()
        .name("http-sigv4-credential-process-stdout".into())
        .spawn(move || {
            // One byte more than allowed tells "too much" from "just enough".
            let mut out = Zeroizing::new(Vec::with_capacity(limits.max_stdout + 1));
            let read = stdout
                .take(limits.max_stdout as u64 + 1)
                .read_to_end(&mut out)
                .map(|_| out);
            let _ = sender.send(Stream::Stdout(read));
        })?;
    thread::Builder::new()
        .name("http-sigv4-credential-process-stderr".into())
        .spawn(move || {
            let mut err = Vec::new();
            let mut stderr = stderr;
            let read = (&mut stderr)
                .take(limits.max_stderr as u64)
                .read_to_end(&mut err)
                // Drain the rest, so the program never blocks writing it.
                .and_then(|_| io::copy(&mut stderr, &mut io::sink()))
                .map(|_| err);
            let _ = to_stderr.send(Stream::Stderr(read));
        })?;
    Ok(())
}

/// Kills the process and, on unix, its process group (the programs it
/// started), then reaps it.
///
/// The group is signalled with the `kill` utility (`kill -s KILL -- -PGID`),
/// as the standard library can only signal the child itself and this crate
/// uses no `unsafe` (and no `libc`). Where no `kill` program is on the
/// `PATH`, only the child is killed, and programs it started in the
/// background live on.
fn kill(child: &mut Child) {
    #[cfg(unix)]
    {
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{}", child.id())])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
}
