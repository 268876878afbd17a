//! [`Counts`]: a count per 64-bit key, compact enough for millions of keys.

use std::collections::HashMap;

use crate::lsh::sorted::{directory, run_of};

/// Changes a map may hold before they are merged into the sorted array, at least (and at
/// least a quarter of the array, so that merges cost O(1) per change).
const MERGE_MIN: usize = 1 << 14;

/// A count per key, as a `HashMap<u64, u32>` would keep it, in about 14 bytes per key
/// instead of about 27: the keys and counts live in one array sorted by key, with a directory
/// of where each run of keys with the same top bits starts (one slot per two keys, so a
/// lookup reads about two cache lines); changes since the last merge wait in a small hash
/// map of differences.
#[derive(Clone, Debug, Default)]
pub(crate) struct Counts {
    /// `(key >> 32, key as u32, count)`, sorted, no zero count.
    sorted: Vec<[u32; 3]>,
    /// `directory[p]` is the index in `sorted` of the first key whose top `bits` bits are
    /// `p` or more; one more element at the end. Empty while `sorted` is.
    directory: Vec<u32>,
    bits: u32,
    /// Changes since the last merge.
    changes: HashMap<u64, i64, ahash::RandomState>,
}

impl Counts {
    /// The count of `key` (0 if it was never counted).
    pub(crate) fn get(&self, key: u64) -> u32 {
        let base = self.sorted_count(key);
        if self.changes.is_empty() {
            return base;
        }
        let change = self.changes.get(&key).copied().unwrap_or(0);
        u32::try_from(i64::from(base) + change).expect("counts stay in 0..2^32")
    }

    /// Adds `n` to the count of `key`.
    pub(crate) fn add(&mut self, key: u64, n: u32) {
        *self.changes.entry(key).or_default() += i64::from(n);
        self.merge_if_large();
    }

    /// Adds each `(key, n)` of `counted` (sorted by key, each key once). A batch at least as
    /// large as a merge waits for ([`MERGE_MIN`], a quarter of the array) is merged into the
    /// sorted array at once, in one pass; a smaller one waits with the other changes.
    pub(crate) fn add_sorted(&mut self, counted: &[(u64, u32)]) {
        debug_assert!(
            counted.is_sorted_by(|x, y| x.0 < y.0),
            "sorted, each key once"
        );
        if counted.len() < MERGE_MIN.max(self.sorted.len() / 4) {
            for &(key, n) in counted {
                self.add(key, n);
            }
            return;
        }
        if !self.changes.is_empty() {
            self.merge();
        }
        let changes = counted.iter().map(|&(k, n)| (k, i64::from(n)));
        self.merge_sorted(changes);
    }

    /// Takes `n` from the count of `key`, which must be at least `n`.
    pub(crate) fn sub(&mut self, key: u64, n: u32) {
        debug_assert!(self.get(key) >= n, "a count goes below zero");
        *self.changes.entry(key).or_default() -= i64::from(n);
        self.merge_if_large();
    }

    /// An estimate of the heap memory held, in bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.sorted.capacity() * 12
            + self.directory.capacity() * 4
            + crate::lsh::heap_bytes(&self.changes)
    }

    fn merge_if_large(&mut self) {
        if self.changes.len() >= MERGE_MIN.max(self.sorted.len() / 4) {
            self.merge();
        }
    }

    /// Applies the changes to the sorted array.
    pub(crate) fn merge(&mut self) {
        let mut changes: Vec<(u64, i64)> = self.changes.drain().collect();
        changes.sort_unstable();
        self.merge_sorted(changes.into_iter());
    }

    /// Applies changes sorted by key, each key once, to the sorted array.
    fn merge_sorted(&mut self, changes: impl ExactSizeIterator<Item = (u64, i64)>) {
        let key = |e: &[u32; 3]| u64::from(e[0]) << 32 | u64::from(e[1]);
        let old = std::mem::take(&mut self.sorted);
        let mut merged = Vec::with_capacity(old.len() + changes.len());
        let mut push = |k: u64, count: i64| {
            let count = u32::try_from(count).expect("counts stay in 0..2^32");
            if count > 0 {
                merged.push([(k >> 32) as u32, k as u32, count]);
            }
        };
        let mut changes = changes.peekable();
        for e in old {
            while let Some(&(k, change)) = changes.peek().filter(|(k, _)| *k < key(&e)) {
                push(k, change);
                changes.next();
            }
            match changes.peek() {
                Some(&(k, change)) if k == key(&e) => {
                    push(k, i64::from(e[2]) + change);
                    changes.next();
                }
                _ => push(key(&e), i64::from(e[2])),
            }
        }
        for (k, change) in changes {
            push(k, change);
        }
        merged.shrink_to_fit();
        self.sorted = merged;
        self.bits = (self.sorted.len() / 2).max(2).ilog2().clamp(1, 30);
        self.directory = directory(&self.sorted, self.bits);
    }

    /// The count of `key` in the sorted array.
    fn sorted_count(&self, key: u64) -> u32 {
        if self.sorted.is_empty() {
            return 0;
        }
        run_of(&self.sorted, &self.directory, self.bits, key)
            .first()
            .map_or(0, |e| e[2])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random additions and subtractions over a few thousand keys (some sharing their top
    /// bits), with merges along the way: every count is that of a plain hash map.
    #[test]
    fn counts_as_a_hash_map_does() {
        let mut state = 5u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let key = |k: u64| (k % 3) << 62 | k.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 30;
        let mut counts = Counts::default();
        let mut want: HashMap<u64, u32> = HashMap::new();
        for round in 0..200_000 {
            if round % 4999 == 0 {
                counts.merge(); // as when the changes grow large
            }
            let k = key(next(3000));
            let have = want.get(&k).copied().unwrap_or(0);
            if have > 0 && next(3) == 0 {
                let n = 1 + next(u64::from(have)) as u32;
                counts.sub(k, n);
                *want.get_mut(&k).unwrap() -= n;
            } else {
                let n = 1 + next(3) as u32;
                counts.add(k, n);
                *want.entry(k).or_default() += n;
            }
            if round % 997 == 0 {
                for k in (0..3100).map(key) {
                    assert_eq!(counts.get(k), want.get(&k).copied().unwrap_or(0), "{round}");
                }
            }
        }
        assert!(!counts.sorted.is_empty(), "merges happened");
        assert!(
            counts.sorted.iter().all(|e| e[2] > 0),
            "no zero count is kept"
        );
    }

    /// Batches added sorted, large ones (merged at once) and small ones (waiting as changes)
    /// in turn, over keys partly counted before: every count is the sum of what was added.
    #[test]
    fn sorted_batches_count_as_single_additions() {
        let mut counts = Counts::default();
        let mut want: HashMap<u64, u32> = HashMap::new();
        for (round, size) in [40_000u64, 10, 30_000, 500, 100_000, 1]
            .into_iter()
            .enumerate()
        {
            let step = 3 + round as u64;
            let batch: Vec<(u64, u32)> = (0..size)
                .map(|i| {
                    (
                        (i * step).wrapping_mul(0x9e37_79b9_7f4a_7c15),
                        1 + (i % 4) as u32,
                    )
                })
                .collect::<std::collections::BTreeMap<_, _>>()
                .into_iter()
                .collect();
            counts.add_sorted(&batch);
            for &(k, n) in &batch {
                *want.entry(k).or_default() += n;
            }
            let large = size as usize >= MERGE_MIN;
            assert_eq!(counts.changes.is_empty(), large, "round {round}");
            for (&k, &n) in &want {
                assert_eq!(counts.get(k), n, "round {round}");
            }
        }
    }
}
