//! JSON Lines and JSON output. This file is the only one that knows the key names.
//!
//! `--format jsonl` writes one object per line: a `pair` record per flagged pair, a `skipped`
//! record per input not used, and a last `summary` record. Scores are rounded to 4 decimals,
//! `elapsed_seconds` to 3.
//!
//! ```text
//! {"type":"pair","kind":"near-duplicate","source":"wire/0412.txt","copy":"site/88.txt","direction":"timestamp","jaccard":0.8125,"estimated_jaccard":0.7969,"containment":{"source":0.9,"copy":0.8864},"passages":[{"source":[0,1208],"copy":[112,1320],"similarity":1.0}]}
//! {"type":"pair","kind":"exact-duplicate","a":"business-007.txt","b":"business-253.txt","direction":"unknown","jaccard":1.0,"estimated_jaccard":1.0,"containment":{"a":1.0,"b":1.0},"passages":[{"a":[0,2391],"b":[0,2391],"similarity":1.0}]}
//! {"type":"pair","kind":"partial-copy","source":"wire/0412.txt","copy":"site/91.txt","direction":"timestamp","jaccard":0.0312,"estimated_jaccard":0.0234,"containment":{"source":0.0781,"copy":0.0421},"coverage":{"source":0.2011,"copy":0.0912},"passages":[{"source":[1014,1226],"copy":[3324,3536],"similarity":1.0},…],"score":0.9961,"reused":[{"source":[1014,1731],"copy":[3324,4041],"words":{"source":121,"copy":121},"share":{"source":0.1893,"copy":0.0387},"sentences":{"source":4,"copy":4},"similarity":0.9812,"phrasing":0.9903,"quoted":0.0,"how":"verbatim"}]}
//! {"type":"skipped","path":"news/bad.bin","reason":"binary","severity":"warning","message":"news/bad.bin: binary file (NUL byte at byte 12)"}
//! {"type":"summary","documents":2225,"bytes":5031152,"pairs":102,"exact_duplicates":100,"near_duplicates":2,"rewrites":0,"partial_copies":0,"skipped":1,"elapsed_seconds":0.412}
//! ```
//!
//! The two documents of a pair are named by role: `source` and `copy` when the direction is
//! known, else `a` and `b`; `containment`, `coverage` and each passage use the same role names
//! as keys. `containment.X` is the share of X's shingles found in the other document;
//! `coverage.X` (rewrites and partial copies) the share of X's passage weight that is
//! aligned; a passage gives `[start, end)` byte offsets into each original text and the
//! passages' similarity. `score` is the verdict's score (1 for duplicates); `reused`
//! (rewrites and partial copies) lists the reused passages with their words, shares and
//! sentences by role, similarity, phrasing, quoted share and `how` (`verbatim`, `edited`,
//! `paraphrased` or `quoted`).
//!
//! `--format json` writes one document: `{"pairs":[…],"skipped":[…],"summary":{…}}`, with the
//! same records.
//!
//! `neardup compare` writes the same records for its pair ([`write_comparison_jsonl`],
//! [`write_comparison_json`]) and, for a pair not flagged, a `not_flagged` record after the
//! pairs (in JSON, a `"not_flagged"` list after `"pairs"`): the ids as given, a stable
//! `reason` (`no-passages`, `no-reused-passage`, `quotes-only`, `low-score`), its `message`, and the
//! evidence's scores and passages as a pair record has them, keyed `a` and `b`:
//!
//! ```text
//! {"type":"not_flagged","a":"000.txt","b":"003.txt","reason":"no-reused-passage","message":"1 aligned sentence, but no reused passage: that takes 2 close together, or 1 verbatim","jaccard":0.0044,"estimated_jaccard":0.0,"containment":{"a":0.0073,"b":0.0108},"coverage":{"a":0.0479,"b":0.0355},"passages":[{"a":[704,951],"b":[3212,3345],"similarity":0.403}],"score":0.0,"reused":[]}
//! ```

use std::io::{self, Write};

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::align::Passage;
use crate::report::{Match, NotFlagged, Report, Severity, Skipped, Summary};
use crate::reuse::Reused;

/// Pair records formatted per task by [`write_jsonl`].
const RECORDS_PER_TASK: usize = 1024;

/// Writes the report as JSON Lines: pairs, then skipped inputs, then the summary.
///
/// # Errors
///
/// Any error of the writer.
pub fn write_jsonl(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    write_jsonl_with(out, report, None)
}

