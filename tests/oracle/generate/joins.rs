//! The generator's join kinds for SELECTs: INNER, LEFT, RIGHT and FULL
//! (no FULL JOIN for MariaDB, which has none).

use super::super::ast::*;
use super::Gen;

impl Gen<'_> {
    /// A join of a SELECT onto `src` with condition `on`, of a random kind.
    pub(super) fn select_join(&mut self, src: Src, on: E) -> Join {
        let left = self.rng.chance(40);
        let right = !self.ex.has("right_full_join")
            && self.rng.chance(20)
            && !(left && self.mysql);
        Join {
            left,
            right,
            src,
            on,
        }
    }
}
