//! Permanent connection errors come back at once, typed, instead of after
//! the pool's timeout (60 s here): a wrong password, an unknown database
//! or role, a refused port; also from `Engine::connect` when the pool has
//! no connection left and the server refuses new ones for good.
//!
//! The only time bound asserted is the feature itself: the error must
//! come back well before the timeout (10 s, against 60 s).

use std::time::{Duration, Instant};

use super::common;
use sqlalgebra::{ConnectFailureKind, Engine, ErrorKind, PoolOptions, Result};
use sqlalgebra_mysql::Mysql;
use sqlalgebra_postgres::Postgres;

const SLOW: Duration = Duration::from_secs(60);
const BOUND: Duration = Duration::from_secs(10);

fn options() -> PoolOptions {
    PoolOptions::default().size(1).overflow(1).timeout(SLOW)
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[track_caller]
fn assert_fails_fast<T: std::fmt::Debug>(
    start: Instant,
    result: Result<T>,
    kind: ConnectFailureKind,
) {
    let elapsed = start.elapsed();
    let e = common::expect_err(result);
    assert!(matches!(e.kind(), ErrorKind::Connection(_)), "{e:?}");
    assert_eq!(e.connect_failure().map(|f| f.kind()), Some(kind), "{e}");
    assert!(!e.is_retryable());
    assert!(
        elapsed < BOUND,
        "took {elapsed:?} against a pool timeout of {SLOW:?}"
    );
}

/// The server's URL, or `None` (skipped) when it is unreachable; `test`
/// names the probe's private schema or database.
fn postgres_base(test: &str) -> Option<String> {
    common::postgres(test).map(|_| common::postgres_url())
}

fn mysql_base(test: &str) -> Option<String> {
    common::mysql(test).map(|_| common::mysql_url())
}

#[test]
fn postgres_unknown_database_unknown_role_refused_port() {
    let Some(url) = postgres_base("ff_build") else {
        return;
    };
    let config: sqlalgebra_postgres::postgres::Config = url.parse().unwrap();
    let user = config.get_user().unwrap_or("postgres").to_owned();
    let cases = [
        (
            format!("postgres://{user}@127.0.0.1:5432/locking18_no_such_database"),
            ConnectFailureKind::UnknownDatabase,
        ),
        (
            "postgres://locking18_no_such_role@127.0.0.1:5432/test".to_owned(),
            ConnectFailureKind::Authentication,
        ),
        (
            format!("postgres://{user}@127.0.0.1:{}/test", closed_port()),
            ConnectFailureKind::Refused,
        ),
    ];
    for (url, kind) in cases {
        let start = Instant::now();
        assert_fails_fast(start, Postgres::connect_with(&url, &options()), kind);
    }
}

#[test]
fn mysql_wrong_password_unknown_database_refused_port() {
    let Some(url) = mysql_base("ff_build") else {
        return;
    };
    let opts = sqlalgebra_mysql::mysql::Opts::from_url(&url).unwrap();
    let user = opts.get_user().unwrap_or("root").to_owned();
    let port = opts.get_tcp_port();
    let cases = [
        (
            format!("mysql://{user}:locking18-wrong@127.0.0.1:{port}/test"),
            ConnectFailureKind::Authentication,
        ),
        (
            common::mysql_url_with_database(&url, "locking18_no_such_database"),
            ConnectFailureKind::UnknownDatabase,
        ),
        (
            format!("mysql://{user}@127.0.0.1:{}/test", closed_port()),
            ConnectFailureKind::Refused,
        ),
    ];
    for (url, kind) in cases {
        let start = Instant::now();
        assert_fails_fast(start, Mysql::connect_with(&url, &options()), kind);
    }
}

/// An engine whose database is dropped after it was built, with no
/// connection in its pool: `connect` reports the unknown database at once.
fn connect_fails_fast<B: sqlalgebra::Backend>(
    engine: &Engine<B>,
    drop_database: impl FnOnce() -> Result<()>,
) -> Result<()> {
    drop_database()?;
    let start = Instant::now();
    assert_fails_fast(
        start,
        engine.connect().map(drop),
        ConnectFailureKind::UnknownDatabase,
    );
    Ok(())
}

#[test]
fn postgres_connect_fails_fast_once_the_database_is_gone() {
    use sqlalgebra::Connection;
    let Some(url) = postgres_base("ff_connect") else {
        return;
    };
    let name = format!("locking18_gone_{}", std::process::id());
    let mut admin = Postgres::connect_with(&url, &PoolOptions::default().size(1))
        .unwrap()
        .connect()
        .unwrap();
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let mut config: sqlalgebra_postgres::postgres::Config = url.parse().unwrap();
    config.dbname(&name);
    let engine =
        Postgres::connect_config(config, &PoolOptions::default().size(0).timeout(SLOW)).unwrap();
    assert_eq!(engine.state().0, 0, "no pooled connection");
    connect_fails_fast(&engine, || {
        admin.batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
    })
    .unwrap();
}

#[test]
fn mysql_connect_fails_fast_once_the_database_is_gone() {
    use sqlalgebra::Connection;
    let Some(url) = mysql_base("ff_connect") else {
        return;
    };
    let name = format!("locking18_gone_{}", std::process::id());
    let mut admin = sqlalgebra_mysql::MysqlConnection::open(&url).unwrap();
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let engine = Mysql::connect_with(
        &common::mysql_url_with_database(&url, &name),
        &PoolOptions::default().size(0).timeout(SLOW),
    )
    .unwrap();
    assert_eq!(engine.state().0, 0, "no pooled connection");
    connect_fails_fast(&engine, || {
        admin.batch_execute(&format!("DROP DATABASE {name}"))
    })
    .unwrap();
}
