//! The ORM tour on embedded SQLite: models, CRUD through a session,
//! relationships of every kind, loading strategies (with the number of
//! statements each takes), queries along relationships (joins without ON,
//! `has` / `any`, entity tuples, the N+1 guard: `orm_queries/mod.rs`),
//! joined eager loading of every relationship kind and single-table
//! inheritance (`orm_eager/mod.rs`), transactions and savepoints.
//!
//! Run it with `cargo run --example orm_tour`.

mod orm_eager;
mod orm_queries;

use sqlalgebra::orm::ObjectState;
use sqlalgebra::prelude::*;
use sqlalgebra::schema::ForeignKey;
use sqlalgebra_sqlite::Sqlite;

// ---------------------------------------------------------------- schema
//
// Tables and columns are unit structs, as in the core quickstart.

/// `user_account`
#[derive(Clone, Copy, Debug, Default)]
pub struct Users;
impl Table for Users {
    const NAME: &'static str = "user_account";
    type Columns = (users::Id, users::Name, users::Fullname);
    type PrimaryKey = users::Id;
}

/// Columns of `user_account`.
pub mod users {
    use sqlalgebra::prelude::*;
    /// The primary key, assigned by the database.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    /// The login name.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Name;
    /// The full name, if known.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Fullname;
    impl Column for Id {
        type Table = super::Users;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }
    impl Column for Name {
        type Table = super::Users;
        type SqlType = Varchar<30>;
        const NAME: &'static str = "name";
        const UNIQUE: bool = true;
    }
    impl Column for Fullname {
        type Table = super::Users;
        type SqlType = Nullable<Text>;
        const NAME: &'static str = "fullname";
    }
}

/// `address`: many addresses per user.
#[derive(Clone, Copy, Debug, Default)]
pub struct Addresses;
impl Table for Addresses {
    const NAME: &'static str = "address";
    type Columns = (addresses::Id, addresses::UserId, addresses::Email);
    type PrimaryKey = addresses::Id;
}

/// Columns of `address`.
pub mod addresses {
    use sqlalgebra::prelude::*;
    use sqlalgebra::schema::ForeignKey;
    /// The primary key.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Id;
    /// The owner.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct UserId;
    /// The e-mail address.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Email;
    impl Column for Id {
        type Table = super::Addresses;
        type SqlType = BigInt;
        const NAME: &'static str = "id";
        const AUTOINCREMENT: bool = true;
    }
    impl Column for UserId {
        type Table = super::Addresses;
        type SqlType = BigInt;
        const NAME: &'static str = "user_id";
        const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<super::users::Id>());
    }
    impl Column for Email {
        type Table = super::Addresses;
        type SqlType = Text;
        const NAME: &'static str = "email_address";
    }
}

/// `profile`: at most one per user (one-to-one).
#[derive(Clone, Copy, Debug, Default)]
pub struct Profiles;
impl Table for Profiles {
    const NAME: &'static str = "profile";
    type Columns = (ProfileId, ProfileUser, ProfileBio);
    type PrimaryKey = ProfileId;
}
/// `profile.id`
#[derive(Clone, Copy, Debug, Default)]
pub struct ProfileId;
/// `profile.user_id`, unique.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProfileUser;
/// `profile.bio`
#[derive(Clone, Copy, Debug, Default)]
pub struct ProfileBio;
impl Column for ProfileId {
    type Table = Profiles;
    type SqlType = BigInt;
    const NAME: &'static str = "id";
    const AUTOINCREMENT: bool = true;
}
impl Column for ProfileUser {
    type Table = Profiles;
    type SqlType = BigInt;
    const NAME: &'static str = "user_id";
    const UNIQUE: bool = true;
    const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<users::Id>());
}
impl Column for ProfileBio {
    type Table = Profiles;
    type SqlType = Text;
    const NAME: &'static str = "bio";
}

/// `tag`
#[derive(Clone, Copy, Debug, Default)]
pub struct Tags;
impl Table for Tags {
    const NAME: &'static str = "tag";
    type Columns = (TagId, TagName);
    type PrimaryKey = TagId;
}
/// `tag.id`
#[derive(Clone, Copy, Debug, Default)]
pub struct TagId;
/// `tag.name`
#[derive(Clone, Copy, Debug, Default)]
pub struct TagName;
impl Column for TagId {
    type Table = Tags;
    type SqlType = BigInt;
    const NAME: &'static str = "id";
    const AUTOINCREMENT: bool = true;
}
impl Column for TagName {
    type Table = Tags;
    type SqlType = Varchar<30>;
    const NAME: &'static str = "name";
    const UNIQUE: bool = true;
}

