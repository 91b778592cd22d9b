//! Rendering: one walk over a statement tree writes its SQL text through a
//! [`Dialect`] and collects its bind values.

mod dialect;
mod evaluate;
mod group_check;
mod grouped_min;
mod key;
mod terms;
mod unify;

pub use dialect::{
    ConcatStyle, Dialect, IlikeStyle, MultiTableStyle, UpsertStyle, WriteKind, push_int,
    push_precision, write_standard_type,
};
pub use evaluate::EvalRow;
pub(crate) use evaluate::{BinOp, binary, in_list, not, selects};
pub use group_check::GroupCheck;
pub(crate) use group_check::{AggregateFn, Dependent};
pub use key::{FastHasher, NodeTag, SqlCache, SqlId, SqlKey};
pub(crate) use key::{param_count, same_binds};
pub(crate) use terms::{SelectTerms, TermClause, for_each_leaf};
pub(crate) use unify::Regions;

use smallvec::SmallVec;

use crate::error::{Error, ErrorKind, Result};
use crate::value::ValueRef;

/// The bind values of a rendered statement, borrowed from the statement.
/// Sixteen live inline; only a statement with more spills to the heap.
pub type Binds<'a> = SmallVec<[ValueRef<'a>; 16]>;

/// Operator precedence, used to parenthesize only where SQL needs it.
pub mod precedence {
    /// `OR`.
    pub const OR: u8 = 1;
    /// `AND`.
    pub const AND: u8 = 2;
    /// `NOT`.
    pub const NOT: u8 = 3;
    /// `=`, `<`, `LIKE`, `IN`, `BETWEEN`, `IS NULL`.
    pub const COMPARISON: u8 = 4;
    /// `||`.
    pub const CONCAT: u8 = 5;
    /// `+`, `-`.
    pub const ADDITIVE: u8 = 6;
    /// `*`, `/`.
    pub const MULTIPLICATIVE: u8 = 7;
    /// Columns, binds, function calls, anything parenthesized.
    pub const ATOM: u8 = 10;
}

/// A table as it appears in a FROM clause: its name, and the alias it is
/// referred to by, if any.
///
/// ```
/// use sqlalgebra::render::TableRef;
/// let t = TableRef::new("users");
/// assert_eq!(t.exposed_name(), "users");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TableRef<'a> {
    /// The table's name.
    pub name: &'a str,
    /// The alias, if the table is aliased.
    pub alias: Option<&'a str>,
}

impl<'a> TableRef<'a> {
    /// A table referred to by its own name.
    ///
    /// ```
    /// use sqlalgebra::render::TableRef;
    /// assert_eq!(TableRef::new("users").alias, None);
    /// ```
    pub const fn new(name: &'a str) -> Self {
        TableRef { name, alias: None }
    }

    /// The name columns are qualified with: the alias, or the table's name.
    ///
    /// ```
    /// use sqlalgebra::render::TableRef;
    /// let aliased = TableRef { name: "users", alias: Some("u") };
    /// assert_eq!(aliased.exposed_name(), "u");
    /// assert_eq!(TableRef::new("users").exposed_name(), "users");
    /// ```
    pub fn exposed_name(&self) -> &'a str {
        self.alias.unwrap_or(self.name)
    }
}

/// Pushes an array parameter onto `binds`: its [`ValueRef::Array`] marker,
/// then the values; returns how many values.
pub(crate) fn push_array<'a, I>(binds: &mut Binds<'a>, values: I) -> usize
where
    I: IntoIterator<Item = ValueRef<'a>>,
    I::IntoIter: ExactSizeIterator,
{
    let values = values.into_iter();
    let n = values.len();
    binds.reserve(n + 1);
    binds.push(ValueRef::Array(n));
    binds.extend(values);
    n
}

/// The tables a statement refers to, in order of first reference.
pub type TableSet<'a> = SmallVec<[TableRef<'a>; 4]>;

/// Adds `t` to `set` unless it is there already.
pub(crate) fn add_table<'a>(set: &mut TableSet<'a>, t: TableRef<'a>) {
    // The same table is usually named by the same `&'static str`: compare
    // the pointers before the text.
    let same =
        |s: &TableRef<'_>| (std::ptr::eq(s.name, t.name) || s.name == t.name) && s.alias == t.alias;
    if !set.iter().any(same) {
        set.push(t);
    }
}

