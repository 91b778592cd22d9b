//! The statements a [`Case`] builds into: SELECT, INSERT, UPDATE, DELETE
//! and `text()`.

use super::*;

impl Builder {
    pub(super) fn select(&mut self, d: &SelectDesc) -> Built {
        let all = Scope::new(BOTH, true);
        let no_agg = Scope::new(BOTH, false);
        let items = self
            .tuple(&d.items, 4, |b, e| b.any(e, all))
            .unwrap_or_else(|| Dyn::new(count_star()));
        let filters: Vec<Pred> = d
            .filters
            .iter()
            .take(4)
            .map(|e| self.boolean(e, no_agg))
            .collect();
        let group = self.tuple(&d.group_by, 3, |b, e| b.term(e, no_agg));
        let having = match (&group, &d.having) {
            (Some(_), Some(h)) => Some(self.boolean(h, all)),
            _ => None,
        };
        // SQLite takes aggregates in ORDER BY only in a grouped query.
        let order_scope = Scope::new(BOTH, group.is_some());
        let order = self.tuple(&d.order_by, 3, |b, (e, dir)| {
            b.order_term(e, *dir, order_scope)
        });
        let mut boxed = d.boxed.as_ref().map(|bd| BoxedParts {
            join2: None,
            filters: bd
                .filters
                .iter()
                .take(3)
                .map(|e| self.boolean(e, no_agg))
                .collect(),
            having: match group {
                Some(_) => bd
                    .having
                    .iter()
                    .take(2)
                    .map(|e| self.boolean(e, all))
                    .collect(),
                None => Vec::new(),
            },
            order: bd
                .order_by
                .iter()
                .take(3)
                .map(|(e, dir)| self.order_term(e, *dir, order_scope))
                .collect(),
        });

        // The joined table differs from the FROM table; the ON predicates
        // may use both. Their columns do not count as references (the FROM
        // clause is not inferred from them).
        let referenced = self.used;
        let mut joins = Vec::new();
        let mut expect = Expect::Ok;
        if let Some(j) = &d.join {
            let joined = match d.from {
                Some(f) if f == j.table => f.other(),
                _ => j.table,
            };
            let base = joined.other();
            let on_scope = Scope::new(BOTH, false);
            let on = self.boolean(&j.on, on_scope);
            joins.push((j.left, DynTable(TableRef::new(joined.name())), on));
            if let Some(j2) = &d.join2 {
                let on = self.boolean(&j2.on, on_scope);
                let t = TableRef {
                    name: j2.table.name(),
                    alias: Some(ALIAS),
                };
                match &mut boxed {
                    Some(b) => b.join2 = Some((j2.left, DynTable(t), on)),
                    None => joins.push((j2.left, DynTable(t), on)),
                }
            }
            if d.from.is_none() && referenced & base.mask() == 0 {
                expect = Expect::InvalidStatement;
            }
        }
        self.used = referenced;

        let parts = Parts {
            joins,
            filters,
            group,
            having,
            order,
            limit: d.limit.map(|n| if self.blank { 0 } else { n }),
            offset: d.offset.map(|n| if self.blank { 0 } else { n }),
            distinct: d.distinct,
            boxed,
        };
        let q = select(items);
        let stmt = match d.from {
            None => with_inner_joins(q, parts),
            Some(t) => with_joins(q.from(DynTable(TableRef::new(t.name()))), parts),
        };
        Built { stmt, expect }
    }

    pub(super) fn insert(&mut self, d: &InsertDesc) -> Built {
        let s = Scope::new(0, false);
        let (stmt, rows) = match d {
            InsertDesc::Users(shape, rows) => {
                let rows = &rows[..rows.len().min(4)];
                let stmt = match shape % 3 {
                    0 => insert_rows(
                        Users,
                        rows.iter()
                            .map(|r| users::Name.set(self.text(&r.name, s)))
                            .collect(),
                    ),
                    1 => insert_rows(
                        Users,
                        rows.iter()
                            .map(|r| {
                                (
                                    users::Name.set(self.text(&r.name, s)),
                                    users::Nickname.set(self.text(&r.nickname, s)),
                                    users::Age.set(self.int(&r.age, s).retag::<Integer>()),
                                )
                            })
                            .collect(),
                    ),
                    _ => insert_rows(Users, rows.iter().map(|r| self.users_row(r, s)).collect()),
                };
                (stmt, rows.len())
            }
            InsertDesc::Orders(shape, rows) => {
                let rows = &rows[..rows.len().min(4)];
                let stmt = match shape % 2 {
                    0 => insert_rows(
                        Orders,
                        rows.iter()
                            .map(|r| {
                                (
                                    orders::UserId.set(self.int(&r.user_id, s)),
                                    orders::Amount.set(self.float(&r.amount, s)),
                                )
                            })
                            .collect(),
                    ),
                    _ => insert_rows(Orders, rows.iter().map(|r| self.orders_row(r, s)).collect()),
                };
                (stmt, rows.len())
            }
        };
        let expect = if rows == 0 {
            Expect::InvalidStatement
        } else {
            Expect::Ok
        };
        Built { stmt, expect }
    }

