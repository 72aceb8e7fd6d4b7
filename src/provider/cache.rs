//! [`CachingProvider`]: keeps a provider's credentials, and refreshes them
//! in the background shortly before they expire.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::thread;
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

/// How long a cache whose background refresh failed waits before trying
/// again, while the credentials it holds still work.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(10);

/// Wraps a provider and hands out the credentials it returned, fetching new
/// ones ahead of their [`expiry`](Credentials::expiry) without making
/// signers wait; credentials without an expiry are kept for good.
///
/// Safe to share between threads, and cheap to clone (clones share the
/// cache):
/// - reading the cache takes a shared lock only, so signers never wait on
///   each other;
/// - from [`refresh_margin`](Self::refresh_margin) before the expiry, the
///   first caller to notice starts **one** refresh on a thread of its own
///   and returns the cached credentials at once, as do all callers while
///   the refresh runs: a signer never waits on a provider while it holds
///   credentials that still work;
/// - a background refresh that fails keeps the cached credentials in use
///   (they still work) and is tried again 10 seconds later;
/// - a caller waits on the provider only when nothing valid is cached: the
///   first call, or after the credentials expired (every refresh having
///   failed). Then one caller asks the provider and the others wait for
///   its answer; an error is returned to the caller (nothing is kept) and
///   the next call tries again;
/// - credentials that the provider returns already expired are an
///   [`Error::CredentialsExpired`]; ones that expire within the margin are
///   used until they expire.
///
/// # In async code
///
/// [`provide_credentials`](ProvideCredentials::provide_credentials) (and so
/// `sign`) blocks only on the first load, and after the credentials expired.
/// Do the first load where blocking is fine: at startup, before the runtime
/// starts, or with `tokio::task::spawn_blocking` (for example
/// `spawn_blocking(|| Signer::from_env("s3")).await?`, since
/// [`Signer::from_env`](crate::Signer::from_env) loads the credentials when
/// it is built). After that, signing inside async code returns at once with
/// the cached credentials while a refresh runs on its own thread.
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
/// assert_eq!(cache.provide_credentials()?.access_key_id(), "ASIA0"); // first load: waits
/// now.store(3000, Ordering::SeqCst); // still fresh
/// assert_eq!(cache.provide_credentials()?.access_key_id(), "ASIA0");
/// now.store(3301, Ordering::SeqCst); // less than 300 s before expiry
/// // Still valid: returned at once, while a refresh runs in the background.
/// assert_eq!(cache.provide_credentials()?.access_key_id(), "ASIA0");
/// while cache.provide_credentials()?.access_key_id() == "ASIA0" {
///     std::thread::sleep(Duration::from_millis(1));
/// }
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
    /// Held by whoever is asking the provider: the background refresh, or
    /// a caller that has nothing valid to use.
    loading: Mutex<()>,
    /// A background refresh was started and has not finished.
    refreshing: AtomicBool,
}

struct Cached {
    credentials: Credentials,
    /// When to ask the provider again; `None`: never. Never after the
    /// credentials' expiry.
    refresh_at: Option<SystemTime>,
}

/// What the cache holds, at some time.
enum Lookup {
    /// Credentials to use, not yet due for a refresh.
    Fresh(Credentials),
    /// Credentials to use, due for a refresh.
    Stale(Credentials),
    /// Nothing, or expired credentials.
    Unusable,
}

/// Clears the `refreshing` flag when the background refresh ends, even by a
/// panic in the provider.
struct ClearOnDrop<'a>(&'a AtomicBool);

impl Drop for ClearOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

impl CachingProvider {
    /// Caches what `provider` returns, with [`DEFAULT_REFRESH_MARGIN`] and
    /// the system clock. Nothing is fetched until the first call.
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
    /// takes to reach AWS plus a refresh takes, and as long as the
    /// presigned URLs you make must stay valid.
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

    fn lookup(&self, now: SystemTime) -> Lookup {
        let guard = self
            .state
            .current
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        match guard.as_ref() {
            Some(cached) if cached.refresh_at.is_none_or(|at| now < at) => {
                Lookup::Fresh(cached.credentials.clone())
            }
            Some(cached) if cached.credentials.expiry().is_none_or(|at| now < at) => {
                Lookup::Stale(cached.credentials.clone())
            }
            _ => Lookup::Unusable,
        }
    }

    /// Asks the provider and caches its answer; the caller holds `loading`.
    fn load(&self, now: SystemTime) -> Result<Credentials, Error> {
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

    /// Starts a refresh on a thread of its own, unless one is running.
    fn refresh_in_background(&self) {
        if self.state.refreshing.swap(true, Ordering::AcqRel) {
            return;
        }
        let cache = self.clone();
        let spawned = thread::Builder::new()
            .name("http-sigv4-credentials-refresh".into())
            .spawn(move || cache.refresh());
        if spawned.is_err() {
            // No thread to be had: the next caller tries again.
            self.state.refreshing.store(false, Ordering::Release);
        }
    }

    /// The background refresh.
    fn refresh(&self) {
        let _running = ClearOnDrop(&self.state.refreshing);
        let _loading = self
            .state
            .loading
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let now = (self.clock)();
        if let Lookup::Fresh(_) = self.lookup(now) {
            return; // a caller loaded new credentials meanwhile
        }
        if self.load(now).is_err() {
            // Keep using what is cached while it works; try again later.
            let mut current = self
                .state
                .current
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some(cached) = current.as_mut() {
                let retry = now + RETRY_AFTER_FAILURE;
                cached.refresh_at = Some(match cached.credentials.expiry() {
                    Some(expiry) => retry.min(expiry),
                    None => retry,
                });
            }
        }
    }

    /// Waits until no background refresh runs (tests).
    #[cfg(test)]
    fn settle(&self) {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while self.state.refreshing.load(Ordering::Acquire) {
            assert!(
                std::time::Instant::now() < deadline,
                "the refresh never ended"
            );
            thread::sleep(Duration::from_millis(1));
        }
    }
}

impl ProvideCredentials for CachingProvider {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        match self.lookup((self.clock)()) {
            Lookup::Fresh(credentials) => return Ok(credentials),
            Lookup::Stale(credentials) => {
                self.refresh_in_background();
                return Ok(credentials);
            }
            Lookup::Unusable => {}
        }
        // Nothing valid: wait for whoever is asking the provider, or ask it.
        let _loading = self
            .state
            .loading
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let now = (self.clock)();
        match self.lookup(now) {
            Lookup::Fresh(credentials) | Lookup::Stale(credentials) => Ok(credentials),
            Lookup::Unusable => self.load(now),
        }
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
