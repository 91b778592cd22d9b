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
//!   [`Polymorphic`]: [`Session::polymorphic`] loads every row as the
//!   subtype its discriminator names, into that subtype's identity map.
//!
//! Joined-table inheritance (a subtype's columns in a table of its own)
//! is not offered: a [`Model`] is one table, and its flush writes one row;
//! map the subtype's own table as a one-to-one ([`HasOne`](super::HasOne))
//! of the base and load it with
//! [`joined_child`](super::ModelQuery::joined_child).

use std::marker::PhantomData;

use super::handle::Handle;
use super::identity::IdentityMap;
use super::joined::decode;
use super::model::Model;
use super::query::{Parts, write_from_table, write_limit};
use super::session::{Session, split};
use crate::conn::Connection;
use crate::error::{ErrorKind, Result};
use crate::expr::OrderBy;
use crate::query::{AndPredicate, Clause, MaybeClause, Predicate};
use crate::render::SqlWriter;
use crate::schema::{Column, ColumnList, Table};
use crate::types::{Text, Varchar};
use crate::value::{Decode, DecodeError, Encode, FromSqlValue, Row, ValueRef};

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

/// Reads one subtype's object at a column offset into the identity map
/// and wraps its handle.
type LoadFn<P, C> = Box<dyn Fn(&mut IdentityMap<C>, &mut dyn Row, usize) -> Result<P> + Send>;

/// One subtype of a [`Polymorphic`] base.
struct Subtype<P, C: Connection> {
    identity: &'static str,
    columns: &'static [&'static str],
    load: LoadFn<P, C>,
}

/// The subtypes of a [`Polymorphic`] base, as its
/// [`subtypes`](Polymorphic::subtypes) lists them.
///
/// ```
/// # use sqlalgebra::orm::doc_models::*;
/// # use sqlalgebra::prelude::*;
/// use sqlalgebra::orm::{Polymorphic, Subtypes};
/// # #[derive(Debug, Clone, Copy)] pub enum Someone { User(Handle<User>) }
/// impl Polymorphic for Someone {
///     type Table = Users;
///     fn subtypes<C: Connection>(s: &mut Subtypes<Self, C>) {
///         s.add(Someone::User);
///     }
/// }
/// ```
pub struct Subtypes<P, C: Connection> {
    list: Vec<Subtype<P, C>>,
    column: Option<&'static str>,
}

impl<P, C: Connection> std::fmt::Debug for Subtypes<P, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subtypes")
            .field(
                "identities",
                &self.list.iter().map(|s| s.identity).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl<P: Polymorphic, C: Connection> Subtypes<P, C> {
    /// The subtype `S`, whose handles `variant` wraps (an enum variant
    /// such as `Staff::Manager`).
    pub fn add<S>(&mut self, variant: fn(Handle<S>) -> P) -> &mut Self
    where
        S: Model<Table = P::Table>,
    {
        let Some(d) = S::DISCRIMINATOR else {
            // Refused when the query runs (`column` stays as it is).
            self.list.push(Subtype {
                identity: "",
                columns: &[],
                load: Box::new(|_: &mut IdentityMap<C>, _: &mut dyn Row, _: usize| {
                    Err(ErrorKind::InvalidStatement(format!(
                        "`{}` declares no `Model::DISCRIMINATOR`",
                        std::any::type_name::<S>()
                    ))
                    .into())
                }),
            });
            return self;
        };
        self.column.get_or_insert(d.column);
        self.list.push(Subtype {
            identity: d.value,
            columns: <S::Columns as ColumnList>::NAMES,
            load: Box::new(
                move |map: &mut IdentityMap<C>, row: &mut dyn Row, at: usize| {
                    let slot = decode::<S, C>(map, row, at)?.ok_or(ErrorKind::NotFound)?;
                    Ok(variant(Handle::from_index(slot)))
                },
            ),
        });
        self
    }
}

/// The base of single-table inheritance: an enum (or any type) of the
/// subtypes' handles, loaded with [`Session::polymorphic`]. Implemented by
/// hand in a few lines:
///
/// ```
/// # use sqlalgebra::orm::doc_models::*;
/// # use sqlalgebra::prelude::*;
/// use sqlalgebra::orm::{Polymorphic, Subtypes};
/// # #[derive(Debug, Clone, Copy)] pub enum Someone { User(Handle<User>) }
/// // enum Staff { Manager(Handle<Manager>), Engineer(Handle<Engineer>) }
/// impl Polymorphic for Someone {
///     type Table = Users;
///     fn subtypes<C: Connection>(s: &mut Subtypes<Self, C>) {
///         s.add(Someone::User); // s.add(Staff::Manager).add(Staff::Engineer)
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not the base of single-table inheritance",
    note = "implement `sqlalgebra::orm::Polymorphic`: the shared table and the subtypes"
)]
pub trait Polymorphic: Sized + 'static {
    /// The table the subtypes share.
    type Table: Table;
    /// Lists the subtypes with [`Subtypes::add`].
    fn subtypes<C: Connection>(s: &mut Subtypes<Self, C>);
}