/// A piece of a statement that can write itself as SQL.
///
/// Implement it (with [`Expression`](crate::expr::Expression)) to add your
/// own SQL node.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::render::{Render, SqlWriter};
/// # use sqlalgebra::orm::doc_models::*;
/// # fn main() -> sqlalgebra::Result<()> {
/// /// A random number, as each dialect spells it.
/// struct Random;
/// impl Render for Random {
///     fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
///         let mysql = matches!(w.dialect().name(), "mysql" | "mariadb");
///         w.push_sql(if mysql { "RAND()" } else { "random()" });
///     }
/// }
/// impl Expression for Random {
///     type SqlType = Double;
/// }
/// let q = select(users::Name).order_by(Random.asc());
/// assert_eq!(
///     q.to_sql(&sqlalgebra_postgres::Postgres)?.sql,
///     r#"SELECT "users"."name" FROM "users" ORDER BY random() ASC"#
/// );
/// assert_eq!(
///     q.to_sql(&sqlalgebra_mysql::Mysql)?.sql,
///     "SELECT `users`.`name` FROM `users` ORDER BY RAND() ASC"
/// );
/// # Ok(()) }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not SQL: not a column, an expression or a statement",
    label = "expected a column, an expression or a statement here"
)]
pub trait Render {
    /// Writes this node's SQL into `w`, and pushes its bind values.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::render::{Render, SqlWriter};
    /// # use sqlalgebra::orm::doc_models::*;
    /// let p = users::Name.eq("ann").and(users::Id.gt(1));
    /// let mut w = SqlWriter::new(&sqlalgebra_postgres::Postgres);
    /// p.render(&mut w);
    /// assert_eq!(w.sql(), r#""users"."name" = $1 AND "users"."id" > $2"#);
    /// assert_eq!(w.bind_count(), 2);
    /// ```
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>);

    /// Adds every table this node refers to (outside subqueries) to `out`;
    /// used to infer a SELECT's FROM clause.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::render::{Render, TableRef, TableSet};
    /// # use sqlalgebra::orm::doc_models::*;
    /// let p = addresses::UserId.eq(users::Id).and(users::Name.eq("ann"));
    /// let mut tables = TableSet::new();
    /// p.collect_tables(&mut tables);
    /// assert_eq!(&tables[..], [TableRef::new("addresses"), TableRef::new("users")]);
    /// ```
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        let _ = out;
    }

    /// For an AND, OR or NOT: calls `each` with each operand and returns
    /// `true`. `false`, the default: the node is a predicate of its own.
    /// The check for cartesian products links the tables of each such
    /// predicate (not of a whole AND: `a.x = 1 AND b.y = 2` links nothing).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::render::Render;
    /// let mut n = 0;
    /// let p = bind::<Bool, _>(true).and(bind::<Bool, _>(false));
    /// assert!(p.split_connective(&mut |_| n += 1));
    /// assert_eq!(n, 2);
    /// ```
    fn split_connective<'a>(&'a self, each: &mut dyn FnMut(&'a dyn Render)) -> bool {
        let _ = each;
        false
    }

    /// The precedence of this node's outermost operator; see [`precedence`].
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::render::{Render, precedence};
    /// # use sqlalgebra::orm::doc_models::*;
    /// assert_eq!(users::Id.precedence(), precedence::ATOM);
    /// assert_eq!(users::Id.add(1).precedence(), precedence::ADDITIVE);
    /// assert_eq!(users::Id.eq(1).or(users::Id.eq(2)).precedence(), precedence::OR);
    /// ```
    fn precedence(&self) -> u8 {
        precedence::ATOM
    }

    /// Writes this node as an item of a SELECT list or RETURNING clause:
    /// as [`render`](Render::render), except that a labelled expression is
    /// written `expr AS "name"` there (and only there).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::render::{Render, SqlWriter};
    /// # use sqlalgebra::orm::doc_models::*;
    /// let next = users::Id.add(1).label("next");
    /// let mut w = SqlWriter::new(&sqlalgebra_sqlite::Sqlite);
    /// next.render_selected(&mut w);
    /// assert_eq!(w.sql(), r#""users"."id" + ? AS "next""#);
    /// let mut w = SqlWriter::new(&sqlalgebra_sqlite::Sqlite);
    /// next.render(&mut w); // elsewhere, the expression alone
    /// assert_eq!(w.sql(), r#""users"."id" + ?"#);
    /// ```
    fn render_selected<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.render(w);
    }

    /// Writes this node as the value of an assignment (an INSERT's
    /// VALUES, an UPDATE's or upsert's SET): as [`render`](Render::render),
    /// except that a bound decimal is bound as it is, to be stored as
    /// written, where rendering elsewhere makes it a number
    /// ([`Dialect::numeric_bind_cast`]).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::render::{Render, SqlWriter};
    /// # use sqlalgebra::orm::doc_models::*;
    /// // A value of an INSERT or UPDATE: written as `render` writes it,
    /// // but for a bound decimal (then not cast to a number on SQLite).
    /// let value = bind::<Text, _>("ann");
    /// let mut w = SqlWriter::new(&sqlalgebra_postgres::Postgres);
    /// value.render_assigned(&mut w);
    /// assert_eq!(w.sql(), "$1");
    /// assert_eq!(w.bind_count(), 1);
    /// ```
    fn render_assigned<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.render(w);
    }

    /// Writes this node as an ORDER BY term: as [`render`](Render::render)
    /// inside [`SqlWriter::push_sort_key`], except that a labelled
    /// expression is written as its name, which ORDER BY may refer to, and
    /// a bound value as one that is not read as a column position.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::render::{Render, SqlWriter};
    /// # use sqlalgebra::orm::doc_models::*;
    /// let n = count(users::Id).label("n");
    /// let mut w = SqlWriter::new(&sqlalgebra_sqlite::Sqlite);
    /// n.render_order_key(&mut w); // ORDER BY may name the label
    /// assert_eq!(w.sql(), r#""n""#);
    /// ```
    fn render_order_key<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_sort_key(|w| self.render(w));
    }

    /// For a tuple (a SELECT list, or GROUP BY or ORDER BY terms): calls
    /// `each` with every element, in order, and returns `true`. `false`,
    /// the default: the node is a single term.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::render::Render;
    /// let mut n = 0;
    /// assert!((bind::<BigInt, _>(1i64), bind::<Text, _>("a")).each_term(&mut |_| n += 1));
    /// assert_eq!(n, 2);
    /// assert!(!bind::<BigInt, _>(1i64).each_term(&mut |_| n += 1));
    /// ```
    fn each_term<'a>(&'a self, each: &mut dyn FnMut(&'a dyn Render)) -> bool {
        let _ = each;
        false
    }

    /// Visits this node for the check that a grouped SELECT refers to
    /// columns only inside aggregates or grouped expressions (see
    /// [`GroupCheck`]): a node calls [`GroupCheck::operand`] with each of
    /// its expressions (not the SELECTs of subqueries),
    /// [`GroupCheck::column`] if it is a column and
    /// [`GroupCheck::aggregate`] if it is an aggregate.
    ///
    /// The default visits nothing: the node is taken as allowed anywhere
    /// (a node of your own, `func(..)`, which may name an aggregate).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, B); type PrimaryKey = A; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
    /// # impl Column for B { type Table = T; type SqlType = BigInt; const NAME: &'static str = "b"; }
    /// use sqlalgebra_postgres::Postgres;
    /// // `B` is in GROUP BY, `A` only inside an aggregate.
    /// let q = select((B.mul(2), max(A))).group_by(B);
    /// assert!(q.to_sql(&Postgres).is_ok());
    /// ```
    fn check_grouping<'a>(&'a self, check: &mut GroupCheck<'_, 'a>) {
        let _ = check;
    }

    /// The label of a labelled expression (`expr.label("n")`), else
    /// `None`, the default.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::render::Render;
    /// assert_eq!(bind::<BigInt, _>(1i64).label("n").label_name(), Some("n"));
    /// ```
    fn label_name(&self) -> Option<&'static str> {
        None
    }

    /// Describes this node's SQL text for the rendered-SQL cache (see
    /// [`SqlKey`]): records its [`NodeTag`], every run-time datum its text
    /// depends on and its children's keys, and collects its bind values in
    /// the order [`render`](Render::render) binds them.
    ///
    /// Returns `false`, the default, when the text cannot be described this
    /// way; a statement holding such a node is rendered on every run. A
    /// node that returns `true` must record everything that makes its text
    /// differ from that of another value of the same kind.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::render::{Render, SqlKey};
    /// # use sqlalgebra::orm::doc_models::*;
    /// let (a, b) = (users::Name.eq("ann"), users::Name.eq("bob"));
    /// let (mut ka, mut kb) = (SqlKey::new(), SqlKey::new());
    /// assert!(a.sql_key(&mut ka) && b.sql_key(&mut kb));
    /// assert_eq!(ka.words(), kb.words()); // one SQL text, cached once
    /// assert_eq!(ka.bind_count(), 1);
    /// ```
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        let _ = key;
        false
    }

    /// The value this node binds when it is a lone bind parameter (as the
    /// values of `is_in([..])` are), else `None`, the default. An `IN`
    /// list whose values are all bind parameters renders as one array
    /// parameter on the dialects that [bind arrays](Dialect::binds_arrays).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::render::Render;
    /// use sqlalgebra::value::ValueRef;
    /// assert_eq!(bind::<BigInt, _>(7i64).bound_value(), Some(ValueRef::Int(7)));
    /// ```
    #[inline]
    fn bound_value(&self) -> Option<ValueRef<'_>> {
        None
    }

    /// For a comparison that keeps only rows where an expression equals
    /// one of some bound values (`expr = v`, `v = expr`, `expr IN (v, ..)`):
    /// calls `each` with the expression and the values, whatever casts
    /// rendering adds around them. A sharded engine reads which shards a
    /// WHERE clause allows from it. The default: none.
    #[doc(hidden)]
    fn restricts<'a>(&'a self, each: &mut dyn FnMut(&'a dyn Render, &[ValueRef<'a>])) {
        let _ = each;
    }

    /// For an ORDER BY term: the expression it sorts by, whether it sorts
    /// descending, and where it puts NULLs when it says (`Some(true)`:
    /// first). `None`, the default: the node is an expression sorted
    /// ascending.
    #[doc(hidden)]
    fn sort_term(&self) -> Option<(&dyn Render, bool, Option<bool>)> {
        None
    }

    /// Evaluates this node in Rust on `row`, as the database would: the
    /// value of a column, a bind, a comparison, AND/OR/NOT, IS NULL, IN,
    /// integer arithmetic. `None`, the default, when it cannot be
    /// evaluated exactly (functions, subqueries, text on a
    /// case-insensitive collation): the ORM then asks the database (see
    /// [`Synchronize`](crate::orm::Synchronize)).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::render::{EvalRow, Render};
    /// use sqlalgebra::value::ValueRef;
    /// struct NoColumns;
    /// impl EvalRow for NoColumns {
    ///     fn cell(&self, _: &str, _: &str) -> Option<ValueRef<'_>> { None }
    ///     fn binary_text(&self) -> bool { true }
    /// }
    /// let p = bind::<BigInt, _>(2i64).lt(3i64).and(bind::<Text, _>("a").is_not_null());
    /// assert_eq!(p.evaluate(&NoColumns), Some(ValueRef::Bool(true)));
    /// // Concatenation is not evaluated (MySQL's CONCAT and NULLs differ).
    /// assert_eq!(bind::<Text, _>("a").concat("b").evaluate(&NoColumns), None);
    /// ```
    fn evaluate<'a>(&'a self, row: &'a dyn EvalRow) -> Option<ValueRef<'a>> {
        let _ = row;
        None
    }
}

