//! Locality-sensitive hashing over MinHash signatures: the banding `(bands, rows)` and the band
//! tables that turn signatures into candidate pairs without comparing all pairs.
//!
//! A signature is cut into `bands` bands of `rows` values; two documents become candidates when
//! all `rows` values of at least one band agree. For Jaccard `s` that happens with probability
//!
//! ```text
//! P(s) = 1 - (1 - s^r)^b
//! ```
//!
//! an S-curve rising around `(1/b)^(1/r)`. [`shape`] picks `b` and `r` (with `b · r` at most the
//! signature length) that minimise, for threshold `t` and false-negative weight `w`,
//!
//! ```text
//! (1 - w) · ∫₀ᵗ P(s) ds  +  w · ∫ₜ¹ (1 - P(s)) ds
//! ```
//!
//! the weighted false-positive mass (pairs below `t` that become candidates) plus the weighted
//! false-negative mass (pairs at or above `t` that do not). With `w = 0.5` this is datasketch's
//! choice; `neardup` weights misses more (see [`Config`](crate::Config)), because each candidate
//! is then verified exactly and a false positive costs only time.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use rayon::prelude::*;

use crate::document::DocId;
use crate::minhash::Signature;

pub(crate) mod sorted;

pub use sorted::SortedLsh;

/// The probability that two documents of Jaccard `s` become candidates: `1 - (1 - s^r)^b`.
pub fn candidate_probability(s: f64, bands: usize, rows: usize) -> f64 {
    1.0 - (1.0 - s.powi(rows as i32)).powi(bands as i32)
}

/// The `(bands, rows)` with `bands · rows <= num_hashes` that minimise the weighted
/// false-positive plus false-negative mass around `threshold` (formula in the module docs).
/// Cost: about `num_hashes · ln(num_hashes)` shapes, each integrated over 200 steps.
///
/// ```
/// // At threshold 0.5 with 128 hashes, weighting misses 19:1, 26 bands of 3 rows win.
/// assert_eq!(neardup::lsh::shape(0.5, 128, 0.95), (26, 3));
/// // With equal weights the classic answer, 25 bands of 5 rows.
/// assert_eq!(neardup::lsh::shape(0.5, 128, 0.5), (25, 5));
/// ```
pub fn shape(threshold: f64, num_hashes: usize, false_negative_weight: f64) -> (usize, usize) {
    const STEPS: usize = 200;
    let integrate = |from: f64, to: f64, f: &dyn Fn(f64) -> f64| {
        let h = (to - from) / STEPS as f64;
        (0..STEPS)
            .map(|i| f(from + (i as f64 + 0.5) * h))
            .sum::<f64>()
            * h
    };
    let mut best = (f64::INFINITY, 1, 1);
    for bands in 1..=num_hashes {
        for rows in 1..=num_hashes / bands {
            let p = |s: f64| candidate_probability(s, bands, rows);
            let false_pos = integrate(0.0, threshold, &p);
            let false_neg = integrate(threshold, 1.0, &|s| 1.0 - p(s));
            let cost =
                (1.0 - false_negative_weight) * false_pos + false_negative_weight * false_neg;
            if cost < best.0 {
                best = (cost, bands, rows);
            }
        }
    }
    (best.1, best.2)
}

/// Two entries of distinct owners that share a bucket, as `((owner a, owner b), (entry of a,
/// entry of b))` with owner `a < b`: what [`Lsh::owner_entry_pairs`] and [`band_collisions`]
/// return.
pub type EntryPair = ((DocId, DocId), (DocId, DocId));

