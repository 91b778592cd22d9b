//! Turns the oracle's statements into library statements through the
//! public API: typed tables `Tab<T>` / columns `Col<T, C>` of SQL type
//! `Any`, aliases, boxed expressions and boxed SELECTs.

use sqlalgebra::Result;
use sqlalgebra::prelude::*;
use sqlalgebra::query::{
    BoxedExpr, BoxedSelect, CteDef, Query, Runs, Selection, StatementRow, Value,
};
use sqlalgebra::render::{GroupCheck, Render, SqlKey, SqlWriter, TableSet};
use sqlalgebra::types::{Any, SqlType};
use sqlalgebra::value::ValueRef;

use super::ast::*;
use super::model::{ALIASES, CTE, Col, Tab, Val, by_col, by_table};

/// A boxed expression of run-time SQL type.
pub type X = BoxedExpr<'static, Any>;

/// `e` seen as SQL type `ST`: the library's functions type their results
/// (`COUNT` is a `BigInt`); the oracle compares everything as `Any`.
pub struct Retype<E, ST>(E, std::marker::PhantomData<fn() -> ST>);

impl<E: Render, ST> Render for Retype<E, ST> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.0.render(w);
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.0.collect_tables(out);
    }
    fn precedence(&self) -> u8 {
        self.0.precedence()
    }
    fn render_selected<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.0.render_selected(w);
    }
    fn render_order_key<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.0.render_order_key(w);
    }
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        self.0.sql_key(key)
    }
    fn bound_value(&self) -> Option<ValueRef<'_>> {
        self.0.bound_value()
    }
    fn render_assigned<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.0.render_assigned(w);
    }
    fn check_grouping<'a>(&'a self, check: &mut GroupCheck<'_, 'a>) {
        self.0.check_grouping(check);
    }
    fn label_name(&self) -> Option<&'static str> {
        self.0.label_name()
    }
}

impl<E: Render, ST: SqlType> Expression for Retype<E, ST> {
    type SqlType = ST;
}

fn any<E: Render + Send + Sync + 'static>(e: E) -> X {
    Retype::<E, Any>(e, std::marker::PhantomData).boxed()
}

/// `.anyx()`: any node as an `X`.
trait AnyExt: Render + Send + Sync + Sized + 'static {
    fn anyx(self) -> X {
        any(self)
    }
}
impl<E: Render + Send + Sync + 'static> AnyExt for E {}

fn as_type<ST: SqlType>(e: X) -> Retype<X, ST> {
    Retype(e, std::marker::PhantomData)
}

fn typed_col<const T: usize, const C: usize>() -> X {
    Col::<T, C>.anyx()
}
fn table_col<const T: usize>(c: usize) -> X {
    by_col!(c, typed_col::<T>())
}
fn alias_col<const T: usize, const C: usize>(a: &'static str) -> X {
    alias(Tab::<T>, a).col(Col::<T, C>).anyx()
}
fn alias_col_of<const T: usize>(a: &'static str, c: usize) -> X {
    by_col!(c, alias_col::<T>(a))
}

fn cte_col<const T: usize, const C: usize>() -> X {
    cte(ALIASES[CTE]).col(Col::<T, C>).anyx()
}
fn cte_col_of<const T: usize>(c: usize) -> X {
    by_col!(c, cte_col::<T>())
}

/// A column of a source.
pub fn col(s: &Src, c: usize) -> X {
    match s.alias {
        None => by_table!(s.table, table_col(c)),
        Some(CTE) => by_table!(s.table, cte_col_of(c)),
        Some(a) => by_table!(s.table, alias_col_of(ALIASES[a], c)),
    }
}

/// A bound value.
pub fn lit(v: &Val) -> X {
    match v {
        Val::Null => bind::<Any, _>(None::<i64>).anyx(),
        Val::Int(i) => bind::<Any, _>(*i).anyx(),
        Val::Float(f) => bind::<Any, _>(*f).anyx(),
        Val::Text(s) => bind::<Any, _>(s.clone()).anyx(),
        Val::Bool(b) => bind::<Any, _>(*b).anyx(),
        Val::Blob(b) => bind::<Any, _>(b.clone()).anyx(),
    }
}

