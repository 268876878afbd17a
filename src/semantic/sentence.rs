//! Are two sentences paraphrases? A small logistic model over lexical, semantic and factual
//! signals, fitted on the MSRP train split.
//!
//! [`sentence_score`] gives `P(same meaning)` in `[0, 1]`; [`CUT`] is the documented cut
//! (0.5). The signals ([`features`], named in [`FEATURE_NAMES`]):
//!
//! * `lexical`: [`rewrite::similarity`], the weighted Jaccard of the stemmed terms that the
//!   aligner uses;
//! * `semantic`: [`Embeddings::similarity`](super::Embeddings::similarity) of the content
//!   terms (synonyms count);
//! * `weighted_semantic`: the same with each term weighted by `ln(1 + (rank + 1) / 100)`, its
//!   frequency rank in the vectors' source (a term without a vector counts as the rarest), so
//!   that rare words (names, specific nouns) weigh more;
//! * `mean_cosine`: [`Embeddings::mean_cosine`](super::Embeddings::mean_cosine), the cosine
//!   of the two sentences' frequency-weighted mean vectors (0 if negative);
//! * `contained`: the share of content terms found in the other sentence, for the sentence
//!   with the smaller share;
//! * `unmatched`: the meaning one sentence carries that the other lacks, in words
//!   (`x / (1 + x)` for `x` the sum of `1 - best match` over its terms), the larger side;
//! * `length_ratio`: shorter over longer, in words;
//! * `trigrams`: Dice overlap of folded word 3-grams (shared phrasing);
//! * `chars`: Dice overlap of byte 4-grams of the folded words (character 4-grams in ASCII
//!   text: spelling variants, compounds, "U.S." ~ "US");
//! * `lcs`: the longest common subsequence of words over the mean length (order kept);
//! * `numbers`: 1 if a number of one sentence is missing from the other ("$2.5 billion" vs
//!   "$1.8 billion" is another fact);
//! * `names`: the share of capitalised words past the first (people, places, firms) of
//!   either sentence missing from the other;
//! * `negation`: 1 if exactly one sentence has a negation ("not", "no", "never", "n't" …).
//!
//! # How the coefficients were obtained
//!
//! `cargo run --release --example fit_sentence -- ../shared/data/msrp/pairs.tsv
//! ../shared/data/clough-stevenson`: L2-regularised logistic regression (Newton's method,
//! penalty 1 on standardised features, intercept free) on all 4,076 pairs of MSRP train.
//! 10-fold cross-validation with pair `i` (file order, from 0) in fold `i mod 10`: accuracy
//! at [`CUT`] is given in [`WEIGHTS`]' docs, with the training accuracy. The example also
//! prints how the score falls on the Clough–Stevenson answers: each answer sentence's best
//! score against its task's source sentences is at or above the cut for 1 of the 286
//! sentences of answers written without the source (median 0.063, 90th percentile 0.190,
//! highest 0.651), against 82 of 109 for light revisions (median 0.938), 61 of 127 for heavy
//! ones (median 0.438) and 62 of 113 for near copies (median 0.924; some copied parts of the
//! article outside the source excerpt).

use crate::normalize;
use crate::passage;
use crate::rewrite;

use super::Embeddings;

/// The number of signals in [`features`].
pub const FEATURES: usize = 13;

/// The names of the signals of [`features`], in order.
pub const FEATURE_NAMES: [&str; FEATURES] = [
    "lexical",
    "semantic",
    "weighted_semantic",
    "mean_cosine",
    "contained",
    "unmatched",
    "length_ratio",
    "trigrams",
    "chars",
    "lcs",
    "numbers",
    "names",
    "negation",
];

/// Score at or above which two sentences are taken as paraphrases.
pub const CUT: f64 = 0.5;

/// The model's intercept (see [`WEIGHTS`]).
pub const BIAS: f64 = -5.9171;

