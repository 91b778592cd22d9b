//! The model behind the `render_expr` fuzz target, shared with the replay
//! test `tests/fuzz_corpus.rs` of the main workspace (which includes this
//! file as a module, so it uses nothing but `sqlalgebra`, its PostgreSQL
//! and MySQL dialects, and `arbitrary`).
//!
//! The algebra is statically typed, so a random shape cannot be written as
//! one Rust type. The fuzzer decodes its bytes into a [`Case`], a plain
//! description of a statement (an enum tree derived with `arbitrary`), and
//! [`build`] turns it into real sqlalgebra nodes, erased behind [`Dyn`]
//! (a `Box<dyn Render>` carrying a SQL type tag) so that any shape fits.
//!
//! The builder keeps every statement valid SQL for SQLite (the replay test
//! prepares the SQLite rendering): columns only of tables in scope,
//! aggregates only where SQL allows them, no nested aggregates, `text()`
//! made of well-formed fragments. Shapes that sqlalgebra must refuse (an
//! INSERT of no rows, a JOIN with nothing to join onto, `text()` with a
//! missing or unused bind) are built on purpose and the refusal is checked.
//!
//! Statements cover SELECT (joins, an aliased second join, WHERE, GROUP BY,
//! HAVING, ORDER BY, LIMIT / OFFSET, DISTINCT, the switch to a boxed
//! SELECT), INSERT of one or several rows, UPDATE, DELETE, raw `text()`,
//! and inside expressions EXISTS, IN (SELECT ...) and scalar subqueries.
//!
//! The corpus is bytes: changing these description types changes what
//! each corpus file decodes to (it still decodes). After such a change,
//! refresh `corpus/render_expr/` (see `examples/pick_corpus.rs`); cases
//! that must keep their meaning are written out as [`Case`] values in
//! `tests/fuzz_corpus.rs` instead.
//!
//! [`check_case`] renders each case in every dialect given and checks:
//! - rendering never panics, and fails exactly when the model expects it to;
//! - rendering is deterministic;
//! - placeholders match binds: `?` count outside quotes and comments equals
//!   the bind count (SQLite, MySQL), or `$1..$n` first appearing in order
//!   (a grouped expression may repeat its numbers, `render/unify.rs`)
//!   (PostgreSQL); no other parameter syntax (`$`, `:name`) survives;
//! - quotes (single, double, backtick) and block comments are closed, and
//!   parentheses balance outside them;
//! - no bind value's text appears in the SQL unless the same text is in
//!   the SQL of the statement with every value blanked (so it is an
//!   identifier, a keyword or punctuation), and blanking every value
//!   changes no SQL at all: values never shape the text;
//! - every dialect binds the same values in the same order.

use std::marker::PhantomData;

use arbitrary::{Arbitrary, Unstructured};
use sqlalgebra::expr::{BoolLiteral, Expression};
use sqlalgebra::prelude::*;
use sqlalgebra::query::{
    Assignments, BoxedSelect, Clause, ExplicitFrom, FromClause, Inferred, InsertValues,
    MaybeClause, Modifiers, Select, Value,
};
use sqlalgebra::render::{Dialect, Render, SqlWriter, TableRef, TableSet};
use sqlalgebra::schema::QuerySource;
use sqlalgebra::types::SqlType;
use sqlalgebra::value::ValueRef;

pub use schema::{Orders, Users, orders, users};

/// The fixed schema: two tables with several SQL types, a keyword as a
/// table name, and column names with a backtick, a double quote and a `?`.
pub mod schema {
    use sqlalgebra::prelude::*;

    macro_rules! column {
        ($(#[$doc:meta])* $name:ident, $table:ty, $st:ty, $sql:literal $(, $($extra:tt)*)?) => {
            $(#[$doc])*
            #[derive(Clone, Copy, Debug, Default)]
            pub struct $name;
            impl Column for $name {
                type Table = $table;
                type SqlType = $st;
                const NAME: &'static str = $sql;
                $($($extra)*)?
            }
        };
    }

    /// `users`.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Users;
    impl Table for Users {
        const NAME: &'static str = "users";
        type Columns = (
            users::Id,
            users::Name,
            users::Nickname,
            users::Age,
            users::Score,
            users::Active,
            users::Avatar,
        );
        type PrimaryKey = users::Id;
    }

    /// Columns of `users`.
    pub mod users {
        use sqlalgebra::prelude::*;
        column!(
            /// `id`, the key.
            Id, super::Users, BigInt, "id", const AUTOINCREMENT: bool = true;
        );
        column!(
            /// `name`.
            Name, super::Users, Varchar<30>, "name"
        );
        column!(
            /// ``nick`name``: a backtick in a column name.
            Nickname, super::Users, Nullable<Text>, "nick`name"
        );
        column!(
            /// `age`.
            Age, super::Users, Integer, "age"
        );
        column!(
            /// `score`.
            Score, super::Users, Double, "score"
        );
        column!(
            /// `active`.
            Active, super::Users, Bool, "active"
        );
        column!(
            /// `avatar`.
            Avatar, super::Users, Nullable<Blob>, "avatar"
        );
    }

    /// `order`: a SQL keyword as a table name.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Orders;
    impl Table for Orders {
        const NAME: &'static str = "order";
        type Columns = (
            orders::Id,
            orders::UserId,
            orders::Amount,
            orders::Qty,
            orders::Note,
            orders::Shipped,
            orders::Weight,
        );
        type PrimaryKey = orders::Id;
    }

    /// Columns of `order`.
    pub mod orders {
        use sqlalgebra::prelude::*;
        column!(
            /// `id`, the key.
            Id, super::Orders, BigInt, "id", const AUTOINCREMENT: bool = true;
        );
        column!(
            /// `user_id`, referencing `users.id`.
            UserId, super::Orders, BigInt, "user_id",
            const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<super::users::Id>());
        );
        column!(
            /// `amount`.
            Amount, super::Orders, Nullable<Double>, "amount"
        );
        column!(
            /// `qty`.
            Qty, super::Orders, SmallInt, "qty"
        );
        column!(
            /// `note?`: a question mark in a column name.
            Note, super::Orders, Nullable<Varchar<200>>, "note?"
        );
        column!(
            /// `shipped`.
            Shipped, super::Orders, Nullable<Bool>, "shipped"
        );
        column!(
            /// `we"ight`: a double quote in a column name.
            Weight, super::Orders, Real, "we\"ight"
        );
    }
}

// ---------------------------------------------------------------------------
// Type erasure
// ---------------------------------------------------------------------------

/// Any rendered node, tagged with the SQL type `ST` it stands for so that
/// the typed methods (`eq`, `like`, `sum`, ...) accept it.
///
/// The tag is trusted: rendering does not depend on it.
pub struct Dyn<ST> {
    node: Box<dyn Render>,
    _sql_type: PhantomData<fn() -> ST>,
}

impl<ST> Dyn<ST> {
    /// Erases `node`.
    pub fn new(node: impl Render + 'static) -> Self {
        Dyn {
            node: Box::new(node),
            _sql_type: PhantomData,
        }
    }

    /// The same node under another SQL type tag.
    pub fn retag<ST2>(self) -> Dyn<ST2> {
        Dyn {
            node: self.node,
            _sql_type: PhantomData,
        }
    }
}

impl<ST> Render for Dyn<ST> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.node.render(w);
    }
    fn render_order_key<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.node.render_order_key(w);
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.node.collect_tables(out);
    }
    fn precedence(&self) -> u8 {
        self.node.precedence()
    }
}

impl<ST: SqlType> Expression for Dyn<ST> {
    type SqlType = ST;
}

/// A table chosen at run time, possibly aliased, for FROM and JOIN.
#[derive(Debug, Clone, Copy)]
pub struct DynTable(TableRef<'static>);

impl QuerySource for DynTable {
    fn table_ref(&self) -> TableRef<'static> {
        self.0
    }
}

/// The alias of the second (aliased) join: a double quote in an alias.
pub const ALIAS: &str = "t\"2";

// ---------------------------------------------------------------------------
// The description decoded from the fuzzer's bytes
// ---------------------------------------------------------------------------

/// One fuzz case: a statement to build and render.
#[derive(Arbitrary, Debug, Clone)]
pub enum Case {
    /// A SELECT.
    Select(Box<SelectDesc>),
    /// An INSERT.
    Insert(InsertDesc),
    /// An UPDATE.
    Update(UpdateDesc),
    /// A DELETE.
    Delete(DeleteDesc),
    /// Raw `text()` with `:name` binds.
    Text(TextDesc),
}

/// Decodes a fuzz input the way the fuzz target does.
pub fn decode(bytes: &[u8]) -> Option<Case> {
    Case::arbitrary_take_rest(Unstructured::new(bytes)).ok()
}

/// One of the two tables.
#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableId {
    /// `users`.
    Users,
    /// `order`.
    Orders,
}

impl TableId {
    fn mask(self) -> u8 {
        match self {
            TableId::Users => USERS,
            TableId::Orders => ORDERS,
        }
    }
    fn other(self) -> TableId {
        match self {
            TableId::Users => TableId::Orders,
            TableId::Orders => TableId::Users,
        }
    }
    fn name(self) -> &'static str {
        match self {
            TableId::Users => <Users as Table>::NAME,
            TableId::Orders => <Orders as Table>::NAME,
        }
    }
}

