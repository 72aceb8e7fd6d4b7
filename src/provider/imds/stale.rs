//! Static stability: the last credentials instance metadata gave, handed
//! out again (with a short extension) when a refresh fails.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::{Credentials, Error};

/// The shortest extension; up to [`JITTER_SECONDS`] more is added so that
/// many hosts do not all retry at the same moment.
const EXTENSION: Duration = Duration::from_secs(5 * 60);
const JITTER_SECONDS: u64 = 5 * 60;

/// The credentials of the last successful fetch, if any.
#[derive(Default)]
pub(super) struct LastCredentials(Option<Credentials>);

impl LastCredentials {
    /// What to hand out after a fetch that gave `fetched`, at `now`, and
    /// the reason to warn about if they are stale: fresh credentials as
    /// they are; expired ones, or the last ones when the fetch failed,
    /// with an expiry at least 5 to 10 minutes away. A failure with
    /// nothing fetched before is returned as it is.
    pub(super) fn resolve(
        &mut self,
        fetched: Result<Credentials, Error>,
        now: SystemTime,
    ) -> Result<(Credentials, Option<Error>), Error> {
        match fetched {
            Ok(credentials) => {
                self.0 = Some(credentials.clone());
                match credentials.expiry() {
                    Some(expired_at) if expired_at <= now => Ok((
                        extended(&credentials, now),
                        Some(Error::CredentialsExpired { expired_at }),
                    )),
                    _ => Ok((credentials, None)),
                }
            }
            Err(error) => match &self.0 {
                Some(last) => Ok((extended(last, now), Some(error))),
                None => Err(error),
            },
        }
    }
}

/// `credentials`, expiring no sooner than 5 to 10 minutes after `now`.
fn extended(credentials: &Credentials, now: SystemTime) -> Credentials {
    let jitter = now
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::from(d.subsec_nanos()) % JITTER_SECONDS)
        .unwrap_or(0);
    let until = now + EXTENSION + Duration::from_secs(jitter);
    match credentials.expiry() {
        Some(expiry) if expiry >= until => credentials.clone(),
        _ => credentials.clone().with_expiry(until),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EndpointProblem;

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    fn creds(id: &str, expiry: u64) -> Credentials {
        Credentials::new(id, "S", Some("T".to_owned())).with_expiry(at(expiry))
    }

    fn failure() -> Error {
        Error::InstanceMetadata(EndpointProblem::TimedOut {
            timeout: Duration::from_secs(1),
        })
    }

    fn in_extension_window(credentials: &Credentials, now: u64) -> bool {
        let expiry = credentials.expiry().unwrap();
        expiry >= at(now + 300) && expiry < at(now + 600)
    }

    #[test]
    fn a_failure_with_nothing_before_is_an_error() {
        let mut last = LastCredentials::default();
        assert_eq!(
            last.resolve(Err(failure()), at(1000)).unwrap_err(),
            failure()
        );
    }

    #[test]
    fn fresh_credentials_pass_unchanged_and_are_remembered() {
        let mut last = LastCredentials::default();
        let (c, reason) = last.resolve(Ok(creds("A", 5000)), at(1000)).unwrap();
        assert_eq!(
            (c.access_key_id(), c.expiry(), reason),
            ("A", Some(at(5000)), None)
        );
        // A later failure hands them out again, extended past `now`.
        let (c, reason) = last.resolve(Err(failure()), at(6000)).unwrap();
        assert_eq!(c.access_key_id(), "A");
        assert!(in_extension_window(&c, 6000), "{:?}", c.expiry());
        assert_eq!(reason, Some(failure()));
        // Again, later: extended again from the new `now`.
        let (c, _) = last.resolve(Err(failure()), at(9000)).unwrap();
        assert!(in_extension_window(&c, 9000), "{:?}", c.expiry());
    }

    #[test]
    fn a_failure_while_the_last_are_valid_long_enough_keeps_their_expiry() {
        let mut last = LastCredentials::default();
        last.resolve(Ok(creds("A", 5000)), at(1000)).unwrap();
        let (c, reason) = last.resolve(Err(failure()), at(2000)).unwrap();
        assert_eq!(c.expiry(), Some(at(5000)));
        assert_eq!(reason, Some(failure()));
    }

    #[test]
    fn expired_credentials_from_the_service_are_extended_with_a_reason() {
        let mut last = LastCredentials::default();
        let (c, reason) = last.resolve(Ok(creds("OLD", 900)), at(1000)).unwrap();
        assert_eq!(c.access_key_id(), "OLD");
        assert!(in_extension_window(&c, 1000), "{:?}", c.expiry());
        assert_eq!(
            reason,
            Some(Error::CredentialsExpired {
                expired_at: at(900)
            })
        );
    }
}
