//! The identity map of one model: an arena of slots, a hash index from
//! primary key to slot, and the journal that a rollback replays.

use std::collections::HashMap;
use std::collections::hash_map::Entry as MapEntry;
use std::hash::{BuildHasherDefault, Hasher};

use super::journal::{Before, Journal, Snapshot};
use super::model::Model;
use crate::schema::{ColumnDef, ColumnList, TableDef};

/// A small, fast, non-cryptographic hasher for the key index (keys come
/// from the database, not from an attacker choosing collisions).
#[derive(Default, Clone, Copy)]
pub(crate) struct KeyHasher {
    hash: u64,
}

const MULTIPLIER: u64 = 0xf135_7aea_2e62_a9c5;

impl KeyHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = self.hash.wrapping_add(word).wrapping_mul(MULTIPLIER);
    }
}

impl Hasher for KeyHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(word) ^ (rest.len() as u64) << 56);
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        // The table uses the top bits as tags: bring the well-mixed high
        // bits of the product down and the low bits up.
        self.hash.rotate_left(26)
    }
}

/// A `HashMap` with [`KeyHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<KeyHasher>>;

/// Where an object stands in the unit of work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    /// Added, not yet inserted.
    New,
    /// Persistent, unchanged since it was loaded or flushed.
    Clean,
    /// Persistent, changed through a mutable borrow since then.
    Dirty,
    /// Persistent, marked for deletion.
    Deleted,
    /// Deleted by a flush; dropped at commit, restored by a rollback.
    Removed,
}

impl State {
    /// Whether the row is in the key index (the database has it).
    fn indexed(self) -> bool {
        matches!(self, State::Clean | State::Dirty | State::Deleted)
    }
    /// Whether its key may still be in the index: a removed row's key
    /// stays there until the index sweeps it (see [`Arena::expunge`]).
    fn keyed(self) -> bool {
        self.indexed() || self == State::Removed
    }
    /// Whether the next flush has work for it.
    fn pending(self) -> bool {
        matches!(self, State::New | State::Dirty | State::Deleted)
    }
}

/// One object of the arena.
pub(crate) struct Slot<M> {
    pub(crate) value: M,
    pub(crate) state: State,
    /// The object as the database has it, taken on the first mutable
    /// borrow (usually the journal's copy); flush compares against it.
    pub(crate) snapshot: Snapshot<M>,
    /// Whether the next load of its row overwrites it.
    pub(crate) expired: bool,
    /// The journal level that holds this slot's saved state.
    mark: u64,
    /// Whether the journal of level `mark` holds the slot's value as it
    /// was at the level's start (not only its state).
    kept: bool,
    /// Whether it is in `Arena::pending`.
    queued: bool,
}

impl<M: Model> Slot<M> {
    fn new(value: M, state: State, mark: u64) -> Self {
        Slot {
            value,
            state,
            snapshot: Snapshot::None,
            expired: false,
            mark,
            kept: false,
            queued: false,
        }
    }
}

/// The arena of one model type.
pub(crate) struct Arena<M: Model> {
    pub(crate) slots: Vec<Option<Slot<M>>>,
    pub(crate) index: FastMap<M::Key, u32>,
    /// How many keys in `index` point at slots emptied by
    /// [`expunge`](Arena::expunge) (swept when they outnumber the rest).
    dead_keys: usize,
    /// Per open transaction level, the slots' states at its start.
    pub(crate) journal: Journal<M>,
    /// Slots that may have work for the next flush.
    pending: Vec<u32>,
    /// The table, for flush ordering.
    pub(crate) def: TableDef,
    /// The model's columns, for INSERT.
    pub(crate) columns: Vec<ColumnDef>,
}

impl<M: Model> Arena<M> {
    pub(crate) fn new() -> Self {
        Arena {
            slots: Vec::new(),
            index: FastMap::default(),
            dead_keys: 0,
            journal: Journal::new(),
            pending: Vec::new(),
            def: TableDef::of::<M::Table>(),
            columns: <M::Columns as ColumnList>::defs(),
        }
    }

    /// Sorts `slots` by their objects' database keys (objects the database
    /// does not have last): the order of a loaded collection.
    pub(crate) fn sort_by_key(&self, slots: &mut [u32]) {
        // Presorted (as the database usually returns them) costs one
        // comparison per object.
        slots.sort_by(|&a, &b| match (self.db_key(a), self.db_key(b)) {
            (Some(a), Some(b)) => a.cmp(&b),
            (a, b) => b.is_some().cmp(&a.is_some()),
        });
    }

    /// Makes room for `n` more loaded objects (slots and key index).
    pub(crate) fn reserve(&mut self, n: usize) {
        self.slots.reserve(n);
        self.index.reserve(n);
    }

