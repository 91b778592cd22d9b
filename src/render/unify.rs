//! One grouped expression, one set of placeholders (PostgreSQL).
//!
//! PostgreSQL decides that an expression of the SELECT list, HAVING or
//! ORDER BY is grouped by comparing it with the GROUP BY terms, and two
//! placeholders are two different expressions to it, whatever their
//! values: `SELECT CASE WHEN c = $1 THEN $2 END, CASE WHEN c = $3 THEN $4
//! END ... GROUP BY CASE WHEN c = $1 THEN $2 END` is refused ("column c
//! must appear in the GROUP BY clause") although the three are one
//! expression. `terms.rs` makes a whole GROUP BY or ORDER BY term that
//! repeats a whole item of the SELECT list use the item's placeholders;
//! this pass handles the rest: an item that repeats an earlier item, and a
//! grouped expression repeated *inside* an item, HAVING or ORDER BY.
//!
//! After a grouped SELECT is written, every GROUP BY term with bound values
//! is looked for in the text of the SELECT list, GROUP BY, HAVING and
//! ORDER BY: the same text with placeholders in the places of its own,
//! bound to the same values. All its occurrences then use the placeholders
//! of the first one, and placeholders no longer used are dropped (the
//! others renumbered), so the server sees one expression with one set of
//! parameters, typed by one context. An occurrence counts only where it is
//! a whole operand (the operators around it bind less tightly than its
//! own, by the precedence table the renderer parenthesizes with), so that
//! a placeholder, a bound NULL too, is typed by the same context; and not
//! inside a subquery, whose SELECT unified its own.
//!
//! The text then depends on whether bound values are equal; the SQL cache
//! does not describe such statements (two clauses with bound values, see
//! `Select::sql_key`), and the pass runs only when an occurrence lies
//! outside GROUP BY, that is when two clauses bind values.

use std::ops::Range;

use super::{Binds, Render, SqlWriter, same_binds};
use crate::value::ValueRef;

/// Where the clauses of the SELECT being written are in its text.
pub(crate) struct Regions {
    /// Placeholders written before the SELECT list.
    pub(crate) params_before: usize,
    pub(crate) selection: Range<usize>,
    pub(crate) group: Range<usize>,
    /// HAVING and ORDER BY.
    pub(crate) rest: Range<usize>,
}

/// A placeholder in the text: its bytes and number.
#[derive(Clone, Copy)]
pub(super) struct Token {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) n: usize,
}

/// The placeholders (`$n`) of `sql` from byte `from`, outside quoted names
/// and string literals.
fn tokens(sql: &str, from: usize) -> Vec<Token> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != q {
                    i += 1;
                }
                i += 1;
            }
            b'$' => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j].is_ascii_digit() {
                    j += 1;
                }
                match sql[i + 1..j].parse() {
                    Ok(n) if j > i + 1 => out.push(Token {
                        start: i,
                        end: j,
                        n,
                    }),
                    _ => {}
                }
                i = j.max(i + 1);
            }
            _ => i += 1,
        }
    }
    out
}

