//! `text()`: raw SQL with named binds.

use std::marker::PhantomData;

use smallvec::SmallVec;

use super::run::Query;
use crate::error::{ErrorKind, Result};
use crate::render::{Dialect, Render, Rendered, SqlWriter, Statement};
use crate::value::{Encode, ValueRef};

/// An owned SQL value, for binds that a statement must keep.
///
/// ```
/// use sqlalgebra::query::Value;
/// use sqlalgebra::value::ValueRef;
/// let v = Value::from_ref(ValueRef::Text("x"));
/// assert_eq!(v.as_ref(), ValueRef::Text("x"));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// NULL.
    Null,
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// Text.
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
    /// An exact decimal; see [`ValueRef::Decimal`].
    Decimal {
        /// The digits, as an integer.
        mantissa: i128,
        /// How many of the digits are after the decimal point.
        scale: u32,
    },
    /// A UUID; see [`ValueRef::Uuid`].
    Uuid([u8; 16]),
    /// A date; see [`ValueRef::Date`].
    Date(i32),
    /// A time of day; see [`ValueRef::Time`].
    Time(i64),
    /// A timestamp; see [`ValueRef::Timestamp`].
    Timestamp(i64),
    /// An instant; see [`ValueRef::TimestampTz`].
    TimestampTz(i64),
    /// The marker of an array parameter; see [`ValueRef::Array`].
    Array(usize),
}

impl Value {
    /// Copies a borrowed value.
    pub fn from_ref(v: ValueRef<'_>) -> Self {
        match v {
            ValueRef::Null => Value::Null,
            ValueRef::Int(i) => Value::Int(i),
            ValueRef::Float(f) => Value::Float(f),
            ValueRef::Bool(b) => Value::Bool(b),
            ValueRef::Text(s) => Value::Text(s.to_owned()),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
            ValueRef::Decimal { mantissa, scale } => Value::Decimal { mantissa, scale },
            ValueRef::Uuid(b) => Value::Uuid(b),
            ValueRef::Date(d) => Value::Date(d),
            ValueRef::Time(t) => Value::Time(t),
            ValueRef::Timestamp(t) => Value::Timestamp(t),
            ValueRef::TimestampTz(t) => Value::TimestampTz(t),
            ValueRef::Array(n) => Value::Array(n),
        }
    }

    /// A borrowed view.
    pub fn as_ref(&self) -> ValueRef<'_> {
        match self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Int(*i),
            Value::Float(f) => ValueRef::Float(*f),
            Value::Bool(b) => ValueRef::Bool(*b),
            Value::Text(s) => ValueRef::Text(s),
            Value::Blob(b) => ValueRef::Blob(b),
            Value::Decimal { mantissa, scale } => ValueRef::Decimal {
                mantissa: *mantissa,
                scale: *scale,
            },
            Value::Uuid(b) => ValueRef::Uuid(*b),
            Value::Date(d) => ValueRef::Date(*d),
            Value::Time(t) => ValueRef::Time(*t),
            Value::Timestamp(t) => ValueRef::Timestamp(*t),
            Value::TimestampTz(t) => ValueRef::TimestampTz(*t),
            Value::Array(n) => ValueRef::Array(*n),
        }
    }
}

/// Raw SQL with `:name` placeholders, each bound with [`bind`](TextQuery::bind).
///
/// The placeholders are rendered per dialect (`?` or `$n`); `:name` inside
/// quotes or comments, and PostgreSQL's `::type` casts, are left alone. A
/// placeholder without a value is [`ErrorKind::MissingBind`], a value without a
/// placeholder [`ErrorKind::UnusedBind`].
///
/// To load rows, say their SQL types with [`returns`](TextQuery::returns).
///
/// ```
/// use sqlalgebra::prelude::*;
/// let q = text("SELECT name FROM users WHERE id = :id").bind("id", 1i64);
/// let typed = q.returns::<Text>();
/// ```
#[derive(Debug, Clone)]
#[must_use = "a statement does nothing until it is run"]
pub struct TextQuery<ST = ()> {
    sql: String,
    binds: Vec<(String, Value)>,
    _row: PhantomData<fn() -> ST>,
}

