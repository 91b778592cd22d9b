//! The servers, found the way the tests find them: `SQLALGEBRA_PG_URL`
//! (default `postgres://postgres@127.0.0.1:5432/test`) and
//! `SQLALGEBRA_MYSQL_URL` (default `mysql://root@127.0.0.1:3306/test`). An
//! unreachable server is skipped with a notice on stderr, unless
//! `SQLALGEBRA_REQUIRE_SERVERS=1`, which makes it a failure.
//!
//! The benchmarks use a database of their own, `sqlalgebra_peers`, on the
//! same server, created if missing.

/// The database the benchmarks create and use on each server.
pub const DATABASE: &str = "sqlalgebra_peers";

fn require_servers() -> bool {
    std::env::var("SQLALGEBRA_REQUIRE_SERVERS").is_ok_and(|v| v == "1")
}

fn unreachable(what: &str, url: &str, err: &dyn std::fmt::Display) {
    if require_servers() {
        panic!("{what} unreachable at {url}: {err} (SQLALGEBRA_REQUIRE_SERVERS=1)");
    }
    eprintln!("SKIPPED: {what} unreachable at {url}: {err}");
}

/// `url` with its database replaced by `database` (query options kept).
pub fn with_database(url: &str, database: &str) -> String {
    let (base, options) = match url.split_once('?') {
        Some((base, options)) => (base, Some(options)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{database}", &base[..authority_end]);
    if let Some(options) = options {
        out.push('?');
        out.push_str(options);
    }
    out
}

/// The PostgreSQL server's URL from the environment.
pub fn postgres_url() -> String {
    std::env::var("SQLALGEBRA_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// The MySQL server's URL from the environment.
pub fn mysql_url() -> String {
    std::env::var("SQLALGEBRA_MYSQL_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".to_owned())
}

/// The URL of [`DATABASE`] on the PostgreSQL server, created if missing;
/// `None` when the server does not answer.
pub fn postgres_database() -> Option<String> {
    let url = postgres_url();
    let mut config: postgres::Config = url.parse().expect("SQLALGEBRA_PG_URL parses");
    config.connect_timeout(std::time::Duration::from_secs(5));
    let mut admin = match config.connect(postgres::NoTls) {
        Ok(c) => c,
        Err(e) => {
            unreachable("PostgreSQL", &url, &e);
            return None;
        }
    };
    let exists = admin
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&DATABASE])
        .expect("look the database up")
        .is_some();
    if !exists {
        admin
            .batch_execute(&format!("CREATE DATABASE {DATABASE}"))
            .expect("create the benchmark database");
    }
    // Commits do not wait for the WAL to reach the disk, for every
    // contestant alike: the INSERT benchmark then times the clients, not
    // the disk's flush (which varied tenfold from run to run).
    admin
        .batch_execute(&format!(
            "ALTER DATABASE {DATABASE} SET synchronous_commit = off"
        ))
        .expect("set synchronous_commit on the benchmark database");
    Some(with_database(&url, DATABASE))
}

/// The URL of [`DATABASE`] on the MySQL server, created if missing; `None`
/// when the server does not answer.
pub fn mysql_database() -> Option<String> {
    use mysql::prelude::Queryable;
    let url = mysql_url();
    let opts = match mysql::Opts::from_url(&url) {
        Ok(o) => o,
        Err(e) => panic!("SQLALGEBRA_MYSQL_URL={url} does not parse: {e}"),
    };
    let opts = mysql::OptsBuilder::from_opts(opts)
        .tcp_connect_timeout(Some(std::time::Duration::from_secs(5)));
    let mut admin = match mysql::Conn::new(opts) {
        Ok(c) => c,
        Err(e) => {
            unreachable("MySQL", &url, &e);
            return None;
        }
    };
    admin
        .query_drop(format!(
            "CREATE DATABASE IF NOT EXISTS {DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
        ))
        .expect("create the benchmark database");
    Some(with_database(&url, DATABASE))
}
