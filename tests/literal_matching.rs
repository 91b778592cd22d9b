//! `starts_with`, `ends_with` and `contains` are literal on every backend
//! and collation: for every (row, needle) pair of a hostile corpus (NUL,
//! case variants, accents precomposed and decomposed, emoji that
//! `utf8mb4_general_ci` takes for each other, `%`, `_`, `\`, quotes,
//! trailing spaces, 1 MB texts), the database's answer (true, false or
//! NULL) in a SELECT list, under NOT and in WHERE equals Rust's own
//! `str::starts_with` / `ends_with` / `contains` (NULL for a NULL row).
//!
//! The corpus runs in the harness's databases (SQLite; MariaDB with a
//! binary collation; PostgreSQL), in a MariaDB database created with the
//! server's default collation, and in columns declared with a
//! case-insensitive collation (SQLite `NOCASE`, MariaDB
//! `utf8mb4_unicode_ci` and `latin1`, a nondeterministic ICU collation on
//! PostgreSQL). PostgreSQL text cannot hold a NUL: its corpus leaves those
//! rows out, and a needle with a NUL is a typed `ErrorKind::Unsupported`.

mod common;

use std::collections::BTreeSet;

use common::collation::mysql_default_collation;
use common::on_all_backends;
use sqlalgebra::prelude::*;
use sqlalgebra::{Backend, ErrorKind, Result};

/// A table `$name (id BIGINT PRIMARY KEY, s TEXT NULL)` and the
/// [`Corpus`] operations on it.
macro_rules! corpus_table {
    ($table:ident, $name:literal, $id:ident, $s:ident) => {
        #[derive(Clone, Copy, Debug, Default)]
        struct $table;
        impl Table for $table {
            const NAME: &'static str = $name;
            type Columns = ($id, $s);
            type PrimaryKey = $id;
        }
        #[derive(Clone, Copy, Debug, Default)]
        struct $id;
        impl Column for $id {
            type Table = $table;
            type SqlType = BigInt;
            const NAME: &'static str = "id";
        }
        #[derive(Clone, Copy, Debug, Default)]
        struct $s;
        impl Column for $s {
            type Table = $table;
            type SqlType = Nullable<Text>;
            const NAME: &'static str = "s";
        }

        impl Corpus for $table {
            fn fill<C: Connection>(conn: &mut C, rows: &[Row]) -> Result<()> {
                for (id, s) in rows {
                    insert_into($table)
                        .values(($id.set(*id), $s.set(s.as_deref())))
                        .execute(conn)?;
                }
                Ok(())
            }
            fn stored<C: Connection>(conn: &mut C) -> Result<Vec<Row>> {
                select(($id, $s)).order_by($id).load(conn)
            }
            fn answers<C: Connection>(
                conn: &mut C,
                needle: &str,
                ids: (i64, i64),
                nots: bool,
            ) -> Result<Vec<(i64, Vec<Option<bool>>)>> {
                let n = needle;
                let q = select(($id, $s.starts_with(n), $s.ends_with(n), $s.contains(n)));
                if !nots {
                    let rows: Vec<(i64, Option<bool>, Option<bool>, Option<bool>)> = q
                        .filter($id.between(ids.0, ids.1))
                        .order_by($id)
                        .load(conn)?;
                    return Ok(rows
                        .into_iter()
                        .map(|(id, a, b, c)| (id, vec![a, b, c]))
                        .collect());
                }
                let rows: Vec<(
                    i64,
                    Option<bool>,
                    Option<bool>,
                    Option<bool>,
                    Option<bool>,
                    Option<bool>,
                    Option<bool>,
                )> = select((
                    $id,
                    $s.starts_with(n),
                    $s.ends_with(n),
                    $s.contains(n),
                    not($s.starts_with(n)),
                    not($s.ends_with(n)),
                    not($s.contains(n)),
                ))
                .filter($id.between(ids.0, ids.1))
                .order_by($id)
                .load(conn)?;
                Ok(rows
                    .into_iter()
                    .map(|(id, a, b, c, d, e, f)| (id, vec![a, b, c, d, e, f]))
                    .collect())
            }
            fn matching<C: Connection>(
                conn: &mut C,
                needle: &str,
                probe: usize,
                ids: (i64, i64),
            ) -> Result<Vec<i64>> {
                let n = needle;
                let q = select($id).filter($id.between(ids.0, ids.1));
                match probe {
                    0 => q.filter($s.starts_with(n)).order_by($id).load(conn),
                    1 => q.filter($s.ends_with(n)).order_by($id).load(conn),
                    2 => q.filter($s.contains(n)).order_by($id).load(conn),
                    3 => q.filter(not($s.starts_with(n))).order_by($id).load(conn),
                    4 => q.filter(!$s.ends_with(n)).order_by($id).load(conn),
                    _ => q.filter(not($s.contains(n))).order_by($id).load(conn),
                }
            }
            fn delete_matching<C: Connection>(conn: &mut C, needle: &str) -> Result<u64> {
                delete_from($table)
                    .filter($s.ends_with(needle).or(not($s.contains("a"))))
                    .execute(conn)
            }
            fn update_matching<C: Connection>(conn: &mut C, needle: &str) -> Result<u64> {
                update($table)
                    .set($s.set("hit"))
                    .filter($s.starts_with(needle))
                    .execute(conn)
            }
        }
    };
}

