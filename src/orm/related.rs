//! Relationship paths: a declared relationship ([`BelongsTo`],
//! [`HasMany`], [`HasOne`], [`ManyToMany`]) as a value that knows its join
//! conditions, for joins without an ON clause
//! ([`Select::join_related`](crate::query::Select::join_related),
//! [`ModelQuery::join_related`](super::ModelQuery::join_related)) and for
//! the EXISTS comparators [`Related::has`] and [`Related::any`].

use std::marker::PhantomData;

use super::identity::key_names;
use super::model::Model;
use super::relation::{BelongsTo, HasMany, HasOne, ManyToMany};
use crate::error::ErrorKind;
use crate::expr::Expression;
use crate::query::{Predicate, SourceColumn, alias};
use crate::render::{
    NodeTag, Render, SqlKey, SqlWriter, TableRef, TableSet, add_table, precedence,
};
use crate::schema::{Column, Table};
use crate::types::Bool;

/// A relationship that leads to at most one object (many-to-one,
/// one-to-one): compared with [`Related::has`].
///
/// ```
/// use sqlalgebra::orm::{Related, ToOne};
/// # use sqlalgebra::prelude::*;
/// # use sqlalgebra::orm::doc_models::*;
/// let user: Related<Address, User, ToOne> = Address::to_parent();
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ToOne;

/// A relationship that leads to a collection (one-to-many,
/// many-to-many): compared with [`Related::any`].
///
/// ```
/// use sqlalgebra::orm::{Related, ToMany};
/// # use sqlalgebra::prelude::*;
/// # use sqlalgebra::orm::doc_models::*;
/// let tags: Related<Product, Tag, ToMany> = Product::to_linked();
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ToMany;

/// `a.col = b.col`: the condition of one step of a relationship, written
/// with the names the tables are exposed under (their aliases).
///
/// ```
/// use sqlalgebra::orm::KeyEq;
/// use sqlalgebra::render::TableRef;
/// let on = KeyEq::new(TableRef::new("users"), "id", TableRef::new("addresses"), "user_id");
/// assert_eq!(on.tables(), [TableRef::new("users"), TableRef::new("addresses")]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyEq {
    left: TableRef<'static>,
    left_column: &'static str,
    right: TableRef<'static>,
    right_column: &'static str,
}

impl KeyEq {
    /// `left.left_column = right.right_column`.
    pub const fn new(
        left: TableRef<'static>,
        left_column: &'static str,
        right: TableRef<'static>,
        right_column: &'static str,
    ) -> Self {
        KeyEq {
            left,
            left_column,
            right,
            right_column,
        }
    }

    /// The two tables compared, left first.
    pub fn tables(&self) -> [TableRef<'static>; 2] {
        [self.left, self.right]
    }
}

impl Render for KeyEq {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_qualified(self.left.exposed_name(), self.left_column);
        w.push_sql(" = ");
        w.push_qualified(self.right.exposed_name(), self.right_column);
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        add_table(out, self.left);
        add_table(out, self.right);
    }
    fn precedence(&self) -> u8 {
        precedence::COMPARISON
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static KEY_EQ: NodeTag = NodeTag::new("relationship key =");
        key.tag(&KEY_EQ);
        table_key(key, self.left);
        key.name(self.left_column);
        table_key(key, self.right);
        key.name(self.right_column);
        true
    }
}

#[diagnostic::do_not_recommend]
impl Expression for KeyEq {
    type SqlType = Bool;
}

/// Describes a table reference in a [`SqlKey`].
pub(crate) fn table_key(key: &mut SqlKey<'_>, t: TableRef<'static>) {
    key.name(t.name);
    key.word(usize::from(t.alias.is_some()));
    if let Some(a) = t.alias {
        key.name(a);
    }
}

/// One JOIN of a relationship: the table joined and its ON condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Step {
    pub(crate) table: TableRef<'static>,
    pub(crate) on: KeyEq,
}