/// A query for the rows of a [`Polymorphic`] base, each loaded as its
/// subtype: see [`Session::polymorphic`].
#[must_use = "a query does nothing until it is run with `all`, `first` or `one`"]
pub struct PolymorphicQuery<'s, 'c, C: Connection, P, Q = Parts> {
    session: &'s mut Session<'c, C>,
    parts: Q,
    _base: PhantomData<fn() -> P>,
}

impl<C: Connection, P, Q> std::fmt::Debug for PolymorphicQuery<'_, '_, C, P, Q> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolymorphicQuery")
            .field("base", &std::any::type_name::<P>())
            .finish()
    }
}

impl<'c, C: Connection> Session<'c, C> {
    /// A query for every row of the table `P` maps, each loaded as the
    /// subtype its discriminator names (SQLAlchemy's `select(Employee)`
    /// over a single-table hierarchy), into that subtype's identity map.
    ///
    /// ```
    /// # use sqlalgebra::orm::doc_models::*;
    /// # use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::{Polymorphic, Subtypes};
    /// # #[derive(Debug, Clone, Copy)] pub enum Someone { User(Handle<User>) }
    /// # impl Polymorphic for Someone { type Table = Users;
    /// #     fn subtypes<C: Connection>(s: &mut Subtypes<Self, C>) { s.add(Someone::User); } }
    /// # fn demo<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    /// let mut s = Session::new(conn);
    /// // SELECT "users"."status", <each subtype's columns> FROM "users" WHERE ... ORDER BY ...
    /// let everyone: Vec<Someone> = s
    ///     .polymorphic::<Someone>()
    ///     .filter(users::Name.like("a%"))
    ///     .order_by(users::Id.asc())
    ///     .all()?;
    /// # Ok(()) }
    /// ```
    pub fn polymorphic<P: Polymorphic>(&mut self) -> PolymorphicQuery<'_, 'c, C, P> {
        PolymorphicQuery {
            session: self,
            parts: Parts::default(),
            _base: PhantomData,
        }
    }
}

