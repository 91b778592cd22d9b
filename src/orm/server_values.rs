//! Values the server computes for the ORM (SQLAlchemy's `server_default`
//! and `onupdate=func.now()`): columns a non-`Option` field leaves to
//! their DEFAULT at INSERT ([`Model::server_defaults`]), and SQL the UPDATE
//! of a changed object sets ([`Model::on_update`], [`OnUpdate`]), both read
//! back after the statement.

use std::marker::PhantomData;

use super::model::Model;
use crate::expr::IntoExpr;
use crate::render::{Render, SqlWriter};
use crate::schema::Column;

/// SQL values the UPDATE of a changed object sets, evaluated by the server;
/// filled in by [`Model::on_update`].
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::orm::OnUpdate;
/// # use sqlalgebra::orm::doc_models::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Notes;
/// # impl Table for Notes { const NAME: &'static str = "notes"; type Columns = (Id, Edits, UpdatedAt); type PrimaryKey = Id; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Edits;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct UpdatedAt;
/// # impl Column for Id { type Table = Notes; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// # impl Column for Edits { type Table = Notes; type SqlType = BigInt; const NAME: &'static str = "edits"; }
/// # impl Column for UpdatedAt { type Table = Notes; type SqlType = Timestamp; const NAME: &'static str = "updated_at"; }
/// # #[derive(Clone)] pub struct Note { id: i64, edits: i64, updated_at: String }
/// impl Model for Note {
/// #   type Table = Notes; type Columns = (Id, Edits, UpdatedAt); type Row = (i64, i64, String); type Key = i64;
/// #   fn from_row((id, edits, updated_at): Self::Row) -> Self { Note { id, edits, updated_at } }
/// #   fn values(&self) -> (&i64, &i64, &String) { (&self.id, &self.edits, &self.updated_at) }
/// #   fn key(&self) -> i64 { self.id }
///     // ...
///     fn on_update(set: &mut OnUpdate<Self>) {
///         set.column(UpdatedAt, now()).column(Edits, Edits.add(1));
///     }
/// }
/// ```
pub struct OnUpdate<M> {
    pub(crate) set: Vec<(&'static str, Box<dyn Render + Send + Sync>)>,
    model: PhantomData<fn() -> M>,
}

impl<M> std::fmt::Debug for OnUpdate<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let columns: Vec<&str> = self.set.iter().map(|(c, _)| *c).collect();
        f.debug_struct("OnUpdate")
            .field("columns", &columns)
            .finish()
    }
}

impl<M: Model> OnUpdate<M> {
    /// The values `M::on_update` sets.
    pub(crate) fn of() -> Self {
        let mut u = OnUpdate {
            set: Vec::new(),
            model: PhantomData,
        };
        M::on_update(&mut u);
        u
    }

    /// `SET column = value` on every UPDATE of a changed object (unless the
    /// object changed that column itself: its own value wins). `value` is
    /// any expression of the column's SQL type, evaluated by the server:
    /// `now()`, `Edits.add(1)`, a bound value.
    pub fn column<C, E>(&mut self, column: C, value: E) -> &mut Self
    where
        C: Column<Table = M::Table>,
        E: IntoExpr<C::SqlType>,
        E::Expr: Send + Sync + 'static,
    {
        let _ = column;
        self.set.push((C::NAME, Box::new(value.into_expr())));
        self
    }
}

/// The on-update values of `M` for an UPDATE of the columns `changed`
/// (flags in the order of `names`): those of columns it does not change.
pub(crate) fn on_update_for<M: Model>(
    names: &[&str],
    changed: &[bool],
) -> Vec<(&'static str, Box<dyn Render + Send + Sync>)> {
    let mut u = OnUpdate::<M>::of();
    u.set
        .retain(|(c, _)| !names.iter().zip(changed).any(|(n, ch)| *ch && n == c));
    u.set
}

/// Writes `, "column" = value` for each on-update value.
pub(crate) fn write_set<'a>(
    w: &mut SqlWriter<'a>,
    set: &'a [(&'static str, &'a (dyn Render + Send + Sync))],
) {
    for (column, value) in set {
        w.push_sql(", ");
        w.push_ident(column);
        w.push_sql(" = ");
        value.render_assigned(w);
    }
}
