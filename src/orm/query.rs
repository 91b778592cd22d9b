//! [`ModelQuery`]: loading objects with the core algebra's filters,
//! ordering, limits and joins, and choosing how relationships load.

use super::arena::FastMap;
use super::drive::block_on;
use super::handle::Handle;
use super::inherit::write_where;
use super::loaders::Loaders;
use super::model::Model;
use super::relation::{BelongsTo, HasMany, ManyToMany};
use super::session::Session;
use crate::conn::Connection;
use crate::error::{ErrorKind, Result};
use crate::expr::OrderBy;
use crate::query::{
    AndPredicate, Clause, JoinKind, MaybeClause, Predicate, RowLock, write_limit_offset,
};
use crate::render::{NodeTag, Render, SqlKey, SqlWriter, TableRef, TableSet};
use crate::schema::{QuerySource, Table};

/// The clauses of a [`ModelQuery`]: joins `J`, WHERE `W`, ORDER BY `O`,
/// and LIMIT / OFFSET.
#[derive(Debug, Clone, Copy, Default)]
pub struct Parts<J = (), W = (), O = ()> {
    pub(super) joins: J,
    pub(super) filter: W,
    pub(super) order: O,
    pub(super) limit: Option<i64>,
    pub(super) offset: Option<i64>,
    pub(super) lock: Option<RowLock>,
}

/// The joins of a [`ModelQuery`]: `()` or a chain of [`QueryJoin`]s.
pub trait JoinList {
    /// Whether there is any join (then rows may repeat an object).
    const ANY: bool;
    /// Adds the joined tables to `out`.
    fn joined<'a>(&'a self, out: &mut TableSet<'a>);
    /// Writes the JOIN clauses.
    fn write_joins<'a>(&'a self, w: &mut SqlWriter<'a>);
    /// The joins' [`sql_key`](Render::sql_key): what shapes the text of
    /// [`write_joins`](JoinList::write_joins), and its binds in order.
    /// `false` (the default): not described, so the query is rendered
    /// every time.
    ///
    /// ```
    /// use sqlalgebra::orm::JoinList;
    /// use sqlalgebra::render::SqlKey;
    /// let mut key = SqlKey::new();
    /// assert!(().join_key(&mut key)); // no joins: nothing to describe
    /// assert!(key.words().is_empty());
    /// ```
    fn join_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        let _ = key;
        false
    }
}

impl JoinList for () {
    const ANY: bool = false;
    fn joined<'a>(&'a self, _: &mut TableSet<'a>) {}
    fn write_joins<'a>(&'a self, _: &mut SqlWriter<'a>) {}
    #[inline]
    fn join_key<'a>(&'a self, _: &mut SqlKey<'a>) -> bool {
        true
    }
}

/// One JOIN of a [`ModelQuery`], after the joins `Prev`.
#[derive(Debug, Clone, Copy)]
pub struct QueryJoin<Prev, T, On> {
    prev: Prev,
    table: T,
    on: On,
    kind: JoinKind,
}

impl<Prev: JoinList, T: QuerySource, On: Render> JoinList for QueryJoin<Prev, T, On> {
    const ANY: bool = true;
    fn joined<'a>(&'a self, out: &mut TableSet<'a>) {
        self.prev.joined(out);
        out.push(self.table.table_ref());
    }
    fn write_joins<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.prev.write_joins(w);
        w.push_sql(self.kind.sql());
        write_table(w, self.table.table_ref());
        w.push_sql(" ON ");
        self.on.render(w);
    }
    #[inline]
    fn join_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static ORM_JOIN: NodeTag = NodeTag::new("model query JOIN");
        if !self.prev.join_key(key) {
            return false;
        }
        key.tag(&ORM_JOIN);
        key.word(self.kind as usize);
        self.table.source_key(key) && self.on.sql_key(key)
    }
}

fn write_table(w: &mut SqlWriter<'_>, t: TableRef<'_>) {
    w.push_ident(t.name);
    if let Some(alias) = t.alias {
        w.push_sql(" AS ");
        w.push_ident(alias);
    }
}

