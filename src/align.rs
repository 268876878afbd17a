//! Shared passages of a pair: where, in each original text, the two documents say the same.
//!
//! A passage is a maximal run of consecutive shingles that the two documents share in the same
//! order, so it is word-for-word the same text after normalisation and at least `k` words
//! long. Runs are found along diagonals (`position in b - position in a`) in one pass over `a`;
//! where runs overlap (a phrase repeated in one document), the longest wins and the others are
//! dropped, so no stretch of either text is claimed by two passages. Passages are returned in
//! the order of `a`, as byte spans into both originals.

use std::collections::{BTreeMap, HashMap};

use crate::document::Span;
use crate::normalize::Token;
use crate::shingle;

/// At most this many positions of one shingle in `b` are tried: text that repeats a phrase
/// hundreds of times must not make alignment quadratic.
const MAX_POSITIONS_PER_SHINGLE: usize = 16;

/// A document as alignment needs it: its tokens and its shingle hashes in text order (as
/// [`normalize::tokens`](crate::normalize::tokens) and [`shingle::hashes`] make them).
#[derive(Clone, Copy, Debug)]
pub struct Shingled<'a> {
    /// The tokens, in text order.
    pub tokens: &'a [Token],
    /// The shingle hashes, in text order.
    pub shingles: &'a [u64],
}

/// One shared passage: the same words, or for a rewrite the same sentence reworded, in both
/// documents.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Passage {
    /// Byte span in the first document's original text.
    pub a: Span,
    /// Byte span in the second document's original text.
    pub b: Span,
    /// How alike the two spans are: 1 for the same words (near-duplicates), the passage
    /// similarity for a rewrite (see [`rewrite::similarity`](crate::rewrite::similarity)).
    pub similarity: f64,
}

/// The shared passages of `a` and `b` (shingles of `k` words), in the order of `a`.
/// Cost: `O(|a| + |b|)` expected, plus sorting the runs found.
///
/// # Example
///
/// ```
/// use neardup::{align, normalize, shingle};
///
/// let a = "Breaking: the council approved the new budget on Monday night.";
/// let b = "The council approved the new budget on Monday, officials said.";
/// let (ta, tb) = (normalize::tokens(a), normalize::tokens(b));
/// let (sa, sb) = (shingle::hashes(&ta, 3), shingle::hashes(&tb, 3));
/// let found = align::passages(
///     align::Shingled { tokens: &ta, shingles: &sa },
///     align::Shingled { tokens: &tb, shingles: &sb },
///     3,
/// );
/// assert_eq!(found.len(), 1);
/// let p = found[0];
/// assert_eq!(&a[p.a.start..p.a.end], "the council approved the new budget on Monday");
/// assert_eq!(&b[p.b.start..p.b.end], "The council approved the new budget on Monday");
/// ```
pub fn passages(a: Shingled<'_>, b: Shingled<'_>, k: usize) -> Vec<Passage> {
    // Positions of each shingle of `b` as a chain: `first[h]` is its first position and
    // `next[j]` the position after `j` with the same shingle (`NONE` at the end). One map
    // entry per distinct shingle and no list per shingle.
    const NONE: u32 = u32::MAX;
    let mut first: HashMap<u64, u32, ahash::RandomState> =
        HashMap::with_capacity_and_hasher(b.shingles.len(), ahash::RandomState::new());
    let mut next = vec![NONE; b.shingles.len()];
    for (j, &h) in b.shingles.iter().enumerate().rev() {
        if let Some(old) = first.insert(h, j as u32) {
            next[j] = old;
        }
    }
    let (first, next) = (&first, &next);
    let positions = |h: &u64| {
        let mut at = first.get(h).copied().unwrap_or(NONE);
        std::iter::from_fn(move || {
            (at != NONE).then(|| {
                let j = at as usize;
                at = next[j];
                j
            })
        })
        .take(MAX_POSITIONS_PER_SHINGLE)
    };

    // Runs of shingles: (start in a, start in b, length in shingles).
    let mut runs: Vec<(usize, usize, usize)> = Vec::new();
    let mut open: HashMap<isize, (usize, usize, usize), ahash::RandomState> = HashMap::default();
    for (i, h) in a.shingles.iter().enumerate() {
        for j in positions(h) {
            let diagonal = j as isize - i as isize;
            match open.get_mut(&diagonal) {
                Some(run) if run.0 + run.2 == i => run.2 += 1,
                Some(run) => runs.push(std::mem::replace(run, (i, j, 1))),
                None => {
                    open.insert(diagonal, (i, j, 1));
                }
            }
        }
    }
    runs.extend(open.into_values());

    // Longest first; ties by position, so the result never depends on hash-map order.
    runs.sort_unstable_by(|x, y| y.2.cmp(&x.2).then(x.0.cmp(&y.0)).then(x.1.cmp(&y.1)));
    let (mut taken_a, mut taken_b) = (Intervals::default(), Intervals::default());
    let mut chosen: Vec<Passage> = Vec::new();
    for (i, j, len) in runs {
        // Shingles i..i+len cover tokens i..i+len-1+k (capped by the document's length).
        let ra = (i, shingle::token_range(i + len - 1, k, a.tokens.len()).1);
        let rb = (j, shingle::token_range(j + len - 1, k, b.tokens.len()).1);
        if taken_a.overlaps(ra) || taken_b.overlaps(rb) {
            continue;
        }
        taken_a.insert(ra);
        taken_b.insert(rb);
        chosen.push(Passage {
            a: byte_span(a.tokens, ra),
            b: byte_span(b.tokens, rb),
            similarity: 1.0,
        });
    }
    chosen.sort_by_key(|p| (p.a, p.b));
    chosen
}