/// Strings that have broken SQL builders: quotes, comment starters,
/// placeholder syntax, LIKE wildcards, backslashes, NUL, non-ASCII, and
/// words that are also identifiers or keywords of the rendered SQL.
pub const HOSTILE: &[&str] = &[
    "",
    "'",
    "''",
    "\"",
    "`",
    "?",
    "$1",
    ":name",
    ":a",
    "' OR '1'='1",
    "'; DROP TABLE \"users\"; --",
    "\\",
    "\\'",
    "%",
    "_",
    "/",
    "50%_off/now",
    "\0",
    "é",
    "🦀",
    ") OR (1=1",
    "*/",
    "/*",
    "--",
    "users",
    "SELECT",
    "NULL",
    "nick`name",
    "note?",
    "we\"ight",
];

/// A string value: one of [`HOSTILE`] or anything.
#[derive(Arbitrary, Debug, Clone)]
pub enum Str {
    /// `HOSTILE[i % len]`.
    Hostile(u8),
    /// Any string.
    Any(String),
}

/// An integer value, bound as one of the Rust integer types, or NULL.
#[derive(Arbitrary, Debug, Clone)]
pub enum IntVal {
    /// `i64`.
    I64(i64),
    /// `i32`.
    I32(i32),
    /// `i16`.
    I16(i16),
    /// `None::<i64>`.
    Null,
}

/// A float value, or NULL.
#[derive(Arbitrary, Debug, Clone)]
pub enum FloatVal {
    /// `f64`.
    F64(f64),
    /// `f32`.
    F32(f32),
    /// `None::<f64>`.
    Null,
}

/// A text value: borrowed `&'static str`, owned `String`, or NULL.
#[derive(Arbitrary, Debug, Clone)]
pub enum TextVal {
    /// Bound as a `&'static str` when it is a preset, else a `String`.
    Str(Str),
    /// Bound as a `String`.
    Owned(Str),
    /// `None::<String>`.
    Null,
}

/// A column of the given kind: `index` picks among the table's columns of
/// that kind. Outside the table's scope it becomes the other table's
/// column, or a bind.
#[derive(Arbitrary, Debug, Clone)]
pub struct Col {
    /// The table it belongs to.
    pub table: TableId,
    /// Which of the table's columns of the kind.
    pub index: u8,
}

/// An arithmetic operator.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Arith {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

/// An integer expression.
#[derive(Arbitrary, Debug, Clone)]
pub enum IntExpr {
    /// A bind.
    Lit(IntVal),
    /// A column.
    Col(Col),
    /// Arithmetic.
    Arith(Arith, Box<IntExpr>, Box<IntExpr>),
    /// `COUNT(*)`.
    CountStar,
    /// `COUNT([DISTINCT] e)`.
    Count(Box<AnyExpr>, bool),
    /// `SUM([DISTINCT] e)`.
    Sum(Box<IntExpr>, bool),
    /// `MIN(e)`.
    Min(Box<IntExpr>),
    /// `MAX(e)`.
    Max(Box<IntExpr>),
    /// `(SELECT ...)`, a scalar subquery.
    Scalar(Box<SubDesc>),
}

/// A float expression.
#[derive(Arbitrary, Debug, Clone)]
pub enum FloatExpr {
    /// A bind.
    Lit(FloatVal),
    /// A column.
    Col(Col),
    /// Arithmetic.
    Arith(Arith, Box<FloatExpr>, Box<FloatExpr>),
    /// `AVG([DISTINCT] e)` of an integer expression.
    AvgInt(Box<IntExpr>, bool),
    /// `AVG(e)`.
    Avg(Box<FloatExpr>),
    /// `SUM(e)`.
    Sum(Box<FloatExpr>),
    /// `MAX(e)`.
    Max(Box<FloatExpr>),
}

/// A text expression.
#[derive(Arbitrary, Debug, Clone)]
pub enum TextExpr {
    /// A bind.
    Lit(TextVal),
    /// A column.
    Col(Col),
    /// `a || b` (`CONCAT(a, b)` on MySQL).
    Concat(Box<TextExpr>, Box<TextExpr>),
    /// `MIN(e)`.
    Min(Box<TextExpr>),
    /// `MAX(e)`.
    Max(Box<TextExpr>),
}

/// A blob expression.
#[derive(Arbitrary, Debug, Clone)]
pub enum BlobExpr {
    /// A bind of `Vec<u8>`.
    Lit(Vec<u8>),
    /// `None::<Vec<u8>>`.
    Null,
    /// The blob column.
    Col(Col),
}

/// An expression of any type.
#[derive(Arbitrary, Debug, Clone)]
pub enum AnyExpr {
    /// Integer.
    Int(IntExpr),
    /// Float.
    Float(FloatExpr),
    /// Text.
    Text(TextExpr),
    /// Boolean.
    Bool(Box<BoolExpr>),
    /// Blob.
    Blob(BlobExpr),
}

/// A comparison operator.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// Two operands of the same type.
#[derive(Arbitrary, Debug, Clone)]
pub enum Pair {
    /// Integers.
    Int(IntExpr, IntExpr),
    /// Floats.
    Float(FloatExpr, FloatExpr),
    /// Texts.
    Text(TextExpr, TextExpr),
    /// Booleans.
    Bool(Box<BoolExpr>, Box<BoolExpr>),
    /// Blobs.
    Blob(BlobExpr, BlobExpr),
}

/// An operand and a list of the same type, for IN / NOT IN.
#[derive(Arbitrary, Debug, Clone)]
pub enum List {
    /// Integers.
    Int(IntExpr, Vec<IntExpr>),
    /// Floats (binds only).
    Float(FloatExpr, Vec<FloatVal>),
    /// Texts.
    Text(TextExpr, Vec<TextExpr>),
}

/// Three operands of the same type, for BETWEEN.
#[derive(Arbitrary, Debug, Clone)]
pub enum Triple {
    /// Integers.
    Int(IntExpr, IntExpr, IntExpr),
    /// Floats.
    Float(FloatExpr, FloatExpr, FloatExpr),
    /// Texts.
    Text(TextExpr, TextExpr, TextExpr),
}

/// A predicate.
#[derive(Arbitrary, Debug, Clone)]
pub enum BoolExpr {
    /// A bound `bool`.
    Lit(bool),
    /// A boolean literal rendered by the dialect.
    Literal(bool),
    /// A boolean column.
    Col(Col),
    /// A comparison.
    Cmp(CmpOp, Pair),
    /// `a AND b`.
    And(Box<BoolExpr>, Box<BoolExpr>),
    /// `a OR b`.
    Or(Box<BoolExpr>, Box<BoolExpr>),
    /// `NOT a`.
    Not(Box<BoolExpr>),
    /// `a [NOT] LIKE b`.
    Like(TextExpr, TextExpr, bool),
    /// Case-insensitive LIKE.
    ILike(TextExpr, TextExpr),
    /// `starts_with`.
    StartsWith(TextExpr, TextVal),
    /// `ends_with`.
    EndsWith(TextExpr, TextVal),
    /// `contains`.
    Contains(TextExpr, TextVal),
    /// `IN` (or `NOT IN` when the flag is set), possibly empty.
    In(List, bool),
    /// `BETWEEN`.
    Between(Triple),
    /// `IS NULL`.
    IsNull(Box<AnyExpr>),
    /// `IS NOT NULL`.
    IsNotNull(Box<AnyExpr>),
    /// `EXISTS (SELECT ...)`.
    Exists(Box<SubDesc>),
    /// `e [NOT] IN (SELECT ...)`.
    InSelect(IntExpr, Box<SubDesc>, bool),
}

/// A one-column SELECT used inside another statement. Its FROM is
/// explicit; columns of the other table are correlated to the enclosing
/// query when it has that table, else they join the subquery's FROM.
/// No aggregates inside (SQLite would attribute an aggregate over outer
/// columns to the outer query).
#[derive(Arbitrary, Debug, Clone)]
pub struct SubDesc {
    /// The FROM table.
    pub from: TableId,
    /// The selected value.
    pub item: IntExpr,
    /// WHERE.
    pub filter: Option<BoolExpr>,
    /// LIMIT.
    pub limit: Option<u64>,
    /// Built as a `BoxedSelect` (not for IN, which takes a typed SELECT).
    pub boxed: bool,
}

/// A join: inner or left, onto a table, with an ON predicate.
#[derive(Arbitrary, Debug, Clone)]
pub struct JoinDesc {
    /// LEFT JOIN when set.
    pub left: bool,
    /// The joined table.
    pub table: TableId,
    /// The ON predicate.
    pub on: BoolExpr,
}

/// ORDER BY direction.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Dir {
    /// No keyword.
    Plain,
    /// `ASC`.
    Asc,
    /// `DESC`.
    Desc,
}

/// A SELECT.
#[derive(Arbitrary, Debug, Clone)]
pub struct SelectDesc {
    /// Up to four selected expressions (none: `COUNT(*)`).
    pub items: Vec<AnyExpr>,
    /// `SELECT DISTINCT`.
    pub distinct: bool,
    /// An explicit FROM table.
    pub from: Option<TableId>,
    /// A join onto the other table.
    pub join: Option<JoinDesc>,
    /// A second join, aliased as [`ALIAS`] (only after a first one).
    pub join2: Option<JoinDesc>,
    /// WHERE predicates: one `filter` call each for the first two, the
    /// rest ANDed onto the second.
    pub filters: Vec<BoolExpr>,
    /// Up to three GROUP BY expressions.
    pub group_by: Vec<AnyExpr>,
    /// HAVING (only with GROUP BY).
    pub having: Option<BoolExpr>,
    /// Up to three ORDER BY terms.
    pub order_by: Vec<(AnyExpr, Dir)>,
    /// LIMIT.
    pub limit: Option<u64>,
    /// OFFSET.
    pub offset: Option<u64>,
    /// Turns the typed SELECT into a `BoxedSelect` at the end and adds
    /// more clauses through it.
    pub boxed: Option<BoxedDesc>,
}

