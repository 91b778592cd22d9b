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

#[allow(dead_code, unreachable_pub, missing_docs)]
#[path = "../fuzz/src/lib.rs"]
mod fuzz_model;

use std::path::{Path, PathBuf};

use fuzz_model::{Case, MYSQL, Orders, POSTGRES, SQLITE, Target, Users, check_case, decode};
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

fn replay() -> Tally {
    let files = corpus_files();
    assert!(!files.is_empty(), "the fuzz corpus is empty");

    let engine = Sqlite::memory().expect("an in-memory SQLite database");
    let mut conn = engine.connect().expect("a connection");
    create_all::<(Users, Orders)>(&mut conn).expect("the model's tables");

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
        let out = check_case(&case, &targets)
            .unwrap_or_else(|e| panic!("{}: {e}\n{case:#?}", file.display()));
        let Some(sqlite) = &out[0] else {
            tally.refused += 1;
            continue;
        };
        let stmt = conn.raw().prepare(&sqlite.sql).unwrap_or_else(|e| {
            panic!(
                "{}: SQLite cannot prepare\n{}\n{e}\n{case:#?}",
                file.display(),
                sqlite.sql
            )
        });
        assert_eq!(
            stmt.parameter_count(),
            sqlite.binds,
            "{}: SQLite sees another number of parameters in\n{}",
            file.display(),
            sqlite.sql
        );
        tally.prepared += 1;
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
