//! Building a [`Case`] into real sqlalgebra nodes: values, columns of the
//! tables in scope and expressions here; statements in [`statements`].

use super::*;

mod statements;

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
    pub(crate) fn matches(self, e: &sqlalgebra::Error) -> bool {
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
