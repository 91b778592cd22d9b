//! Entity tuples: a [`ModelQuery`] with joins that loads an object of a
//! joined model beside each object of its own model, both as handles
//! into the session's identity map (SQLAlchemy's
//! `select(User, Address).join(User.addresses)`).

use super::defaults::run_defaults;
use super::drive::block_on;
use super::handle::Handle;
use super::inherit::write_where;
use super::loaders::Plan;
use super::model::{Model, ModelColumns, SqlRow};
use super::query::{JoinList, ModelQuery, Parts, dedup, write_from};
use super::session::Session;
use super::unit::Unit;
use crate::conn::Connection;
use crate::error::{ErrorKind, Result};
use crate::query::{MaybeClause, write_limit_offset};
use crate::render::{Dialect, Render, Rendered, SqlWriter, TableRef, TableSet};
use crate::schema::{ColumnList, Table};
use crate::value::{FromRow, Row, ValueRef};

impl<C, M, J, W, O> ModelQuery<'_, Session<'_, C>, M, Parts<J, W, O>>
where
    C: Connection,
    M: Model,
    J: JoinList,
    W: MaybeClause,
    O: MaybeClause,
{
    /// One `(M, X)` pair of handles per row, for a query that joins `X`'s
    /// table (with [`join_related`](ModelQuery::join_related) or `join`).
    /// The same row twice gives the same handle twice: both point into
    /// the identity map, so an object already loaded keeps its slot.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn main() -> sqlalgebra::Result<()> {
    /// # let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// # let mut conn = engine.connect()?;
    /// # create_all::<AllTables>(&mut conn)?;
    /// # insert_into(Users).values((users::Name.set("alice"), users::Status.set("ok"))).execute(&mut conn)?;
    /// # insert_into(Addresses).values((addresses::UserId.set(1), addresses::Email.set("a@home"))).execute(&mut conn)?;
    /// # insert_into(Addresses).values((addresses::UserId.set(1), addresses::Email.set("a@work"))).execute(&mut conn)?;
    /// let mut s = Session::new(&mut conn);
    /// let pairs = s
    ///     .query::<User>()
    ///     .join_related(User::to_children::<Address>())
    ///     .order_by(addresses::Id.asc())
    ///     .all_with::<Address>()?;
    /// assert_eq!(pairs.len(), 2);
    /// assert_eq!(pairs[0].0, pairs[1].0); // alice, twice: one object
    /// assert_eq!(s[pairs[1].1].email, "a@work");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`ErrorKind::InvalidStatement`](crate::ErrorKind::InvalidStatement) when `X`'s table is not joined (under
    /// its own name; see [`all_with_as`](ModelQuery::all_with_as)), before
    /// anything is sent; otherwise as [`all`](ModelQuery::all).
    pub fn all_with<X: Model>(self) -> Result<Vec<(Handle<M>, Handle<X>)>> {
        both(self.load_pairs::<X>(TableRef::new(X::Table::NAME), false)?)
    }

    /// [`all_with`](ModelQuery::all_with) for `X`'s table joined under the
    /// alias `alias` (a relationship joined with
    /// [`Related::alias`](super::Related::alias)).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn demo<C: Connection + 'static>(conn: &mut C) -> sqlalgebra::Result<()> {
    /// let mut s = Session::new(conn);
    /// let tagged = s
    ///     .query::<Product>()
    ///     .join_related(Product::to_linked::<Tag>().alias("t").link_alias("pt"))
    ///     .all_with_as::<Tag>("t")?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`all_with`](ModelQuery::all_with).
    pub fn all_with_as<X: Model>(self, alias: &'static str) -> Result<Vec<(Handle<M>, Handle<X>)>> {
        both(self.load_pairs::<X>(aliased::<X>(alias), false)?)
    }

    /// [`all_with`](ModelQuery::all_with) for a LEFT JOIN
    /// ([`left_join_related`](ModelQuery::left_join_related)): `None`
    /// where the row has no `X`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn demo<C: Connection + 'static>(conn: &mut C) -> sqlalgebra::Result<()> {
    /// let mut s = Session::new(conn);
    /// for (user, profile) in s
    ///     .query::<User>()
    ///     .left_join_related(User::to_child::<Profile>())
    ///     .all_with_optional::<Profile>()?
    /// {
    ///     println!("{}: {:?}", s[user].name, profile.map(|p| s[p].bio.clone()));
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`all_with`](ModelQuery::all_with).
    pub fn all_with_optional<X: Model>(self) -> Result<Vec<(Handle<M>, Option<Handle<X>>)>> {
        self.load_pairs::<X>(TableRef::new(X::Table::NAME), true)
    }

    fn load_pairs<X: Model>(
        self,
        table: TableRef<'static>,
        optional: bool,
    ) -> Result<Vec<(Handle<M>, Option<Handle<X>>)>> {
        let ModelQuery {
            session,
            parts,
            loaders,
        } = self;
        let pairs = block_on(session.unit().query_pairs::<M, X, J, W, O>(
            &parts,
            loaders.plan,
            table,
            optional,
        ))?;
        Ok(pair_handles(pairs))
    }
}

