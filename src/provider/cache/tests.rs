use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Barrier};
use std::thread;
use std::time::{Instant, UNIX_EPOCH};

use super::*;

/// A clock tests move by hand (seconds since the epoch).
#[derive(Clone, Default)]
struct Clock(Arc<AtomicU64>);

impl Clock {
    fn set(&self, secs: u64) {
        self.0.store(secs, Ordering::SeqCst);
    }
    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.0.load(Ordering::SeqCst))
    }
}

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// A provider whose n-th call (from 0) returns `ASIA<n>`, expiring at
/// `expiry(n)`; counts its calls.
#[derive(Clone)]
struct Counting {
    calls: Arc<AtomicUsize>,
    expiry: Arc<dyn Fn(usize) -> Option<SystemTime> + Send + Sync>,
}

impl Counting {
    fn new(expiry: impl Fn(usize) -> Option<SystemTime> + Send + Sync + 'static) -> Self {
        Counting {
            calls: Arc::default(),
            expiry: Arc::new(expiry),
        }
    }
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl ProvideCredentials for Counting {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        let creds = Credentials::new(format!("ASIA{n}"), "SECRET", Some("TOKEN".to_owned()));
        Ok(match (self.expiry)(n) {
            Some(expiry) => creds.with_expiry(expiry),
            None => creds,
        })
    }
}

fn cache(provider: &Counting, clock: &Clock, margin: u64) -> CachingProvider {
    let clock = clock.clone();
    CachingProvider::new(provider.clone())
        .refresh_margin(Duration::from_secs(margin))
        .clock(move || clock.now())
}

fn key_id(cache: &CachingProvider) -> String {
    cache
        .provide_credentials()
        .unwrap()
        .access_key_id()
        .to_owned()
}

#[test]
fn credentials_without_expiry_are_kept_for_good() {
    let provider = Counting::new(|_| None);
    let clock = Clock::default();
    let cache = cache(&provider, &clock, 300);
    for t in [0, 1, 1_000_000_000] {
        clock.set(t);
        assert_eq!(key_id(&cache), "ASIA0");
    }
    assert_eq!(provider.calls(), 1);
}

#[test]
fn refreshes_a_margin_before_expiry() {
    // Call n returns credentials expiring one hour after the n-th hour.
    let provider = Counting::new(|n| Some(at(3600 * (n as u64 + 1))));
    let clock = Clock::default();
    let cache = cache(&provider, &clock, 300);
    assert_eq!(key_id(&cache), "ASIA0");
    clock.set(3299);
    assert_eq!(key_id(&cache), "ASIA0");
    clock.set(3300); // exactly the margin before expiry
    assert_eq!(
        key_id(&cache),
        "ASIA0",
        "still valid: served during the refresh"
    );
    cache.settle();
    assert_eq!(key_id(&cache), "ASIA1");
    clock.set(6899);
    assert_eq!(key_id(&cache), "ASIA1");
    assert_eq!(provider.calls(), 2);
}

#[test]
fn clones_share_the_cache() {
    let provider = Counting::new(|_| None);
    let clock = Clock::default();
    let a = cache(&provider, &clock, 300);
    let b = a.clone();
    assert_eq!(key_id(&a), "ASIA0");
    assert_eq!(key_id(&b), "ASIA0");
    assert_eq!(provider.calls(), 1);
}

#[test]
fn short_lived_credentials_are_used_until_they_expire() {
    // Every call returns credentials that expire 60 s from the clock's
    // start, inside the 300 s margin: no refresh on every call.
    let provider = Counting::new(|n| Some(at(1000 + 60 * (n as u64 + 1))));
    let clock = Clock::default();
    clock.set(1000);
    let cache = cache(&provider, &clock, 300);
    assert_eq!(key_id(&cache), "ASIA0");
    clock.set(1059);
    assert_eq!(key_id(&cache), "ASIA0");
    assert_eq!(provider.calls(), 1);
    clock.set(1060);
    assert_eq!(key_id(&cache), "ASIA1");
    assert_eq!(provider.calls(), 2);
}

#[test]
fn already_expired_credentials_are_an_error_and_not_kept() {
    let provider = Counting::new(|n| Some(if n == 0 { at(10) } else { at(10_000) }));
    let clock = Clock::default();
    clock.set(10);
    let cache = cache(&provider, &clock, 0);
    assert_eq!(
        cache.provide_credentials().err(),
        Some(Error::CredentialsExpired { expired_at: at(10) })
    );
    assert_eq!(key_id(&cache), "ASIA1");
    assert_eq!(provider.calls(), 2);
}