/// The output of rendering: SQL text and the values bound to its
/// placeholders, in order.
///
/// ```
/// use sqlalgebra::render::Rendered;
/// let r = Rendered { sql: "SELECT 1".into(), binds: Default::default() };
/// assert_eq!(r.to_string(), "SELECT 1");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered<'a> {
    /// The SQL text.
    pub sql: String,
    /// The bind values, one per placeholder.
    pub binds: Binds<'a>,
}

impl std::fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.sql)
    }
}

/// Where a statement is written: SQL text, bind values and the dialect.
///
/// ```
/// use sqlalgebra::render::{Dialect, SqlWriter};
/// use sqlalgebra::value::ValueRef;
/// #[derive(Debug)]
/// struct Pg;
/// impl Dialect for Pg {
///     fn name(&self) -> &'static str { "pg" }
///     fn write_placeholder(&self, out: &mut String, n: usize) {
///         out.push('$');
///         sqlalgebra::render::push_int(out, n as i64);
///     }
/// }
/// let mut w = SqlWriter::new(&Pg);
/// w.push_sql("SELECT ");
/// w.push_ident("id");
/// w.push_sql(" WHERE x = ");
/// w.push_bind(ValueRef::Int(1));
/// let r = w.finish().unwrap();
/// assert_eq!(r.sql, r#"SELECT "id" WHERE x = $1"#);
/// ```
pub struct SqlWriter<'a> {
    sql: String,
    binds: Binds<'a>,
    dialect: &'a dyn Dialect,
    error: Option<Error>,
    /// The FROM tables of the enclosing SELECTs, innermost last: a
    /// subquery that refers to them is correlated and does not list them.
    scope: TableSet<'a>,
    unqualified: bool,
    /// Whether a column must belong to a table in [`scope`](Self::scope)
    /// (inside UPDATE and DELETE, whose tables are not inferred).
    strict: bool,
    /// A table that no SELECT inside may read: the target of a MySQL
    /// UPDATE or DELETE of several tables (its error 1093).
    unreadable: Option<&'static str>,
    /// Whether a GROUP BY or ORDER BY term is being written (see
    /// [`push_sort_key`](Self::push_sort_key)).
    sort_key: bool,
    /// Placeholders written so far: the binds but for the elements of
    /// array parameters ([`ValueRef::Array`]).
    params: usize,
    /// The SELECT list whose GROUP BY, HAVING or ORDER BY is being
    /// written (see `terms.rs`).
    terms: Option<SelectTerms<'a>>,
    /// While an expression of the SELECT list is written again with its
    /// own placeholders: the placeholders before the next one.
    replay: Option<usize>,
}

