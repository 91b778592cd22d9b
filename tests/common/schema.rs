//! The schema the execution tests share, written by hand as a user would.
//!
//! - `users`: an autoincrement key, a unique name, an optional full name;
//! - `posts`: belongs to a user (deleted with it), a score that a CHECK
//!   keeps non-negative, an optional body;
//! - `kinds` / `null_kinds`: one column per SQL type, NOT NULL and
//!   nullable, for round trips.
//!
//! Keyed text columns are `Varchar<N>`: MySQL cannot index TEXT.

use sqlalgebra::prelude::*;
use sqlalgebra::value::Row;
use sqlalgebra::{Connection, Result};

/// Every table, in no particular order (`create_all` sorts them).
pub type All = (Posts, Users, Kinds, NullKinds);

/// Declares plain columns (no key, default, check or foreign key).
macro_rules! plain_columns {
    ($table:ty { $($col:ident: $st:ty = $name:literal;)* }) => {$(
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $col;
        impl Column for $col {
            type Table = $table;
            type SqlType = $st;
            const NAME: &'static str = $name;
        }
    )*};
}

/// `users`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Users;
impl Table for Users {
    const NAME: &'static str = "users";
    type Columns = (users::Id, users::Name, users::Fullname);
    type PrimaryKey = users::Id;
}

/// Columns of `users`.
pub mod users {
    use sqlalgebra::prelude::*;

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::Users;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Name;
    impl Column for Name {
        type Table = super::Users;
        type SqlType = Varchar<50>;
        const NAME: &'static str = "name";
        const UNIQUE: bool = true;
    }

    plain_columns!(super::Users {
        Fullname: Nullable<Text> = "fullname";
    });
}

/// `posts`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Posts;
impl Table for Posts {
    const NAME: &'static str = "posts";
    type Columns = (
        posts::Id,
        posts::UserId,
        posts::Title,
        posts::Score,
        posts::Body,
    );
    type PrimaryKey = posts::Id;
}

/// Columns of `posts`.
pub mod posts {
    use sqlalgebra::prelude::*;

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::Posts;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct UserId;
    impl Column for UserId {
        type Table = super::Posts;
        type SqlType = BigInt;
        const NAME: &'static str = "user_id";
        const REFERENCES: Option<ForeignKey> =
            Some(ForeignKey::to::<super::users::Id>().on_delete(ReferentialAction::Cascade));
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Score;
    impl Column for Score {
        type Table = super::Posts;
        type SqlType = Integer;
        const NAME: &'static str = "score";
        const CHECK: Option<&'static str> = Some("score >= 0");
    }

    plain_columns!(super::Posts {
        Title: Text = "title";
        Body: Nullable<Text> = "body";
    });
}

/// `kinds`: one NOT NULL column per SQL type.
#[derive(Clone, Copy, Debug, Default)]
pub struct Kinds;
impl Table for Kinds {
    const NAME: &'static str = "kinds";
    type Columns = (
        kinds::Id,
        kinds::Small,
        kinds::Int,
        kinds::Big,
        kinds::Real,
        kinds::Double,
        kinds::Text,
        kinds::Flag,
        kinds::Blob,
    );
    type PrimaryKey = kinds::Id;
}

/// Columns of `kinds`.
pub mod kinds {
    use sqlalgebra::prelude::*;
    use sqlalgebra::types;

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::Kinds;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }

    plain_columns!(super::Kinds {
        Small: SmallInt = "small_v";
        Int: Integer = "int_v";
        Big: BigInt = "big_v";
        Real: types::Real = "real_v";
        Double: types::Double = "double_v";
        Text: types::Text = "text_v";
        Flag: Bool = "bool_v";
        Blob: types::Blob = "blob_v";
    });
}

/// `null_kinds`: one nullable column per SQL type.
#[derive(Clone, Copy, Debug, Default)]
pub struct NullKinds;
impl Table for NullKinds {
    const NAME: &'static str = "null_kinds";
    type Columns = (
        null_kinds::Id,
        null_kinds::Small,
        null_kinds::Int,
        null_kinds::Big,
        null_kinds::Real,
        null_kinds::Double,
        null_kinds::Text,
        null_kinds::Flag,
        null_kinds::Blob,
    );
    type PrimaryKey = null_kinds::Id;
}

/// Columns of `null_kinds`.
pub mod null_kinds {
    use sqlalgebra::prelude::*;
    use sqlalgebra::types;

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = super::NullKinds;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }

    plain_columns!(super::NullKinds {
        Small: Nullable<SmallInt> = "small_v";
        Int: Nullable<Integer> = "int_v";
        Big: Nullable<BigInt> = "big_v";
        Real: Nullable<types::Real> = "real_v";
        Double: Nullable<types::Double> = "double_v";
        Text: Nullable<types::Text> = "text_v";
        Flag: Nullable<Bool> = "bool_v";
        Blob: Nullable<types::Blob> = "blob_v";
    });
}

/// A row of `kinds` (without its id), loaded through a hand-written
/// `FromRow` as a user would write one.
#[derive(Debug, Clone, PartialEq)]
pub struct Kind {
    pub small: i16,
    pub int: i32,
    pub big: i64,
    pub real: f32,
    pub double: f64,
    pub text: String,
    pub flag: bool,
    pub blob: Vec<u8>,
}

