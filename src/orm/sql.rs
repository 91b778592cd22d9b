//! The SQL the session writes itself: INSERT / UPDATE / DELETE of one
//! object, and the SELECTs of loading by key or by foreign key.
//!
//! These are built at run time (an UPDATE names only the changed columns),
//! always with bound values and dialect-quoted identifiers.

use super::inherit::Discriminator;
use super::model::Cells;
use crate::error::Result;
use crate::render::{Dialect, Render, Rendered, SqlWriter};
use crate::value::ValueRef;

fn list<'a>(w: &mut SqlWriter<'a>, cells: impl IntoIterator<Item = ValueRef<'a>>) {
    for (i, c) in cells.into_iter().enumerate() {
        if i > 0 {
            w.push_sql(", ");
        }
        w.push_bind(c);
    }
}

/// `"t"."k" = ?`, `"t"."k" IN (?, ...)` (`"t"."k" = ANY($1)` where the
/// dialect binds arrays), or for a composite key
/// `("t"."a" = ? AND "t"."b" = ?) OR ...`, over `n` keys whose cells are
/// `cells` (`names.len()` per key).
pub(crate) fn write_key_match<'a>(
    w: &mut SqlWriter<'a>,
    table: &str,
    names: &[&str],
    cells: &[ValueRef<'a>],
    n: usize,
) {
    match names {
        [name] if n > 1 && w.dialect().binds_arrays() => {
            w.push_qualified(table, name);
            w.push_sql(" = ANY(");
            w.push_array_bind(cells.iter().copied());
            w.push_sql(")");
        }
        [name] => {
            w.push_qualified(table, name);
            if n == 1 {
                w.push_sql(" = ");
            } else {
                w.push_sql(" IN (");
            }
            list(w, cells.iter().copied());
            if n != 1 {
                w.push_sql(")");
            }
        }
        _ => {
            for (r, key) in cells.chunks(names.len().max(1)).enumerate() {
                if r > 0 {
                    w.push_sql(" OR ");
                }
                if n > 1 {
                    w.push_sql("(");
                }
                for (j, (name, c)) in names.iter().zip(key).enumerate() {
                    if j > 0 {
                        w.push_sql(" AND ");
                    }
                    w.push_qualified(table, name);
                    w.push_sql(" = ");
                    w.push_bind(*c);
                }
                if n > 1 {
                    w.push_sql(")");
                }
            }
        }
    }
}

/// `SELECT cols FROM t WHERE <key match>`
pub(crate) fn select_by_keys<'a, S: Render>(
    d: &'a dyn Dialect,
    cols: &'a S,
    table: &str,
    key_names: &[&str],
    cells: &[ValueRef<'a>],
    n: usize,
) -> Result<Rendered<'a>> {
    select_of(d, cols, table, None, |w| {
        write_key_match(w, table, key_names, cells, n);
    })
}

/// `SELECT cols FROM t WHERE "t"."column" IN (...)` (and the model's
/// discriminator): in no particular order (the caller sorts what it
/// groups, which the database would have to do without an index).
pub(crate) fn select_where_in<'a, S: Render>(
    d: &'a dyn Dialect,
    cols: &'a S,
    table: &str,
    column: &str,
    cells: &[ValueRef<'a>],
    disc: Option<Discriminator>,
) -> Result<Rendered<'a>> {
    select_of(d, cols, table, disc, |w| {
        write_key_match(w, table, &[column], cells, cells.len());
    })
}

/// `SELECT cols FROM t WHERE [<discriminator> AND (]<condition>[)]`.
fn select_of<'a, S: Render>(
    d: &'a dyn Dialect,
    cols: &'a S,
    table: &str,
    disc: Option<Discriminator>,
    condition: impl FnOnce(&mut SqlWriter<'a>),
) -> Result<Rendered<'a>> {
    let mut w = SqlWriter::new(d);
    w.push_sql("SELECT ");
    cols.render(&mut w);
    w.push_sql(" FROM ");
    w.push_ident(table);
    w.push_sql(" WHERE ");
    if let Some(disc) = disc {
        disc.write(&mut w, table);
        w.push_sql(" AND (");
        condition(&mut w);
        w.push_sql(")");
    } else {
        condition(&mut w);
    }
    w.finish()
}

/// The targets of many-to-many links, with the source key first:
/// `SELECT "l"."left", cols FROM "r" INNER JOIN "l" ON "l"."right" = "r"."pk"
/// WHERE "l"."left" IN (...)`, in no particular order (see
/// [`select_where_in`]).
pub(crate) struct LinkSelect<'n> {
    pub(crate) link: &'n str,
    pub(crate) left: &'n str,
    pub(crate) right: &'n str,
    pub(crate) target: &'n str,
    pub(crate) target_key: &'n [&'n str],
    /// The target model's discriminator, if it has one.
    pub(crate) target_disc: Option<Discriminator>,
}

