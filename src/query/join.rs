//! JOINs: INNER, LEFT, RIGHT, FULL and CROSS, each kind a type so that
//! the columns of a side that an outer join NULL-extends load as `Option`
//! (see `outer.rs`).

use std::marker::PhantomData;

use super::clause::Predicate;
use super::select::{FromClause, Select};
use crate::render::{NodeTag, Render, SqlKey, SqlWriter, TableRef, TableSet, add_table};
use crate::schema::QuerySource;

/// The kind of a JOIN.
///
/// ```
/// use sqlalgebra::query::JoinKind;
/// assert_eq!(JoinKind::Left.sql(), " LEFT JOIN ");
/// assert_eq!(JoinKind::Full.sql(), " FULL JOIN ");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinKind {
    /// `INNER JOIN`
    Inner,
    /// `LEFT JOIN` (left outer join)
    Left,
    /// `CROSS JOIN`: every row with every row, no condition.
    Cross,
    /// `RIGHT JOIN` (right outer join)
    Right,
    /// `FULL JOIN` (full outer join): not on MySQL/MariaDB.
    Full,
}

impl JoinKind {
    /// The SQL keywords, with surrounding spaces.
    ///
    /// ```
    /// use sqlalgebra::query::JoinKind;
    /// assert_eq!(JoinKind::Right.sql(), " RIGHT JOIN ");
    /// ```
    pub fn sql(self) -> &'static str {
        match self {
            JoinKind::Inner => " INNER JOIN ",
            JoinKind::Left => " LEFT JOIN ",
            JoinKind::Cross => " CROSS JOIN ",
            JoinKind::Right => " RIGHT JOIN ",
            JoinKind::Full => " FULL JOIN ",
        }
    }

    /// Writes the keywords, or records [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported) where the
    /// dialect lacks the join (FULL JOIN on MySQL/MariaDB).
    ///
    /// [`ErrorKind::Unsupported`]: crate::ErrorKind::Unsupported
    pub(crate) fn write(self, w: &mut SqlWriter<'_>) {
        if self == JoinKind::Full && !w.dialect().supports_full_join() {
            w.unsupported("FULL JOIN");
        }
        w.push_sql(self.sql());
    }
}

/// The kind of a JOIN, as a type: [`InnerJoin`], [`LeftJoin`],
/// [`RightJoin`], [`FullJoin`], [`CrossJoin`]. The kind decides which
/// side's columns load as `Option` (`outer.rs`).
///
/// ```
/// use sqlalgebra::query::{JoinKind, JoinType, RightJoin};
/// assert_eq!(RightJoin::KIND, JoinKind::Right);
/// ```
pub trait JoinType {
    /// The kind.
    const KIND: JoinKind;
}

