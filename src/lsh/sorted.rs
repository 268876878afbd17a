//! [`SortedLsh`]: band tables for an index that lives long and grows large, stored as sorted
//! arrays instead of hash tables.

use std::collections::HashSet;

use rayon::prelude::*;

use super::Table;
use crate::document::DocId;

/// Entries a band's recent additions may hold before they are merged into its sorted array,
/// at least (and at least a quarter of the array, so that merges cost O(1) per entry).
const MERGE_MIN: usize = 1 << 16;

/// Bits of a key that pick its slice of a band's array (see [`Band::directory`]).
/// At most: a band of `n` entries gets about `n / 16` slots (a 256 KiB directory from a
/// million entries on).
const DIRECTORY_BITS: u32 = 16;

/// Band tables that answer what [`Lsh`](super::Lsh) answers for the same entries, in 12
/// bytes per entry and band: each band keeps its entries as one array of (key, entry) sorted
/// by key, with a directory of where each run of keys with the same top bits starts, so a
/// lookup reads a slice of a few dozen entries. Entries added since the last merge wait
/// in a small hash table, and entries taken out are remembered until the next merge drops
/// them; a merge happens when the additions reach a quarter of the array. A hash table
/// costs about 28 bytes per entry and band (slack included): for an index of sentences, 32
/// bands over 2 million sentences, 1.9 GB against 0.8 GB.
///
/// ```
/// use neardup::document::DocId;
/// use neardup::lsh::SortedLsh;
///
/// let mut tables = SortedLsh::new(2, 30);
/// tables.insert_batch(&[(DocId(0), vec![7, 8]), (DocId(1), vec![7, 9])]);
/// tables.merge();
/// tables.insert_batch(&[(DocId(2), vec![1, 9])]);
/// let mut hits: Vec<DocId> = tables.hits(&[7, 9]).collect();
/// hits.sort();
/// assert_eq!(hits, [DocId(0), DocId(1), DocId(1), DocId(2)]);
/// tables.remove(DocId(1), &[7, 9]);
/// assert_eq!(tables.hits(&[7, 9]).count(), 2);
/// ```
#[derive(Clone, Debug)]
pub struct SortedLsh {
    max_bucket: usize,
    bands: Vec<Band>,
    /// Entries taken out since the last merge (they may still be in the sorted arrays).
    removed: HashSet<DocId, ahash::RandomState>,
}

/// One band's entries.
#[derive(Clone, Debug)]
struct Band {
    /// `(key >> 32, key as u32, entry)`, sorted (unless `unsorted`).
    sorted: Vec<[u32; 3]>,
    /// Whether [`SortedLsh::load_batch`] added entries since the last merge.
    unsorted: bool,
    /// `directory[p]` is the index in `sorted` of the first key whose top `bits` bits are
    /// `p` or more; one more element at the end.
    directory: Vec<u32>,
    bits: u32,
    /// Entries added since the last merge.
    recent: Table,
    recent_len: usize,
}

impl SortedLsh {
    /// Empty tables for `bands` bands whose buckets are ignored by [`SortedLsh::hits`] once
    /// they hold more than `max_bucket` entries (as [`Lsh::with_max_bucket`](super::Lsh)).
    pub fn new(bands: usize, max_bucket: usize) -> SortedLsh {
        SortedLsh {
            max_bucket,
            bands: (0..bands).map(|_| Band::new()).collect(),
            removed: HashSet::default(),
        }
    }

    /// Number of bands.
    pub fn bands(&self) -> usize {
        self.bands.len()
    }

    /// An estimate of the heap memory the tables hold, in bytes.
    pub fn heap_bytes(&self) -> usize {
        let bands: usize = self
            .bands
            .iter()
            .map(|b| b.sorted.capacity() * 12 + b.directory.capacity() * 4 + b.recent.heap_bytes())
            .sum();
        bands + self.removed.capacity() * 8 / 7 * 5
    }

    /// Adds entries with their band keys, in order; merges when the additions waiting have
    /// grown large enough (see the type's docs).
    pub fn insert_batch(&mut self, entries: &[(DocId, Vec<u64>)]) {
        self.bands.par_iter_mut().enumerate().for_each(|(b, band)| {
            for (id, keys) in entries {
                band.recent.insert(keys[b], *id);
            }
            band.recent_len += entries.len();
        });
        let band = &self.bands[0];
        if band.recent_len >= MERGE_MIN.max(band.sorted.len() / 4) {
            self.merge();
        }
    }

