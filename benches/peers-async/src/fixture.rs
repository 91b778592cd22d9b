//! The data each shape runs on, written through a sqlalgebra async
//! connection that the contestants do not use.

use sqlalgebra::asyncio::AsyncConnection;
use sqlalgebra::asyncio::prelude::*;

use crate::Db;
use crate::schema::users;

/// Drops and creates `users` as benches/peers creates it.
fn create(db: Db) -> &'static [&'static str] {
    match db {
        Db::Sqlite => &[
            "DROP TABLE IF EXISTS users",
            "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, name VARCHAR NOT NULL, hair_color VARCHAR)",
        ],
        Db::Postgres => &[
            "DROP TABLE IF EXISTS users",
            "CREATE TABLE users (id SERIAL PRIMARY KEY, name VARCHAR NOT NULL, hair_color VARCHAR)",
        ],
        Db::Mysql => &[
            "DROP TABLE IF EXISTS users",
            "CREATE TABLE users (id INTEGER PRIMARY KEY AUTO_INCREMENT, name VARCHAR(255) NOT NULL, hair_color VARCHAR(255))",
        ],
    }
}

/// Drops and creates `users`, then fills it with `n` users `User i`, even
/// ones with black hair, odd ones brown, 1,000 per statement.
pub async fn users<C: AsyncConnection>(conn: &mut C, db: Db, n: usize) {
    for sql in create(db) {
        conn.batch_execute(sql).await.expect(sql);
    }
    let mut start = 0;
    while start < n {
        let end = (start + 1000).min(n);
        let names: Vec<String> = (start..end).map(|i| format!("User {i}")).collect();
        let rows: Vec<_> = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let hair = if (start + i) % 2 == 0 {
                    "black"
                } else {
                    "brown"
                };
                (
                    users::Name.set(name.as_str()),
                    users::HairColor.set(Some(hair)),
                )
            })
            .collect();
        insert_into(users::Users)
            .values(rows)
            .execute(conn)
            .await
            .expect("insert users");
        start = end;
    }
}

/// How many rows `users` has.
pub async fn count<C: AsyncConnection>(conn: &mut C) -> i64 {
    text("SELECT COUNT(*) FROM users")
        .returns::<BigInt>()
        .get(conn)
        .await
        .expect("count")
}
