//! End to end: the built `sigv4` binary against the crate's verifying
//! server (`tests/support/gateway.rs`, a copy of the library's
//! `examples/common/gateway.rs`: tiny_http on 127.0.0.1, an
//! ephemeral port, checking SigV4 with `Verifier` as API Gateway's IAM
//! authorizer does, region us-east-1, service execute-api).
//!
//! Each child process gets an empty environment plus what the test sets, and
//! a temporary HOME, so neither the test's environment nor the real ~/.aws
//! is read (`support/run.rs`). Every request has `--max-time`, so no child
//! can hang.

use std::net::TcpListener;
use std::path::Path;

use serde_json::Value;

#[path = "support/gateway.rs"]
#[allow(dead_code)] // A copy of the library's examples/common/gateway.rs, which uses all of it.
mod gateway;

#[path = "support/run.rs"]
#[allow(dead_code)] // Shared with the other test files, which use the rest.
mod run;

use gateway::{Gateway, ACCESS_KEY_ID, REGION, TEMP_ACCESS_KEY_ID};
use run::{sigv4, Run, Sigv4};

/// API Gateway's wording for a signature mismatch, which the gateway copies.
const SIGNATURE_MISMATCH: &str =
    "The request signature we calculated does not match the signature you provided";

impl Sigv4 {
    /// Long-term credentials of the gateway: the access key on the command
    /// line, the secret in a file (`--secret-key-file`).
    fn long_term_keys(self) -> Self {
        let creds = gateway::long_term_credentials();
        let file = self.home.path().join("secret");
        std::fs::write(&file, format!("{}\n", creds.secret_access_key())).unwrap();
        self.arg("--access-key")
            .arg(creds.access_key_id())
            .arg("--secret-key-file")
            .arg(file)
    }

    /// Temporary credentials of the gateway, in the child's environment.
    fn temporary_keys_in_env(self) -> Self {
        let creds = gateway::temporary_credentials();
        self.env("AWS_ACCESS_KEY_ID", creds.access_key_id())
            .env("AWS_SECRET_ACCESS_KEY", creds.secret_access_key())
            .env("AWS_SESSION_TOKEN", creds.session_token().unwrap())
    }
}

/// Runs `test` against a fresh gateway, then stops it.
fn with_gateway(test: impl FnOnce(&Gateway)) {
    let gateway = Gateway::start().expect("start the gateway");
    test(&gateway);
    gateway.stop().expect("stop the gateway");
}

#[track_caller]
fn assert_accepted(run: &Run, access_key_id: &str) -> Value {
    assert_eq!(run.code, 0, "{run:#?}");
    let echo = run.json();
    assert_eq!(echo["access_key_id"], access_key_id, "{run:#?}");
    echo
}

fn signed_headers(echo: &Value) -> Vec<&str> {
    echo["signed_headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect()
}

/// A 127.0.0.1 URL where nothing listens.
fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}/pets")
}

#[test]
fn get_with_query_and_headers_is_accepted() {
    with_gateway(|gw| {
        let query = "type=dog&q=hello%20world&tag=a%2Bb&empty=";
        let run = sigv4(&[
            "-H",
            "X-Custom:  spaced   value ",
            "-H",
            "x-multi: 1",
            "-H",
            "x-multi: two",
        ])
        .long_term_keys()
        .arg("--region")
        .arg(REGION)
        .arg(gw.url(&format!("/pets/best%20friends?{query}")))
        .run();
        let echo = assert_accepted(&run, ACCESS_KEY_ID);
        assert_eq!(echo["method"], "GET");
        assert_eq!(echo["path"], "/pets/best%20friends");
        assert_eq!(echo["query"], query);
        assert_eq!(echo["presigned"], false);
        assert_eq!(echo["body_length"], 0);
        assert_eq!(
            signed_headers(&echo),
            [
                "host",
                "x-amz-content-sha256",
                "x-amz-date",
                "x-custom",
                "x-multi"
            ]
        );
        // curl's defaults are sent, unsigned.
        let received = echo["received_headers"].as_array().unwrap();
        for name in ["user-agent", "accept"] {
            assert!(received.iter().any(|h| h == name), "{name}: {received:?}");
        }
        assert_eq!(run.stderr, "");
    });
}

