//! [`Value`]: an owned bind value, for drivers that take their parameters
//! by value or on another thread (the async backends).

use super::ValueRef;

/// An owned [`ValueRef`]: text and bytes copied, everything else as it is.
///
/// ```
/// use sqlalgebra::value::{Value, ValueRef};
/// let v = Value::from_ref(ValueRef::Text("hi"));
/// assert_eq!(v.as_ref(), ValueRef::Text("hi"));
/// assert_eq!(Value::from_ref(ValueRef::Int(3)).as_ref(), ValueRef::Int(3));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Value(Inner);

#[derive(Debug, Clone, PartialEq)]
enum Inner {
    Text(String),
    Blob(Vec<u8>),
    /// A value that borrows nothing.
    Plain(ValueRef<'static>),
}

impl Value {
    /// Copies `v`.
    ///
    /// ```
    /// use sqlalgebra::value::{Value, ValueRef};
    /// assert_eq!(Value::from_ref(ValueRef::Blob(&[1])).as_ref(), ValueRef::Blob(&[1]));
    /// ```
    pub fn from_ref(v: ValueRef<'_>) -> Self {
        Value(match v {
            ValueRef::Text(s) => Inner::Text(s.to_owned()),
            ValueRef::Blob(b) => Inner::Blob(b.to_vec()),
            ValueRef::Null => Inner::Plain(ValueRef::Null),
            ValueRef::Int(i) => Inner::Plain(ValueRef::Int(i)),
            ValueRef::Float(f) => Inner::Plain(ValueRef::Float(f)),
            ValueRef::Bool(b) => Inner::Plain(ValueRef::Bool(b)),
            ValueRef::Decimal { mantissa, scale } => {
                Inner::Plain(ValueRef::Decimal { mantissa, scale })
            }
            ValueRef::Uuid(u) => Inner::Plain(ValueRef::Uuid(u)),
            ValueRef::Date(d) => Inner::Plain(ValueRef::Date(d)),
            ValueRef::Time(t) => Inner::Plain(ValueRef::Time(t)),
            ValueRef::Timestamp(t) => Inner::Plain(ValueRef::Timestamp(t)),
            ValueRef::TimestampTz(t) => Inner::Plain(ValueRef::TimestampTz(t)),
            ValueRef::Array(n) => Inner::Plain(ValueRef::Array(n)),
        })
    }

    /// The value, borrowed.
    ///
    /// ```
    /// use sqlalgebra::value::{Value, ValueRef};
    /// assert_eq!(Value::from_ref(ValueRef::Null).as_ref(), ValueRef::Null);
    /// ```
    pub fn as_ref(&self) -> ValueRef<'_> {
        match &self.0 {
            Inner::Text(s) => ValueRef::Text(s),
            Inner::Blob(b) => ValueRef::Blob(b),
            Inner::Plain(v) => *v,
        }
    }

    /// Copies a bind list.
    ///
    /// ```
    /// use sqlalgebra::value::{Value, ValueRef};
    /// let owned = Value::list(&[ValueRef::Int(1), ValueRef::Text("a")]);
    /// assert_eq!(owned.len(), 2);
    /// ```
    pub fn list(binds: &[ValueRef<'_>]) -> Vec<Value> {
        binds.iter().map(|v| Value::from_ref(*v)).collect()
    }
}
