//! Tokens → k-word shingle hashes.
//!
//! The shingle starting at token `i` covers tokens `i..i + k`. Each word is folded and hashed
//! once (in [`normalize`](crate::normalize)); a shingle's hash combines its `k` word hashes
//! `w_i .. w_{i+k-1}` as the polynomial `H_i = Σ_j w_{i+j} · P^(k-1-j) mod 2^64` (`P` a fixed
//! odd constant), which rolls from one shingle to the next in two multiplies, XORed with a
//! fixed seed. Nothing is allocated per shingle and the cost does not grow with `k`. Two
//! different word sequences get the same hash only if their hash differences cancel in the
//! polynomial, which for well-mixed word hashes happens with probability about `2^-64`.
//! Shingle hashes are compared for equality; they are not mixed further, because their low
//! bits depend only on the words' low bits: [`minhash`](crate::minhash) mixes every input
//! before using its bits.
//!
//! A document with fewer than `k` words (but at least one) has a single shingle of all its
//! words, so two identical headlines still match; a document without words has no shingle and
//! never matches anything.
//!
//! # Example
//!
//! ```
//! use neardup::{normalize, shingle};
//!
//! let a = shingle::hashes(&normalize::tokens("the cat sat on the mat"), 3);
//! let b = shingle::hashes(&normalize::tokens("THE CAT SAT, on the rug"), 3);
//! assert_eq!(a.len(), 4);
//! assert_eq!(a[..2], b[..2]);
//! assert_ne!(a[3], b[3]);
//! ```

use crate::minhash::fmix64;
use crate::normalize::Token;

/// Seed of the shingle hashes. Part of the normalisation rules.
const SHINGLE_SEED: u64 = 0x7368_696e_676c_6573;
/// Seed of the whole-text hash.
const TEXT_SEED: u64 = 0x7768_6f6c_655f_7478;
/// The polynomial base (odd, so multiplying by it is a bijection mod 2^64).
const BASE: u64 = 0x9e37_79b9_7f4a_7c15;

/// The largest shingle size supported (see [`Config::shingle_size`](crate::Config::shingle_size)).
pub const MAX_SHINGLE_SIZE: usize = 32;

/// Rolls word hashes into shingle hashes one word at a time (see the module docs).
///
/// # Example
///
/// ```
/// use neardup::{normalize, shingle};
///
/// let tokens = normalize::tokens("one two three four");
/// let mut roller = shingle::Shingler::new(3);
/// let rolled: Vec<u64> = tokens.iter().filter_map(|t| roller.push(t.hash)).collect();
/// assert_eq!(rolled, shingle::hashes(&tokens, 3));
/// ```
#[derive(Clone, Debug)]
pub struct Shingler {
    k: usize,
    seen: usize,
    /// Where the next word goes in `window` (`seen mod k`, without dividing).
    slot: usize,
    window: [u64; MAX_SHINGLE_SIZE],
    rolling: u64,
    /// `BASE^k`: the weight of the word leaving the window.
    leaving: u64,
}

impl Shingler {
    /// A roller for `k`-word shingles.
    ///
    /// # Panics
    ///
    /// If `k` is 0 or greater than [`MAX_SHINGLE_SIZE`] (a [`Config`](crate::Config) that
    /// passed `validate` never is).
    pub fn new(k: usize) -> Shingler {
        assert!(
            (1..=MAX_SHINGLE_SIZE).contains(&k),
            "shingle size must be 1..={MAX_SHINGLE_SIZE}, got {k}"
        );
        Shingler {
            k,
            seen: 0,
            slot: 0,
            window: [0; MAX_SHINGLE_SIZE],
            rolling: 0,
            leaving: (0..k).fold(1u64, |p, _| p.wrapping_mul(BASE)),
        }
    }

    /// Adds the next word's hash; returns the hash of the shingle it completes, if any.
    #[inline]
    pub fn push(&mut self, word: u64) -> Option<u64> {
        let old = std::mem::replace(&mut self.window[self.slot], word);
        self.slot += 1;
        if self.slot == self.k {
            self.slot = 0;
        }
        self.rolling = self.rolling.wrapping_mul(BASE).wrapping_add(word);
        if self.seen >= self.k {
            self.rolling = self.rolling.wrapping_sub(old.wrapping_mul(self.leaving));
        }
        self.seen += 1;
        (self.seen >= self.k).then_some(self.rolling ^ SHINGLE_SEED)
    }

