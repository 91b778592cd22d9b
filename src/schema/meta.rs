//! Run-time schema metadata, read off the `Table` and `Column` impls.

use super::{Column, ColumnList, KeyColumns, Table};
use crate::types::{SqlKind, SqlType};

/// A column's DEFAULT.
///
/// ```
/// use sqlalgebra::schema::ColumnDefault;
/// let d = ColumnDefault::Now;
/// assert_ne!(d, ColumnDefault::Int(0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum ColumnDefault {
    /// An integer literal.
    Int(i64),
    /// A float literal.
    Float(f64),
    /// A boolean literal.
    Bool(bool),
    /// A string literal (quoted and escaped by the dialect).
    Text(&'static str),
    /// The current timestamp (`now()` / `CURRENT_TIMESTAMP`).
    Now,
    /// Any SQL expression, written as is. It comes from your schema
    /// source, never from user input.
    Sql(&'static str),
}

/// What a foreign key does when the referenced row goes away.
///
/// ```
/// use sqlalgebra::schema::ReferentialAction;
/// assert_eq!(ReferentialAction::Cascade.sql(), "CASCADE");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReferentialAction {
    /// Refuse (the default).
    NoAction,
    /// Refuse, checked immediately.
    Restrict,
    /// Delete / update the referencing rows too.
    Cascade,
    /// Set the referencing column to NULL.
    SetNull,
    /// Set the referencing column to its DEFAULT.
    SetDefault,
}

impl ReferentialAction {
    /// The SQL keywords.
    pub fn sql(self) -> &'static str {
        match self {
            ReferentialAction::NoAction => "NO ACTION",
            ReferentialAction::Restrict => "RESTRICT",
            ReferentialAction::Cascade => "CASCADE",
            ReferentialAction::SetNull => "SET NULL",
            ReferentialAction::SetDefault => "SET DEFAULT",
        }
    }
}

/// A foreign key from a column to a column of another (or the same) table.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::schema::{ForeignKey, ReferentialAction};
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Users;
/// # impl Table for Users { const NAME: &'static str = "users"; type Columns = Id; type PrimaryKey = Id; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Id;
/// # impl Column for Id { type Table = Users; type SqlType = BigInt; const NAME: &'static str = "id"; }
/// const FK: ForeignKey = ForeignKey::to::<Id>().on_delete(ReferentialAction::Cascade);
/// assert_eq!((FK.table, FK.column), ("users", "id"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ForeignKey {
    /// The referenced table.
    pub table: &'static str,
    /// The referenced column.
    pub column: &'static str,
    /// ON DELETE.
    pub on_delete: ReferentialAction,
    /// ON UPDATE.
    pub on_update: ReferentialAction,
}

impl ForeignKey {
    /// A foreign key to column `C`.
    pub const fn to<C: Column>() -> Self {
        ForeignKey {
            table: <C::Table as Table>::NAME,
            column: C::NAME,
            on_delete: ReferentialAction::NoAction,
            on_update: ReferentialAction::NoAction,
        }
    }

    /// Sets ON DELETE.
    #[must_use]
    pub const fn on_delete(mut self, action: ReferentialAction) -> Self {
        self.on_delete = action;
        self
    }

    /// Sets ON UPDATE.
    #[must_use]
    pub const fn on_update(mut self, action: ReferentialAction) -> Self {
        self.on_update = action;
        self
    }
}

