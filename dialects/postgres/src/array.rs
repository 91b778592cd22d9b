//! Array cells in PostgreSQL's binary format, read element by element
//! (`Row::array_elements`).

use postgres::types::Type;
use sqlalgebra::value::ValueRef;

use crate::types::{Kind, decode_as};

/// Reads a big-endian `i32` at `at`.
fn int_at(raw: &[u8], at: usize) -> Option<i32> {
    raw.get(at..at + 4)?.try_into().ok().map(i32::from_be_bytes)
}

/// Gives each element of the one-dimensional array `raw` of type `ty` to
/// `each`, decoded as a cell of the element type (NULL as
/// [`ValueRef::Null`]). Elements of a date or time type, or of a type
/// cells cannot be read as, and arrays of more than one dimension are an
/// error.
pub(crate) fn for_each_element(
    ty: &Type,
    raw: &[u8],
    each: &mut dyn FnMut(ValueRef<'_>),
) -> Result<(), String> {
    let postgres::types::Kind::Array(member) = ty.kind() else {
        return Err(format!("a value of PostgreSQL type `{ty}` is not an array"));
    };
    let kind = Kind::of(member);
    if matches!(kind, Kind::Temporal | Kind::Unsupported) {
        return Err(format!(
            "arrays of PostgreSQL type `{member}` cannot be read"
        ));
    }
    let malformed = || format!("a malformed array of PostgreSQL type `{ty}`");
    let dims = int_at(raw, 0).ok_or_else(malformed)?;
    let (len, mut at) = match dims {
        // An empty array has no dimensions.
        0 => return Ok(()),
        1 => (int_at(raw, 12).ok_or_else(malformed)?, 20),
        n => return Err(format!("an array of {n} dimensions (only one is read)")),
    };
    for _ in 0..len {
        let n = int_at(raw, at).ok_or_else(malformed)?;
        at += 4;
        if n < 0 {
            each(ValueRef::Null);
            continue;
        }
        let end = at + n as usize;
        let bytes = raw.get(at..end).ok_or_else(malformed)?;
        let value = decode_as(kind, Some(bytes))
            .ok_or_else(|| format!("an element of PostgreSQL type `{member}` does not decode"))?;
        each(value);
        at = end;
    }
    Ok(())
}