/// What is added to a SELECT once boxed (the aliased second join, if any,
/// is then added through the boxed SELECT too).
#[derive(Arbitrary, Debug, Clone)]
pub struct BoxedDesc {
    /// More WHERE predicates, one `filter` call each.
    pub filters: Vec<BoolExpr>,
    /// More HAVING predicates (only with GROUP BY).
    pub having: Vec<BoolExpr>,
    /// More ORDER BY terms, one `order_by` call each.
    pub order_by: Vec<(AnyExpr, Dir)>,
}

/// The values of one `users` row.
#[derive(Arbitrary, Debug, Clone)]
pub struct UsersRow {
    /// `name`.
    pub name: TextExpr,
    /// ``nick`name``.
    pub nickname: TextExpr,
    /// `age`.
    pub age: IntExpr,
    /// `score`.
    pub score: FloatExpr,
    /// `active`.
    pub active: BoolExpr,
    /// `avatar`.
    pub avatar: BlobExpr,
}

/// The values of one `order` row.
#[derive(Arbitrary, Debug, Clone)]
pub struct OrdersRow {
    /// `user_id`.
    pub user_id: IntExpr,
    /// `amount`.
    pub amount: FloatExpr,
    /// `qty`.
    pub qty: IntExpr,
    /// `note?`.
    pub note: TextExpr,
    /// `shipped`.
    pub shipped: BoolExpr,
    /// `we"ight`.
    pub weight: FloatExpr,
}

/// An INSERT: `shape` picks which columns are set; up to four rows
/// (none is an error sqlalgebra must report).
#[derive(Arbitrary, Debug, Clone)]
pub enum InsertDesc {
    /// Into `users`.
    Users(u8, Vec<UsersRow>),
    /// Into `order`.
    Orders(u8, Vec<OrdersRow>),
}

/// An UPDATE: `shape` picks which columns are set.
#[derive(Arbitrary, Debug, Clone)]
pub enum UpdateDesc {
    /// Of `users`.
    Users(u8, UsersRow, Vec<BoolExpr>),
    /// Of `order`.
    Orders(u8, OrdersRow, Vec<BoolExpr>),
}

/// A DELETE with up to two `filter` calls (more are ANDed).
#[derive(Arbitrary, Debug, Clone)]
pub struct DeleteDesc {
    /// The table.
    pub table: TableId,
    /// The predicates.
    pub filters: Vec<BoolExpr>,
}

/// A bind name for `text()`: a common one (names collide) or any, cleaned
/// to `[A-Za-z_][A-Za-z0-9_]*`.
#[derive(Arbitrary, Debug, Clone)]
pub enum Name {
    /// `NAMES[i % len]`.
    Common(u8),
    /// Anything, cleaned.
    Custom(String),
}

const NAMES: &[&str] = &["a", "b", "id", "x_1", "_n", "A", "name2", "z"];

impl Name {
    fn resolve(&self) -> String {
        match self {
            Name::Common(i) => NAMES[usize::from(*i) % NAMES.len()].to_owned(),
            Name::Custom(s) => {
                let mut n: String = s
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .take(12)
                    .collect();
                if !n.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
                    n.insert(0, 'p');
                }
                n
            }
        }
    }
}

/// A value bound to a `text()` name.
#[derive(Arbitrary, Debug, Clone)]
pub enum Val {
    /// NULL.
    Null,
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// Text.
    Text(Str),
    /// Bytes.
    Blob(Vec<u8>),
}

/// A fragment of `text()` SQL; every fragment is a well-formed SQLite
/// expression.
#[derive(Arbitrary, Debug, Clone)]
pub enum TextItem {
    /// A number.
    Number(u8),
    /// `:name`, a placeholder.
    Param(Name),
    /// A quoted column of `users`.
    Column(u8),
    /// `':name'`: a string literal, not a placeholder.
    StrLit(Name),
    /// `/* :name */ item`: a block comment, not a placeholder.
    BlockComment(Name, Box<TextItem>),
    /// `item -- :name` and a newline: a line comment.
    LineComment(Name, Box<TextItem>),
    /// `(item)`.
    Paren(Box<TextItem>),
    /// `item + item`.
    Add(Box<TextItem>, Box<TextItem>),
    /// `CAST(item AS TEXT)`.
    Cast(Box<TextItem>),
}

/// Raw SQL: `SELECT items FROM "users" [WHERE a = b]`, each name bound but
/// `skip` (a missing bind), plus `unused` (an unused bind unless the SQL
/// uses it).
#[derive(Arbitrary, Debug, Clone)]
pub struct TextDesc {
    /// Up to four selected fragments.
    pub items: Vec<TextItem>,
    /// `WHERE a = b`.
    pub cond: Option<(TextItem, TextItem)>,
    /// The values, used in turn for the names in order of appearance.
    pub values: Vec<Val>,
    /// Leaves the name at this index (mod count) unbound.
    pub skip: Option<u8>,
    /// Binds one more name.
    pub unused: Option<Name>,
}

// ---------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------

const USERS: u8 = 1;
const ORDERS: u8 = 2;
const BOTH: u8 = USERS | ORDERS;
/// Deeper expressions are cut short to a leaf.
const MAX_DEPTH: u8 = 8;
/// Subqueries nest at most this deep.
const MAX_SUB: u8 = 2;
const TEXT_COLUMNS: &[&str] = &[
    "\"users\".\"id\"",
    "\"users\".\"nick`name\"",
    "\"name\"",
    "\"users\".\"score\"",
];

/// How the rendering of a case must end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// It renders.
    Ok,
    /// `ErrorKind::MissingBind`.
    MissingBind,
    /// `ErrorKind::UnusedBind`.
    UnusedBind,
    /// `ErrorKind::InvalidStatement`.
    InvalidStatement,
}

impl Expect {
    fn matches(self, e: &sqlalgebra::Error) -> bool {
        use sqlalgebra::ErrorKind as E;
        matches!(
            (self, e.kind()),
            (Expect::MissingBind, E::MissingBind { .. })
                | (Expect::UnusedBind, E::UnusedBind { .. })
                | (Expect::InvalidStatement, E::InvalidStatement(_))
        )
    }
}

/// A case built into a statement.
pub struct Built {
    /// The statement.
    pub stmt: Box<dyn Statement>,
    /// How rendering it must end.
    pub expect: Expect,
}

/// Where an expression stands: which tables' columns it may use, whether
/// aggregates are allowed, how deep it is.
#[derive(Debug, Clone, Copy)]
struct Scope {
    tables: u8,
    agg: bool,
    depth: u8,
    /// How many subqueries enclose this expression.
    sub: u8,
}

impl Scope {
    fn new(tables: u8, agg: bool) -> Self {
        Scope {
            tables,
            agg,
            depth: 0,
            sub: 0,
        }
    }
    fn deeper(self) -> Self {
        Scope {
            depth: self.depth + 1,
            ..self
        }
    }
    /// Inside an aggregate: no nested aggregate.
    fn in_aggregate(self) -> Self {
        Scope {
            agg: false,
            depth: self.depth + 1,
            ..self
        }
    }
    fn too_deep(self) -> bool {
        self.depth >= MAX_DEPTH
    }
}

/// Builds `case` into a statement. With `blank`, every value taken from the
/// case is replaced by a neutral one (0, "", empty, false): the SQL must
/// not change.
pub fn build(case: &Case, blank: bool) -> Built {
    let mut b = Builder { blank, used: 0 };
    match case {
        Case::Select(d) => b.select(d),
        Case::Insert(d) => b.insert(d),
        Case::Update(d) => b.update(d),
        Case::Delete(d) => b.delete(d),
        Case::Text(d) => b.text_query(d),
    }
}

struct Builder {
    blank: bool,
    /// The tables whose columns were used so far.
    used: u8,
}

type Pred = Dyn<Bool>;
/// An expression whose type does not matter where it is used.
type Any = Dyn<Text>;

impl Builder {
    // --- values -----------------------------------------------------------

    fn int_val(&self, v: &IntVal) -> Dyn<BigInt> {
        match (v, self.blank) {
            (IntVal::Null, _) => Dyn::new(bind::<Nullable<BigInt>, _>(None::<i64>)),
            (_, true) => Dyn::new(bind::<BigInt, _>(0i64)),
            (IntVal::I64(i), false) => Dyn::new(bind::<BigInt, _>(*i)),
            (IntVal::I32(i), false) => Dyn::new(bind::<Integer, _>(*i)),
            (IntVal::I16(i), false) => Dyn::new(bind::<SmallInt, _>(*i)),
        }
    }

    fn float_val(&self, v: &FloatVal) -> Dyn<Double> {
        match (v, self.blank) {
            (FloatVal::Null, _) => Dyn::new(bind::<Nullable<Double>, _>(None::<f64>)),
            (_, true) => Dyn::new(bind::<Double, _>(0.0f64)),
            (FloatVal::F64(f), false) => Dyn::new(bind::<Double, _>(*f)),
            (FloatVal::F32(f), false) => Dyn::new(bind::<Real, _>(*f)),
        }
    }