/// A declared relationship from model `S` to model `T` as a value: the
/// tables it joins and the conditions that join them, with optional
/// aliases. `K` is [`ToOne`] or [`ToMany`].
///
/// Build one with the methods of [`RelatedExt`] (in the prelude):
/// `Address::to_parent::<User>()`, `User::to_children::<Address>()`,
/// `User::to_child::<Profile>()`, `Product::to_linked::<Tag>()`. A model
/// usually names its relationships once:
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::orm::{Related, ToMany, ToOne};
/// # use sqlalgebra::orm::doc_models::*;
/// # trait Rel { fn user() -> Related<Address, User, ToOne>; }
/// # impl Rel for Address {
/// fn user() -> Related<Address, User, ToOne> {
///     Address::to_parent()
/// }
/// # }
/// # trait Rel2 { fn tags() -> Related<Product, Tag, ToMany>; }
/// # impl Rel2 for Product {
/// fn tags() -> Related<Product, Tag, ToMany> {
///     Product::to_linked()
/// }
/// # }
/// let q = select(addresses::Email).join_related(Address::user());
/// assert_eq!(
///     q.to_sql(&sqlalgebra_sqlite::Sqlite).unwrap().sql,
///     "SELECT \"addresses\".\"email\" FROM \"addresses\" \
///      INNER JOIN \"users\" ON \"users\".\"id\" = \"addresses\".\"user_id\""
/// );
/// ```
pub struct Related<S, T, K> {
    pub(crate) source: TableRef<'static>,
    pub(crate) steps: [Step; 2],
    /// 1, or 2 for a many-to-many (the link table, then the target).
    pub(crate) len: u8,
    _models: PhantomData<fn() -> (S, T, K)>,
}

impl<S, T, K> Clone for Related<S, T, K> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S, T, K> Copy for Related<S, T, K> {}

impl<S, T, K> std::fmt::Debug for Related<S, T, K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Related")
            .field("source", &self.source)
            .field("steps", &&self.steps[..usize::from(self.len)])
            .finish()
    }
}

fn pk<M: Model>() -> &'static str {
    key_names::<M>().first().copied().unwrap_or_default()
}

impl<S: Model, T: Model, K> Related<S, T, K> {
    fn one(step: Step) -> Self {
        Related {
            source: TableRef::new(S::Table::NAME),
            steps: [step, step],
            len: 1,
            _models: PhantomData,
        }
    }

    /// The last step: the one that joins the target.
    fn last_mut(&mut self) -> &mut Step {
        let i = usize::from(self.len) - 1;
        &mut self.steps[i]
    }

