//! The ORM tour, continued: joined eager loading of every relationship
//! kind, several at once and nested; defaults applied to `get`; and
//! single-table inheritance (a discriminator column chooses the Rust
//! type).

use sqlalgebra::hooks::{Hooked, assert_statements};
use sqlalgebra::orm::{Discriminator, Kind, Polymorphic, Subtypes};
use sqlalgebra::prelude::*;

use super::orm_queries::Account;
use super::*;

pub(crate) fn joined_loading<C: Connection + 'static>(
    conn: &mut Hooked<C>,
) -> sqlalgebra::Result<()> {
    println!("== joined eager loading");
    // Many-to-one, one-to-one, one-to-many and many-to-many in one
    // statement (SQLAlchemy's `joinedload` on each): the rows are
    // de-duplicated into one object per user and its collections.
    assert_statements(conn, 1, |c| {
        let mut s = Session::new(c);
        let users = s
            .query::<User>()
            .filter(users::Name.like("user0%"))
            .order_by(users::Name.asc())
            .joined_children::<Address>()
            .joined_child::<Profile>()
            .joined_linked::<Tag>()
            .all()?;
        for &u in users.iter().take(3) {
            let addresses = s.related::<User, Address>(u)?.len();
            let profile = s.related_one::<User, Profile>(u)?.is_some();
            let tags: Vec<String> = s
                .linked::<User, Tag>(u)?
                .iter()
                .map(|&t| s[t].name.clone())
                .collect();
            println!(
                "  {}: {addresses} addresses, profile {profile}, tags {tags:?}",
                s[u].name
            );
        }
        s.rollback()
    })?;
    // A chain: each address, its user, and that user's tags.
    assert_statements(conn, 1, |c| {
        let mut s = Session::new(c);
        let addresses = s
            .query::<Address>()
            .limit(2)
            .joined_parent_with::<User>(|u| u.joined_linked::<Tag>())
            .all()?;
        for a in addresses {
            let u = s
                .parent::<Address, User>(a)?
                .expect("every address has a user");
            let tags = s.linked::<User, Tag>(u)?.len();
            println!("  <{}> of {} ({tags} tags)", s[a].email, s[u].name);
        }
        s.rollback()
    })?;
    // A default declared on the relationship applies to `get` too: the
    // account and its addresses (selectin), two statements.
    let id: i64 = select(addresses::UserId)
        .order_by(addresses::UserId.asc())
        .limit(1)
        .get(&mut *conn)?;
    assert_statements(conn, 2, |c| {
        let mut s = Session::new(c);
        let a = s.get::<Account>(id)?.expect("an account with addresses");
        let n = s.related::<Account, Address>(a)?.len(); // loaded with it
        println!("  get::<Account>: {n} addresses, 2 statements");
        s.rollback()
    })?;
    Ok(())
}

// ---------------------------------------------------------------- inheritance

/// `employee`: managers and engineers in one table; `kind` says which.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Employees;
impl Table for Employees {
    const NAME: &'static str = "employee";
    type Columns = (EmpId, EmpKind, EmpName, EmpBudget, EmpLanguage);
    type PrimaryKey = EmpId;
}
/// `employee.id`
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct EmpId;
/// `employee.kind`: `manager` or `engineer`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct EmpKind;
/// `employee.name`
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct EmpName;
/// `employee.budget` (managers)
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct EmpBudget;
/// `employee.language` (engineers)
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct EmpLanguage;
impl Column for EmpId {
    type Table = Employees;
    type SqlType = BigInt;
    const NAME: &'static str = "id";
    const AUTOINCREMENT: bool = true;
}
impl Column for EmpKind {
    type Table = Employees;
    type SqlType = Varchar<20>;
    const NAME: &'static str = "kind";
}
impl Column for EmpName {
    type Table = Employees;
    type SqlType = Text;
    const NAME: &'static str = "name";
}
impl Column for EmpBudget {
    type Table = Employees;
    type SqlType = Nullable<BigInt>;
    const NAME: &'static str = "budget";
}
impl Column for EmpLanguage {
    type Table = Employees;
    type SqlType = Nullable<Text>;
    const NAME: &'static str = "language";
}