    fn string(&self, s: &Str) -> String {
        if self.blank {
            return String::new();
        }
        match s {
            Str::Hostile(i) => HOSTILE[usize::from(*i) % HOSTILE.len()].to_owned(),
            Str::Any(s) => s.clone(),
        }
    }

    fn text_val(&self, v: &TextVal) -> Dyn<Text> {
        match v {
            TextVal::Null => Dyn::new(bind::<Nullable<Text>, _>(None::<String>)),
            TextVal::Str(Str::Hostile(i)) if !self.blank => {
                let s: &'static str = HOSTILE[usize::from(*i) % HOSTILE.len()];
                Dyn::new(bind::<Text, _>(s))
            }
            TextVal::Str(s) | TextVal::Owned(s) => Dyn::new(bind::<Text, _>(self.string(s))),
        }
    }

    /// The text a `starts_with` / `contains` argument stands for, without
    /// NUL characters: PostgreSQL refuses a needle with one
    /// (`ErrorKind::Unsupported`), an outcome that depends on the value, which
    /// the blanking invariant rules out. tests/literal_matching.rs covers
    /// NUL needles on every backend.
    fn pattern_text(&self, v: &TextVal) -> String {
        match v {
            TextVal::Null => String::new(),
            TextVal::Str(s) | TextVal::Owned(s) => self.string(s).replace('\0', ""),
        }
    }

    fn value(&self, v: &Val) -> Value {
        if self.blank {
            return match v {
                Val::Null => Value::Null,
                _ => Value::Int(0),
            };
        }
        match v {
            Val::Null => Value::Null,
            Val::Int(i) => Value::Int(*i),
            Val::Float(f) => Value::Float(*f),
            Val::Bool(b) => Value::Bool(*b),
            Val::Text(s) => Value::Text(self.string(s)),
            Val::Blob(b) => Value::Blob(b.clone()),
        }
    }

    // --- columns ----------------------------------------------------------

    /// The table a column of `want` may come from in scope `s`.
    fn table_in_scope(&mut self, want: TableId, s: Scope) -> Option<TableId> {
        let t = [want, want.other()]
            .into_iter()
            .find(|t| s.tables & t.mask() != 0)?;
        self.used |= t.mask();
        Some(t)
    }

    fn int_col(&mut self, c: &Col, s: Scope) -> Dyn<BigInt> {
        let i = usize::from(c.index);
        match self.table_in_scope(c.table, s) {
            Some(TableId::Users) => match i % 3 {
                0 => Dyn::new(users::Id),
                1 => Dyn::new(users::Age),
                // The library's own type erasure, around a column.
                _ => Dyn::new(users::Id.boxed()),
            },
            Some(TableId::Orders) => match i % 3 {
                0 => Dyn::new(orders::Id),
                1 => Dyn::new(orders::UserId),
                _ => Dyn::new(orders::Qty),
            },
            None => Dyn::new(bind::<BigInt, _>(1i64)),
        }
    }

    fn float_col(&mut self, c: &Col, s: Scope) -> Dyn<Double> {
        match self.table_in_scope(c.table, s) {
            Some(TableId::Users) => Dyn::new(users::Score),
            Some(TableId::Orders) if c.index.is_multiple_of(2) => Dyn::new(orders::Amount),
            Some(TableId::Orders) => Dyn::new(orders::Weight),
            None => Dyn::new(bind::<Double, _>(1.5f64)),
        }
    }

    fn text_col(&mut self, c: &Col, s: Scope) -> Dyn<Text> {
        match self.table_in_scope(c.table, s) {
            Some(TableId::Users) if c.index.is_multiple_of(2) => Dyn::new(users::Name),
            Some(TableId::Users) => Dyn::new(users::Nickname),
            Some(TableId::Orders) => Dyn::new(orders::Note),
            None => Dyn::new(bind::<Text, _>("t")),
        }
    }

    fn bool_col(&mut self, c: &Col, s: Scope) -> Dyn<Bool> {
        match self.table_in_scope(c.table, s) {
            Some(TableId::Users) => Dyn::new(users::Active),
            Some(TableId::Orders) => Dyn::new(orders::Shipped),
            None => Dyn::new(BoolLiteral(true)),
        }
    }

    fn blob_col(&mut self, s: Scope) -> Dyn<Blob> {
        // Only `users` has a blob column.
        if s.tables & USERS != 0 {
            self.used |= USERS;
            Dyn::new(users::Avatar)
        } else {
            Dyn::new(bind::<Blob, _>(Vec::<u8>::new()))
        }
    }

    // --- expressions ------------------------------------------------------

    fn int(&mut self, e: &IntExpr, s: Scope) -> Dyn<BigInt> {
        if s.too_deep() {
            return Dyn::new(bind::<BigInt, _>(2i64));
        }
        let d = s.deeper();
        match e {
            IntExpr::Lit(v) => self.int_val(v),
            IntExpr::Col(c) => self.int_col(c, s),
            IntExpr::Arith(op, a, b) => {
                let (a, b) = (self.int(a, d), self.int(b, d));
                arith(*op, a, b)
            }
            IntExpr::CountStar if s.agg => Dyn::new(count_star()),
            IntExpr::CountStar => Dyn::new(bind::<BigInt, _>(3i64)),
            IntExpr::Count(a, distinct) if s.agg => {
                let c = count(self.any(a, s.in_aggregate()));
                Dyn::new(if *distinct { c.distinct() } else { c })
            }
            IntExpr::Sum(a, distinct) if s.agg => {
                let c = sum(self.int(a, s.in_aggregate()));
                Dyn::new(if *distinct { c.distinct() } else { c })
            }
            IntExpr::Min(a) if s.agg => Dyn::new(min(self.int(a, s.in_aggregate()))),
            IntExpr::Max(a) if s.agg => Dyn::new(max(self.int(a, s.in_aggregate()))),
            // An aggregate where none is allowed: its argument instead.
            IntExpr::Count(a, _) => self.any(a, d).retag(),
            IntExpr::Sum(a, _) | IntExpr::Min(a) | IntExpr::Max(a) => self.int(a, d),
            IntExpr::Scalar(q) => match self.subquery(q, s) {
                Some(Sub::Plain(q)) => Dyn::new((*q).as_scalar()),
                Some(Sub::Filtered(q)) => Dyn::new((*q).as_scalar()),
                Some(Sub::Boxed(q)) => Dyn::new((*q).as_scalar()),
                None => Dyn::new(bind::<BigInt, _>(4i64)),
            },
        }
    }

    fn float(&mut self, e: &FloatExpr, s: Scope) -> Dyn<Double> {
        if s.too_deep() {
            return Dyn::new(bind::<Double, _>(2.5f64));
        }
        let d = s.deeper();
        match e {
            FloatExpr::Lit(v) => self.float_val(v),
            FloatExpr::Col(c) => self.float_col(c, s),
            FloatExpr::Arith(op, a, b) => {
                let (a, b) = (self.float(a, d), self.float(b, d));
                arith(*op, a, b)
            }
            FloatExpr::AvgInt(a, distinct) if s.agg => {
                let c = avg(self.int(a, s.in_aggregate()));
                Dyn::new(if *distinct { c.distinct() } else { c })
            }
            FloatExpr::Avg(a) if s.agg => Dyn::new(avg(self.float(a, s.in_aggregate()))),
            FloatExpr::Sum(a) if s.agg => Dyn::new(sum(self.float(a, s.in_aggregate()))),
            FloatExpr::Max(a) if s.agg => Dyn::new(max(self.float(a, s.in_aggregate()))),
            FloatExpr::AvgInt(a, _) => self.int(a, d).retag(),
            FloatExpr::Avg(a) | FloatExpr::Sum(a) | FloatExpr::Max(a) => self.float(a, d),
        }
    }

    fn text(&mut self, e: &TextExpr, s: Scope) -> Dyn<Text> {
        if s.too_deep() {
            return Dyn::new(bind::<Text, _>("deep"));
        }
        let d = s.deeper();
        match e {
            TextExpr::Lit(v) => self.text_val(v),
            TextExpr::Col(c) => self.text_col(c, s),
            TextExpr::Concat(a, b) => {
                let a = self.text(a, d);
                Dyn::new(a.concat(self.text(b, d)))
            }
            TextExpr::Min(a) if s.agg => Dyn::new(min(self.text(a, s.in_aggregate()))),
            TextExpr::Max(a) if s.agg => Dyn::new(max(self.text(a, s.in_aggregate()))),
            TextExpr::Min(a) | TextExpr::Max(a) => self.text(a, d),
        }
    }

    fn blob(&mut self, e: &BlobExpr, s: Scope) -> Dyn<Blob> {
        match e {
            BlobExpr::Lit(_) if self.blank => Dyn::new(bind::<Blob, _>(Vec::<u8>::new())),
            BlobExpr::Lit(b) => Dyn::new(bind::<Blob, _>(b.clone())),
            BlobExpr::Null => Dyn::new(bind::<Nullable<Blob>, _>(None::<Vec<u8>>)),
            BlobExpr::Col(_) => self.blob_col(s),
        }
    }

