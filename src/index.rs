//! [`Index`]: documents, their signatures and band tables, and the queries over them.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::align::{self, Passage, Shingled};
use crate::config::Config;
use crate::document::{DocId, Document};
use crate::error::{Error, InputProblem, Result};
use crate::lsh::{self, Lsh};
use crate::minhash::{MinHasher, Signature};
use crate::normalize;
use crate::passage::{self, Passage as Sentence};
use crate::report::{Direction, Kind, Match};
use crate::rewrite::{self, Stats};
use crate::shingle;
use crate::verify;

/// Bands and rows of the passage tables: 32 bands of 3 rows over the content words of each
/// sentence, so two sentences whose content-word Jaccard is 0.3 become candidates with
/// probability 0.58, at 0.4 with 0.88, at 0.1 (a shared topic word) with only 0.03. The
/// alignment of a candidate pair then compares every sentence with every other, so a rewrite
/// needs only one of its sentences to collide.
const PASSAGE_BANDS: usize = 32;
const PASSAGE_ROWS: usize = 3;
/// A document pair is a rewrite candidate when its passages collide in at least this many
/// (band, passage pair) combinations. A rewrite aligns at least two passages, and a passage
/// pair at Jaccard 0.4 collides in 2 of the 32 bands on average, so real rewrites collide
/// many times, while two documents that merely share a topic seldom collide twice.
const MIN_PASSAGE_HITS: usize = 2;
/// Passage buckets with more entries than this are skipped (boilerplate, stock phrases).
const PASSAGE_MAX_BUCKET: usize = 100;
/// Seed offset of the passage MinHash functions, so they differ from the document ones.
const PASSAGE_SEED: u64 = 0x7061_7373_6167_6573;

/// What the index keeps of one document to verify candidates without re-reading it.
#[derive(Clone, Debug)]
struct Profile {
    /// Sorted, repeat-free shingle hashes.
    set: Vec<u64>,
    signature: Signature,
    /// Hash of the whole normalised token sequence (exact duplicates).
    text_hash: u64,
    /// Sentences with their terms (rewrites).
    passages: Vec<Sentence>,
}

impl Profile {
    /// A document without words matches nothing.
    fn is_empty(&self) -> bool {
        self.set.is_empty()
    }
}

/// A set of documents, searchable for exact duplicates, near-duplicates and rewrites.
///
/// The index owns the hashers and band tables its [`Config`] builds, so a signature can never
/// meet band tables made with other parameters. Each document is normalised, shingled and
/// signed on insertion, and its sentences are signed into passage tables. A candidate pair
/// from the document tables (or from equal normalised texts) is verified with exact Jaccard
/// on the shingle sets; a candidate from the passage tables is verified by aligning the two
/// documents' sentences (see [`rewrite`]). An accepted pair gets its shared passages.
///
/// # Example
///
/// ```
/// use neardup::{Config, Document, Index, Kind};
///
/// let mut index = Index::new(Config::default())?;
/// index.insert_batch(vec![
///     Document::new("a", "The council approved the new budget on Monday night after a long debate."),
///     Document::new("b", "The council approved the new budget on Monday night after a long debate!"),
///     Document::new("c", "A storm closed the coast road for a week."),
/// ])?;
/// let found = index.duplicates();
/// assert_eq!(found.len(), 1);
/// assert_eq!((found[0].a.as_str(), found[0].b.as_str()), ("a", "b"));
/// assert_eq!(found[0].kind, Kind::ExactDuplicate);
///
/// let probe = Document::new("p", "The council approved the new budget on Monday night after a short debate.");
/// let hits = index.query(&probe)?;
/// assert_eq!(hits.len(), 2);
/// assert_eq!(hits[0].kind, Kind::NearDuplicate);
/// # Ok::<(), neardup::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Index {
    config: Config,
    hasher: MinHasher,
    lsh: Lsh,
    passage_hasher: MinHasher,
    passage_lsh: Lsh,
    stats: Stats,
    docs: Vec<Document>,
    profiles: Vec<Profile>,
    ids: HashMap<String, DocId>,
    by_text: HashMap<u64, Vec<DocId>>,
}

