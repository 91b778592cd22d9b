//! SELECT.

use super::checked::{OrderArg, SelectArg};
use super::clause::{AndPredicate, Clause, MaybeClause, Selection};
use super::lock::RowLock;
use super::run::Query;
use crate::error::ErrorKind;
use crate::render::{
    Dependent, GroupCheck, NodeTag, Regions, Render, SqlKey, SqlWriter, Statement, TableRef,
    TableSet, TermClause, for_each_leaf,
};
use crate::schema::QuerySource;
use crate::value::ValueRef;

/// The FROM clause when none was given: the tables the statement refers to.
#[derive(Debug, Clone, Copy, Default)]
pub struct Inferred;

/// An explicit FROM table.
#[derive(Debug, Clone, Copy, Default)]
pub struct From<T>(pub(crate) T);

/// A FROM clause: [`Inferred`], an explicit table, or joins onto one of
/// those.
pub trait FromClause {
    /// The table given explicitly with `from`, if any.
    fn base(&self) -> Option<TableRef<'static>>;
    /// Writes the explicit base as it stands in FROM (nothing if inferred).
    fn write_base<'a>(&'a self, w: &mut SqlWriter<'a>);
    /// Adds the joined tables (not the base) to `out`.
    fn joined(&self, out: &mut TableSet<'_>);
    /// Writes the JOIN clauses.
    fn write_joins<'a>(&'a self, w: &mut SqlWriter<'a>);
    /// Calls `each` with every JOIN's ON condition, in order.
    fn each_on<'a>(&'a self, each: &mut dyn FnMut(&'a dyn Render)) {
        let _ = each;
    }
    /// The clause's [`sql_key`](Render::sql_key): the base, then each
    /// join. `false` (the default): not described.
    #[inline]
    fn join_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        let _ = key;
        false
    }
}

impl FromClause for Inferred {
    fn base(&self) -> Option<TableRef<'static>> {
        None
    }
    fn write_base<'a>(&'a self, _: &mut SqlWriter<'a>) {}
    fn joined(&self, _: &mut TableSet<'_>) {}
    fn write_joins<'a>(&'a self, _: &mut SqlWriter<'a>) {}
    #[inline]
    fn join_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static INFERRED: NodeTag = NodeTag::new("inferred FROM");
        key.tag(&INFERRED);
        true
    }
}

impl<T: QuerySource> FromClause for From<T> {
    fn base(&self) -> Option<TableRef<'static>> {
        Some(self.0.table_ref())
    }
    fn write_base<'a>(&'a self, w: &mut SqlWriter<'a>) {
        self.0.write_from(w);
    }
    fn joined(&self, _: &mut TableSet<'_>) {}
    fn write_joins<'a>(&'a self, _: &mut SqlWriter<'a>) {}
    #[inline]
    fn join_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static FROM: NodeTag = NodeTag::new("FROM");
        key.tag(&FROM);
        self.0.source_key(key)
    }
}

/// GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET and DISTINCT of a SELECT,
/// bundled so that a SELECT's type has only four parameters.
#[derive(Debug, Clone, Copy, Default)]
pub struct Modifiers<G = (), H = (), O = (), D = ()> {
    pub(crate) distinct_on: D,
    pub(crate) group: G,
    pub(crate) having: H,
    pub(crate) order: O,
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
    pub(crate) distinct: bool,
    pub(crate) lock: Option<RowLock>,
}

/// A SELECT statement: what to select (`S`), from where (`F`), the WHERE
/// clause (`W`) and the other clauses (`M`).
///
/// Build it with [`select`].
#[derive(Debug, Clone, Copy)]
#[must_use = "a statement does nothing until it is run with `load`, `get`, `first` or `execute`"]
pub struct Select<S, F = Inferred, W = (), M = Modifiers> {
    selection: S,
    from: F,
    filter: W,
    pub(super) modifiers: M,
}

