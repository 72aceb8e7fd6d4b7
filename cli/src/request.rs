//! The request to sign, built from the flags: URL, method, headers, body.

use std::fs;
use std::io::Read;

use http::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, TRANSFER_ENCODING,
    USER_AGENT,
};
use http::uri::{PathAndQuery, Scheme, Uri};
use http::{Method, Request};

use crate::args::{Args, DataArg, HeaderArg};
use crate::failure::{code, Failure};

/// What `sigv4` sends as `user-agent` (never signed).
const USER_AGENT_VALUE: &str = concat!("sigv4/", env!("CARGO_PKG_VERSION"));
/// curl's content type for `-d`, sent for `-d TEXT` only.
const FORM: &str = "application/x-www-form-urlencoded";

/// Whether the request will go over the network, or only be presigned or
/// printed (which also accepts `ws://` and `wss://`, for API Gateway
/// WebSocket `$connect` URLs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Use {
    Send,
    Print,
    Presign,
}

/// Builds the unsigned request. `stdin` is read for `-d @-`; the body of
/// `-T` is not read here (the request's body stays empty).
pub(crate) fn build(args: &Args, how: Use, stdin: impl Read) -> Result<Request<Vec<u8>>, Failure> {
    let mut uri = parse_url(&args.url, how)?;
    let data = match args.data.is_empty() {
        true => None,
        false => Some(read_data(&args.data, stdin)?),
    };
    let (method, body, form) = match (data, args.get) {
        (Some(data), true) => {
            uri = with_query(&uri, &data)?;
            (Method::GET, Vec::new(), false)
        }
        // curl's form type for text given on the command line only: a file
        // is rarely a form, and S3 keeps the type with the object.
        (Some(data), false) => (Method::POST, data, args.data.iter().all(DataArg::is_text)),
        // -T: a PUT, its body streamed when sent (see upload.rs).
        (None, _) if args.upload_file.is_some() => (Method::PUT, Vec::new(), false),
        (None, _) => (Method::GET, Vec::new(), false),
    };
    let method = args.method.clone().unwrap_or(method);

    let mut headers = HeaderMap::new();
    // Signed, as the body's type should be. A presigned URL is signed for
    // exactly the headers asked for.
    if form && how != Use::Presign {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(FORM));
    }
    apply_headers(&mut headers, &args.headers);

    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .body(body)
        .map_err(|e| Failure::new(code::URL_MALFORMED, format!("invalid request: {e}")))?;
    *req.headers_mut() = headers;
    Ok(req)
}

/// Adds, after signing, the headers sent but not signed: curl's
/// `user-agent` (ours) and `accept: */*` unless a `-H` set or removed them,
/// and `content-length` when there is a body (or the method carries one) and
/// the signer did not set it. Headers nobody asked to sign stay out of the
/// signature, so nothing on the way can break it by changing them.
pub(crate) fn add_unsigned_headers(req: &mut Request<Vec<u8>>, args: &[HeaderArg]) {
    let named = |name: &HeaderName| {
        args.iter().any(|arg| match arg {
            HeaderArg::Set(n, _) | HeaderArg::Remove(n) => n == name,
        })
    };
    for (name, value) in [(USER_AGENT, USER_AGENT_VALUE), (ACCEPT, "*/*")] {
        if !named(&name) {
            req.headers_mut()
                .insert(name, HeaderValue::from_static(value));
        }
    }
    let length = req.body().len();
    if (length > 0 || carries_body(req.method()))
        && !req.headers().contains_key(CONTENT_LENGTH)
        && !req.headers().contains_key(TRANSFER_ENCODING)
    {
        req.headers_mut()
            .insert(CONTENT_LENGTH, HeaderValue::from(length));
    }
}

/// Methods whose requests have a body, if only an empty one (curl sends
/// `content-length: 0` for `-d ''`).
pub(crate) fn carries_body(method: &Method) -> bool {
    matches!(*method, Method::POST | Method::PUT | Method::PATCH)
}

