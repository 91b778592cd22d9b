//! `uuid::Uuid` for the [`Uuid`](crate::types::Uuid) SQL type (feature
//! `uuid`).
//!
//! A `Uuid` binds as [`ValueRef::Uuid`]: PostgreSQL receives its 16 bytes
//! for a `uuid`; SQLite (`TEXT`) and MySQL (`CHAR(36)`) store the
//! hyphenated lowercase text, which stays readable and sorts as the bytes
//! do. It loads from a PostgreSQL `uuid`, from text in any form
//! `Uuid::try_parse` reads (hyphenated, simple, braced, URN; either case),
//! and from a 16-byte blob.
//!
//! Text written by other programs in upper case loads, but an equality
//! filter on SQLite or MySQL compares text, so it only finds rows written
//! the way sqlalgebra writes them.
//!
//! ```
//! use sqlalgebra::prelude::*;
//! use sqlalgebra_sqlite::Sqlite;
//!
//! #[derive(Clone, Copy, Debug, Default)]
//! struct Sessions;
//! impl Table for Sessions {
//!     const NAME: &'static str = "sessions";
//!     type Columns = (Id,);
//!     type PrimaryKey = Id;
//! }
//! #[derive(Clone, Copy, Debug, Default)] struct Id;
//! impl Column for Id { type Table = Sessions; type SqlType = Uuid; const NAME: &'static str = "id"; }
//!
//! fn main() -> sqlalgebra::Result<()> {
//!     let engine = Sqlite::memory()?;
//!     let mut conn = engine.connect()?;
//!     create_all::<Sessions>(&mut conn)?;
//!
//!     let id = uuid::Uuid::from_u128(0x67e5_5044_10b1_426f_9247_bb68_0e5f_e0c8);
//!     insert_into(Sessions).values(Id.set(id)).execute(&mut conn)?;
//!     let found: uuid::Uuid = select(Id).filter(Id.eq(id)).get(&mut conn)?;
//!     assert_eq!(found, id);
//!     // Stored as text:
//!     let text: String = select(Id).get(&mut conn)?;
//!     assert_eq!(text, "67e55044-10b1-426f-9247-bb680e5fe0c8");
//!     Ok(())
//! }
//! ```

use ::uuid::Uuid;

use crate::types;
use crate::value::{DecodeError, Encode, FromSqlValue, ValueRef};

impl Encode for Uuid {
    fn encode(&self) -> ValueRef<'_> {
        ValueRef::Uuid(*self.as_bytes())
    }
}

impl FromSqlValue for Uuid {
    fn from_value(v: ValueRef<'_>) -> Result<Self, DecodeError> {
        match v {
            ValueRef::Uuid(bytes) => Ok(Uuid::from_bytes(bytes)),
            ValueRef::Text(s) => Uuid::try_parse(s)
                .map_err(|e| DecodeError::Mismatch(format!("{s:?} is not a UUID: {e}"))),
            ValueRef::Blob(b) => Uuid::from_slice(b).map_err(|_| {
                DecodeError::Mismatch(format!("a UUID is 16 bytes, found {}", b.len()))
            }),
            ValueRef::Null => Err(DecodeError::Null),
            other => Err(DecodeError::mismatch("a UUID", other)),
        }
    }
}

crate::value::decode_as! {
    Uuid => types::Uuid;
}

crate::expr::takes_value! {
    Uuid => types::Uuid;
}

crate::expr::value_into_expr!(Uuid);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_load_from_bytes_and_any_text_form() {
        let id = Uuid::from_u128(0x67e5_5044_10b1_426f_9247_bb68_0e5f_e0c8);
        assert_eq!(id.encode(), ValueRef::Uuid(*id.as_bytes()));
        assert_eq!(Uuid::from_value(id.encode()), Ok(id));
        for text in [
            "67e55044-10b1-426f-9247-bb680e5fe0c8",
            "67E55044-10B1-426F-9247-BB680E5FE0C8",
            "67e5504410b1426f9247bb680e5fe0c8",
            "{67e55044-10b1-426f-9247-bb680e5fe0c8}",
        ] {
            assert_eq!(Uuid::from_value(ValueRef::Text(text)), Ok(id), "{text}");
        }
        assert_eq!(Uuid::from_value(ValueRef::Blob(id.as_bytes())), Ok(id));
        assert!(Uuid::from_value(ValueRef::Blob(&[1, 2, 3])).is_err());
        assert!(Uuid::from_value(ValueRef::Text("67e55044")).is_err());
        assert_eq!(Uuid::from_value(ValueRef::Null), Err(DecodeError::Null));
    }
}
