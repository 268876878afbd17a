//! `neardup check`, `neardup index add` and `neardup index stats`: the index file of an
//! ingest job, through the library's `Store`.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;
use std::time::Instant;

use neardup::report::Severity;
use neardup::store::Settings;
use neardup::{Config, Document, Store, StoreProblem};

use super::args::{
    CheckArgs, Format, IndexAddArgs, IndexCompactArgs, IndexRepairArgs, IndexStatsArgs,
};
use super::progress::Progress;
use super::steps;
use super::{EXIT_CLEAN, EXIT_ERROR};

/// How a command uses the index file.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Only reads it: no lock, works on a read-only file (see `Store::open_read_only`).
    Read,
    /// Writes it.
    Write,
    /// Writes it, creating it if it does not exist.
    Create,
}

/// Opens the index at `db` for `access`, with a progress bar while its tables are rebuilt.
/// An existing index is opened with the analysis settings it was built with: `config` gives
/// the rest, and `given` says which of its analysis settings were given as flags, each of
/// which must agree with the index's. Says what the open cut off or left out.
fn open(
    db: &Path,
    config: Config,
    given: &dyn Fn(&str) -> bool,
    access: Access,
    progress: &Progress,
) -> Result<Store, String> {
    if !db.exists() {
        if access == Access::Create {
            return Store::create(db, config).map_err(|e| super::args::message(&e));
        }
        return Err(format!(
            "{}: no such index file (`neardup index add --db {0} PATH...` or `neardup check --insert --db {0} PATH...` creates one)",
            db.display()
        ));
    }
    let stored = Settings::read(db).map_err(|e| damaged(db, e))?;
    let wanted = Settings::of(&config);
    let pairs = stored.fields().into_iter().zip(wanted.fields());
    for ((name, held), (_, value)) in pairs {
        if let Some(flag) = super::args::flag(name).filter(|_| given(name) && held != value) {
            return Err(format!(
                "{}: the index was built with {flag} {held}, but {flag} {value} was given (leave {flag} out to use the index's own)",
                db.display()
            ));
        }
    }
    let bar = progress.bar("opening", 0);
    let shown = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let store = Store::open_with_progress(db, stored.apply(config), access == Access::Read, &shown);
    bar.finish_and_clear();
    let store = store.map_err(|e| damaged(db, e))?;
    match store.interrupted_write() {
        Some(tail) if tail.cut => super::warning(&format!(
            "{}: an interrupted write was cut off: {} bytes at byte {}, never acknowledged (the articles being added then were not added: add them again)",
            db.display(),
            tail.bytes,
            tail.offset
        )),
        Some(tail) if !progress.quiet() => super::note(&format!(
            "{}: {} bytes after the last committed record (byte {}) were left out: a write in progress, or an interrupted one that the next writer cuts off",
            db.display(),
            tail.bytes,
            tail.offset
        )),
        _ => {}
    }
    Ok(store)
}

/// The message of an error opening `db`, with the way out for a damaged file.
fn damaged(db: &Path, err: neardup::Error) -> String {
    let repairable = matches!(
        err,
        neardup::Error::Store {
            problem: StoreProblem::Truncated { .. } | StoreProblem::Corrupt { .. },
            ..
        }
    );
    let message = super::args::message(&err);
    if repairable {
        format!(
            "{message}\nnothing was changed; `neardup index repair --db {}` keeps the records that are whole and saves the rest in a file beside it",
            db.display()
        )
    } else {
        message
    }
}

