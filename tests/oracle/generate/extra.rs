//! The generator's window functions and CTEs.

use super::super::ast::*;
use super::super::model::Kind;
use super::Gen;

impl Gen<'_> {
    /// A window function over the sources of the SELECT being generated:
    /// its ORDER BY ends with every source's key (always for
    /// `row_number`), a total order in each partition.
    pub(super) fn window(&mut self) -> (E, Kind) {
        let srcs = self.scopes.last().expect("the SELECT's scope").clone();
        let f = *self.rng.pick(&[
            WinF::RowNumber,
            WinF::Rank,
            WinF::DenseRank,
            WinF::Sum,
            WinF::Count,
        ]);
        let no_sub = std::mem::replace(&mut self.no_sub, true);
        let part = (0..self.rng.below(3))
            .map(|_| {
                let k = *self.rng.pick(&[Kind::Int, Kind::Text, Kind::Bool]);
                self.expr(k, 1)
            })
            .collect();
        let mut order: Vec<(E, bool)> = (0..self.rng.below(3))
            .map(|_| {
                let k = *self.rng.pick(&[Kind::Int, Kind::Text, Kind::Float]);
                (self.expr(k, 1), self.rng.chance(30))
            })
            .collect();
        // MariaDB refuses RANK and DENSE_RANK without ORDER BY (its error
        // 4018).
        let ranking = matches!(f, WinF::Rank | WinF::DenseRank) && order.is_empty();
        if f == WinF::RowNumber || ranking || self.rng.chance(50) {
            for s in srcs {
                order.push((E::Col(s, 0), self.rng.chance(30)));
            }
        }
        let (arg, kind) = match f {
            WinF::Sum => {
                let k = *self.rng.pick(&[Kind::Int, Kind::Float]);
                (Some(self.expr(k, 1).b()), k)
            }
            WinF::Count => {
                let k = self.kind();
                (Some(self.expr(k, 1).b()), Kind::Int)
            }
            _ => (None, Kind::Int),
        };
        self.no_sub = no_sub;
        (E::Win(f, arg, part, order), kind)
    }

    /// `WITH [RECURSIVE] "w" AS (..) SELECT .. FROM "w" ..`.
    pub(super) fn with(&mut self) -> Stmt {
        let table = self.rng.below(self.schema.tables.len());
        let src = self.src_of(table);
        self.scopes.push(vec![src]);
        let filter = self.rng.chance(60).then(|| self.pred(1));
        self.scopes.clear();
        self.used = [0; 5];
        // MariaDB 10.11 merges the CTE into the outer query and then
        // confuses a window's `ORDER BY t.c` with its `PARTITION BY w.c`
        // when the body read `t` under the same name (`count(w.c)` counts
        // every row of a partition as a peer; TESTING.md): on MariaDB the
        // outer query reads the CTE's table only through an alias.
        if self.mysql {
            self.used[table] = 1;
        }
        self.next_alias = 0;
        self.force_from = Some(Src {
            table,
            alias: Some(super::super::model::CTE),
        });
        let body = self.select(None, 2);
        Stmt::With {
            recursive: self.rng.chance(40),
            table,
            ncols: self.schema.tables[table].cols.len(),
            filter,
            body,
        }
    }
}
