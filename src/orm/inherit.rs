//! Single-table inheritance: several models share one table, and a
//! discriminator column says which model a row is (SQLAlchemy's
//! `polymorphic_on` / `polymorphic_identity`).
//!
//! - A **subtype** is a plain [`Model`] of the shared table that declares
//!   its [`Discriminator`] ([`Model::DISCRIMINATOR`]) and lists the
//!   discriminator column among its columns, loaded and written through a
//!   [`Kind`] field: every query of the model (`query`, `get`, relationship
//!   loads) matches only its rows, and inserting it writes its value.
//! - The **base** is an enum of the subtypes' handles that implements
//!   [`Polymorphic`](super::Polymorphic):
//!   [`Session::polymorphic`](super::Session::polymorphic) (and
//!   `AsyncSession::polymorphic`) loads every row as the subtype its
//!   discriminator names, into that subtype's identity map (see
//!   [`polymorphic`](super::polymorphic)).
//!
//! Joined-table inheritance (a subtype's columns in a table of its own)
//! is not offered: a [`Model`] is one table, and its flush writes one row;
//! map the subtype's own table as a one-to-one ([`HasOne`](super::HasOne))
//! of the base and load it with
//! [`joined_child`](super::ModelQuery::joined_child).

use std::marker::PhantomData;

use super::model::Model;
use crate::query::MaybeClause;
use crate::render::SqlWriter;
use crate::schema::Column;
use crate::types::{Text, Varchar};
use crate::value::{Decode, DecodeError, Encode, FromSqlValue, ValueRef};

/// The discriminator of a subtype: the column that names a row's model,
/// and this model's value in it (see [`Model::DISCRIMINATOR`]).
///
/// ```
/// use sqlalgebra::orm::Discriminator;
/// # use sqlalgebra::orm::doc_models::*;
/// let d = Discriminator::new::<users::Status>("manager");
/// assert_eq!((d.column(), d.value()), ("status", "manager"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Discriminator {
    column: &'static str,
    value: &'static str,
}

impl Discriminator {
    /// Rows whose column `C` holds `value`.
    pub const fn new<C: Column>(value: &'static str) -> Self {
        Discriminator {
            column: C::NAME,
            value,
        }
    }

    /// The column's name.
    pub const fn column(&self) -> &'static str {
        self.column
    }

    /// The value that marks this model's rows.
    pub const fn value(&self) -> &'static str {
        self.value
    }

    /// `"table"."column" = ?`
    pub(super) fn write(&self, w: &mut SqlWriter<'_>, table: &str) {
        w.push_qualified(table, self.column);
        w.push_sql(" = ");
        w.push_bind(ValueRef::Text(self.value));
    }
}

/// ` WHERE <M's discriminator> AND (<filter>)`, or the parts present.
pub(super) fn write_where<'a, M: Model, W: MaybeClause>(
    w: &mut SqlWriter<'a>,
    table: &str,
    filter: &'a W,
) {
    match M::DISCRIMINATOR {
        None => filter.write_clause(w, " WHERE "),
        Some(d) => {
            w.push_sql(" WHERE ");
            d.write(w, table);
            if filter.is_present() {
                filter.write_clause(w, " AND (");
                w.push_sql(")");
            }
        }
    }
}

/// The discriminator cell of the subtype `M`: a field of no size that
/// writes `M`'s [`Discriminator`] value and loads only that value.
///
/// ```
/// use sqlalgebra::orm::Kind;
/// use sqlalgebra::value::{Encode, ValueRef};
/// # use sqlalgebra::orm::doc_models::*;
/// // A model without a discriminator writes NULL.
/// assert_eq!(Kind::<User>::VALUE.encode(), ValueRef::Null);
/// ```
pub struct Kind<M>(PhantomData<fn() -> M>);

impl<M: 'static> Kind<M> {
    /// The cell, for [`Model::values`]: `(&self.id, Kind::VALUE, ...)`.
    pub const VALUE: &'static Kind<M> = &Kind(PhantomData);
}

impl<M> Clone for Kind<M> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M> Copy for Kind<M> {}
impl<M> Default for Kind<M> {
    fn default() -> Self {
        Kind(PhantomData)
    }
}
impl<M> PartialEq for Kind<M> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl<M> std::fmt::Debug for Kind<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Kind")
    }
}

#[diagnostic::do_not_recommend]
impl<M: Model> Encode for Kind<M> {
    fn encode(&self) -> ValueRef<'_> {
        M::DISCRIMINATOR.map_or(ValueRef::Null, |d| ValueRef::Text(d.value))
    }
}

#[diagnostic::do_not_recommend]
impl<M: Model> FromSqlValue for Kind<M> {
    fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError> {
        match (v, M::DISCRIMINATOR) {
            (ValueRef::Text(t), Some(d)) if t == d.value => Ok(Kind(PhantomData)),
            (ValueRef::Null, _) => Err(DecodeError::Null),
            (got, _) => Err(DecodeError::Mismatch(format!(
                "a row of `{}` has the discriminator {got:?}",
                std::any::type_name::<M>()
            ))),
        }
    }
}

#[diagnostic::do_not_recommend]
impl<M: Model> Decode<Text> for Kind<M> {}
#[diagnostic::do_not_recommend]
impl<M: Model, const N: u32> Decode<Varchar<N>> for Kind<M> {}