/// A manager: a plain model of the shared table with a discriminator.
#[derive(Debug, Clone)]
pub(crate) struct Manager {
    /// Key.
    pub(crate) id: i64,
    /// Name.
    pub(crate) name: String,
    /// Budget.
    pub(crate) budget: Option<i64>,
}
impl Model for Manager {
    type Table = Employees;
    type Columns = (EmpId, EmpKind, EmpName, EmpBudget);
    type Row = (i64, Kind<Self>, String, Option<i64>);
    type Key = i64;
    // Queries of `Manager` match `kind = 'manager'`; inserting writes it.
    const DISCRIMINATOR: Option<Discriminator> = Some(Discriminator::new::<EmpKind>("manager"));
    fn from_row((id, _, name, budget): Self::Row) -> Self {
        Manager { id, name, budget }
    }
    fn values(&self) -> (&i64, &Kind<Self>, &String, &Option<i64>) {
        (&self.id, Kind::VALUE, &self.name, &self.budget)
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = id;
    }
}

/// An engineer.
#[derive(Debug, Clone)]
pub(crate) struct Engineer {
    /// Key.
    pub(crate) id: i64,
    /// Name.
    pub(crate) name: String,
    /// Favourite language.
    pub(crate) language: Option<String>,
}
impl Model for Engineer {
    type Table = Employees;
    type Columns = (EmpId, EmpKind, EmpName, EmpLanguage);
    type Row = (i64, Kind<Self>, String, Option<String>);
    type Key = i64;
    const DISCRIMINATOR: Option<Discriminator> = Some(Discriminator::new::<EmpKind>("engineer"));
    fn from_row((id, _, name, language): Self::Row) -> Self {
        Engineer { id, name, language }
    }
    fn values(&self) -> (&i64, &Kind<Self>, &String, &Option<String>) {
        (&self.id, Kind::VALUE, &self.name, &self.language)
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = id;
    }
}

/// The base: any employee, as its subtype.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Staff {
    /// A manager.
    Manager(Handle<Manager>),
    /// An engineer.
    Engineer(Handle<Engineer>),
}
impl Polymorphic for Staff {
    type Table = Employees;
    fn subtypes<C: Connection>(s: &mut Subtypes<Self, C>) {
        s.add(Staff::Manager).add(Staff::Engineer);
    }
}

pub(crate) fn inheritance<C: Connection + 'static>(conn: &mut Hooked<C>) -> sqlalgebra::Result<()> {
    println!("== single-table inheritance");
    create_all::<(Employees,)>(conn)?;
    let mut s = Session::new(&mut *conn);
    s.add(Manager {
        id: 0,
        name: "mia".into(),
        budget: Some(100),
    });
    s.add_all([
        Engineer {
            id: 0,
            name: "eve".into(),
            language: Some("rust".into()),
        },
        Engineer {
            id: 0,
            name: "ed".into(),
            language: None,
        },
    ]);
    s.commit()?;
    drop(s);
    let kinds: Vec<(String, String)> = select((EmpName, EmpKind))
        .order_by(EmpId.asc())
        .load(&mut *conn)?;
    println!("  rows: {kinds:?}");
    assert_statements(conn, 2, |c| {
        let mut s = Session::new(c);
        // A subtype's query filters by its discriminator...
        let engineers = s.query::<Engineer>().order_by(EmpName.asc()).all()?;
        println!("  engineers: {}", engineers.len());
        // ... and the base loads each row as its subtype.
        for who in s.polymorphic::<Staff>().order_by(EmpId.asc()).all()? {
            match who {
                Staff::Manager(m) => println!("  manager {} ({:?})", s[m].name, s[m].budget),
                Staff::Engineer(e) => println!("  engineer {} ({:?})", s[e].name, s[e].language),
            }
        }
        s.rollback()
    })?;
    Ok(())
}
