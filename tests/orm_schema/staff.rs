//! Single-table inheritance: `Manager` and `Engineer` share the
//! `inh_employees` table, whose `kind` column chooses the Rust type;
//! `Staff` is the base that loads every row as its subtype.

use sqlalgebra::orm::{Discriminator, Kind, Polymorphic, Subtypes};
use sqlalgebra::prelude::*;
use sqlalgebra::schema::ForeignKey;

#[derive(Clone, Copy, Debug, Default)]
pub struct Employees;
impl Table for Employees {
    const NAME: &'static str = "inh_employees";
    type Columns = (
        employees::Id,
        employees::Kind,
        employees::Name,
        employees::Budget,
        employees::Language,
        employees::ManagerId,
    );
    type PrimaryKey = employees::Id;
}
pub mod employees {
    use super::*;
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    impl Column for Id {
        type Table = Employees;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Kind;
    impl Column for Kind {
        type Table = Employees;
        type SqlType = Varchar<20>;
        const NAME: &'static str = "kind";
    }
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Name;
    impl Column for Name {
        type Table = Employees;
        type SqlType = Text;
        const NAME: &'static str = "name";
    }
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Budget;
    impl Column for Budget {
        type Table = Employees;
        type SqlType = Nullable<BigInt>;
        const NAME: &'static str = "budget";
    }
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Language;
    impl Column for Language {
        type Table = Employees;
        type SqlType = Nullable<Text>;
        const NAME: &'static str = "language";
    }
    #[derive(Clone, Copy, Debug, Default)]
    pub struct ManagerId;
    impl Column for ManagerId {
        type Table = Employees;
        type SqlType = Nullable<BigInt>;
        const NAME: &'static str = "manager_id";
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<Id>());
    }
}

/// A manager: the rows whose kind is `manager`.
#[derive(Debug, Clone, PartialEq)]
pub struct Manager {
    pub id: i64,
    pub name: String,
    pub budget: Option<i64>,
}
impl Model for Manager {
    type Table = Employees;
    type Columns = (
        employees::Id,
        employees::Kind,
        employees::Name,
        employees::Budget,
    );
    type Row = (i64, Kind<Self>, String, Option<i64>);
    type Key = i64;
    const DISCRIMINATOR: Option<Discriminator> =
        Some(Discriminator::new::<employees::Kind>("manager"));
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

/// An engineer: the rows whose kind is `engineer`.
#[derive(Debug, Clone, PartialEq)]
pub struct Engineer {
    pub id: i64,
    pub name: String,
    pub language: Option<String>,
    pub manager_id: Option<i64>,
}
impl Model for Engineer {
    type Table = Employees;
    type Columns = (
        employees::Id,
        employees::Kind,
        employees::Name,
        employees::Language,
        employees::ManagerId,
    );
    type Row = (i64, Kind<Self>, String, Option<String>, Option<i64>);
    type Key = i64;
    const DISCRIMINATOR: Option<Discriminator> =
        Some(Discriminator::new::<employees::Kind>("engineer"));
    fn from_row((id, _, name, language, manager_id): Self::Row) -> Self {
        Engineer {
            id,
            name,
            language,
            manager_id,
        }
    }
    fn values(&self) -> (&i64, &Kind<Self>, &String, &Option<String>, &Option<i64>) {
        (
            &self.id,
            Kind::VALUE,
            &self.name,
            &self.language,
            &self.manager_id,
        )
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = id;
    }
}
impl BelongsTo<Manager> for Engineer {
    type ForeignKey = employees::ManagerId;
    fn parent_key(&self) -> Option<i64> {
        self.manager_id
    }
    fn set_parent_key(&mut self, key: i64) {
        self.manager_id = Some(key);
    }
}
impl HasMany<Engineer> for Manager {}

/// The base: every employee, as its subtype.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Staff {
    Manager(Handle<Manager>),
    Engineer(Handle<Engineer>),
}
impl Polymorphic for Staff {
    type Table = Employees;
    fn subtypes<C: Connection>(s: &mut Subtypes<Self, C>) {
        s.add(Staff::Manager).add(Staff::Engineer);
    }
}

/// mia, a manager: the first row of the tests' staff.
pub fn mia() -> Manager {
    Manager {
        id: 0,
        name: "mia".into(),
        budget: Some(100),
    }
}

/// eve (managed by `manager`) and ed (no manager), engineers: the rows
/// after mia.
pub fn engineers(manager: Option<i64>) -> [Engineer; 2] {
    [
        Engineer {
            id: 0,
            name: "eve".into(),
            language: Some("rust".into()),
            manager_id: manager,
        },
        Engineer {
            id: 0,
            name: "ed".into(),
            language: Some("go".into()),
            manager_id: None,
        },
    ]
}
