//! JSON operators: reading a member or an element of a JSON value, as JSON
//! or as text, and testing containment and keys, on the three backends.
//!
//! Each step of a path is one bound value (the key's text or the index),
//! rendered per dialect:
//!
//! | | PostgreSQL | SQLite (≥ 3.38) | MySQL / MariaDB |
//! |---|---|---|---|
//! | `field(k)` | `x -> CAST($1 AS text)` | `x -> ('$.' \|\| json_quote(?))` | `JSON_EXTRACT(x, CONCAT('$.', JSON_QUOTE(?)))` |
//! | `element(i)` | `x -> CAST($1 AS integer)` | `x -> ?` | `JSON_EXTRACT(x, CONCAT('$[', ?, ']'))` |
//! | `..._text` | `x ->> ..` | the member's text | `JSON_UNQUOTE(..)` |
//! | `contains_json(j)` | `CAST(x AS jsonb) @> CAST($1 AS jsonb)` | refused | `JSON_CONTAINS(x, ?)` |
//! | `has_key(k)` | `CAST(x AS jsonb) ? $1` | `json_type(..) IS NOT NULL` | `JSON_CONTAINS_PATH(..)` |
//!
//! A key is always one member's name, whatever it contains (`"a.b"` is the
//! member `a.b`, not a path), quoted by the database's own function.
//! Text of a JSON `null` is SQL NULL everywhere; text of a number, an
//! object or an array is the database's own writing of it (spacing and
//! number formats differ between backends).

use super::Expression;
use crate::render::{GroupCheck, NodeTag, Render, SqlKey, SqlWriter, TableSet, precedence};
use crate::types::{Bool, IntoNullable, Json, Jsonb, Nullable, SqlType, Text};
use crate::value::ValueRef;

/// SQL types holding JSON: `Json`, `Jsonb` and their `Nullable`s.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a JSON type",
    label = "JSON operators need a `Json` or `Jsonb` expression"
)]
pub trait JsonLike: IntoNullable {}
impl JsonLike for Json {}
impl JsonLike for Jsonb {}
impl<T: JsonLike + SqlType<NotNull = T>> JsonLike for Nullable<T> {}

/// One step into a JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// An object's member, by name.
    Key(String),
    /// An array's element, from 0.
    Index(i64),
}

impl Step {
    fn bind(&self) -> ValueRef<'_> {
        match self {
            Step::Key(k) => ValueRef::Text(k),
            Step::Index(i) => ValueRef::Int(*i),
        }
    }
}

/// How a dialect writes JSON access.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Postgres,
    Sqlite,
    Mysql,
}

fn style(w: &SqlWriter<'_>) -> Style {
    match w.dialect().name() {
        "postgresql" => Style::Postgres,
        "mysql" | "mariadb" => Style::Mysql,
        _ => Style::Sqlite,
    }
}

/// Writes the JSON path of `step` (SQLite, MySQL): one bind.
fn push_path<'a>(w: &mut SqlWriter<'a>, step: &'a Step, style: Style) {
    match (step, style) {
        (Step::Key(_), Style::Mysql) => w.push_sql("CONCAT('$.', JSON_QUOTE("),
        (Step::Key(_), _) => w.push_sql("('$.' || json_quote("),
        (Step::Index(_), Style::Mysql) => w.push_sql("CONCAT('$[', "),
        (Step::Index(_), _) => w.push_sql("('$[' || "),
    }
    w.push_bind(step.bind());
    w.push_sql(match step {
        Step::Key(_) => "))",
        Step::Index(_) if style == Style::Mysql => ", ']')",
        Step::Index(_) => " || ']')",
    });
}

/// A member or element of a JSON value, as JSON (`->`): from
/// [`field`](JsonExpressionMethods::field) or
/// [`element`](JsonExpressionMethods::element). NULL when it is missing.
#[derive(Debug, Clone)]
pub struct JsonGet<E> {
    expr: E,
    step: Step,
    as_text: bool,
}

