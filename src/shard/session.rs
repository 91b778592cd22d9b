//! The ORM over shards: a [`ShardedSession`] is one [`Session`] per shard,
//! so its identity map keys objects by (shard, primary key), and a
//! [`ShardHandle`] names the shard with the object.

use std::ops::{Index, IndexMut};
use std::sync::Arc;

use super::merge::{self, ShardRow};
use super::plan::{Held, Merge, shard_statement};
use super::{ShardChooser, ShardQuery, ShardedEngine, WhereClause};
use crate::conn::Connection;
use crate::engine::{Backend, Pooled};
use crate::error::Result;
use crate::orm::{Handle, KeyFor, Model, Session};
use crate::value::FromRow;

/// One connection per shard, checked out for a [`ShardedSession`].
///
/// ```
/// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::shard::ShardedEngine<B>) -> sqlalgebra::Result<()> {
/// let mut conns = engine.connect_all()?;
/// assert_eq!(conns.len(), engine.shard_count());
/// # Ok(()) }
/// ```
pub struct ShardConnections<B: Backend> {
    conns: Vec<Pooled<B>>,
    chooser: Arc<dyn ShardChooser>,
}

impl<B: Backend> std::fmt::Debug for ShardConnections<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShardConnections")
            .field("shards", &self.conns.len())
            .finish()
    }
}

impl<B: Backend> ShardConnections<B> {
    /// How many shards (and connections).
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(conns: sqlalgebra::shard::ShardConnections<B>) {
    /// let n = conns.len();
    /// # }
    /// ```
    pub fn len(&self) -> usize {
        self.conns.len()
    }

    /// Whether there is no shard.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(conns: sqlalgebra::shard::ShardConnections<B>) {
    /// assert_eq!(conns.is_empty(), conns.len() == 0);
    /// # }
    /// ```
    pub fn is_empty(&self) -> bool {
        self.conns.is_empty()
    }
}

impl<B: Backend> ShardedEngine<B> {
    /// A connection to every shard, for a [`ShardedSession`].
    ///
    /// # Errors
    /// When a shard cannot be reached.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::shard::ShardedEngine<B>) -> sqlalgebra::Result<()> {
    /// let mut conns = engine.connect_all()?;
    /// let session = sqlalgebra::shard::ShardedSession::new(&mut conns);
    /// # Ok(()) }
    /// ```
    pub fn connect_all(&self) -> Result<ShardConnections<B>> {
        Ok(ShardConnections {
            conns: self
                .shards()
                .iter()
                .map(crate::Engine::connect)
                .collect::<Result<_>>()?,
            chooser: Arc::clone(self.chooser()),
        })
    }
}

/// An object of a [`ShardedSession`]: its shard and its handle in that
/// shard's session.
///
/// ```
/// # fn demo<M: sqlalgebra::orm::Model>(h: sqlalgebra::shard::ShardHandle<M>) {
/// let (shard, handle) = (h.shard, h.handle);
/// # }
/// ```
pub struct ShardHandle<M> {
    /// The shard the object lives on.
    pub shard: usize,
    /// Its handle in the shard's [`Session`].
    pub handle: Handle<M>,
}

impl<M> Clone for ShardHandle<M> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M> Copy for ShardHandle<M> {}
impl<M> PartialEq for ShardHandle<M> {
    fn eq(&self, other: &Self) -> bool {
        self.shard == other.shard && self.handle == other.handle
    }
}
impl<M> Eq for ShardHandle<M> {}
impl<M> std::fmt::Debug for ShardHandle<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ShardHandle({}, {:?})", self.shard, self.handle)
    }
}

/// The ORM over a [`ShardedEngine`]: one [`Session`] per shard. Objects
/// are placed by their primary key (its first column is the shard key
/// given to the chooser), so keys must be known before they are added
/// (not autoincrement); the same key on two shards is two objects.
///
/// ```
/// # use sqlalgebra::prelude::*;
/// # fn demo<B: sqlalgebra::Backend, M: sqlalgebra::orm::Model<Key = i64>>(engine: sqlalgebra::shard::ShardedEngine<B>) -> sqlalgebra::Result<()> {
/// let mut conns = engine.connect_all()?;
/// let mut s = sqlalgebra::shard::ShardedSession::new(&mut conns);
/// if let Some(h) = s.get::<M>(7)? {
///     assert_eq!(h.shard, engine.shard_for_key(7i64)?); // loaded from there only
/// }
/// s.commit()?;
/// # Ok(()) }
/// ```
pub struct ShardedSession<'c, B: Backend> {
    sessions: Vec<Session<'c, Pooled<B>>>,
    chooser: Arc<dyn ShardChooser>,
}

