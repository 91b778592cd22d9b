//! Whether merged text may be ordered by code point: each shard sorts its
//! rows by its own collation, and the merge must order them the same way.
//! It compares text by bytes (code point order for UTF-8), which is right
//! only for a binary collation. So a fan-out with ORDER BY selects, after
//! the query's own columns, one probe per sort term: the name of the
//! collation the shard sorts that term's value by ([`Probed`]), or NULL
//! for a value that is not text. The merge refuses (`ErrorKind::Unsupported`)
//! rows whose probe names another collation ([`is_binary`]) instead of
//! returning them in an order one database would not give.
//!
//! - PostgreSQL: `pg_collation_for(term)`; the database default resolved
//!   to the database's locale (libc provider only).
//! - MySQL / MariaDB: `COLLATION(term)` (`binary` for numbers and bytes).
//! - SQLite: what the term compares by, seen from the value itself: RTRIM
//!   when it equals itself with a trailing space, NOCASE when it equals
//!   its lower- or upper-case form without being it byte for byte, else
//!   BINARY. A value without letters cannot tell NOCASE from BINARY, nor
//!   does it need to (they order such values alike); a collation the
//!   application registers itself is not recognised.

use crate::render::{Render, SqlWriter, TableSet};

/// A SELECT list followed by the collation probes of some of its items.
pub(crate) struct Probed<'a> {
    pub(crate) selection: &'a dyn Render,
    pub(crate) terms: Vec<&'a dyn Render>,
}

impl Render for Probed<'_> {
    fn render<'b>(&'b self, w: &mut SqlWriter<'b>) {
        self.render_selected(w);
    }

    fn render_selected<'b>(&'b self, w: &mut SqlWriter<'b>) {
        self.selection.render_selected(w);
        for term in &self.terms {
            w.push_sql(", ");
            probe(w, *term);
        }
    }

    fn collect_tables<'b>(&'b self, out: &mut TableSet<'b>) {
        self.selection.collect_tables(out);
    }

    /// The query's own items only: ORDER BY may refer to them by position,
    /// and the probes come after them.
    fn each_term<'b>(&'b self, each: &mut dyn FnMut(&'b dyn Render)) -> bool {
        if !self.selection.each_term(each) {
            each(self.selection);
        }
        true
    }
}

/// Writes the collation probe of `term` (see the module documentation).
fn probe<'a>(w: &mut SqlWriter<'a>, term: &'a dyn Render) {
    let t = |w: &mut SqlWriter<'a>| {
        w.push_sql("(");
        term.render(w);
        w.push_sql(")");
    };
    match w.dialect().name() {
        "postgresql" => {
            // `pg_collation_for` refuses a type without collations.
            w.push_sql(
                "CASE WHEN (SELECT typ.typcollation FROM pg_type typ WHERE typ.oid = pg_typeof(",
            );
            t(w);
            w.push_sql(")) = 0 THEN NULL WHEN pg_collation_for(");
            t(w);
            w.push_sql(
                ") = '\"default\"' THEN (SELECT CASE WHEN coalesce(to_jsonb(d) ->> 'datlocprovider', 'c') = 'c' \
                 THEN d.datcollate::text ELSE 'provider ' || (to_jsonb(d) ->> 'datlocprovider') END \
                 FROM pg_database d WHERE d.datname = current_database()) ELSE pg_collation_for(",
            );
            t(w);
            w.push_sql(") END");
        }
        "mysql" | "mariadb" => {
            w.push_sql("COLLATION(");
            t(w);
            w.push_sql(")");
        }
        "sqlite" => {
            // The term (`T`) goes between each two of these.
            const SEGMENTS: [&str; 12] = [
                "CASE WHEN typeof(",
                ") <> 'text' THEN NULL WHEN ",
                " = ",
                " || ' ' THEN 'rtrim' WHEN ",
                " = lower(",
                ") AND CAST(",
                " AS BLOB) <> CAST(lower(",
                ") AS BLOB) THEN 'nocase' WHEN ",
                " = upper(",
                ") AND CAST(",
                " AS BLOB) <> CAST(upper(",
                ") AS BLOB) THEN 'nocase' ELSE 'binary' END",
            ];
            for (i, segment) in SEGMENTS.iter().enumerate() {
                if i > 0 {
                    t(w);
                }
                w.push_sql(segment);
            }
        }
        // A dialect of the application's own: nothing known.
        _ => w.push_sql("'unknown'"),
    }
}

/// Whether the collation `name` (as a probe gives it) orders text by code
/// point, as the merge does.
pub(crate) fn is_binary(name: &str) -> bool {
    let name = name.trim_matches('"').to_ascii_lowercase();
    matches!(
        name.as_str(),
        "c" | "posix"
            | "ucs_basic"
            | "c.utf8"
            | "c.utf-8"
            | "pg_c_utf8"
            | "binary"
            | "utf8mb4_0900_bin"
    ) || name.ends_with("_nopad_bin")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_collations_are_told_apart() {
        for name in [
            "\"C\"",
            "\"POSIX\"",
            "C.UTF-8",
            "binary",
            "utf8mb4_nopad_bin",
            "ucs_basic",
        ] {
            assert!(is_binary(name), "{name}");
        }
        for name in [
            "en_US.UTF-8",
            "\"en-x-icu\"",
            "utf8mb4_general_ci",
            "utf8mb4_bin",
            "nocase",
            "rtrim",
            "provider i",
            "unknown",
        ] {
            assert!(!is_binary(name), "{name}");
        }
    }
}
