//! [`ModelQuery`] and [`PolymorphicQuery`] on an [`AsyncSession`]: the
//! same builders (filters, order, limit and offset, joins, row locks,
//! loading strategies, joined loads), with the terminals awaited. They
//! run the code the sync terminals run (see [`query_run`](super::query_run)
//! and [`polymorphic`](super::polymorphic)); only the drive differs.

use std::ops::DerefMut;

use super::async_session::{AsyncSession, run};
use super::bridge::Bridge;
use super::handle::Handle;
use super::model::Model;
use super::polymorphic::{Polymorphic, PolymorphicQuery, the_one};
use super::query::{JoinList, ModelQuery, Parts, QuerySession, exactly_one, handles, sealed};
use super::tuples::{aliased, both, pair_handles};
use crate::asyncio::AsyncConnection;
use crate::error::Result;
use crate::query::MaybeClause;
use crate::render::TableRef;
use crate::schema::Table;

impl<H> sealed::Sealed for AsyncSession<H>
where
    H: DerefMut + Send + 'static,
    H::Target: AsyncConnection + Sized,
{
}

impl<H> QuerySession for AsyncSession<H>
where
    H: DerefMut + Send + 'static,
    H::Target: AsyncConnection + Sized,
{
    type Conn = Bridge<H>;
}

impl<H> AsyncSession<H>
where
    H: DerefMut + Send + 'static,
    H::Target: AsyncConnection + Sized,
{
    /// A query for objects of model `M`: the builder of
    /// [`Session::query`](super::Session::query) (filters, ordering,
    /// limits, joins, row locks, selectin and joined loading, declared
    /// defaults), run with `.all().await`, `.first().await`,
    /// `.one().await` or `.all_with::<X>().await`.
    ///
    /// ```
    /// use sqlalgebra::asyncio::prelude::*;
    /// use sqlalgebra::asyncio::AsyncBackend;
    /// use sqlalgebra::orm::AsyncSession;
    /// # use sqlalgebra::orm::doc_models::*;
    /// async fn demo<B: AsyncBackend>(engine: &AsyncEngine<B>) -> sqlalgebra::Result<()> {
    ///     let mut s = AsyncSession::new(engine.connect().await?);
    ///     // One statement: the users and their addresses, LEFT JOINed.
    ///     let users = s
    ///         .query::<User>()
    ///         .filter(users::Name.like("a%"))
    ///         .order_by(users::Name.asc())
    ///         .joined_children::<Address>()
    ///         .all()
    ///         .await?;
    ///     for u in users {
    ///         let addresses = s.related::<User, Address>(u).await?; // no SQL
    ///         # let _ = addresses;
    ///     }
    ///     Ok(())
    /// }
    /// ```
    pub fn query<M: Model>(&mut self) -> ModelQuery<'_, Self, M> {
        ModelQuery::new(self)
    }

    /// A query for every row of the table `P` maps, each loaded as the
    /// subtype its discriminator names: the builder of
    /// [`Session::polymorphic`](super::Session::polymorphic), run with
    /// `.all().await`, `.first().await` or `.one().await`.
    ///
    /// ```
    /// # use sqlalgebra::orm::doc_models::*;
    /// # use sqlalgebra::asyncio::prelude::*;
    /// # use sqlalgebra::Connection;
    /// # use sqlalgebra::orm::{AsyncSession, Handle, Polymorphic, Subtypes};
    /// # #[derive(Debug, Clone, Copy)] pub enum Someone { User(Handle<User>) }
    /// # impl Polymorphic for Someone { type Table = Users;
    /// #     fn subtypes<C: Connection>(s: &mut Subtypes<Self, C>) { s.add(Someone::User); } }
    /// async fn everyone<C: AsyncConnection + 'static>(s: &mut AsyncSession<Box<C>>) -> sqlalgebra::Result<Vec<Someone>> {
    ///     // SELECT "users"."status", <each subtype's columns> FROM "users" WHERE ... ORDER BY ...
    ///     s.polymorphic::<Someone>()
    ///         .filter(users::Name.like("a%"))
    ///         .order_by(users::Id.asc())
    ///         .all()
    ///         .await
    /// }
    /// ```
    pub fn polymorphic<P: Polymorphic>(&mut self) -> PolymorphicQuery<'_, Self, P> {
        PolymorphicQuery::new(self)
    }
}

