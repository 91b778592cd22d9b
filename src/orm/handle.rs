//! [`Handle`]: a small `Copy` id of an object in a session.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

/// The id of one object of model `M` in a [`Session`](super::Session):
/// the index of its slot in the session's arena for `M`.
///
/// The same primary key always maps to the same handle within a session.
/// Read the object with `session[handle]`, change it with
/// `&mut session[handle]` or [`Session::edit`](super::Session::edit).
///
/// ```
/// use sqlalgebra::orm::Handle;
/// # #[derive(Clone)] struct User;
/// let h: Handle<User> = Handle::from_index(3);
/// let copy = h;
/// assert_eq!(copy.index(), 3);
/// assert_eq!(h, copy);
/// ```
pub struct Handle<M> {
    index: u32,
    _model: PhantomData<fn() -> M>,
}

impl<M> Handle<M> {
    /// The handle of slot `index` (for tests and diagnostics; handles come
    /// from the session).
    ///
    /// ```
    /// use sqlalgebra::orm::Handle;
    /// # use sqlalgebra::orm::doc_models::User;
    /// let h = Handle::<User>::from_index(7);
    /// assert_eq!(h.index(), 7);
    /// assert_eq!(format!("{h:?}"), "Handle<User>(7)");
    /// ```
    pub const fn from_index(index: u32) -> Self {
        Handle {
            index,
            _model: PhantomData,
        }
    }

    /// The slot index.
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
    /// let bob = s.add(User { id: 0, name: "bob".into(), status: "new".into() });
    /// assert_eq!((ann.index(), bob.index()), (0, 1)); // slots of the session's arena for `User`
    /// # Ok(()) }
    /// ```
    pub const fn index(self) -> u32 {
        self.index
    }

    pub(crate) fn slot(self) -> usize {
        self.index as usize
    }
}

impl<M> Clone for Handle<M> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M> Copy for Handle<M> {}
impl<M> PartialEq for Handle<M> {
    fn eq(&self, other: &Self) -> bool {
        self.index == other.index
    }
}
impl<M> Eq for Handle<M> {}
impl<M> PartialOrd for Handle<M> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<M> Ord for Handle<M> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.index.cmp(&other.index)
    }
}
impl<M> Hash for Handle<M> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.index.hash(state);
    }
}
impl<M> fmt::Debug for Handle<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = std::any::type_name::<M>();
        let short = name.rsplit("::").next().unwrap_or(name);
        write!(f, "Handle<{short}>({})", self.index)
    }
}
