//! Common ORM patterns on embedded SQLite: a generic repository over any
//! model, soft delete (a trait whose queries hide deleted rows), and
//! timestamps (a trait that keeps created / updated times), all plain
//! generic Rust over the session.
//!
//! Run it with `cargo run --example repository`.

use std::marker::PhantomData;
use std::time::{SystemTime, UNIX_EPOCH};

use sqlalgebra::prelude::*;
use sqlalgebra_sqlite::Sqlite;

/// Seconds since the UNIX epoch.
fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

// ---------------------------------------------------------------- patterns

/// The timestamp mixin: a model with created / updated times calls these
/// from its `before_insert` and `before_update` hooks.
pub trait Timestamped {
    /// The created and updated fields.
    fn timestamps(&mut self) -> (&mut i64, &mut i64);

    /// On insert: created = updated = now (created kept if already set).
    fn stamp_created(&mut self) {
        let t = now();
        let (created, updated) = self.timestamps();
        if *created == 0 {
            *created = t;
        }
        *updated = t;
    }

    /// On update: updated = now.
    fn stamp_updated(&mut self) {
        *self.timestamps().1 = now();
    }
}

/// The soft-delete mixin: rows are marked deleted instead of removed, and
/// its queries hide them.
pub trait SoftDelete: Model {
    /// The nullable column holding the deletion time.
    type DeletedAt: Column<Table = Self::Table, SqlType = Nullable<BigInt>>;

    /// The field holding the deletion time.
    fn deleted_at(&mut self) -> &mut Option<i64>;

    /// The rows that are not deleted.
    fn live<C: Connection>(s: &mut Session<'_, C>) -> sqlalgebra::Result<Vec<Handle<Self>>> {
        s.query::<Self>()
            .filter(<Self::DeletedAt as Default>::default().is_null())
            .all()
    }
}

/// A repository over any model: the usual operations in one place.
pub struct Repository<'s, 'c, C: Connection, M> {
    session: &'s mut Session<'c, C>,
    _model: PhantomData<fn() -> M>,
}

impl<'s, 'c, C: Connection, M: Model> Repository<'s, 'c, C, M> {
    /// A repository of `M` objects in `session`.
    pub fn new(session: &'s mut Session<'c, C>) -> Self {
        Repository {
            session,
            _model: PhantomData,
        }
    }

    /// The object with key `key`.
    pub fn get(&mut self, key: M::Key) -> sqlalgebra::Result<Option<Handle<M>>> {
        self.session.get::<M>(key)
    }

    /// Every object.
    pub fn get_all(&mut self) -> sqlalgebra::Result<Vec<Handle<M>>> {
        self.session.query::<M>().all()
    }

    /// Adds a new object.
    pub fn add(&mut self, object: M) -> Handle<M> {
        self.session.add(object)
    }

    /// Deletes an object (for good).
    pub fn delete(&mut self, h: Handle<M>) {
        self.session.delete(h);
    }

    /// The object behind a handle.
    pub fn read(&self, h: Handle<M>) -> &M {
        &self.session[h]
    }
}

impl<C: Connection, M: SoftDelete> Repository<'_, '_, C, M> {
    /// The objects not soft-deleted.
    pub fn live(&mut self) -> sqlalgebra::Result<Vec<Handle<M>>> {
        M::live(self.session)
    }

    /// Marks the object deleted; it stays in the table.
    pub fn soft_delete(&mut self, h: Handle<M>) {
        *self.session[h].deleted_at() = Some(now());
    }

    /// Brings a soft-deleted object back.
    pub fn restore(&mut self, h: Handle<M>) {
        *self.session[h].deleted_at() = None;
    }
}

// ---------------------------------------------------------------- schema

/// `customer`
#[derive(Clone, Copy, Debug, Default)]
pub struct Customers;
impl Table for Customers {
    const NAME: &'static str = "customer";
    type Columns = (
        customers::Id,
        customers::Name,
        customers::CreatedAt,
        customers::UpdatedAt,
        customers::DeletedAt,
    );
    type PrimaryKey = customers::Id;
}

/// Columns of `customer`.
pub mod customers {
    use sqlalgebra::prelude::*;
    /// The primary key.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    /// The name.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Name;
    /// When the row was created (seconds since the epoch).
    #[derive(Clone, Copy, Debug, Default)]
    pub struct CreatedAt;
    /// When it was last updated.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct UpdatedAt;
    /// When it was soft-deleted, if it was.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct DeletedAt;
    impl Column for Id {
        type Table = super::Customers;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }
    impl Column for Name {
        type Table = super::Customers;
        type SqlType = Text;
        const NAME: &'static str = "name";
    }
    impl Column for CreatedAt {
        type Table = super::Customers;
        type SqlType = BigInt;
        const NAME: &'static str = "created_at";
    }
    impl Column for UpdatedAt {
        type Table = super::Customers;
        type SqlType = BigInt;
        const NAME: &'static str = "updated_at";
    }
    impl Column for DeletedAt {
        type Table = super::Customers;
        type SqlType = Nullable<BigInt>;
        const NAME: &'static str = "deleted_at";
    }
}

