//! The verdict on a pair that is not a duplicate: a score in [0, 1] from a few signals of its
//! [reused passages](crate::reuse), and a cut on it ([`Config::min_score`](crate::Config::min_score)).
//!
//! # Signals
//!
//! [`Features`] holds them, [`Features::vector`] gives them as the model reads them
//! ([`NAMES`]): the longest reused passage and all reused passages (in words, log scale: a
//! 100-word lift weighs as much in a 5,000-word story as in a 300-word one), the share of
//! each document they cover, the passages' mean similarity and phrasing (shared word
//! 3-grams: what copying leaves and independent reports of one event do not), how many
//! sentences the passages align, and the passages' words compared as bags: their overlap,
//! the containment of the shorter side, and the share of its ordinary words (not names or
//! numbers, which two reports of one event share) that the other side has. A single sentence shared by two reports of one event (a name,
//! a number, a quote) scores low; three lifted paragraphs score high at any share of the
//! longer document.
//!
//! # The model
//!
//! A logistic model, `score = 1 / (1 + exp(-(bias + Σ w_i x_i)))`, whose coefficients are in
//! [`fitted`]: `tools/fit-verdict.py` fits them on the developers' data (PAN 2013 text
//! alignment training pairs, Clough–Stevenson answers, SemEval 2022 same-event news pairs)
//! and writes that file; its header says how, and the cross-validated figures. Weights are
//! kept non-negative, so more reused text never lowers a score.
//!
//! # Which passages a flagged pair reports
//!
//! The score weighs every reused passage of a pair. Of a flagged pair's passages, those that
//! would make the verdict on their own ([`standing`]) are the ones reported; the others are
//! most often sentences on the same topic that happen to sit near each other in both texts (on
//! the PAN 2013 training pairs, dropping them raised PAN's character precision from 0.875 to
//! 0.92 at a recall cost of 0.01). When none would make it alone, all are reported: the
//! verdict rests on them together. Passages that one reuse was split into where one side
//! condensed the other are then reported as one (see `reuse::condensed`).
//!
//! ```
//! use neardup::verdict::Features;
//!
//! let lifted = Features {
//!     longest: 120.0,
//!     reused: 120.0,
//!     share_max: 0.9,
//!     share_min: 0.05,
//!     similarity: 0.9,
//!     phrasing: 0.95,
//!     sentences: 5.0,
//!     overlap: 0.8,
//!     containment: 0.9,
//!     vocabulary: 0.9,
//! };
//! // Two sentences that state one event's facts in the writers' own words.
//! let same_event = Features {
//!     longest: 40.0,
//!     reused: 40.0,
//!     share_max: 0.04,
//!     share_min: 0.03,
//!     similarity: 0.4,
//!     phrasing: 0.1,
//!     sentences: 2.0,
//!     overlap: 0.25,
//!     containment: 0.4,
//!     vocabulary: 0.3,
//! };
//! assert!(lifted.score() > 0.9);
//! assert!(same_event.score() < 0.2);
//! assert_eq!(Features::default().score(), 0.0); // nothing reused
//! ```

pub mod fitted;

use crate::reuse::{How, Reused};

/// The names of [`Features::vector`]'s entries, in order.
pub const NAMES: [&str; 10] = [
    "ln_longest",
    "ln_reused",
    "share_max",
    "share_min",
    "similarity",
    "phrasing",
    "ln_sentences",
    "overlap",
    "containment",
    "vocabulary",
];

/// `n` over `of`, at most 1 (0 when `of` is 0): the share of a document that `n` of its
/// `of` words are.
pub fn share(n: usize, of: usize) -> f64 {
    if of == 0 {
        0.0
    } else {
        (n as f64 / of as f64).min(1.0)
    }
}

/// The signals of one pair (see the module docs).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Features {
    /// Words of the longest reused passage (its larger side).
    pub longest: f64,
    /// Words of all reused passages (each by its larger side).
    pub reused: f64,
    /// The larger of the two documents' shares covered by reused passages (in words).
    pub share_max: f64,
    /// The smaller of the two shares.
    pub share_min: f64,
    /// The passages' similarity, their mean weighted by words.
    pub similarity: f64,
    /// The passages' phrasing, their mean weighted by words.
    pub phrasing: f64,
    /// Aligned sentences within the reused passages (each passage by its side with more).
    pub sentences: f64,
    /// The passages' [overlap](Reused::overlap), their mean weighted by words.
    pub overlap: f64,
    /// The passages' [containment](Reused::containment), their mean weighted by words.
    pub containment: f64,
    /// The passages' [vocabulary](Reused::vocabulary), their mean weighted by words.
    pub vocabulary: f64,
}

