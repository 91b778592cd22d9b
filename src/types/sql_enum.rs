//! SQL enums: a Rust enum declared with [`SqlEnum`], stored in a column of
//! SQL type [`Enum<E>`].

use std::fmt;
use std::marker::PhantomData;

use super::{
    IntoNullable, Mixes, Nullable, PropagateNull, SingleValue, SqlKind, SqlType, Summed, Widen,
};
use crate::expr::{Expression, TakesValue};
use crate::render::{NodeTag, Render, SqlKey, SqlWriter};
use crate::value::{Decode, DecodeError, FromSqlValue, ValueRef};

/// A Rust enum stored as a SQL enum: the type's name and each variant's
/// label, in the order the database sorts them.
///
/// The labels are `VARIANTS` and `LABELS` side by side (both lists must be
/// as long, which is checked when the program is compiled). To use the
/// enum's values in expressions (`column.eq(Status::Active)`), implement
/// [`IntoExpr`](crate::expr::IntoExpr) as below as well: the blanket impl
/// for expressions keeps sqlalgebra from doing it for every `SqlEnum`.
///
/// DDL: PostgreSQL gets a `CREATE TYPE "status" AS ENUM (...)` before the
/// tables ([`create_all`](crate::schema::create_all); [`drop_all`](crate::schema::drop_all)
/// drops it after them), MySQL and MariaDB an `ENUM(...)` column, SQLite a
/// `TEXT` column with a `CHECK (... IN (...))`. A label read back that is
/// not in `LABELS` is [`ErrorKind::Decode`](crate::ErrorKind::Decode).
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::expr::{EnumValue, TakesValue};
/// use sqlalgebra::types::SqlType;
///
/// #[derive(Clone, Copy, Debug, PartialEq)]
/// enum Status { Active, Banned }
///
/// impl SqlEnum for Status {
///     const NAME: &'static str = "status";
///     const VARIANTS: &'static [Self] = &[Status::Active, Status::Banned];
///     const LABELS: &'static [&'static str] = &["active", "banned"];
/// }
/// #[diagnostic::do_not_recommend]
/// impl<ST: SqlType + TakesValue<Status>> IntoExpr<ST> for Status {
///     type Expr = EnumValue<Status, ST>;
///     fn into_expr(self) -> Self::Expr {
///         EnumValue::new(self)
///     }
/// }
///
/// assert_eq!(Status::Banned.label(), Some("banned"));
/// assert_eq!(Status::from_label("active"), Some(Status::Active));
/// assert_eq!(Status::from_label("Active"), None);
/// ```
///
/// Implementing [`Encode`](crate::value::Encode) as well (the label as
/// text) lets `Option<Status>` bind through the usual impls, without
/// [`enum_or_null`](crate::expr::enum_or_null):
///
/// ```
/// # use sqlalgebra::prelude::*;
/// # use sqlalgebra::expr::{EnumValue, TakesValue};
/// # use sqlalgebra::types::SqlType;
/// use sqlalgebra::value::{Encode, ValueRef};
/// # #[derive(Clone, Copy, Debug, PartialEq)] enum Status { Active }
/// # impl SqlEnum for Status {
/// #     const NAME: &'static str = "status";
/// #     const VARIANTS: &'static [Self] = &[Status::Active];
/// #     const LABELS: &'static [&'static str] = &["active"];
/// # }
/// impl Encode for Status {
///     fn encode(&self) -> ValueRef<'_> {
///         // An unlisted variant binds '' (which the database refuses).
///         ValueRef::Text(self.label().unwrap_or_default())
///     }
/// }
/// let q = select(bind::<Nullable<Enum<Status>>, _>(Some(Status::Active)));
/// let r = q.to_sql(&sqlalgebra_postgres::Postgres).unwrap();
/// assert_eq!(format!("{:?}", r.binds), "[Text(\"active\")]");
/// ```
pub trait SqlEnum: Copy + PartialEq + Send + Sync + 'static {
    /// The SQL type's name (PostgreSQL's `CREATE TYPE` name).
    const NAME: &'static str;
    /// Every variant, in the order of [`LABELS`](Self::LABELS).
    const VARIANTS: &'static [Self];
    /// Each variant's label, as stored.
    const LABELS: &'static [&'static str];

    /// This value's label; `None` when it is missing from `VARIANTS`.
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, PartialEq)] enum Mood { Sad, Happy }
    /// # impl SqlEnum for Mood {
    /// #     const NAME: &'static str = "mood";
    /// #     const VARIANTS: &'static [Self] = &[Mood::Sad];
    /// #     const LABELS: &'static [&'static str] = &["sad"];
    /// # }
    /// assert_eq!(Mood::Sad.label(), Some("sad"));
    /// assert_eq!(Mood::Happy.label(), None);
    /// ```
    fn label(self) -> Option<&'static str> {
        let i = Self::VARIANTS.iter().position(|v| *v == self)?;
        Self::LABELS.get(i).copied()
    }

    /// The variant whose label is `label` (compared exactly).
    ///
    /// ```
    /// # use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, PartialEq, Debug)] enum Mood { Sad }
    /// # impl SqlEnum for Mood {
    /// #     const NAME: &'static str = "mood";
    /// #     const VARIANTS: &'static [Self] = &[Mood::Sad];
    /// #     const LABELS: &'static [&'static str] = &["sad"];
    /// # }
    /// assert_eq!(Mood::from_label("sad"), Some(Mood::Sad));
    /// assert_eq!(Mood::from_label("SAD"), None);
    /// ```
    fn from_label(label: &str) -> Option<Self> {
        let i = Self::LABELS.iter().position(|l| *l == label)?;
        Self::VARIANTS.get(i).copied()
    }
}