corpus_table!(Plain, "corpus", PlainId, PlainS);
corpus_table!(CaseInsensitive, "corpus_ci", CiId, CiS);
corpus_table!(Latin1, "corpus_latin1", Latin1Id, Latin1S);

/// A row of the corpus: its key and its text.
type Row = (i64, Option<String>);
const PROBES: [&str; 6] = [
    "starts_with",
    "ends_with",
    "contains",
    "NOT starts_with",
    "NOT ends_with",
    "NOT contains",
];

trait Corpus {
    fn fill<C: Connection>(conn: &mut C, rows: &[Row]) -> Result<()>;
    fn stored<C: Connection>(conn: &mut C) -> Result<Vec<Row>>;
    /// The answers for the rows whose id is in `ids` (inclusive): the
    /// first three of [`PROBES`], or all six when `nots`.
    fn answers<C: Connection>(
        conn: &mut C,
        needle: &str,
        ids: (i64, i64),
        nots: bool,
    ) -> Result<Vec<(i64, Vec<Option<bool>>)>>;
    /// The ids in `ids` that `PROBES[probe]` selects in WHERE.
    fn matching<C: Connection>(
        conn: &mut C,
        needle: &str,
        probe: usize,
        ids: (i64, i64),
    ) -> Result<Vec<i64>>;
    /// `DELETE ... WHERE s ends with needle OR NOT (s contains 'a')`.
    fn delete_matching<C: Connection>(conn: &mut C, needle: &str) -> Result<u64>;
    /// `UPDATE ... SET s = 'hit' WHERE s starts with needle`.
    fn update_matching<C: Connection>(conn: &mut C, needle: &str) -> Result<u64>;
}

/// What Rust says for each of [`PROBES`] (None: NULL).
fn expected(s: Option<&str>, needle: &str) -> [Option<bool>; 6] {
    let sw = s.map(|s| s.starts_with(needle));
    let ew = s.map(|s| s.ends_with(needle));
    let ct = s.map(|s| s.contains(needle));
    let not = |b: Option<bool>| b.map(|b| !b);
    [sw, ew, ct, not(sw), not(ew), not(ct)]
}

