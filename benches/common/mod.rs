//! The schema both ORM benchmarks use: one table of users and its model.

use sqlalgebra::prelude::*;

#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Users;
impl Table for Users {
    const NAME: &'static str = "bench_users";
    type Columns = (Id, Name, Email, Karma);
    type PrimaryKey = Id;
}
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Id;
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Name;
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Email;
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Karma;
impl Column for Id {
    type Table = Users;
    type SqlType = BigInt;
    const NAME: &'static str = "id";
    const AUTOINCREMENT: bool = true;
}
impl Column for Name {
    type Table = Users;
    type SqlType = Text;
    const NAME: &'static str = "name";
}
impl Column for Email {
    type Table = Users;
    type SqlType = Nullable<Text>;
    const NAME: &'static str = "email";
}
impl Column for Karma {
    type Table = Users;
    type SqlType = BigInt;
    const NAME: &'static str = "karma";
}

#[derive(Debug, Clone)]
pub(crate) struct User {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) email: Option<String>,
    pub(crate) karma: i64,
}

impl Model for User {
    type Table = Users;
    type Columns = (Id, Name, Email, Karma);
    type Row = (i64, String, Option<String>, i64);
    type Key = i64;
    fn from_row((id, name, email, karma): Self::Row) -> Self {
        User {
            id,
            name,
            email,
            karma,
        }
    }
    fn values(&self) -> (&i64, &String, &Option<String>, &i64) {
        (&self.id, &self.name, &self.email, &self.karma)
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = id;
    }
}
