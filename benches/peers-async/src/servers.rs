//! The servers, found as the tests find them (`SQLALGEBRA_PG_URL`,
//! `SQLALGEBRA_MYSQL_URL`), and the SQLite database's name. The suite uses
//! a database of its own on each server, `sqlalgebra_peers_async` (not the
//! sync suite's, so both may run at once), created if missing.

/// The database the suite creates and uses on each server.
pub const DATABASE: &str = "sqlalgebra_peers_async";

/// `url` with its database replaced by `database` (no query options).
fn with_database(url: &str, database: &str) -> String {
    let base = url.split_once('?').map_or(url, |(b, _)| b);
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    format!("{}/{database}", &base[..authority_end])
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

/// The URL of [`DATABASE`] on the PostgreSQL server, created if missing.
pub async fn postgres_database() -> String {
    let url = postgres_url();
    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .expect("PostgreSQL");
    let task = tokio::spawn(conn);
    let exists = client
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&DATABASE])
        .await
        .expect("look the database up")
        .is_some();
    if !exists {
        client
            .batch_execute(&format!("CREATE DATABASE {DATABASE}"))
            .await
            .expect("create the benchmark database");
    }
    // As benches/peers: commits do not wait for the disk.
    client
        .batch_execute(&format!(
            "ALTER DATABASE {DATABASE} SET synchronous_commit = off"
        ))
        .await
        .expect("synchronous_commit");
    drop(client);
    let _ = task.await;
    with_database(&url, DATABASE)
}

/// The URL of [`DATABASE`] on the MySQL server, created if missing.
pub async fn mysql_database() -> String {
    use mysql_async::prelude::Queryable;
    let url = mysql_url();
    let mut admin = mysql_async::Conn::from_url(&url).await.expect("MySQL");
    admin
        .query_drop(format!(
            "CREATE DATABASE IF NOT EXISTS {DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
        ))
        .await
        .expect("create the benchmark database");
    admin.disconnect().await.expect("disconnect");
    with_database(&url, DATABASE)
}

/// The shared in-memory SQLite database of this process (the memdb VFS,
/// as sqlalgebra's `Target::Memory` opens it): its name.
pub fn sqlite_name() -> String {
    format!("sqlalgebra-peers-async-{}", std::process::id())
}
