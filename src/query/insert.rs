//! INSERT: one row, many rows (split under the driver's bind limit),
//! INSERT ... SELECT, upserts.

use std::ops::Range;

use super::checked::ValuesArg;
use super::clause::{Assign, Assignments, Selection};
use super::run::Query;
use crate::error::ErrorKind;
use crate::expr::Expression;
use crate::render::{
    NodeTag, Render, RowChunks, SqlKey, SqlWriter, Statement, TableRef, UpsertStyle,
};
use crate::schema::{Column, ColumnList, QuerySource, Table};
use crate::types::Compatible;

/// The rows of an INSERT: one row (`column.set(value)` or a tuple of
/// them), or a `Vec`, slice or array of such rows.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be inserted into table `{T}`",
    label = "expected `column.set(value)`, a tuple of them, or a Vec of such rows, on columns of `{T}`",
    note = "an INSERT can only set columns of its own table, with values of their SQL types"
)]
pub trait InsertValues<T: Table> {
    /// One row.
    type Row: Assignments<T>;
    /// The rows.
    fn rows(&self) -> &[Self::Row];
}

impl<T: Table, C, E> InsertValues<T> for Assign<C, E>
where
    Self: Assignments<T>,
{
    type Row = Self;
    fn rows(&self) -> &[Self] {
        std::slice::from_ref(self)
    }
}

macro_rules! tuple_insert_values {
    ($($A:ident $S:ident),+) => {
        impl<Tbl: Table, $($A),+> InsertValues<Tbl> for ($($A,)+)
        where
            Self: Assignments<Tbl>,
        {
            type Row = Self;
            fn rows(&self) -> &[Self] {
                std::slice::from_ref(self)
            }
        }
    };
}
crate::macros::for_tuples!(tuple_insert_values);

impl<T: Table, A: Assignments<T>> InsertValues<T> for Vec<A> {
    type Row = A;
    fn rows(&self) -> &[A] {
        self
    }
}
impl<T: Table, A: Assignments<T>, const N: usize> InsertValues<T> for [A; N] {
    type Row = A;
    fn rows(&self) -> &[A] {
        self
    }
}
impl<T: Table, A: Assignments<T>> InsertValues<T> for &[A] {
    type Row = A;
    fn rows(&self) -> &[A] {
        self
    }
}

/// `INSERT INTO table`, waiting for its values.
#[derive(Debug, Clone, Copy)]
#[must_use = "call `.values(..)` to say what to insert"]
pub struct InsertInto<T> {
    table: T,
}

/// `INSERT INTO table (...) VALUES (...)`.
///
/// | | |
/// |---|---|
/// | SQLite | `INSERT INTO "users" ("name") VALUES (?)` |
/// | PostgreSQL | `INSERT INTO "users" ("name") VALUES ($1)` |
/// | MySQL | ``INSERT INTO `users` (`name`) VALUES (?)`` |
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Users;
/// # impl Table for Users { const NAME: &'static str = "users"; type Columns = Name; type PrimaryKey = Name; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Name;
/// # impl Column for Name { type Table = Users; type SqlType = Text; const NAME: &'static str = "name"; }
/// let one = insert_into(Users).values(Name.set("alice"));
/// let many = insert_into(Users).values(vec![Name.set("bob"), Name.set("carol")]);
/// ```
pub fn insert_into<T: Table>(table: T) -> InsertInto<T> {
    InsertInto { table }
}

/// An INSERT statement. Run with `execute`, a multi-row INSERT is split
/// into statements under the backend's bind-parameter limit, all in one
/// transaction.
#[derive(Debug, Clone, Copy)]
#[must_use = "a statement does nothing until it is run with `execute`"]
pub struct Insert<T, V> {
    table: T,
    values: V,
}

