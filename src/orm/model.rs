//! [`Model`]: a plain struct mapped to a table, implemented by hand.

use std::fmt::Debug;
use std::hash::Hash;

use super::inherit::Discriminator;
use super::loading::Relationships;
use crate::query::Selection;
use crate::schema::{Column, ColumnList, Table};
use crate::types::SqlType;
use crate::value::{Decode, DecodeError, Encode, FromRow, FromSqlValue, ValueRef};

/// The cells of one model, borrowed, in the order of its columns.
pub(crate) type Cells<'a> = smallvec::SmallVec<[ValueRef<'a>; 16]>;

/// A plain Rust struct mapped to the rows of a table, implemented by hand.
///
/// The struct is loaded from `Columns` through the tuple `Row` (the Rust
/// types of `Row` are checked against the columns' SQL types at compile
/// time) and written back through [`values`](Model::values), a tuple of
/// references to the same fields.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Users;
/// # impl Table for Users { const NAME: &'static str = "users"; type Columns = (UserId, UserName, UserFullname); type PrimaryKey = UserId; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct UserId;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct UserName;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct UserFullname;
/// # impl Column for UserId { type Table = Users; type SqlType = BigInt; const NAME: &'static str = "id"; const AUTOINCREMENT: bool = true; }
/// # impl Column for UserName { type Table = Users; type SqlType = Text; const NAME: &'static str = "name"; }
/// # impl Column for UserFullname { type Table = Users; type SqlType = Nullable<Text>; const NAME: &'static str = "fullname"; }
/// #[derive(Debug, Clone, PartialEq)]
/// pub struct User { pub id: i64, pub name: String, pub fullname: Option<String> }
///
/// impl Model for User {
///     type Table = Users;
///     type Columns = (UserId, UserName, UserFullname);
///     type Row = (i64, String, Option<String>);
///     type Key = i64;
///     fn from_row((id, name, fullname): Self::Row) -> Self { User { id, name, fullname } }
///     fn values(&self) -> (&i64, &String, &Option<String>) { (&self.id, &self.name, &self.fullname) }
///     fn key(&self) -> i64 { self.id }
///     fn set_generated_key(&mut self, id: i64) { self.id = id; }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a model",
    note = "implement `sqlalgebra::orm::Model` on the struct: table, columns, row tuple, key"
)]
pub trait Model: Clone + Send + 'static {
    /// The table the rows live in.
    type Table: Table;
    /// The columns loaded and written, as a tuple (`(users::Id,)` for one).
    type Columns: ModelColumns;
    /// The Rust values of `Columns`, as a tuple: what a row loads into
    /// before [`from_row`](Model::from_row) builds the struct.
    type Row: ModelRow + FromRow<<Self::Columns as Selection>::SqlType>;
    /// The primary key: one value, or a tuple for a composite key, of the
    /// Rust types of the table's `PrimaryKey` columns.
    type Key: KeyFor<<Self::Table as Table>::PrimaryKey> + Send;

    /// Builds the struct from the values of `Columns`.
    fn from_row(row: Self::Row) -> Self;

    /// References to the fields, in the order of `Columns`: what INSERT and
    /// UPDATE write, and what dirty checking compares.
    fn values(&self) -> <Self::Row as ModelRow>::Refs<'_>;

    /// The primary key.
    fn key(&self) -> Self::Key;

    /// Stores the id the database assigned to an autoincrement key column.
    ///
    /// An [`AUTOINCREMENT`](crate::Column::AUTOINCREMENT) column whose value
    /// is `0` or NULL is left out of the INSERT; the session then calls this
    /// with the assigned id. The default does nothing.
    fn set_generated_key(&mut self, id: i64) {
        let _ = id;
    }

    /// Called by `flush` just before the object is inserted: fill in
    /// client-side defaults here (`created_at = now`).
    fn before_insert(&mut self) {}

    /// Called by `flush` just before a changed object is updated: set
    /// on-update values here (`updated_at = now`). Not called when nothing
    /// changed.
    fn before_update(&mut self) {}

    /// The columns this object leaves to their server DEFAULT at INSERT,
    /// by name (SQLAlchemy's `server_default`): for a non-`Option` field
    /// such as `created_at`, which has no NULL to say "unset". The INSERT
    /// leaves them out and the session reads what the database stored back
    /// (with `RETURNING` where the dialect has it, in the batched
    /// multi-row INSERT too; else a `SELECT`). The default is none; a NULL
    /// field of a column with a [`DEFAULT`](crate::Column::DEFAULT) is left
    /// out as well.
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Posts;
    /// # impl Table for Posts { const NAME: &'static str = "posts"; type Columns = (Id, CreatedAt); type PrimaryKey = Id; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct CreatedAt;
    /// # impl Column for Id { type Table = Posts; type SqlType = BigInt; const NAME: &'static str = "id"; }
    /// # impl Column for CreatedAt { type Table = Posts; type SqlType = Timestamp; const NAME: &'static str = "created_at"; }
    /// # #[derive(Clone)] pub struct Post { id: i64, created_at: String }
    /// impl Model for Post {
    /// #   type Table = Posts; type Columns = (Id, CreatedAt); type Row = (i64, String); type Key = i64;
    /// #   fn from_row((id, created_at): Self::Row) -> Self { Post { id, created_at } }
    /// #   fn values(&self) -> (&i64, &String) { (&self.id, &self.created_at) }
    /// #   fn key(&self) -> i64 { self.id }
    ///     // ...
    ///     fn server_defaults(&self) -> &'static [&'static str] {
    ///         if self.created_at.is_empty() { &["created_at"] } else { &[] }
    ///     }
    /// }
    /// ```
    fn server_defaults(&self) -> &'static [&'static str] {
        &[]
    }

    /// SQL values the UPDATE of a changed object also sets, evaluated by
    /// the server (SQLAlchemy's `onupdate=func.now()`):
    /// `set.column(UpdatedAt, now())`, `set.column(Edits, Edits.add(1))`;
    /// see [`OnUpdate`](super::OnUpdate) for an example. The session reads
    /// the updated rows back after the UPDATE (one `SELECT` per batch). A
    /// column the object changed itself keeps its own value. It must set
    /// the same columns with the same SQL every time (binds may differ):
    /// the UPDATE's text is cached. The default sets nothing.
    fn on_update(set: &mut super::OnUpdate<Self>) {
        let _ = set;
    }

    /// Called by `flush` after the INSERT of the object, with what the
    /// database assigned (its generated key, server defaults) filled in.
    /// The default does nothing. See [`events`](super::events) for the
    /// session's own events and an example.
    fn after_insert(&self) {}

    /// Called by `flush` after the UPDATE of a changed object. The default
    /// does nothing.
    fn after_update(&self) {}

    /// Called by `flush` just before the DELETE of an object marked for
    /// deletion (cascades included); the object is as loaded. The default
    /// does nothing.
    fn before_delete(&self) {}

    /// Called by `flush` after the DELETE of the object. Bulk statements
    /// ([`Session::execute`](super::Session::execute)) call none of these
    /// per-object hooks. The default does nothing.
    fn after_delete(&self) {}

    /// The version column for optimistic concurrency, if the model has one.
    ///
    /// The session increments it on every UPDATE and makes the UPDATE (and
    /// the DELETE) match only the version it loaded; when another
    /// transaction got there first, `flush` fails with
    /// [`ErrorKind::StaleData`](crate::ErrorKind::StaleData).
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Docs;
    /// # impl Table for Docs { const NAME: &'static str = "docs"; type Columns = (DocId, DocVersion); type PrimaryKey = DocId; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct DocId;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct DocVersion;
    /// # impl Column for DocId { type Table = Docs; type SqlType = BigInt; const NAME: &'static str = "id"; }
    /// # impl Column for DocVersion { type Table = Docs; type SqlType = BigInt; const NAME: &'static str = "version"; }
    /// # #[derive(Clone)] pub struct Doc { id: i64, version: i64 }
    /// impl Model for Doc {
    /// #   type Table = Docs; type Columns = (DocId, DocVersion); type Row = (i64, i64); type Key = i64;
    /// #   fn from_row((id, version): Self::Row) -> Self { Doc { id, version } }
    /// #   fn values(&self) -> (&i64, &i64) { (&self.id, &self.version) }
    /// #   fn key(&self) -> i64 { self.id }
    ///     // ...
    ///     fn version(&mut self) -> Option<Version<'_>> {
    ///         Some(Version::new::<DocVersion>(&mut self.version))
    ///     }
    /// }
    /// ```
    fn version(&mut self) -> Option<Version<'_>> {
        None
    }

    /// For a subtype of single-table inheritance: the column that says
    /// which model a row is, and this model's value in it. Every query of
    /// the model (`query`, `get`, relationship loads) then matches only its
    /// rows; list the column among [`Columns`](Model::Columns) with a
    /// [`Kind`](super::Kind) field so that inserting writes the value. See
    /// [`Polymorphic`](super::Polymorphic) for the base. The default is
    /// `None`: every row of the table is this model.
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// use sqlalgebra::orm::{Discriminator, Kind};
    /// # #[derive(Clone)] pub struct Admin { id: i64, name: String }
    /// impl Model for Admin {
    ///     type Table = Users;
    ///     type Columns = (users::Id, users::Status, users::Name);
    ///     type Row = (i64, Kind<Self>, String);
    ///     type Key = i64;
    ///     const DISCRIMINATOR: Option<Discriminator> = Some(Discriminator::new::<users::Status>("admin"));
    ///     fn from_row((id, _, name): Self::Row) -> Self { Admin { id, name } }
    ///     fn values(&self) -> (&i64, &Kind<Self>, &String) { (&self.id, Kind::VALUE, &self.name) }
    ///     fn key(&self) -> i64 { self.id }
    /// }
    /// ```
    const DISCRIMINATOR: Option<Discriminator> = None;

    /// Lists the relationships a flush must follow from this model even in
    /// a session that has not used them: deleting an object then deletes
    /// its [`HasMany`](super::HasMany) children under a cascade with
    /// `delete`, and its link rows of each
    /// [`ManyToMany`](super::ManyToMany). Rust cannot enumerate trait
    /// impls, so they are named here; the default lists none (a
    /// relationship the session has loaded or changed is followed anyway).
    /// See [`Relationships`] for an example.
    fn relationships<C: crate::Connection>(r: &mut Relationships<'_, Self, C>) {
        let _ = r;
    }
}