    fn users_row(
        &mut self,
        r: &UsersRow,
        s: Scope,
    ) -> impl Assignments<Users> + InsertValues<Users> + use<> {
        (
            users::Name.set(self.text(&r.name, s)),
            users::Nickname.set(self.text(&r.nickname, s)),
            users::Age.set(self.int(&r.age, s).retag::<Integer>()),
            users::Score.set(self.float(&r.score, s)),
            users::Active.set(self.boolean(&r.active, s)),
            users::Avatar.set(self.blob(&r.avatar, s)),
        )
    }

    fn orders_row(
        &mut self,
        r: &OrdersRow,
        s: Scope,
    ) -> impl Assignments<Orders> + InsertValues<Orders> + use<> {
        (
            orders::UserId.set(self.int(&r.user_id, s)),
            orders::Amount.set(self.float(&r.amount, s)),
            orders::Qty.set(self.int(&r.qty, s).retag::<SmallInt>()),
            orders::Note.set(self.text(&r.note, s)),
            orders::Shipped.set(self.boolean(&r.shipped, s)),
            orders::Weight.set(self.float(&r.weight, s).retag::<Real>()),
        )
    }

    pub(super) fn update(&mut self, d: &UpdateDesc) -> Built {
        let stmt = match d {
            UpdateDesc::Users(shape, r, filters) => {
                let s = Scope::new(USERS, false);
                let filters = self.filters(filters, s);
                match shape % 3 {
                    0 => update_set(Users, users::Name.set(self.text(&r.name, s)), filters),
                    1 => {
                        let a = (
                            users::Age.set(self.int(&r.age, s).retag::<Integer>()),
                            users::Score.set(self.float(&r.score, s)),
                        );
                        update_set(Users, a, filters)
                    }
                    _ => {
                        let a = (
                            users::Active.set(self.boolean(&r.active, s)),
                            users::Nickname.set(self.text(&r.nickname, s)),
                            users::Avatar.set(self.blob(&r.avatar, s)),
                        );
                        update_set(Users, a, filters)
                    }
                }
            }
            UpdateDesc::Orders(shape, r, filters) => {
                let s = Scope::new(ORDERS, false);
                let filters = self.filters(filters, s);
                match shape % 2 {
                    0 => update_set(
                        Orders,
                        orders::Amount.set(self.float(&r.amount, s)),
                        filters,
                    ),
                    _ => {
                        let a = (
                            orders::Qty.set(self.int(&r.qty, s).retag::<SmallInt>()),
                            orders::Note.set(self.text(&r.note, s)),
                            orders::Shipped.set(self.boolean(&r.shipped, s)),
                            orders::Weight.set(self.float(&r.weight, s).retag::<Real>()),
                        );
                        update_set(Orders, a, filters)
                    }
                }
            }
        };
        Built {
            stmt,
            expect: Expect::Ok,
        }
    }

    fn filters(&mut self, filters: &[BoolExpr], s: Scope) -> Vec<Pred> {
        filters.iter().take(4).map(|e| self.boolean(e, s)).collect()
    }

    pub(super) fn delete(&mut self, d: &DeleteDesc) -> Built {
        let stmt = match d.table {
            TableId::Users => {
                let f = self.filters(&d.filters, Scope::new(USERS, false));
                let (f1, f2) = split_filters(f);
                let q = delete_from(Users);
                match (f1, f2) {
                    (None, _) => Box::new(q) as Box<dyn Statement>,
                    (Some(a), None) => Box::new(q.filter(a)),
                    (Some(a), Some(b)) => Box::new(q.filter(a).filter(b)),
                }
            }
            TableId::Orders => {
                let f = self.filters(&d.filters, Scope::new(ORDERS, false));
                let (f1, f2) = split_filters(f);
                let q = delete_from(Orders);
                match (f1, f2) {
                    (None, _) => Box::new(q) as Box<dyn Statement>,
                    (Some(a), None) => Box::new(q.filter(a)),
                    (Some(a), Some(b)) => Box::new(q.filter(a).filter(b)),
                }
            }
        };
        Built {
            stmt,
            expect: Expect::Ok,
        }
    }

