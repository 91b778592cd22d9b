//! A grouped expression repeated inside HAVING or ORDER BY, as `MIN(..)`
//! (MySQL and MariaDB).
//!
//! Where placeholders are not numbered (`?`), an expression with bound
//! values written again in HAVING or ORDER BY has placeholders of its own,
//! and the server does not see that it is a GROUP BY term: MariaDB
//! resolves the columns of HAVING against the SELECT list only (`GROUP BY
//! CASE WHEN age < ? .. END HAVING CASE WHEN age < ? .. END <> ?` is
//! "Unknown column 'age' in HAVING", selected or not), and MySQL 8 refuses
//! such an ORDER BY term (error 1055). `terms.rs` writes a whole ORDER BY
//! term that repeats a SELECT-list item as its position, but that leaves
//! a grouped expression inside a HAVING condition, in an ORDER BY term
//! that is not selected, and in the `x IS NULL` term that emulates `DESC
//! NULLS FIRST` (`ORDER BY 1 IS NULL DESC` would test the constant 1).
//!
//! After a grouped SELECT is written, every GROUP BY term with bound values
//! (other than a lone one) is looked for in the text of HAVING and ORDER BY:
//! the same text with `?` in the places of its own, bound to the same
//! values, standing as a whole operand and not inside a subquery (the same
//! rules as `unify.rs`). Each occurrence is written `MIN(term)`: every row
//! of a group has the same value of a GROUP BY term, so its minimum is that
//! value, and an aggregate's argument may read any column of the group's
//! rows. The placeholders keep their order, so the bind values stay as they
//! are.

use std::ops::Range;

use super::unify::{Template, Token, after, before, params, subqueries};
use super::{Regions, Render, SqlWriter};

/// The placeholders (`?`) of `sql` from byte `from`, outside quoted names
/// and string literals, numbered from `first`.
fn question_marks(sql: &str, from: usize, first: usize) -> Vec<Token> {
    let bytes = sql.as_bytes();
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
            b'?' => out.push(Token {
                start: i,
                end: i + 1,
                n: first + out.len(),
            }),
            _ => {}
        }
        i += 1;
    }
    out
}

impl<'a> SqlWriter<'a> {
    /// The pass of the [module docs](self), for the SELECT whose clauses
    /// are at `regions` and whose GROUP BY is `group`.
    pub(crate) fn aggregate_grouped(&mut self, group: &'a dyn Render, regions: &Regions) {
        if self.error.is_some() || regions.rest.is_empty() {
            return;
        }
        let mut terms = Vec::new();
        super::for_each_leaf(group, &mut |t| {
            let (sql, binds) = self.render_part(t);
            if !binds.is_empty() {
                terms.push((sql, binds, t.precedence()));
            }
        });
        if terms.is_empty() {
            return;
        }
        let from = regions.selection.start;
        let toks = question_marks(&self.sql, from, regions.params_before + 1);
        let numbers: Vec<usize> = toks.iter().map(|t| t.n).collect();
        let nested = subqueries(&self.sql, from);
        let all = params(&self.binds);
        let value = |n: usize| n.checked_sub(1).and_then(|i| all.get(i).copied());
        let rest = &regions.rest;
        let mut found: Vec<Range<usize>> = Vec::new();
        for (sql, tbinds, precedence) in &terms {
            let Some(template) = Template::new(sql, tbinds, &question_marks(sql, 0, 1)) else {
                continue;
            };
            if template.pieces.iter().all(|p| p.is_empty()) {
                // A lone bound value: a constant, no column to resolve.
                continue;
            }
            let whole = |start: usize, end: usize| {
                before(&self.sql, start) < *precedence && after(&self.sql, end) < *precedence
            };
            let mut at = rest.start;
            while at < rest.end {
                let start = if template.pieces[0].is_empty() {
                    match toks.iter().find(|t| t.start >= at) {
                        Some(t) => t.start,
                        None => break,
                    }
                } else {
                    match self.sql[at..rest.end].find(template.pieces[0]) {
                        Some(i) => at + i,
                        None => break,
                    }
                };
                match template.occurs_at(&self.sql, start, &toks, &numbers, &value) {
                    Some((_, end))
                        if end <= rest.end
                            && !nested.iter().any(|r| r.contains(&start))
                            && whole(start, end) =>
                    {
                        found.push(start..end);
                        at = end;
                    }
                    _ => at = start + 1,
                }
            }
        }
        if found.is_empty() {
            return;
        }
        // Outermost first; an occurrence inside another is inside its MIN.
        found.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
        let mut sql = String::with_capacity(self.sql.len() + 5 * found.len());
        let mut at = 0;
        for r in &found {
            if r.start < at {
                continue;
            }
            sql.push_str(&self.sql[at..r.start]);
            sql.push_str("MIN(");
            sql.push_str(&self.sql[r.start..r.end]);
            sql.push(')');
            at = r.end;
        }
        sql.push_str(&self.sql[at..]);
        self.sql = sql;
    }
}