    fn any(&mut self, e: &AnyExpr, s: Scope) -> Any {
        match e {
            AnyExpr::Int(e) => self.int(e, s).retag(),
            AnyExpr::Float(e) => self.float(e, s).retag(),
            AnyExpr::Text(e) => self.text(e, s),
            AnyExpr::Bool(e) => self.boolean(e, s).retag(),
            AnyExpr::Blob(e) => self.blob(e, s).retag(),
        }
    }

    fn boolean(&mut self, e: &BoolExpr, s: Scope) -> Pred {
        if s.too_deep() {
            return Dyn::new(BoolLiteral(false));
        }
        let d = s.deeper();
        match e {
            BoolExpr::Lit(b) => Dyn::new(bind::<Bool, _>(*b && !self.blank)),
            BoolExpr::Literal(b) => Dyn::new(BoolLiteral(*b)),
            BoolExpr::Col(c) => self.bool_col(c, s),
            BoolExpr::Cmp(op, pair) => match pair {
                Pair::Int(a, b) => {
                    let a = self.int(a, d);
                    compare(*op, a, self.int(b, d))
                }
                Pair::Float(a, b) => {
                    let a = self.float(a, d);
                    compare(*op, a, self.float(b, d))
                }
                Pair::Text(a, b) => {
                    let a = self.text(a, d);
                    compare(*op, a, self.text(b, d))
                }
                Pair::Bool(a, b) => {
                    let a = self.boolean(a, d);
                    compare(*op, a, self.boolean(b, d))
                }
                Pair::Blob(a, b) => {
                    let a = self.blob(a, d);
                    compare(*op, a, self.blob(b, d))
                }
            },
            BoolExpr::And(a, b) => {
                let a = self.boolean(a, d);
                Dyn::new(a.and(self.boolean(b, d)))
            }
            BoolExpr::Or(a, b) => {
                let a = self.boolean(a, d);
                Dyn::new(a.or(self.boolean(b, d)))
            }
            BoolExpr::Not(a) => Dyn::new(not(self.boolean(a, d))),
            BoolExpr::Like(a, p, negated) => {
                let a = self.text(a, d);
                let p = self.text(p, d);
                Dyn::new(if *negated { a.not_like(p) } else { a.like(p) })
            }
            BoolExpr::ILike(a, p) => {
                let a = self.text(a, d);
                Dyn::new(a.ilike(self.text(p, d)))
            }
            BoolExpr::StartsWith(a, t) => {
                Dyn::new(self.text(a, d).starts_with(&self.pattern_text(t)))
            }
            BoolExpr::EndsWith(a, t) => Dyn::new(self.text(a, d).ends_with(&self.pattern_text(t))),
            BoolExpr::Contains(a, t) => Dyn::new(self.text(a, d).contains(&self.pattern_text(t))),
            BoolExpr::In(list, negated) => match list {
                List::Int(a, vs) => {
                    let a = self.int(a, d);
                    let vs: Vec<_> = vs.iter().take(6).map(|v| self.int(v, d)).collect();
                    in_list(a, vs, *negated)
                }
                List::Float(a, vs) => {
                    let a = self.float(a, d);
                    let vs: Vec<_> = vs.iter().take(6).map(|v| self.float_val(v)).collect();
                    in_list(a, vs, *negated)
                }
                List::Text(a, vs) => {
                    let a = self.text(a, d);
                    let vs: Vec<_> = vs.iter().take(6).map(|v| self.text(v, d)).collect();
                    in_list(a, vs, *negated)
                }
            },
            BoolExpr::Between(t) => match t {
                Triple::Int(a, lo, hi) => {
                    let a = self.int(a, d);
                    let lo = self.int(lo, d);
                    Dyn::new(a.between(lo, self.int(hi, d)))
                }
                Triple::Float(a, lo, hi) => {
                    let a = self.float(a, d);
                    let lo = self.float(lo, d);
                    Dyn::new(a.between(lo, self.float(hi, d)))
                }
                Triple::Text(a, lo, hi) => {
                    let a = self.text(a, d);
                    let lo = self.text(lo, d);
                    Dyn::new(a.between(lo, self.text(hi, d)))
                }
            },
            BoolExpr::IsNull(a) => Dyn::new(self.any(a, d).is_null()),
            BoolExpr::IsNotNull(a) => Dyn::new(self.any(a, d).is_not_null()),
            BoolExpr::Exists(q) => match self.subquery(q, s) {
                Some(Sub::Plain(q)) => Dyn::new(exists(*q)),
                Some(Sub::Filtered(q)) => Dyn::new(exists(*q)),
                Some(Sub::Boxed(q)) => Dyn::new(exists(*q)),
                None => Dyn::new(BoolLiteral(true)),
            },
            BoolExpr::InSelect(a, q, negated) => {
                let a = self.int(a, d);
                let typed = SubDesc {
                    boxed: false,
                    ..(**q).clone()
                };
                match self.subquery(&typed, s) {
                    Some(Sub::Plain(q)) if *negated => Dyn::new(a.not_in(*q)),
                    Some(Sub::Plain(q)) => Dyn::new(a.in_(*q)),
                    Some(Sub::Filtered(q)) if *negated => Dyn::new(a.not_in(*q)),
                    Some(Sub::Filtered(q)) => Dyn::new(a.in_(*q)),
                    _ => Dyn::new(a.is_null()),
                }
            }
        }
    }

    /// A whole GROUP BY or ORDER BY term. A boolean literal there is a
    /// constant that SQLite reads as a column position and PostgreSQL
    /// refuses; the model binds the value instead.
    fn term(&mut self, e: &AnyExpr, s: Scope) -> Any {
        match e {
            AnyExpr::Bool(b) => match &**b {
                BoolExpr::Literal(v) => Dyn::new(bind::<Bool, _>(*v && !self.blank)),
                _ => self.any(e, s),
            },
            _ => self.any(e, s),
        }
    }

    fn order_term(&mut self, e: &AnyExpr, dir: Dir, s: Scope) -> Any {
        let e = self.term(e, s);
        match dir {
            Dir::Plain => e,
            Dir::Asc => Dyn::new(e.asc()),
            Dir::Desc => Dyn::new(e.desc()),
        }
    }

    /// Up to three expressions as one selection (a tuple for several).
    fn tuple<T>(
        &mut self,
        items: &[T],
        max: usize,
        mut one: impl FnMut(&mut Self, &T) -> Any,
    ) -> Option<Any> {
        let mut it = items
            .iter()
            .take(max)
            .map(|e| one(self, e))
            .collect::<Vec<_>>()
            .into_iter();
        let a = it.next()?;
        Some(match (it.next(), it.next(), it.next()) {
            (None, _, _) => a,
            (Some(b), None, _) => Dyn::new((a, b)),
            (Some(b), Some(c), None) => Dyn::new((a, b, c)),
            (Some(b), Some(c), Some(e)) => Dyn::new((a, b, c, e)),
        })
    }

    /// A subquery, or `None` past [`MAX_SUB`]. Its columns do not count as
    /// references of the enclosing SELECT (a subquery is its own scope).
    fn subquery(&mut self, d: &SubDesc, s: Scope) -> Option<Sub> {
        if s.sub >= MAX_SUB {
            return None;
        }
        let outer = self.used;
        let inner = Scope {
            tables: BOTH,
            agg: false,
            depth: 0,
            sub: s.sub + 1,
        };
        let item = self.int(&d.item, inner);
        let filter = d.filter.as_ref().map(|f| self.boolean(f, inner));
        self.used = outer;
        let from = DynTable(TableRef::new(d.from.name()));
        let mut q = select(item).from(from);
        if let Some(n) = d.limit {
            q = q.limit(if self.blank { 0 } else { n });
        }
        Some(match (filter, d.boxed) {
            (None, false) => Sub::Plain(Box::new(q)),
            (Some(f), false) => Sub::Filtered(Box::new(q.filter(f))),
            (None, true) => Sub::Boxed(Box::new(q.boxed())),
            (Some(f), true) => Sub::Boxed(Box::new(q.boxed().filter(f))),
        })
    }

    // --- statements -------------------------------------------------------