impl<T: Table> InsertInto<T> {
    /// The row or rows to insert: `column.set(value)`, a tuple of them, or
    /// a `Vec`, slice or array of such rows (one multi-row statement).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let one = insert_into(Users).values((users::Name.set("ann"), users::Status.set("active")));
    /// assert_eq!(
    ///     one.to_sql(&sqlalgebra_postgres::Postgres)?.sql,
    ///     "INSERT INTO \"users\" (\"name\", \"status\") VALUES ($1, $2)"
    /// );
    /// let two = insert_into(Users).values([
    ///     (users::Name.set("ann"), users::Status.set("active")),
    ///     (users::Name.set("bob"), users::Status.set("active")),
    /// ]);
    /// assert_eq!(
    ///     two.to_sql(&sqlalgebra_mysql::Mysql)?.sql,
    ///     "INSERT INTO `users` (`name`, `status`) VALUES (?, ?), (?, ?)"
    /// );
    /// assert_eq!(two.to_sql(&sqlalgebra_sqlite::Sqlite)?.binds.len(), 4);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn values<V, K>(self, values: V) -> Insert<T, <V as ValuesArg<T, K>>::Values>
    where
        V: ValuesArg<T, K, Values = V>,
    {
        Insert {
            table: self.table,
            values,
        }
    }

    /// Names the columns for `INSERT INTO table (columns) SELECT ...`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// create_all::<AllTables>(&mut conn)?;
    /// insert_into(Users)
    ///     .values((users::Name.set("ann"), users::Status.set("active")))
    ///     .execute(&mut conn)?;
    /// let n = insert_into(Tags)
    ///     .columns(tags::Name)
    ///     .select(select(users::Name))
    ///     .execute(&mut conn)?;
    /// assert_eq!(n, 1);
    /// assert_eq!(select(tags::Name).load::<String, _>(&mut conn)?, ["ann"]);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn columns<L: ColumnList>(self, columns: L) -> InsertColumns<T, L> {
        InsertColumns {
            table: self.table,
            columns,
        }
    }
}

impl<T: Table, V: InsertValues<T>> Insert<T, V> {
    /// What to do when a row conflicts with an existing one on the unique
    /// `columns` (a column or a tuple): see [`OnConflict`].
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// create_all::<Users>(&mut conn)?;
    /// insert_into(Users)
    ///     .values(vec![
    ///         (users::Name.set("ann"), users::Status.set("active")),
    ///         (users::Name.set("bob"), users::Status.set("active")),
    ///     ])
    ///     .execute(&mut conn)?;
    /// use sqlalgebra::query::excluded;
    /// let n = insert_into(Users)
    ///     .values((users::Id.set(1), users::Name.set("ann"), users::Status.set("banned")))
    ///     .on_conflict(users::Id)
    ///     .do_update(users::Status.set(excluded(users::Status)))
    ///     .execute(&mut conn)?;
    /// assert_eq!(n, 1);
    /// let status: String = select(users::Status).filter(users::Id.eq(1)).get(&mut conn)?;
    /// assert_eq!(status, "banned");
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn on_conflict<L: ColumnList>(self, columns: L) -> OnConflict<T, V, L> {
        OnConflict {
            insert: self,
            target: columns,
        }
    }

    fn write_rows<'a>(&'a self, w: &mut SqlWriter<'a>, rows: Range<usize>) {
        let all = self.values.rows();
        let Some(rows) = all.get(rows).filter(|r| !r.is_empty()) else {
            w.fail(ErrorKind::InvalidStatement("INSERT of no rows".into()).into());
            return;
        };
        w.push_sql("INSERT INTO ");
        w.push_ident(self.table.table_ref().name);
        w.push_sql(" (");
        rows[0].write_columns(w);
        w.push_sql(") VALUES ");
        for (i, row) in rows.iter().enumerate() {
            w.push_sql(if i == 0 { "(" } else { ", (" });
            row.write_values(w);
            w.push_sql(")");
        }
    }
}

impl<T: Table, V: InsertValues<T>> Render for Insert<T, V> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.write_rows(w, 0..self.values.rows().len());
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static INSERT: NodeTag = NodeTag::new("INSERT");
        let rows = self.values.rows();
        // Typically a tag and a bind per value.
        let values = rows.len() * <V::Row as Assignments<T>>::COUNT;
        key.reserve(8 + 2 * values, values);
        key.tag(&INSERT);
        key.name(T::NAME);
        key.word(rows.len());
        // Every row has the first one's columns: they are its type's.
        rows.first().is_some_and(|first| first.columns_key(key))
            && rows.iter().all(|row| row.values_key(key))
    }
}

