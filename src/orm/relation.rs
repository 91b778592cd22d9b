//! Relationships, declared with traits on the models: many-to-one
//! ([`BelongsTo`]), one-to-many ([`HasMany`]), one-to-one ([`HasOne`]) and
//! many-to-many through a link table ([`ManyToMany`]). An association
//! object (a link row with data of its own) is a model with two
//! `BelongsTo`s.

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
/// ```ignore
/// impl BelongsTo<User> for Address {
///     type ForeignKey = addresses::UserId;
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
/// ```ignore
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
}

/// One-to-one: a one-to-many of at most one child (the child's foreign key
/// is UNIQUE). Declare [`HasMany`] too, for the cascade.
///
/// ```ignore
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
/// ```ignore
/// impl ManyToMany<Tag> for Post {
///     type Link = PostTags;
///     type Left = post_tags::PostId;
///     type Right = post_tags::TagId;
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
}

/// The name of the relationship from `P` to `C`, for errors.
pub(crate) fn relation_name<P: Model, C: Model>() -> String {
    format!("{} -> {}", P::Table::NAME, C::Table::NAME)
}
