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

use crate::passage::{Passage, Passages};

/// Document frequencies of terms and of passages, learned from the documents added.
///
/// Each term gets a dense id when first counted, so that weighted passages ([`Weighted`]) hold
/// 4-byte ids rather than hashes and weights. The terms new to a batch get their ids in the
/// order of their hashes, so ids do not depend on how many threads counted.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    docs: u32,
    ids: HashMap<u64, u32, ahash::RandomState>,
    /// Document frequency by term id.
    df: Vec<u32>,
    passage_df: HashMap<u64, u32, ahash::RandomState>,
}

/// Counts of terms and of passage fingerprints over some documents.
type Counts = (
    HashMap<u64, u32, ahash::RandomState>,
    HashMap<u64, u32, ahash::RandomState>,
);

/// Documents counted per task of [`Stats::add_batch`], at least.
const COUNT_CHUNK: usize = 4096;

impl Stats {
    /// Empty statistics.
    pub fn new() -> Stats {
        Stats::default()
    }

    /// Counts one document's terms and passage fingerprints (each once per document).
    pub fn add(&mut self, passages: &Passages) {
        self.add_batch(&[passages]);
    }

    /// Counts several documents, as [`Stats::add`] of each would: chunks of them are counted
    /// in parallel and the counts merged.
    pub fn add_batch(&mut self, docs: &[&Passages]) {
        use rayon::prelude::*;
        let chunk = COUNT_CHUNK.max(docs.len() / (4 * rayon::current_num_threads()) + 1);
        let (terms, prints) = docs
            .par_chunks(chunk)
            .map(|chunk| {
                let mut counts = Counts::default();
                let mut scratch = Vec::new();
                for passages in chunk {
                    count(passages, &mut counts, &mut scratch);
                }
                counts
            })
            .reduce(Counts::default, |mut a, b| {
                for (map, other) in [(&mut a.0, b.0), (&mut a.1, b.1)] {
                    for (key, n) in other {
                        *map.entry(key).or_default() += n;
                    }
                }
                a
            });
        self.docs += docs.len() as u32;
        let mut terms: Vec<(u64, u32)> = terms.into_iter().collect();
        terms.sort_unstable();
        for (t, n) in terms {
            let next = self.df.len() as u32;
            let id = *self.ids.entry(t).or_insert(next);
            if id == next {
                self.df.push(0);
            }
            self.df[id as usize] += n;
        }
        for (f, n) in prints {
            *self.passage_df.entry(f).or_default() += n;
        }
    }

    /// Takes one document's counts back out, as if it had never been added (its terms keep
    /// their ids). The caller must have added exactly these passages before.
    pub fn remove(&mut self, passages: &Passages) {
        let mut counts = Counts::default();
        count(passages, &mut counts, &mut Vec::new());
        self.docs = self.docs.checked_sub(1).expect("a document was added");
        for (t, n) in counts.0 {
            let id = self.ids[&t] as usize;
            self.df[id] -= n;
        }
        for (f, n) in counts.1 {
            let left = self
                .passage_df
                .get_mut(&f)
                .expect("the fingerprint was counted");
            *left -= n;
            if *left == 0 {
                self.passage_df.remove(&f);
            }
        }
    }

    /// The number of documents counted.
    pub fn documents(&self) -> u32 {
        self.docs
    }

    /// The number of distinct terms counted.
    pub fn terms(&self) -> usize {
        self.df.len()
    }

    /// The id of a term counted, if it was.
    pub fn term_id(&self, term: u64) -> Option<u32> {
        self.ids.get(&term).copied()
    }

    /// `ln((N + 1) / (df + 1)) + 1`: at least 1, larger for rarer terms.
    pub fn idf(&self, term: u64) -> f64 {
        let df = self.term_id(term).map_or(0, |id| self.df[id as usize]);
        idf(self.docs, df)
    }

    /// Whether a passage recurs, with the same content terms, in at least `min_docs`
    /// documents: a publisher's footer, a "subscribe" blurb, a byline, a stock disclaimer.
    /// Such text is shared without being copied, so it never counts as evidence.
    pub fn is_boilerplate(&self, passage: Passage, min_docs: u32) -> bool {
        self.is_boilerplate_print(passage.fingerprint(), min_docs)
    }

