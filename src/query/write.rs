//! UPDATE and DELETE.

use super::clause::{AndPredicate, Assignments, MaybeClause, Predicate};
use crate::render::{NodeTag, Render, SqlKey, SqlWriter, Statement};
use crate::schema::{QuerySource, Table};

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
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static UPDATE: NodeTag = NodeTag::new("UPDATE");
        key.tag(&UPDATE);
        key.name(T::NAME);
        key.word(usize::from(self.filter.is_present()));
        self.assignments.columns_key(key)
            && self.assignments.values_key(key)
            && self.filter.clause_key(key)
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
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static DELETE: NodeTag = NodeTag::new("DELETE");
        key.tag(&DELETE);
        key.name(T::NAME);
        key.word(usize::from(self.filter.is_present()));
        self.filter.clause_key(key)
    }
}
impl<T: Table, W: MaybeClause> Statement for Delete<T, W> {}
