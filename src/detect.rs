//! What every index shares: the analysis of one document (its [`Profile`]) and the checks of
//! one candidate pair, under one [`Config`]. [`Index`](crate::Index) holds documents in
//! memory; an index on disk re-derives the profiles of the candidates it reads back. Both
//! judge a pair with the same code, so they flag the same pairs.

use std::ops::Range;

use crate::align::{self, Passage, Shingled};
use crate::config::Config;
use crate::document::Document;
use crate::lsh;
use crate::minhash::{MinHasher, OnePermutation, Signature};
use crate::normalize::{self, Token};
use crate::passage::{self, Passages};
use crate::report::{Direction, Kind, Match, WHOLE_SHARE};
use crate::reuse::{self, Reused};
use crate::rewrite::{self, Stats};
use crate::semantic;
use crate::shingle;
use crate::verdict::{self, Features};
use crate::verify;

/// Bands and rows of the passage tables: 32 bands of 3 rows over the content words of each
/// sentence, so two sentences whose content-word Jaccard is 0.3 become candidates with
/// probability 0.58, at 0.4 with 0.88, at 0.1 (a shared topic word) with only 0.03. The
/// alignment of a candidate pair then compares every sentence with every other, so a rewrite
/// needs only one of its sentences to collide.
pub(crate) const PASSAGE_BANDS: usize = 32;
pub(crate) const PASSAGE_ROWS: usize = 3;
/// A document pair is a rewrite candidate when at least this many distinct pairs of their
/// sentences (neither boilerplate) share a bucket in some band, and at least one of them is
/// similar enough to align (weighted similarity at least
/// [`Config::passage_threshold`]). A pair with one colliding sentence pair seldom shares a
/// passage worth a flag (one shared sentence scores low, see [`verdict`](crate::verdict));
/// its second aligned pair may be a weak one that the tables missed, so only one need pass
/// the similarity. Counting sentence pairs rather than band
/// collisions matters for shared sentences, which collide in every band; checking a
/// similarity before aligning whole documents matters for large corpora, where sentences
/// that share a few common words collide by the million.
pub(crate) const MIN_PASSAGE_PAIRS: usize = 2;
/// Seed offset of the passage MinHash functions, so they differ from the document ones.
pub(crate) const PASSAGE_SEED: u64 = 0x7061_7373_6167_6573;

/// What the index keeps of one document between insertion and verification: its signature
/// and little else. Shingle sets are not kept (they would outweigh the text); a candidate
/// pair re-derives them from the texts (see [`Exact`]), which costs one tokenising pass.
#[derive(Clone, Debug)]
pub(crate) struct Profile {
    /// Number of shingles (repeats counted); 0 for a document without words.
    pub(crate) shingles: usize,
    pub(crate) signature: Signature,
    /// Hash of the whole normalised token sequence (exact duplicates).
    pub(crate) text_hash: u64,
    /// Sentences with their terms (rewrites).
    pub(crate) passages: Passages,
}

impl Profile {
    /// A document without words matches nothing.
    pub(crate) fn is_empty(&self) -> bool {
        self.shingles == 0
    }

    /// The document's words, from its count of `shingle_size`-word shingles (exact for a
    /// document of at least `shingle_size` words; 0 for one without words).
    pub(crate) fn words(&self, shingle_size: usize) -> usize {
        if self.is_empty() {
            0
        } else {
            self.shingles + shingle_size - 1
        }
    }
}

/// The exact shingle data of one text, derived when one of its candidate pairs is verified.
pub(crate) struct Exact {
    pub(crate) tokens: Vec<Token>,
    /// Shingle hashes in text order.
    pub(crate) shingles: Vec<u64>,
    /// The same, sorted, without repeats.
    pub(crate) set: Vec<u64>,
}

impl Exact {
    pub(crate) fn shingled(&self) -> Shingled<'_> {
        Shingled {
            tokens: &self.tokens,
            shingles: &self.shingles,
        }
    }
}

/// Which passages are boilerplate when a pair is judged: those found in at least
/// [`Config::boilerplate_min_docs`] documents, counting the indexed ones and the probe (when
/// the index has not counted it), so that a probe checked against an index sees the counts a
/// scan of the index and the probe would.
pub(crate) struct Boilerplate<'s> {
    stats: &'s Stats,
    min_docs: u32,
    /// The distinct fingerprints of an uncounted probe, sorted.
    extra: Vec<u64>,
}

impl Boilerplate<'_> {
    /// Whether passages with this fingerprint are boilerplate.
    pub(crate) fn is(&self, fingerprint: u64) -> bool {
        let extra = u32::from(self.extra.binary_search(&fingerprint).is_ok());
        self.stats.documents_with(fingerprint) + extra >= self.min_docs
    }
}