#[test]
fn provider_errors_pass_through_and_the_next_call_retries() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let cache = CachingProvider::new(move || match counter.fetch_add(1, Ordering::SeqCst) {
        0 => Err(Error::CredentialsUnavailable {
            reason: "vault sealed".into(),
        }),
        _ => Ok(Credentials::new("AKID", "SECRET", None::<String>)),
    });
    assert_eq!(
        cache.provide_credentials().err(),
        Some(Error::CredentialsUnavailable {
            reason: "vault sealed".into()
        })
    );
    assert_eq!(key_id(&cache), "AKID");
    assert_eq!(key_id(&cache), "AKID");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
fn many_threads_one_refresh() {
    const THREADS: usize = 16;
    // A slow provider, so that all threads arrive while it runs.
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let cache = CachingProvider::new(move || {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        thread::sleep(Duration::from_millis(100));
        Ok(Credentials::new(
            format!("ASIA{n}"),
            "SECRET",
            None::<String>,
        ))
    });
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let cache = cache.clone();
            let barrier = barrier.clone();
            thread::spawn(move || {
                barrier.wait();
                cache
                    .provide_credentials()
                    .unwrap()
                    .access_key_id()
                    .to_owned()
            })
        })
        .collect();
    for handle in handles {
        assert_eq!(handle.join().unwrap(), "ASIA0");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn readers_do_not_wait_for_a_refresh_while_the_cached_credentials_work() {
    // The second call blocks until the test lets it go.
    let (release, released) = mpsc::channel::<()>();
    let released = Arc::new(Mutex::new(released));
    let (entered, in_refresh) = mpsc::channel::<()>();
    let entered = Mutex::new(entered);
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let provider = move || {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        if n == 1 {
            entered.lock().unwrap().send(()).unwrap();
            released.lock().unwrap().recv().unwrap();
        }
        Ok(Credentials::new(format!("ASIA{n}"), "S", None::<String>).with_expiry(at(1000)))
    };
    let clock = Clock::default();
    let now = clock.clone();
    let cache = CachingProvider::new(provider)
        .refresh_margin(Duration::from_secs(300))
        .clock(move || now.now());
    assert_eq!(key_id(&cache), "ASIA0");

    clock.set(800); // stale (within the margin) but not expired
                    // The caller that notices starts the refresh and does not wait for it.
    assert_eq!(key_id(&cache), "ASIA0");
    in_refresh
        .recv_timeout(Duration::from_secs(10))
        .expect("no refresh started");
    // The refresh is running and blocked: readers must not wait for it.
    let (done, got) = mpsc::channel();
    let reader = {
        let cache = cache.clone();
        thread::spawn(move || done.send(key_id(&cache)).unwrap())
    };
    assert_eq!(
        got.recv_timeout(Duration::from_secs(10)).as_deref(),
        Ok("ASIA0"),
        "the reader blocked on the refresh"
    );
    assert_eq!(key_id(&cache), "ASIA0");
    release.send(()).unwrap();
    reader.join().unwrap();
    cache.settle();
    assert_eq!(key_id(&cache), "ASIA1");
    assert_eq!(calls.load(Ordering::SeqCst), 2, "one refresh");
}

/// Credentials `ASIA<n>` expiring at 1000 s; calls after the first sleep
/// `refresh_takes`, then return `refresh` (or fail when it is `None`).
fn slow_refresh(
    calls: &Arc<AtomicUsize>,
    refresh_takes: Duration,
    refresh: Option<u64>,
) -> impl Fn() -> Result<Credentials, Error> + Send + Sync + 'static {
    let counter = calls.clone();
    move || {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        if n == 0 {
            return Ok(Credentials::new("ASIA0", "S", None::<String>).with_expiry(at(1000)));
        }
        thread::sleep(refresh_takes);
        match refresh {
            Some(expiry) => {
                Ok(Credentials::new(format!("ASIA{n}"), "S", None::<String>)
                    .with_expiry(at(expiry)))
            }
            None => Err(Error::CredentialsUnavailable {
                reason: "the source is down".into(),
            }),
        }
    }
}

