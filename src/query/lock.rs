//! Row locks of a SELECT: `FOR UPDATE` / `FOR SHARE`, `OF table`,
//! `NOWAIT` / `SKIP LOCKED` (SQLAlchemy's `with_for_update`).
//!
//! See [`RowLock`] for what each dialect has.

/// How strongly the selected rows are locked.
///
/// ```
/// use sqlalgebra::query::LockStrength;
/// assert_ne!(LockStrength::Update, LockStrength::Share);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LockStrength {
    /// `FOR UPDATE`: exclusive; others wait to lock or change the rows.
    Update,
    /// `FOR SHARE` (MariaDB: `LOCK IN SHARE MODE`): others may read and
    /// share-lock the rows, not change them.
    Share,
}

/// What a locking SELECT does about rows another transaction has locked.
///
/// ```
/// use sqlalgebra::query::LockWait;
/// assert_eq!(LockWait::default(), LockWait::Wait);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LockWait {
    /// Waits for them (up to the server's lock timeout).
    #[default]
    Wait,
    /// `NOWAIT`: fails at once with [`ErrorKind::Conflict`](crate::ErrorKind::Conflict).
    NoWait,
    /// `SKIP LOCKED`: leaves them out of the result.
    SkipLocked,
}

/// The row-locking clause of a SELECT: built by
/// [`Select::for_update`](crate::query::Select::for_update) and its
/// siblings, rendered by
/// [`Dialect::write_row_lock`](crate::render::Dialect::write_row_lock).
///
/// | | PostgreSQL | MySQL 8 | MariaDB | SQLite |
/// |---|---|---|---|---|
/// | `FOR UPDATE` | yes | yes | yes | [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported) |
/// | `FOR SHARE` | yes | yes | `LOCK IN SHARE MODE` | unsupported |
/// | `OF table` | yes | yes | unsupported | unsupported |
/// | `NOWAIT` | yes | yes | from 10.3 | unsupported |
/// | `SKIP LOCKED` | yes | yes | from 10.6 | unsupported |
///
/// SQLite locks the whole database instead: a transaction begun with
/// `BEGIN IMMEDIATE` (the default, see [`IsolationLevel`](crate::IsolationLevel))
/// holds the write lock from its start, so a read-modify-write in one
/// transaction is already serialized there.
///
/// ```
/// use sqlalgebra::query::{LockStrength, LockWait, RowLock};
/// let lock = RowLock::update().skip_locked();
/// assert_eq!(lock.strength(), LockStrength::Update);
/// assert_eq!(lock.wait(), LockWait::SkipLocked);
/// assert_eq!(lock.of(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RowLock {
    strength: LockStrength,
    wait: LockWait,
    of: Option<&'static str>,
}

impl RowLock {
    /// `FOR UPDATE`.
    ///
    /// ```
    /// assert_eq!(sqlalgebra::query::RowLock::update().strength(), sqlalgebra::query::LockStrength::Update);
    /// ```
    #[must_use]
    pub fn update() -> Self {
        RowLock {
            strength: LockStrength::Update,
            wait: LockWait::Wait,
            of: None,
        }
    }

    /// `FOR SHARE`.
    ///
    /// ```
    /// assert_eq!(sqlalgebra::query::RowLock::share().strength(), sqlalgebra::query::LockStrength::Share);
    /// ```
    #[must_use]
    pub fn share() -> Self {
        RowLock {
            strength: LockStrength::Share,
            ..RowLock::update()
        }
    }

    /// Adds `NOWAIT`.
    ///
    /// ```
    /// use sqlalgebra::query::{LockWait, RowLock};
    /// assert_eq!(RowLock::update().nowait().wait(), LockWait::NoWait);
    /// ```
    #[must_use]
    pub fn nowait(mut self) -> Self {
        self.wait = LockWait::NoWait;
        self
    }

