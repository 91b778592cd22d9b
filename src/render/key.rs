//! The rendered-SQL cache: a statement describes its SQL text as a short
//! list of words ([`SqlKey`]) without writing it, and a connection keeps
//! the text it rendered for each description ([`SqlCache`]).
//!
//! A statement's text is a function of its node types (column and table
//! names, operators), of a little run-time data (the length of an IN list,
//! whether a LIMIT is set, an alias's name) and of the dialect; its bind
//! values never change it. The key walk ([`Render::sql_key`]) records
//! exactly that data, and collects the bind values in the order rendering
//! would bind them. Running a statement a second time then costs the walk
//! and a hash lookup instead of rendering.
//!
//! Every node of this crate that describes itself pushes its own
//! [`NodeTag`]; a node that does not (the default, for instance `text()`,
//! boxed queries and your own nodes) makes the whole statement uncached,
//! so a key never stands for two different texts.

use std::hash::Hasher;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{Binds, Dialect};
use crate::types::SqlKind;
use crate::value::ValueRef;

/// Identifies one kind of node in a [`SqlKey`]: a `static` of this type,
/// one per node kind, is recorded by its address, which no other static
/// shares. (Declare a `static`: a borrowed constant, `&NodeTag::new(..)`,
/// may share its address with an equal one elsewhere.)
///
/// ```
/// use sqlalgebra::render::{NodeTag, SqlKey};
/// static UPPER: NodeTag = NodeTag::new("UPPER");
/// let mut key = SqlKey::new();
/// key.tag(&UPPER);
/// assert_eq!(key.words().len(), 1);
/// assert_eq!(UPPER.name(), "UPPER");
/// ```
#[derive(Debug)]
pub struct NodeTag {
    name: &'static str,
}

impl NodeTag {
    /// A tag; `name` is for debugging only (two tags with the same name are
    /// still different tags).
    pub const fn new(name: &'static str) -> Self {
        NodeTag { name }
    }

    /// The name given to [`new`](NodeTag::new).
    pub fn name(&self) -> &'static str {
        self.name
    }
}

/// The description of a statement's SQL text, and its bind values in
/// order: what [`Render::sql_key`](super::Render::sql_key) fills in.
///
/// Words are node tags, lengths, flags and `'static` names (recorded by
/// address and length: a `'static` string never changes, so an equal
/// address and length means equal text).
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::render::{Render, SqlKey};
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// let (q1, q2) = (select(A).filter(A.eq(1)), select(A).filter(A.eq(2)));
/// let (mut k1, mut k2) = (SqlKey::new(), SqlKey::new());
/// assert!(q1.sql_key(&mut k1) && q2.sql_key(&mut k2));
/// assert_eq!(k1.words(), k2.words()); // the same SQL text...
/// assert_ne!(k1.binds(), k2.binds()); // ...with other values
/// ```
#[derive(Debug, Default)]
pub struct SqlKey<'a> {
    /// The words: in a buffer the connection's `SqlCache` lends each key
    /// it looks up, so that a key neither allocates nor zeroes its words.
    words: Vec<usize>,
    binds: Binds<'a>,
    /// Whether the dialect binds arrays ([`Dialect::binds_arrays`]).
    binds_arrays: bool,
    /// How many of the binds are elements of array parameters.
    array_elements: usize,
}

impl<'a> SqlKey<'a> {
    /// An empty key, for a dialect that does not bind arrays.
    #[inline]
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty key for statements rendered by `dialect`: nodes whose text
    /// depends on [`Dialect::binds_arrays`] ask [`binds_arrays`](Self::binds_arrays).
    ///
    /// ```
    /// use sqlalgebra::render::SqlKey;
    /// assert!(SqlKey::for_dialect(&sqlalgebra_postgres::Postgres).binds_arrays());
    /// assert!(!SqlKey::for_dialect(&sqlalgebra_sqlite::Sqlite).binds_arrays());
    /// ```
    #[inline]
    pub fn for_dialect(dialect: &dyn Dialect) -> Self {
        SqlKey {
            binds_arrays: dialect.binds_arrays(),
            ..Self::default()
        }
    }

