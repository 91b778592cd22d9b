//! Following and changing relationships through the session: lazy loads,
//! attaching and detaching children, linking many-to-many.

use super::arena::State;
use super::drive::block_on;
use super::handle::Handle;
use super::identity::IdentityMap;
use super::loading::{Coll, alive};
use super::model::Model;
use super::relation::{BelongsTo, HasMany, HasOne, ManyToMany, relation_name};
use super::session::Session;
use super::strategy::{fetch_children, fetch_linked};
use super::unit::Unit;
use crate::conn::Connection;
use crate::error::{ErrorKind, Result};

impl<C: Connection> Session<'_, C> {
    /// The children of `parent` (one-to-many), loaded on demand: from the
    /// loaded collection without SQL, else with one query (the *lazy*
    /// strategy; see [`ModelQuery`](super::ModelQuery) for selectin, joined
    /// and raise).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// let (ann, _) = s.add_with_children(
    ///     User { id: 0, name: "ann".into(), status: "new".into() },
    ///     [Address { id: 0, user_id: 0, email: "ann@home".into() }],
    /// );
    /// s.commit()?;
    /// let addresses = s.related::<User, Address>(ann)?; // SELECT ... WHERE "user_id" = ?
    /// assert_eq!(s[addresses[0]].email, "ann@home");
    /// let again = s.related::<User, Address>(ann)?;     // loaded: no SQL
    /// assert_eq!(again, addresses);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::NotLoaded`] when the collection was loaded with the raise
    /// strategy; otherwise when the query fails.
    pub fn related<P, Ch>(&mut self, parent: Handle<P>) -> Result<Vec<Handle<Ch>>>
    where
        P: HasMany<Ch>,
        Ch: BelongsTo<P>,
    {
        // A loaded collection answers without building the call's state
        // machine (the commonest call after a selectin load).
        if let Coll::Loaded(children) = self.rels.children::<P, Ch>().colls.get(parent.index()) {
            return Ok(alive_handles::<Ch, C>(&self.map, children));
        }
        block_on(self.unit().related_loaded(parent))
    }

    /// The child of `parent` in a one-to-one relationship, loaded on demand
    /// like [`related`](Session::related).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// let (ann, _) = s.add_with_children(User { id: 0, name: "ann".into(), status: "new".into() }, [Profile { id: 0, user_id: 0, bio: Some("hi".into()) }]);
    /// let bob = s.add(User { id: 0, name: "bob".into(), status: "new".into() });
    /// s.commit()?;
    /// let profile = s.related_one::<User, Profile>(ann)?.expect("ann has a profile");
    /// assert_eq!(s[profile].bio.as_deref(), Some("hi"));
    /// assert_eq!(s.related_one::<User, Profile>(bob)?, None);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`related`](Session::related).
    pub fn related_one<P, Ch>(&mut self, parent: Handle<P>) -> Result<Option<Handle<Ch>>>
    where
        P: HasOne<Ch>,
        Ch: BelongsTo<P>,
    {
        Ok(self.related::<P, Ch>(parent)?.first().copied())
    }

    /// The parent of `child` (many-to-one): from the identity map without
    /// SQL when it is there, else loaded by key.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # insert_into(Users).values((users::Name.set("ann"), users::Status.set("new"))).execute(&mut conn)?;
    /// # insert_into(Addresses).values((addresses::UserId.set(1), addresses::Email.set("ann@home"))).execute(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// let address = s.get::<Address>(1)?.expect("address 1");
    /// let owner = s.parent::<Address, User>(address)?.expect("it has a user"); // by key
    /// assert_eq!(s[owner].name, "ann");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When the query fails.
    pub fn parent<Ch, P>(&mut self, child: Handle<Ch>) -> Result<Option<Handle<P>>>
    where
        Ch: BelongsTo<P>,
        P: Model,
    {
        let Some(key) = self.try_get(child).and_then(BelongsTo::parent_key) else {
            return Ok(None);
        };
        self.get::<P>(key)
    }

    /// The objects linked to `source` in a many-to-many relationship,
    /// loaded on demand (lazy) like [`related`](Session::related).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// let lamp = s.add(Product { id: 0, name: "lamp".into() });
    /// let red = s.add(Tag { id: 0, name: "red".into() });
    /// s.link(lamp, red);
    /// s.commit()?;
    /// let tags = s.linked::<Product, Tag>(lamp)?; // SELECT through "product_tags"
    /// assert_eq!(tags, [red]);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::NotLoaded`] under the raise strategy; otherwise when the
    /// query fails.
    pub fn linked<L, R>(&mut self, source: Handle<L>) -> Result<Vec<Handle<R>>>
    where
        L: ManyToMany<R>,
        R: Model,
    {
        // As in `related`: a loaded collection answers at once.
        if let Coll::Loaded(targets) = self.rels.links::<L, R>().colls.get(source.index()) {
            return Ok(alive_handles::<R, C>(&self.map, targets));
        }
        block_on(self.unit().linked_loaded(source))
    }

    /// Makes `child` a child of `parent` (cascade save-update): its foreign
    /// key is set to the parent's key now, or, for a pending parent, at the
    /// flush that inserts the parent. It leaves its previous parent's
    /// loaded collection.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// let ann = s.add(User { id: 0, name: "ann".into(), status: "new".into() });
    /// let home = s.add(Address { id: 0, user_id: 0, email: "ann@home".into() });
    /// s.attach(ann, home); // ann is pending: her key is set at the flush
    /// s.flush()?;
    /// assert_eq!(s[home].user_id, s[ann].id);
    /// assert_eq!(s.related::<User, Address>(ann)?, [home]);
    /// # Ok(()) }
    /// ```
    pub fn attach<P, Ch>(&mut self, parent: Handle<P>, child: Handle<Ch>)
    where
        P: HasMany<Ch>,
        Ch: BelongsTo<P>,
    {
        let level = self.tx.current();
        let (p, c) = (parent.index(), child.index());
        if !alive::<P, C>(&self.map, p) || !alive::<Ch, C>(&self.map, c) {
            return;
        }
        let previous = self
            .try_get(child)
            .and_then(BelongsTo::parent_key)
            .and_then(|k| self.map.arena::<P>()?.lookup(&k));
        let key = self.map.db_key::<P>(p);
        let parent_is_new = key.is_none();
        if let Some(key) = key
            && let Some(object) = self.map.arena_mut::<Ch>().edit(c, level)
        {
            object.set_parent_key(key);
        }
        let store = self.rels.children::<P, Ch>();
        if let Some(old) = previous.filter(|&old| old != p) {
            store.colls.remove(old, c);
        }
        store.fixups.retain(|&(_, fc)| fc != c);
        if parent_is_new {
            store.fixups.push((p, c));
        }
        store.colls.push(p, c, parent_is_new);
    }

    /// Adds a new parent with new children, attached (cascade
    /// save-update): one flush inserts them all, the parent first, and the
    /// children get its key.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// let (ann, addresses) = s.add_with_children(
    ///     User { id: 0, name: "ann".into(), status: "new".into() },
    ///     ["ann@home", "ann@work"].map(|e| Address { id: 0, user_id: 0, email: e.into() }),
    /// );
    /// s.commit()?; // INSERT the user, then both addresses
    /// let owners: Vec<i64> = select(addresses::UserId).load(s.connection())?;
    /// assert_eq!(owners, [1, 1]);
    /// # let _ = (ann, addresses);
    /// # Ok(()) }
    /// ```
    pub fn add_with_children<P, Ch>(
        &mut self,
        parent: P,
        children: impl IntoIterator<Item = Ch>,
    ) -> (Handle<P>, Vec<Handle<Ch>>)
    where
        P: HasMany<Ch>,
        Ch: BelongsTo<P>,
    {
        let p = self.add(parent);
        let store = self.rels.children::<P, Ch>();
        store.colls.set(p.index(), Coll::Loaded(Vec::new()));
        let children = children
            .into_iter()
            .map(|child| {
                let c = self.add(child);
                self.attach(p, c);
                c
            })
            .collect();
        (p, children)
    }

    /// Removes `child` from `parent`'s children. With
    /// [`Cascade::delete_orphan`](super::Cascade) the child is deleted;
    /// otherwise its foreign key is set to NULL.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// let (ann, addresses) = s.add_with_children(
    ///     User { id: 0, name: "ann".into(), status: "new".into() },
    ///     [Address { id: 0, user_id: 0, email: "ann@home".into() }],
    /// );
    /// s.flush()?;
    /// // `addresses.user_id` is NOT NULL and `User`'s cascade is not delete-orphan:
    /// assert!(s.detach(ann, addresses[0]).is_err());
    /// s.delete(addresses[0]); // delete the child instead
    /// s.commit()?;
    /// let n: i64 = select(count_star()).from(Addresses).get(s.connection())?;
    /// assert_eq!(n, 0);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::InvalidStatement`] when the relationship is not
    /// delete-orphan and the foreign key cannot be NULL.
    pub fn detach<P, Ch>(&mut self, parent: Handle<P>, child: Handle<Ch>) -> Result<()>
    where
        P: HasMany<Ch>,
        Ch: BelongsTo<P>,
    {
        let (p, c) = (parent.index(), child.index());
        if P::CASCADE.delete_orphan {
            self.delete(child);
        } else {
            let cleared = self.try_edit(child).is_some_and(|o| o.clear_parent_key());
            if !cleared && alive::<Ch, C>(&self.map, c) {
                return Err(ErrorKind::InvalidStatement(format!(
                    "cannot detach a child of `{}`: its foreign key is NOT NULL; \
                     declare `Cascade::ALL_DELETE_ORPHAN` or delete the child",
                    relation_name::<P, Ch>()
                ))
                .into());
            }
        }
        let store = self.rels.children::<P, Ch>();
        store.colls.remove(p, c);
        store.fixups.retain(|&f| f != (p, c));
        Ok(())
    }

    /// Links `source` to `target` in a many-to-many relationship: the next
    /// flush inserts the link row (after inserting either object if new).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// let lamp = s.add(Product { id: 0, name: "lamp".into() });
    /// let red = s.add(Tag { id: 0, name: "red".into() });
    /// s.link(lamp, red);
    /// s.commit()?; // INSERT both, then the link row
    /// let links: Vec<(i64, i64)> =
    ///     select((product_tags::ProductId, product_tags::TagId)).load(s.connection())?;
    /// assert_eq!(links, [(1, 1)]);
    /// # Ok(()) }
    /// ```
    pub fn link<L, R>(&mut self, source: Handle<L>, target: Handle<R>)
    where
        L: ManyToMany<R>,
        R: Model,
    {
        let (l, r) = (source.index(), target.index());
        let new_source = self.map.state::<L>(l) == Some(State::New);
        let store = self.rels.links::<L, R>();
        store.ops.push((l, r, true));
        store.colls.push(l, r, new_source);
    }

    /// Removes the link between `source` and `target`: the next flush
    /// deletes the link row.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// let lamp = s.add(Product { id: 0, name: "lamp".into() });
    /// let red = s.add(Tag { id: 0, name: "red".into() });
    /// s.link(lamp, red);
    /// s.flush()?;
    /// s.unlink(lamp, red);
    /// s.commit()?; // DELETE FROM "product_tags" WHERE ...
    /// let n: i64 = select(count_star()).from(ProductTags).get(s.connection())?;
    /// assert_eq!(n, 0);
    /// assert!(s.linked::<Product, Tag>(lamp)?.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn unlink<L, R>(&mut self, source: Handle<L>, target: Handle<R>)
    where
        L: ManyToMany<R>,
        R: Model,
    {
        let (l, r) = (source.index(), target.index());
        let store = self.rels.links::<L, R>();
        store.ops.push((l, r, false));
        store.colls.remove(l, r);
    }
}

