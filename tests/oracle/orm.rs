//! ORM queries in the oracle: `session.query::<M>()` with a filter (also
//! correlated EXISTS/IN), a join, ORDER BY/LIMIT/OFFSET, and a relationship
//! loader (selectin or joined children, selectin parents), compared by the
//! keys of the objects loaded: rows `[key, NULL]` for the objects and
//! `[parent key, child key]` for each loaded relationship.
//!
//! The models are `Obj<T>` (table `T`'s key) and `Kid<T, C, P>` (a row of
//! `T` whose column `C` refers to table `P`). A loaded relationship must be
//! read without SQL: `Session::statement_count` is checked.

use sqlalgebra::Result;
use sqlalgebra::orm::{BelongsTo, HasMany, Model};
use sqlalgebra::prelude::*;
use sqlalgebra::query::Value;

use super::ast::{CmpOp, E, Join, Load, OrmQ, from_item, print_expr, q};
use super::build::ex;
use super::model::{ALIASES, COLS, Col, TABLES, Tab, Val, by_table};

/// An object of table `T`: its key.
#[derive(Clone, Debug)]
pub struct Obj<const T: usize> {
    id: i64,
}

impl<const T: usize> Model for Obj<T> {
    type Table = Tab<T>;
    type Columns = (Col<T, 0>,);
    type Row = (i64,);
    type Key = i64;
    fn from_row((id,): (i64,)) -> Self {
        Obj { id }
    }
    fn values(&self) -> (&i64,) {
        (&self.id,)
    }
    fn key(&self) -> i64 {
        self.id
    }
}

/// A row of table `T` whose column `C` refers to table `P`.
#[derive(Clone, Debug)]
pub struct Kid<const T: usize, const C: usize, const P: usize> {
    id: i64,
    parent: Option<i64>,
}

impl<const T: usize, const C: usize, const P: usize> Model for Kid<T, C, P> {
    type Table = Tab<T>;
    type Columns = (Col<T, 0>, Col<T, C>);
    type Row = (i64, Option<i64>);
    type Key = i64;
    fn from_row((id, parent): (i64, Option<i64>)) -> Self {
        Kid { id, parent }
    }
    fn values(&self) -> (&i64, &Option<i64>) {
        (&self.id, &self.parent)
    }
    fn key(&self) -> i64 {
        self.id
    }
}

impl<const T: usize, const C: usize, const P: usize> BelongsTo<Obj<P>> for Kid<T, C, P> {
    type ForeignKey = Col<T, C>;
    fn parent_key(&self) -> Option<i64> {
        self.parent
    }
    fn set_parent_key(&mut self, key: i64) {
        self.parent = Some(key);
    }
}

impl<const T: usize, const C: usize, const P: usize> HasMany<Kid<T, C, P>> for Obj<P> {}

type Rows = Vec<Vec<Value>>;

/// A statement was run to read a relationship the loader should have
/// loaded: a row no reference returns.
fn lazy() -> Vec<Value> {
    vec![Value::Text("loaded lazily".into())]
}

/// The query with its filter and ORDER BY/LIMIT, then `$finish`.
macro_rules! model_query {
    ($s:expr, $m:ty, $t:ident, $o:expr, |$q:ident| $finish:expr) => {{
        let base = $s.query::<$m>().filter(filter_of($o));
        match $o.limit {
            Some((l, off)) => {
                let $q = base.order_by(Col::<$t, 0>).limit(l).offset(off);
                $finish
            }
            None => {
                let $q = base;
                $finish
            }
        }
    }};
}

fn keys<M: Model<Key = i64>, C: Connection>(
    s: &Session<'_, C>,
    hs: &[sqlalgebra::orm::Handle<M>],
) -> Rows {
    hs.iter()
        .map(|h| {
            vec![
                Value::Int(s.try_get(*h).map_or(-1, Model::key)),
                Value::Null,
            ]
        })
        .collect()
}

fn children<const P: usize, const T: usize, const C: usize, Cn: Connection>(
    o: &OrmQ,
    joined: bool,
    conn: &mut Cn,
) -> Result<Rows> {
    let mut s = Session::new(conn);
    let found = if joined {
        model_query!(s, Obj<P>, P, o, |q| q
            .joined_children::<Kid<T, C, P>>()
            .all())?
    } else {
        model_query!(s, Obj<P>, P, o, |q| q
            .selectin_children::<Kid<T, C, P>>()
            .all())?
    };
    let mut rows = keys(&s, &found);
    let before = s.statement_count();
    for h in found {
        let pk = s.try_get(h).map_or(-1, Model::key);
        for k in s.related::<Obj<P>, Kid<T, C, P>>(h)? {
            rows.push(vec![
                Value::Int(pk),
                Value::Int(s.try_get(k).map_or(-1, Model::key)),
            ]);
        }
    }
    if s.statement_count() != before {
        rows.push(lazy());
    }
    Ok(rows)
}