/// A SQL enum type as DDL sees it: its name and labels
/// ([`SqlKind::Enum`]).
///
/// ```
/// use sqlalgebra::types::EnumType;
/// let t = EnumType { name: "status", labels: &["active", "banned"] };
/// assert_eq!(t.labels.len(), 2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EnumType {
    /// The type's name.
    pub name: &'static str,
    /// Its labels, in order.
    pub labels: &'static [&'static str],
}

/// The SQL type of a column holding a [`SqlEnum`] `E`. It compares only
/// with itself: not with another enum, a text or a number.
///
/// ```
/// # use sqlalgebra::prelude::*;
/// # use sqlalgebra::types::{EnumType, SqlKind, SqlType};
/// # #[derive(Clone, Copy, PartialEq)] enum Mood { Sad }
/// # impl SqlEnum for Mood {
/// #     const NAME: &'static str = "mood";
/// #     const VARIANTS: &'static [Self] = &[Mood::Sad];
/// #     const LABELS: &'static [&'static str] = &["sad"];
/// # }
/// assert_eq!(
///     <Enum<Mood> as SqlType>::KIND,
///     SqlKind::Enum(&EnumType { name: "mood", labels: &["sad"] })
/// );
/// ```
pub struct Enum<E>(PhantomData<fn() -> E>);

impl<E> fmt::Debug for Enum<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Enum<{}>", std::any::type_name::<E>())
    }
}
impl<E> Clone for Enum<E> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<E> Copy for Enum<E> {}
impl<E> Default for Enum<E> {
    fn default() -> Self {
        Enum(PhantomData)
    }
}

impl<E: SqlEnum> Enum<E> {
    const TYPE: EnumType = {
        assert!(
            E::VARIANTS.len() == E::LABELS.len(),
            "a SqlEnum needs as many LABELS as VARIANTS"
        );
        EnumType {
            name: E::NAME,
            labels: E::LABELS,
        }
    };
}

impl<E: SqlEnum> SqlType for Enum<E> {
    type NotNull = Self;
    const KIND: SqlKind = SqlKind::Enum(&Self::TYPE);
}
impl<E: SqlEnum> SingleValue for Enum<E> {}
impl<E: SqlEnum> IntoNullable for Enum<E> {
    type Nullable = Nullable<Self>;
}
impl<E: SqlEnum> Mixes for Enum<E> {
    type Same = Self;
    type Family = Self;
}
impl<E: SqlEnum, Target: SqlType> PropagateNull<Target> for Enum<E> {
    type Output = Target;
}
// Arithmetic and sums of an enum are refused where they are written.
impl<E: SqlEnum, R> Widen<R> for Enum<E> {
    type Output = super::Any;
}
impl<E: SqlEnum, T> Summed<T> for Enum<E> {
    type Output = super::Any;
    type Average = super::Any;
}

#[diagnostic::do_not_recommend]
impl<E: SqlEnum> TakesValue<E> for Enum<E> {}
#[diagnostic::do_not_recommend]
impl<E: SqlEnum> TakesValue<E> for Nullable<Enum<E>> {}

/// An enum's value bound as its label: the expression a [`SqlEnum`]'s
/// [`IntoExpr`](crate::expr::IntoExpr) impl returns (see [`SqlEnum`]). A
/// variant missing from `VARIANTS` is
/// [`ErrorKind::InvalidStatement`](crate::ErrorKind::InvalidStatement) before
/// anything is sent.
///
/// ```
/// # use sqlalgebra::prelude::*;
/// # use sqlalgebra::expr::EnumValue;
/// # #[derive(Clone, Copy, PartialEq, Debug)] enum Mood { Sad }
/// # impl SqlEnum for Mood {
/// #     const NAME: &'static str = "mood";
/// #     const VARIANTS: &'static [Self] = &[Mood::Sad];
/// #     const LABELS: &'static [&'static str] = &["sad"];
/// # }
/// let v = EnumValue::<Mood, Enum<Mood>>::new(Mood::Sad);
/// assert_eq!(*v.value(), Mood::Sad);
/// ```
pub struct EnumValue<E, ST> {
    value: E,
    _sql_type: PhantomData<fn() -> ST>,
}