impl<T: Table, V: InsertValues<T>> RowChunks for Insert<T, V> {
    fn row_count(&self) -> usize {
        self.values.rows().len()
    }
    fn render_rows<'a>(&'a self, w: &mut SqlWriter<'a>, rows: Range<usize>) {
        self.write_rows(w, rows);
    }
}

impl<T: Table, V: InsertValues<T>> Statement for Insert<T, V> {
    fn row_chunks(&self) -> Option<&dyn RowChunks> {
        Some(self)
    }
}

/// `INSERT INTO table (columns)`, waiting for `select`.
#[derive(Debug, Clone, Copy)]
#[must_use = "call `.select(..)` to say what to insert"]
pub struct InsertColumns<T, L> {
    table: T,
    columns: L,
}

impl<T: Table, L: ColumnList + Selection> InsertColumns<T, L> {
    /// `INSERT INTO table (columns) SELECT ...`: the query's row must have
    /// the columns' SQL types.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Old;
    /// # impl Table for Old { const NAME: &'static str = "old"; type Columns = X; type PrimaryKey = X; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct X;
    /// # impl Column for X { type Table = Old; type SqlType = BigInt; const NAME: &'static str = "x"; }
    /// let copy = insert_into(T).columns(A).select(select(X).filter(X.gt(0)));
    /// ```
    pub fn select<Q>(self, query: Q) -> InsertSelect<T, L, Q>
    where
        Q: Query,
        Q::SqlType: Compatible<L::SqlType>,
    {
        InsertSelect {
            table: self.table,
            columns: self.columns,
            query,
        }
    }
}

/// `INSERT INTO table (columns) SELECT ...`
#[derive(Debug, Clone, Copy)]
#[must_use = "a statement does nothing until it is run with `execute`"]
pub struct InsertSelect<T, L, Q> {
    table: T,
    columns: L,
    query: Q,
}

fn key_names(key: &mut SqlKey<'_>, names: &'static [&'static str]) {
    key.word(names.len());
    for n in names {
        key.name(n);
    }
}

fn write_names(w: &mut SqlWriter<'_>, names: &[&str]) {
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            w.push_sql(", ");
        }
        w.push_ident(n);
    }
}

impl<T: Table, L: ColumnList, Q: Render> Render for InsertSelect<T, L, Q> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        let _ = &self.columns;
        w.push_sql("INSERT INTO ");
        w.push_ident(self.table.table_ref().name);
        w.push_sql(" (");
        write_names(w, L::NAMES);
        w.push_sql(") ");
        self.query.render(w);
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static INSERT_SELECT: NodeTag = NodeTag::new("INSERT ... SELECT");
        key.tag(&INSERT_SELECT);
        key.name(T::NAME);
        key_names(key, L::NAMES);
        self.query.sql_key(key)
    }
}

impl<T: Table, L: ColumnList, Q: Render> Statement for InsertSelect<T, L, Q> {}

/// An INSERT waiting to be told what to do on a conflict.
#[derive(Debug, Clone, Copy)]
#[must_use = "call `.do_nothing()` or `.do_update(..)`"]
pub struct OnConflict<T, V, L> {
    insert: Insert<T, V>,
    target: L,
}

