//! Relationships, declared with traits on the models: many-to-one
//! ([`BelongsTo`]), one-to-many ([`HasMany`]), one-to-one ([`HasOne`]) and
//! many-to-many through a link table ([`ManyToMany`]). An association
//! object (a link row with data of its own) is a model with two
//! `BelongsTo`s.

use super::defaults::Loading;
use super::model::{ForeignKeyTo, Model};
use crate::schema::{Column, Table};

/// What a change to a parent does to its children.
///
/// Save-update always applies: children attached to a parent (with
/// [`Session::attach`](super::Session::attach) or
/// [`Session::add_with_children`](super::Session::add_with_children)) are
/// inserted with it and get its key once the database assigns it.
///
/// ```
/// use sqlalgebra::orm::Cascade;
/// assert!(Cascade::ALL_DELETE_ORPHAN.delete_orphan);
/// assert!(!Cascade::SAVE_UPDATE.delete);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cascade {
    /// Deleting the parent deletes its children (loading them at flush
    /// if they are not loaded).
    pub delete: bool,
    /// Detaching a child from its parent deletes the child.
    pub delete_orphan: bool,
}

impl Cascade {
    /// Only save-update (the default).
    pub const SAVE_UPDATE: Cascade = Cascade {
        delete: false,
        delete_orphan: false,
    };
    /// Save-update and delete.
    pub const ALL: Cascade = Cascade {
        delete: true,
        delete_orphan: false,
    };
    /// Save-update, delete, and delete-orphan: the children live and die
    /// with their parent.
    pub const ALL_DELETE_ORPHAN: Cascade = Cascade {
        delete: true,
        delete_orphan: true,
    };
}

/// Many-to-one: each `Self` refers to one `P` through the foreign-key
/// column `ForeignKey`.
///
/// ```
/// # use sqlalgebra::prelude::*;
/// # use sqlalgebra::schema::ForeignKey;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Users;
/// # impl Table for Users { const NAME: &'static str = "users"; type Columns = (UserId,); type PrimaryKey = UserId; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct UserId;
/// # impl Column for UserId { type Table = Users; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Addresses;
/// # impl Table for Addresses { const NAME: &'static str = "addresses"; type Columns = (AddressId, AddressUser); type PrimaryKey = AddressId; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct AddressId;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct AddressUser;
/// # impl Column for AddressId { type Table = Addresses; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// # impl Column for AddressUser { type Table = Addresses; type SqlType = BigInt; const NAME: &'static str = "user_id"; const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<UserId>()); }
/// # #[derive(Clone)] pub struct User { id: i64 }
/// # impl Model for User { type Table = Users; type Columns = (UserId,); type Row = (i64,); type Key = i64;
/// #     fn from_row((id,): Self::Row) -> Self { User { id } } fn values(&self) -> (&i64,) { (&self.id,) } fn key(&self) -> i64 { self.id } }
/// # #[derive(Clone)] pub struct Address { id: i64, user_id: i64 }
/// # impl Model for Address { type Table = Addresses; type Columns = (AddressId, AddressUser); type Row = (i64, i64); type Key = i64;
/// #     fn from_row((id, user_id): Self::Row) -> Self { Address { id, user_id } } fn values(&self) -> (&i64, &i64) { (&self.id, &self.user_id) } fn key(&self) -> i64 { self.id } }
/// impl BelongsTo<User> for Address {
///     type ForeignKey = AddressUser;
///     fn parent_key(&self) -> Option<i64> { Some(self.user_id) }
///     fn set_parent_key(&mut self, key: i64) { self.user_id = key; }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not belong to `{P}`",
    note = "declare the many-to-one relationship: `impl BelongsTo<{P}> for {Self}`"
)]
pub trait BelongsTo<P: Model>: Model {
    /// The column of `Self`'s table that holds `P`'s key.
    type ForeignKey: ForeignKeyTo<P> + Column<Table = Self::Table>;

    /// The key of the parent, if it has one (a nullable foreign key may
    /// not).
    fn parent_key(&self) -> Option<P::Key>;

    /// Points the object at the parent with key `key`.
    fn set_parent_key(&mut self, key: P::Key);

    /// Sets the foreign key to NULL; returns `false` (the default) when the
    /// column is NOT NULL and cannot be cleared.
    fn clear_parent_key(&mut self) -> bool {
        false
    }
}