impl<E, ST> EnumValue<E, ST> {
    /// Binds `value` as a `ST`.
    pub fn new(value: E) -> Self {
        EnumValue {
            value,
            _sql_type: PhantomData,
        }
    }

    /// The bound value.
    pub fn value(&self) -> &E {
        &self.value
    }
}

impl<E: Clone, ST> Clone for EnumValue<E, ST> {
    fn clone(&self) -> Self {
        EnumValue::new(self.value.clone())
    }
}
impl<E: Copy, ST> Copy for EnumValue<E, ST> {}
impl<E: fmt::Debug, ST> fmt::Debug for EnumValue<E, ST> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("EnumValue").field(&self.value).finish()
    }
}

/// The bind of `value` (`None`: NULL); `None` for a variant missing from
/// `VARIANTS`.
fn bound<E: SqlEnum>(value: Option<E>) -> Option<ValueRef<'static>> {
    match value {
        Some(v) => v.label().map(ValueRef::Text),
        None => Some(ValueRef::Null),
    }
}

fn render_bound<E: SqlEnum>(value: Option<E>, w: &mut SqlWriter<'_>) {
    match bound(value) {
        Some(v) => w.push_bind(v),
        None => w.fail(
            crate::ErrorKind::InvalidStatement(format!(
                "a value of enum `{}` is missing from its `SqlEnum::VARIANTS`",
                E::NAME
            ))
            .into(),
        ),
    }
}

fn key_bound<E: SqlEnum>(value: Option<E>, key: &mut SqlKey<'_>) -> bool {
    static BIND: NodeTag = NodeTag::new("bind");
    match bound(value) {
        Some(v) => {
            key.tag(&BIND);
            key.bind(v);
            true
        }
        // Not cached, so that rendering reports it.
        None => false,
    }
}

#[diagnostic::do_not_recommend]
impl<E: SqlEnum, ST: SqlType> Render for EnumValue<E, ST> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        render_bound(Some(self.value), w);
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        key_bound(Some(self.value), key)
    }
    #[inline]
    fn bound_value(&self) -> Option<ValueRef<'_>> {
        bound(Some(self.value))
    }
}
#[diagnostic::do_not_recommend]
impl<E: SqlEnum, ST: SqlType> Expression for EnumValue<E, ST> {
    type SqlType = ST;
}

/// `None` binds NULL (see [`enum_or_null`](crate::expr::enum_or_null)).
#[diagnostic::do_not_recommend]
impl<E: SqlEnum, ST: SqlType> Render for EnumValue<Option<E>, ST> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        render_bound(self.value, w);
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        key_bound(self.value, key)
    }
    #[inline]
    fn bound_value(&self) -> Option<ValueRef<'_>> {
        bound(self.value)
    }
}
#[diagnostic::do_not_recommend]
impl<E: SqlEnum, ST: SqlType> Expression for EnumValue<Option<E>, ST> {
    type SqlType = ST;
}
crate::macros::in_scope! {
    [E, ST] EnumValue<E, ST> {};
}

/// An optional enum value as a `Nullable<Enum<E>>`: its label, or NULL.
/// (`Option<E>` cannot be given an `IntoExpr` impl outside sqlalgebra,
/// and one inside would overlap with that of `Option<T: Encode>`.)
///
/// ```
/// # use sqlalgebra::prelude::*;
/// # use sqlalgebra::expr::enum_or_null;
/// # #[derive(Clone, Copy, PartialEq, Debug)] enum Mood { Sad }
/// # impl SqlEnum for Mood {
/// #     const NAME: &'static str = "mood";
/// #     const VARIANTS: &'static [Self] = &[Mood::Sad];
/// #     const LABELS: &'static [&'static str] = &["sad"];
/// # }
/// let q = select(enum_or_null(None::<Mood>));
/// let r = q.to_sql(&sqlalgebra_sqlite::Sqlite).unwrap();
/// assert_eq!(format!("{:?}", r.binds), "[Null]");
/// ```
pub fn enum_or_null<E: SqlEnum>(value: Option<E>) -> EnumValue<Option<E>, Nullable<Enum<E>>> {
    EnumValue::new(value)
}

/// A label that is not one of `E`'s is a [`DecodeError::Mismatch`].
impl<E: SqlEnum> FromSqlValue for E {
    fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError> {
        match v {
            ValueRef::Text(s) => E::from_label(s).ok_or_else(|| {
                DecodeError::Mismatch(format!("{s:?} is not a label of enum `{}`", E::NAME))
            }),
            ValueRef::Null => Err(DecodeError::Null),
            other => Err(DecodeError::mismatch("an enum label", other)),
        }
    }
}
#[diagnostic::do_not_recommend]
impl<E: SqlEnum> Decode<Enum<E>> for E {}
#[diagnostic::do_not_recommend]
impl<E: SqlEnum> Decode<Enum<E>> for Option<E> {}
#[diagnostic::do_not_recommend]
impl<E: SqlEnum> Decode<Nullable<Enum<E>>> for Option<E> {}
