//! `neardup eval DOCS_DIR PAIRS_TSV --positive LABEL…`: the detector against labelled pairs.

use std::io::{self, BufWriter, Write};

use std::collections::HashMap;

use neardup::eval::passages::{self, Case, PanReport, PanScore};
use neardup::eval::{self, Evaluation, Labels, Point};
use neardup::{DocId, Document, Index};
use serde_json::json;

use super::args::{EvalArgs, EvalFormat};
use super::progress::Progress;
use super::{EXIT_CLEAN, steps};

/// The verdict score cuts of the sweep.
const SWEEP: &[f64] = &[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/// Runs the evaluation and prints it; exits 0 when it ran.
pub fn run(args: &EvalArgs) -> Result<u8, String> {
    let config = args.detector.config();
    super::args::validate(&config)?;
    let text = std::fs::read_to_string(&args.pairs)
        .map_err(|e| neardup::Error::io(&args.pairs, e).to_string())?;
    let labels = Labels::parse(&args.pairs, &text).map_err(|e| e.to_string())?;
    let cases = match &args.cases {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| neardup::Error::io(path, e).to_string())?;
            Some(passages::parse_cases(path, &text).map_err(|e| e.to_string())?)
        }
        None => None,
    };
    steps::threads(&args.detector)?;
    let (batch, _) = steps::read(
        std::slice::from_ref(&args.docs),
        &[],
        &config,
        &args.detector,
    );
    if batch.documents.is_empty() {
        return Err(format!(
            "{}: no document could be read",
            args.docs.display()
        ));
    }
    let ids: Vec<String> = batch.documents.iter().map(|d| d.id.clone()).collect();
    let threshold = config.min_score;
    // Find rewrites down to the lowest cut of the sweep, then score at each.
    let lowest = config
        .clone()
        .min_score(SWEEP.iter().copied().fold(threshold, f64::min));
    // The documents stay where they are: in the batch (pairwise) or in the scan's index.
    let scanned: Index;
    let (documents, matches): (Vec<&Document>, _) = if args.pairwise {
        let documents: Vec<&Document> = batch.documents.iter().collect();
        let matches = judge_labelled(
            &lowest,
            &labels,
            &Docs::new(&documents),
            args.detector.quiet,
            args.features.as_deref().map(|path| (path, threshold)),
        )?;
        (documents, matches)
    } else {
        let (index, matches) = steps::detect(lowest, batch.documents, args.detector.quiet)?;
        scanned = index;
        let documents = (0..scanned.len() as u32)
            .filter_map(|i| scanned.document(DocId(i)))
            .collect();
        (documents, matches)
    };
    let docs = Docs::new(&documents);
    let mut result = eval::evaluate(&matches, &ids, &labels, &args.positive, threshold, SWEEP);
    if args.pairwise {
        // Unlabelled pairs were not judged: there are no cross pairs to count.
        result.cross_pairs = 0;
    }
    let scored = cases.map(|cases| score_passages(&cases, &labels, &docs, &matches, threshold));
    let mut out = BufWriter::new(io::stdout().lock());
    let written = match args.format {
        EvalFormat::Json => {
            let mut value = to_json(&result, ids.len(), &args.positive);
            if args.pairwise {
                value["accuracy"] = json!(accuracy(&result));
            }
            if let Some(scored) = &scored {
                value["passages"] = passages_json(scored);
            }
            writeln!(out, "{value}")
        }
        EvalFormat::Text => write_text(&mut out, &result, ids.len(), &args.positive, args.pairwise)
            .and_then(|()| match &scored {
                Some(scored) => write_passages(&mut out, scored),
                None => Ok(()),
            }),
    }
    .and_then(|()| out.flush());
    super::finish_write(written)?;
    Ok(EXIT_CLEAN)
}

/// The documents read, by id and by id without its extension (as labels may name them).
struct Docs<'a> {
    by_stem: HashMap<&'a str, &'a str>,
    by_id: HashMap<&'a str, &'a Document>,
}