impl<'a> SqlWriter<'a> {
    /// A writer for `dialect` with room for a typical statement, so that
    /// rendering one allocates once (tests/alloc.rs checks it).
    ///
    /// ```
    /// use sqlalgebra::render::SqlWriter;
    /// let mut w = SqlWriter::new(&sqlalgebra_sqlite::Sqlite);
    /// w.push_sql("SELECT 1");
    /// assert_eq!(w.finish().unwrap().sql, "SELECT 1");
    /// ```
    #[inline]
    pub fn new(dialect: &'a dyn Dialect) -> Self {
        Self::with_buffer(dialect, String::with_capacity(Self::INITIAL_CAPACITY))
    }

    /// The SQL buffer's first capacity: a three-column SELECT with a join,
    /// three predicates, ORDER BY and LIMIT over long quoted names is about
    /// 400 bytes; 1 KiB costs one allocation all the same.
    pub const INITIAL_CAPACITY: usize = 1024;

    /// A writer that appends to `buf` (cleared first), so a caller can
    /// reuse one allocation across statements.
    ///
    /// ```
    /// use sqlalgebra::render::SqlWriter;
    /// let mut w = SqlWriter::with_buffer(&sqlalgebra_sqlite::Sqlite, String::from("old text"));
    /// w.push_sql("SELECT 2");
    /// assert_eq!(w.sql(), "SELECT 2");
    /// ```
    #[inline]
    pub fn with_buffer(dialect: &'a dyn Dialect, mut buf: String) -> Self {
        buf.clear();
        SqlWriter {
            sql: buf,
            binds: Binds::new(),
            dialect,
            error: None,
            scope: TableSet::new(),
            unqualified: false,
            strict: false,
            unreadable: None,
            sort_key: false,
            params: 0,
            terms: None,
            replay: None,
        }
    }