/// `user_tag`: the link table of users and tags (many-to-many).
#[derive(Clone, Copy, Debug, Default)]
pub struct UserTags;
impl Table for UserTags {
    const NAME: &'static str = "user_tag";
    type Columns = (UserTagUser, UserTagTag);
    type PrimaryKey = (UserTagUser, UserTagTag);
}
/// `user_tag.user_id`
#[derive(Clone, Copy, Debug, Default)]
pub struct UserTagUser;
/// `user_tag.tag_id`
#[derive(Clone, Copy, Debug, Default)]
pub struct UserTagTag;
impl Column for UserTagUser {
    type Table = UserTags;
    type SqlType = BigInt;
    const NAME: &'static str = "user_id";
    const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<users::Id>());
}
impl Column for UserTagTag {
    type Table = UserTags;
    type SqlType = BigInt;
    const NAME: &'static str = "tag_id";
    const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<TagId>());
}

/// `follow`: who follows which tag, and since when (an association object:
/// a link row with data).
#[derive(Clone, Copy, Debug, Default)]
pub struct Follows;
impl Table for Follows {
    const NAME: &'static str = "follow";
    type Columns = (FollowUser, FollowTag, FollowSince);
    type PrimaryKey = (FollowUser, FollowTag);
}
/// `follow.user_id`
#[derive(Clone, Copy, Debug, Default)]
pub struct FollowUser;
/// `follow.tag_id`
#[derive(Clone, Copy, Debug, Default)]
pub struct FollowTag;
/// `follow.since`
#[derive(Clone, Copy, Debug, Default)]
pub struct FollowSince;
impl Column for FollowUser {
    type Table = Follows;
    type SqlType = BigInt;
    const NAME: &'static str = "user_id";
    const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<users::Id>());
}
impl Column for FollowTag {
    type Table = Follows;
    type SqlType = BigInt;
    const NAME: &'static str = "tag_id";
    const REFERENCES: Option<ForeignKey> = Some(ForeignKey::to::<TagId>());
}
impl Column for FollowSince {
    type Table = Follows;
    type SqlType = Integer;
    const NAME: &'static str = "since";
}

// ---------------------------------------------------------------- models
//
// A model is a plain struct. `Row` is checked against the columns' SQL
// types at compile time: `(i64, String, Option<String>)` loads from
// `(BigInt, Varchar<30>, Nullable<Text>)`.

/// A user.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Assigned by the database on insert.
    pub id: i64,
    /// The login name.
    pub name: String,
    /// The full name.
    pub fullname: Option<String>,
}

impl User {
    fn new(name: &str, fullname: Option<&str>) -> Self {
        User {
            id: 0,
            name: name.into(),
            fullname: fullname.map(Into::into),
        }
    }
}

impl Model for User {
    type Table = Users;
    type Columns = (users::Id, users::Name, users::Fullname);
    type Row = (i64, String, Option<String>);
    type Key = i64;
    fn from_row((id, name, fullname): Self::Row) -> Self {
        User { id, name, fullname }
    }
    fn values(&self) -> (&i64, &String, &Option<String>) {
        (&self.id, &self.name, &self.fullname)
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = id;
    }
    // The relationships a flush follows when a user is deleted, even in a
    // session that has not loaded them.
    fn relationships<C: Connection>(r: &mut Relationships<'_, Self, C>) {
        r.has_many::<Address>()
            .has_many::<Profile>()
            .has_many::<Follow>()
            .many_to_many::<Tag>();
    }
}

/// An e-mail address of a user.
#[derive(Debug, Clone, PartialEq)]
pub struct Address {
    /// The primary key.
    pub id: i64,
    /// The owner's key.
    pub user_id: i64,
    /// The address.
    pub email: String,
}

impl Address {
    fn new(email: &str) -> Self {
        Address {
            id: 0,
            user_id: 0,
            email: email.into(),
        }
    }
}

impl Model for Address {
    type Table = Addresses;
    type Columns = (addresses::Id, addresses::UserId, addresses::Email);
    type Row = (i64, i64, String);
    type Key = i64;
    fn from_row((id, user_id, email): Self::Row) -> Self {
        Address { id, user_id, email }
    }
    fn values(&self) -> (&i64, &i64, &String) {
        (&self.id, &self.user_id, &self.email)
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = id;
    }
}

