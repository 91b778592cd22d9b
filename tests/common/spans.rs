//! A `tracing` subscriber for the tests of the statement spans (feature
//! `tracing`): it keeps the fields of every `sqlalgebra::statement` span,
//! those given when it opens and those recorded later (rows, elapsed
//! time, error).

use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber, span};

/// One span's fields: `(name, value)`, in the order they were recorded.
pub type Fields = Vec<(String, String)>;

/// A subscriber that keeps the fields of every statement span: install it
/// with [`run`](Spans::run), read them with [`take`](Spans::take).
#[derive(Default, Clone)]
pub struct Spans(Arc<Mutex<Vec<Fields>>>);

impl Spans {
    /// Runs `f` with this subscriber as the thread's default.
    pub fn run<R>(&self, f: impl FnOnce() -> R) -> R {
        tracing::subscriber::with_default(self.clone(), f)
    }

    /// Forgets the spans recorded so far, just before the statements under
    /// test. `tracing` caches per callsite whether any subscriber wants
    /// it, and a callsite that another test's thread (without a
    /// subscriber) reached first while this one was being set may have
    /// kept "never": every callsite is asked again.
    pub fn restart(&self) {
        tracing::callsite::rebuild_interest_cache();
        self.0.lock().unwrap().clear();
    }

    /// The fields of every span recorded since the last call.
    pub fn take(&self) -> Vec<Fields> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

struct Collect<'a>(&'a mut Fields);
impl Visit for Collect<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().to_owned(), value.to_owned()));
    }
}

impl Subscriber for Spans {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::sometimes()
    }
    fn enabled(&self, m: &Metadata<'_>) -> bool {
        m.target() == "sqlalgebra::statement"
    }
    fn new_span(&self, a: &span::Attributes<'_>) -> span::Id {
        let mut fields = Vec::new();
        a.record(&mut Collect(&mut fields));
        let mut all = self.0.lock().unwrap();
        all.push(fields);
        span::Id::from_u64(all.len() as u64)
    }
    fn record(&self, id: &span::Id, values: &span::Record<'_>) {
        let mut all = self.0.lock().unwrap();
        let i = usize::try_from(id.into_u64()).unwrap() - 1;
        values.record(&mut Collect(&mut all[i]));
    }
    fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}
    fn event(&self, _: &Event<'_>) {}
    fn enter(&self, _: &span::Id) {}
    fn exit(&self, _: &span::Id) {}
}

/// The value of the field `name` of a span, as recorded.
pub fn field<'f>(fields: &'f Fields, name: &str) -> Option<&'f str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}
