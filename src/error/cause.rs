//! [`Cause`]: an error from outside this crate, kept inside an [`Error`]
//! and returned by its `source()`.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

#[cfg(doc)]
use super::Error;

/// An error from outside this crate that caused an [`Error`]: the
/// `std::io::Error` of a file that could not be read or a program that could
/// not be started, or your own credential store's error
/// ([`Error::provider`]). [`Error`]'s `source()` returns it, so error
/// reporters (`anyhow`, `eyre`, …) show it and you can downcast it.
///
/// It is shared (cloning an `Error` clones an `Arc`). Two causes are equal
/// when they are the same error or say the same (`Display`), which keeps
/// `Error: PartialEq` useful in tests.
///
/// ```
/// use http_sigv4::Cause;
///
/// let io = std::io::Error::new(std::io::ErrorKind::Other, "disk on fire");
/// let cause = Cause::new(io);
/// assert_eq!(cause.to_string(), "disk on fire");
/// assert_eq!(cause.downcast_ref::<std::io::Error>().map(|e| e.kind()), Some(std::io::ErrorKind::Other));
/// assert_eq!(cause, cause.clone());
/// ```
#[derive(Clone)]
pub struct Cause(Arc<dyn StdError + Send + Sync + 'static>);

impl Cause {
    /// Wraps `error`.
    ///
    /// ```
    /// # use http_sigv4::Cause;
    /// let cause = Cause::new(std::fmt::Error);
    /// assert!(cause.downcast_ref::<std::fmt::Error>().is_some());
    /// ```
    pub fn new(error: impl StdError + Send + Sync + 'static) -> Self {
        Cause(Arc::new(error))
    }

    /// The error itself.
    ///
    /// ```
    /// # use http_sigv4::Cause;
    /// let cause = Cause::new(std::io::Error::other("no route to vault"));
    /// assert_eq!(cause.get_ref().to_string(), "no route to vault");
    /// ```
    pub fn get_ref(&self) -> &(dyn StdError + Send + Sync + 'static) {
        &*self.0
    }

    /// The error as a `T`, if it is one.
    ///
    /// ```
    /// # use http_sigv4::Cause;
    /// let cause = Cause::new(std::io::Error::other("x"));
    /// assert!(cause.downcast_ref::<std::io::Error>().is_some());
    /// assert!(cause.downcast_ref::<std::fmt::Error>().is_none());
    /// ```
    pub fn downcast_ref<T: StdError + 'static>(&self) -> Option<&T> {
        self.0.downcast_ref()
    }
}

impl fmt::Debug for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl PartialEq for Cause {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.to_string() == other.0.to_string()
    }
}

impl Eq for Cause {}
