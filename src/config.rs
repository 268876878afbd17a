//! [`Config`]: every knob of the pipeline, with its default, in one place.

use crate::error::{Error, Result};

/// Every setting of the pipeline. [`Config::default`] is the one place where defaults live.
///
/// Setters take and return `self`, so settings chain. [`Index::new`](crate::Index::new) calls
/// [`Config::validate`]; an out-of-range value is reported with the field's name.
///
/// # Why these defaults
///
/// * **Word 5-grams** (`shingle_size = 5`). News shares short phrases all the time ("the prime
///   minister said on"), so 1- to 3-word shingles make unrelated stories look alike; five words
///   are rare enough to be evidence of shared text, yet short enough that a light edit (a word
///   every twenty) still leaves most shingles intact. It is also what the peer tools and the
///   literature on news near-duplicates use, so figures compare.
/// * **Threshold 0.5** Jaccard on those shingle sets. A copy with a fraction `e` of its words
///   edited at random keeps about `p = (1 - e)^5` of its shingles, so Jaccard is about
///   `p / (2 - p)`: 0.63 at 5% of words edited, 0.5 at about 8%, 0.42 at 10%. Half the shingles
///   in common is the point where a reader still sees "the same article, edited"; heavier
///   rewrites are a different kind of reuse, found by passage alignment, not by whole-document
///   Jaccard.
/// * **128 hashes**, the common MinHash size: enough for a standard error of at most 0.044 on the
///   estimated Jaccard and for a banding with a sharp threshold.
/// * **Rewrites and partial copies**: `passage_threshold = 0.3` was chosen by the
///   cross-validated verdict on the developers' sets (see [`rewrite`](crate::rewrite));
///   `min_score = 0.5` is
///   the cut of the fitted [`verdict`](crate::verdict) model, whose cross-validated figures
///   are in `src/verdict/fitted.rs`.
/// * **`false_negative_weight = 0.95`**: bands and rows minimise a weighted sum of false-positive
///   and false-negative probability mass (see [`lsh::shape`](crate::lsh::shape)). Every candidate
///   is verified exactly, so a false positive costs only a little time while a false negative
///   loses a result: missing is weighted 19 times as heavily as a spurious candidate.
/// * **`verify_margin = 4`** standard errors. Most candidates from the bands are far below the
///   threshold (on the 100k bench corpus, 124,000 candidates for 17,700 pairs), and verifying
///   one means re-reading both documents' shingles. A candidate whose *estimated* Jaccard is
///   more than 4 standard errors `sqrt(t (1 - t) / num_hashes)` below the threshold `t` is
///   dropped first: a pair exactly at the threshold is lost with probability about 3 in
///   100,000 under the binomial model, and less in practice, since one-permutation estimates
///   are tighter (measured standard deviation 0.033 against the model's 0.044 at t = 0.5).
///
/// # Example
///
/// ```
/// use neardup::Config;
///
/// let config = Config::default().shingle_size(4).threshold(0.7);
/// assert_eq!(config.shingle_size, 4);
/// assert!(config.validate().is_ok());
/// assert!(Config::default().threshold(1.5).validate().is_err());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Words per shingle. Default 5.
    pub shingle_size: usize,
    /// Number of MinHash functions (signature length). Default 128.
    pub num_hashes: usize,
    /// Seed of the MinHash functions and shingle hashes. Default `0x6e65_6172_6475_7021`.
    pub seed: u64,
    /// Jaccard similarity (0..=1) at or above which a pair is a near-duplicate. Default 0.5.
    pub threshold: f64,
    /// Weight (in 0..1) of the false-negative mass when bands and rows are chosen; the
    /// false-positive mass gets `1 - false_negative_weight`. Default 0.95.
    pub false_negative_weight: f64,
    /// Largest input read, in bytes; a larger file or JSONL text is skipped. Default 10 MiB.
    pub max_file_bytes: u64,
    /// Smallest weighted Jaccard (0..=1; see [`rewrite`](crate::rewrite)) of two passages that
    /// are aligned as a rewrite of one another. Default 0.3.
    pub passage_threshold: f64,
    /// Smallest [verdict](crate::verdict) score (0..=1) for which a pair that is not a
    /// duplicate is flagged as a rewrite or partial copy. Default 0.5. Two sentence-sized
    /// documents (at most 2 sentences, under 60 words) are judged by the sentence verifier
    /// alone (as a paraphrase test set such as MSRP asks): their score is
    /// [`semantic::sentence_score`](crate::semantic::sentence_score) of the two texts.
    pub min_score: f64,
    /// A passage found (with the same content words) in at least this many documents is
    /// boilerplate and never counts as copying. Default 10.
    pub boilerplate_min_docs: u32,
    /// Smallest difference in coverage (0..=1) between two documents for the more covered one
    /// to be called the copy, when no timestamps decide. Default 0.1.
    pub direction_margin: f64,
    /// Candidates whose estimated Jaccard is more than this many standard errors below the
    /// threshold are dropped before exact verification (see above). `f64::INFINITY` verifies
    /// every candidate. Default 4.
    pub verify_margin: f64,
    /// Whether to look for rewrites at all. Off, documents are not split into sentences and
    /// only exact and near-duplicates are found, several times faster. Default on.
    pub rewrites: bool,
    /// For an index file ([`Store`](crate::Store)): documents older than this, by their
    /// `published` time (else the time they were added), counting back from the newest
    /// document, are neither matched nor kept (compaction drops them). Default `None`: all
    /// are kept.
    pub window: Option<std::time::Duration>,
    /// For an index file: never match two documents of the same outlet (a paper's own
    /// updates are not copying). Default off.
    pub ignore_same_outlet: bool,
}