/// `neardup check`: checks each article in input order (adding it with `--insert`), then
/// reports every flagged pair as `scan` does.
pub fn check(args: &CheckArgs) -> Result<u8, String> {
    let start = Instant::now();
    let config = args.store.apply(args.detector.config());
    super::args::validate(&config)?;
    if args.paths.is_empty() && args.jsonl.is_empty() {
        return Err("nothing to check: give at least one PATH or --jsonl FILE".into());
    }
    steps::threads(&args.detector)?;
    let access = if args.insert {
        Access::Create
    } else {
        Access::Read
    };
    let progress = Progress::new(args.detector.quiet);
    let store = open(
        &args.db,
        config.clone(),
        &|setting| args.detector.gives(setting),
        access,
        &progress,
    )?;
    let (batch, mut skipped) = steps::read(&args.paths, &args.jsonl, &config, &args.detector);
    let documents = batch.documents.len();
    let bytes = batch.documents.iter().map(|d| d.text.len() as u64).sum();
    let bar = progress.bar("checking", documents as u64);
    let mut matches = Vec::new();
    let mut texts: HashMap<String, String> = HashMap::new();
    // An error of the index (a full disk, a damaged record) stops the run; what was checked
    // before it is still reported.
    let mut failure = None;
    let mut done = 0;
    for doc in batch.documents {
        let found = if args.insert {
            store.check_and_insert(&doc)
        } else {
            store.check(&doc)
        };
        let found = match found {
            Ok(found) => found,
            Err(err @ neardup::Error::Input { .. }) => {
                // An id already in the index: the article is not checked again.
                let skip = neardup::Skipped::from_error(&err);
                super::warning(&skip.message);
                skipped.push(skip);
                bar.inc(1);
                done += 1;
                continue;
            }
            Err(err) => {
                failure = Some(err.to_string());
                break;
            }
        };
        done += 1;
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
    if let Some(failure) = failure {
        let verb = if args.insert {
            "checked and added"
        } else {
            "checked"
        };
        return Err(format!(
            "{failure}\n{done} of {documents} articles were {verb} before it (reported above); the other {} were not",
            documents - done
        ));
    }
    Ok(steps::exit_code(&report))
}

/// `neardup index add`: adds the articles not yet in the index, `--batch` at a time, each
/// batch flushed to disk once.
pub fn add(args: &IndexAddArgs) -> Result<u8, String> {
    let config = args.store.apply(args.detector.config());
    super::args::validate(&config)?;
    if args.paths.is_empty() && args.jsonl.is_empty() {
        return Err("nothing to add: give at least one PATH or --jsonl FILE".into());
    }
    if args.batch == 0 {
        return Err("--batch must be at least 1".into());
    }
    steps::threads(&args.detector)?;
    let progress = Progress::new(args.detector.quiet);
    let store = open(
        &args.db,
        config.clone(),
        &|setting| args.detector.gives(setting),
        Access::Create,
        &progress,
    )?;
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
    let fresh_count = fresh.len();
    let bar = progress.bar("adding", fresh_count as u64);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut added = 0;
    let mut docs = fresh.into_iter().peekable();
    while docs.peek().is_some() {
        let chunk: Vec<Document> = docs.by_ref().take(args.batch).collect();
        let ids: Vec<String> = chunk.iter().map(|d| d.id.clone()).collect();
        store.insert_batch(chunk).map_err(|e| {
            let left = fresh_count - added;
            format!("{e}\n{added} articles were added before it; the other {left} were not")
        })?;
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
    steps::start_threads(args.run.threads)?;
    let progress = Progress::new(args.run.quiet);
    let store = open(
        &args.db,
        Config::default(),
        &|_| false,
        Access::Read,
        &progress,
    )?;
    let size = std::fs::metadata(&args.db)
        .map_err(|e| neardup::Error::io(&args.db, e).to_string())?
        .len();
    let memory = store.memory();
    let per_document = |bytes: u64| bytes / (store.len() as u64).max(1);
    let mb = |bytes: u64| bytes as f64 / 1e6;
    let settings: Vec<String> = Settings::of(store.config())
        .fields()
        .iter()
        .map(|(name, value)| format!("{name} = {value}"))
        .collect();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let written = writeln!(
        out,
        "{}: {} documents, {} bytes on disk ({} per document)\n\
         built with {}\n\
         in memory about {:.1} MB: sentence tables {:.1} MB, document tables {:.1} MB, \
         the rest {:.1} MB ({} bytes per document)",
        args.db.display(),
        store.len(),
        size,
        per_document(size),
        settings.join(", "),
        mb(memory.total()),
        mb(memory.sentence_tables),
        mb(memory.document_tables),
        mb(memory.documents),
        per_document(memory.documents),
    );
    super::finish_write(written)?;
    Ok(EXIT_CLEAN)
}

/// `neardup index compact`.
pub fn compact(args: &IndexCompactArgs) -> Result<u8, String> {
    steps::start_threads(args.run.threads)?;
    let config = args.store.apply(Config::default());
    let progress = Progress::new(args.run.quiet);
    let store = open(&args.db, config, &|_| false, Access::Write, &progress)?;
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

/// `neardup index repair`.
pub fn repair(args: &IndexRepairArgs) -> Result<u8, String> {
    let db = args.db.display();
    if !args.db.exists() {
        return Err(format!("{db}: no such index file"));
    }
    let done = Store::repair(&args.db).map_err(|e| e.to_string())?;
    let message = if !done.changed() {
        format!(
            "{db}: no damage found; nothing changed ({} records)",
            done.kept
        )
    } else {
        let mut message = format!(
            "{db}: repaired: {} whole records kept ({} bytes)",
            done.kept, done.length
        );
        if let Some(saved) = &done.saved {
            message.push_str(&format!(
                "; {} bytes cut off, saved in {}",
                done.cut,
                saved.display()
            ));
        }
        if done.missing > 0 {
            message.push_str(&format!(
                "; {} bytes were already missing from the end of the file (lost before the repair: restore them from a backup if there is one)",
                done.missing
            ));
        }
        message
    };
    let written = writeln!(io::stdout().lock(), "{message}");
    super::finish_write(written)?;
    Ok(EXIT_CLEAN)
}
