//! sqlalgebra's Core, awaited: `AsyncRunQuery` and `AsyncExecute` on one
//! pooled connection of any backend.

use std::ops::DerefMut;

use sqlalgebra::asyncio::AsyncConnection;
use sqlalgebra::asyncio::prelude::*;

use crate::schema::users;
use crate::{Contestant, NewUser, User};

/// sqlalgebra async Core on one connection (`H`: an `AsyncPooled`
/// connection).
pub struct Core<H> {
    pub conn: H,
}

impl<H> Core<H> {
    pub fn new(conn: H) -> Self {
        Core { conn }
    }
}

impl<H> Contestant for Core<H>
where
    H: DerefMut + Send,
    H::Target: AsyncConnection + Sized,
{
    async fn trivial(&mut self) -> Vec<User> {
        select(users::ALL)
            .load(&mut *self.conn)
            .await
            .expect("trivial")
    }

    async fn lookup(&mut self, id: i32) -> Option<User> {
        select(users::ALL)
            .filter(users::Id.eq(id))
            .first(&mut *self.conn)
            .await
            .expect("lookup")
    }

    async fn insert(&mut self, new: &[NewUser]) -> usize {
        let rows: Vec<_> = new
            .iter()
            .map(|u| {
                (
                    users::Name.set(u.name.as_str()),
                    users::HairColor.set(u.hair_color.as_deref()),
                )
            })
            .collect();
        insert_into(users::Users)
            .values(rows)
            .execute(&mut *self.conn)
            .await
            .expect("insert") as usize
    }
}