/// The SQL row type of a model's columns.
pub(crate) type SqlRow<M> = <<M as Model>::Columns as Selection>::SqlType;

/// The references [`Model::values`] returns, for a model `M`.
pub type Values<'a, M> = <<M as Model>::Row as ModelRow>::Refs<'a>;

/// The version column of a model and the field that holds it: see
/// [`Model::version`].
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::orm::Version;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Docs;
/// # impl Table for Docs { const NAME: &'static str = "docs"; type Columns = Ver; type PrimaryKey = Ver; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Ver;
/// # impl Column for Ver { type Table = Docs; type SqlType = BigInt; const NAME: &'static str = "version"; }
/// let mut v = 3;
/// let version = Version::new::<Ver>(&mut v);
/// assert_eq!(version.column(), "version");
/// ```
#[derive(Debug)]
pub struct Version<'a> {
    column: &'static str,
    pub(crate) value: &'a mut i64,
}

impl<'a> Version<'a> {
    /// The version column `C` (an integer column) and the field holding it.
    pub fn new<C: Column>(value: &'a mut i64) -> Self
    where
        i64: Decode<C::SqlType>,
    {
        Version {
            column: C::NAME,
            value,
        }
    }

    /// The column's name.
    pub fn column(&self) -> &'static str {
        self.column
    }
}