#[test]
fn post_with_data_from_a_file_is_accepted() {
    with_gateway(|gw| {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pet.json");
        let body = "{\"name\": \"Rex\",\n \"price\": 249.99}\n";
        std::fs::write(&file, body).unwrap();
        let run = sigv4(&["-H", "Content-Type: application/json"])
            .arg("-d")
            .arg(format!("@{}", file.display()))
            .long_term_keys()
            .env("AWS_REGION", REGION)
            .arg(gw.url("/pets"))
            .run();
        let echo = assert_accepted(&run, ACCESS_KEY_ID);
        assert_eq!(echo["method"], "POST");
        // Byte for byte, newlines kept.
        assert_eq!(echo["body_length"], body.len());
        assert_eq!(
            signed_headers(&echo),
            [
                "content-length",
                "content-type",
                "host",
                "x-amz-content-sha256",
                "x-amz-date"
            ]
        );
    });
}

#[test]
fn put_with_data_from_stdin_and_temporary_credentials_is_accepted() {
    with_gateway(|gw| {
        // 1 MiB: the gateway's limit, and large enough for a progress bar,
        // which is not drawn: stderr is not a terminal.
        let body = vec![b'x'; 1 << 20];
        let run = sigv4(&["-X", "PUT", "-d", "@-"])
            .stdin(&body)
            .temporary_keys_in_env()
            .env("AWS_DEFAULT_REGION", REGION)
            .arg(gw.url("/pets/42"))
            .run();
        let echo = assert_accepted(&run, TEMP_ACCESS_KEY_ID);
        assert_eq!(echo["method"], "PUT");
        assert_eq!(echo["body_length"], body.len());
        assert!(
            signed_headers(&echo).contains(&"x-amz-security-token"),
            "{echo:#}"
        );
        // Data from stdin (or a file) has no content type unless -H gives one.
        assert!(!signed_headers(&echo).contains(&"content-type"), "{echo:#}");
        let received = echo["received_headers"].as_array().unwrap();
        assert!(
            !received.iter().any(|h| h == "content-type"),
            "{received:?}"
        );
        assert_eq!(run.stderr, "");
    });
}

#[test]
fn any_method_is_signed_and_sent() {
    with_gateway(|gw| {
        for method in ["DELETE", "PATCH", "PURGE"] {
            let run = sigv4(&["-X", method, "--region", REGION])
                .long_term_keys()
                .arg(gw.url("/pets/7"))
                .run();
            let echo = assert_accepted(&run, ACCESS_KEY_ID);
            assert_eq!(echo["method"], method);
        }
        // HEAD: the head only.
        let run = sigv4(&["-X", "HEAD", "-i", "--region", REGION])
            .long_term_keys()
            .arg(gw.url("/pets"))
            .run();
        assert_eq!(run.code, 0, "{run:#?}");
        assert!(run.stdout.starts_with("HTTP/1.1 200 OK\r\n"), "{run:#?}");
        assert!(run.stdout.ends_with("\r\n\r\n"), "{run:#?}");
    });
}

#[test]
fn credentials_and_region_from_a_profile() {
    with_gateway(|gw| {
        let creds = gateway::long_term_credentials();
        let dir = tempfile::tempdir().unwrap();
        let credentials_file = dir.path().join("credentials");
        let config_file = dir.path().join("config");
        std::fs::write(
            &credentials_file,
            format!(
                "[dev]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
                creds.access_key_id(),
                creds.secret_access_key()
            ),
        )
        .unwrap();
        std::fs::write(&config_file, format!("[profile dev]\nregion = {REGION}\n")).unwrap();
        let run = sigv4(&["--profile", "dev", "-v"])
            .env("AWS_SHARED_CREDENTIALS_FILE", &credentials_file)
            .env("AWS_CONFIG_FILE", &config_file)
            .arg(gw.url("/pets"))
            .run();
        assert_accepted(&run, ACCESS_KEY_ID);
        assert!(
            run.stderr.contains(&format!(
                "* signing for service `execute-api` in region `{REGION}` (from profile `dev`) \
                 with access key {ACCESS_KEY_ID} (from profile `dev`: static keys)"
            )),
            "{}",
            run.stderr
        );
    });
}

