//! [`ModelQuery`]: loading objects with the core algebra's filters,
//! ordering, limits and joins, and choosing how relationships load.

use std::any::TypeId;
use std::marker::PhantomData;

use super::arena::FastMap;
use super::defaults::{children_rel, linked_rel, run_defaults};
use super::drive::block_on;
use super::handle::Handle;
use super::identity::key_names;
use super::loading::Coll;
use super::locking::load_fresh;
use super::model::{Model, ModelColumns, SqlRow};
use super::relation::{BelongsTo, HasMany, ManyToMany};
use super::session::{Session, split};
use super::strategy;
use crate::conn::Connection;
use crate::error::{Error, Result};
use crate::expr::OrderBy;
use crate::query::{AndPredicate, Clause, JoinKind, MaybeClause, Predicate, RowLock};
use crate::render::{Render, SqlWriter, TableRef, TableSet};
use crate::schema::{Column, QuerySource, Table};
use crate::types::ColumnTypes;
use crate::value::{FromRow, ValueRef, group_is_null};

/// A strategy of [`strategy`]: it loads (or marks) a relationship of the
/// objects in the slots given, and returns the related objects' slots when
/// asked to (for nested loaders).
type LoadFn<'c, C> = fn(&mut Session<'c, C>, &[u32], bool) -> Result<Vec<u32>>;

/// The default strategies of a model, run on the objects a loader loaded.
type DefaultsFn<'c, C> = fn(&mut Session<'c, C>, &[u32], &mut Vec<TypeId>) -> Result<()>;

/// A loader run on the objects a query returned, and the loaders to run
/// then on the objects it loaded; then the default strategies of those
/// objects' model, except for the relationships in `skip`.
struct Loader<'c, C: Connection> {
    load: LoadFn<'c, C>,
    then: Vec<Loader<'c, C>>,
    defaults: DefaultsFn<'c, C>,
    skip: Vec<TypeId>,
}

impl<'c, C: Connection> Loader<'c, C> {
    fn run(self, s: &mut Session<'c, C>, slots: &[u32]) -> Result<()> {
        let related = (self.load)(s, slots, true)?;
        for nested in self.then {
            nested.run(s, &related)?;
        }
        let mut skip = self.skip;
        (self.defaults)(s, &related, &mut skip)
    }
}

/// How the relationships of the objects of model `M` load: the strategies
/// of a [`ModelQuery`], and of the objects one of its selectin loads
/// brings (see [`ModelQuery::selectin_children_with`]), as SQLAlchemy's
/// `selectinload(User.posts).selectinload(Post.comments)`.
///
/// ```
/// # use sqlalgebra::prelude::*;
/// # use sqlalgebra::schema::ForeignKey;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Users;
/// # impl Table for Users { const NAME: &'static str = "users"; type Columns = (UserId,); type PrimaryKey = UserId; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct UserId;
/// # impl Column for UserId { type Table = Users; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Posts;
/// # impl Table for Posts { const NAME: &'static str = "posts"; type Columns = (PostId, PostUser); type PrimaryKey = PostId; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct PostId;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct PostUser;
/// # impl Column for PostId { type Table = Posts; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// # impl Column for PostUser { type Table = Posts; type SqlType = BigInt; const NAME: &'static str = "user_id"; const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<UserId>()); }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Comments;
/// # impl Table for Comments { const NAME: &'static str = "comments"; type Columns = (CommentId, CommentPost); type PrimaryKey = CommentId; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct CommentId;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct CommentPost;
/// # impl Column for CommentId { type Table = Comments; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// # impl Column for CommentPost { type Table = Comments; type SqlType = BigInt; const NAME: &'static str = "post_id"; const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<PostId>()); }
/// # #[derive(Clone)] pub struct User { id: i64 }
/// # impl Model for User { type Table = Users; type Columns = (UserId,); type Row = (i64,); type Key = i64;
/// #     fn from_row((id,): Self::Row) -> Self { User { id } } fn values(&self) -> (&i64,) { (&self.id,) } fn key(&self) -> i64 { self.id } }
/// # #[derive(Clone)] pub struct Post { id: i64, user_id: i64 }
/// # impl Model for Post { type Table = Posts; type Columns = (PostId, PostUser); type Row = (i64, i64); type Key = i64;
/// #     fn from_row((id, user_id): Self::Row) -> Self { Post { id, user_id } } fn values(&self) -> (&i64, &i64) { (&self.id, &self.user_id) } fn key(&self) -> i64 { self.id } }
/// # #[derive(Clone)] pub struct Comment { id: i64, post_id: i64 }
/// # impl Model for Comment { type Table = Comments; type Columns = (CommentId, CommentPost); type Row = (i64, i64); type Key = i64;
/// #     fn from_row((id, post_id): Self::Row) -> Self { Comment { id, post_id } } fn values(&self) -> (&i64, &i64) { (&self.id, &self.post_id) } fn key(&self) -> i64 { self.id } }
/// # impl BelongsTo<User> for Post { type ForeignKey = PostUser;
/// #     fn parent_key(&self) -> Option<i64> { Some(self.user_id) } fn set_parent_key(&mut self, key: i64) { self.user_id = key; } }
/// # impl BelongsTo<Post> for Comment { type ForeignKey = CommentPost;
/// #     fn parent_key(&self) -> Option<i64> { Some(self.post_id) } fn set_parent_key(&mut self, key: i64) { self.post_id = key; } }
/// # impl HasMany<Post> for User {}
/// # impl HasMany<Comment> for Post {}
/// # fn demo<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
/// let mut s = Session::new(conn);
/// // Three statements: the users, their posts, and those posts' comments.
/// let users = s
///     .query::<User>()
///     .selectin_children_with::<Post>(|posts| posts.selectin_children::<Comment>())
///     .all()?;
/// for u in users {
///     for p in s.related::<User, Post>(u)? {
///         let comments = s.related::<Post, Comment>(p)?; // no SQL
///         # let _ = comments;
///     }
/// }
/// # Ok(()) }
/// ```
#[must_use = "loaders do nothing unless returned to the query"]
pub struct Loaders<'c, C: Connection, M> {
    list: Vec<Loader<'c, C>>,
    /// The relationships whose default strategy these loaders replace.
    pub(super) overrides: Vec<TypeId>,
    _model: PhantomData<fn() -> M>,
}

