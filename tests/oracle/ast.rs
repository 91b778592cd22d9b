//! The oracle's statements, as plain data: the generator makes them, the
//! shrinker cuts them down, `build` turns them into library statements and
//! `print_sql` into the expected SQL text (its own printer: explicit FROM
//! lists, explicit correlation, literal values).

use super::model::{ALIASES, COLS, CTE, TABLES, Val, sql_literal};

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
    pub left: bool,
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
    Update {
        table: usize,
        sets: Vec<(usize, E)>,
        filter: Option<E>,
    },
    Delete {
        table: usize,
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
            Stmt::Update { .. } => "update",
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

pub fn q(name: &str) -> String {
    format!("\"{name}\"")
}

pub fn from_item(s: &Src) -> String {
    match s.alias {
        Some(CTE) => q(ALIASES[CTE]),
        Some(a) => format!("{} AS {}", q(TABLES[s.table]), q(ALIASES[a])),
        None => q(TABLES[s.table]),
    }
}

fn lit(v: &Val) -> String {
    sql_literal(v, "sqlite")
}

/// The expected SQL text of an expression, for SQLite.
pub fn print_expr(e: &E) -> String {
    match e {
        E::Col(s, c) => format!("{}.{}", q(s.exposed()), q(COLS[*c])),
        E::Lit(v) => lit(v),
        E::Arith(op, a, b) => {
            let op = match op {
                ArOp::Add => "+",
                ArOp::Sub => "-",
                ArOp::Mul => "*",
            };
            format!("({} {op} {})", print_expr(a), print_expr(b))
        }
        E::Concat(a, b) => format!("({} || {})", print_expr(a), print_expr(b)),
        E::Cmp(op, a, b) => {
            let op = match op {
                CmpOp::Eq => "=",
                CmpOp::Ne => "<>",
                CmpOp::Lt => "<",
                CmpOp::Le => "<=",
                CmpOp::Gt => ">",
                CmpOp::Ge => ">=",
            };
            format!("({} {op} {})", print_expr(a), print_expr(b))
        }
        E::And(a, b) => format!("({} AND {})", print_expr(a), print_expr(b)),
        E::Or(a, b) => format!("({} OR {})", print_expr(a), print_expr(b)),
        E::Not(a) => format!("(NOT {})", print_expr(a)),
        E::IsNull(a, not) => {
            format!(
                "({} IS {}NULL)",
                print_expr(a),
                if *not { "NOT " } else { "" }
            )
        }
        E::InList(a, vals, not, _) => {
            let vals: Vec<String> = vals.iter().map(lit).collect();
            let not = if *not { "NOT " } else { "" };
            format!("({} {not}IN ({}))", print_expr(a), vals.join(", "))
        }
        E::Between(a, lo, hi) => {
            format!("({} BETWEEN {} AND {})", print_expr(a), lit(lo), lit(hi))
        }
        E::Like(a, p, not) => {
            let not = if *not { "NOT " } else { "" };
            format!(
                "({} {not}LIKE {})",
                print_expr(a),
                lit(&Val::Text(p.clone()))
            )
        }
        E::Match(op, a, text) => {
            // Literal matching, without LIKE: `instr` and `substr` compare
            // characters exactly (case and all).
            let x = print_expr(a);
            let t = lit(&Val::Text(text.clone()));
            let n = text.chars().count();
            match op {
                MatchOp::StartsWith => format!("(instr({x}, {t}) = 1)"),
                MatchOp::Contains => format!("(instr({x}, {t}) > 0)"),
                MatchOp::EndsWith if n == 0 => format!("({x} IS NOT NULL OR NULL)"),
                MatchOp::EndsWith => {
                    format!("(length({x}) >= {n} AND substr({x}, length({x}) - {n} + 1) = {t})")
                }
            }
        }
        E::Case(c, a, b) => format!(
            "(CASE WHEN {} THEN {} ELSE {} END)",
            print_expr(c),
            print_expr(a),
            print_expr(b)
        ),
        E::Coalesce(a, b) => format!("coalesce({}, {})", print_expr(a), print_expr(b)),
        E::Func(f, a) => {
            let a = print_expr(a);
            match f {
                F1::Lower => format!("lower({a})"),
                F1::Upper => format!("upper({a})"),
                F1::Length => format!("length({a})"),
                F1::Abs => format!("abs({a})"),
                F1::Trim => format!("trim({a})"),
                F1::CastText => format!("CAST({a} AS TEXT)"),
            }
        }
        E::Agg(op, a) => {
            let a = a.as_ref().map(|a| print_expr(a)).unwrap_or_default();
            match op {
                AggOp::CountStar => "count(*)".into(),
                AggOp::Count => format!("count({a})"),
                AggOp::Sum => format!("sum({a})"),
                AggOp::Min => format!("min({a})"),
                AggOp::Max => format!("max({a})"),
            }
        }
        E::Exists(s, not) => {
            format!(
                "({}EXISTS ({}))",
                if *not { "NOT " } else { "" },
                print_sub(s)
            )
        }
        E::InSub(a, s, not) => format!(
            "({} {}IN ({}))",
            print_expr(a),
            if *not { "NOT " } else { "" },
            print_sub(s)
        ),
        E::Scalar(s) => format!("({})", print_sub(s)),
        E::Win(f, a, part, order) => {
            let a = a.as_ref().map(|a| print_expr(a)).unwrap_or_default();
            let f = match f {
                WinF::RowNumber => "row_number()".to_owned(),
                WinF::Rank => "rank()".to_owned(),
                WinF::DenseRank => "dense_rank()".to_owned(),
                WinF::Sum => format!("sum({a})"),
                WinF::Count => format!("count({a})"),
            };
            let mut w = String::new();
            if !part.is_empty() {
                let p: Vec<String> = part.iter().map(print_expr).collect();
                w.push_str(&format!("PARTITION BY {}", p.join(", ")));
            }
            if !order.is_empty() {
                let o: Vec<String> = order
                    .iter()
                    .map(|(e, d)| {
                        let dir = if *d { "DESC" } else { "ASC" };
                        format!("{} {dir} NULLS FIRST", print_expr(e))
                    })
                    .collect();
                if !w.is_empty() {
                    w.push(' ');
                }
                w.push_str(&format!("ORDER BY {}", o.join(", ")));
            }
            format!("{f} OVER ({w})")
        }
    }
}

/// The expected text of a CTE's definition (see [`Stmt::With`]).
pub fn print_cte(recursive: bool, table: usize, ncols: usize, filter: Option<&E>) -> String {
    let t = q(TABLES[table]);
    let w = q(ALIASES[CTE]);
    let cols: Vec<String> = (0..ncols).map(|c| format!("{t}.{}", q(COLS[c]))).collect();
    let mut out = format!("SELECT {} FROM {t}", cols.join(", "));
    if let Some(f) = filter {
        out.push_str(&format!(" WHERE {}", print_expr(f)));
    }
    if recursive {
        let id = q(COLS[0]);
        let rec: Vec<String> = (0..ncols)
            .map(|c| match c {
                0 => format!("({w}.{id} + 20)"),
                _ => format!("{w}.{}", q(COLS[c])),
            })
            .collect();
        out.push_str(&format!(
            " UNION ALL SELECT {} FROM {w} WHERE ({w}.{id} < 60)",
            rec.join(", ")
        ));
    }
    format!(
        "WITH {}{w} AS ({out}) ",
        if recursive { "RECURSIVE " } else { "" }
    )
}

fn print_sub(s: &Sub) -> String {
    let mut out = format!("SELECT {} FROM {}", print_expr(&s.item), from_item(&s.src));
    if let Some(f) = &s.filter {
        out.push_str(&format!(" WHERE {}", print_expr(f)));
    }
    out
}

/// The expected SQL text of a SELECT.
pub fn print_sel(s: &Sel) -> String {
    let items: Vec<String> = s.items.iter().map(print_expr).collect();
    let mut out = format!(
        "SELECT {}{} FROM {}",
        if s.distinct { "DISTINCT " } else { "" },
        items.join(", "),
        from_item(&s.from)
    );
    for j in &s.joins {
        out.push_str(&format!(
            " {} JOIN {} ON {}",
            if j.left { "LEFT" } else { "INNER" },
            from_item(&j.src),
            print_expr(&j.on)
        ));
    }
    if !s.filter.is_empty() {
        let f: Vec<String> = s.filter.iter().map(print_expr).collect();
        out.push_str(&format!(" WHERE {}", f.join(" AND ")));
    }
    if !s.group.is_empty() {
        let g: Vec<String> = s.group.iter().map(print_expr).collect();
        out.push_str(&format!(" GROUP BY {}", g.join(", ")));
    }
    if let Some(h) = &s.having {
        out.push_str(&format!(" HAVING {}", print_expr(h)));
    }
    if s.order {
        // By position: SQLite folds a constant term (`x IN ()`) to an
        // integer and then reads it as a position.
        let o: Vec<String> = s
            .desc
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let dir = if *d { "DESC" } else { "ASC" };
                format!("{} {dir} NULLS FIRST", i + 1)
            })
            .collect();
        out.push_str(&format!(" ORDER BY {}", o.join(", ")));
    }
    if s.limit.is_some() || s.offset.is_some() {
        out.push_str(&format!(" LIMIT {}", s.limit.map_or(-1, |l| l as i64)));
    }
    if let Some(o) = s.offset {
        out.push_str(&format!(" OFFSET {o}"));
    }
    out
}

