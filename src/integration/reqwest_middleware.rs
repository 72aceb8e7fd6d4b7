//! [`SigningMiddleware`]: a `reqwest_middleware::Middleware` that signs
//! every request (feature `reqwest-middleware`).

use std::time::SystemTime;

use http::Extensions;
use reqwest_middleware::{Middleware, Next};

use super::RequestSigner;
use crate::Payload;

/// Signs each request of a [`ClientWithMiddleware`](reqwest_middleware::ClientWithMiddleware)
/// with a [`Signer`](crate::Signer), an
/// [`ApiGatewaySigner`](crate::ApiGatewaySigner) or a `SigV4aSigner`.
///
/// Add it **last** (`.with(…)` after every middleware that changes the
/// request), so that it signs what is sent; a retry middleware added before
/// it gets every attempt signed afresh, with the current time and
/// credentials.
///
/// The body must be in memory; a streaming body fails with
/// [`Error::UnhashableBody`](crate::Error::UnhashableBody), unless the signer
/// signs `UNSIGNED-PAYLOAD` or a precomputed hash, or the request's
/// extensions hold a [`Payload`] saying so
/// (`.with_extension(Payload::Unsigned)`). Signing errors are returned as
/// `reqwest_middleware::Error::Middleware`, whose source is the
/// [`Error`](crate::Error).
///
/// ```no_run
/// use http_sigv4::{ApiGatewaySigner, SigningMiddleware};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
///     .with(SigningMiddleware::new(ApiGatewaySigner::from_env()?))
///     .build();
/// let response = client
///     .post("https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets")
///     .header("content-type", "application/json")
///     .body(r#"{"name":"Rex"}"#)
///     .send()
///     .await?;
/// # let _ = response;
/// # Ok(())
/// # }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest-middleware")))]
#[derive(Clone, Debug)]
pub struct SigningMiddleware {
    signer: RequestSigner,
}

impl SigningMiddleware {
    /// A middleware that signs with `signer`.
    ///
    /// ```
    /// use http_sigv4::{Credentials, Signer, SigningMiddleware};
    /// let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "es");
    /// let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::builder().no_proxy().build()?)
    ///     .with(SigningMiddleware::new(signer))
    ///     .build();
    /// # let _ = client;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(signer: impl Into<RequestSigner>) -> Self {
        SigningMiddleware {
            signer: signer.into(),
        }
    }
}

#[async_trait::async_trait]
impl Middleware for SigningMiddleware {
    async fn handle(
        &self,
        mut req: reqwest::Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        super::reqwest::sign(
            &self.signer,
            &mut req,
            SystemTime::now(),
            extensions.get::<Payload>(),
        )
        .map_err(reqwest_middleware::Error::middleware)?;
        next.run(req, extensions).await
    }
}
