//! `neardup scan`: read every input, index it, report every flagged pair.

use std::io::{self, BufWriter, Write};
use std::time::Instant;

use neardup::input::{self, Options};
use neardup::report::{Severity, json, text};
use neardup::{Index, Report, Skipped, Summary};

use super::args::{Format, ScanArgs};
use super::progress::Progress;
use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FLAGGED};

/// Documents inserted per step, so the progress bar moves during long runs.
const CHUNK: usize = 4096;

/// Runs the scan and returns the exit code; `Err` is a fatal error message.
pub fn run(args: &ScanArgs) -> Result<u8, String> {
    let start = Instant::now();
    let config = args.config();
    config.validate().map_err(|e| e.to_string())?;
    if args.paths.is_empty() && args.jsonl.is_empty() {
        return Err("nothing to read: give at least one PATH or --jsonl FILE".into());
    }
    if let Some(threads) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
            .map_err(|e| format!("cannot start {threads} threads: {e}"))?;
    }

    let progress = Progress::new(args.quiet);
    let bar = progress.counter("reading");
    let options = Options {
        max_file_bytes: config.max_file_bytes,
        extensions: args.extensions.clone(),
    };
    let batch = input::read_all(&args.paths, &args.jsonl, &options, &|| bar.inc(1));
    bar.finish_and_clear();
    let skipped: Vec<Skipped> = batch.skipped.iter().map(Skipped::from_error).collect();
    for skip in &skipped {
        match skip.severity {
            Severity::Warning => super::warning(&skip.message),
            Severity::Error => super::error(&skip.message),
        }
    }
    if !batch.ignored.is_empty() && !args.quiet {
        let n = batch.ignored.len();
        super::note(&format!(
            "{n} file{} not read because of {} extension or type, e.g. {} (see --ext)",
            if n == 1 { "" } else { "s" },
            if n == 1 { "its" } else { "their" },
            batch.ignored[0].display()
        ));
    }

    let documents = batch.documents.len();
    let bytes = batch.documents.iter().map(|d| d.text.len() as u64).sum();
    let mut index = Index::new(config).map_err(|e| e.to_string())?;
    let bar = progress.bar("indexing", documents as u64);
    let mut docs = batch.documents;
    while !docs.is_empty() {
        let rest = docs.split_off(docs.len().min(CHUNK));
        let n = docs.len() as u64;
        index.insert_batch(docs).map_err(|e| e.to_string())?;
        bar.inc(n);
        docs = rest;
    }
    bar.finish_and_clear();
    let bar = progress.spinner("verifying");
    let matches = index.duplicates();
    bar.finish_and_clear();

    let fatal = skipped.iter().any(|s| s.severity == Severity::Error);
    let report = Report {
        summary: Summary {
            documents,
            bytes,
            skipped: skipped.len(),
            elapsed: start.elapsed(),
        },
        matches,
        skipped,
    };
    write(args.format, &report, &index)?;
    if documents == 0 {
        super::error(&"no document could be read");
        return Ok(EXIT_ERROR);
    }
    Ok(if fatal {
        EXIT_ERROR
    } else if report.matches.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FLAGGED
    })
}

/// Writes the report on stdout. A closed pipe (`neardup scan … | head`) is not an error.
fn write(format: Format, report: &Report, index: &Index) -> Result<(), String> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let text_of = |id: &str| -> Option<&str> {
        let found = index.find(id)?;
        index.document(found).map(|d| d.text.as_str())
    };
    let written = match format {
        Format::Text => text::write(&mut out, report, &text_of),
        Format::Jsonl => json::write_jsonl(&mut out, report),
        Format::Json => json::write_json(&mut out, report),
    }
    .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(format!("writing the report: {e}")),
        _ => Ok(()),
    }
}
