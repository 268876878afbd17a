//! What a run found: [`Match`]es, [`Skipped`] inputs and a [`Summary`], gathered in a
//! [`Report`]; [`text`] and [`json`] write it.

pub mod html;
pub mod json;
pub mod text;

use std::time::Duration;

use crate::align::Passage;
use crate::error::{Error, InputProblem};
use crate::reuse::Reused;

/// The kind of reuse a [`Match`] shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// The normalised texts are equal (same words in the same order).
    ExactDuplicate,
    /// Exact Jaccard of the shingle sets at or above the threshold.
    NearDuplicate,
    /// Below the near-duplicate threshold, but the [verdict](crate::verdict) flags its
    /// reused passages, and they stretch over at least [`WHOLE_SHARE`] of one document:
    /// that document as a whole retells the other, or a part of it (see
    /// [`rewrite`](crate::rewrite)).
    Rewrite,
    /// Below the near-duplicate threshold, and the verdict flags its reused passages, but
    /// they stretch over less than [`WHOLE_SHARE`] of each document: passages of one text
    /// lifted into another, at any share of either.
    PartialCopy,
}

/// Share (of its text, in bytes) of a document that its reused passages must stretch over,
/// from the start of the first to the end of the last, for a flagged pair to be a
/// [`Kind::Rewrite`] rather than a [`Kind::PartialCopy`]: half of one document.
pub const WHOLE_SHARE: f64 = 0.5;

impl Kind {
    /// The name used in reports: `exact-duplicate`, `near-duplicate`, `rewrite` or
    /// `partial-copy`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::ExactDuplicate => "exact-duplicate",
            Kind::NearDuplicate => "near-duplicate",
            Kind::Rewrite => "rewrite",
            Kind::PartialCopy => "partial-copy",
        }
    }
}

/// One reused passage in words, for the text and HTML reports: `source [704, 2086) ~ copy
/// [584, 2285): 260 words, 22% of source, 75% of copy, edited (phrasing 0.30, similarity
/// 0.44)`, with the roles' names `ra` and `rb`.
pub fn describe_reused(p: &Reused, ra: &str, rb: &str) -> String {
    format!(
        "{ra} [{}, {}) ~ {rb} [{}, {}): {} words, {:.0}% of {ra}, {:.0}% of {rb}, {} (phrasing {:.2}, similarity {:.2})",
        p.a.start,
        p.a.end,
        p.b.start,
        p.b.end,
        p.words(),
        p.share_a * 100.0,
        p.share_b * 100.0,
        p.how.as_str(),
        p.phrasing,
        p.similarity
    )
}

/// How the direction of a [`Match`] was decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Direction {
    /// By `published` times: `a` is the earlier document (the source), `b` the copy.
    Timestamp,
    /// By coverage: `b`, the copy, is more covered by `a` than `a` is by `b` (by at least
    /// [`Config::direction_margin`](crate::Config::direction_margin)).
    Coverage,
    /// Not known: `a` and `b` are in index order.
    Unknown,
}

impl Direction {
    /// The name used in reports: `timestamp`, `coverage` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Timestamp => "timestamp",
            Direction::Coverage => "coverage",
            Direction::Unknown => "unknown",
        }
    }

    /// Whether `a` is known to be the source and `b` the copy.
    pub fn is_known(self) -> bool {
        self != Direction::Unknown
    }
}

/// A verified pair of documents.
#[derive(Clone, Debug, PartialEq)]
pub struct Match {
    /// What kind of reuse.
    pub kind: Kind,
    /// Whether `a` is known to be the source, and how that was decided.
    pub direction: Direction,
    /// Id of the first document (the source, when the direction is known).
    pub a: String,
    /// Id of the second document (the copy, when the direction is known).
    pub b: String,
    /// Jaccard estimated from the MinHash signatures.
    pub estimated_jaccard: f64,
    /// Exact Jaccard of the shingle sets.
    pub jaccard: f64,
    /// Share of `a`'s shingles that are also in `b`.
    pub containment_a: f64,
    /// Share of `b`'s shingles that are also in `a`.
    pub containment_b: f64,
    /// For a rewrite: the share of `a` and of `b` covered by aligned passages (see
    /// [`rewrite`](crate::rewrite)); `None` for duplicates, whose containment says the same.
    pub coverage: Option<(f64, f64)>,
    /// The passages the two share, in the order of `a`: for a duplicate, word-for-word
    /// runs; otherwise each pair of aligned sentences.
    pub passages: Vec<Passage>,
    /// How sure the verdict is, in [0, 1], for sorting: the [verdict](crate::verdict) score
    /// of a rewrite or partial copy, 1 for a duplicate.
    pub score: f64,
    /// For a rewrite or partial copy: the reused passages, aligned sentences grouped into
    /// stretches of text with their length, share and kind of reuse (see
    /// [`reuse`](crate::reuse)), in the order of `a`; empty for a duplicate.
    pub reused: Vec<Reused>,
}