/// A table-level foreign key over several columns (a composite key), for
/// [`Table::FOREIGN_KEYS`]: `FOREIGN KEY ("a", "b") REFERENCES "t" ("x", "y")`.
/// Made with [`foreign_key`].
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::schema::CompositeForeignKey;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (X, Y); type PrimaryKey = (X, Y); }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct X;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Y;
/// # impl Column for X { type Table = T; type SqlType = BigInt; const NAME: &'static str = "x"; }
/// # impl Column for Y { type Table = T; type SqlType = BigInt; const NAME: &'static str = "y"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct U;
/// # impl Table for U { const NAME: &'static str = "u"; type Columns = (A, B); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
/// # impl Column for A { type Table = U; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # impl Column for B { type Table = U; type SqlType = BigInt; const NAME: &'static str = "b"; }
/// const FK: CompositeForeignKey = foreign_key::<(A, B), (X, Y)>();
/// assert_eq!((FK.columns, FK.table, FK.references), (&["a", "b"][..], "t", &["x", "y"][..]));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CompositeForeignKey {
    /// The referencing columns, in this table.
    pub columns: &'static [&'static str],
    /// The referenced table.
    pub table: &'static str,
    /// The referenced columns, in the same order.
    pub references: &'static [&'static str],
    /// ON DELETE.
    pub on_delete: ReferentialAction,
    /// ON UPDATE.
    pub on_update: ReferentialAction,
}

impl CompositeForeignKey {
    /// Sets ON DELETE.
    #[must_use]
    pub const fn on_delete(mut self, action: ReferentialAction) -> Self {
        self.on_delete = action;
        self
    }

    /// Sets ON UPDATE.
    #[must_use]
    pub const fn on_update(mut self, action: ReferentialAction) -> Self {
        self.on_update = action;
        self
    }
}

/// A foreign key from the columns `L` (a tuple of this table's columns) to
/// the columns `R` (a tuple of another table's, usually its primary key);
/// see [`CompositeForeignKey`]. Both lists must have the same length (DDL
/// refuses them otherwise).
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::schema::CompositeForeignKey;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Stock;
/// # impl Table for Stock { const NAME: &'static str = "stock"; type Columns = (Part, Supp); type PrimaryKey = (Part, Supp); }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Part;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct Supp;
/// # impl Column for Part { type Table = Stock; type SqlType = BigInt; const NAME: &'static str = "part"; }
/// # impl Column for Supp { type Table = Stock; type SqlType = BigInt; const NAME: &'static str = "supp"; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct LPart;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct LSupp;
/// # impl Column for LPart { type Table = Line; type SqlType = BigInt; const NAME: &'static str = "l_part"; }
/// # impl Column for LSupp { type Table = Line; type SqlType = BigInt; const NAME: &'static str = "l_supp"; }
/// #[derive(Clone, Copy, Debug, Default)]
/// pub struct Line;
/// impl Table for Line {
///     const NAME: &'static str = "line";
///     type Columns = (LPart, LSupp);
///     type PrimaryKey = (LPart, LSupp);
///     const FOREIGN_KEYS: &'static [CompositeForeignKey] =
///         &[foreign_key::<(LPart, LSupp), (Part, Supp)>().on_delete(ReferentialAction::Cascade)];
/// }
/// let ddl = sqlalgebra::schema::create_table::<Line>().statements(&sqlalgebra_sqlite::Sqlite).unwrap();
/// assert!(ddl[0].ends_with(r#"FOREIGN KEY ("l_part", "l_supp") REFERENCES "stock" ("part", "supp") ON DELETE CASCADE)"#));
/// ```
pub const fn foreign_key<L: KeyColumns, R: KeyColumns>() -> CompositeForeignKey {
    CompositeForeignKey {
        columns: L::NAMES,
        table: <R::Table as Table>::NAME,
        references: R::NAMES,
        on_delete: ReferentialAction::NoAction,
        on_update: ReferentialAction::NoAction,
    }
}

/// An index over one or more columns of a table.
///
/// ```
/// use sqlalgebra::schema::Index;
/// let i = Index { name: "idx_a", columns: &["a"], unique: false };
/// assert!(!i.unique);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Index {
    /// The index name.
    pub name: &'static str,
    /// The indexed columns.
    pub columns: &'static [&'static str],
    /// Whether it is a UNIQUE index (a unique constraint over the columns).
    pub unique: bool,
}

