//! Reading an existing TPC-H database from `.tbl` files, the format of the
//! specification's `dbgen` (also written by `tpchgen-cli`): one file per
//! table (`lineitem.tbl`, ...), one row a line, each field followed by `|`.
//! Rows are read into the same [`Data`] the generator makes, so they load
//! and check the same way.

use std::path::Path;

use crate::datagen::*;

/// An error in the files, as text.
pub(crate) type TblError = String;

/// Reads the eight `.tbl` files of `dir`.
pub(crate) fn read(dir: &Path) -> Result<Data, TblError> {
    let mut data = Data::default();
    each_row(dir, "region", 3, |f| {
        data.regions.push(RegionRow {
            key: int(f[0])?,
            name: one_of(f[1], &REGIONS)?,
            comment: f[2].to_owned(),
        });
        Ok(())
    })?;
    let nation_names = NATIONS.map(|(name, _)| name);
    each_row(dir, "nation", 4, |f| {
        data.nations.push(NationRow {
            key: int(f[0])?,
            name: one_of(f[1], &nation_names)?,
            region: int(f[2])?,
            comment: f[3].to_owned(),
        });
        Ok(())
    })?;
    each_row(dir, "supplier", 7, |f| {
        data.suppliers.push(SupplierRow {
            key: int(f[0])?,
            name: f[1].to_owned(),
            address: f[2].to_owned(),
            nation: int(f[3])?,
            phone: f[4].to_owned(),
            acctbal: decimal(f[5])?,
            comment: f[6].to_owned(),
        });
        Ok(())
    })?;
    each_row(dir, "customer", 8, |f| {
        data.customers.push(CustomerRow {
            key: int(f[0])?,
            name: f[1].to_owned(),
            address: f[2].to_owned(),
            nation: int(f[3])?,
            phone: f[4].to_owned(),
            acctbal: decimal(f[5])?,
            segment: one_of(f[6], &SEGMENTS)?,
            comment: f[7].to_owned(),
        });
        Ok(())
    })?;
    each_row(dir, "part", 9, |f| {
        data.parts.push(PartRow {
            key: int(f[0])?,
            name: f[1].to_owned(),
            mfgr: f[2].to_owned(),
            brand: f[3].to_owned(),
            kind: f[4].to_owned(),
            size: small(f[5])?,
            container: f[6].to_owned(),
            retailprice: decimal(f[7])?,
            comment: f[8].to_owned(),
        });
        Ok(())
    })?;
    each_row(dir, "partsupp", 5, |f| {
        data.partsupps.push(PartSuppRow {
            part: int(f[0])?,
            supp: int(f[1])?,
            availqty: small(f[2])?,
            supplycost: decimal(f[3])?,
            comment: f[4].to_owned(),
        });
        Ok(())
    })?;
    each_row(dir, "orders", 9, |f| {
        data.orders.push(OrderRow {
            key: int(f[0])?,
            cust: int(f[1])?,
            status: one_of(f[2], &["O", "F", "P"])?,
            totalprice: decimal(f[3])?,
            date: f[4].to_owned(),
            priority: one_of(f[5], &PRIORITIES)?,
            clerk: f[6].to_owned(),
            shippriority: small(f[7])?,
            comment: f[8].to_owned(),
        });
        Ok(())
    })?;
    each_row(dir, "lineitem", 16, |f| {
        data.lineitems.push(LineRow {
            order: int(f[0])?,
            part: int(f[1])?,
            supp: int(f[2])?,
            number: small(f[3])?,
            quantity: decimal(f[4])?,
            extendedprice: decimal(f[5])?,
            discount: decimal(f[6])?,
            tax: decimal(f[7])?,
            returnflag: one_of(f[8], &["R", "A", "N"])?,
            linestatus: one_of(f[9], &["O", "F"])?,
            shipdate: f[10].to_owned(),
            commitdate: f[11].to_owned(),
            receiptdate: f[12].to_owned(),
            shipinstruct: one_of(f[13], &INSTRUCTIONS)?,
            shipmode: one_of(f[14], &MODES)?,
            comment: f[15].to_owned(),
        });
        Ok(())
    })?;
    Ok(data)
}

/// Calls `row` with the `width` fields of each line of `dir/table.tbl`.
fn each_row(
    dir: &Path,
    table: &str,
    width: usize,
    mut row: impl FnMut(&[&str]) -> Result<(), TblError>,
) -> Result<(), TblError> {
    let path = dir.join(format!("{table}.tbl"));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut fields = Vec::with_capacity(width);
    for (n, line) in text.lines().enumerate() {
        fields.clear();
        fields.extend(line.strip_suffix('|').unwrap_or(line).split('|'));
        if fields.len() != width {
            return Err(format!(
                "{}:{}: {} fields, expected {width}",
                path.display(),
                n + 1,
                fields.len()
            ));
        }
        row(&fields).map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?;
    }
    Ok(())
}

fn int(s: &str) -> Result<i64, TblError> {
    s.parse().map_err(|e| format!("`{s}`: {e}"))
}

fn small(s: &str) -> Result<i32, TblError> {
    s.parse().map_err(|e| format!("`{s}`: {e}"))
}

/// A DECIMAL(15,2) field as the double nearest to its decimal value.
fn decimal(s: &str) -> Result<f64, TblError> {
    s.parse().map_err(|e| format!("`{s}`: {e}"))
}

/// `s` as the one of `values` it equals (the generator's rows keep these
/// as `&'static str`).
fn one_of(s: &str, values: &[&'static str]) -> Result<&'static str, TblError> {
    values
        .iter()
        .find(|v| **v == s)
        .copied()
        .ok_or_else(|| format!("`{s}` is none of {values:?}"))
}
