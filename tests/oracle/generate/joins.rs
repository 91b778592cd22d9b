//! The generator's join kinds for SELECTs: INNER, LEFT, RIGHT and FULL
//! (no FULL JOIN for MariaDB, which has none).

use super::super::ast::*;
use super::Gen;

impl Gen<'_> {
    /// A join of a SELECT onto `src` with condition `on`, of a random kind.
    /// A FULL JOIN's condition is an equality of keys: PostgreSQL runs a
    /// FULL JOIN only on merge- or hash-joinable conditions.
    pub(super) fn select_join(&mut self, src: Src, on: E) -> Join {
        let left = self.rng.chance(40);
        let right = !self.ex.has("right_full_join") && self.rng.chance(20) && !(left && self.mysql);
        let on = if left && right {
            let before: Vec<Src> = self
                .scopes
                .last()
                .expect("the SELECT's scope")
                .iter()
                .copied()
                .filter(|s| *s != src)
                .collect();
            let other = *self.rng.pick(&before);
            E::Cmp(CmpOp::Eq, bx(E::Col(src, 0)), bx(E::Col(other, 0)))
        } else {
            on
        };
        Join {
            left,
            right,
            src,
            on,
        }
    }
}
