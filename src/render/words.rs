//! [`Words`]: the append-only buffer a [`SqlKey`](super::SqlKey) records
//! its words in.

/// Words a key holds without allocating: a SELECT of seven columns with
/// a join, a few predicates and ORDER BY takes about 50.
const INLINE: usize = 64;

/// Up to [`INLINE`] words in place, then all of them on the heap.
///
/// A push while the words fit is a compare, a store and an increment
/// (`SmallVec` also asks whether it has spilled, on every push): the key
/// walk pushes a few words per node of every statement run.
#[derive(Debug)]
pub(super) struct Words {
    /// How many words were pushed.
    len: usize,
    /// The words while `len <= INLINE`.
    inline: [usize; INLINE],
    /// All the words once more than [`INLINE`] were pushed.
    heap: Vec<usize>,
}

impl Default for Words {
    #[inline]
    fn default() -> Self {
        Words {
            len: 0,
            inline: [0; INLINE],
            heap: Vec::new(),
        }
    }
}

impl Words {
    #[inline]
    pub(super) fn push(&mut self, word: usize) {
        self.extend(&[word]);
    }

    /// Appends `words` (a node's few words at once: one check for all).
    #[inline]
    pub(super) fn extend<const N: usize>(&mut self, words: &[usize; N]) {
        let end = self.len + N;
        if let Some(slot) = self.inline.get_mut(self.len..end) {
            slot.copy_from_slice(words);
        } else if self.len > INLINE {
            self.heap.extend_from_slice(words);
        } else {
            self.spill(words);
        }
        self.len = end;
    }

    /// Moves the words to the heap and appends `words` there.
    #[cold]
    #[inline(never)]
    fn spill(&mut self, words: &[usize]) {
        self.heap.reserve(self.len + words.len());
        self.heap.extend_from_slice(&self.inline[..self.len]);
        self.heap.extend_from_slice(words);
    }

    /// Makes room on the heap for `more` words when they will not fit in
    /// place (the words move there at the first push that does not fit).
    pub(super) fn reserve(&mut self, more: usize) {
        let wanted = self.len + more;
        if wanted > INLINE {
            self.heap.reserve(wanted - self.heap.len());
        }
    }

    #[inline]
    pub(super) fn as_slice(&self) -> &[usize] {
        match self.inline.get(..self.len) {
            Some(words) => words,
            None => &self.heap,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_of_words_that_cross_the_spill_stay_in_order() {
        for start in 0..INLINE + 3 {
            for reserve in [0, 1, 100] {
                let (mut words, mut model) = (Words::default(), Vec::new());
                for w in 0..start {
                    words.push(w);
                    model.push(w);
                }
                words.reserve(reserve);
                words.extend(&[1000, 1001, 1002, 1003]);
                words.extend(&[2000, 2001]);
                words.push(3000);
                model.extend([1000, 1001, 1002, 1003, 2000, 2001, 3000]);
                assert_eq!(words.as_slice(), model, "from {start}, reserving {reserve}");
            }
        }
    }
}