macro_rules! join_types {
    ($($(#[$doc:meta])* $name:ident => $kind:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;
        impl JoinType for $name {
            const KIND: JoinKind = JoinKind::$kind;
        }
    )*};
}

join_types! {
    /// `INNER JOIN`: both sides keep their types.
    ///
    /// ```
    /// use sqlalgebra::query::{InnerJoin, JoinType, JoinKind};
    /// assert_eq!(InnerJoin::KIND, JoinKind::Inner);
    /// ```
    InnerJoin => Inner;
    /// `LEFT JOIN`: the joined table's columns load as `Option`.
    ///
    /// ```
    /// use sqlalgebra::query::{LeftJoin, JoinType, JoinKind};
    /// assert_eq!(LeftJoin::KIND, JoinKind::Left);
    /// ```
    LeftJoin => Left;
    /// `RIGHT JOIN`: the columns of every table before it load as `Option`.
    ///
    /// ```
    /// use sqlalgebra::query::{RightJoin, JoinType, JoinKind};
    /// assert_eq!(RightJoin::KIND, JoinKind::Right);
    /// ```
    RightJoin => Right;
    /// `FULL JOIN`: the columns of both sides load as `Option`.
    ///
    /// ```
    /// use sqlalgebra::query::{FullJoin, JoinType, JoinKind};
    /// assert_eq!(FullJoin::KIND, JoinKind::Full);
    /// ```
    FullJoin => Full;
    /// `CROSS JOIN`: no condition, both sides keep their types.
    ///
    /// ```
    /// use sqlalgebra::query::{CrossJoin, JoinType, JoinKind};
    /// assert_eq!(CrossJoin::KIND, JoinKind::Cross);
    /// ```
    CrossJoin => Cross;
}

/// `left JOIN table ON on`, of kind `K`.
#[derive(Debug, Clone, Copy)]
pub struct Join<F, T, On, K = InnerJoin> {
    left: F,
    table: T,
    on: On,
    kind: PhantomData<K>,
}

impl<F: FromClause, T: QuerySource, On: Render, K: JoinType> FromClause for Join<F, T, On, K> {
    fn base(&self) -> Option<TableRef<'static>> {
        self.left.base()
    }
    fn write_base<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.left.write_base(w);
    }
    fn joined(&self, out: &mut TableSet<'_>) {
        self.left.joined(out);
        add_table(out, self.table.table_ref());
    }
    fn write_joins<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.left.write_joins(w);
        K::KIND.write(w);
        self.table.write_from(w);
        if K::KIND != JoinKind::Cross {
            w.push_sql(" ON ");
            self.on.render(w);
        }
    }
    fn each_on<'a>(&'a self, each: &mut dyn FnMut(&'a dyn Render)) {
        self.left.each_on(each);
        each(&self.on);
    }
    #[inline]
    fn join_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static JOIN: NodeTag = NodeTag::new("JOIN");
        if !self.left.join_key(key) {
            return false;
        }
        key.tag(&JOIN);
        key.word(K::KIND as usize);
        self.table.source_key(key) && self.on.sql_key(key)
    }
}

/// The condition of a `CROSS JOIN`: none.
///
/// ```
/// use sqlalgebra::query::NoCondition;
/// let _ = NoCondition;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct NoCondition;

impl Render for NoCondition {
    fn render<'a>(&'a self, _: &mut SqlWriter<'a>) {}
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static NO_CONDITION: NodeTag = NodeTag::new("no condition");
        key.tag(&NO_CONDITION);
        true
    }
}

crate::macros::in_scope! { [] NoCondition {}; }

/// A FROM clause that names its first table (`.from(T)`, then joins):
/// what an outer join needs, since it decides which side is NULL-extended.
///
/// ```
/// use sqlalgebra::query::{ExplicitFrom, From};
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Users;
/// fn named<F: ExplicitFrom>() {}
/// named::<From<Users>>();
/// ```
#[diagnostic::on_unimplemented(
    message = "an outer join needs an explicit FROM: which side is NULL-extended depends on it",
    label = "call `.from(table)` before `.left_join(..)`, `.right_join(..)` or `.full_join(..)`"
)]
pub trait ExplicitFrom {}

#[diagnostic::do_not_recommend]
impl<T> ExplicitFrom for super::select::From<T> {}

#[diagnostic::do_not_recommend]
impl<F: ExplicitFrom, T, On, K> ExplicitFrom for Join<F, T, On, K> {}

impl<S, F: FromClause, W, M> Select<S, F, W, M> {
    fn join_of<T, On, K: JoinType>(self, table: T, on: On) -> Select<S, Join<F, T, On, K>, W, M> {
        self.map_from(|left| Join {
            left,
            table,
            on,
            kind: PhantomData,
        })
    }