fn in_list(x: X, vals: &[Val], not: bool, typed: bool) -> X {
    macro_rules! list {
        ($pat:ident, $conv:expr) => {{
            let v: Vec<_> = vals
                .iter()
                .map(|v| match v {
                    Val::$pat(x) => $conv(x),
                    _ => unreachable!("typed lists hold one kind"),
                })
                .collect();
            if not {
                x.not_in(v).anyx()
            } else {
                x.in_(v).anyx()
            }
        }};
    }
    match (typed, vals.first()) {
        (true, Some(Val::Int(_))) => list!(Int, |x: &i64| *x),
        (true, Some(Val::Float(_))) => list!(Float, |x: &f64| *x),
        (true, Some(Val::Text(_))) => list!(Text, |x: &String| x.clone()),
        (true, Some(Val::Bool(_))) => list!(Bool, |x: &bool| *x),
        (true, Some(Val::Blob(_))) => list!(Blob, |x: &Vec<u8>| x.clone()),
        _ => {
            let v: Vec<X> = vals.iter().map(lit).collect();
            if not {
                x.not_in(v).anyx()
            } else {
                x.in_(v).anyx()
            }
        }
    }
}

/// How a subquery is used.
enum SubUse {
    Exists(bool),
    In(X, bool),
    Scalar,
}

macro_rules! use_sub {
    ($q:expr, $u:expr) => {
        match $u {
            SubUse::Exists(false) => exists($q).anyx(),
            SubUse::Exists(true) => not(exists($q)).anyx(),
            SubUse::In(x, false) => x.in_($q).anyx(),
            SubUse::In(x, true) => x.not_in($q).anyx(),
            SubUse::Scalar => $q.as_scalar().anyx(),
        }
    };
}

macro_rules! filtered_sub {
    ($q:expr, $s:expr, $u:expr) => {
        match &$s.filter {
            Some(f) => use_sub!($q.filter(ex(f)), $u),
            None => use_sub!($q, $u),
        }
    };
}

fn sub_from<const T: usize>(s: &Sub, u: SubUse) -> X {
    let q = select(ex(&s.item));
    match s.src.alias {
        None => filtered_sub!(q.from(Tab::<T>), s, u),
        Some(a) => filtered_sub!(q.from(alias(Tab::<T>, ALIASES[a])), s, u),
    }
}

fn sub(s: &Sub, u: SubUse) -> X {
    if s.infer_from {
        filtered_sub!(select(ex(&s.item)), s, u)
    } else {
        by_table!(s.src.table, sub_from(s, u))
    }
}