/// `SELECT selection`: a column, an expression, or a tuple of up to 16 of
/// them. The FROM clause is inferred from the tables the statement refers
/// to unless given with [`from`](Select::from).
///
/// | | |
/// |---|---|
/// | SQLite | `SELECT "users"."id" FROM "users" WHERE "users"."id" > ? LIMIT ?` |
/// | PostgreSQL | `SELECT "users"."id" FROM "users" WHERE "users"."id" > $1 LIMIT $2` |
/// | MySQL | ``SELECT `users`.`id` FROM `users` WHERE `users`.`id` > ? LIMIT ?`` |
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Users;
/// # impl Table for Users { const NAME: &'static str = "users"; type Columns = Id; type PrimaryKey = Id; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
/// # impl Column for Id { type Table = Users; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// let q = select(Id).filter(Id.gt(5)).limit(10);
/// ```
pub fn select<S, K>(selection: S) -> Select<<S as SelectArg<K>>::Selection>
where
    S: SelectArg<K, Selection = S>,
{
    Select {
        selection,
        from: Inferred,
        filter: (),
        modifiers: Modifiers::default(),
    }
}

impl<S, W, M> Select<S, Inferred, W, M> {
    /// `FROM table`, explicitly (otherwise it is inferred).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// create_all::<Users>(&mut conn)?;
    /// insert_into(Users)
    ///     .values(vec![
    ///         (users::Name.set("ann"), users::Status.set("active")),
    ///         (users::Name.set("bob"), users::Status.set("active")),
    ///         (users::Name.set("cy"), users::Status.set("banned")),
    ///     ])
    ///     .execute(&mut conn)?;
    /// // A SELECT of no column: FROM says which table to count.
    /// let n: i64 = select(count_star()).from(Users).get(&mut conn)?;
    /// assert_eq!(n, 3);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn from<T: QuerySource>(self, table: T) -> Select<S, From<T>, W, M> {
        Select {
            selection: self.selection,
            from: From(table),
            filter: self.filter,
            modifiers: self.modifiers,
        }
    }
}

impl<S, F: FromClause, W, M> Select<S, F, W, M> {
    /// Replaces the FROM clause with what `f` makes of it (the ORM's
    /// relationship joins build on this).
    pub(crate) fn map_from<F2>(self, f: impl FnOnce(F) -> F2) -> Select<S, F2, W, M> {
        Select {
            selection: self.selection,
            from: f(self.from),
            filter: self.filter,
            modifiers: self.modifiers,
        }
    }

    /// Adds a WHERE condition; several calls are ANDed.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// create_all::<Users>(&mut conn)?;
    /// insert_into(Users)
    ///     .values(vec![
    ///         (users::Name.set("ann"), users::Status.set("active")),
    ///         (users::Name.set("bob"), users::Status.set("active")),
    ///         (users::Name.set("cy"), users::Status.set("banned")),
    ///     ])
    ///     .execute(&mut conn)?;
    /// let q = select(users::Name)
    ///     .filter(users::Status.eq("active"))
    ///     .filter(users::Name.ne("ann"));
    /// assert_eq!(q.load::<String, _>(&mut conn)?, ["bob"]);
    /// assert_eq!(
    ///     q.to_sql(&sqlalgebra_postgres::Postgres)?.sql,
    ///     "SELECT \"users\".\"name\" FROM \"users\" \
    ///      WHERE \"users\".\"status\" = $1 AND \"users\".\"name\" <> $2"
    /// );
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn filter<P, K>(self, predicate: P) -> Select<S, F, <W as AndPredicate<P, K>>::Output, M>
    where
        W: AndPredicate<P, K>,
    {
        Select {
            selection: self.selection,
            from: self.from,
            filter: self.filter.and_predicate(predicate),
            modifiers: self.modifiers,
        }
    }
}

impl<S, F, W, M> Select<S, F, W, M> {
    /// The SELECT list.
    pub(crate) fn selection(&self) -> &S {
        &self.selection
    }
}

