//! SELECT: the statement and its builder methods. Its FROM clause is in
//! [`from`], its rendering in [`render`].

mod from;
mod render;

use super::checked::{OrderArg, SelectArg};
use super::clause::{AndPredicate, Clause, Selection};
use super::lock::RowLock;
use super::run::Query;
use crate::render::{Render, Statement};
use crate::schema::QuerySource;

pub use from::{From, FromClause, Inferred};
pub(crate) use render::{SelectParts, render_select, write_limit_offset};

/// GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET and DISTINCT of a SELECT,
/// bundled so that a SELECT's type has only four parameters.
#[derive(Debug, Clone, Copy, Default)]
pub struct Modifiers<G = (), H = (), O = (), D = ()> {
    pub(crate) distinct_on: D,
    pub(crate) group: G,
    pub(crate) having: H,
    pub(crate) order: O,
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
    pub(crate) distinct: bool,
    pub(crate) lock: Option<RowLock>,
}

/// A SELECT statement: what to select (`S`), from where (`F`), the WHERE
/// clause (`W`) and the other clauses (`M`).
///
/// Build it with [`select`].
#[derive(Debug, Clone, Copy)]
#[must_use = "a statement does nothing until it is run with `load`, `get`, `first` or `execute`"]
pub struct Select<S, F = Inferred, W = (), M = Modifiers> {
    selection: S,
    from: F,
    filter: W,
    pub(super) modifiers: M,
}

/// `SELECT selection`: a column, an expression, or a tuple of up to 16 of
/// them. The FROM clause is inferred from the tables the statement refers
/// to unless given with [`from`](Select::from).
///
/// | | |
/// |---|---|
/// | SQLite | `SELECT "users"."id" FROM "users" WHERE "users"."id" > ? LIMIT ?` |
/// | PostgreSQL | `SELECT "users"."id" FROM "users" WHERE "users"."id" > $1 LIMIT $2` |
/// | MySQL | ``SELECT `users`.`id` FROM `users` WHERE `users`.`id` > ? LIMIT ?`` |
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Users;
/// # impl Table for Users { const NAME: &'static str = "users"; type Columns = Id; type PrimaryKey = Id; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
/// # impl Column for Id { type Table = Users; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// let q = select(Id).filter(Id.gt(5)).limit(10);
/// ```
pub fn select<S, K>(selection: S) -> Select<<S as SelectArg<K>>::Selection>
where
    S: SelectArg<K, Selection = S>,
{
    Select {
        selection,
        from: Inferred,
        filter: (),
        modifiers: Modifiers::default(),
    }
}

impl<S, W, M> Select<S, Inferred, W, M> {
    /// `FROM table`, explicitly (otherwise it is inferred).
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
    ///         (users::Name.set("cy"), users::Status.set("banned")),
    ///     ])
    ///     .execute(&mut conn)?;
    /// // A SELECT of no column: FROM says which table to count.
    /// let n: i64 = select(count_star()).from(Users).get(&mut conn)?;
    /// assert_eq!(n, 3);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn from<T: QuerySource>(self, table: T) -> Select<S, From<T>, W, M> {
        Select {
            selection: self.selection,
            from: From(table),
            filter: self.filter,
            modifiers: self.modifiers,
        }
    }
}

impl<S, F: FromClause, W, M> Select<S, F, W, M> {
    /// Replaces the FROM clause with what `f` makes of it (the ORM's
    /// relationship joins build on this).
    pub(crate) fn map_from<F2>(self, f: impl FnOnce(F) -> F2) -> Select<S, F2, W, M> {
        Select {
            selection: self.selection,
            from: f(self.from),
            filter: self.filter,
            modifiers: self.modifiers,
        }
    }