/// The model's weights, one per signal of [`features`], on the raw signals.
///
/// Obtained with `cargo run --release --example fit_sentence -- ../shared/data/msrp/pairs.tsv
/// ../shared/data/clough-stevenson` (L2 logistic regression, penalty 1 on standardised
/// signals, on all 4,076 MSRP train pairs). 10-fold cross-validated accuracy at [`CUT`]:
/// 0.7657 (folds 0.743-0.791); training accuracy 0.7674; majority class 0.6754. The
/// lexical signal alone: 0.7299 cross-validated; without the four embedding signals
/// (`semantic`, `weighted_semantic`, `mean_cosine`, `unmatched`): 0.7490. Signs follow the
/// signals' correlation (`contained` and `trigrams` overlap `lexical` and `lcs`), so read
/// no weight alone.
pub const WEIGHTS: [f64; FEATURES] = [
    3.4209,  // lexical
    0.2180,  // semantic
    1.8306,  // weighted_semantic
    3.0969,  // mean_cosine
    -4.4933, // contained
    -4.9802, // unmatched
    4.0051,  // length_ratio
    -4.7149, // trigrams
    4.1136,  // chars
    5.1650,  // lcs
    -0.3555, // numbers
    0.3779,  // names
    -1.2314, // negation
];

/// `P(same meaning)` of two sentences, in `[0, 1]`: the logistic model of the module docs.
/// Deterministic. Cost: about 20 µs for a pair of news sentences in a release build (MSRP
/// train, one thread), after the vectors' one-time load; meant for candidate pairs.
///
/// # Example
///
/// ```
/// use neardup::semantic::sentence::{sentence_score, CUT};
///
/// let a = "The company said profits rose 10 percent in the third quarter.";
/// let b = "Profits at the firm increased by 10 percent in the third quarter, it said.";
/// let c = "Heavy snow closed schools across the region for a second day.";
/// assert!(sentence_score(a, b) >= CUT);
/// assert!(sentence_score(a, c) < CUT);
/// ```
pub fn sentence_score(a: &str, b: &str) -> f64 {
    score_features(&features(a, b), BIAS, &WEIGHTS)
}

/// The logistic score `1 / (1 + e^-(bias + weights · features))`: [`sentence_score`] with other
/// coefficients (for fitting them).
pub fn score_features(features: &[f64; FEATURES], bias: f64, weights: &[f64; FEATURES]) -> f64 {
    let z = bias
        + features
            .iter()
            .zip(weights)
            .map(|(f, w)| f * w)
            .sum::<f64>();
    1.0 / (1.0 + (-z).exp())
}

/// One sentence as the signals read it.
struct Sentence {
    /// Folded words, in order.
    words: Vec<String>,
    /// Content term names, sorted and distinct.
    content: Vec<u32>,
    /// The weighted passage, for [`rewrite::similarity`].
    weighted: rewrite::WeightedPassages,
    /// Folded words holding a digit, sorted and distinct.
    numbers: Vec<String>,
    /// Folded capitalised words past the first that are not function words, sorted, distinct.
    names: Vec<String>,
    negated: bool,
}

impl Sentence {
    fn new(text: &str) -> Sentence {
        let mut words = Vec::new();
        let mut names = Vec::new();
        normalize::for_each_word(text, |span, _| {
            let original = &text[span.start..span.end];
            let folded = normalize::fold(original);
            let capital = original.chars().next().is_some_and(char::is_uppercase);
            if capital && !words.is_empty() && !passage::is_function_word(&folded) {
                names.push(folded.clone());
            }
            words.push(folded);
        });
        let whole = passage::whole(text);
        let weighted = rewrite::weigh(&whole, |_| false);
        let content = {
            let w = weighted.get(0);
            w.terms[..w.content].to_vec()
        };
        let mut numbers: Vec<String> = words
            .iter()
            .filter(|w| w.bytes().any(|b| b.is_ascii_digit()))
            .cloned()
            .collect();
        numbers.sort_unstable();
        numbers.dedup();
        names.sort_unstable();
        names.dedup();
        let negated = words.iter().any(|w| {
            matches!(
                w.as_str(),
                "not" | "no" | "never" | "nothing" | "none" | "neither" | "nor" | "without"
            ) || w.ends_with("n't")
        });
        Sentence {
            words,
            content,
            weighted,
            numbers,
            names,
            negated,
        }
    }
}

