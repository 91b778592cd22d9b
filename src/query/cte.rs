//! Common table expressions: WITH and WITH RECURSIVE.

use super::run::Query;
use super::subquery::SourceColumn;
use crate::render::{Render, SqlWriter, Statement, TableRef};
use crate::schema::{Column, QuerySource};

/// The name of a common table expression: usable as a table in FROM and
/// JOIN (also inside its own definition, for a recursive CTE), with typed
/// columns.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::query::cte;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Emp;
/// # impl Table for Emp { const NAME: &'static str = "emp"; type Columns = (Id, Boss); type PrimaryKey = Id; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Boss;
/// # impl Column for Id { type Table = Emp; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// # impl Column for Boss { type Table = Emp; type SqlType = Nullable<BigInt>; const NAME: &'static str = "boss"; }
/// // Everyone under employee 1, at any depth.
/// let tree = cte("tree");
/// let def = tree.as_(
///     select(Id).filter(Id.eq(1))
///         .union_all(select(Id).join(tree, Boss.eq(tree.col(Id)))),
/// );
/// let q = select(tree.col(Id)).from(tree).with_recursive(def);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cte {
    name: &'static str,
}

/// A CTE named `name`; define it with [`Cte::as_`].
pub fn cte(name: &'static str) -> Cte {
    Cte { name }
}

impl Cte {
    /// The CTE's column that its query selected as column `C`, unchecked:
    /// prefer [`CteDef::col`] and, in a recursive CTE,
    /// [`Cte::selecting`], typed by what the query selects.
    pub fn col<C: Column>(&self, _column: C) -> SourceColumn<C::SqlType> {
        SourceColumn::new(self.name, C::NAME)
    }

    /// The CTE's column labelled `name` in its query, typed as `ST` on the
    /// caller's word: the dynamic escape hatch.
    pub fn field<ST>(&self, name: &'static str) -> SourceColumn<ST> {
        SourceColumn::new(self.name, name)
    }

    /// This CTE typed by the SELECT list of `anchor`, the first part of a
    /// recursive definition: its columns are then reached typed, also in
    /// the recursive part ([`CteOf`](super::CteOf)).
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
    /// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
    /// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
    /// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
    /// let anchor = select(A);
    /// let c = cte("c").selecting(&anchor);
    /// ```
    pub fn selecting<Q: super::Selects>(
        self,
        _anchor: &Q,
    ) -> super::CteOf<<Q::Items as super::ItemList>::List> {
        super::CteOf::new(self.name)
    }

    /// Defines the CTE as `query`.
    pub fn as_<Q: Query>(self, query: Q) -> CteDef<Q> {
        CteDef {
            name: self.name,
            query,
        }
    }
}

impl QuerySource for Cte {
    fn table_ref(&self) -> TableRef<'static> {
        TableRef::new(self.name)
    }
}

/// A CTE with its query: `"name" AS (SELECT ...)`.
#[derive(Debug, Clone, Copy)]
pub struct CteDef<Q> {
    name: &'static str,
    query: Q,
}

impl<Q> CteDef<Q> {
    /// The CTE's name.
    pub(crate) fn name(&self) -> &'static str {
        self.name
    }
    /// Its query.
    pub(crate) fn query(&self) -> &Q {
        &self.query
    }
}

impl<Q: Render> Render for CteDef<Q> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_ident(self.name);
        w.push_sql(" AS (");
        // A CTE's body stands on its own, like a derived table: tables of
        // an enclosing statement stay in its FROM.
        let outer = w.isolate_scope();
        self.query.render(w);
        w.restore_scope(outer);
        w.push_sql(")");
    }
}

/// One CTE definition or a tuple of them.
pub trait CteList: Render {}
impl<Q: Render> CteList for CteDef<Q> {}

macro_rules! tuple_cte_list {
    ($($T:ident $S:ident),+) => {
        impl<$($T: Render),+> CteList for ($(CteDef<$T>,)+) {}
    };
}
crate::macros::for_tuples!(tuple_cte_list);

/// A query preceded by its CTEs: `WITH [RECURSIVE] ... SELECT ...`.
#[derive(Debug, Clone, Copy)]
#[must_use = "a statement does nothing until it is run"]
pub struct With<D, Q> {
    defs: D,
    query: Q,
    recursive: bool,
}

/// `with` and `with_recursive`: for every query.
pub trait WithMethods: Query + Sized {
    /// Puts `WITH defs` before this query.
    fn with<D: CteList>(self, defs: D) -> With<D, Self> {
        With {
            defs,
            query: self,
            recursive: false,
        }
    }

    /// Puts `WITH RECURSIVE defs` before this query: a CTE may refer to
    /// itself (anchor `UNION ALL` recursive part).
    fn with_recursive<D: CteList>(self, defs: D) -> With<D, Self> {
        With {
            defs,
            query: self,
            recursive: true,
        }
    }
}

impl<Q: Query> WithMethods for Q {}

impl<D: CteList, Q: Render> Render for With<D, Q> {
    fn render<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_sql(if self.recursive {
            "WITH RECURSIVE "
        } else {
            "WITH "
        });
        self.defs.render(w);
        w.push_sql(" ");
        self.query.render(w);
    }
}

impl<D, Q> With<D, Q> {
    /// The query after the CTEs.
    pub(crate) fn body(&self) -> &Q {
        &self.query
    }
}

impl<D: CteList, Q: Render> Statement for With<D, Q> {}

impl<D: CteList, Q: Query> Query for With<D, Q> {
    type SqlType = Q::SqlType;
}
