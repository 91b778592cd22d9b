//! [`Loaders`]: the strategies a [`ModelQuery`](super::ModelQuery) runs on
//! the objects it returned, nested (selectin, raise, and the overrides of
//! the default strategies).

use std::any::TypeId;
use std::marker::PhantomData;

use super::defaults::{children_rel, linked_rel, run_defaults};
use super::joined::JoinedLoad;
use super::model::Model;
use super::relation::{BelongsTo, HasMany, ManyToMany};
use super::session::Session;
use super::strategy;
use crate::conn::Connection;
use crate::error::Result;

/// A strategy of [`strategy`]: it loads (or marks) a relationship of the
/// objects in the slots given, and returns the related objects' slots when
/// asked to (for nested loaders).
pub(super) type LoadFn<'c, C> = fn(&mut Session<'c, C>, &[u32], bool) -> Result<Vec<u32>>;

/// The default strategies of a model, run on the objects a loader loaded.
pub(super) type DefaultsFn<'c, C> = fn(&mut Session<'c, C>, &[u32], &mut Vec<TypeId>) -> Result<()>;

/// A loader run on the objects a query returned, and the loaders to run
/// then on the objects it loaded; then the default strategies of those
/// objects' model, except for the relationships in `skip`.
pub(super) struct Loader<'c, C: Connection> {
    pub(super) load: LoadFn<'c, C>,
    pub(super) then: Vec<Loader<'c, C>>,
    pub(super) defaults: DefaultsFn<'c, C>,
    pub(super) skip: Vec<TypeId>,
}

impl<'c, C: Connection> Loader<'c, C> {
    pub(super) fn run(self, s: &mut Session<'c, C>, slots: &[u32]) -> Result<()> {
        let related = (self.load)(s, slots, true)?;
        for nested in self.then {
            nested.run(s, &related)?;
        }
        let mut skip = self.skip;
        (self.defaults)(s, &related, &mut skip)
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
pub struct Loaders<'c, C: Connection, M> {
    pub(super) list: Vec<Loader<'c, C>>,
    /// The relationships loaded in the query's own statement (see
    /// `joined.rs`); nested under a selectin loader they
    /// load with selectin.
    pub(super) joined: Vec<JoinedLoad<'c, C>>,
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
    pub(super) fn new() -> Self {
        Loaders {
            list: Vec::new(),
            joined: Vec::new(),
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
        let mut nested_list = nested.list;
        nested_list.extend(nested.joined.into_iter().map(JoinedLoad::into_selectin));
        self.list.push(Loader {
            load,
            then: nested_list,
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
    /// [`ErrorKind::NotLoaded`](crate::ErrorKind::NotLoaded) instead of a lazy query (*raise*).
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