impl<'s, 'c, C, P, W, O> PolymorphicQuery<'s, 'c, C, P, Parts<(), W, O>>
where
    C: Connection,
    P: Polymorphic,
    W: MaybeClause,
    O: MaybeClause,
{
    /// Adds a WHERE condition; several calls are ANDed.
    pub fn filter<F: Predicate>(
        self,
        predicate: F,
    ) -> PolymorphicQuery<'s, 'c, C, P, Parts<(), W::Output, O>>
    where
        W: AndPredicate<F>,
    {
        let p = self.parts;
        PolymorphicQuery {
            session: self.session,
            parts: Parts {
                joins: (),
                filter: p.filter.and_predicate(predicate),
                order: p.order,
                limit: p.limit,
                offset: p.offset,
                lock: p.lock,
            },
            _base: PhantomData,
        }
    }

    /// `ORDER BY ...`; replaces an earlier one.
    pub fn order_by<O2: OrderBy>(
        self,
        order: O2,
    ) -> PolymorphicQuery<'s, 'c, C, P, Parts<(), W, Clause<O2>>> {
        let p = self.parts;
        PolymorphicQuery {
            session: self.session,
            parts: Parts {
                joins: (),
                filter: p.filter,
                order: Clause(order),
                limit: p.limit,
                offset: p.offset,
                lock: p.lock,
            },
            _base: PhantomData,
        }
    }

    /// `LIMIT n`.
    pub fn limit(mut self, n: u64) -> Self {
        self.parts.limit = Some(i64::try_from(n).unwrap_or(i64::MAX));
        self
    }

    /// `OFFSET n`.
    pub fn offset(mut self, n: u64) -> Self {
        self.parts.offset = Some(i64::try_from(n).unwrap_or(i64::MAX));
        self
    }

    /// Every row, as its subtype, in row order.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidStatement`] when a subtype declares no
    /// discriminator, or a row's discriminator names no subtype; otherwise
    /// when the query (or the autoflush before it) fails.
    pub fn all(self) -> Result<Vec<P>> {
        let PolymorphicQuery {
            session: s, parts, ..
        } = self;
        let mut subtypes = Subtypes {
            list: Vec::new(),
            column: None,
        };
        P::subtypes(&mut subtypes);
        let table = P::Table::NAME;
        let Some(column) = subtypes.column else {
            return Err(ErrorKind::InvalidStatement(format!(
                "`{}` lists no subtype with a discriminator",
                std::any::type_name::<P>()
            ))
            .into());
        };
        s.autoflush()?;
        let (map, mut db) = split!(s);
        let mut w = SqlWriter::new(db.dialect());
        w.push_sql("SELECT ");
        w.push_qualified(table, column);
        let mut offsets = Vec::with_capacity(subtypes.list.len());
        let mut at = 1;
        for sub in &subtypes.list {
            offsets.push(at);
            at += sub.columns.len();
            for name in sub.columns {
                w.push_sql(", ");
                w.push_qualified(table, name);
            }
        }
        let mark = write_from_table(&mut w, table, &parts);
        parts.filter.write_clause(&mut w, " WHERE ");
        w.push_sort_key(|w| parts.order.write_clause(w, " ORDER BY "));
        write_limit(&mut w, parts.limit, parts.offset);
        w.leave_scope(mark);
        let r = w.finish()?;
        let mut out = Vec::new();
        db.query_sync(&r, |row| {
            let found = match row.value(0)? {
                ValueRef::Text(t) => subtypes.list.iter().position(|s| s.identity == t),
                _ => None,
            };
            let Some(i) = found else {
                return Err(ErrorKind::InvalidStatement(format!(
                    "a row of `{table}` has the discriminator {:?}, which no subtype of `{}` declares",
                    row.value(0)?,
                    std::any::type_name::<P>()
                )).into());
            };
            out.push((subtypes.list[i].load)(map, &mut *row, offsets[i])?);
            Ok(true)
        })?;
        Ok(out)
    }

    /// The first row, if any (`LIMIT 1`).
    ///
    /// # Errors
    /// As [`all`](PolymorphicQuery::all).
    pub fn first(self) -> Result<Option<P>> {
        Ok(self.limit(1).all()?.into_iter().next())
    }

    /// Exactly one row.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] for none, [`ErrorKind::TooManyRows`] for more;
    /// otherwise as [`all`](PolymorphicQuery::all).
    pub fn one(self) -> Result<P> {
        let mut all = self.limit(2).all()?;
        match all.len() {
            1 => Ok(all.remove(0)),
            0 => Err(ErrorKind::NotFound.into()),
            _ => Err(ErrorKind::TooManyRows.into()),
        }
    }
}