    /// How the target table is named in the statement.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let t = Address::to_parent::<User>().alias("u").target();
    /// assert_eq!((t.name, t.exposed_name()), ("users", "u"));
    /// ```
    pub fn target(&self) -> TableRef<'static> {
        self.steps[usize::from(self.len) - 1].table
    }

    /// Joins the target under `name`: `"users" AS "u"`, so that the same
    /// relationship can be joined twice. Reach its columns with
    /// [`col`](Related::col).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let (a1, a2) = (User::to_children::<Address>().alias("a1"), User::to_children::<Address>().alias("a2"));
    /// let q = select((users::Name, a1.col(addresses::Email), a2.col(addresses::Email)))
    ///     .join_related(a1)
    ///     .join_related(a2)
    ///     .filter(a1.col(addresses::Id).lt(a2.col(addresses::Id)));
    /// let sql = q.to_sql(&sqlalgebra_sqlite::Sqlite).unwrap().sql;
    /// assert!(sql.contains("INNER JOIN \"addresses\" AS \"a2\" ON \"a2\".\"user_id\" = \"users\".\"id\""));
    /// ```
    #[must_use]
    pub fn alias(mut self, name: &'static str) -> Self {
        // Every step's condition has the step's own table on its left.
        let last = self.last_mut();
        last.table.alias = Some(name);
        last.on.left = last.table;
        if self.len == 1 {
            self.steps[1] = self.steps[0];
        }
        self
    }

    /// Joins the link table of a many-to-many under `name` (needed, with
    /// [`alias`](Related::alias), to join the same many-to-many twice).
    /// Does nothing for other relationships.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let t = Product::to_linked::<Tag>().alias("t").link_alias("pt");
    /// let q = select(products::Name).join_related(t).filter(t.col(tags::Name).eq("gift"));
    /// let sql = q.to_sql(&sqlalgebra_sqlite::Sqlite).unwrap().sql;
    /// assert!(sql.contains("INNER JOIN \"product_tags\" AS \"pt\" ON \"pt\".\"product_id\" = \"products\".\"id\""));
    /// assert!(sql.contains("INNER JOIN \"tags\" AS \"t\" ON \"t\".\"id\" = \"pt\".\"tag_id\""));
    /// ```
    #[must_use]
    pub fn link_alias(mut self, name: &'static str) -> Self {
        if self.len == 2 {
            let old = self.steps[0].table;
            let new = TableRef {
                name: old.name,
                alias: Some(name),
            };
            self.steps[0].table = new;
            self.steps[0].on.left = new;
            self.steps[1].on.right = new;
        }
        self
    }

    /// Starts the relationship from the source table seen through the
    /// alias `name` (a table joined under an alias earlier), for chains
    /// from an aliased table.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let other = Address::to_parent::<User>().alias("owner");
    /// let back = User::to_children::<Address>().from_alias("owner").alias("sibling");
    /// let q = select((addresses::Email, back.col(addresses::Email)))
    ///     .join_related(other)
    ///     .join_related(back);
    /// let sql = q.to_sql(&sqlalgebra_sqlite::Sqlite).unwrap().sql;
    /// assert!(sql.ends_with("INNER JOIN \"addresses\" AS \"sibling\" ON \"sibling\".\"user_id\" = \"owner\".\"id\""));
    /// ```
    #[must_use]
    pub fn from_alias(mut self, name: &'static str) -> Self {
        self.source.alias = Some(name);
        // The first step's condition has the source on its right.
        self.steps[0].on.right = self.source;
        if self.len == 1 {
            self.steps[1] = self.steps[0];
        }
        self
    }

    /// Column `C` of the target, as this path names it (through its alias,
    /// if it has one).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let u = Address::to_parent::<User>().alias("u");
    /// let q = select(u.col(users::Name)).join_related(u);
    /// let sql = q.to_sql(&sqlalgebra_sqlite::Sqlite).unwrap().sql;
    /// assert!(sql.starts_with("SELECT \"u\".\"name\" FROM \"addresses\""));
    /// ```
    pub fn col<C: Column<Table = T::Table>>(&self, column: C) -> SourceColumn<C::SqlType> {
        match self.target().alias {
            Some(name) => alias(T::Table::default(), name).col(column),
            None => SourceColumn::new(T::Table::NAME, C::NAME),
        }
    }

    fn exists_with<P>(self, criterion: Option<P>) -> RelatedExists<P> {
        RelatedExists {
            steps: self.steps,
            len: self.len,
            source: self.source,
            criterion,
        }
    }

    /// `EXISTS (SELECT 1 FROM target WHERE <join to the source>)`: the
    /// source has at least one related object (SQLAlchemy's `has()` /
    /// `any()` without a criterion).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let q = select(users::Name).filter(not(User::to_children::<Address>().exists()));
    /// assert_eq!(
    ///     q.to_sql(&sqlalgebra_sqlite::Sqlite).unwrap().sql,
    ///     "SELECT \"users\".\"name\" FROM \"users\" WHERE NOT EXISTS (SELECT 1 FROM \"addresses\" \
    ///      WHERE \"addresses\".\"user_id\" = \"users\".\"id\")"
    /// );
    /// ```
    pub fn exists(self) -> RelatedExists<NoCriterion> {
        self.exists_with(None)
    }
}

impl<S: Model, T: Model> Related<S, T, ToOne> {
    /// `EXISTS (SELECT 1 FROM target WHERE <join> AND criterion)`: the
    /// related object exists and matches `criterion` (SQLAlchemy's
    /// `Address.user.has(User.status == "banned")`). The criterion names
    /// the target's columns (through [`col`](Related::col) when aliased).
    ///
    /// | | |
    /// |---|---|
    /// | SQLite | `EXISTS (SELECT 1 FROM "users" WHERE "users"."id" = "addresses"."user_id" AND "users"."status" = ?)` |
    /// | PostgreSQL | `EXISTS (SELECT 1 FROM "users" WHERE "users"."id" = "addresses"."user_id" AND "users"."status" = $1)` |
    /// | MySQL | ``EXISTS (SELECT 1 FROM `users` WHERE `users`.`id` = `addresses`.`user_id` AND `users`.`status` = ?)`` |
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let banned = Address::to_parent::<User>().has(users::Status.eq("banned"));
    /// let q = delete_from(Addresses).filter(banned);
    /// assert_eq!(
    ///     q.to_sql(&sqlalgebra_sqlite::Sqlite).unwrap().sql,
    ///     "DELETE FROM \"addresses\" WHERE EXISTS (SELECT 1 FROM \"users\" \
    ///      WHERE \"users\".\"id\" = \"addresses\".\"user_id\" AND \"users\".\"status\" = ?)"
    /// );
    /// ```
    pub fn has<P: Predicate>(self, criterion: P) -> RelatedExists<P> {
        self.exists_with(Some(criterion))
    }
}