    /// Adds entries with their band keys, for building tables in bulk: they go straight
    /// into the arrays, unsorted, and cost 12 bytes per band from the start, but no lookup
    /// may be made until [`SortedLsh::merge`] has sorted them.
    pub fn load_batch(&mut self, entries: &[(DocId, Vec<u64>)]) {
        self.bands.par_iter_mut().enumerate().for_each(|(b, band)| {
            let keys = entries
                .iter()
                .map(|(id, keys)| [(keys[b] >> 32) as u32, keys[b] as u32, id.0]);
            band.sorted.extend(keys);
            band.unsorted = true;
        });
    }

    /// Takes an entry out, given the band keys it was added with.
    pub fn remove(&mut self, id: DocId, keys: &[u64]) {
        for (band, &key) in self.bands.iter_mut().zip(keys) {
            band.recent.remove(key, id);
        }
        self.removed.insert(id);
    }

    /// Moves the additions waiting into the sorted arrays and drops the entries taken out.
    /// Cost: a sort of the additions and one pass over each band's array.
    pub fn merge(&mut self) {
        let removed = &self.removed;
        self.bands
            .par_iter_mut()
            .for_each(|band| band.merge(removed));
        self.removed.clear();
    }

    /// Every entry that shares a band key with `keys`, once per band and entry, from the
    /// buckets of at most `max_bucket` entries; in no particular order.
    pub fn hits<'a>(&'a self, keys: &'a [u64]) -> impl Iterator<Item = DocId> + 'a {
        self.bands.iter().zip(keys).flat_map(move |(band, &key)| {
            let live = |e: &&[u32; 3]| !self.removed.contains(&DocId(e[2]));
            let sorted = band.bucket(key);
            let recent = band.recent.get(&key);
            // Stops counting once the bucket is too large.
            let size = sorted
                .iter()
                .filter(live)
                .take(self.max_bucket.saturating_add(1))
                .count();
            let fits = size + recent.len() <= self.max_bucket;
            let sorted = sorted.iter().filter(live).map(|e| DocId(e[2]));
            let recent = recent.iter().copied();
            sorted.chain(recent).filter(move |_| fits)
        })
    }
}

impl Band {
    fn new() -> Band {
        Band {
            sorted: Vec::new(),
            unsorted: false,
            directory: vec![0; 3],
            bits: 1,
            recent: Table::new(),
            recent_len: 0,
        }
    }

    /// The sorted entries with `key`.
    fn bucket(&self, key: u64) -> &[[u32; 3]] {
        assert!(
            !self.unsorted,
            "entries loaded in bulk are merged before lookups"
        );
        run_of(&self.sorted, &self.directory, self.bits, key)
    }

    fn merge(&mut self, removed: &HashSet<DocId, ahash::RandomState>) {
        let mut added: Vec<[u32; 3]> = self
            .recent
            .entries()
            .filter(|(_, id)| !removed.contains(id))
            .map(|(key, id)| [(key >> 32) as u32, key as u32, id.0])
            .collect();
        added.sort_unstable();
        if self.unsorted {
            self.sorted.par_sort_unstable();
            self.unsorted = false;
        }
        if !added.is_empty() || !removed.is_empty() {
            self.sorted = merged(std::mem::take(&mut self.sorted), added, removed);
        }
        self.sorted.shrink_to_fit();
        self.recent = Table::new();
        self.recent_len = 0;
        self.bits = (self.sorted.len() / 16).max(2).ilog2().min(DIRECTORY_BITS);
        self.directory = directory(&self.sorted, self.bits);
    }
}

/// For items `(key >> 32, key as u32, value)` sorted by key: where each run of keys with the
/// same top `bits` bits starts (element `p`: the first item whose top bits are `p` or more),
/// and one more element, the length.
pub(crate) fn directory(sorted: &[[u32; 3]], bits: u32) -> Vec<u32> {
    let mut starts = vec![0; (1 << bits) + 1];
    let mut at = 0;
    for (p, start) in starts.iter_mut().enumerate() {
        while at < sorted.len() && ((sorted[at][0] >> (32 - bits)) as usize) < p {
            at += 1;
        }
        *start = at as u32;
    }
    starts
}

