//! [`Index`]: documents, their signatures and band tables, and the queries over them.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::config::Config;
use crate::detect::{
    Detector, Exact, MIN_PASSAGE_PAIRS, PASSAGE_BANDS, PASSAGE_ROWS, Profile, Side,
};
use crate::document::{DocId, Document};
use crate::error::{Error, InputProblem, Result};
use crate::lsh::{self, Lsh};
use crate::passage::Passages;
use crate::report::{Direction, Match, NotFlagged};
use crate::rewrite::{self, Stats};
use crate::search::{self, Searched};

/// Passage buckets with more entries than this are skipped: sentences that agree on a band
/// with 30 others share stock phrases or common words, not a source. (At 100 the 100,000
/// generated documents took 97 s instead of 81 s, with the same recall to 1 pair in 9,936.)
const PASSAGE_MAX_BUCKET: usize = 30;
/// Bands of passage keys computed at a time by [`Index::pairs`].
const KEY_GROUP: usize = 8;
/// Bytes of colliding sentence pairs that [`Index::pairs`] holds at once, at most
/// (about): beyond it the sentence join runs in several passes (see `owner_slices`). At
/// 16 bytes a pair, 2 GiB is 134 million pairs; the 100,000 generated articles make 52
/// million, the 100,000 bench articles 4.4 million.
const JOIN_BUDGET: usize = 2 << 30;
/// Sentence entries per part of the colliding pairs (see [`Index::colliding_sentences`]).
const ENTRIES_PER_PART: usize = 2048;