/// The SQL types of [`Kind`]'s columns.
pub type KindSql = (SmallInt, Integer, BigInt, Real, Double, Text, Bool, Blob);

impl FromRow<KindSql> for Kind {
    const WIDTH: usize = 8;
    fn from_row<R: Row + ?Sized>(row: &mut R, at: usize) -> Result<Self> {
        let (small, int, big, real, double, text, flag, blob) =
            <(i16, i32, i64, f32, f64, String, bool, Vec<u8>) as FromRow<KindSql>>::from_row(
                row, at,
            )?;
        Ok(Kind {
            small,
            int,
            big,
            real,
            double,
            text,
            flag,
            blob,
        })
    }
}

impl Default for Kind {
    fn default() -> Self {
        Kind {
            small: 0,
            int: 0,
            big: 0,
            real: 0.0,
            double: 0.0,
            text: String::new(),
            flag: false,
            blob: Vec::new(),
        }
    }
}

impl Kind {
    /// Inserts the row; returns how many rows the INSERT reported.
    pub fn insert(&self, conn: &mut impl Connection) -> Result<u64> {
        insert_into(Kinds)
            .values((
                kinds::Small.set(self.small),
                kinds::Int.set(self.int),
                kinds::Big.set(self.big),
                kinds::Real.set(self.real),
                kinds::Double.set(self.double),
                kinds::Text.set(&self.text),
                kinds::Flag.set(self.flag),
                kinds::Blob.set(self.blob.as_slice()),
            ))
            .execute(conn)
    }

    /// Every row of `kinds`, in insertion order.
    pub fn load_all(conn: &mut impl Connection) -> Result<Vec<Kind>> {
        select((
            kinds::Small,
            kinds::Int,
            kinds::Big,
            kinds::Real,
            kinds::Double,
            kinds::Text,
            kinds::Flag,
            kinds::Blob,
        ))
        .order_by(kinds::Id)
        .load(conn)
    }
}

/// A row of `null_kinds` (without its id).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NullKind {
    pub small: Option<i16>,
    pub int: Option<i32>,
    pub big: Option<i64>,
    pub real: Option<f32>,
    pub double: Option<f64>,
    pub text: Option<String>,
    pub flag: Option<bool>,
    pub blob: Option<Vec<u8>>,
}

impl NullKind {
    /// Inserts the row.
    pub fn insert(&self, conn: &mut impl Connection) -> Result<u64> {
        insert_into(NullKinds)
            .values((
                null_kinds::Small.set(self.small),
                null_kinds::Int.set(self.int),
                null_kinds::Big.set(self.big),
                null_kinds::Real.set(self.real),
                null_kinds::Double.set(self.double),
                null_kinds::Text.set(self.text.as_deref()),
                null_kinds::Flag.set(self.flag),
                null_kinds::Blob.set(self.blob.as_deref()),
            ))
            .execute(conn)
    }

    /// Every row of `null_kinds`, in insertion order.
    pub fn load_all(conn: &mut impl Connection) -> Result<Vec<NullKind>> {
        let rows: Vec<(
            Option<i16>,
            Option<i32>,
            Option<i64>,
            Option<f32>,
            Option<f64>,
            Option<String>,
            Option<bool>,
            Option<Vec<u8>>,
        )> = select((
            null_kinds::Small,
            null_kinds::Int,
            null_kinds::Big,
            null_kinds::Real,
            null_kinds::Double,
            null_kinds::Text,
            null_kinds::Flag,
            null_kinds::Blob,
        ))
        .order_by(null_kinds::Id)
        .load(conn)?;
        Ok(rows
            .into_iter()
            .map(
                |(small, int, big, real, double, text, flag, blob)| NullKind {
                    small,
                    int,
                    big,
                    real,
                    double,
                    text,
                    flag,
                    blob,
                },
            )
            .collect())
    }
}

/// Inserts a user; returns its id.
pub fn add_user(conn: &mut impl Connection, name: &str, fullname: Option<&str>) -> Result<i64> {
    insert_into(Users)
        .values((users::Name.set(name), users::Fullname.set(fullname)))
        .execute(conn)?;
    select(users::Id).filter(users::Name.eq(name)).get(conn)
}

/// Inserts a post; returns its id.
pub fn add_post(conn: &mut impl Connection, user: i64, title: &str, score: i32) -> Result<i64> {
    insert_into(Posts)
        .values((
            posts::UserId.set(user),
            posts::Title.set(title),
            posts::Score.set(score),
        ))
        .execute(conn)?;
    let id: Option<i64> = select(max(posts::Id)).get(conn)?;
    Ok(id.expect("a post was just inserted"))
}

/// The names of all users, sorted.
pub fn user_names(conn: &mut impl Connection) -> Result<Vec<String>> {
    select(users::Name).order_by(users::Name).load(conn)
}

/// How many rows `T` has.
pub fn count_rows<T: Table>(conn: &mut impl Connection, table: T) -> Result<i64> {
    select(count_star()).from(table).get(conn)
}