/// Writes the report of `neardup compare` as JSON Lines: the records [`write_jsonl`] writes
/// (the pair record if the pair is flagged), with a `not_flagged` record after the pairs
/// when `not_flagged` is given.
///
/// # Errors
///
/// Any error of the writer.
pub fn write_comparison_jsonl(
    out: &mut dyn Write,
    report: &Report,
    not_flagged: Option<&NotFlagged>,
) -> io::Result<()> {
    write_jsonl_with(out, report, not_flagged)
}

/// Writes the report of `neardup compare` as one JSON document: the keys [`write_json`]
/// writes, plus `"not_flagged"`, a list holding the `not_flagged` record if given.
///
/// # Errors
///
/// Any error of the writer.
pub fn write_comparison_json(
    out: &mut dyn Write,
    report: &Report,
    not_flagged: Option<&NotFlagged>,
) -> io::Result<()> {
    write_json_with(out, report, Some(not_flagged))
}

fn write_jsonl_with(
    out: &mut dyn Write,
    report: &Report,
    not_flagged: Option<&NotFlagged>,
) -> io::Result<()> {
    use rayon::prelude::*;
    // Records are formatted in parallel, a block at a time (so memory stays bounded), and
    // written in order.
    for block in report.matches.chunks(RECORDS_PER_TASK * 16) {
        let texts: Vec<Vec<u8>> = block
            .par_chunks(RECORDS_PER_TASK)
            .map(|chunk| {
                let mut text = Vec::with_capacity(chunk.len() * 256);
                for m in chunk {
                    line(&mut text, &PairRecord(m))?;
                }
                Ok(text)
            })
            .collect::<io::Result<_>>()?;
        for text in texts {
            out.write_all(&text)?;
        }
    }
    if let Some(n) = not_flagged {
        line(out, &NotFlaggedRecord(n))?;
    }
    for s in &report.skipped {
        line(out, &SkippedRecord(s))?;
    }
    line(out, &SummaryRecord(report))
}

/// Writes the report as one JSON document, followed by a newline.
///
/// # Errors
///
/// Any error of the writer.
pub fn write_json(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    write_json_with(out, report, None)
}

/// [`write_json`], with a `"not_flagged"` list after `"pairs"` if `not_flagged` is `Some`.
fn write_json_with(
    out: &mut dyn Write,
    report: &Report,
    not_flagged: Option<Option<&NotFlagged>>,
) -> io::Result<()> {
    let mut ser = serde_json::Serializer::new(&mut *out);
    let keys = 3 + usize::from(not_flagged.is_some());
    let mut map = ser.serialize_map(Some(keys)).map_err(io::Error::from)?;
    let pairs: Vec<PairRecord<'_>> = report.matches.iter().map(PairRecord).collect();
    let skipped: Vec<SkippedRecord<'_>> = report.skipped.iter().map(SkippedRecord).collect();
    map.serialize_entry("pairs", &pairs)?;
    if let Some(n) = not_flagged {
        let records: Vec<NotFlaggedRecord<'_>> = n.into_iter().map(NotFlaggedRecord).collect();
        map.serialize_entry("not_flagged", &records)?;
    }
    map.serialize_entry("skipped", &skipped)?;
    map.serialize_entry("summary", &SummaryRecord(report))?;
    map.end()?;
    writeln!(out)
}

/// One record as a line. Generic in the writer, so that formatting into a `Vec<u8>` (as
/// the parallel blocks do) appends each piece in place rather than through a `dyn Write`.
fn line<W: Write + ?Sized>(out: &mut W, record: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, record)?;
    out.write_all(b"\n")
}

/// A score rounded to 4 decimals, so output is short and stable.
fn score(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

struct PairRecord<'a>(&'a Match);

impl Serialize for PairRecord<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let m = self.0;
        let mut map = ser.serialize_map(Some(10))?;
        map.serialize_entry("type", "pair")?;
        map.serialize_entry("kind", m.kind.as_str())?;
        let (ra, rb) = roles(m);
        map.serialize_entry(ra, &m.a)?;
        map.serialize_entry(rb, &m.b)?;
        map.serialize_entry("direction", m.direction.as_str())?;
        scores(&mut map, m)?;
        map.end()
    }
}

/// The names of a pair's roles: `source` and `copy` when the direction is known, else `a`
/// and `b`.
fn roles(m: &Match) -> (&'static str, &'static str) {
    if m.direction.is_known() {
        ("source", "copy")
    } else {
        ("a", "b")
    }
}