    /// `INNER JOIN table ON on`
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Table for A { const NAME: &'static str = "a"; type Columns = X; type PrimaryKey = X; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct X;
    /// # impl Column for X { type Table = A; type SqlType = BigInt; const NAME: &'static str = "x"; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
    /// # impl Table for B { const NAME: &'static str = "b"; type Columns = Y; type PrimaryKey = Y; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Y;
    /// # impl Column for Y { type Table = B; type SqlType = BigInt; const NAME: &'static str = "y"; }
    /// let q = select((X, Y)).from(A).join(B, Y.eq(X));
    /// assert_eq!(q.to_sql(&sqlalgebra_sqlite::Sqlite)?.sql,
    ///     r#"SELECT "a"."x", "b"."y" FROM "a" INNER JOIN "b" ON "b"."y" = "a"."x""#);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn join<T: QuerySource, On: Predicate>(
        self,
        table: T,
        on: On,
    ) -> Select<S, Join<F, T, On, InnerJoin>, W, M> {
        self.join_of(table, on)
    }

    /// `LEFT JOIN table ON on`: rows of the left side without a match get
    /// NULLs, so the columns of `table` load as `Option` (a group of them
    /// as one `Option<(..)>`); loading one into a non-`Option` type does
    /// not compile. Needs an explicit `.from(..)`.
    ///
    /// | | |
    /// |---|---|
    /// | SQLite, PostgreSQL | `SELECT "a"."x", "b"."y" FROM "a" LEFT JOIN "b" ON "b"."y" = "a"."x"` |
    /// | MySQL | ``SELECT `a`.`x`, `b`.`y` FROM `a` LEFT JOIN `b` ON `b`.`y` = `a`.`x` `` |
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Table for A { const NAME: &'static str = "a"; type Columns = X; type PrimaryKey = X; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct X;
    /// # impl Column for X { type Table = A; type SqlType = BigInt; const NAME: &'static str = "x"; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
    /// # impl Table for B { const NAME: &'static str = "b"; type Columns = Y; type PrimaryKey = Y; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Y;
    /// # impl Column for Y { type Table = B; type SqlType = BigInt; const NAME: &'static str = "y"; }
    /// let mut conn = sqlalgebra_sqlite::Sqlite::memory()?.connect()?;
    /// create_all::<(A, B)>(&mut conn)?;
    /// insert_into(A).values(X.set(1)).execute(&mut conn)?;
    /// let q = select((X, Y)).from(A).left_join(B, Y.eq(X));
    /// let rows: Vec<(i64, Option<i64>)> = q.load(&mut conn)?;
    /// assert_eq!(rows, [(1, None)]);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn left_join<T: QuerySource, On: Predicate>(
        self,
        table: T,
        on: On,
    ) -> Select<S, Join<F, T, On, LeftJoin>, W, M>
    where
        F: ExplicitFrom,
    {
        self.join_of(table, on)
    }

