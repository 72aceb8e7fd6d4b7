//! The command line: curl's flags where curl has one, plus the signing and
//! credential flags. Syntax errors are clap's (exit code 2).

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use http::header::{HeaderName, HeaderValue};

/// The longest validity of a presigned URL: seven days.
const MAX_PRESIGN_SECONDS: u64 = 7 * 24 * 60 * 60;

const EXAMPLES: &str = "\
Examples:
  sigv4 https://abc123.execute-api.eu-west-1.amazonaws.com/prod/pets
  sigv4 -d @pet.json -H 'Content-Type: application/json' https://abc123.execute-api.eu-west-1.amazonaws.com/prod/pets
  sigv4 --service sts -d 'Action=GetCallerIdentity&Version=2011-06-15' https://sts.us-east-1.amazonaws.com/
  sigv4 --service s3 -o report.csv https://my-bucket.s3.us-east-2.amazonaws.com/reports/report.csv
  sigv4 --service s3 -T backup.tar https://my-bucket.s3.us-east-2.amazonaws.com/backups/backup.tar
  sigv4 --service s3 --sigv4a --region-set '*' https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/key
  sigv4 --presign 900 https://abc123.execute-api.eu-west-1.amazonaws.com/prod/export
  sigv4 --dry-run --profile dev -X DELETE https://abc123.execute-api.eu-west-1.amazonaws.com/prod/pets/7
  sigv4 --access-key AKIA... --secret-key-file ~/.secret https://abc123.execute-api.eu-west-1.amazonaws.com/prod/pets";

const EXIT_CODES: &str = "\
Exit codes (curl's where one applies):
   0  success (also for HTTP 4xx/5xx without --fail, as with curl)
   1  unsupported protocol (only http and https are sent)
   2  usage error, or no credentials, region or signature could be made
      (or -T - for a service that needs the body's hash up front)
   3  malformed URL
   5  invalid proxy setting
   6  could not resolve host
   7  could not connect
   8  HTTP protocol error (e.g. an answer that is not HTTP)
  22  HTTP status 400 or above, with --fail or --fail-with-body
  23  could not write the output
  26  could not read --data @FILE or @-, -T FILE, or --secret-key-file
  28  timed out (--max-time, --connect-timeout)
  35  TLS handshake failed
  56  the connection failed while sending or receiving
  60  the server's certificate was not accepted";

/// Sends an HTTP request signed with AWS Signature Version 4, with curl's
/// flags: an IAM-protected API Gateway endpoint (the default service,
/// `execute-api`) or any other AWS service.
#[derive(Debug, Parser)]
#[command(
    name = "sigv4",
    version,
    about = "Send an HTTP request signed with AWS Signature Version 4 (curl-style flags)",
    long_about = "Send an HTTP request signed with AWS Signature Version 4, with curl's flags.\n\n\
        Signs for API Gateway (--service execute-api, the default) or any other AWS service, \
        with the credentials the AWS SDKs would find (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/\
        AWS_SESSION_TOKEN; else the AWS_PROFILE or `default` profile of ~/.aws/credentials \
        and ~/.aws/config: keys, credential_process, role_arn, web identity, IAM Identity \
        Center; else AWS_WEB_IDENTITY_TOKEN_FILE, the ECS/EKS container endpoint, EC2 \
        instance metadata), a --profile, or --access-key with --secret-key-file (-v says \
        which). The region \
        comes from --region, else AWS_REGION/AWS_DEFAULT_REGION or the profile, else the host \
        name (abc123.execute-api.eu-west-1.amazonaws.com signs for eu-west-1), else us-east-1 \
        for hosts that are not AWS's.\n\n\
        The response body goes to stdout (or --output); messages go to stderr. When the \
        server rejects the signature (403), the canonical request that was signed is printed \
        to stderr, compared with the server's when its answer includes one.",
    after_help = EXAMPLES,
    after_long_help = format!("{EXAMPLES}\n\n{EXIT_CODES}"),
    group = clap::ArgGroup::new("secret").multiple(false),
)]
pub(crate) struct Args {
    /// The URL to request; `https://` is assumed when it has no scheme
    #[arg(value_name = "URL")]
    pub(crate) url: String,

