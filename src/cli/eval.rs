//! `neardup eval DOCS_DIR PAIRS_TSV --positive LABEL…`: the detector against labelled pairs.

use std::io::{self, BufWriter, Write};

use neardup::eval::{self, Evaluation, Labels, Point};
use serde_json::json;

use super::args::{EvalArgs, Format};
use super::{EXIT_CLEAN, steps};

/// The rewrite coverage thresholds of the sweep.
const SWEEP: &[f64] = &[0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5];

/// Runs the evaluation and prints it; exits 0 when it ran.
pub fn run(args: &EvalArgs) -> Result<u8, String> {
    let config = args.detector.config();
    super::args::validate(&config)?;
    let text = std::fs::read_to_string(&args.pairs)
        .map_err(|e| neardup::Error::io(&args.pairs, e).to_string())?;
    let labels = Labels::parse(&args.pairs, &text).map_err(|e| e.to_string())?;
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
    let threshold = config.rewrite_coverage;
    // Find rewrites down to the lowest threshold of the sweep, then score at each.
    let lowest = SWEEP.iter().copied().fold(threshold, f64::min);
    let (_, matches) = steps::detect(
        config.rewrite_coverage(lowest),
        batch.documents,
        args.detector.quiet,
    )?;
    let result = eval::evaluate(&matches, &ids, &labels, &args.positive, threshold, SWEEP);
    let mut out = BufWriter::new(io::stdout().lock());
    let written = match args.format {
        Format::Json | Format::Jsonl => {
            writeln!(out, "{}", to_json(&result, ids.len(), &args.positive))
        }
        Format::Text => write_text(&mut out, &result, ids.len(), &args.positive),
    }
    .and_then(|()| out.flush());
    super::finish_write(written)?;
    Ok(EXIT_CLEAN)
}

fn write_text(
    out: &mut dyn Write,
    e: &Evaluation,
    documents: usize,
    positive: &[String],
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
    writeln!(
        out,
        "{:<24} {:>6} {:>8} {:>7.3}  false positives",
        "(unlabelled cross pairs)",
        e.cross_pairs,
        cross,
        share(cross, e.cross_pairs)
    )?;
    writeln!(out)?;
    let p = &e.at_threshold;
    writeln!(
        out,
        "at rewrite_coverage {:.2}: precision {:.3}, recall {:.3}, F1 {:.3}",
        p.rewrite_coverage, p.precision, p.recall, p.f1
    )?;
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
        "sweep of rewrite_coverage (duplicates are flagged at every value):"
    )?;
    writeln!(
        out,
        "  {:>8} {:>7} {:>9} {:>6}",
        "coverage", "recall", "precision", "F1"
    )?;
    for p in &e.sweep {
        writeln!(
            out,
            "  {:>8.2} {:>7.3} {:>9.3} {:>6.3}",
            p.rewrite_coverage, p.recall, p.precision, p.f1
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
        "rewrite_coverage": p.rewrite_coverage,
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
