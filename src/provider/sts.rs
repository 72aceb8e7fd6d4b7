//! The STS client of the network sources: `AssumeRole` (signed with this
//! crate's own [`Signer`]) and `AssumeRoleWithWebIdentity` (unsigned: the
//! token is the proof).
//!
//! STS's query API: a `POST` of an `application/x-www-form-urlencoded`
//! body `Action=…&Version=2011-06-15&…` to `https://sts.<region>.amazonaws.com/`
//! (or a configured endpoint, see [`remote`](super::remote)). It answers in
//! XML: `<Credentials>` with `AccessKeyId`, `SecretAccessKey`,
//! `SessionToken` and `Expiration`, or `<Error>` with `Code` and `Message`.
//! Server errors and throttling are retried twice.

use std::time::Duration;

use quick_xml::events::Event;
use quick_xml::Reader;
use zeroize::Zeroizing;

use super::remote::{escape_remote, Remote, Service, DEFAULT_STS_REGION};
use crate::canonical::query::push_encoded_byte;
use crate::timestamp::parse_rfc3339;
use crate::{Credentials, Error, Signer};

const VERSION: &str = "2011-06-15";
const ASSUME_ROLE: &str = "STS AssumeRole";
const ASSUME_ROLE_WITH_WEB_IDENTITY: &str = "STS AssumeRoleWithWebIdentity";
/// One try and two retries.
const MAX_ATTEMPTS: u32 = 3;
/// The wait before the first retry; doubled before the next.
const RETRY_DELAY: Duration = Duration::from_millis(200);
/// Error codes worth another try (besides any 5xx or 429 status).
const RETRYABLE_CODES: [&str; 5] = [
    "Throttling",
    "ThrottlingException",
    "RequestLimitExceeded",
    "IDPCommunicationError",
    "RequestTimeout",
];

/// The role to assume and how.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RoleRequest<'a> {
    pub(crate) role_arn: &'a str,
    pub(crate) session_name: &'a str,
    pub(crate) external_id: Option<&'a str>,
    pub(crate) duration_seconds: Option<u32>,
}

/// `AssumeRole` with `source`'s credentials.
pub(crate) fn assume_role(
    remote: &Remote<'_>,
    source: &Credentials,
    role: &RoleRequest<'_>,
) -> Result<Credentials, Error> {
    let duration = role.duration_seconds.map(|d| d.to_string());
    let mut params = vec![
        ("Action", "AssumeRole"),
        ("Version", VERSION),
        ("RoleArn", role.role_arn),
        ("RoleSessionName", role.session_name),
    ];
    if let Some(id) = role.external_id {
        params.push(("ExternalId", id));
    }
    if let Some(duration) = &duration {
        params.push(("DurationSeconds", duration));
    }
    call(remote, ASSUME_ROLE, &params, Some(source))
}

/// `AssumeRoleWithWebIdentity` with `token` (an OIDC token, e.g. a
/// Kubernetes service account's).
pub(crate) fn assume_role_with_web_identity(
    remote: &Remote<'_>,
    role_arn: &str,
    session_name: &str,
    token: &str,
) -> Result<Credentials, Error> {
    let params = [
        ("Action", "AssumeRoleWithWebIdentity"),
        ("Version", VERSION),
        ("RoleArn", role_arn),
        ("RoleSessionName", session_name),
        ("WebIdentityToken", token),
    ];
    call(remote, ASSUME_ROLE_WITH_WEB_IDENTITY, &params, None)
}

/// Sends one STS action (signed with `signer_credentials` if given),
/// retrying server errors, and reads the credentials it answers with.
fn call(
    remote: &Remote<'_>,
    operation: &'static str,
    params: &[(&str, &str)],
    signer_credentials: Option<&Credentials>,
) -> Result<Credentials, Error> {
    let region = remote
        .region()
        .unwrap_or_else(|| DEFAULT_STS_REGION.to_owned());
    let endpoint = match remote.configured_endpoint(Service::Sts)? {
        Some(url) => url,
        None => format!("https://sts.{region}.amazonaws.com/"),
    };
    let body = form(params);
    let mut delay = RETRY_DELAY;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut request = http::Request::post(endpoint.as_str())
            .header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body.to_vec())
            .map_err(|_| Error::InvalidEndpointSetting {
                setting: format!("the STS endpoint for region `{region}`"),
            })?;
        if let Some(credentials) = signer_credentials {
            Signer::new(credentials.clone(), region.as_str(), "sts").sign(&mut request)?;
        }
        let last = attempt == MAX_ATTEMPTS;
        match remote.send(operation, request) {
            Ok(response) if response.status().is_success() => {
                return parse_credentials(operation, response.body());
            }
            Ok(response) => {
                let status = response.status();
                let (code, message) = parse_error(response.body());
                let retry = status.is_server_error()
                    || status == http::StatusCode::TOO_MANY_REQUESTS
                    || RETRYABLE_CODES.contains(&code.as_str());
                if last || !retry {
                    return Err(Error::CredentialsServiceError {
                        operation,
                        status: status.as_u16(),
                        code: escape_remote(&code),
                        message: escape_remote(&message),
                    });
                }
            }
            Err(e) if last => return Err(e),
            Err(_) => {}
        }
        std::thread::sleep(delay);
        delay *= 2;
    }
}