    /// HTTP method [default: GET, or POST with --data]
    #[arg(short = 'X', long = "request", value_name = "METHOD", value_parser = parse_method)]
    pub(crate) method: Option<http::Method>,

    /// Add a header, `Name: value` (repeatable)
    ///
    /// Every header given here is signed, except user-agent and the
    /// hop-by-hop ones. curl's defaults (user-agent, accept: */*) are sent
    /// unsigned unless given here. `Name:` drops a default header (accept,
    /// user-agent, content-type); `Name;` sends an empty one.
    #[arg(short = 'H', long = "header", value_name = "HEADER", value_parser = parse_header)]
    pub(crate) headers: Vec<HeaderArg>,

    /// Send DATA as the body: text, @FILE, or @- for stdin
    ///
    /// Repeatable: the parts are joined with `&`. Sent byte for byte, newlines
    /// kept (as curl's --data-binary). Implies POST. Text data is sent as
    /// content-type application/x-www-form-urlencoded, as with curl, unless
    /// -H sets one; data from a file or stdin has no content type unless -H
    /// gives one.
    #[arg(
        short = 'd',
        long = "data",
        visible_alias = "data-binary",
        value_name = "DATA",
        value_parser = parse_data
    )]
    pub(crate) data: Vec<DataArg>,

    /// Upload FILE (`-`: stdin) as the body, streamed: a PUT unless -X
    ///
    /// As with curl, the body is read as it is sent, never held in memory.
    /// For --service s3: sent aws-chunked, each 64 KiB chunk signed
    /// (stdin, of unknown length, with transfer-encoding: chunked, which
    /// AWS S3 refuses: it wants a length; S3-compatible servers may accept
    /// it); with --sigv4a, see there. For other services the file is read
    /// twice, once to hash it and once to send it, and stdin is refused
    /// (save it to a file first). No content type unless -H gives one. The
    /// URL is used as given (curl's appending of the file name to a URL
    /// ending in `/` is not done).
    #[arg(
        short = 'T',
        long = "upload-file",
        value_name = "FILE",
        conflicts_with_all = ["data", "get", "presign"]
    )]
    pub(crate) upload_file: Option<PathBuf>,

    /// Put the --data in the URL's query string and send a GET
    #[arg(short = 'G', long = "get")]
    pub(crate) get: bool,

    /// Give up on the whole transfer after SECONDS
    #[arg(short = 'm', long = "max-time", value_name = "SECONDS", value_parser = parse_seconds)]
    pub(crate) max_time: Option<Duration>,

    /// Give up connecting after SECONDS
    #[arg(long = "connect-timeout", value_name = "SECONDS", value_parser = parse_seconds)]
    pub(crate) connect_timeout: Option<Duration>,

    /// Include the response's status line and headers in the output
    #[arg(short = 'i', long = "include", help_heading = "Output")]
    pub(crate) include: bool,

    /// Write the response body to FILE instead of stdout (`-` is stdout)
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FILE",
        help_heading = "Output"
    )]
    pub(crate) output: Option<PathBuf>,

    /// Print what was signed, and the headers sent and received, to stderr
    ///
    /// Where the credentials and region came from (the environment, a
    /// profile and its kind, a web identity, the container endpoint,
    /// instance metadata), the canonical request and string to sign, then
    /// the request (`> `) and response (`< `) headers. The session token is
    /// redacted.
    #[arg(short = 'v', long = "verbose", help_heading = "Output")]
    pub(crate) verbose: bool,

    /// No progress bar and no warnings (errors are still printed)
    #[arg(short = 's', long = "silent", help_heading = "Output")]
    pub(crate) silent: bool,

    /// On HTTP status 400 or above: print no body, exit with 22
    #[arg(short = 'f', long = "fail", help_heading = "Output")]
    pub(crate) fail: bool,

    /// On HTTP status 400 or above: print the body, exit with 22
    #[arg(
        long = "fail-with-body",
        conflicts_with = "fail",
        help_heading = "Output"
    )]
    pub(crate) fail_with_body: bool,

    /// The service to sign for
    ///
    /// `execute-api` (API Gateway, with its header rules), `s3` (path encoded
    /// once, x-amz-content-sha256 sent), or any other: `sts`, `lambda`, `es`…
    #[arg(
        long = "service",
        value_name = "SERVICE",
        default_value = "execute-api",
        help_heading = "Signing"
    )]
    pub(crate) service: String,

    /// The region to sign for [default: from the environment or profile, else
    /// the host name]
    ///
    /// Without it: AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`, else
    /// the region in an AWS host name (abc.execute-api.eu-west-1.amazonaws.com,
    /// sts.eu-west-1.amazonaws.com; us-east-1 for global ones such as
    /// sts.amazonaws.com), else us-east-1 with a note for a host that is not
    /// AWS's (127.0.0.1, an S3-compatible server).
    #[arg(long = "region", value_name = "REGION", help_heading = "Signing")]
    pub(crate) region: Option<String>,

    /// Sign with SigV4a (AWS4-ECDSA-P256-SHA256) for a set of regions
    ///
    /// For multi-region endpoints (S3 Multi-Region Access Points, global
    /// endpoints). The region set is --region-set, else the region. Header
    /// and --presign forms. -T to s3 is then sent with the file's hash
    /// (read twice) or, from stdin, UNSIGNED-PAYLOAD: SigV4a has no signed
    /// chunks.
    #[arg(long = "sigv4a", help_heading = "Signing")]
    pub(crate) sigv4a: bool,

    /// The region set of --sigv4a: `*`, `us-*`, `us-east-1,eu-west-1`
    #[arg(
        long = "region-set",
        value_name = "SET",
        requires = "sigv4a",
        help_heading = "Signing"
    )]
    pub(crate) region_set: Option<String>,

    /// Print a presigned URL valid for SECONDS instead of sending
    ///
    /// 1 to 604800 (seven days). The -H headers given here are signed too, so
    /// whoever uses the URL must send them. ws:// and wss:// URLs (API Gateway
    /// WebSocket $connect) can be presigned.
    #[arg(
        long = "presign",
        value_name = "SECONDS",
        value_parser = clap::value_parser!(u64).range(1..=MAX_PRESIGN_SECONDS),
        conflicts_with_all = ["dry_run", "include", "output", "fail", "fail_with_body"],
        help_heading = "Signing"
    )]
    pub(crate) presign: Option<u64>,

    /// Print the signed request instead of sending it
    ///
    /// The method and URL, then the headers, the signature included and the
    /// session token redacted.
    #[arg(
        long = "dry-run",
        conflicts_with_all = ["include", "output", "fail", "fail_with_body"],
        help_heading = "Signing"
    )]
    pub(crate) dry_run: bool,

    /// Use this profile of ~/.aws/credentials and ~/.aws/config
    #[arg(
        long = "profile",
        value_name = "NAME",
        conflicts_with = "access_key",
        help_heading = "Credentials"
    )]
    pub(crate) profile: Option<String>,

    /// Access key id (with --secret-key-file or --secret-key)
    #[arg(
        long = "access-key",
        value_name = "ID",
        requires = "secret",
        help_heading = "Credentials"
    )]
    pub(crate) access_key: Option<String>,

    /// Read the secret access key from FILE (`-`: stdin), with --access-key
    ///
    /// The first line of the file; surrounding whitespace is ignored.
    #[arg(
        long = "secret-key-file",
        value_name = "FILE",
        group = "secret",
        requires = "access_key",
        help_heading = "Credentials"
    )]
    pub(crate) secret_key_file: Option<PathBuf>,

    /// Secret access key (with --access-key); other users can see it
    ///
    /// Other users of the machine can see command lines (`ps`): prefer
    /// --secret-key-file, the environment or a profile.
    #[arg(
        long = "secret-key",
        value_name = "KEY",
        group = "secret",
        requires = "access_key",
        help_heading = "Credentials"
    )]
    pub(crate) secret_key: Option<String>,

    /// Session token of temporary credentials (with --access-key)
    #[arg(
        long = "session-token",
        value_name = "TOKEN",
        requires = "access_key",
        help_heading = "Credentials"
    )]
    pub(crate) session_token: Option<String>,

    /// curl's -k: refused with a word on why (see [`Args::unsupported`]).
    #[arg(short = 'k', long = "insecure", hide = true)]
    pub(crate) insecure: bool,

    /// curl's -L: refused with a word on why (see [`Args::unsupported`]).
    #[arg(short = 'L', long = "location", hide = true)]
    pub(crate) location: bool,
}