    fn select(&mut self, d: &SelectDesc) -> Built {
        let all = Scope::new(BOTH, true);
        let no_agg = Scope::new(BOTH, false);
        let items = self
            .tuple(&d.items, 4, |b, e| b.any(e, all))
            .unwrap_or_else(|| Dyn::new(count_star()));
        let filters: Vec<Pred> = d
            .filters
            .iter()
            .take(4)
            .map(|e| self.boolean(e, no_agg))
            .collect();
        let group = self.tuple(&d.group_by, 3, |b, e| b.term(e, no_agg));
        let having = match (&group, &d.having) {
            (Some(_), Some(h)) => Some(self.boolean(h, all)),
            _ => None,
        };
        // SQLite takes aggregates in ORDER BY only in a grouped query.
        let order_scope = Scope::new(BOTH, group.is_some());
        let order = self.tuple(&d.order_by, 3, |b, (e, dir)| {
            b.order_term(e, *dir, order_scope)
        });
        let mut boxed = d.boxed.as_ref().map(|bd| BoxedParts {
            join2: None,
            filters: bd
                .filters
                .iter()
                .take(3)
                .map(|e| self.boolean(e, no_agg))
                .collect(),
            having: match group {
                Some(_) => bd
                    .having
                    .iter()
                    .take(2)
                    .map(|e| self.boolean(e, all))
                    .collect(),
                None => Vec::new(),
            },
            order: bd
                .order_by
                .iter()
                .take(3)
                .map(|(e, dir)| self.order_term(e, *dir, order_scope))
                .collect(),
        });

        // The joined table differs from the FROM table; the ON predicates
        // may use both. Their columns do not count as references (the FROM
        // clause is not inferred from them).
        let referenced = self.used;
        let mut joins = Vec::new();
        let mut expect = Expect::Ok;
        if let Some(j) = &d.join {
            let joined = match d.from {
                Some(f) if f == j.table => f.other(),
                _ => j.table,
            };
            let base = joined.other();
            let on_scope = Scope::new(BOTH, false);
            let on = self.boolean(&j.on, on_scope);
            joins.push((j.left, DynTable(TableRef::new(joined.name())), on));
            if let Some(j2) = &d.join2 {
                let on = self.boolean(&j2.on, on_scope);
                let t = TableRef {
                    name: j2.table.name(),
                    alias: Some(ALIAS),
                };
                match &mut boxed {
                    Some(b) => b.join2 = Some((j2.left, DynTable(t), on)),
                    None => joins.push((j2.left, DynTable(t), on)),
                }
            }
            if d.from.is_none() && referenced & base.mask() == 0 {
                expect = Expect::InvalidStatement;
            }
        }
        self.used = referenced;

        let parts = Parts {
            joins,
            filters,
            group,
            having,
            order,
            limit: d.limit.map(|n| if self.blank { 0 } else { n }),
            offset: d.offset.map(|n| if self.blank { 0 } else { n }),
            distinct: d.distinct,
            boxed,
        };
        let q = select(items);
        let stmt = match d.from {
            None => with_inner_joins(q, parts),
            Some(t) => with_joins(q.from(DynTable(TableRef::new(t.name()))), parts),
        };
        Built { stmt, expect }
    }

    fn insert(&mut self, d: &InsertDesc) -> Built {
        let s = Scope::new(0, false);
        let (stmt, rows) = match d {
            InsertDesc::Users(shape, rows) => {
                let rows = &rows[..rows.len().min(4)];
                let stmt = match shape % 3 {
                    0 => insert_rows(
                        Users,
                        rows.iter()
                            .map(|r| users::Name.set(self.text(&r.name, s)))
                            .collect(),
                    ),
                    1 => insert_rows(
                        Users,
                        rows.iter()
                            .map(|r| {
                                (
                                    users::Name.set(self.text(&r.name, s)),
                                    users::Nickname.set(self.text(&r.nickname, s)),
                                    users::Age.set(self.int(&r.age, s).retag::<Integer>()),
                                )
                            })
                            .collect(),
                    ),
                    _ => insert_rows(Users, rows.iter().map(|r| self.users_row(r, s)).collect()),
                };
                (stmt, rows.len())
            }
            InsertDesc::Orders(shape, rows) => {
                let rows = &rows[..rows.len().min(4)];
                let stmt = match shape % 2 {
                    0 => insert_rows(
                        Orders,
                        rows.iter()
                            .map(|r| {
                                (
                                    orders::UserId.set(self.int(&r.user_id, s)),
                                    orders::Amount.set(self.float(&r.amount, s)),
                                )
                            })
                            .collect(),
                    ),
                    _ => insert_rows(Orders, rows.iter().map(|r| self.orders_row(r, s)).collect()),
                };
                (stmt, rows.len())
            }
        };
        let expect = if rows == 0 {
            Expect::InvalidStatement
        } else {
            Expect::Ok
        };
        Built { stmt, expect }
    }

    fn users_row(
        &mut self,
        r: &UsersRow,
        s: Scope,
    ) -> impl Assignments<Users> + InsertValues<Users> + use<> {
        (
            users::Name.set(self.text(&r.name, s)),
            users::Nickname.set(self.text(&r.nickname, s)),
            users::Age.set(self.int(&r.age, s).retag::<Integer>()),
            users::Score.set(self.float(&r.score, s)),
            users::Active.set(self.boolean(&r.active, s)),
            users::Avatar.set(self.blob(&r.avatar, s)),
        )
    }

    fn orders_row(
        &mut self,
        r: &OrdersRow,
        s: Scope,
    ) -> impl Assignments<Orders> + InsertValues<Orders> + use<> {
        (
            orders::UserId.set(self.int(&r.user_id, s)),
            orders::Amount.set(self.float(&r.amount, s)),
            orders::Qty.set(self.int(&r.qty, s).retag::<SmallInt>()),
            orders::Note.set(self.text(&r.note, s)),
            orders::Shipped.set(self.boolean(&r.shipped, s)),
            orders::Weight.set(self.float(&r.weight, s).retag::<Real>()),
        )
    }

    fn update(&mut self, d: &UpdateDesc) -> Built {
        let stmt = match d {
            UpdateDesc::Users(shape, r, filters) => {
                let s = Scope::new(USERS, false);
                let filters = self.filters(filters, s);
                match shape % 3 {
                    0 => update_set(Users, users::Name.set(self.text(&r.name, s)), filters),
                    1 => {
                        let a = (
                            users::Age.set(self.int(&r.age, s).retag::<Integer>()),
                            users::Score.set(self.float(&r.score, s)),
                        );
                        update_set(Users, a, filters)
                    }
                    _ => {
                        let a = (
                            users::Active.set(self.boolean(&r.active, s)),
                            users::Nickname.set(self.text(&r.nickname, s)),
                            users::Avatar.set(self.blob(&r.avatar, s)),
                        );
                        update_set(Users, a, filters)
                    }
                }
            }
            UpdateDesc::Orders(shape, r, filters) => {
                let s = Scope::new(ORDERS, false);
                let filters = self.filters(filters, s);
                match shape % 2 {
                    0 => update_set(
                        Orders,
                        orders::Amount.set(self.float(&r.amount, s)),
                        filters,
                    ),
                    _ => {
                        let a = (
                            orders::Qty.set(self.int(&r.qty, s).retag::<SmallInt>()),
                            orders::Note.set(self.text(&r.note, s)),
                            orders::Shipped.set(self.boolean(&r.shipped, s)),
                            orders::Weight.set(self.float(&r.weight, s).retag::<Real>()),
                        );
                        update_set(Orders, a, filters)
                    }
                }
            }
        };
        Built {
            stmt,
            expect: Expect::Ok,
        }
    }

    fn filters(&mut self, filters: &[BoolExpr], s: Scope) -> Vec<Pred> {
        filters.iter().take(4).map(|e| self.boolean(e, s)).collect()
    }

    fn delete(&mut self, d: &DeleteDesc) -> Built {
        let stmt = match d.table {
            TableId::Users => {
                let f = self.filters(&d.filters, Scope::new(USERS, false));
                let (f1, f2) = split_filters(f);
                let q = delete_from(Users);
                match (f1, f2) {
                    (None, _) => Box::new(q) as Box<dyn Statement>,
                    (Some(a), None) => Box::new(q.filter(a)),
                    (Some(a), Some(b)) => Box::new(q.filter(a).filter(b)),
                }
            }
            TableId::Orders => {
                let f = self.filters(&d.filters, Scope::new(ORDERS, false));
                let (f1, f2) = split_filters(f);
                let q = delete_from(Orders);
                match (f1, f2) {
                    (None, _) => Box::new(q) as Box<dyn Statement>,
                    (Some(a), None) => Box::new(q.filter(a)),
                    (Some(a), Some(b)) => Box::new(q.filter(a).filter(b)),
                }
            }
        };
        Built {
            stmt,
            expect: Expect::Ok,
        }
    }

    fn text_query(&mut self, d: &TextDesc) -> Built {
        let mut sql = String::from("SELECT ");
        let mut names = Vec::new();
        let items = &d.items[..d.items.len().min(4)];
        if items.is_empty() {
            sql.push('1');
        }
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            write_item(&mut sql, item, &mut names, 0);
        }
        sql.push_str(" FROM \"users\"");
        if let Some((l, r)) = &d.cond {
            sql.push_str(" WHERE ");
            write_item(&mut sql, l, &mut names, 0);
            sql.push_str(" = ");
            write_item(&mut sql, r, &mut names, 0);
        }

        let skip = match (d.skip, names.len()) {
            (Some(k), n) if n > 0 => Some(usize::from(k) % n),
            _ => None,
        };
        let mut bound: Vec<String> = Vec::new();
        let mut q = text(sql);
        for (i, name) in names.iter().enumerate() {
            if Some(i) == skip {
                continue;
            }
            let v = match d.values.len() {
                0 => Value::Null,
                n => self.value(&d.values[i % n]),
            };
            q = q.bind(name, v.as_ref());
            bound.push(name.clone());
        }
        if let Some(u) = &d.unused {
            let u = u.resolve();
            q = q.bind(&u, 7i64);
            bound.push(u);
        }
        let expect = if names.iter().any(|n| !bound.contains(n)) {
            Expect::MissingBind
        } else if bound.iter().any(|n| !names.contains(n)) {
            Expect::UnusedBind
        } else {
            Expect::Ok
        };
        Built {
            stmt: Box::new(q),
            expect,
        }
    }
}

