//! Sending the signed request with ureq (HTTP/1.1, rustls) and writing the
//! answer where curl would: the body to stdout or `-o FILE`, with `-i` the
//! status line and headers first.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

use http::{Request, Response};
use indicatif::ProgressBar;
use ureq::config::AutoHeaderValue;
use ureq::SendBody;

use crate::args::Args;
use crate::failure::{code, Failure};
use crate::request::carries_body;
use crate::show;

/// An error body longer than this is not kept for the signature check
/// (error bodies are a few hundred bytes).
const MAX_KEPT_BODY: u64 = 1 << 20;

/// The HTTP client: answers of any status are returned, redirects are not
/// followed (a redirected request would need a new signature), and nothing
/// is added to the request but `content-length`.
pub(crate) fn agent(args: &Args) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        // `-X PURGE`, `-X PROPFIND`: any method, as with curl.
        .allow_non_standard_methods(true)
        .user_agent(AutoHeaderValue::None)
        .accept(AutoHeaderValue::None)
        .timeout_global(args.max_time)
        .timeout_connect(args.connect_timeout)
        .build()
        .into()
}

/// `host` or `host:port` of a URI, for messages.
pub(crate) fn target_of(req: &Request<Vec<u8>>) -> String {
    req.uri()
        .authority()
        .map_or_else(String::new, |a| a.as_str().to_owned())
}

/// Sends the request as it is (its `content-length` already set, see
/// [`add_unsigned_headers`](crate::request::add_unsigned_headers)), with
/// `stream` as its body if given (`-T`, counted on its own bar), else the
/// request's own body, counting its bytes on `upload` as they go.
pub(crate) fn send(
    agent: &ureq::Agent,
    req: Request<Vec<u8>>,
    stream: Option<Box<dyn Read>>,
    upload: &ProgressBar,
) -> Result<Response<ureq::Body>, Failure> {
    let target = target_of(&req);
    let (parts, body) = req.into_parts();
    let sent = match stream {
        Some(mut stream) => agent.run(Request::from_parts(
            parts,
            SendBody::from_reader(&mut stream),
        )),
        None if body.is_empty() && !carries_body(&parts.method) => {
            agent.run(Request::from_parts(parts, ()))
        }
        None => {
            let mut reader = upload.wrap_read(body.as_slice());
            agent.run(Request::from_parts(
                parts,
                SendBody::from_reader(&mut reader),
            ))
        }
    };
    upload.finish_and_clear();
    sent.map_err(|e| Failure::transport(e, &target))
}

/// Where the body goes: stdout, or the `-o` file (created when the answer
/// arrives, as curl does).
pub(crate) fn open_output(path: Option<&Path>) -> Result<Box<dyn Write>, Failure> {
    match path {
        None => Ok(Box::new(io::stdout().lock())),
        Some(p) if p.as_os_str() == "-" => Ok(Box::new(io::stdout().lock())),
        Some(p) => {
            let file = File::create(p).map_err(|e| {
                Failure::new(
                    code::WRITE_ERROR,
                    format!("cannot create {}: {e}", p.display()),
                )
            })?;
            Ok(Box::new(io::BufWriter::new(file)))
        }
    }
}

/// Reads the first [`MAX_KEPT_BODY`] bytes of a body (an error answer)
/// into memory; the rest stays in `reader`.
pub(crate) fn read_head_of(reader: &mut impl Read) -> Result<Vec<u8>, Failure> {
    let mut kept = Vec::new();
    reader
        .take(MAX_KEPT_BODY)
        .read_to_end(&mut kept)
        .map_err(read_failure)?;
    Ok(kept)
}

/// Copies `reader` to `out`, telling read errors (the network) from write
/// errors (the output), and calling `progress` with each chunk's length.
pub(crate) fn copy(
    reader: &mut impl Read,
    out: &mut impl Write,
    mut progress: impl FnMut(usize),
) -> Result<u64, Failure> {
    let mut buf = vec![0; 64 * 1024];
    let mut total = 0;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_failure(e)),
        };
        out.write_all(&buf[..n]).map_err(write_failure)?;
        total += n as u64;
        progress(n);
    }
}

/// Writes `-i`'s head.
pub(crate) fn write_head(
    out: &mut impl Write,
    response: &Response<ureq::Body>,
) -> Result<(), Failure> {
    show::write_response_head(
        out,
        response.version(),
        response.status(),
        response.headers(),
    )
    .map_err(write_failure)
}

pub(crate) fn write_failure(e: io::Error) -> Failure {
    Failure::new(code::WRITE_ERROR, format!("cannot write the output: {e}"))
}

fn read_failure(e: io::Error) -> Failure {
    match e.kind() {
        io::ErrorKind::TimedOut => Failure::new(
            code::TIMEOUT,
            format!("timed out while receiving the answer: {e}"),
        ),
        _ => Failure::new(code::NETWORK, format!("cannot receive the answer: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Failing(io::ErrorKind);

    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(self.0.into())
        }
    }

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(self.0.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn copy_tells_reading_from_writing() {
        let mut out = Vec::new();
        let mut seen = 0;
        let n = copy(&mut &b"hello"[..], &mut out, |len| seen += len).unwrap();
        assert_eq!((n, seen, out.as_slice()), (5, 5, &b"hello"[..]));

        let err = copy(
            &mut Failing(io::ErrorKind::ConnectionReset),
            &mut Vec::new(),
            |_| {},
        )
        .unwrap_err();
        assert_eq!(err.code, 56);
        let err = copy(
            &mut Failing(io::ErrorKind::TimedOut),
            &mut Vec::new(),
            |_| {},
        )
        .unwrap_err();
        assert_eq!(err.code, 28);
        let err = copy(
            &mut &b"x"[..],
            &mut Failing(io::ErrorKind::BrokenPipe),
            |_| {},
        )
        .unwrap_err();
        assert_eq!(err.code, 23);
    }

    #[test]
    fn output_file_that_cannot_be_created_is_a_write_error() {
        let err = open_output(Some(Path::new("/nonexistent/dir/out")))
            .err()
            .unwrap();
        assert_eq!(err.code, 23);
    }
}