impl LinkSelect<'_> {
    pub(crate) fn render<'a, S: Render>(
        &self,
        d: &'a dyn Dialect,
        cols: &'a S,
        cells: &[ValueRef<'a>],
    ) -> Result<Rendered<'a>> {
        let mut w = SqlWriter::new(d);
        w.push_sql("SELECT ");
        w.push_qualified(self.link, self.left);
        w.push_sql(", ");
        cols.render(&mut w);
        w.push_sql(" FROM ");
        w.push_ident(self.target);
        w.push_sql(" INNER JOIN ");
        w.push_ident(self.link);
        w.push_sql(" ON ");
        w.push_qualified(self.link, self.right);
        w.push_sql(" = ");
        w.push_qualified(self.target, self.target_key.first().copied().unwrap_or(""));
        w.push_sql(" WHERE ");
        write_key_match(&mut w, self.link, &[self.left], cells, cells.len());
        // One column's IN list: no OR to keep apart from the discriminator.
        if let Some(d) = self.target_disc {
            w.push_sql(" AND ");
            d.write(&mut w, self.target);
        }
        w.finish()
    }
}

/// `INSERT INTO t (cols not skipped) VALUES (...)`
pub(crate) fn insert<'a>(
    d: &'a dyn Dialect,
    table: &str,
    names: &[&str],
    cells: &[ValueRef<'a>],
    skip: &[bool],
) -> Result<Rendered<'a>> {
    let mut w = SqlWriter::new(d);
    w.push_sql("INSERT INTO ");
    w.push_ident(table);
    let kept = || {
        names
            .iter()
            .zip(cells)
            .zip(skip)
            .filter(|(_, s)| !**s)
            .map(|(nc, _)| nc)
    };
    if kept().next().is_none() {
        // Every column is left to the database.
        w.push_sql(d.insert_default_values());
        return w.finish();
    }
    w.push_sql(" (");
    for (i, (name, _)) in kept().enumerate() {
        if i > 0 {
            w.push_sql(", ");
        }
        w.push_ident(name);
    }
    w.push_sql(") VALUES (");
    list(&mut w, kept().map(|(_, c)| *c));
    w.push_sql(")");
    w.finish()
}

/// What a multi-row INSERT reads back in its `RETURNING` clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReadBack<'n> {
    /// No RETURNING.
    Nothing,
    /// One column (the autoincrement key).
    Column(&'n str),
    /// These columns (every column of the model).
    Columns(&'n [&'n str]),
}

/// `INSERT INTO t (kept columns) VALUES (...), (...) [RETURNING ...]`:
/// one row of values per item of `rows` (cells in column order), the
/// columns `skip` marks left out (at least one must be kept).
pub(crate) fn insert_rows<'a>(
    d: &'a dyn Dialect,
    table: &str,
    names: &[&str],
    skip: &[bool],
    rows: impl IntoIterator<Item = Cells<'a>>,
    read_back: ReadBack<'_>,
) -> Result<Rendered<'a>> {
    let mut w = SqlWriter::new(d);
    w.push_sql("INSERT INTO ");
    w.push_ident(table);
    w.push_sql(" (");
    let kept = names.iter().zip(skip).filter(|(_, s)| !**s);
    for (i, (name, _)) in kept.enumerate() {
        if i > 0 {
            w.push_sql(", ");
        }
        w.push_ident(name);
    }
    w.push_sql(") VALUES ");
    for (r, cells) in rows.into_iter().enumerate() {
        w.push_sql(if r > 0 { ", (" } else { "(" });
        let kept = cells.iter().zip(skip).filter(|(_, s)| !**s);
        list(&mut w, kept.map(|(c, _)| *c));
        w.push_sql(")");
    }
    let returning: &[&str] = match read_back {
        ReadBack::Nothing => &[],
        ReadBack::Column(ref c) => std::slice::from_ref(c),
        ReadBack::Columns(cs) => cs,
    };
    for (i, name) in returning.iter().enumerate() {
        w.push_sql(if i > 0 { ", " } else { " RETURNING " });
        w.push_ident(name);
    }
    w.finish()
}

/// `DELETE FROM t WHERE <key match>` for `n` rows whose key cells (and
/// version, when `names` ends with the version column) are `cells`.
pub(crate) fn delete_rows<'a>(
    d: &'a dyn Dialect,
    table: &str,
    names: &[&str],
    cells: &[ValueRef<'a>],
    n: usize,
) -> Result<Rendered<'a>> {
    let mut w = SqlWriter::new(d);
    w.push_sql("DELETE FROM ");
    w.push_ident(table);
    w.push_sql(" WHERE ");
    write_key_match(&mut w, table, names, cells, n);
    w.finish()
}