impl<C: Connection> Unit<'_, C> {
    /// See [`Session::related`].
    pub(crate) async fn related<P, Ch>(&mut self, parent: Handle<P>) -> Result<Vec<Handle<Ch>>>
    where
        P: HasMany<Ch>,
        Ch: BelongsTo<P>,
    {
        let p = parent.index();
        match self.rels.children::<P, Ch>().colls.get(p) {
            Coll::Loaded(children) => return Ok(alive_handles::<Ch, C>(self.map, children)),
            Coll::Raise => {
                return Err(ErrorKind::NotLoaded {
                    relation: relation_name::<P, Ch>(),
                }
                .into());
            }
            Coll::Unloaded => {}
        }
        self.autoflush().await?;
        if self.map.db_key::<P>(p).is_none() {
            // A pending parent has no children in the database.
            return Ok(Vec::new());
        }
        let batch = self.config.batch_size;
        let (map, mut db) = self.split();
        let fetched = fetch_children::<P, Ch, C>(map, &mut db, &[p], batch).await?;
        let children = fetched.into_iter().next().map(|(_, c)| c);
        let children = children.unwrap_or_default();
        let handles = alive_handles::<Ch, C>(self.map, &children);
        self.rels
            .children::<P, Ch>()
            .colls
            .set(p, Coll::Loaded(children));
        Ok(handles)
    }

    /// See [`Session::linked`].
    pub(crate) async fn linked<L, R>(&mut self, source: Handle<L>) -> Result<Vec<Handle<R>>>
    where
        L: ManyToMany<R>,
        R: Model,
    {
        let l = source.index();
        match self.rels.links::<L, R>().colls.get(l) {
            Coll::Loaded(targets) => return Ok(alive_handles::<R, C>(self.map, targets)),
            Coll::Raise => {
                return Err(ErrorKind::NotLoaded {
                    relation: relation_name::<L, R>(),
                }
                .into());
            }
            Coll::Unloaded => {}
        }
        self.autoflush().await?;
        if self.map.db_key::<L>(l).is_none() {
            return Ok(Vec::new());
        }
        let batch = self.config.batch_size;
        let (map, mut db) = self.split();
        let fetched = fetch_linked::<L, R, C>(map, &mut db, &[l], batch).await?;
        let targets = fetched.get(&l).cloned().unwrap_or_default();
        let handles = alive_handles::<R, C>(self.map, &targets);
        self.rels
            .links::<L, R>()
            .colls
            .set(l, Coll::Loaded(targets));
        Ok(handles)
    }
}

/// The handles of the slots whose object is alive (not deleted, not
/// expunged).
fn alive_handles<M: Model, C: Connection>(map: &IdentityMap<C>, slots: &[u32]) -> Vec<Handle<M>> {
    let Some(arena) = map.arena::<M>() else {
        return Vec::new();
    };
    let mut handles = Vec::with_capacity(slots.len());
    for &i in slots {
        if arena
            .slot(i as usize)
            .is_some_and(|s| matches!(s.state, State::New | State::Clean | State::Dirty))
        {
            handles.push(Handle::from_index(i));
        }
    }
    handles
}
