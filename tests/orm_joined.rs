//! Joined eager loading for every relationship kind (many-to-one,
//! one-to-one, one-to-many, many-to-many), several per query and nested
//! (`orders → items → product → tags`), with the rows de-duplicated into
//! objects and collections; the statements each load sends
//! (`assert_statements`) and what it loaded, on the three backends.

#![allow(unreachable_pub)] // the shared test modules are `pub` for every test crate
#![allow(missing_docs)] // test models

mod common;

use common::on_all_backends;
use sqlalgebra::engine::Backend;
use sqlalgebra::hooks::{Hooked, assert_statements, count_statements};
use sqlalgebra::orm::{HasOne, ManyToMany};
use sqlalgebra::prelude::*;
use sqlalgebra::schema::ForeignKey;
use sqlalgebra::{Engine, ErrorKind, Result};

/// Declares a column on a unit struct (tests only; users write the impl).
macro_rules! column {
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

/// Declares a table.
macro_rules! table {
    ($name:ident, $sql:literal, $cols:ty, $pk:ty) => {
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $name;
        impl Table for $name {
            const NAME: &'static str = $sql;
            type Columns = $cols;
            type PrimaryKey = $pk;
        }
    };
}

table!(
    Customers,
    "eager_customers",
    (customers::Id, customers::Name),
    customers::Id
);
pub mod customers {
    use super::*;
    column!(Id: Customers, BigInt, "id"; AUTOINCREMENT: bool = true);
    column!(Name: Customers, Text, "name");
}
table!(
    Cards,
    "eager_cards",
    (cards::Id, cards::CustomerId, cards::Points),
    cards::Id
);
pub mod cards {
    use super::*;
    column!(Id: Cards, BigInt, "id"; AUTOINCREMENT: bool = true);
    column!(CustomerId: Cards, BigInt, "customer_id"; UNIQUE: bool = true,
        REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<customers::Id>()));
    column!(Points: Cards, BigInt, "points");
}
table!(
    Orders,
    "eager_orders",
    (orders::Id, orders::CustomerId, orders::Note),
    orders::Id
);
pub mod orders {
    use super::*;
    column!(Id: Orders, BigInt, "id"; AUTOINCREMENT: bool = true);
    column!(CustomerId: Orders, BigInt, "customer_id";
        REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<customers::Id>()));
    column!(Note: Orders, Text, "note");
}
table!(
    Products,
    "eager_products",
    (products::Id, products::Name),
    products::Id
);
pub mod products {
    use super::*;
    column!(Id: Products, BigInt, "id"; AUTOINCREMENT: bool = true);
    column!(Name: Products, Text, "name");
}
table!(
    Items,
    "eager_items",
    (items::Id, items::OrderId, items::ProductId, items::Qty),
    items::Id
);
pub mod items {
    use super::*;
    column!(Id: Items, BigInt, "id"; AUTOINCREMENT: bool = true);
    column!(OrderId: Items, BigInt, "order_id";
        REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<orders::Id>()));
    column!(ProductId: Items, BigInt, "product_id";
        REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<products::Id>()));
    column!(Qty: Items, BigInt, "qty");
}
table!(Tags, "eager_tags", (tags::Id, tags::Name), tags::Id);
pub mod tags {
    use super::*;
    column!(Id: Tags, BigInt, "id"; AUTOINCREMENT: bool = true);
    column!(Name: Tags, Text, "name");
}
table!(
    ProductTags,
    "eager_product_tags",
    (product_tags::ProductId, product_tags::TagId),
    (product_tags::ProductId, product_tags::TagId)
);
pub mod product_tags {
    use super::*;
    column!(ProductId: ProductTags, BigInt, "product_id";
        REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<products::Id>()));
    column!(TagId: ProductTags, BigInt, "tag_id";
        REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<tags::Id>()));
}

type AllTables = (Customers, Cards, Orders, Products, Items, Tags, ProductTags);

/// Declares a model over every column of its table (all `i64` or
/// `String`).
macro_rules! model {
    ($name:ident: $table:ty, ($($col:ty => $field:ident: $ty:ty),+)) => {
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
        }
    };
}

