//! PAN's measures of passage detection (Potthast et al. 2010, "An evaluation framework for
//! plagiarism detection"): character-level precision and recall, granularity and plagdet.
//!
//! A **case** is a passage of a suspicious document reused from a source document: a range
//! of characters in each. A **detection** is the same for a passage a detector reports. A
//! detection *detects* a case of the same pair of documents when their ranges overlap in
//! both documents. With `|x|` the characters of `x` in both documents together:
//!
//! ```text
//! precision   = mean over detections r of |union over cases s detected by r of (s ∩ r)| / |r|
//! recall      = mean over cases s      of |union over detections r of s of (s ∩ r)| / |s|
//! granularity = mean over detected cases s of the number of detections that detect s
//! plagdet     = F1 / log2(1 + granularity)
//! ```
//!
//! With no detection precision is 0; with no case recall is 0 and granularity 1.
//! Offsets are in characters (Unicode code points), as PAN gives them.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use crate::error::{Error, InputProblem, Result};
use crate::report::Match;

/// A reused passage: where it is in each document of a pair, in characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    /// The suspicious document (the one that reuses).
    pub suspect: String,
    /// The source document.
    pub source: String,
    /// The case's label (PAN: its obfuscation class).
    pub label: String,
    /// Its characters in the suspect.
    pub in_suspect: Range<usize>,
    /// Its characters in the source.
    pub in_source: Range<usize>,
}

/// Reads a cases file: TSV with a header naming at least the columns `suspect`, `source`,
/// `label`, `this_offset`, `this_length`, `source_offset` and `source_length` (PAN's layout:
/// `this_*` is the span in the suspect), in any order; other columns are ignored. Ids are
/// as written (they may leave out the file extension, as pairs files do).
///
/// # Errors
///
/// [`Error::Input`] naming the file and line for a missing column, a short line or a
/// number that does not parse; [`InputProblem::Empty`] if it holds no case.
pub fn parse_cases(path: &Path, text: &str) -> Result<Vec<Case>> {
    let mut lines = text.lines().enumerate();
    let bad = |line: usize, reason: String| {
        let problem = InputProblem::BadRecord {
            line: line as u64 + 1,
            reason,
        };
        Error::input(path, problem)
    };
    let header: Vec<&str> = match lines.next() {
        Some((_, line)) => line.split('\t').map(str::trim).collect(),
        None => return Err(Error::input(path, InputProblem::Empty)),
    };
    let names = [
        "suspect",
        "source",
        "label",
        "this_offset",
        "this_length",
        "source_offset",
        "source_length",
    ];
    let mut at = [0usize; 7];
    for (slot, name) in at.iter_mut().zip(names) {
        *slot = header
            .iter()
            .position(|h| *h == name)
            .ok_or_else(|| bad(0, format!("the header has no column {name:?}")))?;
    }
    let mut cases = Vec::new();
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        let col = |k: usize| {
            cols.get(at[k])
                .copied()
                .ok_or_else(|| bad(i, format!("no {:?} column", names[k])))
        };
        let number = |k: usize| -> Result<usize> {
            let v = col(k)?;
            v.parse()
                .map_err(|_| bad(i, format!("{} is not a whole number: {v:?}", names[k])))
        };
        let (this, this_len, src, src_len) = (number(3)?, number(4)?, number(5)?, number(6)?);
        cases.push(Case {
            suspect: col(0)?.to_string(),
            source: col(1)?.to_string(),
            label: col(2)?.to_string(),
            in_suspect: this..this + this_len,
            in_source: src..src + src_len,
        });
    }
    if cases.is_empty() {
        return Err(Error::input(path, InputProblem::Empty));
    }
    Ok(cases)
}

/// A reported passage: where it is in each document of a pair, in characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detection {
    /// The suspicious document.
    pub suspect: String,
    /// The source document.
    pub source: String,
    /// Its characters in the suspect.
    pub in_suspect: Range<usize>,
    /// Its characters in the source.
    pub in_source: Range<usize>,
}

