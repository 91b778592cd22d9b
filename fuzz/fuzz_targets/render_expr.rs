//! Renders random statement trees in SQLite, PostgreSQL and MySQL and
//! checks the invariants of `sqlalgebra_fuzz::check_case`; then prepares
//! the SQLite rendering on an in-memory database holding the model's
//! tables (`prepare` only: nothing runs). A statement the bundled SQLite
//! refuses, or whose parameters it counts otherwise, is a failure. The
//! corpus is replayed on stable by `tests/fuzz_corpus.rs`, which does the
//! same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sqlalgebra::Pooled;
use sqlalgebra::schema::create_all;
use sqlalgebra_fuzz::{MYSQL, Orders, POSTGRES, SQLITE, Target, Users, check_case, decode};
use sqlalgebra_sqlite::Sqlite;

thread_local! {
    /// The database the SQLite renderings are prepared on.
    static DB: Pooled<Sqlite> = {
        let engine = Sqlite::memory().expect("an in-memory SQLite database");
        let mut conn = engine.connect().expect("a connection");
        create_all::<(Users, Orders)>(&mut conn).expect("the model's tables");
        conn
    };
}

fuzz_target!(|data: &[u8]| {
    let Some(case) = decode(data) else {
        return;
    };
    let targets = [
        Target {
            dialect: &Sqlite,
            rules: SQLITE,
        },
        Target {
            dialect: &sqlalgebra_postgres::Postgres,
            rules: POSTGRES,
        },
        Target {
            dialect: &sqlalgebra_mysql::Mysql,
            rules: MYSQL,
        },
    ];
    let out = match check_case(&case, &targets) {
        Ok(out) => out,
        Err(msg) => panic!("{msg}\n{case:#?}"),
    };
    let Some(Some(sqlite)) = out.into_iter().next() else {
        return;
    };
    DB.with(|db| match db.raw().prepare(&sqlite.sql) {
        Ok(stmt) => assert_eq!(
            stmt.parameter_count(),
            sqlite.binds,
            "SQLite counts other parameters in\n{}\n{case:#?}",
            sqlite.sql
        ),
        Err(e) => panic!("SQLite cannot prepare\n{}\n{e}\n{case:#?}", sqlite.sql),
    });
});