model!(Customer: Customers, (customers::Id => id: i64, customers::Name => name: String));
model!(Card: Cards, (cards::Id => id: i64, cards::CustomerId => customer_id: i64, cards::Points => points: i64));
model!(Order: Orders, (orders::Id => id: i64, orders::CustomerId => customer_id: i64, orders::Note => note: String));
model!(Product: Products, (products::Id => id: i64, products::Name => name: String));
model!(Item: Items, (items::Id => id: i64, items::OrderId => order_id: i64, items::ProductId => product_id: i64, items::Qty => qty: i64));
model!(Tag: Tags, (tags::Id => id: i64, tags::Name => name: String));

/// Declares a many-to-one relationship and its one-to-many inverse.
macro_rules! belongs_to {
    ($child:ty => $parent:ty, $fk:ty, $field:ident) => {
        impl BelongsTo<$parent> for $child {
            type ForeignKey = $fk;
            fn parent_key(&self) -> Option<i64> {
                Some(self.$field)
            }
            fn set_parent_key(&mut self, key: i64) {
                self.$field = key;
            }
        }
        impl HasMany<$child> for $parent {}
    };
}
belongs_to!(Order => Customer, orders::CustomerId, customer_id);
belongs_to!(Card => Customer, cards::CustomerId, customer_id);
belongs_to!(Item => Order, items::OrderId, order_id);
belongs_to!(Item => Product, items::ProductId, product_id);
impl HasOne<Card> for Customer {}
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