    #[inline]
    pub(crate) fn slot(&self, i: usize) -> Option<&Slot<M>> {
        self.slots.get(i).and_then(Option::as_ref)
    }

    #[inline]
    pub(crate) fn slot_mut(&mut self, i: usize) -> Option<&mut Slot<M>> {
        self.slots.get_mut(i).and_then(Option::as_mut)
    }

    pub(crate) fn lookup(&self, key: &M::Key) -> Option<u32> {
        let i = *self.index.get(key)?;
        self.slot(i as usize)
            .is_some_and(|s| s.state != State::Removed)
            .then_some(i)
    }

    /// The database key of the object in slot `i` when the database has
    /// it.
    pub(crate) fn db_key(&self, i: u32) -> Option<M::Key> {
        let slot = self.slot(i as usize)?;
        slot.state.indexed().then(|| self.key_of(slot))
    }

    /// The key the database knows the slot's row by (before an unflushed
    /// change of the key fields).
    #[inline]
    pub(crate) fn key_of(&self, slot: &Slot<M>) -> M::Key {
        self.snapshot_of(slot).unwrap_or(&slot.value).key()
    }

    /// The slot's snapshot (see [`Slot::snapshot`]).
    #[inline]
    pub(crate) fn snapshot_of<'a>(&'a self, slot: &'a Slot<M>) -> Option<&'a M> {
        self.journal.resolve(&slot.snapshot)
    }

    fn unindex(&mut self, i: u32) {
        // Not `entry`: it makes room for an insert, and the index would
        // grow before `sweep_dead_keys` could drop keys instead.
        if let Some(slot) = self.slot(i as usize) {
            let key = self.key_of(slot);
            if self.index.get(&key) == Some(&i) {
                self.index.remove(&key);
            }
        }
    }

    fn reindex(&mut self, i: u32) {
        if let Some(slot) = self.slot(i as usize)
            && slot.state.indexed()
        {
            let key = self.key_of(slot);
            self.sweep_dead_keys();
            self.index.insert(key, i);
        }
    }

    pub(crate) fn queue(&mut self, i: u32) {
        if let Some(slot) = self.slot_mut(i as usize)
            && !slot.queued
        {
            slot.queued = true;
            self.pending.push(i);
        }
    }

    /// Saves slot `i` (or its absence) in the journal of `level`, once per
    /// level; with its value when `value` (the caller may change the
    /// value), else its state alone until a later call asks for the value.
    pub(crate) fn journal(&mut self, i: u32, level: u64, value: bool) {
        let before = match self.slots.get_mut(i as usize) {
            Some(Some(slot)) => {
                if slot.mark == level && (slot.kept || !value) {
                    return;
                }
                let saved = value.then(|| slot.value.clone());
                slot.mark = level;
                slot.kept = value;
                Some(Before {
                    value: saved,
                    state: slot.state,
                    snapshot: slot.snapshot.duplicate(),
                    expired: slot.expired,
                })
            }
            _ => None,
        };
        self.journal.push(level, i, before);
    }

    /// Makes room for `n` more new objects added in level `level`.
    pub(crate) fn reserve_new(&mut self, n: usize, level: u64) {
        self.slots.reserve(n);
        self.pending.reserve(n);
        self.journal.reserve(level, n);
    }

    /// Adds a new object; it is inserted by the next flush.
    pub(crate) fn add(&mut self, value: M, level: u64) -> u32 {
        let i = self.slots.len() as u32;
        self.journal(i, level, true);
        let mut slot = Slot::new(value, State::New, level);
        // Its entry says it did not exist: nothing more to keep.
        slot.kept = true;
        self.slots.push(Some(slot));
        self.queue(i);
        i
    }

    /// A mutable borrow that marks the object dirty (snapshotting it
    /// first). The first edit of an unchanged object in a level takes one
    /// copy, which is both the journal's and the snapshot.
    pub(crate) fn edit(&mut self, i: u32, level: u64) -> Option<&mut M> {
        let slot = self.slots.get_mut(i as usize)?.as_mut()?;
        if slot.state == State::Clean {
            let copy = slot.value.clone();
            slot.snapshot = if slot.mark != level || !slot.kept {
                let before = Before {
                    value: Some(copy),
                    state: State::Clean,
                    snapshot: Snapshot::None,
                    expired: slot.expired,
                };
                slot.mark = level;
                slot.kept = true;
                self.journal.push(level, i, Some(before))
            } else {
                // The journal keeps this level's first value; the snapshot
                // is the value the last flush wrote.
                Snapshot::Own(Box::new(copy))
            };
            slot.state = State::Dirty;
            self.queue(i);
        } else {
            self.journal(i, level, true);
        }
        self.slot_mut(i as usize).map(|s| &mut s.value)
    }

