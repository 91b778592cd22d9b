#[path = "../schema.rs"]
mod schema;

use schema::*;
use sqlalgebra::prelude::*;

fn main() {
    let _ = update(Users).set(posts::Title.set("x"));
    let _ = insert_into(Users).values(posts::Title.set("x"));
}
