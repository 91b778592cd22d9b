//! INSERT, UPDATE and DELETE.

use super::clause::{AndPredicate, Assign, Assignments, MaybeClause, Predicate};
use crate::error::Error;
use crate::render::{Render, SqlWriter, Statement};
use crate::schema::{QuerySource, Table};

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

/// An INSERT statement.
#[derive(Debug, Clone, Copy)]
#[must_use = "a statement does nothing until it is run with `execute`"]
pub struct Insert<T, V> {
    table: T,
    values: V,
}

impl<T: Table> InsertInto<T> {
    /// The row or rows to insert: `column.set(value)`, a tuple of them, or
    /// a `Vec`, slice or array of such rows (one multi-row statement).
    pub fn values<V: InsertValues<T>>(self, values: V) -> Insert<T, V> {
        Insert {
            table: self.table,
            values,
        }
    }
}

impl<T: Table, V: InsertValues<T>> Render for Insert<T, V> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        let rows = self.values.rows();
        let Some(first) = rows.first() else {
            w.fail(Error::InvalidStatement("INSERT of no rows".into()));
            return;
        };
        w.push_sql("INSERT INTO ");
        w.push_ident(self.table.table_ref().name);
        w.push_sql(" (");
        first.write_columns(w);
        w.push_sql(") VALUES ");
        for (i, row) in rows.iter().enumerate() {
            w.push_sql(if i == 0 { "(" } else { ", (" });
            row.write_values(w);
            w.push_sql(")");
        }
    }
}
impl<T: Table, V: InsertValues<T>> Statement for Insert<T, V> {}

/// `UPDATE table`, waiting for `set`.
#[derive(Debug, Clone, Copy)]
#[must_use = "call `.set(..)` to say what to change"]
pub struct UpdateTable<T> {
    table: T,
}

/// `UPDATE table SET ... WHERE ...`
///
/// | | |
/// |---|---|
/// | SQLite | `UPDATE "users" SET "name" = ? WHERE "users"."id" = ?` |
/// | PostgreSQL | `UPDATE "users" SET "name" = $1 WHERE "users"."id" = $2` |
/// | MySQL | ``UPDATE `users` SET `name` = ? WHERE `users`.`id` = ?`` |
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Users;
/// # impl Table for Users { const NAME: &'static str = "users"; type Columns = (Id, Name); type PrimaryKey = Id; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Name;
/// # impl Column for Id { type Table = Users; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// # impl Column for Name { type Table = Users; type SqlType = Text; const NAME: &'static str = "name"; }
/// let q = update(Users).set(Name.set("bob")).filter(Id.eq(1));
/// ```
pub fn update<T: Table>(table: T) -> UpdateTable<T> {
    UpdateTable { table }
}

/// An UPDATE statement.
#[derive(Debug, Clone, Copy)]
#[must_use = "a statement does nothing until it is run with `execute`"]
pub struct Update<T, A, W = ()> {
    table: T,
    assignments: A,
    filter: W,
}

impl<T: Table> UpdateTable<T> {
    /// `SET column = value, ...`: an assignment or a tuple of them.
    pub fn set<A: Assignments<T>>(self, assignments: A) -> Update<T, A> {
        Update {
            table: self.table,
            assignments,
            filter: (),
        }
    }
}

impl<T: Table, A, W> Update<T, A, W> {
    /// Adds a WHERE condition; several calls are ANDed. Without any, every
    /// row is updated.
    pub fn filter<P: Predicate>(self, predicate: P) -> Update<T, A, W::Output>
    where
        W: AndPredicate<P>,
    {
        Update {
            table: self.table,
            assignments: self.assignments,
            filter: self.filter.and_predicate(predicate),
        }
    }
}

impl<T: Table, A: Assignments<T>, W: MaybeClause> Render for Update<T, A, W> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_sql("UPDATE ");
        w.push_ident(self.table.table_ref().name);
        w.push_sql(" SET ");
        self.assignments.write_set(w);
        self.filter.write_clause(w, " WHERE ");
    }
}
impl<T: Table, A: Assignments<T>, W: MaybeClause> Statement for Update<T, A, W> {}

/// `DELETE FROM table WHERE ...`
///
/// | | |
/// |---|---|
/// | SQLite | `DELETE FROM "users" WHERE "users"."id" = ?` |
/// | PostgreSQL | `DELETE FROM "users" WHERE "users"."id" = $1` |
/// | MySQL | ``DELETE FROM `users` WHERE `users`.`id` = ?`` |
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Users;
/// # impl Table for Users { const NAME: &'static str = "users"; type Columns = Id; type PrimaryKey = Id; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
/// # impl Column for Id { type Table = Users; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// let q = delete_from(Users).filter(Id.eq(1));
/// ```
pub fn delete_from<T: Table>(table: T) -> Delete<T> {
    Delete { table, filter: () }
}

/// A DELETE statement.
#[derive(Debug, Clone, Copy)]
#[must_use = "a statement does nothing until it is run with `execute`"]
pub struct Delete<T, W = ()> {
    table: T,
    filter: W,
}

impl<T: Table, W> Delete<T, W> {
    /// Adds a WHERE condition; several calls are ANDed. Without any, every
    /// row is deleted.
    pub fn filter<P: Predicate>(self, predicate: P) -> Delete<T, W::Output>
    where
        W: AndPredicate<P>,
    {
        Delete {
            table: self.table,
            filter: self.filter.and_predicate(predicate),
        }
    }
}

impl<T: Table, W: MaybeClause> Render for Delete<T, W> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_sql("DELETE FROM ");
        w.push_ident(self.table.table_ref().name);
        self.filter.write_clause(w, " WHERE ");
    }
}
impl<T: Table, W: MaybeClause> Statement for Delete<T, W> {}
