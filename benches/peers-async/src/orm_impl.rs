//! sqlalgebra's ORM, awaited: an `AsyncSession`, the objects moved out of
//! it (owned results, as the others return).

use std::ops::DerefMut;

use sqlalgebra::asyncio::AsyncConnection;
use sqlalgebra::orm::{AsyncSession, Model};

use crate::schema::users;
use crate::{Contestant, NewUser, User};

impl Model for User {
    type Table = users::Users;
    type Columns = (users::Id, users::Name, users::HairColor);
    type Row = (i32, String, Option<String>);
    type Key = i32;
    fn from_row((id, name, hair_color): Self::Row) -> Self {
        User {
            id,
            name,
            hair_color,
        }
    }
    fn values(&self) -> (&i32, &String, &Option<String>) {
        (&self.id, &self.name, &self.hair_color)
    }
    fn key(&self) -> i32 {
        self.id
    }
    fn set_generated_key(&mut self, id: i64) {
        self.id = i32::try_from(id).expect("an id that fits the INTEGER column");
    }
}

/// The ORM: one session over one connection (`H`: an `AsyncPooled`
/// connection) for the contestant's life, the objects moved out of it after
/// each call (so each call loads again, and the identity map stays empty).
pub struct Orm<H>
where
    H: DerefMut + Send + 'static,
    H::Target: AsyncConnection + Sized,
{
    s: AsyncSession<H>,
}

impl<H> Orm<H>
where
    H: DerefMut + Send + 'static,
    H::Target: AsyncConnection + Sized,
{
    pub fn new(conn: H) -> Self {
        let mut s = AsyncSession::new(conn);
        s.set_expire_on_commit(false);
        Orm { s }
    }
}

impl<H> Contestant for Orm<H>
where
    H: DerefMut + Send + 'static,
    H::Target: AsyncConnection + Sized,
{
    async fn trivial(&mut self) -> Vec<User> {
        let s = &mut self.s;
        let handles = s.query::<User>().all().await.expect("trivial");
        handles
            .into_iter()
            .map(|h| s.try_take(h).expect("loaded"))
            .collect()
    }

    async fn lookup(&mut self, id: i32) -> Option<User> {
        let s = &mut self.s;
        let found = s.get::<User>(id).await.expect("lookup");
        found.and_then(|h| s.try_take(h))
    }

    async fn insert(&mut self, new: &[NewUser]) -> usize {
        let s = &mut self.s;
        let handles = s.add_all(new.iter().map(|u| User {
            id: 0,
            name: u.name.clone(),
            hair_color: u.hair_color.clone(),
        }));
        s.commit().await.expect("commit");
        let n = handles.len();
        for h in handles {
            s.try_take(h);
        }
        n
    }
}