/// The byte ranges of the subqueries (`(SELECT ..)`, `(WITH ..)`) in
/// `sql` from byte `from`: their expressions are their own SELECT's, which
/// gave them placeholders of their own when it was written.
pub(super) fn subqueries(sql: &str, from: usize) -> Vec<Range<usize>> {
    let bytes = sql.as_bytes();
    let mut open: Vec<(usize, bool)> = Vec::new();
    let mut out = Vec::new();
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            q @ (b'"' | b'\'' | b'`') => {
                i += 1;
                while i < bytes.len() && bytes[i] != q {
                    i += 1;
                }
            }
            b'(' => {
                let rest = &sql[i + 1..];
                open.push((i, rest.starts_with("SELECT ") || rest.starts_with("WITH ")));
            }
            b')' => {
                if let Some((start, true)) = open.pop() {
                    out.push(start..i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The precedence of the operator written just before byte `at` (`0` for
/// the start of a clause, a parenthesis, a comma or a keyword that starts
/// an expression; `u8::MAX` when unknown).
pub(super) fn before(sql: &str, at: usize) -> u8 {
    use super::precedence::*;
    let head = sql[..at].trim_end();
    let word: String = head
        .chars()
        .rev()
        .take_while(char::is_ascii_alphabetic)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    match word.as_str() {
        "" => match head.chars().next_back() {
            None | Some('(' | ',') => 0,
            Some('|') => CONCAT,
            Some('+' | '-') => ADDITIVE,
            Some('*' | '/' | '%') => MULTIPLICATIVE,
            Some('=' | '<' | '>') => COMPARISON,
            _ => u8::MAX,
        },
        "SELECT" | "DISTINCT" | "BY" | "HAVING" | "WHERE" | "WHEN" | "THEN" | "ELSE" | "ON" => 0,
        "OR" => OR,
        "AND" => AND,
        "NOT" => NOT,
        "LIKE" | "IN" | "BETWEEN" => COMPARISON,
        _ => u8::MAX,
    }
}

/// The precedence of the operator written just after byte `at` (`0` for
/// the end of the text, a parenthesis, a comma or a keyword that ends an
/// expression; `u8::MAX` when unknown).
pub(super) fn after(sql: &str, at: usize) -> u8 {
    use super::precedence::*;
    let tail = sql[at..].trim_start();
    let word: String = tail.chars().take_while(char::is_ascii_alphabetic).collect();
    match word.as_str() {
        "" => match tail.chars().next() {
            None | Some(')' | ',') => 0,
            Some('|') => CONCAT,
            Some('+' | '-') => ADDITIVE,
            Some('*' | '/' | '%') => MULTIPLICATIVE,
            Some('=' | '<' | '>' | '!') => COMPARISON,
            _ => u8::MAX,
        },
        "AS" | "FROM" | "WHERE" | "GROUP" | "HAVING" | "ORDER" | "LIMIT" | "OFFSET" | "THEN"
        | "ELSE" | "END" | "WHEN" | "ASC" | "DESC" | "NULLS" | "UNION" | "EXCEPT" | "INTERSECT" => {
            0
        }
        "OR" => OR,
        "AND" => AND,
        "LIKE" | "ILIKE" | "IN" | "BETWEEN" | "IS" | "NOT" => COMPARISON,
        _ => u8::MAX,
    }
}

/// The bind values of each parameter: `binds` split at parameters (an
/// array parameter is its marker and its elements).
pub(super) fn params<'b, 'a>(binds: &'b [ValueRef<'a>]) -> Vec<&'b [ValueRef<'a>]> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < binds.len() {
        let len = match binds[i] {
            ValueRef::Array(n) => n + 1,
            _ => 1,
        };
        let end = (i + len).min(binds.len());
        out.push(&binds[i..end]);
        i = end;
    }
    out
}

/// A GROUP BY term as rendered on its own: its text between placeholders,
/// and the values of each placeholder.
pub(super) struct Template<'b, 'a> {
    pub(super) pieces: Vec<&'b str>,
    values: Vec<&'b [ValueRef<'a>]>,
}

impl<'b, 'a> Template<'b, 'a> {
    pub(super) fn new(sql: &'b str, binds: &'b [ValueRef<'a>], toks: &[Token]) -> Option<Self> {
        let values = params(binds);
        if toks.is_empty() || toks.len() != values.len() {
            return None;
        }
        let mut pieces = Vec::with_capacity(toks.len() + 1);
        let mut at = 0;
        for (i, t) in toks.iter().enumerate() {
            // Placeholders numbered from 1, in order, each once.
            if t.n != i + 1 {
                return None;
            }
            pieces.push(&sql[at..t.start]);
            at = t.end;
        }
        pieces.push(&sql[at..]);
        Some(Template { pieces, values })
    }

    /// The indexes (into `toks`) of the placeholders of an occurrence that
    /// starts at byte `start` of `sql`, if one does.
    pub(super) fn occurs_at<'c>(
        &self,
        sql: &str,
        start: usize,
        toks: &[Token],
        numbers: &[usize],
        values: &dyn Fn(usize) -> Option<&'c [ValueRef<'a>]>,
    ) -> Option<(Vec<usize>, usize)> {
        let mut at = start;
        let mut found = Vec::with_capacity(self.values.len());
        for (i, piece) in self.pieces.iter().enumerate() {
            if !sql[at..].starts_with(piece) {
                return None;
            }
            at += piece.len();
            if i == self.values.len() {
                break;
            }
            let k = toks.partition_point(|t| t.start < at);
            let t = toks.get(k).filter(|t| t.start == at)?;
            let v = values(numbers[k])?;
            if !same_binds(v, self.values[i]) {
                return None;
            }
            found.push(k);
            at = t.end;
        }
        Some((found, at))
    }
}