impl<B: Backend> std::fmt::Debug for ShardedSession<'_, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShardedSession")
            .field("sessions", &self.sessions)
            .finish_non_exhaustive()
    }
}

impl<'c, B: Backend> ShardedSession<'c, B> {
    /// A session over `conns`, one per shard.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(engine: sqlalgebra::shard::ShardedEngine<B>) -> sqlalgebra::Result<()> {
    /// let mut conns = engine.connect_all()?;
    /// let s = sqlalgebra::shard::ShardedSession::new(&mut conns);
    /// # Ok(()) }
    /// ```
    pub fn new(conns: &'c mut ShardConnections<B>) -> Self {
        ShardedSession {
            chooser: Arc::clone(&conns.chooser),
            sessions: conns.conns.iter_mut().map(Session::new).collect(),
        }
    }

    /// The session of shard `shard`, for what the sharded session does not
    /// offer.
    ///
    /// # Panics
    /// When there is no such shard.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(s: &mut sqlalgebra::shard::ShardedSession<'_, B>) {
    /// let in_transaction = s.session(0).in_transaction();
    /// # }
    /// ```
    pub fn session(&mut self, shard: usize) -> &mut Session<'c, Pooled<B>> {
        &mut self.sessions[shard]
    }

    /// How many statements each shard's session ran, in shard order.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(s: &sqlalgebra::shard::ShardedSession<'_, B>) {
    /// let per_shard: Vec<u64> = s.statement_counts();
    /// # }
    /// ```
    pub fn statement_counts(&self) -> Vec<u64> {
        self.sessions.iter().map(Session::statement_count).collect()
    }

    fn shard_of<M: Model>(&self, key: &M::Key) -> Result<usize> {
        let mut cells = smallvec::SmallVec::<[_; 16]>::new();
        key.key_cells(&mut cells);
        let first = cells
            .first()
            .copied()
            .unwrap_or(crate::value::ValueRef::Null);
        let shard = self.chooser.shard_for_key(first)?;
        if shard < self.sessions.len() {
            Ok(shard)
        } else {
            Err(crate::ErrorKind::InvalidStatement(format!(
                "the shard chooser picked shard {shard} of {}",
                self.sessions.len()
            ))
            .into())
        }
    }

    /// Adds a new object to the shard of its key; it is inserted there at
    /// the next flush.
    ///
    /// # Errors
    /// When the chooser refuses the key.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend, M: sqlalgebra::orm::Model>(s: &mut sqlalgebra::shard::ShardedSession<'_, B>, object: M) -> sqlalgebra::Result<()> {
    /// let h = s.add(object)?;
    /// # Ok(()) }
    /// ```
    pub fn add<M: Model>(&mut self, object: M) -> Result<ShardHandle<M>> {
        let shard = self.shard_of::<M>(&object.key())?;
        Ok(ShardHandle {
            shard,
            handle: self.sessions[shard].add(object),
        })
    }

    /// The object with primary key `key`, from its shard only (from the
    /// shard's identity map without SQL when it is there).
    ///
    /// # Errors
    /// When the chooser refuses the key, or the query fails.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend, M: sqlalgebra::orm::Model<Key = i64>>(s: &mut sqlalgebra::shard::ShardedSession<'_, B>) -> sqlalgebra::Result<()> {
    /// let found = s.get::<M>(1)?;
    /// # Ok(()) }
    /// ```
    pub fn get<M: Model>(&mut self, key: M::Key) -> Result<Option<ShardHandle<M>>> {
        let shard = self.shard_of::<M>(&key)?;
        Ok(self.sessions[shard]
            .get::<M>(key)?
            .map(|handle| ShardHandle { shard, handle }))
    }

    /// The objects `query` returns, from the shards its WHERE clause
    /// allows: on one shard, the statement as written; on several, merged
    /// as [`ShardedEngine::load`] merges rows (ORDER BY, then OFFSET and
    /// LIMIT), so the objects come in the order one database holding every
    /// row would give. Each shard's session is flushed first (when it
    /// autoflushes), and a row whose object its shard's session holds
    /// gives that object, as [`Session::load`] does.
    ///
    /// # Errors
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported) for what cannot be
    /// merged (see the [module](super) documentation; aggregates load no
    /// objects); otherwise when the chooser or a query fails.
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::Model;
    /// # use sqlalgebra::shard::{ShardQuery, ShardedSession};
    /// fn all_matching<B: sqlalgebra::Backend, M: Model, Q: ShardQuery>(
    ///     s: &mut ShardedSession<'_, B>,
    ///     query: &Q,
    /// ) -> sqlalgebra::Result<usize>
    /// where
    ///     M::Row: FromRow<Q::SqlType>,
    /// {
    ///     Ok(s.load::<M, Q>(query)?.len())
    /// }
    /// ```
    pub fn load<M, Q>(&mut self, query: &Q) -> Result<Vec<ShardHandle<M>>>
    where
        M: Model,
        Q: ShardQuery,
        M::Row: FromRow<Q::SqlType>,
    {
        let dialect = self.sessions[0].connection().dialect();
        let shards = self.chooser.shards_for_query(&WhereClause::new(
            dialect,
            query,
            self.sessions.len(),
        ))?;
        if let Some(&bad) = shards.iter().find(|&&s| s >= self.sessions.len()) {
            return Err(crate::ErrorKind::InvalidStatement(format!(
                "the shard chooser picked shard {bad} of {}",
                self.sessions.len()
            ))
            .into());
        }
        if let [shard] = shards[..] {
            return Ok(self.sessions[shard]
                .load::<M, Q>(query)?
                .into_iter()
                .map(|handle| ShardHandle { shard, handle })
                .collect());
        }
        let parts = query.fan_out_parts().0;
        let Some(merge) = super::fan_out_plan(&parts, dialect, &shards)? else {
            return Ok(Vec::new());
        };
        if matches!(merge, Merge::Aggregates { .. }) {
            return Err(crate::ErrorKind::Unsupported {
                dialect: "sharded engine",
                feature: "loading objects from aggregates",
            }
            .into());
        }
        let mut held = Held::default();
        let r = shard_statement(parts, Some(&merge), &mut held, dialect)?;
        let mut results = Vec::with_capacity(shards.len());
        for shard in shards {
            let session = &mut self.sessions[shard];
            session.autoflush()?;
            let mut unit = session.unit();
            let (_, mut db) = unit.split();
            let mut rows = Vec::new();
            let mut names = None;
            db.query_sync(&r, |row| {
                rows.push(ShardRow::copy(&*row, shard, &mut names)?);
                Ok(true)
            })?;
            results.push(rows);
        }
        merge::merge(results, &merge)?
            .iter_mut()
            .map(|row| {
                let object = M::from_row(<M::Row as FromRow<Q::SqlType>>::from_row(row, 0)?);
                let session = &mut self.sessions[row.shard];
                let slot = session.unit().map.arena_mut::<M>().load(object);
                Ok(ShardHandle {
                    shard: row.shard,
                    handle: Handle::from_index(slot),
                })
            })
            .collect()
    }

    /// Marks the object deleted; deleted from its shard at the next flush.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend, M: sqlalgebra::orm::Model>(s: &mut sqlalgebra::shard::ShardedSession<'_, B>, h: sqlalgebra::shard::ShardHandle<M>) {
    /// s.delete(h);
    /// # }
    /// ```
    pub fn delete<M: Model>(&mut self, h: ShardHandle<M>) {
        self.sessions[h.shard].delete(h.handle);
    }

    /// How many objects of `M` the session holds, over every shard.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend, M: sqlalgebra::orm::Model>(s: &sqlalgebra::shard::ShardedSession<'_, B>) {
    /// let n = s.count::<M>();
    /// # }
    /// ```
    pub fn count<M: Model>(&self) -> usize {
        self.sessions.iter().map(Session::count::<M>).sum()
    }

    /// Commits every shard's session, in shard order. Not atomic across
    /// shards: when shard `k` fails, the shards before it committed.
    ///
    /// # Errors
    /// The first shard's failure; the shards after it are not committed.
    ///
    /// ```
    /// # fn demo<B: sqlalgebra::Backend>(s: &mut sqlalgebra::shard::ShardedSession<'_, B>) -> sqlalgebra::Result<()> {
    /// s.commit()?;
    /// # Ok(()) }
    /// ```
    pub fn commit(&mut self) -> Result<()> {
        self.sessions.iter_mut().try_for_each(Session::commit)
    }
}

impl<M: Model, B: Backend> Index<ShardHandle<M>> for ShardedSession<'_, B> {
    type Output = M;
    fn index(&self, h: ShardHandle<M>) -> &M {
        &self.sessions[h.shard][h.handle]
    }
}

impl<M: Model, B: Backend> IndexMut<ShardHandle<M>> for ShardedSession<'_, B> {
    fn index_mut(&mut self, h: ShardHandle<M>) -> &mut M {
        &mut self.sessions[h.shard][h.handle]
    }
}
