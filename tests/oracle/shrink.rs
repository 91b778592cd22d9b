//! Shrinking a mismatch to a small case (fewer rows, clauses and
//! predicates while it still mismatches), and printing it as Rust.

use super::ast::*;
use super::model::Schema;

/// Smaller versions of an expression of the same kind.
fn smaller_expr(e: &E) -> Vec<E> {
    let mut out = Vec::new();
    match e {
        E::And(a, b) | E::Or(a, b) => {
            out.push((**a).clone());
            out.push((**b).clone());
        }
        E::Not(a) => out.push((**a).clone()),
        E::Case(_, a, b) => {
            out.push((**a).clone());
            out.push((**b).clone());
        }
        E::Coalesce(a, _) | E::Arith(_, a, _) | E::Concat(a, _) => out.push((**a).clone()),
        E::Func(F1::Abs | F1::Trim | F1::Lower | F1::Upper, a) => out.push((**a).clone()),
        E::InList(a, vals, not, typed) if !vals.is_empty() => {
            for i in 0..vals.len() {
                let mut v = vals.clone();
                v.remove(i);
                out.push(E::InList(a.clone(), v, *not, *typed));
            }
        }
        E::Exists(s, not) => {
            for s in smaller_sub(s) {
                out.push(E::Exists(s.b(), *not));
            }
        }
        E::InSub(a, s, not) => {
            for s in smaller_sub(s) {
                out.push(E::InSub(a.clone(), s.b(), *not));
            }
        }
        E::Scalar(s) => {
            for s in smaller_sub(s) {
                out.push(E::Scalar(s.b()));
            }
        }
        _ => {}
    }
    // Shrink inside the children too.
    match e {
        E::And(a, b) => {
            out.extend(
                smaller_expr(a)
                    .into_iter()
                    .map(|x| E::And(x.b(), b.clone())),
            );
            out.extend(
                smaller_expr(b)
                    .into_iter()
                    .map(|x| E::And(a.clone(), x.b())),
            );
        }
        E::Or(a, b) => {
            out.extend(smaller_expr(a).into_iter().map(|x| E::Or(x.b(), b.clone())));
            out.extend(smaller_expr(b).into_iter().map(|x| E::Or(a.clone(), x.b())));
        }
        E::Not(a) => out.extend(smaller_expr(a).into_iter().map(|x| E::Not(x.b()))),
        E::Cmp(op, a, b) => {
            out.extend(
                smaller_expr(a)
                    .into_iter()
                    .map(|x| E::Cmp(*op, x.b(), b.clone())),
            );
            out.extend(
                smaller_expr(b)
                    .into_iter()
                    .map(|x| E::Cmp(*op, a.clone(), x.b())),
            );
        }
        _ => {}
    }
    out
}

fn smaller_sub(s: &Sub) -> Vec<Sub> {
    let mut out = Vec::new();
    if let Some(f) = &s.filter {
        out.push(Sub {
            filter: None,
            ..s.clone()
        });
        for f in smaller_expr(f) {
            out.push(Sub {
                filter: Some(f),
                ..s.clone()
            });
        }
    }
    for i in smaller_expr(&s.item) {
        out.push(Sub {
            item: i,
            ..s.clone()
        });
    }
    out
}

fn smaller_sel(s: &Sel) -> Vec<Sel> {
    let mut out = Vec::new();
    let mut push = |f: &dyn Fn(&mut Sel)| {
        let mut c = s.clone();
        f(&mut c);
        if c != *s {
            out.push(c);
        }
    };
    push(&|c| c.distinct = false);
    push(&|c| c.limit = None);
    push(&|c| c.offset = None);
    push(&|c| {
        if c.limit.is_none() && c.offset.is_none() {
            c.order = false;
        }
    });
    push(&|c| c.having = None);
    push(&|c| c.infer_from = false);
    for i in 0..s.joins.len() {
        push(&|c| {
            c.joins.remove(i);
        });
    }
    for i in 0..s.filter.len() {
        push(&|c| {
            c.filter.remove(i);
        });
    }
    if s.items.len() > 1 {
        for i in 0..s.items.len() {
            push(&|c| {
                c.items.remove(i);
                c.desc.remove(i);
            });
        }
    }
    for (i, f) in s.filter.iter().enumerate() {
        for g in smaller_expr(f) {
            let mut c = s.clone();
            c.filter[i] = g;
            out.push(c);
        }
    }
    for (i, j) in s.joins.iter().enumerate() {
        for g in smaller_expr(&j.on) {
            let mut c = s.clone();
            c.joins[i].on = g;
            out.push(c);
        }
    }
    for (i, e) in s.items.iter().enumerate() {
        for g in smaller_expr(e) {
            let mut c = s.clone();
            c.items[i] = g;
            out.push(c);
        }
    }
    out
}