/// One-to-many: the inverse of `C: BelongsTo<Self>`, with its cascade.
///
/// ```
/// # use sqlalgebra::prelude::*;
/// # use sqlalgebra::schema::ForeignKey;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Users;
/// # impl Table for Users { const NAME: &'static str = "users"; type Columns = (UserId,); type PrimaryKey = UserId; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct UserId;
/// # impl Column for UserId { type Table = Users; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Addresses;
/// # impl Table for Addresses { const NAME: &'static str = "addresses"; type Columns = (AddressId, AddressUser); type PrimaryKey = AddressId; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct AddressId;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct AddressUser;
/// # impl Column for AddressId { type Table = Addresses; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// # impl Column for AddressUser { type Table = Addresses; type SqlType = BigInt; const NAME: &'static str = "user_id"; const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<UserId>()); }
/// # #[derive(Clone)] pub struct User { id: i64 }
/// # impl Model for User { type Table = Users; type Columns = (UserId,); type Row = (i64,); type Key = i64;
/// #     fn from_row((id,): Self::Row) -> Self { User { id } } fn values(&self) -> (&i64,) { (&self.id,) } fn key(&self) -> i64 { self.id } }
/// # #[derive(Clone)] pub struct Address { id: i64, user_id: i64 }
/// # impl Model for Address { type Table = Addresses; type Columns = (AddressId, AddressUser); type Row = (i64, i64); type Key = i64;
/// #     fn from_row((id, user_id): Self::Row) -> Self { Address { id, user_id } } fn values(&self) -> (&i64, &i64) { (&self.id, &self.user_id) } fn key(&self) -> i64 { self.id } }
/// # impl BelongsTo<User> for Address {
/// #     type ForeignKey = AddressUser;
/// #     fn parent_key(&self) -> Option<i64> { Some(self.user_id) }
/// #     fn set_parent_key(&mut self, key: i64) { self.user_id = key; }
/// # }
/// impl HasMany<Address> for User {
///     const CASCADE: Cascade = Cascade::ALL_DELETE_ORPHAN;
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no one-to-many relationship to `{C}`",
    note = "declare it: `impl HasMany<{C}> for {Self} {{}}` (and `impl BelongsTo<{Self}> for {C}`)"
)]
pub trait HasMany<C: BelongsTo<Self>>: Model {
    /// What happens to the children; see [`Cascade`].
    const CASCADE: Cascade = Cascade::SAVE_UPDATE;
    /// How the children load when a query does not say; see [`Loading`].
    const LOADING: Loading = Loading::Lazy;
}

/// One-to-one: a one-to-many of at most one child (the child's foreign key
/// is UNIQUE). Declare [`HasMany`] too, for the cascade.
///
/// ```
/// # use sqlalgebra::prelude::*;
/// # use sqlalgebra::schema::ForeignKey;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Users;
/// # impl Table for Users { const NAME: &'static str = "users"; type Columns = (UserId,); type PrimaryKey = UserId; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct UserId;
/// # impl Column for UserId { type Table = Users; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Profilees;
/// # impl Table for Profilees { const NAME: &'static str = "profiles"; type Columns = (ProfileId, ProfileUser); type PrimaryKey = ProfileId; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct ProfileId;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct ProfileUser;
/// # impl Column for ProfileId { type Table = Profilees; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// # impl Column for ProfileUser { type Table = Profilees; type SqlType = BigInt; const NAME: &'static str = "user_id"; const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<UserId>()); }
/// # #[derive(Clone)] pub struct User { id: i64 }
/// # impl Model for User { type Table = Users; type Columns = (UserId,); type Row = (i64,); type Key = i64;
/// #     fn from_row((id,): Self::Row) -> Self { User { id } } fn values(&self) -> (&i64,) { (&self.id,) } fn key(&self) -> i64 { self.id } }
/// # #[derive(Clone)] pub struct Profile { id: i64, user_id: i64 }
/// # impl Model for Profile { type Table = Profilees; type Columns = (ProfileId, ProfileUser); type Row = (i64, i64); type Key = i64;
/// #     fn from_row((id, user_id): Self::Row) -> Self { Profile { id, user_id } } fn values(&self) -> (&i64, &i64) { (&self.id, &self.user_id) } fn key(&self) -> i64 { self.id } }
/// # impl BelongsTo<User> for Profile {
/// #     type ForeignKey = ProfileUser;
/// #     fn parent_key(&self) -> Option<i64> { Some(self.user_id) }
/// #     fn set_parent_key(&mut self, key: i64) { self.user_id = key; }
/// # }
/// impl HasMany<Profile> for User {}
/// impl HasOne<Profile> for User {}
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no one-to-one relationship to `{C}`",
    note = "declare it: `impl HasOne<{C}> for {Self} {{}}` next to `impl HasMany<{C}> for {Self}`"
)]
pub trait HasOne<C: BelongsTo<Self>>: HasMany<C> {}

