//! [`Loaders`]: the strategies a [`ModelQuery`](super::ModelQuery) runs on
//! the objects it returned, nested (selectin, raise, and the overrides of
//! the default strategies).

use std::any::TypeId;
use std::marker::PhantomData;

use super::defaults::{children_rel, defaults_step, linked_rel};
use super::drive::Step;
use super::joined::JoinedLoad;
use super::model::Model;
use super::query::QuerySession;
use super::relation::{BelongsTo, HasMany, ManyToMany};
use super::strategy;
use super::unit::Unit;
use crate::conn::Connection;
use crate::error::Result;

/// A strategy of [`strategy`]: it loads (or marks) a relationship of the
/// objects in the slots given, and returns the related objects' slots when
/// asked to (for nested loaders). A boxed step of the shared logic, so
/// that the sync and async sessions run the same strategies.
pub(crate) type LoadFn<C> =
    for<'u, 'a> fn(&'u mut Unit<'a, C>, &'u [u32], bool) -> Step<'u, Result<Vec<u32>>>;

/// The default strategies of a model, run on the objects a loader loaded.
pub(crate) type DefaultsFn<C> =
    for<'u, 'a> fn(&'u mut Unit<'a, C>, &'u [u32], &'u mut Vec<TypeId>) -> Step<'u, Result<()>>;

/// A loader run on the objects a query returned, and the loaders to run
/// then on the objects it loaded; then the default strategies of those
/// objects' model, except for the relationships in `skip`.
pub(crate) struct Loader<C: Connection> {
    pub(super) load: LoadFn<C>,
    pub(super) then: Vec<Loader<C>>,
    pub(super) defaults: DefaultsFn<C>,
    pub(super) skip: Vec<TypeId>,
}

impl<C: Connection> Loader<C> {
    pub(super) fn run<'u>(self, u: &'u mut Unit<'_, C>, slots: &'u [u32]) -> Step<'u, Result<()>> {
        Box::pin(async move {
            let related = (self.load)(u, slots, true).await?;
            for nested in self.then {
                nested.run(u, &related).await?;
            }
            let mut skip = self.skip;
            (self.defaults)(u, &related, &mut skip).await
        })
    }
}

/// What a query's loaders hold, whatever the session: the selectin (and
/// raise, noload) loaders, the relationships joined into the statement,
/// and the relationships whose default strategy they replace.
pub(crate) struct Plan<C: Connection> {
    pub(super) list: Vec<Loader<C>>,
    /// The relationships loaded in the query's own statement (see
    /// `joined.rs`); nested under a selectin loader they load with
    /// selectin.
    pub(super) joined: Vec<JoinedLoad<C>>,
    /// The relationships whose default strategy these loaders replace.
    pub(super) overrides: Vec<TypeId>,
}

impl<C: Connection> Plan<C> {
    pub(super) fn new() -> Self {
        Plan {
            list: Vec::new(),
            joined: Vec::new(),
            overrides: Vec::new(),
        }
    }

    /// Runs the loaders on the objects in `slots`.
    pub(super) async fn run(self, u: &mut Unit<'_, C>, slots: &[u32]) -> Result<()> {
        for loader in self.list {
            loader.run(u, slots).await?;
        }
        Ok(())
    }
}

/// How the relationships of the objects of model `M` load: the strategies
/// of a [`ModelQuery`](super::ModelQuery), and of the objects one of its selectin loads
/// brings (see [`ModelQuery::selectin_children_with`](super::ModelQuery::selectin_children_with)), as SQLAlchemy's
/// `selectinload(User.posts).selectinload(Post.comments)`. The joined
/// strategies (`joined_parent`, `joined_children`, `joined_child`,
/// `joined_linked` and their `_with` forms) go in the query's own
/// statement when the chain above them is joined too, and load with
/// selectin under a selectin loader.
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
pub struct Loaders<S: QuerySession, M> {
    pub(super) plan: Plan<S::Conn>,
    _model: PhantomData<fn() -> M>,
}