impl Args {
    /// Why a curl flag that `sigv4` accepts but does not offer was refused,
    /// as one line, or `None`.
    pub(crate) fn unsupported(&self) -> Option<&'static str> {
        if self.insecure {
            return Some(
                "-k/--insecure is not offered: without certificate checks, whoever sits in \
                 between gets the signed request (and session token) to replay; for a local \
                 test server, use an http:// URL",
            );
        }
        if self.location {
            return Some(
                "-L/--location is not offered: a redirect's new URL would need a new \
                 signature; run sigv4 again with the `location` that -i shows",
            );
        }
        None
    }

    /// The flag that reads stdin besides `--secret-key-file -` (`-d @-` or
    /// `-T -`), which cannot both read it, or `None`.
    pub(crate) fn stdin_conflict(&self) -> Option<&'static str> {
        let is_stdin =
            |path: &Option<PathBuf>| path.as_deref().is_some_and(|path| path.as_os_str() == "-");
        if !is_stdin(&self.secret_key_file) {
            return None;
        }
        if self.data.contains(&DataArg::Stdin) {
            return Some("-d @-");
        }
        is_stdin(&self.upload_file).then_some("-T -")
    }

    /// Whether a status of 400 or above ends with exit code 22.
    pub(crate) fn fails_on_http_error(&self) -> bool {
        self.fail || self.fail_with_body
    }
}