/// The library expression of `e`.
pub fn ex(e: &E) -> X {
    match e {
        E::Col(s, c) => col(s, *c),
        E::Lit(v) => lit(v),
        E::Arith(op, a, b) => match op {
            ArOp::Add => ex(a).add(ex(b)).anyx(),
            ArOp::Sub => ex(a).sub(ex(b)).anyx(),
            ArOp::Mul => ex(a).mul(ex(b)).anyx(),
        },
        E::Concat(a, b) => ex(a).concat(ex(b)).anyx(),
        E::Cmp(op, a, b) => match op {
            CmpOp::Eq => ex(a).eq(ex(b)).anyx(),
            CmpOp::Ne => ex(a).ne(ex(b)).anyx(),
            CmpOp::Lt => ex(a).lt(ex(b)).anyx(),
            CmpOp::Le => ex(a).le(ex(b)).anyx(),
            CmpOp::Gt => ex(a).gt(ex(b)).anyx(),
            CmpOp::Ge => ex(a).ge(ex(b)).anyx(),
        },
        E::And(a, b) => ex(a).and(ex(b)).anyx(),
        E::Or(a, b) => ex(a).or(ex(b)).anyx(),
        E::Not(a) => not(ex(a)).anyx(),
        E::IsNull(a, false) => ex(a).is_null().anyx(),
        E::IsNull(a, true) => ex(a).is_not_null().anyx(),
        E::InList(a, vals, not, typed) => in_list(ex(a), vals, *not, *typed),
        E::Between(a, lo, hi) => ex(a).between(lit(lo), lit(hi)).anyx(),
        E::Like(a, p, false) => ex(a).like(p.clone()).anyx(),
        E::Like(a, p, true) => ex(a).not_like(p.clone()).anyx(),
        E::Match(op, a, t) => match op {
            MatchOp::StartsWith => any(ex(a).starts_with(t)),
            MatchOp::EndsWith => any(ex(a).ends_with(t)),
            MatchOp::Contains => any(ex(a).contains(t)),
        },
        E::Case(c, a, b) => {
            any(case_when(ex(c), as_type::<Text>(ex(a))).otherwise(as_type::<Text>(ex(b))))
        }
        E::Coalesce(a, b) => coalesce(ex(a), ex(b)).anyx(),
        E::Func(f, a) => {
            let a = ex(a);
            match f {
                F1::Lower => any(lower(as_type::<Text>(a))),
                F1::Upper => any(upper(as_type::<Text>(a))),
                F1::Length => any(length(as_type::<Text>(a))),
                F1::Abs => any(abs(as_type::<BigInt>(a))),
                F1::Trim => any(trim(as_type::<Text>(a))),
                F1::CastText => any(cast::<Text, _>(as_type::<BigInt>(a))),
            }
        }
        E::Agg(op, a) => {
            let a = a.as_ref().map(|a| ex(a));
            match op {
                AggOp::CountStar => any(count_star()),
                AggOp::Count => any(count(a.expect("COUNT takes an argument"))),
                AggOp::Sum => any(sum(a.expect("SUM takes an argument"))),
                AggOp::Min => any(min(a.expect("MIN takes an argument"))),
                AggOp::Max => any(max(a.expect("MAX takes an argument"))),
            }
        }
        E::Win(f, a, part, order) => win(*f, a.as_ref().map(|a| ex(a)), part, order),
        E::Exists(s, not) => sub(s, SubUse::Exists(*not)),
        E::InSub(a, s, not) => sub(s, SubUse::In(ex(a), *not)),
        E::Scalar(s) => sub(s, SubUse::Scalar),
    }
}

/// `f(arg) OVER (w)` for each window function.
macro_rules! over {
    ($f:expr, $a:expr, $w:expr) => {
        match $f {
            WinF::RowNumber => row_number().over($w).anyx(),
            WinF::Rank => rank().over($w).anyx(),
            WinF::DenseRank => dense_rank().over($w).anyx(),
            WinF::Sum => sum($a.expect("SUM takes an argument")).over($w).anyx(),
            WinF::Count => count($a.expect("COUNT takes an argument")).over($w).anyx(),
        }
    };
}

fn win_ordered<P>(
    f: WinF,
    a: Option<X>,
    w: sqlalgebra::expr::Window<P, ()>,
    order: Vec<sqlalgebra::expr::NullsOrder<X>>,
) -> X
where
    P: Send + Sync + 'static,
    sqlalgebra::expr::Window<P, ()>: WinOrder,
{
    w.apply(f, a, order)
}

/// The library expression of a window function (see [`E::Win`]).
fn win(f: WinF, a: Option<X>, part: &[E], order: &[(E, bool)]) -> X {
    let terms: Vec<_> = order
        .iter()
        .map(|(e, d)| {
            if *d {
                ex(e).desc().nulls_first()
            } else {
                ex(e).asc().nulls_first()
            }
        })
        .collect();
    let mut p = part.iter().map(ex);
    match part.len() {
        0 => win_ordered(f, a, window(), terms),
        1 => win_ordered(f, a, window().partition_by(p.next().unwrap()), terms),
        _ => {
            let x = p.next().unwrap();
            win_ordered(f, a, window().partition_by((x, p.next().unwrap())), terms)
        }
    }
}

/// A window without ORDER BY, given its ORDER BY terms and function.
trait WinOrder {
    fn apply(self, f: WinF, a: Option<X>, order: Vec<sqlalgebra::expr::NullsOrder<X>>) -> X;
}

