//! Replays the checked-in corpus of the `render_expr` fuzz target on
//! stable Rust, as a normal test.
//!
//! Each file of `fuzz/corpus/render_expr/` is decoded into a statement tree
//! by the fuzz crate's own model (included below as a module), rendered in
//! SQLite, PostgreSQL and MySQL, and checked against the fuzz invariants
//! (placeholders match binds, quotes and parentheses balance, values never
//! in the SQL text, the same binds in every dialect, errors exactly where
//! the model expects them). The SQLite rendering is then prepared on an
//! in-memory database holding the model's two tables: it must be valid SQL
//! with exactly one parameter per bind.
//!
//! `SQLALGEBRA_FUZZ_CORPUS=dir` replays another directory instead (say, the
//! output of a longer fuzzing run).

#[allow(dead_code, unreachable_pub, missing_docs, unused_imports)]
#[path = "../fuzz/src/lib.rs"]
mod fuzz_model;

use std::path::{Path, PathBuf};

use fuzz_model::{
    AnyExpr, BoolExpr, Case, Checked, Col, Dir, IntExpr, IntVal, List, MYSQL, Orders, POSTGRES,
    SQLITE, SelectDesc, TableId, Target, Users, check_case, decode,
};
use sqlalgebra::prelude::*;
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;
use sqlalgebra_sqlite::Sqlite;

fn corpus_files() -> Vec<PathBuf> {
    let dir = match std::env::var_os("SQLALGEBRA_FUZZ_CORPUS") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/render_expr"),
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// How many cases of each kind were replayed, and how they ended.
#[derive(Debug, Default)]
struct Tally {
    select: usize,
    insert: usize,
    update: usize,
    delete: usize,
    text: usize,
    refused: usize,
    prepared: usize,
}

/// An in-memory SQLite database with the model's two tables.
fn database() -> sqlalgebra::Pooled<Sqlite> {
    let engine = Sqlite::memory().expect("an in-memory SQLite database");
    let mut conn = engine.connect().expect("a connection");
    create_all::<(Users, Orders)>(&mut conn).expect("the model's tables");
    conn
}

/// Renders `case` in the three dialects and checks the fuzz invariants;
/// then prepares the SQLite rendering, which must be valid SQL with one
/// parameter per bind. Returns the SQLite rendering, `None` when the case
/// is refused as the model expects.
fn check_everywhere<C>(conn: &C, case: &Case, label: &str) -> Option<Checked>
where
    C: std::ops::Deref<Target = sqlalgebra_sqlite::SqliteConnection>,
{
    let targets = [
        Target {
            dialect: &Sqlite,
            rules: SQLITE,
        },
        Target {
            dialect: &Postgres,
            rules: POSTGRES,
        },
        Target {
            dialect: &Mysql,
            rules: MYSQL,
        },
    ];
    let out = check_case(case, &targets).unwrap_or_else(|e| panic!("{label}: {e}\n{case:#?}"));
    let sqlite = out.into_iter().next().flatten()?;
    let stmt = conn.raw().prepare(&sqlite.sql).unwrap_or_else(|e| {
        panic!(
            "{label}: SQLite cannot prepare\n{}\n{e}\n{case:#?}",
            sqlite.sql
        )
    });
    assert_eq!(
        stmt.parameter_count(),
        sqlite.binds,
        "{label}: SQLite sees another number of parameters in\n{}",
        sqlite.sql
    );
    Some(sqlite)
}

fn replay() -> Tally {
    let files = corpus_files();
    assert!(!files.is_empty(), "the fuzz corpus is empty");
    let conn = database();
    let mut tally = Tally::default();
    for file in &files {
        let bytes = std::fs::read(file).expect("a corpus file");
        let case = decode(&bytes)
            .unwrap_or_else(|| panic!("{} does not decode to a case", file.display()));
        match &case {
            Case::Select(_) => tally.select += 1,
            Case::Insert(_) => tally.insert += 1,
            Case::Update(_) => tally.update += 1,
            Case::Delete(_) => tally.delete += 1,
            Case::Text(_) => tally.text += 1,
        }
        match check_everywhere(&conn, &case, &file.display().to_string()) {
            Some(_) => tally.prepared += 1,
            None => tally.refused += 1,
        }
    }
    tally
}

#[test]
fn corpus_renders_in_every_dialect_and_prepares_on_sqlite() {
    // Decoding and rendering recurse over the tree: a roomy stack keeps a
    // deep corpus entry from overflowing the test thread's default one.
    let tally = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(replay)
        .expect("a replay thread")
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e));

    // The corpus keeps every kind of statement, and cases that must be
    // refused as well as cases that must prepare.
    println!("{tally:?}");
    assert!(
        tally.select > 0 && tally.insert > 0 && tally.update > 0,
        "{tally:?}"
    );
    assert!(tally.delete > 0 && tally.text > 0, "{tally:?}");
    assert!(tally.refused > 0 && tally.prepared > 0, "{tally:?}");
}