/// The signals of two sentences, in the order of [`FEATURE_NAMES`], each in `[0, 1]`.
/// Symmetric: `features(a, b) == features(b, a)`.
pub fn features(a: &str, b: &str) -> [f64; FEATURES] {
    let (a, b) = (Sentence::new(a), Sentence::new(b));
    let embeddings = Embeddings::builtin();
    let (mut best_a, mut best_b) = (Vec::new(), Vec::new());
    embeddings.best_matches(&a.content, &b.content, &mut best_a, &mut best_b);
    let both = !a.content.is_empty() && !b.content.is_empty();
    // Each direction's mean best match, every term weighing `weight(term)`.
    let mean = |terms: &[u32], best: &[f64], weight: &dyn Fn(u32) -> f64| {
        let total: f64 = terms.iter().map(|&t| weight(t)).sum();
        let got: f64 = terms.iter().zip(best).map(|(&t, b)| weight(t) * b).sum();
        if total == 0.0 { 0.0 } else { got / total }
    };
    let both_ways = |weight: &dyn Fn(u32) -> f64| {
        if both {
            (mean(&a.content, &best_a, weight) + mean(&b.content, &best_b, weight)) / 2.0
        } else {
            0.0
        }
    };
    // Rarer words say more: weight by the log of the frequency rank (a name or a number,
    // without a vector, counts as the rarest).
    let by_rank = |t: u32| (1.0 + f64::from(embeddings.rank(t).unwrap_or(RARE) + 1) / 100.0).ln();
    // Meaning one sentence carries that the other lacks, in words (x / (1 + x) keeps it in
    // [0, 1)); the larger of the two sides.
    let unmatched = |best: &[f64]| {
        let x: f64 = best.iter().map(|b| 1.0 - b).sum();
        x / (1.0 + x)
    };
    let shared = sorted_shared(&a.content, &b.content) as f64;
    let share = |n: usize| if n == 0 { 0.0 } else { shared / n as f64 };
    let (na, nb) = (a.words.len(), b.words.len());
    let length_ratio = if na.max(nb) == 0 {
        0.0
    } else {
        na.min(nb) as f64 / na.max(nb) as f64
    };
    [
        rewrite::similarity(a.weighted.get(0), b.weighted.get(0)),
        both_ways(&|_| 1.0),
        both_ways(&by_rank),
        embeddings.mean_cosine(&a.content, &b.content).max(0.0),
        share(a.content.len()).min(share(b.content.len())),
        unmatched(&best_a).max(unmatched(&best_b)),
        length_ratio,
        dice(&ngrams(&a.words, 3), &ngrams(&b.words, 3)),
        dice(&char_grams(&a.words), &char_grams(&b.words)),
        lcs(&a.words, &b.words),
        f64::from(u8::from(missing_share(&a.numbers, &b.numbers) > 0.0)),
        missing_share(&a.names, &b.names),
        f64::from(u8::from(a.negated != b.negated)),
    ]
}

/// The frequency rank given to a term without a vector (the vectors hold 50,000 words).
const RARE: u32 = 50_000;

/// How many items two ascending, distinct lists share.
fn sorted_shared<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// The share of the items of either list missing from the other (0 if both are empty).
fn missing_share(a: &[String], b: &[String]) -> f64 {
    let shared = sorted_shared(a, b);
    let union = a.len() + b.len() - shared;
    if union == 0 {
        0.0
    } else {
        (union - shared) as f64 / union as f64
    }
}