macro_rules! win_order_impl {
    ($($p:ty),*) => {$(
        impl WinOrder for sqlalgebra::expr::Window<$p, ()> {
            fn apply(self, f: WinF, a: Option<X>, order: Vec<sqlalgebra::expr::NullsOrder<X>>) -> X {
                let n = order.len();
                let mut o = order.into_iter();
                let mut t = || o.next().expect("an ORDER BY term");
                match n {
                    0 => over!(f, a, self),
                    1 => over!(f, a, self.order_by(t())),
                    2 => over!(f, a, self.order_by((t(), t()))),
                    3 => over!(f, a, self.order_by((t(), t(), t()))),
                    4 => over!(f, a, self.order_by((t(), t(), t(), t()))),
                    _ => over!(f, a, self.order_by((t(), t(), t(), t(), t()))),
                }
            }
        }
    )*};
}
win_order_impl!(
    (),
    sqlalgebra::query::Clause<X>,
    sqlalgebra::query::Clause<(X, X)>
);

/// The row shapes of a SELECT: one, two or three columns.
pub trait Shape: 'static {
    type S: Selection<SqlType = Self::ST> + 'static;
    type ST: 'static;
    type Row: FromRow<Self::ST>;
    fn make(items: Vec<X>) -> Self::S;
    fn vals(row: Self::Row) -> Vec<Value>;
}

fn v(cell: Option<Value>) -> Value {
    cell.unwrap_or(Value::Null)
}

pub struct One;
pub struct Two;
pub struct Three;

impl Shape for One {
    type S = X;
    type ST = Any;
    type Row = Option<Value>;
    fn make(items: Vec<X>) -> X {
        let mut it = items.into_iter();
        it.next().expect("one item")
    }
    fn vals(row: Option<Value>) -> Vec<Value> {
        vec![v(row)]
    }
}

impl Shape for Two {
    type S = (X, X);
    type ST = (Any, Any);
    type Row = (Option<Value>, Option<Value>);
    fn make(items: Vec<X>) -> (X, X) {
        let mut it = items.into_iter();
        (it.next().expect("item 1"), it.next().expect("item 2"))
    }
    fn vals(row: (Option<Value>, Option<Value>)) -> Vec<Value> {
        vec![v(row.0), v(row.1)]
    }
}

impl Shape for Three {
    type S = (X, X, X);
    type ST = (Any, Any, Any);
    type Row = (Option<Value>, Option<Value>, Option<Value>);
    fn make(items: Vec<X>) -> (X, X, X) {
        let mut it = items.into_iter();
        let a = it.next().expect("item 1");
        let b = it.next().expect("item 2");
        (a, b, it.next().expect("item 3"))
    }
    fn vals(row: (Option<Value>, Option<Value>, Option<Value>)) -> Vec<Value> {
        vec![v(row.0), v(row.1), v(row.2)]
    }
}

macro_rules! group_box {
    ($q:expr, $s:expr) => {
        match $s.group.len() {
            0 => $q.boxed(),
            1 => $q.group_by(ex(&$s.group[0])).boxed(),
            _ => $q.group_by((ex(&$s.group[0]), ex(&$s.group[1]))).boxed(),
        }
    };
}

fn from_table<const T: usize, Sh: Shape>(
    q: sqlalgebra::query::Select<Sh::S>,
    s: &Sel,
) -> BoxedSelect<'static, Sh::ST> {
    match s.from.alias {
        None => group_box!(q.from(Tab::<T>), s),
        Some(CTE) => group_box!(q.from(cte(ALIASES[CTE])), s),
        Some(a) => group_box!(q.from(alias(Tab::<T>, ALIASES[a])), s),
    }
}

fn join<const T: usize, ST>(q: BoxedSelect<'static, ST>, j: &Join) -> BoxedSelect<'static, ST> {
    if j.right {
        return outer_join::<T, ST>(q, j);
    }
    let on = ex(&j.on);
    match (j.src.alias, j.left) {
        (None, false) => q.join(Tab::<T>, on),
        (None, true) => q.left_join(Tab::<T>, on),
        (Some(a), false) => q.join(alias(Tab::<T>, ALIASES[a]), on),
        (Some(a), true) => q.left_join(alias(Tab::<T>, ALIASES[a]), on),
    }
}

/// A RIGHT JOIN, or a FULL JOIN (`left` too).
fn outer_join<const T: usize, ST>(
    q: BoxedSelect<'static, ST>,
    j: &Join,
) -> BoxedSelect<'static, ST> {
    let on = ex(&j.on);
    match (j.src.alias, j.left) {
        (None, false) => q.right_join(Tab::<T>, on),
        (None, true) => q.full_join(Tab::<T>, on),
        (Some(a), false) => q.right_join(alias(Tab::<T>, ALIASES[a]), on),
        (Some(a), true) => q.full_join(alias(Tab::<T>, ALIASES[a]), on),
    }
}

