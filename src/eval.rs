//! Scores the detector's matches against labelled pairs: per-label recall, false positives,
//! precision, F1, and a sweep of the verdict score cut ([`Config::min_score`](crate::Config::min_score)).
//!
//! Labels come as TSV with a header and the columns `source`, `suspect`, `label` (more columns
//! are ignored). Ids may leave out the file extension: `g0pA_taska` names `g0pA_taska.txt`.
//! A pair is counted as flagged whatever its kind and direction.
//!
//! Three kinds of pairs are scored:
//!
//! * **labelled** pairs: a positive label counts toward recall, any other toward false
//!   positives among labelled negatives;
//! * **unlabelled cross pairs**: a document of the `source` column with a document of the
//!   `suspect` column that the file does not pair (such as an answer and another task's
//!   source text): clean negatives, so a flag there is a false positive;
//! * every **other** flagged pair (say, two answers that copied the same source) is listed but
//!   not scored: the labels say nothing about it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use rayon::prelude::*;

use crate::document::{DocId, Document};
use crate::error::{Error, InputProblem, Result};
use crate::report::{Kind, Match};
use crate::{Config, Index};

pub mod passages;

/// Labelled pairs read from a TSV file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Labels {
    /// `(source, suspect, label)`, in file order, ids as written.
    pub pairs: Vec<(String, String, String)>,
}

impl Labels {
    /// Parses the TSV text of `path` (see the module docs).
    ///
    /// # Errors
    ///
    /// [`Error::Input`] with the line number if a line has fewer than three columns, or if the
    /// file holds no pair.
    pub fn parse(path: &Path, text: &str) -> Result<Labels> {
        let mut pairs = Vec::new();
        for (i, line) in text.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() < 3 {
                let problem = InputProblem::BadRecord {
                    line: i as u64 + 1,
                    reason: "expected source, suspect and label separated by tabs".into(),
                };
                return Err(Error::input(path, problem));
            }
            pairs.push((
                cols[0].trim().to_string(),
                cols[1].trim().to_string(),
                cols[2].trim().to_string(),
            ));
        }
        if pairs.is_empty() {
            return Err(Error::input(path, InputProblem::Empty));
        }
        Ok(Labels { pairs })
    }
}

/// Counts for one label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelCount {
    /// The label.
    pub label: String,
    /// Whether it is a positive label.
    pub positive: bool,
    /// Pairs with this label (whose documents were both read).
    pub pairs: usize,
    /// Of those, the flagged ones.
    pub flagged: usize,
    /// The pairs not flagged (positive label) or flagged (negative label): the errors.
    pub errors: Vec<(String, String)>,
}

/// Precision, recall and F1 at one verdict score cut.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// The cut on the verdict score ([`Config::min_score`](crate::Config::min_score)).
    pub min_score: f64,
    /// True positives / all positives.
    pub recall: f64,
    /// True positives / (true positives + false positives).
    pub precision: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

/// The result of an evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// One entry per label, in order of first appearance.
    pub labels: Vec<LabelCount>,
    /// Unlabelled cross pairs (see the module docs) and how many were flagged.
    pub cross_pairs: usize,
    /// The flagged cross pairs: false positives.
    pub cross_flagged: Vec<(String, String)>,
    /// Flagged pairs the labels say nothing about (not scored).
    pub other_flagged: usize,
    /// Labelled pairs whose documents were not all read (not scored).
    pub unknown_ids: Vec<(String, String)>,
    /// The figures at the configured threshold.
    pub at_threshold: Point,
    /// The figures over a range of score cuts.
    pub sweep: Vec<Point>,
}

/// Document ids by the names a labels file may give them: the id itself, or the id without
/// its extension (`g0pA_taska` for `g0pA_taska.txt`); an id spelt out wins over a stem.
pub fn by_stem<'a>(ids: impl IntoIterator<Item = &'a str>) -> HashMap<&'a str, &'a str> {
    let mut by_stem = HashMap::new();
    for id in ids {
        by_stem.insert(id, id);
        if let Some((stem, _)) = id.rsplit_once('.') {
            by_stem.entry(stem).or_insert(id);
        }
    }
    by_stem
}