fn write_item(out: &mut String, item: &TextItem, names: &mut Vec<String>, depth: u8) {
    if depth >= MAX_DEPTH {
        out.push('1');
        return;
    }
    let d = depth + 1;
    match item {
        TextItem::Number(n) => sqlalgebra::render::push_int(out, i64::from(*n)),
        TextItem::Param(n) => {
            let n = n.resolve();
            out.push(':');
            out.push_str(&n);
            if !names.contains(&n) {
                names.push(n);
            }
        }
        TextItem::Column(i) => out.push_str(TEXT_COLUMNS[usize::from(*i) % TEXT_COLUMNS.len()]),
        TextItem::StrLit(n) => {
            out.push_str("':");
            out.push_str(&n.resolve());
            out.push('\'');
        }
        TextItem::BlockComment(n, inner) => {
            out.push_str("/* :");
            out.push_str(&n.resolve());
            out.push_str(" */ ");
            write_item(out, inner, names, d);
        }
        TextItem::LineComment(n, inner) => {
            write_item(out, inner, names, d);
            out.push_str(" -- :");
            out.push_str(&n.resolve());
            out.push('\n');
        }
        TextItem::Paren(inner) => {
            out.push('(');
            write_item(out, inner, names, d);
            out.push(')');
        }
        TextItem::Add(a, b) => {
            write_item(out, a, names, d);
            out.push_str(" + ");
            write_item(out, b, names, d);
        }
        TextItem::Cast(inner) => {
            out.push_str("CAST(");
            write_item(out, inner, names, d);
            out.push_str(" AS TEXT)");
        }
    }
}

/// A built subquery: a typed SELECT with or without WHERE, or a boxed one.
enum Sub {
    Plain(Box<Select<Dyn<BigInt>, SubFrom>>),
    Filtered(Box<Select<Dyn<BigInt>, SubFrom, Clause<Pred>>>),
    Boxed(Box<BoxedSelect<'static, BigInt>>),
}

type SubFrom = sqlalgebra::query::From<DynTable>;

fn arith<ST: SqlType + sqlalgebra::types::NumericLike>(
    op: Arith,
    a: Dyn<ST>,
    b: Dyn<ST>,
) -> Dyn<ST> {
    match op {
        Arith::Add => Dyn::new(a.add(b)),
        Arith::Sub => Dyn::new(a.sub(b)),
        Arith::Mul => Dyn::new(a.mul(b)),
        Arith::Div => Dyn::new(a.div(b)),
    }
}

fn compare<ST: SqlType>(op: CmpOp, a: Dyn<ST>, b: Dyn<ST>) -> Pred {
    match op {
        CmpOp::Eq => Dyn::new(a.eq(b)),
        CmpOp::Ne => Dyn::new(a.ne(b)),
        CmpOp::Lt => Dyn::new(a.lt(b)),
        CmpOp::Le => Dyn::new(a.le(b)),
        CmpOp::Gt => Dyn::new(a.gt(b)),
        CmpOp::Ge => Dyn::new(a.ge(b)),
    }
}

fn in_list<ST: SqlType>(a: Dyn<ST>, values: Vec<Dyn<ST>>, negated: bool) -> Pred {
    if negated {
        Dyn::new(a.not_in(values))
    } else {
        Dyn::new(a.in_(values))
    }
}

/// The first predicate, and the others ANDed.
fn split_filters(f: Vec<Pred>) -> (Option<Pred>, Option<Pred>) {
    let mut it = f.into_iter();
    let first = it.next();
    let rest = it.next().map(|b| it.fold(b, |acc, c| Dyn::new(acc.and(c))));
    (first, rest)
}

fn insert_rows<T, R>(table: T, mut rows: Vec<R>) -> Box<dyn Statement>
where
    T: Table,
    R: Assignments<T> + InsertValues<T> + 'static,
{
    if rows.len() == 1
        && let Some(row) = rows.pop()
    {
        return Box::new(insert_into(table).values(row));
    }
    Box::new(insert_into(table).values(rows))
}

fn update_set<T, A>(table: T, a: A, filters: Vec<Pred>) -> Box<dyn Statement>
where
    T: Table,
    A: Assignments<T> + 'static,
{
    let q = update(table).set(a);
    match split_filters(filters) {
        (None, _) => Box::new(q),
        (Some(f), None) => Box::new(q.filter(f)),
        (Some(f), Some(g)) => Box::new(q.filter(f).filter(g)),
    }
}

/// The clauses of a SELECT, built, waiting to be applied in turn.
struct Parts {
    joins: Vec<(bool, DynTable, Pred)>,
    filters: Vec<Pred>,
    group: Option<Any>,
    having: Option<Pred>,
    order: Option<Any>,
    limit: Option<u64>,
    offset: Option<u64>,
    distinct: bool,
    boxed: Option<BoxedParts>,
}

/// What is added once the SELECT is boxed.
struct BoxedParts {
    join2: Option<(bool, DynTable, Pred)>,
    filters: Vec<Pred>,
    having: Vec<Pred>,
    order: Vec<Any>,
}

/// Joins onto an explicit FROM: inner or left.
fn with_joins<F: FromClause + ExplicitFrom + 'static>(
    q: Select<Any, F>,
    mut p: Parts,
) -> Box<dyn Statement> {
    let mut joins = std::mem::take(&mut p.joins).into_iter();
    match joins.next() {
        None => with_filters(q, p),
        Some((left, table, on)) => {
            let next = joins.next();
            if left {
                second_join(q.left_join(table, on), next, p)
            } else {
                second_join(q.join(table, on), next, p)
            }
        }
    }
}

fn second_join<F: FromClause + ExplicitFrom + 'static>(
    q: Select<Any, F>,
    next: Option<(bool, DynTable, Pred)>,
    p: Parts,
) -> Box<dyn Statement> {
    match next {
        None => with_filters(q, p),
        Some((true, table, on)) => with_filters(q.left_join(table, on), p),
        Some((false, table, on)) => with_filters(q.join(table, on), p),
    }
}

/// Joins onto an inferred FROM: inner ones (an outer join needs an
/// explicit FROM, which decides its NULL-extended side).
fn with_inner_joins(q: Select<Any, Inferred>, mut p: Parts) -> Box<dyn Statement> {
    let mut joins = std::mem::take(&mut p.joins).into_iter();
    match (joins.next(), joins.next()) {
        (None, _) => with_filters(q, p),
        (Some((_, t, on)), None) => with_filters(q.join(t, on), p),
        (Some((_, t, on)), Some((_, t2, on2))) => with_filters(q.join(t, on).join(t2, on2), p),
    }
}

fn with_filters<F: FromClause + 'static>(q: Select<Any, F>, mut p: Parts) -> Box<dyn Statement> {
    match split_filters(std::mem::take(&mut p.filters)) {
        (None, _) => with_modifiers(q, p),
        (Some(a), None) => with_modifiers(q.filter(a), p),
        (Some(a), Some(b)) => with_modifiers(q.filter(a).filter(b), p),
    }
}

fn with_modifiers<F, W>(q: Select<Any, F, W>, p: Parts) -> Box<dyn Statement>
where
    F: FromClause + 'static,
    W: MaybeClause + 'static,
{
    let mut q = q;
    if let Some(n) = p.limit {
        q = q.limit(n);
    }
    if let Some(n) = p.offset {
        q = q.offset(n);
    }
    if p.distinct {
        q = q.distinct();
    }
    match (p.group, p.having) {
        (None, _) => with_order(q, p.order, p.boxed),
        (Some(g), None) => with_order(q.group_by(g), p.order, p.boxed),
        (Some(g), Some(h)) => with_order(q.group_by(g).having(h), p.order, p.boxed),
    }
}

fn with_order<F, W, G, H>(
    q: Select<Any, F, W, Modifiers<G, H, ()>>,
    order: Option<Any>,
    boxed: Option<BoxedParts>,
) -> Box<dyn Statement>
where
    F: FromClause + 'static,
    W: MaybeClause + 'static,
    G: MaybeClause + 'static,
    H: MaybeClause + 'static,
{
    match (order, boxed) {
        (None, None) => Box::new(q),
        (Some(o), None) => Box::new(q.order_by(o)),
        (None, Some(b)) => finish_boxed(q.boxed(), b),
        (Some(o), Some(b)) => finish_boxed(q.order_by(o).boxed(), b),
    }
}

fn finish_boxed(mut q: BoxedSelect<'static, Text>, b: BoxedParts) -> Box<dyn Statement> {
    if let Some((left, table, on)) = b.join2 {
        q = if left {
            q.left_join(table, on)
        } else {
            q.join(table, on)
        };
    }
    for f in b.filters {
        q = q.filter(f);
    }
    for h in b.having {
        q = q.having(h);
    }
    for o in b.order {
        q = q.order_by(o);
    }
    Box::new(q)
}

// ---------------------------------------------------------------------------
// Checking
// ---------------------------------------------------------------------------

/// How a dialect writes placeholders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholders {
    /// `?` (SQLite, MySQL).
    Question,
    /// `$1`, `$2`, ... (PostgreSQL).
    Numbered,
}

/// What the checks need to know about a dialect's lexical rules.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// The dialect's name, for messages.
    pub name: &'static str,
    /// Its placeholders.
    pub placeholders: Placeholders,
    /// Whether a backslash escapes the next character inside quotes
    /// (MySQL's default mode).
    pub backslash_escapes: bool,
}

/// PostgreSQL's rules.
pub const POSTGRES: Rules = Rules {
    name: "postgresql",
    placeholders: Placeholders::Numbered,
    backslash_escapes: false,
};

/// MySQL's rules.
pub const MYSQL: Rules = Rules {
    name: "mysql",
    placeholders: Placeholders::Question,
    backslash_escapes: true,
};