/// The verdict on one pair's alignment (see [`Detector::judge`]).
#[derive(Clone, Debug)]
pub(crate) struct Judged {
    pub(crate) alignment: rewrite::Alignment,
    pub(crate) reused: Vec<Reused>,
    /// Whether both documents are [sentence-sized](is_sentence_sized).
    pub(crate) sentence_sized: bool,
    pub(crate) features: Features,
    pub(crate) score: f64,
    pub(crate) flagged: bool,
}

/// What a rewrite or partial copy adds to a [`Match`] (a duplicate has none of it).
pub(crate) struct Verdict {
    coverage: (f64, f64),
    score: f64,
    reused: Vec<Reused>,
}

impl Judged {
    /// The same verdict with the two documents' roles exchanged.
    fn swapped(self) -> Judged {
        let mut reused: Vec<Reused> = self.reused.into_iter().map(Reused::swapped).collect();
        reused.sort_by_key(|p| (p.a, p.b));
        Judged {
            alignment: self.alignment.swapped(),
            reused,
            ..self
        }
    }
}

/// Documents of at most this many sentences (passages) and fewer than [`SENTENCE_WORDS`]
/// words are sentence-sized: a pair of them is judged by the sentence verifier alone.
pub(crate) const SENTENCE_PASSAGES: usize = 2;
/// See [`SENTENCE_PASSAGES`]: a long news sentence has about 40 words.
pub(crate) const SENTENCE_WORDS: usize = 60;

/// Whether a document of `words` words is a sentence, or two, rather than an article: a pair
/// of such documents (as a paraphrase test set such as MSRP holds) is judged by the
/// [sentence verifier](crate::semantic::sentence_score) on their whole texts, since a
/// sentence cut in two by an abbreviation's full stop is still one sentence to compare.
fn is_sentence_sized(profile: &Profile, words: usize) -> bool {
    !profile.passages.is_empty()
        && profile.passages.len() <= SENTENCE_PASSAGES
        && words < SENTENCE_WORDS
}

/// One indexed (or probe) document and its profile.
pub(crate) type Side<'a> = (&'a Document, &'a Profile);

/// Asks the processor to start loading the first cache line of `data`, so that the next
/// candidate pair's documents, read from all over memory, are on their way while this pair
/// is judged. A hint only: nothing changes but the time.
#[inline]
pub(crate) fn prefetch<T>(data: &[T]) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch reads nothing into the program and never faults, whatever the
    // address; SSE, which it needs, is part of every x86-64 processor.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(data.as_ptr().cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = data;
}

/// [`prefetch`] for what judging a pair reads first of one of its documents.
pub(crate) fn prefetch_side((doc, profile): Side) {
    prefetch(doc.text.as_bytes());
    prefetch(doc.id.as_bytes());
    profile.passages.prefetch();
}

/// The hashers a [`Config`] builds and the checks of one document or pair under it.
#[derive(Clone, Debug)]
pub(crate) struct Detector {
    pub(crate) config: Config,
    hasher: OnePermutation,
    passage_hasher: MinHasher,
}

impl Detector {
    /// The detector of a config (which the caller has validated).
    pub(crate) fn new(config: Config) -> Detector {
        Detector {
            hasher: OnePermutation::new(config.num_hashes, config.seed),
            passage_hasher: MinHasher::new(
                PASSAGE_BANDS * PASSAGE_ROWS,
                config.seed ^ PASSAGE_SEED,
            ),
            config,
        }
    }

    /// Normalises, shingles, signs and splits into passages one text, in one pass over its
    /// words: no token or shingle list is built.
    pub(crate) fn profile(&self, text: &str) -> Profile {
        if self.config.rewrites {
            passage::with_splitter(text, |splitter| {
                let mut profile = self.profile_with(text, |span, word| splitter.word(span, word));
                profile.passages = splitter.finish();
                profile
            })
        } else {
            self.profile_with(text, |_, _| {})
        }
    }

    /// [`Detector::profile`] without passages, every word also given to `also` (a passage
    /// splitter).
    pub(crate) fn profile_with(
        &self,
        text: &str,
        mut also: impl FnMut(crate::document::Span, u64),
    ) -> Profile {
        let mut sketch = self.hasher.sketch();
        let mut roller = shingle::Shingler::new(self.config.shingle_size);
        let mut whole = shingle::TextHasher::default();
        let mut shingles = 0;
        normalize::for_each_word(text, |span, word| {
            whole.push(word);
            if let Some(h) = roller.push(word) {
                sketch.add(h);
                shingles += 1;
            }
            also(span, word);
        });
        if let Some(h) = roller.finish() {
            sketch.add(h);
            shingles += 1;
        }
        Profile {
            text_hash: whole.finish(),
            shingles,
            signature: sketch.finish(),
            passages: Passages::default(),
        }
    }