/// Scores `matches` (found with a [`Config::min_score`] at most the smallest of `sweep`)
/// against `labels`. `ids` are the ids of every document read; `min_score` is the cut in
/// force for the headline figures.
pub fn evaluate(
    matches: &[Match],
    ids: &[String],
    labels: &Labels,
    positive: &[String],
    min_score: f64,
    sweep: &[f64],
) -> Evaluation {
    let by_stem = by_stem(ids.iter().map(String::as_str));
    let key = |a: &str, b: &str| -> (String, String) {
        if a <= b {
            (a.to_string(), b.to_string())
        } else {
            (b.to_string(), a.to_string())
        }
    };
    // The score of each match: duplicates are flagged at any cut.
    let scores: HashMap<(String, String), f64> = matches
        .iter()
        .map(|m| (key(&m.a, &m.b), flag_score(m)))
        .collect();
    let flagged_at = |pair: &(String, String), t: f64| scores.get(pair).is_some_and(|&s| s >= t);

    let mut labelled: BTreeMap<(String, String), &str> = BTreeMap::new();
    let mut unknown_ids = Vec::new();
    let (mut sources, mut suspects) = (BTreeSet::new(), BTreeSet::new());
    let mut order: Vec<&str> = Vec::new();
    for (s, x, label) in &labels.pairs {
        if !order.contains(&label.as_str()) {
            order.push(label);
        }
        match (by_stem.get(s.as_str()), by_stem.get(x.as_str())) {
            (Some(&a), Some(&b)) => {
                sources.insert(a);
                suspects.insert(b);
                labelled.insert(key(a, b), label);
            }
            _ => unknown_ids.push((s.clone(), x.clone())),
        }
    }
    let is_positive = |label: &str| positive.iter().any(|p| p == label);
    // Cross pairs are counted, not listed (there are |sources| x |suspects| of them): the
    // unordered pairs {s, x} with s a source, x a suspect, s != x, less the labelled ones.
    let both = sources.intersection(&suspects).count();
    let unordered = sources.len() * suspects.len() - both - both * both.saturating_sub(1) / 2;
    let cross_pairs = unordered - labelled.keys().filter(|(a, b)| a != b).count();
    let is_cross = |(a, b): &(String, String)| {
        let (a, b) = (a.as_str(), b.as_str());
        a != b
            && !labelled.contains_key(&key(a, b))
            && ((sources.contains(a) && suspects.contains(b))
                || (sources.contains(b) && suspects.contains(a)))
    };
    let mut cross: Vec<&(String, String)> = scores.keys().filter(|p| is_cross(p)).collect();
    cross.sort();

    let point = |t: f64| {
        let (mut tp, mut fp, mut positives) = (0usize, 0usize, 0usize);
        for (pair, label) in &labelled {
            let hit = flagged_at(pair, t);
            if is_positive(label) {
                positives += 1;
                tp += usize::from(hit);
            } else {
                fp += usize::from(hit);
            }
        }
        fp += cross.iter().filter(|p| flagged_at(p, t)).count();
        let ratio = |n: usize, d: usize| if d == 0 { 0.0 } else { n as f64 / d as f64 };
        let (recall, precision) = (ratio(tp, positives), ratio(tp, tp + fp));
        let f1 = if recall + precision == 0.0 {
            0.0
        } else {
            2.0 * recall * precision / (recall + precision)
        };
        Point {
            min_score: t,
            recall,
            precision,
            f1,
        }
    };

    let labels_out = order
        .iter()
        .map(|&label| {
            let pairs: Vec<&(String, String)> = labelled
                .iter()
                .filter(|(_, l)| **l == label)
                .map(|(p, _)| p)
                .collect();
            let flagged = pairs.iter().filter(|p| flagged_at(p, min_score)).count();
            let positive = is_positive(label);
            LabelCount {
                label: label.to_string(),
                positive,
                pairs: pairs.len(),
                flagged,
                errors: pairs
                    .iter()
                    .filter(|p| flagged_at(p, min_score) != positive)
                    .map(|p| (*p).clone())
                    .collect(),
            }
        })
        .collect();
    let cross_flagged: Vec<(String, String)> = cross
        .iter()
        .filter(|p| flagged_at(p, min_score))
        .map(|p| (*p).clone())
        .collect();
    let other_flagged = scores
        .keys()
        .filter(|p| flagged_at(p, min_score))
        .filter(|p| !labelled.contains_key(*p) && !is_cross(p))
        .count();
    Evaluation {
        labels: labels_out,
        cross_pairs,
        cross_flagged,
        other_flagged,
        unknown_ids,
        at_threshold: point(min_score),
        sweep: sweep.iter().map(|&t| point(t)).collect(),
    }
}