    /// `RIGHT JOIN table ON on`: rows of `table` without a match get NULLs
    /// for every table before it, so *those* columns load as `Option`.
    /// Needs an explicit `.from(..)`. SQLite ≥ 3.39 (the bundled one is),
    /// PostgreSQL, MySQL and MariaDB.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Table for A { const NAME: &'static str = "a"; type Columns = X; type PrimaryKey = X; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct X;
    /// # impl Column for X { type Table = A; type SqlType = BigInt; const NAME: &'static str = "x"; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
    /// # impl Table for B { const NAME: &'static str = "b"; type Columns = Y; type PrimaryKey = Y; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Y;
    /// # impl Column for Y { type Table = B; type SqlType = BigInt; const NAME: &'static str = "y"; }
    /// let mut conn = sqlalgebra_sqlite::Sqlite::memory()?.connect()?;
    /// create_all::<(A, B)>(&mut conn)?;
    /// insert_into(B).values(Y.set(2)).execute(&mut conn)?;
    /// let q = select((X, Y)).from(A).right_join(B, Y.eq(X));
    /// assert_eq!(q.to_sql(&sqlalgebra_sqlite::Sqlite)?.sql,
    ///     r#"SELECT "a"."x", "b"."y" FROM "a" RIGHT JOIN "b" ON "b"."y" = "a"."x""#);
    /// let rows: Vec<(Option<i64>, i64)> = q.load(&mut conn)?;
    /// assert_eq!(rows, [(None, 2)]);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn right_join<T: QuerySource, On: Predicate>(
        self,
        table: T,
        on: On,
    ) -> Select<S, Join<F, T, On, RightJoin>, W, M>
    where
        F: ExplicitFrom,
    {
        self.join_of(table, on)
    }

    /// `FULL JOIN table ON on`: unmatched rows of either side, NULL on the
    /// other, so the columns of every table load as `Option`. Needs an
    /// explicit `.from(..)`. SQLite ≥ 3.39 and PostgreSQL; MySQL and
    /// MariaDB have no FULL JOIN and refuse it with
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported) before anything
    /// is sent: an emulation by UNION would be wrong under GROUP BY,
    /// DISTINCT, ORDER BY or LIMIT of the whole. Write the LEFT JOIN
    /// `union_all` the RIGHT JOIN's unmatched rows yourself, as
    /// `examples/joins.rs` does.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Table for A { const NAME: &'static str = "a"; type Columns = X; type PrimaryKey = X; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct X;
    /// # impl Column for X { type Table = A; type SqlType = BigInt; const NAME: &'static str = "x"; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
    /// # impl Table for B { const NAME: &'static str = "b"; type Columns = Y; type PrimaryKey = Y; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Y;
    /// # impl Column for Y { type Table = B; type SqlType = BigInt; const NAME: &'static str = "y"; }
    /// let q = select((X, Y)).from(A).full_join(B, Y.eq(X));
    /// assert_eq!(q.to_sql(&sqlalgebra_postgres::Postgres)?.sql,
    ///     r#"SELECT "a"."x", "b"."y" FROM "a" FULL JOIN "b" ON "b"."y" = "a"."x""#);
    /// assert!(matches!(q.to_sql(&sqlalgebra_mysql::Mysql).as_ref().map_err(sqlalgebra::Error::kind),
    ///     Err(sqlalgebra::ErrorKind::Unsupported { feature: "FULL JOIN", .. })));
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn full_join<T: QuerySource, On: Predicate>(
        self,
        table: T,
        on: On,
    ) -> Select<S, Join<F, T, On, FullJoin>, W, M>
    where
        F: ExplicitFrom,
    {
        self.join_of(table, on)
    }

    /// `CROSS JOIN table`: every row of the FROM so far with every row of
    /// `table`. A SELECT whose tables are not connected otherwise is
    /// refused ([`ErrorKind::CartesianProduct`](crate::ErrorKind::CartesianProduct));
    /// this is how to ask for one.
    ///
    /// | | |
    /// |---|---|
    /// | SQLite | `SELECT "a"."x", "b"."y" FROM "a" CROSS JOIN "b"` |
    /// | PostgreSQL | `SELECT "a"."x", "b"."y" FROM "a" CROSS JOIN "b"` |
    /// | MySQL | ``SELECT `a`.`x`, `b`.`y` FROM `a` CROSS JOIN `b` `` |
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Table for A { const NAME: &'static str = "a"; type Columns = X; type PrimaryKey = X; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct X;
    /// # impl Column for X { type Table = A; type SqlType = BigInt; const NAME: &'static str = "x"; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
    /// # impl Table for B { const NAME: &'static str = "b"; type Columns = Y; type PrimaryKey = Y; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Y;
    /// # impl Column for Y { type Table = B; type SqlType = BigInt; const NAME: &'static str = "y"; }
    /// use sqlalgebra_sqlite::Sqlite;
    /// let q = select((X, Y)).cross_join(B);
    /// assert_eq!(q.to_sql(&Sqlite)?.sql, r#"SELECT "a"."x", "b"."y" FROM "a" CROSS JOIN "b""#);
    /// // Without it, the two tables are a cartesian product nobody asked for:
    /// let e = select((X, Y)).to_sql(&Sqlite).unwrap_err();
    /// assert!(matches!(e.kind(), sqlalgebra::ErrorKind::CartesianProduct { .. }));
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn cross_join<T: QuerySource>(
        self,
        table: T,
    ) -> Select<S, Join<F, T, NoCondition, CrossJoin>, W, M> {
        self.join_of(table, NoCondition)
    }
}
