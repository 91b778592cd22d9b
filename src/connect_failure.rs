//! [`ConnectFailure`]: a connection the server refuses for good (wrong
//! password, unknown database, nothing listening), reported at once
//! instead of after the pool's timeout.

use std::fmt;
use std::sync::{Arc, Mutex};

use crate::error::{BoxError, Error, ErrorKind};

/// Why a server refused a connection for good (see [`ConnectFailure`]).
///
/// ```
/// use sqlalgebra::ConnectFailureKind;
/// assert_ne!(ConnectFailureKind::Authentication, ConnectFailureKind::Refused);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConnectFailureKind {
    /// The credentials were refused: a wrong password, an unknown user or
    /// role, or one the server does not let in.
    Authentication,
    /// The database named in the URL does not exist.
    UnknownDatabase,
    /// Nothing accepts connections at the address (connection refused).
    Refused,
}

impl ConnectFailureKind {
    fn describe(self) -> &'static str {
        match self {
            ConnectFailureKind::Authentication => "authentication failed",
            ConnectFailureKind::UnknownDatabase => "unknown database",
            ConnectFailureKind::Refused => "connection refused",
        }
    }
}

/// The source of an [`ErrorKind::Connection`] for a connection that cannot
/// succeed by waiting: [`Engine::build`](crate::Engine::build) and
/// [`Engine::connect`](crate::Engine::connect) return it at once instead
/// of after the pool's timeout, and [`Error::is_retryable`] says no.
/// Transient causes (a timeout, too many connections, a server starting
/// up) are still waited for.
///
/// ```
/// use sqlalgebra::{ConnectFailure, ConnectFailureKind, ErrorKind};
/// let e = ConnectFailure::error(ConnectFailureKind::UnknownDatabase, "database \"nope\" does not exist");
/// assert!(matches!(e.kind(), ErrorKind::Connection(_)));
/// assert_eq!(e.connect_failure().map(|f| f.kind()), Some(ConnectFailureKind::UnknownDatabase));
/// assert!(!e.is_retryable());
/// ```
#[derive(Debug)]
pub struct ConnectFailure {
    kind: ConnectFailureKind,
    source: BoxError,
}

impl ConnectFailure {
    /// An [`ErrorKind::Connection`] of this kind, over the driver's error.
    ///
    /// ```
    /// use sqlalgebra::{ConnectFailure, ConnectFailureKind};
    /// let e = ConnectFailure::error(ConnectFailureKind::Refused, "connection refused");
    /// assert!(e.to_string().contains("connection refused"));
    /// ```
    pub fn error(kind: ConnectFailureKind, source: impl Into<BoxError>) -> Error {
        ErrorKind::Connection(Box::new(ConnectFailure {
            kind,
            source: source.into(),
        }))
        .into()
    }

    /// Why the connection was refused.
    ///
    /// ```
    /// use sqlalgebra::{ConnectFailure, ConnectFailureKind};
    /// let e = ConnectFailure::error(ConnectFailureKind::Authentication, "denied");
    /// assert_eq!(e.connect_failure().unwrap().kind(), ConnectFailureKind::Authentication);
    /// ```
    pub fn kind(&self) -> ConnectFailureKind {
        self.kind
    }
}

impl fmt::Display for ConnectFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.describe(), self.source)
    }
}

impl std::error::Error for ConnectFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

impl Error {
    /// The [`ConnectFailure`] of a connection refused for good, if this is
    /// one.
    ///
    /// ```
    /// assert!(sqlalgebra::Error::from(sqlalgebra::ErrorKind::Connection("reset".into())).connect_failure().is_none());
    /// ```
    pub fn connect_failure(&self) -> Option<&ConnectFailure> {
        match self.kind() {
            ErrorKind::Connection(source) => source.downcast_ref(),
            _ => None,
        }
    }
}

/// What the pool's background connection attempts last said, shared by
/// the pool's error and event handlers and the engine: the kind and text
/// of a permanent failure (`None` after a success or a transient failure),
/// and how many attempts have failed so far.
#[derive(Debug, Clone, Default)]
pub(crate) struct LastFailure(Arc<Mutex<Failures>>);

#[derive(Debug, Default)]
struct Failures {
    last: Option<(ConnectFailureKind, String)>,
    failed: u64,
}

impl LastFailure {
    fn set(&self, value: Option<(ConnectFailureKind, String)>, failed: bool) {
        if let Ok(mut f) = self.0.lock() {
            f.last = value;
            f.failed += u64::from(failed);
        }
    }

    /// How many of the pool's attempts have failed so far.
    pub(crate) fn failed_attempts(&self) -> u64 {
        self.0.lock().map_or(0, |f| f.failed)
    }

    /// The permanent failure of the last attempt, as an error, if that
    /// attempt failed after the first `failed` ones: a failure recorded
    /// before a wait began may be stale (the server may be back).
    pub(crate) fn error_after(&self, failed: u64) -> Option<Error> {
        let f = self.0.lock().ok()?;
        if f.failed <= failed {
            return None;
        }
        f.last
            .as_ref()
            .map(|(kind, text)| ConnectFailure::error(*kind, text.clone()))
    }
}

impl r2d2::HandleError<Error> for LastFailure {
    fn handle_error(&self, error: Error) {
        log::error!("{error}");
        self.set(
            error
                .connect_failure()
                .map(|f| (f.kind, f.source.to_string())),
            true,
        );
    }
}

impl r2d2::HandleEvent for LastFailure {
    fn handle_acquire(&self, _: r2d2::event::AcquireEvent) {
        self.set(None, false);
    }
}