/// The bytes from the first to the last token of the token range `[start, end)`.
fn byte_span(tokens: &[Token], (start, end): (usize, usize)) -> Span {
    Span::new(tokens[start].span.start, tokens[end - 1].span.end)
}

/// Disjoint half-open token ranges, keyed by start.
#[derive(Default)]
struct Intervals(BTreeMap<usize, usize>);

impl Intervals {
    fn overlaps(&self, (start, end): (usize, usize)) -> bool {
        // The range starting last before `end` is the only one that can reach into [start, end).
        self.0
            .range(..end)
            .next_back()
            .is_some_and(|(_, &e)| e > start)
    }

    fn insert(&mut self, (start, end): (usize, usize)) {
        self.0.insert(start, end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::tokens;

    fn texts(a: &str, b: &str, k: usize) -> Vec<(String, String)> {
        let (ta, tb) = (tokens(a), tokens(b));
        let (sa, sb) = (shingle::hashes(&ta, k), shingle::hashes(&tb, k));
        let sides = |t, s| Shingled {
            tokens: t,
            shingles: s,
        };
        passages(sides(&ta, &sa), sides(&tb, &sb), k)
            .iter()
            .map(|p| {
                (
                    a[p.a.start..p.a.end].to_string(),
                    b[p.b.start..p.b.end].to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn passages_table() {
        // (a, b, k, passages as "a text|b text")
        let cases: &[(&str, &str, usize, &[&str])] = &[
            ("one two three", "four five six", 2, &[]),
            ("", "one two", 2, &[]),
            (
                "one two three four",
                "one two three four",
                2,
                &["one two three four|one two three four"],
            ),
            (
                "a b c d X e f g h",
                "a b c d Y e f g h",
                3,
                &["a b c d|a b c d", "e f g h|e f g h"],
            ),
            // Moved paragraph: both pieces found, reported in a's order.
            (
                "p q r s. t u v w.",
                "t u v w. p q r s.",
                3,
                &["p q r s|p q r s", "t u v w|t u v w"],
            ),
            // A phrase repeated in b is claimed once.
            ("x y z", "x y z and x y z", 3, &["x y z|x y z"]),
            // Short documents: a single shingle of all their words.
            (
                "Hello world",
                "hello, WORLD!",
                5,
                &["Hello world|hello, WORLD"],
            ),
        ];
        for &(a, b, k, want) in cases {
            let got: Vec<String> = texts(a, b, k)
                .into_iter()
                .map(|(x, y)| format!("{x}|{y}"))
                .collect();
            assert_eq!(got, want, "a={a:?} b={b:?} k={k}");
        }
    }

    #[test]
    fn passages_never_overlap() {
        let a = "w w w w w w w w w w";
        let b = "w w w w w w";
        let found = texts(a, b, 2);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, b);
    }
}