impl<S: Model, T: Model> Related<S, T, ToMany> {
    /// `EXISTS (SELECT 1 FROM target WHERE <join> AND criterion)`: at
    /// least one related object matches `criterion` (SQLAlchemy's
    /// `Product.tags.any(Tag.name == "gift")`). A many-to-many reads the
    /// link table and the target, joined.
    ///
    /// | | |
    /// |---|---|
    /// | SQLite | `EXISTS (SELECT 1 FROM "product_tags" INNER JOIN "tags" ON "tags"."id" = "product_tags"."tag_id" WHERE "product_tags"."product_id" = "products"."id" AND "tags"."name" = ?)` |
    /// | PostgreSQL | the same with `$1` |
    /// | MySQL | the same with backquotes |
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let gifts = select(products::Name).filter(Product::to_linked::<Tag>().any(tags::Name.eq("gift")));
    /// assert_eq!(
    ///     gifts.to_sql(&sqlalgebra_sqlite::Sqlite).unwrap().sql,
    ///     "SELECT \"products\".\"name\" FROM \"products\" WHERE EXISTS (SELECT 1 FROM \"product_tags\" \
    ///      INNER JOIN \"tags\" ON \"tags\".\"id\" = \"product_tags\".\"tag_id\" \
    ///      WHERE \"product_tags\".\"product_id\" = \"products\".\"id\" AND \"tags\".\"name\" = ?)"
    /// );
    /// ```
    pub fn any<P: Predicate>(self, criterion: P) -> RelatedExists<P> {
        self.exists_with(Some(criterion))
    }
}

/// The relationships of every model as values: see [`Related`]. In the
/// prelude.
pub trait RelatedExt: Model {
    /// Many-to-one: from `Self` to its parent `P` (`addresses → users`).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let q = select(users::Name).join_related(Address::to_parent::<User>());
    /// assert!(q.to_sql(&sqlalgebra_sqlite::Sqlite).unwrap().sql.contains(
    ///     "FROM \"addresses\" INNER JOIN \"users\" ON \"users\".\"id\" = \"addresses\".\"user_id\""));
    /// ```
    fn to_parent<P: Model>() -> Related<Self, P, ToOne>
    where
        Self: BelongsTo<P>,
    {
        let (source, target) = (
            TableRef::new(Self::Table::NAME),
            TableRef::new(P::Table::NAME),
        );
        let fk = <Self as BelongsTo<P>>::ForeignKey::NAME;
        Related::one(Step {
            table: target,
            on: KeyEq::new(target, pk::<P>(), source, fk),
        })
    }

    /// One-to-many: from `Self` to its children `C` (`users → addresses`).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let q = select(users::Name).join_related(User::to_children::<Address>());
    /// assert!(q.to_sql(&sqlalgebra_sqlite::Sqlite).unwrap().sql.contains(
    ///     "FROM \"users\" INNER JOIN \"addresses\" ON \"addresses\".\"user_id\" = \"users\".\"id\""));
    /// ```
    fn to_children<C: BelongsTo<Self>>() -> Related<Self, C, ToMany>
    where
        Self: HasMany<C>,
    {
        let (source, target) = (
            TableRef::new(Self::Table::NAME),
            TableRef::new(C::Table::NAME),
        );
        let fk = <C as BelongsTo<Self>>::ForeignKey::NAME;
        Related::one(Step {
            table: target,
            on: KeyEq::new(target, fk, source, pk::<Self>()),
        })
    }

    /// One-to-one: from `Self` to its only child `C` (`users → profiles`).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let q = select(users::Name).filter(User::to_child::<Profile>().has(profiles::Bio.is_not_null()));
    /// assert!(q.to_sql(&sqlalgebra_sqlite::Sqlite).unwrap().sql.contains(
    ///     "EXISTS (SELECT 1 FROM \"profiles\" WHERE \"profiles\".\"user_id\" = \"users\".\"id\""));
    /// ```
    fn to_child<C: BelongsTo<Self>>() -> Related<Self, C, ToOne>
    where
        Self: HasOne<C>,
    {
        let r = Self::to_children::<C>();
        Related::one(r.steps[0])
    }