impl<'a> Docs<'a> {
    fn new(documents: &[&'a Document]) -> Docs<'a> {
        Docs {
            by_stem: eval::by_stem(documents.iter().map(|d| d.id.as_str())),
            by_id: documents.iter().map(|d| (d.id.as_str(), *d)).collect(),
        }
    }

    fn get(&self, id: &str) -> Option<&'a Document> {
        self.by_id.get(self.by_stem.get(id)?).copied()
    }
}

/// The labelled pairs whose documents were both read, as (source, suspect, label).
fn labelled<'a>(labels: &'a Labels, docs: &Docs<'a>) -> Vec<(&'a Document, &'a Document, &'a str)> {
    let mut seen = std::collections::HashSet::new();
    labels
        .pairs
        .iter()
        .filter_map(|(s, x, label)| Some((docs.get(s)?, docs.get(x)?, label.as_str())))
        .filter(|(s, x, _)| s.id != x.id && seen.insert((s.id.as_str(), x.id.as_str())))
        .collect()
}

/// Judges each labelled pair on its own (`--pairwise`), with a progress bar.
fn judge_labelled(
    config: &neardup::Config,
    labels: &Labels,
    docs: &Docs<'_>,
    quiet: bool,
    features: Option<(&std::path::Path, f64)>,
) -> Result<Vec<neardup::Match>, String> {
    let labelled = labelled(labels, docs);
    let pairs: Vec<(&Document, &Document)> = labelled.iter().map(|&(s, x, _)| (s, x)).collect();
    let progress = Progress::new(quiet);
    let bar = progress.bar("judging", pairs.len() as u64);
    let judged = eval::judge_pairs(config, &pairs, &|| bar.inc(1)).map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    if let Some((path, min_score)) = features {
        write_features(path, min_score, &labelled, &judged)?;
    }
    Ok(judged
        .into_iter()
        .filter(|c| c.flagged)
        .map(|c| c.found)
        .collect())
}

/// Writes the verdict's signals of each judged pair as TSV (`--features`): source, suspect,
/// label, whether flagged at `min_score` (the configured cut, not the sweep's lowest), kind,
/// score, then each signal of [`neardup::verdict::NAMES`] (empty for duplicates, which the
/// verdict does not judge).
fn write_features(
    path: &std::path::Path,
    min_score: f64,
    labelled: &[(&Document, &Document, &str)],
    judged: &[neardup::Comparison],
) -> Result<(), String> {
    let mut text = String::from("source\tsuspect\tlabel\tflagged\tkind\tscore");
    for name in neardup::verdict::NAMES {
        text.push('\t');
        text.push_str(name);
    }
    text.push('\n');
    for ((s, x, label), c) in labelled.iter().zip(judged) {
        let flagged = u8::from(c.flagged && c.found.score >= min_score);
        let row = format!(
            "{}\t{}\t{label}\t{flagged}\t{}\t{:.6}",
            s.id,
            x.id,
            c.found.kind.as_str(),
            c.found.score
        );
        text.push_str(&row);
        match &c.features {
            Some(f) => f
                .vector()
                .iter()
                .for_each(|v| text.push_str(&format!("\t{v:.6}"))),
            None => neardup::verdict::NAMES.iter().for_each(|_| text.push('\t')),
        }
        text.push('\n');
    }
    std::fs::write(path, text).map_err(|e| neardup::Error::io(path, e).to_string())
}

/// Share of labelled pairs judged right at the configured threshold.
fn accuracy(e: &Evaluation) -> f64 {
    let pairs: usize = e.labels.iter().map(|l| l.pairs).sum();
    let right: usize = e.labels.iter().map(|l| l.pairs - l.errors.len()).sum();
    if pairs == 0 {
        0.0
    } else {
        right as f64 / pairs as f64
    }
}