/// A set of documents, searchable for exact duplicates, near-duplicates and rewrites.
///
/// The index owns the hashers and band tables its [`Config`] builds, so a signature can never
/// meet band tables made with other parameters. Each document is normalised, shingled and
/// signed on insertion, and split into sentences, whose band keys over their content words
/// are passage keys. A candidate pair from the document tables (or from equal normalised
/// texts) is verified with exact Jaccard on the shingle sets; a pair whose sentences share
/// passage keys is verified by aligning the two documents' sentences (see [`rewrite`]). An
/// accepted pair gets its shared passages. [`Index::pairs`] finds sentences that share
/// keys by sorting each band's keys; passage band tables are built only for
/// [`Index::query`], on its first call.
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
/// let found = index.pairs();
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
    /// The config, its hashers, and the checks of documents and pairs.
    detector: Detector,
    lsh: Lsh,
    /// Band tables of sentences (entries are indexes into `passage_entries`), built on the
    /// first [`Index::query`]: [`Index::pairs`] joins the bands by sorting instead.
    passage_lsh: OnceLock<Lsh>,
    /// The document and sentence (index into its profile's passages) of each passage entry.
    passage_entries: Vec<(DocId, u32)>,
    stats: Stats,
    docs: Vec<Document>,
    profiles: Vec<Profile>,
    ids: HashMap<String, DocId, ahash::RandomState>,
    by_text: HashMap<u64, Vec<DocId>, ahash::RandomState>,
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
            detector: Detector::new(config),
            lsh: Lsh::new(bands, rows),
            passage_lsh: OnceLock::new(),
            passage_entries: Vec::new(),
            stats: Stats::new(),
            docs: Vec::new(),
            profiles: Vec::new(),
            ids: HashMap::default(),
            by_text: HashMap::default(),
        })
    }

    /// The config the index was built with.
    pub fn config(&self) -> &Config {
        &self.detector.config
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
        self.insert_batch_with_progress(docs, &|| {})
    }

    /// As [`Index::insert_batch`], calling `progress` (from any thread) once per document
    /// analysed, so a caller can show progress through one large batch.
    ///
    /// # Errors
    ///
    /// As [`Index::insert_batch`].
    pub fn insert_batch_with_progress(
        &mut self,
        docs: Vec<Document>,
        progress: &(dyn Fn() + Sync),
    ) -> Result<Vec<DocId>> {
        let mut seen = HashSet::with_capacity_and_hasher(docs.len(), ahash::RandomState::new());
        for doc in &docs {
            if self.ids.contains_key(&doc.id) || !seen.insert(doc.id.as_str()) {
                let problem = InputProblem::DuplicateId {
                    id: doc.id.clone(),
                    line: None,
                    earlier: None,
                };
                return Err(Error::input(&doc.id, problem));
            }
        }
        let first = self.docs.len();
        let last = first + docs.len();
        assert!(
            u32::try_from(last).is_ok(),
            "an index holds at most u32::MAX documents"
        );
        // Each document's profile, band keys and sentences with content words (the passage
        // entries), found in parallel while its profile is in cache.
        type Analysed = (Profile, Vec<u64>, Vec<u32>);
        let analysed: Vec<Analysed> = docs
            .par_iter()
            .map(|d| {
                let profile = self.detector.profile(&d.text);
                let keys = self.lsh.keys(&profile.signature);
                let content = (0..profile.passages.len() as u32)
                    .filter(|&i| profile.passages.get(i as usize).content().next().is_some())
                    .collect();
                progress();
                (profile, keys, content)
            })
            .collect();
        let counted: Vec<&Passages> = analysed.iter().map(|(p, _, _)| &p.passages).collect();
        self.stats.add_batch(&counted);
        drop(counted);
        let mut ids = Vec::with_capacity(docs.len());
        let mut band_rows = Vec::with_capacity(docs.len());
        let first_entry = self.passage_entries.len();
        for (offset, (doc, (profile, keys, content))) in docs.iter().zip(analysed).enumerate() {
            let id = DocId((first + offset) as u32);
            ids.push(id);
            self.ids.insert(doc.id.clone(), id);
            if !profile.is_empty() {
                self.by_text.entry(profile.text_hash).or_default().push(id);
                band_rows.push((id, keys));
                self.passage_entries
                    .extend(content.into_iter().map(|sentence| (id, sentence)));
            }
            self.profiles.push(profile);
        }
        self.lsh.insert_batch(&band_rows);
        let entries = first_entry..self.passage_entries.len();
        let rows = self.passage_lsh.get().map(|_| self.entry_rows(entries));
        if let (Some(tables), Some(rows)) = (self.passage_lsh.get_mut(), rows) {
            tables.insert_batch(&rows);
        }
        self.docs.extend(docs);
        Ok(ids)
    }

    /// The indexed documents that are exact duplicates, near-duplicates or rewrites of `doc`,
    /// best first: duplicates by Jaccard, then rewrites by coverage (ties by the documents'
    /// ids). `doc` itself need not be, and is not added, in the index. In each [`Match`], `a`
    /// is the indexed document and `b` the probe, unless the direction says otherwise.
    ///
    /// # Errors
    ///
    /// None yet; the `Result` leaves room for indexes that live on disk.
    pub fn query(&self, doc: &Document) -> Result<Vec<Match>> {
        let probe = self.detector.profile(&doc.text);
        let counted = self.find(&doc.id).is_some();
        search::query(&self.detector, self, doc, &probe, &|_| false, counted)
    }

    /// Every flagged pair of indexed documents: exact duplicates, near-duplicates and
    /// rewrites (each [`Match::kind`] says which), ordered by the [`DocId`]s of the pair
    /// (lower first). Duplicate candidates come from the document tables and from equal
    /// normalised texts; rewrite candidates, for pairs that are not duplicates, from
    /// sentences that share passage keys (see [`lsh::band_collisions`]). All are verified in
    /// parallel.
    pub fn pairs(&self) -> Vec<Match> {
        self.pairs_in_slices(None, &|_, _, _| {})
    }

    /// The old name of [`Index::pairs`], which returns rewrites too, not only duplicates.
    #[deprecated(since = "0.1.0", note = "renamed to `pairs`: it returns rewrites too")]
    pub fn duplicates(&self) -> Vec<Match> {
        self.pairs()
    }

    /// As [`Index::pairs`] (the same matches), calling `progress(stage, done, total)`
    /// (from any thread) as the work of each [`Stage`] gets done, so a caller can show a
    /// count and an estimate of the time left. Each stage it runs is told first with `done`
    /// 0 and last with `done == total`; in between, calls from different threads may arrive
    /// slightly out of order. Stages run in the order of [`Stage`]; without rewrites (see
    /// [`Config::rewrites`]) only [`Stage::Duplicates`] runs.
    pub fn pairs_with_progress(
        &self,
        progress: &(dyn Fn(Stage, usize, usize) + Sync),
    ) -> Vec<Match> {
        self.pairs_in_slices(None, progress)
    }

    /// [`Index::pairs_with_progress`], with the sentence join done in `slices` passes
    /// (by default as many as [`JOIN_BUDGET`] requires; see [`Index::owner_slices`]).
    fn pairs_in_slices(
        &self,
        slices: Option<usize>,
        progress: &(dyn Fn(Stage, usize, usize) + Sync),
    ) -> Vec<Match> {
        let side = |id: DocId| self.side(id);
        let mut pairs = self.lsh.candidate_pairs();
        for ids in self.by_text.values() {
            for (i, &a) in ids.iter().enumerate() {
                pairs.extend(ids[i + 1..].iter().map(|&b| (a, b)));
            }
        }
        pairs.par_sort_unstable();
        pairs.dedup();
        let worth = |&(a, b): &(DocId, DocId)| self.detector.worth_verifying(side(a).1, side(b).1);
        let pairs: Vec<(DocId, DocId)> = pairs.into_par_iter().filter(worth).collect();
        let tally = Tally::new(Stage::Duplicates, pairs.len(), progress);
        let mut found = self.verify_duplicates(&pairs, &tally);
        tally.finish();
        found.par_sort_unstable_by_key(|(pair, _)| *pair);
        if !self.detector.config.rewrites {
            return found.into_iter().map(|(_, m)| m).collect();
        }
        let duplicates: HashSet<(DocId, DocId)> = found.iter().map(|(pair, _)| *pair).collect();
        // Boilerplate sentences never count as copying (see `rewrite`), so they make no
        // candidates either: that keeps sentences shared by many documents from making
        // candidate pairs grow with the square of their document count.
        let boilerplate = self.detector.boilerplate(&self.stats, None);
        let is_boilerplate: Vec<bool> = (0..self.passage_entries.len())
            .into_par_iter()
            .map(|entry| boilerplate.is(self.entry_print(DocId(entry as u32))))
            .collect();
        let kept: Vec<DocId> = (0..self.passage_entries.len() as u32)
            .map(DocId)
            .filter(|e| !is_boilerplate[e.as_usize()])
            .collect();
        // Each document is weighed once, not once per pair; after the first join, whose
        // pairs are the larger part of the memory.
        let weigh_all = || -> Vec<rewrite::WeightedPassages> {
            let weigh = |p: &Profile| self.detector.weigh(&p.passages, &boilerplate);
            self.profiles.par_iter().map(weigh).collect()
        };
        let mut weighted = Vec::new();
        // Slices of first documents are in increasing order, so candidates stay sorted.
        let mut rewrites: Vec<(DocId, DocId)> = Vec::new();
        let slices = self.owner_slices(&kept, slices);
        let tally = Tally::new(Stage::Sentences, slices.len() * PASSAGE_BANDS, progress);
        for first in slices {
            let hits = self.colliding_sentences(&kept, &first, &tally);
            if weighted.is_empty() {
                weighted = weigh_all();
            }
            let sentence = |entry: DocId| {
                let (doc, i) = self.passage_entries[entry.as_usize()];
                weighted[doc.as_usize()].get(i as usize)
            };
            // Parts are in document order, and a document pair's run lies in one part: the
            // pairs of one document pair share the high half of their order.
            let of_part = |part: &Vec<u128>| -> Vec<(DocId, DocId)> {
                part.chunk_by(|x, y| x >> 64 == y >> 64)
                    .map(|run| (lsh::pair_of_order(run[0]).0, run))
                    // A run too short to qualify needs no similarity computed.
                    .filter(|(docs, run)| {
                        run.len() >= MIN_PASSAGE_PAIRS && !duplicates.contains(docs)
                    })
                    .filter(|(_, run)| {
                        let similar = run.iter().map(|&order| {
                            let (ea, eb) = lsh::pair_of_order(order).1;
                            (sentence(ea), sentence(eb))
                        });
                        self.detector.enough_similar(similar)
                    })
                    .map(|(docs, _)| docs)
                    .collect()
            };
            let found: Vec<Vec<(DocId, DocId)>> = hits.par_iter().map(of_part).collect();
            rewrites.extend(found.into_iter().flatten());
        }
        tally.finish();
        // Pairs come sorted, so pairs sharing a first document are adjacent: its passages
        // are indexed for alignment once per run.
        let runs: Vec<&[(DocId, DocId)]> = rewrites.chunk_by(|x, y| x.0 == y.0).collect();
        let tally = Tally::new(Stage::Rewrites, rewrites.len(), progress);
        let aligned: Vec<((DocId, DocId), crate::detect::Judged)> = runs
            .par_iter()
            .flat_map_iter(|run| {
                let a = run[0].0;
                let aligner = rewrite::Aligner::new(&weighted[a.as_usize()]);
                // The same ranges of `a`'s sentences recur from pair to pair of its run.
                let memo = crate::reuse::Memo::new(&side(a).1.passages);
                let found = run
                    .iter()
                    .enumerate()
                    .filter_map(|(k, &(_, b))| {
                        if let Some(&(_, next)) = run.get(k + 1) {
                            weighted[next.as_usize()].prefetch();
                            crate::detect::prefetch_side(side(next));
                        }
                        let wb = &weighted[b.as_usize()];
                        let alignment = self.detector.check_rewrite(
                            side(a),
                            side(b),
                            &aligner,
                            wb,
                            Some(&memo),
                        )?;
                        Some(((a, b), alignment))
                    })
                    .collect::<Vec<_>>();
                tally.add(run.len());
                found
            })
            .collect();
        tally.finish();
        drop(weighted);
        // The scores a rewrite record carries need both shingle sets: derived once per
        // document (rewrites tend to share documents: on the 100,000-article bench corpus,
        // 152,000 rewrites involve 27,000 documents).
        let mut involved: Vec<DocId> = aligned.iter().flat_map(|((a, b), _)| [*a, *b]).collect();
        involved.par_sort_unstable();
        involved.dedup();
        let sets: Vec<Vec<u64>> = involved
            .par_iter()
            .map(|&d| self.detector.shingle_set(&side(d).0.text))
            .collect();
        let set = |d: DocId| &sets[involved.binary_search(&d).expect("involved")];
        // Each verdict is moved into its match, and what is left of it freed, in parallel.
        let rewritten: Vec<((DocId, DocId), Match)> = aligned
            .into_par_iter()
            .map(|((a, b), alignment)| {
                let found =
                    self.detector
                        .rewrite_match(side(a), side(b), alignment, set(a), set(b));
                ((a, b), found)
            })
            .collect();
        by_pair(found, rewritten)
    }

    /// Verifies duplicate candidates. Pairs are grouped into connected components, and each
    /// component's documents have their exact shingles derived once; a component larger
    /// than [`CACHED_DOCS`] (a big group of copies) is verified run by run instead (pairs
    /// sharing their first document), so memory stays bounded.
    fn verify_duplicates(
        &self,
        pairs: &[(DocId, DocId)],
        tally: &Tally,
    ) -> Vec<((DocId, DocId), Match)> {
        let check = |(a, ea): (DocId, &Exact), (b, eb): (DocId, &Exact)| {
            self.detector
                .check_duplicate((self.side(a), ea), (self.side(b), eb))
                .map(|m| ((a, b), m))
        };
        components(pairs)
            .par_iter()
            .flat_map_iter(|pairs| {
                let mut docs: Vec<DocId> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
                docs.sort_unstable();
                docs.dedup();
                if docs.len() <= CACHED_DOCS {
                    let exact: Vec<Exact> = docs
                        .iter()
                        .map(|&d| self.detector.exact(&self.side(d).0.text))
                        .collect();
                    let of = |d: DocId| &exact[docs.binary_search(&d).expect("in component")];
                    let found = pairs
                        .iter()
                        .filter_map(|&(a, b)| check((a, of(a)), (b, of(b))))
                        .collect::<Vec<_>>();
                    tally.add(pairs.len());
                    found
                } else {
                    let mut sorted = pairs.clone();
                    sorted.sort_unstable();
                    let runs: Vec<&[(DocId, DocId)]> = sorted.chunk_by(|x, y| x.0 == y.0).collect();
                    runs.par_iter()
                        .flat_map_iter(|run| {
                            let ea = self.detector.exact(&self.side(run[0].0).0.text);
                            let found = run
                                .iter()
                                .filter_map(|&(a, b)| {
                                    let eb = self.detector.exact(&self.side(b).0.text);
                                    check((a, &ea), (b, &eb))
                                })
                                .collect::<Vec<_>>();
                            tally.add(run.len());
                            found
                        })
                        .collect()
                }
            })
            .collect()
    }

    /// Compares two indexed documents directly, without LSH: the match they are flagged as, or,
    /// when they are not flagged, the rewrite evidence that fell short of the thresholds (its
    /// aligned passages and coverage; direction [`Direction::Unknown`], `a` and `b` as given;
    /// [`Comparison::not_flagged`] says why). `None` if an id is not in the index.
    ///
    /// # Example
    ///
    /// ```
    /// use neardup::{Config, DocId, Document, Index};
    ///
    /// let mut index = Index::new(Config::default())?;
    /// index.insert_batch(vec![
    ///     Document::new("a", "The minister resigned on Monday after a long row over expenses."),
    ///     Document::new("b", "Heavy snow closed schools across the whole region for a week."),
    /// ])?;
    /// let c = index.compare(DocId(0), DocId(1)).unwrap();
    /// assert!(!c.flagged);
    /// assert!(c.found.passages.is_empty() && c.found.reused.is_empty());
    /// assert_eq!(c.not_flagged(index.config()).unwrap().reason, "no-passages");
    /// # Ok::<(), neardup::Error>(())
    /// ```
    pub fn compare(&self, a: DocId, b: DocId) -> Option<Comparison> {
        if a.as_usize() >= self.len() || b.as_usize() >= self.len() {
            return None;
        }
        let (sa, sb) = (self.side(a), self.side(b));
        let (ea, eb) = (
            self.detector.exact(&sa.0.text),
            self.detector.exact(&sb.0.text),
        );
        if let Some(found) = self.detector.check_duplicate((sa, &ea), (sb, &eb)) {
            return Some(Comparison {
                flagged: true,
                found,
                features: None,
            });
        }
        let boilerplate = self.detector.boilerplate(&self.stats, None);
        let (wa, wb) = (
            self.detector.weigh(&sa.1.passages, &boilerplate),
            self.detector.weigh(&sb.1.passages, &boilerplate),
        );
        let alignment = rewrite::align(&wa, &wb, self.detector.config.passage_threshold);
        let judged = self.detector.judge(sa, sb, (&wa, &wb), alignment, None);
        let (flagged, features) = (judged.flagged, judged.features);
        let mut found = self
            .detector
            .rewrite_match(sa, sb, judged, &ea.set, &eb.set);
        if !flagged {
            // A pair not flagged has no source: `a` and `b` stay as given.
            if found.a != sa.0.id {
                found = found.swapped();
            }
            found = found.with_direction(Direction::Unknown);
        }
        Some(Comparison {
            flagged,
            found,
            features: Some(features),
        })
    }

    /// The document and profile with this id (which must be in the index).
    fn side(&self, id: DocId) -> Side<'_> {
        (&self.docs[id.as_usize()], &self.profiles[id.as_usize()])
    }

    /// The terms of the sentence of a passage entry.
    fn entry_terms(&self, entry: DocId) -> &[crate::passage::Term] {
        let (doc, i) = self.passage_entries[entry.as_usize()];
        self.profiles[doc.as_usize()].passages.terms_of(i as usize)
    }

    /// The table rows (entry and keys) of some passage entries.
    fn entry_rows(&self, entries: Range<usize>) -> Vec<(DocId, Vec<u64>)> {
        entries
            .into_par_iter()
            .map_init(
                || (Vec::new(), Vec::new()),
                |buffers, e| {
                    let entry = DocId(e as u32);
                    (
                        entry,
                        self.detector.all_keys(self.entry_terms(entry), buffers),
                    )
                },
            )
            .collect()
    }

    /// The passage tables, built from every entry on first use.
    fn passage_tables(&self) -> &Lsh {
        self.passage_lsh.get_or_init(|| {
            let mut tables = Lsh::with_max_bucket(PASSAGE_BANDS, PASSAGE_ROWS, PASSAGE_MAX_BUCKET);
            tables.insert_batch(&self.entry_rows(0..self.passage_entries.len()));
            tables
        })
    }

    /// Ranges of first documents (the lower [`DocId`] of a pair) for which to join the
    /// sentence bands in turn, so that the colliding pairs held at once stay within
    /// [`JOIN_BUDGET`]: `slices` of them if given, else as many as the pairs of one band,
    /// counted and multiplied by the number of bands, require. A document's pairs are
    /// mostly with later documents, so earlier first documents weigh more: range `k` of `K`
    /// ends where `1 - (1 - x)^2 = k / K`, `x` being the share of documents before it.
    fn owner_slices(&self, entries: &[DocId], slices: Option<usize>) -> Vec<Range<u32>> {
        let docs = self.docs.len() as u32;
        let count = slices.unwrap_or_else(|| {
            let mut keys = vec![0; entries.len()];
            keys.par_iter_mut().zip(entries).for_each_init(
                || (Vec::new(), Vec::new()),
                |buffers, (key, &entry)| {
                    let out = std::slice::from_mut(key);
                    self.detector
                        .sentence_keys(self.entry_terms(entry), 0..1, out, buffers);
                },
            );
            keys.par_sort_unstable();
            let pairs: usize = keys
                .chunk_by(|x, y| x == y)
                .filter(|run| run.len() >= 2 && run.len() <= PASSAGE_MAX_BUCKET)
                .map(|run| run.len() * (run.len() - 1) / 2)
                .sum();
            let bytes = pairs * PASSAGE_BANDS * std::mem::size_of::<lsh::EntryPair>();
            bytes.div_ceil(JOIN_BUDGET).max(1)
        });
        let end = |k: usize| {
            let x = 1.0 - (1.0 - k as f64 / count as f64).sqrt();
            ((x * f64::from(docs)).round() as u32).min(docs)
        };
        (0..count)
            .map(|k| end(k)..if k + 1 == count { docs } else { end(k + 1) })
            .filter(|range| !range.is_empty())
            .collect()
    }

    /// Every pair of `entries` of distinct documents whose sentences share a passage bucket,
    /// as [`Lsh::owner_entry_pairs`] gives them for tables holding only those entries, but
    /// found by sorting each band's keys ([`lsh::band_collisions`]): no table is built, and
    /// only [`KEY_GROUP`] bands' keys are held at a time. The pairs come as their
    /// [`lsh::pair_order`], sorted, in parts (ranges of first documents, in order): each
    /// band's pairs are scattered into the parts, and each part, small enough to stay in
    /// cache, is sorted and cleared of pairs that collide in several bands on its own.
    fn colliding_sentences(
        &self,
        entries: &[DocId],
        first: &Range<u32>,
        tally: &Tally,
    ) -> Vec<Vec<u128>> {
        let owner = |entry: DocId| self.passage_entries[entry.as_usize()].0;
        let keep = |doc: DocId| first.contains(&doc.0);
        // About 20 pairs an entry (14 on the bench corpus, 25 on the generated one): parts
        // of about 40,000 pairs, 640 KB.
        let parts = (entries.len() / ENTRIES_PER_PART).clamp(1, 1 << 16);
        let span = first.len().max(1);
        let part = |p: &lsh::EntryPair| (p.0.0.0 - first.start) as usize * parts / span;
        let mut hits = vec![Vec::new(); parts];
        // One buffer of keys for every group of bands, and scratch buffers per task.
        let mut keys = vec![0u64; entries.len() * KEY_GROUP];
        for start in (0..PASSAGE_BANDS).step_by(KEY_GROUP) {
            let bands = start..(start + KEY_GROUP).min(PASSAGE_BANDS);
            let width = bands.len();
            let keys = &mut keys[..entries.len() * width];
            keys.par_chunks_mut(width).zip(entries).for_each_init(
                || (Vec::new(), Vec::new()),
                |buffers, (out, &entry)| {
                    self.detector.sentence_keys(
                        self.entry_terms(entry),
                        bands.clone(),
                        out,
                        buffers,
                    );
                },
            );
            let keys = &*keys;
            // Each band's pairs, grouped by part.
            let found: Vec<(Vec<usize>, Vec<lsh::EntryPair>)> = (0..width)
                .into_par_iter()
                .map_init(
                    || (Vec::new(), Vec::new(), Vec::new()),
                    |(keyed, sorted, pairs), band| {
                        keyed.clear();
                        let of_band = keys.iter().skip(band).step_by(width);
                        let with_owner = |(&key, &e): (&u64, &DocId)| (key, owner(e), e);
                        keyed.extend(of_band.zip(entries).map(with_owner));
                        pairs.clear();
                        lsh::band_collisions(keyed, sorted, PASSAGE_MAX_BUCKET, &keep, pairs);
                        let mut grouped = Vec::new();
                        let starts = lsh::partition(pairs, parts, part, &mut grouped);
                        (starts, grouped)
                    },
                )
                .collect();
            hits.par_iter_mut().enumerate().for_each(|(p, held)| {
                // The new pairs are sorted alone and merged into those held, which are.
                // Sorted as numbers (see `lsh::pair_order`): plain comparisons, no key to
                // compute for each one.
                let mut new: Vec<u128> = Vec::new();
                for (starts, pairs) in &found {
                    new.extend(pairs[starts[p]..starts[p + 1]].iter().map(lsh::pair_order));
                }
                new.sort_unstable();
                new.dedup();
                *held = lsh::merged(std::mem::take(held), new);
            });
            tally.add(width);
        }
        hits
    }
}