/// Many-to-many through the link table `Link`, whose column `Left` holds
/// `Self`'s key and `Right` holds `R`'s.
///
/// Declare the inverse (`impl ManyToMany<Self> for R`, with `Left` and
/// `Right` swapped) to navigate both ways. Deleting an object through the
/// session also deletes its link rows (for relationships the session has
/// used).
///
/// ```
/// # use sqlalgebra::prelude::*;
/// # use sqlalgebra::schema::ForeignKey;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Users;
/// # impl Table for Users { const NAME: &'static str = "users"; type Columns = (UserId,); type PrimaryKey = UserId; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct UserId;
/// # impl Column for UserId { type Table = Users; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Addresses;
/// # impl Table for Addresses { const NAME: &'static str = "addresses"; type Columns = (AddressId, AddressUser); type PrimaryKey = AddressId; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct AddressId;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct AddressUser;
/// # impl Column for AddressId { type Table = Addresses; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// # impl Column for AddressUser { type Table = Addresses; type SqlType = BigInt; const NAME: &'static str = "user_id"; const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<UserId>()); }
/// # #[derive(Clone)] pub struct User { id: i64 }
/// # impl Model for User { type Table = Users; type Columns = (UserId,); type Row = (i64,); type Key = i64;
/// #     fn from_row((id,): Self::Row) -> Self { User { id } } fn values(&self) -> (&i64,) { (&self.id,) } fn key(&self) -> i64 { self.id } }
/// # #[derive(Clone)] pub struct Address { id: i64, user_id: i64 }
/// # impl Model for Address { type Table = Addresses; type Columns = (AddressId, AddressUser); type Row = (i64, i64); type Key = i64;
/// #     fn from_row((id, user_id): Self::Row) -> Self { Address { id, user_id } } fn values(&self) -> (&i64, &i64) { (&self.id, &self.user_id) } fn key(&self) -> i64 { self.id } }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Tags;
/// # impl Table for Tags { const NAME: &'static str = "tags"; type Columns = (TagId,); type PrimaryKey = TagId; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct TagId;
/// # impl Column for TagId { type Table = Tags; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// # #[derive(Clone)] pub struct Tag { id: i64 }
/// # impl Model for Tag { type Table = Tags; type Columns = (TagId,); type Row = (i64,); type Key = i64;
/// #     fn from_row((id,): Self::Row) -> Self { Tag { id } } fn values(&self) -> (&i64,) { (&self.id,) } fn key(&self) -> i64 { self.id } }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct UserTags;
/// # impl Table for UserTags { const NAME: &'static str = "user_tags"; type Columns = (LinkUser, LinkTag); type PrimaryKey = (LinkUser, LinkTag); }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct LinkUser;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct LinkTag;
/// # impl Column for LinkUser { type Table = UserTags; type SqlType = BigInt; const NAME: &'static str = "user_id"; }
/// # impl Column for LinkTag { type Table = UserTags; type SqlType = BigInt; const NAME: &'static str = "tag_id"; }
/// impl ManyToMany<Tag> for User {
///     type Link = UserTags;
///     type Left = LinkUser;   // holds the user's id
///     type Right = LinkTag;   // holds the tag's id
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no many-to-many relationship to `{R}`",
    note = "declare it: `impl ManyToMany<{R}> for {Self}` naming the link table and its two columns"
)]
pub trait ManyToMany<R: Model>: Model {
    /// The link (association) table.
    type Link: Table;
    /// The link table's column referring to `Self`.
    type Left: ForeignKeyTo<Self> + Column<Table = Self::Link>;
    /// The link table's column referring to `R`.
    type Right: ForeignKeyTo<R> + Column<Table = Self::Link>;
    /// How the targets load when a query does not say; see [`Loading`].
    const LOADING: Loading = Loading::Lazy;
}

/// The name of the relationship from `P` to `C`, for errors.
pub(crate) fn relation_name<P: Model, C: Model>() -> String {
    format!("{} -> {}", P::Table::NAME, C::Table::NAME)
}