/// The passages of the pairs flagged at `threshold`, scored with PAN's measures against the
/// cases of the labelled pairs whose documents were read.
fn score_passages(
    cases: &[Case],
    labels: &Labels,
    docs: &Docs<'_>,
    matches: &[neardup::Match],
    threshold: f64,
) -> PanReport {
    let pairs = labelled(labels, docs);
    let known: std::collections::HashSet<(&str, &str)> = pairs
        .iter()
        .map(|(s, x, _)| (x.id.as_str(), s.id.as_str()))
        .collect();
    // Case ids as the documents' ids, for the cases of labelled pairs only.
    let cases: Vec<Case> = cases
        .iter()
        .filter_map(|c| {
            let (x, s) = (docs.get(&c.suspect)?, docs.get(&c.source)?);
            known
                .contains(&(x.id.as_str(), s.id.as_str()))
                .then(|| Case {
                    suspect: x.id.clone(),
                    source: s.id.clone(),
                    ..c.clone()
                })
        })
        .collect();
    let flagged = |m: &&neardup::Match| eval::flag_score(m) >= threshold;
    let by_pair: HashMap<(&str, &str), &neardup::Match> = matches
        .iter()
        .filter(flagged)
        .flat_map(|m| {
            [
                ((m.a.as_str(), m.b.as_str()), m),
                ((m.b.as_str(), m.a.as_str()), m),
            ]
        })
        .collect();
    let mut detections = Vec::new();
    let mut order: Vec<String> = Vec::new();
    for (s, x, label) in &pairs {
        if !order.iter().any(|l| l == label) {
            order.push(label.to_string());
        }
        if let Some(m) = by_pair.get(&(x.id.as_str(), s.id.as_str())) {
            for d in passages::detections(m, &x.id, &x.text, &s.text) {
                detections.push((label.to_string(), d));
            }
        }
    }
    passages::pan_report(&cases, &detections, &order)
}

fn write_passages(out: &mut dyn Write, r: &PanReport) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "passages (PAN's measures, in characters):")?;
    writeln!(
        out,
        "  {:<26} {:>6} {:>10} {:>9} {:>7} {:>11} {:>8}",
        "label", "cases", "detections", "precision", "recall", "granularity", "plagdet"
    )?;
    let row = |out: &mut dyn Write, label: &str, p: &PanScore| {
        writeln!(
            out,
            "  {:<26} {:>6} {:>10} {:>9.3} {:>7.3} {:>11.3} {:>8.3}",
            label, p.cases, p.detections, p.precision, p.recall, p.granularity, p.plagdet
        )
    };
    for (label, p) in &r.labels {
        row(out, label, p)?;
    }
    row(out, "(all)", &r.overall)
}

fn pan_json(p: &PanScore) -> serde_json::Value {
    json!({
        "cases": p.cases,
        "detections": p.detections,
        "detected": p.detected,
        "precision": p.precision,
        "recall": p.recall,
        "granularity": p.granularity,
        "plagdet": p.plagdet,
    })
}

fn passages_json(r: &PanReport) -> serde_json::Value {
    json!({
        "overall": pan_json(&r.overall),
        "labels": r.labels.iter().map(|(label, p)| {
            let mut v = pan_json(p);
            v["label"] = json!(label);
            v
        }).collect::<Vec<_>>(),
    })
}

