//! `neardup check`, `neardup index add` and `neardup index stats`: the index file of an
//! ingest job, through the library's `Store`.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;
use std::time::Instant;

use neardup::report::Severity;
use neardup::{Config, Document, Store};

use super::args::{CheckArgs, Format, IndexAddArgs, IndexCompactArgs, IndexStatsArgs};
use super::progress::Progress;
use super::steps;
use super::{EXIT_CLEAN, EXIT_ERROR};

/// Opens the index at `db`, or creates it when `create` is set and it does not exist.
fn open(db: &Path, config: Config, create: bool) -> Result<Store, String> {
    let store = if create && !db.exists() {
        Store::create(db, config)
    } else {
        Store::open(db, config)
    };
    store.map_err(|e| e.to_string())
}

/// `neardup check`: checks each article in input order (adding it with `--insert`), then
/// reports every flagged pair as `scan` does.
pub fn check(args: &CheckArgs) -> Result<u8, String> {
    let start = Instant::now();
    let config = args.store.apply(args.detector.config());
    config.validate().map_err(|e| e.to_string())?;
    if args.paths.is_empty() && args.jsonl.is_empty() {
        return Err("nothing to check: give at least one PATH or --jsonl FILE".into());
    }
    steps::threads(&args.detector)?;
    let store = open(&args.db, config.clone(), args.insert)?;
    let (batch, mut skipped) = steps::read(&args.paths, &args.jsonl, &config, &args.detector);
    let documents = batch.documents.len();
    let bytes = batch.documents.iter().map(|d| d.text.len() as u64).sum();
    let progress = Progress::new(args.detector.quiet);
    let bar = progress.bar("checking", documents as u64);
    let mut matches = Vec::new();
    let mut texts: HashMap<String, String> = HashMap::new();
    for doc in batch.documents {
        let found = if args.insert {
            match store.check_and_insert(doc.clone()) {
                Err(neardup::Error::Input { path, problem }) => {
                    // An id already in the index: the article is not checked again.
                    let err = neardup::Error::Input { path, problem };
                    let skip = neardup::Skipped::from_error(&err);
                    super::warning(&skip.message);
                    skipped.push(skip);
                    bar.inc(1);
                    continue;
                }
                other => other.map_err(|e| e.to_string())?,
            }
        } else {
            store.check(&doc).map_err(|e| e.to_string())?
        };
        if !found.is_empty() {
            texts.insert(doc.id.clone(), doc.text);
        }
        matches.extend(found);
        bar.inc(1);
    }
    bar.finish_and_clear();
    // The texts of the indexed side, for the text report.
    if args.format == Format::Text {
        for m in &matches {
            for id in [&m.a, &m.b] {
                if texts.contains_key(id) {
                    continue;
                }
                if let Some(text) = store.text(id).map_err(|e| e.to_string())? {
                    texts.insert(id.clone(), text);
                }
            }
        }
    }
    let report = steps::report(start, (documents, bytes), matches, skipped);
    steps::write(args.format, &report, &|id| {
        texts.get(id).map(String::as_str)
    })?;
    Ok(steps::exit_code(&report))
}

/// `neardup index add`: adds the articles not yet in the index, `--batch` at a time, each
/// batch flushed to disk once.
pub fn add(args: &IndexAddArgs) -> Result<u8, String> {
    let config = args.store.apply(args.detector.config());
    config.validate().map_err(|e| e.to_string())?;
    if args.paths.is_empty() && args.jsonl.is_empty() {
        return Err("nothing to add: give at least one PATH or --jsonl FILE".into());
    }
    if args.batch == 0 {
        return Err("--batch must be at least 1".into());
    }
    steps::threads(&args.detector)?;
    let store = open(&args.db, config.clone(), true)?;
    let (batch, skipped) = steps::read(&args.paths, &args.jsonl, &config, &args.detector);
    let read = batch.documents.len();
    let (fresh, known): (Vec<Document>, Vec<Document>) = batch
        .documents
        .into_iter()
        .partition(|d| !store.contains(&d.id));
    for doc in &known {
        super::warning(&format!(
            "{}: already in the index, not added again",
            doc.id
        ));
    }
    let progress = Progress::new(args.detector.quiet);
    let bar = progress.bar("adding", fresh.len() as u64);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut added = 0;
    let mut docs = fresh.into_iter().peekable();
    while docs.peek().is_some() {
        let chunk: Vec<Document> = docs.by_ref().take(args.batch).collect();
        let ids: Vec<String> = chunk.iter().map(|d| d.id.clone()).collect();
        store.insert_batch(chunk).map_err(|e| e.to_string())?;
        added += ids.len();
        bar.inc(ids.len() as u64);
        if args.acks {
            let mut lines = String::new();
            for id in &ids {
                let id = serde_json::to_string(id).expect("a string serialises");
                lines.push_str(&format!("{{\"type\":\"added\",\"id\":{id}}}\n"));
            }
            let written = out.write_all(lines.as_bytes()).and_then(|()| out.flush());
            super::finish_write(written)?;
        }
    }
    bar.finish_and_clear();
    if !args.detector.quiet {
        super::note(&format!(
            "{added} added, {} already in the index, {} skipped; {} holds {} documents",
            known.len(),
            skipped.len(),
            args.db.display(),
            store.len()
        ));
    }
    let fatal = skipped.iter().any(|s| s.severity == Severity::Error);
    Ok(if fatal || read == 0 {
        EXIT_ERROR
    } else {
        EXIT_CLEAN
    })
}

/// `neardup index stats`.
pub fn stats(args: &IndexStatsArgs) -> Result<u8, String> {
    let config = args.detector.config();
    let store = open(&args.db, config, false)?;
    let size = std::fs::metadata(&args.db)
        .map_err(|e| neardup::Error::io(&args.db, e).to_string())?
        .len();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let written = writeln!(
        out,
        "{}: {} documents, {} bytes on disk",
        args.db.display(),
        store.len(),
        size
    );
    super::finish_write(written)?;
    Ok(EXIT_CLEAN)
}

/// `neardup index compact`.
pub fn compact(args: &IndexCompactArgs) -> Result<u8, String> {
    let config = args.store.apply(args.detector.config());
    let store = open(&args.db, config, false)?;
    let done = store.compact().map_err(|e| e.to_string())?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let written = writeln!(
        out,
        "{}: {} documents kept, {} dropped; {} -> {} bytes",
        args.db.display(),
        done.kept,
        done.dropped,
        done.bytes_before,
        done.bytes_after
    );
    super::finish_write(written)?;
    Ok(EXIT_CLEAN)
}