    /// Which passages are boilerplate under `stats`, with the passages of `uncounted` (a
    /// probe that `stats` has not counted) counted too.
    pub(crate) fn boilerplate<'s>(
        &self,
        stats: &'s Stats,
        uncounted: Option<&Passages>,
    ) -> Boilerplate<'s> {
        let mut extra: Vec<u64> = uncounted
            .into_iter()
            .flat_map(|p| p.iter().map(|s| s.fingerprint()))
            .collect();
        extra.sort_unstable();
        extra.dedup();
        Boilerplate {
            stats,
            min_docs: self.config.boilerplate_min_docs,
            extra,
        }
    }

    /// The passages with their weights, boilerplate marked: those the corpus shows to be
    /// boilerplate, and the furniture that each sentence shows by itself
    /// ([`Passage::is_furniture`](crate::passage::Passage::is_furniture)).
    pub(crate) fn weigh(
        &self,
        passages: &Passages,
        boilerplate: &Boilerplate,
    ) -> rewrite::WeightedPassages {
        rewrite::weigh(passages, |p| {
            p.is_furniture() || boilerplate.is(p.fingerprint())
        })
    }

    /// The passage-table keys of each passage that has content words, with its index.
    pub(crate) fn passage_keys(&self, passages: &Passages) -> Vec<(usize, Vec<u64>)> {
        let mut buffers = (Vec::new(), Vec::new());
        passages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.content().next().is_some())
            .map(|(i, p)| (i, self.all_keys(p.terms, &mut buffers)))
            .collect()
    }

    /// The keys in every passage band of a sentence's content words (`terms` are its terms).
    pub(crate) fn all_keys(
        &self,
        terms: &[passage::Term],
        buffers: &mut (Vec<u64>, Vec<u32>),
    ) -> Vec<u64> {
        let mut keys = vec![0; PASSAGE_BANDS];
        self.sentence_keys(terms, 0..PASSAGE_BANDS, &mut keys, buffers);
        keys
    }

    /// The keys in `bands` of a sentence's content words (`terms` are its terms), into
    /// `out`; `buffers` are scratch.
    pub(crate) fn sentence_keys(
        &self,
        terms: &[passage::Term],
        bands: Range<usize>,
        out: &mut [u64],
        (content, minima): &mut (Vec<u64>, Vec<u32>),
    ) {
        content.clear();
        content.extend(terms.iter().filter(|t| !t.is_function()).map(|t| t.hash()));
        minima.resize(bands.len() * PASSAGE_ROWS, 0);
        let functions = bands.start * PASSAGE_ROWS..bands.end * PASSAGE_ROWS;
        self.passage_hasher.minima(content, functions, minima);
        for (key, values) in out.iter_mut().zip(minima.chunks_exact(PASSAGE_ROWS)) {
            *key = lsh::band_key(values);
        }
    }

    /// Whether a duplicate candidate is worth verifying exactly: equal texts always are,
    /// others when their estimated Jaccard reaches [`Config::min_estimate`].
    pub(crate) fn worth_verifying(&self, a: &Profile, b: &Profile) -> bool {
        a.text_hash == b.text_hash
            || a.signature.jaccard(&b.signature) >= self.config.min_estimate()
    }

    /// The shingle set of a text (sorted, without repeats), without keeping tokens.
    pub(crate) fn shingle_set(&self, text: &str) -> Vec<u64> {
        let mut roller = shingle::Shingler::new(self.config.shingle_size);
        let mut set = Vec::with_capacity(text.len() / 5);
        normalize::for_each_word(text, |_, word| set.extend(roller.push(word)));
        set.extend(roller.finish());
        set.sort_unstable();
        set.dedup();
        set
    }

    /// The exact shingle data of a text (see [`Exact`]).
    pub(crate) fn exact(&self, text: &str) -> Exact {
        let tokens = normalize::tokens(text);
        let shingles = shingle::hashes(&tokens, self.config.shingle_size);
        let set = shingle::set(&shingles);
        Exact {
            tokens,
            shingles,
            set,
        }
    }

    /// Verifies a duplicate candidate: `Some` match if the normalised texts are equal or the
    /// exact Jaccard reaches the threshold.
    pub(crate) fn check_duplicate(
        &self,
        (a, ea): (Side, &Exact),
        (b, eb): (Side, &Exact),
    ) -> Option<Match> {
        let (pa, pb) = (a.1, b.1);
        if pa.is_empty() || pb.is_empty() {
            return None;
        }
        // Two pages that are mostly publisher furniture (a paywall's sign-up form, a cookie
        // notice) share it, and that is not copying. Known only when sentences are analysed.
        if self.is_mostly_furniture(pa) && self.is_mostly_furniture(pb) {
            return None;
        }
        let kind = if pa.text_hash == pb.text_hash {
            Kind::ExactDuplicate
        } else {
            Kind::NearDuplicate
        };
        let scores = verify::scores(&ea.set, &eb.set);
        if kind == Kind::NearDuplicate && scores.jaccard < self.config.threshold {
            return None;
        }
        let k = self.config.shingle_size;
        let passages = align::passages(ea.shingled(), eb.shingled(), k);
        Some(self.matched(kind, a, b, &scores, passages, None))
    }

    /// Whether more than half of a document's words lie in sentences that are publisher
    /// [furniture](crate::furniture).
    fn is_mostly_furniture(&self, p: &Profile) -> bool {
        let words = p.words(self.config.shingle_size);
        let furniture: usize = p
            .passages
            .iter()
            .filter(|s| s.is_furniture())
            .map(|s| s.words())
            .sum();
        2 * furniture > words
    }

    /// A match of `a` and `b` with their scores (and, for a rewrite or partial copy, its
    /// verdict), its direction decided.
    pub(crate) fn matched(
        &self,
        kind: Kind,
        (doc_a, pa): Side,
        (doc_b, pb): Side,
        scores: &verify::Scores,
        passages: Vec<Passage>,
        verdict: Option<Verdict>,
    ) -> Match {
        let (coverage, score, reused) = match verdict {
            Some(v) => (Some(v.coverage), v.score, v.reused),
            None => (None, 1.0, Vec::new()),
        };
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
            score,
            reused,
        };
        self.directed(found, doc_a, doc_b)
    }

    /// Verifies a rewrite candidate by aligning the two documents' passages: `Some` verdict
    /// if it flags the pair (see [`Detector::judge`], which `memo` serves).
    pub(crate) fn check_rewrite(
        &self,
        a: Side,
        b: Side,
        aligner_a: &rewrite::Aligner,
        weighted_b: &rewrite::WeightedPassages,
        memo: Option<&reuse::Memo>,
    ) -> Option<Judged> {
        if a.1.is_empty() || b.1.is_empty() {
            return None;
        }
        let alignment = aligner_a.align(weighted_b, self.config.passage_threshold);
        if alignment.candidates.is_empty() {
            return None;
        }
        let judged = self.judge(a, b, (aligner_a.passages(), weighted_b), alignment, memo);
        judged.flagged.then_some(judged)
    }

    /// The verdict on an alignment of `a` and `b`: its reused passages, their signals and
    /// score, and whether the score reaches [`Config::min_score`]. Two
    /// [sentence-sized](is_sentence_sized) documents are judged by the sentence verifier
    /// alone: their score is [`semantic::sentence_score`] of the two whole texts. A side
    /// whose passages are `memo`'s reads its passages' words from it (see
    /// [`reuse::Memo`]): the same verdict, with less work when one document is judged
    /// against many.
    pub(crate) fn judge(
        &self,
        a: Side,
        b: Side,
        (wa, wb): (&rewrite::WeightedPassages, &rewrite::WeightedPassages),
        alignment: rewrite::Alignment,
        memo: Option<&reuse::Memo>,
    ) -> Judged {
        // Passages are grouped along one document first: judged in one order (by id), so a
        // pair gets one verdict whichever document is the probe.
        if (&b.0.id, &b.0.text) < (&a.0.id, &a.0.text) {
            return self
                .judge(b, a, (wb, wa), alignment.swapped(), memo)
                .swapped();
        }
        let (sa, sb) = (
            (a.0.text.as_str(), &a.1.passages, wa),
            (b.0.text.as_str(), &b.1.passages, wb),
        );
        let groups = reuse::grouped(&alignment, sa, sb, memo);
        let k = self.config.shingle_size;
        let (na, nb) = (a.1.words(k), b.1.words(k));
        let with_shares = |mut reused: Vec<Reused>| {
            for r in &mut reused {
                r.share_a = verdict::share(r.words_a, na);
                r.share_b = verdict::share(r.words_b, nb);
            }
            reused
        };
        let mut reused = with_shares(groups.iter().map(|g| g.passage.clone()).collect());
        let features = Features::of(&reused, (na, nb));
        let sentence_sized = is_sentence_sized(a.1, na) && is_sentence_sized(b.1, nb);
        let (score, flagged) = if sentence_sized {
            let score = semantic::sentence_score(&a.0.text, &b.0.text);
            (score, score >= self.config.min_score)
        } else {
            let score = features.score();
            (score, score >= self.config.min_score)
        };
        if flagged && !sentence_sized {
            // What the report shows: the passages that stand alone, condensed ones joined.
            let score = verdict::STANDING_SCORE;
            let standing = verdict::standing(groups, |g| &g.passage, (na, nb), score);
            let seeds = &alignment.candidates;
            reused = with_shares(reuse::condensed(standing, seeds, sa, sb, memo));
        }
        Judged {
            alignment,
            reused,
            sentence_sized,
            features,
            score,
            flagged,
        }
    }

    /// Whether colliding sentence pairs make a rewrite candidate worth aligning: at least
    /// [`MIN_PASSAGE_PAIRS`] of them, one at least similar enough to align.
    pub(crate) fn enough_similar<'w>(
        &self,
        pairs: impl Iterator<Item = (rewrite::Weighted<'w>, rewrite::Weighted<'w>)>,
    ) -> bool {
        let (mut colliding, mut similar) = (0, false);
        for (a, b) in pairs {
            colliding += 1;
            similar = similar || rewrite::similarity(a, b) >= self.config.passage_threshold;
            if similar && colliding >= MIN_PASSAGE_PAIRS {
                return true;
            }
        }
        false
    }

    /// The match of two documents with their verdict, scored on their shingle sets: a
    /// [`Kind::Rewrite`] if the reused passages stretch over at least
    /// [`WHOLE_SHARE`](crate::report::WHOLE_SHARE) of either text, else a
    /// [`Kind::PartialCopy`].
    pub(crate) fn rewrite_match(
        &self,
        a: Side,
        b: Side,
        judged: Judged,
        set_a: &[u64],
        set_b: &[u64],
    ) -> Match {
        let scores = verify::scores(set_a, set_b);
        let alignment = &judged.alignment;
        let mut passages: Vec<Passage> = alignment
            .links
            .iter()
            .map(|l| Passage {
                a: a.1.passages.span(l.a),
                b: b.1.passages.span(l.b),
                similarity: l.similarity,
            })
            .collect();
        if judged.sentence_sized && judged.flagged && passages.is_empty() {
            // The sentence verifier judged the whole texts: they are the passage.
            let whole = |p: &Passages| {
                let (first, last) = (p.get(0).span, p.get(p.len() - 1).span);
                crate::document::Span::new(first.start, last.end)
            };
            passages.push(Passage {
                a: whole(&a.1.passages),
                b: whole(&b.1.passages),
                similarity: judged.score,
            });
        }
        let coverage = (alignment.coverage_a, alignment.coverage_b);
        let extent = |text: &str, spans: &mut dyn Iterator<Item = crate::document::Span>| {
            let (lo, hi) = spans.fold((usize::MAX, 0), |(lo, hi), s| {
                (lo.min(s.start), hi.max(s.end))
            });
            if hi <= lo || text.is_empty() {
                0.0
            } else {
                (hi - lo) as f64 / text.len() as f64
            }
        };
        // Without reused passages (two one-sentence documents), the aligned sentences.
        let spans: Vec<(crate::Span, crate::Span)> = if judged.reused.is_empty() {
            alignment
                .links
                .iter()
                .map(|l| (a.1.passages.span(l.a), b.1.passages.span(l.b)))
                .collect()
        } else {
            judged
                .reused
                .iter()
                .filter(|r| r.how != reuse::How::Quoted)
                .map(|r| (r.a, r.b))
                .collect()
        };
        let whole = extent(&a.0.text, &mut spans.iter().map(|s| s.0)) >= WHOLE_SHARE
            || extent(&b.0.text, &mut spans.iter().map(|s| s.1)) >= WHOLE_SHARE;
        let kind = if whole || judged.sentence_sized {
            Kind::Rewrite
        } else {
            Kind::PartialCopy
        };
        let verdict = Verdict {
            coverage,
            score: judged.score,
            reused: judged.reused,
        };
        self.matched(kind, a, b, &scores, passages, Some(verdict))
    }

    /// Decides the direction: by `published` times when both documents have different ones,
    /// else by coverage (containment for duplicates) when one document is more covered than the
    /// other by at least [`Config::direction_margin`]; `a` becomes the source.
    pub(crate) fn directed(&self, found: Match, doc_a: &Document, doc_b: &Document) -> Match {
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
}