fn write_text(
    out: &mut dyn Write,
    e: &Evaluation,
    documents: usize,
    positive: &[String],
    pairwise: bool,
) -> io::Result<()> {
    let labelled: usize = e.labels.iter().map(|l| l.pairs).sum();
    writeln!(
        out,
        "{documents} documents, {labelled} labelled pairs; positive labels: {}",
        positive.join(", ")
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<24} {:>6} {:>8} {:>7}  meaning",
        "label", "pairs", "flagged", "share"
    )?;
    let share = |n: usize, d: usize| if d == 0 { 0.0 } else { n as f64 / d as f64 };
    for l in &e.labels {
        let meaning = if l.positive {
            "recall"
        } else {
            "false positives"
        };
        writeln!(
            out,
            "{:<24} {:>6} {:>8} {:>7.3}  {meaning}",
            l.label,
            l.pairs,
            l.flagged,
            share(l.flagged, l.pairs)
        )?;
    }
    let cross = e.cross_flagged.len();
    if pairwise {
        writeln!(out, "(unlabelled pairs are not judged with --pairwise)")?;
    } else {
        writeln!(
            out,
            "{:<24} {:>6} {:>8} {:>7.3}  false positives",
            "(unlabelled cross pairs)",
            e.cross_pairs,
            cross,
            share(cross, e.cross_pairs)
        )?;
    }
    writeln!(out)?;
    let p = &e.at_threshold;
    writeln!(
        out,
        "at min_score {:.2}: precision {:.3}, recall {:.3}, F1 {:.3}",
        p.min_score, p.precision, p.recall, p.f1
    )?;
    if pairwise {
        writeln!(
            out,
            "accuracy (every pair judged is labelled): {:.3}",
            accuracy(e)
        )?;
    }
    writeln!(
        out,
        "other flagged pairs, not scored (the labels say nothing about them): {}",
        e.other_flagged
    )?;
    if !e.unknown_ids.is_empty() {
        writeln!(
            out,
            "labelled pairs not scored (a document was not read): {}",
            e.unknown_ids.len()
        )?;
    }
    for l in &e.labels {
        let what = if l.positive { "missed" } else { "flagged" };
        list_errors(out, &format!("{what} ({})", l.label), &l.errors)?;
    }
    list_errors(out, "flagged (unlabelled cross pair)", &e.cross_flagged)?;
    writeln!(out)?;
    writeln!(
        out,
        "sweep of min_score (duplicates are flagged at every value):"
    )?;
    writeln!(
        out,
        "  {:>8} {:>7} {:>9} {:>6}",
        "score", "recall", "precision", "F1"
    )?;
    for p in &e.sweep {
        writeln!(
            out,
            "  {:>8.2} {:>7.3} {:>9.3} {:>6.3}",
            p.min_score, p.recall, p.precision, p.f1
        )?;
    }
    Ok(())
}

/// Names at most `MAX_LISTED` pairs of one kind of error, then says how many more there are
/// (`--format json` lists them all).
fn list_errors(out: &mut dyn Write, what: &str, pairs: &[(String, String)]) -> io::Result<()> {
    const MAX_LISTED: usize = 20;
    for (a, b) in pairs.iter().take(MAX_LISTED) {
        writeln!(out, "  {what}: {a} ~ {b}")?;
    }
    if pairs.len() > MAX_LISTED {
        let more = pairs.len() - MAX_LISTED;
        writeln!(out, "  {what}: … and {more} more (--format json lists all)")?;
    }
    Ok(())
}

fn point(p: &Point) -> serde_json::Value {
    json!({
        "min_score": p.min_score,
        "recall": p.recall,
        "precision": p.precision,
        "f1": p.f1,
    })
}

fn to_json(e: &Evaluation, documents: usize, positive: &[String]) -> serde_json::Value {
    json!({
        "documents": documents,
        "positive": positive,
        "labels": e.labels.iter().map(|l| json!({
            "label": l.label,
            "positive": l.positive,
            "pairs": l.pairs,
            "flagged": l.flagged,
            "errors": l.errors,
        })).collect::<Vec<_>>(),
        "cross_pairs": e.cross_pairs,
        "cross_flagged": e.cross_flagged,
        "other_flagged": e.other_flagged,
        "unknown_ids": e.unknown_ids,
        "at_threshold": point(&e.at_threshold),
        "sweep": e.sweep.iter().map(point).collect::<Vec<_>>(),
    })
}