/// The distinct word `n`-grams of `words`, as hashes, sorted.
fn ngrams(words: &[String], n: usize) -> Vec<u64> {
    let hashes: Vec<u64> = words
        .iter()
        .map(|w| xxhash_rust::xxh3::xxh3_64(w.as_bytes()))
        .collect();
    let mut out: Vec<u64> = hashes
        .windows(n)
        .map(|w| {
            w.iter().fold(0u64, |h, &x| {
                (h ^ x).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29)
            })
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The distinct byte 4-grams of the words joined by spaces (character 4-grams for ASCII
/// text), sorted.
fn char_grams(words: &[String]) -> Vec<u64> {
    let text = words.join(" ");
    let mut out: Vec<u64> = text
        .as_bytes()
        .windows(4)
        .map(|w| u64::from(u32::from_le_bytes([w[0], w[1], w[2], w[3]])))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Dice coefficient `2 |A ∩ B| / (|A| + |B|)` of two ascending, distinct lists (0 if both are
/// empty).
fn dice(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    2.0 * sorted_shared(a, b) as f64 / (a.len() + b.len()) as f64
}

/// The longest common subsequence of two word lists over their mean length (0 if both are
/// empty). Quadratic, in one row of memory.
fn lcs(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    let mut row = vec![0u32; b.len() + 1];
    for x in a {
        let mut diagonal = 0;
        for (j, y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if x == y {
                diagonal + 1
            } else {
                above.max(row[j])
            };
            diagonal = above;
        }
    }
    2.0 * f64::from(row[b.len()]) / (a.len() + b.len()) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_are_symmetric_and_bounded() {
        let pairs = [
            (
                "Yucaipa owned Dominick's before selling the chain to Safeway in 1998 for $2.5 billion.",
                "Yucaipa bought Dominick's in 1995 for $693 million and sold it to Safeway for $1.8 billion in 1998.",
            ),
            ("He did not go.", "He went home."),
            ("", "Something here."),
        ];
        for (a, b) in pairs {
            let (f, g) = (features(a, b), features(b, a));
            for (i, (x, y)) in f.iter().zip(&g).enumerate() {
                assert!((x - y).abs() < 1e-12, "{}: {x} vs {y}", FEATURE_NAMES[i]);
                assert!((0.0..=1.0).contains(x), "{}: {x}", FEATURE_NAMES[i]);
            }
        }
    }

    /// (a, b, feature, expected value), exact up to 1e-9.
    const SIGNALS: &[(&str, &str, &str, f64)] = &[
        (
            "He did not go home today.",
            "He went home today.",
            "negation",
            1.0,
        ),
        ("He didn't go.", "He never went.", "negation", 0.0),
        (
            "Sales rose 5% to $3.2 billion.",
            "Sales rose 5% to $3.2 billion.",
            "numbers",
            0.0,
        ),
        // 3.2 against 4.1: a number is missing.
        (
            "Sales rose 5% to $3.2 billion.",
            "Sales rose 5% to $4.1 billion.",
            "numbers",
            1.0,
        ),
        (
            "Talks with Putin in Moscow ended.",
            "Talks with Putin in Kyiv ended.",
            "names",
            2.0 / 3.0,
        ),
        ("one two three four", "one two three four", "lcs", 1.0),
        // One word in order of four on each side: 2 * 1 / (4 + 4).
        ("one two three four", "four three two one", "lcs", 0.25),
        ("one two three four", "one two", "length_ratio", 0.5),
    ];

    #[test]
    fn signals_table() {
        for &(a, b, name, want) in SIGNALS {
            let i = FEATURE_NAMES
                .iter()
                .position(|n| *n == name)
                .expect("a name");
            let got = features(a, b)[i];
            assert!((got - want).abs() < 1e-9, "{name} of {a:?} / {b:?}: {got}");
        }
    }

    #[test]
    fn the_same_sentence_scores_high_an_unrelated_one_low() {
        let a = "The central bank raised its main interest rate by a quarter point on Thursday.";
        assert!(sentence_score(a, a) > 0.9, "{}", sentence_score(a, a));
        let c = "Heavy snow closed schools across the region for a second day.";
        assert!(sentence_score(a, c) < 0.2, "{}", sentence_score(a, c));
    }
}
