//! `cargo run --example api_gateway --features server -- --serve`: the
//! stand-in on `VerifyLayer`, started alone, prints
//! (`GatewayServer::write_try_it`) a URL and keys that work, and listens on
//! loopback only.
#![cfg(feature = "server")]

use std::net::SocketAddr;

use http_sigv4::{ApiGatewaySigner, Credentials};

#[path = "../examples/common/gateway.rs"]
#[allow(dead_code)]
mod gateway;
#[path = "../examples/common/gateway_server.rs"]
#[allow(dead_code)]
mod gateway_server;

use gateway_server::GatewayServer as Gateway;

#[test]
fn serve_prints_a_url_and_keys_that_work() {
    let gateway = Gateway::start_on(SocketAddr::from(([127, 0, 0, 1], 0))).unwrap();
    let mut printed = Vec::new();
    gateway.write_try_it(&mut printed).unwrap();
    let text = String::from_utf8(printed).unwrap();

    let url = text
        .split_whitespace()
        .find(|word| word.starts_with("http://127.0.0.1:") && word.ends_with('/'))
        .unwrap_or_else(|| panic!("no URL in:\n{text}"));
    assert_eq!(url, gateway.url("/"));
    let export = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("export "))
        .unwrap_or_else(|| panic!("no keys in:\n{text}"));
    let var = |name: &str| {
        export
            .split_whitespace()
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
            .unwrap_or_else(|| panic!("no {name} in `{export}`"))
    };
    // The commands to try point at this gateway.
    assert!(
        text.contains(&format!(
            "cargo run -p http-sigv4-cli -- '{url}pets?type=dog'"
        )),
        "{text}"
    );

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let send = |secret: &str| {
        let creds = Credentials::new(var("AWS_ACCESS_KEY_ID"), secret, None::<String>);
        let mut req = http::Request::get(format!("{url}pets?type=dog"))
            .body(())
            .unwrap();
        ApiGatewaySigner::new(creds, var("AWS_REGION"))
            .sign(&mut req)
            .unwrap();
        let mut response = agent.run(req).expect("an answer from the stand-in");
        let body = response.body_mut().read_to_string().unwrap();
        (response.status(), body)
    };
    let (status, body) = send(var("AWS_SECRET_ACCESS_KEY"));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(r#""query":"type=dog""#), "{body}");
    // The printed secret is the one that matters.
    assert_eq!(send("not-the-secret").0, 403);
    gateway.stop().unwrap();
}

#[test]
fn serve_listens_on_loopback_only() {
    for addr in ["0.0.0.0:0", "192.0.2.1:8080", "[::]:0"] {
        let err = Gateway::start_on(addr.parse().unwrap())
            .err()
            .unwrap_or_else(|| panic!("{addr} was accepted"));
        assert!(
            err.to_string().contains("is not a loopback address"),
            "{err}"
        );
    }
}