/// Parses the URL, with `https://` when it has no scheme.
pub(crate) fn parse_url(url: &str, how: Use) -> Result<Uri, Failure> {
    let full = match url.contains("://") {
        true => url.to_owned(),
        false => format!("https://{url}"),
    };
    let uri = Uri::try_from(full.as_str()).map_err(|e| {
        Failure::new(
            code::URL_MALFORMED,
            format!(
                "`{url}` is not a valid URL ({e}): percent-encode spaces and other special \
                 characters (a space is %20)"
            ),
        )
    })?;
    let scheme = uri.scheme_str().unwrap_or_default().to_ascii_lowercase();
    match (scheme.as_str(), how) {
        ("http" | "https", _) | ("ws" | "wss", Use::Print | Use::Presign) => {}
        ("ws" | "wss", Use::Send) => {
            return Err(Failure::new(
                code::UNSUPPORTED_PROTOCOL,
                format!(
                    "{scheme}:// URLs cannot be sent: presign them with --presign SECONDS \
                     (API Gateway WebSocket $connect), or --dry-run"
                ),
            ))
        }
        _ => {
            return Err(Failure::new(
                code::UNSUPPORTED_PROTOCOL,
                format!("unsupported protocol `{scheme}`: only http:// and https:// URLs are sent"),
            ))
        }
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(Failure::new(
            code::URL_MALFORMED,
            format!("`{url}` has no host"),
        ));
    }
    if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
        return Err(Failure::new(
            code::URL_MALFORMED,
            format!("`{url}` has a user name: SigV4 does not use one; remove the `…@`"),
        ));
    }
    Ok(uri)
}

/// The bodies of the `-d`s, joined with `&` as curl does.
fn read_data(data: &[DataArg], mut stdin: impl Read) -> Result<Vec<u8>, Failure> {
    let mut body = Vec::new();
    for (i, part) in data.iter().enumerate() {
        if i > 0 {
            body.push(b'&');
        }
        match part {
            DataArg::Text(text) => body.extend_from_slice(text.as_bytes()),
            DataArg::File(path) => {
                let bytes = fs::read(path).map_err(|e| {
                    Failure::new(
                        code::READ_ERROR,
                        format!("cannot read --data @{}: {e}", path.display()),
                    )
                })?;
                body.extend_from_slice(&bytes);
            }
            DataArg::Stdin => {
                stdin.read_to_end(&mut body).map_err(|e| {
                    Failure::new(
                        code::READ_ERROR,
                        format!("cannot read --data @- (stdin): {e}"),
                    )
                })?;
            }
        }
    }
    Ok(body)
}

/// `uri` with `data` appended to its query (`-G`).
fn with_query(uri: &Uri, data: &[u8]) -> Result<Uri, Failure> {
    let data = std::str::from_utf8(data).map_err(|_| {
        Failure::new(
            code::URL_MALFORMED,
            "-G: the data is not text, so it cannot go in a URL",
        )
    })?;
    let path_and_query = match uri.query() {
        Some(query) if !query.is_empty() => format!("{}?{query}&{data}", uri.path()),
        _ => format!("{}?{data}", uri.path()),
    };
    let path_and_query = PathAndQuery::try_from(path_and_query).map_err(|e| {
        Failure::new(
            code::URL_MALFORMED,
            format!("-G: the data cannot go in a URL ({e}): percent-encode it (a space is %20)"),
        )
    })?;
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(path_and_query);
    parts.scheme = parts.scheme.or(Some(Scheme::HTTPS));
    Uri::from_parts(parts).map_err(|e| Failure::new(code::URL_MALFORMED, format!("-G: {e}")))
}