    /// The dialect being written.
    ///
    /// ```
    /// use sqlalgebra::render::SqlWriter;
    /// let w = SqlWriter::new(&sqlalgebra_postgres::Postgres);
    /// assert_eq!(w.dialect().name(), "postgresql");
    /// ```
    pub fn dialect(&self) -> &'a dyn Dialect {
        self.dialect
    }

    /// Writes a GROUP BY or ORDER BY term (or several) with `write`, which
    /// [`in_sort_key`](Self::in_sort_key) then tells the nodes: there a
    /// constant must not look like an integer literal, which SQLite and
    /// MySQL read as a column position (SQLite folds `1 IS NULL` into one
    /// too), and a boolean constant must not stand alone, which PostgreSQL
    /// refuses.
    ///
    /// ```
    /// use sqlalgebra::render::SqlWriter;
    /// let mut w = SqlWriter::new(&sqlalgebra_sqlite::Sqlite);
    /// w.push_sort_key(|w| assert!(w.in_sort_key()));
    /// assert!(!w.in_sort_key());
    /// ```
    pub fn push_sort_key(&mut self, write: impl FnOnce(&mut Self)) {
        let outer = std::mem::replace(&mut self.sort_key, true);
        write(self);
        self.sort_key = outer;
    }

    /// Whether a GROUP BY or ORDER BY term is being written
    /// ([`push_sort_key`](Self::push_sort_key)).
    ///
    /// ```
    /// let w = sqlalgebra::render::SqlWriter::new(&sqlalgebra_sqlite::Sqlite);
    /// assert!(!w.in_sort_key());
    /// ```
    pub fn in_sort_key(&self) -> bool {
        self.sort_key
    }

    /// Appends SQL text (keywords, punctuation). Never pass values here.
    ///
    /// ```
    /// use sqlalgebra::render::SqlWriter;
    /// let mut w = SqlWriter::new(&sqlalgebra_sqlite::Sqlite);
    /// w.push_sql("SELECT ");
    /// w.push_sql("1");
    /// assert_eq!(w.sql(), "SELECT 1");
    /// ```
    #[inline]
    pub fn push_sql(&mut self, sql: &str) {
        self.sql.push_str(sql);
    }

    /// Appends an identifier, quoted by the dialect.
    ///
    /// ```
    /// use sqlalgebra::render::{Dialect, SqlWriter};
    /// let ident = |d: &dyn Dialect| {
    ///     let mut w = SqlWriter::new(d);
    ///     w.push_ident("order");
    ///     w.sql().to_owned()
    /// };
    /// assert_eq!(ident(&sqlalgebra_sqlite::Sqlite), "\"order\"");
    /// assert_eq!(ident(&sqlalgebra_postgres::Postgres), "\"order\"");
    /// assert_eq!(ident(&sqlalgebra_mysql::Mysql), "`order`");
    /// ```
    #[inline]
    pub fn push_ident(&mut self, ident: &str) {
        self.dialect.write_ident(&mut self.sql, ident);
    }

    /// Appends `table.column`, both quoted, or only `column` where
    /// columns are written unqualified (see [`set_unqualified`](Self::set_unqualified)).
    ///
    /// Inside an UPDATE or DELETE, a column of a table that the statement
    /// does not name records [`ErrorKind::TableNotInStatement`].
    ///
    /// ```
    /// use sqlalgebra::render::SqlWriter;
    /// let mut w = SqlWriter::new(&sqlalgebra_mysql::Mysql);
    /// w.push_qualified("users", "name");
    /// assert_eq!(w.sql(), "`users`.`name`");
    /// ```
    #[inline]
    pub fn push_qualified(&mut self, table: &str, column: &str) {
        if self.strict && !self.scope.iter().any(|t| t.exposed_name() == table) {
            self.fail(
                ErrorKind::TableNotInStatement {
                    table: table.to_owned(),
                    column: column.to_owned(),
                }
                .into(),
            );
        }
        if !self.unqualified {
            self.push_ident(table);
            self.sql.push('.');
        }
        self.push_ident(column);
    }

    /// Switches to writing columns without their table (as ORDER BY of a
    /// UNION, RETURNING and ON CONFLICT need) or back; returns the previous
    /// setting, to restore afterwards.
    ///
    /// ```
    /// use sqlalgebra::render::SqlWriter;
    /// let mut w = SqlWriter::new(&sqlalgebra_sqlite::Sqlite);
    /// let before = w.set_unqualified(true);
    /// w.push_qualified("users", "name");
    /// w.set_unqualified(before);
    /// assert_eq!(w.sql(), "\"name\"");
    /// ```
    pub fn set_unqualified(&mut self, on: bool) -> bool {
        std::mem::replace(&mut self.unqualified, on)
    }

    /// Switches the check that every column belongs to a table in scope
    /// (see [`push_qualified`](Self::push_qualified)) on or off; returns
    /// the previous setting, to restore afterwards.
    pub(crate) fn set_strict(&mut self, on: bool) -> bool {
        std::mem::replace(&mut self.strict, on)
    }

    /// Makes `table` one that no SELECT inside may read (or lifts that);
    /// returns the previous setting, to restore afterwards.
    pub(crate) fn set_unreadable(&mut self, table: Option<&'static str>) -> Option<&'static str> {
        std::mem::replace(&mut self.unreadable, table)
    }

    /// Records [`ErrorKind::Unsupported`] when a SELECT inside reads `table`
    /// although it may not (see [`set_unreadable`](Self::set_unreadable)).
    pub(crate) fn check_readable(&mut self, table: &TableRef<'_>) {
        if self.unreadable == Some(table.name) {
            self.unsupported(
                "a subquery that reads the table an UPDATE or DELETE of several tables writes \
                 (MySQL error 1093)",
            );
        }
    }

    /// Hides every enclosing table, for a query that may not be correlated
    /// (a derived table, a CTE's body); give the result back to
    /// [`restore_scope`](Self::restore_scope) afterwards.
    pub(crate) fn isolate_scope(&mut self) -> TableSet<'a> {
        std::mem::take(&mut self.scope)
    }

    /// Ends [`isolate_scope`](Self::isolate_scope).
    pub(crate) fn restore_scope(&mut self, scope: TableSet<'a>) {
        self.scope = scope;
    }

    /// Whether `table` is in the FROM clause of an enclosing SELECT.
    ///
    /// ```
    /// use sqlalgebra::render::{SqlWriter, TableRef};
    /// let mut w = SqlWriter::new(&sqlalgebra_sqlite::Sqlite);
    /// let users = TableRef::new("users");
    /// assert!(!w.is_outer_table(&users));
    /// let mark = w.enter_scope(&[users]);
    /// assert!(w.is_outer_table(&users));
    /// w.leave_scope(mark);
    /// assert!(!w.is_outer_table(&users));
    /// ```
    pub fn is_outer_table(&self, table: &TableRef<'_>) -> bool {
        self.scope.iter().any(|t| t == table)
    }

    /// Makes `tables` visible to the subqueries rendered until
    /// [`leave_scope`](Self::leave_scope) is called with the returned mark.
    ///
    /// ```
    /// use sqlalgebra::render::{SqlWriter, TableRef};
    /// let mut w = SqlWriter::new(&sqlalgebra_sqlite::Sqlite);
    /// let outer = w.enter_scope(&[TableRef::new("users")]);
    /// let inner = w.enter_scope(&[TableRef::new("orders")]);
    /// assert!(w.is_outer_table(&TableRef::new("orders")));
    /// w.leave_scope(inner);
    /// assert!(!w.is_outer_table(&TableRef::new("orders")));
    /// assert!(w.is_outer_table(&TableRef::new("users")));
    /// w.leave_scope(outer);
    /// ```
    pub fn enter_scope(&mut self, tables: &[TableRef<'a>]) -> usize {
        let mark = self.scope.len();
        self.scope.extend_from_slice(tables);
        mark
    }

    /// [`enter_scope`](Self::enter_scope) for tables from several places,
    /// without collecting them first.
    pub(crate) fn enter_scope_iter(
        &mut self,
        tables: impl IntoIterator<Item = TableRef<'a>>,
    ) -> usize {
        let mark = self.scope.len();
        self.scope.extend(tables);
        mark
    }

    /// Ends a scope begun by [`enter_scope`](Self::enter_scope).
    ///
    /// ```
    /// use sqlalgebra::render::{SqlWriter, TableRef};
    /// let mut w = SqlWriter::new(&sqlalgebra_sqlite::Sqlite);
    /// let mark = w.enter_scope(&[TableRef::new("users")]);
    /// w.leave_scope(mark);
    /// assert!(!w.is_outer_table(&TableRef::new("users")));
    /// ```
    pub fn leave_scope(&mut self, mark: usize) {
        self.scope.truncate(mark);
    }

    /// Appends a table as it stands in FROM: `"name"` or `"name" AS "alias"`.
    ///
    /// ```
    /// use sqlalgebra::render::{SqlWriter, TableRef};
    /// let mut w = SqlWriter::new(&sqlalgebra_mysql::Mysql);
    /// w.push_table(TableRef { name: "users", alias: Some("u") });
    /// assert_eq!(w.sql(), "`users` AS `u`");
    /// ```
    pub fn push_table(&mut self, t: TableRef<'_>) {
        self.push_ident(t.name);
        if let Some(alias) = t.alias {
            self.push_sql(" AS ");
            self.push_ident(alias);
        }
    }

    /// Appends a placeholder and records the value bound to it.
    ///
    /// ```
    /// use sqlalgebra::render::{Dialect, SqlWriter};
    /// use sqlalgebra::value::ValueRef;
    /// let two = |d: &dyn Dialect| {
    ///     let mut w = SqlWriter::new(d);
    ///     w.push_bind(ValueRef::Int(1));
    ///     w.push_sql(", ");
    ///     w.push_bind(ValueRef::Text("a"));
    ///     assert_eq!(w.bind_count(), 2);
    ///     w.finish().unwrap().sql
    /// };
    /// assert_eq!(two(&sqlalgebra_sqlite::Sqlite), "?, ?");
    /// assert_eq!(two(&sqlalgebra_postgres::Postgres), "$1, $2");
    /// assert_eq!(two(&sqlalgebra_mysql::Mysql), "?, ?");
    /// ```
    #[inline]
    pub fn push_bind(&mut self, value: ValueRef<'a>) {
        if self.write_replayed() {
            return;
        }
        self.binds.push(value);
        self.params += 1;
        self.dialect.write_placeholder(&mut self.sql, self.params);
    }

    /// Appends one placeholder for an array of `values`, recorded as
    /// [`ValueRef::Array`] followed by the values. Only for dialects that
    /// [bind arrays](Dialect::binds_arrays).
    ///
    /// ```
    /// use sqlalgebra::render::SqlWriter;
    /// use sqlalgebra::value::ValueRef;
    /// let mut w = SqlWriter::new(&sqlalgebra_postgres::Postgres);
    /// w.push_sql("x = ANY(");
    /// w.push_array_bind([ValueRef::Int(1), ValueRef::Int(2)]);
    /// w.push_sql(") AND y = ");
    /// w.push_bind(ValueRef::Int(3));
    /// let r = w.finish().unwrap();
    /// assert_eq!(r.sql, "x = ANY($1) AND y = $2");
    /// assert_eq!(r.binds.len(), 4);
    /// ```
    pub fn push_array_bind<I>(&mut self, values: I)
    where
        I: IntoIterator<Item = ValueRef<'a>>,
        I::IntoIter: ExactSizeIterator,
    {
        if self.write_replayed() {
            return;
        }
        push_array(&mut self.binds, values);
        self.params += 1;
        self.dialect.write_placeholder(&mut self.sql, self.params);
    }

    /// While a repeated expression is written with the placeholders it
    /// had before: writes the next of them and returns `true`.
    #[inline]
    fn write_replayed(&mut self) -> bool {
        match self.replay {
            Some(n) => {
                self.replay = Some(n + 1);
                self.dialect.write_placeholder(&mut self.sql, n + 1);
                true
            }
            None => false,
        }
    }

    /// Appends a decimal integer literal (for lengths and counts in DDL,
    /// never for user values).
    ///
    /// ```
    /// use sqlalgebra::render::SqlWriter;
    /// let mut w = SqlWriter::new(&sqlalgebra_sqlite::Sqlite);
    /// w.push_sql("VARCHAR(");
    /// w.push_int(255);
    /// w.push_sql(")");
    /// assert_eq!(w.sql(), "VARCHAR(255)");
    /// ```
    pub fn push_int(&mut self, n: i64) {
        push_int(&mut self.sql, n);
    }

    /// Appends the name of a type as the target of a `CAST`, spelled by the
    /// dialect ([`Dialect::write_cast_type`]).
    ///
    /// ```
    /// use sqlalgebra::render::SqlWriter;
    /// use sqlalgebra::types::SqlKind;
    /// let mut w = SqlWriter::new(&sqlalgebra_postgres::Postgres);
    /// w.push_cast_type(SqlKind::BigInt);
    /// assert_eq!(w.sql(), "BIGINT");
    /// ```
    pub fn push_cast_type(&mut self, kind: crate::types::SqlKind) {
        self.dialect.write_cast_type(&mut self.sql, kind);
    }

    /// Renders `node`, in parentheses when its precedence is below `min`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::render::SqlWriter;
    /// let sum = bind::<BigInt, _>(1).add(2);
    /// let mut w = SqlWriter::new(&sqlalgebra_sqlite::Sqlite);
    /// w.push_operand(&sum, u8::MAX); // above any precedence: parenthesized
    /// assert_eq!(w.sql(), "(? + ?)");
    /// let mut w = SqlWriter::new(&sqlalgebra_sqlite::Sqlite);
    /// w.push_operand(&sum, 0);
    /// assert_eq!(w.sql(), "? + ?");
    /// ```
    #[inline]
    pub fn push_operand<R: Render + ?Sized>(&mut self, node: &'a R, min: u8) {
        if node.precedence() < min {
            self.sql.push('(');
            node.render(self);
            self.sql.push(')');
        } else {
            node.render(self);
        }
    }

    /// Renders each node, separated by `sep`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::render::SqlWriter;
    /// let values = [bind::<BigInt, _>(1), bind::<BigInt, _>(2)];
    /// let mut w = SqlWriter::new(&sqlalgebra_postgres::Postgres);
    /// w.push_list(&values, ", ");
    /// assert_eq!(w.sql(), "$1, $2");
    /// ```
    pub fn push_list<R: Render>(&mut self, nodes: &'a [R], sep: &str) {
        for (i, n) in nodes.iter().enumerate() {
            if i > 0 {
                self.sql.push_str(sep);
            }
            n.render(self);
        }
    }

    /// Records an error; rendering goes on, and [`finish`](Self::finish)
    /// returns the first error recorded.
    ///
    /// ```
    /// use sqlalgebra::render::SqlWriter;
    /// let mut w = SqlWriter::new(&sqlalgebra_sqlite::Sqlite);
    /// w.fail(sqlalgebra::ErrorKind::NotFound.into());
    /// w.fail(sqlalgebra::ErrorKind::TooManyRows.into());
    /// assert!(matches!(w.finish().as_ref().map_err(sqlalgebra::Error::kind), Err(sqlalgebra::ErrorKind::NotFound)));
    /// ```
    pub fn fail(&mut self, error: Error) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }

    /// Records that the dialect cannot render `feature`.
    ///
    /// ```
    /// use sqlalgebra::render::SqlWriter;
    /// let mut w = SqlWriter::new(&sqlalgebra_mysql::Mysql);
    /// w.unsupported("FULL OUTER JOIN");
    /// assert!(matches!(w.finish().as_ref().map_err(sqlalgebra::Error::kind), Err(sqlalgebra::ErrorKind::Unsupported { feature: "FULL OUTER JOIN", .. })));
    /// ```
    pub fn unsupported(&mut self, feature: &'static str) {
        let dialect = self.dialect.name();
        self.fail(ErrorKind::Unsupported { dialect, feature }.into());
    }

    /// The SQL written so far.
    ///
    /// ```
    /// use sqlalgebra::render::SqlWriter;
    /// let mut w = SqlWriter::new(&sqlalgebra_sqlite::Sqlite);
    /// w.push_sql("SELECT");
    /// assert_eq!(w.sql(), "SELECT");
    /// ```
    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// How many values are bound so far (an array parameter counts as its
    /// marker and its elements).
    ///
    /// ```
    /// use sqlalgebra::render::SqlWriter;
    /// use sqlalgebra::value::ValueRef;
    /// let mut w = SqlWriter::new(&sqlalgebra_sqlite::Sqlite);
    /// w.push_bind(ValueRef::Null);
    /// assert_eq!(w.bind_count(), 1);
    /// ```
    pub fn bind_count(&self) -> usize {
        self.binds.len()
    }

    /// The finished SQL and binds, or the first error recorded.
    ///
    /// ```
    /// use sqlalgebra::render::SqlWriter;
    /// use sqlalgebra::value::ValueRef;
    /// let mut w = SqlWriter::new(&sqlalgebra_postgres::Postgres);
    /// w.push_sql("SELECT ");
    /// w.push_bind(ValueRef::Int(7));
    /// let r = w.finish()?;
    /// assert_eq!(r.sql, "SELECT $1");
    /// assert_eq!(r.binds.len(), 1);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    ///
    /// # Errors
    /// The first error a node recorded with [`fail`](Self::fail).
    #[inline]
    pub fn finish(self) -> Result<Rendered<'a>> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(Rendered {
                sql: self.sql,
                binds: self.binds,
            }),
        }
    }
}

