//! Rewrite verification: align the passages of two documents and measure how much of each is
//! covered by the other, paraphrases included.
//!
//! # Similarity of two passages
//!
//! IDF-weighted Jaccard on their term sets (see [`passage`](crate::passage)):
//!
//! ```text
//! sim(A, B) = Σ_{t ∈ A∩B} idf(t) / Σ_{t ∈ A∪B} idf(t),   idf(t) = ln((N + 1) / (df(t) + 1)) + 1
//! ```
//!
//! with `N` documents in the corpus (or index) and `df(t)` the number that contain term `t`.
//! Stemming makes inflections match, a set ignores word order within the sentence, and the
//! weights make rare words (names, numbers, specific nouns) count and common ones ("the",
//! "said", or a topic word every document uses) count little, so two sentences on the same
//! topic do not look alike merely by topic. Dropped and added words lower the score in
//! proportion to their weight.
//!
//! # Alignment
//!
//! Every pair of passages with similarity at least `passage_threshold` is a link; links are
//! taken best first, each passage at most once (a one-to-one alignment: a sentence is the
//! rewrite of one sentence, not of every similar one). Ties go to the pair closest to the
//! diagonal of the two documents (`|i/n - j/m|`), which keeps the alignment in document order
//! where the evidence allows. Passages that are [boilerplate](Stats::is_boilerplate) take no
//! part.
//!
//! The **coverage** of a document is the IDF weight of its aligned passages over the weight
//! of all its passages that are not boilerplate.
//!
//! # Why these thresholds
//!
//! `passage_threshold = 0.35`, `rewrite_coverage = 0.15` and `rewrite_min_passages = 2` were
//! chosen on the Clough–Stevenson answers (tasks a–c) and the MSRP train split, not on the
//! seed articles. On Clough, answers written without seeing the source reach at most 0.10
//! coverage with one aligned sentence, while the copied and rewritten answers that share words
//! with the source start at 0.19 with three; 0.15 and two passages sit in that gap. On MSRP,
//! the best single threshold for "same meaning" is 0.38; 0.35 trades a little precision at the
//! sentence level for the recall that heavy rewrites need.

use std::collections::HashMap;

use xxhash_rust::xxh3::Xxh3;

use crate::passage::Passage;

/// Document frequencies of terms and of passages, learned from the documents added.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    docs: u32,
    term_df: HashMap<u64, u32, ahash::RandomState>,
    passage_df: HashMap<u64, u32, ahash::RandomState>,
}

impl Stats {
    /// Empty statistics.
    pub fn new() -> Stats {
        Stats::default()
    }

    /// Counts one document's terms and passage fingerprints (each once per document).
    pub fn add(&mut self, passages: &[Passage]) {
        self.docs += 1;
        let mut terms: Vec<u64> = passages
            .iter()
            .flat_map(|p| p.terms.iter().map(|t| t.hash))
            .collect();
        terms.sort_unstable();
        terms.dedup();
        for t in terms {
            *self.term_df.entry(t).or_default() += 1;
        }
        let mut prints: Vec<u64> = passages.iter().map(fingerprint).collect();
        prints.sort_unstable();
        prints.dedup();
        for f in prints {
            *self.passage_df.entry(f).or_default() += 1;
        }
    }

    /// The number of documents counted.
    pub fn documents(&self) -> u32 {
        self.docs
    }

    /// `ln((N + 1) / (df + 1)) + 1`: at least 1, larger for rarer terms.
    pub fn idf(&self, term: u64) -> f64 {
        let df = self.term_df.get(&term).copied().unwrap_or(0);
        ((f64::from(self.docs) + 1.0) / (f64::from(df) + 1.0)).ln() + 1.0
    }

    /// Whether a passage recurs, with the same content terms, in at least `min_docs`
    /// documents: a publisher's footer, a "subscribe" blurb, a byline, a stock disclaimer.
    /// Such text is shared without being copied, so it never counts as evidence.
    pub fn is_boilerplate(&self, passage: &Passage, min_docs: u32) -> bool {
        self.passage_df
            .get(&fingerprint(passage))
            .is_some_and(|&df| df >= min_docs)
    }
}

/// A hash of a passage's content terms as a set: equal for the same sentence with other
/// punctuation, case or function words.
pub fn fingerprint(passage: &Passage) -> u64 {
    let mut hasher = Xxh3::with_seed(0x626f_696c_6572_706c);
    let mut any = false;
    for t in passage.content() {
        hasher.update(&t.hash.to_le_bytes());
        any = true;
    }
    if !any {
        for t in &passage.terms {
            hasher.update(&t.hash.to_le_bytes());
        }
    }
    hasher.digest()
}