impl Match {
    /// The other document of the pair: `b` for `a`'s id, `a` for `b`'s; `None` for an id
    /// that is neither.
    ///
    /// ```
    /// # use neardup::{Config, Document, Index};
    /// let text = "The council approved the new budget on Monday night after a long debate.";
    /// let mut index = Index::new(Config::default())?;
    /// index.insert_batch(vec![Document::new("a", text), Document::new("b", text)])?;
    /// let m = &index.pairs()[0];
    /// assert_eq!(m.other("a"), Some("b"));
    /// assert_eq!(m.other("b"), Some("a"));
    /// assert_eq!(m.other("c"), None);
    /// # Ok::<(), neardup::Error>(())
    /// ```
    pub fn other(&self, id: &str) -> Option<&str> {
        if id == self.a {
            Some(&self.b)
        } else if id == self.b {
            Some(&self.a)
        } else {
            None
        }
    }

    /// The same match with `a` and `b` exchanged (scores and passages follow).
    pub fn swapped(self) -> Match {
        Match {
            a: self.b,
            b: self.a,
            containment_a: self.containment_b,
            containment_b: self.containment_a,
            coverage: self.coverage.map(|(a, b)| (b, a)),
            reused: {
                let mut r: Vec<Reused> = self.reused.into_iter().map(Reused::swapped).collect();
                r.sort_by_key(|p| (p.a, p.b));
                r
            },
            passages: {
                let mut p: Vec<Passage> = self
                    .passages
                    .into_iter()
                    .map(|p| Passage {
                        a: p.b,
                        b: p.a,
                        ..p
                    })
                    .collect();
                p.sort_by_key(|p| (p.a, p.b));
                p
            },
            ..self
        }
    }

    /// The same match with another [`Direction`].
    pub fn with_direction(self, direction: Direction) -> Match {
        Match { direction, ..self }
    }
}

/// Why a pair compared directly (see [`Index::compare`](crate::Index::compare)) was not
/// flagged, with the evidence that fell short.
#[derive(Clone, Debug, PartialEq)]
pub struct NotFlagged {
    /// A stable code for the reason: `no-passages` (no sentences align),
    /// `no-reused-passage` (sentences align, but none make a [reused
    /// passage](crate::reuse)), `quotes-only` (the only passages the two share are
    /// [quotes](crate::reuse::How::Quoted)) or `low-score` (the [verdict](crate::verdict) score is below
    /// [`Config::min_score`](crate::Config::min_score)).
    pub reason: &'static str,
    /// The reason in words, e.g. `2 aligned sentences in 1 reused passage (longest 31 words)
    /// score 0.21; a flag needs 0.50`.
    pub message: String,
    /// The scores and aligned passages of the pair, as a rewrite would have them; its
    /// direction is [`Direction::Unknown`] (a pair not flagged has no source), `a` and `b`
    /// in the order compared.
    pub evidence: Match,
}

