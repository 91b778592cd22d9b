//! UPDATE and DELETE, of one table or reading others (`UPDATE ... FROM`,
//! `DELETE ... USING`).
//!
//! Their WHERE, SET and RETURNING see the target table and the tables
//! named with `from` / `using`, and nothing else: a subquery that refers to
//! the target is correlated to it, and a column of any other table is
//! refused with [`ErrorKind::TableNotInStatement`](crate::ErrorKind::TableNotInStatement)
//! before anything is sent.

use super::checked::AssignArg;
use super::clause::{AndPredicate, Assignments, MaybeClause};
use crate::render::{
    MultiTableStyle, NodeTag, Render, SqlKey, SqlWriter, Statement, TableRef, TableSet, add_table,
};
use crate::schema::{QuerySource, Table};

/// The other tables an UPDATE or DELETE reads: `()` for none, a table
/// (or an [`alias`](super::alias), a derived table), or a tuple of them.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::query::{WriteSources, alias};
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// fn reads_others<S: WriteSources>(_: &S) -> bool {
///     S::ANY
/// }
/// assert!(!reads_others(&()));
/// assert!(reads_others(&(T, alias(T, "t2"))));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read by an UPDATE or DELETE",
    label = "expected a table, an alias, a derived table, or a tuple of them"
)]
pub trait WriteSources {
    /// Whether there is any table (`false` only for `()`).
    const ANY: bool;
    /// Adds the tables, as their columns are qualified, to `out`.
    fn add_tables(&self, out: &mut TableSet<'_>);
    /// Writes the tables as they stand in FROM, separated by `, `.
    fn write_sources<'a>(&'a self, w: &mut SqlWriter<'a>);
    /// The tables' [`sql_key`](Render::sql_key). `false`: not described.
    fn sources_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool;
}

impl WriteSources for () {
    const ANY: bool = false;
    fn add_tables(&self, _: &mut TableSet<'_>) {}
    fn write_sources<'a>(&'a self, _: &mut SqlWriter<'a>) {}
    #[inline]
    fn sources_key<'a>(&'a self, _: &mut SqlKey<'a>) -> bool {
        true
    }
}

impl<S: QuerySource> WriteSources for S {
    const ANY: bool = true;
    fn add_tables(&self, out: &mut TableSet<'_>) {
        add_table(out, self.table_ref());
    }
    fn write_sources<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.write_from(w);
    }
    #[inline]
    fn sources_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        self.source_key(key)
    }
}

macro_rules! tuple_sources {
    ($($T:ident $S:ident),+) => {
        impl<$($T: QuerySource),+> WriteSources for ($($T,)+) {
            const ANY: bool = true;
            #[allow(non_snake_case)]
            fn add_tables(&self, out: &mut TableSet<'_>) {
                let ($($T,)+) = self;
                $(add_table(out, $T.table_ref());)+
            }
            #[allow(non_snake_case, unused_assignments)]
            fn write_sources<'a>(&'a self, w: &mut SqlWriter<'a>) {
                let ($($T,)+) = self;
                let mut first = true;
                $(
                    if !first { w.push_sql(", "); }
                    first = false;
                    $T.write_from(w);
                )+
            }
            #[allow(non_snake_case)]
            #[inline]
            fn sources_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
                let ($($T,)+) = self;
                key.word([$(stringify!($T)),+].len());
                $($T.source_key(key))&&+
            }
        }
    };
}
crate::macros::for_tuples!(tuple_sources);

/// Makes the target table and `sources` the scope of a write statement's
/// clauses, with columns of any other table refused, while `f` writes them.
pub(crate) fn in_write_scope<'a, T: Table, F: WriteSources>(
    w: &mut SqlWriter<'a>,
    sources: &F,
    f: impl FnOnce(&mut SqlWriter<'a>),
) {
    let mut tables = TableSet::new();
    tables.push(TableRef::new(T::NAME));
    sources.add_tables(&mut tables);
    let mark = w.enter_scope(&tables);
    let strict = w.set_strict(true);
    f(w);
    w.set_strict(strict);
    w.leave_scope(mark);
}

/// `UPDATE table`, waiting for `set` (and, to read other tables, `from`).
#[derive(Debug, Clone, Copy)]
#[must_use = "call `.set(..)` to say what to change"]
pub struct UpdateTable<T, F = ()> {
    table: T,
    from: F,
}