/// A passage with the IDF weight of each term looked up once, for the many comparisons an
/// alignment makes.
#[derive(Clone, Debug, PartialEq)]
pub struct Weighted {
    /// Term hashes, sorted.
    pub terms: Vec<u64>,
    /// The IDF weight of each term.
    pub weights: Vec<f64>,
    /// The sum of the weights.
    pub total: f64,
    /// Whether the passage is boilerplate (see [`Stats::is_boilerplate`]).
    pub boilerplate: bool,
}

/// The weighted form of a document's passages under `stats`.
pub fn weigh(passages: &[Passage], stats: &Stats, boilerplate_min_docs: u32) -> Vec<Weighted> {
    passages
        .iter()
        .map(|p| {
            let terms: Vec<u64> = p.terms.iter().map(|t| t.hash).collect();
            let weights: Vec<f64> = terms.iter().map(|&t| stats.idf(t)).collect();
            Weighted {
                total: weights.iter().sum(),
                terms,
                weights,
                boilerplate: stats.is_boilerplate(p, boilerplate_min_docs),
            }
        })
        .collect()
}

/// IDF-weighted Jaccard of two passages' term sets (formula in the module docs).
pub fn similarity(a: &Weighted, b: &Weighted) -> f64 {
    let (mut i, mut j) = (0, 0);
    let mut shared = 0.0;
    while i < a.terms.len() && j < b.terms.len() {
        match a.terms[i].cmp(&b.terms[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += a.weights[i];
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.total + b.total - shared;
    if union <= 0.0 { 0.0 } else { shared / union }
}

/// Two aligned passages: indexes into each document's passages, and their similarity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    /// Index of the passage in the first document.
    pub a: usize,
    /// Index of the passage in the second document.
    pub b: usize,
    /// Their similarity.
    pub similarity: f64,
}

/// The result of aligning two documents.
#[derive(Clone, Debug, PartialEq)]
pub struct Alignment {
    /// The aligned passages, in the order of the first document.
    pub links: Vec<Link>,
    /// Share of the first document's (non-boilerplate) passage weight that is aligned.
    pub coverage_a: f64,
    /// Share of the second document's (non-boilerplate) passage weight that is aligned.
    pub coverage_b: f64,
}

/// Aligns the passages of two documents one to one (see the module docs), linking passages
/// of similarity at least `threshold`. Cost: `|a| · |b|` similarities.
///
/// ```
/// use neardup::passage::passages;
/// use neardup::rewrite::{align, weigh, Stats};
///
/// let a = passages("The minister resigned on Monday after a row over expenses. Rain is due.");
/// let b = passages("After a dispute about expenses, the minister quit on Monday. Markets rose today.");
/// let mut stats = Stats::new();
/// stats.add(&a);
/// stats.add(&b);
/// let found = align(&weigh(&a, &stats, 10), &weigh(&b, &stats, 10), 0.35);
/// assert_eq!(found.links.len(), 1);
/// assert_eq!((found.links[0].a, found.links[0].b), (0, 0));
/// ```
pub fn align(a: &[Weighted], b: &[Weighted], threshold: f64) -> Alignment {
    // Similarities through an index of b's sentences by term: walking a sentence's terms in
    // ascending order and adding each shared term's weight to every b sentence that has it
    // adds the same weights in the same order as `similarity`'s merge, so the values are
    // bit-identical, but pairs that share nothing cost nothing.
    let mut postings: HashMap<u64, Vec<usize>, ahash::RandomState> = HashMap::default();
    for (j, pb) in b.iter().enumerate().filter(|(_, p)| !p.boilerplate) {
        for &t in &pb.terms {
            postings.entry(t).or_default().push(j);
        }
    }
    let mut shared = vec![0.0f64; b.len()];
    let mut touched: Vec<usize> = Vec::new();
    let mut links = Vec::new();
    for (i, pa) in a.iter().enumerate().filter(|(_, p)| !p.boilerplate) {
        for (&t, &w) in pa.terms.iter().zip(&pa.weights) {
            for &j in postings.get(&t).map_or(&[][..], Vec::as_slice) {
                if shared[j] == 0.0 {
                    touched.push(j); // weights are at least 1, so 0 means untouched
                }
                shared[j] += w;
            }
        }
        for &j in &touched {
            let union = pa.total + b[j].total - shared[j];
            let similarity = if union <= 0.0 { 0.0 } else { shared[j] / union };
            if similarity >= threshold {
                links.push(Link {
                    a: i,
                    b: j,
                    similarity,
                });
            }
            shared[j] = 0.0;
        }
        touched.clear();
    }
    let off_diagonal = |l: &Link| (l.a as f64 / a.len() as f64 - l.b as f64 / b.len() as f64).abs();
    links.sort_by(|x, y| {
        y.similarity
            .total_cmp(&x.similarity)
            .then(off_diagonal(x).total_cmp(&off_diagonal(y)))
            .then((x.a, x.b).cmp(&(y.a, y.b)))
    });
    let (mut used_a, mut used_b) = (vec![false; a.len()], vec![false; b.len()]);
    let mut chosen: Vec<Link> = Vec::new();
    for link in links {
        if !used_a[link.a] && !used_b[link.b] {
            used_a[link.a] = true;
            used_b[link.b] = true;
            chosen.push(link);
        }
    }
    chosen.sort_by_key(|l| l.a);
    Alignment {
        links: chosen,
        coverage_a: coverage(a, &used_a),
        coverage_b: coverage(b, &used_b),
    }
}

/// Weight of the aligned passages over the weight of those that are not boilerplate.
fn coverage(passages: &[Weighted], aligned: &[bool]) -> f64 {
    let (mut covered, mut total) = (0.0, 0.0);
    for (p, &al) in passages.iter().zip(aligned) {
        if !p.boilerplate {
            total += p.total;
            if al {
                covered += p.total;
            }
        }
    }
    if total == 0.0 { 0.0 } else { covered / total }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passage::passages;

    fn stats_of(texts: &[&str]) -> Stats {
        let mut stats = Stats::new();
        for t in texts {
            stats.add(&passages(t));
        }
        stats
    }

    #[test]
    fn similarity_is_symmetric_one_for_self_and_zero_for_disjoint() {
        let texts = [
            "The council approved the budget on Monday night.",
            "On Monday night the budget was approved by the council.",
            "Heavy snow closed schools across the whole region.",
        ];
        let stats = stats_of(&texts);
        let p: Vec<Weighted> = texts
            .iter()
            .map(|t| weigh(&passages(t), &stats, 10).remove(0))
            .collect();
        assert_eq!(similarity(&p[0], &p[0]), 1.0);
        assert_eq!(similarity(&p[0], &p[1]), similarity(&p[1], &p[0]));
        assert!(
            similarity(&p[0], &p[1]) > 0.6,
            "reordered words still match"
        );
        assert!(similarity(&p[0], &p[2]) < 0.2);
    }

    /// The indexed alignment gives exactly the similarities of the pairwise merge.
    #[test]
    fn indexed_alignment_matches_pairwise_similarity() {
        let words: Vec<String> = (0..40).map(|i| format!("w{i}")).collect();
        let mut state = 3u64;
        let mut next = |n: usize| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize % n
        };
        for _ in 0..50 {
            let mut doc = || {
                let mut text = String::new();
                for _ in 0..(3 + next(6)) {
                    for _ in 0..(5 + next(8)) {
                        text.push_str(&words[next(words.len())]);
                        text.push(' ');
                    }
                    text.push_str(".\n");
                }
                passages(&text)
            };
            let (a, b) = (doc(), doc());
            let mut stats = Stats::new();
            stats.add(&a);
            stats.add(&b);
            let (wa, wb) = (weigh(&a, &stats, 10), weigh(&b, &stats, 10));
            let mut want = Vec::new();
            for (i, pa) in wa.iter().enumerate() {
                for (j, pb) in wb.iter().enumerate() {
                    let s = similarity(pa, pb);
                    if s >= 0.2 {
                        want.push((i, j, s.to_bits()));
                    }
                }
            }
            let found = align(&wa, &wb, 0.2);
            for l in &found.links {
                assert!(want.contains(&(l.a, l.b, l.similarity.to_bits())), "{l:?}");
            }
            assert!(found.links.len() <= want.len());
        }
    }

    #[test]
    fn boilerplate_takes_no_part_in_alignment() {
        let footer = "Subscribe to our daily newsletter for the latest headlines and offers.";
        let mut texts: Vec<String> = (0..12)
            .map(|i| format!("Mayor{i} opened bridge{i} over river{i} in town{i}.\n{footer}"))
            .collect();
        texts.push("A wholly different story about a local harvest festival.".into());
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let stats = stats_of(&refs);
        let (a, b) = (passages(&texts[0]), passages(&texts[1]));
        assert!(stats.is_boilerplate(&a[1], 10));
        let found = align(&weigh(&a, &stats, 10), &weigh(&b, &stats, 10), 0.35);
        assert!(found.links.is_empty(), "{found:?}");
        // With a higher bar, the footer is ordinary text and aligns.
        let strict = align(&weigh(&a, &stats, 20), &weigh(&b, &stats, 20), 0.35);
        assert_eq!(strict.links.len(), 1);
    }
}