/// The matches of two lists, each of distinct pairs, the pairs of one not in the other, in
/// the order of their pairs. Both come sorted (duplicates sorted, rewrites aligned in pair
/// order), so they are merged, not sorted again: a match is a few hundred bytes to move.
fn by_pair(mut x: Vec<((DocId, DocId), Match)>, mut y: Vec<((DocId, DocId), Match)>) -> Vec<Match> {
    for list in [&mut x, &mut y] {
        if !list.is_sorted_by_key(|(pair, _)| *pair) {
            list.par_sort_unstable_by_key(|(pair, _)| *pair);
        }
    }
    let mut out = Vec::with_capacity(x.len() + y.len());
    let (mut x, mut y) = (x.into_iter().peekable(), y.into_iter().peekable());
    loop {
        let next = match (x.peek(), y.peek()) {
            (Some(p), Some(q)) if p.0 <= q.0 => x.next(),
            (Some(_), Some(_)) => y.next(),
            (Some(_), None) => x.next(),
            (None, _) => y.next(),
        };
        match next {
            Some((_, m)) => out.push(m),
            None => return out,
        }
    }
}

/// A stage of the work of [`Index::pairs_with_progress`], with the unit its progress
/// counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stage {
    /// Duplicate candidates (pairs from the document band tables and equal texts) verified
    /// with exact Jaccard; counts candidate pairs.
    Duplicates,
    /// The sentence band join that finds rewrite candidates; counts sentence bands joined
    /// (32 per pass of the join), each including the candidates' first filter.
    Sentences,
    /// Rewrite candidates aligned sentence by sentence; counts candidate pairs.
    Rewrites,
}