    /// Adds a WHERE condition; several calls are ANDed.
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
    ///         (users::Name.set("cy"), users::Status.set("banned")),
    ///     ])
    ///     .execute(&mut conn)?;
    /// let q = select(users::Name)
    ///     .filter(users::Status.eq("active"))
    ///     .filter(users::Name.ne("ann"));
    /// assert_eq!(q.load::<String, _>(&mut conn)?, ["bob"]);
    /// assert_eq!(
    ///     q.to_sql(&sqlalgebra_postgres::Postgres)?.sql,
    ///     "SELECT \"users\".\"name\" FROM \"users\" \
    ///      WHERE \"users\".\"status\" = $1 AND \"users\".\"name\" <> $2"
    /// );
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn filter<P, K>(self, predicate: P) -> Select<S, F, <W as AndPredicate<P, K>>::Output, M>
    where
        W: AndPredicate<P, K>,
    {
        Select {
            selection: self.selection,
            from: self.from,
            filter: self.filter.and_predicate(predicate),
            modifiers: self.modifiers,
        }
    }
}

impl<S, F, W, M> Select<S, F, W, M> {
    /// The SELECT list.
    pub(crate) fn selection(&self) -> &S {
        &self.selection
    }
}

impl<S, F, W, G, H, O, D> Select<S, F, W, Modifiers<G, H, O, D>> {
    pub(crate) fn into_parts(self) -> (S, F, W, Modifiers<G, H, O, D>) {
        (self.selection, self.from, self.filter, self.modifiers)
    }

    fn with_modifiers<G2, H2, O2, D2>(
        self,
        m: impl FnOnce(Modifiers<G, H, O, D>) -> Modifiers<G2, H2, O2, D2>,
    ) -> Select<S, F, W, Modifiers<G2, H2, O2, D2>> {
        Select {
            selection: self.selection,
            from: self.from,
            filter: self.filter,
            modifiers: m(self.modifiers),
        }
    }

