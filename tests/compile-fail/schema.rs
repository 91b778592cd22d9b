//! The schema every compile-fail case uses: `users` and `posts`.
//!
//! Included from each case with `#[path = "../schema.rs"] mod schema;`, so
//! it sits outside the `ui/*.rs` glob.
#![allow(dead_code)]

use sqlalgebra::prelude::*;

#[derive(Clone, Copy, Debug, Default)]
pub struct Users;
impl Table for Users {
    const NAME: &'static str = "users";
    type Columns = (users::Id, users::Name, users::Fullname);
    type PrimaryKey = users::Id;
}

pub mod users {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Name;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Fullname;
    impl Column for Id {
        type Table = super::Users;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    impl Column for Name {
        type Table = super::Users;
        type SqlType = Text;
        const NAME: &'static str = "name";
    }
    impl Column for Fullname {
        type Table = super::Users;
        type SqlType = Nullable<Text>;
        const NAME: &'static str = "fullname";
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Posts;
impl Table for Posts {
    const NAME: &'static str = "posts";
    type Columns = (posts::Id, posts::Title, posts::UserId);
    type PrimaryKey = posts::Id;
}

pub mod posts {
    use sqlalgebra::prelude::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Title;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct UserId;
    impl Column for Id {
        type Table = super::Posts;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
    }
    impl Column for Title {
        type Table = super::Posts;
        type SqlType = Text;
        const NAME: &'static str = "title";
    }
    impl Column for UserId {
        type Table = super::Posts;
        type SqlType = BigInt;
        const NAME: &'static str = "user_id";
    }
}