#[diagnostic::do_not_recommend]
impl<E: Render> Render for JsonGet<E> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        let style = style(w);
        match style {
            Style::Postgres => {
                w.push_sql("(");
                w.push_operand(&self.expr, precedence::COMPARISON + 1);
                w.push_sql(if self.as_text {
                    " ->> CAST("
                } else {
                    " -> CAST("
                });
                w.push_bind(self.step.bind());
                // The operators take `text` and `integer`, not `bigint`.
                w.push_sql(match self.step {
                    Step::Key(_) => " AS text))",
                    Step::Index(_) => " AS integer))",
                });
            }
            Style::Sqlite if self.as_text => {
                // `->>` gives SQL values (1 for true): spell out true and
                // false as the other backends do, the rest as text.
                w.push_sql("(CASE json_type(");
                w.push_operand(&self.expr, precedence::ATOM);
                w.push_sql(", ");
                push_path(w, &self.step, style);
                w.push_sql(") WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(");
                w.push_operand(&self.expr, precedence::ATOM);
                w.push_sql(" ->> ");
                push_path(w, &self.step, style);
                w.push_sql(" AS TEXT) END)");
            }
            Style::Sqlite => {
                w.push_sql("(");
                w.push_operand(&self.expr, precedence::COMPARISON + 1);
                w.push_sql(" -> ");
                push_path(w, &self.step, style);
                w.push_sql(")");
            }
            Style::Mysql if self.as_text => {
                // JSON_UNQUOTE writes a JSON null as the text 'null'.
                w.push_sql("(CASE JSON_TYPE(JSON_EXTRACT(");
                w.push_operand(&self.expr, precedence::ATOM);
                w.push_sql(", ");
                push_path(w, &self.step, style);
                w.push_sql(")) WHEN 'NULL' THEN NULL ELSE JSON_UNQUOTE(JSON_EXTRACT(");
                w.push_operand(&self.expr, precedence::ATOM);
                w.push_sql(", ");
                push_path(w, &self.step, style);
                w.push_sql(")) END)");
            }
            Style::Mysql => {
                w.push_sql("JSON_EXTRACT(");
                w.push_operand(&self.expr, precedence::ATOM);
                w.push_sql(", ");
                push_path(w, &self.step, style);
                w.push_sql(")");
            }
        }
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.expr.collect_tables(out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.operand(&self.expr);
    }
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        // The text forms bind the path twice on SQLite and MySQL but once
        // on PostgreSQL: rendered anew each time, never cached.
        if self.as_text {
            return false;
        }
        static GET: NodeTag = NodeTag::new("json ->");
        key.tag(&GET);
        key.word(usize::from(matches!(self.step, Step::Key(_))));
        key.bind(self.step.bind());
        self.expr.sql_key(key)
    }
}

/// `JsonGet` as JSON keeps its JSON type, nullable; as text it is text.
#[diagnostic::do_not_recommend]
impl<E: Expression> Expression for JsonGet<E>
where
    E::SqlType: JsonLike,
{
    type SqlType = <E::SqlType as IntoNullable>::Nullable;
}

/// The text of a member or element of a JSON value (`->>`): from
/// [`field_text`](JsonExpressionMethods::field_text) or
/// [`element_text`](JsonExpressionMethods::element_text).
#[derive(Debug, Clone)]
pub struct JsonGetText<E>(JsonGet<E>);

#[diagnostic::do_not_recommend]
impl<E: Render> Render for JsonGetText<E> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.0.render(w);
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.0.collect_tables(out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        self.0.check_grouping(c);
    }
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        self.0.sql_key(key)
    }
}

#[diagnostic::do_not_recommend]
impl<E: Expression> Expression for JsonGetText<E>
where
    E::SqlType: JsonLike,
{
    type SqlType = Nullable<Text>;
}

/// Whether a JSON value contains another (`@>`), or has a key (`?`).
#[derive(Debug, Clone)]
pub struct JsonTest<E> {
    expr: E,
    /// The JSON text of the value looked for, or the key.
    arg: String,
    has_key: bool,
}

#[diagnostic::do_not_recommend]
impl<E: Render> Render for JsonTest<E> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        let style = style(w);
        match (style, self.has_key) {
            (Style::Postgres, _) => {
                w.push_sql("(CAST(");
                w.push_operand(&self.expr, precedence::ATOM);
                w.push_sql(if self.has_key {
                    " AS jsonb) ? "
                } else {
                    " AS jsonb) @> CAST("
                });
                w.push_bind(ValueRef::Text(&self.arg));
                w.push_sql(if self.has_key { ")" } else { " AS jsonb))" });
            }
            (Style::Mysql, false) => {
                w.push_sql("JSON_CONTAINS(");
                w.push_operand(&self.expr, precedence::ATOM);
                w.push_sql(", ");
                w.push_bind(ValueRef::Text(&self.arg));
                w.push_sql(")");
            }
            (Style::Mysql, true) => {
                w.push_sql("JSON_CONTAINS_PATH(");
                w.push_operand(&self.expr, precedence::ATOM);
                w.push_sql(", 'one', CONCAT('$.', JSON_QUOTE(");
                w.push_bind(ValueRef::Text(&self.arg));
                w.push_sql(")))");
            }
            (Style::Sqlite, true) => {
                w.push_sql("(json_type(");
                w.push_operand(&self.expr, precedence::ATOM);
                w.push_sql(", ('$.' || json_quote(");
                w.push_bind(ValueRef::Text(&self.arg));
                w.push_sql("))) IS NOT NULL)");
            }
            (Style::Sqlite, false) => w.unsupported("JSON containment (@>)"),
        }
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.expr.collect_tables(out);
    }
    fn check_grouping<'a>(&'a self, c: &mut GroupCheck<'_, 'a>) {
        c.operand(&self.expr);
    }
    fn precedence(&self) -> u8 {
        precedence::ATOM
    }
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static TEST: NodeTag = NodeTag::new("json test");
        key.tag(&TEST);
        key.word(usize::from(self.has_key));
        key.bind(ValueRef::Text(&self.arg));
        self.expr.sql_key(key)
    }
}