    /// [`Stats::is_boilerplate`] of a passage with this [`Passage::fingerprint`].
    pub fn is_boilerplate_print(&self, fingerprint: u64, min_docs: u32) -> bool {
        self.passage_df
            .get(&fingerprint)
            .is_some_and(|&df| df >= min_docs)
    }
}

/// Counts one document's distinct terms and passage fingerprints into `counts`; `scratch` is
/// reused between documents.
fn count(passages: &Passages, (terms, prints): &mut Counts, scratch: &mut Vec<u64>) {
    let hashes = passages.all_terms().iter().map(|t| t.hash());
    count_distinct(terms, hashes, scratch);
    count_distinct(prints, passages.iter().map(|p| p.fingerprint()), scratch);
}

/// Adds one to the count of each distinct hash of `hashes`.
fn count_distinct(
    counts: &mut HashMap<u64, u32, ahash::RandomState>,
    hashes: impl Iterator<Item = u64>,
    scratch: &mut Vec<u64>,
) {
    scratch.clear();
    scratch.extend(hashes);
    scratch.sort_unstable();
    scratch.dedup();
    for &h in scratch.iter() {
        *counts.entry(h).or_default() += 1;
    }
}

/// The IDF formula (module docs) for `docs` documents and document frequency `df`, rounded
/// to a multiple of 2^-32. Weights are below 2^5 (for fewer than 2^31 documents), so a
/// weight has at most 37 significant bits and any sum of weights below 2^21 is exact in an
/// `f64`: sums do not depend on the order of their terms, so a similarity is the same
/// whatever ids the terms got (they follow the order documents arrived in).
fn idf(docs: u32, df: u32) -> f64 {
    const SCALE: f64 = (1u64 << 32) as f64;
    let exact = ((f64::from(docs) + 1.0) / (f64::from(df) + 1.0)).ln() + 1.0;
    (exact * SCALE).round() / SCALE
}

/// Term weights under some [`Stats`]: what [`weigh`], [`similarity`] and [`align`] read. Made
/// by [`Idf::new`] (each weight computed when asked) or [`Idf::table`] (all computed at once,
/// for the many comparisons of a whole corpus).
#[derive(Clone, Debug)]
pub struct Idf<'s> {
    stats: &'s Stats,
    table: Option<Vec<f64>>,
}

impl<'s> Idf<'s> {
    /// Weights computed from `stats` as they are asked for.
    pub fn new(stats: &'s Stats) -> Idf<'s> {
        Idf { stats, table: None }
    }

    /// Weights of every term of `stats` computed now. Cost: one logarithm per distinct term.
    pub fn table(stats: &'s Stats) -> Idf<'s> {
        let table = stats.df.iter().map(|&df| idf(stats.docs, df)).collect();
        Idf {
            stats,
            table: Some(table),
        }
    }

    /// The statistics the weights come from.
    pub fn stats(&self) -> &'s Stats {
        self.stats
    }

    /// The weight of the term with this id.
    #[inline]
    pub fn of(&self, id: u32) -> f64 {
        match &self.table {
            Some(table) => table[id as usize],
            None => idf(self.stats.docs, self.stats.df[id as usize]),
        }
    }
}

/// A passage as the comparisons read it: its terms as ids under some [`Stats`] and its total
/// weight. A boilerplate passage takes no part in any comparison, so it keeps no terms and
/// weighs 0. Borrowed from a [`WeightedPassages`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Weighted<'a> {
    /// Ids of the terms that [`Stats`] has counted: first the content terms, ascending, then
    /// the function words, ascending. A term it has not counted (a word of a probe new to the
    /// index) can match no counted passage, so it only adds to the total.
    pub terms: &'a [u32],
    /// How many of `terms` are content terms.
    pub content: usize,
    /// The sum of the weights of all the passage's terms.
    pub total: f64,
    /// The sum of the weights of its function words (counted or not).
    pub function_total: f64,
    /// Whether the passage is boilerplate (see [`Stats::is_boilerplate`]).
    pub boilerplate: bool,
}

