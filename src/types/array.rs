//! PostgreSQL arrays: the SQL type [`Array<T>`], bound from and loaded into
//! a `Vec`. The other dialects refuse them with
//! [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported) before anything is
//! sent.

use std::fmt;
use std::marker::PhantomData;

use super::{
    IntoNullable, Mixes, Nullable, PropagateNull, SingleValue, SqlKind, SqlType, Summed, Widen,
};
use crate::error::Result;
use crate::expr::{Expression, IntoExpr, TakesValue};
use crate::render::{NodeTag, Render, SqlKey, SqlWriter};
use crate::value::{Decode, DecodeError, Encode, FromSqlValue, Row, ValueRef};

/// A PostgreSQL array of `T` (`TEXT[]` for `Array<Text>`), loaded into a
/// `Vec` of what `T` loads into; `Array<Nullable<T>>` holds NULL elements
/// (`Vec<Option<..>>`). Operators: [`ArrayExpressionMethods`](crate::expr::ArrayExpressionMethods).
/// SQLite and MySQL have no arrays: DDL, values and operators of this
/// type are [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported) there.
///
/// ```
/// use sqlalgebra::types::{Array, SqlKind, SqlType, Text};
/// assert_eq!(<Array<Text> as SqlType>::KIND, SqlKind::Array(&SqlKind::Text));
/// ```
pub struct Array<T>(PhantomData<fn() -> T>);

impl<T> fmt::Debug for Array<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Array<{}>", std::any::type_name::<T>())
    }
}
impl<T> Clone for Array<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Array<T> {}
impl<T> Default for Array<T> {
    fn default() -> Self {
        Array(PhantomData)
    }
}

impl<T: SqlType> SqlType for Array<T> {
    type NotNull = Self;
    const KIND: SqlKind = SqlKind::Array(&T::KIND);
}
impl<T: SqlType> SingleValue for Array<T> {}
impl<T: SqlType> IntoNullable for Array<T> {
    type Nullable = Nullable<Self>;
}
impl<T: SqlType> Mixes for Array<T> {
    type Same = Array<T::Same>;
    type Family = Array<T::Family>;
}
impl<T: SqlType, Target: SqlType> PropagateNull<Target> for Array<T> {
    type Output = Target;
}
// Arithmetic and sums of an array are refused where they are written.
impl<T: SqlType, R> Widen<R> for Array<T> {
    type Output = super::Any;
}
impl<T: SqlType, U> Summed<U> for Array<T> {
    type Output = super::Any;
    type Average = super::Any;
}

#[diagnostic::do_not_recommend]
impl<T, E: SqlType + TakesValue<T>> TakesValue<Vec<T>> for Array<E> {}
#[diagnostic::do_not_recommend]
impl<T, E: SqlType + TakesValue<T>> TakesValue<Vec<T>> for Nullable<Array<E>> {}

/// A `Vec` bound as one array parameter: what `Vec<T>` becomes where an
/// [`Array`] is expected (and `Option<Vec<T>>` where a nullable one is). [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported)
/// on the dialects without arrays.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::types::Array;
/// let q = select(bind::<Array<Text>, _>(vec!["a", "b"]));
/// let pg = q.to_sql(&sqlalgebra_postgres::Postgres).unwrap();
/// assert_eq!(pg.sql, "SELECT $1");
/// assert!(select(bind::<Array<Text>, _>(vec!["a"])).to_sql(&sqlalgebra_sqlite::Sqlite).is_err());
/// ```
pub struct ArrayValue<T, ST> {
    /// `None`: a NULL array.
    values: Option<Vec<T>>,
    _sql_type: PhantomData<fn() -> ST>,
}

impl<T, ST> ArrayValue<T, ST> {
    /// Binds `values` as one array of SQL type `ST`.
    ///
    /// ```
    /// use sqlalgebra::expr::ArrayValue;
    /// use sqlalgebra::types::{Array, BigInt};
    /// let v = ArrayValue::<i64, Array<BigInt>>::new(vec![1, 2]);
    /// assert_eq!(v.values(), Some(&[1, 2][..]));
    /// ```
    pub fn new(values: Vec<T>) -> Self {
        Self::from_option(Some(values))
    }

