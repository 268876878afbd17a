//! The steps every detecting subcommand shares: read the inputs (with warnings), then index
//! and find every pair (with progress).

use std::path::PathBuf;

use std::io::{self, BufWriter, Write};
use std::sync::Mutex;
use std::time::Instant;

use indicatif::ProgressBar;

use neardup::input::{self, Batch, Options};
use neardup::report::{Severity, json, text};
use neardup::{Config, Document, Index, Match, Report, Skipped, Stage, Summary};

use super::args::{DetectorArgs, Format};
use super::progress::Progress;
use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FLAGGED};

/// Starts the worker threads the flags ask for.
pub fn threads(detector: &DetectorArgs) -> Result<(), String> {
    start_threads(detector.threads)
}

/// Starts `threads` worker threads, if given.
pub fn start_threads(threads: Option<usize>) -> Result<(), String> {
    if let Some(threads) = threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
            .map_err(|e| format!("cannot start {threads} threads: {e}"))?;
    }
    Ok(())
}

/// Reads every input, printing one warning or error line per input skipped, a warning per
/// text read with NUL bytes replaced, and a note for files not read because of their
/// extension.
pub fn read(
    paths: &[PathBuf],
    jsonl: &[PathBuf],
    config: &Config,
    detector: &DetectorArgs,
) -> (Batch, Vec<Skipped>) {
    let progress = Progress::new(detector.quiet);
    let bar = progress.counter("reading");
    let options = Options {
        max_file_bytes: config.max_file_bytes,
        extensions: detector.extensions.clone(),
        ..Options::default()
    };
    let batch = input::read_all(paths, jsonl, &options, &|| bar.inc(1));
    bar.finish_and_clear();
    let skipped: Vec<Skipped> = batch.skipped.iter().map(Skipped::from_error).collect();
    for skip in &skipped {
        match skip.severity {
            Severity::Warning => super::warning(&skip.message),
            Severity::Error => super::error(&skip.message),
        }
    }
    // A text read with its NUL bytes replaced is not exactly the file: never silent.
    for repaired in &batch.repaired {
        super::warning(repaired);
    }
    if !batch.ignored.is_empty() && !detector.quiet {
        let n = batch.ignored.len();
        super::note(&format!(
            "{n} file{} not read because of {} extension or type, e.g. {} (see --ext)",
            if n == 1 { "" } else { "s" },
            if n == 1 { "its" } else { "their" },
            batch.ignored[0].display()
        ));
    }
    if !batch.repeated.is_empty() && !detector.quiet {
        let n = batch.repeated.len();
        super::note(&format!(
            "{n} file{} reached more than once, read once under the id {} first reached with, e.g. {}",
            if n == 1 { " was" } else { "s were" },
            if n == 1 { "it was" } else { "each was" },
            batch.repeated[0].display()
        ));
    }
    (batch, skipped)
}

/// Indexes the documents and finds every pair.
pub fn detect(
    config: Config,
    docs: Vec<Document>,
    quiet: bool,
) -> Result<(Index, Vec<Match>), String> {
    let progress = Progress::new(quiet);
    let mut index = Index::new(config).map_err(|e| super::args::message(&e))?;
    let bar = progress.bar("indexing", docs.len() as u64);
    index
        .insert_batch_with_progress(docs, &|| bar.inc(1))
        .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    // One bar per stage of the search, made when the library starts it.
    let shown: Mutex<Option<(Stage, ProgressBar)>> = Mutex::new(None);
    let matches = index.pairs_with_progress(&|stage, done, total| {
        let mut shown = shown.lock().expect("no progress callback panicked");
        if shown.as_ref().map(|(s, _)| *s) != Some(stage) {
            if let Some((_, bar)) = shown.take() {
                bar.finish_and_clear();
            }
            let what = match stage {
                Stage::Duplicates => "verifying",
                Stage::Sentences => "joining",
                _ => "aligning",
            };
            *shown = Some((stage, progress.bar_of(what, total as u64, stage.unit())));
        }
        let (_, bar) = shown.as_ref().expect("a bar was just made");
        // Calls from several threads may come slightly out of order.
        if done as u64 > bar.position() {
            bar.set_position(done as u64);
        }
    });
    if let Some((_, bar)) = shown.into_inner().expect("no progress callback panicked") {
        bar.finish_and_clear();
    }
    Ok((index, matches))
}

/// The report of a run that started at `start`, read `documents` documents of `bytes` bytes,
/// skipped `skipped` inputs and flagged `matches`.
pub fn report(
    start: Instant,
    (documents, bytes): (usize, u64),
    matches: Vec<Match>,
    skipped: Vec<Skipped>,
) -> Report {
    Report {
        summary: Summary {
            documents,
            bytes,
            skipped: skipped.len(),
            elapsed: start.elapsed(),
        },
        matches,
        skipped,
    }
}

/// Writes the report on stdout in `format`; `text_of` gives the texts the text format
/// quotes. A closed pipe (`neardup … | head`) is not an error.
pub fn write<'t>(
    format: Format,
    report: &Report,
    text_of: &dyn Fn(&str) -> Option<&'t str>,
) -> Result<(), String> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let written = match format {
        Format::Text => text::write(&mut out, report, text_of),
        Format::Jsonl => json::write_jsonl(&mut out, report),
        Format::Json => json::write_json(&mut out, report),
    }
    .and_then(|()| out.flush());
    super::finish_write(written)
}

/// The exit code of a detecting run: an error if nothing could be read or an input given by
/// name could not, else whether anything was flagged.
pub fn exit_code(report: &Report) -> u8 {
    if report.summary.documents == 0 {
        super::error(&"no document could be read");
        return EXIT_ERROR;
    }
    if report.skipped.iter().any(|s| s.severity == Severity::Error) {
        EXIT_ERROR
    } else if report.matches.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FLAGGED
    }
}