impl<S, F, W, G, H, O, D> Select<S, F, W, Modifiers<G, H, O, D>> {
    pub(crate) fn into_parts(self) -> (S, F, W, Modifiers<G, H, O, D>) {
        (self.selection, self.from, self.filter, self.modifiers)
    }

    fn with_modifiers<G2, H2, O2, D2>(
        self,
        m: impl FnOnce(Modifiers<G, H, O, D>) -> Modifiers<G2, H2, O2, D2>,
    ) -> Select<S, F, W, Modifiers<G2, H2, O2, D2>> {
        Select {
            selection: self.selection,
            from: self.from,
            filter: self.filter,
            modifiers: m(self.modifiers),
        }
    }

    /// `GROUP BY expr` (a tuple for several).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// create_all::<Users>(&mut conn)?;
    /// insert_into(Users)
    ///     .values(vec![
    ///         (users::Name.set("ann"), users::Status.set("active")),
    ///         (users::Name.set("bob"), users::Status.set("active")),
    ///         (users::Name.set("cy"), users::Status.set("banned")),
    ///     ])
    ///     .execute(&mut conn)?;
    /// let per_status: Vec<(String, i64)> = select((users::Status, count_star()))
    ///     .group_by(users::Status)
    ///     .order_by(users::Status.asc())
    ///     .load(&mut conn)?;
    /// assert_eq!(per_status, [("active".to_string(), 2), ("banned".to_string(), 1)]);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn group_by<E: Selection>(
        self,
        exprs: E,
    ) -> Select<S, F, W, Modifiers<Clause<E>, H, O, D>> {
        self.with_modifiers(|m| Modifiers {
            distinct_on: m.distinct_on,
            group: Clause(exprs),
            having: m.having,
            order: m.order,
            limit: m.limit,
            offset: m.offset,
            distinct: m.distinct,
            lock: m.lock,
        })
    }

    /// Adds a HAVING condition; several calls are ANDed.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// create_all::<Users>(&mut conn)?;
    /// insert_into(Users)
    ///     .values(vec![
    ///         (users::Name.set("ann"), users::Status.set("active")),
    ///         (users::Name.set("bob"), users::Status.set("active")),
    ///         (users::Name.set("cy"), users::Status.set("banned")),
    ///     ])
    ///     .execute(&mut conn)?;
    /// let crowded: Vec<String> = select(users::Status)
    ///     .group_by(users::Status)
    ///     .having(count_star().gt(1))
    ///     .load(&mut conn)?;
    /// assert_eq!(crowded, ["active"]);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn having<P, K>(
        self,
        predicate: P,
    ) -> Select<S, F, W, Modifiers<G, <H as AndPredicate<P, K>>::Output, O, D>>
    where
        H: AndPredicate<P, K>,
    {
        self.with_modifiers(|m| Modifiers {
            distinct_on: m.distinct_on,
            group: m.group,
            having: m.having.and_predicate(predicate),
            order: m.order,
            limit: m.limit,
            offset: m.offset,
            distinct: m.distinct,
            lock: m.lock,
        })
    }

    /// `ORDER BY ...`: an expression, `expr.desc()`, or a tuple of them.
    /// Replaces an earlier ORDER BY.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// create_all::<Users>(&mut conn)?;
    /// insert_into(Users)
    ///     .values(vec![
    ///         (users::Name.set("ann"), users::Status.set("active")),
    ///         (users::Name.set("bob"), users::Status.set("active")),
    ///         (users::Name.set("cy"), users::Status.set("banned")),
    ///     ])
    ///     .execute(&mut conn)?;
    /// let names: Vec<String> = select(users::Name)
    ///     .order_by((users::Status.desc(), users::Name.asc()))
    ///     .load(&mut conn)?;
    /// assert_eq!(names, ["cy", "ann", "bob"]);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn order_by<O2, K>(
        self,
        order: O2,
    ) -> Select<S, F, W, Modifiers<G, H, Clause<<O2 as OrderArg<K>>::Order>, D>>
    where
        O2: OrderArg<K, Order = O2>,
    {
        self.with_modifiers(|m| Modifiers {
            distinct_on: m.distinct_on,
            group: m.group,
            having: m.having,
            order: Clause(order),
            limit: m.limit,
            offset: m.offset,
            distinct: m.distinct,
            lock: m.lock,
        })
    }

    /// `LIMIT n` (bound as a value).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let q = select(users::Name).order_by(users::Id.asc()).limit(2).offset(4);
    /// let sql = |d: &dyn sqlalgebra::render::Dialect| q.to_sql(d).unwrap().sql;
    /// assert_eq!(
    ///     sql(&sqlalgebra_sqlite::Sqlite),
    ///     "SELECT \"users\".\"name\" FROM \"users\" ORDER BY \"users\".\"id\" ASC LIMIT ? OFFSET ?"
    /// );
    /// assert_eq!(
    ///     sql(&sqlalgebra_postgres::Postgres),
    ///     "SELECT \"users\".\"name\" FROM \"users\" ORDER BY \"users\".\"id\" ASC LIMIT $1 OFFSET $2"
    /// );
    /// assert_eq!(
    ///     sql(&sqlalgebra_mysql::Mysql),
    ///     "SELECT `users`.`name` FROM `users` ORDER BY `users`.`id` ASC LIMIT ? OFFSET ?"
    /// );
    /// ```
    pub fn limit(mut self, n: u64) -> Self {
        self.modifiers.limit = Some(i64::try_from(n).unwrap_or(i64::MAX));
        self
    }

    /// `OFFSET n` (bound as a value).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// create_all::<Users>(&mut conn)?;
    /// insert_into(Users)
    ///     .values(vec![
    ///         (users::Name.set("ann"), users::Status.set("active")),
    ///         (users::Name.set("bob"), users::Status.set("active")),
    ///         (users::Name.set("cy"), users::Status.set("banned")),
    ///     ])
    ///     .execute(&mut conn)?;
    /// let page_two: Vec<String> = select(users::Name)
    ///     .order_by(users::Name.asc())
    ///     .limit(2)
    ///     .offset(2)
    ///     .load(&mut conn)?;
    /// assert_eq!(page_two, ["cy"]);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn offset(mut self, n: u64) -> Self {
        self.modifiers.offset = Some(i64::try_from(n).unwrap_or(i64::MAX));
        self
    }

    /// `SELECT DISTINCT`
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
    /// let mut conn = engine.connect()?;
    /// create_all::<Users>(&mut conn)?;
    /// insert_into(Users)
    ///     .values(vec![
    ///         (users::Name.set("ann"), users::Status.set("active")),
    ///         (users::Name.set("bob"), users::Status.set("active")),
    ///         (users::Name.set("cy"), users::Status.set("banned")),
    ///     ])
    ///     .execute(&mut conn)?;
    /// let statuses: Vec<String> = select(users::Status)
    ///     .distinct()
    ///     .order_by(users::Status.asc())
    ///     .load(&mut conn)?;
    /// assert_eq!(statuses, ["active", "banned"]);
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn distinct(mut self) -> Self {
        self.modifiers.distinct = true;
        self
    }

    /// `SELECT DISTINCT ON (exprs)`: the first row of each group of equal
    /// `exprs` (in ORDER BY order). PostgreSQL only; other dialects refuse
    /// it with [`ErrorKind::Unsupported`].
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let q = select((users::Status, users::Name))
    ///     .distinct_on(users::Status)
    ///     .order_by((users::Status.asc(), users::Name.asc()));
    /// assert_eq!(
    ///     q.to_sql(&sqlalgebra_postgres::Postgres)?.sql,
    ///     "SELECT DISTINCT ON (\"users\".\"status\") \"users\".\"status\", \"users\".\"name\" \
    ///      FROM \"users\" ORDER BY \"users\".\"status\" ASC, \"users\".\"name\" ASC"
    /// );
    /// assert!(matches!(q.to_sql(&sqlalgebra_sqlite::Sqlite).as_ref().map_err(sqlalgebra::Error::kind), Err(sqlalgebra::ErrorKind::Unsupported { .. })));
    /// assert!(q.to_sql(&sqlalgebra_mysql::Mysql).is_err());
    /// # Ok::<(), sqlalgebra::Error>(())
    /// ```
    pub fn distinct_on<E: Selection>(
        self,
        exprs: E,
    ) -> Select<S, F, W, Modifiers<G, H, O, Clause<E>>> {
        self.with_modifiers(|m| Modifiers {
            distinct_on: Clause(exprs),
            group: m.group,
            having: m.having,
            order: m.order,
            limit: m.limit,
            offset: m.offset,
            distinct: m.distinct,
            lock: m.lock,
        })
    }
}

