//! The oracle's own SQL printer (SQLite): explicit FROM lists, explicit
//! correlation, literal values; independent of the library's renderer.

use super::super::model::{ALIASES, COLS, CTE, TABLES, Val, sql_literal};
use super::*;

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
        E::InList(a, vals, not, _) if vals.is_empty() => {
            // SQLite reads `x IN ()` as a constant before it decides which
            // query an aggregate over it belongs to (the innermost whose
            // columns it reads): say "false, reading x" instead.
            let x = print_expr(a);
            match not {
                true => format!("(NOT ({x} IS NULL AND 1 = 0))"),
                false => format!("({x} IS NULL AND 1 = 0)"),
            }
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

/// The keyword of a SELECT's join.
fn join_keyword(j: &Join) -> &'static str {
    match (j.left, j.right) {
        (false, false) => "INNER",
        (true, false) => "LEFT",
        (false, true) => "RIGHT",
        (true, true) => "FULL",
    }
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
            join_keyword(j),
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
/// ` FROM using [WHERE filter]`: the rows of the other tables that match
/// a target row.
fn matching(using: &[Src], filter: Option<&E>) -> String {
    let from: Vec<String> = using.iter().map(from_item).collect();
    let mut out = format!(" FROM {}", from.join(", "));
    if let Some(f) = filter {
        out.push_str(&format!(" WHERE {}", print_expr(f)));
    }
    out
}

/// The WHERE of an UPDATE or DELETE: its filter, or, when it reads other
/// tables, whether any of their rows matches (explicit correlation).
fn write_filter(using: &[Src], filter: Option<&E>) -> String {
    match (using.is_empty(), filter) {
        (true, None) => String::new(),
        (true, Some(f)) => format!(" WHERE {}", print_expr(f)),
        (false, _) => format!(" WHERE EXISTS (SELECT 1{})", matching(using, filter)),
    }
}

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
        Stmt::Orm(o) => super::super::orm::print_orm(o),
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
            using,
            sets,
            filter,
        } => {
            // Another table's rows: a SET value is the one the (pinned)
            // matching row gives, and the target row changes once if any
            // row matches.
            let sets: Vec<String> = sets
                .iter()
                .map(|(c, e)| match using.is_empty() {
                    true => format!("{} = {}", q(COLS[*c]), print_expr(e)),
                    false => format!(
                        "{} = (SELECT {}{})",
                        q(COLS[*c]),
                        print_expr(e),
                        matching(using, filter.as_ref())
                    ),
                })
                .collect();
            let mut out = format!("UPDATE {} SET {}", q(TABLES[*table]), sets.join(", "));
            out.push_str(&write_filter(using, filter.as_ref()));
            out
        }
        Stmt::Delete {
            table,
            using,
            filter,
        } => format!(
            "DELETE FROM {}{}",
            q(TABLES[*table]),
            write_filter(using, filter.as_ref())
        ),
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