/// PAN's measures over a set of cases and detections.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PanScore {
    /// Cases scored.
    pub cases: usize,
    /// Detections scored.
    pub detections: usize,
    /// Cases detected by at least one detection.
    pub detected: usize,
    /// Character-level precision (macro-averaged over detections).
    pub precision: f64,
    /// Character-level recall (macro-averaged over cases).
    pub recall: f64,
    /// Detections per detected case.
    pub granularity: f64,
    /// F1 / log2(1 + granularity).
    pub plagdet: f64,
}

/// Scores `detections` against `cases` (see the module docs). Ids must be spelt alike in
/// both; a detection of a pair without cases only lowers precision.
pub fn pan_score(cases: &[&Case], detections: &[&Detection]) -> PanScore {
    let by_pair = grouped(detections);
    let cases_by_pair = grouped(cases);
    let detects = |d: &Detection, c: &Case| {
        overlap(&d.in_suspect, &c.in_suspect) > 0 && overlap(&d.in_source, &c.in_source) > 0
    };
    let (mut recall_sum, mut detected, mut granules) = (0.0, 0usize, 0usize);
    for c in cases {
        let found: Vec<&Detection> = by_pair
            .get(&(c.suspect.as_str(), c.source.as_str()))
            .map(|ds| ds.iter().copied().filter(|d| detects(d, c)).collect())
            .unwrap_or_default();
        if found.is_empty() {
            continue;
        }
        detected += 1;
        granules += found.len();
        let covered = covered(&c.in_suspect, found.iter().map(|d| &d.in_suspect))
            + covered(&c.in_source, found.iter().map(|d| &d.in_source));
        recall_sum += covered as f64 / size(c.in_suspect.len() + c.in_source.len());
    }
    let mut precision_sum = 0.0;
    for d in detections {
        let found: Vec<&Case> = cases_by_pair
            .get(&(d.suspect.as_str(), d.source.as_str()))
            .map(|cs| cs.iter().copied().filter(|c| detects(d, c)).collect())
            .unwrap_or_default();
        let covered = covered(&d.in_suspect, found.iter().map(|c| &c.in_suspect))
            + covered(&d.in_source, found.iter().map(|c| &c.in_source));
        precision_sum += covered as f64 / size(d.in_suspect.len() + d.in_source.len());
    }
    let mean = |sum: f64, n: usize| if n == 0 { 0.0 } else { sum / n as f64 };
    let precision = mean(precision_sum, detections.len());
    let recall = mean(recall_sum, cases.len());
    let granularity = if detected == 0 {
        1.0
    } else {
        granules as f64 / detected as f64
    };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    PanScore {
        cases: cases.len(),
        detections: detections.len(),
        detected,
        precision,
        recall,
        granularity,
        plagdet: f1 / (1.0 + granularity).log2(),
    }
}

/// PAN's measures per label and overall (see [`pan_report`]).
#[derive(Clone, Debug, PartialEq)]
pub struct PanReport {
    /// Over every case and detection.
    pub overall: PanScore,
    /// For each label: its cases, and the detections in pairs of that label.
    pub labels: Vec<(String, PanScore)>,
}

/// Scores `detections`, each with the label of its pair, against `cases`: overall, and for
/// each of `labels` (in that order) over the cases with that label and the detections in
/// pairs with that label.
pub fn pan_report(
    cases: &[Case],
    detections: &[(String, Detection)],
    labels: &[String],
) -> PanReport {
    let all_cases: Vec<&Case> = cases.iter().collect();
    let all: Vec<&Detection> = detections.iter().map(|(_, d)| d).collect();
    let per_label = labels
        .iter()
        .map(|label| {
            let c: Vec<&Case> = cases.iter().filter(|c| &c.label == label).collect();
            let d: Vec<&Detection> = detections
                .iter()
                .filter(|(l, _)| l == label)
                .map(|(_, d)| d)
                .collect();
            (label.clone(), pan_score(&c, &d))
        })
        .collect();
    PanReport {
        overall: pan_score(&all_cases, &all),
        labels: per_label,
    }
}

/// A case or a detection: something of one (suspect, source) pair.
trait OfPair {
    fn pair(&self) -> (&str, &str);
}

impl OfPair for Case {
    fn pair(&self) -> (&str, &str) {
        (&self.suspect, &self.source)
    }
}

impl OfPair for Detection {
    fn pair(&self) -> (&str, &str) {
        (&self.suspect, &self.source)
    }
}

