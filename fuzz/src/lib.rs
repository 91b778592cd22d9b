//! The model behind the `render_expr` fuzz target, shared with the replay
//! test `tests/fuzz_corpus.rs` of the main workspace (which includes this
//! file as a module, so it uses nothing but `sqlalgebra`, its PostgreSQL
//! and MySQL dialects, and `arbitrary`).
//!
//! The algebra is statically typed, so a random shape cannot be written as
//! one Rust type. The fuzzer decodes its bytes into a [`Case`], a plain
//! description of a statement (an enum tree derived with `arbitrary`), and
//! [`build`] turns it into real sqlalgebra nodes, erased behind [`Dyn`]
//! (a `Box<dyn Render>` carrying a SQL type tag) so that any shape fits.
//!
//! The builder keeps every statement valid SQL for SQLite (the replay test
//! prepares the SQLite rendering): columns only of tables in scope,
//! aggregates only where SQL allows them, no nested aggregates, `text()`
//! made of well-formed fragments. Shapes that sqlalgebra must refuse (an
//! INSERT of no rows, a JOIN with nothing to join onto, `text()` with a
//! missing or unused bind) are built on purpose and the refusal is checked.
//!
//! Statements cover SELECT (joins, an aliased second join, WHERE, GROUP BY,
//! HAVING, ORDER BY, LIMIT / OFFSET, DISTINCT, the switch to a boxed
//! SELECT), INSERT of one or several rows, UPDATE, DELETE, raw `text()`,
//! and inside expressions EXISTS, IN (SELECT ...) and scalar subqueries.
//!
//! The corpus is bytes: changing these description types changes what
//! each corpus file decodes to (it still decodes). After such a change,
//! refresh `corpus/render_expr/` (see `examples/pick_corpus.rs`); cases
//! that must keep their meaning are written out as [`Case`] values in
//! `tests/fuzz_corpus.rs` instead.
//!
//! [`check_case`] renders each case in every dialect given and checks:
//! - rendering never panics, and fails exactly when the model expects it to;
//! - rendering is deterministic;
//! - placeholders match binds: `?` count outside quotes and comments equals
//!   the bind count (SQLite, MySQL), or `$1..$n` first appearing in order
//!   (a grouped expression may repeat its numbers, `render/unify.rs`)
//!   (PostgreSQL); no other parameter syntax (`$`, `:name`) survives;
//! - quotes (single, double, backtick) and block comments are closed, and
//!   parentheses balance outside them;
//! - no bind value's text appears in the SQL unless the same text is in
//!   the SQL of the statement with every value blanked (so it is an
//!   identifier, a keyword or punctuation), and blanking every value
//!   changes no SQL at all: values never shape the text;
//! - every dialect binds the same values in the same order.

use std::marker::PhantomData;

use arbitrary::{Arbitrary, Unstructured};
use sqlalgebra::expr::{BoolLiteral, Expression};
use sqlalgebra::prelude::*;
use sqlalgebra::query::{
    Assignments, BoxedSelect, Clause, ExplicitFrom, FromClause, Inferred, InsertValues,
    MaybeClause, Modifiers, Select, Value,
};
use sqlalgebra::render::{Dialect, Render, SqlWriter, TableRef, TableSet};
use sqlalgebra::schema::QuerySource;
use sqlalgebra::types::SqlType;
use sqlalgebra::value::ValueRef;

mod build;
mod check;
mod desc;
pub mod schema;

pub use build::{Built, Expect, build};
pub use check::*;
pub use desc::*;
pub use schema::{Orders, Users, orders, users};

// ---------------------------------------------------------------------------
// Type erasure
// ---------------------------------------------------------------------------

/// Any rendered node, tagged with the SQL type `ST` it stands for so that
/// the typed methods (`eq`, `like`, `sum`, ...) accept it.
///
/// The tag is trusted: rendering does not depend on it.
pub struct Dyn<ST> {
    node: Box<dyn Render>,
    _sql_type: PhantomData<fn() -> ST>,
}

impl<ST> Dyn<ST> {
    /// Erases `node`.
    pub fn new(node: impl Render + 'static) -> Self {
        Dyn {
            node: Box::new(node),
            _sql_type: PhantomData,
        }
    }

    /// The same node under another SQL type tag.
    pub fn retag<ST2>(self) -> Dyn<ST2> {
        Dyn {
            node: self.node,
            _sql_type: PhantomData,
        }
    }
}

impl<ST> Render for Dyn<ST> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.node.render(w);
    }
    fn render_order_key<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.node.render_order_key(w);
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.node.collect_tables(out);
    }
    fn precedence(&self) -> u8 {
        self.node.precedence()
    }
}

impl<ST: SqlType> Expression for Dyn<ST> {
    type SqlType = ST;
}

/// A table chosen at run time, possibly aliased, for FROM and JOIN.
#[derive(Debug, Clone, Copy)]
pub struct DynTable(TableRef<'static>);

impl QuerySource for DynTable {
    fn table_ref(&self) -> TableRef<'static> {
        self.0
    }
}

/// The alias of the second (aliased) join: a double quote in an alias.
pub const ALIAS: &str = "t\"2";
