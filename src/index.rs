//! [`Index`]: documents, their signatures and band tables, and the queries over them.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::align::{self, Passage, Shingled};
use crate::config::Config;
use crate::document::{DocId, Document};
use crate::error::{Error, InputProblem, Result};
use crate::lsh::{self, Lsh};
use crate::minhash::{MinHasher, Signature};
use crate::normalize;
use crate::report::{Direction, Kind, Match};
use crate::shingle;
use crate::verify;

/// What the index keeps of one document to verify candidates without re-reading it.
#[derive(Clone, Debug)]
struct Profile {
    /// Sorted, repeat-free shingle hashes.
    set: Vec<u64>,
    signature: Signature,
    /// Hash of the whole normalised token sequence (exact duplicates).
    text_hash: u64,
}

impl Profile {
    /// A document without words matches nothing.
    fn is_empty(&self) -> bool {
        self.set.is_empty()
    }
}

/// A set of documents, searchable for near-duplicates and exact duplicates.
///
/// The index owns the hasher and band tables its [`Config`] builds, so a signature can never
/// meet band tables made with other parameters. Each document is normalised, shingled and
/// signed on insertion; a candidate pair from the band tables (or from equal normalised
/// texts) is verified with exact Jaccard on the shingle sets, and an accepted pair gets its
/// shared passages.
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
        let analysed: Vec<(Profile, Vec<u64>)> = docs
            .par_iter()
            .map(|d| {
                let profile = self.profile(&d.text);
                let keys = self.lsh.keys(&profile.signature);
                (profile, keys)
            })
            .collect();
        let mut ids = Vec::with_capacity(docs.len());
        let mut band_rows = Vec::with_capacity(docs.len());
        for (offset, (doc, (profile, keys))) in docs.iter().zip(analysed).enumerate() {
            let id = DocId((first + offset) as u32);
            ids.push(id);
            self.ids.insert(doc.id.clone(), id);
            if !profile.is_empty() {
                self.by_text.entry(profile.text_hash).or_default().push(id);
                band_rows.push((id, keys));
            }
            self.profiles.push(profile);
        }
        self.lsh.insert_batch(&band_rows);
        self.docs.extend(docs);
        Ok(ids)
    }

    /// The indexed documents that are exact or near-duplicates of `doc`, best first (highest
    /// Jaccard, then lowest [`DocId`]). `doc` itself need not be, and is not added, in the index.
    /// In each [`Match`], `a` is the indexed document and `b` the probe, unless their
    /// `published` times say the probe is the earlier one.
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
                self.check(indexed, (doc, &probe)).map(|m| (id, m))
            })
            .collect();
        found.sort_by(|(x, m), (y, n)| n.jaccard.total_cmp(&m.jaccard).then(x.cmp(y)));
        Ok(found.into_iter().map(|(_, m)| m).collect())
    }

    /// Every pair of indexed documents that are exact or near-duplicates, ordered by the
    /// [`DocId`]s of the pair (lower first). Candidates come from the band tables and from equal
    /// normalised texts, and are verified in parallel.
    pub fn duplicates(&self) -> Vec<Match> {
        let mut pairs = self.lsh.candidate_pairs();
        for ids in self.by_text.values() {
            for (i, &a) in ids.iter().enumerate() {
                pairs.extend(ids[i + 1..].iter().map(|&b| (a, b)));
            }
        }
        pairs.par_sort_unstable();
        pairs.dedup();
        pairs
            .par_iter()
            .filter_map(|&(a, b)| {
                let side = |id: DocId| (&self.docs[id.as_usize()], &self.profiles[id.as_usize()]);
                self.check(side(a), side(b))
            })
            .collect()
    }

    /// Normalises, shingles and signs one text.
    fn profile(&self, text: &str) -> Profile {
        let tokens = normalize::tokens(text);
        let hashes = shingle::hashes(&tokens, self.config.shingle_size);
        let set = shingle::set(&hashes);
        let signature = self.hasher.signature(&set);
        Profile {
            text_hash: shingle::text_hash(&tokens),
            set,
            signature,
        }
    }

    /// Verifies a candidate pair: `Some` match if the normalised texts are equal or the exact
    /// Jaccard reaches the threshold.
    fn check(&self, a: (&Document, &Profile), b: (&Document, &Profile)) -> Option<Match> {
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
        let found = Match {
            kind,
            direction: Direction::Unknown,
            a: doc_a.id.clone(),
            b: doc_b.id.clone(),
            estimated_jaccard: pa.signature.jaccard(&pb.signature),
            jaccard: scores.jaccard,
            containment_a: scores.containment_a,
            containment_b: scores.containment_b,
            passages: self.passages(&doc_a.text, &doc_b.text),
        };
        Some(match (doc_a.published, doc_b.published) {
            (Some(ta), Some(tb)) if ta < tb => found.with_direction(Direction::Timestamp),
            (Some(ta), Some(tb)) if tb < ta => found.swapped().with_direction(Direction::Timestamp),
            _ => found,
        })
    }

    /// Shared passages of two texts. Tokens are recomputed here rather than kept, because only
    /// accepted pairs need them.
    fn passages(&self, a: &str, b: &str) -> Vec<Passage> {
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