    /// Marks the object for deletion; a new one is simply dropped.
    pub(crate) fn delete(&mut self, i: u32, level: u64) {
        let Some(state) = self.slot(i as usize).map(|s| s.state) else {
            return;
        };
        match state {
            State::New => {
                self.journal(i, level, true);
                self.slots[i as usize] = None;
            }
            State::Clean | State::Dirty => {
                self.journal(i, level, false);
                if let Some(slot) = self.slot_mut(i as usize) {
                    slot.state = State::Deleted;
                }
                self.queue(i);
            }
            State::Deleted | State::Removed => {}
        }
    }

    /// Puts an object loaded from the database in the map: the slot of its
    /// key when there is one (overwritten only if expired and unchanged),
    /// else a new slot.
    #[inline]
    pub(crate) fn load(&mut self, value: M) -> u32 {
        self.sweep_dead_keys();
        match self.index.entry(value.key()) {
            MapEntry::Occupied(mut e) => {
                let i = *e.get();
                match self.slots.get_mut(i as usize) {
                    Some(Some(slot)) if slot.state != State::Removed => {
                        if slot.expired && slot.state == State::Clean {
                            slot.value = value;
                            slot.expired = false;
                        }
                        i
                    }
                    // The key of an expunged or deleted object: a new slot.
                    _ => {
                        let i = self.slots.len() as u32;
                        e.insert(i);
                        self.slots.push(Some(Slot::new(value, State::Clean, 0)));
                        i
                    }
                }
            }
            MapEntry::Vacant(e) => {
                let i = self.slots.len() as u32;
                e.insert(i);
                self.slots.push(Some(Slot::new(value, State::Clean, 0)));
                i
            }
        }
    }

    /// Replaces the object with fresh values from the database (refresh).
    pub(crate) fn overwrite(&mut self, i: u32, value: M, level: u64) {
        self.journal(i, level, true);
        self.unindex(i);
        if let Some(slot) = self.slot_mut(i as usize) {
            slot.value = value;
            slot.state = State::Clean;
            slot.snapshot = Snapshot::None;
            slot.expired = false;
        }
        self.reindex(i);
    }

    /// Marks the state after a successful INSERT or UPDATE.
    pub(crate) fn mark_flushed(&mut self, i: u32) {
        if let Some(Some(slot)) = self.slots.get_mut(i as usize)
            && slot.state.indexed()
            && self
                .journal
                .resolve(&slot.snapshot)
                .is_none_or(|before| before.key() == slot.value.key())
        {
            // The key index already has its key; the journal keeps its
            // copy for a rollback.
            slot.state = State::Clean;
            slot.snapshot = Snapshot::None;
            return;
        }
        self.unindex(i);
        if let Some(slot) = self.slot_mut(i as usize) {
            slot.state = State::Clean;
            slot.snapshot = Snapshot::None;
        }
        self.reindex(i);
    }

    /// Marks the state after a successful DELETE. Its key stays in the
    /// index (where [`lookup`](Arena::lookup) and [`load`](Arena::load)
    /// see through it) until a rollback restores the row or the index
    /// sweeps it after the commit: no hashing per deleted row.
    pub(crate) fn mark_removed(&mut self, i: u32) {
        if let Some(slot) = self.slot_mut(i as usize) {
            slot.state = State::Removed;
        }
    }

    /// Removes the object from the session without touching the database,
    /// and returns it.
    ///
    /// Its key stays in the index, pointing at the empty slot, until the
    /// index would have to grow while such keys make up more than half of
    /// it ([`sweep_dead_keys`](Arena::sweep_dead_keys)): taking every
    /// object out of a session then costs no hashing.
    /// [`lookup`](Arena::lookup) and [`load`](Arena::load) see through
    /// them.
    #[inline(always)]
    pub(crate) fn expunge(&mut self, i: u32) -> Option<M> {
        self.journal.forget(i);
        let slot = self.slots.get_mut(i as usize)?.take()?;
        self.dead_keys += usize::from(slot.state.keyed());
        Some(slot.value)
    }

    /// Before a key is added to the index: when the index is full and more
    /// than half of it are keys of expunged objects, drops those instead
    /// of letting the index grow.
    #[inline]
    fn sweep_dead_keys(&mut self) {
        if self.dead_keys != 0
            && self.dead_keys > self.index.len() / 2
            && self.index.len() == self.index.capacity()
        {
            self.drop_dead_keys();
        }
    }

    #[cold]
    #[inline(never)]
    fn drop_dead_keys(&mut self) {
        let slots = &self.slots;
        self.index
            .retain(|_, i| matches!(slots.get(*i as usize), Some(Some(_))));
        self.dead_keys = 0;
    }

    /// The slots the next flush may have work for, in the order they were
    /// queued.
    pub(crate) fn pending(&self) -> &[u32] {
        &self.pending
    }

