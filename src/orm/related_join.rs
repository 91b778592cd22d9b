//! Joins along a declared relationship, without an ON clause: in the core
//! SELECT ([`Select::join_related`]) and in the ORM's
//! [`ModelQuery::join_related`].

use super::model::Model;
use super::query::{JoinList, ModelQuery, Parts, QuerySession};
use super::related::{Related, Step, table_key};
use crate::error::ErrorKind;
use crate::query::{FromClause, JoinKind, MaybeClause, Select};
use crate::render::{NodeTag, Render, SqlKey, SqlWriter, TableRef, TableSet, add_table};

/// The JOINs of one relationship (one, or two through a link table).
#[derive(Debug, Clone, Copy)]
struct Steps {
    source: TableRef<'static>,
    steps: [Step; 2],
    len: u8,
    kind: JoinKind,
}

impl Steps {
    fn new<S, T, K>(r: Related<S, T, K>, kind: JoinKind) -> Self {
        Steps {
            source: r.source,
            steps: r.steps,
            len: r.len,
            kind,
        }
    }

    fn list(&self) -> &[Step] {
        &self.steps[..usize::from(self.len)]
    }

    fn joined(&self, out: &mut TableSet<'_>) {
        for s in self.list() {
            add_table(out, s.table);
        }
    }

    fn write<'a>(&'a self, w: &mut SqlWriter<'a>) {
        if self
            .list()
            .iter()
            .any(|s| s.table.exposed_name() == self.source.exposed_name())
        {
            w.fail(ErrorKind::InvalidStatement(format!(
                "the relationship from `{}` joins its own table again: give its target an alias \
                 (`.alias(\"...\")`)",
                self.source.name
            )).into());
        }
        for s in self.list() {
            w.push_sql(self.kind.sql());
            w.push_table(s.table);
            w.push_sql(" ON ");
            s.on.render(w);
        }
    }

    fn key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static RELATED_JOIN: NodeTag = NodeTag::new("relationship JOIN");
        key.tag(&RELATED_JOIN);
        key.word(self.kind as usize);
        table_key(key, self.source);
        key.word(usize::from(self.len));
        self.list().iter().all(|s| {
            table_key(key, s.table);
            s.on.sql_key(key)
        })
    }
}

/// `left JOIN <relationship>`: the FROM clause of
/// [`Select::join_related`]. When nothing before it names a table to
/// join onto, the relationship's source table is the FROM table.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::orm::JoinRelated;
/// use sqlalgebra::query::{Inferred, Select};
/// # use sqlalgebra::orm::doc_models::*;
/// let q: Select<_, JoinRelated<Inferred>> = select(users::Name).join_related(Address::to_parent::<User>());
/// # let _ = q;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct JoinRelated<F> {
    left: F,
    steps: Steps,
}

impl<F: FromClause> JoinRelated<F> {
    /// Whether this join supplies the FROM table (its source), because
    /// the left side has none and has not joined the source either.
    fn supplies_base(&self) -> bool {
        if self.left.base().is_some() {
            return false;
        }
        let mut joined = TableSet::new();
        self.left.joined(&mut joined);
        !joined.contains(&self.steps.source)
    }
}

impl<F: FromClause> FromClause for JoinRelated<F> {
    fn base(&self) -> Option<TableRef<'static>> {
        if self.supplies_base() {
            Some(self.steps.source)
        } else {
            self.left.base()
        }
    }
    fn write_base<'a>(&'a self, w: &mut SqlWriter<'a>) {
        if self.supplies_base() {
            w.push_table(self.steps.source);
        } else {
            self.left.write_base(w);
        }
    }
    fn joined(&self, out: &mut TableSet<'_>) {
        self.left.joined(out);
        self.steps.joined(out);
    }
    fn write_joins<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.left.write_joins(w);
        self.steps.write(w);
    }
    #[inline]
    fn join_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        self.left.join_key(key) && self.steps.key(key)
    }
}

impl<S, F: FromClause, W, M> Select<S, F, W, M> {
    /// `INNER JOIN` along a declared relationship, with the ON condition
    /// the relationship implies (a many-to-many joins its link table and
    /// its target). When nothing else names a table to join onto, the
    /// relationship's source is the FROM table (SQLAlchemy's
    /// `select(Address).join(Address.user)`).
    ///
    /// | | |
    /// |---|---|
    /// | SQLite | `SELECT "addresses"."email" FROM "addresses" INNER JOIN "users" ON "users"."id" = "addresses"."user_id" WHERE "users"."name" = ?` |
    /// | PostgreSQL | `... WHERE "users"."name" = $1` |
    /// | MySQL | ``SELECT `addresses`.`email` FROM `addresses` INNER JOIN `users` ON `users`.`id` = `addresses`.`user_id` WHERE `users`.`name` = ?`` |
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let q = select(addresses::Email)
    ///     .join_related(Address::to_parent::<User>())
    ///     .filter(users::Name.eq("alice"));
    /// assert_eq!(
    ///     q.to_sql(&sqlalgebra_sqlite::Sqlite).unwrap().sql,
    ///     "SELECT \"addresses\".\"email\" FROM \"addresses\" \
    ///      INNER JOIN \"users\" ON \"users\".\"id\" = \"addresses\".\"user_id\" WHERE \"users\".\"name\" = ?"
    /// );
    /// ```
    pub fn join_related<A, B, K>(self, rel: Related<A, B, K>) -> Select<S, JoinRelated<F>, W, M> {
        self.map_from(|left| JoinRelated {
            left,
            steps: Steps::new(rel, JoinKind::Inner),
        })
    }

