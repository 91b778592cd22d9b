//! Rust types from other crates, each behind the cargo feature of the same
//! name, as rusqlite does it: one module per crate.
//!
//! | feature | Rust type | SQL type |
//! |---|---|---|
//! | `chrono` | `NaiveDate`, `NaiveTime`, `NaiveDateTime` | [`Date`](crate::types::Date), [`Time`](crate::types::Time), [`Timestamp`](crate::types::Timestamp) |
//! | `chrono` | `DateTime<Utc>` (binds any `DateTime<Tz>`) | [`TimestampTz`](crate::types::TimestampTz) |
//! | `uuid` | `Uuid` | [`Uuid`](crate::types::Uuid) |
//! | `serde_json` | `Value` | [`Json`](crate::types::Json), [`Jsonb`](crate::types::Jsonb) |
//! | `rust_decimal` | `Decimal` | [`Numeric`](crate::types::Numeric) |
//!
//! Each type binds as a parameter (it is [`IntoExpr`](crate::expr::IntoExpr)
//! for its SQL types, so `column.eq(value)`, `column.between(a, b)` and
//! `column.set(value)` take it), loads from a result
//! ([`Decode`](crate::value::Decode) and
//! [`FromSqlValue`](crate::value::FromSqlValue)), and so does its `Option`
//! for nullable columns.
//!
//! ```toml
//! [dependencies]
//! sqlalgebra = { version = "0.1", features = ["chrono", "uuid", "serde_json", "rust_decimal"] }
//! ```
//!
//! Without a feature its SQL types still work, through `String`s in the
//! text form each backend stores.
//!
//! ```
//! use sqlalgebra::prelude::*;
//! // Always available: a UUID column written and read as text.
//! # #[derive(Clone, Copy, Debug, Default)] struct T;
//! # impl Table for T { const NAME: &'static str = "t"; type Columns = (Id,); type PrimaryKey = Id; }
//! # #[derive(Clone, Copy, Debug, Default)] struct Id;
//! # impl Column for Id { type Table = T; type SqlType = Uuid; const NAME: &'static str = "id"; }
//! let q = select(Id).filter(Id.eq("67e55044-10b1-426f-9247-bb680e5fe0c8"));
//! ```

#[cfg(feature = "chrono")]
pub mod chrono;
#[cfg(feature = "rust_decimal")]
pub mod rust_decimal;
#[cfg(feature = "serde_json")]
pub mod serde_json;
#[cfg(feature = "uuid")]
pub mod uuid;