impl<'a> SqlWriter<'a> {
    /// The pass of the [module docs](self), for the SELECT whose clauses
    /// are at `regions` and whose GROUP BY is `group`.
    pub(crate) fn unify_grouped(&mut self, group: &'a dyn Render, regions: &Regions) {
        let mut terms = Vec::new();
        super::for_each_leaf(group, &mut |t| {
            let (sql, binds) = self.render_part(t);
            if !binds.is_empty() {
                terms.push((sql, binds, t.precedence()));
            }
        });
        if terms.is_empty() || self.error.is_some() {
            return;
        }
        let from = regions.selection.start;
        let toks = tokens(&self.sql, from);
        let nested = subqueries(&self.sql, from);
        let mut numbers: Vec<usize> = toks.iter().map(|t| t.n).collect();
        let binds = std::mem::take(&mut self.binds);
        let all = params(&binds);
        let value = |n: usize| n.checked_sub(1).and_then(|i| all.get(i).copied());
        let inside = |r: &Range<usize>, s: usize, e: usize| r.start <= s && e <= r.end;
        let mut changed = false;
        for (sql, tbinds, precedence) in &terms {
            let Some(template) = Template::new(sql, tbinds, &tokens(sql, 0)) else {
                continue;
            };
            if template.pieces.iter().all(|p| p.is_empty()) {
                // A lone bound value: a constant, grouped whatever its
                // placeholder (the fuzz target met `MIN($2) .. GROUP BY $2`).
                continue;
            }
            // A whole operand where it stands: the operators around it
            // bind less tightly than its own (the renderer parenthesizes by
            // the same table).
            let whole = |start: usize, end: usize| {
                before(&self.sql, start) < *precedence && after(&self.sql, end) < *precedence
            };
            let mut occurrences: Vec<Vec<usize>> = Vec::new();
            let mut outside_group = false;
            let mut at = from;
            while at < self.sql.len() {
                let start = if template.pieces[0].is_empty() {
                    match toks.iter().find(|t| t.start >= at) {
                        Some(t) => t.start,
                        None => break,
                    }
                } else {
                    match self.sql[at..].find(template.pieces[0]) {
                        Some(i) => at + i,
                        None => break,
                    }
                };
                let found = template.occurs_at(&self.sql, start, &toks, &numbers, &value);
                match found {
                    Some((ks, end))
                        if [&regions.selection, &regions.group, &regions.rest]
                            .iter()
                            .any(|r| inside(r, start, end))
                            && !nested.iter().any(|r| r.contains(&start))
                            && whole(start, end) =>
                    {
                        outside_group |= !inside(&regions.group, start, end);
                        occurrences.push(ks);
                        at = end;
                    }
                    _ => at = start + 1,
                }
            }
            if !outside_group || occurrences.len() < 2 {
                continue;
            }
            let first: Vec<usize> = occurrences[0].iter().map(|k| numbers[*k]).collect();
            for ks in &occurrences[1..] {
                for (k, n) in ks.iter().zip(&first) {
                    changed |= numbers[*k] != *n;
                    numbers[*k] = *n;
                }
            }
        }
        if !changed {
            self.binds = binds;
            return;
        }
        // Drop the parameters no longer used; renumber the others.
        let base = regions.params_before;
        let mut used = vec![false; self.params];
        for n in &numbers {
            if let Some(u) = n.checked_sub(1).and_then(|i| used.get_mut(i)) {
                *u = true;
            }
        }
        let mut renumber = vec![0; self.params + 1];
        let mut kept = Binds::new();
        let mut count = 0;
        for (i, p) in all.iter().enumerate() {
            if i < base || used.get(i).copied().unwrap_or(true) {
                count += 1;
                renumber[i + 1] = count;
                kept.extend_from_slice(p);
            }
        }
        let mut sql = String::with_capacity(self.sql.len());
        let mut at = 0;
        for (t, n) in toks.iter().zip(&numbers) {
            sql.push_str(&self.sql[at..t.start]);
            self.dialect
                .write_placeholder(&mut sql, renumber.get(*n).copied().unwrap_or(*n));
            at = t.end;
        }
        sql.push_str(&self.sql[at..]);
        self.sql = sql;
        self.binds = kept;
        self.params = count;
    }
}