/// Raw SQL with `:name` placeholders; see [`TextQuery`].
pub fn text(sql: impl Into<String>) -> TextQuery {
    TextQuery {
        sql: sql.into(),
        binds: Vec::new(),
        _row: PhantomData,
    }
}

impl<ST> TextQuery<ST> {
    /// Binds `value` to `:name` (replacing an earlier value for it).
    pub fn bind(mut self, name: &str, value: impl Encode) -> Self {
        let value = Value::from_ref(value.encode());
        match self.binds.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.binds.push((name.to_owned(), value)),
        }
        self
    }

    /// Declares the SQL types of the rows this SQL returns, so they can be
    /// loaded: `.returns::<(BigInt, Text)>()`.
    pub fn returns<ST2>(self) -> TextQuery<ST2> {
        TextQuery {
            sql: self.sql,
            binds: self.binds,
            _row: PhantomData,
        }
    }
}

/// Splits SQL into literal pieces and `:name` placeholders.
enum Piece<'s> {
    Sql(&'s str),
    Param(&'s str),
}

/// `backslash_escapes`: whether a backslash in a quoted string escapes the
/// next character ([`Dialect::backslash_escapes`]); it always does in an
/// escape string, `E'...'`.
fn pieces(sql: &str, backslash_escapes: bool) -> impl Iterator<Item = Piece<'_>> {
    let bytes = sql.as_bytes();
    let mut i = 0;
    let mut start = 0;
    let mut pending: Option<Piece<'_>> = None;
    std::iter::from_fn(move || {
        if let Some(p) = pending.take() {
            return Some(p);
        }
        while i < bytes.len() {
            match bytes[i] {
                q @ (b'\'' | b'"' | b'`') => {
                    let escapes = q != b'`' && (backslash_escapes || is_escape_string(bytes, i));
                    i += 1;
                    while i < bytes.len() {
                        if escapes && bytes[i] == b'\\' {
                            i += 2;
                            continue;
                        }
                        if bytes[i] == q {
                            // A doubled quote stays inside the literal.
                            if bytes.get(i + 1) == Some(&q) {
                                i += 2;
                                continue;
                            }
                            break;
                        }
                        i += 1;
                    }
                    i += 1;
                }
                b'-' if bytes.get(i + 1) == Some(&b'-') => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                b'/' if bytes.get(i + 1) == Some(&b'*') => {
                    i += 2;
                    while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/'))
                    {
                        i += 1;
                    }
                    i += 2;
                }
                b':' if bytes.get(i + 1) == Some(&b':') => i += 2,
                b':' if bytes
                    .get(i + 1)
                    .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') =>
                {
                    let name_start = i + 1;
                    let mut end = name_start;
                    while end < bytes.len()
                        && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_')
                    {
                        end += 1;
                    }
                    let before = &sql[start..i];
                    let param = Piece::Param(&sql[name_start..end]);
                    i = end;
                    start = end;
                    pending = Some(param);
                    return Some(Piece::Sql(before));
                }
                _ => i += 1,
            }
        }
        if start < bytes.len() {
            let rest = &sql[start..];
            start = bytes.len();
            return Some(Piece::Sql(rest));
        }
        None
    })
}

/// Whether the quote at `quote` opens a PostgreSQL escape string: `E'`
/// (or `e'`) where the `E` does not end a longer word.
fn is_escape_string(bytes: &[u8], quote: usize) -> bool {
    let word_char = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    bytes[quote] == b'\''
        && quote
            .checked_sub(1)
            .and_then(|e| bytes.get(e))
            .is_some_and(|e| e.eq_ignore_ascii_case(&b'e'))
        && !quote
            .checked_sub(2)
            .and_then(|b| bytes.get(b))
            .is_some_and(word_char)
}