/// The small texts of the corpus.
const SMALL: &[&str] = &[
    "",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "a",
    "A",
    "a ",
    "a  ",
    " a",
    "ab",
    "abc",
    "ABC",
    "Abc",
    "aBc",
    "abc ",
    "abcabc",
    "xabcx",
    "abc\t",
    // NUL anywhere.
    "\0",
    "\0\0",
    "a\0",
    "\0a",
    "a\0b",
    "abc\0",
    "\0abc",
    "ab\0c",
    "A\0B",
    "\0 ",
    // Accents, precomposed and decomposed, and case.
    "é",
    "É",
    "e\u{301}",
    "E\u{301}",
    "e",
    "E",
    "café",
    "cafe\u{301}",
    "CAFÉ",
    "Café au lait",
    "ë",
    "è",
    "ê",
    "Å",
    "A\u{30a}",
    "\u{212b}",
    "\u{301}",
    // Letters that fold in interesting ways.
    "ß",
    "ss",
    "SS",
    "ẞ",
    "Straße",
    "STRASSE",
    "strasse",
    "ı",
    "İ",
    "i",
    "I",
    "Σ",
    "σ",
    "ς",
    "ﬁ",
    "fi",
    "ａｂｃ",
    "日本語",
    "日本",
    "\u{fffd}",
    "\u{a0}",
    "\u{200b}",
    "a\u{200b}b",
    // Emoji (utf8mb4_general_ci takes every one for every other) and
    // other characters outside the Basic Multilingual Plane.
    "😀",
    "😃",
    "🙂",
    "😀😃",
    "a😀b",
    "a😃b",
    "👍",
    "👍🏽",
    "👨\u{200d}👩\u{200d}👧",
    "🇫🇷",
    "🇩🇪",
    "𝔸",
    "😀 ",
    "x😀",
    // LIKE's wildcards and escapes, quotes.
    "%",
    "_",
    "\\",
    "/",
    "'",
    "\"",
    "`",
    "''",
    "%%",
    "50%",
    "50%_off",
    "50/%/_off",
    "a%b",
    "a_b",
    "axb",
    "a\\b",
    "a\\%b",
    "a/b",
    "it's",
    "[a]",
    "*",
    "?",
    "$1",
];

/// Where the 1 MB texts start.
const HUGE: i64 = 1000;

fn huge_texts() -> Vec<String> {
    let mb = 1 << 20;
    vec![
        "a".repeat(mb),
        format!("{}A", "a".repeat(mb - 1)),
        format!("\0{}", "é".repeat(mb / 2)),
        format!("{}x", "😀".repeat(mb / 4)),
        format!("{}  ", "b".repeat(mb)),
        format!("A{}", "%_".repeat(mb / 2)),
    ]
}

/// The corpus: a NULL, the small texts, the huge ones.
fn corpus() -> Vec<Row> {
    let mut rows = small_corpus();
    rows.extend((HUGE..).zip(huge_texts().into_iter().map(Some)));
    rows
}

/// A NULL and the small texts.
fn small_corpus() -> Vec<Row> {
    let mut rows: Vec<Row> = vec![(0, None)];
    rows.extend((1..).zip(SMALL.iter().map(|s| Some(s.to_string()))));
    rows
}

/// Needles for the small texts: each text, its first and last one and
/// two characters, each character, and a few more.
fn small_needles() -> Vec<String> {
    let mut set = BTreeSet::new();
    for s in SMALL {
        let chars: Vec<char> = s.chars().collect();
        set.insert(s.to_string());
        for n in 1..=2.min(chars.len()) {
            set.insert(chars[..n].iter().collect::<String>());
            set.insert(chars[chars.len() - n..].iter().collect::<String>());
        }
        set.extend(chars.iter().map(char::to_string));
    }
    set.extend(
        [
            "bc", "BC", "abcd", "cafe", "CAFE", "😀😀", "é ", "a%", "%_", "_b", "\\%",
        ]
        .map(String::from),
    );
    set.into_iter().collect()
}

/// Needles for the huge texts: short ones, and long ones that are (or
/// almost are) a prefix, a suffix or all of one.
fn huge_needles() -> Vec<String> {
    let mb = 1 << 20;
    let huge = huge_texts();
    let but_first = |s: &str| s.chars().skip(1).collect::<String>();
    let but_last = |s: &str| s[..s.len() - s.chars().last().map_or(0, char::len_utf8)].to_owned();
    let mut needles: Vec<String> = [
        "", "a", "A", "aA", "é", "e\u{301}", "É", "😀", "😃x", "x", "  ", "b ", "\0", "%_", "A%",
        "_%",
    ]
    .map(String::from)
    .into();
    needles.extend([
        but_last(&huge[0]),
        but_first(&huge[1]),
        but_first(&huge[2]),
        huge[3].clone(),
        "a".repeat(mb + 1),
    ]);
    needles
}