fn parents<const T: usize, const C: usize, const P: usize, Cn: Connection>(
    o: &OrmQ,
    conn: &mut Cn,
) -> Result<Rows> {
    let mut s = Session::new(conn);
    let found = model_query!(s, Kid<T, C, P>, T, o, |q| q
        .selectin_parents::<Obj<P>>()
        .all())?;
    let mut rows = keys(&s, &found);
    let before = s.statement_count();
    for h in found {
        let ck = s.try_get(h).map_or(-1, Model::key);
        if let Some(p) = s.parent::<Kid<T, C, P>, Obj<P>>(h)? {
            rows.push(vec![
                Value::Int(ck),
                Value::Int(s.try_get(p).map_or(-1, Model::key)),
            ]);
        }
    }
    if s.statement_count() != before {
        rows.push(lazy());
    }
    Ok(rows)
}

/// `.filter(..).all()` of a query with a join.
macro_rules! join_all {
    ($q:expr, $o:expr) => {
        $q.filter(filter_of($o)).all()
    };
}

/// The query's filter, or `TRUE = TRUE` (one query type either way).
fn filter_of(o: &OrmQ) -> super::build::X {
    match &o.filter {
        Some(f) => ex(f),
        None => ex(&E::Cmp(
            CmpOp::Eq,
            E::Lit(Val::Bool(true)).b(),
            E::Lit(Val::Bool(true)).b(),
        )),
    }
}

/// (`J` first: `by_table!` puts the run-time table first.)
fn joined_query<const J: usize, const T: usize, Cn: Connection>(
    o: &OrmQ,
    j: &Join,
    conn: &mut Cn,
) -> Result<Rows> {
    let mut s = Session::new(conn);
    let on = ex(&j.on);
    let q = s.query::<Obj<T>>();
    let found = match (j.src.alias, j.left) {
        (None, false) => join_all!(q.join(Tab::<J>, on), o),
        (None, true) => join_all!(q.left_join(Tab::<J>, on), o),
        (Some(a), false) => join_all!(q.join(alias(Tab::<J>, ALIASES[a]), on), o),
        (Some(a), true) => join_all!(q.left_join(alias(Tab::<J>, ALIASES[a]), on), o),
    }?;
    Ok(keys(&s, &found))
}

fn plain<const T: usize, Cn: Connection>(o: &OrmQ, conn: &mut Cn) -> Result<Rows> {
    let mut s = Session::new(conn);
    let found = model_query!(s, Obj<T>, T, o, |q| q.all())?;
    Ok(keys(&s, &found))
}

fn with_join<const T: usize, Cn: Connection>(o: &OrmQ, conn: &mut Cn) -> Result<Rows> {
    match o.joins.first() {
        None => plain::<T, Cn>(o, conn),
        Some(j) => by_table!(j.src.table, joined_query::<T, Cn>(o, j, conn)),
    }
}

/// Calls `$f::<P, T, C, Cn>($args)` for a foreign key of table `T`'s
/// column `C` (1–5) to table `P` (an earlier table): the only pairs the
/// schemas have, so that only those are compiled.
macro_rules! by_fk {
    ($p:expr, $t:expr, $c:expr, $f:ident($($a:expr),*)) => {
        match ($p, $t, $c) {
            (0, 1, 1) => $f::<0, 1, 1, Cn>($($a),*),
            (0, 1, 2) => $f::<0, 1, 2, Cn>($($a),*),
            (0, 1, 3) => $f::<0, 1, 3, Cn>($($a),*),
            (0, 1, 4) => $f::<0, 1, 4, Cn>($($a),*),
            (0, 1, 5) => $f::<0, 1, 5, Cn>($($a),*),
            (0, 2, 1) => $f::<0, 2, 1, Cn>($($a),*),
            (0, 2, 2) => $f::<0, 2, 2, Cn>($($a),*),
            (0, 2, 3) => $f::<0, 2, 3, Cn>($($a),*),
            (0, 2, 4) => $f::<0, 2, 4, Cn>($($a),*),
            (0, 2, 5) => $f::<0, 2, 5, Cn>($($a),*),
            (1, 2, 1) => $f::<1, 2, 1, Cn>($($a),*),
            (1, 2, 2) => $f::<1, 2, 2, Cn>($($a),*),
            (1, 2, 3) => $f::<1, 2, 3, Cn>($($a),*),
            (1, 2, 4) => $f::<1, 2, 4, Cn>($($a),*),
            (1, 2, 5) => $f::<1, 2, 5, Cn>($($a),*),
            (0, 3, 1) => $f::<0, 3, 1, Cn>($($a),*),
            (0, 3, 2) => $f::<0, 3, 2, Cn>($($a),*),
            (0, 3, 3) => $f::<0, 3, 3, Cn>($($a),*),
            (0, 3, 4) => $f::<0, 3, 4, Cn>($($a),*),
            (0, 3, 5) => $f::<0, 3, 5, Cn>($($a),*),
            (1, 3, 1) => $f::<1, 3, 1, Cn>($($a),*),
            (1, 3, 2) => $f::<1, 3, 2, Cn>($($a),*),
            (1, 3, 3) => $f::<1, 3, 3, Cn>($($a),*),
            (1, 3, 4) => $f::<1, 3, 4, Cn>($($a),*),
            (1, 3, 5) => $f::<1, 3, 5, Cn>($($a),*),
            (2, 3, 1) => $f::<2, 3, 1, Cn>($($a),*),
            (2, 3, 2) => $f::<2, 3, 2, Cn>($($a),*),
            (2, 3, 3) => $f::<2, 3, 3, Cn>($($a),*),
            (2, 3, 4) => $f::<2, 3, 4, Cn>($($a),*),
            (2, 3, 5) => $f::<2, 3, 5, Cn>($($a),*),
            (0, 4, 1) => $f::<0, 4, 1, Cn>($($a),*),
            (0, 4, 2) => $f::<0, 4, 2, Cn>($($a),*),
            (0, 4, 3) => $f::<0, 4, 3, Cn>($($a),*),
            (0, 4, 4) => $f::<0, 4, 4, Cn>($($a),*),
            (0, 4, 5) => $f::<0, 4, 5, Cn>($($a),*),
            (1, 4, 1) => $f::<1, 4, 1, Cn>($($a),*),
            (1, 4, 2) => $f::<1, 4, 2, Cn>($($a),*),
            (1, 4, 3) => $f::<1, 4, 3, Cn>($($a),*),
            (1, 4, 4) => $f::<1, 4, 4, Cn>($($a),*),
            (1, 4, 5) => $f::<1, 4, 5, Cn>($($a),*),
            (2, 4, 1) => $f::<2, 4, 1, Cn>($($a),*),
            (2, 4, 2) => $f::<2, 4, 2, Cn>($($a),*),
            (2, 4, 3) => $f::<2, 4, 3, Cn>($($a),*),
            (2, 4, 4) => $f::<2, 4, 4, Cn>($($a),*),
            (2, 4, 5) => $f::<2, 4, 5, Cn>($($a),*),
            (3, 4, 1) => $f::<3, 4, 1, Cn>($($a),*),
            (3, 4, 2) => $f::<3, 4, 2, Cn>($($a),*),
            (3, 4, 3) => $f::<3, 4, 3, Cn>($($a),*),
            (3, 4, 4) => $f::<3, 4, 4, Cn>($($a),*),
            (3, 4, 5) => $f::<3, 4, 5, Cn>($($a),*),
            _ => unreachable!("a foreign key refers to an earlier table"),
        }
    };
}