/// The WHERE of an UPDATE or DELETE of one object: its key, and its
/// version when it has one.
pub(crate) struct RowMatch<'a, 'n> {
    pub(crate) table: &'n str,
    pub(crate) key_names: &'n [&'n str],
    pub(crate) key: &'n [ValueRef<'a>],
    pub(crate) version: Option<(&'n str, i64)>,
}

impl<'a> RowMatch<'a, '_> {
    fn write(&self, w: &mut SqlWriter<'a>) {
        w.push_sql(" WHERE ");
        write_key_match(w, self.table, self.key_names, self.key, 1);
        if let Some((column, v)) = self.version {
            w.push_sql(" AND ");
            w.push_qualified(self.table, column);
            w.push_sql(" = ");
            w.push_bind(ValueRef::Int(v));
        }
    }
}

/// `UPDATE t SET <changed> = ? ... WHERE <row>`
pub(crate) fn update<'a>(
    d: &'a dyn Dialect,
    names: &[&str],
    cells: &[ValueRef<'a>],
    changed: &[bool],
    on_update: &'a [(&'static str, &'a (dyn Render + Send + Sync))],
    row: &RowMatch<'a, '_>,
) -> Result<Rendered<'a>> {
    let mut w = SqlWriter::new(d);
    w.push_sql("UPDATE ");
    w.push_ident(row.table);
    w.push_sql(" SET ");
    let set = names.iter().zip(cells).zip(changed).filter(|(_, c)| **c);
    for (i, ((name, cell), _)) in set.enumerate() {
        if i > 0 {
            w.push_sql(", ");
        }
        w.push_ident(name);
        w.push_sql(" = ");
        w.push_bind(*cell);
    }
    super::server_values::write_set(&mut w, on_update);
    row.write(&mut w);
    w.finish()
}

/// `INSERT INTO link (left, right) VALUES (?, ?)`
pub(crate) fn insert_link<'a>(
    d: &'a dyn Dialect,
    link: &str,
    columns: [&str; 2],
    values: [ValueRef<'a>; 2],
) -> Result<Rendered<'a>> {
    insert(d, link, &columns, &values, &[false, false])
}

/// `DELETE FROM link WHERE "link"."left" = ? AND "link"."right" = ?`
pub(crate) fn delete_link<'a>(
    d: &'a dyn Dialect,
    link: &str,
    columns: [&str; 2],
    values: [ValueRef<'a>; 2],
) -> Result<Rendered<'a>> {
    let mut w = SqlWriter::new(d);
    w.push_sql("DELETE FROM ");
    w.push_ident(link);
    w.push_sql(" WHERE ");
    write_key_match(&mut w, link, &columns, &values, 1);
    w.finish()
}