/// The session a [`ModelQuery`] runs in: [`Session`], whose terminals
/// (`all`, `first`, `one`, `all_with`, ...) return at once, or (feature
/// `async`) `AsyncSession`, whose same terminals are awaited. The query's
/// logic is the same code under both (see the `drive` module); only the
/// terminals differ. Implemented by those two sessions only.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::orm::QuerySession;
/// fn runs_queries<S: QuerySession>() {}
/// runs_queries::<Session<'static, sqlalgebra_sqlite::SqliteConnection>>();
/// ```
pub trait QuerySession: sealed::Sealed {
    /// The connection the session's logic runs its statements on.
    #[doc(hidden)]
    type Conn: Connection;
}

pub(super) mod sealed {
    /// Only the crate's sessions run model queries.
    pub trait Sealed {}
}

impl<C: Connection> sealed::Sealed for Session<'_, C> {}
impl<C: Connection> QuerySession for Session<'_, C> {
    type Conn = C;
}

/// A query for objects of model `M` in a session: build it with
/// [`Session::query`] (or `AsyncSession::query`), refine it with the core algebra's `filter`,
/// `order_by`, `limit`, `offset`, `join` and `left_join`, choose how
/// relationships load, and run it with [`all`](ModelQuery::all),
/// [`first`](ModelQuery::first) or [`one`](ModelQuery::one) (awaited on an
/// `AsyncSession`: `.all().await`).
///
/// Rows whose key is already in the identity map reuse its slot (and keep
/// its in-memory state unless it is expired).
///
/// Loading strategies for relationships, all explicit:
///
/// | strategy | method | statements |
/// |---|---|---|
/// | lazy | [`Session::related`](super::Session::related) later, per parent | 1 per parent |
/// | selectin | [`selectin_children`](ModelQuery::selectin_children), [`selectin_parents`](ModelQuery::selectin_parents), [`selectin_linked`](ModelQuery::selectin_linked) | 1 more per batch of parents |
/// | joined | [`joined_parent`](ModelQuery::joined_parent), [`joined_children`](ModelQuery::joined_children), [`joined_child`](ModelQuery::joined_child), [`joined_linked`](ModelQuery::joined_linked) | the same one, with LEFT JOINs |
/// | raise | [`raise_children`](ModelQuery::raise_children), [`raise_linked`](ModelQuery::raise_linked) | none; asking is [`ErrorKind::NotLoaded`](crate::ErrorKind::NotLoaded) |
/// | noload | [`noload_children`](ModelQuery::noload_children), [`noload_linked`](ModelQuery::noload_linked) | none; the collections read as empty |
///
/// A relationship may declare its default strategy
/// ([`HasMany::LOADING`], [`ManyToMany::LOADING`]; see
/// [`Loading`](super::Loading), `Joined` included: those go in the
/// query's own statement): the query applies it unless it chooses
/// one of the above or [`lazy_children`](ModelQuery::lazy_children) /
/// [`lazy_linked`](ModelQuery::lazy_linked) for that relationship.
///
/// The `_with` forms of the selectin and joined strategies
/// ([`selectin_children_with`](ModelQuery::selectin_children_with),
/// [`joined_children_with`](ModelQuery::joined_children_with), ...)
/// nest: they choose how the relationships of the objects they load load
/// in turn (see [`Loaders`]); joined loads nested in joined loads go in
/// the same statement.
#[must_use = "a query does nothing until it is run with `all`, `first` or `one`"]
pub struct ModelQuery<'s, S: QuerySession, M: Model, Q = Parts> {
    pub(super) session: &'s mut S,
    pub(super) parts: Q,
    pub(super) loaders: Loaders<S, M>,
}

impl<'s, S: QuerySession, M: Model> ModelQuery<'s, S, M> {
    pub(crate) fn new(session: &'s mut S) -> Self {
        ModelQuery {
            session,
            parts: Parts::default(),
            loaders: Loaders::new(),
        }
    }
}

impl<S: QuerySession, M: Model, Q> std::fmt::Debug for ModelQuery<'_, S, M, Q> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelQuery")
            .field("model", &std::any::type_name::<M>())
            .field("loaders", &self.loaders.plan.list.len())
            .finish()
    }
}