/// ann: card (10 points), orders o1 (pen ×2, ink ×1) and o2 (pad ×5);
/// bob: no card, order o3 (pen ×1); cid: nothing. pen is blue and office,
/// ink blue, pad untagged.
fn seed<C: Connection>(conn: &mut C) -> Result<()> {
    drop_all::<AllTables>(conn)?;
    create_all::<AllTables>(conn)?;
    for name in ["ann", "bob", "cid"] {
        insert_into(Customers)
            .values(customers::Name.set(name))
            .execute(conn)?;
    }
    insert_into(Cards)
        .values((cards::CustomerId.set(1), cards::Points.set(10)))
        .execute(conn)?;
    for (customer, note) in [(1, "o1"), (1, "o2"), (2, "o3")] {
        insert_into(Orders)
            .values((orders::CustomerId.set(customer), orders::Note.set(note)))
            .execute(conn)?;
    }
    for name in ["pen", "ink", "pad"] {
        insert_into(Products)
            .values(products::Name.set(name))
            .execute(conn)?;
    }
    for (order, product, qty) in [(1, 1, 2), (1, 2, 1), (2, 3, 5), (3, 1, 1)] {
        insert_into(Items)
            .values((
                items::OrderId.set(order),
                items::ProductId.set(product),
                items::Qty.set(qty),
            ))
            .execute(conn)?;
    }
    for name in ["blue", "office"] {
        insert_into(Tags)
            .values(tags::Name.set(name))
            .execute(conn)?;
    }
    for (product, tag) in [(1, 1), (1, 2), (2, 1)] {
        insert_into(ProductTags)
            .values((
                product_tags::ProductId.set(product),
                product_tags::TagId.set(tag),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// `o1:ann`, ... for each order (its customer through `parent`).
fn order_customers<C: Connection>(
    s: &mut Session<'_, C>,
    os: &[Handle<Order>],
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for &o in os {
        let c = s
            .parent::<Order, Customer>(o)?
            .expect("every order has a customer");
        out.push(format!("{}:{}", s[o].note, s[c].name));
    }
    Ok(out)
}

/// `pen[blue+office]` for a product (its tags through `linked`).
fn product_tags<C: Connection>(s: &mut Session<'_, C>, p: Handle<Product>) -> Result<String> {
    let tags: Vec<String> = s
        .linked::<Product, Tag>(p)?
        .iter()
        .map(|&t| s[t].name.clone())
        .collect();
    Ok(format!("{}[{}]", s[p].name, tags.join("+")))
}

/// `o1: pen x2[blue+office], ink x1[blue]` for each order, through
/// `related`, `parent` and `linked`.
fn order_lines<C: Connection>(s: &mut Session<'_, C>, os: &[Handle<Order>]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for &o in os {
        let mut lines = Vec::new();
        for i in s.related::<Order, Item>(o)? {
            let p = s
                .parent::<Item, Product>(i)?
                .expect("every item has a product");
            lines.push(format!("{} x{}", product_tags(s, p)?, s[i].qty));
        }
        out.push(format!("{}: {}", s[o].note, lines.join(", ")));
    }
    Ok(out)
}

fn expected_lines() -> Vec<String> {
    [
        "o1: pen[blue+office] x2, ink[blue] x1",
        "o2: pad[] x5",
        "o3: pen[blue+office] x1",
    ]
    .map(String::from)
    .to_vec()
}

fn joined_each_kind<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = Hooked::new(engine.connect()?);
    seed(&mut conn)?;
    // Many-to-one: one statement; the two orders of ann share her object.
    assert_statements(&mut conn, 1, |c| {
        let mut s = Session::new(c);
        let os = s
            .query::<Order>()
            .order_by(orders::Id.asc())
            .joined_parent::<Customer>()
            .all()?;
        assert_eq!(
            order_customers(&mut s, &os)?,
            ["o1:ann", "o2:ann", "o3:bob"]
        );
        assert_eq!(
            s.parent::<Order, Customer>(os[0])?,
            s.parent::<Order, Customer>(os[1])?
        );
        assert_eq!(s.count::<Customer>(), 2);
        s.rollback()
    })?;
    // One-to-one: one statement; bob and cid have no card.
    assert_statements(&mut conn, 1, |c| {
        let mut s = Session::new(c);
        let cs = s
            .query::<Customer>()
            .order_by(customers::Name.asc())
            .joined_child::<Card>()
            .all()?;
        let mut cards = Vec::new();
        for c in cs {
            let card = s.related_one::<Customer, Card>(c)?;
            cards.push(card.map(|k| s[k].points));
        }
        assert_eq!(cards, [Some(10), None, None]);
        s.rollback()
    })?;
    // One-to-many: three customers from four rows, cid with no orders.
    assert_statements(&mut conn, 1, |c| {
        let mut s = Session::new(c);
        let cs = s
            .query::<Customer>()
            .order_by(customers::Name.asc())
            .joined_children::<Order>()
            .all()?;
        let mut notes = Vec::new();
        for c in cs {
            let os = s.related::<Customer, Order>(c)?;
            let list: Vec<&str> = os.iter().map(|&o| s[o].note.as_str()).collect();
            notes.push(format!("{}:{}", s[c].name, list.join("+")));
        }
        assert_eq!(notes, ["ann:o1+o2", "bob:o3", "cid:"]);
        s.rollback()
    })?;
    // Many-to-many through the link table.
    assert_statements(&mut conn, 1, |c| {
        let mut s = Session::new(c);
        let ps = s
            .query::<Product>()
            .order_by(products::Id.asc())
            .joined_linked::<Tag>()
            .all()?;
        let mut out = Vec::new();
        for &p in &ps {
            out.push(product_tags(&mut s, p)?);
        }
        assert_eq!(out, ["pen[blue+office]", "ink[blue]", "pad[]"]);
        s.rollback()
    })?;
    Ok(())
}

fn joined_several_and_nested<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = Hooked::new(engine.connect()?);
    seed(&mut conn)?;
    // The customer and the whole tree under each order, in one statement
    // of five LEFT JOINs (customer, items, product, link, tags); the five
    // rows of o1 make one order with two items.
    let (lines, sent) = count_statements(&mut conn, |c| {
        let mut s = Session::new(c);
        let os = s
            .query::<Order>()
            .order_by(orders::Id.asc())
            .joined_parent::<Customer>()
            .joined_children_with::<Item>(|i| {
                i.joined_parent_with::<Product>(|p| p.joined_linked::<Tag>())
            })
            .all()?;
        assert_eq!(os.len(), 3);
        let before = s.statement_count();
        let mut lines = order_lines(&mut s, &os)?;
        lines.extend(order_customers(&mut s, &os)?);
        assert_eq!(s.statement_count(), before, "everything was loaded");
        assert_eq!(
            (s.count::<Item>(), s.count::<Product>(), s.count::<Tag>()),
            (4, 3, 2)
        );
        s.rollback()?;
        Ok(lines)
    })?;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].matches(" LEFT JOIN ").count(), 5, "{}", sent[0]);
    let mut expected = expected_lines();
    expected.extend(["o1:ann", "o2:ann", "o3:bob"].map(String::from));
    assert_eq!(lines, expected);

    // A LIMIT counts orders, not rows: the first two, complete.
    assert_statements(&mut conn, 1, |c| {
        let mut s = Session::new(c);
        let os = s
            .query::<Order>()
            .order_by(orders::Id.asc())
            .limit(2)
            .joined_children_with::<Item>(|i| {
                i.joined_parent_with::<Product>(|p| p.joined_linked::<Tag>())
            })
            .all()?;
        assert_eq!(order_lines(&mut s, &os)?, expected_lines()[..2]);
        s.rollback()
    })?;
    // A filter on the eagerly joined table's name reads the table afresh:
    // the eager join is aliased and does not narrow the collections.
    assert_statements(&mut conn, 1, |c| {
        let mut s = Session::new(c);
        let os = s
            .query::<Order>()
            .join_related(Order::to_children::<Item>())
            .filter(items::Qty.eq(5))
            .joined_children_with::<Item>(|i| {
                i.joined_parent_with::<Product>(|p| p.joined_linked::<Tag>())
            })
            .all()?;
        assert_eq!(order_lines(&mut s, &os)?, ["o2: pad[] x5"]);
        s.rollback()
    })?;
    // Selectin under joined: the statement, then one for the tags.
    assert_statements(&mut conn, 2, |c| {
        let mut s = Session::new(c);
        let os = s
            .query::<Order>()
            .order_by(orders::Id.asc())
            .joined_children_with::<Item>(|i| {
                i.joined_parent_with::<Product>(|p| p.selectin_linked::<Tag>())
            })
            .all()?;
        assert_eq!(order_lines(&mut s, &os)?, expected_lines());
        s.rollback()
    })?;
    // Joined under selectin loads with selectin (a selectin query has no
    // statement of the parent's to join into): customers, orders, items,
    // products; then the three lazy loads of the tags below.
    assert_statements(&mut conn, 4 + 3, |c| {
        let mut s = Session::new(c);
        let cs = s
            .query::<Customer>()
            .order_by(customers::Name.asc())
            .selectin_children_with::<Order>(|o| {
                o.joined_children_with::<Item>(|i| i.joined_parent::<Product>())
            })
            .all()?;
        let mut os = Vec::new();
        for c in cs {
            os.extend(s.related::<Customer, Order>(c)?);
        }
        let before = s.statement_count();
        let lines: Vec<String> = order_lines(&mut s, &os)?
            .into_iter()
            .map(|l| l.split('[').next().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(lines, ["o1: pen", "o2: pad", "o3: pen"]);
        // The tags were not asked for: one lazy load per product shown.
        assert_eq!(s.statement_count(), before + 3);
        s.rollback()
    })
}

fn joined_refusals<B: Backend>(engine: &Engine<B>) -> Result<()> {
    let mut conn = Hooked::new(engine.connect()?);
    seed(&mut conn)?;
    // Nothing is sent for a statement that cannot be built.
    assert_statements(&mut conn, 0, |c| {
        let mut s = Session::new(c);
        let err = s
            .query::<Order>()
            .for_update()
            .joined_parent::<Customer>()
            .all()
            .unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::InvalidStatement(_)),
            "{err:?}"
        );
        let err = s
            .query::<Order>()
            .join_related(Order::to_parent::<Customer>())
            .joined_children::<Item>()
            .all_with::<Customer>()
            .unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::InvalidStatement(_)),
            "{err:?}"
        );
        Ok(())
    })?;
    Ok(())
}

on_all_backends!(joined_each_kind, joined_several_and_nested, joined_refusals);