impl Stage {
    /// What one step of the stage is: `pairs` or `bands`.
    pub fn unit(self) -> &'static str {
        match self {
            Stage::Duplicates | Stage::Rewrites => "pairs",
            Stage::Sentences => "bands",
        }
    }
}

/// The work done in one stage of [`Index::pairs_with_progress`], told to its callback.
struct Tally<'p> {
    stage: Stage,
    total: usize,
    done: std::sync::atomic::AtomicUsize,
    progress: &'p (dyn Fn(Stage, usize, usize) + Sync),
}

impl<'p> Tally<'p> {
    /// Starts the stage: tells `progress` that none of `total` is done.
    fn new(stage: Stage, total: usize, progress: &'p (dyn Fn(Stage, usize, usize) + Sync)) -> Self {
        progress(stage, 0, total);
        Tally {
            stage,
            total,
            done: std::sync::atomic::AtomicUsize::new(0),
            progress,
        }
    }

    /// `n` more steps done.
    fn add(&self, n: usize) {
        use std::sync::atomic::Ordering;
        let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
        (self.progress)(self.stage, done.min(self.total), self.total);
    }

    /// Ends the stage: tells `progress` that all is done.
    fn finish(self) {
        (self.progress)(self.stage, self.total, self.total);
    }
}

/// Components of more documents than this are verified without caching every document's
/// exact shingles (about 16 bytes per shingle each).
const CACHED_DOCS: usize = 256;

