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
    /// The CTE's column that its query selected as column `C`.
    pub fn col<C: Column>(&self, _column: C) -> SourceColumn<C::SqlType> {
        SourceColumn::new(self.name, C::NAME)
    }

    /// The CTE's column labelled `name` in its query, typed as `ST`.
    pub fn field<ST>(&self, name: &'static str) -> SourceColumn<ST> {
        SourceColumn::new(self.name, name)
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

impl<D: CteList, Q: Render> Statement for With<D, Q> {}

impl<D: CteList, Q: Query> Query for With<D, Q> {
    type SqlType = Q::SqlType;
}
