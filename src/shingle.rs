//! Tokens → k-word shingle hashes.
//!
//! The shingle starting at token `i` covers tokens `i..i + k`. Its hash is xxh3 (64 bits, fixed
//! seed) of the `k` token hashes as little-endian bytes, built in a stack buffer: each word is
//! folded and hashed once (in [`normalize`](crate::normalize)), and no shingle allocates a
//! string.
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

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::normalize::Token;

/// Seed of the shingle hashes. Part of the normalisation rules.
const SHINGLE_SEED: u64 = 0x7368_696e_676c_6573;

/// The largest shingle size supported (see [`Config::shingle_size`](crate::Config::shingle_size)).
pub const MAX_SHINGLE_SIZE: usize = 32;

/// The shingle hashes of `tokens`, in text order: element `i` is the shingle that starts at
/// token `i`. Returns `max(0, n - k + 1)` hashes for `n >= k` tokens, one for `0 < n < k`, and
/// none for `n = 0`. Cost: one xxh3 of `8 k` bytes per shingle.
///
/// # Panics
///
/// If `k` is 0 or greater than [`MAX_SHINGLE_SIZE`] (a [`Config`](crate::Config) that passed
/// `validate` never is).
pub fn hashes(tokens: &[Token], k: usize) -> Vec<u64> {
    assert!(
        (1..=MAX_SHINGLE_SIZE).contains(&k),
        "shingle size must be 1..={MAX_SHINGLE_SIZE}, got {k}"
    );
    if tokens.is_empty() {
        return Vec::new();
    }
    let k = k.min(tokens.len());
    let mut buf = [0u8; 8 * MAX_SHINGLE_SIZE];
    tokens
        .windows(k)
        .map(|window| {
            for (slot, token) in buf.chunks_exact_mut(8).zip(window) {
                slot.copy_from_slice(&token.hash.to_le_bytes());
            }
            xxh3_64_with_seed(&buf[..8 * k], SHINGLE_SEED)
        })
        .collect()
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
    let mut hasher = xxhash_rust::xxh3::Xxh3::with_seed(SHINGLE_SEED);
    for token in tokens {
        hasher.update(&token.hash.to_le_bytes());
    }
    hasher.digest()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::tokens;

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