/// A statement made of rows (a multi-row INSERT) that can be rendered for
/// a range of its rows, so a long one can be split under the driver's bind
/// limit.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::render::SqlWriter;
/// # use sqlalgebra::orm::doc_models::*;
/// # fn main() -> sqlalgebra::Result<()> {
/// let names = ["a", "b", "c", "d", "e"];
/// let q = insert_into(Tags).values(names.map(|n| tags::Name.set(n)).to_vec());
/// let rows = q.row_chunks().expect("an INSERT has rows");
/// // At most 2 rows per statement: 3 statements.
/// let mut sizes = Vec::new();
/// for start in (0..rows.row_count()).step_by(2) {
///     let mut w = SqlWriter::new(&sqlalgebra_sqlite::Sqlite);
///     rows.render_rows(&mut w, start..(start + 2).min(rows.row_count()));
///     sizes.push(w.finish()?.binds.len());
/// }
/// assert_eq!(sizes, [2, 2, 1]);
/// # Ok(()) }
/// ```
pub trait RowChunks {
    /// How many rows.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let q = insert_into(Tags).values(vec![tags::Name.set("a"), tags::Name.set("b"), tags::Name.set("c")]);
    /// let rows = q.row_chunks().expect("an INSERT splits by rows");
    /// assert_eq!(rows.row_count(), 3);
    /// ```
    fn row_count(&self) -> usize;
    /// Renders the statement for the rows in `rows` only.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::render::SqlWriter;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let q = insert_into(Tags).values(vec![tags::Name.set("a"), tags::Name.set("b"), tags::Name.set("c")]);
    /// let rows = q.row_chunks().expect("an INSERT splits by rows");
    /// let mut w = SqlWriter::new(&sqlalgebra_postgres::Postgres);
    /// rows.render_rows(&mut w, 1..3); // the last two rows only
    /// assert_eq!(w.sql(), r#"INSERT INTO "tags" ("name") VALUES ($1), ($2)"#);
    /// assert_eq!(w.bind_count(), 2);
    /// ```
    fn render_rows<'a>(&'a self, w: &mut SqlWriter<'a>, rows: std::ops::Range<usize>);
}