/// A short, printable form of `s`.
fn show(s: &str) -> String {
    if s.len() <= 40 {
        format!("{s:?}")
    } else {
        format!(
            "{:?}... ({} bytes)",
            s.chars().take(12).collect::<String>(),
            s.len()
        )
    }
}

/// Checks every (row, needle) pair of `rows` against the database. For
/// the small texts: the six answers of each row in a SELECT list, and the
/// rows each of them selects in WHERE. For all texts with `huge`: the
/// three answers in a SELECT list (a 1 MB needle is bound five times).
/// Returns the number of probes.
fn check_pairs<T: Corpus, C: Connection>(
    conn: &mut C,
    rows: &[Row],
    needles: &[String],
    huge: bool,
) -> Result<usize> {
    let postgres = conn.dialect().name() == "postgresql";
    let ids = if huge { (0, i64::MAX) } else { (0, HUGE - 1) };
    let rows: Vec<&Row> = rows
        .iter()
        .filter(|(id, _)| (ids.0..=ids.1).contains(id))
        .collect();
    let mut probes = 0;
    let mut wrong: Vec<String> = Vec::new();
    for (i, needle) in needles.iter().enumerate() {
        if postgres && needle.contains('\0') {
            let err = common::expect_err(T::answers(conn, needle, ids, !huge));
            assert!(
                matches!(
                    err.kind(),
                    ErrorKind::Unsupported {
                        dialect: "postgresql",
                        ..
                    }
                ),
                "a NUL needle on PostgreSQL: {err:?}"
            );
            continue;
        }
        let got = T::answers(conn, needle, ids, !huge)?;
        // Again: the text now comes from the SQL cache (as it does for
        // every needle after the first, whose text is the same).
        if i % 16 == 0 {
            assert_eq!(
                T::answers(conn, needle, ids, !huge)?,
                got,
                "run twice: {}",
                show(needle)
            );
        }
        let got_ids: Vec<i64> = got.iter().map(|(id, _)| *id).collect();
        let want_ids: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
        assert_eq!(got_ids, want_ids, "rows of the SELECT");
        for ((id, s), (_, answers)) in rows.iter().zip(&got) {
            let want = expected(s.as_deref(), needle);
            for (p, answer) in answers.iter().enumerate() {
                probes += 1;
                if *answer != want[p] {
                    wrong.push(format!(
                        "row {id} {} {} {}: got {answer:?}, Rust says {:?}",
                        show(s.as_deref().unwrap_or("<NULL>")),
                        PROBES[p],
                        show(needle),
                        want[p]
                    ));
                }
            }
        }
        if huge {
            continue;
        }
        for (p, probe) in PROBES.iter().enumerate() {
            let want: Vec<i64> = rows
                .iter()
                .filter(|(_, s)| expected(s.as_deref(), needle)[p] == Some(true))
                .map(|(id, _)| *id)
                .collect();
            let got = T::matching(conn, needle, p, ids)?;
            probes += rows.len();
            if got != want {
                wrong.push(format!(
                    "WHERE {probe} {}: got rows {got:?}, Rust says {want:?}",
                    show(needle)
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{}: {} of {probes} probes wrong, e.g.\n{}",
        conn.dialect().name(),
        wrong.len(),
        wrong[..wrong.len().min(25)].join("\n")
    );
    Ok(probes)
}

/// Fills `T` with `rows` (those PostgreSQL can hold), checks they are
/// stored unchanged, and checks every pair of the small texts, and with
/// `huge` of all texts.
fn check_corpus<T: Corpus, C: Connection>(conn: &mut C, rows: &[Row], huge: bool) -> Result<()> {
    let postgres = conn.dialect().name() == "postgresql";
    let rows: Vec<Row> = rows
        .iter()
        .filter(|(_, s)| !(postgres && s.as_deref().is_some_and(|s| s.contains('\0'))))
        .cloned()
        .collect();
    T::fill(conn, &rows)?;
    assert!(T::stored(conn)? == rows, "the corpus is stored unchanged");
    check_pairs::<T, C>(conn, &rows, &small_needles(), false)?;
    if huge {
        check_pairs::<T, C>(conn, &rows, &huge_needles(), true)?;
    }
    Ok(())
}

/// The DML forms: exactly the rows Rust picks change, and nothing else.
fn check_writes<T: Corpus, C: Connection>(conn: &mut C) -> Result<()> {
    let postgres = conn.dialect().name() == "postgresql";
    let mut rows: Vec<Row> = small_corpus()
        .into_iter()
        .filter(|(_, s)| !(postgres && s.as_deref().is_some_and(|s| s.contains('\0'))))
        .collect();
    T::fill(conn, &rows)?;
    // UPDATE ... WHERE s starts with "a": not "A", "á" or "ａ".
    let n = T::update_matching(conn, "a")?;
    let mut updated = 0;
    for (_, s) in &mut rows {
        if s.as_deref().is_some_and(|s| s.starts_with('a')) {
            *s = Some("hit".to_owned());
            updated += 1;
        }
    }
    assert_eq!(n, updated, "rows updated");
    assert!(T::stored(conn)? == rows, "the table after UPDATE");
    // DELETE ... WHERE s ends with " " OR NOT (s contains "a").
    let n = T::delete_matching(conn, " ")?;
    let before = rows.len();
    rows.retain(|(_, s)| match s {
        None => true,
        // Kept where the predicate is false (or NULL, above).
        Some(s) => !s.ends_with(' ') && s.contains('a'),
    });
    assert_eq!(n as usize, before - rows.len(), "rows deleted");
    assert!(T::stored(conn)? == rows, "the table after DELETE");
    Ok(())
}

// ---------------------------------------------------------------------------
// The harness's databases.

fn literal_helpers_agree_with_rust<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    create_all::<(Plain,)>(&mut conn)?;
    check_corpus::<Plain, _>(&mut conn, &corpus(), true)
}

fn literal_matching_writes<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    create_all::<(Plain,)>(&mut conn)?;
    check_writes::<Plain, _>(&mut conn)
}

/// Columns declared with a case-insensitive collation (the library's DDL
/// has no COLLATE, so they are created by hand as a user would).
fn literal_matching_under_ci_collations<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = engine.connect()?;
    ci_collation_tables(&mut conn)?;
    check_corpus::<CaseInsensitive, _>(&mut conn, &small_corpus(), false)?;
    if conn.dialect().name() == "mysql" {
        check_corpus::<Latin1, _>(&mut conn, &latin1_corpus(), false)?;
    }
    Ok(())
}

/// `corpus_ci` with a case-insensitive collation; on MySQL also
/// `corpus_latin1` in `latin1` (the server default of older MariaDB and
/// MySQL), where the text is converted to the session's utf8mb4.
fn ci_collation_tables<C: Connection>(conn: &mut C) -> Result<()> {
    match conn.dialect().name() {
        "sqlite" => conn.batch_execute(
            r#"CREATE TABLE "corpus_ci" ("id" BIGINT PRIMARY KEY, "s" TEXT COLLATE NOCASE)"#,
        ),
        "postgresql" => conn.batch_execute(
            r#"CREATE COLLATION "ci_ai" (provider = icu, locale = 'und-u-ks-level1', deterministic = false);
               CREATE TABLE "corpus_ci" ("id" BIGINT PRIMARY KEY, "s" TEXT COLLATE "ci_ai")"#,
        ),
        _ => {
            conn.batch_execute(
                "CREATE TABLE `corpus_ci` (`id` BIGINT PRIMARY KEY, \
                 `s` LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci)",
            )?;
            conn.batch_execute(
                "CREATE TABLE `corpus_latin1` (`id` BIGINT PRIMARY KEY, \
                 `s` LONGTEXT CHARACTER SET latin1 COLLATE latin1_swedish_ci)",
            )
        }
    }
}

/// The rows `latin1` can hold (MariaDB's `latin1` is cp1252: leave out
/// U+0080 to U+009F).
fn latin1_corpus() -> Vec<Row> {
    small_corpus()
        .into_iter()
        .filter(|(_, s)| {
            s.as_deref().is_none_or(|s| {
                s.chars()
                    .all(|c| c < '\u{80}' || ('\u{a0}'..='\u{ff}').contains(&c))
            })
        })
        .collect()
}

on_all_backends!(
    literal_helpers_agree_with_rust,
    literal_matching_writes,
    literal_matching_under_ci_collations
);

// ---------------------------------------------------------------------------
// MariaDB / MySQL with the server's default collation.

/// The database has the server's default collation, which must fold case
/// for this test to mean something (MariaDB's and MySQL's defaults do):
/// `like` keeps the database's semantics, so it shows.
fn assert_folds_case<C: Connection>(conn: &mut C) -> Result<()> {
    let folded: i64 = select(count_star())
        .from(Plain)
        .filter(PlainS.like("ABC"))
        .get(conn)?;
    let exact = SMALL.iter().filter(|s| **s == "ABC").count() as i64;
    assert!(
        folded > exact,
        "the server's default collation does not fold case; this test needs one that does"
    );
    Ok(())
}

#[test]
fn mysql_default_collation_literal_matching() {
    let Some(engine) = mysql_default_collation("mysql_default_collation_literal_matching") else {
        return;
    };
    let mut conn = engine.connect().unwrap();
    create_all::<(Plain,)>(&mut conn).unwrap();
    check_corpus::<Plain, _>(&mut conn, &corpus(), true).unwrap();
    assert_folds_case(&mut conn).unwrap();
}

#[test]
fn mysql_default_collation_literal_writes() {
    let Some(engine) = mysql_default_collation("mysql_default_collation_literal_writes") else {
        return;
    };
    let mut conn = engine.connect().unwrap();
    create_all::<(Plain,)>(&mut conn).unwrap();
    check_writes::<Plain, _>(&mut conn).unwrap();
}

#[test]
fn mysql_default_collation_ci_columns() {
    let Some(engine) = mysql_default_collation("mysql_default_collation_ci_columns") else {
        return;
    };
    literal_matching_under_ci_collations(&engine).unwrap();
}

// ---------------------------------------------------------------------------
// `like` keeps the database's own semantics (as documented on `Like`).

#[test]
fn like_keeps_sqlite_semantics() {
    let engine = common::sqlite("like_keeps_sqlite_semantics");
    let mut conn = engine.connect().unwrap();
    create_all::<(Plain,)>(&mut conn).unwrap();
    Plain::fill(&mut conn, &small_corpus()[..30]).unwrap();
    let like: Vec<i64> = select(PlainId)
        .filter(PlainS.like("abc%"))
        .order_by(PlainId)
        .load(&mut conn)
        .unwrap();
    let exact: Vec<i64> = select(PlainId)
        .filter(PlainS.starts_with("abc"))
        .order_by(PlainId)
        .load(&mut conn)
        .unwrap();
    // LIKE ignores ASCII case ("ABC", "Abc", "aBc" match) and stops at a
    // NUL ("\0abc" does not, "abc\0" does); starts_with does neither.
    let want = |f: &dyn Fn(&str) -> bool| -> Vec<i64> {
        small_corpus()[..30]
            .iter()
            .filter(|(_, s)| s.as_deref().is_some_and(f))
            .map(|(id, _)| *id)
            .collect()
    };
    assert_eq!(like, want(&|s| s.to_ascii_lowercase().starts_with("abc")));
    assert_eq!(exact, want(&|s| s.starts_with("abc")));
    assert_ne!(like, exact);
}