/// The columns of a model: a tuple of columns, all of one table.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a tuple of columns",
    label = "a model's `Columns` is a tuple of columns, e.g. `(users::Id, users::Name)`",
    note = "write a single column as a one-element tuple: `(users::Id,)`"
)]
pub trait ModelColumns: ColumnList + Selection + Copy {
    /// The columns, as a value to render.
    fn columns() -> Self;
}

/// The tuple a model's row loads into, and its borrowed form.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a model's `Row`",
    label = "expected a tuple of bindable values, e.g. `(i64, String, Option<String>)`"
)]
pub trait ModelRow: 'static {
    /// A tuple of references to each value.
    type Refs<'a>: Copy;
    /// Appends each referenced value as a cell.
    #[doc(hidden)]
    fn cells<'a>(refs: Self::Refs<'a>, out: &mut Cells<'a>);
    /// Sets `changed[k]` to whether value `k` of `now` encodes to another
    /// cell than value `k` of `was` (for as many values as `changed`
    /// has); returns whether any does. What dirty checking compares,
    /// without collecting cells.
    #[doc(hidden)]
    fn diff(now: Self::Refs<'_>, was: Self::Refs<'_>, changed: &mut [bool]) -> bool;
}

macro_rules! tuple_model_impls {
    ($($T:ident $S:ident),+) => {
        impl<$($T: Column),+> ModelColumns for ($($T,)+) {
            fn columns() -> Self {
                ($($T::default(),)+)
            }
        }

        impl<$($T: Encode + 'static),+> ModelRow for ($($T,)+) {
            type Refs<'a> = ($(&'a $T,)+);
            #[allow(non_snake_case)]
            fn cells<'a>(refs: Self::Refs<'a>, out: &mut Cells<'a>) {
                let ($($T,)+) = refs;
                $(out.push($T.encode());)+
            }
            #[allow(non_snake_case)]
            fn diff(now: Self::Refs<'_>, was: Self::Refs<'_>, changed: &mut [bool]) -> bool {
                let ($($T,)+) = now;
                let ($($S,)+) = was;
                let mut any = false;
                let mut flags = changed.iter_mut();
                $(
                    let differs = $T.encode() != $S.encode();
                    if let Some(flag) = flags.next() {
                        *flag = differs;
                    }
                    any |= differs;
                )+
                any
            }
        }
    };
}
crate::macros::for_tuples!(tuple_model_impls);