    /// At the end of a document of fewer than `k` words (but at least one): the hash of its
    /// single shingle of all its words. `None` otherwise.
    pub fn finish(&self) -> Option<u64> {
        (self.seen > 0 && self.seen < self.k).then_some(self.rolling ^ SHINGLE_SEED)
    }
}

/// The shingle hashes of `tokens`, in text order: element `i` is the shingle that starts at
/// token `i`. Returns `max(0, n - k + 1)` hashes for `n >= k` tokens, one for `0 < n < k`, and
/// none for `n = 0`. Cost: two multiplies and a finaliser per shingle.
///
/// # Panics
///
/// If `k` is 0 or greater than [`MAX_SHINGLE_SIZE`] (a [`Config`](crate::Config) that passed
/// `validate` never is).
pub fn hashes(tokens: &[Token], k: usize) -> Vec<u64> {
    let mut roller = Shingler::new(k);
    let mut out = Vec::with_capacity(tokens.len());
    out.extend(tokens.iter().filter_map(|t| roller.push(t.hash)));
    out.extend(roller.finish());
    out
}

/// The token range `[start, end)` covered by shingle `i` of a document of `n_tokens` tokens.
pub fn token_range(i: usize, k: usize, n_tokens: usize) -> (usize, usize) {
    (i, (i + k).min(n_tokens))
}

/// The set of `hashes`: sorted, without repeats. Set operations in
/// [`verify`](crate::verify) take this form.
pub fn set(hashes: &[u64]) -> Vec<u64> {
    let mut set = hashes.to_vec();
    set.sort_unstable();
    set.dedup();
    set
}

/// A hash of the whole token sequence: equal for documents whose normalised texts are equal.
pub fn text_hash(tokens: &[Token]) -> u64 {
    let mut whole = TextHasher::default();
    tokens.iter().for_each(|t| whole.push(t.hash));
    whole.finish()
}

/// [`text_hash`] one word at a time.
#[derive(Clone, Debug, Default)]
pub struct TextHasher {
    words: u64,
    rolling: u64,
}

impl TextHasher {
    /// Adds the next word's hash.
    #[inline]
    pub fn push(&mut self, word: u64) {
        self.rolling = self.rolling.wrapping_mul(BASE).wrapping_add(word);
        self.words += 1;
    }

    /// The hash of the words pushed so far.
    pub fn finish(&self) -> u64 {
        fmix64(fmix64(self.rolling ^ TEXT_SEED) ^ self.words)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::tokens;

    /// The rolling hash equals the polynomial computed afresh for every window.
    #[test]
    fn rolling_matches_the_direct_polynomial() {
        let words = tokens("a b c d e f g h i j k l m n o p q r s t u v w x y z");
        for k in [1, 2, 5, 9] {
            let direct: Vec<u64> = words
                .windows(k)
                .map(|w| {
                    let h = w
                        .iter()
                        .fold(0u64, |h, t| h.wrapping_mul(BASE).wrapping_add(t.hash));
                    h ^ SHINGLE_SEED
                })
                .collect();
            assert_eq!(hashes(&words, k), direct, "k={k}");
        }
    }

    #[test]
    fn counts_follow_the_document_length() {
        let cases: &[(&str, usize, usize)] = &[
            ("", 5, 0),
            ("one", 5, 1),
            ("one two three four", 5, 1),
            ("one two three four five", 5, 1),
            ("one two three four five six", 5, 2),
            ("a b c d e f g h i j", 1, 10),
            ("a b c d e f g h i j", 3, 8),
        ];
        for &(text, k, want) in cases {
            assert_eq!(hashes(&tokens(text), k).len(), want, "{text:?} k={k}");
        }
    }

    #[test]
    fn shingles_depend_on_order_and_on_every_word() {
        let base = hashes(&tokens("a b c"), 3)[0];
        assert_ne!(base, hashes(&tokens("b a c"), 3)[0]);
        assert_ne!(base, hashes(&tokens("a b d"), 3)[0]);
        assert_eq!(base, hashes(&tokens("A, b; C!"), 3)[0]);
    }

    #[test]
    fn text_hash_ignores_case_and_punctuation_only() {
        let a = text_hash(&tokens("Hello, world!"));
        assert_eq!(a, text_hash(&tokens("hello world")));
        assert_ne!(a, text_hash(&tokens("hello there world")));
    }
}
