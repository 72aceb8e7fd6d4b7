//! `-T FILE` and `-T -`: a body streamed from a file or stdin, in bounded
//! memory whatever its size.
//!
//! | service, signer | a file | stdin |
//! | --- | --- | --- |
//! | `s3`, SigV4 | aws-chunked, each chunk signed | aws-chunked, `transfer-encoding: chunked` |
//! | `s3`, SigV4a | hashed in a first pass, then sent | `UNSIGNED-PAYLOAD`, `transfer-encoding: chunked` |
//! | any other | hashed in a first pass, then sent | refused: the hash must be known first |

use std::fs::File;
use std::io::{self, Read, Seek};
use std::path::Path;
use std::time::SystemTime;

use http::header::{HeaderValue, CONTENT_LENGTH, TRANSFER_ENCODING};
use http::Request;
use http_sigv4::{ChunkedUpload, Payload, PayloadHasher, SigningOutput, S3};
use indicatif::ProgressBar;

use crate::failure::{code, Failure};
use crate::progress;
use crate::sign::ServiceSigner;

/// A signed upload: what was signed, and the body to send (counted on
/// `bar` as the data is read).
pub(crate) struct Signed {
    pub(crate) output: SigningOutput,
    pub(crate) body: Box<dyn Read>,
    pub(crate) bar: ProgressBar,
}

/// Where the data comes from.
enum Source {
    /// A regular file, and its length.
    File(File, u64),
    /// Stdin, or a file of unknown length (a pipe, a device).
    Stream(Box<dyn Read>),
}

/// Signs `req` for the data in `path` (`-`: stdin), streamed. `show_bar`:
/// whether progress may be drawn; `silent`: no notes.
pub(crate) fn sign(
    signer: &ServiceSigner,
    service: &str,
    req: &mut Request<Vec<u8>>,
    path: &Path,
    show_bar: bool,
    silent: bool,
) -> Result<Signed, Failure> {
    let source = open(path)?;
    let length = match &source {
        Source::File(_, length) => Some(*length),
        Source::Stream(_) => None,
    };
    let bar = progress::bar(length, progress::show_upload(show_bar, length), "upload");

    // S3 with SigV4: aws-chunked, whatever the source.
    let upload = ChunkedUpload::new(length);
    if let Some(signed) = signer.sign_chunked(req, &upload, SystemTime::now()) {
        let (chunks, output) = signed?;
        if length.is_none() && !silent {
            eprintln_note(&format!(
                "-T {} has no length known beforehand, so it is sent with transfer-encoding: \
                 chunked, which AWS S3 refuses (it wants a length; S3-compatible servers may \
                 accept it): for AWS S3, save it to a file and pass -T FILE",
                shown(path)
            ));
        }
        let data: Box<dyn Read> = match source {
            Source::File(file, _) => Box::new(file),
            Source::Stream(stream) => stream,
        };
        let body = Box::new(chunks.into_reader(bar.wrap_read(data)));
        return Ok(Signed { output, body, bar });
    }

    match source {
        Source::File(mut file, _) => {
            let (payload, length) = hash(&mut file, path)?;
            file.rewind().map_err(|e| read_failure(path, e))?;
            // API Gateway signs content-length, but never a zero one.
            if length > 0 {
                req.headers_mut()
                    .insert(CONTENT_LENGTH, HeaderValue::from(length));
            }
            let output = signer.sign_payload(req, payload)?;
            let body = Box::new(bar.wrap_read(file.take(length)));
            Ok(Signed { output, body, bar })
        }
        Source::Stream(stream) if service == S3 => {
            req.headers_mut()
                .insert(TRANSFER_ENCODING, HeaderValue::from_static("chunked"));
            let output = signer.sign_payload(req, Payload::Unsigned)?;
            let body = Box::new(bar.wrap_read(stream));
            Ok(Signed { output, body, bar })
        }
        Source::Stream(_) => Err(Failure::setup(format!(
            "-T {}: service `{service}` needs the body's SHA-256 before it is sent, and a \
             stream can be read only once: save it to a file and pass -T FILE",
            shown(path)
        ))),
    }
}