impl Features {
    /// The signals of a pair from its reused passages and each document's length in words.
    pub fn of(passages: &[Reused], (words_a, words_b): (usize, usize)) -> Features {
        let (mut reused_a, mut reused_b, mut reused) = (0usize, 0usize, 0usize);
        let (mut longest, mut similarity, mut phrasing) = (0usize, 0.0, 0.0);
        let (mut overlap, mut containment, mut vocabulary) = (0.0, 0.0, 0.0);
        // A shared quote is reported, but it is not copying.
        for p in passages.iter().filter(|p| p.how != How::Quoted) {
            reused_a += p.words_a;
            reused_b += p.words_b;
            reused += p.words();
            longest = longest.max(p.words());
            similarity += p.similarity * p.words() as f64;
            phrasing += p.phrasing * p.words() as f64;
            overlap += p.overlap * p.words() as f64;
            containment += p.containment * p.words() as f64;
            vocabulary += p.vocabulary * p.words() as f64;
        }

        let (sa, sb) = (share(reused_a, words_a), share(reused_b, words_b));
        let mean = |x: f64| if reused == 0 { 0.0 } else { x / reused as f64 };
        Features {
            longest: longest as f64,
            reused: reused as f64,
            share_max: sa.max(sb),
            share_min: sa.min(sb),
            similarity: mean(similarity),
            phrasing: mean(phrasing),
            sentences: passages
                .iter()
                .map(|p| p.sentences_a.max(p.sentences_b) as f64)
                .fold(0.0, |x, y| x + y),
            overlap: mean(overlap),
            containment: mean(containment),
            vocabulary: mean(vocabulary),
        }
    }

    /// The signals as the model reads them, in the order of [`NAMES`].
    pub fn vector(&self) -> [f64; NAMES.len()] {
        [
            self.longest.ln_1p(),
            self.reused.ln_1p(),
            self.share_max,
            self.share_min,
            self.similarity,
            self.phrasing,
            self.sentences.ln_1p(),
            self.overlap,
            self.containment,
            self.vocabulary,
        ]
    }

    /// The score of the pair: the [`fitted`] logistic model on [`Features::vector`]; 0 for a
    /// pair without a reused passage.
    pub fn score(&self) -> f64 {
        if self.reused == 0.0 {
            return 0.0;
        }
        let z = fitted::BIAS
            + self
                .vector()
                .iter()
                .zip(fitted::WEIGHTS)
                .map(|(x, w)| x * w)
                .sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }
}

/// Score at or above which a passage of a flagged pair is reported by itself (see
/// [`standing`]): the default of [`Config::min_score`](crate::Config::min_score), and fixed
/// (not the configured cut) so that a pair's passages do not depend on the cut, and
/// `neardup eval`, which judges at every cut of its sweep, scores the passages a scan reports.
pub const STANDING_SCORE: f64 = 0.5;

/// The passages of a flagged pair worth reporting (see the [module docs](self)), of `items`
/// that each hold one (`passage` gives it): each passage that scores at least `cut` by itself (as the only passage of a pair of documents
/// of `words` words; [`STANDING_SCORE`] in every report), with every quoted passage
/// (reported as such, never as copying); all of them when no passage scores `cut` by
/// itself. Order is kept.
///
/// ```
/// use neardup::Span;
/// use neardup::reuse::{How, Reused};
/// use neardup::verdict::standing;
///
/// let passage = |at: usize, words: usize, phrasing: f64| Reused {
///     a: Span::new(at, at + 6 * words),
///     b: Span::new(at, at + 6 * words),
///     words_a: words,
///     words_b: words,
///     quoted: 0.0,
///     share_a: 0.0,
///     share_b: 0.0,
///     sentences_a: 3,
///     sentences_b: 3,
///     similarity: phrasing,
///     phrasing,
///     overlap: phrasing,
///     containment: phrasing,
///     vocabulary: phrasing,
///     ordinary: 1.0,
///     function: 0.4,
///     how: How::of(phrasing),
/// };
/// let topical = passage(0, 25, 0.1);
/// let lifted = passage(1000, 120, 0.95);
/// let kept = standing(vec![topical.clone(), lifted.clone()], |p| p, (2000, 2000), 0.5);
/// assert_eq!(kept, vec![lifted]);
/// // Alone, the topical passage is all there is to report.
/// let alone = standing(vec![topical.clone()], |p| p, (2000, 2000), 0.5);
/// assert_eq!(alone, vec![topical]);
/// ```
pub fn standing<T>(
    items: Vec<T>,
    passage: impl Fn(&T) -> &Reused,
    words: (usize, usize),
    cut: f64,
) -> Vec<T> {
    let alone = |p: &Reused| Features::of(std::slice::from_ref(p), words).score() >= cut;
    let quoted = |p: &Reused| p.how == How::Quoted;
    if !items
        .iter()
        .any(|x| !quoted(passage(x)) && alone(passage(x)))
    {
        return items;
    }
    items
        .into_iter()
        .filter(|x| quoted(passage(x)) || alone(passage(x)))
        .collect()
}