    /// Many-to-many: from `Self` through the link table to `R`
    /// (`products → product_tags → tags`).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let q = select(tags::Name).join_related(Product::to_linked::<Tag>()).filter(products::Id.eq(1));
    /// assert!(q.to_sql(&sqlalgebra_sqlite::Sqlite).unwrap().sql.contains(
    ///     "FROM \"products\" INNER JOIN \"product_tags\" ON \"product_tags\".\"product_id\" = \"products\".\"id\" \
    ///      INNER JOIN \"tags\" ON \"tags\".\"id\" = \"product_tags\".\"tag_id\""));
    /// ```
    fn to_linked<R: Model>() -> Related<Self, R, ToMany>
    where
        Self: ManyToMany<R>,
    {
        let source = TableRef::new(Self::Table::NAME);
        let link = TableRef::new(<Self as ManyToMany<R>>::Link::NAME);
        let target = TableRef::new(R::Table::NAME);
        let left = <Self as ManyToMany<R>>::Left::NAME;
        let right = <Self as ManyToMany<R>>::Right::NAME;
        Related {
            source,
            steps: [
                Step {
                    table: link,
                    on: KeyEq::new(link, left, source, pk::<Self>()),
                },
                Step {
                    table: target,
                    on: KeyEq::new(target, pk::<R>(), link, right),
                },
            ],
            len: 2,
            _models: PhantomData,
        }
    }
}

impl<M: Model> RelatedExt for M {}

/// No criterion: the `P` of [`Related::exists`].
///
/// ```
/// use sqlalgebra::orm::{NoCriterion, RelatedExists};
/// # use sqlalgebra::prelude::*;
/// # use sqlalgebra::orm::doc_models::*;
/// let any_address: RelatedExists<NoCriterion> = User::to_children::<Address>().exists();
/// ```
#[derive(Debug, Clone, Copy)]
pub enum NoCriterion {}

impl Render for NoCriterion {
    fn render<'a>(&'a self, _: &mut SqlWriter<'a>) {
        match *self {}
    }
}

/// `EXISTS (SELECT 1 FROM <target> WHERE <join to the source> AND
/// <criterion>)`, built by [`Related::has`], [`Related::any`] and
/// [`Related::exists`]. Correlated to the source table of the enclosing
/// statement (a SELECT, an UPDATE, a DELETE or an ORM query); `NOT` with
/// [`not`](crate::expr::not).
///
/// ```
/// use sqlalgebra::prelude::*;
/// # use sqlalgebra::orm::doc_models::*;
/// let lonely = select(users::Name).filter(not(User::to_children::<Address>().exists()));
/// # let _ = lonely;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RelatedExists<P> {
    source: TableRef<'static>,
    steps: [Step; 2],
    len: u8,
    criterion: Option<P>,
}

impl<P: Render> Render for RelatedExists<P> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        let steps = &self.steps[..usize::from(self.len)];
        let Some((first, rest)) = steps.split_first() else {
            return;
        };
        if steps
            .iter()
            .any(|s| s.table.exposed_name() == self.source.exposed_name())
        {
            w.fail(ErrorKind::InvalidStatement(format!(
                "the relationship from `{}` leads back to its own table: give its target an alias \
                 (`.alias(\"...\")`) to compare it with EXISTS",
                self.source.name
            )).into());
        }
        // Scope: a SELECT with a FROM of its own, and the source table of
        // the enclosing statement stays outer (correlated).
        let mark = w.enter_scope_iter(steps.iter().map(|s| s.table));
        for s in steps {
            w.check_readable(&s.table);
        }
        let unqualified = w.set_unqualified(false);
        w.push_sql("EXISTS (SELECT 1 FROM ");
        w.push_table(first.table);
        for s in rest {
            w.push_sql(" INNER JOIN ");
            w.push_table(s.table);
            w.push_sql(" ON ");
            s.on.render(w);
        }
        w.push_sql(" WHERE ");
        first.on.render(w);
        if let Some(c) = &self.criterion {
            w.push_sql(" AND ");
            w.push_operand(c, precedence::AND + 1);
        }
        w.push_sql(")");
        w.set_unqualified(unqualified);
        w.leave_scope(mark);
    }
    fn collect_tables<'a>(&'a self, out: &mut TableSet<'a>) {
        // The enclosing statement must read the source table.
        add_table(out, self.source);
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static RELATED_EXISTS: NodeTag = NodeTag::new("relationship EXISTS");
        key.tag(&RELATED_EXISTS);
        table_key(key, self.source);
        key.word(usize::from(self.len));
        for s in &self.steps[..usize::from(self.len)] {
            table_key(key, s.table);
            if !s.on.sql_key(key) {
                return false;
            }
        }
        key.word(usize::from(self.criterion.is_some()));
        match &self.criterion {
            Some(c) => c.sql_key(key),
            None => true,
        }
    }
}

#[diagnostic::do_not_recommend]
impl<P: Render> Expression for RelatedExists<P> {
    type SqlType = Bool;
}