/// A SELECT of `items` with nothing else.
fn select_of(items: Vec<AnyExpr>) -> SelectDesc {
    SelectDesc {
        items,
        distinct: false,
        from: None,
        join: None,
        join2: None,
        filters: Vec::new(),
        group_by: Vec::new(),
        having: None,
        order_by: Vec::new(),
        limit: None,
        offset: None,
        boxed: None,
    }
}

fn users_id() -> IntExpr {
    IntExpr::Col(Col {
        table: TableId::Users,
        index: 0,
    })
}

/// Cases the fuzzer found, written out so that they keep their meaning
/// whatever the byte encoding of the model becomes.
#[test]
fn regressions_found_by_fuzzing() {
    let conn = database();

    // A column inside an IN list puts its table in the inferred FROM:
    // `... FROM "users" WHERE ? IN ("users"."id")`, not a reference to a
    // table missing from FROM.
    let mut q = select_of(vec![AnyExpr::Int(IntExpr::CountStar)]);
    q.filters = vec![BoolExpr::In(
        List::Int(IntExpr::Lit(IntVal::I64(1)), vec![users_id()]),
        false,
    )];
    let sql = check_everywhere(&conn, &Case::Select(Box::new(q.clone())), "IN list tables")
        .expect("renders")
        .sql;
    assert!(sql.contains(r#"FROM "users" WHERE"#), "{sql}");
    // With an explicit FROM of the other table, `users` is out of scope:
    // refused (`ErrorKind::TableNotInStatement`) rather than cross joined.
    q.from = Some(TableId::Orders);
    assert!(check_everywhere(&conn, &Case::Select(Box::new(q)), "IN list scope").is_none());

    // An empty IN list as a whole GROUP BY / ORDER BY term is not a bare
    // 0 or 1, which SQLite would read as a column position.
    let empty_in = || {
        AnyExpr::Bool(Box::new(BoolExpr::In(
            List::Int(users_id(), Vec::new()),
            false,
        )))
    };
    let mut q = select_of(vec![AnyExpr::Int(users_id())]);
    q.group_by = vec![empty_in()];
    q.order_by = vec![(empty_in(), Dir::Desc)];
    let sql = check_everywhere(&conn, &Case::Select(Box::new(q)), "empty IN as a term")
        .expect("renders")
        .sql;
    assert!(
        sql.ends_with(
            r#"GROUP BY ("users"."id" IS NULL AND 1 = 0) ORDER BY ("users"."id" IS NULL AND 1 = 0) DESC"#
        ),
        "{sql}"
    );

    // A constant's NULL test as a whole ORDER BY term: SQLite 3.54 folds
    // `1 IS NULL` into the integer 0 while parsing and refused it as a
    // column position; a boolean literal in a sort term is `(1 = 1)`.
    let literal_is_null = || {
        AnyExpr::Bool(Box::new(BoolExpr::IsNull(Box::new(AnyExpr::Bool(
            Box::new(BoolExpr::Literal(true)),
        )))))
    };
    let mut q = select_of(vec![AnyExpr::Int(users_id())]);
    q.order_by = vec![(literal_is_null(), Dir::Asc)];
    let sql = check_everywhere(
        &conn,
        &Case::Select(Box::new(q)),
        "literal IS NULL as a term",
    )
    .expect("renders")
    .sql;
    assert!(sql.ends_with("ORDER BY (1 = 1) IS NULL ASC"), "{sql}");

    // The same check refuses what it should: a statement the model expects
    // to fail (an INSERT of no rows) renders in no dialect.
    let none = Case::Insert(fuzz_model::InsertDesc::Users(0, Vec::new()));
    assert_eq!(check_everywhere(&conn, &none, "INSERT of no rows"), None);
}