/// The passages of one document, weighted (see [`weigh`]): stored flat, one list of term
/// ids for the whole document, so that reading a document's passages reads a few contiguous
/// blocks of memory.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WeightedPassages {
    terms: Vec<u32>,
    passages: Vec<Meta>,
}

/// Where one passage's ids lie in [`WeightedPassages::terms`], and its weights.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Meta {
    start: u32,
    content: u32,
    end: u32,
    boilerplate: bool,
    total: f64,
    function_total: f64,
}

impl WeightedPassages {
    /// The number of passages.
    pub fn len(&self) -> usize {
        self.passages.len()
    }

    /// Whether there is no passage.
    pub fn is_empty(&self) -> bool {
        self.passages.is_empty()
    }

    /// Passage `i` (which must exist).
    #[inline]
    pub fn get(&self, i: usize) -> Weighted<'_> {
        let m = &self.passages[i];
        Weighted {
            terms: &self.terms[m.start as usize..m.end as usize],
            content: (m.content - m.start) as usize,
            total: m.total,
            function_total: m.function_total,
            boilerplate: m.boilerplate,
        }
    }

    /// The passages in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Weighted<'_>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Whether passage `i` is boilerplate, and its total weight, without building its view.
    #[inline]
    fn weight(&self, i: usize) -> (bool, f64) {
        let m = &self.passages[i];
        (m.boilerplate, m.total)
    }
}

/// The weighted form of a document's passages.
pub fn weigh(passages: &Passages, idf: &Idf, boilerplate_min_docs: u32) -> WeightedPassages {
    let stats = idf.stats;
    let unseen = self::idf(stats.docs, 0);
    let mut out = WeightedPassages {
        terms: Vec::new(),
        passages: Vec::with_capacity(passages.len()),
    };
    for p in passages.iter() {
        let (mut total, mut function_total) = (0.0, 0.0);
        let start = out.terms.len();
        let boilerplate = stats.is_boilerplate(p, boilerplate_min_docs);
        // Boilerplate takes no part in any comparison: no terms, no weight.
        let mut content = start;
        if !boilerplate {
            for function in [false, true] {
                let from = out.terms.len();
                if function {
                    content = from; // the content terms are all in
                }
                for t in p.terms.iter().filter(|t| t.is_function() == function) {
                    let weight = match stats.term_id(t.hash()) {
                        Some(id) => {
                            out.terms.push(id);
                            idf.of(id)
                        }
                        None => unseen,
                    };
                    total += weight;
                    if function {
                        function_total += weight;
                    }
                }
                out.terms[from..].sort_unstable();
            }
        }
        out.passages.push(Meta {
            start: start as u32,
            content: content as u32,
            end: out.terms.len() as u32,
            boilerplate,
            total,
            function_total,
        });
    }
    out
}

/// IDF-weighted Jaccard of two passages' term sets (formula in the module docs).
pub fn similarity(a: Weighted, b: Weighted, idf: &Idf) -> f64 {
    let (ca, cb) = (a.terms.split_at(a.content), b.terms.split_at(b.content));
    let shared = shared_weight(ca.0, cb.0, idf) + shared_weight(ca.1, cb.1, idf);
    ratio(shared, a.total + b.total - shared)
}

/// `shared / union`, 0 for an empty union.
fn ratio(shared: f64, union: f64) -> f64 {
    if union <= 0.0 { 0.0 } else { shared / union }
}