/// Version of the normalisation rules: anything that changes tokens or their hashes bumps it,
/// because signatures made under one version cannot be compared with another's.
pub const NORMALIZE_VERSION: u32 = 2;

impl Default for Config {
    fn default() -> Config {
        Config {
            shingle_size: 5,
            num_hashes: 128,
            seed: 0x6e65_6172_6475_7021,
            threshold: 0.5,
            false_negative_weight: 0.95,
            max_file_bytes: 10 * 1024 * 1024,
            passage_threshold: 0.3,
            min_score: 0.5,
            boilerplate_min_docs: 10,
            direction_margin: 0.1,
            verify_margin: 4.0,
            rewrites: true,
            window: None,
            ignore_same_outlet: false,
        }
    }
}

impl Config {
    /// Sets [`Config::window`] (default `None`: keep everything).
    pub fn window(mut self, window: Option<std::time::Duration>) -> Config {
        self.window = window;
        self
    }

    /// Sets [`Config::ignore_same_outlet`] (default off).
    pub fn ignore_same_outlet(mut self, ignore: bool) -> Config {
        self.ignore_same_outlet = ignore;
        self
    }

    /// Sets [`Config::shingle_size`] (words, 1..=32; default 5).
    pub fn shingle_size(mut self, words: usize) -> Config {
        self.shingle_size = words;
        self
    }

    /// Sets [`Config::num_hashes`] (1..=1024; default 128).
    pub fn num_hashes(mut self, n: usize) -> Config {
        self.num_hashes = n;
        self
    }

    /// Sets [`Config::seed`] (any `u64`).
    pub fn seed(mut self, seed: u64) -> Config {
        self.seed = seed;
        self
    }

    /// Sets [`Config::threshold`] (Jaccard in 0 exclusive..=1; default 0.5).
    pub fn threshold(mut self, jaccard: f64) -> Config {
        self.threshold = jaccard;
        self
    }

    /// Sets [`Config::false_negative_weight`] (0 and 1 exclusive; default 0.95).
    pub fn false_negative_weight(mut self, weight: f64) -> Config {
        self.false_negative_weight = weight;
        self
    }

    /// Sets [`Config::max_file_bytes`] (bytes, at least 1; default 10 MiB).
    pub fn max_file_bytes(mut self, bytes: u64) -> Config {
        self.max_file_bytes = bytes;
        self
    }

    /// Sets [`Config::passage_threshold`] (weighted Jaccard in (0, 1]; default 0.3).
    pub fn passage_threshold(mut self, similarity: f64) -> Config {
        self.passage_threshold = similarity;
        self
    }

    /// Sets [`Config::min_score`] (score in (0, 1]; default 0.5).
    pub fn min_score(mut self, score: f64) -> Config {
        self.min_score = score;
        self
    }

    /// Sets [`Config::boilerplate_min_docs`] (documents, at least 2; default 10).
    pub fn boilerplate_min_docs(mut self, docs: u32) -> Config {
        self.boilerplate_min_docs = docs;
        self
    }

    /// Sets [`Config::direction_margin`] (coverage difference in [0, 1]; default 0.1).
    pub fn direction_margin(mut self, margin: f64) -> Config {
        self.direction_margin = margin;
        self
    }