    /// Whether the dialect this key is for binds arrays.
    #[inline]
    pub fn binds_arrays(&self) -> bool {
        self.binds_arrays
    }

    /// Makes an empty key one for `dialect`: [`for_dialect`](Self::for_dialect)
    /// for a key made in place (the async API's, in a box).
    #[cfg(feature = "async")]
    #[inline]
    pub(crate) fn set_dialect(&mut self, dialect: &dyn Dialect) {
        self.binds_arrays = dialect.binds_arrays();
    }

    #[inline]
    fn push(&mut self, word: usize) {
        self.words.push(word);
    }

    /// Appends a node's few words at once (one capacity check for all).
    #[inline(always)]
    fn extend<const N: usize>(&mut self, words: [usize; N]) {
        self.words.extend_from_slice(&words);
    }

    /// Records a node kind.
    #[inline]
    pub fn tag(&mut self, tag: &'static NodeTag) {
        self.push(std::ptr::from_ref(tag).addr());
    }

    /// Records a number (a list's length, a flag, an enum's discriminant).
    #[inline]
    pub fn word(&mut self, word: usize) {
        self.push(word);
    }

    /// Records a `'static` name (a table's, a column's, an alias's).
    #[inline]
    pub fn name(&mut self, name: &'static str) {
        self.extend([name.as_ptr().addr(), name.len()]);
    }

    /// Records a SQL type (the target of a CAST, say).
    #[inline]
    pub fn kind(&mut self, kind: SqlKind) {
        let word = match kind {
            SqlKind::SmallInt => 0,
            SqlKind::Integer => 1,
            SqlKind::BigInt => 2,
            SqlKind::Real => 3,
            SqlKind::Double => 4,
            SqlKind::Text => 5,
            SqlKind::Bool => 6,
            SqlKind::Blob => 7,
            SqlKind::Date => 8,
            SqlKind::Time => 9,
            SqlKind::Timestamp => 10,
            SqlKind::TimestampTz => 11,
            SqlKind::Uuid => 12,
            SqlKind::Json => 13,
            SqlKind::Jsonb => 14,
            SqlKind::Numeric => 15,
            SqlKind::Varchar(n) => {
                // The length follows its own word.
                self.extend([16, n as usize]);
                return;
            }
            SqlKind::Decimal(p, s) => {
                self.extend([17, p as usize, s as usize]);
                return;
            }
            // Rendered as its name (or as text): the name is enough.
            SqlKind::Enum(e) => {
                self.push(18);
                self.name(e.name);
                return;
            }
            SqlKind::Array(of) => {
                self.push(19);
                self.kind(*of);
                return;
            }
        };
        self.push(word);
    }

    /// Makes room for `words` more words and `binds` more bind values (a
    /// long statement, such as a many-row INSERT, grows the key once).
    pub fn reserve(&mut self, words: usize, binds: usize) {
        self.words.reserve(words);
        self.binds.reserve(binds);
    }

    /// Records a column: its tag, its table's name and its own name, in
    /// four words when both names are shorter than 64 KiB (as they are).
    #[inline(always)]
    pub(crate) fn column(
        &mut self,
        tag: &'static NodeTag,
        table: &'static str,
        name: &'static str,
    ) {
        static LONG_NAMES: NodeTag = NodeTag::new("column with long names");
        match (u16::try_from(table.len()), u16::try_from(name.len())) {
            (Ok(t), Ok(n)) => self.extend([
                std::ptr::from_ref(tag).addr(),
                table.as_ptr().addr(),
                name.as_ptr().addr(),
                usize::from(t) << 16 | usize::from(n),
            ]),
            _ => {
                self.tag(&LONG_NAMES);
                self.tag(tag);
                self.name(table);
                self.name(name);
            }
        }
    }

