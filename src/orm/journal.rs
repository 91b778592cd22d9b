//! What a rollback replays: for each open transaction level, the state
//! each slot of an arena had when the level first touched it; and the
//! snapshots flush compares changed objects against, which share the
//! journal's copy instead of taking a second one.
//!
//! An entry keeps the object's value only when the level may change it
//! (an edit, a refresh, a flush that writes generated keys): deleting an
//! object leaves its value as it is, so the entry of a deletion keeps the
//! state alone ("value unchanged since"), and an edit after it adds an
//! entry with the value. Rollback applies a level's entries last to
//! first, so the oldest state wins and a value-less entry keeps the value
//! the entry after it restored. Entries are small (the values sit in a
//! vector of their own), so journaling many objects copies little.

use super::arena::{FastMap, State};

/// What a flush compares an object against: the object as the database
/// has it, taken at its first mutable borrow since it was loaded or
/// flushed.
pub(crate) enum Snapshot<M> {
    /// None: the object is unchanged, new or deleted.
    None,
    /// A copy of its own (an object edited again after a flush in the
    /// same level, whose level-start value the journal already holds).
    Own(Box<M>),
    /// The copy the journal took at the edit: value `value` of the level
    /// at `depth` of the journal's stack.
    Journaled { depth: u32, value: u32 },
}

impl<M: Clone> Snapshot<M> {
    /// The same snapshot for a journal entry: a reference stays a
    /// reference (entries only ever refer to older entries).
    pub(crate) fn duplicate(&self) -> Self {
        match self {
            Snapshot::None => Snapshot::None,
            Snapshot::Own(b) => Snapshot::Own(b.clone()),
            Snapshot::Journaled { depth, value } => Snapshot::Journaled {
                depth: *depth,
                value: *value,
            },
        }
    }
}

/// A slot's state, as saved and as restored.
pub(crate) struct Before<M> {
    /// Its value, or `None` when the level had not changed it yet (see
    /// the module's docs).
    pub(crate) value: Option<M>,
    pub(crate) state: State,
    pub(crate) snapshot: Snapshot<M>,
    pub(crate) expired: bool,
}

/// No value in an entry.
const NO_VALUE: u32 = u32::MAX;
/// No slot: an entry of an object expunged from the session.
const GONE: u32 = u32::MAX;

/// A saved state; its value is `Level::values[value]`.
struct Saved<M> {
    value: u32,
    state: State,
    expired: bool,
    snapshot: Snapshot<M>,
}

/// One entry: slot `slot` was in state `before` (`None`: it did not
/// exist).
struct Entry<M> {
    slot: u32,
    before: Option<Saved<M>>,
}

impl<M> Entry<M> {
    /// Whether this entry alone restores the slot (it holds the value, or
    /// the slot did not exist).
    fn complete(&self) -> bool {
        self.before.as_ref().is_none_or(|b| b.value != NO_VALUE)
    }
}

struct Level<M> {
    id: u64,
    entries: Vec<Entry<M>>,
    values: Vec<Option<M>>,
}

/// The journal of one arena: a stack of the open levels that saved
/// something (outermost first), each with its entries in the order they
/// were made.
pub(crate) struct Journal<M> {
    levels: Vec<Level<M>>,
}

impl<M: Clone> Journal<M> {
    pub(crate) fn new() -> Self {
        Journal { levels: Vec::new() }
    }

    /// The depth of level `level`, made the innermost if it is not.
    fn top(&mut self, level: u64) -> usize {
        if self.levels.last().is_none_or(|l| l.id != level) {
            self.levels.push(Level {
                id: level,
                entries: Vec::new(),
                values: Vec::new(),
            });
        }
        self.levels.len() - 1
    }

    /// Makes room for `n` more entries in level `level`.
    pub(crate) fn reserve(&mut self, level: u64, n: usize) {
        let top = self.top(level);
        self.levels[top].entries.reserve(n);
    }

    /// Saves slot `slot` in level `level` (the innermost); `before` is
    /// `None` for a slot that does not exist yet. Returns the snapshot
    /// that refers to the saved value, if a value was saved.
    pub(crate) fn push(&mut self, level: u64, slot: u32, before: Option<Before<M>>) -> Snapshot<M> {
        let depth = self.top(level);
        let top = &mut self.levels[depth];
        let Some(b) = before else {
            top.entries.push(Entry { slot, before: None });
            return Snapshot::None;
        };
        let (value, snapshot) = match b.value {
            Some(v) => {
                let k = top.values.len() as u32;
                top.values.push(Some(v));
                let depth = depth as u32;
                (k, Snapshot::Journaled { depth, value: k })
            }
            None => (NO_VALUE, Snapshot::None),
        };
        top.entries.push(Entry {
            slot,
            before: Some(Saved {
                value,
                state: b.state,
                expired: b.expired,
                snapshot: b.snapshot,
            }),
        });
        snapshot
    }