#[test]
fn presigned_url_is_printed_and_works_without_credentials() {
    with_gateway(|gw| {
        let run = sigv4(&["--presign", "60"])
            .temporary_keys_in_env()
            .env("AWS_REGION", REGION)
            .arg(gw.url("/reports/export?format=csv"))
            .run();
        assert_eq!(run.code, 0, "{run:#?}");
        let url = run.stdout.trim_end();
        assert_eq!(run.stdout.lines().count(), 1, "{run:#?}");
        assert!(
            url.starts_with(&gw.url("/reports/export?format=csv&X-Amz-Algorithm=")),
            "{url}"
        );
        assert!(url.contains("X-Amz-Expires=60&"), "{url}");
        // The URL carries the token: it is what was asked for.
        assert!(url.contains("X-Amz-Security-Token="), "{url}");
        assert_eq!(run.stderr, "");

        // Anyone can fetch it: a plain client, no signing.
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .build()
            .into();
        let mut response = agent.get(url).call().expect("fetch the presigned URL");
        let text = response.body_mut().read_to_string().unwrap();
        assert_eq!(response.status(), 200, "{text}");
        let echo: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(echo["presigned"], true);
        assert_eq!(echo["access_key_id"], TEMP_ACCESS_KEY_ID);
        assert_eq!(
            echo["query"].as_str().unwrap().split('&').next(),
            Some("format=csv")
        );
    });
}