    /// Records a bind value, in the order rendering binds it.
    #[inline(always)]
    pub fn bind(&mut self, value: ValueRef<'a>) {
        self.binds.push(value);
    }

    /// Records one array parameter of `values`, in the order rendering binds
    /// it ([`SqlWriter::push_array_bind`](super::SqlWriter::push_array_bind)).
    pub fn bind_array<I>(&mut self, values: I)
    where
        I: IntoIterator<Item = ValueRef<'a>>,
        I::IntoIter: ExactSizeIterator,
    {
        self.array_elements += super::push_array(&mut self.binds, values);
    }

    /// The words recorded so far.
    #[inline]
    pub fn words(&self) -> &[usize] {
        &self.words
    }

    /// Takes `cache`'s spare words' buffer (empty, with the capacity earlier
    /// keys gave it): the walk that follows neither allocates nor zeroes.
    #[inline]
    pub(crate) fn borrow_words(&mut self, cache: &mut SqlCache) {
        self.words = std::mem::take(&mut cache.spare_words);
    }

    /// Gives the words' buffer back to `cache`, emptied.
    #[inline]
    pub(crate) fn return_words(&mut self, cache: &mut SqlCache) {
        let mut words = std::mem::take(&mut self.words);
        words.clear();
        cache.spare_words = words;
    }

    /// The bind values recorded so far.
    pub fn binds(&self) -> &[ValueRef<'a>] {
        &self.binds
    }

    /// How many bind values are recorded; with [`truncate_binds`](Self::truncate_binds),
    /// for a node that records a child's key but does not render its binds.
    pub fn bind_count(&self) -> usize {
        self.binds.len()
    }

    /// Forgets the bind values recorded after the first `n`.
    pub fn truncate_binds(&mut self, n: usize) {
        if let Some(dropped) = self.binds.get(n..) {
            self.array_elements = self.array_elements.saturating_sub(array_elements(dropped));
        }
        self.binds.truncate(n);
    }

    /// How many placeholders the binds fill: an array parameter is one.
    #[inline]
    pub(crate) fn param_count(&self) -> usize {
        self.binds.len().saturating_sub(self.array_elements)
    }

    pub(crate) fn set_binds(&mut self, binds: Binds<'a>) {
        self.array_elements = array_elements(&binds);
        self.binds = binds;
    }
}