impl<T: Table, V: InsertValues<T>, L: ColumnList> OnConflict<T, V, L> {
    /// Skips rows that conflict.
    ///
    /// | | |
    /// |---|---|
    /// | SQLite, PostgreSQL | `... ON CONFLICT ("name") DO NOTHING` |
    /// | MySQL | ``... ON DUPLICATE KEY UPDATE `name` = `name` `` (a no-op update) |
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// create_all::<Users>(&mut conn)?;
    /// insert_into(Users)
    ///     .values(vec![
    ///         (users::Name.set("ann"), users::Status.set("active")),
    ///         (users::Name.set("bob"), users::Status.set("active")),
    ///     ])
    ///     .execute(&mut conn)?;
    /// insert_into(Users)
    ///     .values((users::Id.set(1), users::Name.set("zed"), users::Status.set("banned")))
    ///     .on_conflict(users::Id)
    ///     .do_nothing()
    ///     .execute(&mut conn)?;
    /// let name: String = select(users::Name).filter(users::Id.eq(1)).get(&mut conn)?;
    /// assert_eq!(name, "ann");
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn do_nothing(self) -> Upsert<T, V, L, DoNothing> {
        Upsert {
            insert: self.insert,
            target: self.target,
            update: None,
        }
    }

    /// Updates the existing row instead; [`excluded`] names the value the
    /// INSERT proposed.
    ///
    /// | | |
    /// |---|---|
    /// | SQLite | `... ON CONFLICT ("name") DO UPDATE SET "n" = excluded."n"` |
    /// | PostgreSQL | `... ON CONFLICT ("name") DO UPDATE SET "n" = EXCLUDED."n"` |
    /// | MySQL | ``... ON DUPLICATE KEY UPDATE `n` = VALUES(`n`)`` |
    ///
    /// MySQL checks every unique key, not only `columns`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::query::excluded;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = (K, N); type PrimaryKey = K; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct K;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct N;
    /// # impl Column for K { type Table = T; type SqlType = Text; const NAME: &'static str = "k"; }
    /// # impl Column for N { type Table = T; type SqlType = BigInt; const NAME: &'static str = "n"; }
    /// let q = insert_into(T)
    ///     .values((K.set("a"), N.set(1)))
    ///     .on_conflict(K)
    ///     .do_update(N.set(N.add(excluded(N))));
    /// ```
    pub fn do_update<A: Assignments<T>>(self, assignments: A) -> Upsert<T, V, L, A> {
        Upsert {
            insert: self.insert,
            target: self.target,
            update: Some(assignments),
        }
    }
}

/// An INSERT with an ON CONFLICT / ON DUPLICATE KEY clause.
#[derive(Debug, Clone, Copy)]
#[must_use = "a statement does nothing until it is run with `execute`"]
pub struct Upsert<T, V, L, A> {
    insert: Insert<T, V>,
    target: L,
    update: Option<A>,
}

impl<T: Table, V: InsertValues<T>, L: ColumnList, A: Assignments<T>> Upsert<T, V, L, A> {
    /// Whether a conflicting row is updated (`do_update`), not skipped.
    pub(crate) fn updates(&self) -> bool {
        self.update.is_some()
    }

    fn write_rows<'a>(&'a self, w: &mut SqlWriter<'a>, rows: Range<usize>) {
        let _ = &self.target;
        self.insert.write_rows(w, rows);
        // The update sees the table's existing row: a subquery there is
        // correlated to it, and a column of another table is refused.
        let mark = w.enter_scope(&[TableRef::new(T::NAME)]);
        let strict = w.set_strict(true);
        match w.dialect().upsert_style() {
            UpsertStyle::OnConflict => {
                w.push_sql(" ON CONFLICT (");
                write_names(w, L::NAMES);
                match &self.update {
                    None => w.push_sql(") DO NOTHING"),
                    Some(a) => {
                        w.push_sql(") DO UPDATE SET ");
                        a.write_set(w);
                    }
                }
            }
            UpsertStyle::OnDuplicateKey => {
                w.push_sql(" ON DUPLICATE KEY UPDATE ");
                match &self.update {
                    Some(a) => a.write_set(w),
                    None => match L::NAMES.first() {
                        Some(c) => {
                            w.push_ident(c);
                            w.push_sql(" = ");
                            w.push_ident(c);
                        }
                        None => w.fail(
                            ErrorKind::InvalidStatement(
                                "ON CONFLICT needs at least one column".into(),
                            )
                            .into(),
                        ),
                    },
                }
            }
        }
        w.set_strict(strict);
        w.leave_scope(mark);
    }
}