/// `UPDATE table SET ... WHERE ...`
///
/// | | |
/// |---|---|
/// | SQLite | `UPDATE "users" SET "name" = ? WHERE "users"."id" = ?` |
/// | PostgreSQL | `UPDATE "users" SET "name" = $1 WHERE "users"."id" = $2` |
/// | MySQL | ``UPDATE `users` SET `name` = ? WHERE `users`.`id` = ?`` |
///
/// WHERE and SET may refer to the table's columns, and to those of the
/// tables named with [`from`](UpdateTable::from); a subquery that refers
/// to them is correlated. A column of any other table is refused with
/// [`ErrorKind::TableNotInStatement`](crate::ErrorKind::TableNotInStatement).
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
    UpdateTable { table, from: () }
}

/// An UPDATE statement; `F` holds the other tables it reads.
#[derive(Debug, Clone, Copy)]
#[must_use = "a statement does nothing until it is run with `execute`"]
pub struct Update<T, A, W = (), F = ()> {
    table: T,
    pub(crate) assignments: A,
    pub(crate) filter: W,
    from: F,
}

impl<T: Table> UpdateTable<T> {
    /// `UPDATE table SET ... FROM sources WHERE ...`: the UPDATE also reads
    /// `sources` (a table, an alias, a derived table or a tuple of them),
    /// whose columns WHERE and SET may then use. Each row of `table` that
    /// matches some combination of rows is updated once; when SET takes a
    /// value from a source and several rows match, which one is used is up
    /// to the database.
    ///
    /// | | |
    /// |---|---|
    /// | SQLite (3.33+) | `UPDATE "users" SET "name" = ? FROM "posts" WHERE "posts"."user_id" = "users"."id" AND "posts"."score" > ?` |
    /// | PostgreSQL | `UPDATE "users" SET "name" = $1 FROM "posts" WHERE "posts"."user_id" = "users"."id" AND "posts"."score" > $2` |
    /// | MySQL | ``UPDATE `users`, `posts` SET `users`.`name` = ? WHERE `posts`.`user_id` = `users`.`id` AND `posts`.`score` > ?`` |
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Users;
    /// # impl Table for Users { const NAME: &'static str = "users"; type Columns = (Id, Name); type PrimaryKey = Id; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Name;
    /// # impl Column for Id { type Table = Users; type SqlType = BigInt; const NAME: &'static str = "id"; }
    /// # impl Column for Name { type Table = Users; type SqlType = Text; const NAME: &'static str = "name"; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Posts;
    /// # impl Table for Posts { const NAME: &'static str = "posts"; type Columns = (UserId, Score); type PrimaryKey = UserId; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct UserId;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Score;
    /// # impl Column for UserId { type Table = Posts; type SqlType = BigInt; const NAME: &'static str = "user_id"; }
    /// # impl Column for Score { type Table = Posts; type SqlType = BigInt; const NAME: &'static str = "score"; }
    /// use sqlalgebra_postgres::Postgres;
    /// // Rename every user with a post scored over 10.
    /// let q = update(Users)
    ///     .from(Posts)
    ///     .set(Name.set("star"))
    ///     .filter(UserId.eq(Id))
    ///     .filter(Score.gt(10));
    /// assert_eq!(
    ///     q.to_sql(&Postgres)?.sql,
    ///     r#"UPDATE "users" SET "name" = $1 FROM "posts" WHERE "posts"."user_id" = "users"."id" AND "posts"."score" > $2"#
    /// );
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn from<F: WriteSources>(self, sources: F) -> UpdateTable<T, F> {
        UpdateTable {
            table: self.table,
            from: sources,
        }
    }
}

impl<T: Table, F> UpdateTable<T, F> {
    /// `SET column = value, ...`: an assignment or a tuple of them.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let q = update(Users).set((users::Name.set("ann"), users::Status.set("banned")));
    /// assert_eq!(
    ///     q.to_sql(&sqlalgebra_sqlite::Sqlite)?.sql,
    ///     "UPDATE \"users\" SET \"name\" = ?, \"status\" = ?"
    /// );
    /// assert_eq!(
    ///     q.to_sql(&sqlalgebra_postgres::Postgres)?.sql,
    ///     "UPDATE \"users\" SET \"name\" = $1, \"status\" = $2"
    /// );
    /// assert_eq!(
    ///     q.to_sql(&sqlalgebra_mysql::Mysql)?.sql,
    ///     "UPDATE `users` SET `name` = ?, `status` = ?"
    /// );
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn set<A, K>(self, assignments: A) -> Update<T, <A as AssignArg<T, K>>::Assignments, (), F>
    where
        A: AssignArg<T, K, Assignments = A>,
    {
        Update {
            table: self.table,
            assignments,
            filter: (),
            from: self.from,
        }
    }
}

