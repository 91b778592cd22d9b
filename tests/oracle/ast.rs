//! The oracle's statements, as plain data: the generator makes them, the
//! shrinker cuts them down, `build` turns them into library statements and
//! `print_sql` into the expected SQL text (its own printer: explicit FROM
//! lists, explicit correlation, literal values).

use super::model::{ALIASES, TABLES, Val};

mod print;
pub use print::*;

/// A table in a FROM list: the table, and the alias when it is not the
/// table's first use in the statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Src {
    pub table: usize,
    pub alias: Option<usize>,
}

impl Src {
    /// The name the statement sees it by.
    pub fn exposed(&self) -> &'static str {
        match self.alias {
            Some(a) => ALIASES[a],
            None => TABLES[self.table],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArOp {
    Add,
    Sub,
    Mul,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchOp {
    StartsWith,
    EndsWith,
    Contains,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum F1 {
    Lower,
    Upper,
    Length,
    Abs,
    Trim,
    /// `CAST(x AS TEXT)` of an integer.
    CastText,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggOp {
    CountStar,
    Count,
    Sum,
    Min,
    Max,
}

/// A window function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WinF {
    RowNumber,
    Rank,
    DenseRank,
    /// `SUM(arg)`.
    Sum,
    /// `COUNT(arg)`.
    Count,
}

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub enum E {
    Col(Src, usize),
    Lit(Val),
    Arith(ArOp, Bx<E>, Bx<E>),
    Concat(Bx<E>, Bx<E>),
    Cmp(CmpOp, Bx<E>, Bx<E>),
    And(Bx<E>, Bx<E>),
    Or(Bx<E>, Bx<E>),
    Not(Bx<E>),
    /// `IS NULL`, or `IS NOT NULL` when the flag is set.
    IsNull(Bx<E>, bool),
    /// `IN (list)`; `NOT IN` when the flag is set; the list's values are
    /// bound one by one when `typed` is off, as a typed Rust list when on.
    InList(Bx<E>, Vec<Val>, bool, bool),
    Between(Bx<E>, Val, Val),
    /// `LIKE pattern`, or `NOT LIKE` when the flag is set.
    Like(Bx<E>, String, bool),
    Match(MatchOp, Bx<E>, String),
    Case(Bx<E>, Bx<E>, Bx<E>),
    Coalesce(Bx<E>, Bx<E>),
    Func(F1, Bx<E>),
    /// An aggregate; `CountStar` has no argument.
    Agg(AggOp, Option<Bx<E>>),
    /// `EXISTS (sub)`, `NOT EXISTS` when the flag is set.
    Exists(Bx<Sub>, bool),
    /// `x IN (sub)`, `NOT IN` when the flag is set.
    InSub(Bx<E>, Bx<Sub>, bool),
    /// `(sub)`: its item is an aggregate, so it has one row.
    Scalar(Bx<Sub>),
    /// `f(arg) OVER (PARTITION BY .. ORDER BY ..)`: ORDER BY terms are
    /// `(expr, desc)`, NULLs first, ending with the key of every source of
    /// the SELECT, so the order in each partition is total.
    Win(WinF, Option<Bx<E>>, Vec<E>, Vec<(E, bool)>),
}

/// A one-column subquery over one source: `SELECT item FROM src WHERE ..`.
/// `infer_from`: the library infers its FROM (the source is referenced).
#[derive(Clone, Debug, PartialEq)]
pub struct Sub {
    pub src: Src,
    pub item: E,
    pub filter: Option<E>,
    pub infer_from: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Join {
    /// LEFT JOIN; with `right`, FULL JOIN.
    pub left: bool,
    /// RIGHT JOIN; with `left`, FULL JOIN (SELECTs only).
    pub right: bool,
    pub src: Src,
    pub on: E,
}

/// A SELECT. ORDER BY (when `order`) is every item in turn (ascending,
/// or descending when `desc[i]`, NULLs first), a total order of the
/// output rows, so LIMIT/OFFSET are deterministic.
#[derive(Clone, Debug, PartialEq)]
pub struct Sel {
    pub distinct: bool,
    pub items: Vec<E>,
    pub from: Src,
    pub infer_from: bool,
    pub joins: Vec<Join>,
    pub filter: Vec<E>,
    pub group: Vec<E>,
    pub having: Option<E>,
    pub order: bool,
    pub desc: Vec<bool>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetOp {
    Union,
    UnionAll,
    Intersect,
    Except,
}

/// What an ORM query loads besides its objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Load {
    None,
    /// The children of table `child` whose column `col` refers to the
    /// objects' table: `selectin_children`, or `joined_children`.
    Children {
        child: usize,
        col: usize,
        joined: bool,
    },
    /// The objects are rows of a child table (whose column `col` refers
    /// to table `parent`): `selectin_parents`.
    Parents {
        parent: usize,
        col: usize,
    },
}

/// `session.query::<M>()` over `table` (see `oracle/orm.rs`).
#[derive(Clone, Debug, PartialEq)]
pub struct OrmQ {
    pub table: usize,
    /// At most one.
    pub joins: Vec<Join>,
    pub filter: Option<E>,
    /// `ORDER BY id LIMIT l OFFSET o` (never with a join).
    pub limit: Option<(u64, u64)>,
    pub load: Load,
}

/// A statement. (A test's own tree: the size of its variants does not
/// matter.)
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    Select(Sel),
    SetOp(SetOp, Sel, Sel),
    /// `UPDATE table [FROM using] SET .. WHERE filter`: a SET value reads
    /// only the target, or the one source of `using` whose key the filter
    /// pins (`using.id = table.col AND ..`), so it has one value per row.
    Update {
        table: usize,
        using: Vec<Src>,
        sets: Vec<(usize, E)>,
        filter: Option<E>,
    },
    /// `DELETE FROM table [USING using] WHERE filter`.
    Delete {
        table: usize,
        using: Vec<Src>,
        filter: Option<E>,
    },
    /// `WITH [RECURSIVE] "w" AS (SELECT <every column> FROM table WHERE
    /// filter [UNION ALL SELECT "w"."id" + 20, <the others> FROM "w" WHERE
    /// "w"."id" < 60]) body`: the body reads `"w"` as its FROM.
    With {
        recursive: bool,
        table: usize,
        /// The table's column count.
        ncols: usize,
        filter: Option<E>,
        body: Sel,
    },
    /// An ORM query: the keys of the objects it loads, and of those its
    /// loader brings.
    Orm(OrmQ),
    /// `INSERT INTO table (id, col) SELECT ..`: the select's two items are
    /// the new id and the value.
    InsertSelect {
        table: usize,
        col: usize,
        src: Sel,
    },
    /// `INSERT .. VALUES (id, val) ON CONFLICT (id) DO UPDATE SET col =
    /// excluded.col` (or `DO NOTHING`).
    Upsert {
        table: usize,
        col: usize,
        id: i64,
        val: Val,
        do_nothing: bool,
    },
}

impl Stmt {
    /// The statement kind, for the counts.
    pub fn kind(&self) -> &'static str {
        match self {
            Stmt::Select(s) if s.items.iter().any(E::has_win) => "window",
            Stmt::Select(s) if !s.group.is_empty() || s.items.iter().any(E::has_agg) => "group",
            Stmt::Select(s) if !s.joins.is_empty() => "join",
            Stmt::Select(s) if s.items.iter().chain(&s.filter).any(E::has_sub) => "subquery",
            Stmt::Select(_) => "select",
            Stmt::SetOp(..) => "setop",
            Stmt::With {
                recursive: true, ..
            } => "with_recursive",
            Stmt::With { .. } => "with",
            Stmt::Orm(o) => match o.load {
                Load::None if o.joins.is_empty() => "orm",
                Load::None => "orm_join",
                Load::Children { joined: false, .. } => "orm_selectin",
                Load::Children { joined: true, .. } => "orm_joined",
                Load::Parents { .. } => "orm_parents",
            },
            Stmt::Update { using, .. } if !using.is_empty() => "update_from",
            Stmt::Update { .. } => "update",
            Stmt::Delete { using, .. } if !using.is_empty() => "delete_using",
            Stmt::Delete { .. } => "delete",
            Stmt::InsertSelect { .. } => "insert_select",
            Stmt::Upsert { .. } => "upsert",
        }
    }
    pub fn writes(&self) -> bool {
        !matches!(
            self,
            Stmt::Select(_) | Stmt::SetOp(..) | Stmt::With { .. } | Stmt::Orm(_)
        )
    }
}

/// A box whose `Debug` prints `bx(..)`, so that a printed statement is
/// Rust that builds it again.
#[derive(Clone, PartialEq)]
pub struct Bx<T>(pub Box<T>);

pub fn bx<T>(t: T) -> Bx<T> {
    Bx(Box::new(t))
}

impl<T> std::ops::Deref for Bx<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Bx<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "bx({:?})", self.0)
    }
}