    pub(super) fn text_query(&mut self, d: &TextDesc) -> Built {
        let mut sql = String::from("SELECT ");
        let mut names = Vec::new();
        let items = &d.items[..d.items.len().min(4)];
        if items.is_empty() {
            sql.push('1');
        }
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            write_item(&mut sql, item, &mut names, 0);
        }
        sql.push_str(" FROM \"users\"");
        if let Some((l, r)) = &d.cond {
            sql.push_str(" WHERE ");
            write_item(&mut sql, l, &mut names, 0);
            sql.push_str(" = ");
            write_item(&mut sql, r, &mut names, 0);
        }

        let skip = match (d.skip, names.len()) {
            (Some(k), n) if n > 0 => Some(usize::from(k) % n),
            _ => None,
        };
        let mut bound: Vec<String> = Vec::new();
        let mut q = text(sql);
        for (i, name) in names.iter().enumerate() {
            if Some(i) == skip {
                continue;
            }
            let v = match d.values.len() {
                0 => Value::Null,
                n => self.value(&d.values[i % n]),
            };
            q = q.bind(name, v.as_ref());
            bound.push(name.clone());
        }
        if let Some(u) = &d.unused {
            let u = u.resolve();
            q = q.bind(&u, 7i64);
            bound.push(u);
        }
        let expect = if names.iter().any(|n| !bound.contains(n)) {
            Expect::MissingBind
        } else if bound.iter().any(|n| !names.contains(n)) {
            Expect::UnusedBind
        } else {
            Expect::Ok
        };
        Built {
            stmt: Box::new(q),
            expect,
        }
    }
}

fn write_item(out: &mut String, item: &TextItem, names: &mut Vec<String>, depth: u8) {
    if depth >= MAX_DEPTH {
        out.push('1');
        return;
    }
    let d = depth + 1;
    match item {
        TextItem::Number(n) => sqlalgebra::render::push_int(out, i64::from(*n)),
        TextItem::Param(n) => {
            let n = n.resolve();
            out.push(':');
            out.push_str(&n);
            if !names.contains(&n) {
                names.push(n);
            }
        }
        TextItem::Column(i) => out.push_str(TEXT_COLUMNS[usize::from(*i) % TEXT_COLUMNS.len()]),
        TextItem::StrLit(n) => {
            out.push_str("':");
            out.push_str(&n.resolve());
            out.push('\'');
        }
        TextItem::BlockComment(n, inner) => {
            out.push_str("/* :");
            out.push_str(&n.resolve());
            out.push_str(" */ ");
            write_item(out, inner, names, d);
        }
        TextItem::LineComment(n, inner) => {
            write_item(out, inner, names, d);
            out.push_str(" -- :");
            out.push_str(&n.resolve());
            out.push('\n');
        }
        TextItem::Paren(inner) => {
            out.push('(');
            write_item(out, inner, names, d);
            out.push(')');
        }
        TextItem::Add(a, b) => {
            write_item(out, a, names, d);
            out.push_str(" + ");
            write_item(out, b, names, d);
        }
        TextItem::Cast(inner) => {
            out.push_str("CAST(");
            write_item(out, inner, names, d);
            out.push_str(" AS TEXT)");
        }
    }
}

/// The first predicate, and the others ANDed.
fn split_filters(f: Vec<Pred>) -> (Option<Pred>, Option<Pred>) {
    let mut it = f.into_iter();
    let first = it.next();
    let rest = it.next().map(|b| it.fold(b, |acc, c| Dyn::new(acc.and(c))));
    (first, rest)
}

fn insert_rows<T, R>(table: T, mut rows: Vec<R>) -> Box<dyn Statement>
where
    T: Table,
    R: Assignments<T> + InsertValues<T> + 'static,
{
    if rows.len() == 1
        && let Some(row) = rows.pop()
    {
        return Box::new(insert_into(table).values(row));
    }
    Box::new(insert_into(table).values(rows))
}

fn update_set<T, A>(table: T, a: A, filters: Vec<Pred>) -> Box<dyn Statement>
where
    T: Table,
    A: Assignments<T> + 'static,
{
    let q = update(table).set(a);
    match split_filters(filters) {
        (None, _) => Box::new(q),
        (Some(f), None) => Box::new(q.filter(f)),
        (Some(f), Some(g)) => Box::new(q.filter(f).filter(g)),
    }
}

