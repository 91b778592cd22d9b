//! `LATERAL` derived tables: a subquery in a JOIN that reads the columns
//! of the tables before it.

use super::run::Query;
use super::subquery::{Derived, SourceColumn};
use crate::render::{NodeTag, SqlKey, SqlWriter, TableRef};
use crate::schema::{Column, QuerySource};

/// `LATERAL (SELECT ...) AS "name"`: a derived table whose subquery may
/// refer to the tables before it in FROM (it is correlated to them, as a
/// subquery in WHERE is). Join it like a table: `.join(lateral(d), on)`,
/// `.left_join(..)` or `.cross_join(..)`.
///
/// PostgreSQL and MySQL ≥ 8.0.14; MariaDB and SQLite have no LATERAL and
/// refuse it with [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported)
/// before anything is sent.
///
/// | | |
/// |---|---|
/// | PostgreSQL | `... FROM "a" CROSS JOIN LATERAL (SELECT "b"."y" FROM "b" WHERE "b"."y" > "a"."x" LIMIT $1) AS "l"` |
/// | MySQL | ``... FROM `a` CROSS JOIN LATERAL (SELECT `b`.`y` FROM `b` WHERE `b`.`y` > `a`.`x` LIMIT ?) AS `l` `` |
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::query::lateral;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Table for A { const NAME: &'static str = "a"; type Columns = X; type PrimaryKey = X; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct X;
/// # impl Column for X { type Table = A; type SqlType = BigInt; const NAME: &'static str = "x"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
/// # impl Table for B { const NAME: &'static str = "b"; type Columns = Y; type PrimaryKey = Y; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Y;
/// # impl Column for Y { type Table = B; type SqlType = BigInt; const NAME: &'static str = "y"; }
/// // The smallest `y` above each `x`.
/// let next = lateral(select(Y).from(B).filter(Y.gt(X)).order_by(Y).limit(1).subquery("l"));
/// let q = select((X, next.col(Y))).from(A).cross_join(next);
/// assert_eq!(q.to_sql(&sqlalgebra_postgres::Postgres)?.sql,
///     r#"SELECT "a"."x", "l"."y" FROM "a" CROSS JOIN LATERAL (SELECT "b"."y" FROM "b" WHERE "b"."y" > "a"."x" ORDER BY "b"."y" LIMIT $1) AS "l""#);
/// assert!(matches!(q.to_sql(&sqlalgebra_mysql::MariaDb::new(10, 11)).as_ref().map_err(sqlalgebra::Error::kind),
///     Err(sqlalgebra::ErrorKind::Unsupported { feature: "LATERAL", .. })));
/// # Ok::<(), sqlalgebra::Error>(())
/// ```
pub fn lateral<Q>(derived: Derived<Q>) -> Lateral<Q> {
    Lateral(derived)
}

/// A `LATERAL` derived table: see [`lateral`].
#[derive(Debug, Clone, Copy)]
pub struct Lateral<Q>(Derived<Q>);

impl<Q> Lateral<Q> {
    /// The column that the subquery selected as column `C`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::query::lateral;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
    /// # impl Table for B { const NAME: &'static str = "b"; type Columns = Y; type PrimaryKey = Y; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Y;
    /// # impl Column for Y { type Table = B; type SqlType = BigInt; const NAME: &'static str = "y"; }
    /// let l = lateral(select(Y).from(B).subquery("l"));
    /// let _y = l.col(Y);
    /// ```
    pub fn col<C: Column>(&self, _column: C) -> SourceColumn<C::SqlType> {
        SourceColumn::new(self.0.parts().1, C::NAME)
    }

    /// The column labelled `name` in the subquery, typed as `ST`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::query::lateral;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
    /// # impl Table for B { const NAME: &'static str = "b"; type Columns = Y; type PrimaryKey = Y; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct Y;
    /// # impl Column for Y { type Table = B; type SqlType = BigInt; const NAME: &'static str = "y"; }
    /// let l = lateral(select(count(Y).label("n")).from(B).subquery("l"));
    /// let _n = l.field::<BigInt>("n");
    /// ```
    pub fn field<ST>(&self, name: &'static str) -> SourceColumn<ST> {
        self.0.field(name)
    }
}

impl<Q: Query> QuerySource for Lateral<Q> {
    fn table_ref(&self) -> TableRef<'static> {
        TableRef::new(self.0.parts().1)
    }
    fn write_from<'a>(&'a self, w: &mut SqlWriter<'a>) {
        if !w.dialect().supports_lateral() {
            w.unsupported("LATERAL");
        }
        let (query, name) = self.0.parts();
        w.push_sql("LATERAL (");
        // Unlike a plain derived table, the scope of the enclosing SELECT
        // stays: the subquery is correlated to the tables before it.
        query.render(w);
        w.push_sql(") AS ");
        w.push_ident(name);
    }
    #[inline]
    fn source_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static LATERAL: NodeTag = NodeTag::new("LATERAL");
        let (query, name) = self.0.parts();
        key.tag(&LATERAL);
        key.name(name);
        query.sql_key(key)
    }
}