/// `DELETE FROM link WHERE "link"."column" IN (...)`
pub(crate) fn delete_links_of<'a>(
    d: &'a dyn Dialect,
    link: &str,
    column: &str,
    cells: &[ValueRef<'a>],
) -> Result<Rendered<'a>> {
    let mut w = SqlWriter::new(d);
    w.push_sql("DELETE FROM ");
    w.push_ident(link);
    w.push_sql(" WHERE ");
    write_key_match(&mut w, link, &[column], cells, cells.len());
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Ansi;
    impl Dialect for Ansi {
        fn name(&self) -> &'static str {
            "ansi"
        }
    }

    #[test]
    fn update_names_only_changed_columns_and_matches_the_version() {
        let cells = [ValueRef::Int(1), ValueRef::Text("bob"), ValueRef::Int(4)];
        let key = [ValueRef::Int(1)];
        let row = RowMatch {
            table: "users",
            key_names: &["id"],
            key: &key,
            version: Some(("version", 3)),
        };
        let r = update(
            &Ansi,
            &["id", "name", "version"],
            &cells,
            &[false, true, true],
            &[],
            &row,
        )
        .unwrap();
        assert_eq!(
            r.sql,
            r#"UPDATE "users" SET "name" = ?, "version" = ? WHERE "users"."id" = ? AND "users"."version" = ?"#
        );
        assert_eq!(
            r.binds.as_slice(),
            &[
                ValueRef::Text("bob"),
                ValueRef::Int(4),
                ValueRef::Int(1),
                ValueRef::Int(3)
            ]
        );
    }

    #[test]
    fn composite_keys_match_with_or_of_ands() {
        let cells = [
            ValueRef::Int(1),
            ValueRef::Int(2),
            ValueRef::Int(3),
            ValueRef::Int(4),
        ];
        let r = select_by_keys(
            &Ansi,
            &crate::expr::BoolLiteral(true),
            "m",
            &["a", "b"],
            &cells,
            2,
        )
        .unwrap();
        assert_eq!(
            r.sql,
            r#"SELECT TRUE FROM "m" WHERE ("m"."a" = ? AND "m"."b" = ?) OR ("m"."a" = ? AND "m"."b" = ?)"#
        );
    }

    #[test]
    fn key_lists_bind_one_array_where_the_dialect_can() {
        #[derive(Debug)]
        struct Arrays;
        impl Dialect for Arrays {
            fn name(&self) -> &'static str {
                "arrays"
            }
            fn binds_arrays(&self) -> bool {
                true
            }
        }
        let cells = [ValueRef::Int(1), ValueRef::Int(2), ValueRef::Int(3)];
        let all = crate::expr::BoolLiteral(true);
        let r = select_where_in(&Arrays, &all, "p", "u", &cells, None).unwrap();
        assert_eq!(r.sql, r#"SELECT TRUE FROM "p" WHERE "p"."u" = ANY(?)"#);
        assert_eq!(r.binds[0], ValueRef::Array(3));
        assert_eq!(r.binds[1..], cells);
        let r = select_where_in(&Ansi, &all, "p", "u", &cells, None).unwrap();
        assert_eq!(r.sql, r#"SELECT TRUE FROM "p" WHERE "p"."u" IN (?, ?, ?)"#);
        assert_eq!(r.binds[..], cells);
        // One key is an equality; composite keys stay ORs of ANDs.
        let r = select_where_in(&Arrays, &all, "p", "u", &cells[..1], None).unwrap();
        assert_eq!(r.sql, r#"SELECT TRUE FROM "p" WHERE "p"."u" = ?"#);
        let r = select_by_keys(&Arrays, &all, "m", &["a", "b"], &cells[..2], 1).unwrap();
        assert_eq!(
            r.sql,
            r#"SELECT TRUE FROM "m" WHERE "m"."a" = ? AND "m"."b" = ?"#
        );
    }

    #[test]
    fn multi_row_inserts_and_deletes() {
        let rows = [
            [ValueRef::Int(0), ValueRef::Text("a")],
            [ValueRef::Int(0), ValueRef::Text("b")],
        ];
        let cells = rows
            .iter()
            .map(|r| r.iter().copied().collect::<Cells<'_>>());
        let names = ["id", "name"];
        let r = insert_rows(
            &Ansi,
            "t",
            &names,
            &[true, false],
            cells.clone(),
            ReadBack::Column("id"),
        )
        .unwrap();
        assert_eq!(
            r.sql,
            r#"INSERT INTO "t" ("name") VALUES (?), (?) RETURNING "id""#
        );
        assert_eq!(r.binds[..], [ValueRef::Text("a"), ValueRef::Text("b")]);
        let r = insert_rows(
            &Ansi,
            "t",
            &names,
            &[false, false],
            cells.clone(),
            ReadBack::Nothing,
        )
        .unwrap();
        assert_eq!(
            r.sql,
            r#"INSERT INTO "t" ("id", "name") VALUES (?, ?), (?, ?)"#
        );
        let r = insert_rows(
            &Ansi,
            "t",
            &names,
            &[true, false],
            cells,
            ReadBack::Columns(&names),
        )
        .unwrap();
        assert!(
            r.sql.ends_with(r#"(?) RETURNING "id", "name""#),
            "{}",
            r.sql
        );

        let keys = [ValueRef::Int(1), ValueRef::Int(2)];
        let r = delete_rows(&Ansi, "t", &["id"], &keys, 2).unwrap();
        assert_eq!(r.sql, r#"DELETE FROM "t" WHERE "t"."id" IN (?, ?)"#);
        // With the version: each row's key and version.
        let kv = [
            ValueRef::Int(1),
            ValueRef::Int(3),
            ValueRef::Int(2),
            ValueRef::Int(5),
        ];
        let r = delete_rows(&Ansi, "t", &["id", "version"], &kv, 2).unwrap();
        assert_eq!(
            r.sql,
            r#"DELETE FROM "t" WHERE ("t"."id" = ? AND "t"."version" = ?) OR ("t"."id" = ? AND "t"."version" = ?)"#
        );
        assert_eq!(r.binds[..], kv);
    }

    #[test]
    fn insert_leaves_out_skipped_columns() {
        let cells = [ValueRef::Int(0), ValueRef::Text("x")];
        let r = insert(&Ansi, "t", &["id", "name"], &cells, &[true, false]).unwrap();
        assert_eq!(r.sql, r#"INSERT INTO "t" ("name") VALUES (?)"#);
        let r = insert(&Ansi, "t", &["id"], &cells[..1], &[true]).unwrap();
        assert_eq!(r.sql, r#"INSERT INTO "t" DEFAULT VALUES"#);
    }
}