    /// `GROUP BY expr` (a tuple for several).
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
    ///         (users::Name.set("cy"), users::Status.set("banned")),
    ///     ])
    ///     .execute(&mut conn)?;
    /// let per_status: Vec<(String, i64)> = select((users::Status, count_star()))
    ///     .group_by(users::Status)
    ///     .order_by(users::Status.asc())
    ///     .load(&mut conn)?;
    /// assert_eq!(per_status, [("active".to_string(), 2), ("banned".to_string(), 1)]);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn group_by<E: Selection>(
        self,
        exprs: E,
    ) -> Select<S, F, W, Modifiers<Clause<E>, H, O, D>> {
        self.with_modifiers(|m| Modifiers {
            distinct_on: m.distinct_on,
            group: Clause(exprs),
            having: m.having,
            order: m.order,
            limit: m.limit,
            offset: m.offset,
            distinct: m.distinct,
            lock: m.lock,
        })
    }

    /// Adds a HAVING condition; several calls are ANDed.
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
    ///         (users::Name.set("cy"), users::Status.set("banned")),
    ///     ])
    ///     .execute(&mut conn)?;
    /// let crowded: Vec<String> = select(users::Status)
    ///     .group_by(users::Status)
    ///     .having(count_star().gt(1))
    ///     .load(&mut conn)?;
    /// assert_eq!(crowded, ["active"]);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn having<P, K>(
        self,
        predicate: P,
    ) -> Select<S, F, W, Modifiers<G, <H as AndPredicate<P, K>>::Output, O, D>>
    where
        H: AndPredicate<P, K>,
    {
        self.with_modifiers(|m| Modifiers {
            distinct_on: m.distinct_on,
            group: m.group,
            having: m.having.and_predicate(predicate),
            order: m.order,
            limit: m.limit,
            offset: m.offset,
            distinct: m.distinct,
            lock: m.lock,
        })
    }

    /// `ORDER BY ...`: an expression, `expr.desc()`, or a tuple of them.
    /// Replaces an earlier ORDER BY.
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
    ///         (users::Name.set("cy"), users::Status.set("banned")),
    ///     ])
    ///     .execute(&mut conn)?;
    /// let names: Vec<String> = select(users::Name)
    ///     .order_by((users::Status.desc(), users::Name.asc()))
    ///     .load(&mut conn)?;
    /// assert_eq!(names, ["cy", "ann", "bob"]);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn order_by<O2, K>(
        self,
        order: O2,
    ) -> Select<S, F, W, Modifiers<G, H, Clause<<O2 as OrderArg<K>>::Order>, D>>
    where
        O2: OrderArg<K, Order = O2>,
    {
        self.with_modifiers(|m| Modifiers {
            distinct_on: m.distinct_on,
            group: m.group,
            having: m.having,
            order: Clause(order),
            limit: m.limit,
            offset: m.offset,
            distinct: m.distinct,
            lock: m.lock,
        })
    }

    /// `LIMIT n` (bound as a value).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let q = select(users::Name).order_by(users::Id.asc()).limit(2).offset(4);
    /// let sql = |d: &dyn sqlalgebra::render::Dialect| q.to_sql(d).unwrap().sql;
    /// assert_eq!(
    ///     sql(&sqlalgebra_sqlite::Sqlite),
    ///     "SELECT \"users\".\"name\" FROM \"users\" ORDER BY \"users\".\"id\" ASC LIMIT ? OFFSET ?"
    /// );
    /// assert_eq!(
    ///     sql(&sqlalgebra_postgres::Postgres),
    ///     "SELECT \"users\".\"name\" FROM \"users\" ORDER BY \"users\".\"id\" ASC LIMIT $1 OFFSET $2"
    /// );
    /// assert_eq!(
    ///     sql(&sqlalgebra_mysql::Mysql),
    ///     "SELECT `users`.`name` FROM `users` ORDER BY `users`.`id` ASC LIMIT ? OFFSET ?"
    /// );
    /// ```
    pub fn limit(mut self, n: u64) -> Self {
        self.modifiers.limit = Some(i64::try_from(n).unwrap_or(i64::MAX));
        self
    }

    /// `OFFSET n` (bound as a value).
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
    ///         (users::Name.set("cy"), users::Status.set("banned")),
    ///     ])
    ///     .execute(&mut conn)?;
    /// let page_two: Vec<String> = select(users::Name)
    ///     .order_by(users::Name.asc())
    ///     .limit(2)
    ///     .offset(2)
    ///     .load(&mut conn)?;
    /// assert_eq!(page_two, ["cy"]);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn offset(mut self, n: u64) -> Self {
        self.modifiers.offset = Some(i64::try_from(n).unwrap_or(i64::MAX));
        self
    }

    /// `SELECT DISTINCT`
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
    ///         (users::Name.set("cy"), users::Status.set("banned")),
    ///     ])
    ///     .execute(&mut conn)?;
    /// let statuses: Vec<String> = select(users::Status)
    ///     .distinct()
    ///     .order_by(users::Status.asc())
    ///     .load(&mut conn)?;
    /// assert_eq!(statuses, ["active", "banned"]);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn distinct(mut self) -> Self {
        self.modifiers.distinct = true;
        self
    }

    /// `SELECT DISTINCT ON (exprs)`: the first row of each group of equal
    /// `exprs` (in ORDER BY order). PostgreSQL only; other dialects refuse
    /// it with [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let q = select((users::Status, users::Name))
    ///     .distinct_on(users::Status)
    ///     .order_by((users::Status.asc(), users::Name.asc()));
    /// assert_eq!(
    ///     q.to_sql(&sqlalgebra_postgres::Postgres)?.sql,
    ///     "SELECT DISTINCT ON (\"users\".\"status\") \"users\".\"status\", \"users\".\"name\" \
    ///      FROM \"users\" ORDER BY \"users\".\"status\" ASC, \"users\".\"name\" ASC"
    /// );
    /// assert!(matches!(q.to_sql(&sqlalgebra_sqlite::Sqlite).as_ref().map_err(sqlalgebra::Error::kind), Err(sqlalgebra::ErrorKind::Unsupported { .. })));
    /// assert!(q.to_sql(&sqlalgebra_mysql::Mysql).is_err());
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn distinct_on<E: Selection>(
        self,
        exprs: E,
    ) -> Select<S, F, W, Modifiers<G, H, O, Clause<E>>> {
        self.with_modifiers(|m| Modifiers {
            distinct_on: Clause(exprs),
            group: m.group,
            having: m.having,
            order: m.order,
            limit: m.limit,
            offset: m.offset,
            distinct: m.distinct,
            lock: m.lock,
        })
    }
}

impl<S, F, W, G, H, O, D> Statement for Select<S, F, W, Modifiers<G, H, O, D>> where Self: Render {}

impl<S, F, W, G, H, O, D> Query for Select<S, F, W, Modifiers<G, H, O, D>>
where
    S: Selection,
    Self: Render,
{
    type SqlType = S::SqlType;
}
