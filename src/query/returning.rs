//! RETURNING, for INSERT, UPDATE and DELETE where the database has it.

use super::clause::Selection;
use super::clause::{Assignments, MaybeClause};
use super::insert::{Insert, InsertValues, Upsert};
use super::run::Query;
use super::write::{Delete, Update};
#[cfg(doc)]
use crate::render::Dialect;
use crate::render::{NodeTag, Render, SqlKey, SqlWriter, Statement, TableRef, WriteKind};
use crate::schema::{ColumnList, Table};

/// A write statement that returns rows: `... RETURNING columns`.
///
/// SQLite and PostgreSQL have RETURNING on every write; MariaDB from 10.5
/// on INSERT and DELETE (and on an upsert that updates); MySQL has none.
/// Where the dialect lacks it ([`Dialect::supports_returning`]), rendering
/// fails with [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported) before
/// anything is sent.
#[derive(Debug, Clone, Copy)]
#[must_use = "a statement does nothing until it is run with `load`, `get` or `first`"]
pub struct Returning<S, R> {
    statement: S,
    returning: R,
}

/// INSERT, UPDATE and DELETE of one table: the statements that can take
/// RETURNING.
pub trait WriteStatement: Statement {
    /// The table written, whose columns RETURNING may name.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::query::WriteStatement;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
    /// assert_eq!(delete_from(T).target_table(), "t");
    /// ```
    fn target_table(&self) -> &'static str;

    /// Which kind of write this is, for [`Dialect::supports_returning`].
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::query::WriteStatement;
    /// use sqlalgebra::render::WriteKind;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = Id; type PrimaryKey = Id; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
    /// # impl Column for Id { type Table = T; type SqlType = BigInt; const NAME: &'static str = "id"; }
    /// assert_eq!(delete_from(T).write_kind(), WriteKind::Delete);
    /// ```
    fn write_kind(&self) -> WriteKind;
}

impl<T: Table, V: InsertValues<T>> WriteStatement for Insert<T, V> {
    fn target_table(&self) -> &'static str {
        T::NAME
    }
    fn write_kind(&self) -> WriteKind {
        WriteKind::Insert
    }
}
impl<T: Table, V: InsertValues<T>, L: ColumnList, A: Assignments<T>> WriteStatement
    for Upsert<T, V, L, A>
{
    fn target_table(&self) -> &'static str {
        T::NAME
    }
    fn write_kind(&self) -> WriteKind {
        if self.updates() {
            WriteKind::UpsertDoUpdate
        } else {
            WriteKind::UpsertDoNothing
        }
    }
}
impl<T: Table, A: Assignments<T>, W: MaybeClause> WriteStatement for Update<T, A, W> {
    fn target_table(&self) -> &'static str {
        T::NAME
    }
    fn write_kind(&self) -> WriteKind {
        WriteKind::Update
    }
}
impl<T: Table, W: MaybeClause> WriteStatement for Delete<T, W> {
    fn target_table(&self) -> &'static str {
        T::NAME
    }
    fn write_kind(&self) -> WriteKind {
        WriteKind::Delete
    }
}

/// `returning`: for INSERT, UPDATE and DELETE.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (Id, N); type PrimaryKey = Id; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct N;
/// # impl Column for Id { type Table = T; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// # impl Column for N { type Table = T; type SqlType = Text; const NAME: &'static str = "n"; }
/// let q = insert_into(T).values(N.set("x")).returning(Id);
/// ```
pub trait ReturningMethods: WriteStatement + Sized {
    /// Adds `RETURNING columns`: the statement now returns rows.
    fn returning<R: Selection>(self, columns: R) -> Returning<Self, R> {
        Returning {
            statement: self,
            returning: columns,
        }
    }
}

impl<S: WriteStatement> ReturningMethods for S {}

impl<S: WriteStatement, R: Render> Render for Returning<S, R> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        let kind = self.statement.write_kind();
        if !w.dialect().supports_returning(kind) {
            w.unsupported(kind.returning_feature());
        }
        self.statement.render(w);
        w.push_sql(" RETURNING ");
        // RETURNING sees the written table only: a subquery there is
        // correlated to it, and a column of another table is refused.
        let mark = w.enter_scope(&[TableRef::new(self.statement.target_table())]);
        let strict = w.set_strict(true);
        let qualified = w.set_unqualified(true);
        self.returning.render_selected(w);
        w.set_unqualified(qualified);
        w.set_strict(strict);
        w.leave_scope(mark);
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static RETURNING: NodeTag = NodeTag::new("RETURNING");
        key.tag(&RETURNING);
        self.statement.sql_key(key) && self.returning.sql_key(key)
    }
}

impl<S: WriteStatement, R: Render> Statement for Returning<S, R> {}

impl<S: WriteStatement, R: Selection> Query for Returning<S, R> {
    type SqlType = R::SqlType;
}
