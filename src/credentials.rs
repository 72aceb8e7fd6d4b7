//! AWS credentials: an access key id, a secret access key and, for temporary
//! (STS) credentials, a session token and the time they expire.

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// A set of AWS credentials.
///
/// Cloning is cheap (the strings are shared). The secret access key and the
/// session token are never shown by `Debug` and are overwritten with zeros
/// when the last clone is dropped.
///
/// ```
/// use http_sigv4::Credentials;
///
/// let long_term = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None);
/// assert_eq!(long_term.access_key_id(), "AKIDEXAMPLE");
/// assert_eq!(long_term.session_token(), None);
///
/// let temporary = Credentials::new("ASIAEXAMPLE", "s3cr3t-value", Some("t0ken-value".to_owned()));
/// assert_eq!(temporary.session_token(), Some("t0ken-value"));
///
/// // Debug output redacts the secret and the token.
/// let shown = format!("{temporary:?}");
/// assert!(shown.contains("ASIAEXAMPLE"));
/// assert!(!shown.contains("s3cr3t-value") && !shown.contains("t0ken-value"));
/// ```
#[derive(Clone)]
pub struct Credentials {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    access_key_id: String,
    secret_access_key: Zeroizing<String>,
    session_token: Option<Zeroizing<String>>,
    expiry: Option<SystemTime>,
    /// SHA-256 of the secret, computed on first use (see
    /// [`Credentials::secret_digest`]).
    secret_digest: OnceLock<[u8; 32]>,
}

impl Credentials {
    /// Credentials from an access key id, a secret access key and, for
    /// temporary credentials, a session token: `None`, `Some(token)` with a
    /// `String`, or the `String` itself.
    ///
    /// Nothing is validated here; a credential that cannot be signed with
    /// (empty, or holding characters a header cannot carry) makes signing
    /// return [`Error::InvalidCredentials`](crate::Error::InvalidCredentials).
    ///
    /// ```
    /// use http_sigv4::Credentials;
    /// let long_term = Credentials::new("AKID", "SECRET", None);
    /// assert_eq!(long_term.session_token(), None);
    ///
    /// let token: Option<String> = Some("TOKEN".to_owned()); // e.g. from a secret store
    /// let temporary = Credentials::new("ASIAEXAMPLE", String::from("SECRET"), token);
    /// assert_eq!(temporary.session_token(), Some("TOKEN"));
    ///
    /// // A string literal as the token: `Some("TOKEN".to_owned())` (or `"TOKEN".to_owned()`).
    /// let literal = Credentials::new("ASIAEXAMPLE", "SECRET", Some("TOKEN".to_owned()));
    /// assert_eq!(literal.session_token(), Some("TOKEN"));
    /// ```
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: impl Into<Option<String>>,
    ) -> Self {
        Credentials {
            inner: Arc::new(Inner {
                access_key_id: access_key_id.into(),
                secret_access_key: Zeroizing::new(secret_access_key.into()),
                session_token: session_token.into().map(Zeroizing::new),
                expiry: None,
                secret_digest: OnceLock::new(),
            }),
        }
    }

    /// The same credentials, marked as expiring at `expiry` (temporary
    /// credentials from STS, SSO or a `credential_process`).
    ///
    /// The [`Signer`](crate::Signer) signs with them whatever their expiry;
    /// a [`CachingProvider`](crate::CachingProvider) uses the expiry to
    /// fetch new ones in time.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use http_sigv4::Credentials;
    ///
    /// let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    /// let creds = Credentials::new("ASIAEXAMPLE", "SECRET", Some("TOKEN".to_owned())).with_expiry(at);
    /// assert_eq!(creds.expiry(), Some(at));
    /// ```
    pub fn with_expiry(mut self, expiry: SystemTime) -> Self {
        Arc::make_mut(&mut self.inner).expiry = Some(expiry);
        self
    }

    /// When these credentials stop working, if they are temporary and the
    /// source said so; `None` for long-term keys.
    ///
    /// ```
    /// # use http_sigv4::Credentials;
    /// assert_eq!(Credentials::new("AKID", "S", None).expiry(), None);
    /// ```
    pub fn expiry(&self) -> Option<SystemTime> {
        self.inner.expiry
    }

    /// Whether `self` and `other` hold the same access key id and secret
    /// access key (what a signing key is derived from).
    /// SHA-256 of the secret access key, computed once for these
    /// credentials and their clones: what a cache of derived keys is keyed
    /// by, so that it never holds the secret itself.
    pub(crate) fn secret_digest(&self) -> [u8; 32] {
        *self
            .inner
            .secret_digest
            .get_or_init(|| Sha256::digest(self.inner.secret_access_key.as_bytes()).into())
    }

    pub(crate) fn same_key(&self, other: &Credentials) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
            || (self.inner.access_key_id == other.inner.access_key_id
                && *self.inner.secret_access_key == *other.inner.secret_access_key)
    }

    /// The access key id (e.g. `AKIDEXAMPLE`); it is not a secret and appears
    /// in every signed request.
    ///
    /// ```
    /// # use http_sigv4::Credentials;
    /// assert_eq!(Credentials::new("AKID", "S", None).access_key_id(), "AKID");
    /// ```
    pub fn access_key_id(&self) -> &str {
        &self.inner.access_key_id
    }

    /// The secret access key. Handle it with care: it is what signs.
    ///
    /// ```
    /// # use http_sigv4::Credentials;
    /// assert_eq!(Credentials::new("AKID", "S", None).secret_access_key(), "S");
    /// ```
    pub fn secret_access_key(&self) -> &str {
        &self.inner.secret_access_key
    }

    /// The session token of temporary credentials, if any.
    ///
    /// ```
    /// # use http_sigv4::Credentials;
    /// assert_eq!(Credentials::new("AKID", "S", Some("T".to_owned())).session_token(), Some("T"));
    /// ```
    pub fn session_token(&self) -> Option<&str> {
        self.inner.session_token.as_deref().map(String::as_str)
    }
}