/// The assignments of an upsert that does nothing on conflict.
#[derive(Debug, Clone, Copy, Default)]
pub struct DoNothing;

impl<T: Table> Assignments<T> for DoNothing {
    const COUNT: usize = 0;
    fn write_columns(&self, _: &mut SqlWriter<'_>) {}
    fn write_values<'a>(&'a self, _: &mut SqlWriter<'a>) {}
    fn write_set<'a>(&'a self, _: &mut SqlWriter<'a>) {}
    #[inline]
    fn columns_key(&self, _: &mut SqlKey<'_>) -> bool {
        true
    }
    #[inline]
    fn values_key<'a>(&'a self, _: &mut SqlKey<'a>) -> bool {
        true
    }
}

impl<T: Table, V: InsertValues<T>, L: ColumnList, A: Assignments<T>> Render for Upsert<T, V, L, A> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.write_rows(w, 0..self.insert.values.rows().len());
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static UPSERT: NodeTag = NodeTag::new("upsert");
        key.tag(&UPSERT);
        if !self.insert.sql_key(key) {
            return false;
        }
        key_names(key, L::NAMES);
        key.word(usize::from(self.update.is_some()));
        self.update
            .as_ref()
            .is_none_or(|a| a.columns_key(key) && a.values_key(key))
    }
}

impl<T: Table, V: InsertValues<T>, L: ColumnList, A: Assignments<T>> RowChunks
    for Upsert<T, V, L, A>
{
    fn row_count(&self) -> usize {
        self.insert.values.rows().len()
    }
    fn render_rows<'a>(&'a self, w: &mut SqlWriter<'a>, rows: Range<usize>) {
        self.write_rows(w, rows);
    }
}

impl<T: Table, V: InsertValues<T>, L: ColumnList, A: Assignments<T>> Statement
    for Upsert<T, V, L, A>
{
    fn row_chunks(&self) -> Option<&dyn RowChunks> {
        Some(self)
    }
}

/// The value an upsert proposed for column `C`: `excluded."c"`, or
/// `VALUES(`c`)` on MySQL.
#[derive(Debug, Clone, Copy, Default)]
pub struct Excluded<C>(C);

/// The value the INSERT proposed for `column`, inside `do_update`.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::query::excluded;
/// # use sqlalgebra::orm::doc_models::*;
/// let q = insert_into(Users)
///     .values((users::Id.set(1), users::Name.set("ann"), users::Status.set("active")))
///     .on_conflict(users::Id)
///     .do_update(users::Name.set(excluded(users::Name)));
/// let sql = |d: &dyn sqlalgebra::render::Dialect| q.to_sql(d).unwrap().sql;
/// assert!(sql(&sqlalgebra_sqlite::Sqlite).ends_with("DO UPDATE SET \"name\" = excluded.\"name\""));
/// assert!(sql(&sqlalgebra_postgres::Postgres).ends_with("DO UPDATE SET \"name\" = EXCLUDED.\"name\""));
/// assert!(sql(&sqlalgebra_mysql::Mysql).ends_with("ON DUPLICATE KEY UPDATE `name` = VALUES(`name`)"));
/// ```
pub fn excluded<C: Column>(column: C) -> Excluded<C> {
    Excluded(column)
}

impl<C: Column> Render for Excluded<C> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        let _ = self.0;
        match w.dialect().upsert_style() {
            UpsertStyle::OnConflict => {
                w.push_sql(w.dialect().excluded_table());
                w.push_sql(".");
                w.push_ident(C::NAME);
            }
            UpsertStyle::OnDuplicateKey => {
                w.push_sql("VALUES(");
                w.push_ident(C::NAME);
                w.push_sql(")");
            }
        }
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static EXCLUDED: NodeTag = NodeTag::new("excluded");
        key.tag(&EXCLUDED);
        key.name(C::NAME);
        true
    }
}

#[diagnostic::do_not_recommend]
impl<C: Column> Expression for Excluded<C> {
    type SqlType = C::SqlType;
}

crate::macros::in_scope! { [C] Excluded<C> {}; }
