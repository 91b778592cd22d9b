//! Routed PostgreSQL engines: a primary and hot standbys, from URLs in
//! libpq's style.

use postgres::NoTls;
use sqlalgebra::engine::PoolOptions;
use sqlalgebra::routing::{RoutedEngine, RoutingOptions};
use sqlalgebra::{Engine, ErrorKind, Result};

use crate::{PgError, PgManager, Postgres};

/// Removes the query parameter `name` from `url`; the URL without it and
/// its value, if it was there.
pub(crate) fn take_param(url: &str, name: &str) -> (String, Option<String>) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_owned(), None);
    };
    let mut value = None;
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| match pair.split_once('=') {
            Some((k, v)) if k == name => {
                value = Some(v.to_owned());
                false
            }
            _ => !pair.is_empty(),
        })
        .collect();
    if kept.is_empty() {
        (base.to_owned(), value)
    } else {
        (format!("{base}?{}", kept.join("&")), value)
    }
}

/// The one-host URLs of a URL that lists several hosts
/// (`postgres://user@h1:5432,h2:5433/db?...`), in order.
fn split_hosts(url: &str) -> Vec<String> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return vec![url.to_owned()];
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (user, hosts) = match authority.rfind('@') {
        Some(at) => authority.split_at(at + 1),
        None => ("", authority),
    };
    hosts
        .split(',')
        .map(|host| format!("{scheme}://{user}{host}{tail}"))
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Primary,
    Replica,
}

/// The role `target_session_attrs` gives a host, or `None` to ask it.
fn role_of(attrs: Option<&str>) -> Result<Option<Role>> {
    match attrs {
        None | Some("any") => Ok(None),
        Some("read-write" | "primary") => Ok(Some(Role::Primary)),
        Some("read-only" | "standby" | "prefer-standby") => Ok(Some(Role::Replica)),
        Some(other) => Err(ErrorKind::Connection(
            format!(
                "target_session_attrs={other}: expected read-write, primary, read-only, \
                 standby, prefer-standby or any"
            )
            .into(),
        )
        .into()),
    }
}

/// Asks the server at `url` whether it is in recovery (a standby).
fn probe(url: &str, options: &PoolOptions) -> Result<Role> {
    let manager = PgManager::from_url(url)?;
    let mut config = manager.config().clone();
    config.connect_timeout(options.checkout_timeout());
    let mut client = config.connect(NoTls).map_err(|e| {
        ErrorKind::Connection(
            format!(
                "cannot tell whether {url} is a primary or a standby (give \
                 target_session_attrs): {}",
                PgError::from(e)
            )
            .into(),
        )
    })?;
    let row = client
        .query_one("SELECT pg_is_in_recovery()", &[])
        .map_err(|e| ErrorKind::Connection(Box::new(PgError::from(e))))?;
    Ok(if row.get::<_, bool>(0) {
        Role::Replica
    } else {
        Role::Primary
    })
}

impl Postgres {
    /// A [`RoutedEngine`] over a primary and hot standbys, from URLs in
    /// libpq's style: each may list several hosts
    /// (`postgres://u@h1:5432,h2:5433/db`), and its
    /// `target_session_attrs` says what they are: `read-write` (or
    /// `primary`) the primary, `read-only`, `standby` or `prefer-standby`
    /// replicas; without it (or with `any`) each host is asked
    /// (`pg_is_in_recovery()`) now. Exactly one primary must result.
    ///
    /// No connection is opened for the pools now: a server that is down
    /// fails statements later (the primary with [`ErrorKind::PoolTimeout`]
    /// after `primary`'s timeout; a replica is skipped after `replicas`'
    /// timeout, so keep that one short).
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use sqlalgebra::PoolOptions;
    /// use sqlalgebra::routing::RoutingOptions;
    /// use sqlalgebra_postgres::Postgres;
    /// let engine = Postgres::connect_routed(
    ///     &["postgres://postgres@127.0.0.1:5440,127.0.0.1:5441/test?target_session_attrs=any"],
    ///     &PoolOptions::default().timeout(Duration::from_secs(5)),
    ///     &PoolOptions::default().timeout(Duration::from_secs(1)),
    ///     RoutingOptions::default(),
    /// )
    /// .unwrap();
    /// assert_eq!(engine.replica_count(), 1);
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::Connection`] when a URL does not parse, a host without a
    /// role cannot be asked, or not exactly one primary results.
    pub fn connect_routed(
        urls: &[&str],
        primary: &PoolOptions,
        replicas: &PoolOptions,
        routing: RoutingOptions,
    ) -> Result<RoutedEngine<Postgres>> {
        let mut primaries = Vec::new();
        let mut standbys = Vec::new();
        for url in urls {
            let (url, attrs) = take_param(url, "target_session_attrs");
            let given = role_of(attrs.as_deref())?;
            for host in split_hosts(&url) {
                let role = match given {
                    Some(role) => role,
                    None => probe(&host, primary)?,
                };
                match role {
                    Role::Primary => primaries.push(host),
                    Role::Replica => standbys.push(host),
                }
            }
        }
        let [primary_url] = primaries.as_slice() else {
            return Err(ErrorKind::Connection(
                format!(
                    "a routed engine needs exactly one primary, found {}: {primaries:?}",
                    primaries.len()
                )
                .into(),
            )
            .into());
        };
        let replica_engines = standbys
            .iter()
            .map(|url| Ok(Engine::build_lazy(PgManager::from_url(url)?, replicas)))
            .collect::<Result<Vec<_>>>()?;
        Ok(RoutedEngine::new(
            Engine::build_lazy(PgManager::from_url(primary_url)?, primary),
            replica_engines,
            routing,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_hosts_and_params() {
        assert_eq!(
            split_hosts("postgres://u:p@a:1,b:2/db?x=1"),
            ["postgres://u:p@a:1/db?x=1", "postgres://u:p@b:2/db?x=1"]
        );
        assert_eq!(
            split_hosts("postgres://a,b"),
            ["postgres://a", "postgres://b"]
        );
        assert_eq!(
            take_param(
                "postgres://a/db?target_session_attrs=read-only&x=1",
                "target_session_attrs"
            ),
            (
                "postgres://a/db?x=1".to_owned(),
                Some("read-only".to_owned())
            )
        );
        assert_eq!(
            take_param("postgres://a/db?statements=unnamed", "statements"),
            ("postgres://a/db".to_owned(), Some("unnamed".to_owned()))
        );
        assert!(role_of(Some("bogus")).is_err());
    }
}
