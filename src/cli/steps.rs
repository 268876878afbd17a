//! The steps every detecting subcommand shares: read the inputs (with warnings), then index
//! and find every pair (with progress).

use std::path::PathBuf;

use neardup::input::{self, Batch, Options};
use neardup::report::Severity;
use neardup::{Config, Document, Index, Match, Skipped};

use super::args::DetectorArgs;
use super::progress::Progress;

/// Starts the worker threads the flags ask for.
pub fn threads(detector: &DetectorArgs) -> Result<(), String> {
    if let Some(threads) = detector.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
            .map_err(|e| format!("cannot start {threads} threads: {e}"))?;
    }
    Ok(())
}

/// Reads every input, printing one warning or error line per input skipped and a note for
/// files not read because of their extension.
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
    if !batch.ignored.is_empty() && !detector.quiet {
        let n = batch.ignored.len();
        super::note(&format!(
            "{n} file{} not read because of {} extension or type, e.g. {} (see --ext)",
            if n == 1 { "" } else { "s" },
            if n == 1 { "its" } else { "their" },
            batch.ignored[0].display()
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
    let mut index = Index::new(config).map_err(|e| e.to_string())?;
    let bar = progress.bar("indexing", docs.len() as u64);
    index
        .insert_batch_with_progress(docs, &|| bar.inc(1))
        .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    let bar = progress.spinner("verifying");
    let matches = index.duplicates();
    bar.finish_and_clear();
    Ok((index, matches))
}