impl<'s, S, M, J, W, O> ModelQuery<'s, S, M, Parts<J, W, O>>
where
    S: QuerySession,
    M: Model,
    J: JoinList,
    W: MaybeClause,
    O: MaybeClause,
{
    fn with_parts<J2, W2, O2>(
        self,
        f: impl FnOnce(Parts<J, W, O>) -> Parts<J2, W2, O2>,
    ) -> ModelQuery<'s, S, M, Parts<J2, W2, O2>> {
        ModelQuery {
            session: self.session,
            parts: f(self.parts),
            loaders: self.loaders,
        }
    }

    /// Adds a WHERE condition; several calls are ANDed.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # for (name, status) in [("ann", "new"), ("bob", "active"), ("cy", "active")] {
    /// #     insert_into(Users).values((users::Name.set(name), users::Status.set(status))).execute(&mut conn)?;
    /// # }
    /// let mut s = Session::new(&mut conn);
    /// let hs = s
    ///     .query::<User>()
    ///     .filter(users::Status.eq("active"))
    ///     .filter(users::Name.ne("bob")) // ANDed
    ///     .all()?;
    /// let names: Vec<&str> = hs.iter().map(|&h| s[h].name.as_str()).collect();
    /// assert_eq!(names, ["cy"]);
    /// # Ok(()) }
    /// ```
    pub fn filter<P, K>(
        self,
        predicate: P,
    ) -> ModelQuery<'s, S, M, Parts<J, <W as AndPredicate<P, K>>::Output, O>>
    where
        W: AndPredicate<P, K>,
    {
        self.with_parts(|p| Parts {
            joins: p.joins,
            filter: p.filter.and_predicate(predicate),
            order: p.order,
            limit: p.limit,
            offset: p.offset,
            lock: p.lock,
        })
    }

    /// `ORDER BY ...`; replaces an earlier one.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # for (name, status) in [("ann", "new"), ("bob", "active"), ("cy", "active")] {
    /// #     insert_into(Users).values((users::Name.set(name), users::Status.set(status))).execute(&mut conn)?;
    /// # }
    /// let mut s = Session::new(&mut conn);
    /// let hs = s.query::<User>().order_by((users::Status.asc(), users::Name.desc())).all()?;
    /// let names: Vec<&str> = hs.iter().map(|&h| s[h].name.as_str()).collect();
    /// assert_eq!(names, ["cy", "bob", "ann"]);
    /// # Ok(()) }
    /// ```
    pub fn order_by<O2: OrderBy>(self, order: O2) -> ModelQuery<'s, S, M, Parts<J, W, Clause<O2>>> {
        self.with_parts(|p| Parts {
            joins: p.joins,
            filter: p.filter,
            order: Clause(order),
            limit: p.limit,
            offset: p.offset,
            lock: p.lock,
        })
    }

    /// `LIMIT n`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # for (name, status) in [("ann", "new"), ("bob", "active"), ("cy", "active")] {
    /// #     insert_into(Users).values((users::Name.set(name), users::Status.set(status))).execute(&mut conn)?;
    /// # }
    /// let mut s = Session::new(&mut conn);
    /// let hs = s.query::<User>().order_by(users::Name.asc()).limit(2).all()?;
    /// let names: Vec<&str> = hs.iter().map(|&h| s[h].name.as_str()).collect();
    /// assert_eq!(names, ["ann", "bob"]);
    /// # Ok(()) }
    /// ```
    pub fn limit(mut self, n: u64) -> Self {
        self.parts.limit = Some(i64::try_from(n).unwrap_or(i64::MAX));
        self
    }

    /// `OFFSET n`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # for (name, status) in [("ann", "new"), ("bob", "active"), ("cy", "active")] {
    /// #     insert_into(Users).values((users::Name.set(name), users::Status.set(status))).execute(&mut conn)?;
    /// # }
    /// let mut s = Session::new(&mut conn);
    /// let hs = s.query::<User>().order_by(users::Name.asc()).offset(1).limit(1).all()?;
    /// let names: Vec<&str> = hs.iter().map(|&h| s[h].name.as_str()).collect();
    /// assert_eq!(names, ["bob"]);
    /// # Ok(()) }
    /// ```
    pub fn offset(mut self, n: u64) -> Self {
        self.parts.offset = Some(i64::try_from(n).unwrap_or(i64::MAX));
        self
    }

    /// `INNER JOIN table ON on`, to filter or order by another table. Each
    /// object is returned once, at its first row.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # for (name, status) in [("ann", "new"), ("bob", "active"), ("cy", "active")] {
    /// #     insert_into(Users).values((users::Name.set(name), users::Status.set(status))).execute(&mut conn)?;
    /// # }
    /// # for (user, email) in [(1, "ann@home"), (1, "ann@work"), (2, "bob@home")] {
    /// #     insert_into(Addresses).values((addresses::UserId.set(user), addresses::Email.set(email))).execute(&mut conn)?;
    /// # }
    /// let mut s = Session::new(&mut conn);
    /// // Users with an address at home; ann has two addresses but comes once.
    /// let hs = s
    ///     .query::<User>()
    ///     .join(Addresses, addresses::UserId.eq(users::Id))
    ///     .filter(addresses::Email.like("%@home"))
    ///     .order_by(users::Name.asc())
    ///     .all()?;
    /// let names: Vec<&str> = hs.iter().map(|&h| s[h].name.as_str()).collect();
    /// assert_eq!(names, ["ann", "bob"]);
    /// # Ok(()) }
    /// ```
    pub fn join<T: QuerySource, On: Predicate>(
        self,
        table: T,
        on: On,
    ) -> ModelQuery<'s, S, M, Parts<QueryJoin<J, T, On>, W, O>> {
        self.join_kind(table, on, JoinKind::Inner)
    }

    /// `LEFT JOIN table ON on`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # for (name, status) in [("ann", "new"), ("bob", "active"), ("cy", "active")] {
    /// #     insert_into(Users).values((users::Name.set(name), users::Status.set(status))).execute(&mut conn)?;
    /// # }
    /// # for (user, email) in [(1, "ann@home"), (1, "ann@work"), (2, "bob@home")] {
    /// #     insert_into(Addresses).values((addresses::UserId.set(user), addresses::Email.set(email))).execute(&mut conn)?;
    /// # }
    /// let mut s = Session::new(&mut conn);
    /// // Users without any address.
    /// let hs = s
    ///     .query::<User>()
    ///     .left_join(Addresses, addresses::UserId.eq(users::Id))
    ///     .filter(addresses::Id.is_null())
    ///     .all()?;
    /// let names: Vec<&str> = hs.iter().map(|&h| s[h].name.as_str()).collect();
    /// assert_eq!(names, ["cy"]);
    /// # Ok(()) }
    /// ```
    pub fn left_join<T: QuerySource, On: Predicate>(
        self,
        table: T,
        on: On,
    ) -> ModelQuery<'s, S, M, Parts<QueryJoin<J, T, On>, W, O>> {
        self.join_kind(table, on, JoinKind::Left)
    }

    /// Replaces the joins with what `f` makes of them.
    pub(super) fn map_joins<J2>(
        self,
        f: impl FnOnce(J) -> J2,
    ) -> ModelQuery<'s, S, M, Parts<J2, W, O>> {
        self.with_parts(|p| Parts {
            joins: f(p.joins),
            filter: p.filter,
            order: p.order,
            limit: p.limit,
            offset: p.offset,
            lock: p.lock,
        })
    }

    fn join_kind<T, On>(
        self,
        table: T,
        on: On,
        kind: JoinKind,
    ) -> ModelQuery<'s, S, M, Parts<QueryJoin<J, T, On>, W, O>> {
        self.with_parts(|p| Parts {
            joins: QueryJoin {
                prev: p.joins,
                table,
                on,
                kind,
            },
            filter: p.filter,
            order: p.order,
            limit: p.limit,
            offset: p.offset,
            lock: p.lock,
        })
    }

    /// Loads the children `Ch` of every object returned with one more
    /// `IN (...)` query per batch of parents (*selectin*).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # for (name, status) in [("ann", "new"), ("bob", "active"), ("cy", "active")] {
    /// #     insert_into(Users).values((users::Name.set(name), users::Status.set(status))).execute(&mut conn)?;
    /// # }
    /// # for (user, email) in [(1, "ann@home"), (1, "ann@work"), (2, "bob@home")] {
    /// #     insert_into(Addresses).values((addresses::UserId.set(user), addresses::Email.set(email))).execute(&mut conn)?;
    /// # }
    /// let mut s = Session::new(&mut conn);
    /// let hs = s.query::<User>().selectin_children::<Address>().all()?;
    /// assert_eq!(s.statement_count(), 2); // the users, then one IN (...) for their addresses
    /// let ann_addresses = s.related::<User, Address>(hs[0])?; // loaded: no SQL
    /// assert_eq!(ann_addresses.len(), 2);
    /// assert_eq!(s.statement_count(), 2);
    /// # Ok(()) }
    /// ```
    pub fn selectin_children<Ch>(mut self) -> Self
    where
        M: HasMany<Ch>,
        Ch: BelongsTo<M>,
    {
        self.loaders = self.loaders.selectin_children::<Ch>();
        self
    }

    /// [`selectin_children`](ModelQuery::selectin_children), then the
    /// loaders `then` adds on the children: nested loading, as
    /// `selectinload(User.posts).selectinload(Post.comments)` in
    /// SQLAlchemy (see [`Loaders`]).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # for (name, status) in [("ann", "new"), ("bob", "active"), ("cy", "active")] {
    /// #     insert_into(Users).values((users::Name.set(name), users::Status.set(status))).execute(&mut conn)?;
    /// # }
    /// # for (user, email) in [(1, "ann@home"), (1, "ann@work"), (2, "bob@home")] {
    /// #     insert_into(Addresses).values((addresses::UserId.set(user), addresses::Email.set(email))).execute(&mut conn)?;
    /// # }
    /// let mut s = Session::new(&mut conn);
    /// // Each address's user again (here: the same objects), nested in the load.
    /// let hs = s
    ///     .query::<User>()
    ///     .selectin_children_with::<Address>(|a| a.selectin_parents::<User>())
    ///     .all()?;
    /// let ann_addresses = s.related::<User, Address>(hs[0])?;
    /// assert_eq!(s.parent::<Address, User>(ann_addresses[0])?, Some(hs[0]));
    /// assert_eq!(s.statement_count(), 2); // the parents were in the identity map
    /// # Ok(()) }
    /// ```
    pub fn selectin_children_with<Ch>(
        mut self,
        then: impl FnOnce(Loaders<S, Ch>) -> Loaders<S, Ch>,
    ) -> Self
    where
        M: HasMany<Ch>,
        Ch: BelongsTo<M>,
    {
        self.loaders = self.loaders.selectin_children_with::<Ch>(then);
        self
    }

    /// Makes asking for the children `Ch` of the objects returned, when not
    /// loaded, an [`ErrorKind::NotLoaded`](crate::ErrorKind::NotLoaded) instead of a lazy query (*raise*).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # for (name, status) in [("ann", "new"), ("bob", "active"), ("cy", "active")] {
    /// #     insert_into(Users).values((users::Name.set(name), users::Status.set(status))).execute(&mut conn)?;
    /// # }
    /// let mut s = Session::new(&mut conn);
    /// let hs = s.query::<User>().raise_children::<Address>().all()?;
    /// assert!(s.related::<User, Address>(hs[0]).is_err()); // NotLoaded, no lazy query
    /// assert_eq!(s.statement_count(), 1);
    /// # Ok(()) }
    /// ```
    pub fn raise_children<Ch>(mut self) -> Self
    where
        M: HasMany<Ch>,
        Ch: BelongsTo<M>,
    {
        self.loaders = self.loaders.raise_children::<Ch>();
        self
    }

    /// Loads the parents `P` of the objects returned that are not in the
    /// identity map, with one `IN (...)` query per batch; then
    /// [`Session::parent`](super::Session::parent) answers without SQL.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # for (name, status) in [("ann", "new"), ("bob", "active"), ("cy", "active")] {
    /// #     insert_into(Users).values((users::Name.set(name), users::Status.set(status))).execute(&mut conn)?;
    /// # }
    /// # for (user, email) in [(1, "ann@home"), (1, "ann@work"), (2, "bob@home")] {
    /// #     insert_into(Addresses).values((addresses::UserId.set(user), addresses::Email.set(email))).execute(&mut conn)?;
    /// # }
    /// let mut s = Session::new(&mut conn);
    /// let hs = s.query::<Address>().selectin_parents::<User>().all()?;
    /// assert_eq!(s.statement_count(), 2); // the addresses, then their 2 users in one IN (...)
    /// let owner = s.parent::<Address, User>(hs[2])?.expect("bob");
    /// assert_eq!(s[owner].name, "bob");
    /// assert_eq!(s.statement_count(), 2); // answered from the identity map
    /// # Ok(()) }
    /// ```
    pub fn selectin_parents<P>(mut self) -> Self
    where
        M: BelongsTo<P>,
        P: Model,
    {
        self.loaders = self.loaders.selectin_parents::<P>();
        self
    }

    /// [`selectin_parents`](ModelQuery::selectin_parents), then the
    /// loaders `then` adds on the parents.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # for (name, status) in [("ann", "new"), ("bob", "active"), ("cy", "active")] {
    /// #     insert_into(Users).values((users::Name.set(name), users::Status.set(status))).execute(&mut conn)?;
    /// # }
    /// # for (user, email) in [(1, "ann@home"), (1, "ann@work"), (2, "bob@home")] {
    /// #     insert_into(Addresses).values((addresses::UserId.set(user), addresses::Email.set(email))).execute(&mut conn)?;
    /// # }
    /// let mut s = Session::new(&mut conn);
    /// let hs = s
    ///     .query::<Address>()
    ///     .selectin_parents_with::<User>(|u| u.selectin_children::<Profile>())
    ///     .all()?;
    /// let owner = s.parent::<Address, User>(hs[0])?.expect("ann");
    /// assert!(s.related::<User, Profile>(owner)?.is_empty()); // loaded: none
    /// assert_eq!(s.statement_count(), 3); // addresses, users, profiles
    /// # Ok(()) }
    /// ```
    pub fn selectin_parents_with<P>(
        mut self,
        then: impl FnOnce(Loaders<S, P>) -> Loaders<S, P>,
    ) -> Self
    where
        M: BelongsTo<P>,
        P: Model,
    {
        self.loaders = self.loaders.selectin_parents_with::<P>(then);
        self
    }

    /// Loads the many-to-many targets `R` of every object returned with
    /// one more query per batch (*selectin*).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # let mut s0 = Session::new(&mut conn);
    /// # let lamp = s0.add(Product { id: 0, name: "lamp".into() });
    /// # let desk = s0.add(Product { id: 0, name: "desk".into() });
    /// # let red = s0.add(Tag { id: 0, name: "red".into() });
    /// # s0.link(lamp, red);
    /// # s0.link(desk, red);
    /// # s0.commit()?;
    /// # drop(s0);
    /// let mut s = Session::new(&mut conn);
    /// let hs = s.query::<Product>().selectin_linked::<Tag>().all()?;
    /// assert_eq!(s.statement_count(), 2); // the products, then the tags of both
    /// let tags = s.linked::<Product, Tag>(hs[0])?;
    /// assert_eq!(s[tags[0]].name, "red");
    /// assert_eq!(s.statement_count(), 2);
    /// # Ok(()) }
    /// ```
    pub fn selectin_linked<R>(mut self) -> Self
    where
        M: ManyToMany<R>,
        R: Model,
    {
        self.loaders = self.loaders.selectin_linked::<R>();
        self
    }

    /// [`selectin_linked`](ModelQuery::selectin_linked), then the loaders
    /// `then` adds on the targets.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # let mut s0 = Session::new(&mut conn);
    /// # let lamp = s0.add(Product { id: 0, name: "lamp".into() });
    /// # let desk = s0.add(Product { id: 0, name: "desk".into() });
    /// # let red = s0.add(Tag { id: 0, name: "red".into() });
    /// # s0.link(lamp, red);
    /// # s0.link(desk, red);
    /// # s0.commit()?;
    /// # drop(s0);
    /// let mut s = Session::new(&mut conn);
    /// // The tags of each product, and the products of each tag.
    /// let hs = s
    ///     .query::<Product>()
    ///     .filter(products::Name.eq("lamp"))
    ///     .selectin_linked_with::<Tag>(|t| t.selectin_linked::<Product>())
    ///     .all()?;
    /// let red = s.linked::<Product, Tag>(hs[0])?[0];
    /// assert_eq!(s.linked::<Tag, Product>(red)?.len(), 2); // lamp and desk
    /// assert_eq!(s.statement_count(), 3);
    /// # Ok(()) }
    /// ```
    pub fn selectin_linked_with<R>(
        mut self,
        then: impl FnOnce(Loaders<S, R>) -> Loaders<S, R>,
    ) -> Self
    where
        M: ManyToMany<R>,
        R: Model,
    {
        self.loaders = self.loaders.selectin_linked_with::<R>(then);
        self
    }

    /// Refuses lazy loads of the many-to-many targets `R` (*raise*).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # let mut s0 = Session::new(&mut conn);
    /// # let lamp = s0.add(Product { id: 0, name: "lamp".into() });
    /// # let desk = s0.add(Product { id: 0, name: "desk".into() });
    /// # let red = s0.add(Tag { id: 0, name: "red".into() });
    /// # s0.link(lamp, red);
    /// # s0.link(desk, red);
    /// # s0.commit()?;
    /// # drop(s0);
    /// let mut s = Session::new(&mut conn);
    /// let hs = s.query::<Product>().raise_linked::<Tag>().all()?;
    /// assert!(s.linked::<Product, Tag>(hs[0]).is_err()); // NotLoaded
    /// # Ok(()) }
    /// ```
    pub fn raise_linked<R>(mut self) -> Self
    where
        M: ManyToMany<R>,
        R: Model,
    {
        self.loaders = self.loaders.raise_linked::<R>();
        self
    }
}