impl<ST> Render for TextQuery<ST> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        let mut used: SmallVec<[bool; 16]> = SmallVec::from_elem(false, self.binds.len());
        for piece in pieces(&self.sql, w.dialect().backslash_escapes()) {
            match piece {
                Piece::Sql(s) => w.push_sql(s),
                Piece::Param(name) => match self.binds.iter().position(|(n, _)| n == name) {
                    Some(k) => {
                        used[k] = true;
                        w.push_bind(self.binds[k].1.as_ref());
                    }
                    None => w.fail(
                        ErrorKind::MissingBind {
                            name: name.to_owned(),
                        }
                        .into(),
                    ),
                },
            }
        }
        if let Some(k) = used.iter().position(|u| !u) {
            w.fail(
                ErrorKind::UnusedBind {
                    name: self.binds[k].0.clone(),
                }
                .into(),
            );
        }
    }
}

impl<ST> Statement for TextQuery<ST> {
    fn to_sql<'a>(&'a self, dialect: &'a dyn Dialect) -> Result<Rendered<'a>> {
        // Each `:name` (two bytes or more) becomes `?` or `$n`: the text's
        // own length, with a little room for `$10` and up, is enough.
        let capacity = (self.sql.len() + 16).max(SqlWriter::INITIAL_CAPACITY);
        let mut w = SqlWriter::with_buffer(dialect, String::with_capacity(capacity));
        self.render(&mut w);
        w.finish()
    }
}

impl<ST> Query for TextQuery<ST> {
    type SqlType = ST;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(sql: &str) -> Vec<String> {
        split_with(sql, false)
    }

    fn split_with(sql: &str, backslash_escapes: bool) -> Vec<String> {
        pieces(sql, backslash_escapes)
            .map(|p| match p {
                Piece::Sql(s) => s.to_owned(),
                Piece::Param(n) => format!("<{n}>"),
            })
            .collect()
    }

    #[test]
    fn finds_names_outside_quotes_comments_and_casts() {
        assert_eq!(
            split(
                "SELECT ':no', \"a:b\", x::int -- :c\n FROM t WHERE id = :id_1 /* :d */ AND n=:n"
            ),
            [
                "SELECT ':no', \"a:b\", x::int -- :c\n FROM t WHERE id = ",
                "<id_1>",
                " /* :d */ AND n=",
                "<n>"
            ]
        );
    }

    #[test]
    fn doubled_quotes_stay_inside_literals() {
        assert_eq!(split("'it'':s' :x"), ["'it'':s' ", "<x>"]);
    }

    #[test]
    fn backslashes_escape_where_the_dialect_says_so() {
        // MySQL: `\'` stays inside the literal.
        assert_eq!(
            split_with(r"SELECT 'it\'s :x', :y", true),
            [r"SELECT 'it\'s :x', ", "<y>"]
        );
        assert_eq!(
            split_with(r#"SELECT "a\" :x", :y"#, true),
            [r#"SELECT "a\" :x", "#, "<y>"]
        );
        assert_eq!(split_with(r"'\\' :x", true), [r"'\\' ", "<x>"]);
        // Standard strings: the backslash is a character, the quote ends it.
        assert_eq!(
            split_with(r"SELECT 'a\', :y", false),
            [r"SELECT 'a\', ", "<y>"]
        );
        // Backticks never escape.
        assert_eq!(split_with(r"`a\` :x", true), [r"`a\` ", "<x>"]);
    }

    #[test]
    fn escape_strings_escape_in_every_dialect() {
        assert_eq!(
            split(r"SELECT E'it\'s :x', e'\'', :y"),
            [r"SELECT E'it\'s :x', e'\'', ", "<y>"]
        );
        // An `e` that ends a word does not make an escape string.
        assert_eq!(split(r"SELECT name'a\', :y"), [r"SELECT name'a\', ", "<y>"]);
        assert!(split(r"E'\").len() == 1, "unterminated, no panic");
    }

    #[test]
    fn unterminated_literals_do_not_panic() {
        assert_eq!(split("'abc :x"), ["'abc :x"]);
        assert_eq!(split("/* :x"), ["/* :x"]);
        assert_eq!(split(":"), [":"]);
    }
}