impl<H, P, W, O> PolymorphicQuery<'_, AsyncSession<H>, P, Parts<(), W, O>>
where
    H: DerefMut + Send + 'static,
    H::Target: AsyncConnection + Sized,
    P: Polymorphic,
    W: MaybeClause,
    O: MaybeClause,
{
    /// Every row, as its subtype, in row order (see
    /// [`PolymorphicQuery::all`] for the sync session).
    ///
    /// # Errors
    /// As [`PolymorphicQuery::all`]; a session whose earlier call was
    /// dropped half-way refuses it.
    pub async fn all(self) -> Result<Vec<P>> {
        let PolymorphicQuery { session, parts, .. } = self;
        run!(session, |u| u.query_polymorphic::<P, W, O>(&parts))
    }

    /// The first row, if any (`LIMIT 1`).
    ///
    /// # Errors
    /// As [`all`](PolymorphicQuery::all).
    pub async fn first(self) -> Result<Option<P>> {
        Ok(self.limit(1).all().await?.into_iter().next())
    }

    /// Exactly one row.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`](crate::ErrorKind::NotFound) for none,
    /// [`ErrorKind::TooManyRows`](crate::ErrorKind::TooManyRows) for more;
    /// otherwise as [`all`](PolymorphicQuery::all).
    pub async fn one(self) -> Result<P> {
        the_one(self.limit(2).all().await?)
    }
}

impl<H, M, J, W, O> ModelQuery<'_, AsyncSession<H>, M, Parts<J, W, O>>
where
    H: DerefMut + Send + 'static,
    H::Target: AsyncConnection + Sized,
    M: Model,
    J: JoinList,
    W: MaybeClause,
    O: MaybeClause,
{
    /// Every object the query returns, each once, in row order (see
    /// [`ModelQuery::all`] for the sync session).
    ///
    /// # Errors
    /// When the query (or the autoflush before it, or a loader) fails; a
    /// session whose earlier call was dropped half-way refuses it.
    pub async fn all(self) -> Result<Vec<Handle<M>>> {
        let ModelQuery {
            session,
            parts,
            loaders,
        } = self;
        let out = run!(session, |u| u.query_all::<M, J, W, O>(&parts, loaders.plan));
        Ok(handles(out?))
    }

    /// The first object, if any (`LIMIT 1`).
    ///
    /// # Errors
    /// As [`all`](ModelQuery::all).
    pub async fn first(self) -> Result<Option<Handle<M>>> {
        Ok(self.limit(1).all().await?.first().copied())
    }

    /// Exactly one object.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`](crate::ErrorKind::NotFound) for none,
    /// [`ErrorKind::TooManyRows`](crate::ErrorKind::TooManyRows) for more;
    /// otherwise as [`all`](ModelQuery::all).
    pub async fn one(self) -> Result<Handle<M>> {
        exactly_one(&self.limit(2).all().await?)
    }

    /// One `(M, X)` pair of handles per row, for a query that joins `X`'s
    /// table (see [`ModelQuery::all_with`] for the sync session).
    ///
    /// # Errors
    /// As [`ModelQuery::all_with`].
    pub async fn all_with<X: Model>(self) -> Result<Vec<(Handle<M>, Handle<X>)>> {
        both(
            self.pairs::<X>(TableRef::new(X::Table::NAME), false)
                .await?,
        )
    }

    /// [`all_with`](ModelQuery::all_with) for `X`'s table joined under
    /// the alias `alias`.
    ///
    /// # Errors
    /// As [`ModelQuery::all_with`].
    pub async fn all_with_as<X: Model>(
        self,
        alias: &'static str,
    ) -> Result<Vec<(Handle<M>, Handle<X>)>> {
        both(self.pairs::<X>(aliased::<X>(alias), false).await?)
    }

    /// [`all_with`](ModelQuery::all_with) for a LEFT JOIN: `None` where
    /// the row has no `X`.
    ///
    /// # Errors
    /// As [`ModelQuery::all_with`].
    pub async fn all_with_optional<X: Model>(self) -> Result<Vec<(Handle<M>, Option<Handle<X>>)>> {
        self.pairs::<X>(TableRef::new(X::Table::NAME), true).await
    }

    async fn pairs<X: Model>(
        self,
        table: TableRef<'static>,
        optional: bool,
    ) -> Result<Vec<(Handle<M>, Option<Handle<X>>)>> {
        let ModelQuery {
            session,
            parts,
            loaders,
        } = self;
        let out = run!(session, |u| {
            u.query_pairs::<M, X, J, W, O>(&parts, loaders.plan, table, optional)
        });
        Ok(pair_handles(out?))
    }
}