/// The weight of the ids two ascending lists share.
fn shared_weight(a: &[u32], b: &[u32], idf: &Idf) -> f64 {
    let (mut i, mut j) = (0, 0);
    let mut shared = 0.0;
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += idf.of(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    shared
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
/// use neardup::rewrite::{align, weigh, Idf, Stats};
///
/// let a = passages("The minister resigned on Monday after a row over expenses. Rain is due.");
/// let b = passages("After a dispute about expenses, the minister quit on Monday. Markets rose today.");
/// let mut stats = Stats::new();
/// stats.add(&a);
/// stats.add(&b);
/// let idf = Idf::new(&stats);
/// let found = align(&weigh(&a, &idf, 10), &weigh(&b, &idf, 10), &idf, 0.35);
/// assert_eq!(found.links.len(), 1);
/// assert_eq!((found.links[0].a, found.links[0].b), (0, 0));
/// ```
pub fn align(a: &WeightedPassages, b: &WeightedPassages, idf: &Idf, threshold: f64) -> Alignment {
    Aligner::new(a, idf).align(b, threshold)
}

/// One document's passages indexed by content term, to align with many others (see
/// [`align`]): the index is built once, and only pairs of passages that could reach the
/// threshold are compared.
///
/// A pair's similarity is at most what it would be if the function words of the lighter
/// side were all shared: with `c` the weight of the content terms the pair shares and `f` the
/// smaller function-word weight, at most `(c + f) / (total_a + total_b - c - f)`. Content
/// weights shared come from the index (pairs that share no content term have `c = 0`), and
/// only pairs whose bound reaches the threshold get their exact [`similarity`]. A pair that
/// shares no content term is looked at only if both passages are mostly function words:
/// its similarity is at most either side's function-word share of its own weight.
///
/// ```
/// use neardup::passage::passages;
/// use neardup::rewrite::{align, weigh, Aligner, Idf, Stats};
///
/// let texts = [
///     "The minister resigned on Monday after a row over expenses. Rain is due.",
///     "After a dispute about expenses, the minister quit on Monday. Markets rose today.",
///     "Markets rose today as the minister quit. Nothing else happened at all.",
/// ];
/// let mut stats = Stats::new();
/// let found: Vec<_> = texts.iter().map(|t| passages(t)).collect();
/// found.iter().for_each(|p| stats.add(p));
/// let idf = Idf::new(&stats);
/// let weighted: Vec<_> = found.iter().map(|p| weigh(p, &idf, 10)).collect();
/// let aligner = Aligner::new(&weighted[0], &idf);
/// for other in &weighted[1..] {
///     assert_eq!(aligner.align(other, 0.35), align(&weighted[0], other, &idf, 0.35));
/// }
/// ```
#[derive(Clone, Debug)]
pub struct Aligner<'a> {
    a: &'a WeightedPassages,
    idf: &'a Idf<'a>,
    /// For each content term, the range of `passages` that lists the (non-boilerplate)
    /// passages of `a` that have it, in passage order.
    postings: HashMap<u32, (u32, u32), ahash::RandomState>,
    passages: Vec<u32>,
    /// The (non-boilerplate) passages of `a` by the share of their weight that function
    /// words make, highest first: only those with a high share can align with a passage
    /// with which they share no content term.
    by_function_share: Vec<(f64, u32)>,
}

/// The share of a passage's weight that its function words make: an upper bound on its
/// similarity to any passage with which it shares no content term (see [`Aligner`]).
fn function_share(p: Weighted) -> f64 {
    if p.total > 0.0 {
        p.function_total / p.total
    } else {
        0.0
    }
}

/// Relative margin under which [`function_share`] rules a pair out: wide enough to absorb
/// any rounding, so that the exact similarity decides every pair that could pass.
const SHARE_MARGIN: f64 = 1e-6;

impl<'a> Aligner<'a> {
    /// Indexes the passages of `a`. Cost: one pass over their content terms, and a sort.
    pub fn new(a: &'a WeightedPassages, idf: &'a Idf<'a>) -> Aligner<'a> {
        let mut by_term: Vec<(u32, u32)> = a
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.boilerplate)
            .flat_map(|(i, p)| p.terms[..p.content].iter().map(move |&t| (t, i as u32)))
            .collect();
        by_term.sort_unstable();
        let mut postings = HashMap::with_capacity_and_hasher(by_term.len(), Default::default());
        let mut start = 0;
        for run in by_term.chunk_by(|x, y| x.0 == y.0) {
            postings.insert(run[0].0, (start, run.len() as u32));
            start += run.len() as u32;
        }
        let mut by_function_share: Vec<(f64, u32)> = a
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.boilerplate)
            .map(|(i, p)| (function_share(p), i as u32))
            .collect();
        by_function_share.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        Aligner {
            a,
            idf,
            postings,
            passages: by_term.into_iter().map(|(_, i)| i).collect(),
            by_function_share,
        }
    }

    /// Aligns the indexed document (as `a`) with `b`: the same as
    /// [`align`]`(a, b, idf, threshold)`.
    pub fn align(&self, b: &WeightedPassages, threshold: f64) -> Alignment {
        let a = self.a;
        // Whether a pair sharing content weight `c` could reach the threshold (with a margin
        // for rounding: the exact value decides).
        let may_pass = |pa: Weighted, pb: Weighted, c: f64| {
            let bound = c + pa.function_total.min(pb.function_total);
            ratio(bound, pa.total + pb.total - bound) * (1.0 + 1e-9) >= threshold
        };
        let mut content = vec![0.0f64; a.len()];
        let mut touched: Vec<usize> = Vec::new();
        let mut links = Vec::new();
        for j in 0..b.len() {
            if b.weight(j).0 {
                continue; // boilerplate
            }
            let pb = b.get(j);
            for t in &pb.terms[..pb.content] {
                let Some(&(start, len)) = self.postings.get(t) else {
                    continue;
                };
                let w = self.idf.of(*t);
                for &i in &self.passages[start as usize..(start + len) as usize] {
                    let i = i as usize;
                    if content[i] == 0.0 {
                        touched.push(i); // weights are at least 1, so 0 means untouched
                    }
                    content[i] += w;
                }
            }
            let mut check = |i: usize| {
                let similarity = similarity(a.get(i), pb, self.idf);
                if similarity >= threshold {
                    links.push(Link {
                        a: i,
                        b: j,
                        similarity,
                    });
                }
            };
            // Pairs that share no content term pass only if function words alone could make
            // them similar: rare, but checked, so the result is exact. Their similarity is
            // at most either side's function share (the union is at least either total).
            let could = |share: f64| share * (1.0 + SHARE_MARGIN) >= threshold;
            if could(function_share(pb)) {
                for &(share, i) in &self.by_function_share {
                    if !could(share) {
                        break;
                    }
                    let i = i as usize;
                    if content[i] == 0.0 && may_pass(a.get(i), pb, 0.0) {
                        check(i);
                    }
                }
            }
            for &i in &touched {
                if may_pass(a.get(i), pb, content[i]) {
                    check(i);
                }
                content[i] = 0.0;
            }
            touched.clear();
        }
        finish(a, b, links)
    }
}