    /// The queued slots in `state`, in the order they were queued.
    pub(crate) fn pending_in(&self, state: State) -> Vec<u32> {
        self.pending
            .iter()
            .copied()
            .filter(|&i| self.slot(i as usize).is_some_and(|s| s.state == state))
            .collect()
    }

    /// Whether any queued slot is in `state`.
    pub(crate) fn has_pending(&self, state: State) -> bool {
        self.pending
            .iter()
            .any(|&i| self.slot(i as usize).is_some_and(|s| s.state == state))
    }

    /// Drops the slots that have no more work from the queue.
    pub(crate) fn compact_pending(&mut self) {
        let mut pending = std::mem::take(&mut self.pending);
        pending.retain(|&i| match self.slots.get_mut(i as usize) {
            Some(Some(slot)) if slot.state.pending() => true,
            Some(Some(slot)) => {
                slot.queued = false;
                false
            }
            _ => false,
        });
        self.pending = pending;
    }

    /// Undoes everything journaled at level `id`, last entry first.
    pub(crate) fn rollback_level(&mut self, id: u64) {
        let Some(n) = self.journal.innermost_len(id) else {
            return;
        };
        for k in (0..n).rev() {
            let i = self.journal.innermost_slot(k);
            // Before its entry is taken: the key may be the entry's copy.
            self.unindex(i);
            let before = self.journal.take_innermost(k);
            let Some(place) = self.slots.get_mut(i as usize) else {
                continue;
            };
            let current = place.take();
            *place = before.and_then(|b| {
                // A value-less entry: the value is as it was.
                let value = b.value.or_else(|| current.map(|c| c.value))?;
                Some(Slot {
                    value,
                    state: b.state,
                    snapshot: b.snapshot,
                    expired: b.expired,
                    mark: 0,
                    kept: false,
                    queued: false,
                })
            });
            self.reindex(i);
            if self.slot(i as usize).is_some_and(|s| s.state.pending()) {
                self.queue(i);
            }
        }
        self.journal.pop();
        self.compact_pending();
    }

    /// Hands what level `child` journaled to its parent level: a released
    /// savepoint's work is undone with the enclosing transaction.
    pub(crate) fn release_level(&mut self, child: u64, parent: u64) {
        let slots = &mut self.slots;
        self.journal.release(child, parent, |i, was, now| {
            let Some(Some(slot)) = slots.get_mut(i as usize) else {
                return;
            };
            slot.mark = parent;
            let own = slot.snapshot.same_ref(&was);
            match now {
                Ok(now) => {
                    if own {
                        slot.snapshot = now;
                    }
                }
                Err(value) => {
                    // The parent restores the slot by itself.
                    slot.kept = true;
                    if own && let Some(v) = value {
                        slot.snapshot = Snapshot::Own(Box::new(v));
                    }
                }
            }
        });
    }

    /// Ends the transaction: forgets the journal, drops deleted rows, and
    /// expires every persistent object if `expire`.
    pub(crate) fn end_transaction(&mut self, expire: bool) {
        for place in &mut self.slots {
            if let Some(slot) = place {
                if let Snapshot::Journaled { .. } = slot.snapshot {
                    // (A flush leaves none; keep the value if one did.)
                    slot.snapshot = match self.journal.resolve(&slot.snapshot) {
                        Some(v) => Snapshot::Own(Box::new(v.clone())),
                        None => Snapshot::None,
                    };
                }
                match slot.state {
                    State::Removed => {
                        *place = None;
                        self.dead_keys += 1;
                    }
                    State::Clean | State::Dirty | State::Deleted => {
                        slot.expired |= expire;
                    }
                    State::New => {}
                }
            }
        }
        self.journal.clear();
        self.compact_pending();
    }

    /// Marks every persistent object expired.
    pub(crate) fn expire_all(&mut self) {
        for slot in self.slots.iter_mut().flatten() {
            if slot.state.indexed() {
                slot.expired = true;
            }
        }
    }

    /// How many objects the arena holds.
    pub(crate) fn len(&self) -> usize {
        self.slots.iter().filter(|s| s.is_some()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn hasher_spreads_sequential_keys() {
        let b = BuildHasherDefault::<KeyHasher>::default();
        let mut tops: Vec<u64> = (0..64i64).map(|k| b.hash_one(k) >> 57).collect();
        tops.sort_unstable();
        tops.dedup();
        // 64 sequential keys land on many different 7-bit tags.
        assert!(tops.len() > 32, "{}", tops.len());
    }

    #[test]
    fn hasher_distinguishes_strings_by_length() {
        let b = BuildHasherDefault::<KeyHasher>::default();
        assert_ne!(b.hash_one("a"), b.hash_one("a\0"));
        assert_ne!(b.hash_one("abc"), b.hash_one("abd"));
    }
}
