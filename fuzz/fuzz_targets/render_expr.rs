//! Renders random statement trees in PostgreSQL and MySQL and checks the
//! invariants of `sqlalgebra_fuzz::check_case`. The corpus is replayed on
//! stable by `tests/fuzz_corpus.rs`, which adds SQLite.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sqlalgebra_fuzz::{MYSQL, POSTGRES, Target, check_case, decode};

fuzz_target!(|data: &[u8]| {
    let Some(case) = decode(data) else {
        return;
    };
    let targets = [
        Target {
            dialect: &sqlalgebra_postgres::Postgres,
            rules: POSTGRES,
        },
        Target {
            dialect: &sqlalgebra_mysql::Mysql,
            rules: MYSQL,
        },
    ];
    if let Err(msg) = check_case(&case, &targets) {
        panic!("{msg}\n{case:#?}");
    }
});
