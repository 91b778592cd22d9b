//! Schema: tables and columns as zero-sized types you implement by hand, and
//! the metadata DDL needs.
//!
//! ```
//! use sqlalgebra::prelude::*;
//!
//! #[derive(Clone, Copy, Debug, Default)]
//! pub struct Users;
//! impl Table for Users {
//!     const NAME: &'static str = "user_account";
//!     type Columns = (users::Id, users::Name);
//!     type PrimaryKey = users::Id;
//! }
//! pub mod users {
//!     use sqlalgebra::prelude::*;
//!     #[derive(Clone, Copy, Debug, Default)] pub struct Id;
//!     #[derive(Clone, Copy, Debug, Default)] pub struct Name;
//!     impl Column for Id {
//!         type Table = super::Users; type SqlType = BigInt; const NAME: &'static str = "id";
//!         const AUTOINCREMENT: bool = true;
//!     }
//!     impl Column for Name {
//!         type Table = super::Users; type SqlType = Varchar<30>; const NAME: &'static str = "name";
//!         const UNIQUE: bool = true;
//!     }
//! }
//! fn main() {
//!     assert_eq!(<Users as Table>::NAME, "user_account");
//! }
//! ```

mod ddl;
mod enum_ddl;
mod meta;
mod reflect;

pub use ddl::{CreateTable, DropTable, TableList, create_all, create_table, drop_all, drop_table};
pub use meta::{
    Check, ColumnDef, ColumnDefault, CompositeForeignKey, ForeignKey, Index, ReferentialAction,
    TableDef, check, foreign_key, index, unique_index,
};
pub use reflect::{AnyRow, DynColumn, DynColumnDef, DynColumns, DynTable, MetaData, reflect};

use crate::render::{NodeTag, SqlKey, SqlWriter, TableRef};
use crate::types::SqlType;

/// A table: implement it on a unit struct.
///
/// Only `NAME`, `Columns` and `PrimaryKey` are required; table-level
/// indexes, unique constraints and checks are optional constants.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a table",
    label = "expected a type that implements `Table`",
    note = "implement `sqlalgebra::Table` on a unit struct to declare a table"
)]
///
/// ```
/// use sqlalgebra::prelude::*;
/// # use sqlalgebra::orm::doc_models::*;
/// assert_eq!(Users::NAME, "users");
/// let engine = sqlalgebra_sqlite::Sqlite::memory()?;
/// let mut conn = engine.connect()?;
/// create_all::<Users>(&mut conn)?; // CREATE TABLE "users" (...)
/// assert_eq!(select(count_star()).from(Users).get::<i64, _>(&mut conn)?, 0);
/// # Ok::<(), sqlalgebra::Error>(())
/// ```
pub trait Table: Copy + Default + Send + Sync + 'static {
    /// The table's name in the database.
    const NAME: &'static str;
    /// All columns, as a tuple, in DDL order.
    type Columns: ColumnList;
    /// The primary key: one column, or a tuple for a composite key.
    type PrimaryKey: ColumnList;
    /// Indexes (also unique ones), made with [`index`] / [`unique_index`].
    const INDEXES: &'static [Index] = &[];
    /// Table-level CHECK constraints, made with [`check`].
    const CHECKS: &'static [Check] = &[];
    /// Foreign keys over several columns, made with [`foreign_key`]
    /// (a single-column one is [`Column::REFERENCES`]).
    const FOREIGN_KEYS: &'static [CompositeForeignKey] = &[];
}

/// A column: implement it on a unit struct, naming its table and SQL type.
///
/// Everything else is an optional constant with a default: autoincrement,
/// DEFAULT, UNIQUE, CHECK and a foreign key. NOT NULL follows from the SQL
/// type (`Nullable<T>` allows NULL).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a column",
    note = "implement `sqlalgebra::Column` on a unit struct to declare a column"
)]
///
/// ```
/// use sqlalgebra::prelude::*;
/// # use sqlalgebra::orm::doc_models::*;
/// assert_eq!(users::Name::NAME, "name");
/// let q = select(users::Name).filter(users::Status.eq("active"));
/// assert_eq!(
///     q.to_sql(&sqlalgebra_mysql::Mysql)?.sql,
///     "SELECT `users`.`name` FROM `users` WHERE `users`.`status` = ?"
/// );
/// # Ok::<(), sqlalgebra::Error>(())
/// ```
pub trait Column: Copy + Default + Send + Sync + 'static {
    /// The table the column belongs to.
    type Table: Table;
    /// The column's SQL type.
    type SqlType: SqlType;
    /// The column's name in the database.
    const NAME: &'static str;
    /// Whether the database assigns the value (an integer primary key).
    const AUTOINCREMENT: bool = false;
    /// The DEFAULT of the column.
    const DEFAULT: Option<ColumnDefault> = None;
    /// Whether the column is UNIQUE.
    const UNIQUE: bool = false;
    /// A CHECK constraint on the column, as SQL text over its own name.
    const CHECK: Option<&'static str> = None;
    /// The column this one references, made with [`ForeignKey::to`].
    const REFERENCES: Option<ForeignKey> = None;
}

/// One column or a tuple of columns (as in a primary key or an index).
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, B); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # impl Column for B { type Table = T; type SqlType = Text; const NAME: &'static str = "b"; }
/// assert_eq!(<(A, B) as ColumnList>::NAMES, &["a", "b"]);
/// ```
pub trait ColumnList: Send + Sync + 'static {
    /// The column names, in order.
    const NAMES: &'static [&'static str];
    /// The DDL metadata of each column, in order.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::types::SqlKind;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let defs = <(profiles::Id, profiles::Bio) as ColumnList>::defs();
    /// assert_eq!((defs[0].name, defs[0].kind, defs[0].autoincrement), ("id", SqlKind::BigInt, true));
    /// assert_eq!((defs[1].name, defs[1].nullable), ("bio", true));
    /// ```
    fn defs() -> Vec<ColumnDef>;
}