#[test]
fn presign_verbose_shows_the_canonical_request_without_the_token() {
    let creds = gateway::temporary_credentials();
    let run = sigv4(&["--presign", "60", "-v", "--region", REGION])
        .temporary_keys_in_env()
        .arg("https://abc.execute-api.us-east-1.amazonaws.com/prod/pets")
        .run();
    assert_eq!(run.code, 0, "{run:#?}");
    // The URL carries the token (encoded), as it must.
    assert!(
        run.stdout.contains("X-Amz-Security-Token="),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("* canonical request:\nGET\n/prod/pets\nX-Amz-Algorithm=AWS4-HMAC-SHA256&"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("&X-Amz-Security-Token=[redacted]&"),
        "{}",
        run.stderr
    );
    let token = creds.session_token().unwrap();
    assert!(!run.stderr.contains(token), "{}", run.stderr);
    // Not even a piece of it, in any encoding.
    assert!(!run.stderr.contains(&token[..20]), "{}", run.stderr);
}

#[test]
fn presigning_with_headers_says_they_must_be_sent() {
    let run = sigv4(&["--presign", "300", "-H", "x-tenant: 7"])
        .long_term_keys()
        .arg("wss://abc.execute-api.eu-west-1.amazonaws.com/prod")
        .run();
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(run
        .stdout
        .starts_with("wss://abc.execute-api.eu-west-1.amazonaws.com/prod?X-Amz-Algorithm="));
    assert!(
        run.stdout
            .contains("%2Feu-west-1%2Fexecute-api%2Faws4_request"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("X-Amz-SignedHeaders=host%3Bx-tenant"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("send them with it: x-tenant"),
        "{}",
        run.stderr
    );
}

#[test]
fn wrong_secret_fails_with_22_and_explains() {
    with_gateway(|gw| {
        let run = sigv4(&["--fail", "--region", REGION, "--access-key", ACCESS_KEY_ID])
            .arg("--secret-key")
            .arg("wJalrXUtnFEMI/K7MDENG+bPxRfiCYWRONGKEY")
            .arg(gw.url("/pets?type=dog"))
            .run();
        assert_eq!(run.code, 22, "{run:#?}");
        // --fail: no body on stdout; the 403's answer goes to stderr, first.
        assert_eq!(run.stdout, "");
        let stderr = &run.stderr;
        let answer = stderr
            .find("sigv4: the server's answer (HTTP 403):\n{")
            .expect("the answer on stderr");
        let explanation = stderr
            .find("sigv4: the server rejected the signature (HTTP 403)")
            .expect("the explanation");
        assert!(answer < explanation, "{stderr}");
        assert!(
            stderr[answer..explanation].contains(SIGNATURE_MISMATCH),
            "{stderr}"
        );
        assert!(
            stderr.contains("sigv4: the server rejected the signature (HTTP 403)"),
            "{stderr}"
        );
        assert!(
            stderr.contains(
                "sigv4: the canonical request we signed:\nGET\n/pets\ntype=dog\nhost:127.0.0.1:"
            ),
            "{stderr}"
        );
        assert!(
            stderr.contains("sigv4: the string to sign:\nAWS4-HMAC-SHA256\n"),
            "{stderr}"
        );
        // The gateway's own canonical request is the same: the key is wrong.
        assert!(
            stderr.contains("the secret access key is wrong"),
            "{stderr}"
        );
        assert!(
            stderr.ends_with("sigv4: (22) the requested URL returned error: 403\n"),
            "{stderr}"
        );
        assert!(!stderr.contains("WRONGKEY"), "{stderr}");
    });
}

#[test]
fn wrong_secret_without_fail_prints_the_body_and_exits_0() {
    with_gateway(|gw| {
        let run = sigv4(&["-i", "--region", REGION, "--access-key", ACCESS_KEY_ID])
            .arg("--secret-key")
            .arg("not-the-secret")
            .arg(gw.url("/pets"))
            .run();
        assert_eq!(run.code, 0, "{run:#?}");
        let (head, body) = run
            .stdout
            .split_once("\r\n\r\n")
            .expect("a head, then the body");
        assert!(head.starts_with("HTTP/1.1 403 Forbidden\r\n"), "{head}");
        assert!(
            head.to_ascii_lowercase()
                .contains("x-amzn-errortype: invalidsignatureexception"),
            "{head}"
        );
        assert!(body.contains(SIGNATURE_MISMATCH), "{body}");
        assert!(
            run.stderr.contains("the secret access key is wrong"),
            "{}",
            run.stderr
        );
    });
}

#[test]
fn fail_with_body_prints_the_body_and_exits_22() {
    with_gateway(|gw| {
        let run = sigv4(&[
            "--fail-with-body",
            "--region",
            REGION,
            "--access-key",
            "AKIDUNKNOWN",
        ])
        .arg("--secret-key")
        .arg("whatever")
        .arg(gw.url("/pets"))
        .run();
        assert_eq!(run.code, 22, "{run:#?}");
        assert!(
            run.json()["message"]
                .as_str()
                .unwrap()
                .contains("AKIDUNKNOWN"),
            "{run:#?}"
        );
        // Not a signature problem: no canonical request printed.
        assert!(!run.stderr.contains("canonical request"), "{}", run.stderr);
    });
}

#[test]
fn output_file_and_include() {
    with_gateway(|gw| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("answer.txt");
        let run = sigv4(&["-i", "-o"])
            .arg(&out)
            .long_term_keys()
            .env("AWS_REGION", REGION)
            .arg(gw.url("/pets"))
            .run();
        assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{run:#?}");
        let written = std::fs::read_to_string(&out).unwrap();
        let (head, body) = written.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert!(
            head.contains("\r\ncontent-type: application/json"),
            "{head}"
        );
        let echo: Value = serde_json::from_str(body).unwrap();
        assert_eq!(echo["access_key_id"], ACCESS_KEY_ID);
    });
}

#[test]
fn verbose_prints_what_was_signed_without_the_token() {
    with_gateway(|gw| {
        let token = gateway::temporary_credentials()
            .session_token()
            .unwrap()
            .to_owned();
        let run = sigv4(&["-v", "-G", "-d", "type=cat"])
            .temporary_keys_in_env()
            .env("AWS_REGION", REGION)
            .arg(gw.url("/pets"))
            .run();
        let echo = assert_accepted(&run, TEMP_ACCESS_KEY_ID);
        assert_eq!(echo["query"], "type=cat");
        let stderr = &run.stderr;
        for part in [
            "* signing for service `execute-api` in region `us-east-1` (from AWS_REGION) with access key ASIAEXAMPLETEMPORARY (from the environment (AWS_ACCESS_KEY_ID))\n",
            "* canonical request:\nGET\n/pets\ntype=cat\nhost:127.0.0.1:",
            "\nx-amz-security-token:[redacted]\n\nhost;x-amz-content-sha256;x-amz-date;x-amz-security-token\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n",
            "* string to sign:\nAWS4-HMAC-SHA256\n",
            "\n> GET /pets?type=cat HTTP/1.1\n",
            "\n> user-agent: sigv4/",
            "\n> x-amz-security-token: [redacted]\n",
            "\n> authorization: AWS4-HMAC-SHA256 Credential=ASIAEXAMPLETEMPORARY/",
            "\n>\n< HTTP/1.1 200 OK\n< ",
        ] {
            assert!(stderr.contains(part), "{part:?} not in\n{stderr}");
        }
        assert!(!stderr.contains(&token), "{stderr}");
        let secret = gateway::temporary_credentials()
            .secret_access_key()
            .to_owned();
        assert!(!stderr.contains(&secret), "{stderr}");
    });
}

#[test]
fn dry_run_prints_the_signed_request_and_sends_nothing() {
    let creds = gateway::temporary_credentials();
    // Nothing listens there: a request would end with exit code 7.
    let url = closed_port_url();
    let run = sigv4(&[
        "--dry-run",
        "-d",
        "{}",
        "-H",
        "content-type: application/json",
        "--region",
        "eu-west-1",
    ])
    .temporary_keys_in_env()
    .arg(&url)
    .run();
    assert_eq!(run.code, 0, "{run:#?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], format!("POST {url}"));
    let header = |name: &str| {
        lines
            .iter()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("no {name} in {lines:#?}"))
    };
    assert_eq!(header("content-type"), "application/json");
    // What is sent unsigned is listed too.
    assert_eq!(header("accept"), "*/*");
    assert!(header("user-agent").starts_with("sigv4/"));
    assert_eq!(header("content-length"), "2");
    assert_eq!(header("x-amz-security-token"), "[redacted]");
    assert_eq!(
        header("x-amz-content-sha256"),
        "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
    );
    let authorization = header("authorization");
    assert!(
        authorization.starts_with("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLETEMPORARY/"),
        "{authorization}"
    );
    assert!(authorization.contains("/eu-west-1/execute-api/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature="), "{authorization}");
    let signature = authorization.rsplit_once("Signature=").unwrap().1;
    assert_eq!(signature.len(), 64);
    assert!(
        !run.stdout.contains(creds.session_token().unwrap()),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains(creds.secret_access_key()),
        "{}",
        run.stdout
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn region_comes_from_the_host_name() {
    let run = sigv4(&["--dry-run"])
        .long_term_keys()
        .arg("abc123.execute-api.ap-southeast-2.amazonaws.com/prod/pets")
        .run();
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout
            .starts_with("GET https://abc123.execute-api.ap-southeast-2.amazonaws.com/prod/pets\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("/ap-southeast-2/execute-api/aws4_request"),
        "{}",
        run.stdout
    );

    // The environment's region wins, with a warning when the host disagrees.
    let run = sigv4(&["--dry-run"])
        .long_term_keys()
        .env("AWS_REGION", "us-west-2")
        .arg("https://abc123.execute-api.ap-southeast-2.amazonaws.com/prod/pets")
        .run();
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout.contains("/us-west-2/execute-api/aws4_request"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("warning: signing for region `us-west-2` (from AWS_REGION), but the host is in `ap-southeast-2`"), "{}", run.stderr);

    // -s: no warning.
    let run = sigv4(&["--dry-run", "-s"])
        .long_term_keys()
        .env("AWS_REGION", "us-west-2")
        .arg("https://abc123.execute-api.ap-southeast-2.amazonaws.com/prod/pets")
        .run();
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
}

#[test]
fn s3_is_signed_with_s3_settings() {
    let run = sigv4(&["--dry-run", "--service", "s3", "-X", "PUT", "-d", "hello"])
        .long_term_keys()
        .arg("https://my-bucket.s3.eu-central-1.amazonaws.com/a%2Fb//report.csv")
        .arg("-v")
        .run();
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(run.stdout.contains("\nx-amz-content-sha256: 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\n"), "{}", run.stdout);
    assert!(
        run.stdout.contains("/eu-central-1/s3/aws4_request"),
        "{}",
        run.stdout
    );
    // Encoded once, not normalized.
    assert!(
        run.stderr
            .contains("* canonical request:\nPUT\n/a%2Fb//report.csv\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["--presign", "0", "https://h/"],
        &["--presign", "604801", "https://h/"],
        &["--presign", "60", "--dry-run", "https://h/"],
        &["--access-key", "AKID", "https://h/"],
        &[
            "--profile",
            "p",
            "--access-key",
            "A",
            "--secret-key",
            "S",
            "https://h/",
        ],
        &["-H", "no colon here", "https://h/"],
        &["-X", "GET /", "https://h/"],
        &["-d", "@", "https://h/"],
        &["-m", "soon", "https://h/"],
        &["--no-such-flag", "https://h/"],
    ] {
        let run = sigv4(args).run();
        assert_eq!(run.code, 2, "{args:?}: {run:#?}");
        assert!(
            run.stderr.starts_with("error: "),
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("sigv4 --help") || run.stderr.contains("'--help'"),
            "{}",
            run.stderr
        );
        assert_eq!(run.stdout, "");
    }
}

#[test]
fn help_and_version() {
    let run = sigv4(&["--help"]).run();
    assert_eq!(run.code, 0);
    for part in [
        "Usage: sigv4 [OPTIONS] <URL>",
        "-X, --request <METHOD>",
        "-H, --header <HEADER>",
        "-d, --data <DATA>",
        "--presign <SECONDS>",
        "--dry-run",
        "Exit codes",
        "22  HTTP status 400 or above",
    ] {
        assert!(run.stdout.contains(part), "{part}: {}", run.stdout);
    }
    let run = sigv4(&["--version"]).run();
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, concat!("sigv4 ", env!("CARGO_PKG_VERSION"), "\n"))
    );
}

#[test]
fn setup_failures_say_what_to_do() {
    // No credentials anywhere (an empty HOME).
    let run = sigv4(&["--region", "us-east-1", "https://h/"]).run();
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(
        run.stderr.starts_with("sigv4: (2) no credentials: "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--access-key"), "{}", run.stderr);

    // No region anywhere, for an AWS host that does not name one.
    let run = sigv4(&[])
        .long_term_keys()
        .arg("https://abc123.execute-api.amazonaws.com.cn/prod")
        .run();
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(
        run.stderr.contains("no region: pass --region"),
        "{}",
        run.stderr
    );

    // A missing --data file: curl's 26.
    let run = sigv4(&["-d", "@/nonexistent/pet.json", "--region", "us-east-1"])
        .long_term_keys()
        .arg("https://h/")
        .run();
    assert_eq!(run.code, 26, "{run:#?}");

    // URLs.
    for (url, code) in [
        ("https://h/a b", 3),
        ("ftp://h/file", 1),
        ("wss://h/prod", 1),
    ] {
        let run = sigv4(&["--region", "us-east-1"])
            .long_term_keys()
            .arg(url)
            .run();
        assert_eq!(run.code, code, "{url}: {run:#?}");
        assert!(
            run.stderr.starts_with(&format!("sigv4: ({code}) ")),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn connection_refused_exits_7() {
    let url = closed_port_url();
    let run = sigv4(&["--region", "us-east-1"])
        .long_term_keys()
        .arg(&url)
        .run();
    assert_eq!(run.code, 7, "{run:#?}");
    assert!(
        run.stderr
            .starts_with("sigv4: (7) could not connect to 127.0.0.1:"),
        "{}",
        run.stderr
    );
}

#[test]
fn output_that_cannot_be_written_exits_23() {
    with_gateway(|gw| {
        let run = sigv4(&["-o", "/nonexistent/dir/answer.json"])
            .long_term_keys()
            .env("AWS_REGION", REGION)
            .arg(gw.url("/pets"))
            .run();
        assert_eq!(run.code, 23, "{run:#?}");
        assert!(Path::new("/nonexistent/dir").metadata().is_err());
    });
}

#[test]
fn curl_flags_that_are_not_offered_say_why() {
    for (flags, why) in [
        (&["-k"][..], "sigv4: -k/--insecure is not offered: "),
        (&["--insecure"], "sigv4: -k/--insecure is not offered: "),
        (&["-L"], "sigv4: -L/--location is not offered: "),
        (
            &["--location", "-s"],
            "sigv4: -L/--location is not offered: ",
        ),
    ] {
        let run = sigv4(flags).long_term_keys().arg("https://h/").run();
        assert_eq!(run.code, 2, "{flags:?}: {run:#?}");
        assert!(run.stderr.starts_with(why), "{flags:?}: {}", run.stderr);
        // One line, with the reason.
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(
            run.stderr.contains("without certificate checks")
                || run.stderr.contains("would need a new signature"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn the_secret_from_a_file_or_stdin_is_accepted_without_a_warning() {
    with_gateway(|gw| {
        // From a file (long_term_keys).
        let run = sigv4(&["--region", REGION])
            .long_term_keys()
            .arg(gw.url("/pets"))
            .run();
        assert_accepted(&run, ACCESS_KEY_ID);
        assert_eq!(run.stderr, "");

        // From stdin.
        let creds = gateway::long_term_credentials();
        let run = sigv4(&["--region", REGION, "--access-key", ACCESS_KEY_ID])
            .args(["--secret-key-file", "-"])
            .stdin(format!("{}\n", creds.secret_access_key()).as_bytes())
            .arg(gw.url("/pets"))
            .run();
        assert_accepted(&run, ACCESS_KEY_ID);
        assert_eq!(run.stderr, "");
    });
}

#[test]
fn the_secret_on_the_command_line_is_accepted_with_a_warning() {
    with_gateway(|gw| {
        let creds = gateway::long_term_credentials();
        for (silent, warned) in [(false, true), (true, false)] {
            let run = sigv4(&["--region", REGION, "--access-key", ACCESS_KEY_ID])
                .arg("--secret-key")
                .arg(creds.secret_access_key())
                .args(silent.then_some("-s"))
                .arg(gw.url("/pets"))
                .run();
            assert_accepted(&run, ACCESS_KEY_ID);
            let expected = match warned {
                true => {
                    "sigv4: warning: --secret-key puts the secret on the command line, where \
                         other users of this machine can see it: prefer --secret-key-file FILE \
                         (or - for stdin), the environment or a profile\n"
                }
                false => "",
            };
            assert_eq!(run.stderr, expected);
        }
    });
}

#[test]
fn the_secret_and_the_data_cannot_both_come_from_stdin() {
    let run = sigv4(&["--access-key", ACCESS_KEY_ID, "--secret-key-file", "-"])
        .args(["-d", "@-", "https://h/"])
        .run();
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(
        run.stderr
            .starts_with("sigv4: -d @- and --secret-key-file - cannot both read stdin"),
        "{}",
        run.stderr
    );
    let run = sigv4(&["--access-key", ACCESS_KEY_ID, "--secret-key-file", "-"])
        .args(["-T", "-", "https://h/"])
        .run();
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(
        run.stderr
            .starts_with("sigv4: -T - and --secret-key-file - cannot both read stdin"),
        "{}",
        run.stderr
    );
    // --secret-key-file needs --access-key, and excludes --secret-key.
    for flags in [
        &["--secret-key-file", "f", "https://h/"][..],
        &[
            "--access-key",
            "A",
            "--secret-key",
            "S",
            "--secret-key-file",
            "f",
            "https://h/",
        ],
    ] {
        let run = sigv4(flags).run();
        assert_eq!(run.code, 2, "{flags:?}: {run:#?}");
    }
}

#[test]
fn a_host_that_is_not_aws_is_signed_for_us_east_1_with_a_note() {
    with_gateway(|gw| {
        // The gateway verifies us-east-1; nothing names a region.
        let run = sigv4(&[]).long_term_keys().arg(gw.url("/pets")).run();
        assert_accepted(&run, ACCESS_KEY_ID);
        assert!(
            run.stderr
                .starts_with("sigv4: note: signing for region `us-east-1`"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("pass --region"), "{}", run.stderr);

        // -s: no note. The environment's region still wins (and is refused
        // here: the gateway is in us-east-1).
        let run = sigv4(&["-s"]).long_term_keys().arg(gw.url("/pets")).run();
        assert_accepted(&run, ACCESS_KEY_ID);
        assert_eq!(run.stderr, "");
        let run = sigv4(&["--fail", "-s"])
            .long_term_keys()
            .env("AWS_REGION", "eu-west-3")
            .arg(gw.url("/pets"))
            .run();
        assert_eq!(run.code, 22, "{run:#?}");
        // The gateway names the region it was signed for.
        assert!(
            run.stderr.contains("region is `eu-west-3`"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("note:"), "{}", run.stderr);
    });
}

#[test]
fn data_from_a_file_has_no_content_type_unless_given() {
    with_gateway(|gw| {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("report.csv");
        std::fs::write(&file, "a,b\n1,2\n").unwrap();
        let run = sigv4(&["-X", "PUT", "--region", REGION])
            .arg("-d")
            .arg(format!("@{}", file.display()))
            .long_term_keys()
            .arg(gw.url("/reports/report.csv"))
            .run();
        let echo = assert_accepted(&run, ACCESS_KEY_ID);
        assert_eq!(
            signed_headers(&echo),
            [
                "content-length",
                "host",
                "x-amz-content-sha256",
                "x-amz-date"
            ]
        );
        let received = echo["received_headers"].as_array().unwrap();
        assert!(
            !received.iter().any(|h| h == "content-type"),
            "{received:?}"
        );

        // Text data keeps curl's form type.
        let run = sigv4(&["-d", "a=1", "--region", REGION])
            .long_term_keys()
            .arg(gw.url("/pets"))
            .run();
        let echo = assert_accepted(&run, ACCESS_KEY_ID);
        assert!(signed_headers(&echo).contains(&"content-type"), "{echo:#}");
    });
}

#[test]
fn a_role_profile_whose_source_is_missing_says_so() {
    let run = sigv4(&["--profile", "corp", "--region", REGION, "https://h/"])
        .aws_file(
            "config",
            "[profile corp]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n",
        )
        .run();
    assert_eq!(run.code, 2, "{run:#?}");
    let stderr = &run.stderr;
    assert!(
        stderr.starts_with("sigv4: (2) no credentials: "),
        "{stderr}"
    );
    assert!(stderr.contains("`base`"), "{stderr}");
    assert!(!stderr.contains("--profile NAME"), "{stderr}");
}