/// How many of `binds` are elements of array parameters.
fn array_elements(binds: &[ValueRef<'_>]) -> usize {
    binds
        .iter()
        .map(|b| match b {
            ValueRef::Array(n) => *n,
            _ => 0,
        })
        .fold(0, usize::saturating_add)
}

/// How many placeholders `binds` fill: an array parameter
/// ([`ValueRef::Array`]) and its elements are one.
pub(crate) fn param_count(binds: &[ValueRef<'_>]) -> usize {
    binds.len().saturating_sub(array_elements(binds))
}

/// One cached text: the words it was cached under, the SQL and how many
/// placeholders it has.
#[derive(Debug, Clone)]
struct CachedSql {
    words: Box<[usize]>,
    sql: Arc<str>,
    params: usize,
}

/// Where a text is in a connection's [`SqlCache`]: what
/// [`Connection::query_cached`](crate::Connection::query_cached) and
/// [`execute_cached`](crate::Connection::execute_cached) are given.
///
/// Ids are never reused: a cache that starts over, or another cache,
/// gives out ids of another [`generation`](SqlId::generation), so a
/// backend may keep what it prepared for a text in a table indexed by
/// [`slot`](SqlId::slot) and trust it while the generation is the same.
///
/// ```
/// use sqlalgebra::prelude::*;
/// use sqlalgebra::Connection;
/// # let mut conn = sqlalgebra_sqlite::SqliteConnection::new(rusqlite::Connection::open_in_memory().unwrap());
/// # conn.batch_execute("CREATE TABLE t (a INTEGER)").unwrap();
/// # #[derive(Clone, Copy, Debug, Default)] pub struct T;
/// # impl Table for T { const NAME: &'static str = "t"; type Columns = A; type PrimaryKey = A; }
/// # #[derive(Clone, Copy, Debug, Default)] pub struct A;
/// # impl Column for A { type Table = T; type SqlType = BigInt; const NAME: &'static str = "a"; }
/// let rows: Vec<i64> = select(A).load(&mut conn).unwrap(); // rendered and cached
/// assert_eq!(conn.sql_cache().unwrap().len(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SqlId {
    slot: u32,
    generation: u64,
}

impl SqlId {
    /// The text's index in its cache, below [`SqlCache::CAPACITY`].
    #[inline]
    pub fn slot(self) -> usize {
        self.slot as usize
    }

    /// Which filling of which cache the id is from: unique in the process.
    #[inline]
    pub fn generation(self) -> u64 {
        self.generation
    }
}

/// A generation no cache had before.
fn new_generation() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A connection's cache of rendered SQL, by [`SqlKey`] words.
///
/// Backends keep one per connection and hand it out through
/// [`Connection::sql_cache`](crate::Connection::sql_cache); the dialect of
/// a connection never changes, so it is not part of the key. It holds at
/// most [`SqlCache::CAPACITY`] texts and starts over when full.
///
/// ```
/// let cache = sqlalgebra::render::SqlCache::default();
/// assert!(cache.is_empty());
/// ```
pub struct SqlCache {
    /// Each text's slot in `texts`, by its key's words: an open-addressed
    /// table of `slot + 1` (0 is an empty place), a text at the place its
    /// words hash to or after it ([`SqlCache::INDEX`] places, twice as many
    /// as texts, so a search ends at an empty place soon). Empty until the
    /// first text is cached.
    index: Vec<u32>,
    texts: Vec<CachedSql>,
    generation: u64,
    /// The buffer the next key walk records its words in: lent to each
    /// key and given back emptied, it keeps its capacity from one
    /// statement to the next.
    spare_words: Vec<usize>,
}

/// The texts, not the index and buffers around them.
impl std::fmt::Debug for SqlCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlCache")
            .field("generation", &self.generation)
            .field(
                "texts",
                &self.texts.iter().map(|t| &*t.sql).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Default for SqlCache {
    fn default() -> Self {
        SqlCache {
            index: Vec::new(),
            texts: Vec::new(),
            generation: new_generation(),
            spare_words: Vec::new(),
        }
    }
}

impl SqlCache {
    /// How many texts a cache holds before it starts over.
    pub const CAPACITY: usize = 512;

    /// Places in the index: a power of two, twice [`CAPACITY`](Self::CAPACITY).
    const INDEX: usize = 2 * Self::CAPACITY;

    /// How many texts are cached.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// Whether no text is cached.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// Forgets every text; the ids given out so far no longer name any.
    pub fn clear(&mut self) {
        self.index.fill(0);
        self.texts.clear();
        self.generation = new_generation();
    }

    /// The text cached under `id`, if this cache gave `id` out and has
    /// not started over since. (Ids come from running statements: a
    /// backend is given one by [`Connection::query_cached`](crate::Connection::query_cached).)
    #[inline]
    pub fn sql(&self, id: SqlId) -> Option<&str> {
        self.text(id).map(|t| &*t.sql)
    }

    /// [`sql`](SqlCache::sql), shared: for a backend that needs the text
    /// while it changes the cache's owner.
    pub fn shared_sql(&self, id: SqlId) -> Option<Arc<str>> {
        self.text(id).map(|t| Arc::clone(&t.sql))
    }

    /// What the cache holds under `id`: the words it was cached under,
    /// the text and its placeholder count; for a connection that puts the
    /// text into another connection's cache (a routed one).
    #[inline]
    pub(crate) fn entry(&self, id: SqlId) -> Option<(&[usize], &Arc<str>, usize)> {
        self.text(id).map(|t| (&*t.words, &t.sql, t.params))
    }

    #[inline]
    fn text(&self, id: SqlId) -> Option<&CachedSql> {
        if id.generation == self.generation {
            self.texts.get(id.slot())
        } else {
            None
        }
    }

    #[inline]
    fn id(&self, slot: u32) -> SqlId {
        SqlId {
            slot,
            generation: self.generation,
        }
    }

    /// The id of the text cached for `words`, and its placeholder count.
    #[inline]
    pub(crate) fn get(&self, words: &[usize]) -> Option<(SqlId, usize)> {
        let mut place = index_place(words);
        loop {
            let slot = self.index.get(place)?.checked_sub(1)?;
            let text = self.texts.get(slot as usize)?;
            if *text.words == *words {
                return Some((self.id(slot), text.params));
            }
            place = (place + 1) % Self::INDEX;
        }
    }

    pub(crate) fn insert(&mut self, words: &[usize], sql: Arc<str>, params: usize) -> SqlId {
        if self.texts.len() >= Self::CAPACITY {
            self.clear();
        }
        if self.index.is_empty() {
            self.index = vec![0; Self::INDEX];
        }
        let slot = self.texts.len() as u32;
        self.texts.push(CachedSql {
            words: words.into(),
            sql,
            params,
        });
        // A place is free: at most half of them are taken.
        let mut place = index_place(words);
        while self.index.get(place).is_some_and(|&taken| taken != 0) {
            place = (place + 1) % Self::INDEX;
        }
        if let Some(free) = self.index.get_mut(place) {
            *free = slot + 1;
        }
        self.id(slot)
    }
}

/// Where a key's words start their search in [`SqlCache`]'s index: the
/// top bits of their [`FastHasher`] hash (the best mixed).
#[inline]
fn index_place(words: &[usize]) -> usize {
    let mut hasher = FastHasher::default();
    for &word in words {
        hasher.add(word as u64);
    }
    (hasher.finish() >> (64 - SqlCache::INDEX.trailing_zeros())) as usize
}

/// A fast, non-cryptographic hash for caches keyed by the program's own
/// SQL: a multiply-rotate over 8-byte words, as rustc's `FxHasher`,
/// several times cheaper than the standard SipHash. The rendered-SQL
/// cache hashes [`SqlKey`] words with it, and the backends their
/// statement caches' SQL text (which every query hashes once). Their keys
/// are not chosen by an adversary, and the caches are bounded, so a
/// crafted collision costs little.
///
/// ```
/// use std::collections::HashMap;
/// use std::hash::BuildHasherDefault;
/// use sqlalgebra::render::FastHasher;
/// let mut m: HashMap<&str, u8, BuildHasherDefault<FastHasher>> = HashMap::default();
/// m.insert("SELECT 1", 1);
/// assert_eq!(m["SELECT 1"], 1);
/// ```
#[derive(Debug, Default, Clone, Copy)]
pub struct FastHasher(u64);

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(c);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }
    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }
    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Whether two bind lists are the same values in the same order (floats
/// compared by their bits, so a NaN equals itself).
pub(crate) fn same_binds(a: &[ValueRef<'_>], b: &[ValueRef<'_>]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (ValueRef::Float(x), ValueRef::Float(y)) => x.to_bits() == y.to_bits(),
            _ => x == y,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_stay_in_order_across_the_spill() {
        for reserve_at in [None, Some(0), Some(10), Some(63), Some(64), Some(100)] {
            let mut key = SqlKey::new();
            for w in 0..200 {
                if reserve_at == Some(w) {
                    key.reserve(50, 3);
                }
                key.word(w);
            }
            assert_eq!(key.words(), (0..200).collect::<Vec<_>>(), "{reserve_at:?}");
        }
        let mut key = SqlKey::new();
        key.reserve(1000, 0);
        assert!(key.words().is_empty());
        key.word(7);
        assert_eq!(key.words(), [7]);
    }

    #[test]
    fn an_array_parameter_is_one_placeholder() {
        let mut key = SqlKey::new();
        key.bind(ValueRef::Int(0));
        key.bind_array([ValueRef::Int(1), ValueRef::Int(2)]);
        assert_eq!(key.binds().len(), 4);
        assert_eq!(key.param_count(), 2);
        assert_eq!(param_count(key.binds()), 2);
        key.truncate_binds(1);
        assert_eq!(key.param_count(), 1);
        // Markers that claim more elements than follow them (a node of
        // one's own may bind one) count without overflowing.
        key.bind_array([ValueRef::Int(1), ValueRef::Int(2)]);
        key.truncate_binds(3);
        assert!(key.param_count() <= 3);
        assert_eq!(
            param_count(&[ValueRef::Array(usize::MAX), ValueRef::Array(9)]),
            0
        );
    }

    /// Keys of `n` words each, all different, many sharing a prefix.
    fn distinct_keys(count: usize) -> Vec<Vec<usize>> {
        (0..count).map(|i| vec![7, 7, i % 3, i]).collect()
    }

    #[test]
    fn a_full_cache_finds_every_text_and_starts_over_past_it() {
        let mut cache = SqlCache::default();
        let keys = distinct_keys(SqlCache::CAPACITY);
        let ids: Vec<SqlId> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| cache.insert(k, format!("SELECT {i}").into(), i))
            .collect();
        assert_eq!(cache.len(), SqlCache::CAPACITY);
        // Half the index is taken: searches walk past other keys' places.
        for (i, (k, id)) in keys.iter().zip(&ids).enumerate() {
            assert_eq!(cache.get(k), Some((*id, i)), "key {i}");
            assert_eq!(cache.sql(*id), Some(&*format!("SELECT {i}")));
        }
        assert_eq!(cache.get(&[7, 7]), None);
        assert_eq!(cache.get(&[7, 7, 0, 0, 0]), None);
        assert_eq!(cache.get(&[]), None);
        // One more starts over: the old ids name nothing, the old keys
        // are gone, the new one is found.
        let extra = cache.insert(&[1], "SELECT 'extra'".into(), 0);
        assert_eq!(cache.len(), 1);
        assert_eq!(cache.sql(ids[0]), None);
        assert_eq!(cache.get(&keys[0]), None);
        assert_eq!(cache.get(&[1]), Some((extra, 0)));
    }

    #[test]
    fn an_empty_cache_finds_nothing() {
        let mut cache = SqlCache::default();
        assert_eq!(cache.get(&[1, 2, 3]), None);
        cache.clear();
        assert_eq!(cache.get(&[]), None);
        let id = cache.insert(&[], "SELECT 1".into(), 0);
        assert_eq!(cache.get(&[]), Some((id, 0)));
        // Debug shows the texts, not the 1 024 places of the index.
        let shown = format!("{cache:?}");
        assert!(
            shown.contains(r#"texts: ["SELECT 1"]"#) && shown.len() < 100,
            "{shown}"
        );
    }

    #[test]
    fn keys_record_their_words_in_the_caches_spare_buffer() {
        let mut cache = SqlCache::default();
        let mut key = SqlKey::new();
        key.borrow_words(&mut cache);
        (0..100).for_each(|w| key.word(w));
        key.return_words(&mut cache);
        let kept = cache.spare_words.capacity();
        assert!(kept >= 100 && cache.spare_words.is_empty());
        let mut key = SqlKey::new();
        key.borrow_words(&mut cache);
        assert!(key.words().is_empty());
        assert_eq!(key.words.capacity(), kept, "the buffer was not lent");
    }

    #[test]
    fn the_word_hasher_sees_every_word() {
        use std::hash::{BuildHasher, BuildHasherDefault};
        let build = BuildHasherDefault::<FastHasher>::default();
        let hash = |words: &[usize]| build.hash_one(words);
        assert_ne!(hash(&[1, 2]), hash(&[2, 1]));
        assert_ne!(hash(&[1]), hash(&[1, 0]));
        assert_eq!(hash(&[5, 6, 7]), hash(&[5, 6, 7]));
    }
}
