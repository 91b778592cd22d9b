//! Rendering a built case in each dialect and checking the invariants
//! listed in the crate's documentation.

use super::*;

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