/// An index named `name` over the column or columns `L`.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = (A, B); type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct B;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// # impl Column for B { type Table = T; type SqlType = Text; const NAME: &'static str = "b"; }
/// const IDX: sqlalgebra::schema::Index = index::<(A, B)>("idx_t_a_b");
/// assert_eq!(IDX.columns, &["a", "b"]);
/// ```
pub const fn index<L: ColumnList>(name: &'static str) -> Index {
    Index {
        name,
        columns: L::NAMES,
        unique: false,
    }
}

/// A UNIQUE index named `name` over the columns `L`: a table-level unique
/// constraint.
///
/// ```
/// use sqlalgebra::prelude::*;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// assert!(unique_index::<A>("uq_a").unique);
/// ```
pub const fn unique_index<L: ColumnList>(name: &'static str) -> Index {
    Index {
        name,
        columns: L::NAMES,
        unique: true,
    }
}

/// A named table-level CHECK constraint.
///
/// ```
/// use sqlalgebra::schema::check;
/// let c = check("positive_price", "price > 0");
/// assert_eq!(c.name, "positive_price");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Check {
    /// The constraint name.
    pub name: &'static str,
    /// The condition, as SQL text from your schema source.
    pub sql: &'static str,
}

/// A named CHECK constraint over SQL text.
pub const fn check(name: &'static str, sql: &'static str) -> Check {
    Check { name, sql }
}

/// Everything DDL needs to know about one column.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::schema::ColumnDef;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = Nullable<Text>; const NAME: &'static str = "a"; }
/// let d = ColumnDef::of::<A>();
/// assert!(d.nullable);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDef {
    /// The column name.
    pub name: &'static str,
    /// The SQL type.
    pub kind: SqlKind,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// Whether the database assigns the value.
    pub autoincrement: bool,
    /// The DEFAULT.
    pub default: Option<ColumnDefault>,
    /// Whether the column is UNIQUE.
    pub unique: bool,
    /// A CHECK on the column.
    pub check: Option<&'static str>,
    /// A foreign key.
    pub references: Option<ForeignKey>,
}

impl ColumnDef {
    /// The metadata of column `C`.
    pub fn of<C: Column>() -> Self {
        ColumnDef {
            name: C::NAME,
            kind: <C::SqlType as SqlType>::KIND,
            nullable: <C::SqlType as SqlType>::NULLABLE,
            autoincrement: C::AUTOINCREMENT,
            default: C::DEFAULT,
            unique: C::UNIQUE,
            check: C::CHECK,
            references: C::REFERENCES,
        }
    }
}

/// Everything DDL needs to know about one table.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::schema::TableDef;
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// let d = TableDef::of::<T>();
/// assert_eq!(d.primary_key, &["a"]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TableDef {
    /// The table name.
    pub name: &'static str,
    /// The columns.
    pub columns: Vec<ColumnDef>,
    /// The primary key's column names.
    pub primary_key: &'static [&'static str],
    /// Indexes and unique constraints.
    pub indexes: &'static [Index],
    /// Table-level checks.
    pub checks: &'static [Check],
    /// Table-level (composite) foreign keys.
    pub foreign_keys: &'static [CompositeForeignKey],
}

impl TableDef {
    /// The metadata of table `T`.
    pub fn of<T: Table>() -> Self {
        TableDef {
            name: T::NAME,
            columns: T::Columns::defs(),
            primary_key: <T::PrimaryKey as ColumnList>::NAMES,
            indexes: T::INDEXES,
            checks: T::CHECKS,
            foreign_keys: T::FOREIGN_KEYS,
        }
    }

    /// The names of the other tables this one references.
    pub fn dependencies(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.columns
            .iter()
            .filter_map(|c| c.references)
            .map(|fk| fk.table)
            .chain(self.foreign_keys.iter().map(|fk| fk.table))
            .filter(move |t| *t != self.name)
    }
}