/// The items of `sorted` (with its [`directory`] of `bits` bits) whose key is `key`.
pub(crate) fn run_of<'s>(
    sorted: &'s [[u32; 3]],
    directory: &[u32],
    bits: u32,
    key: u64,
) -> &'s [[u32; 3]] {
    let p = (key >> (64 - bits)) as usize;
    let slice = &sorted[directory[p] as usize..directory[p + 1] as usize];
    let (hi, lo) = ((key >> 32) as u32, key as u32);
    let start = slice.partition_point(|e| (e[0], e[1]) < (hi, lo));
    let end = start + slice[start..].partition_point(|e| (e[0], e[1]) == (hi, lo));
    &slice[start..end]
}

/// Two sorted lists of entries as one, without the `removed` ones.
fn merged(
    old: Vec<[u32; 3]>,
    added: Vec<[u32; 3]>,
    removed: &HashSet<DocId, ahash::RandomState>,
) -> Vec<[u32; 3]> {
    let mut merged = Vec::with_capacity(old.len() + added.len());
    let mut old = old.into_iter().filter(|e| !removed.contains(&DocId(e[2])));
    let mut added = added.into_iter();
    let (mut x, mut y) = (old.next(), added.next());
    loop {
        match (x, y) {
            (Some(a), Some(b)) if a <= b => {
                merged.push(a);
                x = old.next();
            }
            (_, Some(b)) => {
                merged.push(b);
                y = added.next();
            }
            (Some(a), None) => {
                merged.push(a);
                x = old.next();
            }
            (None, None) => break,
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsh::Lsh;

    /// Random inserts and removals, merged at random moments: every lookup gives the hits of
    /// hash tables holding the same entries, buckets over the cap left out alike. Keys come
    /// from a small set, so buckets grow past the cap; and without a cap (document tables).
    #[test]
    fn answers_what_hash_tables_answer() {
        answers_as_hash_tables_with_cap(5);
        answers_as_hash_tables_with_cap(usize::MAX);
    }

    fn answers_as_hash_tables_with_cap(cap: usize) {
        let mut state = 11u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        // Four top-bit prefixes: many keys share a slice of the directory.
        let key = |k: u64| (k % 4) << 60 | (k.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 20);
        let bands = 4;
        // Empty, never merged: any key, high bits set or not, finds nothing.
        let empty = SortedLsh::new(bands, cap);
        assert_eq!(empty.hits(&[u64::MAX, 0, 1 << 63, 7]).count(), 0);
        let mut sorted = SortedLsh::new(bands, cap);
        let mut tables = Lsh::with_max_bucket(bands, 1, cap);
        // A first part loaded in bulk, then merged, as an index file is opened.
        let mut id = 0;
        let mut live: Vec<(DocId, Vec<u64>)> = (0..60)
            .map(|_| {
                id += 1;
                (DocId(id), (0..bands).map(|_| key(next(40))).collect())
            })
            .collect();
        sorted.load_batch(&live[..30]);
        sorted.load_batch(&live[30..]);
        sorted.merge();
        tables.insert_batch(&live);
        for round in 0..400 {
            match next(10) {
                0..=5 => {
                    let batch: Vec<(DocId, Vec<u64>)> = (0..1 + next(4))
                        .map(|_| {
                            id += 1;
                            (DocId(id), (0..bands).map(|_| key(next(40))).collect())
                        })
                        .collect();
                    sorted.insert_batch(&batch);
                    tables.insert_batch(&batch);
                    live.extend(batch);
                }
                6 | 7 if !live.is_empty() => {
                    let (gone, keys) = live.swap_remove(next(live.len() as u64) as usize);
                    sorted.remove(gone, &keys);
                    tables.remove(gone, &keys);
                }
                8 => sorted.merge(),
                _ => {}
            }
            for k in 0..40 {
                let probe: Vec<u64> = (0..bands as u64).map(|b| key((k + b) % 40)).collect();
                let mut got: Vec<DocId> = sorted.hits(&probe).collect();
                let mut want: Vec<DocId> = tables.hits(&probe).collect();
                got.sort_unstable();
                want.sort_unstable();
                assert_eq!(got, want, "round {round}, probe {k}");
            }
        }
        assert!(id > 500, "enough entries to merge many times: {id}");
    }
}
