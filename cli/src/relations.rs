//! The relationships and the table list `print-schema` writes after the
//! tables and models.

use std::fmt::Write;

use crate::Schema;
use crate::print::{MAX_COLUMNS, Names, parent, printed, tuple};

/// `BelongsTo`/`HasMany` (and `HasOne` for a unique key) per single-column
/// foreign key to a model's single-column primary key, when the Rust types
/// agree; the first key only where a table refers to another twice.
pub(crate) fn print_relationships(out: &mut String, schema: &Schema, names: &[Names]) {
    let mut done: Vec<(String, String)> = Vec::new();
    for (t, n) in schema.tables.iter().zip(names) {
        let Some(child) = &n.model else { continue };
        for k in t.foreign_keys.iter().filter(|k| k.columns.len() == 1) {
            let Some((pt, pn)) = parent(schema, names, k) else {
                continue;
            };
            let Some(parent_model) = &pn.model else {
                continue;
            };
            if pt.primary_key != k.references {
                continue;
            }
            let Some(i) = t.columns.iter().position(|c| c.name == k.columns[0]) else {
                continue;
            };
            let Some(p) = pt.columns.iter().position(|c| c.name == k.references[0]) else {
                continue;
            };
            let key = pn.types[p].rust;
            if n.types[i].rust != key {
                continue;
            }
            let pair = (child.clone(), parent_model.clone());
            if done.contains(&pair) {
                let _ = writeln!(
                    out,
                    "\n// `{}` refers to `{}` again through `{}`: one `BelongsTo` per pair.",
                    t.name, pt.name, k.columns[0]
                );
                continue;
            }
            done.push(pair);
            let f = &n.fields[i];
            let owned = |v: &str| {
                if key == "String" {
                    format!("{v}.clone()")
                } else {
                    v.to_owned()
                }
            };
            let (get, set, clear) = if t.columns[i].nullable {
                (
                    owned(&format!("self.{f}")),
                    format!("self.{f} = Some(key);"),
                    Some(format!(
                        "    fn clear_parent_key(&mut self) -> bool {{\n        self.{f} = None;\n        true\n    }}\n"
                    )),
                )
            } else {
                (
                    format!("Some({})", owned(&format!("self.{f}"))),
                    format!("self.{f} = key;"),
                    None,
                )
            };
            let _ = writeln!(
                out,
                "\nimpl BelongsTo<{parent_model}> for {child} {{\n    type ForeignKey = {module}::{col};\n    \
                 fn parent_key(&self) -> Option<{key}> {{\n        {get}\n    }}\n    \
                 fn set_parent_key(&mut self, key: {key}) {{\n        {set}\n    }}\n{clear}}}\n\
                 impl HasMany<{child}> for {parent_model} {{}}",
                module = n.module,
                col = n.columns[i],
                clear = clear.unwrap_or_default(),
            );
            if t.columns[i].unique {
                let _ = writeln!(out, "impl HasOne<{child}> for {parent_model} {{}}");
            }
        }
    }
}

/// `AllTables`, parents before children, for `create_all`/`drop_all`.
pub(crate) fn print_all_tables(out: &mut String, schema: &Schema, names: &[Names]) {
    let printable: Vec<usize> = (0..schema.tables.len())
        .filter(|&i| printed(&schema.tables[i]))
        .collect();
    if printable.is_empty() {
        return;
    }
    let mut order: Vec<usize> = Vec::new();
    while order.len() < printable.len() {
        let before = order.len();
        for &i in &printable {
            let ready = schema.tables[i].foreign_keys.iter().all(|k| {
                k.table == schema.tables[i].name
                    || !printable.iter().any(|&j| schema.tables[j].name == k.table)
                    || order.iter().any(|&j| schema.tables[j].name == k.table)
            });
            if ready && !order.contains(&i) {
                order.push(i);
            }
        }
        if order.len() == before {
            // A cycle: the rest in name order.
            let rest: Vec<usize> = printable
                .iter()
                .copied()
                .filter(|i| !order.contains(i))
                .collect();
            order.extend(rest);
        }
    }
    if order.len() > MAX_COLUMNS {
        let _ = writeln!(
            out,
            "\n// More than {MAX_COLUMNS} tables: list them for `create_all` in groups of at most {MAX_COLUMNS}."
        );
        return;
    }
    let list: Vec<&str> = order.iter().map(|&i| names[i].table.as_str()).collect();
    let _ = writeln!(
        out,
        "\n/// Every table, parents first: `create_all::<AllTables>(&mut conn)`.\npub type AllTables = {};",
        tuple(&list.join(", "))
    );
}