/// Applies the `-H`s in order: the first `Name: value` replaces a default,
/// later ones for the same name add values; `Name:` removes the header.
fn apply_headers(headers: &mut HeaderMap, args: &[HeaderArg]) {
    let mut set_by_user: Vec<&HeaderName> = Vec::new();
    for arg in args {
        match arg {
            HeaderArg::Set(name, value) => {
                if set_by_user.contains(&name) {
                    headers.append(name, value.clone());
                } else {
                    headers.insert(name, value.clone());
                    set_by_user.push(name);
                }
            }
            HeaderArg::Remove(name) => {
                headers.remove(name);
                set_by_user.retain(|n| *n != name);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    fn build_from(flags: &[&str], how: Use, stdin: &[u8]) -> Result<Request<Vec<u8>>, Failure> {
        let args = Args::try_parse_from(["sigv4"].iter().chain(flags)).unwrap();
        build(&args, how, stdin)
    }

    fn header_lines(req: &Request<Vec<u8>>) -> Vec<String> {
        req.headers()
            .iter()
            .map(|(k, v)| format!("{k}: {}", v.to_str().unwrap()))
            .collect()
    }

    #[test]
    fn curls_headers_after_signing() {
        let mut req = build_from(&["https://h/p?q=1"], Use::Send, b"").unwrap();
        assert_eq!(req.method(), Method::GET);
        assert_eq!(req.uri(), "https://h/p?q=1");
        assert!(req.body().is_empty());
        assert!(req.headers().is_empty());
        add_unsigned_headers(&mut req, &[]);
        assert_eq!(
            header_lines(&req),
            [
                format!("user-agent: {USER_AGENT_VALUE}"),
                "accept: */*".into()
            ]
        );
    }

    #[test]
    fn content_length_is_added_when_missing() {
        let length_after = |flags: &[&str]| {
            let mut req = build_from(flags, Use::Send, b"").unwrap();
            add_unsigned_headers(&mut req, &[]);
            req.headers()
                .get(CONTENT_LENGTH)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        assert_eq!(
            length_after(&["-d", "abc", "https://h/"]),
            Some("3".to_owned())
        );
        assert_eq!(
            length_after(&["-d", "", "https://h/"]),
            Some("0".to_owned())
        );
        assert_eq!(
            length_after(&["-X", "PUT", "https://h/"]),
            Some("0".to_owned())
        );
        assert_eq!(length_after(&["-X", "DELETE", "https://h/"]), None);
        assert_eq!(length_after(&["https://h/"]), None);
        assert_eq!(
            length_after(&["-d", "abc", "-H", "content-length: 3", "https://h/"]),
            Some("3".to_owned())
        );
        assert_eq!(
            length_after(&[
                "-d",
                "abc",
                "-H",
                "transfer-encoding: chunked",
                "https://h/"
            ]),
            None
        );
    }

    #[test]
    fn headers_given_with_h_are_not_defaulted() {
        let mut req = build_from(
            &[
                "-H",
                "User-Agent:",
                "-H",
                "Accept: application/json",
                "https://h/",
            ],
            Use::Send,
            b"",
        )
        .unwrap();
        let args = [
            HeaderArg::Remove(USER_AGENT),
            HeaderArg::Set(ACCEPT, HeaderValue::from_static("application/json")),
        ];
        add_unsigned_headers(&mut req, &args);
        assert_eq!(header_lines(&req), ["accept: application/json"]);
    }

    #[test]
    fn text_data_makes_a_form_post_like_curl() {
        let req = build_from(&["-d", "a=1", "-d", "b=2", "https://h/"], Use::Send, b"").unwrap();
        assert_eq!(req.method(), Method::POST);
        assert_eq!(req.body(), b"a=1&b=2");
        assert_eq!(req.headers()[CONTENT_TYPE], FORM);
    }

    #[test]
    fn data_from_files_and_stdin_has_no_content_type() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("body");
        fs::write(&file, b"line1\nline2\n").unwrap();
        let file_arg = format!("@{}", file.display());
        let req = build_from(
            &["-d", "a=1", "-d", &file_arg, "-d", "@-", "https://h/"],
            Use::Send,
            b"from stdin",
        )
        .unwrap();
        assert_eq!(req.method(), Method::POST);
        assert_eq!(req.body(), b"a=1&line1\nline2\n&from stdin");
        assert_eq!(req.headers().get(CONTENT_TYPE), None);
        for data in [&file_arg[..], "@-"] {
            let req = build_from(&["-d", data, "https://h/"], Use::Send, b"x").unwrap();
            assert_eq!(req.headers().get(CONTENT_TYPE), None, "{data}");
            // Unless -H gives one.
            let req = build_from(
                &["-d", data, "-H", "content-type: text/csv", "https://h/"],
                Use::Send,
                b"x",
            )
            .unwrap();
            assert_eq!(req.headers()[CONTENT_TYPE], "text/csv", "{data}");
        }
    }

    #[test]
    fn headers_replace_append_and_remove() {
        let req = build_from(
            &[
                "-d",
                "{}",
                "-H",
                "Content-Type: application/json",
                "-H",
                "Accept:",
                "-H",
                "x-multi: 1",
                "-H",
                "x-multi: 2",
                "-H",
                "x-empty;",
                "-X",
                "PUT",
                "https://h/",
            ],
            Use::Send,
            b"",
        )
        .unwrap();
        assert_eq!(req.method(), Method::PUT);
        assert_eq!(req.headers()[CONTENT_TYPE], "application/json");
        assert!(!req.headers().contains_key(ACCEPT));
        let multi: Vec<_> = req.headers().get_all("x-multi").iter().collect();
        assert_eq!(multi, ["1", "2"]);
        assert_eq!(req.headers()["x-empty"], "");
    }

    #[test]
    fn get_flag_moves_data_to_the_query() {
        let req = build_from(
            &["-G", "-d", "b=2", "-d", "c=3", "https://h/p?a=1"],
            Use::Send,
            b"",
        )
        .unwrap();
        assert_eq!(req.method(), Method::GET);
        assert_eq!(req.uri(), "https://h/p?a=1&b=2&c=3");
        assert!(req.body().is_empty());
        assert!(!req.headers().contains_key(CONTENT_TYPE));
        let failure = build_from(&["-G", "-d", "a b", "https://h/"], Use::Send, b"").unwrap_err();
        assert_eq!(failure.code, 3);
    }

    #[test]
    fn upload_file_makes_a_put_without_content_type() {
        let req = build_from(&["-T", "big.bin", "https://h/k"], Use::Send, b"").unwrap();
        assert_eq!(req.method(), Method::PUT);
        assert!(req.body().is_empty());
        assert!(req.headers().is_empty());
        let req = build_from(&["-T", "-", "-X", "POST", "https://h/k"], Use::Send, b"x").unwrap();
        assert_eq!(req.method(), Method::POST);
        assert!(req.body().is_empty(), "stdin is not read here");
    }

    #[test]
    fn presign_adds_no_default_headers() {
        let req = build_from(&["-H", "x-a: 1", "https://h/"], Use::Presign, b"").unwrap();
        assert_eq!(header_lines(&req), ["x-a: 1"]);
    }

    #[test]
    fn urls() {
        let uri = parse_url("abc.execute-api.eu-west-1.amazonaws.com/prod", Use::Send).unwrap();
        assert_eq!(uri, "https://abc.execute-api.eu-west-1.amazonaws.com/prod");
        assert!(parse_url("wss://h/prod", Use::Presign).is_ok());
        for (url, how, code) in [
            ("wss://h/prod", Use::Send, 1),
            ("ftp://h/file", Use::Send, 1),
            ("https://h/a b", Use::Send, 3),
            ("https:///path", Use::Send, 3),
            ("https://user:pw@h/", Use::Send, 3),
        ] {
            assert_eq!(parse_url(url, how).unwrap_err().code, code, "{url}");
        }
    }

    #[test]
    fn unreadable_data_file_is_a_read_error() {
        let failure = build_from(
            &["-d", "@/nonexistent/body.json", "https://h/"],
            Use::Send,
            b"",
        )
        .unwrap_err();
        assert_eq!(failure.code, 26);
        assert!(
            failure.message.contains("/nonexistent/body.json"),
            "{}",
            failure.message
        );
    }
}