// Many-to-one, and its inverse with a cascade.
impl BelongsTo<User> for Address {
    type ForeignKey = addresses::UserId;
    fn parent_key(&self) -> Option<i64> {
        Some(self.user_id)
    }
    fn set_parent_key(&mut self, key: i64) {
        self.user_id = key;
    }
}
impl HasMany<Address> for User {
    const CASCADE: Cascade = Cascade::ALL_DELETE_ORPHAN;
}

/// A user's profile (one-to-one).
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// The primary key.
    pub id: i64,
    /// The user's key.
    pub user_id: i64,
    /// About the user.
    pub bio: String,
}

impl Model for Profile {
    type Table = Profiles;
    type Columns = (ProfileId, ProfileUser, ProfileBio);
    type Row = (i64, i64, String);
    type Key = i64;
    fn from_row((id, user_id, bio): Self::Row) -> Self {
        Profile { id, user_id, bio }
    }
    fn values(&self) -> (&i64, &i64, &String) {
        (&self.id, &self.user_id, &self.bio)
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = id;
    }
}
impl BelongsTo<User> for Profile {
    type ForeignKey = ProfileUser;
    fn parent_key(&self) -> Option<i64> {
        Some(self.user_id)
    }
    fn set_parent_key(&mut self, key: i64) {
        self.user_id = key;
    }
}
impl HasMany<Profile> for User {
    const CASCADE: Cascade = Cascade::ALL_DELETE_ORPHAN;
}
impl HasOne<Profile> for User {}

/// A tag.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    /// The primary key.
    pub id: i64,
    /// The tag.
    pub name: String,
}

impl Model for Tag {
    type Table = Tags;
    type Columns = (TagId, TagName);
    type Row = (i64, String);
    type Key = i64;
    fn from_row((id, name): Self::Row) -> Self {
        Tag { id, name }
    }
    fn values(&self) -> (&i64, &String) {
        (&self.id, &self.name)
    }
    fn key(&self) -> i64 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = id;
    }
}

// Many-to-many through `user_tag`, both ways.
impl ManyToMany<Tag> for User {
    type Link = UserTags;
    type Left = UserTagUser;
    type Right = UserTagTag;
}
impl ManyToMany<User> for Tag {
    type Link = UserTags;
    type Left = UserTagTag;
    type Right = UserTagUser;
}

/// A user following a tag since some year: an association object.
#[derive(Debug, Clone, PartialEq)]
pub struct Follow {
    /// The follower.
    pub user_id: i64,
    /// The tag followed.
    pub tag_id: i64,
    /// Since when.
    pub since: i32,
}

impl Model for Follow {
    type Table = Follows;
    type Columns = (FollowUser, FollowTag, FollowSince);
    type Row = (i64, i64, i32);
    type Key = (i64, i64); // a composite key
    fn from_row((user_id, tag_id, since): Self::Row) -> Self {
        Follow {
            user_id,
            tag_id,
            since,
        }
    }
    fn values(&self) -> (&i64, &i64, &i32) {
        (&self.user_id, &self.tag_id, &self.since)
    }
    fn key(&self) -> (i64, i64) {
        (self.user_id, self.tag_id)
    }
}
impl BelongsTo<User> for Follow {
    type ForeignKey = FollowUser;
    fn parent_key(&self) -> Option<i64> {
        Some(self.user_id)
    }
    fn set_parent_key(&mut self, key: i64) {
        self.user_id = key;
    }
}
impl BelongsTo<Tag> for Follow {
    type ForeignKey = FollowTag;
    fn parent_key(&self) -> Option<i64> {
        Some(self.tag_id)
    }
    fn set_parent_key(&mut self, key: i64) {
        self.tag_id = key;
    }
}
impl HasMany<Follow> for User {
    const CASCADE: Cascade = Cascade::ALL;
}
impl HasMany<Follow> for Tag {}

// ---------------------------------------------------------------- the tour

fn main() -> sqlalgebra::Result<()> {
    let engine = Sqlite::memory()?;
    let mut conn = engine.connect()?;
    create_all::<(Users, Addresses, Profiles, Tags, UserTags, Follows)>(&mut *conn)?;

    crud(&mut conn)?;
    relationships(&mut conn)?;
    loading_strategies(&mut conn)?;
    // Statement hooks count what a block sends (see orm_queries/mod.rs).
    let mut hooked = sqlalgebra::hooks::Hooked::new(conn);
    orm_queries::relationship_queries(&mut hooked)?;
    orm_eager::joined_loading(&mut hooked)?;
    orm_eager::inheritance(&mut hooked)?;
    let mut conn = hooked.into_inner();
    transactions(&mut conn)?;
    Ok(())
}

