//! Merging the rows of several shards: rows held as owned values
//! ([`ShardRow`]), sorted by the ORDER BY terms, cut by OFFSET and LIMIT,
//! or aggregates folded into one row.

use std::cmp::Ordering;
use std::sync::Arc;

use super::collation::is_binary;
use super::plan::{Aggregate, Merge, SortKey};
use crate::error::{ErrorKind, Result};
use crate::value::{Row, Value, ValueRef};

/// One row of one shard, its cells copied out of the driver's row.
#[derive(Debug, Clone)]
pub(crate) struct ShardRow {
    cells: Vec<Value>,
    names: Arc<[String]>,
    /// The shard it came from.
    pub(crate) shard: usize,
}

impl ShardRow {
    /// Copies `row` of shard `shard`; `names` are the column names, shared
    /// by the rows of a result (taken from the first).
    pub(crate) fn copy<R: Row + ?Sized>(
        row: &R,
        shard: usize,
        names: &mut Option<Arc<[String]>>,
    ) -> Result<Self> {
        let names = names
            .get_or_insert_with(|| {
                (0..row.len())
                    .map(|i| row.column_name(i).to_owned())
                    .collect()
            })
            .clone();
        let cells = (0..row.len())
            .map(|i| row.value(i).map(Value::from_ref))
            .collect::<Result<_>>()?;
        Ok(ShardRow {
            cells,
            names,
            shard,
        })
    }

    /// Checks and drops the last `probes` cells, the collation probes of
    /// the sort terms (see [`collation`](super::collation)).
    fn take_probes(&mut self, probes: usize) -> Result<()> {
        let at = self.cells.len().saturating_sub(probes);
        for cell in self.cells.drain(at..) {
            match cell.as_ref() {
                ValueRef::Null => {}
                ValueRef::Text(name) if is_binary(name) => {}
                _ => {
                    return Err(ErrorKind::Unsupported {
                        dialect: "sharded engine",
                        feature: "ORDER BY text across shards in a collation that does not sort by code point \
                                  (the merge would order it otherwise than one database): give the column a \
                                  binary collation, or sort the merged rows yourself",
                    }.into());
                }
            }
        }
        Ok(())
    }
}

impl Row for ShardRow {
    fn value(&self, idx: usize) -> Result<ValueRef<'_>> {
        self.cells.get(idx).map(Value::as_ref).ok_or_else(|| {
            ErrorKind::Decode {
                column: format!("#{idx}"),
                message: format!("the row has {} columns", self.cells.len()),
            }
            .into()
        })
    }
    fn column_name(&self, idx: usize) -> &str {
        self.names.get(idx).map_or("?", String::as_str)
    }
    fn len(&self) -> usize {
        self.cells.len()
    }
}

/// The rows of every shard (in shard order) merged as `merge` says.
pub(crate) fn merge(shards: Vec<Vec<ShardRow>>, merge: &Merge) -> Result<Vec<ShardRow>> {
    let (rows, limit, offset) = match merge {
        Merge::Rows {
            order,
            probed,
            limit,
            offset,
        } => {
            let mut rows: Vec<ShardRow> = shards.into_iter().flatten().collect();
            for row in &mut rows {
                row.take_probes(probed.len())?;
            }
            // Stable: ties keep shard order.
            rows.sort_by(|a, b| compare_rows(a, b, order));
            (rows, *limit, *offset)
        }
        Merge::Aggregates {
            kinds,
            limit,
            offset,
        } => {
            let mut rows = shards.into_iter().flatten();
            // No shard ran it: the aggregates of no rows.
            let mut acc = rows.next().unwrap_or_else(|| ShardRow {
                cells: kinds
                    .iter()
                    .map(|k| {
                        Value::from_ref(match k {
                            Aggregate::Count => ValueRef::Int(0),
                            _ => ValueRef::Null,
                        })
                    })
                    .collect(),
                names: kinds.iter().map(|k| format!("{k:?}")).collect(),
                shard: 0,
            });
            for row in rows {
                for (i, kind) in kinds.iter().enumerate() {
                    let merged = fold(*kind, acc.cells[i].as_ref(), row.cells[i].as_ref())?;
                    acc.cells[i] = merged;
                }
            }
            (vec![acc], *limit, *offset)
        }
    };
    let skip = usize::try_from(offset).unwrap_or(0);
    let take = limit.map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(0));
    Ok(rows.into_iter().skip(skip).take(take).collect())
}