/// The clauses of a SELECT, built, waiting to be applied in turn.
struct Parts {
    joins: Vec<(bool, DynTable, Pred)>,
    filters: Vec<Pred>,
    group: Option<Any>,
    having: Option<Pred>,
    order: Option<Any>,
    limit: Option<u64>,
    offset: Option<u64>,
    distinct: bool,
    boxed: Option<BoxedParts>,
}

/// What is added once the SELECT is boxed.
struct BoxedParts {
    join2: Option<(bool, DynTable, Pred)>,
    filters: Vec<Pred>,
    having: Vec<Pred>,
    order: Vec<Any>,
}

/// Joins onto an explicit FROM: inner or left.
fn with_joins<F: FromClause + ExplicitFrom + 'static>(
    q: Select<Any, F>,
    mut p: Parts,
) -> Box<dyn Statement> {
    let mut joins = std::mem::take(&mut p.joins).into_iter();
    match joins.next() {
        None => with_filters(q, p),
        Some((left, table, on)) => {
            let next = joins.next();
            if left {
                second_join(q.left_join(table, on), next, p)
            } else {
                second_join(q.join(table, on), next, p)
            }
        }
    }
}

fn second_join<F: FromClause + ExplicitFrom + 'static>(
    q: Select<Any, F>,
    next: Option<(bool, DynTable, Pred)>,
    p: Parts,
) -> Box<dyn Statement> {
    match next {
        None => with_filters(q, p),
        Some((true, table, on)) => with_filters(q.left_join(table, on), p),
        Some((false, table, on)) => with_filters(q.join(table, on), p),
    }
}

/// Joins onto an inferred FROM: inner ones (an outer join needs an
/// explicit FROM, which decides its NULL-extended side).
fn with_inner_joins(q: Select<Any, Inferred>, mut p: Parts) -> Box<dyn Statement> {
    let mut joins = std::mem::take(&mut p.joins).into_iter();
    match (joins.next(), joins.next()) {
        (None, _) => with_filters(q, p),
        (Some((_, t, on)), None) => with_filters(q.join(t, on), p),
        (Some((_, t, on)), Some((_, t2, on2))) => with_filters(q.join(t, on).join(t2, on2), p),
    }
}

fn with_filters<F: FromClause + 'static>(q: Select<Any, F>, mut p: Parts) -> Box<dyn Statement> {
    match split_filters(std::mem::take(&mut p.filters)) {
        (None, _) => with_modifiers(q, p),
        (Some(a), None) => with_modifiers(q.filter(a), p),
        (Some(a), Some(b)) => with_modifiers(q.filter(a).filter(b), p),
    }
}

fn with_modifiers<F, W>(q: Select<Any, F, W>, p: Parts) -> Box<dyn Statement>
where
    F: FromClause + 'static,
    W: MaybeClause + 'static,
{
    let mut q = q;
    if let Some(n) = p.limit {
        q = q.limit(n);
    }
    if let Some(n) = p.offset {
        q = q.offset(n);
    }
    if p.distinct {
        q = q.distinct();
    }
    match (p.group, p.having) {
        (None, _) => with_order(q, p.order, p.boxed),
        (Some(g), None) => with_order(q.group_by(g), p.order, p.boxed),
        (Some(g), Some(h)) => with_order(q.group_by(g).having(h), p.order, p.boxed),
    }
}

fn with_order<F, W, G, H>(
    q: Select<Any, F, W, Modifiers<G, H, ()>>,
    order: Option<Any>,
    boxed: Option<BoxedParts>,
) -> Box<dyn Statement>
where
    F: FromClause + 'static,
    W: MaybeClause + 'static,
    G: MaybeClause + 'static,
    H: MaybeClause + 'static,
{
    match (order, boxed) {
        (None, None) => Box::new(q),
        (Some(o), None) => Box::new(q.order_by(o)),
        (None, Some(b)) => finish_boxed(q.boxed(), b),
        (Some(o), Some(b)) => finish_boxed(q.order_by(o).boxed(), b),
    }
}

fn finish_boxed(mut q: BoxedSelect<'static, Text>, b: BoxedParts) -> Box<dyn Statement> {
    if let Some((left, table, on)) = b.join2 {
        q = if left {
            q.left_join(table, on)
        } else {
            q.join(table, on)
        };
    }
    for f in b.filters {
        q = q.filter(f);
    }
    for h in b.having {
        q = q.having(h);
    }
    for o in b.order {
        q = q.order_by(o);
    }
    Box::new(q)
}
