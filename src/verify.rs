//! Exact scores of a candidate pair on its shingle sets: Jaccard and containment.
//!
//! Every pair that LSH proposes is checked here before it is reported, so a reported
//! near-duplicate always has an exact Jaccard at or above the threshold (precision 1 against
//! the definition); the MinHash estimate is reported beside it, never used alone.

/// Exact similarity of two shingle sets.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scores {
    /// `|A ∩ B| / |A ∪ B|`; 0 when both sets are empty.
    pub jaccard: f64,
    /// `|A ∩ B| / |A|`: the share of A's shingles also in B; 0 when A is empty.
    pub containment_a: f64,
    /// `|A ∩ B| / |B|`: the share of B's shingles also in A; 0 when B is empty.
    pub containment_b: f64,
}

/// The number of elements two sorted, repeat-free slices share. Cost: `O(|a| + |b|)`.
pub fn intersection(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Jaccard and both containments of two sets given as sorted, repeat-free slices (as
/// [`shingle::set`](crate::shingle::set) makes them).
///
/// ```
/// let s = neardup::verify::scores(&[1, 2, 3, 4], &[3, 4, 5]);
/// assert_eq!((s.jaccard, s.containment_a, s.containment_b), (0.4, 0.5, 2.0 / 3.0));
/// ```
pub fn scores(a: &[u64], b: &[u64]) -> Scores {
    let shared = intersection(a, b) as f64;
    let ratio = |num: f64, den: usize| if den == 0 { 0.0 } else { num / den as f64 };
    Scores {
        jaccard: ratio(shared, a.len() + b.len() - shared as usize),
        containment_a: ratio(shared, a.len()),
        containment_b: ratio(shared, b.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (a, b, (jaccard, containment of a, containment of b)).
    type Case = (&'static [u64], &'static [u64], (f64, f64, f64));

    #[test]
    fn scores_table() {
        let cases: &[Case] = &[
            (&[], &[], (0.0, 0.0, 0.0)),
            (&[1], &[], (0.0, 0.0, 0.0)),
            (&[1, 2], &[1, 2], (1.0, 1.0, 1.0)),
            (&[1, 2], &[3, 4], (0.0, 0.0, 0.0)),
            (&[1, 2, 3, 4], &[2, 4], (0.5, 0.5, 1.0)),
        ];
        for &(a, b, want) in cases {
            let s = scores(a, b);
            assert_eq!(
                (s.jaccard, s.containment_a, s.containment_b),
                want,
                "{a:?} {b:?}"
            );
            let t = scores(b, a);
            assert_eq!(t.jaccard, s.jaccard, "Jaccard is symmetric");
        }
    }
}