impl Index {
    /// An empty index. Derives bands and rows from the threshold (see [`lsh::shape`]).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if the config does not pass [`Config::validate`].
    pub fn new(config: Config) -> Result<Index> {
        config.validate()?;
        let (bands, rows) = lsh::shape(
            config.threshold,
            config.num_hashes,
            config.false_negative_weight,
        );
        Ok(Index {
            hasher: MinHasher::new(config.num_hashes, config.seed),
            lsh: Lsh::new(bands, rows),
            passage_hasher: MinHasher::new(
                PASSAGE_BANDS * PASSAGE_ROWS,
                config.seed ^ PASSAGE_SEED,
            ),
            passage_lsh: Lsh::with_max_bucket(PASSAGE_BANDS, PASSAGE_ROWS, PASSAGE_MAX_BUCKET),
            stats: Stats::new(),
            config,
            docs: Vec::new(),
            profiles: Vec::new(),
            ids: HashMap::new(),
            by_text: HashMap::new(),
        })
    }

    /// The config the index was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The LSH banding in use: `(bands, rows)`.
    pub fn shape(&self) -> (usize, usize) {
        (self.lsh.bands(), self.lsh.rows())
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether the index holds no document.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The document with this [`DocId`].
    pub fn document(&self, id: DocId) -> Option<&Document> {
        self.docs.get(id.as_usize())
    }

    /// The original text of the document with this id.
    pub fn text(&self, id: &str) -> Option<&str> {
        let found = self.find(id)?;
        self.document(found).map(|d| d.text.as_str())
    }

    /// The [`DocId`] of the document with this id.
    pub fn find(&self, id: &str) -> Option<DocId> {
        self.ids.get(id).copied()
    }

    /// Adds one document. See [`Index::insert_batch`].
    ///
    /// # Errors
    ///
    /// As [`Index::insert_batch`].
    pub fn insert(&mut self, doc: Document) -> Result<DocId> {
        Ok(self.insert_batch(vec![doc])?[0])
    }

    /// Adds documents; they get consecutive [`DocId`]s in input order. Documents are analysed
    /// in parallel (rayon); the result does not depend on the number of threads.
    ///
    /// # Errors
    ///
    /// [`Error::Input`] with [`InputProblem::DuplicateId`] if a document's id is already in the
    /// index or twice in the batch; then nothing is added.
    pub fn insert_batch(&mut self, docs: Vec<Document>) -> Result<Vec<DocId>> {
        let mut seen = std::collections::HashSet::new();
        for doc in &docs {
            if self.ids.contains_key(&doc.id) || !seen.insert(doc.id.as_str()) {
                let problem = InputProblem::DuplicateId { id: doc.id.clone() };
                return Err(Error::input(&doc.id, problem));
            }
        }
        let first = self.docs.len();
        let last = first + docs.len();
        assert!(
            u32::try_from(last).is_ok(),
            "an index holds at most u32::MAX documents"
        );
        type Analysed = (Profile, Vec<u64>, Vec<Vec<u64>>);
        let analysed: Vec<Analysed> = docs
            .par_iter()
            .map(|d| {
                let profile = self.profile(&d.text);
                let keys = self.lsh.keys(&profile.signature);
                let passage_keys = self.passage_keys(&profile.passages);
                (profile, keys, passage_keys)
            })
            .collect();
        let mut ids = Vec::with_capacity(docs.len());
        let mut band_rows = Vec::with_capacity(docs.len());
        let mut passage_rows = Vec::new();
        for (offset, (doc, (profile, keys, passage_keys))) in docs.iter().zip(analysed).enumerate()
        {
            let id = DocId((first + offset) as u32);
            ids.push(id);
            self.ids.insert(doc.id.clone(), id);
            self.stats.add(&profile.passages);
            if !profile.is_empty() {
                self.by_text.entry(profile.text_hash).or_default().push(id);
                band_rows.push((id, keys));
                passage_rows.extend(passage_keys.into_iter().map(|k| (id, k)));
            }
            self.profiles.push(profile);
        }
        self.lsh.insert_batch(&band_rows);
        self.passage_lsh.insert_batch(&passage_rows);
        self.docs.extend(docs);
        Ok(ids)
    }

    /// The indexed documents that are exact duplicates, near-duplicates or rewrites of `doc`,
    /// best first: duplicates by Jaccard, then rewrites by coverage (ties by [`DocId`]). `doc`
    /// itself need not be, and is not added, in the index. In each [`Match`], `a` is the
    /// indexed document and `b` the probe, unless the direction says otherwise.
    ///
    /// # Errors
    ///
    /// None yet; the `Result` leaves room for indexes that live on disk.
    pub fn query(&self, doc: &Document) -> Result<Vec<Match>> {
        let probe = self.profile(&doc.text);
        if probe.is_empty() {
            return Ok(Vec::new());
        }
        let mut candidates = self.lsh.query(&self.lsh.keys(&probe.signature));
        if let Some(same) = self.by_text.get(&probe.text_hash) {
            candidates.extend(same);
            candidates.sort_unstable();
            candidates.dedup();
        }
        let mut found: Vec<(DocId, Match)> = candidates
            .par_iter()
            .filter_map(|&id| {
                let indexed = (&self.docs[id.as_usize()], &self.profiles[id.as_usize()]);
                self.check_duplicate(indexed, (doc, &probe))
                    .map(|m| (id, m))
            })
            .collect();
        let seen: HashSet<DocId> = found.iter().map(|(id, _)| *id).collect();
        // The same rule as `duplicates`: at least MIN_PASSAGE_HITS collisions.
        let mut hits: Vec<DocId> = self
            .passage_keys(&probe.passages)
            .iter()
            .flat_map(|keys| self.passage_lsh.hits(keys).collect::<Vec<_>>())
            .filter(|id| !seen.contains(id))
            .collect();
        hits.sort_unstable();
        let passage_candidates: Vec<DocId> = hits
            .chunk_by(|x, y| x == y)
            .filter(|run| run.len() >= MIN_PASSAGE_HITS)
            .map(|run| run[0])
            .collect();
        let weighted_probe = self.weigh(&probe.passages);
        found.par_extend(passage_candidates.par_iter().filter_map(|&id| {
            let profile = &self.profiles[id.as_usize()];
            let indexed = (&self.docs[id.as_usize()], profile);
            let weighted = self.weigh(&profile.passages);
            self.check_rewrite(indexed, (doc, &probe), &weighted, &weighted_probe)
                .map(|m| (id, m))
        }));
        found.sort_by(|(x, m), (y, n)| rank(n).total_cmp(&rank(m)).then(x.cmp(y)));
        Ok(found.into_iter().map(|(_, m)| m).collect())
    }

    /// Every pair of indexed documents that are exact duplicates, near-duplicates or
    /// rewrites, ordered by the [`DocId`]s of the pair (lower first). Duplicate candidates come
    /// from the document tables and from equal normalised texts; rewrite candidates, for pairs
    /// that are not duplicates, from the passage tables. All are verified in parallel.
    pub fn duplicates(&self) -> Vec<Match> {
        let side = |id: DocId| (&self.docs[id.as_usize()], &self.profiles[id.as_usize()]);
        let mut pairs = self.lsh.candidate_pairs();
        for ids in self.by_text.values() {
            for (i, &a) in ids.iter().enumerate() {
                pairs.extend(ids[i + 1..].iter().map(|&b| (a, b)));
            }
        }
        pairs.par_sort_unstable();
        pairs.dedup();
        let mut found: Vec<((DocId, DocId), Match)> = pairs
            .par_iter()
            .filter_map(|&(a, b)| self.check_duplicate(side(a), side(b)).map(|m| ((a, b), m)))
            .collect();
        if !self.config.rewrites {
            return found.into_iter().map(|(_, m)| m).collect();
        }
        let duplicates: HashSet<(DocId, DocId)> = found.iter().map(|(pair, _)| *pair).collect();
        let rewrites: Vec<(DocId, DocId)> = self
            .passage_lsh
            .candidate_pairs_with(MIN_PASSAGE_HITS)
            .into_iter()
            .filter(|pair| !duplicates.contains(pair))
            .collect();
        // Weights depend on the whole corpus: look them up once per document, not per pair.
        let weighted: Vec<Vec<rewrite::Weighted>> = self
            .profiles
            .par_iter()
            .map(|p| self.weigh(&p.passages))
            .collect();
        found.par_extend(rewrites.par_iter().filter_map(|&(a, b)| {
            let (wa, wb) = (&weighted[a.as_usize()], &weighted[b.as_usize()]);
            self.check_rewrite(side(a), side(b), wa, wb)
                .map(|m| ((a, b), m))
        }));
        found.par_sort_unstable_by_key(|(pair, _)| *pair);
        found.into_iter().map(|(_, m)| m).collect()
    }

    /// Compares two indexed documents directly, without LSH: the match they are flagged as, or,
    /// when they are not flagged, the rewrite evidence that fell short of the thresholds (its
    /// aligned passages and coverage). `None` if an id is not in the index.
    ///
    /// # Example
    ///
    /// ```
    /// use neardup::{Config, DocId, Document, Index, Kind};
    ///
    /// let mut index = Index::new(Config::default())?;
    /// index.insert_batch(vec![
    ///     Document::new("a", "The minister resigned on Monday after a long row over expenses."),
    ///     Document::new("b", "Heavy snow closed schools across the whole region for a week."),
    /// ])?;
    /// let c = index.compare(DocId(0), DocId(1)).unwrap();
    /// assert!(!c.flagged);
    /// assert_eq!(c.found.kind, Kind::Rewrite);
    /// assert!(c.found.passages.is_empty());
    /// # Ok::<(), neardup::Error>(())
    /// ```
    pub fn compare(&self, a: DocId, b: DocId) -> Option<Comparison> {
        let side = |id: DocId| {
            Some((
                self.docs.get(id.as_usize())?,
                self.profiles.get(id.as_usize())?,
            ))
        };
        let (sa, sb) = (side(a)?, side(b)?);
        if let Some(found) = self.check_duplicate(sa, sb) {
            return Some(Comparison {
                flagged: true,
                found,
            });
        }
        let (wa, wb) = (self.weigh(&sa.1.passages), self.weigh(&sb.1.passages));
        let (found, flagged) = self.rewrite_evidence(sa, sb, &wa, &wb);
        Some(Comparison { flagged, found })
    }

    /// Normalises, shingles, signs and splits into passages one text.
    fn profile(&self, text: &str) -> Profile {
        let tokens = normalize::tokens(text);
        let hashes = shingle::hashes(&tokens, self.config.shingle_size);
        let set = shingle::set(&hashes);
        let signature = self.hasher.signature(&set);
        Profile {
            text_hash: shingle::text_hash(&tokens),
            set,
            signature,
            passages: if self.config.rewrites {
                passage::passages(text)
            } else {
                Vec::new()
            },
        }
    }

    /// The passages with their IDF weights under the index's statistics.
    fn weigh(&self, passages: &[Sentence]) -> Vec<rewrite::Weighted> {
        rewrite::weigh(passages, &self.stats, self.config.boilerplate_min_docs)
    }

    /// The passage-table keys of each passage that has content words.
    fn passage_keys(&self, passages: &[Sentence]) -> Vec<Vec<u64>> {
        passages
            .iter()
            .filter_map(|p| {
                let content: Vec<u64> = p.content().map(|t| t.hash).collect();
                (!content.is_empty()).then(|| {
                    self.passage_lsh
                        .keys(&self.passage_hasher.signature(&content))
                })
            })
            .collect()
    }

    /// Verifies a duplicate candidate: `Some` match if the normalised texts are equal or the
    /// exact Jaccard reaches the threshold.
    fn check_duplicate(&self, a: (&Document, &Profile), b: (&Document, &Profile)) -> Option<Match> {
        let ((doc_a, pa), (doc_b, pb)) = (a, b);
        if pa.is_empty() || pb.is_empty() {
            return None;
        }
        let kind = if pa.text_hash == pb.text_hash {
            Kind::ExactDuplicate
        } else {
            Kind::NearDuplicate
        };
        let scores = verify::scores(&pa.set, &pb.set);
        if kind == Kind::NearDuplicate && scores.jaccard < self.config.threshold {
            return None;
        }
        let passages = self.shared_passages(&doc_a.text, &doc_b.text);
        Some(self.matched(kind, a, b, &scores, None, passages))
    }

    /// A match of `a` and `b` with their scores, its direction decided.
    fn matched(
        &self,
        kind: Kind,
        (doc_a, pa): (&Document, &Profile),
        (doc_b, pb): (&Document, &Profile),
        scores: &verify::Scores,
        coverage: Option<(f64, f64)>,
        passages: Vec<Passage>,
    ) -> Match {
        let found = Match {
            kind,
            direction: Direction::Unknown,
            a: doc_a.id.clone(),
            b: doc_b.id.clone(),
            estimated_jaccard: pa.signature.jaccard(&pb.signature),
            jaccard: scores.jaccard,
            containment_a: scores.containment_a,
            containment_b: scores.containment_b,
            coverage,
            passages,
        };
        self.directed(found, doc_a, doc_b)
    }

    /// Verifies a rewrite candidate by aligning the two documents' passages: `Some` match if
    /// enough passages align and they cover enough of the more covered document.
    fn check_rewrite(
        &self,
        a: (&Document, &Profile),
        b: (&Document, &Profile),
        weighted_a: &[rewrite::Weighted],
        weighted_b: &[rewrite::Weighted],
    ) -> Option<Match> {
        if a.1.is_empty() || b.1.is_empty() {
            return None;
        }
        let (found, flagged) = self.rewrite_evidence(a, b, weighted_a, weighted_b);
        flagged.then_some(found)
    }

    /// The rewrite match of two documents, and whether it passes the thresholds.
    fn rewrite_evidence(
        &self,
        a: (&Document, &Profile),
        b: (&Document, &Profile),
        weighted_a: &[rewrite::Weighted],
        weighted_b: &[rewrite::Weighted],
    ) -> (Match, bool) {
        let ((_, pa), (_, pb)) = (a, b);
        let alignment = rewrite::align(weighted_a, weighted_b, self.config.passage_threshold);
        let coverage = alignment.coverage_a.max(alignment.coverage_b);
        let flagged = alignment.links.len() >= self.config.rewrite_min_passages
            && coverage >= self.config.rewrite_coverage;
        let scores = verify::scores(&pa.set, &pb.set);
        let passages = alignment
            .links
            .iter()
            .map(|l| Passage {
                a: pa.passages[l.a].span,
                b: pb.passages[l.b].span,
                similarity: l.similarity,
            })
            .collect();
        let coverage = Some((alignment.coverage_a, alignment.coverage_b));
        let found = self.matched(Kind::Rewrite, a, b, &scores, coverage, passages);
        (found, flagged)
    }

    /// Decides the direction: by `published` times when both documents have different ones,
    /// else by coverage (containment for duplicates) when one document is more covered than the
    /// other by at least [`Config::direction_margin`]; `a` becomes the source.
    fn directed(&self, found: Match, doc_a: &Document, doc_b: &Document) -> Match {
        if let (Some(ta), Some(tb)) = (doc_a.published, doc_b.published) {
            if ta < tb {
                return found.with_direction(Direction::Timestamp);
            }
            if tb < ta {
                return found.swapped().with_direction(Direction::Timestamp);
            }
        }
        let (ca, cb) = found
            .coverage
            .unwrap_or((found.containment_a, found.containment_b));
        let margin = self.config.direction_margin;
        if cb - ca >= margin {
            found.with_direction(Direction::Coverage)
        } else if ca - cb >= margin {
            found.swapped().with_direction(Direction::Coverage)
        } else {
            found
        }
    }

    /// Shared passages of two texts. Tokens are recomputed here rather than kept, because only
    /// accepted pairs need them.
    fn shared_passages(&self, a: &str, b: &str) -> Vec<Passage> {
        let k = self.config.shingle_size;
        let (ta, tb) = (normalize::tokens(a), normalize::tokens(b));
        let (sa, sb) = (shingle::hashes(&ta, k), shingle::hashes(&tb, k));
        align::passages(
            Shingled {
                tokens: &ta,
                shingles: &sa,
            },
            Shingled {
                tokens: &tb,
                shingles: &sb,
            },
            k,
        )
    }
}

/// Two documents compared directly (see [`Index::compare`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// Whether the pair is flagged (as `found.kind`).
    pub flagged: bool,
    /// The match, or for a pair not flagged its rewrite evidence (kind [`Kind::Rewrite`]).
    pub found: Match,
}