impl<S, F, W, G, H, O, D> Select<S, F, W, Modifiers<G, H, O, D>>
where
    D: MaybeClause,
    S: Selection,
    F: FromClause,
    W: MaybeClause,
    G: MaybeClause,
    H: MaybeClause,
    O: MaybeClause,
{
    /// The statement's parts, type-erased (for rendering, and for a
    /// sharded engine's fan-out).
    pub(crate) fn parts(&self) -> SelectParts<'_> {
        let m = &self.modifiers;
        SelectParts {
            distinct: m.distinct,
            distinct_on: &m.distinct_on,
            selection: &self.selection,
            from: &self.from,
            filter: &self.filter,
            group: &m.group,
            having: &m.having,
            order: &m.order,
            limit: m.limit.as_ref(),
            offset: m.offset.as_ref(),
            lock: m.lock.as_ref(),
        }
    }
}

impl<S, F, W, G, H, O, D> Render for Select<S, F, W, Modifiers<G, H, O, D>>
where
    D: MaybeClause,
    S: Selection,
    F: FromClause,
    W: MaybeClause,
    G: MaybeClause,
    H: MaybeClause,
    O: MaybeClause,
{
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        render_select(w, self.parts());
    }
    #[inline]
    fn sql_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static SELECT: NodeTag = NodeTag::new("SELECT");
        let m = &self.modifiers;
        key.tag(&SELECT);
        // The flags, and which clauses are present (their keys follow).
        key.word(
            usize::from(m.distinct)
                | usize::from(m.limit.is_some()) << 1
                | usize::from(m.offset.is_some()) << 2
                | usize::from(m.distinct_on.is_present()) << 3
                | usize::from(self.filter.is_present()) << 4
                | usize::from(m.group.is_present()) << 5
                | usize::from(m.having.is_present()) << 6
                | usize::from(m.order.is_present()) << 7
                | RowLock::key_word(m.lock.as_ref()) << 8,
        );
        if let Some(table) = m.lock.as_ref().and_then(RowLock::of) {
            key.name(table);
        }
        // In the order `render_select` binds. A term of GROUP BY, HAVING
        // or ORDER BY that repeats an expression of the SELECT list with
        // the same bind values refers to it (see `render/terms.rs`), and
        // the GROUP BY check compares them too: the text then depends on
        // the values, which the words do not record. So a statement with
        // bind values in two of those clauses is not described.
        let mut with_binds = 0;
        let mut described = m.distinct_on.clause_key(key);
        let before = key.bind_count();
        described = described && self.selection.sql_key(key);
        with_binds += usize::from(key.bind_count() > before);
        described = described && self.from.join_key(key) && self.filter.clause_key(key);
        let before = key.bind_count();
        described = described && m.group.clause_key(key);
        with_binds += usize::from(key.bind_count() > before);
        let before = key.bind_count();
        described = described && m.having.clause_key(key);
        with_binds += usize::from(key.bind_count() > before);
        let before = key.bind_count();
        described = described && m.order.clause_key(key);
        with_binds += usize::from(key.bind_count() > before);
        let described = described && with_binds < 2;
        if let Some(l) = m.limit {
            key.bind(ValueRef::Int(l));
        }
        if let Some(o) = m.offset {
            key.bind(ValueRef::Int(o));
        }
        described
    }
}