/// The scores and passages of a pair record, keyed by role.
fn scores<M: SerializeMap>(map: &mut M, m: &Match) -> Result<(), M::Error> {
    let (ra, rb) = roles(m);
    map.serialize_entry("jaccard", &score(m.jaccard))?;
    map.serialize_entry("estimated_jaccard", &score(m.estimated_jaccard))?;
    let containment = Roles(ra, score(m.containment_a), rb, score(m.containment_b));
    map.serialize_entry("containment", &containment)?;
    if let Some((ca, cb)) = m.coverage {
        map.serialize_entry("coverage", &Roles(ra, score(ca), rb, score(cb)))?;
    }
    let passages: Vec<PassageRecord<'_>> = m
        .passages
        .iter()
        .map(|p| PassageRecord(ra, rb, p))
        .collect();
    map.serialize_entry("passages", &passages)?;
    map.serialize_entry("score", &score(m.score))?;
    if m.coverage.is_some() {
        let reused: Vec<ReusedRecord<'_>> =
            m.reused.iter().map(|p| ReusedRecord(ra, rb, p)).collect();
        map.serialize_entry("reused", &reused)?;
    }
    Ok(())
}

/// A reused passage: spans, words, shares and sentences by role, then its similarity,
/// phrasing and kind of reuse.
struct ReusedRecord<'a>(&'static str, &'static str, &'a Reused);

impl Serialize for ReusedRecord<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let ReusedRecord(ra, rb, p) = *self;
        let mut map = ser.serialize_map(Some(8))?;
        map.serialize_entry(ra, &[p.a.start, p.a.end])?;
        map.serialize_entry(rb, &[p.b.start, p.b.end])?;
        map.serialize_entry("words", &Roles(ra, p.words_a, rb, p.words_b))?;
        map.serialize_entry("share", &Roles(ra, score(p.share_a), rb, score(p.share_b)))?;
        map.serialize_entry("sentences", &Roles(ra, p.sentences_a, rb, p.sentences_b))?;
        map.serialize_entry("similarity", &score(p.similarity))?;
        map.serialize_entry("phrasing", &score(p.phrasing))?;
        map.serialize_entry("quoted", &score(p.quoted))?;
        map.serialize_entry("how", p.how.as_str())?;
        map.end()
    }
}

/// Why a compared pair was not flagged, with its evidence as a pair record has it (roles
/// `a` and `b`: a pair not flagged has no source).
struct NotFlaggedRecord<'a>(&'a NotFlagged);

impl Serialize for NotFlaggedRecord<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let n = self.0;
        let mut map = ser.serialize_map(Some(10))?;
        map.serialize_entry("type", "not_flagged")?;
        map.serialize_entry("a", &n.evidence.a)?;
        map.serialize_entry("b", &n.evidence.b)?;
        map.serialize_entry("reason", n.reason)?;
        map.serialize_entry("message", &n.message)?;
        scores(&mut map, &n.evidence)?;
        map.end()
    }
}

/// A passage: `{"a": [start, end], "b": [start, end], "similarity": x}` with role names.
struct PassageRecord<'a>(&'static str, &'static str, &'a Passage);

impl Serialize for PassageRecord<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let PassageRecord(ra, rb, p) = *self;
        let mut map = ser.serialize_map(Some(3))?;
        map.serialize_entry(ra, &[p.a.start, p.a.end])?;
        map.serialize_entry(rb, &[p.b.start, p.b.end])?;
        map.serialize_entry("similarity", &score(p.similarity))?;
        map.end()
    }
}

/// Two values keyed by role name: `{"source": x, "copy": y}`.
struct Roles<T>(&'static str, T, &'static str, T);

impl<T: Serialize> Serialize for Roles<T> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut map = ser.serialize_map(Some(2))?;
        map.serialize_entry(self.0, &self.1)?;
        map.serialize_entry(self.2, &self.3)?;
        map.end()
    }
}

struct SkippedRecord<'a>(&'a Skipped);

impl Serialize for SkippedRecord<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let s = self.0;
        let severity = match s.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        let mut map = ser.serialize_map(Some(5))?;
        map.serialize_entry("type", "skipped")?;
        map.serialize_entry("path", &s.path)?;
        map.serialize_entry("reason", s.reason)?;
        map.serialize_entry("severity", severity)?;
        map.serialize_entry("message", &s.message)?;
        map.end()
    }
}