    /// Sets [`Config::verify_margin`] (standard errors, at least 0; default 4).
    pub fn verify_margin(mut self, sigmas: f64) -> Config {
        self.verify_margin = sigmas;
        self
    }

    /// The smallest estimated Jaccard a candidate needs to be verified exactly: the threshold
    /// less [`Config::verify_margin`] standard errors of the estimate at the threshold.
    ///
    /// ```
    /// let config = neardup::Config::default(); // t = 0.5, 128 hashes, margin 4
    /// assert!((config.min_estimate() - (0.5 - 4.0 * (0.25f64 / 128.0).sqrt())).abs() < 1e-12);
    /// assert_eq!(config.verify_margin(f64::INFINITY).min_estimate(), f64::NEG_INFINITY);
    /// ```
    pub fn min_estimate(&self) -> f64 {
        let t = self.threshold;
        let error = (t * (1.0 - t) / self.num_hashes as f64).sqrt();
        if self.verify_margin.is_infinite() {
            f64::NEG_INFINITY
        } else {
            t - self.verify_margin * error
        }
    }

    /// Sets [`Config::rewrites`] (default `true`).
    pub fn rewrites(mut self, on: bool) -> Config {
        self.rewrites = on;
        self
    }

    /// Checks every field against its allowed range.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming the first field out of range and the range allowed.
    pub fn validate(&self) -> Result<()> {
        let bad = |field, reason: String| Err(Error::Config { field, reason });
        if !(1..=32).contains(&self.shingle_size) {
            return bad(
                "shingle_size",
                format!("must be 1..=32 words, got {}", self.shingle_size),
            );
        }
        if !(1..=1024).contains(&self.num_hashes) {
            return bad(
                "num_hashes",
                format!("must be 1..=1024, got {}", self.num_hashes),
            );
        }
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return bad(
                "threshold",
                format!("must be a Jaccard in (0, 1], got {}", self.threshold),
            );
        }
        if !(self.false_negative_weight > 0.0 && self.false_negative_weight < 1.0) {
            return bad(
                "false_negative_weight",
                format!("must be in (0, 1), got {}", self.false_negative_weight),
            );
        }
        if self.window.is_some_and(|w| w.is_zero()) {
            return bad("window", "must be longer than 0 seconds".into());
        }
        if self.max_file_bytes == 0 {
            return bad("max_file_bytes", "must be at least 1 byte".into());
        }
        let unit = |x: f64| x > 0.0 && x <= 1.0;
        if !unit(self.passage_threshold) {
            let got = self.passage_threshold;
            return bad("passage_threshold", format!("must be in (0, 1], got {got}"));
        }
        if !unit(self.min_score) {
            let got = self.min_score;
            return bad("min_score", format!("must be in (0, 1], got {got}"));
        }
        if self.boilerplate_min_docs < 2 {
            let got = self.boilerplate_min_docs;
            return bad(
                "boilerplate_min_docs",
                format!("must be at least 2, got {got}"),
            );
        }
        if !(0.0..=1.0).contains(&self.direction_margin) {
            let got = self.direction_margin;
            return bad("direction_margin", format!("must be in [0, 1], got {got}"));
        }
        if self.verify_margin.is_nan() || self.verify_margin < 0.0 {
            let got = self.verify_margin;
            return bad("verify_margin", format!("must be at least 0, got {got}"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validate_names_the_bad_field() {
        let cases: &[(Config, Option<&str>)] = &[
            (Config::default(), None),
            (Config::default().shingle_size(0), Some("shingle_size")),
            (Config::default().shingle_size(33), Some("shingle_size")),
            (Config::default().num_hashes(0), Some("num_hashes")),
            (Config::default().threshold(0.0), Some("threshold")),
            (Config::default().threshold(f64::NAN), Some("threshold")),
            (Config::default().threshold(1.0), None),
            (
                Config::default().false_negative_weight(1.0),
                Some("false_negative_weight"),
            ),
            (Config::default().max_file_bytes(0), Some("max_file_bytes")),
            (Config::default().verify_margin(-1.0), Some("verify_margin")),
            (Config::default().verify_margin(f64::INFINITY), None),
        ];
        for (config, want) in cases {
            let got = match config.validate() {
                Ok(()) => None,
                Err(Error::Config { field, .. }) => Some(field),
                Err(other) => panic!("unexpected error {other}"),
            };
            assert_eq!(got, *want, "{config:?}");
        }
    }
}