/// The library SELECT of `s`, of shape `Sh`.
pub fn boxed_select<Sh: Shape>(s: &Sel) -> BoxedSelect<'static, Sh::ST> {
    let q = select(Sh::make(s.items.iter().map(ex).collect()));
    let mut q: BoxedSelect<'static, Sh::ST> = if s.infer_from {
        group_box!(q, s)
    } else {
        by_table!(s.from.table, from_table::<Sh>(q, s))
    };
    for j in &s.joins {
        q = by_table!(j.src.table, join::<Sh::ST>(q, j));
    }
    for f in &s.filter {
        q = q.filter(ex(f));
    }
    if let Some(h) = &s.having {
        q = q.having(ex(h));
    }
    if s.order {
        for (e, desc) in s.items.iter().zip(&s.desc) {
            q = if *desc {
                q.order_by(ex(e).desc().nulls_first())
            } else {
                q.order_by(ex(e).asc().nulls_first())
            };
        }
    }
    if let Some(l) = s.limit {
        q = q.limit(l);
    }
    if let Some(o) = s.offset {
        q = q.offset(o);
    }
    if s.distinct {
        q = q.distinct();
    }
    q
}

/// Runs a SELECT of shape `Sh`; rows as values.
pub fn load<Sh: Shape, C: Runs<Q>, I, Q>(q: &Q, conn: &mut C) -> Result<Vec<Vec<Value>>>
where
    Q: RunQuery<SqlType = Sh::ST> + ScopeChecked<I> + StatementRow<I, Row = Sh::ST>,
{
    Ok(q.load::<Sh::Row, _>(conn)?
        .into_iter()
        .map(Sh::vals)
        .collect())
}

/// Runs a query statement; its rows.
pub fn run_query<C: Connection>(s: &Stmt, conn: &mut C) -> Result<Vec<Vec<Value>>> {
    match s {
        Stmt::Select(sel) => match sel.items.len() {
            1 => load::<One, C, _, _>(&boxed_select::<One>(sel), conn),
            2 => load::<Two, C, _, _>(&boxed_select::<Two>(sel), conn),
            _ => load::<Three, C, _, _>(&boxed_select::<Three>(sel), conn),
        },
        Stmt::SetOp(op, a, b) => match a.items.len() {
            1 => set_op::<One, C>(*op, a, b, conn),
            _ => set_op::<Two, C>(*op, a, b, conn),
        },
        Stmt::With {
            recursive,
            table,
            ncols,
            filter,
            body,
        } => by_table!(
            *table,
            run_with::<C>(*recursive, *ncols, filter.as_ref(), body, conn)
        ),
        Stmt::Orm(o) => super::orm::run_orm(o, conn),
        _ => unreachable!("not a query"),
    }
}

fn set_op<Sh: Shape, C: Connection>(
    op: SetOp,
    a: &Sel,
    b: &Sel,
    conn: &mut C,
) -> Result<Vec<Vec<Value>>>
where
    Sh::ST: sqlalgebra::types::Compatible<Sh::ST>,
{
    let (a, b) = (boxed_select::<Sh>(a), boxed_select::<Sh>(b));
    match op {
        SetOp::Union => load::<Sh, C, _, _>(&a.union(b), conn),
        SetOp::UnionAll => load::<Sh, C, _, _>(&a.union_all(b), conn),
        SetOp::Intersect => load::<Sh, C, _, _>(&a.intersect(b), conn),
        SetOp::Except => load::<Sh, C, _, _>(&a.except(b), conn),
    }
}