    /// Adds `SKIP LOCKED`.
    ///
    /// ```
    /// use sqlalgebra::query::{LockWait, RowLock};
    /// assert_eq!(RowLock::share().skip_locked().wait(), LockWait::SkipLocked);
    /// ```
    #[must_use]
    pub fn skip_locked(mut self) -> Self {
        self.wait = LockWait::SkipLocked;
        self
    }

    /// Adds `OF table`: in a join, lock the rows of this table only
    /// (PostgreSQL, MySQL 8).
    ///
    /// ```
    /// use sqlalgebra::query::RowLock;
    /// assert_eq!(RowLock::update().of_table("accounts").of(), Some("accounts"));
    /// ```
    #[must_use]
    pub fn of_table(mut self, table: &'static str) -> Self {
        self.of = Some(table);
        self
    }

    /// `FOR UPDATE` or `FOR SHARE`.
    ///
    /// ```
    /// # use sqlalgebra::query::{LockStrength, RowLock};
    /// assert_eq!(RowLock::share().strength(), LockStrength::Share);
    /// ```
    pub fn strength(&self) -> LockStrength {
        self.strength
    }

    /// Whether to wait, fail (`NOWAIT`) or skip (`SKIP LOCKED`).
    ///
    /// ```
    /// # use sqlalgebra::query::{LockWait, RowLock};
    /// assert_eq!(RowLock::update().wait(), LockWait::Wait);
    /// ```
    pub fn wait(&self) -> LockWait {
        self.wait
    }

    /// The table of `OF table`, if any.
    ///
    /// ```
    /// # use sqlalgebra::query::RowLock;
    /// assert_eq!(RowLock::update().of(), None);
    /// ```
    pub fn of(&self) -> Option<&'static str> {
        self.of
    }

    /// A small number that tells locks apart in an SQL cache key.
    pub(crate) fn key_word(lock: Option<&RowLock>) -> usize {
        match lock {
            None => 0,
            Some(l) => {
                1 + (l.strength as usize) * 3 + (l.wait as usize) + usize::from(l.of.is_some()) * 6
            }
        }
    }
}

use super::select::{Modifiers, Select};