/// `product`
#[derive(Clone, Copy, Debug, Default)]
pub struct Products;
impl Table for Products {
    const NAME: &'static str = "product";
    type Columns = (ProductSku, ProductPrice);
    type PrimaryKey = ProductSku;
}
/// `product.sku`: a text primary key.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProductSku;
/// `product.price_cents`
#[derive(Clone, Copy, Debug, Default)]
pub struct ProductPrice;
impl Column for ProductSku {
    type Table = Products;
    type SqlType = Varchar<20>;
    const NAME: &'static str = "sku";
}
impl Column for ProductPrice {
    type Table = Products;
    type SqlType = BigInt;
    const NAME: &'static str = "price_cents";
}

// ---------------------------------------------------------------- models

/// A customer: timestamped and soft-deletable.
#[derive(Debug, Clone, PartialEq)]
pub struct Customer {
    /// The primary key.
    pub id: i64,
    /// The name.
    pub name: String,
    /// Created at.
    pub created_at: i64,
    /// Updated at.
    pub updated_at: i64,
    /// Soft-deleted at.
    pub deleted_at: Option<i64>,
}

impl Customer {
    fn new(name: &str) -> Self {
        Customer {
            id: 0,
            name: name.into(),
            created_at: 0,
            updated_at: 0,
            deleted_at: None,
        }
    }
}

impl Model for Customer {
    type Table = Customers;
    type Columns = (
        customers::Id,
        customers::Name,
        customers::CreatedAt,
        customers::UpdatedAt,
        customers::DeletedAt,
    );
    type Row = (i64, String, i64, i64, Option<i64>);
    type Key = i64;
    fn from_row((id, name, created_at, updated_at, deleted_at): Self::Row) -> Self {
        Customer {
            id,
            name,
            created_at,
            updated_at,
            deleted_at,
        }
    }
    fn values(&self) -> (&i64, &String, &i64, &i64, &Option<i64>) {
        (
            &self.id,
            &self.name,
            &self.created_at,
            &self.updated_at,
            &self.deleted_at,
        )
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = id;
    }
    fn before_insert(&mut self) {
        self.stamp_created();
    }
    fn before_update(&mut self) {
        self.stamp_updated();
    }
}

impl Timestamped for Customer {
    fn timestamps(&mut self) -> (&mut i64, &mut i64) {
        (&mut self.created_at, &mut self.updated_at)
    }
}

impl SoftDelete for Customer {
    type DeletedAt = customers::DeletedAt;
    fn deleted_at(&mut self) -> &mut Option<i64> {
        &mut self.deleted_at
    }
}

/// A product, keyed by its SKU.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    /// The stock-keeping unit.
    pub sku: String,
    /// The price in cents.
    pub price_cents: i64,
}

impl Model for Product {
    type Table = Products;
    type Columns = (ProductSku, ProductPrice);
    type Row = (String, i64);
    type Key = String;
    fn from_row((sku, price_cents): Self::Row) -> Self {
        Product { sku, price_cents }
    }
    fn values(&self) -> (&String, &i64) {
        (&self.sku, &self.price_cents)
    }
    fn key(&self) -> String {
        self.sku.clone()
    }
}

// ---------------------------------------------------------------- main

fn main() -> sqlalgebra::Result<()> {
    let engine = Sqlite::memory()?;
    let mut conn = engine.connect()?;
    create_all::<(Customers, Products)>(&mut *conn)?;
    let mut s = Session::new(&mut *conn);

    // One repository type, two models.
    {
        let mut products = Repository::<_, Product>::new(&mut s);
        products.add(Product {
            sku: "TEA-01".into(),
            price_cents: 450,
        });
        products.add(Product {
            sku: "MUG-02".into(),
            price_cents: 1200,
        });
    }
    let (ann, bo) = {
        let mut customers = Repository::<_, Customer>::new(&mut s);
        let ann = customers.add(Customer::new("ann"));
        let bo = customers.add(Customer::new("bo"));
        customers.add(Customer::new("cy"));
        (ann, bo)
    };
    s.commit()?;

    let mut products = Repository::<_, Product>::new(&mut s);
    let tea = products.get("TEA-01".into())?.expect("tea exists");
    println!("{:?}", products.read(tea));
    println!("{} products", products.get_all()?.len());

    // Timestamps were set on insert.
    let created = s[ann].created_at;
    assert!(created > 0 && s[ann].updated_at == created);
    println!("ann created at {created}");

    // Soft delete: bo stays in the table but live() hides him.
    let mut customers = Repository::<_, Customer>::new(&mut s);
    customers.soft_delete(bo);
    s.commit()?;
    let mut customers = Repository::<_, Customer>::new(&mut s);
    let live: Vec<String> = customers
        .live()?
        .iter()
        .map(|&h| customers.read(h).name.clone())
        .collect();
    let all = customers.get_all()?.len();
    println!("live customers: {live:?} (of {all} rows)");
    assert_eq!(live, ["ann", "cy"]);

    // The soft delete was an UPDATE, which also moved updated_at.
    let (deleted_at, updated_at): (Option<i64>, i64) =
        select((customers::DeletedAt, customers::UpdatedAt))
            .filter(customers::Name.eq("bo"))
            .get(s.connection())?;
    println!("bo deleted at {deleted_at:?}, updated at {updated_at}");
    assert!(deleted_at.is_some() && updated_at >= created);

    // And it can be undone.
    Repository::<_, Customer>::new(&mut s).restore(bo);
    s.commit()?;
    let back = Customer::live(&mut s)?.len();
    println!("after restore: {back} live customers");
    assert_eq!(back, 3);
    Ok(())
}