impl<'s, 'c, C, M, J, W, O> ModelQuery<'s, Session<'c, C>, M, Parts<J, W, O>>
where
    C: Connection,
    M: Model,
    J: JoinList,
    W: MaybeClause,
    O: MaybeClause,
{
    /// Every object the query returns, each once, in row order.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # for (name, status) in [("ann", "new"), ("bob", "active"), ("cy", "active")] {
    /// #     insert_into(Users).values((users::Name.set(name), users::Status.set(status))).execute(&mut conn)?;
    /// # }
    /// let mut s = Session::new(&mut conn);
    /// let hs = s.query::<User>().order_by(users::Id.asc()).all()?;
    /// let names: Vec<&str> = hs.iter().map(|&h| s[h].name.as_str()).collect();
    /// assert_eq!(names, ["ann", "bob", "cy"]);
    /// // Querying again returns the same objects: one per primary key.
    /// assert_eq!(s.query::<User>().order_by(users::Id.asc()).all()?, hs);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When the query (or the autoflush before it, or a loader) fails.
    pub fn all(self) -> Result<Vec<Handle<M>>> {
        let ModelQuery {
            session,
            parts,
            loaders,
        } = self;
        let mut u = session.unit();
        // Nothing to load but the rows: the smaller state machine.
        let slots = if u.loads_related::<M>(&loaders.plan) {
            block_on(u.query_all::<M, J, W, O>(&parts, loaders.plan))
        } else {
            block_on(u.query_rows::<M, J, W, O>(&parts))
        }?;
        Ok(handles(slots))
    }

    /// The first object, if any (`LIMIT 1`).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # for (name, status) in [("ann", "new"), ("bob", "active"), ("cy", "active")] {
    /// #     insert_into(Users).values((users::Name.set(name), users::Status.set(status))).execute(&mut conn)?;
    /// # }
    /// let mut s = Session::new(&mut conn);
    /// let first = s.query::<User>().order_by(users::Name.desc()).first()?;
    /// assert_eq!(first.map(|h| s[h].name.as_str()), Some("cy"));
    /// assert_eq!(s.query::<User>().filter(users::Name.eq("zed")).first()?, None);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`all`](ModelQuery::all).
    pub fn first(self) -> Result<Option<Handle<M>>> {
        Ok(self.limit(1).all()?.first().copied())
    }

    /// Exactly one object.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # for (name, status) in [("ann", "new"), ("bob", "active"), ("cy", "active")] {
    /// #     insert_into(Users).values((users::Name.set(name), users::Status.set(status))).execute(&mut conn)?;
    /// # }
    /// let mut s = Session::new(&mut conn);
    /// let ann = s.query::<User>().filter(users::Name.eq("ann")).one()?;
    /// assert_eq!(s[ann].status, "new");
    /// assert!(s.query::<User>().filter(users::Status.eq("active")).one().is_err()); // two rows
    /// assert!(s.query::<User>().filter(users::Name.eq("zed")).one().is_err()); // none
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`](crate::ErrorKind::NotFound) for none, [`ErrorKind::TooManyRows`](crate::ErrorKind::TooManyRows) for more;
    /// otherwise as [`all`](ModelQuery::all).
    pub fn one(self) -> Result<Handle<M>> {
        exactly_one(&self.limit(2).all()?)
    }
}

/// The handles of slots.
pub(super) fn handles<M>(slots: Vec<u32>) -> Vec<Handle<M>> {
    slots.into_iter().map(Handle::from_index).collect()
}

/// The one handle of a result limited to two rows.
pub(super) fn exactly_one<M>(found: &[Handle<M>]) -> Result<Handle<M>> {
    match found {
        [one] => Ok(*one),
        [] => Err(ErrorKind::NotFound.into()),
        _ => Err(ErrorKind::TooManyRows.into()),
    }
}

pub(super) fn dedup(slots: &mut Vec<u32>) {
    let mut seen: FastMap<u32, ()> = FastMap::default();
    slots.retain(|&s| seen.insert(s, ()).is_none());
}

/// `FROM "t" <joins>`, plus any other table the clauses name (as the core
/// SELECT infers its FROM). These tables become the scope of the
/// subqueries in the clauses written until the returned mark is left, so
/// that they are correlated as in the core SELECT.
pub(super) fn write_from<'a, M: Model, J: JoinList, W: MaybeClause, O: MaybeClause>(
    w: &mut SqlWriter<'a>,
    parts: &'a Parts<J, W, O>,
) -> usize {
    write_from_table(w, M::Table::NAME, parts)
}

/// [`write_from`] for the table named `table`.
pub(super) fn write_from_table<'a, J: JoinList, W: MaybeClause, O: MaybeClause>(
    w: &mut SqlWriter<'a>,
    table: &'static str,
    parts: &'a Parts<J, W, O>,
) -> usize {
    let mut named = TableSet::new();
    parts.filter.collect_clause_tables(&mut named);
    parts.order.collect_clause_tables(&mut named);
    let mut joined = TableSet::new();
    joined.push(TableRef::new(table));
    parts.joins.joined(&mut joined);
    named.retain(|t| !joined.contains(t));
    let mark = w.enter_scope_iter(joined.iter().chain(&named).copied());
    w.push_sql(" FROM ");
    w.push_ident(table);
    parts.joins.write_joins(w);
    for t in &named {
        w.push_sql(", ");
        write_table(w, *t);
    }
    mark
}

/// The SELECT of a model query without joined loads (see
/// [`ModelSelect`](super::select_key::ModelSelect)).
pub(super) fn write_select<'a, M: Model, J: JoinList, W: MaybeClause, O: MaybeClause>(
    w: &mut SqlWriter<'a>,
    cols: &'a M::Columns,
    parts: &'a Parts<J, W, O>,
) {
    w.push_sql("SELECT ");
    cols.render(w);
    let mark = write_from::<M, J, W, O>(w, parts);
    write_where::<M, W>(w, M::Table::NAME, &parts.filter);
    w.push_sort_key(|w| parts.order.write_clause(w, " ORDER BY "));
    write_limit_offset(w, parts.limit, parts.offset);
    if let Some(lock) = &parts.lock {
        w.dialect().write_row_lock(w, lock);
    }
    w.leave_scope(mark);
}