/// The key of one band: a 64-bit hash of its values (order matters). Two bands with equal
/// values have equal keys; unequal ones collide with probability about `2^-64`.
///
/// ```
/// use neardup::lsh::band_key;
///
/// assert_eq!(band_key(&[1, 2, 3]), band_key(&[1, 2, 3]));
/// assert_ne!(band_key(&[1, 2, 3]), band_key(&[3, 2, 1]));
/// ```
pub fn band_key(values: &[u32]) -> u64 {
    let mut h = 0x6c73_685f_6b65_7973 ^ values.len() as u64;
    for pair in values.chunks(2) {
        let x = u64::from(pair[0]) | pair.get(1).map_or(0, |&v| u64::from(v) << 32);
        h = (h ^ x).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
    }
    crate::minhash::fmix64(h)
}

/// Every pair of entries that agree on one band's key, for a batch of entries known at once
/// (no tables are built): `keyed` holds each entry as `(key in that band, owner, entry)`;
/// sorted (into `sorted`, whose memory is reused), each run of equal keys is a bucket. Appends to `out`,
/// as [`Lsh::owner_entry_pairs`] returns them (owner `a` < owner `b`), the pairs of entries of
/// distinct owners in buckets of at most `max_bucket` entries whose owner `a` passes `keep`
/// (so that a large join can be done a slice of owners at a time), in no set order. Cost: a radix pass and
/// small sorts over `keyed` (see [`sort_partitioned`]), and the sum over buckets of (bucket
/// size)².
pub fn band_collisions(
    keyed: &[(u64, DocId, DocId)],
    sorted: &mut Vec<(u64, DocId, DocId)>,
    max_bucket: usize,
    keep: &(dyn Fn(DocId) -> bool + Sync),
    out: &mut Vec<EntryPair>,
) {
    // Keys are uniform hashes: their top bits spread them evenly over the parts.
    let parts = (keyed.len() / 1024).next_power_of_two().clamp(1, 1 << 16);
    let shift = 64 - parts.trailing_zeros();
    let top = |&(key, _, _): &(u64, DocId, DocId)| key.checked_shr(shift).unwrap_or(0) as usize;
    // Sorted by key alone: a bucket's pairs are the same whatever its entries' order.
    sort_partitioned(keyed, parts, top, |&(key, _, _)| key, sorted);
    let mut bucket = Vec::new();
    for run in sorted.chunk_by(|x, y| x.0 == y.0) {
        if run.len() < 2 || run.len() > max_bucket {
            continue;
        }
        bucket.clear();
        bucket.extend(run.iter().map(|&(_, owner, entry)| (owner, entry)));
        push_pairs(&bucket, keep, out);
    }
}

/// `items` sorted into `out` (whose memory is reused), given `part`, a map to `0..parts` that
/// never decreases as items increase: one counting pass and one scatter pass put each item
/// into its part, then each part (small, so in cache) is sorted on its own. The same result
/// as a full sort, several times faster for millions of items when `part` spreads them
/// evenly.
pub fn sort_partitioned<T: Copy, K: Ord>(
    items: &[T],
    parts: usize,
    part: impl Fn(&T) -> usize,
    key: impl Fn(&T) -> K + Copy,
    out: &mut Vec<T>,
) {
    if parts <= 1 || items.len() < 2 {
        out.clear();
        out.extend_from_slice(items);
        out.sort_unstable_by_key(key);
        return;
    }
    let starts = partition(items, parts, part, out);
    for p in 0..parts {
        out[starts[p]..starts[p + 1]].sort_unstable_by_key(key);
    }
}

/// An [`EntryPair`] as one number that orders as the pair does: sorting by it compares two
/// machine words instead of four ids in turn.
#[inline]
pub fn pair_order(&((a, b), (x, y)): &EntryPair) -> u128 {
    u128::from(a.0) << 96 | u128::from(b.0) << 64 | u128::from(x.0) << 32 | u128::from(y.0)
}

/// The [`EntryPair`] whose [`pair_order`] is `order`.
#[inline]
pub fn pair_of_order(order: u128) -> EntryPair {
    let id = |shift: u32| DocId((order >> shift) as u32);
    ((id(96), id(64)), (id(32), id(0)))
}

