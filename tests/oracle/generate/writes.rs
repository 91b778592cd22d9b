//! The generator's writes (UPDATE and DELETE, reading other tables or
//! not, INSERT ... SELECT and upsert) and ORM queries.

use super::super::ast::*;
use super::super::ast::{Load, OrmQ};
use super::super::model::{Kind, Val, literal};
use super::Gen;

impl Gen<'_> {
    /// Columns of `table` a write may set: not the key, not a reference,
    /// not an ASCII-only text column (`lower`/`upper` read those).
    fn settable(&self, table: usize) -> Vec<usize> {
        let cols = &self.schema.tables[table].cols;
        (1..cols.len())
            .filter(|c| cols[*c].fk.is_none() && !(cols[*c].kind == Kind::Text && cols[*c].ascii))
            .collect()
    }

    /// Whether every column of `table` but `id` and `col` takes NULL.
    fn others_nullable(&self, table: usize, col: usize) -> bool {
        let cols = &self.schema.tables[table].cols;
        (1..cols.len()).all(|c| c == col || cols[c].nullable)
    }

    /// `coalesce(e, lit)` for a NOT NULL column.
    fn fit(&mut self, table: usize, col: usize, e: E) -> E {
        let def = &self.schema.tables[table].cols[col];
        if def.nullable || matches!(&e, E::Lit(v) if *v != Val::Null) {
            return e;
        }
        let mut v = literal(&mut self.rng, def.kind);
        if v == Val::Null {
            v = Val::Int(0);
        }
        E::Coalesce(e.b(), E::Lit(v).b())
    }

    /// The other tables of an UPDATE ... FROM or DELETE ... USING: none
    /// mostly, else one or two (a table, or an alias of one already used).
    /// An UPDATE's are never the target: the reference (SQLite) evaluates
    /// a SET value's subquery over rows the UPDATE has already changed.
    fn using(&mut self, target: usize, update: bool) -> Vec<Src> {
        if self.ex.has("multi_table_writes") || !self.rng.chance(35) {
            return Vec::new();
        }
        let tables: Vec<usize> = (0..self.schema.tables.len())
            .filter(|t| !update || *t != target)
            .collect();
        self.multi_write = true;
        self.multi_update = update;
        (0..1 + self.rng.below(2))
            .map(|_| {
                let t = *self.rng.pick(&tables);
                self.src_of(t)
            })
            .collect()
    }

    /// The WHERE of a write: `pin` (if any) and maybe a predicate.
    fn write_filter(&mut self, pin: Option<E>, chance: u64) -> Option<E> {
        let pred = self.rng.chance(chance).then(|| self.pred(2));
        match (pin, pred) {
            (Some(p), Some(f)) => Some(E::And(p.b(), f.b())),
            (p, f) => p.or(f),
        }
    }

    pub(super) fn update(&mut self) -> Option<Stmt> {
        let table = self.rng.below(self.schema.tables.len());
        let mut cols = self.settable(table);
        if cols.is_empty() {
            return None;
        }
        let n = 1 + self.rng.below(cols.len().min(2));
        let mut sets_cols = Vec::new();
        for _ in 0..n {
            sets_cols.push(cols.remove(self.rng.below(cols.len())));
        }
        let src = self.src_of(table);
        let using = self.using(table, true);
        // With one other table, maybe `other.id = target.<int column>`:
        // then at most one of its rows matches a target row, and the SET
        // values may read it.
        let ints: Vec<usize> = (0..self.schema.tables[table].cols.len())
            .filter(|c| self.schema.kind(table, *c) == Kind::Int)
            .collect();
        let pin = (using.len() == 1 && self.rng.chance(50)).then(|| {
            let c = *self.rng.pick(&ints);
            E::Cmp(CmpOp::Eq, E::Col(using[0], 0).b(), E::Col(src, c).b())
        });
        self.target = Some(table);
        self.assigned = Some((table, sets_cols.clone()));
        let mut scope = vec![src];
        if pin.is_some() {
            scope.extend(&using);
        }
        self.scopes.push(scope);
        let mut sets = Vec::new();
        self.in_set = true;
        for c in sets_cols {
            let kind = self.schema.kind(table, c);
            let e = if kind == Kind::Blob && self.rng.chance(50) {
                // SET typed by its column.
                E::Lit(literal(&mut self.rng, kind))
            } else {
                self.operand(kind, 2)
            };
            let e = self.fit(table, c, e);
            sets.push((c, e));
        }
        self.assigned = None;
        self.in_set = false;
        self.scopes
            .last_mut()
            .expect("the update's scope")
            .truncate(1);
        self.scopes
            .last_mut()
            .expect("the update's scope")
            .extend(&using);
        let filter = self.write_filter(pin, 85);
        Some(Stmt::Update {
            table,
            using,
            sets,
            filter,
        })
    }

    pub(super) fn delete(&mut self) -> Stmt {
        let tables: Vec<usize> = (0..self.schema.tables.len())
            .filter(|t| !self.schema.referenced(*t))
            .collect();
        let table = *self.rng.pick(&tables);
        let src = self.src_of(table);
        let using = self.using(table, false);
        self.target = Some(table);
        let mut scope = vec![src];
        scope.extend(&using);
        self.scopes.push(scope);
        let filter = self.write_filter(None, 90);
        Stmt::Delete {
            table,
            using,
            filter,
        }
    }

    pub(super) fn insert_select(&mut self) -> Option<Stmt> {
        let table = self.rng.below(self.schema.tables.len());
        if self.rows[table] > 30 {
            return None;
        }
        let settable = self.settable(table);
        if settable.is_empty() {
            return None;
        }
        let col = *self.rng.pick(&settable);
        if !self.others_nullable(table, col) {
            return None;
        }
        let kind = self.schema.kind(table, col);
        if kind == Kind::Blob && self.no_blob_values() {
            // A blob-typed value without a blob column in scope would be a
            // bound blob (`blob_literal_values`).
            return None;
        }
        self.insert_counter += 1;
        let from = self.src();
        self.scopes.push(vec![from]);
        let id = E::Arith(
            ArOp::Add,
            E::Col(from, 0).b(),
            E::Lit(Val::Int(1000 * self.insert_counter)).b(),
        );
        let value = self.expr(kind, 2);
        let value = self.fit(table, col, value);
        let filter = (0..self.rng.below(2)).map(|_| self.pred(2)).collect();
        self.scopes.pop();
        let src = Sel {
            distinct: false,
            items: vec![id, value],
            from,
            infer_from: self.rng.chance(30),
            joins: Vec::new(),
            filter,
            group: Vec::new(),
            having: None,
            order: false,
            desc: vec![false, false],
            limit: None,
            offset: None,
        };
        Some(Stmt::InsertSelect { table, col, src })
    }

    pub(super) fn upsert(&mut self) -> Option<Stmt> {
        let table = self.rng.below(self.schema.tables.len());
        let settable = self.settable(table);
        if settable.is_empty() {
            return None;
        }
        let col = *self.rng.pick(&settable);
        if !self.others_nullable(table, col) {
            return None;
        }
        let def = &self.schema.tables[table].cols[col];
        let mut val = literal(&mut self.rng, def.kind);
        if !def.nullable && val == Val::Null {
            val = literal(&mut self.rng, def.kind);
        }
        Some(Stmt::Upsert {
            table,
            col,
            id: 1 + self.rng.below(25) as i64,
            val,
            do_nothing: self.rng.chance(30),
        })
    }

    /// `session.query::<M>()`: a filter (often with a correlated
    /// subquery), a join or ORDER BY/LIMIT, and sometimes a loader over a
    /// foreign key of the schema.
    pub(super) fn orm(&mut self) -> Stmt {
        let fks: Vec<(usize, usize, usize)> = self
            .schema
            .tables
            .iter()
            .enumerate()
            .flat_map(|(t, def)| {
                def.cols
                    .iter()
                    .enumerate()
                    .filter_map(move |(c, d)| d.fk.map(|p| (t, c, p)))
            })
            .collect();
        let (table, load) = if !fks.is_empty() && self.rng.chance(60) {
            let (child, col, parent) = *self.rng.pick(&fks);
            if self.rng.chance(35) {
                (child, Load::Parents { parent, col })
            } else {
                let joined = self.rng.chance(50);
                (parent, Load::Children { child, col, joined })
            }
        } else {
            (self.rng.below(self.schema.tables.len()), Load::None)
        };
        let src = self.src_of(table);
        self.scopes.push(vec![src]);
        let mut joins = Vec::new();
        if load == Load::None && self.rng.chance(40) {
            let j = self.src();
            self.scopes.last_mut().expect("the query's scope").push(j);
            let on = self.pred(1);
            joins.push(Join {
                left: self.rng.chance(30),
                right: false,
                src: j,
                on,
            });
        }
        let filter = self.rng.chance(80).then(|| self.pred(2));
        let limit = (joins.is_empty() && self.rng.chance(25))
            .then(|| (self.rng.below(5) as u64, self.rng.below(3) as u64));
        self.scopes.pop();
        Stmt::Orm(OrmQ {
            table,
            joins,
            filter,
            limit,
            load,
        })
    }
}