impl<C: Column> ColumnList for C {
    const NAMES: &'static [&'static str] = &[C::NAME];
    fn defs() -> Vec<ColumnDef> {
        vec![ColumnDef::of::<C>()]
    }
}

macro_rules! tuple_column_list {
    ($($T:ident $S:ident),+) => {
        impl<$($T: Column),+> ColumnList for ($($T,)+) {
            const NAMES: &'static [&'static str] = &[$($T::NAME),+];
            fn defs() -> Vec<ColumnDef> {
                vec![$(ColumnDef::of::<$T>()),+]
            }
        }
    };
}
crate::macros::for_tuples!(tuple_column_list);

/// One column or a tuple of columns, all of the same table: the two sides
/// of a [`foreign_key`].
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::schema::KeyColumns;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, B); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # impl Column for B { type Table = T; type SqlType = Text; const NAME: &'static str = "b"; }
/// assert_eq!(<<(A, B) as KeyColumns>::Table as Table>::NAME, "t");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a column or a tuple of columns of one table",
    label = "a composite foreign key joins columns of one table to columns of one other table"
)]
pub trait KeyColumns: ColumnList {
    /// The table the columns belong to.
    type Table: Table;
}

impl<C: Column> KeyColumns for C {
    type Table = C::Table;
}

macro_rules! tuple_key_columns {
    ($first:ident $fs:ident $(, $T:ident $S:ident)*) => {
        impl<$first: Column $(, $T: Column<Table = <$first as Column>::Table>)*> KeyColumns
            for ($first, $($T,)*)
        {
            type Table = <$first as Column>::Table;
        }
    };
}
crate::macros::for_tuples!(tuple_key_columns);

/// Anything that can stand in a FROM clause or be joined: a table, an
/// alias of one, a derived table (a subquery under a name) or a CTE.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used in FROM or JOIN",
    label = "expected a table, `alias(table, \"name\")`, a named subquery or a CTE"
)]
///
/// ```
/// use sqlalgebra::prelude::*;
/// # use sqlalgebra::orm::doc_models::*;
/// // Tables, aliases, named subqueries and CTEs are all query sources.
/// let u = alias(Users, "u");
/// let q = select(u.col(users::Name)).from(u);
/// assert_eq!(
///     q.to_sql(&sqlalgebra_sqlite::Sqlite)?.sql,
///     "SELECT \"u\".\"name\" FROM \"users\" AS \"u\""
/// );
/// # Ok::<(), sqlalgebra::Error>(())
/// ```
pub trait QuerySource {
    /// How the source is named in FROM and how its columns are qualified.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::render::TableRef;
    /// use sqlalgebra::schema::QuerySource;
    /// # use sqlalgebra::orm::doc_models::*;
    /// assert_eq!(Users.table_ref(), TableRef::new("users"));
    /// let u = alias(Users, "u");
    /// assert_eq!(u.table_ref().exposed_name(), "u"); // its columns are "u"."..."
    /// assert_eq!(u.table_ref().name, "users");
    /// ```
    fn table_ref(&self) -> TableRef<'static>;

    /// Writes the source as it stands in FROM: `"users"`, `"users" AS "m"`,
    /// `(SELECT ...) AS "s"`.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::render::SqlWriter;
    /// use sqlalgebra::schema::QuerySource;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let u = alias(Users, "u");
    /// let mut w = SqlWriter::new(&sqlalgebra_sqlite::Sqlite);
    /// u.write_from(&mut w);
    /// assert_eq!(w.sql(), r#""users" AS "u""#);
    /// ```
    fn write_from<'a>(&'a self, w: &mut SqlWriter<'a>) {
        w.push_table(self.table_ref());
    }

    /// The source's [`sql_key`](crate::render::Render::sql_key) as it
    /// stands in FROM. `false` (the default): not described.
    ///
    /// ```
    /// use sqlalgebra::prelude::*;
    /// use sqlalgebra::render::SqlKey;
    /// use sqlalgebra::schema::QuerySource;
    /// # use sqlalgebra::orm::doc_models::*;
    /// let (mut a, mut b) = (SqlKey::new(), SqlKey::new());
    /// assert!(Users.source_key(&mut a) && Tags.source_key(&mut b));
    /// assert_ne!(a.words(), b.words()); // two tables: two texts
    /// ```
    #[inline]
    fn source_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        let _ = key;
        false
    }
}

impl<T: Table> QuerySource for T {
    fn table_ref(&self) -> TableRef<'static> {
        TableRef::new(T::NAME)
    }
    #[inline]
    fn source_key<'a>(&'a self, key: &mut SqlKey<'a>) -> bool {
        static TABLE: NodeTag = NodeTag::new("table");
        key.tag(&TABLE);
        key.name(T::NAME);
        true
    }
}

/// `Self` and `T` are the same table: what `insert_into(T)` and
/// `update(T)` demand of the table of every column they set.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::schema::SameTable;
/// # use sqlalgebra::orm::doc_models::*;
/// fn same<A: SameTable<B>, B: Table>() {}
/// same::<Users, Users>();
/// // `insert_into(Users).values(tags::Name.set("x"))` does not compile:
/// // `Tags: SameTable<Users>` does not hold.
/// ```
#[diagnostic::on_unimplemented(
    message = "a column of table `{Self}` cannot be set in a statement on table `{T}`",
    label = "this column belongs to `{Self}`, not `{T}`",
    note = "an INSERT or UPDATE can only set columns of its own table"
)]
pub trait SameTable<T: Table>: Table {}

impl<T: Table> SameTable<T> for T {}