    /// The object a snapshot stands for.
    #[inline]
    pub(crate) fn resolve<'a>(&'a self, snapshot: &'a Snapshot<M>) -> Option<&'a M> {
        match snapshot {
            Snapshot::None => None,
            Snapshot::Own(b) => Some(b),
            Snapshot::Journaled { depth, value } => self
                .levels
                .get(*depth as usize)?
                .values
                .get(*value as usize)?
                .as_ref(),
        }
    }

    /// Forgets the entries of slot `i` (expunged from the session).
    pub(crate) fn forget(&mut self, i: u32) {
        for level in &mut self.levels {
            for e in level.entries.iter_mut().filter(|e| e.slot == i) {
                if let Some(b) = e.before.take()
                    && let Some(v) = level.values.get_mut(b.value as usize)
                {
                    *v = None;
                }
                e.slot = GONE;
            }
        }
    }

    /// The number of entries of the innermost level, when it is `id`.
    pub(crate) fn innermost_len(&self, id: u64) -> Option<usize> {
        self.levels
            .last()
            .filter(|l| l.id == id)
            .map(|l| l.entries.len())
    }

    /// The slot of entry `k` of the innermost level.
    pub(crate) fn innermost_slot(&self, k: usize) -> u32 {
        self.levels
            .last()
            .and_then(|l| l.entries.get(k))
            .map_or(GONE, |e| e.slot)
    }

    /// Takes the saved state out of entry `k` of the innermost level
    /// (rolling it back, last entry first).
    pub(crate) fn take_innermost(&mut self, k: usize) -> Option<Before<M>> {
        let top = self.levels.last_mut()?;
        let saved = top.entries.get_mut(k)?.before.take()?;
        Some(Before {
            value: top
                .values
                .get_mut(saved.value as usize)
                .and_then(Option::take),
            state: saved.state,
            snapshot: saved.snapshot,
            expired: saved.expired,
        })
    }

    /// Drops the innermost level.
    pub(crate) fn pop(&mut self) {
        self.levels.pop();
    }

    /// Hands the entries of level `child` (the innermost) to `parent`:
    /// those of slots the parent restores completely are dropped, the
    /// others appended. `moved` is told of every entry: its slot, the
    /// snapshot that referred to its value in `child`, and the one that
    /// refers to it in `parent` (`Err`: dropped, with its value).
    pub(crate) fn release(
        &mut self,
        child: u64,
        parent: u64,
        mut moved: impl FnMut(u32, Snapshot<M>, Result<Snapshot<M>, Option<M>>),
    ) {
        if self.innermost_len(child).is_none() {
            return;
        }
        let Some(mut level) = self.levels.pop() else {
            return;
        };
        let child_depth = self.levels.len() as u32;
        let depth = self.top(parent);
        let top = &mut self.levels[depth];
        let complete: FastMap<u32, ()> = top
            .entries
            .iter()
            .filter(|e| e.complete())
            .map(|e| (e.slot, ()))
            .collect();
        for mut e in level.entries {
            if e.slot == GONE {
                continue;
            }
            let old = e.before.as_ref().map_or(NO_VALUE, |b| b.value);
            let value = level.values.get_mut(old as usize).and_then(Option::take);
            let was = Snapshot::Journaled {
                depth: child_depth,
                value: old,
            };
            if complete.contains_key(&e.slot) {
                moved(e.slot, was, Err(value));
                continue;
            }
            let now = match value {
                Some(v) => {
                    top.values.push(Some(v));
                    let k = top.values.len() as u32 - 1;
                    if let Some(b) = &mut e.before {
                        b.value = k;
                    }
                    Snapshot::Journaled {
                        depth: depth as u32,
                        value: k,
                    }
                }
                None => Snapshot::None,
            };
            let slot = e.slot;
            top.entries.push(e);
            moved(slot, was, Ok(now));
        }
    }

    pub(crate) fn clear(&mut self) {
        self.levels.clear();
    }
}

impl<M> Snapshot<M> {
    /// Whether both refer to the same saved value.
    pub(crate) fn same_ref(&self, other: &Snapshot<M>) -> bool {
        matches!((self, other), (
            Snapshot::Journaled { depth: a, value: x },
            Snapshot::Journaled { depth: b, value: y },
        ) if a == b && x == y)
    }
}