/// The parts of a SELECT, type-erased, for the one function that renders
/// both typed and boxed SELECTs.
#[derive(Clone, Copy)]
pub(crate) struct SelectParts<'a> {
    pub(crate) distinct: bool,
    pub(crate) distinct_on: &'a dyn MaybeClause,
    pub(crate) selection: &'a dyn Render,
    pub(crate) from: &'a dyn FromClause,
    pub(crate) filter: &'a dyn MaybeClause,
    pub(crate) group: &'a dyn MaybeClause,
    pub(crate) having: &'a dyn MaybeClause,
    pub(crate) order: &'a dyn MaybeClause,
    pub(crate) limit: Option<&'a i64>,
    pub(crate) offset: Option<&'a i64>,
    pub(crate) lock: Option<&'a RowLock>,
}

pub(crate) fn render_select<'a>(w: &mut SqlWriter<'a>, p: SelectParts<'a>) {
    // The FROM list comes first, so that subqueries in the SELECT list and
    // WHERE know which tables are outer (correlated) ones.
    let base = p.from.base();
    let mut joined = TableSet::new();
    p.from.joined(&mut joined);
    let mut referenced = TableSet::new();
    p.selection.collect_tables(&mut referenced);
    p.filter.collect_clause_tables(&mut referenced);
    p.group.collect_clause_tables(&mut referenced);
    p.having.collect_clause_tables(&mut referenced);
    p.order.collect_clause_tables(&mut referenced);
    referenced.retain(|t| Some(*t) != base && !joined.contains(t));
    // Auto-correlation, as SQLAlchemy does it: tables of an enclosing query
    // are left out, unless that would leave no FROM at all (then the
    // subquery is not correlated but stands on its own).
    if base.is_some() || referenced.iter().any(|t| !w.is_outer_table(t)) {
        referenced.retain(|t| !w.is_outer_table(t));
    }
    // With an explicit FROM, a table neither there, nor joined, nor in an
    // enclosing query is not added to FROM (a cross join nobody asked
    // for): the writer is strict, and its first column is
    // `ErrorKind::TableNotInStatement`. Typed columns of such tables do not
    // compile (`scope.rs`); this catches aliases, derived tables, CTEs
    // and dynamic tables.
    let strict = base.is_some() && w.set_strict(true);
    if base.is_some() {
        referenced.clear();
    } else if referenced.len() > 1 {
        super::connected::check_connected(w, &referenced, &joined, p.filter, p.from);
    }
    // A SELECT nested in GROUP BY, HAVING or ORDER BY has clauses of its
    // own.
    let outer_terms = w.take_terms();
    let mark = w.enter_scope_iter(
        referenced
            .iter()
            .copied()
            .chain(base)
            .chain(joined.iter().copied()),
    );
    for t in referenced.iter().chain(&base).chain(&joined) {
        w.check_readable(t);
    }
    // A subquery in RETURNING or in the ORDER BY of a UNION qualifies its
    // columns all the same: its own FROM may name several tables.
    let unqualified = w.set_unqualified(false);

    let dependent = check_grouping(w, &p);

    w.push_sql(if p.distinct && !p.distinct_on.is_present() {
        "SELECT DISTINCT "
    } else {
        "SELECT "
    });
    if p.distinct_on.is_present() {
        if !w.dialect().supports_distinct_on() {
            w.unsupported("DISTINCT ON");
        }
        p.distinct_on.write_clause(w, "DISTINCT ON (");
        w.push_sql(") ");
    }
    let params_before_selection = w.params();
    let selection_start = w.sql().len();
    p.selection.render_selected(w);
    let selection_params = params_before_selection..w.params();
    let selection_text = selection_start..w.sql().len();
    let mut rest = referenced.iter();
    let first_inferred = if base.is_some() { None } else { rest.next() };
    if base.is_some() || first_inferred.is_some() {
        w.push_sql(" FROM ");
        match first_inferred {
            Some(t) => w.push_table(*t),
            None => p.from.write_base(w),
        }
        p.from.write_joins(w);
        for t in rest {
            w.push_sql(", ");
            w.push_table(*t);
        }
    } else if !joined.is_empty() {
        w.fail(
            ErrorKind::InvalidStatement(
                "a JOIN needs a table to join onto: select one of its columns or call `from`"
                    .into(),
            )
            .into(),
        );
    }

    p.filter.write_clause(w, " WHERE ");
    w.begin_terms(p.selection, selection_params.clone());
    let group_start = w.sql().len();
    w.push_sort_key(|w| p.group.write_group_clause(w, " GROUP BY "));
    if w.dialect().groups_dependent_columns() {
        for (table, column) in dependent {
            w.push_sql(", ");
            w.push_qualified(table.exposed_name(), column);
        }
    }
    let group_end = w.sql().len();
    w.set_term_clause(TermClause::Having);
    p.having.write_clause(w, " HAVING ");
    w.set_term_clause(TermClause::OrderBy);
    p.order.write_order_clause(w, " ORDER BY ");
    w.end_terms(outer_terms);
    if let Some(group) = p.group.clause_expr() {
        let regions = Regions {
            params_before: selection_params.start,
            selection: selection_text,
            group: group_start..group_end,
            rest: group_end..w.sql().len(),
        };
        if w.dialect().repeats_placeholders() {
            // One grouped expression, one set of placeholders (render/unify.rs).
            w.unify_grouped(group, &regions);
        } else if w.dialect().aggregates_repeated_group_terms() {
            // Repeated inside HAVING or ORDER BY: MIN(..) (render/grouped_min.rs).
            w.aggregate_grouped(group, &regions);
        }
    }
    write_limit_offset(w, p.limit, p.offset);
    if let Some(lock) = p.lock {
        w.dialect().write_row_lock(w, lock);
    }
    w.set_unqualified(unqualified);
    if base.is_some() {
        w.set_strict(strict);
    }
    w.leave_scope(mark);
}