/// One `-H`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HeaderArg {
    /// `Name: value` (or `Name;`, an empty value).
    Set(HeaderName, HeaderValue),
    /// `Name:`: do not send this header.
    Remove(HeaderName),
}

/// One `-d`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DataArg {
    /// The text itself.
    Text(String),
    /// `@FILE`.
    File(PathBuf),
    /// `@-`.
    Stdin,
}

impl DataArg {
    /// Whether the data was given on the command line.
    pub(crate) fn is_text(&self) -> bool {
        matches!(self, DataArg::Text(_))
    }
}

fn parse_method(s: &str) -> Result<http::Method, String> {
    http::Method::from_bytes(s.as_bytes())
        .map_err(|_| format!("`{s}` is not an HTTP method (letters such as GET, POST, PUT)"))
}

/// curl's `-H` syntax: `Name: value`, `Name:` (remove), `Name;` (empty).
fn parse_header(s: &str) -> Result<HeaderArg, String> {
    let name_of = |raw: &str| {
        let raw = raw.trim();
        HeaderName::from_bytes(raw.as_bytes())
            .map_err(|_| format!("`{raw}` is not a valid header name (write `Name: value`)"))
    };
    match s.split_once(':') {
        Some((name, value)) => {
            let name = name_of(name)?;
            let value = value.trim();
            if value.is_empty() {
                return Ok(HeaderArg::Remove(name));
            }
            let value = HeaderValue::from_str(value)
                .map_err(|_| format!("the value of `{name}` has a control character"))?;
            Ok(HeaderArg::Set(name, value))
        }
        None => match s.trim_end().strip_suffix(';') {
            Some(name) => Ok(HeaderArg::Set(name_of(name)?, HeaderValue::from_static(""))),
            None => Err(format!(
                "`{s}` has no `:`: write `Name: value` (or `Name;` for an empty value)"
            )),
        },
    }
}