/// Opens `path` (`-`: stdin).
fn open(path: &Path) -> Result<Source, Failure> {
    if path.as_os_str() == "-" {
        return Ok(Source::Stream(Box::new(io::stdin().lock())));
    }
    let file = File::open(path).map_err(|e| read_failure(path, e))?;
    let metadata = file.metadata().map_err(|e| read_failure(path, e))?;
    Ok(match metadata.is_file() {
        true => Source::File(file, metadata.len()),
        false => Source::Stream(Box::new(file)),
    })
}

/// The SHA-256 of the rest of `file`, read in 64 KiB pieces, and its length.
fn hash(file: &mut File, path: &Path) -> Result<(Payload, u64), Failure> {
    let mut hasher = PayloadHasher::new();
    let mut buf = vec![0; 64 * 1024];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(read_failure(path, e)),
        }
    }
    let length = hasher.len();
    Ok((hasher.finish(), length))
}

fn shown(path: &Path) -> String {
    match path.as_os_str() == "-" {
        true => "- (stdin)".to_owned(),
        false => path.display().to_string(),
    }
}

fn read_failure(path: &Path, e: io::Error) -> Failure {
    Failure::new(
        code::READ_ERROR,
        format!("cannot read -T {}: {e}", shown(path)),
    )
}

fn eprintln_note(note: &str) {
    use std::io::Write;
    let _ = writeln!(io::stderr().lock(), "sigv4: note: {note}");
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use http_sigv4::Credentials;

    use super::*;

    fn creds() -> Credentials {
        Credentials::new("AKIDEXAMPLE", "SECRET", None::<String>)
    }

    fn put() -> Request<Vec<u8>> {
        Request::put("https://h/k").body(Vec::new()).unwrap()
    }

    fn body_of(signed: Signed) -> Vec<u8> {
        let mut body = Vec::new();
        let mut reader = signed.body;
        reader.read_to_end(&mut body).unwrap();
        body
    }

    #[test]
    fn a_file_for_s3_is_sent_aws_chunked() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(b"hello").unwrap();
        let signer = ServiceSigner::new(creds(), "us-east-1", "s3");
        let mut req = put();
        let signed = sign(&signer, "s3", &mut req, file.path(), false, true).unwrap();
        assert_eq!(req.headers()["content-encoding"], "aws-chunked");
        assert_eq!(req.headers()["x-amz-decoded-content-length"], "5");
        assert_eq!(
            signed.output.signed_headers(),
            "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;\
             x-amz-decoded-content-length"
        );
        // The seed signature is the one in the authorization header.
        let authorization = req.headers()["authorization"].to_str().unwrap();
        assert!(authorization.ends_with(&format!("Signature={}", signed.output.signature())));
        let length: usize = req.headers()["content-length"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        let body = body_of(signed);
        assert_eq!(body.len(), length);
        assert!(body.starts_with(b"5;chunk-signature="), "{body:?}");
    }

    #[test]
    fn a_file_for_other_services_is_hashed_first() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(b"hello").unwrap();
        for service in ["execute-api", "sts"] {
            let signer = ServiceSigner::new(creds(), "us-east-1", service);
            let mut req = put();
            let signed = sign(&signer, service, &mut req, file.path(), false, true).unwrap();
            // SHA-256("hello"), from `printf hello | sha256sum`.
            assert!(signed
                .output
                .canonical_request()
                .ends_with("\n2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"));
            assert_eq!(req.headers()["content-length"], "5");
            assert_eq!(body_of(signed), b"hello");
        }
    }

    #[test]
    fn a_missing_file_is_a_read_error() {
        let signer = ServiceSigner::new(creds(), "us-east-1", "s3");
        let failure = sign(
            &signer,
            "s3",
            &mut put(),
            Path::new("/nonexistent/file"),
            false,
            true,
        )
        .err()
        .unwrap();
        assert_eq!(failure.code, 26);
        assert!(failure
            .message
            .starts_with("cannot read -T /nonexistent/file: "));
    }
}