/// The one-to-one alignment chosen from candidate links (see the module docs).
fn finish(a: &WeightedPassages, b: &WeightedPassages, mut links: Vec<Link>) -> Alignment {
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
fn coverage(passages: &WeightedPassages, aligned: &[bool]) -> f64 {
    let (mut covered, mut total) = (0.0, 0.0);
    for (i, &al) in aligned.iter().enumerate() {
        let (boilerplate, weight) = passages.weight(i);
        if !boilerplate {
            total += weight;
            if al {
                covered += weight;
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
        let idf = Idf::new(&stats);
        let weighted: Vec<WeightedPassages> = texts
            .iter()
            .map(|t| weigh(&passages(t), &idf, 10))
            .collect();
        let p: Vec<Weighted> = weighted.iter().map(|w| w.get(0)).collect();
        let sim = |a: Weighted, b: Weighted| similarity(a, b, &idf);
        assert_eq!(sim(p[0], p[0]), 1.0);
        assert_eq!(sim(p[0], p[1]), sim(p[1], p[0]));
        assert!(sim(p[0], p[1]) > 0.6, "reordered words still match");
        assert!(sim(p[0], p[2]) < 0.2);
        // A table of weights gives the same values as weights computed on demand.
        let table = Idf::table(&stats);
        assert_eq!(similarity(p[0], p[1], &table), sim(p[0], p[1]));
    }

    /// The indexed, bound-pruned alignment is exactly the alignment of every pair's merged
    /// similarity: same links, bit-identical similarities. Function words are drawn often,
    /// so pairs that share only function words, or whose bound is close to the threshold,
    /// come up.
    #[test]
    fn indexed_alignment_matches_pairwise_similarity() {
        let function = [
            "the", "of", "and", "to", "in", "was", "for", "on", "with", "it",
        ];
        let words: Vec<String> = (0..30)
            .map(|i| format!("w{i}"))
            .chain(function.iter().map(|w| w.to_string()))
            .collect();
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
            let idf = Idf::table(&stats);
            let (wa, wb) = (weigh(&a, &idf, 10), weigh(&b, &idf, 10));
            for threshold in [0.1, 0.2, 0.35, 0.6] {
                let mut links = Vec::new();
                for (i, pa) in wa.iter().enumerate() {
                    for (j, pb) in wb.iter().enumerate() {
                        let similarity = similarity(pa, pb, &idf);
                        if similarity >= threshold {
                            links.push(Link {
                                a: i,
                                b: j,
                                similarity,
                            });
                        }
                    }
                }
                let want = finish(&wa, &wb, links);
                assert_eq!(align(&wa, &wb, &idf, threshold), want, "at {threshold}");
            }
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
        let idf = Idf::new(&stats);
        let (a, b) = (passages(&texts[0]), passages(&texts[1]));
        assert!(stats.is_boilerplate(a.get(1), 10));
        let found = align(&weigh(&a, &idf, 10), &weigh(&b, &idf, 10), &idf, 0.35);
        assert!(found.links.is_empty(), "{found:?}");
        // With a higher bar, the footer is ordinary text and aligns.
        let strict = align(&weigh(&a, &idf, 20), &weigh(&b, &idf, 20), &idf, 0.35);
        assert_eq!(strict.links.len(), 1);
    }

    /// Counting a batch in parallel gives the same frequencies as adding one document at a
    /// time (ids may differ: they are only names).
    #[test]
    fn batch_counts_equal_one_by_one_counts() {
        let footer = "Subscribe to our daily newsletter for the latest headlines and offers.";
        let texts: Vec<String> = (0..5000)
            .map(|i| {
                format!(
                    "Mayor{} opened bridge{} in town{}.\n{footer}",
                    i % 97,
                    i % 31,
                    i
                )
            })
            .collect();
        let docs: Vec<Passages> = texts.iter().map(|t| passages(t)).collect();
        let slices: Vec<&Passages> = docs.iter().collect();
        let mut batch = Stats::new();
        batch.add_batch(&slices);
        let mut single = Stats::new();
        for d in &docs {
            single.add(d);
        }
        assert_eq!(batch.documents(), single.documents());
        assert_eq!(batch.terms(), single.terms());
        for p in docs.iter().flat_map(Passages::iter) {
            for t in p.terms {
                assert_eq!(batch.idf(t.hash()), single.idf(t.hash()));
            }
            assert_eq!(batch.is_boilerplate(p, 10), single.is_boilerplate(p, 10));
        }
        assert!(batch.is_boilerplate(docs[0].get(1), 10));
    }

    /// Removing documents gives the statistics of the ones left.
    #[test]
    fn removing_documents_gives_the_counts_of_the_rest() {
        let texts: Vec<String> = (0..40)
            .map(|i| {
                format!(
                    "Mayor{} opened bridge{} in town{}. A common line for all of them.",
                    i % 7,
                    i % 3,
                    i
                )
            })
            .collect();
        let docs: Vec<Passages> = texts.iter().map(|t| passages(t)).collect();
        let mut all = Stats::new();
        docs.iter().for_each(|d| all.add(d));
        let mut kept = Stats::new();
        for (i, d) in docs.iter().enumerate() {
            if i % 3 == 0 {
                all.remove(d);
            } else {
                kept.add(d);
            }
        }
        assert_eq!(all.documents(), kept.documents());
        for p in docs.iter().flat_map(Passages::iter) {
            for t in p.terms {
                assert_eq!(all.idf(t.hash()), kept.idf(t.hash()));
            }
            for min in [1, 10, 27, 30] {
                assert_eq!(all.is_boilerplate(p, min), kept.is_boilerplate(p, min));
            }
        }
    }
}
