//! Literal text matching: `starts_with`, `ends_with` and `contains`.
//!
//! Not LIKE: LIKE follows the database's rules, which differ (SQLite
//! ignores ASCII case and stops at a NUL; MySQL and MariaDB compare by the
//! column's collation, so `utf8mb4_general_ci` takes `a`, `A` and `á` for
//! the same letter and every emoji for every other). These nodes compare
//! exact bytes or code points instead, through each dialect's
//! [`write_literal_match`](crate::render::Dialect::write_literal_match).

use super::Expression;
use crate::render::{NodeTag, Render, SqlKey, SqlWriter, TableSet, precedence};
use crate::types::Bool;
use crate::value::ValueRef;

/// Which literal match a [`LiteralMatch`] node makes.
///
/// ```
/// use sqlalgebra::expr::MatchKind;
/// assert_ne!(MatchKind::StartsWith, MatchKind::Contains);
/// assert_eq!(MatchKind::EndsWith.needle_binds(), 2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchKind {
    /// The text begins with the needle.
    StartsWith,
    /// The text ends with the needle.
    EndsWith,
    /// The needle occurs somewhere in the text.
    Contains,
}

impl MatchKind {
    /// How many times every dialect binds the needle for this kind: twice
    /// for `StartsWith` and `EndsWith` (its length, then the comparison),
    /// once for `Contains`. The rendered-SQL cache collects the binds so.
    pub const fn needle_binds(self) -> usize {
        match self {
            MatchKind::StartsWith | MatchKind::EndsWith => 2,
            MatchKind::Contains => 1,
        }
    }
}

/// `text` starts with, ends with or contains `needle`, compared exactly
/// (case, accents, NUL and trailing spaces count; `%` and `_` are plain
/// characters): made by
/// [`starts_with`](super::TextExpressionMethods::starts_with),
/// [`ends_with`](super::TextExpressionMethods::ends_with) and
/// [`contains`](super::TextExpressionMethods::contains).
///
/// Every text matches the empty needle; a NULL text gives NULL (so neither
/// the match nor its `NOT` selects the row).
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = S; type PrimaryKey = S; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct S;
/// # impl Column for S { type Table = T; type SqlType = Text; const NAME: &'static str = "s"; }
/// let q = select(count_star()).filter(S.contains("50%"));
/// assert_eq!(
///     q.to_sql(&sqlalgebra_sqlite::Sqlite).unwrap().sql,
///     r#"SELECT COUNT(*) FROM "t" WHERE INSTR(CAST("t"."s" AS BLOB), CAST(? AS BLOB)) > 0"#
/// );
/// ```
#[derive(Debug, Clone)]
pub struct LiteralMatch<E> {
    pub(crate) text: E,
    pub(crate) needle: String,
    pub(crate) kind: MatchKind,
}

#[diagnostic::do_not_recommend]
impl<E: Render> Render for LiteralMatch<E> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        let dialect = w.dialect();
        dialect.write_literal_match(w, self.kind, &self.text, &self.needle);
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        self.text.collect_tables(out);
    }
    fn precedence(&self) -> u8 {
        precedence::COMPARISON
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static LITERAL_MATCH: NodeTag = NodeTag::new("literal match");
        // A dialect may refuse a NUL (PostgreSQL text cannot hold one):
        // such a statement is always rendered, so that the refusal is seen.
        if self.needle.contains('\0') {
            return false;
        }
        key.tag(&LITERAL_MATCH);
        key.word(self.kind as usize);
        if !self.text.sql_key(key) {
            return false;
        }
        for _ in 0..self.kind.needle_binds() {
            key.bind(ValueRef::Text(&self.needle));
        }
        true
    }
}

#[diagnostic::do_not_recommend]
impl<E: Expression> Expression for LiteralMatch<E> {
    type SqlType = Bool;
}

logic_operators!(LiteralMatch<E>);

crate::macros::in_scope! { [E] LiteralMatch<E> { E: IE }; }