/// `items` by their (suspect, source) pair, in order.
fn grouped<'a, T: OfPair>(items: &[&'a T]) -> HashMap<(&'a str, &'a str), Vec<&'a T>> {
    let mut out: HashMap<(&str, &str), Vec<&T>> = HashMap::new();
    for item in items {
        out.entry(item.pair()).or_default().push(item);
    }
    out
}

/// A length as a divisor (an empty range counts as one character, so nothing divides by 0).
fn size(n: usize) -> f64 {
    n.max(1) as f64
}

fn overlap(a: &Range<usize>, b: &Range<usize>) -> usize {
    a.end.min(b.end).saturating_sub(a.start.max(b.start))
}

/// How many characters of `range` the union of `others` covers.
fn covered<'a>(range: &Range<usize>, others: impl Iterator<Item = &'a Range<usize>>) -> usize {
    let mut parts: Vec<Range<usize>> = others
        .map(|o| o.start.max(range.start)..o.end.min(range.end))
        .filter(|r| r.start < r.end)
        .collect();
    parts.sort_by_key(|r| r.start);
    let (mut total, mut reach) = (0, range.start);
    for r in parts {
        let start = r.start.max(reach);
        if r.end > start {
            total += r.end - start;
            reach = r.end;
        }
    }
    total
}

/// The passages of `m` as detections, in characters: `suspect` is the id of one of its
/// documents (`m.a` or `m.b`), the other is the source; `suspect_text` and `source_text` are
/// their texts. Empty if `suspect` is neither.
pub fn detections(
    m: &Match,
    suspect: &str,
    suspect_text: &str,
    source_text: &str,
) -> Vec<Detection> {
    let Some(source) = m.other(suspect) else {
        return Vec::new();
    };
    let (in_suspect, in_source) = (char_offsets(suspect_text), char_offsets(source_text));
    let chars = |offsets: &[usize], span: crate::Span| offsets[span.start]..offsets[span.end];
    // A rewrite or partial copy reports its reused passages (sentences grouped into
    // stretches of text, as PAN's cases are); a duplicate its shared runs.
    let spans: Vec<(crate::Span, crate::Span)> = if m.reused.is_empty() {
        m.passages.iter().map(|p| (p.a, p.b)).collect()
    } else {
        m.reused.iter().map(|p| (p.a, p.b)).collect()
    };
    spans
        .iter()
        .map(|p| {
            let (s, r) = if suspect == m.a {
                (p.0, p.1)
            } else {
                (p.1, p.0)
            };
            Detection {
                suspect: suspect.to_string(),
                source: source.to_string(),
                in_suspect: chars(&in_suspect, s),
                in_source: chars(&in_source, r),
            }
        })
        .collect()
}