impl<S: QuerySession, M> std::fmt::Debug for Loaders<S, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaders")
            .field("model", &std::any::type_name::<M>())
            .field("loaders", &self.plan.list.len())
            .finish()
    }
}

impl<S: QuerySession, M: Model> Loaders<S, M> {
    pub(super) fn new() -> Self {
        Loaders {
            plan: Plan::new(),
            _model: PhantomData,
        }
    }

    pub(super) fn push<R: Model>(
        mut self,
        rel: Option<TypeId>,
        load: LoadFn<S::Conn>,
        then: impl FnOnce(Loaders<S, R>) -> Loaders<S, R>,
    ) -> Self {
        let nested = then(Loaders::new()).plan;
        let mut skip = nested.overrides;
        skip.extend(rel);
        let mut nested_list = nested.list;
        nested_list.extend(nested.joined.into_iter().map(JoinedLoad::into_selectin));
        self.plan.list.push(Loader {
            load,
            then: nested_list,
            defaults: defaults_step::<R, S::Conn>,
            skip,
        });
        self.plan.overrides.extend(rel);
        self
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
            strategy::selectin_children::<M, Ch, S::Conn>,
            |l| l,
        )
    }

    /// [`selectin_children`](Loaders::selectin_children), then the loaders
    /// `then` adds on the children (of every object, loaded now or
    /// before).
    pub fn selectin_children_with<Ch>(
        self,
        then: impl FnOnce(Loaders<S, Ch>) -> Loaders<S, Ch>,
    ) -> Self
    where
        M: HasMany<Ch>,
        Ch: BelongsTo<M>,
    {
        self.push(
            Some(children_rel::<M, Ch>()),
            strategy::selectin_children::<M, Ch, S::Conn>,
            then,
        )
    }

    /// Makes asking for the children `Ch`, when not loaded, an
    /// [`Error::NotLoaded`](crate::Error::NotLoaded) instead of a lazy query (*raise*).
    pub fn raise_children<Ch>(self) -> Self
    where
        M: HasMany<Ch>,
        Ch: BelongsTo<M>,
    {
        self.push::<Ch>(
            Some(children_rel::<M, Ch>()),
            strategy::raise_children::<M, Ch, S::Conn>,
            |l| l,
        )
    }

    /// Loads the parents `P` of the objects that are not in the identity
    /// map, with one `IN (...)` query per batch; then [`Session::parent`](super::Session::parent)
    /// answers without SQL.
    pub fn selectin_parents<P>(self) -> Self
    where
        M: BelongsTo<P>,
        P: Model,
    {
        self.push::<P>(None, strategy::selectin_parents::<M, P, S::Conn>, |l| l)
    }

    /// [`selectin_parents`](Loaders::selectin_parents), then the loaders
    /// `then` adds on the parents.
    pub fn selectin_parents_with<P>(self, then: impl FnOnce(Loaders<S, P>) -> Loaders<S, P>) -> Self
    where
        M: BelongsTo<P>,
        P: Model,
    {
        self.push(None, strategy::selectin_parents::<M, P, S::Conn>, then)
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
            strategy::selectin_linked::<M, R, S::Conn>,
            |l| l,
        )
    }

    /// [`selectin_linked`](Loaders::selectin_linked), then the loaders
    /// `then` adds on the targets.
    pub fn selectin_linked_with<R>(self, then: impl FnOnce(Loaders<S, R>) -> Loaders<S, R>) -> Self
    where
        M: ManyToMany<R>,
        R: Model,
    {
        self.push(
            Some(linked_rel::<M, R>()),
            strategy::selectin_linked::<M, R, S::Conn>,
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
        self.plan.overrides.push(children_rel::<M, Ch>());
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
        self.plan.overrides.push(linked_rel::<M, R>());
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
            strategy::raise_linked::<M, R, S::Conn>,
            |l| l,
        )
    }
}