/// The score a match needs a cut at most: its verdict score, or for a duplicate any cut.
pub fn flag_score(m: &Match) -> f64 {
    match m.kind {
        Kind::ExactDuplicate | Kind::NearDuplicate => f64::INFINITY,
        _ => m.score,
    }
}

/// Judges each pair on its own, as `neardup compare` does without `--corpus`: an index of
/// the two documents alone, so nothing else (no other document's boilerplate counts) bears
/// on the verdict. Returns each pair's [`Comparison`](crate::Comparison) (flagged or not, with its evidence and
/// the verdict's signals), in order.
/// Pairs are judged in parallel; `progress` is called once per pair, from any thread.
///
/// # Errors
///
/// [`Error::Config`] if `config` is not valid.
pub fn judge_pairs(
    config: &Config,
    pairs: &[(&Document, &Document)],
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<crate::Comparison>> {
    config.validate()?;
    pairs
        .par_iter()
        .map(|(a, b)| {
            let mut index = Index::new(config.clone())?;
            index.insert_batch(vec![(*a).clone(), (*b).clone()])?;
            let judged = index
                .compare(DocId(0), DocId(1))
                .expect("both documents were just inserted");
            progress();
            Ok(judged)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Direction;

    fn rewrite(a: &str, b: &str, score: f64) -> Match {
        Match {
            kind: Kind::Rewrite,
            direction: Direction::Unknown,
            a: a.into(),
            b: b.into(),
            estimated_jaccard: 0.0,
            jaccard: 0.0,
            containment_a: 0.0,
            containment_b: 0.0,
            coverage: Some((score, 0.0)),
            passages: Vec::new(),
            score,
            reused: Vec::new(),
        }
    }

    #[test]
    fn counts_recall_false_positives_and_sweep() {
        let labels = Labels::parse(
            Path::new("pairs.tsv"),
            "source\tsuspect\tlabel\ns1\tx1\tcut\ns1\tx2\tnon\ns2\tx3\tcut\ns1\tgone\tcut\n",
        )
        .unwrap();
        let ids: Vec<String> = ["s1.txt", "s2.txt", "x1.txt", "x2.txt", "x3.txt"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let matches = vec![
            rewrite("s1.txt", "x1.txt", 0.5),  // true positive
            rewrite("x2.txt", "s1.txt", 0.2),  // labelled negative flagged at 0.15
            rewrite("s2.txt", "x1.txt", 0.16), // cross pair flagged at 0.15
            rewrite("x1.txt", "x3.txt", 0.9),  // other: not scored
        ];
        let e = evaluate(&matches, &ids, &labels, &["cut".into()], 0.15, &[0.1, 0.3]);
        assert_eq!(e.labels[0].label, "cut");
        assert_eq!((e.labels[0].pairs, e.labels[0].flagged), (2, 1));
        assert_eq!(e.labels[0].errors, [("s2.txt".into(), "x3.txt".into())]);
        assert_eq!((e.labels[1].pairs, e.labels[1].flagged), (1, 1));
        // Cross pairs: s1-x3, s2-x1, s2-x2.
        assert_eq!(e.cross_pairs, 3);
        assert_eq!(e.cross_flagged, [("s2.txt".into(), "x1.txt".into())]);
        assert_eq!(e.other_flagged, 1);
        assert_eq!(e.unknown_ids, [("s1".into(), "gone".into())]);
        assert_eq!(e.at_threshold.recall, 0.5);
        assert!((e.at_threshold.precision - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(e.sweep[1].precision, 1.0);
    }

    #[test]
    fn short_lines_are_reported_with_their_number() {
        let err = Labels::parse(Path::new("p.tsv"), "h\na\tb\tc\nonly\ttwo\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "p.tsv:3: expected source, suspect and label separated by tabs"
        );
    }
}