/// The order of query results: exact duplicates, then near-duplicates by Jaccard, then
/// rewrites by coverage of the more covered document.
fn rank(m: &Match) -> f64 {
    match m.kind {
        Kind::ExactDuplicate => 3.0,
        Kind::NearDuplicate => 1.0 + m.jaccard,
        _ => m.coverage.map_or(0.0, |(a, b)| a.max(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Timestamp;

    const BASE: &str = "The city council voted on Tuesday to approve a new budget that raises \
        spending on schools and roads while cutting the parks department by a tenth, after a \
        debate that ran late into the night and drew hundreds of residents to the hall.";

    #[test]
    fn empty_documents_never_match() {
        let mut index = Index::new(Config::default()).unwrap();
        index
            .insert_batch(vec![
                Document::new("e1", "  ...  "),
                Document::new("e2", "--"),
                Document::new("x", BASE),
            ])
            .unwrap();
        assert!(index.duplicates().is_empty());
        assert!(index.query(&Document::new("p", "!!")).unwrap().is_empty());
    }

    #[test]
    fn duplicate_ids_are_refused_and_nothing_added() {
        let mut index = Index::new(Config::default()).unwrap();
        index.insert(Document::new("a", BASE)).unwrap();
        let err = index
            .insert_batch(vec![Document::new("b", BASE), Document::new("a", BASE)])
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "a: document id \"a\" was already used by an earlier input"
        );
        assert_eq!(index.len(), 1);
    }

    #[test]
    fn timestamps_decide_the_direction() {
        let early = Timestamp::parse_rfc3339("2024-01-01T00:00:00Z").unwrap();
        let late = Timestamp::parse_rfc3339("2024-01-02T00:00:00Z").unwrap();
        let mut index = Index::new(Config::default()).unwrap();
        index
            .insert_batch(vec![
                Document::new("later", BASE).published(late),
                Document::new("earlier", BASE.replace("Tuesday", "Monday")).published(early),
            ])
            .unwrap();
        let found = index.duplicates();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].direction, Direction::Timestamp);
        assert_eq!(
            (found[0].a.as_str(), found[0].b.as_str()),
            ("earlier", "later")
        );
        // Passages follow the swap: `a` spans point into the earlier text, where "Monday" is
        // one byte shorter than "Tuesday".
        let p = found[0].passages[1];
        let earlier = &index.document(DocId(1)).unwrap().text;
        assert!(earlier[p.a.start..p.a.end].starts_with("to approve a new budget"));
        assert_eq!(p.a.start + 1, p.b.start);
    }

    #[test]
    fn query_ranks_best_first_and_sees_exact_copies() {
        let mut index = Index::new(Config::default()).unwrap();
        let edited = BASE.replace("schools", "hospitals");
        index
            .insert_batch(vec![
                Document::new("edited", edited),
                Document::new("same", BASE),
            ])
            .unwrap();
        let hits = index
            .query(&Document::new("probe", BASE.to_uppercase()))
            .unwrap();
        let got: Vec<(&str, Kind)> = hits.iter().map(|m| (m.a.as_str(), m.kind)).collect();
        assert_eq!(
            got,
            [
                ("same", Kind::ExactDuplicate),
                ("edited", Kind::NearDuplicate)
            ]
        );
    }
}
