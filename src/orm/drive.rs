//! How the session's logic meets I/O. The logic (flush, loading,
//! transaction bookkeeping) is written once, as `async` code over the
//! connection's `orm_*` futures ([`Connection::orm_query`] and the
//! rest); two thin drivers run it:
//!
//! - the sync [`Session`](super::Session) polls it in place with
//!   [`block_on`]: a sync connection's futures are ready at once, so the
//!   whole call completes in one poll, without a runtime or a thread;
//! - `AsyncSession` awaits it on an async connection (the `orm_*`
//!   futures of its bridge run the statements through `AsyncConnection`).
//!
//! [`Connection::orm_query`]: crate::Connection::orm_query

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

/// A boxed step of the session's logic: what the type-erased arenas and
/// relationship stores return for their I/O.
pub(crate) type Step<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Runs the session's logic over a sync connection: one poll, since every
/// future of a sync connection is ready at once.
///
/// Always inlined: the caller then builds the future where it is pinned,
/// instead of building it and moving it (its whole state) here.
#[inline(always)]
pub(crate) fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => unreachable!("the futures of a sync connection are ready at once"),
    }
}