    /// Binds `values`, or NULL for `None` (what `Option<Vec<T>>` becomes
    /// for a `Nullable<Array<..>>`).
    ///
    /// ```
    /// use sqlalgebra::expr::ArrayValue;
    /// use sqlalgebra::types::{Array, Nullable, Text};
    /// let v = ArrayValue::<&str, Nullable<Array<Text>>>::from_option(None);
    /// assert_eq!(v.values(), None);
    /// ```
    pub fn from_option(values: Option<Vec<T>>) -> Self {
        ArrayValue {
            values,
            _sql_type: PhantomData,
        }
    }

    /// The bound elements; `None` for NULL.
    ///
    /// ```
    /// use sqlalgebra::expr::ArrayValue;
    /// use sqlalgebra::types::{Array, Text};
    /// assert_eq!(ArrayValue::<&str, Array<Text>>::new(vec![]).values(), Some(&[][..]));
    /// ```
    pub fn values(&self) -> Option<&[T]> {
        self.values.as_deref()
    }
}

impl<T: Clone, ST> Clone for ArrayValue<T, ST> {
    fn clone(&self) -> Self {
        ArrayValue::from_option(self.values.clone())
    }
}
impl<T: fmt::Debug, ST> fmt::Debug for ArrayValue<T, ST> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ArrayValue").field(&self.values).finish()
    }
}

#[diagnostic::do_not_recommend]
impl<T: Encode, ST: SqlType> Render for ArrayValue<T, ST> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        match &self.values {
            _ if !w.dialect().binds_arrays() => w.unsupported("array values"),
            Some(values) => w.push_array_bind(values.iter().map(Encode::encode)),
            None => w.push_bind(ValueRef::Null),
        }
    }
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static ARRAY: NodeTag = NodeTag::new("array value");
        key.tag(&ARRAY);
        match &self.values {
            Some(values) => key.bind_array(values.iter().map(Encode::encode)),
            None => key.bind(ValueRef::Null),
        }
        // Elsewhere not cached, so that rendering reports it.
        key.binds_arrays()
    }
}
#[diagnostic::do_not_recommend]
impl<T: Encode, ST: SqlType> Expression for ArrayValue<T, ST> {
    type SqlType = ST;
}
crate::macros::in_scope! {
    [T, ST] ArrayValue<T, ST> {};
}

#[diagnostic::do_not_recommend]
impl<T: Encode, ST: SqlType + TakesValue<Vec<T>>> IntoExpr<ST> for Vec<T> {
    type Expr = ArrayValue<T, ST>;
    #[inline]
    fn into_expr(self) -> Self::Expr {
        ArrayValue::new(self)
    }
}

#[diagnostic::do_not_recommend]
impl<T: Encode, ST: SqlType + TakesValue<Option<Vec<T>>>> IntoExpr<ST> for Option<Vec<T>> {
    type Expr = ArrayValue<T, ST>;
    #[inline]
    fn into_expr(self) -> Self::Expr {
        ArrayValue::from_option(self)
    }
}

/// An array cell's elements, each decoded as `T` (a NULL element needs
/// `T = Option<..>`); other cells are a mismatch.
impl<T: FromSqlValue> FromSqlValue for Vec<T> {
    fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError> {
        match v {
            ValueRef::Null => Err(DecodeError::Null),
            other => Err(DecodeError::mismatch("an array", other)),
        }
    }

    fn from_nullable_cell<R: Row + ?Sized>(row: &mut R, idx: usize) -> Result<Option<Self>> {
        let mut out = Vec::new();
        let mut failed = None;
        let present = row.array_elements(idx, &mut |v| match T::from_value(v) {
            Ok(x) => out.push(x),
            Err(e) => {
                failed.get_or_insert(e);
            }
        })?;
        match failed {
            Some(e) => Err(e.with_column(row.column_name(idx))),
            None => Ok(present.then_some(out)),
        }
    }
}
#[diagnostic::do_not_recommend]
impl<T: Decode<ST>, ST: SqlType> Decode<Array<ST>> for Vec<T> {}
#[diagnostic::do_not_recommend]
impl<T: Decode<ST>, ST: SqlType> Decode<Array<ST>> for Option<Vec<T>> {}
#[diagnostic::do_not_recommend]
impl<T: Decode<ST>, ST: SqlType> Decode<Nullable<Array<ST>>> for Option<Vec<T>> {}