fn crud<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    println!("== CRUD");
    let mut s = Session::new(conn);

    // Create: `add` queues an INSERT; the id is filled in at flush.
    let alice = s.add(User::new("alice", Some("Alice Smith")));
    let others = s.add_all([User::new("carol", None), User::new("dave", None)]);
    // Create with related objects: one flush inserts the user, then the
    // addresses with the user's new id.
    let (bob, _) = s.add_with_children(
        User::new("bob", Some("Bob Jones")),
        [
            Address::new("bob@example.com"),
            Address::new("bob@work.com"),
        ],
    );
    s.commit()?;
    println!("inserted alice = {:?}, bob = {:?}", s[alice], s[bob]);

    // Read: by key (the identity map answers without SQL when it can)...
    let id = s[alice].id;
    assert_eq!(s.get::<User>(id)?, Some(alice));
    // ...or with the core algebra's filters, ordering and limits.
    let a_names = s
        .query::<User>()
        .filter(users::Name.like("%a%"))
        .order_by(users::Name.desc())
        .limit(10)
        .all()?;
    let names: Vec<&str> = a_names.iter().map(|&h| s[h].name.as_str()).collect();
    println!("names with an 'a': {names:?}");

    // Update: change the field; flush writes only the changed column.
    s[alice].fullname = Some("Alice Johnson".into());
    // Delete.
    s.delete(others[1]);
    s.commit()?;
    assert_eq!(s.state(others[1]), ObjectState::Detached);

    let rows: Vec<(String, Option<String>)> = select((users::Name, users::Fullname))
        .order_by(users::Name.asc())
        .load(s.connection())?;
    println!("in the database: {rows:?}");
    Ok(())
}

fn relationships<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    println!("== relationships");
    let mut s = Session::new(conn);
    let bob = s.query::<User>().filter(users::Name.eq("bob")).one()?;

    // One-to-many and many-to-one.
    let addresses = s.related::<User, Address>(bob)?;
    for &a in &addresses {
        let owner = s
            .parent::<Address, User>(a)?
            .expect("every address has a user");
        println!("{} belongs to {}", s[a].email, s[owner].name);
    }
    // Delete-orphan: detaching an address deletes it.
    s.detach(bob, addresses[1])?;
    // Attaching a new one (save-update cascade).
    let home = s.add(Address::new("bob@home.org"));
    s.attach(bob, home);

    // One-to-one.
    let profile = s.add(Profile {
        id: 0,
        user_id: 0,
        bio: "Likes SQL".into(),
    });
    s.attach(bob, profile);

    // Many-to-many.
    let rust = s.add(Tag {
        id: 0,
        name: "rust".into(),
    });
    let sql = s.add(Tag {
        id: 0,
        name: "sql".into(),
    });
    s.link(bob, rust);
    s.link(bob, sql);
    s.commit()?;

    let emails: Vec<String> = s
        .related::<User, Address>(bob)?
        .iter()
        .map(|&a| s[a].email.clone())
        .collect();
    println!("bob's addresses now: {emails:?}");
    let profile = s
        .related_one::<User, Profile>(bob)?
        .expect("bob has a profile");
    println!("bob's profile: {}", s[profile].bio);
    let tags: Vec<String> = s
        .linked::<User, Tag>(bob)?
        .iter()
        .map(|&t| s[t].name.clone())
        .collect();
    println!("bob's tags: {tags:?}");

    // Association object: a follow with the year it started.
    let (bob_id, rust_id) = (s[bob].id, s[rust].id);
    let follow = s.add(Follow {
        user_id: bob_id,
        tag_id: rust_id,
        since: 2015,
    });
    s.commit()?;
    assert_eq!(s.get::<Follow>((bob_id, rust_id))?, Some(follow));
    let tag = s.parent::<Follow, Tag>(follow)?.expect("a tag");
    println!("bob follows {} since {}", s[tag].name, s[follow].since);
    drop(s);

    // Nested selectin: the users, their follows, and the tags followed,
    // one `IN` query per level (SQLAlchemy's
    // `selectinload(User.follows).selectinload(Follow.tag)`).
    let mut s = Session::new(&mut *conn);
    let users = s
        .query::<User>()
        .selectin_children_with::<Follow>(|follows| follows.selectin_parents::<Tag>())
        .all()?;
    let mut followed = Vec::new();
    for &u in &users {
        for f in s.related::<User, Follow>(u)? {
            let tag = s.parent::<Follow, Tag>(f)?.expect("loaded");
            followed.push(format!("{} -> {}", s[u].name, s[tag].name));
        }
    }
    println!(
        "nested selectin: {followed:?} in {} statements",
        s.statement_count()
    );
    drop(s);

    // Cascades: deleting bob, in a fresh session, deletes his addresses,
    // profile and follows, and his tag links, before him.
    let mut s = Session::new(conn);
    let bob = s.query::<User>().filter(users::Name.eq("bob")).one()?;
    s.delete(bob);
    s.commit()?;
    let left: i64 = select(count_star())
        .from(Addresses)
        .filter(addresses::UserId.eq(bob_id))
        .get(s.connection())?;
    let links: i64 = select(count_star()).from(UserTags).get(s.connection())?;
    println!("after deleting bob: {left} addresses and {links} tag links left");
    Ok(())
}