    /// `LEFT JOIN` along a declared relationship (see
    /// [`join_related`](Select::join_related)); the target's columns load
    /// into `Option`s.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let q = select((users::Name, addresses::Email))
    ///     .left_join_related(User::to_children::<Address>());
    /// assert!(q.to_sql(&sqlalgebra_sqlite::Sqlite).unwrap().sql.contains(
    ///     "FROM \"users\" LEFT JOIN \"addresses\" ON \"addresses\".\"user_id\" = \"users\".\"id\""));
    /// ```
    pub fn left_join_related<A, B, K>(
        self,
        rel: Related<A, B, K>,
    ) -> Select<S, JoinRelated<F>, W, M> {
        self.map_from(|left| JoinRelated {
            left,
            steps: Steps::new(rel, JoinKind::Left),
        })
    }
}

/// A relationship join of a [`ModelQuery`], after the joins `Prev`: see
/// [`ModelQuery::join_related`].
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::orm::{JoinList, RelatedJoin};
/// # use sqlalgebra::orm::doc_models::*;
/// assert!(<RelatedJoin<()> as JoinList>::ANY);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RelatedJoin<Prev> {
    prev: Prev,
    steps: Steps,
}

impl<Prev: JoinList> JoinList for RelatedJoin<Prev> {
    const ANY: bool = true;
    fn joined<'a>(&'a self, out: &mut TableSet<'a>) {
        self.prev.joined(out);
        self.steps.joined(out);
    }
    fn write_joins<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.prev.write_joins(w);
        self.steps.write(w);
    }
}

impl<'s, S, M, J, W, O> ModelQuery<'s, S, M, Parts<J, W, O>>
where
    S: QuerySession,
    M: Model,
    J: JoinList,
    W: MaybeClause,
    O: MaybeClause,
{
    /// `INNER JOIN` along a declared relationship, from `M` or from a
    /// table joined before, to filter or order by the related table, or
    /// to load its objects too with
    /// [`all_with`](ModelQuery::all_with). Each object is returned once
    /// by [`all`](ModelQuery::all).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn demo<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    /// let mut s = Session::new(conn);
    /// // SELECT addresses.* FROM addresses INNER JOIN users ON users.id = addresses.user_id
    /// // WHERE users.name = ?
    /// let alices = s
    ///     .query::<Address>()
    ///     .join_related(Address::to_parent::<User>())
    ///     .filter(users::Name.eq("alice"))
    ///     .all()?;
    /// # Ok(()) }
    /// ```
    pub fn join_related<A, B, K>(
        self,
        rel: Related<A, B, K>,
    ) -> ModelQuery<'s, S, M, Parts<RelatedJoin<J>, W, O>> {
        self.map_joins(|prev| RelatedJoin {
            prev,
            steps: Steps::new(rel, JoinKind::Inner),
        })
    }

    /// `LEFT JOIN` along a declared relationship: see
    /// [`join_related`](ModelQuery::join_related) and
    /// [`all_with_optional`](ModelQuery::all_with_optional).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// # fn demo<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    /// let mut s = Session::new(conn);
    /// let pairs = s
    ///     .query::<User>()
    ///     .left_join_related(User::to_children::<Address>())
    ///     .all_with_optional::<Address>()?; // users without addresses too
    /// # Ok(()) }
    /// ```
    pub fn left_join_related<A, B, K>(
        self,
        rel: Related<A, B, K>,
    ) -> ModelQuery<'s, S, M, Parts<RelatedJoin<J>, W, O>> {
        self.map_joins(|prev| RelatedJoin {
            prev,
            steps: Steps::new(rel, JoinKind::Left),
        })
    }
}

// A relationship join names its tables at run time (aliases included):
// its columns are checked when the statement is rendered
// (`ErrorKind::TableNotInStatement`), not by the types.
impl<S, F, W, M> crate::query::StatementScope<()>
    for crate::query::Select<S, JoinRelated<F>, W, M>
{
}

impl<S: crate::query::Selection, F, W, M> crate::query::StatementRow<()>
    for crate::query::Select<S, JoinRelated<F>, W, M>
{
    type Row = S::SqlType;
}