/// `name=value&…`, each percent-encoded (unreserved characters kept).
fn form(params: &[(&str, &str)]) -> Zeroizing<Vec<u8>> {
    let mut out = String::new();
    for (i, (name, value)) in params.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        name.bytes().for_each(|b| push_encoded_byte(&mut out, b));
        out.push('=');
        value.bytes().for_each(|b| push_encoded_byte(&mut out, b));
    }
    Zeroizing::new(out.into_bytes())
}

/// The credentials in a successful answer.
fn parse_credentials(operation: &'static str, body: &[u8]) -> Result<Credentials, Error> {
    let invalid = |problem: String| Error::CredentialsServiceResponse { operation, problem };
    let fields = [
        "AccessKeyId",
        "SecretAccessKey",
        "SessionToken",
        "Expiration",
    ];
    let [key_id, secret, token, expiration] =
        child_texts(body, "Credentials", fields).map_err(|problem| invalid(problem.to_owned()))?;
    let missing = |field: &str| invalid(format!("no `Credentials/{field}` in the XML"));
    let key_id = key_id.ok_or_else(|| missing("AccessKeyId"))?;
    let secret = secret.ok_or_else(|| missing("SecretAccessKey"))?;
    let token = token.ok_or_else(|| missing("SessionToken"))?;
    let expiration = expiration.ok_or_else(|| missing("Expiration"))?;
    let expiry = parse_rfc3339(&expiration)
        .ok_or_else(|| invalid("`Credentials/Expiration` is not an RFC 3339 time".to_owned()))?;
    Ok(Credentials::new(
        key_id.as_str(),
        secret.as_str(),
        Some(token.as_str().to_owned()),
    )
    .with_expiry(expiry))
}

/// The `Code` and `Message` of an error answer (empty if it has none).
fn parse_error(body: &[u8]) -> (String, String) {
    match child_texts(body, "Error", ["Code", "Message"]) {
        Ok([code, message]) => (
            code.map(|c| c.to_string()).unwrap_or_default(),
            message.map(|m| m.to_string()).unwrap_or_default(),
        ),
        Err(_) => (String::new(), String::new()),
    }
}

/// The text of the children `names` of the first `parent` element
/// (namespaces ignored, entities resolved, surrounding whitespace
/// trimmed). Errors say what is wrong without quoting the text.
fn child_texts<const N: usize>(
    body: &[u8],
    parent: &str,
    names: [&str; N],
) -> Result<[Option<Zeroizing<String>>; N], &'static str> {
    let text = std::str::from_utf8(body).map_err(|_| "the answer is not UTF-8")?;
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<String> = Vec::new();
    let mut found: [Option<Zeroizing<String>>; N] = std::array::from_fn(|_| None);
    // The child being read: its index in `names`.
    let mut current: Option<usize> = None;
    let mut parents_seen = 0;
    const NOT_XML: &str = "the answer is not well-formed XML";
    loop {
        match reader.read_event().map_err(|_| NOT_XML)? {
            Event::Start(e) => {
                let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                current = match stack.last() {
                    Some(p) if p == parent && parents_seen == 1 => {
                        names.iter().position(|n| *n == local)
                    }
                    _ => None,
                };
                if local == parent {
                    parents_seen += 1;
                }
                if let Some(i) = current {
                    found[i] = Some(Zeroizing::new(String::new()));
                }
                stack.push(local);
            }
            Event::End(_) => {
                stack.pop();
                current = None;
            }
            Event::Text(t) => {
                if let Some(slot) = current.and_then(|i| found[i].as_mut()) {
                    slot.push_str(&t.xml_content().map_err(|_| NOT_XML)?);
                }
            }
            Event::CData(t) => {
                if let Some(slot) = current.and_then(|i| found[i].as_mut()) {
                    slot.push_str(&t.decode().map_err(|_| NOT_XML)?);
                }
            }
            Event::GeneralRef(r) => {
                if let Some(slot) = current.and_then(|i| found[i].as_mut()) {
                    let resolved = match r.resolve_char_ref().map_err(|_| NOT_XML)? {
                        Some(c) => c,
                        None => {
                            let name = r.decode().map_err(|_| NOT_XML)?;
                            let entity = quick_xml::escape::resolve_predefined_entity(&name)
                                .ok_or("the answer uses an unknown XML entity")?;
                            entity.chars().next().unwrap_or_default()
                        }
                    };
                    slot.push(resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if parents_seen == 0 {
        return Err(match parent {
            "Credentials" => "the XML has no `Credentials` element",
            _ => "the XML has no `Error` element",
        });
    }
    for slot in found.iter_mut().flatten() {
        let trimmed = slot.trim();
        if trimmed.len() != slot.len() {
            *slot = Zeroizing::new(trimmed.to_owned());
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests;