/// `text` (a canonical request) with the value of a signed session token,
/// as an `x-amz-security-token` header line or an `X-Amz-Security-Token`
/// query parameter, replaced by `<redacted>`: for `Debug` output and error
/// messages.
pub(crate) fn redact_session_token(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let header = rest
            .find("x-amz-security-token:")
            .map(|i| (i, "x-amz-security-token:", '\n'));
        let param = rest
            .find("X-Amz-Security-Token=")
            .map(|i| (i, "X-Amz-Security-Token=", '&'));
        let next = match (header, param) {
            (Some(h), Some(p)) => Some(if h.0 < p.0 { h } else { p }),
            (h, p) => h.or(p),
        };
        let Some((at, marker, end)) = next else {
            out.push_str(rest);
            return out;
        };
        let value_start = at + marker.len();
        out.push_str(&rest[..value_start]);
        out.push_str("<redacted>");
        let value = &rest[value_start..];
        let value_end = value.find([end, '\n']).unwrap_or(value.len());
        rest = &value[value_end..];
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.inner.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.inner.session_token.as_ref().map(|_| "** redacted **"),
            )
            .field("expiry", &self.inner.expiry)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secret_and_token() {
        let c = Credentials::new(
            "AKIDEXAMPLE",
            "very-secret-key",
            Some("session-tok".to_owned()),
        );
        let s = format!("{c:?} {c:#?}");
        assert!(s.contains("AKIDEXAMPLE"));
        assert!(!s.contains("very-secret-key"));
        assert!(!s.contains("session-tok"));
    }

    #[test]
    fn redacts_tokens_in_headers_and_queries() {
        let creq = "GET\n/\na=1&X-Amz-Security-Token=tok%2B&b=2\nhost:h\nx-amz-security-token:tok+\n\nhost\nhash";
        assert_eq!(
            redact_session_token(creq),
            "GET\n/\na=1&X-Amz-Security-Token=<redacted>&b=2\nhost:h\nx-amz-security-token:<redacted>\n\nhost\nhash"
        );
        assert_eq!(redact_session_token("no token"), "no token");
        assert_eq!(
            redact_session_token("X-Amz-Security-Token=last"),
            "X-Amz-Security-Token=<redacted>"
        );
    }

    #[test]
    fn clones_share_the_same_strings() {
        let c = Credentials::new("AKID", "SECRET", None);
        let d = c.clone();
        assert!(Arc::ptr_eq(&c.inner, &d.inner));
    }

    #[test]
    fn with_expiry_leaves_other_clones_alone() {
        let at = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(10);
        let c = Credentials::new("AKID", "SECRET", Some("TOKEN".to_owned()));
        let d = c.clone().with_expiry(at);
        assert_eq!(c.expiry(), None);
        assert_eq!(d.expiry(), Some(at));
        assert_eq!(d.secret_access_key(), "SECRET");
        assert_eq!(d.session_token(), Some("TOKEN"));
        assert!(format!("{d:?}").contains("expiry: Some("));
    }

    #[test]
    fn same_key_compares_id_and_secret_only() {
        let a = Credentials::new("AKID", "SECRET", None);
        assert!(a.same_key(&a.clone()));
        assert!(a.same_key(&Credentials::new("AKID", "SECRET", Some("T".to_owned()))));
        assert!(!a.same_key(&Credentials::new("AKID", "OTHER", None)));
        assert!(!a.same_key(&Credentials::new("AKID2", "SECRET", None)));
    }
}