impl<C: Connection, M> std::fmt::Debug for Loaders<'_, C, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaders")
            .field("model", &std::any::type_name::<M>())
            .field("loaders", &self.list.len())
            .finish()
    }
}

impl<'c, C: Connection, M: Model> Loaders<'c, C, M> {
    fn new() -> Self {
        Loaders {
            list: Vec::new(),
            overrides: Vec::new(),
            _model: PhantomData,
        }
    }

    pub(super) fn push<R: Model>(
        mut self,
        rel: Option<TypeId>,
        load: LoadFn<'c, C>,
        then: impl FnOnce(Loaders<'c, C, R>) -> Loaders<'c, C, R>,
    ) -> Self {
        let nested = then(Loaders::new());
        let mut skip = nested.overrides;
        skip.extend(rel);
        self.list.push(Loader {
            load,
            then: nested.list,
            defaults: run_defaults::<R, C>,
            skip,
        });
        self.overrides.extend(rel);
        self
    }

    pub(super) fn run(self, s: &mut Session<'c, C>, slots: &[u32]) -> Result<()> {
        for loader in self.list {
            loader.run(s, slots)?;
        }
        Ok(())
    }

    /// Loads the children `Ch` of the objects with one more `IN (...)`
    /// query per batch of parents (*selectin*).
    pub fn selectin_children<Ch>(self) -> Self
    where
        M: HasMany<Ch>,
        Ch: BelongsTo<M>,
    {
        self.push::<Ch>(
            Some(children_rel::<M, Ch>()),
            strategy::selectin_children::<M, Ch, C>,
            |l| l,
        )
    }

    /// [`selectin_children`](Loaders::selectin_children), then the loaders
    /// `then` adds on the children (of every object, loaded now or
    /// before).
    pub fn selectin_children_with<Ch>(
        self,
        then: impl FnOnce(Loaders<'c, C, Ch>) -> Loaders<'c, C, Ch>,
    ) -> Self
    where
        M: HasMany<Ch>,
        Ch: BelongsTo<M>,
    {
        self.push(
            Some(children_rel::<M, Ch>()),
            strategy::selectin_children::<M, Ch, C>,
            then,
        )
    }

    /// Makes asking for the children `Ch`, when not loaded, an
    /// [`Error::NotLoaded`] instead of a lazy query (*raise*).
    pub fn raise_children<Ch>(self) -> Self
    where
        M: HasMany<Ch>,
        Ch: BelongsTo<M>,
    {
        self.push::<Ch>(
            Some(children_rel::<M, Ch>()),
            strategy::raise_children::<M, Ch, C>,
            |l| l,
        )
    }

    /// Loads the parents `P` of the objects that are not in the identity
    /// map, with one `IN (...)` query per batch; then [`Session::parent`]
    /// answers without SQL.
    pub fn selectin_parents<P>(self) -> Self
    where
        M: BelongsTo<P>,
        P: Model,
    {
        self.push::<P>(None, strategy::selectin_parents::<M, P, C>, |l| l)
    }

    /// [`selectin_parents`](Loaders::selectin_parents), then the loaders
    /// `then` adds on the parents.
    pub fn selectin_parents_with<P>(
        self,
        then: impl FnOnce(Loaders<'c, C, P>) -> Loaders<'c, C, P>,
    ) -> Self
    where
        M: BelongsTo<P>,
        P: Model,
    {
        self.push(None, strategy::selectin_parents::<M, P, C>, then)
    }

    /// Loads the many-to-many targets `R` with one more query per batch
    /// (*selectin*).
    pub fn selectin_linked<R>(self) -> Self
    where
        M: ManyToMany<R>,
        R: Model,
    {
        self.push::<R>(
            Some(linked_rel::<M, R>()),
            strategy::selectin_linked::<M, R, C>,
            |l| l,
        )
    }

    /// [`selectin_linked`](Loaders::selectin_linked), then the loaders
    /// `then` adds on the targets.
    pub fn selectin_linked_with<R>(
        self,
        then: impl FnOnce(Loaders<'c, C, R>) -> Loaders<'c, C, R>,
    ) -> Self
    where
        M: ManyToMany<R>,
        R: Model,
    {
        self.push(
            Some(linked_rel::<M, R>()),
            strategy::selectin_linked::<M, R, C>,
            then,
        )
    }

    /// Leaves the children `Ch` to load on demand, whatever their default
    /// strategy (see [`Loading`](super::Loading)).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn demo<C: Connection + 'static>(conn: &mut C) -> sqlalgebra::Result<()> {
    /// let mut s = Session::new(conn);
    /// let users = s
    ///     .query::<Address>()
    ///     .selectin_parents_with::<User>(|u| u.lazy_children::<Profile>())
    ///     .all()?;
    /// # Ok(()) }
    /// ```
    pub fn lazy_children<Ch>(mut self) -> Self
    where
        M: HasMany<Ch>,
        Ch: BelongsTo<M>,
    {
        self.overrides.push(children_rel::<M, Ch>());
        self
    }

    /// Leaves the many-to-many targets `R` to load on demand, whatever
    /// their default strategy.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn demo<C: Connection + 'static>(conn: &mut C) -> sqlalgebra::Result<()> {
    /// let mut s = Session::new(conn);
    /// let tags = s
    ///     .query::<Tag>()
    ///     .selectin_linked_with::<Product>(|p| p.lazy_linked::<Tag>())
    ///     .all()?;
    /// # Ok(()) }
    /// ```
    pub fn lazy_linked<R>(mut self) -> Self
    where
        M: ManyToMany<R>,
        R: Model,
    {
        self.overrides.push(linked_rel::<M, R>());
        self
    }

    /// Refuses lazy loads of the many-to-many targets `R` (*raise*).
    pub fn raise_linked<R>(self) -> Self
    where
        M: ManyToMany<R>,
        R: Model,
    {
        self.push::<R>(
            Some(linked_rel::<M, R>()),
            strategy::raise_linked::<M, R, C>,
            |l| l,
        )
    }
}

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
}

impl JoinList for () {
    const ANY: bool = false;
    fn joined<'a>(&'a self, _: &mut TableSet<'a>) {}
    fn write_joins<'a>(&'a self, _: &mut SqlWriter<'a>) {}
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
}

fn write_table(w: &mut SqlWriter<'_>, t: TableRef<'_>) {
    w.push_ident(t.name);
    if let Some(alias) = t.alias {
        w.push_sql(" AS ");
        w.push_ident(alias);
    }
}

/// A query for objects of model `M` in a session: build it with
/// [`Session::query`], refine it with the core algebra's `filter`,
/// `order_by`, `limit`, `offset`, `join` and `left_join`, choose how
/// relationships load, and run it with [`all`](ModelQuery::all),
/// [`first`](ModelQuery::first) or [`one`](ModelQuery::one).
///
/// Rows whose key is already in the identity map reuse its slot (and keep
/// its in-memory state unless it is expired).
///
/// Loading strategies for relationships, all explicit:
///
/// | strategy | method | statements |
/// |---|---|---|
/// | lazy | [`Session::related`] later, per parent | 1 per parent |
/// | selectin | [`selectin_children`](ModelQuery::selectin_children), [`selectin_parents`](ModelQuery::selectin_parents), [`selectin_linked`](ModelQuery::selectin_linked) | 1 more per batch of parents |
/// | joined | [`joined_children`](ModelQuery::joined_children) | the same one, with a LEFT JOIN |
/// | raise | [`raise_children`](ModelQuery::raise_children), [`raise_linked`](ModelQuery::raise_linked) | none; asking is [`Error::NotLoaded`] |
/// | noload | [`noload_children`](ModelQuery::noload_children), [`noload_linked`](ModelQuery::noload_linked) | none; the collections read as empty |
///
/// A relationship may declare its default strategy
/// ([`HasMany::LOADING`], [`ManyToMany::LOADING`]; see
/// [`Loading`](super::Loading)): the query applies it unless it chooses
/// one of the above or [`lazy_children`](ModelQuery::lazy_children) /
/// [`lazy_linked`](ModelQuery::lazy_linked) for that relationship.
///
/// The `_with` forms of the selectin strategies
/// ([`selectin_children_with`](ModelQuery::selectin_children_with), ...)
/// nest: they choose how the relationships of the objects they load load
/// in turn (see [`Loaders`]).
#[must_use = "a query does nothing until it is run with `all`, `first` or `one`"]
pub struct ModelQuery<'s, 'c, C: Connection, M: Model, Q = Parts> {
    pub(super) session: &'s mut Session<'c, C>,
    pub(super) parts: Q,
    pub(super) loaders: Loaders<'c, C, M>,
    _model: PhantomData<fn() -> M>,
}

impl<'s, 'c, C: Connection, M: Model> ModelQuery<'s, 'c, C, M> {
    pub(crate) fn new(session: &'s mut Session<'c, C>) -> Self {
        ModelQuery {
            session,
            parts: Parts::default(),
            loaders: Loaders::new(),
            _model: PhantomData,
        }
    }
}

impl<C: Connection, M: Model, Q> std::fmt::Debug for ModelQuery<'_, '_, C, M, Q> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelQuery")
            .field("model", &std::any::type_name::<M>())
            .field("loaders", &self.loaders.list.len())
            .finish()
    }
}

impl<'s, 'c, C, M, J, W, O> ModelQuery<'s, 'c, C, M, Parts<J, W, O>>
where
    C: Connection,
    M: Model,
    J: JoinList,
    W: MaybeClause,
    O: MaybeClause,
{
    fn with_parts<J2, W2, O2>(
        self,
        f: impl FnOnce(Parts<J, W, O>) -> Parts<J2, W2, O2>,
    ) -> ModelQuery<'s, 'c, C, M, Parts<J2, W2, O2>> {
        ModelQuery {
            session: self.session,
            parts: f(self.parts),
            loaders: self.loaders,
            _model: PhantomData,
        }
    }

    /// Adds a WHERE condition; several calls are ANDed.
    pub fn filter<P, K>(
        self,
        predicate: P,
    ) -> ModelQuery<'s, 'c, C, M, Parts<J, <W as AndPredicate<P, K>>::Output, O>>
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
    pub fn order_by<O2: OrderBy>(
        self,
        order: O2,
    ) -> ModelQuery<'s, 'c, C, M, Parts<J, W, Clause<O2>>> {
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
    pub fn limit(mut self, n: u64) -> Self {
        self.parts.limit = Some(i64::try_from(n).unwrap_or(i64::MAX));
        self
    }

    /// `OFFSET n`.
    pub fn offset(mut self, n: u64) -> Self {
        self.parts.offset = Some(i64::try_from(n).unwrap_or(i64::MAX));
        self
    }

    /// `INNER JOIN table ON on`, to filter or order by another table. Each
    /// object is returned once, at its first row.
    pub fn join<T: QuerySource, On: Predicate>(
        self,
        table: T,
        on: On,
    ) -> ModelQuery<'s, 'c, C, M, Parts<QueryJoin<J, T, On>, W, O>> {
        self.join_kind(table, on, JoinKind::Inner)
    }

    /// `LEFT JOIN table ON on`.
    pub fn left_join<T: QuerySource, On: Predicate>(
        self,
        table: T,
        on: On,
    ) -> ModelQuery<'s, 'c, C, M, Parts<QueryJoin<J, T, On>, W, O>> {
        self.join_kind(table, on, JoinKind::Left)
    }

    /// Replaces the joins with what `f` makes of them.
    pub(super) fn map_joins<J2>(
        self,
        f: impl FnOnce(J) -> J2,
    ) -> ModelQuery<'s, 'c, C, M, Parts<J2, W, O>> {
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
    ) -> ModelQuery<'s, 'c, C, M, Parts<QueryJoin<J, T, On>, W, O>> {
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
    pub fn selectin_children_with<Ch>(
        mut self,
        then: impl FnOnce(Loaders<'c, C, Ch>) -> Loaders<'c, C, Ch>,
    ) -> Self
    where
        M: HasMany<Ch>,
        Ch: BelongsTo<M>,
    {
        self.loaders = self.loaders.selectin_children_with::<Ch>(then);
        self
    }

    /// Makes asking for the children `Ch` of the objects returned, when not
    /// loaded, an [`Error::NotLoaded`] instead of a lazy query (*raise*).
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
    /// [`Session::parent`] answers without SQL.
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
    pub fn selectin_parents_with<P>(
        mut self,
        then: impl FnOnce(Loaders<'c, C, P>) -> Loaders<'c, C, P>,
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
    pub fn selectin_linked_with<R>(
        mut self,
        then: impl FnOnce(Loaders<'c, C, R>) -> Loaders<'c, C, R>,
    ) -> Self
    where
        M: ManyToMany<R>,
        R: Model,
    {
        self.loaders = self.loaders.selectin_linked_with::<R>(then);
        self
    }

    /// Refuses lazy loads of the many-to-many targets `R` (*raise*).
    pub fn raise_linked<R>(mut self) -> Self
    where
        M: ManyToMany<R>,
        R: Model,
    {
        self.loaders = self.loaders.raise_linked::<R>();
        self
    }

    /// Loads the children `Ch` in the same statement, with a LEFT JOIN
    /// (*joined*). With a LIMIT or OFFSET, the limited query becomes a
    /// derived table so that the limit counts parents, not rows; its ORDER
    /// BY is then applied again outside, so it may only name `M`'s columns.
    pub fn joined_children<Ch>(self) -> JoinedQuery<'s, 'c, C, M, Ch, Parts<J, W, O>>
    where
        M: HasMany<Ch>,
        Ch: BelongsTo<M>,
    {
        JoinedQuery {
            query: self,
            _child: PhantomData,
        }
    }

    /// Every object the query returns, each once, in row order.
    ///
    /// # Errors
    /// When the query (or the autoflush before it, or a loader) fails.
    pub fn all(self) -> Result<Vec<Handle<M>>> {
        let ModelQuery {
            session: s,
            parts,
            loaders,
            ..
        } = self;
        s.autoflush()?;
        let cols = M::Columns::columns();
        let level = s.tx.current();
        let (map, mut db) = split!(s);
        let mut w = SqlWriter::new(db.dialect());
        write_select::<M, J, W, O>(&mut w, &cols, &parts);
        let r = w.finish()?;
        let mut slots = if parts.lock.is_some() {
            block_on(load_fresh::<M, C>(map.arena_mut::<M>(), &mut db, &r, level))?
        } else {
            block_on(db.load_into::<M, SqlRow<M>>(map.arena_mut::<M>(), &r))?
        };
        if J::ANY {
            dedup(&mut slots);
        }
        let mut skip = loaders.overrides.clone();
        loaders.run(s, &slots)?;
        run_defaults::<M, C>(s, &slots, &mut skip)?;
        Ok(slots.into_iter().map(Handle::from_index).collect())
    }

    /// The first object, if any (`LIMIT 1`).
    ///
    /// # Errors
    /// As [`all`](ModelQuery::all).
    pub fn first(self) -> Result<Option<Handle<M>>> {
        Ok(self.limit(1).all()?.first().copied())
    }

    /// Exactly one object.
    ///
    /// # Errors
    /// [`Error::NotFound`] for none, [`Error::TooManyRows`] for more;
    /// otherwise as [`all`](ModelQuery::all).
    pub fn one(self) -> Result<Handle<M>> {
        match self.limit(2).all()?.as_slice() {
            [one] => Ok(*one),
            [] => Err(Error::NotFound),
            _ => Err(Error::TooManyRows),
        }
    }
}

pub(super) fn dedup(slots: &mut Vec<u32>) {
    let mut seen: FastMap<u32, ()> = FastMap::default();
    slots.retain(|&s| seen.insert(s, ()).is_none());
}

/// `LIMIT ? OFFSET ?`, with the values bound.
pub(super) fn write_limit(w: &mut SqlWriter<'_>, limit: Option<i64>, offset: Option<i64>) {
    match (limit, offset) {
        (Some(l), _) => {
            w.push_sql(" LIMIT ");
            w.push_bind(ValueRef::Int(l));
        }
        (None, Some(_)) => {
            if let Some(all) = w.dialect().no_limit() {
                w.push_sql(" LIMIT ");
                w.push_sql(all);
            }
        }
        (None, None) => {}
    }
    if let Some(o) = offset {
        w.push_sql(" OFFSET ");
        w.push_bind(ValueRef::Int(o));
    }
}

/// `FROM "t" <joins>`, plus any other table the clauses name (as the core
/// SELECT infers its FROM). These tables become the scope of the
/// subqueries in the clauses written until the returned mark is left, so
/// that they are correlated as in the core SELECT.
pub(super) fn write_from<'a, M: Model, J: JoinList, W: MaybeClause, O: MaybeClause>(
    w: &mut SqlWriter<'a>,
    parts: &'a Parts<J, W, O>,
) -> usize {
    let mut named = TableSet::new();
    parts.filter.collect_clause_tables(&mut named);
    parts.order.collect_clause_tables(&mut named);
    let mut joined = TableSet::new();
    joined.push(TableRef::new(M::Table::NAME));
    parts.joins.joined(&mut joined);
    named.retain(|t| !joined.contains(t));
    let mark = w.enter_scope_iter(joined.iter().chain(&named).copied());
    w.push_sql(" FROM ");
    w.push_ident(M::Table::NAME);
    parts.joins.write_joins(w);
    for t in &named {
        w.push_sql(", ");
        write_table(w, *t);
    }
    mark
}

fn write_select<'a, M: Model, J: JoinList, W: MaybeClause, O: MaybeClause>(
    w: &mut SqlWriter<'a>,
    cols: &'a M::Columns,
    parts: &'a Parts<J, W, O>,
) {
    w.push_sql("SELECT ");
    cols.render(w);
    let mark = write_from::<M, J, W, O>(w, parts);
    parts.filter.write_clause(w, " WHERE ");
    w.push_sort_key(|w| parts.order.write_clause(w, " ORDER BY "));
    write_limit(w, parts.limit, parts.offset);
    if let Some(lock) = &parts.lock {
        w.dialect().write_row_lock(w, lock);
    }
    w.leave_scope(mark);
}

/// A [`ModelQuery`] that also loads the children `Ch` with a LEFT JOIN:
/// see [`ModelQuery::joined_children`].
#[must_use = "a query does nothing until it is run with `all`"]
pub struct JoinedQuery<'s, 'c, C: Connection, M: Model, Ch, Q> {
    query: ModelQuery<'s, 'c, C, M, Q>,
    _child: PhantomData<fn() -> Ch>,
}

impl<C: Connection, M: Model, Ch, Q> std::fmt::Debug for JoinedQuery<'_, '_, C, M, Ch, Q> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinedQuery")
            .field("model", &std::any::type_name::<M>())
            .field("children", &std::any::type_name::<Ch>())
            .finish()
    }
}

impl<C, M, Ch, J, W, O> JoinedQuery<'_, '_, C, M, Ch, Parts<J, W, O>>
where
    C: Connection,
    M: HasMany<Ch>,
    Ch: BelongsTo<M>,
    SqlRow<Ch>: ColumnTypes,
    J: JoinList,
    W: MaybeClause,
    O: MaybeClause,
{
    /// Every parent the query returns, each once, with its children
    /// loaded, in one statement.
    ///
    /// # Errors
    /// When the query (or the autoflush before it, or a loader) fails.
    pub fn all(self) -> Result<Vec<Handle<M>>> {
        let ModelQuery {
            session: s,
            parts,
            loaders,
            ..
        } = self.query;
        s.autoflush()?;
        let (parent_cols, child_cols) = (M::Columns::columns(), Ch::Columns::columns());
        let (parent, child) = (M::Table::NAME, Ch::Table::NAME);
        let (parent_key, child_key) = (key_names::<M>(), key_names::<Ch>());
        let (map, mut db) = split!(s);
        let mut w = SqlWriter::new(db.dialect());
        w.push_sql("SELECT ");
        parent_cols.render(&mut w);
        w.push_sql(", ");
        child_cols.render(&mut w);
        if parts.lock.is_some() {
            w.fail(Error::InvalidStatement(
                "a locking query cannot load children with a JOIN: lock the parents in a \
                 query of their own, or load the children with selectin"
                    .into(),
            ));
        }
        let windowed = parts.limit.is_some() || parts.offset.is_some();
        // The eagerly joined children are not in the scope of the query's
        // own clauses: a subquery there that names the children's table
        // reads it afresh, correlated to the parents.
        let mark = if windowed {
            w.push_sql(" FROM (");
            write_select::<M, J, W, O>(&mut w, &parent_cols, &parts);
            w.push_sql(") AS ");
            w.push_ident(parent);
            None
        } else {
            Some(write_from::<M, J, W, O>(&mut w, &parts))
        };
        w.push_sql(" LEFT JOIN ");
        w.push_ident(child);
        w.push_sql(" ON ");
        w.push_qualified(child, Ch::ForeignKey::NAME);
        w.push_sql(" = ");
        w.push_qualified(parent, parent_key.first().copied().unwrap_or_default());
        if !windowed {
            parts.filter.write_clause(&mut w, " WHERE ");
        }
        w.push_sort_key(|w| parts.order.write_clause(w, " ORDER BY "));
        let mut first = !parts.order.is_present();
        for (table, names) in [(parent, parent_key), (child, child_key)] {
            for name in names {
                w.push_sql(if first { " ORDER BY " } else { ", " });
                first = false;
                w.push_qualified(table, name);
            }
        }
        if let Some(mark) = mark {
            w.leave_scope(mark);
        }
        let r = w.finish()?;

        let width = <M::Row as FromRow<SqlRow<M>>>::WIDTH;
        let child_width = <Ch::Row as FromRow<SqlRow<Ch>>>::WIDTH;
        let mut rows: Vec<(M, Option<Ch>)> = Vec::new();
        block_on(db.query(&r, |row| {
            let p = M::from_row(<M::Row as FromRow<SqlRow<M>>>::from_row(row, 0)?);
            let c = if group_is_null::<SqlRow<Ch>, _>(row, width, child_width) {
                None
            } else {
                Some(Ch::from_row(<Ch::Row as FromRow<SqlRow<Ch>>>::from_row(
                    row, width,
                )?))
            };
            rows.push((p, c));
            Ok(true)
        }))?;

        let mut order = Vec::new();
        let mut colls: FastMap<u32, Vec<u32>> = FastMap::default();
        for (p, c) in rows {
            let ps = map.arena_mut::<M>().load(p);
            let cs = c.map(|c| map.arena_mut::<Ch>().load(c));
            let list = colls.entry(ps).or_insert_with(|| {
                order.push(ps);
                Vec::new()
            });
            if let Some(cs) = cs.filter(|cs| !list.contains(cs)) {
                list.push(cs);
            }
        }
        let store = s.rels.children::<M, Ch>();
        let mut all_children = Vec::new();
        for (p, children) in colls {
            all_children.extend_from_slice(&children);
            store.colls.set(p, Coll::Loaded(children));
        }
        let mut skip = loaders.overrides.clone();
        skip.push(children_rel::<M, Ch>());
        loaders.run(s, &order)?;
        run_defaults::<M, C>(s, &order, &mut skip)?;
        // The children's own defaults, as if a default had loaded them.
        all_children.sort_unstable();
        all_children.dedup();
        run_defaults::<Ch, C>(s, &all_children, &mut skip)?;
        Ok(order.into_iter().map(Handle::from_index).collect())
    }
}