fn smaller_stmt(s: &Stmt) -> Vec<Stmt> {
    let filter = |f: &Option<E>| -> Vec<Option<E>> {
        match f {
            None => Vec::new(),
            Some(f) => std::iter::once(None)
                .chain(smaller_expr(f).into_iter().map(Some))
                .collect(),
        }
    };
    match s {
        Stmt::Select(sel) => smaller_sel(sel).into_iter().map(Stmt::Select).collect(),
        Stmt::SetOp(op, a, b) => {
            let mut out: Vec<Stmt> = smaller_sel(a)
                .into_iter()
                .filter(|x| x.items.len() == a.items.len())
                .map(|x| Stmt::SetOp(*op, x, b.clone()))
                .collect();
            out.extend(
                smaller_sel(b)
                    .into_iter()
                    .filter(|x| x.items.len() == b.items.len())
                    .map(|x| Stmt::SetOp(*op, a.clone(), x)),
            );
            out
        }
        Stmt::Update {
            table,
            using,
            sets,
            filter: f,
        } => {
            let mut out: Vec<Stmt> = filter(f)
                .into_iter()
                .map(|f| Stmt::Update {
                    table: *table,
                    using: using.clone(),
                    sets: sets.clone(),
                    filter: f,
                })
                .collect();
            if sets.len() > 1 {
                for i in 0..sets.len() {
                    let mut s2 = sets.clone();
                    s2.remove(i);
                    out.push(Stmt::Update {
                        table: *table,
                        using: using.clone(),
                        sets: s2,
                        filter: f.clone(),
                    });
                }
            }
            for (i, (c, e)) in sets.iter().enumerate() {
                for g in smaller_expr(e) {
                    let mut s2 = sets.clone();
                    s2[i] = (*c, g);
                    out.push(Stmt::Update {
                        table: *table,
                        using: using.clone(),
                        sets: s2,
                        filter: f.clone(),
                    });
                }
            }
            out
        }
        Stmt::Delete {
            table,
            using,
            filter: f,
        } => filter(f)
            .into_iter()
            .map(|f| Stmt::Delete {
                table: *table,
                using: using.clone(),
                filter: f,
            })
            .collect(),
        Stmt::InsertSelect { table, col, src } => smaller_sel(src)
            .into_iter()
            .filter(|x| x.items.len() == 2)
            .map(|x| Stmt::InsertSelect {
                table: *table,
                col: *col,
                src: x,
            })
            .collect(),
        Stmt::With {
            recursive,
            table,
            ncols,
            filter: f,
            body,
        } => {
            let with = |r: bool, f: Option<E>, b: Sel| Stmt::With {
                recursive: r,
                table: *table,
                ncols: *ncols,
                filter: f,
                body: b,
            };
            let mut out: Vec<Stmt> = filter(f)
                .into_iter()
                .map(|f| with(*recursive, f, body.clone()))
                .collect();
            if *recursive {
                out.push(with(false, f.clone(), body.clone()));
            }
            out.extend(
                smaller_sel(body)
                    .into_iter()
                    .map(|b| with(*recursive, f.clone(), b)),
            );
            out
        }
        Stmt::Orm(o) => {
            let mut out = Vec::new();
            let mut push = |f: &dyn Fn(&mut OrmQ)| {
                let mut c = o.clone();
                f(&mut c);
                if c != *o {
                    out.push(Stmt::Orm(c));
                }
            };
            push(&|c| c.joins.clear());
            push(&|c| c.limit = None);
            push(&|c| c.filter = None);
            push(&|c| {
                if let Load::Children { joined, .. } = &mut c.load {
                    *joined = false;
                }
            });
            for f in o.filter.iter().flat_map(smaller_expr) {
                out.push(Stmt::Orm(OrmQ {
                    filter: Some(f),
                    ..o.clone()
                }));
            }
            out
        }
        Stmt::Upsert { .. } => Vec::new(),
    }
}

fn smaller_schema(s: &Schema) -> Vec<Schema> {
    let mut out = Vec::new();
    for (t, table) in s.tables.iter().enumerate() {
        let n = table.rows.len();
        if n == 0 {
            continue;
        }
        // Half the rows, then one at a time.
        for range in [0..n / 2, n / 2..n] {
            if !range.is_empty() && range.len() < n {
                let mut c = s.clone();
                c.tables[t].rows.drain(range);
                out.push(c);
            }
        }
        for i in 0..n {
            let mut c = s.clone();
            c.tables[t].rows.remove(i);
            out.push(c);
        }
    }
    out
}

/// Shrinks `(schema, stmt)` while `fails` holds; at most `budget` tries.
pub fn shrink(
    mut schema: Schema,
    mut stmt: Stmt,
    budget: usize,
    mut fails: impl FnMut(&Schema, &Stmt) -> bool,
) -> (Schema, Stmt) {
    let mut tries = 0;
    'outer: loop {
        for c in smaller_stmt(&stmt) {
            tries += 1;
            if tries > budget {
                break 'outer;
            }
            if fails(&schema, &c) {
                stmt = c;
                continue 'outer;
            }
        }
        for c in smaller_schema(&schema) {
            tries += 1;
            if tries > budget {
                break 'outer;
            }
            // A row another table refers to cannot go.
            if fails(&c, &stmt) {
                schema = c;
                continue 'outer;
            }
        }
        break;
    }
    (schema, stmt)
}

/// `Debug` output made into Rust: lists become `vec![..]`, string
/// literals `String`s.
pub fn rust(debug: &str) -> String {
    let mut out = String::new();
    let mut chars = debug.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '[' => out.push_str("vec!["),
            '"' => {
                out.push('"');
                while let Some(c) = chars.next() {
                    out.push(c);
                    if c == '\\' {
                        if let Some(n) = chars.next() {
                            out.push(n);
                        }
                    } else if c == '"' {
                        break;
                    }
                }
                out.push_str(".into()");
            }
            _ => out.push(c),
        }
    }
    out
}

/// A ready-to-paste regression case for `tests/oracle/cases.rs`.
pub fn print_case(feature: &str, schema: &Schema, stmt: &Stmt) -> String {
    format!(
        "    // {}\n    (\n        {:?},\n        {},\n        {},\n    ),\n",
        print_stmt(stmt).replace('\n', " "),
        feature,
        rust(&format!("{schema:?}")),
        rust(&format!("{stmt:?}"))
    )
}