/// Row locks (see [`RowLock`] for what each dialect has).
impl<S, F, W, G, H, O, D> Select<S, F, W, Modifiers<G, H, O, D>> {
    /// `SELECT ... FOR UPDATE`: locks the selected rows until the
    /// transaction ends, so a read-modify-write cannot lose a concurrent
    /// update. Refused on SQLite with
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported) (its
    /// `BEGIN IMMEDIATE` transactions hold the database's write lock
    /// instead).
    ///
    /// | | |
    /// |---|---|
    /// | PostgreSQL | `SELECT "a"."n" FROM "a" WHERE "a"."id" = $1 FOR UPDATE` |
    /// | MySQL | ``SELECT `a`.`n` FROM `a` WHERE `a`.`id` = ? FOR UPDATE`` |
    /// | SQLite | `ErrorKind::Unsupported` |
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Table for A { const NAME: &'static str = "a"; type Columns = (Id, N); type PrimaryKey = Id; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct N;
    /// # impl Column for Id { type Table = A; type SqlType = BigInt; const NAME: &'static str = "id"; }
    /// # impl Column for N { type Table = A; type SqlType = BigInt; const NAME: &'static str = "n"; }
    /// # fn demo(conn: &mut impl Connection) -> sqlalgebra::Result<()> {
    /// conn.transaction(|tx| {
    ///     let n: i64 = select(N).filter(Id.eq(1)).for_update().get(tx)?;
    ///     update(A).set(N.set(n - 10)).filter(Id.eq(1)).execute(tx)?;
    ///     Ok::<_, sqlalgebra::Error>(())
    /// })?;
    /// # Ok(()) }
    /// ```
    pub fn for_update(self) -> Self {
        self.with_lock(RowLock::update())
    }

    /// `SELECT ... FOR SHARE` (MariaDB: `LOCK IN SHARE MODE`): others may
    /// read the rows, not change them, until the transaction ends.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Table for A { const NAME: &'static str = "a"; type Columns = Id; type PrimaryKey = Id; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
    /// # impl Column for Id { type Table = A; type SqlType = BigInt; const NAME: &'static str = "id"; }
    /// let q = select(Id).for_share().nowait();
    /// ```
    pub fn for_share(self) -> Self {
        self.with_lock(RowLock::share())
    }

    /// Adds `NOWAIT` to the lock (to `FOR UPDATE` if none was asked for):
    /// a row locked by another transaction fails the statement at once
    /// with [`ErrorKind::Conflict`](crate::ErrorKind::Conflict).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::query::{LockWait, RowLock};
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Table for A { const NAME: &'static str = "a"; type Columns = Id; type PrimaryKey = Id; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
    /// # impl Column for Id { type Table = A; type SqlType = BigInt; const NAME: &'static str = "id"; }
    /// assert_eq!(select(Id).nowait().lock(), Some(RowLock::update().nowait()));
    /// ```
    pub fn nowait(self) -> Self {
        let lock = self.lock().unwrap_or_else(RowLock::update).nowait();
        self.with_lock(lock)
    }

    /// Adds `SKIP LOCKED` to the lock (to `FOR UPDATE` if none was asked
    /// for): rows locked by another transaction are left out (a job
    /// queue's "take the next free row").
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::query::RowLock;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Table for A { const NAME: &'static str = "a"; type Columns = Id; type PrimaryKey = Id; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
    /// # impl Column for Id { type Table = A; type SqlType = BigInt; const NAME: &'static str = "id"; }
    /// let q = select(Id).for_update().skip_locked().limit(1);
    /// assert_eq!(q.lock(), Some(RowLock::update().skip_locked()));
    /// ```
    pub fn skip_locked(self) -> Self {
        let lock = self.lock().unwrap_or_else(RowLock::update).skip_locked();
        self.with_lock(lock)
    }

    /// Adds `OF table` to the lock (to `FOR UPDATE` if none was asked
    /// for): in a join, only `table`'s rows are locked. PostgreSQL and
    /// MySQL 8; MariaDB and SQLite refuse it.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Table for A { const NAME: &'static str = "a"; type Columns = Id; type PrimaryKey = Id; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
    /// # impl Column for Id { type Table = A; type SqlType = BigInt; const NAME: &'static str = "id"; }
    /// let q = select(Id).for_update().of(A);
    /// assert_eq!(q.lock().unwrap().of(), Some("a"));
    /// ```
    pub fn of<T: crate::Table>(self, table: T) -> Self {
        let _ = table;
        let lock = self
            .lock()
            .unwrap_or_else(RowLock::update)
            .of_table(T::NAME);
        self.with_lock(lock)
    }

    /// Sets the whole row-locking clause at once (SQLAlchemy's
    /// `with_for_update(...)`).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::query::RowLock;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Table for A { const NAME: &'static str = "a"; type Columns = Id; type PrimaryKey = Id; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
    /// # impl Column for Id { type Table = A; type SqlType = BigInt; const NAME: &'static str = "id"; }
    /// let q = select(Id).with_lock(RowLock::share().skip_locked());
    /// ```
    pub fn with_lock(mut self, lock: RowLock) -> Self {
        self.modifiers.lock = Some(lock);
        self
    }

    /// The row-locking clause asked for, if any.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Table for A { const NAME: &'static str = "a"; type Columns = Id; type PrimaryKey = Id; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
    /// # impl Column for Id { type Table = A; type SqlType = BigInt; const NAME: &'static str = "id"; }
    /// assert!(select(Id).lock().is_none());
    /// ```
    pub fn lock(&self) -> Option<RowLock> {
        self.modifiers.lock
    }
}
