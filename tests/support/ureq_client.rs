//! A tiny [`HttpClient`] over ureq (a dev-dependency, plain HTTP only), for
//! the tests that reach stand-in servers on loopback.

use std::time::Duration;

use http_sigv4::HttpClient;

/// Sends each request with a fresh ureq agent, statuses as responses.
pub struct UreqClient;

impl HttpClient for UreqClient {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Duration,
    ) -> std::io::Result<http::Response<Vec<u8>>> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .build()
            .into();
        let response = agent.run(request).map_err(ureq::Error::into_io)?;
        let (parts, mut body) = response.into_parts();
        let bytes = body
            .with_config()
            .limit(1 << 20)
            .read_to_vec()
            .map_err(ureq::Error::into_io)?;
        Ok(http::Response::from_parts(parts, bytes))
    }
}