/// SQLite's rules.
pub const SQLITE: Rules = Rules {
    name: "sqlite",
    placeholders: Placeholders::Question,
    backslash_escapes: false,
};

/// A dialect to render in, with its rules.
pub struct Target<'d> {
    /// The dialect.
    pub dialect: &'d dyn Dialect,
    /// Its lexical rules.
    pub rules: Rules,
}

/// A rendering that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The SQL.
    pub sql: String,
    /// How many values are bound.
    pub binds: usize,
}

/// Builds `case`, renders it in every target, and checks the invariants
/// listed in the module docs. Returns each target's SQL (`None` where the
/// rendering failed as expected), or what went wrong.
///
/// # Errors
/// A description of the first broken invariant.
pub fn check_case(case: &Case, targets: &[Target<'_>]) -> Result<Vec<Option<Checked>>, String> {
    let real = build(case, false);
    let blank = build(case, true);
    if real.expect != blank.expect {
        return Err(format!(
            "blanking the values changed the expected outcome: {:?} vs {:?}",
            real.expect, blank.expect
        ));
    }
    let mut out = Vec::with_capacity(targets.len());
    let mut first_binds: Option<(&'static str, String)> = None;
    let mut scope_refused: Option<String> = None;
    for t in targets {
        let name = t.rules.name;
        let r = real.stmt.to_sql(t.dialect);
        let again = real.stmt.to_sql(t.dialect);
        let b = blank.stmt.to_sql(t.dialect);
        let (r, again, b) = match (r, again, b, real.expect) {
            (Ok(r), Ok(again), Ok(b), Expect::Ok) => (r, again, b),
            (Err(e), Err(_), Err(_), want) if want.matches(&e) => {
                out.push(None);
                continue;
            }
            // The model does not follow table scope: a SELECT whose tables
            // nothing connects, or a column outside an explicit FROM, is
            // refused by its structure alone, so alike in every dialect and
            // with the values blanked (checked below).
            (Err(e), Err(e2), Err(eb), Expect::Ok)
                if scope_refusal(&e)
                    && format!("{e:?}") == format!("{e2:?}")
                    && format!("{e:?}") == format!("{eb:?}") =>
            {
                let e = format!("{e:?}");
                match &scope_refused {
                    None if out.is_empty() => scope_refused = Some(e),
                    Some(first) if *first == e => {}
                    _ => {
                        return Err(format!(
                            "{name}: refused as {e} where another dialect was not"
                        ));
                    }
                }
                out.push(None);
                continue;
            }
            (_, _, _, Expect::Ok) if scope_refused.is_some() => {
                return Err(format!(
                    "{name}: rendered where another dialect refused the scope"
                ));
            }
            (r, _, b, want) => {
                return Err(format!(
                    "{name}: expected {want:?}, got {:?} (blank: {:?})",
                    r.map(|r| r.sql),
                    b.map(|b| b.sql)
                ));
            }
        };
        // Compared through `Debug`, where NaN equals itself.
        if r.sql != again.sql || format!("{:?}", r.binds) != format!("{:?}", again.binds) {
            return Err(format!(
                "{name}: rendering twice differs:\n{}\n{}",
                r.sql, again.sql
            ));
        }
        check_sql(t.rules, &r.sql, &r.binds, &b.sql)?;
        if r.sql != b.sql {
            return Err(format!(
                "{name}: blanking the values changed the SQL:\n{}\n{}",
                r.sql, b.sql
            ));
        }
        if r.binds.len() != b.binds.len() {
            return Err(format!(
                "{name}: blanking the values changed the bind count"
            ));
        }
        let binds = format!("{:?}", r.binds);
        match &first_binds {
            None => first_binds = Some((name, binds)),
            Some((other, first)) if *first != binds => {
                return Err(format!(
                    "{name} binds differ from {other}'s:\n{binds}\n{first}"
                ));
            }
            Some(_) => {}
        }
        out.push(Some(Checked {
            sql: r.sql,
            binds: r.binds.len(),
        }));
    }
    Ok(out)
}

/// An error about table scope: `ErrorKind::CartesianProduct` or
/// `ErrorKind::TableNotInStatement`.
fn scope_refusal(e: &sqlalgebra::Error) -> bool {
    matches!(
        e.kind(),
        sqlalgebra::ErrorKind::CartesianProduct { .. }
            | sqlalgebra::ErrorKind::TableNotInStatement { .. }
    )
}

/// What a lexical scan of SQL found outside quotes and comments.
#[derive(Debug, Default)]
struct Scan {
    questions: usize,
    numbered: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Code,
    Quoted(u8),
    LineComment,
    BlockComment,
}

fn scan(rules: Rules, sql: &str) -> Result<Scan, String> {
    let b = sql.as_bytes();
    let mut s = Scan::default();
    let mut state = State::Code;
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        match state {
            State::Code => match c {
                b'\'' | b'"' | b'`' => state = State::Quoted(c),
                b'-' if next == Some(b'-') => {
                    state = State::LineComment;
                    i += 1;
                }
                b'/' if next == Some(b'*') => {
                    state = State::BlockComment;
                    i += 1;
                }
                b'(' => depth += 1,
                b')' => {
                    depth = depth
                        .checked_sub(1)
                        .ok_or_else(|| format!("unbalanced `)` at byte {i}"))?;
                }
                b'?' => s.questions += 1,
                b'$' => {
                    let digits = b[i + 1..].iter().take_while(|d| d.is_ascii_digit()).count();
                    if rules.placeholders == Placeholders::Question || digits == 0 {
                        return Err(format!("stray `$` at byte {i}"));
                    }
                    let n = sql[i + 1..i + 1 + digits]
                        .parse()
                        .map_err(|e| format!("bad placeholder at byte {i}: {e}"))?;
                    s.numbered.push(n);
                    i += digits;
                }
                b':' if next.is_some_and(|n| n.is_ascii_alphabetic() || n == b'_') => {
                    return Err(format!("a `:name` placeholder survived at byte {i}"));
                }
                _ => {}
            },
            State::Quoted(q) => {
                if rules.backslash_escapes && c == b'\\' {
                    i += 1;
                } else if c == q {
                    if next == Some(q) {
                        i += 1;
                    } else {
                        state = State::Code;
                    }
                }
            }
            State::LineComment => {
                if c == b'\n' {
                    state = State::Code;
                }
            }
            State::BlockComment => {
                if c == b'*' && next == Some(b'/') {
                    state = State::Code;
                    i += 1;
                }
            }
        }
        i += 1;
    }
    match state {
        State::Code | State::LineComment => {}
        State::Quoted(q) => return Err(format!("unclosed {} quote", q as char)),
        State::BlockComment => return Err("unclosed block comment".into()),
    }
    if depth != 0 {
        return Err(format!("{depth} unclosed `(`"));
    }
    Ok(s)
}

/// Checks one rendering: balanced quotes and parentheses, placeholders
/// matching `binds`, and no bind value's text in `sql` unless it is also in
/// `blank_sql`, the SQL of the same statement with every value blanked.
///
/// # Errors
/// What is wrong, with the SQL.
pub fn check_sql(
    rules: Rules,
    sql: &str,
    binds: &[ValueRef<'_>],
    blank_sql: &str,
) -> Result<(), String> {
    let name = rules.name;
    let s = scan(rules, sql).map_err(|e| format!("{name}: {e} in\n{sql}"))?;
    match rules.placeholders {
        Placeholders::Question => {
            if s.questions != binds.len() {
                return Err(format!(
                    "{name}: {} `?` but {} binds in\n{sql}",
                    s.questions,
                    binds.len()
                ));
            }
        }
        Placeholders::Numbered => {
            if s.questions != 0 {
                return Err(format!("{name}: `?` outside quotes in\n{sql}"));
            }
            // Each number first appears in order (`$1`, `$2`, ..); a
            // grouped expression repeated elsewhere may use its first
            // occurrence's numbers again (`render/unify.rs`).
            let mut next = 1;
            let mut in_order = true;
            for &n in &s.numbered {
                if n == next {
                    next += 1;
                } else if n == 0 || n > next {
                    in_order = false;
                }
            }
            if !in_order || next - 1 != binds.len() {
                return Err(format!(
                    "{name}: placeholders {:?} for {} binds in\n{sql}",
                    s.numbered,
                    binds.len()
                ));
            }
        }
    }
    for v in binds {
        let text = match v {
            ValueRef::Text(t) => *t,
            ValueRef::Blob(b) => std::str::from_utf8(b).unwrap_or(""),
            _ => "",
        };
        if !text.is_empty() && sql.contains(text) && !blank_sql.contains(text) {
            return Err(format!("{name}: the bind value {text:?} appears in\n{sql}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_sees_through_quotes_and_comments() {
        let s = scan(SQLITE, "SELECT '?', \"a\"\"?\", `?` -- ?\n, ? /* ( */ (?)").unwrap();
        assert_eq!(s.questions, 2);
        assert!(scan(SQLITE, "SELECT 'a").is_err());
        assert!(scan(SQLITE, "SELECT (1").is_err());
        assert!(scan(SQLITE, "SELECT 1)").is_err());
        assert!(scan(SQLITE, "SELECT :a").is_err());
        assert!(scan(MYSQL, r"SELECT 'a\'").is_err());
        assert!(scan(SQLITE, r"SELECT 'a\'").is_ok());
        let p = scan(POSTGRES, "SELECT $1, '$9', $2").unwrap();
        assert_eq!(p.numbered, [1, 2]);
    }
}
