//! The ORM tour, continued: queries driven by the declared relationships
//! (joins without ON, `has` / `any`, entity tuples) and the N+1 guard.

use sqlalgebra::hooks::{Hooked, assert_statements, count_statements};
use sqlalgebra::orm::{Loading, Related, ToMany, ToOne};
use sqlalgebra::prelude::*;

use super::*;

// Each model names its relationships once, as SQLAlchemy's
// `relationship()` attributes do; `to_parent`, `to_children`, `to_child`
// and `to_linked` come from the declared `BelongsTo`, `HasMany`, `HasOne`
// and `ManyToMany` impls.
impl User {
    fn addresses() -> Related<User, Address, ToMany> {
        User::to_children()
    }
    fn profile() -> Related<User, Profile, ToOne> {
        User::to_child()
    }
    fn tags() -> Related<User, Tag, ToMany> {
        User::to_linked()
    }
}
impl Address {
    fn user() -> Related<Address, User, ToOne> {
        Address::to_parent()
    }
}

/// A second view of `user_account` whose addresses load with selectin by
/// default (SQLAlchemy's `relationship(lazy="selectin")`): every query
/// for accounts loads them, unless it says otherwise.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    /// The primary key.
    pub id: i64,
    /// The login name.
    pub name: String,
}
impl Model for Account {
    type Table = Users;
    type Columns = (users::Id, users::Name);
    type Row = (i64, String);
    type Key = i64;
    fn from_row((id, name): Self::Row) -> Self {
        Account { id, name }
    }
    fn values(&self) -> (&i64, &String) {
        (&self.id, &self.name)
    }
    fn key(&self) -> i64 {
        self.id
    }
    // Defaults, like cascades, apply to the relationships listed here.
    fn relationships<C: Connection>(r: &mut Relationships<'_, Self, C>) {
        r.has_many::<Address>();
    }
}
impl BelongsTo<Account> for Address {
    type ForeignKey = addresses::UserId;
    fn parent_key(&self) -> Option<i64> {
        Some(self.user_id)
    }
    fn set_parent_key(&mut self, key: i64) {
        self.user_id = key;
    }
}
impl HasMany<Address> for Account {
    const LOADING: Loading = Loading::Selectin;
}

pub(crate) fn relationship_queries<C: Connection + 'static>(
    conn: &mut Hooked<C>,
) -> sqlalgebra::Result<()> {
    println!("== relationship queries");
    // Core: `select(Address).join(Address.user)`, the ON clause comes from
    // the relationship.
    let rows: Vec<(String, String)> = select((users::Name, addresses::Email))
        .join_related(Address::user())
        .filter(users::Name.eq("user03"))
        .order_by(addresses::Email.asc())
        .load(conn)?;
    println!("user03's addresses: {rows:?}");

    // The same relationship twice, through aliases: pairs of addresses of
    // one user.
    let (a1, a2) = (User::addresses().alias("a1"), User::addresses().alias("a2"));
    let pairs: i64 = select(count_star())
        .from(Users)
        .join_related(a1)
        .join_related(a2)
        .filter(a1.col(addresses::Id).lt(a2.col(addresses::Id)))
        .get(conn)?;
    println!("pairs of addresses of the same user: {pairs}");

    // ORM: addresses of users whose name starts with "user0".
    let mut s = Session::new(&mut *conn);
    let some = s
        .query::<Address>()
        .join_related(Address::user())
        .filter(users::Name.like("user0%"))
        .all()?;
    println!("addresses of user0*: {}", some.len());

    // Entity tuples: (user, address) handles, the same user object for
    // each of its rows.
    let pairs = s
        .query::<User>()
        .join_related(User::addresses())
        .filter(users::Name.eq("user02"))
        .order_by(addresses::Email.asc())
        .all_with::<Address>()?;
    for &(u, a) in &pairs {
        println!("  {} <{}>", s[u].name, s[a].email);
    }
    assert!(pairs.iter().all(|p| p.0 == pairs[0].0), "one user object");

    // Tag two users, for `any`.
    let rust = s.query::<Tag>().filter(TagName.eq("rust")).one()?;
    for name in ["user01", "user05"] {
        let u = s.query::<User>().filter(users::Name.eq(name)).one()?;
        s.link(u, rust);
    }
    s.commit()?;
    drop(s);

    // `has` / `any` / `exists`: correlated EXISTS built from the
    // relationship, in SELECT, UPDATE and DELETE alike.
    let rustaceans: Vec<String> = select(users::Name)
        .filter(User::tags().any(TagName.eq("rust")))
        .order_by(users::Name.asc())
        .load(conn)?;
    println!("users tagged rust: {rustaceans:?}");
    let without_profile: i64 = select(count_star())
        .filter(not(User::profile().exists()))
        .get(conn)?;
    println!("users without a profile: {without_profile}");
    let deleted = delete_from(Addresses)
        .filter(Address::user().has(users::Name.eq("user19")))
        .execute(conn)?;
    // Nested: addresses whose user has the tag "rust".
    let tidied = update(Addresses)
        .set(addresses::Email.set(lower(addresses::Email)))
        .filter(Address::user().has(User::tags().any(TagName.eq("rust"))))
        .execute(conn)?;
    let none: i64 = select(count_star())
        .filter(not(User::addresses().exists()))
        .get(conn)?;
    println!("deleted {deleted} addresses of user19 ({none} users have none); updated {tidied}");

    // The N+1 guard: lazy loading sends one statement per user; selectin
    // sends two in all. `assert_statements` fails a test that sends more.
    let (_, lazy) = count_statements(conn, |c| {
        let mut s = Session::new(c);
        for u in s.query::<User>().all()? {
            s.related::<User, Address>(u)?;
        }
        s.rollback()
    })?;
    assert_statements(conn, 2, |c| {
        let mut s = Session::new(c);
        s.query::<User>().selectin_children::<Address>().all()?;
        s.rollback()
    })?;
    println!("lazy: {} statements, selectin: 2", lazy.len());

    // A default declared on the relationship: two statements without
    // asking; a query can still choose lazy, raise, noload or joined.
    assert_statements(conn, 2, |c| {
        let mut s = Session::new(c);
        for a in s.query::<Account>().all()? {
            s.related::<Account, Address>(a)?; // loaded: no SQL
        }
        s.rollback()
    })?;
    assert_statements(conn, 1, |c| {
        let mut s = Session::new(c);
        let accounts = s.query::<Account>().noload_children::<Address>().all()?;
        assert!(s.related::<Account, Address>(accounts[0])?.is_empty());
        s.rollback()
    })?;
    println!("declared selectin: 2 statements; noload for this query: 1");
    Ok(())
}
