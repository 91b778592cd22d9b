//! Statement hooks of an engine ([`PoolOptions::on_statement`],
//! [`PoolOptions::before_statement`]) and, with the `tracing` feature, a
//! span per statement: what the engine's connections call around every
//! statement they send.
//!
//! [`PoolOptions::on_statement`]: crate::PoolOptions::on_statement
//! [`PoolOptions::before_statement`]: crate::PoolOptions::before_statement

use std::sync::Arc;
use std::time::Instant;

use crate::error::Error;
use crate::hooks::{StatementEvent, StatementKind, StatementStart};
use crate::value::ValueRef;

/// A hook of an engine, called after each statement of its connections.
pub(crate) type AfterHook = Arc<dyn Fn(&StatementEvent<'_>) + Send + Sync>;
/// A hook of an engine, called before each statement of its connections.
pub(crate) type BeforeHook = Arc<dyn Fn(&StatementStart<'_>) + Send + Sync>;

/// The statement hooks of an engine.
#[derive(Clone, Default)]
pub(crate) struct StatementHooks {
    pub(crate) before: Vec<BeforeHook>,
    pub(crate) after: Vec<AfterHook>,
}

impl std::fmt::Debug for StatementHooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatementHooks")
            .field("before", &self.before.len())
            .field("after", &self.after.len())
            .finish()
    }
}

/// Whether a `tracing` subscriber wants statement spans.
#[inline]
fn tracing_on() -> bool {
    #[cfg(feature = "tracing")]
    {
        tracing::enabled!(target: "sqlalgebra::statement", tracing::Level::INFO)
    }
    #[cfg(not(feature = "tracing"))]
    {
        false
    }
}

impl StatementHooks {
    /// Whether statements are observed at all (else nothing is timed).
    #[inline]
    pub(crate) fn active(&self) -> bool {
        !self.before.is_empty() || !self.after.is_empty() || tracing_on()
    }

    /// Calls the before-hooks, opens the statement's span (not entered)
    /// and starts timing: what the sync and the async observations share.
    fn begin(&self, kind: StatementKind, sql: &str, binds: &[ValueRef<'_>]) -> Begun {
        for hook in &self.before {
            hook(&StatementStart { kind, sql, binds });
        }
        Begun {
            kind,
            #[cfg(feature = "tracing")]
            span: tracing::info_span!(
                target: "sqlalgebra::statement",
                "statement",
                sql,
                binds = ?binds,
                kind = ?kind,
                rows = tracing::field::Empty,
                elapsed_us = tracing::field::Empty,
                error = tracing::field::Empty,
            ),
            start: Instant::now(),
        }
    }

    /// Calls the before-hooks and starts timing (and the span, entered).
    pub(crate) fn start(
        &self,
        kind: StatementKind,
        sql: &str,
        binds: &[ValueRef<'_>],
    ) -> Observation<'_> {
        let begun = self.begin(kind, sql, binds);
        Observation {
            hooks: self,
            kind: begun.kind,
            #[cfg(feature = "tracing")]
            span: begun.span.entered(),
            start: begun.start,
        }
    }
}

/// A statement whose before-hooks ran: its kind, its span (not entered)
/// and when it started.
struct Begun {
    kind: StatementKind,
    #[cfg(feature = "tracing")]
    span: tracing::Span,
    start: Instant,
}

/// A statement of an async connection being observed: its span is not
/// entered (a future moves between threads), the future running the
/// statement is [instrumented](Detached::span) with it instead.
#[cfg(feature = "async")]
pub(crate) struct Detached {
    hooks: Arc<StatementHooks>,
    begun: Begun,
}

#[cfg(feature = "async")]
impl Detached {
    /// Calls the before-hooks and starts timing (and the span, not entered).
    pub(crate) fn start(
        hooks: Arc<StatementHooks>,
        kind: StatementKind,
        sql: &str,
        binds: &[ValueRef<'_>],
    ) -> Self {
        let begun = hooks.begin(kind, sql, binds);
        Detached { hooks, begun }
    }

    /// The statement's span, to instrument the future that runs it.
    #[cfg(feature = "tracing")]
    pub(crate) fn span(&self) -> tracing::Span {
        self.begun.span.clone()
    }

    /// Records the outcome in the span and calls the after-hooks.
    pub(crate) fn finish(
        self,
        sql: &str,
        binds: &[ValueRef<'_>],
        rows: u64,
        error: Option<&Error>,
    ) {
        report(
            &self.hooks,
            self.begun.kind,
            #[cfg(feature = "tracing")]
            &self.begun.span,
            self.begun.start,
            (sql, binds, rows, error),
        );
    }
}

/// The outcome of a statement: its SQL, binds, rows and error.
type Outcome<'a> = (&'a str, &'a [ValueRef<'a>], u64, Option<&'a Error>);

/// Records `outcome` in `span` and calls the after-hooks.
fn report(
    hooks: &StatementHooks,
    kind: StatementKind,
    #[cfg(feature = "tracing")] span: &tracing::Span,
    start: Instant,
    (sql, binds, rows, error): Outcome<'_>,
) {
    let elapsed = start.elapsed();
    #[cfg(feature = "tracing")]
    {
        span.record("rows", rows);
        span.record(
            "elapsed_us",
            u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
        );
        if let Some(e) = error {
            span.record("error", tracing::field::display(e));
        }
    }
    let event = StatementEvent {
        kind,
        sql,
        binds,
        rows,
        elapsed,
        error,
    };
    for hook in &hooks.after {
        hook(&event);
    }
}

/// A statement being observed: [`finish`](Observation::finish) it with
/// its outcome.
pub(crate) struct Observation<'h> {
    hooks: &'h StatementHooks,
    kind: StatementKind,
    #[cfg(feature = "tracing")]
    span: tracing::span::EnteredSpan,
    start: Instant,
}

impl Observation<'_> {
    /// Records the outcome in the span and calls the after-hooks.
    pub(crate) fn finish(
        self,
        sql: &str,
        binds: &[ValueRef<'_>],
        rows: u64,
        error: Option<&Error>,
    ) {
        report(
            self.hooks,
            self.kind,
            #[cfg(feature = "tracing")]
            &self.span,
            self.start,
            (sql, binds, rows, error),
        );
    }
}