fn parse_data(s: &str) -> Result<DataArg, String> {
    match s.strip_prefix('@') {
        Some("-") => Ok(DataArg::Stdin),
        Some("") => Err("`@` needs a file name (or `@-` for stdin)".to_owned()),
        Some(path) => Ok(DataArg::File(PathBuf::from(path))),
        None => Ok(DataArg::Text(s.to_owned())),
    }
}

fn parse_seconds(s: &str) -> Result<Duration, String> {
    s.parse::<f64>()
        .ok()
        .filter(|secs| secs.is_finite() && *secs > 0.0 && *secs <= 1e9)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("`{s}` is not a number of seconds above 0 (e.g. 10 or 2.5)"))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    fn set(name: &'static str, value: &'static str) -> HeaderArg {
        HeaderArg::Set(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    }

    #[test]
    fn the_command_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn headers_follow_curl() {
        assert_eq!(
            parse_header("Content-Type: application/json"),
            Ok(set("content-type", "application/json"))
        );
        assert_eq!(
            parse_header("x-custom:  spaced value  "),
            Ok(set("x-custom", "spaced value"))
        );
        assert_eq!(parse_header("a: b:c"), Ok(set("a", "b:c")));
        assert_eq!(
            parse_header("Accept:"),
            Ok(HeaderArg::Remove(HeaderName::from_static("accept")))
        );
        assert_eq!(parse_header("X-Empty;"), Ok(set("x-empty", "")));
        // UTF-8 values are sent and signed as they are.
        assert_eq!(
            parse_header("x-name: café"),
            Ok(HeaderArg::Set(
                HeaderName::from_static("x-name"),
                HeaderValue::from_str("café").unwrap()
            ))
        );
        for bad in ["no colon", "bad name: v", ": value", "x: \u{7f}", "x: a\nb"] {
            assert!(parse_header(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn data_follows_curl() {
        assert_eq!(parse_data("a=b"), Ok(DataArg::Text("a=b".into())));
        assert_eq!(parse_data("@-"), Ok(DataArg::Stdin));
        assert_eq!(
            parse_data("@body.json"),
            Ok(DataArg::File("body.json".into()))
        );
        assert!(parse_data("@").is_err());
    }

    #[test]
    fn seconds_and_methods() {
        assert_eq!(parse_seconds("2.5"), Ok(Duration::from_millis(2500)));
        for bad in ["0", "-1", "NaN", "inf", "ten", "1e30"] {
            assert!(parse_seconds(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_method("PATCH"), Ok(http::Method::PATCH));
        assert!(parse_method("GET /").is_err());
    }

    #[test]
    fn flags_parse_and_conflict() {
        let args = Args::try_parse_from([
            "sigv4",
            "-X",
            "PUT",
            "-H",
            "a: 1",
            "-H",
            "a: 2",
            "-d",
            "x",
            "-d",
            "@f",
            "-i",
            "-v",
            "--fail",
            "--region",
            "eu-west-1",
            "https://h/",
        ])
        .unwrap();
        assert_eq!(args.method, Some(http::Method::PUT));
        assert_eq!(args.headers.len(), 2);
        assert_eq!(args.data.len(), 2);
        assert_eq!(args.service, "execute-api");
        assert!(args.fails_on_http_error());

        for bad in [
            &["sigv4"][..],
            &["sigv4", "--presign", "0", "u"],
            &["sigv4", "--presign", "604801", "u"],
            &["sigv4", "--presign", "60", "--dry-run", "u"],
            &["sigv4", "--access-key", "AKID", "u"],
            &["sigv4", "--session-token", "T", "u"],
            &[
                "sigv4",
                "--profile",
                "p",
                "--access-key",
                "A",
                "--secret-key",
                "S",
                "u",
            ],
            &["sigv4", "--fail", "--fail-with-body", "u"],
            &["sigv4", "--no-such-flag", "u"],
        ] {
            assert!(Args::try_parse_from(bad).is_err(), "{bad:?}");
        }
    }
}