struct SummaryRecord<'a>(&'a Report);

impl Serialize for SummaryRecord<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use crate::report::Kind;
        let r = self.0;
        let Summary {
            documents,
            bytes,
            skipped,
            elapsed,
        } = &r.summary;
        let mut map = ser.serialize_map(Some(9))?;
        map.serialize_entry("type", "summary")?;
        map.serialize_entry("documents", documents)?;
        map.serialize_entry("bytes", bytes)?;
        map.serialize_entry("pairs", &r.matches.len())?;
        map.serialize_entry("exact_duplicates", &r.count(Kind::ExactDuplicate))?;
        map.serialize_entry("near_duplicates", &r.count(Kind::NearDuplicate))?;
        map.serialize_entry("rewrites", &r.count(Kind::Rewrite))?;
        map.serialize_entry("partial_copies", &r.count(Kind::PartialCopy))?;
        map.serialize_entry("skipped", skipped)?;
        let seconds = (elapsed.as_secs_f64() * 1000.0).round() / 1000.0;
        map.serialize_entry("elapsed_seconds", &seconds)?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Span;
    use crate::report::{Direction, Kind};

    fn sample() -> Report {
        Report {
            matches: vec![Match {
                kind: Kind::NearDuplicate,
                direction: Direction::Timestamp,
                a: "s".into(),
                b: "c".into(),
                estimated_jaccard: 0.796875,
                jaccard: 0.8125,
                containment_a: 0.9,
                containment_b: 0.886363,
                coverage: None,
                passages: vec![Passage {
                    a: Span::new(0, 12),
                    b: Span::new(3, 15),
                    similarity: 1.0,
                }],
                score: 1.0,
                reused: Vec::new(),
            }],
            skipped: vec![Skipped {
                path: "x.bin".into(),
                reason: "binary",
                message: "x.bin: binary file (NUL byte at byte 0)".into(),
                severity: Severity::Warning,
            }],
            summary: Summary {
                documents: 2,
                bytes: 30,
                skipped: 1,
                elapsed: std::time::Duration::from_millis(1234),
            },
        }
    }

    #[test]
    fn jsonl_lines_have_type_first_and_role_keys() {
        let mut out = Vec::new();
        write_jsonl(&mut out, &sample()).unwrap();
        let text = String::from_utf8(out).unwrap();
        let want = concat!(
            r#"{"type":"pair","kind":"near-duplicate","source":"s","copy":"c","direction":"timestamp","jaccard":0.8125,"estimated_jaccard":0.7969,"containment":{"source":0.9,"copy":0.8864},"passages":[{"source":[0,12],"copy":[3,15],"similarity":1.0}],"score":1.0}"#,
            "\n",
            r#"{"type":"skipped","path":"x.bin","reason":"binary","severity":"warning","message":"x.bin: binary file (NUL byte at byte 0)"}"#,
            "\n",
            r#"{"type":"summary","documents":2,"bytes":30,"pairs":1,"exact_duplicates":0,"near_duplicates":1,"rewrites":0,"partial_copies":0,"skipped":1,"elapsed_seconds":1.234}"#,
            "\n",
        );
        assert_eq!(text, want);
    }

    /// Many records (formatted in parallel blocks) come out in order, one per line, each as
    /// one record alone would be written.
    #[test]
    fn jsonl_keeps_the_order_of_many_records() {
        let mut report = sample();
        let one = report.matches[0].clone();
        report.matches = (0..RECORDS_PER_TASK * 40 + 7)
            .map(|i| Match {
                a: format!("a{i}"),
                ..one.clone()
            })
            .collect();
        let mut out = Vec::new();
        write_jsonl(&mut out, &report).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), report.matches.len() + 2);
        for (i, m) in report.matches.iter().enumerate() {
            let mut alone = Vec::new();
            line(&mut alone, &PairRecord(m)).unwrap();
            assert_eq!(format!("{}\n", lines[i]).as_bytes(), alone, "record {i}");
        }
    }

    #[test]
    fn json_document_holds_the_same_records() {
        let mut out = Vec::new();
        write_json(&mut out, &sample()).unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(doc["pairs"][0]["copy"], "c");
        assert_eq!(doc["skipped"][0]["reason"], "binary");
        assert_eq!(doc["summary"]["pairs"], 1);
    }
}