fn compare_rows(a: &ShardRow, b: &ShardRow, order: &[SortKey]) -> Ordering {
    for key in order {
        let (x, y) = (a.cells[key.column].as_ref(), b.cells[key.column].as_ref());
        let o = match (x, y) {
            (ValueRef::Null, ValueRef::Null) => Ordering::Equal,
            // NULLs first or last whatever the direction.
            (ValueRef::Null, _) => {
                return if key.nulls_first {
                    Ordering::Less
                } else {
                    Ordering::Greater
                };
            }
            (_, ValueRef::Null) => {
                return if key.nulls_first {
                    Ordering::Greater
                } else {
                    Ordering::Less
                };
            }
            _ if key.descending => compare(y, x),
            _ => compare(x, y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// Two non-NULL cells of one column. Text compares by bytes, which is
/// code point order: the probes checked the shards sort it so.
fn compare(x: ValueRef<'_>, y: ValueRef<'_>) -> Ordering {
    use ValueRef as V;
    match (x, y) {
        (V::Int(a), V::Int(b)) => a.cmp(&b),
        (V::Float(a), V::Float(b)) => a.total_cmp(&b),
        (V::Int(a), V::Float(b)) => (a as f64).total_cmp(&b),
        (V::Float(a), V::Int(b)) => a.total_cmp(&(b as f64)),
        (V::Text(a), V::Text(b)) => a.cmp(b),
        (V::Blob(a), V::Blob(b)) => a.cmp(b),
        (V::Bool(a), V::Bool(b)) => a.cmp(&b),
        (V::Uuid(a), V::Uuid(b)) => a.cmp(&b),
        (V::Date(a), V::Date(b)) => a.cmp(&b),
        (V::Time(a), V::Time(b))
        | (V::Timestamp(a), V::Timestamp(b))
        | (V::TimestampTz(a), V::TimestampTz(b)) => a.cmp(&b),
        _ => match (decimal(x), decimal(y)) {
            (Some(a), Some(b)) => {
                let (a, b, _) = align(a, b);
                a.cmp(&b)
            }
            _ => Ordering::Equal,
        },
    }
}

/// A number as mantissa and scale (integers, decimals, and decimals the
/// driver gave as text).
fn decimal(v: ValueRef<'_>) -> Option<(i128, u32)> {
    match v {
        ValueRef::Int(i) => Some((i128::from(i), 0)),
        ValueRef::Decimal { mantissa, scale } => Some((mantissa, scale)),
        ValueRef::Text(s) => {
            let (int, frac) = s.split_once('.').unwrap_or((s, ""));
            let digits = format!("{int}{frac}");
            Some((digits.parse().ok()?, u32::try_from(frac.len()).ok()?))
        }
        _ => None,
    }
}

/// Both at the larger scale (saturating: 38 digits do not overflow).
fn align((a, sa): (i128, u32), (b, sb): (i128, u32)) -> (i128, i128, u32) {
    let s = sa.max(sb);
    let up = |m: i128, from: u32| m.saturating_mul(10i128.saturating_pow(s - from));
    (up(a, sa), up(b, sb), s)
}

/// Folds shard `y`'s aggregate into `x`.
fn fold(kind: Aggregate, x: ValueRef<'_>, y: ValueRef<'_>) -> Result<Value> {
    let pick = |keep_x: bool| Value::from_ref(if keep_x { x } else { y });
    Ok(match (x, y) {
        (ValueRef::Null, _) => Value::from_ref(y),
        (_, ValueRef::Null) => Value::from_ref(x),
        _ => match kind {
            Aggregate::Min => pick(compare(x, y) != Ordering::Greater),
            Aggregate::Max => pick(compare(x, y) != Ordering::Less),
            Aggregate::Count | Aggregate::Sum => add(x, y)?,
        },
    })
}

fn add(x: ValueRef<'_>, y: ValueRef<'_>) -> Result<Value> {
    let overflow = || ErrorKind::Decode {
        column: "SUM".into(),
        message: "the sum over the shards overflows".into(),
    };
    Ok(match (x, y) {
        (ValueRef::Int(a), ValueRef::Int(b)) => {
            Value::from_ref(ValueRef::Int(a.checked_add(b).ok_or_else(overflow)?))
        }
        (ValueRef::Float(a), ValueRef::Float(b)) => Value::from_ref(ValueRef::Float(a + b)),
        _ => {
            let (Some(a), Some(b)) = (decimal(x), decimal(y)) else {
                return Err(ErrorKind::Decode {
                    column: "SUM".into(),
                    message: format!("cannot add a {} to a {}", y.kind(), x.kind()),
                }
                .into());
            };
            let (a, b, scale) = align(a, b);
            let mantissa = a.checked_add(b).ok_or_else(overflow)?;
            if let ValueRef::Text(_) = x {
                Value::from_ref(ValueRef::Text(&decimal_text(mantissa, scale)))
            } else {
                Value::from_ref(ValueRef::Decimal { mantissa, scale })
            }
        }
    })
}

fn decimal_text(mantissa: i128, scale: u32) -> String {
    let digits = mantissa.unsigned_abs().to_string();
    let sign = if mantissa < 0 { "-" } else { "" };
    let scale = scale as usize;
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    format!("{sign}{int}.{frac}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[ValueRef<'_>]) -> ShardRow {
        ShardRow {
            cells: Value::list(cells),
            names: Arc::from(vec!["a".to_owned(); cells.len()]),
            shard: 0,
        }
    }

    #[test]
    fn rows_merge_in_order_then_offset_and_limit() {
        let shards = vec![
            vec![row(&[ValueRef::Int(1)]), row(&[ValueRef::Int(4)])],
            vec![row(&[ValueRef::Null]), row(&[ValueRef::Int(2)])],
        ];
        let order = vec![SortKey {
            column: 0,
            descending: true,
            nulls_first: false,
        }];
        let m = Merge::Rows {
            order,
            probed: Vec::new(),
            limit: Some(2),
            offset: 1,
        };
        let got: Vec<_> = merge(shards, &m)
            .unwrap()
            .iter()
            .map(|r| match r.value(0).unwrap() {
                ValueRef::Int(i) => i,
                _ => -1,
            })
            .collect();
        assert_eq!(got, [2, 1]);
    }

    #[test]
    fn aggregates_fold() {
        let d = |m| ValueRef::Decimal {
            mantissa: m,
            scale: 1,
        };
        assert_eq!(
            fold(Aggregate::Sum, d(15), ValueRef::Int(2))
                .unwrap()
                .as_ref(),
            d(35)
        );
        assert_eq!(
            fold(
                Aggregate::Sum,
                ValueRef::Text("1.5"),
                ValueRef::Text("-2.25")
            )
            .unwrap()
            .as_ref(),
            ValueRef::Text("-0.75")
        );
        assert_eq!(
            fold(Aggregate::Min, ValueRef::Null, ValueRef::Int(3))
                .unwrap()
                .as_ref(),
            ValueRef::Int(3)
        );
        assert_eq!(
            fold(Aggregate::Max, ValueRef::Text("b"), ValueRef::Text("a"))
                .unwrap()
                .as_ref(),
            ValueRef::Text("b")
        );
        assert_eq!(decimal_text(5, 3), "0.005");
    }
}