/// The expected SQL text of a statement, for SQLite.
pub fn print_stmt(s: &Stmt) -> String {
    match s {
        Stmt::Select(s) => print_sel(s),
        Stmt::With {
            recursive,
            table,
            ncols,
            filter,
            body,
        } => format!(
            "{}{}",
            print_cte(*recursive, *table, *ncols, filter.as_ref()),
            print_sel(body)
        ),
        Stmt::Orm(o) => super::orm::print_orm(o),
        Stmt::SetOp(op, a, b) => {
            let op = match op {
                SetOp::Union => "UNION",
                SetOp::UnionAll => "UNION ALL",
                SetOp::Intersect => "INTERSECT",
                SetOp::Except => "EXCEPT",
            };
            format!("{} {op} {}", print_sel(a), print_sel(b))
        }
        Stmt::Update {
            table,
            sets,
            filter,
        } => {
            let sets: Vec<String> = sets
                .iter()
                .map(|(c, e)| format!("{} = {}", q(COLS[*c]), print_expr(e)))
                .collect();
            let mut out = format!("UPDATE {} SET {}", q(TABLES[*table]), sets.join(", "));
            if let Some(f) = filter {
                out.push_str(&format!(" WHERE {}", print_expr(f)));
            }
            out
        }
        Stmt::Delete { table, filter } => {
            let mut out = format!("DELETE FROM {}", q(TABLES[*table]));
            if let Some(f) = filter {
                out.push_str(&format!(" WHERE {}", print_expr(f)));
            }
            out
        }
        Stmt::InsertSelect { table, col, src } => format!(
            "INSERT INTO {} ({}, {}) {}",
            q(TABLES[*table]),
            q("id"),
            q(COLS[*col]),
            print_sel(src)
        ),
        Stmt::Upsert {
            table,
            col,
            id,
            val,
            do_nothing,
        } => {
            let c = q(COLS[*col]);
            let action = if *do_nothing {
                "NOTHING".to_owned()
            } else {
                format!("UPDATE SET {c} = excluded.{c}")
            };
            format!(
                "INSERT INTO {} ({}, {c}) VALUES ({id}, {}) ON CONFLICT ({}) DO {action}",
                q(TABLES[*table]),
                q("id"),
                lit(val),
                q("id")
            )
        }
    }
}