/// Character offsets of byte offsets in `text`: `chars[b]` is the number of characters
/// before byte `b` (for every byte offset up to and including `text.len()`).
pub fn char_offsets(text: &str) -> Vec<usize> {
    let mut out = vec![0; text.len() + 1];
    let mut n = 0;
    for (i, c) in text.char_indices() {
        out[i..i + c.len_utf8()].fill(n);
        n += 1;
    }
    out[text.len()] = n;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(s: Range<usize>, r: Range<usize>) -> Case {
        Case {
            suspect: "x".into(),
            source: "y".into(),
            label: "l".into(),
            in_suspect: s,
            in_source: r,
        }
    }

    fn det(s: Range<usize>, r: Range<usize>) -> Detection {
        Detection {
            suspect: "x".into(),
            source: "y".into(),
            in_suspect: s,
            in_source: r,
        }
    }

    fn score(cases: &[Case], dets: &[Detection]) -> PanScore {
        let c: Vec<&Case> = cases.iter().collect();
        let d: Vec<&Detection> = dets.iter().collect();
        pan_score(&c, &d)
    }

    /// Hand-computed examples, exact to 1e-12.
    #[test]
    fn measures_match_hand_computed_values() {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        // A perfect detection.
        let s = score(&[case(0..100, 0..100)], &[det(0..100, 0..100)]);
        assert!(close(s.precision, 1.0) && close(s.recall, 1.0) && close(s.plagdet, 1.0));
        // Two halves: recall 1, precision 1, granularity 2: plagdet 1 / log2(3).
        let s = score(
            &[case(0..100, 0..100)],
            &[det(0..50, 0..50), det(50..100, 50..100)],
        );
        assert!(close(s.granularity, 2.0));
        assert!(close(s.plagdet, 1.0 / 3f64.log2()), "{s:?}");
        // Half the case found, and a detection twice as long as what it finds.
        let s = score(&[case(0..100, 0..100)], &[det(50..150, 50..150)]);
        assert!(close(s.recall, 0.5) && close(s.precision, 0.5), "{s:?}");
        // A detection that overlaps only in the suspect detects nothing.
        let s = score(&[case(0..100, 0..100)], &[det(0..100, 500..600)]);
        assert_eq!(s.detected, 0);
        assert!(close(s.precision, 0.0) && close(s.recall, 0.0) && close(s.plagdet, 0.0));
        // A false detection in another pair halves precision.
        let mut other = det(0..10, 0..10);
        other.source = "z".into();
        let s = score(&[case(0..100, 0..100)], &[det(0..100, 0..100), other]);
        assert!(close(s.precision, 0.5) && close(s.recall, 1.0), "{s:?}");
        // No detections, no cases.
        let s = score(&[], &[]);
        assert!(close(s.plagdet, 0.0) && close(s.granularity, 1.0));
    }

    /// A verbatim copy found by the index becomes detections whose character ranges hold
    /// the same text in both documents, for either document as the suspect.
    #[test]
    fn detections_are_in_characters_of_each_side() {
        use crate::{Config, DocId, Document, Index};
        let copied =
            "The minister resigned on Monday after a long row over his expenses, aides said.";
        let source = format!("Café owners protested. {copied} Nothing else happened.");
        let suspect = format!("Ünïcode first: {copied}");
        let mut index = Index::new(Config::default()).unwrap();
        let docs = vec![
            Document::new("src", source.clone()),
            Document::new("sus", suspect.clone()),
        ];
        index.insert_batch(docs).unwrap();
        let m = index.compare(DocId(0), DocId(1)).unwrap().found;
        assert!(!m.passages.is_empty());
        let chars =
            |t: &str, r: &Range<usize>| t.chars().skip(r.start).take(r.len()).collect::<String>();
        for d in detections(&m, "sus", &suspect, &source) {
            assert_eq!((d.suspect.as_str(), d.source.as_str()), ("sus", "src"));
            assert_eq!(chars(&suspect, &d.in_suspect), chars(&source, &d.in_source));
            assert!(chars(&suspect, &d.in_suspect).contains("resigned"));
        }
        let flipped = detections(&m, "src", &source, &suspect);
        assert_eq!(flipped.len(), m.passages.len());
        assert!(detections(&m, "other", "", "").is_empty());
    }

    #[test]
    fn char_offsets_count_code_points() {
        let text = "aé€b";
        let chars = char_offsets(text);
        assert_eq!(chars.len(), text.len() + 1);
        assert_eq!(chars[0], 0);
        assert_eq!(chars[1], 1); // é starts at byte 1
        assert_eq!(chars[3], 2); // € starts at byte 3
        assert_eq!(chars[6], 3); // b
        assert_eq!(chars[7], 4);
    }

    #[test]
    fn cases_parse_by_column_name_and_bad_lines_are_named() {
        let text = "suspect\tsource\tlabel\tobfuscation\ttype\tthis_offset\tthis_length\tsource_offset\tsource_length\n\
                    s1\tr1\tno-obfuscation\tnone\tartificial\t10\t5\t20\t6\n";
        let cases = parse_cases(Path::new("cases.tsv"), text).unwrap();
        assert_eq!(
            cases,
            [Case {
                suspect: "s1".into(),
                source: "r1".into(),
                label: "no-obfuscation".into(),
                in_suspect: 10..15,
                in_source: 20..26,
            }]
        );
        let bad = format!("{}s2\tr2\tx\tnone\tartificial\tten\t5\t20\t6\n", text);
        let err = parse_cases(Path::new("cases.tsv"), &bad)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("cases.tsv") && err.contains('3') && err.contains("this_offset"),
            "{err}"
        );
        let err = parse_cases(Path::new("c.tsv"), "suspect\tsource\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("label"), "{err}");
    }
}