/// A primary-key value for the key column or columns `PK`: one value whose
/// Rust type loads from the column's SQL type, or a tuple of them for a
/// composite key. Keys are ordered (`Ord`): loaded collections list their
/// objects in key order.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a key for the primary key `{PK}`",
    label = "the key must have the Rust types of the primary-key columns",
    note = "BigInt -> i64, Integer -> i32, Text/Varchar -> String; a tuple for a composite key"
)]
pub trait KeyFor<PK>: Hash + Ord + Clone + Debug + Send + Sync + 'static {
    /// Appends the key's values, one per key column.
    #[doc(hidden)]
    fn key_cells<'a>(&'a self, out: &mut Cells<'a>);
}

impl<C: Column, K> KeyFor<C> for K
where
    K: Decode<<C::SqlType as SqlType>::NotNull>
        + Encode
        + Hash
        + Ord
        + Clone
        + Debug
        + Send
        + Sync
        + 'static,
{
    fn key_cells<'a>(&'a self, out: &mut Cells<'a>) {
        out.push(self.encode());
    }
}

macro_rules! tuple_key {
    ($($C:ident $K:ident $i:tt),+) => {
        impl<$($C: Column, $K: KeyFor<$C>),+> KeyFor<($($C,)+)> for ($($K,)+) {
            fn key_cells<'a>(&'a self, out: &mut Cells<'a>) {
                $(self.$i.key_cells(out);)+
            }
        }
    };
}
tuple_key!(CA KA 0, CB KB 1);
tuple_key!(CA KA 0, CB KB 1, CC KC 2);
tuple_key!(CA KA 0, CB KB 1, CC KC 2, CD KD 3);

/// A column holding keys of model `P`: a foreign key to `P`, whose SQL type
/// (nullable or not) matches `P`'s key.
#[diagnostic::on_unimplemented(
    message = "column `{Self}` cannot hold keys of `{P}`",
    label = "its SQL type must match the Rust type of `{P}`'s key"
)]
pub trait ForeignKeyTo<P: Model>: Column {
    /// The key as a bind value.
    #[doc(hidden)]
    fn encode_key(key: &P::Key) -> ValueRef<'_>;
    /// A cell of this column as a key.
    #[doc(hidden)]
    fn decode_key(v: ValueRef<'_>) -> Result<P::Key, DecodeError>;
}

impl<Fk: Column, P: Model> ForeignKeyTo<P> for Fk
where
    P::Key: Decode<<Fk::SqlType as SqlType>::NotNull> + Encode,
{
    fn encode_key(key: &P::Key) -> ValueRef<'_> {
        key.encode()
    }
    fn decode_key(v: ValueRef<'_>) -> Result<P::Key, DecodeError> {
        <P::Key as FromSqlValue>::from_value(v)
    }
}

/// Appends the cells of `m`.
pub(crate) fn push_cells<'a, M: Model>(m: &'a M, out: &mut Cells<'a>) {
    M::Row::cells(m.values(), out);
}
