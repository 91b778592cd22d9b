//! The ORM: plain structs mapped to tables ([`Model`]), and a [`Session`]
//! that is a unit of work over an identity map.
//!
//! - **Models** are your structs; you implement [`Model`] by hand in a few
//!   lines (columns, a row tuple whose Rust types the compiler checks
//!   against the columns' SQL types, the key, and the values to write).
//! - **The session** keeps one arena per model type: objects live in
//!   slots, a hash index maps primary keys to slots, and a [`Handle`] is a
//!   small `Copy` id. `session[h]` reads, `&mut session[h]` marks the
//!   object dirty; [`Session::flush`] writes INSERTs, UPDATEs (of the
//!   changed columns only) and DELETEs in foreign-key order, many objects
//!   of a model per statement: multi-row INSERTs that read generated keys
//!   and server defaults back with RETURNING (on SQLite, where no round
//!   trip is saved, one prepared one-row INSERT run per object), one
//!   prepared UPDATE per set of changed columns, one
//!   `DELETE ... WHERE key IN (...)`.
//! - **Relationships** are traits on the models ([`BelongsTo`],
//!   [`HasMany`], [`HasOne`], [`ManyToMany`]); they load explicitly (there
//!   is no I/O on field access): lazily with [`Session::related`], or up
//!   front with selectin, joined or raise strategies on a [`ModelQuery`].
//!
//! `examples/orm_tour.rs` walks through all of it on SQLite.

mod arena;
#[cfg(feature = "async")]
mod async_factory;
#[cfg(feature = "async")]
mod async_query;
#[cfg(feature = "async")]
mod async_session;
#[cfg(feature = "async")]
mod bridge;
mod factory;

mod defaults;
#[doc(hidden)]
pub mod doc_models;
mod drive;
pub mod events;
mod flush;
mod handle;
mod identity;
mod inherit;
mod joined;
mod joined_run;
mod journal;
mod loaders;
mod loading;
mod locking;
mod model;
mod navigate;
mod polymorphic;
mod query;
mod query_run;
mod related;
mod related_join;
mod relation;
mod select_key;
mod server_values;
mod session;
mod sql;
mod strategy;
mod synchronize;
mod transaction;
mod tuples;
mod unit;

#[cfg(feature = "async")]
pub use async_factory::AsyncSessionFactory;
#[cfg(feature = "async")]
pub use async_session::AsyncSession;
pub use defaults::Loading;
pub use events::{SessionEvent, SessionView};
pub use factory::{Factory, SessionFactory};
pub use handle::Handle;
pub use inherit::{Discriminator, Kind};
pub use loaders::Loaders;
pub use loading::Relationships;
pub use model::{ForeignKeyTo, KeyFor, Model, ModelColumns, ModelRow, Values, Version};
pub use polymorphic::{Polymorphic, PolymorphicQuery, Subtypes};
pub use query::{JoinList, ModelQuery, Parts, QueryJoin, QuerySession};
pub use related::{KeyEq, NoCriterion, Related, RelatedExists, RelatedExt, ToMany, ToOne};
pub use related_join::{JoinRelated, RelatedJoin};
pub use relation::{BelongsTo, Cascade, HasMany, HasOne, ManyToMany};
pub use server_values::OnUpdate;
pub use session::{DEFAULT_BATCH_SIZE, ObjectState, Session};
pub use synchronize::{BulkParts, BulkWrite, Synchronize};
pub use transaction::Savepoint;