/// Records [`ErrorKind::Ungrouped`] when the SELECT is grouped and refers to
/// a column outside aggregates and groups (see `render/group_check.rs`);
/// returns the columns that depend on a grouped primary key.
fn check_grouping<'a>(w: &mut SqlWriter<'a>, p: &SelectParts<'a>) -> Dependent<'a> {
    let mut check = GroupCheck::new(w, p.group.clause_expr());
    for_each_leaf(p.selection, &mut |item| check.operand(item));
    check.set_clause("HAVING");
    p.having.check_clause(&mut check);
    check.set_clause("ORDER BY");
    p.order.check_clause(&mut check);
    match check.finish(p.group.is_present() || p.having.is_present()) {
        Ok(dependent) => dependent,
        Err(e) => {
            w.fail(e);
            Dependent::new()
        }
    }
}

/// Writes `LIMIT ? OFFSET ?` with the values bound, in the dialect's form.
pub(crate) fn write_limit_offset<'a>(
    w: &mut SqlWriter<'a>,
    limit: Option<&'a i64>,
    offset: Option<&'a i64>,
) {
    match (limit, offset) {
        (Some(l), _) => {
            w.push_sql(" LIMIT ");
            w.push_bind(ValueRef::Int(*l));
        }
        (None, Some(_)) => {
            if let Some(all) = w.dialect().no_limit() {
                w.push_sql(" LIMIT ");
                w.push_sql(all);
            }
        }
        (None, None) => {}
    }
    if let Some(o) = offset {
        w.push_sql(" OFFSET ");
        w.push_bind(ValueRef::Int(*o));
    }
}

impl<S, F, W, G, H, O, D> Statement for Select<S, F, W, Modifiers<G, H, O, D>> where Self: Render {}

impl<S, F, W, G, H, O, D> Query for Select<S, F, W, Modifiers<G, H, O, D>>
where
    S: Selection,
    Self: Render,
{
    type SqlType = S::SqlType;
}