#[test]
fn four_readers_return_at_once_while_a_slow_refresh_runs() {
    let calls = Arc::new(AtomicUsize::new(0));
    let clock = Clock::default();
    let now = clock.clone();
    let cache = CachingProvider::new(slow_refresh(&calls, Duration::from_secs(2), Some(5000)))
        .clock(move || now.now());
    assert_eq!(key_id(&cache), "ASIA0");
    clock.set(800); // within the 300 s margin of 1000
    let started = Instant::now();
    let barrier = Arc::new(Barrier::new(4));
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let cache = cache.clone();
            let barrier = barrier.clone();
            thread::spawn(move || {
                barrier.wait();
                let mut slowest = Duration::ZERO;
                for _ in 0..10 {
                    let asked = Instant::now();
                    assert_eq!(key_id(&cache), "ASIA0");
                    slowest = slowest.max(asked.elapsed());
                    thread::sleep(Duration::from_millis(20));
                }
                slowest
            })
        })
        .collect();
    for reader in readers {
        let slowest = reader.join().unwrap();
        assert!(
            slowest < Duration::from_millis(250),
            "a reader waited {slowest:?} for a 2 s refresh"
        );
    }
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "the readers were held up by the refresh"
    );
    cache.settle();
    assert!(started.elapsed() >= Duration::from_secs(2));
    assert_eq!(key_id(&cache), "ASIA1");
    assert_eq!(calls.load(Ordering::SeqCst), 2, "exactly one refresh");
}

#[test]
fn a_failed_background_refresh_keeps_the_credentials_and_tries_again_later() {
    let calls = Arc::new(AtomicUsize::new(0));
    let clock = Clock::default();
    let now = clock.clone();
    let cache =
        CachingProvider::new(slow_refresh(&calls, Duration::ZERO, None)).clock(move || now.now());
    assert_eq!(key_id(&cache), "ASIA0");
    clock.set(800);
    assert_eq!(key_id(&cache), "ASIA0");
    cache.settle();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    // Still valid: served, and no new attempt for RETRY_AFTER_FAILURE.
    clock.set(800 + RETRY_AFTER_FAILURE.as_secs() - 1);
    assert_eq!(key_id(&cache), "ASIA0");
    cache.settle();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    clock.set(800 + RETRY_AFTER_FAILURE.as_secs());
    assert_eq!(key_id(&cache), "ASIA0");
    cache.settle();
    assert_eq!(calls.load(Ordering::SeqCst), 3, "tried again");
    // Expired, and the source still fails: its error, to every caller.
    clock.set(1000);
    assert_eq!(
        cache.provide_credentials().err(),
        Some(Error::CredentialsUnavailable {
            reason: "the source is down".into()
        })
    );
    assert_eq!(calls.load(Ordering::SeqCst), 4);
}

#[test]
fn a_retry_never_waits_past_the_expiry() {
    let calls = Arc::new(AtomicUsize::new(0));
    let clock = Clock::default();
    let now = clock.clone();
    let cache =
        CachingProvider::new(slow_refresh(&calls, Duration::ZERO, None)).clock(move || now.now());
    assert_eq!(key_id(&cache), "ASIA0");
    clock.set(995); // the retry would come at 1005, after the expiry
    assert_eq!(key_id(&cache), "ASIA0");
    cache.settle();
    clock.set(1000);
    assert!(matches!(
        cache.provide_credentials(),
        Err(Error::CredentialsUnavailable { .. })
    ));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[test]
fn callers_wait_for_a_refresh_when_the_cached_credentials_expired() {
    let (release, released) = mpsc::channel::<()>();
    let released = Arc::new(Mutex::new(released));
    let (entered, in_refresh) = mpsc::channel::<()>();
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let provider = move || {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        if n == 1 {
            entered.send(()).unwrap();
            released.lock().unwrap().recv().unwrap();
        }
        Ok(Credentials::new(format!("ASIA{n}"), "S", None::<String>)
            .with_expiry(at(1000 * (n as u64 + 1))))
    };
    let clock = Clock::default();
    let now = clock.clone();
    let cache = CachingProvider::new(provider).clock(move || now.now());
    assert_eq!(key_id(&cache), "ASIA0");

    clock.set(1000); // expired
    let refresher = {
        let cache = cache.clone();
        thread::spawn(move || key_id(&cache))
    };
    in_refresh.recv().unwrap();
    let (done, got) = mpsc::channel();
    let waiter = {
        let cache = cache.clone();
        thread::spawn(move || done.send(key_id(&cache)).unwrap())
    };
    // The waiter cannot use the expired credentials: it waits.
    assert!(got.recv_timeout(Duration::from_millis(200)).is_err());
    release.send(()).unwrap();
    assert_eq!(refresher.join().unwrap(), "ASIA1");
    assert_eq!(
        got.recv_timeout(Duration::from_secs(10)).as_deref(),
        Ok("ASIA1")
    );
    waiter.join().unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2, "one refresh for both");
}

#[test]
fn is_send_sync_and_debug_shows_no_credentials() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<CachingProvider>();
    let cache = CachingProvider::new(Credentials::new("AKID", "very-secret", None::<String>));
    cache.provide_credentials().unwrap();
    let shown = format!("{cache:?}");
    assert!(!shown.contains("very-secret"), "{shown}");
}