/// The connected components of the graph whose edges are `pairs`, each as its pairs; in a
/// deterministic order (by smallest document, then pair). Cost: near-linear (union-find).
fn components(pairs: &[(DocId, DocId)]) -> Vec<Vec<(DocId, DocId)>> {
    let mut parent: HashMap<DocId, DocId, ahash::RandomState> = HashMap::default();
    fn root(parent: &mut HashMap<DocId, DocId, ahash::RandomState>, x: DocId) -> DocId {
        let mut r = x;
        while let Some(&p) = parent.get(&r).filter(|&&p| p != r) {
            r = p;
        }
        // Path compression: point everything on the way straight at the root.
        let mut at = x;
        while at != r {
            let next = parent[&at];
            parent.insert(at, r);
            at = next;
        }
        r
    }
    for &(a, b) in pairs {
        parent.entry(a).or_insert(a);
        parent.entry(b).or_insert(b);
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            // The smaller id becomes the root, so roots are each component's smallest document.
            let (lo, hi) = (ra.min(rb), ra.max(rb));
            parent.insert(hi, lo);
        }
    }
    let mut keyed: Vec<(DocId, (DocId, DocId))> = pairs
        .iter()
        .map(|&(a, b)| (root(&mut parent, a), (a, b)))
        .collect();
    keyed.sort_unstable();
    keyed
        .chunk_by(|x, y| x.0 == y.0)
        .map(|run| run.iter().map(|&(_, pair)| pair).collect())
        .collect()
}

