//! The code `print-schema` printed for the round-trip test schema, one
//! module per backend (written by `UPDATE_PRINTED=1`, see `print_schema.rs`).

pub mod mysql;
pub mod postgres;
pub mod sqlite;