impl<T: Table, A, W, F> Update<T, A, W, F> {
    /// Adds a WHERE condition; several calls are ANDed. Without any, every
    /// row is updated.
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
    /// let n = update(Users)
    ///     .set(users::Status.set("banned"))
    ///     .filter(users::Name.eq("bob"))
    ///     .execute(&mut conn)?;
    /// assert_eq!(n, 1);
    /// let rows: Vec<(String, String)> =
    ///     select((users::Name, users::Status)).order_by(users::Id.asc()).load(&mut conn)?;
    /// assert_eq!(rows, [("ann".into(), "active".into()), ("bob".into(), "banned".into())]);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn filter<P, K>(self, predicate: P) -> Update<T, A, <W as AndPredicate<P, K>>::Output, F>
    where
        W: AndPredicate<P, K>,
    {
        Update {
            table: self.table,
            assignments: self.assignments,
            filter: self.filter.and_predicate(predicate),
            from: self.from,
        }
    }
}

impl<T: Table, A: Assignments<T>, W: MaybeClause, F: WriteSources> Render for Update<T, A, W, F> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        in_write_scope::<T, F>(w, &self.from, |w| {
            w.push_sql("UPDATE ");
            w.push_ident(T::NAME);
            if !F::ANY {
                w.push_sql(" SET ");
                self.assignments.write_set(w);
            } else if w.dialect().multi_table_style() == MultiTableStyle::TableList {
                let readable = w.set_unreadable(Some(T::NAME));
                w.push_sql(", ");
                self.from.write_sources(w);
                w.push_sql(" SET ");
                self.assignments.write_set_qualified(w, T::NAME);
                self.filter.write_clause(w, " WHERE ");
                w.set_unreadable(readable);
                return;
            } else {
                w.push_sql(" SET ");
                self.assignments.write_set(w);
                w.push_sql(" FROM ");
                self.from.write_sources(w);
            }
            self.filter.write_clause(w, " WHERE ");
        });
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static UPDATE: NodeTag = NodeTag::new("UPDATE");
        let _ = &self.table;
        key.tag(&UPDATE);
        key.name(T::NAME);
        key.word(usize::from(self.filter.is_present()) | usize::from(F::ANY) << 1);
        // The sources come before SET on MySQL and after it elsewhere: a
        // source with binds (a derived table) leaves the text uncached.
        let binds = key.bind_count();
        self.from.sources_key(key)
            && key.bind_count() == binds
            && self.assignments.columns_key(key)
            && self.assignments.values_key(key)
            && self.filter.clause_key(key)
    }
}
impl<T: Table, A: Assignments<T>, W: MaybeClause, F: WriteSources> Statement
    for Update<T, A, W, F>
{
}

/// `DELETE FROM table WHERE ...`
///
/// | | |
/// |---|---|
/// | SQLite | `DELETE FROM "users" WHERE "users"."id" = ?` |
/// | PostgreSQL | `DELETE FROM "users" WHERE "users"."id" = $1` |
/// | MySQL | ``DELETE FROM `users` WHERE `users`.`id` = ?`` |
///
/// WHERE may refer to the table's columns, and to those of the tables
/// named with [`using`](Delete::using); a subquery that refers to them is
/// correlated. A column of any other table is refused with
/// [`ErrorKind::TableNotInStatement`](crate::ErrorKind::TableNotInStatement).
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
    Delete {
        table,
        filter: (),
        using: (),
    }
}

/// A DELETE statement; `U` holds the other tables it reads.
#[derive(Debug, Clone, Copy)]
#[must_use = "a statement does nothing until it is run with `execute`"]
pub struct Delete<T, W = (), U = ()> {
    table: T,
    pub(crate) filter: W,
    using: U,
}

impl<T: Table, W, U> Delete<T, W, U> {
    /// Adds a WHERE condition; several calls are ANDed. Without any, every
    /// row is deleted.
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
    /// let n = delete_from(Users)
    ///     .filter(users::Status.eq("active"))
    ///     .filter(users::Name.eq("ann"))
    ///     .execute(&mut conn)?;
    /// assert_eq!(n, 1);
    /// assert_eq!(select(users::Name).load::<String, _>(&mut conn)?, ["bob"]);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn filter<P, K>(self, predicate: P) -> Delete<T, <W as AndPredicate<P, K>>::Output, U>
    where
        W: AndPredicate<P, K>,
    {
        Delete {
            table: self.table,
            filter: self.filter.and_predicate(predicate),
            using: self.using,
        }
    }
}