/// Two documents compared directly (see [`Index::compare`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// Whether the pair is flagged (as `found.kind`).
    pub flagged: bool,
    /// The match, or for a pair not flagged its rewrite evidence (kind
    /// [`Kind::Rewrite`](crate::Kind::Rewrite) or [`Kind::PartialCopy`](crate::Kind::PartialCopy)).
    pub found: Match,
    /// The signals the [verdict](crate::verdict) read, for a pair that is not a duplicate.
    pub features: Option<crate::verdict::Features>,
}

impl Comparison {
    /// Why the pair was not flagged under `config` (the config of the index that compared
    /// it), with its evidence; `None` if it was flagged.
    pub fn not_flagged(&self, config: &Config) -> Option<NotFlagged> {
        (!self.flagged).then(|| NotFlagged::new(self.found.clone(), config))
    }
}

impl Searched for Index {
    fn stats(&self) -> &Stats {
        &self.stats
    }

    fn candidates(&self, probe: &Profile) -> Vec<DocId> {
        let keys = self.lsh.keys(&probe.signature);
        search::doc_candidates(self.lsh.hits(&keys), self.by_text.get(&probe.text_hash))
    }

    fn passage_hits(&self, keys: &[u64]) -> Vec<DocId> {
        self.passage_tables().hits(keys).collect()
    }

