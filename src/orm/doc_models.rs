//! A small schema for the documentation's examples: users with addresses
//! and a profile, products with tags (many-to-many through
//! `product_tags`). Hidden from the docs; examples write
//! `use sqlalgebra::orm::doc_models::*;` on a hidden line.

#![allow(missing_docs)]

use crate::orm::{BelongsTo, HasMany, HasOne, ManyToMany, Model};
use crate::schema::{Column, ForeignKey, Table};
use crate::types::{BigInt, Nullable, Text};

macro_rules! doc_column {
    ($name:ident: $table:ty, $sql:ty, $col:literal $(; $($k:ident: $t:ty = $v:expr),*)?) => {
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $name;
        impl Column for $name {
            type Table = $table;
            type SqlType = $sql;
            const NAME: &'static str = $col;
            $($(const $k: $t = $v;)*)?
        }
    };
}

macro_rules! doc_table {
    ($name:ident, $sql:literal, ($($col:ty),+), $pk:ty) => {
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $name;
        impl Table for $name {
            const NAME: &'static str = $sql;
            type Columns = ($($col,)+);
            type PrimaryKey = $pk;
        }
    };
}

doc_table!(
    Users,
    "users",
    (users::Id, users::Name, users::Status),
    users::Id
);
pub mod users {
    use super::*;
    doc_column!(Id: Users, BigInt, "id"; AUTOINCREMENT: bool = true);
    doc_column!(Name: Users, Text, "name");
    doc_column!(Status: Users, Text, "status");
}

doc_table!(
    Addresses,
    "addresses",
    (addresses::Id, addresses::UserId, addresses::Email),
    addresses::Id
);
pub mod addresses {
    use super::*;
    doc_column!(Id: Addresses, BigInt, "id"; AUTOINCREMENT: bool = true);
    doc_column!(UserId: Addresses, BigInt, "user_id"; REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<users::Id>()));
    doc_column!(Email: Addresses, Text, "email");
}

doc_table!(
    Profiles,
    "profiles",
    (profiles::Id, profiles::UserId, profiles::Bio),
    profiles::Id
);
pub mod profiles {
    use super::*;
    doc_column!(Id: Profiles, BigInt, "id"; AUTOINCREMENT: bool = true);
    doc_column!(UserId: Profiles, BigInt, "user_id"; UNIQUE: bool = true, REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<users::Id>()));
    doc_column!(Bio: Profiles, Nullable<Text>, "bio");
}

doc_table!(
    Products,
    "products",
    (products::Id, products::Name),
    products::Id
);
pub mod products {
    use super::*;
    doc_column!(Id: Products, BigInt, "id"; AUTOINCREMENT: bool = true);
    doc_column!(Name: Products, Text, "name");
}

doc_table!(Tags, "tags", (tags::Id, tags::Name), tags::Id);
pub mod tags {
    use super::*;
    doc_column!(Id: Tags, BigInt, "id"; AUTOINCREMENT: bool = true);
    doc_column!(Name: Tags, Text, "name");
}

doc_table!(
    ProductTags,
    "product_tags",
    (product_tags::ProductId, product_tags::TagId),
    (product_tags::ProductId, product_tags::TagId)
);
pub mod product_tags {
    use super::*;
    doc_column!(ProductId: ProductTags, BigInt, "product_id"; REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<products::Id>()));
    doc_column!(TagId: ProductTags, BigInt, "tag_id"; REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<tags::Id>()));
}

/// Every table, for `create_all`.
pub type AllTables = (Users, Addresses, Profiles, Products, Tags, ProductTags);

macro_rules! doc_model {
    ($name:ident: $table:ty, ($($field:ident: $ty:ty = $col:ty),+)) => {
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name { $(pub $field: $ty),+ }
        impl Model for $name {
            type Table = $table;
            type Columns = ($($col,)+);
            type Row = ($($ty,)+);
            type Key = i64;
            fn from_row(($($field,)+): Self::Row) -> Self { $name { $($field),+ } }
            fn values(&self) -> ($(&$ty,)+) { ($(&self.$field,)+) }
            fn key(&self) -> i64 { self.id }
            fn set_generated_key(&mut self, id: i64) { self.id = id; }
        }
    };
}

doc_model!(User: Users, (id: i64 = users::Id, name: String = users::Name, status: String = users::Status));
doc_model!(Address: Addresses, (id: i64 = addresses::Id, user_id: i64 = addresses::UserId, email: String = addresses::Email));
doc_model!(Profile: Profiles, (id: i64 = profiles::Id, user_id: i64 = profiles::UserId, bio: Option<String> = profiles::Bio));
doc_model!(Product: Products, (id: i64 = products::Id, name: String = products::Name));
doc_model!(Tag: Tags, (id: i64 = tags::Id, name: String = tags::Name));

impl BelongsTo<User> for Address {
    type ForeignKey = addresses::UserId;
    fn parent_key(&self) -> Option<i64> {
        Some(self.user_id)
    }
    fn set_parent_key(&mut self, key: i64) {
        self.user_id = key;
    }
}
impl HasMany<Address> for User {}

impl BelongsTo<User> for Profile {
    type ForeignKey = profiles::UserId;
    fn parent_key(&self) -> Option<i64> {
        Some(self.user_id)
    }
    fn set_parent_key(&mut self, key: i64) {
        self.user_id = key;
    }
}
impl HasMany<Profile> for User {}
impl HasOne<Profile> for User {}

impl ManyToMany<Tag> for Product {
    type Link = ProductTags;
    type Left = product_tags::ProductId;
    type Right = product_tags::TagId;
}
impl ManyToMany<Product> for Tag {
    type Link = ProductTags;
    type Left = product_tags::TagId;
    type Right = product_tags::ProductId;
}