#[diagnostic::do_not_recommend]
impl<E: Expression> Expression for JsonTest<E>
where
    E::SqlType: JsonLike,
{
    type SqlType = Nullable<Bool>;
}

/// JSON operators on `Json` and `Jsonb` expressions. Each path step is one
/// bound value: PostgreSQL `x -> CAST($1 AS text)` (`->>` for text, `?` and
/// `@>` on `jsonb`), SQLite `x -> ('$.' || json_quote(?))` and `json_type`,
/// MySQL/MariaDB `JSON_EXTRACT(x, CONCAT('$.', JSON_QUOTE(?)))`,
/// `JSON_UNQUOTE`, `JSON_CONTAINS_PATH` and `JSON_CONTAINS`.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::expr::JsonExpressionMethods;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Events;
/// # impl Table for Events { const NAME: &'static str = "events"; type Columns = Payload; type PrimaryKey = Payload; }
/// #[derive(Clone, Copy, Debug, Default)] pub struct Payload;
/// impl Column for Payload { type Table = Events; type SqlType = Jsonb; const NAME: &'static str = "payload"; }
///
/// let q = select(Payload.field("user").field_text("name"))
///     .filter(Payload.has_key("user").and(Payload.field("tags").element_text(0).eq("vip")));
/// assert_eq!(
///     q.to_sql(&sqlalgebra_postgres::Postgres).unwrap().sql,
///     "SELECT ((\"events\".\"payload\" -> CAST($1 AS text)) ->> CAST($2 AS text)) \
///      FROM \"events\" WHERE (CAST(\"events\".\"payload\" AS jsonb) ? $3) AND \
///      ((\"events\".\"payload\" -> CAST($4 AS text)) ->> CAST($5 AS integer)) = $6"
/// );
/// ```
pub trait JsonExpressionMethods: Expression + Sized
where
    Self::SqlType: JsonLike,
{
    /// The member `key` of an object, as JSON; NULL when there is none.
    /// `key` is one member's name, dots and quotes included.
    fn field(self, key: impl Into<String>) -> JsonGet<Self> {
        JsonGet {
            expr: self,
            step: Step::Key(key.into()),
            as_text: false,
        }
    }
    /// The element `index` (from 0) of an array, as JSON.
    fn element(self, index: u32) -> JsonGet<Self> {
        JsonGet {
            expr: self,
            step: Step::Index(i64::from(index)),
            as_text: false,
        }
    }
    /// The member `key`'s value as text: a string without its quotes,
    /// `true`/`false`, a number's digits, NULL for JSON `null` or none.
    fn field_text(self, key: impl Into<String>) -> JsonGetText<Self> {
        JsonGetText(JsonGet {
            as_text: true,
            ..self.field(key)
        })
    }
    /// The element `index`'s value as text, as [`field_text`](Self::field_text).
    fn element_text(self, index: u32) -> JsonGetText<Self> {
        JsonGetText(JsonGet {
            as_text: true,
            ..self.element(index)
        })
    }
    /// Whether the value contains `json` (PostgreSQL `@>`, MySQL
    /// `JSON_CONTAINS`): every member of an object in it, every element of
    /// an array. SQLite has no such test: [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported).
    fn contains_json(self, json: impl Into<String>) -> JsonTest<Self> {
        JsonTest {
            expr: self,
            arg: json.into(),
            has_key: false,
        }
    }
    /// Whether the object has the member `key` (even one that is `null`).
    fn has_key(self, key: impl Into<String>) -> JsonTest<Self> {
        JsonTest {
            expr: self,
            arg: key.into(),
            has_key: true,
        }
    }
}

impl<E: Expression> JsonExpressionMethods for E where E::SqlType: JsonLike {}

crate::macros::in_scope! {
    [E] JsonGet<E> { E: IE };
    [E] JsonGetText<E> { E: IE };
    [E] JsonTest<E> { E: IE };
}
