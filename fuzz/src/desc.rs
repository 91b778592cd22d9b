//! The description of a statement, decoded from the fuzzer's bytes.

use super::*;

/// The tables, as bits of a set.
pub(crate) const USERS: u8 = 1;
pub(crate) const ORDERS: u8 = 2;
pub(crate) const BOTH: u8 = USERS | ORDERS;

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
    pub(crate) fn mask(self) -> u8 {
        match self {
            TableId::Users => USERS,
            TableId::Orders => ORDERS,
        }
    }
    pub(crate) fn other(self) -> TableId {
        match self {
            TableId::Users => TableId::Orders,
            TableId::Orders => TableId::Users,
        }
    }
    pub(crate) fn name(self) -> &'static str {
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
    pub(crate) fn resolve(&self) -> String {
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