impl<T: Table, W> Delete<T, W> {
    /// `DELETE FROM table USING sources WHERE ...`: the DELETE also reads
    /// `sources` (a table, an alias, a derived table or a tuple of them),
    /// whose columns WHERE may then use. A row of `table` is deleted when
    /// some combination of rows of the sources satisfies WHERE with it.
    ///
    /// | | |
    /// |---|---|
    /// | SQLite | `DELETE FROM "posts" WHERE EXISTS (SELECT 1 FROM "users" WHERE "users"."id" = "posts"."user_id" AND "users"."name" = ?)` |
    /// | PostgreSQL | `DELETE FROM "posts" USING "users" WHERE "users"."id" = "posts"."user_id" AND "users"."name" = $1` |
    /// | MySQL | ``DELETE `posts` FROM `posts`, `users` WHERE `users`.`id` = `posts`.`user_id` AND `users`.`name` = ?`` |
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Users;
    /// # impl Table for Users { const NAME: &'static str = "users"; type Columns = (Id, Name); type PrimaryKey = Id; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Name;
    /// # impl Column for Id { type Table = Users; type SqlType = BigInt; const NAME: &'static str = "id"; }
    /// # impl Column for Name { type Table = Users; type SqlType = Text; const NAME: &'static str = "name"; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Posts;
    /// # impl Table for Posts { const NAME: &'static str = "posts"; type Columns = UserId; type PrimaryKey = UserId; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct UserId;
    /// # impl Column for UserId { type Table = Posts; type SqlType = BigInt; const NAME: &'static str = "user_id"; }
    /// use sqlalgebra_sqlite::Sqlite;
    /// // Delete the posts of user "spam".
    /// let q = delete_from(Posts)
    ///     .using(Users)
    ///     .filter(Id.eq(UserId))
    ///     .filter(Name.eq("spam"));
    /// assert_eq!(
    ///     q.to_sql(&Sqlite)?.sql,
    ///     r#"DELETE FROM "posts" WHERE EXISTS (SELECT 1 FROM "users" WHERE "users"."id" = "posts"."user_id" AND "users"."name" = ?)"#
    /// );
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn using<U: WriteSources>(self, sources: U) -> Delete<T, W, U> {
        Delete {
            table: self.table,
            filter: self.filter,
            using: sources,
        }
    }
}

impl<T: Table, W: MaybeClause, U: WriteSources> Render for Delete<T, W, U> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        in_write_scope::<T, U>(w, &self.using, |w| {
            let style = w.dialect().multi_table_style();
            let readable = w.set_unreadable(None);
            match (U::ANY, style) {
                (false, _) => {
                    w.push_sql("DELETE FROM ");
                    w.push_ident(T::NAME);
                }
                (true, MultiTableStyle::FromUsing) => {
                    w.push_sql("DELETE FROM ");
                    w.push_ident(T::NAME);
                    w.push_sql(" USING ");
                    self.using.write_sources(w);
                }
                (true, MultiTableStyle::TableList) => {
                    w.set_unreadable(Some(T::NAME));
                    w.push_sql("DELETE ");
                    w.push_ident(T::NAME);
                    w.push_sql(" FROM ");
                    w.push_ident(T::NAME);
                    w.push_sql(", ");
                    self.using.write_sources(w);
                }
                (true, MultiTableStyle::FromExists) => {
                    w.push_sql("DELETE FROM ");
                    w.push_ident(T::NAME);
                    w.push_sql(" WHERE EXISTS (SELECT 1 FROM ");
                    self.using.write_sources(w);
                }
            }
            self.filter.write_clause(w, " WHERE ");
            if U::ANY && style == MultiTableStyle::FromExists {
                w.push_sql(")");
            }
            w.set_unreadable(readable);
        });
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static DELETE: NodeTag = NodeTag::new("DELETE");
        let _ = &self.table;
        key.tag(&DELETE);
        key.name(T::NAME);
        key.word(usize::from(self.filter.is_present()) | usize::from(U::ANY) << 1);
        // Every dialect writes the sources before WHERE.
        self.using.sources_key(key) && self.filter.clause_key(key)
    }
}
impl<T: Table, W: MaybeClause, U: WriteSources> Statement for Delete<T, W, U> {}