    fn entry(&self, entry: DocId) -> (DocId, u32) {
        self.passage_entries[entry.as_usize()]
    }

    fn entry_print(&self, entry: DocId) -> u64 {
        let (doc, i) = self.passage_entries[entry.as_usize()];
        self.profiles[doc.as_usize()]
            .passages
            .fingerprint_of(i as usize)
    }

    fn with_side<R>(&self, id: DocId, f: impl FnOnce(Side) -> R) -> Result<R> {
        Ok(f(self.side(id)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Timestamp;
    use crate::report::Kind;

    const BASE: &str = "The city council voted on Tuesday to approve a new budget that raises \
        spending on schools and roads while cutting the parks department by a tenth, after a \
        debate that ran late into the night and drew hundreds of residents to the hall.";

    #[test]
    fn components_group_connected_pairs() {
        let d = DocId;
        let pairs = [
            (d(5), d(9)),
            (d(1), d(2)),
            (d(2), d(7)),
            (d(3), d(4)),
            (d(7), d(9)),
        ];
        let got = components(&pairs);
        assert_eq!(
            got,
            [
                vec![(d(1), d(2)), (d(2), d(7)), (d(5), d(9)), (d(7), d(9))],
                vec![(d(3), d(4))],
            ]
        );
    }

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
        assert!(index.pairs().is_empty());
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
        let found = index.pairs();
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

    /// The passage tables are built on the first query and kept up to date by later inserts:
    /// a rewrite inserted after the first query is found by the next.
    #[test]
    fn rewrites_inserted_after_a_query_are_found() {
        let source = include_str!("../corpus/seeds/000_080705039001ce5b.txt");
        let rewrite = include_str!("../corpus/seeds/001_a7725bf3c94c141c.txt");
        let other = include_str!("../corpus/seeds/003_af523ab8388c771a.txt");
        let mut index = Index::new(Config::default()).unwrap();
        index.insert(Document::new("other", other)).unwrap();
        assert!(
            index
                .query(&Document::new("probe", rewrite))
                .unwrap()
                .is_empty()
        );
        index.insert(Document::new("source", source)).unwrap();
        let hits = index.query(&Document::new("probe", rewrite)).unwrap();
        let got: Vec<(&str, Kind)> = hits.iter().map(|m| (m.a.as_str(), m.kind)).collect();
        assert_eq!(got, [("source", Kind::Rewrite)]);
    }

    /// Issue 12, point 6: each stage's progress starts at 0 and ends at its total, never
    /// passes it, and the stages come in order; the matches are those of `duplicates`.
    #[test]
    fn r12_progress_ends_at_the_total_of_each_stage() {
        let seeds = [
            include_str!("../corpus/seeds/000_080705039001ce5b.txt"),
            include_str!("../corpus/seeds/001_a7725bf3c94c141c.txt"),
            include_str!("../corpus/seeds/003_af523ab8388c771a.txt"),
        ];
        let mut docs: Vec<Document> = seeds
            .iter()
            .enumerate()
            .map(|(i, t)| Document::new(format!("seed{i}"), *t))
            .collect();
        docs.push(Document::new("copy", seeds[2].replace("Putin", "Mr Putin")));
        let mut index = Index::new(Config::default()).unwrap();
        index.insert_batch(docs).unwrap();
        let calls = std::sync::Mutex::new(Vec::new());
        let found = index.pairs_with_progress(&|stage, done, total| {
            calls.lock().unwrap().push((stage, done, total));
        });
        assert_eq!(found, index.pairs());
        let kinds: Vec<Kind> = found.iter().map(|m| m.kind).collect();
        assert_eq!(kinds, [Kind::Rewrite, Kind::NearDuplicate], "{found:?}");
        let calls = calls.into_inner().unwrap();
        let mut stages: Vec<Stage> = calls.iter().map(|c| c.0).collect();
        stages.dedup();
        assert_eq!(
            stages,
            [Stage::Duplicates, Stage::Sentences, Stage::Rewrites]
        );
        for stage in stages {
            let of: Vec<(usize, usize)> = calls
                .iter()
                .filter(|c| c.0 == stage)
                .map(|c| (c.1, c.2))
                .collect();
            let total = of[0].1;
            assert!(total > 0, "{stage:?}: nothing to count");
            assert_eq!(of[0], (0, total), "{stage:?}");
            assert_eq!(of[of.len() - 1], (total, total), "{stage:?}");
            assert!(
                of.iter().all(|&(d, t)| t == total && d <= t),
                "{stage:?}: {of:?}"
            );
        }
    }

    /// Joining the sentence bands a slice of first documents at a time finds what one pass
    /// finds: documents that take half their sentences from one seed and half from another
    /// are rewrites of both, with first documents spread over every slice.
    #[test]
    fn a_sliced_sentence_join_finds_the_same_rewrites() {
        let seeds = [
            include_str!("../corpus/seeds/000_080705039001ce5b.txt"),
            include_str!("../corpus/seeds/001_a7725bf3c94c141c.txt"),
            include_str!("../corpus/seeds/002_021de7b4a7839b67.txt"),
            include_str!("../corpus/seeds/003_af523ab8388c771a.txt"),
            include_str!("../corpus/seeds/004_5b6309538b30ade7.txt"),
        ];
        let half = |text: &str, second: bool| -> String {
            let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            let (a, b) = lines.split_at(lines.len() / 2);
            (if second { b } else { a }).join("\n")
        };
        let mut docs: Vec<Document> = seeds
            .iter()
            .enumerate()
            .map(|(i, t)| Document::new(format!("seed{i}"), *t))
            .collect();
        for (i, (x, y)) in [(0, 2), (2, 3), (3, 4), (0, 4)].into_iter().enumerate() {
            let text = format!("{}\n{}", half(seeds[x], false), half(seeds[y], true));
            docs.push(Document::new(format!("mix{i}"), text));
        }
        let mut index = Index::new(Config::default()).unwrap();
        index.insert_batch(docs).unwrap();
        let one = index.pairs_in_slices(Some(1), &|_, _, _| {});
        let rewrites = one.iter().filter(|m| m.kind == Kind::Rewrite).count();
        assert!(rewrites >= 6, "{rewrites} rewrites: too few to test");
        for slices in [2, 3, 9] {
            assert_eq!(
                index.pairs_in_slices(Some(slices), &|_, _, _| {}),
                one,
                "{slices} slices"
            );
        }
    }
}
