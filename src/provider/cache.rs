//! [`CachingProvider`]: keeps a provider's credentials until shortly before
//! they expire.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError, RwLock, TryLockError};
use std::time::{Duration, SystemTime};

use super::ProvideCredentials;
use crate::{Credentials, Error};

/// How long before their expiry cached credentials are replaced by default:
/// five minutes, so that a request signed just before the refresh still
/// reaches AWS before its credentials expire.
///
/// ```
/// assert_eq!(http_sigv4::DEFAULT_REFRESH_MARGIN, std::time::Duration::from_secs(300));
/// ```
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// Wraps a provider and hands out the credentials it returned until
/// [`refresh_margin`](Self::refresh_margin) before their
/// [`expiry`](Credentials::expiry); credentials without an expiry are kept
/// for good.
///
/// Safe to share between threads, and cheap to clone (clones share the
/// cache):
/// - reading a fresh cache takes a shared lock only, so signers never wait
///   on each other;
/// - one refresh at a time: the first caller to find the cache stale asks
///   the provider, while callers that come meanwhile keep using the cached
///   credentials if they have not yet expired (and wait for the refresh
///   only if they have);
/// - a failed refresh returns the provider's error and keeps nothing; the
///   next call tries again;
/// - credentials that the provider returns already expired are an
///   [`Error::CredentialsExpired`]; ones that expire within the margin are
///   used until they expire.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use std::sync::Arc;
/// use std::time::{Duration, UNIX_EPOCH};
/// use http_sigv4::{CachingProvider, Credentials, ProvideCredentials};
///
/// // A source of one-hour credentials that counts its calls.
/// let calls = Arc::new(AtomicU64::new(0));
/// let counter = calls.clone();
/// let source = move || {
///     let n = counter.fetch_add(1, Ordering::SeqCst);
///     let expiry = UNIX_EPOCH + Duration::from_secs(3600 * (n + 1));
///     Ok(Credentials::new(format!("ASIA{n}"), "SECRET", Some("TOKEN".to_owned())).with_expiry(expiry))
/// };
///
/// // A clock we control (seconds since the epoch).
/// let now = Arc::new(AtomicU64::new(0));
/// let clock = now.clone();
/// let cache = CachingProvider::new(source)
///     .refresh_margin(Duration::from_secs(300))
///     .clock(move || UNIX_EPOCH + Duration::from_secs(clock.load(Ordering::SeqCst)));
///
/// assert_eq!(cache.provide_credentials()?.access_key_id(), "ASIA0");
/// now.store(3000, Ordering::SeqCst); // still fresh
/// assert_eq!(cache.provide_credentials()?.access_key_id(), "ASIA0");
/// now.store(3301, Ordering::SeqCst); // less than 300 s before expiry: refresh
/// assert_eq!(cache.provide_credentials()?.access_key_id(), "ASIA1");
/// assert_eq!(calls.load(Ordering::SeqCst), 2);
/// # Ok::<(), http_sigv4::Error>(())
/// ```
#[derive(Clone)]
pub struct CachingProvider {
    provider: Arc<dyn ProvideCredentials + Send + Sync>,
    margin: Duration,
    clock: Arc<dyn Fn() -> SystemTime + Send + Sync>,
    state: Arc<State>,
}

#[derive(Default)]
struct State {
    current: RwLock<Option<Cached>>,
    /// Held by the one caller that is asking the provider.
    refreshing: Mutex<()>,
}

struct Cached {
    credentials: Credentials,
    /// When to ask the provider again; `None`: never.
    refresh_at: Option<SystemTime>,
}

impl CachingProvider {
    /// Caches what `provider` returns, with [`DEFAULT_REFRESH_MARGIN`] and
    /// the system clock.
    ///
    /// ```
    /// use http_sigv4::{CachingProvider, EnvProvider};
    /// let provider = CachingProvider::new(EnvProvider::new());
    /// # let _ = provider;
    /// ```
    pub fn new(provider: impl ProvideCredentials + Send + Sync + 'static) -> Self {
        CachingProvider {
            provider: Arc::new(provider),
            margin: DEFAULT_REFRESH_MARGIN,
            clock: Arc::new(SystemTime::now),
            state: Arc::default(),
        }
    }

    /// How long before expiry to fetch new credentials (default
    /// [`DEFAULT_REFRESH_MARGIN`]). Make it at least as long as a request
    /// takes to reach AWS, and as long as the presigned URLs you make must
    /// stay valid.
    ///
    /// ```
    /// use std::time::Duration;
    /// use http_sigv4::{CachingProvider, EnvProvider};
    /// let provider = CachingProvider::new(EnvProvider::new()).refresh_margin(Duration::from_secs(900));
    /// # let _ = provider;
    /// ```
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// The clock that decides what is fresh (default: `SystemTime::now`);
    /// tests pass one they control.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use http_sigv4::{CachingProvider, Credentials, Error, ProvideCredentials};
    /// let expired = Credentials::new("A", "S", None::<String>).with_expiry(UNIX_EPOCH + Duration::from_secs(10));
    /// let cache = CachingProvider::new(expired).clock(|| UNIX_EPOCH + Duration::from_secs(20));
    /// assert!(matches!(cache.provide_credentials(), Err(Error::CredentialsExpired { .. })));
    /// ```
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The cached credentials if `keep` accepts them.
    fn cached(&self, keep: impl FnOnce(&Cached) -> bool) -> Option<Credentials> {
        let guard = self
            .state
            .current
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        guard
            .as_ref()
            .filter(|cached| keep(cached))
            .map(|cached| cached.credentials.clone())
    }

    fn fresh(&self, now: SystemTime) -> Option<Credentials> {
        self.cached(|c| c.refresh_at.is_none_or(|at| now < at))
    }

    fn unexpired(&self, now: SystemTime) -> Option<Credentials> {
        self.cached(|c| c.credentials.expiry().is_none_or(|at| now < at))
    }
}

impl ProvideCredentials for CachingProvider {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        let now = (self.clock)();
        if let Some(credentials) = self.fresh(now) {
            return Ok(credentials);
        }
        let _refreshing = match self.state.refreshing.try_lock() {
            Ok(guard) => guard,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => {
                // Another caller is refreshing: use what is cached while it
                // still works, else wait for the refresh.
                if let Some(credentials) = self.unexpired(now) {
                    return Ok(credentials);
                }
                self.state
                    .refreshing
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
            }
        };
        // Refreshed while this caller waited?
        let now = (self.clock)();
        if let Some(credentials) = self.fresh(now) {
            return Ok(credentials);
        }
        let credentials = self.provider.provide_credentials()?;
        let refresh_at = match credentials.expiry() {
            None => None,
            Some(expiry) if expiry <= now => {
                return Err(Error::CredentialsExpired { expired_at: expiry })
            }
            Some(expiry) => Some(
                expiry
                    .checked_sub(self.margin)
                    .filter(|at| *at > now)
                    .unwrap_or(expiry),
            ),
        };
        let mut current = self
            .state
            .current
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        *current = Some(Cached {
            credentials: credentials.clone(),
            refresh_at,
        });
        Ok(credentials)
    }
}

impl fmt::Debug for CachingProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachingProvider")
            .field("refresh_margin", &self.margin)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
