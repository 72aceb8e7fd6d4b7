//! The token `aws sso login` caches in `~/.aws/sso/cache/<sha1>.json`, and
//! its refresh.
//!
//! The file is a JSON object: `accessToken` and `expiresAt` (RFC 3339),
//! and for a login through an `sso_session`, what renews it: `refreshToken`,
//! `clientId`, `clientSecret` and `registrationExpiresAt`. A token that
//! expires within five minutes is renewed, as the AWS SDKs do, with the
//! OIDC `CreateToken` call (`POST https://oidc.<sso_region>.amazonaws.com/token`,
//! `grantType` `refresh_token`), and the file is rewritten with the new
//! token. If that fails, a token that has not expired yet is still used.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use zeroize::Zeroizing;

use super::super::json::{self, Value};
use super::super::remote::{Remote, Service};
use crate::timestamp::{parse_rfc3339, Timestamp};
use crate::SsoTokenProblem;

/// How long before it expires a token is renewed.
const REFRESH_WINDOW: Duration = Duration::from_secs(300);

/// A cached token file, read.
pub(super) struct CachedToken {
    /// The file's bytes (the spans of nested objects point into them).
    bytes: Zeroizing<Vec<u8>>,
    fields: HashMap<String, Value>,
    pub(super) access_token: Zeroizing<String>,
    pub(super) expires_at: SystemTime,
}

/// Reads the token file at `path`.
pub(super) fn read(path: &Path) -> Result<CachedToken, SsoTokenProblem> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => Zeroizing::new(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(SsoTokenProblem::Missing),
        Err(e) => return Err(SsoTokenProblem::Unreadable { kind: e.kind() }),
    };
    let invalid = |problem| SsoTokenProblem::Invalid { problem };
    let fields = json::parse_object(&bytes).map_err(|_| invalid("not a JSON object"))?;
    let expires_at = string(&fields, "expiresAt")
        .and_then(parse_rfc3339)
        .ok_or(invalid("no RFC 3339 `expiresAt`"))?;
    let access_token = Zeroizing::new(
        string(&fields, "accessToken")
            .ok_or(invalid("no `accessToken`"))?
            .to_owned(),
    );
    Ok(CachedToken {
        bytes,
        fields,
        access_token,
        expires_at,
    })
}

fn string<'a>(fields: &'a HashMap<String, Value>, name: &str) -> Option<&'a str> {
    match fields.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.as_str()),
        _ => None,
    }
}

impl CachedToken {
    /// Whether the token should be renewed at `now`.
    pub(super) fn needs_refresh(&self, now: SystemTime) -> bool {
        self.expires_at <= now + REFRESH_WINDOW
    }

    /// Renews the token with its refresh token and rewrites `path`; `None`
    /// if the file has nothing to renew it with, or the renewal failed.
    pub(super) fn refresh(
        &self,
        remote: &Remote<'_>,
        sso_region: &str,
        path: &Path,
        now: SystemTime,
    ) -> Option<Zeroizing<String>> {
        let registration_valid = string(&self.fields, "registrationExpiresAt")
            .and_then(parse_rfc3339)
            .is_none_or(|at| at > now);
        if !registration_valid {
            return None;
        }
        let [client_id, client_secret, refresh_token] =
            ["clientId", "clientSecret", "refreshToken"].map(|k| string(&self.fields, k));
        let mut body = String::from("{");
        push_member(&mut body, "clientId", client_id?);
        body.push(',');
        push_member(&mut body, "clientSecret", client_secret?);
        body.push(',');
        push_member(&mut body, "grantType", "refresh_token");
        body.push(',');
        push_member(&mut body, "refreshToken", refresh_token?);
        body.push('}');
        let body = Zeroizing::new(body.into_bytes());
        let base = match remote.configured_endpoint(Service::SsoOidc).ok()? {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("https://oidc.{sso_region}.amazonaws.com"),
        };
        let request = http::Request::post(format!("{base}/token"))
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(body.to_vec())
            .ok()?;
        let response = remote
            .send("IAM Identity Center CreateToken", request)
            .ok()?;
        if !response.status().is_success() {
            return None;
        }
        let answer = json::parse_object(response.body()).ok()?;
        let access_token = Zeroizing::new(string(&answer, "accessToken")?.to_owned());
        let expires_in = match answer.get("expiresIn") {
            Some(Value::Number(n)) => n.parse::<u64>().ok()?,
            _ => return None,
        };
        let expires_at = rfc3339(now + Duration::from_secs(expires_in))?;
        let mut updates = vec![
            ("accessToken", access_token.as_str()),
            ("expiresAt", expires_at.as_str()),
        ];
        if let Some(refresh_token) = string(&answer, "refreshToken") {
            updates.push(("refreshToken", refresh_token));
        }
        // Renewed even if the file cannot be rewritten: the next call
        // renews again.
        let _ = self.rewrite(path, &updates);
        Some(access_token)
    }

    /// Writes the file again with `updates`, the other members kept (a
    /// temporary file renamed over it).
    fn rewrite(&self, path: &Path, updates: &[(&str, &str)]) -> std::io::Result<()> {
        let mut names: Vec<&String> = self.fields.keys().collect();
        names.sort();
        let mut out = Zeroizing::new(String::from("{"));
        let mut first = true;
        let mut separator = |out: &mut String| {
            if !std::mem::take(&mut first) {
                out.push(',');
            }
        };
        for name in names {
            if updates.iter().any(|(n, _)| n == name) {
                continue;
            }
            let raw = match &self.fields[name] {
                Value::String(s) => {
                    separator(&mut out);
                    push_member(&mut out, name, s);
                    continue;
                }
                Value::Number(n) => n.clone(),
                Value::Bool(b) => b.to_string(),
                Value::Null => "null".to_owned(),
                Value::Object(span) => String::from_utf8_lossy(&self.bytes[span.clone()]).into(),
                Value::Nested => continue,
            };
            separator(&mut out);
            push_string(&mut out, name);
            out.push(':');
            out.push_str(&raw);
        }
        for (name, value) in updates {
            separator(&mut out);
            push_member(&mut out, name, value);
        }
        out.push('}');
        // Readable by its owner only, as the AWS CLI writes it: it holds
        // tokens and the client secret.
        let temporary = PathBuf::from(format!("{}.tmp", path.display()));
        let _ = std::fs::remove_file(&temporary);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temporary)?;
        std::io::Write::write_all(&mut file, out.as_bytes())?;
        drop(file);
        std::fs::rename(&temporary, path)
    }
}

/// `time` as `YYYY-MM-DDTHH:MM:SSZ`.
fn rfc3339(time: SystemTime) -> Option<String> {
    let timestamp = Timestamp::new(time).ok()?;
    let d = timestamp.amz_date();
    Some(format!(
        "{}-{}-{}T{}:{}:{}Z",
        &d[0..4],
        &d[4..6],
        &d[6..8],
        &d[9..11],
        &d[11..13],
        &d[13..15]
    ))
}

fn push_member(out: &mut String, name: &str, value: &str) {
    push_string(out, name);
    out.push(':');
    push_string(out, value);
}

/// `value` as a JSON string.
fn push_string(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}
