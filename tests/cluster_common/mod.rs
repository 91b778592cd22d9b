//! What the cluster tests share: where scripts/cluster-up.sh starts the
//! clusters, and the loud skip when they are not there (a failure instead
//! with `SQLALGEBRA_REQUIRE_CLUSTERS=1`, which `.ci/run` sets).
#![allow(dead_code, unreachable_pub)]

use std::process::Command;

/// The PostgreSQL primary of scripts/cluster-up.sh.
pub const PG_PRIMARY: &str = "postgres://postgres@127.0.0.1:5440/test";
/// Its hot standby.
pub const PG_STANDBY: &str = "postgres://postgres@127.0.0.1:5441/test";
/// pgbouncer (transaction pooling) in front of the primary.
pub const PG_BOUNCER: &str = "postgres://postgres@127.0.0.1:6440/test";
/// The three Galera nodes.
pub const GALERA: [&str; 3] = [
    "mysql://root@127.0.0.1:3340/test",
    "mysql://root@127.0.0.1:3341/test",
    "mysql://root@127.0.0.1:3342/test",
];

/// The data directory of scripts/cluster-up.sh.
pub fn cluster_dir() -> String {
    std::env::var("SQLALGEBRA_CLUSTER_DIR").unwrap_or_else(|_| "/tmp/sqlalgebra-cluster".into())
}

pub fn require_clusters() -> bool {
    std::env::var("SQLALGEBRA_REQUIRE_CLUSTERS").is_ok_and(|v| v == "1")
}

/// Whether the cluster `what` answers at `probe`; skips loudly (or fails
/// under `SQLALGEBRA_REQUIRE_CLUSTERS=1`) when it does not.
pub fn available(what: &str, probe: impl FnOnce() -> Result<(), String>) -> bool {
    match probe() {
        Ok(()) => true,
        Err(e) => {
            let msg =
                format!("{what} is not running ({e}); start it with `bash scripts/cluster-up.sh`");
            if require_clusters() {
                panic!("{msg} (SQLALGEBRA_REQUIRE_CLUSTERS=1)");
            }
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "SKIPPED: {msg}");
            false
        }
    }
}

/// Whether PostgreSQL answers at `url` within 3 s.
pub fn pg_up(url: &str) -> Result<(), String> {
    use sqlalgebra_postgres::postgres::{Config, NoTls};
    let mut config: Config = url.parse().map_err(|e| format!("{e}"))?;
    config.connect_timeout(std::time::Duration::from_secs(3));
    config
        .connect(NoTls)
        .map(drop)
        .map_err(|e| sqlalgebra_postgres::PgError::from(e).to_string())
}

/// Stops or starts this cluster's standby (never another server).
pub fn standby(action: &str) {
    let script = format!("{}/standby.sh", cluster_dir());
    let status = Command::new("bash")
        .arg(&script)
        .arg(action)
        .status()
        .unwrap_or_else(|e| panic!("cannot run {script}: {e}"));
    assert!(status.success(), "{script} {action} failed: {status}");
}