impl Sub {
    pub fn b(self) -> Bx<Sub> {
        bx(self)
    }
}

impl E {
    pub fn b(self) -> Bx<E> {
        bx(self)
    }
    /// Whether it contains an aggregate (outside subqueries).
    pub fn has_agg(&self) -> bool {
        let mut found = false;
        self.walk(&mut |e| found |= matches!(e, E::Agg(..)));
        found
    }
    /// Whether it contains a window function.
    pub fn has_win(&self) -> bool {
        let mut found = false;
        self.walk(&mut |e| found |= matches!(e, E::Win(..)));
        found
    }
    /// Whether it contains a subquery.
    pub fn has_sub(&self) -> bool {
        let mut found = false;
        self.walk(&mut |e| found |= matches!(e, E::Exists(..) | E::InSub(..) | E::Scalar(..)));
        found
    }
    /// Whether it contains a literal (a bound value), also in subqueries.
    pub fn has_lit(&self) -> bool {
        let mut found = false;
        self.walk(&mut |e| {
            found |= match e {
                E::Lit(_) | E::InList(..) | E::Between(..) | E::Like(..) | E::Match(..) => true,
                E::Exists(s, _) | E::InSub(_, s, _) | E::Scalar(s) => {
                    s.item.has_lit() || s.filter.as_ref().is_some_and(E::has_lit)
                }
                _ => false,
            }
        });
        found
    }
    /// Visits every node, not descending into subqueries.
    pub fn walk(&self, f: &mut impl FnMut(&E)) {
        f(self);
        match self {
            E::Col(..) | E::Lit(_) | E::Exists(..) | E::Scalar(_) => {}
            E::Arith(_, a, b)
            | E::Concat(a, b)
            | E::Cmp(_, a, b)
            | E::And(a, b)
            | E::Or(a, b)
            | E::Coalesce(a, b) => {
                a.walk(f);
                b.walk(f);
            }
            E::Not(a)
            | E::IsNull(a, _)
            | E::InList(a, ..)
            | E::Between(a, ..)
            | E::Like(a, ..)
            | E::Match(_, a, _)
            | E::Func(_, a)
            | E::InSub(a, ..) => a.walk(f),
            E::Case(a, b, c) => {
                a.walk(f);
                b.walk(f);
                c.walk(f);
            }
            E::Agg(_, a) => {
                if let Some(a) = a {
                    a.walk(f);
                }
            }
            E::Win(_, a, part, order) => {
                if let Some(a) = a {
                    a.walk(f);
                }
                for e in part.iter().chain(order.iter().map(|(e, _)| e)) {
                    e.walk(f);
                }
            }
        }
    }
}
