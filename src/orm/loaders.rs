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

    /// Whether the plan loads nothing (no loaders, no joins): the
    /// relationships it overrides matter only to declared defaults.
    pub(super) fn is_empty(&self) -> bool {
        self.list.is_empty() && self.joined.is_empty()
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
/// use sqlalgebra::prelude::*;
/// # use sqlalgebra::orm::doc_models::*;
/// # fn main() -> sqlalgebra::Result<()> {
/// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
/// # let mut conn = engine.connect()?;
/// # create_all::<AllTables>(&mut conn)?;
/// # for name in ["ann", "bob"] {
/// #     insert_into(Users).values((users::Name.set(name), users::Status.set("new"))).execute(&mut conn)?;
/// #     insert_into(Profiles).values((profiles::UserId.set(if name == "ann" { 1 } else { 2 }), profiles::Bio.set(None::<&str>))).execute(&mut conn)?;
/// # }
/// # for (user, email) in [(1, "ann@home"), (1, "ann@work"), (2, "bob@home")] {
/// #     insert_into(Addresses).values((addresses::UserId.set(user), addresses::Email.set(email))).execute(&mut conn)?;
/// # }
/// let mut s = Session::new(&mut conn);
/// // Three statements: the profiles, their users, and those users' addresses.
/// let profiles = s
///     .query::<Profile>()
///     .selectin_parents_with::<User>(|users| users.selectin_children::<Address>())
///     .all()?;
/// let mut emails = Vec::new();
/// for p in profiles {
///     let user = s.parent::<Profile, User>(p)?.expect("every profile has a user");
///     for a in s.related::<User, Address>(user)? {
///         emails.push(s[a].email.clone()); // no SQL
///     }
/// }
/// assert_eq!(emails, ["ann@home", "ann@work", "bob@home"]);
/// assert_eq!(s.statement_count(), 3);
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
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # insert_into(Users).values((users::Name.set("ann"), users::Status.set("new"))).execute(&mut conn)?;
    /// # for email in ["ann@home", "ann@work"] {
    /// #     insert_into(Addresses).values((addresses::UserId.set(1), addresses::Email.set(email))).execute(&mut conn)?;
    /// # }
    /// # insert_into(Profiles).values((profiles::UserId.set(1), profiles::Bio.set(Some("hi")))).execute(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// // Each profile's user, then that user's addresses: three statements.
    /// let profiles = s
    ///     .query::<Profile>()
    ///     .selectin_parents_with::<User>(|users| users.selectin_children::<Address>())
    ///     .all()?;
    /// let ann = s.parent::<Profile, User>(profiles[0])?.expect("ann");
    /// assert_eq!(s.related::<User, Address>(ann)?.len(), 2); // loaded: no SQL
    /// assert_eq!(s.statement_count(), 3);
    /// # Ok(()) }
    /// ```
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
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # insert_into(Users).values((users::Name.set("ann"), users::Status.set("new"))).execute(&mut conn)?;
    /// # for email in ["ann@home", "ann@work"] {
    /// #     insert_into(Addresses).values((addresses::UserId.set(1), addresses::Email.set(email))).execute(&mut conn)?;
    /// # }
    /// # insert_into(Profiles).values((profiles::UserId.set(1), profiles::Bio.set(Some("hi")))).execute(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// // Profiles, their users, the users' addresses and those addresses' users
    /// // (already in the identity map: no statement).
    /// let profiles = s
    ///     .query::<Profile>()
    ///     .selectin_parents_with::<User>(|users| {
    ///         users.selectin_children_with::<Address>(|a| a.selectin_parents::<User>())
    ///     })
    ///     .all()?;
    /// let ann = s.parent::<Profile, User>(profiles[0])?.expect("ann");
    /// let home = s.related::<User, Address>(ann)?[0];
    /// assert_eq!(s.parent::<Address, User>(home)?, Some(ann));
    /// assert_eq!(s.statement_count(), 3);
    /// # Ok(()) }
    /// ```
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
    /// [`ErrorKind::NotLoaded`](crate::ErrorKind::NotLoaded) instead of a lazy query (*raise*).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # insert_into(Users).values((users::Name.set("ann"), users::Status.set("new"))).execute(&mut conn)?;
    /// # for email in ["ann@home", "ann@work"] {
    /// #     insert_into(Addresses).values((addresses::UserId.set(1), addresses::Email.set(email))).execute(&mut conn)?;
    /// # }
    /// # insert_into(Profiles).values((profiles::UserId.set(1), profiles::Bio.set(Some("hi")))).execute(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// let profiles = s
    ///     .query::<Profile>()
    ///     .selectin_parents_with::<User>(|users| users.raise_children::<Address>())
    ///     .all()?;
    /// let ann = s.parent::<Profile, User>(profiles[0])?.expect("ann");
    /// assert!(s.related::<User, Address>(ann).is_err()); // NotLoaded
    /// # Ok(()) }
    /// ```
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
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # insert_into(Users).values((users::Name.set("ann"), users::Status.set("new"))).execute(&mut conn)?;
    /// # for email in ["ann@home", "ann@work"] {
    /// #     insert_into(Addresses).values((addresses::UserId.set(1), addresses::Email.set(email))).execute(&mut conn)?;
    /// # }
    /// # insert_into(Profiles).values((profiles::UserId.set(1), profiles::Bio.set(Some("hi")))).execute(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// // The users, their addresses, and the addresses' users: all in the map.
    /// let users = s
    ///     .query::<User>()
    ///     .selectin_children_with::<Address>(|a| a.selectin_parents::<User>())
    ///     .all()?;
    /// let home = s.related::<User, Address>(users[0])?[0];
    /// assert_eq!(s.parent::<Address, User>(home)?, Some(users[0]));
    /// assert_eq!(s.statement_count(), 2);
    /// # Ok(()) }
    /// ```
    pub fn selectin_parents<P>(self) -> Self
    where
        M: BelongsTo<P>,
        P: Model,
    {
        self.push::<P>(None, strategy::selectin_parents::<M, P, S::Conn>, |l| l)
    }

    /// [`selectin_parents`](Loaders::selectin_parents), then the loaders
    /// `then` adds on the parents.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # insert_into(Users).values((users::Name.set("ann"), users::Status.set("new"))).execute(&mut conn)?;
    /// # for email in ["ann@home", "ann@work"] {
    /// #     insert_into(Addresses).values((addresses::UserId.set(1), addresses::Email.set(email))).execute(&mut conn)?;
    /// # }
    /// # insert_into(Profiles).values((profiles::UserId.set(1), profiles::Bio.set(Some("hi")))).execute(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// // Users, their addresses, the addresses' users and those users' profiles.
    /// let users = s
    ///     .query::<User>()
    ///     .selectin_children_with::<Address>(|a| {
    ///         a.selectin_parents_with::<User>(|u| u.selectin_children::<Profile>())
    ///     })
    ///     .all()?;
    /// let profile = s.related_one::<User, Profile>(users[0])?.expect("ann's");
    /// assert_eq!(s[profile].bio.as_deref(), Some("hi"));
    /// assert_eq!(s.statement_count(), 3);
    /// # Ok(()) }
    /// ```
    pub fn selectin_parents_with<P>(self, then: impl FnOnce(Loaders<S, P>) -> Loaders<S, P>) -> Self
    where
        M: BelongsTo<P>,
        P: Model,
    {
        self.push(None, strategy::selectin_parents::<M, P, S::Conn>, then)
    }

    /// Loads the many-to-many targets `R` with one more query per batch
    /// (*selectin*).
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
    /// // The products, their tags, and the products of those tags.
    /// let products = s
    ///     .query::<Product>()
    ///     .selectin_linked_with::<Tag>(|tags| tags.selectin_linked::<Product>())
    ///     .all()?;
    /// let red = s.linked::<Product, Tag>(products[0])?[0];
    /// assert_eq!(s.linked::<Tag, Product>(red)?.len(), 2);
    /// assert_eq!(s.statement_count(), 3);
    /// # Ok(()) }
    /// ```
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
    /// // Tags, their products, those products' tags and the tags' products.
    /// let tags = s
    ///     .query::<Tag>()
    ///     .selectin_linked_with::<Product>(|p| {
    ///         p.selectin_linked_with::<Tag>(|t| t.selectin_linked::<Product>())
    ///     })
    ///     .all()?;
    /// let lamp = s.linked::<Tag, Product>(tags[0])?[0];
    /// assert_eq!(s.linked::<Product, Tag>(lamp)?, tags);
    /// // The tags' products were loaded at the first level: not again.
    /// assert_eq!(s.statement_count(), 3);
    /// # Ok(()) }
    /// ```
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
    /// let tags = s
    ///     .query::<Tag>()
    ///     .selectin_linked_with::<Product>(|p| p.raise_linked::<Tag>())
    ///     .all()?;
    /// let lamp = s.linked::<Tag, Product>(tags[0])?[0];
    /// assert!(s.linked::<Product, Tag>(lamp).is_err()); // NotLoaded
    /// # Ok(()) }
    /// ```
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