fn children_pct<const P: usize, const T: usize, const C: usize, Cn: Connection>(
    o: &OrmQ,
    joined: bool,
    conn: &mut Cn,
) -> Result<Rows> {
    children::<P, T, C, Cn>(o, joined, conn)
}

fn parents_pct<const P: usize, const T: usize, const C: usize, Cn: Connection>(
    o: &OrmQ,
    _joined: bool,
    conn: &mut Cn,
) -> Result<Rows> {
    parents::<T, C, P, Cn>(o, conn)
}

/// Runs an ORM query; its rows of keys (see the module docs).
pub fn run_orm<Cn: Connection>(o: &OrmQ, conn: &mut Cn) -> Result<Rows> {
    match o.load {
        Load::None => by_table!(o.table, with_join::<Cn>(o, conn)),
        Load::Children { child, col, joined } => {
            by_fk!(o.table, child, col, children_pct(o, joined, conn))
        }
        Load::Parents { parent, col } => by_fk!(parent, o.table, col, parents_pct(o, false, conn)),
    }
}

/// The expected SQL of an ORM query (SQLite): the objects' keys, then the
/// pairs of keys of the relationship loaded.
pub fn print_orm(o: &OrmQ) -> String {
    let t = from_item(&super::ast::Src {
        table: o.table,
        alias: None,
    });
    let id = q(COLS[0]);
    let mut main = format!("SELECT DISTINCT {t}.{id} AS {id} FROM {t}");
    for j in &o.joins {
        main.push_str(&format!(
            " {} JOIN {} ON {}",
            if j.left { "LEFT" } else { "INNER" },
            from_item(&j.src),
            print_expr(&j.on)
        ));
    }
    if let Some(f) = &o.filter {
        main.push_str(&format!(" WHERE {}", print_expr(f)));
    }
    if let Some((l, off)) = o.limit {
        main.push_str(&format!(" ORDER BY 1 LIMIT {l} OFFSET {off}"));
    }
    let mut out = format!("SELECT \"m\".{id}, NULL FROM ({main}) AS \"m\"");
    let keys = format!("(SELECT {id} FROM ({main}))");
    match o.load {
        Load::None => {}
        Load::Children { child, col, .. } => {
            let c = q(TABLES[child]);
            let fk = q(COLS[col]);
            out.push_str(&format!(
                " UNION ALL SELECT {c}.{fk}, {c}.{id} FROM {c} WHERE {c}.{fk} IN {keys}"
            ));
        }
        Load::Parents { col, .. } => {
            let fk = q(COLS[col]);
            out.push_str(&format!(
                " UNION ALL SELECT {t}.{id}, {t}.{fk} FROM {t} WHERE {t}.{id} IN {keys} AND {t}.{fk} IS NOT NULL"
            ));
        }
    }
    out
}