impl NotFlagged {
    /// Why `evidence` (a pair's rewrite evidence, as [`Index::compare`](crate::Index::compare)
    /// gives it for a pair it does not flag) falls short of `config`'s rewrite thresholds.
    pub fn new(evidence: Match, config: &crate::Config) -> NotFlagged {
        let n = evidence.passages.len();
        let quotes = evidence
            .reused
            .iter()
            .filter(|p| p.how == crate::reuse::How::Quoted)
            .count();
        let r = evidence.reused.len() - quotes;
        let reason = match (n, r, quotes) {
            (0, _, _) => "no-passages",
            (_, 0, 0) => "no-reused-passage",
            (_, 0, _) => "quotes-only",
            _ => "low-score",
        };
        let message = if n == 0 {
            "no passages align".to_string()
        } else if r == 0 && quotes > 0 {
            format!(
                "{n} aligned sentence{}, but the only passage{} the two share {} quoted",
                if n == 1 { "" } else { "s" },
                if quotes == 1 { "" } else { "s" },
                if quotes == 1 { "is" } else { "are" }
            )
        } else if r == 0 {
            format!(
                "{n} aligned sentence{}, but no reused passage: that takes {} close together, or 1 verbatim{}",
                if n == 1 { "" } else { "s" },
                crate::reuse::MIN_SENTENCES,
                // Several sentences may align and still make none: a list of names and
                // numbers (see `reuse::LIST_ORDINARY`).
                if n >= crate::reuse::MIN_SENTENCES {
                    ", and a list of names and numbers counts only word for word"
                } else {
                    ""
                }
            )
        } else {
            let longest = evidence.reused.iter().map(Reused::words).max().unwrap_or(0);
            format!(
                "{n} aligned sentence{} in {r} reused passage{} (longest {longest} words) score {:.2}; a flag needs {:.2}",
                if n == 1 { "" } else { "s" },
                if r == 1 { "" } else { "s" },
                evidence.score,
                config.min_score
            )
        };
        NotFlagged {
            reason,
            message,
            evidence: evidence.with_direction(Direction::Unknown),
        }
    }
}

/// How serious a skipped input is for the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The input was unusable (empty, binary, not UTF-8, too large, a bad record); the run goes on.
    Warning,
    /// The input could not be read at all (missing, unreadable); the run goes on but exits 2.
    Error,
}

/// An input that was not used, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The file concerned, as given or found, or `FILE:LINE` (`<stdin>:LINE` for standard
    /// input) for a JSONL record (see [`Error::location`]).
    pub path: String,
    /// A stable code for the reason: `missing`, `empty`, `binary`, `not-utf8`, `too-large`,
    /// `bad-record`, `duplicate-id`, `io`.
    pub reason: &'static str,
    /// The whole message, starting with the path.
    pub message: String,
    /// Whether it is a warning or an error.
    pub severity: Severity,
}

impl Skipped {
    /// The skip entry for an input or I/O error. A configuration error is not an input's
    /// problem; it gets the reason `config` (an index file's, `index`).
    pub fn from_error(err: &Error) -> Skipped {
        let (reason, severity) = match err {
            Error::Input { problem, .. } => match problem {
                InputProblem::Missing => ("missing", Severity::Error),
                InputProblem::Empty => ("empty", Severity::Warning),
                InputProblem::Binary { .. } => ("binary", Severity::Warning),
                InputProblem::NotUtf8 { .. } => ("not-utf8", Severity::Warning),
                InputProblem::TooLarge { .. } => ("too-large", Severity::Warning),
                InputProblem::BadRecord { .. } => ("bad-record", Severity::Warning),
                InputProblem::DuplicateId { .. } => ("duplicate-id", Severity::Warning),
            },
            Error::Io { .. } => ("io", Severity::Error),
            Error::Store { .. } => ("index", Severity::Error),
            Error::Config { .. } => ("config", Severity::Error),
        };
        Skipped {
            path: err.location().unwrap_or_default(),
            reason,
            message: err.to_string(),
            severity,
        }
    }
}

/// Totals of a run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    /// Documents read and indexed.
    pub documents: usize,
    /// Bytes of text in those documents.
    pub bytes: u64,
    /// Inputs skipped.
    pub skipped: usize,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
}

/// Everything a run found, in output order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// Flagged pairs.
    pub matches: Vec<Match>,
    /// Inputs not used.
    pub skipped: Vec<Skipped>,
    /// Totals.
    pub summary: Summary,
}

impl Report {
    /// The number of matches of one kind.
    pub fn count(&self, kind: Kind) -> usize {
        self.matches.iter().filter(|m| m.kind == kind).count()
    }
}