fn with_body<Sh: Shape, Q: Query + 'static, C: Connection>(
    def: CteDef<Q>,
    recursive: bool,
    body: &Sel,
    conn: &mut C,
) -> Result<Vec<Vec<Value>>> {
    let q = boxed_select::<Sh>(body);
    let keep = |r: Result<sqlalgebra::render::Rendered<'_>>| {
        let text = r.map_or_else(
            |e| format!("(does not render: {e})"),
            |r| format!("{} -- binds {:?}", r.sql, r.binds),
        );
        WITH_SQL.with(|w| *w.borrow_mut() = text);
    };
    if recursive {
        let q = q.with_recursive(def);
        keep(q.to_sql(conn.dialect()));
        load::<Sh, C, _, _>(&q, conn)
    } else {
        let q = q.with(def);
        keep(q.to_sql(conn.dialect()));
        load::<Sh, C, _, _>(&q, conn)
    }
}

thread_local! {
    /// The library's SQL and binds of the last WITH statement this thread
    /// ran (for [`lib_sql`]).
    static WITH_SQL: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

fn with_def<Q: Query + 'static, C: Connection>(
    def: CteDef<Q>,
    recursive: bool,
    body: &Sel,
    conn: &mut C,
) -> Result<Vec<Vec<Value>>> {
    match body.items.len() {
        1 => with_body::<One, Q, C>(def, recursive, body, conn),
        2 => with_body::<Two, Q, C>(def, recursive, body, conn),
        _ => with_body::<Three, Q, C>(def, recursive, body, conn),
    }
}

/// `WITH [RECURSIVE] "w" AS (..)` over table `T` (see [`Stmt::With`]),
/// with `$n` columns.
macro_rules! cte_of {
    ($t:ident, $filter:expr, $rec:expr, $body:expr, $conn:expr; $($c:ident)+) => {{
        let mut cols = (0..).map(|c| table_col::<$t>(c));
        $(let $c = cols.next().expect("a column");)+
        let anchor = select(($($c,)+)).from(Tab::<$t>).boxed();
        let anchor = match $filter {
            Some(f) => anchor.filter(ex(f)),
            None => anchor,
        };
        let w = cte(ALIASES[CTE]);
        if $rec {
            let mut cols = (0..).map(|c| match c {
                0 => cte_col_of::<$t>(0).add(lit(&Val::Int(20))).anyx(),
                c => cte_col_of::<$t>(c),
            });
            $(let $c = cols.next().expect("a column");)+
            let step = select(($($c,)+))
                .from(w)
                .filter(cte_col_of::<$t>(0).lt(lit(&Val::Int(60))))
                .boxed();
            with_def(w.as_(anchor.union_all(step)), true, $body, $conn)
        } else {
            with_def(w.as_(anchor), false, $body, $conn)
        }
    }};
}

fn run_with<const T: usize, C: Connection>(
    recursive: bool,
    ncols: usize,
    filter: Option<&E>,
    body: &Sel,
    conn: &mut C,
) -> Result<Vec<Vec<Value>>> {
    match ncols {
        2 => cte_of!(T, filter, recursive, body, conn; a b),
        3 => cte_of!(T, filter, recursive, body, conn; a b c),
        4 => cte_of!(T, filter, recursive, body, conn; a b c d),
        5 => cte_of!(T, filter, recursive, body, conn; a b c d e),
        _ => cte_of!(T, filter, recursive, body, conn; a b c d e f),
    }
}

/// The library's SQL text of a SELECT, or of a WITH with its binds (for
/// the mismatch report; writes show theirs in the error).
pub fn lib_sql<C: Connection>(s: &Stmt, conn: &mut C) -> String {
    let d = conn.dialect();
    let text = match s {
        Stmt::Select(sel) => match sel.items.len() {
            1 => boxed_select::<One>(sel).to_sql(d).map(|r| r.sql),
            2 => boxed_select::<Two>(sel).to_sql(d).map(|r| r.sql),
            _ => boxed_select::<Three>(sel).to_sql(d).map(|r| r.sql),
        },
        // Run again (a query) to catch its SQL on the way.
        Stmt::With { .. } => {
            let _rows = run_query(s, conn);
            return WITH_SQL.with(|w| w.borrow().clone());
        }
        _ => return "(a write or set operation: see the error, if any)".into(),
    };
    text.unwrap_or_else(|e| format!("(does not render: {e})"))
}
