//! The FROM clause of a SELECT: inferred from the tables the statement
//! refers to ([`Inferred`]), or an explicit table ([`From`]), which joins
//! build on ([`FromClause`]).

use crate::render::{NodeTag, Render, SqlKey, SqlWriter, TableRef, TableSet};
use crate::schema::QuerySource;

/// The FROM clause when none was given: the tables the statement refers to.
#[derive(Debug, Clone, Copy, Default)]
pub struct Inferred;

/// An explicit FROM table.
#[derive(Debug, Clone, Copy, Default)]
pub struct From<T>(pub(crate) T);

/// A FROM clause: [`Inferred`], an explicit table, or joins onto one of
/// those.
pub trait FromClause {
    /// The table given explicitly with `from`, if any.
    fn base(&self) -> Option<TableRef<'static>>;
    /// Writes the explicit base as it stands in FROM (nothing if inferred).
    fn write_base<'a>(&'a self, w: &mut SqlWriter<'a>);
    /// Adds the joined tables (not the base) to `out`.
    fn joined(&self, out: &mut TableSet<'_>);
    /// Writes the JOIN clauses.
    fn write_joins<'a>(&'a self, w: &mut SqlWriter<'a>);
    /// Calls `each` with every JOIN's ON condition, in order.
    fn each_on<'a>(&'a self, each: &mut dyn FnMut(&'a dyn Render)) {
        let _ = each;
    }
    /// The clause's [`sql_key`](Render::sql_key): the base, then each
    /// join. `false` (the default): not described.
    #[inline]
    fn join_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        let _ = key;
        false
    }
}

impl FromClause for Inferred {
    fn base(&self) -> Option<TableRef<'static>> {
        None
    }
    fn write_base<'a>(&'a self, _: &mut SqlWriter<'a>) {}
    fn joined(&self, _: &mut TableSet<'_>) {}
    fn write_joins<'a>(&'a self, _: &mut SqlWriter<'a>) {}
    #[inline]
    fn join_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static INFERRED: NodeTag = NodeTag::new("inferred FROM");
        key.tag(&INFERRED);
        true
    }
}

impl<T: QuerySource> FromClause for From<T> {
    fn base(&self) -> Option<TableRef<'static>> {
        Some(self.0.table_ref())
    }
    fn write_base<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.0.write_from(w);
    }
    fn joined(&self, _: &mut TableSet<'_>) {}
    fn write_joins<'a>(&'a self, _: &mut SqlWriter<'a>) {}
    #[inline]
    fn join_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static FROM: NodeTag = NodeTag::new("FROM");
        key.tag(&FROM);
        self.0.source_key(key)
    }
}