/// The union of two sorted lists without repeats (pairs as their [`pair_order`], say):
/// sorted, without repeats. Cost: one pass over both.
pub fn merged(a: Vec<u128>, b: Vec<u128>) -> Vec<u128> {
    if a.is_empty() {
        return b;
    }
    if b.is_empty() {
        return a;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        if x <= y {
            out.push(x);
            i += 1;
            j += usize::from(x == y);
        } else {
            out.push(y);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// `items` grouped by `part` (a map to `0..parts`) into `out` (whose memory is reused), in
/// their order within each part; returns where each part starts in `out`, and its end
/// (`parts + 1` offsets). Cost: one counting pass and one scatter pass.
pub fn partition<T: Copy>(
    items: &[T],
    parts: usize,
    part: impl Fn(&T) -> usize,
    out: &mut Vec<T>,
) -> Vec<usize> {
    out.clear();
    out.extend_from_slice(items);
    let mut starts = vec![0usize; parts + 1];
    for item in items {
        starts[part(item) + 1] += 1;
    }
    for p in 0..parts {
        starts[p + 1] += starts[p];
    }
    let mut next = starts.clone();
    for item in items {
        let p = part(item);
        out[next[p]] = *item;
        next[p] += 1;
    }
    starts
}

/// An estimate of the heap memory a hash map holds, in bytes: its slots (key, value and one
/// control byte each, at most 7/8 of them full), not what keys or values point to.
pub fn heap_bytes<K, V, S>(map: &HashMap<K, V, S>) -> usize {
    map.capacity() * 8 / 7 * (std::mem::size_of::<(K, V)>() + 1)
}

/// The pairs of `(owner, entry)` items of one bucket whose owners differ, lower owner first,
/// when the lower owner passes `keep`.
fn push_pairs(
    bucket: &[(DocId, DocId)],
    keep: &(dyn Fn(DocId) -> bool + Sync),
    out: &mut Vec<EntryPair>,
) {
    for (i, &x) in bucket.iter().enumerate() {
        for &y in &bucket[i + 1..] {
            let ((oa, ea), (ob, eb)) = (x.min(y), x.max(y));
            if oa != ob && keep(oa) {
                out.push(((oa, ob), (ea, eb)));
            }
        }
    }
}

/// One band's buckets. Most buckets hold a single document, so the map holds that document
/// inline; a bucket's second document moves both into a list of `shared`, and the map then
/// holds that list's index with [`SHARED`] set. A single-document bucket costs 16 bytes plus
/// the map's slack, instead of a heap-allocated list each.
#[derive(Clone, Debug)]
struct Table {
    map: HashMap<u64, DocId, ahash::RandomState>,
    shared: Vec<Vec<DocId>>,
}

/// Marks a map value as the index of a list in [`Table::shared`].
const SHARED: u32 = 1 << 31;

impl Table {
    fn new() -> Table {
        // Fixed seeds: ahash's default seeds are random per process.
        let state = ahash::RandomState::with_seeds(1, 2, 3, 4);
        Table {
            map: HashMap::with_hasher(state),
            shared: Vec::new(),
        }
    }

    fn insert(&mut self, key: u64, id: DocId) {
        assert!(id.0 < SHARED, "band tables hold at most 2^31 documents");
        match self.map.entry(key) {
            Entry::Vacant(slot) => {
                slot.insert(id);
            }
            Entry::Occupied(mut slot) => {
                let held = *slot.get();
                if held.0 & SHARED == 0 {
                    let list = self.shared.len() as u32;
                    self.shared.push(vec![held, id]);
                    slot.insert(DocId(list | SHARED));
                } else {
                    self.shared[(held.0 & !SHARED) as usize].push(id);
                }
            }
        }
    }

    /// Takes `id` out of the bucket of `key` (if it is there); the others keep their order.
    fn remove(&mut self, key: u64, id: DocId) {
        let Some(&held) = self.map.get(&key) else {
            return;
        };
        if held.0 & SHARED == 0 {
            if held == id {
                self.map.remove(&key);
            }
            return;
        }
        let list = &mut self.shared[(held.0 & !SHARED) as usize];
        list.retain(|&x| x != id);
        match list.len() {
            0 => {
                self.map.remove(&key);
            }
            1 => {
                // Back inline, as a bucket of one is stored.
                let only = list.pop().expect("one left");
                self.map.insert(key, only);
            }
            _ => {}
        }
    }

    fn heap_bytes(&self) -> usize {
        let lists: usize = self.shared.iter().map(|l| l.capacity() * 4).sum();
        heap_bytes(&self.map) + self.shared.capacity() * 24 + lists
    }

    /// Every entry with its key, bucket by bucket.
    fn entries(&self) -> impl Iterator<Item = (u64, DocId)> + '_ {
        self.map.iter().flat_map(|(&key, held)| {
            let ids = if held.0 & SHARED == 0 {
                std::slice::from_ref(held)
            } else {
                &self.shared[(held.0 & !SHARED) as usize][..]
            };
            ids.iter().map(move |&id| (key, id))
        })
    }

    /// The documents in the bucket of `key`, in insertion order.
    fn get(&self, key: &u64) -> &[DocId] {
        match self.map.get(key) {
            None => &[],
            Some(held) if held.0 & SHARED == 0 => std::slice::from_ref(held),
            Some(held) => &self.shared[(held.0 & !SHARED) as usize],
        }
    }
}

/// Band tables: one hash table per band from band key to the documents with that key.
///
/// Buckets keep documents in insertion order, and every list this type returns is sorted, so
/// results do not depend on thread count or hash-map order.
#[derive(Clone, Debug)]
pub struct Lsh {
    rows: usize,
    max_bucket: usize,
    tables: Vec<Table>,
}

impl Lsh {
    /// Empty tables for `bands` bands of `rows` rows, with no cap on bucket size.
    pub fn new(bands: usize, rows: usize) -> Lsh {
        Lsh::with_max_bucket(bands, rows, usize::MAX)
    }

    /// Empty tables whose buckets are ignored, by [`Lsh::query`] and [`Lsh::candidate_pairs`],
    /// once they hold more than `max_bucket` entries. A bucket that large holds text shared
    /// by a great many documents (boilerplate, stock phrases), which is no evidence of copying
    /// and would make candidate pairs grow with the square of its size.
    pub fn with_max_bucket(bands: usize, rows: usize, max_bucket: usize) -> Lsh {
        Lsh {
            rows,
            max_bucket,
            tables: (0..bands).map(|_| Table::new()).collect(),
        }
    }

    /// Number of bands.
    pub fn bands(&self) -> usize {
        self.tables.len()
    }

    /// Rows per band.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The band keys of a signature: [`band_key`] of each band's `rows` values.
    ///
    /// # Panics
    ///
    /// If the signature is shorter than `bands · rows` (an [`Index`](crate::Index) always
    /// builds both from one [`Config`](crate::Config)).
    pub fn keys(&self, signature: &Signature) -> Vec<u64> {
        let values = signature.as_slice();
        assert!(
            values.len() >= self.bands() * self.rows,
            "signature of {} values is shorter than {} bands x {} rows",
            values.len(),
            self.bands(),
            self.rows
        );
        values
            .chunks_exact(self.rows)
            .take(self.bands())
            .map(band_key)
            .collect()
    }

    /// Adds documents with their band keys (from [`Lsh::keys`]), in order. The bands are filled
    /// in parallel, one table per thread, without locks.
    pub fn insert_batch(&mut self, docs: &[(DocId, Vec<u64>)]) {
        self.tables
            .par_iter_mut()
            .enumerate()
            .for_each(|(band, table)| {
                for (id, keys) in docs {
                    table.insert(keys[band], *id);
                }
            });
    }

    /// Takes a document (or entry) out of the tables, given the band keys it was added with.
    pub fn remove(&mut self, id: DocId, keys: &[u64]) {
        for (table, &key) in self.tables.iter_mut().zip(keys) {
            table.remove(key, id);
        }
    }

    /// The documents that share at least one band key with `keys`, sorted, without repeats.
    pub fn query(&self, keys: &[u64]) -> Vec<DocId> {
        let mut found: Vec<DocId> = self.hits(keys).collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Every entry that shares a band key with `keys`, once per band and entry (so an entry
    /// may come more than once).
    pub fn hits<'a>(&'a self, keys: &'a [u64]) -> impl Iterator<Item = DocId> + 'a {
        self.tables
            .iter()
            .zip(keys)
            .map(|(table, key)| table.get(key))
            .filter(|ids| ids.len() <= self.max_bucket)
            .flatten()
            .copied()
    }

    /// Every pair of distinct documents that share a bucket in some band, as `(a, b)` with
    /// `a < b`, sorted, without repeats. A document may have several entries (one per passage,
    /// say); it is never paired with itself. Cost: the sum over buckets of (bucket size)².
    pub fn candidate_pairs(&self) -> Vec<(DocId, DocId)> {
        self.owner_pairs(1, &|_| true, &|entry| entry)
    }

    /// For tables whose entries belong to owners (sentences to documents, say): the pairs of
    /// distinct owners with at least `min_pairs` distinct pairs of entries that share a bucket
    /// in some band, as `(a, b)` with `a < b`, sorted, without repeats. See
    /// [`Lsh::owner_entry_pairs`] for `keep`, `owner` and the cost.
    pub fn owner_pairs(
        &self,
        min_pairs: usize,
        keep: &(dyn Fn(DocId) -> bool + Sync),
        owner: &(dyn Fn(DocId) -> DocId + Sync),
    ) -> Vec<(DocId, DocId)> {
        self.owner_entry_pairs(keep, owner)
            .chunk_by(|x, y| x.0 == y.0)
            .filter(|run| run.len() >= min_pairs)
            .map(|run| run[0].0)
            .collect()
    }

    /// For tables whose entries belong to owners: every pair of entries of distinct owners
    /// that share a bucket in some band, with their owners, as `((owner a, owner b), (entry
    /// of a, entry of b))` with owner `a < b`, sorted, without repeats (a pair that collides
    /// in several bands comes once). Entries for which `keep` is false are left out, and a
    /// bucket counts as too large (see [`Lsh::with_max_bucket`]) by its kept entries. Cost:
    /// the sum over buckets of (kept bucket size)², in memory too (pairs are sorted).
    pub fn owner_entry_pairs(
        &self,
        keep: &(dyn Fn(DocId) -> bool + Sync),
        owner: &(dyn Fn(DocId) -> DocId + Sync),
    ) -> Vec<EntryPair> {
        let mut hits: Vec<EntryPair> = self
            .tables
            .par_iter()
            .flat_map_iter(|table| {
                table.shared.iter().flat_map(|bucket| {
                    let kept: Vec<(DocId, DocId)> = bucket
                        .iter()
                        .filter(|&&e| keep(e))
                        .map(|&e| (owner(e), e))
                        .collect();
                    let mut hits = Vec::new();
                    if kept.len() <= self.max_bucket {
                        push_pairs(&kept, &|_| true, &mut hits);
                    }
                    hits
                })
            })
            .collect();
        hits.par_sort_unstable();
        hits.dedup();
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minhash::MinHasher;

    #[test]
    fn shape_uses_at_most_the_signature() {
        for &(t, n) in &[(0.3, 64), (0.5, 128), (0.8, 128), (0.9, 256), (1.0, 16)] {
            let (b, r) = shape(t, n, 0.95);
            assert!(b * r <= n && b >= 1 && r >= 1, "t={t} n={n}: {b}x{r}");
            // The curve must rise around the threshold: at t itself a pair is found with
            // probability at least 0.5 when misses weigh more than false alarms.
            assert!(
                candidate_probability(t, b, r) >= 0.5,
                "t={t} n={n}: {b}x{r}"
            );
        }
    }

    /// The share of pairs of Jaccard `s` that become candidates follows `1 - (1 - s^r)^b`,
    /// within 4 binomial standard errors of the trial count.
    #[test]
    fn empirical_candidate_rate_follows_the_s_curve() {
        let (bands, rows) = (16, 4);
        let hasher = MinHasher::new(bands * rows, 99);
        let trials = 400;
        let mut next = 0u64;
        for &s in &[0.2, 0.35, 0.5, 0.65, 0.8] {
            let mut hits = 0;
            for _ in 0..trials {
                // Sets of 300 elements in all; `s` of them shared; fresh elements each trial.
                let union = 300u64;
                let shared = (s * union as f64).round() as u64;
                let base = next;
                next += union;
                let a: Vec<u64> = (base..base + shared + (union - shared) / 2)
                    .map(|x| x.wrapping_mul(0x9e37_79b9_7f4a_7c15))
                    .collect();
                let b: Vec<u64> = (base..base + shared)
                    .chain(base + shared + (union - shared) / 2..base + union)
                    .map(|x| x.wrapping_mul(0x9e37_79b9_7f4a_7c15))
                    .collect();
                let mut lsh = Lsh::new(bands, rows);
                let ka = lsh.keys(&hasher.signature(&a));
                let kb = lsh.keys(&hasher.signature(&b));
                lsh.insert_batch(&[(DocId(0), ka)]);
                if !lsh.query(&kb).is_empty() {
                    hits += 1;
                }
            }
            let expected = candidate_probability(s, bands, rows);
            let rate = hits as f64 / trials as f64;
            let tolerance = 4.0 * (expected * (1.0 - expected) / trials as f64).sqrt() + 0.01;
            assert!(
                (rate - expected).abs() <= tolerance,
                "s={s}: rate {rate:.3}, expected {expected:.3} ± {tolerance:.3}"
            );
        }
    }

    #[test]
    fn candidate_pairs_are_sorted_and_unique() {
        let mut lsh = Lsh::new(2, 1);
        let sig = |v: [u32; 2]| Signature(v.to_vec());
        let docs: Vec<(DocId, Vec<u64>)> = [[1, 1], [1, 2], [3, 2], [9, 9]]
            .iter()
            .enumerate()
            .map(|(i, v)| (DocId(i as u32), lsh.keys(&sig(*v))))
            .collect();
        lsh.insert_batch(&docs);
        assert_eq!(
            lsh.candidate_pairs(),
            [(DocId(0), DocId(1)), (DocId(1), DocId(2))]
        );
        assert_eq!(
            lsh.query(&lsh.keys(&sig([1, 2]))),
            [DocId(0), DocId(1), DocId(2)]
        );
    }

    /// Sorting each band's keys finds exactly the entry pairs the tables find, with the same
    /// owners, bucket cap and order: random keys from a small range, so that buckets of every
    /// size (some above the cap) occur.
    #[test]
    fn band_collisions_match_the_tables() {
        let (bands, max_bucket) = (4, 5);
        let mut state = 7u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let rows: Vec<(DocId, Vec<u64>)> = (0..300)
            .map(|e| (DocId(e), (0..bands).map(|_| next(60)).collect()))
            .collect();
        // Five entries per owner, so some pairs share an owner and are left out.
        let owner = |e: DocId| DocId(e.0 / 5);
        let mut tables = Lsh::with_max_bucket(bands, 1, max_bucket);
        tables.insert_batch(&rows);
        let want = tables.owner_entry_pairs(&|_| true, &owner);
        let mut got = Vec::new();
        for band in 0..bands {
            let keyed: Vec<(u64, DocId, DocId)> =
                rows.iter().map(|(e, k)| (k[band], owner(*e), *e)).collect();
            band_collisions(&keyed, &mut Vec::new(), max_bucket, &|_| true, &mut got);
        }
        got.sort_unstable();
        got.dedup();
        assert!(want.len() > 100, "{} pairs: too few to test", want.len());
        assert_eq!(got, want);
    }

    /// A partitioned sort equals a full sort whatever the spread, with empty parts, one part
    /// holding everything, and repeated items.
    #[test]
    fn sort_partitioned_equals_a_full_sort() {
        let mut state = 11u64;
        let items: Vec<(u64, u32)> = (0..5000)
            .map(|i| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (state % 700, i % 13)
            })
            .collect();
        let mut want = items.clone();
        want.sort_unstable();
        let mut out = vec![(1, 1)]; // whatever it held is replaced
        for parts in [1, 2, 7, 64, 1000] {
            let spread = |x: &(u64, u32)| (x.0 * parts as u64 / 700) as usize;
            sort_partitioned(&items, parts, spread, |&x| x, &mut out);
            assert_eq!(out, want, "{parts} parts");
            let lumped = |x: &(u64, u32)| usize::from(x.0 >= 699);
            sort_partitioned(&items, parts, lumped, |&x| x, &mut out);
            assert_eq!(out, want, "{parts} parts, lumped");
        }
    }

    /// Removing documents leaves the tables as if only the others had been added.
    #[test]
    fn removed_documents_are_gone_from_every_bucket() {
        let keys = |i: u32| -> Vec<u64> { (0..4).map(|b| u64::from(i % (b + 2))).collect() };
        let mut all = Lsh::new(4, 1);
        let mut kept = Lsh::new(4, 1);
        let docs: Vec<(DocId, Vec<u64>)> = (0..30).map(|i| (DocId(i), keys(i))).collect();
        all.insert_batch(&docs);
        for (id, k) in &docs {
            if id.0 % 4 == 1 {
                all.remove(*id, k);
            } else {
                kept.insert_batch(&[(*id, k.clone())]);
            }
        }
        assert_eq!(all.candidate_pairs(), kept.candidate_pairs());
        for (_, k) in &docs {
            assert_eq!(all.query(k), kept.query(k));
        }
    }

    /// `merged` is the sorted union of two sorted lists without repeats, shared pairs kept
    /// once, whichever list runs out first.
    #[test]
    fn merged_is_the_sorted_union() {
        let pair = |a: u32, b: u32, x: u32| ((DocId(a), DocId(b)), (DocId(x), DocId(x + 1)));
        let order = |i: u32| pair_order(&pair(i / 7, 9, i));
        let a: Vec<u128> = (0..40).step_by(3).map(order).collect();
        let b: Vec<u128> = (0..60).step_by(2).map(order).collect();
        let mut want: Vec<u128> = a.iter().chain(&b).copied().collect();
        want.sort_unstable();
        want.dedup();
        assert!(
            want.iter().all(|&o| pair_order(&pair_of_order(o)) == o),
            "an order gives its pair back"
        );
        assert!(want.len() < a.len() + b.len(), "some pairs are in both");
        assert_eq!(merged(a.clone(), b.clone()), want);
        assert_eq!(merged(b.clone(), a.clone()), want);
        assert_eq!(merged(a.clone(), Vec::new()), a);
        assert_eq!(merged(Vec::new(), b.clone()), b);
    }

    /// `partition` groups items by part, keeping their order within each part, and says
    /// where each part starts.
    #[test]
    fn partition_groups_items_in_order() {
        let items: Vec<u32> = (0..1000).map(|i| (i * 7919) % 1000).collect();
        let mut out = vec![5]; // whatever it held is replaced
        let starts = partition(&items, 10, |&x| (x / 100) as usize, &mut out);
        assert_eq!(starts.len(), 11);
        for p in 0..10 {
            let want: Vec<u32> = items.iter().copied().filter(|&x| x / 100 == p).collect();
            assert_eq!(
                out[starts[p as usize]..starts[p as usize + 1]],
                want[..],
                "part {p}"
            );
        }
    }
}
