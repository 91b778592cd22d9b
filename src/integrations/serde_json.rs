//! `serde_json::Value` for the [`Json`] and [`Jsonb`] SQL types (feature
//! `serde_json`).
//!
//! A `Value` binds as its JSON text: it is serialized once, when it
//! becomes an expression (`column.set(value)`, `column.eq(value)`), into a
//! [`JsonText`] that the statement keeps, so rendering and binding copy
//! nothing more. PostgreSQL parses the text as `json` or `jsonb`, MySQL
//! checks it is JSON, SQLite stores it as `TEXT`. It loads by parsing the
//! text each backend returns (PostgreSQL's binary `jsonb` included).
//!
//! `Jsonb` on PostgreSQL keeps the document parsed: keys come back sorted
//! and deduplicated, whitespace gone. Compare loaded documents as `Value`s,
//! not as text. Numbers are what `serde_json` makes of them (`i64`, `u64`
//! or `f64`): a number with more digits than an `f64` holds loses them
//! when it loads, as with any `serde_json` parse.
//!
//! Equality on JSON columns is not portable: PostgreSQL's `json` has no
//! `=` at all, `jsonb` compares documents, MySQL and SQLite compare text.
//!
//! ```
//! use serde_json::{Value, json};
//! use sqlalgebra::prelude::*;
//! use sqlalgebra_sqlite::Sqlite;
//!
//! #[derive(Clone, Copy, Debug, Default)]
//! struct Docs;
//! impl Table for Docs {
//!     const NAME: &'static str = "docs";
//!     type Columns = (Id, Body);
//!     type PrimaryKey = Id;
//! }
//! #[derive(Clone, Copy, Debug, Default)] struct Id;
//! #[derive(Clone, Copy, Debug, Default)] struct Body;
//! impl Column for Id { type Table = Docs; type SqlType = BigInt; const NAME: &'static str = "id"; }
//! impl Column for Body { type Table = Docs; type SqlType = Nullable<Jsonb>; const NAME: &'static str = "body"; }
//!
//! fn main() -> sqlalgebra::Result<()> {
//!     let engine = Sqlite::memory()?;
//!     let mut conn = engine.connect()?;
//!     create_all::<Docs>(&mut conn)?;
//!
//!     let doc = json!({"name": "Zoë", "tags": ["a", "b"], "n": 1.5});
//!     insert_into(Docs).values((Id.set(1), Body.set(Some(doc.clone())))).execute(&mut conn)?;
//!     let back: Option<Value> = select(Body).get(&mut conn)?;
//!     assert_eq!(back, Some(doc));
//!     Ok(())
//! }
//! ```

use ::serde_json::Value;

use crate::expr::{Bind, IntoExpr, TakesValue};
use crate::types::{Json, Jsonb, SqlType};
use crate::value::{DecodeError, Encode, FromSqlValue, ValueRef};

/// A JSON document serialized to text, ready to bind: what a
/// `serde_json::Value` becomes in an expression, and what to hand to
/// [`text`](crate::query::text)'s `bind`.
///
/// ```
/// use serde_json::json;
/// use sqlalgebra::integrations::serde_json::JsonText;
/// use sqlalgebra::prelude::*;
///
/// let doc = JsonText::new(&json!({"a": [1, 2]}));
/// assert_eq!(doc.as_str(), r#"{"a":[1,2]}"#);
/// let q = text("SELECT :doc").bind("doc", &doc);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonText(String);

impl JsonText {
    /// Serializes `value`.
    ///
    /// ```
    /// use sqlalgebra::integrations::serde_json::JsonText;
    /// assert_eq!(JsonText::new(&serde_json::Value::Null).as_str(), "null");
    /// ```
    pub fn new(value: &Value) -> Self {
        // Writing a `Value` into a `String` cannot fail: its map keys are
        // strings and its numbers finite.
        JsonText(value.to_string())
    }

    /// The JSON text.
    ///
    /// ```
    /// use sqlalgebra::integrations::serde_json::JsonText;
    /// assert_eq!(JsonText::new(&serde_json::json!("é")).as_str(), "\"é\"");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&Value> for JsonText {
    fn from(value: &Value) -> Self {
        JsonText::new(value)
    }
}