/// `X`'s table under the alias `alias`.
pub(super) fn aliased<X: Model>(alias: &'static str) -> TableRef<'static> {
    TableRef {
        name: X::Table::NAME,
        alias: Some(alias),
    }
}

/// The pairs of slots as handles.
pub(super) fn pair_handles<M, X>(
    pairs: Vec<(u32, Option<u32>)>,
) -> Vec<(Handle<M>, Option<Handle<X>>)> {
    pairs
        .into_iter()
        .map(|(m, x)| (Handle::from_index(m), x.map(Handle::from_index)))
        .collect()
}

/// Pairs of an inner join: each has its `X`.
pub(super) fn both<M, X>(
    pairs: Vec<(Handle<M>, Option<Handle<X>>)>,
) -> Result<Vec<(Handle<M>, Handle<X>)>> {
    pairs
        .into_iter()
        .map(|(m, x)| x.map(|x| (m, x)).ok_or_else(|| ErrorKind::NotFound.into()))
        .collect()
}

impl<C: Connection> Unit<'_, C> {
    /// Runs an entity-tuple query (see [`ModelQuery::all_with`]): the
    /// slots of each row's `M` and `X` (`None` for a LEFT JOIN without
    /// a match).
    pub(crate) async fn query_pairs<M, X, J, W, O>(
        &mut self,
        parts: &Parts<J, W, O>,
        plan: Plan<C>,
        table: TableRef<'static>,
        optional: bool,
    ) -> Result<Vec<(u32, Option<u32>)>>
    where
        M: Model,
        X: Model,
        J: JoinList,
        W: MaybeClause,
        O: MaybeClause,
    {
        if !plan.joined.is_empty() {
            return Err(ErrorKind::InvalidStatement(
                "entity tuples cannot load relationships with a JOIN: load them with selectin"
                    .into(),
            )
            .into());
        }
        let mut joined = TableSet::new();
        parts.joins.joined(&mut joined);
        if !joined.contains(&table) {
            return Err(ErrorKind::InvalidStatement(format!(
                "`{}` is not joined in this query{}: join it (e.g. with `join_related`) to load its \
                 objects",
                table.name,
                table
                    .alias
                    .map(|a| format!(" as `{a}`"))
                    .unwrap_or_default(),
            )).into());
        }
        self.autoflush().await?;
        let cols = M::Columns::columns();
        let (map, mut db) = self.split();
        let r = pairs_sql::<M, X, J, W, O>(db.dialect(), &cols, parts, table)?;

        let width = <M::Row as FromRow<SqlRow<M>>>::WIDTH;
        let x_width = <X::Row as FromRow<SqlRow<X>>>::WIDTH;
        let mut rows: Vec<(M, Option<X>)> = Vec::new();
        db.query(&r, |row| {
            let m = M::from_row(<M::Row as FromRow<SqlRow<M>>>::from_row(row, 0)?);
            let x = if optional && all_null(row, width, x_width) {
                None
            } else {
                Some(X::from_row(<X::Row as FromRow<SqlRow<X>>>::from_row(
                    row, width,
                )?))
            };
            rows.push((m, x));
            Ok(true)
        })
        .await?;
        let mut pairs = Vec::with_capacity(rows.len());
        for (m, x) in rows {
            let ms = map.arena_mut::<M>().load(m);
            let xs = x.map(|x| map.arena_mut::<X>().load(x));
            pairs.push((ms, xs));
        }
        let mut slots: Vec<u32> = pairs.iter().map(|p| p.0).collect();
        dedup(&mut slots);
        let mut skip = plan.overrides.clone();
        plan.run(self, &slots).await?;
        run_defaults::<M, C>(self, &slots, &mut skip).await?;
        Ok(pairs)
    }
}

/// The SELECT of an entity-tuple query: `M`'s columns, then `X`'s from
/// `table`.
fn pairs_sql<'a, M, X, J, W, O>(
    d: &'a dyn Dialect,
    cols: &'a M::Columns,
    parts: &'a Parts<J, W, O>,
    table: TableRef<'static>,
) -> Result<Rendered<'a>>
where
    M: Model,
    X: Model,
    J: JoinList,
    W: MaybeClause,
    O: MaybeClause,
{
    let mut w = SqlWriter::new(d);
    w.push_sql("SELECT ");
    cols.render(&mut w);
    for name in <X::Columns as ColumnList>::NAMES {
        w.push_sql(", ");
        w.push_qualified(table.exposed_name(), name);
    }
    let mark = write_from::<M, J, W, O>(&mut w, parts);
    write_where::<M, W>(&mut w, M::Table::NAME, &parts.filter);
    w.push_sort_key(|w| parts.order.write_clause(w, " ORDER BY "));
    write_limit_offset(&mut w, parts.limit, parts.offset);
    w.leave_scope(mark);
    w.finish()
}

/// Whether the cells `start..start + width` are all NULL (a LEFT JOIN
/// without a match).
fn all_null<R: Row>(row: &R, start: usize, width: usize) -> bool {
    (start..start + width).all(|i| matches!(row.value(i), Ok(ValueRef::Null)))
}