/// A whole statement: something that can be rendered to SQL on its own and
/// sent to a database.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # use sqlalgebra::orm::doc_models::*;
/// // Any whole statement renders on its own.
/// fn sql_of<S: Statement>(s: &S) -> String {
///     s.to_sql(&sqlalgebra_postgres::Postgres).map(|r| r.sql).unwrap_or_default()
/// }
/// assert_eq!(
///     sql_of(&delete_from(Tags).filter(tags::Id.eq(1))),
///     r#"DELETE FROM "tags" WHERE "tags"."id" = $1"#
/// );
/// assert_eq!(
///     sql_of(&update(Tags).set(tags::Name.set("red")).filter(tags::Id.eq(1))),
///     r#"UPDATE "tags" SET "name" = $1 WHERE "tags"."id" = $2"#
/// );
/// ```
pub trait Statement: Render {
    /// For statements that can be split into several by rows (INSERT), the
    /// way to render a range of rows.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let insert = insert_into(Tags).values(vec![tags::Name.set("a"), tags::Name.set("b")]);
    /// assert_eq!(insert.row_chunks().map(|r| r.row_count()), Some(2));
    /// assert!(select(tags::Name).row_chunks().is_none()); // a SELECT is one statement
    /// ```
    fn row_chunks(&self) -> Option<&dyn RowChunks> {
        None
    }

    /// Renders the statement for `dialect`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::value::ValueRef;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// let q = select(users::Name).filter(users::Id.eq(7)).limit(1);
    /// let r = q.to_sql(&sqlalgebra_postgres::Postgres)?;
    /// assert_eq!(r.sql, r#"SELECT "users"."name" FROM "users" WHERE "users"."id" = $1 LIMIT $2"#);
    /// assert_eq!(r.binds[..], [ValueRef::Int(7), ValueRef::Int(1)]);
    /// assert_eq!(
    ///     q.to_sql(&sqlalgebra_mysql::Mysql)?.sql,
    ///     "SELECT `users`.`name` FROM `users` WHERE `users`.`id` = ? LIMIT ?"
    /// );
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// When the dialect cannot express the statement, or the statement is
    /// incomplete (for example a `text()` bind is missing).
    #[inline]
    fn to_sql<'a>(&'a self, dialect: &'a dyn Dialect) -> Result<Rendered<'a>> {
        let mut w = SqlWriter::new(dialect);
        self.render(&mut w);
        w.finish()
    }
}