impl Encode for JsonText {
    fn encode(&self) -> ValueRef<'_> {
        ValueRef::Text(&self.0)
    }
}

fn parse(text: &[u8]) -> Result<Value, DecodeError> {
    ::serde_json::from_slice(text).map_err(|e| DecodeError::Mismatch(format!("invalid JSON: {e}")))
}

impl FromSqlValue for Value {
    fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError> {
        match v {
            ValueRef::Text(s) => parse(s.as_bytes()),
            ValueRef::Blob(b) => parse(b),
            // A JSON scalar that a database handed back as a number or a
            // boolean (MySQL's JSON_EXTRACT, SQLite's json_extract).
            ValueRef::Int(i) => Ok(Value::from(i)),
            ValueRef::Float(f) => ::serde_json::Number::from_f64(f)
                .map(Value::Number)
                .ok_or_else(|| DecodeError::Mismatch(format!("{f} is not a JSON number"))),
            ValueRef::Bool(b) => Ok(Value::Bool(b)),
            ValueRef::Null => Err(DecodeError::Null),
            other => Err(DecodeError::mismatch("JSON", other)),
        }
    }
}

crate::value::decode_as! {
    Value => Json, Jsonb;
}

macro_rules! json_takes {
    ($($st:ty),*) => {$(
        #[diagnostic::do_not_recommend]
        impl TakesValue<Value> for $st {}
        #[diagnostic::do_not_recommend]
        impl TakesValue<Value> for crate::types::Nullable<$st> {}
        #[diagnostic::do_not_recommend]
        impl<'v> TakesValue<&'v Value> for $st {}
        #[diagnostic::do_not_recommend]
        impl<'v> TakesValue<&'v Value> for crate::types::Nullable<$st> {}
    )*};
}
json_takes!(Json, Jsonb);

#[diagnostic::do_not_recommend]
impl<ST: SqlType + TakesValue<Value>> IntoExpr<ST> for Value {
    type Expr = Bind<JsonText, ST>;
    fn into_expr(self) -> Self::Expr {
        Bind::new(JsonText::new(&self))
    }
}

#[diagnostic::do_not_recommend]
impl<'v, ST: SqlType + TakesValue<&'v Value>> IntoExpr<ST> for &'v Value {
    type Expr = Bind<JsonText, ST>;
    fn into_expr(self) -> Self::Expr {
        Bind::new(JsonText::new(self))
    }
}

#[diagnostic::do_not_recommend]
impl<ST: SqlType + TakesValue<Option<Value>>> IntoExpr<ST> for Option<Value> {
    type Expr = Bind<Option<JsonText>, ST>;
    fn into_expr(self) -> Self::Expr {
        Bind::new(self.as_ref().map(JsonText::new))
    }
}

#[cfg(test)]
mod tests {
    use ::serde_json::json;

    use super::*;

    #[test]
    fn documents_load_from_text_and_scalars() {
        let doc = json!({"a": {"b": [1, -2.5, null, true]}, "é": "ü"});
        let text = JsonText::new(&doc);
        assert_eq!(Value::from_value(text.encode()), Ok(doc.clone()));
        assert_eq!(
            Value::from_value(ValueRef::Blob(text.as_str().as_bytes())),
            Ok(doc)
        );
        assert_eq!(Value::from_value(ValueRef::Int(3)), Ok(json!(3)));
        assert_eq!(Value::from_value(ValueRef::Bool(false)), Ok(json!(false)));
        assert!(Value::from_value(ValueRef::Float(f64::NAN)).is_err());
        assert!(Value::from_value(ValueRef::Text("{")).is_err());
        assert_eq!(Value::from_value(ValueRef::Null), Err(DecodeError::Null));
        assert_eq!(Option::<Value>::from_value(ValueRef::Null), Ok(None));
        // JSON null is a value, not SQL NULL.
        assert_eq!(
            Option::<Value>::from_value(ValueRef::Text("null")),
            Ok(Some(Value::Null))
        );
    }
}
