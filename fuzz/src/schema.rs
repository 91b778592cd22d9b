//! The fixed schema: two tables with several SQL types, a keyword as a
//! table name, and column names with a backtick, a double quote and a `?`.

use sqlalgebra::prelude::*;

macro_rules! column {
    ($(#[$doc:meta])* $name:ident, $table:ty, $st:ty, $sql:literal $(, $($extra:tt)*)?) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $name;
        impl Column for $name {
            type Table = $table;
            type SqlType = $st;
            const NAME: &'static str = $sql;
            $($($extra)*)?
        }
    };
}

/// `users`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Users;
impl Table for Users {
    const NAME: &'static str = "users";
    type Columns = (
        users::Id,
        users::Name,
        users::Nickname,
        users::Age,
        users::Score,
        users::Active,
        users::Avatar,
    );
    type PrimaryKey = users::Id;
}

/// Columns of `users`.
pub mod users {
    use sqlalgebra::prelude::*;
    column!(
        /// `id`, the key.
        Id, super::Users, BigInt, "id", const AUTOINCREMENT: bool = true;
    );
    column!(
        /// `name`.
        Name, super::Users, Varchar<30>, "name"
    );
    column!(
        /// ``nick`name``: a backtick in a column name.
        Nickname, super::Users, Nullable<Text>, "nick`name"
    );
    column!(
        /// `age`.
        Age, super::Users, Integer, "age"
    );
    column!(
        /// `score`.
        Score, super::Users, Double, "score"
    );
    column!(
        /// `active`.
        Active, super::Users, Bool, "active"
    );
    column!(
        /// `avatar`.
        Avatar, super::Users, Nullable<Blob>, "avatar"
    );
}

/// `order`: a SQL keyword as a table name.
#[derive(Clone, Copy, Debug, Default)]
pub struct Orders;
impl Table for Orders {
    const NAME: &'static str = "order";
    type Columns = (
        orders::Id,
        orders::UserId,
        orders::Amount,
        orders::Qty,
        orders::Note,
        orders::Shipped,
        orders::Weight,
    );
    type PrimaryKey = orders::Id;
}

/// Columns of `order`.
pub mod orders {
    use sqlalgebra::prelude::*;
    column!(
        /// `id`, the key.
        Id, super::Orders, BigInt, "id", const AUTOINCREMENT: bool = true;
    );
    column!(
        /// `user_id`, referencing `users.id`.
        UserId, super::Orders, BigInt, "user_id",
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<super::users::Id>());
    );
    column!(
        /// `amount`.
        Amount, super::Orders, Nullable<Double>, "amount"
    );
    column!(
        /// `qty`.
        Qty, super::Orders, SmallInt, "qty"
    );
    column!(
        /// `note?`: a question mark in a column name.
        Note, super::Orders, Nullable<Varchar<200>>, "note?"
    );
    column!(
        /// `shipped`.
        Shipped, super::Orders, Nullable<Bool>, "shipped"
    );
    column!(
        /// `we"ight`: a double quote in a column name.
        Weight, super::Orders, Real, "we\"ight"
    );
}