fn loading_strategies<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    println!("== loading strategies");
    {
        let mut s = Session::new(&mut *conn);
        for i in 0..20 {
            let user = User::new(&format!("user{i:02}"), None);
            let mails = (0..3).map(|j| Address::new(&format!("u{i}.{j}@example.com")));
            s.add_with_children(user, mails);
        }
        s.commit()?;
    }
    let count_addresses = |s: &mut Session<'_, C>, users: &[Handle<User>]| {
        let mut n = 0;
        for &u in users {
            n += s.related::<User, Address>(u)?.len();
        }
        Ok::<_, sqlalgebra::Error>(n)
    };

    // Lazy: one query for the users, then one per user.
    let mut s = Session::new(&mut *conn);
    let users = s.query::<User>().all()?;
    let n = count_addresses(&mut s, &users)?;
    println!(
        "lazy:     {} users, {n} addresses, {} statements",
        users.len(),
        s.statement_count()
    );
    drop(s);

    // Selectin: one more query with `IN (...)` for all users.
    let mut s = Session::new(&mut *conn);
    let users = s.query::<User>().selectin_children::<Address>().all()?;
    let n = count_addresses(&mut s, &users)?;
    println!(
        "selectin: {} users, {n} addresses, {} statements",
        users.len(),
        s.statement_count()
    );
    drop(s);

    // `take` moves an object out of the session (an expunge that hands it
    // back), instead of cloning it.
    let mut s = Session::new(&mut *conn);
    let users = s.query::<User>().all()?;
    let first: User = s.take(users[0]);
    println!("taken out of the session: {}", first.name);
    drop(s);

    // Joined: one statement with a LEFT JOIN.
    let mut s = Session::new(&mut *conn);
    let users = s.query::<User>().joined_children::<Address>().all()?;
    let n = count_addresses(&mut s, &users)?;
    println!(
        "joined:   {} users, {n} addresses, {} statements",
        users.len(),
        s.statement_count()
    );
    drop(s);

    // Raise: asking for what was not loaded is an error, not a query.
    let mut s = Session::new(&mut *conn);
    let users = s.query::<User>().raise_children::<Address>().all()?;
    match s.related::<User, Address>(users[0]) {
        Err(e) => println!("raise:    {e}"),
        Ok(_) => unreachable!("raise refuses lazy loads"),
    }
    Ok(())
}

fn transactions<C: Connection>(conn: &mut C) -> sqlalgebra::Result<()> {
    println!("== transactions and savepoints");
    let mut s = Session::new(conn);

    // Rollback: new objects go, changed ones come back as they were.
    let alice = s.query::<User>().filter(users::Name.eq("alice")).one()?;
    s[alice].fullname = Some("changed".into());
    let temp = s.add(User::new("temp", None));
    s.flush()?;
    s.rollback()?;
    println!(
        "after rollback: alice is {:?}, temp is {:?}",
        s[alice].fullname,
        s.state(temp)
    );

    // Savepoints: undo part of a transaction.
    s.add(User::new("erin", None));
    let sp = s.begin_nested()?; // SAVEPOINT
    s.add(User::new("frank", None));
    s.rollback_to(sp)?; // frank is gone, erin stays
    // The closure form releases on Ok and rolls back on Err.
    let refused: sqlalgebra::Result<()> = s.nested(|s| {
        s.add(User::new("alice", None)); // the name is UNIQUE
        s.flush()
    });
    println!("a duplicate inside a savepoint: {}", refused.unwrap_err());
    s.commit()?;

    let names: Vec<String> = select(users::Name)
        .filter(users::Name.in_(["erin", "frank"]))
        .load(s.connection())?;
    println!("committed: {names:?}");
    Ok(())
}
